"""Characters that must not reach a terminal as they are, and the checks on text typed for a record.

A terminal takes C0 and C1 control characters (ESC starts sequences that set the
window title, write the clipboard, clear the screen; U+0085 is a line break to
some) and DEL as commands, and bidi embeddings, overrides and isolates make text
read differently from what it is. This is the one list: the CLI shows these
characters escaped (ledger.cli.visible) and refuses them in what it writes
(`checked_text`, and `names.checked_name` for names).
"""

from __future__ import annotations

import re

# C0 (tab and line feed included: callers say which they allow), DEL, C1, the line
# and paragraph separators, and the bidi controls (as report.escape drops from posts).
C0_BUT_TAB = "\x00-\x08\x0a-\x1f"
BEYOND_C0 = "\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"  # what json.dumps leaves as it is
CONTROLS = f"\t{C0_BUT_TAB}{BEYOND_C0}"
CONTROL = re.compile(f"[{CONTROLS}]")
CONTROL_BUT_TAB = re.compile(f"[{C0_BUT_TAB}{BEYOND_C0}]")
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# Free text typed for a record may hold these: a note or a quote spans lines.
TEXT_ALLOWED = "\n\t"


def escaped(ch: str) -> str:
    """How a control character is shown: \\n, \\t, \\r, else \\xNN or \\uNNNN (as Python writes them)."""
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def first_control(text: str, allowed: str = "") -> str | None:
    """The first control character in text that is not in `allowed`, or None."""
    for m in CONTROL.finditer(text):
        if m.group() not in allowed:
            return m.group()
    return None


def checked_text(value: str, argument: str, *, lines: bool = True) -> str:
    """Text typed for a record (a claim, a note, a quote, a title, a link), as typed.

    Raises UsageError naming `argument` when it holds a control character or a
    bidi control: written to a file, it would reach every terminal that lists it.
    With lines=True (a claim, a note, a quote) line breaks and tabs are fine;
    a Windows line end (CRLF) counts as a line break. Returns the text with CRLF as LF.
    """
    from .errors import UsageError

    text = value.replace("\r\n", "\n") if lines else value
    bad = first_control(text, TEXT_ALLOWED if lines else "")
    if bad is None:
        return text
    if not lines and bad in LINE_BREAKS:
        raise UsageError(f"{argument} holds a line break; it is one line of text", argument)
    raise UsageError(
        f"{argument} holds the control character '{escaped(bad)}' (character {text.index(bad) + 1}); remove it: "
        "control characters and bidi overrides would act on every terminal that shows the text", argument)
