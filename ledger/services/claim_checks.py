"""Ledger-wide checks on claims: unique ids, and references that must name a known record.

Registered in services.checks.LEDGER_CHECKS; each returns problems at the
offending record's path:line:col, with what to do.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..errors import Problem, SourceLocation
from ..index.tables import AssessmentRow, ClaimRow, PredictionRow, SourceRow

C = ClaimRow.__table__
A = AssessmentRow.__table__
S = SourceRow.__table__
P = PredictionRow.__table__


def duplicate_claim_ids(conn: Connection) -> list[Problem]:
    from .checks import _duplicates

    return _duplicates(conn, C, "claim") + _duplicates(conn, S, "source")


def unknown_claim_references(conn: Connection) -> list[Problem]:
    """Predictions' `tests:` and assessments must name claims that exist (or were rejected, a problem of their own)."""
    from .checks import rejected_ids

    known = set(conn.execute(select(C.c.id)).scalars()) | set(conn.execute(rejected_ids("claim")).scalars())
    problems = []
    rows = conn.execute(select(P.c.id, P.c.tests, P.c.file, P.c.line, P.c.col).where(P.c.tests != "[]"))
    for r in rows:
        for claim_id in json.loads(r.tests):
            if claim_id not in known:
                problems.append(
                    Problem(
                        SourceLocation(r.file, r.line, r.col),
                        f"prediction {r.id!r} tests unknown claim {claim_id!r}; check the id in `tests:` "
                        "(`pledger claim list` shows them) or add the claim",
                        "unknown-id",
                    )
                )
    rows = conn.execute(
        select(A.c.claim_id, A.c.file, A.c.line, A.c.col)
        .where(A.c.claim_id.not_in(select(C.c.id)), A.c.claim_id.not_in(rejected_ids("claim")))
    )
    for r in rows:
        problems.append(
            Problem(
                SourceLocation(r.file, r.line, r.col),
                f"assessment of unknown claim {r.claim_id!r}; check the id (`pledger claim list` shows them)",
                "unknown-id",
            )
        )
    return problems


def unknown_source_references(conn: Connection) -> list[Problem]:
    from .checks import rejected_ids

    rows = conn.execute(
        select(C.c.id, C.c.source_ref, C.c.file, C.c.line, C.c.col)
        .where(C.c.source_ref.is_not(None))
        .where(C.c.source_ref.not_in(select(S.c.id)), C.c.source_ref.not_in(rejected_ids("source")))
    )
    return [
        Problem(
            SourceLocation(r.file, r.line, r.col),
            f"claim {r.id!r} refers to unknown source {r.source_ref!r}; add it under `sources:` (with its title and url) "
            "or give the claim's source as a url",
            "unknown-id",
        )
        for r in rows
    ]


CLAIM_CHECKS = (duplicate_claim_ids, unknown_claim_references, unknown_source_references)
