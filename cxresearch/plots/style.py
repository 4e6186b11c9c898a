"""The course's figure style: one call at the top of a notebook.

A figure in the book is drawn into a column about 750 CSS pixels wide (and 360 on a
phone). A figure drawn wider than that is shrunk to fit, and its text with it: a 13-inch
figure's tick labels end up 7 pixels tall. The course therefore draws figures *for* the
column: at most :data:`MAX_WIDTH` inches wide at 100 dots per inch, with seaborn's
"notebook" text sizes (11-12 points), so at the column's width the text is at its
natural size; and it stores them as PNGs with twice the pixels (Jupyter's "retina"
format), so they stay sharp on a phone's screen and when zoomed.
"""

from __future__ import annotations

#: The widest figure the course draws, in inches (100 CSS pixels each): the book's column.
MAX_WIDTH = 8.0


def use_course_style() -> None:
    """Set the course's figure style for this session (matplotlib's global settings).

    seaborn's white grid, 100 dots per inch (an inch of figure is 100 CSS pixels on the
    page), a default size that fits the book's column, and, inside Jupyter, PNGs with twice
    the pixels. Call it once in a notebook's first cell, like ``sns.set_theme``; it changes
    matplotlib's settings for the rest of the session, nothing else.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> import cxresearch as cx
    >>> cx.plots.use_course_style()
    >>> mpl.rcParams["figure.dpi"], tuple(mpl.rcParams["figure.figsize"])
    (100.0, (6.4, 4.0))
    >>> mpl.rcParams["figure.figsize"][0] <= cx.plots.style.MAX_WIDTH
    True
    """
    import seaborn as sns

    sns.set_theme(
        style="whitegrid",
        context="notebook",
        rc={"figure.dpi": 100, "savefig.dpi": 100, "figure.figsize": (6.4, 4.0)},
    )
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")
