"""A prediction id defined more than once is ambiguous: every copy, and the
forecasts and outcomes naming the id, are left out of every read; writes naming
it are refused; the read commands' warning counts what `check` reports."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from support import assert_clean_error, identify, snapshot

# The reviewer's ledger: the duplicates in one file, one other prediction resolved.
ONE_FILE = {
    "a.yaml": """
        set: a
        by: me
        made: 2024-01-01
        predictions:
          - id: y
            claim: Y
            p: 0.9
          - id: x
            claim: Copy A
            p: 0.9
          - id: x
            claim: Copy B
            p: 0.1
        """,
    "o.yaml": """
        on: 2024-02-01
        by: me
        results:
          y: yes
        """,
}

# The duplicates in two files, with forecasts and outcomes naming the id, and due dates past.
TWO_FILES = {
    "a.yaml": """
        by: me
        made: 2024-01-01
        due: 2024-06-01
        predictions:
          - id: x
            claim: Copy A
            p: 0.9
          - id: z
            claim: Zed
            p: 0.5
        """,
    "b.yaml": """
        by: me
        made: 2024-01-01
        due: 2024-06-01
        predictions:
          - id: x
            claim: Copy B
            p: 0.1
        """,
    "forecasts.yaml": """
        forecasts:
          - {prediction: x, p: 0.4, by: me, at: 2024-01-10}
          - {prediction: z, p: 0.6, by: me, at: 2024-01-10}
        """,
}
# a.yaml:5 and b.yaml:5 define x (the item's `- id:` line).
PLACES = ("a.yaml:5", "b.yaml:5")


def warning_count(err: str) -> int | None:
    found = re.search(r"the ledger has (\d+) problems?", err)
    return int(found.group(1)) if found else None


def ids_listed(cli, root, *args) -> list[str]:
    result = cli("--root", root, *args, "--json")
    assert result.code == 0, result.err
    return [p["id"] for p in json.loads(result.out)["predictions"]]


# -- score and scorecard ----------------------------------------------------


@pytest.mark.parametrize("policy", ["first", "last", "all"])
def test_score_leaves_duplicates_out_instead_of_crashing(cli, make_ledger, policy):
    root = make_ledger(ONE_FILE)
    result = cli("--root", root, "score", "--policy", policy, "--json")
    assert result.code == 0, result.err
    counts = json.loads(result.out)["counts"]
    assert (counts["predictions"], counts["resolved"], counts["forecasts"]) == (1, 1, 1)
    assert warning_count(result.err) == 1
    table = cli("--root", root, "score", "--policy", policy)
    assert table.code == 0 and "internal error" not in table.err
    assert "of 1 prediction selected" in table.out


def test_scorecard_leaves_duplicates_out(cli, make_ledger):
    root = make_ledger(ONE_FILE)
    result = cli("--root", root, "scorecard")
    assert result.code == 0, result.err
    assert "Y" in result.out and "Copy A" not in result.out and "Copy B" not in result.out
    assert warning_count(result.err) == 1


def test_scoring_service_leaves_duplicates_out(make_ledger):
    from ledger.services.ledger import Ledger
    from ledger.services.scores import score, select_forecasts
    from ledger.services.select import Selection

    ledger = Ledger.open(make_ledger(TWO_FILES | {"o.yaml": "on: 2024-02-01\nby: me\nresults:\n  x: yes\n  z: no\n"}))
    for policy in ("first", "last", "all"):
        table = select_forecasts(ledger, Selection(), policy)
        assert set(table.prediction_id.tolist()) == {"z"}, policy
        assert table.predictions == 1
    last = select_forecasts(ledger, Selection(), "last")
    assert last.p.tolist() == [0.6]  # z's own update, never a copy of x's p
    assert score(ledger, Selection(), "last").counts["predictions"] == 1
    assert score(ledger, Selection(), by_forecaster=True).counts["forecasts"] == 1


# -- list, show, due, export, API ------------------------------------------


def test_list_and_due_leave_every_copy_out(cli, make_ledger):
    root = make_ledger(TWO_FILES)
    assert ids_listed(cli, root, "list") == ["z"]
    assert ids_listed(cli, root, "due") == ["z"]
    table = cli("--root", root, "list")
    assert "Copy A" not in table.out and "Copy B" not in table.out and "0.9" not in table.out
    assert "0.5→60%" in table.out  # z's own update
    assert warning_count(table.err) == warning_count(cli("--root", root, "due").err) == 1


def test_resolving_by_hand_does_not_bring_them_back(cli, make_ledger):
    root = make_ledger(TWO_FILES | {"o.yaml": "on: 2024-02-01\nby: me\nresults:\n  x: yes\n"})
    assert ids_listed(cli, root, "list") == ["z"]
    assert ids_listed(cli, root, "list", "--status", "resolved") == []


def test_show_says_the_id_is_ambiguous_and_mixes_nothing(cli, make_ledger):
    root = make_ledger(TWO_FILES)
    result = cli("--root", root, "show", "x")
    assert_clean_error(result, 1, "'x' is defined 2 times", *PLACES, "rename one")
    assert "(published)" not in result.out
    shown = cli("--root", root, "show", "z")
    assert shown.code == 0 and warning_count(shown.err) == 1
    unknown = cli("--root", root, "show", "nothing")
    assert_clean_error(unknown, 2, "no prediction with id 'nothing'")


def test_export_leaves_duplicates_out(cli, make_ledger):
    root = make_ledger(TWO_FILES)
    result = cli("--root", root, "export", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert [p["id"] for p in doc["predictions"]] == ["z"]
    assert [f["p_value"] for f in doc["predictions"][0]["forecasts"]] == [0.6]
    assert warning_count(result.err) == 1


def test_services_and_api_leave_duplicates_out(make_ledger):
    import ledger as ledger_pkg
    from ledger.errors import LedgerError
    from ledger.services.export import export_predictions, forecast_rows
    from ledger.services.ledger import Ledger
    from ledger.services.queries import history, list_states
    from ledger.services.select import Selection

    root = make_ledger(TWO_FILES)
    ledger = Ledger.open(root)
    states, total, problems = list_states(ledger)
    assert [s.prediction.id for s in states] == ["z"] and total == 1 and problems == 1
    assert list_states(ledger, Selection(ids=("x",)))[0] == []
    with pytest.raises(LedgerError) as raised:
        history(ledger, "x")
    assert all(place in raised.value.message for place in PLACES)
    assert history(ledger, "nothing") is None
    assert [d["id"] for d in export_predictions(ledger)] == ["z"]
    assert {r["prediction_id"] for r in forecast_rows(ledger)} == {"z"}
    book = ledger_pkg.open(root)
    assert [s.prediction.id for s in book.predictions()] == ["z"]
    assert book.predictions(ids="x") == []


def test_renaming_one_copy_brings_both_back(cli, make_ledger):
    root = make_ledger(TWO_FILES)
    assert ids_listed(cli, root, "list") == ["z"]
    path = root / "b.yaml"
    path.write_text(path.read_text().replace("id: x", "id: x-b"))
    assert ids_listed(cli, root, "list") == ["x", "z", "x-b"]
    assert cli("--root", root, "check").code == 0
    assert warning_count(cli("--root", root, "list").err) is None


def test_removing_a_copy_brings_the_other_back(cli, make_ledger):
    root = make_ledger(TWO_FILES)
    assert ids_listed(cli, root, "list") == ["z"]
    (root / "b.yaml").unlink()
    assert ids_listed(cli, root, "list") == ["x", "z"]


def test_the_warm_read_and_the_refresh_agree(cli, make_ledger):
    root = make_ledger(TWO_FILES)
    cold = cli("--root", root, "list")  # refreshes, then reads
    warm = cli("--root", root, "list")  # the index is current: read directly
    assert (cold.out, cold.err) == (warm.out, warm.err)


# -- writes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("forecast", "x", "-p", "30%"),
        ("resolve", "x", "yes"),
        ("resolve", "z", "x", "no"),  # one ambiguous id stops the whole entry
        ("resolve", "x", "yes", "--correct"),
    ],
    ids=["forecast", "resolve", "resolve-several", "resolve-correct"],
)
def test_writes_naming_an_ambiguous_id_are_refused(cli, make_ledger, args):
    root = make_ledger(TWO_FILES)
    before = snapshot(root)
    result = cli("--root", root, *args)
    assert_clean_error(result, 1, "'x' is defined 2 times", *PLACES, "rename one", "nothing was written")
    assert snapshot(root) == before


def test_write_services_refuse_an_ambiguous_id(make_ledger):
    from ledger.errors import LedgerError
    from ledger.services.add import add_forecast
    from ledger.services.ledger import Ledger
    from ledger.services.resolve import resolve

    root = make_ledger(ONE_FILE)
    ledger = Ledger.open(root)
    before = snapshot(root)
    with pytest.raises(LedgerError, match=r"'x' is defined 2 times \(a\.yaml:8 and a\.yaml:11\)"):
        add_forecast(ledger, "x", 0.3, at=dt.date(2024, 3, 1))
    with pytest.raises(LedgerError, match="rename one"):
        resolve(ledger, ["x"], "no", on=dt.date(2024, 3, 1))
    assert snapshot(root) == before
    add_forecast(ledger, "y", 0.3, at=dt.date(2024, 1, 5))  # other ids are still written to
    assert snapshot(root) != before


def test_import_rejects_rows_for_an_ambiguous_id(cli, make_ledger, tmp_path):
    root = make_ledger(TWO_FILES)
    doc = {"predictions": [
        {"id": "x", "claim": "Copy A", "p": "0.9", "by": "me", "made": "2024-01-01",
         "forecasts": [{"p": "0.2", "by": "bob", "at": "2024-01-20"}]},
    ]}
    source = tmp_path / "in.json"
    source.write_text(json.dumps(doc))
    before = snapshot(root)
    report = cli("--root", root, "import", "json", source, "--json")
    assert report.code == 0, report.err
    rejected = json.loads(report.out)["rejected"]
    assert len(rejected) == 1 and all(place in rejected[0]["reason"] for place in PLACES)
    assert snapshot(root) == before
    strict = cli("--root", root, "import", "json", source, "--strict")
    assert_clean_error(strict, 1, "nothing was written")
    assert snapshot(root) == before


# -- one problem count -------------------------------------------------------

# Several kinds of problem at once: a bad probability, an unknown key, a
# duplicate prediction id, a duplicate set id, a forecast for an unknown id, a
# forecast before the prediction was made, a second resolution, an unknown claim.
MANY_PROBLEMS = {
    "s1.yaml": """
        set: s
        by: me
        made: 2024-01-01
        predictions:
          - id: a
            claim: A
            p: 0.7
          - id: b
            claim: B
            p: 1.5
          - id: c
            claim: C
            p: 0.5
            probabilty: 0.4
          - id: d
            claim: D
            p: 0.4
            tests: [no-such-claim]
          - id: e
            claim: E
            p: 0.2
            due: 2024-03-01
        """,
    "s2.yaml": """
        set: s
        by: me
        made: 2024-01-01
        predictions:
          - id: a
            claim: A again
            p: 0.2
        """,
    "forecasts.yaml": """
        forecasts:
          - {prediction: nope, p: 0.5, by: me, at: 2024-02-01}
          - {prediction: d, p: 0.5, by: me, at: 2023-12-01}
        """,
    "o1.yaml": "on: 2024-02-01\nby: me\nresults:\n  d: yes\n  e: no\n",
    "o2.yaml": "on: 2024-02-02\nby: me\nresults:\n  d: no\n",
}


def test_every_warning_counts_what_check_reports(cli, make_ledger, tmp_path):
    root = make_ledger(MANY_PROBLEMS)
    check = cli("--root", root, "check", "--json")
    assert check.code == 1
    problems = json.loads(check.out)["problems"]
    codes = {p["code"] for p in problems}
    assert {"invalid", "unknown-key", "duplicate-id", "unknown-id", "order", "resolved-twice"} <= codes
    n = len(problems)
    for args in (("list",), ("list", "--json"), ("due",), ("show", "e"), ("score",), ("score", "--json"),
                 ("scorecard",), ("export", "csv"), ("export", "json", "-o", tmp_path / "out.json")):
        result = cli("--root", root, *args)
        assert result.code == 0, (args, result.err)
        assert warning_count(result.err) == n, (args, result.err, n)
    # the warm read (nothing changed since) counts the same
    assert warning_count(cli("--root", root, "list").err) == n
    assert f"{n} problems in" in cli("--root", root, "check").err


def test_count_services_agree_with_check(make_ledger):
    from ledger.services.ledger import Ledger
    from ledger.services.queries import check_ledger, count_problems, list_states

    ledger = Ledger.open(make_ledger(MANY_PROBLEMS))
    report = check_ledger(ledger)
    assert len(report.problems) == count_problems(ledger) == list_states(ledger)[2] == len(ledger.problems())
    assert report.problems == sorted(report.problems)
    assert [p.code for p in report.problems] == [p.code for p in ledger.problems()]


def test_check_and_the_count_follow_edits(cli, make_ledger):
    root = make_ledger(MANY_PROBLEMS)
    before = len(json.loads(cli("--root", root, "check", "--json").out)["problems"])
    (root / "o2.yaml").unlink()  # the second resolution goes
    after = json.loads(cli("--root", root, "check", "--json").out)["problems"]
    assert len(after) == before - 1 and "resolved-twice" not in {p["code"] for p in after}
    assert warning_count(cli("--root", root, "list").err) == len(after)


# A set declared by two files (and a third set, declared once): `check` reports the second declaration.
def _set_file(name: str, set_id: str, title: str) -> str:
    return f"set: {set_id}\ntitle: {title}\nby: me\nmade: 2024-01-01\npredictions:\n  - id: {name}\n    claim: {name.upper()}\n    p: 0.5\n"


TWO_DECLARE_S = {"one.yaml": _set_file("a", "s", "Part one"), "two.yaml": _set_file("b", "s", "Part two"),
                 "t.yaml": _set_file("c", "t", "Tee")}


def test_check_reports_a_set_declared_by_two_files(cli, make_ledger):
    root = make_ledger(TWO_DECLARE_S)
    result = cli("--root", root, "check")
    assert result.code == 1 and result.out == (
        f"{root}/two.yaml:1:6: set id 's' is already used at {root}/one.yaml:1; ids must be unique in the ledger, "
        "rename one\n")


@pytest.mark.parametrize("extra", [(), ("--title", "Part one"), ("--id", "new-one", "--json")], ids=["plain", "title", "json"])
def test_add_to_a_set_declared_by_two_files_is_refused_naming_both(cli, make_ledger, extra):
    root = make_ledger(TWO_DECLARE_S)
    before = snapshot(root)
    result = cli("--root", root, "add", "It happens", "-p", "30%", "--set", "s", *extra)
    # The files as `check` shows them: from where the command runs (here outside the ledger: whole paths).
    assert_clean_error(result, 1, f"set id 's' is declared 2 times ({root}/one.yaml:1 and {root}/two.yaml:1)",
                       "--set s does not say which file to add to", "rename the set", "nothing was written")
    assert result.out == "" and snapshot(root) == before


def test_add_to_a_set_declared_once_still_appends_to_its_file(cli, make_ledger):
    root = make_ledger(TWO_DECLARE_S)
    before = snapshot(root)
    result = cli("--root", root, "add", "It happens", "-p", "30%", "--set", "t")
    assert result.code == 0, result.err
    after = snapshot(root)
    assert [rel for rel in after if after[rel] != before.get(rel)] == ["t.yaml"]
    assert "claim: It happens" in after["t.yaml"].decode()


def test_the_add_service_names_every_file_declaring_the_set(make_ledger):
    from ledger.errors import LedgerError
    from ledger.services.add import add_prediction
    from ledger.services.ledger import Ledger

    root = make_ledger({**TWO_DECLARE_S, "sub/three.yaml": _set_file("d", "s", "Part three")})
    before = snapshot(root)
    with pytest.raises(LedgerError, match=r"'s' is declared 3 times \(one\.yaml:1, sub/three\.yaml:1 and two\.yaml:1\)"):
        add_prediction(Ledger.open(root), "It happens", 0.3, set_id="s")
    assert snapshot(root) == before


@pytest.mark.parametrize("extra", [(), ("--dry-run",), ("--json",)], ids=["plain", "dry-run", "json"])
def test_an_import_into_a_set_declared_by_two_files_is_refused_naming_both(cli, make_ledger, tmp_path, extra):
    root = make_ledger(TWO_DECLARE_S)
    rows = tmp_path / "rows.csv"
    rows.write_text("claim,p,made\nIt rains tomorrow,70%,2024-02-01\n", encoding="utf-8")
    before = snapshot(root)
    result = cli("--root", root, "import", "csv", rows, "--set", "s", *extra)
    assert_clean_error(result, 1, f"set id 's' is declared 2 times ({root}/one.yaml:1 and {root}/two.yaml:1)",
                       "the import's set s does not say which file to add to", "--set", "nothing was written")
    assert snapshot(root) == before
    # Into a set declared once, the same rows go to its file.
    assert cli("--root", root, "import", "csv", rows, "--set", "t").code == 0
    assert "It rains tomorrow" in (root / "t.yaml").read_text(encoding="utf-8")


def test_places_in_errors_are_shown_from_where_the_command_runs_as_checks_are(cli, tmp_path, monkeypatch):
    # The ledger in ./predictions, the command run from the folder above it (its usual home in a repository).
    ledger = tmp_path / "predictions"
    ledger.mkdir()
    for name, text in {**TWO_DECLARE_S, "dup.yaml": "set: d\nby: ann\nmade: 2024-01-01\npredictions:\n"
                                                    "  - {id: a, claim: Another claim, p: 0.5}\n"}.items():
        (ledger / name).write_text(text, encoding="utf-8")
    identify(ledger)  # a ledger of its own on a server index too
    monkeypatch.chdir(tmp_path)
    check = cli("check")
    assert "predictions/one.yaml:6:5: prediction id 'a' is already used at predictions/dup.yaml:5" in check.out
    added = cli("add", "It happens", "-p", "30%", "--set", "s")
    assert_clean_error(added, 1, "(predictions/one.yaml:1 and predictions/two.yaml:1)")
    ambiguous = cli("resolve", "a", "yes")
    assert_clean_error(ambiguous, 1, "(predictions/dup.yaml:5 and predictions/one.yaml:6)")
    rows = tmp_path / "rows.csv"
    rows.write_text("id,claim,p,made\na,Something else,70%,2024-02-01\nc,Not the claim,20%,2024-02-01\n",
                    encoding="utf-8")
    imported = cli("import", "csv", rows, "--set", "t")
    assert "(predictions/dup.yaml:5 and predictions/one.yaml:6)" in imported.err
    assert "'c' is already in the ledger (predictions/t.yaml:6) for another claim" in imported.err
    # --json keeps ledger-relative places, as check --json does.
    report = json.loads(cli("import", "csv", rows, "--set", "t", "--json").out)
    reasons = [n["reason"] for n in report["rejected"]]
    assert "(dup.yaml:5 and one.yaml:6)" in reasons[0] and "(t.yaml:6)" in reasons[1]
