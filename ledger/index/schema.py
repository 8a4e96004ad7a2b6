"""Index tables made from the record types, so a field is declared once (in ledger.records).

A `RecordTable` maps one NamedTuple record type to a table: each field is a
column of the matching SQL type (str, float, int, bool, date), tuples are JSON
text, a `location` is three columns (file, line, col), and derived columns (what
the refresh computes from several records, e.g. a prediction's standing outcome)
follow, after any columns computed from one field when the row is made (a
folded copy of a text for matching: `Computed`). It makes the rows to insert (plain tuples, in column order, handed to
the driver) and the records back from selected rows: adding a field to a record
adds its column, its insert and its read.

Kept free of SQLAlchemy except in `sqlalchemy_table` (the refresh creates the
tables; the warm read and every query use SQL text, ledger.index.sql).
"""

from __future__ import annotations

import datetime as dt
import json
import typing
from dataclasses import dataclass
from typing import Any

from ..errors import SourceLocation
from ..kinds import OptionP, Quantile
from ..names import name_key, text_key
from ..records import Assessment, Claim, Evidence, Forecast, Outcome, Prediction, PredictionSet, Source

_SCALARS = (str, float, int, bool, dt.date)


@dataclass(frozen=True)
class Derived:
    """A column the refresh computes (not a record field)."""

    name: str
    type: type
    index: bool = False
    default: Any = None  # what a new row holds until the refresh derives it


@dataclass(frozen=True)
class Computed:
    """A column computed from one field of the record when its row is made (None stays None).

    Used for what SQL cannot compute the same way on every database: a text
    folded for matching ignoring case (SQLite's lower() folds ASCII only,
    PostgreSQL's folds by locale), so `--about` matches alike everywhere.
    """

    name: str
    field: str
    function: Any


@dataclass(frozen=True)
class _Field:
    name: str
    type: type  # str, float, int, bool, dt.date, tuple (JSON text), SourceLocation, or a nested record
    nullable: bool
    decode: Any = None  # JSON text back to the record's value (tuples)
    nested: tuple = ()  # a nested record's own fields, stored as `<name>_<field>` columns


def _fields(record: type, skip: tuple[str, ...] = ()) -> list[_Field]:
    hints = typing.get_type_hints(record)
    out = []
    for name in record._fields:
        if name in skip:
            continue
        hint = hints[name]
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        nullable = type(None) in typing.get_args(hint)
        base = args[0] if nullable and args else hint
        origin = typing.get_origin(base) or base
        if origin is SourceLocation:
            out.append(_Field(name, SourceLocation, False))
        elif origin is tuple:
            inner = typing.get_args(base)
            decode = _decode_evidence if inner and inner[0] is Evidence else (_decode_dist if name == "dist" else tuple)
            out.append(_Field(name, tuple, False, decode))
        elif origin in _SCALARS:
            out.append(_Field(name, origin, nullable))
        elif hasattr(origin, "_fields"):  # a record inside a record (a claim's own source): its fields, prefixed
            inner = tuple(f for f in _fields(origin, skip=("id", "location")))
            out.append(_Field(name, origin, True, nested=inner))
        else:
            raise TypeError(f"{record.__name__}.{name}: no column type for {hint!r}")
    return out


def _decode(fields: list[_Field], row, i: int) -> tuple[list, int]:
    """The values of `fields` from row[i:], and where the next field starts."""
    values = []
    for f in fields:
        if f.type is SourceLocation:
            values.append(SourceLocation(row[i], row[i + 1], row[i + 2]))
            i += 3
            continue
        if f.nested:
            inner, j = _decode(list(f.nested), row, i)
            # Stored without its id and location: a nested record is there when any column is.
            present = any(row[k] not in (None, "[]") for k in range(i, j))
            values.append(f.type(**dict(zip((g.name for g in f.nested), inner))) if present else None)
            i = j
            continue
        v = row[i]
        i += 1
        if f.type is tuple:
            v = f.decode(json.loads(v)) if v and v != "[]" else ()
        elif f.type is dt.date:
            v = v if v is None or isinstance(v, dt.date) else dt.date.fromisoformat(v)
        elif f.type is bool:
            v = bool(v)
        values.append(v)
    return values, i


def _decode_evidence(items: list) -> tuple:
    return tuple(Evidence(**e) for e in items)


def _decode_dist(items: list) -> tuple:
    # Options are (label, p, typed); quantiles (level, value, level as typed, value as typed).
    return tuple(OptionP(*i) if len(i) == 3 else Quantile(*i) for i in items)


def _encode(value: Any) -> str:
    if value and isinstance(value[0], Evidence):
        return json.dumps([e.to_dict() for e in value], ensure_ascii=False)
    return json.dumps([list(v) if isinstance(v, tuple) else v for v in value], ensure_ascii=False)


