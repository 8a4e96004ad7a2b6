"""Resolving predictions: each call writes a new outcome file, so history is never edited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from typing import Any

from .. import yamlio
from ..errors import SourceLocation, UsageError, literal
from ..kinds import ANNULLED, BINARY, BINARY_RESULTS, CHOICE, LABELS, match_option, parse_quantity
from ..models import _url
from .add import Question, question_of
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
    shown: str = ""  # the result as recorded: yes, no, annulled, the option's name or the value
    later_forecasts: int = 0  # forecasts on these predictions dated after the resolution: no score counts them


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
    """Record what happened: yes or no (a yes/no question), the option that happened
    (multiple choice), the value (numeric), or annulled (it cannot be judged)."""
    result = result.strip()
    if result.lower() in BINARY_RESULTS:
        result = result.lower()
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
            questions = {i: q for i in ids if (q := question_of(conn, i)) is not None}
            standing = current_outcomes(conn, ids)
            refuse_ambiguous(conn, ids)
            if all(q.kind == BINARY for q in questions.values()) and result not in BINARY_RESULTS:
                raise UsageError(f"RESULT must be yes, no or annulled, not {result!r}", "RESULT")
            unknown = [i for i in ids if i not in questions]
            if unknown:
                from .queries import unknown_id_error

                raise unknown_id_error(conn, "prediction", unknown)
            later = 0 if correct else _forecasts_after(conn, ids, on)
        written = {i: result_as_written(questions[i], result) for i in ids}
        made = {i: q.made for i, q in questions.items()}
        early = [i for i in ids if on < made[i]]
        if early:
            raise UsageError(f"--on {on} is before {early[0]!r} was made ({made[early[0]]})", "--on")
        resolved = [i for i in ids if i in standing]
        if resolved and not correct:
            o = standing[resolved[0]]
            raise UsageError(
                f"{literal(repr(resolved[0]))} is already resolved ({literal(str(o.result))}, on {o.on}, at {{0}}); "
                "pass --correct to record a correction (the old entry is kept)",
                "--correct", refs=(SourceLocation(o.location.path, o.location.line),),
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
        entry["results"] = written
        rel = _free_name(ledger, on, ids[0])
        commit_text(ledger, rel, None, yamlio.dump(entry))
    shown = ", ".join(dict.fromkeys(str(v.isoformat() if hasattr(v, "isoformat") else v) for v in written.values()))
    return Resolved(tuple(ids), rel, correct, shown, later)


def _forecasts_after(conn, ids: list[str], on: dt.date) -> int:
    """How many forecasts on these predictions are dated after `on`: a resolution dated before them leaves
    them out of every score (made knowing the outcome, as far as the ledger can tell)."""
    from ..index.sql import as_db, date_param, in_batches, in_list

    db = as_db(conn)
    count = 0
    for batch in in_batches(ids):
        params = {"on": date_param(on, db.iso_dates)}
        sql = f"SELECT count(*) FROM forecasts f WHERE f.prediction_id IN {in_list('id', batch, params)} AND f.at > :on"
        count += int(db.rows(sql, params)[0][0] or 0)
    return count


def result_as_written(question: Question, result: str) -> Any:
    """The result as an outcome file holds it for this question, or UsageError naming RESULT."""
    if result == ANNULLED:
        return ANNULLED
    if question.kind == BINARY:
        if result in BINARY_RESULTS:
            return result
        raise UsageError(f"{question.id!r} is a yes/no question: RESULT must be yes, no or annulled, not {result!r}",
                         "RESULT")
    if question.kind == CHOICE:
        label = match_option(question.options, result)
        if label is None:
            raise UsageError(f"{result!r} is not an option of {question.id!r}; its options are "
                             f"{', '.join(question.options)} (or annulled)", "RESULT")
        return label
    if question.unit and result.endswith(question.unit) and result[: -len(question.unit)].strip():
        result = result[: -len(question.unit)].strip()  # `2.4%` on a question in %: the value is 2.4
    try:
        value, typed, _ = parse_quantity(result, dates=question.dates)
    except ValueError as exc:
        raise UsageError(f"RESULT for the {LABELS[question.kind]} question {question.id!r}: {exc}", "RESULT") from None
    if question.dates:
        return dt.date.fromisoformat(typed)
    return as_written_number(typed)


def as_written_number(typed: str) -> Any:
    number = yamlio.as_typed_number(typed)
    return number if number is not None else float(typed)


def _free_name(ledger: Ledger, on: dt.date, first_id: str) -> str:
    """outcomes/DATE-ID.yaml, then DATE-ID_02.yaml ...: names that sort in the order written."""
    base = f"{OUTCOMES_DIR}/{on.isoformat()}-{first_id}"
    candidate, n = f"{base}.yaml", 2
    while (ledger.root / candidate).exists():
        candidate, n = f"{base}_{n:02d}.yaml", n + 1
    return candidate
