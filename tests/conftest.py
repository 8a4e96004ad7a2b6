"""Fixtures for the ledger tests: small ledgers on disk and the CLI in process.

Every test runs with a fixed "today" and forecaster and without PLEDGER_ROOT or
PLEDGER_DATABASE_URL, so no test reads or writes a real user's ledger. Output
takes the terminal form (PLEDGER_FORCE_TTY=1: tables fitted to COLUMNS) though
captured; tests of the piped form unset it (tests/test_piped_output.py).
Helpers to import by name (write_files, snapshot, run_pledger, ...) are in support.py.

Where the index lives. With PLEDGER_TEST_POSTGRES set to a PostgreSQL server's
URL (.ci/run starts one: .ci/postgres), every test's index is on that server,
in schemas of its own (PLEDGER_DATABASE_URL with a `pledger_prefix` per test,
dropped afterwards); without it, in each ledger's own SQLite file. CI runs the
suite both ways. Tests of the SQLite file itself are marked `own_index` and run
in the SQLite pass only; tests marked `postgres` need the server (and run in
both passes when it is there).
"""

from __future__ import annotations

import itertools
import os
import shutil

import pytest

from support import BY, EXAMPLE_LEDGER, TODAY, CliResult, identify, server_url, write_files

_TEST_NUMBER = itertools.count(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "own_index: tests the ledger's own SQLite index file (the SQLite pass only)")
    config.addinivalue_line("markers", "postgres: needs a PostgreSQL server (PLEDGER_TEST_POSTGRES)")


def pytest_collection_modifyitems(config, items):
    on_server = bool(os.environ.get("PLEDGER_TEST_POSTGRES"))
    for item in items:
        if on_server and item.get_closest_marker("own_index"):
            item.add_marker(pytest.mark.skip(reason="tests the ledger's own SQLite index: run in the SQLite pass"))
        if not on_server and item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason="needs a PostgreSQL server: set PLEDGER_TEST_POSTGRES (.ci/run does)"))


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, request):
    monkeypatch.setenv("PLEDGER_TODAY", TODAY)
    monkeypatch.setenv("PLEDGER_BY", BY)
    monkeypatch.setenv("PLEDGER_FORCE_TTY", "1")
    for name in ("PLEDGER_ROOT", "PLEDGER_DATABASE_URL", "PLEDGER_DEBUG", "PLEDGER_READ_ONLY"):
        monkeypatch.delenv(name, raising=False)
    server = os.environ.get("PLEDGER_TEST_POSTGRES")
    if not server or request.node.get_closest_marker("own_index"):
        yield
        return
    prefix = f"t{os.getpid() % 100_000}_{next(_TEST_NUMBER)}"
    monkeypatch.setenv("PLEDGER_DATABASE_URL", server_url(server, prefix))
    yield
    _drop_schemas(server, prefix)


def _drop_schemas(server: str, prefix: str) -> None:
    """Drop the schemas a test's ledgers made (a connection a test left in a transaction is not waited for)."""
    import psycopg

    from ledger.index.target import target_for

    with psycopg.connect(target_for(server).libpq(), autocommit=True) as conn:
        conn.execute("SET lock_timeout = '2s'")
        like = prefix.replace("_", "\\_") + "\\_%"
        for (schema,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (like,)).fetchall():
            try:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            except psycopg.errors.LockNotAvailable:
                pass


@pytest.fixture
def make_ledger(tmp_path):
    """make_ledger({"a.yaml": "..."}, name="ledger") -> the root folder, with those files in it
    and an identity (.pledger-id, as `pledger init` makes: a shared index needs one)."""

    def make(files: dict[str, str | bytes] | None = None, name: str = "ledger"):
        return identify(write_files(tmp_path / name, files or {}))

    return make


@pytest.fixture
def bundled(tmp_path):
    """A copy of the example ledger (predictions/, its identity too) without its index, so a test may write to it."""
    root = tmp_path / "predictions"
    shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
    return root


@pytest.fixture
def cli(capsys, monkeypatch):
    """cli("--root", root, "list") runs `pledger` in process through ledger.cli.main.

    main() is the real entry point: it maps LedgerError to exit 1 and UsageError
    to exit 2 (typer's CliRunner on the bare app would bypass that mapping).
    """
    from ledger.cli import main

    monkeypatch.setenv("COLUMNS", "200")  # rich tables: no wrapping, stable output

    def run(*args) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
