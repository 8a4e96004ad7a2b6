"""What pledger writes, every YAML reader reads the same way (issue 13, "The everyday CLI").

Files written by `resolve`, `claim assess`, `add` (yamlio.dump) and `import`
(store.emit) held a bare `on:` and `yes`, which YAML 1.1 readers (PyYAML's
safe_load, many editors and linters) read as True. Now a scalar is written plain
only when a YAML 1.1 reader and ours agree on it; our reader still takes the old
bare form.
"""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import yamlio
from ledger.store import emit
from ledger.store.read import read_file
from support import BY, TODAY

YAML11_WORDS = ["on", "off", "yes", "no", "On", "OFF", "Yes", "NO", "y", "n", "true", "null", "~", "=", "<<", "3:1",
                "190:20:30", "1_000", "1e-5", "1e+20", "0b101", "0x1F", ".5", "2024-05-21", "12:30", "+1", "-.inf"]
words = st.one_of(st.sampled_from(YAML11_WORDS), st.text(alphabet=st.characters(codec="utf-8",
                                                                              exclude_categories=["Cs", "Cc"]), max_size=12))
scalars = st.one_of(words, st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)), st.booleans())


def test_resolve_writes_on_and_yes_that_yaml11_reads_as_text_and_a_date(cli, make_ledger):
    root = make_ledger({"a.yaml": "by: ada\nmade: 2025-01-01\npredictions:\n  - {id: a, claim: x, p: 0.5}\n"
                                  "  - {id: b, claim: y, p: 3:1}\n"})
    assert cli("--root", root, "resolve", "a", "yes").code == 0
    assert cli("--root", root, "resolve", "b", "no").code == 0
    for name, result in (("a", "yes"), ("b", "no")):
        text = (root / f"outcomes/{TODAY}-{name}.yaml").read_text()
        assert text == f'"on": {TODAY}\nby: {BY}\nresults:\n  {name}: "{result}"\n'
        assert yaml.safe_load(text) == {"on": dt.date.fromisoformat(TODAY), "by": BY, "results": {name: result}}


def test_claim_assess_writes_on_that_yaml11_reads_as_a_key(cli, make_ledger):
    root = make_ledger({"claims.yaml": "claims:\n  - id: c1\n    quote: q\n    source: {url: 'https://example.org/a'}\n"})
    assert cli("--root", root, "claim", "assess", "c1", "supported").code == 0
    [item] = yaml.safe_load((root / "assessments.yaml").read_text())["assessments"]
    assert item["on"] == dt.date.fromisoformat(TODAY) and True not in item


def test_add_writes_odds_that_yaml11_does_not_read_as_a_base_60_number(cli, make_ledger):
    root = make_ledger({})
    assert cli("--root", root, "add", "It rains", "-p", "3:1", "--id", "rain").code == 0
    [item] = yaml.safe_load((root / "predictions.yaml").read_text())["predictions"]
    assert item["p"] == "3:1"  # bare, PyYAML read 181


def test_the_old_bare_form_still_reads(make_ledger):
    root = make_ledger({"a.yaml": "by: ada\nmade: 2025-01-01\npredictions:\n  - {id: a, claim: x, p: 3:1}\n",
                        "outcomes/o.yaml": "on: 2025-02-01\nby: ada\nresults:\n  a: yes\n"})
    outcomes = read_file(root, "outcomes/o.yaml").outcomes
    assert [(o.result, o.on) for o in outcomes] == [("yes", dt.date(2025, 2, 1))]
    assert read_file(root, "a.yaml").predictions[0].p == 0.75


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(words, st.one_of(scalars, st.lists(words, max_size=3)), max_size=6))
def test_yamlio_dump_reads_alike_in_yaml11_and_ours(data):
    text = yamlio.dump(data)
    assert yaml.safe_load(text) == yamlio.parse(text).data == data


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(YAML11_WORDS + ["id", "claim", "p"]), st.one_of(scalars, st.lists(words, max_size=3)),
                       min_size=1, max_size=6))
def test_emit_reads_alike_in_yaml11_and_ours(data):
    text = emit.mapping(data)
    assert yaml.safe_load(text) == yamlio.parse(text).data == data
