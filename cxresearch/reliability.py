"""Reliability and validity of multi-item scales.

Cronbach's alpha with a Feldt interval, item statistics, standardized loadings from a
one-factor model per construct, composite reliability (rho_c), average variance
extracted (AVE), the heterotrait-monotrait ratio (HTMT) and the Fornell-Larcker
criterion, and a one-row-per-construct summary table.

Constructs are given as a dict ``{construct: [item columns]}``. All statistics of one
call are computed on the same respondents: missing answers raise unless
``missing="listwise"``, which drops incomplete rows (over every item used) and
reports the count in a column ``n_dropped`` (the same number on every row, since
every row rests on the same respondents).

Input that would make a statistic undefined raises a ``ValueError`` that names the
cause instead of returning NaN: an item with zero variance or an infinite value, two
items that are identical or perfectly correlated (their correlation matrix is
singular), two items of a construct that correlate negatively (reverse-code one),
a construct whose items correlate negatively on average (HTMT), a missing loading.
Each item is rescaled by a power of two of its own before anything is squared, so
huge or tiny values (1e200, 1e-200) give the same correlations and loadings as
ordinary ones instead of overflowing, and statistics in the units of the items
(alpha, means, scores) are computed on the items brought back to one common scale.

A scale with a reverse-keyed item (worded the other way, e.g. "The staff were
rude" among "The staff were friendly" items) gives a low or negative alpha and
rho_c that mean nothing. :func:`cronbach_alpha`, :func:`composite_reliability` and
:func:`reliability_table` then warn with a :class:`ReverseKeyedWarning` naming the
items whose corrected item-total correlation is negative (as R psych's ``alpha``
does); reverse them with :func:`cxresearch.reverse_code` first.

Single-item constructs have no internal-consistency reliability: alpha, loadings
estimated from data, rho_c and AVE are NaN for them (PLS software such as seminr and
SmartPLS reports 1 by convention, since it fixes the single loading at 1; pass that
loading explicitly to reproduce it).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _measures
from . import _validate as v
from ._numeric import pow2_rescale, pow2_rescale_columns, pow2_restore
from .errors import ConvergenceError

__all__ = [
    "ReverseKeyedWarning",
    "ave",
    "composite_reliability",
    "cronbach_alpha",
    "factor_loadings",
    "fornell_larcker",
    "htmt",
    "item_statistics",
    "reliability_table",
]

#: Lower bound of a uniqueness in the one-factor ML fit (as R's factanal).
_MIN_UNIQUENESS = 0.005


class ReverseKeyedWarning(UserWarning):
    """Items that correlate negatively with the rest of their scale (reverse-keyed?).

    Issued by :func:`cronbach_alpha`, :func:`composite_reliability` and
    :func:`reliability_table` when an item's corrected item-total correlation is
    negative. Such an item is usually worded the other way; reverse it with
    :func:`cxresearch.reverse_code` (or drop it) before reading the reliability.

    Attributes
    ----------
    items : tuple
        The items the message advises to reverse: those loading against the rest of
        their scale on its first principal component (for a program that acts on the
        warning, e.g. ``cxresearch report``, instead of reading its text).

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame(
    ...     {
    ...         "q1": [1, 3, 5, 2, 4, 2, 3, 3],
    ...         "q2": [1, 3, 5, 4, 4, 1, 3, 5],
    ...         "q3": [5, 4, 1, 5, 3, 5, 2, 2],  # "The staff were rude": reverse-keyed
    ...     }
    ... )
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     alpha = cx.cronbach_alpha(answers)["alpha"].item()
    >>> round(alpha, 2), caught[0].category.__name__, caught[0].message.items
    (-2.35, 'ReverseKeyedWarning', ('q3',))
    >>> fixed = cx.reverse_code(answers, columns="q3", scale=(1, 5))
    >>> round(cx.cronbach_alpha(fixed)["alpha"].item(), 2)
    0.9
    """

    def __init__(self, message: str = "", items: Sequence[Hashable] = ()) -> None:
        super().__init__(message)
        self.items = tuple(items)


# ---------------------------------------------------------------------------- inputs


def _item_frame(
    data: Any, items: Sequence[Hashable] | None, *, missing: str, argument: str = "items"
) -> tuple[pd.DataFrame, pd.Series, int]:
    """Complete rows of the items, each / 2**exponent, the exponents, rows dropped."""
    data = v.check_dataframe(data)
    cols = list(data.columns) if items is None else v.check_columns(data, items, argument)
    if len(cols) < 2:
        raise ValueError(
            f"{argument}: at least two items are needed, got {len(cols)} ({v.format_values(cols)})."
        )
    data = v.likert_as_codes(data, cols, argument)
    v.check_numeric(data, cols, argument)
    clean, n_dropped = v.drop_missing(data, cols, missing=missing, argument=argument)
    if len(clean) < 3:
        raise ValueError(
            f"data: at least 3 complete rows are needed, got {len(clean)}"
            + (f" after dropping {n_dropped} incomplete row(s)." if n_dropped else ".")
        )
    x, exponents = _float_items(clean, cols, argument)
    return x, exponents, n_dropped


def _float_items(
    clean: pd.DataFrame, cols: list[Hashable], argument: str
) -> tuple[pd.DataFrame, pd.Series]:
    """Each item column as floats divided by its own ``2**exponent``, and the exponents.

    Checks that every item is finite and not constant. Dividing an item by a power of
    two is exact and leaves every correlation unchanged, but keeps huge or tiny
    values (1e200, 1e-200) from overflowing or underflowing when they are squared.
    Statistics in the units of the items use :func:`_common_scale`; means and
    standard deviations are scaled back with ``pow2_restore(value, exponent)``.
    """
    v.check_finite(clean, cols, argument)
    v.check_not_constant(clean, cols, argument)
    scaled, exponents = pow2_rescale_columns(clean[cols].to_numpy(dtype=float))
    return (
        pd.DataFrame(scaled, index=clean.index, columns=cols),
        pd.Series(exponents, index=pd.Index(cols, dtype=object)),
    )


def _common_scale(x: pd.DataFrame, exponents: pd.Series, items: list[Hashable]) -> np.ndarray:
    """The items in their own units, all divided by the power of two of the largest.

    Their covariances, sums and means are those of the data up to that one power of
    two; an item ~300 orders of magnitude smaller than the largest underflows to 0,
    as it would vanish next to it in any sum.
    """
    e = exponents.loc[list(items)].to_numpy()
    with np.errstate(under="ignore"):
        return np.ldexp(x[list(items)].to_numpy(), e - e.max())


def _check_constructs(data: pd.DataFrame, constructs: Any) -> dict[Hashable, list[Hashable]]:
    if not isinstance(constructs, Mapping) or not constructs:
        raise TypeError(
            "constructs must be a non-empty dict {construct name: [item columns]}, "
            f"got {type(constructs).__name__}."
        )
    out: dict[Hashable, list[Hashable]] = {}
    for name, items in constructs.items():
        if isinstance(items, str) or not isinstance(items, Sequence | pd.Index):
            raise TypeError(f"constructs[{name!r}] must be a list of item columns, got {items!r}.")
        cols = v.check_columns(data, list(items), f"constructs[{name!r}]")
        if not cols:
            raise ValueError(f"constructs[{name!r}] lists no items.")
        out[name] = cols
    return out


def _construct_frame(
    data: Any, constructs: Any, *, missing: str
) -> tuple[pd.DataFrame, pd.Series, dict[Hashable, list[Hashable]], int]:
    data = v.check_dataframe(data)
    spec = _check_constructs(data, constructs)
    cols = list(dict.fromkeys(c for items in spec.values() for c in items))
    data = v.likert_as_codes(data, cols, "constructs")
    v.check_numeric(data, cols, "constructs")
    clean, n_dropped = v.drop_missing(data, cols, missing=missing, argument="constructs")
    if len(clean) < 3:
        raise ValueError(f"data: at least 3 complete rows are needed, got {len(clean)}.")
    x, exponents = _float_items(clean, cols, "constructs")
    return x, exponents, spec, n_dropped


def _finish(
    out: pd.DataFrame, n_dropped: int, missing: str, after: str | None = None
) -> pd.DataFrame:
    """Add ``n_dropped`` (after column ``after``, else last) when ``missing="listwise"``."""
    if missing == "listwise":
        position = list(out.columns).index(after) + 1 if after is not None else out.shape[1]
        out.insert(position, "n_dropped", n_dropped)
    return out


# ----------------------------------------------------------------- reverse-keyed items


def _corrected_item_total(
    x: pd.DataFrame,
    exponents: pd.Series,
    items: list[Hashable],
    *,
    standardized: bool = False,
    argument: str = "items",
) -> np.ndarray:
    """Correlation of each item with the sum of the *other* items.

    The sum is taken in the items' own units (the largest item's power of two
    divided out, so nothing overflows), or over the z-scored items with
    ``standardized=True``.
    """
    arr = x[list(items)].to_numpy()
    if standardized:
        arr = (arr - arr.mean(axis=0)) / arr.std(axis=0, ddof=1)
    out = np.empty(len(items))
    for j, item in enumerate(items):
        others = [c for c in items if c != item]
        if standardized:
            rest = np.delete(arr, j, axis=1).sum(axis=1)
        else:
            rest = _common_scale(x, exponents, others).sum(axis=1)
        if np.ptp(rest) == 0:
            raise ValueError(
                f"{argument}: the items other than {item!r} ({v.format_values(others, 10)}) "
                f"sum to the same value in every row, so the correlation of {item!r} with "
                f"the rest of the scale is undefined. Drop the redundant items."
            )
        out[j] = np.corrcoef(arr[:, j], rest)[0, 1]
    return out


def _against_the_rest(x: pd.DataFrame, items: list[Hashable]) -> list[Hashable]:
    """The items that load against the majority on the first principal component.

    The component's sign is chosen so that most items (or, on a tie, the larger sum
    of loadings, then the first item) load positively.
    """
    _, vecs = np.linalg.eigh(np.corrcoef(x[list(items)].to_numpy(), rowvar=False))
    pc = vecs[:, -1]
    n_pos, n_neg = int((pc > 0).sum()), int((pc < 0).sum())
    if n_neg > n_pos or (n_neg == n_pos and (pc.sum() < 0 or (pc.sum() == 0 and pc[0] < 0))):
        pc = -pc
    return [item for item, load in zip(items, pc, strict=True) if load < 0]


def _warn_reverse_keyed(
    x: pd.DataFrame,
    exponents: pd.Series,
    spec: Mapping[Hashable, list[Hashable]],
    *,
    standardized: bool,
    argument: str,
) -> None:
    """Warn (:class:`ReverseKeyedWarning`) naming every item whose corrected
    item-total correlation is negative; ``spec`` maps a construct (or ``None``) to
    its items. The advice names the items to reverse: those that load against the
    rest on the first principal component (when half the items are reversed, every
    item correlates negatively with the sum of the others)."""
    parts, suggest = [], []
    for name, items in spec.items():
        if len(items) < 2:
            continue
        where = argument if name is None else f"{argument}[{name!r}]"
        r = _corrected_item_total(x, exponents, items, standardized=standardized, argument=where)
        bad = [(item, rj) for item, rj in zip(items, r, strict=True) if rj < 0]
        if bad:
            parts.append(f"{where}: " + ", ".join(f"{item!r} (r = {rj:.2f})" for item, rj in bad))
            suggest += _against_the_rest(x, items) or [item for item, _ in bad]
    if not parts:
        return
    suggest = list(dict.fromkeys(suggest))
    message = (
        f"item(s) correlating negatively with the sum of the other items of their scale "
        f"(corrected item-total correlation r < 0): {'; '.join(parts)}. An item worded the "
        f"other way (reverse-keyed) makes alpha and rho_c meaningless. The items "
        f"{suggest!r} load against the rest of their scale (first principal component): "
        f"if they are worded the other way, reverse them with cx.reverse_code(data, "
        f"columns={suggest!r}, scale=(low, high)) and run this again; otherwise drop the "
        f"items that do not belong. cx.item_statistics shows each item's correlation "
        f"with the rest."
    )
    warnings.warn(ReverseKeyedWarning(message, items=suggest), stacklevel=3)


# --------------------------------------------------------------------------- alpha


def cronbach_alpha(
    data: pd.DataFrame,
    *,
    items: Sequence[Hashable] | None = None,
    ci: float = 0.95,
    standardized: bool = False,
    missing: str = "raise",
    weights: Hashable | None = None,
) -> pd.DataFrame:
    """Cronbach's alpha of a set of items, with Feldt's confidence interval.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    items : list of str, optional
        Item columns (at least two). Default: every column of ``data``.
    ci : float, default 0.95
        Confidence level.
    standardized : bool, default False
        Compute alpha from the item correlations instead of covariances
        ("standardized alpha", the alpha of the z-scored items; what SPSS calls
        alpha based on standardized items and what seminr reports as alpha).
    missing : {"raise", "listwise"}, default "raise"
        Missing answers (or weights) raise ``ValueError`` unless
        ``missing="listwise"``, which drops the incomplete rows and reports the count
        in a column ``n_dropped``.
    weights : str, optional
        A column of survey weights (not an item): alpha from the weighted covariance
        matrix, Feldt's interval with Kish's effective sample size
        :math:`(\\sum w)^2/\\sum w^2` in place of ``n`` (reported as ``n_eff``). With
        integer weights alpha equals that of the data with each row repeated.

    Returns
    -------
    pandas.DataFrame
        One row: ``n``, ``n_items`` (and ``n_dropped`` with ``missing="listwise"``,
        ``n_eff`` with weights), ``alpha``, ``ci_low``, ``ci_high``.

    Warns
    -----
    ReverseKeyedWarning
        If an item correlates negatively with the sum of the other items (a negative
        corrected item-total correlation, as in :func:`item_statistics`): it is
        probably reverse-keyed; reverse it with :func:`cxresearch.reverse_code` and
        run again. Alpha is still returned.

    Notes
    -----
    With ``k`` items of covariance matrix ``C``,
    ``alpha = k / (k - 1) * (1 - tr(C) / sum(C))`` (Cronbach 1951). Feldt's (1965)
    interval uses ``(1 - alpha_pop) / (1 - alpha)`` ~ F(n - 1, (n - 1)(k - 1)):
    ``[1 - (1 - alpha) F_{1-a/2}, 1 - (1 - alpha) F_{a/2}]`` with ``a = 1 - ci``
    (the same as ``pingouin.cronbach_alpha``, which rounds it to 3 decimals).
    Standardized alpha uses the correlation matrix ``R`` in place of ``C``:
    ``k / (k - 1) * (1 - k / sum(R))``.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16(3), 297-334.

    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson
    reliability coefficient twenty. *Psychometrika*, 30(3), 357-370.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame(
    ...     {
    ...         "q1": [1, 3, 5, 2, 4, 2, 3, 3],
    ...         "q2": [1, 3, 5, 4, 4, 1, 3, 5],
    ...         "q3": [1, 2, 5, 1, 3, 1, 4, 4],
    ...     }
    ... )
    >>> print(cx.cronbach_alpha(answers).round(3).to_string(index=False))
     n  n_items  alpha  ci_low  ci_high
     8        3  0.899    0.66    0.978
    """
    from scipy import stats

    ci = v.check_level(ci)
    v.check_bool(standardized, "standardized")
    w, n_missing_w = None, 0
    if weights is not None:
        data = v.unique_index(v.check_dataframe(data))  # weights are matched to rows by label
        v.check_weights(data, weights, "weights")
        if items is not None and weights in list(items):
            raise ValueError(f"weights: {weights!r} is also one of the items.")
        data, n_missing_w = v.drop_missing(data, [weights], missing=missing, argument="weights")
        if items is None:
            items = [c for c in data.columns if c != weights]
    x, exponents, n_dropped = _item_frame(data, items, missing=missing)
    n, k = x.shape
    if weights is not None:
        w, _ = pow2_rescale(data.loc[x.index, weights].to_numpy(dtype=float))
        n_dropped += n_missing_w
    cols = list(x.columns)
    values = x.to_numpy() if standardized else _common_scale(x, exponents, cols)
    alpha = _measures.alpha(np.cov(values, rowvar=False, aweights=w), standardized)
    _warn_reverse_keyed(x, exponents, {None: cols}, standardized=standardized, argument="items")
    n_eff = n if w is None else float(w.sum() ** 2 / (w**2).sum())
    df1, df2 = n_eff - 1, (n_eff - 1) * (k - 1)
    a = 1 - ci
    low = 1 - (1 - alpha) * stats.f.isf(a / 2, df1, df2)
    high = 1 - (1 - alpha) * stats.f.isf(1 - a / 2, df1, df2)
    row = {"n": n, "n_items": k, "alpha": alpha, "ci_low": float(low), "ci_high": float(high)}
    if w is not None:
        row = {
            "n": n,
            "n_items": k,
            "n_eff": n_eff,
            **{c: row[c] for c in ("alpha", "ci_low", "ci_high")},
        }
    return _finish(pd.DataFrame([row]), n_dropped, missing, after="n_items")


def item_statistics(
    data: pd.DataFrame,
    *,
    items: Sequence[Hashable] | None = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Item means, corrected item-total correlations and alpha if an item is deleted.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    items : list of str, optional
        Item columns (at least two). Default: every column of ``data``.
    missing : {"raise", "listwise"}, default "raise"
        As in :func:`cronbach_alpha`.

    Returns
    -------
    pandas.DataFrame
        One row per item: ``item``, ``n``, ``mean``, ``std_dev``,
        ``corrected_item_total_r`` (correlation of the item with the sum of the
        *other* items) and ``alpha_if_deleted`` (NaN with only two items); and
        ``n_dropped`` after ``n`` with ``missing="listwise"``.

    Notes
    -----
    An item with a low corrected item-total correlation, or whose deletion raises
    alpha, measures something else than the rest of the scale; a negative one is
    usually reverse-keyed (reverse it with :func:`cxresearch.reverse_code`). Alpha if
    deleted is Cronbach's (1951) alpha of the remaining ``k - 1`` items.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16(3), 297-334.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame(
    ...     {
    ...         "q1": [1, 3, 5, 2, 4, 2, 3, 3],
    ...         "q2": [1, 3, 5, 4, 4, 1, 3, 5],
    ...         "q3": [1, 2, 5, 1, 3, 1, 4, 4],
    ...     }
    ... )
    >>> print(cx.item_statistics(answers).round(3).to_string(index=False))
    item  n  mean  std_dev  corrected_item_total_r  alpha_if_deleted
      q1  8 2.875    1.246                   0.850             0.838
      q2  8 3.250    1.581                   0.762             0.894
      q3  8 2.625    1.598                   0.825             0.839
    """
    x, exponents, n_dropped = _item_frame(data, items, missing=missing)
    cols = list(x.columns)
    arr = x.to_numpy()
    r_rest = _corrected_item_total(x, exponents, cols)
    rows = []
    for j, item in enumerate(cols):
        others = [c for c in cols if c != item]
        rows.append(
            {
                "item": item,
                "n": arr.shape[0],
                "mean": arr[:, j].mean(),
                "std_dev": arr[:, j].std(ddof=1),
                "corrected_item_total_r": float(r_rest[j]),
                "alpha_if_deleted": (
                    _measures.alpha(np.cov(_common_scale(x, exponents, others), rowvar=False))
                    if len(cols) > 2
                    else math.nan
                ),
            }
        )
    out = pd.DataFrame(rows)
    for col in ("mean", "std_dev"):
        out[col] = pow2_restore(out[col].to_numpy(), exponents.to_numpy(), f"items: the {col}s")
    return _finish(out, n_dropped, missing, after="n")


