"""The base of every result object the package returns.

A function with more than one table to return (or a table plus numbers such as
``n_dropped``, ``r_squared`` or the Johnson-Neyman bounds) returns a small frozen
dataclass derived from :class:`Result`: ``.table`` is the tidy DataFrame, the other
fields are attributes, and ``repr`` shows both. Nothing is kept in ``DataFrame.attrs``
(pandas calls it experimental, and a CSV round trip loses it).

To add one::

    @dataclasses.dataclass(frozen=True, repr=False, eq=False)
    class SlopeResult(Result):
        \"\"\"What :func:`simple_slopes` returns. (document every field)\"\"\"

        ci: float
        n: int

Fields hold plain Python numbers, strings, tuples or DataFrames; the repr shows the
scalars on one line and then the table.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

__all__ = ["Result"]


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, tuple | list) and all(isinstance(x, float) for x in value):
        return "(" + ", ".join(f"{x:.4g}" for x in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Result:
    """A tidy table plus the numbers that describe it.

    Attributes
    ----------
    table : pandas.DataFrame
        The tidy result, one row per estimate.
    """

    table: pd.DataFrame

    def _scalars(self) -> dict[str, Any]:
        out = {}
        for field in dataclasses.fields(self):
            if field.name == "table" or not field.repr:
                continue
            value = getattr(self, field.name)
            if isinstance(value, pd.DataFrame | pd.Series) or callable(value):
                continue
            out[field.name] = value
        return out

    def __repr__(self) -> str:
        head = ", ".join(f"{k}={_short(v)}" for k, v in self._scalars().items())
        return f"{type(self).__name__}({head})\n{self.table.round(4).to_string(index=False)}"

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`table` (for export: ``result.to_frame().to_csv(...)``)."""
        return self.table.copy()
