"""`pledger claim ...` and `pledger claims-report` through ledger.cli.main: output, --json,
exit codes, golden markdown, hostile text, and the bundled example."""

from __future__ import annotations

import json
import re
import os
import shutil
import unicodedata

import pytest
from markdown_it import MarkdownIt

from support import EXAMPLE_LEDGER, REPO, assert_clean_error, forget_index, hrefs, scorecard_html, snapshot
from support import inline_text as _inline_text, tables as _tables


# The github outputs break GitHub's autolinks with a zero-width space (report.escape.ZWSP):
# invisible to a reader, so the text a reader sees is compared without it.
def tables(md):
    return [[[cell.replace("\u200b", "") for cell in row] for row in table] for table in _tables(md)]


def inline_text(tok):
    return _inline_text(tok).replace("\u200b", "")

GOLDEN = REPO / "tests" / "golden"
UPDATE = os.environ.get("PLEDGER_UPDATE_GOLDEN") == "1"

HOSTILE_CLAIMS = """
    sources:
      - id: evil-source
        title: "[Totally safe](javascript:alert(1)) <script>alert('t')</script>"
        url: https://example.org/paper?a=1&b=(2)|3
        date: 2025-02-03
    claims:
      - id: pipes
        quote: "Features | are | interpretable\\n# not a heading\\n- not a list"
        source: evil-source
        claimant: "# Evil <b>Lab</b>"
        locator: "<img src=x onerror=alert(1)>"
        confidence: 90%
        tags: [hostile]
      - id: markup
        quote: "**bold** _it_ `code` ~~gone~~ [link](javascript:alert(2)) ![img](https://x.org/i.png) &amp; 1. two"
        source: https://example.org/other
        claimant: Plain Person
"""
HOSTILE_PREDICTIONS = """
    by: "Ana | Bo"
    made: 2025-01-01
    predictions:
      - id: h1
        claim: "Something <em>happens</em> | twice"
        p: 80%
        tests: [pipes]
      - id: h2
        claim: Still open
        p: 0.3
        tests: [markup]
"""
HOSTILE_OUTCOME = """
    on: 2025-06-01
    by: judge
    results:
      h1: no
"""
HOSTILE_ASSESSMENTS = """
    assessments:
      - claim: pipes
        verdict: supported
        on: 2025-03-01
        by: "Rev | One"
        note: "first look\\n| --- | table injection"
        evidence:
          - url: https://example.org/review
            title: "](javascript:alert(3))"
            stance: for
      - claim: pipes
        verdict: refuted
        on: 2025-07-01
        by: Rev Two
        note: "<script>alert(4)</script>"
        evidence:
          - url: https://example.org/replication
            quote: "did not | replicate"
            stance: against
          - quote: a quote with no link
"""


@pytest.fixture
def bundled(tmp_path):
    root = tmp_path / "predictions"
    shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
    return root


@pytest.fixture
def hostile(make_ledger):
    return make_ledger({"claims.yaml": HOSTILE_CLAIMS, "p.yaml": HOSTILE_PREDICTIONS, "outcomes/o.yaml": HOSTILE_OUTCOME,
                        "assessments.yaml": HOSTILE_ASSESSMENTS})


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_text(encoding="utf-8")


# -- the bundled example -------------------------------------------------------


def test_bundled_example_is_clean_and_its_claims_are_linked(cli, bundled):
    assert cli("--root", bundled, "check").code == 0
    r = cli("--root", bundled, "claim", "list", "--json")
    data = json.loads(r.out)
    assert [c["id"] for c in data["claims"]] == ["one-layer-monosemantic", "sae-interpretable-large-models", "features-highly-abstract"]
    assert {c["verdict"] for c in data["claims"]} == {"overstated"}
    by_id = {c["id"]: c for c in data["claims"]}
    assert by_id["sae-interpretable-large-models"]["tested_by"] == ["eye-test", "arbitrary-edits"]
    assert by_id["features-highly-abstract"]["test_outcome"] == "borne-out"
    post = (REPO.parent / "shared" / "seed" / "post.txt")
    if post.exists():  # every quote in the example is verbatim from the seed post
        text = post.read_text(encoding="utf-8")
        assert all(c["quote"] in text for c in data["claims"])
        show = json.loads(cli("--root", bundled, "claim", "show", "sae-interpretable-large-models", "--json").out)
        assert all(e["quote"] in text for a in show["assessments"] for e in a["evidence"])


