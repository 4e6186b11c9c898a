"""The ``cxresearch report`` command: a CX driver report on your own survey file.

:func:`report` reads a survey file (SPSS, Stata, Qualtrics or CSV; see
:func:`cxresearch.read_survey`), runs a parameterised notebook on it with papermill
and renders the executed notebook to one self-contained HTML page (figures embedded,
no script or style sheet fetched from the network, code hidden): the data and its
codebook, missing data, NPS and CSAT with confidence intervals by group, the
reliability of each multi-item scale, the driver model (robust or clustered standard
errors, VIFs), the key-driver ranking with bootstrap intervals, the
importance-performance map and the penalty-reward (Kano) analysis.

A survey file is untrusted input, so every string that comes from it (the file's name,
column and scale names, variable and value labels, group levels) is data on the page,
never markup: the notebook shows text only through :func:`_say` and :func:`_show`,
which escape it (``<script>``, ``onerror=``, ``{{ }}`` and ``${}`` appear as the
characters they are and do nothing); figures draw labels as plain text (no mathtext);
``report.json`` is strict JSON holding them as strings. The page and ``report.json``
name the file, never the folder it is in.

Before any model, two sanity gates:

* **keying** -- a multi-item scale with a negative Cronbach's alpha, or an item whose
  corrected item-total correlation is negative (the
  :class:`cxresearch.ReverseKeyedWarning` of :func:`cxresearch.cronbach_alpha`), stops
  the report with a message naming the items to reverse; name the reverse-keyed items
  with ``--reverse ITEMS`` (``reverse=``) and they are reversed on their scale's range
  (:func:`cxresearch.reverse_code`) before scoring;
* **CSAT** -- the top-2-box share is shown unasked only for a labelled rating scale
  (whole numbers on 3 to 11 points with labelled ends); any other column only when
  named with ``--csat`` (``csat=``), so a 40-85 score does not become a "CSAT".

Everything is written into the ``out`` folder, never next to or over the input file:

* ``report.html`` -- the page;
* ``report.json`` -- every table of the page, machine-readable (``{"parameters": ...,
  "tables": {name: [row, ...]}}``), so its numbers can be checked or reused;
* ``report.ipynb`` -- the executed notebook with its code, to rerun or extend.

:func:`prepare_report` does the checks and the data preparation the notebook starts
with (labelled answers to codes, scale scores); :func:`main` is the command line
(``cxresearch report survey.sav --outcome ... --drivers ...`` or
``python -m cxresearch report ...``). papermill and nbconvert come with the ``report``
extra: ``pip install "cxresearch[report]"``.

Examples
--------
>>> import tempfile, pathlib
>>> import cxresearch as cx
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> cx.load_dataset("cx_survey").to_csv(folder / "survey.csv", index=False)
>>> prep = cx.prepare_report(
...     folder / "survey.csv",
...     outcome="satisfaction",
...     drivers=["service", "price"],
... )
>>> prep.outcome, prep.drivers, prep.scales["service"]
('satisfaction', ('service', 'price'), ('service_1', 'service_2', 'service_3', 'service_4'))
>>> prep.table.loc[1, "source"]
'mean of service_1 ... service_4 (at least 2)'
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import json
import math
import numbers
import os
import re
import sys
import time
import warnings
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v
from ._result import Result
from .reliability import ReverseKeyedWarning, cronbach_alpha
from .survey import Survey, as_codes, read_survey, reverse_code, scale_score

__all__ = ["Report", "ReportData", "main", "prepare_report", "report"]

#: The folder with the report's notebook and its HTML template (package data).
TEMPLATE_DIR = Path(__file__).resolve().parent / "_report"
#: The parameterised notebook papermill runs.
TEMPLATE = TEMPLATE_DIR / "template.ipynb"
#: Files the report writes into ``out``.
OUTPUTS = ("report.html", "report.json", "report.ipynb")

_SCALE_ITEM = re.compile(r"^(?P<name>.+)_(?P<number>\d+)$")
# Labels of codes that are no answer on the scale ("99 = No answer" left undeclared).
_NO_ANSWER = re.compile(
    r"no answer|don.?t know|refus|not applicable|\bn/?a\b|missing|prefer not|skipped",
    re.IGNORECASE,
)
_NPS_NAME = re.compile(r"recommend|^nps$|^ltr$|_nps$|^nps_", re.IGNORECASE)
#: Fewest and most points of a rating scale whose CSAT (top-2-box) is shown unasked.
_RATING_POINTS = (3, 11)


# ------------------------------------------------------------------------ result objects


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class ReportData(Result):
    """What :func:`prepare_report` returns: the checked, prepared data of a report.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per variable the report analyses: ``name``, ``role`` (``outcome``,
        ``driver``, ``weights``, ``by``, ``cluster``, ``nps``, ``csat``), ``source``
        (the column, or how a scale score was made), ``low`` and ``high`` (the answer
        scale, NaN where there is none), ``n_missing``.
    data : pandas.DataFrame
        The survey's answers with labelled (categorical) answers as their codes
        (``by`` and ``cluster`` keep their labels) and one column of scale scores for
        each scale whose name is not already a column.
    survey : Survey
        What :func:`cxresearch.read_survey` returned for the file.
    outcome : str
        The outcome column of ``data``.
    drivers : tuple of str
        The driver columns of ``data``.
    weights, by, cluster, nps : str or None
        The weights, group, cluster and 0-10 likelihood-to-recommend columns.
    csat : tuple of str
        The rating columns whose CSAT (top-2-box) the report shows.
    scales : dict
        Scale name -> its item columns (given, or found as ``name_1 ... name_k``).
    reverse : tuple of str
        The reverse-keyed items, reversed on their scale's range before scoring.
    ranges : dict
        Column -> ``(low, high)`` of its answer scale, for the scored columns.
    min_items : dict
        Scale name -> fewest answered items its score rests on.
    categorical : dict
        Categorical driver -> ``(reference, levels)``: a text column or a labelled
        nominal one (kept as its labels), dummy-coded against ``reference``, its most
        frequent level (the first in order on a tie).
    family : str
        The driver model: ``"logit"`` for a 0/1 outcome (both values present), else
        ``"ols"``.
    """

    data: pd.DataFrame
    survey: Survey = dataclasses.field(repr=False)
    outcome: str = ""
    drivers: tuple = ()
    weights: str | None = None
    by: str | None = None
    cluster: str | None = None
    nps: str | None = None
    csat: tuple = ()
    scales: dict = dataclasses.field(default_factory=dict)
    reverse: tuple = ()
    ranges: dict = dataclasses.field(default_factory=dict, repr=False)
    min_items: dict = dataclasses.field(default_factory=dict, repr=False)
    categorical: dict = dataclasses.field(default_factory=dict)
    family: str = "ols"


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Report(Result):
    """What :func:`report` returns: where the report is and what it holds.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per table of the report: ``name``, ``n_rows``, ``n_columns`` (the
        tables of ``report.json``).
    html : str
        Path of the page (``out/report.html``).
    json : str
        Path of the machine-readable tables (``out/report.json``).
    notebook : str
        Path of the executed notebook (``out/report.ipynb``).
    seconds : float
        Wall time of the whole run.
    """

    html: str
    json: str
    notebook: str
    seconds: float


# --------------------------------------------------------------------------- preparation


def _parse_scales(scales: Any) -> dict[str, tuple]:
    """``"a=a_1,a_2;b=b_1,b_2"`` or ``{"a": [...]}`` -> ``{"a": ("a_1", "a_2")}``."""
    if isinstance(scales, str):
        parsed: dict[str, list[str]] = {}
        for part in filter(None, (p.strip() for p in scales.split(";"))):
            name, sep, items = part.partition("=")
            if not sep or not name.strip():
                raise ValueError(
                    f"scales: cannot read {part!r}; write each scale as name=item,item,... "
                    f"and separate scales by ';', e.g. 'service=service_1,service_2'."
                )
            parsed[name.strip()] = [i.strip() for i in items.split(",") if i.strip()]
        scales = parsed
    if not isinstance(scales, Mapping):
        raise TypeError(
            "scales must be a dict {name: [items]} or a string 'name=item,item;...', "
            f"got {type(scales).__name__}."
        )
    out = {}
    for name, items in scales.items():
        cols = v.as_column_list(items, f"scales[{name!r}]")
        if len(cols) < 2:
            raise ValueError(
                f"scales: {name!r} needs at least two items for a multi-item scale, "
                f"got {v.format_values(cols)}."
            )
        out[str(name)] = tuple(cols)
    return out


def _find_scales(data: pd.DataFrame, skip: set) -> dict[str, tuple]:
    """Numeric columns named ``name_1 ... name_k`` (k >= 2) -> ``{name: items}``."""
    groups: dict[str, list[tuple[int, Hashable]]] = {}
    for col in data.columns:
        match = _SCALE_ITEM.match(str(col))
        if match is None or col in skip or not pd.api.types.is_numeric_dtype(data[col]):
            continue
        groups.setdefault(match["name"], []).append((int(match["number"]), col))
    return {
        name: tuple(c for _, c in sorted(items))
        for name, items in groups.items()
        if len(items) >= 2 and name not in data.columns
    }


def _answer_range(survey: Survey, data: pd.DataFrame, col: Hashable) -> tuple[float, float]:
    """``(low, high)`` of a column's answers: its value labels, else the values seen."""
    codes = _labelled_codes(survey, col)
    seen = data[col].dropna()
    low = [codes.min()] if len(codes) else []
    high = [codes.max()] if len(codes) else []
    if len(seen):
        low.append(seen.min())
        high.append(seen.max())
    if not low:
        return (math.nan, math.nan)
    return (float(min(low)), float(max(high)))


