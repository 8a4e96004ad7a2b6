"""Multiple-choice forecasts: multi-class Brier, log score, the Metaculus
multiple-choice baseline and, for ordered options, the ranked probability score.

Input: P, an (n, K) array of each forecast's probabilities per option (a row
with fewer options is padded with zeros), `k` the number of options of each row,
`o` the position of the option that happened, and `ordered` (per row) whether
the options have an order. A row's probabilities are scaled to add up to exactly
1 before scoring (a ledger accepts options that add up to 100% within half a
point).

  Brier (0-2)    sum over options of (p_j - o_j)^2: 0 is perfect, always-uniform
                 over K options scores 1 - 1/K; certain and wrong scores 2
  log score      -ln p(the option that happened), clipped to [eps, 1 - eps]: a loss
  baseline       Metaculus' multiple-choice baseline, 100 ln(K p) / ln K: 0 for
                 the uniform forecast, +100 certain and right (higher is better)
  RPS            ordered options only: sum over k of (F_k - O_k)^2, F and O the
                 cumulative forecast and outcome (scoringrules.rps_score: not
                 divided by K - 1); lower is better
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._common import DEFAULT_EPS, Result, check_eps

BRIER_LABEL = "0-2: sum over the options of (p - o)^2; the uniform forecast over K options scores 1 - 1/K"
RPS_LABEL = "sum over the ordered options of (cumulative p - cumulative o)^2, not divided by K - 1 (as scoringrules)"
BASELINE_LABEL = "100 ln(K p(outcome)) / ln K: 0 = the uniform forecast, +100 = certain and right (Metaculus)"


@dataclass(frozen=True)
class ChoiceForecasts:
    """Checked multiple-choice forecasts: probabilities scaled to add up to 1."""

    P: np.ndarray  # (n, K) float64
    o: np.ndarray  # (n,) option that happened
    k: np.ndarray  # (n,) options per row
    ordered: np.ndarray  # (n,) bool

    @property
    def n(self) -> int:
        return int(self.o.shape[0])


def as_choice_forecasts(P, o, k=None, ordered=None) -> ChoiceForecasts:
    """Check and normalise the arrays. Raises ValueError for bad input. k None: every row has all columns."""
    P = np.array(P, dtype=np.float64, ndmin=2, copy=True)
    o = np.asarray(o)
    n, width = P.shape
    if o.ndim != 1 or o.shape[0] != n:
        raise ValueError(f"outcomes must be one-dimensional with one per forecast ({n}), got shape {o.shape}")
    full = k is None
    k = np.full(n, width, dtype=np.intp) if full else np.asarray(k, dtype=np.intp)
    ordered = np.zeros(n, dtype=bool) if ordered is None else np.asarray(ordered, dtype=bool)
    if k.shape != (n,) or ordered.shape != (n,):
        raise ValueError("k and ordered need one value per forecast")
    if n == 0:
        return ChoiceForecasts(P, o.astype(np.intp), k, ordered)
    if not (np.issubdtype(o.dtype, np.integer) and o.min() >= 0 and np.all(o < k)):
        raise ValueError("each outcome must be the position (0-based) of one of its forecast's options")
    if k.min() < 2 or k.max() > width:
        raise ValueError("each forecast needs at least two options, and no more than P has columns")
    if not (P.min() >= 0.0 and P.max() <= 1.0):
        raise ValueError("every probability must be in [0, 1] (no NaN)")
    if not full and np.any(P[np.arange(width)[None, :] >= k[:, None]] != 0.0):
        raise ValueError("padding beyond a forecast's options must be 0")
    total = P.sum(axis=1)
    if np.any(total <= 0.0):
        raise ValueError("a forecast's probabilities must not all be 0")
    # 0.3 + 0.6 + 0.1 is 0.9999999999999999: dividing by that would turn 0.3 into 0.30000000000000004.
    off = np.abs(total - 1.0) > 1e-12
    if off.any():
        P[off] /= total[off, None]
    return ChoiceForecasts(P, o.astype(np.intp), k, ordered)


@dataclass(frozen=True)
class ChoiceBrier(Result):
    """Mean multi-class Brier score, 0-2 (BRIER_LABEL); None when n is 0."""

    n: int
    brier: float | None
    label: str = BRIER_LABEL


@dataclass(frozen=True)
class ChoiceLog(Result):
    """Mean -ln p and -log2 p of the option that happened, clipped to [eps, 1 - eps]."""

    n: int
    log_nats: float | None
    log_bits: float | None
    eps: float
    clipped: int


@dataclass(frozen=True)
class ChoiceBaseline(Result):
    """Mean Metaculus multiple-choice baseline score, 100 ln(K p) / ln K (p clipped as for the log score)."""

    n: int
    metaculus_baseline: float | None
    label: str = BASELINE_LABEL


@dataclass(frozen=True)
class RankedProbability(Result):
    """Mean ranked probability score over the n_ordered forecasts whose options are ordered."""

    n: int
    n_ordered: int
    rps: float | None
    label: str = RPS_LABEL


CHUNK = 1 << 15  # forecasts worked at once: a chunk's arrays stay in the processor's cache


def per_forecast(f: ChoiceForecasts, eps: float = DEFAULT_EPS) -> dict[str, np.ndarray]:
    """Each forecast's Brier, log loss (nats), baseline score and RPS (NaN where unordered)."""
    n = f.n
    if n <= CHUNK:
        return _per_chunk(f, eps)
    parts = [_per_chunk(ChoiceForecasts(f.P[i:i + CHUNK], f.o[i:i + CHUNK], f.k[i:i + CHUNK], f.ordered[i:i + CHUNK]), eps)
             for i in range(0, n, CHUNK)]
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _per_chunk(f: ChoiceForecasts, eps: float) -> dict[str, np.ndarray]:
    n, width = f.P.shape
    po = f.P[np.arange(n), f.o]
    brier = np.einsum("ij,ij->i", f.P, f.P)
    brier -= 2.0 * po
    brier += 1.0
    clipped = np.clip(po, eps, 1.0 - eps)
    ln = np.log(clipped)
    ln_k = np.log(f.k.astype(np.float64))
    baseline = 100.0 * (ln_k + ln) / ln_k
    rps = np.full(n, np.nan)
    if f.ordered.any():
        idx = np.flatnonzero(f.ordered) if not f.ordered.all() else slice(None)
        cum = np.cumsum(f.P[idx], axis=1)
        oi = f.o[idx]
        # sum_j (F_j - [j >= o])^2 = sum F^2 - 2 sum_{j >= o} F_j + (width - o); the padded
        # columns (F = 1 = O there) add nothing either way.
        tail = np.cumsum(cum[:, ::-1], axis=1)[:, ::-1]  # tail[:, j] = sum_{i >= j} F_i
        rows = np.arange(cum.shape[0])
        rps[idx] = np.einsum("ij,ij->i", cum, cum) - 2.0 * tail[rows, oi] + (width - oi)
    return {"brier": brier, "log": -ln, "baseline": baseline, "rps": rps, "clipped": po != clipped}


