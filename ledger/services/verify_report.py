"""What `pledger verify` reports: commits as evidence, findings, each prediction's and each set's
verdict, seal checks, and the report as a whole with its exit code and --json form
(docs/verify.md#json). Plain values: services.verify makes them, the CLI and the
scorecard render them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

SEVERITY = {"ok": 0, "info": 1, "warn": 2, "unknown": 3, "fail": 4}
# A commit more than this much after it was authored was rewritten (rebase, amend, cherry-pick);
# a commit dated more than this much before its parent was dated by hand or by a wrong clock.
REWRITE_SLACK = 24 * 3600


@dataclass(frozen=True)
class CommitRef:
    """A commit as evidence: its id and its two dates, each in the time zone it was recorded in."""

    sha: str
    author_time: int
    author_tz: str
    committer_time: int
    committer_tz: str
    effective_time: int  # committer time, or a later parent's: a commit is never made before its parent
    signature: str = "none"  # none | good | unknown-key | bad | unchecked | expired | revoked (docs/verify.md)
    signer: str = ""
    key: str = ""
    shallow: bool = False  # the edge of a shallow clone: the history before it is missing

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def committed_on(self) -> dt.date:
        return _local_day(self.effective_time, self.committer_tz)

    @property
    def authored_on(self) -> dt.date:
        return _local_day(self.author_time, self.author_tz)

    @property
    def rewritten(self) -> bool:
        return self.committer_time - self.author_time > REWRITE_SLACK

    def to_dict(self) -> dict:
        return {
            "commit": self.sha, "short": self.short,
            "author_date": _iso(self.author_time, self.author_tz),
            "committer_date": _iso(self.committer_time, self.committer_tz),
            "effective_date": _iso(self.effective_time, self.committer_tz),
            "signature": self.signature, "signer": self.signer or None, "key": self.key or None,
            "rewritten": self.rewritten, "shallow_edge": self.shallow,
        }


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # info | warn | unknown | fail
    message: str
    commit: CommitRef | None = None
    also: tuple[CommitRef, ...] = ()  # other commits the message names (the report links each)

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "commit": self.commit.sha if self.commit else None}


@dataclass(frozen=True)
class Edit:
    """A prediction's text changing between two versions on record."""

    commit: CommitRef | None  # None: the change is not committed yet
    fields: tuple[str, ...]
    before: dict
    after: dict
    substantive: bool  # changes what it claims (not only tags, notes, source, tests, set)

    def to_dict(self, commits: dict) -> dict:
        return {"commit": _ref(self.commit, commits), "fields": list(self.fields),
                "before": {k: self.before.get(k) for k in self.fields},
                "after": {k: self.after.get(k) for k in self.fields}, "substantive": self.substantive}


@dataclass(frozen=True)
class RecordCheck:
    """A forecast or outcome entry of a prediction: since when it is on record."""

    type: str  # forecast | outcome
    fields: dict
    since: CommitRef | None
    findings: tuple[Finding, ...] = ()

    def to_dict(self, commits: dict) -> dict:
        return {"type": self.type, "record": self.fields, "since": _ref(self.since, commits),
                "committed": self.since is not None, "findings": [f.to_dict() for f in self.findings]}


@dataclass(frozen=True)
class PredictionCheck:
    id: str
    set_id: str | None
    status: str
    resolved_on: dt.date | None
    due: dt.date | None
    made: dt.date
    verdict: str  # ok | info | warn | unknown | fail
    first: CommitRef | None  # the first commit holding any version of it
    since: CommitRef | None  # the first commit holding what it claims now: the verdict's date
    unchanged_since: CommitRef | None  # the first commit holding it exactly as it is
    findings: tuple[Finding, ...] = ()
    edits: tuple[Edit, ...] = ()
    forecasts: tuple[RecordCheck, ...] = ()
    outcomes: tuple[RecordCheck, ...] = ()

    @property
    def late(self) -> bool:
        """Added or edited late: what a scorecard marks beside the prediction."""
        return any(f.code in LATE_CODES for f in self.findings)

    @property
    def vs_resolution(self) -> str | None:
        """Where `since` lies against the resolution day (side_of), None when either is missing."""
        return side_of(self.since, self.resolved_on) if self.since and self.resolved_on else None

    @property
    def vs_due(self) -> str | None:
        return side_of(self.since, self.due) if self.since and self.due else None

    def to_dict(self, commits: dict) -> dict:
        return {
            "id": self.id, "set": self.set_id, "status": self.status,
            "resolved_on": self.resolved_on, "due": self.due, "made": self.made, "verdict": self.verdict,
            "committed": self.unchanged_since is not None,
            "vs_resolution": self.vs_resolution, "vs_due": self.vs_due,
            "first_commit": _ref(self.first, commits), "since": _ref(self.since, commits),
            "unchanged_since": _ref(self.unchanged_since, commits),
            "late": self.late, "findings": [f.to_dict() for f in self.findings],
            "edits": [e.to_dict(commits) for e in self.edits],
            "forecasts": [r.to_dict(commits) for r in self.forecasts],
            "outcomes": [r.to_dict(commits) for r in self.outcomes],
        }


