"""The `pledger` command through ledger.cli.main (exit codes mapped as in real use), and a few subprocesses."""

from __future__ import annotations

import json

import pytest

from support import BY, TODAY, assert_clean_error, identify, run_pledger, snapshot

SAE = """
    set: sae
    by: casper
    made: 2024-05-05
    about: Anthropic's next SAE paper
    tags: [sae]
    predictions:
      - id: eye-test
        claim: Uses eye-test experiments
        p: 0.99
      - id: beats-lora
        claim: Sparse fine-tuning beats LoRA
        p: 0.2
        due: 2024-06-01
        tags: [peft]
"""
GROUP = """
    set: group
    by: ada
    made: 2025-01-06
    about: Interpretability in 2025
    due: 2025-12-31
    predictions:
      - id: q1
        claim: A shared SAE benchmark
        p: 70%
        forecasts:
          - {by: ben, p: 60%, at: 2025-01-06}
      - id: q2
        claim: A circuit for a frontier model
        p: 0.3
        due: 2027-01-01
      - id: q3
        claim: A steering product ships
        p: 3:1
"""
OUTCOMES = {
    "outcomes/2024-05-21.yaml": "on: 2024-05-21\nby: casper\nresults:\n  eye-test: yes\n  beats-lora: no\n",
    "outcomes/2026-01-05.yaml": "on: 2026-01-05\nby: ada\nresults:\n  q1: annulled\n",
}
STATE_KEYS = {
    "id", "claim", "p", "p_typed", "latest_p", "forecasts", "by", "made", "due", "set", "about", "criteria", "tags",
    "source", "tests", "note", "status", "outcome", "points", "file", "line",
}


@pytest.fixture
def root(make_ledger):
    return make_ledger({"sae.yaml": SAE, "group.yaml": GROUP, **OUTCOMES})


def listed(cli, root, *args) -> list[str]:
    result = cli("--root", root, "list", "--json", *args)
    assert result.code == 0, result
    return [p["id"] for p in json.loads(result.out)["predictions"]]


# -- init ---------------------------------------------------------------------


