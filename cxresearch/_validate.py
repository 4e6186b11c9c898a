"""Input checks shared by the cxresearch modules.

Every public function checks its input with these helpers so that bad input fails
the same way everywhere: ``TypeError`` for the wrong kind of object, ``ValueError``
for the wrong value, and a message that names the argument or column, the bad
value, and what is allowed. None of them modifies its input.

These helpers are private (the leading underscore): the public API is what
``cxresearch/__init__.py`` exports.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "as_column_list",
    "check_columns",
    "check_dataframe",
    "check_integer_valued",
    "check_level",
    "check_no_missing",
    "check_numeric",
    "check_one_of",
    "check_positive_int",
    "check_range",
    "check_scale",
    "check_weights",
    "drop_missing",
    "format_values",
    "make_rng",
]


def format_values(values: Iterable[Any], limit: int = 5) -> str:
    """Show up to ``limit`` values, e.g. ``[11, 12, -1] (and 4 more)``."""
    values = list(values)
    shown = ", ".join(repr(v.item() if isinstance(v, np.generic) else v) for v in values[:limit])
    more = f" (and {len(values) - limit} more)" if len(values) > limit else ""
    return f"[{shown}]{more}"


def check_dataframe(data: Any, argument: str = "data") -> pd.DataFrame:
    """Raise ``TypeError`` unless ``data`` is a pandas DataFrame; return it."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{argument} must be a pandas DataFrame, got {type(data).__name__}. "
            f"Wrap arrays with pandas.DataFrame(...) and name the columns."
        )
    return data


def as_column_list(columns: Hashable | Sequence[Hashable] | None, argument: str) -> list[Hashable]:
    """A column name or a list of them -> a list (``None`` -> ``[]``)."""
    if columns is None:
        return []
    if isinstance(columns, str) or not isinstance(columns, Sequence | pd.Index):
        return [columns]
    out = list(columns)
    if len(set(out)) != len(out):
        raise ValueError(f"{argument} lists a column more than once: {format_values(out, 10)}.")
    return out


def check_columns(
    data: pd.DataFrame, columns: Hashable | Sequence[Hashable] | None, argument: str
) -> list[Hashable]:
    """Raise ``ValueError`` unless every column in ``columns`` is in ``data``.

    Returns the columns as a list.
    """
    cols = as_column_list(columns, argument)
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(
            f"{argument}: column {format_values(missing)} not found in data. "
            f"Available columns: {format_values(data.columns, 12)}."
        )
    return cols


def check_numeric(data: pd.DataFrame, columns: Sequence[Hashable], argument: str) -> None:
    """Raise ``TypeError`` unless each column holds numbers (bool is not a number here)."""
    for col in columns:
        dtype = data[col].dtype
        if not (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)):
            raise TypeError(
                f"{argument}: column {col!r} must be numeric, got dtype {dtype}. "
                f"Convert it first, e.g. with pandas.to_numeric(...)."
            )


def check_no_missing(
    data: pd.DataFrame, columns: Sequence[Hashable], argument: str, *, dropna_hint: bool = False
) -> None:
    """Raise ``ValueError`` if any of ``columns`` has a missing value.

    ``dropna_hint=True`` (for callers that have a ``dropna`` argument) adds the advice
    to pass ``dropna=True``; otherwise the message asks to drop or fill the rows first.
    """
    for col in columns:
        n_missing = int(data[col].isna().sum())
        if n_missing:
            rows = data.index[data[col].isna()]
            advice = (
                "Pass dropna=True to drop those rows (the count is reported), or fill them in first."
                if dropna_hint
                else "Drop those rows or fill them in first."
            )
            raise ValueError(
                f"{argument}: column {col!r} has {n_missing} missing value(s) (NaN), "
                f"at rows {format_values(rows)}. {advice}"
            )