def _codes(survey: Survey, keep: set) -> pd.DataFrame:
    """The answers with labelled columns as codes; ``keep`` columns keep their labels."""
    data = survey.data
    cats = [
        c for c in data.columns if isinstance(data[c].dtype, pd.CategoricalDtype) and c not in keep
    ]
    coded = []
    for col in cats:
        try:
            coded.append(as_codes(data[[col]], codebook=survey))
        except ValueError:
            continue  # text labels without codes (a nominal column): keep the labels
    out = data.copy()
    for frame in coded:
        out[frame.columns[0]] = frame.iloc[:, 0]
    return out


def _score_scales(
    data: pd.DataFrame, scales: dict[str, tuple], survey: Survey
) -> tuple[pd.DataFrame, dict, dict]:
    """Add a mean score (at least half of the items answered) for each scale."""
    ranges: dict[str, tuple[float, float]] = {}
    min_items: dict[str, int] = {}
    for name, items in scales.items():
        v.check_columns(data, list(items), f"scales[{name!r}]")
        v.check_numeric(data, list(items), f"scales[{name!r}]")
        spans = [_answer_range(survey, data, i) for i in items]
        ranges.update(zip(items, spans, strict=True))
        min_items[name] = math.ceil(len(items) / 2)
        if name in data.columns:
            continue  # a column of that name wins; the scale still gets its alpha
        result = scale_score(data, items=list(items), min_items=min_items[name])
        data[name] = result.score
        ranges[name] = (min(s[0] for s in spans), max(s[1] for s in spans))
    return data, ranges, min_items


def _find_nps(survey: Survey, data: pd.DataFrame) -> str | None:
    """A 0-10 column named or labelled like a likelihood-to-recommend question."""
    book = survey.codebook.set_index("column")["label"].astype(str)
    for col in data.columns:
        label = book.get(col, "")
        if not (_NPS_NAME.search(str(col)) or "recommend" in label.lower()):
            continue
        values = data[col].dropna()
        if (
            pd.api.types.is_numeric_dtype(values)
            and len(values)
            and values.between(0, 10).all()
            and values.max() > 7
        ):
            return col
    return None