def test_init_creates_a_ledger_with_a_gitignore(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("init")
    assert result.code == 0 and result.err == ""
    assert result.out.startswith("Ledger ready at predictions.")
    assert ".pledger/" in (tmp_path / "predictions" / ".gitignore").read_text().splitlines()
    assert cli("init").code == 0  # again: fine, nothing lost
    assert cli("check").out == "ok: 0 files, 0 predictions, 0 forecasts, 0 outcome entries, no problems\n"
    assert cli("init", "elsewhere/deeper").code == 0 and (tmp_path / "elsewhere/deeper/.gitignore").exists()


def test_init_on_a_file_is_a_data_error(cli, tmp_path):
    (tmp_path / "f").write_text("x")
    assert_clean_error(cli("init", tmp_path / "f"), 1, "exists and is not a directory")


# -- add ----------------------------------------------------------------------


def test_add_generates_an_id_from_the_claim(cli, tmp_path):
    root = tmp_path / "l"
    cli("init", root)
    result = cli("--root", root, "add", "The SAE paper beats LoRA!", "-p", "20%")
    assert (result.code, result.out, result.err) == (0, "the-sae-paper-beats-lora\n", "")
    again = cli("--root", root, "add", "The SAE paper beats LoRA?", "-p", "25%")
    assert again.out == "the-sae-paper-beats-lora-2\n"
    assert (root / "predictions.yaml").read_text() == (
        "predictions:\n"
        f"  - id: the-sae-paper-beats-lora\n    claim: The SAE paper beats LoRA!\n    p: 20%\n    by: {BY}\n    made: {TODAY}\n"
        f"  - id: the-sae-paper-beats-lora-2\n    claim: The SAE paper beats LoRA?\n    p: 25%\n    by: {BY}\n    made: {TODAY}\n"
    )


def test_add_with_id_set_tags_and_json(cli, tmp_path):
    root = tmp_path / "l"
    cli("init", root)
    first = cli("--root", root, "add", "One", "-p", "0.7", "--id", "one", "--set", "my-set", "--tag", "a", "--tag", "b",
                "--about", "Things", "--due", "2027-01-01", "--source", "https://example.org", "--criteria", "By eye",
                "--json")
    assert first.code == 0 and json.loads(first.out) == {"id": "one", "file": "my-set.yaml"}
    # The new set file gets a header; the item only carries what differs from it.
    assert (root / "my-set.yaml").read_text() == (
        f"set: my-set\nby: {BY}\nmade: {TODAY}\npredictions:\n"
        "  - id: one\n    claim: One\n    p: 0.7\n    due: 2027-01-01\n    about: Things\n    criteria: By eye\n"
        "    source: https://example.org\n    tags: [a, b]\n"
    )
    second = cli("--root", root, "add", "Two", "-p", "1 in 4", "--set", "my-set", "--by", "ben")
    assert second.out == "two\n"
    assert (root / "my-set.yaml").read_text().endswith("  - id: two\n    claim: Two\n    p: 1 in 4\n    by: ben\n")
    assert sorted(p.name for p in root.glob("*.yaml")) == ["my-set.yaml"]
    [one] = json.loads(cli("--root", root, "list", "--json", "--tag", "b").out)["predictions"]
    assert (one["id"], one["set"], one["tags"], one["about"], one["due"]) == ("one", "my-set", ["a", "b"], "Things", "2027-01-01")
    assert listed(cli, root, "--set", "my-set", "--by", "ben") == ["two"]


# -- forecast -----------------------------------------------------------------


def test_forecast_update_and_another_forecaster(cli, root):
    assert cli("--root", root, "forecast", "q2", "-p", "10%", "--by", "ada", "--at", "2025-06-01", "--note", "less likely").code == 0
    result = cli("--root", root, "forecast", "q2", "-p", "0.45")  # PLEDGER_BY, today
    assert (result.code, result.out) == (0, "forecast recorded for q2 in forecasts.yaml\n")
    assert (root / "forecasts.yaml").read_text() == (
        "forecasts:\n"
        "  - prediction: q2\n    p: 10%\n    by: ada\n    at: 2025-06-01\n    note: less likely\n"
        f"  - prediction: q2\n    p: 0.45\n    by: {BY}\n    at: {TODAY}\n"
    )
    shown = json.loads(cli("--root", root, "show", "q2", "--json").out)
    assert [(f["by"], f["p"], f["at"], f["published"]) for f in shown["forecast_history"]] == [
        ("ada", 0.3, "2025-01-06", True), ("ada", 0.1, "2025-06-01", False), (BY, 0.45, TODAY, False),
    ]
    # The author's latest forecast is ada's update, not the other forecaster's.
    assert (shown["p"], shown["latest_p"], shown["forecasts"]) == (0.3, 0.1, 3)
    assert listed(cli, root, "--by", BY) == ["q2"]


def test_a_forecast_after_the_resolution_is_kept_with_a_note(cli, root):
    # beats-lora was resolved on 2024-05-21 (a correction later would not move that date).
    late = cli("--root", root, "forecast", "beats-lora", "-p", "0.5")  # today, long after
    assert late.code == 0 and late.out == "forecast recorded for beats-lora in forecasts.yaml\n"
    assert late.err == (f"note: this forecast is dated {TODAY}, after beats-lora was resolved (on 2024-05-21); "
                        "it is kept but will not be scored\n")
    assert f"at: {TODAY}" in (root / "forecasts.yaml").read_text()
    day_after = cli("--root", root, "forecast", "beats-lora", "-p", "0.4", "--at", "2024-05-22")
    assert day_after.code == 0 and "dated 2024-05-22, after beats-lora was resolved (on 2024-05-21)" in day_after.err
    # On the resolution day itself, or before, a forecast is scored: no note.
    for day in ("2024-05-21", "2024-05-10"):
        on_time = cli("--root", root, "forecast", "beats-lora", "-p", "0.3", "--at", day)
        assert (on_time.code, on_time.err) == (0, "")
    assert cli("--root", root, "forecast", "q2", "-p", "0.45").err == ""  # unresolved
    # The scores agree: the two late forecasts are the ones left out.
    scored = json.loads(cli("--root", root, "score", "--set", "sae", "--by", BY, "--policy", "all", "--json").out)
    assert (scored["counts"]["after_resolution"], scored["counts"]["forecasts"]) == (2, 2)


def test_forecast_on_an_unknown_id_is_a_usage_error(cli, root):
    before = snapshot(root)
    assert_clean_error(cli("--root", root, "forecast", "nope", "-p", "0.5"), 2, "no prediction with id 'nope'")
    assert_clean_error(cli("--root", root, "forecast", "q2", "-p", "0.5", "--at", "2020-01-01"), 2, "--at 2020-01-01")
    assert snapshot(root) == before


# -- resolve ------------------------------------------------------------------


def test_resolve_several_ids_with_evidence(cli, root):
    result = cli("--root", root, "resolve", "q2", "q3", "YES", "--on", "2026-11-01", "--by", "judge",
                 "--evidence", "https://example.org/news", "--quote", "it shipped", "--note", "both at once")
    assert result.code == 0, result
    assert result.out == "resolution of q2, q3 (yes) recorded in outcomes/2026-11-01-q2.yaml\n"
    assert (root / "outcomes/2026-11-01-q2.yaml").read_text() == (
        '"on": 2026-11-01\nby: judge\nevidence:\n  - url: https://example.org/news\n    quote: it shipped\n'
        'note: both at once\nresults:\n  q2: "yes"\n  q3: "yes"\n'
    )
    for pid in ("q2", "q3"):
        outcome = json.loads(cli("--root", root, "show", pid, "--json").out)["outcome"]
        assert (outcome["result"], outcome["on"], outcome["by"], outcome["note"]) == ("yes", "2026-11-01", "judge", "both at once")
        assert outcome["evidence"] == [{"url": "https://example.org/news", "quote": "it shipped"}]
    assert cli("--root", root, "check").code == 0


@pytest.mark.parametrize("result_word", ["yes", "no", "annulled"])
def test_resolve_each_result(cli, root, result_word):
    assert cli("--root", root, "resolve", "q2", result_word).code == 0
    state = json.loads(cli("--root", root, "show", "q2", "--json").out)
    assert state["outcome"]["result"] == result_word
    assert state["status"] == ("annulled" if result_word == "annulled" else "resolved")
    # Points under the post's rule on p = 0.3: 0.7 if it happened, -0.3 if not, none if annulled.
    assert state["points"] == {"yes": pytest.approx(0.7), "no": pytest.approx(-0.3), "annulled": None}[result_word]


def test_resolving_twice_needs_correct_and_keeps_history(cli, root, monkeypatch):
    monkeypatch.chdir(root)  # places in messages are shown from where the command runs
    assert cli("--root", root, "resolve", "q2", "yes").code == 0
    before = snapshot(root)
    again = cli("--root", root, "resolve", "q2", "no")
    assert_clean_error(again, 2, f"'q2' is already resolved (yes, on {TODAY}, at outcomes/{TODAY}-q2.yaml:4)", "--correct")
    assert snapshot(root) == before
    fixed = cli("--root", root, "resolve", "q2", "no", "--correct", "--note", "misread the paper")
    assert fixed.out == f"correction of q2 (no) recorded in outcomes/{TODAY}-q2_02.yaml\n"
    assert (root / f"outcomes/{TODAY}-q2_02.yaml").read_text() == (
        f'"on": {TODAY}\nby: {BY}\ncorrection: true\nnote: misread the paper\nresults:\n  q2: "no"\n'
    )
    shown = json.loads(cli("--root", root, "show", "q2", "--json").out)
    assert [(o["result"], o["correction"], o["file"]) for o in shown["outcome_history"]] == [
        ("yes", False, f"outcomes/{TODAY}-q2.yaml"), ("no", True, f"outcomes/{TODAY}-q2_02.yaml"),
    ]
    assert shown["outcome"]["result"] == "no"  # the correction stands
    text = cli("--root", root, "show", "q2").out
    assert "no (correction)" in text and text.index(f"{TODAY}-q2.yaml") < text.index(f"{TODAY}-q2_02.yaml")
    assert cli("--root", root, "check").code == 0


def test_resolve_usage_errors(cli, root):
    before = snapshot(root)
    assert_clean_error(cli("--root", root, "resolve", "q2", "maybe"), 2, "RESULT must be yes, no or annulled, not 'maybe'")
    assert_clean_error(cli("--root", root, "resolve", "q2"), 2, "give one or more prediction ids and then the result")
    assert_clean_error(cli("--root", root, "resolve", "q2", "nope", "yes"), 2, "no prediction with id 'nope'")
    assert_clean_error(cli("--root", root, "resolve", "q2", "yes", "--evidence", "example.org"), 2, "--evidence:")
    assert_clean_error(cli("--root", root, "resolve", "q2", "yes", "--quote", "q"), 2, "--quote needs --evidence")
    assert_clean_error(cli("--root", root, "resolve", "q2", "yes", "--correct"), 2, "--correct: 'q2' has no outcome")
    assert_clean_error(cli("--root", root, "resolve", "q2", "yes", "--on", "2020-01-01"), 2, "--on 2020-01-01 is before")
    assert snapshot(root) == before


# -- list, show, due ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["eye-test", "beats-lora", "q1", "q2", "q3"]),  # by made, then file, then position
        (["--set", "group"], ["q1", "q2", "q3"]),
        (["--by", "ben"], ["q1"]),  # ben only forecast on q1
        (["--by", "CASPER"], ["eye-test", "beats-lora"]),
        (["--tag", "peft"], ["beats-lora"]),
        (["--tag", "sae"], ["eye-test", "beats-lora"]),  # from the file header
        (["--tag", "sae", "--tag", "peft"], ["beats-lora"]),
        (["--about", "sae paper"], ["eye-test", "beats-lora"]),
        (["--status", "open"], ["q2"]),
        (["--status", "due"], ["q3"]),
        (["--status", "resolved"], ["eye-test", "beats-lora"]),
        (["--status", "annulled"], ["q1"]),
        (["--since", "2025-01-01"], ["q1", "q2", "q3"]),
        (["--until", "2024-12-31"], ["eye-test", "beats-lora"]),
        (["--since", "2025-01-06", "--until", "2025-01-06", "--status", "due"], ["q3"]),
        (["--set", "nope"], []),
    ],
)
def test_list_filters(cli, root, args, expected):
    assert listed(cli, root, *args) == expected


