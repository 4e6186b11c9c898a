"""Figures for customer value: pyramid, profit concentration, product life cycle.

Every function draws on ``ax`` (a new figure when ``ax=None``) and returns the
Axes. No titles and no ``plt.show()``; matplotlib is imported inside the functions.
Part of :mod:`cxresearch.plots` (``cx.plots.<name>``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from .. import _validate as v
from ..value import profit_concentration
from ._common import axes_or_new as _axes

__all__ = ["plot_life_cycle", "plot_profit_concentration", "plot_pyramid"]


def plot_profit_concentration(
    data: pd.DataFrame, *, profit: Hashable = "profit", ax: Any = None
) -> Any:
    """Cumulative share of profit against share of customers, most profitable first.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer.
    profit : str, default "profit"
        Column with each customer's profit (total must be positive).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The curve of :func:`cxresearch.value.profit_concentration` in percent (first
        line, starting at the origin), the line of equal shares (second, dashed) and
        a dotted line at 100% of profit. A curve above 100% is a "whale curve": the
        least profitable customers destroy part of the profit the others make.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from cxresearch.plots import plot_profit_concentration
    >>> ax = plot_profit_concentration(pd.DataFrame({"profit": [10, 60, -10, 30, 10]}))
    >>> round(float(ax.get_lines()[0].get_ydata().max()), 6)
    110.0
    """
    curve = profit_concentration(data, profit=profit)
    ax = _axes(ax, (5, 4.5))
    x = np.r_[0.0, curve["share_of_customers"].to_numpy()] * 100
    y = np.r_[0.0, curve["share_of_profit"].to_numpy()] * 100
    ax.plot(x, y, color="C0", lw=2, label="Customers, most profitable first")
    ax.plot([0, 100], [0, 100], color="0.5", ls="--", lw=1, label="Equal shares")
    ax.axhline(100, color="0.5", ls=":", lw=1)
    ax.set_xlim(0, 100)
    ax.set_ylim(min(0.0, y.min()) - 2, max(105.0, y.max() + 5))
    ax.set_xlabel("Share of customers (%)")
    ax.set_ylabel("Cumulative share of profit (%)")
    ax.legend(frameon=False, loc="lower right")
    return ax


def plot_pyramid(pyramid: pd.DataFrame, *, ax: Any = None) -> Any:
    """The customer pyramid: each tier's share of customers against its share of profit.

    Parameters
    ----------
    pyramid : pandas.DataFrame
        The result of :func:`cxresearch.value.customer_pyramid` (columns ``tier``,
        ``share_of_customers``, ``share_of_profit``), top tier first.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        Two horizontal bars per tier, top tier on top: the percent of customers in
        the tier (grey, upper) and its percent of profit (green, lower; to the left
        of zero for loss-making tiers). The first ``n_tiers`` patches are the
        customer bars, the next ``n_tiers`` the profit bars.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import cxresearch.value as cv
    >>> from cxresearch.plots import plot_pyramid
    >>> customers = pd.DataFrame({"profit": [500, -20, 40, 120, 10, 60, 5, 300, -5, 20]})
    >>> table = cv.customer_pyramid(
    ...     customers, tiers=["gold", "silver", "lead"], cuts=[0.2, 0.5, 0.3]
    ... )
    >>> ax = plot_pyramid(table)
    >>> [round(float(p.get_width()), 1) for p in ax.patches]
    [20.0, 50.0, 30.0, 77.7, 24.3, -1.9]
    """
    pyramid = v.check_dataframe(pyramid, "pyramid")
    v.check_columns(pyramid, ["tier", "share_of_customers", "share_of_profit"], "pyramid")
    v.check_numeric(pyramid, ["share_of_customers", "share_of_profit"], "pyramid")
    if len(pyramid) == 0:
        raise ValueError("pyramid has no rows.")
    ax = _axes(ax, (7, 0.6 * len(pyramid) + 1.5))
    k = len(pyramid)
    ypos = np.arange(k)[::-1]  # top tier on top
    cust = pyramid["share_of_customers"].to_numpy(dtype=float) * 100
    prof = pyramid["share_of_profit"].to_numpy(dtype=float) * 100
    h = 0.38
    ax.barh(ypos + h / 2, cust, height=h, color="0.6", label="Share of customers")
    ax.barh(ypos - h / 2, prof, height=h, color="C2", label="Share of profit")
    for y, c, p in zip(ypos, cust, prof, strict=True):
        ax.text(c + 1, y + h / 2, f"{c:.0f}%", ha="left", va="center", fontsize=9)
        ax.text(
            p + 1 if p >= 0 else p - 1,
            y - h / 2,
            f"{p:.0f}%",
            ha="left" if p >= 0 else "right",
            va="center",
            fontsize=9,
        )
    ax.axvline(0, color="0.2", lw=1)
    ax.set_yticks(ypos)
    ax.set_yticklabels([str(t) for t in pyramid["tier"]])
    low = min(prof.min(), 0.0)
    high = max(cust.max(), prof.max())
    span = high - low
    ax.set_xlim(low - (0.15 * span if low < 0 else 0), high + 0.15 * span)
    ax.set_xlabel("Percent")
    ax.legend(frameon=False, loc="lower right")
    return ax


def plot_life_cycle(
    data: pd.DataFrame,
    *,
    period: Hashable = "period",
    stage: Hashable = "stage",
    sales: Hashable = "sales",
    profit: Hashable | None = "profit",
    ax: Any = None,
) -> Any:
    """The product life cycle: units sold and profit over time, with the stages as bands.

    Units and money are different quantities, so each gets its own y axis: units sold
    on the left (blue), profit on the right (red), with the two zero lines aligned.
    Periods are whole numbers and are ticked as such.

    Parameters
    ----------
    data : pandas.DataFrame
        The result of :func:`cxresearch.value.product_life_cycle` (or any table with
        one row per period).
    period, stage, sales : str
        Column names; the stages should each be one run of consecutive periods.
    profit : str or None, default "profit"
        Column with profit per period; ``None`` draws sales only (one axis).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The units axis: the sales line, a line at zero and one labelled band per stage.
        The profit line is on a twin axis sharing x (``ax.get_shared_x_axes()``); the
        legend lists both lines.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxresearch.value as cv
    >>> from cxresearch.plots import plot_life_cycle
    >>> ax = plot_life_cycle(cv.product_life_cycle())
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['Units sold (left axis)', 'Profit (right axis)']
    >>> all(float(t).is_integer() for t in ax.get_xticks())
    True
    """
    data = v.check_dataframe(data)
    cols = [period, stage, sales, *([profit] if profit is not None else [])]
    for arg, col in zip(("period", "stage", "sales", "profit"), cols, strict=False):
        v.check_columns(data, col, arg)
    v.check_numeric(data, [c for c in cols if c != stage], "data")
    v.check_no_missing(data, cols, "data")
    if len(data) == 0:
        raise ValueError("data has no rows.")
    from matplotlib.ticker import MaxNLocator

    ax = _axes(ax, (8, 4))
    d = data.sort_values(period, kind="stable")
    x = d[period].to_numpy(dtype=float)
    lines = ax.plot(x, d[sales], color="C0", lw=2, label="Units sold (left axis)")
    ax.axhline(0, color="0.4", lw=0.8)
    _stage_bands(ax, x, d[stage].to_numpy())
    ax.set_xlim(x[0] - 0.5, x[-1] + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Period")
    ax.set_ylabel("Units sold per period", color="C0")
    if profit is not None:
        right = ax.twinx()
        lines += right.plot(x, d[profit], color="C3", lw=2, label="Profit (right axis)")
        right.set_ylabel("Profit per period (money)", color="C3")
        right.grid(False)
        _align_zero(ax, right, d[sales].to_numpy(float), d[profit].to_numpy(float))
        if d[sales].min() >= 0:  # no negative units: tick the units axis from zero up
            ax.set_yticks([t for t in ax.get_yticks() if 0 <= t <= ax.get_ylim()[1]])
    else:
        lo_y, hi_y = ax.get_ylim()
        ax.set_ylim(lo_y, hi_y + 0.15 * (hi_y - lo_y))
    ax.legend(lines, [line.get_label() for line in lines], frameon=False, loc="lower center")
    return ax


def _stage_bands(ax: Any, x: np.ndarray, stages: np.ndarray) -> None:
    """Shade each run of one stage and write its name at the top, alternating heights."""
    from matplotlib.transforms import blended_transform_factory

    trans = blended_transform_factory(ax.transData, ax.transAxes)
    starts = np.flatnonzero(np.r_[True, stages[1:] != stages[:-1]])
    ends = np.r_[starts[1:], len(stages)] - 1
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        lo, hi = x[a] - 0.5, x[b] + 0.5
        ax.axvspan(lo, hi, color="0.92" if k % 2 == 0 else "0.97", zorder=0, lw=0)
        ax.text(
            (lo + hi) / 2,
            0.98 if k % 2 == 0 else 0.91,
            str(stages[a]),
            transform=trans,
            ha="center",
            va="top",
            fontsize=9,
        )


def _align_zero(left: Any, right: Any, a: np.ndarray, b: np.ndarray) -> None:
    """Set both y ranges so that 0 sits at the same height, with room for the stage names.

    The fraction of each axis below zero is the larger of the two series' fractions.
    """

    def span(values: np.ndarray) -> tuple[float, float]:
        lo, hi = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
        pad = 0.05 * (hi - lo or 1.0)
        return lo - (pad if lo < 0 else 0.0), hi + pad

    (alo, ahi), (blo, bhi) = span(a), span(b)
    below = max(-alo / (ahi - alo), -blo / (bhi - blo))  # share of the height below zero
    top = 1.0 / 0.85  # 15% headroom for the stage names
    for axis, hi in ((left, ahi), (right, bhi)):
        # hi / (1 - below) is the full height when zero sits at `below`
        height = hi / (1.0 - below)
        axis.set_ylim(-below * height, -below * height + height * top)
