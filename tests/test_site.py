"""`pledger site`: the pages it writes, their links, determinism, incremental rebuilds, and
hostile record text checked on the HTML (the same texts as the scorecard's tests)."""

from __future__ import annotations

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from support import EXAMPLE_LEDGER, assert_clean_error, identify, snapshot
from test_scorecard import HOSTILE_TEXTS
from test_scorecard_reader import AUTOLINK_BAIT

# Markup and script that must stay text: every hostile text, plus handlers and schemes.
HOSTILE = HOSTILE_TEXTS + AUTOLINK_BAIT + [
    "<img src=x onerror=\"window.__pwned=1\">",
    "<script>window.__pwned=1</script>",
    "\"><svg onload=window.__pwned=1>",
    "' onmouseover='window.__pwned=1",
    "{{ 7*7 }} {% raw %} ${7*7}",
    "</textarea></title><iframe src=javascript:window.__pwned=1>",
    "&lt;script&gt; &amp; &#x3C;b&#x3E;",
    "javascript:window.__pwned=1",
    "\x1b]0;title\x07\x1b[2J\u0085 controls",
]


def hostile_ledger(root: Path) -> Path:
    """Every hostile text as a claim, note, title, name, quote, criteria and evidence title."""
    def q(t):
        return '"' + t.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") \
            .replace("\x1b", "\\e").replace("\x07", "\\a").replace("\u0085", "\\N") + '"'

    preds, results = [], []
    for i, t in enumerate(HOSTILE):
        preds.append(f"  - id: h{i}\n    claim: {q(t)}\n    p: {(i % 9 + 1) * 10}%\n    criteria: {q(t)}\n"
                     f"    tags: [{'a' if i % 2 else 'b'}]\n    tests: [c{i % 3}]")
        results.append(f"  h{i}:\n    result: {'yes' if i % 3 else 'no'}\n    note: {q(t)}")
    root.mkdir(parents=True)
    (root / "outcomes").mkdir()
    (root / "h.yaml").write_text(
        f"set: hostile\ntitle: {q(HOSTILE[1] + ' ' + HOSTILE[-6])}\nby: {q('Eve <b>x</b> @octocat')}\n"
        f"made: 2025-01-01\nsource: \"https://evil.example/x'onmouseover='window.__pwned=1\"\npredictions:\n" + "\n".join(preds) + "\n",
        encoding="utf-8")
    (root / "outcomes" / "o.yaml").write_text(
        "on: 2025-06-01\nby: \"judge <i>x</i>\"\nevidence:\n  - url: \"https://evil.example/\\\"><script>window.__pwned=1</script>\"\n"
        f"    title: {q(HOSTILE[3])}\n  - url: https://example.org/ok?a=1&b=<x>\n    quote: {q(HOSTILE[0])}\n"
        "results:\n" + "\n".join(results) + "\n", encoding="utf-8")
    claims = "\n".join(f"  - id: c{i}\n    quote: {q(HOSTILE[i + 4])}\n    claimant: {q(HOSTILE[i + 1])}\n"
                       f"    source: {{url: \"https://evil.example/<b>{i}</b>\", title: {q(HOSTILE[i + 7])}}}" for i in range(3))
    (root / "claims").mkdir()
    (root / "claims" / "c.yaml").write_text(f"claims:\n{claims}\n", encoding="utf-8")
    return root


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def links(path: Path, page: Page) -> list[str]:
    return [v for tag, k, v in page.attrs if k in ("href", "src") and v]


@pytest.fixture
def site(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE_LEDGER, tmp_path / "predictions", ignore=shutil.ignore_patterns(".pledger"))
    r = cli("--root", "predictions", "site", "-o", "public")
    assert r.code == 0, r.err
    return tmp_path / "public"


def test_every_page_is_there_and_every_link_resolves(site):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert "index.html" in pages and "sets/anthropic-sae-2024.html" in pages
    assert "predictions/eye-test.html" in pages and "claims/sae-interpretable-large-models.html" in pages
    assert len([p for p in pages if p.startswith("predictions/")]) == 17
    assert any(p.startswith("forecasters/") for p in pages)
    for rel in pages:
        path = site / rel
        for target in links(path, parse(path)):
            parts = urlsplit(target)
            if parts.scheme in ("http", "https"):
                continue  # evidence and sources: outside links, never fetched by the page
            assert not parts.scheme and not parts.netloc and not target.startswith("/"), (rel, target)
            if parts.path:
                assert (path.parent / unquote(parts.path)).resolve().is_file(), (rel, target)


def test_nothing_is_fetched_and_nothing_runs(site):
    for path in site.rglob("*.html"):
        page = parse(path)
        assert "script" not in page.tags and "iframe" not in page.tags
        assert not [a for a in page.attrs if a[1].startswith("on")]
        assert all(v.startswith(("https://", "http://")) is False for t, k, v in page.attrs if t in ("link", "img")
                   and k in ("href", "src"))


