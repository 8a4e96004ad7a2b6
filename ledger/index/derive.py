"""What follows from several records, computed once when the index is refreshed.

For each prediction: its **standing outcome** (the rule below), the outcome code
scoring reads, the value of a numeric resolution and the date it was first
resolved; for each outcome entry and forecast, whether it fits its question's
kind. Every reader uses these stored columns: no rule has a second copy.

The outcome rule. A prediction's outcome entries are ordered by date; on the
same day a first resolution comes before its corrections; then by file and line.
The first plain (non-correction) entry resolves it; the last correction after
that entry stands. A correction with no plain entry before it corrects nothing,
and a second plain entry is an error: both are reported, and neither stands.
Entries that do not fit the question (a value on a yes/no question, a name that
is no option), and entries dated before the prediction was made, are reported
and left out, as if not written.

Runs on the refresh's connection (ledger.index.sql Db: SQL text through the
driver), for the predictions a refresh touched (index.scope) or for all of them.
"""

from __future__ import annotations

import json
from typing import Any

from ..kinds import ANNULLED, BINARY, CHOICE, LABELS, NUMERIC, match_option
from .scope import PREDICTION, Scope
from .scope import TABLE as SCOPE_TABLE
from .sql import Db

# predictions.outcome: what scoring reads. Resolved: 1/0 for yes/no, the option's
# position (0-based) for multiple choice, 0 for numeric (the value is outcome_value).
PENDING = -1
ANNULLED_CODE = -2
YES, NO = 1, 0

_OUTCOME_COLUMNS = 'o.rowid, o.prediction_id, o.result, o."on", o.correction, o.file, o.line, o.col, o.value, o.value_is_date'
_ORDER = 'o.prediction_id, o."on", o.correction, o.file, o.line'


def standing_entry(entries: list[tuple]) -> tuple[int | None, list[tuple[int, str, int | None]]]:
    """The outcome rule (module docstring) on one prediction's fitting entries, in order.

    entries: (correction,) + anything, oldest first. Returns the index of the
    standing entry (None: unresolved) and the entries that are errors, as
    (index, "correction" | "resolved-twice", index of the resolution it repeats).
    """
    first = None
    standing = None
    errors: list[tuple[int, str, int | None]] = []
    for i, entry in enumerate(entries):
        correction = entry[0]
        if correction:
            if first is None:
                errors.append((i, "correction", None))
            else:
                standing = i
        elif first is None:
            first = standing = i
        else:
            errors.append((i, "resolved-twice", first))
    return standing, errors


def derive(db: Db, scope: Scope, *, fresh: bool = False) -> None:
    """Recompute the derived columns and problems of the scope's predictions.

    The scope (index.scope) must be stored. A scope of everything takes the common
    case -- one plain entry on a yes/no question -- in one SQL UPDATE, and the rest
    through the rule below in chunks of CHUNK ids; fresh: the rows are as inserted,
    with nothing derived yet (a cold build), so nothing needs resetting.
    """
    if not scope.everything:
        if scope.ids[PREDICTION]:
            _derive_kind(db, PREDICTION)
        return
    if not fresh:
        db.run(f"UPDATE predictions SET result = NULL, outcome = {PENDING}, outcome_value = NULL, outcome_entry = NULL, "
               f"resolved_on = NULL WHERE outcome != {PENDING} OR outcome_entry IS NOT NULL OR resolved_on IS NOT NULL")
        db.run("UPDATE outcomes SET fits = TRUE WHERE NOT fits")
        db.run("UPDATE forecasts SET fits = TRUE WHERE NOT fits")
        db.run("DELETE FROM derived_problems")
    db.run(_COMMON_CASE_SQL)
    rest = [r[0] for r in db.rows(_REST_SQL)]
    for start in range(0, len(rest), CHUNK):
        db.run(f"DELETE FROM {SCOPE_TABLE} WHERE kind = '{_CHUNK_KIND}'")
        db.many(f"INSERT INTO {SCOPE_TABLE} (kind, id) VALUES (?, ?)", [(_CHUNK_KIND, i) for i in rest[start:start + CHUNK]])
        _derive_kind(db, _CHUNK_KIND)
    db.run(f"DELETE FROM {SCOPE_TABLE} WHERE kind = '{_CHUNK_KIND}'")


# Ids in one pass of the rule (a scope of everything, past the common case).
CHUNK = 20_000
_CHUNK_KIND = "derive"
_UNAMBIGUOUS = "p.id NOT IN (SELECT a.id FROM ambiguous_ids a)"
# One entry, not a correction, yes / no / annulled (and dated on or after the prediction): the rule's answer is that entry.
_SIMPLE = ("count(*) = 1 AND max(CASE WHEN o.correction THEN 1 ELSE 0 END) = 0 "
           f"AND max(CASE WHEN o.result IN ('yes', 'no', '{ANNULLED}') THEN 0 ELSE 1 END) = 0")