def brier_result(per: dict[str, np.ndarray]) -> ChoiceBrier:
    n = int(per["brier"].shape[0])
    return ChoiceBrier(n, float(per["brier"].mean()) if n else None)


def log_result(per: dict[str, np.ndarray], eps: float) -> ChoiceLog:
    n = int(per["log"].shape[0])
    if not n:
        return ChoiceLog(0, None, None, eps, 0)
    nats = float(per["log"].mean())
    return ChoiceLog(n, nats, nats / float(np.log(2.0)), eps, int(np.count_nonzero(per["clipped"])))


def baseline_result(per: dict[str, np.ndarray]) -> ChoiceBaseline:
    n = int(per["baseline"].shape[0])
    return ChoiceBaseline(n, float(per["baseline"].mean()) if n else None)


def rps_result(per: dict[str, np.ndarray]) -> RankedProbability:
    ordered = ~np.isnan(per["rps"])
    k = int(np.count_nonzero(ordered))
    return RankedProbability(int(ordered.shape[0]), k, float(per["rps"][ordered].mean()) if k else None)


def as_binary(f: ChoiceForecasts) -> tuple[np.ndarray, np.ndarray]:
    """Every option's probability as a yes/no forecast that this option happens, and
    whether it did (the calibration of multiple-choice forecasts, as Fatebook counts it)."""
    width = f.P.shape[1]
    real = np.arange(width)[None, :] < f.k[:, None]
    happened = np.arange(width)[None, :] == f.o[:, None]
    # Rounded as folded probabilities are (calibration.FOLD_DIGITS): 30% stays one row, however it was scaled.
    return np.round(f.P[real], 12), happened[real].astype(np.float64)
