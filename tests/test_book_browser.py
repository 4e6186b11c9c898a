"""The built book, looked at the way a reader sees it: in the system's Chromium, offline.

The book is built once for this module from the notebooks' stored outputs (which nbval
checks against a fresh execution in the same ``make test``), so nothing runs twice.
Chromium is Debian's ``chromium`` driven by Playwright (no browser download); every
request that would leave ``file://`` is blocked and recorded, so a page that needs the
network fails here. Without Chromium the browser tests are skipped with a message; the
link checks still run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from _browser import CHROMIUM, NO_CHROMIUM

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book") / "html"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "book.py"),
            "build",
            "--stored",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def pages(site: Path) -> list[Path]:
    found = sorted(p for p in site.glob("**/*.html") if "_static" not in p.parts)
    return [p for p in found if "reveal.js" not in p.parts and "mathjax" not in p.parts]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key) and tag in ("a", "link", "script", "img"):
                self.hrefs.append(attrs[key])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# ----------------------------------------------------------------------- no browser


def test_site_has_every_page(site):
    names = {p.relative_to(site).as_posix() for p in pages(site)}
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    for stem in notebooks:
        assert f"notebooks/{stem}.html" in names
    for page in ("index.html", "intro.html", "glossary.html", "references.html", "instructor.html"):
        assert page in names
    assert len([n for n in names if n.startswith("slides/")]) >= len(notebooks)


def test_every_internal_link_resolves(site):
    cache: dict[Path, _Links] = {}

    def parsed(path: Path) -> _Links:  # each page parsed once (setdefault would parse each time)
        if path not in cache:
            cache[path] = _parse(path)
        return cache[path]

    broken = []
    for page in pages(site):
        links = parsed(page)
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto", "data", "javascript"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


def test_pages_have_real_titles_and_a_viewport(site):
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        if page.name == "index.html":  # Jupyter Book's redirect to the front page
            assert "url=intro.html" in text
            continue
        title = re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip()
        assert title and not title.startswith("Notebook"), page
        assert 'name="viewport"' in text, page


def test_figures_have_alt_text_and_widgets_a_still(site):
    for page in (site / "notebooks").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "No description has been provided" not in text, page
        for img in re.findall(r'<img [^>]*src="[^"]*_images/[^>]*>', text):
            alt = re.search(r'alt="([^"]*)"', img)
            assert alt and len(alt.group(1)) > 15, f"{page.name}: {img[:120]}"
        assert "widget-view+json" not in text and "unpkg.com" not in text, page


def test_nothing_is_loaded_from_a_cdn(site):
    for page in pages(site):
        for href in _parse(page).hrefs:
            if href.startswith(("http://", "https://", "//")):
                # links a reader may follow are fine; scripts, styles and images are not
                assert not re.search(r"\.(js|css|png|svg|woff2?)(\?|$)", href), (page, href)


# ----------------------------------------------------------------------- in Chromium


def _open(browser, url: str, *, width: int = 1280):
    """A page at ``url`` with the network blocked; the requests and errors it made."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    report = {"external": [], "errors": []}

    def route(r):
        if r.request.url.startswith(("file://", "data:", "blob:", "about:")):
            r.continue_()
        else:
            report["external"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and report["errors"].append(m.text))
    page.on("pageerror", lambda e: report["errors"].append(str(e)))
    page.goto(url, wait_until="load")
    return context, page, report


def test_every_page_loads_offline_without_errors_and_is_screenshotted(site, browser, tmp_path):
    for path in pages(site):
        slide = path.parent.name == "slides"
        # one page at a phone's width; the rest at a laptop's
        width = 390 if path.name.startswith("04") and not slide else 1280
        context, page, report = _open(browser, path.as_uri(), width=width)
        page.wait_for_timeout(200)
        shot = tmp_path / (path.relative_to(site).as_posix().replace("/", "_") + ".png")
        page.screenshot(path=str(shot))
        context.close()
        assert not report["external"], (path.name, report["external"])
        assert not report["errors"], (path.name, report["errors"])
        # a blank or broken page compresses to a few kB; a real page of text is larger
        assert shot.stat().st_size > (8_000 if slide else 20_000), (path.name, shot.stat().st_size)


