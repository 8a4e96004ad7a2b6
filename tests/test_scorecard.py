"""The markdown scorecard: escaping, the parsed table, hostile records, flavours, the chart files.

Markdown is checked by parsing it with markdown-it-py: "js-default" is markdown-it's
default preset (tables, no raw HTML: what LessWrong runs), "commonmark" lets raw
HTML through as html tokens, so a test can see that none reached the page.
"""

from __future__ import annotations

import io
import shutil
import xml.etree.ElementTree as ET

import pytest
from markdown_it import MarkdownIt

from ledger.report.escape import code_span, link, safe_url, text
from support import EXAMPLE_LEDGER, hrefs, inline_text, raw_html_tokens, scorecard_html, tables

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# -- escape --------------------------------------------------------------------

HOSTILE_TEXTS = [
    "a | b || c",
    "<script>alert(1)</script>",
    "<b>bold</b> &lt;i&gt; &#60;script&#62;",
    "[x](javascript:alert(1))",
    "![img](https://evil.example/track.png)",
    "`code` ``more``",
    "# not a heading",
    "- not a list",
    "+ not a list",
    "> not a quote",
    "1. not a list",
    "---",
    "-- -",
    "--",
    "= not an underline",
    "*em* _em_ **strong** ~~strike~~ ~sub~ ^sup^ $x^2$",
    "line one\nline two\r\n\n| --- | --- |",
    "[^1] footnote",
    "<https://autolink.example>",
    "Ünïcödé — 日本語 ✅ \u202eevil",
    "x" * 5000,
]


@pytest.mark.parametrize("hostile", HOSTILE_TEXTS)
def test_text_is_one_inert_table_cell_showing_what_was_written(hostile):
    cell = text(hostile)
    assert "\n" not in cell and "\r" not in cell
    md = f"| a | b |\n| --- | --- |\n| {cell} | end |\n"
    (table,) = tables(md)
    assert len(table) == 2 and len(table[1]) == 2 and table[1][1] == "end"
    shown = " ".join(hostile.replace("\u202e", "").split())
    assert table[1][0] == shown  # what a reader sees is what was written, as text
    assert raw_html_tokens(md) == []
    assert hrefs(md) == []
    # And as a paragraph on its own line: no block opens, the text comes back as written.
    tokens = MarkdownIt("js-default").parse(cell + "\n")
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert inline_text(tokens[1]) == shown


@pytest.mark.parametrize("hostile", HOSTILE_TEXTS)
def test_text_under_another_line_is_no_setext_underline(hostile):
    # "--", "---" or "=" under a line of text would turn that line into a heading.
    md = "a line of text\n" + text(hostile) + "\n"
    tokens = MarkdownIt("js-default").parse(md)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert inline_text(tokens[1]) == "a line of text " + " ".join(hostile.replace("\u202e", "").split())


def test_safe_url_keeps_http_and_drops_other_schemes():
    assert safe_url("https://example.org/a b)|c") == "https://example.org/a%20b%29%7Cc"
    assert safe_url(" http://example.org/x ") == "http://example.org/x"
    for bad in ("javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>", "vbscript:x", "file:///etc/passwd",
                "//example.org/x", "/relative", "mailto:a@b.c", "https://", "https://ex.org/\nx", "", None,
                # no host a browser could reach: the link would go nowhere (shown as text instead)
                "https://exa mple.org/x", "https://ex<ample.org", "https://a.org:99999/x", "https://a.org:port/",
                "https://:80/x", "https://user@/x"):
        assert safe_url(bad) is None, bad
    for good in ("https://a.org:8080/x", "https://[2001:db8::1]/x", "https://user@host.org/", "https://bücher.de/x"):
        assert safe_url(good) is not None, good


def test_link_drops_unsafe_targets_and_escapes_labels():
    assert link("[x](y)", "javascript:alert(1)") == "\\[x\\](y)"
    assert link(None, "https://www.example.org/p") == "[example.org](https://www.example.org/p)"
    md = link("a <b> | c", "https://example.org") + "\n"
    assert hrefs(md) == ["https://example.org"] and raw_html_tokens(md) == []


def test_code_span_holds_backticks():
    span = code_span("pledger scorecard --title 'a ` b ``'")
    (tok,) = [c for t in MarkdownIt("commonmark").parse(span) for c in t.children or [] if c.type == "code_inline"]
    assert tok.content == "pledger scorecard --title 'a ` b ``'"


