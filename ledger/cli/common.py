"""What the commands share: the ledger they act on, argument parsing, errors and exit codes."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from typing import Any

import typer

ROOT_HELP = "The ledger folder (default: $PLEDGER_ROOT, else ./predictions when it exists, else the ledger this folder is in)."
READ_ONLY_HELP = ("Read the index as it stands (a shared one: docs/team.md): no refresh, no checkout needed "
                  "with --ledger; commands that write refuse.")
LEDGER_HELP = ("Read this ledger's index on the shared server by its name (repeat to score several together); "
               "implies --read-only.")
# Options of the whole command that people type after the command's name too (hoist_global_options).
GLOBAL_VALUE_OPTIONS = ("--root", "--ledger")
GLOBAL_FLAGS = ("--read-only",)
JSON_HELP = "Print JSON (keys documented in docs/cli.md) instead of a table."


class State:
    """What the global options leave for the commands (a plain class: `pledger --help` imports no dataclasses)."""

    __slots__ = ("root", "read_only", "ledgers")

    def __init__(self, root: str | None = None, read_only: bool = False, ledgers: tuple[str, ...] = ()):
        self.root = root
        self.read_only = read_only
        self.ledgers = ledgers


def completer(kind: str):
    """The shell-completion callback of an argument of this kind (cli.complete.KINDS: ids, sets, tags, ...).

    A closure, so that cli.complete (and the index it reads) is imported only when
    the shell asks for a completion, never by `pledger --help`."""

    def complete(ctx, incomplete):
        from .complete import candidates

        return candidates(kind, ctx, incomplete)

    return complete


def open_ledger(ctx: typer.Context, *, several: bool = False):
    """The ledger the command acts on. several: the command reads several --ledger at once (score)."""
    from ..errors import UsageError
    from ..services.ledger import Ledger

    state: State = ctx.obj or State()
    if len(state.ledgers) > 1 and not several:
        raise UsageError(f"`pledger {ctx.info_name}` reads one ledger; give one --ledger "
                         "(`pledger score` scores several together)", "--ledger")
    ledger = Ledger.open(state.root, read_only=state.read_only or None, ledgers=state.ledgers)
    if ledger.root is not None:
        remember_root(ledger.root)
    return ledger


def checked_ledger_names(names: list[str]) -> tuple[str, ...]:
    """--ledger values: each a ledger name (ledger.store.identity.check_name), a usage error otherwise."""
    from ..errors import UsageError
    from ..store.identity import check_name

    for name in names:
        why = check_name(name)
        if why:
            raise UsageError(f"--ledger: {why}", "--ledger")
    return tuple(dict.fromkeys(names))


def parse_date(value: str | None, argument: str, *, past: bool = False) -> dt.date | None:
    """A date argument; with past=True, one after today is refused (nothing is made,
    forecast or resolved in the future)."""
    if value is None:
        return None
    from ..errors import UsageError
    from ..services.defaults import after_today, today

    text = value.strip().lower()
    if text == "today":
        return today()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{argument}: {value!r} is not a date; write YYYY-MM-DD (or 'today')", argument) from None
    if past and day > today():
        raise UsageError(f"{argument}: {after_today(day)}; record it on or after the day itself", argument)
    return day


def record_by(value: str | None) -> str:
    """The name a new record is written under: --by, else $PLEDGER_BY, else the user name.

    Either is trimmed and must be one non-empty line (a usage error naming --by or
    PLEDGER_BY), checked before the ledger is opened.
    """
    from ..names import checked_name
    from ..services.defaults import default_by

    return default_by() if value is None else checked_name(value, "--by")


def typed_text(value: str | None, argument: str, *, lines: bool = True) -> str | None:
    """Text typed for a record, refused (UsageError naming the argument) when it holds a
    control character or bidi override (ledger.controls.checked_text); None stays None.
    lines=True: a claim, note or quote may span lines; else one line (a link, a title)."""
    if value is None:
        return None
    from ..controls import checked_text

    return checked_text(value, argument, lines=lines)


def print_json(data: Any) -> None:
    """data as indented JSON, control characters shown (cli.visible.json_visible): json.dumps(indent=2)'s
    bytes, by ledger.jsontext's faster encoder."""
    from ..jsontext import dumps
    from .visible import json_visible

    sys.stdout.write(json_visible(dumps(data)) + "\n")


STDIO = "-"  # a FILE argument that means standard input or output


