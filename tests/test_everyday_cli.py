"""The everyday CLI (issue 13): one test per rough edge a user hit.

`-` for standard input and output; the root found from inside a ledger; init on
a ledger; `due` with its dates, --within, --exit-code and --ics; help examples
that run on the bundled ledger and keep their lines; "did you mean"; tags in
any case; shell completion; --json on forecast and resolve; `edit`; add --tests
and --title.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import yaml

from support import BY, EXAMPLE_LEDGER, REPO, TODAY, assert_clean_error, identify, run_pledger, snapshot

HEAD = "by: ada\nmade: 2025-01-01\npredictions:\n"


def _copy(tmp_path: Path, name: str = "predictions") -> Path:
    root = tmp_path / name
    shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
    return root


# -- `-` for standard input and output ---------------------------------------------------------

def test_export_to_dash_writes_standard_output_not_a_file(cli, bundled, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("--root", bundled, "export", "csv", "--set", "anthropic-sae-2024", "-o", "-")
    assert result.code == 0 and not (tmp_path / "-").exists()
    assert result.out == cli("--root", bundled, "export", "csv", "--set", "anthropic-sae-2024").out
    assert len(list(csv.DictReader(io.StringIO(result.out)))) == 10


def test_scorecard_to_dash_writes_markdown_to_stdout_and_no_chart_files(cli, bundled, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("--root", bundled, "scorecard", "--set", "anthropic-sae-2024", "-o", "-")
    assert result.code == 0, result.err
    assert result.out.startswith("# Scorecard: What Anthropic's next SAE paper will and won't do\n")
    assert list(tmp_path.iterdir()) == [tmp_path / "predictions"] if (tmp_path / "predictions").exists() else []
    assert "no chart was drawn; pass --chart-dir DIR" in result.err


def test_claims_report_to_dash_writes_stdout(cli, bundled, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("--root", bundled, "claims-report", "-o", "-")
    assert result.code == 0 and result.out.startswith("#") and not (tmp_path / "-").exists()


def test_import_csv_from_dash_reads_standard_input(make_ledger):
    root = make_ledger({})
    proc = subprocess.run([sys.executable, "-m", "ledger", "--root", str(root), "import", "csv", "-", "--json"],
                          input="claim,p,made\nIt rains,0.3,2025-01-01\nbad,2,2025-01-01\n", capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, PLEDGER_TODAY=TODAY))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["file"] == "<stdin>" and report["added"] == 1
    assert report["rejected"][0]["where"] == "<stdin>:3"


def test_export_piped_into_import_copies_a_set_into_another_ledger(make_ledger, bundled, tmp_path):
    team = make_ledger({}, name="team")
    export = subprocess.run([sys.executable, "-m", "ledger", "--root", str(bundled), "export", "json", "--set",
                             "anthropic-sae-2024"], capture_output=True, timeout=60, check=True)
    imported = subprocess.run([sys.executable, "-m", "ledger", "--root", str(team), "import", "json", "-"],
                              input=export.stdout, capture_output=True, timeout=60)
    assert imported.returncode == 0, imported.stderr
    listed = json.loads(run_pledger("--root", team, "list", "--json").out)
    assert listed["count"] == 10


# -- the root, found from inside a ledger; init on an existing ledger ----------------------------

def test_a_command_inside_a_ledger_finds_its_root_as_git_does(cli, tmp_path, monkeypatch):
    root = _copy(tmp_path)
    monkeypatch.chdir(root / "outcomes")  # `cd predictions/outcomes && pledger list`
    result = cli("list", "--json")
    assert result.code == 0 and json.loads(result.out)["count"] == 17
    monkeypatch.chdir(root)
    assert json.loads(cli("list", "--json").out)["count"] == 17


def test_problems_found_from_below_the_root_are_paths_from_here(cli, tmp_path, monkeypatch):
    root = _copy(tmp_path)
    (root / "outcomes" / "bad.yaml").write_text("on: 2025-01-01\nby: x\nresults:\n  nobody: yes\n")
    monkeypatch.chdir(root / "outcomes")
    result = cli("check")
    assert result.code == 1 and result.out.startswith("bad.yaml:4:3: outcome for unknown prediction 'nobody'")


def test_the_root_is_marked_by_the_gitignore_init_writes_not_by_any_gitignore(cli, tmp_path, monkeypatch):
    (tmp_path / ".gitignore").write_text(".pledger/\n*.pyc\n")  # a repository's own .gitignore
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    assert_clean_error(cli("list"), 1, "no ledger here", "--root DIR", "pledger init")
    assert cli("init", str(tmp_path)).code == 0  # marks it, keeping the old lines
    assert (tmp_path / ".gitignore").read_text().startswith(".pledger/\n*.pyc\n# The index is derived")
    assert cli("list").code == 0


def test_the_search_for_the_root_never_reads_a_fifo(cli, tmp_path, monkeypatch):
    os.mkfifo(tmp_path / ".gitignore")  # opened, it would block every command run below it
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert_clean_error(cli("list"), 1, "no ledger here")


def test_pledger_root_and_dot_predictions_still_come_first(cli, tmp_path, monkeypatch):
    outer = _copy(tmp_path)
    inner = outer / "outcomes"
    (inner / "predictions").mkdir()
    (inner / "predictions" / "a.yaml").write_text(HEAD + "  - {id: only, claim: c, p: 0.5}\n")
    identify(inner / "predictions")
    monkeypatch.chdir(inner)  # ./predictions exists here: it wins over the root above
    assert [p["id"] for p in json.loads(cli("list", "--json").out)["predictions"]] == ["only"]
    monkeypatch.setenv("PLEDGER_ROOT", str(outer))
    assert json.loads(cli("list", "--json").out)["count"] == 17 + 1  # PLEDGER_ROOT wins: the outer ledger, inner file too


def test_init_on_an_existing_ledger_says_it_exists_and_changes_nothing(cli, tmp_path, monkeypatch):
    root = _copy(tmp_path)
    before = snapshot(root)
    monkeypatch.chdir(tmp_path)
    result = cli("init")
    assert result.code == 0
    assert result.out == "predictions already is a ledger (6 files); nothing was changed. To start another one: pledger init DIR\n"
    assert snapshot(root) == before


def test_init_on_a_ledger_an_older_init_made_adds_only_the_missing_lines(cli, tmp_path):
    root = tmp_path / "old"
    root.mkdir()
    (root / ".gitignore").write_text("# The index is derived from the YAML files; it is safe to delete.\n.pledger/\n")
    result = cli("init", root)
    assert result.code == 0 and "its .gitignore gained the lines a newer pledger writes" in result.out
    lines = (root / ".gitignore").read_text().splitlines()
    assert lines.count(".pledger/") == 1 and ".pledger.lock" in lines and ".*.pledger-*.tmp" in lines
    assert "nothing was changed" in cli("init", root).out


def test_init_inside_a_ledger_makes_no_ledger_within_it(cli, tmp_path, monkeypatch):
    root = _copy(tmp_path)
    monkeypatch.chdir(root / "claims")
    result = cli("init")
    assert result.code == 0 and result.out.startswith("Already inside the ledger at .. (6 files); nothing was made.")
    assert not (root / "claims" / "predictions").exists()


# -- due: dates, how overdue, --within, --exit-code, --ics ---------------------------------------

DUE = {"a.yaml": HEAD + "  - {id: late, claim: Long overdue, p: 0.5, due: 2026-11-01}\n"
                        "  - {id: soon, claim: Due in a week, p: 0.5, due: 2026-11-30}\n"
                        "  - {id: today, claim: Due today, p: 0.5, due: 2026-11-23}\n"
                        "  - {id: later, claim: Due next year, p: 0.5, due: 2027-06-01}\n"
                        "  - {id: done, claim: Resolved, p: 0.5, due: 2026-01-01}\n",
       "outcomes/o.yaml": "on: 2026-02-01\nby: ada\nresults:\n  done: yes\n"}


def test_due_shows_the_due_date_and_how_overdue(cli, make_ledger):
    out = cli("--root", make_ledger(DUE), "due").out
    line = next(line for line in out.splitlines() if line.lstrip("│ ").startswith("late"))
    assert "2026-11-01" in line and "22 days ago" in line
    data = json.loads(cli("--root", make_ledger(DUE), "due", "--json").out)
    assert [(p["id"], p["due"], p["days_overdue"]) for p in data["predictions"]] == [("late", "2026-11-01", 22)]


@pytest.mark.parametrize("span, ids", [("7d", ["late", "today", "soon"]), ("1w", ["late", "today", "soon"]),
                                       ("0", ["late", "today"]), ("30w", ["late", "today", "soon", "later"])])
def test_due_within_a_span_lists_what_is_coming(cli, make_ledger, span, ids):
    data = json.loads(cli("--root", make_ledger(DUE), "due", "--within", span, "--json").out)
    assert [p["id"] for p in data["predictions"]] == ids
    assert data["within_days"] == {"7d": 7, "1w": 7, "0": 0, "30w": 210}[span]
    out = cli("--root", make_ledger(DUE), "due", "--within", span).out
    assert ("in 7 days" in out) == ("soon" in ids) and "today" in out


@pytest.mark.parametrize("span", ["14x", "two weeks", "-1d", "", "99999999w"])
def test_due_within_refuses_what_is_not_a_span(cli, make_ledger, span):
    assert_clean_error(cli("--root", make_ledger(DUE), "due", "--within", span), 2, "--within")


def test_due_exit_code_is_4_when_something_is_due_and_0_when_nothing_is(cli, make_ledger):
    root = make_ledger(DUE)
    assert cli("--root", root, "due", "--exit-code").code == 4
    assert cli("--root", root, "due").code == 0
    assert cli("--root", root, "due", "--exit-code", "--set", "none").code == 0
    empty = make_ledger({"a.yaml": HEAD + "  - {id: x, claim: c, p: 0.5}\n"}, name="empty")
    assert cli("--root", empty, "due", "--exit-code", "--within", "5w").code == 0


def _unfold(data: bytes) -> list[str]:
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def test_due_ics_is_an_rfc_5545_calendar(cli, make_ledger, tmp_path):
    long_claim = "A claim, with commas; semicolons and a \\\\ backslash, long enough to fold: " + "é" * 60
    root = make_ledger({"a.yaml": HEAD + f"  - id: long\n    claim: \"{long_claim}\"\n    p: 0.5\n    due: 2027-01-31\n"
                                         "  - {id: late, claim: Late, p: 0.5, due: 2026-01-01}\n"
                                         "  - {id: none, claim: No due date, p: 0.5}\n"})
    target = tmp_path / "due.ics"
    result = cli("--root", root, "due", "--ics", target)
    assert result.code == 0 and result.out == "" and result.err == f"Wrote {target}: 2 events\n"
    data = target.read_bytes()
    for raw in data.split(b"\r\n"):
        assert len(raw) <= 75  # folded at 75 octets, never inside a UTF-8 character
        raw.decode("utf-8")
    lines = _unfold(data)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-1] == "END:VCALENDAR"
    events = [lines[i:i + 9] for i, line in enumerate(lines) if line == "BEGIN:VEVENT"]
    assert [e[3] for e in events] == ["DTSTART;VALUE=DATE:20260101", "DTSTART;VALUE=DATE:20270131"]
    assert events[1][4] == "DTEND;VALUE=DATE:20270201" and events[1][2] == "DTSTAMP:20261123T000000Z"
    summary = events[1][5]
    assert summary == ("SUMMARY:Resolve long: A claim\\, with commas\\; semicolons and a \\\\ backslash\\, long "
                       "enough to fold: " + "é" * 60)
    assert all(line.startswith("UID:") and line.endswith("@prediction-ledger") for line in (e[1] for e in events))
    again = tmp_path / "again.ics"
    cli("--root", root, "due", "--ics", again)
    assert again.read_bytes() == data  # stable UIDs, the same bytes


def test_due_ics_escapes_control_characters_and_newlines(cli, make_ledger):
    root = make_ledger({"a.yaml": HEAD + '  - id: x\n    claim: "two\\nlines \\e]0;t\\a"\n    p: 0.5\n    due: 2026-01-01\n'})
    proc = subprocess.run([sys.executable, "-m", "ledger", "--root", str(root), "due", "--ics", "-"], capture_output=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    summary = next(line for line in _unfold(proc.stdout) if line.startswith("SUMMARY:"))
    assert summary == "SUMMARY:Resolve x: two\\nlines \\\\x1b]0\\;t\\\\x07"  # the ';' escaped as TEXT wants


def test_due_ics_to_stdout_and_json_together_is_a_usage_error(cli, make_ledger):
    assert_clean_error(cli("--root", make_ledger(DUE), "due", "--ics", "-", "--json"), 2, "--ics")


# -- help: examples from the bundled ledger that keep their lines ---------------------------------

def _leaf_commands():
    from ledger.cli import app

    def walk(command, path):
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])
        else:
            yield path

    return list(walk(typer.main.get_command(app), []))


def _examples(help_text: str) -> list[str]:
    found, lines, i = [], help_text.splitlines(), 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("pledger ") and re.match(r"\s+Examples?:", "\n".join(lines[:i]).rsplit("\n\n", 1)[-1]):
            while line.endswith("\\"):
                i += 1
                line = line[:-1] + " " + lines[i].strip()
            found.append(line)
        i += 1
    return found


@pytest.mark.parametrize("path", _leaf_commands(), ids=" ".join)
def test_help_keeps_within_80_columns_and_has_examples(cli, monkeypatch, path):
    monkeypatch.setenv("COLUMNS", "80")
    result = cli(*path, "--help")
    assert result.code == 0
    assert all(len(line) <= 80 for line in result.out.splitlines()), result.out
    assert _examples(result.out), result.out


def test_help_marks_required_options(cli):
    out = cli("claim", "add", "--help").out
    assert re.search(r"--source URL .*\[required\]", out)
    assert re.search(r"ID\.\.\. RESULT .*\n.*\[required\]", cli("resolve", "--help").out)


READS = {"list", "show", "due", "check", "score", "edit", "claim"}  # `claim` here: list and show only


def test_every_help_example_runs_on_the_bundled_ledger(cli, tmp_path, monkeypatch):
    examples = []
    monkeypatch.setenv("COLUMNS", "80")
    for path in _leaf_commands():
        examples += _examples(cli(*path, "--help").out)
    assert len(examples) >= 25
    monkeypatch.setenv("EDITOR", "true")
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env.pop("PLEDGER_FORCE_TTY", None)
    failures, shared = [], None
    for n, example in enumerate(examples):
        words = shlex.split(example)  # quotes balanced: the line was not cut
        reads = words[1] in READS and words[2:3] not in (["add"], ["assess"]) and not {"-o", "--ics", "|"} & set(words)
        if reads and shared is not None:
            work = shared
        else:  # a command that writes gets a ledger of its own
            work = tmp_path / f"run{n}"
            work.mkdir()
            _copy(work)
            (work.parent / "team").mkdir(exist_ok=True)
            (work.parent / "team" / ".gitignore").write_text("# The index is derived from the YAML files; it is safe to delete.\n")
            identify(work.parent / "team")
            shutil.copy(REPO / "tests/fixtures/import/fatebook-2025.csv", work / "fatebook-export.csv")
            shared = work if reads else shared
        if words[1] == "verify":  # it reads the ledger's git history: give the copy one
            for git in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.org",
                                                         "commit", "-qm", "the ledger"]):
                subprocess.run(["git", *git], cwd=work, check=True, capture_output=True)
        expected = 4 if "--exit-code" in example else 0
        if "|" in words:  # a pipeline: the shell runs it
            proc = subprocess.run(["bash", "-o", "pipefail", "-c", example], cwd=work, env=env, capture_output=True,
                                  text=True, timeout=120)
            code, err = proc.returncode, proc.stderr
        else:
            monkeypatch.chdir(work)
            result = cli(*words[1:])
            code, err = result.code, result.err
        if words[1] == "verify" and code == 1 and "Verdict:" in result.out and not err.startswith("pledger: error"):
            code = 0  # a finding, not a failure: the copy was committed today, after its predictions resolved
        if code != expected or "Traceback" in err:
            failures.append((example, code, err[-300:]))
    assert failures == []


# -- did you mean; tags in any case ----------------------------------------------------------------

@pytest.mark.parametrize("args, fragment", [
    (["show", "it-beats-lora"], "no prediction with id 'it-beats-lora' (did you mean 'peft-beats-lora'?)"),
    (["forecast", "rg25-txtbook", "-p", "0.2"], "(did you mean 'rg25-textbook'?)"),
    (["resolve", "rg25-replicaton", "no"], "(did you mean 'rg25-replication'?)"),
    (["claim", "show", "sae-interpretable"], "(did you mean 'sae-interpretable-large-models'?)"),
    (["claim", "assess", "features-highly-abstrat", "open"], "(did you mean 'features-highly-abstract'?)"),
    (["import", "fatebok", "x.csv"], "unknown format 'fatebok' (did you mean 'fatebook'?)"),
    (["export", "jsn"], "not 'jsn' (did you mean 'json'?)"),
    (["scorecard", "--set", "anthropic-sae"], "no set 'anthropic-sae' (did you mean 'anthropic-sae-2024'?)"),
    (["add", "x", "-p", "0.5", "--tests", "sae-interpretable"], "--tests: no claim with id 'sae-interpretable' (did you mean"),
])
def test_did_you_mean_for_ids_formats_and_sets(cli, bundled, args, fragment):
    before = snapshot(bundled)
    assert_clean_error(cli("--root", bundled, *args), 2, fragment)
    assert snapshot(bundled) == before


def test_a_set_that_matches_nothing_names_the_sets_there_are(cli, bundled):
    result = cli("--root", bundled, "list", "--set", "nosuchset")
    assert result.code == 0
    assert result.err == ("pledger: no predictions match --set nosuchset; no set 'nosuchset' "
                          "(the sets are anthropic-sae-2024, reading-group-2025)\n")
    assert "no tag 'inteprtability' (did you mean 'interpretability'?)" in cli(
        "--root", bundled, "score", "--tag", "inteprtability").err


def test_an_unknown_key_in_a_file_says_which_key_was_meant(cli, make_ledger):
    root = make_ledger({"a.yaml": HEAD + "  - id: a\n    claim: c\n    p: 0.5\n    tag: peft\n"})
    result = cli("--root", root, "check")
    assert "a.yaml:7:5: unknown key 'tag' in a prediction (did you mean 'tags'?); the keys allowed here are: " in result.out


@pytest.mark.parametrize("tag", ["PEFT", "Peft", " peft "])
def test_tags_match_in_any_case(cli, bundled, tag):
    ids = [p["id"] for p in json.loads(cli("--root", bundled, "list", "--tag", tag, "--json").out)["predictions"]]
    assert ids == [p["id"] for p in json.loads(cli("--root", bundled, "list", "--tag", "peft", "--json").out)["predictions"]]
    assert ids
    claims = json.loads(cli("--root", bundled, "claim", "list", "--tag", "SAE", "--json").out)["claims"]
    assert len(claims) == 3


# -- shell completion ------------------------------------------------------------------------------

def _complete(root: Path, words: str, cwd: Path | None = None) -> list[str]:
    env = dict(os.environ, _PLEDGER_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(len(words.split()) - 1
                                                                                             + words.endswith(" ")))
    env["PLEDGER_ROOT"] = str(root)
    proc = subprocess.run([sys.executable, "-m", "ledger"], env=env, capture_output=True, text=True, timeout=60, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


@pytest.mark.own_index  # completion reads the SQLite index file only (cli.complete)
def test_completion_offers_ids_sets_tags_and_formats_from_the_index(bundled):
    assert run_pledger("--root", bundled, "list").code == 0  # builds the index
    assert _complete(bundled, "pledger show rg25-s") == ["rg25-sae-beats-probe", "rg25-sae-benchmark",
                                                         "rg25-steering-product"]
    assert _complete(bundled, "pledger list --set anth") == ["anthropic-sae-2024"]
    assert _complete(bundled, "pledger list --tag pe") == ["peft"]
    assert _complete(bundled, "pledger claim show sae") == ["sae-interpretable-large-models"]
    assert _complete(bundled, "pledger import pred") == ["predictionbook", "predictionbook-json"]
    assert _complete(bundled, "pledger resolve rg25-rep") == ["rg25-replication"]


def test_completion_without_an_index_offers_nothing_and_builds_none(bundled):
    assert _complete(bundled, "pledger show rg") == []
    assert not (bundled / ".pledger").exists()


def test_install_and_show_completion_are_offered(cli):
    out = cli("--help").out
    assert "--install-completion" in out and "--show-completion" in out


def test_help_imports_nothing_heavy():
    code = (
        "import sys\nfrom ledger.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "bad = {'numpy', 'sqlalchemy', 'sqlmodel', 'rich', 'pydantic', 'sqlite3', 'yaml'} & set(sys.modules)\n"
        "print(sorted(bad), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.stderr.splitlines()[-1] == "[]", proc.stderr


# -- --json on forecast and resolve ------------------------------------------------------------------

def test_forecast_json(cli, bundled):
    result = cli("--root", bundled, "forecast", "rg25-textbook", "-p", "10%", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"id": "rg25-textbook", "file": "forecasts.yaml", "kind": "binary", "p": 0.1,
                                      "p_typed": "10%", "by": BY, "at": TODAY, "scored": True}
    late = json.loads(cli("--root", bundled, "forecast", "eye-test", "-p", "0.5", "--json").out)
    assert late["scored"] is False  # after the resolution: kept, not scored


def test_forecast_json_of_other_kinds_of_question(cli, make_ledger):
    root = make_ledger({})
    assert cli("--root", root, "add", "Which lab?", "--id", "lab", "--option", "A=60%", "--option", "B=40%").code == 0
    assert cli("--root", root, "add", "Growth?", "--id", "gdp", "--quantile", "5%=1", "--quantile", "95%=3").code == 0
    chosen = json.loads(cli("--root", root, "forecast", "lab", "--option", "A=70%", "--option", "B=30%", "--json").out)
    assert chosen["kind"] == "multiple-choice" and chosen["options"] == {"A": 0.7, "B": 0.3}
    numeric = json.loads(cli("--root", root, "forecast", "gdp", "--interval", "90%=1.5..2.5", "--json").out)
    assert numeric["kind"] == "numeric" and numeric["quantiles"] == {"5%": 1.5, "95%": 2.5}
    done = json.loads(cli("--root", root, "resolve", "lab", "b", "--json").out)
    assert done["result"] == "B"  # the option as written, whatever case was typed


def test_resolve_json(cli, bundled):
    result = cli("--root", bundled, "resolve", "rg25-replication", "rg25-textbook", "no", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"ids": ["rg25-replication", "rg25-textbook"], "result": "no", "on": TODAY,
                                      "by": BY, "correction": False, "file": f"outcomes/{TODAY}-rg25-replication.yaml",
                                      "later_forecasts": 0}


def test_a_resolution_dated_before_forecasts_says_they_will_not_count(cli, make_ledger):
    root = make_ledger({"s.yaml": "by: ana\nmade: 2025-01-01\npredictions:\n  - id: r1\n    claim: One\n    p: 0.6\n"
                                  "    forecasts: [{by: bob, p: 0.3, at: 2025-02-01}, {by: cy, p: 0.2, at: 2025-01-10}]\n"})
    r = cli("--root", root, "resolve", "r1", "yes", "--on", "2025-01-15")
    assert r.code == 0, r.err
    assert "note: 1 forecast on it is dated after 2025-01-15: no score counts it" in r.err
    score = json.loads(cli("--root", root, "score", "--by", "bob", "--policy", "all", "--json").out)
    assert score["counts"]["after_resolution"] == 1  # the note says what the score does
    quiet = cli("--root", root, "resolve", "r1", "no", "--on", "2025-03-01", "--correct")  # corrections: no note
    assert quiet.code == 0 and "note:" not in quiet.err


# -- edit ----------------------------------------------------------------------------------------------

@pytest.fixture
def fake_editor(tmp_path):
    """A folder with fake editors that write the arguments they were given to args.txt."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("vim", "code", "subl", "gedit-like"):
        script = folder / name
        script.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {folder / 'args.txt'}\n")
        script.chmod(0o755)
    return folder


