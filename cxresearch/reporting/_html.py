"""The page's building blocks: text from the data escaped, tables, figures, JSON.

A survey file is untrusted input. Every string from it (the file's name, column and
scale names, variable and value labels, group levels) reaches the page only through
:func:`_fill` (the report's own HTML template, the data's values escaped) and
:func:`_table_html`; figures are embedded as SVG images (``<img>``, which runs no script
and fetches nothing) with their labels drawn as plain text, never parsed as mathtext.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import numbers
import string
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..tables import format_table

#: matplotlib settings of the report's figures: text from the data (a label holding
#: ``$...$``) is drawn as it is, never parsed as mathtext; SVG text stays text, so the
#: browser shapes Persian and Cyrillic labels (matplotlib itself does not join Arabic
#: letters) and finds a font for every glyph.
_FIGURE_STYLE = {
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "text.parse_math": False,
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans", "sans-serif"],
}

#: Digits and separators of the page's own numbers per language (tables keep ASCII, as
#: in ``report.json``).
_DIGITS = {
    "fa": str.maketrans("0123456789.,%-", "۰۱۲۳۴۵۶۷۸۹٫٬٪−"),
    "ru": str.maketrans(".,-", ",\u202f−"),
}


def _escape(value: Any) -> str:
    """Text from the data as literal HTML text (``& < > " '`` as character references).

    Examples
    --------
    >>> _escape("<img src=x onerror=alert(2)> & {{7*7}} ${7*7}")
    '&lt;img src=x onerror=alert(2)&gt; &amp; {{7*7}} ${7*7}'
    """
    return html.escape(str(value), quote=True)


class _Safe(str):
    """HTML the report made itself (a message already filled, its values escaped):
    :func:`_fill` puts it in as it is instead of escaping it again."""


class _Number(str):
    """A number already written as text (e.g. a p-value ``"< 0.001"``): :func:`_fill`
    escapes it and writes it with the digits of the page's language."""


def _inline(value: Any, sep: str = ", ") -> Any:
    """A value for :func:`_fill`: numbers as they are (for format specs such as ``:,``),
    :class:`_Safe` HTML as it is, a list or tuple as its items joined by ``sep``, any
    other text escaped and isolated in ``<bdi>`` (so a left-to-right label keeps its
    order on a right-to-left page, and the reverse)."""
    if isinstance(value, _Safe):
        return value
    if isinstance(value, _Number):
        return _Number(_escape(value))
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return value
    if isinstance(value, list | tuple):
        return _Safe(sep.join(str(_inline(x)) for x in value))
    return _Safe(f"<bdi>{_escape(value)}</bdi>")


class _Formatter(string.Formatter):
    """:meth:`str.format` whose numbers use the digits and separators of ``lang``."""

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self.digits = _DIGITS.get(lang)

    def format_field(self, value: Any, format_spec: str) -> str:
        text = format(value, format_spec)
        number = isinstance(value, numbers.Number) and not isinstance(value, bool)
        if self.digits and (number or isinstance(value, _Number)):
            text = text.translate(self.digits)
        return text


def _fill(template: str, /, lang: str = "en", **values: Any) -> str:
    """HTML from a trusted ``template`` and values that may come from the data.

    ``template`` is the report's own HTML with :meth:`str.format` fields; every value
    is escaped before it is put in (a list becomes its escaped items joined by commas;
    numbers keep their format spec and are written with the digits of ``lang``:
    Persian digits for ``"fa"``, a decimal comma for ``"ru"``), so a label such as
    ``<script>`` or ``{{7*7}}`` shows as those characters and does nothing.

    Examples
    --------
    >>> _fill("<b>{name}</b> on {n:,} respondents", name="<script>alert(1)</script>", n=1000)
    '<b><bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi></b> on 1,000 respondents'
    >>> _fill("drivers {d}", d=["a&b", "${7*7}"])
    'drivers <bdi>a&amp;b</bdi>, <bdi>${7*7}</bdi>'
    >>> _fill("{share:.0%} of {n:,}, p {p}", lang="fa", share=0.41, n=1200, p=_Number("< 0.001"))
    '۴۱٪ of ۱٬۲۰۰, p &lt; ۰٫۰۰۱'
    >>> _fill("R² = {r2:.2f}", lang="ru", r2=0.5)
    'R² = 0,50'
    """
    sep = "، " if lang == "fa" else ", "
    return _Formatter(lang).format(template, **{k: _inline(x, sep) for k, x in values.items()})


def _say(template: str, /, **values: Any) -> None:
    """Display :func:`_fill` ``(template, **values)`` as HTML (in the notebook)."""
    from IPython.display import HTML, display

    display(HTML(_fill(template, **values)))


def _cell(value: Any) -> Any:
    """A cell of a text column: numbers as they are (formatted later), missing as
    NaN, anything else as escaped text."""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return math.nan
    return _escape(value)


def _table_html(table: pd.DataFrame, precision: int = 3) -> str:
    """A table as HTML: every header and text cell escaped, numbers to ``precision``
    decimals, p-values as ``< 0.001`` below that, text left-aligned, no index, in a box
    that scrolls sideways on a narrow screen instead of widening the page.

    Examples
    --------
    >>> import pandas as pd
    >>> page = _table_html(pd.DataFrame({"<b>": ["<i>x</i>"], "n": [1.23456], "p_value": [1e-9]}))
    >>> "&lt;b&gt;" in page and "&lt;i&gt;x&lt;/i&gt;" in page and "1.235" in page
    True
    >>> "<i>" in page or "<b>" in page, "&lt; 0.001" in page
    (False, True)
    """
    shown = format_table(table.reset_index(drop=True), digits=precision)  # p: "< 0.001"
    text = [c for c in shown.columns if not pd.api.types.is_numeric_dtype(shown[c])]
    for col in text:
        shown[col] = shown[col].astype(object).map(_cell)
    shown.columns = [_escape(c) for c in shown.columns]
    style = shown.style.hide(axis="index").format(precision=precision, na_rep="")
    if text:
        left = [_escape(c) for c in text]
        style = style.set_properties(subset=left, **{"text-align": "left"})
    return f'<div class="cx-table">{style.to_html()}</div>'


def _figure_html(fig: Any, alt: str) -> str:
    """A matplotlib figure as an embedded SVG image with ``alt`` text (escaped); the
    figure is closed. An ``<img>`` runs no script and fetches nothing, whatever the
    labels drawn in it say.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("<script>")
    >>> page = _figure_html(fig, "a <b>chart</b>")
    >>> page.startswith('<figure class="cx-figure"><img src="data:image/svg+xml;base64,')
    True
    >>> 'alt="a &lt;b&gt;chart&lt;/b&gt;"' in page
    True
    """
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    with plt.rc_context(_FIGURE_STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure class="cx-figure"><img src="data:image/svg+xml;base64,{data}" '
        f'alt="{_escape(alt)}"></figure>'
    )


def _show(
    tables: dict,
    name: str,
    table: pd.DataFrame,
    note: str | None = None,
    /,
    *,
    rows: Any = None,
    **values: Any,
) -> None:
    """Keep ``table`` in ``tables`` (for ``report.json``) and display it, escaped.

    ``note`` is a trusted template shown above the table (see :func:`_fill`, with
    ``values``); ``rows`` a function of the table choosing the rows shown.
    """
    from IPython.display import HTML, display

    table = table.reset_index(drop=True)
    tables[name] = table
    if note:
        display(HTML(_fill(note, **values)))
    display(HTML(_table_html(table if rows is None else table[rows(table)])))


def _records(table: pd.DataFrame) -> list[dict]:
    """A table as JSON-ready rows: NaN and infinities as ``None``, NumPy scalars as
    Python numbers, keys as strings."""
    rows = []
    for row in table.astype(object).to_dict("records"):
        out = {}
        for key, value in row.items():
            value = value.item() if isinstance(value, np.generic) else value
            if value is None or value is pd.NA or value is pd.NaT:
                value = None
            elif isinstance(value, float) and not math.isfinite(value):
                value = None
            out[str(key)] = value
        rows.append(out)
    return rows


def _json_text(parameters: dict, tables: Mapping[str, pd.DataFrame]) -> str:
    """``report.json``: ``{"parameters": ..., "tables": {name: [row, ...]}}``, strict
    JSON (no NaN), every string from the data kept as a JSON string.

    Examples
    --------
    >>> import json
    >>> import pandas as pd
    >>> text = _json_text({"path": "s.sav"}, {"t": pd.DataFrame({"<x>": ['"}{{7*7}}']})})
    >>> json.loads(text)["tables"]["t"]
    [{'<x>': '"}{{7*7}}'}]
    """
    return json.dumps(
        {"parameters": parameters, "tables": {k: _records(t) for k, t in tables.items()}},
        indent=1,
        default=str,
        allow_nan=False,
    )
