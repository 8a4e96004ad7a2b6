"""Fatebook's CSV export, as Sage-Future/fatebook writes it.

Read from lib/web/export.ts (questionsToCsv, jsonToCsv, printForCsv) and
lib/_utils_common.ts (getDateTimeYYYYMMDDHHMMSS) at commit
3eb5379f94e92317386e7f859c76e26cf9305fb1, with the column history of export.ts
(1a2bfdc, 2024-09-16: "Multiple choice option", "Resolution", "Resolved at"
replace "Question resolution", "Question resolved at"; e66483b, 2025-01-20:
"Question tags"). One row per forecast, every user's forecasts on the
questions you created, forecast on or were shared; a question's rows repeat its
title, creator, dates and resolution. Strings are quoted, numbers and booleans
are not, a missing value is an empty cell; lines end in "\\n"; no BOM.

Who: each forecast is its forecaster's ("Forecast created by", the user's name;
empty when the user has no name: UNNAMED below, since the export carries no user
id to tell two such people apart). The question's creator is its judge, not a
forecaster unless they forecast. A forecast Fatebook hides from you (hidden
until a date or until you forecast) is exported with neither probability nor
name, and is skipped.

Ids: the export has no question or forecast id, so a question's id is made the
way Fatebook's own CSV import makes one, from its title and creation time
(`fatebook-<hash>`), and a forecast's ref from the question, option, time and
probability: stable across exports, and independent of names.

Multiple-choice questions (one row per option and forecast) are parsed into one
item with its options; an exclusive question resolved AMBIGUOUS or OTHER
exports every option as NO, so the two cannot be told apart.
"""

from __future__ import annotations

import datetime as dt
import re

from .base import (
    MULTIPLE_CHOICE,
    ImportedForecast,
    ImportedItem,
    ImportedOutcome,
    Options,
    Parsed,
    Rejected,
    RowError,
    Skipped,
    csv_header,
    decode,
    finish_item,
    forecast,
    probability,
    read_csv_rows,
    result_of,
    short_hash,
    slug_tags,
    text_or_none,
    wrong_format,
)

TITLE = "Question title"
OPTION = "Multiple choice option"
FORECAST_BY = "Forecast created by"
FORECAST = "Forecast (scale = 0-1)"
FORECAST_AT = "Forecast created at"
CREATED_BY = "Question created by"
CREATED_AT = "Question created at"
RESOLVE_BY = "Question resolve by"
RESOLUTION = ("Resolution", "Question resolution")  # the second before 2024-09-16
RESOLVED_AT = ("Resolved at", "Question resolved at")
NOTES = "Question notes"
TAGS = "Question tags"
REQUIRED = (TITLE, FORECAST, FORECAST_AT, CREATED_AT)

UNNAMED = "unnamed Fatebook user"  # a user with no name: the export leaves the cell empty
HIDDEN = "a forecast Fatebook hides from you (the export gives neither its probability nor its forecaster)"

# getDateTimeYYYYMMDDHHMMSS: date and hours:minutes zero-padded, seconds not ("2025-01-03 08:00:0").
_TIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d?)$")


def fatebook_time(value: str | None, what: str) -> dt.datetime:
    """A time as the export writes it (the server's clock, UTC)."""
    text = (value or "").strip()
    if not text:
        raise RowError(f"{what} is missing")
    m = _TIME.match(text)
    if not m:
        raise RowError(f"{what} {text!r} is not a time as Fatebook writes it (YYYY-MM-DD HH:MM:S)")
    try:
        return dt.datetime(*(int(g) for g in m.groups()))
    except ValueError:
        raise RowError(f"{what} {text!r} is not a time") from None


def question_id(title: str, created: str) -> str:
    return "fatebook-" + short_hash(title, created, "")


