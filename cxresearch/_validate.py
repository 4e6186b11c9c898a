"""Input checks shared by the cxresearch modules.

Every public function checks its input with these helpers so that bad input fails
the same way everywhere: ``TypeError`` for the wrong kind of object, ``ValueError``
for the wrong value, and a message that names the argument or column, the bad
value, and what is allowed. None of them modifies its input.

These helpers are private (the leading underscore): the public API is what
``cxresearch/__init__.py`` exports.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "as_column_list",
    "check_accepts",
    "check_bool",
    "check_callable",
    "check_columns",
    "check_dataframe",
    "check_distinct_columns",
    "check_finite",
    "check_grid",
    "check_has_values",
    "check_int_list",
    "check_integer",
    "check_integer_valued",
    "check_level",
    "check_magnitude",
    "check_missing",
    "check_n_jobs",
    "check_no_missing",
    "check_not_constant",
    "check_number",
    "check_number_array",
    "check_numeric",
    "check_one_of",
    "check_positive_int",
    "check_range",
    "check_resample_count",
    "check_scale",
    "check_study_row",
    "check_weight_spread",
    "check_weights",
    "column_type_hint",
    "drop_missing",
    "format_values",
    "likert_as_codes",
    "make_rng",
    "missing_advice",
    "numpy_dtypes",
    "seed_as_int",
    "seed_sequence",
    "unique_index",
]


def format_values(values: Iterable[Any], limit: int = 5) -> str:
    """Show up to ``limit`` values, e.g. ``[11, 12, -1] (and 4 more)``."""
    values = list(values)
    shown = ", ".join(repr(v.item() if isinstance(v, np.generic) else v) for v in values[:limit])
    more = f" (and {len(values) - limit} more)" if len(values) > limit else ""
    return f"[{shown}]{more}"


def check_dataframe(data: Any, argument: str = "data") -> pd.DataFrame:
    """Raise ``TypeError`` unless ``data`` is a pandas DataFrame; return it."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{argument} must be a pandas DataFrame, got {type(data).__name__}. "
            f"Wrap arrays with pandas.DataFrame(...) and name the columns."
        )
    return data


def as_column_list(columns: Hashable | Sequence[Hashable] | None, argument: str) -> list[Hashable]:
    """A column name or a list of them -> a list (``None`` -> ``[]``)."""
    if columns is None:
        return []
    if isinstance(columns, str) or not isinstance(columns, Sequence | pd.Index):
        return [columns]
    out = list(columns)
    if len(set(out)) != len(out):
        raise ValueError(f"{argument} lists a column more than once: {format_values(out, 10)}.")
    return out


def check_columns(
    data: pd.DataFrame, columns: Hashable | Sequence[Hashable] | None, argument: str
) -> list[Hashable]:
    """Raise ``ValueError`` unless every column in ``columns`` is in ``data``, once.

    Returns the columns as a list. A name that is not a column but whose text is that
    of one (``"1"`` for the column ``1``) gets a hint about the type; a name that
    ``data`` holds more than once (``pandas.concat`` of overlapping frames) is refused,
    since ``data[name]`` would then be a DataFrame, not a column.

    Examples
    --------
    >>> check_columns(pd.DataFrame({1: [0.5]}), ["1"], "x")
    Traceback (most recent call last):
    ...
    ValueError: x: column ['1'] not found in data. Available columns: [1]. Column names are compared with their type: data has the column 1 (int), not the text '1'; rename them, e.g. data.columns = data.columns.astype(str).
    >>> check_columns(pd.DataFrame([[1, 2]], columns=["w", "w"]), "w", "weights")
    Traceback (most recent call last):
    ...
    ValueError: weights: column 'w' appears 2 times in data; a column name must be unique. Rename or drop the repeated columns, e.g. data.loc[:, ~data.columns.duplicated()].
    """
    cols = as_column_list(columns, argument)
    missing = [c for c in cols if not _has_column(data, c)]
    if missing:
        raise ValueError(
            f"{argument}: column {format_values(missing)} not found in data. "
            f"Available columns: {format_values(data.columns, 12)}."
            f"{column_type_hint(data, missing)}"
        )
    if not data.columns.is_unique:
        for c in cols:
            count = int((data.columns == c).sum()) if _plain(c) else 1
            if count > 1:
                raise ValueError(
                    f"{argument}: column {c!r} appears {count} times in data; a column name "
                    f"must be unique. Rename or drop the repeated columns, e.g. "
                    f"data.loc[:, ~data.columns.duplicated()]."
                )
    return cols


def column_type_hint(data: pd.DataFrame, names: Iterable[Any]) -> str:
    """A sentence for a "not found" error when a name is the text of a column that is
    not text (``"1"`` for the column ``1``); ``""`` otherwise."""
    as_text = {str(c): c for c in data.columns if not isinstance(c, str)}
    for name in names:
        if str(name) in as_text:
            col = as_text[str(name)]
            return (
                f" Column names are compared with their type: data has the column {col!r} "
                f"({type(col).__name__}), not the text {name!r}; rename them, e.g. "
                f"data.columns = data.columns.astype(str)."
            )
    return ""


def _plain(name: Any) -> bool:
    """Whether ``name`` compares as one label (not a tuple, array or other container)."""
    return isinstance(name, str | bytes | numbers.Number | np.generic) or name is None


