"""Ledger-wide checks on claims: unique ids, and references that must name a known record.

Registered in services.checks.LEDGER_CHECKS; each returns problems at the
offending record's path:line:col, with what to do, keyed as services.checks
describes. SQL text on the index (ledger.index.sql), restricted to a scope.
"""

from __future__ import annotations

import json

from ..errors import Problem, SourceLocation
from ..index.scope import CLAIM, PREDICTION, SOURCE, Scope, in_scope
from ..index.sql import Db


def duplicate_claim_ids(db: Db, scope: Scope) -> list:
    from .checks import duplicates

    return duplicates(db, scope, "claims", "claim", CLAIM) + duplicates(db, scope, "sources", "source", SOURCE)


def _rejected(kind: str) -> str:
    from .checks import REJECTED_SQL

    return REJECTED_SQL.format(kind=kind)


def unknown_claim_references(db: Db, scope: Scope) -> list:
    """Predictions' `tests:` and assessments must name claims that exist (or were rejected, a problem of their own)."""
    known = {r[0] for r in db.rows("SELECT c.id FROM claims c")} | {r[0] for r in db.rows(_rejected("claim"))}
    problems = []
    for pid, tests, file, line, col in db.rows(
        f"SELECT p.id, p.tests, p.file, p.line, p.col FROM predictions p WHERE p.tests != '[]'{in_scope(scope, PREDICTION, 'p.id')}"
    ):
        for claim_id in json.loads(tests):
            if claim_id not in known:
                problems.append((PREDICTION, pid, Problem(
                    SourceLocation(file, line, col),
                    f"prediction {pid!r} tests unknown claim {claim_id!r}; check the id in `tests:` "
                    "(`pledger claim list` shows them) or add the claim",
                    "unknown-id",
                )))
    for claim_id, file, line, col in db.rows(
        "SELECT a.claim_id, a.file, a.line, a.col FROM assessments a "
        f"WHERE a.claim_id NOT IN (SELECT c.id FROM claims c) AND a.claim_id NOT IN ({_rejected('claim')})"
        f"{in_scope(scope, CLAIM, 'a.claim_id')}"
    ):
        problems.append((CLAIM, claim_id, Problem(
            SourceLocation(file, line, col),
            f"assessment of unknown claim {claim_id!r}; check the id (`pledger claim list` shows them)",
            "unknown-id",
        )))
    return problems


def unknown_source_references(db: Db, scope: Scope) -> list:
    rows = db.rows(
        "SELECT c.id, c.source_ref, c.file, c.line, c.col FROM claims c WHERE c.source_ref IS NOT NULL "
        f"AND c.source_ref NOT IN (SELECT s.id FROM sources s) AND c.source_ref NOT IN ({_rejected('source')})"
        f"{in_scope(scope, CLAIM, 'c.id')}"
    )
    return [
        (CLAIM, cid, Problem(
            SourceLocation(file, line, col),
            f"claim {cid!r} refers to unknown source {ref!r}; add it under `sources:` (with its title and url) "
            "or give the claim's source as a url",
            "unknown-id",
        ))
        for cid, ref, file, line, col in rows
    ]


# The day a claim's source was published: its own `date`, else its named source's.
SOURCE_DATE_SQL = "COALESCE(c.source_date, (SELECT min(s.date) FROM sources s WHERE s.id = c.source_ref))"


def assessed_before_published(claim_id: str, on, published) -> str:
    """The words of assessments_in_order, also said by `claim assess --on` (services.claim_writes)."""
    from .checks import _day

    return (f"claim {claim_id!r} is assessed on {_day(on)}, before its source was published ({_day(published)}); "
            "check both dates")


def assessments_in_order(db: Db, scope: Scope) -> list:
    """An assessment is dated no earlier than the day its claim's source was published (a claim cannot be
    judged before it was made: one of the two dates is a typo). A duplicated claim id is reported as such."""
    rows = db.rows(
        f'SELECT a.claim_id, a."on", a.file, a.line, a.col, {SOURCE_DATE_SQL} FROM assessments a '
        f'JOIN claims c ON c.id = a.claim_id WHERE a."on" < {SOURCE_DATE_SQL} '
        "AND a.claim_id NOT IN (SELECT d.id FROM claims d GROUP BY d.id HAVING count(*) > 1)"
        f"{in_scope(scope, CLAIM, 'a.claim_id')}"
    )
    return [(CLAIM, cid, Problem(SourceLocation(file, line, col), assessed_before_published(cid, on, published),
                                 "order"))
            for cid, on, file, line, col, published in rows]


CLAIM_CHECKS = (duplicate_claim_ids, unknown_claim_references, unknown_source_references, assessments_in_order)
