"""Terminal rendering (rich) and JSON shapes for records. No logic beyond presentation."""

from __future__ import annotations

from ..names import name_key
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
        from .tables import Column, fit_table

        show_by = len({name_key(s.prediction.by) for s in states}) > 1
        show_due = any(s.prediction.due for s in states)
        # Ids, p, dates, marks and points never wrap or get cut (an id is copied
        # into `pledger show`); the claim wraps. On a narrow terminal the due
        # date, the date made and the author give way, in that order.
        columns = [Column("id"), Column("claim", text=True, min_width=16, comfortable=30), Column("p", "right")]
        cells = [lambda s: s.prediction.id, lambda s: _escape(s.prediction.claim), _p_text]
        if show_by:
            columns.append(Column("by", text=True, min_width=8, max_width=16, optional=3))
            cells.append(lambda s: _escape(s.prediction.by))
        columns.append(Column("made", optional=2))
        cells.append(lambda s: str(s.prediction.made))
        if show_due:
            columns.append(Column("due", optional=1))
            cells.append(lambda s: str(s.prediction.due or ""))
        columns += [Column("outcome"), Column("points", "right")]
        cells += [mark, lambda s: "" if points(s) is None else f"{points(s):+.2f}"]
        table = fit_table(out, columns, [[cell(s) for cell in cells] for s in states], title=title, expand=False)
        if table is None:
            _stacked_listing(states, out)
        else:
            out.print(table)
    resolved = [points(s) for s in states if points(s) is not None]
    shown = f"{len(states)} of {total}" if len(states) != total else f"{total}"
    line = f"{shown} prediction{'' if total == 1 else 's'}; {len(resolved)} resolved yes/no"
    if resolved:
        line += f", points under the post's rule (1-p if it happened, -p if not): {sum(resolved):+.2f}"
    out.print(line)


def _stacked_listing(states: list[PredictionState], out) -> None:
    """For terminals too narrow for the table: a line of id, p, outcome and
    points per prediction, its claim wrapped and indented below."""
    from rich.padding import Padding
    from rich.text import Text

    id_width = max(len(s.prediction.id) for s in states)
    p_width = max(len(_p_text(s)) for s in states)
    for s in states:
        pts = points(s)
        line = f"{s.prediction.id:<{id_width}}  {_p_text(s):>{p_width}}  {mark(s)}"
        out.print(Text(line + ("" if pts is None else f"  {pts:+.2f}")))
        out.print(Padding(Text(s.prediction.claim), (0, 0, 0, 4)))


def _plain_listing(states: list[PredictionState], out) -> None:
    import sys

    write = sys.stdout.write
    # Ids in full (they are copied into `pledger show`), however long.
    id_width = max([2] + [len(s.prediction.id) for s in states])
    write(f"{'id':<{id_width}} {'p':>6} {'made':<10} {'outcome':<12} claim\n")
    for s in states:
        pr = s.prediction
        write(f"{pr.id:<{id_width}} {pr.p_typed:>6} {pr.made!s:<10} {mark(s):<12} {pr.claim[:80]}\n")
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
