"""PLSpredict (Shmueli et al. 2016, 2019): cross-validated predictions (private).

The rows are shuffled and cut into ``k`` folds (as R's ``cut(seq_len(n), k)`` over the
shuffled order, seminr's assignment); the model is fitted on each fold's training
rows -- every fold of every repetition at once, as one stack of correlation matrices
-- and predicts the held-out rows: their standardized items times the training
weights give the scores, the paths predict the endogenous scores (direct or earliest
antecedents), the loadings turn those back into items. The linear-model benchmark
regresses each endogenous item on the items of the predicting constructs; the naive
benchmark predicts the training mean (for Q^2_predict).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .._result import Result
from . import _algorithm as pls_

TECHNIQUES = ("direct", "earliest")

__all__ = ["TECHNIQUES", "PLSPredictResult", "fold_ids", "run"]


def fold_ids(n: int, k: int) -> np.ndarray:
    """Fold (0 to k-1) of each position 1..n, as R's ``cut(seq_len(n), breaks=k)``."""
    fuzz = (n - 1) / 1000
    breaks = 1 + np.arange(k + 1) * (n - 1) / k
    breaks[0], breaks[-1] = 1 - fuzz, n + fuzz
    return np.searchsorted(breaks, np.arange(1, n + 1), side="left") - 1


def _members(orders: list[np.ndarray], n: int, k: int) -> np.ndarray:
    """Training-row masks (R * k, n): row ``i`` is held out in fold f of repetition r."""
    folds = fold_ids(n, k)
    out = np.ones((len(orders) * k, n), dtype=bool)
    for r, order in enumerate(orders):
        fold_of_row = np.empty(n, dtype=int)
        fold_of_row[order] = folds
        for f in range(k):
            out[r * k + f, fold_of_row == f] = False
    return out


def _fold_stats(x: np.ndarray, members: np.ndarray):
    """Training means, SDs (ddof 1), covariance and correlation matrices of each fold."""
    m = members.astype(float)
    count = m.sum(axis=1)
    mean = (m @ x) / count[:, None]
    xc = x[None, :, :] - mean[:, None, :]
    cov = np.einsum("fn,fni,fnj->fij", m, xc, xc) / (count - 1)[:, None, None]
    sd = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    return mean, sd, cov, cov / (sd[:, :, None] * sd[:, None, :])


def _order(st: pls_.Structure) -> list[int]:
    """Endogenous constructs in an order where every predecessor comes first."""
    done = {k for k in range(len(st.constructs)) if k not in st.endogenous}
    order: list[int] = []
    while len(order) < len(st.endogenous):
        for t, preds in zip(st.endogenous, st.predecessors, strict=True):
            if t not in done and all(p in done for p in preds):
                order.append(t)
                done.add(t)
    return order


def _predict_scores(y: np.ndarray, beta: np.ndarray, st: pls_.Structure, technique: str):
    """Predicted construct scores of held-out rows from their measured scores ``y``."""
    exo = [k for k in range(len(st.constructs)) if k not in st.endogenous]
    if technique == "direct":
        out = y @ beta
        out[:, exo] = y[:, exo]
        return out
    out = np.zeros_like(y)
    out[:, exo] = y[:, exo]
    for t in _order(st):
        out[:, t] = out @ beta[:, t]
    return out


def _lm(x, test, mean, cov, st: pls_.Structure, technique: str, targets):
    """Linear-model benchmark: each endogenous item on the items of its predictors."""
    exo = [k for k in range(len(st.constructs)) if k not in st.endogenous]
    out = np.empty((test.size, len(targets)))
    col = 0
    for t, preds in zip(st.endogenous, st.predecessors, strict=True):
        sources = preds if technique == "direct" else exo
        xi = np.concatenate([st.block(k) for k in sources])
        yi = st.block(t)
        b = np.linalg.solve(cov[np.ix_(xi, xi)], cov[np.ix_(xi, yi)])
        out[:, col : col + yi.size] = mean[yi] + (x[np.ix_(test, xi)] - mean[xi]) @ b
        col += yi.size
    return out


