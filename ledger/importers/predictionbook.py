"""PredictionBook: the JSON its API returns, and the CSV export it offered when it went read-only.

JSON (bellroy/predictionbook: API.md, app/serializers/prediction_serializer.rb,
response_serializer.rb, app/controllers/api/my_predictions_controller.rb): a
prediction has id, description, created_at, deadline, outcome (true, false or
null), withdrawn, creator_id/creator_label and `responses`, each with
confidence (a whole percent, or null for a comment), created_at, user_id,
user_label and comment. `/api/my_predictions` wraps the list as
`{"user": ..., "predictions": [...]}`; `/api/predictions` returns the bare list.

CSV (`predictions/mine.csv`): the repository's stored source holds no CSV
exporter, so the columns are read by the serializer's names, case-insensitive,
with the aliases below; one row per prediction, or one per response (rows
sharing an id are one prediction's forecasts, oldest first).

Both: the id is `pb-<id>`; the resolution date is the prediction's updated_at
(PredictionBook keeps no judgement date in these fields; Fatebook's importer
makes the same approximation); withdrawn predictions are skipped.
"""

from __future__ import annotations

from ..errors import LedgerError, Problem, SourceLocation
from .base import (
    ImportedItem,
    ImportedOutcome,
    Options,
    Parsed,
    RowError,
    Skipped,
    check_utf8,
    count_lines,
    csv_rows,
    decode,
    finish_item,
    forecast,
    load_json,
    optional_day,
    parse_day,
    probability,
    read_items,
    read_rows,
    result_of,
    source_id,
    text_or_none,
)

URL = "https://predictionbook.com/predictions/{}"
JUDGE = "PredictionBook"

COLUMNS = {
    "id": ("id", "prediction id", "prediction_id"),
    "description": ("description", "prediction", "statement"),
    "created": ("created_at", "created", "made"),
    "deadline": ("deadline", "due"),
    "confidence": ("confidence", "your confidence", "initial_confidence", "estimate"),
    "response_at": ("response_created_at", "confidence_created_at", "responded_at"),
    "outcome": ("outcome", "judgement", "judgment", "result"),
    "judged": ("judged_at", "updated_at"),
    "withdrawn": ("withdrawn",),
    "creator": ("creator_label", "creator", "user_label", "user"),
    "comment": ("comment",),
}


def _confidence(value: object):
    # PredictionBook stores confidence as a whole percent: 70 means 70%.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return probability(f"{value:g}%", "confidence")
    if isinstance(value, str) and value.strip() and not value.strip().endswith("%"):
        return probability(value.strip() + "%", "confidence")
    return probability(value, "confidence")


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "t"))


# -- CSV --------------------------------------------------------------------