class RecordTable:
    """One record type's table: its columns, rows to insert, and records from rows."""

    def __init__(self, name: str, record: type, *, derived: tuple[Derived, ...] = (), indexed: tuple[str, ...] = (),
                 composite: tuple[tuple[str, tuple[str, ...]], ...] = (), computed: tuple[Computed, ...] = ()):
        self.name = name
        self.record = record
        self.fields = _fields(record)
        self.derived = derived
        self.indexed = indexed
        self.composite = composite
        names: list[str] = []
        for f in self.fields:
            if f.type is SourceLocation:
                names += ["file", "line", "col"]
            elif f.nested:
                names += [f"{f.name}_{g.name}" for g in f.nested]
            else:
                names.append(f.name)
        self.stored = tuple(names)  # the columns a record fills, in order (what select_sql reads back)
        self.computed = computed
        self._computed_at = tuple((record._fields.index(c.field), c.function) for c in computed)
        self.inserted = self.stored + tuple(c.name for c in computed)  # the columns a row to insert fills
        self.columns = self.inserted + tuple(d.name for d in derived)
        # Dates are ISO text in SQLite (as SQLAlchemy stores them) and date objects elsewhere.
        self._dates = frozenset(f.name for f in self.fields if f.type is dt.date)
        self._writers: dict | None = None  # compiled on first use (a warm read needs none of them)

    # -- writing ------------------------------------------------------------------

    def rows(self, records, *, iso_dates: bool) -> list[tuple]:
        """Rows to insert (the `inserted` columns, in order) for records of this type."""
        if self._writers is None:
            self._compile()
        return list(map(self._writers[iso_dates], records))

    def _row_general(self, rec, iso_dates: bool) -> tuple:
        """A row for one record, field by field (for tables with a nested record: claims are few)."""
        row: list = []
        for f, v in zip(self.fields, rec):
            if f.nested:  # a nested record: its fields, or NULLs (an empty JSON list)
                for g in f.nested:
                    w = None if v is None else getattr(v, g.name)
                    if g.type is tuple:
                        row.append(_encode(w) if w else "[]")
                    elif g.type is dt.date and iso_dates and w is not None:
                        row.append(w.isoformat())
                    else:
                        row.append(w)
            elif f.type is SourceLocation:
                row += (v.path, v.line, v.column)
            elif f.type is tuple:
                row.append(_encode(v) if v else "[]")
            elif f.type is dt.date and iso_dates:
                row.append(None if v is None else v.isoformat())
            else:
                row.append(v)
        for i, function in self._computed_at:
            v = rec[i]
            row.append(None if v is None else function(v))
        return tuple(row)

    def insert_sql(self) -> str:
        cols = ", ".join(f'"{c}"' for c in self.inserted)
        return f"INSERT INTO {self.name} ({cols}) VALUES ({', '.join('?' for _ in self.inserted)})"

    # -- reading ------------------------------------------------------------------

    def select_sql(self, alias: str) -> str:
        """The stored columns as a select list (`p."id", p."claim", ...`), in the order `record_from` takes."""
        return ", ".join(f'{alias}."{c}"' for c in self.stored)

    def record_from(self, row) -> Any:
        """The record from a row of `select_sql`'s columns (dates as ISO text or dates, booleans as 0/1)."""
        self._compile()  # the first call: from now on the compiled function answers (an instance attribute)
        return self.record_from(row)

    # -- the row functions -------------------------------------------------------------
    # Written out field by field and compiled once, on first use, as namedtuple and dataclasses
    # do: a cold build and a streamed listing make a row or a record per record, a million of them.

    def _compile(self) -> None:
        if any(f.nested for f in self.fields):  # a nested record (a claim's own source): field by field
            self.record_from = lambda row: self.record._make(_decode(self.fields, row, 0)[0])
            self._writers = {iso: (lambda rec, iso=iso: self._row_general(rec, iso)) for iso in (False, True)}
            return
        env: dict[str, Any] = {"Loc": SourceLocation, "loads": json.loads, "encode": _encode, "iso": dt.date.fromisoformat,
                               "new": tuple.__new__, "Record": self.record, "str": str}
        reads, writes = [], {False: [], True: []}
        i = 0
        for n, f in enumerate(self.fields):
            v = f"rec[{n}]"
            if f.type is SourceLocation:
                reads.append(f"Loc(r[{i}], r[{i + 1}], r[{i + 2}])")
                for w in writes.values():
                    w += [f"{v}.path", f"{v}.line", f"{v}.column"]
                i += 3
                continue
            c = f"r[{i}]"
            i += 1
            if f.type is tuple:
                env[f"decode{n}"] = f.decode
                reads.append(f"(decode{n}(loads({c})) if {c} and {c} != '[]' else ())")
                for w in writes.values():
                    w.append(f"(encode({v}) if {v} else '[]')")
            elif f.type is dt.date:
                reads.append(f"(iso({c}) if {c}.__class__ is str else {c})")
                writes[False].append(v)
                writes[True].append(f"(None if {v} is None else {v}.isoformat())")
            else:
                reads.append(f"bool({c})" if f.type is bool else c)
                for w in writes.values():
                    w.append(v)
        for k, (n, function) in enumerate(self._computed_at):  # after the stored columns, as `inserted` lists them
            env[f"computed{k}"] = function
            for w in writes.values():
                w.append(f"(None if rec[{n}] is None else computed{k}(rec[{n}]))")
        exec(f"def read(r):\n    return new(Record, ({', '.join(reads)},))", env)  # noqa: S102
        for iso_dates, w in writes.items():
            exec(f"def write_{iso_dates}(rec):\n    return ({', '.join(w)},)", env)  # noqa: S102
        self.record_from = env["read"]
        self._writers = {False: env["write_False"], True: env["write_True"]}

    # -- the table ------------------------------------------------------------------

    def nested_present(self, name: str) -> str:
        """SQL that is true when the nested record `name` is there (its first column is not NULL)."""
        f = next(f for f in self.fields if f.name == name)
        return f"{name}_{f.nested[0].name} IS NOT NULL"

    def sqlalchemy_table(self, metadata):
        """The SQLAlchemy Table (made on the metadata the other index tables use)."""
        from sqlalchemy import Boolean, Column, Date, Float, Index, Integer, String, Table, Text, false, text, true

        types = {str: String, float: Float, int: Integer, bool: Boolean, dt.date: Date, tuple: Text}
        cols = [Column("rowid", Integer, primary_key=True, autoincrement=True)]
        for f in self.fields:
            if f.type is SourceLocation:
                cols += [Column("file", String, nullable=False, index=True), Column("line", Integer, nullable=False),
                         Column("col", Integer, nullable=False)]
            elif f.nested:
                cols += [Column(f"{f.name}_{g.name}", types[g.type], nullable=True) for g in f.nested]
            else:
                cols.append(Column(f.name, types[f.type], nullable=f.nullable, index=f.name in self.indexed))
        cols += [Column(c.name, String, nullable=True) for c in self.computed]
        for d in self.derived:
            default = None
            if d.default is not None:
                default = (true() if d.default else false()) if d.type is bool else text(str(d.default))
            cols.append(Column(d.name, types[d.type], nullable=True, index=d.index, server_default=default))
        extra = [Index(name, *columns) for name, columns in self.composite]
        return Table(self.name, metadata, *cols, *extra)


