"""What every importer returns: neutral records, and the rows it could not take.

An importer is a pure function from a file's bytes to a `Parsed`: it touches no
ledger and writes nothing (services.imports does that). Row numbers are the
line a row starts on in the file (the header is line 1), so `file:row` opens
in an editor; for JSON they are the item's position in its list (1-based).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .. import kinds
from ..errors import FileLocation, LedgerError, Problem
from ..models import check_slug
from ..probability import Probability, parse_probability

Progress = Callable[[int, int], None]  # (records done, records in all)


# Question kinds, as ledger.kinds names them. An importer gives a multiple-choice or numeric
# forecast in the ledger's own terms (`fields`, made by choice_forecast / quantile_forecast),
# or leaves it out and says why (a Skipped note): the ledger never holds half a forecast.
BINARY = kinds.BINARY
MULTIPLE_CHOICE = kinds.CHOICE
NUMERIC = kinds.NUMERIC

# The levels a numeric forecast given as a CDF is read at (cdf_quantiles), and how many of them
# must lie inside the question's range for the forecast to say something about its spread.
QUANTILE_LEVELS = ((0.05, "5%"), (0.25, "25%"), (0.5, "50%"), (0.75, "75%"), (0.95, "95%"))
MIN_QUANTILES = 2


@dataclass(frozen=True, slots=True)
class ImportedForecast:
    """One forecast as the source has it: p for a yes/no question, `fields` for another kind."""

    p: float | None  # P(yes); NaN for a multiple-choice or numeric forecast
    p_typed: str
    at: dt.date  # the day the forecast was made (UTC)
    by: str  # who made it, as the source names them (or the importer's stated placeholder)
    note: str | None = None
    ref: str | None = None  # the source's own id for this forecast: re-imports match on it
    unnamed: bool = False  # the source does not name the forecaster: `by` is --by or a placeholder
    # Another kind's forecast as the ledger writes it: {"options": {name: p}} or {"quantiles": {level: value}},
    # checked as a file's would be (choice_forecast, quantile_forecast, kind_forecast).
    fields: dict | None = None


def cdf_quantiles(cdf: tuple[tuple[float, float], ...], levels: tuple[float, ...]) -> tuple[tuple[float, float], ...]:
    """(level, value) for each level of a CDF given as (value, P(outcome <= value)) points, read off the
    straight lines between points (the ledger's numeric forecasts are quantiles; some sources give CDFs).
    A level the CDF never reaches (an open bound holds the rest) is left out."""
    out = []
    for level in levels:
        for (x0, c0), (x1, c1) in zip(cdf, cdf[1:]):
            if c0 <= level <= c1 and c1 > c0:
                out.append((level, x0 + (x1 - x0) * (level - c0) / (c1 - c0)))
                break
    return tuple(out)


def significant(value: float, digits: int = 6) -> float:
    """A value read off a CDF, to the precision the CDF itself has (the YAML stays readable)."""
    return float(f"{value:.{digits}g}")


@dataclass(frozen=True, slots=True)
class ImportedOutcome:
    # What is written: yes | no | annulled for a yes/no question; for another kind the option's
    # name, the value (a number or a date), or annulled.
    result: str | float | dt.date
    on: dt.date
    by: str
    evidence: tuple[dict, ...] = ()  # Evidence fields: url, quote, archived, title, stance
    note: str | None = None
    correction: bool = False


@dataclass(slots=True)
class ImportedItem:
    """One question as the source has it: claim, forecasts oldest first, resolution.

    The prediction it becomes is its first forecast: by whoever made that, on that day
    (finish_item sets `by` and `made` from it). A question's creator who never forecast
    is no forecaster; a source may name them as the judge of an outcome. A multiple-choice
    question's options are its first forecast's, in that order.
    """

    id: str
    claim: str
    row: int
    by: str  # the prediction's author: who made the first forecast
    made: dt.date
    forecasts: list[ImportedForecast]  # the first is the prediction's own p
    outcomes: list[ImportedOutcome] = field(default_factory=list)
    set_id: str | None = None  # only formats that carry a set; "" when the source says "no set"
    due: dt.date | None = None
    about: str | None = None
    criteria: str | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    tests: tuple[str, ...] = ()
    note: str | None = None
    kind: str = BINARY
    extra: dict = field(default_factory=dict)  # another kind's keys: ordered, unit, closes


@dataclass(frozen=True, slots=True)
class Rejected:
    row: int
    reason: str


@dataclass(frozen=True, slots=True)
class Skipped:
    row: int
    id: str | None
    reason: str


@dataclass(slots=True)
class Parsed:
    items: list[ImportedItem] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    rows: int = 0  # records read from the file
    warnings: list[str] = field(default_factory=list)  # about the file as a whole (e.g. "there is a next page")


@dataclass(frozen=True, slots=True)
class Options:
    by: str  # the name for forecasts the source does not attribute (your own)
    mapping: dict[str, str] | None = None  # generic CSV: field -> column
    encoding: str | None = None


class RowError(ValueError):
    """A row cannot be imported; the message says why."""


def wrong_format(path: str, what: str, hint: str, line: int = 1) -> LedgerError:
    """The error for a file that is not the format asked for (exit 1): names the file as given and says what to do."""
    return LedgerError(f"{path} is not {what}", [Problem(FileLocation(path, line), hint, "format")])


# -- text ------------------------------------------------------------------

_SURROGATE = re.compile("[\udc80-\udcff]")


def decode(data: bytes, path: str, encoding: str | None) -> str:
    """The file's text. Undecodable bytes are kept as surrogates so the row holding them is rejected alone."""
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise LedgerError(f"{encoding!r} is not a text encoding Python knows (try cp1252 or latin-1)") from None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise LedgerError(
                f"{path} cannot be read as {encoding}",
                [Problem(FileLocation(path, line), f"byte 0x{data[exc.start]:02x} is not {encoding} text", "encoding")],
            ) from None
    else:
        text = data.decode("utf-8", errors="surrogateescape")
    return text[1:] if text.startswith("\ufeff") else text


def check_utf8(value: str) -> None:
    """Reject a row holding bytes that were not UTF-8 (decode() kept them as surrogates)."""
    m = _SURROGATE.search(value)
    if m:
        byte = ord(m.group()) - 0xDC00
        raise RowError(
            f"not UTF-8 text (byte 0x{byte:02x} in {value[max(0, m.start() - 12):m.start()]!r}...); "
            "save the file as UTF-8, or pass --encoding (e.g. cp1252)"
        )


def load_json(data: bytes, path: str, encoding: str | None):
    text = decode(data, path, encoding)
    if _SURROGATE.search(text):
        m = _SURROGATE.search(text)
        line = text.count("\n", 0, m.start()) + 1
        raise LedgerError(
            f"{path} is not UTF-8 text",
            [Problem(FileLocation(path, line), "JSON must be UTF-8; save it as UTF-8 or pass --encoding", "encoding")],
        )
    try:
        return json.loads(text, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise LedgerError(
            f"{path} is not valid JSON",
            [Problem(FileLocation(path, exc.lineno, exc.colno), exc.msg, "syntax")],
        ) from None
    except _NumberTooLong as exc:
        at = text.find(exc.digits)
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        raise LedgerError(f"{path} holds a number too long to read", [Problem(
            FileLocation(path, line, column),
            f"a number of {len(exc.digits):,} digits; at most {MAX_JSON_DIGITS:,} are read", "syntax")]) from None
    except RecursionError:  # json's decoder recurses once per level of nesting
        raise LedgerError(f"{path} is nested too deeply to read", [Problem(
            FileLocation(path, 1), "the JSON is nested hundreds of levels deep; an export needs a few", "syntax")]) from None


MAX_JSON_DIGITS = 1000  # as ledger files (yamlio.MAX_NUMBER_DIGITS): Python will not print an int past 4300


class _NumberTooLong(ValueError):
    def __init__(self, digits: str):
        super().__init__(digits[:20])
        self.digits = digits


def _bounded_int(digits: str) -> int:
    if len(digits) > MAX_JSON_DIGITS:
        raise _NumberTooLong(digits)
    return int(digits)


def csv_rows(text: str, path: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line the row starts on, {header: value}) for each data row. Blank rows are left out."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise LedgerError(f"{path} is not CSV", [Problem(FileLocation(path, 1), str(exc), "syntax")]) from None
    header = [h.strip() for h in header]
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise LedgerError(f"{path} is not CSV", [Problem(FileLocation(path, line), str(exc), "syntax")]) from None
        if any(v.strip() for v in values):
            yield line, dict(zip(header, values + [""] * (len(header) - len(values))))
        line = reader.line_num + 1


def csv_header(text: str) -> list[str]:
    try:
        return [h.strip() for h in next(csv.reader(io.StringIO(text, newline="")))]
    except (StopIteration, csv.Error):
        return []


def count_lines(text: str) -> int:
    return text.count("\n") + 1


# -- values ----------------------------------------------------------------

_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s])")


