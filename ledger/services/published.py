"""What a published report shows of each selected prediction, in one lean query.

The scorecard and the site list every selected prediction: its claim, published
forecast, set, tags and standing outcome with the resolver's note and evidence.
`select_predictions` builds full records for that, which costs more than the
scoring itself on a large ledger; this reads only the columns a report shows, in
one query, as columns (ShownRows: the standing outcome as ledger.index.derive stored it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from itertools import islice
from operator import attrgetter
from typing import NamedTuple

from ..index.derive import ANNULLED_CODE, NO, PENDING, YES
from ..index.schema import _decode_dist
from ..index.sql import as_date, as_db
from ..kinds import ANNULLED, BINARY
from ..records import Evidence
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


FIELDS = Shown._fields


class ShownRows(Sequence):
    """The selected predictions as a report shows them, held as columns: a list per Shown field.

    Indexing and iterating give Shown tuples, made when asked; column(name) gives one field for
    every row without making any, which is how the reports read a million rows. take() is a subset
    (a set's rows) whose columns are taken from these when first asked for.
    """

    __slots__ = ("_columns", "_n", "_base", "_index")

    def __init__(self, columns: dict[str, list], n: int, base: ShownRows | None = None, index: list[int] | None = None):
        self._columns, self._n, self._base, self._index = columns, n, base, index

    @classmethod
    def of(cls, rows) -> ShownRows:
        """ShownRows from Shown tuples (or ShownRows, given back as it is)."""
        if isinstance(rows, ShownRows):
            return rows
        rows = list(rows)
        return cls({name: list(map(attrgetter(name), rows)) for name in FIELDS}, len(rows))

    def column(self, name: str) -> list:
        """Field `name` of every row, in order (the list itself: not to be changed)."""
        values = self._columns.get(name)
        if values is None:
            if self._base is None:
                raise KeyError(name)
            values = self._columns[name] = list(map(self._base.column(name).__getitem__, self._index))
        return values

    def grouped(self, name: str) -> dict:
        """The rows by their value of field `name` (ShownRows each, in order), the values in order of first
        appearance: every row, as it is, when they share one value."""
        values = self.column(name)
        if not values or values.count(values[0]) == len(values):
            return {values[0]: self} if values else {}
        where: dict = {}
        for i, value in enumerate(values):
            where.setdefault(value, []).append(i)
        return {value: self.take(index) for value, index in where.items()}

    def take(self, index: list[int]) -> ShownRows:
        """The rows at `index`, in that order."""
        if len(index) == self._n and (not index or (index[0] == 0 and index[-1] == self._n - 1)):
            return self  # every row, in order (positions are distinct and increasing)
        return ShownRows({}, len(index), self, index)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self.take(list(range(*i.indices(self._n))))
        return tuple.__new__(Shown, [self.column(name)[i] for name in FIELDS])

    def __iter__(self):
        from functools import partial

        return map(partial(tuple.__new__, Shown), zip(*map(self.column, FIELDS)))

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(other) == self._n and all(a == b for a, b in zip(self, other))

    __hash__ = None


def shown_column(shown, name: str) -> list:
    """Field `name` of every row of `shown` (ShownRows, or any sequence of Shown tuples)."""
    if isinstance(shown, ShownRows):
        return shown.column(name)
    return list(map(attrgetter(name), shown))


def status_of(kind: str, code: int) -> str:
    """A prediction's status from its kind and outcome code (index.derive's)."""
    if code == PENDING:
        return "pending"
    if code == ANNULLED_CODE:
        return "annulled"
    if kind == "binary":
        return "yes" if code == 1 else "no"
    return "resolved"


# What is rare on a row (another kind, an about, claims tested, a distribution, a unit, an outcome not
# written as its code says, a note, evidence) comes as one JSON array, NULL on a plain yes/no row: a
# million rows cost a column each, so eight columns that are nearly always empty are read as one.
_RESULTS = {YES: "yes", NO: "no", ANNULLED_CODE: ANNULLED, PENDING: None}  # a plain row's result, by code
_RARE = ("kind", "about", "tests", "dist", "unit", "result", "note", "evidence")
_PLAIN = (
    f"p.kind = '{BINARY}' AND p.about IS NULL AND (p.tests IS NULL OR p.tests = '[]') "
    "AND (p.dist IS NULL OR p.dist = '[]') AND p.unit IS NULL AND o.note IS NULL "
    "AND (o.evidence IS NULL OR o.evidence = '[]') "
    f"AND (p.outcome = {PENDING} OR (p.outcome = {YES} AND p.result = 'yes') OR (p.outcome = {NO} AND p.result = 'no') "
    f"OR (p.outcome = {ANNULLED_CODE} AND p.result = '{ANNULLED}'))"
)
_SQL = (
    'SELECT p.id, p.claim, p.p, p.p_typed, p."by", p.made, p.position, p.set_id, p.tags, p.outcome, p.resolved_on, '
    "p.rowid, CASE WHEN {plain} THEN NULL ELSE {array}(p.kind, p.about, p.tests, p.dist, p.unit, p.result, o.note, "
    "o.evidence) END FROM predictions p LEFT OUTER JOIN outcomes o ON o.rowid = p.outcome_entry "
    "WHERE {where} ORDER BY " + PREDICTION_ORDER_SQL
)
_READ = ("id", "claim", "p", "p_typed", "by", "made", "position", "set_id", "tags", "code", "resolved_on", "row", "rare")
_BATCH = 50_000


class _Parsed(dict):
    """A column's distinct values, each parsed once (a ledger has few distinct dates and tag lists): looked
    up with __getitem__, a C-level map over a column."""

    def __init__(self, parse):
        super().__init__()
        self.parse = parse

    def __missing__(self, text):
        value = self[text] = self.parse(text)
        return value


def _kept():
    """A column's values, each distinct one kept once: a million rows hold a few names and sets."""
    return _Parsed(lambda value: value).__getitem__


