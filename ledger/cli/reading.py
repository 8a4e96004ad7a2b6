"""Commands that read: list, show, due, check."""


from typing import Annotated, Optional

import typer

from .common import JSON_HELP, open_ledger, parse_date, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help=JSON_HELP)]
SetOpt = Annotated[Optional[str], typer.Option("--set", help="Only this set.")]
ByOpt = Annotated[Optional[str], typer.Option("--by", help="Only predictions this forecaster made or forecast on.")]
TagOpt = Annotated[Optional[list[str]], typer.Option("--tag", help="Only predictions with this tag (repeat: all of them).")]
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


def build_selection(set_id=None, by=None, tag=None, about=None, since=None, until=None, status=None):
    from ..errors import UsageError
    from ..services.select import STATUSES, Selection

    if status is not None and status not in STATUSES:
        raise UsageError(f"--status must be one of {', '.join(STATUSES)}, not {status!r}", "--status")
    return Selection(
        set_id=set_id, by=by, tags=tuple(tag or ()), about=about, status=status,
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


def note_nothing_matched(selection, what: str = "predictions") -> None:
    """Say on stderr that the filters matched nothing, naming them (the output itself stays as it was)."""
    from .visible import visible

    flags = filter_flags(selection)
    where = f"match {' '.join(flags)}" if flags else "are in the ledger"
    typer.echo(visible(f"pledger: no {what} {where}", line_breaks=False), err=True)


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

    Example: pledger list --set anthropic-sae-2024 --status resolved
    """
    from ..services.queries import list_states
    from . import render

    selection = build_selection(set_id, by, tag, about, since, until, status)
    ledger = open_ledger(ctx)
    states, total, problems = list_states(ledger, selection, limit)
    shown = states[:limit] if limit else states
    if json_out:
        print_json({"selection": selection.describe(), "count": total, "predictions": [render.state_dict(s) for s in shown]})
    else:
        render.predictions_table(shown, total=total)
    if not total:  # not an error (exit 0): an empty answer is an answer, but say which filter gave it
        note_nothing_matched(selection)
    from .common import warn_problems

    warn_problems(problems)


def show(
    ctx: typer.Context,
    prediction_id: Annotated[str, typer.Argument(help="The prediction's id.", metavar="ID")],
    json_out: JsonOpt = False,
) -> None:
    """Show one prediction with its whole history: every forecast and every outcome entry.

    Example: pledger show beats-lora
    """
    from ..errors import UsageError
    from ..services.queries import history
    from . import render

    ledger = open_ledger(ctx)
    found = history(ledger, prediction_id)
    if found is None:
        raise UsageError(f"no prediction with id {prediction_id!r}; `pledger list` shows the ids", "ID")
    if json_out:
        print_json(render.history_dict(found))
    else:
        render.history(found)
    from .common import warn_ledger_problems

    warn_ledger_problems(ledger)


def due(
    ctx: typer.Context,
    set_id: SetOpt = None,
    by: ByOpt = None,
    tag: TagOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List predictions past their due date and not yet resolved, oldest first.

    Example: pledger due
    """
    from ..services.queries import list_states
    from . import render

    ledger = open_ledger(ctx)
    states, _, problems = list_states(ledger, build_selection(set_id, by, tag, status="due"))
    states.sort(key=lambda s: (s.prediction.due, s.prediction.id))
    if json_out:
        print_json({"count": len(states), "predictions": [render.state_dict(s) for s in states]})
    elif not states:
        typer.echo("Nothing is past due.")
    else:
        render.predictions_table(states, total=len(states), title="Past due, unresolved")
    from .common import warn_problems

    warn_problems(problems)


def check(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Validate the whole ledger and report every problem as path:line:col: message.

    Exits 1 when there is any problem, 0 when the ledger is clean.
    Example: pledger check
    """
    from ..services.queries import check_ledger
    from .common import _ROOT_FOR_PATHS

    ledger = open_ledger(ctx)
    report = check_ledger(ledger)
    if json_out:
        print_json(report.to_dict())
    else:
        from .visible import visible

        root = _ROOT_FOR_PATHS.get("root")
        for problem in report.problems:
            typer.echo(visible(problem.render(root), line_breaks=False))
        typer.echo(report.summary(), err=bool(report.problems))
    if report.problems:
        raise typer.Exit(1)