def _integer_column(data: pd.DataFrame, col: Hashable) -> bool:
    values = data[col].dropna()
    return bool(pd.api.types.is_numeric_dtype(values) and (values % 1 == 0).all())


def _labelled_codes(survey: Survey, col: Hashable) -> pd.Series:
    """The numeric codes of a column's value labels that are answers (no missing codes,
    no "No answer")."""
    labels = survey.value_labels
    labels = labels[(labels["column"] == col) & ~labels["missing"].astype(bool)]
    labels = labels[~labels["label"].astype(str).str.contains(_NO_ANSWER)]
    return pd.to_numeric(labels["value"], errors="coerce").dropna()


def _rating_scale(survey: Survey, data: pd.DataFrame, col: Hashable) -> bool:
    """Whether a column is a labelled rating scale: whole-number answers on 3 to 11
    points whose two ends carry value labels (a 1-5 or 0-10 question, not a 40-85
    score)."""
    if col not in data.columns or not _integer_column(data, col):
        return False
    codes = _labelled_codes(survey, col)
    if len(codes) < 2 or not (codes % 1 == 0).all():
        return False
    low, high = _answer_range(survey, data, col)
    fewest, most = _RATING_POINTS
    return bool(codes.min() == low and codes.max() == high and fewest <= high - low + 1 <= most)


def _reverse_items(
    survey: Survey, data: pd.DataFrame, scales: dict[str, tuple], reverse: Any
) -> tuple[pd.DataFrame, tuple]:
    """Reverse the ``reverse`` items (``low + high - x``) on their scale's range."""
    items = v.check_columns(data, reverse, "reverse")
    owner = {item: name for name, its in scales.items() for item in its}
    stray = [item for item in items if item not in owner]
    if stray:
        listed = "; ".join(f"{k}: {', '.join(map(str, i))}" for k, i in scales.items())
        raise ValueError(
            f"reverse: {v.format_values(stray)} is not an item of a multi-item scale, so "
            f"there is no scale to reverse it on. Scales: {listed or 'none'}."
        )
    v.check_numeric(data, items, "reverse")
    for item in items:
        spans = [_answer_range(survey, data, i) for i in scales[owner[item]]]
        low, high = min(s[0] for s in spans), max(s[1] for s in spans)
        if not (float(low).is_integer() and float(high).is_integer()) or low >= high:
            raise ValueError(
                f"reverse: cannot reverse {item!r}: the answers of its scale "
                f"{owner[item]!r} span {low:g} to {high:g}, not a rating scale of whole "
                f"numbers."
            )
        data = reverse_code(data, columns=[item], scale=(int(low), int(high)))
    return data, tuple(items)


