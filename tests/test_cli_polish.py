"""Small CLI behaviours: --version, plurals, selections that match nothing,
click's errors in pledger's one-line format, and a closed pipe."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from support import REPO, assert_clean_error, run_pledger, snapshot

ONE = {
    "a.yaml": """
        set: solo
        by: ana
        made: 2026-01-01
        predictions:
          - {id: one, claim: It happens, p: 0.4}
          - {id: two, claim: Also happens, p: 0.7}
    """,
    "outcomes/o.yaml": "on: 2026-02-01\nby: ana\nresults:\n  one: yes\n  two: yes\n",
}


# -- --version ---------------------------------------------------------------------

def test_version_prints_the_package_version(cli):
    from ledger.version import __version__

    result = cli("--version")
    assert result.code == 0 and result.out == f"pledger {__version__}\n"


def test_version_stays_light():
    code = (
        "import sys\nfrom ledger.cli import main\ncode = main(['--version'])\n"
        "bad = {'numpy', 'sqlalchemy', 'sqlmodel', 'rich', 'pydantic'} & set(sys.modules)\n"
        "print(code, sorted(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.stdout.splitlines()[-1] == "0 []", proc.stdout + proc.stderr


# -- plurals -------------------------------------------------------------------------

def test_scorecard_selection_line_says_one_prediction(cli, make_ledger):
    root = make_ledger({"a.yaml": "by: ana\nmade: 2026-01-01\npredictions:\n  - {id: one, claim: Open question, p: 0.4}\n"})
    r = cli("--root", root, "scorecard")
    assert r.code == 0
    assert "ana made 1 prediction on 2026-01-01. It is not resolved yet." in r.out and "1 predictions" not in r.out
    assert "Nothing to score yet" in r.out


def test_import_summary_says_one_outcome(cli, make_ledger, tmp_path):
    root = make_ledger({})
    sheet = tmp_path / "one.csv"
    sheet.write_text("claim,p,made,result,resolved_on\nIt rains tomorrow,70%,2026-01-01,yes,2026-01-02\n", encoding="utf-8")
    r = cli("--root", root, "import", "csv", sheet)
    assert r.code == 0, r.err
    assert "1 record read; added 1 prediction, 0 more forecasts, 1 outcome;" in r.out


def test_leaderboard_title_counts_in_the_singular(cli, make_ledger):
    root = make_ledger({
        "a.yaml": "by: ana\nmade: 2026-01-01\npredictions:\n  - {id: one, claim: It happens, p: 0.4}\n",
        "outcomes/o.yaml": "on: 2026-02-01\nby: ana\nresults:\n  one: yes\n",
    })
    r = cli("--root", root, "score", "--by-forecaster")
    assert "Leaderboard: 1 forecaster, 1 question, 1 forecast" in r.out


# -- selections that match nothing ---------------------------------------------------------

def test_list_matching_nothing_says_which_filter(cli, make_ledger):
    root = make_ledger(ONE)
    r = cli("--root", root, "list", "--set", "nonexistent")
    assert r.code == 0 and r.out == "No predictions match.\n"
    assert r.err == "pledger: no predictions match --set nonexistent; no set 'nonexistent' (the sets are solo)\n"
    r = cli("--root", root, "list", "--set", "solo", "--tag", "x y", "--json")
    assert r.code == 0 and "match --set solo --tag 'x y'" in r.err
    assert cli("--root", root, "list", "--set", "solo").err == ""


def test_score_matching_nothing_says_which_filter(cli, make_ledger):
    root = make_ledger(ONE)
    r = cli("--root", root, "score", "--set", "nope")
    assert r.code == 0 and "Nothing to score" in r.out
    assert "no predictions match --set nope" in r.err


def test_scorecard_matching_nothing_is_a_usage_error_and_writes_nothing(cli, make_ledger, tmp_path):
    root = make_ledger(ONE)
    before = snapshot(root)
    target = tmp_path / "card.md"
    r = cli("--root", root, "scorecard", "--set", "nope", "-o", target)
    assert_clean_error(r, 2, "--set nope: no predictions match")
    assert not target.exists() and snapshot(root) == before


# -- the plain flavour shows an undefined figure -------------------------------------------

def test_plain_scorecard_shows_an_undefined_figure_as_a_dash(cli, make_ledger):
    root = make_ledger(ONE)  # everything happened: the skill vs the base rate is undefined
    out = cli("--root", root, "scorecard", "--flavor", "plain", "--bootstrap", "0").out
    assert "- **Brier skill vs base rate (100%)**: value: —; n: 2; better: higher" in out
    github = cli("--root", root, "scorecard", "--bootstrap", "0").out
    assert "| Brier skill vs base rate (100%) | — | 2 |" in github


# -- click's errors, one line, naming the option ---------------------------------------------

def test_negative_seed_names_the_option(cli, make_ledger):
    root = make_ledger(ONE)
    for command in ("score", "scorecard"):
        assert_clean_error(cli("--root", root, command, "--seed", "-1"), 2, "--seed")


def test_click_errors_are_one_line_and_name_the_option(cli, make_ledger):
    root = make_ledger(ONE)
    for args, fragment in ((["list", "--limit", "0"], "pledger: error: --limit: 0 is not in the range"),
                           (["list", "--limit", "x"], "pledger: error: --limit: 'x' is not a valid"),
                           (["list", "--bogus"], "pledger: error: No such option: --bogus"),
                           (["show"], "pledger: error: Missing argument 'ID'")):
        r = cli("--root", root, *args)
        assert_clean_error(r, 2, fragment)
        assert len(r.err.splitlines()) == 1 and "Usage:" not in r.err, r.err


# -- a closed pipe ---------------------------------------------------------------------------

def test_output_piped_into_head_exits_zero_quietly(make_ledger):
    # Enough rows (rich table, well over a pipe's 64 KiB) that writing goes on after the reader left.
    items = "\n".join(f"  - {{id: p{i:04d}, claim: Prediction number {i} about something or other, p: 0.5}}"
                      for i in range(1500))
    root = make_ledger({"big.yaml": f"by: ana\nmade: 2026-01-01\npredictions:\n{items}\n"})
    assert run_pledger("--root", root, "list", "--limit", "1").code == 0  # index built before the pipe test
    env = dict(os.environ, COLUMNS="100", PYTHONIOENCODING="utf-8")
    for args in (["list"], ["list", "--json"], ["export", "csv"]):
        proc = subprocess.Popen([sys.executable, "-m", "ledger", "--root", str(root), *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.readline()
        proc.stdout.close()  # `| head -1`
        err = proc.stderr.read().decode()
        proc.stderr.close()
        assert proc.wait(timeout=60) == 0, (args, err)
        assert err == "", (args, err)


@pytest.mark.parametrize("args", [["list"], ["show", "eye-test"], ["due"], ["list", "--json"], ["score"],
                                  ["claim", "list"], ["export", "csv"], ["check"]])
def test_a_reader_gone_before_the_first_line_is_exit_zero_too(bundled, args):
    # The reader closes the pipe before the command writes anything (`| head -0`, or a reader that dies):
    # every write then fails, whichever writer makes it (rich, the piped tables, JSON).
    assert run_pledger("--root", bundled, "list", "--limit", "1").code == 0  # the index built first
    env = dict(os.environ, COLUMNS="100", PYTHONIOENCODING="utf-8", PLEDGER_TODAY="2026-12-01")
    proc = subprocess.Popen([sys.executable, "-m", "ledger", "--root", str(bundled), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0, (args, err)
    assert "Traceback" not in err and "error" not in err, (args, err)


def test_each_command_is_registered_by_the_module_named_for_it():
    """`pledger CMD` registers only CMD's module (ledger.cli.COMMAND_MODULES): the table must say what each registers."""
    import typer

    from ledger import cli

    seen = []
    for module, commands in cli.COMMAND_MODULES.items():
        app = typer.Typer()
        __import__(f"ledger.cli.{module}", fromlist=["register"]).register(app)
        names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
        assert sorted(names) == sorted(commands), module
        seen += names
    everything = typer.main.get_command(cli.make_app())
    assert sorted(everything.commands) == sorted(seen)
    assert sorted(typer.main.get_command(cli.make_app("list")).commands) == ["check", "due", "edit", "list", "show"]
    assert cli.command_in(["--root", "x", "-h", "claim", "add"]) == "claim" and cli.command_in(["--version"]) is None


