"""Research claims read: list and show them, and a claimant's track record.

Adding and assessing claims is services.claim_writes. Order is deterministic:
claims by (file, position in file); a claim's assessments by (on, file, line),
the last one standing. The rule that decides a tested claim's outcome and the
track record are documented in docs/claims.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from typing import Any

from ..errors import UsageError
from ..index.schema import ASSESSMENTS, CLAIMS, SOURCES
from ..index.sql import as_db, in_list
from ..vocabulary import VERDICTS
from ..vocabulary import verdict as _verdict
from ..records import Assessment, Claim, Source
from ..post_rule import points as rule_points
from .defaults import today
from .ledger import Ledger
from .select import PredictionState, rejected_error, states_of_ids

UNASSESSED = "unassessed"
# A tested claim's outcome (docs/claims.md, "When is a claim borne out").
UNTESTED, PENDING, VOID, BORNE_OUT, NOT_BORNE_OUT = "untested", "pending", "void", "borne-out", "not-borne-out"
TEST_RULE = (
    "a claim is borne out when every prediction that tests it resolved yes (annulled ones left out), "
    "not borne out when any resolved no; pending while any is unresolved"
)
POINTS_RULE = "post's rule: 1-p if it happened, -p if not"


@dataclass(frozen=True, slots=True)
class LinkedPrediction:
    """A prediction that tests a claim, with its standing and its points under the post's rule."""

    state: PredictionState
    points: float | None


@dataclass(frozen=True, slots=True)
class ClaimState:
    """A claim with its source, every assessment in order, and the predictions that test it."""

    claim: Claim
    source: Source | None  # the shared source it refers to, or its own
    assessments: tuple[Assessment, ...] = ()
    tests: tuple[LinkedPrediction, ...] = ()

    @property
    def current(self) -> Assessment | None:
        return self.assessments[-1] if self.assessments else None

    @property
    def verdict(self) -> str:
        return self.current.verdict if self.current else UNASSESSED

    @property
    def test_outcome(self) -> str:
        """untested, pending, void (all annulled), borne-out or not-borne-out."""
        if not self.tests:
            return UNTESTED
        if any(t.state.outcome is None for t in self.tests):
            return PENDING
        happened = [t.state.happened for t in self.tests if t.state.happened is not None]
        if not happened:
            return VOID
        return BORNE_OUT if all(happened) else NOT_BORNE_OUT

    @property
    def verdict_changes(self) -> list[tuple[Assessment, Assessment]]:
        """(before, after) for each assessment whose verdict differs from the one before it."""
        a = self.assessments
        return [(a[i - 1], a[i]) for i in range(1, len(a)) if a[i].verdict != a[i - 1].verdict]


@dataclass(frozen=True, slots=True)
class ScoredClaim:
    claim_id: str
    confidence: float
    outcome: int  # 1 borne out, 0 not
    points: float  # outcome - confidence (the post's rule)
    brier: float  # (confidence - outcome)^2


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """A claimant's record: current verdicts counted; claims with a stated confidence scored once tested."""

    claimant: str
    claims: int
    verdicts: dict[str, int]
    tested: dict[str, int]  # test outcome -> count
    scored: tuple[ScoredClaim, ...] = ()
    awaiting: int = 0  # claims with a confidence whose tests are pending or untested
    brier: float | None = None
    points: float | None = None
    rules: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.scored)

    def to_dict(self) -> dict:
        return {
            "claimant": self.claimant, "claims": self.claims, "verdicts": self.verdicts, "tested": self.tested,
            "scored": {"n": self.n, "brier": self.brier, "points": self.points, "awaiting": self.awaiting,
                       "claims": [{"id": s.claim_id, "confidence": s.confidence, "outcome": s.outcome,
                                   "points": s.points, "brier": s.brier} for s in self.scored]},
            "rules": self.rules,
        }


# -- writing -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    """Which claims a command works on. Empty fields select everything."""

    source: str | None = None  # a source's url or a shared source's id
    claimant: str | None = None  # matched ignoring case
    tags: tuple[str, ...] = ()
    verdict: str | None = None  # a current verdict, or "unassessed"

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in (
            ("source", self.source), ("claimant", self.claimant), ("tag", ",".join(self.tags) or None),
            ("verdict", self.verdict),
        ) if v]
        return " ".join(parts) or "everything"


def check_verdict_filter(verdict: str | None, argument: str = "--verdict") -> str | None:
    if verdict is None or verdict.strip().lower() == UNASSESSED:
        return None if verdict is None else UNASSESSED
    try:
        return _verdict(verdict)
    except ValueError as exc:
        raise UsageError(f"{argument}: {exc}, or {UNASSESSED}", argument) from None


def list_claims(ledger: Ledger, selection: ClaimFilter = ClaimFilter()) -> list[ClaimState]:
    with ledger.connect() as conn:
        return claim_states(conn, selection)


def claim_detail(ledger: Ledger, claim_id: str) -> ClaimState | None:
    with ledger.connect() as conn:
        states = claim_states(conn, ClaimFilter(), ids=(claim_id,))
        rejected = None if states else rejected_error(conn, "claim", claim_id)
    if rejected:
        raise rejected
    return states[0] if states else None


