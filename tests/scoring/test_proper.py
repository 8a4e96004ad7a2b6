"""Brier, log and spherical scores: reference libraries, hand cases, properness."""

import math

import numpy as np
import pytest
import scoringrules
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import brier_score_loss, log_loss

from ledger.scoring import brier, log_score, proper_scores, spherical


def test_brier_matches_sklearn_and_scoringrules(random_forecasts):
    p, o = random_forecasts
    ours = brier(p, o).score
    assert abs(ours - brier_score_loss(o, p)) < 1e-12
    assert abs(ours - float(np.mean(scoringrules.brier_score(o, p)))) < 1e-12


def test_log_score_matches_sklearn_and_scoringrules(random_forecasts):
    p, o = random_forecasts
    # tiny eps: sklearn clips only at machine epsilon, scoringrules not at all
    result = log_score(p, o, eps=1e-15)
    assert result.clipped == 0
    assert abs(result.nats - log_loss(o, p)) < 1e-12
    assert abs(result.nats - float(np.mean(scoringrules.log_score(o, p)))) < 1e-12
    assert abs(result.bits - log_loss(o, p) / math.log(2)) < 1e-12


def test_brier_0_2_convention_gj_open_example():
    # GJ Open: 0.9 on the winner -> (0.9-1)^2 + (0.1-0)^2 = 0.01 + 0.01 = 0.02
    result = brier([0.9], [1], scale="0-2")
    assert abs(result.score - 0.02) < 1e-12
    assert result.scale == "0-2" and "0-2" in result.label
    assert abs(brier([0.9], [1]).score - 0.01) < 1e-12


def test_brier_hand_case_and_skill_scores():
    # p = 0.8, 0.6, 0.3 with outcomes 1, 0, 0
    # squared errors 0.04, 0.36, 0.09 -> BS = 0.49 / 3
    result = brier([0.8, 0.6, 0.3], [1, 0, 0])
    bs = 0.49 / 3
    assert abs(result.score - bs) < 1e-12
    assert abs(result.base_rate - 1 / 3) < 1e-12
    # vs always 50%: 1 - BS / 0.25; vs base rate: 1 - BS / (1/3 * 2/3)
    assert abs(result.skill_vs_half - (1 - bs / 0.25)) < 1e-12
    assert abs(result.skill_vs_base_rate - (1 - bs / (2 / 9))) < 1e-12
    # skill scores do not depend on the scale
    other = brier([0.8, 0.6, 0.3], [1, 0, 0], scale="0-2")
    assert abs(other.score - 2 * bs) < 1e-12
    assert abs(other.skill_vs_half - result.skill_vs_half) < 1e-12


def test_skill_vs_base_rate_undefined_when_everything_happened():
    result = brier([0.9, 0.7], [1, 1])
    assert result.base_rate == 1.0
    assert result.skill_vs_base_rate is None
    assert result.to_dict()["skill_vs_base_rate"] is None


def test_metaculus_baseline_hand_values():
    # 100 log2(0.8 / 0.5) = 67.807... if YES; 100 log2(0.2 / 0.5) = -132.19... if NO
    assert abs(log_score([0.8], [1]).metaculus_baseline - 100 * math.log2(1.6)) < 1e-9
    assert abs(log_score([0.8], [0]).metaculus_baseline - 100 * math.log2(0.4)) < 1e-9
    assert round(log_score([0.8], [1]).metaculus_baseline) == 68
    assert round(log_score([0.8], [0]).metaculus_baseline) == -132
    assert round(log_score([0.99], [0]).metaculus_baseline) == -564
    # mean over forecasts: (67.807 - 132.193) / 2
    both = log_score([0.8, 0.8], [1, 0]).metaculus_baseline
    assert abs(both - 50 * (math.log2(1.6) + math.log2(0.4))) < 1e-9


def test_log_score_hand_case():
    # -ln 0.8 and -ln (1 - 0.4): mean = (0.22314355 + 0.51082562) / 2
    result = log_score([0.8, 0.4], [1, 0])
    assert abs(result.nats - (-(math.log(0.8) + math.log(0.6)) / 2)) < 1e-12
    assert abs(result.bits - result.nats / math.log(2)) < 1e-12


