"""Making user text and links safe in published markdown.

Every piece of text that comes from a record (claims, notes, names, titles,
probabilities as typed) goes through `text()`; every link through `link()` or
`safe_url()`. The output is inert inline markdown on one line: it can end
neither a table row nor a paragraph, open no block (heading, list, quote, code),
make no emphasis, code span, link, image, footnote, math or HTML. Renderers
differ (GitHub's GFM, LessWrong's markdown-it with math, footnotes, sub- and
superscript, CommonMark), so the rules cover the union of their syntax.
"""

from __future__ import annotations

import re
from urllib.parse import quote as _percent, urlsplit

# Backslash-escapable ASCII punctuation that opens syntax in one of the target
# renderers: code (`), emphasis (* _), links and footnotes ([ ] ^), tables (|),
# headings (#), strikethrough and subscript (~), math ($), images (!), escapes (\).
# `(` and `)` need no escape: with `[` and `]` escaped no link can form around them.
_PUNCT = re.compile(r"([\\`*_\[\]{}#~|!$^])")
# At the start of a line: a list item ("- x", "+ x", "1. x", "1) x"), a setext underline
# ("=", "--") or a thematic break ("---", "-- -"): `*` and `_` are escaped everywhere anyway.
_LEADING = re.compile(r"^(?:(-(?=[\s-]|$)|\+(?=\s|$)|=)|(\d{1,9})([.)])(?=\s|$))")
# Characters that change how text displays without being seen: bidi overrides
# and isolates (text that reads differently from what it is), zero-width joiners aside.
_INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
# Unicode's control characters (category Cc) are exactly C0, DEL and C1.
_CONTROLS = [*range(0x20), *range(0x7F, 0xA0)]
# One table, one pass (str.translate): controls become spaces, bidi controls go.
_CLEAN = {**dict.fromkeys(_CONTROLS, " "), **dict.fromkeys(map(ord, _INVISIBLE))}
_HAS_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
SCHEMES = ("http", "https")
# What no host name holds (IDNA letters may: they pass). urlsplit has taken the brackets off an IPv6 host.
_BAD_HOST = re.compile(r"[\s<>\"'`|\\^{}%/?#!$&()*+,;=~]")

# GitHub links what looks like an address even when no markdown link syntax is
# there: cmark-gfm's autolink extension (extensions/autolink.c) turns `www.` + a
# domain, `scheme://` and an e-mail address (`mailto:`/`xmpp:` too) into links,
# and GitHub's mention filter (html-pipeline's MentionFilter) turns `@name` into
# a link to a profile. A zero-width space, written as an entity so a reader of the
# source sees it, breaks each pattern where it starts: after `@` (e-mail,
# mentions, mailto:, xmpp:), inside `www.` and `://`. Backslash escapes cannot:
# the autolink scan runs on the text after escapes are read.
ZWSP = "&#8203;"
_AUTOLINK = re.compile(r"@(?=[A-Za-z0-9])|(?i:www)(?=\.)|:(?=//)")


# Text that needs nothing done: letters, digits and harmless punctuation, single spaces, starting
# with a letter (no block marker), not ending with a space, no `www.`. Most claims are like this; the
# rest take the full path. (The characters by one pattern, the rest by substring tests: lookaheads
# would rescan the text for each.)
_INERT_CHARS = re.compile(r"[A-Za-z(\"'][A-Za-z0-9 ,.()'\"/?%;-]*")


def inert(value: str) -> bool:
    """Whether `value` is already inert inline markdown: text() gives it back as it is."""
    return (_INERT_CHARS.fullmatch(value) is not None and "  " not in value and value[-1] != " "
            and "www." not in value.lower())


# Lines of inert text, each ending in a newline: inert() on many values at once (all_inert).
_INERT_LINES = re.compile(f"(?:{_INERT_CHARS.pattern}\n)*")


def all_inert(values: list) -> bool:
    """Whether every value is a str that inert() passes, tested on their lines joined: one scan for many
    (when no value holds a newline, the newlines between them neither make nor hide a double space, a
    trailing space or a `www.`)."""
    if not values:
        return True
    if not all(type(v) is str for v in values):
        return False
    joined = "\n".join(values) + "\n"
    return (joined.count("\n") == len(values) and _INERT_LINES.fullmatch(joined) is not None
            and "  " not in joined and " \n" not in joined and "www." not in joined.lower())


def _drop_controls(value: str) -> str:
    """Control characters (C0, DEL, C1) become spaces; bidi controls are removed."""
    return value.translate(_CLEAN)


drop_controls = _drop_controls  # for the HTML renderers: the same rule as the markdown's


def one_line(value: str | None) -> str:
    """Whitespace runs (newlines included) collapsed to one space: a newline would end a table row."""
    if not value:
        return ""
    return " ".join(_drop_controls(value).split())


def text(value: str | None, *, github: bool = False) -> str:
    """User text as inert inline markdown on one line, safe in a table cell and in a paragraph.

    `<`, `>` and `&` become entities (no HTML, no entity tricks such as
    `&#60;script&#62;`); markdown punctuation is backslash-escaped, which also
    defuses a leading `#` or `>`; a leading `-`, `+`, `=`, `--`, `1.` or `1)` is
    escaped too, so the text opens no block even where it starts a line, under
    another line (no setext heading) or alone (no thematic break).
    github=True: GitHub's autolinks and @mentions are broken too (see ZWSP).
    """
    if value and inert(value):
        return value
    flat = one_line(value)
    if not flat:
        return ""
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _PUNCT.sub(r"\\\1", flat)
    flat = _LEADING.sub(lambda m: f"{m[2]}\\{m[3]}" if m[2] else f"\\{m[1]}", flat)
    return _AUTOLINK.sub(lambda m: m[0] + ZWSP, flat) if github else flat


def safe_url(url: str | None) -> str | None:
    """An http(s) URL made safe as a link destination, or None.

    Only absolute http and https URLs with a host pass: `javascript:`, `data:`,
    `vbscript:`, `file:`, mail and relative links from records never reach a post.
    What could end the destination or the table cell (spaces, `)`, `|`, `<`,
    `>`, quotes, backticks) is percent-encoded; the rest is kept as written.
    """
    if not url:
        return None
    url = url.strip()
    if _HAS_CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SCHEMES or not parts.netloc:
        return None
    try:
        parts.port  # noqa: B018 - a port that is no number, or out of range, raises
    except ValueError:
        return None
    if not parts.hostname or _BAD_HOST.search(parts.hostname):
        return None  # no host a browser could reach (`https://exa mple.org`): the link would go nowhere
    return _percent(url, safe="/:?#[]@!$&*+,;=%~-._")


def link(label: str | None, url: str | None, *, github: bool = False) -> str:
    """[label](url) with the label escaped; the escaped label (or nothing) when the URL is not http(s)."""
    target = safe_url(url)
    shown = text(label, github=github) or (text(host(url), github=github) if target else "")
    if not target:
        return shown
    return f"[{shown or 'link'}]({target})"


def host(url: str | None) -> str | None:
    """The host name of a URL without `www.`, for a short link label."""
    if not url:
        return None
    try:
        name = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return name.removeprefix("www.") if name else None


def code_span(value: str) -> str:
    """`value` as an inline code span, whatever backticks it holds (CommonMark's rule:
    a fence longer than any backtick run inside, padded with spaces)."""
    flat = one_line(value)
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or longest else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def relative_link(path: str) -> str:
    """A relative file path (the chart beside the post) as a link destination."""
    return _percent(path.replace("\\", "/"), safe="/-._~")
