"""Mediation: does a driver work *through* satisfaction? Indirect effects with bootstrap CIs.

The chain the course studies is driver -> CX/satisfaction -> loyalty (SYLLABUS
section 4). :func:`mediation_analysis` estimates the simple and the parallel
multiple-mediator model of Preacher & Hayes (2008) by ordinary least squares and
bootstraps the indirect effects. The bootstrap is vectorised: each resample is a
vector of frequency weights, the weighted cross-product matrices of all resamples
come out of one matrix product, and all the small regressions are solved in one
batched call, so 5,000 resamples take a fraction of a second (the resampling itself
lives in the private module ``cxresearch._bootstrap``, shared with
:mod:`cxresearch.keydrivers`).

Every regression is linear, so the function refuses, rather than guesses at, the
columns a linear model would misread: a binary outcome or mediator (two values), and
a driver that holds a few whole-number codes (3 to 10, such as a treatment coded
0/1/2), unless the caller names them in ``as_numeric``. Each column is divided by a
power of two of its own before the fits (exact), so columns in units of 1e200 or
1e-200 give the same estimates, in their units, as ordinary ones.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _bootstrap as boot
from . import _design
from . import _validate as v
from ._numeric import pow2_rescale, pow2_rescale_columns, pow2_restore
from ._result import Result

__all__ = ["MediationResult", "mediation_analysis"]

METHODS = ("percentile", "bc", "bca")
_CHUNK_CELLS = 4_000_000  # jackknife: floats of cross products held at once
#: A driver with 3 or 4 distinct whole-number values (0/1/2, 1/2/3/4) looks like the codes
#: of a categorical treatment and is refused unless named in ``as_numeric``. Five or more
#: (a 1-5 or 1-7 rating) is a numeric driver, as PROCESS treats any numeric X.
MAX_CODES = 4


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class MediationResult(Result):
    """What :func:`mediation_analysis` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per path and indirect effect (see :func:`mediation_analysis`).
    n : int
        Rows used.
    n_dropped : int
        Incomplete rows dropped (``missing="listwise"``).
    n_boot : int
        Bootstrap resamples behind the indirect effects.
    n_redrawn : int
        Resamples that were degenerate (a column lost its variation, or the predictors
        became collinear) and were drawn again; see ``cxresearch._bootstrap``.
    method : str
        The bootstrap interval: ``"percentile"``, ``"bc"`` or ``"bca"``.
    ci : float
        Confidence level of every interval in the table.
    """

    n: int
    n_dropped: int
    n_boot: int
    n_redrawn: int
    method: str
    ci: float


# --------------------------------------------------------------------------- input


def _check_roles(
    data: pd.DataFrame, x: Any, m: Any, y: Any, covariates: Any
) -> tuple[list[Hashable], list[Hashable]]:
    """The mediator and covariate lists; x, m, y and covariates must be distinct columns."""
    for name, value in (("x", x), ("y", y)):
        if value is None or (not isinstance(value, Hashable)) or isinstance(value, list | tuple):
            raise TypeError(f"{name} must be one column name, got {value!r}.")
    mediators = v.check_columns(data, m, "m")
    if not mediators:
        raise ValueError("m must name at least one mediator column.")
    covs = v.check_columns(data, covariates, "covariates")
    v.check_columns(data, [x], "x")
    v.check_columns(data, [y], "y")
    roles = [("x", [x]), ("m", mediators), ("y", [y]), ("covariates", covs)]
    seen: dict[Hashable, str] = {}
    for role, cols in roles:
        for col in cols:
            if col in seen:
                raise ValueError(
                    f"{role}: column {col!r} is already used as {seen[col]}; x, m, y and "
                    f"covariates must be different columns."
                )
            seen[col] = role
    dtype = data[x].dtype
    if isinstance(dtype, pd.CategoricalDtype) or (
        pd.api.types.infer_dtype(data[x], skipna=True) == "string"
    ):
        levels = data[x].dropna().unique()
        raise TypeError(
            f"x: column {x!r} is categorical (dtype {dtype}, {len(levels)} levels "
            f"{v.format_values(levels, 10)}); mediation_analysis needs one numeric driver, "
            f"a 0/1 treatment or a numeric scale. For a treatment with more than two "
            f"levels, compare two at a time: keep the rows of one level and a reference "
            f"level and code x as 0/1 (a multicategorical x is not supported yet)."
        )
    for role, cols in roles:
        v.check_numeric(data, cols, role)
    return mediators, covs


def _check_as_numeric(as_numeric: Any, x: Hashable, mediators: list, y: Hashable) -> list:
    """The ``as_numeric`` columns as a list; each must be x, a mediator or y."""
    cols = v.as_column_list(as_numeric, "as_numeric")
    allowed = [x, *mediators, y]
    bad = [c for c in cols if c not in allowed]
    if bad:
        raise ValueError(
            f"as_numeric: {v.format_values(bad)} is not x, a mediator or y; it names columns "
            f"among {v.format_values(allowed, 10)} to analyse as numeric."
        )
    return cols


def _check_levels(
    clean: pd.DataFrame, x: Hashable, mediators: list, y: Hashable, as_numeric: list
) -> None:
    """Refuse a binary y or mediator, and an x of a few whole-number codes (unless
    named in ``as_numeric``): a linear model would misread them."""
    for role, col in [("y", y), *(("m", med) for med in mediators)]:
        levels = np.unique(clean[col].to_numpy(dtype=float))
        if col not in as_numeric and len(levels) == 2:
            what = "outcome" if role == "y" else "mediator"
            raise ValueError(
                f"{role}: column {col!r} holds only two values {v.format_values(levels)}: a "
                f"binary {what}. mediation_analysis fits linear regressions (OLS) and does "
                f"not support a binary {what} yet; a logistic conditional-process model is "
                f"planned. To fit a linear probability model deliberately (its coefficients "
                f"are changes in the probability), pass as_numeric=[{col!r}]."
            )
    levels = np.unique(clean[x].to_numpy(dtype=float))
    if x not in as_numeric and 3 <= len(levels) <= MAX_CODES and np.all(levels % 1 == 0):
        raise ValueError(
            f"x: column {x!r} holds {len(levels)} whole-number values "
            f"{v.format_values(levels, MAX_CODES)}, which may be the codes of a categorical "
            f"treatment; mediation_analysis would treat them as one numeric driver, linear "
            f"in the codes. If {x!r} is a rating or a count, pass as_numeric=[{x!r}] to say "
            f"so. If it is a treatment with {len(levels)} levels, compare two at a time: "
            f"keep the rows of one level and a reference level and code x as 0/1 (a "
            f"multicategorical x is not supported yet)."
        )


def _clean_values(
    data: pd.DataFrame,
    columns: list[Hashable],
    k: int,
    q: int,
    missing: str,
    as_numeric: list[Hashable],
) -> tuple[np.ndarray, int]:
    """The complete rows as a float matrix [x, m, w, y] and the number dropped.

    Checks that every column is finite and varies, that y, the mediators and x are
    not of a kind a linear model misreads (:func:`_check_levels`), that there are
    rows enough for the regressions and for the bootstrap, and that the regressors
    are not collinear.
    """
    clean, n_dropped = v.drop_missing(data, columns, missing=missing, argument="data")
    v.check_finite(clean, columns, "data")
    v.check_not_constant(clean, columns, "data")
    _check_levels(clean, columns[0], columns[1 : 1 + k], columns[-1], as_numeric)
    values = clean[columns].to_numpy(dtype=float)
    n = values.shape[0]
    n_params = 2 + k + q  # the largest regression: intercept, x, mediators, covariates
    if n < n_params + 2:
        raise ValueError(
            f"too few rows: {n} complete row(s) for regressions with {n_params} "
            f"coefficients; at least {n_params + 2} are needed (and many more in practice)."
        )
    boot.check_rows(n, n_params, "a mediation model")
    ones = np.ones((n, 1))
    # the y regression holds every regressor: x, the mediators and the covariates
    _design.check_rank(
        np.hstack([ones, pow2_rescale_columns(values[:, :-1])[0]]),
        ["Intercept", *map(str, columns[:-1])],
    )
    return values, n_dropped


# --------------------------------------------------------------------------- estimates


def _ols(
    design: np.ndarray, target: np.ndarray, w: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Coefficients, standard errors and residual df of an OLS (or weighted) fit.

    Without weights the standard errors are the classical ones; with survey weights
    they are the HC1 sandwich of weighted least squares (as statsmodels'
    ``WLS(...).fit(cov_type="HC1")``), since classical ones treat sampling weights as
    precision weights.
    """
    n, k = design.shape
    df = n - k
    if w is None:
        beta, *_ = np.linalg.lstsq(design, target, rcond=None)
        resid = target - design @ beta
        sigma2 = float(resid @ resid) / df
        cov = sigma2 * np.linalg.inv(design.T @ design)
        return beta, np.sqrt(np.diag(cov)), df
    bread = np.linalg.inv(design.T @ (design * w[:, None]))
    beta = bread @ (design.T @ (w * target))
    score = design * (w * (target - design @ beta))[:, None]
    cov = bread @ (score.T @ score) @ bread * n / df
    return beta, np.sqrt(np.diag(cov)), df


