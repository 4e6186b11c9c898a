"""The seed inventory (book/seed-inventory.tsv) against the course as it stands.

The inventory lists every idea of the course's five source documents with a rating
(W taught well, M mentioned only, X missing) and ``where``: the place in the course that
teaches it. This test keeps that map from drifting: each ``nbNN §K`` must name a
numbered heading that exists in notebook NN, each ``cx.name`` or ``name()`` an
attribute of :mod:`cxresearch`, each dataset a dataset the package ships and each
``ex NN.K`` an exercise that exists. A notebook named without a section is too vague
to check and is refused, and no row may be rated M or X unless it is on the short
allow-list below.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

import cxresearch as cx
from cxresearch import exercises

ROOT = Path(__file__).resolve().parents[1]
INVENTORY = ROOT / "book" / "seed-inventory.tsv"
COLUMNS = ["id", "seed", "item", "rating", "where", "old_rating", "new_rating", "evidence"]
RATINGS = {"W", "M", "X"}

# Rows still rated M (mentioned only) or X (missing). Keep it short; the goal is empty.
NOT_YET_TAUGHT: set[int] = set()

# ``nb07``; a section ``§6.1``, a range ``§1-4`` / ``§6.1-6.2``, a list ``§4,§6``
_NOTEBOOK = re.compile(r"\bnb(\d\d)\b")
_SECTION = re.compile(r"§\s*(\d+(?:\.\d+)*)(?:\s*-\s*(\d+(?:\.\d+)*))?")
_FUNCTION = re.compile(r"\bcx\.([A-Za-z_][\w.]*\w)|\b([A-Za-z_]\w*)\(\)")
_EXERCISE = re.compile(r"\bex(?:ercises?)?\s+(\d\d\.\d+)(?:\s*/\s*(\d\d\.\d+))?")
_HEADING = re.compile(r"^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s", re.M)


@cache
def notebook_paths() -> dict[str, Path]:
    return {p.name[:2]: p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))}


@cache
def sections(number: str) -> frozenset[str]:
    """The numbers of the headings of notebook ``number`` ('07' -> {'1', '1.1', ...})."""
    nb = json.loads(notebook_paths()[number].read_text(encoding="utf-8"))
    found = set()
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            found.update(_HEADING.findall("".join(cell["source"])))
    return frozenset(found)


@cache
def exercise_ids() -> frozenset[str]:
    return frozenset(exercises._key())


@cache
def dataset_names() -> frozenset[str]:
    """The datasets of the package's codebook (read without loading any of them)."""
    from cxresearch.datasets import _resources

    return frozenset(_resources())


def has_attribute(dotted: str) -> bool:
    obj = cx
    for part in dotted.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            return False
    return True


@dataclass
class Where:
    """What a ``where`` text refers to, and what in it does not exist or is vague."""

    sections: list[tuple[str, str]] = field(default_factory=list)  # (notebook, section)
    functions: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    exercises: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def names_something(self) -> bool:
        return bool(self.sections or self.functions or self.datasets or self.exercises)


def parse_where(text: str) -> Where:
    """Check ``text`` against the notebooks and the package.

    The text is split into parts at ';'. In each part a ``§K`` belongs to the last
    ``nbNN`` before it; a ``§`` with no notebook before it in its part, a notebook with
    no section, a section the notebook does not have, and a function, dataset or
    exercise that does not exist are problems.
    """
    out = Where()
    for part in text.split(";"):
        tokens = sorted(
            [(m.start(), "nb", m) for m in _NOTEBOOK.finditer(part)]
            + [(m.start(), "sec", m) for m in _SECTION.finditer(part)],
            key=lambda t: t[0],
        )
        current, sectioned = None, set()
        for _, kind, m in tokens:
            if kind == "nb":
                current = m.group(1)
                if current not in notebook_paths():
                    out.problems.append(f"no notebook nb{current}")
                    current = None
                continue
            if current is None:
                out.problems.append(f"§{m.group(1)} names no notebook")
                continue
            sectioned.add(current)
            for number in filter(None, m.groups()):
                out.sections.append((current, number))
                if number not in sections(current):
                    out.problems.append(f"nb{current} has no section {number}")
        for m in _NOTEBOOK.finditer(part):
            if m.group(1) in notebook_paths() and m.group(1) not in sectioned:
                out.problems.append(f"nb{m.group(1)} named without a section")
        for m in _FUNCTION.finditer(part):
            name = m.group(1) or m.group(2)
            out.functions.append(name)
            if not has_attribute(name):
                out.problems.append(f"cxresearch has no {name}")
        for m in _EXERCISE.finditer(part):
            for ex in filter(None, m.groups()):
                out.exercises.append(ex)
                if ex not in exercise_ids():
                    out.problems.append(f"no exercise {ex}")
        for word in re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", part):
            if word in dataset_names():
                out.datasets.append(word)
    return out


def read_inventory(path: Path = INVENTORY) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == COLUMNS
        return list(reader)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return read_inventory()


def test_inventory_shape(rows):
    ids = [int(r["id"]) for r in rows]
    assert len(rows) >= 149
    assert len(ids) == len(set(ids))
    assert all(r["rating"] in RATINGS for r in rows)
    assert all(r["new_rating"] == r["rating"] for r in rows)
    assert all(r["item"].strip() and r["evidence"].strip() for r in rows)


def test_every_where_names_places_that_exist(rows):
    problems = []
    for r in rows:
        if r["rating"] == "X" and r["where"].strip() == "-":
            continue
        found = parse_where(r["where"])
        if not found.names_something:
            found.problems.append("names no section, function, dataset or exercise")
        problems += [f"row {r['id']}: {p}" for p in found.problems]
    assert problems == []


def test_no_row_is_left_mentioned_or_missing_unless_allowed(rows):
    not_taught = {int(r["id"]) for r in rows if r["rating"] != "W"}
    assert sorted(not_taught - NOT_YET_TAUGHT) == []
    # the allow-list holds no row that is already taught well (keep it short)
    assert sorted(NOT_YET_TAUGHT - not_taught) == []


# ---- the checks can fail: stale or vague references are caught ---------------------


@pytest.mark.parametrize(
    "where",
    [
        "nb01 §99",  # a section the notebook does not have
        "nb07 §2; cx.no_such_function",  # a function the package does not have
        "nb07 §6.1-6.9",  # the end of a range does not exist
        "no_such_function()",
        "nb02",  # a notebook with no section: too vague to check
        "cx_definitions + heat map §3",  # a section with no notebook
        "nb99 §1",  # no such notebook
        "ex 07.99",  # no such exercise
    ],
)
def test_stale_or_vague_references_are_caught(where):
    assert parse_where(where).problems != []


@pytest.mark.parametrize(
    "where",
    [
        "nb07 §6.1-6.2; cx.peak_end",
        "nb04 §4,§6 (Oliver 1980)",
        "nb03 §1-4; truth()",
        "cx_timeline row + note; nb01 §2",
        "cx.plots.plot_journey_map; ex 07.5",
    ],
)
def test_real_references_pass(where):
    found = parse_where(where)
    assert found.problems == [] and found.names_something


def test_headings_are_read_from_the_notebooks():
    assert {"1", "2.1", "7.2"} <= sections("07")
    assert "99" not in sections("01")
