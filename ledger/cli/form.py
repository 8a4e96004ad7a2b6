"""Which form output takes: the terminal's (rich tables fitted to its width) or the pipe's.

Piped (standard output not a terminal: `pledger list | grep lora`, `> file`),
every table is tab-separated values: a header line, then one record a line,
nothing wrapped, cut or boxed, the columns the same whatever the data or the
width, every cell through `visible()` with line breaks and tabs escaped (`\\n`,
`\\t`). Lines of prose (score's figures) are printed whole, never hard-wrapped
at 80 columns. Summaries that are not records (list's count and points) go to
standard error, so standard output is only the header and the records.

PLEDGER_FORCE_TTY=1 asks for the terminal form even when piped (as gh's
GH_FORCE_TTY does), at the width COLUMNS gives (else 80): `... | less -R`.
"""

from __future__ import annotations

import os
import sys

FORCE_TTY_ENV = "PLEDGER_FORCE_TTY"


def piped() -> bool:
    """True when output takes the piped form (standard output is not a terminal and the terminal form is not forced)."""
    forced = os.environ.get(FORCE_TTY_ENV, "")
    if forced and forced != "0":
        return False
    try:
        return not sys.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stdout
        return True


def tsv_line(cells) -> str:
    from ..controls import CONTROL_BUT_TAB
    from .visible import visible

    texts = [cell if cell.__class__ is str else str(cell) for cell in cells]
    line = "\t".join(texts)
    # The common case, one test a line: no control character, and no tab but the separators.
    if line.count("\t") == len(texts) - 1 and not CONTROL_BUT_TAB.search(line):
        return line + "\n"
    return "\t".join(visible(text, line_breaks=False) for text in texts) + "\n"


def write_table(headers: list[str], rows, *, title: str | None = None) -> None:
    """A table in the piped form: an optional title line, the header, one line per row."""
    write = sys.stdout.write
    if title is not None:
        from .visible import visible

        write(visible(title, line_breaks=False) + "\n")
    write(tsv_line(headers))
    for row in rows:
        write(tsv_line(row))


class PipedTable:
    """A table in the piped form as a rich renderable (what tables.fit_table gives when piped):
    its title on a line, the header, then a line per row, each through tsv_line."""

    def __init__(self, headers: list[str], rows, title: str | None = None):
        self.headers, self.rows, self.title = headers, rows, title

    @classmethod
    def from_markup(cls, headers: list[str], rows, title: str | None = None) -> PipedTable:
        """From rich markup cells and headers (on two lines: `n with\\npeers`, `over/\\nunder`)."""
        from rich.text import Text

        def plain(text):
            return Text.from_markup(text).plain if "[" in text else text

        heads = [plain(h).replace("/\n", "/").replace("\n", " ") for h in headers]
        return cls(heads, [[plain(cell) for cell in row] for row in rows], None if title is None else plain(title))

    def __rich_console__(self, console, options):
        from rich.segment import Segment
        from .visible import visible

        if self.title is not None:
            yield Segment(visible(self.title, line_breaks=False) + "\n")
        yield Segment(tsv_line(self.headers))
        for row in self.rows:
            yield Segment(tsv_line(row))
