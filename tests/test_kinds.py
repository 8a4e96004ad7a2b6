"""Multiple-choice and numeric questions, and scores over time, through files, the CLI, the index and scores."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from support import assert_clean_error, snapshot

from ledger.kinds import OptionP, Quantile
from ledger.store.read import read_file

HEAD = "set: s\nby: ann\nmade: 2025-01-01\npredictions:\n"

KINDS_LEDGER = {
    "s.yaml": HEAD + """\
  - id: lab
    claim: Which lab ships first?
    options: {OpenAI: 50%, Anthropic: 30%, Google DeepMind: 20%}
  - id: size
    claim: How many params?
    ordered: true
    options: {under 1T: 0.2, 1-10T: 0.5, over 10T: 0.3}
  - id: gdp
    claim: US GDP growth 2027
    unit: "%"
    quantiles: {5%: 0.8, 50%: 2.1, 95%: 3.5}
  - id: launch
    claim: The launch date
    quantiles: {5%: 2027-01-01, 50%: 2027-06-01, 95%: 2027-12-31}
  - id: rain
    claim: It rains
    p: 70%
""",
    "forecasts.yaml": """\
forecasts:
  - prediction: lab
    by: bob
    at: 2025-02-01
    options: {anthropic: 60%, openai: 20%, google deepmind: 20%}
  - prediction: gdp
    by: ann
    at: 2025-03-01
    quantiles: {25%: 1.5, 50%: 2.0, 75%: 2.5}
""",
    "outcomes/o.yaml": """\
on: 2025-06-01
by: ann
results:
  lab: anthropic
  size: 1-10T
  gdp: 2.4
  launch: 2027-03-05
  rain: yes
""",
}


def check_lines(cli, root) -> list[str]:
    """check's lines, with paths relative to the ledger root."""
    result = cli("--root", root, "check")
    return [line.removeprefix(f"{root}/") for line in result.out.splitlines() if line]


def test_records_of_each_kind(make_ledger):
    root = make_ledger(KINDS_LEDGER)
    got = read_file(root, "s.yaml")
    assert got.problems == []
    by_id = {p.id: p for p in got.predictions}
    lab = by_id["lab"]
    assert lab.kind == "multiple-choice" and lab.p is None and lab.options == ("OpenAI", "Anthropic", "Google DeepMind")
    assert lab.dist[0] == OptionP("OpenAI", 0.5, "50%")
    assert by_id["size"].ordered is True
    gdp = by_id["gdp"]
    assert gdp.kind == "numeric" and gdp.unit == "%" and gdp.dates is False
    assert gdp.dist == (Quantile(0.05, 0.8, "5%", "0.8"), Quantile(0.5, 2.1, "50%", "2.1"), Quantile(0.95, 3.5, "95%", "3.5"))
    launch = by_id["launch"]
    assert launch.dates is True and launch.dist[1].value_typed == "2027-06-01"
    assert by_id["rain"].kind == "binary" and by_id["rain"].p == 0.7


def test_a_ledger_of_every_kind_checks_clean_and_resolves(make_ledger, cli):
    root = make_ledger(KINDS_LEDGER)
    assert cli("--root", root, "check").code == 0
    data = json.loads(cli("--root", root, "list", "--json").out)
    outcome = {p["id"]: p["outcome"]["result"] for p in data["predictions"]}
    # The option as the question spells it, whatever case the outcome file used.
    assert outcome == {"lab": "Anthropic", "size": "1-10T", "gdp": "2.4", "launch": "2027-03-05", "rain": "yes"}
    lab = next(p for p in data["predictions"] if p["id"] == "lab")
    assert lab["kind"] == "multiple-choice" and [o["option"] for o in lab["options"]] == ["OpenAI", "Anthropic", "Google DeepMind"]
    rain = next(p for p in data["predictions"] if p["id"] == "rain")
    assert "kind" not in rain and "options" not in rain  # a yes/no question's keys are what they were


