"""Helpers the ledger tests import by name (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_LEDGER = REPO / "predictions"
TODAY = "2026-11-23"
BY = "tester"


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text} under root; text is dedented and loses one leading newline."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8", newline="")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root except the index folder, as bytes: to prove a command wrote nothing."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(".pledger/"):
            out[rel] = path.read_bytes()
    return out


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_pledger(*args: str, cwd: Path | None = None, timeout: float = 60) -> CliResult:
    """`python -m ledger ARGS` in a real subprocess, with this test's environment."""
    env = dict(os.environ, COLUMNS="200", PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "ledger", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def assert_clean_error(result: CliResult, code: int, *fragments: str) -> None:
    """A failed command: the exit code, a `pledger: error:` message holding fragments, no traceback."""
    assert result.code == code, (result.code, result.out, result.err)
    assert "Traceback" not in result.err and "Traceback" not in result.out
    assert result.err.startswith("pledger: error: "), result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)
