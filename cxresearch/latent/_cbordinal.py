"""Ordinal items for the covariance-based models: thresholds, polychoric correlations
and their asymptotic covariance (the inputs of DWLS / WLSMV).

Each item ``x_j`` with categories ``1..C_j`` is read as a cut normal response
``y*_j``: ``x_j = c`` when ``tau_{j,c-1} < y*_j <= tau_{j,c}``. Two steps (Olsson 1979):

1. thresholds from the marginals, ``tau_{j,c} = Phi^-1(P(x_j <= c))``;
2. each pair's polychoric correlation by maximizing the bivariate-normal likelihood of
   the pair's contingency table with the thresholds fixed.

The asymptotic covariance ``Gamma`` of ``sqrt(n) (r - rho)`` comes from the rows'
influence functions of the two-step estimator (Muthen 1984; Joreskog 1994): for a
threshold ``(1{x_j <= c} - Phi(tau_c)) / phi(tau_c)``; for a correlation
``(s_i + H_rt IF_tau,i) / I_rr`` with ``s_i`` the row's score in ``rho``, ``I_rr`` the
information and ``H_rt = -sum_cells pi_rho pi_tau / pi``. Its diagonal weights DWLS and
the whole matrix gives the robust standard errors and the mean-and-variance adjusted
chi-square.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special, stats

#: Thresholds beyond this stand for +-infinity (the normal mass outside is below 1e-23).
_INF = 10.0
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(40)


def _phi2_density(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """The standard bivariate normal density at ``(h, k)`` with correlation ``r``."""
    one = 1.0 - r * r
    return np.exp(-(h * h - 2 * r * h * k + k * k) / (2 * one)) / (2 * np.pi * np.sqrt(one))


def bivariate_cdf(h: np.ndarray, k: np.ndarray, rho: float) -> np.ndarray:
    """``P(Y1 <= h, Y2 <= k)`` for standard normals with correlation ``rho``:
    ``Phi(h) Phi(k) + int_0^rho phi2(h, k, r) dr`` (Gauss-Legendre, 40 nodes)."""
    h, k = np.clip(h, -_INF, _INF), np.clip(k, -_INF, _INF)
    r = 0.5 * rho * (_NODES + 1.0)  # nodes on [0, rho]
    dens = _phi2_density(h[..., None], k[..., None], r)
    integral = 0.5 * rho * (dens * _WEIGHTS).sum(axis=-1)
    return special.ndtr(h) * special.ndtr(k) + integral


def thresholds(codes: np.ndarray, n_cat: int) -> np.ndarray:
    """``-inf, tau_1, ..., tau_{C-1}, +inf`` (as +-10) from the codes ``0..C-1``."""
    counts = np.bincount(codes, minlength=n_cat)
    cum = np.cumsum(counts)[:-1] / len(codes)
    return np.concatenate([[-_INF], special.ndtri(cum), [_INF]])


def _cells(ta: np.ndarray, tb: np.ndarray, rho: float) -> np.ndarray:
    """The table of cell probabilities ``pi_ab`` for thresholds ``ta``, ``tb``."""
    cdf = bivariate_cdf(ta[:, None], tb[None, :], rho)
    return cdf[1:, 1:] - cdf[:-1, 1:] - cdf[1:, :-1] + cdf[:-1, :-1]


def polychoric(table: np.ndarray, ta: np.ndarray, tb: np.ndarray) -> float:
    """The ML correlation of a contingency table given the thresholds."""

    def minus_loglik(rho: float) -> float:
        pi = np.clip(_cells(ta, tb, rho), 1e-300, None)
        return -float((table * np.log(pi)).sum())

    res = optimize.minimize_scalar(
        minus_loglik, bounds=(-0.9999, 0.9999), method="bounded", options={"xatol": 1e-10}
    )
    return float(res.x)


def _d_rho(ta: np.ndarray, tb: np.ndarray, rho: float) -> np.ndarray:
    """``d pi_ab / d rho``: the bivariate density at the cell's four corners."""
    h, k = np.clip(ta, -_INF, _INF)[:, None], np.clip(tb, -_INF, _INF)[None, :]
    dens = _phi2_density(h, k, rho)
    return dens[1:, 1:] - dens[:-1, 1:] - dens[1:, :-1] + dens[:-1, :-1]


