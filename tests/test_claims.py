"""Every number the notebooks' prose states is checked by the build.

A number in a markdown cell, or in a figure's alt text or caption (the cell metadata
``cxresearch.alt`` / ``cxresearch.caption``), is a claim about the course's results. The
test below finds each one and accepts it when it is **checked**, by one of three rules:

(a) **printed**: it appears in a stored output of the same notebook, rounding-aware. The
    prose's number has as many decimals as it is written with, and a printed number
    supports it when it rounds to it: "0.75" is supported by a printed 0.7512 or 0.75,
    "75%" by 0.7512 or 75.1%, "1,500" by 1500. After a word of approximation ("about
    360,000", "near 170%") the trailing zeros of a whole number are not significant:
    "about 360,000" is supported by 360,949. Signs are ignored ("falls by 0.3" is
    supported by a printed -0.3). nbval then checks the output against a fresh run.
(b) **stated by the code**: it is a literal of a code cell of the notebook (an input the
    code states, ``n=5_000`` supports "5,000"), or of a widget cell's ``cxresearch.static``
    expression, by the same rounding rule.
(c) **asserted**: it is a literal inside an ``assert`` of a hidden **check cell** of the
    notebook: a code cell tagged ``remove-cell`` (Jupyter Book leaves it out of the page
    and ``tools/bookpages.py`` out of the slide decks), which compares the computed value
    with the number the prose states and prints nothing, e.g.
    ``assert round(float(effect), 2) == 0.75  # prose: "0.73 against 0.75"``.

A qualitative claim about a result ("tracks the truth", "most negative", "all below") has
no number for this scan to find; the notebooks assert it in the check cell that follows
the cell whose output it describes, next to the numbers.

What is not a claim, and is not scanned:

* code spans and fenced code, math (``$...$``, ``$$...$$``), URLs and link targets, HTML tags;
* the ``## References`` cell, and in-text citations: a year (a whole number from 1900 to
  2099 written without a comma, decimals or a percent sign) and a page ("p. 31");
* section, notebook and exercise numbers: a heading's leading number ("### 2.1
  Loading"), "section 6.1", "sections 3 to 5", a notebook's two-digit number ("notebook
  04", "notebooks 04, 05 and 06", "10 · Managing CX", a link to ``10-managing-cx.ipynb``),
  and an exercise: its question, from its bold number ("**04.2**") to the end of the
  cell, states the exercise's inputs (``cx.exercises`` checks the answer);
* small whole numbers used as words: |x| <= 10, written without decimals and without a
  percent sign ("two stores", "a 1-7 scale", "step 3").

Anything else is unchecked and the test fails, naming the notebook, the cell and the
number, unless it is on one of two short lists: :data:`QUOTED`, numbers the prose quotes
from another file of the repository (the test suite, a benchmark), which a test here
finds in that file; and :data:`ALLOWED`, numbers that are not results (a fact about a
cited study, a textbook constant), each with its reason.

A number is counted under the first of quoted, (a), (b), (c) and allowed that supports
it; ``python tests/test_claims.py`` prints the counts and the unchecked numbers. The
test reads the notebooks' JSON only (no kernel) and takes a second or two.
"""

from __future__ import annotations

import ast
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PATHS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
CHECK_TAG = "remove-cell"

#: Numbers the prose quotes from another file: (notebook, number as written) -> (the
#: file, a text that file must contain for the quote to be right).
QUOTED: dict[tuple[str, str], tuple[str, str]] = {
    # the coverage test of cx.nps that notebook 02 points to
    ("02-measuring-cx", "200"): ("tests/test_metrics.py", "simulated surveys of n = 200"),
    # the Monte Carlo coverage test of the CX regression that notebook 04 describes
    ("04-drivers-to-loyalty", "60"): ("tests/test_simulate.py", "n_stores=60"),
    ("04-drivers-to-loyalty", "93"): ("tests/test_simulate.py", "coverage >= 0.93"),
    ("04-drivers-to-loyalty", "97"): ("tests/test_simulate.py", "coverage <= 0.97"),
    # the timings of a large simulation study, measured by the benchmark notebook 05 names
    ("05-moderators", "25"): (
        "benchmarks/bench_simulation_study.py",
        "some 25 minutes on one core for 100,000 replications",
    ),
    ("05-moderators", "20"): ("benchmarks/bench_simulation_study.py", "about 20 s on 100 workers"),
}

