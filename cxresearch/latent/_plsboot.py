"""Specific indirect effects and bootstrap sign changes of PLS path models (private).

* :func:`routes` lists every route of two or more paths from one construct to another
  (its specific indirect effect is the product of the paths along it);
* :func:`construct_signs` and :func:`individual_signs` are the two sign-change options
  of the bootstrap (Tenenhaus et al. 2005, section 3.4): a construct's orientation is
  arbitrary (``-w`` fits as well as ``w``), so a resample may come out mirrored.

Everything works on stacks (one row per resample), as the rest of the bootstrap.
"""

from __future__ import annotations

import numpy as np

SIGN_CHANGES = ("none", "construct", "individual")

__all__ = ["SIGN_CHANGES", "construct_signs", "individual_signs", "route_label", "routes"]


def routes(paths, k: int) -> list[tuple[int, ...]]:
    """Every directed route of at least two paths (construct indices, source first).

    ``paths`` are (from, to) pairs of an acyclic model with ``k`` constructs; the
    routes come ordered by source, then target, then the mediators in model order.
    """
    succ: dict[int, list[int]] = {a: [] for a in range(k)}
    for a, b in paths:
        succ[a].append(b)
    found: list[tuple[int, ...]] = []

    def walk(route: tuple[int, ...]) -> None:
        for nxt in succ[route[-1]]:
            longer = (*route, nxt)
            if len(longer) > 2:
                found.append(longer)
            walk(longer)

    for a in range(k):
        walk((a,))
    return sorted(found, key=lambda r: (r[0], r[-1], r))


def route_label(route: tuple[int, ...], names) -> str:
    """``"COMP -> CUSA -> CUSL"``: the route in the order of its paths."""
    return " -> ".join(names[i] for i in route)


def route_products(beta: np.ndarray, found: list[tuple[int, ...]]) -> list[np.ndarray]:
    """The specific indirect effect of each route: the product of its paths (per fit)."""
    out = []
    for route in found:
        prod = np.ones(beta.shape[0])
        for a, b in zip(route[:-1], route[1:], strict=True):
            prod = prod * beta[:, a, b]
        out.append(prod)
    return out


def construct_signs(loadings: np.ndarray, reference: np.ndarray, owner: np.ndarray, k: int):
    """Construct-level sign changes: -1 for a construct whose resampled loadings are
    closer to the mirror image of the original ones, else +1; shape (B, K).

    A construct is reversed when ``sum |l_orig - l_boot| > sum |l_orig + l_boot|``
    over its items (Tenenhaus et al. 2005). ``loadings`` (B, p) and ``reference``
    (p,) are in item order; ``owner[i]`` is the construct of item ``i``.
    """
    same = np.abs(reference - loadings)
    mirror = np.abs(reference + loadings)
    signs = np.ones((loadings.shape[0], k))
    for j in range(k):
        items = owner == j
        flip = same[:, items].sum(axis=1) > mirror[:, items].sum(axis=1)
        signs[flip, j] = -1.0
    return signs


def individual_signs(stats: np.ndarray, reference: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Individual sign changes: each statistic given the sign of its original estimate.

    ``stats`` (B, m); ``reference`` (m,) the original estimates; only the columns
    flagged in ``free`` change (the others, e.g. HTMT, are kept as they are). An
    original estimate of exactly 0 leaves its column unchanged.
    """
    sign = np.sign(reference)
    change = free & (sign != 0)
    out = stats.copy()
    out[:, change] = np.abs(stats[:, change]) * sign[change]
    return out
