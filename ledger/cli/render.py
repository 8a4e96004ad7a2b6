"""Terminal rendering (rich) and JSON shapes for records. No logic beyond presentation.

Every piece of ledger text goes through visible() (as markup() in rich markup):
control characters are shown, never sent. Piped, tables take form.write_table's
tab-separated form.
"""

from __future__ import annotations

import datetime as dt

from ..names import name_key
from ..records import Forecast, Outcome
from ..services.select import PredictionHistory, PredictionState
from .common import console
from .form import piped, write_table
from .visible import markup, visible

MARKS = {"yes": "✅ yes", "no": "❌ no", "annulled": "➖ annulled", "open": "⏳ open", "due": "⌛ due"}
# Above this many rows a plain fixed-width listing replaces the rich table: rich
# measures every cell, which is slow for very large ledgers.
RICH_TABLE_LIMIT = 2000


def points(state: PredictionState) -> float | None:
    """The post's rule on the published p, as the engine computes it (PredictionState.points)."""
    return state.points


# The p column of another kind of question names it; its forecast goes under the claim.
KIND_COLUMN = {"multiple-choice": "options", "numeric": "quantiles"}


def _p_text(s: PredictionState) -> str:
    """The published p as typed; an arrow to the author's latest forecast when it moved."""
    pr = s.prediction
    if pr.kind != "binary":
        return KIND_COLUMN[pr.kind]
    if s.latest_p is None or s.latest_p == pr.p:
        return pr.p_typed
    return f"{pr.p_typed}→{s.latest_p:.0%}"


def _claim_text(s: PredictionState) -> str:
    """The claim; for another kind of question its published forecast below it."""
    pr = s.prediction
    if pr.kind == "binary":
        return pr.claim
    return f"{pr.claim}\n  {pr.p_typed}"


def mark(state: PredictionState) -> str:
    if state.outcome is not None:
        result = state.outcome.result
        if result in MARKS and (state.prediction.kind == "binary" or result == "annulled"):
            return MARKS[result]
        return f"→ {visible(result)}"  # the option that happened (even one called yes), or the value
    return MARKS[state.status]


def word(state: PredictionState) -> str:
    """The outcome (or status) as a plain word, for the piped form: yes, no, annulled, open, due."""
    return state.outcome.result if state.outcome is not None else state.status


def _points_text(s: PredictionState) -> str:
    pts = points(s)
    return "" if pts is None else f"{pts:+.2f}"


PIPED_COLUMNS = ["id", "p", "outcome", "points", "made", "due", "by", "set", "claim"]


def _piped_row(s: PredictionState) -> list:
    pr = s.prediction
    p = _p_text(s) if pr.kind == "binary" else pr.p_typed  # another kind's forecast, on the one line
    return [pr.id, p, word(s), _points_text(s), pr.made, pr.due or "", pr.by, pr.set_id or "", pr.claim]


def summary_line(states: list[PredictionState], total: int) -> str:
    resolved = [points(s) for s in states if points(s) is not None]
    shown = f"{len(states)} of {total}" if len(states) != total else f"{total}"
    line = f"{shown} prediction{'' if total == 1 else 's'}; {len(resolved)} resolved yes/no"
    if resolved:
        line += f", points under the post's rule (1-p if it happened, -p if not): {sum(resolved):+.2f}"
    return line


def predictions_table(states: list[PredictionState], total: int, title: str | None = None) -> None:
    if piped():
        # Header and records on stdout; the count and points are not a record: stderr.
        write_table(PIPED_COLUMNS, (_piped_row(s) for s in states))
        if states:
            import sys

            sys.stderr.write(summary_line(states, total) + "\n")
        return
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
        cells = [lambda s: markup(s.prediction.id), lambda s: markup(_claim_text(s)), lambda s: markup(_p_text(s))]
        if show_by:
            columns.append(Column("by", text=True, min_width=8, max_width=16, optional=3))
            cells.append(lambda s: markup(s.prediction.by))
        columns.append(Column("made", optional=2))
        cells.append(lambda s: str(s.prediction.made))
        if show_due:
            columns.append(Column("due", optional=1))
            cells.append(lambda s: str(s.prediction.due or ""))
        columns += [Column("outcome"), Column("points", "right")]
        cells += [lambda s: markup(mark(s)), _points_text]
        table = fit_table(out, columns, [[cell(s) for cell in cells] for s in states], title=title, expand=False)
        if table is None:
            _stacked_listing(states, out)
        else:
            out.print(table)
    out.print(summary_line(states, total))