def _d_tau(ta: np.ndarray, tb: np.ndarray, rho: float) -> np.ndarray:
    """``d pi_ab / d tau_c`` for the inner thresholds ``c`` of the first item: an array
    ``(C_a - 1, C_a, C_b)``."""
    h = np.clip(ta, -_INF, _INF)[:, None]
    k = np.clip(tb, -_INF, _INF)[None, :]
    # d Phi2(h, k) / dh = phi(h) Phi((k - rho h) / sqrt(1 - rho^2))
    g = stats.norm.pdf(h) * special.ndtr((k - rho * h) / np.sqrt(1 - rho * rho))
    g = g[:, 1:] - g[:, :-1]  # over the cell's two k-corners: (C_a + 1, C_b)
    n_a = len(ta) - 1
    out = np.zeros((n_a - 1, n_a, len(tb) - 1))
    for c in range(1, n_a):  # inner threshold c is the upper bound of cell c - 1
        out[c - 1, c - 1] = g[c]
        out[c - 1, c] = -g[c]
    return out


def threshold_influence(codes: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """Rows' influence functions of the inner thresholds: ``(n, C - 1)``."""
    inner = tau[1:-1]
    below = codes[:, None] <= np.arange(len(inner))[None, :]
    return (below - special.ndtr(inner)) / stats.norm.pdf(inner)


def correlation_influence(
    ca: np.ndarray, cb: np.ndarray, ta: np.ndarray, tb: np.ndarray, rho: float, ifa, ifb
) -> np.ndarray:
    """Rows' influence function of one polychoric correlation (two-step estimator)."""
    pi = np.clip(_cells(ta, tb, rho), 1e-300, None)
    pr = _d_rho(ta, tb, rho)
    info = float((pr * pr / pi).sum())
    score = (pr / pi)[ca, cb]
    h_a = -np.einsum("ab,cab->c", pr / pi, _d_tau(ta, tb, rho))
    h_b = -np.einsum("ab,cba->c", pr / pi, _d_tau(tb, ta, rho))
    return (score + ifa @ h_a + ifb @ h_b) / info


def polychoric_matrix(codes: np.ndarray, n_cat: list[int]):
    """Thresholds, the polychoric correlation matrix, and ``Gamma`` (the asymptotic
    covariance of ``sqrt(n)`` times the lower-triangle correlations, pairs in the
    order of ``numpy.tril_indices(p, -1)``).

    ``codes``: ``(n, p)`` integers ``0..C_j-1``.
    """
    n, p = codes.shape
    taus = [thresholds(codes[:, j], n_cat[j]) for j in range(p)]
    ifs = [threshold_influence(codes[:, j], taus[j]) for j in range(p)]
    r = np.eye(p)
    rows, cols = np.tril_indices(p, -1)
    infl = np.empty((n, len(rows)))
    for m, (a, b) in enumerate(zip(rows, cols, strict=True)):
        table = np.zeros((n_cat[a], n_cat[b]))
        np.add.at(table, (codes[:, a], codes[:, b]), 1.0)
        rho = polychoric(table, taus[a], taus[b])
        r[a, b] = r[b, a] = rho
        infl[:, m] = correlation_influence(
            codes[:, a], codes[:, b], taus[a], taus[b], rho, ifs[a], ifs[b]
        )
    gamma = infl.T @ infl / n
    return taus, r, gamma


# --------------------------------------------------------------------------- DWLS / WLSMV


def theta_diagonal(model) -> list[int]:
    """Positions (among the free parameters) of the items' error variances, which the
    correlation structure does not estimate: each is 1 minus the item's common variance."""
    theta = model.mx_theta
    active = [p for p in model.parameters.values() if p.active]
    return [
        i
        for i, p in enumerate(active)
        if all(loc.matrix is theta and loc.indices[0] == loc.indices[1] for loc in p.locations)
    ]


def _off_diagonal(model, x_all: np.ndarray, rows, cols):
    model.update_matrices(x_all)
    sigma, (m, c) = model.calc_sigma()
    grads = model.calc_sigma_grad(m, c)
    sigma = np.asarray(sigma, dtype=float)
    jac = np.column_stack([np.asarray(g, dtype=float)[rows, cols] for g in grads])
    return sigma, jac


def fit_dwls(model, r: np.ndarray, gamma: np.ndarray, n: int) -> dict:
    """DWLS of a semopy model (fitted by ML to ``r`` as the start) to the polychoric
    correlations ``r``, weights ``1 / diag(Gamma)``; the robust covariance of the
    estimates and the mean-and-variance adjusted (scaled and shifted) chi-square."""
    p = r.shape[0]
    rows, cols = np.tril_indices(p, -1)
    target = r[rows, cols]
    w = 1.0 / np.diag(gamma)
    x_all = np.asarray(model.param_vals, dtype=float).copy()
    derived = theta_diagonal(model)
    free = [i for i in range(len(x_all)) if i not in derived]
    bounds = [model.get_bounds()[i] for i in free]

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        x_all[free] = x
        sigma, jac = _off_diagonal(model, x_all, rows, cols)
        e = target - sigma[rows, cols]
        return float(n * e @ (w * e)), -2 * n * (jac[:, free].T @ (w * e))

    res = optimize.minimize(
        fun, x_all[free], jac=True, method="L-BFGS-B", bounds=bounds,
        options={"maxiter": 20_000, "ftol": 1e-15, "gtol": 1e-10},
    )  # fmt: skip
    x_all[free] = res.x
    sigma, jac = _off_diagonal(model, x_all, rows, cols)
    common = np.diag(sigma) - _diag_theta(model, x_all, derived)
    for i in derived:  # error variance = 1 - common variance of its item
        j = _theta_item(model, i)
        x_all[i] = 1.0 - common[j]
    sigma, jac = _off_diagonal(model, x_all, rows, cols)
    return _wlsmv(res, x_all, free, derived, jac, target - sigma[rows, cols], w, gamma, n, model)


def _theta_item(model, i: int) -> int:
    active = [p for p in model.parameters.values() if p.active]
    return int(active[i].locations[0].indices[0])


def _diag_theta(model, x_all: np.ndarray, derived: list[int]) -> np.ndarray:
    out = np.zeros(model.mx_theta.shape[0])
    for i in derived:
        out[_theta_item(model, i)] = x_all[i]
    return out


def _wlsmv(res, x_all, free, derived, jac, e, w, gamma, n, model) -> dict:
    """Robust covariance (sandwich) and the scaled-and-shifted chi-square."""
    d = jac[:, free]
    a_inv = np.linalg.inv(d.T @ (w[:, None] * d))
    middle = d.T @ (w[:, None] * gamma * w[None, :]) @ d
    vcov_free = a_inv @ middle @ a_inv / n
    # error variances: 1 - common variance; their gradient is minus that of the diagonal
    sigma_grads = model.calc_sigma_grad(*model.calc_sigma()[1])
    diag_jac = np.column_stack([np.diag(np.asarray(g, dtype=float)) for g in sigma_grads])
    full = np.zeros((len(x_all), len(free)))
    full[free, np.arange(len(free))] = 1.0
    for i in derived:
        full[i] = -diag_jac[_theta_item(model, i), free]
    vcov = full @ vcov_free @ full.T
    chi2 = float(n * e @ (w * e))
    df = len(e) - len(free)
    u = np.diag(w) - (w[:, None] * d) @ a_inv @ (d.T * w[None, :])
    return {
        "x": x_all,
        "vcov": vcov,
        "chi2": chi2,
        "df": df,
        "scaled": _scaled_shifted(chi2, df, u @ gamma),
        "converged": bool(res.success) or np.abs(res.jac).max() < 1e-6 * n,
    }


def _scaled_shifted(chi2: float, df: int, ug: np.ndarray) -> tuple[float, float, float]:
    """``(a T + b, 1 / a, b)`` with ``a = sqrt(df / tr((U Gamma)^2))`` and
    ``b = df - a tr(U Gamma)`` (Asparouhov & Muthen 2010; lavaan's WLSMV)."""
    if df <= 0:
        return chi2, 1.0, 0.0
    a = float(np.sqrt(df / np.trace(ug @ ug)))
    b = float(df - a * np.trace(ug))
    return a * chi2 + b, 1.0 / a, b


def baseline(r: np.ndarray, gamma: np.ndarray, n: int) -> tuple[float, int, float]:
    """The independence model's chi-square (every correlation 0), df, scaled-shifted."""
    rows, cols = np.tril_indices(r.shape[0], -1)
    e = r[rows, cols]
    w = 1.0 / np.diag(gamma)
    chi2 = float(n * e @ (w * e))
    scaled = _scaled_shifted(chi2, len(e), np.diag(w) @ gamma)[0]
    return chi2, len(e), scaled