# -- the scorecard from the bundled ledger -----------------------------------------


@pytest.fixture
def bundled(tmp_path):
    root = tmp_path / "predictions"
    shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
    return root


def _render(root, flavor="github", selection=None, **options):
    from ledger.report.scorecard import Options, collect, render
    from ledger.services.ledger import Ledger
    from ledger.services.select import Selection

    data = collect(Ledger.open(root), selection or Selection(set_id="anthropic-sae-2024"))
    return data, render(data, Options(flavor=flavor, **options))


def _our_html(md: str) -> list[str]:
    """Raw HTML in the card that is not the appendix's <details> fold (github only)."""
    return scorecard_html(md)


def _section(md: str, heading: str) -> str:
    """The markdown under `heading` (a line), up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = md.index(heading + "\n")
    rest = md[start + len(heading) + 1:]
    ends = [i for i in (rest.find(f"\n{h} ") for h in ("#" * k for k in range(1, len(level) + 1))) if i >= 0]
    ends += [i for i in (rest.find("\n<details>"), rest.find("\n</details>")) if i >= 0]
    return rest[:min(ends)] if ends else rest


def test_one_row_per_prediction_in_published_order_with_the_right_cells(bundled):
    _, md = _render(bundled)
    predictions = tables(md)[0]
    assert predictions[0] == ["#", "prediction", "p", "outcome", "points", "note"]
    rows = predictions[1:]
    assert [r[0] for r in rows] == [str(i) for i in range(1, 11)]
    # The seed post: "Anthropic did 1-3 but not 4-10"; points by hand: 1 - p, or -p.
    assert [r[3] for r in rows] == ["✅"] * 3 + ["❌"] * 7
    assert [r[2] for r in rows] == ["99%", "95%", "80%", "20%", "20%", "25%", "5%", "15%", "10%", "5%"]
    assert [r[4] for r in rows] == ["+0.01", "+0.05", "+0.20", "-0.20", "-0.20", "-0.25", "-0.05", "-0.15", "-0.10", "-0.05"]
    assert rows[3][1] == "PEFT by training sparse weights/biases on SAE embeddings that beats baselines such as LoRA"
    assert rows[0][5] == "Casper: 'obviously did'."
    # The seed post's figure, "the paper would score -0.74", in words at the top, with one z everywhere.
    assert "Stephen Casper made 10 predictions on 2024-05-05. 3 of the 10 happened." in md
    assert ("Against Stephen Casper's probabilities, Anthropic's next sparse autoencoder (SAE) paper scored **-0.74** "
            "by the post's rule") in md
    assert "within what chance alone would give (z = -0.73)" in md and "z = -0.73)." in _section(md, "### Every score")
    assert "The Brier score is **0.0223** on the 0-1 scale, where always saying 50% scores 0.25" in md
    assert "The side Stephen Casper thought more likely came true 10 of 10 times; at 80–90% it did 4 of 4 times." in md
    # The evidence both resolutions share is listed once, as links.
    assert "Evidence for every resolution above: [transformer-circuits.pub](https://transformer-circuits.pub/" in md


def test_scores_and_calibration_tables_carry_n(bundled):
    from ledger.scoring.registry import rules_for

    data, md = _render(bundled)
    found = tables(md)
    scores = next(t for t in found if t[0][0] == "score")
    assert scores[0] == ["score", "value", "n", "90% interval", "better"]
    assert all(row[2] == "10" for row in scores[1:])
    assert scores[1][1] == f"{data.run.report.brier.score:.4f}"
    # The appendix prints every figure of every yes/no rule in the registry (the gap's in its sentence).
    labels = [r[0] for r in scores[1:]]
    expected = [f.label.format(scale="0-1", base_rate="30%") for rule in rules_for("binary", "first")
                for f in rule.figures if rule.name != "gap"]
    assert labels == expected
    calibration = next(t for t in found if t[0][0] == "stated p")
    assert sum(int(r[1]) for r in calibration[1:]) == 10 and sum(int(r[2]) for r in calibration[1:]) == 3
    # The reader's calibration: folded confidence levels, "x of y", every prediction counted once.
    levels = next(t for t in found if t[0][0] == "confidence")
    assert [r[:2] for r in levels[1:]] == [["70–80%", "1 of 1"], ["80–90%", "4 of 4"], ["90–95%", "1 of 1"],
                                           ["95–99%", "3 of 3"], ["99–100%", "1 of 1"]]
    assert md.index("## Calibration") < md.index("<details>") < md.index("| stated p |")


def test_lesswrong_notes_are_footnotes_and_plain_has_no_tables_or_emoji(bundled):
    _, lw = _render(bundled, "lesswrong")
    assert "| Casper: 'obviously did'. |" not in lw and "[^note-1]: Casper: 'obviously did'." in lw
    assert lw.count("[^note-1]:") == 1  # the same note twice is one footnote
    _, plain = _render(bundled, "plain")
    assert tables(plain) == [] and not any(m in plain for m in "✅❌➖⏳")
    assert "- **#4**: prediction: PEFT by training" in plain and "outcome: did not happen; points: -0.20" in plain
    for md in (lw, plain):
        assert raw_html_tokens(md) == []  # the appendix is a final section, not <details>
        assert "## Technical appendix" in md


def test_parts_can_be_dropped(bundled):
    _, md = _render(bundled, parts=frozenset({"table"}))
    assert "## Predictions" in md
    for heading in ("### Every score", "## Calibration", "## By tag", "## Research claims"):
        assert heading not in md
    assert "### How this was scored" in md  # the rules are always there


def test_claims_section_links_the_seed_posts_claims(bundled):
    _, md = _render(bundled)
    claims = next(t for t in tables(md) if t[0][0] == "claim")
    assert len(claims) == 3
    assert claims[1][-1] == "not borne out (#1, #10)" and claims[2][-1] == "borne out (#2)"


def test_several_forecasters_get_a_leaderboard_and_several_sets_a_heading_each(bundled):
    from ledger.services.select import Selection

    _, md = _render(bundled, selection=Selection())
    assert "### What Anthropic's next SAE paper will and won't do" in md
    assert "### Our reading group's interpretability predictions for 2025" in md
    board = next(t for t in tables(md) if t[0][0] == "rank")
    from ledger.services.ledger import Ledger
    from ledger.services.scores import score

    run = score(Ledger.open(bundled), Selection(), "first", by_forecaster=True, bootstrap=0)
    # Ranked rows first by peer score, then the unranked, as the leaderboard orders them.
    assert [r[1] for r in board[1:]] == [r.forecaster for r in run.leaderboard.rows]
    peers = [(not r.ranked, -r.peer_score) for r in run.leaderboard.rows if r.peer_score is not None]
    assert peers == sorted(peers) and len(board) == 5
    assert "Against the forecasters' probabilities" in md


@pytest.mark.parametrize("dropped, summary, heading", [
    ((), "every score, the calibration tables and the rules", "### Every score"),
    (("scores",), "the calibration tables and the rules", "### Calibration tables"),
    (("calibration",), "every score and the rules", "### Every score"),
    (("scores", "calibration"), "the rules", None),
])
def test_the_appendix_is_named_for_what_it_holds(bundled, dropped, summary, heading):
    from ledger.report.scorecard import PARTS

    for flavor in ("github", "plain"):
        _, md = _render(bundled, flavor, parts=frozenset(PARTS) - set(dropped))
        title = f"Technical appendix: {summary}"
        assert (f"<details><summary>{title}</summary>" if flavor == "github" else f"## {title}\n") in md
        assert md.count("Technical appendix") == 1
        for h in ("### Every score", "### Calibration tables"):
            assert (h in md) == (h == heading), h
        # The rules speak of "the confidence levels above" only where the card shows them.
        above = "The confidence levels above:" in md
        assert above == ("calibration" not in dropped), md[md.index("### How this was scored"):]
        assert above or "Confidence levels: the folded probabilities" in md


# -- hostile records -------------------------------------------------------------

HOSTILE = {
    "p.yaml": """
        set: hostile
        title: "<script>alert('title')</script> | # Title"
        by: "Eve | <b>Mallory</b>"
        made: 2025-01-01
        tags: [all]
        predictions:
          - id: h1
            claim: "Pipes | in | the claim\\n# and a heading\\n- and a list"
            p: 80%
          - id: h2
            claim: "[click](javascript:alert(1)) <img src=x onerror=alert(2)> `tick` ``two``"
            p: 0.3
            tags: [x]
          - id: h3
            claim: "Ünïcödé — 日本語 \\u202e reversed"
            p: 1 in 5
          - id: h4
            claim: "LONG"
            p: 50%
          - id: h5
            claim: "1. starts like a list > and a quote $x$"
            p: 3:1
    """.replace("LONG", "word " * 400),
    "outcomes/o.yaml": """
        on: 2025-06-01
        by: "judge | <i>x</i>"
        evidence:
          - url: https://example.org/a?x=1&y=(2)|3
            title: "](javascript:alert(3))"
        results:
          h1:
            result: yes
            note: "note with\\n| --- | --- |\\na table injection <script>alert(5)</script>"
          h2: no
          h3: annulled
    """,
}


@pytest.fixture
def hostile(make_ledger):
    return make_ledger(HOSTILE)


@pytest.mark.parametrize("flavor", ["github", "lesswrong", "plain"])
def test_hostile_records_break_neither_the_table_nor_the_page(hostile, flavor):
    from ledger.services.select import Selection

    _, md = _render(hostile, flavor, selection=Selection(), chart_png="card-calibration.png")
    assert _our_html(md) == []
    assert all(h.startswith("https://") or h == "card-calibration.png" for h in hrefs(md)), hrefs(md)
    assert "javascript:alert" not in "".join(hrefs(md))
    tokens = MarkdownIt("js-default").parse(md)
    headings = [inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0] == "Scorecard: <script>alert('title')</script> | # Title"  # shown as text
    assert not any("and a heading" in h for h in headings)
    if flavor == "plain":
        return
    predictions = [[c.replace("\u200b", "") for c in row] for row in tables(md)[0]]
    assert len(predictions) == 1 + 5 and all(len(r) == len(predictions[0]) for r in predictions)
    cells = {r[0]: r for r in predictions[1:]}
    assert cells["1"][1] == "Pipes | in | the claim # and a heading - and a list"
    assert cells["2"][1] == "[click](javascript:alert(1)) <img src=x onerror=alert(2)> `tick` ``two``"
    assert cells["3"][1] == "Ünïcödé — 日本語 reversed"
    assert cells["4"][1] == ("word " * 400).strip()
    assert cells["5"][1] == "1. starts like a list > and a quote $x$"
    assert [cells[k][3] for k in "12345"] == ["✅", "❌", "➖", "⏳", "⏳"]


# -- the chart ----------------------------------------------------------------------


def test_chart_is_a_valid_png_and_svg_and_deterministic(bundled):
    from ledger.report.charts import calibration_chart

    data, _ = _render(bundled)
    first = calibration_chart(data.run.report.calibration, "Calibration (n=10) <b>$x$</b>")
    second = calibration_chart(data.run.report.calibration, "Calibration (n=10) <b>$x$</b>")
    assert first.png.startswith(PNG_SIGNATURE) and first == second
    root = ET.parse(io.BytesIO(first.svg)).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"<script" not in first.svg and b"Date" not in first.svg


# -- the published list's keyed cells ---------------------------------------------------

PLAIN_LIST = {
    "plain.yaml": """
        set: plain-list
        title: A published list
        by: tester
        made: 2025-01-01
        predictions:
          - {id: k1, claim: "Pipes | in | the claim", p: 0.7}
          - {id: k2, claim: "1. starts like a list", p: "3:1"}
          - {id: k3, claim: "A plain claim", p: 70%}
          - {id: k4, claim: "www.example.com autolinks", p: 0.05}
          - {id: k5, claim: "A plain claim", p: 0.5}
    """,
    "outcomes/o.yaml": """
        on: 2025-06-01
        by: judge
        results:
          k1: yes
          k2: no
          k3: annulled
          k4: yes
    """,
}


@pytest.mark.parametrize("flavor", ["github", "lesswrong", "plain"])
@pytest.mark.parametrize("how", ["percent", "as-typed"])
def test_the_published_lists_keyed_cells_are_its_rows_cells(make_ledger, flavor, how):
    """The published list (card.PublishedRows) renders from keys, a column at a time; the cells are the ones
    its row tuples (which the site reads) render to, hostile claims and repeated values included."""
    from ledger.report import card as cards
    from ledger.report.scorecard import Markdown, Options, collect
    from ledger.services.ledger import Ledger
    from ledger.services.select import Selection

    data = collect(Ledger.open(make_ledger(PLAIN_LIST)), Selection())
    section = cards.table_section(data, Options(flavor=flavor, probabilities=how))
    (table,) = [b for b in section.blocks if isinstance(b, cards.Table)]
    assert isinstance(table.rows, cards.PublishedRows) and len(table.rows) == 5
    keyed = Markdown(flavor).columns(table.rows)
    plain = Markdown(flavor).columns(tuple(table.rows))
    assert keyed == plain
    assert keyed[4] == ["+0.30", "-0.75", "—", "+0.95", "—"]  # the post's rule: 1 - p, -p; none unresolved
    assert keyed[0] == ["1", "2", "3", "4", "5"]


def test_each_set_says_where_it_was_first_published(make_ledger):
    from ledger.report.scorecard import Options, collect, render
    from ledger.services.ledger import Ledger
    from ledger.services.select import Selection

    root = make_ledger({
        "a.yaml": "set: a\nby: ana\nmade: 2025-01-01\nsource: https://example.org/post?id=1\npredictions:\n"
                  "  - {id: a1, claim: One, p: 0.6}\n",
        "b.yaml": "set: b\nby: ana\nmade: 2025-01-02\nsource: \"the reading group's *notes*, page 2\"\npredictions:\n"
                  "  - {id: b1, claim: Two, p: 0.3}\n",
        "c.yaml": "set: c\nby: ana\nmade: 2025-01-03\npredictions:\n  - {id: c1, claim: Three, p: 0.5}\n",
    })
    data = collect(Ledger.open(root), Selection())
    md = render(data, Options())
    assert "First published at [example.org](https://example.org/post?id=1)." in md
    assert "First published: the reading group's \\*notes\\*, page 2." in md  # text, never markup
    assert md.count("First published") == 2  # set c gives no source
    acx = render(data, Options(style="acx"))
    assert "First published at [example.org](https://example.org/post?id=1) (a)." in acx
    assert hrefs(md) == ["https://example.org/post?id=1"]


def test_the_title_names_the_forecaster_as_the_ledger_spells_them(make_ledger):
    from ledger.report.card import default_title
    from ledger.report.scorecard import collect
    from ledger.services.ledger import Ledger
    from ledger.services.select import Selection

    root = make_ledger({
        "a.yaml": "set: a\nby: ana\nmade: 2025-01-01\npredictions:\n"
                  "  - {id: a1, claim: One, p: 0.6, forecasts: [{by: Ben Reader, p: 0.7, at: 2025-01-02}]}\n",
        "b.yaml": "set: b\nby: ana\nmade: 2025-01-01\npredictions:\n"
                  "  - {id: b1, claim: Two, p: 0.6, forecasts: [{by: Ben Reader, p: 0.2, at: 2025-01-02}]}\n",
    })
    data = collect(Ledger.open(root), Selection(by="ben reader"))
    assert default_title(data) == "Scorecard: predictions with Ben Reader"


@pytest.mark.parametrize("ps, sentence", [
    # 50% twice (one happened), 70% twice (one right), 20% once (right: it did not happen), 90% once (wrong).
    ([(0.5, "yes"), (0.5, "no"), (0.7, "yes"), (0.7, "no"), (0.2, "no"), (0.9, "no")],
     "The side ann thought more likely came true 2 of 4 times (2 forecasts at 50% favoured neither side); "
     "at 70–80% it did 1 of 2 times."),
    ([(0.5, "yes"), (0.5, "no")], "All 2 forecasts were 50%, so none favoured a side."),  # said once, not twice
    ([(0.5, "yes")], "The one forecast was 50%, so it favoured neither side."),
    # A tie between levels goes to the higher one.
    ([(0.55, "yes"), (0.8, "no")], "The side ann thought more likely came true 1 of 2 times; at 80–90% it did 0 of 1 time."),
], ids=["some at 50%", "all at 50%", "the one at 50%", "none at 50%"])
def test_the_calibration_sentence_leaves_out_forecasts_of_50_percent_and_says_how_many(make_ledger, ps, sentence):
    from ledger.report.scorecard import Options, collect, render
    from ledger.services.ledger import Ledger

    items = "".join(f"  - id: q{k}\n    claim: Question {k}\n    p: {p}\n" for k, (p, _) in enumerate(ps))
    results = "".join(f"  q{k}: {r}\n" for k, (_, r) in enumerate(ps))
    root = make_ledger({"qs.yaml": f"set: qs\nby: ann\nmade: 2025-01-01\npredictions:\n{items}",
                        "outcomes/2025-02-01.yaml": f"on: 2025-02-01\nby: ann\nresults:\n{results}"})
    md = render(collect(Ledger.open(root)), Options())
    assert sentence in md
    # The calibration table still counts every forecast, those at 50% in its lowest level.
    assert f"n={len(ps)})" in md


MIXED_TAGS = {
    "m.yaml": """
        set: mixed
        by: Ann
        made: 2025-01-01
        predictions:
          - {id: q1, claim: one, p: 0.7, tags: [ai, policy], forecasts: [{by: Bo, p: 0.4, at: 2025-02-01}]}
          - {id: q2, claim: which, options: {x: 0.6, y: 0.4}, tags: [ai]}
          - {id: q3, claim: three, p: 0.2, tags: [policy, policy]}
          - {id: q4, claim: four, p: 0.9, tags: [ai], forecasts: [{by: Bo, p: 0.5, at: 2025-02-01}]}
          - {id: q5, claim: five, p: 0.4}
          - {id: q6, claim: how big, quantiles: {5%: 1, 50%: 2, 95%: 3}, tags: [policy]}
          - {id: q7, claim: seven, p: 0.6, tags: [ai, chips]}
    """,
    "o.yaml": """
        on: 2025-06-01
        by: Ann
        results: {q1: yes, q2: x, q3: no, q4: no, q5: yes, q6: 2.5, q7: annulled}
    """,
}


@pytest.mark.parametrize("policy, by", [("first", None), ("last", None), ("last", "Bo"), ("all", None)])
def test_tag_figures_found_by_place_are_the_ones_found_by_id(make_ledger, monkeypatch, policy, by):
    # report.scorecard finds a scored forecast's tags by its question's place among the yes/no rows
    # (other kinds between them); by id it finds the same, as a run read with another selection must.
    from ledger.report import scorecard as sc
    from ledger.services.ledger import Ledger
    from ledger.services.select import Selection

    ledger = Ledger.open(make_ledger(MIXED_TAGS))
    data = sc.collect(ledger, Selection(by=by), policy, bootstrap=0)
    assert data.tag_rows and {r.tag for r in data.tag_rows} >= ({"ai", "policy"} if by is None else {"policy"})
    place = sc._tag_list_of_forecasts
    monkeypatch.setattr(sc, "_tag_list_of_forecasts", lambda table, shown, rows, by_place: place(table, shown, rows, False))
    by_id = sc.tag_figures(data.run, data.shown, data.selection, "0-1")
    assert [(r.tag, r.predictions, r.hits, r.n, r.gap.total, r.brier.score) for r in data.tag_rows] == \
        [(r.tag, r.predictions, r.hits, r.n, r.gap.total, r.brier.score) for r in by_id]
    if by is None:
        policy_row = {r.tag: r for r in data.tag_rows}["policy"]
        assert policy_row.predictions == 3  # q1, q3 (its tag written twice counts once) and q6


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Values near the edge of inert text: its letters and punctuation, spaces, newlines, `www.`, and markup.
_EDGE = st.lists(st.sampled_from(list("aZ09 ,.()'\"/?%;-") + ["  ", "\n", "www.", "WWW.", "@", "|", "*", "_", "#", "é",
                                                               "İ", "\t"]), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_EDGE, st.just("A plain claim"), st.just("a claim, with (brackets)")), max_size=8))
def test_inert_tested_many_at_once_is_inert_tested_on_each(values):
    from ledger.report.escape import all_inert, inert

    assert all_inert(values) == all(bool(v) and inert(v) for v in values)


def test_inert_tested_many_at_once_refuses_what_is_not_text():
    from ledger.report.escape import all_inert

    assert all_inert(["A claim", "Another claim"]) and all_inert([])
    assert not all_inert(["A claim", ("A claim", " †")]) and not all_inert(["A claim", "a  double space"])
    assert not all_inert(["A claim", "ends in a space "]) and not all_inert(["see www.example.com"])
    assert not all_inert(["two\nlines"]) and not all_inert(["A claim", ""])  # a newline in a value; an empty one