def drop_missing(
    data: pd.DataFrame, columns: Sequence[Hashable], *, dropna: bool, argument: str
) -> tuple[pd.DataFrame, int]:
    """Rows of ``data`` complete on ``columns``, and how many were dropped.

    With ``dropna=False`` a missing value raises ``ValueError``; with ``dropna=True``
    the incomplete rows are dropped (listwise). ``data`` itself is never modified.
    """
    if not isinstance(dropna, bool | np.bool_):
        raise TypeError(f"dropna must be True or False, got {dropna!r}.")
    columns = list(columns)
    if not dropna:
        check_no_missing(data, columns, argument, dropna_hint=True)
        return data, 0
    complete = data[columns].notna().all(axis=1)
    n_dropped = int((~complete).sum())
    return (data.loc[complete] if n_dropped else data), n_dropped


def check_integer_valued(values: pd.Series, column: Hashable, argument: str) -> None:
    """Raise ``ValueError`` unless every (non-missing) value is a whole number."""
    arr = values.dropna().to_numpy(dtype=float)
    bad = arr[~np.isfinite(arr) | (arr != np.round(arr))]
    if bad.size:
        raise ValueError(
            f"{argument}: column {column!r} must hold whole numbers (integer answer codes), "
            f"found {format_values(np.unique(bad))}."
        )


def check_range(
    values: pd.Series, column: Hashable, argument: str, low: float, high: float
) -> None:
    """Raise ``ValueError`` if a (non-missing) value lies outside ``[low, high]``."""
    present = values.dropna()
    bad = present[(present < low) | (present > high)].unique()
    if bad.size:
        raise ValueError(
            f"{argument}: column {column!r} has value(s) {format_values(np.sort(bad))} "
            f"outside the scale; allowed are {low:g} to {high:g}."
        )


def check_scale(scale: Any, argument: str = "scale") -> tuple[int, int]:
    """A rating scale ``(low, high)`` of whole numbers with ``low < high``."""
    if (
        not isinstance(scale, Sequence)
        or isinstance(scale, str)
        or len(scale) != 2
        or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in scale)
    ):
        raise TypeError(f"{argument} must be a pair of integers (low, high), got {scale!r}.")
    low, high = int(scale[0]), int(scale[1])
    if low >= high:
        raise ValueError(f"{argument} must have low < high, got {scale!r}.")
    return low, high


def check_level(ci: Any, argument: str = "ci") -> float:
    """A confidence level strictly between 0 and 1."""
    if isinstance(ci, bool) or not isinstance(ci, numbers.Real):
        raise TypeError(f"{argument} must be a number between 0 and 1, got {ci!r}.")
    if not 0 < float(ci) < 1:
        raise ValueError(f"{argument} must lie strictly between 0 and 1 (e.g. 0.95), got {ci!r}.")
    return float(ci)


def check_positive_int(value: Any, argument: str, minimum: int = 1) -> int:
    """A whole number ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{argument} must be an integer, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{argument} must be at least {minimum}, got {value!r}.")
    return int(value)


def check_one_of(value: Any, allowed: Sequence[Any], argument: str) -> Any:
    """Raise ``ValueError`` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{argument} must be one of {format_values(allowed)}, got {value!r}.")
    return value


def check_weights(data: pd.DataFrame, weights: Hashable, argument: str = "weights") -> None:
    """Raise unless ``weights`` names a numeric, finite, non-negative column.

    Missing weights are left to :func:`drop_missing`.
    """
    check_columns(data, weights, argument)
    check_numeric(data, [weights], argument)
    w = data[weights].dropna().to_numpy(dtype=float)
    bad = w[~np.isfinite(w) | (w < 0)]
    if bad.size:
        raise ValueError(
            f"{argument}: column {weights!r} must hold finite, non-negative weights, "
            f"found {format_values(np.unique(bad))}."
        )


def make_rng(seed: Any) -> np.random.Generator:
    """``seed`` (``None``, an int or a Generator) -> a NumPy Generator.

    Never touches NumPy's global random state.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise TypeError(
        f"seed must be None, an int or a numpy.random.Generator, got {type(seed).__name__}."
    )
