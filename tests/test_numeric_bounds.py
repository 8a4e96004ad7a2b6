"""A numeric question's values lie within ±kinds.MAX_MAGNITUDE and its levels within 9 decimals of
0 and 1 (docs/format.md#numeric-values): beyond, a record is refused where it is read (check: the
file and line, exit 1; add, forecast, resolve: the argument, exit 2); within, every score is a finite
number and no scoring command warns or fails, however extreme the values.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from support import assert_clean_error, snapshot

from ledger.kinds import MAX_MAGNITUDE, parse_level, parse_quantity, parse_result
from ledger.scoring.quantile import group_scores

HEAD = "set: s\nby: ann\nmade: 2025-01-01\npredictions:\n"
ABOVE = math.nextafter(MAX_MAGNITUDE, math.inf)  # the next float past the bound


# -- where values are read ----------------------------------------------------------------


@pytest.mark.parametrize("value", [MAX_MAGNITUDE, -MAX_MAGNITUDE, "1e250", "-1e250", 0.0, "-0"])
def test_values_up_to_the_bound_are_read(value):
    assert parse_quantity(value)[0] == float(value)


@pytest.mark.parametrize("value,words", [
    (ABOVE, "out of range"), (-ABOVE, "out of range"), (repr(ABOVE), "out of range"), ("1e308", "out of range"),
    (1.7e308, "out of range"), ("-1.7e308", "out of range"), (10**300, "out of range"),
    ("inf", "not a finite number"), ("-inf", "not a finite number"), (math.inf, "not a finite number"),
    (-math.inf, "not a finite number"), ("1e309", "not a finite number"), ("nan", "not a finite number"),
])
def test_values_beyond_the_bound_are_refused_saying_so(value, words):
    with pytest.raises(ValueError) as caught:
        parse_quantity(value)
    assert words in str(caught.value)
    if words == "out of range":
        assert "±1e250" in str(caught.value) and "larger unit" in str(caught.value)
        assert len(str(caught.value)) < 200  # a 301-digit integer is shown shortened


def test_dates_are_day_numbers_far_inside_the_bound():
    assert parse_quantity("0001-01-01")[2] and parse_quantity("9999-12-31")[2]


def test_a_result_beyond_the_bound_is_refused_and_text_results_are_still_text():
    with pytest.raises(ValueError, match="out of range"):
        parse_result("1.7e308")
    with pytest.raises(ValueError, match="not a finite number"):
        parse_result("1e309")
    assert parse_result("1e250").value == MAX_MAGNITUDE
    for text in ("inf", "Infinity", "nan"):  # words (an option may be named so), not numbers written out
        assert parse_result(text).value is None and parse_result(text).result == text


@pytest.mark.parametrize("level,ok", [("1e-9", True), ("5e-10", True), ("4e-10", False), ("1e-300", False),
                                      ("0.999999999", True), ("0.9999999996", False), ("0.0000001%", True)])
def test_levels_are_kept_to_nine_decimals(level, ok):
    if ok:
        assert 0 < round(parse_level(level)[0], 9) < 1
    else:
        with pytest.raises(ValueError, match="is too close to"):
            parse_level(level)


# -- check, add, forecast, resolve --------------------------------------------------------


def test_check_reports_a_value_beyond_the_bound_at_its_line(make_ledger, cli):
    root = make_ledger({
        "s.yaml": HEAD + "  - id: edge\n    claim: c\n    quantiles: {5%: -1e250, 95%: 1e250}\n"
                         "  - id: over\n    claim: c\n    quantiles: {5%: -1.7e308, 95%: 1.7e308}\n"
                         "  - id: levels\n    claim: c\n    quantiles: {1e-12: 1, 50%: 2}\n",
        "outcomes/o.yaml": "on: 2025-06-01\nby: ann\nresults:\n  edge: 1e250\n  over: 1e308\n",
    })
    result = cli("--root", root, "check")
    assert result.code == 1
    lines = [line.removeprefix(f"{root}/") for line in result.out.splitlines() if line]
    assert any(line.startswith("s.yaml:10:") and "value -1.7e+308 is out of range" in line for line in lines), lines
    assert any(line.startswith("s.yaml:13:") and "quantile level 1e-12 is too close to 0%" in line for line in lines)
    assert any(line.startswith("outcomes/o.yaml:5:") and "value 1e+308 is out of range" in line for line in lines)
    assert len(lines) == 3 and "3 problems in 2 files" in result.err, lines  # the bound itself is fine (edge)


@pytest.mark.parametrize("args,argument", [
    (["add", "Q", "--quantile", "5%=-1.7e308", "--quantile", "95%=1.7e308"], "--quantile"),
    (["add", "Q", "--interval", f"90%=0..{ABOVE!r}"], "--quantile"),
    (["add", "Q", "--quantile", "1e-12=1", "--quantile", "50%=2"], "--quantile"),
    (["forecast", "g", "--quantile", "5%=1", "--quantile", "95%=1e251"], "--quantile"),
    (["forecast", "g", "--quantile", "50%=-inf"], "--quantile"),
    (["resolve", "g", "1.7e308"], "RESULT"),
    (["resolve", "g", "1e308"], "RESULT"),
    (["resolve", "g", "inf"], "RESULT"),
])
def test_add_forecast_and_resolve_refuse_values_beyond_the_bound_naming_the_argument(args, argument, make_ledger, cli):
    root = make_ledger({"s.yaml": HEAD + "  - id: g\n    claim: c\n    quantiles: {5%: 1, 95%: 2}\n"})
    before = snapshot(root)
    result = cli("--root", root, *args)
    assert_clean_error(result, 2, argument)
    assert snapshot(root) == before


# -- scores at the bound ------------------------------------------------------------------

AT_THE_BOUND = {
    # The widest intervals the format allows (levels 1e-9 and 0.999999999, weighted 2/alpha = 2e9),
    # missed by twice the bound: the largest interval score a forecast can have. One unit, so the
    # coverage table gives each interval's mean score.
    "s.yaml": HEAD + """\
  - id: low
    claim: every quantile at minus the bound
    quantiles: {1e-9: -1e250, 50%: -1e250, 0.999999999: -1e250}
  - id: high
    claim: every quantile at the bound
    quantiles: {0.000000001: 1e250, 50%: 1e250, 0.999999999: 1e250}
  - id: wide
    claim: as wide as can be
    quantiles: {5%: -1e250, 95%: 1e250}
  - id: rain
    claim: it rains
    p: 70%
