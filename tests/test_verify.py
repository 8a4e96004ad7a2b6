"""`pledger verify` on real git repositories: each case's verdict, exit code and --json shape."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from gitrepo import OUTCOME_FILE, SET_FILE, GitRepo, have_ssh_keygen, isolated_git
from support import assert_clean_error


@pytest.fixture
def repo(tmp_path, monkeypatch):
    isolated_git(monkeypatch, tmp_path)
    return GitRepo(tmp_path / "work")


def verify(cli, repo, *args):
    r = cli("--root", repo.ledger, "verify", "--json", *args)
    assert "Traceback" not in r.err, r.err
    return r, hydrate(json.loads(r.out))


def hydrate(data: dict) -> dict:
    """The --json object with each commit id replaced by its entry in `commits` (for reading tests)."""
    table = data["commits"]
    expand = lambda sha: table[sha] if sha else None  # noqa: E731
    for p in data["predictions"]:
        for key in ("first_commit", "since", "unchanged_since"):
            p[key] = expand(p[key])
        for e in p["edits"]:
            e["commit"] = expand(e["commit"])
        for r in p["forecasts"] + p["outcomes"]:
            r["since"] = expand(r["since"])
    for r in data["removed"]:
        r["first_commit"], r["removed_in"] = expand(r["first_commit"]), expand(r["removed_in"])
    if data["seal"]:
        data["seal"]["committed"] = expand(data["seal"]["committed"])
    for s in data["sets"]:
        s["since"] = [expand(c) for c in s["since"]]
    return data


def by_id(data, pid):
    return next(p for p in data["predictions"] if p["id"] == pid)


def codes(prediction):
    return [f["code"] for f in prediction["findings"]]


# -- the plain cases ---------------------------------------------------------------------------------


def test_predictions_committed_before_their_resolution_pass(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    first = repo.commit("predictions", "2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    r, data = verify(cli, repo)
    assert r.code == 0, r.err
    assert data["verdict"] == "ok" and data["exit_code"] == 0 and data["available"] is True
    (s,) = data["sets"]
    assert s["set"] == "s1" and s["verdict"] == "ok" and s["predictions"] == 3
    assert s["summary"] == f"all 3 predictions on record before their resolution, unchanged since: commit {first[:7]}, 2024-05-02"
    assert s["rests_on"] == ["committer-dates"]
    a = by_id(data, "a")
    assert a["since"]["commit"] == first and a["first_commit"]["commit"] == first
    assert a["since"]["committer_date"] == "2024-05-02T12:00:00+00:00"
    assert a["resolved_on"] == "2024-05-21" and a["status"] == "resolved" and a["committed"] is True
    assert a["findings"] == [] and a["edits"] == []
    assert [o["since"]["commit"] for o in a["outcomes"]] == [repo.head()]
    # The documented top-level and per-prediction keys (docs/verify.md#json).
    assert set(data) == {"available", "reason", "repository", "selection", "mode", "verdict", "exit_code", "problems",
                         "counts", "sets", "predictions", "removed", "notes", "seal", "commits"}
    raw = json.loads(cli("--root", repo.ledger, "verify", "--json").out)
    assert raw["predictions"][0]["since"] == first and set(raw["commits"]) == {first, repo.head()}
    assert set(a) == {"id", "set", "status", "resolved_on", "due", "made", "verdict", "committed", "first_commit",
                      "since", "unchanged_since", "late", "findings", "edits", "forecasts", "outcomes",
                      "vs_resolution", "vs_due"}
    assert a["vs_resolution"] == "before" and a["vs_due"] is None
    assert set(a["since"]) == {"commit", "short", "author_date", "committer_date", "effective_date", "signature",
                               "signer", "key", "rewritten", "shallow_edge"}
    text = cli("--root", repo.ledger, "verify")
    assert text.code == 0 and "ok: all 3 predictions on record before their resolution" in text.out
    assert "Verdict: ok (exit 0" in text.out


def test_predictions_committed_after_their_resolution_fail(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    late = repo.commit("everything at once, after the fact", "2024-06-10")
    r, data = verify(cli, repo)
    assert r.code == 1
    assert data["verdict"] == "fail" and data["exit_code"] == 1
    a = by_id(data, "a")
    assert a["verdict"] == "fail" and a["late"] is True
    assert codes(a) == ["added-late"] and a["vs_resolution"] == "after"
    assert a["findings"][0]["commit"] == late
    assert "after its resolution (2024-05-21)" in a["findings"][0]["message"]
    assert data["sets"][0]["summary"] == "3 predictions: 3 added after their resolution"


def test_prediction_committed_with_its_outcome_fails_whatever_the_dates(cli, repo):
    # The commit is dated before the resolution, but the outcome is in the same commit: hindsight.
    repo.write("s1.yaml", SET_FILE)
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("backdated", "2024-05-10")
    r, data = verify(cli, repo)
    assert r.code == 1
    assert codes(by_id(data, "b")) == ["added-with-outcome"]


def test_prediction_added_after_its_outcome_was_committed_fails(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE.replace("  c: no\n", "  c: no\n  d: yes\n"))
    repo.commit("first three and an outcome", "2024-05-02")
    repo.write("s2.yaml", "set: s2\nby: ada\nmade: 2024-05-01\npredictions:\n  - {id: d, claim: Late one, p: 50%}\n")
    repo.commit("d, with a date claiming earlier", "2024-05-03")
    r, data = verify(cli, repo)
    assert r.code == 1
    assert codes(by_id(data, "d")) == ["added-with-outcome"]
    assert "after the commit that recorded its outcome" in by_id(data, "d")["findings"][0]["message"]


def test_not_in_a_git_repository_is_a_clear_error(cli, make_ledger):
    root = make_ledger({"s1.yaml": SET_FILE})
    r = cli("--root", root, "verify")
    assert_clean_error(r, 1, "not in a git repository", "git init")
    assert r.out == ""


def test_uncommitted_records_warn_and_fail_under_strict(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("s2.yaml", "set: s2\nby: ada\nmade: 2024-05-03\npredictions:\n  - {id: d, claim: New one, p: 50%}\n")
    r, data = verify(cli, repo)
    assert r.code == 0  # a warning: not on record yet, and not resolved
    d = by_id(data, "d")
    assert d["verdict"] == "warn" and codes(d) == ["uncommitted"] and d["since"] is None and d["committed"] is False
    s2 = next(s for s in data["sets"] if s["set"] == "s2")
    assert s2["summary"] == "1 prediction: 1 not committed yet"
    strict, sdata = verify(cli, repo, "--strict")
    assert strict.code == 1 and sdata["mode"] == "strict" and sdata["exit_code"] == 1
    # Resolved while never committed: nothing shows it was written before the resolution.
    repo.write("outcomes/x.yaml", "on: 2024-05-21\nby: ada\nresults:\n  d: yes\n")
    r, data = verify(cli, repo)
    assert r.code == 1 and codes(by_id(data, "d")) == ["not-on-record"]


def test_set_and_status_filters_select_what_is_verified(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.write("s2.yaml", "set: s2\nby: ada\nmade: 2024-06-01\npredictions:\n  - {id: d, claim: Other, p: 50%}\n")
    repo.commit("two sets", "2024-05-02")
    _, data = verify(cli, repo, "--set", "s2")
    assert [p["id"] for p in data["predictions"]] == ["d"] and data["selection"] == "set=s2"
    r = cli("--root", repo.ledger, "verify", "--set", "nope")
    assert r.code == 0 and "no predictions match --set nope" in r.err


# -- edits -------------------------------------------------------------------------------------------


def test_claim_edited_after_commit_warns_and_says_what_changed(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    first = repo.commit("predictions", "2024-05-02")
    repo.write("s1.yaml", SET_FILE.replace("It beats LoRA", "It beats LoRA on one benchmark"))
    edit = repo.commit("sharpen b", "2024-05-10")
    r, data = verify(cli, repo)
    assert r.code == 0
    b = by_id(data, "b")
    assert b["verdict"] == "warn" and codes(b) == ["edited"]
    assert b["first_commit"]["commit"] == first and b["since"]["commit"] == edit
    (e,) = b["edits"]
    assert e["fields"] == ["claim"] and e["substantive"] is True and e["commit"]["commit"] == edit
    assert e["before"] == {"claim": "It beats LoRA"} and e["after"] == {"claim": "It beats LoRA on one benchmark"}
    assert by_id(data, "a")["findings"] == []  # the other items of the file are untouched
    s = data["sets"][0]
    assert s["verdict"] == "warn" and "1 edited since its first commit" in s["summary"]
    assert cli("--root", repo.ledger, "verify", "--strict").code == 1


def test_claim_edited_after_the_resolution_fails(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    repo.write("s1.yaml", SET_FILE.replace("It finds a novel bug", "It finds no novel bug"))
    edit = repo.commit("fix c after the fact", "2024-06-02")
    r, data = verify(cli, repo)
    assert r.code == 1
    c = by_id(data, "c")
    assert codes(c) == ["edited-late"] and c["late"] is True and c["since"]["commit"] == edit
    assert "its claim changed on 2024-06-02" in c["findings"][0]["message"]
    assert data["sets"][0]["summary"] == "3 predictions: 2 of 3 on record before their resolution; 1 edited after its resolution"


def test_probability_changed_is_an_edit_but_rewriting_it_in_another_form_is_not(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("s1.yaml", SET_FILE.replace("p: 90%", "p: 0.9").replace("p: 0.2", "p: 0.3"))
    repo.commit("p of b moved; a's written as a decimal", "2024-05-05")
    _, data = verify(cli, repo)
    b, a = by_id(data, "b"), by_id(data, "a")
    assert codes(b) == ["edited"] and b["edits"][0]["fields"] == ["p"]
    assert b["edits"][0]["before"] == {"p": "0.2"} and b["edits"][0]["after"] == {"p": "0.3"}
    # 90% -> 0.9: the same probability, a note only, and still on record since the first commit.
    assert codes(a) == ["annotated"] and a["verdict"] == "info" and a["edits"][0]["substantive"] is False
    assert a["since"]["commit"] == a["first_commit"]["commit"] != a["unchanged_since"]["commit"]


def test_reformatting_reindenting_and_moving_between_files_change_nothing(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    first = repo.commit("predictions", "2024-05-02")
    flow = """
    # Rewritten by hand: flow style, other quoting, other order of keys, a comment.
    by: ada
    made: 2024-05-01
    title: Ten things the paper will do
    set: s1
    predictions:
        - {p: 90%, claim: "It uses eye-test experiments", id: a}
        - id: b
          criteria: >-
            Beats it on every
            benchmark in the paper
          claim: 'It beats LoRA'
          p: 0.2
    """
    repo.write("s1.yaml", flow)
    repo.write("more/s1-rest.yaml", "set: s1\nby: ada\nmade: 2024-05-01\npredictions:\n  - id: c\n    claim: It finds a novel bug\n    p: 1 in 20\n")
    repo.commit("reformat, and move c to another file", "2024-05-04")
    r, data = verify(cli, repo)
    assert r.code == 0, r.out
    for pid in "abc":
        p = by_id(data, pid)
        assert p["findings"] == [] and p["unchanged_since"]["commit"] == first, (pid, p)


def test_renamed_file_keeps_its_history(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    first = repo.commit("predictions", "2024-05-02")
    repo.git("mv", "predictions/s1.yaml", "predictions/renamed.yaml")
    repo.commit("rename", "2024-06-01")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved (after the rename)", "2024-06-02")
    r, data = verify(cli, repo)
    assert r.code == 0
    assert {by_id(data, p)["since"]["commit"] for p in "abc"} == {first}


def test_ledger_folder_moved_within_the_repository_is_followed(cli, repo, tmp_path):
    old = GitRepo(repo.top, ledger="old-place")
    old.write("s1.yaml", SET_FILE)
    first = old.commit("predictions in their first folder", "2024-05-02")
    repo.git("mv", "old-place", "predictions")
    repo.commit("move the ledger", "2024-06-01")
    r, data = verify(cli, repo)
    assert r.code == 0, r.out
    assert by_id(data, "a")["since"]["commit"] == first
    assert any(n["code"] == "moved-in" and "old-place/s1.yaml" in n["message"] for n in data["notes"])


def test_forecast_rewritten_rather_than_appended_warns(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.write("forecasts.yaml", "forecasts:\n  - {prediction: b, p: 30%, by: ben, at: 2024-05-03}\n")
    repo.commit("predictions and ben's forecast", "2024-05-03")
    repo.write("forecasts.yaml", "forecasts:\n  - {prediction: b, p: 40%, by: ben, at: 2024-05-03}\n")
    change = repo.commit("ben changes his mind in place", "2024-05-04")
    r, data = verify(cli, repo)
    assert r.code == 0
    b = by_id(data, "b")
    assert codes(b) == ["forecast-rewritten"]
    f = b["findings"][0]
    assert f["commit"] == change and "p 30% → 40%" in f["message"]
    assert [x["record"]["p"] for x in b["forecasts"]] == ["40%"]


def test_outcome_rewritten_fails_and_a_corrected_note_warns(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE.replace("  b: no", "  b: yes").replace(
        "  c: no", "  c:\n    result: no\n    note: Close call"))
    rewrite = repo.commit("b happened after all (rewritten in place)", "2024-05-25")
    r, data = verify(cli, repo)
    assert r.code == 1
    b, c = by_id(data, "b"), by_id(data, "c")
    assert codes(b) == ["outcome-rewritten"] and b["verdict"] == "fail"
    assert "rewritten in" in b["findings"][0]["message"] and "to yes" in b["findings"][0]["message"]
    assert b["findings"][0]["commit"] == rewrite
    assert codes(c) == ["outcome-edited"] and c["verdict"] == "warn"


def test_a_correction_appended_is_not_a_rewrite(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    repo.write("outcomes/2024-05-25.yaml", "on: 2024-05-25\nby: ada\ncorrection: true\nresults:\n  b: yes\n")
    repo.commit("correction", "2024-05-25")
    r, data = verify(cli, repo)
    assert r.code == 0 and by_id(data, "b")["findings"] == []
    assert len(by_id(data, "b")["outcomes"]) == 2


def test_removed_prediction_is_listed(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("s1.yaml", SET_FILE.split("  - id: c")[0])
    gone = repo.commit("drop c quietly", "2024-05-22")
    r, data = verify(cli, repo)
    assert r.code == 0
    (removed,) = data["removed"]
    assert removed["id"] == "c" and removed["set"] == "s1" and removed["removed_in"]["commit"] == gone
    assert cli("--root", repo.ledger, "verify", "--strict").code == 1


def test_same_day_commit_cannot_show_which_came_first(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-21T08:00")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21T20:00")
    r, data = verify(cli, repo)
    assert r.code == 0
    assert codes(by_id(data, "a")) == ["same-day"]
    assert data["sets"][0]["summary"] == "3 predictions: 3 first committed on their resolution day"


def test_commit_dated_before_its_parent_counts_from_the_parent(cli, repo):
    repo.write("base.yaml", "forecasts: []\n")
    repo.commit("an honest commit", "2024-06-01")
    repo.write("s1.yaml", SET_FILE)
    repo.commit("backdated by hand", "2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-06-02")
    r, data = verify(cli, repo)
    assert r.code == 1
    a = by_id(data, "a")
    assert a["since"]["committer_date"].startswith("2024-05-02") and a["since"]["effective_date"].startswith("2024-06-01")
    assert "dates-disagree" in codes(a) or "added-late" in codes(a)
    assert any(n["code"] == "dated-before-parent" for n in data["notes"])


def test_merged_branch_counts_from_the_branch_commit(cli, repo):
    repo.write("README.yaml", "forecasts: []\n")
    repo.commit("start", "2024-04-01")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("s1.yaml", SET_FILE)
    branch_commit = repo.commit("predictions on a branch", "2024-05-02")
    repo.git("checkout", "-q", "main")
    repo.write("other.yaml", "forecasts: []\n")
    repo.commit("meanwhile", "2024-05-03")
    repo.git("merge", "-q", "--no-edit", "side", date="2024-05-30")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-31")
    r, data = verify(cli, repo)
    assert r.code == 0, r.out
    assert by_id(data, "a")["since"]["commit"] == branch_commit


# -- rewritten and partial histories ------------------------------------------------------------------


def test_rebase_that_rewrites_dates_cannot_tell(cli, repo):
    repo.write("base.yaml", "forecasts: []\n")
    repo.commit("base", "2024-04-01")
    repo.git("checkout", "-q", "-b", "other")
    repo.write("other.yaml", "forecasts: []\n")
    repo.commit("other work", "2024-04-02")
    repo.git("checkout", "-q", "main")
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    repo.git("rebase", "-q", "other", date="2024-06-15")  # every commit gets a new committer date
    r, data = verify(cli, repo)
    assert r.code == 1
    a = by_id(data, "a")
    assert codes(a)[0] == "dates-disagree" and a["verdict"] == "unknown" and a["vs_resolution"] == "disagree"
    assert a["since"]["rewritten"] is True and a["since"]["author_date"].startswith("2024-05-02")
    assert "cannot show which is true" in a["findings"][0]["message"]
    assert data["sets"][0]["verdict"] == "unknown"
    notes = {n["code"] for n in data["notes"]}
    assert "rewritten-commits" in notes and "reflog-rewrite" in notes


def test_shallow_clone_says_what_it_cannot_see(cli, repo, tmp_path):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    repo.write("s2.yaml", "set: s2\nby: ada\nmade: 2024-06-01\npredictions:\n  - {id: d, claim: Later, p: 50%}\n")
    repo.commit("a later set", "2024-06-01")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.top}", str(clone)], check=True)
    shutil.copy(repo.ledger / ".pledger-id", clone / "predictions")  # the same ledger (kept out of the commits: gitrepo)
    r = cli("--root", clone / "predictions", "verify", "--json")
    data = hydrate(json.loads(r.out))
    assert data["repository"]["shallow"] is True and data["repository"]["commits"] == 1
    a = by_id(data, "a")
    # The only commit here is dated after the resolution, but the history before it is missing:
    # not "added late", which would be wrong, but "cannot tell".
    assert codes(a) == ["shallow"] and a["verdict"] == "unknown" and a["since"]["shallow_edge"] is True
    assert r.code == 1
    assert any(n["code"] == "shallow-clone" and "git fetch --unshallow" in n["message"] for n in data["notes"])
    text = cli("--root", clone / "predictions", "verify")
    assert "CANNOT TELL" in text.out and "shallow clone" in text.out
    # In the full repository the same prediction passes.
    assert verify(cli, repo)[0].code == 0


# -- signatures ------------------------------------------------------------------------------------------


@pytest.mark.skipif(not have_ssh_keygen(), reason="ssh-keygen (openssh-client) is needed to make a signing key")
def test_signed_commits_and_tags_are_checked_and_reported(cli, repo, tmp_path):
    repo.signing_key(tmp_path)
    repo.write("s1.yaml", SET_FILE)
    signed = repo.commit("signed predictions", "2024-05-02", sign=True)
    repo.git("tag", "-s", "-m", "published", "v1", date="2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved, unsigned", "2024-05-21")
    r, data = verify(cli, repo)
    assert r.code == 0, r.out
    a = by_id(data, "a")
    assert a["since"]["commit"] == signed and a["since"]["signature"] == "good"
    assert a["since"]["signer"] == "forecaster@example.org"
    s = data["sets"][0]
    assert s["rests_on"] == ["committer-dates", "signatures"]
    kinds = [e["kind"] for e in s["evidence"]]
    assert kinds == ["dates", "signature", "tag"]
    assert "signed tag v1 contains every first commit (good signature" in s["evidence"][2]["text"]
    # Without the allowed signers git cannot check the signature: said so, never called good.
    repo.git("config", "--unset", "gpg.ssh.allowedSignersFile")
    _, data = verify(cli, repo)
    assert by_id(data, "a")["since"]["signature"] == "unchecked"
    assert "signatures" not in data["sets"][0]["rests_on"]


@pytest.mark.skipif(not have_ssh_keygen(), reason="ssh-keygen (openssh-client) is needed to make a signing key")
def test_a_commit_changed_after_it_was_signed_fails(cli, repo, tmp_path):
    repo.signing_key(tmp_path)
    repo.write("s1.yaml", SET_FILE)
    repo.commit("signed predictions", "2024-05-02", sign=True)
    # Rewrite the signed commit object by hand (its message), keeping the old signature.
    raw = repo.git("cat-file", "commit", "HEAD") + "\n"
    forged = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo.top, check=True,
                            input=raw.replace("signed predictions", "signed predictions, honest"), text=True,
                            capture_output=True).stdout.strip()
    repo.git("update-ref", "refs/heads/main", forged)
    r, data = verify(cli, repo)
    a = by_id(data, "a")
    assert a["since"]["commit"] == forged and a["since"]["signature"] == "bad"
    assert "bad-signature" in codes(a) and a["verdict"] == "fail" and r.code == 1
    assert any("does not verify" in e["text"] for e in data["sets"][0]["evidence"])


@pytest.mark.skipif(not have_ssh_keygen(), reason="ssh-keygen (openssh-client) is needed to make a signing key")
def test_a_key_nobody_allowed_is_not_called_good(cli, repo, tmp_path):
    repo.signing_key(tmp_path)
    (tmp_path / "other").mkdir()
    repo.git("config", "user.signingkey", str(GitRepo.signing_key(repo, tmp_path / "other")) + ".pub")
    repo.git("config", "gpg.ssh.allowedSignersFile", str(tmp_path / "allowed_signers"))  # the first key only
    repo.write("s1.yaml", SET_FILE)
    repo.commit("signed by a key nobody allowed", "2024-05-02", sign=True)
    r, data = verify(cli, repo)
    a = by_id(data, "a")
    assert a["since"]["signature"] == "unknown-key" and a["since"]["key"].startswith("SHA256:")
    assert data["sets"][0]["rests_on"] == ["committer-dates"]
    assert any("does not vouch for" in e["text"] for e in data["sets"][0]["evidence"])
    assert r.code == 0  # only the dates are evidence then: nothing fails


# -- where the ledger sits ---------------------------------------------------------------------------


def test_ledger_at_the_top_of_its_repository(cli, tmp_path, monkeypatch):
    isolated_git(monkeypatch, tmp_path)
    top = GitRepo(tmp_path / "ledger", ledger="")
    top.write("s1.yaml", SET_FILE)
    (top.top / ".github").mkdir()
    (top.top / ".github" / "ci.yml").write_text("on: push\n", encoding="utf-8")  # hidden: not a ledger file
    first = top.commit("predictions", "2024-05-02")
    r, data = verify(cli, top)
    assert r.code == 0 and data["repository"]["prefix"] == "" and data["repository"]["ledger_files_in_head"] == 1
    assert by_id(data, "a")["since"]["commit"] == first


def test_a_file_git_ignores_is_not_on_record(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    with open(repo.top / ".gitignore", "a", encoding="utf-8") as ignore:
        ignore.write("predictions/private.yaml\n")
    repo.commit("predictions", "2024-05-02")
    repo.write("private.yaml", "set: p\nby: ada\nmade: 2024-05-01\npredictions:\n  - {id: hidden, claim: H, p: 50%}\n")
    _, data = verify(cli, repo)
    assert codes(by_id(data, "hidden")) == ["uncommitted"]


def test_a_merge_that_resolves_a_conflict_with_new_text_counts_from_the_merge(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("s1.yaml", SET_FILE.replace("It beats LoRA", "It beats LoRA (side)"))
    repo.commit("side wording", "2024-05-03")
    repo.git("checkout", "-q", "main")
    repo.write("s1.yaml", SET_FILE.replace("It beats LoRA", "It beats LoRA (main)"))
    repo.commit("main wording", "2024-05-04")
    repo.git("merge", "-q", "side", date="2024-05-05", check=False)  # a conflict
    repo.write("s1.yaml", SET_FILE.replace("It beats LoRA", "It beats LoRA (resolved)"))
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-edit", date="2024-05-06")
    merge = repo.head()
    assert len(repo.git("rev-list", "--parents", "-n", "1", "HEAD").split()) == 3
    _, data = verify(cli, repo)
    b = by_id(data, "b")
    assert b["since"]["commit"] == merge and codes(b) == ["edited"]
    assert by_id(data, "a")["findings"] == []


def test_text_output_lists_edits_and_all(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("s1.yaml", SET_FILE.replace("claim: It beats LoRA", 'claim: "It beats LoRA\\e[31m red"'))
    repo.commit("edit", "2024-05-03")
    r = cli("--root", repo.ledger, "verify")
    assert r.code == 0
    assert "WARN edited: its claim changed since its first commit" in r.out
    assert "claim: 'It beats LoRA' → 'It beats LoRA [31m red'" in r.out  # the escape code is a space
    assert "\x1b" not in r.out
    everything = cli("--root", repo.ledger, "verify", "--all")
    assert "  a: ok, on record since" in everything.out and "  a: ok" not in r.out


def test_the_python_api_gives_the_same_report(repo):
    import ledger

    repo.write("s1.yaml", SET_FILE)
    first = repo.commit("predictions", "2024-05-02")
    book = ledger.open(repo.ledger)
    report = book.verify(set="s1")
    assert report.available and report.exit_code() == 0
    assert report.sets[0].sentence() == (f"all 3 predictions on record (none resolved yet), unchanged since: "
                                         f"commit {first[:7]}, 2024-05-02")
    assert report.prediction("a").since.sha == first
    assert book.seal(set="s1").hex == book.seal(set="s1").hex and len(book.seal(set="s1").leaves) == 3
    book.close()


def test_an_edit_reverted_shows_both_edits_and_dates_the_text_from_its_return(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    first = repo.commit("predictions", "2024-05-02")
    repo.write("s1.yaml", SET_FILE.replace("It beats LoRA", "It beats LoRA easily"))
    repo.commit("edit", "2024-05-03")
    repo.git("revert", "--no-edit", "HEAD", date="2024-05-04")
    back = repo.head()
    _, data = verify(cli, repo)
    b = by_id(data, "b")
    assert [e["after"]["claim"] for e in b["edits"]] == ["It beats LoRA easily", "It beats LoRA"]
    assert b["since"]["commit"] == first and b["unchanged_since"]["commit"] == back
    assert codes(b) == ["edited"] and "2 edits" in b["findings"][0]["message"]


def test_a_shallow_edge_before_the_resolution_still_passes(cli, repo, tmp_path):
    repo.write("start.yaml", "forecasts: []\n")
    repo.commit("start", "2024-05-01")
    repo.write("s1.yaml", SET_FILE)
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("predictions and an outcome together", "2024-05-20")
    repo.write("later.yaml", "forecasts: []\n")
    repo.commit("later", "2024-05-25")
    clone = tmp_path / "clone2"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo.top}", str(clone)], check=True)
    shutil.copy(repo.ledger / ".pledger-id", clone / "predictions")  # the same ledger (kept out of the commits: gitrepo)
    # In full: committed with its outcome (fails). Cut at that very commit, the clone cannot know
    # what came before it: on record since at least 2024-05-20, before the resolution: passes, noted.
    assert codes(by_id(verify(cli, repo)[1], "a")) == ["added-with-outcome"]
    r = cli("--root", clone / "predictions", "verify", "--json")
    data = hydrate(json.loads(r.out))
    a = by_id(data, "a")
    assert data["repository"]["shallow"] is True and data["repository"]["commits"] == 2
    assert a["since"]["shallow_edge"] is True and codes(a) == ["shallow-edge"] and a["verdict"] == "info"
    assert r.code == 0


def test_a_multiple_choice_question_whose_options_moved_after_the_resolution_fails(cli, repo):
    repo.write("k.yaml", "set: k\nby: ada\nmade: 2024-05-01\npredictions:\n"
                         "  - id: who\n    claim: Who ships first\n    options: {OpenAI: 50%, Anthropic: 50%}\n")
    repo.commit("question", "2024-05-02")
    repo.write("outcomes/o.yaml", "on: 2024-06-01\nby: ada\nresults:\n  who: Anthropic\n")
    repo.commit("resolved", "2024-06-01")
    repo.write("k.yaml", "set: k\nby: ada\nmade: 2024-05-01\npredictions:\n"
                         "  - id: who\n    claim: Who ships first\n    options: {OpenAI: 0.2, Anthropic: 0.8}\n")
    repo.commit("hindsight", "2024-06-02")
    r, data = verify(cli, repo)
    who = by_id(data, "who")
    assert r.code == 1 and codes(who) == ["edited-late"] and who["edits"][0]["fields"] == ["dist"]


def test_a_repository_without_commits_has_nothing_on_record(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    r, data = verify(cli, repo)
    assert r.code == 0 and data["repository"]["head"] is None and data["repository"]["commits"] == 0
    assert {tuple(codes(p)) for p in data["predictions"]} == {("uncommitted",)}
    assert [n["code"] for n in data["notes"]] == ["no-commits"]


def test_without_git_verify_says_so_and_the_scorecard_is_unchanged(cli, repo, tmp_path, monkeypatch):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    card = cli("--root", repo.ledger, "scorecard", "--no-chart")
    assert "## On record" in card.out
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    assert_clean_error(cli("--root", repo.ledger, "verify"), 1, "`git` command is not installed")
    plain = cli("--root", repo.ledger, "scorecard", "--no-chart")
    assert plain.code == 0 and "On record" not in plain.out
    asked = cli("--root", repo.ledger, "scorecard", "--no-chart", "--verify")
    assert "Not checked: the \\`git\\` command is not installed" in asked.out  # escaped markdown: `git` as text


@pytest.mark.skipif(not have_ssh_keygen(), reason="ssh-keygen (openssh-client) is needed to make a signing key")
def test_a_tag_changed_after_it_was_signed_is_no_evidence(cli, repo, tmp_path):
    repo.signing_key(tmp_path)
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.git("tag", "-s", "-m", "published", "v1", date="2024-05-02")
    raw = repo.git("cat-file", "tag", "v1") + "\n"
    forged = subprocess.run(["git", "hash-object", "-t", "tag", "-w", "--stdin"], cwd=repo.top, check=True, text=True,
                            input=raw.replace("published", "published, honestly"), capture_output=True).stdout.strip()
    repo.git("update-ref", "refs/tags/v1", forged)
    _, data = verify(cli, repo)
    (tag,) = [e for e in data["sets"][0]["evidence"] if e["kind"] == "tag"]
    assert "(bad signature)" in tag["text"] and "signed-tag" not in data["sets"][0]["rests_on"]


def test_the_site_shows_each_sets_verdict_and_late_marks(cli, repo, tmp_path):
    import html
    import re

    repo.write("s1.yaml", SET_FILE)
    first = repo.commit("predictions", "2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    out = tmp_path / "site"
    assert cli("--root", repo.ledger, "site", "-o", out).code == 0
    page = (out / "sets" / "s1.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "On record" in text and first[:7] in text and "2024-05-02" in text
    assert "†" not in text
    # A new commit that edits a claim after the resolution: the next build shows it, and marks it.
    repo.write("s1.yaml", SET_FILE.replace("claim: It uses eye-test experiments", "claim: It uses eye tests, said better", 1))
    repo.commit("edit a claim", "2024-06-01")
    assert cli("--root", repo.ledger, "site", "-o", out).code == 0
    text = html.unescape(re.sub(r"<[^>]+>", " ", (out / "sets" / "s1.html").read_text()))
    assert "†" in text


def test_the_site_of_a_ledger_outside_git_says_nothing_of_it(cli, make_ledger, tmp_path, monkeypatch):
    isolated_git(monkeypatch, tmp_path)
    root = make_ledger({"s1.yaml": SET_FILE, "outcomes/2024-05-21.yaml": OUTCOME_FILE})
    out = tmp_path / "site"
    assert cli("--root", root, "site", "-o", out).code == 0
    assert "On record" not in (out / "sets" / "s1.html").read_text()
