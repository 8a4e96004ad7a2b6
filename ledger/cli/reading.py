"""Commands that read: list, show, due, check, and edit (which opens a record's file in your editor)."""


from typing import Annotated, Optional

import typer

from .common import JSON_HELP, completer, open_ledger, parse_date, print_json, print_json_document, refuse_folder

JsonOpt = Annotated[bool, typer.Option("--json", help=JSON_HELP)]
SetOpt = Annotated[Optional[str], typer.Option("--set", help="Only this set.", autocompletion=completer("sets"))]
ByOpt = Annotated[Optional[str], typer.Option("--by", help="Only predictions this forecaster made or forecast on.")]
TagOpt = Annotated[Optional[list[str]], typer.Option("--tag", help="Only predictions with this tag (repeat: all of them; any case).", autocompletion=completer("tags"))]
IdArg = Annotated[str, typer.Argument(help="The prediction's id.", metavar="ID", autocompletion=completer("ids"))]
AboutOpt = Annotated[Optional[str], typer.Option("--about", help="Only predictions whose subject contains this text.")]
SinceOpt = Annotated[Optional[str], typer.Option("--since", help="Only predictions made on or after this date.")]
UntilOpt = Annotated[Optional[str], typer.Option("--until", help="Only predictions made on or before this date.")]
# --limit's ceiling: far above any ledger, and within what SQLite's LIMIT takes (a 64-bit int).
MAX_LIMIT = 1_000_000_000
StatusOpt = Annotated[Optional[str], typer.Option("--status", help="open, due, resolved or annulled.")]


def register(app: typer.Typer) -> None:
    app.command("list")(list_predictions)
    app.command("show")(show)
    app.command("due")(due)
    app.command("check")(check)
    app.command("edit")(edit)


def build_selection(set_id=None, by=None, tag=None, about=None, since=None, until=None, status=None):
    from ..errors import UsageError
    from ..services.select import STATUSES, Selection

    if status is not None and status not in STATUSES:
        raise UsageError(f"--status must be one of {', '.join(STATUSES)}, not {status!r}", "--status")
    # Tags are slugs, lowercase (models.check_slug): --tag PEFT finds `peft`, as names match ignoring case.
    return Selection(
        set_id=set_id, by=by, tags=tuple(t.strip().lower() for t in tag or ()), about=about, status=status,
        since=parse_date(since, "--since"), until=parse_date(until, "--until"),
    )


def filter_flags(selection) -> list[str]:
    """The selection's filters as the options that set them: ["--set nope", "--tag x"]."""
    import shlex

    s = selection
    pairs = [("--set", s.set_id), ("--by", s.by), *(("--tag", t) for t in s.tags), ("--about", s.about),
             ("--status", s.status), ("--since", s.since and s.since.isoformat()),
             ("--until", s.until and s.until.isoformat())]
    return [f"{flag} {shlex.quote(value)}" for flag, value in pairs if value]


def note_nothing_matched(selection, what: str = "predictions", ledger=None) -> None:
    """Say on stderr that the filters matched nothing, naming them (the output itself stays as it was),
    and which --set or --tag the ledger has no such thing as, with the nearest one it has."""
    from .visible import visible

    flags = filter_flags(selection)
    where = f"match {' '.join(flags)}" if flags else "are in the ledger"
    typer.echo(visible(f"pledger: no {what} {where}{nothing_hint(selection, ledger)}", line_breaks=False), err=True)


def nothing_hint(selection, ledger) -> str:
    """'; no set 'x' (did you mean 'y'?)' for filters naming what the ledger lacks, else ''."""
    if ledger is None:
        return ""
    from ..services.queries import unknown_filters

    notes = unknown_filters(ledger, selection)
    return "; " + "; ".join(notes) if notes else ""


