"""Seeded bootstrap percentile intervals for the Brier and log scores.

Resample the predictions with replacement `resamples` times, score each
resample, and report the (1 - level)/2 and (1 + level)/2 quantiles of those
scores. The same (p, o, seed, resamples) always gives the same interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._common import DEFAULT_EPS, Result, as_forecasts, check_eps
from .proper import brier_label, check_scale, clipped_log, p_outcome

DEFAULT_RESAMPLES = 1000
DEFAULT_LEVEL = 0.9
# Cap on the resample-index matrix (rows x n) built at once, to bound memory
# (about 32 MB of indices and 64 MB of gathered values at this size).
MAX_CELLS = 4_000_000


@dataclass(frozen=True)
class Interval(Result):
    """A score and its bootstrap percentile interval."""

    estimate: float | None
    lo: float | None
    hi: float | None


@dataclass(frozen=True)
class BootstrapResult(Result):
    """Bootstrap intervals for the Brier score (on `brier_scale`) and the log
    score (nats, as a loss, clipped at eps)."""

    n: int
    resamples: int
    level: float
    seed: int
    method: str
    brier_scale: str
    eps: float
    brier: Interval
    log_nats: Interval


def _losses(p: np.ndarray, o: np.ndarray, scale: str, eps: float) -> np.ndarray:
    """Per-prediction (Brier, log loss) as an (n, 2) array."""
    out = np.empty((p.shape[0], 2))
    r = o - p
    np.multiply(r, r, out=out[:, 0])
    if scale == "0-2":
        out[:, 0] *= 2.0
    logs, _ = clipped_log(p_outcome(p, o), eps)
    np.negative(logs, out=out[:, 1])
    return out


def bootstrap_unchecked(
    p: np.ndarray,
    o: np.ndarray,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
    brier_scale: str = "0-1",
    eps: float = DEFAULT_EPS,
) -> BootstrapResult:
    n = p.shape[0]
    method = f"percentile bootstrap, {resamples} resamples, numpy default_rng({seed})"
    brier_label(brier_scale)
    if n == 0:
        none = Interval(None, None, None)
        return BootstrapResult(0, resamples, level, seed, method, brier_scale, eps, none, none)

    losses = _losses(p, o, brier_scale, eps)
    rng = np.random.default_rng(seed)
    means = np.empty((resamples, 2))
    rows = max(1, MAX_CELLS // n)
    for start in range(0, resamples, rows):  # chunks of resamples, not forecasts
        stop = min(start + rows, resamples)
        idx = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = losses[idx].mean(axis=1)
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(means, [tail, 1.0 - tail], axis=0)
    estimate = losses.mean(axis=0)
    return BootstrapResult(
        n=n,
        resamples=resamples,
        level=level,
        seed=seed,
        method=method,
        brier_scale=brier_scale,
        eps=eps,
        brier=Interval(float(estimate[0]), float(lo[0]), float(hi[0])),
        log_nats=Interval(float(estimate[1]), float(lo[1]), float(hi[1])),
    )


def bootstrap_scores(
    p,
    o,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
    brier_scale: str = "0-1",
    eps: float = DEFAULT_EPS,
) -> BootstrapResult:
    """Seeded bootstrap percentile intervals for the Brier and log scores."""
    check_scale(brier_scale)
    eps = check_eps(eps)
    if int(resamples) < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    p, o = as_forecasts(p, o)
    return bootstrap_unchecked(
        p, o, resamples=int(resamples), level=float(level), seed=int(seed),
        brier_scale=brier_scale, eps=eps,
    )