def claim_states(conn, selection: ClaimFilter, ids: tuple[str, ...] = ()) -> list[ClaimState]:
    db = as_db(conn)
    params: dict[str, Any] = {}
    where = f"WHERE c.id IN {in_list('c', ids, params)} " if ids else ""
    claims = [CLAIMS.record_from(r) for r in db.rows(
        f"SELECT {CLAIMS.select_sql('c')} FROM claims c {where}ORDER BY c.file, c.position, c.rowid", params)]
    shared: dict[str, Source] = {}
    for r in db.rows(f"SELECT {SOURCES.select_sql('s')} FROM sources s ORDER BY s.file, s.line"):
        source = SOURCES.record_from(r)
        shared.setdefault(source.id, source)  # a duplicate id is a check problem; the first one stands
    wanted = [c for c in claims if _matches(c, shared, selection)]
    if not wanted:
        return []
    claim_ids = [c.id for c in wanted]
    history = _assessments(db, claim_ids)
    tests = _linked_predictions(db, set(claim_ids))
    states = [
        ClaimState(c, shared.get(c.source_ref) if c.source_ref else c.source, tuple(history.get(c.id, ())),
                   tuple(tests.get(c.id, ())))
        for c in wanted
    ]
    if selection.verdict:
        states = [s for s in states if s.verdict == selection.verdict]
    return states


def track_record(states: Iterable[ClaimState], claimant: str) -> TrackRecord:
    """The record of the claims whose claimant is `claimant` (ignoring case). See docs/claims.md."""
    mine = [s for s in states if (s.claim.claimant or "").lower() == claimant.lower()]
    verdicts = {v: 0 for v in (*VERDICTS, UNASSESSED)}
    tested = {k: 0 for k in (BORNE_OUT, NOT_BORNE_OUT, PENDING, VOID, UNTESTED)}
    scored, awaiting = [], 0
    for s in mine:
        verdicts[s.verdict] += 1
        outcome = s.test_outcome
        tested[outcome] += 1
        c = s.claim.confidence
        if c is None:
            continue
        if outcome in (BORNE_OUT, NOT_BORNE_OUT):
            o = 1 if outcome == BORNE_OUT else 0
            scored.append(ScoredClaim(s.claim.id, c, o, rule_points(c, o), (c - o) ** 2))
        elif outcome != VOID:
            awaiting += 1
    brier = points = None
    if scored:
        from ..scoring import brier as brier_score, gap

        p = [s.confidence for s in scored]
        o = [s.outcome for s in scored]
        brier, points = brier_score(p, o).score, gap(p, o).total
    name = mine[0].claim.claimant if mine else claimant
    rules = {
        "outcome": TEST_RULE,
        "brier": "mean (confidence - outcome)^2 over scored claims, 0-1 scale, lower is better",
        "points": f"sum of outcome - confidence over scored claims ({POINTS_RULE}); not a proper score",
        "verdicts": "each claim's current (latest) assessment",
    }
    return TrackRecord(name, len(mine), verdicts, tested, tuple(scored), awaiting, brier, points, rules)


def points(state: PredictionState) -> float | None:
    """The post's rule on the published p (PredictionState.points, from the scoring engine)."""
    return state.points


# -- helpers -----------------------------------------------------------------


def _matches(c: Claim, shared: dict[str, Source], f: ClaimFilter) -> bool:
    if f.claimant and (c.claimant or "").lower() != f.claimant.lower():
        return False
    if f.tags and not set(f.tags) <= set(c.tags):
        return False
    if f.source:
        src = shared.get(c.source_ref) if c.source_ref else c.source
        if c.source_ref != f.source and not (src and src.url and src.url in _url_variants(f.source)):
            return False
    return True


def _url_variants(url: str) -> list[str]:
    # A trailing slash is not a different page to a reader.
    base = url.rstrip("/")
    return [base, base + "/"]


def _assessments(db, claim_ids: list[str]) -> dict[str, list[Assessment]]:
    params: dict[str, Any] = {}
    where = f"WHERE a.claim_id IN {in_list('a', claim_ids, params)} " if len(claim_ids) <= 500 else ""
    out: dict[str, list[Assessment]] = {}
    for r in db.rows(f'SELECT {ASSESSMENTS.select_sql("a")} FROM assessments a {where}'
                     'ORDER BY a.claim_id, a."on", a.file, a.line', params):
        a = ASSESSMENTS.record_from(r)
        out.setdefault(a.claim_id, []).append(a)
    return out


def _linked_predictions(db, claim_ids: set[str]) -> dict[str, list[LinkedPrediction]]:
    links: dict[str, list[str]] = {}
    for pid, tests in db.rows("SELECT p.id, p.tests FROM predictions p WHERE p.tests != '[]'"):
        for claim_id in json.loads(tests):
            if claim_id in claim_ids:
                links.setdefault(claim_id, []).append(pid)
    if not links:
        return {}
    pred_ids = sorted({i for ids in links.values() for i in ids})
    states = {s.prediction.id: s for s in states_of_ids(db, pred_ids, today())}
    order = {pid: i for i, pid in enumerate(states)}  # ledger order (made, file, position)
    return {
        claim_id: [LinkedPrediction(states[i], points(states[i])) for i in sorted(set(ids) & states.keys(), key=order.get)]
        for claim_id, ids in links.items()
    }
