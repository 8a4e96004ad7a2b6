"""The site in a real browser: Debian's chromium, headless, driven by Playwright (no browser
download: `executable_path` points at the system's chromium), at a desktop and a phone width.

Every page loads with no console error, page error or failed request; every internal link
resolves; the home page's headline figures equal `pledger score --json`; each forecaster's page
lists what `pledger list --by NAME --json` lists, in its order, each row leading to that prediction's
page, with the chart and points of `pledger score --by NAME --json`; hostile record text and
forecasters' names neither run nor inject an element; screenshots of the home page, a set page and a
forecaster's page (light and dark) are saved in tests/_screenshots/ for review.

Skipped, with the reason, only where no browser can be had; under CI (CI set) a missing
browser fails instead: .ci/run installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from support import EXAMPLE_LEDGER, REPO, TODAY
from test_site import HOSTILE, HOSTILE_NAMES, hostile_ledger

CHROMIUM = os.environ.get("PLEDGER_CHROMIUM", "/usr/bin/chromium")
SHOTS = REPO / "tests" / "_screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def _no_browser(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must have it (.ci/run installs chromium and the test extras)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        _no_browser(f"no chromium at {CHROMIUM} (apt-get install chromium, or set PLEDGER_CHROMIUM)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _build(root: Path, out: Path) -> Path:
    import datetime as dt

    from ledger.services.ledger import Ledger
    from ledger.site.build import build_site

    build_site(Ledger.open(root), out, today=dt.date.fromisoformat(TODAY))
    return out


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("site")
    shutil.copytree(EXAMPLE_LEDGER, work / "predictions", ignore=shutil.ignore_patterns(".pledger"))
    return work / "predictions", _build(work / "predictions", work / "public")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile")
    return _build(hostile_ledger(work / "h"), work / "out")


class Visit:
    """One page load, with everything that went wrong on it."""

    def __init__(self, browser, width: str, dark: bool = False):
        w, h = WIDTHS[width]
        self.context = browser.new_context(viewport={"width": w, "height": h}, color_scheme="dark" if dark else "light",
                                           java_script_enabled=True)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.on("request", lambda r: self.problems.append(f"outside request: {r.url}")
                     if not r.url.startswith("file://") else None)

    def go(self, path: Path):
        self.page.goto(path.as_uri(), wait_until="load")
        return self.page

    def close(self):
        self.context.close()


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_page_loads_with_no_error_and_fits_the_screen(browser, bundled_site, width):
    _, site = bundled_site
    visit = Visit(browser, width)
    try:
        for path in _pages(site):
            page = visit.go(path)
            assert page.title(), path
            # Accessible basics: a language, one h1, a skip link to the content, alt text on every image.
            assert page.evaluate("document.documentElement.lang") == "en"
            assert page.locator("h1").count() == 1, path
            assert page.evaluate("document.querySelector('a.skip').getAttribute('href')") == "#main"
            assert page.locator("#main").count() == 1
            assert page.evaluate("[...document.images].every(i => i.alt.trim().length > 10)"), path
            assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)"), path
            # Nothing wider than the screen: wide tables scroll in their own box, or stack on a phone.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (path, width)
        assert visit.problems == []
    finally:
        visit.close()


def test_every_internal_link_resolves(browser, bundled_site):
    _, site = bundled_site
    visit = Visit(browser, "desktop")
    try:
        checked = 0
        ids: dict[Path, set[str]] = {}
        for path in _pages(site):
            visit.go(path)
            ids[path.resolve()] = set(visit.page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)"))
        for path in _pages(site):
            page = visit.go(path)
            for href in page.evaluate("[...document.querySelectorAll('a[href], link[href], img[src]')]"
                                      ".map(e => e.href || e.src)"):
                parts = urlsplit(href)
                if parts.scheme in ("http", "https"):
                    continue
                assert parts.scheme == "file", (path, href)
                target = Path(unquote(parts.path))
                assert target.is_file() and site in target.parents, (path, href)
                if parts.fragment and target.suffix == ".html":
                    assert parts.fragment in ids[target.resolve()], (path, href)
                checked += 1
        assert checked > 100
        assert visit.problems == []
    finally:
        visit.close()


def _json(root: Path, *args: str) -> dict:
    """`pledger ... --json` on the ledger, in its own process."""
    env = dict(os.environ, PLEDGER_TODAY=TODAY, COLUMNS="200")
    out = subprocess.run([sys.executable, "-m", "ledger", "--root", str(root), *args, "--json"], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def _file(href: str) -> Path:
    parts = urlsplit(href)
    assert parts.scheme == "file", href
    return Path(unquote(parts.path))


def test_the_headline_figures_equal_pledger_score_json(browser, bundled_site):
    root, site = bundled_site
    report = _json(root, "score")
    r = report["report"]
    visit = Visit(browser, "desktop")
    try:
        page = visit.go(site / "index.html")
        shown = {name: page.locator(f"[data-figure='{name}']").inner_text() for name in ("n", "brier", "log", "gap", "z")}
    finally:
        visit.close()
    assert shown == {
        "n": str(report["counts"]["forecasts"]),
        "brier": f"{r['brier']['score']:.4f}",
        "log": f"{r['log']['nats']:.4f}",
        "gap": f"{r['gap']['total']:+.2f}",
        "z": f"{r['gap']['z']:+.2f}",
    }


FORECASTERS_JS = "[...document.querySelectorAll('#forecasters ul a')].map(a => [a.textContent, a.href])"
ROWS_JS = ("[...document.querySelectorAll('#predictions tbody tr')].map(tr => [...tr.cells].map(td => "
           "[td.textContent.trim(), [...td.querySelectorAll('a')].map(a => a.href)]))")


def test_each_forecaster_page_lists_what_they_did_with_the_figures_of_pledger_score_by(browser, bundled_site):
    root, site = bundled_site
    visit = Visit(browser, "desktop")
    try:
        home = visit.go(site / "index.html")
        people = home.evaluate(FORECASTERS_JS)
        assert len(people) == 4  # Stephen Casper, Ada, Ben, Chen
        # The leaderboard's names link to the same pages.
        board = home.evaluate("[...document.querySelectorAll('#forecasters tbody tr')].map(tr => "
                              "[tr.cells[1].textContent, tr.cells[1].querySelector('a').href])")
        pages = {name.casefold(): href for name, href in people}
        assert board and all(pages[name.casefold()] == href for name, href in board), board
        for name, href in people:
            listed, scored = _json(root, "list", "--by", name), _json(root, "score", "--by", name)
            page = visit.go(_file(href))
            assert page.locator("h1").inner_text() == name
            rows = page.evaluate(ROWS_JS)
            # Every prediction they made or forecast, in ledger order, each linking to its own page.
            assert [r[1][0] for r in rows] == [p["claim"] for p in listed["predictions"]], name
            assert [_file(r[1][1][0]).name for r in rows] == [f"{p['id']}.html" for p in listed["predictions"]]
            n = (scored.get("report") or {}).get("n") or 0
            points = [float(r[6][0]) for r in rows if r[6][0] != "—"]
            images = page.evaluate("[...document.querySelectorAll('#calibration img')].map(i => "
                                   "[i.complete && i.naturalWidth > 0, i.alt])")
            if n:
                ((loaded, alt),) = images
                assert loaded and f"n={n})" in alt, (name, alt)
                assert len(points) == n  # a row's points for each forecast scored, adding up to the gap
                assert abs(sum(points) - scored["report"]["gap"]["total"]) <= 0.005 * n + 1e-9, name
                svg = page.evaluate("[...document.querySelectorAll('#calibration figcaption a')].map(a => a.href)")
                assert [_file(h).suffix for h in svg] == [".svg"] and _file(svg[0]).is_file()
            else:
                assert images == [] and points == []
            for claim, (target,) in ((r[1][0], r[1][1]) for r in rows):
                assert visit.go(_file(target)).locator("h1").inner_text() == claim
        assert visit.problems == []
    finally:
        visit.close()


def test_hostile_forecaster_names_show_as_text_on_their_pages(browser, hostile_site):
    visit = Visit(browser, "phone")
    try:
        people = dict((" ".join(text.split()), href) for text, href in visit.go(hostile_site / "index.html")
                      .evaluate(FORECASTERS_JS))
        for i, name in enumerate(HOSTILE_NAMES):
            shown = " ".join(name.replace("\x1b", " ").replace("\x07", " ").replace("\u0085", " ").split())
            page = visit.go(_file(people[shown]))
            assert " ".join(page.locator("h1").inner_text().split()) == shown
            ((row),) = page.evaluate(ROWS_JS)
            assert " ".join(row[1][0].split()) == " ".join(HOSTILE[i].replace("\u202e", "").split())
            assert [_file(h).name for c in row for h in c[1]] == [f"h{i}.html", "hostile.html"]
            assert page.evaluate("typeof window.__pwned") == "undefined"
        assert visit.problems == []
    finally:
        visit.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_hostile_text_neither_runs_nor_injects_an_element(browser, hostile_site, width):
    visit = Visit(browser, width)
    try:
        pages = _pages(hostile_site)
        assert len(pages) > 40
        for path in pages:
            page = visit.go(path)
            # Fire what a handler in an attribute would wait for, on every element.
            page.evaluate("for (const e of document.querySelectorAll('*')) for (const t of ['mouseover', 'focus', "
                          "'load', 'error', 'animationstart']) e.dispatchEvent(new Event(t))")
            assert page.evaluate("typeof window.__pwned") == "undefined", path
            assert page.evaluate(
                "document.querySelectorAll('script, iframe, object, embed, svg, form, input, textarea, style, "
                "base, meta[http-equiv]').length") == 0, path
            assert page.evaluate(
                "[...document.querySelectorAll('*')].every(e => [...e.attributes].every(a => !a.name.startsWith('on')"
                " && a.name !== 'style'))"), path
            assert page.evaluate(
                "[...document.querySelectorAll('[href],[src]')].every(e => !/^\\s*javascript:/i.test("
                "e.getAttribute('href') || e.getAttribute('src')))"), path
            assert page.evaluate("document.title").count("<") == page.title().count("<")
        assert visit.problems == []
    finally:
        visit.close()


def test_screenshots_for_review(browser, bundled_site):
    from ledger.site.build import slug

    _, site = bundled_site
    SHOTS.mkdir(parents=True, exist_ok=True)
    made = []
    for width in WIDTHS:
        for dark in (False, True):
            visit = Visit(browser, width, dark)
            try:
                for name, rel in (("home", "index.html"), ("set", "sets/anthropic-sae-2024.html"),
                                  ("forecaster", f"forecasters/{slug('Ben')}.html")):
                    visit.go(site / rel)
                    shot = SHOTS / f"{name}-{width}{'-dark' if dark else ''}.png"
                    visit.page.screenshot(path=str(shot), full_page=True)
                    made.append(shot)
                assert visit.problems == []
            finally:
                visit.close()
    for shot in made:
        data = shot.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000, shot
