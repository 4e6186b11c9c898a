"""Tables and numbers for people to read: the same on every machine.

Two computations of the same number (by hand and by the package, or a total and the sum
of its parts) agree only to the last bits of floating point, and those bits differ from
CPU to CPU and with the number of BLAS threads. A notebook that prints the residue
(``-4.9e-17`` here, ``1.6e-16`` there) fails nbval on the next machine; so does a p-value
printed as ``1.041e-71``, whose digits are noise too. These helpers print what a reader
needs instead, as journals do:

- :func:`format_p` writes p-values with three decimals and ``"< 0.001"`` below that;
- :func:`format_table` rounds a tidy table and formats its p-value columns;
- :func:`agreement` says that two computations are ``"equal to 1e-12"`` (or by how
  much they differ) instead of printing their difference.

Used by the notebooks and by every result object's ``summary()`` and ``repr``.

Examples
--------
>>> import cxresearch as cx
>>> cx.format_p(0.0312), cx.format_p(1.041e-71)
('0.031', '< 0.001')
>>> cx.agreement([0.1 + 0.2], [0.3])
'equal to 1e-12'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v

__all__ = ["agreement", "format_p", "format_table"]


def _one_p(p: Any, digits: int, argument: str) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)) or p is pd.NA:
        return "NA"
    if isinstance(p, bool) or not isinstance(p, int | float | np.integer | np.floating):
        raise TypeError(f"{argument} must hold numbers between 0 and 1, got {p!r}.")
    p = float(p)
    if not 0.0 <= p <= 1.0 + 1e-12:
        raise ValueError(f"{argument} must lie between 0 and 1, got {p!r}.")
    floor = 10.0**-digits
    if p < floor:
        return f"< {floor:.{digits}f}"
    return f"{min(p, 1.0):.{digits}f}"


def format_p(p: Any, digits: int = 3) -> Any:
    """A p-value as a journal prints it: ``"0.031"``, or ``"< 0.001"`` below 0.001.

    Parameters
    ----------
    p : float, sequence of floats or pandas.Series
        p-values between 0 and 1; missing values become ``"NA"``.
    digits : int, default 3
        Decimals shown; values below ``10**-digits`` print as ``"< 0.001"`` (for 3).

    Returns
    -------
    str or pandas.Series of str
        One string for one number; a Series (same index) for a Series; a list for
        another sequence.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> cx.format_p(0.04999)
    '0.050'
    >>> cx.format_p(pd.Series([0.2, 1e-9, None]))
    0      0.200
    1    < 0.001
    2         NA
    dtype: object
    >>> cx.format_p(1.5)
    Traceback (most recent call last):
    ...
    ValueError: p must lie between 0 and 1, got 1.5.
    """
    v.check_integer(digits, "digits", low=1, high=12)
    if isinstance(p, pd.Series):
        return p.map(lambda x: _one_p(x, digits, "p")).astype(object)
    if isinstance(p, np.ndarray | list | tuple):
        return [_one_p(x, digits, "p") for x in np.asarray(p, dtype=object).ravel()]
    return _one_p(p, digits, "p")


def _is_p_value_column(name: Any) -> bool:
    """Whether a column holds p-values by the house names (``p_value``, ``p_...``)."""
    text = str(name).lower()
    return text in {"p", "p_value", "pvalue", "p-value"} or text.startswith(("p_value", "p_"))


def format_table(table: pd.DataFrame, digits: int = 3, *, p_digits: int = 3) -> pd.DataFrame:
    """A copy of a tidy table for display: numbers rounded, p-values as journals print them.

    Floating-point columns are rounded to ``digits`` decimals (so the rounding residue of
    the last bits never shows), and every p-value column (``p_value``, or a name that
    starts with ``p_``) becomes text by :func:`format_p`. The input is not modified.

    Parameters
    ----------
    table : pandas.DataFrame
        Any table, typically a result's ``.table``.
    digits : int, default 3
        Decimals for the other floating-point columns.
    p_digits : int, default 3
        Decimals for p-values (``"< 0.001"`` below ``10**-p_digits``).

    Returns
    -------
    pandas.DataFrame
        Same index and columns; p-value columns hold strings.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> t = pd.DataFrame({"term": ["a", "b"], "estimate": [0.23456, -1.5], "p_value": [1e-71, 0.2]})
    >>> cx.format_table(t)
      term  estimate  p_value
    0    a     0.235  < 0.001
    1    b    -1.500    0.200
    """
    v.check_dataframe(table, "table")
    v.check_integer(digits, "digits", low=0, high=12)
    v.check_integer(p_digits, "p_digits", low=1, high=12)
    out = table.copy()
    for column in out.columns:
        series = out[column]
        if _is_p_value_column(column) and pd.api.types.is_numeric_dtype(series):
            out[column] = format_p(series.astype(float), p_digits)
        elif pd.api.types.is_float_dtype(series):
            out[column] = series.round(digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    return out


def _as_array(values: Any, argument: str) -> np.ndarray:
    if isinstance(values, pd.DataFrame | pd.Series):
        values = values.to_numpy()
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{argument} must hold numbers, got {type(values).__name__}.") from err
    return arr


def _aligned(a: Any, b: Any) -> tuple[Any, Any]:
    """``b`` in ``a``'s row (and column) order when both are pandas objects with the same labels."""
    both = (pd.Series, pd.DataFrame)
    if not (isinstance(a, both) and isinstance(b, both)) or type(a) is not type(b):
        return a, b
    if set(a.index) != set(b.index) or not a.index.is_unique or not b.index.is_unique:
        raise ValueError(
            "a and b must be labelled by the same rows, got "
            f"{v.format_values(a.index)} and {v.format_values(b.index)}."
        )
    b = b.reindex(a.index)
    if isinstance(a, pd.DataFrame):
        if set(a.columns) != set(b.columns):
            raise ValueError(
                "a and b must have the same columns, got "
                f"{v.format_values(a.columns)} and {v.format_values(b.columns)}."
            )
        b = b[a.columns]
    return a, b


