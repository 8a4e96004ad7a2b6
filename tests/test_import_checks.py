"""An import rejects, row by row and in `check`'s words, a record that `check` would flag once written."""

from __future__ import annotations

import json

import pytest

from support import snapshot


@pytest.fixture
def root(make_ledger):
    return make_ledger({".gitignore": ".pledger/\n"})


def _outcome(on, result="yes", **more):
    return {"result": result, "on": on, "by": "me", **more}


BAD_JSON = [  # (item, what its reason says)
    ({"id": "j1", "claim": "J one", "p": "60%", "by": "me", "made": "2025-03-01", "due": "2025-01-01",
      "outcomes": [_outcome("2025-02-01")]},
     ["'j1' is due 2025-01-01, before it was made (2025-03-01)", "'j1' is resolved on 2025-02-01, before it was made"]),
    ({"id": "j2", "claim": "J two", "p": 0.4, "by": "me", "made": "2025-01-01",
      "outcomes": [_outcome("2025-02-01", "no", correction=True)]},
     ["'j2' has `correction: true` on 2025-02-01, but no earlier entry resolves it"]),
    ({"id": "j3", "claim": "J three", "p": 0.4, "by": "me", "made": "2025-01-01",
      "outcomes": [_outcome("2025-02-01", "no"), _outcome("2025-02-03")]},
     ["'j3' is already resolved at the outcome of 2025-02-01; to change the result add `correction: true`"]),
    ({"id": "j4", "claim": "J four", "p": 0.4, "by": "me", "made": "2025-01-05",
      "forecasts": [{"p": 0.5, "at": "2025-01-02", "by": "me"}]},
     ["forecast on 'j4' is dated 2025-01-02, before the prediction was made (2025-01-05); check both dates"]),
    ({"id": "j6", "claim": "J six", "p": 0.4, "by": "me", "made": "2999-01-01"},
     ["made 2999-01-01 is after today"]),
]
GOOD = {"id": "j5", "claim": "J five", "p": 0.4, "by": "me", "made": "2025-01-05",
        "outcomes": [_outcome("2025-02-01", "no"), _outcome("2025-02-03", correction=True)]}


