"""Question kinds: how a question's forecasts and its resolution are written and read.

  binary          -- yes/no: a forecast is one probability `p`; resolved yes, no or annulled
  multiple-choice -- `options:` maps each option to its probability (they add up to 100%);
                     resolved to one option, or annulled; `ordered: true` when the
                     options have an order (ranges, dates), for the ranked probability score
  numeric         -- `quantiles:` maps levels (5%, 50%, 95% ...) to values, numbers or
                     dates; resolved to a value (a number, or a date), or annulled

A file never names the kind: the keys say it (`p`, `options` or `quantiles`), so
yes/no predictions keep their short form. Everything here is pure: values in,
normalised values out, ValueError with a sentence that says what to do.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, NamedTuple

from .probability import parse_probability

BINARY = "binary"
CHOICE = "multiple-choice"
NUMERIC = "numeric"
KINDS = (BINARY, CHOICE, NUMERIC)
LABELS = {BINARY: "yes/no", CHOICE: "multiple choice", NUMERIC: "numeric"}
# The key of a record that gives each kind's forecast.
FORECAST_KEYS = {BINARY: "p", CHOICE: "options", NUMERIC: "quantiles"}

SUM_TOLERANCE = 0.005  # options must add up to 100% within half a percentage point
MAX_OPTIONS = 100
MAX_QUANTILES = 100
MAX_LABEL_LENGTH = 100
ANNULLED = "annulled"
BINARY_RESULTS = ("yes", "no", ANNULLED)

# Characters an option label may not hold: markup (HTML, links, code, tables), path
# separators, '=' (the CLI writes `--option NAME=P`) and line breaks or controls.
_LABEL_FORBIDDEN = re.compile(r"[<>\[\]`|/\\=\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # half a surrogate pair: no character (ledger.text)
_EPOCH = dt.date(1970, 1, 1)
# A numeric question's values (quantiles and results) lie within ±MAX_MAGNITUDE, so every score
# of them stays finite (docs/format.md#numeric-values works it out): the largest, an interval
# score at the smallest level, is 2/alpha (up to 2e9, LEVEL_DIGITS) times 2 x the bound, and a mean
# adds up one per forecast. Dates are day numbers, far inside it.
MAX_MAGNITUDE = 1e250
MAX_MAGNITUDE_TEXT = "1e250"
# Quantile levels are kept to 9 decimals: 5% and 0.05 are one level, and a level must stay
# strictly between 0 and 1 when rounded (the smallest is 0.000000001, i.e. 0.0000001%).
LEVEL_DIGITS = 9


class OptionP(NamedTuple):
    """One option of a multiple-choice forecast: its label, probability and the probability as typed."""

    label: str
    p: float
    typed: str


class Quantile(NamedTuple):
    """One quantile of a numeric forecast: level (0 < level < 1) and value, each as typed too.

    A date is kept as its day number (days since 1970-01-01), so dates score as numbers.
    """

    level: float
    value: float
    level_typed: str
    value_typed: str


def check_label(raw: Any) -> str:
    """An option's label: one line of text, no markup, not a path, not 'annulled'."""
    if isinstance(raw, bool) or raw is None:
        got = "nothing (null, ~)" if raw is None else f"{str(raw).lower()} (a yes/no value)"
        raise ValueError(f"an option needs a name, got {got}; put the name in quotes to keep it as text")
    if isinstance(raw, dt.date):
        raw = raw.isoformat()
    elif isinstance(raw, (int, float)):
        raw = str(raw)
    if not isinstance(raw, str):
        raise ValueError("an option's name must be text")
    label = raw.strip()
    if not label:
        raise ValueError("an option's name is empty")
    if len(label) > MAX_LABEL_LENGTH:
        raise ValueError(f"option name {label[:40]!r}... is {len(label)} characters long; keep it to {MAX_LABEL_LENGTH}")
    bad = _LABEL_FORBIDDEN.search(label) or _SURROGATE.search(label)
    if bad:
        ch = bad.group()
        what = repr(ch) if ch.isprintable() else f"the control character U+{ord(ch):04X}"
        raise ValueError(f"option name {label!r} holds {what}; use letters, digits, spaces and plain punctuation")
    if label.startswith((".", "-")):
        raise ValueError(f"option name {label!r} starts with {label[0]!r}; start it with a letter or digit")
    if label.lower() == ANNULLED:
        raise ValueError("'annulled' is not an option: it is how a question that cannot be judged resolves")
    return label


MAX_UNIT_LENGTH = 20