# ------------------------------------------------------------------------- loadings


def _one_factor_ml(r: np.ndarray) -> np.ndarray:
    """Standardized loadings of a one-factor ML model fitted to correlation matrix r."""
    from scipy import optimize

    p = r.shape[0]
    if p == 1:
        return np.array([math.nan])
    if p == 2:  # not identified: report the equal-loadings (tau-equivalent) solution
        return np.full(2, math.sqrt(r[0, 1]) if r[0, 1] > 0 else math.nan)
    # Concentrated ML over the uniquenesses psi, as R's factanal (Lawley & Maxwell):
    # for fixed psi the best loadings come from the largest eigenvalue of
    # Psi^-1/2 R Psi^-1/2, and the criterion depends on the other eigenvalues only.

    def loadings_for(psi: np.ndarray) -> np.ndarray:
        sc = 1 / np.sqrt(psi)
        vals, vecs = np.linalg.eigh(r * np.outer(sc, sc))
        return np.sqrt(psi) * vecs[:, -1] * math.sqrt(max(vals[-1] - 1, 0.0))

    def objective(psi: np.ndarray) -> tuple[float, np.ndarray]:
        sc = 1 / np.sqrt(psi)
        vals = np.linalg.eigvalsh(r * np.outer(sc, sc))[:-1]
        f = -float(np.sum(np.log(vals) - vals) - 1 + p)
        lam = loadings_for(psi)
        grad = np.diag(np.outer(lam, lam) + np.diag(psi) - r) / psi**2
        return f, grad

    start = (1 - 0.5 / p) / np.diag(np.linalg.inv(r))
    res = optimize.minimize(
        objective,
        np.clip(start, _MIN_UNIQUENESS, 1.0),
        jac=True,
        method="L-BFGS-B",
        bounds=[(_MIN_UNIQUENESS, 1.0)] * p,
        options={"ftol": 1e-14, "gtol": 1e-9, "maxiter": 1000},
    )
    psi = res.x
    _, grad = objective(psi)
    free = (psi > _MIN_UNIQUENESS + 1e-9) & (psi < 1 - 1e-9)
    if np.max(np.abs(grad[free]), initial=0.0) > 1e-4:  # pragma: no cover - not seen
        raise ConvergenceError(f"one-factor ML fit did not converge: {res.message}")
    lam = loadings_for(psi)
    lam = lam / np.sqrt(lam**2 + psi)
    return lam if lam.sum() >= 0 else -lam


