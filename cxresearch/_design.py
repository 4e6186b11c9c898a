"""Design matrices: what a formula names, where its functions come from, and how well
its columns are conditioned.

Private helpers of the modules that build or check design matrices: ``models`` (formulas,
rank, scales, VIFs), ``mediation`` and ``keydrivers`` (the rank check) and ``power``. The public API is what ``cxresearch/__init__.py`` exports.

* :func:`caller_namespace` -- the namespace a formula is evaluated in: the caller's
  globals and locals (as statsmodels does), so ``center(x)`` is patsy's stateful
  transform and a user's own function or variable is found.
* :func:`expand_dot` -- ``y ~ .`` (every other column) and ``y ~ . - x`` written out.
* :func:`formula_variables` -- the outcome and driver columns a formula names; an
  unknown name raises ``ValueError`` listing the available columns, and a column name
  a formula cannot hold (``import``, ``overall score``, ``1st_visit``) one that says
  to write ``Q("...")``.
* :func:`design_rows` -- the design matrix of new rows in a fitted model's columns
  (for predictions, simple slopes and marginal effects).
* :func:`check_rank` and :func:`collinearity` -- a rank check and VIFs / condition
  number computed on centred, unit-variance columns, so that shifting or rescaling a
  driver (a driver measured in cents, or shifted by 1e7) never changes the verdict;
  :func:`diagnose` does both from one pass over the data.
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v

__all__ = [
    "caller_namespace",
    "check_rank",
    "check_scales",
    "collinearity",
    "design_rows",
    "diagnose",
    "expand_dot",
    "formula_name",
    "formula_variables",
    "split_formula",
    "wrapped_in_c",
]

# Words patsy itself provides inside a formula (its builtins), besides Python's.
_PATSY_WORDS = {"C", "Q", "I", "center", "standardize", "scale", "Treatment", "Sum", "Poly"}
_PATSY_WORDS |= {"Diff", "Helmert", "bs", "cr", "cc", "te", "np", "numpy", "math"}
_PYTHON_WORDS = set(dir(builtins))
# Column names statsmodels gives terms of its own: a column of that name collides with them.
_RESERVED_COLUMNS = {"Intercept": "intercept (constant term)"}

_STRING = re.compile(r"""(['"])(?:\\.|(?!\1).)*\1""")
_QUOTED = re.compile(r"""\bQ\(\s*(['"])(.*?)\1\s*\)""")
_BACKTICK = re.compile(r"`([^`]*)`")
# a Python name: a letter (any script: персонал, رضایت) or "_", then letters, digits, "_"
_IDENT = re.compile(r"(?<![\w.])([^\W\d]\w*)")
_WORD = re.compile(r"\w")
# "." standing alone (not np.log, x.astype, .5 or 1.)
_DOT = re.compile(r"(?<![\w.)\]])\.(?![\w.])")


def caller_namespace(depth: int) -> dict[str, Any]:
    """Globals and locals of the frame ``depth`` levels above the caller of this function.

    ``np`` (NumPy) is there as a fallback, so ``np.log(spend)`` works even where the
    caller did not import NumPy under that name; the caller's own names win.
    """
    frame = sys._getframe(depth + 1)
    try:
        return {"np": np, **frame.f_globals, **frame.f_locals}
    finally:
        del frame


def _tildes(formula: str) -> list[int]:
    """Positions of the ``~`` outside quotes (``Q("a~b")`` holds a name, not an operator)."""
    out, quote = [], ""
    for i, ch in enumerate(formula):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"`":
            quote = ch
        elif ch == "~":
            out.append(i)
    return out


def split_formula(formula: Any) -> tuple[str, str]:
    """``(left, right)`` of ``formula`` at its one ``~`` outside quotes.

    ``TypeError`` for a non-string, ``ValueError`` unless exactly one ``~`` stands outside
    quoted names.

    Examples
    --------
    >>> split_formula('y ~ Q("a~b") + c')
    ('y ', ' Q("a~b") + c')
    >>> split_formula("y ~ a ~ b")
    Traceback (most recent call last):
    ...
    ValueError: formula must have exactly one '~' (outcome ~ drivers) outside quoted names, got 'y ~ a ~ b'.
    """
    if not isinstance(formula, str):
        raise TypeError(f"formula must be a string such as 'y ~ x1 + x2', got {formula!r}.")
    tildes = _tildes(formula)
    if len(tildes) != 1:
        raise ValueError(
            f"formula must have exactly one '~' (outcome ~ drivers) outside quoted names, "
            f"got {formula!r}."
        )
    return formula[: tildes[0]], formula[tildes[0] + 1 :]


def _check_formula(formula: Any) -> None:
    split_formula(formula)


def _bare(name: str) -> bool:
    """Whether a formula can hold ``name`` as it is: a Python name, not a keyword, and
    unchanged by the NFKC normalisation Python applies to the names it reads."""
    return (
        name.isidentifier()
        and not keyword.iskeyword(name)
        and unicodedata.normalize("NFKC", name) == name
    )


def formula_name(column: Any) -> str | None:
    """How ``column`` is written in a formula: as it is when a formula can hold it,
    else quoted as ``Q("...")``; ``None`` when not even that works (a name that is not
    text, or holds a backslash, a line break or both kinds of quote).

    Examples
    --------
    >>> formula_name("персонал"), formula_name("import"), formula_name("overall score")
    ('персонал', 'Q("import")', 'Q("overall score")')
    >>> formula_name(3) is None
    True
    """
    if not isinstance(column, str):
        return None
    if _bare(column):
        return column
    if "\\" in column or "\n" in column or "\r" in column:
        return None
    if '"' not in column:
        return f'Q("{column}")'
    return None if "'" in column else f"Q('{column}')"


def _why_not_bare(name: str) -> str:
    if keyword.iskeyword(name):
        return "it is a Python keyword"
    if name[:1].isdigit():
        return "it starts with a digit"
    if name.isidentifier():
        return "Python would read it in Unicode normal form NFKC, as another name"
    return "it holds spaces or other characters a name cannot have"


def _is_number(text: str) -> bool:
    try:
        complex(text)
    except ValueError:
        return False
    return True


def _blank(match: re.Match) -> str:
    """Quoted text replaced by as many spaces (positions in the formula are kept)."""
    return " " * len(match.group(0))


def _check_formula_names(side: str, data: pd.DataFrame) -> None:
    """Raise if ``side`` (quotes removed) names a column a formula cannot hold as it is.

    Names without a letter or digit (``-``), numbers (``1``) and names that read as an
    expression of other columns (``a:b`` when ``a`` and ``b`` are columns) are left to
    the formula: there they are operators, numbers or expressions.
    """
    for col in data.columns:
        if not isinstance(col, str) or _bare(col) or _is_number(col) or not _WORD.search(col):
            continue
        words = _IDENT.findall(col)
        if (
            not col.isidentifier()
            and not any(ch.isspace() for ch in col)
            and words
            and all(w in data.columns for w in words)
        ):
            continue
        if re.search(rf"(?<![\w.]){re.escape(col)}(?!\w)", side) is None:
            continue
        quoted = formula_name(col)
        fix = f"write it as {quoted} in the formula, or rename" if quoted else "rename"
        raise ValueError(
            f"formula: column {col!r} cannot stand in a formula as it is "
            f"({_why_not_bare(col)}); {fix} the column, e.g. "
            f"data.rename(columns={{{col!r}: 'new_name'}})."
        )


_NUMBER = re.compile(r"(?<![\w.])(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)(?![\w.])")


def _check_number_names(side: str, data: pd.DataFrame) -> None:
    """Raise if a number in ``side`` is the text of a column named by a number (``2``):
    the formula reads it as the number (``0`` even drops the intercept), not the column."""
    numbers = {str(c): c for c in data.columns if not isinstance(c, str)}
    if not numbers:
        return
    for match in _NUMBER.finditer(side):
        text = next((t for t in (match.group(1), match.group(1).lstrip("-")) if t in numbers), None)
        if text is not None:
            col = numbers[text]
            raise ValueError(
                f"formula: {text} is read as a number, not as the column {col!r} "
                f"({type(col).__name__}): column names that are not text cannot stand in a "
                f"formula. Rename them, e.g. data.columns = data.columns.astype(str), and "
                f'write Q("{col}").'
            )


def formula_variables(
    formula: Any, data: pd.DataFrame, namespace: Mapping[str, Any] | None = None
) -> tuple[list[str], list[str]]:
    """(outcome columns, driver columns) named in ``formula``; unknown names raise.

    A word is a column when ``data`` has it. Otherwise it must be a function (a word
    before "("), a module (a word before "."), a keyword argument, one of patsy's or
    Python's built-in names, or a name in ``namespace`` (the caller's variables); any
    other word is reported as an unknown column. Text in quotes is not read, except
    ``Q("name")`` and ```name```, which name columns. Names may be in any script
    (``персонал``, ``رضایت``); a column a formula cannot hold as it is (a keyword such
    as ``import``, a name with spaces or starting with a digit) raises ``ValueError``
    telling to write ``Q("name")``.

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1.0], "персонал": [2.0], "import": [3.0]})
    >>> formula_variables('y ~ персонал + Q("import")', d)
    (['y'], ['персонал', 'import'])
    >>> formula_variables("y ~ import", d)
    Traceback (most recent call last):
    ...
    ValueError: formula: column 'import' cannot stand in a formula as it is (it is a Python keyword); write it as Q("import") in the formula, or rename the column, e.g. data.rename(columns={'import': 'new_name'}).
    """
    _check_formula(formula)
    namespace = namespace or {}
    out: list[list[str]] = []
    unknown: list[str] = []
    called: list[str] = []  # the functions the formula calls: Q, C, np.log's np, ...
    for side in split_formula(formula):
        found: list[tuple[int, str]] = []  # (position, column): names in formula order
        for pattern in (_QUOTED, _BACKTICK):
            for match in pattern.finditer(side):
                if pattern is _QUOTED:
                    called.append("Q")
                name = match.group(match.lastindex)
                if name in data.columns:
                    found.append((match.start(), name))
                else:
                    unknown.append(name)
            side = pattern.sub(_blank, side)
        side = _STRING.sub(_blank, side)
        _check_formula_names(side, data)
        _check_number_names(side, data)
        for match in _IDENT.finditer(side):
            word = match.group(1)
            rest = side[match.end() :].lstrip()
            if rest.startswith("("):
                called.append(word)
                continue  # a function call
            if rest.startswith("=") and not rest.startswith("=="):
                continue  # a keyword argument
            if rest.startswith(".") and word not in data.columns:
                continue  # a module (np.log); a column may call a method (x.astype(int))
            if word in data.columns:
                found.append((match.start(), word))
            elif not (
                word in _PATSY_WORDS
                or word in _PYTHON_WORDS
                or word in namespace
                or keyword.iskeyword(word)
            ):
                unknown.append(word)
        out.append(list(dict.fromkeys(name for _, name in sorted(found))))
    if unknown:
        raise ValueError(
            f"formula: column {v.format_values(dict.fromkeys(unknown))} not found in data "
            f"(nor a variable of the calling code). Available columns: "
            f"{v.format_values(data.columns, 12)}.{v.column_type_hint(data, unknown)}"
        )
    shadowing = [c for c in dict.fromkeys(called) if c in data.columns]
    if shadowing:
        raise ValueError(
            f"formula: column {shadowing[0]!r} has the name of the function "
            f"{shadowing[0]}(...) that the formula calls, and a column hides a function of "
            f"that name. Rename the column, e.g. "
            f"data.rename(columns={{{shadowing[0]!r}: 'new_name'}})."
        )
    both = [c for c in out[0] if c in out[1]]
    if both:
        raise ValueError(
            f"formula: the outcome column {both[0]!r} also stands on the right of '~'; a "
            f"column cannot explain itself. Remove it from the drivers, got {formula!r}."
        )
    reserved = [c for c in (*out[0], *out[1]) if c in _RESERVED_COLUMNS]
    if reserved:
        raise ValueError(
            f"formula: column {reserved[0]!r} has the name the model gives its "
            f"{_RESERVED_COLUMNS[reserved[0]]}, so the two would be confused. Rename the "
            f"column, e.g. data.rename(columns={{{reserved[0]!r}: 'new_name'}})."
        )
    if not out[0]:
        texts = [c for c in data.columns if not isinstance(c, str)]
        hint = (
            f" Column names that are not text ({v.format_values(texts)}) cannot stand in a "
            f"formula; rename them, e.g. data.columns = data.columns.astype(str)."
            if texts
            else ""
        )
        raise ValueError(
            f"formula: the left of '~' must name the outcome column, got {formula!r}.{hint}"
        )
    return out[0], out[1]


def _split_terms(side: str) -> list[tuple[str, str]]:
    """``side`` cut at its top-level ``+`` and ``-``: (sign, text) pairs, text stripped.

    Signs inside brackets or quotes (``I(a - b)``, ``Q("x-y")``) do not cut.
    """
    terms: list[tuple[str, str]] = []
    sign, start, depth, quote = "+", 0, 0, ""
    for i, ch in enumerate(side):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch in "+-" and depth == 0:
            terms.append((sign, side[start:i].strip()))
            sign, start = ch, i + 1
    terms.append((sign, side[start:].strip()))
    return [(s, t) for s, t in terms if t]


def _column_of(term: str, data: pd.DataFrame) -> Any:
    """The column a term names on its own (``x``, ``Q("x")`` or ```x```), else None."""
    match = _QUOTED.fullmatch(term) or _BACKTICK.fullmatch(term)
    name = match.group(match.lastindex) if match else term
    return name if name in data.columns else None


def expand_dot(
    formula: Any,
    data: pd.DataFrame,
    exclude: Sequence[Any] = (),
    namespace: Mapping[str, Any] | None = None,
) -> Any:
    """``formula`` with a ``.`` term written out as every other column of ``data``.

    ``y ~ .`` uses every column but the outcome(s) and ``exclude`` (e.g. the weight and
    cluster columns) as drivers, in the order of ``data``, as R and statsmodels users
    expect; ``y ~ . - x - z`` leaves ``x`` and ``z`` out, and other terms may be added
    (``y ~ . - store + C(store)``). A column a formula cannot hold as it is is written
    ``Q("name")``. A formula without a lone ``.`` is returned as it is. ``namespace``
    as in :func:`formula_variables` (for the left of ``~``).

    Examples
    --------
    >>> d = pd.DataFrame(columns=["y", "staff", "price", "overall score", "w"])
    >>> expand_dot("y ~ . - price", d, exclude=["w"])
    'y ~ staff + Q("overall score")'
    """
    if not isinstance(formula, str) or len(_tildes(formula)) != 1:
        return formula  # formula_variables says what is wrong
    lhs, rhs = split_formula(formula)
    if not _DOT.search(_STRING.sub(" 0 ", rhs)):
        return formula
    terms = _split_terms(rhs)
    dots = [sign for sign, t in terms if t == "."]
    if dots != ["+"] or any(_DOT.search(_STRING.sub(" 0 ", t)) for _, t in terms if t != "."):
        raise ValueError(
            f"formula: '.' (all other columns) must stand once as a term of its own, as in "
            f"'y ~ .', 'y ~ . - x' or 'y ~ . + x:z'; got {formula!r}."
        )
    removed = {_column_of(t, data) for s, t in terms if s == "-"} - {None}
    skip = {*formula_variables(f"{lhs} ~ 1", data, namespace)[0], *removed, *exclude}
    columns = [c for c in data.columns if c not in skip]
    unusable = [c for c in columns if formula_name(c) is None]
    if unusable:
        raise ValueError(
            f"formula: '.' would include column(s) {v.format_values(unusable)}, whose names "
            f"no formula can hold (not text, or with a backslash, a line break or both "
            f"kinds of quote); rename them (e.g. data.columns = data.columns.astype(str)) "
            f"or pass only the columns you need (data[[...]])."
        )
    if not columns:
        raise ValueError(
            f"formula: '.' stands for no column: data has no columns besides the outcome "
            f"and the left-out ones; got {formula!r}."
        )
    parts = [" + ".join(map(formula_name, columns))]
    for sign, term in terms:
        if term != "." and not (sign == "-" and _column_of(term, data) is not None):
            parts.append(f"{sign} {term}")
    return f"{lhs.strip()} ~ {' '.join(parts)}"


def wrapped_in_c(formula: str, column: str) -> bool:
    """Whether ``column`` appears as ``C(column ...)`` or ``C(Q("column") ...)`` in
    ``formula`` (a category)."""
    name = re.escape(column)
    quoted = rf"Q\(\s*(['\"]){name}\1\s*\)"
    return re.search(rf"\bC\(\s*(?:{name}(?!\w)|{quoted})", formula) is not None


def design_rows(model: Any, rows: pd.DataFrame, source: pd.DataFrame) -> np.ndarray:
    """Design matrix of ``rows`` in the columns of a fitted statsmodels formula model.

    Categorical columns of ``rows`` get the categories of the same column in
    ``source`` (the fitted data), so a single level still codes as in the fit.
    ``rows`` is modified in place (pass a copy).
    """
    for col in rows.columns:
        if col in source.columns and isinstance(source[col].dtype, pd.CategoricalDtype):
            src = source[col]
            rows[col] = pd.Categorical(
                rows[col], categories=src.cat.categories, ordered=src.cat.ordered
            )
    try:  # statsmodels >= 0.15: patsy or formulaic behind one manager
        from statsmodels.formula._manager import FormulaManager
    except ImportError:  # statsmodels 0.14: patsy's DesignInfo on the model data
        import patsy

        x = patsy.dmatrix(model.data.design_info, rows, return_type="dataframe")
    else:
        spec = getattr(model, "model_spec", None) or model.data.model_spec
        x = FormulaManager().get_matrices(spec, rows, pandas=True, prediction=True)
    return x[list(model.exog_names)].to_numpy(dtype=float)


def _standardized(exog: np.ndarray, constant: np.ndarray) -> np.ndarray:
    """The non-constant columns (``~constant``) centred and scaled to unit SD.

    Materialises the n x k standardised design; only the rare near-singular designs
    (and designs with no more rows than columns) need it, see :func:`_standardized_cross`.
    """
    z = np.asarray(exog, dtype=float)[:, ~constant]  # a copy, centred and scaled in place
    z -= z.mean(axis=0)
    z /= np.sqrt((z * z).mean(axis=0))
    return z


_BLOCK = 32_768  # rows per block: a 12-column block is 3 MB, reused


def _standardized_cross(exog: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``z'z`` of the standardised non-constant columns ``z``, and the constant-column mask.

    The same matrix as ``z.T @ z`` with ``z`` from :func:`_standardized`, computed
    block by block from the centred rows (two passes over the data: the means, then
    the centred cross products and the largest absolute values), so no n x k copy of
    the design is made: at a million rows the copies cost more time in fresh memory
    than the arithmetic. The products are taken about the first-pass means and then
    corrected by the mean of the centred values (the corrected two-pass algorithm of
    Chan, Golub & LeVeque 1983), so rounding in the means does not leak into the
    variances: a column holding one value gives an SD of (almost) exactly 0.
    """
    x = np.asarray(exog, dtype=float)
    n, k = x.shape
    mean = x.mean(axis=0)
    cross = np.zeros((k, k))
    total = np.zeros(k)
    high, low = np.full(k, -np.inf), np.full(k, np.inf)
    # the buffer in the design's memory order: copying a block is then a plain stream
    buf = np.empty((min(n, _BLOCK), k), order="F" if x.flags.f_contiguous else "C")
    for start in range(0, n, _BLOCK):
        block = x[start : start + _BLOCK]
        c = buf[: len(block)]
        np.subtract(block, mean, out=c)
        cross += c.T @ c
        total += c.sum(axis=0)
        np.maximum(high, c.max(axis=0), out=high)
        np.minimum(low, c.min(axis=0), out=low)
    absmax = np.maximum(np.abs(high + mean), np.abs(low + mean)) if n else np.zeros(k)
    shift = total / n
    cross -= n * np.outer(shift, shift)
    sd = np.sqrt(np.maximum(np.diag(cross), 0.0) / n)
    constant = sd <= 1e-12 * np.maximum(absmax, 1e-300)
    keep = ~constant
    s = sd[keep]
    return cross[np.ix_(keep, keep)] / s[:, None] / s[None, :], constant


def _cross_product(
    cross: np.ndarray, n: int, exog: np.ndarray, names: list[str], constant: np.ndarray
) -> np.ndarray:
    """``cross`` (``z'z``, from :func:`_standardized_cross`), after checking that the
    standardised design ``z`` has full column rank.

    The verdict is that of the singular values of ``z`` (rank = number above
    ``s_max * max(n, k) * eps * 10``). The eigenvalues of ``z'z`` decide it when the
    smallest is clear of that threshold by more than a bound on the rounding error of
    forming and decomposing ``z'z`` (``n * eps * trace(z'z)``); only a design near the
    threshold pays for the singular values themselves (of the k x k triangle of a QR
    decomposition of ``z``, which has the same singular values and right singular
    vectors as ``z``).
    """
    k = cross.shape[0]
    if n > k:
        lam = np.linalg.eigvalsh(cross)
        eps = np.finfo(float).eps
        tol = np.sqrt(max(lam.max(), 0.0)) * max(n, k) * eps * 10
        if lam.min() - n * eps * np.trace(cross) > tol * tol:
            return cross
        r = np.linalg.qr(_standardized(exog, constant), mode="r")
    else:
        r = _standardized(exog, constant)
    _check_rank_svd(r, max(n, k), constant, names)
    return cross


#: Design columns whose root mean squares differ by more than this factor cannot be
#: solved reliably by a pseudo-inverse (its cut-off is 1e-15 of the largest singular
#: value): statsmodels then calls the design rank-deficient, or loses digits silently.
SCALE_RATIO_LIMIT = 1e10


def check_scales(exog: np.ndarray, names: list[str]) -> None:
    """Raise ``ValueError`` if the design's columns lie too many orders of magnitude apart.

    Compares the root mean square of every column that is not all zero (the intercept
    has 1). Columns 1e16 apart make statsmodels' pseudo-inverse drop a dimension
    ("rank-deficient") and return wrong estimates; the error names the two columns
    and what to do instead.

    Examples
    --------
    >>> x = np.column_stack([np.ones(4), [1.0, 2.0, 3.0, 5.0], [1e16, 2e16, 0.0, 1e16]])
    >>> check_scales(x, ["Intercept", "a", "b"])
    Traceback (most recent call last):
    ...
    ValueError: the design's columns differ in scale by 1e+16 ('Intercept' about 1, 'b' about 1e+16); a least-squares solution loses its precision beyond 1e+10. Express 'b' in other units (divide it by a power of ten) and fit again.
    """
    x = np.asarray(exog, dtype=float)
    if x.size == 0:
        return
    rms = np.sqrt(np.einsum("ij,ij->j", x, x) / x.shape[0])
    used = np.flatnonzero(rms > 0)
    if used.size < 2:
        return
    low, high = used[np.argmin(rms[used])], used[np.argmax(rms[used])]
    ratio = rms[high] / rms[low]
    if ratio > SCALE_RATIO_LIMIT:
        odd = high if rms[high] > 1 / rms[low] else low  # the one farther from 1
        raise ValueError(
            f"the design's columns differ in scale by {ratio:.0e} ({names[low]!r} about "
            f"{rms[low]:.1g}, {names[high]!r} about {rms[high]:.1g}); a least-squares "
            f"solution loses its precision beyond {SCALE_RATIO_LIMIT:.0e}. Express "
            f"{names[odd]!r} in other units (divide it by a power of ten) and fit again."
        )


def check_rank(exog: np.ndarray, names: list[str]) -> None:
    """Raise ``ValueError`` if some columns are exact linear combinations of others.

    Judged on centred, unit-SD columns (plus one constant column if the design has
    any), so the verdict does not depend on the units or the location of a driver.
    """
    cross, constant = _standardized_cross(exog)
    _check_constant(constant, names)
    if cross.shape[0]:
        _cross_product(cross, len(exog), exog, names, constant)


def _check_constant(constant: np.ndarray, names: list[str]) -> None:
    n_const = int(constant.sum())
    if n_const > 1:
        bad = [names[i] for i in np.flatnonzero(constant)]
        raise ValueError(
            f"the design matrix has {n_const} constant columns {v.format_values(bad, 8)}: "
            f"a driver (or category level) does not vary in the fitted rows. Drop it."
        )


def _check_rank_svd(r: np.ndarray, size: int, constant: np.ndarray, names: list[str]) -> None:
    """The rank check proper, on the singular values of ``r`` (``z`` or its triangle)."""
    n_const, k = int(constant.sum()), r.shape[1]
    sv = np.linalg.svd(r, compute_uv=False)
    tol = sv.max() * size * np.finfo(float).eps * 10
    rank = int((sv > tol).sum())
    if rank < k:
        _, _, vt = np.linalg.svd(r, full_matrices=False)
        null = vt[-1]
        involved = [
            n for n, w in zip(np.array(names)[~constant], null, strict=True) if abs(w) > 1e-6
        ]
        raise ValueError(
            f"the design matrix is rank deficient (rank {rank + n_const} < "
            f"{k + n_const} columns): {v.format_values(involved, 8)} are an exact linear "
            f"combination of each other (or a category level never varies). Drop one."
        )


def diagnose(exog: np.ndarray, names: list[str]) -> tuple[pd.DataFrame, float]:
    """:func:`check_rank` and then :func:`collinearity`, from one product ``z'z`` of
    the standardised design (what a fit at a million rows can afford)."""
    check_scales(exog, names)
    cross, constant = _standardized_cross(exog)
    _check_constant(constant, names)
    if not cross.shape[0]:
        return _collinearity(cross, constant, names)
    return _collinearity(_cross_product(cross, len(exog), exog, names, constant), constant, names)


def collinearity(exog: np.ndarray, names: list[str]) -> tuple[pd.DataFrame, float]:
    """Variance inflation factors per design column and the design's condition number.

    Returns a table ``term, vif, vif_main`` (one row per non-constant column) and the
    condition number of the correlation matrix of the main-effect columns.

    ``vif`` is :math:`1/(1-R_j^2)` from regressing column :math:`j` on all the other
    columns: the diagonal of the inverse correlation matrix. Product terms
    (``x:m``) are correlated with their parts by construction unless ``x`` and ``m``
    are centred, which inflates ``vif`` without harming the estimates ("non-essential"
    collinearity; Aiken & West 1991). ``vif_main`` therefore repeats the calculation
    among the main-effect columns only (product terms left out; missing for them):
    this is the collinearity between the drivers themselves. The condition number
    :math:`\\sqrt{\\lambda_{max}/\\lambda_{min}}` is that of the same main-effect
    correlation matrix (Belsley, Kuh & Welsch 1980 use 30 as the level at which
    collinearity starts to hurt).

    The correlation matrix is computed as :math:`D^{-1/2} Z'Z D^{-1/2}` from the
    centred columns :math:`Z`, accumulated over blocks of rows (no copy of the design).
    """
    cross, constant = _standardized_cross(exog)
    return _collinearity(cross, constant, names)


def _collinearity(
    cross: np.ndarray, constant: np.ndarray, names: list[str]
) -> tuple[pd.DataFrame, float]:
    terms = [n for n, c in zip(names, constant, strict=True) if not c]
    if not terms:
        return pd.DataFrame({"term": [], "vif": [], "vif_main": []}), 1.0
    d = np.sqrt(np.diag(cross))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = cross / d[:, None] / d[None, :]
    vif = _vif(corr)
    main = np.array([":" not in t for t in terms])
    vif_main = np.full(len(terms), np.nan)
    cond = 1.0
    if main.any():
        sub = corr[np.ix_(main, main)]
        vif_main[main] = _vif(sub)
        eig = np.linalg.eigvalsh(sub)
        cond = float(np.sqrt(eig.max() / max(eig.min(), 1e-300)))
    table = pd.DataFrame({"term": terms, "vif": vif, "vif_main": vif_main})
    return table, cond


def _vif(corr: np.ndarray) -> np.ndarray:
    if corr.shape[0] == 1:
        return np.ones(1)
    try:
        inv = np.linalg.inv(corr)
    except np.linalg.LinAlgError:
        return np.full(corr.shape[0], np.inf)
    return np.where(np.diag(inv) > 0, np.diag(inv), np.inf)
