"""The course bibliography (book/references.bib) against the notebooks' reference lists.

Every notebook with a "## References" cell names the keys of its bullets, in order, in
``metadata["cxresearch"]["references"]``; every bullet shows its entry's first author and
year; every entry is cited by some notebook; DOIs are well formed; and no notebook rests
a claim on an unnamed "source article".
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "book" / "references.bib"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))

# the regex the book build uses to find entries (tools/bookpages.py); it must see them all
ENTRY_RE = re.compile(r"@(\w+)\{([^,\s]+),(.*?)\n\}", re.S)
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
KEY_RE = re.compile(r"^[a-z]+(\d{4}|nd)[a-z]?$")


def fold(text: str) -> str:
    """Lowercase ASCII letters only: 'de Matos' -> 'dematos', 'Grömping' -> 'gromping'."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text.lower() if ch.isalnum() and ch.isascii())


def bib_text(path: Path = BIB) -> str:
    return path.read_text(encoding="utf-8")


def regex_entries(text: str) -> dict[str, str]:
    """Key -> body of every entry the build's regex finds."""
    return {m.group(2): m.group(3) for m in ENTRY_RE.finditer(text)}


def field(body: str, name: str) -> str | None:
    """The value of ``name = {...}`` in an entry body (one field per line)."""
    m = re.search(rf"^\s*{name}\s*=\s*\{{(.*)\}},?\s*$", body, re.M)
    return m.group(1) if m else None


def first_surname(body: str) -> str:
    """Surname of the first author ('von' part included), braces removed."""
    author = field(body, "author") or ""
    first = re.split(r"\s+and\s+", author)[0].strip().strip("{}")
    return first.split(",")[0].strip() if "," in first else first


def references_cell(nb: dict) -> str | None:
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and text.lstrip().startswith("## References"):
            return text
    return None


def bullets(cell_text: str) -> list[str]:
    """The bullets of a References cell, continuation lines joined."""
    items: list[str] = []
    for line in cell_text.splitlines():
        if line.startswith("* "):
            items.append(line[2:].strip())
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
    return items


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def bullet_matches(bullet: str, body: str) -> bool:
    """The bullet shows the entry's first author's surname and its year (or n.d.)."""
    head = bullet.split("(")[0]
    year = field(body, "year")
    shown_year = year if year else "n.d."
    return fold(head).startswith(fold(first_surname(body))) and shown_year in bullet


def check_bib(text: str) -> list[str]:
    """Problems with the bibliography text: pybtex parse, regex coverage, keys, DOIs."""
    database = pytest.importorskip("pybtex.database")
    problems = []
    try:
        parsed = database.parse_string(text, "bibtex")
    except Exception as exc:  # any parse error is a finding
        return [f"pybtex cannot parse: {exc}"]
    found = regex_entries(text)
    heads = re.findall(r"^@\w+\{([^,\s]+),", text, re.M)
    if len(heads) != len(set(heads)):
        problems.append("duplicate keys")
    if set(heads) != set(found) or len(found) != len(parsed.entries):
        problems.append(f"build regex finds {len(found)} of {len(heads)} entries")
    for key, body in found.items():
        if not KEY_RE.match(key):
            problems.append(f"{key}: key not lowercase surname+year")
        doi = field(body, "doi")
        if doi is not None and not DOI_RE.match(doi):
            problems.append(f"{key}: malformed doi {doi!r}")
        if not field(body, "author") or not field(body, "title"):
            problems.append(f"{key}: missing author or title")
    return problems


def check_notebook(nb: dict, entries: dict[str, str]) -> list[str]:
    """Problems with one notebook's References cell against its metadata keys."""
    cell = references_cell(nb)
    if cell is None:
        return []
    keys = nb["metadata"].get("cxresearch", {}).get("references")
    if not keys:
        return ["no cxresearch.references metadata"]
    items = bullets(cell)
    if len(items) != len(keys):
        return [f"{len(items)} bullets but {len(keys)} keys"]
    problems = []
    for bullet, key in zip(items, keys, strict=True):
        if key not in entries:
            problems.append(f"{key}: not in references.bib")
        elif not bullet_matches(bullet, entries[key]):
            problems.append(f"{key}: bullet does not show its author/year: {bullet[:60]}")
    return problems


@pytest.fixture(scope="module")
def entries() -> dict[str, str]:
    return regex_entries(bib_text())


def test_bib_parses_and_is_well_formed():
    assert check_bib(bib_text()) == []


def test_bib_parses_with_pybtex_file_reader(entries):
    database = pytest.importorskip("pybtex.database")
    assert set(database.parse_file(str(BIB)).entries) == set(entries)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_references_match_bib(path, entries):
    assert check_notebook(load(path), entries) == []


def test_every_entry_is_cited(entries):
    cited = set()
    for path in NOTEBOOKS:
        cited.update(load(path)["metadata"].get("cxresearch", {}).get("references", []))
    assert sorted(set(entries) - cited) == []


def test_notebooks_with_references_cell_exist():
    assert sum(references_cell(load(p)) is not None for p in NOTEBOOKS) >= 11


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_unnamed_source_article(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            assert "source article" not in "".join(cell["source"]).lower()


# ---- the checks can fail: each bad case below must be reported -------------------


GOOD = """@article{smith1998,
  author = {Smith, Amy K. and Bolton, Ruth N.},
  title = {Paradox or peril?},
  year = {1998},
  doi = {10.1177/109467059800100106}
}
"""


@pytest.mark.parametrize(
    "bad",
    [
        GOOD.replace("10.1177/", "doi:10.1177/"),  # malformed DOI
        GOOD + "\n" + GOOD,  # duplicate key
        GOOD.replace("smith1998", "Smith1998"),  # key not lowercase
        GOOD.replace("\n}", "}"),  # closing brace not on its own line: regex misses it
        GOOD.replace("{Paradox", "Paradox"),  # unbalanced braces: pybtex fails
    ],
)
def test_check_bib_catches_bad_bibliographies(bad):
    assert check_bib(GOOD) == []
    assert check_bib(bad) != []


def _nb(cell: str, keys: list[str]) -> dict:
    return {
        "cells": [{"cell_type": "markdown", "source": [cell]}],
        "metadata": {"cxresearch": {"references": keys}},
    }


def test_check_notebook_catches_mismatches():
    entries = regex_entries(GOOD)
    ok = "## References\n\n* Smith, A. K., & Bolton, R. N. (1998). Paradox or peril?\n"
    assert check_notebook(_nb(ok, ["smith1998"]), entries) == []
    assert check_notebook(_nb(ok, []), entries) != []  # metadata missing
    assert check_notebook(_nb(ok, ["smith1998", "smith1998"]), entries) != []  # count
    assert check_notebook(_nb(ok, ["jones1995"]), entries) != []  # key not in bib
    wrong_year = ok.replace("(1998)", "(1999)")
    assert check_notebook(_nb(wrong_year, ["smith1998"]), entries) != []
    wrong_author = ok.replace("Smith, A. K.", "Smyth, A. K.")
    assert check_notebook(_nb(wrong_author, ["smith1998"]), entries) != []


def test_fold_handles_particles_and_accents():
    assert fold("de Matos") == "dematos"
    assert fold("Grömping") == "gromping"
    assert fold("Mikulić") == "mikulic"