#: Numbers the prose may state without a check because they are not results of the
#: notebook's code: (notebook, number as written) -> the reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("07-customer-journeys", "20,000"): "the size of Court et al.'s (2009) survey, a cited fact",
    ("07-customer-journeys", "30"): "the 30 extra seconds of Kahneman et al.'s (1993) experiment",
    ("08-customer-value", "1.1"): "the discount factor of a worked example (100 / 1.1 at 10%)",
}

# ------------------------------------------------------------------------ the scan

_NUMBER = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?"
    r"(?P<pct>\s?%|\s+per\s?cent)?(?![\w])|(?<![\w.,])\.\d+(?![\w])",
)
_OUTPUT_NUMBER = re.compile(
    r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?P<pct>\s?%)?"
    r"|(?<![\w.])\.\d+(?:[eE][-+]?\d+)?"
)
_APPROXIMATE = re.compile(
    r"(?i)(?:\babout|\baround|\broughly|\bnearly|\bnear|\bsome|\balmost|\bapproximately"
    r"|~|≈)\s*[−+-]?$"
)
# Removed before the scan: fenced code, code spans, math, link targets, URLs, HTML.
_NOT_PROSE = re.compile(
    r"```.*?```|`[^`]*`|\$\$.*?\$\$|(?<!\\)\$[^$\n]+\$|\]\([^)]*\)|https?://\S+|<[^>\n]+>",
    re.S,
)
_HEADING_NUMBER = re.compile(r"^(#+\s*)[\d.]+\s", re.M)
_REFERENCE = re.compile(
    r"\b(?:[Nn]otebooks?|[Ee]xercises?|[Ss]ections?)\s+\d+(?:\.\d+)*"
    r"(?:(?:\s*,\s*|\s*(?:and|or|to|through)\s+|\s*[-–]\s*)\d+(?:\.\d+)*)*\b"
    r"|\b\d\d\s*·|\b\d\d-[a-z][\w-]*(?:\.ipynb)?"
)
_EXERCISE = re.compile(r"\*\*\d\d\.\d+\*\*.*", re.S)
_PAGE = re.compile(r"\bpp?\.\s*\d+(?:\s*[-–]\s*\d+)?")
_REFERENCES = re.compile(r"#+\s*References\s*$")


@dataclass(frozen=True)
class Number:
    """A number as written: its value, its decimals and whether it is a percentage."""

    text: str
    value: float
    decimals: int
    percent: bool

    @classmethod
    def parse(cls, token: str, percent: bool = False, approximate: bool = False) -> Number:
        plain = token.replace(",", "")
        mantissa, _, exponent = plain.lower().partition("e")
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        if exponent:
            decimals = max(decimals - int(exponent), 0)
        elif approximate and "." not in mantissa and mantissa.strip("0"):
            decimals = -(len(mantissa) - len(mantissa.rstrip("0")))  # "about 360,000"
        return cls(token, abs(float(plain)), decimals, percent)

    def candidates(self) -> list[tuple[float, int]]:
        """(value, decimals) pairs the number stands for: 75% is 75 and 0.75."""
        pairs = [(self.value, self.decimals)]
        if self.percent:
            pairs.append((self.value / 100, self.decimals + 2))
        return pairs

    def supported_by(self, values) -> bool:
        """Whether any of ``values`` rounds to this number."""
        for target, decimals in self.candidates():
            tol = 0.5 * 10.0**-decimals + 1e-9 * max(1.0, target)
            if any(abs(v - target) <= tol for v in values):
                return True
        return False

    def is_ignored(self) -> bool:
        """A small whole number used as a word, or a year."""
        if self.percent or "." in self.text or "e" in self.text.lower():
            return False
        if self.value <= 10:
            return True
        return "," not in self.text and 1900 <= self.value <= 2099


