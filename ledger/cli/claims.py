"""Commands for research claims: `pledger claim add|assess|list|show` and `pledger claims-report`."""


from typing import Annotated, Optional

import typer

from .common import JSON_HELP, completer, open_ledger, parse_date, print_json, record_by, typed_text

JsonOpt = Annotated[bool, typer.Option("--json", help=JSON_HELP)]
SourceOpt = Annotated[Optional[str], typer.Option("--source", help="Only claims from this source (its url or shared id).")]
ClaimantOpt = Annotated[Optional[str], typer.Option("--claimant", help="Only this claimant's claims (ignoring case).")]
TagOpt = Annotated[Optional[list[str]], typer.Option("--tag", help="Only claims with this tag (repeat: all of them; any case).", autocompletion=completer("claim-tags"))]
ClaimIdArg = Annotated[str, typer.Argument(help="The claim's id.", metavar="ID", autocompletion=completer("claims"))]

claim_app = typer.Typer(
    name="claim",
    help="Research claims on record: quote, source, assessments over time, the predictions that test them.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def register(app: typer.Typer) -> None:
    app.add_typer(claim_app, name="claim")
    app.command("claims-report")(claims_report)


@claim_app.command("add")
def add(
    ctx: typer.Context,
    quote: Annotated[str, typer.Argument(help="The claim's exact words.", metavar="QUOTE")],
    source: Annotated[str, typer.Option("--source", help="Where the claim was made (a web address).", metavar="URL")],
    title: Annotated[Optional[str], typer.Option("--title", help="The source's title.")] = None,
    claimant: Annotated[Optional[str], typer.Option("--claimant", help="Who made the claim (person or organisation).")] = None,
    locator: Annotated[Optional[str], typer.Option("--locator", help="Where in the source: section, page, figure.")] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help="A tag (repeat for more).")] = None,
    id: Annotated[Optional[str], typer.Option("--id", help="Id (a slug); made from the quote when omitted.")] = None,
    confidence: Annotated[Optional[str], typer.Option("--confidence", help="The confidence the claimant stated, as a probability.", metavar="P")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Put a claim on record, quoted verbatim. Prints its id.

    A source already on record (a shared `sources:` entry with this url) is referred to by id.

    \b
    Example:
      pledger claim add "Sparse autoencoders scale to production models" \\
        --source https://transformer-circuits.pub/2024/scaling-monosemanticity/ \\
        --claimant Anthropic --locator "key results"
    """
    from ..services.claim_writes import add_claim

    quote, source = typed_text(quote, "QUOTE"), typed_text(source, "--source", lines=False)
    title, locator = typed_text(title, "--title", lines=False), typed_text(locator, "--locator", lines=False)
    if claimant is not None:
        from ..names import checked_name

        claimant = checked_name(claimant, "--claimant")
    ledger = open_ledger(ctx)
    added = add_claim(
        ledger, quote, source_url=source, title=title, claimant=claimant, locator=locator, tags=tag or [], id=id,
        confidence=confidence,
    )
    if json_out:
        print_json({"id": added.id, "file": added.path})
    else:
        typer.echo(added.id)


@claim_app.command("assess")
def assess(
    ctx: typer.Context,
    claim_id: ClaimIdArg,
    verdict: Annotated[str, typer.Argument(help="supported, partly-supported, overstated, contested, refuted or open.", metavar="VERDICT")],
    evidence: Annotated[Optional[list[str]], typer.Option("--evidence", help="A link to evidence (repeat for more).", metavar="URL")] = None,
    quote: Annotated[Optional[list[str]], typer.Option("--quote", help="The words in the evidence (one per --evidence, in order).")] = None,
    stance: Annotated[Optional[list[str]], typer.Option("--stance", help="for or against the claim (one per --evidence, in order).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note on the judgement.")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who judged it (default: $PLEDGER_BY, else your user name).")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="Date of the assessment, YYYY-MM-DD (default: today).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Assess a claim. Appends to assessments.yaml: earlier assessments are kept, the latest stands.

    \b
    Example:
      pledger claim assess sae-interpretable-large-models overstated \\
        --evidence https://www.alignmentforum.org/posts/pH6tyhEnngqWAXi9i \\
        --quote "Motte and Bailey claims" --stance against
    """
    from ..services.claim_writes import assess_claim

    evidence = [typed_text(url, "--evidence", lines=False) for url in evidence or []]
    quote = [typed_text(q, "--quote") for q in quote or []]
    items = _evidence_items(evidence, quote, stance or [])
    note = typed_text(note, "--note")
    by = record_by(by)
    ledger = open_ledger(ctx)
    done = assess_claim(ledger, claim_id, verdict, on=parse_date(on, "--on", past=True), by=by, evidence=items, note=note)
    if json_out:
        print_json({"id": done.id, "file": done.path})
    else:
        typer.echo(f"assessment of {done.id} recorded in {done.path}")


def _evidence_items(urls: list[str], quotes: list[str], stances: list[str]):
    from ..errors import UsageError
    from ..services.claim_writes import EvidenceArg

    for values, arg in ((quotes, "--quote"), (stances, "--stance")):
        if values and not urls:
            raise UsageError(f"{arg} needs --evidence URL: the page it is about", arg)
        if values and len(values) != len(urls):
            raise UsageError(
                f"{len(values)} {arg} for {len(urls)} --evidence; give one {arg} per --evidence, in the same order", arg
            )
    return [
        EvidenceArg(url, quotes[i] if quotes else None, stances[i].strip().lower() if stances else None)
        for i, url in enumerate(urls)
    ]


def _selection(source, claimant, tag, verdict):
    from ..services.claims import ClaimFilter, check_verdict_filter

    # Tags are lowercase slugs: --tag SAE finds `sae`.
    tags = tuple(t.strip().lower() for t in tag or ())
    return ClaimFilter(source=source, claimant=claimant, tags=tags, verdict=check_verdict_filter(verdict))


@claim_app.command("list")
def list_claims(
    ctx: typer.Context,
    source: SourceOpt = None,
    claimant: ClaimantOpt = None,
    tag: TagOpt = None,
    verdict: Annotated[Optional[str], typer.Option("--verdict", help="Only claims whose current verdict is this (or unassessed).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List claims with their current verdict; with --claimant, the claimant's track record too.

    \b
    Examples:
      pledger claim list --claimant Anthropic
      pledger claim list --verdict unassessed
    """
    from ..services.claims import list_claims as select_claims, track_record
    from . import claims_render as render
    from .form import piped

    selection = _selection(source, claimant, tag, verdict)
    ledger = open_ledger(ctx)
    states = select_claims(ledger, selection)
    record = None
    if claimant:
        # The record covers all the claimant's claims, whatever the other filters.
        from ..services.claims import ClaimFilter

        record = track_record(select_claims(ledger, ClaimFilter(claimant=claimant)), claimant)
    if json_out:
        data = {"selection": selection.describe(), "count": len(states), "claims": [render.claim_dict(s) for s in states]}
        if record is not None:
            data["track_record"] = record.to_dict()
        print_json(data)
        return
    render.claims_table(states)
    if record is not None:
        if piped():
            typer.echo()
        render.track_record(record)


@claim_app.command("show")
def show(
    ctx: typer.Context,
    claim_id: ClaimIdArg,
    json_out: JsonOpt = False,
) -> None:
    """Show a claim: the quote, its source, every assessment in order, and the predictions that test it.

    \b
    Example:
      pledger claim show sae-interpretable-large-models
    """
    from ..services.claims import claim_detail
    from . import claims_render as render

    ledger = open_ledger(ctx)
    found = claim_detail(ledger, claim_id)
    if found is None:
        from ..services.queries import unknown_id

        raise unknown_id(ledger, "claim", claim_id)
    if json_out:
        print_json(render.claim_dict(found, full=True))
    else:
        render.claim_detail(found)


def claims_report(
    ctx: typer.Context,
    source: SourceOpt = None,
    claimant: ClaimantOpt = None,
    tag: TagOpt = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the markdown to this file instead of printing it ('-': stdout).", metavar="PATH")] = None,
) -> None:
    """Markdown for a post: claims with their current verdict and evidence, verdict history, and the scored predictions that test them.

    Deterministic (same ledger, same bytes); every piece of user text is escaped.

    \b
    Example:
      pledger claims-report --claimant Anthropic -o claims.md
    """
    from ..report.claims_report import render_claims_report
    from .common import is_stdio, refuse_folder, write_stdout

    if output is not None and not is_stdio(output):
        refuse_folder(output, "-o", "name the markdown file to write")
    from ..services.claims import list_claims as select_claims, track_record

    selection = _selection(source, claimant, tag, None)
    ledger = open_ledger(ctx)
    states = select_claims(ledger, selection)
    claimants = sorted({s.claim.claimant for s in states if s.claim.claimant}, key=str.lower)
    records = [track_record(states, name) for name in claimants]
    text = render_claims_report(states, records, selection.describe())
    if output is None or is_stdio(output):
        write_stdout(text)
        return
    from pathlib import Path

    from ..store.write import write_atomic

    write_atomic(Path(output), text)
    typer.echo(f"claims report written to {output}", err=True)
