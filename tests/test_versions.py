"""store.versions: reading successive versions of a file item by item gives exactly the records
a whole read gives, whatever the edits; and store.history's reading of git's formats."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ledger.seal import leaves_of
from ledger.store.history import blob_id, parse_log
from ledger.store.read import read_file
from ledger.store.versions import VersionReader


def whole(text: str) -> list[bytes]:
    return sorted(leaf.hash for leaf in leaves_of(read_file(Path("."), "x.yaml", text.encode("utf-8"))))


def _edit(rng: random.Random, items: list[str], step: int, sp: str, key: str) -> None:
    """One random edit of the list's items, the kinds people (and attackers) make."""
    op = rng.random()
    if key == "forecasts":
        new = f"{sp}- prediction: p{rng.randint(0, 9)}\n{sp}  p: {rng.randint(1, 99)}%\n{sp}  by: ben\n{sp}  at: 2024-02-{rng.randint(10, 28)}\n"
    else:
        new = f"{sp}- id: p{step}\n{sp}  claim: claim {step} é 日本\n{sp}  p: {rng.randint(1, 99)}%\n"
    if op < 0.45 or not items:
        items.insert(rng.randint(0, len(items)), new)
    elif op < 0.55:
        k = rng.randrange(len(items))
        items[k] = items[k].replace("p: ", "p: 1", 1)
    elif op < 0.62:
        del items[rng.randrange(len(items))]
    elif op < 0.68 and key == "predictions":
        k = rng.randrange(len(items))
        items[k] += f"{sp}  forecasts:\n{sp}    - {{p: 10%, at: 2024-02-01}}\n"
    elif op < 0.74:  # a quoted text whose second line looks like a new item
        k = rng.randrange(len(items))
        items[k] += f'{sp}  note: "a quoted\n{sp}- id: fake"\n'
    elif op < 0.80:  # a flow item running over two lines
        items[rng.randrange(len(items))] = f"{sp}- {{id: f{step}, claim: 'flow\n{sp}- x', p: 1 in 3, prediction: p1, by: b, at: 2024-03-01}}\n"
    elif op < 0.85:
        items[rng.randrange(len(items))] = f"{sp}- id: [not, a, slug]\n"  # an item with a problem
    elif op < 0.90:
        items[rng.randrange(len(items))] += "# a comment\n\n"
    elif op < 0.95:  # an anchor and an alias across items
        items[rng.randrange(len(items))] = f"{sp}- &shared {{id: a{step}, claim: anchored, p: 50%}}\n"
    else:
        items.append(f"{sp}- *shared\n")


@pytest.mark.parametrize("seed", range(16))
def test_item_by_item_reads_give_what_a_whole_read_gives(seed):
    rng = random.Random(seed)
    key = "forecasts" if seed % 4 == 3 else "predictions"
    sp = " " * rng.choice([0, 2, 4])
    head = "set: s\nby: ada\nmade: 2024-01-01\n" if key == "predictions" else ""
    tail = rng.choice(["", "title: T\n", "# end\n", "due: 2030-01-01\n"]) if key == "predictions" else ""
    items: list[str] = []
    reader, prev = VersionReader(), None
    for step in range(70):
        _edit(rng, items, step, sp, key)
        if rng.random() < 0.05 and key == "predictions":
            head = head.replace("ada", "bob") if "ada" in head else head.replace("bob", "ada")
        if not items:
            continue
        text = head + f"{key}:\n" + "".join(items) + tail
        if rng.random() < 0.08:
            text = text.replace("\n", "\r\n")
        blob = f"blob{step}"
        change = reader.read("x.yaml", prev, blob, text.encode("utf-8"))
        expected = whole(text)
        assert sorted(leaf.hash for leaf in reader.leaves_of(blob)) == expected, (seed, step, text)
        assert {leaf.hash for leaf in change.added} <= set(expected)
        prev = blob
    assert reader.item_reads > 0  # the short way was taken, and checked against the long one each time


def test_a_file_grown_one_item_at_a_time_is_read_one_item_at_a_time():
    reader, prev, text = VersionReader(), None, "set: s\nby: ada\nmade: 2024-01-01\npredictions:\n"
    for i in range(200):
        text += f"  - id: p{i}\n    claim: Claim {i}\n    p: 50%\n"
        change = reader.read("x.yaml", prev, f"b{i}", text.encode())
        assert [leaf.prediction for leaf in change.added] == [f"p{i}"]
        assert change.removed == ([] if i else None)  # nothing lost; the first version has no parent
        prev = f"b{i}"
    assert reader.full_reads == 1 and reader.item_reads == 199


def test_a_changed_header_rereads_the_whole_file():
    reader = VersionReader()
    text = "set: s\nby: ada\nmade: 2024-01-01\npredictions:\n  - {id: a, claim: A, p: 50%}\n  - {id: b, claim: B, p: 50%}\n"
    reader.read("x.yaml", None, "b1", text.encode())
    change = reader.read("x.yaml", "b1", "b2", text.replace("by: ada", "by: bob").encode())
    assert reader.full_reads == 2
    assert {leaf.prediction for leaf in change.added} == {"a", "b"} and len(change.removed) == 2


def test_parse_log_reads_plain_and_merge_entries():
    z = "0" * 40
    out = (
        b"\x01" + b"a" * 40 + b"\0\0" + b"1714651200 +0200\0" + b"1714651300 -0500\0Ada\0Ada\0"
        + b"\n:000000 100644 " + z.encode() + b" " + b"1" * 40 + b" A\0predictions/s.yaml\0"
        + b":100644 000000 " + b"2" * 40 + b" " + z.encode() + b" D\0old \xc3\xa9.yaml\0"
        + b"\x01" + b"c" * 40 + b"\0" + b"a" * 40 + b" " + b"b" * 40 + b"\0" + b"1714651400 +0000\0"
        + b"1714651400 +0000\0Ben\0Ben\0\0"
        + b"::100644 100644 100644 " + b"3" * 40 + b" " + b"4" * 40 + b" " + b"5" * 40 + b" MM\0predictions/s.yaml\0"
        + b"\x01" + b"d" * 40 + b"\0" + b"c" * 40 + b"\0" + b"1714651500 +0000\0" + b"1714651500 +0000\0C\0C\0\0"
    )
    first, merge, empty = parse_log(out)
    assert first.parents == () and first.author_tz == "+0200" and first.committer_tz == "-0500"
    assert first.committer_time == 1714651300 and first.author == "Ada"
    assert [(c.path, c.old, c.new) for c in first.changes] == [
        ("predictions/s.yaml", None, "1" * 40), ("old é.yaml", "2" * 40, None)]
    assert merge.parents == ("a" * 40, "b" * 40)
    assert [(c.path, c.old, c.new) for c in merge.changes] == [("predictions/s.yaml", "3" * 40, "5" * 40)]
    assert empty.changes == []
    only = parse_log(out, lambda path: path.startswith("predictions/"))
    assert [c.path for c in only[0].changes] == ["predictions/s.yaml"]


def test_blob_id_is_gits():
    # `printf 'hello\n' | git hash-object --stdin`, and the same with --object-format=sha256.
    assert blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
    assert blob_id(b"hello\n", "sha256") == "2cf8d83d9ee29543b34a87727421fdecb7e3f3a183d337639025de576db9ebb4"