def run(x: np.ndarray, st: pls_.Structure, settings: dict, orders: list[np.ndarray], k: int):
    """Out-of-sample predictions of the endogenous items, averaged over the repetitions.

    Returns the PLS, LM and naive (training mean) predictions, each (n, q) with ``q``
    the endogenous items in model order.
    """
    n = x.shape[0]
    members = _members(orders, n, k)
    mean, sd, cov, cor = _fold_stats(x, members)
    s = cor if settings["standardized"] else cov
    w, _, change, conv = pls_.iterate(
        s, st, settings["scheme"], settings["max_iter"], settings["tol"]
    )
    if not conv.all():
        f = int(np.flatnonzero(~conv)[0])
        raise pls_.not_converged(
            settings["max_iter"], float(change[f]), settings["tol"],
            f"The PLS fit of fold {f % k + 1} (repetition {f // k + 1})",
        )  # fmt: skip
    w = pls_.unit_variance(s, w)
    est = pls_.estimates(s, w, st)
    lam = np.zeros((len(members), *st.mask.shape))
    lam[:, st.mask] = est["loadings"]
    targets = np.concatenate([st.block(t) for t in st.endogenous])
    pls = np.zeros((len(orders), n, targets.size))
    lm, naive = np.zeros_like(pls), np.zeros_like(pls)
    for f in range(len(members)):
        test = np.flatnonzero(~members[f])
        scale = sd[f] if settings["standardized"] else np.ones_like(sd[f])
        y = ((x[test] - mean[f]) / scale) @ w[f]
        pred = _predict_scores(y, est["beta"][f], st, settings["technique"])
        items = (pred @ lam[f].T) * sd[f] + mean[f]
        pls[f // k, test] = items[:, targets]
        lm[f // k, test] = _lm(x, test, mean[f], cov[f], st, settings["technique"], targets)
        naive[f // k, test] = mean[f, targets]
    return pls.mean(axis=0), lm.mean(axis=0), naive.mean(axis=0), pls


def metrics(y: np.ndarray, pls: np.ndarray, lm: np.ndarray, naive: np.ndarray) -> dict:
    """Q^2_predict, RMSE and MAE per item for PLS, RMSE and MAE for the LM benchmark."""
    sse = ((y - pls) ** 2).sum(axis=0)
    return {
        "q2_predict": 1 - sse / ((y - naive) ** 2).sum(axis=0),
        "pls_rmse": np.sqrt(((y - pls) ** 2).mean(axis=0)),
        "pls_mae": np.abs(y - pls).mean(axis=0),
        "lm_rmse": np.sqrt(((y - lm) ** 2).mean(axis=0)),
        "lm_mae": np.abs(y - lm).mean(axis=0),
    }


def verdict(table: pd.DataFrame) -> str:
    """Shmueli et al. (2019)'s reading of the RMSE comparison with the LM benchmark."""
    if (table["q2_predict"] <= 0).any():
        return "none (an item's Q2_predict is not above 0: the mean predicts it as well)"
    better = int((table["pls_rmse"] < table["lm_rmse"]).sum())
    q = len(table)
    if better == q:
        return "high (PLS beats LM on every item)"
    if better == 0:
        return "none (PLS beats LM on no item)"
    if better >= q / 2:
        return f"medium (PLS beats LM on {better} of {q} items)"
    return f"low (PLS beats LM on {better} of {q} items)"


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class PLSPredictResult(Result):
    """What :meth:`cxresearch.latent.PLSResult.predict` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per item of an endogenous construct: ``construct``, ``item``,
        ``q2_predict`` (1 - the PLS squared error over that of the training mean),
        ``pls_rmse``, ``pls_mae``, ``lm_rmse``, ``lm_mae`` (the linear-model
        benchmark), ``pls_better`` (``pls_rmse < lm_rmse``).
    predictions : pandas.DataFrame
        Out-of-sample predictions, one row per respondent (indexed as the fit's
        rows), columns ``pls: ITEM`` and ``lm: ITEM`` (averaged over the repetitions).
    predictive_power : str
        Shmueli et al. (2019)'s reading: ``high``, ``medium``, ``low`` or ``none``
        with the count behind it.
    n_folds, n_repeats : int
    technique : str
        ``"direct"`` or ``"earliest"`` antecedents.
    """

    predictions: pd.DataFrame = dataclasses.field(repr=False, metadata={"export": False})
    predictive_power: str
    n_folds: int
    n_repeats: int
    technique: str

    _title = "PLSpredict: cross-validated predictions of the endogenous items"
