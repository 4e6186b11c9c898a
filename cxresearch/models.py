"""Driver regressions: from experience drivers to loyalty, as tidy tables.

One entry point, :func:`fit_drivers`, wraps statsmodels' formula API for the four
models a CX driver analysis needs (Verhoef et al. 2009; SYLLABUS section 4):

* ``family="ols"`` -- satisfaction or a 0-10 score treated as interval, with
  heteroskedasticity-robust (HC3) standard errors by default;
* ``family="logit"`` (or ``"probit"``) -- a yes/no outcome (returned, churned,
  complained), with average marginal effects on the probability scale;
* ``family="ordinal"`` -- an ordered outcome (1-7 satisfaction, 0-10 likelihood to
  recommend) with statsmodels' ``OrderedModel`` (proportional-odds logit, or ordered
  probit with ``link="probit"``);
* ``family="mixed"`` -- a linear mixed model with random intercepts by ``groups``
  (e.g. customers in a panel, where CX(t) depends on CX(t-1)).

It returns a :class:`DriverResult`: the fitted statsmodels results (``.model``), a
tidy table (``.table``: ``term, estimate, std_error, statistic, p_value, ci_low,
ci_high``), fit statistics (``.fit_stats``), and, on request, standardized
coefficients. Every number in the table is the number statsmodels computes; the
wrapper only checks the input and reshapes the output.

Moderation helpers work on a fitted :class:`DriverResult`: :func:`center`,
:func:`simple_slopes` and :func:`johnson_neyman`. :func:`compare_to_truth` lines a
fitted table up with the simulator's ``truth()``.
"""

from __future__ import annotations

import builtins
import dataclasses
import keyword
import re
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v

__all__ = [
    "DriverResult",
    "center",
    "compare_to_truth",
    "fit_drivers",
    "johnson_neyman",
    "simple_slopes",
]

FAMILIES = ("ols", "logit", "probit", "ordinal", "mixed")
_BINARY = ("logit", "probit")
_ROBUST = {
    "ols": ("auto", None, "HC0", "HC1", "HC2", "HC3"),
    "logit": ("auto", None, "HC0"),
    "probit": ("auto", None, "HC0"),
    "ordinal": ("auto", None, "HC0"),
    "mixed": ("auto", None),
}
TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]

# Names a formula may use that are not columns: functions and modules are recognised
# by the "(" or "." after them; these are the bare words patsy/formulaic also accept.
_FORMULA_WORDS = {"np", "numpy", "math", *dir(builtins)}


# --------------------------------------------------------------------------- the result


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class DriverResult:
    """What :func:`fit_drivers` returns.

    Attributes
    ----------
    model : statsmodels results
        The fitted statsmodels results object (``.summary()``, ``.predict()``, ...).
    table : pandas.DataFrame
        Tidy coefficients: ``term, estimate, std_error, statistic, p_value, ci_low,
        ci_high``, one row per parameter, in statsmodels' order and spelling.
    fit_stats : pandas.Series
        ``n``, ``n_dropped``, ``n_params``, ``r_squared`` and ``adj_r_squared`` (OLS),
        ``pseudo_r_squared`` (McFadden; logit, probit, ordinal), ``n_groups`` (mixed),
        ``log_likelihood``, ``aic``, ``bic``.
    marginal_effects : pandas.DataFrame or None
        Logit and probit only: average marginal effects on the probability scale.
    standardized : pandas.DataFrame or None
        With ``standardize=True``: the same model fitted to z-scored numeric variables
        (tidy).
    family, formula, robust : str
        How the model was specified (``robust`` is the covariance type used).
    data : pandas.DataFrame
        The rows the model was fitted to (after ``dropna``), used by
        :func:`simple_slopes` and the plots. Not a copy of the input: do not modify it.
    variables : tuple of str
        The columns of ``data`` named in the formula (outcome first).
    """

    model: Any
    table: pd.DataFrame
    fit_stats: pd.Series
    family: str
    formula: str
    robust: str | None
    data: pd.DataFrame
    variables: tuple
    marginal_effects: pd.DataFrame | None = None
    standardized: pd.DataFrame | None = None

    @property
    def n(self) -> int:
        """Number of rows the model was fitted to."""
        return int(self.fit_stats["n"])

    @property
    def n_dropped(self) -> int:
        """Number of incomplete rows dropped (``dropna=True``), else 0."""
        return int(self.fit_stats["n_dropped"])

    def __repr__(self) -> str:
        robust = self.robust or "model-based"
        lines = [
            f"DriverResult(family={self.family!r}, formula={self.formula!r}, "
            f"n={self.n}, se={robust})",
            self.table.round(4).to_string(index=False),
        ]
        return "\n".join(lines)


