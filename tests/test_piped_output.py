"""Piped output (issue 13, "The everyday CLI"): no wrapping, one record a line.

With standard output not a terminal every table is tab-separated: a header line
that stays the same whatever the data or width, then one record a line. Prose
lines are printed whole. The tests here unset PLEDGER_FORCE_TTY, which the other
tests set to see the terminal form (conftest.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from support import TODAY, identify, write_files

LONG = "A claim long enough that an 80-column terminal would have to wrap it, well past the eightieth column, twice over"


@pytest.fixture(autouse=True)
def _piped(monkeypatch):
    monkeypatch.delenv("PLEDGER_FORCE_TTY", raising=False)
    monkeypatch.setenv("COLUMNS", "80")  # a width, to show it is not used for piped output


def _rows(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines()]


def test_list_piped_is_a_header_and_one_line_per_prediction_with_its_claim(cli, bundled):
    data = json.loads(cli("--root", bundled, "list", "--json").out)["predictions"]
    result = cli("--root", bundled, "list")
    rows = _rows(result.out)
    assert rows[0] == ["id", "p", "outcome", "points", "made", "due", "by", "set", "claim"]
    assert [r[0] for r in rows[1:]] == [p["id"] for p in data]
    assert all(len(r) == 9 for r in rows)
    for row, p in zip(rows[1:], data):
        assert row[8] == p["claim"] and row[4] == p["made"] and row[6] == p["by"]
        assert row[3] == ("" if p["points"] is None else f"{p['points']:+.2f}")
    # `pledger list | grep lora` finds the id with its claim on the same line.
    assert [line.split("\t")[0] for line in result.out.splitlines() if "LoRA" in line] == ["peft-beats-lora"]
    assert result.err.startswith("17 predictions; 14 resolved yes/no, points")  # the summary is not a record


def test_list_piped_keeps_its_columns_when_nothing_matches(cli, bundled):
    result = cli("--root", bundled, "list", "--set", "nope")
    assert result.out == "id\tp\toutcome\tpoints\tmade\tdue\tby\tset\tclaim\n"
    assert result.err.startswith("pledger: no predictions match --set nope")


def test_piped_output_is_never_wrapped_at_80_columns(cli, make_ledger):
    root = make_ledger({"a.yaml": f"by: ada\nmade: 2025-01-01\npredictions:\n  - id: long\n    claim: {LONG}\n"
                                  "    p: 0.2\n    note: \"two\\nlines\\tand a tab\"\n"})
    rows = _rows(cli("--root", root, "list").out)
    assert rows[1][0] == "long" and rows[1][-1] == LONG
    shown = dict(_rows(cli("--root", root, "show", "long").out.split("\n\n")[0]))
    assert shown["claim"] == LONG and shown["note"] == "two\\nlines\\tand a tab"  # breaks and tabs escaped


def test_show_piped_is_fields_then_the_two_histories_as_tables(cli, bundled):
    data = json.loads(cli("--root", bundled, "show", "rg25-sae-beats-probe", "--json").out)
    fields, forecasts, outcomes = cli("--root", bundled, "show", "rg25-sae-beats-probe").out.rstrip("\n").split("\n\n")
    assert dict(_rows(fields))["claim"] == data["claim"]
    assert dict(_rows(fields))["status"] == data["outcome"]["result"]  # as list's outcome column
    f_rows = _rows(forecasts)
    assert f_rows[:2] == [["forecasts"], ["at", "by", "p", "published", "note", "where"]]
    assert [(r[0], r[1], r[2]) for r in f_rows[2:]] == [(f["at"], f["by"], f["p_typed"]) for f in data["forecast_history"]]
    o_rows = _rows(outcomes)
    assert o_rows[1] == ["on", "result", "correction", "by", "evidence", "note", "where"]
    assert [r[6] for r in o_rows[2:]] == [f"{o['file']}:{o['line']}" for o in data["outcome_history"]]


def test_due_piped_has_the_due_date_and_days_overdue(cli, bundled):
    rows = _rows(cli("--root", bundled, "due", "--within", "60w").out)
    assert rows[0] == ["id", "due", "days_overdue", "p", "by", "set", "claim"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [("rg25-replication", "2026-06-30", "146"),
                                                       ("rg25-textbook", "2027-12-31", "-403")]


def test_claim_list_piped_is_one_line_per_claim(cli, bundled):
    data = json.loads(cli("--root", bundled, "claim", "list", "--json").out)["claims"]
    result = cli("--root", bundled, "claim", "list")
    rows = _rows(result.out)
    assert rows[0] == ["id", "verdict", "since", "tested", "claimant", "source", "quote"]
    assert [(r[0], r[1], r[-1]) for r in rows[1:]] == [(c["id"], c["verdict"], c["quote"]) for c in data]
    assert result.err == f"{len(data)} claims\n"


def test_claim_show_piped_lists_assessments_and_tests(cli, bundled):
    out = cli("--root", bundled, "claim", "show", "sae-interpretable-large-models").out
    fields, assessments, tests = out.rstrip("\n").split("\n\n")
    assert dict(_rows(fields))["verdict"] == "overstated"
    assert _rows(tests)[2:] == [["eye-test", "0.99", "Stephen Casper", "yes", "+0.01", _rows(tests)[2][5]],
                                ["arbitrary-edits", "0.05", "Stephen Casper", "no", "-0.05", _rows(tests)[3][5]]]
    assert len(_rows(assessments)) == 2 + 3  # title, header, one line per piece of evidence


def test_score_piped_keeps_each_figure_on_its_line_and_tables_tab_separated(cli, bundled):
    out = cli("--root", bundled, "score", "--set", "anthropic-sae-2024").out
    brier = next(line for line in out.splitlines() if line.strip().startswith("Brier (0-1)"))
    assert "90% interval 0.0113–0.0330  lower is better" in brier  # before: split after "interval"
    lines = out.splitlines()
    start = lines.index("Calibration (n=10)")
    assert lines[start + 1] == "p\tn\thits\tmean p\tobserved\t90% Wilson\tover/under"
    assert lines[start + 2].split("\t") == ["0.05", "2", "0", "0.050", "0.000", "0.00–0.57", "-0.050"]
    assert all("\t" in line for line in lines[start + 1:start + 10])


def test_leaderboard_piped_is_tab_separated(cli, bundled):
    args = ("--root", bundled, "score", "--set", "reading-group-2025", "--by-forecaster")
    board = json.loads(cli(*args, "--json").out)["leaderboard"]
    lines = cli(*args).out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Leaderboard: "))
    assert lines[start + 1].split("\t")[:4] == ["#", "forecaster", "n", "n with peers"]
    assert [line.split("\t")[1] for line in lines[start + 2:start + 2 + len(board["rows"])]] == [
        r["forecaster"] for r in board["rows"]]


def test_check_piped_is_one_problem_a_line_however_long(cli, make_ledger):
    root = make_ledger({"a.yaml": "by: ada\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: c\n    p: 0.5\n"
                                  "    a-very-long-unknown-key-name-that-makes-the-message-long: 1\n"})
    result = cli("--root", root, "check")
    assert len(result.out.splitlines()) == 1 and len(result.out) > 200


def test_the_terminal_form_can_be_forced_when_piped(cli, bundled, monkeypatch):
    monkeypatch.setenv("PLEDGER_FORCE_TTY", "1")
    out = cli("--root", bundled, "list").out
    assert "┃ id" in out and "\t" not in out
    monkeypatch.setenv("PLEDGER_FORCE_TTY", "0")
    assert "\t" in cli("--root", bundled, "list").out


def test_pledger_score_piped_through_a_real_pipe_is_not_wrapped(bundled):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "PLEDGER_FORCE_TTY")}
    env["PLEDGER_TODAY"] = TODAY
    proc = subprocess.run([sys.executable, "-m", "ledger", "--root", str(bundled), "score"], env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert any("90% interval" in line and "lower is better" in line for line in proc.stdout.splitlines())
    assert max(len(line) for line in proc.stdout.splitlines()) > 80


def test_piped_rows_stay_one_line_when_a_claim_spans_lines(cli, tmp_path):
    root = identify(write_files(tmp_path / "l", {"a.yaml": "by: ada\nmade: 2025-01-01\npredictions:\n  - id: a\n"
                                                  "    claim: |\n      first line\n      second line\n    p: 0.5\n"}))
    rows = _rows(cli("--root", root, "list").out)
    assert len(rows) == 2 and rows[1][-1] == "first line\\nsecond line\\n"
