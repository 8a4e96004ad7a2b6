"""The fast append (store.appended, index.refresh.record_write): add and forecast read back
only the new item and update the index from it, keeping every guarantee of a write."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest

from ledger import yamlio
from ledger.errors import LedgerError
from ledger.vocabulary import FORECASTS_KEY, PREDICTIONS_KEY
from ledger.services import writing
from ledger.services.add import add_forecast, add_prediction
from ledger.services.ledger import Ledger
from ledger.store import appended as appended_mod
from ledger.store.appended import read_appended
from ledger.store.read import read_file
from ledger.store.write import insert_items
from support import HAND_EDITED, snapshot


PROBLEM_ELSEWHERE = "by: tester\nmade: 2026-11-23\npredictions:\n  - id: a\n    claim: c\n    p: 2\n  - id: b\n    claim: d\n    p: 0.5\n"

# Shapes of a list's end that the fast path must read exactly as a full read does (or decline).
SHAPES = {
    "hand-edited": HAND_EDITED,
    "problem-elsewhere": PROBLEM_ELSEWHERE,
    "no-final-newline": "by: a\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: c\n    p: 0.5",
    "crlf": "by: a\r\nmade: 2025-01-01\r\npredictions:\r\n  - id: a\r\n    claim: c\r\n    p: 0.5\r\nabout: x\r\n",
    "indentless": "by: a\nmade: 2025-01-01\npredictions:\n- id: a\n  claim: c\n  p: 0.5\n# end\nset: s1\n",
    "four-spaces": "by: a\nmade: 2025-01-01\npredictions:\n    -   id: a\n        claim: c\n        p: 0.5\n",
    "keep-block-scalar": "by: a\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: c\n    p: 0.5\n    note: |+\n      kept\n\n\n",
    "keep-block-scalar-then-key": "by: a\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: c\n    p: 0.5\n    note: |+\n      kept\n\n\nset: s2\n",
    "inline-forecasts-last": (
        "by: a\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: c\n    p: 0.5\n    forecasts:\n"
        "      - {p: 10%, at: 2025-02-01}\n      - p: 20%\n        at: 2025-03-01\n\n# trailing\n"
    ),
    "anchor-alias": "by: &who a\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: c\n    p: 0.5\n    note: *who\n",
    "tail-with-problem": "by: a\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: c\n    p: 0.5\nbogus: 1\n",
    "plain-multiline-last": "by: a\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: c\n    p: 0.5\n    note: one\n      two\n",
    "comment-indented-like-item": "by: a\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: c\n    p: 0.5\n    # inside?\n  # or after?\n",
    "document-end": "by: a\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: c\n    p: 0.5\n...\n",
}

FORECAST_SHAPES = {
    "plain": "forecasts:\n  - prediction: a\n    p: 0.5\n    by: x\n    at: 2025-01-02\n",
    "comments": "# mine\nforecasts:\n  - prediction: a\n    p: 0.5\n    by: x\n    at: 2025-01-02\n# the end\n",
    "extra-key-after": "forecasts:\n  - prediction: a\n    p: 0.5\n    by: x\n    at: 2025-01-02\nnote: stray\n",
}

NEW_PREDICTION = "id: new-one\nclaim: |-\n  A claim\n  on two lines\np: 0.4\nforecasts:\n- {p: 30%, at: 2027-06-01}\n"
NEW_FORECAST = "prediction: a\np: 60%\nby: y\nat: 2025-02-03\nnote: 'why: this'\n"


def _shifted(records, tail_line: int, shift: int):
    def move(loc):
        return loc._replace(line=loc.line + shift) if loc.line >= tail_line else loc

    out = []
    for field in ("sets", "predictions", "forecasts", "outcomes", "sources", "claims", "assessments"):
        for r in getattr(records, field):
            if hasattr(r, "_replace"):
                out.append((field, r._replace(location=move(r.location))))
            else:  # PredictionSet: a frozen dataclass
                import dataclasses

                out.append((field, dataclasses.replace(r, location=move(r.location))))
    problems = [("problems", (move(p.location), p.message, p.code)) for p in records.problems]
    return out, problems, list(records.rejected)


def _flat(records):
    return _shifted(records, 10**9, 0)


@pytest.mark.parametrize("key,shapes,item", [
    (PREDICTIONS_KEY, SHAPES, NEW_PREDICTION),
    (FORECASTS_KEY, FORECAST_SHAPES, NEW_FORECAST),
])
def test_the_fast_read_of_an_append_equals_a_full_read_of_the_new_text(tmp_path, key, shapes, item):
    taken = []
    for name, old in shapes.items():
        doc = yamlio.parse(old)
        ins = insert_items(old, key, [item], "f.yaml", doc)
        got = read_appended("f.yaml", old, doc, key, ins)
        if got is None:
            continue
        taken.append(name)
        before = read_file(tmp_path, "f.yaml", old.encode("utf-8"))
        after = read_file(tmp_path, "f.yaml", ins.text.encode("utf-8"))
        records, problems, rejected = _shifted(before, got.tail_line, got.shift)
        new_records, new_problems, new_rejected = _flat(got.records)
        assert new_problems == [] and new_rejected == [], name
        expected = _flat(after)
        # Same records, field by field; within each kind the new item comes after the old ones.
        for field in ("sets", "predictions", "forecasts"):
            want = [r for f, r in expected[0] if f == field]
            have = [r for f, r in records if f == field] + [r for f, r in new_records if f == field]
            assert have == want, (name, field)
        assert problems == expected[1], name
        assert rejected == expected[2], name
    # The common shapes do take the fast path (the odd ones may decline; then the full read runs).
    assert {"hand-edited", "problem-elsewhere", "plain", "comments"} & set(taken) == (
        {"hand-edited", "problem-elsewhere"} if key == PREDICTIONS_KEY else {"plain", "comments"}
    )


def _index_dump(root):
    con = sqlite3.connect(root / ".pledger" / "index.sqlite")
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        out = {}
        for t in tables:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({t})") if r[1] != "rowid"]
            if t == "files":
                cols = [c for c in cols if c != "mtime_ns"]  # a rebuild takes the same mtime; kept out to be safe
            names = ", ".join('"%s"' % c for c in cols)
            # meta's stamp (index.server.stamp) says when, not what: left out.
            where = " WHERE key NOT IN ('commit', 'dirty', 'refreshed_at')" if t == "meta" else ""
            out[t] = sorted(map(repr, con.execute(f'SELECT {names} FROM "{t}"{where}')))
        return out
    finally:
        con.close()


def _rebuilt(root, tmp_path):
    copy = tmp_path / "rebuilt"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".pledger"))
    return copy


@pytest.fixture
def spy(monkeypatch):
    """Counts full read-backs (check_text) and fast ones (read_appended that answered)."""
    calls = {"full": 0, "fast": 0}
    real_check, real_fast = writing.check_text, appended_mod.read_appended

    def check_text(*a, **k):
        calls["full"] += 1
        return real_check(*a, **k)

    def read_appended_(*a, **k):
        got = real_fast(*a, **k)
        calls["fast"] += got is not None
        return got

    monkeypatch.setattr(writing, "check_text", check_text)
    monkeypatch.setattr(appended_mod, "read_appended", read_appended_)
    return calls


@pytest.mark.parametrize("name", ["hand-edited", "problem-elsewhere", "crlf", "indentless", "keep-block-scalar-then-key",
                                  "tail-with-problem", "inline-forecasts-last", "no-final-newline"])
@pytest.mark.own_index  # compares the SQLite index files
def test_the_index_after_an_add_equals_a_rebuild(make_ledger, cli, tmp_path, spy, name):
    text = SHAPES[name]
    set_id = yamlio.parse(text).data.get("set")
    rel = f"{set_id}.yaml" if set_id else "predictions.yaml"
    other = "by: z\nmade: 2025-01-01\npredictions:\n  - id: zz\n    claim: c\n    p: 0.1\n"
    root = make_ledger({rel: text, "other.yaml": other, "forecasts.yaml": FORECAST_SHAPES["extra-key-after"]})
    assert cli("--root", root, "list").code in (0, 1)  # builds the index
    add = ["add", "Appended claim", "-p", "40%", "--id", "appended", "--made", "2025-02-01", "--by", "ada", "--tag", "t"]
    assert cli("--root", root, *add, *(["--set", set_id] if set_id else [])).code == 0
    assert cli("--root", root, "forecast", "zz", "-p", "0.2", "--at", "2025-03-01").code == 0
    assert cli("--root", root, "resolve", "zz", "yes", "--on", "2025-04-01").code == 0
    # The add and the forecast read back only their new item; a header with a problem (an
    # unknown key after the list) leaves what the items inherit unknown, so that add reads all.
    assert spy["fast"] == (1 if name == "tail-with-problem" else 2), spy
    assert Ledger.open(root).refresh().read == 0  # the writes left the index current: nothing to re-read
    after = _index_dump(root)
    listed = cli("--root", root, "list", "--json")
    checked = cli("--root", root, "check")
    copy = _rebuilt(root, tmp_path)
    assert cli("--root", copy, "list", "--json").out == listed.out
    again = cli("--root", copy, "check")
    assert (again.code, again.out.replace(str(copy), str(root))) == (checked.code, checked.out)
    assert _index_dump(copy) == after


def test_an_append_to_a_file_with_a_problem_elsewhere_takes_the_fast_path_and_keeps_the_problem(make_ledger, cli, spy):
    root = make_ledger({"predictions.yaml": PROBLEM_ELSEWHERE})
    ledger = Ledger.open(root)
    add_prediction(ledger, "C", 0.5, id="c")
    ledger.close()
    assert spy == {"full": 0, "fast": 1}
    assert (root / "predictions.yaml").read_text() == PROBLEM_ELSEWHERE + "  - id: c\n    claim: C\n    p: 0.5\n"
    checked = cli("--root", root, "check")
    assert checked.code == 1 and "predictions.yaml:6" in checked.out


@pytest.mark.own_index  # compares the SQLite index files
def test_a_bad_new_item_writes_nothing_and_leaves_the_index_alone(make_ledger, spy):
    root = make_ledger({"predictions.yaml": PROBLEM_ELSEWHERE})
    ledger = Ledger.open(root)
    ledger.refresh()
    before, index_before = snapshot(root), _index_dump(root)
    with pytest.raises(LedgerError) as info:
        add_prediction(ledger, "x" * 20_001, 0.5, id="long")  # over the 20,000-character limit
    ledger.close()
    assert "nothing was written" in info.value.message
    assert spy == {"full": 1, "fast": 0}  # the fast path declined; the full read-back refused it
    assert snapshot(root) == before
    assert _index_dump(root) == index_before


def test_comments_and_formatting_survive_the_fast_path_byte_for_byte(make_ledger, spy):
    root = make_ledger({"mine.yaml": HAND_EDITED})
    ledger = Ledger.open(root)
    add_prediction(ledger, "The fourth thing happens", "0.4", set_id="mine", by="ada", made=dt.date(2025, 1, 6))
    add_prediction(ledger, "The fifth", "3:1", set_id="mine", by="bob", made=dt.date(2025, 1, 7), tags=["x"])
    ledger.close()
    assert spy == {"full": 0, "fast": 2}
    cut = HAND_EDITED.index("# a comment after the list")
    block = (
        "  - id: the-fourth-thing-happens\n    claim: The fourth thing happens\n    p: 0.4\n"
        "  - id: the-fifth\n    claim: The fifth\n    p: \"3:1\"\n    by: bob\n    made: 2025-01-07\n    tags: [x]\n"
    )
    assert (root / "mine.yaml").read_text(encoding="utf-8") == HAND_EDITED[:cut] + block + HAND_EDITED[cut:]


def test_a_file_edited_by_hand_after_the_refresh_is_read_again_by_the_next_command(make_ledger, cli, monkeypatch):
    """The index is updated in place only when it held the old text: otherwise the next refresh reads the file."""
    root = make_ledger({"predictions.yaml": PROBLEM_ELSEWHERE})
    assert cli("--root", root, "list").code in (0, 1)
    ledger = Ledger.open(root)
    real_refresh = Ledger.refresh

    def refresh_then_edit(self):
        stats = real_refresh(self)
        path = root / "predictions.yaml"
        path.write_text(path.read_text() + "  - id: by-hand\n    claim: h\n    p: 0.1\n")
        return stats

    monkeypatch.setattr(Ledger, "refresh", refresh_then_edit)
    add_prediction(ledger, "C", 0.5, id="c")
    monkeypatch.setattr(Ledger, "refresh", real_refresh)
    ledger.close()
    listed = cli("--root", root, "list", "--json")
    assert '"by-hand"' in listed.out and '"c"' in listed.out


@pytest.mark.parametrize(
    "text",
    [
        # `? claim` with no value: the null (and its problem) is placed at the next token,
        # past the insertion point, so the old row cannot simply be shifted.
        "set: s\nby: a\nmade: 2025-01-01\npredictions:\n  - id: a\n    p: 0.5\n    ? claim\ntitle: x\n",
        "set: s\nby: a\nmade: 2025-01-01\npredictions:\n  - id: a\n    p: 0.5\n    ? claim\n\n# c\ntitle: x\n",
        "set: s\nby: a\nmade: 2025-01-01\npredictions:\n  - id: a\n    p: 0.5\n    ? claim\n",
    ],
)
@pytest.mark.own_index  # compares the SQLite index files
def test_a_problem_in_the_old_last_item_is_placed_as_a_rebuild_places_it(make_ledger, cli, tmp_path, spy, text):
    root = make_ledger({"s.yaml": text})
    assert cli("--root", root, "check").code == 1
    add = ["add", "New claim", "-p", "0.5", "--set", "s", "--id", "newid", "--made", "2025-02-01"]
    assert cli("--root", root, *add).code == 0
    assert spy["fast"] == 0  # the old last item has a problem: the whole file is read back
    checked = cli("--root", root, "check")
    copy = _rebuilt(root, tmp_path)
    again = cli("--root", copy, "check")
    assert again.out.replace(str(copy), str(root)) == checked.out
    assert _index_dump(copy) == _index_dump(root)


@pytest.mark.parametrize("assessments", [
    None,  # the first assessment makes the file
    "assessments:\n  - claim: c1\n    verdict: open\n    \"on\": 2025-01-02\n    by: ada\n",
    "# kept\nassessments:\n- claim: c1\n  verdict: supported\n  \"on\": 2025-01-02\n  by: ada\n  note: |\n    two\n    lines\n",
])
@pytest.mark.own_index  # compares the SQLite index files
def test_the_index_after_a_claim_assessment_equals_a_rebuild(make_ledger, cli, tmp_path, assessments):
    files = {"claims.yaml": "claims:\n  - id: c1\n    quote: q\n    source: https://example.org/s\n"}
    if assessments is not None:
        files["assessments.yaml"] = assessments
    root = make_ledger(files)
    assert cli("--root", root, "check").code == 0
    for verdict in ("contested", "refuted"):
        r = cli("--root", root, "claim", "assess", "c1", verdict, "--on", "2025-03-01", "--by", "ben", "--note", "n")
        assert r.code == 0, r.err
    # The old text is parsed once (its document serves the insertion and the check); the new one is read back
    # whole (store.appended reads predictions and forecasts lists alone).
    assert Ledger.open(root).refresh().read == 0
    after = _index_dump(root)
    copy = _rebuilt(root, tmp_path)
    assert cli("--root", copy, "check").code == 0
    assert _index_dump(copy) == after
    if assessments is not None:
        assert (root / "assessments.yaml").read_text(encoding="utf-8").startswith(assessments)  # byte for byte