def parse_csv(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    text = decode(data, path, options.encoding)
    out = Parsed()
    items: dict[str, ImportedItem] = {}
    columns: dict[str, str] = {}

    def take(line: int, row: dict[str, str]) -> None:
        if not columns:
            # From the first row's keys, before its text is checked: a file that is not
            # PredictionBook's is reported as such even when every row is rejected.
            columns.update(_columns(list(row), path))
        for value in row.values():
            check_utf8(value)
        got = {field: row.get(col, "") for field, col in columns.items()}
        if _truthy(got.get("withdrawn")):
            out.skipped.append(Skipped(line, None, "withdrawn on PredictionBook"))
            return
        _take(got, line, options, items)

    read_rows(csv_rows(text, path), count_lines(text), take, out, progress)
    out.items = [finish_item(i) for i in items.values()]
    return out


def _columns(header: list[str], path: str) -> dict[str, str]:
    lower = {h.strip().lower(): h for h in header}
    found = {}
    for field, names in COLUMNS.items():
        for name in names:
            if name in lower:
                found[field] = lower[name]
                break
    missing = [f for f in ("id", "description", "confidence") if f not in found]
    if missing:
        raise LedgerError(
            f"{path} is not a PredictionBook export",
            [Problem(SourceLocation(path, 1), "no column for " + ", ".join(
                f"{f} ({' / '.join(COLUMNS[f])})" for f in missing), "format")],
        )
    return found


def _take(got: dict[str, str], line: int, options: Options, items: dict[str, ImportedItem]) -> None:
    pid = source_id("pb", got.get("id", ""))
    p = _confidence(got.get("confidence"))
    made = parse_day(got.get("created"), "created_at")
    at = optional_day(got.get("response_at"), "response date") or made
    item = items.get(pid)
    if item is None:
        claim = text_or_none(got.get("description"))
        if claim is None:
            raise RowError("the description is empty")
        author = text_or_none(got.get("creator")) or options.by
        item = ImportedItem(
            id=pid, claim=claim, row=line, by=author, made=made, forecasts=[],
            due=optional_day(got.get("deadline"), "deadline"), source=URL.format(got["id"].strip()),
            note=text_or_none(got.get("comment")),
        )
        result = result_of(got.get("outcome"))
        if result is not None:
            on = optional_day(got.get("judged"), "judged_at") or item.due or made
            item.outcomes.append(ImportedOutcome(result, max(on, made), JUDGE, ({"url": item.source},)))
        items[pid] = item
    elif text_or_none(got.get("description")) not in (None, item.claim):
        raise RowError(f"id {got['id'].strip()} appears again (first at row {item.row}) with another description")
    item.forecasts.append(forecast(p, at))


# -- JSON -------------------------------------------------------------------

def parse_json(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    doc = load_json(data, path, options.encoding)
    if isinstance(doc, dict) and isinstance(doc.get("predictions"), list):
        user = doc.get("user") or {}
        records = doc["predictions"]
    elif isinstance(doc, list):
        user, records = {}, doc
    elif isinstance(doc, dict) and "description" in doc:
        user, records = {}, [doc]
    else:
        raise LedgerError(
            f"{path} is not a PredictionBook API response",
            [Problem(SourceLocation(path, 1), "expected {\"predictions\": [...]} (api/my_predictions) or a list of predictions", "format")],
        )
    me = user.get("user_id") if isinstance(user, dict) else None
    out = Parsed()

    def build(n: int, record: object) -> ImportedItem | None:
        if not isinstance(record, dict):
            raise RowError("a prediction must be a JSON object")
        if record.get("withdrawn") is True:
            out.skipped.append(Skipped(n, None, "withdrawn on PredictionBook"))
            return None
        return finish_item(_from_json(record, n, options, me))

    read_items(
        records, build, out, progress,
        lambda item, record, first: f"prediction {record.get('id')} appears twice (first as item {first})",
        reject_repeats=True,
    )
    return out


def _from_json(record: dict, n: int, options: Options, me: object) -> ImportedItem:
    pid = source_id("pb", record.get("id", ""))
    claim = text_or_none(record.get("description"))
    if claim is None:
        raise RowError("the description is empty")
    made = parse_day(record.get("created_at"), "created_at")
    # People are named as PredictionBook names them (user_label); --by only when it names nobody.
    author = text_or_none(record.get("creator_label")) or options.by
    url = URL.format(record["id"])
    item = ImportedItem(
        id=pid, claim=claim, row=n, by=author, made=made, forecasts=[],
        due=optional_day(record.get("deadline"), "deadline"), source=url,
    )
    for response in record.get("responses") or []:
        if not isinstance(response, dict) or response.get("confidence") is None:
            continue  # a comment without a probability
        by = text_or_none(response.get("user_label")) or (options.by if response.get("user_id") == me else None)
        at = parse_day(response.get("created_at"), "response created_at")
        item.forecasts.append(forecast(_confidence(response["confidence"]), at, None if by in (None, author) else by,
                                       text_or_none(response.get("comment"))))
    if not item.forecasts:
        if record.get("mean_confidence") is None:
            raise RowError("no confidence: the prediction has no response with a probability")
        item.forecasts.append(forecast(_confidence(record["mean_confidence"]), made, note="PredictionBook's mean confidence"))
    result = result_of(record.get("outcome"))
    if result is not None:
        on = optional_day(record.get("updated_at"), "updated_at") or made
        item.outcomes.append(ImportedOutcome(result, max(on, made), JUDGE, ({"url": url},)))
    return item
