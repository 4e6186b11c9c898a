"""The base of every result object the package returns.

A function with more than one table to return (or a table plus numbers such as
``n_dropped``, ``r_squared`` or the Johnson-Neyman bounds) returns a small frozen
dataclass derived from :class:`Result`. Every result reads the same way, as a
statsmodels result does:

- ``.table`` is the tidy DataFrame, the other fields are attributes;
- ``summary()`` is a compact block (what was fitted, n, the key statistics, the main
  table with p-values as journals print them), shown as text or, in Jupyter, as HTML
  with every string escaped;
- ``repr`` stays a few lines long whatever the size of the table;
- ``to_dict()`` gives plain Python (lists, dicts, numbers, strings) ready for
  ``json.dumps``, for export.

Nothing is kept in ``DataFrame.attrs`` (pandas calls it experimental, and a CSV round
trip loses it).

To add one::

    @dataclasses.dataclass(frozen=True, repr=False, eq=False)
    class SlopeResult(Result):
        \"\"\"What :func:`simple_slopes` returns. (document every field)\"\"\"

        _title = "Simple slopes"
        ci: float
        n: int

A subclass may override ``_summary_facts`` (the labelled numbers at the top of the
summary) and ``_summary_tables`` (the tables below them); the defaults are the scalar
fields and ``.table``. A field that is not a result (the data a model was fitted to, a
statsmodels object) is declared with ``metadata={"export": False}`` and is left out of
``to_dict()``.
"""

from __future__ import annotations

import dataclasses
import html
import math
from typing import Any, ClassVar

import numpy as np
import pandas as pd

__all__ = ["Result", "Summary"]

REPR_ROWS = 8  # table rows a repr shows
SUMMARY_ROWS = 60  # table rows a summary shows (the rest are counted)
_SCALAR_TYPES = (int, float, str, bool, np.integer, np.floating, np.bool_)