BAD_FILES = [
    ("no forecast key", "  - id: x\n    claim: c\n", "s.yaml:5:5: a prediction is missing `p:`"),
    ("two kinds", "  - id: x\n    claim: c\n    p: 0.5\n    options: {A: 50%, B: 50%}\n",
     "s.yaml:8:5: a prediction gives both `p:` and `options:`"),
    ("options off", "  - id: x\n    claim: c\n    options: {A: 50%, B: 40%}\n",
     "the options' probabilities add up to 90%, not 100%"),
    ("duplicate option", "  - id: x\n    claim: c\n    options: {A: 50%, a: 50%}\n", "option 'a' is given twice"),
    ("one option", "  - id: x\n    claim: c\n    options: {A: 100%}\n", "at least two options"),
    ("path-like option", "  - id: x\n    claim: c\n    options: {../etc: 50%, B: 50%}\n", "holds '/'"),
    ("markup option", "  - id: x\n    claim: c\n    options: {'<b>A</b>': 50%, B: 50%}\n", "holds '<'"),
    ("annulled option", "  - id: x\n    claim: c\n    options: {annulled: 50%, B: 50%}\n", "'annulled' is not an option"),
    ("levels out of order", "  - id: x\n    claim: c\n    quantiles: {50%: 2, 5%: 1}\n",
     "quantile levels must increase in the order written: 5% comes after 50%"),
    ("values decreasing", "  - id: x\n    claim: c\n    quantiles: {5%: 3, 95%: 1}\n", "quantile values must not decrease"),
    ("level out of range", "  - id: x\n    claim: c\n    quantiles: {0%: 1, 50%: 2}\n", "strictly between 0% and 100%"),
    ("dates and numbers", "  - id: x\n    claim: c\n    quantiles: {5%: 2027-01-01, 95%: 3}\n", "is a number, but this question's values are a date"),
    ("ordered on yes/no", "  - id: x\n    claim: c\n    p: 0.5\n    ordered: true\n", "`ordered:` is for a multiple-choice question"),
    ("unit on choice", "  - id: x\n    claim: c\n    options: {A: 50%, B: 50%}\n    unit: m\n", "`unit:` is for a numeric question"),
    ("inline forecast of another kind", "  - id: x\n    claim: c\n    options: {A: 50%, B: 50%}\n    forecasts:\n      - {p: 0.5, at: 2025-02-01}\n",
     "this question is multiple choice: its forecasts give `options:`, not `p:`"),
    ("inline forecast missing an option", "  - id: x\n    claim: c\n    options: {A: 50%, B: 50%}\n    forecasts:\n      - {options: {A: 100%, C: 0%}, at: 2025-02-01}\n",
     "'C' is not an option; 'B' is missing"),
]


