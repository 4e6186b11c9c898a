"""Steps after Sphinx has built the site: offline search snippets and the whole-book PDF.

* **Search snippets.** Sphinx's search page shows, under each hit, a few lines of the
  page around the word searched for; it reads them by fetching the page, which a browser
  refuses under ``file://`` (the way this book is opened). :func:`search_texts` writes the
  text of every page (its main part only, sections kept so that a hit on a section finds
  its own lines) into ``_static/cx-search-texts.js`` and loads it on the search page only;
  the script answers the search's requests for those pages from that text, so the
  snippets appear offline too. Online, the script steps aside and Sphinx fetches as usual.
* **The whole book as one PDF.** :func:`book_pdf` builds the course as a single HTML page
  (Sphinx's ``singlehtml`` builder, from the same staged sources) and prints it with the
  system's headless Chromium into ``cxresearch-course.pdf`` at the site's root, which the
  front page links to. Without Chromium the build says so and leaves the PDF out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import bs4

PDF_NAME = "cxresearch-course.pdf"
TEXTS = "_static/cx-search-texts.js"
SKIP = ("_static", "_sources", "_images", "slides", "mathjax", "reveal.js")
#: What a snippet does not need: code, outputs, figures, the scripts and the theme's links.
DROP = "script, style, img, svg, .headerlink, .cell_input, .cell_output, .toctree-wrapper"

SHIM = """
(function () {
  // Search snippets offline: Sphinx fetches each hit's page to cut its lines around the
  // word; under file:// the browser refuses, so answer from the text stored above.
  if (window.location.protocol !== "file:") return;
  var site = new URL(".", window.location.href).href;
  var realFetch = window.fetch ? window.fetch.bind(window) : null;
  window.fetch = function (resource, options) {
    var url = new URL(String(resource), window.location.href);
    var key = decodeURIComponent(url.href.split("#")[0].replace(site, ""));
    if (Object.prototype.hasOwnProperty.call(CX_SEARCH_TEXTS, key)) {
      var page = '<div role="main">' + CX_SEARCH_TEXTS[key] + "</div>";
      return Promise.resolve(new Response(page, {headers: {"Content-Type": "text/html"}}));
    }
    return realFetch ? realFetch(resource, options) : Promise.reject(new Error(key));
  };
})();
"""


def _flatten(node: bs4.Tag) -> str:
    """The node's text, keeping only elements with an id (the anchors search hits use)."""
    parts = []
    for child in node.children:
        if isinstance(child, bs4.NavigableString):
            if not isinstance(child, bs4.Comment):
                parts.append(str(child))
        elif isinstance(child, bs4.Tag):
            inner = _flatten(child)
            if child.get("id"):
                ident = str(child["id"]).replace('"', "")
                parts.append(f'<div id="{ident}">{inner}</div>')
            else:
                parts.append(inner + (" " if child.name in ("p", "li", "h1", "h2", "h3") else ""))
    text = "".join(parts)
    return " ".join(text.split()) if "<div" not in text else text


def page_text(html_text: str) -> str | None:
    """The main part of a built page as escaped text with its anchors, or None."""
    soup = bs4.BeautifulSoup(html_text, "html.parser")
    main = soup.select_one('[role="main"]')
    if main is None:
        return None
    for tag in main.select(DROP):
        tag.decompose()
    for string in main.find_all(string=True):
        if not isinstance(string, bs4.Comment):
            string.replace_with(bs4.NavigableString(_escape(str(string))))
    return _flatten(main)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def search_texts(site: Path) -> int:
    """Store every page's text for offline search snippets; returns how many pages."""
    texts = {}
    for path in sorted(site.glob("**/*.html")):
        rel = path.relative_to(site)
        if any(part in SKIP for part in rel.parts) or rel.name in ("search.html", "genindex.html"):
            continue
        text = page_text(path.read_text(encoding="utf-8"))
        if text:
            texts[rel.as_posix()] = text
    data = json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
    # "</" inside a script would end it early in an HTML parser; JSON allows "<\/".
    data = data.replace("</", "<\\/")
    (site / TEXTS).write_text(f"var CX_SEARCH_TEXTS = {data};\n{SHIM}", encoding="utf-8")
    search = site / "search.html"
    page = search.read_text(encoding="utf-8")
    tag = f'<script src="{TEXTS}"></script>'
    if tag not in page:
        search.write_text(page.replace("<head>", "<head>\n    " + tag, 1), encoding="utf-8")
    return len(texts)


def chromium() -> str | None:
    """The system's Chromium (Debian's ``chromium``), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(page: Path, pdf: Path, timeout: float = 300) -> None:
    """Print one HTML file to PDF with headless Chromium (offline, no sandbox in a container)."""
    browser = chromium()
    if browser is None:
        raise FileNotFoundError("Chromium is not installed")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--no-pdf-header-footer"]
        cmd += [f"--user-data-dir={profile}", "--run-all-compositor-stages-before-draw"]
        cmd += ["--virtual-time-budget=20000", f"--print-to-pdf={pdf}", page.as_uri()]
        env = dict(os.environ, HOME=profile)
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, env=env)
    if not pdf.exists() or pdf.read_bytes()[:5] != b"%PDF-":
        raise RuntimeError(f"Chromium wrote no PDF for {page}")


def drop_pdf_link(site: Path) -> None:
    """Without the PDF, the front page says how to get it instead of linking to nothing."""
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        start = text.find('<a class="cx-pdf"')
        if start >= 0:
            end = text.index("</a>", start) + len("</a>")
            note = "(not built here: it needs Chromium, <code>apt install chromium</code>)"
            page.write_text(text[:start] + note + text[end:], encoding="utf-8")


def book_pdf(source: Path, site: Path, doctrees: Path) -> Path | None:
    """Build the single-page HTML from the staged sources and print it to the site's PDF."""
    if chromium() is None:
        print("no Chromium on this machine: the whole-book PDF is left out")
        return None
    single = site.parent / "singlehtml"
    shutil.rmtree(single, ignore_errors=True)
    cmd = [sys.executable, "-m", "sphinx", "-b", "singlehtml", "-q", "-d", str(doctrees)]
    cmd += [str(source), str(single)]
    result = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"the single-page build failed:\n{result.stderr[-3000:]}")
    # The single page links its MathJax from the site's folder; copy the vendored assets.
    for extra in ("mathjax",):
        if (site / extra).exists() and not (single / extra).exists():
            shutil.copytree(site / extra, single / extra)
    pdf = site / PDF_NAME
    print_pdf(single / "index.html", pdf)
    return pdf
