"""Diagrams: the course's models drawn as boxes and arrows.

Part of :mod:`cxresearch.plots` (``cx.plots.<name>``). Every function draws on ``ax`` (a new
figure when ``ax=None``) and returns the Axes; no titles, no ``plt.show()``;
matplotlib is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _validate as v
from ._common import axes_or_new as _axes

__all__ = ["plot_communication_flow", "plot_retail_model"]

_BLUE, _CREAM, _GREEN = "#dbe9f6", "#f6e3c6", "#e4f2dc"
_EDGE, _MODERATION = "#4a6d8c", "#5a8a3c"
_BYPASS, _NOTE = "0.55", "0.4"

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


def plot_communication_flow(
    steps: Sequence[str],
    *,
    name: str | None = None,
    bypass: tuple[int, int] | None = None,
    bypass_label: str | None = None,
    ax: Any = None,
) -> Any:
    """How a message travels from a brand to customers: a row of boxes joined by arrows.

    Draws the linear model of communication (source, mass media, receiver) or the
    two-step flow of Katz & Lazarsfeld (1955), in which the media reach opinion leaders
    who pass the message on by word of mouth; ``bypass`` adds the route that skips a
    step (a dashed grey arc under the row). Stack two on one figure to compare models.

    Parameters
    ----------
    steps : sequence of str
        The box labels from the source to the last receiver, left to right (at least
        two; ``"\\n"`` breaks a label into lines).
    name : str, optional
        The model's name, in italics left of the row.
    bypass : (int, int), optional
        Positions in ``steps`` (from 0) of two boxes joined by a dashed arc below the
        row, from the first to the second: e.g. ``(1, 3)``, media straight to followers.
    bypass_label : str, optional
        Text under the arc (only with ``bypass``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new 9 x 1.7 inch figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The diagram (axis lines off, x from -0.25 to 1, y from 0 to 1): box *i* centred
        at ``(0.1 + 0.78 i / (k - 1), 0.62)`` for ``k`` steps, one arrow (an
        annotation without text) from each box to the next, then the bypass arc. Texts
        are 9 pt, the name 10 pt.

    Raises
    ------
    TypeError
        If ``steps`` is not a list of strings, ``bypass`` not a pair of integers, or
        ``ax`` not an Axes.
    ValueError
        If ``steps`` has fewer than two labels, ``bypass`` is not two different
        positions of ``steps``, or ``bypass_label`` is given without ``bypass``.

    References
    ----------
    Katz, E., & Lazarsfeld, P. F. (1955). *Personal influence: The part played by people
    in the flow of mass communications*. Free Press.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxresearch as cx
    >>> ax = cx.plot_communication_flow(
    ...     ["brand", "mass media", "opinion leaders", "followers"],
    ...     name="two-step flow",
    ...     bypass=(1, 3),
    ...     bypass_label="some customers hear it from the media directly",
    ... )
    >>> [t.get_text() for t in ax.texts if t.get_bbox_patch() is not None]
    ['brand', 'mass media', 'opinion leaders', 'followers']
    >>> sum(isinstance(t, matplotlib.text.Annotation) for t in ax.texts)  # 3 + the bypass
    4
    """
    if isinstance(steps, str) or not isinstance(steps, Sequence):
        raise TypeError(f"steps must be a list of strings, got {steps!r}.")
    not_text = [s for s in steps if not isinstance(s, str)]
    if not_text:
        raise TypeError(f"steps must hold strings, got {v.format_values(not_text)}.")
    if len(steps) < 2:
        raise ValueError(f"steps must name at least two boxes, got {list(steps)!r}.")
    if bypass is not None:
        bypass = tuple(v.check_int_list(bypass, "bypass", minimum=0))
        if len(bypass) != 2:
            raise ValueError(f"bypass must be two positions in steps, got {bypass!r}.")
        for position in bypass:
            v.check_integer(position, "bypass", low=0, high=len(steps) - 1)
    elif bypass_label is not None:
        raise ValueError("bypass_label needs bypass, the two boxes the arc joins.")
    ax = _axes(ax, (9, 1.7))
    box_style = {"boxstyle": "round,pad=0.4", "fc": _BLUE, "ec": _EDGE}
    arrow_style = {"arrowstyle": "-|>", "color": _EDGE, "shrinkA": 4, "shrinkB": 4}
    ax.set_xlim(-0.25, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    xs = np.linspace(0.1, 0.88, len(steps))
    boxes = [
        ax.text(x, 0.62, label, ha="center", va="center", fontsize=9, bbox=box_style)
        for x, label in zip(xs, steps, strict=True)
    ]
    for left, right in zip(boxes[:-1], boxes[1:], strict=True):
        ax.annotate(
            "",
            xy=(0, 0.5),
            xycoords=right,
            xytext=(1, 0.5),
            textcoords=left,
            arrowprops=arrow_style,
        )
    if name is not None:
        ax.text(-0.02, 0.62, name, ha="right", va="center", fontsize=10, style="italic")
    if bypass is not None:
        start, end = bypass
        dashed = {**arrow_style, "color": _BYPASS, "linestyle": "--"}
        ax.annotate(
            "",
            xy=(0.5, 0),
            xycoords=boxes[end],
            xytext=(0.5, 0),
            textcoords=boxes[start],
            arrowprops={**dashed, "connectionstyle": "arc3,rad=0.25"},
        )
        if bypass_label is not None:
            middle = (xs[start] + xs[end]) / 2
            ax.text(middle, 0.0, bypass_label, ha="center", fontsize=9, color=_NOTE)
    return ax
