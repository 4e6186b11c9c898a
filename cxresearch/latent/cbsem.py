"""Covariance-based factor and structural equation models (CFA, SEM) on semopy.

:func:`cfa` fits a confirmatory factor analysis and :func:`sem` a structural equation
model, both by maximum likelihood with `semopy <https://semopy.com>`_ (MIT licence),
from the same lavaan-style syntax as the PLS path models (``IMAG =~ imag1 + imag2``,
``SAT ~ IMAG``, ``a ~~ b``; see :mod:`cxresearch.latent.syntax`). Both return a
:class:`SEMResult`: the tidy estimates (unstandardized with Wald standard errors and
intervals, and the completely standardized value), the fit indices (chi-square, CFI,
TLI, RMSEA with its 90% interval, SRMR, AIC, BIC) and a reliability table with the
same columns as the PLS one plus McDonald's omega, so the two families line up.

lavaan's syntax extensions are read too (labels and equality constraints, fixed values,
intercepts, defined parameters with delta-method standard errors, path analysis of
observed variables; :mod:`cxresearch.latent._cbsyntax`); a result offers
:meth:`SEMResult.modification_indices` (with expected parameter changes) and
:meth:`SEMResult.bootstrap` (percentile intervals, defined parameters included).
Ordinal items (``ordered=[...]``) are fitted to their polychoric correlations by DWLS
with WLSMV's robust tests (:mod:`cxresearch.latent._cbordinal`); ``estimator="MLR"``
adds the robust CFI, TLI and RMSEA.

Every estimate and standard error is the number semopy computes; this module checks
the input, counts missing values, and adds what semopy does not report (the RMSEA
interval, SRMR, the normal-theory log-likelihood behind AIC/BIC, reliability).

The public functions are re-exported by :mod:`cxresearch.latent`.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from .. import _measures
from .. import _validate as v
from .._result import Result
from ..errors import ConvergenceError
from . import _cbextend, _cbfiml, _cbsyntax, syntax

__all__ = ["SEMBootstrap", "SEMResult", "cfa", "sem"]

#: Estimators accepted by :func:`cfa` and :func:`sem`: ``"MLW"`` is semopy's maximum
#: likelihood (Wishart) objective, the same fit function as lavaan's ``"ML"``; ``"MLR"``
#: the same estimates with Huber-White standard errors and the Yuan-Bentler scaled
#: chi-square (lavaan's and Mplus's ``"MLR"``).
ESTIMATORS = ("MLW", "MLR")
MISSING = ("raise", "listwise", "fiml")
#: Passed to semopy's SLSQP. Its default ``ftol`` (1e-6) stops the ECSI CFA on ``mobi``
#: 3.5e-4 above the minimum chi-square (standardized loadings off by up to 4e-4 from
#: lavaan's); at 1e-12 chi-square agrees with lavaan's (seminr-py) to 1e-10.
SOLVER_OPTIONS = {"ftol": 1e-12, "maxiter": 10_000}
_OP_ORDER = {"=~": 0, "~": 1, "~~": 2, "~1": 3}


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class SEMResult(Result):
    """What :func:`cfa` and :func:`sem` return.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per parameter: ``term`` (``"IMAG =~ IMAG1"``), ``lhs, op, rhs`` in
        lavaan's convention (``=~`` loading of ``rhs`` on factor ``lhs``, ``~``
        regression of ``lhs`` on ``rhs``, ``~~`` (co)variance; ``~1`` the intercept of
        ``lhs``, with ``missing="fiml"`` only, whose ``std_estimate`` is the intercept
        over the implied standard deviation), ``free`` (False for
        parameters fixed by the identification, e.g. the first loading of each factor
        at 1), ``estimate`` (unstandardized), ``std_error``, ``statistic`` (z),
        ``p_value``, ``ci_low``, ``ci_high`` (Wald, at level ``ci``; NaN for fixed
        parameters) and ``std_estimate`` (completely standardized, as lavaan's
        ``std.all``: latent and observed variances 1, and a covariance of two variables
        divided by their two (residual) variances, i.e. a residual correlation; NaN
        where a variance is not positive).
    fit : pandas.Series
        The fit statistics by name (the type every model's ``fit`` has): ``n,
        n_parameters, chi2, df, p_value, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high``
        (90%), ``srmr, log_likelihood, aic, bic, baseline_chi2, baseline_df``; with
        ``estimator="MLR"`` also ``scaling_factor`` (Yuan-Bentler), ``chi2_scaled``
        (``chi2 / scaling_factor``) and ``p_value_scaled``; on complete data (and
        with ``by``) also ``baseline_scaling_factor``, ``baseline_chi2_scaled`` and the
        robust ``cfi_robust``, ``tli_robust``, ``rmsea_robust`` (lavaan's ``.robust``).
    reliability : pandas.DataFrame
        One row per first-order factor: ``construct, mode`` (always ``"A"``),
        ``n_items, alpha, rho_c, ave`` (the columns and formulas of the PLS table, whose
        ``rho_a`` is PLS-specific and left out) and ``omega``.
    n : int
        Rows used in the fit.
    n_dropped : int
        Rows dropped for missing values (``missing="listwise"``; 0 otherwise).
    estimator : str
        ``"MLW"`` or ``"MLR"`` (the same estimates, robust standard errors), or
        ``"WLSMV"`` for ordinal items (``ordered``; then ``table`` also has lavaan's
        threshold rows, ``op`` ``"|"``, ``term`` ``"item | t1"``).
    ci : float
        Confidence level of ``ci_low``/``ci_high``.
    model : str
        The model in lavaan syntax, as fitted.
    n_patterns : int
        Missing-data patterns among the rows used (1 for complete data; with
        ``missing="fiml"`` the distinct sets of answered model columns; summed over
        the groups with ``by``).
    by : str or None
        The group column of a multi-group (configural) CFA, else None; then ``table``
        and ``reliability`` have a ``group`` column.
    missing : str
        The ``missing`` handling of the fit (``"raise"``, ``"listwise"``, ``"fiml"``).
    fitted, data, spec
        The fitted semopy model, the rows used and the parsed model (not exported; for
        :meth:`modification_indices` and :meth:`bootstrap`). None with ``by``.
    group_fits
        With ``by``: a tuple of ``(group, SEMResult)``, each group's own fit (not
        exported; for :meth:`modification_indices` per group). None without ``by``.

    With labels or defined parameters in the model, ``table`` has a ``label`` column
    (``""`` where none was written) and one row per defined parameter (``op`` ``":="``,
    ``rhs`` the expression, ``free`` False, delta-method ``std_error``); with ``y ~ 1``
    one ``y ~1`` row per intercept asked for.
    """

    fit: pd.Series
    reliability: pd.DataFrame
    n: int
    n_dropped: int
    estimator: str
    ci: float
    model: str = dataclasses.field(repr=False)
    n_patterns: int = 1
    by: str | None = None
    missing: str = "raise"
    fitted: Any = dataclasses.field(default=None, repr=False, metadata={"export": False})
    data: Any = dataclasses.field(default=None, repr=False, metadata={"export": False})
    spec: Any = dataclasses.field(default=None, repr=False, metadata={"export": False})
    group_fits: Any = dataclasses.field(default=None, repr=False, metadata={"export": False})

    def _summary_title(self) -> str:
        kind = "structural equation model" if (self.table["op"] == "~").any() else "CFA"
        how = f"{self.estimator}, FIML" if self.missing == "fiml" else self.estimator
        return f"Covariance-based {kind} (semopy, {how})"

    def _summary_facts(self) -> list[tuple[str, Any]]:
        from ..tables import format_p

        f = self.fit
        return [
            ("n", self.n),
            ("rows dropped", self.n_dropped),
            ("missing-data patterns", self.n_patterns),
            ("chi-square", f"{f['chi2']:.3f} on {int(f['df'])} df, p {format_p(f['p_value'])}"),
            *(
                [
                    (
                        "scaled chi-square (mean and variance adjusted)"
                        if self.estimator == "WLSMV"
                        else "scaled chi-square (Yuan-Bentler)",
                        f"{f['chi2_scaled']:.3f}, scaling factor {f['scaling_factor']:.3f}, "
                        f"p {format_p(f['p_value_scaled'])}",
                    )
                ]
                if "chi2_scaled" in f.index
                else []
            ),
            ("CFI", float(f["cfi"])),
            ("TLI", float(f["tli"])),
            (
                "RMSEA",
                f"{f['rmsea']:.3f} (90% CI {f['rmsea_ci_low']:.3f} to {f['rmsea_ci_high']:.3f})",
            ),
            ("SRMR", float(f["srmr"])),
            *([("AIC", float(f["aic"])), ("BIC", float(f["bic"]))] if "aic" in f.index else []),
        ]

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        columns = ["term", "estimate", "std_error", "p_value", "std_estimate"]
        reliability = self.reliability[["construct", "alpha", "rho_c", "ave", "omega"]]
        return [
            ("estimates (std_estimate: lavaan's std.all)", self.table[columns]),
            ("reliability and convergent validity", reliability),
        ]

    def _refitable(self, what: str) -> None:
        if self.fitted is None:
            raise ValueError(
                f"{what}: not available for a multi-group fit (by=...); fit each group "
                f"on its own rows."
            )
        if self.missing == "fiml" and self.data.isna().any().any():
            raise ValueError(
                f"{what}: not available for a FIML fit of incomplete rows (missing='fiml'); "
                f"use missing='listwise' for it."
            )

    def modification_indices(self, top: int | None = 10) -> pd.DataFrame:
        """Modification indices with expected parameter changes (lavaan's ``modindices``).

        Parameters
        ----------
        top : int or None, default 10
            The number of rows to keep (largest MI first); None for every candidate.

        Returns
        -------
        pandas.DataFrame
            One row per parameter the model fixes at 0 that could be freed, lavaan's
            candidates: every cross-loading of a factor on an item, every residual
            covariance of two observed variables that are not both exogenous, every
            covariance of two factors (of their disturbances when endogenous) and
            every regression between two variables of the structural part (factor on
            factor, factor on an observed predictor, observed outcome on a factor); a
            candidate whose freeing would leave the model unidentified is left out.
            Columns ``term, lhs, op, rhs, mi`` (the expected drop of the chi-square
            when freed, on 1 df), ``epc`` (the expected value of the parameter),
            ``sepc_all`` (lavaan's ``sepc.all``) and ``p_value`` (chi-square on 1 df),
            largest ``mi`` first. For a multi-group fit (``by``) one row per group
            and candidate, with a ``group`` column after ``rhs`` (each group's own
            model: the configural fit has no constraint across groups; for the
            equality constraints of an invariance step see
            :meth:`InvarianceResult.score_tests`).

        Raises
        ------
        ValueError
            For a FIML fit of incomplete rows, or a bad ``top``.

        Notes
        -----
        The score test of Sorbom (1989) with the expected information of the normal
        likelihood, as lavaan computes it by default; with ``estimator="MLR"`` the same
        normal-theory values. See :mod:`cxresearch.latent._cbmodind`.

        References
        ----------
        Sorbom, D. (1989). Model modification. *Psychometrika*, 54(3), 371-384.

        Examples
        --------
        >>> from semopy.examples import holzinger39
        >>> from cxresearch.latent import cfa
        >>> hs = holzinger39.get_data()
        >>> res = cfa(hs, "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9")
        >>> res.modification_indices(top=3)[["term", "mi", "epc", "sepc_all"]].round(3)
                   term      mi    epc  sepc_all
        0  visual =~ x9  36.411  0.577     0.515
        1      x7 ~~ x8  34.145  0.536     0.859
        2  visual =~ x7  18.631 -0.422    -0.349
        """
        from . import _cbmodind

        if top is not None:
            top = v.check_positive_int(top, "top")
        if self.group_fits is not None:
            parts = []
            for label, fit in self.group_fits:
                part = fit.modification_indices(top=None)
                part.insert(4, "group", label)
                parts.append(part)
            table = pd.concat(parts, ignore_index=True)
            table = table.sort_values("mi", ascending=False, kind="stable")
            table = table.reset_index(drop=True)
            return table if top is None else table.head(top).reset_index(drop=True)
        self._refitable("modification_indices")
        alias = _aliases(self.spec, self.data.columns)
        table = _cbmodind.modification_indices(
            self.fitted, {a: n for n, a in alias.items()}, self.n
        )
        return table if top is None else table.head(top).reset_index(drop=True)

    def bootstrap(
        self,
        n_boot: int = 1000,
        *,
        seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    ) -> SEMBootstrap:
        """Percentile bootstrap intervals of the free and the defined parameters.

        The rows used are resampled with replacement ``n_boot`` times and the model is
        refitted by ML on each resample; a resample whose fit fails (not converged,
        not identified) is redrawn and counted.

        Parameters
        ----------
        n_boot : int, default 1000
            Resamples.
        seed : int, numpy.random.Generator or SeedSequence, optional
            Seed of the resampling.

        Returns
        -------
        SEMBootstrap
            ``.table``: ``term, estimate, std_error`` (SD over the resamples),
            ``ci_low, ci_high`` (percentile, at the fit's ``ci``); ``n_boot``,
            ``n_redrawn``.

        Raises
        ------
        ValueError
            For a multi-group or incomplete FIML fit; a bad ``n_boot``; more failed
            resamples than valid ones.

        Examples
        --------
        >>> from semopy.examples import political_democracy
        >>> from cxresearch.latent import sem
        >>> model = "ind60 =~ x1 + x2 + x3; y1 ~ a*ind60; y2 ~ b*y1; ab := a*b"
        >>> res = sem(political_democracy.get_data(), model)
        >>> boot = res.bootstrap(100, seed=1)
        >>> boot.table.query("term == 'ab := a*b'")[["estimate", "ci_low", "ci_high"]].round(2)
            estimate  ci_low  ci_high
        10      1.21    0.38     1.87
        """
        self._refitable("bootstrap")
        n_boot = v.check_resample_count(n_boot, "n_boot", minimum=20)
        return _bootstrap(self, n_boot, v.make_rng(seed))


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class SEMBootstrap(Result):
    """What :meth:`SEMResult.bootstrap` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per free parameter (the first of equal ones) and per defined parameter:
        ``term, estimate`` (the fit's), ``std_error`` (SD over the resamples),
        ``ci_low, ci_high`` (percentile interval at level ``ci``).
    n_boot : int
        Resamples.
    n_redrawn : int
        Resamples whose fit failed and were drawn again.
    ci : float
        Confidence level of the intervals.
    """

    n_boot: int
    n_redrawn: int
    ci: float

    def _summary_title(self) -> str:
        return "Bootstrap of a covariance-based model (percentile intervals)"

    def _summary_facts(self) -> list[tuple[str, Any]]:
        return [("resamples", self.n_boot), ("redrawn", self.n_redrawn), ("ci", self.ci)]


def _free_terms(result: SEMResult, alias: dict[str, str]) -> list[str]:
    """The table's term of each free parameter, in semopy's order (the first of equal ones)."""
    index = _active_index(result.fitted)
    terms: dict[int, str] = {}
    free = result.table[result.table["free"] & result.table["op"].isin(["=~", "~", "~~"])]
    for lhs, op, rhs, term in zip(free["lhs"], free["op"], free["rhs"], free["term"], strict=True):
        key = (alias[rhs], "~", alias[lhs]) if op == "=~" else (alias[lhs], op, alias[rhs])
        if key in index:
            terms.setdefault(index[key], term)
    return [terms.get(i, f"parameter {i}") for i in range(len(result.fitted.param_vals))]


def _bootstrap(result: SEMResult, n_boot: int, rng: np.random.Generator) -> SEMBootstrap:
    """Refit the model on ``n_boot`` resamples of ``result.data``."""
    from .._bootstrap import percentile_columns, redraw_degenerate

    spec, frame = result.spec, result.data
    alias = _aliases(spec, frame.columns)
    names = {a: n for n, a in alias.items()}
    aliased, labels = _renamed(spec, alias), _label_aliases(spec)
    back = {a: label for label, a in labels.items()}
    renamed = frame.rename(columns=alias)

    def statistics(model: Any) -> np.ndarray:
        est = np.asarray(model.param_vals, dtype=float)
        keys = [back.get(n, n) for n in _cbextend.active_names(model)]
        defined = _cbsyntax.defined_values(spec, dict(zip(keys, est, strict=True)))
        return np.concatenate([est, list(defined.values())])

    def draw(slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out = np.full((len(slots), len(base)), np.nan)
        bad = np.zeros(len(slots), dtype=bool)
        for r in range(len(slots)):
            rows = renamed.iloc[rng.integers(0, len(renamed), len(renamed))]
            try:
                # a degenerate resample may overflow or divide by zero on its way to a
                # failed fit: it is judged by its result below and drawn again
                with np.errstate(all="ignore"):
                    out[r] = statistics(_fit(aliased, rows, "MLW", "bootstrap", names))
            except (ValueError, ConvergenceError, np.linalg.LinAlgError):
                bad[r] = True
            bad[r] |= not np.isfinite(out[r]).all()
        return out, bad

    def refuse(n_bad: int, n_drawn: int) -> None:
        raise ValueError(
            f"bootstrap: the model could not be fitted in {n_bad} of {n_drawn} resamples; "
            f"the data cannot support a bootstrap of this model (too few rows?)."
        )

    base = statistics(result.fitted)
    boot, n_redrawn = redraw_degenerate(draw, n_boot, refuse)
    terms = _free_terms(result, alias)
    terms += [f"{name} := {expr}" for name, expr in spec.defined]
    table = pd.DataFrame({"term": terms, "estimate": base})
    for key, values in percentile_columns(boot, result.ci).items():
        table[key] = values
    return SEMBootstrap(table=table, n_boot=n_boot, n_redrawn=n_redrawn, ci=result.ci)


# --------------------------------------------------------------------------- input


def _is_column(data: pd.DataFrame, name: str) -> bool:
    return name in data.columns and isinstance(data[name], pd.Series)


def _check_covariances(spec: Any, data: pd.DataFrame) -> None:
    """A covariance joins variables of the model: a factor, an item, or an observed
    variable named in a path (semopy cannot place any other)."""
    known = {*spec.construct_names, *spec.items, *(n for p in spec.paths for n in p)}
    for a, b in spec.covariances:
        for name in (a, b):
            if name not in known:
                raise ValueError(
                    f"model: the covariance {a} ~~ {b} names {name!r}, which is in no block "
                    f"('=~') or path ('~') of the model; a covariance joins variables of the "
                    f"model. Add {name!r} to a block or a path, or drop the covariance."
                )


def _observed_columns(spec: Any, data: pd.DataFrame) -> list[str]:
    """Items, then observed columns named in paths or covariances, each once."""
    names = set(spec.construct_names)
    out = dict.fromkeys(spec.items)
    for a, b in (*spec.paths, *spec.covariances):
        for name in (a, b):
            if name not in names and name in data.columns:
                out.setdefault(name)
    return list(out)


_MISSING_ADVICE = (
    "Pass missing='listwise' to drop them (the count is reported as n_dropped), "
    "missing='fiml' to use every observed value (full-information maximum likelihood), "
    "or fill them in first."
)


def _complete_rows(
    data: pd.DataFrame, columns: list[str], missing: str, where: str
) -> tuple[pd.DataFrame, int]:
    """The rows complete on ``columns``; raise on a missing value unless listwise."""
    incomplete = data[columns].isna().any(axis=1)
    n_bad = int(incomplete.sum())
    if n_bad and missing == "raise":
        cols = [c for c in columns if data[c].isna().any()]
        raise ValueError(
            f"{where}: {n_bad} row(s) have missing values (NaN) in the model's columns "
            f"{v.format_values(cols)}, at rows {v.format_values(data.index[incomplete])}. "
            f"{_MISSING_ADVICE}"
        )
    if missing == "fiml":  # keep every row with at least one answer
        empty = data[columns].isna().all(axis=1)
        return data.loc[~empty, columns], int(empty.sum())
    return data.loc[~incomplete, columns], n_bad


def _check_covariance(frame: pd.DataFrame, where: str) -> None:
    n, p = frame.shape
    if n <= p:
        raise ValueError(
            f"{where}: {n} complete row(s) for {p} observed variables; the covariance "
            f"matrix needs more rows than variables (many more for stable estimates)."
        )
    try:
        np.linalg.cholesky(np.cov(frame.to_numpy(), rowvar=False))
    except np.linalg.LinAlgError:
        raise ValueError(
            f"{where}: the covariance matrix of {v.format_values(frame.columns)} is "
            f"singular (a column is a linear combination of others); drop the redundant one."
        ) from None


def _prepare(
    data: Any, model: Any, missing: Any, estimator: Any, ci: Any, where: str
) -> tuple[Any, pd.DataFrame, int, float]:
    v.check_dataframe(data)
    spec = (
        model if isinstance(model, syntax.ModelSpec) else syntax.parse_model(model, family="cbsem")
    )
    # answers read with value labels (ordered Categoricals) count as their codes
    data = v.likert_as_codes(data, [c for c in spec.items if _is_column(data, c)], "model")
    v.check_missing(missing, MISSING)
    v.check_one_of(estimator, ESTIMATORS, "estimator")
    ci = v.check_level(ci)
    syntax.check_model_data(spec, data, family="cbsem")
    _check_covariances(spec, data)
    if where == "cfa" and spec.paths:
        a, b = spec.paths[0]
        raise ValueError(
            f"cfa: the model has structural paths (e.g. {a} -> {b}); a CFA has factors and "
            f"covariances only. Use sem(...) for a model with paths."
        )
    columns = _observed_columns(spec, data)
    _check_extensions(spec, columns)
    v.check_columns(data, columns, "model")  # each once: pandas.concat can repeat a name
    v.check_numeric(data, columns, "model")
    v.check_finite(data, columns, "model")
    frame, n_dropped = _complete_rows(data, columns, missing, where)
    # nullable columns (Int64, Float64) hold pd.NA, not NaN, and numpy cannot compute a
    # covariance of them: cast the complete rows to float before any statistic
    frame = frame.astype(float)
    for col in columns:  # 1e200: the covariances overflow (reported as such, not as a fit)
        v.check_magnitude(frame[col].to_numpy(), col, "model")
    if missing == "fiml":
        v.check_has_values(frame, columns, "model")
    v.check_not_constant(frame, columns, "model")
    if missing == "fiml":
        complete = frame.dropna()
        if len(complete) > len(columns):
            v.check_distinct_columns(complete, columns, "model")
    else:
        v.check_distinct_columns(frame, columns, "model")
        _check_covariance(frame, where)
    return spec, frame, n_dropped, ci


def _check_extensions(spec: Any, columns: list[str]) -> None:
    """Labels, intercepts and defined parameters the model can estimate."""
    _cbsyntax.check_labels(spec, {c.name: c.items[0] for c in spec.constructs}, "model")
    for name in spec.intercepts:
        if name in spec.construct_names:
            raise ValueError(
                f"model: '{name} ~ 1' asks for the mean of the factor {name!r}, which one "
                f"group cannot identify (it is 0); compare latent means across groups with "
                f"cx.invariance(..., by=...)."
            )
        if name not in columns:
            raise ValueError(
                f"model: '{name} ~ 1' names {name!r}, which is no observed variable of the "
                f"model; intercepts are for the model's items and observed variables."
            )


def _semopy_syntax(spec: Any) -> str:
    """lavaan text for semopy (modifiers written in); a single-item factor gets its
    error variance fixed at 0."""
    return _cbsyntax.semopy_text(spec)


def _label_aliases(spec: Any) -> dict[str, str]:
    """A plain semopy name (``p0``, ``p1``, ...) for every label of the model."""
    labels = sorted({m for *_, m in spec.modifiers if not _cbsyntax.is_number(m)})
    return {label: f"p{i}" for i, label in enumerate(labels)}


def _aliases(spec: Any, columns: Any) -> dict[str, str]:
    """A plain name (``v000``, ``v001``, ...) for every construct and observed column.

    semopy reads names as ``\\w[\\w.]*``: ``q-1``, ``imag/2`` or ``a,b`` are read as
    other names or as syntax and fail inside it. The model is therefore fitted under
    these aliases and every table is given back the caller's names. The aliases sort as
    the names do (semopy orders variables, and the two sides of a covariance, by name),
    so the fit and its tables are those of the names themselves.
    """
    names = sorted(dict.fromkeys([*spec.construct_names, *columns]))
    width = len(str(len(names)))
    return {name: f"v{i:0{width}d}" for i, name in enumerate(names)}


def _renamed(spec: Any, alias: dict[str, str]) -> Any:
    """``spec`` with every name replaced by its alias."""
    constructs = tuple(
        syntax.Construct(alias[c.name], tuple(alias[i] for i in c.items), c.mode)
        for c in spec.constructs
    )
    labels = _label_aliases(spec)
    return syntax.ModelSpec(
        constructs,
        tuple((alias[a], alias[b]) for a, b in spec.paths),
        tuple((alias[a], alias[b]) for a, b in spec.covariances),
        modifiers=tuple(
            (alias[a], op, alias[b], labels.get(m, m)) for a, op, b, m in spec.modifiers
        ),
    )


# --------------------------------------------------------------------------- fitting

#: The model is not identified when the smallest singular value of the Jacobian of the
#: model-implied covariances (columns scaled to length 1) is at or below this share of
#: the largest: some change of the parameters leaves every implied covariance as it is,
#: so the data cannot tell those parameters apart (Rothenberg 1971). Identified models
#: give shares above 1e-3; non-identified ones rounding noise (about 1e-16).
IDENTIFICATION_TOL = 1e-8


def _fit(spec: Any, frame: pd.DataFrame, estimator: str, where: str, names=None, cov=None) -> Any:
    """Fit under aliases (``spec`` and ``frame`` renamed); ``names``: alias -> name.

    ``cov``: a (divide-by-n) covariance DataFrame to fit instead of the one of ``frame``
    (which then only gives the starting values): the EM covariance for FIML's start.
    """
    import semopy

    try:
        model = semopy.Model(_semopy_syntax(spec))
        model.load(data=frame, cov=cov, n_samples=len(frame))
    except (KeyError, ValueError, IndexError, SyntaxError, np.linalg.LinAlgError) as exc:
        text = re.sub(
            r"\bv\d+\b", lambda m: repr((names or {}).get(m.group(0), m.group(0))), str(exc)
        )
        raise ValueError(
            f"{where}: semopy cannot set up this model ({type(exc).__name__}: {text}); "
            f"check the statements that name those variables."
        ) from None
    n_free = len(model.param_vals)
    p = len(model.vars["observed"])
    if p * (p + 1) // 2 - n_free < 0:
        raise ValueError(
            f"{where}: the model is not identified: {n_free} free parameters but only "
            f"{p * (p + 1) // 2} variances and covariances of {p} observed variables. "
            f"Give each factor at least 3 items (or 2, if it correlates with another factor)."
        )
    with np.errstate(all="ignore"):  # a failed fit is judged below, by its result
        result = model.fit(obj="MLW", options=dict(SOLVER_OPTIONS))
    _check_identified(model, where, names or {})
    if not result.success:
        if not np.isfinite(result.fun) or not np.isfinite(model.param_vals).all():
            var = frame.var().to_numpy()
            raise ValueError(
                f"{where}: the optimiser met values that are not finite (objective "
                f"{result.fun:.6g}); the observed variables' variances span "
                f"{var.min():.1e} to {var.max():.1e}. Express the columns in units of "
                f"similar size (divide the large ones by a power of ten) and fit again."
            )
        raise ConvergenceError(
            f"{where}: the optimiser did not converge ({result.n_it} iterations, objective "
            f"{result.fun:.6g}). The model may be empirically unidentified or badly "
            f"misspecified: check that each factor has enough items that correlate."
        )
    return model


def _parameter_terms(model: Any, names: dict[str, str]) -> list[str]:
    """lavaan's ``lhs op rhs`` of each free parameter of a semopy model, in its order."""
    kinds = [
        (model.mx_beta, model.names_beta, "~"),
        (model.mx_lambda, model.names_lambda, "=~"),
        (model.mx_psi, model.names_psi, "~~"),
        (model.mx_theta, model.names_theta, "~~"),
    ]
    out = []
    for key, param in model.parameters.items():
        if not param.active:
            continue
        term = key
        for mx, labels, op in kinds:
            loc = param.locations[0]
            if loc.matrix is mx:
                a, b = (
                    names.get(n, n) for n in (labels[0][loc.indices[0]], labels[1][loc.indices[1]])
                )
                term = f"{b} =~ {a}" if op == "=~" else f"{a} {op} {b}"
                break
        out.append(term)
    return out


def _check_identified(model: Any, where: str, names: dict[str, str]) -> None:
    """Raise ``ValueError`` if the model is not (locally) identified at the estimate.

    The Jacobian of the distinct model-implied covariances in the free parameters must
    have full column rank (Rothenberg 1971); otherwise some parameters can change
    together without changing the fit, and their estimates and standard errors
    (semopy's come from a pseudo-inverse) are arbitrary. The message names them.
    """
    with np.errstate(all="ignore"):
        try:
            sigma, (m, c) = model.calc_sigma()
            grads = model.calc_sigma_grad(m, c)
        except np.linalg.LinAlgError:  # (I - B) singular: the paths form a degenerate loop
            grads = None
    if grads is not None and not grads:
        return None  # no free parameter: nothing to identify
    if grads is None:
        return _refuse_unidentified(
            where,
            [],
            "its paths (or factors measured by each other) form a loop whose "
            "total effects (I - B)^-1 do not exist",
        )
    iu = np.triu_indices(sigma.shape[0])
    jac = np.column_stack([np.asarray(g, dtype=float)[iu] for g in grads])
    if not np.isfinite(jac).all():
        return None  # non-finite values: reported by the fit
    norms = np.linalg.norm(jac, axis=0)
    terms = _parameter_terms(model, names)
    if (norms == 0).any():
        return _refuse_unidentified(
            where, [t for t, n in zip(terms, norms, strict=True) if n == 0], ""
        )
    _, sv, vt = np.linalg.svd(jac / norms, full_matrices=False)
    if sv[-1] <= IDENTIFICATION_TOL * sv[0]:
        null = np.abs(vt[-1])
        involved = [t for t, x in zip(terms, null, strict=True) if x > 1e-3 * null.max()]
        return _refuse_unidentified(where, involved, "")
    return None


def _refuse_unidentified(where: str, terms: list[str], why: str) -> None:
    what = (
        f"the parameters {v.format_values(terms, 8)} can change together without changing "
        f"the implied covariances, so the data cannot determine them (their estimates and "
        f"standard errors would be arbitrary)"
        if terms
        else why
    )
    raise ValueError(
        f"{where}: the model is not identified: {what}. Typical causes: a reciprocal path "
        f"(A ~ B with B ~ A) or feedback loop without instruments, a factor with too few "
        f"items, or more free (co)variances than the items can carry. Remove paths or fix "
        f"parameters."
    )


def _tidy_row(loads: set, row: pd.Series) -> tuple[str, str, str]:
    """semopy's (lval, op, rval) -> lavaan's (lhs, op, rhs); ``loads``: (item, factor)."""
    if row["op"] == "~" and (row["lval"], row["rval"]) in loads:
        return row["rval"], "=~", row["lval"]
    return row["lval"], row["op"], row["rval"]


_active_index = _cbextend.active_index


def _estimates(model: Any, spec: Any, ci: float, names: dict[str, str], se=None) -> pd.DataFrame:
    """The tidy table of a model fitted under aliases, in the caller's ``names``.

    ``se``: standard errors of semopy's free parameters (in its order) to report
    instead of semopy's expected-information ones (FIML, MLR).
    """
    from scipy import stats

    raw = model.inspect(std_est=True)
    if se is not None:
        index = _active_index(model)
        keys = zip(raw["lval"], raw["op"], raw["rval"], strict=True)
        raw["Std. Err"] = [se[index[k]] if k in index else "-" for k in keys]
    loads = {(item, c.name) for c in spec.constructs for item in c.items}
    rows = (_tidy_row(loads, row) for _, row in raw.iterrows())
    rank = {a: i for i, a in enumerate(dict.fromkeys([*spec.construct_names, *spec.items]))}
    lhs, op, rhs = zip(*(_ordered(r, rank, spec, names) for r in rows), strict=True)
    se = pd.to_numeric(raw["Std. Err"].replace("-", np.nan)).to_numpy(dtype=float)
    est = raw["Estimate"].to_numpy(dtype=float)
    z = est / se
    half = stats.norm.isf((1 - ci) / 2) * se
    table = pd.DataFrame(
        {
            "term": [f"{a} {o} {b}" for a, o, b in zip(lhs, op, rhs, strict=True)],
            "lhs": lhs,
            "op": op,
            "rhs": rhs,
            "free": np.isfinite(se),
            "estimate": est,
            "std_error": se,
            "statistic": z,
            "p_value": 2 * stats.norm.sf(np.abs(z)),
            "ci_low": est - half,
            "ci_high": est + half,
            "std_estimate": raw["Est. Std"].to_numpy(dtype=float),
        }
    )
    table["std_estimate"] = _residual_correlations(table)
    order = table["op"].map(_OP_ORDER).to_numpy()
    return table.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def _ordered(row: tuple, rank: dict, spec: Any, names: dict) -> tuple[str, str, str]:
    """A row in the caller's names; a covariance the model does not write (semopy adds
    those of factors and outputs, in an order that depends on string hashing) is written
    with its two variables in model order, so the table is the same in every process."""
    a, op, b = row
    if op == "~~" and a != b and (a, b) not in spec.covariances and rank.get(a, 0) > rank.get(b, 0):
        a, b = b, a
    return names.get(a, a), op, names.get(b, b)


def _residual_correlations(table: pd.DataFrame) -> np.ndarray:
    """``std_estimate`` with each covariance of two variables as lavaan's ``std.all``.

    lavaan standardizes a (residual) covariance by the two (residual) variances of the
    model, :math:`\\theta_{12} / \\sqrt{\\theta_{11}\\theta_{22}}`: a residual
    correlation. semopy divides by the total variances of the two variables instead
    (0.092 instead of lavaan's 0.296 for ``y1 ~~ y5`` in the political-democracy model).
    Variances and every other row keep semopy's completely standardized value.
    """
    std = table["std_estimate"].to_numpy(dtype=float).copy()
    is_var = (table["op"] == "~~") & (table["lhs"] == table["rhs"])
    variance = dict(zip(table.loc[is_var, "lhs"], table.loc[is_var, "estimate"], strict=True))
    for i in np.flatnonzero(((table["op"] == "~~") & ~is_var).to_numpy()):
        a, b = table["lhs"].iat[i], table["rhs"].iat[i]
        va, vb = variance.get(a, np.nan), variance.get(b, np.nan)
        std[i] = table["estimate"].iat[i] / np.sqrt(va * vb) if va > 0 and vb > 0 else np.nan
    return std


def _warn_improper(table: pd.DataFrame, where: str) -> None:
    variances = table[(table["op"] == "~~") & (table["lhs"] == table["rhs"]) & table["free"]]
    at_zero = variances["estimate"] <= 0
    at_zero |= variances["std_estimate"].abs() < 1e-6
    negative = variances.loc[at_zero, "lhs"].tolist()
    loadings = table[table["op"] == "=~"]
    big = loadings.loc[loadings["std_estimate"].abs() > 1, "term"].tolist()
    if negative or big:
        what = []
        if negative:
            what.append(f"variance(s) of {v.format_values(negative)} at or below zero")
        if big:
            what.append(f"standardized loading(s) above 1 ({v.format_values(big)})")
        warnings.warn(
            f"{where}: improper solution (Heywood case): {' and '.join(what)}. The "
            f"estimates and fit indices are not trustworthy; the model may be "
            f"misspecified or a factor may have too few items.",
            RuntimeWarning,
            stacklevel=4,
        )


# --------------------------------------------------------------------------- fit indices


def rmsea_interval(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """The RMSEA confidence interval from the noncentral chi-square (Browne & Cudeck 1993).

    The bounds are ``sqrt(lam / (df (n - 1)))`` for the noncentrality ``lam`` at which
    the observed ``chi2`` is the upper (lower bound) or lower (upper bound)
    ``(1 - level) / 2`` quantile; a bound is 0 when no ``lam >= 0`` reaches it.
    """
    from scipy import optimize, stats

    def cdf(lam: float) -> float:
        return float(stats.chi2.cdf(chi2, df) if lam == 0 else stats.ncx2.cdf(chi2, df, lam))

    def bound(target: float) -> float:
        if cdf(0.0) < target:
            return 0.0
        high = max(chi2, 1.0)
        while cdf(high) > target:
            high *= 2
        lam = optimize.brentq(lambda x: cdf(x) - target, 0.0, high, xtol=1e-12, rtol=1e-14)
        return math.sqrt(lam / (df * (n - 1)))

    tail = (1 - level) / 2
    return bound(1 - tail), bound(tail)


def _fit_indices(model: Any, n: int) -> pd.Series:
    s = np.asarray(model.mx_cov, dtype=float)  # the ML (divide-by-n) covariance
    sigma = np.asarray(model.calc_sigma()[0], dtype=float)
    p = s.shape[0]
    chi2 = n * float(model.last_result.fun)
    base_chi2 = n * float(np.sum(np.log(np.diag(s))) - np.linalg.slogdet(s)[1])
    fixed = _fixed_x(model)
    if len(fixed) > 1:  # lavaan's baseline keeps the exogenous block at its sample values
        sxx = s[np.ix_(fixed, fixed)]
        base_chi2 -= n * float(np.sum(np.log(np.diag(sxx))) - np.linalg.slogdet(sxx)[1])
    logdet = np.linalg.slogdet(sigma)[1]
    loglik = -n / 2 * (p * math.log(2 * math.pi) + logdet + np.trace(np.linalg.solve(sigma, s)))
    k = len(model.param_vals)
    return _fit_series(s, sigma, n, k, k, chi2, base_chi2, float(loglik), len(fixed))


def _fixed_x(model: Any) -> list[int]:
    """Positions (in semopy's observed order) of the exogenous observed variables, whose
    variances and covariances semopy fixes at their sample values (lavaan's
    ``fixed.x``): they count neither as moments nor as parameters in the df."""
    exogenous = set(model.vars["exogenous"])
    return [i for i, name in enumerate(model.vars["observed"]) if name in exogenous]


def _fit_series(
    s: np.ndarray,
    sigma: np.ndarray,
    n: int,
    k: int,
    n_parameters: int,
    chi2: float,
    base_chi2: float,
    loglik: float,
    n_fixed_x: int = 0,
) -> pd.Series:
    """The fit Series from the two chi-squares; ``k`` covariance-structure parameters
    (for the df), ``n_parameters`` in all (with FIML's means, for AIC and BIC);
    ``n_fixed_x`` exogenous observed variables whose (co)variances are fixed at their
    sample values (taken out of the moments of the model and of the baseline)."""
    from scipy import stats

    p, q = s.shape[0], n_fixed_x
    df = p * (p + 1) // 2 - k - q * (q + 1) // 2
    base_df = p * (p - 1) // 2 - q * (q - 1) // 2
    num, den = max(chi2 - df, 0.0), max(chi2 - df, base_chi2 - base_df, 0.0)
    cfi = 1.0 if den == 0 else 1 - num / den
    tli = 1 - (chi2 / df - 1) / (base_chi2 / base_df - 1) if df > 0 else 1.0
    rmsea = math.sqrt(max(chi2 - df, 0.0) / (df * (n - 1))) if df > 0 else 0.0
    low, high = rmsea_interval(chi2, df, n) if df > 0 else (0.0, 0.0)
    sd = np.sqrt(np.diag(s))
    resid = (s - sigma) / np.outer(sd, sd)
    srmr = math.sqrt(float(np.sum(np.tril(resid) ** 2)) / (p * (p + 1) / 2))
    row = {
        "n": n,
        "n_parameters": n_parameters,
        "chi2": chi2,
        "df": df,
        "p_value": float(stats.chi2.sf(chi2, df)) if df > 0 else 1.0,
        "cfi": cfi,
        "tli": tli,
        "rmsea": rmsea,
        "rmsea_ci_low": low,
        "rmsea_ci_high": high,
        "srmr": srmr,
        "log_likelihood": float(loglik),
        "aic": float(-2 * loglik + 2 * n_parameters),
        "bic": float(-2 * loglik + n_parameters * math.log(n)),
        "baseline_chi2": base_chi2,
        "baseline_df": base_df,
    }
    return pd.Series(row, name="fit", dtype=float)


# --------------------------------------------------------------------------- reliability


def _latent_variances(model: Any, names: dict[str, str]) -> dict[str, float]:
    """Model-implied variance of every latent variable (exogenous or endogenous)."""
    _, (_, c) = model.calc_sigma()
    cov = c @ model.mx_psi @ c.T
    return {names.get(a, a): float(cov[i, i]) for i, a in enumerate(model.names_beta[0])}


def _reliability(
    model: Any,
    spec: Any,
    frame: pd.DataFrame,
    table: pd.DataFrame,
    names: dict[str, str],
    item_cov: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Reliability per first-order factor; ``item_cov``: the items' covariances (FIML's
    EM estimate) instead of those of the complete ``frame``."""
    phi = _latent_variances(model, names)
    factors = set(spec.construct_names)
    est = table.set_index("term")
    rows = []
    for c in spec.constructs:
        items = list(c.items)
        if any(item in factors for item in items):
            continue  # a higher-order factor: its "items" are factors
        terms = [f"{c.name} =~ {item}" for item in items]
        lam_std = est.loc[terms, "std_estimate"].to_numpy(dtype=float)
        lam = est.loc[terms, "estimate"].to_numpy(dtype=float)
        theta = np.zeros((len(items), len(items)))
        for i, a in enumerate(items):
            for j, b in enumerate(items):
                for term in (f"{a} ~~ {b}", f"{b} ~~ {a}"):
                    if term in est.index:
                        theta[i, j] = est.loc[term, "estimate"]
                        break
        true = lam.sum() ** 2 * phi[c.name]
        k = len(items)
        cov = (
            np.cov(frame[items].to_numpy(), rowvar=False).reshape(k, k)
            if item_cov is None
            else item_cov.loc[items, items].to_numpy()
        )
        rows.append(
            {
                "construct": c.name,
                "mode": c.mode,
                "n_items": k,
                "alpha": _measures.alpha(cov, standardized=True),
                "rho_c": _measures.rho_c(lam_std),
                "ave": _measures.ave(lam_std),
                "omega": float(true / (true + theta.sum())),
            }
        )
    columns = ["construct", "mode", "n_items", "alpha", "rho_c", "ave", "omega"]
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- FIML


_patterns = _cbfiml.patterns
_minus2_loglik = _cbfiml.minus2_loglik
_em_saturated = _cbfiml.em_saturated


def _semopy_sigma(model: Any):
    """``theta -> (Sigma, [dSigma/dtheta_k])`` of a semopy model (which it updates)."""

    def sigma_fn(theta: np.ndarray) -> tuple[np.ndarray, list]:
        model.update_matrices(theta)
        sigma, (m, c) = model.calc_sigma()
        return np.asarray(sigma, dtype=float), model.calc_sigma_grad(m, c)

    return sigma_fn


def _saturated_sigma(p: int):
    """``vech -> (Sigma, [dSigma/dsigma_ij])`` of the unrestricted covariance matrix."""
    rows, cols = np.tril_indices(p)
    units = []
    for i, j in zip(rows, cols, strict=True):
        e = np.zeros((p, p))
        e[i, j] = e[j, i] = 1.0
        units.append(e)

    def sigma_fn(theta: np.ndarray) -> tuple[np.ndarray, list]:
        sigma = np.zeros((p, p))
        sigma[rows, cols] = theta
        sigma[cols, rows] = theta
        return sigma, units

    return sigma_fn, (rows, cols)


def _fiml_objective(sigma_fn: Any, k: int, patterns: list, p: int):
    """``-2 log L`` and its gradient in (``k`` covariance parameters, the ``p`` means)."""

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        sigma, grads = sigma_fn(x[:k])
        mu = x[k:]
        total, g_sigma, g_mu = 0.0, np.zeros((p, p)), np.zeros(p)
        for cols, rows in patterns:
            try:
                chol = np.linalg.cholesky(sigma[np.ix_(cols, cols)])
            except np.linalg.LinAlgError:
                return np.inf, np.full(len(x), np.nan)
            inv = np.linalg.inv(chol)
            inv = inv.T @ inv
            dev = rows - mu[cols]
            s = dev.T @ dev
            total += len(rows) * (len(cols) * math.log(2 * math.pi))
            total += len(rows) * 2 * np.log(np.diag(chol)).sum() + float(np.sum(inv * s))
            g_sigma[np.ix_(cols, cols)] += len(rows) * inv - inv @ s @ inv
            g_mu[cols] -= 2 * inv @ dev.sum(axis=0)
        g_theta = np.array([float(np.sum(g_sigma * g)) for g in grads])
        return total, np.concatenate([g_theta, g_mu])

    return fun


def _casewise_scores(sigma_fn: Any, k: int, patterns: list, x: np.ndarray) -> np.ndarray:
    """Each row's gradient of its log-likelihood in (covariance parameters, means)."""
    sigma, grads = sigma_fn(x[:k])
    mu, p = x[k:], len(x) - k
    out = []
    for cols, rows in patterns:
        inv = np.linalg.inv(sigma[np.ix_(cols, cols)])
        z = (rows - mu[cols]) @ inv  # Sigma^-1 d for each row
        block = np.zeros((len(rows), k + p))
        for j, g in enumerate(grads):
            g = np.asarray(g, dtype=float)[np.ix_(cols, cols)]
            block[:, j] = 0.5 * (np.einsum("ni,ij,nj->n", z, g, z) - np.sum(inv * g))
        block[:, k + cols] = z
        out.append(block)
    return np.vstack(out)


def _hessian(fun: Any, est: np.ndarray) -> np.ndarray:
    """Central differences of the analytic gradient of ``fun`` at ``est``."""
    hess = np.empty((len(est), len(est)))
    for j in range(len(est)):
        h = 1e-5 * max(1.0, abs(est[j]))
        up, down = est.copy(), est.copy()
        up[j] += h
        down[j] -= h
        hess[:, j] = (fun(up)[1] - fun(down)[1]) / (2 * h)
    fun(est)  # leave a semopy model at the estimate
    return (hess + hess.T) / 2


def _fiml_fit(model: Any, patterns: list, mu0: np.ndarray, where: str) -> tuple[Any, Any]:
    """Full-information ML from the fitted start: (scipy's result, the objective)."""

    p, k = len(mu0), len(model.param_vals)
    fun = _fiml_objective(_semopy_sigma(model), k, patterns, p)
    start = np.concatenate([model.param_vals, mu0])
    bounds = [*model.get_bounds(), *[(None, None)] * p]
    n = sum(len(rows) for _, rows in patterns)
    options = {"maxiter": 10_000, "ftol": 1e-15, "gtol": 1e-10}
    res = _cbfiml.minimize(fun, start, bounds, n, options)
    if not np.isfinite(res.fun) or (not res.success and np.abs(res.jac).max() > 1e-4 * n):
        raise ConvergenceError(
            f"{where}: the full-information ML optimiser did not converge ({res.nit} "
            f"iterations, -2 log L {res.fun:.6g}): {res.message}"
        )
    return res, fun


def _sandwich(fun: Any, sigma_fn: Any, k: int, patterns: list, est: np.ndarray):
    """(observed-information covariance, Huber-White covariance, tr(A^-1 B)) at ``est``.

    ``A`` the observed information (half the Hessian of ``-2 log L``), ``B`` the sum of
    the casewise score products; the robust covariance is ``A^-1 B A^-1``.
    """
    a_inv = np.linalg.pinv(_hessian(fun, est) / 2)
    scores = _casewise_scores(sigma_fn, k, patterns, est)
    b = scores.T @ scores
    fun(est)
    return a_inv, a_inv @ b @ a_inv, float(np.trace(a_inv @ b))


def _saturated_trace(patterns: list, mu: np.ndarray, s: np.ndarray) -> float:
    """``tr(A1^-1 B1)`` of the unrestricted normal model at its ML estimate."""
    p = len(mu)
    sigma_fn, (rows, cols) = _saturated_sigma(p)
    est = np.concatenate([s[rows, cols], mu])
    fun = _fiml_objective(sigma_fn, len(rows), patterns, p)
    return _sandwich(fun, sigma_fn, len(rows), patterns, est)[2]


# --------------------------------------------------------------------------- public


def _run(data: Any, model: Any, missing: Any, estimator: Any, ci: Any, where: str) -> SEMResult:
    spec, frame, n_dropped, ci = _prepare(data, model, missing, estimator, ci, where)
    alias = _aliases(spec, frame.columns)
    names = {a: n for n, a in alias.items()}
    aliased = _renamed(spec, alias)
    if missing == "fiml":
        return _run_fiml(spec, frame, n_dropped, estimator, ci, where, alias)
    fitted = _fit(aliased, frame.rename(columns=alias), estimator, where, names)
    fit = _fit_indices(fitted, len(frame))
    se = None
    x = frame.rename(columns=alias)[fitted.vars["observed"]].to_numpy(dtype=float)
    if estimator == "MLR":
        se, fit, vcov = _robust(fitted, x, x.mean(axis=0), fit)
    else:
        vcov = _cbextend.ml_vcov(fitted, len(frame))
    table = _estimates(fitted, aliased, ci, names, se=se)
    _warn_improper(table, where)
    table = _cbextend.extend_table(
        table, fitted, spec, names, _label_aliases(spec), vcov, x.mean(axis=0), ci,
        list(spec.intercepts),
    )  # fmt: skip
    return SEMResult(
        table=table,
        fit=fit,
        reliability=_reliability(fitted, spec, frame, table, names),
        n=len(frame),
        n_dropped=n_dropped,
        estimator=estimator,
        ci=ci,
        model=_cbsyntax.lavaan_text(spec),
        missing=missing,
        fitted=fitted,
        data=frame,
        spec=spec,
    )


def _robust(fitted: Any, x: np.ndarray, mu: np.ndarray, fit: pd.Series) -> tuple:
    """MLR on complete data: sandwich standard errors and the scaled fit."""
    k, p = len(fitted.param_vals), x.shape[1]
    patterns = _patterns(x)
    sigma_fn = _semopy_sigma(fitted)
    fun = _fiml_objective(sigma_fn, k, patterns, p)
    est = np.concatenate([fitted.param_vals, mu])
    _, robust, tr0 = _sandwich(fun, sigma_fn, k, patterns, est)
    s = np.asarray(fitted.mx_cov, dtype=float)
    se = np.sqrt(np.clip(np.diag(robust), 0.0, None))[:k]
    saturated = _saturated_trace(patterns, mu, s)
    base = saturated - _independence_trace(patterns, mu, np.diag(s).copy())
    return se, _scaled(fit, saturated - tr0, base), robust


def _scaled(
    fit: pd.Series, traces: float, base_traces: float | None = None, groups: int = 1
) -> pd.Series:
    """``fit`` with the Yuan-Bentler scaling factor, scaled chi-square and its p; with
    the baseline's ``base_traces`` also the robust CFI, TLI and RMSEA."""
    from scipy import stats

    df = fit["df"]
    c = traces / df if df > 0 else np.nan
    chi2 = fit["chi2"] / c if df > 0 else 0.0
    extra = {
        "scaling_factor": c,
        "chi2_scaled": chi2,
        "p_value_scaled": float(stats.chi2.sf(chi2, df)) if df > 0 else 1.0,
    }
    if base_traces is not None:
        extra.update(_robust_indices(fit, c, base_traces / fit["baseline_df"], groups))
    return pd.concat([fit, pd.Series(extra, dtype=float)]).rename("fit")


def _robust_indices(fit: pd.Series, c: float, c_base: float, groups: int) -> dict:
    """Robust CFI and TLI (Brosseau-Liard & Savalei 2014) and RMSEA (Brosseau-Liard,
    Savalei & Li 2012): the noncentralities ``T - c df`` of the model and the baseline,
    ``T`` the ML chi-square and ``c`` the scaling factor."""
    t, df, t_b, df_b = fit["chi2"], fit["df"], fit["baseline_chi2"], fit["baseline_df"]
    lam = t - c * df if df > 0 else 0.0
    lam_b = t_b - c_base * df_b
    num, den = max(lam, 0.0), max(lam, lam_b, 0.0)
    # the n of the ML RMSEA of this fit: n - 1 for one group (semopy's), N for several
    n = fit["n"] - 1 if groups == 1 else fit["n"]
    return {
        "baseline_scaling_factor": c_base,
        "baseline_chi2_scaled": t_b / c_base,
        "cfi_robust": 1.0 if den == 0 else 1 - num / den,
        "tli_robust": 1 - (lam / df) / (lam_b / df_b) if df > 0 else 1.0,
        "rmsea_robust": math.sqrt(groups) * math.sqrt(max(lam, 0.0) / (df * n)) if df > 0 else 0.0,
    }


def _independence_trace(patterns: list, mu: np.ndarray, var: np.ndarray) -> float:
    """``tr(A_B^-1 B_B)`` of the independence (baseline) model -- each variable its own
    mean and variance, no covariances -- at its ML estimate."""
    p = len(mu)
    units = []
    for j in range(p):
        e = np.zeros((p, p))
        e[j, j] = 1.0
        units.append(e)

    def sigma_fn(theta: np.ndarray) -> tuple[np.ndarray, list]:
        return np.diag(theta), units

    fun = _fiml_objective(sigma_fn, p, patterns, p)
    return _sandwich(fun, sigma_fn, p, patterns, np.concatenate([var, mu]))[2]


def _run_by(
    data: Any, model: Any, by: Any, missing: Any, estimator: Any, ci: Any, where: str = "cfa"
) -> SEMResult:
    """The configural multi-group model: the model fitted in each group of ``by``."""
    v.check_dataframe(data)
    v.check_columns(data, [by], "by")
    v.check_missing(missing, MISSING)
    unknown = data[by].isna()
    if unknown.any() and missing == "raise":
        raise ValueError(
            f"{where}: {int(unknown.sum())} row(s) have a missing value (NaN) in the group "
            f"column {by!r}, at rows {v.format_values(data.index[unknown])}. {_MISSING_ADVICE}"
        )
    labels = list(dict.fromkeys(data.loc[~unknown, by]))
    if len(labels) < 2:
        raise ValueError(
            f"by: column {by!r} has {len(labels)} group(s) ({v.format_values(labels)}); a "
            f"multi-group model compares two or more. Leave by=None for one group."
        )
    fits = []
    for label in labels:
        try:
            fits.append(_run(data.loc[data[by] == label], model, missing, estimator, ci, where))
        except ValueError as exc:
            raise ValueError(f"by: in group {label!r} of {by!r}: {exc}") from None
    return _combined(fits, labels, by, int(unknown.sum()))


def _combined(fits: list, labels: list, by: str, n_unknown: int) -> SEMResult:
    """One result of the groups' fits: tables with a ``group`` column, summed fit."""
    from scipy import stats

    def stacked(frames: list, at: int) -> pd.DataFrame:
        out = [f.insert(at, "group", label) or f for f, label in zip(frames, labels, strict=True)]
        return pd.concat(out, ignore_index=True)

    table = stacked([f.table.copy() for f in fits], 4)
    reliability = stacked([f.reliability.copy() for f in fits], 1)
    fit = pd.concat([f.fit for f in fits], axis=1)
    total = fit.sum(axis=1)
    n, groups = int(total["n"]), len(fits)
    chi2, df = total["chi2"], total["df"]
    base_chi2, base_df = total["baseline_chi2"], total["baseline_df"]
    num, den = max(chi2 - df, 0.0), max(chi2 - df, base_chi2 - base_df, 0.0)
    low, high = rmsea_interval(chi2, int(df), n + 1) if df > 0 else (0.0, 0.0)
    scale = math.sqrt(groups)
    row = {
        **total[["n", "n_parameters", "chi2", "df"]].to_dict(),
        "p_value": float(stats.chi2.sf(chi2, df)) if df > 0 else 1.0,
        "cfi": 1.0 if den == 0 else 1 - num / den,
        "tli": 1 - (chi2 / df - 1) / (base_chi2 / base_df - 1) if df > 0 else 1.0,
        "rmsea": scale * math.sqrt(max(chi2 - df, 0.0) / (df * n)) if df > 0 else 0.0,
        "rmsea_ci_low": scale * low,
        "rmsea_ci_high": scale * high,
        "srmr": float((fit.loc["srmr"] * fit.loc["n"]).sum() / n),
        "log_likelihood": total["log_likelihood"],
        "aic": float(-2 * total["log_likelihood"] + 2 * total["n_parameters"]),
        "bic": float(-2 * total["log_likelihood"] + total["n_parameters"] * math.log(n)),
        "baseline_chi2": base_chi2,
        "baseline_df": base_df,
    }
    out = pd.Series(row, name="fit", dtype=float)
    if "scaling_factor" in fit.index:  # the traces add over independent groups
        c = float((fit.loc["scaling_factor"] * fit.loc["df"]).sum() / df)
        base = None
        if "baseline_scaling_factor" in fit.index:
            base = float((fit.loc["baseline_scaling_factor"] * fit.loc["baseline_df"]).sum())
        out = _scaled(out, c * df, base, groups)
    first = fits[0]
    return SEMResult(
        table=table,
        fit=out,
        reliability=reliability,
        n=n,
        n_dropped=sum(f.n_dropped for f in fits) + n_unknown,
        estimator=first.estimator,
        ci=first.ci,
        model=first.model,
        n_patterns=sum(f.n_patterns for f in fits),
        by=by,
        missing=first.missing,
        group_fits=tuple(zip(labels, fits, strict=True)),
    )


def _start_fiml(frame: pd.DataFrame, aliased: Any, where: str, names: dict) -> tuple:
    """The EM saturated model and the ML fit to its covariance: FIML's start."""
    x = frame.to_numpy(dtype=float)
    mu, s = _em_saturated(x, _patterns(x))
    try:
        np.linalg.cholesky(s)
    except np.linalg.LinAlgError:
        raise ValueError(
            f"{where}: the covariance matrix of {v.format_values(frame.columns.map(names))} "
            f"estimated from the observed values (EM) is singular (a column is a linear "
            f"combination of others, or too few rows answer a pair); drop the redundant one."
        ) from None
    cov = pd.DataFrame(s, index=frame.columns, columns=frame.columns)
    filled = frame.fillna(pd.Series(mu, index=frame.columns))
    fitted = _fit(aliased, filled, "MLW", where, names, cov=cov)
    order = [list(frame.columns).index(o) for o in fitted.vars["observed"]]
    return fitted, x[:, order], mu[order], s[np.ix_(order, order)]


def _fiml_baseline(x: np.ndarray, mu: np.ndarray, s: np.ndarray, fixed: list) -> float:
    """``-2 log L`` of FIML's independence baseline: each variable its own mean and
    variance (ML on its observed values), except the exogenous observed variables
    (``fixed.x``), whose block keeps the saturated (EM) means and covariances, as
    lavaan's baseline keeps their sample block."""
    seen = np.isfinite(x)
    out = sum(
        seen[:, j].sum() * (math.log(2 * math.pi) + math.log(np.nanvar(x[:, j])) + 1)
        for j in range(x.shape[1])
        if j not in fixed
    )
    if fixed:
        block = x[:, fixed]
        keep = np.isfinite(block).any(axis=1)
        out += _cbfiml.minus2_loglik(_patterns(block[keep]), mu[fixed], s[np.ix_(fixed, fixed)])
    return float(out)


def _run_fiml(
    spec: Any, frame: pd.DataFrame, n_dropped: int, estimator: str, ci: float, where: str, alias
) -> SEMResult:
    """Full-information ML: every observed value of every row with one."""
    names = {a: n for n, a in alias.items()}
    aliased = _renamed(spec, alias)
    fitted, x, mu, s = _start_fiml(frame.rename(columns=alias), aliased, where, names)
    patterns = _patterns(x)
    res, fun = _fiml_fit(fitted, patterns, mu, where)
    k, n, p = len(fitted.param_vals), len(x), x.shape[1]
    a_inv, robust, tr0 = _sandwich(fun, _semopy_sigma(fitted), k, patterns, res.x)
    fitted.param_vals = res.x[:k]
    fitted.update_matrices(res.x[:k])
    vcov = robust if estimator == "MLR" else a_inv
    se = np.sqrt(np.clip(np.diag(vcov), 0.0, None))
    sigma = np.asarray(fitted.calc_sigma()[0], dtype=float)
    observed = [names[o] for o in fitted.vars["observed"]]
    table = _estimates(fitted, aliased, ci, names, se=se[:k])
    _warn_improper(table, where)
    table = _cbextend.extend_table(
        table, fitted, spec, names, _label_aliases(spec), vcov, res.x[k:], ci, observed
    )
    h1 = _minus2_loglik(patterns, mu, s)
    fixed = _fixed_x(fitted)
    fit = _fit_series(
        s, sigma, n, k, k + p - len(fixed), res.fun - h1, _fiml_baseline(x, mu, s, fixed) - h1,
        -res.fun / 2, len(fixed),
    )  # fmt: skip
    if estimator == "MLR":
        fit = _scaled(fit, _saturated_trace(patterns, mu, s) - tr0)
    item_cov = pd.DataFrame(s, index=observed, columns=observed)
    return SEMResult(
        table=table,
        fit=fit,
        reliability=_reliability(fitted, spec, frame, table, names, item_cov=item_cov),
        n=n,
        n_dropped=n_dropped,
        estimator=estimator,
        ci=ci,
        model=_cbsyntax.lavaan_text(spec),
        n_patterns=len(patterns),
        missing="fiml",
        fitted=fitted,
        data=frame,
        spec=spec,
    )


_NOTES = """
    The parameters are semopy's maximum-likelihood estimates (objective ``"MLW"``,
    ``F = tr(S Sigma^-1) - log|S Sigma^-1| - p`` with the divide-by-n covariance ``S``;
    the same fit function as lavaan's ``"ML"``); each factor is identified by fixing its
    first loading at 1, and a single-item factor has its error variance fixed at 0.
    Standard errors come from the expected information, as semopy reports them.

    Fit, with ``chi2 = n F``, ``df = p (p + 1) / 2 - k`` (``k`` free parameters) and the
    independence baseline ``chi2_0 = n (sum log s_jj - log|S|)``, ``df_0 = p (p - 1) / 2``:
    ``CFI = 1 - max(chi2 - df, 0) / max(chi2 - df, chi2_0 - df_0, 0)`` (Bentler 1990),
    ``TLI = (chi2_0/df_0 - chi2/df) / (chi2_0/df_0 - 1)``,
    ``RMSEA = sqrt(max(chi2 - df, 0) / (df (n - 1)))`` with the 90% interval from the
    noncentral chi-square (Browne & Cudeck 1993), SRMR the root mean square of the
    standardized residuals ``(s_ij - sigma_ij) / sqrt(s_ii s_jj)`` over the
    ``p (p + 1) / 2`` distinct elements, and ``AIC = -2 logL + 2k``,
    ``BIC = -2 logL + k log n`` from the normal log-likelihood
    ``logL = -n/2 (p log 2 pi + log|Sigma| + tr(S Sigma^-1))`` (as lavaan reports them;
    semopy's own ``calc_aic`` plugs in the fit function instead of ``logL``).
    semopy's RMSEA uses ``n - 1``, lavaan's ``n``: lavaan's value is this one times
    ``sqrt((n - 1) / n)``.

    Reliability per first-order factor, from its items: ``alpha`` (standardized
    Cronbach's alpha, ``k / (k - 1) (1 - k / sum(R))`` from the items' correlations, as
    in the PLS table), ``rho_c = (sum l)^2 / ((sum l)^2 + sum (1 - l^2))`` and
    ``ave = mean(l^2)`` from the standardized loadings ``l`` (the same formulas as the
    PLS table), and McDonald's ``omega = (sum lambda)^2 phi / ((sum lambda)^2 phi +
    sum theta)`` from the unstandardized loadings ``lambda``, the factor's model-implied
    variance ``phi`` and the error (co)variances ``theta`` of its items: the
    reliability of the unweighted sum of the raw items. A single-item factor reports 1
    (its error variance is fixed at 0).

    ``missing="fiml"`` (Arbuckle 1996; Enders & Bandalos 2001) maximizes
    ``log L = sum_i log phi(x_i,obs; mu_obs, Sigma_obs)`` over the covariance
    structure's parameters and ``p`` free intercepts ``mu``, each row contributing the
    normal density of its observed part (L-BFGS-B with the analytic gradient, TNC when
    L-BFGS-B stops short of a zero projected gradient, started
    at the ML fit to the EM covariance); standard errors from the observed information
    (central differences of the analytic gradient), as lavaan's default for FIML.
    ``chi2 = 2 (log L_1 - log L)`` against the unrestricted normal model (means and
    covariances by EM), the baseline against the independence model (each variable's
    own mean and variance), both with the formulas above; SRMR and alpha use the EM
    covariances; ``n_parameters`` (for AIC, BIC) counts the ``p`` intercepts. On
    complete data the estimates and fit equal ML's.

    ``estimator="MLR"`` (Huber 1967; White 1982; Yuan & Bentler 2000) keeps the ML
    estimates and replaces the covariance of the parameters (with the means) by the
    sandwich ``A^-1 B A^-1``: ``A`` the observed information (central differences of
    the analytic gradient), ``B = sum_i s_i s_i'`` over the rows' casewise scores
    ``s_i`` (the gradient of row ``i``'s normal log-density of its observed part). The
    scaling factor is ``c = (tr(A_1^-1 B_1) - tr(A^-1 B)) / df``, ``A_1``, ``B_1`` those
    of the unrestricted normal model (the Mplus variant lavaan reports for MLR), and
    ``chi2_scaled = chi2 / c``; CFI, TLI and RMSEA stay the ML ones. On complete data
    the robust indices use the noncentralities ``T - c df`` of the model and
    ``T_0 - c_0 df_0`` of the baseline (``c_0`` the baseline's scaling factor, from
    the independence model's ``A_0``, ``B_0``):
    ``cfi_robust = 1 - max(T - c df, 0) / max(T - c df, T_0 - c_0 df_0, 0)`` and
    ``tli_robust = 1 - ((T - c df) / df) / ((T_0 - c_0 df_0) / df_0)``
    (Brosseau-Liard & Savalei 2014),
    ``rmsea_robust = sqrt(max(T - c df, 0) / (df (n - 1)))`` (Brosseau-Liard, Savalei
    & Li 2012; ``N`` and ``sqrt(G)`` with ``by``, as the ML RMSEA). With FIML lavaan
    uses another correction (Zhang & Savalei 2022), not computed here.

    lavaan's modifiers are passed to semopy (labels and fixed values); as in lavaan,
    a factor's first loading stays fixed at 1 when a later one is fixed. Observed
    exogenous variables (predictors in paths) keep their sample (co)variances, as
    lavaan's ``fixed.x``: their ``q (q + 1) / 2`` moments leave the df and the baseline
    keeps their block (``df_0 = p (p - 1) / 2 - q (q - 1) / 2``); with
    ``missing="fiml"`` the block keeps its saturated (EM) values, with the same df and
    baseline and ``n_parameters`` counting the outcomes' intercepts only. An intercept
    ``y ~ 1`` is ``nu_y = mu_y - sum_k b_yk mu_k`` over the observed predictors ``k`` of
    ``y`` (latent means 0) with ``mu`` the sample means (FIML's estimates with
    ``missing="fiml"``); a defined parameter is its expression at the estimates. Both
    get delta-method standard errors from the joint covariance of the parameters and
    the means (``Sigma / n`` for the means under ML, the fit's own under FIML and
    MLR; Sobel 1982 for ``a*b``).
"""

_REFERENCES = """
    Bentler, P. M. (1990). Comparative fit indexes in structural models. *Psychological
    Bulletin*, 107(2), 238-246.

    Browne, M. W., & Cudeck, R. (1993). Alternative ways of assessing model fit. In
    K. A. Bollen & J. S. Long (Eds.), *Testing Structural Equation Models* (pp. 136-162).
    Sage.

    Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance
    structure analysis. *Structural Equation Modeling*, 6(1), 1-55.

    McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Lawrence Erlbaum.

    Arbuckle, J. L. (1996). Full information estimation in the presence of incomplete
    data. In G. A. Marcoulides & R. E. Schumacker (Eds.), *Advanced Structural Equation
    Modeling* (pp. 243-277). Lawrence Erlbaum.

    Enders, C. K., & Bandalos, D. L. (2001). The relative performance of full
    information maximum likelihood estimation for missing data in structural equation
    models. *Structural Equation Modeling*, 8(3), 430-457.

    Huber, P. J. (1967). The behavior of maximum likelihood estimates under nonstandard
    conditions. *Proceedings of the Fifth Berkeley Symposium*, 1, 221-233.

    White, H. (1982). Maximum likelihood estimation of misspecified models.
    *Econometrica*, 50(1), 1-25.

    Yuan, K.-H., & Bentler, P. M. (2000). Three likelihood-based methods for mean and
    covariance structure analysis with nonnormal missing data. *Sociological
    Methodology*, 30, 165-200.

    Sobel, M. E. (1982). Asymptotic confidence intervals for indirect effects in
    structural equation models. *Sociological Methodology*, 13, 290-312.

    Brosseau-Liard, P. E., Savalei, V., & Li, L. (2012). An investigation of the
    sample performance of two nonnormality corrections for RMSEA. *Multivariate
    Behavioral Research*, 47(6), 904-930.

    Brosseau-Liard, P. E., & Savalei, V. (2014). Adjusting incremental fit indices
    for nonnormality. *Multivariate Behavioral Research*, 49(5), 460-470.

    Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation
    coefficient. *Psychometrika*, 44(4), 443-460.

    Muthen, B. O., du Toit, S. H. C., & Spisic, D. (1997). Robust inference using
    weighted least squares and quadratic estimating equations in latent variable
    modeling with categorical and continuous outcomes. Unpublished manuscript.

    Asparouhov, T., & Muthen, B. (2010). Simple second order chi-square correction.
    Mplus technical appendix.

    Igolkina, A. A., & Meshcheryakov, G. (2020). semopy: A Python package for
    structural equation modeling. *Structural Equation Modeling*, 27(6), 952-963.
"""

_PARAMETERS = """
    data : pandas.DataFrame
        One row per respondent; every item (and every observed variable named in a path
        or covariance) a numeric column.
    model : str or ModelSpec
        lavaan-style syntax: ``F =~ item1 + item2 + item3`` for each factor{paths},
        ``a ~~ b`` for a free (error) covariance, and lavaan's modifiers: labels
        (``y ~ a*x1 + a*x2``: one label, equal parameters), fixed values
        (``F =~ x1 + 0.5*x2``, ``x1 ~~ 0.3*x1``), intercepts (``y ~ 1``, observed
        variables) and defined parameters (``ind := a*b``: delta-method standard
        errors; percentile intervals by :meth:`SEMResult.bootstrap`). Composites
        (``<~``), ``==``/``<``/``>`` constraints, thresholds (``|``) and other
        modifiers (``NA*``, ``start()``, ``c()``) are refused, naming the statement.
    missing : {{"raise", "listwise", "fiml"}}, default "raise"
        A missing value in a model column raises ``ValueError``; ``"listwise"`` drops
        the incomplete rows and reports the count as ``n_dropped``; ``"fiml"`` fits by
        full-information maximum likelihood on every observed value (valid when the
        values are missing at random), with the observed variables' intercepts
        (``y ~1`` rows), drops only rows without any answer (``n_dropped``) and reports
        the missing-data patterns as ``n_patterns``.
    estimator : {{"MLW", "MLR"}}, default "MLW"
        ``"MLW"``: semopy's maximum likelihood (Wishart), lavaan's ``"ML"``;
        ``"MLR"``: the same estimates with Huber-White (sandwich) standard errors and
        the Yuan-Bentler scaled chi-square, robust to non-normal answers (lavaan's and
        Mplus's ``"MLR"``).
    ci : float, default 0.95
        Confidence level of the Wald intervals ``ci_low``, ``ci_high``.
"""

_BY = """
    by : str, optional
        A group column: the configural multi-group model, fitted in each group with
        nothing equal across groups (for a CFA the first step of :func:`invariance`,
        whose other steps add equality constraints; for a model with paths, compare the
        groups' ``table`` rows). ``table`` and ``reliability`` get a
        ``group`` column; ``fit`` sums ``n``, ``n_parameters``, ``chi2``, ``df``,
        the log-likelihood and the baselines over the groups, with CFI and TLI from the
        sums, RMSEA as lavaan's multi-group ``sqrt(G) sqrt(max(chi2 - df, 0) / (df N))``,
        SRMR the n-weighted mean, and with ``"MLR"`` the scaling factor
        ``sum(c_g df_g) / sum(df_g)``. A missing value in ``by`` follows ``missing``.
"""

_ORDERED = """
    ordered : list of str, optional
        The model's items as ordinal (every observed variable of the model: Likert
        answers coded as integers; in a model with paths, the paths join factors). The
        model is then fitted to their polychoric
        correlations (two steps: thresholds from the marginals, then one bivariate
        normal likelihood per pair; Olsson 1979) by diagonally weighted least squares
        with robust (sandwich) standard errors and the mean-and-variance adjusted
        chi-square (lavaan's and Mplus's WLSMV; Muthen, du Toit & Spisic 1997;
        Asparouhov & Muthen 2010), ``estimator`` reported as ``"WLSMV"``. The
        table gets lavaan's threshold rows (``item | t1``, ...); ``fit`` has
        ``chi2`` (DWLS), ``chi2_scaled``, ``scaling_factor``, ``shift``, CFI, TLI and
        RMSEA from ``chi2`` and ``cfi_scaled``, ``rmsea_scaled`` from the adjusted one,
        and no log-likelihood. Not with ``by``, ``missing="fiml"``, ``"MLR"`` or
        lavaan's modifiers.
"""

_RAISES = """
    TypeError
        ``data`` not a DataFrame, ``model`` not a string, a non-numeric column.
    ValueError
        Bad syntax; an unknown item, a construct without items, a
        composite (``<~``: use ``cx.pls``){cfa_paths}; a missing value with
        ``missing="raise"``; an infinite value, a constant or duplicated column, fewer
        rows than variables, a singular covariance matrix, a column with values beyond
        1e100 in magnitude; a self-loop (``SAT ~ SAT``); a model that is not identified:
        more free parameters than variances and covariances, or parameters the implied
        covariances cannot tell apart (a reciprocal path without instruments; named);
        a covariance with a variable outside the model.
    cxresearch.ConvergenceError
        The optimiser did not converge.
"""


def _ordinal_codes(frame: pd.DataFrame, ordered: Any, columns: list[str]) -> tuple:
    """Check ``ordered`` (every observed column of the model) and code the answers
    ``0..C-1`` (the distinct values in order): ``(codes, n_cat, categories)``."""
    names = v.as_column_list(ordered, "ordered")
    if sorted(map(str, names)) != sorted(map(str, columns)) or len(names) != len(columns):
        raise ValueError(
            f"ordered must list every observed variable of the model, "
            f"{v.format_values(columns, 12)} (mixing ordinal and continuous items is not "
            f"supported), got {v.format_values(names, 12)}."
        )
    codes, n_cat, cats = np.empty(frame.shape, dtype=np.intp), [], []
    for j, col in enumerate(frame.columns):
        v.check_integer_valued(frame[col], col, "ordered")
        values = np.unique(frame[col].to_numpy())
        if not 2 <= len(values) <= 20:
            raise ValueError(
                f"ordered: column {col!r} has {len(values)} distinct answer(s); an ordinal "
                f"item needs 2 to 20 categories."
            )
        codes[:, j] = np.searchsorted(values, frame[col].to_numpy())
        n_cat.append(len(values))
        cats.append(values)
    return codes, n_cat, cats


def _threshold_rows(frame, codes, taus, ci: float) -> pd.DataFrame:
    """lavaan's threshold rows ``item | t1`` with the standard errors of the marginals."""
    from scipy import stats

    from . import _cbordinal

    rows, z = [], stats.norm.isf((1 - ci) / 2)
    for j, col in enumerate(frame.columns):
        infl = _cbordinal.threshold_influence(codes[:, j], taus[j])
        se = infl.std(axis=0) / math.sqrt(len(codes))
        for c, (tau, s) in enumerate(zip(taus[j][1:-1], se, strict=True), start=1):
            rows.append(
                {"term": f"{col} | t{c}", "lhs": col, "op": "|", "rhs": f"t{c}", "free": True,
                 "estimate": tau, "std_error": s, "statistic": tau / s,
                 "p_value": 2 * stats.norm.sf(abs(tau / s)), "ci_low": tau - z * s,
                 "ci_high": tau + z * s, "std_estimate": tau}
            )  # fmt: skip
    return pd.DataFrame(rows)


def _pair_order(columns: list[str], observed: list[str]) -> np.ndarray:
    """Positions, among ``columns``' lower-triangle pairs, of ``observed``'s pairs."""
    rows, cols = np.tril_indices(len(columns), -1)
    where = {(a, b): m for m, (a, b) in enumerate(zip(rows, cols, strict=True))}
    perm = [columns.index(o) for o in observed]
    r2, c2 = np.tril_indices(len(observed), -1)
    return np.array(
        [where[max(perm[i], perm[j]), min(perm[i], perm[j])] for i, j in zip(r2, c2, strict=True)]
    )


def _ordinal_fit(res: dict, base: tuple, r, sigma, n: int, k: int) -> pd.Series:
    """The fit Series of a WLSMV fit (DWLS chi-square, scaled and shifted)."""
    from scipy import stats

    chi2, df = res["chi2"], res["df"]
    scaled, scaling, shift = res["scaled"]
    base_chi2, base_df, base_scaled = base
    num, den = max(chi2 - df, 0.0), max(chi2 - df, base_chi2 - base_df, 0.0)
    num_s, den_s = max(scaled - df, 0.0), max(scaled - df, base_scaled - base_df, 0.0)
    low, high = rmsea_interval(chi2, df, n) if df > 0 else (0.0, 0.0)
    rows, cols = np.tril_indices(r.shape[0], -1)
    row = {
        "n": n, "n_parameters": k, "chi2": chi2, "df": df,
        "p_value": float(stats.chi2.sf(chi2, df)) if df > 0 else 1.0,
        "cfi": 1.0 if den == 0 else 1 - num / den,
        "tli": 1 - (chi2 / df - 1) / (base_chi2 / base_df - 1) if df > 0 else 1.0,
        "rmsea": math.sqrt(max(chi2 - df, 0.0) / (df * (n - 1))) if df > 0 else 0.0,
        "rmsea_ci_low": low, "rmsea_ci_high": high,
        "srmr": math.sqrt(float(np.mean((r[rows, cols] - sigma[rows, cols]) ** 2))),
        "baseline_chi2": base_chi2, "baseline_df": base_df,
        "scaling_factor": scaling, "shift": shift, "chi2_scaled": scaled,
        "p_value_scaled": float(stats.chi2.sf(scaled, df)) if df > 0 else 1.0,
        "baseline_chi2_scaled": base_scaled,
        "cfi_scaled": 1.0 if den_s == 0 else 1 - num_s / den_s,
        "rmsea_scaled": math.sqrt(max(scaled - df, 0.0) / (df * (n - 1))) if df > 0 else 0.0,
    }  # fmt: skip
    return pd.Series(row, name="fit", dtype=float)


def _run_ordinal(data, model, ordered, missing, estimator, ci, where="cfa") -> SEMResult:
    """A CFA of ordinal items: polychoric correlations, DWLS, WLSMV's tests."""
    from . import _cbordinal

    if estimator != "MLW" or missing == "fiml":
        raise ValueError(
            f"ordered: ordinal items are fitted by DWLS with robust standard errors and the "
            f"mean-and-variance adjusted chi-square (WLSMV); leave estimator at 'MLW' (got "
            f"{estimator!r}) and use missing='raise' or 'listwise' (got {missing!r})."
        )
    spec, frame, n_dropped, ci = _prepare(data, model, missing, estimator, ci, where)
    if any(name in frame.columns for path in spec.paths for name in path):
        raise ValueError(
            f"{where}: ordered: an ordinal item in a path is not supported; paths join the "
            f"factors the ordinal items measure."
        )
    if spec.modifiers or spec.intercepts or spec.defined:
        raise ValueError("ordered: labels, fixed values, intercepts and ':=' are not supported.")
    columns = list(frame.columns)
    codes, n_cat, _ = _ordinal_codes(frame, ordered, columns)
    taus, r, gamma = _cbordinal.polychoric_matrix(codes, n_cat)
    alias = _aliases(spec, columns)
    names = {a: name for name, a in alias.items()}
    aliased = _renamed(spec, alias)
    cov = pd.DataFrame(r, index=[alias[c] for c in columns], columns=[alias[c] for c in columns])
    fitted = _fit(aliased, frame.rename(columns=alias), "MLW", where, names, cov=cov)
    observed = [names[o] for o in fitted.vars["observed"]]
    perm = [columns.index(o) for o in observed]
    pairs = _pair_order(columns, observed)
    r_o, gamma_o, n = r[np.ix_(perm, perm)], gamma[np.ix_(pairs, pairs)], len(frame)
    res = _cbordinal.fit_dwls(fitted, r_o, gamma_o, n)
    if not res["converged"]:
        raise ConvergenceError(
            f"{where}: the DWLS fit to the polychoric correlations did not converge."
        )
    fitted.param_vals = res["x"]
    fitted.update_matrices(res["x"])
    table = _estimates(
        fitted, aliased, ci, names, se=np.sqrt(np.clip(np.diag(res["vcov"]), 0, None))
    )
    _warn_improper(table, where)
    # an item's error variance is 1 minus its common variance, not a parameter (lavaan)
    derived = (table["op"] == "~~") & (table["lhs"] == table["rhs"]) & table["lhs"].isin(columns)
    table.loc[derived, "free"] = False
    cols = ["std_error", "statistic", "p_value", "ci_low", "ci_high"]
    table.loc[derived, cols] = np.nan
    table = pd.concat([table, _threshold_rows(frame, codes, taus, ci)], ignore_index=True)
    sigma = np.asarray(fitted.calc_sigma()[0], dtype=float)
    k = len(res["x"]) - len(_cbordinal.theta_diagonal(fitted)) + sum(c - 1 for c in n_cat)
    item_cov = pd.DataFrame(r, index=columns, columns=columns)
    return SEMResult(
        table=table,
        fit=_ordinal_fit(res, _cbordinal.baseline(r_o, gamma_o, n), r_o, sigma, n, k),
        reliability=_reliability(fitted, spec, frame, table, names, item_cov=item_cov),
        n=n, n_dropped=n_dropped, estimator="WLSMV", ci=ci,
        model=_cbsyntax.lavaan_text(spec), missing=missing, fitted=fitted, data=frame, spec=spec,
    )  # fmt: skip


def cfa(
    data: pd.DataFrame,
    model: str,
    *,
    by: str | None = None,
    ordered: Any = None,
    missing: str = "raise",
    estimator: str = "MLW",
    ci: float = 0.95,
) -> SEMResult:
    """Confirmatory factor analysis by maximum likelihood (semopy).

    Parameters
    ----------
    {parameters}

    Returns
    -------
    SEMResult
        ``.table`` (estimates), ``.fit`` (fit indices), ``.reliability`` (alpha, rho_c,
        AVE, omega per factor), ``n``, ``n_dropped``. Every pair of factors covaries.

    {sections}

    Examples
    --------
    >>> import cxresearch as cx
    >>> from cxresearch.latent import cfa
    >>> s = cx.simulate_survey(500, constructs=["service", "loyalty"], seed=1)
    >>> res = cfa(
    ...     s.data,
    ...     '''
    ...     SERV =~ service_1 + service_2 + service_3 + service_4
    ...     LOY  =~ loyalty_1 + loyalty_2 + loyalty_3 + loyalty_4
    ... ''',
    ... )
    >>> res.fit[["chi2", "df", "cfi", "rmsea", "rmsea_ci_high", "srmr"]].round(3).to_dict()
    {{'chi2': 16.293, 'df': 19.0, 'cfi': 1.0, 'rmsea': 0.0, 'rmsea_ci_high': 0.033, 'srmr': 0.018}}
    >>> print(res.reliability.round(3).to_string(index=False))
    construct mode  n_items  alpha  rho_c   ave  omega
         SERV    A        4  0.870  0.871 0.628  0.871
          LOY    A        4  0.901  0.901 0.696  0.902

    The same answers as the ordinal items they are (polychoric correlations, WLSMV):

    >>> items = [c for c in s.data.columns if c != "respondent_id"]
    >>> ordinal = cfa(
    ...     s.data,
    ...     "SERV =~ service_1 + service_2 + service_3 + service_4; "
    ...     "LOY =~ loyalty_1 + loyalty_2 + loyalty_3 + loyalty_4",
    ...     ordered=items,
    ... )
    >>> ordinal.fit[["chi2", "df", "chi2_scaled", "cfi", "rmsea"]].round(3).to_dict()
    {{'chi2': 6.473, 'df': 19.0, 'chi2_scaled': 15.303, 'cfi': 1.0, 'rmsea': 0.0}}
    >>> ordinal.table.query("op == '=~'")["std_estimate"].round(3).tolist()
    [0.858, 0.777, 0.85, 0.783, 0.887, 0.893, 0.821, 0.823]
    >>> s.loadings["loading"].round(3).tolist()  # the simulator's truth
    [0.836, 0.776, 0.859, 0.765, 0.891, 0.893, 0.791, 0.819]
    """
    if ordered is not None:
        if by is not None:
            raise ValueError(
                "ordered: a multi-group CFA of ordinal items (by=...) is not supported."
            )
        return _run_ordinal(data, model, ordered, missing, estimator, ci)
    if by is not None:
        return _run_by(data, model, by, missing, estimator, ci)
    return _run(data, model, missing, estimator, ci, "cfa")


def sem(
    data: pd.DataFrame,
    model: str,
    *,
    by: str | None = None,
    ordered: Any = None,
    missing: str = "raise",
    estimator: str = "MLW",
    ci: float = 0.95,
) -> SEMResult:
    """Structural equation model (factors and paths) by maximum likelihood (semopy).

    Parameters
    ----------
    {parameters}

    Returns
    -------
    SEMResult
        ``.table`` (loadings ``=~``, paths ``~``, (co)variances ``~~``), ``.fit``,
        ``.reliability``, ``n``, ``n_dropped``. Exogenous factors covary freely.

    {sections}

    Examples
    --------
    >>> import cxresearch as cx
    >>> from cxresearch.latent import sem
    >>> mobi = cx.load_dataset("mobi")
    >>> res = sem(
    ...     mobi,
    ...     '''
    ...     IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
    ...     SAT  =~ CUSA1 + CUSA2 + CUSA3
    ...     LOY  =~ CUSL1 + CUSL3
    ...     SAT ~ IMAG
    ...     LOY ~ SAT
    ... ''',
    ... )
    >>> paths = res.table[res.table["op"] == "~"]
    >>> print(
    ...     paths[["term", "estimate", "std_error", "std_estimate"]].round(3).to_string(index=False)
    ... )
          term  estimate  std_error  std_estimate
    SAT ~ IMAG     0.676      0.081         0.893
     LOY ~ SAT     1.647      0.219         0.847
    >>> res.fit[["chi2", "df", "cfi", "tli", "rmsea", "srmr"]].round(3).to_dict()
    {{'chi2': 65.223, 'df': 33.0, 'cfi': 0.963, 'tli': 0.949, 'rmsea': 0.063, 'srmr': 0.041}}

    lavaan's labels, equality constraints and defined parameters (an indirect effect):

    >>> from semopy.examples import political_democracy
    >>> res = sem(
    ...     political_democracy.get_data(),
    ...     '''
    ...     ind60 =~ x1 + x2 + x3
    ...     dem60 =~ y1 + a*y2 + b*y3 + c*y4
    ...     dem65 =~ y5 + a*y6 + b*y7 + c*y8
    ...     dem60 ~ d1*ind60
    ...     dem65 ~ ind60 + d2*dem60
    ...     indirect := d1*d2
    ... ''',
    ... )
    >>> res.fit[["chi2", "df"]].round(3).to_dict()
    {{'chi2': 74.618, 'df': 44.0}}
    >>> rows = res.table[res.table["label"].isin(["a", "d1"]) | (res.table["op"] == ":=")]
    >>> print(rows[["term", "label", "estimate", "std_error"]].round(3).to_string(index=False))
                 term label  estimate  std_error
          dem60 =~ y2     a     1.287      0.118
          dem65 =~ y6     a     1.287      0.118
        dem60 ~ ind60    d1     1.463      0.383
    indirect := d1*d2           1.298      0.357
    """
    if ordered is not None:
        if by is not None:
            raise ValueError(
                "ordered: a multi-group model of ordinal items (by=...) is not supported."
            )
        return _run_ordinal(data, model, ordered, missing, estimator, ci, "sem")
    if by is not None:
        return _run_by(data, model, by, missing, estimator, ci, "sem")
    return _run(data, model, missing, estimator, ci, "sem")


_SECTIONS = """Raises
    ------
    {raises}

    Warns
    -----
    RuntimeWarning
        An improper solution (a variance at or below 0, or a standardized loading above 1).

    Notes
    -----
    {notes}

    References
    ----------
    {references}"""


def _fill_docstrings() -> None:
    """The sections cfa and sem share, written once."""
    parts = {"notes": _NOTES.strip(), "references": _REFERENCES.strip()}
    for fn, paths, cfa_paths in [
        (cfa, "", "; a structural path (use sem)"),
        (
            sem,
            ", ``SAT ~ IMAG + EXPE`` for the paths (of observed variables only: path analysis)",
            "",
        ),
    ]:
        sections = _SECTIONS.format(raises=_RAISES.format(cfa_paths=cfa_paths).strip(), **parts)
        parameters = _PARAMETERS.format(paths=paths).strip()
        if fn in (cfa, sem):
            parameters = parameters.replace(
                "\n    missing : ", "\n" + _BY.strip("\n") + "\n    missing : "
            )
        parameters = parameters.replace(
            "\n    missing : ", "\n" + _ORDERED.strip("\n") + "\n    missing : "
        )
        fn.__doc__ = fn.__doc__.format(parameters=parameters, sections=sections)


_fill_docstrings()