LATE_CODES = frozenset({"added-late", "edited-late", "not-on-record", "added-with-outcome"})


@dataclass(frozen=True)
class Evidence:
    kind: str  # dates | signature | tag | seal
    strength: str  # claim | signature | seal
    text: str
    commit: CommitRef | None = None
    url: str | None = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "strength": self.strength, "text": self.text,
                "commit": self.commit.sha if self.commit else None, "url": self.url}


@dataclass(frozen=True)
class SealCheck:
    """A seal against the ledger as it is: which sealed records it still holds."""

    digest: str
    found: str  # where its records came from: "file PATH", "ledger seals/X.json", "history ...", or ""
    sealed: int
    held: int
    changed: tuple[dict, ...] = ()  # {type, prediction, what, fields}
    added: tuple[dict, ...] = ()
    unsealed: tuple[str, ...] = ()  # selected predictions the seal does not cover
    made: str | None = None
    published: tuple[str, ...] = ()
    committed: CommitRef | None = None
    path: str | None = None
    predictions: tuple[str, ...] = ()

    @property
    def holds(self) -> bool:
        return bool(self.found) and self.held == self.sealed and not self.changed

    def to_dict(self, commits: dict) -> dict:
        return {"digest": self.digest, "found": self.found or None, "holds": self.holds, "sealed": self.sealed,
                "held": self.held, "changed": list(self.changed), "added": list(self.added),
                "unsealed": list(self.unsealed), "made": self.made, "published": list(self.published),
                "committed": _ref(self.committed, commits), "path": self.path}


@dataclass(frozen=True)
class SetVerdict:
    set_id: str | None
    title: str | None
    verdict: str
    headline: str  # "all 10 predictions on record before their resolution, unchanged since"
    predictions: int
    since: tuple[CommitRef, ...]  # the first and last commit its predictions are unchanged since (one when the same)
    evidence: tuple[Evidence, ...]
    rests_on: tuple[str, ...]
    counts: dict
    findings: tuple[Finding, ...] = ()
    seals: tuple[SealCheck, ...] = ()

    def sentence(self) -> str:
        """The headline with its commit(s): "...: commit 1a2b3c4, 2024-05-05"."""
        if not self.since:
            return self.headline
        first, last = self.since[0], self.since[-1]
        if first.sha == last.sha:
            return f"{self.headline}: commit {first.short}, {first.committed_on.isoformat()}"
        return (f"{self.headline}: commits {first.short} ({first.committed_on.isoformat()}) to "
                f"{last.short} ({last.committed_on.isoformat()})")

    def to_dict(self, commits: dict) -> dict:
        return {
            "set": self.set_id, "title": self.title, "verdict": self.verdict, "summary": self.sentence(),
            "headline": self.headline, "predictions": self.predictions,
            "since": [_ref(c, commits) for c in self.since],
            "evidence": [e.to_dict() for e in self.evidence], "rests_on": list(self.rests_on), "counts": self.counts,
            "findings": [f.to_dict() for f in self.findings], "seals": [s.to_dict(commits) for s in self.seals],
        }