def test_list_json_keys_and_points(cli, root):
    data = json.loads(cli("--root", root, "list", "--json").out)
    assert set(data) == {"selection", "count", "predictions"}
    assert data["count"] == 5 and data["selection"] == "everything"
    assert all(set(p) == STATE_KEYS for p in data["predictions"])
    by_id = {p["id"]: p for p in data["predictions"]}
    assert by_id["eye-test"]["points"] == pytest.approx(1 - 0.99)
    assert by_id["beats-lora"]["points"] == pytest.approx(-0.2)
    assert by_id["q3"]["p"] == 0.75 and by_id["q3"]["p_typed"] == "3:1"
    assert by_id["q1"]["outcome"]["result"] == "annulled" and by_id["q1"]["points"] is None
    assert (by_id["q2"]["file"], by_id["q2"]["line"]) == ("group.yaml", 12)
    assert json.loads(cli("--root", root, "list", "--json", "--set", "sae", "--status", "resolved").out)["selection"] == (
        "set=sae status=resolved"
    )


def test_list_table(cli, root):
    result = cli("--root", root, "list", "--set", "sae")
    assert result.code == 0 and result.err == ""
    assert "eye-test" in result.out and "✅ yes" in result.out and "❌ no" in result.out
    # 0.01 + (-0.2) = -0.19
    assert result.out.rstrip().endswith("points under the post's rule (1-p if it happened, -p if not): -0.19")
    assert cli("--root", root, "list", "--set", "nope").out == "No predictions match.\n"


