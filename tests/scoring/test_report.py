"""score_forecasts: the bundle, its rules, validation and JSON."""

import json

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, log_loss

from ledger.scoring import DEFAULT_EPS, score_forecasts


def test_bundle_agrees_with_the_parts(random_forecasts):
    p, o = random_forecasts
    report = score_forecasts(p, o, eps=1e-15)
    assert report.n == p.size
    assert abs(report.brier.score - brier_score_loss(o, p)) < 1e-12
    assert abs(report.log.nats - log_loss(o, p)) < 1e-12
    assert abs(report.gap.total - float(np.sum(o - p))) < 1e-9
    assert report.calibration.strategy == "uniform"  # 2,000 distinct values
    assert report.folded_calibration.folded
    assert report.decomposition == report.calibration.decomposition
    assert abs(report.decomposition.brier - report.brier.score) < 1e-12
    assert report.bootstrap is None


def test_rules_name_every_convention(seed_post):
    p, o = seed_post
    report = score_forecasts(p, o, brier_scale="0-2", bootstrap=100, seed=4)
    rules = report.rules
    assert rules["brier_scale"] == "0-2" and "0-2" in rules["brier"]
    assert rules["eps"] == DEFAULT_EPS and rules["clipped"] == 0
    assert rules["bins"] == "distinct" and "distinct" in rules["edge_rule"]
    assert "p < 0.5" in rules["fold"]
    assert rules["wilson_level"] == 0.9
    assert "100 resamples" in rules["bootstrap"] and "(4)" in rules["bootstrap"]
    assert report.bootstrap.brier_scale == "0-2"
    assert abs(report.gap.total + 0.74) < 1e-12


def test_user_bins_flow_through(random_forecasts):
    p, o = random_forecasts
    report = score_forecasts(p, o, bins=[0.0, 0.25, 0.5, 0.75, 1.0])
    assert report.rules["bins"] == "edges"
    assert len(report.calibration.bins) == 4
    assert [b.lo for b in report.folded_calibration.bins] == [0.5, 0.75]


def test_json_has_no_nan_and_round_trips(seed_post):
    p, o = seed_post
    report = score_forecasts(np.append(p, 0.0), np.append(o, 1), bootstrap=50)
    text = json.dumps(report.to_dict(), allow_nan=False)
    data = json.loads(text)
    assert data["log"]["clipped"] == 1
    assert data["n"] == 11 and data["gap"]["n"] == 11
    assert data["calibration"]["bins"][0]["lo"] == 0.0


def test_empty_input_gives_n_zero_and_none():
    report = score_forecasts([], [], bootstrap=10)
    data = report.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["n"] == 0
    assert data["brier"]["score"] is None and data["log"]["nats"] is None
    assert data["gap"]["total"] is None and data["calibration"]["ece"] is None
    assert data["bootstrap"]["brier"]["lo"] is None


def test_all_one_outcome_gives_none_not_nan():
    report = score_forecasts([0.6, 0.7], [1, 1])
    assert report.brier.skill_vs_base_rate is None
    assert report.calibration.discrimination is None
    json.dumps(report.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    "p, o, message",
    [
        ([0.5, 0.6], [1], "same length"),
        ([-0.1], [1], "probability"),
        ([float("nan")], [0], "probability"),
        ([0.5], [3], "0/1"),
        ([0.5], ["yes"], "0/1"),
        ([[0.5]], [[1]], "one-dimensional"),
    ],
)
def test_bad_input_raises_value_error(p, o, message):
    with pytest.raises(ValueError, match=message):
        score_forecasts(p, o)


def test_bad_options_raise():
    with pytest.raises(ValueError, match="brier_scale"):
        score_forecasts([0.5], [1], brier_scale="0-3")
    with pytest.raises(ValueError, match="bootstrap"):
        score_forecasts([0.5], [1], bootstrap=0)
    with pytest.raises(ValueError, match="bins"):
        score_forecasts([0.5], [1], bins="quantile")


def test_booleans_and_float_outcomes_accepted():
    a = score_forecasts([0.8, 0.3], [True, False])
    b = score_forecasts([0.8, 0.3], [1.0, 0.0])
    assert a.to_dict() == b.to_dict()
