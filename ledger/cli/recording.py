"""Commands that record something: init, add, forecast, resolve."""


from typing import Annotated, Optional

import typer

from .common import open_ledger, parse_date, print_json, record_by, remember_root

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
# add and forecast take a forecast and a forecaster the same way: -p for a yes/no question,
# --option for multiple choice, --quantile/--interval for a number (services.forecast_input).
ProbabilityOpt = Annotated[Optional[str], typer.Option("-p", "--p", help="Probability of a yes/no question: 0.7, 70%, 3:1 or '1 in 20'.", metavar="P")]
OptionOpt = Annotated[Optional[list[str]], typer.Option("--option", help="A multiple-choice option and its probability, NAME=P (repeat for each; they add up to 100%).", metavar="NAME=P")]
QuantileOpt = Annotated[Optional[list[str]], typer.Option("--quantile", help="A numeric forecast's quantile, LEVEL=VALUE such as 50%=2.1 or 50%=2027-03-01 (repeat).", metavar="LEVEL=VALUE")]
IntervalOpt = Annotated[Optional[list[str]], typer.Option("--interval", help="A central interval, LEVEL=LOW..HIGH: 90%=0.8..3.5 is --quantile 5%=0.8 --quantile 95%=3.5.", metavar="LEVEL=LOW..HIGH")]
ForecasterOpt = Annotated[Optional[str], typer.Option("--by", help="Forecaster (default: $PLEDGER_BY, else your user name).")]


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("add")(add)
    app.command("forecast")(forecast)
    app.command("resolve")(resolve)


def init(
    ctx: typer.Context,
    path: Annotated[Optional[str], typer.Argument(help="Folder to create (default: --root, else ./predictions).")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="The ledger's name on a shared index (default: from the folder's name).")] = None,
) -> None:
    """Create a ledger folder, with a .gitignore that keeps the index out of git and the
    ledger's identity (.pledger-id: commit it). On an existing ledger, adds what is missing.

    Example: pledger init predictions
    """
    from ..errors import LedgerError
    from ..services.ledger import DEFAULT_ROOT, READ_ONLY_REFUSAL, Ledger, read_only_env

    if (ctx.obj and (ctx.obj.read_only or ctx.obj.ledgers)) or read_only_env():
        raise LedgerError(READ_ONLY_REFUSAL)
    target = path or (ctx.obj.root if ctx.obj and ctx.obj.root else DEFAULT_ROOT)
    ledger = Ledger.init(target, name)
    remember_root(ledger.root)
    typer.echo(f"Ledger ready at {target}. Add a prediction: pledger --root {target} add \"CLAIM\" -p 70%")


