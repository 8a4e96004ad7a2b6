"""The card's sections after the predictions: calibration, the other question kinds, per tag,
per forecaster, the research claims, and the technical appendix (report.card builds them).

Every figure is one the scoring engine returned, formatted once (report.card's formatting);
the appendix loops over the scoring registry (report.figures) and names no score.
"""

from __future__ import annotations

from typing import Any

from ..kinds import BINARY, CHOICE, NUMERIC
from ..kinds import LABELS as KIND_LABELS
from .card import (DASH, LEVELS, POINTS_RULE, Image, Items, Link, Para, Section, Styled, Table, fig, level_label, percent,
                   plural, points, share)

# -- calibration -------------------------------------------------------------------------------


def calibration_section(data, options) -> Section:
    levels = data.levels
    section = Section("calibration", "Calibration")
    level = round(100 * levels.wilson_level)
    rows = []
    for b in levels.bins:
        if not b.n:
            continue
        interval = DASH if b.wilson_lo is None else f"{share(b.wilson_lo)}–{share(b.wilson_hi)}"
        rows.append((level_label(b.lo, b.hi), Styled(f"{b.hits} of {b.n}", "num"), Styled(share(b.observed), "num"),
                     Styled(percent(b.mean_p), "num"), Styled(interval, "num")))
    section.blocks.append(Para((
        "Each prediction counted on the side it favoured (a 20% that something happens is an 80% that it does not), "
        "grouped by how confident it was. A well-calibrated forecaster is right about as often as the level says.",)))
    section.blocks.append(Table(("confidence", "right", "share right", "stated (mean)", f"{level}% interval"),
                                ("l", "r", "r", "r", "r"), tuple(rows)))
    if levels.n < 30:
        section.blocks.append(Para((f"With {plural(levels.n, 'prediction')} the intervals are wide: a level needs "
                                    "a dozen or more predictions to say much.",)))
    if options.chart_png:
        alt = (f"Calibration chart: how often the favoured side came true at each confidence level, with its "
               f"{level}% interval and n, against the diagonal of perfect calibration (n={levels.n})")
        section.blocks.append(Image(alt, options.chart_png, options.chart_svg))
    return section


def calibration_table_block(cal) -> Table:
    """A CalibrationTable as the appendix prints it: every bin, its n, hits, mean p, observed, Wilson interval."""
    level = round(100 * cal.wilson_level)
    rows = []
    last = len(cal.bins) - 1
    for i, b in enumerate(cal.bins):
        if cal.strategy == "distinct":
            label = f"{b.lo:.4g}"
        else:
            label = f"[{b.lo:.4g}, {b.hi:.4g}{']' if i == last else ')'}"
        wilson = DASH if b.wilson_lo is None else f"{b.wilson_lo:.2f}–{b.wilson_hi:.2f}"
        rows.append((label, str(b.n), str(b.hits), _f(b.mean_p, ".3f"), _f(b.observed, ".3f"), wilson))
    return Table(("stated p" if cal.strategy == "distinct" else "bin", "n", "hits", "mean p", "observed",
                  f"{level}% Wilson interval"), ("r",) * 6, tuple(rows), lead=True)


def _f(x, fmt: str) -> str:
    return DASH if x is None else format(x, fmt)


# -- other kinds -------------------------------------------------------------------------------


def rule_rows(policy: str, report, *, scale: str = "0-1", leave_out: tuple[str, ...] = ()) -> list[tuple]:
    """Every figure of every registry rule that scored `report` under `policy` (report.figures):
    (label, value, n, interval, better)."""
    from .figures import figure_rows

    rows = []
    for r in figure_rows(report, policy, scale=scale, tables=True):
        if r.rule in leave_out:
            continue
        better = r.better or DASH
        if r.note:
            better = f"{better} ({r.note})"
        rows.append((r.label, Styled(r.value, "num"), str(r.n), r.interval or DASH, better))
    return rows