def test_bundled_claims_report_golden(cli, bundled):
    r = cli("--root", bundled, "claims-report")
    assert r.code == 0 and r.err == ""
    _golden("claims-report.md", r.out)


def test_claims_report_to_a_folder_is_a_usage_error_and_a_new_folder_is_made(cli, bundled, tmp_path):
    (tmp_path / "posts").mkdir()
    r = cli("--root", bundled, "claims-report", "-o", tmp_path / "posts")
    assert r.code == 2 and "-o" in r.err and "is a folder; name the markdown file to write" in r.err
    assert list((tmp_path / "posts").iterdir()) == []
    r = cli("--root", bundled, "claims-report", "-o", tmp_path / "posts" / "2026" / "claims.md")
    assert r.code == 0, r.err
    assert (tmp_path / "posts" / "2026" / "claims.md").read_text(encoding="utf-8") == cli(
        "--root", bundled, "claims-report").out


# -- add -----------------------------------------------------------------------


def test_claim_add_prints_the_id_and_the_claim_reads_back(cli, bundled):
    url = "https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html"
    r = cli("--root", bundled, "claim", "add", "Scaling laws can be used to guide the training of sparse autoencoders",
            "--source", url, "--locator", "key results", "--tag", "scaling", "--id", "scaling-laws", "--confidence", "3:1")
    assert (r.code, r.out, r.err) == (0, "scaling-laws\n", "")
    shown = json.loads(cli("--root", bundled, "claim", "show", "scaling-laws", "--json").out)
    assert shown["source"]["id"] == "scaling-monosemanticity"  # the shared source, referred to by id
    assert shown["claimant"] == "Anthropic" and shown["confidence"] == 0.75 and shown["confidence_typed"] == "3:1"
    assert shown["file"] == "claims/scaling-monosemanticity.yaml"
    assert cli("--root", bundled, "check").code == 0


def test_claim_add_json(cli, make_ledger):
    root = make_ledger({})
    r = cli("--root", root, "claim", "add", "A claim", "--source", "https://a.org", "--claimant", "Ada", "--json")
    assert r.code == 0 and json.loads(r.out) == {"id": "a-claim", "file": "claims.yaml"}


@pytest.mark.parametrize(
    "args, argument",
    [
        ([], "--source"),
        (["--source", "javascript:alert(1)"], "--source"),
        (["--source", "https://a.org", "--confidence", "150%"], "--confidence"),
        (["--source", "https://a.org", "--id", "../etc"], "--id"),
        (["--source", "https://a.org", "--tag", "Bad Tag"], "--tag"),
    ],
)
def test_claim_add_usage_errors(cli, bundled, args, argument):
    before = snapshot(bundled)
    r = cli("--root", bundled, "claim", "add", "Q", *args)
    assert_clean_error(r, 2, argument)
    assert snapshot(bundled) == before


def test_claim_add_duplicate_id(cli, bundled):
    r = cli("--root", bundled, "claim", "add", "Q", "--source", "https://a.org", "--id", "one-layer-monosemantic")
    assert_clean_error(r, 2, "--id 'one-layer-monosemantic' is already used")


def test_the_same_quote_from_the_same_place_in_a_source_is_refused(cli, bundled, monkeypatch):
    monkeypatch.chdir(bundled)  # places in messages are shown from where the command runs
    shown = json.loads(cli("--root", bundled, "claim", "show", "one-layer-monosemantic", "--json").out)
    url = shown["source"]["url"]
    before = snapshot(bundled)
    # Its source by another spelling of its URL (a trailing slash), the same words, the same locator: run twice.
    r = cli("--root", bundled, "claim", "add", shown["quote"], "--source", url.rstrip("/") + "/",
            "--locator", shown["locator"])
    assert_clean_error(r, 2, "QUOTE")
    assert f"claim 'one-layer-monosemantic' ({shown['file']}:" in r.err and "pledger claim assess" in r.err
    assert snapshot(bundled) == before
    # The same words from another place in the source, or from another source, are another claim.
    assert cli("--root", bundled, "claim", "add", shown["quote"], "--source", url, "--locator", "abstract").code == 0
    assert cli("--root", bundled, "claim", "add", shown["quote"], "--source", "https://example.org/quoting-it").code == 0


