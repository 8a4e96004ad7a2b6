"""Round trips: records written by the services read back the same, from the file and from the index."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import yamlio
from ledger.services.add import add_forecast, add_prediction
from ledger.services.ledger import Ledger
from ledger.services.resolve import resolve
from ledger.services.select import Selection, prediction_history, select_predictions
from ledger.store.read import read_file
from ledger.store.write import append_to_list
from support import EXAMPLE_LEDGER

D = dt.date

AWKWARD_CLAIMS = [
    "yes", "no", "null", "~", "true", "3:1", "1e3", "0o17", "2024-05-05", "- starts with a dash", "# not a comment",
    "key: value", "ends with a colon:", "'single' quotes", '"double" quotes', "`backticks`", "@at", "%percent",
    "{braces}", "[brackets]", "a | pipe", "> folded", "unicode: café ✓ 日本語", "two\nlines", "tab\there", "!tag",
    "*alias", "&anchor", "trailing space ", "x" * 300,
]


def test_records_written_by_the_services_read_back_the_same(make_ledger):
    root = make_ledger({})
    ledger = Ledger.open(root)
    a = add_prediction(ledger, "First thing", "70%", set_id="s", by="ada", made=D(2025, 1, 6), about="Things",
                       due=D(2025, 6, 1), tags=["t1", "t2"], source="https://example.org", criteria="Judged by ada")
    b = add_prediction(ledger, "Second thing", "3:1", set_id="s", by="ben", made=D(2025, 1, 7))
    c = add_prediction(ledger, "Loose one", 0.05, by="ada", made=D(2025, 2, 1))
    add_forecast(ledger, a.id, "1 in 4", by="ada", at=D(2025, 3, 1), note="update")
    add_forecast(ledger, a.id, 0.9, by="chen", at=D(2025, 3, 2))
    first = resolve(ledger, [a.id, b.id], "yes", on=D(2025, 6, 2), by="ada", evidence_url="https://e.org", quote="q", note="n")
    fix = resolve(ledger, [b.id], "no", on=D(2025, 6, 3), by="ben", correct=True)
    resolve(ledger, [c.id], "annulled", on=D(2025, 6, 2), by="ada")

    files = {
        rel: read_file(root, rel)
        for rel in ("s.yaml", "predictions.yaml", "forecasts.yaml", first.path, fix.path, "outcomes/2025-06-02-loose-one.yaml")
    }
    assert all(f.problems == [] for f in files.values())
    from_files = [p for f in files.values() for p in f.predictions]
    with ledger.connect() as conn:
        states = select_predictions(conn, Selection(), D(2026, 11, 23))
        histories = {s.prediction.id: prediction_history(conn, s.prediction.id, D(2026, 11, 23)) for s in states}
    # The index holds exactly what the files hold, positions included.
    assert sorted(from_files, key=lambda p: p.id) == sorted((s.prediction for s in states), key=lambda p: p.id)
    assert sorted(
        (f for fr in files.values() for f in fr.forecasts), key=lambda f: (f.prediction_id, f.at, f.by)
    ) == sorted((f for h in histories.values() for f in h.forecasts), key=lambda f: (f.prediction_id, f.at, f.by))
    assert sorted(
        (o for fr in files.values() for o in fr.outcomes), key=lambda o: (o.prediction_id, o.on)
    ) == sorted((o for h in histories.values() for o in h.outcomes), key=lambda o: (o.prediction_id, o.on))

    # And what they hold is what was asked for.
    pa = next(p for p in from_files if p.id == a.id)
    assert (pa.claim, pa.p, pa.p_typed, pa.by, pa.made, pa.set_id, pa.about, pa.due, pa.tags, pa.source, pa.criteria) == (
        "First thing", 0.7, "70%", "ada", D(2025, 1, 6), "s", "Things", D(2025, 6, 1), ("t1", "t2"),
        "https://example.org", "Judged by ada",
    )
    assert [(f.by, f.p, f.p_typed, f.at, f.note) for f in histories[a.id].forecasts] == [
        ("ada", 0.7, "70%", D(2025, 1, 6), None), ("ada", 0.25, "1 in 4", D(2025, 3, 1), "update"),
        ("chen", 0.9, "0.9", D(2025, 3, 2), None),
    ]
    by_id = {s.prediction.id: s for s in states}
    assert (by_id[a.id].outcome.result, by_id[b.id].outcome.result, by_id[c.id].status) == ("yes", "no", "annulled")
    assert by_id[b.id].outcome.correction and by_id[b.id].outcome.by == "ben"
    assert by_id[a.id].latest_p == 0.25  # ada's own update, not chen's


@pytest.mark.parametrize("claim", AWKWARD_CLAIMS)
def test_awkward_text_reads_back_as_typed(make_ledger, claim):
    root = make_ledger({})
    added = add_prediction(Ledger.open(root), claim, 0.5, id="x", about=claim, criteria=claim)
    [p] = read_file(root, added.path).predictions
    assert (p.claim, p.about, p.criteria) == (claim.strip(), claim, claim)


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(str.strip))
def test_any_text_survives_dump_and_read(text):
    item = {"id": "x", "claim": text, "p": 0.5, "note": text}
    new = append_to_list("by: a\nmade: 2025-01-01\npredictions:\n", "predictions", yamlio.dump(item), "p.yaml")
    from pathlib import Path

    rec = read_file(Path("."), "p.yaml", new.encode("utf-8"))
    assert rec.problems == []
    [p] = rec.predictions
    assert (p.claim, p.note) == (text, text)


SEED_P = [0.99, 0.95, 0.8, 0.2, 0.2, 0.25, 0.05, 0.15, 0.1, 0.05]  # the post, in order
SEED_HAPPENED = [True, True, True, False, False, False, False, False, False, False]  # "did 1-3 but not 4-10"


def test_the_seed_post_scores_minus_0_74(cli, tmp_path):
    root = tmp_path / "predictions"
    shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
    expected = sum((1 - p) if hit else -p for p, hit in zip(SEED_P, SEED_HAPPENED))
    assert expected == pytest.approx(-0.74)  # 0.01 + 0.05 + 0.20 - 1.00

    data = json.loads(cli("--root", root, "list", "--set", "anthropic-sae-2024", "--json").out)
    assert [p["p"] for p in data["predictions"]] == SEED_P
    assert [p["outcome"]["result"] == "yes" for p in data["predictions"]] == SEED_HAPPENED
    assert sum(p["points"] for p in data["predictions"]) == pytest.approx(expected)

    table = cli("--root", root, "list", "--set", "anthropic-sae-2024").out
    assert table.rstrip().endswith(f"(1-p if it happened, -p if not): {expected:+.2f}")
    assert f"{expected:+.2f}" == "-0.74"
