"""Writes that lose nothing: appended text in place, atomic replace, nothing written on failure."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from ledger.errors import LedgerError, UsageError
from ledger.services.add import add_forecast, add_prediction
from ledger.services.ledger import Ledger
from ledger.store import write as store_write
from ledger.store.read import read_file
from ledger.store.write import append_to_list, write_atomic
from support import HAND_EDITED, snapshot



def test_append_keeps_every_other_byte_of_a_hand_edited_file(make_ledger):
    root = make_ledger({"mine.yaml": HAND_EDITED})
    ledger = Ledger.open(root)
    added = add_prediction(ledger, "The fourth thing happens", "0.4", set_id="mine", by="ada", made=dt.date(2025, 1, 6))
    assert added.path == "mine.yaml" and added.id == "the-fourth-thing-happens"
    # Header by/made match, so the new item only needs id, claim and p, in the list's own indentation,
    # right after the last item's last line and before the comment that follows the list.
    cut = HAND_EDITED.index("# a comment after the list")
    block = "  - id: the-fourth-thing-happens\n    claim: The fourth thing happens\n    p: 0.4\n"
    assert (root / "mine.yaml").read_text(encoding="utf-8") == HAND_EDITED[:cut] + block + HAND_EDITED[cut:]
    rec = read_file(root, "mine.yaml")
    assert rec.problems == []
    assert [p.id for p in rec.predictions] == ["first", "second", "third", "the-fourth-thing-happens"]


def test_append_follows_a_four_space_list_and_adds_what_differs_from_the_header(make_ledger):
    text = "by: ada\nmade: 2025-01-06\npredictions:\n    -   id: one\n        claim: One\n        p: 0.5\n"
    root = make_ledger({"predictions.yaml": text})
    add_prediction(Ledger.open(root), "Two", "20%", id="two", tags=["x", "y", "x"], due=dt.date(2027, 1, 1))
    # PLEDGER_BY=tester and PLEDGER_TODAY=2026-11-23 differ from the header, so they are written.
    block = (
        "    -   id: two\n        claim: Two\n        p: 20%\n        by: tester\n        made: 2026-11-23\n"
        "        due: 2027-01-01\n        tags: [x, y]\n"
    )
    assert (root / "predictions.yaml").read_text() == text + block
    [_, two] = read_file(root, "predictions.yaml").predictions
    assert (two.by, two.made, two.p, two.p_typed, two.tags) == ("tester", dt.date(2026, 11, 23), 0.2, "20%", ("x", "y"))


def test_append_to_a_file_without_a_final_newline(make_ledger):
    text = "by: ada\nmade: 2025-01-06\npredictions:\n  - id: one\n    claim: One\n    p: 0.5"
    root = make_ledger({"predictions.yaml": text})
    add_prediction(Ledger.open(root), "Two", 0.25, id="two", by="ada", made=dt.date(2025, 1, 6))
    assert (root / "predictions.yaml").read_text() == text + "\n  - id: two\n    claim: Two\n    p: 0.25\n"


def test_flow_style_list_is_refused_and_left_alone(make_ledger):
    text = "by: ada\nmade: 2025-01-06\npredictions: [{id: a, claim: c, p: 0.5}]\n"
    root = make_ledger({"predictions.yaml": text})
    with pytest.raises(LedgerError) as info:
        add_prediction(Ledger.open(root), "New", 0.5)
    [problem] = info.value.problems
    assert problem.render() == (
        "predictions.yaml:3:14: `predictions:` is written in flow style [...]; "
        "rewrite it as a block list (one `- ` item a line) so records can be appended"
    )
    assert (root / "predictions.yaml").read_text() == text


def test_empty_flow_list_becomes_a_block_list():
    text = "by: ada\nmade: 2025-01-06\npredictions: []   # none yet\n"
    new = append_to_list(text, "predictions", "id: a\nclaim: c\np: 0.5\n", "p.yaml")
    assert new == "by: ada\nmade: 2025-01-06\npredictions:\n  - id: a\n    claim: c\n    p: 0.5   # none yet\n"


@pytest.mark.parametrize(
    "text",
    [
        HAND_EDITED,  # a block list, appended after its last item
        "by: ada\nmade: 2025-01-06\npredictions: []\n",  # an empty flow list
        "by: ada\nmade: 2025-01-06\npredictions:\n",  # a key with no value
        "by: ada\nmade: 2025-01-06\n",  # no key yet
        "by: ada\nmade: 2025-01-06",  # no key, no final newline
    ],
)
def test_appends_to_a_crlf_file_use_crlf(text):
    crlf = text.replace("\n", "\r\n")
    new = append_to_list(crlf, "predictions", "id: a\nclaim: c\np: 0.5\n", "p.yaml")
    # The same edit as on the LF file, with every line ending CRLF: no mixed endings.
    assert new == append_to_list(text, "predictions", "id: a\nclaim: c\np: 0.5\n", "p.yaml").replace("\n", "\r\n")
    assert "\n" not in new.replace("\r\n", "") and "id: a\r\n" in new


def test_empty_list_through_add(make_ledger):
    root = make_ledger({"predictions.yaml": "by: tester\nmade: 2026-11-23\npredictions: []\n"})
    add_prediction(Ledger.open(root), "It rains", "1 in 3", id="rain")
    assert (root / "predictions.yaml").read_text() == (
        "by: tester\nmade: 2026-11-23\npredictions:\n  - id: rain\n    claim: It rains\n    p: 1 in 3\n"
    )


def test_key_with_no_value_and_missing_key():
    assert append_to_list("by: a\npredictions:\n# c\n", "predictions", "id: x\n", "p.yaml") == (
        "by: a\npredictions:\n  - id: x\n# c\n"
    )
    assert append_to_list("by: a", "predictions", "id: x\n", "p.yaml") == "by: a\npredictions:\n  - id: x\n"
    assert append_to_list("", "forecasts", "prediction: x\n", "f.yaml") == "forecasts:\n  - prediction: x\n"


def test_a_failed_add_writes_nothing(make_ledger, cli):
    root = make_ledger({"predictions.yaml": HAND_EDITED.replace("set: mine\n", "")})
    before = snapshot(root)
    for args in (
        ["add", "Claim", "-p", "1.5"],
        ["add", "Claim", "-p", "0.5", "--set", "brand-new", "--id", "Bad/Id"],
        ["add", "Claim", "-p", "likely", "--set", "brand-new"],
        ["add", "Claim", "-p", "0.5", "--id", "first"],  # id taken
        ["add", "Claim", "-p", "0.5", "--due", "2020-01-01"],  # due before made
    ):
        result = cli("--root", root, *args)
        assert result.code == 2, (args, result)
        assert snapshot(root) == before, args
    assert not (root / "brand-new.yaml").exists()


def test_a_record_that_would_not_read_back_is_not_written(make_ledger):
    root = make_ledger({"predictions.yaml": "by: tester\nmade: 2026-11-23\npredictions:\n  - id: a\n    claim: c\n    p: 0.5\n"})
    before = snapshot(root)
    with pytest.raises(LedgerError) as info:
        add_prediction(Ledger.open(root), "x" * 20_001, 0.5, id="long")  # over the 20,000-character limit
    assert "nothing was written" in info.value.message
    assert "the limit is 20000" in info.value.problems[0].message
    assert snapshot(root) == before


def test_adding_to_a_file_with_a_problem_elsewhere_is_allowed_but_not_a_new_problem(make_ledger):
    text = "by: tester\nmade: 2026-11-23\npredictions:\n  - id: a\n    claim: c\n    p: 2\n"
    root = make_ledger({"predictions.yaml": text})
    add_prediction(Ledger.open(root), "B", 0.5, id="b")
    assert (root / "predictions.yaml").read_text() == text + "  - id: b\n    claim: B\n    p: 0.5\n"


def test_writes_leave_no_temp_files_and_keep_the_mode(make_ledger):
    root = make_ledger({"predictions.yaml": "by: tester\nmade: 2026-11-23\npredictions: []\n"})
    os.chmod(root / "predictions.yaml", 0o640)
    ledger = Ledger.open(root)
    for i in range(5):
        add_prediction(ledger, f"Thing {i}", 0.5)
    add_forecast(ledger, "thing-0", "60%")
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".pledger" not in p.parts)
    assert names == [".pledger-id", "forecasts.yaml", "predictions.yaml"]  # the identity make_ledger gave it
    assert os.stat(root / "predictions.yaml").st_mode & 0o777 == 0o640


def test_a_failed_atomic_write_keeps_the_old_file_and_removes_the_temp(tmp_path, monkeypatch):
    path = tmp_path / "f.yaml"
    path.write_text("old\n")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(store_write.os, "replace", boom)
    with pytest.raises(LedgerError, match=r"cannot write .*f\.yaml: disk full; nothing was written"):
        write_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.yaml"]


def test_forecast_on_an_unknown_id_names_the_argument_and_writes_nothing(make_ledger):
    root = make_ledger({"predictions.yaml": "by: tester\nmade: 2026-11-23\npredictions: []\n"})
    with pytest.raises(UsageError) as info:
        add_forecast(Ledger.open(root), "nope", 0.5)
    assert info.value.argument == "ID"
    assert not (root / "forecasts.yaml").exists()


@pytest.mark.parametrize("typed", ["0", "1", "1e-5", ".25", "0.70", "0.5"])
def test_a_decimal_probability_is_written_as_typed(make_ledger, typed):
    root = make_ledger({"predictions.yaml": "by: tester\nmade: 2026-11-23\npredictions: []\n"})
    ledger = Ledger.open(root)
    add_prediction(ledger, "It rains", typed, id="rain")
    add_forecast(ledger, "rain", typed, by="ben")
    # 1e-5 is a string to YAML 1.1 readers: quoted, every reader reads the same text.
    written = f'"{typed}"' if typed == "1e-5" else typed
    assert f"    p: {written}\n" in (root / "predictions.yaml").read_text()
    assert f"    p: {written}\n" in (root / "forecasts.yaml").read_text()
    [record] = [r for r in read_file(root, "predictions.yaml").predictions]
    assert record.p == float(typed)


@pytest.mark.parametrize(
    "text",
    [
        # An alias in the last item: the node tree gives it the anchor's place.
        "set: s\nby: a\nmade: 2025-01-01\npredictions:\n  - id: b\n    p: 0.5\n    claim: &c some text\n    note: *c\ntitle: T\n",
        # The last item is itself an alias of an earlier one.
        "by: a\nmade: 2025-01-01\nnotes:\n  - &x {id: z}\npredictions:\n  - id: b\n    p: 0.5\n    claim: &c text\n  - *x\ntitle: T\n",
        # A multi-line flow item holding an alias, then a key.
        "by: a\nmade: 2025-01-01\npredictions:\n  - &f\n    id: a\n    p: 0.5\n    claim: x\n  - {id: b, p: 0.2, claim: y,\n     note: *f}\ntitle: t\n",
    ],
)
def test_an_append_goes_after_the_last_item_even_when_it_holds_an_alias(text):
    new = append_to_list(text, "predictions", "id: nn\nclaim: new\np: 0.5\n", "s.yaml")
    before = text.split("title:")[0]
    # Everything up to the end of the old list is kept, then the new item, then the rest.
    assert new == before + "  - id: nn\n    claim: new\n    p: 0.5\n" + text[len(before):]


def test_trailing_blank_lines_in_a_text_option_do_not_stop_an_add(make_ledger):
    root = make_ledger({"predictions.yaml": "by: tester\nmade: 2026-11-23\npredictions: []\n"})
    ledger = Ledger.open(root)
    add_prediction(ledger, "It rains", "0.5", id="rain", criteria="Two lines\nof criteria\n\n\n")
    add_forecast(ledger, "rain", "0.4", by="ben", note="a note\n\n")
    [record] = read_file(root, "predictions.yaml").predictions
    assert record.criteria == "Two lines\nof criteria"
    assert read_file(root, "forecasts.yaml").forecasts[0].note == "a note"
