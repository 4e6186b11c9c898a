"""The nonparametric bootstrap of :mod:`cxresearch.mediation`, :mod:`cxresearch.keydrivers`
and the PLS models (:mod:`cxresearch.latent.plspm`).

Private helpers (the public API is what ``cxresearch/__init__.py`` exports):

* :func:`resampled_cross_products` -- the cross-product matrices :math:`Z' F Z` of
  ``n_boot`` resamples of the rows of :math:`Z = [1, z]` from one matrix product per
  chunk, with every *degenerate* resample (one that loses a column's variation, or
  in which the predictors become collinear) redrawn from the same seeded stream;
* :func:`redraw_degenerate` -- the one redraw loop (used by the above and by the PLS
  bootstrap), and :func:`constant_columns` -- statistics that are the same in every
  resample (SE 0, no test statistic);
* :func:`check_rows` -- refuse a bootstrap on so few rows that resamples routinely
  cannot identify the model;
* :func:`interval` and :func:`percentile_columns` -- percentile, bias-corrected (BC)
  and bias-corrected and accelerated (BCa) intervals.

Why redraw. With a rare category (a 0/1 driver that is 1 for three customers out of
forty) about one resample in ten contains no 1 at all: the driver is constant there,
its correlations are 0/0, and the statistic is NaN or, worse, computed from rounding
noise. Such a resample estimates nothing. It is redrawn (the result reports how many
were), so the bootstrap distribution is that of the resamples in which every column
varies -- the usual conditional remedy (Davison & Hinkley 1997, sec. 3.8). When more
resamples are degenerate than valid, the data cannot support a bootstrap and a
``ValueError`` names the column.

References
----------
Davison, A. C., & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
Cambridge University Press.

Efron, B. (1987). Better bootstrap confidence intervals. *Journal of the American
Statistical Association*, 82(397), 171-185.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np

from . import _validate as v

__all__ = [
    "CONSTANT_TOL",
    "MAX_DEGENERATE_SHARE",
    "VARIANCE_TOL",
    "check_rows",
    "constant_columns",
    "degenerate",
    "interval",
    "min_rows",
    "percentile_columns",
    "redraw_degenerate",
    "resampled_cross_products",
]

# resamples x rows held in memory at once: each chunk reads the n x r(r+1)/2 products once,
# so larger chunks read them less often (16M: 0.4 GB of indices and counts at a time)
CHUNK_CELLS = 16_000_000
VARIANCE_TOL = 1e-8  # resampled variance / full-sample variance at or below: variation lost
EIGENVALUE_TOL = 1e-10  # smallest eigenvalue of the predictors' correlation matrix
MAX_DEGENERATE_SHARE = 0.5  # more degenerate than valid resamples: refuse
ROWS_SHARE = 0.01  # check_rows: at most this share of resamples may lack distinct rows
CONSTANT_TOL = (
    1e-12  # range of a statistic's resampled values / max(1, |estimate|) at or below: constant
)


def _covariances(gram: np.ndarray) -> np.ndarray:
    """Covariance matrices of the columns after the first, from stacks of :math:`Z'FZ`.

    ``Z`` has a column of ones first, so ``gram[:, 0, 0]`` is the total weight.
    """
    weight = gram[:, 0, 0]
    mean = gram[:, 0, 1:] / weight[:, None]
    return gram[:, 1:, 1:] / weight[:, None, None] - mean[:, :, None] * mean[:, None, :]


def degenerate(
    gram: np.ndarray, full_var: np.ndarray, predictors: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Which matrices of a stack of :math:`Z'FZ` come from a degenerate resample.

    Parameters
    ----------
    gram : array of shape (B, r, r)
        Cross products of ``[1, z]`` (the ones first).
    full_var : array of shape (r - 1,)
        The variances of the columns of ``z`` in the original rows.
    predictors : sequence of int
        Indices into the columns of ``z`` whose correlation matrix must stay
        non-singular (the regressors).

    Returns
    -------
    bad : bool array of shape (B,)
        A column lost its variation (variance at most ``VARIANCE_TOL`` times the
        original) or the predictors are collinear (smallest eigenvalue of their
        correlation matrix below ``EIGENVALUE_TOL``, the tolerance of the full-sample
        checks).
    lost : bool array of shape (B, r - 1)
        Which columns lost their variation.
    """
    cov = _covariances(gram)
    var = np.einsum("bii->bi", cov)
    lost = var <= VARIANCE_TOL * np.asarray(full_var)[None, :]
    bad = lost.any(axis=1)
    idx = np.asarray(predictors)
    ok = ~bad
    if idx.size > 1 and ok.any():
        sub = cov[ok][:, idx[:, None], idx[None, :]]
        sd = np.sqrt(np.einsum("bii->bi", sub))
        corr = sub / sd[:, :, None] / sd[:, None, :]
        smallest = np.linalg.eigvalsh(corr)[:, 0]
        bad[np.flatnonzero(ok)[smallest < EIGENVALUE_TOL]] = True
    return bad, lost