def parse(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    text = decode(data, path, options.encoding)
    header = csv_header(text)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise wrong_format(path, "a Fatebook export",
                           f"no column {', '.join(map(repr, missing))}; export from fatebook.io (the menu: Export all your predictions)")
    out = Parsed()
    questions: dict[str, _Question] = {}
    read_csv_rows(text, path, lambda line, row: _take(row, line, questions, out), out, progress)
    for q in questions.values():
        try:
            out.items.append(q.item())
        except RowError as exc:  # a question whose rows disagree: all of them are left out
            out.rejected.append(Rejected(q.line, f"the question on this row and the rows after it: {exc}"))
    out.rejected.sort(key=lambda r: r.row)
    return out


def _take(row: dict[str, str], line: int, questions: dict[str, _Question], out: Parsed) -> None:
    title = text_or_none(row.get(TITLE))
    if title is None:
        raise RowError("the question title is empty")
    created = (row.get(CREATED_AT) or "").strip()
    fatebook_time(created, "question created at")
    qid = question_id(title, created)
    value, name = text_or_none(row.get(FORECAST)), text_or_none(row.get(FORECAST_BY))
    if value is None and name is None:
        out.skipped.append(Skipped(line, qid, HIDDEN))
        return
    at_text = (row.get(FORECAST_AT) or "").strip()
    at = fatebook_time(at_text, "forecast created at")
    p = probability(value, "forecast")
    option = text_or_none(row.get(OPTION))
    q = questions.get(qid)
    if q is None:
        q = questions[qid] = _Question(qid, title, line, row)
    q.add(line, row, option, at, at_text, p, name)


class _Question:
    """One question's rows, gathered: its fields from its first row (an option's resolution from that
    option's first row), its forecasts from all of them."""

    def __init__(self, qid: str, title: str, line: int, row: dict[str, str]):
        self.id, self.title, self.line = qid, title, line
        self.judge = text_or_none(row.get(CREATED_BY)) or UNNAMED
        due = text_or_none(row.get(RESOLVE_BY))
        self.due = fatebook_time(due, "question resolve by").date() if due else None
        self.note = text_or_none(row.get(NOTES))
        self.tags, _ = slug_tags((row.get(TAGS) or "").split("; "))
        # (time, file order, option, probability, name) for every forecast row
        self.rows: list[tuple[dt.datetime, int, str | None, object, str | None, str]] = []
        # option (None: the question) -> (resolution, resolved at) as its first row gives them
        self.resolutions: dict[str | None, tuple[str | None, dt.datetime | None]] = {}
        self._resolution(None, row)

    def _resolution(self, option: str | None, row: dict[str, str]) -> None:
        if option not in self.resolutions:
            raw, at = _first(row, RESOLUTION), text_or_none(_first(row, RESOLVED_AT))
            result_of(raw)  # a resolution Fatebook does not write rejects its row now, not the question later
            self.resolutions[option] = (raw, fatebook_time(at, "resolved at") if at else None)

    def add(self, line: int, row: dict[str, str], option: str | None, at: dt.datetime, at_text: str, p,
            name: str | None) -> None:
        self._resolution(option, row)
        self.rows.append((at, line, option, p, name, at_text))

    def item(self) -> ImportedItem:
        if any(option is not None for _, _, option, *_ in self.rows):
            return self._multiple_choice()
        rows = sorted(self.rows, key=lambda r: (r[0], r[1]))
        forecasts = [
            forecast(p, at.date(), name or UNNAMED, ref=self._ref(None, at_text, p.typed), unnamed=name is None)
            for at, _, _, p, name, at_text in rows
        ]
        item = ImportedItem(id=self.id, claim=self.title, row=self.line, by=forecasts[0].by, made=forecasts[0].at,
                            forecasts=forecasts, due=self.due, note=self.note, tags=self.tags)
        finish_item(item)
        raw, on = self.resolutions[None]
        result = result_of(raw)
        if result is not None:
            item.outcomes.append(ImportedOutcome(result, self._resolved_on(on, item), self.judge, note=_note(raw)))
        return item

    def _multiple_choice(self) -> ImportedItem:
        # One submission on Fatebook is one forecast row per option, at the same time by the same person.
        options: list[str] = []
        submissions: dict[tuple, dict[str, object]] = {}
        for at, line, option, p, name, at_text in sorted(self.rows, key=lambda r: (r[0], r[1])):
            if option is None:
                raise RowError("a forecast without an option on a multiple-choice question")
            if option not in options:
                options.append(option)
            submissions.setdefault((at, name, at_text), {})[option] = p
        forecasts = [
            ImportedForecast(None, "", at.date(), name or UNNAMED, ref=self._ref("*", at_text, ""), unnamed=name is None,
                             options=tuple((o, ps[o].value) for o in options if o in ps))
            for (at, name, at_text), ps in submissions.items()
        ]
        item = ImportedItem(id=self.id, claim=self.title, row=self.line, by=forecasts[0].by, made=forecasts[0].at,
                            forecasts=forecasts, due=self.due, note=self.note, tags=self.tags,
                            kind=MULTIPLE_CHOICE, options=tuple(options))
        finish_item(item)
        results = [(o, result_of(self.resolutions.get(o, (None, None))[0])) for o in options]
        if all(r is not None for _, r in results):
            times = [t for t in (self.resolutions[o][1] for o in options) if t is not None]
            on = max(times).date() if times else item.forecasts[-1].at
            winners = [o for o, r in results if r == "yes"]
            note = None
            if not winners and all(r == "no" for _, r in results):
                note = "Every option resolved NO: Fatebook exports an AMBIGUOUS or an OTHER resolution this way."
            item.outcomes.append(ImportedOutcome(
                "resolved", on, self.judge, note=note,
                option=winners[0] if len(winners) == 1 else None, option_results=tuple((o, r) for o, r in results),
            ))
        return item

    def _resolved_on(self, at: dt.datetime | None, item: ImportedItem) -> dt.date:
        if at is not None:
            return at.date()
        return item.forecasts[-1].at  # resolved, but the export gives no time: no earlier than its last forecast

    def _ref(self, option: str | None, at_text: str, p_typed: str) -> str:
        return "fatebook:" + short_hash(self.id, option or "", at_text, p_typed)


def _first(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in row:
            return row[name]
    return None


def _note(value: str | None) -> str | None:
    if value and value.strip().upper() == "AMBIGUOUS":
        return "Resolved AMBIGUOUS on Fatebook."
    return None
