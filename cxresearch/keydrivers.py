"""Key-driver analysis: which experience drivers matter most for the outcome?

Regression coefficients answer "what happens if this driver moves and the others
stay put"; with correlated drivers (staff, atmosphere and assortment usually move
together) they are a poor answer to "which driver matters most". This module
splits the model's R² among the drivers instead:

* :func:`dominance_analysis` -- general dominance, the Shapley value of R² (also
  called LMG), exact over all :math:`2^p` subsets of drivers, with optional
  bootstrap intervals; :func:`conditional_dominance` and :func:`complete_dominance`
  give the finer comparisons of Azen & Budescu (2003).
* :func:`relative_weights` -- Johnson's (2000) relative weights, a fast
  approximation to the same split.
* :func:`importance_performance` -- importance-performance analysis (Martilla &
  James 1977): derived importance against mean performance, in four quadrants.
* :func:`penalty_reward` -- penalty-reward contrast analysis (Brandt 1987) and a
  Kano-style classification of drivers as basic, performance or excitement
  factors (Kano et al. 1984).

All subsets are computed from the correlation matrix with the sweep operator, one
driver at a time: the subsets whose largest driver is :math:`m` are the subsets of
the first :math:`m` drivers with :math:`m` swept in, so each level is one array
operation over :math:`2^m` small matrices and no regression is ever refitted.

Every column is divided by a power of two of its own before anything is squared
(exact, and correlations do not change), so drivers in huge or tiny units (1e200,
1e-200) give the same importances as in ordinary ones instead of overflowing.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _bootstrap as boot
from . import _design
from . import _validate as v
from ._numeric import pow2_rescale, pow2_rescale_columns, pow2_restore
from ._result import Result

__all__ = [
    "IPAResult",
    "ImportanceResult",
    "PenaltyRewardResult",
    "complete_dominance",
    "conditional_dominance",
    "dominance_analysis",
    "importance_performance",
    "penalty_reward",
    "relative_weights",
]

MAX_DRIVERS = 24  # 2^24 subsets: 128 MiB of R² values
_BATCH_CELLS = 20_000_000  # floats held at once by the batched computations


# --------------------------------------------------------------------------- results


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class ImportanceResult(Result):
    """What :func:`dominance_analysis` and :func:`relative_weights` return.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per driver: ``term, estimate, share, rank`` and, with a bootstrap,
        ``std_error, ci_low, ci_high``.
    method : str
        ``"dominance"`` or ``"relative_weights"``.
    r_squared : float
        R² of the regression on all the drivers (the sum of the estimates).
    n : int
        Rows used.
    n_dropped : int
        Incomplete rows dropped (``missing="listwise"``).
    n_boot : int
        Bootstrap resamples (0: none).
    n_redrawn : int
        Degenerate resamples (a driver or the outcome lost its variation, or the
        drivers became collinear) that were drawn again.
    ci : float
        Confidence level of the bootstrap intervals.
    """

    method: str
    r_squared: float
    n: int
    n_dropped: int
    n_boot: int
    n_redrawn: int
    ci: float


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class IPAResult(Result):
    """What :func:`importance_performance` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        ``term, importance, performance, quadrant``.
    importance_cut, performance_cut : float
        Where the quadrant lines cross.
    importance : str
        How importance was derived: ``"dominance"``, ``"relative_weights"`` or
        ``"correlation"``.
    n : int
        Rows used.
    n_dropped : int
        Incomplete rows dropped (``missing="listwise"``).
    """

    importance_cut: float
    performance_cut: float
    importance: str
    n: int
    n_dropped: int


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class PenaltyRewardResult(Result):
    """What :func:`penalty_reward` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per attribute (see :func:`penalty_reward`).
    r_squared : float
        R² of the dummy-variable regression (weighted with ``weights``).
    n : int
        Rows used.
    n_dropped : int
        Incomplete rows dropped (``missing="listwise"``).
    ci : float
        Confidence level; an effect is significant when its p-value is below ``1 - ci``.
    asymmetry_cut : float
        The threshold ``a`` on the impact-asymmetry index.
    robust : str or None
        Covariance type of the regression.
    weights : str or None
        The survey-weight column (a weighted least-squares fit), or None.
    """

    r_squared: float
    n: int
    n_dropped: int
    ci: float
    asymmetry_cut: float
    robust: str | None
    weights: Hashable | None = None


# --------------------------------------------------------------------------- input


def _prepare(
    data: Any,
    y: Hashable,
    x: Hashable | Sequence[Hashable] | None,
    missing: str,
    *,
    max_p: int | None,
    weights: Hashable | None = None,
) -> tuple[np.ndarray, list[Hashable], int, np.ndarray | None]:
    """Checked numeric matrix [x_1..x_p, y], the driver names, the rows dropped, weights."""
    data = v.check_dataframe(data)
    if weights is not None:
        v.check_weights(data, weights, "weights")
    v.check_columns(data, [y], "y")
    if x is None:
        drivers = [
            c
            for c in data.columns
            if c != y
            and pd.api.types.is_numeric_dtype(data[c].dtype)
            and not pd.api.types.is_bool_dtype(data[c].dtype)
        ]
    else:
        drivers = v.check_columns(data, x, "x")
    if y in drivers:
        raise ValueError(f"x: the outcome {y!r} cannot also be a driver.")
    if len(drivers) < 2:
        raise ValueError(
            f"x: key-driver analysis splits R² among at least 2 drivers, got {len(drivers)} "
            f"({v.format_values(drivers)})."
        )
    if max_p is not None and len(drivers) > max_p:
        raise ValueError(
            f"x: exact dominance analysis covers all 2^p subsets and allows at most {max_p} "
            f"drivers, got {len(drivers)}. Use relative_weights(...) for more drivers."
        )
    v.check_numeric(data, [y], "y")
    v.check_numeric(data, drivers, "x")
    if weights is not None and weights in [*drivers, y]:
        raise ValueError(f"weights: {weights!r} is also a driver or the outcome.")
    extra = [] if weights is None else [weights]
    clean, n_dropped = v.drop_missing(data, [*drivers, y, *extra], missing=missing, argument="data")
    values = clean[[*drivers, y]].to_numpy(dtype=float)
    if weights is not None:
        v.check_weight_spread(clean[weights].to_numpy(dtype=float), weights)
    # survey weights matter only relative to each other: a power of two keeps sums finite
    w = None if weights is None else pow2_rescale(clean[weights].to_numpy(dtype=float))[0]
    if w is not None and not (w > 0).sum() >= len(drivers) + 2:
        raise ValueError(
            f"weights: only {(w > 0).sum()} row(s) have a positive weight; at least "
            f"{len(drivers) + 2} are needed."
        )
    n = values.shape[0]
    if n < len(drivers) + 2:
        raise ValueError(
            f"too few rows: {n} complete row(s) for {len(drivers)} drivers; at least "
            f"{len(drivers) + 2} are needed (and many more for stable importances)."
        )
    v.check_finite(clean, [*drivers, y], "data")
    v.check_not_constant(clean, [*drivers, y], "data")
    _design.check_rank(
        np.hstack([np.ones((n, 1)), pow2_rescale_columns(values[:, :-1])[0]]),
        ["Intercept", *map(str, drivers)],
    )
    return values, drivers, n_dropped, w


def _boot_corr(values: np.ndarray, grams: np.ndarray, chunk: int):
    """Yield stacks of correlation matrices of bootstrap resamples, ``chunk`` at a time.

    ``grams`` are the cross products of ``[1, z]`` (``z`` the standardised columns)
    from :func:`cxresearch._bootstrap.resampled_cross_products`.
    """
    for start in range(0, len(grams), chunk):
        gram = grams[start : start + chunk]
        total = gram[:, 0, 0][:, None]  # n, or the total weight of the resample
        mean = gram[:, 0, 1:] / total
        cov = gram[:, 1:, 1:] / total[:, :, None] - mean[:, :, None] * mean[:, None, :]
        sd = np.sqrt(np.einsum("bii->bi", cov))
        yield cov / sd[:, :, None] / sd[:, None, :]


# --------------------------------------------------------------------------- all subsets


def _popcount(p: int) -> np.ndarray:
    """Number of drivers in each subset, indexed by bit mask (bit j = driver j)."""
    pc = np.zeros(1 << p, dtype=np.int64)
    for b in range(p):
        pc[1 << b : 1 << (b + 1)] = pc[: 1 << b] + 1
    return pc


def all_subsets_r2(corr: np.ndarray) -> np.ndarray:
    """R² of every subset of drivers, from correlation matrices of [x_1..x_p, y].

    ``corr`` has shape ``(p+1, p+1)`` or ``(B, p+1, p+1)`` (the outcome last). The
    result has shape ``(2**p,)`` or ``(B, 2**p)``; entry ``mask`` is the R² of the
    regression of y on the drivers whose bits are set in ``mask`` (entry 0 is 0).

    Sweep operator: with :math:`C` the residual correlation matrix after the drivers
    of :math:`S` are partialled out, adding driver :math:`m` raises R² by
    :math:`C_{my}^2 / C_{mm}` and leaves :math:`C - C_{\\cdot m} C_{m \\cdot} / C_{mm}`.
    Subsets with largest driver :math:`m` are the masks :math:`2^m \\dots 2^{m+1}-1`,
    each the sweep of the mask :math:`2^m` below it, so the whole table takes
    :math:`p` array steps.
    """
    corr = np.asarray(corr, dtype=float)
    single = corr.ndim == 2
    if single:
        corr = corr[None]
    batch, r, _ = corr.shape
    p = r - 1
    r2 = np.zeros((batch, 1 << p))
    states = corr.copy()[:, None]  # (B, 2^m, p-m+1, p-m+1): variables m..p-1 and y
    for m in range(p):
        piv = states[:, :, 0, 0]
        col = states[:, :, 1:, 0]
        size = 1 << m
        r2[:, size : 2 * size] = r2[:, :size] + col[:, :, -1] ** 2 / piv
        swept = states[:, :, 1:, 1:] - col[..., :, None] * col[..., None, :] / piv[..., None, None]
        states = np.concatenate([states[:, :, 1:, 1:], swept], axis=1)
    return r2[0] if single else r2


def _contributions(r2: np.ndarray, p: int, j: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks without driver j, and R²(S + j) - R²(S) for each (last axis)."""
    masks = np.arange(1 << p)
    without = masks[(masks >> j) & 1 == 0]
    return without, r2[..., without | (1 << j)] - r2[..., without]


