"""The Python API: docs/api.md's example runs as written, against a copy of the bundled ledger."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys

import pytest

from support import EXAMPLE_LEDGER, REPO

BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "docs" / "api.md").read_text(encoding="utf-8"), re.S)


@pytest.fixture
def in_copy(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLE_LEDGER, tmp_path / "predictions", ignore=shutil.ignore_patterns(".pledger"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_doc_has_the_core_and_the_pandas_examples():
    assert len(BLOCKS) == 2 and "ledger.open" in BLOCKS[0] and "forecasts_frame" in BLOCKS[1]


def test_the_core_example_runs(in_copy, capsys):
    exec(compile(BLOCKS[0], "docs/api.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("10 eye-test resolved yes")
    assert out[1] == "10 first -0.74"


def test_the_pandas_example_runs(in_copy, capsys):
    pytest.importorskip("pandas")
    namespace: dict = {}
    exec(compile(BLOCKS[0] + BLOCKS[1], "docs/api.md", "exec"), namespace)
    frame = namespace["frame"]
    assert list(frame.columns[:6]) == ["prediction_id", "claim", "set", "author", "forecaster", "forecaster_key"]
    # One row per forecast: the same count `pledger check` reports.
    import ledger

    book = ledger.open("predictions")
    assert len(frame) == len(book.forecast_rows())
    # The example's Brier per forecaster is the leaderboard's, as the doc says.
    board = book.score(policy="last", by_forecaster=True).leaderboard
    from ledger.names import name_key

    expected = {name_key(row.forecaster): row.brier for row in board.rows}
    assert set(namespace["brier"].index) == set(expected)
    for key, value in namespace["brier"].items():
        assert value == pytest.approx(expected[key], abs=1e-12)


# Ann publishes; Bob forecasts as "Bob", "bob" and "BOB"; Ann updates; #3 is corrected
# a week after its resolution; forecasts on #2 and #4 come after the resolution.
MIXED = {
    "s.yaml": """
        set: s
        by: Ann
        made: 2025-01-01
        predictions:
          - id: a
            claim: A happens
            p: 70%
            forecasts:
              - {by: Bob, p: 40%, at: 2025-01-02}
              - {by: " ann ", p: 80%, at: 2025-03-01}
          - id: b
            claim: B happens
            p: 0.3
            forecasts:
              - {by: bob, p: 0.2, at: 2025-01-02}
              - {by: Bob, p: 0.9, at: 2025-07-01}
          - id: c
            claim: C happens
            p: 60%
            forecasts:
              - {by: BOB, p: 0.5, at: 2025-01-03}
              - {by: Bob, p: 0.35, at: 2025-06-10}
          - id: d
            claim: D happens
            p: 0.25
            forecasts:
              - {by: Bob, p: 0.1, at: 2025-06-10}
              - {p: 0.95, at: 2025-06-20}
          - id: e
            claim: E pending
            p: 40%
            forecasts:
              - {by: Bob, p: 0.6, at: 2025-01-03}
    """,
    "outcomes/2025-06-01.yaml": """
        on: 2025-06-01
        by: Ann
        results:
          a: yes
          b: no
          c: yes
          d: no
    """,
    "outcomes/2025-06-15.yaml": """
        on: 2025-06-15
        by: Ann
        correction: true
        results:
          c: no
    """,
}


def test_forecast_rows_follow_scores_rules(make_ledger):
    import datetime as dt

    import ledger

    rows = ledger.open(make_ledger(MIXED)).forecast_rows()
    c = [r for r in rows if r["prediction_id"] == "c"]
    # The correction stands for the outcome; the resolution date is the first entry's.
    assert {r["outcome"] for r in c} == {0} and {r["resolved_on"] for r in c} == {dt.date(2025, 6, 1)}
    assert [r["after_resolution"] for r in c] == [False, False, True]  # Bob's 0.35 of 2025-06-10
    assert {r["forecaster_key"] for r in rows} == {"ann", "bob"}
    assert {r["forecaster"] for r in rows if r["forecaster_key"] == "bob"} == {"Bob", "bob", "BOB"}  # as written
    pending = [r for r in rows if r["prediction_id"] == "e"]
    assert all(r["resolved_on"] is None and r["after_resolution"] is False for r in pending)


@pytest.mark.parametrize("policy", ["first", "last", "all"])
def test_the_frame_reproduces_scores_brier_on_mixed_names_and_late_forecasts(make_ledger, policy):
    pytest.importorskip("pandas")
    import ledger
    from ledger.names import name_key

    book = ledger.open(make_ledger(MIXED))
    frame = book.forecasts_frame()
    usable = frame[frame["outcome"].notna() & ~frame["after_resolution"]]
    grouped = usable.groupby(["prediction_id", "forecaster_key"])
    chosen = {"first": grouped.head(1), "last": grouped.tail(1), "all": usable}[policy]
    squared = (chosen["p"] - chosen["outcome"].astype(float)) ** 2
    by_key = squared.groupby(chosen["forecaster_key"]).mean()
    counts = chosen.groupby("forecaster_key").size()
    # --by NAME, in any spelling: one forecaster.
    for name in ("bob", "BOB", "Ann"):
        run = book.score(policy=policy, by=name, bootstrap=0)
        assert run.n == counts[name_key(name)]
        assert run.report.brier.score == pytest.approx(by_key[name_key(name)], abs=1e-12)
    # The authors, on their own predictions.
    own = chosen[chosen["forecaster_key"] == chosen["author"].map(name_key)]
    run = book.score(policy=policy, bootstrap=0)
    assert run.n == len(own)
    assert run.report.brier.score == pytest.approx(((own["p"] - own["outcome"].astype(float)) ** 2).mean(), abs=1e-12)
    # The leaderboard: one row per forecaster, whatever the spelling.
    if policy != "all":
        board = book.score(policy=policy, by_forecaster=True).leaderboard
        assert {name_key(r.forecaster): r.brier for r in board.rows} == pytest.approx(by_key.to_dict(), abs=1e-12)


def test_forecast_rows_carry_the_current_outcome(in_copy):
    import ledger

    rows = ledger.open("predictions").forecast_rows(set="anthropic-sae-2024")
    assert len(rows) == 10 and all(r["initial"] for r in rows)
    assert [r["outcome"] for r in rows[:4]] == [1, 1, 1, 0]  # "Anthropic did 1-3 but not 4-10"
    annulled = ledger.open("predictions").forecast_rows(status="annulled")
    assert annulled and all(r["outcome"] is None and r["result"] == "annulled" for r in annulled)


def test_without_pandas_the_frame_says_how_to_install_it(in_copy, monkeypatch):
    import ledger

    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'prediction-ledger\[pandas\]'"):
        ledger.open("predictions").forecasts_frame()


def test_bad_filters_are_named(in_copy):
    import ledger

    book = ledger.open("predictions")
    with pytest.raises(TypeError, match="unknown filter 'colour'"):
        book.predictions(colour="red")
    with pytest.raises(ValueError, match="status must be one of"):
        book.predictions(status="later")
    with pytest.raises(ValueError, match="since='May' is not a date"):
        book.predictions(since="May")


def test_import_ledger_stays_light():
    code = "import sys, ledger; heavy = [m for m in ('sqlalchemy', 'numpy', 'pandas', 'yaml', 'pydantic') if m in sys.modules]; print(heavy)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
    assert importlib.util.find_spec("ledger.api") is not None
