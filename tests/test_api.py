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
    assert list(frame.columns[:5]) == ["prediction_id", "claim", "set", "author", "forecaster"]
    # One row per forecast: the same count `pledger check` reports.
    import ledger

    rows = ledger.open("predictions").forecast_rows()
    assert len(frame) == len(rows)
    scored = [r for r in rows if r["outcome"] is not None]
    by_hand = sum((r["p"] - r["outcome"]) ** 2 for r in scored) / len(scored)
    assert abs(namespace["brier"] - by_hand) < 1e-12


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