def _has_column(data: pd.DataFrame, name: Any) -> bool:
    """``name in data.columns``, False for a name that cannot be a column label (a list)."""
    try:
        return name in data.columns
    except TypeError:  # an unhashable name
        return False


def check_numeric(data: pd.DataFrame, columns: Sequence[Hashable], argument: str) -> None:
    """Raise ``TypeError`` unless each column holds numbers (bool is not a number here),
    and ``ValueError`` if all of a column's nonzero values are subnormal.

    A float below about 2.2e-308 keeps only a few significant digits (1e-320 has three):
    a column that lives entirely down there has lost the ratios between its values, so
    no result computed from it can be trusted. One such value among ordinary ones is
    simply next to zero, and allowed.

    Examples
    --------
    >>> check_numeric(pd.DataFrame({"w": [0.0, 1e-320, 2.0]}), ["w"], "weights")
    >>> check_numeric(pd.DataFrame({"w": [0.0, 1e-320, 3e-320]}), ["w"], "weights")
    Traceback (most recent call last):
    ...
    ValueError: weights: column 'w' has no value larger in magnitude than 3e-320, below 2.2e-308 (the smallest number floating point holds to full precision): its values have lost their digits. Express it in other units (multiply it by a power of ten).
    """
    for col in columns:
        dtype = data[col].dtype
        if not (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)):
            raise TypeError(
                f"{argument}: column {col!r} must be numeric, got dtype {dtype}. "
                f"Convert it first, e.g. with pandas.to_numeric(...)."
            )
        with np.errstate(invalid="ignore"):
            arr = np.abs(data[col].to_numpy(dtype=float, na_value=np.nan))
        top = float(np.nanmax(arr, initial=0.0)) if arr.size else 0.0
        if 0.0 < top < np.finfo(float).tiny:
            raise ValueError(
                f"{argument}: column {col!r} has no value larger in magnitude than {top:.2g}, "
                f"below {np.finfo(float).tiny:.2g} (the smallest number floating point holds "
                f"to full precision): its values have lost their digits. Express it in other "
                f"units (multiply it by a power of ten)."
            )


