"""The canonical form of a record, and seals: a Merkle tree over the records of a selection.

Pure: no I/O. docs/verify.md describes the scheme byte for byte so that anyone can
recompute a seal without pledger; keep the two in step.

A record's canonical form is a JSON object with its `type` and every field the
ledger read for it that is not empty, so a field added to a record type later
(a question's `kind`, a forecast's `quantiles`) enters the form only where a
record has it, and the digests of every record without it stay as they were.
Where a record is written (file, line, position in its list) is not part of it:
moving or reformatting a record changes nothing, editing what it says does.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any, NamedTuple

SCHEME = "pledger-seal/1"
LEAF_PREFIX = b"\x00"  # RFC 6962's domain separation: a leaf can never pass for an inner node
NODE_PREFIX = b"\x01"
TYPES = ("prediction", "forecast", "outcome")

# Fields that say where a record is written, or repeat another field: never part of what it says.
# `p` is the number read from `p_typed`, which is kept as typed (the published words, exactly).
_LEFT_OUT = frozenset({"location", "position", "initial", "p"})
_NAMES = {"set_id": "set", "prediction_id": "prediction", "p_typed": "p"}
# A prediction's fields that file it or comment on it without changing what it claims: editing one
# is reported, but is not an edit of the claim (canonical names).
ANNOTATIONS = frozenset({"set", "tags", "note", "source", "tests"})


def record_object(kind: str, record: Any) -> dict:
    """The record as the canonical JSON object: `type` and its non-empty fields, by canonical name."""
    if kind not in TYPES:
        raise ValueError(f"no canonical form for a {kind!r} record")
    out: dict[str, Any] = {"type": kind}
    for i, name, default in _plan(type(record)):
        value = record[i]
        if value is None or value is False or value == "" or value == () or value == default:
            continue
        if type(value) is not str:
            value = _value(value)
            if value is None:
                continue
        out[name] = value
    if "dist" in out:
        out.pop("p", None)  # a one-line summary of the options or quantiles, which `dist` holds
    return out


_PLANS: dict[type, tuple[tuple[int, str, Any], ...]] = {}
_NO_DEFAULT = object()


def _plan(cls: type) -> tuple[tuple[int, str, Any], ...]:
    """(index, canonical name, default) of each field of a record type that can enter its canonical
    form. A field at its type's default (a yes/no question's `kind: binary`) is left out, so a field
    added with a default changes no existing record's form."""
    plan = _PLANS.get(cls)
    if plan is None:
        defaults = getattr(cls, "_field_defaults", {})
        plan = _PLANS[cls] = tuple((i, _NAMES.get(n, n), defaults.get(n, _NO_DEFAULT))
                                   for i, n in enumerate(cls._fields) if n not in _LEFT_OUT)
    return plan


def _value(value: Any) -> Any:
    """A field's JSON value, or None when the field is empty (left out)."""
    if value is None or value is False or value == "":
        return None
    if isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "_fields"):  # a nested record (Evidence)
        inner = {k: v for k, v in ((k, _value(v)) for k, v in zip(value._fields, value)) if v is not None}
        return inner or None
    if isinstance(value, dict):
        inner = {str(k): v for k, v in ((k, _value(v)) for k, v in value.items()) if v is not None}
        return inner or None
    if isinstance(value, (list, tuple)):
        items = [_value(v) for v in value]
        return [v for v in items if v is not None] or None
    raise TypeError(f"no canonical form for a {type(value).__name__} value")


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def dumps(obj: dict) -> str:
    """Canonical JSON text: keys sorted, no whitespace, non-ASCII as is (UTF-8 when hashed): what
    json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) writes."""
    return _ENCODER.encode(obj)


def canonical(kind: str, record: Any) -> str:
    return dumps(record_object(kind, record))


def leaf_hash(canonical_text: str) -> bytes:
    """SHA-256 of 0x00 followed by the canonical text's UTF-8 bytes."""
    return hashlib.sha256(LEAF_PREFIX + canonical_text.encode("utf-8")).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class Leaf(NamedTuple):
    """One record as a seal and verify see it."""

    type: str  # prediction | forecast | outcome
    prediction: str  # the prediction's id; for a forecast or outcome entry, the id it names
    hash: bytes  # leaf_hash(canonical)
    canonical: str
    substance: bytes | None = None  # predictions: the hash of what it claims (no annotations, p by value)

    def fields(self) -> dict:
        """The canonical object (a fresh dict each time: callers may change it)."""
        return dict(_fields(self.canonical))


@functools.lru_cache(maxsize=4096)
def _fields(canonical_text: str) -> dict:
    return json.loads(canonical_text)


def leaf(kind: str, record: Any) -> Leaf:
    obj = record_object(kind, record)
    text = dumps(obj)
    if kind == "prediction":
        return Leaf(kind, record.id, leaf_hash(text), text, substance_hash(obj, record.p))
    return Leaf(kind, record.prediction_id, leaf_hash(text), text)


def substance_hash(obj: dict, p_value: float | None) -> bytes:
    """What a prediction claims: its canonical object without annotations, with p as a number and
    the options' or quantiles' numbers without how they were typed, so `70%` rewritten as `0.7` is
    not a changed probability. Internal to verify, never published."""
    core = {k: v for k, v in obj.items() if k not in ANNOTATIONS}
    core["p"] = p_value
    if "dist" in core:
        core["dist"] = [{k: v for k, v in d.items() if not k.endswith("typed")} if isinstance(d, dict) else d
                        for d in core["dist"]]
    return hashlib.sha256(dumps(core).encode("utf-8")).digest()


