"""The reader-first scorecard: the acx style, probabilities in one form, the other question
kinds, GitHub's autolinks and mentions neutralised (checked with GitHub's own renderer,
cmark-gfm), and a footer that prints no absolute path."""

from __future__ import annotations

import re
import shutil

import pytest
from markdown_it import MarkdownIt

from support import REPO, hrefs, identify, raw_html_tokens, tables

KINDS = REPO / "tests" / "fixtures" / "ledgers" / "kinds"

# GitHub's mention filter (gjtorikian/html-pipeline, lib/html/pipeline/mention_filter.rb at
# f8643c0000e4027eac02ce8602e5a1f8db7c8ae0): MENTION_PATTERNS with USERNAME_PATTERN, run on
# the rendered page's text nodes outside pre, code and a.
MENTION = re.compile(r"(?:^|\W)@((?>[a-z0-9][a-z0-9-]*))(?!/)(?=\.+[ \t\W]|\.+$|[^0-9a-zA-Z_.]|$)", re.I)

AUTOLINK_BAIT = [
    "write to evil@evil.example today",
    "xmpp:evil@evil.example",
    "mailto:evil@evil.example",
    "see www.evil.example now",
    "_www.evil.example_",
    "(www.evil.example)",
    "https://evil.example/a?b=c",
    "http://evil.example",
    "ftp://evil.example/file",
    "ping @octocat about it",
    "@octocat",
    "cc @github-team.",
]


def _card(root, flavor="github", selection=None, **options):
    from ledger.report.scorecard import Options, collect, render
    from ledger.services.ledger import Ledger
    from ledger.services.select import Selection

    data = collect(Ledger.open(root), selection or Selection())
    return data, render(data, Options(flavor=flavor, **options))


@pytest.fixture
def bait(make_ledger):
    preds = "\n".join(f"""          - id: b{i}
            claim: "{t}"
            p: 60%""" for i, t in enumerate(AUTOLINK_BAIT))
    notes = "\n".join(f"""          b{i}:
            result: {'yes' if i % 2 else 'no'}
            note: "{t}" """ for i, t in enumerate(AUTOLINK_BAIT))
    return make_ledger({
        "bait.yaml": f"""
        set: bait
        title: "Titles too: @octocat www.evil.example"
        by: "eve@evil.example"
        made: 2025-01-01
        tags: [all]
        predictions:
{preds}
        """,
        "outcomes/o.yaml": f"""
        on: 2025-06-01
        by: judge
        evidence:
          - url: https://example.org/evidence
        results:
{notes}
        """,
    })


def test_github_renders_no_autolink_and_no_mention_from_user_text(bait):
    cmarkgfm = pytest.importorskip("cmarkgfm", reason="cmarkgfm (GitHub's cmark-gfm) is a test dependency")
    from cmarkgfm.cmark import Options as CmarkOptions
    from html.parser import HTMLParser

    _, md = _card(bait, chart_png="card-calibration.png")
    html = cmarkgfm.github_flavored_markdown_to_html(md, options=CmarkOptions.CMARK_OPT_UNSAFE)

    class Page(HTMLParser):
        def __init__(self):
            super().__init__()
            self.links, self.texts, self.skip = [], [], 0

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.links.append(dict(attrs).get("href"))
            if tag in ("a", "code", "pre"):
                self.skip += 1

        def handle_endtag(self, tag):
            if tag in ("a", "code", "pre"):
                self.skip -= 1

        def handle_data(self, data):
            if not self.skip:
                self.texts.append(data)

    page = Page()
    page.feed(html)
    # The only links are ours: the evidence link (the chart is an image).
    assert set(page.links) == {"https://example.org/evidence"}, page.links
    assert not any(MENTION.search(t) for t in page.texts), [t for t in page.texts if MENTION.search(t)]
    # And a reader still sees every text as written (the zero-width space is invisible).
    shown = "".join(page.texts).replace("\u200b", "")
    for t in AUTOLINK_BAIT:
        assert t.replace("_www", "www").rstrip("_") in shown.replace("_www", "www")


def test_other_flavours_keep_the_text_as_written(bait):
    for flavor in ("lesswrong", "plain"):
        _, md = _card(bait, flavor)
        assert "&#8203;" not in md and "@octocat" in md


