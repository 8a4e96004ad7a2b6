"""Metaculus: posts with their question and your forecasts, as its API returns them, saved to a file.

Source: Metaculus/metaculus, questions/serializers (serialize_question:
`my_forecasts` = {history, latest, score_data}; MyForecastSerializer:
question_id, author_id, start_time and end_time as Unix seconds,
forecast_values = [P(no), P(yes)] for a binary question). Fetch with your API
token, e.g. `GET /api/posts/?forecaster_id=<you>&statuses=resolved` (a page:
`{"results": [...]}`), or `GET /api/posts/<id>/` (one post); save the JSON and
import the file. A list of posts is read too.

Only binary questions are imported (numeric, date and multiple-choice ones are
skipped, as are groups of questions). Each forecast with values becomes a
forecast by you (--by); the list endpoint may leave `forecast_values` out of
the history, in which case only `latest` is kept. Resolution "yes"/"no" maps
to yes/no; "annulled" and "ambiguous" to annulled, judged by Metaculus, dated
actual_resolve_time, with the question's page as evidence.
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
    finish_item,
    forecast,
    load_json,
    optional_day,
    parse_day,
    probability,
    read_items,
    result_of,
    source_id,
    text_or_none,
)

URL = "https://www.metaculus.com/questions/{}/"
JUDGE = "Metaculus"


def parse(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    doc = load_json(data, path, options.encoding)
    if isinstance(doc, dict) and isinstance(doc.get("results"), list):
        posts = doc["results"]
    elif isinstance(doc, list):
        posts = doc
    elif isinstance(doc, dict) and ("question" in doc or "group_of_questions" in doc):
        posts = [doc]
    else:
        raise LedgerError(
            f"{path} is not a Metaculus API response",
            [Problem(SourceLocation(path, 1), 'expected a post, a list of posts or a page {"results": [...]} from /api/posts/', "format")],
        )
    out = Parsed()

    def build(n: int, post: object) -> ImportedItem | None:
        item = _post(post, n, options, out)
        return None if item is None else finish_item(item)

    read_items(posts, build, out, progress, lambda item, post, first: f"the same post as item {first}")
    return out


def _post(post: object, n: int, options: Options, out: Parsed) -> ImportedItem | None:
    if not isinstance(post, dict):
        raise RowError("a post must be a JSON object")
    question = post.get("question")
    post_id = post.get("id")
    if not isinstance(question, dict):
        kind = "a group of questions" if post.get("group_of_questions") else "a post without a question"
        out.skipped.append(Skipped(n, None, f"{kind}: only single yes/no questions are imported"))
        return None
    if question.get("type", "binary") != "binary":
        out.skipped.append(Skipped(n, None, f"a {question.get('type')} question: only yes/no questions are imported"))
        return None
    if post_id is None:
        post_id = question.get("id")
    pid = source_id("metaculus", post_id)
    claim = text_or_none(question.get("title")) or text_or_none(post.get("title"))
    if claim is None:
        raise RowError("the question has no title")
    url = URL.format(post_id)
    mine = question.get("my_forecasts") or {}
    entries = list(mine.get("history") or [])
    latest = mine.get("latest")
    if isinstance(latest, dict) and not any(_same(latest, e) and _values(e) for e in entries):
        entries = [e for e in entries if not _same(latest, e)] + [latest]
    forecasts = []
    for entry in entries:
        values = _values(entry)
        if values is None:
            continue  # a history entry without its values (the list endpoint leaves them out)
        forecasts.append(forecast(probability(values, "forecast"), parse_day(entry.get("start_time"), "start_time")))
    if not forecasts:
        out.skipped.append(Skipped(n, pid, "no forecast of yours with a probability on this question"))
        return None
    forecasts.sort(key=lambda f: f.at)
    # Made when you first forecast it: the question itself may be years older.
    item = ImportedItem(
        id=pid, claim=claim, row=n, by=options.by, made=forecasts[0].at,
        forecasts=forecasts, due=optional_day(question.get("scheduled_resolve_time"), "scheduled_resolve_time"),
        criteria=text_or_none(question.get("resolution_criteria")), source=url,
    )
    raw = question.get("resolution")
    result = result_of(raw)
    if result is not None:
        on = optional_day(question.get("actual_resolve_time") or question.get("resolution_set_time"), "actual_resolve_time")
        note = f"Metaculus resolution: {raw}" if result == "annulled" else None
        item.outcomes.append(ImportedOutcome(result, on or forecasts[-1].at, JUDGE, ({"url": url},), note))
    return item


def _same(a: dict, b: object) -> bool:
    return isinstance(b, dict) and a.get("start_time") == b.get("start_time")


def _values(entry: object) -> float | None:
    if not isinstance(entry, dict):
        return None
    values = entry.get("forecast_values")
    if isinstance(values, list) and len(values) == 2 and all(isinstance(v, (int, float)) for v in values):
        return float(values[1])  # [P(no), P(yes)]
    p = entry.get("probability_yes")
    return float(p) if isinstance(p, (int, float)) and not isinstance(p, bool) else None