def _paths(
    values: np.ndarray,
    k: int,
    q: int,
    x: Hashable,
    mediators: list[Hashable],
    y: Hashable,
    w: np.ndarray | None = None,
) -> tuple[list[tuple[str, str, Any, float, float, int]], np.ndarray]:
    """The a, b, c and c' paths with OLS inference, and the indirect effects a_j b_j."""
    n = values.shape[0]
    ones = np.ones((n, 1))
    xv, mv, wv, yv = (
        values[:, :1],
        values[:, 1 : 1 + k],
        values[:, 1 + k : 1 + k + q],
        values[:, -1],
    )
    design_a = np.hstack([ones, xv, wv])
    design_y = np.hstack([ones, xv, mv, wv])
    paths: list[tuple[str, str, Any, float, float, int]] = []
    a_hat = np.empty(k)
    for j, med in enumerate(mediators):
        beta, se, df = _ols(design_a, mv[:, j], w)
        a_hat[j] = beta[1]
        paths.append(("a", f"{med} ~ {x}", med, beta[1], se[1], df))
    beta_y, se_y, df_y = _ols(design_y, yv, w)
    for j, med in enumerate(mediators):
        paths.append(("b", f"{y} ~ {med} | {x}", med, beta_y[2 + j], se_y[2 + j], df_y))
    beta_c, se_c, df_c = _ols(design_a, yv, w)
    paths.append(("c", f"{y} ~ {x} (total)", None, beta_c[1], se_c[1], df_c))
    paths.append(("c'", f"{y} ~ {x} | mediators (direct)", None, beta_y[1], se_y[1], df_y))
    ind_hat = a_hat * beta_y[2 : 2 + k]
    if k > 1:
        ind_hat = np.append(ind_hat, ind_hat.sum())
    return paths, ind_hat


