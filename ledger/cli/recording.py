"""Commands that record something: init, add, forecast, resolve."""


from typing import Annotated, Optional

import typer

from .common import open_ledger, parse_date, print_json, record_by, remember_root, typed_text

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
# add and forecast take a probability and a forecaster the same way.
ProbabilityOpt = Annotated[str, typer.Option("-p", "--p", help="Probability: 0.7, 70%, 3:1 or '1 in 20'.", metavar="P")]
ForecasterOpt = Annotated[Optional[str], typer.Option("--by", help="Forecaster (default: $PLEDGER_BY, else your user name).")]


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("add")(add)
    app.command("forecast")(forecast)
    app.command("resolve")(resolve)


def init(
    ctx: typer.Context,
    path: Annotated[Optional[str], typer.Argument(help="Folder to create (default: --root, else ./predictions).")] = None,
) -> None:
    """Create a ledger folder, with a .gitignore that keeps the index out of git.

    Example: pledger init predictions
    """
    from ..services.ledger import DEFAULT_ROOT, Ledger

    target = path or (ctx.obj.root if ctx.obj and ctx.obj.root else DEFAULT_ROOT)
    ledger = Ledger.init(target)
    remember_root(ledger.root)
    typer.echo(f"Ledger ready at {target}. Add a prediction: pledger --root {target} add \"CLAIM\" -p 70%")


def add(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="What will happen, in your words.", metavar="CLAIM")],
    p: ProbabilityOpt,
    id: Annotated[Optional[str], typer.Option("--id", help="Id (a slug); made from the claim when omitted.")] = None,
    set_id: Annotated[Optional[str], typer.Option("--set", help="Add to this set (its file is created if new).")] = None,
    by: ForecasterOpt = None,
    made: Annotated[Optional[str], typer.Option("--made", help="Date made, YYYY-MM-DD (default: today).")] = None,
    about: Annotated[Optional[str], typer.Option("--about", help="The subject it is about.")] = None,
    due: Annotated[Optional[str], typer.Option("--due", help="When it should be resolvable, YYYY-MM-DD.")] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help="A tag (repeat for more).")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="Where it was published (URL).")] = None,
    criteria: Annotated[Optional[str], typer.Option("--criteria", help="How it will be judged.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Log a prediction. Prints its id.

    Example: pledger add "The next SAE paper beats LoRA" -p 20% --set sae-2024 --tag peft
    """
    from ..services.add import add_prediction

    claim, criteria = typed_text(claim, "CLAIM"), typed_text(criteria, "--criteria")
    about, source = typed_text(about, "--about", lines=False), typed_text(source, "--source", lines=False)
    by = record_by(by)
    ledger = open_ledger(ctx)
    added = add_prediction(
        ledger, claim, p, id=id, set_id=set_id, by=by, made=parse_date(made, "--made", past=True), about=about,
        due=parse_date(due, "--due"), tags=tag or [], source=source, criteria=criteria,
    )
    if json_out:
        print_json({"id": added.id, "file": added.path})
    else:
        typer.echo(added.id)


def forecast(
    ctx: typer.Context,
    prediction_id: Annotated[str, typer.Argument(help="The prediction's id.", metavar="ID")],
    p: ProbabilityOpt,
    by: ForecasterOpt = None,
    at: Annotated[Optional[str], typer.Option("--at", help="Date of the forecast, YYYY-MM-DD (default: today).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Why it changed.")] = None,
) -> None:
    """Record an update to a prediction, or another forecaster's probability on it.

    Example: pledger forecast beats-lora -p 10% --at 2024-05-15 --note "no PEFT section in the preview"
    """
    from ..errors import LedgerError
    from ..services.add import add_forecast
    from ..services.defaults import today
    from ..services.queries import history

    note = typed_text(note, "--note")
    by = record_by(by)
    day = parse_date(at, "--at", past=True) or today()
    ledger = open_ledger(ctx)
    try:
        found = history(ledger, prediction_id)  # None: add_forecast names the unknown id
    except LedgerError:  # an ambiguous id: add_forecast refuses it, saying nothing was written
        found = None
    added = add_forecast(ledger, prediction_id, p, by=by, at=day, note=note)
    typer.echo(f"forecast recorded for {added.id} in {added.path}")
    if found is not None and found.outcomes and day > found.outcomes[0].on:
        # Kept (a late view is still a view), but scoring counts only forecasts made by the
        # resolution date: the first outcome entry's, as in services.scores.
        resolved = found.outcomes[0].on
        typer.echo(f"note: this forecast is dated {day}, after {added.id} was resolved (on {resolved}); "
                   "it is kept but will not be scored", err=True)


def resolve(
    ctx: typer.Context,
    args: Annotated[list[str], typer.Argument(help="One or more prediction ids, then yes, no or annulled.", metavar="ID... RESULT")],
    on: Annotated[Optional[str], typer.Option("--on", help="Date resolved, YYYY-MM-DD (default: today).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who judged it.")] = None,
    evidence: Annotated[Optional[str], typer.Option("--evidence", help="A link to what shows the result.", metavar="URL")] = None,
    quote: Annotated[Optional[str], typer.Option("--quote", help="The words in the evidence that decide it.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note on the judgement.")] = None,
    correct: Annotated[bool, typer.Option("--correct", help="Correct an earlier resolution (the old entry is kept).")] = False,
) -> None:
    """Resolve predictions: yes (it happened), no, or annulled (cannot be judged).

    Writes a new file under outcomes/; earlier entries are never edited.
    Example: pledger resolve eye-test edits yes --on 2024-05-21 --evidence https://transformer-circuits.pub/2024/scaling-monosemanticity/
    """
    from ..errors import UsageError
    from ..services.resolve import resolve as resolve_predictions

    if len(args) < 2:
        raise UsageError("give one or more prediction ids and then the result: yes, no or annulled", "ID... RESULT")
    *ids, result = args
    evidence, quote, note = typed_text(evidence, "--evidence", lines=False), typed_text(quote, "--quote"), typed_text(note, "--note")
    by = record_by(by)
    ledger = open_ledger(ctx)
    done = resolve_predictions(
        ledger, ids, result, on=parse_date(on, "--on", past=True), by=by, evidence_url=evidence, quote=quote, note=note, correct=correct,
    )
    what = "correction" if done.correction else "resolution"
    typer.echo(f"{what} of {', '.join(done.ids)} ({result.lower()}) recorded in {done.path}")
