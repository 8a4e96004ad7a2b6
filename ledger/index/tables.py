"""Index tables. Derived data only: deleting the database loses nothing.

The predictions, forecasts, outcomes and sets tables are made from their record
types (ledger.index.schema); the rest are SQLModel classes. Rows are built from
validated records (ledger.records), never validated here: SQLModel
`table=True` classes skip validation on purpose.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from .format import SCHEMA_VERSION  # noqa: F401  (bump it in format.py: the warm read checks it too)
from .schema import FORECASTS, OUTCOMES, PREDICTIONS, SETS

# The record types' tables (ledger.index.schema), on the same metadata as the others.
SETS_TABLE = SETS.sqlalchemy_table(SQLModel.metadata)
PREDICTIONS_TABLE = PREDICTIONS.sqlalchemy_table(SQLModel.metadata)
FORECASTS_TABLE = FORECASTS.sqlalchemy_table(SQLModel.metadata)
OUTCOMES_TABLE = OUTCOMES.sqlalchemy_table(SQLModel.metadata)


class MetaRow(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class FileRow(SQLModel, table=True):
    """One ledger file as last indexed: its stat, its content hash and its kind."""

    __tablename__ = "files"
    path: str = Field(primary_key=True)
    size: int
    mtime_ns: int
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
    ones), recomputed by the refresh whenever a file changed. The one source of
    both `check` and the read commands' warning count."""

    __tablename__ = "ledger_problems"
    rowid: int | None = Field(default=None, primary_key=True)  # check's order
    file: str
    line: int = 0
    col: int = 0
    code: str = "invalid"
    message: str
    refs: str = "[]"  # JSON [[file, line, col], ...]: the places the message names as {0}, {1}, ...


class SourceRow(SQLModel, table=True):
    """A shared source (a `sources:` entry in a claims file)."""

    __tablename__ = "sources"
    rowid: int | None = Field(default=None, primary_key=True)
    id: str = Field(index=True)
    title: str | None = None
    url: str | None = None
    date: dt.date | None = None
    authors: str = "[]"  # JSON list
    file: str = Field(index=True)
    line: int = 0
    col: int = 0


class ClaimRow(SQLModel, table=True):
    """A claim; its own source inline (source_*), or a shared one by source_ref."""

    __tablename__ = "claims"
    rowid: int | None = Field(default=None, primary_key=True)
    id: str = Field(index=True)
    quote: str
    source_ref: str | None = Field(default=None, index=True)
    source_title: str | None = None
    source_url: str | None = None
    source_date: dt.date | None = None
    source_authors: str = "[]"  # JSON list
    locator: str | None = None
    claimant: str | None = Field(default=None, index=True)
    tags: str = "[]"  # JSON list
    confidence: float | None = None
    confidence_typed: str | None = None
    note: str | None = None
    file: str = Field(index=True)
    line: int = 0
    col: int = 0
    position: int = 0


class AssessmentRow(SQLModel, table=True):
    __tablename__ = "assessments"
    rowid: int | None = Field(default=None, primary_key=True)
    claim_id: str = Field(index=True)
    verdict: str
    on: dt.date
    by: str
    note: str | None = None
    evidence: str = "[]"  # JSON list of {url, quote, archived, title, stance}
    file: str = Field(index=True)
    line: int = 0
    col: int = 0


PER_FILE_TABLES = tuple(
    t if hasattr(t, "c") else t.__table__
    for t in (SETS_TABLE, PREDICTIONS_TABLE, TagRow, FORECASTS_TABLE, OUTCOMES_TABLE, ProblemRow, RejectedRow,
              SourceRow, ClaimRow, AssessmentRow)
)
