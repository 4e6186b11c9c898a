"""Every "Check it yourself" prompt has one worked solution, and each solution holds.

The solutions live in ``solutions/prompts/pNN_topic.py`` (not part of the installed
package), keyed by the ``id`` of the notebook cell that holds the prompt. This test
fails when a notebook gains a prompt without a solution, when a solution's cell id no
longer exists, when a computation fails or returns a non-finite number, and when the
numbers contradict the outcome the solution's docstring describes (its ``check``).
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from functools import cache
from numbers import Number
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROMPT_DIR = ROOT / "solutions" / "prompts"
MARKER = "Check it yourself"


def _prompt_cells() -> dict[str, str]:
    """``{cell id: notebook name}`` for every markdown cell with a prompt."""
    cells: dict[str, str] = {}
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown" and MARKER in "".join(cell["source"]):
                assert cell["id"] not in cells, f"cell id {cell['id']} appears twice"
                cells[cell["id"]] = notebook.name
    return cells


def _modules() -> dict[str, object]:
    if str(PROMPT_DIR) not in sys.path:
        sys.path.insert(0, str(PROMPT_DIR))
    modules = {}
    for path in sorted(PROMPT_DIR.glob("p[0-9][0-9]_*.py")):
        spec = importlib.util.spec_from_file_location(f"prompt_solutions_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules[path.stem] = module
    return modules


CELLS = _prompt_cells()
MODULES = _modules()
SOLUTIONS = {
    cell_id: (stem, func)
    for stem, module in MODULES.items()
    for cell_id, func in module.PROMPTS.items()
}


def _params():
    for cell_id, (stem, func) in sorted(SOLUTIONS.items(), key=lambda kv: (kv[1][0], kv[0])):
        marks = [pytest.mark.slow] if func.slow else []
        yield pytest.param(cell_id, id=f"{stem[:3]}-{cell_id}", marks=marks)


@cache
def _run(cell_id: str):
    return SOLUTIONS[cell_id][1]()


def test_every_prompt_has_exactly_one_solution():
    ids = [cell_id for module in MODULES.values() for cell_id in module.PROMPTS]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicated, f"cells with more than one solution: {duplicated}"
    missing = sorted(f"{CELLS[i]}: cell {i}" for i in set(CELLS) - set(ids))
    assert not missing, f"prompts without a worked solution: {missing}"
    stale = sorted(f"{stem}: {i}" for i, (stem, _) in SOLUTIONS.items() if i not in CELLS)
    assert not stale, f"solutions keyed to no prompt cell (stale ids): {stale}"


def test_each_module_answers_its_own_notebook():
    for cell_id, (stem, _) in SOLUTIONS.items():
        if cell_id in CELLS:
            assert CELLS[cell_id][:2] == stem[1:3], (cell_id, CELLS[cell_id], stem)


@pytest.mark.parametrize("cell_id", list(_params()))
def test_solution_runs_and_holds(cell_id):
    func = SOLUTIONS[cell_id][1]
    assert func.__doc__ and len(func.__doc__.split()) >= 25, "the docstring is the worked answer"
    result = _run(cell_id)
    if isinstance(result, str):
        assert func.check is None, "a written answer has no numbers to check"
        assert result.strip() and len(result.split()) >= 25
        return
    assert isinstance(result, dict) and result, f"expected a dict of numbers, got {result!r}"
    for name, value in result.items():
        assert isinstance(value, Number) and not isinstance(value, bool), (name, value)
        assert math.isfinite(value), (name, value)
    if func.check is not None:
        assert func.check(result), f"the numbers contradict the docstring: {result}"


def test_every_package_call_a_solution_names_exists():
    # a worked answer that sends students to a function the package does not have is wrong
    import re

    import cxresearch as cx

    for cell_id, (stem, func) in SOLUTIONS.items():
        for chain in set(re.findall(r"\bcx((?:\.[A-Za-z_]\w*)+)", func.__doc__)):
            obj = cx
            for part in chain.strip(".").split("."):
                assert hasattr(obj, part), f"{stem} ({cell_id}): cx{chain} does not exist"
                obj = getattr(obj, part)
