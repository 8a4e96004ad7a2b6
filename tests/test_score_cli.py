"""`pledger score` through ledger.cli.main: output, --json, filters and usage errors."""

from __future__ import annotations

import json

import pytest

from ledger.services.ledger import Ledger
from ledger.services.scores import score
from ledger.services.select import Selection
from support import REPO, identify, write_files

TINY = {
    "t.yaml": """\
set: t
title: Tiny
by: Ann
made: 2025-01-01
tags: [x]
predictions:
  - id: a
    claim: A happens
    p: 0.6
    forecasts:
      - {p: 0.8, at: 2025-02-01}
      - {by: Bob, p: 0.3, at: 2025-01-02}
  - id: b
    claim: B happens
    p: 0.2
    tags: [y]
    forecasts:
      - {by: Bob, p: 0.5, at: 2025-01-02}
  - id: c
    claim: C happens
    p: 0.7
  - id: d
    claim: D happens
    p: 0.4
""",
    "outcomes/2025-03-01.yaml": """\
on: 2025-03-01
by: Ann
results:
  a: yes
  b: no
  c: annulled
""",
}


@pytest.fixture
def run(cli):
    """The conftest `cli` fixture, returning (code, out, err)."""

    def call(*args):
        result = cli(*args)
        return result.code, result.out, result.err

    return call


@pytest.fixture
def tiny(tmp_path):
    return identify(write_files(tmp_path / "tiny", TINY))


def test_seed_post_gap_is_minus_074(run, bundled):
    code, out, err = run("--root", bundled, "score", "--set", "anthropic-sae-2024")
    assert code == 0, err
    assert "total -0.74" in out
    assert "10 resolved" in out and "0 annulled" in out and "0 pending" in out
    assert "within what chance alone would give" in out
    assert "Not a proper score" in out and "never ranks forecasters" in out
    assert "Brier (0-1)" in out and "n=10" in out and "90% interval" in out
    assert "Calibration (n=10)" in out and "Folded calibration" in out
    assert "Rules: policy first" in out and "log clipped to [0.001, 0.999]: 0 clipped" in out
    assert "bins distinct" in out


