"""services.scores: which forecasts a score uses (selection x policy x who), and the ScoreRun."""

from __future__ import annotations

import numpy as np
import pytest

from ledger.services.ledger import Ledger
from ledger.services.scores import score, select_forecasts
from ledger.services.select import Selection
from support import identify, write_files

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
    ledger = Ledger.open(identify(write_files(tmp_path / "tiny", TINY)))
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


def test_authors_all_is_every_forecast_in_date_order_up_to_the_resolution(tiny):
    t = select_forecasts(tiny, Selection(), "all")
    # a's 0.99 (2025-04-01) and b's 0.9 (2025-04-01, after b's first outcome
    # entry of 2025-03-01) were made after the resolution: left out, counted.
    assert rows(t) == [("a", "Ann", 0.6, 1), ("a", "Ann", 0.8, 1), ("b", "Ann", 0.2, 1), ("e", "Bob", 0.9, 1)]
    assert counts(t) == (5, 3, 1, 1, 0, 4)
    assert t.after_resolution == 2 and t.counts()["after_resolution"] == 2


def test_policies_give_different_arrays(tiny):
    ps = {pol: select_forecasts(tiny, Selection(), pol).p.tolist() for pol in ("first", "last", "all")}
    assert ps == {"first": [0.6, 0.2, 0.9], "last": [0.8, 0.2, 0.9], "all": [0.6, 0.8, 0.2, 0.9]}


def test_correction_stands_and_arrays_are_numpy(tiny):
    t = select_forecasts(tiny, Selection(ids=("b",)), "first")
    assert rows(t) == [("b", "Ann", 0.2, 1)]  # corrected from no to yes
    assert t.p.dtype == np.float64 and t.outcome.dtype == np.int8 and t.n == 1


def test_unknown_policy_is_refused(tiny):
    with pytest.raises(ValueError, match="policy"):
        select_forecasts(tiny, Selection(), "time-averaged")


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
    assert t.scored == "forecaster" and t.name == "Bob"  # named as the ledger spells the forecaster
    assert rows(t) == expected
    assert counts(t)[:4] == (3, 3, 0, 0)  # a, b, e: the predictions Bob took part in


@pytest.mark.parametrize("policy", ["first", "last", "all"])
def test_a_forecast_only_after_the_resolution_is_never_scored(tiny, policy):
    # Cy forecast a on 2025-06-01, after it resolved (2025-03-01): made knowing the outcome.
    t = select_forecasts(tiny, Selection(by="Cy"), policy)
    assert rows(t) == [] and counts(t) == (1, 1, 0, 0, 1, 0)
    assert t.after_resolution == 1


# -- everyone (the leaderboard) ----------------------------------------------------

def test_everyone_first_and_last(tiny):
    first = select_forecasts(tiny, Selection(), "first", everyone=True)
    assert rows(first) == [
        ("a", "Ann", 0.6, 1), ("a", "Bob", 0.3, 1), ("b", "Ann", 0.2, 1), ("b", "Bob", 0.5, 1), ("e", "Bob", 0.9, 1),
    ]
    assert first.after_resolution == 1  # Cy on a
    last = select_forecasts(tiny, Selection(), "last", everyone=True)
    assert rows(last) == [
        ("a", "Ann", 0.8, 1), ("a", "Bob", 0.4, 1), ("b", "Ann", 0.2, 1), ("b", "Bob", 0.5, 1), ("e", "Bob", 0.9, 1),
    ]


def test_leaderboard_rows_have_n(tiny):
    run = score(tiny, Selection(), "first", by_forecaster=True)
    assert run.report is None
    board = {row.forecaster: row for row in run.leaderboard.rows}
    assert {name: (row.n, row.n_with_peers) for name, row in board.items()} == {"Ann": (2, 2), "Bob": (3, 2)}
    assert board["Ann"].brier == pytest.approx(((1 - 0.6) ** 2 + (1 - 0.2) ** 2) / 2)
    assert run.rules["policy"] == "first" and run.rules["scored"] == "everyone"


def test_leaderboard_refuses_policy_all(tiny):
    with pytest.raises(ValueError, match="first, last or time-weighted"):
        score(tiny, Selection(), "all", by_forecaster=True)


# -- the run ---------------------------------------------------------------------

def test_score_run_bundles_counts_report_and_rules(tiny):
    run = score(tiny, Selection(), "last", brier_scale="0-2", eps=0.01, bins=[0, 0.5, 1], bootstrap=50, seed=3)
    assert run.counts == {"predictions": 5, "resolved": 3, "annulled": 1, "pending": 1, "without_forecast": 0, "after_resolution": 0,
                          "forecasts": 3}
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