@pytest.mark.parametrize("name,item,fragment", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_question_is_reported_at_its_line(name, item, fragment, make_ledger, cli):
    root = make_ledger({"s.yaml": HEAD + item})
    lines = check_lines(cli, root)
    assert any(fragment in line and line.startswith("s.yaml:") for line in lines), lines
    assert cli("--root", root, "check").code == 1


CROSS_FILE = [
    ("a value on a multiple-choice question", "  - id: x\n    claim: c\n    options: {A: 50%, B: 50%}\n",
     "results:\n  x: 2.4\n", "outcomes/o.yaml:4:3: '2.4' is not an option of 'x'; resolve it to one of A, B (or annulled)"),
    ("a name that is no option", "  - id: x\n    claim: c\n    options: {A: 50%, B: 50%}\n",
     "results:\n  x: C\n", "outcomes/o.yaml:4:3: 'C' is not an option of 'x'"),
    ("an option on a yes/no question", "  - id: x\n    claim: c\n    p: 0.5\n",
     "results:\n  x: A\n", "outcomes/o.yaml:4:3: 'A' is not a result for the yes/no question 'x'; use yes, no or annulled"),
    ("yes on a numeric question", "  - id: x\n    claim: c\n    quantiles: {50%: 1}\n",
     "results:\n  x: yes\n", "'yes' is not a value for the numeric question 'x'; resolve it to a number"),
    ("a number on a date question", "  - id: x\n    claim: c\n    quantiles: {50%: 2027-01-01}\n",
     "results:\n  x: 4\n", "resolve it to a date (YYYY-MM-DD)"),
]


@pytest.mark.parametrize("name,item,results,expected", CROSS_FILE, ids=[c[0] for c in CROSS_FILE])
def test_a_resolution_that_does_not_fit_its_question_is_reported_and_left_out(name, item, results, expected,
                                                                              make_ledger, cli):
    root = make_ledger({"s.yaml": HEAD + item, "outcomes/o.yaml": "on: 2025-06-01\nby: ann\n" + results})
    lines = check_lines(cli, root)
    assert any(line.startswith(expected) or (expected in line and line.startswith("outcomes/o.yaml:4:3: "))
               for line in lines), lines
    data = json.loads(cli("--root", root, "list", "--json").out)
    assert data["predictions"][0]["status"] == "open"  # it does not stand


def test_a_forecast_file_entry_of_the_wrong_kind_is_reported_and_never_scored(make_ledger, cli):
    root = make_ledger({
        "s.yaml": HEAD + "  - id: x\n    claim: c\n    p: 0.5\n",
        "forecasts.yaml": "forecasts:\n  - prediction: x\n    by: bob\n    at: 2025-02-01\n    options: {A: 50%, B: 50%}\n",
        "outcomes/o.yaml": "on: 2025-06-01\nby: ann\nresults:\n  x: yes\n",
    })
    assert any(line.startswith("forecasts.yaml:2:5: 'x' is a yes/no question: a forecast on it gives `p:`, not `options:`")
               for line in check_lines(cli, root))
    run = json.loads(cli("--root", root, "score", "--json", "--by", "bob").out)
    assert run["counts"]["forecasts"] == 0


# -- the command line --------------------------------------------------------------------


def test_add_forecast_and_resolve_every_kind(make_ledger, cli):
    root = make_ledger({})
    assert cli("--root", root, "add", "Which lab?", "--id", "lab", "--option", "OpenAI=50%", "--option", "Anthropic=30%",
               "--option", "Google DeepMind=20%", "--made", "2025-01-01").code == 0
    assert cli("--root", root, "add", "GDP", "--id", "gdp", "--quantile", "50%=2.1", "--interval", "90%=0.8..3.5",
               "--unit", "%", "--made", "2025-01-01").code == 0
    assert cli("--root", root, "add", "When", "--id", "when", "--quantile", "50%=2027-06-01", "--made", "2025-01-01",
               "--closes", "2025-12-31").code == 0
    text = (root / "predictions.yaml").read_text()
    assert "options:\n      OpenAI: 50%\n      Anthropic: 30%\n      Google DeepMind: 20%\n" in text
    assert "quantiles:\n      5%: 0.8\n      50%: 2.1\n      95%: 3.5\n    unit: '%'\n" in text
    # The forecast's options are written as the question spells them, in its order.
    assert cli("--root", root, "forecast", "lab", "--option", "anthropic=40%", "--option", "openai=40%",
               "--option", "google deepmind=20%", "--at", "2025-02-01").code == 0
    assert "options:\n      OpenAI: 40%\n      Anthropic: 40%\n      Google DeepMind: 20%\n" in (root / "forecasts.yaml").read_text()
    for pid, result, shown in (("lab", "anthropic", "Anthropic"), ("gdp", "2.4", "2.4"), ("when", "2027-03-05", "2027-03-05")):
        done = cli("--root", root, "resolve", pid, result, "--on", "2025-06-01")
        assert done.code == 0 and f"({shown})" in done.out
    assert cli("--root", root, "check").code == 0
    run = json.loads(cli("--root", root, "score", "--json").out)
    assert run["reports"]["multiple-choice"]["n"] == 1 and run["reports"]["numeric"]["n"] == 2


USAGE_ERRORS = [
    (["add", "Q", "--option", "A=50%", "--option", "B=40%"], "--option", "add up to 90%, not 100%"),
    (["add", "Q", "--option", "A=50%", "--option", "B"], "--option", "is not NAME=P"),
    (["add", "Q", "--option", "A/B=50%", "--option", "C=50%"], "--option", "holds '/'"),
    (["add", "Q", "-p", "50%", "--option", "A=50%", "--option", "B=50%"], "--option", "give one kind of forecast"),
    (["add", "Q", "--quantile", "50%=3", "--quantile", "90%=2"], "--quantile", "must not decrease"),
    (["add", "Q", "--interval", "90%=1-2"], "--interval", "is not LEVEL=LOW..HIGH"),
    (["add", "Q", "-p", "50%", "--ordered"], "--ordered", "for a multiple-choice question"),
    (["add", "Q", "-p", "50%", "--unit", "m"], "--unit", "for a numeric question"),
    (["forecast", "lab", "-p", "50%"], "-p", "'lab' is a multiple choice question: forecast it with --option"),
    (["forecast", "lab", "--option", "A=50%", "--option", "B=50%"], "--option", "'A', 'B' are not options; 'OpenAI', 'Anthropic', 'Google DeepMind' are missing"),
    (["forecast", "gdp", "--quantile", "50%=2027-01-01"], "--quantile", "'gdp' is about numbers"),
    (["resolve", "lab", "Meta"], "RESULT", "'Meta' is not an option of 'lab'; its options are OpenAI, Anthropic"),
    (["resolve", "lab", "2.4"], "RESULT", "is not an option of 'lab'"),
    (["resolve", "gdp", "Anthropic"], "RESULT", "'Anthropic' is neither a number nor a date"),
    (["resolve", "rain", "Anthropic"], "RESULT", "RESULT must be yes, no or annulled"),
]


@pytest.mark.parametrize("args,argument,fragment", USAGE_ERRORS, ids=[" ".join(a[:3]) for a, *_ in USAGE_ERRORS])
def test_bad_forecasts_and_results_are_usage_errors_and_write_nothing(args, argument, fragment, make_ledger, cli):
    root = make_ledger(KINDS_LEDGER)
    before = snapshot(root)
    result = cli("--root", root, *args)
    assert_clean_error(result, 2, fragment)
    assert snapshot(root) == before


# -- scores ----------------------------------------------------------------------------


def test_a_mixed_selection_scores_each_kind_with_its_rules_and_says_so(make_ledger, cli):
    import scoringrules as sr

    root = make_ledger(KINDS_LEDGER)
    run = json.loads(cli("--root", root, "score", "--json").out)
    assert run["kinds"]["binary"]["scored_with"] == ["gap", "brier", "log", "spherical", "calibration", "folded_calibration"]
    assert run["kinds"]["multiple-choice"]["scored_with"] == ["choice_brier", "choice_log", "choice_baseline", "rps",
                                                              "choice_calibration"]
    assert run["kinds"]["numeric"]["scored_with"] == ["quantile_score", "crps", "wis", "coverage", "pit"]
    assert run["counts"]["predictions"] == 5 and run["counts"]["resolved"] == 5 and run["counts"]["forecasts"] == 5
    mc = run["reports"]["multiple-choice"]
    # Ann's published forecasts: lab 50/30/20 (Anthropic happened), size 20/50/30 ordered (1-10T happened).
    P = np.array([[0.5, 0.3, 0.2], [0.2, 0.5, 0.3]])
    o = np.array([1, 1])
    assert mc["choice_brier"]["brier"] == pytest.approx(sr.brier_score(np.eye(3)[o], P).sum(axis=1).mean(), abs=1e-12)
    assert mc["rps"]["rps"] == pytest.approx(float(sr.rps_score(2, P[1])), abs=1e-12) and mc["rps"]["n_ordered"] == 1
    num = run["reports"]["numeric"]
    assert num["crps"]["crps"] is None  # % and days: never averaged together
    units = {u["unit"]: u for u in num["crps"]["by_unit"]}
    assert units["%"]["mean"] == pytest.approx(float(sr.crps_quantile(2.4, np.array([0.8, 2.1, 3.5]),
                                                                       np.array([0.05, 0.5, 0.95]))), abs=1e-12)
    days = lambda s: (np.datetime64(s) - np.datetime64("1970-01-01")).astype(int)  # noqa: E731
    launch = np.array([days("2027-01-01"), days("2027-06-01"), days("2027-12-31")], dtype=float)
    assert units["days"]["mean"] == pytest.approx(
        float(sr.crps_quantile(float(days("2027-03-05")), launch, np.array([0.05, 0.5, 0.95]))), abs=1e-9)


def test_forecasters_and_policies_apply_to_every_kind(make_ledger, cli):
    root = make_ledger(KINDS_LEDGER)
    bob = json.loads(cli("--root", root, "score", "--json", "--by", "bob").out)
    mc = bob["reports"]["multiple-choice"]
    # Bob gave Anthropic 60% (his options in another order, mapped to the question's).
    assert mc["choice_log"]["log_nats"] == pytest.approx(-math.log(0.6), abs=1e-12)
    last = json.loads(cli("--root", root, "score", "--json", "--policy", "last").out)
    assert last["reports"]["numeric"]["quantile_score"]["by_unit"][0]["n"] == 1  # ann's update on gdp, and launch


def test_scores_over_time_on_the_ledger_give_the_metaculus_faq_figures(make_ledger, cli):
    root = make_ledger({
        "q.yaml": "by: ann\npredictions:\n  - id: five-days\n    claim: It happens within the week\n"
                  "    made: 2025-01-01\n    due: 2025-01-05\n    p: 0.5\n",
        "forecasts.yaml": "forecasts:\n"
                          "  - {prediction: five-days, by: cat, at: 2025-01-02, p: 40%}\n"
                          "  - {prediction: five-days, by: cat, at: 2025-01-03, p: 70%}\n"
                          "  - {prediction: five-days, by: cat, at: 2025-01-05, p: 80%}\n",
        "outcomes/o.yaml": "on: 2025-01-05\nby: ann\nresults:\n  five-days: yes\n",
    })
    run = json.loads(cli("--root", root, "score", "--json", "--policy", "time-weighted", "--by", "cat").out)
    tw = run["reports"]["binary"]
    assert round(tw["baseline_time"]["value"], 1) == 26.5
    assert tw["coverage_time"]["value"] == pytest.approx(0.8)
    assert run["report"] is None and run["policy"] == "time-weighted"
    board = json.loads(cli("--root", root, "score", "--json", "--policy", "time-weighted", "--by-forecaster").out)
    rows = {r["forecaster"]: r for r in board["leaderboard"]["rows"]}
    assert set(rows) == {"ann", "cat"} and rows["ann"]["coverage"] == pytest.approx(1.0)
    assert rows["cat"]["n_with_peers"] == 1 and rows["cat"]["relative_brier_others"] is not None


def test_over_time_gives_each_period_its_own_n(make_ledger, cli):
    root = make_ledger({
        "a.yaml": "by: ann\npredictions:\n"
                  "  - {id: a1, claim: a, made: 2025-01-10, p: 0.9}\n  - {id: a2, claim: b, made: 2025-02-10, p: 0.2}\n"
                  "  - {id: a3, claim: c, made: 2025-05-01, p: 0.6}\n",
        "outcomes/o.yaml": "on: 2025-06-01\nby: ann\nresults: {a1: yes, a2: yes, a3: no}\n",
    })
    run = json.loads(cli("--root", root, "score", "--json", "--over-time", "quarter").out)
    periods = run["over_time"]["periods"]
    assert [(p["period"], p["counts"]["forecasts"]) for p in periods] == [("2025-Q1", 2), ("2025-Q2", 1)]
    assert periods[0]["report"]["brier"]["score"] == pytest.approx((0.01 + 0.64) / 2, abs=1e-12)
    months = json.loads(cli("--root", root, "score", "--json", "--over-time", "month").out)["over_time"]["periods"]
    assert [p["period"] for p in months] == ["2025-01", "2025-02", "2025-05"]
    assert_clean_error(cli("--root", root, "score", "--over-time", "week"), 2, "--over-time")


# -- the round trip -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv"])
def test_every_kind_round_trips_through_export_and_import(fmt, make_ledger, cli, tmp_path):
    source = make_ledger(KINDS_LEDGER, name="source")
    out = tmp_path / f"all.{fmt}"
    assert cli("--root", source, "export", fmt, "-o", out).code == 0
    target = make_ledger({}, name="target")
    assert cli("--root", target, "import", fmt, out).code == 0
    assert cli("--root", target, "check").code == 0

    def shown(root):
        data = json.loads(cli("--root", root, "export", "json").out)
        return [{k: v for k, v in p.items() if k != "set"} for p in data["predictions"]]

    assert shown(target) == shown(source)
    again = cli("--root", target, "import", fmt, out)
    assert again.code == 0 and "added 0 predictions, 0 more forecasts, 0 outcomes" in again.out
    a = json.loads(cli("--root", source, "score", "--json").out)
    b = json.loads(cli("--root", target, "score", "--json").out)
    assert a["reports"] == b["reports"]


def test_certain_probabilities_get_a_note_and_are_still_written(make_ledger, cli):
    root = make_ledger({})
    done = cli("--root", root, "add", "Sure", "-p", "100%", "--made", "2025-01-01")
    assert done.code == 0 and "note: a probability of 100% is certainty" in done.err and "6.9 nats" in done.err
    assert "p: 100%" in (root / "predictions.yaml").read_text()
    assert "note:" not in cli("--root", root, "add", "Likely", "-p", "99%", "--made", "2025-01-01").err


def test_a_resolution_dated_before_the_prediction_is_reported_and_not_scored(make_ledger, cli):
    root = make_ledger({
        "s.yaml": HEAD + "  - {id: early, claim: c, p: 0.9}\n  - {id: fine, claim: d, p: 0.8}\n",
        "outcomes/o.yaml": "on: 2024-06-01\nby: ann\nresults:\n  early: yes\n",
        "outcomes/p.yaml": "on: 2025-06-01\nby: ann\nresults:\n  fine: yes\n",
    })
    assert any("'early' is resolved on 2024-06-01, before it was made (2025-01-01)" in line and "left out" in line
               for line in check_lines(cli, root))
    run = json.loads(cli("--root", root, "score", "--json").out)
    assert run["counts"]["resolved"] == 1 and run["counts"]["pending"] == 1
    assert run["report"]["brier"]["score"] == pytest.approx(0.04, abs=1e-12)


def test_few_forecasts_and_clipping_are_said_beside_the_figures(make_ledger, cli):
    root = make_ledger({
        "s.yaml": HEAD + "  - {id: a, claim: c, p: 1}\n  - {id: b, claim: d, p: 0.8}\n",
        "outcomes/o.yaml": "on: 2025-06-01\nby: ann\nresults:\n  a: no\n  b: yes\n",
    })
    out = cli("--root", root, "score").out
    assert "Only 2 forecasts scored" in out
    assert "1 clipped to [eps, 1 - eps]" in out
    assert "(from 2 forecasts: not to be relied on)" in out


def test_the_python_api_scores_and_lists_every_kind(make_ledger):
    import ledger

    book = ledger.open(make_ledger(KINDS_LEDGER))
    run = book.score(over_time="year", bootstrap=0)
    assert set(run.reports) == {"multiple-choice", "numeric"} and run.over_time.periods[0].label == "2025"
    assert run.reports["multiple-choice"].choice_brier.n == 2
    rows = {(r["prediction_id"], r["forecaster"]): r for r in book.forecast_rows() if r["initial"] or r["forecaster"] == "bob"}
    bob = rows[("lab", "bob")]
    assert bob["kind"] == "multiple-choice" and bob["p"] is None and bob["result"] == "Anthropic"
    assert bob["forecast"] == {"OpenAI": 0.2, "Anthropic": 0.6, "Google DeepMind": 0.2}
    gdp = rows[("gdp", "ann")]
    assert gdp["kind"] == "numeric" and gdp["value"] == 2.4 and gdp["forecast"][0.5] == 2.1
    assert rows[("rain", "ann")]["forecast"] is None and rows[("rain", "ann")]["outcome"] == 1


def test_an_edited_export_whose_rows_do_not_fit_is_rejected_row_by_row(make_ledger, cli, tmp_path):
    source = make_ledger(KINDS_LEDGER, name="source")
    out = tmp_path / "all.json"
    assert cli("--root", source, "export", "json", "-o", out).code == 0
    doc = json.loads(out.read_text())
    for p in doc["predictions"]:
        if p["id"] == "lab":
            p["outcomes"][0]["result"] = "Nope"
        if p["id"] == "launch":
            p["forecasts"] = [{"quantiles": {"50%": "3"}, "by": "ann", "at": "2025-02-01"}]
    out.write_text(json.dumps(doc))
    target = make_ledger({}, name="target")
    result = cli("--root", target, "import", "json", out, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    reasons = {r["id"]: r["reason"] for r in report["rejected"]}
    assert set(reasons) == {"lab", "launch"}
    assert "'Nope' is not one of the options" in reasons["lab"]
    assert "does not give quantiles of dates" in reasons["launch"]
    assert report["added"] == 3 and cli("--root", target, "check").code == 0


def test_option_names_and_levels_written_as_numbers_keep_their_text(tmp_path):
    """A mapping key is a name: `1.50` stays "1.50" (not the float 1.5), a date stays as typed,
    and a level keeps the text it was given."""
    (tmp_path / "t.yaml").write_text(
        "set: t\nby: me\nmade: 2025-01-01\npredictions:\n"
        "  - id: price\n    claim: Which price\n    options:\n      1.50: 30%\n      2.00: 70%\n"
        "  - id: year\n    claim: Which year\n    options: {2025-01-01: 40%, 2026: 60%}\n"
        "  - id: size\n    claim: How big\n    quantiles: {0.050: 1, .5: 2, 95%: 3}\n",
        encoding="utf-8",
    )
    records = read_file(tmp_path, "t.yaml")
    assert records.problems == []
    by_id = {p.id: p for p in records.predictions}
    assert [o.label for o in by_id["price"].dist] == ["1.50", "2.00"]
    assert [o.label for o in by_id["year"].dist] == ["2025-01-01", "2026"]
    assert [(q.level, q.level_typed) for q in by_id["size"].dist] == [(0.05, "0.050"), (0.5, ".5"), (0.95, "95%")]