def _short(value: Any, width: int = 100) -> str:
    """A value in a few characters: numbers to 4 significant digits, long text cut."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value):
            return "NA"
        if value != 0 and abs(value) < 1e-12:
            return "< 1e-12" if value > 0 else "> -1e-12"  # never print rounding residue
        return f"{value:,.1f}" if abs(value) >= 1000 else f"{value:.4g}"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}" if abs(int(value)) >= 10_000 else str(int(value))
    if isinstance(value, tuple | list):
        inner = ", ".join(_short(x, width) for x in value[:6])
        more = ", ..." if len(value) > 6 else ""
        text = f"({inner}{more})"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {_short(x, width)}" for k, x in list(value.items())[:4])
        text += ", ...}" if len(value) > 4 else "}"
    else:
        text = str(value)
    text = " ".join(text.split())  # one line
    return text if len(text) <= width else text[: width - 1] + "…"


def _label(name: str) -> str:
    return name.replace("_", " ")


def _exportable(value: Any) -> Any:
    """``value`` as plain Python for JSON: tables as lists of records, NaN as None."""
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, pd.DataFrame):
        frame = value if isinstance(value.index, pd.RangeIndex) else value.reset_index()
        frame = frame.rename(columns=str)
        return [{k: _exportable(x) for k, x in row.items()} for row in frame.to_dict("records")]
    if isinstance(value, pd.Series):
        return {str(k): _exportable(x) for k, x in value.items()}
    if isinstance(value, dict):
        return {str(k): _exportable(x) for k, x in value.items()}
    if isinstance(value, tuple | list | np.ndarray):
        return [_exportable(x) for x in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


@dataclasses.dataclass(frozen=True)
class Summary:
    """What ``Result.summary()`` returns: shown as text, or as HTML in Jupyter.

    Attributes
    ----------
    title : str
        What was fitted or computed.
    facts : tuple of (label, text) pairs
        The key numbers, already formatted.
    tables : tuple of (caption, DataFrame) pairs
        The tables, formatted for reading (:func:`cxresearch.format_table`).
    """

    title: str
    facts: tuple
    tables: tuple

    def _table_text(self, table: pd.DataFrame) -> str:
        shown = table.head(SUMMARY_ROWS)
        text = shown.to_string(index=not isinstance(table.index, pd.RangeIndex))
        if len(table) > SUMMARY_ROWS:
            text += f"\n... {len(table) - SUMMARY_ROWS} more rows (see .table)"
        return text

    def _fact_rows(self, width: int) -> list[str]:
        """The facts two to a line, each half ``label: value`` (a long value alone)."""
        half = width // 2
        label_width = max([len(label) for label, _ in self.facts] + [0]) + 2
        cells = []
        for label, text in self.facts:
            cell = f"{label + ':':<{label_width}}{text}"
            cells.append((cell, len(cell) >= half))
        rows, pending = [], None
        for cell, wide in cells:
            if wide:
                if pending is not None:
                    rows.append(pending)
                    pending = None
                rows.append(cell if len(cell) <= width else cell[: width - 1] + "…")
            elif pending is None:
                pending = cell
            else:
                rows.append(pending.ljust(half) + cell)
                pending = None
        if pending is not None:
            rows.append(pending)
        return rows

    def as_text(self) -> str:
        """The summary as a block of text."""
        bodies = [(caption, self._table_text(t)) for caption, t in self.tables]
        width = max([60, len(self.title)] + [len(ln) for _, b in bodies for ln in b.splitlines()])
        width = min(width, 120)
        lines = [self.title.center(width), "=" * width, *self._fact_rows(width)]
        for caption, body in bodies:
            lines += ["=" * width if not caption else f"--- {caption} ".ljust(width, "-"), body]
        lines.append("=" * width)
        return "\n".join(line.rstrip() for line in lines)

    def as_html(self) -> str:
        """The summary as an HTML fragment (every string escaped)."""
        esc = html.escape
        facts = "".join(
            f"<tr><th style='text-align:left'>{esc(label)}</th><td>{esc(text)}</td></tr>"
            for label, text in self.facts
        )
        parts = [f"<div class='cx-summary'><strong>{esc(self.title)}</strong>"]
        parts.append(f"<table>{facts}</table>")
        for caption, table in self.tables:
            if caption:
                parts.append(f"<p><em>{esc(caption)}</em></p>")
            shown = table.head(SUMMARY_ROWS)
            parts.append(
                shown.to_html(escape=True, index=not isinstance(table.index, pd.RangeIndex))
            )
            if len(table) > SUMMARY_ROWS:
                parts.append(f"<p>... {len(table) - SUMMARY_ROWS} more rows (see .table)</p>")
        parts.append("</div>")
        return "".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Result:
    """A tidy table plus the numbers that describe it.

    Attributes
    ----------
    table : pandas.DataFrame
        The tidy result, one row per estimate.
    """

    _title: ClassVar[str] = ""
    table: pd.DataFrame

    def _scalars(self) -> dict[str, Any]:
        """The fields that are single values (numbers, strings, short tuples)."""
        out = {}
        for field in dataclasses.fields(self):
            if field.name == "table" or not field.repr:
                continue
            value = getattr(self, field.name)
            if isinstance(value, _SCALAR_TYPES) or value is None:
                out[field.name] = value
            elif isinstance(value, tuple) and all(isinstance(x, _SCALAR_TYPES) for x in value):
                out[field.name] = value
        return out

    def _summary_title(self) -> str:
        return self._title or type(self).__name__

    def _summary_facts(self) -> list[tuple[str, Any]]:
        """The labelled numbers at the top of the summary."""
        return [(_label(k), val) for k, val in self._scalars().items() if val not in (None, "", ())]

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The tables of the summary, main table first."""
        return [("", self.table)]

    def summary(self) -> Summary:
        """A compact summary: what was computed, the key numbers and the main table.

        Printed as text (``print(result.summary())``) or shown as HTML in Jupyter.
        Numbers are rounded and p-values printed as ``"< 0.001"`` below 0.001, so the
        summary reads the same on every machine.
        """
        from .tables import format_table

        facts = tuple((label, _short(val)) for label, val in self._summary_facts())
        tables = tuple((caption, format_table(t)) for caption, t in self._summary_tables())
        return Summary(title=self._summary_title(), facts=facts, tables=tables)

    def __repr__(self) -> str:
        items = [(k, val) for k, val in self._scalars().items() if val is not None]
        head = ", ".join(
            f"{k}={_short(val, 60)!r}" if isinstance(val, str) else f"{k}={_short(val, 40)}"
            for k, val in items[:8]
        )
        if len(items) > 8:
            head += ", ..."
        from .tables import format_table

        table = self.table
        shown = format_table(table.head(REPR_ROWS), digits=4)
        body = shown.to_string(index=not isinstance(table.index, pd.RangeIndex), max_colwidth=30)
        if len(table) > REPR_ROWS:
            body += f"\n... {len(table) - REPR_ROWS} more rows; .summary() or .table for all"
        return f"{type(self).__name__}({head})\n{body}"

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python (for ``json.dumps``): tables as lists of records.

        Fields that are not results (the fitted statsmodels object, the data a model
        was fitted to) are left out; NaN becomes ``None``.
        """
        out: dict[str, Any] = {"result": type(self).__name__}
        for field in dataclasses.fields(self):
            if field.metadata.get("export", True):
                out[field.name] = _exportable(getattr(self, field.name))
        return out

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`table` (for export: ``result.to_frame().to_csv(...)``)."""
        return self.table.copy()
