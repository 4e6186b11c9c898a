"""Covariance-based factor and structural equation models (CFA, SEM) on semopy.

:func:`cfa` fits a confirmatory factor analysis and :func:`sem` a structural equation
model, both by maximum likelihood with `semopy <https://semopy.com>`_ (MIT licence),
from the same lavaan-style syntax as the PLS path models (``IMAG =~ imag1 + imag2``,
``SAT ~ IMAG``, ``a ~~ b``; see :mod:`cxresearch.latent.syntax`). Both return a
:class:`SEMResult`: the tidy estimates (unstandardized with Wald standard errors and
intervals, and the completely standardized value), the fit indices (chi-square, CFI,
TLI, RMSEA with its 90% interval, SRMR, AIC, BIC) and a reliability table with the
same columns as the PLS one plus McDonald's omega, so the two families line up.

Every estimate and standard error is the number semopy computes; this module checks
the input, counts missing values, and adds what semopy does not report (the RMSEA
interval, SRMR, the normal-theory log-likelihood behind AIC/BIC, reliability).

The public functions are re-exported by :mod:`cxresearch.latent`.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from .. import _measures
from .. import _validate as v
from .._result import Result
from ..errors import ConvergenceError
from . import syntax

__all__ = ["SEMResult", "cfa", "sem"]

#: Estimators accepted by :func:`cfa` and :func:`sem`: ``"MLW"`` is semopy's maximum
#: likelihood (Wishart) objective, the same fit function as lavaan's ``"ML"``.
ESTIMATORS = ("MLW",)
MISSING = ("raise", "listwise")
#: Passed to semopy's SLSQP. Its default ``ftol`` (1e-6) stops the ECSI CFA on ``mobi``
#: 3.5e-4 above the minimum chi-square (standardized loadings off by up to 4e-4 from
#: lavaan's); at 1e-12 chi-square agrees with lavaan's (seminr-py) to 1e-10.
SOLVER_OPTIONS = {"ftol": 1e-12, "maxiter": 10_000}
_OP_ORDER = {"=~": 0, "~": 1, "~~": 2}


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class SEMResult(Result):
    """What :func:`cfa` and :func:`sem` return.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per parameter: ``term`` (``"IMAG =~ IMAG1"``), ``lhs, op, rhs`` in
        lavaan's convention (``=~`` loading of ``rhs`` on factor ``lhs``, ``~``
        regression of ``lhs`` on ``rhs``, ``~~`` (co)variance), ``free`` (False for
        parameters fixed by the identification, e.g. the first loading of each factor
        at 1), ``estimate`` (unstandardized), ``std_error``, ``statistic`` (z),
        ``p_value``, ``ci_low``, ``ci_high`` (Wald, at level ``ci``; NaN for fixed
        parameters) and ``std_estimate`` (completely standardized, as lavaan's
        ``std.all``: latent and observed variances 1, and a covariance of two variables
        divided by their two (residual) variances, i.e. a residual correlation; NaN
        where a variance is not positive).
    fit : pandas.Series
        The fit statistics by name (the type every model's ``fit`` has): ``n,
        n_parameters, chi2, df, p_value, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high``
        (90%), ``srmr, log_likelihood, aic, bic, baseline_chi2, baseline_df``.
    reliability : pandas.DataFrame
        One row per first-order factor: ``construct, mode`` (always ``"A"``),
        ``n_items, alpha, rho_c, ave`` (the columns and formulas of the PLS table, whose
        ``rho_a`` is PLS-specific and left out) and ``omega``.
    n : int
        Rows used in the fit.
    n_dropped : int
        Rows dropped for missing values (``missing="listwise"``; 0 otherwise).
    estimator : str
        The semopy objective (``"MLW"``).
    ci : float
        Confidence level of ``ci_low``/``ci_high``.
    model : str
        The model in lavaan syntax, as fitted.
    """

    fit: pd.Series
    reliability: pd.DataFrame
    n: int
    n_dropped: int
    estimator: str
    ci: float
    model: str = dataclasses.field(repr=False)

    def _summary_title(self) -> str:
        kind = "structural equation model" if (self.table["op"] == "~").any() else "CFA"
        return f"Covariance-based {kind} (semopy, {self.estimator})"

    def _summary_facts(self) -> list[tuple[str, Any]]:
        from ..tables import format_p

        f = self.fit
        return [
            ("n", self.n),
            ("rows dropped", self.n_dropped),
            ("chi-square", f"{f['chi2']:.3f} on {int(f['df'])} df, p {format_p(f['p_value'])}"),
            ("CFI", float(f["cfi"])),
            ("TLI", float(f["tli"])),
            (
                "RMSEA",
                f"{f['rmsea']:.3f} (90% CI {f['rmsea_ci_low']:.3f} to {f['rmsea_ci_high']:.3f})",
            ),
            ("SRMR", float(f["srmr"])),
            ("AIC", float(f["aic"])),
            ("BIC", float(f["bic"])),
        ]

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        columns = ["term", "estimate", "std_error", "p_value", "std_estimate"]
        reliability = self.reliability[["construct", "alpha", "rho_c", "ave", "omega"]]
        return [
            ("estimates (std_estimate: lavaan's std.all)", self.table[columns]),
            ("reliability and convergent validity", reliability),
        ]


# --------------------------------------------------------------------------- input


def _is_column(data: pd.DataFrame, name: str) -> bool:
    return name in data.columns and isinstance(data[name], pd.Series)


def _check_covariances(spec: Any, data: pd.DataFrame) -> None:
    """A covariance joins variables of the model: a factor, an item, or an observed
    variable named in a path (semopy cannot place any other)."""
    known = {*spec.construct_names, *spec.items, *(n for p in spec.paths for n in p)}
    for a, b in spec.covariances:
        for name in (a, b):
            if name not in known:
                raise ValueError(
                    f"model: the covariance {a} ~~ {b} names {name!r}, which is in no block "
                    f"('=~') or path ('~') of the model; a covariance joins variables of the "
                    f"model. Add {name!r} to a block or a path, or drop the covariance."
                )


def _observed_columns(spec: Any, data: pd.DataFrame) -> list[str]:
    """Items, then observed columns named in paths or covariances, each once."""
    names = set(spec.construct_names)
    out = dict.fromkeys(spec.items)
    for a, b in (*spec.paths, *spec.covariances):
        for name in (a, b):
            if name not in names and name in data.columns:
                out.setdefault(name)
    return list(out)


def _complete_rows(
    data: pd.DataFrame, columns: list[str], missing: str, where: str
) -> tuple[pd.DataFrame, int]:
    """The rows complete on ``columns``; raise on a missing value unless listwise."""
    incomplete = data[columns].isna().any(axis=1)
    n_bad = int(incomplete.sum())
    if n_bad and missing == "raise":
        cols = [c for c in columns if data[c].isna().any()]
        raise ValueError(
            f"{where}: {n_bad} row(s) have missing values (NaN) in the model's columns "
            f"{v.format_values(cols)}, at rows {v.format_values(data.index[incomplete])}. "
            f"{v.missing_advice(MISSING)}"
        )
    return data.loc[~incomplete, columns], n_bad


def _check_covariance(frame: pd.DataFrame, where: str) -> None:
    n, p = frame.shape
    if n <= p:
        raise ValueError(
            f"{where}: {n} complete row(s) for {p} observed variables; the covariance "
            f"matrix needs more rows than variables (many more for stable estimates)."
        )
    try:
        np.linalg.cholesky(np.cov(frame.to_numpy(), rowvar=False))
    except np.linalg.LinAlgError:
        raise ValueError(
            f"{where}: the covariance matrix of {v.format_values(frame.columns)} is "
            f"singular (a column is a linear combination of others); drop the redundant one."
        ) from None


def _prepare(
    data: Any, model: Any, missing: Any, estimator: Any, ci: Any, where: str
) -> tuple[Any, pd.DataFrame, int, float]:
    v.check_dataframe(data)
    spec = model if isinstance(model, syntax.ModelSpec) else syntax.parse_model(model)
    # answers read with value labels (ordered Categoricals) count as their codes
    data = v.likert_as_codes(data, [c for c in spec.items if _is_column(data, c)], "model")
    v.check_missing(missing, MISSING)
    v.check_one_of(estimator, ESTIMATORS, "estimator")
    ci = v.check_level(ci)
    syntax.check_model_data(spec, data, family="cbsem")
    _check_covariances(spec, data)
    if where == "cfa" and spec.paths:
        a, b = spec.paths[0]
        raise ValueError(
            f"cfa: the model has structural paths (e.g. {a} -> {b}); a CFA has factors and "
            f"covariances only. Use sem(...) for a model with paths."
        )
    columns = _observed_columns(spec, data)
    v.check_columns(data, columns, "model")  # each once: pandas.concat can repeat a name
    v.check_numeric(data, columns, "model")
    v.check_finite(data, columns, "model")
    frame, n_dropped = _complete_rows(data, columns, missing, where)
    # nullable columns (Int64, Float64) hold pd.NA, not NaN, and numpy cannot compute a
    # covariance of them: cast the complete rows to float before any statistic
    frame = frame.astype(float)
    for col in columns:  # 1e200: the covariances overflow (reported as such, not as a fit)
        v.check_magnitude(frame[col].to_numpy(), col, "model")
    v.check_not_constant(frame, columns, "model")
    v.check_distinct_columns(frame, columns, "model")
    _check_covariance(frame, where)
    return spec, frame, n_dropped, ci


def _semopy_syntax(spec: Any) -> str:
    """lavaan text for semopy; a single-item factor gets its error variance fixed at 0."""
    lines = [spec.to_lavaan()]
    covs = set(spec.covariances)
    for c in spec.constructs:
        if len(c.items) == 1 and (c.items[0], c.items[0]) not in covs:
            lines.append(f"{c.items[0]} ~~ 0*{c.items[0]}")
    return "\n".join(lines)


def _aliases(spec: Any, columns: Any) -> dict[str, str]:
    """A plain name (``v000``, ``v001``, ...) for every construct and observed column.

    semopy reads names as ``\\w[\\w.]*``: ``q-1``, ``imag/2`` or ``a,b`` are read as
    other names or as syntax and fail inside it. The model is therefore fitted under
    these aliases and every table is given back the caller's names. The aliases sort as
    the names do (semopy orders variables, and the two sides of a covariance, by name),
    so the fit and its tables are those of the names themselves.
    """
    names = sorted(dict.fromkeys([*spec.construct_names, *columns]))
    width = len(str(len(names)))
    return {name: f"v{i:0{width}d}" for i, name in enumerate(names)}


def _renamed(spec: Any, alias: dict[str, str]) -> Any:
    """``spec`` with every name replaced by its alias."""
    constructs = tuple(
        syntax.Construct(alias[c.name], tuple(alias[i] for i in c.items), c.mode)
        for c in spec.constructs
    )
    return syntax.ModelSpec(
        constructs,
        tuple((alias[a], alias[b]) for a, b in spec.paths),
        tuple((alias[a], alias[b]) for a, b in spec.covariances),
    )


# --------------------------------------------------------------------------- fitting

#: The model is not identified when the smallest singular value of the Jacobian of the
#: model-implied covariances (columns scaled to length 1) is at or below this share of
#: the largest: some change of the parameters leaves every implied covariance as it is,
#: so the data cannot tell those parameters apart (Rothenberg 1971). Identified models
#: give shares above 1e-3; non-identified ones rounding noise (about 1e-16).
IDENTIFICATION_TOL = 1e-8


def _fit(spec: Any, frame: pd.DataFrame, estimator: str, where: str, names=None) -> Any:
    """Fit under aliases (``spec`` and ``frame`` renamed); ``names``: alias -> name."""
    import semopy

    try:
        model = semopy.Model(_semopy_syntax(spec))
        model.load(data=frame)
    except (KeyError, ValueError, IndexError, SyntaxError, np.linalg.LinAlgError) as exc:
        text = re.sub(
            r"\bv\d+\b", lambda m: repr((names or {}).get(m.group(0), m.group(0))), str(exc)
        )
        raise ValueError(
            f"{where}: semopy cannot set up this model ({type(exc).__name__}: {text}); "
            f"check the statements that name those variables."
        ) from None
    n_free = len(model.param_vals)
    p = len(model.vars["observed"])
    if p * (p + 1) // 2 - n_free < 0:
        raise ValueError(
            f"{where}: the model is not identified: {n_free} free parameters but only "
            f"{p * (p + 1) // 2} variances and covariances of {p} observed variables. "
            f"Give each factor at least 3 items (or 2, if it correlates with another factor)."
        )
    with np.errstate(all="ignore"):  # a failed fit is judged below, by its result
        result = model.fit(frame, obj=estimator, options=dict(SOLVER_OPTIONS))
    _check_identified(model, where, names or {})
    if not result.success:
        if not np.isfinite(result.fun) or not np.isfinite(model.param_vals).all():
            var = frame.var().to_numpy()
            raise ValueError(
                f"{where}: the optimiser met values that are not finite (objective "
                f"{result.fun:.6g}); the observed variables' variances span "
                f"{var.min():.1e} to {var.max():.1e}. Express the columns in units of "
                f"similar size (divide the large ones by a power of ten) and fit again."
            )
        raise ConvergenceError(
            f"{where}: the optimiser did not converge ({result.n_it} iterations, objective "
            f"{result.fun:.6g}). The model may be empirically unidentified or badly "
            f"misspecified: check that each factor has enough items that correlate."
        )
    return model


def _parameter_terms(model: Any, names: dict[str, str]) -> list[str]:
    """lavaan's ``lhs op rhs`` of each free parameter of a semopy model, in its order."""
    kinds = [
        (model.mx_beta, model.names_beta, "~"),
        (model.mx_lambda, model.names_lambda, "=~"),
        (model.mx_psi, model.names_psi, "~~"),
        (model.mx_theta, model.names_theta, "~~"),
    ]
    out = []
    for key, param in model.parameters.items():
        if not param.active:
            continue
        term = key
        for mx, labels, op in kinds:
            loc = param.locations[0]
            if loc.matrix is mx:
                a, b = (
                    names.get(n, n) for n in (labels[0][loc.indices[0]], labels[1][loc.indices[1]])
                )
                term = f"{b} =~ {a}" if op == "=~" else f"{a} {op} {b}"
                break
        out.append(term)
    return out


def _check_identified(model: Any, where: str, names: dict[str, str]) -> None:
    """Raise ``ValueError`` if the model is not (locally) identified at the estimate.

    The Jacobian of the distinct model-implied covariances in the free parameters must
    have full column rank (Rothenberg 1971); otherwise some parameters can change
    together without changing the fit, and their estimates and standard errors
    (semopy's come from a pseudo-inverse) are arbitrary. The message names them.
    """
    with np.errstate(all="ignore"):
        try:
            sigma, (m, c) = model.calc_sigma()
            grads = model.calc_sigma_grad(m, c)
        except np.linalg.LinAlgError:  # (I - B) singular: the paths form a degenerate loop
            grads = None
    if grads is not None and not grads:
        return None  # no free parameter: nothing to identify
    if grads is None:
        return _refuse_unidentified(
            where,
            [],
            "its paths (or factors measured by each other) form a loop whose "
            "total effects (I - B)^-1 do not exist",
        )
    iu = np.triu_indices(sigma.shape[0])
    jac = np.column_stack([np.asarray(g, dtype=float)[iu] for g in grads])
    if not np.isfinite(jac).all():
        return None  # non-finite values: reported by the fit
    norms = np.linalg.norm(jac, axis=0)
    terms = _parameter_terms(model, names)
    if (norms == 0).any():
        return _refuse_unidentified(
            where, [t for t, n in zip(terms, norms, strict=True) if n == 0], ""
        )
    _, sv, vt = np.linalg.svd(jac / norms, full_matrices=False)
    if sv[-1] <= IDENTIFICATION_TOL * sv[0]:
        null = np.abs(vt[-1])
        involved = [t for t, x in zip(terms, null, strict=True) if x > 1e-3 * null.max()]
        return _refuse_unidentified(where, involved, "")
    return None


def _refuse_unidentified(where: str, terms: list[str], why: str) -> None:
    what = (
        f"the parameters {v.format_values(terms, 8)} can change together without changing "
        f"the implied covariances, so the data cannot determine them (their estimates and "
        f"standard errors would be arbitrary)"
        if terms
        else why
    )
    raise ValueError(
        f"{where}: the model is not identified: {what}. Typical causes: a reciprocal path "
        f"(A ~ B with B ~ A) or feedback loop without instruments, a factor with too few "
        f"items, or more free (co)variances than the items can carry. Remove paths or fix "
        f"parameters."
    )


def _tidy_row(spec_items: dict[str, str], row: pd.Series) -> tuple[str, str, str]:
    """semopy's (lval, op, rval) -> lavaan's (lhs, op, rhs)."""
    if row["op"] == "~" and spec_items.get(row["lval"]) == row["rval"]:
        return row["rval"], "=~", row["lval"]
    return row["lval"], row["op"], row["rval"]


def _estimates(model: Any, spec: Any, ci: float, names: dict[str, str]) -> pd.DataFrame:
    """The tidy table of a model fitted under aliases, in the caller's ``names``."""
    from scipy import stats

    raw = model.inspect(std_est=True)
    owner = {item: c.name for c in spec.constructs for item in c.items}
    rows = (_tidy_row(owner, row) for _, row in raw.iterrows())
    rank = {a: i for i, a in enumerate(dict.fromkeys([*spec.construct_names, *spec.items]))}
    lhs, op, rhs = zip(*(_ordered(r, rank, spec, names) for r in rows), strict=True)
    se = pd.to_numeric(raw["Std. Err"].replace("-", np.nan)).to_numpy(dtype=float)
    est = raw["Estimate"].to_numpy(dtype=float)
    z = est / se
    half = stats.norm.isf((1 - ci) / 2) * se
    table = pd.DataFrame(
        {
            "term": [f"{a} {o} {b}" for a, o, b in zip(lhs, op, rhs, strict=True)],
            "lhs": lhs,
            "op": op,
            "rhs": rhs,
            "free": np.isfinite(se),
            "estimate": est,
            "std_error": se,
            "statistic": z,
            "p_value": 2 * stats.norm.sf(np.abs(z)),
            "ci_low": est - half,
            "ci_high": est + half,
            "std_estimate": raw["Est. Std"].to_numpy(dtype=float),
        }
    )
    table["std_estimate"] = _residual_correlations(table)
    order = table["op"].map(_OP_ORDER).to_numpy()
    return table.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def _ordered(row: tuple, rank: dict, spec: Any, names: dict) -> tuple[str, str, str]:
    """A row in the caller's names; a covariance the model does not write (semopy adds
    those of factors and outputs, in an order that depends on string hashing) is written
    with its two variables in model order, so the table is the same in every process."""
    a, op, b = row
    if op == "~~" and a != b and (a, b) not in spec.covariances and rank.get(a, 0) > rank.get(b, 0):
        a, b = b, a
    return names.get(a, a), op, names.get(b, b)


def _residual_correlations(table: pd.DataFrame) -> np.ndarray:
    """``std_estimate`` with each covariance of two variables as lavaan's ``std.all``.

    lavaan standardizes a (residual) covariance by the two (residual) variances of the
    model, :math:`\\theta_{12} / \\sqrt{\\theta_{11}\\theta_{22}}`: a residual
    correlation. semopy divides by the total variances of the two variables instead
    (0.092 instead of lavaan's 0.296 for ``y1 ~~ y5`` in the political-democracy model).
    Variances and every other row keep semopy's completely standardized value.
    """
    std = table["std_estimate"].to_numpy(dtype=float).copy()
    is_var = (table["op"] == "~~") & (table["lhs"] == table["rhs"])
    variance = dict(zip(table.loc[is_var, "lhs"], table.loc[is_var, "estimate"], strict=True))
    for i in np.flatnonzero(((table["op"] == "~~") & ~is_var).to_numpy()):
        a, b = table["lhs"].iat[i], table["rhs"].iat[i]
        va, vb = variance.get(a, np.nan), variance.get(b, np.nan)
        std[i] = table["estimate"].iat[i] / np.sqrt(va * vb) if va > 0 and vb > 0 else np.nan
    return std


def _warn_improper(table: pd.DataFrame, where: str) -> None:
    variances = table[(table["op"] == "~~") & (table["lhs"] == table["rhs"]) & table["free"]]
    at_zero = variances["estimate"] <= 0
    at_zero |= variances["std_estimate"].abs() < 1e-6
    negative = variances.loc[at_zero, "lhs"].tolist()
    loadings = table[table["op"] == "=~"]
    big = loadings.loc[loadings["std_estimate"].abs() > 1, "term"].tolist()
    if negative or big:
        what = []
        if negative:
            what.append(f"variance(s) of {v.format_values(negative)} at or below zero")
        if big:
            what.append(f"standardized loading(s) above 1 ({v.format_values(big)})")
        warnings.warn(
            f"{where}: improper solution (Heywood case): {' and '.join(what)}. The "
            f"estimates and fit indices are not trustworthy; the model may be "
            f"misspecified or a factor may have too few items.",
            RuntimeWarning,
            stacklevel=4,
        )


# --------------------------------------------------------------------------- fit indices


def rmsea_interval(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """The RMSEA confidence interval from the noncentral chi-square (Browne & Cudeck 1993).

    The bounds are ``sqrt(lam / (df (n - 1)))`` for the noncentrality ``lam`` at which
    the observed ``chi2`` is the upper (lower bound) or lower (upper bound)
    ``(1 - level) / 2`` quantile; a bound is 0 when no ``lam >= 0`` reaches it.
    """
    from scipy import optimize, stats

    def cdf(lam: float) -> float:
        return float(stats.chi2.cdf(chi2, df) if lam == 0 else stats.ncx2.cdf(chi2, df, lam))

    def bound(target: float) -> float:
        if cdf(0.0) < target:
            return 0.0
        high = max(chi2, 1.0)
        while cdf(high) > target:
            high *= 2
        lam = optimize.brentq(lambda x: cdf(x) - target, 0.0, high, xtol=1e-12, rtol=1e-14)
        return math.sqrt(lam / (df * (n - 1)))

    tail = (1 - level) / 2
    return bound(1 - tail), bound(tail)


def _fit_indices(model: Any, n: int) -> pd.Series:
    from scipy import stats

    s = np.asarray(model.mx_cov, dtype=float)  # the ML (divide-by-n) covariance
    sigma = np.asarray(model.calc_sigma()[0], dtype=float)
    p = s.shape[0]
    k = len(model.param_vals)
    df = p * (p + 1) // 2 - k
    chi2 = n * float(model.last_result.fun)
    base_chi2 = n * float(np.sum(np.log(np.diag(s))) - np.linalg.slogdet(s)[1])
    base_df = p * (p - 1) // 2
    num, den = max(chi2 - df, 0.0), max(chi2 - df, base_chi2 - base_df, 0.0)
    cfi = 1.0 if den == 0 else 1 - num / den
    tli = 1 - (chi2 / df - 1) / (base_chi2 / base_df - 1) if df > 0 else 1.0
    rmsea = math.sqrt(max(chi2 - df, 0.0) / (df * (n - 1))) if df > 0 else 0.0
    low, high = rmsea_interval(chi2, df, n) if df > 0 else (0.0, 0.0)
    sd = np.sqrt(np.diag(s))
    resid = (s - sigma) / np.outer(sd, sd)
    srmr = math.sqrt(float(np.sum(np.tril(resid) ** 2)) / (p * (p + 1) / 2))
    logdet = np.linalg.slogdet(sigma)[1]
    loglik = -n / 2 * (p * math.log(2 * math.pi) + logdet + np.trace(np.linalg.solve(sigma, s)))
    row = {
        "n": n,
        "n_parameters": k,
        "chi2": chi2,
        "df": df,
        "p_value": float(stats.chi2.sf(chi2, df)) if df > 0 else 1.0,
        "cfi": cfi,
        "tli": tli,
        "rmsea": rmsea,
        "rmsea_ci_low": low,
        "rmsea_ci_high": high,
        "srmr": srmr,
        "log_likelihood": float(loglik),
        "aic": float(-2 * loglik + 2 * k),
        "bic": float(-2 * loglik + k * math.log(n)),
        "baseline_chi2": base_chi2,
        "baseline_df": base_df,
    }
    return pd.Series(row, name="fit", dtype=float)


# --------------------------------------------------------------------------- reliability


def _latent_variances(model: Any, names: dict[str, str]) -> dict[str, float]:
    """Model-implied variance of every latent variable (exogenous or endogenous)."""
    _, (_, c) = model.calc_sigma()
    cov = c @ model.mx_psi @ c.T
    return {names.get(a, a): float(cov[i, i]) for i, a in enumerate(model.names_beta[0])}


def _reliability(
    model: Any, spec: Any, frame: pd.DataFrame, table: pd.DataFrame, names: dict[str, str]
) -> pd.DataFrame:
    phi = _latent_variances(model, names)
    factors = set(spec.construct_names)
    est = table.set_index("term")
    rows = []
    for c in spec.constructs:
        items = list(c.items)
        if any(item in factors for item in items):
            continue  # a higher-order factor: its "items" are factors
        terms = [f"{c.name} =~ {item}" for item in items]
        lam_std = est.loc[terms, "std_estimate"].to_numpy(dtype=float)
        lam = est.loc[terms, "estimate"].to_numpy(dtype=float)
        theta = np.zeros((len(items), len(items)))
        for i, a in enumerate(items):
            for j, b in enumerate(items):
                for term in (f"{a} ~~ {b}", f"{b} ~~ {a}"):
                    if term in est.index:
                        theta[i, j] = est.loc[term, "estimate"]
                        break
        true = lam.sum() ** 2 * phi[c.name]
        k = len(items)
        cov = np.cov(frame[items].to_numpy(), rowvar=False).reshape(k, k)
        rows.append(
            {
                "construct": c.name,
                "mode": c.mode,
                "n_items": k,
                "alpha": _measures.alpha(cov, standardized=True),
                "rho_c": _measures.rho_c(lam_std),
                "ave": _measures.ave(lam_std),
                "omega": float(true / (true + theta.sum())),
            }
        )
    columns = ["construct", "mode", "n_items", "alpha", "rho_c", "ave", "omega"]
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- public


def _run(data: Any, model: Any, missing: Any, estimator: Any, ci: Any, where: str) -> SEMResult:
    spec, frame, n_dropped, ci = _prepare(data, model, missing, estimator, ci, where)
    alias = _aliases(spec, frame.columns)
    names = {a: n for n, a in alias.items()}
    aliased = _renamed(spec, alias)
    fitted = _fit(aliased, frame.rename(columns=alias), estimator, where, names)
    table = _estimates(fitted, aliased, ci, names)
    _warn_improper(table, where)
    return SEMResult(
        table=table,
        fit=_fit_indices(fitted, len(frame)),
        reliability=_reliability(fitted, spec, frame, table, names),
        n=len(frame),
        n_dropped=n_dropped,
        estimator=estimator,
        ci=ci,
        model=_semopy_syntax(spec),
    )


_NOTES = """
    The parameters are semopy's maximum-likelihood estimates (objective ``"MLW"``,
    ``F = tr(S Sigma^-1) - log|S Sigma^-1| - p`` with the divide-by-n covariance ``S``;
    the same fit function as lavaan's ``"ML"``); each factor is identified by fixing its
    first loading at 1, and a single-item factor has its error variance fixed at 0.
    Standard errors come from the expected information, as semopy reports them.

    Fit, with ``chi2 = n F``, ``df = p (p + 1) / 2 - k`` (``k`` free parameters) and the
    independence baseline ``chi2_0 = n (sum log s_jj - log|S|)``, ``df_0 = p (p - 1) / 2``:
    ``CFI = 1 - max(chi2 - df, 0) / max(chi2 - df, chi2_0 - df_0, 0)`` (Bentler 1990),
    ``TLI = (chi2_0/df_0 - chi2/df) / (chi2_0/df_0 - 1)``,
    ``RMSEA = sqrt(max(chi2 - df, 0) / (df (n - 1)))`` with the 90% interval from the
    noncentral chi-square (Browne & Cudeck 1993), SRMR the root mean square of the
    standardized residuals ``(s_ij - sigma_ij) / sqrt(s_ii s_jj)`` over the
    ``p (p + 1) / 2`` distinct elements, and ``AIC = -2 logL + 2k``,
    ``BIC = -2 logL + k log n`` from the normal log-likelihood
    ``logL = -n/2 (p log 2 pi + log|Sigma| + tr(S Sigma^-1))`` (as lavaan reports them;
    semopy's own ``calc_aic`` plugs in the fit function instead of ``logL``).
    semopy's RMSEA uses ``n - 1``, lavaan's ``n``: lavaan's value is this one times
    ``sqrt((n - 1) / n)``.

    Reliability per first-order factor, from its items: ``alpha`` (standardized
    Cronbach's alpha, ``k / (k - 1) (1 - k / sum(R))`` from the items' correlations, as
    in the PLS table), ``rho_c = (sum l)^2 / ((sum l)^2 + sum (1 - l^2))`` and
    ``ave = mean(l^2)`` from the standardized loadings ``l`` (the same formulas as the
    PLS table), and McDonald's ``omega = (sum lambda)^2 phi / ((sum lambda)^2 phi +
    sum theta)`` from the unstandardized loadings ``lambda``, the factor's model-implied
    variance ``phi`` and the error (co)variances ``theta`` of its items: the
    reliability of the unweighted sum of the raw items. A single-item factor reports 1
    (its error variance is fixed at 0).
"""

_REFERENCES = """
    Bentler, P. M. (1990). Comparative fit indexes in structural models. *Psychological
    Bulletin*, 107(2), 238-246.

    Browne, M. W., & Cudeck, R. (1993). Alternative ways of assessing model fit. In
    K. A. Bollen & J. S. Long (Eds.), *Testing Structural Equation Models* (pp. 136-162).
    Sage.

    Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance
    structure analysis. *Structural Equation Modeling*, 6(1), 1-55.

    McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Lawrence Erlbaum.

    Igolkina, A. A., & Meshcheryakov, G. (2020). semopy: A Python package for
    structural equation modeling. *Structural Equation Modeling*, 27(6), 952-963.
"""

_PARAMETERS = """
    data : pandas.DataFrame
        One row per respondent; every item (and every observed variable named in a path
        or covariance) a numeric column.
    model : str or ModelSpec
        lavaan-style syntax: ``F =~ item1 + item2 + item3`` for each factor{paths},
        ``a ~~ b`` for a free (error) covariance. Composites (``<~``) are refused.
    missing : {{"raise", "listwise"}}, default "raise"
        A missing value in a model column raises ``ValueError``; ``"listwise"`` drops
        the incomplete rows and reports the count as ``n_dropped``.
    estimator : {{"MLW"}}, default "MLW"
        semopy's objective: maximum likelihood (Wishart), lavaan's ``"ML"``.
    ci : float, default 0.95
        Confidence level of the Wald intervals ``ci_low``, ``ci_high``.
"""

_RAISES = """
    TypeError
        ``data`` not a DataFrame, ``model`` not a string, a non-numeric column.
    ValueError
        Bad syntax; an unknown item, a construct without items, an item in two blocks, a
        composite (``<~``: use ``cx.pls``){cfa_paths}; a missing value with
        ``missing="raise"``; an infinite value, a constant or duplicated column, fewer
        rows than variables, a singular covariance matrix, a column with values beyond
        1e100 in magnitude; a self-loop (``SAT ~ SAT``); a model that is not identified:
        more free parameters than variances and covariances, or parameters the implied
        covariances cannot tell apart (a reciprocal path without instruments; named);
        a covariance with a variable outside the model.
    cxresearch.ConvergenceError
        The optimiser did not converge.
"""


def cfa(
    data: pd.DataFrame,
    model: str,
    *,
    missing: str = "raise",
    estimator: str = "MLW",
    ci: float = 0.95,
) -> SEMResult:
    """Confirmatory factor analysis by maximum likelihood (semopy).

    Parameters
    ----------
    {parameters}

    Returns
    -------
    SEMResult
        ``.table`` (estimates), ``.fit`` (fit indices), ``.reliability`` (alpha, rho_c,
        AVE, omega per factor), ``n``, ``n_dropped``. Every pair of factors covaries.

    {sections}

    Examples
    --------
    >>> import cxresearch as cx
    >>> from cxresearch.latent import cfa
    >>> s = cx.simulate_survey(500, constructs=["service", "loyalty"], seed=1)
    >>> res = cfa(
    ...     s.data,
    ...     '''
    ...     SERV =~ service_1 + service_2 + service_3 + service_4
    ...     LOY  =~ loyalty_1 + loyalty_2 + loyalty_3 + loyalty_4
    ... ''',
    ... )
    >>> res.fit[["chi2", "df", "cfi", "rmsea", "rmsea_ci_high", "srmr"]].round(3).to_dict()
    {{'chi2': 16.293, 'df': 19.0, 'cfi': 1.0, 'rmsea': 0.0, 'rmsea_ci_high': 0.033, 'srmr': 0.018}}
    >>> print(res.reliability.round(3).to_string(index=False))
    construct mode  n_items  alpha  rho_c   ave  omega
         SERV    A        4  0.870  0.871 0.628  0.871
          LOY    A        4  0.901  0.901 0.696  0.902
    """
    return _run(data, model, missing, estimator, ci, "cfa")


def sem(
    data: pd.DataFrame,
    model: str,
    *,
    missing: str = "raise",
    estimator: str = "MLW",
    ci: float = 0.95,
) -> SEMResult:
    """Structural equation model (factors and paths) by maximum likelihood (semopy).

    Parameters
    ----------
    {parameters}

    Returns
    -------
    SEMResult
        ``.table`` (loadings ``=~``, paths ``~``, (co)variances ``~~``), ``.fit``,
        ``.reliability``, ``n``, ``n_dropped``. Exogenous factors covary freely.

    {sections}

    Examples
    --------
    >>> import cxresearch as cx
    >>> from cxresearch.latent import sem
    >>> mobi = cx.load_dataset("mobi")
    >>> res = sem(
    ...     mobi,
    ...     '''
    ...     IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
    ...     SAT  =~ CUSA1 + CUSA2 + CUSA3
    ...     LOY  =~ CUSL1 + CUSL3
    ...     SAT ~ IMAG
    ...     LOY ~ SAT
    ... ''',
    ... )
    >>> paths = res.table[res.table["op"] == "~"]
    >>> print(
    ...     paths[["term", "estimate", "std_error", "std_estimate"]].round(3).to_string(index=False)
    ... )
          term  estimate  std_error  std_estimate
    SAT ~ IMAG     0.676      0.081         0.893
     LOY ~ SAT     1.647      0.219         0.847
    >>> res.fit[["chi2", "df", "cfi", "tli", "rmsea", "srmr"]].round(3).to_dict()
    {{'chi2': 65.223, 'df': 33.0, 'cfi': 0.963, 'tli': 0.949, 'rmsea': 0.063, 'srmr': 0.041}}
    """
    return _run(data, model, missing, estimator, ci, "sem")


_SECTIONS = """Raises
    ------
    {raises}

    Warns
    -----
    RuntimeWarning
        An improper solution (a variance at or below 0, or a standardized loading above 1).

    Notes
    -----
    {notes}

    References
    ----------
    {references}"""


def _fill_docstrings() -> None:
    """The sections cfa and sem share, written once."""
    parts = {"notes": _NOTES.strip(), "references": _REFERENCES.strip()}
    for fn, paths, cfa_paths in [
        (cfa, "", "; a structural path (use sem)"),
        (sem, ", ``SAT ~ IMAG + EXPE`` for the paths", ""),
    ]:
        sections = _SECTIONS.format(raises=_RAISES.format(cfa_paths=cfa_paths).strip(), **parts)
        fn.__doc__ = fn.__doc__.format(
            parameters=_PARAMETERS.format(paths=paths).strip(), sections=sections
        )


_fill_docstrings()
