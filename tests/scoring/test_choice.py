"""Multiple-choice scores against scoringrules and hand-computed cases; properness by hypothesis."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scoringrules as sr
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.scoring.choice import as_binary, as_choice_forecasts, per_forecast
from ledger.scoring.prepared import Choice
from ledger.scoring.registry import Settings, run_rules

S = Settings()


def random_forecasts(rng, n, k):
    P = rng.dirichlet(np.ones(k), size=n)
    o = rng.integers(0, k, size=n)
    return P, o


def test_brier_log_and_rps_equal_scoringrules_to_1e12():
    rng = np.random.default_rng(3)
    P, o = random_forecasts(rng, 2000, 4)
    per = per_forecast(as_choice_forecasts(P, o, ordered=np.ones(2000, bool)))
    onehot = np.eye(4)[o]
    assert np.allclose(per["brier"], sr.brier_score(onehot, P).sum(axis=1), rtol=0, atol=1e-12)
    assert np.allclose(per["rps"], sr.rps_score(o + 1, P), rtol=0, atol=1e-12)  # scoringrules' categories count from 1
    po = np.clip(P[np.arange(2000), o], 1e-3, 1 - 1e-3)
    assert np.allclose(per["log"], sr.log_score(np.ones(2000), po), rtol=0, atol=1e-12)


def test_hand_computed_example():
    # Three options, 50/30/20, the second happened.
    data = Choice([[0.5, 0.3, 0.2]], [1], None, [True], S)
    r = run_rules(data, "first", S)
    assert r["choice_brier"].brier == pytest.approx(0.25 + 0.49 + 0.04, abs=1e-12)
    assert r["choice_log"].log_nats == pytest.approx(-math.log(0.3), abs=1e-12)
    assert r["choice_log"].log_bits == pytest.approx(-math.log2(0.3), abs=1e-12)
    assert r["choice_baseline"].metaculus_baseline == pytest.approx(100 * math.log(3 * 0.3) / math.log(3), abs=1e-12)
    # Cumulative forecast 0.5, 0.8, 1.0 against 0, 1, 1: 0.25 + 0.04 + 0.
    assert r["rps"].rps == pytest.approx(0.29, abs=1e-12) and r["rps"].n_ordered == 1


def test_uniform_forecast_scores_zero_baseline_and_one_minus_one_over_k_brier():
    for k in (2, 3, 5, 10):
        r = run_rules(Choice([[1 / k] * k], [0], None, None, S), "first", S)
        assert r["choice_baseline"].metaculus_baseline == pytest.approx(0.0, abs=1e-9)
        assert r["choice_brier"].brier == pytest.approx(1 - 1 / k, abs=1e-12)


def test_rps_only_on_ordered_options_and_rules_say_what_applied():
    r = run_rules(Choice([[0.5, 0.5], [0.2, 0.8]], [0, 1], None, [False, False], S), "first", S)
    assert "rps" not in r
    r = run_rules(Choice([[0.5, 0.5], [0.2, 0.8]], [0, 1], None, [False, True], S), "first", S)
    assert r["rps"].n_ordered == 1 and r["rps"].rps == pytest.approx(0.2**2, abs=1e-12)


def test_rows_with_fewer_options_are_padded_without_changing_their_scores():
    wide = Choice([[0.6, 0.4, 0.0], [0.2, 0.3, 0.5]], [1, 2], [2, 3], [True, True], S)
    alone = Choice([[0.6, 0.4]], [1], None, [True], S)
    assert wide.per["brier"][0] == pytest.approx(alone.per["brier"][0], abs=1e-15)
    assert wide.per["rps"][0] == pytest.approx(alone.per["rps"][0], abs=1e-15)
    assert wide.per["baseline"][0] == pytest.approx(alone.per["baseline"][0], abs=1e-12)


def test_probabilities_are_scaled_to_add_up_to_one():
    f = as_choice_forecasts([[0.502, 0.3, 0.2]], [0])
    assert f.P.sum() == pytest.approx(1.0, abs=1e-15)


def test_calibration_counts_each_option_as_a_yes_no_forecast():
    f = as_choice_forecasts([[0.5, 0.3, 0.2], [0.6, 0.4, 0.0]], [1, 0], k=[3, 2])
    p, o = as_binary(f)
    assert p.tolist() == pytest.approx([0.5, 0.3, 0.2, 0.6, 0.4])
    assert o.tolist() == [0, 1, 0, 1, 0]


@pytest.mark.parametrize("P,o,k,match", [
    ([[0.5, 0.5]], [2], None, "position"),
    ([[1.2, -0.2]], [0], None, r"\[0, 1\]"),
    ([[0.5, 0.5, 0.1]], [0], [2], "padding"),
    ([[0.0, 0.0]], [0], None, "all be 0"),
    ([[1.0]], [0], None, "at least two"),
])
def test_bad_input_is_refused(P, o, k, match):
    with pytest.raises(ValueError, match=match):
        as_choice_forecasts(P, o, k)


distributions = st.lists(st.floats(0.05, 1.0), min_size=2, max_size=6).map(lambda w: np.array(w) / sum(w))


@settings(max_examples=60, deadline=None)
@given(truth=distributions, other=st.data())
def test_the_true_distribution_minimises_every_expected_score(truth, other):
    # Properness: reporting the distribution the outcome is drawn from beats any other report, in expectation.
    k = truth.size
    report = other.draw(st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k).map(lambda w: np.array(w) / sum(w)))

    def expected(forecast, key, ordered=True):
        per = per_forecast(as_choice_forecasts(np.tile(forecast, (k, 1)), np.arange(k), ordered=np.full(k, ordered)),
                           eps=1e-9)
        return float(np.dot(truth, per[key]))

    for key in ("brier", "log", "rps"):
        assert expected(truth, key) <= expected(report, key) + 1e-12
    # The baseline score is a log score shifted and scaled: higher is better.
    assert expected(truth, "baseline") >= expected(report, "baseline") - 1e-9


def test_chunked_scores_equal_unchunked(monkeypatch):
    from ledger.scoring import choice

    rng = np.random.default_rng(5)
    P, o = random_forecasts(rng, 1000, 3)
    ordered = rng.random(1000) < 0.5
    whole = per_forecast(as_choice_forecasts(P, o, ordered=ordered))
    monkeypatch.setattr(choice, "CHUNK", 97)
    chunked = per_forecast(as_choice_forecasts(P, o, ordered=ordered))
    for key in whole:
        assert np.array_equal(whole[key], chunked[key], equal_nan=True), key


def test_a_forecast_that_adds_up_in_decimals_keeps_its_probabilities():
    # 0.3 + 0.6 + 0.1 == 0.9999999999999999: scaling by it would split 30% into two calibration rows.
    f = as_choice_forecasts([[0.3, 0.6, 0.1], [0.6, 0.3, 0.1]], [0, 1])
    assert f.P[0].tolist() == [0.3, 0.6, 0.1]
    p, _ = as_binary(f)
    assert sorted(set(p.tolist())) == [0.1, 0.3, 0.6]