def test_math_is_typeset_offline(site, browser):
    context, page, report = _open(browser, (site / "notebooks" / "02-measuring-cx.html").as_uri())
    page.wait_for_function("document.querySelectorAll('mjx-container').length > 5", timeout=15000)
    visible_tex = page.evaluate(
        "[...document.querySelectorAll('article p')].filter(p => p.innerText.includes('$$')).length"
    )
    context.close()
    assert visible_tex == 0
    assert not report["external"]


def test_search_finds_a_known_term_and_shows_its_lines_offline(site, browser):
    context, page, report = _open(browser, (site / "search.html").as_uri() + "?q=promoter")
    page.wait_for_selector("#search-results li", timeout=15000)
    hits = page.locator("#search-results li a").all_inner_texts()
    # under file:// the snippets come from tools/booksite.py's stored page texts
    page.wait_for_selector("#search-results li p.context", timeout=15000)
    snippets = page.locator("#search-results li p.context").all_inner_texts()
    context.close()
    assert any("Measuring" in h for h in hits), hits
    assert any("promoter" in s.lower() for s in snippets), snippets
    assert not report["errors"], report["errors"]


def test_the_whole_book_pdf_is_built_and_linked_from_the_front_page(site):
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    pdf = (site / "cxresearch-course.pdf").read_bytes()
    assert pdf[:5] == b"%PDF-"
    n_pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert n_pages > 100, n_pages  # every notebook, not one page printed
    assert 'href="cxresearch-course.pdf"' in (site / "intro.html").read_text(encoding="utf-8")


def test_glossary_persian_reads_right_to_left(site, browser):
    context, page, report = _open(browser, (site / "glossary.html").as_uri())
    spans = page.locator("span[lang=fa]")
    assert spans.count() >= 70
    direction = spans.first.evaluate("e => getComputedStyle(e).direction")
    width = spans.first.evaluate("e => e.getBoundingClientRect().width")
    context.close()
    assert direction == "rtl"
    assert width > 10  # the glyphs are drawn (a missing font would leave it empty)


def test_notebook_pages_link_glossary_terms_and_references(site, browser):
    context, page, report = _open(
        browser, (site / "notebooks" / "03-retail-cx-model.html").as_uri()
    )
    terms = page.locator("a:has(span.std-term), a.reference.internal:has(.xref.std-term)").count()
    cites = page.locator("a[href^='#cite-']").count()
    dois = page.locator("a[href^='https://doi.org/']").count()
    context.close()
    assert terms >= 3 and cites >= 3 and dois >= 3, (terms, cites, dois)


def test_slides_run_offline(site, browser):
    decks = sorted((site / "slides").glob("*.html"))
    assert decks
    context, page, report = _open(browser, decks[0].as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15000)
    n_slides = page.evaluate("Reveal.getTotalSlides()")
    context.close()
    assert n_slides >= 3
    assert not report["external"] and not report["errors"], report


@pytest.mark.skipif(os.environ.get("CI") != "true" or CHROMIUM is not None, reason="CI only")
def test_ci_has_chromium():  # pragma: no cover - only fails on a CI machine without it
    pytest.fail(NO_CHROMIUM)


def test_each_deck_is_linked_from_its_page_and_back(site):
    decks = sorted((site / "slides").glob("[0-9][0-9]-*.html"))
    assert len(decks) >= 10
    for deck in decks:
        page = site / "notebooks" / deck.name
        assert f'href="../slides/{deck.name}"' in page.read_text(encoding="utf-8"), deck.name
        assert f'href="../notebooks/{deck.name}"' in deck.read_text(encoding="utf-8"), deck.name