def _general(r2: np.ndarray, p: int) -> np.ndarray:
    """General dominance (Shapley values of R²); last axis = drivers."""
    pc = _popcount(p)
    out = np.empty((*r2.shape[:-1], p))
    for j in range(p):
        without, inc = _contributions(r2, p, j)
        k = pc[without]
        weights = 1.0 / (p * np.array([math.comb(p - 1, i) for i in range(p)]))[k]
        out[..., j] = inc @ weights
    return out


def _checked_corr(values: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """Correlation matrix of the columns (weighted with survey weights ``w``).

    Computed on each column divided by its own power of two (exact; the correlations
    are the same), so columns in units of 1e200 or 1e-200 neither overflow nor
    underflow when squared.
    """
    values, _ = pow2_rescale_columns(values)
    if w is None:
        return np.corrcoef(values, rowvar=False)
    cov = np.cov(values, rowvar=False, aweights=w)
    sd = np.sqrt(np.diag(cov))
    return cov / sd[:, None] / sd[None, :]


def _bootstrap(
    values: np.ndarray,
    names: list[Hashable],
    stat,
    n_boot: int,
    seed: Any,
    level: float,
    cells: int,
    w: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], int]:
    """Bootstrap ``stat`` (a function of stacked correlation matrices).

    Returns the columns ``std_error, ci_low, ci_high`` and the number of degenerate
    resamples redrawn. ``cells`` is about how many floats ``stat`` holds per
    resample; it sets the chunk size so that memory stays bounded.
    """
    n, r = values.shape
    boot.check_rows(n, r, "a key-driver model", hint=", or use n_boot=0")
    rng = v.make_rng(seed)
    values, _ = pow2_rescale_columns(values)  # exact; z is the same, without overflow
    mean = np.average(values, axis=0, weights=w)
    z = (values - mean) / np.sqrt(np.average((values - mean) ** 2, axis=0, weights=w))
    z = np.hstack([np.ones((n, 1)), z])
    grams, n_redrawn = boot.resampled_cross_products(
        z, n_boot, rng, names=names, predictors=range(r - 1), weights=w
    )
    chunk = max(1, _BATCH_CELLS // cells)
    parts = [stat(c) for c in _boot_corr(values, grams, chunk)]
    return boot.percentile_columns(np.concatenate(parts, axis=0), level), n_redrawn


# --------------------------------------------------------------------------- dominance


def dominance_analysis(
    data: pd.DataFrame,
    *,
    y: Hashable,
    x: Hashable | Sequence[Hashable] | None = None,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    missing: str = "raise",
    weights: Hashable | None = None,
) -> ImportanceResult:
    """General dominance weights: the exact Shapley (LMG) split of R² among the drivers.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent. Not modified.
    y : str
        The outcome (e.g. overall satisfaction).
    x : list of str, optional
        The drivers (2 to 24). Default: every other numeric column.
    n_boot : int, default 0
        Bootstrap resamples for standard errors and percentile intervals (0: none; at
        most 10**6).
        A resample in which a driver or the outcome does not vary (a rare 0/1 driver
        can go missing from a resample) or the drivers are collinear is drawn again
        and counted in ``n_redrawn``; if most resamples are degenerate, or there are
        too few rows to bootstrap, a ``ValueError`` says so.
    ci : float, default 0.95
        Confidence level of the bootstrap intervals.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Randomness for the bootstrap.
    missing : {"raise", "listwise"}, default "raise"
        Missing values (also in ``weights``) raise ``ValueError``; with
        ``"listwise"`` incomplete rows are dropped and counted in ``n_dropped``.
    weights : str, optional
        A column of survey weights (finite, non-negative): the correlations are
        weighted, and each bootstrap resample carries its rows' weights. With integer
        weights the result equals the analysis of the data with each row repeated
        that many times.

    Returns
    -------
    ImportanceResult
        ``.table``: one row per driver, in the order of ``x``: ``term, estimate``
        (general dominance, in R² units), ``share`` (estimate / R²; the shares sum
        to 1) and ``rank`` (1 = most important); with ``n_boot > 0`` also
        ``std_error, ci_low, ci_high`` (of ``estimate``). Attributes ``r_squared``,
        ``n``, ``n_dropped``, ``n_boot``, ``n_redrawn``, ``ci``.

    Notes
    -----
    With :math:`P` the set of :math:`p` drivers and :math:`R^2(S)` the R² of the
    regression on :math:`S`, driver :math:`j`'s general dominance is

    .. math:: GD_j = \\frac1p \\sum_{k=0}^{p-1} \\binom{p-1}{k}^{-1}
              \\sum_{S \\subseteq P\\setminus\\{j\\},\\,|S|=k} [R^2(S\\cup\\{j\\}) - R^2(S)],

    the average, over subset sizes, of the average gain from adding :math:`j`; it is
    the Shapley value of the game :math:`R^2(\\cdot)`, and :math:`\\sum_j GD_j =
    R^2(P)` (Budescu 1993; Azen & Budescu 2003; Grömping 2007). All :math:`2^p`
    R² values come from the correlation matrix (see :func:`all_subsets_r2`), so
    :math:`p = 20` takes about a second.

    References
    ----------
    Budescu, D. V. (1993). Dominance analysis: A new approach to the problem of
    relative importance of predictors in multiple regression. *Psychological
    Bulletin*, 114(3), 542-551.

    Azen, R., & Budescu, D. V. (2003). The dominance analysis approach for comparing
    predictors in multiple regression. *Psychological Methods*, 8(2), 129-148.

    Grömping, U. (2007). Estimators of relative importance in linear regression
    based on variance decomposition. *The American Statistician*, 61(2), 139-147.

    Examples
    --------
    >>> rng = np.random.default_rng(5)
    >>> d = pd.DataFrame(rng.normal(size=(500, 3)), columns=["staff", "price", "atmosphere"])
    >>> d["satisfaction"] = d @ [0.6, 0.3, 0.1] + rng.normal(size=500)
    >>> res = dominance_analysis(d, y="satisfaction")
    >>> res.table.round(3)
             term  estimate  share  rank
    0       staff     0.221  0.780     1
    1       price     0.055  0.196     2
    2  atmosphere     0.007  0.024     3
    >>> round(res.r_squared, 3)
    0.283
    """
    values, drivers, n_dropped, w = _prepare(
        data, y, x, missing, max_p=MAX_DRIVERS, weights=weights
    )
    ci = v.check_level(ci)
    n_boot = v.check_resample_count(n_boot, "n_boot", minimum=0)
    p = len(drivers)
    r2 = all_subsets_r2(_checked_corr(values, w))
    gd = _general(r2, p)
    out = pd.DataFrame({"term": drivers, "estimate": gd, "share": gd / r2[-1]})
    out["rank"] = out["estimate"].rank(ascending=False, method="min").astype(int)
    n_redrawn = 0
    if n_boot:
        columns, n_redrawn = _bootstrap(
            values,
            [*drivers, y],
            lambda c: _general(all_subsets_r2(c), p),
            n_boot,
            seed,
            ci,
            cells=6 * (1 << p) + 4 * (p + 1) ** 2,
            w=w,
        )
        out = out.assign(**columns)
    return ImportanceResult(
        table=out,
        method="dominance",
        r_squared=float(r2[-1]),
        n=len(values),
        n_dropped=int(n_dropped),
        n_boot=n_boot,
        n_redrawn=int(n_redrawn),
        ci=ci,
    )


def conditional_dominance(
    data: pd.DataFrame,
    *,
    y: Hashable,
    x: Hashable | Sequence[Hashable] | None = None,
    missing: str = "raise",
    weights: Hashable | None = None,
) -> pd.DataFrame:
    """Conditional dominance: each driver's average R² gain, by the number of other drivers.

    Parameters
    ----------
    data, y, x, missing, weights
        As in :func:`dominance_analysis`.

    Returns
    -------
    pandas.DataFrame
        Long format, ``term, k, estimate``: the average of :math:`R^2(S\\cup\\{j\\}) -
        R^2(S)` over the subsets :math:`S` of the other drivers with :math:`|S| = k`,
        for :math:`k = 0, \\dots, p-1`. ``k = 0`` is the squared correlation with
        the outcome, ``k = p-1`` the gain over all other drivers; the mean over
        ``k`` is the general dominance. Driver :math:`i` conditionally dominates
        :math:`j` if its row is larger at every ``k`` (Azen & Budescu 2003). With
        ``missing="listwise"`` also ``n_dropped`` (the same on every row).

    Examples
    --------
    >>> d = pd.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [2, 1, 4, 3, 6.0], "y": [1, 3, 2, 5, 6.0]})
    >>> conditional_dominance(d, y="y").round(3)
      term  k  estimate
    0    a  0     0.837
    1    a  1     0.545
    2    b  0     0.362
    3    b  1     0.070
    """
    values, drivers, n_dropped, w = _prepare(
        data, y, x, missing, max_p=MAX_DRIVERS, weights=weights
    )
    p = len(drivers)
    r2 = all_subsets_r2(_checked_corr(values, w))
    pc = _popcount(p)
    rows = []
    for j, term in enumerate(drivers):
        without, inc = _contributions(r2, p, j)
        means = np.bincount(pc[without], weights=inc, minlength=p) / np.bincount(
            pc[without], minlength=p
        )
        rows.extend({"term": term, "k": k, "estimate": float(means[k])} for k in range(p))
    out = pd.DataFrame(rows)
    return out.assign(n_dropped=n_dropped) if missing == "listwise" else out


def complete_dominance(
    data: pd.DataFrame,
    *,
    y: Hashable,
    x: Hashable | Sequence[Hashable] | None = None,
    missing: str = "raise",
    weights: Hashable | None = None,
) -> pd.DataFrame:
    """Complete dominance between every pair of drivers.

    Parameters
    ----------
    data, y, x, missing, weights
        As in :func:`dominance_analysis`.

    Returns
    -------
    pandas.DataFrame
        A square table, rows and columns the drivers: entry ``(i, j)`` is 1 if
        driver ``i`` completely dominates ``j`` (adds more R² than ``j`` to every
        subset of the other drivers, the empty one included), 0 if ``j`` completely
        dominates ``i``, and 0.5 if neither does (undetermined). The diagonal is
        missing. (A square table has no room for ``n_dropped``: with
        ``missing="listwise"`` :func:`dominance_analysis` reports it for the same rows.)

    Notes
    -----
    :math:`i` completely dominates :math:`j` when :math:`R^2(S\\cup\\{i\\}) >
    R^2(S\\cup\\{j\\})` for all :math:`S \\subseteq P \\setminus \\{i, j\\}` (Budescu
    1993; Azen & Budescu 2003). Complete implies conditional implies general
    dominance.

    Examples
    --------
    >>> d = pd.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [2, 1, 4, 3, 6.0], "y": [1, 3, 2, 5, 6.0]})
    >>> complete_dominance(d, y="y")
         a    b
    a  NaN  1.0
    b  0.0  NaN
    """
    values, drivers, _, w = _prepare(data, y, x, missing, max_p=MAX_DRIVERS, weights=weights)
    p = len(drivers)
    r2 = all_subsets_r2(_checked_corr(values, w))
    masks = np.arange(1 << p)
    out = np.full((p, p), np.nan)
    for i in range(p):
        for j in range(i + 1, p):
            rest = masks[(((masks >> i) & 1) == 0) & (((masks >> j) & 1) == 0)]
            diff = r2[rest | (1 << i)] - r2[rest | (1 << j)]
            tol = 1e-12
            if np.all(diff > tol):
                out[i, j], out[j, i] = 1.0, 0.0
            elif np.all(diff < -tol):
                out[i, j], out[j, i] = 0.0, 1.0
            else:
                out[i, j] = out[j, i] = 0.5
    return pd.DataFrame(out, index=list(drivers), columns=list(drivers))


# --------------------------------------------------------------------------- relative weights


def _relative_weights(corr: np.ndarray) -> np.ndarray:
    """Johnson's raw relative weights for correlation matrices (last axis = drivers)."""
    rxx = corr[..., :-1, :-1]
    rxy = corr[..., :-1, -1]
    evals, evecs = np.linalg.eigh(rxx)
    evals = np.clip(evals, 0, None)
    lam = (evecs * np.sqrt(evals)[..., None, :]) @ np.swapaxes(evecs, -1, -2)  # R^{1/2}
    beta = np.linalg.solve(lam, rxy[..., None])[..., 0]
    return np.einsum("...jk,...k->...j", lam**2, beta**2)


def relative_weights(
    data: pd.DataFrame,
    *,
    y: Hashable,
    x: Hashable | Sequence[Hashable] | None = None,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    missing: str = "raise",
    weights: Hashable | None = None,
) -> ImportanceResult:
    """Johnson's relative weights: R² split through an orthogonal copy of the drivers.

    Parameters
    ----------
    data, y, x, n_boot, ci, seed, missing, weights
        As in :func:`dominance_analysis` (any number of drivers >= 2).

    Returns
    -------
    ImportanceResult
        ``.table``: ``term, estimate`` (raw relative weight, R² units), ``share``
        (rescaled to sum to 1) and ``rank``; with ``n_boot > 0`` also ``std_error,
        ci_low, ci_high``. Attributes ``r_squared``, ``n``, ``n_dropped``,
        ``n_boot``, ``n_redrawn``, ``ci``.

    Notes
    -----
    With :math:`R_{xx} = Q \\Lambda Q'`, let :math:`\\Lambda^* = R_{xx}^{1/2} = Q
    \\Lambda^{1/2} Q'` (the correlations between the drivers and their closest
    orthonormal counterparts :math:`Z`), and :math:`\\beta^* = \\Lambda^{*-1} r_{xy}`
    the regression of :math:`y` on :math:`Z`. The raw weight of driver :math:`j` is
    :math:`\\varepsilon_j = \\sum_k \\lambda^{*2}_{jk} \\beta^{*2}_k`, and
    :math:`\\sum_j \\varepsilon_j = R^2` (Johnson 2000). The weights are usually close
    to the general dominance weights; bootstrap intervals follow Tonidandel,
    LeBreton & Johnson (2009) and Tonidandel & LeBreton (2011).

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
    predictor variables in multiple regression. *Multivariate Behavioral Research*,
    35(1), 1-19.

    Tonidandel, S., & LeBreton, J. M. (2011). Relative importance analysis: A useful
    supplement to regression analysis. *Journal of Business and Psychology*, 26(1),
    1-9.

    Tonidandel, S., LeBreton, J. M., & Johnson, J. W. (2009). Determining the
    statistical significance of relative weights. *Psychological Methods*, 14(4),
    387-399.

    Examples
    --------
    >>> rng = np.random.default_rng(5)
    >>> d = pd.DataFrame(rng.normal(size=(500, 3)), columns=["staff", "price", "atmosphere"])
    >>> d["satisfaction"] = d @ [0.6, 0.3, 0.1] + rng.normal(size=500)
    >>> relative_weights(d, y="satisfaction").table.round(3)
             term  estimate  share  rank
    0       staff     0.221  0.780     1
    1       price     0.055  0.195     2
    2  atmosphere     0.007  0.025     3
    """
    values, drivers, n_dropped, w = _prepare(data, y, x, missing, max_p=None, weights=weights)
    ci = v.check_level(ci)
    n_boot = v.check_resample_count(n_boot, "n_boot", minimum=0)
    corr = _checked_corr(values, w)
    rw = _relative_weights(corr)
    r2 = float(corr[:-1, -1] @ np.linalg.solve(corr[:-1, :-1], corr[:-1, -1]))
    out = pd.DataFrame({"term": drivers, "estimate": rw, "share": rw / rw.sum()})
    out["rank"] = out["estimate"].rank(ascending=False, method="min").astype(int)
    n_redrawn = 0
    if n_boot:
        columns, n_redrawn = _bootstrap(
            values,
            [*drivers, y],
            _relative_weights,
            n_boot,
            seed,
            ci,
            cells=8 * (len(drivers) + 1) ** 2,
            w=w,
        )
        out = out.assign(**columns)
    return ImportanceResult(
        table=out,
        method="relative_weights",
        r_squared=r2,
        n=len(values),
        n_dropped=int(n_dropped),
        n_boot=n_boot,
        n_redrawn=int(n_redrawn),
        ci=ci,
    )


# --------------------------------------------------------------------------- IPA


#: Quadrant names of importance-performance analysis (Martilla & James 1977), keyed by
#: (importance at or above the cut, performance at or above the cut).
QUADRANTS = {
    (True, False): "concentrate here",
    (True, True): "keep up the good work",
    (False, False): "low priority",
    (False, True): "possible overkill",
}


def importance_performance(
    data: pd.DataFrame,
    *,
    y: Hashable,
    x: Sequence[Hashable],
    importance: str = "dominance",
    cut: str | tuple[float, float] = "mean",
    missing: str = "raise",
    weights: Hashable | None = None,
) -> IPAResult:
    """Importance-performance analysis: derived importance against mean performance.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent: the attribute ratings ``x`` and the overall
        outcome ``y``. Not modified.
    y : str
        The overall outcome the importance is derived from.
    x : list of str
        The attribute ratings (performance), on a common scale.
    importance : {"dominance", "relative_weights", "correlation"}, default "dominance"
        Derived importance: the share of R² (general dominance or relative
        weights), or the correlation with ``y``.
    cut : "mean", "median" or (importance, performance), default "mean"
        Where the quadrant lines cross: the mean or median of the attributes'
        importances and performances, or two given numbers.
    missing : {"raise", "listwise"}, default "raise"
        As in :func:`dominance_analysis`.
    weights : str, optional
        Survey weights: weighted importances (as in :func:`dominance_analysis`) and
        weighted mean performance.

    Returns
    -------
    IPAResult
        ``.table``: ``term, importance, performance, quadrant`` with the quadrants
        of Martilla & James (1977): ``"concentrate here"`` (important, performing
        below the cut), ``"keep up the good work"``, ``"low priority"``,
        ``"possible overkill"`` (unimportant but performing well). Ties with a cut
        count as high. Attributes ``importance_cut``, ``performance_cut``,
        ``importance``, ``n``, ``n_dropped``. Draw it with
        :func:`cxresearch.plots.plot_importance_performance`.

    Notes
    -----
    Performance is the mean rating :math:`\\bar x_j`; importance is derived
    statistically rather than asked, since stated importance tends to be high for
    everything. Points are compared with the cross-hairs :math:`(c_I, c_P)`.

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis.
    *Journal of Marketing*, 41(1), 77-79.

    Examples
    --------
    >>> rng = np.random.default_rng(6)
    >>> d = pd.DataFrame(rng.normal(size=(400, 3)), columns=["staff", "price", "atmosphere"])
    >>> d["satisfaction"] = d @ [0.6, 0.3, 0.1] + rng.normal(size=400)
    >>> d = d + [4.0, 5.0, 6.0, 0.0]
    >>> ipa = importance_performance(d, y="satisfaction", x=["staff", "price", "atmosphere"])
    >>> ipa.table.round(2)
             term  importance  performance           quadrant
    0       staff        0.77         3.95   concentrate here
    1       price        0.19         5.02  possible overkill
    2  atmosphere        0.03         6.02  possible overkill
    >>> round(ipa.importance_cut, 3), round(ipa.performance_cut, 2)
    (0.333, 4.99)
    """
    v.check_one_of(importance, ("dominance", "relative_weights", "correlation"), "importance")
    if importance == "correlation":
        values, drivers, n_dropped, w = _prepare(data, y, x, missing, max_p=None, weights=weights)
        imp = _checked_corr(values, w)[:-1, -1]
    else:
        fn = dominance_analysis if importance == "dominance" else relative_weights
        res = fn(data, y=y, x=x, missing=missing, weights=weights)
        values, drivers, n_dropped, w = _prepare(data, y, x, missing, max_p=None, weights=weights)
        imp = res.table["share"].to_numpy()
    scaled, exponents = pow2_rescale_columns(values[:, :-1])
    perf = pow2_restore(np.average(scaled, axis=0, weights=w), exponents, "x: a mean performance")
    if isinstance(cut, str):
        v.check_one_of(cut, ("mean", "median"), "cut")
        agg = np.mean if cut == "mean" else np.median
        perf_scaled, e = pow2_rescale(perf)  # the mean of 1e308s overflows
        cut_i, cut_p = float(agg(imp)), float(pow2_restore(agg(perf_scaled), e, "cut"))
    else:
        if not isinstance(cut, Sequence) or len(cut) != 2:
            raise TypeError(
                f"cut must be 'mean', 'median' or a pair of numbers (importance, "
                f"performance), got {cut!r}."
            )
        cut_i = v.check_number(cut[0], "cut[0] (importance)")
        cut_p = v.check_number(cut[1], "cut[1] (performance)")
    quadrant = [
        QUADRANTS[(bool(i >= cut_i), bool(p >= cut_p))] for i, p in zip(imp, perf, strict=True)
    ]
    out = pd.DataFrame(
        {"term": drivers, "importance": imp, "performance": perf, "quadrant": quadrant}
    )
    return IPAResult(
        table=out,
        importance_cut=cut_i,
        performance_cut=cut_p,
        importance=importance,
        n=len(values),
        n_dropped=int(n_dropped),
    )


# --------------------------------------------------------------------------- PRCA / Kano


def _thresholds(value: Any, drivers: list[Hashable], name: str) -> dict[Hashable, float]:
    if isinstance(value, Mapping):
        missing = [d for d in drivers if d not in value]
        if missing:
            raise ValueError(f"{name}: no threshold given for {v.format_values(missing)}.")
        out = {d: value[d] for d in drivers}
    else:
        out = dict.fromkeys(drivers, value)
    for d, t in out.items():
        if isinstance(t, bool) or not isinstance(t, int | float | np.integer | np.floating):
            raise TypeError(f"{name}: the threshold for {d!r} must be a number, got {t!r}.")
    return {d: float(t) for d, t in out.items()}


KANO_CLASSES = ("basic", "performance", "excitement", "indifferent", "unexpected")


def _kano(pen: float, rew: float, p_pen: float, p_rew: float, level: float, cut: float) -> str:
    """The class of one attribute under the sign rules of :func:`penalty_reward`."""
    sig_pen, sig_rew = p_pen < 1 - level, p_rew < 1 - level
    if (sig_pen and pen < 0) or (sig_rew and rew < 0):
        return "unexpected"
    if not (sig_pen or sig_rew):
        return "indifferent"
    ia = _asymmetry(pen, rew)
    if ia <= -cut:
        return "basic"
    if ia >= cut:
        return "excitement"
    return "performance"


def _asymmetry(pen: float, rew: float) -> float:
    """Impact asymmetry (R - P) / (|R| + |P|); 0 when both effects are exactly 0."""
    denom = abs(rew) + abs(pen)
    return float((rew - pen) / denom) if denom > 0 else 0.0


def penalty_reward(
    data: pd.DataFrame,
    *,
    y: Hashable,
    x: Sequence[Hashable],
    low: float | Mapping[Hashable, float],
    high: float | Mapping[Hashable, float],
    ci: float = 0.95,
    asymmetry: float = 0.2,
    robust: str | None = "HC3",
    weights: Hashable | None = None,
    missing: str = "raise",
) -> PenaltyRewardResult:
    """Penalty-reward contrast analysis with a Kano-style classification of the drivers.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent: attribute ratings ``x`` and the overall outcome
        ``y``. Not modified.
    y : str
        Overall satisfaction (or another overall outcome).
    x : list of str
        Attribute ratings.
    low, high : number or dict
        A rating ``<= low`` is low performance, ``>= high`` high performance
        (per attribute with a dict); ratings in between are the reference.
        E.g. ``low=2, high=5`` on a 1-5 scale.
    ci : float, default 0.95
        Confidence level: a penalty or reward is significant when its p-value is
        below ``1 - ci``.
    asymmetry : float, default 0.2
        Threshold ``a`` on the impact-asymmetry index separating basic and
        excitement factors from performance factors (Mikulić & Prebežac 2008).
    robust : {"HC3", "HC0", "HC1", "HC2", None}, default "HC3"
        Covariance type of the dummy-variable regression.
    weights : str, optional
        A column of survey weights (finite, non-negative): the regression becomes
        weighted least squares (statsmodels ``WLS``, with the ``robust`` covariance),
        as in :func:`cxresearch.fit_drivers`. Rows of weight 0 do not count towards
        ``n_low``, ``n_high`` or the low, middle and high groups every attribute needs.
    missing : {"raise", "listwise"}, default "raise"
        Missing values (also in ``weights``) raise ``ValueError``; with
        ``"listwise"`` incomplete rows are dropped and counted in ``n_dropped``.

    Returns
    -------
    PenaltyRewardResult
        ``.table``: one row per attribute: ``term, n_low, n_high, penalty,
        penalty_std_error, penalty_p_value, reward, reward_std_error,
        reward_p_value, asymmetry, kano``; ``n_low`` and ``n_high`` count the
        respondents (unweighted) rating low and high. ``penalty`` is the drop in ``y``
        for low against middle performance (positive when a low rating lowers ``y``,
        the expected sign), ``reward`` the gain for high against middle (positive when a
        high rating raises ``y``). ``kano`` is ``"basic"``, ``"performance"``,
        ``"excitement"``, ``"indifferent"`` (neither effect significant) or
        ``"unexpected"`` (a significant effect of the wrong sign: not a Kano class).
        Attributes ``r_squared``, ``n``, ``n_dropped``, ``ci``, ``asymmetry_cut``,
        ``robust``, ``weights``.

    Notes
    -----
    One regression with two dummies per attribute (Brandt 1987):
    :math:`y = b_0 + \\sum_j (\\beta^L_j L_j + \\beta^H_j H_j) + e`, with
    :math:`L_j = 1[x_j \\le low_j]` and :math:`H_j = 1[x_j \\ge high_j]`. Penalty
    :math:`P_j = -\\beta^L_j`, reward :math:`R_j = \\beta^H_j`. With survey weights
    :math:`w_i` the coefficients minimise :math:`\\sum_i w_i e_i^2` (weighted least
    squares).

    Impact asymmetry (Mikulić & Prebežac 2008): with the range of impact
    :math:`|R_j| + |P_j|`, the satisfaction-generating potential
    :math:`R_j / (|R_j| + |P_j|)` minus the dissatisfaction-generating potential
    :math:`P_j / (|R_j| + |P_j|)`,

    .. math:: IA_j = \\frac{R_j - P_j}{|R_j| + |P_j|} \\in [-1, 1],

    -1 when only a low rating matters, +1 when only a high one does (0 if both
    effects are exactly 0).

    Sign rules. The Kano reading presumes that low performance does not raise
    satisfaction and high performance does not lower it: :math:`P_j \\ge 0` and
    :math:`R_j \\ge 0` (Mikulić & Prebežac 2011). So, at significance level
    :math:`1 - ci`:

    1. an attribute with a *significant* penalty or reward of the wrong sign
       (:math:`P_j < 0`: a low rating raises ``y``; :math:`R_j < 0`: a high rating
       lowers it) is ``"unexpected"``, whatever its IA: check the coding (a
       reverse-keyed item?) before reading anything into it;
    2. otherwise, if neither effect is significant, ``"indifferent"``;
    3. otherwise by IA: ``"basic"`` ("must-be"; a dissatisfier) if :math:`IA \\le -a`,
       ``"excitement"`` ("attractive"; a satisfier) if :math:`IA \\ge a`, else
       ``"performance"`` ("one-dimensional"; a hybrid). A non-significant effect of
       the wrong sign enters the IA as estimated (it is noise around 0).

    Mikulić & Prebežac (2011) caution that PRCA measures how satisfaction responds
    to *performance* on an attribute (dissatisfiers, satisfiers and hybrids of the
    three-factor theory), which need not coincide with Kano's categories, defined
    by the attribute's presence; the labels here are Kano's names for those three
    patterns (Kano et al. 1984).

    References
    ----------
    Brandt, D. R. (1987). A procedure for identifying value-enhancing service
    components using customer satisfaction survey data. In C. Surprenant (Ed.),
    *Add Value to Your Service* (pp. 61-65). American Marketing Association.

    Kano, N., Seraku, N., Takahashi, F., & Tsuji, S. (1984). Attractive quality and
    must-be quality. *Journal of the Japanese Society for Quality Control*, 14(2),
    39-48.

    Mikulić, J., & Prebežac, D. (2008). Prioritizing improvement of service
    attributes using impact range-performance analysis and impact-asymmetry
    analysis. *Managing Service Quality*, 18(6), 559-576.

    Mikulić, J., & Prebežac, D. (2011). A critical review of techniques for
    classifying quality attributes in the Kano model. *Managing Service Quality*,
    21(1), 46-66.

    Examples
    --------
    >>> rng = np.random.default_rng(7)
    >>> d = pd.DataFrame(rng.integers(1, 6, size=(600, 2)), columns=["cleanliness", "view"])
    >>> d["satisfaction"] = (
    ...     5
    ...     - 1.5 * (d["cleanliness"] <= 2)
    ...     + 1.0 * (d["view"] == 5)
    ...     + rng.normal(scale=0.5, size=600)
    ... )
    >>> res = penalty_reward(d, y="satisfaction", x=["cleanliness", "view"], low=2, high=5)
    >>> res.table[["term", "penalty", "reward", "asymmetry", "kano"]].round(2)
              term  penalty  reward  asymmetry        kano
    0  cleanliness     1.47    0.07      -0.91       basic
    1         view    -0.03    1.06       1.00  excitement
    """
    import statsmodels.api as sm

    data = v.check_dataframe(data)
    drivers = v.check_columns(data, x, "x")
    if not drivers:
        raise ValueError("x must name at least one attribute.")
    v.check_columns(data, [y], "y")
    if y in drivers:
        raise ValueError(f"x: the outcome {y!r} cannot also be an attribute.")
    v.check_numeric(data, [y], "y")
    v.check_numeric(data, drivers, "x")
    lows, highs = _thresholds(low, drivers, "low"), _thresholds(high, drivers, "high")
    for d in drivers:
        if not lows[d] < highs[d]:
            raise ValueError(
                f"low must be below high for {d!r}, got low={lows[d]:g}, high={highs[d]:g}."
            )
    ci = v.check_level(ci)
    asymmetry = v.check_number(asymmetry, "asymmetry", low=0, high=1, open_high=True)
    v.check_one_of(robust, (None, "HC0", "HC1", "HC2", "HC3"), "robust")
    extra = []
    if weights is not None:
        v.check_weights(data, weights, "weights")
        if weights in [y, *drivers]:
            raise ValueError(f"weights: {weights!r} is also an attribute or the outcome.")
        extra = [weights]
    clean, n_dropped = v.drop_missing(data, [y, *drivers, *extra], missing=missing, argument="data")
    v.check_finite(clean, [y, *drivers], "data")
    v.check_magnitude(clean[y].to_numpy(dtype=float), y, "y")  # the regression is in y's units
    v.check_not_constant(clean, [y], "y")
    w = None if weights is None else clean[weights].to_numpy(dtype=float)
    if w is not None:
        v.check_weight_spread(w, weights)
        w = pow2_rescale(w)[0]
    design, counts = _prca_design(clean, drivers, lows, highs, w)
    outcome = clean[y].to_numpy(dtype=float)
    model = sm.OLS(outcome, design) if w is None else sm.WLS(outcome, design, weights=w)
    fit = model.fit() if robust is None else model.fit(cov_type=robust)
    params, bse, pvals = fit.params, fit.bse, fit.pvalues
    rows = []
    for j, d in enumerate(drivers):
        il, ih = 1 + 2 * j, 2 + 2 * j
        pen, rew = float(-params[il]), float(params[ih])
        rows.append(
            {
                "term": d,
                "n_low": counts[d][0],
                "n_high": counts[d][1],
                "penalty": pen,
                "penalty_std_error": float(bse[il]),
                "penalty_p_value": float(pvals[il]),
                "reward": rew,
                "reward_std_error": float(bse[ih]),
                "reward_p_value": float(pvals[ih]),
                "asymmetry": _asymmetry(pen, rew),
                "kano": _kano(pen, rew, pvals[il], pvals[ih], ci, asymmetry),
            }
        )
    return PenaltyRewardResult(
        table=pd.DataFrame(rows),
        r_squared=float(fit.rsquared),
        n=len(clean),
        n_dropped=int(n_dropped),
        ci=ci,
        asymmetry_cut=asymmetry,
        robust=robust,
        weights=weights,
    )


def _prca_design(
    clean: pd.DataFrame,
    drivers: list[Hashable],
    lows: dict[Hashable, float],
    highs: dict[Hashable, float],
    w: np.ndarray | None,
) -> tuple[np.ndarray, dict[Hashable, tuple[int, int]]]:
    """The PRCA design (constant, then a low and a high dummy per attribute), checked,
    and each attribute's numbers of low and high ratings (rows of positive weight)."""
    import statsmodels.api as sm

    used = np.ones(len(clean), dtype=bool) if w is None else w > 0
    columns, names, counts = [], [], {}
    for d in drivers:
        xs = clean[d].to_numpy(dtype=float)
        lo, hi = xs <= lows[d], xs >= highs[d]
        mid = ~(lo | hi)
        counts[d] = (int((lo & used).sum()), int((hi & used).sum()))
        for label, group in (("low", lo), ("high", hi), ("middle", mid)):
            if not (group & used).any():
                weight = " (of positive weight)" if w is not None else ""
                raise ValueError(
                    f"x: attribute {d!r} has no {label} ratings{weight} with low={lows[d]:g}, "
                    f"high={highs[d]:g} (observed {v.format_values(np.unique(xs), 11)}); "
                    f"every attribute needs low, middle and high answers. Move the thresholds."
                )
        columns += [lo.astype(float), hi.astype(float)]
        names += [f"{d}_low", f"{d}_high"]
    design = sm.add_constant(np.column_stack(columns), has_constant="add")
    n_used = int(used.sum())
    if n_used < design.shape[1] + 1:
        rows = f"{n_used}" + (" rows of positive weight" if w is not None else "")
        raise ValueError(
            f"too few rows: {rows} for {design.shape[1]} coefficients; at least "
            f"{design.shape[1] + 1} are needed."
        )
    _design.check_rank(design[used], ["Intercept", *names])
    return design, counts
