"""The `pledger` command: parse arguments, call the library, render, exit.

Only this package imports typer or rich, prints, or exits. Heavy imports
(sqlmodel, numpy, matplotlib) happen inside the commands that need them, so
`pledger --help` starts fast. The modules that define commands do not use
`from __future__ import annotations`: typer would then eval every annotation
string twice per command, a third of `--help`'s time.

`pledger CMD` registers only the module that defines CMD (COMMAND_MODULES):
typer reads the signature of every registered command on each run, and the
other modules' imports and signatures cost a short command a fifth of its time.
`pledger --help`, a name that is no command, and shell completion register them all.
"""


import importlib
import os
import sys

import typer

from .common import GLOBAL_VALUE_OPTIONS, LEDGER_HELP, READ_ONLY_HELP, ROOT_HELP, State

# The modules that register commands, in the order `pledger --help` lists them, and what each registers.
COMMAND_MODULES = {
    "recording": ("init", "add", "forecast", "resolve"),
    "reading": ("list", "show", "due", "check", "edit"),
    "scoring": ("score",),
    "claims": ("claim", "claims-report"),
    "scorecard": ("scorecard",),
    "site": ("site",),
    "transfer": ("import", "export"),
    "proof": ("verify", "seal"),
    "team": ("status",),
}
_MODULE_OF = {command: module for module, commands in COMMAND_MODULES.items() for command in commands}


def _print_version(value: bool) -> None:
    if value:
        from ..version import __version__

        typer.echo(f"pledger {__version__}")
        raise typer.Exit()


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


def make_app(command: str | None = None, *, listing: bool = False) -> typer.Typer:
    """The typer app with `command`'s module registered (every module when command is None or unknown);
    listing: only the list of commands is wanted (`pledger --help`): they are stand-ins without parameters."""
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
    app.callback()(_global)
    module = _MODULE_OF.get(command)
    for name in COMMAND_MODULES if module is None else (module,):
        importlib.import_module(f"{__name__}.{name}").register(app if not listing else _Listing(app))
    return app


class _Listing:
    """What a module's register() gets when only the list of commands is wanted (`pledger --help`):
    each command is registered as a stand-in with its help and no parameters, so typer reads no signature."""

    def __init__(self, app: typer.Typer):
        self.app = app

    def command(self, name: str):
        def register(func):
            def stand_in() -> None:  # pragma: no cover - never run: a command named runs with every module
                raise RuntimeError(name)

            stand_in.__doc__ = func.__doc__
            self.app.command(name)(stand_in)
            return func

        return register

    def add_typer(self, group: typer.Typer, *, name: str) -> None:
        self.app.add_typer(typer.Typer(help=group.info.help), name=name)


def command_in(argv: list[str]) -> str | None:
    """The command named in argv (after the global options), or None."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in GLOBAL_VALUE_OPTIONS:
            i += 2
            continue
        if arg.startswith("-"):
            if arg == "--":
                return argv[i + 1] if i + 1 < len(argv) else None
            i += 1
            continue
        return arg
    return None


def __getattr__(name: str):
    if name == "app":  # every command, for tools that read the whole command line (tests/test_docs_commands.py)
        return make_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the app and turns library errors into messages and exit codes."""
    from .common import hoist_global_options, run_app

    args = sys.argv[1:] if argv is None else list(argv)
    try:
        command = command_in(hoist_global_options(args))
    except Exception:  # a usage error: run_app reports it, with every command known
        command = None
    if any(name.startswith("_PLEDGER_COMPLETE") for name in os.environ):  # the shell asks for completions
        command = None
    listing = command is None and not os.environ.get("_PLEDGER_COMPLETE") and (
        not args or bool({"-h", "--help"} & set(args)))
    return run_app(make_app(command, listing=listing), args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
