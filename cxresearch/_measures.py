"""The one home of each reliability and validity formula (private, shared by the latent
subpackage and :mod:`cxresearch.reliability`).

PLS (:mod:`cxresearch.latent.plspm`), CFA/SEM (:mod:`cxresearch.latent.cbsem`) and the
data-level functions of :mod:`cxresearch.reliability` report the same measures; each is
written once, here, and imported where needed:

- :func:`alpha` -- Cronbach's alpha from a covariance (or correlation) matrix;
- :func:`rho_c` and :func:`ave` -- composite reliability and average variance
  extracted from standardized loadings (Fornell & Larcker 1981);
- :func:`rho_a` -- Dijkstra & Henseler's (2015) rho_A from PLS weights;
- :func:`monotrait_means` and :func:`htmt` -- the heterotrait-monotrait ratio
  (Henseler, Ringle & Sarstedt 2015), for one correlation matrix or a stack of them
  (a bootstrap).

Conventions shared by all: a single item's alpha, rho_A and monotrait mean are 1 (as in
seminr), a loading NaN makes rho_c and AVE NaN.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["alpha", "ave", "htmt", "monotrait_means", "rho_a", "rho_c"]


def alpha(cov: np.ndarray, standardized: bool = False) -> float:
    """Cronbach's alpha, :math:`k/(k-1)\\,(1 - \\operatorname{tr} C / \\sum C)`.

    ``standardized=True`` applies it to the correlation matrix (the standardized
    alpha PLS software reports). One item: 1.

    Examples
    --------
    >>> round(alpha(np.array([[1.0, 0.5], [0.5, 1.0]])), 6)
    0.666667
    """
    cov = np.asarray(cov, dtype=float)
    k = cov.shape[0]
    if k == 1:
        return 1.0
    if standardized:
        sd = np.sqrt(np.diag(cov))
        cov = cov / np.outer(sd, sd)
    return float(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))


def rho_c(lam: np.ndarray) -> float:
    """Composite reliability :math:`(\\sum\\lambda)^2 / ((\\sum\\lambda)^2 + \\sum(1-\\lambda^2))`.

    Examples
    --------
    >>> round(rho_c(np.array([0.8, 0.8, 0.8])), 6)
    0.842105
    """
    lam = np.asarray(lam, dtype=float)
    if np.isnan(lam).any():
        return math.nan
    s = lam.sum()
    return float(s**2 / (s**2 + np.sum(1 - lam**2)))


def ave(lam: np.ndarray) -> float:
    """Average variance extracted, the mean squared standardized loading.

    Examples
    --------
    >>> round(ave(np.array([0.8, 0.6])), 6)
    0.5
    """
    lam = np.asarray(lam, dtype=float)
    return math.nan if np.isnan(lam).any() else float(np.mean(lam**2))


def rho_a(r_block: np.ndarray, weights: np.ndarray) -> float:
    """Dijkstra & Henseler's rho_A of one block from the weights of its standardized items.

    :math:`(w'w)^2\\, w'(R - \\operatorname{diag} R)w \\,/\\, w'(ww' - \\operatorname{diag}
    ww')w`. One item: 1.

    Examples
    --------
    >>> r = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> round(rho_a(r, np.array([0.5, 0.5])), 6)
    0.5
    """
    w = np.asarray(weights, dtype=float)
    if w.size == 1:
        return 1.0
    rr = np.asarray(r_block, dtype=float) - np.eye(w.size)
    aa = np.outer(w, w) - np.diag(w**2)
    return float((w @ w) ** 2 * (w @ rr @ w) / (w @ aa @ w))


def monotrait_means(r: np.ndarray, blocks: list[np.ndarray]) -> list[np.ndarray]:
    """Mean within-block correlation of each block, for a stack ``r`` of shape (b, p, p).

    A single item's mean is 1.
    """
    out = []
    for block in blocks:
        if block.size == 1:
            out.append(np.ones(r.shape[0]))
            continue
        iu = np.triu_indices(block.size, 1)
        out.append(r[:, block][:, :, block][:, iu[0], iu[1]].mean(axis=1))
    return out


def htmt(
    r: np.ndarray, blocks: list[np.ndarray], mono: list[np.ndarray] | None = None
) -> np.ndarray:
    """HTMT of every pair of blocks (i < j) for a stack of correlation matrices.

    The mean heterotrait correlation over the geometric mean of the two monotrait
    means. Returns an array of shape (b, number of pairs).

    Examples
    --------
    >>> r = np.array([[1.0, 0.6, 0.3], [0.6, 1.0, 0.3], [0.3, 0.3, 1.0]])
    >>> htmt(r[None], [np.array([0, 1]), np.array([2])]).round(6)
    array([[0.387298]])
    """
    if mono is None:
        mono = monotrait_means(r, blocks)
    out = []
    for i in range(len(blocks)):
        for j in range(i + 1, len(blocks)):
            hetero = r[:, blocks[i]][:, :, blocks[j]].mean(axis=(1, 2))
            out.append(hetero / np.sqrt(mono[i] * mono[j]))
    return np.stack(out, axis=1) if out else np.zeros((r.shape[0], 0))
