"""Small numerical helpers shared by the cxresearch modules (private).

Survey weights of 1e308 or item scores of 1e200 overflow when they are summed or
squared, and the statistics built from them (shares, correlations, alpha) come out
NaN. A statistic that a common rescaling leaves unchanged is computed on the values
divided by a power of two near their largest magnitude: that division is exact in
floating point, so ordinary input gives bit-for-bit the same numbers as before.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pow2_rescale"]


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
