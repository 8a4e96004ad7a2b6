"""Terminal rendering of a ScoreRun (services.scores). Presentation only.

Every printed figure carries its n; the rules (policy, who was scored, Brier
convention, clipping, bins) close the output.
"""

from __future__ import annotations

import re

from rich.cells import cell_len

from ..report.figures import FEW
from .common import console, plural
from .visible import markup as _esc

DASH = "—"


def _num(x, fmt: str = ".3f") -> str:
    return DASH if x is None else format(x, fmt)


def _signed(x, fmt: str = ".2f") -> str:
    if x is None:
        return DASH
    out = format(x, "+" + fmt)
    return format(0.0, "+" + fmt) if float(out) == 0 else out  # never "-0.0000"


def _pct(x) -> str:
    return DASH if x is None else f"{100 * x:.0f}%"



_FIELD_GAP = re.compile(r"\S+(?: \S+)*")  # a field: words joined by single spaces (fields are two spaces apart)
_WORD = re.compile(r"\S+")


def say(out, line: str) -> None:
    """A line of markup. On a terminal narrower than it, wrapped with a hanging indent (its own indent and
    four more) rather than back at the margin, broken between its fields (two spaces apart: a figure, its
    n, its interval) when each fits, else between words. Piped, printed whole (cli.form)."""
    from rich.text import Text

    text = Text.from_markup(line)
    width = out.width
    if out.soft_wrap or text.cell_len <= width:
        out.print(text)
        return
    plain = text.plain
    lead = len(plain) - len(plain.lstrip(" "))
    hang = min(lead + 4, max(width // 3, 1))
    fields = [(m.start(), m.end(), "  ") for m in _FIELD_GAP.finditer(plain)]
    if any(cell_len(plain[a:b]) > width - hang for a, b, _ in fields):
        fields = [(m.start(), m.end(), " ") for m in _WORD.finditer(plain)]
    rows: list[list] = [[]]
    used = lead
    for a, b, gap in fields:
        size = cell_len(plain[a:b])
        if rows[-1] and used + len(gap) + size > width:
            rows.append([])
            used = hang
        if rows[-1]:
            rows[-1].append(gap)
            used += len(gap)
        rows[-1].append(text[a:b])
        used += size
    for i, pieces in enumerate(rows):
        out.print(Text.assemble(" " * (lead if i == 0 else hang), *pieces), overflow="fold")


def header_lines(run) -> list[str]:
    c = run.counts
    who = {"authors": "each prediction's author", "forecaster": run.name, "everyone": "every forecaster"}[run.scored]
    if run.kinds:  # several kinds of question: say how many of each
        kinds = ", ".join(f"{k['resolved']:,} {k['label']}" for k in run.kinds.values())
        resolved = f"[bold]{c['resolved']:,} resolved[/] ({_esc(kinds)})"
    else:
        resolved = f"[bold]{c['resolved']:,} resolved[/] yes/no"
    first = (
        f"{resolved} · {c['annulled']:,} annulled (excluded) · "
        f"{c['pending']:,} pending · of {plural(c['predictions'], 'prediction')} selected ({_esc(run.selection)})"
    )
    second = f"Scoring {plural(c['forecasts'], 'forecast')} by {_esc(who)}, policy [bold]{run.policy}[/]"
    if c["without_forecast"]:
        second += f"; {c['without_forecast']:,} resolved without a forecast under this policy"
    if c.get("after_resolution"):
        second += f"; {plural(c['after_resolution'], 'forecast')} dated after the resolution excluded"
    timed = run.reports.get("binary") if run.policy == "time-weighted" else None
    after_close = timed.rules.get("after_close", 0) if timed is not None else 0
    if after_close:
        second += f"; {plural(after_close, 'forecast')} dated after the question closed excluded (it stood for no day)"
    lines = [first, second]
    left_out = [k["label"] for k in run.kinds.values() if k.get("note") and k["resolved"]]
    if left_out:
        lines.append(f"The leaderboard ranks forecasters on yes/no questions: the {' and '.join(left_out)} "
                     "questions are not on it (score them without --by-forecaster).")
    return lines


def gap_reading(g) -> str:
    """How the subject did against the forecaster's expectations, in words."""
    if g.total is None:
        return ""
    t = g.total
    if abs(t) < 5e-13:
        what = "Exactly as many things happened as the forecasts expected"
    elif t < 0:
        what = f"The subject fell {-t:.2f} short of the forecasts' expectations"
    else:
        what = f"The subject beat the forecasts' expectations by {t:.2f}"
    if g.z is None:
        chance = "no z: the spread is 0 (every p is 0 or 1)"
    elif abs(g.z) < 2:
        chance = "|z| < 2: within what chance alone would give"
    else:
        chance = "|z| ≥ 2: more than chance alone would usually give"
    return f"{what}; {chance}."


def _part(label: str, part) -> str:
    if not part.n:
        return f"{label} {DASH} (n=0)"
    z = "" if part.z is None else f", z {part.z:+.2f}"
    return f"{label} {part.total:+.2f} (n={part.n}{z})"


def gap_lines(g) -> list[str]:
    return [
        "[bold]The post's rule (gap)[/]: each prediction earns 1 − p if it happened, −p if not",
        f"  total [bold]{_signed(g.total)}[/]  mean {_signed(g.mean, '.3f')}  spread {_num(g.spread, '.2f')}  "
        f"z {_signed(g.z)}  (n={g.n})",
        f"  {gap_reading(g)}",
        f"  {_part('folded', g.folded)} · Spiegelhalter Z {_signed(g.spiegelhalter_z)} (n={g.n})",
        "  " + " · ".join((_part("above 50%", g.above), _part("below 50%", g.below), _part("at 50%", g.at_half))),
        "  [dim]Not a proper score: it describes the subject, never ranks forecasters (use Brier or log).[/]",
    ]


def _interval(iv, fmt: str = ".4f") -> str:
    if iv is None or iv.lo is None:
        return ""
    return f"  90% interval {iv.lo:{fmt}}–{iv.hi:{fmt}}"


def figure_lines(report, policy: str, scale: str, proper_only: bool = False) -> list[str]:
    """A line per figure of the rules that applied (the scoring registry), in its order. A figure
    in several units (numeric questions) is left to by_unit_rows."""
    from ..report.figures import figure_rows
    from ..scoring.registry import BY_NAME

    several = {name for name, r in report.results.items() if len(getattr(r, "by_unit", ())) > 1}
    rows = [r for r in figure_rows(report, policy, scale=scale)
            if (not proper_only or BY_NAME[r.rule].proper) and r.rule not in several]
    if not rows:
        return []
    width = max(len(r.label) for r in rows)
    vwidth = max(len(r.value) for r in rows)
    lines = []
    for r in rows:
        iv = f"  90% interval {r.interval}" if r.interval else ""
        better = f"  {r.better} is better" if r.better else ""
        note = f" ({_esc(r.note)})" if r.note else ""
        lines.append(f"  {_esc(r.label):<{width}}  {r.value:>{vwidth}}  n={r.n}{iv}{better}{note}")
    return lines


def proper_lines(report, policy: str = "first") -> list[str]:
    """The yes/no proper scores, each with its n and interval."""
    scale = report.rules.get("brier_scale", "0-1")
    return ["[bold]Proper scores[/] (these may compare forecasters on the same questions)",
            *figure_lines(report, policy, scale, proper_only=True)]


def _bin_label(row, strategy: str, last: bool) -> str:
    if strategy == "distinct":
        return f"{row.lo:.4g}"
    return f"[{row.lo:.4g}, {row.hi:.4g}{']' if last else ')'}"


def _calibration_cells(table) -> tuple[tuple[str, ...], list[list[str]], int]:
    headers = ("p" if table.strategy == "distinct" else "bin", "n", "hits", "mean p", "observed", "90%\nWilson",
               "over/\nunder")
    rows = table.bins
    cells = [
        [_bin_label(row, table.strategy, i == len(rows) - 1), str(row.n), str(row.hits), _num(row.mean_p),
         _num(row.observed), DASH if row.wilson_lo is None else f"{row.wilson_lo:.2f}–{row.wilson_hi:.2f}",
         _signed(row.over_under, ".3f")]
        for i, row in enumerate(rows)
        if row.n
    ]
    return headers, cells, len(rows) - len(cells)


def calibration_table(table, title: str, out=None):
    """The calibration table: a row per bin with forecasts in it. Empty bins are left out
    (a line says how many; --json keeps every bin): 1000 equal-width bins over a few
    dozen forecasts would otherwise be 1000 rows of nothing."""
    from rich.console import Group

    from .tables import Column, fit_table

    out = out or console()
    headers, cells, empty = _calibration_cells(table)
    omitted = [f"[dim]{plural(empty, 'empty bin')} not shown (--json lists every bin)[/]"] if empty else []
    if not cells:
        return Group(title, *omitted)
    columns = [Column(h, "right") for h in headers]
    fitted = fit_table(out, columns, cells, title=title, title_justify="left", expand=False)
    if fitted is None:  # narrower than any table: one line per bin, for say() (a list of lines)
        return [title, "  " + "  ".join(h.replace("\n", " ") for h in headers), *("  " + "  ".join(c) for c in cells),
                *omitted]
    return Group(fitted, *omitted) if omitted else fitted


def show(out, block) -> None:
    """A table, or the lines (a list) that stand in for one on a terminal narrower than any table."""
    if isinstance(block, list):
        for line in block:
            say(out, line)
    else:
        out.print(block)


def calibration_lines(report) -> list[str]:
    cal, d = report.calibration, report.decomposition
    return [
        f"  ECE {_num(cal.ece, '.4f')} (n={cal.n}) · folded ECE {_num(report.folded_calibration.ece, '.4f')} "
        f"(n={report.folded_calibration.n})",
        f"  Discrimination {_signed(cal.discrimination, '.3f')} (n={cal.n}): mean p on yes − mean p on no",
        f"  Brier (0-1) {_num(d.brier, '.4f')} = REL {_num(d.reliability, '.4f')} − RES {_num(d.resolution, '.4f')} "
        f"+ UNC {_num(d.uncertainty, '.4f')} + WBV {_num(d.within_bin_variance, '.4f')} "
        f"− WBC {_num(d.within_bin_covariance, '.4f')} (n={d.n})",
    ]


def rules_line(run) -> str:
    """One footer naming every rule behind the figures (full wording: --json `rules`)."""
    r = run.rules
    who = {"authors": "each prediction's author", "forecaster": run.name, "everyone": "every forecaster"}[run.scored]
    parts = [
        f"policy {r['policy']}",
        f"scored: {who}",
        f"Brier {r['brier_scale']}" + (" (×2, Fatebook/GJ Open)" if r["brier_scale"] == "0-2" else ""),
        f"log clipped to [{r['eps']:g}, {1 - r['eps']:g}]: {r['clipped']} clipped"
        + (" (yes/no; other kinds say theirs)" if run.reports else ""),
    ]
    if r.get("bins"):
        edges = "lo == hi == the stated p" if r["bins"] == "distinct" else "[lo, hi), last bin closed"
        parts.append(f"bins {r['bins']} ({edges}), folded {r['folded_bins']}")
    if run.report is not None:
        resamples = r.get("bootstrap_resamples")
        parts.append(f"bootstrap {plural(resamples, 'resample')}, seed {r['seed']}, 90%" if resamples else "bootstrap off")
    parts.append("annulled excluded, unresolved pending")
    return "[dim]Rules: " + " · ".join(_esc(p) for p in parts) + "[/]"


CHART_WIDTH = 41  # columns from p = 0 to p = 1: 0.025 per column


def calibration_chart_lines(table) -> list[str]:
    """The calibration chart as text, one row per non-empty bin: ● observed frequency,
    ─ its Wilson interval, │ the diagonal (where the bin's mean stated p would put it)."""
    col = lambda x: round(x * (CHART_WIDTH - 1))  # noqa: E731
    axis = "0" + " " * (CHART_WIDTH // 2 - 2) + "0.5" + " " * (CHART_WIDTH - CHART_WIDTH // 2 - 3) + "1"
    level = round(100 * table.wilson_level)
    lines = [
        f"[bold]Calibration chart[/] (n={table.n}): ● observed, ─ {level}% Wilson interval, "
        "│ perfect calibration (the bin's mean stated p)",
        f"  {'mean p':>6} {'n':>5}  {axis}",
    ]
    for row in table.bins:
        if not row.n:
            continue
        cells = [" "] * CHART_WIDTH
        cells[0] = cells[-1] = "·"
        for i in range(col(row.wilson_lo), col(row.wilson_hi) + 1):
            cells[i] = "─"
        cells[col(row.mean_p)] = "│"
        cells[col(row.observed)] = "●"
        lines.append(f"  {row.mean_p:>6.3f} {row.n:>5}  {''.join(cells)}  observed {row.observed:.2f}")
    return lines


def _leaderboard_title(board) -> str:
    return (f"Leaderboard: {plural(board.n_forecasters, 'forecaster')}, {plural(board.n_questions, 'question')}, "
            f"{plural(board.n, 'forecast')}")


def leaderboard_table(board, out=None):
    from .tables import Column, fit_table

    out = out or console()
    columns = [
        Column("#", "right"), Column("forecaster", text=True, min_width=8), Column("n", "right"),
        Column("n with\npeers", "right"), Column("peer\nscore", "right"), Column("90%\ninterval", "right"),
        Column("relative\nBrier", "right"), Column(f"Brier\n({board.brier_scale})", "right"), Column("log\n(nats)", "right"),
    ]
    rows, rank = [], 0
    for row in board.rows:
        rank += row.ranked
        interval = DASH if row.peer_lo is None else f"{row.peer_lo:+.1f}–{row.peer_hi:+.1f}"
        rows.append([str(rank) if row.ranked else DASH, _esc(str(row.forecaster)), str(row.n), str(row.n_with_peers),
                     _signed(row.peer_score, ".1f"), interval, _signed(row.relative_brier, ".4f"),
                     _num(row.brier, ".4f"), _num(row.log_loss, ".4f")])
    title = _leaderboard_title(board)
    table = fit_table(out, columns, rows, title=title, title_justify="left", expand=False)
    if table is None:  # narrower than any table: one line per forecaster
        from rich.console import Group

        head = "#  forecaster: n, n with peers, peer score, interval, relative Brier, Brier, log (nats)"
        return Group(title, head, *(f"{r[0]}  {r[1]}: " + ", ".join(r[2:]) for r in rows))
    return table


def render(run, chart: bool = False) -> None:
    out = console()
    for line in header_lines(run):
        say(out, line)
    out.print()
    if run.n == 0 or (run.scored == "everyone" and run.leaderboard is None):
        if any(k.get("note") and k["resolved"] for k in run.kinds.values()):
            say(out, "Nothing on the leaderboard: it ranks forecasters on resolved yes/no questions, and none match.")
        else:
            say(out, "Nothing to score: no resolved forecasts match. Resolve predictions with `pledger resolve`.")
        say(out, rules_line(run))
        return
    if run.leaderboard is not None and hasattr(run.leaderboard, "relative_rules"):
        out.print(time_leaderboard_table(run.leaderboard, out))
        say(out, "  " + " ".join(f"{_esc(k.replace('_', ' '))}: {_esc(v)}." for k, v in run.leaderboard.relative_rules.items()))
        out.print()
        say(out, rules_line(run))
        return
    if run.leaderboard is not None:
        out.print(leaderboard_table(run.leaderboard, out))
        board = run.leaderboard
        say(
            out,
            f"  Ranked by peer score (Metaculus-style, 100 × (ln p − mean of the others' ln p), positive is better; "
            f"90% interval: mean ± 1.645 s/√n), only forecasters with at least {plural(board.min_n, 'forecast')} on questions "
            "someone else forecast too (--min-n); the others are listed unranked (—). Relative Brier: own Brier minus "
            "the median of the others on the same question (negative is better; GJ Open and Fatebook compare with the "
            "median of everyone, you included). Both average over the n with peers. Raw Brier and log compare "
            "forecasters fairly only on the same questions."
        )
        out.print()
        say(out, rules_line(run))
        return
    report = run.report
    if 0 < run.n < FEW:
        say(out, f"[bold]Only {plural(run.n, 'forecast')} scored[/]: too few to read much into these figures "
                  "(docs/scoring.md, section 6, says how many each figure needs).")
        out.print()
    if report is not None and report.n:
        if run.reports:
            say(out, f"[bold]Yes/no questions[/] (n={report.n})")
        for line in gap_lines(report.gap):
            say(out, line)
        out.print()
        for line in proper_lines(report, run.policy):
            say(out, line)
        out.print()
        cal, fc = report.calibration, report.folded_calibration
        show(out, calibration_table(cal, f"Calibration (n={cal.n})", out))
        if chart:
            for line in calibration_chart_lines(cal):
                say(out, line)
            out.print()
        show(out, calibration_table(fc, f"Folded calibration (n={fc.n}; p < 50% flipped to 1 − p)", out))
        for line in calibration_lines(report):
            say(out, line)
        out.print()
    for kind_report in run.reports.values():
        kind_section(out, kind_report, run.rules["brier_scale"])
    if run.over_time is not None:
        over_time_section(out, run.over_time, run.rules["brier_scale"])
    say(out, rules_line(run))


KIND_TITLES = {"multiple-choice": "Multiple-choice questions", "numeric": "Numeric questions",
               "binary": "Yes/no questions over time"}


def kind_section(out, report, scale: str) -> None:
    """One kind's figures (the registry's rules for it) and its tables."""
    from ..report.figures import by_unit_rows
    from ..scoring.registry import BY_NAME

    title = KIND_TITLES.get(report.kind, report.kind)
    extra = f"; {report.rules['policy_note']}" if report.rules.get("policy_note") else ""
    units = report.rules.get("units") or []
    if len(units) == 1:
        extra += f"; scores in {units[0] or 'the questions’ own unit (none given)'}"
    elif len(units) > 1:
        extra += f"; in several units ({', '.join(u or '(none)' for u in units)}), scored apart"
    say(out, f"[bold]{title}[/] (n={report.n}, policy {report.policy}{_esc(extra)})")
    if not report.n:
        out.print("  Nothing resolved to score yet.")
        out.print()
        return
    for line in figure_lines(report, report.policy, scale):
        say(out, line)
    for label, unit, value, n in by_unit_rows(report):
        say(out, f"  {_esc(label)}, in {_esc(unit)}: {value}  n={n}  (lower is better; each unit on its own)")
    for name, result in report.results.items():
        table = BY_NAME[name].table
        if table == "calibration":
            show(out, calibration_table(result, f"{BY_NAME[name].title} (n={result.n})", out))
        elif table == "coverage":
            out.print(coverage_table(result, out))
        elif table == "pit":
            for line in pit_lines(result):
                say(out, line)
    for key in ("normalised", "calibration", "horizon", "coverage"):
        if report.rules.get(key):
            say(out, f"  [dim]{_esc(key.capitalize())}: {_esc(str(report.rules[key]))}.[/]")
    out.print()


def coverage_table(cov, out=None):
    """Interval coverage: per nominal level, how often the value fell inside."""
    from .tables import Column, fit_table

    out = out or console()
    headers = ("interval", "n", "inside", "coverage", "90%\nWilson", "mean\ninterval score")
    cells = [[f"{100 * r.level:g}%", str(r.n), str(r.inside), _pct(r.coverage),
              DASH if r.wilson_lo is None else f"{r.wilson_lo:.2f}–{r.wilson_hi:.2f}", _num(r.interval_score, ".4g")]
             for r in cov.intervals]
    title = f"Interval coverage (n={cov.n}): how often the value fell inside each central interval"
    if not cells:
        return f"{title}: no central intervals (a forecast needs both tails, e.g. 5% and 95%)"
    table = fit_table(out, [Column(h, "right") for h in headers], cells, title=title, title_justify="left", expand=False)
    if table is None:
        from rich.console import Group

        return Group(title, *("  ".join(c) for c in cells))
    return table


def pit_lines(pit) -> list[str]:
    """The PIT histogram as text: one bar per tenth, against n / bins (flat is calibrated)."""
    if not pit.n:
        return []
    top = max(pit.counts) or 1
    lines = [f"PIT histogram (n={pit.n}; flat when calibrated, about {pit.expected:.1f} a bin)"]
    for i, count in enumerate(pit.counts):
        lo, hi = i / pit.bins, (i + 1) / pit.bins
        lines.append(f"  {lo:.1f}–{hi:.1f}  {'█' * round(20 * count / top):<20} {count}")
    return lines


def over_time_section(out, over, scale: str) -> None:
    """The scores per period: a row per period, with its n and the yes/no report's figures."""
    from ..report.figures import figure_rows
    from .tables import Column, fit_table

    periods = over.periods
    rows_by = []
    labels: list[str] = []
    for p in periods:
        report = p.run.report if p.run.report is not None else p.run.reports.get("binary")
        figures = {} if report is None or not report.n else {
            r.label: r.value for r in figure_rows(report, p.run.policy, scale=scale, tables=True)}
        for label in figures:
            if label not in labels:
                labels.append(label)
        rows_by.append((p, figures))
    keep = [label for label in labels if label.startswith(("Brier (", "Log score (nats)", "Gap", "Expected", "Metaculus", "Coverage"))]
    headers = ["period", "predictions", "yes/no\nscored", *keep]
    cells = [[p.label, str(p.run.counts["predictions"]), str(_binary_n(p.run)), *(f.get(label, DASH) for label in keep)]
             for p, f in rows_by]
    title = f"Over time, per {over.period} ({_esc(over.rule)})"
    if any(p.run.reports.get(k) for p in periods for k in ("multiple-choice", "numeric")):
        title += "; the yes/no figures shown, every kind's in --json"
    table = fit_table(out, [Column(h, "right" if i else "left") for i, h in enumerate(headers)], cells, title=title,
                      title_justify="left", expand=False)
    if table is None:
        out.print(title)
        say(out, "  " + " · ".join(h.replace("\n", " ") for h in headers))
        for c in cells:
            say(out, "  " + " · ".join(c))
    else:
        out.print(table)
    out.print()


def _binary_n(run) -> int:
    report = run.report if run.report is not None else run.reports.get("binary")
    return 0 if report is None else report.n


def time_leaderboard_table(board, out=None):
    from .tables import Column, fit_table

    out = out or console()
    headers = ["#", "forecaster", "questions", "coverage", "baseline", "peer", "n with\npeers",
               f"Brier\n({board.brier_scale})", "log\n(nats)", "relative\n(others)", "relative\n(all)"]
    columns = [Column(h, text=True, min_width=8) if h == "forecaster" else Column(h, "right") for h in headers]
    rows, rank = [], 0
    for r in board.rows:
        rank += r.ranked
        rows.append([str(rank) if r.ranked else DASH, _esc(r.forecaster), str(r.n), _num(r.coverage, ".2f"),
                     _signed(r.baseline, ".1f"), _signed(r.peer, ".1f"), str(r.n_with_peers), _num(r.brier, ".4f"),
                     _num(r.log, ".4f"), _signed(r.relative_brier_others, ".4f"), _signed(r.relative_brier_all, ".4f")])
    title = (f"Leaderboard over time: {plural(board.n_forecasters, 'forecaster')}, "
             f"{plural(board.n_questions, 'question')} (ranked by {board.sort}; — : unranked)")
    table = fit_table(out, columns, rows, title=title, title_justify="left", expand=False)
    if table is None:
        from rich.console import Group

        head = "  ".join(h.replace("\n", " ") for h in headers)
        return Group(title, head, *("  ".join(r) for r in rows))
    return table
