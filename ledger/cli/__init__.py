"""The `pledger` command: parse arguments, call the library, render, exit.

Only this package imports typer or rich, prints, or exits. Heavy imports
(sqlmodel, numpy, matplotlib) happen inside the commands that need them, so
`pledger --help` starts fast. The modules that define commands do not use
`from __future__ import annotations`: typer would then eval every annotation
string twice per command, a third of `--help`'s time.
"""


import sys

import typer

from . import reading, recording, scoring
from . import claims, scorecard, site
from . import transfer
from . import proof
from . import team
from .common import LEDGER_HELP, READ_ONLY_HELP, ROOT_HELP, State

app = typer.Typer(
    name="pledger",
    help="A plain-text ledger of probability-tagged predictions: log, resolve, check, score, publish.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain click help: rich help formatting costs ~65 ms of imports on every `--help`.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from ..version import __version__

        typer.echo(f"pledger {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    root: str = typer.Option(None, "--root", envvar="PLEDGER_ROOT", help=ROOT_HELP, metavar="DIR"),
    read_only: bool = typer.Option(False, "--read-only", help=READ_ONLY_HELP),
    ledger: list[str] = typer.Option(None, "--ledger", help=LEDGER_HELP, metavar="NAME"),
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True,
                                 callback=_print_version),
) -> None:
    from .common import checked_ledger_names

    ctx.obj = State(root=root, read_only=read_only, ledgers=checked_ledger_names(ledger or []))


recording.register(app)
reading.register(app)
scoring.register(app)
claims.register(app)
scorecard.register(app)
site.register(app)
transfer.register(app)
proof.register(app)
team.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the app and turns library errors into messages and exit codes."""
    from .common import run_app

    return run_app(app, sys.argv[1:] if argv is None else list(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

