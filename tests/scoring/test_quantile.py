"""Quantile forecasts against scoringrules and hand-computed cases; properness and coverage by hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
import scoringrules as sr
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.scoring.prepared import Numeric
from ledger.scoring.quantile import central_pairs, group_scores, pit_values
from ledger.scoring.registry import Settings, run_rules

S = Settings()
LEVELS = np.array([0.05, 0.25, 0.5, 0.75, 0.95])


def random_group(rng, n):
    centre = rng.normal(size=(n, 1))
    spread = np.sort(rng.exponential(size=(n, LEVELS.size)), axis=1) - 1.0
    Q = centre + np.cumsum(np.abs(spread), axis=1)
    y = rng.normal(size=n) * 2
    return Q, y


def test_pinball_crps_interval_and_wis_equal_scoringrules_to_1e12():
    rng = np.random.default_rng(11)
    Q, y = random_group(rng, 3000)
    g = group_scores(LEVELS, Q, y)
    ref_pinball = np.mean([sr.quantile_score(y, Q[:, j], LEVELS[j]) for j in range(LEVELS.size)], axis=0)
    assert np.allclose(g.pinball, ref_pinball, rtol=0, atol=1e-12)
    assert np.allclose(g.crps, sr.crps_quantile(y, Q, LEVELS), rtol=0, atol=1e-12)
    widest = [i for i in g.intervals if round(i[0], 9) == 0.9][0]
    assert np.allclose(widest[1], sr.interval_score(y, Q[:, 0], Q[:, 4], 0.1), rtol=0, atol=1e-12)
    alpha = np.array([0.1, 0.5])
    # scoringrules 0.10's numpy backend gets WIS wrong (it adds w * median); its numba gufunc is right.
    ref_wis = sr.weighted_interval_score(y, Q[:, 2], Q[:, [0, 1]], Q[:, [4, 3]], alpha, backend="numba")
    assert np.allclose(g.wis, ref_wis, rtol=0, atol=1e-12)


def test_wis_is_also_the_hand_formula():
    # y = 3, median 1, one 80% interval [0.5, 1.5]: (0.5*|3-1| + 0.1*(1 + 10*1.5)) / 1.5
    g = group_scores([0.1, 0.5, 0.9], [[0.5, 1.0, 1.5]], [3.0])
    assert g.wis[0] == pytest.approx((0.5 * 2 + 0.1 * 16.0) / 1.5, abs=1e-12)
    assert g.pinball[0] == pytest.approx(np.mean([0.1 * 2.5, 0.5 * 2.0, 0.9 * 1.5]), abs=1e-12)
    assert g.crps[0] == pytest.approx(2 * g.pinball[0], abs=1e-15)


def test_no_median_no_wis_and_intervals_need_both_tails():
    g = group_scores([0.05, 0.9], [[1.0, 2.0]], [1.5])
    assert g.wis is None and g.intervals == ()
    assert central_pairs(np.array([0.05, 0.25, 0.75, 0.95])) == [(0, 3), (1, 2)]


def test_coverage_pools_forecasts_by_nominal_level_across_level_sets():
    five = ([0.05, 0.5, 0.95], [[0, 1, 2], [0, 1, 2], [0, 1, 2]], [1.0, 2.5, -1.0])
    four = ([0.05, 0.25, 0.75, 0.95], [[0, 1, 2, 3]], [2.5])
    cov = run_rules(Numeric([five, four], S), "first", S)["coverage"]
    rows = {round(r.level, 9): r for r in cov.intervals}
    assert rows[0.9].n == 4 and rows[0.9].inside == 2 and rows[0.9].coverage == 0.5
    assert rows[0.5].n == 1 and rows[0.5].inside == 0
    assert 0 <= rows[0.9].wilson_lo <= 0.5 <= rows[0.9].wilson_hi <= 1


def test_scores_in_different_units_are_never_averaged_together():
    r = run_rules(Numeric([([0.5], [[1.0]], [2.0], "%"), ([0.5], [[10.0]], [40.0], "days")], S), "first", S)
    assert r["quantile_score"].quantile_score is None
    assert {u.unit: u.mean for u in r["quantile_score"].by_unit} == {"%": 0.5, "days": 15.0}
    one = run_rules(Numeric([([0.5], [[1.0]], [2.0], "%")], S), "first", S)
    assert one["quantile_score"].quantile_score == 0.5


def test_pit_interpolates_between_quantiles_and_halves_the_tails():
    levels = np.array([0.1, 0.5, 0.9])
    Q = np.array([[0.0, 1.0, 2.0]] * 4)
    pit = pit_values(levels, Q, np.array([0.5, 1.5, -3.0, 9.0]))
    assert pit.tolist() == pytest.approx([0.3, 0.7, 0.05, 0.95])


@pytest.mark.parametrize("levels,Q,match", [
    ([0.5, 0.25], [[1, 2]], "increase"),
    ([0.0, 0.5], [[1, 2]], "inside"),
    ([0.25, 0.75], [[2, 1]], "decrease"),
    ([0.5], [[np.nan]], "finite"),
])
def test_bad_groups_are_refused(levels, Q, match):
    with pytest.raises(ValueError, match=match):
        group_scores(levels, Q, [1.0])


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.integers(-20, 20), min_size=1, max_size=8), tau=st.sampled_from([0.1, 0.25, 0.5, 0.8]),
       guess=st.integers(-25, 25))
def test_the_true_quantile_minimises_the_expected_quantile_score(values, tau, guess):
    # Y uniform over `values`: its tau-quantile is an order statistic; no other single value beats it.
    y = np.array(values, dtype=float)
    true_q = float(np.quantile(y, tau, method="inverted_cdf"))

    def expected(q):
        return float(group_scores([tau], np.full((y.size, 1), q), y).pinball.mean())

    assert expected(true_q) <= expected(float(guess)) + 1e-12


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=1, max_size=30))
def test_coverage_counts_partition_the_outcomes(ys):
    y = np.array(ys)
    Q = np.tile([-1.0, -0.5, 0.0, 0.5, 1.0], (y.size, 1))
    cov = run_rules(Numeric([(LEVELS, Q, y)], S), "first", S)["coverage"]
    for row in cov.intervals:
        lo, hi = {0.9: (-1.0, 1.0), 0.5: (-0.5, 0.5)}[round(row.level, 9)]
        assert row.n == y.size
        assert row.inside == int(np.count_nonzero((y >= lo) & (y <= hi)))
        assert row.inside + int(np.count_nonzero((y < lo) | (y > hi))) == row.n
    pit = run_rules(Numeric([(LEVELS, Q, y)], S), "first", S)["pit"]
    assert sum(pit.counts) == y.size


def test_chunked_scores_equal_unchunked(monkeypatch):
    from ledger.scoring import quantile

    rng = np.random.default_rng(8)
    Q, y = random_group(rng, 1000)
    whole = group_scores(LEVELS, Q, y)
    monkeypatch.setattr(quantile, "CHUNK", 97)
    chunked = group_scores(LEVELS, Q, y)
    for name in ("pinball", "crps", "wis", "pit"):
        assert np.array_equal(getattr(whole, name), getattr(chunked, name)), name
    for (la, sa, ia), (lb, sb, ib) in zip(whole.intervals, chunked.intervals):
        assert la == lb and np.array_equal(sa, sb) and np.array_equal(ia, ib)