# -- names: one forecaster however the name is spelled ------------------------------

# The reviewer's case: ben, Ben and BEN are one forecaster. Ben's 0.7 on q2
# (2024-03-01) comes after q2 resolved (2024-02-01).
CASES = {
    "s.yaml": """\
set: s
by: Alice
made: 2024-01-01
predictions:
  - id: q1
    claim: one
    p: 0.8
    forecasts: [{by: ben, p: 0.6, at: 2024-01-02}, {by: Ben, p: 0.9, at: 2024-01-03}]
  - id: q2
    claim: two
    p: 0.4
    forecasts: [{by: BEN, p: 0.2, at: 2024-01-02}, {by: Ben, p: 0.7, at: 2024-03-01}]
  - id: q3
    claim: three
    p: 0.3
    forecasts:
      - {by: " ALICE ", p: 0.1, at: 2024-01-05}
      - {by: Émile, p: 0.5, at: 2024-01-02}
      - {by: éMILE, p: 0.6, at: 2024-01-03}
      - {by: Strauß, p: 0.25, at: 2024-01-02}
      - {by: STRAUSS, p: 0.75, at: 2024-01-03}
""",
    "o.yaml": "on: 2024-02-01\nby: Alice\nresults:\n  q1: yes\n  q2: no\n  q3: no\n",
}


@pytest.fixture
def cases(tmp_path):
    ledger = Ledger.open(identify(write_files(tmp_path / "cases", CASES)))
    yield ledger
    ledger.close()


@pytest.mark.parametrize("spelling", ["ben", "Ben", "BEN", "  bEn "])
def test_by_name_first_is_one_forecast_per_question_whatever_the_case(cases, spelling):
    t = select_forecasts(cases, Selection(by=spelling), "first")
    # q1: ben's 0.6 (not also Ben's 0.9); q2: BEN's 0.2 (Ben's 0.7 is the same person, and late).
    assert [(str(i), float(p)) for i, p in zip(t.prediction_id, t.p)] == [("q1", 0.6), ("q2", 0.2)]
    assert set(t.forecaster.tolist()) == {"ben"}  # the first spelling seen
    assert t.counts()["predictions"] == 2 and t.after_resolution == 0


def test_by_name_last_and_all_group_spellings(cases):
    last = select_forecasts(cases, Selection(by="ben"), "last")
    assert [float(p) for p in last.p] == [0.9, 0.2]
    everything = select_forecasts(cases, Selection(by="ben"), "all")
    assert [float(p) for p in everything.p] == [0.6, 0.9, 0.2]  # not the late 0.7
    assert everything.after_resolution == 1


def test_leaderboard_has_one_row_per_person(cases):
    run = score(cases, Selection(), "first", by_forecaster=True)
    rows_ = {row.forecaster: (row.n, row.n_with_peers) for row in run.leaderboard.rows}
    assert rows_ == {"Alice": (3, 3), "ben": (2, 2), "Émile": (1, 1), "Strauß": (1, 1)}
    by_name = {row.forecaster: row for row in run.leaderboard.rows}
    # Peers are other people only: on q1 Alice's peer is ben alone (his first, 0.6).
    assert by_name["ben"].brier == pytest.approx(((1 - 0.6) ** 2 + 0.2 ** 2) / 2)


def test_authors_own_forecasts_count_however_spelled(cases):
    t = select_forecasts(cases, Selection(ids=("q3",)), "last")
    # " ALICE "'s 0.1 is Alice's update on her own q3.
    assert rows(t) == [("q3", "Alice", 0.1, 0)]


def test_non_ascii_names_fold(cases):
    assert select_forecasts(cases, Selection(by="émile"), "first").p.tolist() == [0.5]
    assert select_forecasts(cases, Selection(by="strauss"), "last").p.tolist() == [0.75]


# -- the scorecard's shared query -----------------------------------------------------------------
# report.scorecard reads the selected predictions once (services.published.shown_predictions) and
# hands them to score() (services.scores.Selected); under `first` the leaderboard then reads only the
# forecasts that are not a published p. The scores must be the very ones score() reads for itself.

def _same_run(a, b) -> None:
    assert a.to_dict() == b.to_dict()
    for name in ("prediction_id", "forecaster", "p", "outcome", "p_typed", "at", "question"):
        x, y = getattr(a.table, name), getattr(b.table, name)
        assert (x is None) == (y is None), name
        if x is not None:
            assert x.tolist() == y.tolist(), name


