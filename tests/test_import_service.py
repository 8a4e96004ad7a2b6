"""Import as a whole: idempotence, --strict and --dry-run write nothing, errors and exit codes, appends that keep hand-written text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import assert_clean_error, snapshot
from test_import_formats import FIXTURES, GENERIC_MAP, records

ALL = [
    ("fatebook", "fatebook.csv", ()),
    ("predictionbook", "predictionbook.csv", ()),
    ("predictionbook-json", "predictionbook.json", ()),
    ("metaculus", "metaculus.json", ()),
    ("manifold", "manifold.json", ()),
    ("csv", "generic.csv", ("--map", GENERIC_MAP)),
]


@pytest.fixture
def root(make_ledger):
    return make_ledger({".gitignore": ".pledger/\n"})


@pytest.mark.parametrize("fmt, name, extra", ALL, ids=[a[0] for a in ALL])
def test_importing_twice_adds_nothing(cli, root, fmt, name, extra):
    first = cli("--root", root, "import", fmt, FIXTURES / name, *extra, "--json")
    assert first.code == 0, first.err
    assert json.loads(first.out)["added"] > 0
    before = snapshot(root)
    second = cli("--root", root, "import", fmt, FIXTURES / name, *extra, "--json")
    report = json.loads(second.out)
    assert (report["added"], report["forecasts_added"], report["outcomes_added"], report["files"]) == (0, 0, 0, [])
    assert {s["reason"] for s in report["skipped"]} >= {"already in the ledger"}
    assert snapshot(root) == before
    assert cli("--root", root, "check").code == 0


@pytest.mark.parametrize("fmt, name, extra", ALL, ids=[a[0] for a in ALL])
def test_strict_writes_nothing_when_a_row_is_bad(cli, root, fmt, name, extra):
    before = snapshot(root)
    result = cli("--root", root, "import", fmt, FIXTURES / name, *extra, "--strict")
    assert_clean_error(result, 1, "nothing was written (--strict)", f"{name}:")
    assert snapshot(root) == before


def test_strict_imports_a_clean_file(cli, root, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("claim,p,made\nIt rains tomorrow,70%,2026-11-23\n", encoding="utf-8")
    result = cli("--root", root, "import", "csv", path, "--strict")
    assert result.code == 0 and "added 1 prediction," in result.out


def test_dry_run_reports_and_writes_nothing(cli, root):
    before = snapshot(root)
    dry = cli("--root", root, "import", "fatebook", FIXTURES / "fatebook.csv", "--dry-run", "--json")
    assert snapshot(root) == before
    real = cli("--root", root, "import", "fatebook", FIXTURES / "fatebook.csv", "--json")
    d, r = json.loads(dry.out), json.loads(real.out)
    assert d["dry_run"] and not r["dry_run"]
    assert {k: v for k, v in d.items() if k != "dry_run"} == {k: v for k, v in r.items() if k != "dry_run"}
    text = cli("--root", root, "import", "fatebook", FIXTURES / "fatebook.csv", "--dry-run")
    assert "Dry run: nothing was written." in text.out


def test_report_names_file_and_row_of_each_rejected_row(cli, root):
    result = cli("--root", root, "import", "predictionbook", FIXTURES / "predictionbook.csv")
    assert result.code == 0
    path = str(FIXTURES / "predictionbook.csv")
    assert f"rejected {path}:6: no confidence" in result.err
    assert f"skipped {path}:5: withdrawn on PredictionBook" in result.out
    assert "added 3 predictions" in result.out and "4 rejected" in result.out


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


def test_a_different_resolution_in_the_source_is_reported_not_written(cli, root, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("id,claim,p,made,result,resolved_on\nrain,It rains,60%,2026-11-20,yes,2026-11-22\n", encoding="utf-8")
    cli("--root", root, "import", "csv", path)
    path.write_text("id,claim,p,made,result,resolved_on\nrain,It rains,60%,2026-11-20,no,2026-11-22\n", encoding="utf-8")
    before = snapshot(root)
    report = json.loads(cli("--root", root, "import", "csv", path, "--json").out)
    assert report["files"] == [] and snapshot(root) == before
    assert "resolved yes; the source says no" in report["skipped"][0]["reason"]


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
    import ledger.services.imports as imports

    rows = "".join(f"q{i},Question {i},{(i % 99 + 1)}%,2025-01-01,{'yes' if i % 2 else 'no'},2025-06-01\n" for i in range(2000))
    path = tmp_path / "big.csv"
    path.write_text("id,claim,p,made,result,resolved_on\n" + rows, encoding="utf-8")
    writes = []
    real = imports.write_texts
    monkeypatch.setattr(imports, "write_texts", lambda root_, texts: (writes.append(sorted(texts)), real(root_, texts))[1])
    report = json.loads(cli("--root", root, "import", "csv", path, "--json").out)
    assert report["added"] == 2000 and report["outcomes_added"] == 2000
    assert writes == [["imported.yaml", "outcomes/2026-11-23-import-imported.yaml"]]  # one write of both files
    assert cli("--root", root, "check").code == 0