def factor_loadings(
    data: pd.DataFrame,
    *,
    constructs: Mapping[Hashable, Sequence[Hashable]],
    missing: str = "raise",
) -> pd.DataFrame:
    """Standardized loadings from a one-factor maximum-likelihood fit per construct.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    constructs : dict
        ``{construct: [item columns]}``.
    missing : {"raise", "listwise"}, default "raise"
        As in :func:`cronbach_alpha` (listwise over every item of every construct).

    Returns
    -------
    pandas.DataFrame
        One row per item: ``construct``, ``item``, ``loading`` (and ``n_dropped``
        with ``missing="listwise"``).

    Raises
    ------
    ValueError
        If two items of a construct are identical or perfectly correlated, if the
        items of a construct are linearly dependent, or if the two items of a
        two-item construct correlate negatively (reverse-code one of them).

    Notes
    -----
    For each construct separately, the congeneric model ``Sigma = lambda lambda' +
    Psi`` is fitted to the item correlation matrix ``R`` by maximum likelihood
    (minimising ``log|Sigma| + tr(R Sigma^-1)``, uniquenesses bounded below by
    0.005 as in R's ``factanal``); the loadings are rescaled to unit item variance
    and signed so that they sum to a positive number. This is the same model as a
    one-factor confirmatory factor analysis (e.g. lavaan's ``cfa`` with one factor),
    so the standardized loadings agree. With three items the model is just
    identified and ``lambda_1 = sqrt(r12 r13 / r23)``. Two items do not identify
    the model; the equal-loadings solution ``sqrt(r12)`` is reported. A single
    item gives NaN. A loading at about 0.997 means the fit hit the bound (a
    Heywood case): one item carries the construct almost alone.

    In PLS-SEM, loadings are correlations of items with the PLS composite instead;
    they are larger than factor loadings, and so are rho_c and AVE computed from them.

    References
    ----------
    Joereskog, K. G. (1967). Some contributions to maximum likelihood factor
    analysis. *Psychometrika*, 32(4), 443-482.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame(
    ...     {
    ...         "q1": [1, 3, 5, 2, 4, 2, 3, 3],
    ...         "q2": [1, 3, 5, 4, 4, 1, 3, 5],
    ...         "q3": [1, 2, 5, 1, 3, 1, 4, 4],
    ...     }
    ... )
    >>> res = cx.factor_loadings(answers, constructs={"service": ["q1", "q2", "q3"]})
    >>> print(res.round(3).to_string(index=False))
    construct item  loading
      service   q1    0.927
      service   q2    0.801
      service   q3    0.899
    """
    x, _, spec, n_dropped = _construct_frame(data, constructs, missing=missing)
    rows = []
    for name, items in spec.items():
        r = np.corrcoef(x[items].to_numpy(), rowvar=False).reshape(len(items), len(items))
        _check_factorable(x, r, name, items)
        lam = _one_factor_ml(r)
        rows += [
            {"construct": name, "item": item, "loading": float(val)}
            for item, val in zip(items, lam, strict=True)
        ]
    return _finish(pd.DataFrame(rows), n_dropped, missing)