def test_the_same_quote_with_other_spacing_is_the_same_claim(cli, bundled, monkeypatch):
    monkeypatch.chdir(bundled)  # places in messages are shown from where the command runs
    # A hand-written block quote ends in a line break; a pasted one has spaces around it or a doubled one inside.
    (bundled / "claims" / "block.yaml").write_text(
        "claims:\n  - id: block\n    quote: |\n      Features are\n      interpretable\n"
        "    source:\n      url: https://example.org/block\n    locator: p. 3\n", encoding="utf-8")
    before = snapshot(bundled)
    for quote, locator in (("Features are interpretable", "p. 3"), ("  Features  are interpretable \n", " p.  3 ")):
        r = cli("--root", bundled, "claim", "add", quote, "--source", "https://example.org/block", "--locator", locator)
        assert_clean_error(r, 2, "QUOTE", "claim 'block' (claims/block.yaml:2)")
    assert snapshot(bundled) == before
    # Other words (a letter's case is the claimant's) are another claim; the spacing around them is not kept.
    r = cli("--root", bundled, "claim", "add", "  features are interpretable\n", "--source", "https://example.org/block",
            "--locator", "p. 3", "--json")
    assert r.code == 0, r.err
    added = json.loads(cli("--root", bundled, "claim", "show", json.loads(r.out)["id"], "--json").out)
    assert added["quote"] == "features are interpretable"


# -- assess --------------------------------------------------------------------


def test_claim_assess_appends_and_show_lists_the_history(cli, bundled):
    before = (bundled / "assessments.yaml").read_bytes()
    r = cli("--root", bundled, "claim", "assess", "features-highly-abstract", "contested", "--on", "2024-06-01",
            "--by", "Reader", "--evidence", "https://example.org/a", "--quote", "multilingual features hold up",
            "--stance", "for", "--evidence", "https://example.org/b", "--stance", "against", "--quote", "they don't",
            "--note", "two views")
    assert (r.code, r.out) == (0, "assessment of features-highly-abstract recorded in assessments.yaml\n")
    after = (bundled / "assessments.yaml").read_bytes()
    assert after.startswith(before)
    assert after[len(before):].decode() == (
        "  - claim: features-highly-abstract\n    verdict: contested\n    \"on\": 2024-06-01\n    by: Reader\n"
        "    evidence:\n      - url: https://example.org/a\n        quote: multilingual features hold up\n        stance: for\n"
        "      - url: https://example.org/b\n        quote: they don't\n        stance: against\n    note: two views\n"
    )
    shown = json.loads(cli("--root", bundled, "claim", "show", "features-highly-abstract", "--json").out)
    assert [a["verdict"] for a in shown["assessments"]] == ["overstated", "contested"]
    assert shown["verdict"] == "contested" and shown["assessed_on"] == "2024-06-01"
    text = cli("--root", bundled, "claim", "show", "features-highly-abstract").out
    assert text.index("overstated  by Stephen Casper") < text.index("contested  by Reader")
    assert "streetlight-edits" in text and "+0.05" in text
    report = cli("--root", bundled, "claims-report").out
    assert "- 2024-06-01: now contested (Reader): two views" in report
    assert cli("--root", bundled, "check").code == 0