# What the whole-ledger leaderboard reads by one scan of the forecasts (services.scores._other_forecasts)
# must match what the joined query reads: an id defined twice (left out, with its forecasts), a forecast
# on no prediction, a multiple-choice question's forecasts, sets made out of file order, and ties on a
# day (two people; one person in two files) that the file and line order.
TRICKY = {
    "a.yaml": """\
set: late
by: Ann
made: 2024-03-01
predictions:
  - {id: t1, claim: one, p: 0.7, forecasts: [{by: Bo, p: 0.2, at: 2024-03-02}, {by: Cy, p: 0.4, at: 2024-03-02}]}
  - {id: dup, claim: twice, p: 0.5, forecasts: [{by: Bo, p: 0.9, at: 2024-03-02}]}
""",
    "b.yaml": """\
set: early
by: Ann
made: 2024-01-01
predictions:
  - {id: t2, claim: two, p: 0.3}
  - {id: dup, claim: twice again, p: 0.6}
  - {id: m1, claim: which, options: {x: 0.5, y: 0.5}}
""",
    "f1.yaml": """\
forecasts:
  - {prediction: t2, p: 0.8, by: Cy, at: 2024-01-05}
  - {prediction: t2, p: 0.6, by: Bo, at: 2024-01-05}
  - {prediction: nowhere, p: 0.6, by: Bo, at: 2024-01-05}
""",
    "f2.yaml": """\
forecasts:
  - {prediction: t2, p: 0.1, by: bo, at: 2024-01-05}
  - {prediction: t1, p: 0.9, by: Cy, at: 2024-03-01}
""",
    "o.yaml": "on: 2024-06-01\nby: Ann\nresults:\n  t1: yes\n  t2: no\n  dup: yes\n  m1: x\n",
}


def _ledger_named(where: str, tiny, cases, bundled, tmp_path):
    """One of the ledgers the shared-read tests compare on: the fixtures by name, the kinds fixture, TRICKY."""
    import shutil
    from pathlib import Path

    if where == "kinds":
        root = tmp_path / "kinds"
        shutil.copytree(Path(__file__).parent / "fixtures" / "ledgers" / "kinds", root)
        return Ledger.open(identify(root))
    if where == "tricky":
        return Ledger.open(identify(write_files(tmp_path / "tricky", TRICKY)))
    return {"tiny": tiny, "cases": cases}.get(where) or Ledger.open(bundled)


@pytest.mark.parametrize("where", ["tiny", "cases", "kinds", "bundled", "tricky"])
@pytest.mark.parametrize("selection", [Selection(), Selection(by="Bob"), Selection(by="ben")])
def test_scores_from_the_shared_predictions_are_the_scores(where, selection, tiny, cases, bundled, tmp_path):
    import datetime as dt

    from ledger.services.published import shown_predictions
    from ledger.services.scores import selected_from

    ledger = _ledger_named(where, tiny, cases, bundled, tmp_path)
    compared = 0
    with ledger.reader() as db:
        selected = selected_from(shown_predictions(db, selection, dt.date(2026, 1, 1)))
        for policy, everyone in (("first", False), ("last", False), ("all", False), ("first", True), ("last", True)):
            alone = score(db, selection, policy, by_forecaster=everyone, bootstrap=0)
            shared = score(db, selection, policy, by_forecaster=everyone, bootstrap=0, selected=selected)
            _same_run(alone, shared)
            compared += alone.n
    assert compared or selection.by  # every ledger here has forecasts to score (a name may be in none)


@pytest.mark.parametrize("where", ["tiny", "cases", "kinds", "bundled", "tricky"])
def test_the_whole_ledgers_leaderboard_by_one_scan_is_the_joined_querys(where, tiny, cases, bundled, tmp_path):
    # Selection() under `first` reads the other forecasts by one scan (services.scores._other_forecasts),
    # with or without the predictions read already; a selection of the same predictions by a filter
    # (made since the year 1) reads them by the join in ledger order. Every figure and forecast agree.
    import datetime as dt
    from dataclasses import replace

    from ledger.services.published import shown_predictions
    from ledger.services.scores import selected_from

    ledger = _ledger_named(where, tiny, cases, bundled, tmp_path)
    everything, filtered = Selection(), Selection(since=dt.date(1, 1, 1))
    with ledger.reader() as db:
        joined = score(db, filtered, "first", by_forecaster=True, bootstrap=0)
        assert joined.n  # every ledger here has forecasts on resolved questions
        selected = selected_from(shown_predictions(db, everything, dt.date(2026, 1, 1)))
        for scanned in (score(db, everything, "first", by_forecaster=True, bootstrap=0),
                        score(db, everything, "first", by_forecaster=True, bootstrap=0, selected=selected)):
            _same_run(replace(scanned, selection=joined.selection), joined)


