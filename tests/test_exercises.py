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
    assert spec["question"]
    assert len(spec["hints"]) >= 2 and all(h.strip() for h in spec["hints"])
    if spec["kind"] == "choice":
        assert spec["answer"] in spec["options"]


def test_no_answer_yet_is_not_correct():
    result = exercises.check("00.1", None)
    assert not result
    assert "no answer yet" in repr(result)


def test_wrong_answer_gives_the_nudge_not_the_solution():
    result = exercises.check("00.1", 5)
    assert not result.correct
    nudge = KEY["00.1"]["hints"][0]
    assert nudge in result.message
    assert 'hint("00.1", level=2)' in result.message
    # neither the answer nor the method's code appears in the first hint
    assert "6" not in result.message
    assert "len(" not in result.message and "cx_disciplines" not in nudge


@pytest.mark.parametrize("exercise_id", sorted(KEY))
def test_first_hint_is_a_nudge_not_the_method(exercise_id):
    nudge, *_, method = KEY[exercise_id]["hints"]
    assert nudge != method
    # a nudge names no package call (no "cx.") and never contains the key's answer
    assert "cx." not in nudge
    answers = KEY[exercise_id]["answer"]
    for answer in answers if isinstance(answers, list) else [answers]:
        if KEY[exercise_id]["kind"] == "choice":
            continue
        assert str(answer) not in nudge


def test_hint_levels_step_up_to_the_method():
    assert exercises.hint("00.1", level=1).startswith(KEY["00.1"]["hints"][0])
    assert "level=2" in exercises.hint("00.1", level=1)
    assert exercises.hint("00.1", level=2) == KEY["00.1"]["hints"][1]
    with pytest.raises(ValueError, match=r"level must be 1 or 2 .* got 3"):
        exercises.hint("00.1", level=3)
    with pytest.raises(TypeError, match="level must be an integer"):
        exercises.hint("00.1", level="2")


def test_the_key_must_have_stepped_hints():
    with pytest.raises(RuntimeError, match="needs 'hints'"):
        exercises._check_spec("00.9", {"kind": "integer", "hint": "one hint only"}, "00.json")
    with pytest.raises(RuntimeError, match="scale"):
        exercises._check_spec(
            "00.9", {"kind": "number", "hints": ["a", "b"], "scale": "per mille"}, "00.json"
        )


@pytest.mark.parametrize("answer", ["b", "B", "(b)", "( b )", "b)", "b.", "option b", " (B) "])
def test_option_letter_in_brackets_or_words(answer):
    spec = {"kind": "choice", "answer": "b", "options": {"a": "x", "b": "y"}}
    assert exercises._judge(spec, answer)[0] is True


@pytest.mark.parametrize(
    ("answer", "correct"),
    [
        (0.35, True),
        ("35%", True),
        (" 35 % ", True),
        (35, True),  # a share is at most 1, so 35 can only mean 35%
        ("0.35", True),
        (0.45, False),
        (45, False),
        ("45%", False),
        (350, False),  # not a percentage of anything
    ],
)
def test_share_given_as_percentage(answer, correct):
    spec = {"kind": "number", "answer": 0.35, "atol": 0.005, "scale": "share"}
    assert exercises._judge(spec, answer)[0] is correct


def test_percentage_only_where_the_key_says_what_it_means():
    # without a scale the key's number could be anything: "35%" is not read as 0.35
    spec = {"kind": "number", "answer": 0.35, "atol": 0.005}
    assert exercises._judge(spec, "35%")[0] is False
    assert exercises._judge(spec, 35)[0] is False
    # an answer asked for in percent takes the sign as it is written
    spec = {"kind": "number", "answer": 14.29, "atol": 0.05, "scale": "percent"}
    assert exercises._judge(spec, "14.29%")[0] is True
    assert exercises._judge(spec, 0.1429)[0] is False


def test_real_share_exercise_accepts_a_percentage():
    assert exercises.check("01.2", "37.5%").correct
    assert exercises.check("01.2", 37.5).correct
    assert exercises.check("08.2", "14.29%").correct


def test_exercise_10_5_has_no_tie_at_the_peak():
    import cxresearch as cx

    journey = cx.example_journey()
    changed = {
        "a": journey["feeling"].where(journey["step"] == 8, journey["feeling"] + 0.8),
        "b": journey["feeling"].where(journey["step"] != 8, 3),
        "c": journey["feeling"].where(journey["step"] != 5, 2),
    }
    remembered = {}
    for letter, feeling in changed.items():
        intensity = feeling.abs()
        assert (intensity == intensity.max()).sum() == 1, letter
        # peak-end by hand: half the most intense moment, half the last one
        remembered[letter] = 0.5 * feeling[intensity.idxmax()] + 0.5 * feeling.iloc[-1]
    assert remembered == pytest.approx({"a": -0.1, "b": 2.5, "c": -0.5})
    assert exercises.check("10.5", "b").correct


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


@pytest.mark.parametrize(
    ("exercise_id", "answer", "says"),
    [
        ("04.1", 0.267, "share of R²"),  # the share column, not the weight
        ("04.2", 0.5227, "logit coefficient"),  # log-odds, not probability
        ("04.2", 0.0754, "with the satisfaction x competition interaction"),
        ("05.1", 0.354, "estimate from a fitted model"),  # the estimate, not the truth
        ("05.1", 0.1, "reference category"),
    ],
)
def test_a_known_mistake_gets_a_hint_about_that_mistake(exercise_id, answer, says):
    result = exercises.check(exercise_id, answer)
    assert not result and says in result.message
    assert exercises.hint(exercise_id) not in result.message  # not the generic nudge


@pytest.mark.parametrize(
    ("exercise_id", "wrong"),
    [("04.1", 0.032), ("05.1", 0.354), ("05.1", 0.3535), ("04.2", 0.0783 + 0.0015)],
)
def test_answers_from_the_wrong_analysis_are_not_accepted(exercise_id, wrong):
    # 04.1 accepted 0.032 and 05.1 the estimate 0.354 where the truth 0.35 was asked
    assert not exercises.check(exercise_id, wrong)


def test_a_mistake_the_key_accepts_as_right_is_refused(monkeypatch):
    spec = {"kind": "number", "answer": 1.0, "atol": 0.1, "hints": ["a", "b"],
            "mistakes": [{"answer": 1.05, "says": "inside the tolerance"}]}  # fmt: skip
    with pytest.raises(RuntimeError, match="the mistake 1.05 is accepted as right"):
        exercises._check_spec("99.1", spec, "99.json")
