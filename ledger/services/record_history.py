"""What a ledger's git history holds, record by record: the working tree's records, and for every
record version ever committed the first commit holding it (services.verify judges from these).

`read_history` reads the history once (store.history: one `git log`, one `git
cat-file --batch`) and each version of each ledger file into records
(store.versions, re-reading only changed items), keying every record by its
canonical form (ledger.seal): moving or reformatting a record is no change,
editing what it says is.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..seal import Leaf, Seal, leaves_of

SEALS_DIR = "seals"  # where `pledger seal --save` keeps seal files, under the ledger root


class PredictionInfo(NamedTuple):
    """What verify needs of a prediction besides its leaf (read back from the leaf's canonical fields)."""

    set_id: str | None
    due: dt.date | None
    made: dt.date | None


@dataclass
class Now:
    """The working tree's records: every leaf, by prediction id and type, and which file holds it."""

    leaves: dict[str, dict[str, list[Leaf]]] = field(default_factory=dict)  # pid -> type -> leaves
    predictions: dict[str, Leaf] = field(default_factory=dict)  # pid -> its leaf (ids defined once)
    records: dict[str, PredictionInfo] = field(default_factory=dict)  # pid -> set, due, made
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


def read_now(root: Path, object_format: str = "sha1", files=None, known: dict[str, list[Leaf]] | None = None) -> Now:
    """Every record of the working tree, read as the ledger reads it (store.read). `known` gives the
    leaves of blobs already read (from the history): a file holding one of them is not read again."""
    from ..store.read import read_file

    files = ledger_file_bytes(root, object_format) if files is None else files
    known = known or {}
    now = Now()
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
                now.records[leaf.prediction] = PredictionInfo(fields.get("set"), _day(fields.get("due")), _day(fields.get("made")))
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


def current_leaves(now: Now, ids) -> list[Leaf]:
    """The leaves a seal of these predictions covers: each prediction, its forecasts, its outcome entries."""
    out: list[Leaf] = []
    for pid in ids:
        by_type = now.leaves.get(pid, {})
        if pid in now.predictions:
            out.append(now.predictions[pid])
        out += by_type.get("forecast", []) + by_type.get("outcome", [])
    return out



@dataclass
class History:
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


def is_ledger_path(rel: str) -> bool:
    """A ledger-relative path the ledger reads (store.discover's rule: .yaml or .yml, nothing hidden)."""
    from ..store.discover import SUFFIXES

    return rel.endswith(SUFFIXES) and not any(part.startswith(".") for part in rel.split("/"))


def read_history(repo, files: dict[str, tuple[str, bytes]]) -> History:
    """Read the history once. `files`: the working tree's ledger files (ledger_file_bytes); the leaves
    of their blobs and of HEAD's are kept (h.known), so the working tree is not read twice."""
    from ..store.history import cat_blobs, read_log, tree_blobs
    from ..store.versions import VersionReader

    prefix = repo.prefix
    interesting = (".yaml", ".yml", ".json")
    commits = read_log(repo, lambda path: path.endswith(interesting))
    h = History(commits=commits, index={c.sha: i for i, c in enumerate(commits)})
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
        return "ledger" if is_ledger_path(rel) else None

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


def _note(h: History, leaf: Leaf, i: int) -> None:
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

