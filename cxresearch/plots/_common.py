"""Helpers shared by the figure modules (private; the public figures are in ``plots``)."""

from __future__ import annotations

from typing import Any


def axes_or_new(ax: Any, size: tuple[float, float]) -> Any:
    """Return ``ax`` after checking it is a matplotlib Axes, or a new one of ``size`` inches.

    Examples
    --------
    >>> ax = axes_or_new(None, (4, 3))
    >>> tuple(ax.figure.get_size_inches())
    (np.float64(4.0), np.float64(3.0))
    >>> axes_or_new("left", (4, 3))
    Traceback (most recent call last):
    ...
    TypeError: ax must be a matplotlib Axes or None, got str.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=size)
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}.")
    return ax