@dataclass(frozen=True)
class VerifyReport:
    available: bool
    reason: str = ""  # why not, when not available
    repository: dict = field(default_factory=dict)
    selection: str = "everything"
    sets: tuple[SetVerdict, ...] = ()
    predictions: tuple[PredictionCheck, ...] = ()
    removed: tuple[dict, ...] = ()  # {id, set, last_seen, removed_in}
    notes: tuple[Finding, ...] = ()
    seal: SealCheck | None = None
    problems: int = 0

    def verdict(self) -> str:
        worst = [p.verdict for p in self.predictions] + [f.severity for s in self.sets for f in s.findings]
        worst += [f.severity for f in self.notes] + ["warn" for _ in self.removed]
        if self.seal is not None and not self.seal.holds:
            worst.append("fail")
        return max(worst, key=SEVERITY.__getitem__, default="ok")

    def exit_code(self, strict: bool = False) -> int:
        """1 when a finding fails or a verdict cannot be told (and with strict, on any warning too)."""
        if not self.available:
            return 1
        limit = SEVERITY["warn"] if strict else SEVERITY["unknown"]
        return 1 if SEVERITY[self.verdict()] >= limit else 0

    def prediction(self, prediction_id: str) -> PredictionCheck | None:
        return self._by_id.get(prediction_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, PredictionCheck]:
        return {p.id: p for p in self.predictions}

    def set_of(self, set_id: str | None) -> SetVerdict | None:
        return next((s for s in self.sets if s.set_id == set_id), None)

    def to_dict(self, strict: bool = False) -> dict:
        """The --json object (docs/verify.md#json). Commits are named by id; `commits` details each once."""
        commits: dict[str, dict] = {}
        out = {
            "available": self.available, "reason": self.reason or None, "repository": self.repository,
            "selection": self.selection, "mode": "strict" if strict else "default", "verdict": self.verdict(),
            "exit_code": self.exit_code(strict), "problems": self.problems,
            "counts": _counts(self.predictions),
            "sets": [s.to_dict(commits) for s in self.sets],
            "predictions": [p.to_dict(commits) for p in self.predictions],
            "removed": [{**r, "first_commit": _ref(r["first_commit"], commits), "removed_in": _ref(r["removed_in"], commits)}
                        for r in self.removed],
            "notes": [n.to_dict() for n in self.notes],
            "seal": self.seal.to_dict(commits) if self.seal else None,
        }
        findings = [f for p in self.predictions for f in p.findings]
        findings += [f for p in self.predictions for r in p.forecasts + p.outcomes for f in r.findings]
        findings += [f for s in self.sets for f in s.findings] + list(self.notes)
        for f in findings:
            _ref(f.commit, commits)
        out["commits"] = dict(sorted(commits.items(), key=lambda kv: (kv[1]["effective_date"], kv[0])))
        return out


def side_of(ref: CommitRef, day: dt.date) -> str:
    """Where a commit lies against a day, by both its dates (each in its own time zone): before,
    same-day, after, or disagree (one date before the day, the other after it)."""
    sides = {_cmp(ref.committed_on, day), _cmp(ref.authored_on, day)}
    if len(sides) == 1:
        return sides.pop()
    return "disagree" if "after" in sides else "same-day"


def _cmp(a: dt.date, b: dt.date) -> str:
    return "before" if a < b else "after" if a > b else "same-day"


def _ref(c: CommitRef | None, commits: dict) -> str | None:
    """The commit's id, its details entered in `commits` (the report's table of them)."""
    if c is None:
        return None
    if c.sha not in commits:
        commits[c.sha] = c.to_dict()
    return c.sha


def _counts(predictions) -> dict:
    out = {k: 0 for k in ("ok", "info", "warn", "unknown", "fail")}
    for p in predictions:
        out[p.verdict] += 1
    out["predictions"] = len(predictions)
    return out


def _local_day(stamp: int, tz: str) -> dt.date:
    return dt.datetime.fromtimestamp(stamp, _zone(tz)).date()


def _iso(stamp: int, tz: str) -> str:
    return dt.datetime.fromtimestamp(stamp, _zone(tz)).isoformat()


@functools.lru_cache(maxsize=256)
def _zone(tz: str) -> dt.timezone:
    try:
        sign = -1 if tz.startswith("-") else 1
        hours, minutes = int(tz[1:3]), int(tz[3:5])
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    except (ValueError, IndexError):
        return dt.timezone.utc