def _check_factorable(
    x: pd.DataFrame, r: np.ndarray, name: Hashable, items: list[Hashable]
) -> None:
    """Raise a ValueError naming the cause when a one-factor model cannot be fitted."""
    argument = f"constructs[{name!r}]"
    v.check_distinct_columns(x, items, argument)
    if len(items) == 2 and r[0, 1] <= 0:
        raise ValueError(
            f"{argument}: items {items[0]!r} and {items[1]!r} correlate at {r[0, 1]:.3f}; "
            f"two items measure one construct only if they correlate positively. "
            f"Reverse-code one of them (low + high - answer) if it is worded the other way."
        )
    if len(items) > 2 and np.linalg.eigvalsh(r)[0] < 1e-10:
        raise ValueError(
            f"{argument}: items {v.format_values(items, 10)} are linearly dependent (one is "
            f"a weighted sum of others, e.g. a total score), so their correlation matrix is "
            f"singular. Drop the redundant item."
        )


def _loadings_dict(loadings: Any) -> dict[Hashable, np.ndarray]:
    """Accept {construct: loadings} or a frame with construct/item/loading columns."""
    if isinstance(loadings, pd.DataFrame):
        need = {"construct", "loading"}
        if not need <= set(loadings.columns):
            raise ValueError(
                "loadings: a DataFrame needs columns 'construct' and 'loading' (as returned "
                f"by factor_loadings), got {v.format_values(loadings.columns, 10)}."
            )
        out = {
            name: g["loading"].to_numpy(dtype=float)
            for name, g in loadings.groupby("construct", sort=False)
        }
    elif isinstance(loadings, Mapping) and loadings:
        out = {}
        for name, vals in loadings.items():
            if isinstance(vals, Mapping):
                vals = list(vals.values())
            arr = np.asarray(vals, dtype=float).ravel()
            out[name] = arr
    else:
        raise TypeError(
            "loadings must be a dict {construct: [standardized loadings]} or a DataFrame "
            f"with columns construct, item, loading; got {type(loadings).__name__}."
        )
    for name, arr in out.items():
        if arr.size == 0:
            raise ValueError(f"loadings[{name!r}] is empty.")
        if arr.size > 1 and np.isnan(arr).any():  # a single item's NaN is the convention
            raise ValueError(
                f"loadings[{name!r}] has a missing value (NaN) at position(s) "
                f"{v.format_values(np.flatnonzero(np.isnan(arr)).tolist())} of {arr.size}; "
                f"rho_c and AVE need every loading of a construct."
            )
        bad = arr[np.isinf(arr) | (np.abs(arr) > 1 + 1e-9)]  # 1 + 1e-15: rounding
        if bad.size:
            raise ValueError(
                f"loadings[{name!r}]: standardized loadings must lie between -1 "
                f"and 1, got {v.format_values(bad)}."
            )
        out[name] = np.clip(arr, -1.0, 1.0)
    return out