SETS = RecordTable("sets", PredictionSet, indexed=("id",))
PREDICTIONS = RecordTable(
    "predictions", Prediction,
    indexed=("id", "by", "set_id"),
    # `--about` matches about_key (text_key); the SQL views give by_key (name_key) for grouping forecasters.
    computed=(Computed("about_key", "about", text_key), Computed("by_key", "by", name_key)),
    derived=(
        # The standing outcome, derived by the refresh (index.derive) from the outcome entries:
        Derived("result", str),  # as written: yes / no / annulled, an option's name, a value as typed
        Derived("outcome", int, default=-1),  # what scoring reads: derive's codes (-1 pending, -2 annulled)
        Derived("outcome_value", float),  # a numeric question's value (a date's day number)
        Derived("outcome_entry", int),  # the standing entry's outcomes.rowid
        Derived("resolved_on", dt.date),  # the first resolution's date: later forecasts are never scored
    ),
    # Ledger order with what scoring reads: `pledger score` scans this index alone, already sorted.
    composite=(("ix_predictions_ledger_order",
                ("made", "file", "position", "rowid", "id", "by", "p", "outcome", "kind", "resolved_on")),),
)
FORECASTS = RecordTable(
    "forecasts", Forecast, indexed=("prediction_id", "by"),
    computed=(Computed("by_key", "by", name_key),),
    derived=(Derived("fits", bool, default=True),),  # false: it does not fit its question (check says why)
)
OUTCOMES = RecordTable(
    "outcomes", Outcome,
    derived=(Derived("fits", bool, default=True),),
    # By prediction (what every lookup of a prediction's entries uses), with the result beside it.
    composite=(("ix_outcomes_prediction_result", ("prediction_id", "result")),),
)
SOURCES = RecordTable("sources", Source, indexed=("id",))  # shared sources (a claims file's `sources:`)
CLAIMS = RecordTable("claims", Claim, indexed=("id", "source_ref", "claimant"))  # its own source as source_* columns
ASSESSMENTS = RecordTable("assessments", Assessment, indexed=("claim_id",))
RECORD_TABLES = (SETS, PREDICTIONS, FORECASTS, OUTCOMES, SOURCES, CLAIMS, ASSESSMENTS)
