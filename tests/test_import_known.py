"""A re-import's shortcut (services.import_known): the items whose fingerprints the ledger holds are skipped
without the plan, and the import reports and writes exactly what the plan alone gives."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from support import snapshot
from test_import_service import ALL as IMPORT_FIXTURES
from test_import_formats import FIXTURES

import ledger.services.import_known as known_mod
import ledger.services.imports as imports_mod
from ledger.importers.base import ImportedForecast, ImportedItem, ImportedOutcome
from ledger.kinds import CHOICE
from ledger.services.import_known import Fingerprints, fingerprint, read_fingerprints, split_known


def _mutations():
    """(name, change to the ledger's JSON export's list of predictions): each a case the plan decides."""

    def claim(ps):
        ps[1]["claim"] += " (edited)"

    def forecast(ps):
        ps[0]["forecasts"].append({"p": "70%", "by": "Someone", "at": "2024-06-01"})

    def same_forecast_other_p(ps):
        ps[16]["forecasts"].append({"p": "0.31", "by": ps[16]["by"], "at": ps[16]["made"]})

    def flipped(ps):
        ps[3]["outcomes"][-1]["result"] = "yes"

    def other_case(ps):
        ps[4]["outcomes"][-1]["result"] = "No"

    def resolved_here(ps):
        ps[16]["outcomes"] = [{"result": "yes", "on": "2026-01-02", "by": ps[16]["by"]}]

    def no_outcome_in_source(ps):
        ps[5]["outcomes"] = []

    def twice(ps):  # the importer makes one item of the two (services.import_known leaves ids met twice to the plan)
        ps.append(copy.deepcopy(ps[2]))

    def new(ps):
        fresh = copy.deepcopy(ps[15])
        fresh["id"], fresh["claim"] = "a-fresh-question", "A question the ledger does not have"
        ps.append(fresh)

    # (name, change, how many of the file's predictions the fingerprints find unchanged)
    return [("unchanged", lambda ps: None, 17), ("claim", claim, 16), ("forecast", forecast, 16),
            ("same day, other p", same_forecast_other_p, 16), ("flipped", flipped, 16),
            ("other case", other_case, 17),  # the importer reads "No" as no
            ("resolved here", resolved_here, 16), ("no outcome in the source", no_outcome_in_source, 16),
            ("twice", twice, 17), ("new", new, 17)]


MUTATIONS = _mutations()


@pytest.mark.own_index  # the fingerprints are read from the ledger's own SQLite file, in a child
@pytest.mark.parametrize("name, change, unchanged", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_with_fingerprints_an_import_reports_and_writes_what_the_plan_alone_does(cli, bundled, tmp_path, monkeypatch,
                                                                                  name, change, unchanged):
    out = tmp_path / "all.json"
    assert cli("--root", bundled, "export", "json", "-o", out).code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    change(data["predictions"])
    out.write_text(json.dumps(data), encoding="utf-8")
    (there, rest), (none, everything), report = _both_ways(cli, bundled, "json", out, tmp_path, monkeypatch)
    assert (there, none) == (unchanged, 0) and there + rest == everything
    assert sum(s["reason"] == "already in the ledger" for s in report["skipped"]) >= unchanged


@pytest.mark.own_index
@pytest.mark.parametrize("fmt", ["csv", "json", "yaml"])
def test_reimporting_a_ledger_of_every_kind_with_fingerprints_is_what_the_plan_alone_gives(cli, make_ledger, tmp_path,
                                                                                         monkeypatch, fmt):
    from test_export import RICH

    source = make_ledger(RICH, name="rich")
    out = tmp_path / f"all.{fmt}"
    assert cli("--root", source, "export", fmt, "-o", out).code == 0
    (there, rest), (none, everything), report = _both_ways(cli, source, fmt, out, tmp_path, monkeypatch)
    assert there > 0 and none == 0 and there + rest == everything
    assert report["files"] == [] and report["added"] == 0


@pytest.mark.own_index
def test_questions_sharing_a_row_are_reported_in_the_files_order_whichever_way_each_is_found(cli, make_ledger, tmp_path,
                                                                                          monkeypatch):
    # A Metaculus group post's questions share its row. One whose forecast the ledger holds without its ref (imported
    # before refs existed) is found by the plan, the others by their fingerprints (their refs): all are listed as the
    # plan lists them.
    source = make_ledger({".gitignore": ".pledger/\n"})
    posts = Path(__file__).parent / "fixtures" / "import" / "metaculus-posts.json"
    monkeypatch.setenv("PLEDGER_JOBS", "1")
    assert cli("--root", source, "import", "metaculus", posts).code == 0
    monkeypatch.delenv("PLEDGER_JOBS")
    yaml = source / "metaculus.yaml"
    text = yaml.read_text(encoding="utf-8")
    second = re.compile(r"(- id: metaculus-20006-30062\n(?:    .*\n)*?)    ref: .*\n")
    assert second.search(text)
    yaml.write_text(second.sub(r"\1", text), encoding="utf-8")
    (there, rest), (none, everything), report = _both_ways(cli, source, "metaculus", posts, tmp_path, monkeypatch)
    assert there >= 1 and rest >= 1 and none == 0 and there + rest == everything  # (other kinds go to the plan too)
    shared = [s for s in report["skipped"] if s["reason"] == "already in the ledger" and s["id"].startswith("metaculus-20006-")]
    assert len(shared) == 2 and len({s["row"] for s in shared}) == 1  # two notes on one row, one found each way


@pytest.mark.own_index
def test_a_large_import_on_a_terminal_still_reads_the_fingerprints_beside_its_progress_bar(cli, bundled, tmp_path,
                                                                                        monkeypatch):
    # A child is forked only while no other thread runs: the bar must not draw itself from a thread.
    import sys

    import ledger.cli.transfer as transfer

    out = tmp_path / "all.json"
    assert cli("--root", bundled, "export", "json", "-o", out).code == 0
    assert cli("--root", bundled, "check").code == 0
    monkeypatch.setattr(known_mod, "MIN_BYTES", 0)
    monkeypatch.setattr(transfer, "PROGRESS_MIN_BYTES", 0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    drawn = []
    real_bar = transfer._progress_bar
    monkeypatch.setattr(transfer, "_progress_bar", lambda file: drawn.append(real_bar(file)) or drawn[-1])
    split = _traced_split(monkeypatch)
    assert cli("--root", bundled, "import", "json", out).code == 0
    assert drawn and drawn[0] is not None  # the bar was drawn
    assert split == [(17, 0)]


def _traced_split(monkeypatch) -> list[tuple[int, int]]:
    """(found, planned) of each split_known call the import makes, as they are made."""
    split = []
    real = imports_mod.split_known

    def traced(db, items, beside):
        there, rest = real(db, items, beside)
        split.append((len(there), len(rest)))
        return there, rest

    monkeypatch.setattr(imports_mod, "split_known", traced)
    return split


def _both_ways(cli, source, fmt, out, tmp_path, monkeypatch, *extra):
    """Import `out` into two copies of `source`: with the fingerprints (a child for any file), then with no
    child (the plan alone). Asserts the same report and files; gives the two splits and the report."""
    monkeypatch.setattr(known_mod, "MIN_BYTES", 0)
    split = _traced_split(monkeypatch)
    results = {}
    for arm in ("fingerprints", "plan alone"):
        root = tmp_path / arm
        shutil.copytree(source, root)
        assert cli("--root", root, "check").code in (0, 1)  # the index current: the child reads it
        if arm == "plan alone":
            monkeypatch.setenv("PLEDGER_JOBS", "1")  # no child: no fingerprints
        result = cli("--root", root, "import", fmt, out, *extra, "--json")
        assert result.code == 0, result.err
        results[arm] = (json.loads(result.out.replace(str(root), "ROOT")), snapshot(root))
    monkeypatch.delenv("PLEDGER_JOBS")
    assert results["fingerprints"] == results["plan alone"]
    return split[0], split[1], results["fingerprints"][0]


@pytest.mark.own_index
def test_a_reimport_of_the_ledgers_own_csv_export_is_all_found_by_fingerprint(cli, bundled, tmp_path, monkeypatch):
    out = tmp_path / "all.csv"
    assert cli("--root", bundled, "export", "csv", "-o", out).code == 0
    assert cli("--root", bundled, "check").code == 0
    monkeypatch.setattr(known_mod, "MIN_BYTES", 0)
    split = _traced_split(monkeypatch)
    before = snapshot(bundled)
    report = json.loads(cli("--root", bundled, "import", "csv", out, "--json").out)
    assert split == [(17, 0)]
    assert (report["added"], report["forecasts_added"], report["outcomes_added"], report["files"]) == (0, 0, 0, [])
    assert sorted(s["reason"] for s in report["skipped"]) == ["already in the ledger"] * 17
    assert snapshot(bundled) == before


# -- the parts ------------------------------------------------------------------------------------------


def _item(pid="q", claim="Will it?", forecasts=(("ann", dt.date(2025, 1, 2), "60%"),), outcomes=(), kind="binary"):
    fs = [ImportedForecast(p=0.5, p_typed=typed, at=at, by=by) for by, at, typed in forecasts]
    return ImportedItem(id=pid, claim=claim, row=2, by=fs[0].by if fs else "ann", made=dt.date(2025, 1, 2),
                        forecasts=fs, outcomes=[ImportedOutcome(result=r, on=dt.date(2025, 3, 1), by="ann") for r in outcomes],
                        kind=kind)


class _Given:
    """A FingerprintChild whose child gave `found` (take) and that records being ended."""

    def __init__(self, found):
        self.found, self.closed, self.taken = found, False, False

    def take(self):
        self.taken = True
        return self.found

    def close(self):
        self.closed = True


def _db(count, files):
    """An index of `count` predictions and these (path, sha256) files, as split_known reads it."""
    import sqlite3

    from ledger.index.sql import SqliteDb

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE predictions (id TEXT)")
    conn.executemany("INSERT INTO predictions VALUES (?)", [(f"p{k}",) for k in range(count)])
    conn.execute("CREATE TABLE files (path TEXT, sha256 TEXT)")
    conn.executemany("INSERT INTO files VALUES (?, ?)", files)
    return SqliteDb(conn)


def _found(items, files=(("a.yaml", "1"),), count=None):
    days = {}
    prints = frozenset(
        fingerprint(i.id, i.claim, i.outcomes[-1].result if i.outcomes else None,
                    known_mod._forecasts_of(i.forecasts, days)) for i in items)
    return Fingerprints(list(files), len(items) if count is None else count, prints)


def test_a_fingerprint_changes_with_each_thing_an_import_compares_and_not_with_the_forecasts_order():
    a, b = ("ann", "2025-01-02", "60%"), ("bob", "2025-01-03", "0.7")
    base = fingerprint("q", "Will it?", "yes", frozenset([a, b]))
    assert base == fingerprint("q", "Will it?", "yes", frozenset([b, a, b]))
    others = [fingerprint("r", "Will it?", "yes", frozenset([a, b])),
              fingerprint("q", "Will it? ", "yes", frozenset([a, b])),
              fingerprint("q", "Will it?", "no", frozenset([a, b])),
              fingerprint("q", "Will it?", None, frozenset([a, b])),
              fingerprint("q", "Will it?", "yes", frozenset([a])),
              fingerprint("q", "Will it?", "yes", frozenset([a, ("bob", "2025-01-03", "70%")]))]
    assert base not in others and len(set(others)) == len(others)


def test_items_are_split_by_fingerprint_and_the_doubtful_ones_left_to_the_plan():
    same = [_item(pid=f"q{k}") for k in range(6)]
    ledger_side = same + [_item(pid="changed"), _item(pid="dup"), _item(pid="choice", kind=CHOICE)]
    found = _found(ledger_side)
    file_side = same + [
        _item(pid="changed", forecasts=(("ann", dt.date(2025, 1, 2), "60%"), ("ann", dt.date(2025, 2, 1), "70%"))),
        _item(pid="dup"), _item(pid="dup"),  # twice in the file: the first may add what the second is compared with
        _item(pid="choice", kind=CHOICE),  # another kind: the plan says why it is skipped
    ]
    beside = _Given(found)
    there, rest = split_known(_db(len(ledger_side), found.files), file_side, beside)
    assert [i.id for i in there] == [f"q{k}" for k in range(6)]
    assert [i.id for i in rest] == ["changed", "dup", "dup", "choice"]
    assert beside.taken


def test_fingerprints_of_another_state_of_the_ledger_are_not_used():
    items = [_item(pid=f"q{k}") for k in range(5)]
    found = _found(items, files=[("a.yaml", "old hash")])
    assert split_known(_db(5, [("a.yaml", "new hash")]), items, _Given(found)) == ([], items)
    assert split_known(_db(6, found.files), items, _Given(found)) == ([], items)  # another count
    assert split_known(_db(5, found.files), items, _Given(None)) == ([], items)  # the child could not
    assert split_known(_db(5, found.files), items, None) == ([], items)  # no child


def test_a_file_naming_little_of_the_ledger_ends_the_child_without_waiting_for_it():
    items = [_item(pid=f"q{k}") for k in range(5)]
    beside = _Given(_found(items, count=20))
    assert split_known(_db(20, beside.found.files), items, beside) == ([], items)
    assert beside.closed and not beside.taken


def test_read_fingerprints_gives_what_the_items_of_the_ledgers_export_give(cli, bundled, tmp_path):
    from ledger.importers import FORMATS
    from ledger.importers.base import Options
    from ledger.services.ledger import Ledger

    out = tmp_path / "all.csv"
    assert cli("--root", bundled, "export", "csv", "-o", out).code == 0
    parsed = FORMATS["csv"].parser()(out.read_bytes(), str(out), Options(by="someone"), None)
    with Ledger.open(bundled).reader() as db:
        found = read_fingerprints(db)
    assert found.count == 17 and len(found.known) == 17
    assert _found(parsed.items).known == found.known


@pytest.mark.own_index
@pytest.mark.parametrize("fmt, name, extra", IMPORT_FIXTURES, ids=[f[1] for f in IMPORT_FIXTURES])
def test_reimporting_each_platforms_export_with_fingerprints_is_what_the_plan_alone_gives(cli, make_ledger, tmp_path,
                                                                                        monkeypatch, fmt, name, extra):
    # The platforms give each forecast a ref: the fingerprints find a forecast by it, as the plan does.
    source = make_ledger({".gitignore": ".pledger/\n"})
    path = FIXTURES / name
    monkeypatch.setenv("PLEDGER_JOBS", "1")
    assert cli("--root", source, "import", fmt, path, *extra).code == 0
    monkeypatch.delenv("PLEDGER_JOBS")
    (there, rest), (none, everything), report = _both_ways(cli, source, fmt, path, tmp_path, monkeypatch, *extra)
    assert there >= 1 and none == 0 and there + rest == everything
    assert report["files"] == [] and report["added"] == 0
