"""Commands that move records in and out: import, export."""


import sys
from typing import Annotated, Optional

import typer

from .common import completer, ledger_root_for_paths, open_ledger, print_json, record_by, refuse_folder, write_chunks
from .reading import AboutOpt, ByOpt, SetOpt, SinceOpt, StatusOpt, TagOpt, UntilOpt, build_selection

FORMAT_NAMES = "fatebook, predictionbook, predictionbook-json, metaculus, manifold, csv, json, yaml"
PROGRESS_MIN_BYTES = 1_000_000  # below this an import is over before a bar would be worth drawing
MAX_LISTED = 50
STDIN_NAME = "<stdin>"  # how `import FORMAT -` names standard input in its report  # rejected/skipped rows listed on the terminal; --json lists them all


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)
    app.command("export")(export)


def _check_encoding(encoding: Optional[str]) -> None:
    import codecs

    from ..errors import UsageError

    if encoding is None:
        return
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(
            f"--encoding: {encoding!r} is not a text encoding Python knows (try cp1252 or latin-1)", "--encoding"
        ) from None


def import_file(
    ctx: typer.Context,
    format_name: Annotated[str, typer.Argument(help=f"One of: {FORMAT_NAMES}.", metavar="FORMAT", autocompletion=completer("import-formats"))],
    file: Annotated[str, typer.Argument(help="The exported file to read ('-': standard input).", metavar="FILE")],
    set_id: Annotated[Optional[str], typer.Option("--set", help="Put new predictions in this set (default: the format's name).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Your name for forecasts the source does not name (default: $PLEDGER_BY).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would be imported; write nothing.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Write nothing if any row is rejected.")] = False,
    mapping: Annotated[Optional[str], typer.Option("--map", help="csv: field=Column pairs, e.g. claim=Question,p=Prob,made=Date.")] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Read the file in this encoding (default: UTF-8).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON (keys in docs/import.md).")] = False,
) -> None:
    """Import predictions, forecasts and resolutions from another tool's export. Importing twice adds nothing.

    \b
    Examples:
      pledger import fatebook fatebook-export.csv --dry-run
      pledger export json --set anthropic-sae-2024 | \\
        pledger --root ../team import json -
    """
    import os

    from ..importers import run_import
    from .common import is_stdio

    _check_encoding(encoding)
    by = record_by(by)
    ledger = open_ledger(ctx)
    data = None
    if is_stdio(file):
        file, data = STDIN_NAME, sys.stdin.buffer.read()
    bar = _progress_bar(file) if not json_out and data is None else None
    try:
        report = run_import(
            ledger, format_name, file, set_id=set_id, by=by, dry_run=dry_run, strict=strict,
            mapping=mapping, encoding=encoding, progress=bar.update if bar else None, data=data,
        )
    finally:
        if bar:
            bar.close()
    if json_out:
        print_json(report.to_dict())
        return
    from .visible import visible

    shown = visible(os.fspath(file), line_breaks=False)
    verb = "would add" if dry_run else "added"
    typer.echo(
        f"{shown}: {_plural(report.rows, 'record')} read; {verb} {_plural(len(report.added), 'prediction')}, "
        f"{report.forecasts_added} more {_noun(report.forecasts_added, 'forecast')}, "
        f"{_plural(report.outcomes_added, 'outcome')}; "
        f"{len(report.skipped)} skipped, {len(report.rejected)} rejected."
    )
    for warning in report.warnings:
        typer.echo(f"  warning: {visible(warning, line_breaks=False)}", err=True)
    for label, notes in (("rejected", report.rejected), ("skipped", report.skipped)):
        for note in notes[:MAX_LISTED]:
            typer.echo(f"  {label} {shown}:{note.row}: {visible(note.text(ledger_root_for_paths()), line_breaks=False)}", err=label == "rejected")
        if len(notes) > MAX_LISTED:
            typer.echo(f"  ... and {len(notes) - MAX_LISTED} more {label} (--json lists them all)", err=label == "rejected")
    if report.files:
        typer.echo(("Would write " if dry_run else "Wrote ") + visible(", ".join(report.files), line_breaks=False))
    if dry_run:
        typer.echo("Dry run: nothing was written.")


def _noun(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def _plural(n: int, word: str) -> str:
    return f"{n} {_noun(n, word)}"


class _Bar:
    """A rich progress bar on stderr, drawn only on a terminal and for a large file."""

    def __init__(self):
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

        from .common import console

        # Drawn at each update, not by rich's refresh thread: a thread running would keep the import from
        # forking the child that reads the ledger's fingerprints (beside.can_fork, services.import_known).
        self._progress = Progress(TextColumn("reading"), BarColumn(), TaskProgressColumn(), console=console(stderr=True),
                                  transient=True, auto_refresh=False)
        self._task = self._progress.add_task("import", total=None)
        self._progress.start()

    def update(self, done: int, total: int) -> None:
        self._progress.update(self._task, completed=done, total=total, refresh=True)

    def close(self) -> None:
        self._progress.stop()


def _progress_bar(file: str) -> _Bar | None:
    import os

    try:
        large = os.path.getsize(file) >= PROGRESS_MIN_BYTES
    except OSError:
        return None
    return _Bar() if large and sys.stderr.isatty() else None


def export(
    ctx: typer.Context,
    format_name: Annotated[str, typer.Argument(help="csv, json or yaml.", metavar="FORMAT", autocompletion=completer("export-formats"))],
    set_id: SetOpt = None,
    by: ByOpt = None,
    tag: TagOpt = None,
    about: AboutOpt = None,
    status: StatusOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="Write to this file instead of stdout ('-': stdout).", metavar="FILE")] = None,
) -> None:
    """Export the selected predictions with every forecast and outcome (columns and keys: docs/import.md).

    \b
    Examples:
      pledger export csv --set anthropic-sae-2024 -o sae.csv
      pledger export json -o -
    """
    from pathlib import Path

    from ..errors import UsageError
    from ..services.export import FORMATS, exporting, render_chunks

    if format_name not in FORMATS:
        from ..suggest import did_you_mean

        hint = did_you_mean(format_name, FORMATS)
        raise UsageError(f"FORMAT must be one of {', '.join(FORMATS)}, not {format_name!r}{hint}", "FORMAT")
    selection = build_selection(set_id, by, tag, about, since, until, status)
    target = Path(output) if output is not None and output != "-" else None
    if target is not None:
        refuse_folder(output, "-o", "name a file")
    ledger = open_ledger(ctx)
    from .common import is_stdio, warn_ledger_problems

    # Streamed from the index to the output a prediction at a time.
    with exporting(ledger, selection) as (count, predictions):
        chunks = render_chunks(format_name, predictions, selection, count)
        if target is None or is_stdio(output):
            write_chunks(chunks, json_text=format_name == "json")
        else:
            from ..store.write import write_atomic

            write_atomic(target, chunks)  # a failure (a full disk, no such folder) is a LedgerError naming the file: exit 1
    if target is not None and not is_stdio(output):
        typer.echo(f"Wrote {output}", err=True)
    warn_ledger_problems(ledger)
