"""The charts: valid 2x PNG and SVG, deterministic, the n of every point drawn, labels kept apart."""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest

PNG = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


@pytest.fixture
def levels():
    from ledger.report.card import LEVELS
    from ledger.scoring import folded_calibration

    rng = np.random.default_rng(3)
    p = rng.choice([0.05, 0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99], size=300)
    o = (rng.random(300) < p).astype(np.int8)
    return folded_calibration(p, o, bins=list(LEVELS))


def test_calibration_chart_is_sharp_deterministic_and_labels_every_point(levels):
    from ledger.report.charts import DPI, SIZE, calibration_chart

    first, second = calibration_chart(levels, "A title $with$ dollars"), calibration_chart(levels, "A title $with$ dollars")
    assert first == second and first.png.startswith(PNG)
    assert _size(first.png) == (int(SIZE[0] * DPI), int(SIZE[1] * DPI)) == (1000, 1000)  # 2x a 500 px chart
    svg = first.svg.decode()
    ET.parse(io.BytesIO(first.svg))
    assert "<script" not in svg and "Date" not in svg


def test_label_places_do_not_overlap():
    from ledger.report.charts import _label_offsets

    points = [(0.74, 1.0), (0.81, 1.0), (0.9, 1.0), (0.95, 1.0), (0.99, 1.0)]
    labels = ["n=4", "n=5", "n=1", "n=3", "n=1"]
    offsets = _label_offsets(points, labels, 0.475, 1.025, 9, [8.0] * 5)
    assert len(set(offsets)) > 1  # crowded points do not all get the same place
    xs_per_pt, ys_per_pt = 0.55 / 300, 1.1 / 300
    boxes = []
    for (x, y), label, (dx, dy) in zip(points, labels, offsets):
        w, h = 0.6 * 9 * len(label) * xs_per_pt, 9 * ys_per_pt
        left = x + (dx + (8 if dx > 0 else -8 if dx < 0 else 0)) * xs_per_pt - (w if dx < 0 else w / 2 if dx == 0 else 0)
        boxes.append((left, y + dy * ys_per_pt, left + w, y + dy * ys_per_pt + h))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_over_time_and_small_multiples(levels):
    from ledger.report.charts import over_time_chart, small_multiples

    chart = over_time_chart([("2024-Q1", 0.2, 10), ("2024-Q2", 0.15, 40), ("2024-Q3", 0.18, 25)], "Brier",
                            "Brier by quarter")
    assert chart.png.startswith(PNG) and chart == over_time_chart(
        [("2024-Q1", 0.2, 10), ("2024-Q2", 0.15, 40), ("2024-Q3", 0.18, 25)], "Brier", "Brier by quarter")
    grid = small_multiples([("a", levels), ("b", levels), ("c", levels), ("d", levels)], "By tag")
    assert grid.png.startswith(PNG)
    w, h = _size(grid.png)
    assert w > h  # three panels a row: two rows are wider than tall


HOSTILE_TITLE = "Coin \x1b]0;pwned\x07 flips \x1b[31mred\u202e <script>&amp; -- 日本語のタイトル $x$"


def test_user_text_in_a_chart_keeps_the_svg_valid_and_the_terminal_clean(levels, capfd):
    import warnings

    from ledger.report.charts import calibration_chart, over_time_chart, small_multiples

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning left to reach the terminal fails here
        drawn = [calibration_chart(levels, HOSTILE_TITLE),
                 over_time_chart([("2025-Q1", 0.2, 10), ("2025-Q2", 0.3, 12)], HOSTILE_TITLE, HOSTILE_TITLE),
                 small_multiples([(HOSTILE_TITLE, levels)], HOSTILE_TITLE)]
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    for chart in drawn:
        assert chart.png.startswith(PNG)
        assert not any(c in chart.svg for c in (b"\x1b", b"\x07", "\u202e".encode()))
        ET.fromstring(chart.svg)  # well-formed XML
