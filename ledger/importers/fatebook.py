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

Multiple-choice questions (rows with an option: one row per option and forecast)
are the ledger's multiple-choice questions. Fatebook keeps a forecast per option
(you update one option at a time) and every exclusive question has an implicit
OTHER outcome, the probability the options leave (lib/web/question_router.ts,
components/questions/UpdateableLatestForecast.tsx: "Sum must be <=100%";
components/predict-form/question-types/MultiChoiceQuestion.tsx: "an OTHER option
is added by default"). So a person's forecast at a time is their latest
probability for each option, with `Other` holding the rest; one is written each
time they give any option, from the moment they have given every option. An
unnamed user's rows are read only time by time (the export cannot tell two such
users apart). The export does not say whether a question's options are
exclusive; one whose options were resolved one by one, several YES, or
forecasts adding up to more than 100% is not (each option is a yes/no question
there) and is skipped. Resolution (lib/interactive_handlers/resolve.ts): the
option resolved YES happened; OTHER and AMBIGUOUS both export every option as
NO, and only OTHER is scored, so with your score in the file it is `Other`,
without it the resolution is left out and the report says so.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ..kinds import SUM_TOLERANCE
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
    check_options,
    choice_forecast,
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
BRIER = "Your Brier score for this question"
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
            item = q.item(out)
        except RowError as exc:  # a question whose rows disagree: all of them are left out
            out.rejected.append(Rejected(q.line, f"the question on this row and the rows after it: {exc}"))
            continue
        if item is not None:
            out.items.append(item)
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
        self.scored = text_or_none(row.get(BRIER)) is not None  # your score: Fatebook scores what resolved
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

    def item(self, out: Parsed) -> ImportedItem | None:
        if any(option is not None for _, _, option, *_ in self.rows):
            return self._multiple_choice(out)
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

    def _multiple_choice(self, out: Parsed) -> ImportedItem | None:
        rows = sorted(self.rows, key=lambda r: (r[0], r[1]))
        if any(option is None for _, _, option, *_ in rows):
            raise RowError("a forecast without an option on a multiple-choice question")
        options = list(dict.fromkeys(option for _, _, option, *_ in rows))  # as the creator first gave them
        why = check_options(options) or self._not_exclusive(options, rows)
        if why:
            out.skipped.append(Skipped(self.line, self.id, why))
            return None
        other = _other_label(options)
        forecasts, incomplete = _choice_forecasts(self.id, options, other, rows)
        for who, (count, missing) in incomplete.items():
            out.skipped.append(Skipped(self.line, self.id, (
                f"{count} {'forecast' if count == 1 else 'forecasts'} by {who} not imported: "
                f"{'they give' if who != UNNAMED else 'each gives'} no probability for "
                f"{', '.join(map(repr, missing))}, and a forecast in the ledger gives every option"
                + (" (the export cannot tell unnamed users apart, so their rows are read one time at a time)"
                   if who == UNNAMED else ""))))
        if not forecasts:
            out.skipped.append(Skipped(self.line, self.id, "no forecast on this question gives every option"))
            return None
        item = ImportedItem(id=self.id, claim=self.title, row=self.line, by=forecasts[0].by, made=forecasts[0].at,
                            forecasts=forecasts, due=self.due, note=self.note, tags=self.tags, kind=MULTIPLE_CHOICE)
        finish_item(item)
        self._choice_outcome(item, options, other, out)
        return item

    def _not_exclusive(self, options: list[str], rows) -> str | None:
        """Why the question's options are not exclusive (each a yes/no question on Fatebook), or None."""
        results = [result_of(self.resolutions.get(o, (None, None))[0]) for o in options]
        evidence = None
        if results.count("yes") > 1:
            evidence = "more than one option resolved YES"
        elif "annulled" in results:
            evidence = "an option resolved AMBIGUOUS on its own"
        elif any(r is None for r in results) and any(r is not None for r in results):
            evidence = "some options resolved and others not"
        else:
            latest: dict[tuple, Decimal] = {}
            for _, _, option, p, name, _ in rows:
                latest[(name, option)] = _exact(p)
                total = sum(v for (n, _), v in latest.items() if n == name)
                if name is not None and total > 1 + Decimal(str(SUM_TOLERANCE)):
                    evidence = f"{name}'s probabilities add up to {format((total * 100).normalize(), 'f')}%"
                    break
        if evidence is None:
            return None
        return (f"a question with options that are not exclusive ({evidence}): on Fatebook each such option is a "
                "yes/no question of its own, which a multiple-choice question in the ledger is not; not imported")

    def _choice_outcome(self, item: ImportedItem, options: list[str], other: str, out: Parsed) -> None:
        results = [result_of(self.resolutions.get(o, (None, None))[0]) for o in options]
        if any(r is None for r in results):
            return
        times = [t for t in (self.resolutions[o][1] for o in options) if t is not None]
        on = max(times).date() if times else item.forecasts[-1].at
        if "yes" in results:
            item.outcomes.append(ImportedOutcome(options[results.index("yes")], on, self.judge))
        elif self.scored:  # only OTHER is scored: AMBIGUOUS gives nobody a score
            item.outcomes.append(ImportedOutcome(other, on, self.judge, note=(
                "Resolved OTHER on Fatebook: every option NO, and the export holds your score for it.")))
        else:
            out.skipped.append(Skipped(self.line, self.id, (
                f"resolved AMBIGUOUS or OTHER on Fatebook on {on}: both export every option as NO, and only OTHER "
                f"is scored, but the file has no score of yours to tell them apart; the resolution is not imported "
                f"(record it with `pledger resolve {self.id} {other if ' ' not in other else repr(other)}` "
                f"or `pledger resolve {self.id} annulled`)")))

    def _resolved_on(self, at: dt.datetime | None, item: ImportedItem) -> dt.date:
        if at is not None:
            return at.date()
        return item.forecasts[-1].at  # resolved, but the export gives no time: no earlier than its last forecast

    def _ref(self, option: str | None, at_text: str, p_typed: str) -> str:
        return "fatebook:" + short_hash(self.id, option or "", at_text, p_typed)


