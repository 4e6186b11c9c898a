"""Diagrams: the course's models drawn as boxes and arrows.

Part of :mod:`cxresearch.plots` (``cx.plots.<name>``). Every function draws on ``ax`` (a new
figure when ``ax=None``) and returns the Axes; no titles, no ``plt.show()``;
matplotlib is imported inside the functions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import axes_or_new as _axes

__all__ = ["plot_retail_model"]

_BLUE, _CREAM, _GREEN = "#dbe9f6", "#f6e3c6", "#e4f2dc"
_EDGE, _MODERATION = "#4a6d8c", "#5a8a3c"

#: The seven determinants of Verhoef et al. (2009), top to bottom.
_DETERMINANT_LABELS = (
    "social environment\n(staff, other shoppers, crowding)",
    "service interface",
    "retail atmosphere",
    "assortment",
    "price and promotions",
    "alternative channels\n(online shop, app)",
    "retail brand",
)


def _box(ax: Any, x: float, y: float, text: str, width: float, height: float, color: str):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.05",
            fc=color,
            ec=_EDGE,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=9)


def _arrow(ax: Any, start, end, *, dashed: bool = False, color: str = _EDGE) -> None:
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=12,
            color=color,
            linestyle="--" if dashed else "-",
            lw=1.2,
        )
    )


def plot_retail_model(*, ax: Any = None) -> Any:
    """The retail customer experience model of Verhoef et al. (2009) as a diagram.

    Seven determinants the retailer (partly) controls point to the customer experience
    of a visit, CX(t); last visit's experience CX(t-1) carries over into it; situation
    and consumer moderators (dashed green arrows) change how strongly the determinants
    and the experience act; experience leads to satisfaction and on to loyalty, which a
    complaint and its recovery also move. It is the model that
    :func:`cxresearch.simulate_panel` simulates.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new 11 x 6.2 inch figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The diagram (axis lines off): 14 labelled boxes, their arrows, and the label
        "carryover" on the arrow from CX(t-1) to CX(t). Every text is 9 pt.

    References
    ----------
    Verhoef, P. C., Lemon, K. N., Parasuraman, A., Roggeveen, A., Tsiros, M., &
    Schlesinger, L. A. (2009). Customer experience creation: Determinants, dynamics
    and management strategies. *Journal of Retailing*, 85(1), 31-41.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cxresearch.plots import plot_retail_model
    >>> ax = plot_retail_model()
    >>> len(ax.texts), ax.texts[7].get_text()
    (15, 'customer experience\\nCX(t)')
    """
    ax = _axes(ax, (11, 6.2))
    ax.set_xlim(0, 11)
    ax.set_ylim(0, 7)
    ax.axis("off")
    ys = np.linspace(6.3, 1.3, len(_DETERMINANT_LABELS))
    for y, label in zip(ys, _DETERMINANT_LABELS, strict=True):
        _box(ax, 1.6, y, label, 2.9, 0.55, _BLUE)
        _arrow(ax, (3.1, y), (5.0, 3.8))
    _box(ax, 6.0, 3.8, "customer experience\nCX(t)", 1.9, 0.8, _CREAM)
    _box(ax, 6.0, 0.6, "previous experience CX(t-1)", 2.6, 0.48, _CREAM)
    _arrow(ax, (6.0, 0.9), (6.0, 3.35))
    situation = "situation moderators: store type, location,\nculture, season, economy, competition"
    _box(ax, 4.95, 6.5, situation, 3.5, 0.6, _GREEN)
    consumer = "consumer moderators: goal, task\norientation, age, gender, attitudes"
    _box(ax, 8.95, 6.5, consumer, 3.3, 0.6, _GREEN)
    _arrow(ax, (4.3, 6.15), (4.1, 4.6), dashed=True, color=_MODERATION)
    _arrow(ax, (8.2, 6.15), (4.4, 4.2), dashed=True, color=_MODERATION)
    _arrow(ax, (6.3, 6.15), (9.2, 3.0), dashed=True, color=_MODERATION)
    _box(ax, 9.3, 3.8, "satisfaction\n(vs expectation)", 1.9, 0.7, _BLUE)
    _arrow(ax, (6.95, 3.8), (8.3, 3.8))
    _box(ax, 9.3, 2.2, "loyalty: recommend, intend,\nreturn, spend", 2.6, 0.7, _BLUE)
    _arrow(ax, (9.3, 3.42), (9.3, 2.58))
    _box(ax, 9.3, 0.9, "complaint and recovery", 2.4, 0.48, _BLUE)
    _arrow(ax, (9.3, 1.15), (9.3, 1.85))
    ax.text(6.1, 2.1, "carryover", ha="left", fontsize=9, color=_EDGE)
    return ax
