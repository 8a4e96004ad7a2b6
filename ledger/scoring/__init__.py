"""The scoring engine: pure functions over numpy arrays, returning frozen
result objects (each with `n` and a JSON-ready `to_dict()`).

Modules: gap (the post's rule; not a proper score), proper (Brier, log,
spherical), calibration (tables, folded view, ECE, discrimination, Murphy
decomposition), bootstrap (seeded intervals), relative (several forecasters).
`score_forecasts` bundles the single-forecaster figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._common import DEFAULT_EPS, Z90, Result, as_forecasts, check_eps
from .bootstrap import BootstrapResult, Interval, bootstrap_scores, bootstrap_unchecked
from .calibration import (
    FOLD_RULE,
    MAX_DISTINCT,
    CalibrationBin,
    CalibrationTable,
    MurphyDecomposition,
    calibration_table,
    fold,
    folded_calibration,
    murphy_decomposition,
    table_unchecked,
    wilson_interval,
)
from .gap import GapPart, GapResult, gap, gap_unchecked
from .proper import (
    LOG_CONVENTION,
    BrierResult,
    LogScoreResult,
    ProperScores,
    SphericalResult,
    brier,
    brier_label,
    check_scale,
    log_score,
    proper_scores,
    proper_scores_unchecked,
    spherical,
)
from .relative import ForecastScores, Leaderboard, LeaderboardRow, forecast_scores, leaderboard

__all__ = [
    "DEFAULT_EPS", "MAX_DISTINCT", "Z90",
    "Result", "ScoreReport", "score_forecasts",
    "GapPart", "GapResult", "gap",
    "BrierResult", "LogScoreResult", "SphericalResult", "ProperScores",
    "brier", "log_score", "spherical", "proper_scores",
    "CalibrationBin", "CalibrationTable", "MurphyDecomposition",
    "calibration_table", "folded_calibration", "murphy_decomposition", "fold", "wilson_interval",
    "BootstrapResult", "Interval", "bootstrap_scores",
    "ForecastScores", "Leaderboard", "LeaderboardRow", "forecast_scores", "leaderboard",
]


@dataclass(frozen=True)
class ScoreReport(Result):
    """Every single-forecaster figure on the same n predictions.

    rules -- the conventions used, by name: Brier scale, log clipping eps,
             binning strategy and edge rule, folding rule, Wilson level,
             bootstrap settings. Print them next to the figures.
    decomposition is calibration.decomposition (over the unfolded bins).
    bootstrap is None unless asked for.
    """

    n: int
    rules: dict[str, Any]
    gap: GapResult
    brier: BrierResult
    log: LogScoreResult
    spherical: SphericalResult
    calibration: CalibrationTable
    folded_calibration: CalibrationTable
    decomposition: MurphyDecomposition
    bootstrap: BootstrapResult | None


def score_forecasts(
    p,
    o,
    *,
    brier_scale: str = "0-1",
    eps: float = DEFAULT_EPS,
    bins: Any = None,
    bootstrap: int | None = None,
    seed: int = 0,
) -> ScoreReport:
    """Score one forecaster's predictions: gap, proper scores, calibration
    (unfolded and folded) and decomposition; bootstrap intervals when
    `bootstrap` is a number of resamples.

    p -- probabilities in [0, 1]; o -- outcomes 0/1 or booleans, same length.
    Raises ValueError for bad input. n = 0 gives a report of None figures.
    """
    check_scale(brier_scale)
    eps = check_eps(eps)
    if bootstrap is not None and int(bootstrap) < 1:
        raise ValueError(f"bootstrap must be None or a number of resamples >= 1, got {bootstrap}")
    p, o = as_forecasts(p, o)

    p2 = p * p  # shared by the gap's spread and the calibration sums
    gap_result = gap_unchecked(p, o, p2)
    proper = proper_scores_unchecked(p, o, scale=brier_scale, eps=eps)
    table = table_unchecked(p, o, bins, p2=p2)
    pf, of = fold(p, o)
    folded = table_unchecked(pf, of, bins, folded=True)
    boot = None
    if bootstrap is not None:
        boot = bootstrap_unchecked(
            p, o, resamples=int(bootstrap), seed=int(seed), brier_scale=brier_scale, eps=eps
        )

    rules = {
        "brier_scale": brier_scale,
        "brier": brier_label(brier_scale),
        "log": LOG_CONVENTION,
        "eps": eps,
        "clipped": proper.log.clipped,
        "bins": table.strategy,
        "folded_bins": folded.strategy,
        "edge_rule": table.edge_rule,
        "folded_edge_rule": folded.edge_rule,
        "fold": FOLD_RULE,
        "wilson_level": table.wilson_level,
        "gap": "sum of (o - p); not a proper score, never ranks forecasters",
        "bootstrap": None if boot is None else boot.method,
    }
    return ScoreReport(
        n=int(p.shape[0]),
        rules=rules,
        gap=gap_result,
        brier=proper.brier,
        log=proper.log,
        spherical=proper.spherical,
        calibration=table,
        folded_calibration=folded,
        decomposition=table.decomposition,
        bootstrap=boot,
    )
