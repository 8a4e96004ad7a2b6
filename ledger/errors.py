"""Problems with a source location, and the two exception types the library raises.

Data problems are values (beancount's idea): loaders collect them and go on, so
`pledger check` can report every problem at once. Exceptions are for the moment
a command has to stop: `LedgerError` (bad data, exit 1) and `UsageError` (a bad
argument, exit 2).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import NamedTuple


class SourceLocation(NamedTuple):
    """Where a record or problem is: a path relative to the ledger root, 1-based line and column.

    A NamedTuple: one is made for every record loaded, so construction must be cheap.
    Sorting is by path, then line, then column.
    """

    path: str
    line: int = 0
    column: int = 0

    def render(self, root: str | os.PathLike | None = None) -> str:
        shown = display_path(self.path, root)
        if self.line <= 0:
            return shown
        if self.column <= 0:
            return f"{shown}:{self.line}"
        return f"{shown}:{self.line}:{self.column}"


class FileLocation(SourceLocation):
    """A place in a file outside the ledger (a file given to `import`): its path as the user typed it,
    shown as it is, never joined to the ledger root."""

    __slots__ = ()

    def render(self, root: str | os.PathLike | None = None) -> str:
        return SourceLocation.render(self, None)


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One thing wrong with the ledger, and what to do about it.

    A message naming other places writes `{0}`, `{1}`, ... for the `refs`, so
    text() shows each the way the location is shown: from the same root.
    """

    location: SourceLocation
    message: str
    code: str = field(default="invalid", compare=False)
    refs: tuple[SourceLocation, ...] = ()

    def text(self, root: str | os.PathLike | None = None) -> str:
        """The message, its refs shown as render() shows the location (ledger-relative without a root)."""
        return placed(self.message, self.refs, root)

    def render(self, root: str | os.PathLike | None = None) -> str:
        return f"{self.location.render(root)}: {self.text(root)}"

    def to_dict(self) -> dict:
        return {
            "path": self.location.path,
            "line": self.location.line,
            "column": self.location.column,
            "code": self.code,
            "message": self.text(),
        }


def placed(message: str, refs: tuple | list, root: str | os.PathLike | None = None) -> str:
    """A message that names places in the ledger as `{0}`, `{1}`, ... with each ref (a SourceLocation) shown
    from `root` as a problem's location is (ledger-relative without one). Without refs, the message as it is;
    with them, text in it that is no placeholder doubles its braces (literal())."""
    if not refs:
        return message
    return message.format(*(ref.render(root) for ref in refs))


def literal(text: str) -> str:
    """`text` to go into a message with refs (placed()): its braces doubled, so they stay braces."""
    return text.replace("{", "{{").replace("}", "}}")


class LedgerError(Exception):
    """The ledger's data stops a command (exit code 1). Carries one or more problems; a message naming places in
    the ledger gives them as refs (placed()), which the CLI shows from where the user stands."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None, refs: tuple = ()):
        self.template, self.refs = message, tuple(refs)
        self.message = placed(message, self.refs)  # ledger-relative paths
        super().__init__(self.message)
        self.problems = list(problems or [])

    def text(self, root: str | os.PathLike | None = None) -> str:
        return placed(self.template, self.refs, root)


class UsageError(Exception):
    """A command was called wrongly (exit code 2). Names the argument; places in the ledger as LedgerError's."""

    exit_code = 2

    def __init__(self, message: str, argument: str | None = None, refs: tuple = ()):
        self.template, self.refs = message, tuple(refs)
        self.message = placed(message, self.refs)
        super().__init__(self.message)
        self.argument = argument

    def text(self, root: str | os.PathLike | None = None) -> str:
        return placed(self.template, self.refs, root)


def display_path(path: str, root: str | os.PathLike | None = None) -> str:
    """Show a ledger-relative path the way the user can open it from where they stand."""
    if root is None:
        return path
    full = os.path.join(os.fspath(root), path)
    try:
        shown = os.path.relpath(full)
    except ValueError:  # another drive on Windows
        return full
    return full if shown.startswith("..") else shown