def test_acx_groups_by_confidence_strikes_misses_and_italicises_annulled(make_ledger):
    root = make_ledger({"s.yaml": """
        set: s
        title: Yearly
        by: Scott
        made: 2025-01-01
        predictions:
          - {id: a, claim: Alpha happens, p: 60%}
          - {id: b, claim: Beta happens, p: 60%}
          - {id: c, claim: Gamma happens, p: 10%}
          - {id: d, claim: Delta happens, p: 95%}
          - {id: e, claim: Epsilon happens, p: 70%}
          - {id: f, claim: Zeta happens, p: 70%}
    """, "outcomes/o.yaml": """
        on: 2025-12-31
        by: Scott
        results: {a: yes, b: no, c: yes, d: yes, e: annulled}
    """})
    _, md = _card(root, style="acx")
    tokens = MarkdownIt("js-default").parse(md)
    strong = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "paragraph_open"
              and tokens[i + 1].content.startswith("**")]
    assert strong[:4] == ["**60–70%: 1 of 2 right**", "**70–80%: 0 of 0 right**".replace(": 0 of 0 right", ""),
                          "**90–95%: 0 of 1 right**", "**95–99%: 1 of 1 right**"]
    struck = [c.content for t in tokens for i, c in enumerate(t.children or []) if t.children
              and i and t.children[i - 1].type == "s_open"]
    # Gamma: 10% that it would, and it did; the legend shows the convention struck through too.
    assert struck == ["Beta happens", "Gamma happens", "like this"]
    assert "- *\\#5 Epsilon happens — 70% (annulled)*" in md
    assert "- \\#6 Zeta happens — 70% (not resolved yet)" in md
    assert "- \\#3 ~~Gamma happens~~ — 10%, so 90% it would not" in md
    _, plain = _card(root, "plain", style="acx")
    assert "~~" not in plain and "Beta happens (missed)" in plain
    assert raw_html_tokens(plain) == []


def test_other_kinds_show_their_forecast_and_resolution_and_their_own_scores(tmp_path):
    from ledger.scoring.registry import rules_for

    root = tmp_path / "kinds"
    identify(shutil.copytree(KINDS, root))
    data, md = _card(root)
    rows = {r[0]: r for r in tables(md)[0][1:]}
    assert rows["3"][2:4] == ["OpenAI 50% · Anthropic 30% · Google 20%", "Anthropic"]
    assert rows["5"][2:4] == ["5%: 0.8 · 50%: 2.1 · 95%: 3.5 %", "2.4"]
    assert rows["3"][4] == "—"  # the post's rule is for yes/no questions
    for kind, heading in (("multiple-choice", "Multiple-choice questions"), ("numeric", "Numeric questions")):
        section = re.split(r"\n## |\n<details>", md.split(f"## {heading}\n", 1)[1])[0]
        (scores, *rest) = tables(section)
        report = data.run.reports[kind]
        expected = [f.label for r in rules_for(kind, "first") if r.name in report.results for f in r.figures]
        assert [row[0] for row in scores[1:]] == expected
        if kind == "numeric":
            # The fixture's numeric questions are in two units: the unit-bound scores are "—" above and
            # given per unit, as `pledger score` prints them.
            from ledger.report.figures import by_unit_rows

            assert [t[0][0] for t in rest] == ["score", "central interval", "PIT bin"]
            per_unit = [tuple(r) for r in rest[0][1:]]
            assert per_unit == [(label, unit, value, str(n)) for label, unit, value, n in by_unit_rows(report)]
            assert {r[1] for r in per_unit} == {"(no unit)", "%"} and len(per_unit) == 6
            assert [r[1] for r in scores[1:4]] == ["—"] * 3
            assert sum(int(r[1]) for r in rest[2][1:]) == report.n


def test_footer_prints_no_absolute_path(cli, tmp_path, monkeypatch):
    root = tmp_path / "somewhere" / "ledger"
    identify(shutil.copytree(KINDS, root))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    out = tmp_path / "posts" / "card.md"
    r = cli("--root", str(root), "scorecard", "-o", str(out))
    assert r.code == 0, r.err
    md = out.read_text(encoding="utf-8")
    assert str(tmp_path) not in md
    assert "`pledger --root ../somewhere/ledger scorecard -o ../posts/card.md`" in md
    r = cli("--root", "../somewhere/ledger", "scorecard")
    assert "`pledger --root ../somewhere/ledger scorecard`" in r.out  # as given


