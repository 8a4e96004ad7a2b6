"""The site in a real browser: Debian's chromium, headless, driven by Playwright (no browser
download: `executable_path` points at the system's chromium), at a desktop and a phone width.

Every page loads with no console error, page error or failed request; every internal link
resolves; the home page's headline figures equal `pledger score --json`; hostile record text
neither runs nor injects an element; screenshots of the home page and a set page (light and
dark) are saved in tests/_screenshots/ for review.

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
from test_site import hostile_ledger

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


def test_the_headline_figures_equal_pledger_score_json(browser, bundled_site):
    root, site = bundled_site
    env = dict(os.environ, PLEDGER_TODAY=TODAY, COLUMNS="200")
    out = subprocess.run([sys.executable, "-m", "ledger", "--root", str(root), "score", "--json"], env=env,
                         capture_output=True, text=True, check=True).stdout
    report = json.loads(out)
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
    _, site = bundled_site
    SHOTS.mkdir(parents=True, exist_ok=True)
    made = []
    for width in WIDTHS:
        for dark in (False, True):
            visit = Visit(browser, width, dark)
            try:
                for name, rel in (("home", "index.html"), ("set", "sets/anthropic-sae-2024.html")):
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
