"""The scorecard's On record part: each set's verify verdict, its evidence, the † marks, forge links;
and nothing at all for a ledger outside git (the goldens in tests/golden are made there)."""

from __future__ import annotations

import shutil

import pytest

from gitrepo import GitRepo, isolated_git
from support import EXAMPLE_LEDGER, hrefs, scorecard_html, tables

from ledger.report.on_record import commit_url


@pytest.fixture
def repo(tmp_path, monkeypatch):
    isolated_git(monkeypatch, tmp_path)
    return GitRepo(tmp_path / "work")


@pytest.fixture
def bundled_repo(repo):
    """The bundled example committed as it would have been: predictions before, outcomes on their day."""
    shutil.copytree(EXAMPLE_LEDGER, repo.ledger, ignore=shutil.ignore_patterns(".pledger", "outcomes"))
    repo.commit("the SAE predictions and the reading group's", "2024-05-05")
    (repo.ledger / "outcomes").mkdir()
    for path in sorted((EXAMPLE_LEDGER / "outcomes").glob("*.yaml")):
        shutil.copy(path, repo.ledger / "outcomes" / path.name)
        repo.commit(f"resolve {path.stem}", path.name[:10])
    return repo


def on_record(md: str) -> str:
    """The On record part: from its heading to the next part's."""
    start = md.index("## On record")
    return md[start:md.index("\n## ", start) + 1]


def no_raw_html(md: str) -> bool:
    """No raw HTML but the github appendix's fold (<details>), which holds no user text."""
    return scorecard_html(md) == []


def card(cli, root, *args) -> str:
    r = cli("--root", root, "scorecard", "--no-chart", *args)
    assert r.code == 0, r.err
    return r.out


def test_outside_git_the_scorecard_says_nothing_unless_asked(cli, bundled):
    plain = card(cli, bundled, "--set", "anthropic-sae-2024")
    assert "On record" not in plain and "†" not in plain
    off = card(cli, bundled, "--set", "anthropic-sae-2024", "--no-verify")
    assert off.replace(" --no-verify`", "`") == plain  # the footer's command names the flag
    asked = card(cli, bundled, "--set", "anthropic-sae-2024", "--verify")
    assert "## On record\n\nNot checked: the ledger is not in a git repository" in asked
    # One line added, nothing else changed (but the footer's command).
    part = on_record(asked)
    assert asked.replace(part, "").replace(" --verify`", "`") == plain


def test_a_ledger_in_git_but_never_committed_gets_no_part_by_default(cli, repo):
    shutil.copytree(EXAMPLE_LEDGER, repo.ledger, ignore=shutil.ignore_patterns(".pledger"))
    (repo.top / "README.md").write_text("not the ledger\n", encoding="utf-8")
    repo.git("add", "README.md")
    repo.git("commit", "-q", "-m", "readme", date="2024-05-01")
    assert "On record" not in card(cli, repo.ledger, "--set", "anthropic-sae-2024")
    asked = card(cli, repo.ledger, "--set", "anthropic-sae-2024", "--verify")
    assert "10 predictions: 10 resolved but never committed." in asked


def test_verdict_and_evidence_of_a_set_on_record_in_time(cli, bundled_repo):
    first = bundled_repo.git("rev-list", "--max-parents=0", "HEAD")
    md = card(cli, bundled_repo.ledger, "--set", "anthropic-sae-2024", "--repo-url", "https://github.com/ada/forecasts")
    part = on_record(md)
    assert (f"✅ **On record** (What Anthropic's next SAE paper will and won't do): all 10 predictions on record "
            f"before their resolution, unchanged since: commit [{first[:7]}](https://github.com/ada/forecasts/commit/{first}), "
            "2024-05-05.") in part
    assert "Evidence: git commit dates: claims whoever commits makes" in part
    assert "†" not in md
    assert f"https://github.com/ada/forecasts/commit/{first}" in hrefs(md)
    assert no_raw_html(md)


def test_a_prediction_edited_after_its_resolution_is_marked(cli, bundled_repo):
    path = bundled_repo.ledger / "anthropic-sae-2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "PEFT by training sparse weights/biases on SAE embeddings that beats baselines such as LoRA",
        "PEFT on SAE embeddings does not beat LoRA"), encoding="utf-8")
    edit = bundled_repo.commit("reword #4 after the fact", "2026-02-01")
    md = card(cli, bundled_repo.ledger, "--set", "anthropic-sae-2024")
    (table,) = tables(md)[:1]
    marked = [row for row in table[1:] if row[1].endswith("†")]
    assert [row[0] for row in marked] == ["4"]
    part = on_record(md)
    assert "❌ **Not on record in time**" in part
    assert "10 predictions: 9 of 10 on record before their resolution; 1 edited after its resolution." in part
    assert f"† #4: its claim changed on 2026-02-01 ({edit[:7]}), after its resolution (2024-05-21)." in part
    plain = card(cli, bundled_repo.ledger, "--set", "anthropic-sae-2024", "--flavor", "plain")
    assert "**Not on record in time**" in plain and "❌ **Not" not in plain
    # With --repo-url the reason's commit links to the forge, as the verdict line's commits do.
    linked = on_record(card(cli, bundled_repo.ledger, "--set", "anthropic-sae-2024", "--repo-url",
                            "https://github.com/ada/forecasts"))
    assert (f"† #4: its claim changed on 2026-02-01 ([{edit[:7]}](https://github.com/ada/forecasts/commit/{edit})), "
            "after its resolution (2024-05-21).") in linked
    assert f"https://github.com/ada/forecasts/commit/{edit}" in hrefs(linked)
    acx = card(cli, bundled_repo.ledger, "--set", "anthropic-sae-2024", "--style", "acx")
    marked = [line for line in acx.splitlines() if line.startswith("- ") and "†" in line]
    assert len(marked) == 1 and marked[0].startswith("- \\#4 ") and "PEFT on SAE embeddings does not beat LoRA †" in marked[0]


