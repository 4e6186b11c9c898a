"""Figures for driver models: interaction plot, Johnson-Neyman plot, IPA quadrants.

Part of :mod:`cxresearch.plots` (``cx.plots.<name>``). Every function draws on ``ax`` (a new
figure when ``ax=None``) and returns the Axes; no titles, no ``plt.show()``;
matplotlib is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import _validate as v
from ..keydrivers import QUADRANTS, IPAResult
from ..models import DriverResult, interaction_predictions, johnson_neyman, simple_slopes
from ._common import axes_or_new as _axes

__all__ = ["plot_importance_performance", "plot_interaction", "plot_johnson_neyman"]


def _fmt(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float | np.floating) else str(value)


def plot_interaction(
    result: DriverResult,
    *,
    focal: str,
    moderator: str,
    at: Sequence[Any] | None = None,
    ax: Any = None,
) -> Any:
    """Predicted outcome against a focal driver, one line per moderator value.

    Parameters
    ----------
    result : DriverResult
        An OLS, logit, probit or mixed model from :func:`cxresearch.fit_drivers` with a
        ``focal:moderator`` interaction.
    focal : str
        The numeric driver on the x axis (drawn over its observed range).
    moderator : str
        The moderator: one line per value in ``at``.
    at : sequence, optional
        Moderator values; default as in :func:`cxresearch.simple_slopes` (mean and
        +/- 1 SD, or every level).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        Lines of the predicted outcome (probability for logit and probit, the fixed part for a
        mixed model), other drivers at their mean or first level; non-parallel
        lines show the interaction (Aiken & West 1991). With the default ``at`` and a
        numeric moderator the legend (titled with the moderator) says which line is
        which: ``mean − 1 SD (−0.93)``, ``mean (0.17)``, ``mean + 1 SD (1.27)``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxresearch as cx
    >>> panel = cx.load_dataset("retail_panel")
    >>> fit = cx.fit_drivers(panel, "cx ~ crowding * age")
    >>> ax = plot_interaction(fit, focal="crowding", moderator="age")
    >>> [t.get_text().split(" (")[0] for t in ax.get_legend().get_texts()]
    ['mean − 1 SD', 'mean', 'mean + 1 SD']
    """
    table = interaction_predictions(result, focal=focal, moderator=moderator, at=at)
    ax = _axes(ax, (6.0, 4.0))
    values = list(dict.fromkeys(table["at"]))
    weights = None if result.weights is None else result.data[result.weights].to_numpy(float)
    names = _sd_names(result.data[moderator], values, weights) if at is None else None
    for k, (value, line) in enumerate(table.groupby("at", sort=False)):
        label = names[k] if names else f"{moderator} = {_fmt(value)}"
        ax.plot(line["focal_value"], line["prediction"], label=label)
    outcome = result.variables[0]
    ax.set_xlabel(focal)
    binary = result.family in ("logit", "probit")
    ax.set_ylabel(f"P({outcome} = 1)" if binary else f"predicted {outcome}")
    ax.legend(frameon=False, title=moderator if names else None)
    return ax


def _signed(value: float) -> str:
    """Two decimals with a true minus sign, as in a printed table."""
    return f"{value:.2f}".replace("-", "\N{MINUS SIGN}")


def _sd_names(
    moderator: pd.Series, values: list[Any], weights: np.ndarray | None = None
) -> list[str] | None:
    """Name the default moderator values: 'mean − 1 SD (−0.93)', 'mean (0.17)', ...

    None unless ``values`` are exactly the mean and mean +/- 1 SD of a numeric moderator
    (the default of :func:`cxresearch.simple_slopes`; weighted, as there, on a fit with
    survey weights).

    Examples
    --------
    >>> _sd_names(pd.Series([1.0, 2.0, 3.0]), [1.0, 2.0, 3.0])
    ['mean − 1 SD (1.00)', 'mean (2.00)', 'mean + 1 SD (3.00)']
    >>> _sd_names(pd.Series(["a", "b"]), ["a", "b"]) is None
    True
    """
    if not pd.api.types.is_numeric_dtype(moderator) or pd.api.types.is_bool_dtype(moderator):
        return None
    if weights is None:
        m, s = float(moderator.mean()), float(moderator.std(ddof=1))
    else:  # the weighted moments simple_slopes uses (numpy.cov with aweights)
        x = moderator.to_numpy(dtype=float)
        m, s = float(np.average(x, weights=weights)), float(np.sqrt(np.cov(x, aweights=weights)))
    if len(values) != 3 or not np.allclose(np.asarray(values, float), [m - s, m, m + s]):
        return None
    words = ["mean \N{MINUS SIGN} 1 SD", "mean", "mean + 1 SD"]
    return [f"{w} ({_signed(x)})" for w, x in zip(words, values, strict=True)]


def plot_johnson_neyman(
    result: DriverResult,
    *,
    focal: str,
    moderator: str,
    ci: float = 0.95,
    ax: Any = None,
) -> Any:
    """Johnson-Neyman plot: the focal driver's slope across a numeric moderator.

    Parameters
    ----------
    result : DriverResult
        A model from :func:`cxresearch.fit_drivers` with a ``focal:moderator``
        interaction.
    focal, moderator : str
        As in :func:`cxresearch.johnson_neyman`.
    ci : float, default 0.95
        Confidence level of the band; the slope is significant where it excludes 0.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The simple slope with its confidence band over the observed range of the
        moderator, the regions where it is significant shaded, the J-N bounds as
        dashed lines, and the observed moderator values as a rug.
    """
    jn = johnson_neyman(result, focal=focal, moderator=moderator, ci=ci)
    lo_obs, hi_obs = jn.observed_range
    grid = np.linspace(lo_obs, hi_obs, 101)
    slopes = simple_slopes(result, focal=focal, moderator=moderator, at=grid, ci=ci)
    ax = _axes(ax, (6.0, 4.0))
    ax.axhline(0, color="0.5", linewidth=0.8)
    for row in jn.table.itertuples(index=False):
        if row.significant:
            left, right = max(row.low, lo_obs), min(row.high, hi_obs)
            if left < right:
                ax.axvspan(left, right, color="#1e8449", alpha=0.12, linewidth=0)
    ax.fill_between(
        grid, slopes["ci_low"], slopes["ci_high"], color="#2c7fb8", alpha=0.25, linewidth=0
    )
    ax.plot(grid, slopes["estimate"], color="#2c7fb8", label=f"effect of {focal}")
    for bound in jn.bounds:
        if lo_obs <= bound <= hi_obs:
            ax.axvline(bound, color="0.2", linestyle="--", linewidth=1)
    mod = result.data[moderator].to_numpy(dtype=float)
    ax.plot(
        mod,
        np.zeros_like(mod),
        "|",
        color="0.3",
        alpha=0.3,
        markersize=6,
        transform=ax.get_xaxis_transform(),
    )
    ax.set_xlabel(moderator)
    ax.set_ylabel(f"effect of {focal} on {result.variables[0]}")
    return ax


def plot_importance_performance(result: IPAResult | pd.DataFrame, *, ax: Any = None) -> Any:
    """Importance-performance grid: one labelled point per attribute, in four quadrants.

    Parameters
    ----------
    result : IPAResult or pandas.DataFrame
        The output of :func:`cxresearch.importance_performance` (its cross-hairs
        ``importance_cut`` and ``performance_cut`` are drawn), or a table with the
        columns ``term, importance, performance`` (cross-hairs at the means).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        Performance on the x axis, importance on the y axis, the cross-hairs as
        dashed lines and the quadrant names in the corners (Martilla & James 1977):
        upper left "concentrate here", upper right "keep up the good work", lower
        left "low priority", lower right "possible overkill".
    """
    if isinstance(result, IPAResult):
        table, how = result.table, result.importance
    else:
        table, how = v.check_dataframe(result, "result"), None
    v.check_columns(table, ["term", "importance", "performance"], "result")
    ax = _axes(ax, (6.0, 5.0))
    imp = table["importance"].to_numpy(dtype=float)
    perf = table["performance"].to_numpy(dtype=float)
    if isinstance(result, IPAResult):
        cut_i, cut_p = result.importance_cut, result.performance_cut
    else:
        cut_i, cut_p = float(imp.mean()), float(perf.mean())
    ax.scatter(perf, imp, color="#2c7fb8", zorder=3)
    for term, xp, yi in zip(table["term"], perf, imp, strict=True):
        ax.annotate(str(term), (xp, yi), xytext=(4, 4), textcoords="offset points", fontsize=9)
    ax.axvline(cut_p, color="0.4", linestyle="--", linewidth=1)
    ax.axhline(cut_i, color="0.4", linestyle="--", linewidth=1)
    corners = {
        (True, False): (0.02, 0.98, "left", "top"),
        (True, True): (0.98, 0.98, "right", "top"),
        (False, False): (0.02, 0.02, "left", "bottom"),
        (False, True): (0.98, 0.02, "right", "bottom"),
    }
    for key, (xa, ya, ha, va) in corners.items():
        ax.text(
            xa, ya, QUADRANTS[key], transform=ax.transAxes, ha=ha, va=va, color="0.45", fontsize=9
        )
    span_p = max(perf.max() - perf.min(), 1e-9)
    span_i = max(imp.max() - imp.min(), 1e-9)
    ax.set_xlim(min(perf.min(), cut_p) - 0.25 * span_p, max(perf.max(), cut_p) + 0.25 * span_p)
    ax.set_ylim(min(imp.min(), cut_i) - 0.25 * span_i, max(imp.max(), cut_i) + 0.25 * span_i)
    ax.set_xlabel("performance (mean rating)")
    label = {
        "dominance": "share of R² (dominance)",
        "relative_weights": "share of R² (relative weights)",
        "correlation": "correlation with the outcome",
    }
    ax.set_ylabel("importance: " + label.get(how, "derived importance"))
    return ax
