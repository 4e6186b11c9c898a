"""Modification indices with expected parameter changes (lavaan's ``modindices``).

For a parameter fixed at 0 in a model fitted by maximum likelihood, the modification
index is the score (Lagrange multiplier) test of freeing it (Sorbom 1989): with
``W = Sigma^-1``, ``D_j = dSigma/dtheta_j`` and the divide-by-n covariance ``S``,

- score ``U_c = n/2 tr(W (S - Sigma) W D_c)`` (zero for the free parameters at the
  estimate),
- expected information ``n I``, ``I_jk = 1/2 tr(W D_j W D_k)``,
- ``MI = U_c^2 / (n v_c)`` and ``EPC = U_c / (n v_c)``, where
  ``v_c = I_cc - I_cF I_FF^-1 I_Fc`` (``F`` the free parameters),

the expected drop of the chi-square (on 1 df) and the expected value of the parameter
when it is freed. ``sepc_all`` standardizes the EPC as lavaan's ``sepc.all``: a loading
``F =~ x`` times ``sd(F) / sd(x)``, a residual covariance ``x ~~ y`` over
``sqrt(theta_x theta_y)`` (the residual variances).

The candidates are lavaan's (its ``lav_partable_full``): every loading of a factor on
an item of the model that it does not load (cross-loadings; not on a variable of the
structural part), every residual covariance of two observed variables that the model
does not free (not of two exogenous ones: ``fixed.x``), every covariance of two factors
(of their disturbances when they are endogenous) and every regression between two
variables of the structural part (factor on factor, factor on observed, observed on
factor; not of an exogenous observed variable, nor of an item on a factor). For a
regression ``y ~ x`` ``sepc_all`` is the EPC times ``sd(x) / sd(y)`` (model-implied),
for a factor covariance the EPC over the square root of the two (residual) variances.
A candidate whose freeing would leave the model unidentified (zero conditional
information) is left out, as lavaan leaves its MI missing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _locations(model: Any) -> set[tuple[int, int, int]]:
    """(id(matrix), i, j) of every parameter, free or fixed by the user."""
    symmetric = {id(model.mx_psi), id(model.mx_theta)}
    out = set()
    for param in model.parameters.values():
        for loc in param.locations:
            i, j = loc.indices
            out.add((id(loc.matrix), i, j))
            if id(loc.matrix) in symmetric:
                out.add((id(loc.matrix), j, i))
    return out


def _candidates(model: Any, names: dict[str, str]) -> list[tuple]:
    """``(lhs, op, rhs, kind, a, b)`` of each parameter at 0 that could be freed."""
    taken = _locations(model)
    lam, (rows, cols) = model.mx_lambda, model.names_lambda
    inner = set(model.names_beta[0])
    latent = set(model.vars["latent"])
    exogenous = set(model.vars["exogenous"])
    observed = list(model.vars["observed"])
    paths = _in_paths(model, taken)
    out = []
    for f, factor in enumerate(cols):
        if factor not in latent:
            continue
        for i, item in enumerate(rows):
            if item in inner or item in paths or lam[i, f] != 0 or (id(lam), i, f) in taken:
                continue
            out.append((names[factor], "=~", names[item], "L", i, f))
    for a in range(len(observed)):
        for b in range(a):
            x, y = observed[a], observed[b]
            if x in exogenous or y in exogenous:
                continue  # fixed.x: their covariance is the sample's
            (mx, i), (my, j) = _residual(model, x), _residual(model, y)
            if mx is my and (mx[i, j] != 0 or (id(mx), i, j) in taken):
                continue
            out.append((names[y], "~~", names[x], "T", y, x))
    return out + _structural_candidates(model, names, taken)


def _in_paths(model: Any, taken: set) -> set[str]:
    """The variables of the structural part: in a regression (semopy keeps one of an
    observed outcome that predicts nothing in Lambda, on a column that is no factor)."""
    inner, rows = list(model.names_beta[0]), list(model.names_lambda[0])
    latent = set(model.vars["latent"])
    out = set()
    for mx, i, j in taken:
        if mx == id(model.mx_beta):
            out.update((inner[i], inner[j]))
        elif mx == id(model.mx_lambda) and inner[j] not in latent:
            out.update((rows[i], inner[j]))
    return out


def _structural_candidates(model: Any, names: dict[str, str], taken: set) -> list[tuple]:
    """Factor (disturbance) covariances and regressions among the structural variables."""
    inner, rows = list(model.names_beta[0]), list(model.names_lambda[0])
    latent = [v for v in inner if v in set(model.vars["latent"])]
    beta, psi, lam = model.mx_beta, model.mx_psi, model.mx_lambda
    out = []
    for a in range(len(latent)):
        for b in range(a):
            i, j = inner.index(latent[a]), inner.index(latent[b])
            if psi[i, j] == 0 and (id(psi), i, j) not in taken:
                out.append((names[latent[b]], "~~", names[latent[a]], "P", j, i))
    in_paths = _in_paths(model, taken)
    exogenous_observed = set(model.vars["exogenous"]) - set(model.vars["latent"])
    order = list(dict.fromkeys(rows + inner))
    for lhs in sorted(in_paths - exogenous_observed, key=order.index):
        for j, rhs in enumerate(inner):
            if rhs not in in_paths or rhs == lhs:
                continue
            if lhs in inner:  # an inner variable: a regression in Beta
                i, mx, kind = inner.index(lhs), beta, "B"
            else:  # an observed outcome kept in Lambda
                i, mx, kind = rows.index(lhs), lam, "L"
            if mx[i, j] == 0 and (id(mx), i, j) not in taken:
                out.append((names[lhs], "~", names[rhs], kind, i, j))
    return out


def _derivative(model: Any, kind: str, a: Any, b: Any, m: np.ndarray, c: np.ndarray):
    """``dSigma`` of one candidate (semopy's Sigma = M Psi M' + Theta, M = Lambda C)."""
    psi = np.asarray(model.mx_psi, dtype=float)
    p = len(model.vars["observed"])
    if kind == "L":  # loading of inner variable b on observed row a
        row = (c @ psi @ m.T)[b]
        d = np.zeros((p, p))
        d[a] += row
        d[:, a] += row
        return d
    if kind == "B":  # regression of inner a on inner b: d(C) = C E_ab C
        u, v = m[:, a], (m @ psi @ c.T)[:, b]
    elif kind == "P":  # covariance of the (disturbances of) inner a and b
        u, v = m[:, a], m[:, b]
    else:
        u, v = _propagation(model, a, m), _propagation(model, b, m)
    return np.outer(u, v) + np.outer(v, u)


def _residual(model: Any, name: str) -> tuple[Any, int]:
    """The matrix holding ``name``'s residual variance (Psi for a variable in paths,
    Theta for an item) and its position there."""
    if name in model.names_beta[0]:
        return model.mx_psi, list(model.names_psi[0]).index(name)
    return model.mx_theta, list(model.names_theta[0]).index(name)


def _propagation(model: Any, name: str, m: np.ndarray) -> np.ndarray:
    """How a unit residual of observed ``name`` moves the observed variables: a column
    of ``M`` for a variable in paths, a unit vector for an item."""
    if name in model.names_beta[0]:
        return m[:, list(model.names_beta[0]).index(name)]
    out = np.zeros(m.shape[0])
    out[list(model.vars["observed"]).index(name)] = 1.0
    return out


def modification_indices(model: Any, names: dict[str, str], n: int) -> pd.DataFrame:
    """Every candidate's ``mi, epc, sepc_all, p_value`` (caller's names), MI descending."""
    from scipy import stats

    sigma, (m, c) = model.calc_sigma()
    sigma, m, c = (np.asarray(x, dtype=float) for x in (sigma, m, c))
    w = np.linalg.inv(sigma)
    s = np.asarray(model.mx_cov, dtype=float)
    free = [np.asarray(g, dtype=float) for g in model.calc_sigma_grad(m, c)]
    wf = [w @ d @ w for d in free]
    info_ff = np.array([[0.5 * np.sum(a * d) for d in free] for a in wf])
    info_ff_inv = np.linalg.pinv(info_ff)
    psi = np.asarray(model.mx_psi, dtype=float)
    latent_var = np.diag(c @ psi @ c.T)
    resid = w @ (s - sigma) @ w
    rows = []
    for lhs, op, rhs, kind, a, b in _candidates(model, names):
        d = _derivative(model, kind, a, b, m, c)
        wd = w @ d @ w
        score = 0.5 * n * float(np.sum(resid * d))
        cross = np.array([0.5 * np.sum(wd * g) for g in free])
        v = 0.5 * float(np.sum(wd * d)) - cross @ info_ff_inv @ cross
        if v <= max(1e-12, 1e-9 * float(np.sum(wd * d))):
            continue  # freeing it would leave the model unidentified
        mi, epc = score**2 / (n * v), score / (n * v)
        rows.append((lhs, op, rhs, mi, epc, _sepc(model, kind, a, b, epc, sigma, latent_var)))
    out = pd.DataFrame(rows, columns=["lhs", "op", "rhs", "mi", "epc", "sepc_all"])
    out.insert(0, "term", out["lhs"] + " " + out["op"] + " " + out["rhs"])
    out["p_value"] = stats.chi2.sf(out["mi"].to_numpy(dtype=float), 1)
    return out.sort_values("mi", ascending=False, kind="stable").reset_index(drop=True)


def _sepc(model: Any, kind: str, a: Any, b: Any, epc: float, sigma, latent_var) -> float:
    """lavaan's ``sepc.all`` of one candidate."""
    if kind == "L":
        return float(epc * np.sqrt(latent_var[b]) / np.sqrt(sigma[a, a]))
    if kind == "B":
        return float(epc * np.sqrt(latent_var[b] / latent_var[a]))
    if kind == "P":
        va, vb = float(model.mx_psi[a, a]), float(model.mx_psi[b, b])
        return float(epc / np.sqrt(va * vb)) if va > 0 and vb > 0 else float("nan")
    (mx_a, i), (mx_b, j) = _residual(model, a), _residual(model, b)
    va, vb = float(mx_a[i, i]), float(mx_b[j, j])
    return float(epc / np.sqrt(va * vb)) if va > 0 and vb > 0 else float("nan")