def test_claim_assess_json(cli, bundled):
    r = cli("--root", bundled, "claim", "assess", "one-layer-monosemantic", "open", "--json")
    assert r.code == 0 and json.loads(r.out) == {"id": "one-layer-monosemantic", "file": "assessments.yaml"}


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (["ghost", "open"], 2, "no claim with id 'ghost'"),
        (["one-layer-monosemantic", "maybe"], 2, "'maybe' is not a verdict"),
        (["one-layer-monosemantic", "open", "--quote", "words"], 2, "--quote needs --evidence"),
        (["one-layer-monosemantic", "open", "--evidence", "https://a.org", "--evidence", "https://b.org", "--stance", "for"], 2,
         "1 --stance for 2 --evidence"),
        (["one-layer-monosemantic", "open", "--evidence", "https://a.org", "--stance", "sideways"], 2, "--stance must be for or against"),
        (["one-layer-monosemantic", "open", "--evidence", "javascript:alert(1)"], 2, "--evidence"),
        (["one-layer-monosemantic", "open", "--on", "soon"], 2, "--on"),
        (["one-layer-monosemantic", "open", "--on", "2024-05-20"], 2,
         "--on: claim 'one-layer-monosemantic' is assessed on 2024-05-20, before its source was published (2024-05-21)"),
    ],
)
def test_claim_assess_errors_write_nothing(cli, bundled, args, code, fragment):
    before = snapshot(bundled)
    assert_clean_error(cli("--root", bundled, "claim", "assess", *args), code, fragment)
    assert snapshot(bundled) == before


# -- list and show -------------------------------------------------------------


def test_claim_list_table_and_filters(cli, bundled, hostile):
    r = cli("--root", bundled, "claim", "list")
    assert r.code == 0 and "sae-interpretable-large-models" in r.out and r.out.rstrip().endswith("3 claims")
    assert "Track record" not in r.out
    r = cli("--root", bundled, "claim", "list", "--verdict", "supported")
    assert r.code == 0 and "No claims match." in r.out
    assert_clean_error(cli("--root", bundled, "claim", "list", "--verdict", "great"), 2, "--verdict")
    r = cli("--root", hostile, "claim", "list", "--tag", "hostile", "--json")
    assert [c["id"] for c in json.loads(r.out)["claims"]] == ["pipes"]
    r = cli("--root", hostile, "claim", "list", "--source", "https://example.org/other", "--json")
    assert [c["id"] for c in json.loads(r.out)["claims"]] == ["markup"]
    r = cli("--root", hostile, "claim", "list", "--verdict", "unassessed", "--json")
    assert [c["id"] for c in json.loads(r.out)["claims"]] == ["markup"]


def test_claim_list_claimant_shows_the_track_record(cli, hostile):
    r = cli("--root", hostile, "claim", "list", "--claimant", "# evil <b>lab</b>")
    assert r.code == 0
    assert "Track record of # Evil <b>Lab</b>: 1 claim" in r.out
    # pipes: stated 90%, tested by h1 which resolved no -> outcome 0: Brier 0.81, points -0.90.
    assert "n=1, Brier 0.810" in r.out and "points -0.90" in r.out
    data = json.loads(cli("--root", hostile, "claim", "list", "--claimant", "# Evil <b>Lab</b>", "--json").out)
    rec = data["track_record"]
    assert rec["scored"]["n"] == 1 and rec["scored"]["brier"] == pytest.approx(0.81) and rec["scored"]["points"] == pytest.approx(-0.9)
    assert rec["verdicts"]["refuted"] == 1 and rec["tested"]["not-borne-out"] == 1
    assert set(rec["rules"]) == {"outcome", "brier", "points", "verdicts"}


def test_claim_show_unknown_and_text(cli, bundled):
    assert_clean_error(cli("--root", bundled, "claim", "show", "nope"), 2, "no claim with id 'nope'")
    r = cli("--root", bundled, "claim", "show", "one-layer-monosemantic")
    assert r.code == 0 and "No prediction tests it yet" in r.out and "opening paragraph" in r.out


def test_commands_on_a_missing_root_fail_cleanly(cli, tmp_path):
    for args in (["claim", "list"], ["claims-report"], ["claim", "show", "x"]):
        assert_clean_error(cli("--root", tmp_path / "nowhere", *args), 1, "does not exist")


# -- the report ----------------------------------------------------------------


def test_hostile_claims_report_golden_and_deterministic(cli, hostile):
    first = cli("--root", hostile, "claims-report")
    assert first.code == 0
    _golden("claims-report-hostile.md", first.out)
    forget_index(hostile)  # a rebuilt index gives the same bytes
    assert cli("--root", hostile, "claims-report").out == first.out


