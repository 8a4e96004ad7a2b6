"""One test per class of bad input: the exact `path:line:col`, and a message that says what to do.

Positions are 1-based and were worked out by hand from the file texts below.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import ledger.yamlio
from ledger.services.ledger import Ledger
from ledger.services.queries import check_ledger, list_states
from ledger.services.resolve import resolve
from support import CliResult, assert_clean_error, run_pledger, snapshot

HEAD = "by: ada\nmade: 2025-01-01\npredictions:\n"


def problems(root) -> list[str]:
    """Every problem `pledger check` would report, rendered with ledger-relative paths."""
    ledger = Ledger.open(root)
    try:
        return [p.render() for p in check_ledger(ledger).problems]
    finally:
        ledger.close()


def test_malformed_yaml(make_ledger):
    root = make_ledger({"a.yaml": HEAD + '  - id: a\n    claim: "never closed\n    p: 0.5\n'})
    # The quote opens on line 5, column 12; the scanner only notices at the end of the file (line 7).
    assert problems(root) == [
        "a.yaml:7:1: malformed YAML: while scanning a quoted scalar (started at line 5, column 12) "
        "found unexpected end of stream; close the quote or bracket where it started"
    ]


def test_malformed_yaml_hints(make_ledger):
    root = make_ledger({
        "a.yaml": "by: x\n  made: 2025-01-01\n",
        "b.yaml": "predictions:\n\t- id: a\n",
        "c.yaml": "by: x\npredictions:\n  - id: a\n   claim: one space short\n",
    })
    a, b, c = problems(root)
    # libyaml ends this one "in this context", PyYAML's Python parser "here".
    assert a.startswith("a.yaml:2:7: malformed YAML: mapping values are not allowed ")
    assert a.endswith("; quote text that holds ': ' (claim: \"a: b\") or fix the indentation")
    assert b.startswith("b.yaml:2:1: malformed YAML: while scanning for the next token found character ")
    assert b.endswith("; indent with spaces, not tabs")
    assert c.startswith("c.yaml:4:4: malformed YAML: while parsing a block collection (started at line 3, column 3) ")
    assert c.endswith("; check the indentation, quotes and brackets on this line and the one before")


def test_unknown_key(make_ledger):
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n    probability: 0.5\n"})
    assert problems(root) == [
        "a.yaml:7:5: unknown key 'probability' in a prediction; the keys allowed here are: "
        "id, claim, p, by, made, due, about, criteria, tags, source, tests, note, forecasts, options, ordered, quantiles, unit, closes, ref"
    ]


def test_unknown_key_in_a_header_and_in_nested_evidence(make_ledger):
    root = make_ledger({
        "o.yaml": "on: 2025-02-01\nby: ada\nwhen: today\nevidence:\n  - url: https://example.org\n    link: x\nresults:\n  a: yes\n"
    })
    assert problems(root) == [
        "o.yaml:3:1: unknown key 'when' in an outcome entry; the keys allowed here are: on, by, evidence, note, correction",
        "o.yaml:6:5: unknown key 'link' in an outcome entry; the keys allowed here are: url, quote, archived, title, stance",
    ]


def test_wrong_types(make_ledger):
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: [x, y]\n    p: 0.5\n    due: soon\n    tags: {a: 1}\n"})
    assert problems(root) == [
        "a.yaml:5:12: `claim` should be text, got a list",
        "a.yaml:7:10: `due`: 'soon' is not a date; write it as YYYY-MM-DD",
        "a.yaml:8:11: `tags` should be a list, got a mapping",
    ]


def test_an_impossible_date_rejects_its_record_not_the_file(make_ledger):
    root = make_ledger({
        "a.yaml": HEAD + "  - id: a\n    claim: x\n    p: 0.5\n    due: 2025-02-30\n"
        "  - id: b\n    claim: y\n    p: 170%\n  - id: c\n    claim: z\n    p: 0.5\n",
        "outcomes/o.yaml": "on: 2025-03-01\nby: ada\nresults:\n  c: yes\n",
    })
    # Both bad records are reported (not just the date), and the good one still loads and resolves.
    assert problems(root) == [
        "a.yaml:7:10: `due`: '2025-02-30' is not a date; write it as YYYY-MM-DD",
        "a.yaml:10:8: `p`: probability 170% is above 100%",
    ]
    ledger = Ledger.open(root)
    try:
        states, _, _ = list_states(ledger)
        assert [(s.prediction.id, s.status) for s in states] == [("c", "resolved")]
    finally:
        ledger.close()


def test_probability_out_of_range(make_ledger):
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: c\n    p: 1.5\n  - id: b\n    claim: c\n    p: 120%\n"})
    assert problems(root) == [
        "a.yaml:6:8: `p`: probability 1.5 is outside 0..1 (did you mean 1.5%?)",
        "a.yaml:9:8: `p`: probability 120% is above 100%",
    ]


def test_probability_nan(make_ledger):
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: c\n    p: .nan\n"})
    assert problems(root) == ["a.yaml:6:8: `p`: probability is NaN (not a number); give a number between 0 and 1"]


def test_duplicate_ids_across_files(make_ledger):
    root = make_ledger({
        "one.yaml": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n",
        "two.yaml": HEAD + "  - id: b\n    claim: c\n    p: 0.5\n  - id: a\n    claim: d\n    p: 0.6\n",
    })
    assert problems(root) == [
        "two.yaml:7:5: prediction id 'a' is already used at one.yaml:4; ids must be unique in the ledger, rename one"
    ]


def test_a_duplicate_id_is_reported_once_and_nothing_is_derived_from_the_pair(make_ledger):
    # Each 'a' has its forecast and outcome dated after it was made; matched with
    # the other 'a' they would look early, and two outcomes would look like a re-resolution.
    root = make_ledger({
        "one.yaml": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n",
        "two.yaml": "by: ada\nmade: 2025-06-01\npredictions:\n  - id: a\n    claim: d\n    p: 0.6\n",
        "forecasts.yaml": "forecasts:\n  - prediction: a\n    p: 0.4\n    by: ben\n    at: 2025-02-01\n",
        "outcomes/1.yaml": "on: 2025-03-01\nby: ada\nresults:\n  a: yes\n",
        "outcomes/2.yaml": "on: 2025-07-01\nby: ada\nresults:\n  a: no\n",
    })
    assert problems(root) == [
        "two.yaml:4:5: prediction id 'a' is already used at one.yaml:4; ids must be unique in the ledger, rename one"
    ]


def test_forecast_for_an_unknown_id(make_ledger):
    root = make_ledger({
        "one.yaml": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n",
        "forecasts.yaml": "forecasts:\n  - prediction: a\n    p: 0.4\n    by: ben\n    at: 2025-02-01\n"
                          "  - prediction: zz\n    p: 0.5\n    by: ben\n    at: 2025-02-01\n",
    })
    assert problems(root) == [
        "forecasts.yaml:6:5: forecast for unknown prediction 'zz'; check the id (`pledger list` shows them)"
    ]


def test_outcome_for_an_unknown_id(make_ledger):
    root = make_ledger({
        "one.yaml": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n",
        "outcomes/x.yaml": "on: 2025-03-01\nby: ada\nresults:\n  a: yes\n  nope: no\n",
    })
    assert problems(root) == [
        "outcomes/x.yaml:5:3: outcome for unknown prediction 'nope'; check the id (`pledger list` shows them)"
    ]


def test_references_to_a_rejected_prediction_are_not_also_unknown(make_ledger):
    # Each prediction is left out for a problem of its own; its forecasts and
    # outcomes must not add a misleading "unknown prediction" on top.
    root = make_ledger({
        "one.yaml": HEAD + "  - id: a\n    claim: c\n    p: 1.5\n  - id: b\n    claim: c\n    p: 0.5\n    probabilty: 0.4\n",
        "two.yaml": "made: soon\npredictions:\n  - id: c\n    claim: c\n    p: 0.5\n",
        "three.yaml": "predictions:\n  - id: d\n    claim: c\n    p: 0.5\n",
        "forecasts.yaml": "forecasts:\n" + "".join(
            f"  - prediction: {pid}\n    p: 0.4\n    by: ben\n    at: 2025-02-01\n" for pid in ("a", "b", "zz")
        ),
        "outcomes/x.yaml": "on: 2025-03-01\nby: ada\nresults:\n  a: yes\n  b: no\n  c: no\n  d: no\n  nope: no\n",
    })
    assert problems(root) == [
        "forecasts.yaml:10:5: forecast for unknown prediction 'zz'; check the id (`pledger list` shows them)",
        "one.yaml:6:8: `p`: probability 1.5 is outside 0..1 (did you mean 1.5%?)",
        "one.yaml:10:5: unknown key 'probabilty' in a prediction; the keys allowed here are: "
        "id, claim, p, by, made, due, about, criteria, tags, source, tests, note, forecasts, options, ordered, quantiles, unit, closes, ref",
        "outcomes/x.yaml:8:3: outcome for unknown prediction 'nope'; check the id (`pledger list` shows them)",
        "three.yaml:2:5: prediction 'd' has no `by:` and `made:`; add it to the prediction or to the file's header",
        "two.yaml:1:7: `made`: 'soon' is not a date; write it as YYYY-MM-DD",
    ]
    # The index forgets a rejected id with its file: then the references are unknown.
    (root / "one.yaml").unlink()
    assert sum("unknown prediction 'a'" in p for p in problems(root)) == 2


def test_a_file_left_out_as_a_whole_still_names_the_records_it_holds(make_ledger):
    # A key twice fails the whole file (its values cannot be built): its records are left out for that
    # problem, so an outcome of one is not also "unknown", and a command naming one points at the file.
    root = make_ledger({
        "g.yaml": HEAD + "  - id: g0\n    claim: fine\n    p: 0.3\n  - id: g1\n    claim: twice\n    p: 0.4\n    p: 0.5\n",
        "outcomes/x.yaml": "on: 2025-03-01\nby: ada\nresults:\n  g1: yes\n  nope: no\n",
    })
    assert problems(root) == [
        "g.yaml:10:5: the key 'p' appears twice in this mapping; keep one",
        "outcomes/x.yaml:5:3: outcome for unknown prediction 'nope'; check the id (`pledger list` shows them)",
    ]
    for args in (["forecast", "g1", "-p", "0.4", "--by", "ben"], ["resolve", "g0", "no"], ["show", "g1"]):
        r = run_pledger("--root", root, *args)
        assert_clean_error(r, 1, "prediction 'g", "is left out because its record has a problem; fix it:",
                           "g.yaml:10:5: the key 'p' appears twice")
    r = run_pledger("--root", root, "forecast", "zz", "-p", "0.4", "--by", "ben")
    assert_clean_error(r, 2, "no prediction with id 'zz'")


def test_a_file_that_is_not_yaml_at_all_still_names_the_ids_written_in_it(make_ledger):
    # A syntax error (an unquoted ': ' in a claim) leaves no tree of nodes: the ids are read from the lines
    # under `predictions:`, so the file's one problem is not buried under "unknown prediction" lines.
    root = make_ledger({
        "g.yaml": HEAD + "  - id: g0\n    claim: fine\n    p: 0.3\n  - {id: 'g1', claim: inline, p: 0.4}\n"
                  "  - id: g2\n    claim: Oops: a colon\n    p: 0.5\n",
        "outcomes/x.yaml": "on: 2025-03-01\nby: ada\nresults:\n  g0: yes\n  g1: no\n  g2: no\n  nope: no\n",
    })
    assert problems(root) == [
        "g.yaml:9:16: malformed YAML: mapping values are not allowed in this context; quote text that holds ': ' "
        "(claim: \"a: b\") or fix the indentation",
        "outcomes/x.yaml:7:3: outcome for unknown prediction 'nope'; check the id (`pledger list` shows them)",
    ]
    r = run_pledger("--root", root, "resolve", "g1", "no")
    assert_clean_error(r, 1, "prediction 'g1' is left out because its record has a problem; fix it:", "g.yaml:9:16")


def test_an_id_that_looks_like_a_path(make_ledger):
    root = make_ledger({
        "a.yaml": HEAD + "  - id: ../etc/passwd\n    claim: c\n    p: 0.5\n",
        "outcomes/x.yaml": "on: 2025-03-01\nby: ada\nresults:\n  sub/dir: yes\n",
    })
    slug = "ids are slugs: lowercase letters, digits, '.', '_' and '-'"
    assert problems(root) == [
        f"a.yaml:4:9: id '../etc/passwd' looks like a path; {slug}",
        f"outcomes/x.yaml:4:3: id 'sub/dir' looks like a path; {slug}",
    ]


def test_unsafe_yaml_tag_is_refused_and_never_run(make_ledger, tmp_path):
    marker = tmp_path / "pwned"
    root = make_ledger({
        "a.yaml": HEAD + f'  - id: a\n    claim: !!python/object/apply:os.system ["touch {marker}"]\n    p: 0.5\n'
    })
    assert problems(root) == [
        "a.yaml:5:12: unsafe or unknown YAML tag !!python/object/apply:os.system: only plain YAML is read; remove the tag"
    ]
    assert not marker.exists()


def test_oversized_document(make_ledger, monkeypatch):
    monkeypatch.setattr(ledger.yamlio, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    big = HEAD + "".join(f"  - id: p{i}\n    claim: {'x' * 60}\n    p: 0.5\n" for i in range(30_000))
    assert len(big) > 2 * 1024 * 1024
    root = make_ledger({"big.yaml": big, "small.yaml": HEAD + "  - id: ok\n    claim: c\n    p: 0.5\n"})
    assert problems(root) == ["big.yaml:1:1: file is larger than 2 MiB; split it"]


def test_the_size_limit_counts_bytes_not_characters(make_ledger, monkeypatch):
    monkeypatch.setattr(ledger.yamlio, "MAX_FILE_BYTES", 1024 * 1024)
    # 600,000 characters, 1.2 MB of UTF-8: under the limit in characters, over it in bytes.
    wide = HEAD + "  - id: a\n    claim: c\n    p: 0.5\n" + ("# " + "é" * 999 + "\n") * 600
    assert len(wide) < 1024 * 1024 < len(wide.encode("utf-8"))
    root = make_ledger({"wide.yaml": wide})
    assert problems(root) == ["wide.yaml:1:1: file is larger than 1 MiB; split it"]
    with pytest.raises(ledger.yamlio.YamlProblemError, match="larger than 1 MiB"):
        ledger.yamlio.parse(wide)
    ledger.yamlio.parse(wide[: len(wide) // 2])  # 0.6 MB: fine


def test_an_oversized_file_is_refused_by_its_size_before_it_is_decoded(make_ledger, monkeypatch):
    from ledger.store.read import read_file

    monkeypatch.setattr(ledger.yamlio, "MAX_FILE_BYTES", 1024 * 1024)
    root = make_ledger({"big.yaml": b"\xff" * (1024 * 1024 + 1)})  # not UTF-8 either: size comes first
    for data in (None, (root / "big.yaml").read_bytes()):
        rendered = [p.render() for p in read_file(root, "big.yaml", data).problems]
        assert rendered == ["big.yaml:1:1: file is larger than 1 MiB; split it"]


DEEP = "x: " + "[" * 5000 + "]" * 5000 + "\n"


def test_deeply_nested_document(make_ledger):
    root = make_ledger({"deep.yaml": DEEP, "deep-block.yaml": "predictions:\n" + "- " * 3000 + "x\n"})
    # The first mapping is level 1; the 64th `[` (column 3 + 64) opens level 65.
    # In the block file `predictions:` is level 1; the 64th `- ` (column 2*63 + 1) opens level 65.
    assert problems(root) == [
        "deep-block.yaml:2:127: the document is nested more than 64 levels deep; flatten it",
        "deep.yaml:1:67: the document is nested more than 64 levels deep; flatten it",
    ]


def test_deeply_nested_document_does_not_crash_the_process(make_ledger):
    root = make_ledger({"deep.yaml": DEEP, "deeper.yaml": "a: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n"})
    result = run_pledger("--root", root, "check", cwd=root)
    assert result.code == 1, result  # a signal would give a negative code
    assert "Traceback" not in result.err
    # deeper.yaml: the k-th `{` is at column 4 + 4(k - 1); k = 64 opens level 65.
    assert result.out.splitlines() == [
        "deep.yaml:1:67: the document is nested more than 64 levels deep; flatten it",
        "deeper.yaml:1:256: the document is nested more than 64 levels deep; flatten it",
    ]
    assert result.err == "2 problems in 2 files, 0 predictions, 0 forecasts, 0 outcome entries\n"


def test_missing_root(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./predictions here
    assert_clean_error(cli("list"), 1, "no ledger here", "--root DIR", "pledger init")
    assert cli("list").err.count("\n") == 1


def test_nonexistent_root(cli, tmp_path):
    result = cli("--root", tmp_path / "nope", "list")
    assert_clean_error(result, 1, f"ledger root '{tmp_path / 'nope'}' does not exist", "pledger init")
    assert result.err.count("\n") == 1
    assert not (tmp_path / "nope").exists()


def test_empty_root(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("--root", "", "list")
    assert_clean_error(result, 1, "--root")
    assert result.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # the current folder was not taken for a ledger


def test_root_that_is_a_file(cli, tmp_path):
    (tmp_path / "f").write_text("x")
    result = cli("--root", tmp_path / "f", "list")
    assert_clean_error(result, 1, "is not a directory")


def test_non_utf8_bytes(make_ledger):
    root = make_ledger({"a.yaml": (HEAD + "  - id: a\n    claim: caf\xe9\n    p: 0.5\n").encode("latin-1")})
    # 'caf' ends at column 14 on line 5; the Latin-1 é is column 15.
    assert problems(root) == ["a.yaml:5:15: the file is not UTF-8 text; save it as UTF-8"]


def test_repeated_key(make_ledger):
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n    claim: again\n"})
    assert problems(root) == ["a.yaml:7:5: the key 'claim' appears twice in this mapping; keep one"]


def test_resolving_twice_without_correction(make_ledger):
    root = make_ledger({
        "one.yaml": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n",
        "outcomes/1.yaml": "on: 2025-03-01\nby: ada\nresults:\n  a: yes\n",
        "outcomes/2.yaml": "on: 2025-03-02\nby: ada\nresults:\n  a: no\n",
    })
    assert problems(root) == [
        "outcomes/2.yaml:4:3: 'a' is already resolved at outcomes/1.yaml:4; to change the result add "
        "`correction: true` to this entry (or use `pledger resolve --correct`)"
    ]
    (root / "outcomes/2.yaml").write_text("on: 2025-03-02\nby: ada\ncorrection: true\nresults:\n  a: no\n")
    assert problems(root) == []


def test_paths_inside_messages_take_the_form_of_the_prefix(cli, make_ledger, monkeypatch):
    root = make_ledger({
        "one.yaml": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n  - id: c\n    claim: c\n    p: 0.5\n",
        "outcomes/1.yaml": "on: 2025-03-01\nby: ada\nresults:\n  a: yes\n",
        "outcomes/2.yaml": "on: 2025-03-02\nby: ada\nresults:\n  a: no\n",
        "outcomes/dup.yaml": HEAD + "  - id: c\n    claim: again\n    p: 0.5\n",
    })
    monkeypatch.chdir(root / "outcomes")  # one.yaml is outside: shown in full, as a prefix would be
    result = cli("--root", root, "check")
    assert result.out.splitlines() == [
        "2.yaml:4:3: 'a' is already resolved at 1.yaml:4; to change the result add `correction: true` "
        "to this entry (or use `pledger resolve --correct`)",
        f"dup.yaml:4:5: prediction id 'c' is already used at {root / 'one.yaml'}:7; ids must be unique "
        "in the ledger, rename one",
    ]
    messages = [p["message"] for p in json.loads(cli("--root", root, "check", "--json").out)["problems"]]
    assert [m.split(";")[0] for m in messages] == [
        "'a' is already resolved at outcomes/1.yaml:4", "prediction id 'c' is already used at one.yaml:7"
    ]


def test_resolving_twice_through_the_library_is_refused_and_writes_nothing(make_ledger):
    from ledger.errors import UsageError

    root = make_ledger({"one.yaml": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n"})
    ledger = Ledger.open(root)
    first = resolve(ledger, ["a"], "yes", on=__import__("datetime").date(2025, 3, 1))
    before = snapshot(root)
    with pytest.raises(UsageError) as info:
        resolve(ledger, ["a"], "no")
    assert info.value.argument == "--correct"
    assert f"'a' is already resolved (yes, on 2025-03-01, at {first.path}:4)" in info.value.message
    assert snapshot(root) == before


@pytest.mark.parametrize(
    "env, code, fragments",
    [
        ({"PLEDGER_TODAY": "garbage"}, 2, ["PLEDGER_TODAY='garbage' is not a date"]),
        ({"PLEDGER_DATABASE_URL": "bogus://x"}, 2, ["PLEDGER_DATABASE_URL='bogus://x' is not a usable SQLAlchemy URL"]),
        ({"PLEDGER_DATABASE_URL": "notaurl"}, 2, ["PLEDGER_DATABASE_URL='notaurl' is not a usable SQLAlchemy URL"]),
        ({"PLEDGER_DATABASE_URL": "sqlite:////nonexistent-dir/x/index.db"}, 1, ["cannot open PLEDGER_DATABASE_URL="]),
    ],
)
def test_bad_environment_values_are_errors_not_bugs(make_ledger, monkeypatch, env, code, fragments):
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: x\n    p: 0.5\n    due: 2025-02-01\n"})
    before = snapshot(root)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for command in (["due"], ["list"]):
        result = run_pledger("--root", root, *command)
        assert_clean_error(result, code, *fragments)
    assert snapshot(root) == before


def test_a_missing_database_driver_names_it(make_ledger, monkeypatch):
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: x\n    p: 0.5\n"})
    monkeypatch.setenv("PLEDGER_DATABASE_URL", "postgresql://u@127.0.0.1:1/db")
    # psycopg is a test dependency: a process where importing it fails, as where it is not installed.
    without = "import sys; sys.modules['psycopg'] = None; from ledger.cli import main; sys.exit(main())"
    for args in (["list"], ["--read-only", "list"], ["check"]):
        proc = subprocess.run([sys.executable, "-c", without, "--root", str(root), *args], capture_output=True,
                              text=True, env=dict(os.environ, COLUMNS="200"))
        result = CliResult(proc.returncode, proc.stdout, proc.stderr)
        assert_clean_error(result, 2, "pip install \"prediction-ledger[postgres]\"")


def test_a_source_with_a_script_or_file_scheme_is_refused(make_ledger):
    root = make_ledger({
        "a.yaml": "by: ada\nmade: 2025-01-01\nsource: ' JavaScript:alert(1)'\npredictions:\n"
        "  - id: a\n    claim: x\n    p: 0.5\n    source: data:text/html,hi\n"
        "  - id: b\n    claim: y\n    p: 0.5\n    source: arXiv:2401.00001\n",
    })
    assert problems(root) == [
        "a.yaml:3:9: `source`: ' JavaScript:alert(1)' is a javascript: link, which a published page must never carry; "
        "give a web address (http:// or https://) or say where in words",
        "a.yaml:8:13: `source`: 'data:text/html,hi' is a data: link, which a published page must never carry; "
        "give a web address (http:// or https://) or say where in words",
    ]
    (root / "a.yaml").write_text((root / "a.yaml").read_text().replace("source: ' JavaScript:alert(1)'\n", ""))
    # Free text that merely has a colon (an arXiv id) is a fine source.
    assert problems(root) == [
        "a.yaml:7:13: `source`: 'data:text/html,hi' is a data: link, which a published page must never carry; "
        "give a web address (http:// or https://) or say where in words",
    ]


def test_due_before_made_is_reported(make_ledger):
    root = make_ledger({
        "a.yaml": "by: ada\nmade: 2025-01-01\ndue: 2024-06-01\npredictions:\n"
        "  - id: a\n    claim: x\n    p: 0.5\n  - id: b\n    claim: y\n    p: 0.5\n    due: 2025-06-01\n",
    })
    # `a` takes the header's due date, which is before the header's made date; `b` gives its own.
    assert problems(root) == ["a.yaml:5:5: 'a' is due 2024-06-01, before it was made (2025-01-01); check both dates"]


def test_a_bad_header_does_not_hide_the_problems_of_its_items(make_ledger):
    root = make_ledger({
        "a.yaml": "set: s\ntitel: x\nby: ada\nmade: 2025-01-01\npredictions:\n"
        "  - id: a\n    claim: c\n    p: 0.5\n    tgas: [x]\n  - id: b\n    claim: d\n    p: 2\n",
    })
    assert [line.split(":", 3)[:3] for line in problems(root)] == [["a.yaml", "2", "1"], ["a.yaml", "9", "5"], ["a.yaml", "12", "8"]]


def test_a_correction_needs_a_resolution_before_it(make_ledger, cli):
    root = make_ledger({
        "a.yaml": HEAD + "  - id: early\n    claim: x\n    p: 0.2\n  - id: lone\n    claim: y\n    p: 0.2\n",
        "outcomes/a.yaml": "on: 2025-02-01\nby: ada\nresults:\n  early: no\n",
        "outcomes/hand.yaml": "on: 2025-01-15\nby: ada\ncorrection: true\nresults:\n  early: yes\n  lone: yes\n",
    })
    assert problems(root) == [
        "outcomes/hand.yaml:5:3: 'early' has `correction: true` on 2025-01-15, but no earlier entry resolves it; "
        "remove `correction: true`, or date it on or after the resolution it corrects",
        "outcomes/hand.yaml:6:3: 'lone' has `correction: true` on 2025-01-15, but no earlier entry resolves it; "
        "remove `correction: true`, or date it on or after the resolution it corrects",
    ]
    # Reads leave the bad corrections out: `early` stands as resolved no (on 02-01), `lone` is unresolved.
    listed = {p["id"]: p for p in json.loads(cli("--root", root, "list", "--json").out)["predictions"]}
    assert (listed["early"]["outcome"]["result"], listed["early"]["outcome"]["on"]) == ("no", "2025-02-01")
    assert listed["lone"]["outcome"] is None
    scored = json.loads(cli("--root", root, "score", "--json").out)["report"]
    assert scored["n"] == 1 and scored["gap"]["total"] == pytest.approx(-0.2)


def test_a_merge_key_is_explained(make_ledger):
    root = make_ledger({
        "a.yaml": HEAD + "  - &base\n    id: a\n    claim: x\n    p: 0.5\n  - <<: *base\n    id: b\n",
    })
    found = problems(root)
    assert "a.yaml:8:5: merge keys (`<<: *name`) are not read; write the keys out (an alias of a whole value, `claim: *name`, works)" in found


def test_link_schemes_ignore_case(make_ledger):
    root = make_ledger({
        "a.yaml": HEAD + "  - id: a\n    claim: x\n    p: 0.5\n",
        "outcomes/o.yaml": "on: 2025-02-01\nby: ada\nevidence:\n  - url: HTTPS://Example.org/A\nresults:\n  a: yes\n",
    })
    assert problems(root) == []


def test_an_unquoted_date_where_text_or_a_probability_belongs(make_ledger):
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: 2025-03-01\n    p: 2025-03-01\n"})
    assert problems(root) == [
        "a.yaml:5:12: `claim` should be text, got the date 2025-03-01 (put it in quotes if you meant text)",
        "a.yaml:6:8: `p`: a probability is needed, got the date 2025-03-01; "
        "write it as 0.7, 70%, 3:1 (odds for:against) or 1 in 20",
    ]


WRITES = [
    ["add", "It rains", "-p", "0.5"],
    ["forecast", "a", "-p", "0.4"],
    ["resolve", "a", "yes"],
    ["claim", "assess", "c1", "supported"],
]
CLAIMS = "claims:\n  - id: c1\n    quote: q\n    source: {url: 'https://example.org/a'}\n"


@pytest.mark.parametrize("value, fragment", [
    ("   ", "PLEDGER_BY='   ' is blank"),
    ("", None),  # empty is unset: the user name
    ("a\nb", "PLEDGER_BY='a\\nb' holds a line break"),
    ("a\tb", "holds the control character '\\t'"),
])
@pytest.mark.parametrize("command", WRITES)
def test_pledger_by_must_be_one_non_empty_line(cli, make_ledger, monkeypatch, command, value, fragment):
    # Before: "   " was a data error (the new record would make the file invalid, exit 1),
    # and "a\nb" was written as a block-scalar name.
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: x\n    p: 0.5\n", "claims.yaml": CLAIMS})
    before = snapshot(root)
    monkeypatch.setenv("PLEDGER_BY", value)
    result = cli("--root", root, *command)
    if fragment is None:
        assert result.code == 0, result.err
        return
    assert_clean_error(result, 2, fragment, "PLEDGER_BY")
    assert snapshot(root) == before


@pytest.mark.parametrize("value, fragment", [
    ("   ", "--by '   ' is blank"), ("", "--by '' is blank"), ("a\nb", "--by 'a\\nb' holds a line break"),
    ("x\x00", "holds the control character"), ("a\u2028b", "holds a line break"),
])
@pytest.mark.parametrize("command", WRITES)
def test_by_must_be_one_non_empty_line(cli, make_ledger, command, value, fragment):
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: x\n    p: 0.5\n", "claims.yaml": CLAIMS})
    before = snapshot(root)
    assert_clean_error(cli("--root", root, *command, "--by", value), 2, fragment)
    assert snapshot(root) == before


def test_names_are_trimmed_when_written(cli, make_ledger, monkeypatch):
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: x\n    p: 0.5\n"})
    monkeypatch.setenv("PLEDGER_BY", "  Ann ")
    assert cli("--root", root, "forecast", "a", "-p", "0.4").code == 0
    assert cli("--root", root, "forecast", "a", "-p", "0.3", "--by", " Bo ").code == 0
    text = (root / "forecasts.yaml").read_text()
    assert "by: Ann\n" in text and "by: Bo\n" in text


def test_import_checks_its_by_too(cli, make_ledger, tmp_path):
    root = make_ledger({})
    source = tmp_path / "x.csv"
    source.write_text("claim,p\nIt rains,0.5\n")
    assert_clean_error(cli("--root", root, "import", "csv", source, "--by", "a\nb"), 2, "--by", "line break")


# -- arguments that are not UTF-8 ---------------------------------------------------------------------------

def _raw_run(args: list[bytes], cwd, env_extra: dict[bytes, bytes] | None = None) -> CliResult:
    # Arguments as the shell hands them over: bytes, some not UTF-8 ($'\xff').
    env = {os.fsencode(k): os.fsencode(v) for k, v in os.environ.items() if k != "PLEDGER_DATABASE_URL"}
    env.update({b"PLEDGER_BY": b"ana", **(env_extra or {})})
    proc = subprocess.run([os.fsencode(sys.executable), b"-m", b"ledger", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=60)
    return CliResult(proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"))


@pytest.mark.parametrize("args, named", [
    ([b"list", b"--about", b"\xff"], "--about: '\\xff'"),
    ([b"list", b"--about=\xff"], "--about: '\\xff'"),
    ([b"show", b"\xff"], "argument 4: '\\xff'"),
    ([b"add", b"caf\xe9", b"-p", b"0.5"], "argument 4: 'caf\\xe9'"),
    ([b"scorecard", b"-o", b"\xff.md"], "-o: '\\xff.md'"),
])
def test_an_argument_that_is_not_utf8_is_a_usage_error_naming_it(make_ledger, args, named):
    root = make_ledger({"s.yaml": "by: ana\nmade: 2026-01-01\npredictions:\n  - {id: a, claim: One, p: 0.5}\n"})
    before = snapshot(root)
    r = _raw_run([b"--root", os.fsencode(root), *args], root)
    assert_clean_error(r, 2, f"pledger: error: {named} is not UTF-8 text")
    assert "\ufffd" not in r.err  # the bytes shown escaped, never raw
    assert snapshot(root) == before


def test_a_variable_that_is_not_utf8_is_named(make_ledger):
    root = make_ledger({"s.yaml": "by: ana\nmade: 2026-01-01\npredictions:\n  - {id: a, claim: One, p: 0.5}\n"})
    before = snapshot(root)
    r = _raw_run([b"--root", os.fsencode(root), b"add", b"zz", b"-p", b"0.5"], root, {b"PLEDGER_BY": b"\xff"})
    assert_clean_error(r, 2, "pledger: error: PLEDGER_BY: '\\xff' is not UTF-8 text")
    assert snapshot(root) == before


def test_a_file_to_read_may_have_any_bytes_in_its_name(make_ledger, tmp_path):
    root = make_ledger({"s.yaml": "by: ana\nmade: 2026-01-01\npredictions:\n  - {id: a, claim: One, p: 0.5}\n"})
    name = os.path.join(os.fsencode(tmp_path), b"\xff.csv")
    with open(name, "wb") as fh:
        fh.write(b"id,claim,p,made\nb,Two,0.4,2026-01-02\n")
    r = _raw_run([b"--root", os.fsencode(root), b"import", b"csv", name, b"--by", b"ana"], root)
    assert r.code == 0, r.err
    assert run_pledger("--root", root, "show", "b").code == 0


def test_an_evidence_link_without_a_host_is_refused(make_ledger, cli):
    # A post links only a URL with a host: one without would pass here and vanish from every report.
    root = make_ledger({
        "a.yaml": "by: ada\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: x\n    p: 0.5\n",
        "outcomes/o.yaml": "on: 2025-02-01\nby: ada\nevidence:\n  - url: https:///x\nresults:\n  a: yes\n",
    })
    assert problems(root) == ["outcomes/o.yaml:4:10: `evidence.0.url`: 'https:///x' has no host; write the whole address, "
                              "as https://example.org/page"]
    (root / "outcomes" / "o.yaml").unlink()
    r = cli("--root", root, "resolve", "a", "yes", "--evidence", "https:///x")
    assert_clean_error(r, 2, "--evidence", "has no host")
    assert not (root / "outcomes").exists() or not list((root / "outcomes").iterdir())