@pytest.mark.parametrize("editor, expected", [
    ("vim", ["+54", "{path}"]), ("code --wait", ["--wait", "--goto", "{path}:54"]), ("subl", ["{path}:54"]),
    ("gedit-like", ["{path}"]),
])
def test_edit_opens_the_editor_at_the_file_and_line(cli, bundled, fake_editor, monkeypatch, editor, expected):
    monkeypatch.setenv("PATH", f"{fake_editor}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor)
    assert cli("--root", bundled, "edit", "rg25-textbook").code == 0
    path = os.path.join(str(bundled), "reading-group-2025.yaml")
    assert (fake_editor / "args.txt").read_text().splitlines() == [e.format(path=path) for e in expected]


def test_edit_prefers_visual_and_opens_claims_too(cli, bundled, fake_editor, monkeypatch):
    monkeypatch.setenv("PATH", f"{fake_editor}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("VISUAL", "vim")
    monkeypatch.setenv("EDITOR", "nonexistent-editor")
    assert cli("--root", bundled, "edit", "sae-interpretable-large-models").code == 0
    assert (fake_editor / "args.txt").read_text().splitlines()[0] == "+22"


def test_edit_without_an_editor_is_a_clear_error(cli, bundled, monkeypatch):
    for name in ("VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)
    assert_clean_error(cli("--root", bundled, "edit", "rg25-textbook"), 2, "set $EDITOR (or $VISUAL)")
    monkeypatch.setenv("EDITOR", "no-such-editor-anywhere")
    assert_clean_error(cli("--root", bundled, "edit", "rg25-textbook"), 2, "'no-such-editor-anywhere'", "not installed")
    monkeypatch.setenv("EDITOR", "false")
    assert_clean_error(cli("--root", bundled, "edit", "rg25-textbook"), 1, "the editor exited with status 1")
    monkeypatch.setenv("EDITOR", "true")
    assert_clean_error(cli("--root", bundled, "edit", "rg25-txtbook"), 2, "(did you mean 'rg25-textbook'?)")


# -- add --tests and --title ----------------------------------------------------------------------------

def test_add_tests_names_the_claims_it_puts_to_a_test(cli, bundled):
    result = cli("--root", bundled, "add", "SAE features steer a frontier model", "-p", "0.3", "--id", "steer",
                 "--tests", "sae-interpretable-large-models", "--tests", "features-highly-abstract", "--json")
    assert result.code == 0, result.err
    assert json.loads(cli("--root", bundled, "show", "steer", "--json").out)["tests"] == [
        "sae-interpretable-large-models", "features-highly-abstract"]
    tested = json.loads(cli("--root", bundled, "claim", "show", "features-highly-abstract", "--json").out)["tested_by"]
    assert tested[-1] == "steer"


def test_add_tests_with_an_unknown_claim_is_a_usage_error(cli, bundled):
    before = snapshot(bundled)
    assert_clean_error(cli("--root", bundled, "add", "x", "-p", "0.3", "--tests", "no-such-claim"), 2,
                       "--tests: no claim with id 'no-such-claim'")
    assert_clean_error(cli("--root", bundled, "add", "x", "-p", "0.3", "--tests", "Not A Slug"), 2, "--tests")
    assert snapshot(bundled) == before


def test_add_title_names_a_new_set(cli, bundled):
    assert cli("--root", bundled, "add", "A benchmark by June", "-p", "3:1", "--set", "sae-2027",
               "--title", "SAEs in 2027").code == 0
    header = yaml.safe_load((bundled / "sae-2027.yaml").read_text())
    assert header["set"] == "sae-2027" and header["title"] == "SAEs in 2027"
    assert cli("--root", bundled, "add", "A second one", "-p", "0.5", "--set", "sae-2027", "--title", "SAEs in 2027").code == 0


@pytest.mark.parametrize("args, fragment", [
    (["--set", "anthropic-sae-2024", "--title", "Another title"],
     "--title: set 'anthropic-sae-2024' already exists with the title \"What Anthropic's next SAE paper will and won't do\""),
    (["--title", "No set"], "--title is the title of a new set: give --set too"),
])
def test_add_title_for_a_set_that_has_another_is_a_usage_error(cli, bundled, args, fragment):
    before = snapshot(bundled)
    assert_clean_error(cli("--root", bundled, "add", "x", "-p", "0.3", *args), 2, fragment)
    assert snapshot(bundled) == before
