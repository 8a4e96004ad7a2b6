"""Read operations on a ledger, as the CLI and notebooks use them."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Problem
from .defaults import today
from .ledger import Ledger
from .select import (
    PredictionHistory,
    PredictionState,
    Selection,
    count_matching,
    prediction_history,
    select_predictions,
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
        problems = db.rows("SELECT count(*) FROM problems")[0][0]
    return states, total, problems


def history(ledger: Ledger, prediction_id: str) -> PredictionHistory | None:
    with ledger.reader() as db:
        return prediction_history(db, prediction_id, today())


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
    from sqlalchemy import func, select

    from ..index.tables import AssessmentRow, ClaimRow, FileRow, ForecastRow, OutcomeRow, PredictionRow, SourceRow
    from . import checks

    with ledger.connect() as conn:
        problems = checks.all_problems(conn)

        def count(table) -> int:
            return conn.execute(select(func.count()).select_from(table.__table__)).scalar()

        return CheckReport(
            problems, count(FileRow), count(PredictionRow), count(ForecastRow), count(OutcomeRow),
            claims=count(ClaimRow), assessments=count(AssessmentRow), sources=count(SourceRow),
        )
