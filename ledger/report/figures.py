"""The figures of a report as rows to print, from the scoring registry.

The terminal (`pledger score`), the scorecard and the site loop over these rows;
none of them names a score. A row is text already formatted, with its n, its
interval when there is one, and which way is better.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scoring.registry import Rule, figure_value, rules_for

DASH = "—"
FEW = 10  # below this many forecasts an interval is printed with a warning (docs/scoring.md, section 6)


@dataclass(frozen=True)
class FigureRow:
    rule: str  # the registry rule's name
    label: str
    value: str
    n: int
    interval: str  # "lo–hi", or "" when none
    better: str | None
    note: str | None


def figure_rows(report, policy: str, *, scale: str = "0-1", tables: bool = False) -> list[FigureRow]:
    """Every figure of the rules that applied to `report` (a ScoreReport or KindReport), in registry order.

    tables -- include the figures of table rules (the calibration's ECE); the
              tables themselves are drawn by each renderer
    """
    kind = getattr(report, "kind", "binary")
    boot = getattr(report, "bootstrap", None)
    rows = []
    for rule in rules_for(kind, policy):
        result = report.results.get(rule.name)
        if result is None or (rule.table and not tables):
            continue
        rows += rule_rows(rule, result, scale, boot)
    return rows


def rule_rows(rule: Rule, result, scale: str, boot=None) -> list[FigureRow]:
    out = []
    for fig in rule.figures:
        value = figure_value(result, fig.path)
        n = figure_value(result, fig.n) if fig.n else getattr(result, "n", 0)
        interval = ""
        if fig.interval and boot is not None:
            iv = getattr(boot, fig.interval, None)
            if iv is not None and iv.lo is not None:
                interval = f"{iv.lo:.4f}–{iv.hi:.4f}"
                if int(n or 0) < FEW or iv.lo == iv.hi:
                    interval += f" (from {int(n or 0)} forecast{'' if int(n or 0) == 1 else 's'}: not to be relied on)"
        note = fig.note
        if fig.flag is not None:
            count = figure_value(result, fig.flag[0])
            if count:
                said = fig.flag[1].format(count)
                note = f"{note}; {said}" if note else said
        out.append(FigureRow(rule.name, _label(fig.label, scale, result), _value(value, fig.fmt), int(n or 0),
                             interval, fig.better, note))
    return out


def _label(label: str, scale: str, result) -> str:
    base = getattr(result, "base_rate", None)
    return label.format(scale=scale, base_rate=DASH if base is None else f"{100 * base:.0f}%")


def _value(x, fmt: str) -> str:
    if x is None:
        return DASH
    out = format(x, fmt)
    if fmt.startswith("+") and float(out) == 0:
        return format(0.0, fmt)  # never "-0.000"
    return out


def by_unit_rows(report) -> list[tuple[str, str, str, int]]:
    """Numeric scores that depend on the unit, one row per unit: (label, unit, value, n)."""
    rows = []
    for rule in rules_for(getattr(report, "kind", "binary"), getattr(report, "policy", "first")):
        result = report.results.get(rule.name)
        per = getattr(result, "by_unit", ()) if result is not None else ()
        if len(per) > 1:
            for fig in rule.figures:
                for u in per:
                    rows.append((fig.label, u.unit or "(no unit)", _value(u.mean, fig.fmt), u.n))
    return rows
