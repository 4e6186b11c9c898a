"""The rows lavaan's extensions add to a CFA/SEM table: labels, intercepts, ``:=``.

:func:`extend_table` takes the fitted semopy model (fitted under aliases), the joint
covariance matrix of its free parameters and the observed variables' means, and adds

- a ``label`` column (the labels written in the model, ``""`` elsewhere);
- one ``y ~1`` row per intercept asked for (``y ~ 1``): the intercept
  ``nu_y = mu_y - sum_k b_yk mu_k`` of each observed variable's equation (``k`` the
  observed variables with a path into ``y``; latent means are 0), with its delta-method
  standard error;
- one ``name := expression`` row per defined parameter, with its delta-method standard
  error and its ``std_estimate`` the expression evaluated on the labelled parameters'
  standardized values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _cbsyntax


def active_names(model: Any) -> list[str]:
    """semopy's names of the free parameters, in the order of ``param_vals``."""
    return [name for name, p in model.parameters.items() if p.active]


def active_index(model: Any) -> dict[tuple[str, str, str], int]:
    """semopy's (lval, op, rval) of each free parameter's places -> its index."""
    kinds = [
        (getattr(model, "mx_beta", None), getattr(model, "names_beta", None), "~"),
        (model.mx_lambda, model.names_lambda, "~"),
        (model.mx_psi, model.names_psi, "~~"),
        (model.mx_theta, model.names_theta, "~~"),
    ]
    out: dict[tuple[str, str, str], int] = {}
    active = [p for p in model.parameters.values() if p.active]
    for i, param in enumerate(active):
        for loc in param.locations:
            for mx, labels, op in kinds:
                if mx is not None and loc.matrix is mx:
                    a, b = labels[0][loc.indices[0]], labels[1][loc.indices[1]]
                    out[(a, op, b)] = i
                    if op == "~~":
                        out[(b, op, a)] = i
    return out


def ml_vcov(model: Any, n: int) -> np.ndarray:
    """ML's joint covariance of (free parameters, means): semopy's inverse expected
    information, and the implied covariance over ``n`` for the saturated means."""
    _, inv = model.calc_fim(inverse=True)
    sigma = np.asarray(model.calc_sigma()[0], dtype=float)
    k, p = len(model.param_vals), sigma.shape[0]
    out = np.zeros((k + p, k + p))
    out[:k, :k] = inv
    out[k:, k:] = sigma / n
    return out


def _row(term: tuple[str, str, str], est: float, se: float, std: float, z_crit: float) -> dict:
    from scipy import stats

    lhs, op, rhs = term
    z = est / se if se > 0 else np.nan
    return {
        "term": f"{lhs} {op} {rhs}".strip() if op != "~1" else f"{lhs} ~1",
        "lhs": lhs,
        "op": op,
        "rhs": rhs,
        "free": False,
        "estimate": est,
        "std_error": se,
        "statistic": z,
        "p_value": 2 * stats.norm.sf(abs(z)) if np.isfinite(z) else np.nan,
        "ci_low": est - z_crit * se,
        "ci_high": est + z_crit * se,
        "std_estimate": std,
    }


def _observed_predictors(model: Any, y: str) -> list[tuple[str, float]]:
    """``(x, b)`` for each observed ``x`` with a path ``y ~ b*x`` (semopy keeps it in
    Lambda when ``y`` predicts nothing, in Beta otherwise)."""
    observed = set(model.vars["observed"])
    out = []
    for mx, labels in ((model.mx_lambda, model.names_lambda), (model.mx_beta, model.names_beta)):
        if y in labels[0]:
            row = np.asarray(mx, dtype=float)[labels[0].index(y)]
            out += [
                (src, float(b))
                for src, b in zip(labels[1], row, strict=True)
                if src in observed and src != y and b != 0
            ]
    return out


def intercept_rows(
    model: Any,
    spec: Any,
    names: dict[str, str],
    vcov: np.ndarray,
    mu: np.ndarray,
    wanted: list[str],
    ci: float,
) -> pd.DataFrame:
    """The ``y ~1`` rows of the observed variables ``wanted`` (caller's names)."""
    from scipy import stats

    observed = list(model.vars["observed"])
    alias = {n: a for a, n in names.items()}
    index = active_index(model)
    k = len(model.param_vals)
    sigma = np.asarray(model.calc_sigma()[0], dtype=float)
    z_crit = stats.norm.isf((1 - ci) / 2)
    out = []
    for name in wanted:
        y = alias[name]
        j = observed.index(y)
        grad = np.zeros(len(vcov))
        grad[k + j] = 1.0
        nu = mu[j]
        for src, b in _observed_predictors(model, y):
            m = mu[observed.index(src)]
            nu -= b * m
            grad[k + observed.index(src)] -= b
            if (y, "~", src) in index:
                grad[index[(y, "~", src)]] -= m
        se = float(np.sqrt(max(grad @ vcov @ grad, 0.0)))
        row = _row((name, "~1", ""), float(nu), se, nu / np.sqrt(sigma[j, j]), z_crit)
        row["free"] = True
        out.append(row)
    return pd.DataFrame(out)


def label_column(table: pd.DataFrame, spec: Any) -> list[str]:
    """Each row's label (as written in the model), ``""`` where it has none."""
    labels = {}
    for lhs, op, rhs, mod in spec.modifiers:
        if not _cbsyntax.is_number(mod):
            labels[(lhs, op, rhs)] = mod
            if op == "~~":
                labels[(rhs, op, lhs)] = mod
    keys = zip(table["lhs"], table["op"], table["rhs"], strict=True)
    return [labels.get(key, "") for key in keys]


def defined_rows(
    model: Any, spec: Any, label_alias: dict[str, str], vcov: np.ndarray, table, ci: float
) -> pd.DataFrame:
    """The ``name := expression`` rows, with delta-method standard errors."""
    from scipy import stats

    if not spec.defined:
        return pd.DataFrame()
    back = {a: label for label, a in label_alias.items()}
    labels = [back.get(n, n) for n in active_names(model)]
    k = len(model.param_vals)
    est, se = _cbsyntax.delta_method(
        spec, labels, np.asarray(model.param_vals, dtype=float), vcov[:k, :k]
    )
    labelled = table[table["label"] != ""].drop_duplicates("label")
    std = _cbsyntax.defined_values(
        spec, dict(zip(labelled["label"], labelled["std_estimate"], strict=True))
    )
    z_crit = stats.norm.isf((1 - ci) / 2)
    return pd.DataFrame(
        [
            _row((name, ":=", expr), float(e), float(s), std[name], z_crit)
            for (name, expr), e, s in zip(spec.defined, est, se, strict=True)
        ]
    )


def extend_table(
    table: pd.DataFrame,
    model: Any,
    spec: Any,
    names: dict[str, str],
    label_alias: dict[str, str],
    vcov: np.ndarray,
    mu: np.ndarray,
    ci: float,
    intercepts: list[str],
) -> pd.DataFrame:
    """``table`` with its ``label`` column (if the model has labels or ``:=``), the
    intercept rows asked for, and the defined parameters' rows."""
    has_labels = any(not _cbsyntax.is_number(m) for *_, m in spec.modifiers) or spec.defined
    if has_labels:
        table = table.assign(label=label_column(table, spec))
    parts = [table]
    if intercepts:
        rows = intercept_rows(model, spec, names, vcov, mu, intercepts, ci)
        parts.append(rows.assign(label="") if has_labels else rows)
    if spec.defined:
        parts.append(defined_rows(model, spec, label_alias, vcov, table, ci).assign(label=""))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else table
