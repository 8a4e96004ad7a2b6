"""Ledger-wide checks that need more than one record: each a small named query on the index.

Every check returns problems with the location of the offending record, and
says what to do. They run on the index (SQL text, ledger.index.sql), so a large
ledger (or a server database) does the work in SQL. The problems in a
prediction's outcome entries and forecasts (resolved twice, a correction of
nothing, a value that does not fit the question) are found where the standing
outcome is worked out, ledger.index.derive, and read here.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import Problem, SourceLocation
from ..index import derive
from ..index.sql import Db, as_db
from .claim_checks import CLAIM_CHECKS

# A prediction id defined more than once: checks about one copy's dates are left out.
_DUPLICATED = "SELECT d.id FROM predictions d GROUP BY d.id HAVING count(*) > 1"


def file_problems(db: Db) -> list[Problem]:
    return [
        Problem(SourceLocation(file, line, col), message, code)
        for file, line, col, code, message in db.rows(
            "SELECT file, line, col, code, message FROM problems ORDER BY file, line, col, rowid"
        )
    ]


def duplicate_prediction_ids(db: Db) -> list[Problem]:
    return duplicates(db, "predictions", "prediction")


def duplicate_set_ids(db: Db) -> list[Problem]:
    return duplicates(db, "sets", "set")


def duplicates(db: Db, table: str, what: str) -> list[Problem]:
    """Every record of `table` whose id an earlier one (in file order) already has."""
    rows = db.rows(
        f"SELECT t.id, t.file, t.line, t.col FROM {table} t "
        f"WHERE t.id IN (SELECT d.id FROM {table} d GROUP BY d.id HAVING count(*) > 1) ORDER BY t.id, t.file, t.line"
    )
    problems, first = [], {}
    for rid, file, line, col in rows:
        if rid not in first:
            first[rid] = SourceLocation(file, line)
            continue
        problems.append(
            Problem(
                SourceLocation(file, line, col),
                f"{what} id {rid!r} is already used at {{0}}; ids must be unique in the ledger, rename one",
                "duplicate-id",
                (first[rid],),
            )
        )
    return problems


REJECTED_SQL = "SELECT r.id FROM rejected r WHERE r.kind = '{kind}'"


def unknown_prediction_references(db: Db) -> list[Problem]:
    problems = []
    for table, what, extra in (("forecasts", "forecast", " AND NOT t.initial"), ("outcomes", "outcome", "")):
        rows = db.rows(
            f"SELECT t.prediction_id, t.file, t.line, t.col FROM {table} t "
            "WHERE t.prediction_id NOT IN (SELECT p.id FROM predictions p) "
            f"AND t.prediction_id NOT IN ({REJECTED_SQL.format(kind='prediction')}){extra}"
        )
        for pid, file, line, col in rows:
            problems.append(
                Problem(
                    SourceLocation(file, line, col),
                    f"{what} for unknown prediction {pid!r}; check the id (`pledger list` shows them)",
                    "unknown-id",
                )
            )
    return problems


def dates_in_order(db: Db) -> list[Problem]:
    # A duplicated id is reported as such; which of the two a date belongs to is unknown.
    problems = []
    for pid, at, file, line, col, made in db.rows(
        'SELECT f.prediction_id, f.at, f.file, f.line, f.col, p.made FROM forecasts f JOIN predictions p ON p.id = f.prediction_id '
        f"WHERE NOT f.initial AND f.at < p.made AND f.prediction_id NOT IN ({_DUPLICATED})"
    ):
        problems.append(
            Problem(
                SourceLocation(file, line, col),
                f"forecast on {pid!r} is dated {_day(at)}, before the prediction was made ({_day(made)})",
                "order",
            )
        )
    for pid, on, file, line, col, made in db.rows(
        'SELECT o.prediction_id, o."on", o.file, o.line, o.col, p.made FROM outcomes o JOIN predictions p ON p.id = o.prediction_id '
        f'WHERE o."on" < p.made AND o.prediction_id NOT IN ({_DUPLICATED})'
    ):
        problems.append(
            Problem(
                SourceLocation(file, line, col),
                f"{pid!r} is resolved on {_day(on)}, before it was made ({_day(made)}); check both dates "
                "(the entry is left out until they agree)",
                "order",
            )
        )
    # Due before made (possibly a header's `due` meeting an item's `made`): `add --due` refuses it too.
    for pid, due, made, file, line, col in db.rows(
        "SELECT p.id, p.due, p.made, p.file, p.line, p.col FROM predictions p WHERE p.due < p.made"
    ):
        problems.append(
            Problem(
                SourceLocation(file, line, col),
                f"{pid!r} is due {_day(due)}, before it was made ({_day(made)}); check both dates",
                "order",
            )
        )
    return problems


def _day(value) -> str:
    return value if isinstance(value, str) else value.isoformat()


def derived_problems(db: Db) -> list[Problem]:
    """What index.derive found in outcome entries and forecasts (resolved twice, lone corrections, misfits)."""
    return derive.stored_problems(db)


LEDGER_CHECKS: tuple[Callable[[Db], list[Problem]], ...] = (
    duplicate_prediction_ids,
    duplicate_set_ids,
    unknown_prediction_references,
    dates_in_order,
    derived_problems,
    *CLAIM_CHECKS,
)


def all_problems(conn) -> list[Problem]:
    """File problems and ledger-wide problems, sorted by location."""
    db = as_db(conn)
    problems = file_problems(db)
    for check in LEDGER_CHECKS:
        problems.extend(check(db))
    return sorted(set(problems), key=lambda p: (p.location, p.message))
