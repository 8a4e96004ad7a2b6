"""The post's rule (the gap): hand cases, the seed post, and its expectation."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.scoring import gap

probability = st.floats(0.0, 1.0, allow_nan=False)


def test_seed_post_total_is_minus_0_74(seed_post):
    p, o = seed_post
    result = gap(p, o)
    # 3 happened; sum p = 0.99+0.95+0.8+0.2+0.2+0.25+0.05+0.15+0.1+0.05 = 3.74
    assert result.n == 10
    assert abs(result.total - (-0.74)) < 1e-12
    assert abs(result.mean - (-0.074)) < 1e-12


def test_seed_post_sides_and_folded(seed_post):
    p, o = seed_post
    result = gap(p, o)
    # above 0.5: 0.99, 0.95, 0.8 all happened: 0.01 + 0.05 + 0.2 = 0.26
    assert result.above.n == 3 and abs(result.above.total - 0.26) < 1e-12
    # below 0.5: seven that did not happen: -(0.2+0.2+0.25+0.05+0.15+0.1+0.05) = -1.0
    assert result.below.n == 7 and abs(result.below.total + 1.0) < 1e-12
    assert result.at_half.n == 0 and result.at_half.total is None
    # folded: below flips sign, so 0.26 + 1.0 = 1.26 (every confident side came true)
    assert result.folded.n == 10 and abs(result.folded.total - 1.26) < 1e-12
    # spread: sum p(1-p) = .0099+.0475+.16+.16+.16+.1875+.0475+.1275+.09+.0475 = 1.0374
    assert abs(result.spread - math.sqrt(1.0374)) < 1e-12
    assert abs(result.folded.spread - math.sqrt(1.0374)) < 1e-12
    assert abs(result.z - (-0.74 / math.sqrt(1.0374))) < 1e-12


def test_hand_case_with_a_half():
    # p = 0.5 (happened): +0.5; 0.7 (did not): -0.7; 0.3 (happened): +0.7
    result = gap([0.5, 0.7, 0.3], [1, 0, 1])
    assert abs(result.total - 0.5) < 1e-12
    assert result.at_half.n == 1 and abs(result.at_half.total - 0.5) < 1e-12
    assert result.above.n == 1 and abs(result.above.total + 0.7) < 1e-12
    assert result.below.n == 1 and abs(result.below.total - 0.7) < 1e-12
    # folded: 0.3 -> 0.7 with the outcome flipped to 0: -0.7; total 0.5 - 0.7 - 0.7
    assert abs(result.folded.total - (-0.9)) < 1e-12
    # spread: 0.25 + 0.21 + 0.21 = 0.67
    assert abs(result.spread - math.sqrt(0.67)) < 1e-12


def test_spiegelhalter_hand_case():
    # p = 0.8 happened, 0.8 did not, 0.1 did not
    # numerator: (0.2)(-0.6) + (-0.8)(-0.6) + (-0.1)(0.8) = -0.12 + 0.48 - 0.08 = 0.28
    # denominator: 0.36*0.16 + 0.36*0.16 + 0.64*0.09 = 0.0576*2 + 0.0576 = 0.1728
    result = gap([0.8, 0.8, 0.1], [1, 0, 0])
    assert abs(result.spiegelhalter_z - 0.28 / math.sqrt(0.1728)) < 1e-12


def test_z_is_none_when_spread_is_zero():
    result = gap([0.0, 1.0], [0, 1])
    assert result.spread == 0.0
    assert result.z is None and result.spiegelhalter_z is None
    assert result.total == 0.0


def test_empty_gives_none_figures():
    result = gap([], [])
    assert result.n == 0
    assert result.total is None and result.z is None and result.folded.n == 0
    assert result.to_dict()["mean"] is None


def test_not_proper_expected_gap_rewards_saying_zero():
    # With true chance 0.7, the expected residual of saying q is 0.7 - q: it grows
    # as q falls, so the gap must never rank forecasters.
    expected = []
    for q in (0.0, 0.3, 0.7, 1.0):
        yes, no = gap([q], [1]).total, gap([q], [0]).total
        expected.append(0.7 * yes + 0.3 * no)
    assert np.allclose(expected, [0.7, 0.4, 0.0, -0.3])
    assert gap([0.5], [1]).to_dict()["proper"] is False


@settings(max_examples=60, deadline=None)
@given(st.lists(probability, min_size=1, max_size=8))
def test_expectation_is_zero_and_variance_is_spread_squared(ps):
    # Enumerate every outcome vector, weighted by its chance under the
    # forecaster's own probabilities.
    p = np.array(ps)
    e_total = e_folded = e_sq = 0.0
    for outcome in itertools.product((0, 1), repeat=p.size):
        o = np.array(outcome)
        weight = float(np.prod(np.where(o == 1, p, 1 - p)))
        result = gap(p, o)
        e_total += weight * result.total
        e_folded += weight * result.folded.total
        e_sq += weight * result.total**2
    spread = gap(p, np.zeros(p.size)).spread
    assert abs(e_total) < 1e-9
    assert abs(e_folded) < 1e-9
    assert abs(e_sq - spread**2) < 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(probability, st.booleans()), min_size=1, max_size=40))
def test_sides_add_up_to_total(pairs):
    p = np.array([a for a, _ in pairs])
    o = np.array([b for _, b in pairs])
    result = gap(p, o)
    parts = [result.above, result.below, result.at_half]
    assert sum(part.n for part in parts) == result.n
    assert abs(sum(part.total or 0.0 for part in parts) - result.total) < 1e-9
    assert abs(result.total - float(np.sum(o - p))) < 1e-9


def test_bad_input_raises():
    with pytest.raises(ValueError, match="same length"):
        gap([0.5, 0.5], [1])
    with pytest.raises(ValueError, match="probability"):
        gap([1.5], [1])
    with pytest.raises(ValueError, match="probability"):
        gap([float("nan")], [1])
    with pytest.raises(ValueError, match="0/1"):
        gap([0.5], [2])
    with pytest.raises(ValueError, match="0/1"):
        gap([0.5], [0.5])