def test_show(cli, root):
    result = cli("--root", root, "show", "beats-lora")
    assert result.code == 0
    for fragment in ("beats-lora: Sparse fine-tuning beats LoRA", "0.2 (0.2)", "casper", "sae.yaml:10", "-0.20", "peft"):
        assert fragment in result.out
    assert_clean_error(cli("--root", root, "show", "nope"), 2, "no prediction with id 'nope'")


def test_due(cli, root, make_ledger):
    data = json.loads(cli("--root", root, "due", "--json").out)
    assert data["count"] == 1 and [p["id"] for p in data["predictions"]] == ["q3"]
    assert "q3" in cli("--root", root, "due").out
    empty = make_ledger({"p.yaml": "by: a\nmade: 2026-01-01\npredictions:\n  - id: x\n    claim: c\n    p: 0.5\n"}, name="other")
    assert cli("--root", empty, "due").out == "Nothing is past due.\n"


def test_read_commands_warn_about_problems_but_work(cli, root):
    (root / "bad.yaml").write_text("by: a\nmade: 2026-01-01\npredictions:\n  - id: x\n    claim: c\n    p: 2\n")
    result = cli("--root", root, "list", "--json")
    assert result.code == 0 and json.loads(result.out)["count"] == 5
    # One line however narrow the terminal (rich would wrap it at 80 columns in a pipe).
    assert result.err == (
        "pledger: warning: the ledger has 1 problem; records with problems are left out. Run `pledger check` to see them.\n"
    )


