"""A forecast as a person types it on the command line, checked and ready to write.

  -p 70%                                  a yes/no forecast
  --option OpenAI=50% --option ...        a multiple-choice forecast (they add up to 100%)
  --quantile 5%=0.8 --quantile 50%=2.1    a numeric forecast (values may be dates)
  --interval 90%=0.8..3.5                 short for --quantile 5%=0.8 --quantile 95%=3.5

The same checks as a file's (ledger.kinds); a bad value is a UsageError naming
the option. `fields` are the keys to write into the YAML record, as typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import yamlio
from ..errors import UsageError
from ..kinds import BINARY, CHOICE, LEVEL_DIGITS, NUMERIC, LABELS, OptionP, Quantile, parse_options, parse_quantiles
from ..probability import Probability, parse_probability


@dataclass(frozen=True)
class ForecastInput:
    kind: str
    fields: dict[str, Any]  # `p: ...`, `options: {...}` or `quantiles: {...}`, as typed
    options: tuple[OptionP, ...] = ()
    quantiles: tuple[Quantile, ...] = ()
    dates: bool = False


def forecast_input(p: str | float | None = None, options: list[str] | tuple[str, ...] = (),
                   quantiles: list[str] | tuple[str, ...] = (), intervals: list[str] | tuple[str, ...] = ()) -> ForecastInput:
    """The one forecast given by -p, --option, or --quantile/--interval. UsageError if none, several, or bad."""
    given = [name for name, v in (("-p", p is not None), ("--option", bool(options)),
                                  ("--quantile/--interval", bool(quantiles or intervals))) if v]
    if not given:
        raise UsageError("give the forecast: -p P for yes/no, --option NAME=P (repeated) for multiple choice, "
                         "or --quantile LEVEL=VALUE / --interval 90%=LOW..HIGH for a number", "-p")
    if len(given) > 1:
        raise UsageError(f"give one kind of forecast, not {' and '.join(given)}", given[1].split("/")[0])
    if p is not None:
        prob = probability(p, "-p")
        return ForecastInput(BINARY, {"p": as_written(prob)})
    if options:
        pairs = [_split(text, "--option", "NAME=P", "OpenAI=50%") for text in options]
        try:
            parsed = parse_options(pairs, what="--option")
        except ValueError as exc:
            raise UsageError(f"--option: {exc}", "--option") from None
        return ForecastInput(CHOICE, {"options": {o.label: as_written(parse_probability(o.typed)) for o in parsed}},
                             options=parsed)
    pairs = [_split(text, "--quantile", "LEVEL=VALUE", "50%=2.1") for text in quantiles]
    for text in intervals:
        pairs += _interval(text)
    seen: dict[float, str] = {}
    for level, _ in pairs:  # the levels are put in order below, so a repeat would read as out of order
        value = round(_level_value(level), LEVEL_DIGITS)
        if value in seen and value >= 0:
            also = "" if seen[value] == level else f" (as {seen[value]} too)"
            raise UsageError(f"--quantile: the level {level} is given twice{also}; give each level once "
                             "(--interval 90%=LOW..HIGH gives the levels 5% and 95%)", "--quantile")
        seen[value] = level
    pairs.sort(key=lambda pair: _level_value(pair[0]))
    try:
        qs = parse_quantiles(pairs, what="--quantile")
    except ValueError as exc:
        raise UsageError(f"--quantile: {exc}", "--quantile") from None
    written = {q.level_typed: _quantity_as_written(q) for q in qs.quantiles}
    return ForecastInput(NUMERIC, {"quantiles": written}, quantiles=qs.quantiles, dates=qs.dates)


def check_kind(given: ForecastInput, kind: str, prediction_id: str, options: tuple[str, ...] = (),
               dates: bool = False) -> None:
    """UsageError when a forecast does not fit the question it is for."""
    from ..store.read import options_mismatch

    argument = {BINARY: "-p", CHOICE: "--option", NUMERIC: "--quantile"}
    if given.kind != kind:
        raise UsageError(f"{prediction_id!r} is a {LABELS[kind]} question: forecast it with {argument[kind]}, "
                         f"not {argument[given.kind]}", argument[given.kind])
    if kind == CHOICE:
        why = options_mismatch(options, tuple(o.label for o in given.options))
        if why:
            raise UsageError(f"--option: {why}", "--option")
    if kind == NUMERIC and given.dates != dates:
        raise UsageError(f"--quantile: {prediction_id!r} is about {'dates' if dates else 'numbers'}; give "
                         f"{'dates (YYYY-MM-DD)' if dates else 'numbers'}", "--quantile")


def probability(p: str | float, argument: str) -> Probability:
    try:
        return parse_probability(p)
    except ValueError as exc:
        raise UsageError(f"{argument}: {exc}", argument) from None


def as_written(prob: Probability) -> float | str:
    """Keep what the person typed: numbers as numbers (as typed: `0`, not `0.0`), 70% and 3:1 as text."""
    if prob.format == "decimal":
        number = yamlio.as_typed_number(prob.typed.strip())
        if number is not None:
            return number
    return prob.typed


def _quantity_as_written(q: Quantile) -> Any:
    try:
        return dt.date.fromisoformat(q.value_typed)
    except ValueError:
        return yamlio.as_typed_number(q.value_typed) or float(q.value_typed)


def _split(text: str, argument: str, form: str, example: str) -> tuple[str, str]:
    name, sep, value = text.rpartition("=")
    if not sep or not name.strip() or not value.strip():
        raise UsageError(f"{argument} {text!r} is not {form}; write it like {argument} {example}", argument)
    return name.strip(), value.strip()


def _level_value(text: str) -> float:
    try:
        return parse_probability(text).value
    except ValueError:
        return -1.0  # parse_quantiles names it


def _interval(text: str) -> list[tuple[str, str]]:
    """`90%=0.8..3.5`: the central interval's two quantiles (5% and 95%)."""
    level, sep, span = text.rpartition("=")
    low, dots, high = span.partition("..")
    if not sep or not dots or not low.strip() or not high.strip():
        raise UsageError(f"--interval {text!r} is not LEVEL=LOW..HIGH; write it like --interval 90%=0.8..3.5", "--interval")
    try:
        coverage = parse_probability(level.strip())
    except ValueError as exc:
        raise UsageError(f"--interval {text!r}: {exc}", "--interval") from None
    if not 0.0 < coverage.value < 1.0:
        raise UsageError(f"--interval {text!r}: the interval's level must be between 0% and 100%", "--interval")
    tail = (1.0 - coverage.value) / 2.0
    return [(f"{100 * tail:.10g}%", low.strip()), (f"{100 * (1.0 - tail):.10g}%", high.strip())]
