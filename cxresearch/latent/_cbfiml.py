"""Shared pieces of full-information maximum likelihood (cx.cfa/cx.sem and cx.invariance):
the missing-data patterns of a data matrix, the normal ``-2 log L`` over them, and the
unrestricted normal model (means and covariances) by EM (Dempster, Laird & Rubin 1977).
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ConvergenceError


def patterns(x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The missing-data patterns of ``x``: (observed column indices, rows' values)."""
    seen = np.isfinite(x)
    keys, inverse = np.unique(seen, axis=0, return_inverse=True)
    return [
        (np.flatnonzero(key), x[np.ix_(inverse.ravel() == g, np.flatnonzero(key))])
        for g, key in enumerate(keys)
    ]


def minus2_loglik(patterns: list, mu: np.ndarray, sigma: np.ndarray) -> float:
    """``-2 log L`` of the normal model (``mu``, ``sigma``): each row's observed part."""
    total = 0.0
    for cols, rows in patterns:
        c = np.linalg.cholesky(sigma[np.ix_(cols, cols)])
        z = np.linalg.solve(c, (rows - mu[cols]).T)
        logdet = 2 * np.log(np.diag(c)).sum()
        total += len(rows) * (len(cols) * math.log(2 * math.pi) + logdet) + float((z**2).sum())
    return total


def em_saturated(x: np.ndarray, patterns: list) -> tuple[np.ndarray, np.ndarray]:
    """Means and (divide-by-n) covariances of the unrestricted normal model by EM."""
    mu = np.nanmean(x, axis=0)
    sigma = np.diag(np.nanvar(x, axis=0))
    n, p = x.shape
    for _ in range(10_000):
        t1, t2 = np.zeros(p), np.zeros((p, p))
        for cols, rows in patterns:
            mis = np.setdiff1d(np.arange(p), cols)
            full = np.tile(mu, (len(rows), 1))
            full[:, cols] = rows
            extra = np.zeros((p, p))
            if len(mis):
                coef = np.linalg.solve(sigma[np.ix_(cols, cols)], sigma[np.ix_(cols, mis)])
                full[:, mis] = mu[mis] + (rows - mu[cols]) @ coef
                extra[np.ix_(mis, mis)] = len(rows) * (
                    sigma[np.ix_(mis, mis)] - sigma[np.ix_(mis, cols)] @ coef
                )
            t1 += full.sum(axis=0)
            t2 += full.T @ full + extra
        new_mu = t1 / n
        new_sigma = t2 / n - np.outer(new_mu, new_mu)
        done = np.abs(new_sigma - sigma).max() < 1e-13 * (1 + np.abs(sigma).max())
        mu, sigma = new_mu, new_sigma
        if done:
            return mu, sigma
    raise ConvergenceError("fiml: the EM algorithm for the saturated model did not converge.")


def _projected(x: np.ndarray, g: np.ndarray, bounds: list) -> np.ndarray:
    """The gradient without the parts that push against an active bound."""
    out = np.array(g, dtype=float)
    for j, (low, high) in enumerate(bounds):
        if low is not None and x[j] <= low + 1e-12:
            out[j] = min(out[j], 0.0)
        if high is not None and x[j] >= high - 1e-12:
            out[j] = max(out[j], 0.0)
    return out


def minimize(fun, start: np.ndarray, bounds: list, n: int, options: dict):
    """L-BFGS-B; if its projected gradient stays above ``1e-6 n``, TNC from there and
    L-BFGS-B again. L-BFGS-B gives up when its first trial step leaves the region where
    the implied covariances are positive definite (``-2 log L`` infinite): it reports
    "relative reduction of F" after one iteration, far from the optimum (seen on
    Holzinger-Swineford with 10% of the answers blanked)."""
    from scipy import optimize

    def converged(res) -> bool:
        return bool(np.abs(_projected(res.x, res.jac, bounds)).max() <= 1e-6 * max(n, 1))

    with np.errstate(all="ignore"):
        res = optimize.minimize(
            fun, start, jac=True, method="L-BFGS-B", bounds=bounds, options=options
        )
        if np.isfinite(res.fun) and not converged(res):
            tnc = optimize.minimize(
                fun, res.x, jac=True, method="TNC", bounds=bounds,
                options={"maxfun": 20_000, "ftol": 1e-14, "gtol": 1e-10},
            )  # fmt: skip
            if np.isfinite(tnc.fun) and tnc.fun <= res.fun:
                res = optimize.minimize(
                    fun, tnc.x, jac=True, method="L-BFGS-B", bounds=bounds, options=options
                )
                if not np.isfinite(res.fun) or res.fun > tnc.fun:
                    res = tnc
    if np.isfinite(res.fun):
        res.success = converged(res)
    return res