def test_clipping_of_zero_and_one_is_counted():
    # 0 on something that happened and 1 on something that did: both clipped to
    # eps = 0.001, loss -ln 0.001 each; 0.5 is untouched: ln 2
    result = log_score([0.0, 1.0, 0.5], [1, 0, 1])
    assert result.clipped == 2 and result.eps == 1e-3
    expected = (2 * -math.log(1e-3) + math.log(2)) / 3
    assert abs(result.nats - expected) < 1e-12
    # right answers at 0 and 1 are clipped too, to 1 - eps
    confident = log_score([1.0, 0.0], [1, 0], eps=0.01)
    assert confident.clipped == 2
    assert abs(confident.nats - (-math.log(0.99))) < 1e-12
    assert all(math.isfinite(v) for v in (result.nats, result.bits, result.metaculus_baseline))


def test_spherical_hand_case():
    # p = 0.8 happened: 0.8 / sqrt(0.64 + 0.04); p = 0.5: 0.5 / sqrt(0.5)
    result = spherical([0.8, 0.5], [1, 0])
    expected = (0.8 / math.sqrt(0.68) + 0.5 / math.sqrt(0.5)) / 2
    assert abs(result.score - expected) < 1e-12
    assert spherical([1.0, 0.0], [1, 0]).score == 1.0


def test_proper_scores_bundle_and_empty(random_forecasts):
    p, o = random_forecasts
    bundle = proper_scores(p, o, scale="0-2", eps=1e-15)
    assert bundle.n == bundle.brier.n == bundle.log.n == bundle.spherical.n == p.size
    assert abs(bundle.brier.score - 2 * brier_score_loss(o, p)) < 1e-12
    assert abs(bundle.log.nats - log_loss(o, p)) < 1e-12
    assert abs(bundle.spherical.score - spherical(p, o).score) < 1e-12
    empty = proper_scores([], [])
    assert empty.n == 0 and empty.brier.score is None and empty.log.nats is None
    assert empty.spherical.score is None


def test_bad_options_raise():
    with pytest.raises(ValueError, match="brier_scale"):
        brier([0.5], [1], scale="0-100")
    with pytest.raises(ValueError, match="eps"):
        log_score([0.5], [1], eps=0.0)


# --- properness: the expected score is best at the true probability -------------

GRID = np.round(np.linspace(0.01, 0.99, 99), 10)


def _per_report(score, field):
    """(score if it happened, score if not) for each grid report q, one forecast at a time."""
    yes = np.array([getattr(score([q], [1]), field) for q in GRID])
    no = np.array([getattr(score([q], [0]), field) for q in GRID])
    return yes, no


SCORES_ON_GRID = {
    "brier": _per_report(brier, "score"),
    "log": _per_report(log_score, "nats"),
    "spherical": _per_report(spherical, "score"),
}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(list(GRID)))
def test_scores_are_best_in_expectation_at_the_true_probability(true_p):
    best = int(np.argmin(np.abs(GRID - true_p)))
    expected = {
        name: true_p * yes + (1 - true_p) * no for name, (yes, no) in SCORES_ON_GRID.items()
    }
    # Brier and log are losses: lowest at the truth; spherical is a reward: highest.
    assert int(np.argmin(expected["brier"])) == best
    assert int(np.argmin(expected["log"])) == best
    assert int(np.argmax(expected["spherical"])) == best


@pytest.mark.parametrize("n", [14, 1000, 10_000])
def test_the_sums_are_correctly_rounded_so_every_machine_prints_the_same_digits(n):
    # np.dot's BLAS kernel, and so its order of additions, depends on the CPU: the last digit would too.
    import math

    from ledger.scoring import brier, gap

    rng = np.random.default_rng(n)
    p = rng.random(n)
    o = (rng.random(n) < p).astype(float)
    r = o - p
    assert brier(p, o).score == math.fsum((r * r).tolist()) / n
    w = 1.0 - 2.0 * p
    den = math.sqrt(math.fsum((w * w * p * (1.0 - p)).tolist()))
    assert gap(p, o).spiegelhalter_z == math.fsum((r * w).tolist()) / den
