"""The report treats every string from the survey file as data, never as markup.

A survey file from a client or a panel vendor is untrusted input: its variable labels,
value labels, column names and level names reach the page's tables, headings, notes and
figures and the machine-readable copy. The helpers of ``cxresearch.reporting`` that put
them there are tested on a class of hostile strings (hypothesis); then two reports are
built from hostile files (labels in an SPSS file; column, scale and level names in a
CSV) and opened in the system's Chromium with the network blocked, as
``tests/test_book_browser.py`` does: no dialog, no console error, no request, and the
hostile text shown literally.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import cxresearch as cx
from cxresearch.reporting import _html as helpers

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "{{7*7}}",
    "${7*7}",
]
FRAGMENTS = [
    *HOSTILE,
    "<",
    ">",
    "&",
    '"',
    "'",
    "{{",
    "}}",
    "${",
    "{0}",
    "{x!r}",
    "&amp;",
    "&lt;",
    "&#60;",
    "<!--",
    "-->",
    "</td>",
    "</table>",
    "<style>",
    "javascript:alert(3)",
    "$\\frac{1}{2}$",
    "رضایت مشتری <b>",
    "«خدمات»",
    "Удовлетворённость & «сервис»",
    "\u200f",
]
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=6),
    ),
    min_size=1,
    max_size=8,
).map("".join)


class _Texts(HTMLParser):
    """The tags of a piece of HTML and the text in each table cell and paragraph."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.cells, self._open = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("td", "th", "p"):
            self._open = []

    def handle_endtag(self, tag):
        if tag in ("td", "th", "p") and self._open is not None:
            self.cells.append("".join(self._open))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)