def test_check_exit_codes(cli, root):
    assert cli("--root", root, "check").code == 0
    (root / "bad.yaml").write_text("by: a\nmade: 2026-01-01\npredictions:\n  - id: x\n    claim: c\n    p: 2\n")
    result = cli("--root", root, "check")
    assert result.code == 1
    assert result.out.endswith("bad.yaml:6:8: `p`: probability 2 is outside 0..1 (did you mean 2%?)\n")
    assert result.err == "1 problem in 5 files, 5 predictions, 6 forecasts, 3 outcome entries\n"


# -- errors: usage (2) vs data (1), never a traceback -----------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["add", "C", "-p", "0.5", "--due", "next week"], ["--due: 'next week' is not a date; write YYYY-MM-DD"]),
        (["add", "C", "-p", "often"], ["-p: cannot read 'often' as a probability"]),
        (["add", "C", "-p", "nan"], ["-p: probability nan is not a number"]),
        (["add", "C", "-p", "0.5", "--id", "a/b"], ["--id: id 'a/b' looks like a path"]),
        (["add", "C", "-p", "0.5", "--tag", "Bad Tag"], ["--tag: tag 'Bad Tag' is not a slug"]),
        (["add", "C", "-p", "0.5", "--made", "2026-13-01"], ["--made: '2026-13-01' is not a date"]),
        (["add", "  ", "-p", "0.5"], ["the claim is empty"]),
        (["add", "C", "-p", "0.5", "--id", "eye-test"], ["--id 'eye-test' is already used"]),
        (["list", "--status", "finished"], ["--status must be one of open, due, resolved, annulled, not 'finished'"]),
        (["list", "--since", "yesterday"], ["--since: 'yesterday' is not a date"]),
        (["forecast", "q2", "-p", "150%"], ["-p: probability 150% is above 100%"]),
        # TODAY is 2026-11-23 in the tests: nothing is made, forecast or resolved after it.
        (["add", "C", "-p", "0.5", "--made", "2026-11-24"], ["--made: 2026-11-24 is after today (2026-11-23)"]),
        (["forecast", "q2", "-p", "0.4", "--at", "2030-01-01"], ["--at: 2030-01-01 is after today"]),
        (["resolve", "q2", "yes", "--on", "2027-01-01"], ["--on: 2027-01-01 is after today"]),
        (["add", "C", "-p", "0.5", "--source", "javascript:alert(1)"], ["--source: 'javascript:alert(1)'"]),
    ],
)
def test_usage_errors_exit_2_and_name_the_argument(cli, root, args, fragments):
    before = snapshot(root)
    result = cli("--root", root, *args)
    assert_clean_error(result, 2, *fragments)
    assert result.err.count("\n") == 1 and result.out == ""
    assert snapshot(root) == before


