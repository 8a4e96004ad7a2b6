"""services.policy's building blocks, against plain loop references: dates as days (ISO text, date
objects and None mixed), forecasters grouped by name_key with their first spelling, and the policies
picking from rows where one forecaster is spelled several ways."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.names import name_key
from ledger.services.policy import days, forecaster_codes, pick


def _days_reference(values):
    out = []
    for v in values:
        if v is None:
            v = dt.date.max
        elif isinstance(v, str):
            v = dt.date.fromisoformat(v)
        out.append((v - dt.date(1970, 1, 1)).days)
    return np.array(out, dtype="datetime64[D]")


def test_days_reads_text_dates_and_none_mixed():
    values = ["2024-03-01", dt.date(2024, 3, 1), None, "2023-12-31", dt.date(2025, 1, 2), None, "2024-03-01"]
    got = days(values)
    assert got.dtype == np.dtype("datetime64[D]")
    assert got.tolist() == _days_reference(values).tolist()
    assert got[2] == np.datetime64(dt.date.max)  # None: the far future, after every date
    as_array = np.empty(len(values), dtype=object)
    as_array[:] = values
    assert days(as_array).tolist() == got.tolist()  # an object array reads as the list does


def test_days_of_nothing_is_empty():
    assert days([]).shape == (0,) and days(np.empty(0, dtype=object)).dtype == np.dtype("datetime64[D]")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
                          st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)).map(dt.date.isoformat)),
                max_size=40))
def test_days_match_a_loop_reference(values):
    assert days(values).tolist() == _days_reference(values).tolist()


def _codes_reference(names):
    """One name at a time: a new name_key gets the next code and shows its first spelling, trimmed."""
    code_of, display, out = {}, [], []
    for n in names:
        k = name_key(n)
        if k not in code_of:
            code_of[k] = len(display)
            display.append(n.strip())
        out.append(code_of[k])
    keys = [name_key(d) for d in display]
    rank = [sorted(keys).index(k) for k in keys]
    return out, display, rank


def test_forecaster_codes_group_case_and_whitespace_variants():
    names = ["Bob", " bob", "Ann", "BOB ", "ann", "Émile", "émile", "Zed", "bob"]
    codes, display, rank = forecaster_codes(names)
    assert codes.tolist() == [0, 0, 1, 0, 1, 2, 2, 3, 0]
    assert display == ["Bob", "Ann", "Émile", "Zed"]  # the first spelling seen, trimmed
    assert rank.tolist() == [1, 0, 3, 2]  # in name_key order: ann, bob, zed, émile
    assert (codes.tolist(), display, rank.tolist()) == _codes_reference(names)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Bob", "bob", " BOB", "Bob ", "ann", "Ann", "ß", "SS", "ss", "Zoë", "zoë "]),
                max_size=30))
def test_forecaster_codes_match_a_loop_reference(names):
    codes, display, rank = forecaster_codes(names)
    assert codes.dtype == np.intp
    assert (codes.tolist(), display, rank.tolist()) == _codes_reference(names)


@pytest.mark.parametrize("policy", ["first", "last", "all"])
def test_pick_treats_spellings_of_one_name_as_one_forecaster(policy):
    # Two predictions, both resolved on 2024-02-01; "bob" and " Bob" are one forecaster, shown as first spelled.
    prediction_of = np.array([0, 0, 0, 1, 1, 1])
    by = ["bob", "Ann", " Bob", "ann", "BOB", "Ann"]
    at = np.array(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01", dt.date(2024, 1, 5), "2024-03-01"],
                  dtype=object)
    resolved_on = np.array(["2024-02-01", dt.date(2024, 2, 1)], dtype=object)
    picked = pick(prediction_of, by, at, resolved_on, np.array([True, True]), policy)
    assert picked.names.tolist() == ["bob", "Ann"]
    kept = [(int(q), picked.names[f], int(r)) for q, f, r in zip(picked.prediction, picked.forecaster, picked.rows)]
    expected = {  # per prediction: Ann before bob (name_key order); the 2024-03-01 forecast is after the resolution
        "first": [(0, "Ann", 1), (0, "bob", 0), (1, "Ann", 3), (1, "bob", 4)],
        "last": [(0, "Ann", 1), (0, "bob", 2), (1, "Ann", 3), (1, "bob", 4)],
        "all": [(0, "Ann", 1), (0, "bob", 0), (0, "bob", 2), (1, "Ann", 3), (1, "bob", 4)],
    }[policy]
    assert kept == expected
    assert picked.after_resolution == (1 if policy == "all" else 0)  # under first/last Ann has an earlier one
    assert picked.covered.tolist() == [True, True]
