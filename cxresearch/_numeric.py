"""Small numerical helpers shared by the cxresearch modules (private).

Survey weights of 1e308 or item scores of 1e200 overflow when they are summed or
squared, and the statistics built from them (shares, correlations, alpha) come out
NaN. A statistic that a common rescaling leaves unchanged is computed on the values
divided by a power of two near their largest magnitude: that division is exact in
floating point, so ordinary input gives bit-for-bit the same numbers as before.

Columns in very different units (one scaled by 1e200, another by 1e-200) need one
power of two each (:func:`pow2_rescale_columns`): correlations are unchanged by it,
and a statistic in the units of the data is scaled back with :func:`pow2_restore`,
which raises a ``ValueError`` instead of returning ``inf`` or a silent 0 when the
result itself lies outside the floating-point range.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pow2_rescale", "pow2_rescale_columns", "pow2_restore"]


def pow2_rescale(values: np.ndarray) -> tuple[np.ndarray, int]:
    """``(values / 2**e, e)`` with ``2**e`` the power of two just above ``max |values|``.

    ``e`` is 0 for an all-zero or empty array. Dividing by a power of two is exact
    (barring underflow of values ~300 orders of magnitude below the largest), so
    ``numpy.ldexp(scaled, e)`` gives back ``values``.

    Examples
    --------
    >>> import numpy as np
    >>> scaled, e = pow2_rescale(np.array([1e308, 1e308, 4.0]))
    >>> bool(np.isfinite(scaled.sum())), e
    (True, 1024)
    >>> pow2_rescale(np.array([0.5, 3.0]))
    (array([0.125, 0.75 ]), 2)
    """
    arr = np.asarray(values, dtype=float)
    top = float(np.max(np.abs(arr), initial=0.0))
    if top == 0 or not np.isfinite(top):
        return arr, 0
    exponent = int(np.frexp(top)[1])  # 2**(exponent - 1) <= top < 2**exponent
    return np.ldexp(arr, -exponent), exponent


def pow2_rescale_columns(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column of a 2-D array divided by its own power of two, and the exponents.

    Column ``j`` is divided by ``2**e[j]``, the power of two just above its largest
    magnitude (``e[j] = 0`` for an all-zero column), so every column lies within
    ``(-1, 1)`` with its largest value at least 0.5 in magnitude. The division is
    exact, so correlations, R² and every other statistic that a rescaling of a column
    leaves unchanged come out as on the original columns, without overflow or
    underflow in their sums of squares.

    Examples
    --------
    >>> import numpy as np
    >>> scaled, e = pow2_rescale_columns(np.array([[1e200, 3.0], [-2e200, 1e-300]]))
    >>> e.tolist()
    [666, 2]
    >>> bool(np.isfinite((scaled**2).sum()))
    True
    """
    arr = np.asarray(values, dtype=float)
    top = np.max(np.abs(arr), axis=0, initial=0.0)
    ok = (top > 0) & np.isfinite(top)
    exponents = np.where(ok, np.frexp(np.where(ok, top, 1.0))[1], 0).astype(int)
    return np.ldexp(arr, -exponents), exponents


def pow2_restore(scaled: np.ndarray | float, exponent: np.ndarray | int, what: str) -> np.ndarray:
    """``scaled * 2**exponent``; ``ValueError`` if that leaves the floating-point range.

    A statistic computed on rescaled columns (:func:`pow2_rescale_columns`) is put back
    into the units of the data with this. When the result is too large for a float
    (above about 1.8e308) or so small that it would lose its digits (below about
    2.2e-308, but not 0), the ``ValueError`` names ``what`` and asks for the columns
    in other units, rather than returning ``inf`` or a rounded-away 0.

    Examples
    --------
    >>> import numpy as np
    >>> pow2_restore(np.array([0.75, -0.5]), 4, "the means")
    array([12., -8.])
    >>> pow2_restore(0.75, 1100, "the slope of 'y' on 'x'")
    Traceback (most recent call last):
    ...
    ValueError: the slope of 'y' on 'x' is about 1e+331, outside the range of floating-point numbers (about 2.2e-308 to 1.8e+308 in size). Express the columns in units nearer 1 (e.g. thousands instead of units) and run it again.
    """
    scaled = np.asarray(scaled, dtype=float)
    with np.errstate(over="ignore", under="ignore"):
        out = np.ldexp(scaled, exponent)
    finite = np.isfinite(scaled)
    lost = finite & (scaled != 0) & ((np.abs(out) < np.finfo(float).tiny) | np.isinf(out))
    if np.any(lost):
        first = np.flatnonzero(np.broadcast_to(lost, out.shape))[0]
        value = np.broadcast_to(scaled, out.shape).flat[first]
        power = np.broadcast_to(np.asarray(exponent), out.shape).flat[first]
        size = np.log10(abs(value)) + power * np.log10(2.0)
        raise ValueError(
            f"{what} is about 1e{size:+.0f}, outside the range of floating-point numbers "
            f"(about 2.2e-308 to 1.8e+308 in size). Express the columns in units nearer 1 "
            f"(e.g. thousands instead of units) and run it again."
        )
    return out
