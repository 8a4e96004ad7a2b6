"""Probabilities as people type them: 0.7, 70%, 3:1 odds, "1 in 20".

The normalised value and what was typed are both kept, so a scorecard can show
the author's own words and calibration can later be split by input format.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

_PERCENT = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*%\s*$")
_ODDS = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*:\s*([0-9]*\.?[0-9]+)\s*$")
_ONE_IN = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s+in\s+([0-9]*\.?[0-9]+)\s*$", re.IGNORECASE)
_DECIMAL = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$")

HINT = "write it as 0.7, 70%, 3:1 (odds for:against) or 1 in 20"


class Probability(NamedTuple):
    """A probability in [0, 1] and the text it was given as."""

    value: float
    typed: str

    @property
    def format(self) -> str:
        if self.typed.endswith("%"):
            return "percent"
        if ":" in self.typed:
            return "odds"
        if " in " in self.typed.lower():
            return "one-in"
        return "decimal"


def parse_probability(raw: object) -> Probability:
    """Turn what a person typed into a Probability, or raise ValueError saying what to do.

    The value is always a finite number in [0, 1]: odds or "k in n" whose numbers
    are too large for a float (`1<400 zeros>:1`) are refused, not computed as NaN.
    """
    if isinstance(raw, Probability):
        return raw
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"a probability is needed, got {_shown(raw)}; {HINT}")
    if isinstance(raw, (int, float)):
        return Probability(_in_range(_float(raw), raw), _typed_number(raw))
    if not isinstance(raw, str):
        raise ValueError(f"a probability is needed, got {_shown(raw)}; {HINT}")
    text = raw.strip()
    if not text:
        raise ValueError(f"the probability is empty; {HINT}")
    if m := _PERCENT.match(text):
        value = float(m.group(1)) / 100.0
        if value > 1.0:
            raise ValueError(f"probability {_short(text)} is above 100%")
        return Probability(value, text)
    if m := _ODDS.match(text):
        for_, against = _finite(m.group(1), text), _finite(m.group(2), text)
        if for_ + against == 0:
            raise ValueError(f"odds {_short(text)} are 0:0; give at least one side")
        return Probability(_finite_ratio(for_, for_ + against, text), text)
    if m := _ONE_IN.match(text):
        k, n = _finite(m.group(1), text), _finite(m.group(2), text)
        if n == 0 or k > n:
            raise ValueError(f"'{_short(text)}' is not a probability: k in n needs 0 <= k <= n, n > 0")
        return Probability(_finite_ratio(k, n, text), text)
    if m := _DECIMAL.match(text):
        return Probability(_in_range(float(m.group(1)), text), text)
    if text.lower() in {"nan", ".nan", "inf", ".inf", "-inf", "-.inf"}:
        raise ValueError(f"probability {text} is not a number between 0 and 1")
    raise ValueError(f"cannot read {_short(text)!r} as a probability; {HINT}")


def _float(raw: int | float) -> float:
    try:
        return float(raw)
    except OverflowError:  # an int beyond a float's range: out of range, whatever its sign
        return math.inf if raw > 0 else -math.inf


def _finite(digits: str, text: str) -> float:
    """One side of odds or k in n, refused when a float cannot hold it (it would make NaN)."""
    value = float(digits)
    if not math.isfinite(value):
        raise ValueError(f"the numbers in {_short(text)!r} are too large to compute; write the probability "
                         "as a decimal (0.999) or a percentage (99.9%)")
    return value


def _finite_ratio(part: float, whole: float, text: str) -> float:
    value = part / whole if math.isfinite(whole) else math.nan
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"the numbers in {_short(text)!r} are too large to compute; write the probability "
                         "as a decimal (0.999) or a percentage (99.9%)")
    return value


def _in_range(value: float, raw: object) -> float:
    if 0.0 <= value <= 1.0:
        return value
    if math.isnan(value):
        raise ValueError("probability is NaN (not a number); give a number between 0 and 1")
    hint = f" (did you mean {value:g}%?)" if 1.0 < value <= 100.0 else ""
    shown = _short(raw) if isinstance(raw, str) else _shown(raw)
    raise ValueError(f"probability {shown} is outside 0..1{hint}")


SHOWN_LENGTH = 40  # longer text is cut in messages, which stay one readable line


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_LENGTH else f"{text[:SHOWN_LENGTH - 1]}… ({len(text):,} characters)"


def _typed_number(raw: int | float) -> str:
    return repr(raw) if isinstance(raw, float) else str(raw)


def _shown(raw: object) -> str:
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) >= 10**SHOWN_LENGTH:
        try:
            return _short(str(raw)).replace(" characters)", " digits)")
        except ValueError:  # beyond what Python turns into text (sys.get_int_max_str_digits)
            return "a number of thousands of digits"
    if raw is None:
        return "nothing"
    if isinstance(raw, bool):
        return f"a yes/no value ({str(raw).lower()})"
    if isinstance(raw, (list, tuple)):
        return "a list"
    if isinstance(raw, dict):
        return "a mapping"
    if hasattr(raw, "isoformat"):
        return f"the date {raw.isoformat()}"
    return repr(raw)