def when(due: dt.date, today: dt.date) -> str:
    """How a due date stands today: '12 days ago', 'today', 'in 3 days'."""
    days = (today - due).days
    if days == 0:
        return "today"
    n = abs(days)
    span = f"{n} day{'' if n == 1 else 's'}"
    return f"{span} ago" if days > 0 else f"in {span}"


DUE_PIPED_COLUMNS = ["id", "due", "days_overdue", "p", "by", "set", "claim"]


def due_table(states: list[PredictionState], today: dt.date, title: str) -> None:
    """The predictions `due` lists, with their due date and how overdue they are (or how soon due)."""
    if piped():
        write_table(DUE_PIPED_COLUMNS, ([s.prediction.id, s.prediction.due, (today - s.prediction.due).days,
                                         _p_text(s), s.prediction.by, s.prediction.set_id or "", s.prediction.claim]
                                        for s in states))
        return
    from .tables import Column, fit_table

    out = console()
    show_by = len({name_key(s.prediction.by) for s in states}) > 1
    columns = [Column("id"), Column("claim", text=True, min_width=16, comfortable=30), Column("p", "right")]
    cells = [lambda s: markup(s.prediction.id), lambda s: markup(s.prediction.claim), lambda s: markup(_p_text(s))]
    if show_by:
        columns.append(Column("by", text=True, min_width=8, max_width=16, optional=1))
        cells.append(lambda s: markup(s.prediction.by))
    columns += [Column("due"), Column("when", "right")]
    cells += [lambda s: str(s.prediction.due), lambda s: when(s.prediction.due, today)]
    table = fit_table(out, columns, [[cell(s) for cell in cells] for s in states], title=title, expand=False)
    if table is not None:
        out.print(table)
    else:
        from rich.padding import Padding
        from rich.text import Text

        for s in states:
            out.print(Text(f"{visible(s.prediction.id)}  due {s.prediction.due} ({when(s.prediction.due, today)})"))
            out.print(Padding(Text(visible(s.prediction.claim)), (0, 0, 0, 4)))
    n = len(states)
    out.print(f"{n} prediction{'' if n == 1 else 's'}")


def _stacked_listing(states: list[PredictionState], out) -> None:
    """For terminals too narrow for the table: a line of id, p, outcome and
    points per prediction, its claim wrapped and indented below."""
    from rich.padding import Padding
    from rich.text import Text

    from rich.cells import cell_len

    p_width = max(len(visible(_p_text(s))) for s in states)
    figures = []
    for s in states:
        pts = points(s)
        figures.append(f"{visible(_p_text(s)):>{p_width}}  {mark(s)}" + ("" if pts is None else f"  {pts:+.2f}"))
    # The ids padded to a column where the figures fit beside them; an id too long for that (a 40-column
    # terminal) gets its own line, the figures indented under it, rather than a line that wraps.
    room = out.width - 2 - max(map(cell_len, figures))
    id_width = min(max(len(s.prediction.id) for s in states), max(room, 0))
    for s, line in zip(states, figures):
        pid = visible(s.prediction.id)
        if len(pid) <= id_width:
            out.print(Text(f"{pid:<{id_width}}  {line}"))
        else:  # an id wider than the terminal too: the terminal folds it, so a copy of it is still one line
            out.print(Text(pid), soft_wrap=True)
            out.print(Padding(Text(line), (0, 0, 0, 4)))
        out.print(Padding(Text(visible(_claim_text(s))), (0, 0, 0, 4)))


def _plain_listing(states: list[PredictionState], out) -> None:
    import sys

    write = sys.stdout.write
    # Ids in full (they are copied into `pledger show`), however long.
    id_width = max([2] + [len(s.prediction.id) for s in states])
    write(f"{'id':<{id_width}} {'p':>6} {'made':<10} {'outcome':<12} claim\n")
    for s in states:
        pr = s.prediction
        write(f"{pr.id:<{id_width}} {visible(_p_text(s)):>6} {pr.made!s:<10} {mark(s):<12} "
              f"{visible(pr.claim[:80], line_breaks=False)}\n")
    _ = out


def _field_rows(h: PredictionHistory, plain: bool = False) -> list[tuple[str, str]]:
    s, pr = h.state, h.state.prediction
    rows = [
        *_forecast_fields(pr), ("by", pr.by), ("made", str(pr.made)), ("due", str(pr.due or "")),
        ("closes", str(pr.closes or "")),
        ("set", pr.set_id or ""), ("about", pr.about or ""), ("criteria", pr.criteria or ""),
        ("tags", ", ".join(pr.tags)), ("source", pr.source or ""), ("tests claims", ", ".join(pr.tests)),
        ("note", pr.note or ""), ("status", word(s) if plain else mark(s)), ("file", f"{pr.location.path}:{pr.location.line}"),
    ]
    pts = points(s)
    if pts is not None:
        rows.append(("points", f"{pts:+.2f} (post's rule: 1-p if it happened, -p if not)"))
    return [(key, value) for key, value in rows if value]