def check_unit(raw: Any) -> str:
    """A numeric question's unit: a short line of text (%, USD, people), no markup."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError("a unit is short text such as %, USD or people")
    unit = raw.strip()
    if len(unit) > MAX_UNIT_LENGTH:
        raise ValueError(f"unit {unit[:20]!r}... is {len(unit)} characters long; keep it to {MAX_UNIT_LENGTH}")
    bad = _LABEL_FORBIDDEN.search(unit)
    if bad and bad.group() != "/":  # km/h is a unit
        ch = bad.group()
        what = repr(ch) if ch.isprintable() else f"the control character U+{ord(ch):04X}"
        raise ValueError(f"unit {unit!r} holds {what}; use letters, digits, spaces and plain punctuation")
    return unit


def parse_options(raw: Any, *, what: str = "options") -> tuple[OptionP, ...]:
    """`{name: probability, ...}` (in the order written; or a list of (name, probability)
    pairs) as OptionPs. They must add up to 100%."""
    pairs = list(raw.items()) if isinstance(raw, dict) else raw
    if not isinstance(pairs, list) or not all(isinstance(x, tuple) and len(x) == 2 for x in pairs):
        raise ValueError(f"`{what}` must map each option to its probability, e.g. {{OpenAI: 50%, Anthropic: 50%}}")
    if len(pairs) < 2:
        raise ValueError("a multiple-choice question needs at least two options")
    if len(pairs) > MAX_OPTIONS:
        raise ValueError(f"{len(pairs)} options is too many; the limit is {MAX_OPTIONS}")
    out: list[OptionP] = []
    seen: dict[str, str] = {}
    for name, value in pairs:
        label = check_label(name)
        key = label.casefold()
        if key in seen:
            raise ValueError(f"option {label!r} is given twice (as {seen[key]!r} too); name each option once")
        seen[key] = label
        try:
            prob = parse_probability(value)
        except ValueError as exc:
            raise ValueError(f"option {label!r}: {exc}") from None
        out.append(OptionP(label, prob.value, prob.typed))
    check_sum(out)
    return tuple(out)


def check_sum(options: list[OptionP] | tuple[OptionP, ...]) -> None:
    total = math.fsum(o.p for o in options)
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(
            f"the options' probabilities add up to {_percent(total)}, not 100%; "
            f"make them add up to 100% (within {100 * SUM_TOLERANCE:g} points)"
        )


def _percent(x: float) -> str:
    return f"{100 * x:.4g}%"


def parse_level(raw: Any) -> tuple[float, str]:
    """A quantile level, written 5% or 0.05: strictly between 0 and 1."""
    try:
        prob = parse_probability(raw)
    except ValueError:
        raise ValueError(f"quantile level {raw!r} is not a level; write it as 5% or 0.05") from None
    if not 0.0 < prob.value < 1.0:
        raise ValueError(f"quantile level {prob.typed} must be strictly between 0% and 100%")
    if not 0.0 < round(prob.value, LEVEL_DIGITS) < 1.0:
        raise ValueError(f"quantile level {prob.typed} is too close to {'0%' if prob.value < 0.5 else '100%'}: "
                         f"levels are kept to {LEVEL_DIGITS} decimals, from 0.000000001 to 0.999999999")
    return prob.value, prob.typed


def parse_quantity(raw: Any, *, dates: bool | None = None) -> tuple[float, str, bool]:
    """A numeric question's value: a finite number, or a date (as its day number).

    Returns (value, as typed, is a date). With `dates` given, the kind must match.
    """
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"a value is needed (a number or a date), got {'nothing' if raw is None else str(raw).lower()}")
    is_date = False
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        value, typed, is_date = float((raw - _EPOCH).days), raw.isoformat(), True
    elif isinstance(raw, (int, float)):
        try:
            value, typed = float(raw), _typed_number(raw)
        except OverflowError:  # an int beyond a float (yamlio reads up to 1,000 digits)
            value, typed = math.inf, f"{str(raw)[:20]}… ({len(str(abs(raw)))} digits)"
    elif isinstance(raw, str):
        text = raw.strip()
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
        if day is not None:
            value, typed, is_date = float((day - _EPOCH).days), day.isoformat(), True
        else:
            try:
                value = float(text.replace("_", ""))
            except ValueError:
                raise ValueError(f"{raw!r} is neither a number nor a date (YYYY-MM-DD)") from None
            typed = text
    else:
        raise ValueError("a value must be a number or a date")
    if not math.isfinite(value):
        raise ValueError(f"value {typed} is not a finite number")
    if abs(value) > MAX_MAGNITUDE:
        shown = typed if len(typed) <= 30 else f"{typed[:20]}… ({len(typed)} characters)"
        raise ValueError(f"value {shown} is out of range: numeric values lie within ±{MAX_MAGNITUDE_TEXT}, so that "
                         "every score of them is a finite number; give the question a larger unit")
    if dates is not None and is_date != dates:
        want = "a date (YYYY-MM-DD)" if dates else "a number"
        raise ValueError(f"value {typed} is {'a date' if is_date else 'a number'}, but this question's values are {want}")
    return value, typed, is_date


def _beyond_magnitude(text: str) -> bool:
    """A written number (digits, not `inf` or `nan`, which may be an option's name) beyond ±MAX_MAGNITUDE."""
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        return False
    return any(c.isdigit() for c in text) and not abs(value) <= MAX_MAGNITUDE


def _typed_number(raw: int | float) -> str:
    return repr(raw) if isinstance(raw, float) else str(raw)


class QuantileSet(NamedTuple):
    """A numeric forecast: its quantiles in increasing level, and whether the values are dates."""

    quantiles: tuple[Quantile, ...]
    dates: bool


class ResultValue(NamedTuple):
    """A resolution as written, before the question's kind is known.

    result -- yes, no or annulled (normalised), else the text or value as typed
    value  -- the number (or a date's day number) when it reads as one, else None
    """

    result: str
    value: float | None = None
    is_date: bool = False


def parse_result(raw: Any) -> ResultValue:
    """What an outcome entry says happened: yes/no/annulled, an option's name, or a value."""
    if isinstance(raw, ResultValue):
        return raw
    if raw is True:
        return ResultValue("yes")
    if raw is False:
        return ResultValue("no")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(
            "a result is needed: yes, no or annulled (for a multiple-choice question the option that "
            "happened, for a numeric one the value)"
        )
    if isinstance(raw, str):
        text = raw.strip()
        if text.lower() in BINARY_RESULTS:
            return ResultValue(text.lower())
        from .text import unstorable

        why = unstorable(text)
        if why:
            raise ValueError(f"the result {why}")
        if "\n" in text or len(text) > MAX_LABEL_LENGTH:
            raise ValueError(f"{text[:40]!r}... is not a result; use yes, no, annulled, an option's name or a value")
        try:
            value, _, is_date = parse_quantity(text)
        except ValueError:
            if _beyond_magnitude(text):
                raise  # a number, but too large to score: say so, not "not a value"
            return ResultValue(text)
        return ResultValue(text, value, is_date)
    if isinstance(raw, (int, float, dt.date)):
        value, typed, is_date = parse_quantity(raw)
        return ResultValue(typed, value, is_date)
    raise ValueError("a result must be yes, no, annulled, an option's name or a value, not a list or mapping")


def parse_quantiles(raw: Any, *, what: str = "quantiles") -> QuantileSet:
    """`{level: value, ...}` as a QuantileSet.

    Levels strictly increasing in the order written; values non-decreasing; all
    numbers or all dates.
    """
    pairs = list(raw.items()) if isinstance(raw, dict) else raw
    if not isinstance(pairs, list) or not pairs or not all(isinstance(x, tuple) and len(x) == 2 for x in pairs):
        raise ValueError(f"`{what}` must map levels to values, e.g. {{5%: 0.8, 50%: 2.1, 95%: 3.5}}")
    if len(pairs) > MAX_QUANTILES:
        raise ValueError(f"{len(pairs)} quantiles is too many; the limit is {MAX_QUANTILES}")
    out: list[Quantile] = []
    dates: bool | None = None
    for level_raw, value_raw in pairs:
        level, level_typed = parse_level(level_raw)
        try:
            value, value_typed, is_date = parse_quantity(value_raw, dates=dates)
        except ValueError as exc:
            raise ValueError(f"quantile {level_typed}: {exc}") from None
        dates = is_date
        if out and round(level, LEVEL_DIGITS) == round(out[-1].level, LEVEL_DIGITS) and level != out[-1].level:
            raise ValueError(f"quantile levels {out[-1].level_typed} and {level_typed} are one level at "
                             f"{LEVEL_DIGITS} decimals; give each level once")
        if out and round(level, LEVEL_DIGITS) <= round(out[-1].level, LEVEL_DIGITS):
            raise ValueError(
                f"quantile levels must increase in the order written: {level_typed} comes after {out[-1].level_typed}"
            )
        if out and value < out[-1].value:
            raise ValueError(
                f"quantile values must not decrease: {value_typed} at {level_typed} is below "
                f"{out[-1].value_typed} at {out[-1].level_typed}"
            )
        out.append(Quantile(level, value, level_typed, value_typed))
    return QuantileSet(tuple(out), bool(dates))


def match_option(labels: tuple[str, ...] | list[str], text: str) -> str | None:
    """The option named `text` (case and surrounding spaces ignored), or None."""
    key = text.strip().casefold()
    for label in labels:
        if label.casefold() == key:
            return label
    return None


def date_of_day(day: float) -> dt.date:
    """The date a day number stands for."""
    return _EPOCH + dt.timedelta(days=int(round(day)))


def summary(kind: str, dist: tuple, unit: str | None = None) -> str:
    """A forecast in one line of text, as typed: `OpenAI 50% · Anthropic 30%` or `5%: 0.8 · 50%: 2.1`."""
    if kind == CHOICE:
        return " · ".join(f"{o.label} {o.typed}" for o in dist)
    if kind == NUMERIC:
        text = " · ".join(f"{q.level_typed}: {q.value_typed}" for q in dist)
        return f"{text} {unit}" if unit else text
    raise ValueError(f"no summary for kind {kind!r}")


def dist_to_json(kind: str, dist: tuple) -> list:
    """A forecast's distribution as the index stores it (JSON-ready lists)."""
    return [list(item) for item in dist] if kind in (CHOICE, NUMERIC) else []


def dist_from_json(kind: str, data: list) -> tuple:
    if kind == CHOICE:
        return tuple(OptionP(*item) for item in data)
    if kind == NUMERIC:
        return tuple(Quantile(*item) for item in data)
    return ()
