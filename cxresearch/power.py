"""Power analysis by simulation: how many customers does a study of the retail model need?

A power analysis asks how often a study of a given size finds an effect that is really
there. For moderation the closed-form answers assume things a CX study rarely has
(normal moderators, no other drivers, equal groups), and interactions are notoriously
harder to detect than main effects (McClelland & Judd 1993; Aguinis et al. 2005). So
this module answers by simulation: for each sample size it draws many data sets from
the retail CX model (:func:`cxresearch.simulate.simulate_panel`), fits the regression a
researcher would fit, and counts how often the effect comes out significant with the
right sign.

* :func:`power_interaction` -- power to detect one moderator (an interaction term of
  the CX equation), e.g. the crowding x shopping-goal sign flip.
* :func:`power_main_effect` -- the same for one determinant's weight (or the carryover).

Both fit ordinary least squares with NumPy on the design matrix the formula defines
(the same numbers statsmodels computes; ``tests/test_power.py`` checks this to 1e-10),
run the replications through :func:`cxresearch.simulation_study` (joblib on this
machine, or a Dask cluster with ``backend="dask"``), show a tqdm progress bar, and are
reproducible for a given ``seed`` whatever the backend and ``n_jobs``: replication *r*
at sample size *n* always uses the random stream ``SeedSequence(seed, spawn_key=(n, r))``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v
from ._design import split_formula
from .simulate import CX_FORMULA, RetailParams, simulate_panel, truth
from .studies import simulation_study

__all__ = [
    "INTERACTIONS",
    "MAIN_EFFECTS",
    "power_interaction",
    "power_main_effect",
]

#: Moderator parameters of :class:`~cxresearch.simulate.RetailParams` and the term of the
#: CX regression that estimates each (statsmodels' spelling, treatment coding).
INTERACTIONS: dict[str, str] = {
    "crowding_x_hedonic": "crowding:goal[T.hedonic]",
    "atmosphere_x_supermarket": "atmosphere:store_type[T.supermarket]",
    "atmosphere_x_department": "atmosphere:store_type[T.department]",
    "atmosphere_x_specialty": "atmosphere:store_type[T.specialty]",
    "price_x_poor_economy": "price:economy[T.poor]",
    "price_x_price_consciousness": "price:price_consciousness",
    "service_x_age": "service:age",
    "service_x_tech_readiness": "service:tech_readiness",
    "channel_x_multichannel": "channel:multichannel[T.True]",
    "channel_x_male": "channel:gender[T.male]",
    "assortment_x_task_orientation": "assortment:task_orientation",
    "crowding_x_city_centre": "crowding:location[T.city_centre]",
    "crowding_x_mall": "crowding:location[T.mall]",
    "crowding_x_winter": "crowding:season[T.winter]",
    "service_x_south": "service:region[T.south]",
    "service_x_east": "service:region[T.east]",
    "service_x_west": "service:region[T.west]",
    "price_x_competition": "price:competition",
    "price_x_prior_expectation": "price:prior_expectation",
}

#: Determinant weights (and the carryover) and the term that estimates each.
MAIN_EFFECTS: dict[str, str] = {
    "social_weight": "social",
    "crowding_weight": "crowding",
    "service_weight": "service",
    "atmosphere_weight": "atmosphere",
    "assortment_weight": "assortment",
    "price_weight": "price",
    "channel_weight": "channel",
    "brand_weight": "brand",
    "carryover": "cx_lag",
}

_ROBUST = (None, "HC0", "HC1", "HC2", "HC3")
_RESULT_COLUMNS = [
    "term",
    "n_customers",
    "n_obs",
    "n_sims",
    "power",
    "ci_low",
    "ci_high",
    "mean_estimate",
    "true_value",
    "n_not_estimable",
]
_CHUNK = 10  # replications per joblib task
_IDENT = re.compile(r"[A-Za-z_]\w*")
_DUMMY = re.compile(r"([A-Za-z_]\w*)\[T\.(.+)\]")


# --------------------------------------------------------------------------- design matrix


def _split_formula(formula: str) -> tuple[str, str]:
    """The outcome and the right-hand side, split at the one ``~`` outside quoted names."""
    lhs, rhs = split_formula(formula)
    return lhs.strip(), rhs.strip()


def _factor_recipe(part: str, data: pd.DataFrame) -> tuple[str, Any] | None:
    """How to compute one factor of a design column name from the data, or None."""
    if part in data.columns and pd.api.types.is_numeric_dtype(data[part].dtype):
        if not pd.api.types.is_bool_dtype(data[part].dtype):
            return ("num", part)
    match = _DUMMY.fullmatch(part)
    if match and match.group(1) in data.columns:
        col, label = match.group(1), match.group(2)
        s = data[col]
        if pd.api.types.is_bool_dtype(s.dtype) and label in ("True", "False"):
            return ("dummy", (col, label == "True"))
        if isinstance(s.dtype, pd.CategoricalDtype) and label in map(str, s.cat.categories):
            level = next(c for c in s.cat.categories if str(c) == label)
            return ("dummy", (col, level))
    return None


def _plan(formula: str, data: pd.DataFrame) -> dict[str, Any]:
    """Design columns of ``formula`` (from a reference data set) and a fast way to build them.

    The fast builder handles what the retail formulas use: numeric columns,
    treatment-coded categoricals and booleans, and their products. It is used only
    if it reproduces the formula engine's matrix exactly on the reference data;
    otherwise every replication goes through the formula engine.
    """
    from statsmodels.formula._manager import FormulaManager

    lhs, _ = _split_formula(formula)
    try:
        y, x = FormulaManager().get_matrices(formula, data, pandas=True)
    except Exception as err:  # patsy/formulaic raise their own error types
        raise ValueError(
            f"formula {formula!r} cannot be built from the simulated panel ({err}). "
            f"Its columns are: {', '.join(map(str, data.columns))}."
        ) from None
    names = [str(c) for c in x.columns]
    recipes: list[Any] | None = []
    if not (_IDENT.fullmatch(lhs) and lhs in data.columns):
        recipes = None
    else:
        for name in names:
            if name == "Intercept":
                recipes.append([])
                continue
            parts = [_factor_recipe(p, data) for p in name.split(":")]
            if any(p is None for p in parts):
                recipes = None
                break
            recipes.append(parts)
    plan = {"formula": formula, "outcome": lhs, "names": names, "recipes": recipes}
    if recipes is not None:
        fy, fx = _fast_design(plan, data)
        same = np.array_equal(fx, x.to_numpy(dtype=float)) and np.array_equal(
            fy, np.asarray(y, dtype=float).ravel()
        )
        if not same:
            plan["recipes"] = None
    return plan


def _fast_design(plan: dict[str, Any], data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    n = len(data)
    cache: dict[Any, np.ndarray] = {}

    def factor(kind: str, arg: Any) -> np.ndarray:
        key = (kind, arg)
        if key not in cache:
            if kind == "num":
                cache[key] = data[arg].to_numpy(dtype=float)
            else:
                col, level = arg
                cache[key] = (data[col].to_numpy() == level).astype(float)
        return cache[key]

    x = np.empty((n, len(plan["names"])), dtype=float)
    for j, parts in enumerate(plan["recipes"]):
        col = np.ones(n)
        for kind, arg in parts:
            col = col * factor(kind, arg)
        x[:, j] = col
    y = data[plan["outcome"]].to_numpy(dtype=float)
    return y, x


def _design(plan: dict[str, Any], data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    if plan["recipes"] is not None:
        return _fast_design(plan, data)
    from statsmodels.formula._manager import FormulaManager

    y, x = FormulaManager().get_matrices(plan["formula"], data, pandas=True)
    x = x.reindex(columns=plan["names"], fill_value=0.0)
    return np.asarray(y, dtype=float).ravel(), x.to_numpy(dtype=float)


# --------------------------------------------------------------------------- OLS


def _ols_term(
    y: np.ndarray, x: np.ndarray, j: int, robust: str | None
) -> tuple[float, float, float]:
    """Estimate, standard error and two-sided p-value of coefficient ``j``.

    The same computation as ``statsmodels.OLS(y, x).fit()`` (Moore-Penrose
    pseudo-inverse; residual degrees of freedom ``n - rank``; t-test for the classical
    covariance, normal test for the HC covariances, as statsmodels does). A coefficient
    that the data cannot identify (its column is a combination of others, e.g. a
    category absent from the sample) gives NaN.
    """
    from scipy import stats

    u, s, vt = np.linalg.svd(x, full_matrices=False)
    n = x.shape[0]
    keep = s > 1e-15 * s.max()
    rank = int(np.sum(s > s.max() * max(x.shape) * np.finfo(s.dtype).eps))
    v_keep = vt[keep].T
    if abs(float(v_keep[j] @ v_keep[j]) - 1.0) > 1e-8:
        return math.nan, math.nan, math.nan
    pinv = (vt[keep].T / s[keep]) @ u[:, keep].T  # (k, n), as numpy/statsmodels pinv
    beta = pinv @ y
    resid = y - x @ beta
    df_resid = n - rank
    row = pinv[j]
    if robust is None:
        scale = float(resid @ resid) / df_resid
        se = math.sqrt(scale * float(row @ row))
    else:
        if robust in ("HC2", "HC3"):
            h = np.einsum("ij,ji->i", x, pinv)  # leverages diag(X pinv(X))
        # a point with leverage 1 makes HC2/HC3 infinite: the test is then not significant
        with np.errstate(divide="ignore", invalid="ignore"):
            if robust == "HC0":
                het = resid**2
            elif robust == "HC1":
                het = n / df_resid * resid**2
            elif robust == "HC2":
                het = resid**2 / (1 - h)
            else:
                het = (resid / (1 - h)) ** 2
            se = math.sqrt(float((row * row) @ het))
    est = float(beta[j])
    with np.errstate(divide="ignore", invalid="ignore"):
        z = abs(est / se) if se > 0 else math.nan
    p = float(2 * (stats.t.sf(z, df_resid) if robust is None else stats.norm.sf(z)))
    return est, se, p


def _replicate(
    rng: np.random.Generator,
    n_customers: int,
    *,
    n_periods: int,
    params: RetailParams,
    plan: dict[str, Any],
    j: int,
    robust: str | None,
) -> dict[str, float]:
    """One simulated study (the study function of :func:`cxresearch.simulation_study`).

    The panel is simulated from the replication's ``SeedSequence``
    (``rng.bit_generator.seed_seq``), i.e. ``SeedSequence(seed, spawn_key=(n, r))``.
    """
    data = simulate_panel(n_customers, n_periods, params=params, seed=rng.bit_generator.seed_seq)
    y, x = _design(plan, data)
    est, se, p = _ols_term(y, x, j, robust)
    return {"estimate": est, "std_error": se, "p_value": p}


# --------------------------------------------------------------------------- the engine


def _wilson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    from scipy import stats

    z = float(stats.norm.ppf(0.5 + level / 2))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _check_settings(
    kind: str,
    table: Mapping[str, str],
    name: Any,
    n_customers: Any,
    *,
    effect: Any,
    n_periods: Any,
    n_sims: Any,
    ci: Any,
    formula: Any,
    robust: Any,
    params: Any,
    n_jobs: Any,
    backend: Any,
    scheduler: Any,
    progress: Any,
) -> dict[str, Any]:
    """Step 1: the checked arguments, and the parameters with ``effect`` applied."""
    if not isinstance(name, str) or name not in table:
        raise ValueError(f"{kind} must be one of {', '.join(table)}, got {name!r}.")
    settings = {
        "sizes": v.check_int_list(n_customers, "n_customers"),
        "n_periods": v.check_integer(n_periods, "n_periods", low=1, high=120),
        "n_sims": v.check_resample_count(n_sims, "n_sims", minimum=1),
        "ci": v.check_level(ci),
        "robust": v.check_one_of(robust, _ROBUST, "robust"),
        "n_jobs": v.check_n_jobs(n_jobs),
        "backend": v.check_one_of(backend, ("joblib", "dask"), "backend"),
        "scheduler": scheduler,
        "progress": v.check_bool(progress, "progress"),
    }
    p = RetailParams.coerce(params)
    if effect is not None:
        effect = v.check_number(effect, "effect")
        p = dataclasses.replace(p, **{name: effect})
    settings["params"] = p
    settings["formula"] = CX_FORMULA if formula is None else formula
    _split_formula(settings["formula"])
    return settings


def _check_design(
    plan: dict[str, Any], term: str, sizes: list[int], n_periods: int, formula: str
) -> int:
    """Step 2: the column of ``term`` in the design; every sample size must identify the model."""
    if term not in plan["names"]:
        raise ValueError(
            f"term must be a column of the design of {formula!r} (one of "
            f"{', '.join(plan['names'])}), got {term!r}."
        )
    too_small = [n for n in sizes if n * n_periods <= len(plan["names"])]
    if too_small:
        raise ValueError(
            f"n_customers must give more observations than coefficients: {too_small!r} with "
            f"n_periods={n_periods} gives at most {max(too_small) * n_periods} observations "
            f"for {len(plan['names'])} coefficients."
        )
    return plan["names"].index(term)


def _simulate_studies(
    root: np.random.SeedSequence,
    settings: dict[str, Any],
    plan: dict[str, Any],
    j: int,
) -> dict[int, list[tuple[float, float, float]]]:
    """Step 3: estimate, SE and p-value of column ``j`` in every simulated study, by size."""
    study = functools.partial(
        _replicate,
        n_periods=settings["n_periods"],
        params=settings["params"],
        plan=plan,
        j=j,
        robust=settings["robust"],
    )
    res = simulation_study(
        study,
        {"n_customers": settings["sizes"]},
        n_sims=settings["n_sims"],
        seed=root,
        backend=settings["backend"],
        scheduler=settings["scheduler"],
        n_jobs=settings["n_jobs"],
        batch_size=_CHUNK,
        progress=settings["progress"],
        label=f"power for {plan['names'][j]}",
    )
    table = res.table
    return {
        n: list(table.loc[table["n_customers"] == n, ["estimate", "std_error", "p_value"]]
                .itertuples(index=False, name=None))
        for n in settings["sizes"]
    }  # fmt: skip


def _summarise(
    draws: dict[int, list[tuple[float, float, float]]],
    term: str,
    true_value: float,
    n_periods: int,
    ci: float,
) -> pd.DataFrame:
    """Step 4: one row per sample size: the share of studies that detect the effect."""
    sign = float(np.sign(true_value))
    rows = []
    for n, results in draws.items():
        n_sims = len(results)
        est, _, pval = (np.array(a, dtype=float) for a in zip(*results, strict=True))
        ok = ~np.isnan(est)
        # the ci-level interval excludes 0  <=>  two-sided p < 1 - ci
        detected = ok & (np.nan_to_num(pval, nan=1.0) < 1 - ci)
        if sign != 0:
            detected &= np.sign(np.nan_to_num(est)) == sign
        k = int(detected.sum())
        lo, hi = _wilson(k, n_sims)
        rows.append(
            {
                "term": term,
                "n_customers": n,
                "n_obs": n * n_periods,
                "n_sims": n_sims,
                "power": k / n_sims,
                "ci_low": lo,
                "ci_high": hi,
                "mean_estimate": float(est[ok].mean()) if ok.any() else math.nan,
                "true_value": true_value,
                "n_not_estimable": int((~ok).sum()),
            }
        )
    return pd.DataFrame(rows, columns=_RESULT_COLUMNS)


def _power(
    kind: str,
    table: Mapping[str, str],
    name: Any,
    n_customers: Any,
    *,
    effect: Any,
    n_periods: Any,
    n_sims: Any,
    ci: Any,
    formula: Any,
    term: Any,
    params: Any,
    robust: Any,
    seed: Any,
    n_jobs: Any,
    backend: Any,
    scheduler: Any,
    progress: Any,
) -> pd.DataFrame:
    settings = _check_settings(
        kind,
        table,
        name,
        n_customers,
        effect=effect,
        n_periods=n_periods,
        n_sims=n_sims,
        ci=ci,
        formula=formula,
        robust=robust,
        params=params,
        n_jobs=n_jobs,
        backend=backend,
        scheduler=scheduler,
        progress=progress,
    )
    p, formula = settings["params"], settings["formula"]
    root = v.seed_sequence(seed)
    # The design's columns, from a reference data set with every category present.
    reference = simulate_panel(
        2_000,
        settings["n_periods"],
        params=p,
        seed=np.random.SeedSequence(root.entropy, spawn_key=(2**32,)),
    )
    plan = _plan(formula, reference)
    term = table[name] if term is None else term
    j = _check_design(plan, term, settings["sizes"], settings["n_periods"], formula)
    t = truth(p, outcome="cx").set_index("term")["estimate"]
    true_value = float(t[term]) if term in t.index else float(getattr(p, name))
    draws = _simulate_studies(root, settings, plan, j)
    return _summarise(draws, term, true_value, settings["n_periods"], settings["ci"])


_SHARED_PARAMS = """\
    n_periods : int, default 1
        Quarters per customer (1-120). With 1 period every visit is in spring, so the
        season terms cannot be estimated; they are left in the design and do no harm
        (OLS with a pseudo-inverse, as statsmodels does).
    n_sims : int, default 200
        Simulated studies per sample size. The Monte Carlo standard error of a power
        near 0.8 is about ``sqrt(0.8 * 0.2 / n_sims)``: 0.028 with 200.
    ci : float, default 0.95
        Confidence level. A simulated study detects the effect when the ``ci``-level
        interval of the estimate excludes 0 (the same as a two-sided test at level
        ``1 - ci``) and the estimate has the sign of the true effect.
    formula : str, optional
        The regression fitted to each simulated study. Default :data:`CX_FORMULA`, the
        specification under which OLS is consistent for every effect of the CX
        equation (it holds the latent ``customer_effect``, so it gives the power of a
        well-specified study). A researcher who cannot observe the customer effect fits
        ``CX_FORMULA.replace(" + customer_effect", "")`` and has less power.
    term : str, optional
        The design-matrix column to test, spelled as statsmodels spells it. Default:
        the term that estimates the named parameter (the module's mapping)."""

_SHARED_PARAMS_2 = """\
    params : RetailParams or mapping, optional
        The model to simulate from (default ``RetailParams()``); ``effect`` is applied
        on top of it.
    robust : {"HC3", "HC2", "HC1", "HC0", None}, default "HC3"
        Covariance of the estimates, as in :func:`cxresearch.fit_drivers` (HC3 and a
        normal test by default; ``None``: the classical covariance and a t-test).
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Source of randomness. Replication *r* at sample size *n* uses the stream
        ``SeedSequence(seed, spawn_key=(n, r))``, so the result does not depend on
        ``n_jobs`` nor on which other sizes are in the grid.
    n_jobs : int, default 1
        Worker processes (joblib; -1 = all cores), or the workers of the local Dask
        cluster with ``backend="dask"``.
    backend : {"joblib", "dask"}, default "joblib"
        Where the simulated studies run (:func:`cxresearch.simulation_study`); the
        result is the same bits either way.
    scheduler : str, optional
        With ``backend="dask"``: the address of a running Dask scheduler
        (``"tcp://host:8786"``); without it a local cluster is started.
    progress : bool, default True
        Show a tqdm progress bar (use ``False`` in notebooks and scripts whose output
        is compared)."""

_RETURNS = """\
    Returns
    -------
    pandas.DataFrame
        One row per sample size: ``term, n_customers, n_obs, n_sims, power, ci_low,
        ci_high, mean_estimate, true_value, n_not_estimable``. ``power`` is the share
        of simulated studies whose ``ci``-level interval excludes 0 **and** whose
        estimate has the sign of the true effect (when the true value is 0, any
        interval that excludes 0 counts, so ``power`` is the type I error rate).
        ``ci_low, ci_high`` is the Wilson 95% interval for that share (Monte Carlo
        error only). ``true_value`` is the term's value in
        ``truth(params, outcome="cx")`` (the parameter itself if the term is not
        there); ``mean_estimate`` the average estimate; ``n_not_estimable`` the number
        of studies whose data could not identify the term (they count as not
        significant). The settings are the arguments of the call; nothing is kept in
        ``DataFrame.attrs``."""


def power_interaction(
    n_customers: Sequence[int] | int,
    *,
    interaction: str = "crowding_x_hedonic",
    effect: float | None = None,
    n_periods: int = 1,
    n_sims: int = 200,
    ci: float = 0.95,
    formula: str | None = None,
    term: str | None = None,
    params: RetailParams | Mapping[str, Any] | None = None,
    robust: str | None = "HC3",
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    n_jobs: int = 1,
    backend: str = "joblib",
    scheduler: str | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Power to detect a moderator of the retail CX model, by simulation, per sample size.

    Parameters
    ----------
    n_customers : list of int
        Sample sizes (customers) to evaluate, e.g. ``[250, 500, 1000, 2000]``.
    interaction : str, default "crowding_x_hedonic"
        The moderator parameter of :class:`RetailParams`; allowed names and the terms
        that estimate them (:data:`INTERACTIONS`): ``crowding_x_hedonic`` ->
        ``crowding:goal[T.hedonic]``, ``atmosphere_x_supermarket`` /
        ``_department`` / ``_specialty`` -> ``atmosphere:store_type[T....]``,
        ``price_x_poor_economy`` -> ``price:economy[T.poor]``,
        ``price_x_price_consciousness`` -> ``price:price_consciousness``,
        ``service_x_age`` -> ``service:age`` (per year, so its true value is the
        parameter / 10), ``service_x_tech_readiness`` -> ``service:tech_readiness``,
        ``channel_x_multichannel`` -> ``channel:multichannel[T.True]``,
        ``channel_x_male`` -> ``channel:gender[T.male]``,
        ``assortment_x_task_orientation`` -> ``assortment:task_orientation``.
    effect : float, optional
        The size of the moderator to simulate (set with :func:`dataclasses.replace`).
        Default: the parameter's value in ``params``.
    {shared}
    {shared2}

    {returns}

    Raises
    ------
    ValueError
        An unknown interaction name (the message lists the allowed ones), sample sizes
        that are not positive or too small for the formula, ``n_sims < 1``, ``ci``
        outside (0, 1), ``n_jobs=0``, an ``effect`` outside the parameter's range, or a
        ``term`` the formula does not have.
    TypeError
        ``n_customers``, ``n_jobs``, ``n_sims`` or ``n_periods`` not integers, ``ci``
        or ``effect`` not a number, ``progress`` not True/False.

    Notes
    -----
    For each sample size :math:`n` and replication :math:`r = 1, \\dots, R`: simulate
    a panel of :math:`n` customers, fit :math:`\\hat\\beta = X^+ y` by OLS, and record
    whether the :math:`\\mathrm{ci}`-level interval of :math:`\\hat\\beta_j` excludes 0
    (:math:`p < 1 - \\mathrm{ci}`) and :math:`\\operatorname{sign}(\\hat\\beta_j) =
    \\operatorname{sign}(\\beta_j)`. The power estimate is the share :math:`k/R`; its
    Wilson interval is
    :math:`\\frac{\\hat p + z^2/2R \\pm z\\sqrt{\\hat p(1-\\hat p)/R + z^2/4R^2}}{1 +
    z^2/R}`. An interaction's power grows with the variance of the product term: a
    rare moderator category (few hedonic shoppers, few specialty stores) needs more
    customers than the same effect on a balanced one (McClelland & Judd 1993).

    With few observations per coefficient (:data:`CX_FORMULA` has 38) HC3 standard
    errors are conservative: the test rejects a true null less often than ``1 - ci``
    and power is understated. The simulated errors are homoskedastic and normal, so
    with ``robust=None`` the t-test is exact and its size is ``1 - ci``.

    References
    ----------
    Aguinis, H., Beaty, J. C., Boik, R. J., & Pierce, C. A. (2005). Effect size and
    power in assessing moderating effects of categorical variables using multiple
    regression: A 30-year review. *Journal of Applied Psychology*, 90(1), 94-107.

    McClelland, G. H., & Judd, C. M. (1993). Statistical difficulties of detecting
    interactions and moderator effects. *Psychological Bulletin*, 114(2), 376-390.

    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *Journal of the American Statistical Association*, 22(158), 209-212.

    Examples
    --------
    >>> res = power_interaction([100, 400], n_sims=20, seed=1, progress=False)
    >>> res[["n_customers", "power", "true_value"]]
       n_customers  power  true_value
    0          100   0.45        0.45
    1          400   1.00        0.45
    """
    return _power(
        "interaction",
        INTERACTIONS,
        interaction,
        n_customers,
        effect=effect,
        n_periods=n_periods,
        n_sims=n_sims,
        ci=ci,
        formula=formula,
        term=term,
        params=params,
        robust=robust,
        seed=seed,
        n_jobs=n_jobs,
        backend=backend,
        scheduler=scheduler,
        progress=progress,
    )


def power_main_effect(
    n_customers: Sequence[int] | int,
    *,
    parameter: str = "service_weight",
    effect: float | None = None,
    n_periods: int = 1,
    n_sims: int = 200,
    ci: float = 0.95,
    formula: str | None = None,
    term: str | None = None,
    params: RetailParams | Mapping[str, Any] | None = None,
    robust: str | None = "HC3",
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    n_jobs: int = 1,
    backend: str = "joblib",
    scheduler: str | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Power to detect a determinant's weight in the retail CX model, by simulation.

    Parameters
    ----------
    n_customers : list of int
        Sample sizes (customers) to evaluate.
    parameter : str, default "service_weight"
        The weight of :class:`RetailParams` to study; allowed names and their terms
        (:data:`MAIN_EFFECTS`): ``social_weight`` -> ``social``, ``crowding_weight``
        -> ``crowding``, ``service_weight`` -> ``service``, ``atmosphere_weight`` ->
        ``atmosphere``, ``assortment_weight`` -> ``assortment``, ``price_weight`` ->
        ``price``, ``channel_weight`` -> ``channel``, ``brand_weight`` -> ``brand``,
        ``carryover`` -> ``cx_lag``. In :data:`CX_FORMULA` a determinant with a
        moderator is estimated at the moderator's reference value: ``crowding`` for
        utilitarian shoppers, ``atmosphere`` in discounters, and ``service`` at age 0
        (true value ``service_weight - 4.5 * service_x_age``, not ``service_weight``).
    effect : float, optional
        The value of the parameter to simulate. Default: its value in ``params``.
    {shared}
    {shared2}

    {returns}

    Raises
    ------
    ValueError
        As :func:`power_interaction`; an unknown parameter name lists the allowed ones.

    Notes
    -----
    The same simulation as :func:`power_interaction`, testing a main effect.

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd
    ed.). Erlbaum.

    Aguinis, H., Beaty, J. C., Boik, R. J., & Pierce, C. A. (2005). Effect size and
    power in assessing moderating effects of categorical variables using multiple
    regression: A 30-year review. *Journal of Applied Psychology*, 90(1), 94-107.

    Examples
    --------
    >>> res = power_main_effect(
    ...     [200, 800], parameter="brand_weight", effect=0.1, n_sims=20, seed=2, progress=False
    ... )
    >>> res[["n_customers", "power", "true_value"]]
       n_customers  power  true_value
    0          200   0.45         0.1
    1          800   1.00         0.1
    """
    return _power(
        "parameter",
        MAIN_EFFECTS,
        parameter,
        n_customers,
        effect=effect,
        n_periods=n_periods,
        n_sims=n_sims,
        ci=ci,
        formula=formula,
        term=term,
        params=params,
        robust=robust,
        seed=seed,
        n_jobs=n_jobs,
        backend=backend,
        scheduler=scheduler,
        progress=progress,
    )


for _f in (power_interaction, power_main_effect):
    _f.__doc__ = (
        _f.__doc__.replace("    {shared}", _SHARED_PARAMS)
        .replace("    {shared2}", _SHARED_PARAMS_2)
        .replace("    {returns}", _RETURNS)
    )
del _f
