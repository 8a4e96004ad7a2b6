"""`pledger score --chart`: the calibration chart in the terminal."""

from __future__ import annotations

import shutil

from support import EXAMPLE_LEDGER


def test_score_chart_draws_one_row_per_bin_against_the_diagonal(cli, tmp_path):
    root = tmp_path / "predictions"
    shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
    plain = cli("--root", root, "score", "--set", "anthropic-sae-2024")
    assert "Calibration chart" not in plain.out
    r = cli("--root", root, "score", "--set", "anthropic-sae-2024", "--chart")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Calibration chart (n=10)"))
    rows = lines[start + 2:start + 10]  # eight distinct probabilities in Casper's ten
    assert [row.split()[:2] for row in rows] == [
        ["0.050", "2"], ["0.100", "1"], ["0.150", "1"], ["0.200", "2"], ["0.250", "1"], ["0.800", "1"],
        ["0.950", "1"], ["0.990", "1"],
    ]
    plot = [row[16:57] for row in rows]  # the 41 columns from p = 0 to p = 1
    # Nothing below 30% happened: the dot sits at 0; all above 50% did: the dot sits at 1.
    assert all(p[0] == "●" for p in plot[:5]) and all(p[-1] == "●" for p in plot[5:])
    # The diagonal mark sits at the bin's mean stated p (0.2 -> column 8; 0.8 -> column 32).
    assert plot[3][8] == "│" and plot[5][32] == "│"
    assert lines[start + 10] == "" or not lines[start + 10].startswith("  0.")
