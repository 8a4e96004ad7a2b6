"""Tables on narrow terminals: ids and numbers are never cut or squeezed away,
headers are whole, and the long text (claims, quotes) takes the wrap."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from rich.cells import cell_len

from support import EXAMPLE_LEDGER


@pytest.fixture
def bundled(tmp_path):
    root = tmp_path / "predictions"
    shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
    return root


def _run(cli, monkeypatch, width, *args, ellipsis_ok=False):
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli(*args)
    assert result.code == 0, result.err
    for line in result.out.splitlines():
        assert cell_len(line) <= width, line
    assert ellipsis_ok or "…" not in result.out
    return result.out


def _tokens(out: str) -> set[str]:
    return {tok.strip("│┃") for line in out.splitlines() for tok in line.split()} | {
        tok.strip("│┃").rstrip(",;") for line in out.splitlines() for tok in line.split()}


WIDTHS = [80, 60]


@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_every_id_whole(cli, monkeypatch, bundled, width):
    data = json.loads(cli("--root", bundled, "list", "--json").out)
    out = _run(cli, monkeypatch, width, "--root", bundled, "list")
    ids = [p["id"] for p in data["predictions"]]
    assert max(map(len, ids)) > 20  # long ids, cut before
    assert set(ids) <= _tokens(out)
    for p in data["predictions"]:  # the points are all there
        if p["points"] is not None:
            assert f"{p['points']:+.2f}" in out


@pytest.mark.parametrize("width", [36, 40])
def test_list_on_a_phone_wide_terminal_wraps_no_line_and_keeps_every_figure(cli, monkeypatch, bundled, width):
    # Too narrow for the table: a stacked listing, an id too long to share its line with the figures on its own.
    data = json.loads(cli("--root", bundled, "list", "--json").out)
    out = _run(cli, monkeypatch, width, "--root", bundled, "list")
    lines = out.splitlines()
    for p in data["predictions"]:
        (at,) = [i for i, line in enumerate(lines) if line.split() and line.split()[0] == p["id"]]
        figures = lines[at] if len(lines[at].split()) > 1 else lines[at + 1]  # beside the id, or under it
        if p["points"] is not None:
            assert figures.rstrip().endswith(f"{p['points']:+.2f}"), (p["id"], figures)
    assert any(len(line.split()) == 1 and line.split()[0] == "cherry-picked-diagnostic" for line in lines)


def test_list_keeps_an_id_wider_than_the_terminal_on_one_line(cli, monkeypatch, bundled):
    # Ids are never cut or wrapped: one wider than the terminal goes out whole (the terminal folds it),
    # not broken at a hyphen onto two lines that a copy would keep.
    long_id = "a-prediction-id-that-is-wider-than-a-forty-column-phone-terminal"
    assert cli("--root", bundled, "add", "It rains", "-p", "30%", "--id", long_id).code == 0
    monkeypatch.setenv("COLUMNS", "40")
    result = cli("--root", bundled, "list")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    (at,) = [i for i, line in enumerate(lines) if long_id in line]
    assert lines[at] == long_id and lines[at + 1].split() == ["30%", "⏳", "open"]
    assert all(cell_len(line) <= 40 for line in lines if line != long_id)


@pytest.mark.parametrize("width", WIDTHS)
def test_claim_list_keeps_ids_whole_and_quotes_readable(cli, monkeypatch, bundled, width):
    data = json.loads(cli("--root", bundled, "claim", "list", "--json").out)
    out = _run(cli, monkeypatch, width, "--root", bundled, "claim", "list", ellipsis_ok=True)  # quotes: 120 chars
    assert {c["id"] for c in data["claims"]} <= _tokens(out)
    # The quote is not squeezed into a 6-character column: its opening words share a line.
    assert "Eight months ago, we demonstrated" in out
    assert "Sparse autoencoders produce interpretable" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_leaderboard_keeps_rank_n_and_headers(cli, monkeypatch, bundled, width):
    args = ("--root", bundled, "score", "--set", "reading-group-2025", "--by-forecaster")
    board = json.loads(cli(*args, "--json").out)["leaderboard"]
    out = _run(cli, monkeypatch, width, *args)
    for word in ("forecaster", "peers", "relative", "score", "(nats)"):
        assert word in _tokens(out)
    lines = out.splitlines()
    rank = 0
    for row in board["rows"]:
        rank += row["ranked"]
        line = next(line for line in lines if row["forecaster"] in line.replace(":", " ").split())
        cells = [c.rstrip(":,") for c in line.replace("│", " ").split()]
        assert cells[:3] == [str(rank) if row["ranked"] else "—", row["forecaster"], str(row["n"])]
        assert f"{row['brier']:.4f}" in cells and f"{row['peer_score']:+.1f}" in cells


@pytest.mark.parametrize("width", WIDTHS)
def test_calibration_table_keeps_every_column(cli, monkeypatch, bundled, width):
    out = _run(cli, monkeypatch, width, "--root", bundled, "score", "--set", "anthropic-sae-2024", "--bins", "uniform")
    assert "[0.9, 1]" in out and "0.00–0.57" in out and "-0.050" in out


def test_list_piped_keeps_ids_whole(bundled):
    # Piped output is the tab-separated form (tests/test_piped_output.py): ids whole, one a line.
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "PLEDGER_FORCE_TTY")}
    proc = subprocess.run([sys.executable, "-m", "ledger", "--root", str(bundled), "list"], env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    ids = [line.split("\t")[0] for line in proc.stdout.splitlines()[1:]]
    assert "streetlight-edits" in ids and "latent-adversarial-training" in ids
    assert "…" not in proc.stdout


def _joined(out: str) -> str:
    """The output with line breaks and the table borders taken out: text folded over lines reads whole."""
    return "".join(line.replace("│", "").replace(" ", "") for line in out.splitlines())


@pytest.mark.parametrize("width", [80, 60, 40])
def test_show_keeps_dates_numbers_and_file_paths_whole(cli, monkeypatch, bundled, width):
    for pid in ("eye-test", "rg25-sae-beats-probe", "rg25-workshop"):
        data = json.loads(cli("--root", bundled, "show", pid, "--json").out)
        out = _run(cli, monkeypatch, width, "--root", bundled, "show", pid)
        tokens = _tokens(out)
        for f in data["forecast_history"]:
            assert f["at"] in tokens and f["p_typed"] in tokens, (f, out)
            assert f"{f['file']}:{f['line']}" in tokens, out
            if f["note"]:  # wrapped, in a table column or below the forecast
                assert set(f["note"].split()) <= tokens, out
        for o in data["outcome_history"]:
            assert o["on"] in tokens and o["result"] in tokens, out
            where = f"{o['file']}:{o['line']}"
            # Where the outcome is written: whole on a line when the line has room for it.
            assert where in tokens if len(where) + 4 <= width else where in _joined(out), out
            for e in o["evidence"]:
                assert e["url"] in _joined(out), out
            if o["note"]:
                assert set(o["note"].split()) <= tokens, out


def test_show_on_a_very_narrow_terminal_still_shows_every_record(cli, monkeypatch, bundled):
    monkeypatch.setenv("COLUMNS", "20")
    out = cli("--root", bundled, "show", "rg25-sae-beats-probe").out
    assert "…" not in out
    for day in ("2025-01-06", "2025-01-07", "2025-06-15", "2026-01-05"):
        assert day in _tokens(out)
    assert "Ada" in _tokens(out) and "Chen" in _tokens(out)


def _logical_lines(out: str) -> list[str]:
    """A line and the lines that hang under it (indented deeper than it), joined: what was one line."""
    joined: list[tuple[int, str]] = []
    for line in out.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if joined and line.strip() and indent > joined[-1][0] + 2:
            joined[-1] = (joined[-1][0], joined[-1][1] + " " + line.strip())
        else:
            joined.append((indent, line))
    return [" ".join(text.split()) for _, text in joined]


@pytest.mark.parametrize("width", [36, 40, 60])
def test_score_lines_hang_under_their_start_and_keep_each_figure_with_its_n(cli, monkeypatch, bundled, width):
    def before_the_tables(out: str) -> str:
        return out.split("Calibration (n=")[0]

    wide = before_the_tables(_run(cli, monkeypatch, 200, "--root", bundled, "score"))
    narrow = before_the_tables(_run(cli, monkeypatch, width, "--root", bundled, "score"))
    assert len(narrow.splitlines()) > len(wide.splitlines())  # it was wrapped
    # Nothing lost or reordered: each wrapped line reads as the wide one did, its spacing aside.
    assert _logical_lines(narrow) == [" ".join(line.split()) for line in wide.splitlines()]
    # Every continuation hangs: none starts back at the margin.
    starts = {line.split()[0] for line in wide.splitlines() if line.strip() and not line.startswith(" ")}
    assert all(line.startswith(" ") or line.split()[0] in starts for line in narrow.splitlines() if line.strip())
    # A figure, its value and its n stay on one line.
    figures = [line for line in wide.splitlines() if line.startswith("  ") and "  n=" in line and "interval" in line]
    assert len(figures) >= 2
    for line in figures:
        head = " ".join(line.split("  n=")[0].split()) + " n=" + line.split("  n=")[1].split()[0]
        label, value = head.rsplit(" n=")[0].rsplit(" ", 1)
        assert any(label in l and value in l and "n=" in l for l in narrow.splitlines()), (label, value)
