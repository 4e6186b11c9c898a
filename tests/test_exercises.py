"""The self-check mechanism, and every exercise's key against its worked solution."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from cxresearch import exercises

ROOT = Path(__file__).resolve().parent.parent
KEY = exercises._key()


def _solutions() -> dict[str, object]:
    found = {}
    for path in sorted((ROOT / "solutions").glob("s[0-9][0-9]_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name in dir(module):
            match = re.fullmatch(r"ex_(\d\d)_(\d+)", name)
            if match:
                found[f"{match.group(1)}.{match.group(2)}"] = getattr(module, name)
    return found


SOLUTIONS = _solutions()


def test_every_exercise_has_a_worked_solution_and_vice_versa():
    assert set(SOLUTIONS) == set(KEY)


@pytest.mark.parametrize("exercise_id", sorted(KEY))
def test_worked_solution_passes_the_check(exercise_id):
    result = exercises.check(exercise_id, SOLUTIONS[exercise_id]())
    assert result.correct, result.message


@pytest.mark.parametrize("exercise_id", sorted(KEY))
def test_every_exercise_is_well_formed(exercise_id):
    spec = KEY[exercise_id]
    assert re.fullmatch(r"\d\d\.\d+", exercise_id)
    assert spec["notebook"][:2] == exercise_id[:2]
    assert spec["question"] and spec["hint"]
    if spec["kind"] == "choice":
        assert spec["answer"] in spec["options"]


def test_no_answer_yet_is_not_correct():
    result = exercises.check("00.1", None)
    assert not result
    assert "no answer yet" in repr(result)


def test_wrong_answer_gives_the_hint_not_the_solution():
    result = exercises.check("00.1", 5)
    assert not result.correct
    assert exercises.hint("00.1") in result.message
    assert "6" not in result.message.replace(exercises.hint("00.1"), "")


def test_numpy_numbers_are_accepted():
    assert exercises.check("00.1", np.int64(6)).correct


def test_non_number_for_a_number_question():
    result = exercises.check("00.1", "six")
    assert not result.correct
    assert "should be a number" in result.message


def test_unknown_exercise_lists_known_ones():
    with pytest.raises(ValueError, match=r"unknown exercise '99\.9'.*00\.1"):
        exercises.check("99.9", 1)


def test_exercise_id_must_be_a_string():
    with pytest.raises(TypeError, match="must be a string"):
        exercises.check(1.1, 1)


@pytest.mark.parametrize(
    ("spec", "answer", "correct"),
    [
        ({"kind": "number", "answer": 0.5, "atol": 0.01}, 0.509, True),
        ({"kind": "number", "answer": 0.5, "atol": 0.01}, 0.52, False),
        ({"kind": "number", "answer": 200.0, "rtol": 0.01}, 201.5, True),
        ({"kind": "number", "answer": 200.0, "rtol": 0.01}, 203.0, False),
        ({"kind": "integer", "answer": 3}, 3.0, True),
        ({"kind": "integer", "answer": 3}, True, False),
        ({"kind": "text", "answer": ["touch point", "touchpoint"]}, "  Touch   Point ", True),
        ({"kind": "text", "answer": "loyalty"}, "royalty", False),
        ({"kind": "choice", "answer": "b", "options": {"a": "x", "b": "y"}}, "B", True),
        ({"kind": "choice", "answer": "b", "options": {"a": "x", "b": "y"}}, "a", False),
        ({"kind": "choice", "answer": "b", "options": {"a": "x", "b": "y"}}, "z", False),
        ({"kind": "set", "answer": ["A", "b"]}, ["B", "a"], True),
        ({"kind": "set", "answer": ["A", "b"]}, ["a"], False),
        ({"kind": "set", "answer": ["A", "b"]}, ["a", "b", "c"], False),
        ({"kind": "set", "answer": ["A", "b"]}, "ab", False),
    ],
)
def test_judging_each_kind(spec, answer, correct):
    assert exercises._judge(spec, answer)[0] is correct


def test_list_exercises_filters_by_notebook():
    table = exercises.list_exercises("00-start-here")
    assert set(table["notebook"]) == {"00-start-here"}
    with pytest.raises(ValueError, match="no exercises for notebook"):
        exercises.list_exercises("42-nothing")