def test_hostile_text_cannot_escape_its_cell(cli, hostile):
    out = cli("--root", hostile, "claims-report").out
    assert re.search(r"(?<!\\)\]\(javascript:", out) is None  # no link anywhere points at javascript:
    assert "<script" not in out and "<img" not in out and "<b>" not in out and "<em>" not in out
    for line in out.splitlines():
        assert not line.startswith(("# Evil", "- not a list")), line
        if line.startswith("| "):
            # Every row of a table has as many unescaped pipes as its header.
            cells = line.replace("\\|", "").count("|")
            assert cells in (7, 6, 8), line


# Quotes and names that are markdown, HTML, links of other schemes, block openers
# at the start of a line, and invisible characters (NUL, ESC, DEL, bidi overrides).
MARKUP_QUOTE = (
    "Features | are | interpretable\\n# a heading\\n- a list\\n---\\n> a quote\\n1. one\\n"
    "<script>alert(1)</script> <b>bold</b> `tick` ``two`` [x](javascript:alert(1)) "
    "[y](data:text/html,<b>hi</b>) ![i](https://x.org/i.png) <javascript:alert(2)> [^1] $x$ &lt;"
)
PAGE_BREAKERS = {
    "claims.yaml": f"""
        claims:
          - id: quote-markup
            quote: "{MARKUP_QUOTE}"
            source: {{title: "---", url: "https://example.org/p?q=1|2 )"}}
            claimant: "- a list"
            locator: "1. first <i>page</i>"
            confidence: 90%
          - id: leading-hash
            quote: "# a heading"
            source: {{title: "https://"}}
            claimant: "# Lab"
          - id: leading-dash
            quote: "- a list item"
            source: {{title: "no link"}}
            claimant: "= Lab"
          - id: invisible
            quote: "a\\x01b\\eb\\x7fc\\u202eevil\\u2066d"
            source: https://example.org/i
            claimant: "\\u202eLab"
    """,
    "p.yaml": """
        set: h
        by: "Ana | <b>Bo</b>"
        made: 2025-01-01
        predictions:
          - id: t1
            claim: "--\\n---\\n| --- |"
            p: 80%
            tests: [quote-markup, leading-hash]
          - id: t2
            claim: "- x"
            p: 0.3
            tests: [leading-dash, invisible]
    """,
    "outcomes/o.yaml": """
        on: 2025-06-01
        by: judge
        results: {t1: yes, t2: no}
    """,
    "assessments.yaml": """
        assessments:
          - claim: quote-markup
            verdict: supported
            on: 2025-03-01
            by: "- Rev"
            note: "---"
          - claim: quote-markup
            verdict: refuted
            on: 2025-07-01
            by: "# Rev Two"
            note: "-- -\\n= x"
            evidence:
              - url: https://example.org/review
                title: "<script>x</script>"
                stance: against
              - quote: "javascript:alert(3)"
                stance: for
    """,
}
MARKUP_SHOWN = (
    "Features | are | interpretable # a heading - a list --- > a quote 1. one "
    "<script>alert(1)</script> <b>bold</b> `tick` ``two`` [x](javascript:alert(1)) "
    "[y](data:text/html,<b>hi</b>) ![i](https://x.org/i.png) <javascript:alert(2)> [^1] $x$ &lt;"
)


def _assert_inert(md: str, own: tuple[str, ...] = ()) -> list:
    """No raw HTML, only https links, no invisible characters, and no block or inline
    markup the report did not write itself (`own`: what it does write). Returns the parsed tokens."""
    # The scorecard's github appendix is folded in <details>: the only HTML it writes, never user text.
    assert scorecard_html(md) == []
    assert all(h.startswith("https://example.org/") for h in hrefs(md)), hrefs(md)
    assert not any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in md)
    assert "\u202e" not in md and "\u2066" not in md
    tokens = MarkdownIt("js-default").parse(md)
    types = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    for opened in ("hr", "blockquote_open", "ordered_list_open", "code_block", "fence", "html_block",
                   "code_inline", "em_open", "s_open", "image", "html_inline"):
        assert opened in own or opened not in types, opened
    return tokens


@pytest.fixture
def page_breakers(make_ledger, cli):
    root = make_ledger(PAGE_BREAKERS)
    assert cli("--root", root, "check").code == 0  # every record is valid: the report must cope
    return root


