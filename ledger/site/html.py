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
    if isinstance(piece, Styled):
        tag = {"strong": "strong", "em": "em", "strike": "del", "code": "code", "num": "span"}[piece.style]
        return Markup("<{0}>{1}</{0}>").format(tag, inline(piece.text))
    if isinstance(piece, tuple) and not hasattr(piece, "_fields"):
        return Markup("").join(inline(p) for p in piece)
    if piece is None:
        return Markup("")
    return _text(str(piece))


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
