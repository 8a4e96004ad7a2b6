"""Commands that record something: init, add, forecast, resolve."""


from typing import Annotated, Optional

import typer

from .common import completer, open_ledger, parse_date, plural, print_json, record_by, remember_root, typed_text

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


def note_certainty(p: str | None) -> None:
    """A note on stderr when a yes/no probability is 0 or 1: certainty, which log scores cannot take."""
    if p is None:
        return
    from ..probability import parse_probability

    value = parse_probability(p).value  # already accepted by the write
    if value in (0.0, 1.0):
        import math

        from ..scoring._common import DEFAULT_EPS  # numpy: only for the rare certain forecast

        typer.echo(f"note: a probability of {p.strip()} is certainty: log scores clip it to {DEFAULT_EPS:g} from the "
                   f"edge, and a miss costs {-math.log(DEFAULT_EPS):.1f} nats (Brier counts it as given)", err=True)


def init(
    ctx: typer.Context,
    path: Annotated[Optional[str], typer.Argument(help="Folder to create (default: --root, else ./predictions).")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="The ledger's name on a shared index (default: from the folder's name).")] = None,
) -> None:
    """Create a ledger folder, with a .gitignore that keeps the index out of git and the
    ledger's identity (.pledger-id: commit it). On an existing ledger, adds what is missing.

    The .gitignore also marks the folder as a ledger root: pledger run in it, or in
    a folder below it, finds it. On a folder that already is a ledger, says so and
    changes nothing but what is missing (exit 0).

    \b
    Example:
      pledger init predictions
    """
    from pathlib import Path

    from ..errors import LedgerError
    from ..services.ledger import DEFAULT_ROOT, READ_ONLY_REFUSAL, Ledger, find_root, is_ledger_root, read_only_env
    from ..store.discover import ledger_files
    from ..store.identity import read_identity
    from .visible import visible

    if (ctx.obj and (ctx.obj.read_only or ctx.obj.ledgers)) or read_only_env():
        raise LedgerError(READ_ONLY_REFUSAL)
    given = path or (ctx.obj.root if ctx.obj and ctx.obj.root else None)
    if given is None and not Path(DEFAULT_ROOT).exists():
        inside = find_root(Path.cwd())
        if inside is not None:  # `cd predictions && pledger init`: not a ./predictions inside the ledger
            n = len(ledger_files(inside))
            typer.echo(visible(f"Already inside the ledger at {inside} ({_files(n)}); nothing was made. "
                               "To start another one: pledger init DIR"))
            return
    target = given or DEFAULT_ROOT
    existed = Path(target).is_dir() and (is_ledger_root(Path(target)) or bool(ledger_files(Path(target))))
    marked = Path(target).is_dir() and is_ledger_root(Path(target))
    identified = Path(target).is_dir() and read_identity(Path(target)) is not None
    before = _read(Path(target) / ".gitignore")
    ledger = Ledger.init(target, name)
    remember_root(ledger.root)
    n = len(ledger_files(ledger.root))
    named = None if identified else (f"gave it its identity for a shared index, {ledger.identity.name!r} "
                                     "(.pledger-id: commit it)")
    if existed and marked:
        changes = ["its .gitignore gained the lines a newer pledger writes"] if _read(Path(target) / ".gitignore") != before else []
        changes += [named] if named else []
        typer.echo(visible(f"{target} already is a ledger ({_files(n)}); {'; '.join(changes) or 'nothing was changed'}. "
                           f"To start another one: pledger init DIR"))
    elif existed:
        typer.echo(visible(f"{target} already holds a ledger ({_files(n)}); marked it as a ledger root "
                           "(the .gitignore that keeps the index out of git)" + (f"; {named}" if named else "")))
    else:
        typer.echo(visible(f"Ledger ready at {target}. Add a prediction: pledger --root {target} add \"CLAIM\" -p 70%"))
        typer.echo(visible(f"Its name on a shared index: {ledger.identity.name} (in .pledger-id: commit it; docs/team.md)."))


