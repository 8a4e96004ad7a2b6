"""Scores over time: the Metaculus FAQ example, coverage, peers, and never a zero-filled Brier."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ledger.scoring.timeweighted import time_weighted


def faq(**kw):
    # A 5-day yes question: no forecast on day 1, 40% on day 2, 70% on day 3 (held on day 4), 80% on day 5.
    return time_weighted([0, 0, 0], [0, 0, 0], [1, 2, 4], [0.4, 0.7, 0.8], [5], [4], [1], **kw)


def test_the_metaculus_faq_example():
    r = faq()
    expected = (100 * math.log2(0.8) + 2 * 100 * math.log2(1.4) + 100 * math.log2(1.6)) / 5
    assert r.baseline[0] == pytest.approx(expected, abs=1e-12)
    assert round(r.baseline[0], 1) == 26.5
    assert r.coverage[0] == pytest.approx(0.8, abs=1e-15) and r.covered[0] == 4


def test_brier_and_log_average_over_covered_days_only():
    r = faq()
    assert r.brier[0] == pytest.approx((0.6**2 + 2 * 0.3**2 + 0.2**2) / 4, abs=1e-15)
    assert r.log[0] == pytest.approx(-(math.log(0.4) + 2 * math.log(0.7) + math.log(0.8)) / 4, abs=1e-12)
    # A forecaster who came in on the last day has that day's Brier, not a diluted one.
    late = time_weighted([0], [0], [4], [0.8], [5], [4], [1])
    assert late.brier[0] == pytest.approx(0.04, abs=1e-15) and late.coverage[0] == pytest.approx(0.2)


def test_an_early_resolution_ends_the_cover_but_not_the_horizon():
    # Scheduled for 10 days, resolved on day 3: days 4-9 count as zero for the baseline.
    r = time_weighted([0], [0], [0], [0.8], [10], [3], [1])
    assert r.covered[0] == 4 and r.coverage[0] == pytest.approx(0.4)
    assert r.baseline[0] == pytest.approx(4 * 100 * math.log2(1.6) / 10, abs=1e-12)


def test_the_last_forecast_of_a_day_stands():
    r = time_weighted([0, 0], [0, 0], [0, 0], [0.1, 0.9], [1], [0], [1])
    assert r.brier[0] == pytest.approx(0.01, abs=1e-15)


def test_peer_scores_sum_to_zero_and_relative_brier_compares_as_labelled():
    # Two forecasters all five days, a third on days 2-4 only.
    q, f, d = [0, 0, 0], [0, 1, 2], [0, 0, 2]
    r = time_weighted(q, f, d, [0.9, 0.6, 0.3], [5], [4], [1])
    covered = r.covered.astype(float)
    assert np.dot(r.peer, np.full(3, 5.0)).round(9) == 0.0  # each day's peer scores sum to 0, so do the averages
    # Forecaster 0 against the others' median: days 0-1 only forecaster 1 (0.16), days 2-4 median(0.16, 0.49).
    own = 0.01
    expected_others = (2 * (own - 0.16) + 3 * (own - (0.16 + 0.49) / 2)) / 5
    assert r.relative_others[0] == pytest.approx(expected_others, abs=1e-12)
    # Against all, you included: days 0-1 median(0.01, 0.16), days 2-4 the median of three (0.16).
    expected_all = (2 * (own - (0.01 + 0.16) / 2) + 3 * (own - 0.16)) / 5
    assert r.relative_all[0] == pytest.approx(expected_all, abs=1e-12)
    assert covered.tolist() == [5, 5, 3] and r.days_with_others.tolist() == [5, 5, 3]


def test_a_lone_forecaster_has_no_peer_or_relative_score():
    r = faq()
    assert r.peer[0] == 0.0 and math.isnan(r.relative_others[0]) and r.days_with_others[0] == 0


def test_bad_horizons_are_refused():
    with pytest.raises(ValueError, match="horizon"):
        time_weighted([0], [0], [0], [0.5], [0], [0], [1])
    with pytest.raises(ValueError, match="horizon"):
        time_weighted([0], [0], [0], [0.5], [3], [3], [1])
