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
# Forecasters' names that must stay text: each forecasts h0, h1, ... (hostile claims too) and gets a page.
HOSTILE_NAMES = ["<script>window.__pwned=1</script>", "javascript:window.__pwned=1", "\"><svg onload=window.__pwned=1>",
                 "\x1b]0;title\x07\x1b[2J\u0085 controls", "{{ 7*7 }} {% raw %} ${7*7}", "[x](javascript:alert(1))"]


def hostile_ledger(root: Path) -> Path:
    """Every hostile text as a claim, note, title, name, quote, criteria and evidence title; a forecast by
    each hostile name (HOSTILE_NAMES[i] on prediction h{i}, dated before its resolution: scored)."""
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
    forecasts = "".join(f"  - prediction: h{i}\n    p: {10 + 10 * i}%\n    by: {q(name)}\n    at: 2025-02-01\n"
                        for i, name in enumerate(HOSTILE_NAMES))
    (root / "forecasts.yaml").write_text(f"forecasts:\n{forecasts}", encoding="utf-8")
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
        assert not [v for t, k, v in page.attrs if k in ("href", "src") and v and "javascript:" in v.lower()], path
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


# -- the forecasters' pages -------------------------------------------------------------------

class Section(HTMLParser):
    """One <section id=...> of a page: its tables' body rows (each cell's text and links), the links
    outside its tables (text, href: lists, figure captions) and its images (src, alt)."""

    def __init__(self, key: str):
        super().__init__(convert_charrefs=True)
        self.key, self.depth = key, 0
        self.rows: list[list[dict]] = []
        self.links: list[tuple[str, str]] = []
        self.images: list[tuple[str, str]] = []
        self._body = self._cell = self._link = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and (self.depth or a.get("id") == self.key):
            self.depth += 1
        if not self.depth:
            return
        if tag == "tbody":
            self._body = True
        elif tag == "tr" and self._body:
            self.rows.append([])
        elif tag == "td" and self._body:
            self._cell = {"text": "", "hrefs": []}
            self.rows[-1].append(self._cell)
        elif tag == "a":
            self._link = [a.get("href"), ""]
            if self._cell is not None:
                self._cell["hrefs"].append(a.get("href"))
        elif tag == "img":
            self.images.append((a.get("src"), a.get("alt")))

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "section":
            self.depth -= 1
        elif tag == "tbody":
            self._body = None
        elif tag == "td":
            self._cell = None
        elif tag == "a" and self._link:
            if self._cell is None:
                self.links.append((" ".join(self._link[1].split()), self._link[0]))
            self._link = None

    def handle_data(self, data):
        if self.depth and self._cell is not None:
            self._cell["text"] += data
        if self.depth and self._link is not None:
            self._link[1] += data


def section(path: Path, key: str) -> Section:
    s = Section(key)
    s.feed(path.read_text(encoding="utf-8"))
    return s


def cells(s: Section) -> list[tuple[str, ...]]:
    return [tuple(" ".join(c["text"].split()) for c in row) for row in s.rows]