def _tuple(text: str | None) -> tuple:
    return () if not text or text == "[]" else tuple(json.loads(text))


def shown_predictions(conn, selection: Selection, today: dt.date | None = None) -> ShownRows:
    """The selected predictions in ledger order (services.select's order and filters)."""
    db = as_db(conn)
    where, params = where_sql(selection, db, today)
    array = "json_array" if db.iso_dates else "json_build_array"  # SQLite's name, PostgreSQL's
    rows = db.stream(_SQL.format(plain=_PLAIN, array=array, where=where), params)
    # Per column, what each value becomes: parsed (dates, tag lists), or kept once where values repeat (a dict
    # per column). A p and a position are numbers, kept as they come: 1 and 1.0 would be one key.
    shape = {"p_typed": _kept(), "by": _kept(), "set_id": _kept(), "resolved_on": _kept(),
             "made": _Parsed(as_date).__getitem__, "tags": _Parsed(_tuple).__getitem__}
    read: dict[str, list] = {name: [] for name in _READ}
    while batch := list(islice(rows, _BATCH)):  # a batch at a time: the driver's rows never all exist at once
        for name, values in zip(_READ, zip(*batch)):
            how = shape.get(name)
            read[name].extend(values if how is None else map(how, values))
        del batch
    n = len(read["id"])
    rare = read.pop("rare")
    columns = read
    code = columns["code"]
    columns.update(kind=[BINARY] * n, about=[None] * n, tests=[()] * n, dist=[()] * n, unit=[None] * n,
                   result=list(map(_RESULTS.__getitem__, code)), note=[None] * n, evidence=[()] * n)
    if rare.count(None) != n:
        _fill_rare(columns, rare, code)
    statuses = {pair: status_of(*pair) for pair in set(zip(columns["kind"], code))}
    columns["status"] = list(map(statuses.__getitem__, zip(columns["kind"], code)))
    return ShownRows(columns, n)


def _fill_rare(columns: dict[str, list], rare: list, code: list) -> None:
    """The rare columns of the rows that have them (a JSON array of _RARE: text from SQLite, a list from
    PostgreSQL's driver), decoded as the index stores them."""
    kinds, results, claims = _kept(), _kept(), _Parsed(_tuple).__getitem__  # few distinct ones: each kept once
    kind, about, tests, dist = columns["kind"], columns["about"], columns["tests"], columns["dist"]
    unit, result, note, evidence = columns["unit"], columns["result"], columns["note"], columns["evidence"]
    for i, value in enumerate(rare):
        if value is None:
            continue
        k, a, t, d, u, r, no, ev = json.loads(value) if isinstance(value, str) else value
        kind[i] = kinds(k)
        about[i] = a
        tests[i] = claims(t)
        dist[i] = _decode_dist(json.loads(d)) if d and d != "[]" else ()
        unit[i] = u
        result[i] = None if code[i] == PENDING else results(r)
        note[i] = no
        evidence[i] = tuple(Evidence(**e) for e in json.loads(ev)) if ev and ev != "[]" else ()


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
