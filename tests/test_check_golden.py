"""`pledger check` output, byte for byte, against golden files.

The ledger under tests/golden/problems/ has one or more of each common mistake.
To regenerate the goldens after an intended change of wording, run

    PLEDGER_UPDATE_GOLDEN=1 /work/venv/bin/pytest tests/test_check_golden.py

and review the diff of tests/golden/*.txt before committing it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from support import EXAMPLE_LEDGER, identify

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("PLEDGER_UPDATE_GOLDEN"))


def transcript(args: list[str], result) -> str:
    return f"$ pledger {' '.join(args)}\nexit: {result.code}\n--- stdout\n{result.out}--- stderr\n{result.err}"


def compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8", newline="")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs; if the change is intended, regenerate with PLEDGER_UPDATE_GOLDEN=1"


@pytest.fixture
def problem_ledger(tmp_path, monkeypatch):
    # A copy, so the index `check` builds never lands in the repository; cwd is its
    # parent so the paths printed are `ledger/...` on every machine.
    identify(shutil.copytree(GOLDEN / "problems", tmp_path / "ledger"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "ledger"


def test_check_reports_every_problem_in_the_golden_format(cli, problem_ledger):
    args = ["--root", "ledger", "check"]
    result = cli(*args)
    compare("check-problems.txt", transcript(args, result))
    assert result.code == 1
    # Every problem line is path:line:col: message, sorted by file then position (after the files left out as a
    # whole: broken.yaml, first either way; test_files_left_out_as_a_whole_come_first_then_file_and_line).
    lines = result.out.splitlines()
    keys = []
    for line in lines:
        path, row, col, message = line.split(":", 3)
        assert path.startswith("ledger/") and row.isdigit() and col.isdigit() and message.startswith(" ")
        keys.append((path, int(row), int(col)))
    assert keys == sorted(keys)
    assert result.err == f"{len(lines)} problems in 6 files, 3 predictions, 5 forecasts, 3 outcome entries\n"


def test_check_json_matches_its_golden(cli, problem_ledger):
    args = ["--root", "ledger", "check", "--json"]
    result = cli(*args)
    compare("check-problems.json.txt", transcript(args, result))
    data = json.loads(result.out)
    assert data["ok"] is False and result.code == 1
    assert set(data) == {"ok", "files", "predictions", "forecasts", "outcomes", "claims", "assessments", "sources", "problems"}
    assert all(set(p) == {"path", "line", "column", "code", "message"} for p in data["problems"])
    text = cli("--root", "ledger", "check").out.splitlines()
    # Paths in messages take the form of the prefix: ledger-relative here, from the cwd in text.
    in_text = [re.sub(r" at (\S+\.yaml:\d+);", r" at ledger/\1;", p["message"]) for p in data["problems"]]
    assert [f"ledger/{p['path']}:{p['line']}:{p['column']}: {m}" for p, m in zip(data["problems"], in_text)] == text
    assert "already used at group.yaml:5;" in result.out


def test_check_is_the_same_on_a_second_run_from_the_index(cli, problem_ledger):
    first = cli("--root", "ledger", "check")
    second = cli("--root", "ledger", "check")
    assert (second.code, second.out, second.err) == (first.code, first.out, first.err)


def test_the_bundled_ledger_is_clean(cli, tmp_path, monkeypatch):
    shutil.copytree(EXAMPLE_LEDGER, tmp_path / "predictions", ignore=shutil.ignore_patterns(".pledger"))
    monkeypatch.chdir(tmp_path)
    result = cli("check")  # ./predictions is the default root
    files = sorted(p.relative_to(tmp_path / "predictions") for p in (tmp_path / "predictions").rglob("*.yaml"))
    assert result.code == 0, result
    assert result.err == ""
    assert result.out.startswith(f"ok: {len(files)} files, ")
    # It keeps claims too, so they are counted.
    assert re.search(r" outcome entries, \d+ claims, \d+ assessments, \d+ sources?, no problems\n$", result.out)
    assert result.out.count("\n") == 1


# Files with ordinary problems around files left out as a whole (a YAML syntax error, a key twice, a file of
# no ledger kind, bytes that are not UTF-8), and a file whose header has a problem (read, not left out).
ORDINARY_A = "set: a\npredictions:\n  - id: a1\n    claim: A\n    p: 1.5\n    by: me\n    made: 2025-01-01\n" \
             "  - id: a2\n    claim: A2\n    p: 0.5\n    by: me\n    made: 2025-01-01\n    due: 2024-01-01\n"
ORDINARY_Z = "set: z\npredictions:\n  - id: z1\n    claim: Z\n    p: 0.5\n    by: me\n    made: 2025-01-01\n    due: 2024-01-01\n"
BROKEN_M = "set: m\npredictions:\n  - id: m1\n    claim: \"M\n    p: 0.5\n"
LEFT_OUT = {
    "b.yaml": "set: b\npredictions:\n  - id: b1\n    claim: B\n    p: 0.5\n    p: 0.6\n",  # a key twice
    "conf.yaml": "hello: 1\n",
    "sub/bytes.yaml": b"set: s\npredictions: []\nnote: \xff\n",
}
HEADER = "set: h\nmade: soon\npredictions:\n  - id: h1\n    claim: H\n    p: 0.5\n    by: me\n"


def _check_lines(cli, root) -> list[str]:
    result = cli("--root", root, "check")
    assert result.code == 1
    return [line.removeprefix(f"{root}/") for line in result.out.splitlines()]


def _where(lines: list[str]) -> list[str]:
    return [":".join(line.split(":")[:3]) for line in lines]


def test_a_yaml_failure_comes_before_the_ordinary_problems_in_text_and_json(cli, make_ledger):
    root = make_ledger({"a.yaml": ORDINARY_A, "m.yaml": BROKEN_M, "z.yaml": ORDINARY_Z})
    lines = _check_lines(cli, root)
    assert _where(lines) == ["m.yaml:6:1", "a.yaml:5:8", "a.yaml:8:5", "z.yaml:3:5"]
    assert "malformed YAML" in lines[0]
    data = json.loads(cli("--root", root, "check", "--json").out)
    assert [f"{p['path']}:{p['line']}:{p['column']}" for p in data["problems"]] == _where(lines)


def test_files_left_out_as_a_whole_come_first_then_file_and_line(cli, make_ledger):
    root = make_ledger({"a.yaml": ORDINARY_A, "m.yaml": BROKEN_M, "z.yaml": ORDINARY_Z, "h.yaml": HEADER, **LEFT_OUT})
    lines = _check_lines(cli, root)
    # The left-out files by path, each with its one problem; then every other problem by file and line.
    assert [w.split(":")[0] for w in _where(lines)] == [
        "b.yaml", "conf.yaml", "m.yaml", "sub/bytes.yaml", "a.yaml", "a.yaml", "h.yaml", "z.yaml"]
    from ledger.services.ledger import Ledger

    assert [p.render() for p in Ledger.open(root).problems()] == lines  # the library's list is check's


def test_the_order_follows_a_file_breaking_and_being_fixed(cli, make_ledger):
    # One rule, on a cold build and on each refresh: the file moves to the front when it fails, and back when fixed.
    root = make_ledger({"a.yaml": ORDINARY_A, "m.yaml": ORDINARY_Z.replace("z", "m"), "z.yaml": ORDINARY_Z})
    in_path_order = ["a.yaml:5:8", "a.yaml:8:5", "m.yaml:3:5", "z.yaml:3:5"]
    assert _where(_check_lines(cli, root)) == in_path_order
    (root / "m.yaml").write_text(BROKEN_M, encoding="utf-8")
    assert _where(_check_lines(cli, root)) == ["m.yaml:6:1", "a.yaml:5:8", "a.yaml:8:5", "z.yaml:3:5"]
    (root / "m.yaml").write_text(ORDINARY_Z.replace("z", "m"), encoding="utf-8")
    assert _where(_check_lines(cli, root)) == in_path_order
