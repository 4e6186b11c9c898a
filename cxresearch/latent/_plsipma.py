"""Importance-performance map analysis of a PLS path model (IPMA; private).

Ringle & Sarstedt (2016): the items are rescaled to 0-100, each construct's score is
the weighted mean of its rescaled items with the weights made unstandardized and
summing to 1, and

* *performance* is the mean rescaled score of a construct (or item);
* *importance* is the unstandardized total effect on the target construct -- how
  many points the target gains when the construct gains one point -- and, for an
  item, its rescaled weight times its construct's importance.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .._result import Result

__all__ = ["PLSIPMAResult", "rescaled"]


def rescaled(x: np.ndarray, scale) -> np.ndarray:
    """Items rescaled to 0-100 by the scale's end points (``scale=(low, high)``) or,
    with ``scale=None``, each item's observed minimum and maximum."""
    low = x.min(axis=0) if scale is None else np.full(x.shape[1], float(scale[0]))
    high = x.max(axis=0) if scale is None else np.full(x.shape[1], float(scale[1]))
    return (x - low) / (high - low) * 100


def ipma(x, w_std, mask, beta_std, constructs, items, outcome: int, scale) -> dict:
    """Construct and item tables of the IPMA (see the module docstring).

    ``x`` (n, p) the items, ``w_std`` (p, K) the weights of the standardized items,
    ``beta_std`` (K, K) the standardized paths (``beta[from, to]``).
    """
    xr = rescaled(x, scale)
    w_raw = np.where(mask, w_std / x.std(axis=0, ddof=1)[:, None], 0.0)
    w_resc = w_raw / w_raw.sum(axis=0)
    lv = xr @ w_resc
    sd = lv.std(axis=0, ddof=1)
    beta = beta_std * sd[None, :] / sd[:, None]  # unstandardized paths
    k = len(constructs)
    total = np.linalg.inv(np.eye(k) - beta) - np.eye(k)
    drivers = [j for j in range(k) if j != outcome and total[j, outcome] != 0]
    table = pd.DataFrame(
        {
            "construct": [constructs[j] for j in drivers],
            "importance": [total[j, outcome] for j in drivers],
            "performance": [lv[:, j].mean() for j in drivers],
        }
    )
    owner = np.argmax(mask, axis=1)
    rows = [i for i in range(len(items)) if owner[i] in drivers]
    item_table = pd.DataFrame(
        {
            "construct": [constructs[owner[i]] for i in rows],
            "item": [items[i] for i in rows],
            "rescaled_weight": [w_resc[i, owner[i]] for i in rows],
            "importance": [w_resc[i, owner[i]] * total[owner[i], outcome] for i in rows],
            "performance": [xr[:, i].mean() for i in rows],
        }
    )
    return {"table": table, "items": item_table, "target_performance": lv[:, outcome].mean()}


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class PLSIPMAResult(Result):
    """What :meth:`cxresearch.latent.PLSResult.ipma` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per construct with a total effect on the target: ``construct``,
        ``importance`` (unstandardized total effect: target points per point of the
        construct, both on 0-100), ``performance`` (mean rescaled score, 0-100).
    items : pandas.DataFrame
        One row per item of those constructs: ``construct``, ``item``,
        ``rescaled_weight`` (its share of the construct's score), ``importance``
        (rescaled weight times the construct's importance), ``performance`` (mean
        rescaled answer, 0-100).
    outcome : str
        The target construct.
    target_performance : float
        The target's mean rescaled score.
    scale : tuple or None
        The scale's end points used to rescale the items (None: each item's observed
        minimum and maximum).
    """

    items: pd.DataFrame
    outcome: str
    target_performance: float
    scale: tuple | None

    _title = "Importance-performance map analysis (IPMA) of a PLS path model"
