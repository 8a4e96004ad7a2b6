"""The calibration chart, drawn with matplotlib, as PNG and SVG bytes.

One point per non-empty bin at (mean stated probability, observed frequency),
with its Wilson interval as a vertical bar and its n as a label, against the
diagonal of perfect calibration. It draws the engine's CalibrationTable and
computes nothing.

Deterministic: the Agg backend, a fixed figure size and DPI, a fixed SVG hash
salt, and no date or software version in the files' metadata, so the same
table gives the same bytes (with the same matplotlib and fonts).
matplotlib is imported here, lazily: `pledger --help` never pays for it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

CREATOR = "pledger"
SIZE = (5.0, 5.0)  # inches
DPI = 100
SVG_SALT = "pledger-calibration"


@dataclass(frozen=True)
class ChartFiles:
    """The chart as files' contents: PNG and SVG bytes."""

    png: bytes
    svg: bytes


def calibration_chart(table, title: str = "Calibration") -> ChartFiles:
    """Draw a CalibrationTable (ledger.scoring.calibration) as PNG and SVG bytes.

    title is plain text (it is drawn, never parsed as markup: mathtext is off).
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    rc = {"svg.hashsalt": SVG_SALT, "svg.fonttype": "path", "text.usetex": False, "font.family": "DejaVu Sans"}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=SIZE, dpi=DPI)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], linestyle="--", color="0.6", linewidth=1, label="perfect calibration")
        rows = [b for b in table.bins if b.n]
        xs = [b.mean_p for b in rows]
        ys = [b.observed for b in rows]
        below = [b.observed - b.wilson_lo for b in rows]
        above = [b.wilson_hi - b.observed for b in rows]
        level = round(100 * table.wilson_level)
        ax.errorbar(
            xs, ys, yerr=[below, above], fmt="o", color="#1f5fa8", ecolor="#7fa6d6", elinewidth=2, capsize=3,
            markersize=6, label=f"observed, with {level}% Wilson interval",
        )
        for b in rows:
            # Each point's n, small, to its right: above the point, or below it near the top edge.
            dy = -11 if b.observed > 0.9 else 4
            ax.annotate(str(b.n), (b.mean_p, b.observed), textcoords="offset points", xytext=(4, dy), fontsize=8,
                        color="0.2")
        ax.text(0.98, 0.02, "numbers: forecasts in the bin (n)", transform=ax.transAxes, ha="right", va="bottom",
                fontsize=8, color="0.35")
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_aspect("equal")
        ax.set_xlabel("stated probability (mean in bin)")
        ax.set_ylabel("observed frequency")
        ax.set_title(_plain(title), fontsize=11)
        ax.grid(True, color="0.92")
        ax.legend(loc="upper left", fontsize=8, frameon=False)
        fig.tight_layout()
        png, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(png, format="png", metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": CREATOR})
    return ChartFiles(png.getvalue(), svg.getvalue())


def _plain(title: str) -> str:
    # `$` starts mathtext in matplotlib: escape it so a title is drawn as written.
    return " ".join(title.split()).replace("$", r"\$")
