"""Reading each kind of record: fields, header inheritance, and source positions."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from ledger.errors import SourceLocation
from ledger.models import PredictionIn
from ledger.records import Evidence
from ledger.store.read import read_file

D = dt.date


def test_predictions_inherit_the_file_header(make_ledger):
    root = make_ledger({
        "group.yaml": """
            # a comment line
            set: group-2025
            title: Group predictions
            by: Ada
            made: 2025-01-06
            about: Interpretability in 2025
            due: 2025-12-31
            source: https://example.org/post
            tags: [interp]
            predictions:
              - id: first
                claim: The first thing happens
                p: 70%
                tags: [sae, interp]
              - id: second
                claim: The second thing happens
                p: 3:1
                by: Ben
                made: 2025-02-01
                due: 2026-01-31
                about: Something else
                criteria: Judged by Ben.
                source: https://example.org/other
                tests: [claim-one]
                note: A note.
        """,
    })
    rec = read_file(root, "group.yaml")
    assert rec.problems == []
    assert rec.kind == "predictions"
    [s] = rec.sets
    assert (s.id, s.title, s.by, s.made, s.about, s.source) == (
        "group-2025", "Group predictions", "Ada", D(2025, 1, 6), "Interpretability in 2025", "https://example.org/post"
    )
    assert s.location == SourceLocation("group.yaml", 2, 6)  # the value of `set:` on line 2

    first, second = rec.predictions
    assert (first.id, first.claim, first.p, first.p_typed) == ("first", "The first thing happens", 0.7, "70%")
    assert (first.by, first.made, first.due, first.about, first.source) == (
        "Ada", D(2025, 1, 6), D(2025, 12, 31), "Interpretability in 2025", "https://example.org/post"
    )
    assert first.set_id == "group-2025"
    assert first.tags == ("interp", "sae")  # header tags first, no repeats
    assert first.position == 0
    assert first.location == SourceLocation("group.yaml", 11, 5)  # `id:` of the first item

    assert (second.p, second.p_typed) == (0.75, "3:1")
    assert (second.by, second.made, second.due, second.about) == ("Ben", D(2025, 2, 1), D(2026, 1, 31), "Something else")
    assert (second.criteria, second.source, second.tests, second.note) == (
        "Judged by Ben.", "https://example.org/other", ("claim-one",), "A note."
    )
    assert second.tags == ("interp",)
    assert second.position == 1
    assert second.location == SourceLocation("group.yaml", 15, 5)

    # Each prediction's own p is its first forecast, by its author on the day it was made.
    initial = [(f.prediction_id, f.p, f.by, f.at, f.initial) for f in rec.forecasts]
    assert initial == [("first", 0.7, "Ada", D(2025, 1, 6), True), ("second", 0.75, "Ben", D(2025, 2, 1), True)]


def test_inline_forecasts_default_to_the_author_and_have_positions(make_ledger):
    root = make_ledger({
        "p.yaml": """
            by: Ada
            made: 2025-01-06
            predictions:
              - id: q
                claim: It happens
                p: 25%
                forecasts:
                  - {by: Ben, p: 40%, at: 2025-01-06}
                  - p: 1 in 10
                    at: 2025-06-15
                    note: lowering
        """,
    })
    rec = read_file(root, "p.yaml")
    assert rec.problems == []
    assert [(f.by, f.p, f.p_typed, f.at, f.note, f.initial, f.location.line, f.location.column) for f in rec.forecasts] == [
        ("Ada", 0.25, "25%", D(2025, 1, 6), None, True, 4, 5),
        ("Ben", 0.4, "40%", D(2025, 1, 6), None, False, 8, 9),
        ("Ada", 0.1, "1 in 10", D(2025, 6, 15), "lowering", False, 9, 9),
    ]


def test_a_forecasts_file(make_ledger):
    root = make_ledger({
        "forecasts.yaml": """
            forecasts:
              - prediction: q
                p: 0.3
                by: Chen
                at: 2025-03-01
              - prediction: r
                p: 1:1
                by: Dan
                at: 2025-03-02
                note: coin flip
        """,
    })
    rec = read_file(root, "forecasts.yaml")
    assert rec.problems == [] and rec.kind == "forecasts"
    assert [(f.prediction_id, f.p, f.p_typed, f.by, f.at, f.note, f.initial, f.location) for f in rec.forecasts] == [
        ("q", 0.3, "0.3", "Chen", D(2025, 3, 1), None, False, SourceLocation("forecasts.yaml", 2, 5)),
        ("r", 0.5, "1:1", "Dan", D(2025, 3, 2), "coin flip", False, SourceLocation("forecasts.yaml", 6, 5)),
    ]


def test_an_outcome_file_shares_its_header_and_adds_per_result_detail(make_ledger):
    root = make_ledger({
        "outcomes/2025-05-21.yaml": """
            on: 2025-05-21
            by: Casper
            note: judged from the paper
            evidence:
              - url: https://example.org/paper
                quote: we did 1-3
            results:
              a: yes
              b: no
              c:
                result: annulled
                note: cannot be judged
                evidence:
                  - url: https://example.org/why
        """,
    })
    rec = read_file(root, "outcomes/2025-05-21.yaml")
    assert rec.problems == [] and rec.kind == "results"
    shared = Evidence(url="https://example.org/paper", quote="we did 1-3")
    got = [(o.prediction_id, o.result, o.on, o.by, o.note, o.evidence, o.correction, o.location.line, o.location.column)
           for o in rec.outcomes]
    assert got == [
        ("a", "yes", D(2025, 5, 21), "Casper", "judged from the paper", (shared,), False, 8, 3),
        ("b", "no", D(2025, 5, 21), "Casper", "judged from the paper", (shared,), False, 9, 3),
        ("c", "annulled", D(2025, 5, 21), "Casper", "cannot be judged",
         (shared, Evidence(url="https://example.org/why")), False, 10, 3),
    ]


def test_yes_and_no_stay_words_and_true_false_also_mean_yes_no(make_ledger):
    # YAML 1.1 would read `yes`/`no`/`on` as booleans and `3:1` as a base-60 number.
    root = make_ledger({
        "o.yaml": """
            on: 2025-01-01
            by: X
            correction: true
            results:
              a: true
              b: False
              c: YES
        """,
    })
    rec = read_file(root, "o.yaml")
    assert rec.problems == []
    assert [(o.prediction_id, o.result, o.correction) for o in rec.outcomes] == [
        ("a", "yes", True), ("b", "no", True), ("c", "yes", True)
    ]


def test_an_empty_file_holds_nothing_and_is_fine(make_ledger):
    root = make_ledger({"empty.yaml": "", "comment.yaml": "# nothing yet\n"})
    for name in ("empty.yaml", "comment.yaml"):
        rec = read_file(root, name)
        assert rec.problems == [] and rec.predictions == [] and rec.kind is None


def test_a_prediction_without_by_or_made_anywhere_is_a_problem_at_its_item(make_ledger):
    root = make_ledger({
        "p.yaml": """
            predictions:
              - id: q
                claim: It happens
                p: 0.5
        """,
    })
    rec = read_file(root, "p.yaml")
    assert rec.predictions == []
    [problem] = rec.problems
    assert problem.render() == (
        "p.yaml:2:5: prediction 'q' has no `by:` and `made:`; add it to the prediction or to the file's header"
    )


def test_the_model_forbids_unknown_keys_and_keeps_what_was_typed():
    item = PredictionIn.model_validate({"id": "x", "claim": "c", "p": "3:1", "tags": "solo"})
    assert (item.p.value, item.p.typed, item.tags) == (0.75, "3:1", ["solo"])
    with pytest.raises(ValidationError):
        PredictionIn.model_validate({"id": "x", "claim": "c", "p": 0.5, "probability": 0.5})
    with pytest.raises(ValidationError):
        PredictionIn.model_validate({"id": "x", "claim": "c", "p": 0.5, "made": 1700000000})  # not a timestamp


def test_the_bundled_example_reads_without_problems():
    from support import EXAMPLE_LEDGER

    rec = read_file(EXAMPLE_LEDGER, "anthropic-sae-2024.yaml")
    assert rec.problems == []
    assert [p.p for p in rec.predictions] == [0.99, 0.95, 0.8, 0.2, 0.2, 0.25, 0.05, 0.15, 0.1, 0.05]
    assert {p.by for p in rec.predictions} == {"Stephen Casper"}
    assert all(p.made == D(2024, 5, 5) and p.set_id == "anthropic-sae-2024" for p in rec.predictions)
