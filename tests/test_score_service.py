"""services.scores: which forecasts a score uses (selection x policy x who), and the ScoreRun."""

from __future__ import annotations

import numpy as np
import pytest

from ledger.services.ledger import Ledger
from ledger.services.scores import score, select_forecasts
from ledger.services.select import Selection
from support import write_files

# Ann publishes a, b, c, d and Bob publishes e, all on 2025-01-01. Everything
# resolves on 2025-03-01 (c annulled, d left open); b's "no" is corrected to
# "yes" on 2025-05-01. Ann updates a before the resolution (0.8) and after it
# (0.99), and b after its first resolution, before the correction (0.9: `last`
# ignores it, the resolution date is the first entry's); Bob forecasts a twice
# and b once; Cy forecasts a only after it resolved.
TINY = {
    "t.yaml": """\
set: t
title: Tiny
by: Ann
made: 2025-01-01
predictions:
  - id: a
    claim: A happens
    p: 0.6
    forecasts:
      - {p: 0.8, at: 2025-02-01}
      - {p: 0.99, at: 2025-04-01}
      - {by: Bob, p: 0.3, at: 2025-01-02}
      - {by: Bob, p: 0.4, at: 2025-02-15}
      - {by: Cy, p: 0.5, at: 2025-06-01}
  - id: b
    claim: B happens
    p: 0.2
    forecasts:
      - {by: Bob, p: 0.5, at: 2025-01-02}
      - {p: 0.9, at: 2025-04-01}
  - id: c
    claim: C happens
    p: 0.7
  - id: d
    claim: D happens
    p: 0.4
  - id: e
    claim: E happens
    by: Bob
    p: 0.9
""",
    "outcomes/2025-03-01.yaml": """\
on: 2025-03-01
by: Ann
results:
  a: yes
  b: no
  c: annulled
  e: yes
""",
    "outcomes/2025-05-01.yaml": """\
on: 2025-05-01
by: Ann
correction: true
results:
  b: yes
""",
}


@pytest.fixture
def tiny(tmp_path):
    ledger = Ledger.open(write_files(tmp_path / "tiny", TINY))
    yield ledger
    ledger.close()


def rows(table):
    return [(str(i), str(f), float(p), int(o)) for i, f, p, o in zip(table.prediction_id, table.forecaster, table.p, table.outcome)]


def counts(table):
    c = table.counts()
    return c["predictions"], c["resolved"], c["annulled"], c["pending"], c["without_forecast"], c["forecasts"]


# -- authors (the default) ------------------------------------------------------

def test_authors_first_is_the_published_p(tiny):
    t = select_forecasts(tiny, Selection(), "first")
    assert rows(t) == [("a", "Ann", 0.6, 1), ("b", "Ann", 0.2, 1), ("e", "Bob", 0.9, 1)]
    assert t.scored == "authors" and t.policy == "first"
    # c annulled: excluded and counted; d unresolved: pending.
    assert counts(t) == (5, 3, 1, 1, 0, 3)


def test_authors_last_ignores_forecasts_after_the_resolution(tiny):
    t = select_forecasts(tiny, Selection(), "last")
    # a: 0.8 (2025-02-01), not 0.99 (2025-04-01, after the 2025-03-01 resolution)
    assert rows(t) == [("a", "Ann", 0.8, 1), ("b", "Ann", 0.2, 1), ("e", "Bob", 0.9, 1)]
    assert counts(t) == (5, 3, 1, 1, 0, 3)


def test_authors_all_is_every_forecast_in_date_order(tiny):
    t = select_forecasts(tiny, Selection(), "all")
    assert rows(t) == [
        ("a", "Ann", 0.6, 1), ("a", "Ann", 0.8, 1), ("a", "Ann", 0.99, 1), ("b", "Ann", 0.2, 1), ("b", "Ann", 0.9, 1),
        ("e", "Bob", 0.9, 1),
    ]
    assert counts(t) == (5, 3, 1, 1, 0, 6)


def test_policies_give_different_arrays(tiny):
    ps = {pol: select_forecasts(tiny, Selection(), pol).p.tolist() for pol in ("first", "last", "all")}
    assert ps == {"first": [0.6, 0.2, 0.9], "last": [0.8, 0.2, 0.9], "all": [0.6, 0.8, 0.99, 0.2, 0.9, 0.9]}


def test_correction_stands_and_arrays_are_numpy(tiny):
    t = select_forecasts(tiny, Selection(ids=("b",)), "first")
    assert rows(t) == [("b", "Ann", 0.2, 1)]  # corrected from no to yes
    assert t.p.dtype == np.float64 and t.outcome.dtype == np.int8 and t.n == 1


def test_unknown_policy_is_refused(tiny):
    with pytest.raises(ValueError, match="policy"):
        select_forecasts(tiny, Selection(), "time-weighted")


# -- one named forecaster ---------------------------------------------------------

