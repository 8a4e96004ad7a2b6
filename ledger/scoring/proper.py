"""Proper scoring rules for binary predictions: Brier, log, spherical.

A proper score is optimised in expectation only by reporting what you believe,
so these (unlike the gap) may be used to compare forecasters on the same
questions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._common import DEFAULT_EPS, Result, as_forecasts, check_eps, exact_dot, ratio

BRIER_SCALES = ("0-1", "0-2")
_BRIER_LABELS = {
    "0-1": "0-1: mean of (p - o)^2; always 50% scores 0.25",
    "0-2": "0-2: mean of the sum over both outcomes, 2(p - o)^2 (Fatebook, GJ Open); "
    "always 50% scores 0.5",
}
LOG_CONVENTION = (
    "loss: mean of -ln p(outcome), the probability given to what happened clipped "
    "to [eps, 1 - eps]; 0 is perfect, lower is better"
)


def check_scale(scale: str) -> str:
    if scale not in BRIER_SCALES:
        raise ValueError(f"brier_scale must be one of {BRIER_SCALES}, got {scale!r}")
    return scale


def brier_label(scale: str) -> str:
    return _BRIER_LABELS[check_scale(scale)]


@dataclass(frozen=True)
class BrierResult(Result):
    """Brier score (lower is better) and Brier skill scores (higher is better).

    score          -- mean (p - o)^2 on the 0-1 scale, twice that on the 0-2 scale
    scale, label   -- which convention `score` uses
    base_rate      -- fraction that happened
    skill_vs_half  -- 1 - BS / BS(always 50%); 0 = no better than saying 50%
    skill_vs_base_rate -- 1 - BS / (base_rate (1 - base_rate)), the score of
                      always saying the base rate; None when the base rate is 0 or 1
    Skill scores are the same on either scale.
    """

    n: int
    score: float | None
    scale: str
    label: str
    base_rate: float | None
    skill_vs_half: float | None
    skill_vs_base_rate: float | None


def brier_from_sums(n: int, sum_sq: float, hits: float, scale: str = "0-1") -> BrierResult:
    """BrierResult from n, sum of (p - o)^2 and number that happened."""
    label = brier_label(scale)
    if n == 0:
        return BrierResult(0, None, scale, label, None, None, None)
    bs = float(sum_sq) / n
    base = float(hits) / n
    factor = 2.0 if scale == "0-2" else 1.0
    skill_base = ratio(bs, base * (1.0 - base))
    return BrierResult(
        n=int(n),
        score=factor * bs,
        scale=scale,
        label=label,
        base_rate=base,
        skill_vs_half=1.0 - bs / 0.25,
        skill_vs_base_rate=None if skill_base is None else 1.0 - skill_base,
    )


def brier(p, o, *, scale: str = "0-1") -> BrierResult:
    """Brier score of probabilities p against outcomes o (0/1)."""
    check_scale(scale)
    p, o = as_forecasts(p, o)
    r = o - p
    return brier_from_sums(p.shape[0], exact_dot(r, r), float(o.sum()), scale)


@dataclass(frozen=True)
class LogScoreResult(Result):
    """Log score as a loss, and the Metaculus baseline score.

    nats, bits  -- mean of -ln p(outcome) and of -log2 p(outcome); lower is
                   better, 0 is perfect, always 50% scores ln 2 nats = 1 bit
    metaculus_baseline -- mean of 100 log2(p(outcome) / 0.5); higher is better,
                   0 = no better than 50%, +100 is perfect
    eps, clipped -- p(outcome) is clipped to [eps, 1 - eps]; `clipped` counts the
                   predictions that were moved
    """

    n: int
    nats: float | None
    bits: float | None
    metaculus_baseline: float | None
    eps: float
    clipped: int
    convention: str = LOG_CONVENTION


def p_outcome(p: np.ndarray, o: np.ndarray) -> np.ndarray:
    """The probability given to what happened: p if o == 1, else 1 - p (a new array)."""
    q = np.subtract(p, 1.0 - o)  # p - 0 = p if it happened, p - 1 if not
    return np.abs(q, out=q)


def clipped_log(po: np.ndarray, eps: float) -> tuple[np.ndarray, int]:
    """ln of po clipped to [eps, 1 - eps], in place; returns (logs, number clipped)."""
    clipped = int(np.count_nonzero(po < eps)) + int(np.count_nonzero(po > 1.0 - eps))
    if clipped:
        np.clip(po, eps, 1.0 - eps, out=po)
    return np.log(po, out=po), clipped


def log_from_sum(n: int, sum_ln: float, eps: float, clipped: int) -> LogScoreResult:
    if n == 0:
        return LogScoreResult(0, None, None, None, eps, 0)
    nats = -float(sum_ln) / n
    bits = nats / math.log(2.0)
    return LogScoreResult(
        n=int(n),
        nats=nats,
        bits=bits,
        metaculus_baseline=100.0 * (1.0 - bits),  # 100 (log2 p + 1), averaged
        eps=eps,
        clipped=clipped,
    )


def log_score(p, o, *, eps: float = DEFAULT_EPS) -> LogScoreResult:
    """Log score (as a loss) and Metaculus baseline of p against outcomes o."""
    eps = check_eps(eps)
    p, o = as_forecasts(p, o)
    logs, clipped = clipped_log(p_outcome(p, o), eps)
    return log_from_sum(p.shape[0], float(logs.sum()), eps, clipped)


@dataclass(frozen=True)
class SphericalResult(Result):
    """Spherical score: mean of p(outcome) / sqrt(p^2 + (1 - p)^2).

    Higher is better; 1 is perfect, always 50% scores 1/sqrt(2) ~ 0.707. It needs
    no clipping: it stays finite at p = 0 and 1.
    """

    n: int
    score: float | None


def spherical_from_arrays(p: np.ndarray, po: np.ndarray) -> SphericalResult:
    n = p.shape[0]
    if n == 0:
        return SphericalResult(0, None)
    # sqrt(p^2 + q^2) rather than np.hypot: same value here, several times faster.
    q = 1.0 - p
    norm = np.multiply(q, q, out=q)
    norm += p * p
    np.sqrt(norm, out=norm)
    return SphericalResult(n, float(np.divide(po, norm, out=norm).sum()) / n)


def spherical(p, o) -> SphericalResult:
    """Spherical score of p against outcomes o."""
    p, o = as_forecasts(p, o)
    return spherical_from_arrays(p, p_outcome(p, o))


@dataclass(frozen=True)
class ProperScores(Result):
    """The proper scores together, on the same n predictions."""

    n: int
    brier: BrierResult
    log: LogScoreResult
    spherical: SphericalResult


def proper_scores_unchecked(
    p: np.ndarray, o: np.ndarray, *, scale: str = "0-1", eps: float = DEFAULT_EPS
) -> ProperScores:
    n = p.shape[0]
    r = o - p
    brier_result = brier_from_sums(n, exact_dot(r, r), float(o.sum()), scale)
    po = p_outcome(p, o)
    spherical_result = spherical_from_arrays(p, po)  # before po is clipped in place
    logs, clipped = clipped_log(po, eps)
    log_result = log_from_sum(n, float(logs.sum()), eps, clipped)
    return ProperScores(n, brier_result, log_result, spherical_result)


def proper_scores(p, o, *, scale: str = "0-1", eps: float = DEFAULT_EPS) -> ProperScores:
    """Brier, log and spherical scores of p against outcomes o."""
    check_scale(scale)
    eps = check_eps(eps)
    p, o = as_forecasts(p, o)
    return proper_scores_unchecked(p, o, scale=scale, eps=eps)