def _keying_problems(
    data: pd.DataFrame, scales: dict[str, tuple], weights: Hashable | None
) -> list[tuple[str, float, tuple]]:
    """``(scale, alpha, items to reverse)`` for each scale with a negative alpha or an
    item whose corrected item-total correlation is negative (the items named by the
    :class:`cxresearch.ReverseKeyedWarning` of :func:`cxresearch.cronbach_alpha`)."""
    problems = []
    for name, items in scales.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ReverseKeyedWarning)
            try:
                row = cronbach_alpha(data, items=list(items), weights=weights, missing="listwise")
            except ValueError as e:
                raise ValueError(f"scales[{name!r}]: {e}") from None
        alpha = float(row["alpha"].iloc[0])
        named = [w.message.items for w in caught if issubclass(w.category, ReverseKeyedWarning)]
        for w in caught:  # any other warning still reaches the caller
            if not issubclass(w.category, ReverseKeyedWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        if named or alpha < 0:
            problems.append((name, alpha, tuple(named[0]) if named else ()))
    return problems


def _check_keying(
    data: pd.DataFrame, scales: dict[str, tuple], weights: Hashable | None, reverse: tuple
) -> None:
    """Stop (``ValueError``) before a mis-keyed scale is scored: name what to reverse."""
    problems = _keying_problems(data, scales, weights)
    if not problems:
        return
    parts, named = [], []
    for name, alpha, items in problems:
        which = f"reverse {v.format_values(items, 10)}" if items else "no single item stands out"
        parts.append(f"{name!r} (alpha = {alpha:.2f}; {which})")
        named += items
    # an item already reversed and named again was reversed by mistake: undo it
    fixed = [i for i in reverse if i not in named] + [i for i in named if i not in reverse]
    option = ",".join(map(str, fixed))
    raise ValueError(
        f"scales: {'; '.join(parts)}: items correlate negatively with the rest of their "
        f"scale, so its alpha and score would mix answers that point opposite ways. If "
        f"these items are worded the other way (reverse-keyed), say so with --reverse "
        f"{option} (reverse={fixed!r} in Python)"
        + (f"; reversed so far: {v.format_values(reverse, 10)}" if reverse else "")
        + "; otherwise leave them out of the scale with --scales (scales= in Python). "
        "cx.item_statistics shows each item's correlation with the rest."
    )


def _check_roles(data: pd.DataFrame, outcome: Any, drivers: Any, roles: dict) -> tuple:
    """The column checks of :func:`prepare_report` (names, numbers, weights)."""
    scales = roles.pop("scales")
    for argument, names in (("outcome", outcome), ("drivers", drivers)):
        unknown = [n for n in v.as_column_list(names, argument) if n not in data.columns]
        if unknown:
            plain = [c for c in data.columns if c not in scales]
            raise ValueError(
                f"{argument}: {v.format_values(unknown)} is neither a column nor a scale. "
                f"Scales: {v.format_values(list(scales), 12)}; columns: "
                f"{v.format_values(plain, 12)}."
            )
    (outcome,) = v.check_columns(data, [outcome], "outcome")
    drivers = v.check_columns(data, drivers, "drivers")
    if not drivers:
        raise ValueError("drivers must name at least one column or scale.")
    if outcome in drivers or len(set(drivers)) < len(drivers):
        raise ValueError(
            f"drivers must be distinct and differ from the outcome {outcome!r}, got "
            f"{v.format_values(drivers, 12)}."
        )
    v.check_numeric(data, [outcome], "outcome")
    v.check_numeric(data, [d for d in drivers if d not in roles["categorical"]], "drivers")
    v.check_has_values(data, [outcome], "outcome")
    v.check_has_values(data, drivers, "drivers")
    if roles["weights"] is not None:
        v.check_weights(data, roles["weights"])
    for role in ("by", "cluster"):
        if roles[role] is not None:
            v.check_columns(data, [roles[role]], role)
            v.check_has_values(data, [roles[role]], role)
    if roles["nps"] is not None:
        v.check_columns(data, [roles["nps"]], "nps")
        v.check_numeric(data, [roles["nps"]], "nps")
        v.check_range(data[roles["nps"]].dropna(), roles["nps"], "nps", 0, 10)
    return outcome, tuple(drivers)


def _nominal(survey: Survey, drivers: Any) -> set:
    """The requested drivers that are categorical columns: text, or declared (or
    read as) nominal in the codebook."""
    book = survey.codebook.set_index("column")["measure"]
    names = v.as_column_list(drivers, "drivers") if drivers is not None else []
    data = survey.data
    return {
        d
        for d in names
        if d in data.columns
        and (book.get(d) == "nominal" or not pd.api.types.is_numeric_dtype(data[d]))
    }


def _categorical(data: pd.DataFrame, drivers: Sequence[Hashable], nominal: set) -> dict:
    """``{driver: (reference, levels)}`` for the categorical drivers: the levels in
    order (a Categorical's order, else sorted), the reference the most frequent."""
    out = {}
    for d in drivers:
        if d not in nominal and pd.api.types.is_numeric_dtype(data[d]):
            continue
        values = data[d].dropna()
        if isinstance(values.dtype, pd.CategoricalDtype):
            levels = [x for x in values.cat.categories if (values == x).any()]
        else:
            levels = sorted(pd.unique(values), key=str)
        if len(levels) < 2:
            raise ValueError(
                f"drivers: the categorical driver {d!r} has {len(levels)} level(s) "
                f"({v.format_values(levels)}); it needs at least two to compare."
            )
        counts = values.astype(object).value_counts()
        reference = max(levels, key=lambda x: (counts.get(x, 0), -levels.index(x)))
        out[d] = (reference, tuple(levels))
    return out


def _variables(prep: dict[str, Any], data: pd.DataFrame, ranges: dict) -> pd.DataFrame:
    """The report's variables table (one row per analysed column)."""
    rows = []
    roles = [("outcome", [prep["outcome"]]), ("driver", list(prep["drivers"]))]
    roles += [(r, [prep[r]]) for r in ("weights", "by", "cluster", "nps") if prep[r] is not None]
    roles += [("csat", list(prep["csat"]))]
    for role, cols in roles:
        for col in cols:
            items = prep["scales"].get(col)
            source = str(col)
            if items is not None and col not in prep["columns"]:
                shown = ", ".join(items) if len(items) <= 3 else f"{items[0]} ... {items[-1]}"
                flipped = [str(i) for i in items if i in prep["reverse"]]
                turned = f"; reversed: {', '.join(flipped)}" if flipped else ""
                source = f"mean of {shown} (at least {prep['min_items'][col]}{turned})"
            if col in prep["categorical"]:
                reference, levels = prep["categorical"][col]
                source = f"{col}: categorical, {len(levels)} levels, reference {reference}"
            low, high = ranges.get(col, (math.nan, math.nan))
            rows.append(
                {
                    "name": col,
                    "role": role,
                    "source": source,
                    "low": low,
                    "high": high,
                    "n_missing": int(data[col].isna().sum()),
                }
            )
    return pd.DataFrame(rows, columns=["name", "role", "source", "low", "high", "n_missing"])


def prepare_report(
    path: Any,
    *,
    outcome: Hashable,
    drivers: Hashable | Sequence[Hashable],
    weights: Hashable | None = None,
    by: Hashable | None = None,
    cluster: Hashable | None = None,
    scales: Any = None,
    nps: Hashable | None = None,
    csat: Hashable | Sequence[Hashable] | None = None,
    reverse: Hashable | Sequence[Hashable] | None = None,
) -> ReportData:
    """Read a survey file and check and prepare everything a report needs.

    :func:`report` calls it before it starts the notebook (so bad input ends there,
    with one message), and the notebook calls it again to get the same data.

    Parameters
    ----------
    path : str, path-like or Survey
        A survey file :func:`cxresearch.read_survey` reads, or its result.
    outcome : str
        The overall outcome (e.g. satisfaction): a numeric column, or the name of a
        multi-item scale, which is then its mean score.
    drivers : str or list of str
        The drivers: numeric columns or scale names, as ``outcome``.
    weights : str, optional
        A column of survey weights (finite, non-negative).
    by : str, optional
        A group column: NPS, CSAT and their tests are shown per group.
    cluster : str, optional
        A cluster column (e.g. store): clustered standard errors in the driver model.
    scales : str or dict, optional
        The multi-item scales, ``{"service": ["service_1", "service_2"], ...}`` or
        ``"service=service_1,service_2;price=price_1,price_2"``. By default numeric
        columns named ``name_1 ... name_k`` (k >= 2) form the scale ``name``.
    nps : str, optional
        The 0-10 likelihood-to-recommend column. By default a 0-10 column whose name
        or question text mentions "recommend" (or is ``nps``/``ltr``); none, no NPS.
    csat : str or list of str, optional
        Rating columns whose CSAT (top-2-box) is shown. By default the outcome, or the
        items of the outcome's scale, when it is a labelled rating scale: whole-number
        answers on 3 to 11 points whose two ends carry value labels (a 1-5 or 0-10
        question). Any other outcome (an unlabelled number, a 40-85 score) gets a CSAT
        only when named here.
    reverse : str or list of str, optional
        Reverse-keyed items (worded the other way, e.g. "The staff were rude"): each is
        reversed (``low + high - x``, :func:`cxresearch.reverse_code`) on the range of
        its scale's answers before any score or alpha is computed.

    Returns
    -------
    ReportData
        ``.data`` (answers as codes plus scale scores), ``.table`` (the variables and
        their roles), the checked names, ``.scales``, ``.ranges``, ``.survey``.

    Raises
    ------
    TypeError
        If ``path`` is not a path or Survey, ``scales`` of the wrong kind, or a
        column that must be numeric is not.
    ValueError
        If the file cannot be read (unknown ending, no such file, broken contents),
        a name is neither a column nor a scale, the outcome or a driver is missing for
        every respondent, weights are negative or infinite, the NPS column leaves
        0-10, a ``reverse`` item belongs to no scale, or a scale is mis-keyed: its
        alpha is negative or an item correlates negatively with the rest of its scale
        (the message names the items to pass as ``reverse``).

    Notes
    -----
    A scale score is the mean of the answered items when at least half of them were
    answered (:func:`cxresearch.scale_score` with ``min_items = ceil(k / 2)``).
    Labelled answers become their codes (:meth:`cxresearch.Survey.as_codes`); ``by``
    and ``cluster`` keep their labels. The file is only read.

    Before any score is used, each scale passes a keying check: Cronbach's alpha
    (weighted, complete rows) must not be negative and no item may warn with
    :class:`cxresearch.ReverseKeyedWarning` (a negative corrected item-total
    correlation). Otherwise the report stops and names the items that load against
    the rest of the scale, instead of publishing an alpha of -0.3 and feeding a score
    of mixed directions to the driver model.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import cxresearch as cx
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> cx.load_dataset("cx_survey").to_csv(folder / "survey.csv", index=False)
    >>> prep = cx.prepare_report(folder / "survey.csv", outcome="loyalty", drivers="price")
    >>> sorted(prep.scales), prep.csat
    (['assortment', 'atmosphere', 'loyalty', 'price', 'satisfaction', 'service'], ())
    >>> prep.ranges["price"]
    (1.0, 7.0)

    A CSV has no value labels, so no CSAT unless asked for. An item worded the other
    way stops the report until it is named in ``reverse``:

    >>> data = cx.load_dataset("cx_survey")
    >>> data["price_2"] = 8 - data["price_2"]
    >>> data.to_csv(folder / "miskeyed.csv", index=False)
    >>> cx.prepare_report(folder / "miskeyed.csv", outcome="loyalty", drivers="price")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: scales: 'price' (alpha = -0.21; reverse ['price_2']): items correlate ...
    >>> prep = cx.prepare_report(
    ...     folder / "miskeyed.csv", outcome="loyalty", drivers="price", reverse="price_2"
    ... )
    >>> prep.reverse, prep.table.loc[1, "source"]
    (('price_2',), 'mean of price_1 ... price_4 (at least 2; reversed: price_2)')
    """
    survey = path if isinstance(path, Survey) else read_survey(path)
    roles = {"weights": weights, "by": by, "cluster": cluster, "nps": nps}
    nominal = _nominal(survey, drivers)
    keep = {c for c in (by, cluster) if c is not None} | nominal
    data = _codes(survey, keep)
    skip = {c for c in (weights, by, cluster, nps) if c is not None}
    found = _find_scales(data, skip) if scales is None else _parse_scales(scales)
    data, reverse = _reverse_items(survey, data, found, reverse)
    data, ranges, min_items = _score_scales(data, found, survey)
    categorical = _categorical(data, [d for d in nominal if d not in found], nominal)
    outcome, drivers = _check_roles(
        data, outcome, drivers, {**roles, "scales": found, "categorical": categorical}
    )
    categorical = {d: categorical[d] for d in drivers if d in categorical}
    categorical |= _categorical(data, [d for d in drivers if d not in categorical], set())
    _check_keying(data, found, weights, reverse)
    nps = nps if nps is not None else _find_nps(survey, data)
    if csat is None:
        csat = [outcome] if _integer_column(data, outcome) else list(found.get(outcome, ()))
        csat = [c for c in csat if _rating_scale(survey, data, c)]
    csat = v.check_columns(data, csat, "csat")
    v.check_numeric(data, csat, "csat")
    for col in [outcome, *drivers, *csat, *([nps] if nps is not None else [])]:
        if col not in ranges and col not in categorical:
            ranges[col] = _answer_range(survey, data, col)
    prep = {
        "outcome": outcome,
        "drivers": drivers,
        **roles,
        "nps": nps,
        "csat": tuple(csat),
        "scales": found,
        "reverse": reverse,
        "min_items": min_items,
        "columns": set(survey.data.columns),
        "categorical": categorical,
    }
    return ReportData(
        table=_variables(prep, data, ranges),
        data=data,
        survey=survey,
        outcome=outcome,
        drivers=drivers,
        weights=weights,
        by=by,
        cluster=cluster,
        nps=nps,
        csat=tuple(csat),
        scales=found,
        reverse=reverse,
        ranges=ranges,
        min_items=min_items,
        categorical=categorical,
        family=_family(data[outcome]),
    )


def _family(values: pd.Series) -> str:
    """``"logit"`` for a 0/1 outcome (both seen), else ``"ols"``.

    Examples
    --------
    >>> import pandas as pd
    >>> _family(pd.Series([0, 1, None, 1])), _family(pd.Series([1, 2, 3]))
    ('logit', 'ols')
    """
    seen = set(pd.Series(values).dropna().unique().tolist())
    return "logit" if seen == {0, 1} else "ols"


def _formula(prep: ReportData) -> str:
    """The driver model's formula: numeric drivers as they are, each categorical one
    dummy-coded against its reference level (``C(x, Treatment(reference=...))``).

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame(
    ...     {"y": [1.0, 2, 3, 4], "x": [1.0, 2, 2, 3], "my region": ["N", "S", "S", "E"]}
    ... )
    >>> prep = ReportData(
    ...     table=pd.DataFrame(),
    ...     data=data,
    ...     survey=None,
    ...     outcome="y",
    ...     drivers=("x", "my region"),
    ...     categorical={"my region": ("S", ("E", "N", "S"))},
    ... )
    >>> _formula(prep)
    "y ~ x + C(Q('my region'), Treatment(reference='S'))"
    """
    terms = []
    for d in prep.drivers:
        name = _quote(d)
        if d in prep.categorical:
            name = f"C({name}, Treatment(reference={prep.categorical[d][0]!r}))"
        terms.append(name)
    return f"{_quote(prep.outcome)} ~ " + " + ".join(terms)


def _quote(name: Hashable) -> str:
    """A column name as a formula term: as it is, or ``Q('...')``."""
    return str(name) if str(name).isidentifier() else f"Q({str(name)!r})"


# ---------------------------------------------------- the page: text from the data, escaped

#: matplotlib settings of the report's figures: text from the data (a label holding
#: ``$...$``) is drawn as it is, never parsed as mathtext.
_FIGURE_STYLE = {"figure.dpi": 100, "savefig.bbox": "tight", "text.parse_math": False}


def _dominance_figure(table: pd.DataFrame, r_squared: float, ci: float) -> Any:
    """The key-driver chart: each driver's contribution to R² (general dominance, the
    ``estimate`` column, which adds up to R²) as a bar with its bootstrap interval, and
    its share of R² (the ``share`` column, adding up to 100%) written at the bar.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"term": ["a", "b"], "estimate": [0.1, 0.3], "share": [0.25, 0.75]})
    >>> fig = _dominance_figure(table, 0.4, 0.95)
    >>> ax = fig.axes[0]
    >>> [float(round(p.get_width(), 2)) for p in ax.patches], [t.get_text() for t in ax.texts]
    ([0.1, 0.3], ['25%', '75%'])
    >>> ax.get_xlabel()
    'Contribution to R² = 0.400 (general dominance)'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    ranked = table.sort_values("estimate")
    names = ranked["term"].astype(str)
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(ranked) + 1))
    ax.barh(names, ranked["estimate"], color="#4c72b0")
    label = f"Contribution to R² = {r_squared:.3f} (general dominance)"
    if {"ci_low", "ci_high"} <= set(ranked.columns):
        ax.errorbar(
            ranked["estimate"],
            names,
            fmt="none",
            color="black",
            xerr=[ranked["estimate"] - ranked["ci_low"], ranked["ci_high"] - ranked["estimate"]],
            capsize=3,
        )
        label += f", with {ci:.0%} bootstrap interval"
    for y, (estimate, share) in enumerate(zip(ranked["estimate"], ranked["share"], strict=True)):
        ax.annotate(
            f"{share:.0%}", (estimate, y), xytext=(4, 6), textcoords="offset points", fontsize=9
        )
    ax.set_xlabel(label)
    ax.set_title("Each driver's share of R² at its bar", fontsize=10, loc="left")
    ax.set_xlim(left=0)
    return fig


def _escape(value: Any) -> str:
    """Text from the data as literal HTML text (``& < > " '`` as character references).

    Examples
    --------
    >>> _escape("<img src=x onerror=alert(2)> & {{7*7}} ${7*7}")
    '&lt;img src=x onerror=alert(2)&gt; &amp; {{7*7}} ${7*7}'
    """
    return html.escape(str(value), quote=True)


def _inline(value: Any) -> Any:
    """A value for :func:`_fill`: numbers as they are (for format specs such as ``:,``),
    a list or tuple as its escaped items joined by commas, anything else escaped."""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(_escape(x) for x in value)
    return _escape(value)


def _fill(template: str, /, **values: Any) -> str:
    """HTML from a trusted ``template`` and values that may come from the data.

    ``template`` is the report's own HTML with :meth:`str.format` fields; every value
    is escaped before it is put in (a list becomes its escaped items joined by commas;
    numbers keep their format spec), so a label such as ``<script>`` or ``{{7*7}}``
    shows as those characters and does nothing.

    Examples
    --------
    >>> _fill("<b>{name}</b> on {n:,} respondents", name="<script>alert(1)</script>", n=1000)
    '<b>&lt;script&gt;alert(1)&lt;/script&gt;</b> on 1,000 respondents'
    >>> _fill("drivers {d}", d=["a&b", "${7*7}"])
    'drivers a&amp;b, ${7*7}'
    """
    return template.format(**{key: _inline(value) for key, value in values.items()})


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
    decimals, text left-aligned, no index.

    Examples
    --------
    >>> import pandas as pd
    >>> page = _table_html(pd.DataFrame({"<b>": ["<i>x</i>"], "n": [1.23456]}))
    >>> "&lt;b&gt;" in page and "&lt;i&gt;x&lt;/i&gt;" in page and "1.235" in page
    True
    >>> "<i>" in page or "<b>" in page
    False
    """
    shown = table.reset_index(drop=True)
    text = [c for c in shown.columns if not pd.api.types.is_numeric_dtype(shown[c])]
    for col in text:
        shown[col] = shown[col].astype(object).map(_cell)
    shown.columns = [_escape(c) for c in shown.columns]
    style = shown.style.hide(axis="index").format(precision=precision, na_rep="")
    if text:
        left = [_escape(c) for c in text]
        style = style.set_properties(subset=left, **{"text-align": "left"})
    return style.to_html()


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


def _run_parameters(
    prep: ReportData, path: Any, *, ci: float, n_boot: int, seed: int | None
) -> dict[str, Any]:
    """The parameters the page and ``report.json`` show: the file's name, never the
    folder it is in."""
    from . import __version__

    return {
        "path": Path(path).name if isinstance(path, str | os.PathLike) else "(a Survey)",
        "outcome": prep.outcome,
        "drivers": list(prep.drivers),
        "weights": prep.weights,
        "by": prep.by,
        "cluster": prep.cluster,
        "nps": prep.nps,
        "csat": list(prep.csat),
        "scales": {k: list(items) for k, items in prep.scales.items()},
        "reverse": list(prep.reverse),
        "ci": ci,
        "n_boot": n_boot,
        "seed": seed,
        "cxresearch": __version__,
    }


# ------------------------------------------------------------------------------ the run


def _html(notebook: Path, target: Path) -> None:
    """Render the executed notebook to one self-contained page, code cells hidden."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="cxreport",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata.pop("widgets", None)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": "CX report"}})
    target.write_text(body, encoding="utf-8")


def _shareable(notebook: Path, parameters: dict) -> None:
    """Rewrite the executed notebook so it holds no local path: papermill stores the
    parameters it ran with (the absolute path of the input file, of ``report.json``)
    in the injected-parameters cell and in the notebook's metadata; both get
    ``parameters`` instead (the file's name), and papermill's own input and output
    paths become file names."""
    import nbformat
    from papermill.translators import translate_parameters

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            source = translate_parameters("python3", "python", parameters, "Parameters")
            cell.source = source.rstrip("\n")
    meta = nb.metadata.get("papermill", {})
    if meta:
        meta["parameters"] = dict(parameters)
        for key in ("input_path", "output_path"):
            if meta.get(key):
                meta[key] = Path(str(meta[key])).name
    nbformat.write(nb, notebook)


def _execute(parameters: dict, notebook: Path, out: Path, progress: bool) -> None:
    """Run the template with papermill; a failing cell becomes one RuntimeError."""
    try:
        import papermill
        from papermill.exceptions import PapermillExecutionError
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "cx.report needs papermill and nbconvert: pip install 'cxresearch[report]'."
        ) from None
    try:
        papermill.execute_notebook(
            str(TEMPLATE),
            str(notebook),
            parameters=parameters,
            cwd=str(out),
            kernel_name="python3",
            progress_bar=progress,
            log_output=False,
            # the kernel's own log (e.g. ipykernel's note on unencrypted local TCP) is
            # noise on the user's terminal; cell errors still arrive as messages
            extra_arguments=["--log-level=ERROR"],
        )
    except PapermillExecutionError as e:
        raise RuntimeError(
            f"the report stopped in cell {e.exec_count}: {e.ename}: {e.evalue} "
            f"(the partly run notebook is {notebook})."
        ) from None
    finally:
        if notebook.exists():  # the file's name only, also in a partly run notebook
            _shareable(notebook, {**parameters, "path": Path(parameters["path"]).name,
                                  "json_path": Path(parameters["json_path"]).name})  # fmt: skip


def report(
    path: str | os.PathLike,
    *,
    outcome: Hashable,
    drivers: Hashable | Sequence[Hashable],
    weights: Hashable | None = None,
    by: Hashable | None = None,
    cluster: Hashable | None = None,
    scales: Any = None,
    nps: Hashable | None = None,
    csat: Hashable | Sequence[Hashable] | None = None,
    reverse: Hashable | Sequence[Hashable] | None = None,
    out: str | os.PathLike = "cxreport",
    ci: float = 0.95,
    n_boot: int = 1000,
    seed: int | np.random.Generator | np.random.SeedSequence | None = 0,
    progress: bool = True,
) -> Report:
    """A CX driver report on a survey file: one self-contained HTML page.

    Parameters
    ----------
    path : str or path-like
        The survey file (``.sav``, ``.zsav``, ``.por``, ``.dta``, Qualtrics ``.csv`` /
        ``.tsv``, or a CSV with a ``datapackage.json``). It is only read.
    outcome, drivers, weights, by, cluster, scales, nps, csat, reverse
        What to analyse; see :func:`prepare_report`. A name may be a column or a
        multi-item scale (then its mean score). ``reverse`` names the reverse-keyed
        items; a scale with a negative alpha or an item correlating negatively with
        the rest of its scale stops the report until its items are named there.
    out : str or path-like, default "cxreport"
        The folder to write into (made if needed): ``report.html``, ``report.json``
        (every table, machine-readable) and ``report.ipynb`` (the executed notebook).
        Nothing is written anywhere else.
    ci : float, default 0.95
        Confidence level of every interval.
    n_boot : int, default 1000
        Bootstrap resamples of the key-driver ranking (0: no intervals).
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None, default 0
        Seed of the bootstrap (the same seed, the same page). It reaches the notebook
        as a number: ``SeedSequence(k)`` as ``k``, another ``SeedSequence`` or a
        Generator as a number drawn from it (shown on the page).
    progress : bool, default True
        Show papermill's progress bar (on stderr).

    Returns
    -------
    Report
        ``.html``, ``.json``, ``.notebook`` (paths), ``.seconds`` and ``.table`` (the
        tables in ``report.json``).

    Raises
    ------
    TypeError, ValueError
        Bad input, found before the notebook starts (see :func:`prepare_report`),
        including a mis-keyed scale (the message names the items to reverse).
    ModuleNotFoundError
        Without papermill or nbconvert (``pip install "cxresearch[report]"``).
    RuntimeError
        If a cell of the notebook fails; the message is the cell's error.

    Notes
    -----
    The sections: data and codebook; missing data (per column and per pattern); NPS
    and CSAT with intervals by group, and tests between groups; Cronbach's alpha of
    each multi-item scale (weighted) and composite reliability/AVE; the driver model
    (:func:`cxresearch.fit_drivers`: weighted least squares with survey weights, HC3 or
    cluster-robust standard errors, VIFs; incomplete rows dropped and counted);
    dominance analysis and relative weights with bootstrap intervals; the
    importance-performance map; penalty-reward contrasts with a Kano class, low and
    high performance being the bottom and top thirds of the answer scale.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import cxresearch as cx
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> cx.load_dataset("cx_survey").to_csv(folder / "survey.csv", index=False)
    >>> page = cx.report(
    ...     folder / "survey.csv",
    ...     outcome="satisfaction",
    ...     drivers=["service", "atmosphere", "assortment", "price"],
    ...     out=folder / "report",
    ...     n_boot=200,
    ...     progress=False,
    ... )  # doctest: +SKIP
    >>> pathlib.Path(page.html).name  # doctest: +SKIP
    'report.html'
    """
    start = time.perf_counter()
    ci = v.check_level(ci)
    n_boot = v.check_integer(n_boot, "n_boot", low=0)
    seed = v.seed_as_int(seed)  # checked here, before the notebook runs; a number for it
    source = Path(path).resolve() if isinstance(path, str | os.PathLike) else path
    prep = prepare_report(
        source, outcome=outcome, drivers=drivers, weights=weights, by=by,
        cluster=cluster, scales=scales, nps=nps, csat=csat, reverse=reverse,
    )  # fmt: skip
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise ValueError(f"out: {str(out)!r} is a file; give a folder for the report.")
    out.mkdir(parents=True, exist_ok=True)
    html, json_path, notebook = (out / name for name in OUTPUTS)
    parameters = {
        "path": str(source),
        "outcome": prep.outcome,
        "drivers": list(prep.drivers),
        "weights": weights,
        "by": by,
        "cluster": cluster,
        "scales": {k: list(items) for k, items in prep.scales.items()},
        "nps": prep.nps,
        "csat": list(prep.csat),
        "reverse": list(prep.reverse),
        "ci": ci,
        "n_boot": n_boot,
        "seed": seed,
        "json_path": str(json_path),
    }
    _execute(parameters, notebook, out, progress)
    _html(notebook, html)
    tables = json.loads(json_path.read_text(encoding="utf-8"))["tables"]
    index = pd.DataFrame(
        [
            {"name": k, "n_rows": len(rows), "n_columns": len(rows[0]) if rows else 0}
            for k, rows in tables.items()
        ],
        columns=["name", "n_rows", "n_columns"],
    )
    return Report(
        table=index,
        html=str(html),
        json=str(json_path),
        notebook=str(notebook),
        seconds=time.perf_counter() - start,
    )


# ---------------------------------------------------------------------- the command line


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (no usage dump) and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cxresearch", description="cxresearch on the command line.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    cmd = commands.add_parser(
        "report",
        help="a CX driver report on a survey file, as one HTML page",
        description="Run the CX driver report on a survey file (SPSS, Stata, Qualtrics, "
        "CSV) and write report.html, report.json and report.ipynb into --out. Text from the "
        "file is escaped on the page and only the file's name is shown. A scale with a "
        "negative alpha or an item correlating negatively with the rest of its scale stops "
        "the report until its reverse-keyed items are named with --reverse; CSAT is shown "
        "only for a labelled rating scale unless asked for with --csat.",
    )
    cmd.add_argument("path", help="the survey file (.sav, .zsav, .por, .dta, .csv, .tsv)")
    cmd.add_argument("--outcome", required=True, help="outcome column or scale name")
    cmd.add_argument(
        "--drivers", required=True, nargs="+", help="driver columns or scale names "
        "(space- or comma-separated)"
    )  # fmt: skip
    cmd.add_argument("--weights", help="column of survey weights")
    cmd.add_argument("--by", help="group column for NPS/CSAT by group")
    cmd.add_argument("--cluster", help="cluster column (clustered standard errors)")
    cmd.add_argument("--scales", help="'name=item,item;name=item,...' (default: name_1..name_k)")
    cmd.add_argument("--nps", help="0-10 likelihood-to-recommend column")
    cmd.add_argument(
        "--csat", help="rating column(s) for CSAT (top-2-box), comma-separated (default: "
        "the outcome or its items, only when a labelled rating scale of 3 to 11 points)"
    )  # fmt: skip
    cmd.add_argument(
        "--reverse", metavar="ITEMS", help="reverse-keyed items, comma-separated: reversed "
        "on their scale's range before scoring (a scale with a negative alpha or an item "
        "correlating negatively with the rest stops the report and names the items)"
    )  # fmt: skip
    cmd.add_argument("--out", default="cxreport", help="output folder (default: cxreport)")
    cmd.add_argument("--ci", type=float, default=0.95, help="confidence level (default 0.95)")
    cmd.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (1000)")
    cmd.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    cmd.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _split(values: Sequence[str] | str | None) -> list[str] | None:
    if values is None:
        return None
    values = [values] if isinstance(values, str) else values
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``cxresearch report FILE --outcome Y --drivers X1 X2 ...``.

    Prints the path of the page and returns 0; on bad input prints one message to
    stderr and returns 1 (2 for a malformed command line).

    Examples
    --------
    >>> main(["report", "no_such_file.sav", "--outcome", "y", "--drivers", "x"])
    1
    """
    args = _parser().parse_args(argv)
    try:
        result = report(
            args.path,
            outcome=args.outcome,
            drivers=_split(args.drivers),
            weights=args.weights,
            by=args.by,
            cluster=args.cluster,
            scales=args.scales,
            nps=args.nps,
            csat=_split(args.csat),
            reverse=_split(args.reverse),
            out=args.out,
            ci=args.ci,
            n_boot=args.n_boot,
            seed=args.seed,
            progress=not args.no_progress,
        )
    except (TypeError, ValueError, RuntimeError, OSError, ImportError) as e:
        print(f"cxresearch report: error: {e}", file=sys.stderr)
        return 1
    print(result.html)
    return 0
