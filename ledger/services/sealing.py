"""Seals of a selection: make one, keep it in the ledger, find one again (the scheme: ledger.seal).

A seal covers the selected predictions, every forecast on them and every outcome
entry naming them, each as its canonical form (docs/verify.md). Its file keeps
the canonical text of every record beside its hash, so that a reader can check
it with hashlib alone, and `pledger verify --seal` can say which record changed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import LedgerError, UsageError
from ..seal import Leaf, Seal, SealError, Step, parse_digest, root_from_proof
from .record_history import SEALS_DIR, Now, current_leaves, read_now
from .select import Selection
from .verify_report import CommitRef, SealCheck


def selection_dict(s: Selection) -> dict:
    """The filters a seal was made with, as its file records them (only the ones given)."""
    out = {"set": s.set_id, "by": s.by, "tags": list(s.tags), "about": s.about, "status": s.status,
           "since": s.since.isoformat() if s.since else None, "until": s.until.isoformat() if s.until else None}
    return {k: v for k, v in out.items() if v}


def make_seal(ledger, selection: Selection = Selection(), *, today: dt.date | None = None,
              published: tuple[str, ...] = ()) -> Seal:
    """The seal of the selection as the ledger holds it now. Raises UsageError when it selects nothing."""
    from .defaults import today as default_today
    from .select import select_predictions

    if ledger.root is None:
        raise LedgerError("a seal is made from the ledger's files, and there is no checkout of them here: "
                          "run seal in a clone of the ledger's repository")
    day = today or default_today()
    with ledger.reader() as db:
        ids = [s.prediction.id for s in select_predictions(db, selection, day)]
    now = read_now(Path(ledger.root))
    leaves = current_leaves(now, [pid for pid in ids if pid in now.predictions])
    if not leaves:
        raise UsageError("no predictions match the selection: there is nothing to seal")
    return Seal.of(leaves, made=day.isoformat(), selection=selection_dict(selection),
                   described=selection.describe(), published=tuple(published))


def seal_path(ledger, seal: Seal) -> Path:
    """Where `pledger seal --save` keeps a seal: <root>/seals/<made>-<first 16 hex digits>.json."""
    return Path(ledger.root) / SEALS_DIR / f"{seal.made or 'undated'}-{seal.hex[:16]}.json"


def seal_text(seal: Seal) -> str:
    return json.dumps(seal.to_file(), indent=2, ensure_ascii=False) + "\n"


def save_seal(seal: Seal, path: Path) -> Path:
    """Write the seal file atomically. A file already there for the same digest keeps its
    `made` date and gains the new `published` links."""
    from ..store.write import write_atomic

    path = Path(path)
    if path.exists():
        try:
            old = load_seal_file(path)
        except LedgerError:
            old = None
        if old is not None and old.digest == seal.digest:
            links = tuple(dict.fromkeys(old.published + seal.published))
            seal = Seal(seal.digest, seal.leaves, old.made or seal.made, seal.selection, seal.described, links)
    write_atomic(path, seal_text(seal))
    return path


def find_seal(ledger, given: str) -> Seal:
    """A seal named by digest (among the ledger's seal files) or by the path of a seal file."""
    digest = parse_digest(given)
    if digest is None:
        if not os.path.isfile(given):
            raise UsageError(f"--from: {given!r} is neither a seal digest (64 hex digits) nor a seal file", "--from")
        return load_seal_file(Path(given))
    for path in sorted((Path(ledger.root) / SEALS_DIR).glob("*.json")):
        try:
            seal = load_seal_file(path)
        except LedgerError:
            continue
        if seal.digest == digest:
            return seal
    raise LedgerError(f"no seal file in {os.fspath(Path(ledger.root) / SEALS_DIR)} has digest {digest.hex()}; "
                      "pass the seal file itself with --from FILE")


@dataclass(frozen=True)
class Proof:
    """That one record belongs to a seal: its leaf and the sibling hashes up to the digest."""

    digest: bytes
    leaf: Leaf
    path: tuple[Step, ...]

    def holds(self) -> bool:
        return root_from_proof(self.leaf.hash, list(self.path)) == self.digest

    def to_dict(self) -> dict:
        return {"digest": self.digest.hex(), "id": self.leaf.prediction, "type": self.leaf.type,
                "record": self.leaf.canonical, "leaf": self.leaf.hash.hex(),
                "path": [{"side": s.side, "hash": s.hash.hex()} for s in self.path], "holds": self.holds()}


def prove(seal: Seal, prediction_id: str) -> Proof:
    """The proof that prediction `prediction_id` (its own record) is in the seal."""
    leaf = next((l for l in seal.leaves if l.type == "prediction" and l.prediction == prediction_id), None)
    if leaf is None:
        raise UsageError(f"prediction {prediction_id!r} is not in this seal; `pledger seal --json` lists its records",
                         "--proof")
    return Proof(seal.digest, leaf, tuple(seal.proof_for(leaf.hash)))


# -- checking a seal against the ledger now ------------------------------------------------------


def check_seal(seal: Seal | None, digest: bytes, now: Now, selected_ids, *, found: str = "",
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
                        "fields": list(changed_fields(old, pair_fields)) if pair_fields else [],
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



def changed_fields(before: dict, after: dict) -> tuple[str, ...]:
    """The canonical fields whose values differ between two versions of a record."""
    keys = sorted(set(before) | set(after))
    return tuple(k for k in keys if before.get(k) != after.get(k))