def test_a_card_without_yes_no_questions_has_no_yes_no_parts(tmp_path):
    """Numeric and multiple-choice questions only: the lede says what they are (not "also"), and neither the
    calibration section nor the yes/no appendix table is there empty (nor a chart of nothing)."""
    root = tmp_path / "kinds"
    identify(shutil.copytree(KINDS, root))
    text = (root / "kinds.yaml").read_text(encoding="utf-8")
    head, items = text.split("predictions:\n", 1)
    kept = [i for i in items.split("  - id: ") if i and not i.startswith(("yes-one", "no-one"))]
    (root / "kinds.yaml").write_text(head + "predictions:\n" + "".join("  - id: " + i for i in kept), encoding="utf-8")
    for f in (root / "outcomes").iterdir():
        f.write_text("".join(line for line in f.read_text(encoding="utf-8").splitlines(keepends=True)
                             if not line.strip().startswith(("yes-one:", "no-one:"))), encoding="utf-8")
    data, md = _card(root)
    assert data.levels is None
    lede = md.split("\n\n")[1]
    assert "They are 2 multiple choice questions and 2 numeric questions, scored in their own sections." in lede, lede
    assert "also" not in lede
    assert "## Calibration" not in md and "### Every score" not in md
    assert "## Multiple-choice questions" in md and "## Numeric questions" in md


KINDS_WITH_FORECASTS = {
    "s.yaml": """
        set: s
        by: Ana
        made: 2026-01-05
        predictions:
          - id: a
            claim: A
            p: 70%
          - id: which
            claim: Which?
            options: {X: 60%, Y: 40%}
          - id: n
            claim: N
            quantiles: {5%: 1, 50%: 2, 95%: 3}
    """,
    "forecasts.yaml": """
        forecasts:
          - {prediction: a, p: 90%, by: Bob, at: 2026-01-10}
          - {prediction: which, options: {X: 30%, Y: 70%}, by: Bob, at: 2026-01-10}
          - {prediction: n, quantiles: {5%: 1.5, 50%: 2.5, 95%: 3.5}, by: Ana, at: 2026-02-01}
    """,
    "outcomes/o.yaml": """
        on: 2026-03-01
        by: Ana
        results: {a: yes, which: X, n: 2.5}
    """,
}


def test_the_table_shows_the_other_kinds_forecasts_the_scores_use(make_ledger):
    """--by NAME: a multiple-choice row shows NAME's forecast (the one its scores use), not the author's;
    a question NAME never forecast shows dashes. Under `last` a row shows the last forecast and its date."""
    from ledger.services.select import Selection

    root = make_ledger(KINDS_WITH_FORECASTS)
    data, md = _card(root, selection=Selection(by="Bob"), flavor="github")
    rows = {r[0]: r for r in tables(md)[0][1:]}
    assert rows["2"][2:4] == ["Bob", "X 30% · Y 70%"]
    assert data.run.kind_forecasts["multiple-choice"][0].dist[0].p == 0.3  # what the scores used
    assert "3" not in rows  # Bob has no forecast on n: not in his selection
    from ledger.report.scorecard import Options, collect, render
    from ledger.services.ledger import Ledger

    data = collect(Ledger.open(root), Selection(), "last")
    md = render(data, Options())
    rows = {r[0]: r for r in tables(md)[0][1:]}
    assert rows["3"][2:4] == ["5%: 1.5 · 50%: 2.5 · 95%: 3.5", "2026-02-01"]  # Ana's later forecast, dated
    assert rows["2"][2:4] == ["X 60% · Y 40%", "2026-01-05"]  # her published one: she never changed it


def test_plain_lists_of_figures_say_the_first_columns_header(tmp_path, bundled):
    # CommonMark has no tables: the plain flavour lists each row, led by its first cell. Where that cell is
    # a figure rather than a name (a rank, a stated p, an interval, a PIT bin), its header leads with it.
    root = tmp_path / "kinds"
    identify(shutil.copytree(KINDS, root))
    _, kinds = _card(root, "plain")
    from ledger.report.scorecard import Options, collect, render
    from ledger.services.ledger import Ledger

    whole = render(collect(Ledger.open(bundled)), Options(flavor="plain"))
    for md, lead in ((kinds, "central interval 90%"), (kinds, "PIT bin 0.0–0.1"), (whole, "stated p 0.05"),
                     (whole, "rank —")):
        assert f"\n- **{lead}**: " in md, lead
    # Names and labels lead alone, as before.
    assert "\n- **sae**: predictions: 12" in whole and "\n- **Brier (0-1)**: value:" in whole
    assert "\n- **#1**: prediction:" in whole and "\n- **—**:" not in whole