def _solve_batched(gram: np.ndarray, rows: list[int], target: int) -> np.ndarray:
    """Solve the normal equations of ``target`` on ``rows`` for every matrix in ``gram``."""
    idx = np.asarray(rows)
    lhs = gram[:, idx[:, None], idx[None, :]]
    rhs = gram[:, idx, target][..., None]
    return np.linalg.solve(lhs, rhs)[..., 0]


def _effects(gram: np.ndarray, k: int, q: int) -> dict[str, np.ndarray]:
    """a, b, c, c' for a stack of cross-product matrices of [1, x, m_1..m_k, cov_1..cov_q, y].

    Returns arrays with one row per matrix (``a``, ``b``: shape (B, k)).
    """
    cov_idx = list(range(2 + k, 2 + k + q))
    y_idx = 2 + k + q
    base = [0, 1, *cov_idx]
    a = np.column_stack([_solve_batched(gram, base, 2 + j)[:, 1] for j in range(k)])
    full = _solve_batched(gram, [0, 1, *range(2, 2 + k), *cov_idx], y_idx)
    total = _solve_batched(gram, base, y_idx)[:, 1]
    return {"a": a, "b": full[:, 2 : 2 + k], "c_prime": full[:, 1], "c": total}


def _indirect(eff: dict[str, np.ndarray]) -> np.ndarray:
    """Indirect effects a_j b_j, and their sum as the last column."""
    ab = eff["a"] * eff["b"]
    return np.column_stack([ab, ab.sum(axis=1)]) if ab.shape[1] > 1 else ab