def test_the_same_ledger_gives_the_same_bytes(cli, site):
    first = snapshot(site)
    shutil.rmtree(site)
    assert cli("--root", "predictions", "site", "-o", "public").code == 0
    assert snapshot(site) == first


def test_an_unchanged_ledger_rewrites_nothing_and_a_change_rewrites_only_what_changed(cli, site):
    stamps = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    r = cli("--root", "predictions", "site", "-o", "public")
    assert r.code == 0 and "up to date" in r.err
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == stamps
    # The fast path checks the files are there: a deleted page is written again, nothing else.
    (site / "predictions" / "eye-test.html").unlink()
    r = cli("--root", "predictions", "site", "-o", "public")
    assert "Wrote 1 of" in r.err, r.err
    # A changed note: its prediction's page and the pages that show the note change; the rest keep their mtimes.
    ledger = site.parent / "predictions"
    outcome = ledger / "outcomes" / "2026-01-05-reading-group-2025.yaml"
    outcome.write_text(outcome.read_text(encoding="utf-8") + "# a comment changes the file, not the pages\n",
                       encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*.html")}
    r = cli("--root", "predictions", "site", "-o", "public")
    assert r.code == 0 and "Wrote 0 of" in r.err  # a new manifest only: every page's bytes are the same
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*.html")} == before
    # A changed claim: its own page and the pages that list it are written; the others keep their mtimes.
    card = ledger / "anthropic-sae-2024.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("Eye-test experiments:", "Eye tests:"), encoding="utf-8")
    r = cli("--root", "predictions", "site", "-o", "public")
    after = {p: p.stat().st_mtime_ns for p in site.rglob("*.html")}
    changed = sorted(p.relative_to(site).as_posix() for p in after if after[p] != before[p])
    assert "predictions/eye-test.html" in changed and "sets/anthropic-sae-2024.html" in changed
    assert "predictions/peft-beats-lora.html" not in changed and "sets/reading-group-2025.html" not in changed
    assert f"Wrote {len(changed)} of" in r.err


def test_a_removed_prediction_removes_its_page_and_nothing_the_site_did_not_write(cli, site):
    (site / "mine.txt").write_text("kept")
    ledger = site.parent / "predictions"
    text = (ledger / "anthropic-sae-2024.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: arbitrary-edits")
    (ledger / "anthropic-sae-2024.yaml").write_text(text[:start], encoding="utf-8")
    # Its outcome entry now names an unknown prediction (a problem): published on purpose.
    r = cli("--root", "predictions", "site", "-o", "public", "--with-problems")
    assert r.code == 0 and "1 removed" in r.err
    assert not (site / "predictions" / "arbitrary-edits.html").exists() and (site / "mine.txt").exists()


def test_hostile_text_stays_text_in_every_page(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    identify(hostile_ledger(tmp_path / "h"))
    r = cli("--root", "h", "site", "-o", "out")
    assert r.code == 0, r.err
    pages = list((tmp_path / "out").rglob("*.html"))
    assert len(pages) >= len(HOSTILE)
    seen = ""
    for path in pages:
        page = parse(path)
        assert set(page.tags) <= ALLOWED_TAGS, (path, set(page.tags) - ALLOWED_TAGS)
        assert not [a for a in page.attrs if a[1].startswith("on") or a[1] in ("style", "srcdoc")], path
        assert not [v for t, k, v in page.attrs if k in ("href", "src") and v and "javascript" in v.lower()], path
        seen += " ".join(page.text)
    # Every hostile text reaches a reader as written (whitespace runs and controls aside).
    flat = " ".join(seen.split())
    for t in HOSTILE:
        shown = " ".join(t.replace("\u202e", "").split())
        if "\x1b" in t:
            shown = "controls"
        assert shown in flat, t


ALLOWED_TAGS = {"html", "head", "meta", "title", "link", "body", "a", "header", "nav", "main", "footer", "p", "h1",
                "h2", "h3", "section", "div", "table", "thead", "tbody", "tr", "th", "td", "span", "strong", "em",
                "del", "code", "ul", "ol", "li", "figure", "img", "figcaption", "details", "summary", "dl", "dt",
                "dd", "small", "q"}


@pytest.mark.parametrize("args, argument", [(["-o", "file.txt"], "-o"), (["--title", ""], "--title"),
                                            (["--title", "a\nb"], "--title")])
def test_usage_errors_write_nothing(cli, tmp_path, monkeypatch, args, argument):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE_LEDGER, tmp_path / "predictions", ignore=shutil.ignore_patterns(".pledger"))
    (tmp_path / "file.txt").write_text("x")
    before = snapshot(tmp_path)
    r = cli("--root", "predictions", "site", *args)
    assert_clean_error(r, 2, argument)
    assert snapshot(tmp_path) == before


def test_a_folder_that_cannot_be_made_is_a_one_line_error_and_nothing_is_written(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE_LEDGER, tmp_path / "predictions", ignore=shutil.ignore_patterns(".pledger"))
    (tmp_path / "file.txt").write_text("x")
    before = snapshot(tmp_path)
    r = cli("--root", "predictions", "site", "-o", "file.txt/site")  # a file where a folder must go
    assert_clean_error(r, 1, "cannot write the site")
    after = {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("predictions/.pledger")}
    assert after == {k: v for k, v in before.items() if not k.startswith("predictions/.pledger")}


def test_predictions_without_a_set_have_their_figures_in_the_sets_table(cli, make_ledger, tmp_path):
    # Two loose predictions resolved yes at 50% and 80%, beside a set: their row scores them as a set's would.
    root = make_ledger({
        "loose.yaml": "by: ana\nmade: 2026-01-01\npredictions:\n  - {id: l1, claim: One, p: 0.5}\n"
                      "  - {id: l2, claim: Two, p: 0.8}\n",
        "s.yaml": "set: s\ntitle: A set\nby: ana\nmade: 2026-01-01\npredictions:\n  - {id: s1, claim: Three, p: 0.3}\n",
        "o.yaml": "on: 2026-02-01\nby: ana\nresults:\n  l1: yes\n  l2: yes\n  s1: no\n",
    })
    r = cli("--root", root, "site", "-o", str(tmp_path / "out"))
    assert r.code == 0, r.err
    text = " ".join(" ".join(parse(tmp_path / "out" / "index.html").text).split())
    # happened 2 of 2; gap (1 - 0.5) + (1 - 0.8) = +0.70; Brier ((0.5)^2 + (0.2)^2) / 2 = 0.1450
    assert "Predictions without a set 2 2 of 2 +0.70 0.1450" in text, text


def test_the_yes_no_figures_count_yes_no_questions_only(cli, make_ledger, tmp_path):
    # Two yes/no questions (one happened) beside a multiple-choice and a numeric one, all resolved: the
    # home page's "scored" and "happened" and the set's row say 2, not 4 (the other kinds have their own rules).
    from test_scorecard_reader import KINDS_WITH_FORECASTS

    files = dict(KINDS_WITH_FORECASTS)
    files["s.yaml"] = files["s.yaml"].replace("          - id: which", "          - id: b\n            claim: B\n"
                                              "            p: 20%\n          - id: which")
    files["outcomes/o.yaml"] = files["outcomes/o.yaml"].replace("{a: yes,", "{a: yes, b: no,")
    r = cli("--root", make_ledger(files), "site", "-o", str(tmp_path / "out"))
    assert r.code == 0, r.err
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert '<span data-figure="n">2</span>' in page and '<span data-figure="hits">1</span><small>of 2</small>' in page
    text = " ".join(" ".join(parse(tmp_path / "out" / "index.html").text).split())
    # the set's row: 4 predictions, 1 of its 2 yes/no happened; gap (1 - 0.7) + (0 - 0.2) = +0.10
    assert "s 4 1 of 2 +0.10" in text, text


def test_a_file_the_site_did_not_write_is_never_overwritten(cli, bundled, tmp_path):
    # A blog's own folder: its index.html is not the site's. The command stops before writing anything.
    out = tmp_path / "blog"
    out.mkdir()
    (out / "index.html").write_text("<h1>my home</h1>\n", encoding="utf-8")
    r = cli("--root", bundled, "site", "-o", str(out))
    assert_clean_error(r, 2, "-o")
    assert "index.html" in r.err and "did not write" in r.err
    assert (out / "index.html").read_text(encoding="utf-8") == "<h1>my home</h1>\n"
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]  # no page, no manifest, no temp file
    (out / "index.html").unlink()
    r = cli("--root", bundled, "site", "-o", str(out))
    assert r.code == 0, r.err
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")  # beside the site: left alone by later builds
    assert cli("--root", bundled, "site", "-o", str(out)).code == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_a_ledger_with_problems_publishes_nothing_unless_asked(cli, bundled, tmp_path):
    # One YAML typo drops a whole file from the index: the site would remove its pages. It stops instead
    # (a data problem, exit 1) and writes nothing; --with-problems publishes without those records.
    out = tmp_path / "out"
    assert cli("--root", bundled, "site", "-o", str(out)).code == 0
    before = snapshot(out)
    target = next(bundled.glob("*.yaml"))
    target.write_text(target.read_text(encoding="utf-8") + "  - id: z\n    claim: Oops: a colon\n    p: 50%\n",
                      encoding="utf-8")
    r = cli("--root", bundled, "site", "-o", str(out))
    assert_clean_error(r, 1, "problem", "nothing was written", "pledger check", "--with-problems")
    assert snapshot(out) == before
    r = cli("--root", bundled, "site", "-o", str(out), "--with-problems")
    assert r.code == 0, r.err
    assert "removed" in r.err and "warning: the ledger has" in r.err
    assert snapshot(out) != before
