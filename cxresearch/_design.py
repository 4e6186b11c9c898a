"""Design matrices: what a formula names, where its functions come from, and how well
its columns are conditioned.

Private helpers shared by the modules that fit formulas (``models`` today; ``sem``
and ``report`` later). The public API is what ``cxresearch/__init__.py`` exports.

* :func:`caller_namespace` -- the namespace a formula is evaluated in: the caller's
  globals and locals (as statsmodels does), so ``center(x)`` is patsy's stateful
  transform and a user's own function or variable is found.
* :func:`formula_variables` -- the outcome and driver columns a formula names; an
  unknown name raises ``ValueError`` listing the available columns.
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
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v

__all__ = [
    "caller_namespace",
    "check_rank",
    "collinearity",
    "design_rows",
    "diagnose",
    "formula_variables",
    "wrapped_in_c",
]

# Words patsy itself provides inside a formula (its builtins), besides Python's.
_PATSY_WORDS = {"C", "Q", "I", "center", "standardize", "scale", "Treatment", "Sum", "Poly"}
_PATSY_WORDS |= {"Diff", "Helmert", "bs", "cr", "cc", "te", "np", "numpy", "math"}
_PYTHON_WORDS = set(dir(builtins))

_STRING = re.compile(r"""(['"])(?:\\.|(?!\1).)*\1""")
_QUOTED = re.compile(r"""\bQ\(\s*(['"])(.*?)\1\s*\)""")
_BACKTICK = re.compile(r"`([^`]*)`")
_IDENT = re.compile(r"(?<![\w.])([A-Za-z_]\w*)")


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


def formula_variables(
    formula: Any, data: pd.DataFrame, namespace: Mapping[str, Any] | None = None
) -> tuple[list[str], list[str]]:
    """(outcome columns, driver columns) named in ``formula``; unknown names raise.

    A word is a column when ``data`` has it. Otherwise it must be a function (a word
    before "("), a module (a word before "."), a keyword argument, one of patsy's or
    Python's built-in names, or a name in ``namespace`` (the caller's variables); any
    other word is reported as an unknown column. Text in quotes is not read, except
    ``Q("name")`` and ```name```, which name columns.
    """
    if not isinstance(formula, str):
        raise TypeError(f"formula must be a string such as 'y ~ x1 + x2', got {formula!r}.")
    if formula.count("~") != 1:
        raise ValueError(f"formula must have exactly one '~' (outcome ~ drivers), got {formula!r}.")
    namespace = namespace or {}
    out: list[list[str]] = []
    unknown: list[str] = []
    for side in formula.split("~"):
        names: list[str] = []
        for pattern in (_QUOTED, _BACKTICK):
            for match in pattern.finditer(side):
                names.append(match.group(match.lastindex))
            side = pattern.sub(" 0 ", side)
        side = _STRING.sub(" 0 ", side)
        for match in _IDENT.finditer(side):
            word = match.group(1)
            rest = side[match.end() :].lstrip()
            if rest.startswith("(") or (rest.startswith("=") and not rest.startswith("==")):
                continue  # a function call or a keyword argument
            if rest.startswith(".") and word not in data.columns:
                continue  # a module (np.log); a column may call a method (x.astype(int))
            if word in data.columns:
                names.append(word)
            elif not (
                word in _PATSY_WORDS
                or word in _PYTHON_WORDS
                or word in namespace
                or keyword.iskeyword(word)
            ):
                unknown.append(word)
        out.append(list(dict.fromkeys(names)))
    if unknown:
        raise ValueError(
            f"formula: column {v.format_values(dict.fromkeys(unknown))} not found in data "
            f"(nor a variable of the calling code). Available columns: "
            f"{v.format_values(data.columns, 12)}."
        )
    if not out[0]:
        raise ValueError(f"formula: the left of '~' must name the outcome column, got {formula!r}.")
    return out[0], [c for c in out[1] if c not in out[0]]


def wrapped_in_c(formula: str, column: str) -> bool:
    """Whether ``column`` appears as ``C(column ...)`` in ``formula`` (a category)."""
    return re.search(rf"\bC\(\s*{re.escape(column)}\b", formula) is not None


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