def is_stdio(path: str | None) -> bool:
    return path is not None and path == STDIO


def write_stdout(text: str, *, json_text: bool = False) -> None:
    """A document (markdown, CSV, YAML, JSON) to standard output: as it is into a pipe or file,
    with control characters shown (cli.visible) when it lands on a terminal."""
    from .visible import json_visible, visible

    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        tty = False
    sys.stdout.write(json_visible(text) if json_text else visible(text) if tty else text)


def print_json_document(head: dict, key: str, items) -> None:
    """print_json({**head, key: list(items)}), written an item at a time."""
    from ..jsontext import document_chunks

    write_chunks(document_chunks(head, key, items), json_text=True)


def refuse_folder(output: str, argument: str, what: str) -> None:
    """UsageError naming `argument` when the file to write is a folder (or empty, the current one): checked
    before anything is read, so the command fails at once and writes nothing."""
    if not output.strip() or os.path.isdir(output):
        from ..errors import UsageError

        raise UsageError(f"{argument}: {output!r} is a folder; {what}", argument)


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 forecast`, `2 forecasts`, `1,000 outcome entries`: a count and its noun, as the terminal prints them."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


class ReaderGone(Exception):
    """stdout's reader left (`| head`) while a command streamed: run_app ends quietly, exit 0.

    Not an OSError: typer turns a broken pipe raised inside a command into exit 1."""


def write_chunks(chunks, *, json_text: bool = False) -> None:
    """write_stdout for a document in pieces (each a whole record or more), written as they come."""
    from .visible import json_visible, visible

    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        tty = False
    show = json_visible if json_text else visible if tty else None
    write = sys.stdout.write
    try:
        # A few hundred records per write: a million calls through the stream's layers cost more than the text.
        for batch in _batches(chunks):
            write(show(batch) if show is not None else batch)
    except BrokenPipeError:
        raise ReaderGone from None


def _batches(chunks, size: int = 1 << 16):
    """The chunks joined into texts of about `size` characters (a chunk is never split)."""
    pending: list[str] = []
    held = 0
    for chunk in chunks:
        pending.append(chunk)
        held += len(chunk)
        if held >= size:
            yield "".join(pending)
            pending.clear()
            held = 0
    if pending:
        yield "".join(pending)


def console(stderr: bool = False):
    """A rich console for output; piped (form.piped), lines are printed whole, never wrapped."""
    from rich.console import Console

    from .form import piped

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich exits with status 1 when the reader goes away (`pledger list | head -1`);
            # raise instead, so run_app ends quietly with 0 as for any other write.
            self.quiet = True
            raise BrokenPipeError

    return _Console(stderr=stderr, highlight=False, soft_wrap=not stderr and piped())


def warn_ledger_problems(ledger) -> None:
    """The read commands' warning, for a command whose service did not count the problems itself."""
    from ..services.queries import count_problems

    warn_problems(count_problems(ledger))


def warn_problems(count: int) -> None:
    if count:
        noun = "problem" if count == 1 else "problems"
        # One plain line: rich would hard-wrap it at the terminal's width (or 80 in a pipe).
        sys.stderr.write(
            f"pledger: warning: the ledger has {count} {noun}; records with problems are left out. "
            "Run `pledger check` to see them.\n"
        )


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move a `--root`, `--ledger` or `--read-only` given after the command to the front, where click expects it.

    People type `pledger list --root DIR` as often as `pledger --root DIR list`.
    Arguments after `--` are left alone. A `--root` with nothing after it is a
    UsageError saying it needs a value (left to click, `pledger list --root`
    would be "No such option: --root", as `list` has no such option of its own).
    """
    out, moved, i = [], [], 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out.extend(argv[i:])
            break
        if arg in GLOBAL_VALUE_OPTIONS and i + 1 == len(argv):
            what = "the ledger folder (--root DIR)" if arg == "--root" else "the ledger's name (--ledger NAME)"
            raise _library_error("UsageError")(f"{arg} needs a value: {what}", arg)
        if out and arg in GLOBAL_VALUE_OPTIONS and i + 1 < len(argv):
            moved += argv[i : i + 2]
            i += 2
            continue
        if out and (arg.split("=", 1)[0] in GLOBAL_VALUE_OPTIONS and "=" in arg or arg in GLOBAL_FLAGS):
            moved.append(arg)
        else:
            out.append(arg)
        i += 1
    return moved + out


class _GuardedStdout:
    """sys.stdout while a command runs: a reader that left (`| head -1`) ends the command as ReaderGone,
    whichever writer saw it (rich, the piped tables, JSON). typer would turn the BrokenPipeError raised
    inside a command into exit 1; run_app ends with 0."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise ReaderGone from None

    def flush(self):
        try:
            return self._stream.flush()
        except BrokenPipeError:
            raise ReaderGone from None

    def __getattr__(self, name):
        return getattr(self._stream, name)


def run_app(app: typer.Typer, argv: list[str] | None) -> int:
    """Run the typer app on argv (a `--root` after the command moved to the front: hoist_global_options);
    map library errors to exit codes 1 (data) and 2 (usage), never a traceback.

    The error classes are looked up only when something is raised (an `except`
    expression is evaluated then): `pledger --help` does not import ledger.errors."""
    stdout = sys.stdout
    sys.stdout = _GuardedStdout(stdout)
    try:
        return _run(app, argv)
    finally:
        if isinstance(sys.stdout, _GuardedStdout):
            sys.stdout = stdout


def reject_undecodable(argv: list[str], environ=os.environ) -> None:
    """Arguments and PLEDGER_* variables are text: bytes that are not UTF-8 (which Python keeps as lone
    surrogates) would otherwise fail deep in a query or a write. A UsageError naming the argument."""
    for key in sorted(k for k in environ if k.startswith("PLEDGER_")):
        if _SURROGATE.search(environ[key]):
            raise _library_error("UsageError")(f"{key}: {_bytes_shown(environ[key])} is not UTF-8 text; set it in "
                                               "UTF-8", key)
    for i, arg in enumerate(argv):
        if not _SURROGATE.search(arg):
            continue
        option, value = arg.split("=", 1) if arg.startswith("--") and "=" in arg else (None, arg)
        before = argv[i - 1] if i and argv[i - 1].startswith("-") and "=" not in argv[i - 1] else None
        # A file to read may have any bytes in its name (an existing file, the ledger root): left to the command.
        given_to = option or before
        if given_to in _PATH_OPTIONS or (given_to not in _OUTPUT_OPTIONS and os.path.lexists(value)):
            continue
        name = given_to or f"argument {i + 1}"
        raise _library_error("UsageError")(f"{name}: {_bytes_shown(value)} is not UTF-8 text; give it in UTF-8", name)


def reject_repeated(command, argv: list[str]) -> None:
    """An option that takes one value given twice (`--set a --set b`): click keeps the last silently, so a
    scorecard of one set would be published as if of both. A UsageError naming the option. Options that
    repeat on purpose (`--tag`, `--option`) and flags are left alone. (click's classes are typer's own copy
    in recent typers: they are told apart by what they have.)"""
    while hasattr(command, "commands"):  # a group: the subcommand the arguments run (claim add, ...)
        single, _ = _option_names(command)
        i = 0
        while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
            i += 1 + (argv[i] in single)  # a group's own option and its value
        if i >= len(argv) or argv[i] not in command.commands:
            return  # --help, a typo (click says so), or no command
        command, argv = command.commands[argv[i]], argv[i + 1:]
    single, valued = _option_names(command)
    seen: dict[str, str] = {}  # option name -> how it was given first
    i = 0
    while i < len(argv) and argv[i] != "--":
        arg = argv[i]
        name, eq, _ = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name not in valued:
            i += 1
            continue
        given = arg if eq else f"{arg} {argv[i + 1] if i + 1 < len(argv) else ''}".rstrip()
        key = single.get(name)
        if key is not None and key in seen:
            raise _library_error("UsageError")(
                f"{name} given twice ({seen[key]} and {given}): it takes one value; give it once", name)
        if key is not None:
            seen[key] = given
        i += 1 if eq else 2


def _option_names(command) -> tuple[dict[str, str], set[str]]:
    """Per option string that takes one value, the option's name (-o and --output are one); and every option
    string that takes a value (so that a value is never read as an option)."""
    single: dict[str, str] = {}
    valued: set[str] = set()
    for param in command.params:
        if getattr(param, "param_type_name", "") != "option" or param.is_flag or param.count:
            continue
        for opt in param.opts:
            valued.add(opt)
            if not param.multiple and param.nargs == 1:
                single[opt] = param.name
    return single, valued


_SURROGATE = re.compile("[\udc80-\udcff]")  # the bytes os.fsdecode could not decode (surrogateescape)
_PATH_OPTIONS = ("--root", "--map")  # read, never written into a record or a post
_OUTPUT_OPTIONS = ("-o", "--output", "--chart-dir")  # their names go into what is written (links, the command)


def _bytes_shown(text: str) -> str:
    """The argument as bytes, the undecodable ones as \\xNN (never written raw to the terminal)."""
    raw = os.fsencode(text)
    return "'" + raw.decode("utf-8", "backslashreplace").encode("ascii", "backslashreplace").decode("ascii") + "'"


def _run(app: typer.Typer, argv: list[str] | None) -> int:
    try:
        reject_undecodable(sys.argv[1:] if argv is None else argv)
        args = None if argv is None else hoist_global_options(argv)
        from typer.main import get_command

        command = get_command(app)  # what app() builds: built once here, to look at the options first
        reject_repeated(command, sys.argv[1:] if args is None else args)
        # Outside standalone mode click returns typer.Exit's code instead of raising it.
        code = command(args=args, prog_name="pledger", standalone_mode=False)
        sys.stdout.flush()  # a closed pipe shows here when the output fit in the buffer
    except _library_error("UsageError") as exc:
        _error(exc.text(ledger_root_for_paths()))
        return 2
    except _library_error("LedgerError") as exc:
        _error(exc.text(ledger_root_for_paths()), exc.problems)
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        sys.stderr.write("Aborted.\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        return 130
    except _click_exception() as exc:
        return _click_error(exc)
    except (BrokenPipeError, ReaderGone):
        # Output piped into `head` and closed early: not an error. Point stdout at
        # devnull so that the interpreter's own flush at exit does not fail too.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
            pass
        return 0
    except OSError as exc:
        # The system refused a file operation the library does not report itself
        # (store.write reports writes): name the file, exit 1 as for other data problems.
        where = f" {exc.filename}" if exc.filename else ""
        _error(f"cannot use{where}: {exc.strerror or exc}")
        return 1
    except Exception as exc:  # a bug: say so plainly, keep the traceback behind a switch
        if os.environ.get("PLEDGER_DEBUG"):
            raise
        sys.stderr.write(
            f"pledger: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in pledger, not in your ledger. Set PLEDGER_DEBUG=1 for the traceback and report it.\n"
        )
        return 3
    return code if isinstance(code, int) else 0


def _library_error(name: str) -> type[Exception]:
    from .. import errors

    return getattr(errors, name)


def _click_error(exc) -> int:
    """click's errors in the one-line `pledger: error: ...` format, naming the option; exit 2 for usage."""
    try:
        from typer._click import exceptions as ce
    except ImportError:  # pragma: no cover
        from click import exceptions as ce

    if isinstance(exc, ce.NoArgsIsHelpError):  # `pledger` alone, or a group without a command: the help
        exc.show()
        return exc.exit_code
    if isinstance(exc, ce.BadParameter) and not isinstance(exc, ce.MissingParameter) and exc.param is not None:
        opts = [o for o in getattr(exc.param, "opts", []) if o.startswith("--")] or getattr(exc.param, "opts", [])
        name = opts[0] if opts and getattr(exc.param, "param_type_name", "") == "option" else exc.param.human_readable_name
        message = f"{name}: {exc.message}"
    else:
        message = exc.format_message()
    _error(message)
    return exc.exit_code


def _click_exception():
    try:  # typer >= 0.16 vendors click
        from typer._click.exceptions import ClickException
    except ImportError:  # pragma: no cover
        from click.exceptions import ClickException
    return ClickException


def _error(message: str, problems=None) -> None:
    from .visible import visible

    sys.stderr.write(f"pledger: error: {visible(message, line_breaks=False)}\n")
    for problem in problems or []:
        sys.stderr.write(f"  {visible(problem.render(ledger_root_for_paths()), line_breaks=False)}\n")


_ROOT_FOR_PATHS: dict[str, str] = {}


def ledger_root_for_paths() -> str | None:
    """The ledger root remember_root() kept: ledger-relative places are shown from it (errors.placed)."""
    return _ROOT_FOR_PATHS.get("root")


def remember_root(root: os.PathLike | str) -> None:
    """Problems hold ledger-relative paths; remember the root so errors show openable paths."""
    _ROOT_FOR_PATHS["root"] = os.fspath(root)