_COMMON_CASE_SQL = (
    f"UPDATE predictions SET result = s.result, outcome = CASE s.result WHEN 'yes' THEN {YES} WHEN 'no' THEN {NO} "
    f"ELSE {ANNULLED_CODE} END, outcome_entry = s.entry, resolved_on = s.first_on "
    'FROM (SELECT o.prediction_id AS pid, min(o.rowid) AS entry, min(o.result) AS result, min(o."on") AS first_on '
    f"FROM outcomes o GROUP BY o.prediction_id HAVING {_SIMPLE}) AS s "
    f"WHERE predictions.id = s.pid AND predictions.kind = '{BINARY}' AND s.first_on >= predictions.made "
    "AND predictions.id NOT IN (SELECT a.id FROM ambiguous_ids a)"
)
# What the common case leaves to the rule: several entries, a correction, an odd result, an entry dated before the
# prediction, another kind, and forecasts that may not fit their question.
_REST_SQL = (
    f"SELECT o.prediction_id FROM outcomes o JOIN predictions p ON p.id = o.prediction_id WHERE {_UNAMBIGUOUS} "
    f"GROUP BY o.prediction_id HAVING NOT ({_SIMPLE} AND max(p.kind) = '{BINARY}' AND min(o.\"on\") >= max(p.made)) "
    "UNION SELECT f.prediction_id FROM forecasts f JOIN predictions p ON p.id = f.prediction_id "
    f"WHERE NOT f.initial AND (p.kind != '{BINARY}' OR f.kind != p.kind) AND {_UNAMBIGUOUS}"
)


def _derive_kind(db: Db, scope_kind: str) -> None:
    """The rule on the predictions whose ids are in scope_ids under `scope_kind`."""
    ids = f"(SELECT s.id FROM {SCOPE_TABLE} s WHERE s.kind = '{scope_kind}')"
    params: dict[str, Any] = {}
    where_p = f"WHERE p.id IN {ids}"
    where_o = f"WHERE o.prediction_id IN {ids}"
    where_f = f"AND f.prediction_id IN {ids}"

    predictions: dict[str, list[tuple]] = {}
    for rowid, pid, kind, dist, dates, made in db.rows(
        f"SELECT p.rowid, p.id, p.kind, p.dist, p.dates, p.made FROM predictions p {where_p}", params
    ):
        options = tuple(item[0] for item in json.loads(dist)) if kind == CHOICE else ()
        predictions.setdefault(pid, []).append((rowid, kind, options, bool(dates), _iso(made)))

    problems: list[tuple] = []
    misfit_outcomes: list[tuple] = []
    updates: list[tuple] = []
    by_prediction: dict[str, list[tuple]] = {}
    for row in db.rows(f"SELECT {_OUTCOME_COLUMNS} FROM outcomes o {where_o} ORDER BY {_ORDER}", params):
        by_prediction.setdefault(row[1], []).append(row)
    for pid, rows in by_prediction.items():
        copies = predictions.get(pid)
        if not copies or len(copies) > 1:
            continue  # unknown (check reports it) or ambiguous (reads leave every copy out)
        rowid, kind, options, dates, made = copies[0]
        fitting = []
        for r in rows:
            if _iso(r[3]) < made:  # resolved before it was made: check reports it (dates_in_order); it never stands
                continue
            code, label, why = _fit(pid, kind, options, dates, r[2], r[8], bool(r[9]))
            if why is None:
                fitting.append((bool(r[4]), code, label) + r)
            else:
                misfit_outcomes.append((r[0],))
                problems.append((pid, r[5], r[6], r[7], "kind", why, "[]"))
        standing, errors = standing_entry(fitting)
        for i, what, first in errors:
            entry = fitting[i]
            problems.append(_order_problem(pid, entry, what, fitting[first] if first is not None else None))
        if standing is not None:
            _, code, label, orowid, _, result, _, _, _, _, _, value, _ = fitting[standing]
            first_on = next(e for e in fitting if not e[0])[6]
            updates.append((label if label is not None else result, code, value if kind == NUMERIC else None, orowid,
                            first_on, rowid))

    misfit_forecasts: list[tuple] = []
    for frowid, pid, fkind, fdist, file, line, col in db.rows(
        "SELECT f.rowid, f.prediction_id, f.kind, f.dist, f.file, f.line, f.col FROM forecasts f "
        f"WHERE NOT f.initial {where_f}", params,
    ):
        copies = predictions.get(pid)
        if not copies or len(copies) > 1:
            continue
        _, kind, options, dates, _ = copies[0]
        why = _forecast_misfit(pid, kind, options, dates, fkind, fdist)
        if why is not None:
            misfit_forecasts.append((frowid,))
            problems.append((pid, file, line, col, "kind", why, "[]"))

    # Reset the touched predictions, then write what was derived. Only rows that hold something
    # derived are rewritten (PostgreSQL writes a new version of every row an UPDATE names).
    derived = f"(outcome <> {PENDING} OR result IS NOT NULL OR outcome_value IS NOT NULL OR outcome_entry IS NOT NULL " \
              "OR resolved_on IS NOT NULL)"
    db.run(f"UPDATE predictions SET result = NULL, outcome = {PENDING}, outcome_value = NULL, outcome_entry = NULL, "
           f"resolved_on = NULL WHERE id IN {ids} AND {derived}", params)
    db.run(f"UPDATE outcomes SET fits = TRUE WHERE prediction_id IN {ids} AND NOT fits", params)
    db.run(f"UPDATE forecasts SET fits = TRUE WHERE NOT initial AND NOT fits AND prediction_id IN {ids}", params)
    db.many("UPDATE predictions SET result = ?, outcome = ?, outcome_value = ?, outcome_entry = ?, resolved_on = ? "
            "WHERE rowid = ?", updates)
    db.many("UPDATE outcomes SET fits = FALSE WHERE rowid = ?", misfit_outcomes)
    db.many("UPDATE forecasts SET fits = FALSE WHERE rowid = ?", misfit_forecasts)
    db.run(f"DELETE FROM derived_problems WHERE prediction_id IN {ids}", params)
    db.many("INSERT INTO derived_problems (prediction_id, file, line, col, code, message, refs) VALUES (?, ?, ?, ?, ?, ?, ?)",
            problems)