def prose(text: str) -> str:
    """``text`` without the parts that state no claim (see the module docstring)."""
    text = _EXERCISE.sub(" ", text)
    text = _NOT_PROSE.sub(" ", text)
    text = _HEADING_NUMBER.sub(r"\1", text)
    text = _REFERENCE.sub(" ", text)
    return _PAGE.sub(" ", text)


def numbers_in(text: str) -> list[Number]:
    """The numbers of ``text`` that are claims (not years, small words, references)."""
    found = []
    text = prose(text)
    for match in _NUMBER.finditer(text):
        pct = bool(match.group("pct"))
        token = match.group(0)[: match.start("pct") - match.start()] if pct else match.group(0)
        approximate = bool(_APPROXIMATE.search(text[max(0, match.start() - 16) : match.start()]))
        number = Number.parse(token, percent=pct, approximate=approximate)
        if not number.is_ignored():
            found.append(number)
    return found


def printed_values(text: str) -> list[float]:
    """Every number printed in ``text``; a percentage also as a share (75.1% -> 0.751)."""
    values = []
    for match in _OUTPUT_NUMBER.finditer(text):
        token = match.group(0)
        pct = bool(match.group("pct"))
        if pct:
            token = token[: match.start("pct") - match.start()]
        try:
            value = abs(float(token.replace(",", "")))
        except ValueError:
            continue
        values.append(value)
        if pct:
            values.append(value / 100)
    return values


def _join(text) -> str:
    return "".join(text) if isinstance(text, list) else text


