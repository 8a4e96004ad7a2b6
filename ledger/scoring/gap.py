"""The post's rule: each prediction earns (1 - p) if it happened and -p if not.

That is the residual o - p. Its sum is (number that happened) - (number
expected), so it says how the *subject* did against the forecaster's
expectations. It is NOT a proper scoring rule: if the true chance is q, the
expected residual is q - p, which is maximised by always saying p = 0. It must
never be used to rank forecasters; use the Brier or log score for that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._common import Result, as_forecasts, exact_dot, number, ratio
from .points import points


@dataclass(frozen=True)
class GapPart(Result):
    """The gap over one group of predictions.

    total  -- sum of (o - p)
    mean   -- total / n (None when n is 0)
    spread -- sqrt(sum p(1 - p)): the standard deviation of the total if every
              p were exactly right
    z      -- total / spread (None when spread is 0, e.g. every p is 0 or 1)
    """

    n: int
    total: float | None
    mean: float | None
    spread: float | None
    z: float | None


def _part(n: int, total: float, variance: float) -> GapPart:
    if n == 0:
        return GapPart(n=0, total=None, mean=None, spread=None, z=None)
    spread = math.sqrt(max(variance, 0.0))
    return GapPart(
        n=int(n),
        total=float(total),
        mean=float(total) / n,
        spread=spread,
        z=ratio(total, spread),
    )


@dataclass(frozen=True)
class GapResult(Result):
    """The post's rule over all predictions, folded, and by side of 50%.

    Fields n/total/mean/spread/z are over all predictions, as published.
    folded       -- p < 0.5 flipped to 1 - p with its outcome flipped (p == 0.5
                    stays as it is). A negative folded total means the confident
                    side came true less often than stated: overconfidence.
    above, below -- predictions with p > 0.5 and p < 0.5.
    at_half      -- predictions with p == 0.5 exactly (in neither side).
                    total == above.total + below.total + at_half.total.
    spiegelhalter_z -- Spiegelhalter's (1986) calibration Z,
                    sum (o - p)(1 - 2p) / sqrt(sum (1 - 2p)^2 p(1 - p)); sensitive
                    to over/underconfidence rather than overall bias. None when
                    the denominator is 0.
    """

    n: int
    total: float | None
    mean: float | None
    spread: float | None
    z: float | None
    spiegelhalter_z: float | None
    folded: GapPart
    above: GapPart
    below: GapPart
    at_half: GapPart
    proper: bool = False  # reminder in the JSON: never rank forecasters by this


def gap(p, o) -> GapResult:
    """Score predictions by the post's rule. See the module docstring.

    p -- stated probabilities in [0, 1]; o -- outcomes 0/1 (or booleans).
    """
    p, o = as_forecasts(p, o)
    return gap_unchecked(p, o)


def gap_unchecked(p: np.ndarray, o: np.ndarray, p2: np.ndarray | None = None) -> GapResult:
    """gap() on arrays already checked by as_forecasts; p2 = p*p if known."""
    n = p.shape[0]
    if n == 0:
        empty = _part(0, 0.0, 0.0)
        return GapResult(0, None, None, None, None, None, empty, empty, empty, empty)
    if p2 is None:
        p2 = p * p
    r = points(p, o)
    var = p - p2  # p(1 - p) per prediction

    # Group 0: p < 0.5, group 1: p == 0.5, group 2: p > 0.5; one bincount each.
    side = (p >= 0.5).view(np.int8) + (p > 0.5).view(np.int8)
    count = np.bincount(side, minlength=3)
    total = np.bincount(side, weights=r, minlength=3)
    variance = np.bincount(side, weights=var, minlength=3)

    below = _part(count[0], total[0], variance[0])
    at_half = _part(count[1], total[1], variance[1])
    above = _part(count[2], total[2], variance[2])
    # Folding a p < 0.5 prediction turns its residual o - p into -(o - p) and
    # leaves p(1 - p) alone, so the folded figures come from the sides.
    folded = _part(n, total[2] + total[1] - total[0], variance.sum())
    overall = _part(n, total.sum(), variance.sum())

    w = 1.0 - 2.0 * p
    spiegel_den = math.sqrt(max(exact_dot(w * w, var), 0.0))
    spiegelhalter_z = ratio(exact_dot(r, w), spiegel_den)

    return GapResult(
        n=n,
        total=overall.total,
        mean=overall.mean,
        spread=overall.spread,
        z=overall.z,
        spiegelhalter_z=number(spiegelhalter_z),
        folded=folded,
        above=above,
        below=below,
        at_half=at_half,
    )
