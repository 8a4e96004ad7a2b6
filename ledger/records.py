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


class PredictionSet(NamedTuple):
    """A published list of predictions: a predictions file's header with a `set:` id."""

    id: str
    title: str | None
    by: str | None
    made: dt.date | None
    about: str | None
    source: str | None
    location: SourceLocation


class Prediction(NamedTuple):
    """A question on record. `p`/`p_typed` is the published probability of a yes/no
    question; a multiple-choice or numeric question publishes `dist` instead (its
    options or quantiles, ledger.kinds) and p is None, p_typed a one-line summary."""

    id: str
    claim: str
    p: float | None
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
    kind: str = "binary"  # ledger.kinds: binary | multiple-choice | numeric
    dist: tuple = ()  # the published options (kinds.OptionP) or quantiles (kinds.Quantile)
    ordered: bool = False  # multiple choice: the options have an order (for the ranked probability score)
    unit: str | None = None  # numeric: the values' unit
    dates: bool = False  # numeric: the values are dates
    closes: dt.date | None = None  # when forecasting closes (time-weighted scores); default: due

    @property
    def options(self) -> tuple[str, ...]:
        """A multiple-choice question's options, in the order written."""
        return tuple(o.label for o in self.dist) if self.kind == "multiple-choice" else ()


class Forecast(NamedTuple):
    """A forecast someone gave a prediction at a time. A prediction's own p is forecast 0.

    A yes/no forecast has `p`; a multiple-choice or numeric one `dist` (p None,
    p_typed a one-line summary).
    """

    prediction_id: str
    p: float | None
    p_typed: str
    by: str
    at: dt.date
    location: SourceLocation
    note: str | None = None
    initial: bool = False  # the prediction's own published probability
    kind: str = "binary"
    dist: tuple = ()
    ref: str | None = None  # an imported forecast's id in its source (`ref:`, written by `pledger import`)


class Outcome(NamedTuple):
    """One resolution entry for one prediction. Later corrections supersede earlier entries.

    `result` is as written: yes, no or annulled (a yes/no question), an option's
    name (multiple choice), or a value as typed (numeric). A number or date also
    gives `value` (a date as its day number, with value_is_date): which of these
    fits is checked against the prediction's kind when the index is refreshed.
    """

    prediction_id: str
    result: str
    on: dt.date
    by: str
    location: SourceLocation
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None
    correction: bool = False
    value: float | None = None
    value_is_date: bool = False


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