def _products(z: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """The upper-triangle cross products of each row, :math:`w_i z_{ij} z_{ik}` (n x r(r+1)/2)."""
    iu, ju = np.triu_indices(z.shape[1])
    products = z[:, iu] * z[:, ju]
    return products if weights is None else products * weights[:, None]


def _grams(products: np.ndarray, counts: np.ndarray, r: int) -> np.ndarray:
    """:math:`Z' \\operatorname{diag}(f) Z` for each row ``f`` of ``counts`` (one product)."""
    iu, ju = np.triu_indices(r)
    tri = counts.astype(float) @ products
    gram = np.empty((counts.shape[0], r, r))
    gram[:, iu, ju] = tri
    gram[:, ju, iu] = tri
    return gram


def _draw(
    z: np.ndarray, size: int, rng: np.random.Generator, weights: np.ndarray | None = None
) -> np.ndarray:
    """Cross products of ``size`` fresh resamples, drawn in memory-bounded chunks.

    Each resample draws ``n`` row indices with replacement (``rng.integers``); its
    row counts ``f`` give ``Z' diag(f) Z`` (``Z' diag(f w) Z`` with survey weights:
    a resampled row carries its weight). The rows' cross products are formed once and
    shared by every chunk.
    """
    n, r = z.shape
    products = _products(z, weights)
    chunk = max(1, min(size, CHUNK_CELLS // n))
    offsets = np.arange(chunk)[:, None] * n
    out = []
    for start in range(0, size, chunk):
        m = min(chunk, size - start)
        idx = rng.integers(0, n, size=(m, n))
        idx += offsets[:m]
        counts = np.bincount(idx.ravel(), minlength=m * n).reshape(m, n)
        del idx
        out.append(_grams(products, counts, r))
    return np.concatenate(out, axis=0)


def resampled_cross_products(
    z: np.ndarray,
    n_boot: int,
    rng: np.random.Generator,
    *,
    names: Sequence[Hashable],
    predictors: Sequence[int],
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """Cross products :math:`Z'FZ` of ``n_boot`` valid bootstrap resamples of the rows of ``z``.

    Parameters
    ----------
    z : array of shape (n, r)
        The data with a column of ones first (``[1, x_1, ..., y]``).
    n_boot : int
        Resamples wanted.
    rng : numpy.random.Generator
        The stream all resamples are drawn from (first the ``n_boot`` resamples, in
        order, then the redraws of the degenerate ones), so a seed gives the same
        result every time, and the same result as before whenever no resample is
        degenerate.
    names : sequence
        Names of the columns of ``z`` after the ones, for the error message.
    predictors : sequence of int
        Indices into those columns that must stay non-collinear (see
        :func:`degenerate`).
    weights : array of shape (n,), optional
        Survey weights: each resampled row enters with its weight, so the stacks are
        :math:`Z' \\operatorname{diag}(f w) Z` (the weighted bootstrap of a weighted
        statistic). The draws are the same as without weights.

    Returns
    -------
    grams : array of shape (n_boot, r, r)
    n_redrawn : int
        How many resamples were degenerate and drawn again.

    Raises
    ------
    ValueError
        If more than ``MAX_DEGENERATE_SHARE`` of all the resamples drawn were
        degenerate: a rare category or near-constant column cannot be bootstrapped.
    """
    key = _cache_key(z, n_boot, rng, predictors, weights)
    if _LAST.get("key") == key:  # the same resamples again (e.g. relative weights after
        rng.bit_generator.state = _LAST["state"]  # dominance): the stream moves on alike
        return _LAST["grams"].copy(), _LAST["n_redrawn"]
    if weights is None:
        full_var = z[:, 1:].var(axis=0)
    else:
        mean = np.average(z[:, 1:], axis=0, weights=weights)
        full_var = np.average((z[:, 1:] - mean) ** 2, axis=0, weights=weights)
    lost_count = np.zeros(z.shape[1] - 1, dtype=int)

    def draw(slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        grams = _draw(z, slots.size, rng, weights)  # one stream: slots drawn in order
        bad, lost = degenerate(grams, full_var, predictors)
        lost_count[:] += lost.sum(axis=0)
        return grams, bad

    grams, n_redrawn = redraw_degenerate(
        draw, n_boot, lambda n_bad, n_drawn: _refuse(z, names, lost_count, n_bad, n_drawn)
    )
    _LAST.clear()
    _LAST.update(key=key, state=rng.bit_generator.state, grams=grams.copy(), n_redrawn=n_redrawn)
    return grams, n_redrawn


#: The last call of :func:`resampled_cross_products`: its inputs (hashed), the stream's
#: state after it, and its result. A second call with the same data, weights, count and
#: stream state (dominance analysis and relative weights on the same drivers and seed, as
#: the report runs them) returns the same resamples without drawing them again -- the
#: result and the stream afterwards are exactly those of drawing them.
_LAST: dict[str, Any] = {}


def _cache_key(
    z: np.ndarray,
    n_boot: int,
    rng: np.random.Generator,
    predictors: Sequence[int],
    weights: np.ndarray | None,
) -> tuple:
    import hashlib

    digest = hashlib.blake2b(np.ascontiguousarray(z).view(np.uint8), digest_size=16)
    if weights is not None:
        digest.update(np.ascontiguousarray(weights, dtype=float).view(np.uint8))
    state = repr(rng.bit_generator.state)
    return (digest.hexdigest(), z.shape, n_boot, tuple(predictors), weights is None, state)


def redraw_degenerate(
    draw: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    n_boot: int,
    refuse: Callable[[int, int], None],
) -> tuple[np.ndarray, int]:
    """The one redraw loop of every bootstrap: replace degenerate resamples until none is.

    ``draw(slots)`` returns the statistics of fresh resamples for the resample numbers
    ``slots`` (an array of indices into ``range(n_boot)``) and a mask of the degenerate
    ones. Every degenerate resample is drawn again (for its slot) until all are valid;
    when more than :data:`MAX_DEGENERATE_SHARE` of all the resamples drawn were
    degenerate, ``refuse(n_bad, n_drawn)`` raises the caller's named error.

    Returns the statistics of ``n_boot`` valid resamples and how many were redrawn.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> def draw(slots):
    ...     values = rng.integers(0, 4, size=slots.size).astype(float)
    ...     return values, values == 0  # a 0 "loses its variation"
    >>> values, n_redrawn = redraw_degenerate(draw, 8, lambda bad, drawn: None)
    >>> bool((values > 0).all()), n_redrawn > 0
    (True, True)
    """
    values, bad = draw(np.arange(n_boot))
    pending, n_redrawn = np.flatnonzero(bad), 0
    while pending.size:
        n_redrawn += pending.size
        if n_redrawn > MAX_DEGENERATE_SHARE * (n_boot + n_redrawn):
            refuse(n_redrawn, n_boot + n_redrawn)
            raise AssertionError("refuse() must raise")  # pragma: no cover
        fresh, bad = draw(pending)
        values[pending[~bad]] = fresh[~bad]
        pending = pending[bad]
    return values, n_redrawn


def _refuse(z, names, lost_count, n_bad: int, n_drawn: int) -> None:
    share = f"{n_bad} of {n_drawn} bootstrap resamples ({n_bad / n_drawn:.0%})"
    if lost_count.any():
        j = int(np.argmax(lost_count))
        col = z[:, 1 + j]
        values, freq = np.unique(col, return_counts=True)
        other = len(col) - int(freq.max())
        raise ValueError(
            f"column {names[j]!r} cannot be bootstrapped: it differs from its most common "
            f"value {values[np.argmax(freq)]:g} in only {other} of {len(col)} rows, so "
            f"{share} lost its variation (or made the predictors collinear). Collect more "
            f"rows, merge the rare category with another, or drop the column."
        )
    raise ValueError(
        f"the predictors {v.format_values(list(names), 10)} are so nearly collinear that "
        f"{share} were singular. Drop a redundant predictor."
    )


# --------------------------------------------------------------------------- rows


def _share_too_few_distinct(n: int, k: int) -> float:
    """P(a resample of ``n`` distinct rows has fewer than ``k`` distinct rows).

    Occupancy: :math:`P(D = d) = \\binom{n}{d}\\sum_{j=0}^{d} (-1)^j \\binom{d}{j}
    (d-j)^n / n^n`, computed exactly with integers.
    """
    total = 0
    for d in range(1, min(k, n + 1)):
        onto = sum((-1) ** j * math.comb(d, j) * (d - j) ** n for j in range(d + 1))
        total += math.comb(n, d) * onto
    return total / n**n


def min_rows(k: int) -> int:
    """The fewest rows for which at most ``ROWS_SHARE`` of resamples have < ``k`` distinct rows."""
    n = k
    while _share_too_few_distinct(n, k) > ROWS_SHARE:
        n += 1
    return n


def check_rows(n: int, k: int, what: str, hint: str = "") -> None:
    """Refuse to bootstrap ``n`` rows for a model with ``k`` coefficients if too few.

    A regression with ``k`` coefficients needs ``k`` distinct rows; a resample of
    ``n`` rows has about :math:`0.63 n` distinct ones, and with small ``n`` it often has
    fewer than ``k``. Fewer rows than :func:`min_rows` would leave more than 1% of the
    resamples unidentified, and the bootstrap would describe the redraws, not the data.
    """
    need = min_rows(k)
    if n < need:
        share = _share_too_few_distinct(n, k)
        raise ValueError(
            f"too few rows to bootstrap: {n} complete row(s) for {what} with {k} "
            f"coefficients; {share:.1%} of resamples of {n} rows would have fewer than {k} "
            f"distinct rows, so the model could not be fitted in them. At least {need} rows "
            f"are needed (and many more for trustworthy intervals){hint}."
        )


# --------------------------------------------------------------------------- intervals


def constant_columns(boot: np.ndarray, est: np.ndarray) -> np.ndarray:
    """Which statistics are the same in every resample (up to rounding).

    A single item's loading and weight are 1 in every resample: their resampled values
    differ only in the last bits (``1 - 2e-16``), and the SD of that noise is no standard
    error. A column whose range is at most :data:`CONSTANT_TOL` times ``max(1, |est|)``
    is constant: its standard error is 0, it has no test statistic, and its interval
    is the estimate itself.

    Examples
    --------
    >>> import numpy as np
    >>> boot = np.array([[1.0, 0.2], [1.0 - 2e-16, 0.5], [1.0, 0.3]])
    >>> constant_columns(boot, np.array([1.0, 0.3]))
    array([ True, False])
    """
    boot = np.asarray(boot, dtype=float)
    scale = np.maximum(1.0, np.abs(np.asarray(est, dtype=float)))
    return np.ptp(boot, axis=0) <= CONSTANT_TOL * scale


def _finite(boot: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(boot)):
        raise ValueError(
            "a bootstrap statistic is not finite in some resample although no column lost "
            "its variation; this is a bug, please report it with the data."
        )
    return boot


def percentile_columns(boot: np.ndarray, level: float) -> dict[str, np.ndarray]:
    """``std_error`` (SD of the resampled statistics) and the percentile ``ci_low, ci_high``."""
    boot = _finite(boot)
    lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return {"std_error": boot.std(axis=0, ddof=1), "ci_low": lo, "ci_high": hi}


def interval(
    boot: np.ndarray, est: float, level: float, method: str, jack: np.ndarray | None
) -> tuple[float, float]:
    """Percentile, BC or BCa interval of one statistic from its resampled values.

    BC uses the quantiles :math:`\\Phi(2 z_0 \\pm z_{1-\\alpha/2})` with
    :math:`z_0 = \\Phi^{-1}(\\#\\{\\hat\\theta^* < \\hat\\theta\\}/B)`; BCa the quantiles
    :math:`\\Phi(z_0 + (z_0 + z)/(1 - \\hat a (z_0 + z)))` with the jackknife
    acceleration :math:`\\hat a = \\sum d_i^3 / (6 (\\sum d_i^2)^{3/2})`,
    :math:`d_i = \\bar\\theta_{(\\cdot)} - \\theta_{(i)}` (Efron 1987).
    """
    from scipy import stats

    boot = _finite(boot)
    tail = (1 - level) / 2
    if method == "percentile":
        lo, hi = np.quantile(boot, [tail, 1 - tail])
        return float(lo), float(hi)
    share = float(np.mean(boot < est))
    if share in (0.0, 1.0):
        side = "above" if share == 0.0 else "below"
        raise ValueError(
            f"method={method!r}: all {len(boot)} resampled values lie {side} the estimate "
            f"{est:.6g}, so the bias correction z0 is infinite and the interval undefined. "
            f"Use method='percentile' (or more rows)."
        )
    z0 = stats.norm.ppf(share)
    zs = stats.norm.ppf([tail, 1 - tail])
    if method == "bc":
        probs = stats.norm.cdf(2 * z0 + zs)
    else:
        d = jack.mean() - jack
        denom = 6.0 * (d @ d) ** 1.5
        acc = float((d**3).sum() / denom) if denom > 0 else 0.0
        probs = stats.norm.cdf(z0 + (z0 + zs) / (1 - acc * (z0 + zs)))
    lo, hi = np.quantile(boot, probs)
    return float(lo), float(hi)
