"""Figures for CX measurement: NPS bars, diverging Likert charts, item correlations.

Every function draws on ``ax`` (a new figure when ``ax=None``) and returns the
Axes. No titles (the caption is the notebook's job) and no ``plt.show()``.
matplotlib and seaborn are imported inside the functions, so ``import
cxresearch`` stays cheap.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import _validate as v
from ..metrics import likert_table, nps
from ._common import axes_or_new as _axes

__all__ = ["plot_item_correlations", "plot_likert", "plot_nps"]

_DETRACTOR, _PASSIVE, _PROMOTER = "#c0392b", "#bdbdbd", "#1e8449"


def _group_labels(res: pd.DataFrame, by_cols: list[Hashable]) -> list[str]:
    if not by_cols:
        return ["All answers"]
    return [", ".join(str(val) for val in row) for row in res[by_cols].itertuples(index=False)]


def plot_nps(
    data: pd.DataFrame,
    *,
    score: Hashable = "likelihood_to_recommend",
    by: Hashable | Sequence[Hashable] | None = None,
    weights: Hashable | None = None,
    ci: float = 0.95,
    missing: str = "raise",
    ax: Any = None,
) -> Any:
    """Stacked bars of detractors, passives and promoters per group, with the NPS.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    score, by, weights, ci, missing
        As in :func:`cxresearch.nps` (Wald interval).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal bar per group (first group on top), split into the percent
        of detractors (0-6), passives (7-8) and promoters (9-10); the NPS and its
        confidence interval are written to the right of each bar.

    Notes
    -----
    NPS = % promoters - % detractors: the length of the green part minus the
    length of the red part (Reichheld 2003).

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business
    Review*, 81(12), 46-54.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame(
    ...     {
    ...         "store": ["A"] * 5 + ["B"] * 5,
    ...         "likelihood_to_recommend": [10, 9, 7, 3, 9, 6, 8, 9, 2, 5],
    ...     }
    ... )
    >>> ax = cx.plot_nps(answers, by="store")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['A', 'B']
    """
    res = nps(data, score=score, by=by, weights=weights, ci=ci, missing=missing)
    by_cols = v.as_column_list(by, "by")
    labels = _group_labels(res, by_cols)
    ax = _axes(ax, (7.5, 0.6 * len(res) + 1.4))
    y = np.arange(len(res))
    det, pas, pro = (res[c].to_numpy() for c in ("pct_detractors", "pct_passives", "pct_promoters"))
    ax.barh(y, det, color=_DETRACTOR, label="Detractors (0-6)")
    ax.barh(y, pas, left=det, color=_PASSIVE, label="Passives (7-8)")
    ax.barh(y, pro, left=det + pas, color=_PROMOTER, label="Promoters (9-10)")
    level = round(100 * ci)
    for yi, row in zip(y, res.itertuples(index=False), strict=True):
        ax.text(
            102,
            yi,
            f"NPS {row.nps:+.0f}\n{level}% CI {row.ci_low:+.0f} to {row.ci_high:+.0f}",
            va="center",
            ha="left",
            fontsize=9,
            clip_on=False,
        )
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of answers (%)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize=9)
    return ax


def plot_likert(
    data: pd.DataFrame,
    *,
    items: Sequence[Hashable],
    scale: tuple[int, int] = (1, 5),
    labels: Sequence[str] | Mapping[int, str] | None = None,
    weights: Hashable | None = None,
    missing: str = "raise",
    ax: Any = None,
) -> Any:
    """Diverging stacked bars of Likert answers, one bar per item.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent, one column per item.
    items : list of str
        Item columns on ``scale``.
    scale : (int, int), default (1, 5)
        Lowest and highest answer (low = disagree).
    labels : list of str or dict, optional
        Wording of each answer for the legend; default the answer codes.
    weights, missing
        As in :func:`cxresearch.likert_table`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        Answers below the middle of the scale extend to the left of 0, answers above
        it to the right; a middle answer (odd scales) is split evenly across 0. The
        x axis shows percent of answers.

    Notes
    -----
    Centering on the neutral point lets the eye compare agreement across items
    (Robbins & Heiberger 2011).

    References
    ----------
    Robbins, N. B., & Heiberger, R. M. (2011). Plotting Likert and other rating
    scales. *Proceedings of the 2011 Joint Statistical Meetings*, 1058-1066.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame({"q1": [1, 2, 3, 4, 5, 5], "q2": [2, 2, 3, 4, 4, 1]})
    >>> ax = cx.plot_likert(answers, items=["q1", "q2"])
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['q1', 'q2']
    """
    import seaborn as sns

    tab = likert_table(
        data, items=items, scale=scale, labels=labels, weights=weights, missing=missing
    )
    low, high = scale
    answers = list(range(low, high + 1))
    k = len(answers)
    item_list = list(dict.fromkeys(tab["item"]))
    shares = (
        tab.pivot(index="item", columns="answer", values="pct").loc[item_list, answers].to_numpy()
    )
    names = (
        list(dict.fromkeys(tab["label"])) if "label" in tab.columns else [str(a) for a in answers]
    )
    colors = sns.color_palette("RdBu", k)
    if k % 2:  # a visible grey for the neutral answer
        colors[k // 2] = (0.8, 0.8, 0.8)
    ax = _axes(ax, (7.5, 0.5 * len(item_list) + 1.6))
    y = np.arange(len(item_list))
    middle = (k - 1) / 2  # index of the neutral answer when k is odd
    neg_idx = [i for i in range(k) if i < middle]
    # left side: start at 0 (minus half the neutral share) and stack outwards
    left_edge = -shares[:, k // 2] / 2 if k % 2 else np.zeros(len(y))
    if k % 2:
        i = k // 2
        ax.barh(y, shares[:, i], left=left_edge, color=colors[i], label=names[i])
    pos = left_edge.copy()
    for i in reversed(neg_idx):
        pos = pos - shares[:, i]
        ax.barh(y, shares[:, i], left=pos, color=colors[i], label=names[i])
    pos = -left_edge.copy()
    for i in range(k // 2 + k % 2, k):
        ax.barh(y, shares[:, i], left=pos, color=colors[i], label=names[i])
        pos = pos + shares[:, i]
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [str(i) for i in item_list])
    ax.invert_yaxis()
    lim = max(
        float(np.max(np.sum(shares[:, : k // 2 + k % 2], axis=1))),
        float(np.max(np.sum(shares[:, k // 2 :], axis=1))),
    )
    ax.set_xlim(-lim - 5, lim + 5)
    ticks = ax.get_xticks()
    ax.set_xticks(ticks, [f"{abs(t):.0f}" for t in ticks])
    ax.set_xlim(-lim - 5, lim + 5)
    ax.set_xlabel("Share of answers (%)")
    handles, hlabels = ax.get_legend_handles_labels()
    order = [hlabels.index(name) for name in names]
    ax.legend(
        [handles[i] for i in order],
        [hlabels[i] for i in order],
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=min(k, 5),
        frameon=False,
        fontsize=9,
    )
    return ax


def plot_item_correlations(
    data: pd.DataFrame,
    *,
    items: Sequence[Hashable] | None = None,
    constructs: Mapping[Hashable, Sequence[Hashable]] | None = None,
    annot: bool = True,
    missing: str = "raise",
    ax: Any = None,
) -> Any:
    """Heat map of the correlations between items, grouped by construct.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    items : list of str, optional
        Item columns. Default: the items of ``constructs``, else every column.
    constructs : dict, optional
        ``{construct: [items]}``; items are ordered by construct and the blocks are
        outlined, so within-construct correlations (which should be high) sit in
        the squares on the diagonal.
    annot : bool, default True
        Write the correlations (2 decimals) in the cells.
    missing : {"raise", "listwise"}, default "raise"
        Missing answers raise ``ValueError`` unless ``missing="listwise"`` (the
        incomplete rows are dropped).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The heat map (Pearson correlations, colour scale -1 to 1).

    Notes
    -----
    Items of one construct should correlate more with each other than with the
    items of other constructs; HTMT (Henseler, Ringle & Sarstedt 2015) condenses
    this picture into one number per pair of constructs.

    References
    ----------
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for
    assessing discriminant validity in variance-based structural equation modeling.
    *Journal of the Academy of Marketing Science*, 43(1), 115-135.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame(
    ...     {
    ...         "a1": [1, 2, 3, 4, 5, 3],
    ...         "a2": [2, 2, 3, 5, 4, 3],
    ...         "b1": [3, 1, 2, 5, 4, 4],
    ...         "b2": [2, 1, 3, 4, 5, 5],
    ...     }
    ... )
    >>> ax = cx.plot_item_correlations(answers, constructs={"A": ["a1", "a2"], "B": ["b1", "b2"]})
    >>> len(ax.texts)
    16
    """
    import seaborn as sns
    from matplotlib.patches import Rectangle

    data = v.check_dataframe(data)
    blocks: list[int] = []
    if constructs is not None:
        if not isinstance(constructs, Mapping) or not constructs:
            raise TypeError("constructs must be a non-empty dict {construct: [items]}.")
        cols: list[Hashable] = []
        for name, its in constructs.items():
            got = v.check_columns(data, its, f"constructs[{name!r}]")
            cols += got
            blocks.append(len(got))
        if items is not None:
            raise ValueError("give items or constructs, not both.")
    else:
        cols = list(data.columns) if items is None else v.check_columns(data, items, "items")
    if len(cols) < 2:
        raise ValueError(f"items: at least two items are needed, got {len(cols)}.")
    v.check_numeric(data, cols, "items")
    clean, _ = v.drop_missing(data, cols, missing=missing, argument="items")
    corr = clean[cols].astype(float).corr()
    ax = _axes(ax, (0.55 * len(cols) + 2, 0.5 * len(cols) + 1.5))
    with warnings.catch_warnings():
        # seaborn 0.13 calls Colormap.set_bad, which matplotlib >= 3.11 flags as
        # pending deprecation; harmless, and not ours to fix.
        warnings.filterwarnings(
            "ignore", message="The set_bad function", category=PendingDeprecationWarning
        )
        sns.heatmap(
            corr,
            vmin=-1,
            vmax=1,
            center=0,
            cmap="vlag",
            annot=annot,
            fmt=".2f",
            annot_kws={"fontsize": "x-small"},
            square=True,
            linewidths=0.5,
            ax=ax,
            cbar_kws={"label": "Correlation", "shrink": 0.8},
        )
    edge = 0
    for size in blocks:
        ax.add_patch(
            Rectangle((edge, edge), size, size, fill=False, edgecolor="black", linewidth=1.5)
        )
        edge += size
    ax.set_xlabel("")
    ax.set_ylabel("")
    return ax