""",
    "outcomes/o.yaml": "on: 2025-06-01\nby: ann\nresults:\n  low: 1e250\n  high: -1e250\n  wide: 1e250\n"
                       "  rain: yes\n",
}


def _finite_numbers(data) -> list[float]:
    if isinstance(data, dict):
        return [x for v in data.values() for x in _finite_numbers(v)]
    if isinstance(data, list):
        return [x for v in data for x in _finite_numbers(v)]
    return [data] if isinstance(data, float) else []


@pytest.mark.filterwarnings("error::RuntimeWarning")  # a numpy warning (an overflow) fails the test
def test_score_scorecard_and_site_at_the_bound_work_with_finite_scores(make_ledger, cli, tmp_path):
    root = make_ledger(AT_THE_BOUND)
    assert cli("--root", root, "check").code == 0
    result = cli("--root", root, "score", "--json")
    assert result.code == 0 and result.err == "", result.err
    numeric = json.loads(result.out)["reports"]["numeric"]
    assert numeric["n"] == 3
    figures = _finite_numbers(numeric)
    assert figures and all(math.isfinite(x) for x in figures)
    assert max(figures) >= 1e259  # the 1e-9 interval missed by 2e250: 2e9 x 2e250, finite
    assert cli("--root", root, "score").code == 0

    card = cli("--root", root, "scorecard", "-o", tmp_path / "card" / "c.md")
    assert card.code == 0, card.err
    markdown = (tmp_path / "card" / "c.md").read_text(encoding="utf-8")
    assert "## Numeric questions" in markdown and "inf" not in markdown.lower().replace("info", "")
    site = cli("--root", root, "site", "-o", tmp_path / "site")
    assert site.code == 0, site.err
    assert (tmp_path / "site" / "index.html").exists()


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_ledger_of_numeric_questions_only_gets_a_scorecard_and_a_site(make_ledger, cli, tmp_path):
    root = make_ledger({"s.yaml": HEAD + "  - id: g\n    claim: c\n    quantiles: {5%: 1, 50%: 2, 95%: 3}\n",
                        "outcomes/o.yaml": "on: 2025-06-01\nby: ann\nresults:\n  g: 2.5\n"})
    card = cli("--root", root, "scorecard")
    assert card.code == 0, card.err
    assert "## Numeric questions" in card.out and "by the post's rule" not in card.out  # no yes/no gap sentence
    assert cli("--root", root, "site", "-o", tmp_path / "site").code == 0


def test_scoring_refuses_values_beyond_the_bound_before_any_arithmetic():
    levels, y = np.array([0.05, 0.95]), np.array([1.7e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning on the way to the refusal
        for Q in (np.array([[-1.7e308, 1.7e308]]), np.array([[np.nan, 1.0]])):
            with pytest.raises(ValueError, match="within ±1e250"):
                group_scores(levels, Q, y)
        scores = group_scores(levels, np.array([[-MAX_MAGNITUDE, MAX_MAGNITUDE]]), np.array([MAX_MAGNITUDE]))
    assert np.isfinite(scores.pinball).all() and np.isfinite(scores.intervals[0][1]).all()
