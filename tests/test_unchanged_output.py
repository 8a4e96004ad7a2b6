"""What the ledger printed before question kinds came, it prints still: every figure, key and byte.

tests/golden/unchanged/ holds the output of each command in commands.txt, written by
make.py from the code as it was before multiple-choice and numeric questions (and
regenerated only when an output is meant to change). A yes/no ledger must not notice
that other kinds exist.
"""

from __future__ import annotations

import shutil

import pytest

from golden.unchanged.make import HERE, LEDGERS, commands, golden_name
from support import identify

CASES = [(i, name, args) for i, (name, args) in enumerate(commands())]


@pytest.mark.parametrize("i,name,args", CASES, ids=[golden_name(*c)[:-4] for c in CASES])
def test_output_is_unchanged(i, name, args, cli, tmp_path, monkeypatch):
    root = tmp_path / "ledger"
    identify(shutil.copytree(LEDGERS[name], root, ignore=shutil.ignore_patterns(".pledger")))
    monkeypatch.chdir(tmp_path)
    result = cli("--root", "ledger", *args)
    expected = (HERE / golden_name(i, name, args)).read_text(encoding="utf-8")
    assert f"exit: {result.code}\n{result.out}" == expected
