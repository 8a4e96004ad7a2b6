"""PredictionBook: the CSV of your predictions (`predictions/mine.csv`) and the JSON of its API.

Read from bellroy/predictionbook at commit 23c83dab7af5312494f215e7118b0f433352d0fd:
app/controllers/predictions_controller.rb (#mine: the CSV, Ruby's CSV.generate
over each PredictionSerializer hash without its responses), app/serializers/
prediction_serializer.rb and response_serializer.rb (the fields, in order),
app/controllers/api/my_predictions_controller.rb (`{user, predictions}`),
app/models/prediction.rb (mean_confidence, description_with_group, judged_at),
app/models/user.rb (a label is `name || login`), API.md; and Fatebook's
PredictionBook importer (Sage-Future/fatebook lib/web/predictionbook.ts) for how
they are read.

The CSV is one row per prediction you created (withdrawn ones left out), its
header the serializer's attribute names. Times are Ruby's UTC text
(`2023-08-01 06:25:44 UTC`), booleans `true`/`false`, nil an empty cell and an
empty string `""`. It holds no response: `mean_confidence` is the rounded mean
of every response's confidence (yours and other people's), so that is the
prediction's p, dated when the prediction was made and noted as such. The JSON
has each response (confidence, comment, user, time, id): each response with a
confidence is a forecast by its user.

Both: the id is `pb-<id>`; the claim is `description_with_group` (a member of a
prediction group keeps the group's question in brackets); the outcome (the
latest judgement: true, false, or null when unknown) is dated by
`last_judgement_at`, judged by PredictionBook (the judge is not exported).
"""

from __future__ import annotations

from .base import (
    ImportedItem,
    ImportedOutcome,
    Options,
    Parsed,
    RowError,
    Skipped,
    check_utf8,
    count_lines,
    csv_header,
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
    wrong_format,
)

URL = "https://predictionbook.com/predictions/{}"
JUDGE = "PredictionBook"
CSV_REQUIRED = ("id", "description", "mean_confidence", "created_at")
MEAN_NOTE = ("PredictionBook's mean confidence: the rounded mean of every response on this prediction "
             "(mine.csv holds no single response; the API's JSON has each one)")
UNDATED_JUDGEMENT = "judged on PredictionBook on an unknown day (no last_judgement_at); dated by updated_at"


def _confidence(value: object):
    # PredictionBook stores confidence as a whole percent: 70 means 70%.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return probability(f"{value:g}%", "confidence")
    if isinstance(value, str) and value.strip() and not value.strip().endswith("%"):
        return probability(value.strip() + "%", "confidence")
    return probability(value, "confidence")


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _claim(record: dict) -> str:
    claim = text_or_none(record.get("description_with_group")) or text_or_none(record.get("description"))
    if claim is None:
        raise RowError("the description is empty")
    return claim


def _outcome(record: dict, made, url: str) -> ImportedOutcome | None:
    result = result_of(record.get("outcome"))
    if result is None:
        return None
    on, note = optional_day(record.get("last_judgement_at"), "last_judgement_at"), None
    if on is None:  # saved before PredictionBook's API had last_judgement_at (2023-08-01)
        on, note = optional_day(record.get("updated_at"), "updated_at") or made, UNDATED_JUDGEMENT
    return ImportedOutcome(result, max(on, made), JUDGE, ({"url": url},), note)


def _mean_forecast(record: dict, made, by: str, unnamed: bool):
    if record.get("mean_confidence") in (None, ""):
        raise RowError("no confidence: the prediction has no mean_confidence and no response with a probability")
    return forecast(_confidence(record["mean_confidence"]), made, by, MEAN_NOTE,
                    ref=f"predictionbook:{record['id']}:mean_confidence", unnamed=unnamed)


# -- CSV --------------------------------------------------------------------

def parse_csv(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    text = decode(data, path, options.encoding)
    header = csv_header(text)
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise wrong_format(path, "PredictionBook's mine.csv",
                           f"no column {', '.join(map(repr, missing))}; its header is PredictionBook's: "
                           "created_at,creator_id,creator_label,deadline,description_with_group,description,...")
    out = Parsed()
    seen: dict[str, int] = {}

    def take(line: int, row: dict[str, str]) -> None:
        for value in row.values():
            check_utf8(value)
        if _truthy(row.get("withdrawn")):
            out.skipped.append(Skipped(line, None, "withdrawn on PredictionBook"))
            return
        item = _from_csv(row, line, options)
        first = seen.get(item.id)
        if first is not None:
            raise RowError(f"prediction {row['id'].strip()} appears again (first at row {first})")
        seen[item.id] = line
        out.items.append(item)

    read_rows(csv_rows(text, path), count_lines(text), take, out, progress)
    return out


def _from_csv(row: dict[str, str], line: int, options: Options) -> ImportedItem:
    pid = source_id("pb", row.get("id", ""))
    claim = _claim(row)
    made = parse_day(row.get("created_at"), "created_at")
    # mine.csv lists only your own predictions: an empty label is you.
    author = text_or_none(row.get("creator_label"))
    url = URL.format(row["id"].strip())
    item = ImportedItem(
        id=pid, claim=claim, row=line, by=author or options.by, made=made,
        forecasts=[_mean_forecast(row, made, author or options.by, author is None)],
        due=optional_day(row.get("deadline"), "deadline"), source=url,
    )
    outcome = _outcome(row, made, url)
    if outcome is not None:
        item.outcomes.append(outcome)
    return finish_item(item)


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
        raise wrong_format(path, "a PredictionBook API response",
                           'expected {"user": ..., "predictions": [...]} (api/my_predictions) or a list of predictions')
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


def _person(label: object, user_id: object, me: object, options: Options) -> tuple[str, bool]:
    """(name, unnamed): the label PredictionBook shows; for a user with none, you (--by) or 'PredictionBook user <id>'."""
    name = text_or_none(label)
    if name is not None:
        return name, False
    if user_id is not None and user_id == me:
        return options.by, True
    return (f"PredictionBook user {user_id}" if user_id is not None else "unnamed PredictionBook user"), True


def _from_json(record: dict, n: int, options: Options, me: object) -> ImportedItem:
    pid = source_id("pb", record.get("id", ""))
    claim = _claim(record)
    made = parse_day(record.get("created_at"), "created_at")
    url = URL.format(record["id"])
    forecasts = []
    for response in record.get("responses") or []:
        if not isinstance(response, dict) or response.get("confidence") is None:
            continue  # a comment without a probability
        by, unnamed = _person(response.get("user_label"), response.get("user_id"), me, options)
        at = parse_day(response.get("created_at"), "response created_at")
        ref = f"predictionbook:{response['id']}" if response.get("id") is not None else None
        forecasts.append(forecast(_confidence(response["confidence"]), at, by, text_or_none(response.get("comment")),
                                  ref=ref, unnamed=unnamed))
    if not forecasts:
        by, unnamed = _person(record.get("creator_label"), record.get("creator_id"), me, options)
        forecasts.append(_mean_forecast(record, made, by, unnamed))
    item = ImportedItem(
        id=pid, claim=claim, row=n, by=forecasts[0].by, made=made, forecasts=forecasts,
        due=optional_day(record.get("deadline"), "deadline"), source=url,
    )
    outcome = _outcome(record, made, url)
    if outcome is not None:
        item.outcomes.append(outcome)
    return item
