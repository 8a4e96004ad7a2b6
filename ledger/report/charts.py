"""Charts for scorecards and the site, drawn with matplotlib, as PNG and SVG bytes.

calibration_chart -- one point per non-empty bin at (mean stated probability,
                     observed frequency), sized by its n with the n beside it, its
                     Wilson interval as a bar, against the diagonal; a folded table
                     (the confidence levels) is drawn over 50-100%
over_time_chart   -- a score per period (month, quarter, year) with each period's n
small_multiples   -- one small calibration panel per tag
They draw the engine's results and compute nothing.

For a reader: 2x resolution (200 dpi) PNG, a colour-blind safe palette (Okabe and
Ito), text large enough at a phone's width, labels placed so they do not collide,
points kept off the frame. Deterministic: the Agg backend, fixed sizes, a fixed SVG
hash salt, no date or software version in the files. matplotlib is imported here,
lazily: `pledger --help` never pays for it.
"""

from __future__ import annotations

import io
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

CREATOR = "pledger"
SIZE = (5.0, 5.0)  # inches: 1000 x 1000 px at DPI
DPI = 200  # 2x: sharp on a retina screen
SVG_SALT = "pledger-calibration"
BLUE, ORANGE, GREY, INK = "#0072B2", "#E69F00", "#999999", "#222222"  # Okabe-Ito
RC = {"svg.hashsalt": SVG_SALT, "svg.fonttype": "path", "text.usetex": False, "font.family": "DejaVu Sans",
      "font.size": 11, "axes.edgecolor": "#555555", "axes.spines.top": False, "axes.spines.right": False}


@dataclass(frozen=True)
class ChartFiles:
    """The chart as files' contents: PNG and SVG bytes."""

    png: bytes
    svg: bytes


def prepare() -> None:
    """Import what drawing needs (matplotlib, its PNG and SVG backends): a chart drawn after it starts at once
    (the scorecard runs this in a child process while it reads the ledger: ledger.beside)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.backends.backend_svg  # noqa: F401
    import matplotlib.figure  # noqa: F401


def _figure(size=SIZE):
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    return Figure(figsize=size, dpi=DPI)


def _save(fig) -> ChartFiles:
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", metadata={"Software": None})
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": CREATOR})
    return ChartFiles(png.getvalue(), svg.getvalue())


def _plain(title: str) -> str:
    """User text as a chart draws it: on one line without control characters (report.escape's rule: the
    SVG stays valid XML, and no warning echoes them to the terminal), `$` escaped (it starts mathtext)."""
    from .escape import one_line

    return one_line(title).replace("$", r"\$")


@contextmanager
def _drawing():
    """Our settings for a chart; matplotlib's warnings of glyphs missing from the font (a title in a script
    DejaVu Sans lacks: they draw as boxes) kept off the terminal, where they would repeat the user's text."""
    import matplotlib

    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        yield


def _label_offsets(points: list[tuple[float, float]], labels: list[str], x0: float, x1: float,
                   fontsize: float, radii: list[float]) -> list[tuple[int, int]]:
    """Where each point's label goes (an offset in points): the first of eight places whose box,
    in data units, overlaps no marker and no label already placed and stays inside the axes."""
    candidates = [(4, -4), (0, -22), (-4, -4), (0, 12), (0, -34), (4, -20), (-4, -20), (4, -32)]
    xs_per_pt, ys_per_pt = (x1 - x0) / 300.0, 1.1 / 300.0  # a 5-inch axes is about 300 points each way
    boxes: list[tuple[float, float, float, float]] = [
        (x - r * xs_per_pt, y - r * ys_per_pt, x + r * xs_per_pt, y + r * ys_per_pt) for (x, y), r in zip(points, radii)]
    out = []
    for (x, y), label in zip(points, labels):
        w, h = 0.6 * fontsize * len(label) * xs_per_pt, fontsize * ys_per_pt
        best, chosen = candidates[0], None
        for dx, dy in candidates:
            r = radii[len(out)] if dx else 0  # beside the marker, not on it
            left = x + (dx + (r if dx > 0 else -r)) * xs_per_pt - (w if dx < 0 else (w / 2 if dx == 0 else 0))
            bottom = y + dy * ys_per_pt
            box = (left, bottom, left + w, bottom + h)
            inside = box[0] >= x0 and box[2] <= x1 and box[1] >= -0.05 and box[3] <= 1.05
            if inside and all(box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in boxes):
                best, chosen = (dx, dy), box
                break
        if chosen is None:  # crowded: the first place, which may touch another label
            dx, dy = best
            left = x + dx * xs_per_pt
            chosen = (left, y + dy * ys_per_pt, left + w, y + dy * ys_per_pt + h)
        boxes.append(chosen)
        out.append(best)
    return out


