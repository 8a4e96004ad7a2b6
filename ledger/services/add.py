"""Adding predictions and forecasts: text appended to a file, never a rewrite."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from .. import yamlio
from ..errors import UsageError
from ..index.tables import PredictionRow, SetRow
from ..models import FORECASTS_KEY, PREDICTIONS_KEY, source_text, check_slug
from ..probability import Probability, parse_probability
from ..store.write import insert_items
from .defaults import default_by, today
from .ledger import Ledger
from .writing import commit_text, read_text, refuse_ambiguous, slugify, unique_id

DEFAULT_FILE = "predictions.yaml"
FORECASTS_FILE = "forecasts.yaml"


@dataclass(frozen=True, slots=True)
class Added:
    id: str
    path: str  # the file it was written to, relative to the root


def add_prediction(
    ledger: Ledger,
    claim: str,
    p: str | float,
    *,
    id: str | None = None,
    set_id: str | None = None,
    by: str | None = None,
    made: dt.date | None = None,
    about: str | None = None,
    due: dt.date | None = None,
    tags: list[str] | tuple[str, ...] = (),
    source: str | None = None,
    criteria: str | None = None,
) -> Added:
    """Record a new prediction. Raises UsageError for a bad argument, LedgerError for bad data."""
    if not claim or not claim.strip():
        raise UsageError("the claim is empty; say what will happen, in quotes", "CLAIM")
    prob = _probability(p, "-p")
    for value, arg in ((id, "--id"), (set_id, "--set")):
        if value is not None:
            _slug(value, arg)
    for tag in tags:
        _slug(tag, "--tag", "tag")
    if source is not None:
        _checked(source_text, source, "--source")
    by = by or default_by()
    made = made or today()
    if due is not None and due < made:
        raise UsageError(f"--due {due} is before the prediction is made ({made})", "--due")
    with ledger.lock():
        with ledger.connect() as conn:
            taken = set(conn.execute(select(PredictionRow.__table__.c.id)).scalars())
            set_file = None
            if set_id is not None:
                s = SetRow.__table__
                set_file = conn.execute(select(s.c.file).where(s.c.id == set_id).order_by(s.c.file)).scalar()
        if id is not None and id in taken:
            raise UsageError(f"--id {id!r} is already used in the ledger; pick another id", "--id")
        new_id = id or unique_id(slugify(claim), taken)
        rel = set_file or (f"{set_id}.yaml" if set_id else DEFAULT_FILE)
        path = ledger.root / rel
        old = read_text(path)
        doc = _parsed(old)  # parsed once: for the header, the insertion and the check
        header = {}
        if old is None and set_id is not None:
            header = {"set": set_id, "by": by, "made": made}
        elif doc is not None:
            header = _header_of(doc)
        item = {"id": new_id, "claim": claim.strip(), "p": _as_written(prob)}
        if header.get("by") != by:
            item["by"] = by
        if header.get("made") != made:
            item["made"] = made
        # Trailing blank lines in a text would be written as a keep-chomped block (`|+`)
        # that cannot sit inside a list item: they carry nothing, so they go.
        about, criteria = (t.rstrip("\n") if isinstance(t, str) else t for t in (about, criteria))
        for key, value in (("due", due), ("about", about), ("criteria", criteria), ("source", source)):
            if value is not None:
                item[key] = value
        if tags:
            item["tags"] = list(dict.fromkeys(tags))
        base = old if old is not None else (yamlio.dump(header) if header else "")
        ins = insert_items(base, PREDICTIONS_KEY, [yamlio.dump(item)], rel, doc)
        commit_text(ledger, rel, old, ins.text, old_doc=doc, key=PREDICTIONS_KEY, insertion=ins)
    return Added(new_id, rel)


def add_forecast(
    ledger: Ledger,
    prediction_id: str,
    p: str | float,
    *,
    by: str | None = None,
    at: dt.date | None = None,
    note: str | None = None,
) -> Added:
    """Record an update, or another forecaster's probability, on an existing prediction."""
    prob = _probability(p, "-p")
    by = by or default_by()
    at = at or today()
    with ledger.lock():
        with ledger.connect() as conn:
            P = PredictionRow.__table__
            made = conn.execute(select(P.c.made).where(P.c.id == prediction_id)).scalar()
            refuse_ambiguous(conn, [prediction_id])
        if made is None:
            raise UsageError(f"no prediction with id {prediction_id!r}; `pledger list` shows the ids", "ID")
        if at < made:
            raise UsageError(f"--at {at} is before the prediction was made ({made})", "--at")
        entry = {"prediction": prediction_id, "p": _as_written(prob), "by": by, "at": at}
        if note and note.strip():
            entry["note"] = note.rstrip("\n")
        path = ledger.root / FORECASTS_FILE
        old = read_text(path)
        doc = _parsed(old)
        ins = insert_items(old or "", FORECASTS_KEY, [yamlio.dump(entry)], FORECASTS_FILE, doc)
        commit_text(ledger, FORECASTS_FILE, old, ins.text, old_doc=doc, key=FORECASTS_KEY, insertion=ins)
    return Added(prediction_id, FORECASTS_FILE)


def _checked(check, value: str, argument: str) -> None:
    try:
        check(value)
    except ValueError as exc:
        raise UsageError(f"{argument}: {exc}", argument) from None


def _probability(p: str | float, argument: str) -> Probability:
    try:
        return parse_probability(p)
    except ValueError as exc:
        raise UsageError(f"{argument}: {exc}", argument) from None


def _slug(value: str, argument: str, what: str = "id") -> None:
    try:
        check_slug(value, what)
    except ValueError as exc:
        raise UsageError(f"{argument}: {exc}", argument) from None


def _as_written(prob: Probability) -> float | str:
    """Keep what the person typed: numbers as numbers (as typed: `0`, not `0.0`), 70% and 3:1 as text."""
    if prob.format == "decimal":
        number = yamlio.as_typed_number(prob.typed.strip())
        if number is not None:
            return number
    return prob.typed


def _parsed(text: str | None) -> yamlio.Document | None:
    """text parsed, or None when there is none or it does not parse (insert_items then says why)."""
    if text is None:
        return None
    try:
        return yamlio.parse(text)
    except yamlio.YamlProblemError:
        return None


def _header_of(doc: yamlio.Document) -> dict:
    data = doc.data
    return {k: v for k, v in data.items() if k != PREDICTIONS_KEY} if isinstance(data, dict) else {}