def test_click_usage_errors_exit_2(cli, root):
    for args, fragment in (
        (["add", "C"], "give the forecast: -p P"),
        (["list", "--colour"], "No such option: --colour"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["list", "--limit", "0"], "--limit"),
    ):
        result = cli("--root", root, *args)
        assert result.code == 2, (args, result)
        assert fragment in result.err and "Traceback" not in result.err


def test_data_errors_exit_1(cli, root):
    (root / "flow.yaml").write_text("set: flow\nby: a\nmade: 2026-01-01\npredictions: [{id: f, claim: c, p: 0.5}]\n")
    before = snapshot(root)
    result = cli("--root", root, "add", "New", "-p", "0.5", "--set", "flow")
    assert_clean_error(result, 1, "cannot add to flow.yaml")
    assert f"  {root / 'flow.yaml'}:4:14: `predictions:` is written in flow style" in result.err
    assert snapshot(root) == before


@pytest.mark.parametrize(
    "args",
    [
        ("--root", "{root}", "list", "--json"),
        ("list", "--root", "{root}", "--json"),
        ("list", "--json", "--root={root}"),
    ],
)
def test_root_before_or_after_the_command(cli, root, args):
    result = cli(*(a.format(root=root) for a in args))
    assert result.code == 0, result
    assert [p["id"] for p in json.loads(result.out)["predictions"]] == ["eye-test", "beats-lora", "q1", "q2", "q3"]


def test_root_after_a_double_dash_is_an_argument(cli, root):
    # `--` ends the options: this adds a claim that reads "--root", in the ledger given first.
    result = cli("--root", root, "add", "-p", "0.5", "--id", "literal", "--", "--root")
    assert result.code == 0, result
    assert json.loads(cli("--root", root, "show", "literal", "--json").out)["claim"] == "--root"


@pytest.mark.parametrize("args", [("list", "--root"), ("list", "--json", "--root"), ("--root",),
                                  ("add", "x", "-p", "0.5", "--root")])
def test_root_without_a_value_says_it_needs_one(cli, args):
    # Before: after the command, "No such option: --root".
    assert_clean_error(cli(*args), 2, "pledger: error: --root needs a value: the ledger folder (--root DIR)")


def test_help_and_no_arguments(cli):
    result = cli("--help")
    assert result.code == 0 and "resolve" in result.out and "check" in result.out
    assert cli("add", "--help").code == 0


# -- a real process -------------------------------------------------------------


def test_subprocess_round(tmp_path):
    root = tmp_path / "ledger"
    assert run_pledger("init", root).code == 0
    added = run_pledger("--root", root, "add", "It rains tomorrow", "-p", "70%", "--due", "2026-11-24")
    assert (added.code, added.out, added.err) == (0, "it-rains-tomorrow\n", "")
    assert run_pledger("--root", root, "resolve", "it-rains-tomorrow", "no").code == 0
    listing = run_pledger("--root", root, "list", "--json")
    [p] = json.loads(listing.out)["predictions"]
    assert (p["id"], p["status"], p["points"]) == ("it-rains-tomorrow", "resolved", pytest.approx(-0.7))
    checked = run_pledger("--root", root, "check")
    assert (checked.code, checked.out) == (0, "ok: 2 files, 1 prediction, 1 forecast, 1 outcome entry, no problems\n")


def test_subprocess_exit_codes_and_no_traceback(tmp_path):
    identify(tmp_path)
    usage = run_pledger("--root", tmp_path, "add", "C", "-p", "2")
    assert usage.code == 2 and usage.err == "pledger: error: -p: probability 2 is outside 0..1 (did you mean 2%?)\n"
    missing = run_pledger("--root", tmp_path / "nope", "list")
    assert missing.code == 1 and missing.err.startswith("pledger: error: ledger root ") and "Traceback" not in missing.err
    (tmp_path / "bad.yaml").write_text("predictions: [\n")
    bad = run_pledger("--root", ".", "check", cwd=tmp_path)
    assert bad.code == 1 and "Traceback" not in bad.err
    assert bad.out.startswith("bad.yaml:2:1: malformed YAML: ")
    assert bad.err == "1 problem in 1 file, 0 predictions, 0 forecasts, 0 outcome entries\n"