def test_the_commit_of_a_seal_in_the_evidence_links_to_the_forge(cli, repo):
    from gitrepo import OUTCOME_FILE, SET_FILE

    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    assert cli("--root", repo.ledger, "seal", "--set", "s1", "--save").code == 0
    sealed = repo.commit("the seal", "2024-05-03")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    part = on_record(card(cli, repo.ledger, "--repo-url", "https://github.com/ada/forecasts"))
    assert f"committed 2024-05-03 ([{sealed[:7]}](https://github.com/ada/forecasts/commit/{sealed}))): holds" in part
    assert f"https://github.com/ada/forecasts/commit/{sealed}" in hrefs(part)
    assert f"committed 2024-05-03 ({sealed[:7]})): holds" in on_record(card(cli, repo.ledger))


def test_a_reason_that_names_two_commits_links_both(cli, repo):
    from gitrepo import OUTCOME_FILE, SET_FILE

    repo.write("s1.yaml", SET_FILE)
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE.replace("  c: no\n", "  c: no\n  d: yes\n"))
    outcome = repo.commit("first three and an outcome", "2024-05-02")
    repo.write("s2.yaml", "set: s2\nby: ada\nmade: 2024-05-01\npredictions:\n  - {id: d, claim: Late one, p: 50%}\n")
    late = repo.commit("d, with a date claiming earlier", "2024-05-03")
    base = "https://github.com/ada/forecasts/commit/"
    part = on_record(card(cli, repo.ledger, "--repo-url", "https://github.com/ada/forecasts"))
    assert (f"committed after the commit that recorded its outcome ([{outcome[:7]}]({base}{outcome})) "
            f"([{late[:7]}]({base}{late}))") in part
    assert {base + outcome, base + late} <= set(hrefs(part))
    assert (f"committed after the commit that recorded its outcome ({outcome[:7]}) ({late[:7]})"
            in on_record(card(cli, repo.ledger)))


def test_several_sets_each_get_their_verdict(cli, bundled_repo):
    md = card(cli, bundled_repo.ledger)
    part = on_record(md)
    assert part.count("**On record") == 2
    assert "(Our reading group's interpretability predictions for 2025)" in part
    assert "(5 resolved, each before its resolution; 2 pending)" in part


def test_the_footer_command_reproduces_the_file(cli, bundled_repo):
    import re
    import shlex

    md = card(cli, bundled_repo.ledger, "--set", "anthropic-sae-2024", "--verify", "--repo-url", "https://codeberg.org/ada/f")
    command = re.search(r"reproduce this file with `(pledger [^`]+)`", md)[1]
    assert "--verify" in command and "--repo-url https://codeberg.org/ada/f" in command
    r = cli(*shlex.split(command)[1:])
    assert r.code == 0 and r.out == md


def test_repo_url_is_checked(cli, bundled_repo):
    r = cli("--root", bundled_repo.ledger, "scorecard", "--repo-url", "javascript:alert(1)")
    assert r.code == 2 and "--repo-url must be an http(s) URL" in r.err
    for url in ("https://github.com/ada/f?tab=readme", "https://github.com/ada/f#top"):
        r = cli("--root", bundled_repo.ledger, "scorecard", "--repo-url", url)
        assert r.code == 2 and r.out == "" and "has a query or a fragment" in r.err and "{commit}" in r.err
    r = cli("--root", bundled_repo.ledger, "scorecard", "--repo-url", "https://git.example.org/f/commit/?id={commit}")
    assert r.code == 0


@pytest.mark.parametrize("url, expected", [
    ("https://github.com/ada/f", "https://github.com/ada/f/commit/{sha}"),
    ("https://github.com/ada/f.git", "https://github.com/ada/f/commit/{sha}"),
    ("https://gitlab.com/group/sub/f/", "https://gitlab.com/group/sub/f/-/commit/{sha}"),
    ("https://gitlab.example.org/ada/f", "https://gitlab.example.org/ada/f/-/commit/{sha}"),
    ("https://codeberg.org/ada/f", "https://codeberg.org/ada/f/commit/{sha}"),
    ("https://git.example.org/c/f.git/commit/?id={commit}", "https://git.example.org/c/f.git/commit/?id={sha}"),
])
def test_commit_links_follow_each_forge(url, expected):
    sha = "1a2b3c4d" * 5
    assert commit_url(url, sha) == expected.format(sha=sha)


def test_hostile_set_title_stays_text(cli, repo):
    repo.write("s.yaml", """
        set: s
        title: "Evil | [click](javascript:alert(1)) <script>x</script> *bold*"
        by: ada
        made: 2024-05-01
        predictions:
          - {id: a, claim: One, p: 50%}
    """)
    repo.commit("one", "2024-05-01")
    md = card(cli, repo.ledger)
    part = md[md.index("## On record"):]
    assert no_raw_html(md) and not any(h.startswith("javascript") for h in hrefs(md))
    assert "\\| \\[click\\](javascript:alert(1)) &lt;script&gt;" in part
