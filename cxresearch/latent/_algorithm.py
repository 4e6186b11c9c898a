"""The PLS-PM algorithm on stacks of item covariance matrices (private).

Shared by :mod:`cxresearch.latent` (one fit, the bootstrap, the permutation test).
Everything is a function of the items' covariance (correlation) matrix ``S``, so a
stack of matrices -- one per resample -- is fitted at once: each array below has a
leading "stack" axis ``B``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import _measures
from ..errors import ConvergenceError
from . import _plsc
from .syntax import ModelSpec

__all__ = [
    "CHUNK_CELLS",
    "SINGULAR_TOL",
    "Structure",
    "cov_stack",
    "estimates",
    "htmt_stack",
    "iterate",
    "not_converged",
    "singular",
    "unit_variance",
]

CHUNK_CELLS = 4_000_000  # resamples x rows x items held in memory at once
#: A system the algorithm solves (a composite's items, a construct's predecessors) is
#: singular when the smallest eigenvalue of its correlation matrix is at or below this
#: (exactly collinear items or scores: the weights or paths are not determined).
SINGULAR_TOL = 1e-10


@dataclasses.dataclass(frozen=True)
class Structure:
    """The model as index arrays: items x constructs mask, modes, paths."""

    items: tuple[str, ...]
    constructs: tuple[str, ...]
    mask: np.ndarray  # (p, K) bool
    mode_b: tuple[int, ...]
    paths: tuple[tuple[int, int], ...]  # (from, to) construct indices
    endogenous: tuple[int, ...]
    predecessors: tuple[tuple[int, ...], ...]  # per endogenous construct
    consistent: tuple[int, ...] = ()  # constructs corrected by PLSc (reflective ones)
    interactions: tuple[int, ...] = ()  # interaction terms "A:B" of constructs A and B

    @classmethod
    def from_spec(
        cls, spec: ModelSpec, paths=None, consistent: bool = False, items=None
    ) -> Structure:
        """The structure of ``spec``; ``items`` (optional, a superset of the model's
        items in column order) gives rows to columns that measure no construct."""
        names = spec.construct_names
        items = spec.items if items is None else tuple(items)
        mask = np.zeros((len(items), len(names)), dtype=bool)
        for k, c in enumerate(spec.constructs):
            for item in c.items:
                mask[items.index(item), k] = True
        pairs = spec.paths if paths is None else paths
        idx = tuple((names.index(a), names.index(b)) for a, b in pairs)
        endo = tuple(k for k in range(len(names)) if any(t == k for _, t in idx))
        preds = tuple(tuple(f for f, t in idx if t == k) for k in endo)
        mode_b = tuple(k for k, c in enumerate(spec.constructs) if c.mode == "B")
        inter = tuple(
            k
            for k, n in enumerate(names)
            if n.count(":") == 1 and all(part in names for part in n.split(":"))
        )
        plsc = (  # not a composite, nor an interaction term (rho_A 1, as seminr)
            tuple(k for k in range(len(names)) if k not in mode_b and k not in inter)
            if consistent
            else ()
        )
        return cls(items, names, mask, mode_b, idx, endo, preds, plsc, inter)

    @property
    def path_matrix(self) -> np.ndarray:
        out = np.zeros((len(self.constructs),) * 2)
        for f, t in self.paths:
            out[f, t] = 1.0
        return out

    def block(self, k: int) -> np.ndarray:
        return np.flatnonzero(self.mask[:, k])

    def entries(self, k: int) -> np.ndarray:
        """Where construct ``k``'s loadings sit in the per-(item, construct) arrays
        (``loadings``, ``weights``: the True cells of ``mask`` in row-major order; the
        same as :meth:`block` unless an item measures two constructs)."""
        return np.flatnonzero(np.argwhere(self.mask)[:, 1] == k)

    def without_path(self, path: tuple[int, int]) -> Structure:
        paths = tuple(p for p in self.paths if p != path)
        endo = tuple(k for k in range(len(self.constructs)) if any(t == k for _, t in paths))
        preds = tuple(tuple(f for f, t in paths if t == k) for k in endo)
        return dataclasses.replace(self, paths=paths, endogenous=endo, predecessors=preds)


# ----------------------------------------------------------------------- the algorithm


def unit_variance(s: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Rescale each column of ``w`` so the score ``x @ w`` has variance 1."""
    var = np.einsum("bpk,bpk->bk", w, s @ w)
    return w / np.sqrt(var)[:, None, :]


