"""Proof on record: since when each prediction is in the ledger's git history, and whether it changed.

`verify(ledger, selection)` reads the history once (store.history: one `git log`,
one `git cat-file --batch`), reads each version of each ledger file into records
(store.versions, re-reading only changed items), and keys every record by its
canonical form (ledger.seal): moving or reformatting a record is no change,
editing what it says is. For each selected prediction it finds

* the first commit that holds it at all, and the first that holds what it
  claims now (claim, criteria, p, dates, author; annotations such as tags and
  notes aside): the verdict's date, "on record since";
* whether that is before its resolution (the earliest `on` of its outcome
  entries) and its due date, by the commit's dates in the committer's own time
  zone; a commit dated on the resolution day cannot show which came first;
* edits since the first commit, forecasts and outcome entries rewritten rather
  than appended, predictions committed after (or with) their outcome, records
  not committed yet, predictions removed from the ledger;
* the evidence the verdict rests on: committer dates (claims whoever commits
  makes: GIT_COMMITTER_DATE sets any date, a rebase sets new ones), signatures
  on those commits and on tags that contain them, and seals kept in the ledger.

Committer dates are taken at their latest: a commit cannot be made before its
parent, so one dated earlier than a parent counts from its parent's date. When
the author and committer dates put a commit on different sides of the
resolution (a rewritten commit), the verdict is "cannot tell", not a guess.

docs/verify.md says what each verdict rests on and which findings fail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import LedgerError
from ..seal import ANNOTATIONS, Leaf, Seal, SealError, leaves_of, parse_digest
from .select import Selection

SEALS_DIR = "seals"
SEVERITY = {"ok": 0, "info": 1, "warn": 2, "unknown": 3, "fail": 4}
# A commit more than this much after it was authored was rewritten (rebase, amend, cherry-pick);
# a commit dated more than this much before its parent was dated by hand or by a wrong clock.
REWRITE_SLACK = 24 * 3600
MAX_TAGS = 20  # signed tags checked (the newest); each is one `git verify-tag`


# -- what a report holds ------------------------------------------------------------------------


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

    def to_dict(self, commits: dict) -> dict:
        return {
            "id": self.id, "set": self.set_id, "status": self.status,
            "resolved_on": self.resolved_on, "due": self.due, "made": self.made, "verdict": self.verdict,
            "committed": self.unchanged_since is not None,
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


# -- the ledger as it is now -----------------------------------------------------------------------


class _Info(NamedTuple):
    """What verify needs of a prediction besides its leaf (read back from the leaf's canonical fields)."""

    set_id: str | None
    due: dt.date | None
    made: dt.date | None


@dataclass
class _Now:
    """The working tree's records: every leaf, by prediction id and type, and which file holds it."""

    leaves: dict[str, dict[str, list[Leaf]]] = field(default_factory=dict)  # pid -> type -> leaves
    predictions: dict[str, Leaf] = field(default_factory=dict)  # pid -> its leaf (ids defined once)
    records: dict[str, _Info] = field(default_factory=dict)  # pid -> set, due, made
    outcome_days: dict[str, list[dt.date]] = field(default_factory=dict)
    files: dict[str, tuple[str, list[Leaf]]] = field(default_factory=dict)  # ledger-relative path -> (blob, leaves)
    seals: list[tuple[str, Seal | None, str]] = field(default_factory=list)  # (path, seal, problem)


def ledger_file_bytes(root: Path, object_format: str = "sha1") -> dict[str, tuple[str, bytes]]:
    """Each ledger file of the working tree: its bytes and the blob id git would give them."""
    from ..store.discover import entry_bytes, ledger_files
    from ..store.history import blob_id

    out = {}
    for lf in ledger_files(root):
        data, _problem = entry_bytes(root, lf)  # a skipped entry or unreadable file: `check` reports it
        if data is not None:
            out[lf.path] = (blob_id(data, object_format), data)
    return out


def read_now(root: Path, object_format: str = "sha1", files=None, known: dict[str, list[Leaf]] | None = None) -> _Now:
    """Every record of the working tree, read as the ledger reads it (store.read). `known` gives the
    leaves of blobs already read (from the history): a file holding one of them is not read again."""
    from ..store.read import read_file

    files = ledger_file_bytes(root, object_format) if files is None else files
    known = known or {}
    now = _Now()
    seen_ids: dict[str, int] = {}
    for rel, (blob, data) in files.items():
        leaves = known.get(blob)
        if leaves is None:
            leaves = leaves_of(read_file(root, rel, data))
        now.files[rel] = (blob, leaves)
        for leaf in leaves:
            now.leaves.setdefault(leaf.prediction, {}).setdefault(leaf.type, []).append(leaf)
            if leaf.type == "prediction":
                seen_ids[leaf.prediction] = seen_ids.get(leaf.prediction, 0) + 1
                now.predictions[leaf.prediction] = leaf
                fields = leaf.fields()
                now.records[leaf.prediction] = _Info(fields.get("set"), _day(fields.get("due")), _day(fields.get("made")))
            elif leaf.type == "outcome":
                now.outcome_days.setdefault(leaf.prediction, []).append(_day(leaf.fields()["on"]))
    for pid, n in seen_ids.items():
        if n > 1:  # ambiguous: never verified (as never listed or scored)
            now.predictions.pop(pid, None)
            now.records.pop(pid, None)
    seal_dir = root / SEALS_DIR
    if seal_dir.is_dir():
        for path in sorted(seal_dir.glob("*.json")):
            rel = f"{SEALS_DIR}/{path.name}"
            try:
                now.seals.append((rel, Seal.from_file(json.loads(path.read_text(encoding="utf-8"))), ""))
            except (OSError, ValueError) as exc:
                now.seals.append((rel, None, str(exc)))
    return now


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def current_leaves(now: _Now, ids) -> list[Leaf]:
    """The leaves a seal of these predictions covers: each prediction, its forecasts, its outcome entries."""
    out: list[Leaf] = []
    for pid in ids:
        by_type = now.leaves.get(pid, {})
        if pid in now.predictions:
            out.append(now.predictions[pid])
        out += by_type.get("forecast", []) + by_type.get("outcome", [])
    return out


# -- the history --------------------------------------------------------------------------------------


@dataclass
class _History:
    commits: list = field(default_factory=list)  # store.history.Commit, oldest first
    index: dict[str, int] = field(default_factory=dict)
    effective: list[int] = field(default_factory=list)
    first_seen: dict[bytes, int] = field(default_factory=dict)  # leaf hash -> first commit holding it
    leaf: dict[bytes, Leaf] = field(default_factory=dict)
    substance: dict[bytes, int] = field(default_factory=dict)  # a prediction's claim -> first commit
    versions: dict[str, list[bytes]] = field(default_factory=dict)  # pid -> its versions, oldest first
    by_pid: dict[tuple[str, str], list[bytes]] = field(default_factory=dict)  # (type, pid) -> forecasts/outcomes
    removed_at: dict[bytes, int] = field(default_factory=dict)  # leaf hash -> last commit a file lost it in
    present_since: dict[bytes, int] = field(default_factory=dict)  # leaf hash -> when it last (re)appeared
    head: set[bytes] = field(default_factory=set)  # leaves HEAD holds
    head_substance: set[bytes] = field(default_factory=set)
    seals: dict[bytes, tuple[int, str, Seal]] = field(default_factory=dict)  # digest -> first commit, path, seal
    moved_from: dict[str, tuple[str, int]] = field(default_factory=dict)  # old path -> (new path, commit)
    known: dict[str, list[Leaf]] = field(default_factory=dict)  # the leaves of the working tree's and HEAD's blobs
    ledger_files_in_head: int = 0
    reads: tuple[int, int] = (0, 0)


def _is_ledger_rel(rel: str) -> bool:
    from ..store.discover import SUFFIXES

    return rel.endswith(SUFFIXES) and not any(part.startswith(".") for part in rel.split("/"))


def _walk(repo, files: dict[str, tuple[str, bytes]]) -> _History:
    """Read the history once. `files`: the working tree's ledger files (ledger_file_bytes); the leaves
    of their blobs and of HEAD's are kept (h.known), so the working tree is not read twice."""
    from ..store.history import cat_blobs, read_log, tree_blobs
    from ..store.versions import VersionReader

    prefix = repo.prefix
    interesting = (".yaml", ".yml", ".json")
    commits = read_log(repo, lambda path: path.endswith(interesting))
    h = _History(commits=commits, index={c.sha: i for i, c in enumerate(commits)})
    for i, c in enumerate(commits):
        parents = [h.effective[h.index[p]] for p in c.parents if p in h.index]
        h.effective.append(max([c.committer_time, *parents]))

    def in_ledger(path: str) -> str | None:
        """The path's kind in the ledger at the current prefix: "ledger", "seal" or None."""
        if not path.startswith(prefix):
            return None
        rel = path[len(prefix):]
        if rel.startswith(SEALS_DIR + "/") and rel.endswith(".json") and rel.count("/") == 1:
            return "seal"
        return "ledger" if _is_ledger_rel(rel) else None

    # Files moved into the ledger from elsewhere: follow them back (newest commit first), so a
    # ledger folder moved in one commit keeps its history (a deleted YAML file elsewhere in a
    # commit that adds ledger files is taken as moved; reading one that was not costs a parse).
    followed: dict[str, int] = {}  # path -> the commit it was moved in at (ledger before that commit)
    kinds: list[list[str | None]] = [None] * len(commits)
    for i in range(len(commits) - 1, -1, -1):
        c = commits[i]
        row = []
        for ch in c.changes:
            kind = in_ledger(ch.path)
            if kind is None and ch.path in followed and i < followed[ch.path] and ch.path.endswith((".yaml", ".yml")):
                kind = "ledger"
            row.append(kind)
        kinds[i] = row
        if any(k == "ledger" and ch.old is None and ch.new for k, ch in zip(row, c.changes)):
            for k, ch in zip(row, c.changes):
                if k is None and ch.new is None and ch.path.endswith((".yaml", ".yml")) and ch.path not in followed:
                    followed[ch.path] = i
                    moved = next((x.path for kk, x in zip(row, c.changes) if kk == "ledger" and x.new == ch.old), None)
                    if moved is not None:  # the same bytes: a move; the notes say so
                        h.moved_from[ch.path] = (moved, i)

    head_paths = {p: b for p, b in tree_blobs(repo, prefix).items() if in_ledger(p) == "ledger"}
    h.ledger_files_in_head = len(head_paths)
    wanted = set(head_paths.values()) | {blob for blob, _ in files.values()}

    order, needs, seen = [], [], set()
    for i, c in enumerate(commits):
        for kind, ch in zip(kinds[i], c.changes):
            if kind is None or ch.mode in ("120000", "160000") and ch.new is not None:
                continue
            needs.append((i, ch, kind))
            if ch.new is not None and ch.new not in seen:
                seen.add(ch.new)
                order.append(ch.new)
    reader = VersionReader()
    stream = cat_blobs(repo, order)
    done: set[str] = set()
    current, added, lost = None, set(), []

    def settle() -> None:
        """A commit's losses count once its additions are in: a record moved between files is not lost."""
        for leaf_hash in lost:
            if leaf_hash not in added:
                h.removed_at[leaf_hash] = current
        added.clear()
        lost.clear()

    for i, ch, kind in needs:
        if i != current:
            settle()
            current = i
        if ch.new is None:
            if kind == "ledger":
                lost.extend(leaf.hash for leaf in reader.drop(ch.path, ch.old) or ())
            continue
        if ch.new in done:
            if kind == "ledger":  # a version seen before: a copy, a move or a revert
                reader.same(ch.path, ch.new)
                for leaf in reader.leaves_of(ch.new) or ():
                    _note(h, leaf, i)
                    added.add(leaf.hash)
            continue
        oid, data = next(stream)
        done.add(oid)
        if data is None:
            continue
        if kind == "seal":
            try:
                seal = Seal.from_file(json.loads(data.decode("utf-8")))
            except (ValueError, UnicodeDecodeError):
                continue
            h.seals.setdefault(seal.digest, (i, ch.path, seal))
            continue
        change = reader.read(ch.path, ch.old, oid, data)
        for leaf in change.added:
            _note(h, leaf, i)
            added.add(leaf.hash)
        lost.extend(leaf.hash for leaf in change.removed or ())
        if oid in wanted:
            h.known[oid] = reader.leaves_of(oid) or []
    settle()
    for _ in stream:  # let git finish
        pass
    head_leaves = [leaf for blob in head_paths.values() for leaf in h.known.get(blob, ())]
    h.head = {leaf.hash for leaf in head_leaves}
    h.head_substance = {leaf.substance for leaf in head_leaves if leaf.substance is not None}
    h.reads = (reader.full_reads, reader.item_reads)
    return h


def _note(h: _History, leaf: Leaf, i: int) -> None:
    if leaf.hash in h.first_seen:
        if h.removed_at.get(leaf.hash, -1) >= h.present_since[leaf.hash]:
            h.present_since[leaf.hash] = i  # back after it was gone (an edit undone)
        return
    h.first_seen[leaf.hash] = i
    h.present_since[leaf.hash] = i
    h.leaf[leaf.hash] = leaf
    if leaf.type == "prediction":
        h.versions.setdefault(leaf.prediction, []).append(leaf.hash)
        h.substance.setdefault(leaf.substance, i)
    else:
        h.by_pid.setdefault((leaf.type, leaf.prediction), []).append(leaf.hash)


# -- the verdicts -------------------------------------------------------------------------------------


class _Refs:
    """CommitRefs for commit indexes, with their signatures once known."""

    def __init__(self, repo, h: _History):
        self.repo, self.h = repo, h
        self.signatures: dict[str, tuple[str, str, str]] = {}
        self._cache: dict[int, CommitRef] = {}

    def __call__(self, i: int | None) -> CommitRef | None:
        if i is None:
            return None
        ref = self._cache.get(i)
        if ref is None:
            c = self.h.commits[i]
            status, signer, key = self.signatures.get(c.sha, ("none", "", ""))
            shallow = bool(self.repo.shallow) and (c.sha in self.repo.shallow or "?" in self.repo.shallow and not c.parents)
            ref = CommitRef(c.sha, c.author_time, c.author_tz, c.committer_time, c.committer_tz,
                            self.h.effective[i], status, signer, key, shallow)
            self._cache[i] = ref
        return ref

    def load_signatures(self, indexes) -> None:
        from ..store.history import commit_signatures, signed_objects

        shas = sorted({self.h.commits[i].sha for i in indexes if i is not None})
        if not shas:
            return
        signed = signed_objects(self.repo, shas)
        checked = commit_signatures(self.repo, sorted(signed))
        for sha in signed:
            sig = checked.get(sha)
            self.signatures[sha] = (_signature_word(sig.status if sig else "E"), sig.signer if sig else "",
                                    sig.key if sig else "")
        self._cache.clear()


def _signature_word(letter: str) -> str:
    # git's %G?: G good, U valid but by a key not trusted here (for SSH: not in the allowed signers),
    # X good but expired, Y good by an expired key, R good by a revoked key, B bad, E cannot be
    # checked, N none (or none git could check: a signature is present, the signed_objects scan says).
    return {"G": "good", "U": "unknown-key", "X": "expired", "Y": "expired", "R": "revoked",
            "B": "bad"}.get(letter, "unchecked")


def _side(ref: CommitRef, day: dt.date) -> str:
    """Where a commit lies against a day, by both its dates: before, same-day, after, or disagree."""
    sides = {_cmp(ref.committed_on, day), _cmp(ref.authored_on, day)}
    if len(sides) == 1:
        return sides.pop()
    return "disagree" if "after" in sides else "same-day"


def _cmp(a: dt.date, b: dt.date) -> str:
    return "before" if a < b else "after" if a > b else "same-day"


def _changed_fields(before: dict, after: dict) -> tuple[str, ...]:
    keys = sorted(set(before) | set(after))
    return tuple(k for k in keys if before.get(k) != after.get(k))


def _is_ancestor(h: _History, older: int, newer: int) -> bool:
    """Commit `older` is `newer` or one of its ancestors."""
    if older == newer:
        return True
    if older > newer:
        return False
    stack, seen = [newer], {newer}
    while stack:
        i = stack.pop()
        for p in h.commits[i].parents:
            j = h.index.get(p)
            if j is None or j in seen or j < older:
                continue
            if j == older:
                return True
            seen.add(j)
            stack.append(j)
    return False


def _judge(pid: str, state, now: _Now, h: _History, ref: _Refs) -> PredictionCheck:
    cur = now.predictions[pid]
    record = now.records[pid]  # set, due, made
    days = now.outcome_days.get(pid, [])
    resolved = min(days) if days else None
    findings: list[Finding] = []

    versions = h.versions.get(pid, [])
    first = ref(h.first_seen[versions[0]]) if versions else None
    exact_i = h.present_since.get(cur.hash) if cur.hash in h.head else None
    since_i = h.substance.get(cur.substance) if cur.substance in h.head_substance else None
    exact, since = ref(exact_i), ref(since_i)

    # Its versions, oldest first (the current one last, if it is not committed).
    # Each version dated by the commit it first appeared in; the current one by when it (last)
    # came to stand, so an edit that was undone shows as two edits.
    chain = [(h.leaf[v], h.first_seen[v]) for v in versions]
    if cur.hash not in h.first_seen or exact_i is None:
        chain.append((cur, None))  # as it is now, not committed
    elif exact_i != h.first_seen[cur.hash]:
        chain.append((cur, exact_i))  # back to an earlier text: the change back is an edit too
    chain.sort(key=lambda item: (item[1] is None, item[1] if item[1] is not None else 0))
    edits = []
    for (a, _), (b, at_i) in zip(chain, chain[1:]):
        before, after = a.fields(), b.fields()
        edits.append(Edit(ref(at_i), _changed_fields(before, after), before, after, a.substance != b.substance))

    if since is None:
        earlier = [e for e in edits if e.substantive and e.commit is None]
        if resolved is not None:
            what = (f"its {_fields_text(earlier[-1].fields)} changed since its last commit and the change is not committed"
                    if earlier and first else "no commit holds it")
            findings.append(Finding("not-on-record", "fail",
                                    f"resolved on {resolved}, but {what}: nothing shows it was written before its resolution"))
        else:
            what = "its latest edit is" if first else "it is"
            findings.append(Finding("uncommitted", "warn", f"not on record yet: {what} not committed"))
    else:
        if exact is None:
            findings.append(Finding("uncommitted", "warn", "an edit of its notes or tags is not committed yet"))
        if resolved is not None:
            side = _side(since, resolved)
            if since.shallow and side != "before":
                findings.append(Finding("shallow", "unknown",
                                        f"the clone's history starts at {since.short} ({since.committed_on}), after its "
                                        f"resolution ({resolved}): the commit that first held it is not in this clone", since))
            elif side == "after":
                late_edits = [e for e in edits if e.substantive and e.commit is not None
                              and e.commit.sha == since.sha]
                if first is not None and first.sha != since.sha and late_edits:
                    findings.append(Finding("edited-late", "fail",
                                            f"its {_fields_text(late_edits[-1].fields)} changed on {since.committed_on} "
                                            f"({since.short}), after its resolution ({resolved})", since))
                else:
                    findings.append(Finding("added-late", "fail",
                                            f"first committed on {since.committed_on} ({since.short}), after its "
                                            f"resolution ({resolved})", since))
            elif side == "disagree":
                findings.append(Finding("dates-disagree", "unknown",
                                        f"commit {since.short} was authored on {since.authored_on}, before its resolution "
                                        f"({resolved}), but committed on {since.committed_on}, after it (a rebase, amend or "
                                        "cherry-pick rewrites a commit's date; so can anyone): this history cannot show "
                                        "which is true", since))
            elif side == "same-day":
                findings.append(Finding("same-day", "warn",
                                        f"first committed on its resolution day ({resolved}, {since.short}): a date "
                                        "cannot show which came first", since))
            elif not since.shallow:  # at a shallow clone's edge everything is "added" at once
                first_outcome = min((h.first_seen[x] for x in h.by_pid.get(("outcome", pid), ())), default=None)
                if first_outcome is not None and since_i is not None and _is_ancestor(h, first_outcome, since_i):
                    same = first_outcome == since_i
                    findings.append(Finding("added-with-outcome", "fail",
                                            ("committed in the same commit as its outcome entry" if same else
                                             f"committed after the commit that recorded its outcome "
                                             f"({ref(first_outcome).short})") + f" ({since.short})", since))
        if (record.due is not None and since.committed_on > record.due and not since.shallow
                and not any(f.severity == "fail" for f in findings)):
            findings.append(Finding("after-due", "warn",
                                    f"first committed on {since.committed_on}, after it was due ({record.due})", since))
        if since.shallow and not any(f.code == "shallow" for f in findings):
            findings.append(Finding("shallow-edge", "info",
                                    f"on record since at least {since.committed_on} ({since.short}): the clone's "
                                    "history starts there, so earlier versions cannot be seen", since))
        if since.rewritten and not any(f.code == "dates-disagree" for f in findings):
            findings.append(Finding("rewritten-commit", "info",
                                    f"commit {since.short} was committed on {since.committed_on}, more than a day after "
                                    f"it was authored ({since.authored_on}): it was rebased, amended or cherry-picked",
                                    since))
        if since.effective_time - since.committer_time > REWRITE_SLACK:
            findings.append(Finding("dated-before-parent", "info",
                                    f"commit {since.short} is dated before its parent; the parent's later date is used",
                                    since))
        if since.signature == "bad":
            findings.append(Finding("bad-signature", "fail",
                                    f"commit {since.short} carries a signature that does not verify", since))

    substantive = [e for e in edits if e.substantive]
    if substantive and not any(f.code in ("edited-late", "not-on-record") for f in findings):
        last = substantive[-1]
        when = f"on {last.commit.committed_on} ({last.commit.short})" if last.commit else "in the working tree"
        findings.append(Finding("edited", "warn",
                                f"its {_fields_text(_all_fields(substantive))} changed since its first commit "
                                f"({len(substantive)} edit{'s' if len(substantive) > 1 else ''}, the last {when})",
                                last.commit))
    annotations = [e for e in edits if not e.substantive]
    if annotations:
        findings.append(Finding("annotated", "info",
                                f"its {_fields_text(_all_fields(annotations))} changed since its first commit "
                                "(what it claims did not)", annotations[-1].commit))
    forecasts = tuple(_record_checks("forecast", pid, now, h, ref, resolved))
    outcomes = tuple(_record_checks("outcome", pid, now, h, ref, resolved))
    rewritten = _rewritten(pid, now, h, ref, resolved)
    findings += rewritten
    worst = [f.severity for f in findings] + [f.severity for r in forecasts + outcomes for f in r.findings]
    verdict = max(worst, key=SEVERITY.__getitem__, default="ok")
    return PredictionCheck(pid, record.set_id, state.status if state is not None else "open", resolved, record.due,
                           record.made, verdict, first, since, exact, tuple(findings), tuple(edits), forecasts, outcomes)


def _all_fields(edits) -> tuple[str, ...]:
    return tuple(sorted({f for e in edits for f in e.fields}))


def _fields_text(fields) -> str:
    fields = list(fields)
    if len(fields) == 1:
        return fields[0]
    return ", ".join(fields[:-1]) + " and " + fields[-1]


def _record_checks(kind: str, pid: str, now: _Now, h: _History, ref: _Refs, resolved):
    for leaf in now.leaves.get(pid, {}).get(kind, []):
        fields = leaf.fields()
        since = ref(h.first_seen.get(leaf.hash)) if leaf.hash in h.head else None
        found = []
        what = f"{kind} by {fields.get('by')} dated {fields.get('at') or fields.get('on')}"
        if since is None:
            found.append(Finding("uncommitted", "warn", f"the {what} is not committed yet"))
        elif kind == "forecast" and resolved is not None:
            at = dt.date.fromisoformat(fields["at"])
            if at <= resolved and _side(since, resolved) in ("after", "disagree"):
                found.append(Finding("forecast-late", "warn",
                                     f"the {what} was first committed on {since.committed_on}, after the resolution "
                                     f"({resolved}): policies last and all score it as made before", since))
        yield RecordCheck(kind, fields, since, tuple(found))


def _rewritten(pid: str, now: _Now, h: _History, ref: _Refs, resolved) -> list[Finding]:
    """Forecasts and outcome entries that were on record and are no longer: rewritten, not appended."""
    out = []
    for kind in ("forecast", "outcome"):
        current = now.leaves.get(pid, {}).get(kind, [])
        present = {leaf.hash for leaf in current}
        for old_hash in h.by_pid.get((kind, pid), ()):
            if old_hash in present:
                continue
            old = h.leaf[old_hash].fields()
            when = h.removed_at.get(old_hash)
            at = ref(when)
            where = f" in {at.short} ({at.committed_on})" if at else ""
            if kind == "forecast":
                pair = next((c.fields() for c in current if c.fields().get("by") == old.get("by")
                             and c.fields().get("at") == old.get("at")), None)
                what = f"forecast by {old.get('by')} dated {old.get('at')}"
                change = (f"rewritten{where}: {_fields_text(_changed_fields(old, pair))} changed"
                          + (f" (p {old.get('p')} → {pair.get('p')})" if old.get("p") != pair.get("p") else "")
                          if pair else f"removed{where}")
                out.append(Finding("forecast-rewritten", "warn", f"its {what} was {change}; updates are appended "
                                                                   "as new forecasts", at))
            else:
                pair = next((c.fields() for c in current if c.fields().get("on") == old.get("on")
                             and c.fields().get("by") == old.get("by")
                             and c.fields().get("correction") == old.get("correction")), None)
                what = f"outcome entry of {old.get('on')} ({old.get('result')})"
                if pair is not None and pair.get("result") == old.get("result"):
                    out.append(Finding("outcome-edited", "warn",
                                       f"its {what} was edited{where}: {_fields_text(_changed_fields(old, pair))} "
                                       "changed; corrections are appended as new entries", at))
                elif pair is not None:
                    out.append(Finding("outcome-rewritten", "fail",
                                       f"its {what} was rewritten{where} to {pair.get('result')} instead of being "
                                       "corrected by a new entry", at))
                else:
                    out.append(Finding("outcome-rewritten", "fail", f"its {what} was removed{where}", at))
    return out


# -- per set ----------------------------------------------------------------------------------------


# Warnings a set's headline names (others, such as an edit before the resolution, leave it whole).
_NAMED_WARNINGS = frozenset({"same-day", "uncommitted", "after-due"})


def _set_verdict(set_id, title, checks: list[PredictionCheck], ref: _Refs, tag_evidence, seals) -> SetVerdict:
    n = len(checks)
    by = {k: [c for c in checks if c.verdict == k] for k in SEVERITY}
    codes = [f.code for c in checks for f in c.findings]
    resolved = [c for c in checks if c.resolved_on is not None]
    committed = [c for c in checks if c.since is not None]
    troubled = [c for c in checks if any(f.severity in ("fail", "unknown") or f.code in _NAMED_WARNINGS
                                         for f in c.findings)]
    edited = [c for c in checks if any(f.code in ("edited", "annotated", "edited-late") for f in c.findings)]
    many = "" if n == 1 else "s"
    if not troubled:
        if n == 1:
            base = ("the prediction is on record before its resolution" if resolved
                    else "the prediction is on record (not resolved yet)")
        elif len(resolved) == n:
            base = f"all {n} predictions on record before their resolution"
        elif not resolved:
            base = f"all {n} predictions on record (none resolved yet)"
        else:
            base = (f"all {n} predictions on record ({len(resolved)} resolved, each before its resolution; "
                    f"{n - len(resolved)} pending)")
        if edited:
            base += f"; {len(edited)} edited since {'its' if len(edited) == 1 else 'their'} first commit, unchanged since"
        else:
            base += ", unchanged since"
        since = sorted({c.unchanged_since for c in checks if c.unchanged_since},
                       key=lambda r: (r.effective_time, r.sha))
        since_refs = (since[0], since[-1]) if len(since) > 1 else tuple(since)
    else:
        fine = [c for c in checks if c not in troubled]
        parts = []
        done = sum(1 for c in fine if c.resolved_on is not None)
        if done:
            parts.append(f"{done} of {n} on record before {'its' if done == 1 else 'their'} resolution")
        if len(fine) - done:
            parts.append(f"{len(fine) - done} of {n} on record, not resolved yet")
        for code, words in (("added-late", "added after {its} resolution"),
                            ("edited-late", "edited after {its} resolution"),
                            ("added-with-outcome", "committed with or after {its} outcome"),
                            ("not-on-record", "resolved but never committed"),
                            ("outcome-rewritten", "with an outcome entry rewritten"),
                            ("same-day", "first committed on {its} resolution day"),
                            ("dates-disagree", "with dates that disagree (a rewritten commit)"),
                            ("shallow", "not checkable in this shallow clone"),
                            ("uncommitted", "not committed yet"),
                            ("after-due", "first committed after {its} due date"),
                            ("bad-signature", "with a bad signature")):
            k = len({c.id for c in troubled for f in c.findings if f.code == code})
            if k:
                parts.append(f"{k} {words.format(its='its' if k == 1 else 'their')}")
        base = f"{n} prediction{many}: " + "; ".join(parts)
        since_refs = ()
    findings = []
    for s in seals:
        if not s.holds:
            findings.append(Finding("seal-broken", "warn",
                                    f"seal {s.digest[:12]}… ({s.path or s.found}) no longer holds: "
                                    f"{len(s.changed)} of its {s.sealed} records changed or are gone", s.committed))
    verdict = max([c.verdict for c in checks] + [f.severity for f in findings], key=SEVERITY.__getitem__, default="ok")
    evidence, rests_on = _evidence(checks, ref, tag_evidence, seals)
    counts = {k: len(v) for k, v in by.items()} | {"predictions": n, "resolved": len(resolved),
                                                     "committed": len(committed)}
    return SetVerdict(set_id, title, verdict, base, n, since_refs, tuple(evidence), rests_on, counts,
                      tuple(findings), tuple(seals))


def _evidence(checks, ref: _Refs, tag_evidence, seals) -> tuple[list[Evidence], tuple[str, ...]]:
    firsts = {c.since.sha: c.since for c in checks if c.since is not None}
    out, rests = [], []
    if firsts:
        rests.append("committer-dates")
        out.append(Evidence("dates", "claim",
                            "git commit dates: claims whoever commits makes (any date can be set, and a rebase or "
                            "amend sets new ones)"))
        good = [r for r in firsts.values() if r.signature == "good"]
        other = [r for r in firsts.values() if r.signature not in ("none", "good")]
        signers = sorted({r.signer for r in good if r.signer})
        who = f" by {', '.join(signers)}" if signers else ""
        if good and len(good) == len(firsts):
            rests.append("signatures")
            text = (f"the commit is signed: good signature{who}" if len(firsts) == 1 else
                    f"all {len(firsts)} first commits are signed: good signatures{who}")
            out.append(Evidence("signature", "signature", text, good[0] if len(good) == 1 else None))
        elif good:
            out.append(Evidence("signature", "signature",
                                f"{len(good)} of {len(firsts)} first commits have good signatures{who}"))
        for r in other:
            out.append(Evidence("signature", "signature", f"commit {r.short} is signed, but " + _SIGNATURE_WORDS.get(
                r.signature, f"the signature is {r.signature}"), r))
        for name, sig, contains in tag_evidence:
            if all(contains(sha) for sha in firsts):
                who = f" by {sig.signer}" if sig.signer else ""
                word = _signature_word(sig.status)
                out.append(Evidence("tag", "signature", f"signed tag {name} contains every first commit ({word} "
                                                        f"signature{who})"))
                if word == "good" and "signatures" not in rests:
                    rests.append("signed-tag")
                break
    for s in seals:
        where = s.path or s.found
        when = f", committed {s.committed.committed_on} ({s.committed.short})" if s.committed else ""
        made = f", made {s.made}" if s.made else ""
        state = "holds" if s.holds else f"broken: {len(s.changed)} records changed"
        out.append(Evidence("seal", "seal", f"seal {s.digest} ({where}, {s.sealed} records{made}{when}): {state}",
                            s.committed, s.published[0] if s.published else None))
        if s.holds and "seal" not in rests:
            rests.append("seal")
    return out, tuple(rests)


_SIGNATURE_WORDS = {
    "unchecked": "git cannot check the signature here (no public key, or no gpg.ssh.allowedSignersFile)",
    "unknown-key": "by a key this machine does not vouch for (compare it with the forecaster's published key)",
    "bad": "the signature does not verify: the commit was changed after it was signed",
}


# -- seals -------------------------------------------------------------------------------------------


def check_seal(seal: Seal | None, digest: bytes, now: _Now, selected_ids, *, found: str = "",
               committed: CommitRef | None = None, path: str | None = None) -> SealCheck:
    """The seal against the ledger now. Without its leaves (only a digest), the selection's records
    either give the same digest (every record holds) or nothing can say which changed."""
    if seal is None:
        leaves = current_leaves(now, selected_ids)
        if leaves and Seal.of(leaves).digest == digest:
            return SealCheck(digest.hex(), "the selection's records", len(leaves), len(leaves),
                             predictions=tuple(selected_ids))
        return SealCheck(digest.hex(), "", 0, 0)
    sealed_ids = tuple(dict.fromkeys(l.prediction for l in seal.leaves))
    current = current_leaves(now, sealed_ids)
    present = {l.hash for l in current}
    sealed = {l.hash for l in seal.leaves}
    changed = []
    for leaf in seal.leaves:
        if leaf.hash in present:
            continue
        old = leaf.fields()
        same_kind = now.leaves.get(leaf.prediction, {}).get(leaf.type, [])
        if leaf.type == "prediction":
            pair = now.predictions.get(leaf.prediction)
            pair_fields = pair.fields() if pair else None
        elif leaf.type == "forecast":
            pair_fields = next((c.fields() for c in same_kind if c.fields().get("by") == old.get("by")
                                and c.fields().get("at") == old.get("at")), None)
        else:
            pair_fields = next((c.fields() for c in same_kind if c.fields().get("on") == old.get("on")
                                and c.fields().get("by") == old.get("by")), None)
        changed.append({"type": leaf.type, "prediction": leaf.prediction, "what": "changed" if pair_fields else "removed",
                        "fields": list(_changed_fields(old, pair_fields)) if pair_fields else [],
                        "sealed": old, "now": pair_fields})
    added = [{"type": l.type, "prediction": l.prediction, "record": l.fields()} for l in current if l.hash not in sealed]
    unsealed = tuple(pid for pid in selected_ids if pid not in set(sealed_ids))
    return SealCheck(seal.hex, found, len(seal.leaves), len(seal.leaves) - len(changed), tuple(changed), tuple(added),
                     unsealed, seal.made, seal.published, committed, path, sealed_ids)


def load_seal_file(path: Path) -> Seal:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise LedgerError(f"cannot read the seal file {os.fspath(path)!r}: {exc.strerror}") from None
    except ValueError:
        raise LedgerError(f"{os.fspath(path)!r} is not a seal file: it is not JSON") from None
    try:
        return Seal.from_file(data)
    except SealError as exc:
        raise LedgerError(f"{os.fspath(path)!r} is not a valid seal file: {exc}") from None


# -- the whole ----------------------------------------------------------------------------------------


def verify(ledger, selection: Selection = Selection(), *, seal: str | None = None,
           today: dt.date | None = None) -> VerifyReport:
    """Check the selected predictions against the git history of the repository holding the ledger.

    `seal`: a seal digest (hex) or the path of a seal file to check the ledger against.
    Never raises because the ledger is not in git: the report says so (available=False).
    Raises LedgerError when git is missing or cannot read the repository.
    """
    from ..store.history import find_repository
    from .defaults import today as default_today
    from .select import problem_count, select_predictions

    with ledger.reader() as db:
        states = select_predictions(db, selection, today or default_today())
        problems = problem_count(db)
        titles = {}
        for sid, title in db.rows("SELECT s.id, s.title FROM sets s ORDER BY s.file, s.line"):
            titles.setdefault(sid, title)
    repo = find_repository(ledger.root)
    if repo is None:
        return VerifyReport(False, "the ledger is not in a git repository, so nothing shows when its records were "
                                   "written: commit it to a git repository (`git init`, `git add`, `git commit`)",
                            selection=selection.describe(), problems=problems)
    root = Path(ledger.root)
    with _gc_paused():
        return _verify(ledger, selection, seal, repo, root, states, problems, titles)


@contextlib.contextmanager
def _gc_paused():
    """The walk makes a record for every version of everything and no reference cycles worth
    collecting: the cyclic collector would rescan them again and again (as in store.read)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _verify(ledger, selection, seal, repo, root: Path, states, problems, titles) -> VerifyReport:
    files = ledger_file_bytes(root, repo.object_format)
    h = _walk(repo, files)
    now = read_now(root, repo.object_format, files, h.known)
    ref = _Refs(repo, h)
    ids = [s.prediction.id for s in states if s.prediction.id in now.predictions]
    state_of = {s.prediction.id: s for s in states}

    # Signatures of the commits verdicts rest on (a second, small git process; none when unsigned).
    firsts = set()
    for pid in ids:
        leaf = now.predictions[pid]
        if leaf.substance in h.head_substance:
            firsts.add(h.substance.get(leaf.substance))
    ref.load_signatures(firsts)
    checks = [_judge(pid, state_of.get(pid), now, h, ref) for pid in ids]
    tag_evidence = _tag_evidence(repo, h)

    seal_checks = _ledger_seals(now, h, ref)
    sets = []
    groups: dict[str | None, list[PredictionCheck]] = {}
    for c in checks:
        groups.setdefault(c.set_id, []).append(c)
    for set_id, members in groups.items():
        member_ids = {c.id for c in members}
        covering = [s for s in seal_checks if member_ids & set(s.predictions)]
        sets.append(_set_verdict(set_id, titles.get(set_id), members, ref, tag_evidence, covering))

    explicit = _explicit_seal(seal, now, h, ref, ids) if seal is not None else None
    removed = _removed(selection, now, h, ref)
    for r in removed:  # said where the set's verdict is read, too
        for i, sv in enumerate(sets):
            if sv.set_id == r["set"]:
                gone = f" in {r['removed_in'].short}" if r["removed_in"] else ""
                found = Finding("removed", "warn", f"prediction {r['id']} was on record and was removed{gone}: "
                                                   "a prediction that did not happen is annulled or resolved no, "
                                                   "never deleted")
                sets[i] = SetVerdict(**{**sv.__dict__, "findings": sv.findings + (found,),
                                        "verdict": max(sv.verdict, "warn", key=SEVERITY.__getitem__)})
    notes = _notes(repo, h, ref, checks)
    info = {"top": os.fspath(repo.top), "prefix": repo.prefix, "head": repo.head, "branch": repo.branch,
            "shallow": bool(repo.shallow), "object_format": repo.object_format, "commits": len(h.commits),
            "ledger_files_in_head": h.ledger_files_in_head, "file_reads": {"whole": h.reads[0], "items": h.reads[1]}}
    return VerifyReport(True, "", info, selection.describe(), tuple(sets), tuple(checks), tuple(removed), tuple(notes),
                        explicit, problems)


def _tag_evidence(repo, h: _History):
    """(name, Signature, contains(sha)) for the newest signed tags on HEAD's history."""
    from ..store.history import signed_objects, tags, verify_tag

    on_history = [t for t in tags(repo) if t.target in h.index and t.annotated]
    if not on_history:
        return []
    on_history.sort(key=lambda t: -h.index[t.target])
    signed = signed_objects(repo, [t.object for t in on_history])
    out = []
    for t in [t for t in on_history if t.object in signed][:MAX_TAGS]:
        sig = verify_tag(repo, t.name)
        reach = _ancestors(h, h.index[t.target])
        out.append((t.name, sig, lambda sha, reach=reach: h.index.get(sha, -1) in reach))
    return out


def _ancestors(h: _History, i: int) -> set[int]:
    seen, stack = {i}, [i]
    while stack:
        for p in h.commits[stack.pop()].parents:
            j = h.index.get(p)
            if j is not None and j not in seen:
                seen.add(j)
                stack.append(j)
    return seen


def _ledger_seals(now: _Now, h: _History, ref: _Refs) -> list[SealCheck]:
    out = []
    for path, seal, problem in now.seals:
        if seal is None:
            continue
        first = h.seals.get(seal.digest)
        out.append(check_seal(seal, seal.digest, now, [], found=f"ledger {path}", path=path,
                              committed=ref(first[0]) if first else None))
    return out


def _explicit_seal(given: str, now: _Now, h: _History, ref: _Refs, ids) -> SealCheck:
    digest = parse_digest(given)
    if digest is None:
        path = Path(given)
        if not path.is_file():
            from ..errors import UsageError

            raise UsageError(f"--seal: {given!r} is neither a seal digest (64 hex digits) nor a seal file", "--seal")
        seal = load_seal_file(path)
        first = h.seals.get(seal.digest)
        return check_seal(seal, seal.digest, now, ids, found=f"file {os.fspath(path)}", path=os.fspath(path),
                          committed=ref(first[0]) if first else None)
    for path, seal, _ in now.seals:
        if seal is not None and seal.digest == digest:
            first = h.seals.get(digest)
            return check_seal(seal, digest, now, ids, found=f"ledger {path}", path=path,
                              committed=ref(first[0]) if first else None)
    if digest in h.seals:
        i, path, seal = h.seals[digest]
        c = ref(i)
        return check_seal(seal, digest, now, ids, found=f"history {c.short} {path}", path=path, committed=c)
    return check_seal(None, digest, now, ids)


def _removed(selection: Selection, now: _Now, h: _History, ref: _Refs) -> list[dict]:
    """Predictions that were on record and are gone from the ledger (for a selection by set or of everything)."""
    s = selection
    if s.by or s.tags or s.about or s.since or s.until or s.ids:
        return []
    out = []
    current = set(now.records) | set(now.leaves)
    for pid, versions in h.versions.items():
        if pid in current:
            continue
        last = h.leaf[versions[-1]]
        fields = last.fields()
        if s.set_id and fields.get("set") != s.set_id:
            continue
        gone = ref(h.removed_at.get(last.hash))
        out.append({"id": pid, "set": fields.get("set"), "claim": fields.get("claim"),
                    "first_commit": ref(h.first_seen[versions[0]]), "removed_in": gone})
    return out


def _notes(repo, h: _History, ref: _Refs, checks) -> list[Finding]:
    from ..store.history import rewrites_in_reflog, upstream_state

    notes = []
    if repo.head is None:
        notes.append(Finding("no-commits", "info", "the repository has no commits yet"))
    elif not h.ledger_files_in_head:
        notes.append(Finding("not-committed", "info",
                             f"none of the ledger's files is committed in this repository (at {repo.prefix or './'})"))
    if repo.shallow:
        notes.append(Finding("shallow-clone", "info",
                             "this clone is shallow: its history stops at "
                             f"{len(repo.shallow)} commit{'s' if len(repo.shallow) != 1 else ''}; what was committed "
                             "before is not here (`git fetch --unshallow` gets it)"))
    early = [i for i, c in enumerate(h.commits) if h.effective[i] - c.committer_time > REWRITE_SLACK]
    if early:
        notes.append(Finding("dated-before-parent", "info",
                             f"{len(early)} commit{'s are' if len(early) > 1 else ' is'} dated more than a day before "
                             "a parent: dates were set by hand or by a wrong clock; verify counts such a commit from "
                             "its parent's date", ref(early[0])))
    rewritten = {c.since.sha for c in checks if c.since is not None and c.since.rewritten}
    if rewritten:
        notes.append(Finding("rewritten-commits", "info",
                             f"{len(rewritten)} of the commits verdicts rest on were committed more than a day after "
                             "they were authored (rebased, amended or cherry-picked): their committer dates are the "
                             "rewrite's"))
    for old, (new, i) in sorted(h.moved_from.items()):
        c = ref(i)
        notes.append(Finding("moved-in", "info",
                             f"{new} was moved into the ledger from {old} in {c.short} "
                             f"({c.committed_on}); its history there is read too", c))
    for stamp, what in rewrites_in_reflog(repo)[:1]:
        day = dt.datetime.fromtimestamp(stamp, dt.timezone.utc).date()
        notes.append(Finding("reflog-rewrite", "info",
                             f"this clone's reflog records a {what} on {day}: commits made before it may have "
                             "been rewritten with new committer dates (a reflog is local to a clone and expires)"))
    upstream = upstream_state(repo)
    if upstream is not None and upstream[1] == "diverged":
        notes.append(Finding("diverged", "info",
                             f"HEAD has diverged from {upstream[0]}: its history was rewritten here or there "
                             "(a rebase or force-push); verify reads this clone's history"))
    return notes


