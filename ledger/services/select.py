"""Selecting predictions: the filters every read command shares, and each prediction's state.

Order is deterministic: predictions sort by (made, file, position in file), so a
set reads in the order it was published. A prediction's standing outcome (its
first outcome entry, or the latest correction after it) is worked out once,
when the index is refreshed (ledger.index.derive), and read here from the
prediction's stored columns.

The queries are SQL text (ledger.index.sql), one copy each, run on the warm
sqlite3 connection or on a SQLAlchemy one: this module imports no SQLAlchemy,
so `pledger score` and `list` can read a current index without loading it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import LedgerError, Problem, SourceLocation, literal
from ..index.derive import ANNULLED_CODE, PENDING
from ..index.schema import FORECASTS, OUTCOMES, PREDICTIONS
from ..index.sql import MAX_IN_LIST, as_date, as_db, date_param, in_batches, in_list
from ..names import name_key, text_key
from ..post_rule import points
from ..records import Forecast, Outcome, Prediction

STATUSES = ("open", "due", "resolved", "annulled")
# Outcome entries of a prediction, oldest first: by date; on the same day the
# first resolution before its corrections; then by file and line.
OUTCOME_ORDER_COLUMNS = ("prediction_id", "on", "correction", "file", "line")
OUTCOME_ORDER_SQL = ", ".join(f'o."{c}"' for c in OUTCOME_ORDER_COLUMNS)
# A prediction's forecasts, oldest first: by date, the published p first on its day, then file and line.
FORECAST_ORDER_SQL = "f.at, f.initial DESC, f.file, f.line"
# Ledger order of predictions (rowid last: two records at the same place, a problem, still sort stably).
PREDICTION_ORDER_SQL = "p.made, p.file, p.position, p.rowid"
# Up to this many ids: looked up by id (index.sql.MAX_IN_LIST, what one IN list holds).
MAX_IDS = MAX_IN_LIST

_PREDICTION_COLUMNS = PREDICTIONS.select_sql("p")
_OUTCOME_COLUMNS = OUTCOMES.select_sql("o")
_FORECAST_COLUMNS = FORECASTS.select_sql("f")
_N_PREDICTION = len(PREDICTIONS.stored)
_N_OUTCOME = len(OUTCOMES.stored)


# Predictions whose id is defined once (the refresh lists the others in ambiguous_ids).
UNAMBIGUOUS_SQL = "p.id NOT IN (SELECT a.id FROM ambiguous_ids a)"


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


def spellings(db, name: str) -> list[str]:
    """Every spelling of `name` in the ledger: the forecasters' names equal to it
    ignoring case and surrounding whitespace (ledger.names.name_key), sorted.

    Every author is a forecaster too (the published p is a forecast row), so the
    forecasts table holds every name. The match is made in Python: SQL's lower()
    folds ASCII letters only, and not the same way on every database.
    """
    key = name_key(name)
    return sorted(n for (n,) in as_db(db).rows('SELECT DISTINCT f."by" FROM forecasts f') if name_key(n) == key)


def where_sql(s: Selection, db=None, today: dt.date | None = None) -> tuple[str, dict[str, Any]]:
    """The selection as an SQL condition on `predictions p`, and its parameters (named s_*).

    The one implementation of the filters. `db` (a connection or Db) is needed
    when the selection has `by`: the name's spellings are looked up in it;
    `today` when it has a status (`due` is past its due date).
    """
    # A prediction id defined more than once is ambiguous: every copy is left out
    # (and with them the forecasts and outcomes that name the id), always.
    conds: list[str] = [UNAMBIGUOUS_SQL]
    params: dict[str, Any] = {}
    if s.ids:
        conds.append(f"p.id IN {in_list('s_id', s.ids, params)}")
    if s.set_id:
        conds.append("p.set_id = :s_set")
        params["s_set"] = s.set_id
    if s.by:
        # A forecaster "takes part" in a prediction by authoring it or forecasting on it.
        # Names match ignoring case and surrounding whitespace: every spelling of it.
        if db is None:
            raise TypeError("where_sql needs the connection to select by a name")
        names = spellings(db, s.by)
        if not names:
            conds.append("1 = 0")
        else:
            in_names = in_list("s_by", names, params)
            conds.append(f'(p."by" IN {in_names} OR p.id IN (SELECT fb.prediction_id FROM forecasts fb WHERE fb."by" IN {in_names}))')
    for i, tag in enumerate(s.tags):
        conds.append(f"p.id IN (SELECT tg.prediction_id FROM tags tg WHERE tg.tag = :s_tag{i})")
        params[f"s_tag{i}"] = tag
    if s.about:
        # Substring match ignoring case, on the text folded when it was indexed (names.text_key: SQL's
        # lower() folds differently on each database); the text's own % and _ are escaped.
        conds.append("p.about_key LIKE :s_about ESCAPE '/'")
        text = text_key(s.about).replace("/", "//").replace("%", "/%").replace("_", "/_")
        params["s_about"] = f"%{text}%"
    iso = db is None or as_db(db).iso_dates
    if s.since:
        conds.append("p.made >= :s_since")
        params["s_since"] = date_param(s.since, iso)
    if s.until:
        conds.append("p.made <= :s_until")
        params["s_until"] = date_param(s.until, iso)
    if s.status:
        conds.append(status_sql(s.status, today, params, iso))
    return " AND ".join(conds), params


def status_sql(status: str, today: dt.date | None, params: dict[str, Any], iso: bool = True) -> str:
    """The condition for a status (STATUSES) on `predictions p`, from its derived outcome."""
    if status == "resolved":
        return "p.outcome >= 0"
    if status == "annulled":
        return f"p.outcome = {ANNULLED_CODE}"
    if today is None:
        raise TypeError("where_sql needs today to select by status open or due")
    params["s_today"] = date_param(today, iso)
    if status == "due":
        return f"(p.outcome = {PENDING} AND p.due < :s_today)"
    if status == "open":
        return f"(p.outcome = {PENDING} AND (p.due IS NULL OR p.due >= :s_today))"
    raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")


@dataclass(frozen=True, slots=True)
class PredictionState:
    """A prediction with its current outcome and standing."""

    prediction: Prediction
    status: str  # open | due | resolved | annulled
    outcome: Outcome | None = None
    latest_p: float | None = None  # the author's last forecast (yes/no questions)
    forecasts: int = 1
    resolved_on: dt.date | None = None  # the first resolution's date (index.derive): later forecasts are never scored

    @property
    def happened(self) -> bool | None:
        """Whether a yes/no prediction happened (None: unresolved, annulled, or another kind)."""
        if self.outcome is None or self.prediction.kind != "binary" or self.outcome.result == "annulled":
            return None
        return self.outcome.result == "yes"

    @property
    def points(self) -> float | None:
        """The post's rule on the published p (ledger.post_rule); None unless resolved yes or no."""
        happened = self.happened
        return None if happened is None else points(self.prediction.p, 1.0 if happened else 0.0)


