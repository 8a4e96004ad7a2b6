"""One bad value must not make the ledger unusable (issue 13, "One bad value ...").

Each hostile case asserts the exit code, a message naming the file and line or
the argument, and a tree unchanged byte for byte. The property test at the end
feeds hostile scalars into every place a file holds a value: `read_file` never
raises, and `check` always says where the problem is.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.services.ledger import Ledger
from ledger.services.queries import check_ledger, list_states
from ledger.store.read import read_file
from support import assert_clean_error, identify, run_pledger, snapshot

HEAD = "by: ada\nmade: 2025-01-01\npredictions:\n"
GOOD = "  - id: good\n    claim: Fine\n    p: 0.5\n"
DIGITS = "1" * 5000
HUGE_ODDS = "1" + "0" * 400 + ":1"
HUGE_ONE_IN = "9" * 400 + " in " + "9" * 400


def _problems(root) -> list[str]:
    ledger = Ledger.open(root)
    try:
        return [p.render() for p in check_ledger(ledger).problems]
    finally:
        ledger.close()


@pytest.mark.parametrize("where, line, column", [("p", 6, 8), ("note", 7, 11)])
def test_a_number_of_5000_digits_is_a_problem_at_its_line_and_the_rest_still_works(cli, make_ledger, where, line, column):
    value = {"p": DIGITS, "note": DIGITS}
    item = f"  - id: a\n    claim: c\n    p: {value['p'] if where == 'p' else '0.5'}\n"
    if where == "note":
        item += f"    note: {DIGITS}\n"
    root = make_ledger({"a.yaml": HEAD + item, "b.yaml": HEAD + GOOD})
    before = snapshot(root)
    result = cli("--root", root, "check")
    assert result.code == 1, result
    assert result.out.splitlines() == [
        f"{root / 'a.yaml'}:{line}:{column}: a number written with 5,000 digits; pledger reads numbers of at most "
        "1,000 digits: shorten it, or quote it if it is text"
    ]
    listed = cli("--root", root, "list", "--json")
    assert listed.code == 0 and [p["id"] for p in json.loads(listed.out)["predictions"]] == ["good"]
    assert snapshot(root) == before


def test_a_number_of_5000_digits_in_hex_or_as_a_float_is_refused_too(make_ledger):
    root = make_ledger({"a.yaml": HEAD + f"  - id: a\n    claim: c\n    p: 0x{'f' * 3000}\n"
                                        f"  - id: b\n    claim: c\n    p: 0.{'1' * 5000}\n"})
    assert [p.split(": ")[0] for p in _problems(root)] == ["a.yaml:6:8"]  # the first stops the file
    (root / "a.yaml").write_text(HEAD + f"  - id: b\n    claim: c\n    p: 0.{'1' * 5000}\n")
    assert _problems(root) == [
        "a.yaml:6:8: a number written with 5,002 digits; pledger reads numbers of at most 1,000 digits: "
        "shorten it, or quote it if it is text"
    ]


def test_a_number_of_1000_digits_is_out_of_range_with_a_short_message(make_ledger):
    root = make_ledger({"a.yaml": HEAD + f"  - id: a\n    claim: c\n    p: {'9' * 1000}\n" + GOOD})
    (message,) = _problems(root)
    assert message.startswith("a.yaml:6:8: `p`: probability 999999999") and message.endswith("(1,000 digits) is outside 0..1")
    assert len(message) < 120


@pytest.mark.parametrize("typed", [HUGE_ODDS, HUGE_ONE_IN])
def test_huge_odds_in_a_file_are_a_problem_not_nan(make_ledger, typed):
    root = make_ledger({"a.yaml": HEAD + f"  - id: a\n    claim: c\n    p: '{typed}'\n" + GOOD})
    (message,) = _problems(root)
    assert message.startswith("a.yaml:6:8: `p`: the numbers in '")
    assert message.endswith("are too large to compute; write the probability as a decimal (0.999) or a percentage (99.9%)")
    ledger = Ledger.open(root)
    try:
        states, _, _ = list_states(ledger)  # before: IntegrityError, NOT NULL constraint failed: predictions.p
        assert [s.prediction.id for s in states] == ["good"]
    finally:
        ledger.close()


@pytest.mark.parametrize("typed", [HUGE_ODDS, HUGE_ONE_IN])
@pytest.mark.parametrize("command", [["add", "It rains"], ["forecast", "good"]])
def test_huge_odds_on_the_command_line_are_a_usage_error(cli, make_ledger, typed, command):
    root = make_ledger({"a.yaml": HEAD + GOOD})
    before = snapshot(root)
    result = cli("--root", root, *command, "-p", typed)
    assert_clean_error(result, 2, "-p: the numbers in", "are too large to compute")
    assert len(result.err.splitlines()) == 1 and len(result.err) < 250
    assert snapshot(root) == before


def test_huge_odds_in_an_import_reject_their_row(cli, make_ledger, tmp_path):
    root = make_ledger({})
    sheet = tmp_path / "odds.csv"
    sheet.write_text(f"claim,p,made\nIt rains,{HUGE_ODDS},2025-01-01\nIt snows,0.3,2025-01-01\n"
                     f"It hails,{HUGE_ONE_IN},2025-01-01\n")
    result = cli("--root", root, "import", "csv", sheet, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert [r["row"] for r in report["rejected"]] == [2, 4]
    assert all("too large to compute" in r["reason"] for r in report["rejected"])
    assert [p["p"] for p in json.loads(cli("--root", root, "list", "--json").out)["predictions"]] == [0.3]


def test_list_limit_beyond_any_ledger_is_a_usage_error(cli, make_ledger):
    root = make_ledger({"a.yaml": HEAD + GOOD})
    before = snapshot(root)
    result = cli("--root", root, "list", "--limit", "999999999999999999999999999999")
    assert_clean_error(result, 2, "--limit: 999999999999999999999999999999 is not in the range")
    assert len(result.err.splitlines()) == 1
    assert cli("--root", root, "list", "--limit", "1000000000").code == 0
    assert snapshot(root) == before


@pytest.mark.parametrize("content, message, where", [
    ("[" * 100_000, "is nested too deeply to read", ":1: the JSON is nested hundreds of levels deep"),
    ('{"predictions": [{"p": ' + DIGITS + "}]}", "holds a number too long to read",
     ":1:24: a number of 5,000 digits; at most 1,000 are read"),
])
def test_import_json_that_python_cannot_read_is_a_data_error_naming_the_file(cli, make_ledger, tmp_path, monkeypatch,
                                                                              content, message, where):
    root = make_ledger({"a.yaml": HEAD + GOOD})
    before = snapshot(root)
    (tmp_path / "hostile.json").write_text(content)
    monkeypatch.chdir(tmp_path)
    result = cli("--root", root, "import", "json", "hostile.json")
    assert_clean_error(result, 1, f"hostile.json {message}")
    # The problem names the file where it is (relative to here), not as if it were inside the ledger.
    assert result.err.splitlines()[1] == "  hostile.json" + where + ("" if "nested" not in message else "; an export needs a few")
    assert snapshot(root) == before


# -- no value in any file can stop `check` -----------------------------------------------------

HOSTILE_SCALARS = [
    DIGITS, "-" + DIGITS, "0x" + "f" * 5000, "0o" + "7" * 5000, "1" * 1000, "9" * 400 + ".5", "1e99999", "-1e-99999",
    f"'{HUGE_ODDS}'", f"'{HUGE_ONE_IN}'", "'1e400%'", "'0:0'", "'-1 in 2'", ".nan", "-.inf", ".inf", "1_000",
    "0000-00-00", "9999-99-99", "2024-02-30", "2024-01-01 25:61:61", "2024-01-01T00:00:00+99:99",
    "2024-01-01 00:00:00.1234567890123", "10000-01-01", '"\\e]52;c;aGk=\\a"', '"\\x85\\u202e\\u2066"', '"\\0"',
    '"\\ud800"', "~", "null", "yes", "on", "True", "[]", "{}", "[" * 70 + "]" * 70, "{a: {b: {c: [1, 2]}}}",
    "!!binary aGk=", "!!python/none ''", "!local x", "*undefined", "&a x", "'" + "x" * 25_000 + "'", "''", '" "',
    "|\n      two\n      lines", ">-\n      folded", "? complex\n    : key", "- in\n    - a list",
]
FIELDS = {
    "prediction": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n    {key}: {value}\n",
    "prediction-key": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n    {value}: x\n",
    "header": "set: s\n{key}: {value}\nby: ada\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: c\n    p: 0.5\n",
    "forecast": "forecasts:\n  - prediction: a\n    p: 0.5\n    by: ben\n    at: 2025-02-01\n    {key}: {value}\n",
    "outcome": "on: 2025-03-01\nby: ada\n{key}: {value}\nresults:\n  a: yes\n",
    "result": "on: 2025-03-01\nby: ada\nresults:\n  a: {value}\n",
    "evidence": "on: 2025-03-01\nby: ada\nevidence:\n  - url: https://example.org\n    {key}: {value}\nresults:\n  a: yes\n",
    "claim": "claims:\n  - id: c1\n    quote: q\n    {key}: {value}\n",
    "assessment": "assessments:\n  - claim: c1\n    verdict: supported\n    on: 2025-03-01\n    by: ada\n    {key}: {value}\n",
}
KEYS = ["id", "claim", "p", "by", "made", "due", "note", "tags", "tests", "source", "at", "on", "result", "prediction",
        "evidence", "correction", "url", "quote", "stance", "confidence", "claimant", "verdict", "title", "x"]


def test_read_file_never_raises_for_any_hostile_scalar_in_any_place(tmp_path):
    # Every scalar in every place of every kind of file, read alone (no index: fast).
    for template in FIELDS.values():
        for key in KEYS:
            for value in HOSTILE_SCALARS:
                records = read_file(tmp_path, "h.yaml", template.format(key=key, value=value).encode("utf-8"))
                assert all(p.location.line >= 1 for p in records.problems), (template, key, value)
                [p.render() for p in records.problems]


# The whole ledger (index, cross-record checks, reads) on a sample of the same space and random text.
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    field=st.sampled_from(sorted(FIELDS)),
    key=st.sampled_from(KEYS),
    value=st.one_of(st.sampled_from(HOSTILE_SCALARS), st.text(max_size=40).map(json.dumps)),
)
def test_no_value_in_any_file_stops_check(field, key, value):
    text = FIELDS[field].format(key=key, value=value)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ledger"
        root.mkdir()
        (root / "hostile.yaml").write_text(text, encoding="utf-8")
        (root / "fine.yaml").write_text(HEAD + GOOD, encoding="utf-8")
        identify(root, "ledger", key="0123456789abcdef")  # each example the same ledger, made afresh
        records = read_file(root, "hostile.yaml")  # never raises
        ledger = Ledger.open(root)
        try:
            report = check_ledger(ledger)
            states, _, _ = list_states(ledger)
        finally:
            ledger.close()
        # Every problem says where it is, in the file that holds it (or a file it refers to).
        for problem in report.problems:
            assert problem.location.path in ("hostile.yaml", "fine.yaml") and problem.location.line >= 1, problem
            problem.render()
        assert len(report.problems) >= len(records.problems)
        assert "good" in {s.prediction.id for s in states}  # the rest of the ledger still works
        shutil.rmtree(root / ".pledger", ignore_errors=True)


def test_check_exits_1_never_3_on_every_hostile_scalar_at_once(make_ledger):
    files = {f"h{i:02d}.yaml": HEAD + f"  - id: a{i}\n    claim: c\n    p: 0.5\n    note: {v}\n"
             for i, v in enumerate(HOSTILE_SCALARS)}
    root = make_ledger({**files, "fine.yaml": HEAD + GOOD})
    before = snapshot(root)
    result = run_pledger("--root", root, "check")
    assert result.code == 1 and "Traceback" not in result.err and "internal error" not in result.err, result
    lines = result.out.splitlines()
    assert lines and all(line.startswith(str(root)) and line.split(":")[1].isdigit() for line in lines), lines
    assert run_pledger("--root", root, "list").code == 0
    assert snapshot(root) == before
