"""Figures for PLS path models: simple slopes of an interaction term.

Part of :mod:`cxresearch.plots` (``cx.plots.<name>``). Every function draws on ``ax`` (a new
figure when ``ax=None``) and returns the Axes; no titles, no ``plt.show()``;
matplotlib is imported inside the functions.
"""

from __future__ import annotations

from typing import Any

from ._common import axes_or_new as _axes

__all__ = ["plot_pls_ipma", "plot_pls_slopes"]


def plot_pls_slopes(result: Any, outcome: str, *, x: str, moderator: str, ax: Any = None) -> Any:
    """Simple-slope plot of a moderated PLS model: the outcome against ``x`` (in SDs),
    one line per moderator level (-1 SD, mean, +1 SD), as seminr's ``slope_analysis``.

    Parameters
    ----------
    result : cxresearch.latent.PLSResult
        A fit with the interaction term ``x:moderator``.
    outcome, x, moderator : str
        As in :meth:`cxresearch.latent.PLSResult.simple_slopes`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import cxresearch as cx
    >>> model = '''
    ...     IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
    ...     EXPE =~ CUEX1 + CUEX2 + CUEX3
    ...     SAT  =~ CUSA1 + CUSA2 + CUSA3
    ...     SAT ~ IMAG + EXPE + IMAG:EXPE
    ... '''
    >>> fit = cx.pls(cx.load_dataset("mobi"), model)
    >>> ax = cx.plots.plot_pls_slopes(fit, "SAT", x="IMAG", moderator="EXPE")
    >>> [line.get_label() for line in ax.get_lines()]
    ['EXPE at -1 SD', 'EXPE at the mean', 'EXPE at +1 SD']
    """
    table = result.simple_slopes(outcome, x=x, moderator=moderator)
    ax = _axes(ax, (6.0, 4.0))
    xs = [-1.0, 0.0, 1.0]
    styles = [("--", f"{moderator} at -1 SD"), ("-", f"{moderator} at the mean"),
              (":", f"{moderator} at +1 SD")]  # fmt: skip
    for (_, row), (style, label) in zip(table.iterrows(), styles, strict=True):
        ys = [row["at_x_minus_1"], row["at_x_0"], row["at_x_plus_1"]]
        ax.plot(xs, ys, linestyle=style, color="0.15", label=label)
    ax.set_xlabel(f"{x} (SD from its mean)")
    ax.set_ylabel(f"predicted {outcome} (SD)")
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_pls_ipma(result: Any, *, items: bool = False, ax: Any = None) -> Any:
    """The importance-performance map of a PLS model (Ringle & Sarstedt 2016).

    Importance (unstandardized total effect on the target) across, performance
    (0-100) up, one labelled point per construct (``items=True``: per item), and
    dashed lines at the mean importance and mean performance.

    Parameters
    ----------
    result : cxresearch.latent.PLSIPMAResult
        From :meth:`cxresearch.latent.PLSResult.ipma`.
    items : bool, default False
        Map the items instead of the constructs.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import cxresearch as cx
    >>> model = '''
    ...     COMP =~ comp_1 + comp_2 + comp_3
    ...     LIKE =~ like_1 + like_2 + like_3
    ...     CUSA =~ cusa
    ...     CUSL =~ cusl_1 + cusl_2 + cusl_3
    ...     CUSA ~ COMP + LIKE
    ...     CUSL ~ COMP + LIKE + CUSA
    ... '''
    >>> fit = cx.pls(cx.load_dataset("corp_rep_data"), model, missing="mean")
    >>> ax = cx.plots.plot_pls_ipma(fit.ipma("CUSL", scale=(1, 7)))
    >>> [t.get_text() for t in ax.texts]
    ['COMP', 'LIKE', 'CUSA']
    """
    table = result.items if items else result.table
    labels = table["item"] if items else table["construct"]
    ax = _axes(ax, (6.0, 4.5))
    ax.scatter(table["importance"], table["performance"], color="#2c7fb8", zorder=3)
    for label, xv, yv in zip(labels, table["importance"], table["performance"], strict=True):
        ax.annotate(str(label), (xv, yv), textcoords="offset points", xytext=(5, 4))
    ax.axvline(table["importance"].mean(), color="0.5", linestyle="--", linewidth=1)
    ax.axhline(table["performance"].mean(), color="0.5", linestyle="--", linewidth=1)
    ax.set_xlabel(f"importance (total effect on {result.outcome})")
    ax.set_ylabel("performance (0-100)")
    return ax
