"""services.select.states_of_ids: many ids read in batches come back as one query would give them."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from ledger.services.ledger import Ledger
from ledger.services.select import MAX_IDS, Selection, select_predictions, states_of_ids
from support import identify, write_files

TODAY = dt.date(2026, 1, 1)


def _set(name: str, made: str, ids: range) -> str:
    rows = "".join(f"  - {{id: {name}-{i}, claim: claim {i}, p: 0.{1 + i % 8}}}\n" for i in ids)
    return f"set: {name}\nby: Ann\nmade: {made}\npredictions:\n{rows}"


@pytest.fixture
def ledger(tmp_path):
    # Three files whose made dates are not in file order, more predictions than MAX_IDS, and an id
    # defined twice (left out of every selection).
    files = {
        "a.yaml": _set("a", "2024-05-01", range(MAX_IDS)),
        "b.yaml": _set("b", "2024-01-01", range(MAX_IDS)),
        "c.yaml": _set("c", "2024-03-01", range(MAX_IDS // 2)) + "  - {id: a-3, claim: again, p: 0.5}\n",
    }
    led = Ledger.open(identify(write_files(tmp_path / "l", files)))
    yield led
    led.close()


@pytest.mark.parametrize("count", [1, MAX_IDS, MAX_IDS + 1, 2 * MAX_IDS + 7])
def test_batches_keep_ledger_order(ledger, count):
    with ledger.reader() as db:
        everything = select_predictions(db, Selection(), TODAY)
        ids = [s.prediction.id for s in everything]
        chosen = random.Random(count).sample(ids, count) + ["a-3", "nowhere"]  # ambiguous and unknown: left out
        got = states_of_ids(db, chosen, TODAY)
    wanted = set(chosen)
    assert [s.prediction.id for s in got] == [s.prediction.id for s in everything if s.prediction.id in wanted]
    assert got == [s for s in everything if s.prediction.id in wanted]
    assert "a-3" not in {s.prediction.id for s in got} and len(got) == count - ("a-3" in chosen[:count])
