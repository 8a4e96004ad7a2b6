"""Read operations on a ledger, as the CLI and notebooks use them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from ..errors import LedgerError, Problem, UsageError
from .defaults import today
from .ledger import Ledger
from .select import (
    PredictionHistory,
    PredictionState,
    Selection,
    ambiguous_message,
    ambiguous_places,
    rejected_error,
    count_matching,
    iter_states,
    prediction_history,
    problem_count,
    select_predictions,
    stored_problems,
)


def list_states(
    ledger: Ledger, selection: Selection = Selection(), limit: int | None = None
) -> tuple[list[PredictionState], int, int]:
    """The selected predictions (at most `limit`), how many match in all, and how many problems the ledger has.

    Reads the index warm when it is current (Ledger.reader).
    """
    with listing(ledger, selection, limit) as found:
        return list(found.states), found.total, found.problems


@dataclass(slots=True)
class Listing:
    states: Iterator[PredictionState]  # in ledger order, read as they are consumed
    total: int  # how many match in all (with a limit and a status: how many are listed)
    problems: int  # how many problems the ledger has


@contextmanager
def listing(ledger: Ledger, selection: Selection = Selection(), limit: int | None = None) -> Iterator[Listing]:
    """list_states as a stream: the states are read from the index while the block consumes them."""
    day = today()
    with ledger.reader() as db:
        total = count_matching(db, selection, day)
        if limit is not None and selection.status:
            total = min(total, limit)
        yield Listing(iter_states(db, selection, day, limit), total, problem_count(db))


def due_states(
    ledger: Ledger, selection: Selection = Selection(), within_days: int | None = None, *, every: bool = False
) -> tuple[list[PredictionState], int]:
    """Unresolved predictions by due date, oldest first (then id), and the ledger's problem count.

    By default those past due (due before today: due today is not yet past); with
    within_days=N also those due from today to N days ahead; with every=True every
    unresolved prediction that has a due date.
    """
    day = today()
    with ledger.reader() as db:
        states = select_predictions(db, replace(selection, status=None), day)
        problems = problem_count(db)
    if within_days is None and not every:
        wanted = [s for s in states if s.status == "due"]
    else:
        horizon = None if every else day + dt.timedelta(days=within_days)
        wanted = [s for s in states if s.status in ("open", "due") and s.prediction.due is not None
                  and (horizon is None or s.prediction.due <= horizon)]
    wanted.sort(key=lambda s: (s.prediction.due, s.prediction.id))
    return wanted, problems


_ID_TABLES = {"prediction": ("predictions", "`pledger list`"), "claim": ("claims", "`pledger claim list`")}


def unknown_id_error(conn, kind: str, record_ids: list[str], argument: str = "ID") -> UsageError | LedgerError:
    """The UsageError for ids no prediction (or claim) has, with the nearest id on record when one is close;
    for an id whose record a file defines but was left out for a problem, the LedgerError naming that problem.

    conn -- any index connection (ledger.index.sql.as_db)
    """
    from ..index.sql import as_db
    from ..suggest import did_you_mean

    for record_id in record_ids:
        rejected = rejected_error(conn, kind, record_id)
        if rejected is not None:
            return rejected

    table, listing = _ID_TABLES[kind]
    known = [r[0] for r in as_db(conn).rows(f"SELECT id FROM {table}")]
    hint = did_you_mean(record_ids[0], known) if len(record_ids) == 1 else ""
    return UsageError(f"no {kind} with id {', '.join(map(repr, record_ids))}{hint}; {listing} shows the ids", argument)


def unknown_id(ledger: Ledger, kind: str, record_id: str, argument: str = "ID") -> UsageError:
    """unknown_id_error on the ledger's index."""
    with ledger.reader() as db:
        return unknown_id_error(db, kind, [record_id], argument)


FEW_SETS = 8  # up to this many sets (tags, forecasters), a name near none of them lists them all


def unknown_filters(ledger: Ledger, selection: Selection) -> list[str]:
    """For a selection that matched nothing: a note for each --set, --tag or --by the ledger does not have,
    with the nearest one it does ("no set 'nosuchset' (did you mean 'anthropic-sae-2024'?)"), or all of them
    when they are few."""
    from ..names import name_key

    notes = []
    with ledger.reader() as db:
        if selection.set_id:
            sets = [r[0] for r in db.rows("SELECT DISTINCT id FROM sets")]
            if selection.set_id not in sets:
                notes.append(_missing("set", selection.set_id, sets))
        if selection.tags:
            tags = [r[0] for r in db.rows("SELECT DISTINCT tag FROM tags")]
            notes += [_missing("tag", t, tags) for t in selection.tags if t not in tags]
        if selection.by:
            names = [r[0] for r in db.rows('SELECT DISTINCT "by" FROM predictions UNION SELECT DISTINCT "by" FROM forecasts')]
            if name_key(selection.by) not in {name_key(n) for n in names}:  # names match ignoring case
                notes.append(_missing("forecaster", selection.by, names))
    return notes