def _iso(day) -> str:
    """A date column's value as ISO text (SQLite gives text, other drivers dates): they compare as dates do."""
    return day if isinstance(day, str) else day.isoformat()


def _fit(pid: str, kind: str, options: tuple[str, ...], dates: bool, result: str, value: float | None,
         is_date: bool) -> tuple[int, str | None, str | None]:
    """(outcome code, the option's label for multiple choice, None) when an entry fits; else (0, None, why)."""
    if result == ANNULLED:
        return ANNULLED_CODE, None, None
    if kind == BINARY:
        if result in ("yes", "no"):
            return (YES if result == "yes" else NO), None, None
        return 0, None, f"{result!r} is not a result for the yes/no question {pid!r}; use yes, no or annulled"
    if kind == CHOICE:
        label = match_option(options, result)
        if label is not None:
            return options.index(label), label, None
        return 0, None, (f"{result!r} is not an option of {pid!r}; resolve it to one of {', '.join(options)} "
                         "(or annulled)")
    if value is None or is_date != dates:
        want = "a date (YYYY-MM-DD)" if dates else "a number"
        return 0, None, f"{result!r} is not a value for the numeric question {pid!r}; resolve it to {want}, or annulled"
    return 0, None, None


def _forecast_misfit(pid: str, kind: str, options: tuple[str, ...], dates: bool, fkind: str, fdist: str) -> str | None:
    from ..kinds import FORECAST_KEYS

    if fkind != kind:
        return (f"{pid!r} is a {LABELS[kind]} question: a forecast on it gives `{FORECAST_KEYS[kind]}:`, "
                f"not `{FORECAST_KEYS[fkind]}:`")
    if kind == CHOICE:
        from ..store.read import options_mismatch

        return options_mismatch(options, tuple(item[0] for item in json.loads(fdist)))
    if kind == NUMERIC:
        # A date's value is typed as YYYY-MM-DD; a number never is.
        from ..kinds import parse_quantity

        fdates = parse_quantity(json.loads(fdist)[0][3])[2]
        if fdates != dates:
            return (f"{pid!r} is about {'dates' if dates else 'numbers'}: give the forecast's quantiles as "
                    f"{'dates' if dates else 'numbers'} too")
    return None


def _order_problem(pid: str, entry: tuple, what: str, first: tuple | None) -> tuple:
    # entry: (correction, code, label, rowid, prediction_id, result, on, correction, file, line, col, value, is_date)
    on, file, line, col = entry[6], entry[8], entry[9], entry[10]
    if what == "correction":
        return (pid, file, line, col, "correction", correction_message(pid, on), "[]")
    return (pid, file, line, col, "resolved-twice", resolved_twice_message(pid, "{0}"), json.dumps([[first[8], first[9], 0]]))


# The words of the outcome rule's errors, also said by an import of entries that would break it (services.imports).
def correction_message(pid: str, on) -> str:
    return (f"{pid!r} has `correction: true` on {on}, but no earlier entry resolves it; "
            "remove `correction: true`, or date it on or after the resolution it corrects")


def resolved_twice_message(pid: str, first: str) -> str:
    """first: where the resolution it repeats is ("{0}": the problem's first reference)."""
    return (f"{pid!r} is already resolved at {first}; to change the result add `correction: true` to this entry "
            "(or use `pledger resolve --correct`)")
