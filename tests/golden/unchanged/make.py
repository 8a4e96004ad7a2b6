"""Write the expected outputs of commands.txt (run from a checkout whose outputs are the reference).

    python tests/golden/unchanged/make.py

Regenerate only when an output is meant to change, and say why in the commit.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
LEDGERS = {"bundled": REPO / "predictions", "binary-mix": REPO / "tests" / "fixtures" / "ledgers" / "binary-mix"}
ENV = {"PLEDGER_TODAY": "2026-11-23", "PLEDGER_BY": "tester", "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}


def commands() -> list[tuple[str, list[str]]]:
    out = []
    for line in (HERE / "commands.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, *args = shlex.split(line)
            out.append((name, args))
    return out


def golden_name(i: int, name: str, args: list[str]) -> str:
    return f"{i:02d}-{name}-{'-'.join(a.strip('-').replace('/', '_') for a in args)[:60]}.txt"


def run(name: str, args: list[str], python: str = sys.executable) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ledger"
        shutil.copytree(LEDGERS[name], root, ignore=shutil.ignore_patterns(".pledger"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGER_")} | ENV
        proc = subprocess.run([python, "-m", "ledger", "--root", "ledger", *args], cwd=tmp, env=env,
                              capture_output=True, text=True, encoding="utf-8")
        return f"exit: {proc.returncode}\n{proc.stdout}"


if __name__ == "__main__":
    python = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    for i, (name, args) in enumerate(commands()):
        (HERE / golden_name(i, name, args)).write_text(run(name, args, python), encoding="utf-8")
