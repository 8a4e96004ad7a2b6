"""Each kind's forecasts, checked once, with the work several rules share done once.

The registry's rules compute their results from these (scoring.registry): a
Binary holds p and o and computes the proper scores in one fused pass; a Choice
holds the normalised option probabilities and each forecast's scores; a Numeric
holds its groups of quantile forecasts; a Time holds the day-by-day scores of
every (question, forecaster) pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ._common import Result, as_forecasts, number
from .calibration import fold, table_unchecked
from .choice import (
    as_binary,
    as_choice_forecasts,
    baseline_result,
    brier_result,
    log_result,
    per_forecast,
    rps_result,
)
from .gap import gap_unchecked
from .proper import proper_scores_unchecked
from .quantile import Groups, coverage_result, crps_result, group_scores, pit_result, quantile_score_result, wis_result
from .timeweighted import TimeWeighted


class Binary:
    """Yes/no forecasts: p and outcome (0/1)."""

    kind = "binary"

    def __init__(self, p, o, settings):
        self.p, self.o = as_forecasts(p, o)
        self.settings = settings

    @property
    def n(self) -> int:
        return int(self.p.shape[0])

    @cached_property
    def p2(self) -> np.ndarray:
        return self.p * self.p  # shared by the gap's spread and the calibration sums

    @cached_property
    def proper(self):
        return proper_scores_unchecked(self.p, self.o, scale=self.settings.brier_scale, eps=self.settings.eps)

    def gap(self):
        return gap_unchecked(self.p, self.o, self.p2)

    def calibration(self):
        return table_unchecked(self.p, self.o, self.settings.bins, p2=self.p2)

    def folded_calibration(self):
        pf, of = fold(self.p, self.o)
        return table_unchecked(pf, of, self.settings.bins, folded=True)


class Choice:
    """Multiple-choice forecasts (scoring.choice): P (n, K), the option that happened, options per row, ordered."""

    kind = "multiple-choice"

    def __init__(self, P, o, k, ordered, settings):
        self.forecasts = as_choice_forecasts(P, o, k, ordered)
        self.settings = settings

    @property
    def n(self) -> int:
        return self.forecasts.n

    @property
    def ordered(self) -> np.ndarray:
        return self.forecasts.ordered

    @cached_property
    def per(self) -> dict[str, np.ndarray]:
        return per_forecast(self.forecasts, self.settings.eps)

    def brier(self):
        return brier_result(self.per)

    def log(self):
        return log_result(self.per, self.settings.eps)

    def baseline(self):
        return baseline_result(self.per)

    def rps(self):
        return rps_result(self.per)

    def calibration(self):
        p, o = as_binary(self.forecasts)
        return table_unchecked(p, o, self.settings.bins)


class Numeric:
    """Numeric forecasts: groups of (levels, Q, y[, unit]), one group per set of levels and unit."""

    kind = "numeric"

    def __init__(self, groups: list[tuple], settings):
        self.groups = Groups(tuple(group_scores(*group) for group in groups))
        self.settings = settings

    @property
    def n(self) -> int:
        return self.groups.n

    def quantile_score(self):
        return quantile_score_result(self.groups)

    def crps(self):
        return crps_result(self.groups)

    def wis(self):
        return wis_result(self.groups)

    def coverage(self):
        return coverage_result(self.groups)

    def pit(self):
        return pit_result(self.groups)


@dataclass(frozen=True)
class TimeFigure(Result):
    """A time-weighted figure: its mean over the n questions it is defined on."""

    n: int
    value: float | None
    rule: str


class Time:
    """Time-weighted yes/no scores of the pairs (question, forecaster) chosen (scoring.timeweighted)."""

    kind = "binary"

    def __init__(self, tw: TimeWeighted, keep: np.ndarray, settings):
        self.tw = tw
        self.keep = keep  # which pairs this report is about (the authors', or one forecaster's)
        self.settings = settings

    @property
    def n(self) -> int:
        return int(np.count_nonzero(self.keep))

    def _mean(self, values: np.ndarray, rule: str, mask: np.ndarray | None = None) -> TimeFigure:
        chosen = values[self.keep & (True if mask is None else mask)]
        chosen = chosen[~np.isnan(chosen)]
        return TimeFigure(int(chosen.size), number(chosen.mean()) if chosen.size else None, rule)

    def coverage(self):
        return self._mean(self.tw.coverage, "covered days / horizon days, averaged over the questions")

    def baseline(self):
        return self._mean(self.tw.baseline, "sum over covered days of 100 log2(p(outcome)/0.5), / horizon days")

    def peer(self):
        return self._mean(self.tw.peer, "over questions someone else also forecast; zero on days nobody else stood",
                          self.tw.days_with_others > 0)

    def brier(self):
        return self._mean(self.tw.brier, "the daily Brier score averaged over the covered days")

    def log(self):
        return self._mean(self.tw.log, "the daily -ln p(outcome) averaged over the covered days")
