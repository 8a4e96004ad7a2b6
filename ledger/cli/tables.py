"""Rich tables that fit the terminal without eating their numbers or ids.

Left to itself, rich shrinks every column evenly once the wrappable ones are
as narrow as they go: on an 80-column terminal a `#` or `n` column vanished and
ids were cut to "streetlight-e…", which cannot be pasted into `pledger show`.

Here every column is either *fixed* (ids, numbers, dates, marks: never wrapped,
never cut, as wide as its widest cell or header line) or *text* (claims, quotes,
names: they wrap, down to a minimum width). `fit_table` picks the first layout
that fits: the boxed table, then a compact one without vertical borders, each
with the optional columns dropped one by one; None when even the narrowest
does not fit (the caller then prints a stacked listing).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache


@dataclass(frozen=True)
class Column:
    header: str  # may hold "\n": a header on two lines keeps a narrow column narrow
    justify: str = "left"
    text: bool = False  # wraps; otherwise fixed
    min_width: int = 0  # text columns: the narrowest they may get
    comfortable: int = 0  # text columns: tried first, before columns are dropped for room
    max_width: int | None = None  # text columns: at most this wide (the first text column takes what is left)
    optional: int = 0  # when > 0, dropped for room: 1 first, then 2, ...


@lru_cache(maxsize=8192)  # fit_table measures every cell again for each layout it tries
def _cell_width(text: str) -> int:
    from rich.cells import cell_len
    from rich.text import Text

    return max((cell_len(line) for line in Text.from_markup(text).plain.split("\n")), default=0)


def _natural(col: Column, i: int, rows: list[list[str]]) -> int:
    return max([_cell_width(col.header)] + [_cell_width(r[i]) for r in rows])


BOXED, COMPACT = "boxed", "compact"


def _extra(style: str, n: int) -> int:
    # boxed: 2 edges, n - 1 dividers, one space of padding either side of each cell.
    # compact: n - 1 space dividers, one space of padding after each cell but the last.
    return 3 * n + 1 if style == BOXED else 2 * n - 2


def _allocate(cols: list[Column], natural: list[int], room: int, soft: bool) -> list[int] | None:
    """Widths within `room`: fixed columns at their natural width, text columns at
    least their minimum (the comfortable one when `soft`), capped ones served
    first, the rest to the first uncapped text column. None when they do not fit."""
    widths = []
    for col, nat in zip(cols, natural):
        if not col.text:
            widths.append(nat)
            continue
        head = max((_cell_width(w) for w in col.header.replace("\n", " ").split()), default=0)
        widths.append(min(nat, max(col.min_width, col.comfortable if soft else 0), col.max_width or nat))
        widths[-1] = max(widths[-1], head)
    left = room - sum(widths)
    if left < 0:
        return None
    text = [i for i, c in enumerate(cols) if c.text]
    for i in sorted(text, key=lambda i: cols[i].max_width is None):
        want = min(natural[i], cols[i].max_width or natural[i]) - widths[i]
        give = max(0, min(left, want))
        widths[i] += give
        left -= give
    return widths


def fit_table(out, columns: list[Column], rows: list[list[str]], *, title: str | None = None, **table_options):
    """A rich Table of `rows` (cells as markup) that fits `out.width`, or None.

    Tried in order: text columns at their comfortable width, then at their
    minimum; at each, the optional columns left out first to last; at each,
    the boxed style then the compact one, each with one-line headers first.
    Piped (cli.form), every column, tab-separated: form.PipedTable.
    """
    from .form import PipedTable, piped

    if piped():
        return PipedTable.from_markup([c.header for c in columns], rows, title=title)
    from rich import box
    from rich.table import Table

    optional = sorted((i for i, c in enumerate(columns) if c.optional), key=lambda i: columns[i].optional)
    for soft in (True, False):
        for n_dropped in range(len(optional) + 1):
            keep = [i for i in range(len(columns)) if i not in optional[:n_dropped]]
            cells = [[r[i] for i in keep] for r in rows]
            for style, joined in ((BOXED, True), (BOXED, False), (COMPACT, True), (COMPACT, False)):
                # Headers on one line when there is room, else on the lines they were given.
                cols = [replace(columns[i], header=columns[i].header.replace("\n", " ")) if joined else columns[i]
                        for i in keep]
                natural = [_natural(c, j, cells) for j, c in enumerate(cols)]
                widths = _allocate(cols, natural, out.width - _extra(style, len(cols)), soft)
                if widths is None:
                    continue
                if style == BOXED:
                    table = Table(title=title, header_style="bold", **table_options)
                else:
                    table = Table(title=title, header_style="bold", box=box.SIMPLE_HEAD, show_edge=False,
                                  pad_edge=False, padding=(0, 1, 0, 0), **table_options)
                for col, width in zip(cols, widths):
                    if col.text:
                        table.add_column(col.header, justify=col.justify, width=width, overflow="fold")
                    else:
                        table.add_column(col.header, justify=col.justify, no_wrap=True, min_width=width)
                for row in cells:
                    table.add_row(*row)
                return table
    return None