def _missing(what: str, value: str, known: list[str]) -> str:
    """"no set 'x'", with the nearest known one, or every known one when there are few."""
    from ..suggest import did_you_mean

    hint = did_you_mean(value, known)
    if not hint and 0 < len(known) <= FEW_SETS:
        hint = f" (the {what}s are {', '.join(sorted(known))})"
    return f"no {what} {value!r}{hint}"


def locate_record(ledger: Ledger, record_id: str):
    """Where a prediction (else a claim) with this id is defined: its SourceLocation.

    LedgerError when the prediction id is defined more than once or its record was
    left out for a problem (the file is still where it is: the first such file);
    UsageError when nothing has the id."""
    from ..errors import SourceLocation

    with ledger.reader() as db:
        rows = db.rows("SELECT file, line, col FROM predictions WHERE id = :id ORDER BY file, line", {"id": record_id})
        if not rows:
            rows = db.rows("SELECT file, line, col FROM claims WHERE id = :id ORDER BY file, line", {"id": record_id})
        if not rows:
            rows = db.rows("SELECT file, 0, 0 FROM rejected WHERE id = :id ORDER BY file", {"id": record_id})
        if not rows:
            raise unknown_id_error(db, "prediction", [record_id])
        places = ambiguous_places(db, [record_id])
    if places:
        raise LedgerError(ambiguous_message(record_id, places[record_id]), refs=places[record_id])
    return SourceLocation(*rows[0])


def count_problems(ledger: Ledger) -> int:
    """How many problems the ledger has: the number `pledger check` reports, and the read commands warn about."""
    with ledger.reader() as db:
        return problem_count(db)


def history(ledger: Ledger, prediction_id: str) -> PredictionHistory | None:
    """One prediction with every forecast and outcome entry; None when no prediction has that id.

    Raises LedgerError when the id is defined more than once (ambiguous: left out, never mixed).
    """
    with ledger.reader() as db:
        found = prediction_history(db, prediction_id, today())
        places = ambiguous_places(db, [prediction_id]) if found is None else {}
        rejected = rejected_error(db, "prediction", prediction_id) if found is None and not places else None
    if places:
        raise LedgerError(ambiguous_message(prediction_id, places[prediction_id]), refs=places[prediction_id])
    if rejected:
        raise rejected
    return found


@dataclass(frozen=True, slots=True)
class CheckReport:
    problems: list[Problem]
    files: int
    predictions: int
    forecasts: int
    outcomes: int
    claims: int = 0
    assessments: int = 0
    sources: int = 0

    def summary(self) -> str:
        counted = [
            (self.files, "file"), (self.predictions, "prediction"), (self.forecasts, "forecast"),
            (self.outcomes, "outcome entry"),
        ]
        # The claims side only when the ledger keeps claims: most ledgers hold none.
        if self.claims or self.assessments:
            counted += [(self.claims, "claim"), (self.assessments, "assessment")]
        if self.sources:
            counted.append((self.sources, "source"))
        counts = ", ".join(_count(n, word) for n, word in counted)
        if not self.problems:
            return f"ok: {counts}, no problems"
        noun = "problem" if len(self.problems) == 1 else "problems"
        return f"{len(self.problems)} {noun} in {counts}"

    def to_dict(self) -> dict:
        return {
            "ok": not self.problems,
            "files": self.files,
            "predictions": self.predictions,
            "forecasts": self.forecasts,
            "outcomes": self.outcomes,
            "claims": self.claims,
            "assessments": self.assessments,
            "sources": self.sources,
            "problems": [p.to_dict() for p in self.problems],
        }


def _count(n: int, word: str) -> str:
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{n} {word if n == 1 else plural}"


def check_ledger(ledger: Ledger) -> CheckReport:
    """Every problem, as the refresh stored them: a current index is read warm (Ledger.reader)."""
    with ledger.reader() as db:
        problems = stored_problems(db)  # what the refresh stored: the read commands count the same list

        def count(table: str) -> int:
            return db.rows(f"SELECT count(*) FROM {table}")[0][0]

        return CheckReport(
            problems, count("files"), count("predictions"), count("forecasts"), count("outcomes"),
            claims=count("claims"), assessments=count("assessments"), sources=count("sources"),
        )
