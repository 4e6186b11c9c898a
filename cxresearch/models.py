"""Driver regressions: from experience drivers to loyalty, as tidy tables.

One entry point, :func:`fit_drivers`, wraps statsmodels' formula API for the four
models a CX driver analysis needs (Verhoef et al. 2009; SYLLABUS section 4):

* ``family="ols"`` -- satisfaction or a 0-10 score treated as interval, with
  heteroskedasticity-robust (HC3) standard errors by default;
* ``family="logit"`` (or ``"probit"``) -- a yes/no outcome (returned, churned,
  complained), with one average marginal effect per driver on the probability scale
  (a discrete change for yes/no and categorical drivers);
* ``family="ordinal"`` -- an ordered outcome (1-7 satisfaction, 0-10 likelihood to
  recommend) with statsmodels' ``OrderedModel`` (proportional-odds logit, or ordered
  probit with ``link="probit"``);
* ``family="mixed"`` -- a linear mixed model with random intercepts by ``groups``
  (e.g. customers in a panel, where CX(t) depends on CX(t-1)).

Repeated answers by the same customer (a panel, several visits) are not independent:
``robust="cluster"`` with ``cluster="customer_id"`` (or two columns, for two-way
clustering) gives cluster-robust standard errors (Cameron & Miller 2015).

It returns a :class:`DriverResult`: the fitted statsmodels results (``.model``), a
tidy table (``.table``: ``term, estimate, std_error, statistic, p_value, ci_low,
ci_high``), fit statistics (``.fit``), collinearity diagnostics
(``.collinearity``: VIFs; a :class:`CollinearityWarning` above the stated
thresholds), and, by family, marginal effects or variance components. Every
coefficient and standard error is the number statsmodels computes; the wrapper checks
the input and reshapes the output.

Formulas are evaluated in the caller's namespace, as statsmodels does: patsy's
``center(x)``, a user's own function or a local variable may appear in a formula.

Moderation helpers work on a fitted :class:`DriverResult`: :func:`center`,
:func:`simple_slopes` and :func:`johnson_neyman`. :func:`compare_to_truth` lines a
fitted table up with the simulator's ``truth()``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _design
from . import _validate as v
from ._result import Result
from .errors import ConvergenceError

__all__ = [
    "CollinearityWarning",
    "DriverResult",
    "JohnsonNeymanResult",
    "center",
    "compare_to_truth",
    "fit_drivers",
    "interaction_predictions",
    "johnson_neyman",
    "simple_slopes",
]

FAMILIES = ("ols", "logit", "probit", "ordinal", "mixed")
#: The values of ``fit_drivers(missing=...)``: raise, drop incomplete rows, or impute.
MISSING = ("raise", "listwise", "mice")
_BINARY = ("logit", "probit")
_ROBUST = {
    "ols": ("auto", None, "HC0", "HC1", "HC2", "HC3", "cluster"),
    "logit": ("auto", None, "HC0", "cluster"),
    "probit": ("auto", None, "HC0", "cluster"),
    "ordinal": ("auto", None, "HC0", "cluster"),
    "mixed": ("auto", None),
}
TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]

#: Above these a :class:`CollinearityWarning` is issued: a variance inflation factor of
#: 10 (Hair et al. 2019; Kutner et al. 2005) and a condition number of 30 (Belsley, Kuh
#: & Welsch 1980), both among the main-effect columns of the design.
VIF_WARN = 10.0
CONDITION_WARN = 30.0

#: Below this many clusters (the smaller count with two-way clustering) a ``UserWarning``
#: is issued and clustered intervals and p-values use Student's t with G - 1 degrees of
#: freedom: cluster-robust standard errors are too small with few clusters (Cameron &
#: Miller 2015 ask for some 30 or more; below 20 the bias is large).
CLUSTER_WARN = 20


class CollinearityWarning(UserWarning):
    """Drivers so strongly related that their separate effects are poorly determined."""


# --------------------------------------------------------------------------- the result


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class DriverResult(Result):
    """What :func:`fit_drivers` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        Tidy coefficients: ``term, estimate, std_error, statistic, p_value, ci_low,
        ci_high``, one row per parameter, in statsmodels' order and spelling (mixed
        models: the fixed effects; the variances are in ``variance_components``).
    model : statsmodels results
        The fitted statsmodels results object (``.summary()``, ``.predict()``, ...).
    fit : pandas.Series
        ``n``, ``n_dropped``, ``n_params``, ``r_squared`` and ``adj_r_squared`` (OLS),
        ``pseudo_r_squared`` (McFadden; logit, probit, ordinal), ``n_groups`` (mixed),
        ``n_clusters`` (and ``n_clusters_2`` for two-way clustering),
        ``log_likelihood``, ``aic``, ``bic`` (mixed: from a maximum-likelihood refit,
        because REML likelihoods of models with different fixed effects cannot be
        compared), ``max_vif`` and ``condition_number`` (main effects, see
        ``collinearity``).
    collinearity : pandas.DataFrame
        ``term, vif, vif_main``: the variance inflation factor of every design column
        and, for main effects, among the main effects only (product terms inflate the
        first by construction unless their parts are centred).
    marginal_effects : pandas.DataFrame or None
        Logit and probit: one average marginal effect per driver on the probability
        scale (``term, driver, contrast, estimate, std_error, statistic, p_value,
        ci_low, ci_high``); see :func:`fit_drivers`, Notes.
    variance_components : pandas.DataFrame or None
        Mixed models: ``term, estimate, statistic, p_value`` for ``group_variance``
        (sigma_u squared, with the boundary-corrected likelihood-ratio test of
        sigma_u squared = 0), ``residual_variance`` (sigma_e squared, no test) and
        ``icc`` (the share of the variance between groups, no test).
    standardized : pandas.DataFrame or None
        With ``standardized=True``: the same model fitted to z-scored numeric variables
        (tidy).
    family, formula, robust : str
        How the model was specified (``robust`` is the covariance type used).
    cluster : tuple of str
        The cluster column(s) with ``robust="cluster"``, else empty.
    weights : str or None
        The survey-weight column of a weighted fit (``weights=``), else None. The
        weights of the fitted rows are ``data[weights]``; :func:`simple_slopes`,
        :func:`johnson_neyman` and :func:`interaction_predictions` use them for the
        moderator's mean and SD, the typical values of the other drivers and the
        shares of data.
    data : pandas.DataFrame
        The rows the model was fitted to (after ``missing="listwise"``), used by
        :func:`simple_slopes` and the plots. Not a copy of the input: do not modify it.
    variables : tuple of str
        The columns of ``data`` named in the formula (outcome first).
    """

    model: Any
    fit: pd.Series
    family: str
    formula: str
    robust: str | None
    data: pd.DataFrame
    variables: tuple
    collinearity: pd.DataFrame | None = None
    marginal_effects: pd.DataFrame | None = None
    variance_components: pd.DataFrame | None = None
    standardized: pd.DataFrame | None = None
    cluster: tuple = ()
    weights: Hashable | None = None

    @property
    def n(self) -> int:
        """Number of rows the model was fitted to."""
        return int(self.fit["n"])

    @property
    def n_dropped(self) -> int:
        """Number of incomplete rows dropped (``missing="listwise"``), else 0."""
        return int(self.fit["n_dropped"])

    def _standard_errors(self) -> str:
        text = {None: "model-based", "HC3": "robust (HC3)", "HC0": "robust (HC0)"}.get(
            self.robust, str(self.robust)
        )
        if self.cluster:
            text = f"clustered by {' and '.join(map(str, self.cluster))}"
        return text

    def _summary_title(self) -> str:
        names = {
            "ols": "OLS regression",
            "logit": "Logit model",
            "probit": "Probit model",
            "ordinal": "Ordered model",
            "mixed": "Mixed (random-intercept) model",
        }
        return f"Driver model: {names.get(self.family, self.family)}"

    def _summary_facts(self) -> list[tuple[str, Any]]:
        labels = {
            "n": "n",
            "n_dropped": "rows dropped",
            "r_squared": "R²",
            "adj_r_squared": "adjusted R²",
            "pseudo_r_squared": "pseudo R² (McFadden)",
            "n_groups": "groups",
            "n_clusters": "clusters",
            "n_clusters_2": "clusters (2nd)",
            "log_likelihood": "log-likelihood",
            "aic": "AIC",
            "bic": "BIC",
            "max_vif": "largest VIF",
        }
        facts: list[tuple[str, Any]] = [("formula", self.formula)]
        facts.append(("standard errors", self._standard_errors()))
        if self.weights is not None:
            facts.append(("weights", str(self.weights)))
        for key, label in labels.items():
            if key in self.fit.index and pd.notna(self.fit[key]):
                value = self.fit[key]
                facts.append((label, int(value) if key.startswith("n") else float(value)))
        return facts

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        tables = [("coefficients", self.table)]
        if self.marginal_effects is not None:
            tables.append(("average marginal effects", self.marginal_effects))
        if self.variance_components is not None:
            tables.append(("variance components", self.variance_components))
        return tables


# --------------------------------------------------------------------------- input checks


def _check_variables(
    data: pd.DataFrame, formula: str, outcome: list[str], drivers: list[str], family: str
) -> None:
    """Types, finiteness and variation of the columns a formula uses."""
    for col in outcome:
        _check_outcome(data[col], col, family)
    for col in drivers:
        _check_driver(data[col], col, formula)
    for col in [*outcome, *drivers]:
        s = data[col]
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            values = s.to_numpy(dtype=float, na_value=np.nan)
            bad = values[np.isinf(values)]
            if bad.size:
                raise ValueError(
                    f"formula: column {col!r} has {bad.size} infinite value(s); "
                    f"only finite numbers are allowed."
                )
            v.check_magnitude(values, col, "formula")
            # as nunique(dropna=True) < 2, in one vectorised pass (no hash table at 1e6 rows)
            native = s.to_numpy()
            if native.dtype.kind == "f":
                native = native[~np.isnan(native)] if np.isnan(native).any() else native
            elif native.dtype.kind not in "iu":
                native = values[~np.isnan(values)]
            constant = native.size == 0 or not (native != native[0]).any()
        else:
            constant = s.nunique(dropna=True) < 2
        if constant:
            role = "outcome" if col in outcome else "driver"
            raise ValueError(
                f"formula: {role} column {col!r} is constant (its only value is "
                f"{v.format_values(s.dropna().unique()[:1])}); a regression needs a "
                f"{role} that varies. Drop it from the formula."
            )


def _check_outcome(s: pd.Series, col: str, family: str) -> None:
    if family == "ordinal":
        ok = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
        ok = ok or (isinstance(s.dtype, pd.CategoricalDtype) and s.dtype.ordered)
        allowed = "numbers (ordered answer codes) or an ordered pandas Categorical"
    elif family in _BINARY:
        ok = pd.api.types.is_numeric_dtype(s.dtype)
        allowed = "0/1 (or True/False)"
    else:
        ok = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
        allowed = "numbers"
    if not ok:
        raise ValueError(
            f"formula: outcome column {col!r} has dtype {s.dtype}; for family={family!r} "
            f"it must hold {allowed}."
        )
    if family in _BINARY:
        values = pd.unique(s.dropna().astype(float))
        bad = [x for x in values if x not in (0.0, 1.0)]
        if bad:
            raise ValueError(
                f"formula: outcome column {col!r} must hold 0/1 for family={family!r}, "
                f"found {v.format_values(sorted(bad))}."
            )


def _check_driver(s: pd.Series, col: str, formula: str) -> None:
    dtype = s.dtype
    numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    factor = isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype)
    text = pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
    if text and not factor and not _design.wrapped_in_c(formula, col):
        raise ValueError(
            f"formula: driver column {col!r} is not numeric (dtype {dtype}). Allowed "
            f"are numbers, booleans and pandas Categoricals; to use text labels as "
            f"categories write C({col}) in the formula, or convert numbers stored as "
            f"text with pandas.to_numeric(...)."
        )
    if not (numeric or factor or text):
        raise ValueError(
            f"formula: driver column {col!r} has dtype {dtype}, which a regression "
            f"cannot use. Allowed are numbers, booleans, text wrapped in C(...) and "
            f"pandas Categoricals."
        )


def _check_options(
    data: pd.DataFrame,
    family: Any,
    robust: Any,
    link: Any,
    groups: Any,
    cluster: Any,
    standardized: Any,
) -> tuple[str | None, list[Hashable]]:
    """Check the fitting options; return the covariance type and the cluster columns."""
    v.check_one_of(family, FAMILIES, "family")
    if robust not in _ROBUST[family]:
        raise ValueError(
            f"robust must be one of {v.format_values(_ROBUST[family])} for "
            f"family={family!r}, got {robust!r}."
        )
    clusters = v.check_columns(data, cluster, "cluster")
    if len(clusters) > 2:
        raise ValueError(
            f"cluster: one or two columns are allowed (one- or two-way clustering), "
            f"got {len(clusters)}: {v.format_values(clusters)}."
        )
    if robust == "auto":
        robust = "cluster" if clusters else ("HC3" if family == "ols" else None)
    if robust == "cluster" and not clusters:
        raise ValueError(
            "cluster: robust='cluster' needs the column(s) that identify the clusters, "
            "e.g. cluster='customer_id' (one-way) or cluster=['customer_id', 'store_id']."
        )
    if clusters and robust != "cluster":
        raise ValueError(
            f"cluster is used only with robust='cluster' (or 'auto'), got robust={robust!r}."
        )
    v.check_one_of(link, ("logit", "probit"), "link")
    if link != "logit" and family != "ordinal":
        raise ValueError(
            f"link is used only with family='ordinal' (for a binary probit use "
            f"family='probit'), got link={link!r} with family={family!r}."
        )
    if not isinstance(standardized, bool | np.bool_):
        raise TypeError(f"standardized must be True or False, got {standardized!r}.")
    if family == "mixed":
        if groups is None:
            raise ValueError(
                "groups: family='mixed' needs the column of group labels, e.g. groups='customer_id'."
            )
        v.check_columns(data, groups, "groups")
    elif groups is not None:
        raise ValueError(f"groups is used only with family='mixed', got family={family!r}.")
    return robust, clusters


# --------------------------------------------------------------------------- fitting


def _critical(result: Any, level: float) -> tuple[float, float | None]:
    """Critical value for a two-sided interval, and the t degrees of freedom (or None)."""
    from scipy import stats

    if getattr(result, "use_t", False):
        # clustered fits with few clusters: statsmodels' G - 1 (df_correction)
        df = float(getattr(result, "df_resid_inference", None) or result.df_resid)
        return float(stats.t.ppf(0.5 + level / 2, df)), df
    return float(stats.norm.ppf(0.5 + level / 2)), None


def _tidy(result: Any, level: float, names: Sequence[str] | None = None) -> pd.DataFrame:
    params = pd.Series(result.params)
    names = list(params.index) if names is None else list(names)
    bse = pd.Series(result.bse, index=params.index)
    stat = pd.Series(result.tvalues, index=params.index)
    pval = pd.Series(result.pvalues, index=params.index)
    conf = pd.DataFrame(result.conf_int(alpha=1 - level))
    conf.index = params.index
    return pd.DataFrame(
        {
            "term": [str(n) for n in names],
            "estimate": params[names].to_numpy(dtype=float),
            "std_error": bse[names].to_numpy(dtype=float),
            "statistic": stat[names].to_numpy(dtype=float),
            "p_value": pval[names].to_numpy(dtype=float),
            "ci_low": conf.loc[names].iloc[:, 0].to_numpy(dtype=float),
            "ci_high": conf.loc[names].iloc[:, 1].to_numpy(dtype=float),
        }
    )


def _build_model(
    family: str,
    formula: str,
    data: pd.DataFrame,
    groups: Hashable | None,
    link: str,
    env: Mapping[str, Any],
    weights: np.ndarray | None = None,
) -> Any:
    with _formula_errors(formula):
        return _statsmodels_model(family, formula, data, groups, link, dict(env), weights)


@contextlib.contextmanager
def _formula_errors(formula: str):
    """Turn patsy's errors on a formula it cannot read into a ``ValueError`` naming it.

    patsy raises ``PatsyError``, Python's ``SyntaxError``, or (on a stray ``<`` or
    ``>``) an ``AssertionError`` of its tokenizer.
    """
    from patsy import PatsyError

    try:
        yield
    except (PatsyError, SyntaxError, AssertionError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(
            f"formula: {formula!r} cannot be read: {reason}. Check its operators and "
            f'brackets; write a column whose name holds other characters as Q("name") '
            f"(cx.fit_drivers's docstring lists the rules)."
        ) from None


def _statsmodels_model(
    family: str,
    formula: str,
    data: pd.DataFrame,
    groups: Hashable | None,
    link: str,
    env: dict[str, Any],
    weights: np.ndarray | None,
) -> Any:
    import statsmodels.formula.api as smf

    if weights is not None:
        if family == "ols":
            return smf.wls(formula, data, weights=weights, eval_env=env)
        import statsmodels.api as sm

        links = {"logit": sm.families.links.Logit(), "probit": sm.families.links.Probit()}
        binomial = sm.families.Binomial(link=links[family])
        return smf.glm(formula, data, family=binomial, var_weights=weights, eval_env=env)
    if family == "ols":
        return smf.ols(formula, data, eval_env=env)
    if family == "logit":
        return smf.logit(formula, data, eval_env=env)
    if family == "probit":
        return smf.probit(formula, data, eval_env=env)
    if family == "ordinal":
        from statsmodels.miscmodels.ordinal_model import OrderedModel

        return OrderedModel.from_formula(formula, data, distr=link, eval_env=env)
    return smf.mixedlm(formula, data, groups=data[groups], eval_env=env)


def _cluster_codes(
    data: pd.DataFrame, clusters: list[Hashable], stacklevel: int = 3, pooled: bool = False
) -> np.ndarray:
    """Integer codes of the cluster column(s), shape (n,) or (n, 2); warn if few.

    ``stacklevel`` points the warning at the code that called the public function;
    ``pooled``: for multiple imputation, whose pooled intervals stay normal.
    """
    codes = [pd.factorize(data[c], sort=True)[0] for c in clusters]
    for c, code in zip(clusters, codes, strict=True):
        n_clusters = int(code.max()) + 1
        if n_clusters < 2:
            raise ValueError(
                f"cluster: column {c!r} has a single cluster; cluster-robust standard "
                f"errors need many clusters (at least about 30 to be trusted)."
            )
        if n_clusters < CLUSTER_WARN:
            how = (
                "The pooled intervals (missing='mice') use the normal distribution"
                if pooled
                else f"The intervals and p-values use Student's t with {n_clusters - 1} "
                f"(clusters - 1) degrees of freedom"
            )
            warnings.warn(
                f"cluster: column {c!r} has only {n_clusters} clusters (fewer than "
                f"{CLUSTER_WARN}); cluster-robust standard errors are too small with few "
                f"clusters. {how} on top of the G/(G-1)*(n-1)/(n-k) correction, which "
                f"helps but is rough: read them with caution (some 30 or more clusters "
                f"are needed to trust them).",
                UserWarning,
                stacklevel=stacklevel,
            )
    return codes[0] if len(codes) == 1 else np.column_stack(codes)


def _few_clusters(groups: np.ndarray) -> bool:
    """Fewer than :data:`CLUSTER_WARN` clusters (in either dimension)."""
    g = groups.reshape(len(groups), -1)
    return min(len(np.unique(g[:, j])) for j in range(g.shape[1])) < CLUSTER_WARN


def _fit_model(model: Any, family: str, robust: str | None, groups: np.ndarray | None) -> Any:
    kw: dict[str, Any] = {}
    if robust == "cluster":
        kw = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
        if _few_clusters(groups):
            kw["use_t"] = True  # t(G - 1): statsmodels' df_correction
    elif robust is not None:
        kw = {"cov_type": robust}
    if _is_glm(model):
        from statsmodels.tools.sm_exceptions import SpecificationWarning

        with warnings.catch_warnings():
            # statsmodels warns that robust covariances are "not fully supported with
            # var_weights"; for the binomial GLM used here the HC0 and cluster sandwiches
            # are the pseudo-likelihood ones (tests/test_models.py checks them by hand).
            warnings.filterwarnings("ignore", "cov_type not fully supported", SpecificationWarning)
            return model.fit(**kw)
    if family == "ols":
        return model.fit(**kw)
    if family in _BINARY:
        from statsmodels.tools.sm_exceptions import ConvergenceWarning

        with warnings.catch_warnings():
            # fit_drivers checks convergence itself and raises cx.ConvergenceError with
            # the usual cause (perfect separation): statsmodels' warning would only
            # repeat it, less clearly
            warnings.filterwarnings(
                "ignore", "Maximum Likelihood optimization failed to converge", ConvergenceWarning
            )
            # exp() of a large linear predictor overflows to inf inside the logistic cdf,
            # whose value is then the right limit (0 or 1): not a problem to report
            with np.errstate(over="ignore"):
                return model.fit(disp=0, **kw)
    if family == "ordinal":
        return model.fit(method="bfgs", disp=False, **kw)
    return model.fit(reml=True)


def _is_glm(model: Any) -> bool:
    return type(model).__name__ == "GLM"


def _check_design(model: Any, family: str, n: int) -> tuple[pd.DataFrame, float]:
    """Enough rows, full rank; then the VIF table and condition number (one pass)."""
    exog = np.asarray(model.exog, dtype=float)
    k = exog.shape[1]
    if k == 0:
        raise ValueError(
            "formula: the model has no coefficient (no driver and no intercept, e.g. "
            "'y ~ 0'); name at least one driver, or keep the intercept."
        )
    # ordinal: the thresholds are parameters too; mixed: the group variance.
    extra = {"ols": 1, "logit": 0, "probit": 0, "ordinal": 0, "mixed": 2}[family]
    if family == "ordinal":
        extra = len(np.unique(model.endog)) - 1
    needed = k + extra + (1 if family != "ols" else 0)
    if n < needed:
        raise ValueError(
            f"too few rows: {n} complete row(s) for {k + extra} parameter(s) "
            f"({k} column(s) in the design matrix: {v.format_values(model.exog_names, 8)}); "
            f"at least {needed} rows are needed, and many more for useful estimates."
        )
    return _design.diagnose(exog, _exog_names(model))


def _exog_names(model: Any) -> list[str]:
    """Names of the design columns (OrderedModel appends its thresholds to exog_names)."""
    return list(model.exog_names)[: np.shape(model.exog)[1]]


def _collinearity(
    model: Any, checked: tuple[pd.DataFrame, float] | None = None
) -> tuple[pd.DataFrame, float]:
    """The VIF table and condition number (``checked``: already computed); warn if high."""
    if checked is None:
        checked = _design.collinearity(np.asarray(model.exog), _exog_names(model))
    table, cond = checked
    main = table.dropna(subset=["vif_main"])
    worst = main.sort_values("vif_main", ascending=False).head(3)
    if (len(main) and main["vif_main"].max() > VIF_WARN) or cond > CONDITION_WARN:
        shown = ", ".join(
            f"{t} {x:.3g}" for t, x in zip(worst["term"], worst["vif_main"], strict=True)
        )
        warnings.warn(
            f"collinear drivers: the largest variance inflation factors are {shown} "
            f"(warning above {VIF_WARN:g}) and the condition number is {cond:.3g} "
            f"(warning above {CONDITION_WARN:g}). Their separate coefficients are poorly "
            f"determined (large standard errors, signs that can flip); combine or drop "
            f"one of them, or report their joint effect.",
            CollinearityWarning,
            stacklevel=3,
        )
    return table, cond


def _fit_stats(
    result: Any, family: str, n: int, n_dropped: int, groups: np.ndarray | None
) -> dict[str, float]:
    stats: dict[str, float] = {
        "n": n,
        "n_dropped": n_dropped,
        "n_params": len(result.params),
    }
    if family == "ols":
        stats["r_squared"] = float(result.rsquared)
        stats["adj_r_squared"] = float(result.rsquared_adj)
    elif family in (*_BINARY, "ordinal"):
        stats["pseudo_r_squared"] = float(1 - result.llf / result.llnull)
    else:
        stats["n_groups"] = len(result.model.group_labels)
    if groups is not None:
        g = groups.reshape(len(groups), -1)
        stats["n_clusters"] = len(np.unique(g[:, 0]))
        if g.shape[1] == 2:
            stats["n_clusters_2"] = len(np.unique(g[:, 1]))
    stats["log_likelihood"] = float(result.llf)
    stats["aic"] = float(result.aic)
    # a GLM's .bic is deviance-based (and warns); bic_llf is the likelihood-based one
    stats["bic"] = float(result.bic_llf if _is_glm(result.model) else result.bic)
    return stats


def _variance_components(
    result: Any, formula: str, data: pd.DataFrame, env: Mapping[str, Any]
) -> tuple[pd.DataFrame, Any]:
    """sigma_u^2, sigma_e^2 and the ICC of a random-intercept model, with an LR test.

    Returns the table and the maximum-likelihood refit (for AIC/BIC).
    """
    import statsmodels.formula.api as smf
    from scipy import stats

    sigma_u2 = float(np.asarray(result.cov_re)[0, 0])
    sigma_e2 = float(result.scale)
    ml = result.model.fit(reml=False)
    ols = smf.ols(formula, data, eval_env=dict(env)).fit()
    lr = max(2.0 * (float(ml.llf) - float(ols.llf)), 0.0)
    # sigma_u^2 = 0 lies on the boundary: the LR statistic is a 50:50 mixture of a
    # point mass at 0 and chi2(1) (Self & Liang 1987), so the p-value is halved.
    p = 0.5 * float(stats.chi2.sf(lr, 1)) if lr > 0 else 1.0
    table = pd.DataFrame(
        {
            "term": ["group_variance", "residual_variance", "icc"],
            "estimate": [sigma_u2, sigma_e2, sigma_u2 / (sigma_u2 + sigma_e2)],
            "statistic": [lr, np.nan, np.nan],
            "p_value": [p, np.nan, np.nan],
        }
    )
    return table, ml


def _standardized_table(
    clean: pd.DataFrame,
    formula: str,
    outcome: list[str],
    drivers: list[str],
    family: str,
    spec: dict[str, Any],
    ci: float,
) -> pd.DataFrame:
    z = clean.copy()
    skip_outcome = family in (*_BINARY, "ordinal")
    for col in [*outcome, *drivers]:
        s = z[col]
        if col in outcome and skip_outcome:
            continue
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            if _design.wrapped_in_c(formula, col):
                continue
            mean, sd = _mean_sd(s, spec["w"])
            z[col] = (s - mean) / sd
    model = _build_model(family, formula, z, spec["groups"], spec["link"], spec["env"], spec["w"])
    std_result = _fit_model(model, family, spec["robust"], spec["codes"])
    return _tidy(std_result, ci, _fixed_names(std_result, family))


def _mean_sd(values: pd.Series, weights: np.ndarray | None = None) -> tuple[float, float]:
    """Mean and SD of a numeric column, weighted with survey weights when given.

    Unweighted: the mean and the SD with ``ddof=1``. Weighted: :math:`\\bar x_w =
    \\sum w_i x_i / \\sum w_i` and :math:`s_w^2 = \\sum w_i (x_i - \\bar x_w)^2 /
    (V_1 - V_2 / V_1)` with :math:`V_1 = \\sum w_i`, :math:`V_2 = \\sum w_i^2`
    (``numpy.cov(x, aweights=w)``, as the key-driver functions): the ordinary SD
    when all weights are equal, and unchanged when the weights are rescaled.

    Examples
    --------
    >>> _mean_sd(pd.Series([1.0, 2.0, 6.0]))
    (3.0, 2.6457513110645907)
    >>> m, sd = _mean_sd(pd.Series([1.0, 2.0, 6.0]), np.array([2.0, 2.0, 2.0]))
    >>> round(m, 12), round(sd, 12)
    (3.0, 2.645751311065)
    """
    if weights is None:
        return float(values.mean()), float(values.std(ddof=1))
    x = values.to_numpy(dtype=float)
    return float(np.average(x, weights=weights)), float(np.sqrt(np.cov(x, aweights=weights)))


def _fixed_names(result: Any, family: str) -> list[str] | None:
    if family == "mixed":
        return list(result.model.exog_names)
    return None


# --------------------------------------------------------------------------- marginal effects


def _driver_levels(data: pd.DataFrame, formula: str, col: str) -> list[Any] | None:
    """The levels of a yes/no or categorical driver (reference first), None if continuous.

    Booleans, pandas Categoricals, text and ``C(...)`` columns are categorical; a
    numeric column whose only values are 0 and 1 is a yes/no driver too.
    """
    s = data[col]
    if isinstance(s.dtype, pd.CategoricalDtype):
        return [c for c in s.cat.categories if (s == c).any()]
    if pd.api.types.is_bool_dtype(s.dtype):
        return [False, True]
    numeric = pd.api.types.is_numeric_dtype(s.dtype)
    if not numeric or _design.wrapped_in_c(formula, col):
        return sorted(s.dropna().unique())
    values = set(pd.unique(s.dropna().astype(float)))
    if values == {0.0, 1.0}:
        return [0, 1]
    return None


def _link_functions(family: str):
    from scipy import special, stats

    if family == "logit":

        def cdf(eta):
            return special.expit(eta)

        def pdf(eta):
            p = special.expit(eta)
            return p * (1 - p)

        def dpdf(eta):
            p = special.expit(eta)
            return p * (1 - p) * (1 - 2 * p)

    else:

        def cdf(eta):
            return stats.norm.cdf(eta)

        def pdf(eta):
            return stats.norm.pdf(eta)

        def dpdf(eta):
            return -eta * stats.norm.pdf(eta)

    return cdf, pdf, dpdf


def _design_at(model: Any, data: pd.DataFrame, col: str, value: Any) -> np.ndarray:
    """Design matrix of the fitted rows with ``col`` set to ``value`` for everyone."""
    rows = data.copy()
    rows[col] = value
    return _design.design_rows(model, rows, data)


def _derivative_rows(model: Any, data: pd.DataFrame, col: str, exog: np.ndarray) -> np.ndarray:
    """d(design row)/d(col) for every fitted row: exact where the design is linear in col.

    ``exog`` is the fitted design (the design at the observed values), reused as the
    first of the three points of the linearity check.
    """
    x = data[col].to_numpy(dtype=float)
    step = float(np.std(x)) or 1.0
    shifted = [_design.design_rows(model, data.assign(**{col: x + k * step}), data) for k in (1, 2)]
    at = [exog, *shifted]
    d1, d2 = at[1] - at[0], at[2] - at[1]
    if np.allclose(d1, d2, rtol=1e-9, atol=1e-12 * max(1.0, float(np.abs(at[0]).max()))):
        return d1 / step
    # a transformation such as np.log(x) or I(x**2): central differences
    h = 1e-5 * step
    up = _design.design_rows(model, data.assign(**{col: x + h}), data)
    down = _design.design_rows(model, data.assign(**{col: x - h}), data)
    return (up - down) / (2 * h)


def _marginal_effects(
    result: Any,
    family: str,
    data: pd.DataFrame,
    formula: str,
    drivers: list[str],
    ci: float,
    weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """One average marginal effect per driver on the probability scale, delta-method SEs."""
    from scipy import stats

    model = result.model
    names = list(model.exog_names)
    beta = pd.Series(result.params)[names].to_numpy(dtype=float)
    cov = pd.DataFrame(result.cov_params()).loc[names, names].to_numpy(dtype=float)
    cdf, pdf, dpdf = _link_functions(family)
    x = np.asarray(model.exog, dtype=float)
    rows: list[dict[str, Any]] = []
    for col in drivers:
        levels = _driver_levels(data, formula, col)
        if levels is None:
            d = _derivative_rows(model, data, col, x)
            eta, slope = x @ beta, d @ beta
            est = float(np.average(pdf(eta) * slope, weights=weights))
            grad = np.average(
                dpdf(eta)[:, None] * slope[:, None] * x + pdf(eta)[:, None] * d, 0, weights
            )
            rows.append({"term": col, "driver": col, "contrast": "derivative", "est": est,
                         "grad": grad})  # fmt: skip
            continue
        x0 = _design_at(model, data, col, levels[0])
        eta0 = x0 @ beta
        for level in levels[1:]:
            x1 = _design_at(model, data, col, level)
            eta1 = x1 @ beta
            est = float(np.average(cdf(eta1) - cdf(eta0), weights=weights))
            grad = np.average(pdf(eta1)[:, None] * x1 - pdf(eta0)[:, None] * x0, 0, weights)
            term = col if len(levels) == 2 else f"{col}[{level}]"
            rows.append({"term": term, "driver": col, "contrast": f"{level} vs {levels[0]}",
                         "est": est, "grad": grad})  # fmt: skip
    est = np.array([r["est"] for r in rows])
    grads = np.array([r["grad"] for r in rows]).reshape(len(rows), len(names))
    se = np.sqrt(np.einsum("ij,jk,ik->i", grads, cov, grads))
    z, df = _critical(result, ci)  # normal, or t(G - 1) with few clusters
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = est / se
    p = 2 * (stats.t.sf(np.abs(stat), df) if df is not None else stats.norm.sf(np.abs(stat)))
    return pd.DataFrame(
        {
            "term": [r["term"] for r in rows],
            "driver": [r["driver"] for r in rows],
            "contrast": [r["contrast"] for r in rows],
            "estimate": est,
            "std_error": se,
            "statistic": stat,
            "p_value": p,
            "ci_low": est - z * se,
            "ci_high": est + z * se,
        }
    )


def _check_weights(
    data: pd.DataFrame, weights: Any, family: str, asked: Any, robust: str | None
) -> str | None:
    """Check the weights column; return the covariance type to use with it.

    ``asked`` is the ``robust`` the caller passed, ``robust`` what it resolved to.
    """
    if weights is None:
        return robust
    if family not in ("ols", *_BINARY):
        raise ValueError(
            f"weights: survey weights are supported for family 'ols', 'logit' and 'probit', "
            f"got family={family!r}."
        )
    v.check_weights(data, weights, "weights")
    v.check_magnitude(data[weights].to_numpy(dtype=float, na_value=np.nan), weights, "weights")
    if family in _BINARY:
        if asked is None:
            raise ValueError(
                "robust: a weighted logit or probit needs robust standard errors ('HC0', "
                "'cluster' or 'auto'); model-based ones are wrong with sampling weights."
            )
        if asked == "auto":
            return robust if robust == "cluster" else "HC0"
    return robust


def fit_drivers(
    data: pd.DataFrame,
    formula: str,
    *,
    family: str = "ols",
    robust: str | None = "auto",
    cluster: Hashable | Sequence[Hashable] | None = None,
    weights: Hashable | None = None,
    link: str = "logit",
    groups: Hashable | None = None,
    standardized: bool = False,
    ci: float = 0.95,
    missing: str = "raise",
    n_imputations: int = 20,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    eval_env: int | Mapping[str, Any] = 0,
) -> DriverResult:
    """Fit a driver regression with statsmodels and return it with a tidy table.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer (or customer-period). Not modified.
    formula : str
        A statsmodels formula, ``"outcome ~ driver1 + driver2 + driver1:moderator"``.
        ``"outcome ~ ."`` uses every other column of ``data`` as a driver (all but the
        outcome and the ``weights``, ``cluster`` and ``groups`` columns, in the order
        of ``data``), ``"outcome ~ . - x"`` all but ``x``; other terms may follow
        (``"outcome ~ . - store + C(store)"``). ``result.formula`` is the formula
        written out. Names may be in any script (``персонал``, ``رضایت``); a column
        whose name a formula cannot hold as it is (a Python keyword such as
        ``import``, a name with spaces or starting with a digit) must be written
        ``Q("import")``.
        Text columns must be wrapped in ``C(...)``; pandas Categoricals and booleans
        are used as categories directly. With ``family="ordinal"`` the intercept is
        removed (the thresholds take its place). Names that are not columns are looked
        up in the caller's namespace, then among patsy's built-ins (``center``,
        ``standardize``, ``C``, ``I``, ...), as statsmodels does.
    family : {"ols", "logit", "probit", "ordinal", "mixed"}, default "ols"
        Linear regression, logistic or probit regression (0/1 or boolean outcome),
        an ordinal model (``OrderedModel``), or a linear mixed model with random
        intercepts by ``groups`` (``MixedLM``, REML).
    robust : {"auto", "HC0", "HC1", "HC2", "HC3", "cluster", None}, default "auto"
        Covariance type of the coefficients. ``"auto"`` is ``"cluster"`` when
        ``cluster`` is given, else ``"HC3"`` for OLS (robust to heteroskedasticity;
        Long & Ervin 2000) and the model-based covariance for the other families.
        ``None`` is the classical covariance. Logit, probit and ordinal accept
        ``"HC0"`` (sandwich) and ``"cluster"``; the mixed model only ``None``/``"auto"``
        (its random intercept already models the groups).
    cluster : str or list of two str, optional
        The column(s) identifying clusters of correlated rows, e.g. ``"customer_id"``
        when each customer answers several times: cluster-robust standard errors,
        one-way, or two-way with two columns (Cameron, Gelbach & Miller 2011); the
        same numbers as statsmodels' ``cov_type="cluster"`` with its small-sample
        correction (``use_correction=True``: the sandwich times
        :math:`\\frac{G}{G-1}\\frac{n-1}{n-k}`, CR1). Trust them with many clusters
        (some 30 or more). With fewer than ``CLUSTER_WARN`` (20) clusters (in either
        column) a ``UserWarning`` is issued and the intervals and p-values (also of
        the marginal effects and simple slopes) use Student's t with :math:`G - 1`
        degrees of freedom instead of the normal (statsmodels' ``df_correction``
        with ``use_t=True``; Cameron & Miller 2015, section VI; not for the pooled
        ``missing="mice"`` results); with more clusters they are statsmodels'
        defaults (normal for the robust covariances).
    weights : str, optional
        A column of survey (sampling) weights, finite and non-negative: OLS becomes
        weighted least squares (statsmodels ``WLS``), logit and probit a weighted
        binomial GLM (``var_weights``), i.e. pseudo-maximum likelihood. The standard
        errors are then robust ("auto" is HC3 for OLS and HC0 for logit/probit, or
        clustered with ``cluster``), because model-based standard errors treat sampling
        weights as precision weights and are wrong for a survey (Lumley 2010, ch. 5).
        Average marginal effects are weighted averages over the rows. Rows of weight 0
        are left out of the fit (``n`` counts the rows of positive weight); positive
        weights more than 1e12 apart are refused. Not available for the ordinal and
        mixed families.
    link : {"logit", "probit"}, default "logit"
        The ordinal model's link (``family="ordinal"`` only): proportional-odds logit
        or ordered probit.
    groups : str, optional
        The column of group labels (e.g. ``"customer_id"``); required for
        ``family="mixed"`` and allowed only there.
    standardized : bool, default False
        Also fit the model to z-scored numeric variables (mean 0, SD 1 in the fitted
        rows, weighted with ``weights``; the outcome too for OLS and mixed) and return
        that table as ``.standardized``: beta weights, comparable across drivers.
    ci : float, default 0.95
        Confidence level of the intervals.
    missing : {"raise", "listwise", "mice"}, default "raise"
        What to do with missing values in the columns the formula (and
        ``groups``/``cluster``/``weights``) uses. ``"raise"``: a ``ValueError``.
        ``"listwise"``: the incomplete rows are dropped and their number is reported
        in ``result.fit["n_dropped"]``. ``"mice"``: multiple imputation by chained
        equations instead of dropping incomplete rows (statsmodels' ``MICE``; each
        variable with missing values is imputed from the others by predictive mean
        matching). The model is fitted to ``n_imputations`` completed data sets and
        pooled by Rubin's rules: the estimate is the mean of the estimates, its
        variance the mean within-imputation variance plus ``(1 + 1/m)`` times the
        between-imputation variance (Rubin 1987; van Buuren 2018). OLS, logit and
        probit, without weights; ``fit`` reports ``n_incomplete`` and
        ``n_imputations``; ``.model`` is statsmodels' ``MICEResults`` (its
        ``frac_miss_info`` is the fraction of missing information per coefficient).
        Columns with missing values must be numeric; the ``cluster`` column must be
        complete.
    n_imputations : int, default 20
        Completed data sets with ``missing="mice"`` (2 to 10**6; checked always).
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Randomness of the imputations (``missing="mice"`` only; checked always).
    eval_env : int or dict, default 0
        Where names in the formula that are not columns are looked up: ``0`` is the
        code that calls ``fit_drivers``, ``1`` its caller, and so on; or a dict of
        names. As statsmodels' ``eval_env``.

    Returns
    -------
    DriverResult
        ``.table`` (tidy), ``.model`` (statsmodels results), ``.fit``,
        ``.collinearity``, ``.marginal_effects`` (logit, probit),
        ``.variance_components`` (mixed), ``.standardized`` (on request).

    Raises
    ------
    ValueError
        An unknown column in the formula, a non-numeric or constant driver, an
        infinite or missing value, too few rows for the number of parameters, a
        rank-deficient design (drivers that are exact linear combinations of others,
        judged on centred and scaled columns, so units and shifts do not matter), a
        single cluster, or an outcome the family cannot model; a formula patsy cannot
        read, a column named ``Intercept`` or like a function the formula calls
        (``Q``, ``C``), a column name that is a number, an outcome that is also a
        driver; survey weights with fewer than two positive, or positive weights more
        than 1e12 apart; ``n_imputations`` outside 2 to 10**6.

    Warns
    -----
    CollinearityWarning
        When a main-effect driver's variance inflation factor exceeds ``VIF_WARN``
        (10) or the condition number of the main effects exceeds ``CONDITION_WARN``
        (30).
    UserWarning
        When a ``cluster`` column has fewer than ``CLUSTER_WARN`` (20) clusters.

    Notes
    -----
    OLS: :math:`\\hat\\beta = (X'X)^{-1}X'y`; HC3 covariance
    :math:`(X'X)^{-1} X' \\operatorname{diag}(e_i^2/(1-h_{ii})^2) X (X'X)^{-1}`.
    Cluster-robust: :math:`(X'X)^{-1} (\\sum_g X_g'e_ge_g'X_g) (X'X)^{-1}` times
    :math:`\\frac{G}{G-1}\\frac{n-1}{n-k}` (likelihood models: the same with their
    scores and Hessian, :math:`k` counting every parameter); two-way: the sum of the two
    one-way matrices minus the one of their intersection, the t degrees of freedom
    (with few clusters) from the smaller number of clusters.

    Logit: :math:`P(y=1) = F(x'\\beta)` with :math:`F` logistic (probit: standard
    normal). The average marginal effect (AME) of a driver is computed through the
    formula, so a driver that also enters a product term or a transformation gets one
    effect, not one per column:

    * numeric driver :math:`x`: :math:`\\frac1n\\sum_i f(\\eta_i)\\,\\partial\\eta_i/\\partial x`,
      where :math:`\\partial\\eta_i/\\partial x` is the derivative of the whole linear
      predictor (for ``x * m`` it is :math:`\\beta_x + \\beta_{xm} m_i`);
    * yes/no or categorical driver (booleans, Categoricals, ``C(...)``, and numeric
      columns holding only 0 and 1): the discrete change
      :math:`\\frac1n\\sum_i [F(\\eta_i^{(1)}) - F(\\eta_i^{(0)})]`, everybody switched
      to the level against everybody at the reference (first) level;

    with delta-method standard errors :math:`\\sqrt{g'\\hat Vg}`, :math:`g` the gradient
    of the AME in :math:`\\beta` and :math:`\\hat V` the covariance the model was fitted
    with (clustered, if asked). Ordinal: :math:`P(y\\le k) = F(\\tau_k - x'\\beta)`;
    statsmodels reports the first threshold and then the logs of the increments (rows
    ``"a/b"`` of the table). Mixed: :math:`y_{it} = x_{it}'\\beta + u_i + e_{it}` with
    :math:`u_i \\sim N(0, \\sigma_u^2)`, fitted by REML; ``variance_components`` gives
    :math:`\\sigma_u^2` and :math:`\\sigma_e^2` on their own scale and tests
    :math:`\\sigma_u^2 = 0` by the likelihood ratio of ML fits with and without the
    random intercept, referred to :math:`\\frac12\\chi^2_0 + \\frac12\\chi^2_1` because the
    null value lies on the boundary (Self & Liang 1987). With a lagged outcome among the
    drivers and few periods, both the random- and the fixed-effects estimates of the
    lag are biased (Nickell 1981).

    References
    ----------
    Cameron, A. C., Gelbach, J. B., & Miller, D. L. (2011). Robust inference with
    multiway clustering. *Journal of Business & Economic Statistics*, 29(2), 238-249.

    Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to cluster-robust
    inference. *Journal of Human Resources*, 50(2), 317-372.

    Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.

    Rubin, D. B. (1987). *Multiple Imputation for Nonresponse in Surveys*. Wiley.

    van Buuren, S. (2018). *Flexible Imputation of Missing Data* (2nd ed.). CRC Press.

    Long, J. S., & Ervin, L. H. (2000). Using heteroscedasticity consistent standard
    errors in the linear regression model. *The American Statistician*, 54(3),
    217-224.

    Nickell, S. (1981). Biases in dynamic models with fixed effects.
    *Econometrica*, 49(6), 1417-1426.

    Self, S. G., & Liang, K.-Y. (1987). Asymptotic properties of maximum likelihood
    estimators and likelihood ratio tests under nonstandard conditions. *Journal of
    the American Statistical Association*, 82(398), 605-610.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(5)
    >>> d = pd.DataFrame({"staff": rng.normal(size=200), "price": rng.normal(size=200)})
    >>> d["satisfaction"] = 5 + 0.6 * d["staff"] - 0.3 * d["price"] + rng.normal(size=200)
    >>> res = fit_drivers(d, "satisfaction ~ staff + price")
    >>> res.table[["term", "estimate"]].round(2)
            term  estimate
    0  Intercept      5.01
    1      staff      0.62
    2      price     -0.31
    >>> int(res.fit["n"])
    200

    A yes/no outcome with a yes/no driver: the marginal effect of ``recovered`` is the
    change in the probability of returning when it is switched on for everybody.

    >>> d["recovered"] = rng.uniform(size=200) < 0.5
    >>> eta = -0.5 + 0.8 * d["staff"] + 1.0 * d["recovered"]
    >>> d["returned"] = rng.uniform(size=200) < 1 / (1 + np.exp(-eta))
    >>> logit = fit_drivers(d, "returned ~ staff + recovered", family="logit")
    >>> logit.marginal_effects[["term", "contrast", "estimate"]].round(3)
            term       contrast  estimate
    0      staff     derivative     0.210
    1  recovered  True vs False     0.234
    """
    data = v.check_dataframe(data)
    missing = v.check_missing(missing, MISSING)
    rng = v.make_rng(seed)  # checked even without "mice", so a bad seed never passes silently
    n_imputations = v.check_resample_count(n_imputations, "n_imputations", minimum=2)
    asked = robust
    robust, clusters = _check_options(data, family, robust, link, groups, cluster, standardized)
    robust = _check_weights(data, weights, family, asked, robust)
    ci = v.check_level(ci)
    env = _namespace(eval_env)
    formula = _design.expand_dot(formula, data, [groups, *clusters, weights], env)

    outcome, drivers = _design.formula_variables(formula, data, env)
    extra = [c for c in [groups, *clusters, weights] if c is not None and c not in drivers]
    needed = list(dict.fromkeys([*outcome, *drivers, *extra]))
    v.check_columns(data, needed, "formula")  # each once: pandas.concat can repeat a name
    if missing == "mice":
        return _fit_mice(data, formula, family, outcome, drivers, n_imputations, rng,
                         {"robust": robust, "clusters": clusters, "weights": weights, "ci": ci,
                          "groups": extra, "env": env})  # fmt: skip
    clean, n_dropped = v.drop_missing(
        data, needed, missing=missing, argument="formula", allowed=MISSING
    )
    clean = v.numpy_dtypes(clean, needed)  # boolean, Int64, string: patsy reads NumPy only
    if len(clean) == 0:
        raise ValueError(
            f"no complete rows left after dropping {n_dropped} row(s) with missing values."
        )
    _check_variables(clean, formula, outcome, drivers, family)
    if family == "mixed" and clean[groups].nunique() < 2:
        raise ValueError(
            f"groups: column {groups!r} has a single group; random intercepts need at least 2."
        )
    if family in _BINARY:  # statsmodels reads a boolean outcome as two columns
        bools = [c for c in outcome if pd.api.types.is_bool_dtype(clean[c].dtype)]
        if bools:
            clean = clean.assign(**{c: clean[c].astype(int) for c in bools})
    clean, w = (clean, None) if weights is None else _positive_weight_rows(clean, weights)
    codes = _cluster_codes(clean, clusters) if clusters else None

    model = _build_model(family, formula, clean, groups, link, env, w)
    n = int(model.endog.shape[0])
    collinearity, cond = _collinearity(model, _check_design(model, family, n))
    result = _fit_model(model, family, robust, codes)
    converged = getattr(result, "converged", None)
    if converged is None:
        converged = getattr(result, "mle_retvals", {}).get("converged", True)
    if family in _BINARY and not converged:
        raise ConvergenceError(
            f"the {family} fit did not converge (often perfect separation: a driver predicts "
            "the outcome exactly). Check the drivers against the outcome."
        )

    stats = _fit_stats(result, family, n, n_dropped, codes)
    main = collinearity["vif_main"].dropna()
    stats["max_vif"] = float(main.max()) if len(main) else 1.0
    stats["condition_number"] = cond
    components = None
    if family == "mixed":
        components, ml = _variance_components(result, formula, clean, env)
        stats.update(log_likelihood=float(ml.llf), aic=float(ml.aic), bic=float(ml.bic))
    spec = {"groups": groups, "link": link, "env": env, "robust": robust, "codes": codes, "w": w}
    return DriverResult(
        table=_tidy(result, ci, _fixed_names(result, family)),
        model=result,
        fit=pd.Series(stats, dtype=float, name="fit"),
        family=family,
        formula=formula,
        robust=robust,
        data=clean,
        variables=tuple([*outcome, *drivers]),
        collinearity=collinearity,
        marginal_effects=(
            _marginal_effects(result, family, clean, formula, drivers, ci, w)
            if family in _BINARY
            else None
        ),
        variance_components=components,
        standardized=(
            _standardized_table(clean, formula, outcome, drivers, family, spec, ci)
            if standardized
            else None
        ),
        cluster=tuple(clusters),
        weights=weights,
    )


def _fit_mice(
    data: pd.DataFrame,
    formula: str,
    family: str,
    outcome: list[str],
    drivers: list[str],
    n_imputations: Any,
    rng: np.random.Generator,
    opts: dict[str, Any],
) -> DriverResult:
    """Multiple imputation by chained equations with Rubin's rules (statsmodels' MICE)."""
    import statsmodels.api as sm
    from statsmodels.imputation.mice import MICE, MICEData

    if family not in ("ols", *_BINARY) or opts["weights"] is not None:
        raise ValueError(
            f"missing='mice' works with family 'ols', 'logit' or 'probit', without weights; "
            f"got family={family!r}, weights={opts['weights']!r}. Use missing='listwise' "
            f"for the other families and for weighted fits."
        )
    columns = list(dict.fromkeys([*outcome, *drivers]))
    v.check_no_missing(data, opts["groups"], "cluster")
    frame = data[columns + [c for c in opts["groups"] if c not in columns]].copy()
    frame = v.numpy_dtypes(frame, columns)  # nullable columns: pd.NA -> NaN
    frame = frame.assign(**{c: frame[c].astype(float) for c in columns if frame[c].dtype == bool})
    incomplete = frame[columns].isna().any(axis=1)
    bad = [c for c in columns if frame[c].isna().any() and not _is_number(frame[c])]
    if bad:
        raise ValueError(
            f"missing='mice': column(s) {v.format_values(bad)} have missing values but "
            f"are not numeric; MICE imputes numeric columns only. Code them as numbers "
            f"first, or pass missing='listwise'."
        )
    _check_variables(frame.dropna(subset=columns), formula, outcome, drivers, family)
    model_class = {"ols": sm.OLS, "logit": sm.Logit, "probit": sm.Probit}[family]
    fit_kwds: dict[str, Any] = {} if family == "ols" else {"disp": 0}
    robust = opts["robust"]
    if robust == "cluster":
        codes = _cluster_codes(frame, opts["clusters"], stacklevel=4, pooled=True)
        fit_kwds.update(cov_type="cluster", cov_kwds={"groups": codes})
    elif robust is not None:
        fit_kwds["cov_type"] = robust
    imp = MICEData(frame, k_pmm=20, rng=rng)
    with _formula_errors(formula):
        mice = MICE(formula, model_class, imp, fit_kwds=fit_kwds)
    pooled = mice.fit(n_burnin=10, n_imputations=n_imputations)
    first = mice.results_list[0].model
    collinearity, cond = _collinearity(first)
    main = collinearity["vif_main"].dropna()
    stats = {
        "n": len(frame),
        "n_dropped": 0,
        "n_incomplete": int(incomplete.sum()),
        "n_imputations": n_imputations,
        "n_params": len(pooled.params),
        "max_vif": float(main.max()) if len(main) else 1.0,
        "condition_number": cond,
    }
    return DriverResult(
        table=_tidy(pooled, opts["ci"]).assign(term=list(first.exog_names)),
        model=pooled,
        fit=pd.Series(stats, dtype=float, name="fit"),
        family=family,
        formula=formula,
        robust=robust,
        data=frame,
        variables=tuple([*outcome, *drivers]),
        collinearity=collinearity,
        cluster=tuple(opts["clusters"]),
    )


def _positive_weight_rows(
    clean: pd.DataFrame, weights: Hashable
) -> tuple[pd.DataFrame, np.ndarray]:
    """The fitted rows of positive survey weight, and their weights.

    A row of weight 0 adds nothing to the estimates, but it would make a weighted
    least-squares log-likelihood -inf (``log 0``): such rows are left out, and ``n``
    counts the rows of positive weight.
    """
    w = clean[weights].to_numpy(dtype=float)
    v.check_weight_spread(w, weights)
    positive = w > 0
    if positive.sum() < 2:
        raise ValueError(
            f"weights: column {weights!r} has {int(positive.sum())} positive weight(s) among "
            f"the {len(w)} fitted rows; a weighted fit needs rows of positive weight (rows "
            f"of weight 0 do not count)."
        )
    if positive.all():
        return clean, w
    return clean[positive], w[positive]


def _is_number(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def _namespace(eval_env: Any) -> dict[str, Any]:
    """The names a formula may use besides columns (see ``eval_env`` of fit_drivers)."""
    if isinstance(eval_env, Mapping):
        return {"np": np, **eval_env}
    if isinstance(eval_env, bool) or not isinstance(eval_env, int):
        raise TypeError(
            f"eval_env must be a non-negative integer (frames above the caller) or a dict "
            f"of names, got {eval_env!r}."
        )
    if eval_env < 0:
        raise ValueError(f"eval_env must be 0 or more, got {eval_env!r}.")
    # this function <- fit_drivers <- the caller (depth 0)
    return _design.caller_namespace(eval_env + 2)


# --------------------------------------------------------------------------- truth


def compare_to_truth(table: pd.DataFrame | DriverResult, truth: pd.DataFrame) -> pd.DataFrame:
    """Line estimates up with the true values: bias and whether the CI covers the truth.

    Parameters
    ----------
    table : pandas.DataFrame or DriverResult
        A tidy table with ``term, estimate, std_error, ci_low, ci_high`` (or a
        :class:`DriverResult`, whose ``.table`` is used).
    truth : pandas.DataFrame
        Columns ``term, estimate`` (other columns are ignored), e.g. the simulator's
        ``truth(outcome=...)``. Each term at most once.

    Returns
    -------
    pandas.DataFrame
        One row per term present in both, in the order of ``table``: ``term,
        estimate, true_value, covered, ci_low, ci_high, bias, bias_z, std_error``
        (what a reader compares first), with ``bias = estimate - true_value``, ``bias_z = bias / std_error`` and
        ``covered = ci_low <= true_value <= ci_high``. True terms the table does not
        have are left out (``set(truth["term"]) - set(table["term"])`` lists them).

    Raises
    ------
    ValueError
        If a column is missing, ``truth`` repeats a term (filter it to one outcome
        first), or no term matches.

    Examples
    --------
    >>> est = pd.DataFrame(
    ...     {
    ...         "term": ["Intercept", "staff"],
    ...         "estimate": [5.1, 0.55],
    ...         "std_error": [0.1, 0.05],
    ...         "ci_low": [4.9, 0.45],
    ...         "ci_high": [5.3, 0.65],
    ...     }
    ... )
    >>> true = pd.DataFrame({"term": ["staff"], "estimate": [0.6]})
    >>> compare_to_truth(est, true)[["term", "bias", "covered"]].round(2)
        term  bias  covered
    0  staff -0.05     True
    """
    if isinstance(table, DriverResult):
        table = table.table
    table = v.check_dataframe(table, "table")
    truth = v.check_dataframe(truth, "truth")
    v.check_columns(table, ["term", "estimate", "std_error", "ci_low", "ci_high"], "table")
    v.check_columns(truth, ["term", "estimate"], "truth")
    dup = truth["term"][truth["term"].duplicated()].unique()
    if dup.size:
        raise ValueError(
            f"truth: term {v.format_values(dup)} appears more than once; keep one outcome "
            f"(e.g. truth(outcome='satisfaction')) or one specification."
        )
    t = truth[["term", "estimate"]].rename(columns={"estimate": "true_value"})
    t = t.assign(term=t["term"].astype(str))
    left = table[["term", "estimate", "std_error", "ci_low", "ci_high"]]
    left = left.assign(term=left["term"].astype(str))
    out = left.merge(t, on="term", how="inner", validate="many_to_one")
    if out.empty:
        raise ValueError(
            f"no term of table {v.format_values(left['term'])} is in truth "
            f"{v.format_values(t['term'])}; check the formula's spelling of the terms."
        )
    out["bias"] = out["estimate"] - out["true_value"]
    out["bias_z"] = out["bias"] / out["std_error"]
    out["covered"] = (out["ci_low"] <= out["true_value"]) & (out["true_value"] <= out["ci_high"])
    # the columns a reader compares come first: a wide table scrolls, and on a phone the
    # last columns are off screen
    out = out[
        [
            "term",
            "estimate",
            "true_value",
            "covered",
            "ci_low",
            "ci_high",
            "bias",
            "bias_z",
            "std_error",
        ]
    ]
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- moderation


def center(
    data: pd.DataFrame,
    *,
    columns: Hashable | Sequence[Hashable],
    by: Hashable | Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Mean-centre columns (overall, or within groups), returning a new DataFrame.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified.
    columns : str or list of str
        Numeric columns to centre; they keep their names.
    by : str or list of str, optional
        Centre within these groups (group-mean centring, e.g. within customers in a
        panel). Rows with a missing group label raise.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``columns`` centred (the subtracted means are
        ``data[columns].mean()``, or ``data.groupby(by)[columns].mean()``). Inside a
        formula, patsy's ``center(x)`` does the same for one fit.

    Notes
    -----
    :math:`x^c_i = x_i - \\bar x` (or :math:`x_{gi} - \\bar x_g`). Centring does not
    change the interaction coefficient of :math:`y = b_0 + b_1x + b_2m + b_3xm`, but
    it makes :math:`b_1` the effect of :math:`x` at the mean of :math:`m` rather than
    at :math:`m=0` (Aiken & West 1991).

    References
    ----------
    Aiken, L. S., & West, S. G. (1991). *Multiple Regression: Testing and
    Interpreting Interactions*. Sage.

    Examples
    --------
    >>> d = pd.DataFrame({"crowding": [1.0, 2.0, 6.0], "store": ["a", "a", "b"]})
    >>> center(d, columns="crowding")["crowding"].tolist()
    [-2.0, -1.0, 3.0]
    >>> center(d, columns="crowding", by="store")["crowding"].tolist()
    [-0.5, 0.5, 0.0]
    """
    data = v.check_dataframe(data)
    cols = v.check_columns(data, columns, "columns")
    if not cols:
        raise ValueError("columns must name at least one column.")
    v.check_numeric(data, cols, "columns")
    by_cols = v.check_columns(data, by, "by")
    if set(by_cols) & set(cols):
        raise ValueError(f"by: {v.format_values(set(by_cols) & set(cols))} is also being centred.")
    v.check_no_missing(data, by_cols, "by")
    out = data.copy()
    if not by_cols:
        means = {c: float(data[c].mean()) for c in cols}
        for c in cols:
            out[c] = data[c] - means[c]
        return out
    key = by_cols if len(by_cols) > 1 else by_cols[0]
    grouped = data.groupby(key, observed=True, sort=True)
    for c in cols:
        out[c] = data[c] - grouped[c].transform("mean")
    return out


