"""Fixtures for the ledger tests: small ledgers on disk and the CLI in process.

Every test runs with a fixed "today" and forecaster and without PLEDGER_ROOT or
PLEDGER_DATABASE_URL, so no test reads or writes a real user's ledger. Output
takes the terminal form (PLEDGER_FORCE_TTY=1: tables fitted to COLUMNS) though
captured; tests of the piped form unset it (tests/test_piped_output.py).
Helpers to import by name (write_files, snapshot, run_pledger, ...) are in support.py.
"""

from __future__ import annotations

import shutil

import pytest

from support import BY, EXAMPLE_LEDGER, TODAY, CliResult, write_files


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
    monkeypatch.setenv("PLEDGER_TODAY", TODAY)
    monkeypatch.setenv("PLEDGER_BY", BY)
    monkeypatch.setenv("PLEDGER_FORCE_TTY", "1")
    for name in ("PLEDGER_ROOT", "PLEDGER_DATABASE_URL", "PLEDGER_DEBUG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make_ledger(tmp_path):
    """make_ledger({"a.yaml": "..."}, name="ledger") -> the root folder, with those files in it."""

    def make(files: dict[str, str | bytes] | None = None, name: str = "ledger"):
        return write_files(tmp_path / name, files or {})

    return make


@pytest.fixture
def bundled(tmp_path):
    """A copy of the example ledger (predictions/) without its index, so a test may write to it."""
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