def calibration_chart(table, title: str = "Calibration", ax=None) -> ChartFiles | None:
    """Draw a CalibrationTable (ledger.scoring.calibration): PNG and SVG bytes (or onto `ax`).

    title is plain text (it is drawn, never parsed as markup: mathtext is off).
    """
    with _drawing():
        fig = None
        if ax is None:
            fig = _figure()
            ax = fig.add_subplot()
        lo = 0.5 if table.folded else 0.0
        span = 1.0 - lo
        ax.plot([lo, 1], [lo, 1], linestyle="--", color=GREY, linewidth=1.2, label="perfectly calibrated")
        rows = [b for b in table.bins if b.n]
        xs = [b.mean_p for b in rows]
        ys = [b.observed for b in rows]
        below = [b.observed - b.wilson_lo for b in rows]
        above = [b.wilson_hi - b.observed for b in rows]
        level = round(100 * table.wilson_level)
        biggest = max((b.n for b in rows), default=1)
        sizes = [30 + 170 * (b.n / biggest) ** 0.5 for b in rows]
        ax.errorbar(xs, ys, yerr=[below, above], fmt="none", ecolor=ORANGE, elinewidth=2, capsize=0, alpha=0.9,
                    label=f"{level}% interval", zorder=2)
        ax.scatter(xs, ys, s=sizes, color=BLUE, edgecolor="white", linewidth=1, zorder=3, label="observed (size: n)")
        small = fig is None  # a panel of small multiples
        fontsize = 7 if small else 9
        pad = 0.05 * span
        labels = [f"n={b.n}" for b in rows]
        radii = [0.5 * s ** 0.5 + 1 for s in sizes]  # scatter sizes are areas in points squared
        offsets = _label_offsets(list(zip(xs, ys)), labels, lo - pad, 1 + pad, fontsize, radii)
        for x, y, label, size, (dx, dy) in zip(xs, ys, labels, sizes, offsets):
            r = 0.5 * size ** 0.5 + 1 if dx else 0
            ax.annotate(label, (x, y), textcoords="offset points", xytext=(dx + (r if dx > 0 else -r), dy),
                        fontsize=fontsize, color=INK,
                        zorder=4, ha="left" if dx > 0 else ("right" if dx < 0 else "center"), va="bottom")
        ax.set_xlim(lo - pad, 1 + pad)
        ax.set_ylim(-0.05, 1.05)
        ax.set_xlabel("confidence (the side favoured)" if table.folded else "stated probability")
        ax.set_ylabel("how often it came true")
        ticks = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0] if table.folded else [0, 0.2, 0.4, 0.6, 0.8, 1.0]
        ax.set_xticks(ticks, [f"{round(100 * t)}%" for t in ticks])
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
        import textwrap

        ax.set_title("\n".join(textwrap.wrap(_plain(title), 28 if small else 44)), fontsize=9 if small else 12,
                     loc="left")
        ax.grid(True, color="#e6e6e6", linewidth=0.8)
        ax.set_axisbelow(True)
        if fig is None:
            return None
        fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=8, frameon=False)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
        return _save(fig)


def over_time_chart(periods: list[tuple[str, float, int]], label: str, title: str) -> ChartFiles:
    """A score per period: (period label, value, n) in time order, with each period's n."""
    with _drawing():
        fig = _figure((5.0, 3.2))
        ax = fig.add_subplot()
        xs = list(range(len(periods)))
        ys = [v for _, v, _ in periods]
        ax.plot(xs, ys, color=BLUE, linewidth=2, marker="o", markersize=6, zorder=3)
        for x, (_, v, n) in zip(xs, periods):
            ax.annotate(f"n={n}", (x, v), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=10,
                        color=INK)
        ax.set_xticks(xs, [p for p, _, _ in periods], rotation=45 if len(periods) > 6 else 0, ha="right"
                      if len(periods) > 6 else "center")
        top = max(ys, default=0.25)
        ax.set_ylim(0, max(0.3, top * 1.25))
        ax.axhline(0.25, color=GREY, linestyle="--", linewidth=1)
        ax.text(xs[-1] if xs else 0, 0.25, " always 50%", va="bottom", ha="right", fontsize=10, color="#555555")
        ax.set_ylabel(_plain(label))
        import textwrap

        ax.set_title("\n".join(textwrap.wrap(_plain(title), 44)), fontsize=12, loc="left")
        ax.grid(True, axis="y", color="#e6e6e6")
        ax.set_xlim(-0.5, len(periods) - 0.5)
        fig.tight_layout()
        return _save(fig)


def small_multiples(tables: list[tuple[str, object]], title: str) -> ChartFiles:
    """One small folded-calibration panel per (tag, CalibrationTable), three to a row."""
    cols = min(3, len(tables))
    rows = -(-len(tables) // cols)
    with _drawing():
        fig = _figure((3.2 * cols, 3.2 * rows + 0.4))
        for i, (name, table) in enumerate(tables):
            ax = fig.add_subplot(rows, cols, i + 1)
            calibration_chart(table, f"{name} (n={table.n})", ax=ax)
            ax.set_xlabel("")
            ax.set_ylabel("")
        fig.suptitle(_plain(title), fontsize=12, x=0.02, ha="left")
        fig.tight_layout()
        return _save(fig)