# --------------------------------------------------------------------------- formula checks


_STRING = re.compile(r"""(['"])(?:\\.|(?!\1).)*\1""")
_QUOTED = re.compile(r"""\bQ\(\s*(['"])(.*?)\1\s*\)""")
_BACKTICK = re.compile(r"`([^`]*)`")
_IDENT = re.compile(r"(?<![\w.])([A-Za-z_]\w*)")


def _formula_variables(formula: str, data: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(outcome variables, driver variables) named in ``formula``; unknown names raise.

    Function names (a word before "(") and modules (a word before "." that is not a
    column) are not variables; keyword arguments (``reference=``) are skipped; text in quotes is not
    read, except ``Q("name")`` and ```name```, which name columns.
    """
    if not isinstance(formula, str):
        raise TypeError(f"formula must be a string such as 'y ~ x1 + x2', got {formula!r}.")
    if formula.count("~") != 1:
        raise ValueError(f"formula must have exactly one '~' (outcome ~ drivers), got {formula!r}.")
    sides = formula.split("~")
    out: list[list[str]] = []
    unknown: list[str] = []
    for side in sides:
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
            elif word not in _FORMULA_WORDS and not keyword.iskeyword(word):
                unknown.append(word)
        out.append(list(dict.fromkeys(names)))
    if unknown:
        raise ValueError(
            f"formula: column {v.format_values(dict.fromkeys(unknown))} not found in data. "
            f"Available columns: {v.format_values(data.columns, 12)}."
        )
    if not out[0]:
        raise ValueError(f"formula: the left of '~' must name the outcome column, got {formula!r}.")
    return out[0], [c for c in out[1] if c not in out[0]]


def _wrapped_in_c(formula: str, column: str) -> bool:
    return re.search(rf"\bC\(\s*{re.escape(column)}\b", formula) is not None


def _check_variables(
    data: pd.DataFrame, formula: str, outcome: list[str], drivers: list[str], family: str
) -> None:
    """Types, finiteness and variation of the columns a formula uses."""
    for col in outcome:
        s = data[col]
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
    for col in drivers:
        s = data[col]
        dtype = s.dtype
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        factor = isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype)
        text = pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
        if text and not factor and not _wrapped_in_c(formula, col):
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
        if s.nunique(dropna=True) < 2:
            role = "outcome" if col in outcome else "driver"
            raise ValueError(
                f"formula: {role} column {col!r} is constant (its only value is "
                f"{v.format_values(s.dropna().unique()[:1])}); a regression needs a "
                f"{role} that varies. Drop it from the formula."
            )


# --------------------------------------------------------------------------- fitting


def _critical(result: Any, level: float) -> tuple[float, float | None]:
    """Critical value for a two-sided interval, and the t degrees of freedom (or None)."""
    from scipy import stats

    if getattr(result, "use_t", False):
        df = float(result.df_resid)
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
    family: str, formula: str, data: pd.DataFrame, groups: Hashable | None, link: str
) -> Any:
    import statsmodels.formula.api as smf

    if family == "ols":
        return smf.ols(formula, data)
    if family == "logit":
        return smf.logit(formula, data)
    if family == "probit":
        return smf.probit(formula, data)
    if family == "ordinal":
        from statsmodels.miscmodels.ordinal_model import OrderedModel

        return OrderedModel.from_formula(formula, data, distr=link)
    return smf.mixedlm(formula, data, groups=data[groups])


def _fit_model(model: Any, family: str, robust: str | None) -> Any:
    if family == "ols":
        return model.fit() if robust is None else model.fit(cov_type=robust)
    if family in _BINARY:
        kw = {} if robust is None else {"cov_type": robust}
        return model.fit(disp=0, **kw)
    if family == "ordinal":
        kw = {} if robust is None else {"cov_type": robust}
        return model.fit(method="bfgs", disp=False, **kw)
    return model.fit(reml=True)


def _check_design(model: Any, family: str, n: int) -> None:
    exog = np.asarray(model.exog, dtype=float)
    k = exog.shape[1]
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
    if k and np.linalg.matrix_rank(exog) < k:
        raise ValueError(
            f"the design matrix is rank deficient (rank {np.linalg.matrix_rank(exog)} < "
            f"{k} columns {v.format_values(model.exog_names, 8)}): some drivers are exact "
            f"linear combinations of others (or a category level never varies). Drop one."
        )


def _fit_stats(result: Any, family: str, n: int, n_dropped: int) -> pd.Series:
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
    stats["log_likelihood"] = float(result.llf)
    stats["aic"] = float(result.aic)
    stats["bic"] = float(result.bic)
    return pd.Series(stats, dtype=float)


def _margeff(result: Any, level: float) -> pd.DataFrame:
    me = result.get_margeff(at="overall", method="dydx")
    frame = me.summary_frame(alpha=1 - level)
    return pd.DataFrame(
        {
            "term": [str(t) for t in frame.index],
            "estimate": frame.iloc[:, 0].to_numpy(dtype=float),
            "std_error": frame.iloc[:, 1].to_numpy(dtype=float),
            "statistic": frame.iloc[:, 2].to_numpy(dtype=float),
            "p_value": frame.iloc[:, 3].to_numpy(dtype=float),
            "ci_low": frame.iloc[:, 4].to_numpy(dtype=float),
            "ci_high": frame.iloc[:, 5].to_numpy(dtype=float),
        }
    )


def fit_drivers(
    data: pd.DataFrame,
    formula: str,
    *,
    family: str = "ols",
    robust: str | None = "auto",
    link: str = "logit",
    groups: Hashable | None = None,
    standardize: bool = False,
    ci: float = 0.95,
    dropna: bool = False,
) -> DriverResult:
    """Fit a driver regression with statsmodels and return it with a tidy table.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer (or customer-period). Not modified.
    formula : str
        A statsmodels formula, ``"outcome ~ driver1 + driver2 + driver1:moderator"``.
        Text columns must be wrapped in ``C(...)``; pandas Categoricals and booleans
        are used as categories directly. With ``family="ordinal"`` the intercept is
        removed (the thresholds take its place).
    family : {"ols", "logit", "probit", "ordinal", "mixed"}, default "ols"
        Linear regression, logistic or probit regression (0/1 or boolean outcome),
        an ordinal model (``OrderedModel``), or a linear mixed model with random
        intercepts by ``groups`` (``MixedLM``, REML).
    robust : {"auto", "HC0", "HC1", "HC2", "HC3", None}, default "auto"
        Covariance type of the coefficients. ``"auto"`` is ``"HC3"`` for OLS (robust
        to heteroskedasticity; Long & Ervin 2000) and the model-based covariance for
        the other families. ``None`` is the classical covariance. Logit and ordinal
        accept ``"HC0"`` (sandwich); the mixed model only ``None``/``"auto"``.
    link : {"logit", "probit"}, default "logit"
        The ordinal model's link (``family="ordinal"`` only): proportional-odds logit
        or ordered probit.
    groups : str, optional
        The column of group labels (e.g. ``"customer_id"``); required for
        ``family="mixed"`` and allowed only there.
    standardize : bool, default False
        Also fit the model to z-scored numeric variables (mean 0, SD 1 in the fitted
        rows; the outcome too for OLS and mixed) and return that table as
        ``.standardized``: beta weights, comparable across drivers.
    ci : float, default 0.95
        Confidence level of the intervals.
    dropna : bool, default False
        Missing values in the columns the formula uses raise ``ValueError``. With
        ``True`` the incomplete rows are dropped and their number is reported in
        ``result.fit_stats["n_dropped"]``.

    Returns
    -------
    DriverResult
        ``.model`` (statsmodels results), ``.table`` (tidy), ``.fit_stats``,
        ``.marginal_effects`` (logit), ``.standardized`` (on request).

    Raises
    ------
    ValueError
        An unknown column in the formula, a non-numeric or constant driver, an
        infinite or missing value, too few rows for the number of parameters, a
        rank-deficient design, or an outcome the family cannot model.

    Notes
    -----
    OLS: :math:`\\hat\\beta = (X'X)^{-1}X'y`; HC3 covariance
    :math:`(X'X)^{-1} X' \\operatorname{diag}(e_i^2/(1-h_{ii})^2) X (X'X)^{-1}`.
    Logit: :math:`P(y=1) = 1/(1+e^{-x'\\beta})`; the average marginal effect of a
    driver is :math:`\\frac1n\\sum_i \\hat p_i(1-\\hat p_i)\\hat\\beta_j` (probit:
    :math:`P(y=1) = \\Phi(x'\\beta)`, effect :math:`\\frac1n\\sum_i
    \\phi(x_i'\\hat\\beta)\\hat\\beta_j`). Ordinal: :math:`P(y\\le k) = F(\\tau_k -
    x'\\beta)` with logistic :math:`F` (standard normal with ``link="probit"``);
    statsmodels reports the first threshold and then the logs of the increments
    (rows ``"a/b"`` of the table). Mixed: :math:`y_{it} = x_{it}'\\beta + u_i +
    e_{it}` with :math:`u_i \\sim N(0, \\sigma_u^2)` (row ``"Group Var"``). With a
    lagged outcome among the drivers and few periods, both the random- and the
    fixed-effects estimates of the lag are biased (Nickell 1981).

    References
    ----------
    Nickell, S. (1981). Biases in dynamic models with fixed effects.
    *Econometrica*, 49(6), 1417-1426.

    Long, J. S., & Ervin, L. H. (2000). Using heteroscedasticity consistent standard
    errors in the linear regression model. *The American Statistician*, 54(3),
    217-224.

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
    >>> int(res.fit_stats["n"])
    200
    """
    data = v.check_dataframe(data)
    v.check_one_of(family, FAMILIES, "family")
    if robust not in _ROBUST[family]:
        raise ValueError(
            f"robust must be one of {v.format_values(_ROBUST[family])} for "
            f"family={family!r}, got {robust!r}."
        )
    if robust == "auto":
        robust = "HC3" if family == "ols" else None
    v.check_one_of(link, ("logit", "probit"), "link")
    if link != "logit" and family != "ordinal":
        raise ValueError(
            f"link is used only with family='ordinal' (for a binary probit use "
            f"family='probit'), got link={link!r} with family={family!r}."
        )
    if not isinstance(standardize, bool | np.bool_):
        raise TypeError(f"standardize must be True or False, got {standardize!r}.")
    ci = v.check_level(ci)
    if family == "mixed":
        if groups is None:
            raise ValueError(
                "groups: family='mixed' needs the column of group labels, e.g. groups='customer_id'."
            )
        v.check_columns(data, groups, "groups")
    elif groups is not None:
        raise ValueError(f"groups is used only with family='mixed', got family={family!r}.")

    outcome, drivers = _formula_variables(formula, data)
    needed = [
        *outcome,
        *drivers,
        *([groups] if groups is not None and groups not in drivers else []),
    ]
    clean, n_dropped = v.drop_missing(data, needed, dropna=dropna, argument="formula")
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
    model = _build_model(family, formula, clean, groups, link)
    n = int(model.endog.shape[0])
    _check_design(model, family, n)
    result = _fit_model(model, family, robust)
    if family in _BINARY and not result.mle_retvals.get("converged", True):
        raise ValueError(
            f"the {family} fit did not converge (often perfect separation: a driver predicts "
            "the outcome exactly). Check the drivers against the outcome."
        )

    table = _tidy(result, ci)
    stats = _fit_stats(result, family, n, n_dropped)
    margeff = _margeff(result, ci) if family in _BINARY else None
    std_table = None
    if standardize:
        z = clean.copy()
        skip_outcome = family in (*_BINARY, "ordinal")
        for col in [*outcome, *drivers]:
            s = z[col]
            if col in outcome and skip_outcome:
                continue
            if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
                if _wrapped_in_c(formula, col):
                    continue
                z[col] = (s - s.mean()) / s.std(ddof=1)
        std_result = _fit_model(_build_model(family, formula, z, groups, link), family, robust)
        std_table = _tidy(std_result, ci)

    return DriverResult(
        model=result,
        table=table,
        fit_stats=stats,
        family=family,
        formula=formula,
        robust=robust,
        data=clean,
        variables=tuple([*outcome, *drivers]),
        marginal_effects=margeff,
        standardized=std_table,
    )


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
        estimate, true_value, bias, bias_z, std_error, ci_low, ci_high, covered``,
        with ``bias = estimate - true_value``, ``bias_z = bias / std_error`` and
        ``covered = ci_low <= true_value <= ci_high``. ``attrs["missing_terms"]`` lists
        true terms the table does not have.

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
    out = out[
        [
            "term",
            "estimate",
            "true_value",
            "bias",
            "bias_z",
            "std_error",
            "ci_low",
            "ci_high",
            "covered",
        ]
    ]
    out.attrs["missing_terms"] = [x for x in t["term"] if x not in set(left["term"])]
    return out


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
        A copy of ``data`` with ``columns`` centred; the subtracted means are in
        ``attrs["centers"]`` (a dict column -> mean, or a DataFrame of group means).

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
        out.attrs["centers"] = means
        return out
    key = by_cols if len(by_cols) > 1 else by_cols[0]
    grouped = data.groupby(key, observed=True, sort=True)
    for c in cols:
        out[c] = data[c] - grouped[c].transform("mean")
    out.attrs["centers"] = grouped[cols].mean()
    return out


def _check_moderation_result(result: Any) -> DriverResult:
    if not isinstance(result, DriverResult):
        raise TypeError(
            f"result must be what fit_drivers returns (a DriverResult), got {type(result).__name__}."
        )
    return result


def _typical_row(result: DriverResult) -> dict[str, Any]:
    """Every variable at a typical value: numbers at their mean, categories at their first level."""
    row: dict[str, Any] = {}
    for col in result.variables:
        s = result.data[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            row[col] = s.cat.categories[0]
        elif pd.api.types.is_bool_dtype(s.dtype):
            row[col] = False
        elif pd.api.types.is_numeric_dtype(s.dtype) and not _wrapped_in_c(result.formula, col):
            row[col] = float(s.mean())
        else:
            row[col] = sorted(s.dropna().unique())[0]
    return row


def _design(result: DriverResult, rows: pd.DataFrame) -> np.ndarray:
    """Design-matrix rows of ``rows`` in the columns of the fitted model."""
    model = result.model.model
    for col in result.variables:
        src = result.data[col]
        if isinstance(src.dtype, pd.CategoricalDtype):
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


def _fixed_part(result: DriverResult) -> tuple[np.ndarray, np.ndarray]:
    names = list(result.model.model.exog_names)
    params = pd.Series(result.model.params)
    cov = pd.DataFrame(result.model.cov_params())
    return params[names].to_numpy(dtype=float), cov.loc[names, names].to_numpy(dtype=float)


def _is_categorical(result: DriverResult, col: str) -> bool:
    s = result.data[col]
    numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
    return not numeric or _wrapped_in_c(result.formula, col)


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
        frames.append(_design(result, rows))
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
        (Aiken & West 1991), every level of a categorical one.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``focal, moderator, at, estimate, std_error, statistic, p_value, ci_low,
        ci_high``, one row per moderator value. Other numeric drivers are held at
        their mean and other categorical drivers at their first level (this matters
        only with three-way interactions). Logit: log-odds scale.

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
            m, s = float(mod.mean()), float(mod.std(ddof=1))
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


def johnson_neyman(
    result: DriverResult, *, focal: str, moderator: str, alpha: float = 0.05
) -> pd.DataFrame:
    """Johnson-Neyman regions: where along a numeric moderator the focal effect is significant.

    Parameters
    ----------
    result : DriverResult
        A model from :func:`fit_drivers` with a ``focal:moderator`` interaction.
    focal : str
        The numeric driver whose slope is tested.
    moderator : str
        A numeric moderator entering the formula linearly.
    alpha : float, default 0.05
        Two-sided significance level.

    Returns
    -------
    pandas.DataFrame
        The moderator's real line split at the J-N bounds, one row per region:
        ``low, high, significant, sign`` (``"positive"``/``"negative"``: the sign of
        the slope, constant within a significant region; missing elsewhere) and
        ``share_of_data`` (the fraction of fitted rows whose moderator lies there).
        ``attrs``: ``bounds`` (the roots, possibly none), ``observed_range``,
        ``critical_value``.

    Notes
    -----
    The slope :math:`\\theta(m) = a + bm` has variance :math:`v_{aa} + 2m v_{ab} +
    m^2 v_{bb}`. It is significant where :math:`(a+bm)^2 \\ge c^2 (v_{aa} + 2mv_{ab} +
    m^2v_{bb})`, with :math:`c` the critical value (t with the residual degrees of
    freedom for classical OLS, otherwise normal). The bounds are the real roots of
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
    >>> jn[["low", "high", "significant", "sign"]].round(2)
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
    if isinstance(alpha, bool) or not isinstance(alpha, float | int) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a number strictly between 0 and 1, got {alpha!r}.")
    grad = _gradients(result, focal, moderator, [0.0, 1.0, 2.0])
    if not np.allclose(grad[2] - grad[1], grad[1] - grad[0], rtol=1e-8, atol=1e-10):
        raise ValueError(f"moderator: {moderator!r} must enter the formula linearly.")
    beta, cov = _fixed_part(result)
    l0, dl = grad[0], grad[1] - grad[0]
    a, b = float(l0 @ beta), float(dl @ beta)
    vaa, vab, vbb = float(l0 @ cov @ l0), float(l0 @ cov @ dl), float(dl @ cov @ dl)
    crit, _ = _critical(result.model, 1 - alpha)
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
                "share_of_data": float(np.mean((mod >= lo) & (mod < hi))),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["bounds"] = [float(r) for r in roots]
    out.attrs["observed_range"] = (float(mod.min()), float(mod.max()))
    out.attrs["critical_value"] = crit
    out.attrs["focal"], out.attrs["moderator"] = focal, moderator
    return out
