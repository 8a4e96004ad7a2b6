"""Read operations on a ledger, as the CLI and notebooks use them."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import LedgerError, Problem
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
    with ledger.reader() as db:
        states = select_predictions(db, selection, today(), limit)
        total = len(states) if limit is None or selection.status else count_matching(db, selection)
        problems = problem_count(db)
    return states, total, problems


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
        raise LedgerError(ambiguous_message(prediction_id, places[prediction_id]))
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
    from ..index.sql import as_db

    with ledger.connect() as conn:
        db = as_db(conn)
        problems = stored_problems(db)  # what the refresh stored: the read commands count the same list

        def count(table: str) -> int:
            return db.rows(f"SELECT count(*) FROM {table}")[0][0]

        return CheckReport(
            problems, count("files"), count("predictions"), count("forecasts"), count("outcomes"),
            claims=count("claims"), assessments=count("assessments"), sources=count("sources"),
        )