def list_predictions(
    ctx: typer.Context,
    set_id: SetOpt = None,
    by: ByOpt = None,
    tag: TagOpt = None,
    about: AboutOpt = None,
    status: StatusOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, max=MAX_LIMIT, help="Show at most this many (the first, in ledger order).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List predictions in ledger order (made, file, position), with status and points.

    \b
    Examples:
      pledger list --set anthropic-sae-2024 --status resolved
      pledger list --tag PEFT
      pledger list | grep -i lora
    """
    from ..services.queries import list_states, listing
    from . import render

    selection = build_selection(set_id, by, tag, about, since, until, status)
    ledger = open_ledger(ctx)
    if json_out:  # streamed: a prediction at a time from the index to the output
        with listing(ledger, selection, limit) as found:
            total, problems = found.total, found.problems
            print_json_document({"selection": selection.describe(), "count": total}, "predictions",
                                (render.state_dict(s) for s in found.states))
    else:
        states, total, problems = list_states(ledger, selection, limit)
        render.predictions_table(states, total=total)
    if not total:  # not an error (exit 0): an empty answer is an answer, but say which filter gave it
        note_nothing_matched(selection, ledger=ledger)
    from .common import warn_problems

    warn_problems(problems)


def show(
    ctx: typer.Context,
    prediction_id: IdArg,
    json_out: JsonOpt = False,
) -> None:
    """Show one prediction with its whole history: every forecast and every outcome entry.

    \b
    Example:
      pledger show peft-beats-lora
    """
    from ..services.queries import history
    from . import render

    ledger = open_ledger(ctx)
    found = history(ledger, prediction_id)
    if found is None:
        from ..services.queries import unknown_id

        raise unknown_id(ledger, "prediction", prediction_id)
    if json_out:
        print_json(render.history_dict(found))
    else:
        render.history(found)
    from .common import warn_ledger_problems

    warn_ledger_problems(ledger)


# `due --exit-code`: something is due. Not 1, 2 or 3, which say the command failed (docs/errors.md).
DUE_EXIT = 4
MAX_WITHIN_DAYS = 36_600  # a century: far enough, and well inside what a date can hold


def parse_within(text: str | None) -> int | None:
    """--within as a number of days: 14, 14d or 2w."""
    if text is None:
        return None
    from ..errors import UsageError

    value = text.strip().lower()
    unit = 7 if value.endswith("w") else 1
    number = value[:-1] if value[-1:] in ("d", "w") else value
    if not number.isdigit() or len(number) > 6:
        raise UsageError(f"--within: {text!r} is not a span; write days or weeks: 14d, 2w (or 14)", "--within")
    days = int(number) * unit
    if days > MAX_WITHIN_DAYS:
        raise UsageError(f"--within: at most {MAX_WITHIN_DAYS:,} days (a century), not {days:,}", "--within")
    return days


def due(
    ctx: typer.Context,
    set_id: SetOpt = None,
    by: ByOpt = None,
    tag: TagOpt = None,
    within: Annotated[Optional[str], typer.Option("--within", help="Also what comes due within this span of today: 14d, 2w (or days).", metavar="SPAN")] = None,
    exit_code: Annotated[bool, typer.Option("--exit-code", help=f"Exit with {DUE_EXIT} when anything is listed, 0 when nothing is (for cron).")] = False,
    ics: Annotated[Optional[str], typer.Option("--ics", help="Write the due dates as an iCalendar file ('-': stdout): every unresolved prediction with a due date, or those --within.", metavar="FILE")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List predictions past their due date and not yet resolved, oldest first, with how long overdue.

    \b
    Examples:
      pledger due
      pledger due --within 2w --exit-code
      pledger due --set reading-group-2025 --ics due.ics
    """
    from ..errors import UsageError
    from ..services.defaults import today
    from ..services.queries import due_states
    from . import render
    from .common import is_stdio

    days = parse_within(within)
    if ics is not None and is_stdio(ics) and json_out:
        raise UsageError("--ics - and --json would both write to standard output; give --ics a FILE", "--ics")
    selection = build_selection(set_id, by, tag)
    ledger = open_ledger(ctx)
    states, problems = due_states(ledger, selection, days, every=ics is not None and days is None)
    day = today()
    if ics is not None:
        _write_ics(ics, states, day)
    if json_out:
        print_json({"today": day, "within_days": days, "count": len(states), "predictions": [
            {**render.state_dict(s), "days_overdue": (day - s.prediction.due).days} for s in states]})
    elif ics is None:
        if not states and not render.piped():
            typer.echo("Nothing is past due." if days is None else f"Nothing is due within {days} days.")
        else:
            title = "Past due, unresolved" if days is None else f"Unresolved, due by {day + _days(days)}"
            render.due_table(states, day, title)
    from .common import warn_problems

    warn_problems(problems)
    if exit_code and states:
        raise typer.Exit(DUE_EXIT)


def _days(n: int):
    import datetime as dt

    return dt.timedelta(days=n)


def _write_ics(target: str, states, day) -> None:
    import sys
    from pathlib import Path

    from ..report.calendar import render_ics
    from ..version import __version__
    from .common import is_stdio

    data = render_ics(states, day, __version__)
    if is_stdio(target):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from ..store.write import write_atomic

    refuse_folder(target, "--ics", "name the calendar file")
    path = Path(target)
    write_atomic(path, data)  # a failure (a full disk, no such folder) is a LedgerError naming the file: exit 1
    n = len(states)
    typer.echo(f"Wrote {target}: {n} event{'' if n == 1 else 's'}", err=True)


def check(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Validate the whole ledger and report every problem as path:line:col: message.

    Exits 1 when there is any problem, 0 when the ledger is clean.

    \b
    Examples:
      pledger check
      pledger check --json
    """
    from ..services.queries import check_ledger
    from .common import ledger_root_for_paths

    ledger = open_ledger(ctx)
    report = check_ledger(ledger)
    if json_out:
        print_json(report.to_dict())
    else:
        from .visible import visible

        root = ledger_root_for_paths()
        for problem in report.problems:
            typer.echo(visible(problem.render(root), line_breaks=False))
        typer.echo(report.summary(), err=bool(report.problems))
    if report.problems:
        raise typer.Exit(1)


def edit(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(help="A prediction's id (or a claim's).", metavar="ID",
                                             autocompletion=completer("ids"))],
) -> None:
    """Open the file that defines a prediction (or claim) in $VISUAL or $EDITOR, at its line.

    vi, emacs, nano and most terminal editors open at the line (+LINE); so do
    VS Code (--goto FILE:LINE), Sublime Text, Zed and Helix (FILE:LINE).

    \b
    Examples:
      pledger edit rg25-textbook
      pledger edit sae-interpretable-large-models
    """
    import os

    from ..services.queries import locate_record
    from .editor import chosen_editor, open_in_editor

    editor = chosen_editor()  # before the ledger is read: with no editor there is nothing to do
    ledger = open_ledger(ctx)
    where = locate_record(ledger, record_id)
    open_in_editor(editor, os.path.join(os.fspath(ledger.root), where.path), where.line)