def _import(cli, root, fmt, path):
    result = cli("--root", root, "import", fmt, path, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def _assert_check_clean(cli, root):
    result = cli("--root", root, "check")
    assert result.code == 0, result.out + result.err


def test_json_rows_check_would_flag_are_rejected_with_row_and_reason_the_rest_imported(cli, root, tmp_path):
    items = [item for item, _ in BAD_JSON]
    items.insert(2, GOOD)
    path = tmp_path / "j.json"
    path.write_text(json.dumps({"predictions": items}), encoding="utf-8")
    report = _import(cli, root, "json", path)
    assert report["ids"] == ["j5"] and report["outcomes_added"] == 2
    rejected = {r["id"]: r for r in report["rejected"]}
    assert sorted(rejected) == sorted(item["id"] for item, _ in BAD_JSON)
    for item, words in BAD_JSON:
        note = rejected[item["id"]]
        assert note["where"] == f"{path}:{items.index(item) + 1}"
        for w in words:
            assert w in note["reason"]
    _assert_check_clean(cli, root)
    assert "j.json" not in " ".join(report["files"])


@pytest.mark.parametrize("item, words", BAD_JSON, ids=[i["id"] for i, _ in BAD_JSON])
def test_a_file_of_bad_rows_writes_nothing_and_names_no_ledger_file(cli, root, tmp_path, item, words):
    path = tmp_path / "j.json"
    path.write_text(json.dumps({"predictions": [item]}), encoding="utf-8")
    before = snapshot(root)
    result = cli("--root", root, "import", "json", path)
    assert result.code == 0 and snapshot(root) == before
    assert f"{path.name}:1" in result.err and "predictions.yaml" not in result.out + result.err
    assert words[0] in result.err
    strict = cli("--root", root, "import", "json", path, "--strict")
    assert strict.code == 1 and snapshot(root) == before and words[0] in strict.err


def test_csv_rows_resolved_before_made_or_made_after_today_are_rejected(cli, root, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,claim,p,made,result,resolved_on\nc1,C one,0.6,2025-03-01,yes,2025-02-01\n"
                    "c2,C two,0.6,2999-01-01,,\nc3,C three,0.6,2025-01-01,yes,2025-02-01\n", encoding="utf-8")
    report = _import(cli, root, "csv", path)
    assert report["ids"] == ["c3"] and report["outcomes_added"] == 1
    assert [(r["where"], r["id"]) for r in report["rejected"]] == [(f"{path}:2", "c1"), (f"{path}:3", "c2")]
    # The row is not written, so nothing is "left out until they agree" (check's words for an entry in the ledger).
    assert report["rejected"][0]["reason"] == ("'c1' is resolved on 2025-02-01, before it was made (2025-03-01); "
                                               "check both dates")
    assert "made 2999-01-01 is after today" in report["rejected"][1]["reason"]
    _assert_check_clean(cli, root)


def test_an_outcome_for_a_ledger_prediction_dated_before_it_was_made_is_rejected(cli, root, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,claim,p,made\nc1,C one,0.6,2025-03-01\n", encoding="utf-8")
    _import(cli, root, "csv", path)
    path.write_text("id,claim,p,made,result,resolved_on\nc1,C one,0.6,2025-03-01,yes,2025-02-01\n", encoding="utf-8")
    before = snapshot(root)
    report = _import(cli, root, "csv", path)
    assert report["outcomes_added"] == 0 and snapshot(root) == before
    assert "'c1' is resolved on 2025-02-01, before it was made (2025-03-01)" in report["rejected"][0]["reason"]
    _assert_check_clean(cli, root)


# A prediction already in the ledger, made 2025-03-01, and a file whose row for it adds forecasts dated before then.
LEDGER_C1 = "set: mine\npredictions:\n  - id: c1\n    claim: C one\n    p: 0.6\n    by: me\n    made: 2025-03-01\n"
EARLY_CSV = ("id,claim,p,made,at,result,resolved_on\n"
             "c2,C two,0.3,2025-01-01,,,\n"
             "c1,C one,0.6,2025-03-01,2025-03-01,,\n"
             "c1,,0.4,2025-03-01,2025-02-10,,\n"
             "c1,,0.7,2025-03-01,2025-04-01,yes,2025-05-01\n")
EARLY_WORDS = "forecast on 'c1' is dated 2025-02-10, before the prediction was made (2025-03-01); check both dates"


def test_a_forecast_before_a_ledger_predictions_made_day_rejects_its_row_and_the_rest_imports(cli, make_ledger, tmp_path):
    root = make_ledger({"mine.yaml": LEDGER_C1})
    path = tmp_path / "c.csv"
    path.write_text(EARLY_CSV, encoding="utf-8")
    report = _import(cli, root, "csv", path)
    # The row (the line c1's rows start on) is rejected whole, as a new prediction's would be: not its later
    # forecast, not its outcome; c2 is imported.
    assert report["rejected"] == [{"where": f"{path}:3", "row": 3, "id": "c1", "reason": EARLY_WORDS}]
    assert report["skipped"] == [] and report["ids"] == ["c2"]
    assert (report["forecasts_added"], report["outcomes_added"]) == (0, 0)
    assert (root / "mine.yaml").read_text(encoding="utf-8") == LEDGER_C1
    assert not (root / "forecasts.yaml").exists() and not (root / "outcomes").exists()
    _assert_check_clean(cli, root)


def test_the_rejected_early_forecast_is_counted_and_listed_as_rejected_and_strict_stops(cli, make_ledger, tmp_path):
    root = make_ledger({"mine.yaml": LEDGER_C1})
    path = tmp_path / "c.csv"
    path.write_text(EARLY_CSV, encoding="utf-8")
    before = snapshot(root)
    dry = cli("--root", root, "import", "csv", path, "--dry-run")
    assert dry.code == 0 and "would add 1 prediction, 0 more forecasts, 0 outcomes; 0 skipped, 1 rejected." in dry.out
    assert f"  rejected {path}:3: {EARLY_WORDS}" in dry.err.splitlines() and "c1" not in dry.out
    strict = cli("--root", root, "import", "csv", path, "--strict")
    assert strict.code == 1 and f"{path}:3: {EARLY_WORDS}" in strict.err and "nothing was written (--strict)" in strict.err
    assert snapshot(root) == before


def test_several_early_forecasts_in_a_json_item_are_one_rejection_naming_the_first(cli, make_ledger, tmp_path):
    root = make_ledger({"mine.yaml": LEDGER_C1})
    later = [{"p": 0.5, "at": at, "by": "me"} for at in ("2025-02-20", "2025-01-15", "2025-04-01")]
    items = [{"id": "c9", "claim": "C nine", "p": 0.2, "by": "me", "made": "2025-01-01"},
             {"id": "c1", "claim": "C one", "p": 0.6, "by": "me", "made": "2025-03-01", "forecasts": later}]
    path = tmp_path / "j.json"
    path.write_text(json.dumps({"predictions": items}), encoding="utf-8")
    report = _import(cli, root, "json", path)
    assert [(r["where"], r["id"]) for r in report["rejected"]] == [(f"{path}:2", "c1")]
    assert report["rejected"][0]["reason"] == (
        "2 forecasts on 'c1' are dated before the prediction was made (2025-03-01), the first on 2025-01-15; "
        "check both dates")
    assert report["ids"] == ["c9"] and report["forecasts_added"] == 0


def test_an_early_forecast_and_an_early_outcome_are_both_named(cli, make_ledger, tmp_path):
    root = make_ledger({"mine.yaml": LEDGER_C1})
    path = tmp_path / "c.csv"
    path.write_text("id,claim,p,made,at,result,resolved_on\nc1,C one,0.4,2025-03-01,2025-02-10,yes,2025-02-11\n",
                    encoding="utf-8")
    (reason,) = [r["reason"] for r in _import(cli, root, "csv", path)["rejected"]]
    assert reason == EARLY_WORDS + "; and 'c1' is resolved on 2025-02-11, before it was made (2025-03-01); check both dates"


def test_check_says_of_a_hand_written_early_forecast_what_the_import_says(cli, make_ledger):
    root = make_ledger({"mine.yaml": LEDGER_C1,
                        "forecasts.yaml": "forecasts:\n  - prediction: c1\n    p: 0.4\n    by: me\n    at: 2025-02-10\n"})
    result = cli("--root", root, "check")
    assert result.code == 1 and EARLY_WORDS in result.out + result.err
