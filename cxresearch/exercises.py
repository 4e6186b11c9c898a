"""Exercises that students check themselves.

Every notebook ends with exercises. A student computes an answer and asks the package
whether it is right::

    import cxresearch as cx

    cx.exercises.check("01.1", 1998)

The reply says right or wrong and, when wrong, gives a first hint: a nudge towards
the idea, never the method or the answer. When the answer is one students often reach
by a known slip (the estimate where the truth was asked, a log-odds coefficient where a
probability was), the key's ``"mistakes"`` say what that answer shows instead. A stronger hint (the method) comes one level
up, from ``cx.exercises.hint("01.1", level=2)``; no hint prints the solution. The answer key lives in ``cxresearch/_exercises/NN.json`` (one file per
notebook) and worked solutions, written as code, in the repository's ``solutions/``
folder, where an instructor finds them. The key is plain text: it keeps honest students
honest, it is not a lock.

Kinds of answer
---------------
``integer``
    An exact whole number.
``number``
    A number, right within ``atol`` (absolute) or ``rtol`` (relative) of the key. When
    the key marks the answer as a share (``"scale": "share"``, a number between 0 and
    1), a percentage is recognised too: ``"35%"``, and a plain number above 1 such as
    ``35`` (a share cannot exceed 1, so 35 can only mean 35%). When the key marks it as
    a percentage (``"scale": "percent"``), ``"12.5%"`` is read as 12.5.
``choice``
    One option letter out of ``options``; ``"b"``, ``"B"``, ``"(b)"``, ``"b)"`` and
    ``"option b"`` are the same answer.
``text``
    A word or phrase; case, surrounding spaces and repeated inner spaces are ignored.
    The key may list several accepted spellings.
``set``
    A collection of words in any order (case-insensitive); nothing missing, nothing extra.

Examples
--------
>>> from cxresearch import exercises
>>> exercises.check("00.1", None)
00.1: no answer yet. Replace None with your answer and run the cell again.
>>> exercises.check("00.1", 4).correct
False
>>> exercises.check("01.2", "37.5%").correct
True
"""

from __future__ import annotations

import functools
import json
import math
import numbers
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["CheckResult", "check", "hint", "list_exercises", "question"]

_KINDS = ("integer", "number", "choice", "text", "set")
_SCALES = ("share", "percent")
_OPTION = re.compile(r"^(?:option\s+)?\(?\s*([a-z])\s*\)?[.:]?$")


def _check_spec(exercise_id: str, spec: dict[str, Any], file_name: str) -> None:
    """Raise RuntimeError if one exercise of the key is malformed."""
    where = f"exercise {exercise_id!r} in {file_name}"
    if spec.get("kind") not in _KINDS:
        raise RuntimeError(
            f"{where} has kind {spec.get('kind')!r}; allowed kinds are {', '.join(_KINDS)}"
        )
    hints = spec.get("hints")
    if (
        not isinstance(hints, list)
        or len(hints) < 2
        or not all(isinstance(h, str) and h.strip() for h in hints)
    ):
        raise RuntimeError(
            f"{where} needs 'hints': a list of at least two texts, a nudge first and "
            f"then the method; got {hints!r}"
        )
    if spec.get("scale") not in (None, *_SCALES):
        raise RuntimeError(
            f"{where} has scale {spec.get('scale')!r}; allowed scales are {', '.join(_SCALES)}"
        )
    for mistake in spec.get("mistakes", []):
        if not (
            isinstance(mistake, dict)
            and set(mistake) <= {"answer", "atol", "says"}
            and {"answer", "says"} <= set(mistake)
            and isinstance(mistake["says"], str)
            and mistake["says"].strip()
        ):
            raise RuntimeError(
                f"{where}: each of 'mistakes' needs 'answer' (a wrong answer students give), "
                f"'says' (what that answer shows) and optionally 'atol'; got {mistake!r}"
            )
        if _judge({**spec, "answer": spec["answer"]}, mistake["answer"])[0]:
            raise RuntimeError(f"{where}: the mistake {mistake['answer']!r} is accepted as right")


