"""pledger export: documented columns and keys, filters, determinism, and the round trip through import."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from support import EXAMPLE_LEDGER, assert_clean_error
from ledger.services.export import CSV_COLUMNS
from ledger.store.discover import ledger_files
from ledger.store.read import read_file

RICH = {
    "sets/odds.yaml": """
        set: odds
        title: Typed every way
        by: ada
        made: 2025-01-06
        about: The reading group
        tags: [group]
        predictions:
          - id: typed-percent
            claim: "A claim with a colon: and \\"quotes\\", commas, and ünïcode"
            p: 70%
            due: 2025-12-31
            criteria: Judged at the last meeting
            tests: [some-claim]
            note: |
              Two lines
              of note.
            forecasts:
              - p: 3:1
                by: ben
                at: 2025-02-01
                note: odds
              - p: "0.990"
                at: 2025-03-01
          - id: typed-odds
            claim: Odds as typed
            p: 1 in 20
            by: ben
            made: 2025-01-07
            tags: [odds, rare]
          - id: typed-number
            claim: Whole numbers stay whole
            p: 1
          - id: never-resolved
            claim: Still open
            p: 0.5
            source: https://example.org/q
    """,
    "predictions.yaml": """
        # No set: where `pledger add` puts a prediction without --set.
        predictions:
          - id: no-set
            claim: In no set at all
            p: 0.3
            by: chen
            made: 2025-02-02
    """,
    "forecasts.yaml": """
        forecasts:
          - prediction: typed-odds
            p: 0.1
            by: ada
            at: 2025-04-01
    """,
    "outcomes/2025-06-01-first.yaml": """
        on: 2025-06-01
        by: ada
        evidence:
          - url: https://example.org/minutes
            quote: "we agreed"
        note: First call.
        results:
          typed-percent: yes
          typed-odds:
            result: no
            note: Its own note.
          typed-number: annulled
    """,
    "outcomes/2025-07-01-fix.yaml": """
        on: 2025-07-01
        by: ben
        correction: true
        results:
          typed-odds:
            result: yes
            evidence:
              - url: https://example.org/recount
                title: Recount
    """,
}


def all_records(root):
    """Every prediction, forecast and outcome, without file positions, in a stable order."""
    preds, forecasts, outcomes, problems = [], [], [], []
    for f in ledger_files(root):
        got = read_file(root, f.path)
        problems += got.problems
        preds += [p._replace(location=None, position=0) for p in got.predictions]
        forecasts += [x._replace(location=None) for x in got.forecasts]
        outcomes += [o._replace(location=None) for o in got.outcomes]
    key = lambda r: repr(r)  # noqa: E731
    return sorted(preds, key=key), sorted(forecasts, key=key), sorted(outcomes, key=key), problems


@pytest.fixture
def rich(make_ledger):
    return make_ledger(RICH, name="rich")


@pytest.fixture
def bundled(tmp_path):
    root = tmp_path / "bundled"
    shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
    return root


@pytest.mark.parametrize("fmt", ["csv", "json", "yaml"])
@pytest.mark.parametrize("which", ["bundled", "rich"])
def test_export_then_import_into_an_empty_ledger_gives_the_same_records(cli, make_ledger, tmp_path, request, fmt, which):
    source = request.getfixturevalue(which)
    out = tmp_path / f"all.{fmt}"
    assert cli("--root", source, "export", fmt, "-o", out).code == 0
    empty = make_ledger({}, name=f"empty-{fmt}")
    result = cli("--root", empty, "import", fmt, out, "--json")
    report = json.loads(result.out)
    assert report["rejected"] == [] and report["skipped"] == []
    want, got = all_records(source), all_records(empty)
    assert got[3] == []  # no problems in what the import wrote
    assert got[0] == want[0]  # predictions: claims, p as typed, dates, sets, tags, tests, notes
    assert got[1] == want[1]  # forecasts: who, when, as typed, which one is the published p
    assert got[2] == want[2]  # outcomes: result, date, judge, evidence, notes, corrections
    # And the import's export is the same bytes.
    assert cli("--root", empty, "export", fmt).out == out.read_text(encoding="utf-8")


def test_the_round_trip_keeps_what_scores_use(cli, make_ledger, tmp_path, bundled):
    out = tmp_path / "x.json"
    cli("--root", bundled, "export", "json", "-o", out)
    empty = make_ledger({}, name="copy")
    cli("--root", empty, "import", "json", out)
    for args in (("score", "--set", "anthropic-sae-2024", "--json"), ("score", "--policy", "last", "--json")):
        assert json.loads(cli("--root", empty, *args).out) == json.loads(cli("--root", bundled, *args).out)


def test_csv_columns_and_one_row_per_forecast(cli, rich):
    rows = list(csv.DictReader(io.StringIO(cli("--root", rich, "export", "csv").out)))
    assert tuple(rows[0]) == CSV_COLUMNS
    mine = [r for r in rows if r["id"] == "typed-percent"]
    assert [(r["p"], r["forecast_by"], r["at"]) for r in mine] == [("70%", "ada", "2025-01-06"), ("3:1", "ben", "2025-02-01"), ("0.990", "ada", "2025-03-01")]
    assert mine[0]["result"] == "yes" and mine[1]["result"] == "" and mine[0]["status"] == "resolved"
    assert mine[0]["tags"] == "group" and mine[0]["tests"] == "some-claim"
    odds = [r for r in rows if r["id"] == "typed-odds"]
    # Row k carries outcome entry k: the first resolution, then its correction.
    assert [(r["result"], r["correction"], r["resolved_by"]) for r in odds] == [("no", "", "ada"), ("yes", "true", "ben")]
    assert json.loads(odds[1]["evidence"]) == [{"url": "https://example.org/recount", "title": "Recount"}]


def test_json_keys(cli, rich):
    doc = json.loads(cli("--root", rich, "export", "json").out)
    assert (doc["format"], doc["version"], doc["count"], doc["selection"]) == ("prediction-ledger", 1, 5, "everything")
    first = doc["predictions"][0]
    assert set(first) == {"id", "set", "claim", "p", "p_value", "by", "made", "due", "about", "criteria", "tags",
                          "tests", "note", "status", "forecasts", "outcomes"}
    assert first["forecasts"][0] == {"p": "3:1", "p_value": 0.75, "by": "ben", "at": "2025-02-01", "note": "odds"}


def test_export_takes_the_list_filters(cli, rich):
    doc = json.loads(cli("--root", rich, "export", "json", "--tag", "rare").out)
    assert [p["id"] for p in doc["predictions"]] == ["typed-odds"]
    doc = json.loads(cli("--root", rich, "export", "json", "--status", "open").out)
    assert [p["id"] for p in doc["predictions"]] == ["never-resolved", "no-set"]
    assert_clean_error(cli("--root", rich, "export", "csv", "--status", "later"), 2, "--status")


def test_export_is_deterministic(cli, bundled):
    for fmt in ("csv", "json", "yaml"):
        assert cli("--root", bundled, "export", fmt).out == cli("--root", bundled, "export", fmt).out


def test_export_to_a_folder_is_a_usage_error(cli, rich, tmp_path):
    assert_clean_error(cli("--root", rich, "export", "csv", "-o", tmp_path), 2, "-o:")


@pytest.mark.parametrize("fmt", ["csv", "json", "yaml"])
@pytest.mark.parametrize("tag", [None, "rare", "no-such-tag"])
def test_a_streamed_export_is_the_document_rendered_whole(cli, rich, tmp_path, fmt, tag):
    """The export is written a prediction at a time; the bytes are those of the whole document dumped at once."""
    import yaml as pyyaml

    from ledger import yamlio
    from ledger.services.export import document, export_predictions
    from ledger.services.ledger import Ledger
    from ledger.services.select import Selection

    selection = Selection(tags=(tag,) if tag else ())
    predictions = export_predictions(Ledger.open(rich), selection)
    if fmt == "json":
        whole = json.dumps(document(predictions, selection), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "yaml":
        whole = yamlio.dump(document(predictions, selection))
        assert pyyaml.safe_load(whole)["count"] == len(predictions)
    else:
        whole = None  # one row per forecast: checked against its own columns above; here stdout against -o
    args = ("export", fmt, *(("--tag", tag) if tag else ()))
    out = cli("--root", rich, *args).out
    assert cli("--root", rich, *args, "-o", tmp_path / "x").code == 0
    assert (tmp_path / "x").read_text(encoding="utf-8") == out
    if whole is not None:
        assert out == whole