def test_seed_post_json(run, bundled):
    code, out, _ = run("--root", bundled, "score", "--set", "anthropic-sae-2024", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["report"]["gap"]["total"] == pytest.approx(-0.74, abs=1e-12)
    assert data["counts"]["forecasts"] == 10


def test_json_keys_and_values_equal_the_library(run, tiny):
    code, out, _ = run("--root", tiny, "score", "--policy", "last", "--brier", "0-2", "--bins", "0,0.5,1",
                       "--bootstrap", "200", "--seed", "7", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"selection", "policy", "scored", "counts", "rules", "report", "leaderboard"}
    assert data["counts"] == {"predictions": 4, "resolved": 2, "annulled": 1, "pending": 1, "without_forecast": 0, "after_resolution": 0,
                              "forecasts": 2}
    for key in ("policy", "policy_rule", "scored", "scored_rule", "outcome_rule", "brier_scale", "brier", "eps", "clipped",
                "bins", "folded_bins", "edge_rule", "folded_edge_rule", "fold", "wilson_level", "log", "gap", "bootstrap",
                "bootstrap_resamples", "seed"):
        assert key in data["rules"], key
    for key in ("n", "rules", "gap", "brier", "log", "spherical", "calibration", "folded_calibration", "decomposition",
                "bootstrap"):
        assert key in data["report"], key
    ledger = Ledger.open(tiny)
    try:
        lib = score(ledger, Selection(), "last", brier_scale="0-2", bins=[0.0, 0.5, 1.0], bootstrap=200, seed=7)
    finally:
        ledger.close()
    assert data == json.loads(json.dumps(lib.to_dict()))
    assert data["report"]["brier"]["score"] == pytest.approx(2 * ((1 - 0.8) ** 2 + 0.2 ** 2) / 2)


def test_by_name(run, tiny):
    code, out, _ = run("--root", tiny, "score", "--by", "Bob", "--json")
    data = json.loads(out)
    assert code == 0 and data["scored"] == {"who": "forecaster", "name": "Bob"}
    assert data["counts"]["forecasts"] == 2
    assert data["report"]["gap"]["total"] == pytest.approx((1 - 0.3) + (0 - 0.5))
    code, out, _ = run("--root", tiny, "score", "--by", "Bob")
    assert code == 0 and "by Bob" in out


def test_by_forecaster_leaderboard(run, tiny):
    code, out, err = run("--root", tiny, "score", "--by-forecaster")
    assert code == 0, err
    assert "Leaderboard: 2 forecasters" in out and "n with peers" in out
    code, out, _ = run("--root", tiny, "score", "--by-forecaster", "--json")
    rows = {r["forecaster"]: r for r in json.loads(out)["leaderboard"]["rows"]}
    assert {k: r["n"] for k, r in rows.items()} == {"Ann": 2, "Bob": 2}
    assert json.loads(out)["report"] is None


def test_filters_like_list(run, tiny):
    code, out, _ = run("--root", tiny, "score", "--tag", "y", "--json")
    assert code == 0 and json.loads(out)["counts"]["predictions"] == 1
    code, out, _ = run("--root", tiny, "score", "--since", "2025-02-01", "--json")
    assert json.loads(out)["counts"]["predictions"] == 0


def test_nothing_to_score_exits_0(run, tiny):
    code, out, _ = run("--root", tiny, "score", "--set", "nope")
    assert code == 0 and "Nothing to score" in out


@pytest.mark.parametrize(
    "args, argument",
    [
        (["--policy", "bogus"], "--policy"),
        (["--bins", "0.5,0.2"], "--bins"),
        (["--bins", "0.2,0.5,1"], "--bins"),
        (["--bins", "many"], "--bins"),
        (["--brier", "0-100"], "--brier"),
        (["--eps", "0.7"], "--eps"),
        (["--bootstrap", "-1"], "--bootstrap"),
        (["--by-forecaster", "--policy", "all"], "--policy"),
    ],
)
def test_usage_errors_exit_2(run, tiny, args, argument):
    code, out, err = run("--root", tiny, "score", *args)
    assert code == 2
    assert argument in err and out == ""


@pytest.mark.parametrize(
    "args, argument, fragment",
    [
        (["--bins", "1001"], "--bins", "at most 1,000 bins"),
        (["--bins", ",".join(str(i / 2000) for i in range(2001))], "--bins", "at most 1,000 bins"),
        (["--bootstrap", "100001"], "--bootstrap", "at most 100,000 resamples"),
    ],
)
@pytest.mark.parametrize("command", ["score", "scorecard"])
def test_extreme_bins_and_bootstrap_are_usage_errors(run, tiny, command, args, argument, fragment):
    # Before: --bins 100000 ran for minutes printing empty bins.
    code, out, err = run("--root", tiny, command, *args)
    assert code == 2, err
    assert err.startswith(f"pledger: error: {argument}: ") and fragment in err and out == ""


def test_huge_bins_and_bootstrap_are_refused_before_any_work():
    # Before: `--bins 1000000000` and `--bootstrap 99999999999` ended in MemoryError (exit 3).
    # Checked on the option parsers, so that a regression fails here instead of exhausting memory.
    from ledger.cli.score_options import check_options, parse_bins
    from ledger.errors import UsageError

    with pytest.raises(UsageError, match="--bins: at most 1,000 bins, not 1,000,000,000"):
        parse_bins("1000000000")
    with pytest.raises(UsageError, match="--bootstrap: at most 100,000 resamples, not 99,999,999,999"):
        check_options("first", "0-1", None, 99999999999)


def test_the_limits_themselves_are_accepted(run, tiny):
    code, out, err = run("--root", tiny, "score", "--bins", "1000", "--bootstrap", "100000", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert len(data["report"]["calibration"]["bins"]) == 1000 and data["rules"]["bootstrap_resamples"] == 100000


def test_terminal_calibration_table_leaves_out_empty_bins(run, bundled):
    code, out, err = run("--root", bundled, "score", "--bins", "1000")
    assert code == 0, err
    lines = out.splitlines()
    rows = [line for line in lines if line.startswith("│ ") and " │ " in line]
    assert rows and all(line.split("│")[2].strip() != "0" for line in rows)  # no row with n = 0
    assert "990 empty bins not shown (--json lists every bin)" in out
    assert "993 empty bins not shown (--json lists every bin)" in out  # the folded table
    assert len(lines) < 100
    # Bins with forecasts keep their rows; a strategy without empty bins says nothing.
    assert "[0.2, 0.201)" in out
    assert "empty bin" not in run("--root", bundled, "score", "--bins", "distinct")[1]


def test_cli_import_stays_light():
    import subprocess
    import sys

    code = "import sys, ledger.cli; bad = {'numpy', 'sqlalchemy', 'sqlmodel', 'ledger.scoring'} & set(sys.modules); print(sorted(bad))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _leaf_names(value, out=None):
    out = set() if out is None else out
    if isinstance(value, dict):
        for key, inner in value.items():
            out.add(key)
            _leaf_names(inner, out)
    elif isinstance(value, list):
        for inner in value:
            _leaf_names(inner, out)
    return out


def test_every_json_key_is_documented(run, bundled):
    doc = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    section = doc[doc.index("## pledger score"):]
    section = section[: section.find("\n## ", 5)] if "\n## " in section[5:] else section
    names = set()
    for args in (["--set", "reading-group-2025"], ["--by-forecaster"]):
        code, out, _ = run("--root", bundled, "score", *args, "--json")
        assert code == 0
        names |= _leaf_names(json.loads(out))
    import re

    # Each key appears in backticks, alone or as part of a dotted path (`gap.total`, `.reliability`).
    missing = sorted(name for name in names if not re.search(r"[`.]" + re.escape(name) + r"[`.,\[ ]", section))
    assert missing == []
    assert re.search(r"[`.]no_such_key[`.,\[ ]", section) is None


def _documented_rules():
    """The keys of docs/cli.md's `rules` table, and those it says are null for a leaderboard."""
    import re

    doc = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    section = doc[doc.index("`rules` (every key"):]
    section = section[: section.index("\n\n", section.index("| key |"))]
    keys, null_for_board = [], set()
    for line in section.splitlines():
        if line.startswith("| `"):
            cell, meaning = line.split(" | ")[0], line.split(" | ")[1]
            names = re.findall(r"`([a-z_]+)`", cell)
            keys += names
            if "null` for a leaderboard" in meaning or "and for a leaderboard" in meaning:
                null_for_board |= set(names)
    return keys, null_for_board


def test_rules_carry_every_key_docs_cli_md_documents(run, bundled):
    keys, null_for_board = _documented_rules()
    assert {"folded_bins", "folded_edge_rule", "fold", "wilson_level", "log", "gap", "leaderboard_sort"} <= set(keys)
    assert {"bins", "folded_bins", "edge_rule", "folded_edge_rule", "fold", "wilson_level", "gap"} <= null_for_board
    for args in (["--set", "reading-group-2025"], ["--by-forecaster"], ["--by-forecaster", "--policy", "last"]):
        code, out, _ = run("--root", bundled, "score", *args, "--json")
        assert code == 0
        rules = json.loads(out)["rules"]
        assert sorted(rules) == sorted(keys), args  # every documented key, and no other
        if "--by-forecaster" in args:
            assert {k: rules[k] for k in null_for_board} == dict.fromkeys(null_for_board)
            assert rules["log"] and rules["leaderboard_sort"]
        else:
            assert all(rules[k] is not None for k in ("folded_bins", "fold", "wilson_level", "log", "gap"))
            assert rules["leaderboard_sort"] is None