OTHER = "Other"  # the OTHER outcome Fatebook adds to every exclusive question
_DECIMAL = re.compile(r"^\d*\.?\d+$")


def _other_label(options: list[str]) -> str:
    taken = {o.casefold() for o in options}
    return next(label for label in (OTHER, "Other (none of these)", "None of these options") if label.casefold() not in taken)


def _choice_forecasts(qid: str, options: list[str], other: str, rows) -> tuple[list[ImportedForecast], dict]:
    """Each person's forecasts: their latest probability per option, at each time they gave any, once they
    have given every option; `other` holds what the options leave. Also {person: (forecasts left out, options
    missing)} for those who never gave every option."""
    times: dict[tuple, dict[str, object]] = {}  # (time, name, time as written) -> {option: probability}, in time order
    for at, _, option, p, name, at_text in rows:
        times.setdefault((at, name, at_text), {})[option] = p
    latest: dict[str, dict[str, object]] = {}
    forecasts: list[ImportedForecast] = []
    incomplete: dict[str, list] = {}
    for (at, name, at_text), given in times.items():
        state = given if name is None else latest.setdefault(name, {})
        if name is not None:
            state.update(given)
        missing = [o for o in options if o not in state]
        who = name or UNNAMED
        if missing:
            entry = incomplete.setdefault(who, [0, set()])
            entry[0] += 1
            entry[1].update(missing)
            continue
        ref = "fatebook:" + short_hash(qid, "*", at_text, ";".join(f"{o}={given[o].typed}" for o in sorted(given)))
        forecasts.append(choice_forecast(_with_other(options, other, state), at.date(), who, ref=ref,
                                         unnamed=name is None))
        if name is not None:
            incomplete.pop(who, None)  # their rows before they had given every option are in this forecast
    return forecasts, {who: (count, [o for o in options if o in missing]) for who, (count, missing) in incomplete.items()}


def _with_other(options: list[str], other: str, state: dict[str, object]) -> list[tuple[str, object]]:
    """The options' probabilities as typed, and `other` holding the rest (exact decimals: 1 - 0.9 is 0.1)."""
    rest = max(Decimal(1) - sum(_exact(state[o]) for o in options), Decimal(0))
    return [(o, state[o].typed) for o in options] + [(other, format(rest.normalize(), "f") if rest else "0")]


def _exact(p) -> Decimal:
    """A probability as the decimal Fatebook wrote (its forecasts are Decimals)."""
    return Decimal(p.typed) if _DECIMAL.match(p.typed) else Decimal(repr(p.value))


def _first(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in row:
            return row[name]
    return None


def _note(value: str | None) -> str | None:
    if value and value.strip().upper() == "AMBIGUOUS":
        return "Resolved AMBIGUOUS on Fatebook."
    return None
