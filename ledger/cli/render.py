"""Terminal rendering (rich) and JSON shapes for records. No logic beyond presentation."""

from __future__ import annotations

from ..records import Forecast, Outcome
from ..services.select import PredictionHistory, PredictionState
from .common import console

MARKS = {"yes": "✅ yes", "no": "❌ no", "annulled": "➖ annulled", "open": "⏳ open", "due": "⌛ due"}
# Above this many rows a plain fixed-width listing replaces the rich table: rich
# measures every cell, which is slow for very large ledgers.
RICH_TABLE_LIMIT = 2000


def points(state: PredictionState) -> float | None:
    """The post's rule: (1 - p) if it happened, -p if not (on the published p)."""
    happened = state.happened
    if happened is None:
        return None
    p = state.prediction.p
    return (1.0 - p) if happened else -p


def _p_text(s: PredictionState) -> str:
    """The published p as typed; an arrow to the author's latest forecast when it moved."""
    pr = s.prediction
    if s.latest_p is None or s.latest_p == pr.p:
        return pr.p_typed
    return f"{pr.p_typed}→{s.latest_p:.0%}"


def mark(state: PredictionState) -> str:
    if state.outcome is not None:
        return MARKS[state.outcome.result]
    return MARKS[state.status]


def predictions_table(states: list[PredictionState], total: int, title: str | None = None) -> None:
    out = console()
    if not states:
        out.print("No predictions match.")
        return
    if len(states) > RICH_TABLE_LIMIT:
        _plain_listing(states, out)
    else:
        from rich.table import Table

        show_by = len({s.prediction.by for s in states}) > 1
        show_due = any(s.prediction.due for s in states)
        table = Table(title=title, header_style="bold", expand=False)
        id_width = min(max(len(s.prediction.id) for s in states), 22)
        p_width = max(len(_p_text(s)) for s in states)
        by_width = min(max(len(s.prediction.by) for s in states), 16) if show_by else 0
        show_made = True

        def claim_room() -> int:
            widths = [id_width, p_width, by_width, 10 if show_made else 0, 10 if show_due else 0, 11, 6]
            return out.width - sum(widths) - 3 * (1 + sum(1 for w in widths if w)) - 1

        # On a narrow terminal the claim matters more than the dates and long ids.
        if claim_room() < 24:
            show_made = False
        if claim_room() < 20:
            show_due = False
        if claim_room() < 16:
            id_width = 14
        claim_width = max(claim_room(), 8)
        table.add_column("id", no_wrap=True, max_width=id_width, overflow="ellipsis")
        table.add_column("claim", no_wrap=True, overflow="ellipsis", max_width=claim_width, min_width=claim_width)
        table.add_column("p", justify="right", no_wrap=True, min_width=p_width)
        if show_by:
            table.add_column("by", no_wrap=True, max_width=by_width, min_width=by_width, overflow="ellipsis")
        if show_made:
            table.add_column("made", no_wrap=True, min_width=10)
        if show_due:
            table.add_column("due", no_wrap=True, min_width=10)
        table.add_column("outcome", no_wrap=True, min_width=11)
        table.add_column("points", justify="right", no_wrap=True, min_width=6)
        for s in states:
            pr = s.prediction
            pts = points(s)
            cells = [pr.id, _escape(pr.claim), _p_text(s)]
            if show_by:
                cells.append(_escape(pr.by))
            if show_made:
                cells.append(str(pr.made))
            if show_due:
                cells.append(str(pr.due or ""))
            cells += [mark(s), "" if pts is None else f"{pts:+.2f}"]
            table.add_row(*cells)
        out.print(table)
    resolved = [points(s) for s in states if points(s) is not None]
    shown = f"{len(states)} of {total}" if len(states) != total else f"{total}"
    line = f"{shown} prediction{'' if total == 1 else 's'}; {len(resolved)} resolved yes/no"
    if resolved:
        line += f", points under the post's rule (1-p if it happened, -p if not): {sum(resolved):+.2f}"
    out.print(line)


