"""What a published report shows of each selected prediction, in one lean query.

The scorecard and the site list every selected prediction: its claim, published
forecast, set, tags and standing outcome with the resolver's note and evidence.
`select_predictions` builds full records for that, which costs more than the
scoring itself on a large ledger; this reads only the columns a report shows, in
one query, as plain tuples (the standing outcome as ledger.index.derive stored it).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import NamedTuple

from ..index.derive import ANNULLED_CODE, PENDING
from ..index.sql import as_date, as_db
from ..records import Evidence
from ..index.schema import _decode_dist
from .select import PREDICTION_ORDER_SQL, Selection, where_sql


class Shown(NamedTuple):
    """One selected prediction as a report shows it."""

    id: str
    claim: str
    p: float | None  # a yes/no question's published p
    p_typed: str  # as typed (a one-line summary for other kinds)
    by: str
    made: dt.date
    position: int  # in its file: the published order
    set_id: str | None
    about: str | None
    tags: tuple[str, ...]
    tests: tuple[str, ...]
    kind: str
    dist: tuple  # ledger.kinds OptionP / Quantile
    unit: str | None
    result: str | None  # the standing outcome as written (None: pending)
    code: int  # index.derive's outcome code
    note: str | None
    evidence: tuple[Evidence, ...]
    status: str  # yes | no | annulled | pending (yes/no questions), resolved for the other kinds
    resolved_on: str | dt.date | None = None  # the first resolution's date, as the index gives it (services.scores)
    row: int = 0  # the index's rowid (services.scores matches forecasts by it)


def status_of(kind: str, code: int) -> str:
    """A prediction's status from its kind and outcome code (index.derive's)."""
    if code == PENDING:
        return "pending"
    if code == ANNULLED_CODE:
        return "annulled"
    if kind == "binary":
        return "yes" if code == 1 else "no"
    return "resolved"


_SQL = (
    'SELECT p.id, p.claim, p.p, p.p_typed, p."by", p.made, p.position, p.set_id, p.about, p.tags, p.tests, p.kind, p.dist, '
    "p.unit, p.result, p.outcome, o.note, o.evidence, p.resolved_on, p.rowid FROM predictions p "
    "LEFT OUTER JOIN outcomes o ON o.rowid = p.outcome_entry WHERE {where} ORDER BY " + PREDICTION_ORDER_SQL
)


def _tuple(text: str | None) -> tuple:
    return () if not text or text == "[]" else tuple(json.loads(text))


def shown_predictions(conn, selection: Selection, today: dt.date | None = None) -> list[Shown]:
    """The selected predictions in ledger order (services.select's order and filters)."""
    db = as_db(conn)
    where, params = where_sql(selection, db, today)
    out = []
    append = out.append
    days: dict = {}  # a ledger has few distinct dates: each parsed once
    statuses: dict = {}  # and few (kind, outcome) pairs
    new = tuple.__new__  # the NamedTuple's fields without its slower constructor (a row per prediction)
    # Values that repeat from row to row (names, sets, kinds, probabilities, dates) kept once each:
    # a million rows would otherwise hold a copy of each in every row.
    same = {}.setdefault
    lists: dict = {"[]": ()}  # tag and claim lists as the index stores them (JSON text): few distinct ones

    def listed(text):
        if not text:
            return ()
        value = lists.get(text)
        if value is None:
            value = lists[text] = _tuple(text)
        return value

    for (pid, claim, p, typed, by, made, position, set_id, about, tags, tests, kind, dist, unit, result, code, note,
         evidence, resolved_on, row) in db.stream(_SQL.format(where=where), params):
        day = days.get(made)
        if day is None:
            day = days[made] = as_date(made)
        status = statuses.get((kind, code))
        if status is None:
            status = statuses[kind, code] = status_of(kind, code)
        append(new(Shown, (
            pid, claim, same(p, p), same(typed, typed), same(by, by), day, same(position, position),
            same(set_id, set_id), about, listed(tags), listed(tests),
            same(kind, kind), _decode_dist(json.loads(dist)) if dist and dist != "[]" else (), unit,
            None if code == PENDING else same(result, result), code, note,
            tuple(Evidence(**e) for e in json.loads(evidence)) if evidence and evidence != "[]" else (), status,
            same(resolved_on, resolved_on), row,
        )))
    return out


def set_titles(conn) -> dict[str, str | None]:
    """Every set's title by id (the first definition of an id, in file order)."""
    titles: dict[str, str | None] = {}
    for sid, title in as_db(conn).rows("SELECT s.id, s.title FROM sets s ORDER BY s.file, s.line"):
        titles.setdefault(sid, title)
    return titles


def set_sources(conn) -> dict[str, str]:
    """Every set's `source:` (where its predictions were first published) by id, for the sets that give one
    (the first definition of an id, in file order)."""
    sources: dict[str, str] = {}
    seen: set[str] = set()
    for sid, source in as_db(conn).rows("SELECT s.id, s.source FROM sets s ORDER BY s.file, s.line"):
        if sid not in seen:
            seen.add(sid)
            if source:
                sources[sid] = source
    return sources


def several_forecasters(conn) -> bool:
    """Whether the ledger's forecasts carry more than one spelling of a forecaster's name: a
    leaderboard needs two forecasters (an upper bound, read from the start of an index)."""
    return len(as_db(conn).rows('SELECT DISTINCT f."by" FROM forecasts f LIMIT 2')) > 1


def forecaster_count(conn, selection: Selection) -> int:
    """How many spellings of forecasters' names the selected predictions' forecasts carry
    (an upper bound on the forecasters: names that differ only in case are one)."""
    db = as_db(conn)
    where, params = where_sql(selection, db)
    sql = (f'SELECT count(DISTINCT f."by") FROM forecasts f JOIN predictions p ON p.id = f.prediction_id '
           f"WHERE {where}")
    return int(db.rows(sql, params)[0][0] or 0)


def fingerprint_rows(conn) -> list[tuple[str, str]]:
    """Every indexed ledger file and its content hash, in path order: what the ledger is now."""
    return [tuple(r) for r in as_db(conn).rows("SELECT path, sha256 FROM files ORDER BY path")]


def every_forecast(conn) -> dict[str, list]:
    """Every forecast row by prediction id, oldest first (services.select's forecast order)."""
    from ..index.schema import FORECASTS
    from .select import FORECAST_ORDER_SQL

    out: dict[str, list] = {}
    sql = f"SELECT {FORECASTS.select_sql('f')} FROM forecasts f ORDER BY f.prediction_id, {FORECAST_ORDER_SQL}"
    for row in as_db(conn).rows(sql):
        f = FORECASTS.record_from(row)
        out.setdefault(f.prediction_id, []).append(f)
    return out


def every_outcome(conn) -> dict[str, list]:
    """Every outcome entry by prediction id, oldest first (services.select's outcome order)."""
    from .select import outcome_from_row, outcome_rows

    out: dict[str, list] = {}
    for row in outcome_rows(as_db(conn), None):
        o = outcome_from_row(row)
        out.setdefault(o.prediction_id, []).append(o)
    return out
