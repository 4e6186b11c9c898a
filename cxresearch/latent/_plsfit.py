"""Model fit of PLS path models: SRMR, d_ULS, d_G and their bootstrap test (private).

The model-implied item correlation matrix follows Dijkstra & Henseler (2015) and
cSEM's ``fit()``: a reflective construct (``=~``) is a common factor, its items
correlating ``lambda_i lambda_j`` within the block; a composite (``<~``) leaves its
block free (the observed correlations); items of two blocks correlate ``lambda_i
rho_kl lambda_j``, with ``lambda`` the loadings (consistent ones under PLSc) and
``rho`` the construct correlations: as estimated (the *saturated* model, every
construct pair free) or as implied by the paths (the *estimated* model, exogenous
correlations free, structural errors uncorrelated with variances ``1 - R^2``).

Every function works on stacks (one matrix per resample), as the bootstrap does.
"""

from __future__ import annotations

import numpy as np

from . import _algorithm as pls_

MEASURES = ("srmr", "d_uls", "d_g")

__all__ = ["MEASURES", "discrepancies", "implied", "implied_constructs", "root"]


def implied_constructs(c: np.ndarray, beta: np.ndarray, st: pls_.Structure) -> np.ndarray:
    """Construct correlations implied by the paths (B, K, K), from the estimated ``c``.

    ``eta = B' eta + zeta``: the exogenous constructs keep their correlations, each
    endogenous one gets an error of variance ``1 - R^2`` uncorrelated with the rest;
    ``V = (I - B')^-1 Psi (I - B')^-T`` with unit diagonal.
    """
    k = c.shape[1]
    endo = list(st.endogenous)
    exo = np.array([j for j in range(k) if j not in st.endogenous], dtype=int)
    psi = np.zeros_like(c)
    psi[:, exo[:, None], exo[None, :]] = c[:, exo[:, None], exo[None, :]]
    r2 = np.einsum("bij,bij->bj", beta, c)  # sum_i beta[i, j] c[i, j] = R^2 of j
    psi[:, endo, endo] = 1.0 - r2[:, endo]
    inv = np.linalg.inv(np.eye(k) - np.swapaxes(beta, 1, 2))
    v = inv @ psi @ np.swapaxes(inv, 1, 2)
    v[:, np.arange(k), np.arange(k)] = 1.0
    return v


def implied(s: np.ndarray, w: np.ndarray, st: pls_.Structure, saturated: bool) -> np.ndarray:
    """Model-implied item correlation matrices (B, p, p) of the saturated or
    estimated model (see the module docstring)."""
    est = pls_.estimates(s, w, st)
    c = est["scores_cor"]
    if not saturated:
        c = implied_constructs(c, est["beta"], st)
    lam = np.zeros((s.shape[0], *st.mask.shape))
    lam[:, st.mask] = est["loadings"]
    sigma = lam @ c @ np.swapaxes(lam, 1, 2)
    p = s.shape[1]
    sigma[:, np.arange(p), np.arange(p)] = 1.0
    sd = np.sqrt(np.diagonal(s, axis1=1, axis2=2))
    r = s / (sd[:, :, None] * sd[:, None, :])
    for k in st.mode_b:
        b = st.block(k)
        sigma[:, b[:, None], b[None, :]] = r[:, b[:, None], b[None, :]]
    return sigma


def discrepancies(r: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """SRMR, d_ULS and d_G between observed ``r`` and implied ``sigma`` (B, 3).

    SRMR: root mean square of the residuals over the lower triangle with the
    diagonal, ``p(p + 1) / 2`` of them. d_ULS: half the squared Euclidean distance,
    ``0.5 sum_ij (r_ij - sigma_ij)^2``. d_G (geodesic): ``0.5 sum (ln phi_i)^2``
    over the eigenvalues ``phi`` of ``r^-1 sigma`` (natural logarithm, as Dijkstra &
    Henseler 2015); NaN when ``sigma`` is not positive definite.
    """
    p = r.shape[1]
    diff = r - sigma
    il = np.tril_indices(p)
    srmr = np.sqrt((diff[:, il[0], il[1]] ** 2).mean(axis=1))
    d_uls = 0.5 * (diff**2).sum(axis=(1, 2))
    chol = np.linalg.cholesky(r)
    inv = np.linalg.inv(chol)
    phi = np.linalg.eigvalsh(inv @ sigma @ np.swapaxes(inv, 1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.where(phi > 0, np.log(np.where(phi > 0, phi, 1.0)), np.nan)
    d_g = 0.5 * (logs**2).sum(axis=1)
    return np.column_stack([srmr, d_uls, d_g])


def root(a: np.ndarray, inverse: bool = False) -> np.ndarray:
    """Symmetric square root (or inverse square root) of one positive definite matrix."""
    values, vectors = np.linalg.eigh(a)
    power = -0.5 if inverse else 0.5
    return (vectors * values**power) @ vectors.T
