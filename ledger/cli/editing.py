"""`pledger edit ID`: open the file that defines a prediction (or claim) in your editor, at its line."""


import os
from typing import Annotated

import typer

from . import complete
from .common import open_ledger

EDITOR_ENVS = ("VISUAL", "EDITOR")  # git's order: the full-screen editor first
# How editors take a line: `+LINE FILE` (vi, vim, emacs, nano, ...), `--goto FILE:LINE`
# (VS Code and its forks), `FILE:LINE` (Sublime Text, Zed, Helix), `-l LINE FILE` (TextMate).
PLUS_LINE = {"vi", "vim", "nvim", "gvim", "mvim", "view", "ex", "emacs", "emacsclient", "nano", "pico", "micro",
             "kak", "joe", "jed", "ne", "mg", "mcedit", "vis", "ee"}
GOTO = {"code", "code-insiders", "codium", "vscodium", "cursor", "windsurf"}
COLON_LINE = {"subl", "sublime_text", "zed", "zeditor", "hx", "helix"}


def register(app: typer.Typer) -> None:
    app.command("edit")(edit)


def editor_command(editor: str, path: str, line: int) -> list[str]:
    """The command that opens path at line in editor ($VISUAL/$EDITOR, which may hold options:
    `code --wait`). An editor not known to take a line is given the file alone."""
    import shlex

    argv = shlex.split(editor)
    name = os.path.basename(argv[0]).lower().removesuffix(".exe")
    if name in PLUS_LINE:
        return [*argv, f"+{line}", path]
    if name in GOTO:
        return [*argv, "--goto", f"{path}:{line}"]
    if name in COLON_LINE:
        return [*argv, f"{path}:{line}"]
    if name == "mate":
        return [*argv, "-l", str(line), path]
    return [*argv, path]


def edit(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(help="A prediction's id (or a claim's).", metavar="ID",
                                             autocompletion=complete.prediction_ids)],
) -> None:
    """Open the file that defines a prediction (or claim) in $VISUAL or $EDITOR, at its line.

    vi, emacs, nano and most terminal editors open at the line (+LINE); so do
    VS Code (--goto FILE:LINE), Sublime Text, Zed and Helix (FILE:LINE).

    \b
    Examples:
      pledger edit rg25-textbook
      pledger edit sae-interpretable-large-models
    """
    import subprocess

    from ..errors import LedgerError, UsageError
    from ..services.queries import locate_record

    editor = next((os.environ[name] for name in EDITOR_ENVS if os.environ.get(name, "").strip()), None)
    if editor is None:
        raise UsageError("no editor: set $EDITOR (or $VISUAL) to the command of your editor, e.g. EDITOR=nano", "EDITOR")
    ledger = open_ledger(ctx)
    where = locate_record(ledger, record_id)
    path = os.path.join(os.fspath(ledger.root), where.path)
    try:
        command = editor_command(editor, path, max(where.line, 1))
        status = subprocess.call(command)
    except FileNotFoundError:
        raise UsageError(f"the editor {editor!r} (from $VISUAL or $EDITOR) is not installed or not on PATH",
                         "EDITOR") from None
    except ValueError:  # shlex could not split it, or a NUL in it
        raise UsageError("$EDITOR (or $VISUAL) is not a command pledger can run", "EDITOR") from None
    if status != 0:
        raise LedgerError(f"the editor exited with status {status}; the file is as it left it")
