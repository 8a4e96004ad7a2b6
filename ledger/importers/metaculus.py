"""Metaculus: posts with their questions and your forecasts, as `/api/posts/` returns them, saved to a file.

Read from Metaculus/metaculus at commit 100c4088f3d37ab0720d987ee70bc59e0514692e:
posts/serializers.py (serialize_post: `question`, `group_of_questions` with its
`questions`, `conditional` with `question_yes`/`question_no`, `notebook`),
questions/serializers/common.py (serialize_question; `my_forecasts = {history,
latest, score_data}`, present when the request carries your API token and
`with_cp=true`; MyForecastSerializer: question_id, author_id, start_time and
end_time as Unix seconds, forecast_values = [1 - p, p] for a binary question,
the probability of each option (in the order of all_options_ever) for a
multiple-choice one, the CDF at the question's `scaling.continuous_range` for a
numeric, discrete or date one), questions/services/forecasts.py (a forecast's
end_time is the next one's start_time, or the time it was withdrawn),
posts/views.py and utils/paginator.py (a page is `{next, previous, results}`).

Every question with a forecast of yours is imported, each its own prediction:
a post's question (`metaculus-<post id>`), each question of a group
(`metaculus-<post id>-<question id>`, the claim naming the group: "Post title
(label)"), the two questions of a conditional ("A (Yes) → B"). A
multiple-choice forecast gives each option's probability (forecast_values in the
order of all_options_ever; an option not open when it was made is null:
questions/serializers/common.py multiple_choice_validation). A deleted option
(questions/services/multiple_choice_handlers.py: its probability moved to the
last, catch-all option) is 0 from then on; a forecast made before an option was
added (Metaculus counted that option in the catch-all) cannot say how much of it
was the new option's and is left out, said so. A numeric, discrete or date
forecast is its CDF at the question's points, straight lines between them in
Metaculus's own [0, 1] locations (utils/the_math/measures.py
percent_point_function), read at 5%, 25%, 50%, 75% and 95% and mapped onto the
question's scale (utils/the_math/formulas.py unscaled_location_to_scaled_location);
a level that lies beyond an open bound is left out, and a forecast with fewer
than two levels inside the range is left out, said so. Forecasts are yours (--by), dated start_time (UTC), each
with ref `metaculus:<question id>:<author id>:<start_time>`; a withdrawn one is
noted with the day it stopped standing. Resolution yes/no maps to yes/no,
annulled and ambiguous to annulled, judged by Metaculus, dated
actual_resolve_time, with the question's page as evidence; a multiple-choice
question resolves to its option, a numeric one to its value (a date question's
as a date). "below_lower_bound" / "above_upper_bound" give no value (the
outcome lay outside the range, by how much is not recorded): that resolution is
left out, said so, for you to resolve by hand.

The old API's shape (api2, questions with `possibilities` and `my_predictions`;
oughtinc/ergo ergo/platforms/metaculus/question/question.py reads it) is refused
with a message: Metaculus replaced it with posts in 2024.
"""

from __future__ import annotations

import datetime as dt
import math

from .base import (
    BINARY,
    MULTIPLE_CHOICE,
    NUMERIC,
    MIN_QUANTILES,
    QUANTILE_LEVELS,
    ImportedForecast,
    ImportedItem,
    ImportedOutcome,
    Options,
    Parsed,
    Rejected,
    RowError,
    Skipped,
    cdf_quantiles,
    check_options,
    choice_forecast,
    finish_item,
    forecast,
    load_json,
    optional_day,
    parse_day,
    probability,
    quantile_forecast,
    read_items,
    result_of,
    significant,
    source_id,
    text_or_none,
    wrong_format,
)

URL = "https://www.metaculus.com/questions/{}/"
JUDGE = "Metaculus"
POST_KEYS = ("question", "group_of_questions", "conditional", "notebook")
OLD_API_KEYS = ("possibilities", "my_predictions", "page_url", "prediction_timeseries")
KINDS = {"binary": BINARY, "multiple_choice": MULTIPLE_CHOICE, "numeric": NUMERIC, "discrete": NUMERIC, "date": NUMERIC}
NO_FORECASTS_KEY = ("the file has no forecasts of yours (no my_forecasts): fetch /api/posts/ with your API token "
                    "(Authorization: Token ...) and with_cp=true")
OUTSIDE = {"above_upper_bound": "above the upper bound", "below_lower_bound": "below the lower bound"}