@dataclass(frozen=True, slots=True)
class PredictionHistory:
    """Everything about one prediction: every forecast and every outcome entry, in order."""

    state: PredictionState
    forecasts: list[Forecast] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


def select_predictions(conn, selection: Selection, today: dt.date, limit: int | None = None) -> list[PredictionState]:
    """The selected predictions in ledger order; at most `limit` of them when given.

    conn -- a sqlite3 or SQLAlchemy connection on the index (ledger.index.sql)
    """
    return list(iter_states(conn, selection, today, limit))


def iter_states(conn, selection: Selection, today: dt.date, limit: int | None = None) -> Iterator[PredictionState]:
    """select_predictions one at a time, as the index gives them: memory stays flat in the ledger's size.

    The predictions and, beside them, their forecasts in the same order (for the author's
    latest p and the count) are two cursors read in step.
    """
    db = as_db(conn)
    where, params = where_sql(selection, db, today)
    # The standing outcome entry (index.derive) comes with its prediction, in one query.
    sql = (
        f"SELECT {_PREDICTION_COLUMNS}, p.result, p.outcome, p.resolved_on, {_OUTCOME_COLUMNS}, p.rowid "
        f"FROM predictions p LEFT OUTER JOIN outcomes o ON o.rowid = p.outcome_entry WHERE {where} "
        f"ORDER BY {PREDICTION_ORDER_SQL}"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    if limit is not None and limit <= MAX_IDS:  # a few: their forecasts by id
        rows = db.rows(sql, params)
        latest = _latest_author_forecasts(db, [r[0] for r in rows])
        for r in rows:
            yield _state(r, latest.get(r[0]), today)
        return
    forecasts = db.stream(
        'SELECT p.rowid, f.p, f."by", p."by" FROM predictions p JOIN forecasts f ON f.prediction_id = p.id '
        f"WHERE {where} ORDER BY {PREDICTION_ORDER_SQL}, {FORECAST_ORDER_SQL}", params,
    )
    pending = next(forecasts, None)
    for r in db.stream(sql, params):
        rowid = r[-1]
        mine = []
        while pending is not None and pending[0] == rowid:
            mine.append(pending[1:])
            pending = next(forecasts, None)
        yield _state(r, _latest_of(mine) if mine else None, today)


def states_of_ids(conn, ids, today: dt.date) -> list[PredictionState]:
    """The predictions with these ids (unambiguous ones), in ledger order.

    Read MAX_IDS at a time, each batch an indexed lookup: given one IN list of thousands of
    ids, SQLite walks the whole ledger in its order instead (1.4 s at a million predictions).
    """
    ids = list(dict.fromkeys(ids))
    states: list[PredictionState] = []
    for batch in in_batches(ids):
        states += iter_states(conn, Selection(ids=tuple(batch)), today, limit=len(batch))
    if len(ids) > MAX_IDS:  # each batch is in ledger order; together they are sorted into it
        states.sort(key=_ledger_place)
    return states


def _ledger_place(state: PredictionState) -> tuple:
    p = state.prediction
    return p.made, p.location.path, p.position


def _state(r, latest: tuple[float, int] | None, today: dt.date) -> PredictionState:
    prediction = prediction_from_row(r)
    outcome = _standing_from_row(r)
    latest_p, count = latest if latest is not None else (prediction.p, 1)
    resolved_on = as_date(r[_N_PREDICTION + 2]) if outcome is not None else None
    return PredictionState(prediction, _status(prediction, outcome, today), outcome, latest_p, count, resolved_on)


def _standing_from_row(r) -> Outcome | None:
    """The standing Outcome from a row of select_predictions (its result as derived:
    an option's name as the question spells it)."""
    result, code = r[_N_PREDICTION], r[_N_PREDICTION + 1]
    if code == PENDING or code is None:
        return None
    entry = OUTCOMES.record_from(r[_N_PREDICTION + 3:_N_PREDICTION + 3 + _N_OUTCOME])
    return entry if entry.result == result else entry._replace(result=result)


def count_matching(conn, selection: Selection, today: dt.date | None = None) -> int:
    db = as_db(conn)
    where, params = where_sql(selection, db, today)
    return db.rows(f"SELECT count(*) FROM predictions p WHERE {where}", params)[0][0]


def prediction_history(conn, prediction_id: str, today: dt.date) -> PredictionHistory | None:
    db = as_db(conn)
    states = select_predictions(db, Selection(ids=(prediction_id,)), today)
    if not states:
        return None
    params = {"id": prediction_id}
    forecasts = [
        forecast_from_row(r)
        for r in db.rows(
            f"SELECT {_FORECAST_COLUMNS} FROM forecasts f WHERE f.prediction_id = :id "
            f"ORDER BY {FORECAST_ORDER_SQL}",
            params,
        )
    ]
    outcomes = [outcome_from_row(r) for r in outcome_rows(db, [prediction_id])]
    return PredictionHistory(states[0], forecasts, outcomes)


def ambiguous_places(conn, ids) -> dict[str, list[str]]:
    """For each of `ids` defined more than once: where, as ledger-relative `file:line`, in file order."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    params: dict[str, Any] = {}
    sql = (
        "SELECT p.id, p.file, p.line FROM predictions p "
        f"WHERE p.id IN {in_list('id', ids, params)} AND p.id IN (SELECT a.id FROM ambiguous_ids a) "
        "ORDER BY p.id, p.file, p.line"
    )
    places: dict[str, list[SourceLocation]] = {}
    for pid, file, line in as_db(conn).rows(sql, params):
        places.setdefault(pid, []).append(SourceLocation(file, line))
    return places


def rejected_error(conn, kind: str, record_id: str) -> LedgerError | None:
    """Why `record_id` (a prediction or claim) is not found although a file defines it:
    its record was left out for a problem. The error lists the problems of the files
    that define it. None when no file defines it."""
    files = {f for (f,) in as_db(conn).rows(
        "SELECT DISTINCT file FROM rejected WHERE kind = :kind AND id = :id", {"kind": kind, "id": record_id}
    )}
    if not files:
        return None
    return LedgerError(
        f"{kind} {record_id!r} is left out because its record has a problem; fix it:",
        [p for p in stored_problems(conn) if p.location.path in files],
    )


def ambiguous_message(prediction_id: str, places: list[SourceLocation]) -> str:
    """What is wrong with an id defined more than once, naming every place it is defined: a message with the
    places as refs (`{0}`, ...: errors.placed; give them as the error's refs)."""
    return (
        f"prediction id {literal(repr(prediction_id))} is defined {len(places)} times ({listed_places(len(places))}), "
        "so it is ambiguous: its records are left out of every listing and score; rename one of them so each id "
        "names one prediction"
    )


def listed_places(n: int) -> str:
    """`{0}, {1} and {2}`: n places in a message, as refs."""
    refs = [f"{{{i}}}" for i in range(n)]
    return ", ".join(refs[:-1]) + " and " + refs[-1] if n > 1 else "".join(refs)


def problem_count(conn) -> int:
    """How many problems `pledger check` reports (the refresh stores them in ledger_problems)."""
    # Distinct as Problem compares them: two checks may find the same problem.
    return as_db(conn).rows(
        "SELECT count(*) FROM (SELECT DISTINCT file, line, col, message, refs FROM ledger_problems) d"
    )[0][0]


def stored_problems(conn) -> list[Problem]:
    """The problems `pledger check` reports, each once, in its order: first those of files left out as a whole
    (not YAML, not a ledger file, not read at all: the index has no kind for them), since nothing else in such a
    file was checked and every read leaves all of it out; then the rest. Each part by location, then message.
    A file left out has one problem, so every file's problems still come together."""
    found: dict[Problem, bool] = {}
    for file, line, col, code, message, refs, read in as_db(conn).rows(
        "SELECT l.file, l.line, l.col, l.code, l.message, l.refs, "
        "CASE WHEN f.path IS NOT NULL AND f.kind IS NULL THEN 0 ELSE 1 END "
        "FROM ledger_problems l LEFT JOIN files f ON f.path = l.file ORDER BY l.rowid"
    ):
        problem = Problem(SourceLocation(file, line, col), message, code,
                          tuple(SourceLocation(*ref) for ref in json.loads(refs)))
        found.setdefault(problem, bool(read))
    return sorted(found, key=lambda p: (found[p], p.location, p.message))


def current_outcomes(conn, ids: list[str]) -> dict[str, Outcome]:
    """The outcome that stands for each of `ids` that has one (index.derive's rule, stored)."""
    if not ids:
        return {}
    db = as_db(conn)
    current: dict[str, Outcome] = {}
    for batch in in_batches(ids):
        params: dict[str, Any] = {}
        chunk = in_list("id", batch, params)
        for r in db.rows(
            f"SELECT p.result, {_OUTCOME_COLUMNS} FROM predictions p JOIN outcomes o ON o.rowid = p.outcome_entry "
            f"WHERE p.id IN {chunk} AND {UNAMBIGUOUS_SQL}", params,
        ):
            current[r[1]] = OUTCOMES.record_from(r[1:])._replace(result=r[0])
    return current


def outcome_rows(db, ids: list[str] | None) -> list[tuple]:
    """Outcome entries (of `ids`, or all), in OUTCOME_ORDER, as rows of OUTCOMES' columns."""
    params: dict[str, Any] = {}
    where = "" if ids is None else f"WHERE o.prediction_id IN {in_list('id', ids, params)} "
    return db.rows(f"SELECT {_OUTCOME_COLUMNS} FROM outcomes o {where}ORDER BY {OUTCOME_ORDER_SQL}", params)


def _latest_author_forecasts(db, ids: list[str]) -> dict[str, tuple[float, int]]:
    """Each prediction's latest forecast by its own author, and how many forecasts it has."""
    if not ids:
        return {}
    params: dict[str, Any] = {}
    where = f"WHERE f.prediction_id IN {in_list('id', ids, params)} " if len(ids) <= MAX_IDS else ""
    sql = (
        'SELECT f.prediction_id, f.p, f."by", p."by" FROM forecasts f JOIN predictions p ON p.id = f.prediction_id '
        f"{where}ORDER BY f.prediction_id, {FORECAST_ORDER_SQL}"
    )
    grouped: dict[str, list[tuple]] = {}
    for pid, p_value, by, author in db.rows(sql, params):
        grouped.setdefault(pid, []).append((p_value, by, author))
    return {pid: _latest_of(rows) for pid, rows in grouped.items()}


def _latest_of(rows: list[tuple]) -> tuple[float, int]:
    """(the latest p its author gave, how many forecasts) from a prediction's (p, by, author) rows, oldest first."""
    p = rows[0][0]
    for p_value, by, author in rows[1:]:
        if by == author or name_key(by) == name_key(author):
            p = p_value
    return p, len(rows)


def _status(prediction: Prediction, outcome: Outcome | None, today: dt.date) -> str:
    if outcome is not None:
        return "annulled" if outcome.result == "annulled" else "resolved"
    if prediction.due is not None and prediction.due < today:
        return "due"
    return "open"


def prediction_from_row(r) -> Prediction:
    """A Prediction from a row starting with _PREDICTION_COLUMNS."""
    return PREDICTIONS.record_from(r[:_N_PREDICTION])


def forecast_from_row(r) -> Forecast:
    """A Forecast from a row of _FORECAST_COLUMNS."""
    return FORECASTS.record_from(r)


def outcome_from_row(r) -> Outcome:
    """An Outcome from a row of _OUTCOME_COLUMNS."""
    return OUTCOMES.record_from(r)
