"""Resolving predictions: each call writes a new outcome file, so history is never edited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from .. import yamlio
from ..errors import UsageError
from ..index.tables import PredictionRow
from ..models import RESULTS, _url
from .defaults import default_by, today
from .ledger import Ledger
from .select import current_outcomes
from .writing import commit_text, refuse_ambiguous

OUTCOMES_DIR = "outcomes"


@dataclass(frozen=True, slots=True)
class Resolved:
    ids: tuple[str, ...]
    path: str
    correction: bool


def resolve(
    ledger: Ledger,
    ids: list[str],
    result: str,
    *,
    on: dt.date | None = None,
    by: str | None = None,
    evidence_url: str | None = None,
    quote: str | None = None,
    note: str | None = None,
    correct: bool = False,
) -> Resolved:
    """Record that predictions happened (yes), did not (no), or cannot be judged (annulled)."""
    result = result.strip().lower()
    if result not in RESULTS:
        raise UsageError(f"RESULT must be yes, no or annulled, not {result!r}", "RESULT")
    if not ids:
        raise UsageError("name at least one prediction id", "ID")
    if evidence_url is not None:
        try:
            _url(evidence_url)
        except ValueError as exc:
            raise UsageError(f"--evidence: {exc}", "--evidence") from None
    if quote is not None and evidence_url is None:
        raise UsageError("--quote needs --evidence URL: the page the quote comes from", "--quote")
    on = on or today()
    by = by or default_by()
    ids = list(dict.fromkeys(ids))
    with ledger.lock():
        with ledger.connect() as conn:
            P = PredictionRow.__table__
            made = dict(conn.execute(select(P.c.id, P.c.made).where(P.c.id.in_(ids))).all())
            standing = current_outcomes(conn, ids)
            refuse_ambiguous(conn, ids)
            unknown = [i for i in ids if i not in made]
            if unknown:
                from .queries import unknown_id_error

                raise unknown_id_error(conn, "prediction", unknown)
        early = [i for i in ids if on < made[i]]
        if early:
            raise UsageError(f"--on {on} is before {early[0]!r} was made ({made[early[0]]})", "--on")
        resolved = [i for i in ids if i in standing]
        if resolved and not correct:
            o = standing[resolved[0]]
            raise UsageError(
                f"{resolved[0]!r} is already resolved ({o.result}, on {o.on}, at {o.location.path}:{o.location.line}); "
                "pass --correct to record a correction (the old entry is kept)",
                "--correct",
            )
        if correct:
            late = [i for i in resolved if on < standing[i].on]
            if late:
                raise UsageError(
                    f"--on {on} is before the resolution it corrects ({late[0]!r}, on {standing[late[0]].on})", "--on"
                )
        if correct and len(resolved) != len(ids):
            missing = [i for i in ids if i not in standing]
            raise UsageError(f"--correct: {missing[0]!r} has no outcome to correct yet; resolve it without --correct", "--correct")
        entry: dict = {"on": on, "by": by}
        if correct:
            entry["correction"] = True
        if evidence_url:
            evidence = {"url": evidence_url}
            if quote:
                evidence["quote"] = quote
            entry["evidence"] = [evidence]
        if note:
            entry["note"] = note
        entry["results"] = {i: result for i in ids}
        rel = _free_name(ledger, on, ids[0])
        commit_text(ledger, rel, None, yamlio.dump(entry))
    return Resolved(tuple(ids), rel, correct)


def _free_name(ledger: Ledger, on: dt.date, first_id: str) -> str:
    """outcomes/DATE-ID.yaml, then DATE-ID_02.yaml ...: names that sort in the order written."""
    base = f"{OUTCOMES_DIR}/{on.isoformat()}-{first_id}"
    candidate, n = f"{base}.yaml", 2
    while (ledger.root / candidate).exists():
        candidate, n = f"{base}_{n:02d}.yaml", n + 1
    return candidate