def unique_index(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` itself when its row labels are unique, else a copy numbered 0, 1, ...

    For functions that match rows by label after dropping some (weights to items,
    dropped rows to groups) and return no row labels: with repeated labels (``[7, 7,
    ...]``, several NaN) ``.loc`` would pick every row of a label. Row numbers in their
    messages are then positions.

    Examples
    --------
    >>> unique_index(pd.DataFrame({"q": [1, 2]}, index=[7, 7])).index.tolist()
    [0, 1]
    """
    if data.index.is_unique:
        return data
    return data.set_axis(pd.RangeIndex(len(data)), axis=0)


def numpy_dtypes(data: pd.DataFrame, columns: Sequence[Hashable]) -> pd.DataFrame:
    """``data`` with its nullable columns among ``columns`` in plain NumPy dtypes.

    pandas' nullable dtypes (``boolean``, ``Int64``, ``Float64``, ``string``) hold
    ``pd.NA`` and are not NumPy dtypes, which patsy, statsmodels and NumPy reject or
    misread. ``boolean`` becomes ``bool`` (``float`` 0/1 with NaN where missing),
    ``Int*``/``Float*`` become ``float64`` (missing -> NaN), ``string`` becomes ``object``
    text (missing -> NaN). Categoricals and NumPy columns are left as they are. ``data``
    is not modified: a copy is returned when anything changes.

    Examples
    --------
    >>> d = pd.DataFrame({"b": pd.array([True, None], dtype="boolean"), "i": [1, 2]})
    >>> numpy_dtypes(d, ["b", "i"]).dtypes.astype(str).tolist()
    ['float64', 'int64']
    """
    changed: dict[Hashable, Any] = {}
    for col in columns:
        s = data[col]
        dtype = s.dtype
        if not isinstance(dtype, pd.api.extensions.ExtensionDtype) or isinstance(
            dtype, pd.CategoricalDtype | pd.DatetimeTZDtype | pd.PeriodDtype | pd.IntervalDtype
        ):
            continue
        if pd.api.types.is_bool_dtype(dtype):
            has_na = bool(s.isna().any())
            changed[col] = s.to_numpy(dtype=float, na_value=np.nan) if has_na else s.to_numpy(bool)
        elif pd.api.types.is_numeric_dtype(dtype):
            changed[col] = s.to_numpy(dtype=float, na_value=np.nan)
        elif pd.api.types.is_string_dtype(dtype):
            changed[col] = s.to_numpy(dtype=object, na_value=np.nan)
    if not changed:
        return data
    out = data.copy()
    for col, values in changed.items():
        out[col] = values
    return out


#: The values of ``missing=`` across the package, and the advice each gives when a
#: missing value is found (``{argument}`` is the argument's name). A function allows the
#: ones it implements: every function ``"raise"`` (the default) and ``"listwise"``;
#: :func:`cxresearch.pls` also ``"mean"``, :func:`cxresearch.fit_drivers` also ``"mice"``.
MISSING_OPTIONS: dict[str, str] = {
    "raise": "",
    "listwise": "{argument}='listwise' to drop them (the count is reported as n_dropped)",
    "mean": "{argument}='mean' to replace them by the item means (counted in n_imputed)",
    "mice": "{argument}='mice' to impute them (multiple imputation by chained equations)",
}
#: What most functions allow: raise on a missing value, or drop the incomplete rows.
LISTWISE = ("raise", "listwise")


def check_missing(
    missing: Any, allowed: Sequence[str] = LISTWISE, argument: str = "missing"
) -> str:
    """A value of ``missing=`` (how to treat missing values) among ``allowed``; return it.

    ``TypeError`` for anything but a string (``True``/``False`` get a reminder that
    ``dropna=True`` is now ``missing="listwise"``), ``ValueError`` for a string that is
    not allowed.

    Examples
    --------
    >>> check_missing("listwise")
    'listwise'
    >>> check_missing("mean")
    Traceback (most recent call last):
    ...
    ValueError: missing must be one of ['raise', 'listwise'], got 'mean'.
    >>> check_missing(True)
    Traceback (most recent call last):
    ...
    TypeError: missing must be one of ['raise', 'listwise'] (a string), got True; dropna=True is now missing='listwise'.
    """
    if not isinstance(missing, str):
        renamed = (
            f"; dropna={bool(missing)} is now {argument}={'listwise' if missing else 'raise'!r}"
            if isinstance(missing, bool | np.bool_)
            else ""
        )
        raise TypeError(
            f"{argument} must be one of {format_values(allowed)} (a string), "
            f"got {missing!r}{renamed}."
        )
    return check_one_of(missing, list(allowed), argument)


def missing_advice(allowed: Sequence[str] | None, argument: str = "missing") -> str:
    """The sentence of a missing-value error that says how to get past it.

    ``allowed`` are the values of the caller's ``missing=`` argument; ``None`` for a
    function without one (then the rows must be dropped or filled in first).

    Examples
    --------
    >>> missing_advice(("raise", "listwise"))
    "Pass missing='listwise' to drop them (the count is reported as n_dropped), or fill them in first."
    >>> missing_advice(None)
    'Drop those rows or fill them in first.'
    """
    if not allowed:
        return "Drop those rows or fill them in first."
    fixes = [MISSING_OPTIONS[m].format(argument=argument) for m in allowed if m != "raise"]
    return "Pass " + ", ".join(fixes) + ", or fill them in first."


def check_no_missing(
    data: pd.DataFrame,
    columns: Sequence[Hashable],
    argument: str,
    *,
    allowed: Sequence[str] | None = None,
) -> None:
    """Raise ``ValueError`` if any of ``columns`` has a missing value.

    ``allowed``: the values of the caller's ``missing=`` argument, so that the message
    names the one that gets past the error (:func:`missing_advice`); ``None`` for a
    function without that argument.

    Examples
    --------
    >>> check_no_missing(pd.DataFrame({"q": [1.0, None]}), ["q"], "items", allowed=LISTWISE)
    Traceback (most recent call last):
    ...
    ValueError: items: column 'q' has 1 missing value(s) (NaN), at rows [1]. Pass missing='listwise' to drop them (the count is reported as n_dropped), or fill them in first.
    """
    for col in columns:
        n_missing = int(data[col].isna().sum())
        if n_missing:
            rows = data.index[data[col].isna()]
            raise ValueError(
                f"{argument}: column {col!r} has {n_missing} missing value(s) (NaN), "
                f"at rows {format_values(rows)}. {missing_advice(allowed)}"
            )


def drop_missing(
    data: pd.DataFrame,
    columns: Sequence[Hashable],
    *,
    missing: str,
    argument: str,
    allowed: Sequence[str] = LISTWISE,
) -> tuple[pd.DataFrame, int]:
    """Rows of ``data`` complete on ``columns``, and how many were dropped.

    ``missing`` is the caller's ``missing=`` argument, checked against ``allowed``
    (:func:`check_missing`). With ``"raise"`` a missing value raises ``ValueError``
    (naming the ``missing=`` values that get past it); with ``"listwise"`` the
    incomplete rows are dropped. Other values (``"mean"``, ``"mice"``) are the
    caller's to handle before. ``data`` itself is never modified.

    Examples
    --------
    >>> d = pd.DataFrame({"q": [1.0, None, 3.0]})
    >>> clean, n_dropped = drop_missing(d, ["q"], missing="listwise", argument="items")
    >>> clean["q"].tolist(), n_dropped
    ([1.0, 3.0], 1)
    """
    missing = check_missing(missing, allowed)
    columns = list(columns)
    if missing == "raise":
        check_no_missing(data, columns, argument, allowed=allowed)
        return data, 0
    if missing != "listwise":
        raise ValueError(f"drop_missing handles missing='raise' or 'listwise', got {missing!r}.")
    complete = data[columns].notna().all(axis=1)
    n_dropped = int((~complete).sum())
    return (data.loc[complete] if n_dropped else data), n_dropped


def check_integer_valued(values: pd.Series, column: Hashable, argument: str) -> None:
    """Raise ``ValueError`` unless every (non-missing) value is a whole number."""
    arr = values.dropna().to_numpy(dtype=float)
    bad = arr[~np.isfinite(arr) | (arr != np.round(arr))]
    if bad.size:
        raise ValueError(
            f"{argument}: column {column!r} must hold whole numbers (integer answer codes), "
            f"found {format_values(np.unique(bad))}."
        )


def check_range(
    values: pd.Series, column: Hashable, argument: str, low: float, high: float
) -> None:
    """Raise ``ValueError`` if a (non-missing) value lies outside ``[low, high]``."""
    present = values.dropna()
    bad = present[(present < low) | (present > high)].unique()
    if bad.size:
        raise ValueError(
            f"{argument}: column {column!r} has value(s) {format_values(np.sort(bad))} "
            f"outside the scale; allowed are {low:g} to {high:g}."
        )


def check_scale(scale: Any, argument: str = "scale") -> tuple[int, int]:
    """A rating scale ``(low, high)`` of whole numbers with ``low < high``."""
    if (
        not isinstance(scale, Sequence)
        or isinstance(scale, str)
        or len(scale) != 2
        or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in scale)
    ):
        raise TypeError(f"{argument} must be a pair of integers (low, high), got {scale!r}.")
    low, high = int(scale[0]), int(scale[1])
    if low >= high:
        raise ValueError(f"{argument} must have low < high, got {scale!r}.")
    if max(abs(low), abs(high)) > 2**53:  # answer codes must be exact as floats
        raise ValueError(
            f"{argument} must hold answer codes between -2**53 and 2**53 (exact as "
            f"floating-point numbers), got {scale!r}."
        )
    return low, high


def check_level(ci: Any, argument: str = "ci") -> float:
    """A confidence level strictly between 0 and 1."""
    if isinstance(ci, bool) or not isinstance(ci, numbers.Real):
        raise TypeError(f"{argument} must be a number between 0 and 1, got {ci!r}.")
    if not 0 < float(ci) < 1:
        raise ValueError(f"{argument} must lie strictly between 0 and 1 (e.g. 0.95), got {ci!r}.")
    return float(ci)


def check_positive_int(value: Any, argument: str, minimum: int = 1) -> int:
    """A whole number ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{argument} must be an integer, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{argument} must be at least {minimum}, got {value!r}.")
    return int(value)


#: The most resamples (bootstrap draws, permutations, imputations) a function accepts:
#: a million resamples pins a 95% percentile bound to about 0.0005 of a standard error,
#: far below what any survey can support, and more only costs time and memory.
MAX_RESAMPLES = 1_000_000


def check_resample_count(
    value: Any, argument: str, *, minimum: int = 1, maximum: int = MAX_RESAMPLES
) -> int:
    """A count of resamples, permutations or imputations: a whole number in
    ``[minimum, maximum]`` (at most :data:`MAX_RESAMPLES` by default); return it.

    ``TypeError`` for anything but an integer (``True``, ``1e4`` and ``"1000"`` are
    refused), ``ValueError`` naming the limits for a count outside them, before any
    resample is drawn (``n_boot=10**9`` would otherwise run for hours or exhaust memory).

    Examples
    --------
    >>> check_resample_count(2000, "n_boot", minimum=100)
    2000
    >>> check_resample_count(10**9, "n_boot")
    Traceback (most recent call last):
    ...
    ValueError: n_boot must be at most 1000000 (MAX_RESAMPLES, 10**6), got 1000000000; more resamples only cost time and memory (1000 to 10000 are usual).
    >>> check_resample_count(1e4, "n_perm")
    Traceback (most recent call last):
    ...
    TypeError: n_perm must be an integer, got 10000.0.
    """
    count = check_positive_int(value, argument, minimum=minimum)
    if count > maximum:
        limit = "MAX_RESAMPLES, 10**6" if maximum == MAX_RESAMPLES else "the limit here"
        raise ValueError(
            f"{argument} must be at most {maximum} ({limit}), got {count}; more resamples "
            f"only cost time and memory (1000 to 10000 are usual)."
        )
    return count


def check_one_of(value: Any, allowed: Sequence[Any], argument: str) -> Any:
    """Raise ``ValueError`` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{argument} must be one of {format_values(allowed)}, got {value!r}.")
    return value


def check_weights(data: pd.DataFrame, weights: Hashable, argument: str = "weights") -> None:
    """Raise unless ``weights`` names a numeric, finite, non-negative column.

    Missing weights are left to :func:`drop_missing`.
    """
    check_columns(data, weights, argument)
    check_numeric(data, [weights], argument)
    w = data[weights].dropna().to_numpy(dtype=float)
    bad = w[~np.isfinite(w) | (w < 0)]
    if bad.size:
        raise ValueError(
            f"{argument}: column {weights!r} must hold finite, non-negative weights, "
            f"found {format_values(np.unique(bad))}."
        )


#: Positive survey weights whose largest is more than this many times the smallest leave
#: a weighted regression to the few heaviest rows and, beyond ~1e28, make its weighted
#: design numerically rank-deficient; real weights stay within a factor of 1e3 or so.
WEIGHT_RATIO_LIMIT = 1e12


def check_weight_spread(w: np.ndarray, weights: Hashable, argument: str = "weights") -> None:
    """Raise ``ValueError`` if the positive weights span more than
    :data:`WEIGHT_RATIO_LIMIT` (largest / smallest).

    Examples
    --------
    >>> check_weight_spread(np.array([0.0, 1.0, 3.0]), "w")
    >>> check_weight_spread(np.array([1.0, 1e30]), "w")
    Traceback (most recent call last):
    ...
    ValueError: weights: column 'w' has positive weights from 1 to 1e+30 (a ratio of 1e+30, above 1e+12): the fit would rest on the heaviest rows alone and lose its precision. Check the weights (trim or rescale the extreme ones).
    """
    pos = np.asarray(w, dtype=float)
    pos = pos[pos > 0]
    if pos.size == 0:
        return
    low, high = float(pos.min()), float(pos.max())
    if high > WEIGHT_RATIO_LIMIT * low:
        raise ValueError(
            f"{argument}: column {weights!r} has positive weights from {low:.3g} to "
            f"{high:.3g} (a ratio of {high / low:.0e}, above {WEIGHT_RATIO_LIMIT:.0e}): the fit "
            f"would rest on the heaviest rows alone and lose its precision. Check the weights "
            f"(trim or rescale the extreme ones)."
        )


def make_rng(seed: Any, argument: str = "seed") -> np.random.Generator:
    """``seed`` (``None``, an int, a ``SeedSequence`` or a ``Generator``) -> a Generator.

    The one randomness entry point of the package. A Generator is used as it is (so a
    caller can thread one stream through several calls); anything else is passed to
    ``numpy.random.default_rng``. Never touches NumPy's global random state.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if (
        seed is None
        or isinstance(seed, np.random.SeedSequence)
        or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool))
    ):
        if isinstance(seed, numbers.Integral) and seed < 0:
            raise ValueError(f"{argument} must be a non-negative integer, got {seed!r}.")
        return np.random.default_rng(seed)
    raise TypeError(
        f"{argument} must be None, an int, a numpy.random.SeedSequence or a "
        f"numpy.random.Generator, got {type(seed).__name__}."
    )


def seed_sequence(seed: Any, argument: str = "seed") -> np.random.SeedSequence:
    """``seed`` -> a ``SeedSequence`` root, for code that spawns named or numbered streams.

    Accepts the same values as :func:`make_rng`. A Generator is consumed once (four
    draws) to make the root, so a caller's Generator still gives reproducible streams.
    """
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(seed.integers(0, 2**63 - 1, size=4, dtype=np.int64).tolist())
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(f"{argument} must be a non-negative integer, got {seed!r}.")
        return np.random.SeedSequence(int(seed))
    raise TypeError(
        f"{argument} must be None, an int, a numpy.random.SeedSequence or a "
        f"numpy.random.Generator, got {type(seed).__name__}."
    )


def seed_as_int(seed: Any, argument: str = "seed") -> int | None:
    """``seed`` as a plain whole number (or ``None``), for a seed that must travel as text.

    For a seed passed on as a notebook parameter or a command-line flag. Accepts the
    same values as :func:`make_rng`, with the same streams: an int (or ``None``) is
    returned as it is, and ``SeedSequence(k)`` as ``k`` (``default_rng(k)`` and
    ``default_rng(SeedSequence(k))`` are one stream). Any other ``SeedSequence`` (a
    spawned child, a list of entropy) gives a number of its own, always the same; a
    Generator is consumed once (one draw), as in :func:`seed_sequence`.

    Examples
    --------
    >>> seed_as_int(5), seed_as_int(np.random.SeedSequence(5)), seed_as_int(None)
    (5, 5, None)
    >>> child = np.random.SeedSequence(5, spawn_key=(1,))
    >>> seed_as_int(child) == seed_as_int(np.random.SeedSequence(5, spawn_key=(1,)))
    True
    """
    if seed is None or isinstance(seed, np.random.Generator):
        make_rng(seed, argument)
        return None if seed is None else int(seed.integers(0, 2**63 - 1))
    root = seed_sequence(seed, argument)
    if not root.spawn_key and isinstance(root.entropy, numbers.Integral):
        return int(root.entropy)
    return int(root.generate_state(1, np.uint64)[0])


def check_bool(value: Any, argument: str) -> bool:
    """Raise ``TypeError`` unless ``value`` is ``True`` or ``False``; return it as a bool."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{argument} must be True or False, got {value!r}.")
    return bool(value)


def check_number(
    value: Any,
    argument: str,
    *,
    low: float = -np.inf,
    high: float = np.inf,
    open_low: bool = False,
    open_high: bool = False,
) -> float:
    """A finite real number in the interval from ``low`` to ``high``; return it as a float.

    The bounds are included unless ``open_low`` / ``open_high``. ``TypeError`` for a
    non-number (``True``/``False`` are not numbers here), ``ValueError`` for NaN, an
    infinity or a value outside the interval; the message states the interval.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argument} must be a number, got {value!r}.")
    x = float(value)
    inside_low = x > low if open_low else x >= low
    inside_high = x < high if open_high else x <= high
    if np.isfinite(x) and inside_low and inside_high:
        return x
    has_low, has_high = np.isfinite(low), np.isfinite(high)
    if has_low and has_high and not (open_low or open_high):
        allowed = f"lie between {low:g} and {high:g}"
    elif has_low and has_high:
        lo, hi = ("<" if open_low else "<="), ("<" if open_high else "<=")
        allowed = f"satisfy {low:g} {lo} {argument} {hi} {high:g}"
    elif has_low and low == 0:
        allowed = "be positive" if open_low else "be non-negative"
    elif has_low:
        allowed = f"be greater than {low:g}" if open_low else f"be at least {low:g}"
    elif has_high:
        allowed = f"be less than {high:g}" if open_high else f"be at most {high:g}"
    else:
        allowed = "be finite"
    raise ValueError(f"{argument} must {allowed}, got {value!r}.")


def check_integer(value: Any, argument: str, *, low: int, high: int | None = None) -> int:
    """A whole number from ``low`` to ``high`` (inclusive; no upper limit when ``None``)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{argument} must be an integer, got {value!r}.")
    if value < low or (high is not None and value > high):
        allowed = f"at least {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{argument} must be {allowed}, got {value!r}.")
    return int(value)


def check_int_list(values: Any, argument: str, *, minimum: int = 1) -> list[int]:
    """One whole number or a non-empty list of distinct ones, each ``>= minimum``."""
    if isinstance(values, numbers.Integral) and not isinstance(values, bool | np.bool_):
        values = [values]
    if isinstance(values, str | bytes) or not isinstance(
        values, Sequence | np.ndarray | pd.Series | pd.Index
    ):
        raise TypeError(f"{argument} must be a list of integers, got {values!r}.")
    out = list(values)
    if not out:
        raise ValueError(f"{argument} must list at least one value, got {values!r}.")
    not_int = [
        x for x in out if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Integral)
    ]
    if not_int:
        raise TypeError(f"{argument} must hold integers, got {format_values(not_int)} in {out!r}.")
    small = [x for x in out if x < minimum]
    if small:
        raise ValueError(
            f"{argument} must hold integers of at least {minimum}, got {format_values(small)}."
        )
    out = [int(x) for x in out]
    repeated = sorted({x for x in out if out.count(x) > 1})
    if repeated:
        raise ValueError(
            f"{argument} lists {format_values(repeated)} more than once; give each value once."
        )
    return out


def check_n_jobs(n_jobs: Any, argument: str = "n_jobs") -> int:
    """A joblib worker count: a non-zero integer (1 = sequential, -1 = all cores)."""
    if isinstance(n_jobs, bool | np.bool_) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(
            f"{argument} must be an integer (1 = sequential, -1 = all cores), got {n_jobs!r}."
        )
    if n_jobs == 0:
        raise ValueError(
            f"{argument} must be a non-zero integer (1 = sequential, k > 1 = k workers, "
            f"-1 = all cores), got 0."
        )
    return int(n_jobs)


def check_finite(data: pd.DataFrame, columns: Sequence[Hashable], argument: str) -> None:
    """Raise ``ValueError`` if a numeric column holds an infinite value (NaN is left alone)."""
    for col in columns:
        arr = data[col].to_numpy(dtype=float)
        bad = np.isinf(arr)
        if bad.any():
            raise ValueError(
                f"{argument}: column {col!r} has {int(bad.sum())} infinite value(s) "
                f"{format_values(np.unique(arr[bad]))} at rows {format_values(data.index[bad])}; "
                f"only finite numbers are allowed."
            )


#: A column whose largest magnitude lies outside 1e-100 .. 1e100 cannot be squared and
#: summed in floating point (the squares overflow past 1e308 or underflow below 1e-308).
MAGNITUDE_LIMIT = 1e100


def check_magnitude(values: np.ndarray, column: Hashable, argument: str) -> None:
    """Raise ``ValueError`` if a numeric column is on a scale floating point cannot square.

    For functions (regressions) whose numbers depend on the units and that cannot
    rescale internally: a column whose largest absolute value is above
    :data:`MAGNITUDE_LIMIT` or, when nonzero, below its reciprocal is named with its
    scale instead of producing an overflow warning, NaN or a wrong rank verdict.

    Examples
    --------
    >>> check_magnitude(np.array([1.0, 2.0]), "a", "formula")
    >>> check_magnitude(np.array([1e200, -3e200]), "a", "formula")
    Traceback (most recent call last):
    ...
    ValueError: formula: column 'a' has values of magnitude 3e+200; squares and cross products of numbers beyond 1e+100 (or, nonzero, below 1e-100) overflow or underflow in floating point. Express it in other units (divide it by a power of ten) and fit again.
    """
    arr = np.abs(np.asarray(values, dtype=float))
    arr = arr[np.isfinite(arr)]
    top = float(arr.max(initial=0.0))
    if top == 0.0 or 1.0 / MAGNITUDE_LIMIT <= top <= MAGNITUDE_LIMIT:
        return
    raise ValueError(
        f"{argument}: column {column!r} has values of magnitude {top:.0e}; squares and cross "
        f"products of numbers beyond {MAGNITUDE_LIMIT:.0e} (or, nonzero, below "
        f"{1 / MAGNITUDE_LIMIT:.0e}) overflow or underflow in floating point. Express it in "
        f"other units (divide it by a power of ten) and fit again."
    )


def check_not_constant(data: pd.DataFrame, columns: Sequence[Hashable], argument: str) -> None:
    """Raise ``ValueError`` if a column has the same value in every row (zero variance)."""
    const = [c for c in columns if data[c].nunique(dropna=True) <= 1]
    if const:
        raise ValueError(
            f"{argument}: column(s) {format_values(const)} have the same answer in every "
            f"row (zero variance); correlations with them are undefined. Drop them."
        )


def check_distinct_columns(
    data: pd.DataFrame, columns: Sequence[Hashable], argument: str, *, tol: float = 1e-12
) -> None:
    """Raise ``ValueError`` naming the first two columns that are perfectly correlated.

    Two columns with ``|r| >= 1 - tol`` (an item entered twice, or one column a linear
    function of another) make a correlation matrix singular.
    """
    cols = list(columns)
    if len(cols) < 2:
        return
    arr = data[cols].to_numpy(dtype=float)
    centred = arr - arr.mean(axis=0)
    norms = np.sqrt((centred**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = centred / norms
        r = unit.T @ unit
    for i in range(len(cols)):
        for j in range(i + 1, len(cols)):
            if abs(r[i, j]) >= 1 - tol:
                what = (
                    "identical"
                    if np.array_equal(arr[:, i], arr[:, j])
                    else (f"perfectly correlated (r = {r[i, j]:+.0f})")
                )
                raise ValueError(
                    f"{argument}: columns {cols[i]!r} and {cols[j]!r} are {what}, so the "
                    f"correlation matrix is singular. Keep only one of them."
                )


def check_number_array(
    value: Any, argument: str, *, low: float = -np.inf, high: float = np.inf
) -> np.ndarray:
    """A number or an array-like of numbers -> a float array, finite and in ``[low, high]``.

    ``TypeError`` for text, ``None``, ``True``/``False`` or anything that is not numbers;
    ``ValueError`` for NaN, infinities or values outside the interval.
    """
    kind = f"{argument} must be a number or an array of numbers"
    if isinstance(value, bool | np.bool_ | str | bytes) or value is None:
        raise TypeError(f"{kind}, got {value!r}.")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{kind}, got {value!r}.") from None
    if np.asarray(value).dtype == bool or (
        not isinstance(value, np.ndarray)
        and isinstance(value, Sequence)
        and any(isinstance(x, bool | np.bool_) for x in value)
    ):
        raise TypeError(f"{argument} must hold numbers, not True/False.")
    if not np.isfinite(arr).all():
        raise ValueError(f"{argument} must be finite, got {value!r}.")
    bad = arr[(arr < low) | (arr > high)]
    if bad.size:
        raise ValueError(
            f"{argument} must lie between {low:g} and {high:g}, got {format_values(bad)}."
        )
    return arr


def likert_as_codes(
    data: pd.DataFrame,
    columns: Sequence[Hashable],
    argument: str,
    scale: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """``data`` with its ordered-categorical answer columns turned into numeric codes.

    Survey files read with value labels (``cx.read_survey``) give ordered pandas
    Categoricals. Numeric categories (``1, 2, ... 7``) become those numbers; text
    categories (``"Strongly disagree" < ... < "Strongly agree"``) become
    ``scale[0] + position`` (``1, 2, ...`` without a scale), and then their number must
    fill the scale. Missing answers stay missing. An unordered Categorical raises
    ``TypeError``: an answer scale has an order. ``data`` is not modified (a copy is
    returned when anything changes).

    Examples
    --------
    >>> levels = ["disagree", "neutral", "agree"]
    >>> d = pd.DataFrame({"q": pd.Categorical(["agree", None, "neutral"], levels, ordered=True)})
    >>> likert_as_codes(d, ["q"], "score", scale=(1, 3))["q"].tolist()
    [3.0, nan, 2.0]
    """
    cats = [c for c in columns if isinstance(data[c].dtype, pd.CategoricalDtype)]
    if not cats:
        return data
    out = data.copy()
    for col in cats:
        dtype = data[col].dtype
        if not dtype.ordered:
            raise TypeError(
                f"{argument}: column {col!r} is an unordered Categorical; an answer scale "
                f"must be numeric or an ordered Categorical (categories from lowest to "
                f"highest, ordered=True)."
            )
        categories = dtype.categories
        if pd.api.types.is_numeric_dtype(categories.dtype):
            values = categories.to_numpy(dtype=float)
        else:
            low = 1 if scale is None else scale[0]
            if scale is not None and len(categories) != scale[1] - scale[0] + 1:
                raise ValueError(
                    f"{argument}: column {col!r} has {len(categories)} text categories "
                    f"{format_values(categories, 11)}, but the scale {scale[0]}-{scale[1]} "
                    f"has {scale[1] - scale[0] + 1} points. Give scale=(low, high) to match, "
                    f"or recode the column to numbers."
                )
            values = low + np.arange(len(categories), dtype=float)
        codes = data[col].cat.codes.to_numpy()
        out[col] = np.where(codes >= 0, values[np.clip(codes, 0, None)], np.nan)
    return out


def check_has_values(data: pd.DataFrame, columns: Sequence[Hashable], argument: str) -> None:
    """Raise ``ValueError`` if a column holds no value at all (every entry missing).

    Examples
    --------
    >>> check_has_values(pd.DataFrame({"q": [None, None]}), ["q"], "drivers")
    Traceback (most recent call last):
    ...
    ValueError: drivers: column 'q' is missing for all 2 rows; choose one that has values.
    """
    for col in columns:
        if data[col].notna().sum() == 0:
            raise ValueError(
                f"{argument}: column {col!r} is missing for all {len(data)} rows; "
                f"choose one that has values."
            )


def check_callable(value: Any, argument: str, shape: str) -> Any:
    """Raise ``TypeError`` unless ``value`` can be called; ``shape`` says how it is called."""
    if not callable(value):
        raise TypeError(f"{argument} must be a function {shape}, got {value!r}.")
    return value


def check_grid(grid: Any, argument: str = "grid") -> tuple[list[dict[str, Any]], list[str]]:
    """A grid of settings -> (list of points as dicts, the column names).

    A dict of non-empty lists is crossed (first key slowest); a DataFrame gives one
    point per row. Keys must be strings (they become keyword arguments).

    Examples
    --------
    >>> check_grid({"n": [10, 20], "b": [0.0]})
    ([{'n': 10, 'b': 0.0}, {'n': 20, 'b': 0.0}], ['n', 'b'])
    >>> check_grid({"n": 10})
    Traceback (most recent call last):
    ...
    TypeError: grid: the values of 'n' must be a list (or tuple, array, range) of settings, got 10.
    """
    import itertools

    if isinstance(grid, pd.DataFrame):
        columns = list(grid.columns)
        if grid.empty or not columns:
            raise ValueError(f"{argument} must hold at least one point, got an empty DataFrame.")
        values = grid.to_dict("list")
        points = [
            dict(zip(columns, row, strict=True)) for row in zip(*values.values(), strict=True)
        ]
    elif isinstance(grid, dict):
        if not grid:
            raise ValueError(f"{argument} must name at least one setting, got an empty dict.")
        columns = list(grid)
        for key, vals in grid.items():
            if isinstance(vals, str | bytes | dict) or not isinstance(
                vals, Sequence | np.ndarray | pd.Series | pd.Index | range
            ):
                raise TypeError(
                    f"{argument}: the values of {key!r} must be a list (or tuple, array, "
                    f"range) of settings, got {vals!r}."
                )
            if len(vals) == 0:
                raise ValueError(f"{argument}: the list for {key!r} is empty; give it values.")
        points = [
            dict(zip(columns, combo, strict=True)) for combo in itertools.product(*grid.values())
        ]
    else:
        raise TypeError(
            f"{argument} must be a dict of lists (crossed) or a DataFrame of points, "
            f"got {type(grid).__name__}."
        )
    bad = [c for c in columns if not isinstance(c, str) or not c.isidentifier()]
    if bad:
        raise ValueError(
            f"{argument}: setting names must be valid Python names (they are passed as "
            f"keyword arguments), got {format_values(bad)}."
        )
    if "replication" in columns:
        raise ValueError(f"{argument}: 'replication' is reserved for the replication number.")
    keys = [tuple(map(repr, p.values())) for p in points]
    if len(set(keys)) < len(keys):
        raise ValueError(f"{argument}: the same point appears more than once; give each once.")
    return points, columns


def check_accepts(func: Any, names: Sequence[str], argument: str, func_name: str) -> None:
    """Raise ``ValueError`` if ``func`` cannot be called with these keyword names."""
    import inspect

    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):  # a builtin without a signature: let the call decide
        return
    params = sig.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return
    takes = [p.name for p in params if p.kind is not inspect.Parameter.VAR_POSITIONAL]
    first, rest = names[0], list(names[1:])
    unknown = [n for n in rest if n not in takes[1:]]
    if not takes or unknown:
        raise ValueError(
            f"{argument}: {func_name} must accept ({first}, {', '.join(rest)}) but its "
            f"parameters are ({', '.join(takes)}); it lacks {format_values(unknown or rest)}."
        )
    missing = [
        p.name
        for p in list(params)[1:]
        if p.default is inspect.Parameter.empty
        and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        and p.name not in rest
    ]
    if missing:
        raise ValueError(
            f"{argument}: {func_name} needs {format_values(missing)}, which the {argument} "
            f"does not give (it has {format_values(rest)}); add them or give them defaults."
        )


def check_study_row(row: Any, where: str) -> dict[str, Any]:
    """A study's output: a dict of str keys to scalars (number, bool, str, None).

    Examples
    --------
    >>> check_study_row({"estimate": [1, 2]}, "study at grid point (n=10), replication 0")
    Traceback (most recent call last):
    ...
    TypeError: study at grid point (n=10), replication 0: output 'estimate' must be a scalar (number, bool, string or None), got [1, 2].
    """
    if not isinstance(row, dict):
        raise TypeError(f"{where} must return a dict of scalars, got {type(row).__name__}.")
    if not row:
        raise ValueError(f"{where} returned an empty dict; return at least one output.")
    for key, value in row.items():
        if not isinstance(key, str):
            raise TypeError(f"{where}: output keys must be strings, got {key!r}.")
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        if not (value is None or isinstance(value, numbers.Number | str | bool | np.generic)):
            raise TypeError(
                f"{where}: output {key!r} must be a scalar (number, bool, string or None), "
                f"got {value!r}."
            )
    return row