@pytest.mark.parametrize("where", ["tiny", "cases", "kinds", "bundled", "tricky"])
@pytest.mark.parametrize("selection", [Selection(), Selection(by="Bob"), Selection(tags=("ai",)),
                                       Selection(since=__import__("datetime").date(2026, 1, 1))])
def test_selected_read_from_the_index_is_selected_from_the_published_rows(where, selection, tiny, cases, bundled,
                                                                          tmp_path):
    # The scorecard's leaderboard, computed in a child while the parent reads the table, reads its
    # predictions with one query of its own (services.scores.read_selected): the same arrays.
    import datetime as dt

    from ledger.services.published import shown_predictions
    from ledger.services.scores import SELECTED_DTYPE, read_selected, selected_from

    ledger = _ledger_named(where, tiny, cases, bundled, tmp_path)
    with ledger.reader() as db:
        shared = selected_from(shown_predictions(db, selection, dt.date(2026, 1, 1)))
        read = read_selected(db, selection)
    assert set(read.by_kind) == set(shared.by_kind)
    assert shared.by_kind or selection != Selection()  # every ledger here has predictions
    for kind, rows in shared.by_kind.items():
        for name, _ in SELECTED_DTYPE:
            a, b = rows[name].tolist(), read.by_kind[kind][name].tolist()
            if name == "p" and kind != "binary":
                assert all(x != x for x in a + b)  # NaN: no published p for the other kinds
            else:
                assert a == b, (kind, name)
                assert [type(x) for x in a] == [type(x) for x in b], (kind, name)


# services.published reads what is rare on a row (another kind, about, claims tested, a distribution, a unit,
# a result not written as its code says, a note, evidence) as one packed column. The rows must be those the
# columns give when read one by one, as the index stores them (ledger.index.schema's decoding).
RARE = {
    "r.yaml": """\
set: rare
by: Ann
made: 2024-01-01
about: the rare columns
predictions:
  - {id: plain, claim: nothing rare, p: 0.5}
  - {id: noted, claim: with a note, p: 0.25, tests: [c1, c2]}
  - {id: pend, claim: still open, p: 0.9, tests: [c2]}
  - {id: corrected, claim: resolved twice, p: 0.6}
  - {id: gone, claim: annulled, p: 0.6}
  - {id: size, claim: how big, quantiles: {5%: 1, 50%: 2, 95%: 3}, unit: kg}
""",
    "o.yaml": """\
on: 2024-06-01
by: Ann
evidence:
  - {url: "https://example.org/a", title: A}
results:
  noted: {result: yes, note: "a note, with | and *stars*"}
  corrected: no
  gone: annulled
  size: 2.5
""",
    "o2.yaml": "on: 2024-07-01\nby: Ann\ncorrection: true\nresults:\n  corrected: {result: yes, note: fixed}\n",
    "o3.yaml": "on: 2024-07-01\nby: Ann\nresults:\n  plain: no\n",
    "r2.yaml": "set: rare2\nby: Ann\nmade: 2024-01-02\npredictions:\n  - {id: only-note, claim: a note alone, p: 0.3}\n"
               "  - {id: only-evidence, claim: evidence alone, p: 0.7}\n  - {id: only-tests, claim: tests alone, p: 0.4, "
               "tests: [c1]}\n",
    "o4.yaml": "on: 2024-06-02\nby: Ann\nresults:\n  only-note: {result: no, note: just this}\n",
    "o5.yaml": "on: 2024-06-02\nby: Ann\nevidence:\n  - {url: 'https://example.org/e'}\nresults:\n  only-evidence: yes\n",
    "claims.yaml": "claims:\n  - {id: c1, quote: one claim, source: https://example.org/c}\n"
                   "  - {id: c2, quote: another claim, source: https://example.org/c}\n",
}


