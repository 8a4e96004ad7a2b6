"""Pydantic models of what may be written in a ledger file, key by key.

Unknown keys are errors (a typo must not be dropped silently). These models
check one record at a time; cross-record rules (unique ids, references to known
ids) live in `ledger.checks`. After validation the store turns them into the
plain records of `ledger.records`, filling in what a file's header supplies.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator

from .kinds import BINARY_RESULTS, check_unit, parse_options, parse_quantiles, parse_result
from .probability import Probability, parse_probability
from .text import unstorable
from .vocabulary import MAX_ID_LENGTH
from .vocabulary import verdict as _verdict

SLUG_PATTERN = r"[a-z0-9][a-z0-9._-]*"
_SLUG = re.compile(rf"^{SLUG_PATTERN}$")
MAX_TEXT_LENGTH = 20_000
RESULTS = BINARY_RESULTS  # a yes/no question's results; other kinds resolve to an option or a value (ledger.kinds)


def check_slug(value: str, what: str = "id") -> str:
    """Ids and tags are slugs, never paths."""
    if len(value) <= MAX_ID_LENGTH and _SLUG.match(value):
        return value
    if "/" in value or "\\" in value or value.startswith(".") or ".." in value:
        raise ValueError(
            f"{what} {value!r} looks like a path; {what}s are slugs: lowercase letters, digits, '.', '_' and '-'"
        )
    if not _SLUG.match(value):
        raise ValueError(
            f"{what} {value!r} is not a slug: start with a lowercase letter or digit, then use a-z 0-9 . _ -"
        )
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"{what} is {len(value)} characters long; keep it under {MAX_ID_LENGTH}")
    return value


def _id(value: Any) -> Any:
    if isinstance(value, str):
        return check_slug(value, "id")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"id {value!r} is a number; ids are slugs: quote it or add letters, e.g. 'p{value}'")
    return value


def _tag(value: Any) -> Any:
    return check_slug(value, "tag") if isinstance(value, str) else value


def _text(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("is empty; write some text or remove the key")
        if len(value) > MAX_TEXT_LENGTH:
            raise ValueError(f"is {len(value)} characters long; the limit is {MAX_TEXT_LENGTH}")
        why = unstorable(value)
        if why:
            raise ValueError(why)
    return value


def _date(value: Any) -> Any:
    # Plain dates only: pydantic would read a bare number as a Unix timestamp.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None
    raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD")


# Schemes a published page must never link: a source may be free text
# ("arXiv:2401.00001", "the 2024 post"), but not a script or a local file.
_UNSAFE_SCHEME = re.compile(r"\s*(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def source_text(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str) and _UNSAFE_SCHEME.match(value):
        scheme = value.split(":", 1)[0].strip().lower()
        raise ValueError(f"{value!r} is a {scheme}: link, which a published page must never carry; give a web "
                         "address (http:// or https://) or say where in words")
    return value


def _url(value: Any) -> Any:
    if isinstance(value, str) and not value[:8].lower().startswith(("http://", "https://")):  # schemes ignore case
        raise ValueError(f"{value!r} is not a web address; links must start with http:// or https://")
    if isinstance(value, str) and not _has_host(value):  # a post links only a URL with a host (report.escape)
        raise ValueError(f"{value!r} has no host; write the whole address, as https://example.org/page")
    why = unstorable(value) if isinstance(value, str) else None
    if why:
        raise ValueError(why)
    return value


def _has_host(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        return bool(urlsplit(url.strip()).netloc)
    except ValueError:  # an unbalanced [ in the host part
        return False


def _list_of(value: Any) -> Any:
    # A single tag may be written without brackets.
    return [value] if isinstance(value, str) else value


Id = Annotated[str, BeforeValidator(_id)]
Tag = Annotated[str, BeforeValidator(_tag)]
Text = Annotated[str, AfterValidator(_text)]
Name = Annotated[str, AfterValidator(_text)]
# Where an imported forecast came from, as the source names it ("manifold:<bet id>"): `import` matches on it.
Ref = Annotated[str, AfterValidator(_text)]
SourceText = Annotated[str, AfterValidator(source_text)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Url = Annotated[str, AfterValidator(_url)]
ResultInput = Annotated[Any, PlainValidator(parse_result)]  # kinds.ResultValue
ProbabilityInput = Annotated[Probability, PlainValidator(parse_probability)]
OptionsInput = Annotated[Any, PlainValidator(parse_options)]  # tuple of kinds.OptionP
QuantilesInput = Annotated[Any, PlainValidator(parse_quantiles)]  # kinds.QuantileSet
Tags = Annotated[list[Tag], BeforeValidator(_list_of)]
Ids = Annotated[list[Id], BeforeValidator(_list_of)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class EvidenceIn(_Record):
    """A piece of evidence: a link, a quote from it, an archived copy."""

    url: Url | None = None
    quote: Text | None = None
    archived: Url | None = None
    title: Text | None = None
    stance: Literal["for", "against"] | None = None


class InlineForecastIn(_Record):
    """A forecast written inside a prediction: an update, or someone else's probability.

    It gives what its prediction gives: `p`, `options` or `quantiles` (store.read checks).
    """

    p: ProbabilityInput | None = None
    options: OptionsInput | None = None
    quantiles: QuantilesInput | None = None
    by: Name | None = None
    at: Date | None = None
    note: Text | None = None
    ref: Ref | None = None


class PredictionIn(_Record):
    """One prediction. Exactly one of `p` (yes/no), `options` (multiple choice) or
    `quantiles` (numeric) gives its published forecast (store.read checks)."""

    id: Id
    claim: Text
    p: ProbabilityInput | None = None
    by: Name | None = None
    made: Date | None = None
    due: Date | None = None
    about: Text | None = None
    criteria: Text | None = None
    tags: Tags = Field(default_factory=list)
    source: SourceText | None = None
    tests: Ids = Field(default_factory=list)
    note: Text | None = None
    # Each validated on its own (store.read): one bad forecast leaves out that forecast, not the prediction.
    forecasts: list[Any] = Field(default_factory=list)
    options: OptionsInput | None = None
    ordered: bool = False
    quantiles: QuantilesInput | None = None
    unit: Annotated[str, PlainValidator(check_unit)] | None = None
    closes: Date | None = None
    ref: Ref | None = None  # the source's id for the prediction's own forecast (written by `pledger import`)


class SetHeaderIn(_Record):
    """The keys of a predictions file other than its list: they apply to every item."""

    set: Id | None = None
    title: Text | None = None
    by: Name | None = None
    made: Date | None = None
    due: Date | None = None
    about: Text | None = None
    source: SourceText | None = None
    tags: Tags = Field(default_factory=list)


class ForecastIn(_Record):
    """A forecast in a forecasts file: `p`, `options` or `quantiles`, as its prediction takes
    (checked against the prediction when the index is refreshed)."""

    prediction: Id
    p: ProbabilityInput | None = None
    options: OptionsInput | None = None
    quantiles: QuantilesInput | None = None
    by: Name
    at: Date
    note: Text | None = None
    ref: Ref | None = None


class ResultDetailIn(_Record):
    result: ResultInput
    on: Date | None = None  # when this result differs from the entry's date (imports carry one per question)
    note: Text | None = None
    evidence: list[EvidenceIn] = Field(default_factory=list)


class OutcomeHeaderIn(_Record):
    """An outcome file: one resolution entry, for one or more predictions."""

    on: Date
    by: Name
    evidence: list[EvidenceIn] = Field(default_factory=list)
    note: Text | None = None
    correction: bool = False


Verdict = Annotated[str, PlainValidator(_verdict)]
Names = Annotated[list[Name], BeforeValidator(_list_of)]


class SourceIn(_Record):
    """Where a claim was made. Shared sources (in a `sources:` list) need an id."""

    id: Id | None = None
    title: Text | None = None
    url: Url | None = None
    date: Date | None = None
    authors: Names = Field(default_factory=list)
    locator: Text | None = None


def _source(value: Any) -> Any:
    # `source: https://...` is a source with only a link; `source: slug` refers to a
    # shared source, which is a source mapping holding nothing but its id.
    if isinstance(value, str):
        return {"url": value} if "://" in value or value.startswith(("http:", "https:")) else {"id": value}
    return value


SourceRef = Annotated[SourceIn, BeforeValidator(_source)]


class ClaimIn(_Record):
    id: Id
    quote: Text
    source: SourceRef | None = None
    locator: Text | None = None
    claimant: Name | None = None
    tags: Tags = Field(default_factory=list)
    confidence: ProbabilityInput | None = None
    note: Text | None = None


class ClaimsHeaderIn(_Record):
    """The keys of a claims file other than its lists: defaults for every claim in it."""

    claimant: Name | None = None
    source: SourceRef | None = None
    tags: Tags = Field(default_factory=list)


class AssessmentIn(_Record):
    claim: Id
    verdict: Verdict
    on: Date
    by: Name
    evidence: list[EvidenceIn] = Field(default_factory=list)
    note: Text | None = None




def is_finite_probability(p: Probability) -> bool:
    return not math.isnan(p.value)