def history(h: PredictionHistory) -> None:
    if piped():
        _piped_history(h)
        return
    out = console()
    pr = h.state.prediction
    out.print(f"[bold]{markup(pr.id)}[/]: {markup(pr.claim)}")
    _fields(out, _field_rows(h))
    _forecast_history(out, h.forecasts)
    if h.outcomes:
        _outcome_history(out, h.outcomes)
    else:
        out.print("No outcome yet.")


def _forecast_fields(pr) -> list[tuple[str, str]]:
    """The published forecast's rows in `show`: p, or the kind and its options or quantiles."""
    from ..kinds import LABELS

    if pr.kind == "binary":
        return [("p", f"{pr.p_typed} ({pr.p:.4g})")]
    kind = LABELS[pr.kind] + (", ordered options" if pr.ordered else "") + (", dates" if pr.dates else "")
    key = "options" if pr.kind == "multiple-choice" else "quantiles"
    return [("kind", kind), (key, pr.p_typed), ("unit", pr.unit or "")]


def _fields(out, rows: list[tuple[str, str]]) -> None:
    """The prediction's fields, a key a line: values wrap beside their key (under it when the terminal is narrow)."""
    from rich.table import Table
    from rich.text import Text

    key_width = max(len(key) for key, _ in rows)
    if out.width - key_width - 4 >= 20:
        grid = Table.grid(padding=(0, 0, 0, 2))
        grid.add_column(justify="right", style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        for key, value in rows:
            grid.add_row(key, Text(visible(value)))
        out.print(grid)
        return
    from rich.padding import Padding

    for key, value in rows:
        line = Text.assemble((key + ": ", "dim"), visible(value), overflow="fold")
        out.print(Padding(line, (0, 0, 0, 2), expand=False))


def _where(record) -> str:
    return f"{record.location.path}:{record.location.line}"


def _forecast_history(out, forecasts: list[Forecast]) -> None:
    """Every forecast, oldest first: a table when it fits (dates, p and the file never cut, the
    forecaster and the note wrap), else a line per forecast with its file and note below."""
    from .tables import Column, fit_table

    title = "Forecasts"
    column = "p" if all(f.kind == "binary" for f in forecasts) else "forecast"
    columns = [Column("at"), Column("by", text=True, min_width=6, max_width=20), Column(column, "right")]
    cells = [lambda f: str(f.at), lambda f: markup(f.by), None]
    if any(f.note for f in forecasts):
        columns.append(Column("note", text=True, min_width=12, comfortable=24))
        cells.append(lambda f: markup(f.note or ""))
    columns.append(Column("where"))
    cells.append(lambda r: markup(_where(r)))
    for published in (" (published)", "\n(published)"):  # the mark under the p when the line is short
        cells[2] = lambda f: f"{markup(f.p_typed)}{published if f.initial else ''}"  # noqa: B023
        table = fit_table(out, columns, [[cell(f) for cell in cells] for f in forecasts], title=title, expand=False)
        if table is not None:
            out.print(table)
            return
    out.print(f"[bold]{title}[/]")
    for f in forecasts:
        p = f"{f.p_typed}{' (published)' if f.initial else ''}"
        _stacked(out, [str(f.at), p, f.by], [_where(f)] + ([f"note: {f.note}"] if f.note else []))


def _outcome_history(out, outcomes: list[Outcome]) -> None:
    """Every outcome entry, oldest first: a table when it fits, else a line per entry (date, result,
    who) with its file, evidence and note below."""
    from .tables import Column, fit_table

    title = "Outcome entries (the last correction stands)"
    result = lambda o: f"{o.result}{' (correction)' if o.correction else ''}"  # noqa: E731
    evidence = lambda o: [e.url or e.quote or "" for e in o.evidence]  # noqa: E731
    columns = [Column("on"), Column("result"), Column("by", text=True, min_width=6, max_width=20)]
    cells = [lambda o: str(o.on), result, lambda o: markup(o.by)]
    if any(o.evidence for o in outcomes):
        columns.append(Column("evidence", text=True, min_width=16, comfortable=30))
        cells.append(lambda o: "\n".join(markup(e) for e in evidence(o)))
    if any(o.note for o in outcomes):
        columns.append(Column("note", text=True, min_width=12, comfortable=24))
        cells.append(lambda o: markup(o.note or ""))
    columns.append(Column("where"))
    cells.append(lambda r: markup(_where(r)))
    table = fit_table(out, columns, [[cell(o) for cell in cells] for o in outcomes], title=title, expand=False)
    if table is not None:
        out.print(table)
        return
    out.print(f"[bold]{title}[/]")
    for o in outcomes:
        below = [_where(o)] + (["evidence:", *evidence(o)] if o.evidence else []) + ([f"note: {o.note}"] if o.note else [])
        _stacked(out, [str(o.on), result(o), f"by {o.by}"], below)


def _stacked(out, head: list[str], below: list[str]) -> None:
    """One record on a narrow terminal: its short fields on a line, the rest indented below
    (a file path or link longer than the line folds onto the next one, never cut)."""
    from rich.padding import Padding
    from rich.text import Text

    out.print(Padding(Text(visible("  ".join(head)), overflow="fold"), (0, 0, 0, 2), expand=False))
    for line in below:
        line = visible(line)
        indent = 6 if len(line) + 6 <= out.width else 2
        out.print(Padding(Text(line, overflow="fold"), (0, 0, 0, indent), expand=False))


def _piped_history(h: PredictionHistory) -> None:
    """show, piped: the fields as `key<TAB>value` lines, then each history as a titled table."""
    import sys

    pr = h.state.prediction
    write_table(["field", "value"], [("id", pr.id), ("claim", pr.claim), *_field_rows(h, plain=True)])
    sys.stdout.write("\n")
    write_table(["at", "by", "p", "published", "note", "where"],
                ([f.at, f.by, f.p_typed, "yes" if f.initial else "", f.note or "", _where(f)] for f in h.forecasts),
                title="forecasts")
    sys.stdout.write("\n")
    write_table(["on", "result", "correction", "by", "evidence", "note", "where"],
                ([o.on, o.result, "yes" if o.correction else "", o.by, " ".join(e.url or e.quote or "" for e in o.evidence),
                  o.note or "", _where(o)] for o in h.outcomes),
                title="outcome entries (the last correction stands)")


def state_dict(s: PredictionState) -> dict:
    pr = s.prediction
    data = {
        "id": pr.id, "claim": pr.claim, "p": pr.p, "p_typed": pr.p_typed, "latest_p": s.latest_p, "forecasts": s.forecasts,
        "by": pr.by, "made": pr.made, "due": pr.due, "set": pr.set_id, "about": pr.about, "criteria": pr.criteria,
        "tags": list(pr.tags), "source": pr.source, "tests": list(pr.tests), "note": pr.note, "status": s.status,
        "outcome": outcome_dict(s.outcome) if s.outcome else None, "points": points(s),
        "file": pr.location.path, "line": pr.location.line,
    }
    if pr.kind != "binary":  # a yes/no question's keys are what they always were (docs/cli.md)
        data.update(kind_dict(pr))
    elif pr.closes:
        data["closes"] = pr.closes
    return data


def kind_dict(r) -> dict:
    """A multiple-choice or numeric prediction's or forecast's own keys."""
    if r.kind == "multiple-choice":
        data = {"kind": r.kind, "options": [{"option": o.label, "p": o.p, "p_typed": o.typed} for o in r.dist]}
    else:
        data = {"kind": r.kind, "quantiles": [{"level": q.level, "value": q.value, "level_typed": q.level_typed,
                                                "value_typed": q.value_typed} for q in r.dist]}
    for key in ("ordered", "unit", "dates", "closes"):
        if getattr(r, key, None):
            data[key] = getattr(r, key)
    return data


def outcome_dict(o: Outcome) -> dict:
    data = {
        "result": o.result, "on": o.on, "by": o.by, "note": o.note, "correction": o.correction,
        "evidence": [e.to_dict() for e in o.evidence], "file": o.location.path, "line": o.location.line,
    }
    if o.value is not None:
        data["value"] = o.value
    return data


def forecast_dict(f: Forecast) -> dict:
    data = {"p": f.p, "p_typed": f.p_typed, "by": f.by, "at": f.at, "note": f.note, "published": f.initial,
            "file": f.location.path, "line": f.location.line}
    if f.kind != "binary":
        data.update(kind_dict(f))
    return data


def history_dict(h: PredictionHistory) -> dict:
    data = state_dict(h.state)
    data["forecast_history"] = [forecast_dict(f) for f in h.forecasts]
    data["outcome_history"] = [outcome_dict(o) for o in h.outcomes]
    return data
