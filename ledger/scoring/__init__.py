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

from ._common import DEFAULT_EPS, Z90, Result, check_eps, plain
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
from .prepared import Binary
from .registry import BY_NAME, RULES, Settings, rules_for, run_rules
from .relative import ForecastScores, Leaderboard, LeaderboardRow, forecast_scores, leaderboard

__all__ = [
    "DEFAULT_EPS", "MAX_DISTINCT", "Z90",
    "Result", "ScoreReport", "KindReport", "score_forecasts", "RULES", "Settings", "rules_for", "run_rules",
    "GapPart", "GapResult", "gap",
    "BrierResult", "LogScoreResult", "SphericalResult", "ProperScores",
    "brier", "log_score", "spherical", "proper_scores",
    "CalibrationBin", "CalibrationTable", "MurphyDecomposition",
    "calibration_table", "folded_calibration", "murphy_decomposition", "fold", "wilson_interval",
    "BootstrapResult", "Interval", "bootstrap_scores",
    "ForecastScores", "Leaderboard", "LeaderboardRow", "forecast_scores", "leaderboard",
]


class _ByRule(Result):
    """A report whose results (one per registry rule, by name) read as attributes too: report.brier."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["results"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class ScoreReport(_ByRule):
    """Every single-forecaster figure on the same n yes/no predictions: one result per
    rule of the registry that applies (scoring.registry), by rule name.

    rules -- the conventions used, by name: Brier scale, log clipping eps,
             binning strategy and edge rule, folding rule, Wilson level,
             bootstrap settings. Print them next to the figures.
    The results read as attributes too: report.gap, report.brier, report.log,
    report.spherical, report.calibration, report.folded_calibration.
    decomposition is calibration.decomposition (over the unfolded bins).
    bootstrap is None unless asked for.
    """

    n: int
    rules: dict[str, Any]
    results: dict[str, Any]
    decomposition: MurphyDecomposition
    bootstrap: BootstrapResult | None
    kind: str = "binary"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n, "rules": plain(self.rules)}
        out.update((name, plain(result)) for name, result in self.results.items())
        out["decomposition"] = plain(self.decomposition)
        out["bootstrap"] = plain(self.bootstrap)
        return out


@dataclass(frozen=True)
class KindReport(_ByRule):
    """The figures of one kind of question other than yes/no (or yes/no over time):
    one result per registry rule that applied, by rule name."""

    kind: str
    policy: str
    n: int
    rules: dict[str, Any]
    results: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "policy": self.policy, "n": self.n, "rules": plain(self.rules),
                               "applied": [BY_NAME[name].to_dict() for name in self.results]}
        out.update((name, plain(result)) for name, result in self.results.items())
        return out


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
    """Score one forecaster's predictions: the registry's yes/no rules (gap, proper
    scores, calibration unfolded and folded, decomposition); bootstrap intervals when
    `bootstrap` is a number of resamples.

    p -- probabilities in [0, 1]; o -- outcomes 0/1 or booleans, same length.
    Raises ValueError for bad input. n = 0 gives a report of None figures.
    """
    check_scale(brier_scale)
    eps = check_eps(eps)
    if bootstrap is not None and int(bootstrap) < 1:
        raise ValueError(f"bootstrap must be None or a number of resamples >= 1, got {bootstrap}")
    settings = Settings(brier_scale, eps, bins)
    data = Binary(p, o, settings)
    results = run_rules(data, "first", settings)
    boot = None
    if bootstrap is not None:
        boot = bootstrap_unchecked(
            data.p, data.o, resamples=int(bootstrap), seed=int(seed), brier_scale=brier_scale, eps=eps
        )
    table, folded = results["calibration"], results["folded_calibration"]
    rules = {
        "brier_scale": brier_scale,
        "brier": brier_label(brier_scale),
        "log": LOG_CONVENTION,
        "eps": eps,
        "clipped": results["log"].clipped,
        "bins": table.strategy,
        "folded_bins": folded.strategy,
        "edge_rule": table.edge_rule,
        "folded_edge_rule": folded.edge_rule,
        "fold": FOLD_RULE,
        "wilson_level": table.wilson_level,
        "gap": "sum of (o - p); not a proper score, never ranks forecasters",
        "bootstrap": None if boot is None else boot.method,
    }
    return ScoreReport(n=data.n, rules=rules, results=results, decomposition=table.decomposition, bootstrap=boot)
