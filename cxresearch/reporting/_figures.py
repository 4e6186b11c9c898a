"""The report's figures: labels from the data drawn as plain text (never mathtext)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ._html import _FIGURE_STYLE
from ._text import plain as _plain


def dominance_figure(
    table: pd.DataFrame,
    r_squared: float,
    ci: float,
    labels: Mapping | None = None,
    lang: str = "en",
) -> Any:
    """The key-driver chart: each driver's contribution to R² (general dominance, the
    ``estimate`` column, which adds up to R²) as a bar with its bootstrap interval, and
    its share of R² (the ``share`` column, adding up to 100%) written at the bar.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"term": ["a", "b"], "estimate": [0.1, 0.3], "share": [0.25, 0.75]})
    >>> fig = dominance_figure(table, 0.4, 0.95, labels={"b": "Price"})
    >>> ax = fig.axes[0]
    >>> [float(round(p.get_width(), 2)) for p in ax.patches], [t.get_text() for t in ax.texts]
    ([0.1, 0.3], ['25%', '75%'])
    >>> ax.get_xlabel(), [t.get_text() for t in ax.get_yticklabels()]
    ('Contribution to R² = 0.400 (general dominance)', ['a', 'Price'])
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    labels = labels or {}
    ranked = table.sort_values("estimate")
    names = [str(labels.get(t, t)) for t in ranked["term"]]
    with plt.rc_context(_FIGURE_STYLE):
        fig, ax = plt.subplots(figsize=(7, 0.5 * len(ranked) + 1))
        ax.barh(names, ranked["estimate"], color="#4c72b0")
        label = _plain("dominance_axis", lang, r2=r_squared)
        if {"ci_low", "ci_high"} <= set(ranked.columns) and ranked["ci_low"].notna().all():
            ax.errorbar(
                ranked["estimate"],
                names,
                fmt="none",
                color="black",
                xerr=[
                    ranked["estimate"] - ranked["ci_low"],
                    ranked["ci_high"] - ranked["estimate"],
                ],
                capsize=3,
            )
            label += _plain("dominance_axis_ci", lang, ci=ci)
        shares = zip(ranked["estimate"], ranked["share"], strict=True)
        for y, (estimate, share) in enumerate(shares):
            ax.annotate(
                _plain("share", lang, share=share),
                (estimate, y),
                xytext=(4, 6),
                textcoords="offset points",
                fontsize=9,
            )
        ax.set_xlabel(label)
        ax.set_title(_plain("dominance_title", lang), fontsize=10, loc="left")
        ax.set_xlim(left=0)
    return fig


def groups_figure(counts: pd.Series, by: str, lang: str) -> Any:
    """Respondents per group: one horizontal bar per level, its count at the bar."""
    import matplotlib.pyplot as plt

    with plt.rc_context(_FIGURE_STYLE):
        fig, ax = plt.subplots(figsize=(6, 0.45 * len(counts) + 1))
        names = [str(x) for x in counts.index][::-1]
        values = counts.to_numpy()[::-1]
        ax.barh(names, values, color="#4c72b0")
        for y, n in enumerate(values):
            ax.annotate(
                _plain("count", lang, n=int(n)),
                (n, y),
                xytext=(4, -4),
                textcoords="offset points",
                fontsize=9,
            )
        ax.set_xlabel(_plain("respondents", lang))
        ax.set_title(by, fontsize=10, loc="left")
        ax.set_xlim(0, values.max() * 1.15)
    return fig


def ipa_figure(ipa: Any, labels: Mapping, lang: str) -> Any:
    """The importance-performance map with the drivers' labels and the quadrant names
    in ``lang`` (see :func:`cxresearch.plot_importance_performance`)."""
    import matplotlib.pyplot as plt

    from ..keydrivers import QUADRANTS
    from ..plots import plot_importance_performance

    table = ipa.table.assign(term=[str(labels.get(t, t)) for t in ipa.table["term"]])
    with plt.rc_context(_FIGURE_STYLE):
        fig, ax = plt.subplots(figsize=(6.5, 5))
        plot_importance_performance(table, ax=ax)
        names = {name: _plain(f"quadrant_{name}", lang) for name in QUADRANTS.values()}
        for label in ax.texts:
            if label.get_text() in names:
                label.set_text(names[label.get_text()])
        ax.set_xlabel(_plain("performance_axis", lang))
        ax.set_ylabel(_plain("importance_axis", lang))
    return fig


def nps_figure(data: Any, prep: Any, ci: float, lang: str) -> Any:
    """:func:`cxresearch.plot_nps` overall or by group, its words in ``lang``."""
    import re

    import matplotlib.pyplot as plt

    from ..plots import plot_nps

    with plt.rc_context(_FIGURE_STYLE):
        n_bars = 1 + (data[prep.by].nunique() if prep.by else 0)
        fig, ax = plt.subplots(figsize=(7, 0.6 * (n_bars + 2)))
        plot_nps(data, score=prep.nps, by=prep.by, weights=prep.weights, ci=ci,
                 missing="listwise", ax=ax)  # fmt: skip
        if lang != "en":
            words = {_plain(k, "en"): _plain(k, lang) for k in
                     ("nps_detractors", "nps_passives", "nps_promoters")}  # fmt: skip
            legend = ax.get_legend()
            for item in legend.get_texts() if legend else []:
                item.set_text(words.get(item.get_text(), item.get_text()))
            ax.set_xlabel(_plain("nps_axis", lang))
            label = re.compile(r"NPS ([+-]\d+)\n(\d+)% CI ([+-]\d+) to ([+-]\d+)")
            for item in ax.texts:
                m = label.fullmatch(item.get_text())
                if m:
                    item.set_text(_plain("nps_label", lang, nps=int(m[1]), level=int(m[2]),
                                         lo=int(m[3]), hi=int(m[4])))  # fmt: skip
    return fig
