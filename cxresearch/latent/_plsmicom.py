"""MICOM: measurement invariance of composites across two groups (private).

Henseler, Ringle & Sarstedt (2016), three steps before comparing paths across groups:

1. configural invariance -- the same model, items and data treatment in both groups
   (true by construction here: one model, one call);
2. compositional invariance -- the scores built with group 1's weights and with group
   2's weights, both applied to the pooled data, correlate ``c`` close to 1: ``c`` is
   compared with its permutation distribution (group labels shuffled), and invariance
   holds when ``c`` is not below the 5% quantile;
3. equal means and variances -- the pooled-model scores have the same mean and
   log-variance in both groups (permutation intervals and p-values).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._result import Result

__all__ = ["MICOMResult", "compositional", "mean_variance"]


def compositional(w1: np.ndarray, w2: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``cor(X w1_k, X w2_k)`` per construct on the pooled data (covariance ``s``):
    ``w1' S w2 / sqrt(w1' S w1 w2' S w2)``; weights (B, p, K), result (B, K)."""
    a = np.einsum("bpk,pq,bqk->bk", w1, s, w2)
    v1 = np.einsum("bpk,pq,bqk->bk", w1, s, w1)
    v2 = np.einsum("bpk,pq,bqk->bk", w2, s, w2)
    return a / np.sqrt(v1 * v2)


def mean_variance(scores: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean difference and log-variance difference (group 1 minus group 2) of the
    pooled scores (n, K) for each split (rows of ``members``: group 1)."""
    out = []
    for m in (members, ~members):
        w = m.astype(float)
        count = w.sum(axis=1)[:, None]
        mean = (w @ scores) / count
        var = ((w @ scores**2) - count * mean**2) / (count - 1)
        out.append((mean, np.log(var)))
    return out[0][0] - out[1][0], out[0][1] - out[1][1]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class MICOMResult(Result):
    """What :func:`cxresearch.micom` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per construct: ``construct``; step 2: ``c`` (the compositional
        correlation), ``c_q05`` (5% quantile of its permutation distribution),
        ``c_p_value`` (share of permutations with a ``c`` as low, one-sided),
        ``compositional`` (``c >= c_q05``); step 3: ``mean_diff`` (group 1 minus
        group 2, pooled standardized scores), ``mean_ci_low``, ``mean_ci_high``
        (the 2.5% and 97.5% permutation quantiles), ``mean_p_value``;
        ``log_var_diff``, ``var_ci_low``, ``var_ci_high``, ``var_p_value``;
        ``invariance`` (``"full"``: compositional and equal means and variances --
        pool the groups; ``"partial"``: compositional only -- compare paths with
        :func:`cxresearch.pls_mga`; ``"none"``).
    by : str
    levels : tuple
    n_1, n_2, n_perm : int
    """

    by: object
    levels: tuple
    n_1: int
    n_2: int
    n_perm: int

    _title = "MICOM: measurement invariance of composites (Henseler et al. 2016)"
