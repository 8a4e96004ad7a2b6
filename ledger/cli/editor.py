"""What `pledger edit ID` runs: the editor from $VISUAL or $EDITOR, at the file and line (cli.reading.edit)."""

from __future__ import annotations

import os

EDITOR_ENVS = ("VISUAL", "EDITOR")  # git's order: the full-screen editor first
# How editors take a line: `+LINE FILE` (vi, vim, emacs, nano, ...), `--goto FILE:LINE`
# (VS Code and its forks), `FILE:LINE` (Sublime Text, Zed, Helix), `-l LINE FILE` (TextMate).
PLUS_LINE = {"vi", "vim", "nvim", "gvim", "mvim", "view", "ex", "emacs", "emacsclient", "nano", "pico", "micro",
             "kak", "joe", "jed", "ne", "mg", "mcedit", "vis", "ee"}
GOTO = {"code", "code-insiders", "codium", "vscodium", "cursor", "windsurf"}
COLON_LINE = {"subl", "sublime_text", "zed", "zeditor", "hx", "helix"}


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


def chosen_editor() -> str:
    """$VISUAL, else $EDITOR; UsageError naming EDITOR when neither is set."""
    from ..errors import UsageError

    editor = next((os.environ[name] for name in EDITOR_ENVS if os.environ.get(name, "").strip()), None)
    if editor is None:
        raise UsageError("no editor: set $EDITOR (or $VISUAL) to the command of your editor, e.g. EDITOR=nano", "EDITOR")
    return editor


def open_in_editor(editor: str, path: str, line: int) -> None:
    """Run editor on path at line; UsageError (naming EDITOR) when it cannot be run, LedgerError when it
    exits with an error."""
    import subprocess

    from ..errors import LedgerError, UsageError

    try:
        command = editor_command(editor, path, max(line, 1))
        status = subprocess.call(command)
    except FileNotFoundError:
        raise UsageError(f"the editor {editor!r} (from $VISUAL or $EDITOR) is not installed or not on PATH",
                         "EDITOR") from None
    except ValueError:  # shlex could not split it, or a NUL in it
        raise UsageError("$EDITOR (or $VISUAL) is not a command pledger can run", "EDITOR") from None
    if status != 0:
        raise LedgerError(f"the editor exited with status {status}; the file is as it left it")
