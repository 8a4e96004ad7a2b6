"""The SQLite index: derived from the YAML, refreshed incrementally, safe to delete."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest
from sqlalchemy import select

from ledger.index import refresh as refresh_module
from ledger.index import rows as rows_module
from ledger.index import server
from ledger.index.tables import PREDICTIONS_TABLE
from ledger.services.ledger import Ledger
from support import EXAMPLE_LEDGER

HEAD = "by: ada\nmade: 2025-01-06\npredictions:\n"


def item(pid: str, p: float = 0.5) -> str:
    return f"  - id: {pid}\n    claim: Claim {pid}\n    p: {p}\n"


@pytest.fixture
def three_files(make_ledger):
    return make_ledger({
        "a.yaml": HEAD + item("a1") + item("a2"),
        "b.yaml": HEAD + item("b1"),
        "outcomes/o.yaml": "on: 2025-02-01\nby: ada\nresults:\n  a1: yes\n  b1: no\n",
    })


def ids(ledger: Ledger) -> list[str]:
    with ledger.engine.connect() as conn:
        return sorted(conn.execute(select(PREDICTIONS_TABLE.c.id)).scalars())


def test_cold_build_then_noop_refresh(three_files):
    ledger = Ledger.open(three_files)
    cold = ledger.refresh()
    assert (cold.files, cold.read, cold.removed) == (3, 3, 0)
    assert ids(ledger) == ["a1", "a2", "b1"]
    noop = ledger.refresh()
    assert (noop.files, noop.read, noop.removed) == (3, 0, 0)
    # A second process opening the same ledger finds the index up to date too.
    assert Ledger.open(three_files).refresh().read == 0


def test_touching_a_file_rereads_nothing_and_hashes_it_once(three_files, monkeypatch):
    ledger = Ledger.open(three_files)
    ledger.refresh()
    st = os.stat(three_files / "a.yaml")
    os.utime(three_files / "a.yaml", ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    hashed = []
    real = hashlib.sha256

    def counting(data=b""):
        hashed.append(len(data))
        return real(data)

    monkeypatch.setattr(rows_module.hashlib, "sha256", counting)
    assert ledger.refresh().read == 0
    assert len(hashed) == 1  # the touched file: its hash is unchanged, so it is not parsed
    assert ledger.refresh().read == 0
    assert len(hashed) == 1  # its new mtime was recorded: no hash the next time


def test_editing_one_file_rereads_only_that_file(three_files, monkeypatch):
    ledger = Ledger.open(three_files)
    ledger.refresh()
    read = []
    real = rows_module.read_file
    monkeypatch.setattr(rows_module, "read_file", lambda root, path, data=None: read.append(path) or real(root, path, data))
    with open(three_files / "b.yaml", "a") as fh:
        fh.write(item("b2"))
    stats = ledger.refresh()
    assert (stats.read, stats.removed) == (1, 0)
    assert read == ["b.yaml"]
    assert ids(ledger) == ["a1", "a2", "b1", "b2"]


def test_an_edit_that_keeps_the_size_is_seen(three_files):
    ledger = Ledger.open(three_files)
    ledger.refresh()
    path = three_files / "a.yaml"
    text = path.read_text()
    st = os.stat(path)
    path.write_text(text.replace("a2", "a3"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1))  # even a clock tick is enough
    assert ledger.refresh().read == 1
    assert ids(ledger) == ["a1", "a3", "b1"]


def test_deleting_a_file_removes_its_rows(three_files):
    ledger = Ledger.open(three_files)
    ledger.refresh()
    (three_files / "a.yaml").unlink()
    stats = ledger.refresh()
    assert (stats.files, stats.read, stats.removed) == (2, 0, 1)
    assert ids(ledger) == ["b1"]
    # a1's outcome is still indexed: it now points at an unknown prediction.
    assert [p.render() for p in ledger.problems()] == [
        "outcomes/o.yaml:4:3: outcome for unknown prediction 'a1'; check the id (`pledger list` shows them)"
    ]


@pytest.mark.own_index  # the index file
def test_deleting_the_index_loses_nothing(cli, tmp_path):
    root = tmp_path / "predictions"
    shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
    before = cli("--root", root, "list", "--json")
    shown = cli("--root", root, "show", "rg25-sae-beats-probe", "--json")
    assert before.code == 0 and json.loads(before.out)["count"] > 0
    shutil.rmtree(root / ".pledger")
    after = cli("--root", root, "list", "--json")
    assert after.out == before.out
    assert cli("--root", root, "show", "rg25-sae-beats-probe", "--json").out == shown.out
    assert (root / ".pledger" / "index.sqlite").exists()


@pytest.mark.own_index  # the index file
def test_a_damaged_index_is_rebuilt(cli, three_files):
    first = cli("--root", three_files, "list", "--json")
    index = three_files / ".pledger" / "index.sqlite"
    for suffix in ("-wal", "-shm"):
        (three_files / ".pledger" / f"index.sqlite{suffix}").unlink(missing_ok=True)
    index.write_bytes(b"this is not a database\n" * 100)
    again = cli("--root", three_files, "list", "--json")
    assert (again.code, again.out, again.err) == (0, first.out, "")


def test_an_index_from_another_schema_version_is_rebuilt(three_files, monkeypatch):
    ledger = Ledger.open(three_files)
    ledger.refresh()
    monkeypatch.setattr(server, "INDEX_FORMAT", "older")
    stats = ledger.refresh()
    assert stats.read == 3 and ids(ledger) == ["a1", "a2", "b1"]


def test_a_new_pledger_version_rebuilds_the_index(three_files, monkeypatch):
    # Problem messages live in the index: a new version must not show stale ones.
    ledger = Ledger.open(three_files)
    ledger.refresh()
    assert ledger.refresh().read == 0
    monkeypatch.setattr(server, "INDEX_FORMAT", refresh_module.SCHEMA_VERSION + "/9.9.9")
    assert ledger.refresh().read == 3


def test_database_url_from_the_environment(three_files, tmp_path, monkeypatch, cli):
    other = tmp_path / "elsewhere" / "team.sqlite"
    other.parent.mkdir()
    monkeypatch.setenv("PLEDGER_DATABASE_URL", f"sqlite:///{other}")
    result = cli("--root", three_files, "list", "--json")
    assert result.code == 0 and json.loads(result.out)["count"] == 3
    assert other.exists() and other.stat().st_size > 0
    assert not (three_files / ".pledger" / "index.sqlite").exists()
    ledger = Ledger.open(three_files)
    assert ledger.refresh().read == 0  # the same database, already up to date
    assert ids(ledger) == ["a1", "a2", "b1"]


def test_an_unusable_database_url_is_a_clean_error(three_files, tmp_path, monkeypatch, cli):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all\n" * 100)
    monkeypatch.setenv("PLEDGER_DATABASE_URL", f"sqlite:///{junk}")
    result = cli("--root", three_files, "list")
    assert result.code == 1
    assert result.err.startswith("pledger: error: cannot open PLEDGER_DATABASE_URL=") and "not a database" in result.err
    assert junk.read_bytes() == b"not sqlite at all\n" * 100  # never deleted: it is not ours


def test_package_version_matches_the_distribution():
    # The index is rebuilt when the version changes, so the two must agree.
    from importlib.metadata import version

    from ledger.version import __version__

    assert version("prediction-ledger") == __version__


@pytest.mark.own_index  # reads the SQLite index file itself
def test_a_cold_build_leaves_the_index_in_wal_mode(three_files):
    """A cold build writes with a rollback journal (index.refresh._journal), then the index is WAL again."""
    import sqlite3

    ledger = Ledger.open(three_files)
    ledger.refresh()
    ledger.close()
    con = sqlite3.connect(three_files / ".pledger" / "index.sqlite")
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 3
    finally:
        con.close()
