"""Several forecasters on the same questions: relative Brier, peer log score,
and a leaderboard.

Input is parallel arrays: question code, forecaster code (ints or strings),
p and outcome, with one forecast per forecaster per question. Choosing which
forecast counts (first, last, ...) is the caller's policy, applied before.

relative Brier -- a forecast's Brier minus the median Brier of the *other*
                  forecasters on that question; negative is better. Undefined
                  when nobody else forecast the question. (GJ Open and Fatebook
                  compare with the median of all forecasters, you included.)
peer score     -- Metaculus' peer score, 100 (ln p_i - mean_{j != i} ln p_j),
                  with p the probability given to what happened (clipped to
                  [eps, 1 - eps]); positive is better. The peer scores on a
                  question sum to 0. Undefined without other forecasters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._common import DEFAULT_EPS, Result, as_forecasts, check_eps, number
from .proper import brier_label, check_scale, clipped_log, p_outcome


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields, not objects
class ForecastScores(Result):
    """Per-forecast scores, in input order. Arrays hold NaN where a figure is
    undefined (no other forecaster); to_dict() turns those into None."""

    n: int
    brier_scale: str
    eps: float
    brier: np.ndarray
    log_loss: np.ndarray
    relative_brier: np.ndarray
    peer_score: np.ndarray
    peers: np.ndarray  # how many other forecasters were on the same question


@dataclass(frozen=True)
class LeaderboardRow(Result):
    """One forecaster: n forecasts, of which n_with_peers were on questions
    someone else also forecast (relative Brier and peer score average over those).

    peer_lo, peer_hi -- a 90% interval of the mean peer score (normal approximation,
                        mean +/- 1.645 s / sqrt(n_with_peers)); None below two
    ranked           -- False when n_with_peers is below the board's min_n: listed
                        after the ranked rows, never ranked by so few questions
    """

    forecaster: Any
    n: int
    n_with_peers: int
    brier: float | None
    log_loss: float | None
    relative_brier: float | None
    peer_score: float | None
    peer_lo: float | None = None
    peer_hi: float | None = None
    ranked: bool = True


@dataclass(frozen=True)
class Leaderboard(Result):
    """Per-forecaster rows: those with at least min_n forecasts on shared questions ranked
    by peer score (best first), then the rest, then forecaster."""

    n: int
    n_questions: int
    n_forecasters: int
    brier_scale: str
    brier_label: str
    eps: float
    sort: str
    rows: tuple[LeaderboardRow, ...]
    min_n: int = 1


def _codes(values: Any, name: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"{name} must be one-dimensional with the same length as p ({n})")
    if arr.dtype.kind in "UO" and n:
        # Names: a few distinct values in a million forecasts. Each distinct value ranked once (sorted),
        # then every value looked up by its rank with C-level map: np.unique's result without sorting
        # every string or a Python step per value.
        values = arr.tolist()
        distinct = sorted(dict.fromkeys(values))
        rank = {v: i for i, v in enumerate(distinct)}
        return np.array(distinct, dtype=arr.dtype), np.fromiter(map(rank.__getitem__, values), dtype=np.intp, count=n)
    if arr.dtype.kind in "iu" and n and 0 <= arr.min() and arr.max() < 8 * n + 1024:
        # Codes already (a question's row): counted in place, np.unique's result without a sort.
        present = np.bincount(arr) > 0
        return np.flatnonzero(present).astype(arr.dtype), (np.cumsum(present) - 1)[arr]
    uniques, inverse = np.unique(arr, return_inverse=True)
    return uniques, inverse.reshape(-1)


def _has_repeats(codes: np.ndarray, size: int) -> bool:
    """Whether any code in [0, size) occurs twice."""
    if size < 8 * codes.size + 1024:
        return bool(codes.size) and int(np.bincount(codes, minlength=1).max()) > 1
    return np.unique(codes).size != codes.size


def _prepare(question, forecaster, p, o):
    p, o = as_forecasts(p, o)
    n = p.shape[0]
    questions, qi = _codes(question, "question", n)
    forecasters, fi = _codes(forecaster, "forecaster", n)
    if n and _has_repeats(qi * forecasters.size + fi, questions.size * forecasters.size):
        raise ValueError(
            "each forecaster may have only one forecast per question; apply a "
            "forecast policy (first, last, ...) before scoring"
        )
    per_q = np.bincount(qi, minlength=questions.size)
    hits_q = np.bincount(qi, weights=o, minlength=questions.size)
    if np.any((hits_q != 0) & (hits_q != per_q)):
        raise ValueError("forecasts on the same question must have the same outcome")
    return p, o, questions, qi, forecasters, fi, per_q


def _median_of_others(values: np.ndarray, group: np.ndarray, size: np.ndarray) -> np.ndarray:
    """For each element, the median of the other elements in its group (NaN
    for a group of one). Sort once; within a sorted group of m, leaving out the
    element at rank r maps position j of the others to rank j + (j >= r)."""
    order = np.lexsort((values, group))
    s = values[order]
    g = group[order]
    m = size[g]
    start = np.cumsum(size) - size
    rank = np.arange(s.size) - start[g]
    k = m - 1  # how many others
    lo_pos = (k - 1) // 2
    hi_pos = k // 2
    ok = k > 0
    last = max(s.size - 1, 0)
    lo_at = np.clip(start[g] + lo_pos + (lo_pos >= rank), 0, last)
    hi_at = np.clip(start[g] + hi_pos + (hi_pos >= rank), 0, last)
    med_sorted = np.where(ok, 0.5 * (s[lo_at] + s[hi_at]), np.nan)
    out = np.empty_like(med_sorted)
    out[order] = med_sorted
    return out


def _forecast_scores(p, o, qi, per_q, scale, eps) -> ForecastScores:
    n = p.shape[0]
    r = o - p
    brier = r * r
    if scale == "0-2":
        brier *= 2.0
    logs, _ = clipped_log(p_outcome(p, o), eps)  # ln p(outcome)
    peers = per_q[qi] - 1
    relative = brier - _median_of_others(brier, qi, per_q)
    # mean of the others' logs = (question sum - own) / (m - 1)
    sum_q = np.bincount(qi, weights=logs, minlength=per_q.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        others = (sum_q[qi] - logs) / peers
    peer = np.where(peers > 0, 100.0 * (logs - others), np.nan)
    return ForecastScores(n, scale, eps, brier, -logs, relative, peer, peers)


def _checked_scores(question, forecaster, p, o, brier_scale, eps):
    """Check the arguments, code the questions and forecasters, and score each forecast.

    Returns (questions, forecasters, forecaster code per forecast, ForecastScores).
    """
    check_scale(brier_scale)
    eps = check_eps(eps)
    p, o, questions, qi, forecasters, fi, per_q = _prepare(question, forecaster, p, o)
    return questions, forecasters, fi, _forecast_scores(p, o, qi, per_q, brier_scale, eps)


def forecast_scores(
    question, forecaster, p, o, *, brier_scale: str = "0-1", eps: float = DEFAULT_EPS
) -> ForecastScores:
    """Per-forecast Brier, log loss, relative Brier and peer score."""
    _, _, _, scores = _checked_scores(question, forecaster, p, o, brier_scale, eps)
    return scores


MIN_N = 5  # forecasts on shared questions a forecaster needs to be ranked (docs/scoring.md)
Z90 = 1.6448536269514722


def leaderboard(
    question, forecaster, p, o, *, brier_scale: str = "0-1", eps: float = DEFAULT_EPS, min_n: int = MIN_N
) -> Leaderboard:
    """Per-forecaster proper scores, relative Brier and peer score, with n.

    Raw Brier and log scores compare forecasters fairly only on the same questions,
    so rows are ranked by peer score (which compares each forecast with the others
    on its question), and only rows with at least min_n forecasts on shared
    questions are ranked; the others follow, unranked.
    """
    if int(min_n) < 1:
        raise ValueError(f"min_n must be at least 1, got {min_n}")
    questions, forecasters, fi, scores = _checked_scores(question, forecaster, p, o, brier_scale, eps)
    nf = forecasters.size
    has_peers = scores.peers > 0

    def per_forecaster(values, mask=None):
        w = values if mask is None else np.where(mask, values, 0.0)
        return np.bincount(fi, weights=w, minlength=nf)

    count = np.bincount(fi, minlength=nf)
    count_peers = np.bincount(fi, weights=has_peers, minlength=nf).astype(np.int64)
    brier_mean = per_forecaster(scores.brier) / np.maximum(count, 1)
    log_mean = per_forecaster(scores.log_loss) / np.maximum(count, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel_mean = per_forecaster(scores.relative_brier, has_peers) / count_peers
        peer_mean = per_forecaster(scores.peer_score, has_peers) / count_peers
        # Sample variance of the peer scores, for each forecaster's interval.
        peer_sq = per_forecaster(np.where(has_peers, scores.peer_score, 0.0) ** 2, has_peers)
        peer_var = (peer_sq - count_peers * peer_mean**2) / (count_peers - 1)
        half = Z90 * np.sqrt(np.maximum(peer_var, 0.0) / count_peers)
    ranked = count_peers >= int(min_n)

    # Deterministic order: ranked rows by peer score (best first), then the rest; then the forecaster.
    order = np.lexsort((np.arange(nf), -np.nan_to_num(peer_mean, nan=-np.inf), ~ranked))
    # Each forecaster as a plain Python value (a numpy scalar, of a str or int array, made one; an
    # object array's values as they are).
    names = [v.item() if isinstance(v, np.generic) else v for v in forecasters.tolist()]
    rows = tuple(
        LeaderboardRow(
            forecaster=names[i],
            n=int(count[i]),
            n_with_peers=int(count_peers[i]),
            brier=number(brier_mean[i]),
            log_loss=number(log_mean[i]),
            relative_brier=number(rel_mean[i]),
            peer_score=number(peer_mean[i]),
            peer_lo=number(peer_mean[i] - half[i]) if count_peers[i] >= 2 else None,
            peer_hi=number(peer_mean[i] + half[i]) if count_peers[i] >= 2 else None,
            ranked=bool(ranked[i]),
        )
        for i in order  # a loop over forecasters, not forecasts
    )
    return Leaderboard(
        n=scores.n,
        n_questions=int(questions.size),
        n_forecasters=int(nf),
        brier_scale=brier_scale,
        brier_label=brier_label(brier_scale),
        eps=scores.eps,
        sort=f"peer score descending among forecasters with at least {int(min_n)} forecasts on shared questions; "
        "then the others, unranked; then forecaster",
        rows=rows,
        min_n=int(min_n),
    )
