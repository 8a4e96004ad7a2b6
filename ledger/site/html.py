"""HTML through Jinja2 templates with autoescape on: no user text can become markup.

The templates under ledger/site/templates are loaded from the package; every `{{ }}`
is escaped by Jinja. Card pieces (report.card: Link, Styled, Mark, Note and plain
strings) are turned into HTML by `inline`, which escapes every string with
markupsafe and writes a link only for an http(s) URL (report.escape.safe_url), so
a record's `javascript:` link shows as its label, never as a link.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup, escape

from ..report.card import Link, Mark, Note, Styled
from ..report.escape import drop_controls, safe_url

MARKS = {"yes": ("✅", "happened"), "no": ("❌", "did not happen"), "annulled": ("➖", "annulled"),
         "pending": ("⏳", "pending")}


class Internal(NamedTuple):
    """A link to another page of the site (its href is built from ids and slugs, never from user text)."""

    label: str
    href: str


def _text(value) -> Markup:
    """Text as HTML: escaped, control characters as spaces, bidi overrides removed."""
    return escape(drop_controls(value)) if isinstance(value, str) else escape(value)


def inline(piece) -> Markup:
    """A card piece (or a tuple of pieces) as safe HTML."""
    if isinstance(piece, str):
        return _text(piece)
    if isinstance(piece, Internal):
        return Markup('<a href="{}">{}</a>').format(piece.href, _text(piece.label))
    if isinstance(piece, Link):
        target = safe_url(piece.url)
        label = _text(piece.label or "link")
        return Markup('<a href="{}" rel="nofollow noopener">{}</a>').format(target, label) if target else label
    if isinstance(piece, Mark):
        if piece.key == "value":
            return _text(piece.value)
        mark, words = MARKS[piece.key]
        return Markup('<span class="mark mark-{}" title="{}"><span aria-hidden="true">{}</span>'
                      '<span class="visually-hidden">{}</span></span>').format(piece.key, words, mark, words)
    if isinstance(piece, Note):
        return Markup('<span class="note">{}</span>').format(_text(piece.text))
    if isinstance(piece, Styled) and piece.style == "emoji":
        return Markup('<span aria-hidden="true">{} </span>').format(piece.text)
    if isinstance(piece, Styled):
        tag = {"strong": "strong", "em": "em", "strike": "del", "code": "code", "num": "span"}[piece.style]
        return Markup("<{0}>{1}</{0}>").format(tag, inline(piece.text))
    if isinstance(piece, tuple) and not hasattr(piece, "_fields"):
        return Markup("").join(inline(p) for p in piece)
    if piece is None:
        return Markup("")
    return _text(str(piece))


def table_html(t, root: str) -> Markup:
    """A card Table as HTML (each cell labelled with its column, for the phone layout); the claim of a
    prediction row links to its page. Built here with plain string joins of escaped parts rather than
    in a template loop: a set's table has a row per prediction, and this is the site's hottest loop."""
    headers = [str(_text(h)) for h in t.headers]
    aligns = [f"a-{a}" for a in t.aligns]  # l, r, c: ours
    root = str(escape(root))
    label = str(escape(", ".join(t.headers)))
    out = [f'<div class="scroll" role="region" aria-label="{label}" tabindex="0">',
           '<table class="stack">' if len(t.headers) > 4 else "<table>", "<thead><tr>"]
    out += [f'<th scope="col" class="{a}">{h}</th>' for a, h in zip(aligns, headers)]
    out.append("</tr></thead>\n<tbody>\n")
    ids = t.row_ids or ()
    # Marks, probabilities, points, dates, names and sets repeat from row to row: each made HTML once. Keyed
    # by type too (Styled("x", "num") == Link("x", "num") as tuples); a composite cell (a plain tuple) is not kept.
    made: dict = {}

    def cell(value) -> str:
        if type(value) is tuple:
            return inline(value)
        key = (type(value), value)
        html = made.get(key)
        if html is None:
            html = made[key] = inline(value)
        return html

    for i, row in enumerate(t.rows):
        rid = ids[i] if i < len(ids) else None
        cells = []
        for j, value in enumerate(row):
            if j == 1 and rid:
                cells.append(f'<td data-label="{headers[j]}" class="{aligns[j]}"><a href="{root}predictions/'
                             f'{escape(rid)}.html">{inline(value)}</a></td>')
            elif value == "" or value == " ":
                cells.append(f'<td data-label="{headers[j]}" class="{aligns[j]} empty"></td>')
            else:
                cells.append(f'<td data-label="{headers[j]}" class="{aligns[j]}">{cell(value)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>\n")
    out.append("</tbody>\n</table>\n</div>\n")
    return Markup("".join(out))  # every part above is escaped or ours


def _finalize(value):
    """Every {{ }} value: strings lose their control characters before Jinja escapes them."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return drop_controls(value)
    return "" if value is None else value


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment: package templates, autoescape on for every template, strict undefined."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("ledger.site", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=_finalize)
    env.filters["inline"] = inline
    env.filters["block_kind"] = block_kind
    env.filters["table_html"] = table_html
    env.filters["anchor"] = lambda key: re.sub(r"[^a-z0-9_-]+", "-", str(key).lower()).strip("-") or "section"
    env.globals["MARKS"] = MARKS
    return env


def block_kind(b) -> str:
    """Which of the card's blocks (report.card) `b` is, for the templates."""
    if isinstance(b, str):
        return b
    return {"Section": "section", "Para": "para", "Table": "table", "Items": "items", "Image": "image"}.get(
        type(b).__name__, "")


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
