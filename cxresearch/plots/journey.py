"""Figures for customer journeys: the journey map and funnel vs journey.

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
from ._common import axes_or_new as _axes

__all__ = ["plot_consideration", "plot_journey_map"]

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">")


def plot_journey_map(
    data: pd.DataFrame,
    *,
    step: Hashable = "step",
    feeling: Hashable = "feeling",
    stage: Hashable = "stage",
    channel: Hashable | None = "channel",
    touchpoint: Hashable | None = None,
    ax: Any = None,
) -> Any:
    """A journey map: the customer's feeling at each touchpoint, with stage bands.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per touchpoint of one journey.
    step : str, default "step"
        Numeric column giving the order (and x position) of the touchpoints; unique.
    feeling : str, default "feeling"
        Numeric column: how the customer feels at the touchpoint (e.g. -3 to +3).
    stage : str, default "stage"
        Stage of each touchpoint; each stage should be one consecutive run of steps.
        Stages are drawn as alternating shaded bands labelled at the top.
    channel : str or None, default "channel"
        Channel of each touchpoint, shown by the marker shape (with a legend).
    touchpoint : str, optional
        Touchpoint names, written as the x tick labels.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The emotion curve (a line through the touchpoints), one marker per touchpoint
        (one collection per channel), a dotted line at 0 when the feelings cross it,
        and one shaded band per stage.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from cxresearch.plots import plot_journey_map
    >>> journey = pd.DataFrame(
    ...     {
    ...         "step": [1, 2, 3, 4, 5],
    ...         "stage": ["pre_purchase"] * 2 + ["purchase"] + ["post_purchase"] * 2,
    ...         "channel": ["social", "web", "store", "phone", "app"],
    ...         "feeling": [1, 2, -1, -2, 2],
    ...     }
    ... )
    >>> ax = plot_journey_map(journey)
    >>> len(ax.collections)  # one marker set per channel
    5
    """
    data = v.check_dataframe(data)
    v.check_columns(data, step, "step")
    v.check_columns(data, feeling, "feeling")
    v.check_columns(data, stage, "stage")
    if channel is not None:
        v.check_columns(data, channel, "channel")
    if touchpoint is not None:
        v.check_columns(data, touchpoint, "touchpoint")
    v.check_numeric(data, [step, feeling], "data")
    v.check_no_missing(data, [step, feeling, stage], "data")
    if len(data) == 0:
        raise ValueError("data has no rows; at least one touchpoint is needed.")
    if data[step].duplicated().any():
        dup = data.loc[data[step].duplicated(), step].iloc[0]
        raise ValueError(
            f"step: value {dup!r} occurs more than once; a journey map shows one journey "
            f"with one touchpoint per step (average several customers first)."
        )
    ax = _axes(ax, (8, 4))
    d = data.sort_values(step, kind="stable")
    x = d[step].to_numpy(dtype=float)
    y = d[feeling].to_numpy(dtype=float)
    ax.plot(x, y, color="0.35", lw=1.5, zorder=2)
    if channel is None:
        ax.scatter(x, y, s=60, color="C0", zorder=3)
    else:
        chans = list(pd.unique(d[channel]))
        for i, ch in enumerate(chans):
            m = (d[channel] == ch).to_numpy()
            ax.scatter(
                x[m],
                y[m],
                s=70,
                marker=_MARKERS[i % len(_MARKERS)],
                color=f"C{i % 10}",
                label=str(ch),
                zorder=3,
            )
        ax.legend(title="Channel", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    if y.min() < 0 < y.max():
        ax.axhline(0, color="0.6", ls=":", lw=1, zorder=1)
    # stage bands: from half a step before the first touchpoint to half after the last
    gaps = np.diff(x)
    half = (gaps.min() if gaps.size else 1.0) / 2
    stages = d[stage].to_numpy()
    starts = np.flatnonzero(np.r_[True, stages[1:] != stages[:-1]])
    ends = np.r_[starts[1:], len(stages)] - 1
    from matplotlib.transforms import blended_transform_factory

    trans = blended_transform_factory(ax.transData, ax.transAxes)
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        lo, hi = x[a] - half, x[b] + half
        ax.axvspan(lo, hi, color="0.92" if k % 2 == 0 else "0.97", zorder=0, lw=0)
        label = str(stages[a]).replace("_", "-")
        ax.text((lo + hi) / 2, 0.98, label, transform=trans, ha="center", va="top", fontsize=9)
    ax.set_xlim(x[0] - half, x[-1] + half)
    pad = max(0.15 * (y.max() - y.min()), 0.5)
    ax.set_ylim(y.min() - pad, y.max() + 2 * pad)
    if touchpoint is not None:
        ax.set_xticks(x)
        ax.set_xticklabels([str(t) for t in d[touchpoint]], rotation=30, ha="right")
        ax.set_xlabel("Touchpoint")
    else:
        ax.set_xlabel("Step of the journey")
    ax.set_ylabel("Feeling")
    return ax


def plot_consideration(
    data: pd.DataFrame,
    *,
    step: Hashable = "step",
    size: Hashable = "mean_set_size",
    model: Hashable | None = "model",
    cycle: int | None = 1,
    reach: Hashable | None = "reach",
    ax: Any = None,
) -> Any:
    """Consideration-set size by step: the funnel shrinks, the journey need not.

    At the purchase step the mean is taken over the customers who still consider some
    brand (nobody buys from an empty set), so it can rise although no brand entered.
    Where fewer customers reach a step than started, the point is drawn hollow and the
    figure says what share reached it.

    Parameters
    ----------
    data : pandas.DataFrame
        The result of :func:`cxresearch.journey.funnel_vs_journey` (or of
        ``simulate_consideration``).
    step, size : str
        Columns with the step and the mean set size.
    model : str or None, default "model"
        Column whose values get one line each.
    cycle : int or None, default 1
        Which purchase cycle to draw (column ``cycle``); ``None`` draws all rows.
    reach : str or None, default "reach"
        Column with the share of customers who reach each step (used when present).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        One line (with markers) per model; hollow markers and a note where only part of
        the customers reached the step.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxresearch.journey as jr
    >>> from cxresearch.plots import plot_consideration
    >>> ax = plot_consideration(jr.funnel_vs_journey(n_customers=200, n_cycles=1, seed=1))
    >>> ax.get_legend_handles_labels()[1]
    ['funnel', 'journey']
    >>> any("reach the purchase" in t.get_text() for t in ax.texts)
    True
    """
    data = v.check_dataframe(data)
    v.check_columns(data, step, "step")
    v.check_columns(data, size, "size")
    if model is not None:
        v.check_columns(data, model, "model")
    if cycle is not None:
        v.check_columns(data, "cycle", "cycle")
        data = data[data["cycle"] == cycle]
        if len(data) == 0:
            raise ValueError(f"cycle: no rows with cycle == {cycle!r}.")
    ax = _axes(ax, (6, 4))
    groups = [(None, data)] if model is None else list(data.groupby(model, sort=False))
    use_reach = reach is not None and reach in data.columns
    for i, (name, rows) in enumerate(groups):
        (line,) = ax.plot(
            rows[step],
            rows[size],
            marker=_MARKERS[i % len(_MARKERS)],
            label=None if name is None else str(name),
        )
        if use_reach:
            _mark_partial_reach(ax, rows, step, size, reach, line, name)
    if model is not None:
        ax.legend(frameon=False, loc="lower left")
    ax.set_xlabel("Step (research steps, then purchase and post-purchase)")
    ax.set_ylabel("Brands in the consideration set (mean)")
    ax.set_ylim(bottom=0)
    return ax


def _mark_partial_reach(
    ax: Any, rows: pd.DataFrame, step: Hashable, size: Hashable, reach: Hashable, line: Any, name
) -> None:
    """Hollow markers where fewer than 99% reach a step; a note at the first such step.

    The note explains why the mean can rise: it is taken over those who reached the step.
    """
    partial = rows[rows[reach] < 0.99]
    if len(partial) == 0:
        return
    ax.scatter(  # a collection, not a line: ax.get_lines() stays one line per model
        partial[step],
        partial[size],
        marker=line.get_marker(),
        s=81,
        facecolors="white",
        edgecolors=line.get_color(),
        linewidths=1.2,
        zorder=line.get_zorder() + 1,
    )
    first = partial.iloc[0]
    who = "" if name is None else f"{name}: "
    ax.annotate(
        f"{who}only {100 * first[reach]:.0f}% reach the purchase\n"
        "(the others have no brand left);\nthe mean is over them",
        (first[step], first[size]),
        xytext=(-10, 28),
        textcoords="offset points",
        ha="right",
        fontsize=9,
        color=line.get_color(),
        arrowprops={"arrowstyle": "->", "color": line.get_color(), "lw": 0.8},
    )
