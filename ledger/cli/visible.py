"""Text from the ledger made safe for a terminal: the one function every renderer uses.

Claims, notes, names, titles, evidence, file paths and messages that quote them
come from files anyone may have written (an import of a stranger's Manifold
market, a hand edit, a pull request). Before any of it is printed, `visible()`
shows each control character as an escape (`\\x1b`, `\\x85`, `\\u202e`: the list
is ledger.controls), so no escape sequence reaches the terminal and no bidi
override reorders what is shown. `markup()` is the same for rich markup strings.
JSON output needs neither: json.dumps escapes every control character itself.
"""

from __future__ import annotations

import re

from ..controls import BEYOND_C0, CONTROL, escaped

# What json.dumps(ensure_ascii=False) leaves as it is: DEL, C1 and the bidi controls
# (it escapes C0 itself, so a line feed left in its output is the indentation's).
_JSON_RAW = re.compile(f"[{BEYOND_C0}]")


def visible(text: object, *, line_breaks: bool = True) -> str:
    """str(text) with every control character shown as its escape; line feeds are kept
    unless line_breaks is False (piped output: one record a line)."""
    value = str(text)
    if not CONTROL.search(value):
        return value
    return CONTROL.sub(lambda m: m.group() if line_breaks and m.group() == "\n" else escaped(m.group()), value)


def markup(text: object) -> str:
    """visible(text), escaped for rich markup (a `[` in a claim is not a style)."""
    from rich.markup import escape

    return escape(visible(text))


def json_visible(text: str) -> str:
    """JSON text with the control characters json.dumps leaves raw written as \\u escapes: the same JSON
    value, safe on a terminal."""
    if text.isascii() and "\x7f" not in text:  # the common case, without the regex's scan (DEL: the one ASCII one)
        return text
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