def h1(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    start = page.index("<h1>") + 4
    found = Page()
    found.feed(page[start:page.index("</h1>", start)])
    return " ".join("".join(found.text).split())


def target(page: Path, href: str) -> Path:
    """The file a relative link of `page` names; it must be in the site."""
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc and not href.startswith("/"), (page, href)
    return (page.parent / unquote(parts.path)).resolve()


# Ana makes three predictions (one pending), updates two later; Bo forecasts on all three (as "bo"
# once: the same forecaster; twice on the pending one) and makes one of his own; Cy forecasts only after a resolution, Dee only
# on the pending one: neither has a scored yes/no forecast.
PEOPLE = {
    "s.yaml": """
        set: s
        title: A set
        by: Ana
        made: 2026-01-01
        predictions:
          - {id: a1, claim: First, p: 80%}
          - {id: a2, claim: Second, p: 0.3, forecasts: [{by: Bo, p: 60%, at: 2026-01-05}]}
          - {id: a3, claim: Third, p: "3:1"}
        """,
    "loose.yaml": """
        by: Bo
        made: 2026-01-02
        predictions:
          - {id: b1, claim: "Bo's own", p: 10%}
        """,
    "forecasts.yaml": """
        forecasts:
          - {prediction: a1, p: 40%, by: bo, at: 2026-01-03}
          - {prediction: a1, p: 90%, by: Ana, at: 2026-01-04}
          - {prediction: a3, p: 0.5, by: Bo, at: 2026-01-04}
          - {prediction: a3, p: 85%, by: Ana, at: 2026-01-02}
          - {prediction: a3, p: 55%, by: Bo, at: 2026-01-10}
          - {prediction: a2, p: 0.9, by: Cy, at: 2026-03-01}
          - {prediction: a3, p: 0.7, by: Dee, at: 2026-01-04}
        """,
    "outcomes/o.yaml": "on: 2026-02-01\nby: Ana\nresults: {a1: yes, a2: no, b1: no}\n",
}


@pytest.fixture
def people_site(cli, make_ledger, tmp_path):
    r = cli("--root", make_ledger(PEOPLE), "site", "-o", str(tmp_path / "out"))
    assert r.code == 0, r.err
    return tmp_path / "out"


def forecaster_pages(site: Path) -> dict[str, Path]:
    """The home page's list of forecasters: name -> the page its link names (which must exist)."""
    home = site / "index.html"
    found = section(home, "forecasters")
    listed = {text: target(home, href) for text, href in found.links if "forecasters/" in href}
    for path in listed.values():
        assert path.is_file() and path.parent == (site / "forecasters").resolve(), path
    return listed


def test_every_forecaster_has_a_page_the_home_page_links(people_site):
    pages = forecaster_pages(people_site)
    assert sorted(pages) == ["Ana", "Bo", "Cy", "Dee"]
    assert sorted(p.name for p in pages.values()) == sorted(p.name for p in (people_site / "forecasters").iterdir())
    assert {name: h1(path) for name, path in pages.items()} == {name: name for name in pages}


def test_a_forecaster_page_lists_every_prediction_they_made_or_forecast_with_their_forecast(people_site):
    pages = forecaster_pages(people_site)
    yes, no, pending = "✅happened", "❌did not happen", "⏳pending"
    # Points by the post's rule on their forecast: 1 - p if it happened, -p if not.
    expected = {
        # Ana: her published p (not her later 90% on a1 nor 85% on a3), 3:1 as 75%; pending: no points.
        "Ana": [("2026-01-01", "First", "A set", "Ana", "80%", yes, "+0.20"),
                ("2026-01-01", "Second", "A set", "Ana", "30%", no, "-0.30"),
                ("2026-01-01", "Third", "A set", "Ana", "75%", pending, "—")],
        # Bo: his first forecast on Ana's (a1's 40% as "bo", a2's inline 60%, a3's 50% before his 55%), then
        # his own, in ledger order.
        "Bo": [("2026-01-01", "First", "A set", "Ana", "40%", yes, "+0.60"),
               ("2026-01-01", "Second", "A set", "Ana", "60%", no, "-0.60"),
               ("2026-01-01", "Third", "A set", "Ana", "50%", pending, "—"),
               ("2026-01-02", "Bo's own", "—", "Bo", "10%", no, "-0.10")],
        "Cy": [("2026-01-01", "Second", "A set", "Ana", "90% (after the resolution: never scored)", no, "—")],
        "Dee": [("2026-01-01", "Third", "A set", "Ana", "70%", pending, "—")],
    }
    ids = {"First": "a1", "Second": "a2", "Third": "a3", "Bo's own": "b1"}
    for name, rows in expected.items():
        page = pages[name]
        listed = section(page, "predictions")
        assert cells(listed) == rows, name
        for row, shown in zip(listed.rows, rows):
            claim, in_set = row[1]["hrefs"], row[2]["hrefs"]
            assert claim == [f"../predictions/{ids[shown[1]]}.html"], (name, claim)
            assert h1(target(page, claim[0])) == shown[1]  # the link leads to that prediction's page
            assert in_set == ([] if shown[2] == "—" else ["../sets/s.html"])
            assert all(target(page, h).is_file() for h in in_set)
    text = " ".join(" ".join(parse(pages["Bo"]).text).split())
    assert "1 of their own, 3 by others" in text and "they add up to the gap total, -0.10" in text  # 0.6 - 0.6 - 0.1


def test_a_forecaster_with_a_scored_forecast_has_their_calibration_chart(people_site):
    pages = forecaster_pages(people_site)
    charts = people_site / "charts"
    drawn = set()
    for name, n in (("Ana", 2), ("Bo", 3)):  # Ana: a1 and a2 scored; Bo: a1, a2 and b1
        page = pages[name]
        cal = section(page, "calibration")
        ((src, alt),) = cal.images
        png = target(page, src)
        assert png.parent == charts.resolve() and png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert f"n={n})" in alt and "Calibration chart" in alt
        (svg,) = [target(page, h) for _, h in cal.links if h.endswith(".svg")]
        assert svg.stem == png.stem and b"<svg" in svg.read_bytes()[:500]
        drawn |= {png.name, svg.name}
    # Cy (only after the resolution) and Dee (only pending) have no scored yes/no forecast: no chart.
    for name in ("Cy", "Dee"):
        assert "img" not in parse(pages[name]).tags and "calibration" not in [
            v for t, k, v in parse(pages[name]).attrs if k == "id"]
    assert {p.name for p in charts.glob("forecaster-*")} == drawn


def test_the_leaderboards_link_each_forecaster_to_their_page(people_site):
    pages = {name.casefold(): path for name, path in forecaster_pages(people_site).items()}
    for page in (people_site / "index.html", people_site / "sets" / "s.html"):
        board = section(page, "forecasters")
        assert board.rows, page  # Ana and Bo have scored forecasts on the same questions: a leaderboard
        names = []
        for row in board.rows:
            name, (href,) = " ".join(row[1]["text"].split()), row[1]["hrefs"]
            assert target(page, href) == pages[name.casefold()].resolve(), (page, name, href)
            names.append(name.casefold())
        assert sorted(names) == ["ana", "bo"]


def test_hostile_names_and_claims_stay_text_on_the_forecasters_pages(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    identify(hostile_ledger(tmp_path / "h"))
    r = cli("--root", "h", "site", "-o", "out")
    assert r.code == 0, r.err
    site = tmp_path / "out"
    pages = forecaster_pages(site)
    for i, name in enumerate(HOSTILE_NAMES):
        shown = " ".join(name.replace("\x1b", " ").replace("\x07", " ").replace("\u0085", " ").split())
        page = pages[shown]  # the home page's link reads as the name, written as text
        assert h1(page) == shown
        listed = section(page, "predictions")
        ((made, claim, in_set, author, p, outcome, points),) = cells(listed)
        assert claim == " ".join(HOSTILE[i].replace("\u202e", "").split())  # the claim as written, as text
        assert p == f"{10 + 10 * i}%" and points != "—"  # scored: dated before the resolution
        hrefs = [h for row in listed.rows for c in row for h in c["hrefs"]]
        assert hrefs == [f"../predictions/h{i}.html", "../sets/hostile.html"]
        assert all(target(page, h).is_file() for h in hrefs)
        page_attrs = parse(page).attrs
        assert not [v for t, k, v in page_attrs if k in ("href", "src") and v and "javascript:" in v.lower()]
        assert not [a for a in page_attrs if a[1].startswith("on") or a[1] in ("style", "srcdoc")]
        assert set(parse(page).tags) <= ALLOWED_TAGS
        ((src, alt),) = section(page, "calibration").images  # one scored forecast: a chart of n=1
        assert "n=1)" in alt and target(page, src).is_file()


def test_a_forecaster_page_shows_their_forecast_on_every_kind_of_question(cli, make_ledger, tmp_path):
    # Bob's forecasts on a yes/no and a multiple-choice question, scored; Ana's own three, her later numeric
    # forecast not the one shown (the published quantiles are her first).
    from test_scorecard_reader import KINDS_WITH_FORECASTS

    r = cli("--root", make_ledger(KINDS_WITH_FORECASTS), "site", "-o", str(tmp_path / "out"))
    assert r.code == 0, r.err
    pages = forecaster_pages(tmp_path / "out")
    rows = {name: [(row[1], row[4], row[6]) for row in cells(section(page, "predictions"))]
            for name, page in pages.items()}
    assert rows == {
        "Ana": [("A", "70%", "+0.30"), ("Which?", "X 60% · Y 40%", "—"), ("N", "5%: 1 · 50%: 2 · 95%: 3", "—")],
        "Bob": [("A", "90%", "+0.10"), ("Which?", "X 30% · Y 70%", "—")],  # the post's rule: yes/no only
    }