def kind_section(kind: str, report, policy: str) -> Section:
    title = {CHOICE: "Multiple-choice questions", NUMERIC: "Numeric questions"}[kind]
    section = Section(kind, title)
    rows = rule_rows(report.policy, report)
    section.blocks.append(Table(("score", "value", "n", "interval", "better"), ("l", "r", "r", "r", "l"), tuple(rows),
                                always=("value",)))
    from .figures import by_unit_rows

    per_unit = by_unit_rows(report)
    if per_unit:  # questions in several units: a score that depends on the unit has no one value (— above)
        section.blocks.append(Para(("The questions are in several units, and a pinball loss in one unit does not add "
                                    "to one in another: those scores are given per unit.",)))
        section.blocks.append(Table(("score", "unit", "value", "n"), ("l", "l", "r", "r"),
                                    tuple((label, unit, Styled(value, "num"), str(n)) for label, unit, value, n in per_unit)))
    coverage = report.results.get("coverage")
    if coverage is not None and coverage.intervals:
        level = round(100 * coverage.wilson_level)
        section.blocks.append(Table(
            ("central interval", "n", "value inside", "coverage", f"{level}% Wilson interval", "interval score"),
            ("r",) * 6,
            tuple((percent(r.level), str(r.n), str(r.inside), _f(r.coverage, ".3f"),
                   DASH if r.wilson_lo is None else f"{r.wilson_lo:.2f}–{r.wilson_hi:.2f}", _f(r.interval_score, ".4g"))
                  for r in coverage.intervals), lead=True))
    pit = report.results.get("pit")
    if pit is not None and pit.n:
        section.blocks.append(Table(
            ("PIT bin", "forecasts", "expected if calibrated"), ("r", "r", "r"),
            tuple((f"{k / pit.bins:.1f}–{(k + 1) / pit.bins:.1f}", str(c), _f(pit.expected, ".1f"))
                  for k, c in enumerate(pit.counts)), lead=True))
    notes = [f"{plural(report.n, 'forecast')} scored under policy {report.policy}."]
    if report.rules.get("policy_note"):
        notes.append(f"{report.rules['policy_note']}.")
    section.blocks.append(Para((" ".join(notes),)))
    return section


# -- per tag, per forecaster, claims -------------------------------------------------------------


def tags_section(data) -> Section:
    section = Section("tags", "By tag")
    rows = []
    for t in data.tag_rows:
        if not t.n:
            rows.append((t.tag, str(t.predictions), "0 of 0", DASH, DASH, DASH, "0"))
            continue
        rows.append((t.tag, str(t.predictions), f"{t.hits} of {t.n}", points(t.gap.total),
                     fig(t.gap.z, "gap", "z"), fig(t.brier.score, "brier", "score"), str(t.n)))
    scale = data.run.rules["brier_scale"]
    section.blocks.append(Table(("tag", "predictions", "happened", "gap", "z", f"Brier ({scale})", "n"),
                                ("l", "r", "r", "r", "r", "r", "r"), tuple(rows)))
    section.blocks.append(Para(("Tags on every selected prediction are left out. Each row is scored like the whole, "
                                "on its n.",)))
    return section


