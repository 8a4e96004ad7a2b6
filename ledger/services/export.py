"""Taking everything out: the selected predictions with every forecast and outcome entry, as CSV, JSON or YAML.

The keys and columns are documented in docs/import.md (Export). Output is
deterministic: predictions in ledger order (made, file, position), forecasts by
date, outcome entries in the order services.select defines. `pledger import
csv|json|yaml` reads each format back into the same records.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..index.derive import PENDING
from ..index.sql import as_date
from ..kinds import BINARY, CHOICE, NUMERIC
from .defaults import today
from .ledger import Ledger
from .select import (
    _FORECAST_COLUMNS,
    FORECAST_ORDER_SQL,
    OUTCOME_ORDER_SQL,
    PREDICTION_ORDER_SQL,
    Selection,
    count_matching,
    forecast_from_row,
    select_predictions,
    where_sql,
)

FORMATS = ("csv", "json", "yaml")
DOCUMENT_FORMAT = "prediction-ledger"
DOCUMENT_VERSION = 1
CSV_COLUMNS = (
    "id", "set", "claim", "by", "made", "due", "about", "criteria", "tags", "source", "tests", "note",
    "p", "forecast_by", "at", "forecast_note",
    "result", "resolved_on", "resolved_by", "correction", "outcome_note", "evidence",
    "status",
    # Other question kinds: `p` then holds the forecast's options or quantiles as a JSON object (as typed).
    "kind", "ordered", "unit", "closes",
)


def export_predictions(ledger: Ledger, selection: Selection = Selection()) -> list[dict]:
    """One dict per selected prediction (the document's `predictions` items), in ledger order."""
    with exporting(ledger, selection) as (_count, predictions):
        return list(predictions)


@contextmanager
def exporting(ledger: Ledger, selection: Selection = Selection()) -> Iterator[tuple[int, Iterator[dict]]]:
    """(how many predictions are selected, their dicts as export_predictions gives them), read from the
    index while the block consumes them: memory stays flat in the ledger's size."""
    day = today()
    with ledger.reader() as db:
        yield count_matching(db, selection, day), _stream(db, selection, day)


# The columns an export shows, read as the index stores them (no records built: a million predictions
# would build a million records, and their forecasts' and outcome entries', only to take them apart again).
_PREDICTION_SQL = (
    'SELECT p.id, p.set_id, p.claim, p.kind, p.dist, p.p_typed, p.p, p."by", p.made, p.due, p.about, p.criteria, '
    "p.tags, p.source, p.tests, p.note, p.ordered, p.unit, p.closes, p.outcome, p.result FROM predictions p "
    "WHERE {where} ORDER BY " + PREDICTION_ORDER_SQL
)
_FORECAST_SQL = (
    'SELECT p.id, f.kind, f.dist, f.p_typed, f.p, f."by", f.at, f.note FROM predictions p '
    "JOIN forecasts f ON f.prediction_id = p.id WHERE {where} AND NOT f.initial "
    "ORDER BY " + PREDICTION_ORDER_SQL + ", " + FORECAST_ORDER_SQL
)
_OUTCOME_SQL = (
    'SELECT p.id, o.result, o."on", o."by", o.evidence, o.note, o.correction FROM predictions p '
    "JOIN outcomes o ON o.prediction_id = p.id WHERE {where} ORDER BY " + PREDICTION_ORDER_SQL + ", " + OUTCOME_ORDER_SQL
)


def _stream(db, selection: Selection, day) -> Iterator[dict]:
    """The predictions, and beside them their later forecasts and their outcome entries in the same
    order: three cursors read in step."""
    where, params = where_sql(selection, db, day)
    forecasts = db.stream(_FORECAST_SQL.format(where=where), params)
    outcomes = db.stream(_OUTCOME_SQL.format(where=where), params)
    next_forecast, next_outcome = next(forecasts, None), next(outcomes, None)
    iso = _iso_text()
    for (pid, set_id, claim, kind, dist, typed, p, by, made, due, about, criteria, tags, source, tests, note, ordered,
         unit, closes, code, result) in db.stream(_PREDICTION_SQL.format(where=where), params):
        mine_f: list[dict] = []
        while next_forecast is not None and next_forecast[0] == pid:
            _, f_kind, f_dist, f_typed, f_p, f_by, at, f_note = next_forecast
            mine_f.append(_drop_empty({**_forecast(f_kind, f_dist, f_typed, f_p), "by": f_by, "at": iso(at),
                                       "note": f_note}))
            next_forecast = next(forecasts, None)
        mine_o: list[dict] = []
        while next_outcome is not None and next_outcome[0] == pid:
            _, o_result, on, o_by, evidence, o_note, correction = next_outcome
            mine_o.append(_drop_empty({"result": o_result, "on": iso(on), "by": o_by,
                                       "evidence": json.loads(evidence) if evidence else [], "note": o_note,
                                       "correction": bool(correction)}))
            next_outcome = next(outcomes, None)
        due_day = as_date(due)
        # services.select's status: the standing outcome (index.derive's), else due or open by the due date.
        status = (("annulled" if result == "annulled" else "resolved") if code is not None and code != PENDING
                  else "due" if due_day is not None and due_day < day else "open")
        data = {
            "id": pid, "set": set_id, "claim": claim, **_forecast(kind, dist, typed, p), "by": by, "made": iso(made),
            "due": iso(due), "about": about, "criteria": criteria, "tags": _list(tags), "source": source,
            "tests": _list(tests), "note": note, "status": status, "forecasts": mine_f, "outcomes": mine_o,
        }
        yield _finished(data, kind, bool(ordered), unit, iso(closes))


def _iso_text():
    """A date column's value as ISO text (SQLite stores the text, other databases give dates), each distinct one once."""
    seen: dict = {None: None}

    def iso(value):
        text = seen.get(value)
        if text is None and value is not None:
            text = seen[value] = value if isinstance(value, str) else value.isoformat()
        return text

    return iso


def _list(text: str | None) -> list:
    return json.loads(text) if text and text != "[]" else []


def _forecast(kind: str, dist: str | None, typed: str, p: float | None) -> dict:
    """A prediction's or forecast's forecast as exported, from its columns as the index stores them:
    `p` (as typed) and `p_value`, or its `options` ({name: probability as typed}; stored as label, p,
    typed) or `quantiles` ({level: value, both as typed}; stored as level, value, level and value as typed)."""
    if kind == CHOICE:
        return {"options": {o[0]: o[2] for o in json.loads(dist)}}
    if kind == NUMERIC:
        return {"quantiles": {q[2]: q[3] for q in json.loads(dist)}}
    return {"p": typed, "p_value": p}


def _finished(data: dict, kind: str, ordered: bool, unit: str | None, closes: str | None) -> dict:
    if kind != BINARY:  # a yes/no prediction's keys are what they always were
        data.update(kind=kind, ordered=ordered or None, unit=unit, closes=closes)
    elif closes:
        data["closes"] = closes
    keep = ("forecasts", "outcomes", "tags")
    return {k: v for k, v in data.items() if v is not None and (v != [] or k in keep)}


def _drop_empty(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in (None, [], False)}


def document(predictions: list[dict], selection: Selection) -> dict:
    return {**_head(selection, len(predictions)), "predictions": predictions}


def _head(selection: Selection, count: int) -> dict:
    return {"format": DOCUMENT_FORMAT, "version": DOCUMENT_VERSION, "selection": selection.describe(), "count": count}


def to_json(predictions: list[dict], selection: Selection) -> str:
    return "".join(_json_chunks(predictions, selection, len(predictions)))


def to_yaml(predictions: list[dict], selection: Selection) -> str:
    return "".join(_yaml_chunks(predictions, selection, len(predictions)))


def to_csv(predictions: list[dict]) -> str:
    return "".join(_csv_chunks(predictions))


def _json_chunks(predictions: Iterable[dict], selection: Selection, count: int) -> Iterator[str]:
    from ..jsontext import document_chunks

    return document_chunks(_head(selection, count), "predictions", predictions)


def _yaml_chunks(predictions: Iterable[dict], selection: Selection, count: int) -> Iterator[str]:
    """yamlio.dump(document(...)), an item at a time: each item is dumped in a one-item list under
    the same key, at the same indentation (no aliases, so the items do not depend on each other)."""
    from .. import yamlio

    yield yamlio.dump(_head(selection, count))
    key = "predictions:\n"
    first = True
    for d in predictions:
        text = yamlio.dump({"predictions": [d]})
        yield text if first else text[len(key):]
        first = False
    if first:
        yield yamlio.dump({"predictions": []})


def _csv_chunks(predictions: Iterable[dict]) -> Iterator[str]:
    """One row per forecast (the first is the prediction's own p); row k also carries outcome entry k."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for d in predictions:
        base = [
            d["id"], d.get("set", ""), d["claim"], d["by"], d["made"], d.get("due", ""), d.get("about", ""),
            d.get("criteria", ""), ";".join(d["tags"]), d.get("source", ""), ";".join(d.get("tests", [])),
            d.get("note", ""),
        ]
        forecasts = [(_csv_forecast(d), d["by"], d["made"], "")] + [
            (_csv_forecast(f), f["by"], f["at"], f.get("note", "")) for f in d["forecasts"]
        ]
        kind = [d.get("kind", ""), "true" if d.get("ordered") else "", d.get("unit", ""), d.get("closes", "")]
        outcomes = [
            (o["result"], o["on"], o["by"], "true" if o.get("correction") else "", o.get("note", ""),
             json.dumps(o["evidence"], ensure_ascii=False) if o.get("evidence") else "")
            for o in d["outcomes"]
        ]
        for k in range(max(len(forecasts), len(outcomes))):
            f = forecasts[k] if k < len(forecasts) else ("", "", "", "")
            o = outcomes[k] if k < len(outcomes) else ("", "", "", "", "", "")
            writer.writerow([*base, *f, *o, d["status"], *kind])
        if buf.tell() > 1 << 16:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _csv_forecast(d: dict) -> str:
    """The `p` cell: the probability as typed, or a JSON object of the options or quantiles."""
    for key in ("options", "quantiles"):
        if key in d:
            return json.dumps(d[key], ensure_ascii=False)
    return d["p"]


def render(fmt: str, predictions: list[dict], selection: Selection) -> str:
    return "".join(render_chunks(fmt, predictions, selection, len(predictions)))


def render_chunks(fmt: str, predictions: Iterable[dict], selection: Selection, count: int) -> Iterator[str]:
    """The export in FORMAT, a piece at a time; count: how many predictions there are (the document says)."""
    if fmt == "csv":
        return _csv_chunks(predictions)
    if fmt == "json":
        return _json_chunks(predictions, selection, count)
    return _yaml_chunks(predictions, selection, count)


FORECAST_ROW_KEYS = (
    "prediction_id", "claim", "set", "author", "forecaster", "forecaster_key", "p", "p_typed", "at", "initial",
    "made", "due", "tags", "status", "result", "resolved_on", "after_resolution", "outcome",
    "kind", "forecast", "value",
)


def _forecast_value(p, f) -> dict | None:
    """Another kind's forecast as {option: p} (the options as the question spells them, in its order)
    or {level: value}; None for yes/no."""
    if f.kind == CHOICE:
        given = {o.label.casefold(): o.p for o in f.dist}
        return {label: given.get(label.casefold()) for label in p.options}
    if f.kind == NUMERIC:
        return {q.level: q.value for q in f.dist}
    return None


def forecast_rows(ledger: Ledger, selection: Selection = Selection()) -> list[dict]:
    """One dict per forecast (the prediction's own p first) with its prediction's current outcome.

    The rules are those of `pledger score` (services.scores), so a notebook
    reproduces its figures:
      outcome          -- 1 if it happened, 0 if not, None when open or annulled
                          (the current outcome: the first entry, or the last correction)
      resolved_on      -- the resolution date: the first outcome entry's, which a
                          later correction does not move (None when unresolved)
      after_resolution -- True for a forecast dated after resolved_on: made knowing
                          the outcome, so score never uses it under any policy
      forecaster_key   -- the forecaster's identity (ledger.names.name_key: trimmed,
                          case folded): "Ben", "ben" and " BEN " are one forecaster
      kind             -- binary, multiple-choice or numeric
      forecast         -- another kind's forecast: {option: p} or {level: value} (None for yes/no; p is then None)
      value            -- a numeric question's resolved value (a date's day number); `result` has the option
                          that happened for multiple choice
    """
    from ..names import name_key

    with ledger.reader() as db:
        states = {s.prediction.id: s for s in select_predictions(db, selection, today())}
        rows = []
        for r in db.rows(f"SELECT {_FORECAST_COLUMNS} FROM forecasts f ORDER BY f.prediction_id, {FORECAST_ORDER_SQL}"):
            state = states.get(r[0])
            if state is not None:
                rows.append((state, forecast_from_row(r)))
    order = {pid: i for i, pid in enumerate(states)}
    rows.sort(key=lambda sf: order[sf[0].prediction.id])  # ledger order; stable, so forecasts stay by date
    out = []
    for state, f in rows:
        p, o = state.prediction, state.outcome
        on = state.resolved_on if o is not None else None
        out.append({
            "prediction_id": p.id, "claim": p.claim, "set": p.set_id, "author": p.by, "forecaster": f.by,
            "forecaster_key": name_key(f.by), "p": f.p, "p_typed": f.p_typed, "at": f.at, "initial": f.initial,
            "made": p.made, "due": p.due, "tags": ";".join(p.tags), "status": state.status,
            "result": o.result if o else None, "resolved_on": on, "after_resolution": on is not None and f.at > on,
            "outcome": None if state.happened is None else int(state.happened),
            "kind": p.kind,
            "forecast": _forecast_value(p, f),
            "value": o.value if o is not None and p.kind == NUMERIC else None,
        })
    return out
