"""Shared pieces of the scoring engine: input checks, constants, JSON conversion."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

#: Default clip for log-based scores: the probability given to what happened is
#: kept inside [eps, 1 - eps]. 0.001 matches Metaculus' 0.1% / 99.9% floor.
DEFAULT_EPS = 1e-3

#: z for a two-sided 90% interval (the 0.95 quantile of the standard normal).
Z90 = 1.6448536269514722


def exact_dot(a: np.ndarray, b: np.ndarray) -> float:
    """sum(a * b), correctly rounded (math.fsum). Not np.dot: BLAS picks its kernel by CPU, and the order of
    its additions with it, so the last digit of a printed score would depend on the machine."""
    return math.fsum((a * b).tolist())


def as_forecasts(p: Any, o: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return (p, o) as 1-D float64 arrays after checking them.

    Raises ValueError for mismatched lengths, p outside [0, 1] or NaN, and
    outcomes that are not 0/1 (bools are fine).
    """
    p = np.asarray(p, dtype=np.float64)
    o = np.asarray(o)
    if p.ndim != 1 or o.ndim != 1:
        raise ValueError(
            f"p and outcomes must be one-dimensional, got shapes {p.shape} and {o.shape}"
        )
    if p.shape[0] != o.shape[0]:
        raise ValueError(
            f"p and outcomes must have the same length, got {p.shape[0]} and {o.shape[0]}"
        )
    if p.size == 0:
        return p, o.astype(np.float64)
    # min/max propagate NaN, so one comparison each also rejects NaN.
    if not (p.min() >= 0.0 and p.max() <= 1.0):
        raise ValueError("every p must be a probability in [0, 1] (no NaN)")
    if o.dtype == np.bool_:
        return p, o.astype(np.float64)
    try:
        o = o.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError("outcomes must be 0/1 or booleans") from None
    if not (o.min() >= 0.0 and o.max() <= 1.0) or np.count_nonzero(o) != o.sum():
        # Inside [0, 1], the count of non-zeros equals the sum only when every
        # non-zero value is exactly 1.
        raise ValueError("outcomes must be 0/1 or booleans")
    return p, o


def check_eps(eps: float) -> float:
    eps = float(eps)
    if not 0.0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps}")
    return eps


def number(x: Any) -> float | None:
    """A finite Python float, or None for None / NaN / infinity."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def ratio(num: float, den: float) -> float | None:
    """num / den, or None when den is 0 (an undefined figure, never NaN)."""
    return None if den == 0 else float(num) / float(den)


def plain(value: Any) -> Any:
    """Convert a result (or anything inside one) to JSON-ready plain Python."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return number(value)
    return value


class Result:
    """Mixin for result dataclasses: `to_dict()` gives JSON-ready plain Python."""

    def to_dict(self) -> dict[str, Any]:
        return plain(self)
