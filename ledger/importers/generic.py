"""Any CSV, with a column mapping: `--map claim=Question,p=Prob,made=Date`.

One row per forecast. Rows with the same id are one prediction: the first row
gives its fields and probability, later rows add forecasts. A row without an id
is a prediction of its own (`csv-<hash of claim and made>`); two such rows with
the same claim and made date are refused, every one of them named, since
nothing says whether they are one prediction's forecasts or several
predictions. A row with a `result` also records an outcome entry. Columns are found by the mapped name, else by the field's own
name (any case), so `pledger export csv` reads back with no mapping at all.
The fields are listed in FIELDS and documented in docs/import.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..errors import LedgerError, Problem, SourceLocation, UsageError
from ..models import check_slug
from .base import (
    ImportedItem,
    ImportedOutcome,
    Options,
    Parsed,
    Rejected,
    RowError,
    csv_header,
    decode,
    finish_item,
    forecast,
    kind_forecast,
    optional_day,
    parse_day,
    probability,
    read_csv_rows,
    result_of,
    short_hash,
    text_kept,
)

# field -> what it holds (docs/import.md repeats this table)
FIELDS = {
    "id": "the prediction's id (a slug); rows sharing one are its forecasts. Without it: csv-<hash of claim and made>",
    "set": "the set the prediction belongs to (used when --set is not given)",
    "claim": "what will happen (required on a prediction's first row)",
    "by": "who made the prediction, and this row's forecast (default: --by)",
    "made": "the day it was made, YYYY-MM-DD (required on a prediction's first row)",
    "due": "when it should be resolvable",
    "about": "its subject",
    "criteria": "how it will be judged",
    "tags": "tags, separated by ';' or ','",
    "source": "a link to where it was published",
    "tests": "claim ids it tests, separated by ';'",
    "note": "a note on the prediction",
    "p": "the probability: 0.7, 70%, 3:1 or 1 in 20 (kept as typed)",
    "forecast_by": "who gave this row's probability (default: the row's by, else the prediction's)",
    "at": "the day of this row's probability (default: made)",
    "forecast_note": "a note on this row's probability",
    "result": "yes, no or annulled (also true/false, ambiguous, n/a); empty: unresolved",
    "resolved_on": "the day it was resolved (default: the day of its last forecast)",
    "resolved_by": "who judged it (default: by)",
    "correction": "true when this outcome corrects an earlier one",
    "outcome_note": "a note on the outcome",
    "evidence": "a link, or a JSON list of {url, quote, archived, title, stance}",
    "kind": "binary (empty), multiple-choice or numeric; for the other kinds `p` holds a JSON object of the "
    "options' probabilities or the quantiles' values, and `result` the option or the value",
    "ordered": "true when a multiple-choice question's options have an order",
    "unit": "a numeric question's unit",
    "closes": "when forecasting closes (time-weighted scores)",
}
REQUIRED = ("claim",)


def parse_mapping(text: str | None) -> dict[str, str]:
    """`field=Column,field=Column` -> {field: Column}; a UsageError naming --map otherwise."""
    mapping: dict[str, str] = {}
    if not text:
        return mapping
    for part in text.split(","):
        if not part.strip():
            continue
        field, eq, column = part.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not eq or not field or not column:
            raise UsageError(f"--map: {part.strip()!r} is not field=Column (e.g. --map claim=Question,p=Prob)", "--map")
        if field not in FIELDS:
            raise UsageError(f"--map: unknown field {field!r}; the fields are {', '.join(FIELDS)}", "--map")
        if field in mapping:
            raise UsageError(f"--map: {field!r} is mapped twice", "--map")
        mapping[field] = column
    return mapping


def resolve_columns(header: list[str], mapping: dict[str, str], path: str) -> dict[str, str]:
    """{field: header name} for the fields the file has."""
    by_lower = {h.lower(): h for h in header}
    columns: dict[str, str] = {}
    for field, column in mapping.items():
        found = column if column in header else by_lower.get(column.lower())
        if found is None:
            shown = ", ".join(header[:12]) + (" ..." if len(header) > 12 else "")
            raise UsageError(f"--map {field}={column}: {path} has no column {column!r} (its columns: {shown})", "--map")
        columns[field] = found
    for field in FIELDS:
        if field not in columns and field in by_lower:
            columns[field] = by_lower[field]
    missing = [f for f in REQUIRED if f not in columns]
    if "p" not in columns and "result" not in columns:
        missing.append("p")
    if "made" not in columns and "at" not in columns:
        missing.append("made")
    if missing:
        raise UsageError(
            f"{path} has no column for {', '.join(missing)}; name it with --map, e.g. --map "
            + ",".join(f"{f}=Column" for f in missing),
            "--map",
        )
    return columns


def parse(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    text = decode(data, path, options.encoding)
    header = csv_header(text)
    if not header:
        raise LedgerError(f"{path} is empty", [Problem(SourceLocation(path, 1), "no header row", "format")])
    columns = resolve_columns(header, options.mapping or {}, path)
    out = Parsed()
    state = _Rows()
    read_csv_rows(
        text, path, lambda line, row: _take({f: row.get(c, "") for f, c in columns.items()}, line, options, state),
        out, progress,
    )
    items = state.items
    _refuse_lookalikes(items, state.idless, out)
    for item in items.values():
        _default_resolution_dates(item)
    out.items = [finish_item(i) for i in items.values()]
    return out


def _refuse_lookalikes(items: dict[str, ImportedItem], unnamed_rows: dict[str, list[int]], out: Parsed) -> None:
    """Rows without an id that share claim and made date: which are one prediction is unknown, so none is imported."""
    already = {r.row for r in out.rejected}
    for pid, lines in unnamed_rows.items():
        if len(lines) < 2:
            continue
        items.pop(pid, None)
        shown = ", ".join(map(str, lines))
        for line in lines:
            if line not in already:
                out.rejected.append(Rejected(
                    line, f"rows {shown} have the same claim and made date and no id: one prediction's forecasts, "
                          "or several predictions? Give each prediction an id (rows sharing an id are its forecasts)",
                ))
    out.rejected.sort(key=lambda r: r.row)


@dataclass(slots=True)
class _Rows:
    """What the rows read so far make."""

    items: dict[str, ImportedItem] = field(default_factory=dict)
    idless: dict[str, list[int]] = field(default_factory=dict)  # csv-<hash> id -> lines of the id-less rows making it
    by_default: set[str] = field(default_factory=set)  # items whose author is --by (no `by` on their first row)


def _take(got: dict[str, str], line: int, options: Options, state: _Rows) -> None:
    items = state.items
    claim = text_kept(got.get("claim"))
    made_raw = (got.get("made") or got.get("at") or "").strip()
    pid = _id(got, claim, made_raw)
    if not (got.get("id") or "").strip():
        state.idless.setdefault(pid, []).append(line)
    item = items.get(pid)
    author = text_kept(got.get("by"))
    if item is None:
        if claim is None:
            raise RowError("the claim is empty")
        by = author or options.by
        if author is None:
            state.by_default.add(pid)
        kind = _kind(got)
        item = ImportedItem(
            id=pid, claim=claim, row=line, by=by, made=parse_day(made_raw, "made"), forecasts=[],
            set_id=_set_of(got), due=optional_day(got.get("due"), "due"),
            about=text_kept(got.get("about")), criteria=text_kept(got.get("criteria")),
            tags=_slugs(got.get("tags"), "tag"), source=text_kept(got.get("source")),
            tests=_slugs(got.get("tests"), "id"), note=text_kept(got.get("note")), extra=_extra(got, kind), kind=kind,
        )
        fresh = True
    else:
        if claim is not None and claim != item.claim:
            raise RowError(f"id {pid!r} was used at row {item.row} for another claim ({item.claim[:60]!r})")
        fresh = False
    p_text = (got.get("p") or "").strip()
    kind = _kind(got) if fresh else _item_kind(item)
    result = result_of(got.get("result"), kind)
    if not p_text and result is None:
        raise RowError("no probability (and no result)")
    if p_text:
        at = optional_day(got.get("at"), "at") or item.made
        who = text_kept(got.get("forecast_by")) or author
        unnamed = who is None and pid in state.by_default
        note = text_kept(got.get("forecast_note"))
        if kind == "binary":
            item.forecasts.append(forecast(probability(p_text), at, who or item.by, note, unnamed=unnamed))
        else:
            try:
                raw = json.loads(p_text)
            except json.JSONDecodeError:
                raise RowError(f"`p` of a {kind} question must be a JSON object, e.g. {{\"A\": \"60%\", \"B\": \"40%\"}}") from None
            item.forecasts.append(kind_forecast(kind, raw, at, who or item.by, note))
    elif fresh:
        raise RowError("no probability on the prediction's first row")
    if result is not None:
        outcome = ImportedOutcome(
            result, optional_day(got.get("resolved_on"), "resolved_on") or _LATER,
            text_kept(got.get("resolved_by")) or item.by, _evidence(got.get("evidence")),
            text_kept(got.get("outcome_note")),
            (got.get("correction") or "").strip().lower() in ("true", "yes", "1"),
        )
        if outcome not in item.outcomes:  # a result repeated on every forecast row is one entry
            item.outcomes.append(outcome)
    if fresh:
        items[pid] = item


_LATER = None  # placeholder date: filled by _default_resolution_dates


def _kind(got: dict[str, str]) -> str:
    from ..kinds import BINARY, KINDS

    kind = (got.get("kind") or "").strip().lower() or BINARY
    if kind not in KINDS:
        raise RowError(f"kind {kind!r} is not one of {', '.join(KINDS)} (empty: binary)")
    return kind


def _item_kind(item: ImportedItem) -> str:
    first = item.forecasts[0] if item.forecasts else None
    if first is None or not first.fields:
        return "binary"
    return "multiple-choice" if "options" in first.fields else "numeric"


def _extra(got: dict[str, str], kind: str) -> dict:
    extra: dict = {}
    if (got.get("ordered") or "").strip().lower() in ("true", "yes", "1"):
        extra["ordered"] = True
    if text_kept(got.get("unit")):
        extra["unit"] = text_kept(got.get("unit"))
    if (got.get("closes") or "").strip():
        extra["closes"] = parse_day(got.get("closes"), "closes")
    return extra


def _default_resolution_dates(item: ImportedItem) -> None:
    if any(o.on is None for o in item.outcomes):
        last = max([item.made, *(f.at for f in item.forecasts)])
        item.outcomes = [o if o.on is not None else ImportedOutcome(o.result, last, o.by, o.evidence, o.note, o.correction)
                         for o in item.outcomes]


def _id(got: dict[str, str], claim: str | None, made_raw: str) -> str:
    raw = (got.get("id") or "").strip()
    if raw:
        try:
            return check_slug(raw)
        except ValueError as exc:
            raise RowError(str(exc)) from None
    if claim is None:
        raise RowError("the claim is empty")
    return "csv-" + short_hash(claim, made_raw)


def _set_of(got: dict[str, str]) -> str | None:
    """The row's set; "" when a set column is there but empty (no set, as in our own export)."""
    if "set" not in got:
        return None
    return _slug(got["set"], "set") or ""


def _slug(value: str | None, what: str) -> str | None:
    text = text_kept(value)
    if text is None:
        return None
    try:
        return check_slug(text.strip(), what)
    except ValueError as exc:
        raise RowError(str(exc)) from None


def _slugs(value: str | None, what: str) -> tuple[str, ...]:
    text = text_kept(value)
    if text is None:
        return ()
    parts = [p.strip() for p in text.replace(",", ";").split(";")]
    return tuple(dict.fromkeys(_slug(p, what) for p in parts if p))


def _evidence(value: str | None) -> tuple[dict, ...]:
    text = text_kept(value)
    if text is None:
        return ()
    text = text.strip()
    if text.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RowError(f"evidence is not a JSON list: {exc.msg}") from None
        if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
            raise RowError("evidence must be a link or a JSON list of objects")
        return tuple(data)
    if not text[:8].lower().startswith(("http://", "https://")):
        raise RowError(f"evidence {text[:40]!r} is not a link (http:// or https://)")
    return ({"url": text},)
