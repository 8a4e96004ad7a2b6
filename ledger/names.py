"""People's names as identities: "Ben", "ben" and " BEN " are one forecaster.

A name is written however its author typed it; wherever a forecaster's identity
matters (the `--by` filters, forecast policies per forecaster, the leaderboard,
relative and peer scores, "the author's own forecasts") names are compared by
`name_key`: surrounding whitespace trimmed, case folded. Output shows the first
spelling seen.
"""

from __future__ import annotations


def name_key(name: str) -> str:
    """The identity of a name: trimmed and case-folded (str.casefold, so "ß" and "SS" agree)."""
    return name.strip().casefold()


def text_key(text: str) -> str:
    """Text folded for matching ignoring case, the same on every database: canonically
    decomposed, case-folded, recomposed (so "Émile" typed either way matches "émile")."""
    import unicodedata

    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).casefold())


def same_name(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and name_key(a) == name_key(b)


def checked_name(value: str, argument: str) -> str:
    """A name typed for a record (`--by`, $PLEDGER_BY), trimmed: one line of text.

    Raises UsageError naming `argument` when it is blank or holds a line break or
    another control character (a tab, a NUL, ESC, a bidi override: ledger.controls):
    written to YAML such a name becomes a block scalar or an escaped string nobody
    meant to type, and shown in a terminal it acts on it.
    """
    from .controls import LINE_BREAKS, escaped, first_control
    from .errors import UsageError

    shown = f"{argument}={value!r}" if argument.isupper() else f"{argument} {value!r}"  # an environment variable
    fix = "set it to your name or unset it" if argument.isupper() else "give a name"
    name = value.strip()
    if not name:
        raise UsageError(f"{shown} is blank; {fix} (one line of text)", argument)
    bad = first_control(name)
    if bad is not None:
        what = "a line break" if bad in LINE_BREAKS else f"the control character '{escaped(bad)}'"
        raise UsageError(f"{shown} holds {what}; a name is one line of text", argument)
    return name