# --------------------------------------------------------------------------- bootstrap


def _centred(values: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """[1, x, m, w, y] with the variables centred (same slopes, better conditioning)."""
    z = np.hstack([np.ones((values.shape[0], 1)), values])
    z[:, 1:] -= np.average(z[:, 1:], axis=0, weights=w)
    return z


def _bootstrap_indirect(
    values: np.ndarray,
    k: int,
    q: int,
    n_boot: int,
    rng: np.random.Generator,
    names: list,
    w: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """Resampled indirect effects (n_boot x effects) and the number of redrawn resamples."""
    z = _centred(values, w)
    grams, n_redrawn = boot.resampled_cross_products(
        z, n_boot, rng, names=names, predictors=range(1 + k + q), weights=w
    )
    return _indirect(_effects(grams, k, q)), n_redrawn


def _jackknife_indirect(
    values: np.ndarray, k: int, q: int, names: list, w: np.ndarray | None = None
) -> np.ndarray:
    """Leave-one-out indirect effects (n x effects), for the BCa acceleration."""
    z = _centred(values, w)
    n, r = z.shape
    wt = np.ones(n) if w is None else w
    outer = (wt[:, None, None] * z[:, :, None] * z[:, None, :]).reshape(n, r * r)
    full = outer.sum(axis=0)
    mean = np.average(z[:, 1:], axis=0, weights=wt)
    full_var = np.average((z[:, 1:] - mean) ** 2, axis=0, weights=wt)
    jack = np.empty((n, k + (k > 1)))
    step = max(1, _CHUNK_CELLS // (r * r))
    for start in range(0, n, step):
        gram = (full[None, :] - outer[start : start + step]).reshape(-1, r, r)
        bad, lost = boot.degenerate(gram, full_var, range(1 + k + q))
        if bad.any():
            i = start + int(np.argmax(bad))
            cause = (
                f"makes {names[int(np.argmax(lost[int(np.argmax(bad))]))]!r} constant"
                if lost.any()
                else "makes the predictors collinear"
            )
            raise ValueError(
                f"method='bca' needs the jackknife, but leaving out row {i} {cause}. Use "
                f"method='bc' or 'percentile'."
            )
        jack[start : start + step] = _indirect(_effects(gram, k, q))
    return jack


# --------------------------------------------------------------------------- units


def _restore_units(table: pd.DataFrame, exponents: np.ndarray, k: int) -> pd.DataFrame:
    """The table of the model fitted to the rescaled columns, in the units of the data.

    Column ``j`` was divided by ``2**exponents[j]`` (``[x, m_1..m_k, covariates, y]``),
    so a slope of ``m_j`` on ``x`` is multiplied by ``2**(e_m_j - e_x)``, one of ``y``
    on ``m_j`` by ``2**(e_y - e_m_j)``, and the total, direct and indirect effects by
    ``2**(e_y - e_x)``; t statistics and p-values do not change. The rows are in the
    order of :func:`_table`.
    """
    e_x, e_m, e_y = exponents[0], exponents[1 : 1 + k], exponents[-1]
    n_indirect = k + (k > 1)
    row_exp = np.concatenate([e_m - e_x, e_y - e_m, [e_y - e_x] * (2 + n_indirect)])
    cols = ["estimate", "std_error", "ci_low", "ci_high"]
    out = table.copy()
    for i, path in enumerate(table["path"]):
        out.loc[i, cols] = pow2_restore(
            table.loc[i, cols].to_numpy(dtype=float),
            int(row_exp[i]),
            f"the {table.loc[i, 'term']} effect ({path}) in the units of the data",
        )
    return out


# --------------------------------------------------------------------------- table


def _table(
    paths: list,
    ind_hat: np.ndarray,
    boot_ind: np.ndarray,
    jack: np.ndarray | None,
    *,
    x: Hashable,
    mediators: list[Hashable],
    y: Hashable,
    ci: float,
    method: str,
) -> pd.DataFrame:
    from scipy import stats

    k = len(mediators)
    rows = []
    for term, path, med, est, se, df in paths:
        crit = stats.t.ppf(0.5 + ci / 2, df)
        t = est / se
        rows.append(
            {
                "term": term if k == 1 else f"{term}[{med}]" if med is not None else term,
                "path": path,
                "mediator": med,
                "estimate": float(est),
                "std_error": float(se),
                "statistic": float(t),
                "p_value": float(2 * stats.t.sf(abs(t), df)),
                "ci_low": float(est - crit * se),
                "ci_high": float(est + crit * se),
            }
        )
    labels = list(mediators) + ([None] if k > 1 else [])
    for j, med in enumerate(labels):
        lo, hi = boot.interval(
            boot_ind[:, j], ind_hat[j], ci, method, None if jack is None else jack[:, j]
        )
        rows.append(
            {
                "term": "indirect" if (k == 1 or med is None) else f"indirect[{med}]",
                "path": f"{x} -> {med} -> {y}"
                if med is not None
                else f"{x} -> all mediators -> {y}",
                "mediator": med,
                "estimate": float(ind_hat[j]),
                "std_error": float(boot_ind[:, j].std(ddof=1)),
                "statistic": float("nan"),
                "p_value": float("nan"),
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- public


def mediation_analysis(
    data: pd.DataFrame,
    *,
    x: Hashable,
    m: Hashable | Sequence[Hashable],
    y: Hashable,
    covariates: Hashable | Sequence[Hashable] | None = None,
    n_boot: int = 5000,
    ci: float = 0.95,
    method: str = "percentile",
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    missing: str = "raise",
    weights: Hashable | None = None,
    as_numeric: Hashable | Sequence[Hashable] | None = None,
) -> MediationResult:
    """Indirect effect(s) of ``x`` on ``y`` through one or several parallel mediators.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent. Not modified.
    x : str
        The driver: numeric, a 0/1 treatment or a numeric scale. A column of 3 to
        10 whole-number values (such as a treatment coded 0/1/2, or a 1-5 rating)
        raises ``ValueError`` unless it is named in ``as_numeric``; a categorical
        column raises ``TypeError``.
    m : str or list of str
        The mediator(s), numeric. Several mediators are modelled in parallel.
    y : str
        The outcome (numeric). A binary outcome (two values) raises ``ValueError``
        unless it is named in ``as_numeric``; so does a binary mediator.
    covariates : str or list of str, optional
        Numeric covariates entered in every regression.
    n_boot : int, default 5000
        Bootstrap resamples for the indirect effects (100 to 10**6).
    ci : float, default 0.95
        Confidence level.
    method : {"percentile", "bc", "bca"}, default "percentile"
        Bootstrap interval for the indirect effects: percentile, bias-corrected (as
        in ``pingouin.mediation_analysis``), or bias-corrected and accelerated
        (acceleration from the jackknife; Efron 1987).
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Randomness for the bootstrap.
    missing : {"raise", "listwise"}, default "raise"
        Missing values (also in ``weights``) raise ``ValueError``; with
        ``"listwise"`` incomplete rows are dropped and counted in ``n_dropped``.
    weights : str, optional
        A column of survey weights (finite, non-negative): the regressions become
        weighted least squares with HC1 sandwich standard errors, and each bootstrap
        resample carries its rows' weights (the weighted bootstrap). With integer
        weights the estimates equal those of the data with each row repeated.
    as_numeric : str or list of str, optional
        Columns among ``x``, ``m`` and ``y`` that you mean to analyse as numeric
        although a linear model may misread them: a binary ``y`` or mediator (then
        its regression is a linear probability model, whose coefficients are changes
        in the probability), or an ``x`` of 3 to 10 whole-number values (taken as
        linear in its codes, e.g. a 1-5 rating).

    Returns
    -------
    MediationResult
        ``.table`` has the columns ``term, path, mediator, estimate, std_error,
        statistic, p_value, ci_low, ci_high``. Terms: ``a`` (m ~ x), ``b`` (y ~ m,
        controlling for x), ``c`` (total effect), ``c'`` (direct effect) and
        ``indirect`` (a*b). With several mediators the per-mediator terms are written
        ``a[m1]``, ``indirect[m1]`` and ``indirect`` is the total indirect effect.
        Paths carry OLS (classical) standard errors, t statistics and t intervals;
        indirect effects carry the bootstrap standard deviation and the bootstrap
        interval (no p-value, by design: judge them by whether the interval excludes
        0). Attributes ``n``, ``n_dropped``, ``n_boot``, ``n_redrawn``, ``method``,
        ``ci``.

    Raises
    ------
    TypeError
        A non-numeric column; a categorical ``x`` gets advice on comparing two levels.
    ValueError
        Too few rows for the regressions or for the bootstrap (the message says how
        many are needed), collinear regressors (named), a column that does not vary,
        a rare category that loses its variation in most resamples, an undefined
        BC/BCa interval, a binary ``y`` or mediator or an ``x`` of a few
        whole-number codes not named in ``as_numeric`` (see there), or an effect too
        large or too small for a floating-point number in the units of the data.

    Notes
    -----
    Three regressions (Preacher & Hayes 2008; Hayes 2013)::

        m_j = i_j + a_j x + g_j' w + e_j                  (each mediator)
        y   = i_y + c' x + sum_j b_j m_j + h' w + e_y     (direct effect c')
        y   = i_0 + c x + k' w + e_0                      (total effect c)

    with covariates :math:`w`. The indirect effect through :math:`m_j` is
    :math:`a_j b_j`, and :math:`c = c' + \\sum_j a_j b_j` exactly (OLS). Each
    bootstrap resample draws :math:`n` rows with replacement; its row counts
    :math:`f` give the cross products :math:`Z' \\operatorname{diag}(f) Z` of
    :math:`Z = [1, x, m, w, y]` for all resamples as one product :math:`F P` (``F``
    the resamples-by-rows count matrix, ``P`` the rows of outer products
    :math:`z_i z_i'`), and every regression of every resample is solved from those.
    A resample in which a column does not vary or the regressors are collinear
    cannot be fitted; it is drawn again from the same seeded stream and counted in
    ``n_redrawn`` (with a rare 0/1 driver this conditions the bootstrap on the
    category being present). Percentile interval: the :math:`\\alpha/2` and
    :math:`1-\\alpha/2` quantiles of the resampled :math:`a b`. Bias-corrected:
    quantiles :math:`\\Phi(2z_0 \\pm z_{1-\\alpha/2})` with :math:`z_0 =
    \\Phi^{-1}(\\#\\{\\hat\\theta^* < \\hat\\theta\\}/B)`; BCa adds the jackknife
    acceleration :math:`\\hat a`.

    References
    ----------
    Preacher, K. J., & Hayes, A. F. (2008). Asymptotic and resampling strategies for
    assessing and comparing indirect effects in multiple mediator models. *Behavior
    Research Methods*, 40(3), 879-891.

    Hayes, A. F. (2013). *Introduction to Mediation, Moderation, and Conditional
    Process Analysis*. Guilford Press.

    Efron, B. (1987). Better bootstrap confidence intervals. *Journal of the American
    Statistical Association*, 82(397), 171-185.

    Examples
    --------
    >>> rng = np.random.default_rng(4)
    >>> d = pd.DataFrame({"staff": rng.normal(size=300)})
    >>> d["satisfaction"] = 0.5 * d["staff"] + rng.normal(size=300)
    >>> d["loyalty"] = 0.4 * d["satisfaction"] + 0.1 * d["staff"] + rng.normal(size=300)
    >>> res = mediation_analysis(d, x="staff", m="satisfaction", y="loyalty", n_boot=1000, seed=1)
    >>> res.table[["term", "estimate", "ci_low", "ci_high"]].round(2)
           term  estimate  ci_low  ci_high
    0         a      0.52    0.41     0.64
    1         b      0.47    0.36     0.59
    2         c      0.42    0.30     0.55
    3        c'      0.17    0.05     0.30
    4  indirect      0.25    0.17     0.33
    >>> res.n, res.n_boot, res.n_redrawn
    (300, 1000, 0)
    """
    data = v.check_dataframe(data)
    mediators, covs = _check_roles(data, x, m, y, covariates)
    n_boot = v.check_resample_count(n_boot, "n_boot", minimum=100)
    ci = v.check_level(ci)
    v.check_one_of(method, METHODS, "method")
    rng = v.make_rng(seed)
    numeric = _check_as_numeric(as_numeric, x, mediators, y)
    columns = [x, *mediators, *covs, y]
    k, q = len(mediators), len(covs)
    w = None
    if weights is not None:
        v.check_weights(data, weights, "weights")
        if weights in columns:
            raise ValueError(f"weights: {weights!r} is also x, a mediator, y or a covariate.")
        complete, n_missing_w = v.drop_missing(data, [weights], missing=missing, argument="weights")
        values, n_dropped = _clean_values(complete, columns, k, q, missing, numeric)
        keep = complete[columns].notna().all(axis=1)
        w = complete.loc[keep, weights].to_numpy(dtype=float)
        v.check_weight_spread(w, weights)
        w, _ = pow2_rescale(w)
        n_dropped += n_missing_w
        if (w > 0).sum() < k + q + 4:  # the y regression's coefficients, plus two
            raise ValueError(
                f"weights: only {int((w > 0).sum())} of the {len(w)} complete row(s) have a "
                f"positive weight; regressions with {k + q + 2} coefficients need at least "
                f"{k + q + 4} (rows of weight 0 do not count)."
            )
    else:
        values, n_dropped = _clean_values(data, columns, k, q, missing, numeric)
    # fit in units where every column is below 1 in size (exact), report in the data's
    values, exponents = pow2_rescale_columns(values)
    paths, ind_hat = _paths(values, k, q, x, mediators, y, w)
    boot_ind, n_redrawn = _bootstrap_indirect(values, k, q, n_boot, rng, columns, w)
    jack = _jackknife_indirect(values, k, q, columns, w) if method == "bca" else None
    table = _table(
        paths, ind_hat, boot_ind, jack, x=x, mediators=mediators, y=y, ci=ci, method=method
    )
    table = _restore_units(table, exponents, k)
    return MediationResult(
        table=table,
        n=int(values.shape[0]),
        n_dropped=int(n_dropped),
        n_boot=n_boot,
        n_redrawn=int(n_redrawn),
        method=method,
        ci=ci,
    )