def add(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="What will happen (or the question), in your words.", metavar="CLAIM")],
    p: ProbabilityOpt = None,
    option: OptionOpt = None,
    ordered: Annotated[bool, typer.Option("--ordered", help="The options have an order (ranges, dates): scored with the ranked probability score too.")] = False,
    quantile: QuantileOpt = None,
    interval: IntervalOpt = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="A numeric question's unit (%, USD, days).")] = None,
    closes: Annotated[Optional[str], typer.Option("--closes", help="When forecasting closes, YYYY-MM-DD (time-weighted scores; default: --due).")] = None,
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

    A yes/no question takes -p; a multiple-choice one --option NAME=P for each
    option; a numeric one --quantile LEVEL=VALUE (or --interval).

    Examples: pledger add "The next SAE paper beats LoRA" -p 20% --set sae-2024 --tag peft

    pledger add "Which lab ships first?" --option OpenAI=50% --option Anthropic=30% --option "Google DeepMind=20%"

    pledger add "US GDP growth 2027, %" --quantile 5%=0.8 --quantile 50%=2.1 --quantile 95%=3.5 --unit %
    """
    from ..services.add import add_prediction

    by = record_by(by)
    ledger = open_ledger(ctx)
    added = add_prediction(
        ledger, claim, p, options=option or (), ordered=ordered, quantiles=quantile or (), intervals=interval or (),
        unit=unit, closes=parse_date(closes, "--closes"),
        id=id, set_id=set_id, by=by, made=parse_date(made, "--made", past=True), about=about,
        due=parse_date(due, "--due"), tags=tag or [], source=source, criteria=criteria,
    )
    if json_out:
        print_json({"id": added.id, "file": added.path})
    else:
        typer.echo(added.id)


def forecast(
    ctx: typer.Context,
    prediction_id: Annotated[str, typer.Argument(help="The prediction's id.", metavar="ID")],
    p: ProbabilityOpt = None,
    option: OptionOpt = None,
    quantile: QuantileOpt = None,
    interval: IntervalOpt = None,
    by: ForecasterOpt = None,
    at: Annotated[Optional[str], typer.Option("--at", help="Date of the forecast, YYYY-MM-DD (default: today).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Why it changed.")] = None,
) -> None:
    """Record an update to a prediction, or another forecaster's forecast on it.

    Give what the question takes: -p, --option NAME=P for every option, or --quantile/--interval.
    Example: pledger forecast beats-lora -p 10% --at 2024-05-15 --note "no PEFT section in the preview"
    """
    from ..errors import LedgerError
    from ..services.add import add_forecast
    from ..services.defaults import today
    from ..services.queries import history

    by = record_by(by)
    day = parse_date(at, "--at", past=True) or today()
    ledger = open_ledger(ctx)
    try:
        found = history(ledger, prediction_id)  # None: add_forecast names the unknown id
    except LedgerError:  # an ambiguous id: add_forecast refuses it, saying nothing was written
        found = None
    added = add_forecast(ledger, prediction_id, p, options=option or (), quantiles=quantile or (),
                         intervals=interval or (), by=by, at=day, note=note)
    typer.echo(f"forecast recorded for {added.id} in {added.path}")
    if found is not None and found.outcomes and day > found.outcomes[0].on:
        # Kept (a late view is still a view), but scoring counts only forecasts made by the
        # resolution date: the first outcome entry's, as in services.scores.
        resolved = found.outcomes[0].on
        typer.echo(f"note: this forecast is dated {day}, after {added.id} was resolved (on {resolved}); "
                   "it is kept but will not be scored", err=True)


def resolve(
    ctx: typer.Context,
    args: Annotated[list[str], typer.Argument(help="One or more prediction ids, then the result: yes, no or annulled; the option that happened; or the value.", metavar="ID... RESULT")],
    on: Annotated[Optional[str], typer.Option("--on", help="Date resolved, YYYY-MM-DD (default: today).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who judged it.")] = None,
    evidence: Annotated[Optional[str], typer.Option("--evidence", help="A link to what shows the result.", metavar="URL")] = None,
    quote: Annotated[Optional[str], typer.Option("--quote", help="The words in the evidence that decide it.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note on the judgement.")] = None,
    correct: Annotated[bool, typer.Option("--correct", help="Correct an earlier resolution (the old entry is kept).")] = False,
) -> None:
    """Resolve predictions: yes (it happened), no, or annulled (cannot be judged); for a
    multiple-choice question the option that happened, for a numeric one the value.

    Writes a new file under outcomes/; earlier entries are never edited.
    Example: pledger resolve eye-test edits yes --on 2024-05-21 --evidence https://transformer-circuits.pub/2024/scaling-monosemanticity/
    """
    from ..errors import UsageError
    from ..services.resolve import resolve as resolve_predictions

    if len(args) < 2:
        raise UsageError("give one or more prediction ids and then the result: yes, no or annulled "
                         "(an option's name, or a value, for other kinds of question)", "ID... RESULT")
    *ids, result = args
    by = record_by(by)
    ledger = open_ledger(ctx)
    done = resolve_predictions(
        ledger, ids, result, on=parse_date(on, "--on", past=True), by=by, evidence_url=evidence, quote=quote, note=note, correct=correct,
    )
    what = "correction" if done.correction else "resolution"
    typer.echo(f"{what} of {', '.join(done.ids)} ({done.shown}) recorded in {done.path}")
