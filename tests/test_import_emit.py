"""The import's fast YAML writer reads back as exactly what it was given (any text, numbers, dates, slugs)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import yamlio
from ledger.models import SLUG_PATTERN
from ledger.store.emit import mapping, scalar

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
SLUG = st.from_regex(rf"\A{SLUG_PATTERN}\Z", fullmatch=True).filter(lambda s: len(s) < 30)
VALUE = st.one_of(TEXT, st.floats(0, 1), st.integers(0, 100), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.one_of(SLUG, TEXT), VALUE, min_size=1, max_size=5))
def test_a_mapping_reads_back_the_same(data):
    assert yamlio.parse(mapping(data)).data == data


@settings(max_examples=200, deadline=None)
@given(st.lists(SLUG, min_size=1, max_size=4), st.lists(st.dictionaries(SLUG, VALUE, min_size=1, max_size=3), min_size=1, max_size=3))
def test_lists_of_slugs_and_of_mappings_read_back_the_same(tags, items):
    data = {"id": "x", "tags": tags, "forecasts": items}
    assert yamlio.parse(mapping(data)).data == data


def test_plain_where_it_is_safe_quoted_where_not():
    assert scalar("Will it rain?") == "Will it rain?"
    for text in ("yes", "No", "null", "2024-05-05", "a: b", "x #y", "trailing ", "- dash", "70%", "3:1", "line\nbreak"):
        assert scalar(text).startswith('"'), text
        assert yamlio.parse(f"k: {scalar(text)}\n").data == {"k": text}
    assert scalar("17", flow=True) == '"17"' and scalar("peft", flow=True) == "peft"