_DAYS: dict[str, dt.date] = {}  # text -> its day: a file repeats a few hundred days over and over
_MAX_DAYS = 1 << 14


def parse_day(value: object, what: str) -> dt.date:
    """A date from ISO text (a time after it is dropped), or Unix seconds / milliseconds (UTC)."""
    if isinstance(value, str):
        day = _DAYS.get(value)
        if day is None:
            day = _parse_day(value, what)  # a text that is no date raises, and is not kept
            if len(_DAYS) >= _MAX_DAYS:
                _DAYS.clear()
            _DAYS[value] = day
        return day
    return _parse_day(value, what)


def _parse_day(value: object, what: str) -> dt.date:
    if isinstance(value, bool) or value is None or value == "":
        raise RowError(f"{what} is missing")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value  # JavaScript timestamps are milliseconds
        try:
            return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            raise RowError(f"{what} {value!r} is not a timestamp") from None
    if isinstance(value, str):
        text = value.strip()
        m = _ISO_DAY.match(text)
        if m:
            try:
                day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise RowError(f"{what} {text!r} is not a date") from None
            if text.endswith("Z") or "+" in text[10:] or re.search(r"T.*-\d\d:?\d\d$", text):
                return _utc_day(text, day)
            return day
        raise RowError(f"{what} {text!r} is not a date; write it as YYYY-MM-DD")
    raise RowError(f"{what} {value!r} is not a date")


