"""ledger.jsontext writes the bytes json.dumps(indent=2, ensure_ascii=False) writes, whole or a piece at a time."""

from __future__ import annotations

import datetime as dt
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import jsontext

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=30,
)


def reference(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=lambda v: v.isoformat())


@settings(max_examples=300, deadline=None)
@given(values)
def test_same_text_as_the_standard_encoder(value):
    assert jsontext.dumps(value) == reference(value)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(max_size=8), values, max_size=4), st.text(max_size=8), st.lists(values, max_size=6))
def test_a_document_streamed_is_the_document(head, key, items):
    head.pop(key, None)
    assert "".join(jsontext.document_chunks(head, key, iter(items))) == reference({**head, key: items}) + "\n"


def test_what_the_standard_encoder_does_with_odd_values():
    odd = {"nan": math.nan, "inf": -math.inf, "day": dt.date(2024, 5, 5), "at": dt.datetime(2024, 5, 5, 10, 30),
           1: "an int key", "ctl": "a\x00b\u2028c \"q\" \\", "nested": {"e": [], "d": {}, "l": [[], {}, [1, [2]]]}}
    assert jsontext.dumps(odd) == reference(odd)
    assert jsontext.dumps([]) == "[]" and jsontext.dumps({}) == "{}"