def _plain_listing(states: list[PredictionState], out) -> None:
    import sys

    write = sys.stdout.write
    write(f"{'id':<32} {'p':>6} {'made':<10} {'outcome':<12} claim\n")
    for s in states:
        pr = s.prediction
        write(f"{pr.id[:32]:<32} {pr.p_typed[:6]:>6} {pr.made!s:<10} {mark(s):<12} {pr.claim[:80]}\n")
    _ = out


def history(h: PredictionHistory) -> None:
    from rich.table import Table

    out = console()
    s, pr = h.state, h.state.prediction
    out.print(f"[bold]{_escape(pr.id)}[/]: {_escape(pr.claim)}")
    rows = [
        ("p", f"{pr.p_typed} ({pr.p:.4g})"), ("by", pr.by), ("made", str(pr.made)), ("due", str(pr.due or "")),
        ("set", pr.set_id or ""), ("about", pr.about or ""), ("criteria", pr.criteria or ""),
        ("tags", ", ".join(pr.tags)), ("source", pr.source or ""), ("tests claims", ", ".join(pr.tests)),
        ("note", pr.note or ""), ("status", mark(s)), ("file", f"{pr.location.path}:{pr.location.line}"),
    ]
    pts = points(s)
    if pts is not None:
        rows.append(("points", f"{pts:+.2f} (post's rule: 1-p if it happened, -p if not)"))
    for key, value in rows:
        if value:
            out.print(f"  [dim]{key:>12}[/]  {_escape(value)}")
    table = Table(title="Forecasts", header_style="bold")
    for col in ("at", "by", "p", "note", "where"):
        table.add_column(col)
    for f in h.forecasts:
        table.add_row(str(f.at), _escape(f.by), f"{f.p_typed}{' (published)' if f.initial else ''}", _escape(f.note or ""),
                      f"{f.location.path}:{f.location.line}")
    out.print(table)
    if h.outcomes:
        table = Table(title="Outcome entries (the last correction stands)", header_style="bold")
        for col in ("on", "result", "by", "evidence", "note", "where"):
            table.add_column(col)
        for o in h.outcomes:
            ev = "; ".join(e.url or e.quote or "" for e in o.evidence)
            result = f"{o.result}{' (correction)' if o.correction else ''}"
            table.add_row(str(o.on), result, _escape(o.by), _escape(ev), _escape(o.note or ""), f"{o.location.path}:{o.location.line}")
        out.print(table)
    else:
        out.print("No outcome yet.")


def state_dict(s: PredictionState) -> dict:
    pr = s.prediction
    return {
        "id": pr.id, "claim": pr.claim, "p": pr.p, "p_typed": pr.p_typed, "latest_p": s.latest_p, "forecasts": s.forecasts,
        "by": pr.by, "made": pr.made, "due": pr.due, "set": pr.set_id, "about": pr.about, "criteria": pr.criteria,
        "tags": list(pr.tags), "source": pr.source, "tests": list(pr.tests), "note": pr.note, "status": s.status,
        "outcome": outcome_dict(s.outcome) if s.outcome else None, "points": points(s),
        "file": pr.location.path, "line": pr.location.line,
    }


def outcome_dict(o: Outcome) -> dict:
    return {
        "result": o.result, "on": o.on, "by": o.by, "note": o.note, "correction": o.correction,
        "evidence": [e.to_dict() for e in o.evidence], "file": o.location.path, "line": o.location.line,
    }


def forecast_dict(f: Forecast) -> dict:
    return {"p": f.p, "p_typed": f.p_typed, "by": f.by, "at": f.at, "note": f.note, "published": f.initial,
            "file": f.location.path, "line": f.location.line}


def history_dict(h: PredictionHistory) -> dict:
    data = state_dict(h.state)
    data["forecast_history"] = [forecast_dict(f) for f in h.forecasts]
    data["outcome_history"] = [outcome_dict(o) for o in h.outcomes]
    return data


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