def _utc_day(text: str, day: dt.date) -> dt.date:
    # A time with an offset: the day it was in UTC, as the sources' own timestamps are.
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.timezone.utc).date()
    except ValueError:
        return day


def optional_day(value: object, what: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_day(value, what)


def probability(value: object, what: str = "probability") -> Probability:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowError(f"no {what}")
    try:
        return parse_probability(value.strip() if isinstance(value, str) else value)
    except ValueError as exc:
        raise RowError(f"{what}: {exc}") from None


_YES = {"yes", "y", "true", "1", "right", "happened"}
_NO = {"no", "n", "false", "0", "wrong", "did not happen"}
_ANNULLED = {"annulled", "ambiguous", "n/a", "na", "cancel", "cancelled", "canceled", "void", "mkt"}


def kind_forecast(kind: str, raw: object, at: dt.date, by: str, note: str | None = None) -> ImportedForecast:
    """A multiple-choice (`options`) or numeric (`quantiles`) forecast as a file or export gives it."""
    try:
        if kind == kinds.CHOICE:
            return choice_forecast([(o.label, o.typed) for o in kinds.parse_options(raw)], at, by, note)
        qs = kinds.parse_quantiles(raw).quantiles
    except ValueError as exc:
        raise RowError(str(exc)) from None
    return quantile_forecast([(q.level_typed, _quantity(q.value_typed)) for q in qs], at, by, note)


def choice_forecast(pairs: Iterable[tuple[str, object]], at: dt.date, by: str, note: str | None = None, *,
                    ref: str | None = None, unnamed: bool = False) -> ImportedForecast:
    """A multiple-choice forecast: (option, probability as the source gives it) for every option, in order.
    Checked as a file's would be (names, sum); a RowError says what is wrong."""
    try:
        options = kinds.parse_options([(str(label), value) for label, value in pairs])
    except ValueError as exc:
        raise RowError(str(exc)) from None
    return ImportedForecast(math.nan, "", at, by, note, ref, unnamed,
                            fields={"options": {o.label: written(o.typed) for o in options}})


def quantile_forecast(quantiles: Iterable[tuple[str, object]], at: dt.date, by: str, note: str | None = None, *,
                      ref: str | None = None, unnamed: bool = False) -> ImportedForecast:
    """A numeric forecast: (level as written, value: a number or a date), levels increasing."""
    pairs = list(quantiles)
    try:
        kinds.parse_quantiles(pairs)
    except ValueError as exc:
        raise RowError(str(exc)) from None
    return ImportedForecast(math.nan, "", at, by, note, ref, unnamed, fields={"quantiles": dict(pairs)})


def check_options(labels: Iterable[str]) -> str | None:
    """Why these options cannot be a ledger question's (a name the ledger refuses), or None."""
    for label in labels:
        try:
            kinds.check_label(label)
        except ValueError as exc:
            return f"option {str(label)[:60]!r} cannot be an option in the ledger: {exc}"
    return None


def written(typed: str) -> float | int | str:
    """A probability to write as the source typed it (services.imports.as_written: the rule `p` follows)."""
    from ..services.imports import as_written

    return as_written(typed)


def _quantity(typed: str) -> object:
    """A quantile's value to write: a date, or the number as typed."""
    try:
        return dt.date.fromisoformat(typed)
    except ValueError:
        from .. import yamlio

        return yamlio.as_typed_number(typed) or float(typed)


def result_of(value: object, kind: str = "binary") -> str | None:
    """yes / no / annulled, or None when unresolved (empty, 'unknown', 'open'). For another
    kind of question the option's name or the value, as written (the refresh checks it)."""
    if kind != "binary" and value is not None and not isinstance(value, bool):
        text = str(value).strip()
        if text.lower() in ("", "unknown", "open", "unresolved", "pending", "none", "null"):
            return None
        return "annulled" if text.lower() in _ANNULLED else text
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ("", "unknown", "open", "unresolved", "pending", "none", "null"):
        return None
    if text in _YES:
        return "yes"
    if text in _NO:
        return "no"
    if text in _ANNULLED:
        return "annulled"
    raise RowError(f"result {value!r} is not one of yes, no, annulled (or empty when unresolved)")


def text_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def text_kept(value: object) -> str | None:
    """Text exactly as written (the ledger's own exports round-trip byte for byte); None when blank."""
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def short_hash(*parts: str) -> str:
    """A stable id part from text: the same row always gives the same id."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def source_id(prefix: str, raw: object) -> str:
    """`prefix-<source id>` as a slug; the source's id must be letters, digits, '.', '_' or '-'."""
    text = str(raw).strip().lower()
    if not text:
        raise RowError("the source's id is missing")
    candidate = f"{prefix}-{text}"
    try:
        return check_slug(candidate)
    except ValueError:
        raise RowError(f"the source's id {raw!r} cannot make a ledger id") from None


def slug_tags(values: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """Tags that are slugs (lowercased, spaces to '-'), and the ones that could not be made so."""
    from ..services.writing import slugify  # pure text helper

    tags, dropped = [], []
    for value in values:
        value = value.strip()
        if not value:
            continue
        tag = slugify(value, 48) if not _is_slug(value) else value
        (tags if _is_slug(tag) else dropped).append(tag if _is_slug(tag) else value)
    return tuple(dict.fromkeys(tags)), dropped


def _is_slug(value: str) -> bool:
    try:
        check_slug(value, "tag")
        return True
    except ValueError:
        return False


def forecast(p: Probability, at: dt.date, by: str, note: str | None = None, *, ref: str | None = None,
             unnamed: bool = False) -> ImportedForecast:
    return ImportedForecast(p.value, p.typed, at, by, note, ref, unnamed)


def finish_item(item: ImportedItem) -> ImportedItem:
    """Forecasts oldest first (a stable sort: same-day forecasts keep the order the parser gave them,
    which is the source's time order); the prediction is its first forecast, by its author on its day."""
    item.forecasts.sort(key=lambda f: f.at)
    if item.forecasts:
        item.by = item.forecasts[0].by
        item.made = item.forecasts[0].at
    return item


# -- the row loop ------------------------------------------------------------

PROGRESS_EVERY = 1000  # records between progress calls


def read_rows(rows: Iterable[tuple[int, object]], total: int, take: Callable[[int, object], None],
              out: Parsed, progress: Progress | None) -> None:
    """take(row, record) for each (row, record): counted in out.rows; a RowError rejects that row alone."""
    for row, record in rows:
        out.rows += 1
        if progress and out.rows % PROGRESS_EVERY == 0:
            progress(row, total)
        try:
            take(row, record)
        except RowError as exc:
            out.rejected.append(Rejected(row, str(exc)))


def read_csv_rows(text: str, path: str, take: Callable[[int, dict[str, str]], None],
                  out: Parsed, progress: Progress | None) -> None:
    """read_rows over the CSV's data rows (progress in lines); a row with bytes that were not UTF-8 is rejected first."""

    def checked(line: int, row: dict[str, str]) -> None:
        for value in row.values():
            check_utf8(value)
        take(line, row)

    read_rows(csv_rows(text, path), count_lines(text), checked, out, progress)


def read_items(records: list, build: Callable[[int, object], ImportedItem | list[ImportedItem] | None], out: Parsed,
               progress: Progress | None, repeated: Callable[[ImportedItem, object, int], str],
               *, reject_repeats: bool = False) -> None:
    """The items of each record (JSON formats): build(n, record) makes them (one, a list, or None when it
    skipped the record).

    An id already taken by an item of record `first` is skipped, or rejected with reject_repeats,
    for the reason repeated(item, record, first) gives.
    """
    seen: dict[str, int] = {}

    def take(n: int, record: object) -> None:
        built = build(n, record)
        for item in [built] if isinstance(built, ImportedItem) else built or []:
            first = seen.get(item.id)
            if first is not None:
                why = repeated(item, record, first)
                if reject_repeats:
                    raise RowError(why)
                out.skipped.append(Skipped(n, item.id, why))
                continue
            seen[item.id] = n
            out.items.append(item)

    read_rows(enumerate(records, 1), len(records), take, out, progress)
