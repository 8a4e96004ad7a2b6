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

from ..kinds import BINARY, CHOICE, NUMERIC
from ..records import Forecast, Outcome
from .defaults import today
from .ledger import Ledger
from .select import (
    _FORECAST_COLUMNS,
    _OUTCOME_COLUMNS,
    FORECAST_ORDER_SQL,
    OUTCOME_ORDER_SQL,
    PREDICTION_ORDER_SQL,
    PredictionState,
    Selection,
    count_matching,
    forecast_from_row,
    iter_states,
    outcome_from_row,
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


def _stream(db, selection: Selection, day) -> Iterator[dict]:
    """The predictions, and beside them their later forecasts and their outcome entries in the same
    order: three cursors read in step."""
    where, params = where_sql(selection, db, day)
    forecasts = db.stream(
        f"SELECT p.id, {_FORECAST_COLUMNS} FROM predictions p JOIN forecasts f ON f.prediction_id = p.id "
        f"WHERE {where} AND NOT f.initial ORDER BY {PREDICTION_ORDER_SQL}, {FORECAST_ORDER_SQL}", params,
    )
    outcomes = db.stream(
        f"SELECT p.id, {_OUTCOME_COLUMNS} FROM predictions p JOIN outcomes o ON o.prediction_id = p.id "
        f"WHERE {where} ORDER BY {PREDICTION_ORDER_SQL}, {OUTCOME_ORDER_SQL}", params,
    )
    next_forecast, next_outcome = next(forecasts, None), next(outcomes, None)
    for state in iter_states(db, selection, day):
        pid = state.prediction.id
        mine_f: list[Forecast] = []
        while next_forecast is not None and next_forecast[0] == pid:
            mine_f.append(forecast_from_row(next_forecast[1:]))
            next_forecast = next(forecasts, None)
        mine_o: list[Outcome] = []
        while next_outcome is not None and next_outcome[0] == pid:
            mine_o.append(outcome_from_row(next_outcome[1:]))
            next_outcome = next(outcomes, None)
        yield _prediction_dict(state, mine_f, mine_o)


def _prediction_dict(state: PredictionState, forecasts: list[Forecast], outcomes: list[Outcome]) -> dict:
    p = state.prediction
    data = {
        "id": p.id, "set": p.set_id, "claim": p.claim, **forecast_fields(p), "by": p.by,
        "made": p.made.isoformat(), "due": p.due.isoformat() if p.due else None, "about": p.about,
        "criteria": p.criteria, "tags": list(p.tags), "source": p.source, "tests": list(p.tests), "note": p.note,
        "status": state.status,
        "forecasts": [
            _drop_empty({**forecast_fields(f), "by": f.by, "at": f.at.isoformat(), "note": f.note})
            for f in forecasts
        ],
        "outcomes": [
            _drop_empty({
                "result": o.result, "on": o.on.isoformat(), "by": o.by,
                "evidence": [e.to_dict() for e in o.evidence], "note": o.note, "correction": o.correction,
            })
            for o in outcomes
        ],
    }
    if p.kind != BINARY:  # a yes/no prediction's keys are what they always were
        data.update(kind=p.kind, ordered=p.ordered or None, unit=p.unit, closes=p.closes.isoformat() if p.closes else None)
    elif p.closes:
        data["closes"] = p.closes.isoformat()
    keep = ("forecasts", "outcomes", "tags")
    return {k: v for k, v in data.items() if v is not None and (v != [] or k in keep)}


def forecast_fields(f) -> dict:
    """A prediction's or forecast's forecast as exported: `p` (as typed) and `p_value`, or its
    `options` ({name: probability as typed}) or `quantiles` ({level: value, as typed})."""
    if f.kind == CHOICE:
        return {"options": {o.label: o.typed for o in f.dist}}
    if f.kind == NUMERIC:
        return {"quantiles": {q.level_typed: q.value_typed for q in f.dist}}
    return {"p": f.p_typed, "p_value": f.p}


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