def parse(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    doc = load_json(data, path, options.encoding)
    out = Parsed()
    if isinstance(doc, dict) and isinstance(doc.get("results"), list):
        posts = doc["results"]
        if doc.get("next"):
            out.warnings.append(f"{path} is one page of several: its `next` is {str(doc['next'])[:200]!r}; "
                                "save each further page and import it too")
    elif isinstance(doc, list):
        posts = doc
    elif isinstance(doc, dict) and any(k in doc for k in POST_KEYS + OLD_API_KEYS):
        posts = [doc]
    else:
        raise wrong_format(path, "a Metaculus API response",
                           'expected a post, a list of posts or a page {"results": [...]} from /api/posts/')
    old = next((i for i, p in enumerate(posts, 1) if _old_api(p)), None)
    if old is not None:
        raise wrong_format(path, "a response of Metaculus's current API",
                           f"item {old} is a question of the old API (api2: `possibilities`, `my_predictions`), which "
                           "Metaculus replaced with posts in 2024; save /api/posts/?forecaster_id=<your id>&with_cp=true "
                           "with your API token instead")

    def build(n: int, post: object) -> list[ImportedItem]:
        return _post(post, n, options, out)

    read_items(posts, build, out, progress, lambda item, post, first: f"the same question as item {first}")
    return out


def _old_api(post: object) -> bool:
    return isinstance(post, dict) and not any(k in post for k in POST_KEYS) and any(k in post for k in OLD_API_KEYS)


def _post(post: object, n: int, options: Options, out: Parsed) -> list[ImportedItem]:
    if not isinstance(post, dict):
        raise RowError("a post must be a JSON object")
    post_id = post.get("id")
    title = text_or_none(post.get("title"))
    questions: list[tuple[str, dict, str | None, dict | None]] = []  # (id, question, claim, group)
    if isinstance(post.get("question"), dict):
        q = post["question"]
        questions.append((source_id("metaculus", post_id if post_id is not None else q.get("id")), q,
                          text_or_none(q.get("title")) or title, None))
    elif isinstance(post.get("group_of_questions"), dict):
        group = post["group_of_questions"]
        for q in group.get("questions") or []:
            if isinstance(q, dict):
                questions.append((_sub_id(post_id, q), q, _group_claim(title, q), group))
    elif isinstance(post.get("conditional"), dict):
        # The forecastable questions of a conditional post are these two; its condition and
        # child are other posts' questions, imported from those posts.
        for key in ("question_yes", "question_no"):
            q = post["conditional"].get(key)
            if isinstance(q, dict):
                questions.append((_sub_id(post_id, q), q, text_or_none(q.get("title")), None))
    elif post.get("notebook") is not None:
        out.skipped.append(Skipped(n, None, "a notebook (an article), not a question"))
        return []
    else:
        raise RowError("a post without a question, a group of questions or a conditional")
    items = []
    for pid, q, claim, group in questions:
        try:
            item = _question(q, pid, claim, group, post_id, n, options, out)
        except RowError as exc:
            out.rejected.append(Rejected(n, f"question {q.get('id')}: {exc}" if len(questions) > 1 else str(exc)))
            continue
        if item is not None:
            items.append(item)
    return items


def _sub_id(post_id: object, q: dict) -> str:
    return source_id("metaculus", f"{post_id}-{q.get('id')}")


def _group_claim(post_title: str | None, q: dict) -> str | None:
    """A group's question as a claim that stands alone: "Post title (label)" unless its title says as much."""
    title, label = text_or_none(q.get("title")), text_or_none(q.get("label"))
    if post_title is None:
        return title
    if title and post_title.casefold() in title.casefold():
        return title
    part = label or title
    return f"{post_title} ({part})" if part else post_title


def _question(q: dict, pid: str, claim: str | None, group: dict | None, post_id: object, n: int, options: Options,
              out: Parsed) -> ImportedItem | None:
    kind = KINDS.get(q.get("type", "binary"))
    if kind is None:
        raise RowError(f"question type {q.get('type')!r} is not one Metaculus has (binary, multiple_choice, numeric, discrete, date)")
    if claim is None:
        raise RowError("the question has no title")
    if "my_forecasts" not in q:
        out.skipped.append(Skipped(n, pid, NO_FORECASTS_KEY))
        return None
    labels = tuple(str(o) for o in (q.get("all_options_ever") or q.get("options") or ()))
    if kind == MULTIPLE_CHOICE and (why := check_options(labels)):
        out.skipped.append(Skipped(n, pid, why))
        return None
    left_out: list[str] = []
    forecasts = [f for f in _forecasts(q, kind, labels, options, left_out) if f is not None]
    for why in dict.fromkeys(left_out):
        count = left_out.count(why)
        out.skipped.append(Skipped(n, pid, f"{count} {'forecast' if count == 1 else 'forecasts'} of yours not imported: {why}"))
    if not forecasts:
        if not left_out:
            out.skipped.append(Skipped(n, pid, "no forecast of yours on this question"))
        return None
    url = URL.format(post_id if post_id is not None else q.get("id"))
    criteria = text_or_none(q.get("resolution_criteria")) or text_or_none((group or {}).get("resolution_criteria"))
    unit = text_or_none(q.get("unit")) if kind == NUMERIC and q.get("type") != "date" else None
    item = ImportedItem(
        id=pid, claim=claim, row=n, by=options.by, made=forecasts[0].at, forecasts=forecasts,
        due=optional_day(q.get("scheduled_resolve_time"), "scheduled_resolve_time"), criteria=criteria, source=url,
        kind=kind, extra={"unit": unit} if unit else {},
    )
    finish_item(item)
    outcome = _outcome(q, item, url, labels, n, out)
    if outcome is not None:
        item.outcomes.append(outcome)
    return item


def _entries(q: dict) -> list[dict]:
    """Your forecasts on q, oldest first: its history, and `latest` when the history lacks it."""
    mine = q.get("my_forecasts") or {}
    entries = [e for e in mine.get("history") or [] if isinstance(e, dict)]
    latest = mine.get("latest")
    if isinstance(latest, dict) and not any(e.get("start_time") == latest.get("start_time") for e in entries):
        entries.append(latest)
    return sorted(entries, key=lambda e: _seconds(e.get("start_time"), "start_time"))


def _forecasts(q: dict, kind: str, labels: tuple[str, ...], options: Options,
               left_out: list[str]) -> list[ImportedForecast | None]:
    """Your forecasts in the ledger's terms; why each one that cannot be is left out goes to left_out."""
    entries = _entries(q)
    scale = _Scale(q) if kind == NUMERIC else None
    out = []
    for i, entry in enumerate(entries):
        start = _seconds(entry.get("start_time"), "start_time")
        at = parse_day(start, "start_time")
        ref = f"metaculus:{entry.get('question_id', q.get('id'))}:{entry.get('author_id')}:{start!r}"
        note = _withdrawn(entry, entries[i + 1] if i + 1 < len(entries) else None)
        values = entry.get("forecast_values")
        if kind == BINARY:
            p = _binary(entry)
            out.append(None if p is None else forecast(probability(p, "forecast"), at, options.by, note, ref=ref, unnamed=True))
        elif not isinstance(values, list) or not values:
            continue
        elif kind == MULTIPLE_CHOICE:
            pairs, why = _choice(q, labels, values)
            if why:
                left_out.append(why)
                continue
            out.append(choice_forecast(pairs, at, options.by, note, ref=ref, unnamed=True))
        else:
            quantiles, why = scale.quantiles(values)
            if why and not quantiles:
                left_out.append(why)
                continue
            note = "; ".join(n for n in (why, note) if n) or None
            out.append(quantile_forecast(quantiles, at, options.by, note, ref=ref, unnamed=True))
    return out


def _choice(q: dict, labels: tuple[str, ...], values: list) -> tuple[list[tuple[str, float]], str | None]:
    """(option, probability) for every option, or why the forecast cannot give them all."""
    if len(values) != len(labels):
        raise RowError(f"a forecast gives {len(values)} probabilities for the question's {len(labels)} options")
    current = {str(o) for o in q.get("options") or labels}
    pairs, added = [], []
    for label, value in zip(labels, values):
        if value is None:
            if label in current:  # open now, not when this was made: the catch-all held it then
                added.append(label)
                continue
            value = 0  # deleted: its probability went to the catch-all, and it cannot happen
        elif not _number(value):
            raise RowError(f"option {label!r}: {value!r} is not a probability")
        pairs.append((label, value))
    if added:
        return [], (f"made before {', '.join(map(repr, added))} {'was' if len(added) == 1 else 'were'} added "
                    f"(Metaculus counted {'it' if len(added) == 1 else 'them'} in {labels[-1]!r}, the catch-all), so "
                    "they do not say each option's probability, which a forecast in the ledger does")
    return pairs, None


class _Scale:
    """A numeric, discrete or date question's scale: where its CDF's points lie and what its values are."""

    def __init__(self, q: dict):
        scaling = q.get("scaling") or {}
        self.dates = q.get("type") == "date"
        self.lo, self.hi, self.zero = scaling.get("range_min"), scaling.get("range_max"), scaling.get("zero_point")
        given = scaling.get("continuous_range")
        self.points = ([_seconds(x, "continuous_range") if isinstance(x, str) else _float(x, "continuous_range")
                        for x in given] if isinstance(given, list) and given else None)
        if not (_number(self.lo) and _number(self.hi)) and not self.points:
            raise RowError("a numeric question without its scaling (range_min, range_max)")

    def value(self, u: float, count: int) -> float:
        """The value at Metaculus's location u in [0, 1] (unscaled_location_to_scaled_location)."""
        if _number(self.lo) and _number(self.hi):
            lo, hi = float(self.lo), float(self.hi)
            if _number(self.zero):
                ratio = (hi - self.zero) / (lo - self.zero)
                return lo + (hi - lo) * (ratio ** u - 1) / (ratio - 1)
            return lo + (hi - lo) * u
        i = min(int(u * (count - 1)), count - 2)  # between two of the given points
        x0, x1 = self.points[i], self.points[i + 1]
        return x0 + (x1 - x0) * (u * (count - 1) - i)

    def quantiles(self, cdf: list) -> tuple[list[tuple[str, object]], str | None]:
        """(level, value) at QUANTILE_LEVELS inside the range, and a sentence on the levels left out."""
        if not all(_number(c) for c in cdf) or len(cdf) < 2:
            raise RowError("a forecast's CDF is not a list of numbers")
        if self.points is not None and len(self.points) != len(cdf):
            raise RowError(f"a forecast's CDF has {len(cdf)} values for the question's {len(self.points)} points")
        count = len(cdf)
        read = cdf_quantiles(tuple((i / (count - 1), float(c)) for i, c in enumerate(cdf)),
                             tuple(level for level, _ in QUANTILE_LEVELS))
        typed = dict(QUANTILE_LEVELS)
        pairs = [(typed[level], self._written(self.value(u, count))) for level, u in read]
        if len(pairs) == len(QUANTILE_LEVELS):
            return pairs, None
        below, above = float(cdf[0]), 1.0 - float(cdf[-1])
        beyond = " and ".join(f"{100 * share:.3g}% {where}" for share, where in ((below, "below the lower bound"),
                                                                     (above, "above the upper bound")) if share > 0)
        missing = [t for level, t in QUANTILE_LEVELS if level not in {lv for lv, _ in read}]
        why = f"{', '.join(missing)} {'lies' if len(missing) == 1 else 'lie'} beyond the range (this forecast puts {beyond})"
        if len(pairs) < MIN_QUANTILES:
            return [], f"only {len(pairs)} of the levels {', '.join(t for _, t in QUANTILE_LEVELS)} inside the range: {why}"
        return pairs, why

    def _written(self, value: float) -> object:
        if self.dates:
            return dt.datetime.fromtimestamp(value, dt.timezone.utc).date()
        return significant(value)


def _binary(entry: dict) -> float | None:
    values = entry.get("forecast_values")
    if isinstance(values, list) and len(values) == 2 and all(_number(v) for v in values):
        return float(values[1])  # [P(no), P(yes)]
    p = entry.get("probability_yes")
    return float(p) if _number(p) else None


def _withdrawn(entry: dict, following: dict | None) -> str | None:
    """The note for a forecast that stopped standing before another replaced it (withdrawn, or ended)."""
    end = entry.get("end_time")
    if not _number(end):
        return None
    if following is not None and abs(_seconds(following.get("start_time"), "start_time") - end) < 1.0:
        return None  # replaced by the next forecast
    day = parse_day(end, "end_time")
    return f"withdrawn on Metaculus on {day.isoformat()}: it did not stand after that day"


def _outcome(q: dict, item: ImportedItem, url: str, labels: tuple[str, ...], n: int, out: Parsed) -> ImportedOutcome | None:
    raw = q.get("resolution")
    if raw in (None, ""):
        return None
    on = optional_day(q.get("actual_resolve_time") or q.get("resolution_set_time"), "actual_resolve_time")
    on = on or item.forecasts[-1].at
    evidence = ({"url": url},)
    text = str(raw).strip()
    if text.lower() in ("annulled", "ambiguous"):
        return ImportedOutcome("annulled", on, JUDGE, evidence, f"Metaculus resolution: {text}")
    if item.kind == BINARY:
        return ImportedOutcome(result_of(text), on, JUDGE, evidence)
    if item.kind == MULTIPLE_CHOICE:
        if text not in labels:
            raise RowError(f"resolution {text!r} is not one of the question's options")
        return ImportedOutcome(text, on, JUDGE, evidence)
    if text in OUTSIDE:
        out.skipped.append(Skipped(n, item.id, (
            f"resolved {OUTSIDE[text]} on Metaculus on {on}: the value itself is not recorded, so the resolution is "
            f"not imported; when you know it, record it with `pledger resolve {item.id} VALUE`")))
        return None
    if q.get("type") == "date":
        value: object = dt.datetime.fromtimestamp(_seconds(text, "resolution"), dt.timezone.utc).date()
    else:
        value = _float(text, "resolution")
    return ImportedOutcome(value, on, JUDGE, evidence)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _float(value: object, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RowError(f"{what} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise RowError(f"{what} {value!r} is not a number")
    return number


def _seconds(value: object, what: str) -> float:
    """Unix seconds from a number, or from an ISO time (Metaculus writes times as either)."""
    if _number(value):
        return float(value)
    if isinstance(value, str) and value.strip():
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise RowError(f"{what} {value!r} is not a time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return moment.timestamp()
    raise RowError(f"{what} is missing")
