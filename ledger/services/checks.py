"""Ledger-wide checks that need more than one record: each a small named query on the index.

Every check returns problems with the location of the offending record, and
says what to do. They run on the index, so a large ledger (or a server
database) does the work in SQL.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from ..errors import Problem, SourceLocation
from ..index.tables import ForecastRow, OutcomeRow, PredictionRow, ProblemRow, RejectedRow, SetRow
from .claim_checks import CLAIM_CHECKS
from .select import OUTCOME_ORDER

P = PredictionRow.__table__
F = ForecastRow.__table__
O = OutcomeRow.__table__
S = SetRow.__table__
R = RejectedRow.__table__


def file_problems(conn: Connection) -> list[Problem]:
    t = ProblemRow.__table__
    return [
        Problem(SourceLocation(r.file, r.line, r.col), r.message, r.code)
        for r in conn.execute(select(t).order_by(t.c.file, t.c.line, t.c.col, t.c.rowid))
    ]


def duplicate_prediction_ids(conn: Connection) -> list[Problem]:
    return _duplicates(conn, P, "prediction")


def duplicate_set_ids(conn: Connection) -> list[Problem]:
    return _duplicates(conn, S, "set")


def duplicated_ids(table):
    return select(table.c.id).group_by(table.c.id).having(func.count() > 1)


def _duplicates(conn: Connection, table, what: str) -> list[Problem]:
    rows = conn.execute(
        select(table.c.id, table.c.file, table.c.line, table.c.col)
        .where(table.c.id.in_(duplicated_ids(table)))
        .order_by(table.c.id, table.c.file, table.c.line)
    ).all()
    problems, first = [], {}
    for r in rows:
        if r.id not in first:
            first[r.id] = SourceLocation(r.file, r.line)
            continue
        problems.append(
            Problem(
                SourceLocation(r.file, r.line, r.col),
                f"{what} id {r.id!r} is already used at {{0}}; ids must be unique in the ledger, rename one",
                "duplicate-id",
                (first[r.id],),
            )
        )
    return problems


def rejected_ids(kind: str):
    """Ids whose record was left out for a problem already reported: a reference to one is not unknown."""
    return select(R.c.id).where(R.c.kind == kind)


def unknown_prediction_references(conn: Connection) -> list[Problem]:
    problems = []
    for table, what in ((F, "forecast"), (O, "outcome")):
        query = select(table.c.prediction_id, table.c.file, table.c.line, table.c.col).where(
            table.c.prediction_id.not_in(select(P.c.id)),
            table.c.prediction_id.not_in(rejected_ids("prediction")),
        )
        if table is F:
            query = query.where(F.c.initial.is_(False))
        for r in conn.execute(query):
            problems.append(
                Problem(
                    SourceLocation(r.file, r.line, r.col),
                    f"{what} for unknown prediction {r.prediction_id!r}; check the id (`pledger list` shows them)",
                    "unknown-id",
                )
            )
    return problems


def dates_in_order(conn: Connection) -> list[Problem]:
    # A duplicated id is reported as such; which of the two a date belongs to is unknown.
    problems = []
    rows = conn.execute(
        select(F.c.prediction_id, F.c.at, F.c.file, F.c.line, F.c.col, P.c.made)
        .join(P, P.c.id == F.c.prediction_id)
        .where(and_(F.c.initial.is_(False), F.c.at < P.c.made))
        .where(F.c.prediction_id.not_in(duplicated_ids(P)))
    )
    for r in rows:
        problems.append(
            Problem(
                SourceLocation(r.file, r.line, r.col),
                f"forecast on {r.prediction_id!r} is dated {r.at}, before the prediction was made ({r.made})",
                "order",
            )
        )
    rows = conn.execute(
        select(O.c.prediction_id, O.c.on, O.c.file, O.c.line, O.c.col, P.c.made)
        .join(P, P.c.id == O.c.prediction_id)
        .where(O.c.on < P.c.made)
        .where(O.c.prediction_id.not_in(duplicated_ids(P)))
    )
    for r in rows:
        problems.append(
            Problem(
                SourceLocation(r.file, r.line, r.col),
                f"{r.prediction_id!r} is resolved on {r.on}, before it was made ({r.made}); check both dates",
                "order",
            )
        )
    # Due before made (possibly a header's `due` meeting an item's `made`): `add --due` refuses it too.
    for r in conn.execute(select(P.c.id, P.c.due, P.c.made, P.c.file, P.c.line, P.c.col).where(P.c.due < P.c.made)):
        problems.append(
            Problem(
                SourceLocation(r.file, r.line, r.col),
                f"{r.id!r} is due {r.due}, before it was made ({r.made}); check both dates",
                "order",
            )
        )
    return problems


def single_resolution(conn: Connection) -> list[Problem]:
    """A second outcome for a prediction must say it is a correction.

    Not for a duplicated id: each entry may be meant for a different one of the pair.
    """
    problems = []
    rows = conn.execute(
        select(O.c.prediction_id, O.c.on, O.c.correction, O.c.file, O.c.line, O.c.col)
        .where(O.c.prediction_id.not_in(duplicated_ids(P)))
        .order_by(*OUTCOME_ORDER)
    )
    first: dict[str, SourceLocation] = {}
    for r in rows:
        if r.correction and r.prediction_id not in first:
            # Reads skip it (select.current_outcomes): a correction needs a resolution before it.
            problems.append(
                Problem(
                    SourceLocation(r.file, r.line, r.col),
                    f"{r.prediction_id!r} has `correction: true` on {r.on}, but no earlier entry resolves it; "
                    "remove `correction: true`, or date it on or after the resolution it corrects",
                    "correction",
                )
            )
        elif r.prediction_id not in first:
            first[r.prediction_id] = SourceLocation(r.file, r.line)
        elif not r.correction:
            problems.append(
                Problem(
                    SourceLocation(r.file, r.line, r.col),
                    f"{r.prediction_id!r} is already resolved at {{0}}; "
                    "to change the result add `correction: true` to this entry (or use `pledger resolve --correct`)",
                    "resolved-twice",
                    (first[r.prediction_id],),
                )
            )
    return problems


LEDGER_CHECKS: tuple[Callable[[Connection], list[Problem]], ...] = (
    duplicate_prediction_ids,
    duplicate_set_ids,
    unknown_prediction_references,
    dates_in_order,
    single_resolution,
    *CLAIM_CHECKS,
)


def all_problems(conn: Connection) -> list[Problem]:
    """File problems and ledger-wide problems, sorted by location."""
    problems = file_problems(conn)
    for check in LEDGER_CHECKS:
        problems.extend(check(conn))
    return sorted(set(problems), key=lambda p: (p.location, p.message))