def _resolve_loadings(
    data: Any, constructs: Any, loadings: Any, missing: str
) -> tuple[dict[Hashable, np.ndarray], int]:
    missing = v.check_missing(missing)
    if loadings is not None:
        if data is not None:
            raise ValueError(
                "give either data (with constructs, to fit loadings) or loadings, not both."
            )
        return _loadings_dict(loadings), 0
    if data is None or constructs is None:
        raise ValueError("give data and constructs (to fit loadings), or loadings.")
    fitted = factor_loadings(data, constructs=constructs, missing=missing)
    n_dropped = int(fitted["n_dropped"].iloc[0]) if missing == "listwise" else 0
    return _loadings_dict(fitted), n_dropped


def composite_reliability(
    data: pd.DataFrame | None = None,
    *,
    constructs: Mapping[Hashable, Sequence[Hashable]] | None = None,
    loadings: Any = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Composite reliability rho_c per construct from standardized loadings.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        Answers; with ``constructs``, loadings are fitted by :func:`factor_loadings`.
    constructs : dict, optional
        ``{construct: [item columns]}``.
    loadings : dict or DataFrame, optional
        Standardized loadings instead of ``data``: ``{construct: [loadings]}`` or a
        table with columns ``construct``, ``loading`` (e.g. from another program).
    missing : {"raise", "listwise"}, default "raise"
        As in :func:`cronbach_alpha`.

    Returns
    -------
    pandas.DataFrame
        One row per construct: ``construct``, ``n_items``, ``rho_c`` (and
        ``n_dropped`` when loadings are fitted with ``missing="listwise"``).

    Warns
    -----
    ReverseKeyedWarning
        With ``data``: if an item correlates negatively with the sum of the other
        (z-scored) items of its construct; see :func:`cronbach_alpha`.

    Notes
    -----
    ``rho_c = (sum lambda)^2 / ((sum lambda)^2 + sum(1 - lambda^2))``
    (Joereskog 1971; Fornell & Larcker 1981), the share of the variance of the sum
    score due to the common factor. Values of 0.7 and above are usually asked for.

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *Journal of Marketing Research*,
    18(1), 39-50.

    Examples
    --------
    >>> import cxresearch as cx
    >>> res = cx.composite_reliability(loadings={"service": [0.8, 0.7, 0.6]})
    >>> print(res.round(4).to_string(index=False))
    construct  n_items  rho_c
      service        3 0.7449
    """
    lam, n_dropped = _resolve_loadings(data, constructs, loadings, missing)
    out = pd.DataFrame(
        {
            "construct": list(lam),
            "n_items": [a.size for a in lam.values()],
            "rho_c": [_measures.rho_c(a) for a in lam.values()],
        }
    )
    if loadings is None:
        x, exponents, spec, _ = _construct_frame(data, constructs, missing=missing)
        _warn_reverse_keyed(x, exponents, spec, standardized=True, argument="constructs")
    return _finish(out, n_dropped, missing if loadings is None else "raise")


def ave(
    data: pd.DataFrame | None = None,
    *,
    constructs: Mapping[Hashable, Sequence[Hashable]] | None = None,
    loadings: Any = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Average variance extracted (AVE) per construct from standardized loadings.

    Parameters
    ----------
    data, constructs, loadings, missing
        As in :func:`composite_reliability`.

    Returns
    -------
    pandas.DataFrame
        One row per construct: ``construct``, ``n_items``, ``ave`` (and
        ``n_dropped`` when loadings are fitted with ``missing="listwise"``).

    Notes
    -----
    ``AVE = mean(lambda^2)``: the average share of an item's variance that the
    construct explains (Fornell & Larcker 1981). 0.5 or more is the usual bar for
    convergent validity.

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *Journal of Marketing Research*,
    18(1), 39-50.

    Examples
    --------
    >>> import cxresearch as cx
    >>> print(cx.ave(loadings={"service": [0.8, 0.7, 0.6]}).round(4).to_string(index=False))
    construct  n_items    ave
      service        3 0.4967
    """
    lam, n_dropped = _resolve_loadings(data, constructs, loadings, missing)
    out = pd.DataFrame(
        {
            "construct": list(lam),
            "n_items": [a.size for a in lam.values()],
            "ave": [_measures.ave(a) for a in lam.values()],
        }
    )
    return _finish(out, n_dropped, missing if loadings is None else "raise")


# ------------------------------------------------------------------------ validity


def htmt(
    data: pd.DataFrame,
    *,
    constructs: Mapping[Hashable, Sequence[Hashable]],
    absolute: bool = False,
    missing: str = "raise",
) -> pd.DataFrame:
    """Heterotrait-monotrait ratio (HTMT) for every pair of constructs.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    constructs : dict
        ``{construct: [item columns]}``, at least two constructs.
    absolute : bool, default False
        Average absolute correlations (as seminr does). The default follows
        Henseler et al. (2015), who average the correlations themselves and assume
        every item is coded in the same direction.
    missing : {"raise", "listwise"}, default "raise"
        As in :func:`cronbach_alpha`.

    Returns
    -------
    pandas.DataFrame
        One row per pair ``i < j`` (in the order of ``constructs``):
        ``construct_1``, ``construct_2``, ``htmt`` (and ``n_dropped`` with
        ``missing="listwise"``). Pivot it for a matrix:
        ``res.pivot(index="construct_2", columns="construct_1", values="htmt")``.

    Notes
    -----
    ``HTMT_ij = mean(r between items of i and items of j) /
    sqrt(mean(r among items of i) * mean(r among items of j))``, the within-construct
    means taken over the off-diagonal correlations. A single-item construct's
    monotrait mean is taken as 1 (as seminr does). Values above 0.85 (or 0.90 for
    conceptually close constructs) suggest the two do not measure different things.

    References
    ----------
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for
    assessing discriminant validity in variance-based structural equation modeling.
    *Journal of the Academy of Marketing Science*, 43(1), 115-135.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame(
    ...     {
    ...         "a1": [1, 2, 3, 4, 5, 3],
    ...         "a2": [2, 2, 3, 5, 4, 3],
    ...         "b1": [3, 1, 2, 5, 4, 4],
    ...         "b2": [2, 1, 3, 4, 5, 5],
    ...     }
    ... )
    >>> res = cx.htmt(answers, constructs={"A": ["a1", "a2"], "B": ["b1", "b2"]})
    >>> print(res.round(3).to_string(index=False))
    construct_1 construct_2  htmt
              A           B 0.863
    """
    v.check_bool(absolute, "absolute")
    x, _, spec, n_dropped = _construct_frame(data, constructs, missing=missing)
    if len(spec) < 2:
        raise ValueError(f"constructs: HTMT needs at least two constructs, got {len(spec)}.")
    r = x.corr()
    if absolute:
        r = r.abs()
    names = list(spec)
    blocks = [r.columns.get_indexer(spec[name]) for name in names]
    stack = r.to_numpy()[None]
    means = _measures.monotrait_means(stack, blocks)
    mono = {name: float(m[0]) for name, m in zip(names, means, strict=True)}
    for name, items in spec.items():
        if mono[name] <= 0:
            raise ValueError(
                f"constructs[{name!r}]: the items {v.format_values(items, 10)} correlate at "
                f"{mono[name]:.3f} on average, so HTMT (which divides by the square root of "
                f"that mean) is undefined. Reverse-code the items worded the other way, or "
                f"pass absolute=True to average absolute correlations."
            )
    values = _measures.htmt(stack, blocks, [np.array([mono[n]]) for n in names])[0]
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    rows = [
        {"construct_1": a, "construct_2": b, "htmt": float(value)}
        for (a, b), value in zip(pairs, values, strict=True)
    ]
    return _finish(pd.DataFrame(rows), n_dropped, missing)


def fornell_larcker(
    data: pd.DataFrame,
    *,
    constructs: Mapping[Hashable, Sequence[Hashable]],
    loadings: Any = None,
    scores: pd.DataFrame | None = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Fornell-Larcker criterion: sqrt(AVE) of each construct vs its correlations.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    constructs : dict
        ``{construct: [item columns]}``, at least two constructs.
    loadings : dict or DataFrame, optional
        Standardized loadings for the AVE (see :func:`composite_reliability`);
        default: fitted by :func:`factor_loadings`.
    scores : pandas.DataFrame, optional
        Construct scores, one column per construct, same rows as ``data`` (e.g. PLS
        scores). Default: the mean of each construct's items.
    missing : {"raise", "listwise"}, default "raise"
        As in :func:`cronbach_alpha`.

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``construct_1``, ``construct_2``, ``correlation`` (of the
        scores), ``sqrt_ave_1``, ``sqrt_ave_2`` and ``criterion_met`` (both square
        roots exceed the absolute correlation); and ``n_dropped`` with
        ``missing="listwise"``.

    Notes
    -----
    Discriminant validity holds for a pair when
    ``sqrt(AVE_i) > |r_ij|`` and ``sqrt(AVE_j) > |r_ij|`` (Fornell & Larcker 1981):
    each construct shares more variance with its own items than with the other
    construct. Mean scores contain measurement error, so their correlation is lower
    than the latent one and the check is lenient; HTMT is the stricter test.

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *Journal of Marketing Research*,
    18(1), 39-50.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame(
    ...     {
    ...         "a1": [1, 2, 3, 4, 5, 3],
    ...         "a2": [2, 2, 3, 5, 4, 3],
    ...         "b1": [3, 1, 2, 5, 4, 4],
    ...         "b2": [2, 1, 3, 4, 5, 5],
    ...     }
    ... )
    >>> res = cx.fornell_larcker(answers, constructs={"A": ["a1", "a2"], "B": ["b1", "b2"]})
    >>> print(res.round(3).to_string(index=False))
    construct_1 construct_2  correlation  sqrt_ave_1  sqrt_ave_2  criterion_met
              A           B        0.778        0.92       0.897           True
    """
    data = v.unique_index(v.check_dataframe(data))  # scores are matched to rows by label
    x, exponents, spec, n_dropped = _construct_frame(data, constructs, missing=missing)
    if len(spec) < 2:
        raise ValueError(
            f"constructs: Fornell-Larcker needs at least two constructs, got {len(spec)}."
        )
    if loadings is None:
        lam = _loadings_dict(factor_loadings(x, constructs=spec))
    else:
        lam = _loadings_dict(loadings)
        absent = [c for c in spec if c not in lam]
        if absent:
            raise ValueError(f"loadings: no loadings for construct(s) {v.format_values(absent)}.")
    if scores is None:
        sc = pd.DataFrame(
            {name: _common_scale(x, exponents, items).mean(axis=1) for name, items in spec.items()},
            index=x.index,
        )
    else:
        v.check_dataframe(scores, "scores")
        v.check_columns(scores, list(spec), "scores")
        if not scores.index.equals(data.index):
            if len(scores) != len(data):
                raise ValueError(
                    f"scores must have one row per row of data ({len(data)}), got {len(scores)}."
                )
            scores = scores.set_axis(data.index)
        sc = scores.loc[x.index, list(spec)]
        v.check_numeric(sc, list(spec), "scores")
        v.check_no_missing(sc, list(spec), "scores")
    r = sc[list(spec)].astype(float).corr()
    names = list(spec)
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            corr = float(r.loc[a, b])
            s1, s2 = math.sqrt(_measures.ave(lam[a])), math.sqrt(_measures.ave(lam[b]))
            rows.append(
                {
                    "construct_1": a,
                    "construct_2": b,
                    "correlation": corr,
                    "sqrt_ave_1": s1,
                    "sqrt_ave_2": s2,
                    "criterion_met": bool(s1 > abs(corr) and s2 > abs(corr)),
                }
            )
    return _finish(pd.DataFrame(rows), n_dropped, missing)


def reliability_table(
    data: pd.DataFrame,
    *,
    constructs: Mapping[Hashable, Sequence[Hashable]],
    loadings: Any = None,
    standardized: bool = False,
    missing: str = "raise",
) -> pd.DataFrame:
    """One row per construct: Cronbach's alpha, composite reliability and AVE.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    constructs : dict
        ``{construct: [item columns]}``.
    loadings : dict or DataFrame, optional
        Standardized loadings for rho_c and AVE (e.g. PLS loadings from seminr);
        default: one-factor ML loadings from :func:`factor_loadings`.
    standardized : bool, default False
        Standardized alpha (from correlations), as in :func:`cronbach_alpha`.
    missing : {"raise", "listwise"}, default "raise"
        As in :func:`cronbach_alpha` (listwise over all items, so every row of the
        table rests on the same respondents).

    Returns
    -------
    pandas.DataFrame
        ``construct``, ``n_items``, ``n`` (and ``n_dropped`` with
        ``missing="listwise"``), ``alpha``, ``rho_c``, ``ave``.

    Warns
    -----
    ReverseKeyedWarning
        If an item correlates negatively with the sum of the other items of its
        construct (z-scored with ``standardized=True``); see :func:`cronbach_alpha`.

    Notes
    -----
    ``alpha`` as in :func:`cronbach_alpha` (NaN for a single item), ``rho_c`` as in
    :func:`composite_reliability`, ``ave`` as in :func:`ave`. Alpha assumes equal
    loadings (tau-equivalence); rho_c weights by the loadings, so rho_c >= alpha
    roughly when loadings differ. Usual bars: alpha and rho_c >= 0.7, AVE >= 0.5.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16(3), 297-334.

    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *Journal of Marketing Research*,
    18(1), 39-50.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame(
    ...     {
    ...         "q1": [1, 3, 5, 2, 4, 2, 3, 3],
    ...         "q2": [1, 3, 5, 4, 4, 1, 3, 5],
    ...         "q3": [1, 2, 5, 1, 3, 1, 4, 4],
    ...     }
    ... )
    >>> res = cx.reliability_table(answers, constructs={"service": ["q1", "q2", "q3"]})
    >>> print(res.round(3).to_string(index=False))
    construct  n_items  n  alpha  rho_c  ave
      service        3  8  0.899  0.909 0.77
    """
    v.check_bool(standardized, "standardized")
    x, exponents, spec, n_dropped = _construct_frame(data, constructs, missing=missing)
    if loadings is None:
        lam = _loadings_dict(factor_loadings(x, constructs=spec))
    else:
        lam = _loadings_dict(loadings)
        absent = [c for c in spec if c not in lam]
        if absent:
            raise ValueError(f"loadings: no loadings for construct(s) {v.format_values(absent)}.")
        wrong = [c for c in spec if lam[c].size != len(spec[c])]
        if wrong:
            raise ValueError(
                f"loadings: construct(s) {v.format_values(wrong)} have a different number "
                f"of loadings than items."
            )
    rows = []
    for name, items in spec.items():
        values = x[items].to_numpy() if standardized else _common_scale(x, exponents, items)
        alpha = (
            _measures.alpha(np.cov(values, rowvar=False), standardized)
            if len(items) > 1
            else math.nan
        )
        rows.append(
            {
                "construct": name,
                "n_items": len(items),
                "n": len(x),
                "alpha": alpha,
                "rho_c": _measures.rho_c(lam[name]),
                "ave": _measures.ave(lam[name]),
            }
        )
    _warn_reverse_keyed(x, exponents, spec, standardized=standardized, argument="constructs")
    return _finish(pd.DataFrame(rows), n_dropped, missing, after="n")