def _output_text(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(_join(out["text"]))
        data = out.get("data", {})
        for mime in ("text/plain", "text/markdown", "text/latex"):
            if mime in data:
                parts.append(_join(data[mime]))
        if "text/html" in data:
            parts.append(html.unescape(re.sub(r"<[^>]+>", " ", _join(data["text/html"]))))
    return "\n".join(parts)


def code_literals(source: str, *, asserts_only: bool = False) -> list[float]:
    """The numeric literals of Python ``source`` (in ``assert`` statements only, if asked)."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return [] if asserts_only else printed_values(source)
    roots = [n for n in ast.walk(tree) if isinstance(n, ast.Assert)] if asserts_only else [tree]
    return [
        abs(float(node.value))
        for root in roots
        for node in ast.walk(root)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ]


def _tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def is_check_cell(cell: dict) -> bool:
    return cell["cell_type"] == "code" and CHECK_TAG in _tags(cell)


@dataclass
class Claim:
    notebook: str
    cell: int
    where: str  # "markdown", "alt" or "caption"
    number: Number
    rule: str = ""  # "printed", "code", "check", "quoted", "allowed" or "" (unchecked)

    def __str__(self) -> str:
        return f"{self.notebook} cell {self.cell} ({self.where}): {self.number.text}"


def texts_of(nb: dict) -> list[tuple[int, str, str]]:
    """(cell index, where, text) for each piece of prose of a notebook."""
    texts = []
    for index, cell in enumerate(nb["cells"]):
        source = _join(cell.get("source", ""))
        if cell["cell_type"] == "markdown":
            first = source.strip().splitlines()[0] if source.strip() else ""
            if not _REFERENCES.match(first):
                texts.append((index, "markdown", source))
        info = cell.get("metadata", {}).get("cxresearch", {})
        for key in ("alt", "caption"):
            if info.get(key):
                texts.append((index, key, info[key]))
    return texts


def scan(stem: str, nb: dict) -> list[Claim]:
    """Every number the notebook's prose states, each with the rule that checks it."""
    printed, code, checked = [], [], []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        printed += printed_values(_output_text(cell))
        source = _join(cell.get("source", ""))
        if is_check_cell(cell):
            checked += code_literals(source, asserts_only=True)
        else:
            code += code_literals(source)
        static = cell.get("metadata", {}).get("cxresearch", {}).get("static")
        if static:
            code += code_literals(static)
    found = []
    for index, where, text in texts_of(nb):
        for number in numbers_in(text):
            claim = Claim(stem, index, where, number)
            if (stem, number.text) in QUOTED:
                claim.rule = "quoted"
            elif number.supported_by(printed):
                claim.rule = "printed"
            elif number.supported_by(code):
                claim.rule = "code"
            elif number.supported_by(checked):
                claim.rule = "check"
            elif (stem, number.text) in ALLOWED:
                claim.rule = "allowed"
            found.append(claim)
    return found


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------- the tests


@pytest.fixture(params=PATHS, ids=[p.stem for p in PATHS])
def notebook(request):
    return request.param.stem, _read(request.param)


def test_every_number_in_the_prose_is_checked(notebook):
    stem, nb = notebook
    unchecked = [str(c) for c in scan(stem, nb) if not c.rule]
    assert unchecked == [], (
        "numbers in the prose that no output, code literal or check cell supports "
        "(print the number, correct the prose, or assert it in a hidden check cell "
        "tagged remove-cell):\n  " + "\n  ".join(unchecked)
    )


def test_check_cells_assert_and_print_nothing(notebook):
    """A check cell asserts, prints nothing (nbval compares outputs) and is not on a slide."""
    stem, nb = notebook
    for index, cell in enumerate(nb["cells"]):
        if not is_check_cell(cell):
            continue
        where = f"{stem} cell {index}"
        tree = ast.parse(_join(cell["source"]))
        assert any(isinstance(node, ast.Assert) for node in ast.walk(tree)), f"{where}: no assert"
        assert cell.get("outputs") == [], f"{where}: a check cell must print nothing"
        assert not _tags(cell) & {"slide", "subslide", "fragment"}, f"{where}: on a slide"


def test_quoted_numbers_are_in_their_source():
    for (stem, number), (path, text) in QUOTED.items():
        assert text in (ROOT / path).read_text(encoding="utf-8"), (stem, number, path, text)
        quoted = Number.parse(number, percent=True)  # "93" is quoted from "coverage >= 0.93"
        assert quoted.supported_by(printed_values(text)), (stem, number, text)


def test_the_allow_lists_are_short_and_used():
    assert len(ALLOWED) <= 5 and len(QUOTED) <= 8
    used = {(c.notebook, c.number.text) for p in PATHS for c in scan(p.stem, _read(p))}
    assert (set(ALLOWED) | set(QUOTED)) <= used, (set(ALLOWED) | set(QUOTED)) - used
    assert all(reason.strip() for reason in ALLOWED.values())


_NAMED_FILE = re.compile(r"`((?:tests|benchmarks|tools)/[\w/.-]+\.py)`")
_NAMED_TEST = re.compile(r"`(test_\w+)`")


def test_the_tests_and_files_the_prose_names_exist():
    """A notebook that sends the reader to a test or a benchmark names one that exists."""
    tests = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").glob("*.py"))
    for path in PATHS:
        for index, _, text in texts_of(_read(path)):
            for name in _NAMED_FILE.findall(text):
                assert (ROOT / name).is_file(), f"{path.stem} cell {index}: {name}"
            for name in _NAMED_TEST.findall(text):
                assert f"def {name}(" in tests, f"{path.stem} cell {index}: {name}"


def _nb(*cells) -> dict:
    return {"cells": list(cells), "metadata": {}}


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(source: str, printed: str = "", tags=()) -> dict:
    outputs = [{"output_type": "stream", "name": "stdout", "text": printed}] if printed else []
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source,
            "outputs": outputs}  # fmt: skip


