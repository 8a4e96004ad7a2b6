"""Numeric forecasts given as quantiles: quantile (pinball) score, interval scores,
weighted interval score, CRPS estimated from the quantiles, interval coverage and
a PIT histogram.

Input: a group of forecasts that give the same quantile levels: `levels` (m,),
strictly increasing in (0, 1); `Q` (n, m) the values at those levels,
non-decreasing along each row; `y` (n,) what happened. A ledger's forecasts with
other level sets are other groups; `combine` adds groups up.

  quantile score  mean over the levels of the pinball loss
                  (1{y < q} - tau)(q - y)  (scoringrules.quantile_score)
  CRPS            estimated as 2 x the mean pinball loss over the levels
                  (Berrisch & Ziel 2023; scoringrules.crps_quantile): exact in the
                  limit of many evenly spread levels, a coarse estimate from five
  interval score  for each central interval [q_tau, q_(1-tau)] the forecast gives,
                  alpha = 2 tau: (u - l) + (2/alpha)(l - y)1{y < l} + (2/alpha)(y - u)1{y > u}
                  (Gneiting & Raftery 2007; scoringrules.interval_score)
  WIS             the weighted interval score (Bracher et al. 2021), for forecasts
                  with a median: (1/2 |y - m| + sum_k alpha_k/2 IS_alpha_k) / (K + 1/2)
  coverage        for each central interval's nominal level 1 - alpha: how often
                  y fell inside [l, u], with a Wilson interval
  PIT             where y falls in the forecast's distribution: the levels
                  interpolated linearly between the quantiles; below the lowest
                  quantile tau_1 / 2, above the highest (1 + tau_m) / 2

All lower-is-better scores are in the question's unit (days, for dates): they are
averaged per unit (`by_unit`), and over everything only when one unit is in play.
Coverage and the PIT are unit-free and pooled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kinds import LEVEL_DIGITS, MAX_MAGNITUDE, MAX_MAGNITUDE_TEXT  # levels compared rounded; values bounded
from ._common import Result, number
from .calibration import wilson_interval

PIT_BINS = 10
CRPS_ESTIMATOR = ("2 x the mean pinball loss over the forecast's quantile levels (Berrisch & Ziel 2023; "
                  "scoringrules.crps_quantile)")
PIT_RULE = ("the forecast's levels interpolated linearly between its quantiles; below the lowest quantile "
            "half its level, above the highest halfway to 1")


def check_group(levels, Q, y, *, values: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arrays, checked (values=False: the caller checks finiteness and order itself)."""
    levels = np.asarray(levels, dtype=np.float64)
    Q = np.asarray(Q, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if levels.ndim != 1 or levels.size == 0:
        raise ValueError("levels must be a non-empty one-dimensional array")
    if Q.ndim != 2 or Q.shape[1] != levels.size or y.shape != (Q.shape[0],):
        raise ValueError(f"Q must be (n, {levels.size}) and y (n,), got {Q.shape} and {y.shape}")
    if not (levels.min() > 0.0 and levels.max() < 1.0 and np.all(np.diff(levels) > 0)):
        raise ValueError("levels must increase strictly inside (0, 1)")
    if not values:
        return levels, Q, y
    check_magnitude(Q, y)
    if Q.shape[1] > 1 and Q.size and (Q[:, 1:] < Q[:, :-1]).any():
        raise ValueError("each forecast's values must not decrease with the level")
    return levels, Q, y


def check_magnitude(Q: np.ndarray, y: np.ndarray) -> None:
    """ValueError unless every value and outcome lies within ±kinds.MAX_MAGNITUDE (a NaN does not):
    inside it no score overflows, so no numpy warning and no infinite score."""
    if Q.size and not (-MAX_MAGNITUDE <= Q.min() and Q.max() <= MAX_MAGNITUDE  # no copy, and NaN fails
                       and -MAX_MAGNITUDE <= y.min() and y.max() <= MAX_MAGNITUDE):
        raise ValueError(f"values and outcomes must be finite numbers within ±{MAX_MAGNITUDE_TEXT}")


@dataclass(frozen=True)
class GroupScores:
    """Per-forecast scores of one group (arrays of length n), and its central intervals."""

    unit: str
    pinball: np.ndarray  # mean pinball loss over the levels
    crps: np.ndarray
    wis: np.ndarray | None  # None when the levels have no median
    intervals: tuple[tuple[float, np.ndarray, np.ndarray], ...]  # (nominal level, interval score, inside)
    pit: np.ndarray


def central_pairs(levels: np.ndarray) -> list[tuple[int, int]]:
    """(lower, upper) positions of the central intervals the levels hold: tau and 1 - tau, widest first."""
    rounded = np.round(levels, LEVEL_DIGITS)
    where = {float(v): i for i, v in enumerate(rounded)}
    pairs = []
    for i, v in enumerate(rounded):
        j = where.get(float(np.round(1.0 - v, LEVEL_DIGITS)))
        if j is not None and i < j:
            pairs.append((i, j))
    return pairs


def median_position(levels: np.ndarray) -> int | None:
    hits = np.flatnonzero(np.round(levels, LEVEL_DIGITS) == 0.5)
    return int(hits[0]) if hits.size else None


CHUNK = 1 << 15  # forecasts worked at once: a chunk's arrays stay in the processor's cache


def group_scores(levels, Q, y, unit: str = "") -> GroupScores:
    """Every per-forecast score of a group (module docstring); unit names the values' unit."""
    levels, Q, y = check_group(levels, Q, y, values=False)
    n = y.shape[0]
    if n <= CHUNK:
        return _group_chunk(levels, Q, y, unit)
    parts = [_group_chunk(levels, Q[i:i + CHUNK], y[i:i + CHUNK], unit) for i in range(0, n, CHUNK)]
    cat = np.concatenate
    intervals = tuple(
        (parts[0].intervals[k][0], cat([p.intervals[k][1] for p in parts]), cat([p.intervals[k][2] for p in parts]))
        for k in range(len(parts[0].intervals))
    )
    wis = None if parts[0].wis is None else cat([p.wis for p in parts])
    return GroupScores(unit, cat([p.pinball for p in parts]), cat([p.crps for p in parts]), wis, intervals,
                       cat([p.pit for p in parts]))


def _group_chunk(levels, Q, y, unit: str) -> GroupScores:
    """group_scores on one chunk. Worked from d = q - y, a contiguous row per level: the pinball
    loss is max(d, 0) - tau d, and the interval scores and the PIT reuse the same d."""
    check_magnitude(Q, y)  # before the subtraction, which would overflow beyond the bound
    d = np.subtract(Q.T, y, order="C")  # (m, n), a row per level: each quantile minus what happened
    n, m = y.shape[0], levels.size
    # The check on d's rows (contiguous): non-decreasing.
    if m > 1 and d.size and (d[1:] < d[:-1]).any():
        raise ValueError("each forecast's values must not decrease with the level")
    positive = np.maximum(d, 0.0)  # (q - y)+ per level
    pinball = positive.sum(axis=0)
    for j in range(m):  # not levels @ d: BLAS would sum in an order that depends on the chunk's size
        pinball -= levels[j] * d[j]
    pinball /= m
    intervals = []
    wis_sum = np.zeros(n)
    for lo, hi in central_pairs(levels):
        alpha = float(np.round(2.0 * levels[lo], LEVEL_DIGITS))
        # (u - l) + (2/alpha)((l - y)+ + (y - u)+), with l - y = d[lo] and (y - u)+ = (u - y)+ - (u - y)
        score = d[hi] - d[lo]
        score += (2.0 / alpha) * (positive[lo] + positive[hi] - d[hi])
        intervals.append((1.0 - alpha, score, (d[lo] <= 0.0) & (d[hi] >= 0.0)))
        wis_sum += (alpha / 2.0) * score
    mid = median_position(levels)
    wis = None
    if mid is not None:
        wis = (0.5 * np.abs(d[mid]) + wis_sum) / (len(intervals) + 0.5)
    return GroupScores(unit, pinball, 2.0 * pinball, wis, tuple(intervals), _pit(levels, d))


def _pit(levels: np.ndarray, d: np.ndarray) -> np.ndarray:
    """PIT_RULE, segment by segment between consecutive quantiles (d = q - y per level)."""
    m = levels.size
    n = d.shape[1]
    out = np.full(n, levels[0] / 2.0)  # below the lowest quantile
    if m == 1:
        return np.where(d[0] <= 0.0, np.where(d[0] < 0.0, (1.0 + levels[0]) / 2.0, levels[0]), out)
    for j in range(m - 1):
        width = d[j + 1] - d[j]  # q_(j+1) - q_j
        inside = (d[j] <= 0.0) & (d[j + 1] >= 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(width > 0, -d[j] / width, 0.5)
        np.putmask(out, inside, levels[j] + np.clip(frac, 0.0, 1.0) * (levels[j + 1] - levels[j]))
    np.putmask(out, d[m - 1] < 0.0, (1.0 + levels[-1]) / 2.0)  # above the highest
    return out


def pit_values(levels, Q, y) -> np.ndarray:
    """Each outcome's PIT value (PIT_RULE)."""
    levels, Q, y = check_group(levels, Q, y)
    return _pit(levels, np.subtract(Q.T, y, order="C"))


@dataclass(frozen=True)
class IntervalRow(Result):
    """One nominal central interval, pooled over the forecasts that gave it."""

    level: float  # nominal coverage, 1 - alpha
    n: int
    inside: int
    coverage: float | None
    wilson_lo: float | None
    wilson_hi: float | None
    interval_score: float | None  # mean (when one unit is in play)


@dataclass(frozen=True)
class PitHistogram(Result):
    n: int
    bins: int
    counts: tuple[int, ...]  # forecasts whose PIT falls in [k/bins, (k+1)/bins), the last bin closed
    expected: float | None  # n / bins: what a calibrated forecaster gets, roughly
    rule: str = PIT_RULE


@dataclass(frozen=True)
class UnitMean(Result):
    unit: str  # "" when the questions give none
    n: int
    mean: float | None


def _by_unit(g: "Groups", name: str) -> tuple[float | None, int, tuple[UnitMean, ...]]:
    """(mean over everything when one unit is in play, n, the mean per unit) of a per-forecast score."""
    parts: dict[str, list[np.ndarray]] = {}
    for group in g.groups:
        values = getattr(group, name)
        if values is not None:
            parts.setdefault(group.unit, []).append(values)
    per = []
    for unit in sorted(parts):
        v = np.concatenate(parts[unit])
        per.append(UnitMean(unit, int(v.size), number(v.mean()) if v.size else None))
    n = sum(u.n for u in per)
    overall = per[0].mean if len(per) == 1 else None
    return overall, n, tuple(per)


@dataclass(frozen=True)
class QuantileScore(Result):
    n: int
    quantile_score: float | None  # mean of each forecast's mean pinball loss (one unit in play only)
    by_unit: tuple[UnitMean, ...] = ()


@dataclass(frozen=True)
class Crps(Result):
    n: int
    crps: float | None
    by_unit: tuple[UnitMean, ...] = ()
    estimator: str = CRPS_ESTIMATOR


@dataclass(frozen=True)
class WeightedIntervalScore(Result):
    n: int
    n_wis: int  # forecasts with a median (the others have no WIS)
    wis: float | None
    by_unit: tuple[UnitMean, ...] = ()


@dataclass(frozen=True)
class Coverage(Result):
    """Interval coverage: a row per nominal level, widest first. Each row's mean interval
    score is given only when one unit is in play (it is in the unit's terms)."""

    n: int
    intervals: tuple[IntervalRow, ...]
    wilson_level: float


@dataclass(frozen=True, eq=False)
class Groups:
    """Several groups' per-forecast scores, concatenated."""

    groups: tuple[GroupScores, ...]

    @property
    def n(self) -> int:
        return sum(int(g.pinball.shape[0]) for g in self.groups)

    @property
    def units(self) -> set[str]:
        return {g.unit for g in self.groups}

    def cat(self, name: str) -> np.ndarray:
        parts = [getattr(g, name) for g in self.groups if getattr(g, name) is not None]
        return np.concatenate(parts) if parts else np.empty(0)


def quantile_score_result(g: Groups) -> QuantileScore:
    overall, n, per = _by_unit(g, "pinball")
    return QuantileScore(n, overall, per)


def crps_result(g: Groups) -> Crps:
    overall, n, per = _by_unit(g, "crps")
    return Crps(n, overall, per)


def wis_result(g: Groups) -> WeightedIntervalScore:
    overall, n, per = _by_unit(g, "wis")
    return WeightedIntervalScore(g.n, n, overall, per)


def coverage_result(g: Groups) -> Coverage:
    from .calibration import WILSON_LEVEL

    pooled: dict[float, list[tuple[np.ndarray, np.ndarray]]] = {}
    for group in g.groups:
        for level, score, inside in group.intervals:
            pooled.setdefault(round(level, LEVEL_DIGITS), []).append((score, inside))
    one_unit = len(g.units) == 1
    rows = []
    for level in sorted(pooled, reverse=True):
        scores = np.concatenate([s for s, _ in pooled[level]])
        inside = np.concatenate([i for _, i in pooled[level]])
        k, hits = inside.size, int(np.count_nonzero(inside))
        lo, hi = wilson_interval(np.array([hits], dtype=float), np.array([k], dtype=float))
        rows.append(IntervalRow(level, k, hits, hits / k, float(lo[0]), float(hi[0]),
                                float(scores.mean()) if one_unit else None))
    return Coverage(g.n, tuple(rows), WILSON_LEVEL)


def pit_result(g: Groups) -> PitHistogram:
    pit = g.cat("pit")
    which = np.minimum((pit * PIT_BINS).astype(np.intp), PIT_BINS - 1)
    counts = np.bincount(which, minlength=PIT_BINS)
    return PitHistogram(int(pit.size), PIT_BINS, tuple(int(c) for c in counts), pit.size / PIT_BINS if pit.size else None)
