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
import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import _bootstrap, _measures
from .. import _validate as v
from .._result import Result
from ..reliability import fornell_larcker, htmt
from . import _algorithm as pls_
from . import _plsboot, _plsfit, _plshoc, _plsinteract, _plsipma, _plsmicom, _plspredict
from ._plsipma import PLSIPMAResult
from ._plsmicom import MICOMResult
from ._plspredict import PLSPredictResult
from .syntax import ModelSpec, check_model_data, parse_model, term_columns

__all__ = [
    "MICOMResult",
    "PLSBootstrap",
    "PLSFitTest",
    "PLSIPMAResult",
    "PLSMGAResult",
    "PLSPredictResult",
    "PLSResult",
    "PLScWarning",
    "micom",
    "pls",
    "pls_mga",
]

SCHEMES = ("path", "centroid", "factorial")
MISSING = ("raise", "listwise", "mean")
BOOT_METHODS = ("percentile", "bca")
HTMT_THRESHOLDS = (0.85, 0.90)


class PLScWarning(UserWarning):
    """Consistent PLS gave an improper solution: a corrected construct correlation
    beyond 1 in absolute value (the reliabilities rho_A are too low for the observed
    score correlation; see :func:`pls`)."""


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
    augment: Any = None  # interaction terms: rebuilds their items from the rows
    item_sd: np.ndarray | None = None  # (1, p) item SDs before scaling (interactions)
    row_weights: np.ndarray | None = None  # survey weights of the rows (weights=)

    def estimates(self) -> dict[str, np.ndarray]:
        return pls_.estimates(self.s, self.w, self.st, self.item_sd)


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
    consistent : bool
        True for consistent PLS (PLSc): the paths, R-squared, effects and the loadings
        of the reflective constructs are corrected by rho_A (see :func:`pls`).
    construct_cor : pandas.DataFrame
        The construct correlations the paths are estimated from (K x K): the score
        correlations, divided by ``sqrt(rho_A_i rho_A_j)`` under PLSc.
    inadmissible : bool
        PLSc only: a corrected construct correlation exceeds 1 in absolute value (an
        improper solution; a :class:`PLScWarning` was issued). False for plain PLS.
    specific_effects : pandas.DataFrame
        Each route of two or more paths and its indirect effect (the product).
    model_fit : pandas.DataFrame
        SRMR, d_ULS and d_G of the saturated and estimated model (:meth:`fit_test`).
    first_stage : PLSResult or None
        Two-stage higher-order models: the stage-1 fit (lower-order loadings).
    weight_column : column name or None
        The survey-weight column (``weights=``; weighted PLS), as passed.
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
    consistent: bool = False
    inadmissible: bool = False
    weight_column: Hashable | None = None
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
        if self.consistent:
            facts.append(("consistent (PLSc)", "yes, improper" if self.inadmissible else "yes"))
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
        if self.weight_column is not None:  # from the weighted correlations
            f = self.fit_state
            pairs = [(a, b) for i, a in enumerate(blocks) for b in list(blocks)[i + 1 :]]
            values = pls_.htmt_stack(f.s, f.st)[0]
            return pd.DataFrame(
                {"construct_1": [a for a, _ in pairs], "construct_2": [b for _, b in pairs],
                 "htmt": values}
            )  # fmt: skip
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
    def specific_effects(self) -> pd.DataFrame:
        """Each route of two or more paths: ``term`` (``"COMP -> CUSA -> CUSL"``),
        ``lhs`` (target), ``op``, ``rhs`` (source), ``through`` (the mediators,
        comma-separated), ``estimate`` (the product of the paths)."""
        f = self.fit_state
        names, beta = f.st.constructs, f.estimates()["beta"]
        found = _plsboot.routes(f.st.paths, len(names))
        out = pd.DataFrame(term_columns((names[r[-1]], "~", names[r[0]]) for r in found))
        out["term"] = [_plsboot.route_label(r, names) for r in found]
        out["through"] = [", ".join(names[i] for i in r[1:-1]) for r in found]
        out["estimate"] = [p[0] for p in _plsboot.route_products(beta, found)]
        return out

    @functools.cached_property
    def first_stage(self) -> PLSResult | None:
        """Two-stage higher-order models: the stage-1 fit (its lower-order loadings
        and weights; see ``higher_order`` in :func:`pls`); None otherwise."""
        aug = self.fit_state.augment
        if not isinstance(aug, _plshoc.HocAugmenter):
            return None
        x = self.items.iloc[:, : aug.n_items]
        s, w, iterations = _fit_core(
            x, aug.first, self.scheme, self.standardized, self.max_iter, self.tol
        )
        return dataclasses.replace(
            self,
            **_tables(x, aug.first, s, w, self.standardized),
            iterations=iterations,
            model=aug.first_spec.to_lavaan(),
            items=x,
            fit_state=_FitState(s, w, aug.first, aug.first_spec),
        )

    @functools.cached_property
    def construct_cor(self) -> pd.DataFrame:
        """Construct correlations behind the paths (corrected by rho_A under PLSc)."""
        f = self.fit_state
        c = pls_.estimates(f.s, f.w, f.st)["scores_cor"][0]
        return pd.DataFrame(c, index=list(f.st.constructs), columns=list(f.st.constructs))

    @functools.cached_property
    def model_fit(self) -> pd.DataFrame:
        """SRMR, d_ULS and d_G of the saturated and the estimated model.

        One row per measure (``srmr``, ``d_uls``, ``d_g``), columns ``saturated``
        and ``estimated``. See :meth:`fit_test` for the definitions and the
        bootstrap test.
        """
        _refuse_generated(self, "model_fit")
        f = self.fit_state
        sd = np.sqrt(np.diagonal(f.s, axis1=1, axis2=2))
        r = f.s / (sd[:, :, None] * sd[:, None, :])
        values = {
            name: _plsfit.discrepancies(r, _plsfit.implied(f.s, f.w, f.st, name == "saturated"))[0]
            for name in ("saturated", "estimated")
        }
        return pd.DataFrame({"measure": list(_plsfit.MEASURES), **values})

    def fit_test(
        self,
        n_boot: int = 1000,
        *,
        seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    ) -> PLSFitTest:
        """Bootstrap test of exact model fit (Dijkstra & Henseler 2015).

        Parameters
        ----------
        n_boot : int, default 1000
            Resamples (2 to 10**6) for each of the two models.
        seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
            For the resamples (the same rows for the saturated and the estimated
            model).

        Returns
        -------
        PLSFitTest

        Raises
        ------
        ValueError
            The implied correlation matrix of a model is not positive definite (the
            test's transformed data do not exist), or more than half the resamples
            are degenerate.

        Notes
        -----
        *Implied matrix* (as cSEM's ``fit()``): a reflective construct (``=~``) is a
        common factor, its items correlating ``lambda_i lambda_j``; a composite
        (``<~``) leaves its block's correlations as observed; items of two blocks
        correlate ``lambda_i rho_kl lambda_j`` (loadings: the consistent ones under
        PLSc). The *saturated* model takes the construct correlations ``rho`` as
        estimated (:attr:`PLSResult.construct_cor`), the *estimated* model as implied
        by the paths (exogenous correlations as estimated, structural errors
        uncorrelated, with variances ``1 - R^2``).

        *Measures* (Henseler et al. 2014; Dijkstra & Henseler 2015; SmartPLS's
        names): SRMR, the root mean squared residual over the ``p(p + 1) / 2``
        correlations of the lower triangle (diagonal included); d_ULS, half the
        squared Euclidean distance ``0.5 sum_ij (r_ij - sigma_ij)^2`` (so
        ``d_ULS = SRMR^2 p(p + 1) / 2``); d_G, the geodesic distance
        ``0.5 sum (ln phi_i)^2`` over the eigenvalues of ``R^-1 Sigma``, natural
        logarithm (cSEM takes base 10: its d_G is ours divided by
        ``ln(10)^2 = 5.30``).

        *Test* (Bollen & Stine 1992, as adapted by Dijkstra & Henseler 2015; what
        SmartPLS runs): the standardized items ``Z`` are transformed to
        ``Z R^-1/2 Sigma^1/2``, whose correlation matrix is exactly ``Sigma`` (the
        data as if the model held); the model is refitted on ``n_boot`` resamples of
        those rows and each discrepancy recomputed. ``hi95`` and ``hi99`` are their
        95% and 99% quantiles: a value above ``hi95`` rejects exact fit at the 5%
        level. Henseler et al. (2016) read an SRMR below 0.08 as approximate fit.

        References
        ----------
        Bollen, K. A., & Stine, R. A. (1992). Bootstrapping goodness-of-fit
        measures in structural equation models. *Sociological Methods & Research*,
        21(2), 205-229.

        Dijkstra, T. K., & Henseler, J. (2015). Consistent and asymptotically normal
        PLS estimators for linear structural equations. *Computational Statistics
        & Data Analysis*, 81, 10-23.

        Henseler, J., Dijkstra, T. K., Sarstedt, M., et al. (2014). Common beliefs
        and reality about PLS. *Organizational Research Methods*, 17(2), 182-209.

        Henseler, J., Hubona, G., & Ray, P. A. (2016). Using PLS path modeling in
        new technology research: updated guidelines. *Industrial Management & Data
        Systems*, 116(1), 2-20.

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
        >>> data = cx.load_dataset("corp_rep_data")
        >>> fit = cx.pls(data, model, missing="mean", consistent=True)
        >>> test = fit.fit_test(n_boot=200, seed=1)
        >>> print(test.table.round(3).to_string(index=False))
        measure     model  value  hi95  hi99  exact_fit
           srmr saturated  0.056 0.041 0.046      False
          d_uls saturated  0.173 0.095 0.116      False
            d_g saturated  0.546 0.271 0.313      False
           srmr estimated  0.056 0.041 0.046      False
          d_uls estimated  0.173 0.095 0.116      False
            d_g estimated  0.546 0.271 0.313      False

        The structural model is saturated (every construct predicts the later ones),
        so the two models coincide; SRMR is below 0.08 (approximate fit) while exact
        fit is rejected.
        """
        return _run_fit_test(self, n_boot=n_boot, seed=seed)

    def predict(
        self,
        n_folds: int = 10,
        n_repeats: int = 10,
        *,
        technique: str = "direct",
        seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    ) -> PLSPredictResult:
        """PLSpredict: k-fold cross-validated predictions of the endogenous items.

        Parameters
        ----------
        n_folds : int, default 10
            Folds ``k`` (2 to n; ``n`` is leave-one-out).
        n_repeats : int, default 10
            Repetitions of the k-fold split, each with a fresh shuffle; the
            predictions of a row are averaged over them.
        technique : {"direct", "earliest"}, default "direct"
            Predict an endogenous construct from its direct antecedents' measured
            scores (seminr's default, ``predict_DA``), or propagate the exogenous
            scores through the model (``predict_EA``; Shmueli et al. 2016's
            original). The linear-model benchmark uses the items of the same
            predictors.
        seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
            For the shuffles: repetition ``r`` orders the rows by the ``r``-th
            ``permutation(n)`` of ``make_rng(seed)`` and cuts that order into
            ``k`` contiguous folds, as seminr (``cut(seq_len(n), k)``).

        Returns
        -------
        PLSPredictResult

        Raises
        ------
        ValueError
            A bad ``n_folds`` (a fold's training part must fit the model),
            ``n_repeats`` or ``technique``.
        cxresearch.ConvergenceError
            The fit of a fold does not converge.

        Notes
        -----
        For each fold the model is refitted on the other rows (every fold of every
        repetition at once); the held-out rows are standardized with the training
        means and SDs, scored with the training weights, their endogenous scores
        predicted from the paths and turned back into items with the loadings
        (times the training SD, plus the mean). With ``missing="mean"`` the missing
        values are replaced by the full-sample means first (as seminr).

        Per item: ``q2_predict = 1 - SSE(PLS) / SSE(training mean)`` (above 0: PLS
        beats the naive mean), RMSE and MAE of PLS and of the linear model (LM)
        regressing the item on the items of the predicting constructs.

        *Reading guide* (Shmueli et al. 2019), for the key target construct: first
        check ``q2_predict > 0`` for every item. Then use RMSE (MAE if the
        prediction errors are highly skewed) and count the items on which PLS
        predicts better than LM: all items -- high predictive power; the majority
        -- medium; a minority -- low; none -- the model lacks predictive power
        (``predictive_power``). Use 10 folds (each with enough rows to fit the
        model) and 10 repetitions.

        References
        ----------
        Shmueli, G., Ray, S., Velasquez Estrada, J. M., & Chatla, S. B. (2016). The
        elephant in the room: predictive performance of PLS models. *Journal of
        Business Research*, 69(10), 4552-4564.

        Shmueli, G., Sarstedt, M., Hair, J. F., Cheah, J.-H., Ting, H., Vaithilingam,
        S., & Ringle, C. M. (2019). Predictive model assessment in PLS-SEM:
        guidelines for using PLSpredict. *European Journal of Marketing*, 53(11),
        2322-2347.

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
        >>> pred = fit.predict(n_folds=10, n_repeats=10, seed=1)
        >>> cols = ["item", "q2_predict", "pls_rmse", "lm_rmse", "pls_better"]
        >>> print(pred.table[cols].round(3).to_string(index=False))
          item  q2_predict  pls_rmse  lm_rmse  pls_better
          cusa       0.283     0.996    0.992       False
        cusl_1       0.377     1.192    1.203        True
        cusl_2       0.491     1.240    1.253        True
        cusl_3       0.368     1.313    1.332        True
        >>> pred.predictive_power
        'medium (PLS beats LM on 3 of 4 items)'

        Every Q²_predict is above 0 and PLS beats the linear model on the loyalty
        items: medium predictive power (on CUSL, the key target, high).
        """
        return _run_predict(self, n_folds, n_repeats, technique, seed)

    def simple_slopes(self, outcome: str, *, x: str, moderator: str) -> pd.DataFrame:
        """Simple slopes of ``x`` on ``outcome`` at the moderator's mean and +-1 SD.

        For a model with the interaction term ``x:moderator`` (or ``moderator:x``):
        with the standardized scores, ``outcome = b_x x + b_m m + b_xm x m``, so the
        slope of ``x`` at moderator level ``m`` is ``b_x + b_xm m`` (Aiken & West
        1991). Draw it with :func:`cxresearch.plots.plot_pls_slopes`.

        Parameters
        ----------
        outcome : str
            The construct predicted (a target of ``x``, ``moderator`` and the term).
        x, moderator : str
            The focal construct and the moderator.

        Returns
        -------
        pandas.DataFrame
            One row per moderator level (``moderator_sd`` -1, 0, 1): ``slope`` and
            the predicted outcome at ``x`` = -1, 0 and +1 SD (``at_x_minus_1``,
            ``at_x_0``, ``at_x_plus_1``), as seminr's ``slope_analysis``.

        Raises
        ------
        ValueError
            No interaction term of ``x`` and ``moderator`` predicting ``outcome``.

        References
        ----------
        Aiken, L. S., & West, S. G. (1991). *Multiple Regression: Testing and
        Interpreting Interactions*. Sage.

        Examples
        --------
        Does prior expectation change how strongly the image drives satisfaction?

        >>> import cxresearch as cx
        >>> model = '''
        ...     IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
        ...     EXPE =~ CUEX1 + CUEX2 + CUEX3
        ...     SAT  =~ CUSA1 + CUSA2 + CUSA3
        ...     SAT ~ IMAG + EXPE + IMAG:EXPE
        ... '''
        >>> fit = cx.pls(cx.load_dataset("mobi"), model)  # two-stage interaction
        >>> print(fit.table[["term", "estimate"]].round(3).to_string(index=False))
                   term  estimate
             SAT ~ IMAG     0.586
             SAT ~ EXPE     0.215
        SAT ~ IMAG:EXPE    -0.043
        >>> slopes = fit.simple_slopes("SAT", x="IMAG", moderator="EXPE")
        >>> print(slopes.round(3).to_string(index=False))
         moderator_sd  slope  at_x_minus_1  at_x_0  at_x_plus_1
                 -1.0  0.630        -0.845  -0.215        0.415
                  0.0  0.586        -0.586   0.000        0.586
                  1.0  0.543        -0.328   0.215        0.758

        The image drives satisfaction a little less among customers who expected
        more (slope 0.54 at +1 SD against 0.63 at -1 SD); whether that difference is
        real is the bootstrap interval of ``SAT ~ IMAG:EXPE`` (:meth:`bootstrap`).
        """
        paths = self.table.set_index("term")["estimate"]
        term = next(
            (
                t
                for t in (f"{outcome} ~ {x}:{moderator}", f"{outcome} ~ {moderator}:{x}")
                if t in paths
            ),
            None,
        )
        if (
            term is None
            or f"{outcome} ~ {x}" not in paths
            or f"{outcome} ~ {moderator}" not in paths
        ):
            raise ValueError(
                f"simple_slopes: the model has no paths {outcome} ~ {x} + {moderator} + "
                f"{x}:{moderator}; add the interaction term to the model."
            )
        b_x, b_m, b_xm = (paths[f"{outcome} ~ {x}"], paths[f"{outcome} ~ {moderator}"], paths[term])
        levels = np.array([-1.0, 0.0, 1.0])
        out = pd.DataFrame({"moderator_sd": levels, "slope": b_x + b_xm * levels})
        for name, xv in [("at_x_minus_1", -1.0), ("at_x_0", 0.0), ("at_x_plus_1", 1.0)]:
            out[name] = b_x * xv + b_m * levels + b_xm * xv * levels
        return out

    def ipma(self, outcome: str, *, scale: tuple[float, float] | None = None) -> PLSIPMAResult:
        """Importance-performance map analysis (IPMA) for a target construct.

        Parameters
        ----------
        outcome : str
            The target construct (an endogenous one).
        scale : (low, high), optional
            The answer scale's end points (``(1, 7)``), to rescale every item to
            0-100; default each item's observed minimum and maximum.

        Returns
        -------
        PLSIPMAResult

        Raises
        ------
        ValueError
            ``outcome`` not an endogenous construct, a bad ``scale``, a fit with
            ``consistent=True``, interaction terms or survey weights, or a construct
            whose unstandardized weights sum to 0.

        Notes
        -----
        Ringle & Sarstedt (2016): items rescaled to 0-100; the weights of the
        standardized items divided by the items' SDs (unstandardized) and by their
        sum within the construct (rescaled weights, summing to 1); a construct's
        score is the rescaled-weighted sum of its rescaled items (0-100 when the
        weights are positive); *performance* is its mean. *Importance* is the total
        effect on the target in those units: the paths ``b * sd(target score) /
        sd(source score)``, then ``(I - B)^-1 - I``. Item importance is the rescaled
        weight times the construct's importance. A driver with high importance and
        low performance is where improvement pays most. Draw the map with
        :func:`cxresearch.plots.plot_pls_ipma`; the regression-based IPA of
        :func:`cxresearch.importance_performance` is its single-equation cousin.

        References
        ----------
        Ringle, C. M., & Sarstedt, M. (2016). Gain more insight from your PLS-SEM
        results: the importance-performance map analysis. *Industrial Management &
        Data Systems*, 116(9), 1865-1886.

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
        >>> res = fit.ipma("CUSL", scale=(1, 7))
        >>> print(res.table.round(3).to_string(index=False))
        construct  importance  performance
             COMP       0.109       67.124
             LIKE       0.523       57.528
             CUSA       0.607       74.004

        One point more of likeability (0-100) brings half a point of loyalty, and
        likeability performs worst: the lever to work on.
        """
        return _run_ipma(self, outcome, scale)

    @functools.cached_property
    def vif(self) -> pd.DataFrame:
        """Inner VIFs: each predictor among the predictors of its target."""
        f = self.fit_state
        return _vif_table(f.st, pls_.estimates(f.s, f.w, f.st)["scores_cor"][0])

    @functools.cached_property
    def effects(self) -> pd.DataFrame:
        """Direct, indirect and total effects."""
        f = self.fit_state
        return _effects_table(f.st, f.estimates())

    def bootstrap(
        self,
        n_boot: int = 5000,
        *,
        seed: int | np.random.Generator | np.random.SeedSequence | None = None,
        ci: float = 0.95,
        method: str = "percentile",
        sign_changes: str = "none",
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
        sign_changes : {"none", "construct", "individual"}, default "none"
            How a resample whose constructs came out mirrored is treated (see
            Notes): kept as estimated; construct-level sign changes; individual
            sign changes (Tenenhaus et al. 2005).

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

        **Sign changes.** A construct's orientation is arbitrary (weights ``-w`` fit
        as well as ``w``). With ``"none"`` (the default, SmartPLS's and seminr's)
        every resample is kept as estimated: the weights start at +1 for every item,
        so a construct whose items correlate positively keeps its orientation, and a
        flip shows up honestly as a wider interval. ``"construct"`` reverses a
        construct in a resample (all its weights, loadings and paths) when
        ``sum |l_orig - l_boot| > sum |l_orig + l_boot|`` over its loadings, before
        anything is computed from it. ``"individual"`` gives every statistic but HTMT
        the sign of its original estimate, ``|theta_boot| sign(theta_orig)``; it
        pulls every resample towards the original and makes intervals of estimates
        near 0 too narrow (Tenenhaus et al. 2005, section 3.4; Hair et al. 2017,
        ch. 5, advise "none" and "construct" over it).

        **Specific indirect effects.** Every route of two or more paths (``COMP ->
        CUSA -> CUSL``) gets a row of kind ``specific``: the product of its paths in
        each resample, as seminr's ``specific_effect_significance``; the rows of kind
        ``indirect`` are the total indirect effects (the sum over the routes).

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

        Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., & Lauro, C. (2005). PLS
        path modeling. *Computational Statistics & Data Analysis*, 48(1), 159-205.

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

        Each mediated route on its own (a specific indirect effect):

        >>> routes = boot.table.query("kind == 'specific'")
        >>> print(routes[["term", "estimate", "ci_low", "ci_high"]].round(3).to_string(index=False))
                        term  estimate  ci_low  ci_high
        COMP -> CUSA -> CUSL     0.082   0.017    0.151
        LIKE -> CUSA -> CUSL     0.214   0.144    0.280
        """
        return _run_bootstrap(
            self, n_boot=n_boot, seed=seed, ci=ci, method=method, sign_changes=sign_changes
        )


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class PLSBootstrap(Result):
    """What :meth:`PLSResult.bootstrap` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per statistic: ``kind`` (``path``, ``loading``, ``weight``,
        ``indirect`` (total indirect), ``specific`` (one route), ``total``,
        ``htmt``), then ``term, lhs, op, rhs`` as in every latent-model table
        (``"COMP -> CUSA -> CUSL"`` for a route, its ``lhs`` the target and ``rhs``
        the source; ``"SAT ~ IMAG"`` for a path, indirect or total effect,
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
        ``"none"``, ``"construct"`` or ``"individual"`` (see
        :meth:`PLSResult.bootstrap`).
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
class PLSFitTest(Result):
    """What :meth:`PLSResult.fit_test` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per measure and model: ``measure`` (``srmr``, ``d_uls``, ``d_g``),
        ``model`` (``saturated`` or ``estimated``), ``value`` (the discrepancy of
        the fit), ``hi95`` and ``hi99`` (the 95% and 99% quantiles of its bootstrap
        distribution under exact fit), ``exact_fit`` (``value <= hi95``: exact fit
        not rejected at the 5% level).
    draws : pandas.DataFrame
        The resampled discrepancies, one column per ``model: measure``.
    n_boot, n_redrawn : int
        Resamples kept (per model), and resamples redrawn because they were
        degenerate (both models together).
    """

    draws: pd.DataFrame = dataclasses.field(repr=False, metadata={"export": False})
    n_boot: int
    n_redrawn: int

    _title = "PLS model fit: SRMR, d_ULS, d_G and the bootstrap test of exact fit"


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


def _fit_core(x: pd.DataFrame, st: pls_.Structure, scheme, standardized, max_iter, tol, rw=None):
    idx = np.arange(len(x))[None, :]
    s, _ = pls_.cov_stack(x.to_numpy(dtype=float), idx, standardized, row_weights=rw)
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


def _check_plsc(s: np.ndarray, w: np.ndarray, st: pls_.Structure) -> bool:
    """Refuse a PLSc fit with rho_A <= 0 or undetermined paths; warn on |cor| > 1.

    Returns whether the solution is improper (a corrected correlation beyond 1).
    """
    with np.errstate(invalid="ignore"):
        est = pls_.estimates(s, w, st)
    rho, c, names = est["rho_a"][0], est["scores_cor"][0], st.constructs
    low = [f"{names[k]} ({rho[k]:.3g})" for k in st.consistent if not rho[k] > 0]
    if low:
        raise ValueError(
            f"consistent=True: rho_A is not positive for {', '.join(low)}, so the PLSc "
            f"correction (dividing by sqrt(rho_A)) is undefined. Check the items' signs "
            f"(reverse-keyed items), or measure the construct as a composite ('<~')."
        )
    over = [
        f"{names[i]} ~~ {names[j]} ({c[i, j]:.3f})"
        for i in range(len(names))
        for j in range(i + 1, len(names))
        if abs(c[i, j]) > 1
    ]
    if not np.isfinite(est["beta"]).all():
        raise ValueError(
            f"consistent=True: the corrected construct correlations of the predictors of a "
            f"construct are not positive definite{' (' + ', '.join(over) + ')' if over else ''}"
            f", so the PLSc paths are not determined. Use plain PLS (consistent=False), "
            f"or merge the constructs."
        )
    if over:
        warnings.warn(
            PLScWarning(
                f"consistent=True: corrected construct correlation(s) beyond 1: "
                f"{', '.join(over)} (an improper solution: the constructs are not "
                f"distinguishable, or their reliabilities are underestimated)."
            ),
            stacklevel=3,
        )
    return bool(over)


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
    return [  # an item measuring two constructs (repeated indicators) is in two rows
        (st.constructs[k], "<~" if k in st.mode_b else "=~", st.items[i])
        for i, k in np.argwhere(st.mask)
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


def _scores(x: pd.DataFrame, w: np.ndarray, st: pls_.Structure, standardized: bool, rw=None):
    arr = x.to_numpy(dtype=float)
    arr = np.where(np.isnan(arr), np.nanmean(arr, axis=0), arr) if np.isnan(arr).any() else arr
    rw = np.ones(len(arr)) if rw is None else rw
    xc = arr - (rw @ arr) / rw.sum()
    if standardized:
        xc = xc / np.sqrt((rw @ xc**2) / (rw.sum() - 1))
    return pd.DataFrame(xc @ w, index=x.index, columns=list(st.constructs))


def _tables(x, st, s, w, standardized, item_sd=None, rw=None) -> dict[str, pd.DataFrame]:
    est = pls_.estimates(s, w, st, item_sd)
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
        "scores": _scores(x, w[0], st, standardized, rw),
    }


# ------------------------------------------------------------------------- public API


def _checked_model(
    data: Any, model: Any, settings: tuple, method: str | None = None, hoc: str = "disjoint"
) -> tuple:
    """The parsed model and the data (ordered Categoricals as their codes), both checked.

    With an interaction ``method`` (cx.pls) returns the model without its interaction
    terms (``A:B``; with higher-order constructs: the first-stage model of the
    approach ``hoc``), the data, the model with the terms as constructs, the terms and
    the higher-order split (:func:`_plshoc.split_hoc`, or None); without one
    (``pls_mga``, ``micom``) interaction terms and higher-order constructs are refused.
    """
    v.check_dataframe(data)
    _check_settings(*settings)
    spec = parse_model(model)
    main, full, inters = _plsinteract.split_spec(spec, method or "two_stage")
    higher = _plshoc.split_hoc(main, hoc)
    if (inters or higher) and method is None:
        what = f"interaction terms ({inters[0].name})" if inters else "higher-order constructs"
        raise ValueError(
            f"model: {what} are supported by cx.pls only (not by a multi-group comparison)."
        )
    if inters and higher:
        raise ValueError("model: interaction terms and higher-order constructs together.")
    # checked as the disjoint first stage (every item once, every construct linked)
    checked = _plshoc.split_hoc(main, "disjoint")[0] if higher else main
    main = higher[0] if higher else main
    present = [c for c in main.items if c in data.columns and isinstance(data[c], pd.Series)]
    data = v.likert_as_codes(data, present, "model")  # answers read with value labels
    check_model_data(checked, data, family="pls")
    return (main, data, full, inters, higher) if method else (main, data)


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
    consistent: bool = False,
    interaction_method: str = "two_stage",
    higher_order: str = "disjoint",
    weights: Hashable | None = None,
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
        ``TARGET ~ SOURCE1 + SOURCE2`` (paths; no cycles), ``#`` comments. An
        interaction term ``A:B`` of two constructs (``A:A``: a quadratic term) may
        predict a construct: ``SAT ~ IMAG + EXPE + IMAG:EXPE`` (see
        ``interaction_method``); its path is named ``"SAT ~ IMAG:EXPE"``.
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
    consistent : bool, default False
        Consistent PLS (PLSc; Dijkstra & Henseler 2015): every reflective construct
        (``=~``) is read as a common factor and corrected for measurement error;
        composites (``<~``) are left as they are. Equal to seminr's ``reflective()``
        constructs (``mode_plsc``). See Notes.
    interaction_method : {"two_stage", "product_indicator", "orthogonal"}
        How an interaction term ``A:B`` is measured (default ``"two_stage"``, the
        choice of Hair et al. and SmartPLS): two-stage -- the model without its
        interaction terms is fitted first and the product of the two scores is the
        term's single item (Chin et al. 2003; Henseler & Chin 2010); product
        indicator -- every product of a standardized A item and a standardized B
        item; orthogonal -- those products, each made uncorrelated with A's and B's
        items (residuals of an OLS regression; Little et al. 2006). The generated
        items are rebuilt in every bootstrap resample; the term's score enters the
        regressions with the loading-weighted SD of its items (Henseler & Chin
        2010; with ``consistent=True`` standardized), as seminr's
        ``interaction_term``. Simple slopes:
        :meth:`PLSResult.simple_slopes`.
    higher_order : {"disjoint", "embedded", "repeated"}, default "disjoint"
        How a higher-order construct (``REP =~ COMP + LIKE``: a construct over
        constructs of the model, its dimensions; ``<~`` for a formative one) is
        estimated: ``"repeated"`` -- repeated indicators (the construct measured by
        every item of its dimensions, linked to them by paths: ``REP -> COMP`` for
        ``=~``, ``COMP -> REP`` for ``<~``; one fit); ``"embedded"`` -- embedded
        two-stage (stage 1: that repeated-indicators model; stage 2: the construct
        measured by the dimensions' stage-1 scores, the dimensions leaving the model);
        ``"disjoint"`` -- disjoint two-stage, seminr's ``higher_composite`` (stage 1:
        the model without the construct, its dimensions in its place, linked to
        each of its antecedents and outcomes; stage 2 as embedded). Stage 2's items
        are named after the dimensions (``"REP =~ COMP"``); the stage-1 scores are
        rebuilt in every bootstrap resample. A dimension may not be in a path itself
        (Becker, Klein & Wetzels 2012; Sarstedt et al. 2019).
    weights : column name, optional
        Survey weights (Becker & Ismail 2016's weighted PLS): every covariance of
        the algorithm is weighted, ``sum w (x - m)(y - m) / (sum w - 1)`` (frequency
        weights: integer weights fit as repeated rows), and so are the scores'
        standardization and the bootstrap's refits (a resampled row keeps its
        weight). With ``missing="raise"`` or ``"listwise"``; not with interaction
        terms, ``predict`` or ``fit_test``.

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

    Warns
    -----
    PLScWarning
        ``consistent=True`` and a corrected construct correlation exceeds 1 in absolute
        value (an improper solution; ``inadmissible`` is then True). A reliability
        rho_A at or below 0 raises ``ValueError`` instead.

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

    *PLSc* (``consistent=True``; Dijkstra & Henseler 2015) keeps the weights and scores
    of plain PLS and corrects what is computed from them. With ``w_k`` the converged
    weights of the standardized items of a reflective block and ``R_k`` their
    correlations, the block's reliability is
    ``rho_A = (w'w)^2 w'(R_k - I)w / ((w'w)^2 - sum w^4)`` (the table ``reliability``);
    the construct correlations are the score correlations divided by
    ``sqrt(rho_A_i rho_A_j)`` (``construct_cor``; rho_A = 1 for a composite or a single
    item); the paths are OLS on those corrected correlations, R-squared and effects
    follow; a reflective construct's loadings are ``w sqrt(rho_A) / (w'w)``.

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

    Chin, W. W., Marcolin, B. L., & Newsted, P. R. (2003). A partial least squares
    latent variable modeling approach for measuring interaction effects.
    *Information Systems Research*, 14(2), 189-217.

    Henseler, J., & Chin, W. W. (2010). A comparison of approaches for the analysis
    of interaction effects between latent variables using partial least squares path
    modeling. *Structural Equation Modeling*, 17(1), 82-109.

    Becker, J.-M., Klein, K., & Wetzels, M. (2012). Hierarchical latent variable
    models in PLS-SEM: guidelines for using reflective-formative type models. *Long
    Range Planning*, 45(5-6), 359-394.

    Sarstedt, M., Hair, J. F., Cheah, J.-H., Becker, J.-M., & Ringle, C. M. (2019).
    How to specify, estimate, and validate higher-order constructs in PLS-SEM.
    *Australasian Marketing Journal*, 27(3), 197-211.

    Becker, J.-M., & Ismail, I. R. (2016). Accounting for sampling weights in PLS
    path modeling: simulations and empirical examples. *European Management
    Journal*, 34(6), 606-617.

    Little, T. D., Bovaird, J. A., & Widaman, K. F. (2006). On the merits of
    orthogonalizing powered and product terms. *Structural Equation Modeling*,
    13(4), 497-519.

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

    The same model with consistent PLS: the paths between the multi-item constructs
    grow (they were attenuated by measurement error), the loadings shrink:

    >>> plsc = cx.pls(cx.load_dataset("corp_rep_data"), model, missing="mean", consistent=True)
    >>> print(plsc.table[["term", "estimate"]].round(4).to_string(index=False))
           term  estimate
    CUSA ~ COMP    0.0757
    CUSA ~ LIKE    0.5193
    CUSL ~ COMP   -0.1113
    CUSL ~ LIKE    0.5320
    CUSL ~ CUSA    0.4981
    >>> plsc.consistent, plsc.inadmissible
    (True, False)

    Survey weights (weighted PLS): a row of weight 2 counts as two rows.

    >>> data = cx.load_dataset("mobi").assign(w=lambda d: 1 + (d["CUSCO"] > 7))
    >>> small = "IMAG =~ IMAG1 + IMAG2 + IMAG3; SAT =~ CUSA1 + CUSA2 + CUSA3; SAT ~ IMAG"
    >>> weighted = cx.pls(data, small, weights="w")
    >>> repeated = cx.pls(data.loc[data.index.repeat(data["w"])], small)
    >>> bool(abs(weighted.table["estimate"] - repeated.table["estimate"]).max() < 1e-12)
    True

    A higher-order construct: reputation over competence and likeability (disjoint
    two-stage, as seminr's ``higher_composite``):

    >>> hoc = '''
    ...     COMP =~ comp_1 + comp_2 + comp_3
    ...     LIKE =~ like_1 + like_2 + like_3
    ...     CUSA =~ cusa
    ...     CUSL =~ cusl_1 + cusl_2 + cusl_3
    ...     REP =~ COMP + LIKE
    ...     CUSA ~ REP
    ...     CUSL ~ REP + CUSA
    ... '''
    >>> rep = cx.pls(cx.load_dataset("corp_rep_data"), hoc, missing="mean")
    >>> print(rep.table[["term", "estimate"]].round(3).to_string(index=False))
           term  estimate
     CUSA ~ REP     0.537
     CUSL ~ REP     0.319
    CUSL ~ CUSA     0.518
    >>> reputation = rep.loadings.query("lhs == 'REP'")
    >>> print(reputation[["term", "loading"]].round(3).to_string(index=False))
           term  loading
    REP =~ COMP     0.88
    REP =~ LIKE     0.93
    """
    v.check_one_of(interaction_method, _plsinteract.METHODS, "interaction_method")
    v.check_one_of(higher_order, _plshoc.METHODS, "higher_order")
    settings = (scheme, standardized, missing, max_iter, tol)
    spec, data, full, inters, hoc = _checked_model(
        data, model, settings, interaction_method, higher_order
    )
    v.check_bool(consistent, "consistent")
    x, n_dropped, n_imputed = _prepare(data, spec, missing)
    rw = _row_weights(data, x, weights, missing, inters or hoc)
    augment = None
    if inters:
        main = pls_.Structure.from_spec(spec)
        augment = _plsinteract.Augmenter(
            main, tuple(inters), interaction_method, scheme, max_iter, float(tol)
        )
        x, spec = _augmented(x, augment), full
    elif hoc and hoc[2]:  # two-stage: the dimensions' stage-1 scores are items
        first = pls_.Structure.from_spec(hoc[0])
        augment = _plshoc.HocAugmenter(
            first, tuple(hoc[2]), scheme, max_iter, float(tol), first_spec=hoc[0]
        )
        x, spec = _augmented(x, augment), hoc[1]
    st = pls_.Structure.from_spec(spec, consistent=consistent, items=x.columns)
    s, w, iterations = _fit_core(x, st, scheme, standardized, max_iter, tol, rw)
    inadmissible = _check_plsc(s, w, st) if consistent else False
    item_sd = None
    if augment is not None:  # interaction terms: their items' SDs rescale their scores
        arr = x.to_numpy(dtype=float)
        item_sd = np.where(np.isnan(arr), np.nanmean(arr, axis=0), arr).std(axis=0, ddof=1)[None]
    tables = _tables(x, st, s, w, standardized, item_sd, rw)
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
        consistent=consistent,
        inadmissible=inadmissible,
        weight_column=weights,
        max_iter=max_iter,
        tol=float(tol),
        items=x,
        fit_state=_FitState(s, w, st, spec, augment, item_sd, rw),
    )


def _row_weights(data: pd.DataFrame, x: pd.DataFrame, weights, missing: str, inters):
    """The survey weights of the rows used (None without ``weights``), checked."""
    if weights is None:
        return None
    v.check_weights(data, weights)
    if missing == "mean" or inters:
        raise ValueError(
            f"weights: survey weights are supported with missing='raise' or 'listwise' and "
            f"without interaction terms or higher-order constructs; got missing={missing!r}"
            f"{' and such a term' if inters else ''}."
        )
    rw = data.loc[x.index, weights].to_numpy(dtype=float)
    if np.isnan(rw).any() or rw.sum() <= 1:
        raise ValueError(
            f"weights: column {weights!r} is missing in {int(np.isnan(rw).sum())} used row(s) "
            f"or sums to 1 or less; every row needs a weight."
        )
    return rw


def _augmented(x: pd.DataFrame, augment) -> pd.DataFrame:
    """The items with the generated items (interaction terms, stage-1 scores) appended."""
    arr = x.to_numpy(dtype=float)
    filled = np.where(np.isnan(arr), np.nanmean(arr, axis=0), arr)
    with np.errstate(invalid="ignore"):
        generated = augment(filled[None])[0, :, arr.shape[1] :]
    if not np.isfinite(generated).all():
        raise ValueError(
            f"model: the first stage of the two-stage {augment.label} did not converge or "
            f"is singular; fit the first-stage model on its own to see why."
        )
    return pd.concat([x, pd.DataFrame(generated, index=x.index, columns=augment.names)], axis=1)


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


def micom(
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
) -> MICOMResult:
    """Measurement invariance of composites across two groups (MICOM), before
    :func:`pls_mga`.

    Parameters
    ----------
    data, model, by, levels, n_perm, seed, scheme, standardized, missing, max_iter, tol
        As in :func:`pls_mga` (the same groups, rows and permutations).

    Returns
    -------
    MICOMResult

    Raises
    ------
    ValueError
        As :func:`pls_mga`.
    cxresearch.ConvergenceError
        A group's (or a permuted group's) fit does not converge.

    Notes
    -----
    Henseler, Ringle & Sarstedt (2016). Step 1 (configural invariance: one model,
    the same items and data treatment) holds by construction. Step 2: each
    construct's scores built with group 1's weights and with group 2's, both on the
    pooled data, correlate ``c = w1' S w2 / sqrt(w1' S w1 w2' S w2)``; the group
    labels are shuffled ``n_perm`` times and the groups refitted (all at once);
    compositional invariance holds when ``c`` is at or above the 5% quantile of the
    permuted ``c`` (p-value: ``(1 + #{c* <= c}) / (1 + n_perm)``). Step 3: the scores
    of the pooled fit (mean 0, variance 1) are compared across the groups -- mean
    difference and log-variance difference against their permutation distributions
    (95% intervals; two-sided p-values). Full invariance (steps 2 and 3) allows
    pooling the groups; partial invariance (step 2) allows comparing their paths
    with :func:`pls_mga`.

    References
    ----------
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2016). Testing measurement
    invariance of composites using partial least squares. *International Marketing
    Review*, 33(3), 405-431.

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
    >>> data = cx.load_dataset("corp_rep_data")
    >>> res = cx.micom(data, model, by="servicetype", n_perm=500, seed=1, missing="mean")
    >>> cols = ["construct", "c", "c_q05", "compositional", "mean_p_value", "var_p_value"]
    >>> print(res.table[cols].round(3).to_string(index=False))
    construct     c  c_q05  compositional  mean_p_value  var_p_value
         COMP 0.993  0.988           True         0.599        0.289
         LIKE 1.000  0.997           True         0.653        0.916
         CUSA 1.000  1.000           True         0.355        0.218
         CUSL 1.000  0.998           True         0.565        0.727
    >>> res.table["invariance"].tolist()
    ['full', 'full', 'full', 'full']

    Full invariance: the two service types could even be pooled; a path comparison
    (:func:`pls_mga`) is meaningful.
    """
    spec, data = _checked_model(data, model, (scheme, standardized, missing, max_iter, tol))
    v.check_columns(data, by, "by")
    return _run_micom(
        data,
        spec,
        by=by,
        levels=levels,
        n_perm=v.check_resample_count(n_perm, "n_perm"),
        rng=v.make_rng(seed),
        settings=(scheme, standardized, missing, max_iter, float(tol)),
    )


def _run_micom(data, spec: ModelSpec, *, by, levels, n_perm, rng, settings) -> MICOMResult:
    scheme, standardized, missing, max_iter, tol = settings
    levels = _mga_levels(data, by, levels, missing)
    sub = v.unique_index(data[data[by].isin(levels)])
    x, _, n_imputed = _prepare(sub, spec, missing)
    x = x.fillna(x.mean()) if n_imputed else x
    first = (sub.loc[x.index, by] == levels[0]).to_numpy()
    st = pls_.Structure.from_spec(spec)
    arr = x.to_numpy(dtype=float)
    s_pool, w_pool, _ = _fit_core(x, st, scheme, standardized, max_iter, tol)
    w_pool = pls_.unit_variance(s_pool, w_pool)[0]
    z = arr - arr.mean(axis=0)
    z = z / arr.std(axis=0, ddof=1) if standardized else z
    scores = z @ w_pool
    mga = _MGA(arr, st, by, levels, settings)

    def step2(members: np.ndarray, permuted: bool) -> np.ndarray:
        (_, w1), (_, w2) = mga.fits(members, permuted)
        return _plsmicom.compositional(w1, w2, s_pool[0])

    c = step2(first[None, :], permuted=False)[0]
    chunk = max(1, pls_.CHUNK_CELLS // (2 * arr.shape[0] * max(arr.shape[1], 1)))
    perms = [
        rng.permuted(np.tile(first, (min(chunk, n_perm - start), 1)), axis=1)
        for start in range(0, n_perm, chunk)
    ]
    c_perm = np.vstack([step2(p, permuted=True) for p in perms])
    members = np.vstack(perms)
    (mean_obs, var_obs), (mean_perm, var_perm) = (
        (d[0] for d in _plsmicom.mean_variance(scores, first[None, :])),
        _plsmicom.mean_variance(scores, members),
    )
    return _micom_result(
        st, c, c_perm, (mean_obs, mean_perm), (var_obs, var_perm),
        (by, levels, int(first.sum()), int((~first).sum()), n_perm),
    )  # fmt: skip


def _micom_result(st, c, c_perm, means, variances, info) -> MICOMResult:
    n_perm = info[-1]
    q05 = np.quantile(c_perm, 0.05, axis=0)
    table = pd.DataFrame(
        {
            "construct": list(st.constructs),
            "c": c,
            "c_q05": q05,
            "c_p_value": (1 + (c_perm <= c + 1e-12).sum(axis=0)) / (1 + n_perm),
            "compositional": c >= q05,
        }
    )
    for name, (obs, perm) in [("mean", means), ("var", variances)]:
        column = "mean_diff" if name == "mean" else "log_var_diff"
        table[column] = obs
        table[f"{name}_ci_low"] = np.quantile(perm, 0.025, axis=0)
        table[f"{name}_ci_high"] = np.quantile(perm, 0.975, axis=0)
        extreme = (np.abs(perm) >= np.abs(obs) - 1e-12).sum(axis=0)
        table[f"{name}_p_value"] = (1 + extreme) / (1 + n_perm)
    equal = table["mean_ci_low"].le(table["mean_diff"]) & table["mean_diff"].le(
        table["mean_ci_high"]
    )
    equal &= table["var_ci_low"].le(table["log_var_diff"]) & table["log_var_diff"].le(
        table["var_ci_high"]
    )
    table["invariance"] = np.where(
        table["compositional"], np.where(equal, "full", "partial"), "none"
    )
    by, levels, n_1, n_2, _ = info
    return MICOMResult(table=table, by=by, levels=levels, n_1=n_1, n_2=n_2, n_perm=n_perm)


# -------------------------------------------------------------------------- bootstrap


def _labels(st: pls_.Structure, sign_changes: str = "none") -> tuple[list[tuple], dict]:
    """The (kind, lhs, op, rhs) of every bootstrapped statistic, and where to find it."""
    names, k = st.constructs, len(st.constructs)
    reach = np.linalg.matrix_power(np.eye(k) + st.path_matrix, k) - np.eye(k)
    via = st.path_matrix @ reach  # a route of two or more paths
    total = [(a, b) for a in range(k) for b in range(k) if a != b and reach[a, b] > 0]
    indirect = [(a, b) for a, b in total if via[a, b] > 0]
    routes = _plsboot.routes(st.paths, k)
    measured = _measurement_rows(st)
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    labels = (
        [("path", names[b], "~", names[a]) for a, b in st.paths]
        + [("loading", *t) for t in measured]
        + [("weight", *t) for t in measured]
        + [("indirect", names[b], "~", names[a]) for a, b in indirect]
        + [("specific", names[r[-1]], "~", names[r[0]]) for r in routes]
        + [("total", names[b], "~", names[a]) for a, b in total]
        + [("htmt", names[i], "~~", names[j]) for i, j in pairs]
    )
    where = {
        "indirect": indirect,
        "routes": routes,
        "total": total,
        "n": len(labels),
        "sign_changes": sign_changes,
        "free": np.array([label[0] != "htmt" for label in labels]),
    }
    return labels, where


def _statistics(s, w, st: pls_.Structure, where: dict, item_sd=None) -> np.ndarray:
    """Every bootstrapped statistic of a stack of fits, one row per matrix.

    Once ``where`` holds the original estimates (``reference``), the sign changes
    chosen (``where["sign_changes"]``) are applied to the stack.
    """
    est = pls_.estimates(s, w, st, item_sd)
    reference = where.get("reference")
    if reference is not None and where["sign_changes"] == "construct":
        owner = np.argwhere(st.mask)[:, 1]
        signs = _plsboot.construct_signs(
            est["loadings"], where["reference_loadings"], owner, len(st.constructs)
        )
        if (signs < 0).any():  # mirrored constructs: their weights turned around
            est = pls_.estimates(s, w * signs[:, None, :], st, item_sd)
    beta, total = est["beta"], est["total"]
    cols = [beta[:, a, b] for a, b in st.paths]
    cols += list(est["loadings"].T) + list(est["weights"].T)
    cols += [total[:, a, b] - beta[:, a, b] for a, b in where["indirect"]]
    cols += _plsboot.route_products(beta, where["routes"])
    cols += [total[:, a, b] for a, b in where["total"]]
    cols += list(pls_.htmt_stack(s, st).T)
    out = np.column_stack(cols)
    if reference is not None and where["sign_changes"] == "individual":
        out = _plsboot.individual_signs(out, reference, where["free"])
    return out


def _resample_indices(n: int, rngs: list) -> np.ndarray:
    """One resample of ``n`` row indices from each generator (resample b from rngs[b])."""
    return np.stack([rng.integers(0, n, size=n) for rng in rngs])


def _refit(x, idx, st, fit: PLSResult, where, full_var):
    """Statistics of the resamples ``idx``, and which of them are degenerate.

    The statistics are :func:`_statistics`, or ``where["stat"](s, w)`` when given.
    """
    augment = None if "x" in where else fit.fit_state.augment
    s, var = pls_.cov_stack(x, idx, fit.standardized, augment, fit.fit_state.row_weights)
    lost = (var <= _bootstrap.VARIANCE_TOL * full_var).any(axis=1)
    out = np.full((idx.shape[0], where["n"]), np.nan)
    good = np.flatnonzero(~lost)
    w, _, _, conv = pls_.iterate(s[good], st, fit.scheme, fit.max_iter, fit.tol)
    with np.errstate(invalid="ignore"):  # a singular resample: NaN, redrawn below
        kept = good[conv]
        stat = where.get("stat")
        sd = np.sqrt(var[kept])
        out[kept] = stat(s[kept], w[conv]) if stat else _statistics(s[kept], w[conv], st, where, sd)
    bad = lost | ~np.isfinite(out).all(axis=1)  # unconverged or singular: redrawn
    return out, bad


def _draw_statistics(fit: PLSResult, st, where: dict, n_boot: int, seed: Any):
    """The statistics of ``n_boot`` valid resamples; degenerate ones redrawn.

    The rows are drawn from the model's items, or from ``where["x"]`` when given.
    """
    x = where["x"] if "x" in where else _original_items(fit)
    n = x.shape[0]
    full_var = np.nanvar(x if "x" in where else fit.items.to_numpy(dtype=float), axis=0, ddof=1)
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


def _original_items(fit: PLSResult) -> np.ndarray:
    """The model's items as measured (without the generated items of interactions)."""
    x = fit.items.to_numpy(dtype=float)
    augment = fit.fit_state.augment
    return x if augment is None else x[:, : augment.n_items]


def _jackknife(fit: PLSResult, st, where) -> np.ndarray:
    """The statistics with each row left out in turn (for the BCa acceleration)."""
    x = _original_items(fit)
    n = x.shape[0]
    chunk = max(1, pls_.CHUNK_CELLS // (n * x.shape[1]))
    out = []
    for start in range(0, n, chunk):
        rows = np.arange(start, min(n, start + chunk))
        idx = np.stack([np.delete(np.arange(n), i) for i in rows])
        s, var = pls_.cov_stack(
            x, idx, fit.standardized, fit.fit_state.augment, fit.fit_state.row_weights
        )
        w, _, change, conv = pls_.iterate(s, st, fit.scheme, fit.max_iter, fit.tol)
        if not conv.all():
            i = int(np.flatnonzero(~conv)[0])
            _check_singular(s[i], st, f"method='bca': leaving out row {rows[i]} (jackknife)")
            raise pls_.not_converged(fit.max_iter, float(change.max()), fit.tol, "A jackknife fit")
        out.append(_statistics(s, w, st, where, np.sqrt(var)))
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


def _run_bootstrap(fit: PLSResult, *, n_boot, seed, ci, method, sign_changes) -> PLSBootstrap:
    n_boot = v.check_resample_count(n_boot, "n_boot", minimum=2)
    ci = v.check_level(ci)
    v.check_one_of(method, BOOT_METHODS, "method")
    v.check_one_of(sign_changes, _plsboot.SIGN_CHANGES, "sign_changes")
    state = fit.fit_state  # the model as parsed and fitted once: nothing is refitted here
    st = state.st
    labels, where = _labels(st, sign_changes)
    est = _statistics(state.s, state.w, st, where, state.item_sd)[0]
    where["reference"] = est
    where["reference_loadings"] = state.estimates()["loadings"][0]
    boot, n_redrawn = _draw_statistics(fit, st, where, n_boot, seed)
    jack = _jackknife(fit, st, where) if method == "bca" else None
    constant = _bootstrap.constant_columns(boot, est)
    lo, hi = _intervals(boot, est, ci, method, jack, constant)
    # a constant statistic's SD is rounding noise (1.7e-16): its SE is 0, with no statistic
    se = np.where(constant, 0.0, boot.std(axis=0, ddof=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(se > 0, est / se, np.nan)
    terms = term_columns(label[1:] for label in labels)
    names = st.constructs
    specific = iter(_plsboot.route_label(r, names) for r in where["routes"])
    terms["term"] = [
        next(specific) if k[0] == "specific" else t
        for k, t in zip(labels, terms["term"], strict=True)
    ]
    table = pd.DataFrame(
        {
            "kind": [label[0] for label in labels],
            **terms,
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
        table=table,
        htmt=ht,
        draws=draws,
        n_boot=n_boot,
        n_redrawn=n_redrawn,
        ci=ci,
        method=method,
        sign_changes=sign_changes,
    )


def _fit_test_draws(fit: PLSResult, z, r, saturated: bool, n_boot: int, seed):
    """Discrepancies of ``n_boot`` resamples of the items transformed to fit exactly."""
    state = fit.fit_state
    sigma = _plsfit.implied(state.s, state.w, state.st, saturated)[0]
    smallest = np.linalg.eigvalsh(sigma)[0]
    if smallest <= pls_.SINGULAR_TOL:
        name = "saturated" if saturated else "estimated"
        raise ValueError(
            f"fit_test: the {name} model's implied item correlation matrix is not "
            f"positive definite (smallest eigenvalue {smallest:.3g}), so no data can fit "
            f"it exactly and the bootstrap test is undefined (model_fit is not)."
        )

    def stat(s: np.ndarray, w: np.ndarray) -> np.ndarray:
        sd = np.sqrt(np.diagonal(s, axis1=1, axis2=2))
        rb = s / (sd[:, :, None] * sd[:, None, :])
        return _plsfit.discrepancies(rb, _plsfit.implied(s, w, state.st, saturated))

    x = z @ _plsfit.root(r, inverse=True) @ _plsfit.root(sigma)
    return _draw_statistics(fit, state.st, {"x": x, "stat": stat, "n": 3}, n_boot, seed)


def _run_fit_test(fit: PLSResult, *, n_boot, seed) -> PLSFitTest:
    """Bollen-Stine bootstrap of the fit measures, for the saturated and estimated model."""
    n_boot = v.check_resample_count(n_boot, "n_boot", minimum=2)
    _refuse_interactions(fit, "fit_test()")
    x = fit.items.to_numpy(dtype=float)
    x = np.where(np.isnan(x), np.nanmean(x, axis=0), x)
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    r = np.corrcoef(z, rowvar=False)
    values = fit.model_fit.set_index("measure")
    draws, rows, n_redrawn = {}, [], 0
    for name in ("saturated", "estimated"):
        boot, redrawn = _fit_test_draws(fit, z, r, name == "saturated", n_boot, seed)
        n_redrawn += redrawn
        for j, measure in enumerate(_plsfit.MEASURES):
            draws[f"{name}: {measure}"] = boot[:, j]
            rows.append((measure, name, float(values.loc[measure, name]), boot[:, j]))
    table = pd.DataFrame(
        {
            "measure": [row[0] for row in rows],
            "model": [row[1] for row in rows],
            "value": [row[2] for row in rows],
            "hi95": [np.quantile(row[3], 0.95) for row in rows],
            "hi99": [np.quantile(row[3], 0.99) for row in rows],
        }
    )
    table["exact_fit"] = table["value"] <= table["hi95"]
    return PLSFitTest(table=table, draws=pd.DataFrame(draws), n_boot=n_boot, n_redrawn=n_redrawn)


def _refuse_interactions(fit: PLSResult, what: str) -> None:
    if fit.weight_column is not None:
        raise ValueError(f"{what} is not available for a weighted fit (weights=).")
    _refuse_generated(fit, what)


def _refuse_generated(fit: PLSResult, what: str) -> None:
    """Refuse a model with generated items (interactions, two-stage higher-order
    constructs) or repeated indicators."""
    if fit.fit_state.augment is not None or fit.fit_state.st.mask.sum(axis=1).max() > 1:
        label = "higher-order constructs"
        if fit.fit_state.augment is not None:
            label = fit.fit_state.augment.label
        raise ValueError(
            f"{what} is not available for a model with {label}; fit the model without them for it."
        )


def _run_predict(fit: PLSResult, n_folds, n_repeats, technique, seed) -> PLSPredictResult:
    _refuse_interactions(fit, "predict()")
    v.check_one_of(technique, _plspredict.TECHNIQUES, "technique")
    n_repeats = v.check_resample_count(n_repeats, "n_repeats")
    state = fit.fit_state
    st = state.st
    need = max((len(p) for p in st.predecessors), default=0) + 2
    n = fit.n
    k = v.check_integer(n_folds, "n_folds", low=2, high=n)
    if n - int(np.ceil(n / k)) < need or n - int(np.ceil(n / k)) < len(st.items) + 1:
        raise ValueError(
            f"n_folds={k}: the training part of a fold ({n - int(np.ceil(n / k))} rows) "
            f"is too small for the model and the LM benchmark; use fewer folds."
        )
    x = fit.items.to_numpy(dtype=float)
    x = np.where(np.isnan(x), np.nanmean(x, axis=0), x)
    rng = v.make_rng(seed)
    orders = [rng.permutation(n) for _ in range(n_repeats)]
    settings = {
        "standardized": fit.standardized, "scheme": fit.scheme, "max_iter": fit.max_iter,
        "tol": fit.tol, "technique": technique,
    }  # fmt: skip
    pls, lm, naive, _ = _plspredict.run(x, st, settings, orders, k)
    targets = np.concatenate([st.block(t) for t in st.endogenous])
    items = [st.items[i] for i in targets]
    owner = np.argmax(st.mask, axis=1)
    table = pd.DataFrame(
        {
            "construct": [st.constructs[owner[i]] for i in targets],
            "item": items,
            **_plspredict.metrics(x[:, targets], pls, lm, naive),
        }
    )
    table["pls_better"] = table["pls_rmse"] < table["lm_rmse"]
    predictions = pd.DataFrame(
        np.hstack([pls, lm]),
        index=fit.items.index,
        columns=[f"pls: {i}" for i in items] + [f"lm: {i}" for i in items],
    )
    return PLSPredictResult(
        table=table,
        predictions=predictions,
        predictive_power=_plspredict.verdict(table),
        n_folds=k,
        n_repeats=n_repeats,
        technique=technique,
    )


def _run_ipma(fit: PLSResult, outcome, scale) -> PLSIPMAResult:
    f = fit.fit_state
    if fit.consistent:
        raise ValueError("ipma: use a fit with consistent=False (IPMA reads the PLS scores).")
    _refuse_interactions(fit, "ipma()")
    endogenous = [f.st.constructs[k] for k in f.st.endogenous]
    v.check_one_of(outcome, endogenous, "outcome")
    if scale is not None:
        if not (isinstance(scale, Sequence) and len(scale) == 2):
            raise TypeError(f"scale must be a pair (low, high), got {scale!r}.")
        low = v.check_number(scale[0], "scale[0]")
        high = v.check_number(scale[1], "scale[1]")
        if not high > low:
            raise ValueError(f"scale must be (low, high) with low < high, got {scale!r}.")
        scale = (low, high)
    x = fit.items.to_numpy(dtype=float)
    x = np.where(np.isnan(x), np.nanmean(x, axis=0), x)
    est = f.estimates()
    w_std = pls_.unit_variance(f.s, f.w)[0] * np.sqrt(np.diag(f.s[0]))[:, None]
    raw_sum = (np.where(f.st.mask, w_std / x.std(axis=0, ddof=1)[:, None], 0.0)).sum(axis=0)
    if np.any(np.abs(raw_sum) < 1e-12):
        k = int(np.argmin(np.abs(raw_sum)))
        raise ValueError(f"ipma: the unstandardized weights of {f.st.constructs[k]!r} sum to 0.")
    out = _plsipma.ipma(
        x, w_std, f.st.mask, est["beta"][0], f.st.constructs, f.st.items,
        f.st.constructs.index(outcome), scale,
    )  # fmt: skip
    return PLSIPMAResult(
        table=out["table"],
        items=out["items"],
        outcome=outcome,
        target_performance=float(out["target_performance"]),
        scale=scale,
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
        out = []
        for s, w in self.fits(members, permuted):
            beta = pls_.estimates(s, w, self.st)["beta"]
            out.append(np.column_stack([beta[:, a, b] for a, b in self.st.paths]))
        return out[0], out[1]

    def fits(self, members: np.ndarray, permuted: bool) -> list[tuple[np.ndarray, np.ndarray]]:
        """The (covariances, weights) of the two groups of each split."""
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
            out.append((s, pls_.unit_variance(s, w)))
        return out

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
