"""Seeded bootstrap intervals for the Brier and log scores."""

import math

import numpy as np
import pytest

from ledger.scoring import bootstrap_scores, brier, log_score
from ledger.scoring import bootstrap as bootstrap_module


def _normal_interval(values, z=1.6448536269514722):
    # the percentile bootstrap of a mean is close to mean +- z sd / sqrt(n)
    se = values.std() / math.sqrt(values.size)
    return values.mean() - z * se, values.mean() + z * se


def test_same_seed_same_interval_and_estimates_match(random_forecasts):
    p, o = random_forecasts
    a = bootstrap_scores(p, o, resamples=300, seed=7)
    b = bootstrap_scores(p, o, resamples=300, seed=7)
    c = bootstrap_scores(p, o, resamples=300, seed=8)
    assert a == b
    assert a.brier != c.brier
    assert abs(a.brier.estimate - brier(p, o).score) < 1e-12
    assert abs(a.log_nats.estimate - log_score(p, o).nats) < 1e-12
    assert a.n == p.size and a.resamples == 300 and a.level == 0.9 and a.seed == 7
    for interval in (a.brier, a.log_nats):
        assert interval.lo < interval.estimate < interval.hi


def test_interval_close_to_normal_approximation(random_forecasts):
    p, o = random_forecasts
    result = bootstrap_scores(p, o, resamples=2000, seed=1)
    lo, hi = _normal_interval((p - o) ** 2)
    width = hi - lo
    assert abs(result.brier.lo - lo) < 0.1 * width
    assert abs(result.brier.hi - hi) < 0.1 * width
    lo, hi = _normal_interval(-np.log(np.where(o == 1, p, 1 - p).clip(1e-3, 1 - 1e-3)))
    width = hi - lo
    assert abs(result.log_nats.lo - lo) < 0.1 * width
    assert abs(result.log_nats.hi - hi) < 0.1 * width


def test_chunked_resampling_gives_a_sound_interval(random_forecasts, monkeypatch):
    # force many small chunks (3 resamples each) through the loop
    p, o = random_forecasts
    monkeypatch.setattr(bootstrap_module, "MAX_CELLS", 3 * p.size)
    result = bootstrap_scores(p, o, resamples=1000, seed=3)
    assert result == bootstrap_scores(p, o, resamples=1000, seed=3)
    lo, hi = _normal_interval((p - o) ** 2)
    assert abs(result.brier.lo - lo) < 0.1 * (hi - lo)
    assert abs(result.brier.hi - hi) < 0.1 * (hi - lo)


def test_scale_level_and_empty():
    p = np.array([0.9, 0.2, 0.6, 0.7])
    o = np.array([1, 0, 0, 1])
    wide = bootstrap_scores(p, o, resamples=500, level=0.99, seed=0, brier_scale="0-2")
    narrow = bootstrap_scores(p, o, resamples=500, level=0.5, seed=0, brier_scale="0-2")
    # 0-2: twice (0.01 + 0.04 + 0.36 + 0.09) / 4 = 0.25
    assert abs(wide.brier.estimate - 0.25) < 1e-12
    assert wide.brier.lo <= narrow.brier.lo <= narrow.brier.hi <= wide.brier.hi
    empty = bootstrap_scores([], [])
    assert empty.n == 0 and empty.brier.lo is None
    assert empty.to_dict()["log_nats"] == {"estimate": None, "lo": None, "hi": None}
    with pytest.raises(ValueError, match="resamples"):
        bootstrap_scores(p, o, resamples=0)
    with pytest.raises(ValueError, match="level"):
        bootstrap_scores(p, o, level=1.5)
