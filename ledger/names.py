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


def same_name(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and name_key(a) == name_key(b)
