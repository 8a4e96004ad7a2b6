"""Fatebook's CSV export (Sage-Future/fatebook, lib/web/export.ts: questionsToCsv).

One row per forecast; a question's rows repeat its title, creator, dates and
resolution. The export has no question id or link, so the id is made the way
Fatebook's own CSV import makes one: a hash of the title and the question's
creation time (`fatebook-<hash>`), stable across exports. Multiple-choice
questions export one row per option and forecast; each option becomes a yes/no
prediction of its own ("Title: option"). Older exports name the resolution
columns "Question resolution" and "Question resolved at"; both layouts are read.
"""

from __future__ import annotations

from .base import (
    ImportedItem,
    ImportedOutcome,
    Options,
    Parsed,
    RowError,
    csv_header,
    decode,
    finish_item,
    forecast,
    optional_day,
    parse_day,
    probability,
    read_csv_rows,
    result_of,
    short_hash,
    text_or_none,
)

TITLE = "Question title"
OPTION = "Multiple choice option"
FORECAST_BY = "Forecast created by"
FORECAST = "Forecast (scale = 0-1)"
FORECAST_AT = "Forecast created at"
CREATED_BY = "Question created by"
CREATED_AT = "Question created at"
RESOLVE_BY = "Question resolve by"
RESOLUTION = ("Resolution", "Question resolution")
RESOLVED_AT = ("Resolved at", "Question resolved at")
NOTES = "Question notes"
REQUIRED = (TITLE, FORECAST, FORECAST_AT, CREATED_AT)


def parse(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    text = decode(data, path, options.encoding)
    header = csv_header(text)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        from ..errors import LedgerError, Problem, SourceLocation

        raise LedgerError(
            f"{path} is not a Fatebook export",
            [Problem(SourceLocation(path, 1), f"no column {', '.join(map(repr, missing))}; export from fatebook.io (Settings → Export)", "format")],
        )
    out = Parsed()
    items: dict[str, ImportedItem] = {}
    read_csv_rows(text, path, lambda line, row: _take(row, line, options, items), out, progress)
    out.items = [finish_item(i) for i in items.values()]
    return out


def _take(row: dict[str, str], line: int, options: Options, items: dict[str, ImportedItem]) -> None:
    title = text_or_none(row.get(TITLE))
    if title is None:
        raise RowError("the question title is empty")
    created = row.get(CREATED_AT, "").strip()
    option = text_or_none(row.get(OPTION))
    pid = "fatebook-" + short_hash(title, created, option or "")
    p = probability(row.get(FORECAST), "forecast")
    at = parse_day(row.get(FORECAST_AT), "forecast date")
    author = text_or_none(row.get(CREATED_BY)) or options.by
    by = text_or_none(row.get(FORECAST_BY)) or options.by
    item = items.get(pid)
    if item is None:
        claim = f"{title}: {option}" if option else title
        item = ImportedItem(
            id=pid, claim=claim, row=line, by=author, made=parse_day(created, "question date"), forecasts=[],
            due=optional_day(row.get(RESOLVE_BY), "resolve-by date"), note=text_or_none(row.get(NOTES)),
        )
        resolution = result_of(_first(row, RESOLUTION))
        if resolution is not None:
            on = optional_day(_first(row, RESOLVED_AT), "resolution date") or item.made
            item.outcomes.append(ImportedOutcome(resolution, on, author, note=_resolution_note(_first(row, RESOLUTION))))
        items[pid] = item
    item.forecasts.append(forecast(p, at, None if by == item.by else by))


def _first(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in row:
            return row[name]
    return None


def _resolution_note(value: str | None) -> str | None:
    if value and value.strip().upper() == "AMBIGUOUS":
        return "Resolved AMBIGUOUS on Fatebook."
    return None

