"""The shared index: `pledger status` (what the index is and what it reflects)."""


from typing import Annotated

import typer

from .common import JSON_HELP, open_ledger, print_json


def register(app: typer.Typer) -> None:
    app.command("status")(status)


def status(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Show the ledger's identity, where its index is, and the commit and time it reflects.

    An indexer's status refreshes the index first; with --read-only (or --ledger) it
    shows the server's index as it stands, and without a ledger named, every ledger there.

    \b
    Example:
      pledger status
    """
    from ..services.status import index_status

    ledger = open_ledger(ctx, several=True)
    found = index_status(ledger)
    if json_out:
        print_json(found.to_dict())
        return
    for label, value in _lines(found):
        typer.echo(f"{label:<9} {value}")


def _lines(s) -> list[tuple[str, str]]:
    from ..report.escape import one_line  # the URL is the user's: no control codes to the terminal

    kinds = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    out = []
    if s.ledger:
        out.append(("ledger", f"{s.ledger['name']} (key {s.ledger['key']})"))
    where = f"{kinds.get(s.kind, s.kind)} {one_line(s.where)}"
    if s.schema:
        where += f", schema {s.schema}"
    if s.read_only:
        where += " (read-only)"
    out.append(("index", where))
    if s.counts:
        if s.commit:
            reflects = f"commit {s.commit[:12]}" + (" with uncommitted changes" if s.dirty else "")
        else:
            reflects = "files outside a git repository" if s.refreshed_at else "nothing yet"
        if s.refreshed_at:
            reflects += f", last changed {s.refreshed_at}"
        out.append(("reflects", reflects))
        c = s.counts
        counts = ", ".join(f"{c[k]} {k if c[k] != 1 else k[:-1]}" for k in
                           ("predictions", "forecasts", "outcomes", "claims", "assessments") if k in c)
        out.append(("records", f"{counts}; {c['problems']} problem{'s' if c['problems'] != 1 else ''}"))
    for entry in s.ledgers if not s.ledger else ():
        when = f"commit {entry.commit[:12]}" if entry.commit else "no commit"
        out.append(("ledger", f"{entry.name} (schema {entry.schema}): {when}, last changed {entry.refreshed_at}"))
    if not s.counts and not s.ledgers:
        out.append(("ledgers", "none on this server yet (an indexer makes them: docs/team.md)"))
    return out
