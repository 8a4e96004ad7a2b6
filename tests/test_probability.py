"""Probabilities as people type them, and the errors for what is not one."""

from __future__ import annotations

import math

import pytest

from ledger.probability import Probability, parse_probability


@pytest.mark.parametrize(
    ("raw", "value", "typed", "fmt"),
    [
        (0.7, 0.7, "0.7", "decimal"),
        ("0.7", 0.7, "0.7", "decimal"),
        (".25", 0.25, ".25", "decimal"),
        ("70%", 0.7, "70%", "percent"),
        ("99.5 %", 0.995, "99.5 %", "percent"),
        ("3:1", 0.75, "3:1", "odds"),  # 3 for, 1 against: 3/4
        ("1:4", 0.2, "1:4", "odds"),
        ("1 in 20", 0.05, "1 in 20", "one-in"),
        ("2 IN 5", 0.4, "2 IN 5", "one-in"),
        (0, 0.0, "0", "decimal"),
        (1, 1.0, "1", "decimal"),
        ("1e-2", 0.01, "1e-2", "decimal"),
    ],
)
def test_accepted_forms_keep_value_and_typed_text(raw, value, typed, fmt):
    p = parse_probability(raw)
    assert p.value == pytest.approx(value, abs=1e-12)
    assert p.typed == typed
    assert p.format == fmt


def test_surrounding_space_is_trimmed_from_the_typed_text():
    assert parse_probability("  70% ") == Probability(0.7, "70%")


def test_a_probability_passes_through_unchanged():
    p = Probability(0.3, "30%")
    assert parse_probability(p) is p


@pytest.mark.parametrize(
    ("raw", "fragments"),
    [
        (1.5, ["1.5", "outside 0..1", "did you mean 1.5%"]),
        ("70", ["70", "outside 0..1", "did you mean 70%"]),
        (-0.1, ["-0.1", "outside 0..1"]),
        ("101%", ["101%", "above 100%"]),
        ("2 in 1", ["2 in 1", "0 <= k <= n"]),
        ("1 in 0", ["1 in 0", "n > 0"]),
        ("0:0", ["0:0", "give at least one side"]),
        (float("nan"), ["NaN", "between 0 and 1"]),
        ("nan", ["nan", "not a number between 0 and 1"]),
        (".inf", [".inf", "not a number between 0 and 1"]),
        ("", ["empty", "70%"]),
        ("   ", ["empty", "70%"]),
        (None, ["nothing", "0.7, 70%, 3:1"]),
        (True, ["yes/no value (true)", "0.7, 70%, 3:1"]),
        (False, ["yes/no value (false)"]),
        ("likely", ["'likely'", "write it as 0.7, 70%, 3:1 (odds for:against) or 1 in 20"]),
        ("70%%", ["'70%%'", "write it as"]),
        ([0.5], ["a list"]),
        ({"p": 0.5}, ["a mapping"]),
    ],
)
def test_bad_input_is_a_value_error_that_says_what_to_do(raw, fragments):
    with pytest.raises(ValueError) as info:
        parse_probability(raw)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message


def test_nan_is_never_accepted_in_any_spelling():
    for raw in (math.nan, "NaN", ".NaN", "-inf", "inf"):
        with pytest.raises(ValueError):
            parse_probability(raw)