def singular(a: np.ndarray) -> np.ndarray:
    """Which matrices of the stack ``a`` (B x k x k, symmetric) are singular.

    Judged on the correlation matrix (``a`` scaled by its diagonal), so the units do not
    matter: smallest eigenvalue at or below :data:`SINGULAR_TOL`, or a variance that is
    not positive, or a value that is not finite.
    """
    d = np.diagonal(a, axis1=1, axis2=2)
    finite = np.isfinite(a).all(axis=(1, 2)) & (d > 0).all(axis=1)
    out = ~finite
    if a.shape[1] > 1 and finite.any():
        sd = np.sqrt(d[finite])
        corr = a[finite] / (sd[:, :, None] * sd[:, None, :])
        out[np.flatnonzero(finite)] = np.linalg.eigvalsh(corr)[:, 0] <= SINGULAR_TOL
    return out


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Batched ``solve(a, b)`` for a stack of square systems and right-hand vectors.

    A singular system (:func:`singular`) gets NaN: its solution is not determined, and
    the NaN marks the fit (the resample) as failed instead of giving arbitrary numbers.
    """
    bad = singular(a)
    if not bad.any():
        return np.linalg.solve(a, b[..., None])[..., 0]
    out = np.full(b.shape, np.nan)
    ok = ~bad
    if ok.any():
        out[ok] = np.linalg.solve(a[ok], b[ok][..., None])[..., 0]
    return out


def _inner_weights(c: np.ndarray, st: Structure, scheme: str) -> np.ndarray:
    """The inner weights ``E`` (K x K) from the score correlations ``c`` (B x K x K).

    Construct ``k``'s inner proxy is ``sum_i Y_i E[i, k]``. Path weighting
    (Lohmoeller 1989): a predecessor enters with its regression coefficient, a
    successor with its correlation. Centroid: the sign of the correlation with every
    neighbour. Factorial: the correlation with every neighbour.
    """
    p = st.path_matrix
    adjacent = p + p.T
    if scheme == "centroid":
        e = np.sign(c) * adjacent
    elif scheme == "factorial":
        e = c * adjacent
    else:
        e = c * p.T  # e[target, source] = correlation
        for k, preds in zip(st.endogenous, st.predecessors, strict=True):
            pr = list(preds)
            e[:, pr, k] = _solve(c[:, pr][:, :, pr], c[:, pr, k])
    lonely = np.flatnonzero(adjacent.sum(axis=0) == 0)  # only in f-squared's reduced models
    e[:, lonely, lonely] = 1.0
    return e


def _update(s: np.ndarray, w: np.ndarray, st: Structure, scheme: str) -> np.ndarray:
    """One outer-weight update: scores, inner proxies, mode A/B weights, rescaled."""
    sw = s @ w
    sd = np.sqrt(np.einsum("bpk,bpk->bk", w, sw))[:, None, :]
    wn, swn = w / sd, sw / sd
    c = np.swapaxes(wn, 1, 2) @ swn
    g = swn @ _inner_weights(c, st, scheme)  # covariances of the items with the proxies
    raw = g * st.mask
    for k in st.mode_b:
        b = st.block(k)
        raw[:, b, k] = _solve(s[:, b][:, :, b], g[:, b, k])
    return unit_variance(s, raw)


def iterate(s: np.ndarray, st: Structure, scheme: str, max_iter: int, tol: float):
    """Outer weights of every matrix in the stack ``s`` (B x p x p).

    Each matrix stops on its own, when the summed absolute change of its weights
    drops below ``tol`` (so a stack gives the same weights as one matrix at a time).
    Returns the weights (B, p, K), the iterations, the last change and convergence. A
    matrix whose weights stop being finite (a singular composite block or set of
    predecessors, see :func:`singular`) stops there, unconverged, with change NaN.
    """
    n_stack = s.shape[0]
    w = np.broadcast_to(st.mask.astype(float), (n_stack, *st.mask.shape)).copy()
    change = np.full(n_stack, np.inf)
    iterations = np.zeros(n_stack, dtype=int)
    active = np.arange(n_stack)
    for it in range(1, max_iter + 1):
        with np.errstate(invalid="ignore"):  # a singular system: NaN weights, stopped below
            new = _update(s[active], w[active], st, scheme)
        step = np.abs(new - w[active]).sum(axis=(1, 2))
        w[active], change[active], iterations[active] = new, step, it
        active = active[~(step < tol) & np.isfinite(step)]  # NaN: failed, not iterated on
        if not active.size:
            break
    return w, iterations, change, change < tol


def estimates(s: np.ndarray, w: np.ndarray, st: Structure, item_sd=None) -> dict[str, np.ndarray]:
    """Loadings, weights, construct correlations, paths, R-squared and effects of a stack.

    With PLSc (``st.consistent``) the score correlations are corrected by rho_A
    before the paths are estimated (``scores_cor``; the uncorrected ones are
    ``raw_cor``), and the reflective constructs get consistent loadings.

    An interaction term (a construct named ``A:B``) enters the regressions with its
    score rescaled to the loading-weighted mean SD of its generated items (Henseler &
    Chin 2010, as seminr): ``item_sd`` (B, p) are the items' SDs before
    standardization; without it, and under PLSc (whose corrected correlations seminr
    takes as they are), the scores are used as they are.
    """
    w = unit_variance(s, w)
    sw = s @ w
    c = np.swapaxes(w, 1, 2) @ sw
    sd_items = np.sqrt(np.diagonal(s, axis1=1, axis2=2))
    loadings = (sw / sd_items[:, :, None])[:, st.mask]  # item order, one per item
    n_stack, k = s.shape[0], len(st.constructs)
    rho = np.ones((n_stack, k))
    raw = c
    if st.consistent:
        blocks = [(j, st.block(j)) for j in st.consistent]
        rho[:, list(st.consistent)] = _plsc.rho_a_stack(s, w, blocks)
        c = _plsc.correct(c, rho)
        loadings = loadings.copy()
        for j, b in blocks:
            loadings[:, st.entries(j)] = _plsc.consistent_loadings(s, w, j, b, rho[:, j])
    beta = np.zeros((n_stack, k, k))
    r2 = np.zeros((n_stack, len(st.endogenous)))
    cp = _interaction_scale(c, loadings, st, item_sd)
    for j, (t, preds) in enumerate(zip(st.endogenous, st.predecessors, strict=True)):
        pr = list(preds)
        b = _solve(cp[:, pr][:, :, pr], cp[:, pr, t])
        beta[:, pr, t] = b
        r2[:, j] = np.einsum("bi,bi->b", b, cp[:, pr, t])
    total = np.linalg.inv(np.eye(k) - beta) - np.eye(k)
    return {
        "weights": w[:, st.mask],
        "loadings": loadings,
        "scores_cor": c,
        "raw_cor": raw,
        "rho_a": rho,
        "beta": beta,
        "r_squared": r2,
        "total": total,
    }


def _interaction_scale(c, loadings, st: Structure, item_sd) -> np.ndarray:
    """The construct covariances the paths are estimated from: ``c`` with each
    interaction term's score scaled by ``sum(sd_i |l_i|) / sum(|l_i|)`` over its items."""
    inter = st.interactions
    if not inter or item_sd is None or st.consistent:  # PLSc: correlations (as seminr)
        return c
    scale = np.ones(c.shape[:2])
    for k in inter:
        b = st.block(k)
        lam = np.abs(loadings[:, st.entries(k)])
        scale[:, k] = (item_sd[:, b] * lam).sum(axis=1) / lam.sum(axis=1)
    return c * scale[:, :, None] * scale[:, None, :]