def _check_moderation_result(result: Any) -> DriverResult:
    if not isinstance(result, DriverResult):
        raise TypeError(
            f"result must be what fit_drivers returns (a DriverResult), got {type(result).__name__}."
        )
    return result


def _row_weights(result: DriverResult) -> np.ndarray | None:
    """The survey weights of the fitted rows (``result.weights``), or None."""
    if result.weights is None:
        return None
    return result.data[result.weights].to_numpy(dtype=float)


def _typical_row(result: DriverResult) -> dict[str, Any]:
    """Every variable at a typical value: numbers at their (weighted) mean, categories at
    their first level."""
    row: dict[str, Any] = {}
    w = _row_weights(result)
    for col in result.variables:
        s = result.data[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            row[col] = s.cat.categories[0]
        elif pd.api.types.is_bool_dtype(s.dtype):
            row[col] = False
        elif pd.api.types.is_numeric_dtype(s.dtype) and not _design.wrapped_in_c(
            result.formula, col
        ):
            row[col] = _mean_sd(s, w)[0]
        else:
            row[col] = sorted(s.dropna().unique())[0]
    return row


def _design_matrix(result: DriverResult, rows: pd.DataFrame) -> np.ndarray:
    """Design-matrix rows of ``rows`` in the columns of the fitted model."""
    return _design.design_rows(result.model.model, rows, result.data)


def _fixed_part(result: DriverResult) -> tuple[np.ndarray, np.ndarray]:
    names = list(result.model.model.exog_names)
    params = pd.Series(result.model.params)
    cov = pd.DataFrame(result.model.cov_params())
    return params[names].to_numpy(dtype=float), cov.loc[names, names].to_numpy(dtype=float)


def _is_categorical(result: DriverResult, col: str) -> bool:
    s = result.data[col]
    numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
    return not numeric or _design.wrapped_in_c(result.formula, col)


def _gradients(
    result: DriverResult, focal: str, moderator: str, values: Sequence[Any]
) -> np.ndarray:
    """Rows L(m) with slope of ``focal`` at moderator value m equal to L(m) @ beta."""
    base = _typical_row(result)
    frames = []
    for step in (0.0, 1.0, 2.0):
        rows = pd.DataFrame([base] * len(values))
        rows[moderator] = list(values)
        rows[focal] = base[focal] + step
        frames.append(_design_matrix(result, rows))
    d1, d2 = frames[1] - frames[0], frames[2] - frames[1]
    if not np.allclose(d1, d2, rtol=1e-8, atol=1e-10):
        raise ValueError(
            f"focal: {focal!r} does not enter the formula linearly (e.g. I({focal}**2) or a "
            f"transformation), so its slope is not one number; simple slopes need a "
            f"linear focal driver."
        )
    return d1


def _check_focal_moderator(result: DriverResult, focal: Any, moderator: Any) -> None:
    for name, value in (("focal", focal), ("moderator", moderator)):
        if value not in result.variables[1:]:
            raise ValueError(
                f"{name}: {value!r} is not a driver of the formula {result.formula!r}; "
                f"drivers are {v.format_values(result.variables[1:], 10)}."
            )
    if focal == moderator:
        raise ValueError("focal and moderator must be different columns.")
    if _is_categorical(result, focal):
        raise ValueError(
            f"focal: {focal!r} must be a numeric driver (its slope is estimated); "
            f"swap focal and moderator to see a categorical effect across a numeric one."
        )


def simple_slopes(
    result: DriverResult,
    *,
    focal: str,
    moderator: str,
    at: Sequence[Any] | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """The effect of a focal driver at chosen values of a moderator, with standard errors.

    Parameters
    ----------
    result : DriverResult
        A model from :func:`fit_drivers` with an interaction ``focal:moderator``.
    focal : str
        The numeric driver whose slope is wanted (it must enter linearly).
    moderator : str
        A numeric or categorical driver.
    at : sequence, optional
        Moderator values. Default: the mean and mean +/- 1 SD of a numeric moderator
        (Aiken & West 1991; weighted with the fit's survey weights, see
        ``DriverResult.weights``), every level of a categorical one.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``focal, moderator, at, estimate, std_error, statistic, p_value, ci_low,
        ci_high``, one row per moderator value. Other numeric drivers are held at
        their (weighted) mean and other categorical drivers at their first level (this
        matters only with three-way interactions). Logit: log-odds scale. The
        critical value is that of the fit: t with the residual degrees of freedom for
        classical OLS, t with G - 1 for fewer than ``CLUSTER_WARN`` clusters, else
        normal.

    Notes
    -----
    With :math:`y = b_0 + b_1x + b_2m + b_3xm + \\dots` the simple slope is
    :math:`\\theta(m) = b_1 + b_3 m = L(m)'b`, with variance
    :math:`L(m)'\\hat V L(m) = v_{11} + 2m\\,v_{13} + m^2 v_{33}`, where :math:`\\hat V` is
    the coefficient covariance the model was fitted with (HC3 by default). The
    vector :math:`L(m)` is computed from the formula's own design, so categorical
    moderators (dummy or other codings) work the same way.

    References
    ----------
    Aiken, L. S., & West, S. G. (1991). *Multiple Regression: Testing and
    Interpreting Interactions*. Sage.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> d = pd.DataFrame(
    ...     {"crowding": rng.normal(size=400), "goal": rng.choice(["task", "hedonic"], 400)}
    ... )
    >>> d["cx"] = np.where(d["goal"] == "hedonic", 0.3, -0.4) * d["crowding"] + rng.normal(size=400)
    >>> res = fit_drivers(d, "cx ~ crowding * C(goal)")
    >>> simple_slopes(res, focal="crowding", moderator="goal")[["at", "estimate"]].round(2)
            at  estimate
    0  hedonic      0.25
    1     task     -0.41
    """
    result = _check_moderation_result(result)
    _check_focal_moderator(result, focal, moderator)
    ci = v.check_level(ci)
    mod = result.data[moderator]
    categorical = _is_categorical(result, moderator)
    if at is None:
        if categorical:
            at = (
                list(mod.cat.categories)
                if isinstance(mod.dtype, pd.CategoricalDtype)
                else sorted(mod.unique())
            )
        else:
            m, s = _mean_sd(mod, _row_weights(result))
            at = [m - s, m, m + s]
    else:
        at = (
            list(at)
            if isinstance(at, Sequence | np.ndarray | pd.Series) and not isinstance(at, str)
            else [at]
        )
        if not at:
            raise ValueError("at must list at least one moderator value.")
        if categorical:
            levels = set(mod.unique())
            bad = [a for a in at if a not in levels]
            if bad:
                raise ValueError(
                    f"at: {v.format_values(bad)} not a level of {moderator!r}; levels are "
                    f"{v.format_values(sorted(levels, key=str))}."
                )
        else:
            try:
                at = [float(a) for a in at]
            except (TypeError, ValueError):
                raise ValueError(
                    f"at: moderator {moderator!r} is numeric; give numbers, got {at!r}."
                ) from None
    grad = _gradients(result, focal, moderator, at)
    beta, cov = _fixed_part(result)
    est = grad @ beta
    se = np.sqrt(np.einsum("ij,jk,ik->i", grad, cov, grad))
    return _slope_table(result, focal, moderator, at, est, se, ci)


def _slope_table(result, focal, moderator, at, est, se, ci) -> pd.DataFrame:
    from scipy import stats

    crit, df = _critical(result.model, ci)
    stat = est / se
    p = 2 * (stats.t.sf(np.abs(stat), df) if df is not None else stats.norm.sf(np.abs(stat)))
    return pd.DataFrame(
        {
            "focal": focal,
            "moderator": moderator,
            "at": list(at),
            "estimate": est,
            "std_error": se,
            "statistic": stat,
            "p_value": p,
            "ci_low": est - crit * se,
            "ci_high": est + crit * se,
        }
    )


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class JohnsonNeymanResult(Result):
    """What :func:`johnson_neyman` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        The moderator's real line split at the bounds, one row per region: ``low,
        high, significant, sign, share_of_data``.
    bounds : tuple of float
        The Johnson-Neyman bounds (the real roots; none, one or two).
    observed_range : tuple of float
        The smallest and largest moderator value in the fitted rows.
    critical_value : float
        The two-sided critical value used (t or normal).
    ci : float
        The confidence level: the slope is significant where its ``ci`` interval
        excludes 0.
    focal, moderator : str
        The driver whose slope is tested, and the moderator.
    """

    bounds: tuple
    observed_range: tuple
    critical_value: float
    ci: float
    focal: str
    moderator: str


def johnson_neyman(
    result: DriverResult, *, focal: str, moderator: str, ci: float = 0.95
) -> JohnsonNeymanResult:
    """Johnson-Neyman regions: where along a numeric moderator the focal effect is significant.

    Parameters
    ----------
    result : DriverResult
        A model from :func:`fit_drivers` with a ``focal:moderator`` interaction.
    focal : str
        The numeric driver whose slope is tested.
    moderator : str
        A numeric moderator entering the formula linearly.
    ci : float, default 0.95
        Confidence level: the slope counts as significant where its ``ci`` interval
        excludes 0 (a two-sided test at level ``1 - ci``).

    Returns
    -------
    JohnsonNeymanResult
        ``.table``: the moderator's real line split at the J-N bounds, one row per
        region: ``low, high, significant, sign`` (``"positive"``/``"negative"``: the
        sign of the slope, constant within a significant region; missing elsewhere)
        and ``share_of_data`` (the fraction of fitted rows whose moderator lies
        there; of the total weight for a weighted fit). ``.bounds`` (the roots,
        possibly none), ``.observed_range``,
        ``.critical_value``.

    Notes
    -----
    The slope :math:`\\theta(m) = a + bm` has variance :math:`v_{aa} + 2m v_{ab} +
    m^2 v_{bb}`. It is significant where :math:`(a+bm)^2 \\ge c^2 (v_{aa} + 2mv_{ab} +
    m^2v_{bb})`, with :math:`c` the critical value (t with the residual degrees of
    freedom for classical OLS, t with G - 1 with few clusters, otherwise normal). The
    bounds are the real roots of
    :math:`(b^2 - c^2v_{bb})m^2 + 2(ab - c^2v_{ab})m + (a^2 - c^2v_{aa}) = 0`
    (Johnson & Neyman 1936; Bauer & Curran 2005).

    References
    ----------
    Johnson, P. O., & Neyman, J. (1936). Tests of certain linear hypotheses and their
    application to some educational problems. *Statistical Research Memoirs*, 1,
    57-93.

    Bauer, D. J., & Curran, P. J. (2005). Probing interactions in fixed and multilevel
    regression. *Multivariate Behavioral Research*, 40(3), 373-400.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> d = pd.DataFrame({"crowding": rng.normal(size=500), "hedonic": rng.uniform(0, 1, 500)})
    >>> d["cx"] = (-0.5 + 1.0 * d["hedonic"]) * d["crowding"] + rng.normal(size=500)
    >>> jn = johnson_neyman(
    ...     fit_drivers(d, "cx ~ crowding * hedonic"), focal="crowding", moderator="hedonic"
    ... )
    >>> jn.table[["low", "high", "significant", "sign"]].round(2)
        low  high  significant      sign
    0  -inf  0.40         True  negative
    1  0.40  0.55        False       NaN
    2  0.55   inf         True  positive
    """
    result = _check_moderation_result(result)
    _check_focal_moderator(result, focal, moderator)
    if _is_categorical(result, moderator):
        raise ValueError(
            f"moderator: {moderator!r} is categorical; Johnson-Neyman regions need a "
            f"numeric moderator. Use simple_slopes(...) for the slope in each category."
        )
    ci = v.check_level(ci)
    grad = _gradients(result, focal, moderator, [0.0, 1.0, 2.0])
    if not np.allclose(grad[2] - grad[1], grad[1] - grad[0], rtol=1e-8, atol=1e-10):
        raise ValueError(f"moderator: {moderator!r} must enter the formula linearly.")
    beta, cov = _fixed_part(result)
    l0, dl = grad[0], grad[1] - grad[0]
    a, b = float(l0 @ beta), float(dl @ beta)
    vaa, vab, vbb = float(l0 @ cov @ l0), float(l0 @ cov @ dl), float(dl @ cov @ dl)
    crit, _ = _critical(result.model, ci)
    c2 = crit**2
    qa, qb, qc = b * b - c2 * vbb, 2 * (a * b - c2 * vab), a * a - c2 * vaa
    roots: list[float] = []
    if abs(qa) > 1e-14 * max(1.0, abs(qb), abs(qc)):
        disc = qb * qb - 4 * qa * qc
        if disc > 0:
            sq = np.sqrt(disc)
            roots = sorted([(-qb - sq) / (2 * qa), (-qb + sq) / (2 * qa)])
    elif qb != 0:
        roots = [-qc / qb]
    edges = [-np.inf, *roots, np.inf]
    mod = result.data[moderator].to_numpy(dtype=float)
    w = _row_weights(result)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        if np.isinf(lo) and np.isinf(hi):
            mid = 0.0
        elif np.isinf(lo):
            mid = hi - 1.0
        elif np.isinf(hi):
            mid = lo + 1.0
        else:
            mid = (lo + hi) / 2
        slope = a + b * mid
        sig = bool(qa * mid * mid + qb * mid + qc > 0)
        rows.append(
            {
                "low": lo,
                "high": hi,
                "significant": sig,
                "sign": ("positive" if slope > 0 else "negative") if sig else None,
                "share_of_data": float(np.average((mod >= lo) & (mod < hi), weights=w)),
            }
        )
    return JohnsonNeymanResult(
        table=pd.DataFrame(rows),
        bounds=tuple(float(r) for r in roots),
        observed_range=(float(mod.min()), float(mod.max())),
        critical_value=float(crit),
        ci=ci,
        focal=focal,
        moderator=moderator,
    )


def interaction_predictions(
    result: DriverResult,
    *,
    focal: str,
    moderator: str,
    at: Sequence[Any] | None = None,
    n_points: int = 50,
) -> pd.DataFrame:
    """Predicted outcome along a focal driver at chosen moderator values (for plots).

    Parameters
    ----------
    result : DriverResult
        An OLS, logit, probit or mixed model from :func:`fit_drivers` with a
        ``focal:moderator`` interaction.
    focal : str
        The numeric driver, spread over its observed range.
    moderator : str
        The moderator; one line per value of ``at``.
    at : sequence, optional
        Moderator values; default as in :func:`simple_slopes` (mean and +/- 1 SD, or
        every level).
    n_points : int, default 50
        Points along the focal driver.

    Returns
    -------
    pandas.DataFrame
        ``focal_value, at, prediction``: the probability for logit and probit, the
        fixed part for a mixed model, the outcome for OLS; other numeric drivers at
        their mean and categorical ones at their first level.

    Examples
    --------
    >>> rng = np.random.default_rng(4)
    >>> d = pd.DataFrame({"crowding": rng.normal(size=300), "hedonic": rng.integers(0, 2, 300)})
    >>> d["cx"] = (0.5 - 1.0 * d["hedonic"]) * d["crowding"] + rng.normal(size=300)
    >>> res = fit_drivers(d, "cx ~ crowding * hedonic")
    >>> grid = interaction_predictions(res, focal="crowding", moderator="hedonic", at=[0, 1])
    >>> grid.groupby("at")["prediction"].agg(["first", "last"]).round(
    ...     1
    ... )  # doctest: +NORMALIZE_WHITESPACE
         first  last
    at
    0.0   -1.3   1.3
    1.0    1.3  -1.3
    """
    result = _check_moderation_result(result)
    if result.family == "ordinal":
        raise ValueError(
            "result: interaction predictions are drawn for OLS, logit, probit and mixed "
            "models; an ordinal model predicts one probability per answer category."
        )
    _check_focal_moderator(result, focal, moderator)
    n_points = v.check_positive_int(n_points, "n_points", minimum=2)
    values = simple_slopes(result, focal=focal, moderator=moderator, at=at)["at"].tolist()
    fx = result.data[focal].to_numpy(dtype=float)
    grid = np.linspace(fx.min(), fx.max(), n_points)
    beta, _ = _fixed_part(result)
    base = _typical_row(result)
    frames = []
    for value in values:
        rows = pd.DataFrame([base] * grid.size)
        rows[focal] = grid
        rows[moderator] = [value] * grid.size
        eta = _design_matrix(result, rows) @ beta
        if result.family in _BINARY:
            pred = _link_functions(result.family)[0](eta)
        else:
            pred = eta
        frames.append(pd.DataFrame({"focal_value": grid, "at": value, "prediction": pred}))
    return pd.concat(frames, ignore_index=True)