def test_the_help_that_lists_the_commands_is_the_whole_apps(capsys):
    """`pledger --help` registers stand-ins (no parameters to read): its text is the full app's."""
    from typer.main import get_command

    from ledger import cli

    def help_of(app) -> str:
        try:
            get_command(app)(["--help"], prog_name="pledger", standalone_mode=False)
        except SystemExit:
            pass
        return capsys.readouterr().out

    full, listed = help_of(cli.make_app()), help_of(cli.make_app(listing=True))
    assert listed == full and "claims-report" in full and "scorecard" in full
    assert cli.main(["--help"]) == 0 and capsys.readouterr().out == full


@pytest.mark.parametrize("args, option", [
    (["scorecard", "--set", "anthropic-sae-2024", "--set", "reading-group-2025"], "--set"),
    (["scorecard", "-o", "a.md", "--output", "b.md"], "--output"),
    (["list", "--by=Ana", "--by", "Bob"], "--by"),
    (["claim", "assess", "x", "supported", "--on", "2025-01-01", "--on", "2025-02-01"], "--on"),
])
def test_an_option_of_one_value_given_twice_is_a_usage_error(cli, bundled, tmp_path, monkeypatch, args, option):
    # click would keep the last value silently: a scorecard of one set published as if of two.
    monkeypatch.chdir(tmp_path)
    before = snapshot(bundled)
    r = cli("--root", bundled, *args)
    assert_clean_error(r, 2, f"{option} given twice", "give it once")
    assert snapshot(bundled) == before and not list(tmp_path.glob("*.md"))


def test_options_that_repeat_on_purpose_and_option_like_values_are_fine(cli, bundled):
    r = cli("--root", bundled, "list", "--tag", "sae", "--tag", "interpretability")
    assert r.code == 0, r.err
    r = cli("--root", bundled, "scorecard", "--set", "anthropic-sae-2024", "--title", "--set", "-o", "-")
    assert r.code == 0, r.err
    assert r.out.startswith("# \\--set")


def test_a_filter_naming_what_the_ledger_lacks_says_what_it_has(cli, bundled):
    r = cli("--root", bundled, "scorecard", "--by", "Nobody Here")
    assert_clean_error(r, 2, "--by", "no forecaster 'Nobody Here'")
    assert "(the forecasters are " in r.err and "Stephen Casper" in r.err
    r = cli("--root", bundled, "list", "--tag", "no-such-tag")
    assert "no tag 'no-such-tag'" in r.err
    r = cli("--root", bundled, "list", "--by", "stephen casper")  # names match ignoring case: no note
    assert r.code == 0 and "no forecaster" not in r.err
