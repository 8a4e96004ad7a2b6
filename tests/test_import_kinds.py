"""Multiple-choice and numeric questions from each platform, as the ledger's own kinds.

For each platform and kind: the exact records that come out (kind, options or
quantiles as typed, forecaster, day, resolution), what is skipped and why, that
`pledger check` is clean and `pledger score --json` scores the kinds, and that a
second import under another --by adds nothing. Expected values are read off the
fixtures by hand; numeric quantiles are checked against Metaculus's own
percent_point_function figures in the fixture (interval_lower_bounds, centers,
interval_upper_bounds) and against numpy's interpolation of the CDF.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from support import snapshot
from test_import_formats import FIXTURES, counts, fatebook_id, records, run_import, skipped

D = dt.date.fromisoformat

LABS = fatebook_id('Which lab publishes a model card first, "OpenAI", Anthropic or Google DeepMind?', "2024-10-01 14:20:9")
MEETUP = fatebook_id("Which city hosts the 2026 meetup?", "2025-06-01 09:15:0")
RETREAT = fatebook_id("Which venue hosts the 2025 retreat?", "2025-02-01 12:00:0")
PUBLISH = fatebook_id("Which of these will the lab publish in 2025?", "2025-04-20 18:05:0")


@pytest.fixture
def root(make_ledger):
    return make_ledger({".gitignore": ".pledger/\n"})


def kinds_view(root) -> dict:
    """id -> (kind, (by, forecast as typed, made), [(by, forecast, at)], [(result, on, by)]) for the other kinds."""
    preds, forecasts, outcomes, problems = records(root)
    assert problems == []
    return {
        pid: (p.kind, (p.by, p.p_typed, p.made), [(f.by, f.p_typed, f.at) for f in forecasts.get(pid, [])],
              [(o.result, o.on, o.by) for o in outcomes.get(pid, [])])
        for pid, p in preds.items() if p.kind != "binary"
    }


def score_kinds(cli, root) -> dict:
    result = cli("--root", root, "score", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def assert_idempotent(cli, root, fmt, name, *extra):
    """A second import under two other names adds nothing and writes nothing."""
    before = snapshot(root)
    for by in ("bob", "carol"):
        again = run_import(cli, root, fmt, FIXTURES / name, *extra, "--by", by)
        assert (again["added"], again["forecasts_added"], again["outcomes_added"], again["files"]) == (0, 0, 0, []), by
        assert snapshot(root) == before


# -- Fatebook ----------------------------------------------------------------------------------------------------

def test_fatebook_multiple_choice_questions(cli, root):
    report = run_import(cli, root, "fatebook", FIXTURES / "fatebook-2025.csv", "--by", "alice")
    assert counts(report) == (27, 8, 9, 5, 4, 0)
    assert skipped(report) == {
        2: "resolved AMBIGUOUS or OTHER on Fatebook on 2025-09-02: both export every option as NO, and only OTHER is "
           "scored, but the file has no score of yours to tell them apart; the resolution is not imported (record it "
           f"with `pledger resolve {MEETUP} Other` or `pledger resolve {MEETUP} annulled`)",
        4: "a question with options that are not exclusive (more than one option resolved YES): on Fatebook each such "
           "option is a yes/no question of its own, which a multiple-choice question in the ledger is not; not imported",
        6: "a forecast Fatebook hides from you (the export gives neither its probability nor its forecaster)",
        13: "1 forecast by Grace not imported: they give no probability for 'Anthropic', 'Google DeepMind', and a "
            "forecast in the ledger gives every option",
    }
    mc = "multiple-choice"
    assert kinds_view(root) == {
        MEETUP: (mc, ("Casper", "Berlin 0.7 · Paris 0.3 · Other 0", D("2025-06-01")), [], []),
        # Resolved OTHER: every option NO, and Casper (who exported) has a score, which AMBIGUOUS never gives.
        RETREAT: (mc, ("Casper", "Lisbon 0.5 · Porto 0.3 · Other 0.2", D("2025-02-01")), [],
                  [("Other", D("2025-04-01"), "Casper")]),
        # Each person's latest probability per option; Other holds the rest; Grace never gave every option.
        LABS: (mc, ("Casper", "OpenAI 0.5 · Anthropic 0.3 · Google DeepMind 0.2 · Other 0", D("2024-10-01")), [
            ("Ada Lovelace", "OpenAI 0.4 · Anthropic 0.4 · Google DeepMind 0.2 · Other 0", D("2024-10-03")),
            ("Ada Lovelace", "OpenAI 0.4 · Anthropic 0.4 · Google DeepMind 0.1 · Other 0.1", D("2024-10-20")),
            ("Casper", "OpenAI 0.5 · Anthropic 0.25 · Google DeepMind 0.2 · Other 0.05", D("2024-11-15")),
        ], [("OpenAI", D("2025-01-02"), "Casper")]),
    }
    assert PUBLISH not in records(root)[0]
    assert cli("--root", root, "check").code == 0
    scores = score_kinds(cli, root)
    assert scores["kinds"]["multiple-choice"]["predictions"] == 3
    assert scores["kinds"]["multiple-choice"]["resolved"] == 2
    assert scores["reports"]["multiple-choice"]["n"] == 2
    assert_idempotent(cli, root, "fatebook", "fatebook-2025.csv")


def test_fatebook_options_typed_in_the_files(cli, root):
    run_import(cli, root, "fatebook", FIXTURES / "fatebook-2025.csv")
    text = (root / "fatebook.yaml").read_text(encoding="utf-8")
    # Probabilities as Fatebook wrote them; Other computed exactly (1 - 0.95 is 0.05, not 0.04999...).
    assert "    options:\n      OpenAI: 0.5\n      Anthropic: 0.3\n      Google DeepMind: 0.2\n      Other: 0\n" in text
    assert "          Google DeepMind: 0.2\n          Other: 0.05\n" in text


def _fatebook(rows: list[str], tmp_path, score: str = "") -> "Path":
    header = ("Question title,Multiple choice option,Forecast created by,Forecast (scale = 0-1),Forecast created at,"
              "Question created by,Question created at,Question resolve by,Resolution,Resolved at,"
              "Your Brier score for this question")
    path = tmp_path / "fatebook.csv"
    path.write_text(header + "\n" + "\n".join(rows), encoding="utf-8")
    return path


def test_fatebook_unnamed_users_rows_are_read_one_time_at_a_time(cli, root, tmp_path):
    q = '"Q","{o}",{name},{p},{at},"Ann",2025-01-01 10:00:0,,,,'
    rows = [q.format(o="A", name='"Ann"', p=0.6, at="2025-01-01 10:00:0"),
            q.format(o="B", name='"Ann"', p=0.4, at="2025-01-01 10:00:0"),
            # Two unnamed users: one gives A at one time, the other B at another; they are not one person.
            q.format(o="A", name="", p=0.2, at="2025-01-02 10:00:0"),
            q.format(o="B", name="", p=0.9, at="2025-01-03 10:00:0"),
            q.format(o="A", name="", p=0.5, at="2025-01-04 10:00:0"),
            q.format(o="B", name="", p=0.5, at="2025-01-04 10:00:0")]
    report = run_import(cli, root, "fatebook", _fatebook(rows, tmp_path))
    (pid,) = kinds_view(root)
    assert kinds_view(root)[pid][2] == [("unnamed Fatebook user", "A 0.5 · B 0.5 · Other 0", D("2025-01-04"))]
    assert [s["reason"] for s in report["skipped"]] == [
        "2 forecasts by unnamed Fatebook user not imported: each gives no probability for 'A', 'B', and a forecast "
        "in the ledger gives every option (the export cannot tell unnamed users apart, so their rows are read one "
        "time at a time)"]


@pytest.mark.parametrize("rows, evidence", [
    (['"Q","A","Ann",0.7,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,,',
      '"Q","B","Ann",0.6,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,,'], "Ann's probabilities add up to 130%"),
    (['"Q","A","Ann",0.5,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,"YES",2025-02-01 10:00:0',
      '"Q","B","Ann",0.5,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,,'], "some options resolved and others not"),
    (['"Q","A","Ann",0.5,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,"AMBIGUOUS",2025-02-01 10:00:0',
      '"Q","B","Ann",0.5,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,"NO",2025-02-01 10:00:0'],
     "an option resolved AMBIGUOUS on its own"),
])
def test_fatebook_options_that_are_not_exclusive_are_skipped_saying_why(cli, root, tmp_path, rows, evidence):
    report = run_import(cli, root, "fatebook", _fatebook(rows, tmp_path))
    assert report["added"] == 0
    assert [s["reason"] for s in report["skipped"]] == [
        f"a question with options that are not exclusive ({evidence}): on Fatebook each such option is a yes/no "
        "question of its own, which a multiple-choice question in the ledger is not; not imported"]


def test_fatebook_option_named_like_a_path_is_skipped_saying_why(cli, root, tmp_path):
    rows = ['"Q","A/B","Ann",0.5,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,,',
            '"Q","C","Ann",0.5,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,,']
    report = run_import(cli, root, "fatebook", _fatebook(rows, tmp_path))
    assert report["added"] == 0
    (note,) = report["skipped"]
    assert note["reason"].startswith("option 'A/B' cannot be an option in the ledger: option name 'A/B' holds '/'")


def test_fatebook_an_option_called_other_keeps_the_implicit_other_apart(cli, root, tmp_path):
    rows = ['"Q","Other","Ann",0.5,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,,',
            '"Q","C","Ann",0.25,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,,']
    run_import(cli, root, "fatebook", _fatebook(rows, tmp_path))
    ((_, first, _, _),) = kinds_view(root).values()
    assert first[1] == "Other 0.5 · C 0.25 · Other (none of these) 0.25"


# -- Metaculus ---------------------------------------------------------------------------------------------------

def metaculus_question(post_id: int) -> dict:
    doc = json.loads((FIXTURES / "metaculus-posts.json").read_text(encoding="utf-8"))
    return next(p for p in doc["results"] if p["id"] == post_id)["question"]


def test_metaculus_multiple_choice_and_numeric_questions(cli, root):
    report = run_import(cli, root, "metaculus", FIXTURES / "metaculus-posts.json", "--by", "alice")
    assert counts(report) == (12, 12, 5, 9, 3, 0)
    me = "alice"
    got = kinds_view(root)
    assert got["metaculus-20008"] == (
        "multiple-choice", (me, "OpenAI 0.4 · Anthropic 0.3 · Google DeepMind 0.2 · Other 0.1", D("2025-03-03")),
        [(me, "OpenAI 0.3 · Anthropic 0.45 · Google DeepMind 0.2 · Other 0.05", D("2025-04-01"))],
        [("Anthropic", D("2025-05-22"), "Metaculus")])
    assert got["metaculus-20009"] == (
        "numeric", (me, "5%: 17.5638 · 25%: 28.4614 · 50%: 35.0348 · 75%: 41.6326 · 95%: 52.8021",
                    D("2025-01-05")), [], [("42.0", D("2026-01-10"), "Metaculus")])
    # A date question, open below: the first forecast puts 8% before the range, so its 5% is not given.
    assert got["metaculus-20012"] == (
        "numeric", (me, "25%: 2025-07-31 · 50%: 2025-09-19 · 75%: 2025-11-08 · 95%: 2026-02-04", D("2025-01-06")),
        [(me, "5%: 2025-06-07 · 25%: 2025-07-06 · 50%: 2025-08-03 · 75%: 2025-09-04 · 95%: 2025-11-13", D("2025-05-01"))],
        [("2025-07-10", D("2025-07-11"), "Metaculus")])
    preds, _, _, _ = records(root)
    assert (preds["metaculus-20009"].unit, preds["metaculus-20012"].dates, preds["metaculus-20012"].unit) == (
        "hundred papers", True, None)
    assert preds["metaculus-20012"].note == "5% lies beyond the range (this forecast puts 8% below the lower bound)"
    assert cli("--root", root, "check").code == 0
    scores = score_kinds(cli, root)
    assert (scores["kinds"]["multiple-choice"]["resolved"], scores["kinds"]["numeric"]["resolved"]) == (1, 2)
    assert scores["reports"]["numeric"]["n"] == 2 and scores["reports"]["multiple-choice"]["n"] == 1
    assert_idempotent(cli, root, "metaculus", "metaculus-posts.json")


@pytest.mark.parametrize("post_id", [20009, 20012])
def test_metaculus_quantiles_are_the_cdf_read_as_metaculus_reads_it(cli, root, post_id):
    run_import(cli, root, "metaculus", FIXTURES / "metaculus-posts.json")
    q = metaculus_question(post_id)
    lo, hi = q["scaling"]["range_min"], q["scaling"]["range_max"]
    preds, forecasts, _, _ = records(root)
    pid = f"metaculus-{post_id}"
    written = [preds[pid].dist] + [f.dist for f in forecasts.get(pid, [])]
    for entry, dist in zip(q["my_forecasts"]["history"], written, strict=True):
        got = {round(qu.level, 2): qu.value for qu in dist}
        # Metaculus's own 25/50/75% (percent_point_function, in [0, 1] of the range), on the question's scale.
        own = {0.25: entry["interval_lower_bounds"][0], 0.5: entry["centers"][0], 0.75: entry["interval_upper_bounds"][0]}
        cdf = entry["forecast_values"]
        xs = np.linspace(lo, hi, len(cdf))
        for level in (0.05, 0.25, 0.5, 0.75, 0.95):
            if level < cdf[0]:
                assert level not in got  # beyond the open lower bound
                continue
            value = lo + (hi - lo) * own[level] if level in own else float(np.interp(level, cdf, xs))
            if q["type"] == "date":
                expected = (dt.datetime.fromtimestamp(value, dt.timezone.utc).date() - dt.date(1970, 1, 1)).days
                assert got[level] == expected
            else:
                assert got[level] == pytest.approx(value, rel=1e-5)


def _metaculus(question: dict, tmp_path) -> "Path":
    path = tmp_path / "posts.json"
    path.write_text(json.dumps({"next": None, "previous": None, "results": [{"id": 1, "title": "T", "question": question}]}),
                    encoding="utf-8")
    return path


def _mine(*entries):
    history = [{"question_id": 7, "author_id": 9, "start_time": s, "end_time": e, "forecast_values": v} for s, e, v in entries]
    return {"history": history, "latest": history[-1], "score_data": {}}


def test_metaculus_options_added_and_deleted(cli, root, tmp_path):
    # C was added on day 3 (forecasts before had null for it, counted in Other); B was deleted on day 5
    # (null from then, its probability moved to Other, and it can no longer happen).
    q = {"id": 7, "title": "Which one?", "type": "multiple_choice", "options": ["A", "C", "Other"],
         "all_options_ever": ["A", "B", "C", "Other"], "resolution": "C", "actual_resolve_time": "1970-01-09T00:00:00Z",
         "my_forecasts": _mine((86400.0, 3 * 86400.0, [0.5, 0.3, None, 0.2]),
                               (3 * 86400.0, 5 * 86400.0, [0.4, 0.2, 0.3, 0.1]),
                               (5 * 86400.0, None, [0.4, None, 0.3, 0.3]))}
    report = run_import(cli, root, "metaculus", _metaculus(q, tmp_path))
    assert [s["reason"] for s in report["skipped"]] == [
        "1 forecast of yours not imported: made before 'C' was added (Metaculus counted it in 'Other', the catch-all), "
        "so they do not say each option's probability, which a forecast in the ledger does"]
    assert kinds_view(root)["metaculus-1"] == (
        "multiple-choice", ("tester", "A 0.4 · B 0.2 · C 0.3 · Other 0.1", D("1970-01-04")),
        [("tester", "A 0.4 · B 0 · C 0.3 · Other 0.3", D("1970-01-06"))], [("C", D("1970-01-09"), "Metaculus")])
    assert cli("--root", root, "check").code == 0


def test_metaculus_outside_the_range_resolution_is_left_for_you(cli, root, tmp_path):
    cdf = [0.2 + 0.6 * i / 10 for i in range(11)]  # 20% below the range, 20% above
    q = {"id": 7, "title": "How warm?", "type": "numeric", "resolution": "above_upper_bound", "unit": "°C",
         "actual_resolve_time": "1970-01-09T00:00:00Z", "open_lower_bound": True, "open_upper_bound": True,
         "scaling": {"range_min": 0.0, "range_max": 10.0, "zero_point": None},
         "my_forecasts": _mine((86400.0, None, cdf))}
    report = run_import(cli, root, "metaculus", _metaculus(q, tmp_path))
    assert [s["reason"] for s in report["skipped"]] == [
        "resolved above the upper bound on Metaculus on 1970-01-09: the value itself is not recorded, so the "
        "resolution is not imported; when you know it, record it with `pledger resolve metaculus-1 VALUE`"]
    assert kinds_view(root)["metaculus-1"] == ("numeric", ("tester", "25%: 0.833333 · 50%: 5.0 · 75%: 9.16667",
                                                          D("1970-01-02")), [], [])
    preds, *_ = records(root)
    assert preds["metaculus-1"].unit == "°C"
    assert preds["metaculus-1"].note == (
        "5%, 95% lie beyond the range (this forecast puts 20% below the lower bound and 20% above the upper bound)")


def test_metaculus_a_forecast_mostly_beyond_the_range_is_left_out(cli, root, tmp_path):
    q = {"id": 7, "title": "How warm?", "type": "numeric", "open_upper_bound": True,
         "scaling": {"range_min": 0.0, "range_max": 10.0, "zero_point": None},
         "my_forecasts": _mine((86400.0, 2 * 86400.0, [0.0, 0.05, 0.1, 0.2]), (2 * 86400.0, None, [0.0, 0.3, 0.6, 0.9]))}
    report = run_import(cli, root, "metaculus", _metaculus(q, tmp_path))
    assert [s["reason"] for s in report["skipped"]] == [
        "1 forecast of yours not imported: only 1 of the levels 5%, 25%, 50%, 75%, 95% inside the range: "
        "25%, 50%, 75%, 95% lie beyond the range (this forecast puts 80% above the upper bound)"]
    assert kinds_view(root)["metaculus-1"][1] == ("tester", "5%: 0.555556 · 25%: 2.77778 · 50%: 5.55556 · 75%: 8.33333", D("1970-01-03"))


# -- Manifold ----------------------------------------------------------------------------------------------------

def test_manifold_multiple_choice_market(cli, root):
    report = run_import(cli, root, "manifold", FIXTURES / "manifold.json", "--by", "alice")
    assert counts(report) == (9, 6, 4, 5, 3, 0)
    assert skipped(report)[7] == (
        "a PSEUDO_NUMERIC market: a bet moves the market's one number (probAfter mapped onto min..max), the price of "
        "a contract that pays linearly in the outcome: an expected value, neither a distribution nor a median, and "
        "the ledger's numeric forecasts are quantiles")
    # Each bet's forecast: every answer's probAfter in its bet group (the bet and the redemptions beside it).
    assert kinds_view(root) == {"manifold-multi00001": (
        "multiple-choice", ("alice", "OpenAI 0.35 · Anthropic 0.45 · Google DeepMind 0.2", D("2025-03-03")),
        [("alice", "OpenAI 0.3 · Anthropic 0.49 · Google DeepMind 0.21", D("2025-04-01"))],
        [("Anthropic", D("2025-05-22"), "ada")])}
    preds, forecasts, _, _ = records(root)
    assert (preds["manifold-multi00001"].note, forecasts["manifold-multi00001"][0].note) == (
        "bet YES Anthropic 20", "bet NO OpenAI 10")
    assert cli("--root", root, "check").code == 0
    assert score_kinds(cli, root)["reports"]["multiple-choice"]["n"] == 1
    assert_idempotent(cli, root, "manifold", "manifold.json")


def test_manifold_bets_saved_without_their_redemptions_say_how_to_save_them(cli, root, tmp_path):
    # GET /v0/bets without includeZeroShareRedemptions=true: only the answer bet on.
    doc = json.loads((FIXTURES / "manifold.json").read_text(encoding="utf-8"))
    doc["bets"] = [b for b in doc["bets"] if not (b.get("isRedemption") and b.get("shares") == 0)]
    path = tmp_path / "manifold.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = run_import(cli, root, "manifold", path)
    assert "manifold-multi00001" not in report["ids"]
    (why,) = [s["reason"] for s in report["skipped"] if s["id"] == "manifold-multi00001"]
    assert why.startswith("2 bets of yours not imported: they give only the probability of the answer bet on.")
    assert "includeZeroShareRedemptions=true" in why


def _manifold_mc(tmp_path, **market) -> "Path":
    answers = [{"id": "a1", "index": 0, "text": "Yes, soon"}, {"id": "a2", "index": 1, "text": "Later"}]
    m = {"id": "M1", "question": "When?", "outcomeType": "MULTIPLE_CHOICE", "shouldAnswersSumToOne": True,
         "answers": answers, **market}
    t = 1_740_000_000_000
    bets = [{"id": "b1", "userId": "u", "contractId": "M1", "answerId": "a1", "createdTime": t, "amount": 5,
             "outcome": "YES", "probAfter": 0.6, "isRedemption": False, "betGroupId": "g1"},
            {"id": "b2", "userId": "u", "contractId": "M1", "answerId": "a2", "createdTime": t, "amount": 0,
             "outcome": "NO", "probAfter": 0.4, "shares": 0, "isRedemption": True, "betGroupId": "g1"}]
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"markets": [m], "bets": bets}), encoding="utf-8")
    return path


@pytest.mark.parametrize("market, result, note", [
    ({"isResolved": True, "resolution": "a2", "resolutionTime": 1_750_000_000_000}, "Later", None),
    ({"isResolved": True, "resolution": "CANCEL", "resolutionTime": 1_750_000_000_000}, "annulled",
     "Resolved N/A (CANCEL) on Manifold."),
    ({"isResolved": True, "resolution": "MKT", "resolutions": {"a1": 30, "a2": 70}, "resolutionTime": 1_750_000_000_000},
     "annulled", "Resolved MKT on Manifold (Yes, soon 30%, Later 70%): no single answer happened."),
    ({"isResolved": True, "resolution": "MKT", "resolutions": {"a1": 100}, "resolutionTime": 1_750_000_000_000},
     "Yes, soon", None),
])
def test_manifold_multiple_choice_resolutions(cli, root, tmp_path, market, result, note):
    run_import(cli, root, "manifold", _manifold_mc(tmp_path, **market))
    _, _, outcomes, _ = records(root)
    assert [(o.result, o.on, o.note) for o in outcomes["manifold-m1"]] == [(result, D("2025-06-15"), note)]


def test_manifold_independent_answers_are_not_a_multiple_choice_question(cli, root, tmp_path):
    report = run_import(cli, root, "manifold", _manifold_mc(tmp_path, shouldAnswersSumToOne=False))
    assert report["added"] == 0
    assert [s["reason"] for s in report["skipped"]] == [
        "a MULTIPLE_CHOICE market: its answers need not add up to 100% (shouldAnswersSumToOne is not true): each "
        "answer is a yes/no market of its own, not one multiple-choice question"]


def test_manifold_answer_added_after_a_bet_leaves_that_bet_out(cli, root, tmp_path):
    path = _manifold_mc(tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["markets"][0]["answers"].append({"id": "a3", "index": 2, "text": "Never", "createdTime": 1_745_000_000_000})
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = run_import(cli, root, "manifold", path)
    assert [s["reason"] for s in report["skipped"]] == [
        "1 bet of yours not imported: placed before 'Never' was added, so they do not give every answer's probability"]


def test_a_forecast_not_in_the_ledgers_terms_keeps_its_question_out(root):
    # The guard behind every importer: an item of another kind whose forecast lacks options or quantiles.
    from ledger.importers.base import ImportedItem, Parsed, choice_forecast, forecast, probability
    from ledger.services.imports import UNSUPPORTED_KINDS, apply_import
    from ledger.services.ledger import Ledger

    whole = choice_forecast([("A", 0.5), ("B", 0.5)], D("2025-01-01"), "me")
    half = forecast(probability("0.5"), D("2025-01-02"), "me")
    item = ImportedItem(id="q", claim="Which?", row=3, by="me", made=D("2025-01-01"), forecasts=[whole, half],
                        kind="multiple-choice")
    before = snapshot(root)
    report = apply_import(Ledger.open(root), Parsed(items=[item], rows=1), path="f", format_name="json", default_set="")
    assert ([(n.row, n.id, n.reason) for n in report.skipped], report.added, report.files) == (
        [(3, "q", UNSUPPORTED_KINDS["multiple-choice"])], [], [])
    assert snapshot(root) == before