def forecasters_section(board_run) -> Section:
    board = board_run.leaderboard
    section = Section("forecasters", "Forecasters")
    ranks = [sum(r.ranked for r in board.rows[:i + 1]) if row.ranked else None for i, row in enumerate(board.rows)]
    rows = tuple(
        (DASH if rank is None else str(rank), str(row.forecaster), str(row.n), str(row.n_with_peers),
         _f(row.peer_score, "+.1f"), DASH if row.peer_lo is None else f"{row.peer_lo:+.1f}–{row.peer_hi:+.1f}",
         _f(row.relative_brier, "+.4f"), _f(row.brier, ".4f"), _f(row.log_loss, ".4f"))
        for rank, row in zip(ranks, board.rows))
    section.blocks.append(Table(("rank", "forecaster", "n", "n with peers", "peer score", "90% interval",
                                 "relative Brier", f"Brier ({board.brier_scale})", "log (nats)"),
                                ("r", "l", "r", "r", "r", "r", "r", "r", "r"), rows, lead=True))
    section.blocks.append(Para((
        f"Every forecaster on the selected predictions, policy {board_run.policy}: "
        f"{plural(board.n_forecasters, 'forecaster')}, {plural(board.n_questions, 'question')}, "
        f"{plural(board.n, 'forecast')}. Brier and log: lower is better. Relative Brier: own "
        "Brier minus the median of the others on the same question (negative is better). Peer score: "
        "Metaculus-style, 100 × (ln p − mean of the others' ln p) (positive is better); both average over the n "
        f"with peers. Ranked by {board.sort} (— : too few shared questions to rank).",)))
    return section


def claims_section(data) -> Section:
    """The research claims the selected predictions test, each with its latest assessment."""
    from .claims_report import OUTCOME_LABELS, VERDICT_LABELS
    from ..services.published import shown_column
    from .escape import host

    tested = {t.state.prediction.id for st in data.claims for t in st.tests}
    numbers = {pid: position + 1 for pid, position in zip(shown_column(data.shown, "id"),
                                                          shown_column(data.shown, "position")) if pid in tested}
    section = Section("claims", "Research claims these predictions test")
    rows = []
    for st in data.claims:
        c, src = st.claim, st.source
        if src and src.url:
            label = src.title or host(src.url)  # a URL with no host and no title shows nothing
            source: Any = Link(label, src.url) if label else DASH
        else:
            source = (src.title if src else None) or DASH
        verdict = VERDICT_LABELS.get(st.verdict, st.verdict)
        if st.current is not None:
            verdict += f" ({st.current.on.isoformat()}, {st.current.by})"
        tested = ", ".join(f"#{numbers[t.state.prediction.id]}" for t in st.tests if t.state.prediction.id in numbers)
        outcome = OUTCOME_LABELS.get(st.test_outcome, st.test_outcome) + (f" ({tested})" if tested else "")
        rows.append((f"“{c.quote}”", c.claimant or DASH, source, verdict, outcome))
    section.blocks.append(Table(("claim", "claimant", "source", "latest assessment", "tested by"), ("l",) * 5,
                                tuple(rows)))
    section.blocks.append(Para(("A claim is borne out when every prediction that tests it happened (annulled ones "
                                "aside); its verdict is its latest assessment. ", Styled("pledger claims-report", "code"),
                                " has the history.",)))
    return section


# -- the appendix ----------------------------------------------------------------------------------


