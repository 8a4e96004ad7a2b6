"""Ledger-wide checks that need more than one record: each a small named query on the index.

Every check returns problems with the location of the offending record, and
says what to do. They run on the index (SQL text, ledger.index.sql), so a large
ledger (or a server database) does the work in SQL. The problems in a
prediction's outcome entries and forecasts (resolved twice, a correction of
nothing, a value that does not fit the question) are found where the standing
outcome is worked out, ledger.index.derive, and read here.

Each problem belongs to a key: a (kind, id) of ledger.index.scope, or a file.
The refresh runs the checks on the ids a change touched (a scope) and replaces
the stored problems of those keys only, so a check must return, for each key
of the scope, every problem of that key -- and a key's problems may depend only
on records that put the key in the scope when they change: the records with
that id or naming it, and (Scope.widen) the claims and sources they refer to.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..errors import Problem, SourceLocation
from ..index.scope import FILE, PREDICTION, SET, Scope, in_scope
from ..index.sql import Db
from .claim_checks import CLAIM_CHECKS

Keyed = list[tuple[str, str, Problem]]  # (key kind, key, problem)

# A prediction id defined more than once (the refresh lists them before the checks run):
# checks about one copy's dates are left out.
_AMBIGUOUS = "SELECT a.id FROM ambiguous_ids a"


def file_problems(db: Db, scope: Scope) -> Keyed:
    return [
        (FILE, file, Problem(SourceLocation(file, line, col), message, code))
        for file, line, col, code, message in db.rows(
            f"SELECT file, line, col, code, message FROM problems WHERE 1 = 1{in_scope(scope, FILE, 'file')}"
        )
    ]


def duplicate_prediction_ids(db: Db, scope: Scope) -> Keyed:
    return duplicates(db, scope, "predictions", "prediction", PREDICTION)


def duplicate_set_ids(db: Db, scope: Scope) -> Keyed:
    return duplicates(db, scope, "sets", "set", SET)


def duplicates(db: Db, scope: Scope, table: str, what: str, kind: str) -> Keyed:
    """Every record of `table` whose id an earlier one (in file order) already has."""
    rows = db.rows(
        f"SELECT t.id, t.file, t.line, t.col FROM {table} t WHERE t.id IN (SELECT d.id FROM {table} d "
        f"WHERE 1 = 1{in_scope(scope, kind, 'd.id')} GROUP BY d.id HAVING count(*) > 1) ORDER BY t.id, t.file, t.line"
    )
    problems, first = [], {}
    for rid, file, line, col in rows:
        if rid not in first:
            first[rid] = SourceLocation(file, line)
            continue
        problems.append((kind, rid, Problem(
            SourceLocation(file, line, col),
            f"{what} id {rid!r} is already used at {{0}}; ids must be unique in the ledger, rename one",
            "duplicate-id",
            (first[rid],),
        )))
    return problems


REJECTED_SQL = "SELECT r.id FROM rejected r WHERE r.kind = '{kind}'"


def unknown_prediction_references(db: Db, scope: Scope) -> Keyed:
    problems = []
    for table, what, extra in (("forecasts", "forecast", " AND NOT t.initial"), ("outcomes", "outcome", "")):
        rows = db.rows(
            f"SELECT t.prediction_id, t.file, t.line, t.col FROM {table} t "
            f"WHERE 1 = 1{in_scope(scope, PREDICTION, 't.prediction_id')} "
            "AND t.prediction_id NOT IN (SELECT p.id FROM predictions p) "
            f"AND t.prediction_id NOT IN ({REJECTED_SQL.format(kind='prediction')}){extra}"
        )
        for pid, file, line, col in rows:
            problems.append((PREDICTION, pid, Problem(
                SourceLocation(file, line, col),
                f"{what} for unknown prediction {pid!r}; check the id (`pledger list` shows them)",
                "unknown-id",
            )))
    return problems


def dates_in_order(db: Db, scope: Scope) -> Keyed:
    # A duplicated id is reported as such; which of the two a date belongs to is unknown.
    problems = []
    for pid, at, file, line, col, made in db.rows(
        'SELECT f.prediction_id, f.at, f.file, f.line, f.col, p.made FROM forecasts f JOIN predictions p ON p.id = f.prediction_id '
        f"WHERE NOT f.initial{in_scope(scope, PREDICTION, 'f.prediction_id')} AND f.at < p.made "
        f"AND f.prediction_id NOT IN ({_AMBIGUOUS})"
    ):
        problems.append((PREDICTION, pid, Problem(SourceLocation(file, line, col), forecast_before_made(pid, at, made), "order")))
    for pid, on, file, line, col, made in db.rows(
        'SELECT o.prediction_id, o."on", o.file, o.line, o.col, p.made FROM outcomes o JOIN predictions p ON p.id = o.prediction_id '
        f"WHERE 1 = 1{in_scope(scope, PREDICTION, 'o.prediction_id')} "
        f'AND o."on" < p.made AND o.prediction_id NOT IN ({_AMBIGUOUS})'
    ):
        problems.append((PREDICTION, pid, Problem(SourceLocation(file, line, col), resolved_before_made(pid, on, made), "order")))
    # Due before made (possibly a header's `due` meeting an item's `made`): `add --due` refuses it too.
    for pid, due, made, file, line, col in db.rows(
        "SELECT p.id, p.due, p.made, p.file, p.line, p.col FROM predictions p "
        f"WHERE p.due < p.made{in_scope(scope, PREDICTION, 'p.id')}"
    ):
        problems.append((PREDICTION, pid, Problem(SourceLocation(file, line, col), due_before_made(pid, due, made), "order")))
    return problems


# The words of dates_in_order, also said by an import of records that would break it (services.imports).
def forecast_before_made(pid: str, at, made, count: int = 1) -> str:
    """count: how many forecasts are (an import's row may add several); `at`: the earliest one's day."""
    if count == 1:
        return f"forecast on {pid!r} is dated {_day(at)}, before the prediction was made ({_day(made)}); check both dates"
    return (f"{count} forecasts on {pid!r} are dated before the prediction was made ({_day(made)}), the first on "
            f"{_day(at)}; check both dates")


def resolved_before_made(pid: str, on, made, in_ledger: bool = True) -> str:
    """in_ledger: said of an entry in the ledger, which reads leave out; an import's row is not written at all."""
    left_out = " (the entry is left out until they agree)" if in_ledger else ""
    return f"{pid!r} is resolved on {_day(on)}, before it was made ({_day(made)}); check both dates{left_out}"


def due_before_made(pid: str, due, made) -> str:
    return f"{pid!r} is due {_day(due)}, before it was made ({_day(made)}); check both dates"


def _day(value) -> str:
    return value if isinstance(value, str) else value.isoformat()


def derived_problems(db: Db, scope: Scope) -> Keyed:
    """What index.derive found in outcome entries and forecasts (resolved twice, lone corrections, misfits)."""
    return [
        (PREDICTION, pid, Problem(SourceLocation(file, line, col), message, code,
                                  tuple(SourceLocation(*ref) for ref in json.loads(refs))))
        for pid, file, line, col, code, message, refs in db.rows(
            "SELECT prediction_id, file, line, col, code, message, refs FROM derived_problems "
            f"WHERE 1 = 1{in_scope(scope, PREDICTION, 'prediction_id')}"
        )
    ]


LEDGER_CHECKS: tuple[Callable[[Db, Scope], Keyed], ...] = (
    file_problems,
    duplicate_prediction_ids,
    duplicate_set_ids,
    unknown_prediction_references,
    dates_in_order,
    derived_problems,
    *CLAIM_CHECKS,
)


def ledger_problems(db: Db, scope: Scope) -> Keyed:
    """Every check's problems for the scope's keys (each once), as the refresh stores them."""
    found: dict[tuple[str, str, Problem], None] = {}
    for check in LEDGER_CHECKS:
        found.update(dict.fromkeys(check(db, scope)))
    return list(found)