def _rows_read_column_by_column(db, selection, today):
    """The selected predictions' Shown rows from every column read on its own (no packing)."""
    import json

    from ledger.index.derive import PENDING
    from ledger.index.schema import _decode_dist
    from ledger.index.sql import as_date
    from ledger.records import Evidence
    from ledger.services.published import Shown, status_of
    from ledger.services.select import PREDICTION_ORDER_SQL, where_sql

    def listed(text):
        return () if not text or text == "[]" else tuple(json.loads(text))

    where, params = where_sql(selection, db, today)
    out = []
    for (pid, claim, p, typed, by, made, position, set_id, about, tags, tests, kind, dist, unit, result, code, note,
         evidence, resolved_on, row) in db.rows(
            'SELECT p.id, p.claim, p.p, p.p_typed, p."by", p.made, p.position, p.set_id, p.about, p.tags, p.tests, '
            "p.kind, p.dist, p.unit, p.result, p.outcome, o.note, o.evidence, p.resolved_on, p.rowid FROM predictions p "
            f"LEFT OUTER JOIN outcomes o ON o.rowid = p.outcome_entry WHERE {where} ORDER BY {PREDICTION_ORDER_SQL}",
            params):
        out.append(Shown(pid, claim, p, typed, by, as_date(made), position, set_id, about, listed(tags), listed(tests),
                         kind, _decode_dist(json.loads(dist)) if dist and dist != "[]" else (), unit,
                         None if code == PENDING else result, code, note,
                         tuple(Evidence(**e) for e in json.loads(evidence)) if evidence and evidence != "[]" else (),
                         status_of(kind, code), resolved_on, row))
    return out


@pytest.mark.parametrize("where", ["tiny", "cases", "kinds", "bundled", "tricky", "rare"])
@pytest.mark.parametrize("selection", [Selection(), Selection(by="Bob"), Selection(tags=("ai",)),
                                       Selection(since=__import__("datetime").date(2024, 6, 1))])
def test_the_published_rows_are_their_columns_read_one_by_one(where, selection, tiny, cases, bundled, tmp_path):
    import datetime as dt

    from ledger.services.published import FIELDS, ShownRows, shown_predictions

    if where == "rare":
        ledger = Ledger.open(identify(write_files(tmp_path / "rare", RARE)))
    else:
        ledger = _ledger_named(where, tiny, cases, bundled, tmp_path)
    today = dt.date(2026, 1, 1)
    with ledger.reader() as db:
        shown = shown_predictions(db, selection, today)
        expected = _rows_read_column_by_column(db, selection, today)
    assert isinstance(shown, ShownRows) and len(shown) == len(expected)
    assert expected or selection != Selection()  # every ledger here has predictions
    got = list(shown)
    assert got == expected
    assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected]
    for name in FIELDS:  # a column is its rows' field
        assert shown.column(name) == [getattr(row, name) for row in expected], name
    if where == "rare" and selection == Selection():  # the rare columns were there to read
        rows = {row.id: row for row in got}
        assert rows["noted"].note and rows["noted"].evidence and rows["noted"].tests == ("c1", "c2")
        assert rows["size"].kind == "numeric" and rows["size"].unit == "kg" and rows["size"].dist
        assert (rows["corrected"].result, rows["corrected"].status, rows["corrected"].note) == ("yes", "yes", "fixed")
        assert (rows["gone"].status, rows["pend"].result, rows["plain"].result) == ("annulled", None, "no")
        assert rows["plain"].about == "the rare columns"
        # each alone on a row without anything else rare
        assert rows["only-note"].note == "just this" and rows["only-evidence"].evidence and rows["only-tests"].tests


def test_shown_rows_taken_and_sliced_are_their_rows(bundled):
    import datetime as dt

    from ledger.services.published import ShownRows, shown_column, shown_predictions

    with Ledger.open(bundled).reader() as db:
        shown = shown_predictions(db, Selection(), dt.date(2026, 1, 1))
    rows = list(shown)
    assert len(rows) > 4
    index = [len(rows) - 1, 0, 2]
    taken = shown.take(index)
    assert list(taken) == [rows[i] for i in index] and taken.column("claim") == [rows[i].claim for i in index]
    assert list(taken.take([2, 0])) == [rows[2], rows[len(rows) - 1]]  # a subset of a subset
    assert shown.take(list(range(len(rows)))) is shown  # every row in order: itself
    assert list(shown[1:4]) == rows[1:4] and shown[-1] == rows[-1] and shown[2] == rows[2]
    assert ShownRows.of(rows) == shown and ShownRows.of(shown) is shown
    assert shown_column(rows, "id") == shown_column(shown, "id") == [r.id for r in rows]
    assert not ShownRows.of([]) and len(ShownRows.of([])) == 0