@functools.cache
def _key() -> dict[str, dict[str, Any]]:
    key: dict[str, dict[str, Any]] = {}
    folder = resources.files(__package__).joinpath("_exercises")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        for exercise_id, spec in json.loads(entry.read_text(encoding="utf-8")).items():
            if exercise_id in key:
                raise RuntimeError(f"exercise {exercise_id!r} is defined twice ({entry.name})")
            _check_spec(exercise_id, spec, entry.name)
            key[exercise_id] = spec
    return key


def _spec(exercise_id: str) -> dict[str, Any]:
    if not isinstance(exercise_id, str):
        raise TypeError(
            f"exercise_id must be a string such as '01.2', got {type(exercise_id).__name__}"
        )
    key = _key()
    if exercise_id not in key:
        raise ValueError(
            f"unknown exercise {exercise_id!r}; known exercises are: {', '.join(sorted(key))}"
        )
    return key[exercise_id]


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer. Displays as a one-line message; truthy when correct."""

    exercise_id: str
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return self.message


def _normalise(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _as_number(answer: Any) -> float | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, numbers.Real):
        return float(answer)
    # numpy scalars and 0-d arrays, pandas scalars
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None
    return value


def _percentage(answer: Any, scale: str | None) -> float | None:
    """Read a text such as ``"35%"`` on the answer's scale; None if it is not one."""
    if not isinstance(answer, str) or not answer.strip().endswith("%") or scale is None:
        return None
    value = _as_number(answer.strip()[:-1])
    if value is None:
        return None
    return value / 100 if scale == "share" else value


def _on_scale(spec: dict[str, Any], answer: Any) -> float | None:
    """The answer as a number on the key's scale (a percentage of a share divided by 100)."""
    scale = spec.get("scale")
    value = _percentage(answer, scale)
    if value is not None:
        return value
    value = _as_number(answer)
    if value is not None and scale == "share" and 1 < value <= 100:
        # a share lies between 0 and 1, so a number above 1 can only be a percentage
        return value / 100
    return value


def _option_letter(answer: Any) -> str:
    """``"(b)"``, ``"b)"``, ``" B "`` and ``"option b"`` all become ``"b"``."""
    text = _normalise(answer)
    match = _OPTION.match(text)
    return match.group(1) if match else text


def _judge(spec: dict[str, Any], answer: Any) -> tuple[bool, str | None]:
    """Return (correct, reason) where reason explains a malformed answer."""
    kind = spec["kind"]
    expected = spec["answer"]
    if kind in ("integer", "number"):
        value = _on_scale(spec, answer) if kind == "number" else _as_number(answer)
        if value is None or math.isnan(value):
            return False, f"the answer should be a number, got {answer!r}"
        if kind == "integer":
            return value == expected, None
        tolerance = max(spec.get("atol", 0.0), spec.get("rtol", 0.0) * abs(expected))
        if tolerance == 0.0:
            tolerance = 1e-9 * max(1.0, abs(expected))
        return abs(value - expected) <= tolerance, None
    if kind == "choice":
        options = spec["options"]
        letter = _option_letter(answer)
        if letter not in {_normalise(k) for k in options}:
            return False, f"choose one of the options {', '.join(options)}, got {answer!r}"
        return letter == _normalise(expected), None
    if kind == "text":
        accepted = expected if isinstance(expected, list) else [expected]
        if not isinstance(answer, str):
            return False, f"the answer should be text, got {answer!r}"
        return _normalise(answer) in {_normalise(a) for a in accepted}, None
    # set
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return False, f"the answer should be a list of items, got {answer!r}"
    given = [_normalise(a) for a in answer]
    if len(set(given)) != len(given):
        return False, "the answer lists the same item more than once"
    return set(given) == {_normalise(e) for e in expected}, None


def _known_mistake(spec: dict[str, Any], answer: Any) -> str | None:
    """What a wrong answer shows, when the key knows it (``"mistakes"``): else None."""
    for mistake in spec.get("mistakes", []):
        probe = {
            **spec,
            "answer": mistake["answer"],
            "atol": mistake.get("atol", spec.get("atol", 0.0)),
        }
        if _judge(probe, answer)[0]:
            return mistake["says"]
    return None