@pytest.mark.parametrize(
    "policy, expected",
    [
        ("first", [("a", "Bob", 0.3, 1), ("b", "Bob", 0.5, 1), ("e", "Bob", 0.9, 1)]),
        ("last", [("a", "Bob", 0.4, 1), ("b", "Bob", 0.5, 1), ("e", "Bob", 0.9, 1)]),
        ("all", [("a", "Bob", 0.3, 1), ("a", "Bob", 0.4, 1), ("b", "Bob", 0.5, 1), ("e", "Bob", 0.9, 1)]),
    ],
)
def test_by_name_scores_their_forecasts_on_anyones_predictions(tiny, policy, expected):
    t = select_forecasts(tiny, Selection(by="bob"), policy)  # names match ignoring case
    assert t.scored == "forecaster" and t.name == "bob"
    assert rows(t) == expected
    assert counts(t)[:4] == (3, 3, 0, 0)  # a, b, e: the predictions Bob took part in


def test_last_without_a_forecast_before_the_resolution_is_counted(tiny):
    t = select_forecasts(tiny, Selection(by="Cy"), "last")
    assert rows(t) == [] and counts(t) == (1, 1, 0, 0, 1, 0)
    assert rows(select_forecasts(tiny, Selection(by="Cy"), "first")) == [("a", "Cy", 0.5, 1)]


# -- everyone (the leaderboard) ----------------------------------------------------

def test_everyone_first_and_last(tiny):
    first = select_forecasts(tiny, Selection(), "first", everyone=True)
    assert rows(first) == [
        ("a", "Ann", 0.6, 1), ("a", "Bob", 0.3, 1), ("a", "Cy", 0.5, 1), ("b", "Ann", 0.2, 1), ("b", "Bob", 0.5, 1),
        ("e", "Bob", 0.9, 1),
    ]
    last = select_forecasts(tiny, Selection(), "last", everyone=True)
    assert rows(last) == [
        ("a", "Ann", 0.8, 1), ("a", "Bob", 0.4, 1), ("b", "Ann", 0.2, 1), ("b", "Bob", 0.5, 1), ("e", "Bob", 0.9, 1),
    ]


def test_leaderboard_rows_have_n(tiny):
    run = score(tiny, Selection(), "first", by_forecaster=True)
    assert run.report is None
    board = {row.forecaster: row for row in run.leaderboard.rows}
    assert {name: (row.n, row.n_with_peers) for name, row in board.items()} == {
        "Ann": (2, 2), "Bob": (3, 2), "Cy": (1, 1),
    }
    assert board["Ann"].brier == pytest.approx(((1 - 0.6) ** 2 + (1 - 0.2) ** 2) / 2)
    assert run.rules["policy"] == "first" and run.rules["scored"] == "everyone"


def test_leaderboard_refuses_policy_all(tiny):
    with pytest.raises(ValueError, match="first or last"):
        score(tiny, Selection(), "all", by_forecaster=True)


# -- the run ---------------------------------------------------------------------

def test_score_run_bundles_counts_report_and_rules(tiny):
    run = score(tiny, Selection(), "last", brier_scale="0-2", eps=0.01, bins=[0, 0.5, 1], bootstrap=50, seed=3)
    assert run.counts == {"predictions": 5, "resolved": 3, "annulled": 1, "pending": 1, "without_forecast": 0, "forecasts": 3}
    p = np.array([0.8, 0.2, 0.9])
    assert run.report.n == 3
    assert run.report.gap.total == pytest.approx(float((1 - p).sum()))
    assert run.report.brier.score == pytest.approx(2 * float(((1 - p) ** 2).mean()))
    assert run.report.bootstrap.resamples == 50 and run.report.bootstrap.seed == 3
    r = run.rules
    assert (r["policy"], r["scored"], r["brier_scale"], r["eps"], r["bins"], r["bootstrap_resamples"], r["seed"]) == (
        "last", "authors", "0-2", 0.01, "edges", 50, 3,
    )
    assert "edge_rule" in r and "clipped" in r
    d = run.to_dict()
    assert set(d) == {"selection", "policy", "scored", "counts", "rules", "report", "leaderboard"}
    assert d["report"]["gap"]["total"] == run.report.gap.total


def test_bootstrap_auto_and_off(tiny):
    assert score(tiny, Selection()).report.bootstrap.resamples == 1000
    assert score(tiny, Selection(), bootstrap=0).report.bootstrap is None


def test_nothing_to_score(tiny):
    run = score(tiny, Selection(set_id="nope"))
    assert run.n == 0 and run.report.n == 0 and run.report.gap.total is None
    assert run.report.bootstrap is None


def test_seed_post_scores_minus_074(bundled):
    ledger = Ledger.open(bundled)
    try:
        run = score(ledger, Selection(set_id="anthropic-sae-2024"))
        assert run.n == 10
        assert run.report.gap.total == pytest.approx(-0.74, abs=1e-12)
        # The reading group: Ada's update on rg25-sae-beats-probe (25% -> 10%) is what `last` sees.
        first = select_forecasts(ledger, Selection(set_id="reading-group-2025"), "first")
        last = select_forecasts(ledger, Selection(set_id="reading-group-2025"), "last")
        assert first.p.tolist() == [0.7, 0.25, 0.2, 0.75] and last.p.tolist() == [0.7, 0.1, 0.2, 0.75]
        assert (first.annulled, first.pending) == (1, 2)
    finally:
        ledger.close()
