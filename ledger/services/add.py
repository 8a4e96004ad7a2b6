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
    tests: list[str] | tuple[str, ...] = (),
    title: str | None = None,
) -> Added:
    """Record a new prediction. Raises UsageError for a bad argument, LedgerError for bad data.

    tests -- ids of claims on record that the prediction puts to a test (`tests:`)
    title -- the title of a new set (needs set_id); for a set that exists it must be its title
    """
    if not claim or not claim.strip():
        raise UsageError("the claim is empty; say what will happen, in quotes", "CLAIM")
    prob = _probability(p, "-p")
    for value, arg in ((id, "--id"), (set_id, "--set")):
        if value is not None:
            _slug(value, arg)
    for tag in tags:
        _slug(tag, "--tag", "tag")
    for claim_id in tests:
        _slug(claim_id, "--tests")
    if title is not None and set_id is None:
        raise UsageError("--title is the title of a new set: give --set too", "--title")
    if source is not None:
        _checked(source_text, source, "--source")
    by = by or default_by()
    made = made or today()
    if due is not None and due < made:
        raise UsageError(f"--due {due} is before the prediction is made ({made})", "--due")
    with ledger.lock():
        with ledger.connect() as conn:
            taken = set(conn.execute(select(PredictionRow.__table__.c.id)).scalars())
            set_file = set_title = None
            if set_id is not None:
                s = SetRow.__table__
                found = conn.execute(select(s.c.file, s.c.title).where(s.c.id == set_id).order_by(s.c.file)).first()
                set_file, set_title = found if found is not None else (None, None)
            if tests:
                _known_claims(conn, tests)
        if title is not None and set_file is not None and title != set_title:
            has = f"the title {set_title!r}" if set_title else "no title"
            raise UsageError(f"--title: set {set_id!r} already exists with {has} ({set_file}); "
                             "leave --title out, or edit the file's `title:`", "--title")
        if id is not None and id in taken:
            raise UsageError(f"--id {id!r} is already used in the ledger; pick another id", "--id")
        new_id = id or unique_id(slugify(claim), taken)
        rel = set_file or (f"{set_id}.yaml" if set_id else DEFAULT_FILE)
        path = ledger.root / rel
        old = read_text(path)
        doc = _parsed(old)  # parsed once: for the header, the insertion and the check
        header = {}
        if old is None and set_id is not None:
            header = {"set": set_id, **({"title": title} if title is not None else {}), "by": by, "made": made}
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
        if tests:
            item["tests"] = list(dict.fromkeys(tests))
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
                from .queries import unknown_id_error

                raise unknown_id_error(conn, "prediction", [prediction_id])
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


def _known_claims(conn, claim_ids) -> None:
    """UsageError naming --tests when a claim id is not on record (with the nearest id, when one is close)."""
    from ..index.tables import ClaimRow
    from ..suggest import did_you_mean

    c = ClaimRow.__table__
    known = set(conn.execute(select(c.c.id)).scalars())
    for claim_id in claim_ids:
        if claim_id not in known:
            raise UsageError(f"--tests: no claim with id {claim_id!r}{did_you_mean(claim_id, known)}; "
                             "`pledger claim list` shows the ids", "--tests")


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