def test_claims_report_parses_to_the_text_as_written(cli, page_breakers):
    md = cli("--root", page_breakers, "claims-report").out
    tokens = _assert_inert(md)
    headings = [inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["Research claims", "How verdicts changed", "Predictions that test the claims",
                        "quote-markup: borne out", "leading-hash: borne out", "leading-dash: not borne out",
                        "invisible: not borne out", "Track records"]
    # One list, the history: one item per assessment, its text as written.
    assert [t.type for t in tokens].count("bullet_list_open") == 1
    items = [inline_text(tokens[i + 2]) for i, t in enumerate(tokens) if t.type == "list_item_open"]
    assert items == ["2025-03-01: supported (- Rev): ---", "2025-07-01: now refuted (# Rev Two): -- - = x"]
    claims, *tests, records = tables(md)
    assert all(len(row) == len(table[0]) for table in tables(md) for row in table)
    rows = {row[0].split(":")[0]: row for row in claims[1:]}
    assert list(rows) == ["quote-markup", "leading-hash", "leading-dash", "invisible"]
    assert rows["quote-markup"][:3] == [f"quote-markup: “{MARKUP_SHOWN}” (stated confidence 90%)", "- a list",
                                        "---, 1. first <i>page</i>"]
    assert rows["quote-markup"][4] == "against: <script>x</script>; for: javascript:alert(3)"
    assert rows["leading-hash"][1:3] == ["# Lab", "https://"]  # a title that looks like a link is shown, not linked
    assert rows["leading-dash"][:2] == ["leading-dash: “- a list item”", "= Lab"]
    assert rows["invisible"][:2] == ["invisible: “a b b cevild”", "Lab"]
    assert [len(t) for t in tests] == [2, 2, 2, 2]
    assert tests[0][1][:3] == ["t1: -- --- | --- |", "80%", "Ana | <b>Bo</b>"]
    assert [row[0] for row in records[1:]] == ["# Lab", "- a list", "= Lab", "Lab"]
    assert hrefs(md) == ["https://example.org/p?q=1%7C2%20%29", "https://example.org/review", "https://example.org/i"]


def test_scorecard_claims_section_parses_to_the_text_as_written(cli, page_breakers):
    r = cli("--root", page_breakers, "scorecard", "--set", "h")
    assert r.code == 0
    _assert_inert(r.out, own=("code_inline", "em_open"))  # the reproducing command, the selection line
    predictions = tables(r.out)[0]
    assert [row[1] for row in predictions[1:]] == ["-- --- | --- |", "- x"]
    claims = next(t for t in tables(r.out) if t[0][0] == "claim")
    assert all(len(row) == 5 for row in claims)
    assert [row[:3] for row in claims[1:]] == [
        [f"“{MARKUP_SHOWN}”", "- a list", "---"],
        ["“# a heading”", "# Lab", "https://"],  # a title that looks like a link: shown as text, not linked
        ["“- a list item”", "= Lab", "no link"],
        ["“a b b cevild”", "Lab", "example.org"],
    ]


def test_report_filters_and_output_file(cli, hostile, tmp_path):
    r = cli("--root", hostile, "claims-report", "--claimant", "plain person")
    assert r.code == 0 and "**markup**" in r.out and "**pipes**" not in r.out
    assert "| Plain Person | 1 |" in r.out
    r = cli("--root", hostile, "claims-report", "--tag", "nothing-has-this")
    assert r.code == 0 and "No claims match." in r.out
    target = tmp_path / "out.md"
    r = cli("--root", hostile, "claims-report", "--source", "evil-source", "-o", target)
    assert r.code == 0 and r.out == "" and target.read_text(encoding="utf-8").startswith("# Research claims\n")


def test_bad_files_are_reported_by_check_with_their_line(cli, make_ledger):
    root = make_ledger({
        "claims.yaml": "claims:\n  - id: c1\n    quote: q\n",
        "assessments.yaml": "assessments:\n  - {claim: c9, verdict: wrong, on: 2025-01-01, by: me}\n"
                            "  - {claim: c9, verdict: open, on: 2025-01-01, by: me}\n",
        "p.yaml": "by: me\nmade: 2025-01-01\npredictions:\n  - {id: p1, claim: x, p: 0.5, tests: [c1]}\n",
    })
    r = cli("--root", root, "check")
    assert r.code == 1
    lines = r.out.splitlines()
    assert any(line.endswith("assessments.yaml:2:26: `verdict`: 'wrong' is not a verdict; use one of supported, "
                             "partly-supported, overstated, contested, refuted, open") for line in lines), lines
    assert any(line.endswith("assessments.yaml:3:5: assessment of unknown claim 'c9'; check the id (`pledger claim list` shows them)")
               for line in lines), lines
    assert any(line.endswith("claims.yaml:2:5: claim 'c1' has no `source:`; give its url, a mapping {title, url, date, authors}, "
                             "or the id of a shared source (on the claim or in the file's header)") for line in lines), lines
    # c1 is left out for its missing source, already reported: p1's `tests: [c1]` is not "unknown" too.
    assert not any("p.yaml" in line for line in lines), lines


def test_check_summary_counts_claims_assessments_and_sources(cli, make_ledger):
    root = make_ledger({
        "claims.yaml": "claims:\n  - id: c1\n    quote: q\n    source: https://example.org/a\n",
        "assessments.yaml": "assessments:\n  - {claim: c1, verdict: open, on: 2025-01-01, by: me}\n",
        "p.yaml": "by: me\nmade: 2025-01-01\npredictions:\n  - {id: p1, claim: x, p: 0.5, tests: [c1]}\n",
    })
    r = cli("--root", root, "check")
    assert (r.code, r.out) == (0, "ok: 3 files, 1 prediction, 1 forecast, 0 outcome entries, 1 claim, 1 assessment, no problems\n")
    (root / "sources.yaml").write_text("sources:\n  - {id: s1, title: T}\n  - {id: s2, title: U}\n")
    (root / "bad.yaml").write_text("predictions: [\n")
    r = cli("--root", root, "check")
    assert r.code == 1
    assert r.err == "1 problem in 5 files, 1 prediction, 1 forecast, 0 outcome entries, 1 claim, 1 assessment, 2 sources\n"
    data = json.loads(cli("--root", root, "check", "--json").out)
    assert (data["claims"], data["assessments"], data["sources"]) == (1, 1, 2)


# -- docs ----------------------------------------------------------------------


def _keys(value, out=None):
    out = set() if out is None else out
    if isinstance(value, dict):
        for key, inner in value.items():
            out.add(key)
            _keys(inner, out)
    elif isinstance(value, list):
        for inner in value:
            _keys(inner, out)
    return out


def test_every_claims_json_key_is_documented(cli, hostile):
    doc = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    section = doc[doc.index("## pledger claim"):]
    names = set()
    for args in (["claim", "list", "--claimant", "# Evil <b>Lab</b>", "--json"], ["claim", "show", "pipes", "--json"]):
        names |= _keys(json.loads(cli("--root", hostile, *args).out))
    names -= {"borne-out", "not-borne-out", "pending", "void", "untested", "unassessed", "supported", "partly-supported",
              "overstated", "contested", "refuted", "open"}  # the values of a verdict or outcome, used as count keys
    # A key is documented when written as `key`, `a.key` or inside a `{a, key, b}` shape.
    missing = sorted(n for n in names if not re.search(rf"[`{{.,] ?{re.escape(n)}[`}},.:]", section))
    assert missing == []


def test_show_of_a_record_left_out_for_a_problem_says_so(cli, make_ledger):
    root = make_ledger({
        "claims.yaml": "claims:\n  - id: c1\n    quote: q\n    source: javascript:alert(1)\n",
        "p.yaml": "by: me\nmade: 2025-01-01\npredictions:\n  - {id: p1, claim: x, p: 2}\n  - {id: p2, claim: y, p: 0.5}\n",
    })
    for args, path in ((("show", "p1"), "p.yaml:4:"), (("claim", "show", "c1"), "claims.yaml:4:")):
        r = cli("--root", root, *args)
        assert r.code == 1, r
        kind, rid = ("claim", "c1") if args[0] == "claim" else ("prediction", "p1")
        assert r.err.startswith(f"pledger: error: {kind} {rid!r} is left out because its record has a problem; fix it:\n")
        assert f"{root / path}" in r.err  # the problem itself, with its place
    # An id no file defines is still a usage error.
    assert cli("--root", root, "show", "p9").code == 2