def technical_section(data, report, parts) -> Section:
    """Every yes/no rule's figures (looping over the registry), the calibration tables, the decomposition,
    the gap's parts and the bootstrap."""
    from ..scoring.registry import rules_for

    run = data.run
    policy = run.policy
    section = Section("appendix-scores", "Every score" if "scores" in parts else "Calibration tables", level=3)
    boot = getattr(report, "bootstrap", None) if run.report is not None else None
    if "scores" in parts:
        g = report.results.get("gap")
        if g is not None and g.n:  # no yes/no prediction scored (numeric or multiple-choice only): no gap
            section.blocks.append(Para((
                Styled("The post's rule (gap)", "strong"),
                f": each prediction earns {POINTS_RULE}. Total {points(g.total)} over n={g.n} (mean "
                f"{_f(g.mean, '+.3f')}; spread under the forecasts' own probabilities {_f(g.spread, '.2f')}; z = "
                f"{fig(g.z, 'gap', 'z')}). Confident side (folded): {_part(g.folded)}; above 50%: {_part(g.above)}; "
                f"at 50%: {_part(g.at_half)}; below 50%: {_part(g.below)}. The gap says how the subject did against "
                "the forecasts; it is not a proper score and never ranks forecasters.",)))
        # The gap has its own sentence above.
        rows = rule_rows(policy, report, scale=run.rules["brier_scale"], leave_out=("gap",))
        level = f"{round(100 * boot.level)}% interval" if boot is not None else "interval"
        section.blocks.append(Table(("score", "value", "n", level, "better"), ("l", "r", "r", "r", "l"), tuple(rows),
                                    always=("value",)))
        if boot is not None:
            note = f"Intervals: {boot.method}, {round(100 * boot.level)}%; the skill and baseline scores have none."
            if boot.n is not None and boot.n < 10:
                note += f" With n={boot.n} the intervals mean little."
        elif run.report is not None:
            note = "No intervals: the bootstrap was off."
        else:
            note = "Scores over time have no intervals."
        section.blocks.append(Para((note,)))
    if "calibration" in parts:
        for rule in rules_for(BINARY, policy):
            if rule.table != "calibration" or rule.name not in report.results:
                continue
            cal = report.results[rule.name]
            section.blocks.append(Para((Styled(rule.title, "strong"), f" ({cal.strategy} bins, n={cal.n}):")))
            section.blocks.append(calibration_table_block(cal))
        cal = report.results.get("calibration")
        if cal is not None:
            d = cal.decomposition
            text = (f"Expected calibration error {_f(cal.ece, '.4f')} (n={cal.n}); discrimination "
                    f"{_f(cal.discrimination, '+.3f')} (mean p on what happened minus mean p on what did not). "
                    f"Brier = reliability {_f(d.reliability, '.4f')} − resolution {_f(d.resolution, '.4f')} + "
                    f"uncertainty {_f(d.uncertainty, '.4f')}")
            if cal.strategy != "distinct":  # one bin per probability: the within-bin terms are 0 by construction
                text += (f" + within-bin variance {_f(d.within_bin_variance, '.4f')} − within-bin covariance "
                         f"{_f(d.within_bin_covariance, '.4f')}")
            section.blocks.append(Para((text + f" = {_f(d.brier, '.4f')} (0-1 scale).",)))
    return section


def _part(part) -> str:
    if not part.n:
        return f"{DASH} (n=0)"
    z = "" if part.z is None else f", z = {fig(part.z, 'gap', 'z')}"
    return f"{points(part.total)} (n={part.n}{z})"


def rules_section(data, levels_above: bool = True) -> Section:
    """The rules every figure was computed by. levels_above: the card shows figures by confidence level."""
    r = data.run.rules
    section = Section("appendix-rules", "How this was scored", level=3)
    items = [
        f"Forecast policy: {r['policy']}, {r['policy_rule']}.",
        f"Scored: {r['scored_rule']}.",
        f"Outcomes: {r['outcome_rule']}.",
        f"Points and gap: the post's rule, {POINTS_RULE}; the gap is their sum. Not a proper score.",
        f"Brier: {r['brier']}.",
        f"Log score: {r.get('log') or 'mean of -ln p(outcome)'}; eps = {r['eps']:g}, {r['clipped']} clipped.",
    ]
    if r.get("bins"):
        items.append(f"Calibration bins: {r['bins']}, {r['edge_rule']}; intervals: {round(100 * r['wilson_level'])}% "
                     f"Wilson score intervals. {'The confidence levels above' if levels_above else 'Confidence levels'}: "
                     "the folded probabilities in "
                     f"[50%, {', '.join(percent(x) for x in LEVELS[1:-1])}, 100%], the last level closed.")
    items.append(f"Score intervals: {r['bootstrap']}." if r.get("bootstrap") else "Score intervals: none (bootstrap off).")
    for kind, info in data.run.kinds.items():
        if info.get("scored_with"):
            items.append(f"{KIND_LABELS[kind].capitalize()} questions: scored with {', '.join(info['scored_with'])} "
                         "(docs/scoring.md).")
    section.blocks.append(Items(tuple((item,) for item in items)))
    return section
