"""The small registry the prompt-solution modules share.

Every module ``pNN_topic.py`` marks each worked solution with :func:`prompt`, giving the
``id`` of the notebook's markdown cell that holds the "Check it yourself" prompt, and
ends with ``PROMPTS = collect(globals())``. ``tests/test_prompt_solutions.py`` reads
``PROMPTS`` to match every prompt cell with exactly one solution.

* A *computational* solution returns a dict of numbers, the ones the student should see;
  ``check`` (optional) states, on those numbers, the outcome its docstring describes.
* A *conceptual* solution returns its worked answer as text (its docstring); use
  :func:`answer`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable


def prompt(cell_id: str, *, check: Callable[[dict], bool] | None = None, slow: bool = False):
    """Mark a function as the worked solution of the prompt in cell ``cell_id``."""

    def mark(func):
        func.cell_id = cell_id
        func.check = check
        func.slow = slow
        return func

    return mark


def answer(func) -> str:
    """The worked answer of a conceptual prompt: the function's own docstring."""
    return inspect.cleandoc(func.__doc__)


def collect(namespace: dict) -> dict[str, Callable]:
    """``{cell id: solution}`` for every function in ``namespace`` marked by :func:`prompt`."""
    found: dict[str, Callable] = {}
    for func in namespace.values():
        cell_id = getattr(func, "cell_id", None)
        if cell_id is None or not callable(func):
            continue
        if cell_id in found:
            raise ValueError(
                f"cell {cell_id!r} has two solutions: {found[cell_id].__name__}, {func.__name__}"
            )
        found[cell_id] = func
    return found
