"""Scoring multiple-choice and numeric questions: their forecasts under the policy, as the engine takes them.

The same selection, policy and forecasters as the yes/no forecasts
(services.scores); the registry's rules for the kind (ledger.scoring.registry)
score them. A forecast's options are put in its question's order (a forecasts
file may list them in any order); numeric forecasts are grouped by their set of
quantile levels.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import numpy as np

from ..index.derive import ANNULLED_CODE, PENDING
from ..index.schema import _decode_dist
from ..index.sql import Db, as_date
from ..kinds import CHOICE, LEVEL_DIGITS, NUMERIC
from ..scoring import KindReport
from ..scoring.registry import Settings, run_rules
from .policy import pick
from .scores import Selected, Selection, _predictions, forecast_rows
from .select import PREDICTION_ORDER_SQL, where_sql


def settings(brier_scale: str, eps: float, bins: Any) -> Settings:
    return Settings(brier_scale, eps, bins)


class KindForecast(NamedTuple):
    """One multiple-choice or numeric forecast a report scored, as a report's table shows it."""

    prediction_id: str
    forecaster: str
    dist: tuple  # ledger.kinds OptionP / Quantile
    at: str  # YYYY-MM-DD


def kind_report(db: Db, selection: Selection, policy: str, scored: str, name: str | None, kind: str,
                settings: Settings, selected: Selected | None = None) -> tuple[KindReport, list[KindForecast]]:
    """The registry's rules for `kind` on its forecasts under `policy`, and the forecasts scored (in the
    engine's order).

    Under time-weighted, multiple-choice and numeric forecasts are scored as under
    `last` (scores over time are for yes/no questions); its rules say so.
    """
    from ..scoring.prepared import Choice, Numeric

    as_policy = "last" if policy == "time-weighted" else policy
    rows = _predictions(db, selection, want_dates=True, kind=kind, selected=selected)
    questions = _questions(db, selection, kind)
    code = rows["code"]
    scorable = code >= 0
    f = forecast_rows(db, selection, as_policy, scored, name, rows, kind, "f.dist", [("dist", "O")])
    picked = pick(f.prediction, f.rows["by"].tolist(), f.rows["at"], rows["on"], scorable, as_policy,
                  rows["by"].tolist() if scored == "authors" else None)
    chosen = f.rows[picked.rows]
    ids = rows["id"][picked.prediction]
    if kind == CHOICE:
        P, o, k, ordered = _choice_arrays(chosen["dist"].tolist(), ids.tolist(), questions, code[picked.prediction])
        data = Choice(P, o, k, ordered, settings)
    else:
        data = Numeric(_numeric_groups(chosen["dist"].tolist(), ids.tolist(), questions), settings)
    results = run_rules(data, as_policy, settings)
    rules = {
        "without_forecast": int(np.count_nonzero(scorable & ~picked.covered)),
        "after_resolution": picked.after_resolution,
        "predictions": int(rows.shape[0]),
        "resolved": int(np.count_nonzero(scorable)),
        "annulled": int(np.count_nonzero(code == ANNULLED_CODE)),
        "pending": int(np.count_nonzero(code == PENDING)),
        "forecasters": sorted({str(n) for n in picked.names[picked.forecaster].tolist()}),
    }
    if kind == NUMERIC:
        rules["units"] = sorted({q["unit"] for q in questions.values()})
    if kind == CHOICE:
        rules["normalised"] = "each forecast's probabilities scaled to add up to exactly 1 before scoring"
        rules["calibration"] = "each option's probability counted as a yes/no forecast that it happens (as Fatebook)"
    if policy == "time-weighted":
        rules["policy_note"] = "scored under `last`: scores over time are for yes/no questions"
    forecasts = [KindForecast(pid, str(by), _decode_dist(json.loads(dist)), as_date(at).isoformat())
                 for pid, by, dist, at in zip(ids.tolist(), picked.names[picked.forecaster].tolist(),
                                              chosen["dist"].tolist(), chosen["at"].tolist())]
    return KindReport(kind, as_policy, data.n, rules, results), forecasts


def _questions(db: Db, selection: Selection, kind: str) -> dict[str, dict]:
    """Per selected question of `kind`: its options (multiple choice), ordered, and resolved value."""
    where, params = where_sql(selection, db)
    params["kind"] = kind
    out = {}
    for pid, dist, ordered, value, unit, dates in db.rows(
        f"SELECT p.id, p.dist, p.ordered, p.outcome_value, p.unit, p.dates FROM predictions p WHERE {where} "
        f"AND p.kind = :kind ORDER BY {PREDICTION_ORDER_SQL}", params,
    ):
        options = [item[0] for item in json.loads(dist)] if kind == CHOICE else []
        out[pid] = {"options": {o.casefold(): i for i, o in enumerate(options)}, "k": len(options),
                    "ordered": bool(ordered), "value": value, "unit": "days" if dates else (unit or "")}
    return out


def _choice_arrays(dists: list[str], ids: list[str], questions: dict[str, dict], outcome: np.ndarray):
    """(P, o, k, ordered) for the chosen forecasts: each forecast's probabilities in its question's option order."""
    n = len(dists)
    width = max((questions[i]["k"] for i in ids), default=2)
    P = np.zeros((n, width))
    k = np.empty(n, dtype=np.intp)
    ordered = np.empty(n, dtype=bool)
    for row, (dist, pid) in enumerate(zip(dists, ids)):  # a loop over forecasts: JSON of their options
        q = questions[pid]
        for label, p, _typed in json.loads(dist):
            P[row, q["options"][label.casefold()]] = p
        k[row] = q["k"]
        ordered[row] = q["ordered"]
    return P, np.asarray(outcome, dtype=np.intp), k, ordered


def _numeric_groups(dists: list[str], ids: list[str], questions: dict[str, dict]) -> list[tuple]:
    """The chosen forecasts grouped by their quantile levels and unit: (levels, Q, y, unit) per group."""
    groups: dict[tuple, tuple[list, list]] = {}
    for dist, pid in zip(dists, ids):
        items = json.loads(dist)
        key = (tuple(round(item[0], LEVEL_DIGITS) for item in items), questions[pid]["unit"])
        values, ys = groups.setdefault(key, ([], []))
        values.append([item[1] for item in items])
        ys.append(questions[pid]["value"])
    return [(np.array(levels), np.array(values, dtype=float), np.array(ys, dtype=float), unit)
            for (levels, unit), (values, ys) in groups.items()]


KINDS_SCORED = (CHOICE, NUMERIC)