def leaves_of(records) -> list[Leaf]:
    """The leaves of a FileRecords (or anything with predictions, forecasts and outcomes lists).
    A prediction's own p is in its leaf, so its first forecast (`initial`) has none."""
    out = [leaf("prediction", p) for p in records.predictions]
    out += [leaf("forecast", f) for f in records.forecasts if not f.initial]
    out += [leaf("outcome", o) for o in records.outcomes]
    return out


# -- the Merkle tree ------------------------------------------------------------


def root(hashes: list[bytes]) -> bytes:
    """The Merkle root of leaf hashes (any order: they are sorted first). Raises ValueError when empty."""
    return levels(sorted(hashes))[-1][0]


def levels(ordered: list[bytes]) -> list[list[bytes]]:
    """Every level of the tree from the sorted leaves up to the root: pairs hash together, an
    unpaired last node moves up unchanged."""
    if not ordered:
        raise ValueError("a seal needs at least one record")
    out = [list(ordered)]
    while len(out[-1]) > 1:
        level = out[-1]
        up = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            up.append(level[-1])
        out.append(up)
    return out


class Step(NamedTuple):
    side: str  # where the sibling goes: "left" (sibling + ours) or "right" (ours + sibling)
    hash: bytes


def proof(ordered: list[bytes], index: int) -> list[Step]:
    """The path from leaf `index` of the sorted leaves to the root: a sibling per level that has one."""
    path = []
    for level in levels(ordered)[:-1]:
        if index % 2:
            path.append(Step("left", level[index - 1]))
        elif index + 1 < len(level):
            path.append(Step("right", level[index + 1]))
        index //= 2
    return path


def root_from_proof(leaf_digest: bytes, path: list[Step]) -> bytes:
    node = leaf_digest
    for step in path:
        node = node_hash(step.hash, node) if step.side == "left" else node_hash(node, step.hash)
    return node


# -- a seal ---------------------------------------------------------------------------


class SealError(ValueError):
    """A seal file that does not hold together (says which part, for the caller to name the file)."""


@dataclass(frozen=True)
class Seal:
    """A digest and the leaves it was made of, sorted by hash (what a seal file keeps)."""

    digest: bytes
    leaves: tuple[Leaf, ...]
    made: str | None = None  # YYYY-MM-DD
    selection: dict | None = None  # the filters it was made with (docs/verify.md)
    described: str = ""
    published: tuple[str, ...] = ()

    @classmethod
    def of(cls, leaves: list[Leaf], **info) -> Seal:
        ordered = tuple(sorted(leaves, key=lambda l: l.hash))
        return cls(root([l.hash for l in ordered]), ordered, **info)

    @property
    def hex(self) -> str:
        return self.digest.hex()

    def counts(self) -> dict[str, int]:
        return {t: sum(1 for l in self.leaves if l.type == t) for t in TYPES}

    def proof_for(self, leaf_digest: bytes) -> list[Step]:
        ordered = [l.hash for l in self.leaves]
        return proof(ordered, ordered.index(leaf_digest))

    def to_file(self) -> dict:
        """The seal file's JSON object (docs/verify.md#seal-files)."""
        return {
            "scheme": SCHEME,
            "digest": self.hex,
            "made": self.made,
            "selection": self.selection or {},
            "described": self.described,
            "published": list(self.published),
            "count": len(self.leaves),
            "leaves": [{"hash": l.hash.hex(), "record": l.canonical} for l in self.leaves],
        }

    @classmethod
    def from_file(cls, data: Any) -> Seal:
        """A seal from a seal file's parsed JSON; SealError says what does not hold."""
        if not isinstance(data, dict) or data.get("scheme") != SCHEME:
            raise SealError(f"not a seal file: it has no \"scheme\": \"{SCHEME}\"")
        raw = data.get("leaves")
        if not isinstance(raw, list) or not raw:
            raise SealError("its \"leaves\" is not a non-empty list")
        leaves = []
        for i, item in enumerate(raw):
            record = item.get("record") if isinstance(item, dict) else None
            if not isinstance(record, str):
                raise SealError(f"leaf {i + 1} has no \"record\" text")
            try:
                obj = json.loads(record)
            except ValueError:
                raise SealError(f"leaf {i + 1}'s record is not JSON") from None
            kind = obj.get("type") if isinstance(obj, dict) else None
            pid = obj.get("id" if kind == "prediction" else "prediction") if kind in TYPES else None
            if not isinstance(pid, str):
                raise SealError(f"leaf {i + 1}'s record is not a prediction, forecast or outcome entry")
            digest = leaf_hash(record)
            if item.get("hash") != digest.hex():
                raise SealError(f"leaf {i + 1}'s hash is not the SHA-256 of its record")
            leaves.append(Leaf(kind, pid, digest, record))
        seal = cls.of(leaves, made=_text(data.get("made")), selection=data.get("selection") or None,
                      described=_text(data.get("described")) or "",
                      published=tuple(u for u in data.get("published") or () if isinstance(u, str)))
        if data.get("digest") != seal.hex:
            raise SealError("its \"digest\" is not the Merkle root of its leaves")
        return seal


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def parse_digest(text: str) -> bytes | None:
    """A seal digest as typed (64 hex digits, `sha256:` prefix allowed), or None."""
    value = text.strip().lower().removeprefix("sha256:")
    if len(value) != 64:
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None
