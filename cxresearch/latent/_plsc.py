"""Consistent PLS (PLSc; Dijkstra & Henseler 2015) on stacks of fits (private).

Plain PLS builds each reflective construct as a weighted sum of items that carry
measurement error, so its score correlates less with other scores than the common
factor it stands for. PLSc divides every score correlation by the square root of the
two constructs' reliabilities (rho_A, from the converged weights), re-runs the
regressions of the structural model on the corrected correlations, and gives each
reflective construct the consistent loadings ``c * w`` (``c = sqrt(rho_A) / w'w``).
Composites (``<~``) and single items keep reliability 1: nothing of theirs changes.

Everything is a function of the item correlation matrices and the weights, one per
resample, so the correction runs on the bootstrap's whole stack at once.
"""

from __future__ import annotations

import numpy as np

__all__ = ["consistent_loadings", "correct", "rho_a_stack"]


def _std_weights(s: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights of the standardized items (B, p, K) and the item correlations (B, p, p)."""
    sd = np.sqrt(np.diagonal(s, axis1=1, axis2=2))
    return w * sd[:, :, None], s / (sd[:, :, None] * sd[:, None, :])


def rho_a_stack(s: np.ndarray, w: np.ndarray, blocks: list[np.ndarray]) -> np.ndarray:
    """rho_A of every block in ``blocks`` for each fit of the stack: (B, len(blocks)).

    ``(w'w)^2 w'(R - I)w / ((w'w)^2 - sum w^4)`` with ``w`` the weights of the
    standardized items of the block (the column of the block's construct). A single
    item: 1.
    """
    ws, r = _std_weights(s, w)
    out = np.ones((s.shape[0], len(blocks)))
    for j, (k, b) in enumerate(blocks):
        if b.size < 2:
            continue
        wb = ws[:, b, k]
        rb = r[:, b][:, :, b]
        wtw = np.einsum("bi,bi->b", wb, wb)
        num = np.einsum("bi,bij,bj->b", wb, rb, wb) - np.einsum("bi,bi->b", wb, wb)
        den = wtw**2 - (wb**4).sum(axis=1)
        out[:, j] = wtw**2 * num / den
    return out


def correct(c: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Score correlations ``c`` (B, K, K) divided by ``sqrt(rho_i rho_j)``; unit diagonal.

    ``rho`` (B, K) is 1 for a construct not corrected. A reliability at or below 0
    gives NaN (the correction is undefined).
    """
    with np.errstate(invalid="ignore"):
        root = np.sqrt(np.where(rho > 0, rho, np.nan))
    out = c / (root[:, :, None] * root[:, None, :])
    k = c.shape[1]
    out[:, np.arange(k), np.arange(k)] = 1.0
    return out


def consistent_loadings(s: np.ndarray, w: np.ndarray, k: int, b: np.ndarray, rho: np.ndarray):
    """PLSc loadings of block ``b`` of construct ``k``: ``w sqrt(rho_A) / w'w`` (B, |b|).

    ``w`` are the weights of the standardized items; single items get loading 1.
    """
    ws, _ = _std_weights(s, w)
    wb = ws[:, b, k]
    wtw = np.einsum("bi,bi->b", wb, wb)
    with np.errstate(invalid="ignore"):
        return wb * (np.sqrt(np.where(rho > 0, rho, np.nan)) / wtw)[:, None]