class _Images(HTMLParser):
    """The attributes of every <img> of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attributes = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.attributes.append(dict(attrs))


def _parsed(page: str) -> _Texts:
    parser = _Texts()
    parser.feed(page)
    parser.close()
    return parser


# ------------------------------------------------------------------ the helpers


@given(text=hostile_text)
@settings(max_examples=300, deadline=None)
def test_escaped_text_is_the_same_text_with_no_markup_left(text):
    escaped = helpers._escape(text)
    assert html.unescape(escaped) == text
    assert not set("<>\"'") & set(escaped)
    # every & starts a character reference, so nothing in the input can form one
    assert re.fullmatch(r"(?:[^&]|&(?:amp|lt|gt|quot|#x27);)*", escaped, re.DOTALL)


@given(text=hostile_text)
@settings(max_examples=200, deadline=None)
def test_a_sentence_shows_the_value_literally(text):
    page = helpers._fill("<p>Outcome <b>{name}</b> on {n:,} respondents</p>", name=text, n=1200)
    parsed = _parsed(page)
    # the template's markup and the <bdi> that isolates the value's direction, nothing else
    assert parsed.tags == ["p", "b", "bdi"]
    assert parsed.cells == [f"Outcome {text} on 1,200 respondents"]
    listed = _parsed(helpers._fill("<p>{items}</p>", items=[text, "b"]))
    assert listed.tags == ["p", "bdi", "bdi"] and listed.cells == [f"{text}, b"]


@given(text=hostile_text)
@settings(max_examples=100, deadline=None)
def test_a_table_shows_headers_and_cells_literally(text):
    assume(text not in ("n", "level"))
    table = pd.DataFrame({text: [text, None], "level": pd.Categorical([text, "b"]), "n": [1.5, 2]})
    parsed = _parsed(helpers._table_html(table))
    assert set(parsed.tags) <= {"div", "style", "table", "thead", "tbody", "tr", "th", "td"}
    assert parsed.cells == [text, "level", "n", text, text, "1.500", "", "b", "2.000"]


@given(text=hostile_text)
@settings(max_examples=100, deadline=None)
def test_the_json_copy_keeps_strings_as_data(text):
    assume(text != "x")
    tables = {"t": pd.DataFrame({text: [text, np.nan], "x": [np.inf, 1.0]})}
    loaded = json.loads(helpers._json_text({"path": text}, tables))  # strict JSON
    assert loaded["parameters"] == {"path": text}
    assert loaded["tables"]["t"] == [{text: text, "x": None}, {text: None, "x": 1.0}]


def test_figure_text_from_the_data_is_drawn_as_text_not_math():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    label = "$\\frac{1}{$ ${7*7}"  # broken mathtext: an error when parsed as math
    with plt.rc_context(helpers._FIGURE_STYLE):
        fig, ax = plt.subplots()
        ax.barh([label, "<b>x</b>"], [1, 2])
        ax.set_title(label)
        fig.savefig(io.BytesIO(), format="png")
    assert ax.get_title() == label


# --------------------------------------------------------------- hostile files

pyreadstat = pytest.importorskip("pyreadstat")
pytest.importorskip("papermill")
ITEMS = [f"{s}_{i}" for s in ("service", "price", "satisfaction") for i in range(1, 5)]


def write_labelled(path: Path) -> None:
    """An SPSS file whose variable and value labels are hostile (SPSS names cannot be)."""
    data = cx.load_dataset("cx_survey").head(300)[ITEMS].copy()
    rng = np.random.default_rng(5)
    data["store_type"] = rng.integers(1, 3, len(data))
    data["recommend"] = np.clip(np.round((data["satisfaction_1"] - 1) * 10 / 6), 0, 10)
    likert = {1: HOSTILE[0], 2: HOSTILE[1], 3: "3", 4: "4", 5: "5", 6: HOSTILE[2], 7: HOSTILE[3]}
    pyreadstat.write_sav(
        data,
        str(path),
        column_labels={
            "service_1": HOSTILE[0],
            "price_2": HOSTILE[1],
            "satisfaction_3": HOSTILE[2],
            "store_type": HOSTILE[3],
            "recommend": f"recommend us? {HOSTILE[1]}",
        },
        variable_value_labels={
            **{c: likert for c in ITEMS},
            "store_type": {1: HOSTILE[0], 2: HOSTILE[1]},  # the levels of the groups
            "recommend": {0: HOSTILE[2], 10: HOSTILE[3]},
        },
    )


def write_named(path: Path) -> None:
    """A CSV whose column, scale and group-level names are hostile."""
    survey = cx.load_dataset("cx_survey").head(300)
    data = pd.DataFrame({HOSTILE[0]: survey["price_1"], HOSTILE[2]: survey["atmosphere_1"]})
    for i in range(1, 4):  # the scale found from the item names is called HOSTILE[1]
        data[f"{HOSTILE[1]}_{i}"] = survey[f"service_{i}"]
    data["satisfaction"] = survey["satisfaction_1"]
    data["recommend"] = np.clip(np.round((survey["loyalty_1"] - 1) * 10 / 6), 0, 10).astype(int)
    data[HOSTILE[3]] = np.where(np.arange(300) % 2 == 0, HOSTILE[2], HOSTILE[3])
    data.to_csv(path, index=False)


RUNS = {
    "labels": (
        "survey.sav",
        write_labelled,
        ["--outcome", "satisfaction", "--drivers", "service,price", "--by", "store_type"],
    ),
    "names": (
        "survey <img src=x onerror=alert(4)> {{7*7}}.csv",  # the file's name is data too
        write_named,
        ["--outcome", "satisfaction", "--drivers", ",".join(HOSTILE[:3]), "--by", HOSTILE[3]],
    ),
}


@pytest.fixture(scope="module", params=list(RUNS))
def hostile(request, tmp_path_factory) -> dict:
    name, write, args = RUNS[request.param]
    folder = tmp_path_factory.mktemp(f"hostile_{request.param}")
    write(folder / name)
    out = folder / "out"
    command = [sys.executable, "-m", "cxresearch", "report", str(folder / name), *args]
    command += ["--out", str(out), "--n-boot", "50", "--no-progress"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return {"folder": folder, "out": out, "kind": request.param, "file": name}


def test_hostile_text_is_escaped_in_the_page_and_kept_in_the_json(hostile):
    page = (hostile["out"] / "report.html").read_text(encoding="utf-8")
    body = re.sub(r"<style.*?</style>", "", page, flags=re.DOTALL)
    for text in HOSTILE[:2]:
        assert text not in page
        assert html.escape(text) in body
    # the only script elements are the template's own (none carries data)
    assert "alert(" not in " ".join(re.findall(r"<script\b.*?</script>", page, re.DOTALL))
    # every image is the report's own figure: a data: URI and alt text (a label holding
    # "onerror=" is text inside the quoted alt, not an attribute)
    images = _Images()
    images.feed(page)
    assert images.attributes and all(set(a) == {"src", "alt"} for a in images.attributes)
    assert all(a["src"].startswith("data:image/svg+xml;base64,") for a in images.attributes)
    assert "Traceback" not in body and "jupyter.stderr" not in body
    assert f"CX driver report: <bdi>{html.escape(hostile['file'])}</bdi></h1>" in body
    # the CSV's outcome is an unlabelled 1-7 column: no CSAT unless asked (--csat)
    assert ("No CSAT: the outcome" in body) == (hostile["kind"] == "names")
    copy = json.loads((hostile["out"] / "report.json").read_text(encoding="utf-8"))
    strings = json.dumps(copy, ensure_ascii=False)
    for text in HOSTILE:
        assert json.dumps(text, ensure_ascii=False)[1:-1] in strings


def test_only_the_file_name_is_shown_never_its_folder(hostile):
    folder = str(hostile["folder"].resolve())
    for name in ("report.html", "report.json"):
        text = (hostile["out"] / name).read_text(encoding="utf-8")
        assert folder not in text and folder.replace("/", "\\/") not in text, name
    parameters = json.loads((hostile["out"] / "report.json").read_text())["parameters"]
    assert parameters["path"] == hostile["file"]


# ------------------------------------------------------------------- in Chromium


def test_hostile_report_opens_with_no_dialog_error_or_request(hostile, browser):
    page_file = hostile["out"] / "report.html"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = {"dialogs": [], "errors": [], "requests": []}

    def route(r):  # the page itself may load; anything else is counted and blocked
        if r.request.url != page_file.as_uri() and not r.request.url.startswith("data:"):
            seen["requests"].append(r.request.url)
            r.abort()
        else:
            r.continue_()

    def dialog(d):
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.route("**/*", route)
    page.on("dialog", dialog)
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_timeout(500)
    text = page.inner_text("body")
    images = page.evaluate("[...document.images].map(i => i.src.slice(0, 26))")  # embedded
    context.close()
    assert seen == {"dialogs": [], "errors": [], "requests": []}
    for hostile_text in [*HOSTILE, hostile["file"]]:
        assert hostile_text in text  # shown as the characters it is made of
    assert images and all(src == "data:image/svg+xml;base64," for src in images)
