"""Import as a whole: idempotence (under any --by), --strict and --dry-run write nothing, errors and exit codes,
appends that keep hand-written text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from support import assert_clean_error, on_server, snapshot
from test_import_formats import FIXTURES, GENERIC_MAP, records

ALL = [
    ("fatebook", "fatebook-2025.csv", ()),
    ("fatebook", "fatebook-2024-08.csv", ()),
    ("predictionbook", "predictionbook-mine.csv", ()),
    ("predictionbook-json", "predictionbook-my-predictions.json", ()),
    ("predictionbook-json", "predictionbook-my-predictions-2023-07.json", ()),
    ("metaculus", "metaculus-posts.json", ()),
    ("manifold", "manifold.json", ()),
    ("csv", "generic.csv", ("--map", GENERIC_MAP)),
]
IDS = [a[1] for a in ALL]


@pytest.fixture
def root(make_ledger):
    return make_ledger({".gitignore": ".pledger/\n"})


def imported(cli, root, fmt, path, *extra):
    result = cli("--root", root, "import", fmt, path, *extra, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.mark.parametrize("fmt, name, extra", ALL, ids=IDS)
def test_importing_twice_under_any_name_adds_nothing(cli, root, fmt, name, extra):
    first = imported(cli, root, fmt, FIXTURES / name, *extra, "--by", "alice")
    assert first["added"] > 0
    before = snapshot(root)
    for by in (("--by", "bob"), ("--by", "alice"), ()):
        report = imported(cli, root, fmt, FIXTURES / name, *extra, *by)
        assert (report["added"], report["forecasts_added"], report["outcomes_added"], report["files"]) == (0, 0, 0, []), by
        assert {s["reason"] for s in report["skipped"]} >= {"already in the ledger"}
        assert snapshot(root) == before
    assert cli("--root", root, "check").code == 0


@pytest.mark.parametrize("fmt, name, extra", ALL, ids=IDS)
def test_forecasts_imported_before_refs_existed_are_found_under_any_name(cli, root, fmt, name, extra):
    # A ledger imported by an earlier version holds no `ref:`: the same forecast is found by
    # prediction, day and probability (and person, where the source names them).
    imported(cli, root, fmt, FIXTURES / name, *extra, "--by", "alice")
    for path in root.rglob("*.yaml"):
        path.write_text(re.sub(r"^\s*ref: .*\n", "", path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    before = snapshot(root)
    report = imported(cli, root, fmt, FIXTURES / name, *extra, "--by", "bob")
    assert (report["added"], report["forecasts_added"], report["outcomes_added"]) == (0, 0, 0)
    assert snapshot(root) == before


def with_a_bad_record(fmt: str, name: str, tmp_path: Path) -> Path:
    """The fixture with one record that cannot be imported added, as a hand edit would leave it."""
    if fmt == "csv":
        return FIXTURES / name  # already holds bad rows
    data = (FIXTURES / name).read_text(encoding="utf-8")
    path = tmp_path / f"bad-{name}"
    if fmt == "fatebook":
        header = data.split("\n", 1)[0]
        cells = ["" for _ in header.split(",")]
        cells[0], cells[header.split(",").index("Forecast (scale = 0-1)")] = '"A bad row"', "high"
        cells[header.split(",").index("Forecast created at")] = "2025-01-01 00:00:0"
        cells[header.split(",").index("Question created at")] = "2025-01-01 00:00:0"
        path.write_text(data + "\n" + ",".join(cells), encoding="utf-8")
    elif fmt == "predictionbook":
        path.write_text(data + "2024-01-01 00:00:00 UTC,1234,Casper,,A bad row,A bad row,,999,150,,,,,,1,visible_to_everyone,false\n",
                        encoding="utf-8")
    else:
        doc = json.loads(data)
        key = {"predictionbook-json": "predictions", "metaculus": "results", "manifold": "markets"}[fmt]
        doc[key].append(17)
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt, name, extra", ALL, ids=IDS)
def test_strict_writes_nothing_when_a_row_is_bad(cli, root, fmt, name, extra, tmp_path):
    path = with_a_bad_record(fmt, name, tmp_path)
    before = snapshot(root)
    result = cli("--root", root, "import", fmt, path, *extra, "--strict")
    assert_clean_error(result, 1, "nothing was written (--strict)", f"{path.name}:")
    assert snapshot(root) == before


def test_error_locations_name_the_file_as_typed_not_under_the_root(cli, root, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "bad.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (work / "rows.csv").write_text("claim,p,made\nIt rains,60%,someday\n", encoding="utf-8")
    monkeypatch.chdir(work)
    result = cli("--root", root, "import", "fatebook", "bad.csv")
    assert_clean_error(result, 1, "\n  bad.csv:1: no column")
    assert str(root) not in result.err and "ledger/bad.csv" not in result.err
    result = cli("--root", root, "import", "csv", "rows.csv", "--strict")
    assert_clean_error(result, 1, "\n  rows.csv:2: made 'someday' is not a date")


def test_strict_imports_a_clean_file(cli, root, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("claim,p,made\nIt rains tomorrow,70%,2026-11-23\n", encoding="utf-8")
    result = cli("--root", root, "import", "csv", path, "--strict")
    assert result.code == 0 and "added 1 prediction," in result.out


def test_dry_run_reports_and_writes_nothing(cli, root):
    before = snapshot(root)
    dry = cli("--root", root, "import", "fatebook", FIXTURES / "fatebook-2025.csv", "--dry-run", "--json")
    assert snapshot(root) == before
    real = cli("--root", root, "import", "fatebook", FIXTURES / "fatebook-2025.csv", "--json")
    d, r = json.loads(dry.out), json.loads(real.out)
    assert d["dry_run"] and not r["dry_run"]
    assert {k: v for k, v in d.items() if k != "dry_run"} == {k: v for k, v in r.items() if k != "dry_run"}
    text = cli("--root", root, "import", "fatebook", FIXTURES / "fatebook-2025.csv", "--dry-run")
    assert "Dry run: nothing was written." in text.out


def test_report_names_file_and_row_of_each_rejected_row(cli, root):
    result = cli("--root", root, "import", "csv", FIXTURES / "generic.csv", "--map", GENERIC_MAP)
    assert result.code == 0
    path = str(FIXTURES / "generic.csv")
    assert f"rejected {path}:7: no probability (and no result)" in result.err
    assert "added 3 predictions" in result.out and "8 rejected" in result.out


def test_report_lists_skipped_rows_and_warnings(cli, root):
    result = cli("--root", root, "import", "metaculus", FIXTURES / "metaculus-posts.json")
    path = str(FIXTURES / "metaculus-posts.json")
    assert result.code == 0
    assert f"skipped {path}:10: a notebook (an article), not a question" in result.out
    assert f"  warning: {path} is one page of several: its `next` is " in result.err
    assert "added 12 predictions, 5 more forecasts, 9 outcomes; 3 skipped, 0 rejected." in result.out


def test_new_forecasts_and_resolutions_are_added_on_a_later_import(cli, root, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("id,claim,p,made\nrain,It rains on Friday,60%,2026-11-20\n", encoding="utf-8")
    assert cli("--root", root, "import", "csv", path, "--set", "weather").code == 0
    path.write_text(
        "id,claim,p,made,at,result,resolved_on\n"
        "rain,It rains on Friday,60%,2026-11-20,2026-11-20,,\n"
        "rain,,80%,2026-11-20,2026-11-21,yes,2026-11-22\n",
        encoding="utf-8",
    )
    report = json.loads(cli("--root", root, "import", "csv", path, "--json").out)
    assert (report["added"], report["forecasts_added"], report["outcomes_added"]) == (0, 1, 1)
    assert report["files"] == ["forecasts.yaml", "outcomes/2026-11-23-import-imported.yaml"]
    preds, forecasts, outcomes, problems = records(root)
    assert problems == []
    assert [(f.p_typed, f.by) for f in forecasts["rain"]] == [("80%", "tester")]
    assert [(o.result, o.on) for o in outcomes["rain"]] == [("yes", __import__("datetime").date(2026, 11, 22))]


@pytest.mark.parametrize("size", [3, 40], ids=["file names most of the ledger", "file names a few of many"])
def test_a_later_import_finds_what_the_ledger_has_whether_it_names_few_or_most(cli, root, tmp_path, size):
    # The import reads the ledger's records of the file's ids: by lookups, or by one scan when the file names
    # much of the ledger. Either way it finds the same forecasts and outcomes.
    path = tmp_path / "log.csv"
    rows = [f"q{k},Question {k},50%,2026-11-01,{'yes' if k == 0 else ''},{'2026-11-02' if k == 0 else ''}" for k in range(size)]
    path.write_text("id,claim,p,made,result,resolved_on\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert cli("--root", root, "import", "csv", path, "--set", "qs").code == 0
    path.write_text(
        "id,claim,p,made,at,result,resolved_on\n"
        "q0,Question 0,50%,2026-11-01,2026-11-01,no,2026-11-03\n"  # the ledger has it resolved yes
        "q1,Question 1,50%,2026-11-01,2026-11-01,,\n"  # all there
        "q2,Question 2,70%,2026-11-01,2026-11-05,,\n"  # a new forecast
        "q2,Question 2,50%,2026-11-01,2026-11-01,,\n"  # its first, there
        "fresh,A new question,30%,2026-11-04,2026-11-04,,\n",
        encoding="utf-8",
    )
    report = json.loads(cli("--root", root, "import", "csv", path, "--json").out)
    assert (report["added"], report["forecasts_added"], report["outcomes_added"], report["ids"]) == (1, 1, 0, ["fresh"])
    reasons = {s["id"]: s["reason"] for s in report["skipped"]}
    assert reasons["q1"] == "already in the ledger"
    assert reasons["q0"].startswith("the ledger has 'q0' resolved yes; the source says no")
    again = json.loads(cli("--root", root, "import", "csv", path, "--json").out)
    assert (again["added"], again["forecasts_added"], again["files"]) == (0, 0, [])


def test_a_different_resolution_in_the_source_is_reported_not_written(cli, root, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("id,claim,p,made,result,resolved_on\nrain,It rains,60%,2026-11-20,yes,2026-11-22\n", encoding="utf-8")
    cli("--root", root, "import", "csv", path)
    path.write_text("id,claim,p,made,result,resolved_on\nrain,It rains,60%,2026-11-20,no,2026-11-22\n", encoding="utf-8")
    before = snapshot(root)
    report = json.loads(cli("--root", root, "import", "csv", path, "--json").out)
    assert report["files"] == [] and snapshot(root) == before
    assert "resolved yes; the source says no" in report["skipped"][0]["reason"]


def test_a_row_with_new_forecasts_and_a_different_resolution_adds_the_forecasts_and_says_so(cli, root, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("id,claim,p,made,at,result,resolved_on\nrain,It rains,60%,2026-11-20,2026-11-20,yes,2026-11-22\n",
                    encoding="utf-8")
    cli("--root", root, "import", "csv", path)
    path.write_text("id,claim,p,made,at,result,resolved_on\n"
                    "rain,It rains,60%,2026-11-20,2026-11-20,no,2026-11-22\n"
                    "rain,It rains,80%,2026-11-20,2026-11-21,no,2026-11-22\n", encoding="utf-8")
    report = json.loads(cli("--root", root, "import", "csv", path, "--json").out)
    assert (report["forecasts_added"], report["outcomes_added"]) == (1, 0)
    [note] = report["skipped"]
    assert note["reason"].startswith("the ledger has 'rain' resolved yes; the source says no; its 1 new forecast was added.")
    listed = json.loads(cli("--root", root, "show", "rain", "--json").out)
    assert [(f["p"], f["at"]) for f in listed["forecast_history"]] == [(0.6, "2026-11-20"), (0.8, "2026-11-21")]
    assert (listed["status"], listed["outcome"]["result"]) == ("resolved", "yes")


def test_an_id_taken_by_another_claim_is_rejected(cli, root, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,claim,p,made\nrain,It rains,60%,2026-11-20\n", encoding="utf-8")
    cli("--root", root, "import", "csv", path)
    path.write_text("id,claim,p,made\nrain,It snows,10%,2026-11-20\n", encoding="utf-8")
    report = json.loads(cli("--root", root, "import", "csv", path, "--json").out)
    assert report["added"] == 0
    assert report["rejected"][0]["where"].endswith("a.csv:2")
    assert "already in the ledger (imported.yaml:" in report["rejected"][0]["reason"]


def test_import_appends_to_an_existing_set_file_keeping_its_text(cli, make_ledger, tmp_path):
    hand = "# my notes, kept as written\nset: weather\nby: me\nmade: 2026-01-01\npredictions:\n  - id: sun   # sunny\n    claim: Sun on Monday\n    p: 0.9\n"
    root = make_ledger({"weather.yaml": hand})
    path = tmp_path / "log.csv"
    path.write_text("id,claim,p,made,by\nrain,It rains,60%,2026-11-20,me\nwind,It is windy,1:3,2026-11-21,me\n", encoding="utf-8")
    assert cli("--root", root, "import", "csv", path, "--set", "weather").code == 0
    text = (root / "weather.yaml").read_text(encoding="utf-8")
    assert text.startswith(hand)
    preds, *_ , problems = records(root)
    assert problems == [] and set(preds) == {"sun", "rain", "wind"}
    assert preds["wind"].p_typed == "1:3" and preds["wind"].position == 2


@pytest.mark.parametrize(
    "args, argument",
    [
        (("import", "nosuch", "x.csv"), "unknown format 'nosuch'"),
        (("import", "csv", "missing.csv"), "does not exist"),
        (("import", "csv", "{file}", "--map", "claim"), "--map: 'claim' is not field=Column"),
        (("import", "csv", "{file}", "--map", "colour=Question"), "--map: unknown field 'colour'"),
        (("import", "csv", "{file}", "--map", "claim=Nope"), "has no column 'Nope'"),
        (("import", "fatebook", "{file}", "--map", "claim=Question"), "--map is for the csv format only"),
        (("import", "csv", "{file}", "--set", "Not A Slug"), "--set:"),
        (("export", "xml"), "FORMAT must be one of csv, json, yaml"),
        (("import", "csv", "{file}", "--encoding", "bogus"), "--encoding: 'bogus' is not a text encoding"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(cli, root, args, argument):
    args = [str(FIXTURES / "generic.csv") if a == "{file}" else a for a in args]
    before = snapshot(root)
    assert_clean_error(cli("--root", root, *args), 2, argument)
    assert snapshot(root) == before


def test_a_file_that_is_not_the_format_is_a_data_error_with_its_line(cli, root, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"results": [\n  {"id": 1,}\n]}', encoding="utf-8")
    assert_clean_error(cli("--root", root, "import", "metaculus", bad), 1, f"{bad}:2:")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    assert_clean_error(cli("--root", root, "import", "fatebook", wrong), 1, "is not a Fatebook export", "'Question title'")
    assert_clean_error(cli("--root", root, "import", "csv", wrong), 2, "no column for claim, p, made", "--map")


def test_a_large_import_is_one_write_per_file(cli, root, tmp_path, monkeypatch):
    import ledger.services.writing as writing  # imports.py imports it when an import has something to write

    rows = "".join(f"q{i},Question {i},{(i % 99 + 1)}%,2025-01-01,{'yes' if i % 2 else 'no'},2025-06-01\n" for i in range(2000))
    path = tmp_path / "big.csv"
    path.write_text("id,claim,p,made,result,resolved_on\n" + rows, encoding="utf-8")
    writes = []
    real = writing.write_texts
    monkeypatch.setattr(writing, "write_texts", lambda root_, texts: (writes.append(sorted(texts)), real(root_, texts))[1])
    report = json.loads(cli("--root", root, "import", "csv", path, "--json").out)
    assert report["added"] == 2000 and report["outcomes_added"] == 2000
    assert writes == [["imported.yaml", "outcomes/2026-11-23-import-imported.yaml"]]  # one write of both files
    assert cli("--root", root, "check").code == 0


def test_a_forecast_dated_before_the_ledgers_prediction_rejects_its_row(cli, make_ledger, tmp_path):
    root = make_ledger({"metaculus.yaml": "set: metaculus\npredictions:\n  - id: metaculus-1\n    claim: Q\n    p: 0.5\n"
                                          "    by: me\n    made: 2025-02-01\n"})
    history = [{"question_id": 7, "author_id": 9, "start_time": s, "end_time": None, "forecast_values": [1 - p, p]}
               for s, p in ((1735689600.0, 0.3), (1740787200.0, 0.6))]  # 2025-01-01, 2025-03-01
    path = tmp_path / "post.json"
    path.write_text(json.dumps({"id": 1, "title": "Q", "question": {"id": 7, "title": "Q", "type": "binary",
                                                                     "my_forecasts": {"history": history}}}), encoding="utf-8")
    before = snapshot(root)
    report = imported(cli, root, "metaculus", path)
    assert report["forecasts_added"] == 0 and report["skipped"] == [] and snapshot(root) == before
    assert [(r["where"], r["reason"]) for r in report["rejected"]] == [(
        f"{path}:1", "forecast on 'metaculus-1' is dated 2025-01-01, before the prediction was made (2025-02-01); "
        "check both dates")]
    _, forecasts, _, problems = records(root)
    assert problems == [] and "metaculus-1" not in forecasts  # not the later one either: the row is rejected whole
    assert cli("--root", root, "check").code == 0


def test_predictionbook_your_own_unlabelled_responses_are_yours(cli, root, tmp_path):
    doc = {"user": {"email": "x@example.org", "name": None, "user_id": 8}, "predictions": [{
        "id": 3, "description": "It rains", "description_with_group": "It rains", "created_at": "2024-01-01T10:00:00.000Z",
        "creator_id": 8, "creator_label": "", "outcome": None, "withdrawn": False, "responses": [
            {"comment": None, "confidence": 70, "created_at": "2024-01-01T10:00:00.000Z", "id": 30, "user_id": 8, "user_label": ""},
            {"comment": None, "confidence": 20, "created_at": "2024-01-02T10:00:00.000Z", "id": 31, "user_id": 9, "user_label": ""}]}]}
    path = tmp_path / "pb.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    imported(cli, root, "predictionbook-json", path, "--by", "me")
    preds, forecasts, _, _ = records(root)
    assert preds["pb-3"].by == "me" and [f.by for f in forecasts["pb-3"]] == ["PredictionBook user 9"]


def test_refs_reach_the_index_and_a_ref_match_wins_over_a_changed_name_or_day(cli, root, tmp_path):
    from ledger.services.ledger import Ledger

    imported(cli, root, "manifold", FIXTURES / "manifold.json", "--by", "alice")
    with Ledger.open(root).reader() as db:
        refs = [r for (r,) in db.rows("SELECT ref FROM forecasts WHERE prediction_id = 'manifold-ab3de5gh7j' ORDER BY at")]
    assert refs == ["manifold:b0001eye", "manifold:b0002eye", "manifold:b0003eye"]
    # The same bet, saved again with another time: its id says it is already there.
    doc = json.loads((FIXTURES / "manifold.json").read_text(encoding="utf-8"))
    for bet in doc["bets"]:
        bet["createdTime"] += 3 * 86_400_000
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps(doc), encoding="utf-8")
    before = snapshot(root)
    report = imported(cli, root, "manifold", moved, "--by", "bob")
    assert (report["added"], report["forecasts_added"]) == (0, 0) and snapshot(root) == before


@pytest.mark.parametrize("fmt", ["csv", "json", "yaml"])
@pytest.mark.parametrize("which", ["bundled", "rich"])
def test_reimporting_the_ledgers_own_export_writes_nothing_and_says_each_is_there(cli, make_ledger, bundled, tmp_path,
                                                                                   fmt, which):
    from test_export import RICH

    from ledger.index.warm import open_warm

    source = bundled if which == "bundled" else make_ledger(RICH, name="rich")
    out = tmp_path / f"all.{fmt}"
    assert cli("--root", source, "export", fmt, "-o", out).code == 0
    ids = [p["id"] for p in json.loads(cli("--root", source, "list", "--json").out)["predictions"]]
    before = snapshot(source)
    report = imported(cli, source, fmt, out, "--by", "someone-else")
    assert (report["added"], report["forecasts_added"], report["outcomes_added"], report["files"]) == (0, 0, 0, [])
    assert report["rejected"] == [] and report["warnings"] == []
    assert sorted((s["id"], s["reason"]) for s in report["skipped"]) == sorted((i, "already in the ledger") for i in ids)
    text = cli("--root", source, "import", fmt, out)
    assert text.code == 0 and text.err == ""
    lines = text.out.splitlines()
    assert lines[0] == (f"{out}: {report['rows']} records read; added 0 predictions, 0 more forecasts, 0 outcomes; "
                        f"{len(ids)} skipped, 0 rejected.")
    assert lines[1:] == [f"  skipped {s['where']}: already in the ledger" for s in report["skipped"]]
    assert snapshot(source) == before
    if not on_server():  # nothing written: the ledger's own index is still current (a server has none)
        warm = open_warm(source)
        assert warm is not None
        warm.close()


@pytest.mark.parametrize("others", [0, 60], ids=["file names most of the ledger", "file names a few of many"])
def test_the_result_a_reimport_compares_is_the_last_entry_in_date_order_not_in_file_order(cli, make_ledger, tmp_path,
                                                                                         others):
    # The correction (on 2025-05-01) sorts first by file name; the entry it corrects (2025-03-01) comes after it.
    filler = "".join(f"  - id: other-{k}\n    claim: Another question {k}\n    p: 0.5\n" for k in range(others))
    root = make_ledger({
        "qs.yaml": "set: qs\nby: ann\nmade: 2025-01-01\npredictions:\n  - id: q\n    claim: The question\n    p: 0.4\n" + filler,
        "outcomes/a-fix.yaml": "on: 2025-05-01\nby: ann\ncorrection: true\nresults:\n  q: no\n",
        "outcomes/b-first.yaml": "on: 2025-03-01\nby: ann\nresults:\n  q: yes\n",
    })
    assert cli("--root", root, "check").code == 0
    before = snapshot(root)
    for says, reason in (("no", "already in the ledger"),
                         ("yes", "the ledger has 'q' resolved no; the source says yes. Record a correction with "
                                 "`pledger resolve --correct` if the source is right")):
        path = tmp_path / f"says-{says}.csv"
        path.write_text(f"id,claim,p,made,by,result,resolved_on\nq,The question,0.4,2025-01-01,ann,{says},2025-03-01\n",
                        encoding="utf-8")
        report = imported(cli, root, "csv", path)
        assert (report["added"], report["forecasts_added"], report["outcomes_added"], report["files"]) == (0, 0, 0, [])
        assert [(s["id"], s["reason"]) for s in report["skipped"]] == [("q", reason)]
    assert snapshot(root) == before


def test_a_set_copied_without_its_claims_warns_of_the_links_it_keeps(cli, bundled, make_ledger, tmp_path):
    # cli.md's example: a set exported from one ledger into another. Its predictions test claims the new
    # ledger does not have: the import says so (the links are kept; check reports them until fixed).
    out = tmp_path / "set.json"
    assert cli("--root", bundled, "export", "json", "--set", "anthropic-sae-2024", "-o", out).code == 0
    target = make_ledger({}, name="target")
    report = imported(cli, target, "json", out)
    linked = sorted({c for p in json.loads(out.read_text())["predictions"] for c in p.get("tests", [])})
    assert linked and report["added"]
    assert report["warnings"] == [
        f"the new predictions' `tests:` name {len(linked)} claims this ledger does not have "
        f"({', '.join(dict.fromkeys(c for p in json.loads(out.read_text())['predictions'] for c in p.get('tests', [])))}): "
        "the links are kept, and `pledger check` reports them until the claims are added (`pledger claim add`) or "
        "the links removed"]
    # The same file into a ledger that has those claims (the example's claims files): nothing to warn of.
    claims = {f"claims/{f.name}": f.read_text() for f in (bundled / "claims").glob("*.yaml")}
    with_claims = imported(cli, make_ledger(claims, name="with-claims"), "json", out)
    assert with_claims["added"] == report["added"] and with_claims["warnings"] == []