def check(exercise_id: str, answer: Any) -> CheckResult:
    """Say whether an answer to an exercise is right, with a hint when it is not.

    Parameters
    ----------
    exercise_id : str
        The exercise's number as printed in the notebook, e.g. ``"01.2"``.
    answer : object
        Your answer: a number, an option letter, a word or a list of words, as the
        exercise asks. ``None`` means "not answered yet".

    Returns
    -------
    CheckResult
        Shows as a one-line verdict; ``bool(result)`` is True when the answer is right.

    Raises
    ------
    ValueError
        If the exercise number is unknown; the message lists the known ones.

    Examples
    --------
    >>> import cxresearch as cx
    >>> cx.exercises.check("00.1", 6)
    00.1: correct. Well done!
    """
    spec = _spec(exercise_id)
    if answer is None:
        return CheckResult(
            exercise_id,
            False,
            f"{exercise_id}: no answer yet. Replace None with your answer and run the cell again.",
        )
    correct, reason = _judge(spec, answer)
    if correct:
        return CheckResult(exercise_id, True, f"{exercise_id}: correct. Well done!")
    if reason:
        return CheckResult(exercise_id, False, f"{exercise_id}: not quite: {reason}.")
    known = _known_mistake(spec, answer)
    if known is not None:
        return CheckResult(exercise_id, False, f"{exercise_id}: not quite. {known}")
    message = (
        f"{exercise_id}: not quite. Hint: {spec['hints'][0]} (A stronger hint: "
        f'cx.exercises.hint("{exercise_id}", level=2).)'
    )
    return CheckResult(exercise_id, False, message)


def hint(exercise_id: str, level: int = 1) -> str:
    """Return a hint for an exercise, from a nudge (level 1) to the method (the last level).

    Parameters
    ----------
    exercise_id : str
        The exercise's number, e.g. ``"01.2"``.
    level : int, default 1
        1 is a nudge towards the idea (what :func:`check` shows after a wrong answer);
        each higher level says more, the last names the method. No level gives the answer.

    Returns
    -------
    str
        The hint; from level 1 up to the last it ends with how to get the next one.

    Raises
    ------
    ValueError
        If ``level`` is not one of the exercise's hint levels.

    Examples
    --------
    >>> hint("00.1").startswith("A table")
    True
    >>> hint("00.1", level=2).startswith("Load the dataset")
    True
    >>> hint("00.1", level=3)
    Traceback (most recent call last):
    ...
    ValueError: level must be 1 or 2 for exercise '00.1' (1 = a nudge, 2 = the method), got 3.
    """
    hints = _spec(exercise_id)["hints"]
    if isinstance(level, bool) or not isinstance(level, numbers.Integral):
        raise TypeError(f"level must be an integer such as 1 or 2, got {type(level).__name__}.")
    if not 1 <= level <= len(hints):
        allowed = " or ".join(str(k) for k in range(1, len(hints) + 1))
        raise ValueError(
            f"level must be {allowed} for exercise {exercise_id!r} (1 = a nudge, "
            f"{len(hints)} = the method), got {level}."
        )
    text = hints[level - 1]
    if level < len(hints):
        text += f' (A stronger hint: cx.exercises.hint("{exercise_id}", level={level + 1}).)'
    return text


def question(exercise_id: str) -> str:
    """Return the text of an exercise's question.

    Examples
    --------
    >>> question("00.1").startswith("How many")
    True
    """
    return _spec(exercise_id)["question"]


def list_exercises(notebook: str | None = None):
    """List the exercises, optionally only those of one notebook.

    Parameters
    ----------
    notebook : str, optional
        A notebook name such as ``"01-what-is-cx"``.

    Returns
    -------
    pandas.DataFrame
        One row per exercise: ``exercise``, ``notebook``, ``kind``, ``question``.

    Examples
    --------
    >>> list_exercises("00-start-here")["exercise"].iloc[0]
    '00.1'
    """
    import pandas as pd

    rows = [
        {"exercise": k, "notebook": v["notebook"], "kind": v["kind"], "question": v["question"]}
        for k, v in sorted(_key().items())
        if notebook is None or v["notebook"] == notebook
    ]
    if notebook is not None and not rows:
        known = sorted({v["notebook"] for v in _key().values()})
        raise ValueError(
            f"no exercises for notebook {notebook!r}; notebooks with exercises: {known}"
        )
    return pd.DataFrame(rows, columns=["exercise", "notebook", "kind", "question"])
