"""Reading, checking and preparing a survey for the report (:func:`prepare_report`)."""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import pandas as pd

from .. import _validate as v
from .._result import Result
from ..reliability import ReverseKeyedWarning, cronbach_alpha
from ..survey import Survey, as_codes, read_survey, reverse_code, scale_score

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
    descending : tuple of str
        Columns whose codebook ``direction`` is ``descending`` (the lowest code is the
        most favourable answer, e.g. 1 = "Strongly agree"): reversed on their labelled
        codes first, so that a higher code is a better answer on every column.
    labels : dict
        Column or scale name -> the text the page shows for it: its variable label
        from the codebook when it has one, else its name.
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
    descending: tuple = ()
    labels: dict = dataclasses.field(default_factory=dict, repr=False)
    ranges: dict = dataclasses.field(default_factory=dict, repr=False)
    min_items: dict = dataclasses.field(default_factory=dict, repr=False)
    categorical: dict = dataclasses.field(default_factory=dict)
    family: str = "ols"


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


def _codebook_direction(
    survey: Survey, data: pd.DataFrame, keep: set
) -> tuple[pd.DataFrame, tuple]:
    """Reverse the numeric columns whose codebook ``direction`` is ``descending`` on
    their labelled codes (``low + high - x``), so that a higher code is a better answer.

    A column with answers beyond its labelled ends, or fewer than two labelled codes,
    is left as it is; ``keep`` columns (groups, clusters, nominal drivers) too.
    """
    book = survey.codebook
    named = book.loc[book["direction"] == "descending", "column"]
    turned = []
    for col in named:
        if col not in data.columns or col in keep or not _integer_column(data, col):
            continue
        codes = _labelled_codes(survey, col)
        if len(codes) < 2:
            continue
        low, high = int(codes.min()), int(codes.max())
        seen = data[col].dropna()
        if len(seen) and (seen.min() < low or seen.max() > high):
            continue  # answers beyond the labelled ends: not a rating scale to mirror
        data = reverse_code(data, columns=[col], scale=(low, high))
        turned.append(col)
    return data, tuple(turned)


def _labels(survey: Survey, data: pd.DataFrame, names: Sequence[Any]) -> dict:
    """Name -> its variable label from the codebook (stripped), else the name."""
    book = survey.codebook.set_index("column")["label"]
    out = {}
    for name in names:
        if name is None:
            continue
        label = book.get(name) if name in book.index else None
        text = str(label).strip() if isinstance(label, str) else ""
        out[name] = text or str(name)
    return out


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
                coded = [str(i) for i in items if i in prep["descending"]]
                turned += f"; codes reversed (codebook): {', '.join(coded)}" if coded else ""
                source = f"mean of {shown} (at least {prep['min_items'][col]}{turned})"
            elif col in prep["descending"]:
                source = f"{col} (codes reversed: the codebook's direction is descending)"
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
    data, descending = _codebook_direction(survey, data, keep)
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
        "descending": descending,
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
        descending=descending,
        labels=_labels(survey, data, [outcome, *drivers, *csat, weights, by, cluster, nps]),
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
