"""Index tables. Derived data only: deleting the database loses nothing.

The tables of the ledger's records (sets, predictions, forecasts, outcomes,
sources, claims, assessments) are made from their record types
(ledger.index.schema); the rest are SQLModel classes. Rows are built from
validated records (ledger.records), never validated here: SQLModel
`table=True` classes skip validation on purpose.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.sql.elements import quoted_name
from sqlmodel import Field, SQLModel

from .format import SCHEMA_VERSION  # noqa: F401  (bump it in format.py: the warm read checks it too)
from .schema import ASSESSMENTS, CLAIMS, FORECASTS, OUTCOMES, PREDICTIONS, SETS, SOURCES

# The record types' tables (ledger.index.schema), on the same metadata as the others.
SETS_TABLE = SETS.sqlalchemy_table(SQLModel.metadata)
PREDICTIONS_TABLE = PREDICTIONS.sqlalchemy_table(SQLModel.metadata)
FORECASTS_TABLE = FORECASTS.sqlalchemy_table(SQLModel.metadata)
OUTCOMES_TABLE = OUTCOMES.sqlalchemy_table(SQLModel.metadata)
SOURCES_TABLE = SOURCES.sqlalchemy_table(SQLModel.metadata)
CLAIMS_TABLE = CLAIMS.sqlalchemy_table(SQLModel.metadata)
ASSESSMENTS_TABLE = ASSESSMENTS.sqlalchemy_table(SQLModel.metadata)


class MetaRow(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class FileRow(SQLModel, table=True):
    """One ledger file as last indexed: its stat, its content hash and its kind."""

    __tablename__ = "files"
    path: str = Field(primary_key=True)
    size: int = Field(sa_type=BigInteger)
    mtime_ns: int = Field(sa_type=BigInteger)  # nanoseconds since 1970: past 2**31 since 1970-01-01T00:00:02
    sha256: str
    kind: str | None = None


class TagRow(SQLModel, table=True):
    __tablename__ = "tags"
    rowid: int | None = Field(default=None, primary_key=True)
    prediction_id: str = Field(index=True)
    tag: str = Field(index=True)
    file: str = Field(index=True)


class ProblemRow(SQLModel, table=True):
    """Problems found while reading a file, kept so `check` needs no re-read."""

    __tablename__ = "problems"
    rowid: int | None = Field(default=None, primary_key=True)
    file: str = Field(index=True)
    line: int = 0
    col: int = 0
    code: str = "invalid"
    message: str


class RejectedRow(SQLModel, table=True):
    """An id whose record was left out for a problem: `check` does not call references to it unknown."""

    __tablename__ = "rejected"
    rowid: int | None = Field(default=None, primary_key=True)
    kind: str  # prediction | claim | source
    id: str = Field(index=True)
    file: str = Field(index=True)


class AmbiguousIdRow(SQLModel, table=True):
    """A prediction id defined more than once: every record with it is left out of reads.

    Recomputed by the refresh from the predictions table; reads filter on it
    (services.select.where_sql) and writes that name one of these ids refuse.
    """

    __tablename__ = "ambiguous_ids"
    id: str = Field(primary_key=True)


class DerivedProblemRow(SQLModel, table=True):
    """A problem index.derive found in a prediction's outcome entries or forecasts (kept by
    prediction, so a refresh re-derives only the predictions it touched)."""

    __tablename__ = "derived_problems"
    rowid: int | None = Field(default=None, primary_key=True)
    prediction_id: str = Field(index=True)
    file: str
    line: int = 0
    col: int = 0
    code: str = "invalid"
    message: str
    refs: str = "[]"


class LedgerProblemRow(SQLModel, table=True):
    """Every problem `pledger check` reports (the files' own and the ledger-wide
    ones). The one source of both `check` and the read commands' warning count.

    Each belongs to a record id (or a file), its key: a refresh replaces the
    problems of the keys it touched (index.scope), and no others.
    """

    __tablename__ = "ledger_problems"
    rowid: int | None = Field(default=None, primary_key=True)
    key_kind: str  # index.scope's kinds: prediction, set, claim, source or file
    key: str = Field(index=True)
    file: str
    line: int = 0
    col: int = 0
    code: str = "invalid"
    message: str
    refs: str = "[]"  # JSON [[file, line, col], ...]: the places the message names as {0}, {1}, ...


PER_FILE_TABLES = tuple(
    t if hasattr(t, "c") else t.__table__
    for t in (SETS_TABLE, PREDICTIONS_TABLE, TagRow, FORECASTS_TABLE, OUTCOMES_TABLE, ProblemRow, RejectedRow,
              SOURCES_TABLE, CLAIMS_TABLE, ASSESSMENTS_TABLE)
)


# Text in byte order: PostgreSQL sorts and compares by the database's collation
# (ICU's en-US puts "a-b" after "ab", "B" before "a"), SQLite by bytes; ledger
# order and every comparison must be the same on both. "C" is byte order on
# PostgreSQL (it also makes lower() fold ASCII only, as SQLite's does).
BYTE_ORDER_TEXT = Text().with_variant(Text(collation="C"), "postgresql")


def _portable(metadata) -> None:
    """Every text column in byte order, every column name quoted (`by`, `on`, `key`
    are reserved words somewhere: DuckDB refuses an unquoted `by`)."""
    for table in metadata.tables.values():
        for column in table.columns:
            column.name = quoted_name(column.name, True)
            if isinstance(column.type, String) or isinstance(getattr(column.type, "impl", None), String):  # sqlmodel's AutoString
                column.type = BYTE_ORDER_TEXT


_portable(SQLModel.metadata)
