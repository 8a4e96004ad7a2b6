"""The scorecard's predictions table shows the forecasts the run scored: its points
add up to the headline gap under every policy and with --by, a forecast dated after
the resolution is never shown, and --by shows only that forecaster's probabilities."""

from __future__ import annotations

import re

import pytest

from support import tables

# Ann publishes; Bob (spelled three ways) forecasts; Ann updates #1; #3 is corrected
# yes -> no; #4 is annulled, #5 pending; on #2 and #6 forecasts come after the resolution.
LEDGER = {
    "s.yaml": """
        set: s
        title: Totals
        by: Ann
        made: 2025-01-01
        predictions:
          - id: a
            claim: A happens
            p: 70%
            forecasts:
              - {by: Bob, p: 40%, at: 2025-01-02}
              - {p: 80%, at: 2025-03-01}
          - id: b
            claim: B happens
            p: 0.3
            forecasts:
              - {by: bob, p: 0.2, at: 2025-01-02}
              - {by: Bob, p: 0.9, at: 2025-07-01}
          - id: c
            claim: C happens
            p: 60%
            forecasts:
              - {by: BOB, p: 0.5, at: 2025-01-03}
          - id: d
            claim: D annulled
            p: 50%
          - id: e
            claim: E pending
            p: 40%
            forecasts:
              - {by: Bob, p: 0.6, at: 2025-01-03}
          - id: f
            claim: F late
            p: 0.25
            forecasts:
              - {by: Bob, p: 0.1, at: 2025-06-10}
              - {p: 0.95, at: 2025-06-20}
    """,
    "outcomes/2025-06-01.yaml": """
        on: 2025-06-01
        by: Ann
        results:
          a: yes
          b: no
          c: yes
          d: annulled
          f: no
    """,
    "outcomes/2025-06-15.yaml": """
        on: 2025-06-15
        by: Ann
        correction: true
        results:
          c: no
    """,
}

CASES = {
    "authors-first": (None, "first"),
    "authors-last": (None, "last"),
    "authors-all": (None, "all"),
    "bob-first": ("bob", "first"),
    "bob-last": ("BOB", "last"),
    "bob-all": ("Bob", "all"),
    "ann-all": ("ann", "all"),
}


@pytest.fixture
def totals(make_ledger):
    return make_ledger(LEDGER)


def _card(root, by, policy, flavor="github", probabilities="as-typed"):
    from ledger.report.scorecard import Options, collect, render
    from ledger.services.ledger import Ledger
    from ledger.services.select import Selection

    data = collect(Ledger.open(root), Selection(by=by), policy)
    return data, render(data, Options(flavor=flavor, probabilities=probabilities))


def _p(cell: str) -> float:
    return float(cell[:-1]) / 100 if cell.endswith("%") else float(cell)


def _prediction_rows(md):
    """The predictions table's rows as {header: cell} dicts."""
    (table,) = [t for t in tables(md) if t[0][0] == "#"]
    return [dict(zip(table[0], row)) for row in table[1:]]


def _points(cell: str) -> float:
    return 0.0 if cell == "—" else float(cell)


@pytest.mark.parametrize("probabilities", ["as-typed", "percent"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_tables_points_add_up_to_the_headline(totals, case, probabilities):
    by, policy = CASES[case]
    data, md = _card(totals, by, policy, probabilities=probabilities)
    rows = _prediction_rows(md)
    headline = float(re.search(r" scored \*\*([+-]\d+\.\d\d)\*\* by the post's rule", md)[1])
    scored = [r for r in rows if r["points"] != "—"]
    assert len(scored) == data.run.n  # one row per scored forecast
    assert round(sum(_points(r["points"]) for r in rows), 2) == headline
    assert abs(sum(_points(r["points"]) for r in rows) - data.run.report.gap.total) < 1e-9
    # The rows' own figures: points are the post's rule on the p shown.
    for r in scored:
        p = _p(r["p"])
        happened = r["outcome"] == "✅"
        assert _points(r["points"]) == pytest.approx((1 - p) if happened else -p, abs=0.005)
    # The table says what it shows, unless it is the published list.
    if case != "authors-first":
        assert "Each scored row is a forecast the scores above use" in md
        assert f"they add up to the gap total, {headline:+.2f}." in md


def test_bobs_card_shows_only_bobs_probabilities_and_no_late_forecast(totals):
    _, md = _card(totals, "bob", "first")
    rows = {r["#"]: r for r in _prediction_rows(md)}
    assert [rows[k]["p"] for k in "123"] == ["40%", "0.2", "0.5"]  # not Ann's 70%, 0.3, 60%
    assert {rows[k]["forecaster"] for k in "123"} == {"Bob"}  # one forecaster, the first spelling
    assert rows["3"]["outcome"] == "❌"  # the correction stands
    # #6: Bob's only forecast came after the resolution: not scored, not shown.
    assert rows["6"]["p"] == "—" and rows["6"]["points"] == "—"
    assert "0.1" not in {r["p"] for r in rows.values()} and "0.9" not in {r["p"] for r in rows.values()}
    assert "Forecasts dated after the resolution were made knowing the outcome: never scored, not shown (1 left out)." in md
    # Pending: not scored, and no probability Bob did not give.
    assert rows["5"]["p"] == "—"


def test_policy_last_shows_the_update_and_ignores_the_late_one(totals):
    _, md = _card(totals, None, "last")
    rows = {r["#"]: r for r in _prediction_rows(md)}
    assert (rows["1"]["p"], rows["1"]["dated"], rows["1"]["points"]) == ("80%", "2025-03-01", "+0.20")
    assert (rows["6"]["p"], rows["6"]["points"]) == ("0.25", "-0.25")  # not the 0.95 of 2025-06-20


def test_policy_all_lists_each_scored_forecast(totals):
    _, md = _card(totals, None, "all")
    rows = _prediction_rows(md)
    assert [(r["#"], r["p"]) for r in rows if r["#"] == "1"] == [("1", "70%"), ("1", "80%")]
    assert rows[1]["prediction"] == ""  # the claim once per prediction
    assert "0.95" not in {r["p"] for r in rows}


def test_the_plain_flavour_adds_up_too(totals):
    data, md = _card(totals, "bob", "last", flavor="plain")
    points = [float(x) for x in re.findall(r"points: ([+-]\d+\.\d\d)", md)]
    assert len(points) == data.run.n
    assert abs(sum(points) - data.run.report.gap.total) < 0.005 * len(points) + 1e-9


def test_the_default_card_is_the_published_list(totals):
    _, md = _card(totals, None, "first")
    rows = _prediction_rows(md)
    assert list(rows[0]) == ["#", "prediction", "p", "outcome", "points"]
    assert [r["p"] for r in rows] == ["70%", "0.3", "60%", "50%", "40%", "0.25"]
    # By default every probability is shown one way: as a percentage.
    _, md = _card(totals, None, "first", probabilities="percent")
    assert [r["p"] for r in _prediction_rows(md)] == ["70%", "30%", "60%", "50%", "40%", "25%"]
    assert "Points: the post's rule on the published p" in md
