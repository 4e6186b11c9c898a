"""House rules for the course notebooks (nbval itself checks their outputs)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from cxresearch import exercises

ROOT = Path(__file__).resolve().parent.parent
PATHS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
IDS = [p.stem for p in PATHS]


@pytest.fixture(params=PATHS, ids=IDS)
def notebook(request):
    return request.param.stem, nbformat.read(request.param, as_version=4)


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_there_are_notebooks():
    assert {"00-start-here", "01-what-is-cx"} <= set(IDS)


def test_metadata_gives_goal_and_prerequisites(notebook):
    _, nb = notebook
    meta = nb.metadata.get("cxresearch", {})
    assert meta.get("goal") and meta.get("prerequisites")
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_executed_top_to_bottom_without_errors(notebook):
    _, nb = notebook
    counts = [c.execution_count for c in _code(nb) if c.source.strip()]
    assert None not in counts, "run `make notebooks`"
    assert counts == list(range(1, len(counts) + 1))
    errors = [o for c in _code(nb) for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_ignored_output_always_has_a_reason(notebook):
    _, nb = notebook
    for cell in _code(nb):
        if "NBVAL_IGNORE_OUTPUT" in cell.source or "NBVAL_SKIP" in cell.source:
            assert re.search(r"NBVAL_(IGNORE_OUTPUT|SKIP)\s*[-:—]\s*\S", cell.source), cell.source


def test_figures_are_png_and_plot_cells_print_no_object_repr(notebook):
    _, nb = notebook
    for cell in _code(nb):
        for out in cell.outputs:
            data = out.get("data", {})
            assert "image/svg+xml" not in data
            if out.output_type == "execute_result":
                # a plotting call left as the cell's value: end the cell with ';'
                text = "".join(data.get("text/plain", ""))
                assert not re.search(r"<(Figure|Axes|matplotlib\.)|Text\(", text), cell.source


def test_every_exercise_of_the_notebook_is_checked_in_it(notebook):
    stem, nb = notebook
    source = "\n".join(c.source for c in _code(nb))
    table = exercises._key()
    for exercise_id, spec in table.items():
        if spec["notebook"] == stem:
            assert f'check("{exercise_id}"' in source, exercise_id


def test_data_comes_only_from_the_package(notebook):
    _, nb = notebook
    source = "\n".join(c.source for c in _code(nb))
    assert not re.search(r"read_csv\(|https?://|urlopen|requests\.", source)