def htmt_stack(s: np.ndarray, st: Structure) -> np.ndarray:
    """HTMT of every construct pair (i < j) for a stack of item covariance matrices."""
    sd = np.sqrt(np.diagonal(s, axis1=1, axis2=2))
    r = s / (sd[:, :, None] * sd[:, None, :])
    return _measures.htmt(r, [st.block(k) for k in range(len(st.constructs))])


# --------------------------------------------------------------------------- the data


def cov_stack(
    x: np.ndarray, idx: np.ndarray, scaled: bool, augment=None, row_weights=None
) -> tuple[np.ndarray, np.ndarray]:
    """Item covariance (``scaled``: correlation) matrices of the rows ``x[idx[b]]``.

    Missing cells (NaN) are replaced by the mean of the observed values among the
    same rows (mean replacement inside each resample, as seminr does). ``augment``
    (optional) maps each stack of row sets (B, m, p) to (B, m, p + q), appending
    generated items (interaction terms) after the missing values are filled. Returns
    the matrices and the item variances before scaling (to spot a resample that lost
    an item's variation). ``row_weights`` (n,), optional: survey weights, the
    covariances weighted (frequency weights: ``sum w (x - m)(y - m) / (sum w - 1)``).
    """
    m = idx.shape[1]
    width = x.shape[1] + (augment.n_generated if augment is not None else 0)
    chunk = max(1, CHUNK_CELLS // (m * width))
    out, variances = [], []
    for start in range(0, idx.shape[0], chunk):
        xb = x[idx[start : start + chunk]]
        miss = np.isnan(xb)
        if miss.any():
            count = (~miss).sum(axis=1)
            total = np.where(miss, 0.0, xb).sum(axis=1)
            mean = np.divide(total, count, out=np.zeros_like(total), where=count > 0)
            xb = np.where(miss, mean[:, None, :], xb)
        if augment is not None:
            xb = augment(xb)
        if row_weights is None:
            xc = xb - xb.mean(axis=1, keepdims=True)
            cov = np.swapaxes(xc, 1, 2) @ xc / (m - 1)
        else:
            wb = row_weights[idx[start : start + chunk]][:, :, None]
            total = wb.sum(axis=1, keepdims=True)
            xc = xb - (wb * xb).sum(axis=1, keepdims=True) / total
            cov = np.swapaxes(xc * wb, 1, 2) @ xc / (total - 1)
        var = np.diagonal(cov, axis1=1, axis2=2).copy()
        if scaled:
            sd = np.sqrt(np.where(var > 0, var, 1.0))
            cov = cov / (sd[:, :, None] * sd[:, None, :])
        out.append(cov)
        variances.append(var)
    return np.concatenate(out), np.concatenate(variances)


def not_converged(max_iter: int, change: float, tol: float, what: str = "PLS") -> ConvergenceError:
    return ConvergenceError(
        f"{what} did not converge: after max_iter={max_iter} iterations the outer weights "
        f"still changed by {change:.3g} in the last one (tol={tol:g}). Raise max_iter, "
        f"loosen tol, or check the model (e.g. a composite with nearly collinear items)."
    )
