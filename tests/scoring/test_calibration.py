"""Calibration tables, edges, folding, ECE, discrimination, decomposition."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss

from ledger.scoring import (
    Z90,
    calibration_table,
    fold,
    folded_calibration,
    murphy_decomposition,
    wilson_interval,
)

probability = st.floats(0.0, 1.0, allow_nan=False)
pairs = st.lists(st.tuples(probability, st.booleans()), min_size=1, max_size=60)
bin_specs = st.one_of(
    st.none(),
    st.just("uniform"),
    st.just("distinct"),
    st.integers(1, 15),
    st.lists(st.floats(0.01, 0.99), min_size=1, max_size=8, unique=True).map(
        lambda inner: [0.0, *sorted(inner), 1.0]
    ),
)


def _arrays(pairs_):
    return np.array([a for a, _ in pairs_]), np.array([b for _, b in pairs_])


def _nonempty(table):
    return [b for b in table.bins if b.n > 0]


@pytest.mark.parametrize("n", [40, 5000])
def test_uniform_bins_match_sklearn_calibration_curve(n):
    # sklearn drops empty bins; with n = 40 some bins are empty
    rng = np.random.default_rng(n)
    p = rng.random(n) ** 2
    o = (rng.random(n) < p).astype(int)
    prob_true, prob_pred = calibration_curve(o, p, n_bins=10, strategy="uniform")
    table = calibration_table(p, o, bins="uniform")
    rows = _nonempty(table)
    assert table.strategy == "uniform" and len(table.bins) == 10
    assert len(rows) == len(prob_true)
    assert np.allclose([b.observed for b in rows], prob_true, rtol=0, atol=1e-12)
    assert np.allclose([b.mean_p for b in rows], prob_pred, rtol=0, atol=1e-12)


def test_decomposition_matches_sklearn_brier(random_forecasts):
    p, o = random_forecasts
    d = murphy_decomposition(p, o, bins="uniform")
    assert abs(d.brier - brier_score_loss(o, p)) < 1e-12
    terms = (
        d.reliability - d.resolution + d.uncertainty
        + d.within_bin_variance - d.within_bin_covariance
    )
    assert abs(terms - brier_score_loss(o, p)) < 1e-12
    assert d.within_bin_variance > 0  # wide bins: the extra terms matter here


def test_edge_rule_half_open_last_bin_closed():
    p = np.array([0.0, 0.1, 0.3, 0.7, 0.9, 0.99999, 1.0])
    o = np.zeros(p.size, dtype=int)
    table = calibration_table(p, o, bins="uniform")
    assert table.edge_rule.startswith("half-open [lo, hi)")
    counts = {(round(b.lo, 1), round(b.hi, 1)): b.n for b in table.bins}
    # 0.0 -> [0, .1); 0.1 -> [.1, .2); 0.3 -> [.3, .4) (not [.2, .3), where
    # 0.1 * 3 = 0.30000000000000004 would put it); 0.7 -> [.7, .8);
    # 0.9, 0.99999 and 1.0 -> [.9, 1.0]
    assert counts == {
        (0.0, 0.1): 1, (0.1, 0.2): 1, (0.2, 0.3): 0, (0.3, 0.4): 1, (0.4, 0.5): 0,
        (0.5, 0.6): 0, (0.6, 0.7): 0, (0.7, 0.8): 1, (0.8, 0.9): 0, (0.9, 1.0): 3,
    }


def test_edges_on_every_decimal_land_in_the_upper_bin():
    p = np.arange(10) / 10  # 0.0, 0.1, ..., 0.9 exactly as typed
    table = calibration_table(p, np.zeros(10, dtype=int), bins=10)
    assert [b.n for b in table.bins] == [1] * 10
    assert [b.mean_p for b in table.bins] == list(p)


def test_user_edges_and_empty_bins_kept():
    # edges 0, 0.5, 0.8, 1: 0.5 -> [0.5, 0.8); 0.8 and 1.0 -> [0.8, 1.0]
    p = [0.1, 0.5, 0.8, 1.0]
    o = [0, 1, 1, 1]
    table = calibration_table(p, o, bins=[0.0, 0.5, 0.8, 1.0])
    assert table.strategy == "edges"
    assert [(b.lo, b.hi, b.n, b.hits) for b in table.bins] == [
        (0.0, 0.5, 1, 0), (0.5, 0.8, 1, 1), (0.8, 1.0, 2, 2),
    ]
    sparse = calibration_table([0.05, 0.95], [0, 1], bins="uniform")
    assert len(sparse.bins) == 10
    empty = sparse.bins[4]
    assert empty.n == 0 and empty.mean_p is None and empty.wilson_lo is None
    with pytest.raises(ValueError, match="increasing"):
        calibration_table(p, o, bins=[0.0, 0.8, 0.5, 1.0])
    with pytest.raises(ValueError, match="start at or below 0"):
        calibration_table(p, o, bins=[0.2, 1.0])


def test_distinct_bins_chosen_automatically_for_few_values(seed_post):
    p, o = seed_post
    table = calibration_table(p, o)
    assert table.strategy == "distinct"
    # distinct values: .05 .1 .15 .2 .25 .8 .95 .99
    assert [b.lo for b in table.bins] == [0.05, 0.1, 0.15, 0.2, 0.25, 0.8, 0.95, 0.99]
    assert [b.n for b in table.bins] == [2, 1, 1, 2, 1, 1, 1, 1]
    assert table.decomposition.within_bin_variance == 0.0
    many = np.linspace(0.0, 1.0, 13)  # 13 distinct values: too many
    assert calibration_table(many, np.zeros(13, dtype=int)).strategy == "uniform"
    twelve = np.tile(np.linspace(0.0, 1.0, 12), 100)  # 12 values, missed by the head guess
    twelve[:64] = 0.0  # the head shows one value; the other eleven come later
    assert calibration_table(twelve, np.zeros(twelve.size, dtype=int)).strategy == "distinct"


def test_seed_post_table_figures(seed_post):
    p, o = seed_post
    table = calibration_table(p, o)
    # ECE: every bin is all-miss below 50% and all-hit above, so |p - o| per bin:
    # (2*.05 + .1 + .15 + 2*.2 + .25 + .2 + .05 + .01) / 10 = 1.26 / 10
    assert abs(table.ece - 0.126) < 1e-12
    # discrimination: mean p on yes (.99+.95+.8)/3 minus mean p on no (1.0/7)
    assert abs(table.discrimination - (2.74 / 3 - 1.0 / 7)) < 1e-12
    # the .8 bin: 1 of 1 happened, over/under = 1 - .8
    row = table.bins[5]
    assert (row.n, row.hits) == (1, 1) and abs(row.over_under - 0.2) < 1e-12


def test_wilson_interval_hand_values():
    # 0 of 1: [0, z^2 / (1 + z^2)]; 1 of 1: [1 / (1 + z^2), 1]
    z2 = Z90**2
    lo, hi = wilson_interval(np.array([0.0, 1.0]), np.array([1.0, 1.0]))
    assert lo[0] == 0.0 and abs(hi[0] - z2 / (1 + z2)) < 1e-12
    assert abs(lo[1] - 1 / (1 + z2)) < 1e-12 and hi[1] == 1.0
    # 7 of 10: centre (0.7 + z^2/20) / (1 + z^2/10),
    # half z sqrt(0.21/10 + z^2/400) / (1 + z^2/10)
    lo, hi = wilson_interval(np.array([7.0]), np.array([10.0]))
    centre = (0.7 + z2 / 20) / (1 + z2 / 10)
    half = Z90 * math.sqrt(0.021 + z2 / 400) / (1 + z2 / 10)
    assert abs(lo[0] - (centre - half)) < 1e-12 and abs(hi[0] - (centre + half)) < 1e-12


def test_folded_view_as_scott_reports_it():
    # 0.2 (did not happen) folds to 0.8 (happened); 0.5 stays; 0.9 stays
    p = [0.2, 0.5, 0.9, 0.3]
    o = [0, 1, 0, 1]
    pf, of = fold(np.array(p, dtype=float), np.array(o, dtype=float))
    assert list(pf) == [0.8, 0.5, 0.9, 0.7] and list(of) == [1, 1, 0, 0]
    table = folded_calibration(p, o)
    assert table.folded and table.fold_rule
    assert min(b.lo for b in table.bins) >= 0.5
    uniform = folded_calibration(p, o, bins="uniform")
    assert [(round(b.lo, 1), b.n) for b in uniform.bins] == [
        (0.5, 1), (0.6, 0), (0.7, 1), (0.8, 1), (0.9, 1),
    ]
    cut = folded_calibration(p, o, bins=[0.0, 0.25, 0.75, 1.0])
    assert [(b.lo, b.hi, b.n) for b in cut.bins] == [(0.5, 0.75, 2), (0.75, 1.0, 2)]


def test_empty_table():
    table = calibration_table([], [])
    assert table.n == 0 and table.ece is None and table.discrimination is None
    assert table.decomposition.brier is None


# --- properties ------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(pairs, bin_specs)
def test_bins_partition_the_predictions(pairs_, bins):
    p, o = _arrays(pairs_)
    table = calibration_table(p, o, bins)
    assert sum(b.n for b in table.bins) == p.size
    assert sum(b.hits for b in table.bins) == int(o.sum())
    for b in table.bins:
        if table.strategy == "distinct":
            inside = p == b.lo
        elif b is table.bins[-1]:
            inside = (p >= b.lo) & (p <= b.hi)
        else:
            inside = (p >= b.lo) & (p < b.hi)
        assert b.n == int(inside.sum())  # each prediction is counted where its edges say
        assert b.hits == int(o[inside].sum())


@settings(max_examples=80, deadline=None)
@given(pairs, bin_specs)
def test_decomposition_adds_up_to_the_brier_score(pairs_, bins):
    p, o = _arrays(pairs_)
    d = calibration_table(p, o, bins).decomposition
    bs = float(np.mean((p - o) ** 2))
    total = (
        d.reliability - d.resolution + d.uncertainty
        + d.within_bin_variance - d.within_bin_covariance
    )
    assert abs(total - bs) < 1e-12
    assert abs(d.brier - bs) < 1e-12
    folded = folded_calibration(p, o, bins).decomposition  # folding keeps (p - o)^2
    assert abs(folded.brier - bs) < 1e-12


# dyadic probabilities, so 1 - (1 - p) == p exactly; 0.5 excluded (it does not fold)
dyadic = st.integers(0, 64).filter(lambda k: k != 32).map(lambda k: k / 64)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(dyadic, st.booleans()), min_size=1, max_size=60),
    st.sampled_from([None, "uniform", "distinct", 3]),
)
def test_folded_view_is_invariant_to_flipping_every_pair(pairs_, bins):
    p, o = _arrays(pairs_)
    before = folded_calibration(p, o, bins).to_dict()
    after = folded_calibration(1 - p, 1 - o, bins).to_dict()
    assert before == after
    assert before["n"] == p.size


def test_equal_width_bins_are_exact_at_and_beside_every_edge():
    # Scaling by k and flooring puts some values one bin off (for example
    # floor(p * k) below the edge p sits on); the binning must correct each one.
    # Check every edge and its float neighbours for k = 1..60 against the rule.
    for k in range(1, 61):
        edges = np.arange(k + 1) / k
        p = np.concatenate([edges, np.nextafter(edges, 0.0), np.nextafter(edges, 1.0)])
        p = p[(p >= 0.0) & (p <= 1.0)]
        table = calibration_table(p, np.zeros(p.size, dtype=int), bins=k)
        expected = np.minimum(np.searchsorted(edges, p, side="right") - 1, k - 1)
        assert [b.n for b in table.bins] == list(np.bincount(expected, minlength=k)), k
        assert [b.lo for b in table.bins] == list(edges[:-1])


def test_folding_takes_the_decimal_complement():
    # 1 - 0.33 is 0.6699999999999999 in floating point; folded, 33% and 67% are one row.
    p = np.array([0.33, 0.67, 0.07, 0.93, 1 / 3, 2 / 3, 0.18, 0.82])
    o = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    table = folded_calibration(p, o)
    assert [b.n for b in table.bins] == [2, 2, 2, 2]
    assert [round(b.lo, 12) for b in table.bins] == [0.666666666667, 0.67, 0.82, 0.93]
    hundred = folded_calibration(np.array([0.33]), np.array([0]), bins=100)
    full = [b for b in hundred.bins if b.n]
    assert full[0].lo == pytest.approx(0.67) and full[0].hi == pytest.approx(0.675)
