"""The ledger's records after loading: plain, immutable, with their source location.

These are what the index stores and what services return. Header values are
already filled in (a prediction's `by` may come from its file's header).
The per-record types are NamedTuples: immutable, and cheap to make by the
hundred thousand (a frozen dataclass costs several times more to construct).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from .errors import SourceLocation


class Evidence(NamedTuple):
    url: str | None = None
    quote: str | None = None
    archived: str | None = None
    title: str | None = None
    stance: str | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in zip(self._fields, self) if v}


@dataclass(frozen=True, slots=True)
class PredictionSet:
    id: str
    title: str | None
    by: str | None
    made: dt.date | None
    about: str | None
    source: str | None
    location: SourceLocation


class Prediction(NamedTuple):
    id: str
    claim: str
    p: float
    p_typed: str
    by: str
    made: dt.date
    location: SourceLocation
    position: int  # order within its file: the order the set was published in
    set_id: str | None = None
    due: dt.date | None = None
    about: str | None = None
    criteria: str | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    tests: tuple[str, ...] = ()
    note: str | None = None


class Forecast(NamedTuple):
    """A probability someone gave a prediction at a time. A prediction's own p is forecast 0."""

    prediction_id: str
    p: float
    p_typed: str
    by: str
    at: dt.date
    location: SourceLocation
    note: str | None = None
    initial: bool = False  # the prediction's own published probability
    ref: str | None = None  # the source's id for an imported forecast (`ref:`)


class Outcome(NamedTuple):
    """One resolution entry for one prediction. Later corrections supersede earlier entries."""

    prediction_id: str
    result: str  # yes | no | annulled
    on: dt.date
    by: str
    location: SourceLocation
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None
    correction: bool = False


class Source(NamedTuple):
    """Where a claim was made. `id` is set for a shared source (a `sources:` entry)."""

    id: str | None = None
    title: str | None = None
    url: str | None = None
    date: dt.date | None = None
    authors: tuple[str, ...] = ()
    location: SourceLocation | None = None


class Claim(NamedTuple):
    """A research claim on record: the verbatim quote and where it was made.

    `source_ref` names a shared source; otherwise `source` is the claim's own.
    """

    id: str
    quote: str
    location: SourceLocation
    position: int
    source: Source | None = None
    source_ref: str | None = None
    locator: str | None = None
    claimant: str | None = None
    tags: tuple[str, ...] = ()
    confidence: float | None = None
    confidence_typed: str | None = None
    note: str | None = None


class Assessment(NamedTuple):
    """A judgement of a claim at a time. A later assessment supersedes an earlier one."""

    claim_id: str
    verdict: str
    on: dt.date
    by: str
    location: SourceLocation
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None


@dataclass(slots=True)
class FileRecords:
    """Everything one ledger file holds, and what is wrong with it."""

    path: str
    kind: str | None = None
    sets: list[PredictionSet] = field(default_factory=list)
    predictions: list[Prediction] = field(default_factory=list)
    forecasts: list[Forecast] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    problems: list = field(default_factory=list)
    # (kind, id) of records left out for a reported problem: a reference to one is not "unknown".
    rejected: list[tuple[str, str]] = field(default_factory=list)
