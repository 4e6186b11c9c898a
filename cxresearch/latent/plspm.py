"""PLS path models (PLS-SEM): Wold's algorithm in NumPy, bootstrap and multi-group tests.

:func:`pls` fits a path model written in lavaan-style syntax (``IMAG =~ imag1 + ...``
for a reflective, mode-A construct, ``QUAL <~ ...`` for a composite, mode-B one,
``SAT ~ IMAG + QUAL`` for paths) with the PLS-PM algorithm of Wold (1982) and
Lohmoeller (1989), as R's plspm and seminr estimate it, and returns a
:class:`PLSResult` with paths, loadings, weights, R-squared, construct scores,
reliability, HTMT, Fornell-Larcker, f-squared, inner VIFs and effects.
:meth:`PLSResult.bootstrap` resamples it (all resamples at once) and :func:`pls_mga`
compares two groups by permutation.

Everything is computed from the items' correlation (or covariance) matrix ``S``:
with standardized items, every step of the algorithm (score variances, inner
proxies, mode-A covariances, mode-B regressions, loadings, paths) is a product of
``S`` with the weights. A bootstrap therefore stacks one ``S`` per resample and
runs the iterations on the whole stack at once.

The covariance-based models (CFA, SEM) are in :mod:`cxresearch.latent.cbsem` and share
the model syntax (:mod:`cxresearch.latent.syntax`) and the reliability measures.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import _bootstrap, _measures
from .. import _validate as v
from .._result import Result
from ..reliability import fornell_larcker, htmt
from . import _algorithm as pls_
from .syntax import ModelSpec, check_model_data, parse_model, term_columns

__all__ = ["PLSBootstrap", "PLSMGAResult", "PLSResult", "pls", "pls_mga"]

SCHEMES = ("path", "centroid", "factorial")
MISSING = ("raise", "listwise", "mean")
BOOT_METHODS = ("percentile", "bca")
HTMT_THRESHOLDS = (0.85, 0.90)


# --------------------------------------------------------------------------- data


def _prepare(data: pd.DataFrame, spec: ModelSpec, missing: str) -> tuple[pd.DataFrame, int, int]:
    """The item columns to fit: missing values raised on, dropped or left for the mean.

    Returns the items (NaN kept for ``missing="mean"``), rows dropped, cells imputed.
    """
    items = list(spec.items)
    x = data[items]
    if not all(dt == np.float64 for dt in x.dtypes):
        x = x.astype("float64")  # integers; nullable integers: pd.NA -> NaN
    arr = x.to_numpy()
    nan = np.isnan(arr)
    if np.isinf(arr).any():  # the _validate checks run only to word the error
        v.check_finite(x, items, "model")
    n_dropped = n_imputed = 0
    if nan.any() and missing == "raise":
        v.check_no_missing(x, items, "model", allowed=MISSING)
    elif nan.any() and missing == "listwise":
        x, n_dropped = v.drop_missing(x, items, missing=missing, argument="model", allowed=MISSING)
        arr = x.to_numpy()
    elif nan.any():
        n_imputed = int(nan.sum())
        empty = [c for c, e in zip(items, nan.all(axis=0), strict=True) if e]
        if empty:
            raise ValueError(f"model: item {v.format_values(empty)} has no observed value.")
    need = max((len(p) for p in pls_.Structure.from_spec(spec).predecessors), default=0) + 2
    if len(x) < need:
        raise ValueError(
            f"data: {len(x)} usable row(s); the model needs at least {need} (one more than "
            f"the largest number of predictors of a construct, plus one)."
        )
    if (np.nanmax(arr, axis=0) == np.nanmin(arr, axis=0)).any():
        v.check_not_constant(x, items, "model")
    for j, item in enumerate(items):  # 1e200: products overflow (reported as such)
        v.check_magnitude(arr[:, j], item, "model")
    return x, n_dropped, n_imputed


# ------------------------------------------------------------------------------ result


@dataclasses.dataclass(frozen=True)
class _FitState:
    """What the lazily computed tables of a :class:`PLSResult` need."""

    s: np.ndarray  # (1, p, p) item correlation (covariance) matrix
    w: np.ndarray  # (1, p, K) outer weights
    st: pls_.Structure
    spec: ModelSpec


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class PLSResult(Result):
    """What :func:`pls` returns: a fitted PLS path model.

    Attributes
    ----------
    table : pandas.DataFrame
        The structural paths in the layout of every latent-model table: ``term``
        (``"SAT ~ IMAG"``, the path from IMAG to SAT), ``lhs`` (the target), ``op``
        (``"~"``), ``rhs`` (the source), ``estimate`` (the standardized path coefficient).
    loadings, weights : pandas.DataFrame
        ``term, lhs, op, rhs`` (``"IMAG =~ imag_1"``: construct, ``=~`` reflective or
        ``<~`` composite, item), ``loading`` (the correlation of the item with its
        construct's score) / ``weight`` (``score = sum(weight * standardized item)``).
    r_squared : pandas.DataFrame
        ``construct``, ``n_predictors``, ``r_squared``, ``adj_r_squared`` per
        endogenous construct.
    scores : pandas.DataFrame
        Construct scores (mean 0, variance 1), one column per construct, indexed as
        the rows used.
    reliability : pandas.DataFrame
        ``construct``, ``mode``, ``n_items``, ``alpha`` (standardized Cronbach's
        alpha), ``rho_a`` (Dijkstra-Henseler), ``rho_c`` and ``ave`` (from the
        loadings). Single items (and ``rho_a`` of a composite) are 1, as in seminr.
    htmt : pandas.DataFrame
        ``construct_1``, ``construct_2``, ``htmt`` (from :func:`cxresearch.htmt`).
    fornell_larcker : pandas.DataFrame
        From :func:`cxresearch.fornell_larcker` with the PLS loadings and scores.
    f_squared : pandas.DataFrame
        ``term, lhs, op, rhs``, ``f_squared`` per path.
    vif : pandas.DataFrame
        ``term, lhs, op, rhs``, ``vif``: each predictor's VIF among the predictors of
        its target (1 for a single predictor).
    effects : pandas.DataFrame
        ``term, lhs, op, rhs``, ``direct``, ``indirect``, ``total`` for
        every pair joined by at least one path.
    n, n_dropped, n_imputed : int
        Rows used, rows dropped (``missing="listwise"``), cells replaced by the item
        mean (``missing="mean"``).
    iterations : int
        Outer-weight updates until convergence.
    converged : bool
        Always True (a fit that does not converge raises).
    scheme, missing : str
        As passed.
    standardized : bool
        As passed.
    model : str
        The model in lavaan syntax.
    """

    loadings: pd.DataFrame
    weights: pd.DataFrame
    r_squared: pd.DataFrame
    scores: pd.DataFrame
    n: int
    n_dropped: int
    n_imputed: int
    iterations: int
    converged: bool
    scheme: str
    standardized: bool
    missing: str
    model: str = dataclasses.field(repr=False)
    max_iter: int = dataclasses.field(repr=False, default=300)
    tol: float = dataclasses.field(repr=False, default=1e-7)
    items: pd.DataFrame = dataclasses.field(repr=False, default=None, metadata={"export": False})
    fit_state: _FitState = dataclasses.field(repr=False, default=None, metadata={"export": False})

    _title = "PLS path model (PLS-SEM)"

    @property
    def fit(self) -> pd.Series:
        """The fit statistics by name, a Series as every model's ``fit``.

        ``n``, ``n_dropped``, ``n_imputed``, ``iterations`` and ``r_squared: NAME``
        (and ``adj_r_squared: NAME``) for each endogenous construct. PLS has no
        likelihood, so no chi-square or information criteria.
        """
        out = {
            "n": self.n,
            "n_dropped": self.n_dropped,
            "n_imputed": self.n_imputed,
            "iterations": self.iterations,
        }
        for _, row in self.r_squared.iterrows():
            out[f"r_squared: {row['construct']}"] = row["r_squared"]
            out[f"adj_r_squared: {row['construct']}"] = row["adj_r_squared"]
        return pd.Series(out, name="fit", dtype=float)

    def _summary_facts(self) -> list[tuple[str, Any]]:
        facts: list[tuple[str, Any]] = [("n", self.n), ("rows dropped", self.n_dropped)]
        if self.n_imputed:
            facts.append(("cells imputed", self.n_imputed))
        facts += [("inner scheme", self.scheme), ("iterations", self.iterations)]
        r2 = zip(self.r_squared["construct"], self.r_squared["r_squared"], strict=True)
        facts += [(f"R² {c}", r) for c, r in r2]
        return facts

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        measurement = self.loadings[["term", "loading"]].assign(weight=self.weights["weight"])
        reliability = self.reliability[["construct", "alpha", "rho_a", "rho_c", "ave"]]
        return [
            ("structural paths", self.table[["term", "estimate"]]),
            ("measurement: loadings and weights", measurement),
            ("reliability and convergent validity", reliability),
        ]

    # The evaluation tables are computed on first use (and then kept), so a fit --
    # and each of the thousands of fits inside a bootstrap -- pays only for what it
    # needs.

    @functools.cached_property
    def reliability(self) -> pd.DataFrame:
        """Reliability per construct (see the class docstring)."""
        f = self.fit_state
        return _reliability_table(f.s[0], f.w[0], f.st, f.spec, self.loadings)

    @functools.cached_property
    def htmt(self) -> pd.DataFrame:
        """HTMT of every construct pair (from :func:`cxresearch.htmt`)."""

        blocks = {c.name: list(c.items) for c in self.fit_state.spec.constructs}
        return htmt(self.items.fillna(self.items.mean()), constructs=blocks)

    @functools.cached_property
    def fornell_larcker(self) -> pd.DataFrame:
        """Fornell-Larcker criterion (from :func:`cxresearch.fornell_larcker`)."""

        blocks = {c.name: list(c.items) for c in self.fit_state.spec.constructs}
        filled = self.items.fillna(self.items.mean())
        return fornell_larcker(
            filled, constructs=blocks, loadings=_by_construct(self.loadings, "loading"),
            scores=self.scores,
        )  # fmt: skip

    @functools.cached_property
    def f_squared(self) -> pd.DataFrame:
        """Cohen's f-squared per path (the model refitted without it)."""
        f = self.fit_state
        out = pd.DataFrame(_pair_terms(f.st, f.st.paths))
        r2 = self.r_squared["r_squared"].to_numpy()
        out["f_squared"] = _f_squared(f.s, f.st, r2, self.scheme, self.max_iter, self.tol)
        return out

    @functools.cached_property
    def vif(self) -> pd.DataFrame:
        """Inner VIFs: each predictor among the predictors of its target."""
        f = self.fit_state
        return _vif_table(f.st, pls_.estimates(f.s, f.w, f.st)["scores_cor"][0])

    @functools.cached_property
    def effects(self) -> pd.DataFrame:
        """Direct, indirect and total effects."""
        f = self.fit_state
        return _effects_table(f.st, pls_.estimates(f.s, f.w, f.st))

    def bootstrap(
        self,
        n_boot: int = 5000,
        *,
        seed: int | np.random.Generator | np.random.SeedSequence | None = None,
        ci: float = 0.95,
        method: str = "percentile",
    ) -> PLSBootstrap:
        """Bootstrap the model: every resample refitted, all at once.

        Parameters
        ----------
        n_boot : int, default 5000
            Resamples (2 to 10**6).
        seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
            Resample ``b`` draws its rows from the ``b``-th child of
            ``SeedSequence(seed)``, so the result does not depend on how the
            resamples are split into batches, and the first 100 resamples of a
            5,000-resample run are those of a 100-resample run.
        ci : float, default 0.95
            Confidence level of the intervals.
        method : {"percentile", "bca"}
            Percentile, or bias-corrected and accelerated (Efron 1987; the
            acceleration from a jackknife over the rows, refitted all at once).

        Returns
        -------
        PLSBootstrap

        Raises
        ------
        ValueError
            If more than half the resamples drawn lose an item's variation or do not
            converge, or a BCa interval is undefined.
        cxresearch.ConvergenceError
            A jackknife fit (``method="bca"``) does not converge.

        Notes
        -----
        Each resample draws ``n`` rows with replacement and is fitted as the original
        (same scheme, scaling, ``max_iter``, ``tol``; with ``missing="mean"`` the
        item means of the resample replace its missing values). A resample in which
        an item is constant or the algorithm does not converge is redrawn from the
        same resample's stream and counted in ``n_redrawn``.

        **Sign changes: none.** Every resample is kept as it is estimated (no
        individual or construct-level sign changes). The weights start at +1 for
        every item, so a construct whose items correlate positively keeps its
        orientation; a sign flip then shows up honestly as a wider interval.
        Individual sign changes (Tenenhaus et al. 2005) pull every resample to the
        original sign and make intervals too narrow for estimates near 0; this is
        the choice SmartPLS makes by default and the one Hair et al. advise.

        HTMT is judged by the upper bound of its interval (Henseler, Ringle &
        Sarstedt 2015): discriminant validity is established at 0.85 (or 0.90) when
        ``ci_high`` lies below it. Franke & Sarstedt (2019) use a one-sided 95%
        bound, i.e. ``ci=0.90``.

        References
        ----------
        Efron, B. (1987). Better bootstrap confidence intervals. *JASA*, 82(397),
        171-185.

        Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for
        assessing discriminant validity in variance-based structural equation
        modeling. *Journal of the Academy of Marketing Science*, 43(1), 115-135.

        Examples
        --------
        >>> import cxresearch as cx
        >>> model = '''
        ...     COMP =~ comp_1 + comp_2 + comp_3
        ...     LIKE =~ like_1 + like_2 + like_3
        ...     CUSA =~ cusa
        ...     CUSL =~ cusl_1 + cusl_2 + cusl_3
        ...     CUSA ~ COMP + LIKE
        ...     CUSL ~ COMP + LIKE + CUSA
        ... '''
        >>> fit = cx.pls(cx.load_dataset("corp_rep_data"), model, missing="mean")
        >>> boot = fit.bootstrap(n_boot=500, seed=1)
        >>> boot.n_boot, boot.n_redrawn
        (500, 0)
        >>> paths = boot.table.query("kind == 'path'")
        >>> print(paths[["term", "estimate", "ci_low", "ci_high"]].round(2).to_string(index=False))
               term  estimate  ci_low  ci_high
        CUSA ~ COMP      0.16    0.03     0.29
        CUSA ~ LIKE      0.42    0.30     0.53
        CUSL ~ COMP      0.01   -0.09     0.12
        CUSL ~ LIKE      0.34    0.23     0.43
        CUSL ~ CUSA      0.50    0.41     0.58
        """
        return _run_bootstrap(self, n_boot=n_boot, seed=seed, ci=ci, method=method)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class PLSBootstrap(Result):
    """What :meth:`PLSResult.bootstrap` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per statistic: ``kind`` (``path``, ``loading``, ``weight``,
        ``indirect``, ``total``, ``htmt``), then ``term, lhs, op, rhs`` as in every
        latent-model table (``"SAT ~ IMAG"`` for a path, indirect or total effect,
        ``"IMAG =~ imag_1"`` for a loading or weight of a reflective construct,
        ``"QUAL <~ perq_1"`` of a composite, ``"IMAG ~~ SAT"`` for an HTMT pair),
        ``estimate`` (the original fit), ``boot_mean``, ``std_error`` (SD of the resampled values),
        ``statistic`` (estimate / std_error), ``ci_low``, ``ci_high``.
    htmt : pandas.DataFrame
        The HTMT rows with ``below_0_85`` and ``below_0_90``: is ``ci_high`` below
        the threshold (discriminant validity established)?
    draws : pandas.DataFrame
        The resampled statistics, one row per resample, one column per
        ``kind: term``.
    n_boot, n_redrawn : int
        Resamples kept, and resamples redrawn because they were degenerate.
    ci : float
    method : str
    sign_changes : str
        ``"none"`` (see :meth:`PLSResult.bootstrap`).
    """

    htmt: pd.DataFrame
    draws: pd.DataFrame = dataclasses.field(repr=False, metadata={"export": False})
    n_boot: int
    n_redrawn: int
    ci: float
    method: str
    sign_changes: str = "none"

    _title = "PLS bootstrap"


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class PLSMGAResult(Result):
    """What :func:`pls_mga` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per path: ``term, lhs, op, rhs``, ``estimate_1``, ``estimate_2`` (the
        path in each group), ``difference`` (1 minus 2), ``p_value`` (two-sided
        permutation).
    by : str
        The grouping column.
    levels : tuple
        The two compared levels (group 1, group 2).
    n_1, n_2 : int
        Rows in each group.
    n_perm : int
        Permutations.
    """

    by: Hashable
    levels: tuple
    n_1: int
    n_2: int
    n_perm: int

    _title = "PLS multi-group analysis (permutation test)"


# --------------------------------------------------------------------------- tables


def _fit_core(x: pd.DataFrame, st: pls_.Structure, scheme, standardized, max_iter, tol):
    idx = np.arange(len(x))[None, :]
    s, _ = pls_.cov_stack(x.to_numpy(dtype=float), idx, standardized)
    _check_singular(s[0], st, "model")
    w, iterations, change, converged = pls_.iterate(s, st, scheme, max_iter, tol)
    if not converged[0]:
        _check_singular(s[0], st, "model", w[0])
        if not np.isfinite(change[0]):
            raise ValueError(
                f"model: the PLS iterations produced values that are not finite after "
                f"{int(iterations[0])} update(s) (not a failure to converge): check the items "
                f"for extreme values, or items on very different scales."
            )
        raise pls_.not_converged(max_iter, float(change[0]), tol)
    return s, w, int(iterations[0])


def _null_members(names: Sequence[str], a: np.ndarray) -> list[str]:
    """The names with a visible share in the null vector of the (near-)singular ``a``."""
    sd = np.sqrt(np.clip(np.diag(a), 1e-300, None))
    _, vectors = np.linalg.eigh(a / np.outer(sd, sd))
    null = np.abs(vectors[:, 0])
    return [n for n, c in zip(names, null, strict=True) if c > 1e-6 * null.max()]


def _check_singular(s: np.ndarray, st: pls_.Structure, where: str, w=None) -> None:
    """Raise ``ValueError`` naming exactly collinear items of a composite (mode B), or
    constructs whose scores are perfectly correlated among the predictors of another.

    ``s`` is one item correlation (covariance) matrix; the scores are judged at the
    weights ``w`` (default: the starting weights, sums of the standardized items).
    """
    for k in st.mode_b:
        b = st.block(k)
        block = s[np.ix_(b, b)]
        if pls_.singular(block[None])[0]:
            names = _null_members([st.items[i] for i in b], block)
            raise ValueError(
                f"{where}: the items {v.format_values(names, 10)} of composite "
                f"{st.constructs[k]!r} ('<~') are exactly collinear (one is a linear "
                f"combination of the others), so its weights are not determined. Drop one "
                f"of them, or measure the construct reflectively ('=~')."
            )
    if w is None or not np.isfinite(w).all():
        w = st.mask.astype(float)
    w = pls_.unit_variance(s[None], w[None])[0]
    c = w.T @ s @ w
    for t, preds in zip(st.endogenous, st.predecessors, strict=True):
        sub = c[np.ix_(preds, preds)]
        if len(preds) > 1 and pls_.singular(sub[None])[0]:
            names = _null_members([st.constructs[i] for i in preds], sub)
            raise ValueError(
                f"{where}: the scores of constructs {v.format_values(names, 10)}, which all "
                f"predict {st.constructs[t]!r}, are perfectly correlated (their items carry "
                f"the same information), so the paths into {st.constructs[t]!r} are not "
                f"determined. Merge the constructs or drop one of them from the paths."
            )


def _measurement_rows(st: pls_.Structure) -> list[tuple[str, str, str]]:
    """``(construct, operator, item)`` of every item: ``=~`` reflective, ``<~`` composite."""
    owner = np.argmax(st.mask, axis=1)
    return [
        (st.constructs[k], "<~" if k in st.mode_b else "=~", item)
        for k, item in zip(owner, st.items, strict=True)
    ]


def _by_construct(table: pd.DataFrame, column: str) -> dict[str, np.ndarray]:
    """``{construct: values}`` of a loadings or weights table, in model order."""
    return {c: g[column].to_numpy() for c, g in table.groupby("lhs", sort=False)}


def _pair_terms(st: pls_.Structure, pairs) -> dict[str, list]:
    """``term, lhs, op, rhs`` of the (from, to) construct pairs: ``"SAT ~ IMAG"``."""
    names = st.constructs
    return term_columns((names[b], "~", names[a]) for a, b in pairs)


def _effects_table(st: pls_.Structure, est: dict) -> pd.DataFrame:
    beta, total = est["beta"][0], est["total"][0]
    k = len(st.constructs)
    reach = np.linalg.matrix_power(np.eye(k) + st.path_matrix, k) - np.eye(k)
    pairs = [(a, b) for a in range(k) for b in range(k) if a != b and reach[a, b] > 0]
    out = pd.DataFrame(_pair_terms(st, pairs))
    out["direct"] = [beta[a, b] for a, b in pairs]
    out["indirect"] = [total[a, b] - beta[a, b] for a, b in pairs]
    out["total"] = [total[a, b] for a, b in pairs]
    return out


def _rho_a(s: np.ndarray, w: np.ndarray, st: pls_.Structure, spec: ModelSpec) -> list[float]:
    """Dijkstra & Henseler's rho_A per construct (1 for a composite or a single item)."""
    sd = np.sqrt(np.diag(s))
    r = s / np.outer(sd, sd)
    out = []
    for k, c in enumerate(spec.constructs):
        b = st.block(k)
        weights = w[b, k] * sd[b]  # weights of the standardized items
        out.append(1.0 if c.mode == "B" else _measures.rho_a(r[np.ix_(b, b)], weights))
    return out


def _reliability_table(s, w, st, spec, loadings: pd.DataFrame) -> pd.DataFrame:
    lam = _by_construct(loadings, "loading")
    alpha = [
        _measures.alpha(s[np.ix_(st.block(k), st.block(k))], standardized=True)
        for k in range(len(st.constructs))
    ]
    return pd.DataFrame(
        {
            "construct": list(st.constructs),
            "mode": [c.mode for c in spec.constructs],
            "n_items": [int(st.mask[:, k].sum()) for k in range(len(st.constructs))],
            "alpha": alpha,
            "rho_a": _rho_a(s, w, st, spec),
            "rho_c": [_measures.rho_c(lam[c]) for c in st.constructs],
            "ave": [_measures.ave(lam[c]) for c in st.constructs],
        }
    )


def _f_squared(s, st: pls_.Structure, r2: np.ndarray, scheme, max_iter, tol) -> list[float]:
    """Cohen's f^2 of each path: the model refitted without it (as seminr does)."""
    out = []
    for a, b in st.paths:
        reduced = st.without_path((a, b))
        r2_in = float(r2[st.endogenous.index(b)])
        r2_out = 0.0
        if b in reduced.endogenous:
            w, _, change, ok = pls_.iterate(s, reduced, scheme, max_iter, tol)
            if not ok[0]:
                raise pls_.not_converged(
                    max_iter, float(change[0]), tol, "PLS without a path (f^2)"
                )
            r2_out = float(
                pls_.estimates(s, w, reduced)["r_squared"][0, reduced.endogenous.index(b)]
            )
        out.append((r2_in - r2_out) / (1 - r2_in))
    return out


def _vif_table(st: pls_.Structure, c: np.ndarray) -> pd.DataFrame:
    pairs, vifs = [], []
    for t, preds in zip(st.endogenous, st.predecessors, strict=True):
        inv = np.linalg.inv(c[np.ix_(preds, preds)])
        pairs += [(f, t) for f in preds]
        vifs += list(np.diag(inv))
    return pd.DataFrame({**_pair_terms(st, pairs), "vif": vifs})


def _scores(x: pd.DataFrame, w: np.ndarray, st: pls_.Structure, standardized: bool) -> pd.DataFrame:
    arr = x.to_numpy(dtype=float)
    arr = np.where(np.isnan(arr), np.nanmean(arr, axis=0), arr) if np.isnan(arr).any() else arr
    xc = arr - arr.mean(axis=0)
    if standardized:
        xc = xc / arr.std(axis=0, ddof=1)
    return pd.DataFrame(xc @ w, index=x.index, columns=list(st.constructs))


def _tables(x, st, s, w, standardized) -> dict[str, pd.DataFrame]:
    est = pls_.estimates(s, w, st)
    measured = term_columns(_measurement_rows(st))
    loadings = pd.DataFrame({**measured, "loading": est["loadings"][0]})
    weights = pd.DataFrame({**measured, "weight": est["weights"][0]})
    paths = pd.DataFrame(
        {**_pair_terms(st, st.paths), "estimate": [est["beta"][0, a, b] for a, b in st.paths]}
    )
    n = len(x)
    n_pred = np.array([len(p) for p in st.predecessors])
    r2 = est["r_squared"][0]
    r_squared = pd.DataFrame(
        {
            "construct": [st.constructs[k] for k in st.endogenous],
            "n_predictors": n_pred,
            "r_squared": r2,
            "adj_r_squared": 1 - (1 - r2) * (n - 1) / (n - n_pred - 1),
        }
    )
    return {
        "table": paths,
        "loadings": loadings,
        "weights": weights,
        "r_squared": r_squared,
        "scores": _scores(x, w[0], st, standardized),
    }


# ------------------------------------------------------------------------- public API


def _checked_model(data: Any, model: Any, settings: tuple) -> tuple[ModelSpec, pd.DataFrame]:
    """The parsed model and the data (ordered Categoricals as their codes), both checked."""
    v.check_dataframe(data)
    _check_settings(*settings)
    spec = parse_model(model)
    present = [c for c in spec.items if c in data.columns and isinstance(data[c], pd.Series)]
    data = v.likert_as_codes(data, present, "model")  # answers read with value labels
    check_model_data(spec, data, family="pls")
    return spec, data


def _check_settings(scheme, standardized, missing, max_iter, tol) -> None:
    v.check_one_of(scheme, SCHEMES, "scheme")
    v.check_bool(standardized, "standardized")
    v.check_missing(missing, MISSING)
    v.check_positive_int(max_iter, "max_iter")
    v.check_number(tol, "tol", low=0, open_low=True)


def pls(
    data: pd.DataFrame,
    model: str,
    *,
    scheme: str = "path",
    standardized: bool = True,
    missing: str = "raise",
    max_iter: int = 300,
    tol: float = 1e-7,
) -> PLSResult:
    """Fit a PLS path model (PLS-SEM) with Wold's PLS-PM algorithm.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent; every item of the model a numeric column.
    model : str
        lavaan-style syntax: ``NAME =~ item1 + item2`` (reflective: mode A, outer
        weights from the item-score covariances), ``NAME <~ item1 + item2``
        (composite: mode B, weights from regressing the proxy on the items),
        ``TARGET ~ SOURCE1 + SOURCE2`` (paths; no cycles), ``#`` comments.
    scheme : {"path", "centroid", "factorial"}, default "path"
        Inner weighting scheme (see Notes).
    standardized : bool, default True
        Standardize the items (the usual choice, and seminr's). ``False`` only
        centres them: the weights are then in the items' own units; loadings are
        still correlations.
    missing : {"raise", "listwise", "mean"}, default "raise"
        A missing item value raises; ``"listwise"`` drops the row (``n_dropped``);
        ``"mean"`` replaces it by the item's mean (``n_imputed``; seminr's default
        and the Primer's choice).
    max_iter : int, default 300
        Outer-weight updates allowed.
    tol : float, default 1e-7
        Converged when the summed absolute change of the outer weights in one update
        is below ``tol`` (seminr's ``stop_criterion=7``).

    Returns
    -------
    PLSResult

    Raises
    ------
    TypeError
        ``data`` not a DataFrame, a non-numeric item, a setting of the wrong type.
    ValueError
        A bad model (see :func:`cxresearch.latent.syntax.check_model_data`: unknown item,
        item in two blocks, cycle, self-loop, ...), a missing value with
        ``missing="raise"``, a constant item, too few rows, an item with values beyond
        1e100 in magnitude, exactly collinear items of a composite (``<~``; named), or
        predictors of a construct whose scores are perfectly correlated (named).
    cxresearch.ConvergenceError
        No convergence within ``max_iter`` (the message says the last change).

    Notes
    -----
    With standardized items ``x`` and outer weights ``w_k`` scaled so each score
    ``Y_k = x w_k`` has variance 1, the algorithm repeats until the weights settle:

    1. inner proxies ``Z_k = sum_i e_ik Y_i`` over the neighbours of ``k``: path
       weighting (Lohmoeller 1989) uses the regression coefficients of ``k`` on its
       predecessors and the correlations with its successors; centroid the signs of
       the correlations; factorial the correlations;
    2. outer weights: mode A ``w_k = cov(x_k, Z_k)``, mode B ``w_k = cov(x_k)^{-1}
       cov(x_k, Z_k)``, rescaled so ``var(Y_k) = 1``.

    Paths are then OLS on the scores, loadings ``cor(x, Y_k)``, R^2 from the score
    correlations, total effects ``(I - B)^{-1} - I``. f^2 refits the model without
    the path (as seminr). Every quantity is computed from the item correlation
    matrix, which is what makes :meth:`PLSResult.bootstrap` fast.

    *What PLS estimates.* Mode A scores are weighted sums of items that carry
    measurement error, so against a common-factor population model PLS loadings are
    too high and paths between constructs too low (Dijkstra & Henseler 2015); the
    bias shrinks as blocks get more and better items ("consistency at large").
    Consistent PLS (PLSc) or covariance-based SEM (``cx.sem``) remove it.

    References
    ----------
    Wold, H. (1982). Soft modeling: the basic design and some extensions. In
    Joereskog & Wold (Eds.), *Systems under Indirect Observation*, Part II, 1-54.

    Lohmoeller, J.-B. (1989). *Latent Variable Path Modeling with Partial Least
    Squares*. Physica.

    Hair, J. F., Hult, G. T. M., Ringle, C. M., & Sarstedt, M. (2017). *A Primer on
    Partial Least Squares Structural Equation Modeling (PLS-SEM)* (2nd ed.). Sage.

    Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least squares path
    modeling. *MIS Quarterly*, 39(2), 297-316.

    Examples
    --------
    The simple corporate-reputation model of Hair et al.'s Primer, missing
    values replaced by item means as in the book:

    >>> import cxresearch as cx
    >>> model = '''
    ...     COMP =~ comp_1 + comp_2 + comp_3
    ...     LIKE =~ like_1 + like_2 + like_3
    ...     CUSA =~ cusa
    ...     CUSL =~ cusl_1 + cusl_2 + cusl_3
    ...     CUSA ~ COMP + LIKE
    ...     CUSL ~ COMP + LIKE + CUSA
    ... '''
    >>> fit = cx.pls(cx.load_dataset("corp_rep_data"), model, missing="mean")
    >>> fit.n, fit.n_imputed
    (344, 11)
    >>> print(fit.table[["term", "estimate"]].round(4).to_string(index=False))
           term  estimate
    CUSA ~ COMP    0.1621
    CUSA ~ LIKE    0.4239
    CUSL ~ COMP    0.0092
    CUSL ~ LIKE    0.3421
    CUSL ~ CUSA    0.5045
    >>> print(fit.r_squared.round(3).to_string(index=False))
    construct  n_predictors  r_squared  adj_r_squared
         CUSA             2      0.295          0.290
         CUSL             3      0.562          0.558
    """
    spec, data = _checked_model(data, model, (scheme, standardized, missing, max_iter, tol))
    x, n_dropped, n_imputed = _prepare(data, spec, missing)
    st = pls_.Structure.from_spec(spec)
    s, w, iterations = _fit_core(x, st, scheme, standardized, max_iter, tol)
    tables = _tables(x, st, s, w, standardized)
    return PLSResult(
        **tables,
        n=len(x),
        n_dropped=n_dropped,
        n_imputed=n_imputed,
        iterations=iterations,
        converged=True,
        scheme=scheme,
        standardized=standardized,
        missing=missing,
        model=spec.to_lavaan(),
        max_iter=max_iter,
        tol=float(tol),
        items=x,
        fit_state=_FitState(s, w, st, spec),
    )


def pls_mga(
    data: pd.DataFrame,
    model: str,
    *,
    by: Hashable,
    levels: Sequence[Any] | None = None,
    n_perm: int = 1000,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    scheme: str = "path",
    standardized: bool = True,
    missing: str = "raise",
    max_iter: int = 300,
    tol: float = 1e-7,
) -> PLSMGAResult:
    """Compare the paths of two groups by a permutation test (Chin & Dibbern 2010).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    model : str
        As in :func:`pls`.
    by : column name
        The grouping column.
    levels : sequence of two values, optional
        The two groups to compare (group 1, group 2); default the two values of
        ``by`` (which must then have exactly two), in sorted order.
    n_perm : int, default 1000
        Permutations of the group labels (at most 10**6).
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        For the permutations.
    scheme, standardized, missing, max_iter, tol
        As in :func:`pls`. With ``missing="mean"`` the means of the pooled rows of
        the two groups replace missing values, once, before any permutation. With
        ``missing="listwise"`` rows without a ``by`` label are left out too (``n_1``
        and ``n_2`` count the rows used).

    Returns
    -------
    PLSMGAResult

    Raises
    ------
    ValueError
        ``by`` missing in a row (unless ``missing="listwise"``), not two levels, a
        group too small, an item that does not vary within a group (or a permuted
        group; judged relative to its pooled variance, so rounding noise does not
        count as variation), ``n_perm`` above 10**6; and as :func:`pls`.
    cxresearch.ConvergenceError
        A group's (or a permuted group's) fit does not converge.

    Notes
    -----
    The model is fitted in each group; ``d = path_1 - path_2``. The group labels are
    then shuffled ``n_perm`` times and the model refitted in both permuted groups
    (all permutations at once); the p-value is the share of permutations with
    ``|d*| >= |d|``, counting the observed split: ``(1 + #) / (1 + n_perm)``. The
    test assumes the measurement is invariant across groups (MICOM).

    References
    ----------
    Chin, W. W., & Dibbern, J. (2010). An introduction to a permutation based
    procedure for multi-group PLS analysis. In Esposito Vinzi et al. (Eds.),
    *Handbook of Partial Least Squares*, 171-193. Springer.

    Examples
    --------
    >>> import cxresearch as cx
    >>> data = cx.load_dataset("corp_rep_data")
    >>> model = '''
    ...     COMP =~ comp_1 + comp_2 + comp_3
    ...     LIKE =~ like_1 + like_2 + like_3
    ...     CUSA =~ cusa
    ...     CUSL =~ cusl_1 + cusl_2 + cusl_3
    ...     CUSA ~ COMP + LIKE
    ...     CUSL ~ COMP + LIKE + CUSA
    ... '''
    >>> res = cx.pls_mga(data, model, by="servicetype", n_perm=200, seed=1, missing="mean")
    >>> res.levels, res.n_1, res.n_2
    ((1, 2), 125, 219)
    >>> cols = ["term", "estimate_1", "estimate_2", "difference", "p_value"]
    >>> print(res.table[cols].round(3).to_string(index=False))
           term  estimate_1  estimate_2  difference  p_value
    CUSA ~ COMP       0.224       0.131       0.093    0.527
    CUSA ~ LIKE       0.358       0.460      -0.102    0.428
    CUSL ~ COMP       0.133      -0.051       0.184    0.139
    CUSL ~ LIKE       0.206       0.419      -0.213    0.100
    CUSL ~ CUSA       0.599       0.440       0.159    0.100
    """
    spec, data = _checked_model(data, model, (scheme, standardized, missing, max_iter, tol))
    v.check_columns(data, by, "by")
    return _run_mga(
        data,
        spec,
        by=by,
        levels=levels,
        n_perm=v.check_resample_count(n_perm, "n_perm"),
        rng=v.make_rng(seed),
        settings=(scheme, standardized, missing, max_iter, float(tol)),
    )


# -------------------------------------------------------------------------- bootstrap


def _labels(st: pls_.Structure) -> tuple[list[tuple], dict[str, Any]]:
    """The (kind, lhs, op, rhs) of every bootstrapped statistic, and where to find it."""
    names, k = st.constructs, len(st.constructs)
    reach = np.linalg.matrix_power(np.eye(k) + st.path_matrix, k) - np.eye(k)
    via = st.path_matrix @ reach  # a route of two or more paths
    total = [(a, b) for a in range(k) for b in range(k) if a != b and reach[a, b] > 0]
    indirect = [(a, b) for a, b in total if via[a, b] > 0]
    measured = _measurement_rows(st)
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    labels = (
        [("path", names[b], "~", names[a]) for a, b in st.paths]
        + [("loading", *t) for t in measured]
        + [("weight", *t) for t in measured]
        + [("indirect", names[b], "~", names[a]) for a, b in indirect]
        + [("total", names[b], "~", names[a]) for a, b in total]
        + [("htmt", names[i], "~~", names[j]) for i, j in pairs]
    )
    return labels, {"indirect": indirect, "total": total, "n": len(labels)}


def _statistics(s: np.ndarray, w: np.ndarray, st: pls_.Structure, where: dict) -> np.ndarray:
    """Every bootstrapped statistic of a stack of fits, one row per matrix."""
    est = pls_.estimates(s, w, st)
    beta, total = est["beta"], est["total"]
    cols = [beta[:, a, b] for a, b in st.paths]
    cols += list(est["loadings"].T) + list(est["weights"].T)
    cols += [total[:, a, b] - beta[:, a, b] for a, b in where["indirect"]]
    cols += [total[:, a, b] for a, b in where["total"]]
    cols += list(pls_.htmt_stack(s, st).T)
    return np.column_stack(cols)


def _resample_indices(n: int, rngs: list) -> np.ndarray:
    """One resample of ``n`` row indices from each generator (resample b from rngs[b])."""
    return np.stack([rng.integers(0, n, size=n) for rng in rngs])


def _refit(x, idx, st, fit: PLSResult, where, full_var):
    """Statistics of the resamples ``idx``, and which of them are degenerate."""
    s, var = pls_.cov_stack(x, idx, fit.standardized)
    lost = (var <= _bootstrap.VARIANCE_TOL * full_var).any(axis=1)
    out = np.full((idx.shape[0], where["n"]), np.nan)
    good = np.flatnonzero(~lost)
    w, _, _, conv = pls_.iterate(s[good], st, fit.scheme, fit.max_iter, fit.tol)
    with np.errstate(invalid="ignore"):  # a singular resample: NaN, redrawn below
        out[good[conv]] = _statistics(s[good[conv]], w[conv], st, where)
    bad = lost | ~np.isfinite(out).all(axis=1)  # unconverged or singular: redrawn
    return out, bad


def _draw_statistics(fit: PLSResult, st, where: dict, n_boot: int, seed: Any):
    """The statistics of ``n_boot`` valid resamples; degenerate ones redrawn."""
    x = fit.items.to_numpy(dtype=float)
    n = x.shape[0]
    full_var = np.nanvar(x, axis=0, ddof=1)
    root = v.seed_sequence(seed)  # children by key, as root.spawn() would, but without
    # advancing a caller's SeedSequence: the same SeedSequence gives the same resamples
    keys = (
        np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, b)) for b in range(n_boot)
    )
    rngs = [v.make_rng(child) for child in keys]

    def draw(slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # resample b always comes from its own stream rngs[b], redraws included
        return _refit(x, _resample_indices(n, [rngs[b] for b in slots]), st, fit, where, full_var)

    def refuse(n_bad: int, n_drawn: int) -> None:
        raise ValueError(
            f"{n_bad} of {n_drawn} bootstrap resamples were degenerate (an item lost its "
            f"variation, or the algorithm did not converge within max_iter={fit.max_iter}); "
            f"the data cannot support a bootstrap of this model."
        )

    return _bootstrap.redraw_degenerate(draw, n_boot, refuse)


def _jackknife(fit: PLSResult, st, where) -> np.ndarray:
    """The statistics with each row left out in turn (for the BCa acceleration)."""
    x = fit.items.to_numpy(dtype=float)
    n = x.shape[0]
    chunk = max(1, pls_.CHUNK_CELLS // (n * x.shape[1]))
    out = []
    for start in range(0, n, chunk):
        rows = np.arange(start, min(n, start + chunk))
        idx = np.stack([np.delete(np.arange(n), i) for i in rows])
        s, _ = pls_.cov_stack(x, idx, fit.standardized)
        w, _, change, conv = pls_.iterate(s, st, fit.scheme, fit.max_iter, fit.tol)
        if not conv.all():
            i = int(np.flatnonzero(~conv)[0])
            _check_singular(s[i], st, f"method='bca': leaving out row {rows[i]} (jackknife)")
            raise pls_.not_converged(fit.max_iter, float(change.max()), fit.tol, "A jackknife fit")
        out.append(_statistics(s, w, st, where))
    return np.concatenate(out)


def _intervals(boot, est, ci: float, method: str, jack, constant) -> tuple[np.ndarray, np.ndarray]:
    """Interval bounds; a constant statistic (a single item's 1) is its own interval."""
    if method == "percentile":
        cols = _bootstrap.percentile_columns(boot, ci)
        lo, hi = cols["ci_low"], cols["ci_high"]
    else:
        lo, hi = np.empty(boot.shape[1]), np.empty(boot.shape[1])
        for j in np.flatnonzero(~constant):
            lo[j], hi[j] = _bootstrap.interval(boot[:, j], est[j], ci, "bca", jack[:, j])
    return np.where(constant, est, lo), np.where(constant, est, hi)


def _run_bootstrap(fit: PLSResult, *, n_boot, seed, ci, method) -> PLSBootstrap:
    n_boot = v.check_resample_count(n_boot, "n_boot", minimum=2)
    ci = v.check_level(ci)
    v.check_one_of(method, BOOT_METHODS, "method")
    state = fit.fit_state  # the model as parsed and fitted once: nothing is refitted here
    st = state.st
    labels, where = _labels(st)
    est = _statistics(state.s, state.w, st, where)[0]
    boot, n_redrawn = _draw_statistics(fit, st, where, n_boot, seed)
    jack = _jackknife(fit, st, where) if method == "bca" else None
    constant = _bootstrap.constant_columns(boot, est)
    lo, hi = _intervals(boot, est, ci, method, jack, constant)
    # a constant statistic's SD is rounding noise (1.7e-16): its SE is 0, with no statistic
    se = np.where(constant, 0.0, boot.std(axis=0, ddof=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(se > 0, est / se, np.nan)
    table = pd.DataFrame(
        {
            "kind": [label[0] for label in labels],
            **term_columns(label[1:] for label in labels),
            "estimate": est,
            "boot_mean": np.where(constant, est, boot.mean(axis=0)),
            "std_error": se,
            "statistic": statistic,
            "ci_low": lo,
            "ci_high": hi,
        }
    )
    ht = table[table["kind"] == "htmt"].drop(columns="kind").reset_index(drop=True)
    for threshold in HTMT_THRESHOLDS:
        ht[f"below_{threshold:.2f}".replace(".", "_")] = ht["ci_high"] < threshold
    draws = pd.DataFrame(
        boot, columns=[f"{k}: {t}" for k, t in zip(table["kind"], table["term"], strict=True)]
    )
    return PLSBootstrap(
        table=table, htmt=ht, draws=draws, n_boot=n_boot, n_redrawn=n_redrawn, ci=ci, method=method
    )


# ------------------------------------------------------------------------- multi-group


def _group_covariances(
    x: np.ndarray, members: np.ndarray, standardized: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Covariance (correlation) matrices of the rows flagged in each row of ``members``,
    and the items' variances in those rows (before scaling: to spot a lost variation)."""
    x = x - x.mean(axis=0)
    iu, ju = np.triu_indices(x.shape[1])
    m = members.astype(float)
    count = m.sum(axis=1)
    mean = (m @ x) / count[:, None]
    cross = (m @ (x[:, iu] * x[:, ju])) / count[:, None]
    tri = (cross - mean[:, iu] * mean[:, ju]) * (count / (count - 1))[:, None]
    cov = np.empty((m.shape[0], x.shape[1], x.shape[1]))
    cov[:, iu, ju] = tri
    cov[:, ju, iu] = tri
    var = np.diagonal(cov, axis1=1, axis2=2).copy()
    if standardized:
        sd = np.sqrt(np.where(var > 0, var, 1.0))
        cov = cov / (sd[:, :, None] * sd[:, None, :])
    return cov, var


def _mga_levels(data: pd.DataFrame, by: Hashable, levels, missing: str) -> tuple:
    g = data[by]
    if g.isna().any() and missing != "listwise":
        raise ValueError(
            f"by: column {by!r} is missing in {int(g.isna().sum())} row(s). Pass "
            f"missing='listwise' to leave those rows out (with the rows missing an item), "
            f"or label them first."
        )
    g = g.dropna()
    if levels is None:
        found = g.unique().tolist()
        try:
            found = sorted(found)
        except TypeError:  # labels of mixed types ("a", 1): in order of their text
            found = sorted(found, key=repr)
        if len(found) != 2:
            raise ValueError(
                f"by: column {by!r} has {len(found)} values {v.format_values(found)}; "
                f"pass levels=[a, b] to choose the two groups to compare."
            )
        return tuple(found)
    levels = tuple(levels) if isinstance(levels, Sequence) and not isinstance(levels, str) else ()
    if len(levels) != 2 or levels[0] == levels[1]:
        raise ValueError(f"levels must name two different groups, got {levels!r}.")
    absent = [lv for lv in levels if not (g == lv).any()]
    if absent:
        raise ValueError(
            f"levels: {v.format_values(absent)} not found in column {by!r}; it has "
            f"{v.format_values(sorted(g.unique().tolist()))}."
        )
    return levels


def _run_mga(data, spec: ModelSpec, *, by, levels, n_perm, rng, settings) -> PLSMGAResult:
    scheme, standardized, missing, max_iter, tol = settings
    levels = _mga_levels(data, by, levels, missing)
    sub = v.unique_index(data[data[by].isin(levels)])  # groups are matched to rows by label
    x, _, n_imputed = _prepare(sub, spec, missing)
    x = x.fillna(x.mean()) if n_imputed else x
    first = (sub.loc[x.index, by] == levels[0]).to_numpy()
    st = pls_.Structure.from_spec(spec)
    need = max(len(p) for p in st.predecessors) + 2
    n_1, n_2 = int(first.sum()), int((~first).sum())
    if min(n_1, n_2) < need:
        raise ValueError(
            f"by: {n_1} and {n_2} usable rows in groups {levels[0]!r} and {levels[1]!r}; "
            f"each needs at least {need}."
        )
    arr = x.to_numpy(dtype=float)
    mga = _MGA(arr, st, by, levels, settings)
    observed = mga.paths(first[None, :], permuted=False)
    chunk = max(1, pls_.CHUNK_CELLS // (2 * arr.shape[0] * max(arr.shape[1], 1)))
    diffs = [
        mga.paths(rng.permuted(np.tile(first, (min(chunk, n_perm - start), 1)), axis=1), True)
        for start in range(0, n_perm, chunk)
    ]
    diff = observed[0] - observed[1]
    extreme = np.abs(np.vstack([d[0] - d[1] for d in diffs])) >= np.abs(diff[0]) - 1e-12
    table = pd.DataFrame(
        {
            **_pair_terms(st, st.paths),
            "estimate_1": observed[0][0],
            "estimate_2": observed[1][0],
            "difference": diff[0],
            "p_value": (1 + extreme.sum(axis=0)) / (1 + n_perm),
        }
    )
    return PLSMGAResult(table=table, by=by, levels=levels, n_1=n_1, n_2=n_2, n_perm=n_perm)


@dataclasses.dataclass(frozen=True)
class _MGA:
    """The items, model and settings of a multi-group test: paths of group splits."""

    x: np.ndarray
    st: pls_.Structure
    by: Hashable
    levels: tuple
    settings: tuple

    def paths(self, members: np.ndarray, permuted: bool) -> tuple[np.ndarray, np.ndarray]:
        """The paths in the two groups of each split (rows of ``members``: group 1)."""
        scheme, standardized, _, max_iter, tol = self.settings
        full_var = self.x.var(axis=0, ddof=1)
        out = []
        for g, m in enumerate((members, ~members)):
            s, var = _group_covariances(self.x, m, standardized)
            lost = var <= _bootstrap.VARIANCE_TOL * full_var
            if lost.any():
                self._refuse_constant(lost, m, g, permuted)
            w, _, change, conv = pls_.iterate(s, self.st, scheme, max_iter, tol)
            if not conv.all():
                i = int(np.flatnonzero(~conv)[0])
                _check_singular(s[i], self.st, self._where(g, permuted), w[i])
                raise pls_.not_converged(max_iter, float(change[i]), tol, "A group's PLS fit")
            beta = pls_.estimates(s, w, self.st)["beta"]
            out.append(np.column_stack([beta[:, a, b] for a, b in self.st.paths]))
        return out[0], out[1]

    def _where(self, g: int, permuted: bool) -> str:
        group = f"group {self.levels[g]!r}"
        return f"by: in a permuted {group}" if permuted else f"by: in {group}"

    def _refuse_constant(self, lost: np.ndarray, members, g: int, permuted: bool) -> None:
        split, j = (int(i) for i in np.argwhere(lost)[0])
        item = self.st.items[j]
        values = np.unique(self.x[members[split], j])
        if not permuted:
            raise ValueError(
                f"by: item {item!r} does not vary within group {self.levels[g]!r} (its "
                f"answers there: {v.format_values(values)}), so the group's PLS model "
                f"cannot be estimated. Drop the item from the model, or compare groups in "
                f"which it varies."
            )
        raise ValueError(
            f"by: item {item!r} lost its variation in {int(lost[:, j].sum())} permuted "
            f"group(s) of this chunk of the permutation test (it differs from its most "
            f"common value in too few rows), so those permutations cannot be estimated. "
            f"Drop the item from the model, or merge its rare answers with others."
        )
