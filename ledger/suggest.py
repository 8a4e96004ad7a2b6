"""'Did you mean ...?' for a mistyped id, format, set or key: the nearest known one, when one is near."""

from __future__ import annotations

from collections.abc import Iterable

CUTOFF = 0.6  # difflib's ratio: 'it-beats-lora' and 'peft-beats-lora' are 0.86 alike, 'tag' and 'tags' 0.86


def nearest(word: str, known: Iterable[str]) -> str | None:
    """The known word most like `word` (difflib's ratio at least CUTOFF), or None."""
    import difflib

    candidates = [k for k in dict.fromkeys(known) if isinstance(k, str) and k != word]
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=CUTOFF)
    return found[0] if found else None


def did_you_mean(word: str, known: Iterable[str], *, prefix: str = "") -> str:
    """' (did you mean 'x'?)' for the nearest known word, else ''. prefix goes before it: '--set '."""
    found = nearest(word, known)
    return f" (did you mean {prefix}{found!r}?)" if found is not None else ""