def _read(path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _files(n: int) -> str:
    return f"{n} file{'' if n == 1 else 's'}"


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
    tests: Annotated[Optional[list[str]], typer.Option("--tests", help="The id of a claim on record it puts to a test (repeat for more).", metavar="CLAIM", autocompletion=completer("claims"))] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="With --set, the title of a new set (an existing set keeps its own).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Log a prediction. Prints its id.

    A yes/no question takes -p; a multiple-choice one --option NAME=P for each
    option; a numeric one --quantile LEVEL=VALUE (or --interval).

    \b
    Examples:
      pledger add "The next SAE paper beats LoRA" -p 20% --tag peft \\
        --set anthropic-sae-2024 --tests sae-interpretable-large-models
      pledger add "A shared SAE benchmark by June" -p 3:1 --due 2027-06-30 \\
        --set sae-2027 --title "SAEs in 2027"
      pledger add "Which lab ships first?" --option OpenAI=50% \\
        --option Anthropic=30% --option "Google DeepMind=20%"
      pledger add "US GDP growth 2027, %" --quantile 5%=0.8 --quantile 50%=2.1 \\
        --quantile 95%=3.5 --unit %
    """
    from ..services.add import add_prediction

    claim, criteria = typed_text(claim, "CLAIM"), typed_text(criteria, "--criteria")
    title = typed_text(title, "--title", lines=False)
    about, source = typed_text(about, "--about", lines=False), typed_text(source, "--source", lines=False)
    by = record_by(by)
    ledger = open_ledger(ctx)
    added = add_prediction(
        ledger, claim, p, options=option or (), ordered=ordered, quantiles=quantile or (), intervals=interval or (),
        unit=unit, closes=parse_date(closes, "--closes"),
        id=id, set_id=set_id, by=by, made=parse_date(made, "--made", past=True), about=about,
        due=parse_date(due, "--due"), tags=tag or [], source=source, criteria=criteria,
        tests=tests or [], title=title,
    )
    if json_out:
        print_json({"id": added.id, "file": added.path})
    else:
        typer.echo(added.id)
    note_certainty(p)


def forecast(
    ctx: typer.Context,
    prediction_id: Annotated[str, typer.Argument(help="The prediction's id.", metavar="ID", autocompletion=completer("ids"))],
    p: ProbabilityOpt = None,
    option: OptionOpt = None,
    quantile: QuantileOpt = None,
    interval: IntervalOpt = None,
    by: ForecasterOpt = None,
    at: Annotated[Optional[str], typer.Option("--at", help="Date of the forecast, YYYY-MM-DD (default: today).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Why it changed.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Record an update to a prediction, or another forecaster's forecast on it.

    Give what the question takes: -p, --option NAME=P for every option, or
    --quantile/--interval.

    \b
    Example:
      pledger forecast rg25-textbook -p 10% --note "no chapter announced"
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
    added = add_forecast(ledger, prediction_id, p, options=option or (), quantiles=quantile or (),
                         intervals=interval or (), by=by, at=day, note=note)
    late = found is not None and found.outcomes and day > found.outcomes[0].on
    if json_out:
        print_json({"id": added.id, "file": added.path, **_forecast_json(p, option, quantile, interval), "by": by,
                    "at": day, "scored": not late})
    else:
        typer.echo(f"forecast recorded for {added.id} in {added.path}")
    note_certainty(p)
    if late:
        # Kept (a late view is still a view), but scoring counts only forecasts made by the
        # resolution date: the first outcome entry's, as in services.scores.
        resolved = found.outcomes[0].on
        typer.echo(f"note: this forecast is dated {day}, after {added.id} was resolved (on {resolved}); "
                   "it is kept but will not be scored", err=True)


def _forecast_json(p, options, quantiles, intervals) -> dict:
    """forecast --json's figures: p and p_typed (yes/no), options {name: p} or quantiles {level: value}."""
    from ..services.forecast_input import forecast_input

    given = forecast_input(p, options or (), quantiles or (), intervals or ())
    if given.options:
        return {"kind": given.kind, "options": {o.label: o.p for o in given.options}}
    if given.quantiles:
        return {"kind": given.kind, "quantiles": {q.level_typed: q.value for q in given.quantiles}}
    from ..probability import parse_probability

    prob = parse_probability(p)
    return {"kind": given.kind, "p": prob.value, "p_typed": prob.typed}


def resolve(
    ctx: typer.Context,
    args: Annotated[list[str], typer.Argument(help="One or more prediction ids, then the result: yes, no or annulled; the option that happened; or the value.", metavar="ID... RESULT", autocompletion=completer("ids"))],
    on: Annotated[Optional[str], typer.Option("--on", help="Date resolved, YYYY-MM-DD (default: today).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who judged it.")] = None,
    evidence: Annotated[Optional[str], typer.Option("--evidence", help="A link to what shows the result.", metavar="URL")] = None,
    quote: Annotated[Optional[str], typer.Option("--quote", help="The words in the evidence that decide it.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note on the judgement.")] = None,
    correct: Annotated[bool, typer.Option("--correct", help="Correct an earlier resolution (the old entry is kept).")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Resolve predictions: yes (it happened), no, or annulled (cannot be judged); for a
    multiple-choice question the option that happened, for a numeric one the value.

    Writes a new file under outcomes/; earlier entries are never edited.

    \b
    Examples:
      pledger resolve rg25-replication no --evidence https://example.org/r
      pledger resolve eye-test no --correct --note "misread the paper"
    """
    from ..errors import UsageError
    from ..services.resolve import resolve as resolve_predictions

    if len(args) < 2:
        raise UsageError("give one or more prediction ids and then the result: yes, no or annulled "
                         "(an option's name, or a value, for other kinds of question)", "ID... RESULT")
    *ids, result = args
    evidence, quote, note = typed_text(evidence, "--evidence", lines=False), typed_text(quote, "--quote"), typed_text(note, "--note")
    by = record_by(by)
    from ..services.defaults import today

    day = parse_date(on, "--on", past=True) or today()
    ledger = open_ledger(ctx)
    done = resolve_predictions(
        ledger, ids, result, on=day, by=by, evidence_url=evidence, quote=quote, note=note, correct=correct,
    )
    if json_out:
        print_json({"ids": list(done.ids), "result": done.shown, "on": day, "by": by,
                    "correction": done.correction, "file": done.path, "later_forecasts": done.later_forecasts})
        return
    what = "correction" if done.correction else "resolution"
    from .visible import visible

    typer.echo(visible(f"{what} of {', '.join(done.ids)} ({done.shown}) recorded in {done.path}", line_breaks=False))
    if done.later_forecasts:
        n = done.later_forecasts
        one = n == 1
        typer.echo(f"note: {plural(n, 'forecast')} on {'these predictions' if len(done.ids) > 1 else 'it'} "
                   f"{'is' if one else 'are'} dated after {day}: no score counts {'it' if one else 'them'} "
                   "(a forecast after the resolution); check --on", err=True)
