"""`pledger scorecard` through ledger.cli.main: golden files per flavour, chart files,
determinism, where things are written, flags and errors."""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import xml.etree.ElementTree as ET

import pytest

from support import EXAMPLE_LEDGER, REPO, assert_clean_error, identify, snapshot

GOLDEN = REPO / "tests" / "golden"
UPDATE = os.environ.get("PLEDGER_UPDATE_GOLDEN") == "1"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# One selection per flavour, so the goldens between them cover a single set, a
# group set with several forecasters, annulled and pending predictions, and two sets.
GOLDEN_CASES = {
    "github": ["--set", "anthropic-sae-2024"],
    "lesswrong": ["--set", "reading-group-2025"],
    "plain": [],
}


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """tmp_path as the current folder, with a copy of the bundled ledger at ./predictions."""
    shutil.copytree(EXAMPLE_LEDGER, tmp_path / "predictions", ignore=shutil.ignore_patterns(".pledger"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _golden(name: str, content: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(content, encoding="utf-8", newline="")
    assert content == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("flavor", sorted(GOLDEN_CASES))
def test_golden_scorecard_per_flavour_with_its_chart(cli, workdir, flavor):
    out = f"posts/card-{flavor}.md"
    r = cli("--root", "predictions", "scorecard", *GOLDEN_CASES[flavor], "--flavor", flavor, "-o", out)
    assert r.code == 0, r.err
    assert r.out == ""  # the file is the output; stderr says what was written
    markdown = (workdir / out).read_text(encoding="utf-8")
    _golden(f"scorecard-{flavor}.md", markdown)
    png = (workdir / f"posts/card-{flavor}-calibration.png").read_bytes()
    svg = (workdir / f"posts/card-{flavor}-calibration.svg").read_bytes()
    assert png.startswith(PNG_SIGNATURE)
    assert ET.parse(io.BytesIO(svg)).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    # Linked by a path relative to the markdown file.
    assert f"](card-{flavor}-calibration.png)" in markdown and f"](card-{flavor}-calibration.svg)" in markdown
    # The footer's command reproduces the file byte for byte.
    command = re.search(r"reproduce this file with `(pledger [^`]+)`", markdown)[1]
    (workdir / out).unlink()
    assert cli(*shlex.split(command)[1:]).code == 0
    assert (workdir / out).read_text(encoding="utf-8") == markdown


@pytest.mark.parametrize("flavor", ["github", "plain"])
def test_golden_scorecard_in_the_acx_style(cli, workdir, flavor):
    # Grouped by confidence level, misses struck through (plain: "(missed)"), annulled in italics.
    r = cli("--root", "predictions", "scorecard", "--set", "reading-group-2025", "--style", "acx", "--flavor", flavor,
            "--no-chart")
    assert r.code == 0, r.err
    _golden(f"scorecard-acx-{flavor}.md", r.out)
    assert "--style acx" in r.out


def test_golden_scorecard_of_one_forecaster_under_policy_last(cli, workdir):
    # Not the published list: Ben's last forecasts before the resolution, a row each,
    # with their points adding up to the headline gap.
    r = cli("--root", "predictions", "scorecard", "--set", "reading-group-2025", "--by", "ben", "--policy", "last",
            "--no-chart")
    assert r.code == 0, r.err
    _golden("scorecard-by-ben-last.md", r.out)


def test_same_ledger_gives_identical_bytes(cli, workdir):
    def run(name):
        assert cli("--root", "predictions", "scorecard", "-o", f"{name}.md").code == 0
        return [(workdir / f"{name}{suffix}").read_bytes() for suffix in (".md", "-calibration.png", "-calibration.svg")]

    first, second = run("a"), run("a")
    assert first == second
    os.utime(workdir / "predictions" / "anthropic-sae-2024.yaml")  # a touched file: the index refreshes, same bytes
    assert run("a") == first


def test_stdout_without_chart_unless_chart_dir(cli, workdir):
    before = sorted(p.name for p in workdir.iterdir())
    r = cli("--root", "predictions", "scorecard", "--set", "anthropic-sae-2024")
    assert r.code == 0 and r.out.startswith("# Scorecard: What Anthropic's next SAE paper will and won't do\n")
    assert "![" not in r.out and "## Calibration" in r.out
    assert sorted(p.name for p in workdir.iterdir()) == before  # nothing written

    r = cli("--root", "predictions", "scorecard", "--set", "anthropic-sae-2024", "--chart-dir", "charts")
    assert r.code == 0
    assert "](charts/scorecard-calibration.png)" in r.out
    assert (workdir / "charts" / "scorecard-calibration.png").read_bytes().startswith(PNG_SIGNATURE)


def test_chart_dir_with_output_links_relative_to_the_markdown(cli, workdir):
    r = cli("--root", "predictions", "scorecard", "-o", "posts/2026/card.md", "--chart-dir", "images")
    assert r.code == 0, r.err
    markdown = (workdir / "posts/2026/card.md").read_text(encoding="utf-8")
    assert "](../../images/card-calibration.png)" in markdown
    assert (workdir / "images" / "card-calibration.svg").exists()


def test_image_base_links_the_uploaded_chart(cli, workdir):
    r = cli("--root", "predictions", "scorecard", "--flavor", "lesswrong", "-o", "card.md",
            "--image-base", "https://img.example.org/2026/")
    assert r.code == 0 and "note: a LessWrong post" not in r.err
    markdown = (workdir / "card.md").read_text(encoding="utf-8")
    assert "](https://img.example.org/2026/card-calibration.png)" in markdown
    r = cli("--root", "predictions", "scorecard", "--flavor", "lesswrong", "-o", "card.md")
    assert "note: a LessWrong post cannot read the chart" in r.err


def test_date_only_when_asked(cli, workdir):
    plain = cli("--root", "predictions", "scorecard").out
    assert "Scored on" not in plain and "2026-11-23" not in plain
    dated = cli("--root", "predictions", "scorecard", "--date", "today").out
    assert "Scored on 2026-11-23.*" in dated  # PLEDGER_TODAY in the tests
    assert "--date 2026-11-23`" in dated  # the reproducing command names the date, not "today"


def test_flags_drop_parts(cli, workdir):
    full = cli("--root", "predictions", "scorecard").out
    for heading in ("## Predictions", "### Every score", "## Calibration", "## By tag", "## Forecasters",
                    "## Research claims these predictions test", "### How this was scored"):
        assert heading in full
    r = cli("--root", "predictions", "scorecard", "--no-table", "--no-scores", "--no-calibration", "--no-tags",
            "--no-forecasters", "--no-claims", "-o", "bare.md")
    assert r.code == 0
    bare = (workdir / "bare.md").read_text(encoding="utf-8")
    assert [line for line in bare.splitlines() if line.startswith("#")][1:] == ["### How this was scored"]
    assert not (workdir / "bare-calibration.png").exists()  # no calibration section, no chart
    assert "--no-table --no-scores --no-calibration --no-tags --no-forecasters --no-claims`" in bare
    cli("--root", "predictions", "scorecard", "--no-chart", "-o", "nochart.md")
    assert not (workdir / "nochart-calibration.png").exists()
    assert "## Calibration" in (workdir / "nochart.md").read_text(encoding="utf-8")


def test_score_options_are_those_of_score(cli, workdir):
    r = cli("--root", "predictions", "scorecard", "--set", "reading-group-2025", "--by", "Ben", "--policy", "last",
            "--brier", "0-2", "--bins", "uniform", "--bootstrap", "0")
    assert r.code == 0, r.err
    assert "Against Ben's probabilities" in r.out
    assert "Scored: Ben, on the last forecast before each resolution." in r.out
    assert "| Brier (0-2) |" in r.out and "| bin | n | hits |" in r.out
    assert "Score intervals: none (bootstrap off)." in r.out


def test_nothing_resolved_says_so(cli, make_ledger):
    root = make_ledger({"a.yaml": """
        by: ana
        made: 2026-01-01
        predictions:
          - {id: one, claim: Open question, p: 0.4}
    """})
    r = cli("--root", root, "scorecard")
    assert r.code == 0
    assert "ana made 1 prediction on 2026-01-01. It is not resolved yet." in r.out
    assert "Nothing to score yet: no resolved question has a forecast to score." in r.out
    assert "### Every score" not in r.out and "| 1 | Open question | 40% | ⏳ | — |" in r.out


def test_acx_style_over_several_sets_says_each_numbers_set(cli, bundled):
    # Numbers restart in each set: over the whole example ledger (two sets) "#1" alone would be two lines.
    r = cli("--root", bundled, "scorecard", "--style", "acx", "--flavor", "plain")
    assert r.code == 0, r.err
    items = [line for line in r.out.splitlines() if line.startswith("- ")]
    numbers = [line.split(" ", 3)[1:3] for line in items if line.startswith("- \\#") or line.startswith("- *\\#")]
    assert numbers and all(n[1].startswith("(") for n in numbers)
    assert len({tuple(n) for n in numbers}) == len(numbers)  # every number with its set names one prediction
    one_set = cli("--root", bundled, "scorecard", "--style", "acx", "--set", "reading-group-2025")
    assert "(reading-group-2025)" not in one_set.out and "\\#1 " in one_set.out


def test_certain_probabilities_leave_the_z_score_undefined_in_one_plain_sentence(cli, make_ledger):
    root = make_ledger({"a.yaml": """
        by: ana
        made: 2026-01-01
        predictions:
          - {id: c1, claim: Sure, p: 1}
          - {id: c2, claim: Never, p: 0}
    """, "o.yaml": "on: 2026-02-01\nby: ana\nresults:\n  c1: yes\n  c2: no\n"})
    r = cli("--root", root, "scorecard")
    assert r.code == 0, r.err
    assert "(1 − p if it happened, −p if not): the z-score is undefined, as every probability was 0 or 1." in r.out


def test_the_lede_counts_the_yes_no_questions_alone_when_other_kinds_are_pending(cli, make_ledger):
    # Two yes/no resolved, one annulled, one open; a multiple-choice and a numeric question open too: the
    # sentence about the yes/no questions adds up to their number (the run's own counts hold every kind).
    root = make_ledger({"a.yaml": """
        by: ana
        made: 2026-01-01
        predictions:
          - {id: y1, claim: One, p: 0.7}
          - {id: y2, claim: Two, p: 0.4}
          - {id: y3, claim: Three, p: 0.5}
          - {id: y4, claim: Four, p: 0.5}
          - {id: m1, claim: Which, options: {a: 0.5, b: 0.5}}
          - {id: n1, claim: How many, quantiles: {"10%": 1, "90%": 9}}
    """, "o.yaml": "on: 2026-02-01\nby: ana\nresults:\n  y1: yes\n  y2: yes\n  y3: annulled\n"})
    r = cli("--root", root, "scorecard")
    assert r.code == 0, r.err
    assert ("Of its 4 yes/no questions, 2 of the 2 resolved happened (1 annulled and 1 not resolved yet)."
            in r.out), r.out[:600]


@pytest.mark.parametrize("args, argument", [
    (["--flavor", "html"], "--flavor"),
    (["--style", "grid"], "--style"),
    (["--probabilities", "odds"], "--probabilities"),
    (["--policy", "best"], "--policy"),
    (["--brier", "0-3"], "--brier"),
    (["--bins", "0,0.7,0.5,1"], "--bins"),
    (["--bins", "0,nan,1"], "--bins"),
    (["--eps", "0.6"], "--eps"),
    (["--title", ""], "--title"),
    (["--title", "two\nlines"], "--title"),
    (["--image-base", "javascript:alert(1)"], "--image-base"),
    (["--date", "yesterday-ish"], "--date"),
    (["--since", "2025-13-01"], "--since"),
    (["-o", "."], "-o"),
])
def test_usage_errors_name_the_argument_and_write_nothing(cli, workdir, args, argument):
    before = snapshot(workdir)
    r = cli("--root", "predictions", "scorecard", *args)
    assert_clean_error(r, 2, argument)
    assert snapshot(workdir) == before


def test_missing_ledger_is_a_data_error(cli, workdir):
    r = cli("--root", "nowhere", "scorecard", "-o", "card.md")
    assert_clean_error(r, 1, "nowhere")
    assert not (workdir / "card.md").exists()


def test_help_lists_the_flags(cli):
    r = cli("scorecard", "--help")
    assert r.code == 0
    for flag in ("--flavor", "--output", "--chart-dir", "--image-base", "--date", "--title", "--no-chart",
                 "--no-calibration", "--no-tags", "--no-forecasters", "--no-scores", "--policy", "--bins"):
        assert flag in r.out


def test_docs_example_is_current(cli, workdir):
    """docs/scorecard.md shows the bundled ledger's scorecard as the command makes it today."""
    doc = (REPO / "docs" / "scorecard.md").read_text(encoding="utf-8")
    shown = re.search(r"<!-- scorecard-example:start -->\n````markdown\n(.*?)````\n<!-- scorecard-example:end -->",
                      doc, re.S)[1]
    command = re.search(r"reproduce this file with `(pledger [^`]+)`", shown)[1]
    assert command == "pledger scorecard --set anthropic-sae-2024 -o scorecard.md"
    assert cli(*shlex.split(command)[1:]).code == 0  # ./predictions is the default root
    assert (workdir / "scorecard.md").read_text(encoding="utf-8") == shown


def test_the_policies_a_scorecard_takes_are_the_ones_its_help_lists(cli, workdir):
    r = cli("scorecard", "--help")
    line = next(line for line in r.out.splitlines() if "--policy" in line)
    assert "first|last|all" in line and "time-weighted" not in r.out
    r = cli("--root", "predictions", "scorecard", "--policy", "time-weighted")
    assert r.code == 2 and "--policy must be first, last or all" in r.err and "pledger score --policy time-weighted" in r.err
    assert not list(workdir.glob("*.md"))


def test_a_ledger_whose_every_record_has_a_problem_says_so(cli, make_ledger, tmp_path, monkeypatch):
    # A YAML typo drops the whole file: "no predictions yet" would send the writer looking in the wrong place.
    root = make_ledger({"s.yaml": "set: s\nby: ana\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: Oops: a colon\n"
                                  "    p: 0.5\n"})
    monkeypatch.chdir(tmp_path)
    r = cli("--root", root, "scorecard", "-o", "card.md")
    assert r.code == 1 and "the ledger has 1 problem" in r.err and "pledger check" in r.err and "yet" not in r.err
    assert not (tmp_path / "card.md").exists()
    (root / "s.yaml").write_text("set: s\nby: ana\nmade: 2025-01-01\npredictions: []\n", encoding="utf-8")
    r = cli("--root", root, "scorecard", "-o", "card.md")
    assert r.code == 2 and "no predictions yet" in r.err


def test_image_base_with_a_query_is_refused(cli, workdir):
    r = cli("--root", "predictions", "scorecard", "-o", "card.md", "--image-base", "https://i.example.org/x?raw=1")
    assert r.code == 2 and "--image-base" in r.err and "query" in r.err
    assert not (workdir / "card.md").exists()


@pytest.mark.parametrize("name", ["Ben", "ada", "Ann"])
def test_the_lede_of_one_forecasters_card_says_what_they_made_and_what_they_forecast(cli, workdir, name):
    import json

    from ledger.names import name_key

    if name == "Ann":  # made some of her predictions and forecast on Bob's
        identify(shutil.copytree(REPO / "tests" / "fixtures" / "ledgers" / "binary-mix", workdir / "mix",
                                 ignore=shutil.ignore_patterns(".pledger")))
        root = "mix"
    else:
        root = "predictions"
    listed = json.loads(cli("--root", root, "list", "--by", name, "--json").out)["predictions"]
    own = [p for p in listed if name_key(p["by"]) == name_key(name)]
    others = sorted({p["by"] for p in listed} - {p["by"] for p in own})
    history = json.loads(cli("--root", root, "show", listed[0]["id"], "--json").out)["forecast_history"]
    spelled = own[0]["by"] if own else next(f["by"] for f in history if name_key(f["by"]) == name_key(name))
    md = cli("--root", root, "scorecard", "--by", name, "--no-chart").out
    lede = md.split("\n\n")[1]
    days = sorted(p["made"] for p in listed)
    when = f"on {days[0]}" if days[0] == days[-1] else f"between {days[0]} and {days[-1]}"
    if not others:
        assert lede.startswith(f"{spelled} made {len(listed)} predictions {when}.")
    else:
        made = f"made {len(own)} predictions and " if own else ""
        by_whom = others[0] if len(others) == 1 else f"{len(others)} other forecasters"
        assert lede.startswith(f"{spelled} {made}forecast on {len(listed) - len(own)} predictions by {by_whom}, "
                               f"made {when}.")
    assert f"*Scored: {spelled}, on their first forecast (on their own predictions, the probability they published).*" in md
