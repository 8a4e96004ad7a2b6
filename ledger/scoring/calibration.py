"""Calibration: binned reliability table, folded view, ECE, discrimination and
the Murphy decomposition of the Brier score with its within-bin terms.

Bins (the `bins` argument):
  None / "auto" -- "distinct" when there are at most MAX_DISTINCT distinct
                   stated probabilities (people who pick 60/70/80/90%),
                   otherwise "uniform"
  "distinct"    -- one bin per distinct stated probability
  "uniform"     -- equal-width bins: ten over [0, 1], five over [0.5, 1] folded
  an int k      -- k equal-width bins
  a sequence    -- your own increasing edges; they must start at or below 0
                   (0.5 folded) and end at or above 1

Edges: bins are half-open [lo, hi), the last one closed [lo, hi], so every
prediction lands in exactly one bin. Equal-width edges are the floats nearest
the decimal edges (3/10, not 0.1 * 3 = 0.30000000000000004), so a stated 30%
lands in [0.3, 0.4). Empty bins are kept, with n = 0 and None for their
figures, so a table always has the same rows; sums (ECE, decomposition) skip them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._common import Z90, Result, as_forecasts, exact_dot, number

MAX_DISTINCT = 12
UNIFORM_BINS = 10
FOLDED_UNIFORM_BINS = 5
EDGE_RULE = "half-open [lo, hi); the last bin is closed [lo, hi]"
DISTINCT_RULE = "one bin per distinct stated probability (lo == hi == that probability)"
FOLD_RULE = (
    "p < 0.5 becomes 1 - p with its outcome flipped (the decimal complement: 33% folds to 67%); "
    "p == 0.5 stays as it is; bins cover [0.5, 1]"
)
WILSON_LEVEL = 0.9
FOLD_DIGITS = 12  # decimals kept of a folded probability (fold)


@dataclass(frozen=True)
class CalibrationBin(Result):
    """One row of a calibration table.

    lo, hi      -- the bin's edges (equal, for a distinct-probability bin)
    n, hits     -- predictions in the bin, and how many happened ("hits of n")
    mean_p      -- mean stated probability in the bin (not the midpoint)
    observed    -- hits / n
    wilson_lo, wilson_hi -- 90% Wilson score interval for the observed frequency
    over_under  -- observed - mean_p: negative means things happened less often
                   than stated (the gap's mean residual within the bin)
    Figures are None for an empty bin.
    """

    lo: float
    hi: float
    n: int
    hits: int
    mean_p: float | None
    observed: float | None
    wilson_lo: float | None
    wilson_hi: float | None
    over_under: float | None


@dataclass(frozen=True)
class MurphyDecomposition(Result):
    """Brier score (0-1) = REL - RES + UNC + WBV - WBC (Stephenson, Coelho and
    Jolliffe 2008), over the bins of a calibration table.

    reliability  (REL) -- sum n_k (mean_p_k - observed_k)^2 / N; lower is better
    resolution   (RES) -- sum n_k (observed_k - base_rate)^2 / N; higher is better
    uncertainty  (UNC) -- base_rate (1 - base_rate); the question set's difficulty
    within_bin_variance   (WBV) -- sum (p_i - mean_p_k)^2 / N
    within_bin_covariance (WBC) -- 2 sum (p_i - mean_p_k)(o_i - observed_k) / N
    brier -- REL - RES + UNC + WBV - WBC, which equals the 0-1 Brier score. With
             distinct-probability bins WBV and WBC are 0.
    """

    n: int
    brier: float | None
    reliability: float | None
    resolution: float | None
    uncertainty: float | None
    within_bin_variance: float | None
    within_bin_covariance: float | None


@dataclass(frozen=True)
class CalibrationTable(Result):
    """A calibration table and the figures that come from its bins.

    strategy       -- "distinct", "uniform" or "edges"
    edge_rule      -- how a prediction on an edge is assigned
    folded         -- True for the folded view (see fold_rule)
    ece            -- expected calibration error, sum (n_k / N) |mean_p_k - observed_k|
    discrimination -- mean p on what happened - mean p on what did not; None
                      when either side is empty. Higher is better.
    decomposition  -- Murphy decomposition over these bins
    """

    n: int
    strategy: str
    edge_rule: str
    folded: bool
    fold_rule: str | None
    wilson_level: float
    bins: tuple[CalibrationBin, ...]
    ece: float | None
    discrimination: float | None
    decomposition: MurphyDecomposition


# --- binning ---------------------------------------------------------------


def _rank_among(p: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each p, how many of the sorted `values` are below it. With a dozen
    values, a compare-and-add per value beats a binary search per element."""
    idx = np.zeros(p.shape[0], dtype=np.intp)
    for v in values[:-1]:  # a loop over at most MAX_DISTINCT values
        idx += p > v
    return idx


def _few_distinct(p: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(sorted distinct values of p, index of each p among them) if there are
    at most `limit` distinct values, else None.

    Avoids sorting all of p: guess the values from a small head, place every
    element among them, and add what was missed (at most limit + 1 rounds).
    """
    values = np.unique(p[:64])
    while values.size <= limit:
        idx = _rank_among(p, values)
        missed = values[idx] != p
        if not missed.any():
            return values, idx
        values = np.union1d(values, p[missed][:64])
    return None


def _uniform_edges(lo: float, k: int) -> np.ndarray:
    # (lo*k + (1 - lo)*i) / k is exact in the numerator for the domains used
    # (lo = 0 or 0.5), so each edge is the float nearest the true edge.
    return (lo * k + (1.0 - lo) * np.arange(k + 1)) / k


def _index_uniform(p: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin index for equal-width edges without a binary search: scale, floor,
    then correct the rare values that rounding put on the wrong side of an edge."""
    k = edges.size - 1
    lo = edges[0]
    idx = ((p - lo) * (k / (edges[-1] - lo))).astype(np.intp)
    np.clip(idx, 0, k - 1, out=idx)
    idx -= p < edges[idx]
    idx += (p >= edges[idx + 1]) & (idx < k - 1)
    return idx


def _index_edges(p: np.ndarray, edges: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(edges, p, side="right") - 1
    np.minimum(idx, edges.size - 2, out=idx)  # last bin closed: p == last edge
    return idx


def _check_edges(edges: Any, lo: float) -> np.ndarray:
    e = np.asarray(edges, dtype=np.float64)
    if e.ndim != 1 or e.size < 2 or not np.all(np.isfinite(e)):
        raise ValueError("bin edges must be a sequence of at least two finite numbers")
    if not np.all(np.diff(e) > 0):
        raise ValueError("bin edges must be strictly increasing")
    if e[0] > 0.0 or e[-1] < 1.0:
        raise ValueError(f"bin edges must start at or below 0 and end at or above 1, got {e[0]}..{e[-1]}")
    if lo > 0.0:  # folded view: keep the edges inside (lo, 1], start at lo
        e = np.concatenate(([lo], e[e > lo]))
    return e


def assign_bins(p: np.ndarray, bins: Any = None, *, lo: float = 0.0):
    """(strategy, edge_rule, bin lo edges, bin hi edges, index per prediction)."""
    if bins is None or (isinstance(bins, str) and bins == "auto"):
        found = _few_distinct(p, MAX_DISTINCT) if p.size else (np.empty(0), np.empty(0, np.intp))
        if found is not None:
            values, idx = found
            return "distinct", DISTINCT_RULE, values, values, idx
        bins = "uniform"
    if isinstance(bins, str):
        if bins == "distinct":
            values, idx = np.unique(p, return_inverse=True)
            return "distinct", DISTINCT_RULE, values, values, idx.reshape(-1)
        if bins != "uniform":
            raise ValueError(f"bins must be 'auto', 'distinct', 'uniform', an int or edges, got {bins!r}")
        bins = UNIFORM_BINS if lo == 0.0 else FOLDED_UNIFORM_BINS
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        if bins < 1:
            raise ValueError(f"the number of bins must be at least 1, got {bins}")
        edges = _uniform_edges(lo, int(bins))
        return "uniform", EDGE_RULE, edges[:-1], edges[1:], _index_uniform(p, edges)
    edges = _check_edges(bins, lo)
    return "edges", EDGE_RULE, edges[:-1], edges[1:], _index_edges(p, edges)


# --- the table ---------------------------------------------------------------


def wilson_interval(hits: np.ndarray, n: np.ndarray, z: float = Z90):
    """Wilson score interval for hits out of n (arrays; n > 0)."""
    phat = hits / n
    z2n = z * z / n
    denom = 1.0 + z2n
    centre = (phat + z2n / 2.0) / denom
    half = z * np.sqrt(phat * (1.0 - phat) / n + z2n / (4.0 * n)) / denom
    lo = np.where(hits == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi = np.where(hits == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return lo, hi  # ends pinned: they are exactly 0 / 1 but round off by one ulp


def table_unchecked(
    p: np.ndarray,
    o: np.ndarray,
    bins: Any = None,
    *,
    folded: bool = False,
    p2: np.ndarray | None = None,
) -> CalibrationTable:
    """Calibration table of already-checked arrays (already folded if `folded`)."""
    lo_domain = 0.5 if folded else 0.0
    strategy, rule, lo_edges, hi_edges, idx = assign_bins(p, bins, lo=lo_domain)
    k = lo_edges.size
    n_total = p.shape[0]
    if p2 is None:
        p2 = p * p

    # One pass per sum, keyed by (bin, outcome): counts give n and hits, the
    # p-weighted sums give sum p and sum p*o (the o == 1 half).
    key = 2 * idx + (o > 0)
    counts = np.bincount(key, minlength=2 * k).reshape(k, 2)
    sum_p_by = np.bincount(key, weights=p, minlength=2 * k).reshape(k, 2)
    sum_p2 = np.bincount(idx, weights=p2, minlength=k)

    n = counts.sum(axis=1)
    hits = counts[:, 1]
    sum_p = sum_p_by.sum(axis=1)
    sum_po = sum_p_by[:, 1]

    full = n > 0
    nf = n[full]
    distinct = strategy == "distinct"
    # A distinct bin's mean is its value exactly; dividing a sum would round.
    mean_p = lo_edges[full] if distinct else sum_p[full] / nf
    observed = hits[full] / nf
    w_lo, w_hi = wilson_interval(hits[full], nf)

    rows = []
    j = 0
    for b in range(k):  # a loop over bins, not forecasts
        if full[b]:
            rows.append(
                CalibrationBin(
                    float(lo_edges[b]), float(hi_edges[b]), int(n[b]), int(hits[b]),
                    float(mean_p[j]), float(observed[j]), float(w_lo[j]), float(w_hi[j]),
                    float(observed[j] - mean_p[j]),
                )
            )
            j += 1
        else:
            rows.append(
                CalibrationBin(float(lo_edges[b]), float(hi_edges[b]), 0, 0, None, None, None, None, None)
            )

    if n_total == 0:
        return CalibrationTable(
            0, strategy, rule, folded, FOLD_RULE if folded else None, WILSON_LEVEL,
            tuple(rows), None, None, MurphyDecomposition(0, None, None, None, None, None, None),
        )

    big_n = float(n_total)
    total_hits = float(hits.sum())
    base = total_hits / big_n
    rel = exact_dot(nf, (mean_p - observed) ** 2) / big_n
    res = exact_dot(nf, (observed - base) ** 2) / big_n
    unc = base * (1.0 - base)
    # Per bin: sum (p - mean_p)^2 = sum p^2 - mean_p sum p, and
    # sum (p - mean_p)(o - observed) = sum p o - observed sum p.
    if distinct:  # every p in a bin is the same, so both terms vanish
        wbv = wbc = 0.0
    else:
        wbv = float(np.maximum(sum_p2[full] - mean_p * sum_p[full], 0.0).sum()) / big_n
        wbc = 2.0 * float((sum_po[full] - observed * sum_p[full]).sum()) / big_n
    decomposition = MurphyDecomposition(
        n=n_total,
        brier=rel - res + unc + wbv - wbc,
        reliability=rel,
        resolution=res,
        uncertainty=unc,
        within_bin_variance=wbv,
        within_bin_covariance=wbc,
    )

    n_yes = total_hits
    n_no = big_n - total_hits
    yes_sum = float(sum_po.sum())
    no_sum = float(sum_p.sum()) - yes_sum
    discrimination = None if n_yes == 0 or n_no == 0 else yes_sum / n_yes - no_sum / n_no

    return CalibrationTable(
        n=n_total,
        strategy=strategy,
        edge_rule=rule,
        folded=folded,
        fold_rule=FOLD_RULE if folded else None,
        wilson_level=WILSON_LEVEL,
        bins=tuple(rows),
        ece=exact_dot(nf, np.abs(mean_p - observed)) / big_n,
        discrimination=number(discrimination),
        decomposition=decomposition,
    )


def fold(p: np.ndarray, o: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fold predictions: p < 0.5 becomes 1 - p and its outcome flips; p == 0.5 stays.

    Folded values are rounded to FOLD_DIGITS decimals: in floating point 1 - 0.33 is
    0.6699999999999999, not the 0.67 it stands for, and 1 - 1/3 is not 2/3, which would
    put a folded 33% and a stated 67% in two rows (or the wrong side of an edge).
    """
    low = p < 0.5
    return np.round(np.where(low, 1.0 - p, p), FOLD_DIGITS), np.abs(o - low)


def calibration_table(p, o, bins: Any = None) -> CalibrationTable:
    """Calibration table over [0, 1]. See the module docstring for `bins`."""
    p, o = as_forecasts(p, o)
    return table_unchecked(p, o, bins)


def folded_calibration(p, o, bins: Any = None) -> CalibrationTable:
    """Calibration table of the folded predictions, over [0.5, 1], as Scott
    Alexander and PredictionBook report it. User edges are cut to (0.5, 1]."""
    p, o = as_forecasts(p, o)
    pf, of = fold(p, o)
    return table_unchecked(pf, of, bins, folded=True)


def murphy_decomposition(p, o, bins: Any = None) -> MurphyDecomposition:
    """The Murphy decomposition of the 0-1 Brier score over the given bins."""
    return calibration_table(p, o, bins).decomposition


