"""Selecting predictions: the filters every read command shares, and each prediction's state.

Order is deterministic: predictions sort by (made, file, position in file), so a
set reads in the order it was published. A prediction's current outcome is its
first outcome entry, or the latest correction after it (entries sort by date,
then corrections after plain entries of the same day, then file, then line).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from ..errors import SourceLocation
from ..index.tables import ForecastRow, OutcomeRow, PredictionRow, TagRow
from ..records import Evidence, Forecast, Outcome, Prediction

P = PredictionRow.__table__
F = ForecastRow.__table__
O = OutcomeRow.__table__
T = TagRow.__table__

STATUSES = ("open", "due", "resolved", "annulled")
# Outcome entries of a prediction, oldest first: by date; on the same day the
# first resolution before its corrections; then by file and line.
OUTCOME_ORDER = (O.c.prediction_id, O.c.on, O.c.correction, O.c.file, O.c.line)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which predictions a command works on. Empty fields select everything."""

    set_id: str | None = None
    by: str | None = None
    tags: tuple[str, ...] = ()
    about: str | None = None
    status: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    ids: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in (
            ("set", self.set_id), ("by", self.by), ("tag", ",".join(self.tags) or None), ("about", self.about),
            ("status", self.status), ("since", self.since), ("until", self.until),
        ) if v]
        return " ".join(parts) or "everything"


@dataclass(frozen=True, slots=True)
class PredictionState:
    """A prediction with its current outcome and standing."""

    prediction: Prediction
    status: str  # open | due | resolved | annulled
    outcome: Outcome | None = None
    latest_p: float | None = None  # the author's last forecast
    forecasts: int = 1

    @property
    def happened(self) -> bool | None:
        if self.outcome is None or self.outcome.result == "annulled":
            return None
        return self.outcome.result == "yes"


@dataclass(frozen=True, slots=True)
class PredictionHistory:
    """Everything about one prediction: every forecast and every outcome entry, in order."""

    state: PredictionState
    forecasts: list[Forecast] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


def select_predictions(
    conn: Connection, selection: Selection, today: dt.date, limit: int | None = None
) -> list[PredictionState]:
    """The selected predictions in ledger order; at most `limit` of them when given."""
    query = select(P).where(*_conditions(selection)).order_by(P.c.made, P.c.file, P.c.position, P.c.rowid)
    if limit is not None and not selection.status:  # status is worked out in Python, after the query
        query = query.limit(limit)
    rows = conn.execute(query).all()
    ids = [r.id for r in rows]
    outcomes = current_outcomes(conn, ids)
    latest = _latest_author_forecasts(conn, ids)
    states = []
    for r in rows:
        prediction = prediction_from_row(r)
        outcome = outcomes.get(r.id)
        status = _status(prediction, outcome, today)
        if selection.status and status != selection.status:
            continue
        latest_p, count = latest.get(r.id, (r.p, 1))
        states.append(PredictionState(prediction, status, outcome, latest_p, count))
        if limit is not None and len(states) >= limit:
            break
    return states


def count_matching(conn: Connection, selection: Selection) -> int:
    return conn.execute(select(func.count()).select_from(P).where(*_conditions(selection))).scalar()


def prediction_history(conn: Connection, prediction_id: str, today: dt.date) -> PredictionHistory | None:
    states = select_predictions(conn, Selection(ids=(prediction_id,)), today)
    if not states:
        return None
    forecasts = [
        forecast_from_row(r)
        for r in conn.execute(
            select(F).where(F.c.prediction_id == prediction_id).order_by(F.c.at, F.c.initial.desc(), F.c.file, F.c.line)
        )
    ]
    outcomes = [outcome_from_row(r) for r in conn.execute(_outcomes_query([prediction_id]))]
    return PredictionHistory(states[0], forecasts, outcomes)


def current_outcomes(conn: Connection, ids: list[str] | None = None) -> dict[str, Outcome]:
    """The outcome that stands for each prediction: the first entry, or the last correction after it."""
    current: dict[str, Outcome] = {}
    rows = conn.execute(_outcomes_query(ids)) if ids is None or len(ids) <= 500 else conn.execute(_outcomes_query(None))
    wanted = None if ids is None or len(ids) <= 500 else set(ids)
    for r in rows:
        if wanted is not None and r.prediction_id not in wanted:
            continue
        if r.prediction_id not in current or r.correction:
            current[r.prediction_id] = outcome_from_row(r)
    return current


def _outcomes_query(ids: list[str] | None):
    query = select(O).order_by(O.c.prediction_id, O.c.on, O.c.correction, O.c.file, O.c.line)
    if ids is not None:
        query = query.where(O.c.prediction_id.in_(ids))
    return query


def _latest_author_forecasts(conn: Connection, ids: list[str]) -> dict[str, tuple[float, int]]:
    """Each prediction's latest forecast by its own author, and how many forecasts it has."""
    query = (
        select(F.c.prediction_id, F.c.p, F.c.by, F.c.initial, P.c.by.label("author"))
        .join(P, P.c.id == F.c.prediction_id)
        .order_by(F.c.prediction_id, F.c.at, F.c.initial.desc(), F.c.file, F.c.line)
    )
    if len(ids) <= 500:
        query = query.where(F.c.prediction_id.in_(ids))
    out: dict[str, tuple[float, int]] = {}
    for r in conn.execute(query):
        p, n = out.get(r.prediction_id, (r.p, 0))
        out[r.prediction_id] = (r.p if r.by == r.author else p, n + 1)
    return out


def _conditions(s: Selection) -> list:
    conds = []
    if s.ids:
        conds.append(P.c.id.in_(s.ids))
    if s.set_id:
        conds.append(P.c.set_id == s.set_id)
    if s.by:
        # A forecaster "takes part" in a prediction by authoring it or forecasting on it.
        conds.append(
            or_(func.lower(P.c.by) == s.by.lower(), P.c.id.in_(select(F.c.prediction_id).where(func.lower(F.c.by) == s.by.lower())))
        )
    for tag in s.tags:
        conds.append(P.c.id.in_(select(T.c.prediction_id).where(T.c.tag == tag)))
    if s.about:
        conds.append(func.lower(P.c.about).contains(s.about.lower(), autoescape=True))
    if s.since:
        conds.append(P.c.made >= s.since)
    if s.until:
        conds.append(P.c.made <= s.until)
    return [and_(*conds)] if conds else []


def _status(prediction: Prediction, outcome: Outcome | None, today: dt.date) -> str:
    if outcome is not None:
        return "annulled" if outcome.result == "annulled" else "resolved"
    if prediction.due is not None and prediction.due < today:
        return "due"
    return "open"


def prediction_from_row(r) -> Prediction:
    return Prediction(
        id=r.id, claim=r.claim, p=r.p, p_typed=r.p_typed, by=r.by, made=r.made,
        location=SourceLocation(r.file, r.line, r.col), position=r.position, set_id=r.set_id, due=r.due,
        about=r.about, criteria=r.criteria, tags=tuple(json.loads(r.tags)), source=r.source,
        tests=tuple(json.loads(r.tests)), note=r.note,
    )


def forecast_from_row(r) -> Forecast:
    return Forecast(r.prediction_id, r.p, r.p_typed, r.by, r.at, SourceLocation(r.file, r.line, r.col), r.note, r.initial)


def outcome_from_row(r) -> Outcome:
    evidence = tuple(Evidence(**e) for e in json.loads(r.evidence))
    return Outcome(r.prediction_id, r.result, r.on, r.by, SourceLocation(r.file, r.line, r.col), evidence, r.note, r.correction)