@pytest.mark.parametrize(
    ("cells", "rule"),
    [
        # a number nothing prints, states or asserts
        ([_code("x = effect()", "0.7512"), _md("The effect is 0.73.")], ""),
        # ... or that is more precise than the printed number
        ([_code("x = effect()", "0.8"), _md("The effect is 0.75.")], ""),
        ([_md("Alt text says 4.4.")], ""),
        # rounded from the printed 0.7512; a percentage of it; a thousands separator
        ([_code("x = effect()", "0.7512"), _md("The effect is 0.75.")], "printed"),
        ([_code("x = effect()", "0.7512"), _md("An effect of 75%.")], "printed"),
        ([_code("x = effect()", "75.1%"), _md("An effect of 75 per cent.")], "printed"),
        ([_code("x = effect()", "-0.302"), _md("It falls by 0.3.")], "printed"),
        ([_code("len(d)", "1500"), _md("The data has 1,500 rows.")], "printed"),
        # trailing zeros after a word of approximation are not significant, without one they are
        ([_code("v = value()", "360949.3"), _md("Worth about 360,000.")], "printed"),
        ([_code("v = value()", "360949.3"), _md("Worth 360,000.")], ""),
        # a literal the code states
        ([_code("d = simulate(n=5_000)"), _md("We simulate 5,000 customers.")], "code"),
        ([_code("ci = 0.95"), _md("A 95% interval.")], "code"),
        # a hidden check cell's assert; a literal outside an assert does not count
        (
            [
                _code("e = effect()"),
                _md("0.73 against 0.75."),
                _code("assert round(e, 2) == 0.73\nassert round(t, 2) == 0.75", tags=[CHECK_TAG]),
            ],
            "check",
        ),
        ([_code("e = 0.73", tags=[CHECK_TAG]), _md("The effect is 0.73.")], ""),
        ([_code("assert e == 0.73"), _md("The effect is 0.73.")], "code"),  # not hidden: code
        # what is not a claim: years, small words, code, math, references, exercises
        ([_md("In 2009, two stores; `x = 0.37`; $\\beta = 0.37$; [a](https://x.org/0.37).")], None),
        ([_md("### 2.1 Loading\n\nSee notebook 04, section 6.1 and Verhoef (2009, p. 35).")], None),
        ([_md("## References\n\n* Smith (2001). *J. 85*(1), 31-41.")], None),
        ([_md("**04.2** A survey has 120 promoters and 30 detractors. What is its NPS?")], None),
        ([_md("# 11 · Your survey\n\nNext: [**10 · Managing CX**](10-managing-cx.ipynb).")], None),
    ],
)
def test_the_scan_accepts_checked_numbers_and_catches_the_rest(cells, rule):
    claims = scan("99-test", _nb(*cells))
    if rule is None:
        assert claims == []
    else:
        assert len(claims) >= 1 and {c.rule for c in claims} == {rule}


def test_the_scan_reads_alt_text_and_captions():
    figure = _code("plot()", "0.7512")
    figure["metadata"]["cxresearch"] = {"alt": "Bars up to 0.75 and 0.93.", "caption": "At 0.75."}
    claims = scan("99-test", _nb(figure))
    assert [(c.where, c.number.text, c.rule) for c in claims] == [
        ("alt", "0.75", "printed"),
        ("alt", "0.93", ""),
        ("caption", "0.75", "printed"),
    ]


def test_a_check_cell_is_hidden_from_the_slides_and_the_study_time():
    """Jupyter Book leaves out a cell tagged remove-cell; the slides and the guide do too."""
    import sys

    import nbformat

    sys.path.insert(0, str(ROOT / "tools"))
    import bookpages

    check = nbformat.v4.new_code_cell("assert 1 + 1 == 2", metadata={"tags": [CHECK_TAG]})
    shown = nbformat.v4.new_code_cell("print(2)", metadata={"tags": ["slide"]})
    with_check = nbformat.v4.new_notebook(cells=[shown, check])
    deck = bookpages.slide_copy(with_check)
    assert [c.source for c in deck.cells] == [""] and bookpages.is_hidden(check)
    without = nbformat.v4.new_notebook(cells=[shown])
    assert bookpages.reading_minutes(with_check) == bookpages.reading_minutes(without)


if __name__ == "__main__":  # the counts per rule, and the unchecked numbers
    from collections import Counter

    total = Counter()
    for path in PATHS:
        claims = scan(path.stem, _read(path))
        total.update(c.rule or "unchecked" for c in claims)
        for claim in claims:
            if not claim.rule:
                print(f"UNCHECKED {claim}")
    print(dict(total), "numbers:", sum(total.values()))