def agreement(a: Iterable[Any] | float, b: Iterable[Any] | float, *, tol: float = 1e-12) -> str:
    """How closely two computations of the same numbers agree, in words.

    ``"equal to 1e-12"`` when the largest absolute difference is at most ``tol``;
    otherwise ``"differ by up to 3.1e-05"``. Printing this instead of the difference
    itself keeps a notebook's output the same on every machine: the residue of two
    arithmetic paths (``1e-17`` on one CPU, ``0.0`` or ``-5e-17`` on another) is never
    shown.

    Parameters
    ----------
    a, b : numbers, arrays, Series or DataFrames of the same shape
        Two Series (or two DataFrames) are compared label by label, whatever their
        order. Missing values must sit in the same places in both.
    tol : float, default 1e-12
        The largest absolute difference still called equal.

    Returns
    -------
    str

    Examples
    --------
    >>> import cxresearch as cx
    >>> cx.agreement([1.0, 2.0], [1.0, 2.0 + 1e-15])
    'equal to 1e-12'
    >>> cx.agreement([1.0, 2.0], [1.0, 2.001])
    'differ by up to 1.0e-03'
    >>> cx.agreement([1.0], [1.0, 2.0])
    Traceback (most recent call last):
    ...
    ValueError: a and b must have the same shape, got (1,) and (2,).
    """
    v.check_number(tol, "tol", low=0.0)
    a, b = _aligned(a, b)
    x, y = _as_array(a, "a"), _as_array(b, "b")
    if x.shape != y.shape:
        raise ValueError(f"a and b must have the same shape, got {x.shape} and {y.shape}.")
    nan_x, nan_y = np.isnan(x), np.isnan(y)
    if not np.array_equal(nan_x, nan_y):
        return "differ: missing values in different places"
    keep = ~nan_x
    if not keep.any():
        return f"equal to {tol:.0e}"
    gap = float(np.max(np.abs(x[keep] - y[keep])))
    if gap <= tol:
        return f"equal to {tol:.0e}"
    return f"differ by up to {gap:.1e}"
