"""Measurement invariance of a CFA across groups: the configural-metric-scalar-strict ladder.

:func:`invariance` fits one multi-group confirmatory factor analysis per step, by
maximum likelihood with a mean structure (all groups in one likelihood, equal parameters
shared across groups), and compares each step with the one before: the chi-square
difference test and the changes in CFI and RMSEA judged by the usual cut-offs.

The public function is re-exported by :mod:`cxresearch.latent`.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from .. import _validate as v
from .._result import Result
from ..errors import ConvergenceError
from . import _cbfiml, syntax

__all__ = ["InvarianceResult", "invariance"]

#: The steps of the ladder, each adding equality constraints across groups.
STEPS = ("configural", "metric", "scalar", "strict")
#: Chen (2007): non-invariance when CFI drops by at least 0.010 and RMSEA rises by at
#: least 0.015; Cheung & Rensvold (2002): when CFI drops by at least 0.01.
DELTA_CFI = -0.01
DELTA_RMSEA = 0.015
MIN_GROUP_ROWS = 10


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class InvarianceResult(Result):
    """What :func:`invariance` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        The ladder, one row per step: ``term`` (the step), ``chi2, df, p_value``,
        ``delta_chi2, delta_df, delta_p`` (against the step before; NaN for the first),
        ``cfi, rmsea, delta_cfi, delta_rmsea``, ``holds_chen`` (not ``delta_cfi <= -0.01``
        together with ``delta_rmsea >= 0.015``; Chen 2007), ``holds_cheung_rensvold``
        (not ``delta_cfi <= -0.01``; Cheung & Rensvold 2002) and ``verdict``
        (``"holds"`` or ``"fails"`` by Chen's rule; ``"baseline"`` for the first step).
    fit : pandas.Series
        Fit of the last step: ``n, n_groups, chi2, df, p_value, cfi, rmsea``.
    estimates : pandas.DataFrame
        Every step's parameters: ``step, group, term, lhs, op, rhs, estimate,
        std_error, shared`` (True where equal across groups).
    latent_means : pandas.DataFrame
        Under the scalar step (with the intercepts equal), each factor's mean in each
        group minus the reference group's (fixed at 0): ``group, reference, factor,
        estimate, std_error, statistic, p_value, ci_low, ci_high``; empty unless
        ``"scalar"`` was fitted. Interpret them only where scalar invariance holds.
    n : int
        Rows used, over all groups.
    group_sizes : pandas.Series
        Rows per group.
    by : str
        The group column.
    free : tuple of str
        The parameters left free across groups (partial invariance).
    ci : float
        Confidence level of the latent-mean intervals.
    reference : object
        The reference group of ``latent_means`` and of the constraints of
        :meth:`score_tests`: the first of ``levels``, or with ``levels=None`` the
        group of the first row of ``data`` (order of first appearance), not the
        sorted order.
    estimator : str
        ``"MLW"`` (maximum likelihood) or ``"MLR"``: then ``table`` also has each
        step's ``scaling_factor`` and ``chi2_scaled`` (Yuan-Bentler) and the scaled
        difference test ``delta_chi2_scaled``, ``delta_p_scaled`` (Satorra & Bentler
        2001), and the standard errors of ``estimates`` and ``latent_means`` are
        Huber-White (sandwich).
    """

    fit: pd.Series
    estimates: pd.DataFrame
    latent_means: pd.DataFrame
    n: int
    group_sizes: pd.Series
    by: str
    free: tuple
    ci: float
    estimator: str = "MLW"
    reference: Any = None
    steps_fitted: Any = dataclasses.field(default=None, repr=False, metadata={"export": False})

    def score_tests(self, step: str | None = None) -> pd.DataFrame:
        """Score tests of releasing each equality constraint of a step (lavaan's
        ``lavTestScore``): which loading or intercept to free for partial invariance.

        Parameters
        ----------
        step : str, optional
            A fitted step after ``"configural"`` (which has no constraint); default the
            last step fitted.

        Returns
        -------
        pandas.DataFrame
            One row per constraint, as lavaan writes them: the parameter of each group
            after the first equal to the first group's (the reference, see
            :attr:`latent_means`). Columns ``step, group, term, lhs, op, rhs``,
            ``mi`` (the score statistic: the expected drop of the chi-square when that
            group's parameter is set free, on 1 df), ``p_value`` and ``epc`` (the
            expected difference of that group's parameter from the shared one),
            largest ``mi`` first.

        Raises
        ------
        ValueError
            ``step`` not fitted, or ``"configural"``.

        Notes
        -----
        With ``F`` the fitted chi-square function (``-2 log L`` up to a constant),
        each released constraint adds ``delta``, the group's departure from the
        shared value; at the constrained estimate ``MI = g^2 / (2 v)`` and ``EPC =
        -g / v``, with ``g = dF/d delta`` and ``v = H_dd - H_dx H_xx^-1 H_xd``, ``H`` twice
        the expected information of the normal likelihood (lavaan's default; per
        missing-data pattern with ``missing="fiml"``); the normal-theory statistic
        also for ``estimator="MLR"``. With two groups
        releasing a constraint is freeing the parameter (``free=[term]``), whose
        chi-square drop the MI approximates.

        References
        ----------
        Bentler, P. M. (1990). Fit indexes, Lagrange multipliers, constraint changes
        and incomplete data in structural models. *Multivariate Behavioral
        Research*, 25(2), 163-172.

        Examples
        --------
        >>> from semopy.examples import holzinger39
        >>> from cxresearch.latent import invariance
        >>> hs = holzinger39.get_data()
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = invariance(hs, model, by="school", steps=("configural", "metric", "scalar"))
        >>> res.score_tests().head(2)[["group", "term", "mi", "epc"]].round(3)
                 group   term      mi    epc
        0  Grant-White  x3 ~1  19.193 -0.538
        1  Grant-White  x7 ~1  15.021 -0.450
        """
        state = self.steps_fitted
        fitted = [f["step"] for f in state["fits"]]
        step = fitted[-1] if step is None else step
        v.check_one_of(step, fitted, "step")
        if step == "configural":
            raise ValueError(
                "step: 'configural' has no equality constraint to release; pass a later "
                f"step of {v.format_values(fitted[1:])}."
            )
        fit = next(f for f in state["fits"] if f["step"] == step)
        return _score_tests(state["lay"], state["stats"], fit, state["labels"], state["fiml"])

    def _summary_title(self) -> str:
        return f"Measurement invariance across {self.by!r} ({len(self.group_sizes)} groups)"

    def _summary_facts(self) -> list[tuple[str, Any]]:
        facts = [("n", self.n), ("groups", len(self.group_sizes)), ("freed", list(self.free))]
        return [*facts, ("latent means relative to", self.reference)]

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        cols = ["term", "chi2", "df", "delta_chi2", "delta_p", "cfi", "delta_cfi", "rmsea"]
        return [("ladder", self.table[[*cols, "delta_rmsea", "verdict"]])]


# --------------------------------------------------------------------------- setup


@dataclasses.dataclass
class _Layout:
    items: list[str]
    factors: list[str]
    loadings: list[tuple[int, int]]  # (item, factor), markers first per factor
    markers: set[tuple[int, int]]
    error_covs: list[tuple[int, int]]


def _layout(spec: Any) -> _Layout:
    items = list(spec.items)
    factors = list(spec.construct_names)
    loadings, markers = [], set()
    for f, c in enumerate(spec.constructs):
        for k, item in enumerate(c.items):
            loadings.append((items.index(item), f))
            if k == 0:
                markers.add((items.index(item), f))
    error_covs = [(items.index(a), items.index(b)) for a, b in spec.covariances]
    return _Layout(items, factors, loadings, markers, error_covs)


def _slots(lay: _Layout, groups: int, step: str, free: set[str]) -> tuple[list, int]:
    """Each group's parameter slots ``(kind, i, j, index)``; equal parameters share an
    index. Kinds: ``L`` loading, ``P`` factor (co)variance, ``T`` error (co)variance,
    ``N`` intercept, ``A`` latent mean."""
    rank = STEPS.index(step)
    shared: dict[tuple, int] = {}
    count = 0
    out = []
    for g in range(groups):
        slots = []

        def add(kind: str, i: int, j: int, equal: bool, g=g, slots=slots) -> None:
            nonlocal count
            key = (kind, i, j) if equal else (kind, i, j, g)
            if key not in shared:
                shared[key] = count
                count += 1
            slots.append((kind, i, j, shared[key]))

        for i, f in lay.loadings:
            if (i, f) not in lay.markers:
                term = f"{lay.factors[f]} =~ {lay.items[i]}"
                add("L", i, f, rank >= 1 and term not in free)
        m, p = len(lay.factors), len(lay.items)
        for a in range(m):
            for b in range(a + 1):
                add("P", a, b, False)
        for i in range(p):
            add("T", i, i, rank >= 3 and f"{lay.items[i]} ~~ {lay.items[i]}" not in free)
        for i, j in lay.error_covs:
            add("T", i, j, False)
        for i in range(p):
            add("N", i, i, rank >= 2 and f"{lay.items[i]} ~1" not in free)
        if rank >= 2 and g > 0:
            for a in range(m):
                add("A", a, a, False)
        out.append(slots)
    return out, count


def _matrices(lay: _Layout, slots: list, x: np.ndarray) -> tuple:
    p, m = len(lay.items), len(lay.factors)
    lam, phi, theta = np.zeros((p, m)), np.zeros((m, m)), np.zeros((p, p))
    nu, alpha = np.zeros(p), np.zeros(m)
    for i, f in lay.markers:
        lam[i, f] = 1.0
    for kind, i, j, k in slots:
        if kind == "L":
            lam[i, j] = x[k]
        elif kind == "P":
            phi[i, j] = phi[j, i] = x[k]
        elif kind == "T":
            theta[i, j] = theta[j, i] = x[k]
        elif kind == "N":
            nu[i] = x[k]
        else:
            alpha[i] = x[k]
    return lam, phi, theta, nu, alpha


def _chain(g_slots: list, mats: tuple, big_g: np.ndarray, h: np.ndarray, grad: np.ndarray):
    """Add ``dF/dtheta`` to ``grad`` from ``dF/dSigma`` (``big_g``) and ``dF/dmu`` (``h``)."""
    lam, phi, _, _, alpha = mats
    d_lam = 2 * big_g @ lam @ phi + np.outer(h, alpha)
    d_phi = lam.T @ big_g @ lam
    d_alpha = lam.T @ h
    for kind, i, j, k in g_slots:
        if kind == "L":
            grad[k] += d_lam[i, j]
        elif kind == "P":
            grad[k] += d_phi[i, j] * (1 if i == j else 2)
        elif kind == "T":
            grad[k] += big_g[i, j] * (1 if i == j else 2)
        elif kind == "N":
            grad[k] += h[i]
        else:
            grad[k] += d_alpha[i]


def _pattern_terms(sigma: np.ndarray, mu: np.ndarray, patterns: list):
    """FIML's ``sum_k n_k (log|Sigma_oo| + tr(S_k Sigma_oo^-1) + d_k' Sigma_oo^-1 d_k)``
    over a group's missing-data patterns, with its ``dF/dSigma`` and ``dF/dmu``."""
    p = len(mu)
    total, big_g, h = 0.0, np.zeros((p, p)), np.zeros(p)
    for cols, n, mean, s in patterns:
        sub = sigma[np.ix_(cols, cols)]
        sign, logdet = np.linalg.slogdet(sub)
        if sign <= 0:
            return np.inf, big_g, h
        inv = np.linalg.inv(sub)
        d = mean - mu[cols]
        total += n * (logdet + np.trace(s @ inv) + d @ inv @ d)
        big_g[np.ix_(cols, cols)] += n * (inv - inv @ (s + np.outer(d, d)) @ inv)
        h[cols] += -2 * n * inv @ d
    return total, big_g, h


def _objective(lay: _Layout, slots: list, stats: list, q: int, patterns=None, offset=0.0):
    """``F = sum_g n_g (log|Sigma| + tr(S Sigma^-1) + d' Sigma^-1 d - log|S| - p)`` (the
    chi-square) and its gradient; with ``patterns`` (FIML) the sum over each group's
    missing-data patterns minus ``offset`` (the saturated model's value)."""

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = -offset, np.zeros(q)
        for g, (g_slots, (n, mean, s, logdet_s)) in enumerate(zip(slots, stats, strict=True)):
            mats = _matrices(lay, g_slots, x)
            lam, phi, theta, nu, alpha = mats
            sigma = lam @ phi @ lam.T + theta
            if patterns is not None:
                value, big_g, h = _pattern_terms(sigma, nu + lam @ alpha, patterns[g])
                if not np.isfinite(value):
                    return np.inf, np.full(q, np.nan)
                total += value
                _chain(g_slots, mats, big_g, h, grad)
                continue
            sign, logdet = np.linalg.slogdet(sigma)
            if sign <= 0:
                return np.inf, np.full(q, np.nan)
            inv = np.linalg.inv(sigma)
            d = mean - (nu + lam @ alpha)
            total += n * (logdet + np.trace(s @ inv) + d @ inv @ d - logdet_s - len(mean))
            big_g = n * (inv - inv @ (s + np.outer(d, d)) @ inv)  # dF/dSigma
            _chain(g_slots, mats, big_g, -2 * n * inv @ d, grad)
        return total, grad

    return fun


def _start(lay: _Layout, slots: list, stats: list, q: int) -> tuple[np.ndarray, list]:
    x0 = np.zeros(q)
    bounds: list = [(None, None)] * q
    for g_slots, (_, mean, s, _) in zip(slots, stats, strict=True):
        var = np.diag(s)
        for kind, i, j, k in g_slots:
            if kind == "L":
                x0[k] = 1.0
            elif kind == "P" and i == j:
                marker = next(it for it, f in lay.markers if f == i)
                x0[k], bounds[k] = 0.5 * var[marker], (1e-8, None)
            elif kind == "T" and i == j:
                x0[k], bounds[k] = 0.5 * var[i], (1e-8, None)
            elif kind == "N":
                x0[k] = mean[i]
    return x0, bounds


def _fit_step(lay: _Layout, stats: list, step: str, free: set[str], fiml=None) -> dict:
    """One step's fit; ``fiml``: ``(patterns per group, the saturated value)``."""

    slots, q = _slots(lay, len(stats), step, free)
    fun = _objective(lay, slots, stats, q, *(fiml or ()))
    x0, bounds = _start(lay, slots, stats, q)
    options = {"maxiter": 20_000, "ftol": 1e-15, "gtol": 1e-9}
    res = _cbfiml.minimize(fun, x0, bounds, sum(s[0] for s in stats), options)
    n = sum(s[0] for s in stats)
    if not np.isfinite(res.fun) or (not res.success and np.abs(res.jac).max() > 1e-4 * n):
        raise ConvergenceError(
            f"invariance: the {step} model did not converge ({res.nit} iterations, "
            f"chi-square {res.fun:.6g}): {res.message}"
        )
    hess = np.empty((q, q))
    for j in range(q):
        h = 1e-5 * max(1.0, abs(res.x[j]))
        up, down = res.x.copy(), res.x.copy()
        up[j] += h
        down[j] -= h
        hess[:, j] = (fun(up)[1] - fun(down)[1]) / (2 * h)
    cov = 2 * np.linalg.pinv((hess + hess.T) / 2)  # F is -2 log L up to a constant
    return {"step": step, "slots": slots, "x": res.x, "cov": cov, "chi2": float(res.fun), "q": q}


def _robust_step(lay: _Layout, fit: dict, raws: list) -> dict:
    """MLR for one step: the sandwich ``A^-1 B A^-1`` (``A^-1`` the step's ``cov``, ``B``
    the sum of the rows' score products) and the Yuan-Bentler scaling factor's trace.
    A row with missing answers (FIML) contributes the score of its observed part."""
    scores = []
    for g_slots, x in zip(fit["slots"], raws, strict=True):
        for row in x:  # one row's -2 log-density gradient; its score is minus half of it
            scores.append(-0.5 * _row_gradient(lay, g_slots, row, fit))
    scores = np.asarray(scores)
    a_inv = fit["cov"]
    b = scores.T @ scores
    return {**fit, "cov": a_inv @ b @ a_inv, "trace": float(np.trace(a_inv @ b))}


def _row_gradient(lay: _Layout, g_slots: list, row: np.ndarray, fit: dict) -> np.ndarray:
    """The gradient of one row's ``-2 log`` density (up to a constant) in the step's
    parameters: the objective of a one-row group with zero covariance (of its observed
    answers only)."""
    p = len(row)
    cols = np.flatnonzero(np.isfinite(row))
    if len(cols) == p:
        fun = _objective(lay, [g_slots], [(1, row, np.zeros((p, p)), 0.0)], fit["q"])
    else:
        pattern = [(cols, 1, row[cols], np.zeros((len(cols), len(cols))))]
        stats = [(1, np.nan_to_num(row), np.zeros((p, p)), 0.0)]
        fun = _objective(lay, [g_slots], stats, fit["q"], [pattern])
    return fun(fit["x"])[1]


def _saturated_trace(x: np.ndarray, moments=None) -> float:
    """``tr(A1^-1 B1)`` of one group's unrestricted normal model: ``p`` for the means
    and ``tr(Gamma_N^-1 Gamma)`` for the covariances (``Gamma`` the covariance of the
    rows' ``vech(d d')``, ``Gamma_N`` its normal-theory value); with missing answers
    (FIML) the sandwich of the saturated model at its EM estimate ``moments``
    (``(mu, sigma)``), as :func:`cfa`'s MLR with FIML."""
    if moments is not None and not np.isfinite(x).all():
        from . import cbsem

        return cbsem._saturated_trace(_cbfiml.patterns(x), *moments)
    p = x.shape[1]
    d = x - x.mean(axis=0)
    rows, cols = np.tril_indices(p)
    gamma = np.cov(d[:, rows] * d[:, cols], rowvar=False, bias=True)
    s = d.T @ d / len(x)
    normal = s[np.ix_(rows, rows)] * s[np.ix_(cols, cols)]
    normal += s[np.ix_(rows, cols)] * s[np.ix_(cols, rows)]
    return p + float(np.trace(np.linalg.solve(normal, gamma)))


def _scaled_ladder(table: pd.DataFrame, fits: list, raws: list, stats: list) -> pd.DataFrame:
    """MLR's columns: each step's scaling factor and scaled chi-square, and the scaled
    difference test of Satorra & Bentler (2001) against the step before."""
    from scipy import stats as sps

    saturated = sum(_saturated_trace(x, (s[1], s[2])) for x, s in zip(raws, stats, strict=True))
    df = table["df"].to_numpy(dtype=float)
    traces = np.array([f["trace"] for f in fits])
    c = np.where(df > 0, (saturated - traces) / np.where(df > 0, df, 1.0), np.nan)
    chi2 = table["chi2"].to_numpy(dtype=float)
    out = table.assign(scaling_factor=c, chi2_scaled=chi2 / c)
    delta, p_value = [np.nan], [np.nan]
    for i in range(1, len(table)):
        dd = df[i] - df[i - 1]
        cd = (df[i] * c[i] - df[i - 1] * c[i - 1]) / dd if dd > 0 else np.nan
        t = (chi2[i] - chi2[i - 1]) / cd if dd > 0 and cd > 0 else np.nan
        delta.append(t)
        p_value.append(float(sps.chi2.sf(max(t, 0.0), dd)) if np.isfinite(t) else np.nan)
    return out.assign(delta_chi2_scaled=delta, delta_p_scaled=p_value)


def _indices(chi2: float, df: int, base_chi2: float, base_df: int, n: int, groups: int):
    from scipy import stats

    num, den = max(chi2 - df, 0.0), max(chi2 - df, base_chi2 - base_df, 0.0)
    cfi = 1.0 if den == 0 else 1 - num / den
    rmsea = math.sqrt(groups) * math.sqrt(max(chi2 - df, 0.0) / (df * n)) if df > 0 else 0.0
    p_value = float(stats.chi2.sf(chi2, df)) if df > 0 else 1.0
    return {"chi2": chi2, "df": df, "p_value": p_value, "cfi": cfi, "rmsea": rmsea}


def _ladder(fits: list[dict], stats: list, p: int, base_chi2: float | None = None) -> pd.DataFrame:
    from scipy import stats as sps

    groups = len(stats)
    n = sum(s[0] for s in stats)
    moments = groups * (p * (p + 1) // 2 + p)
    if base_chi2 is None:
        base_chi2 = sum(k * (np.log(np.diag(s)).sum() - ld) for k, _, s, ld in stats)
    base_df = groups * p * (p - 1) // 2
    rows = []
    for fit in fits:
        row = {"term": fit["step"]}
        row.update(_indices(fit["chi2"], moments - fit["q"], base_chi2, base_df, n, groups))
        rows.append(row)
    table = pd.DataFrame(rows)
    table["delta_chi2"] = table["chi2"].diff()
    table["delta_df"] = table["df"].diff()
    table["delta_p"] = [
        np.nan if i == 0 else float(sps.chi2.sf(max(dc, 0.0), dd)) if dd > 0 else np.nan
        for i, (dc, dd) in enumerate(zip(table["delta_chi2"], table["delta_df"], strict=True))
    ]
    table["delta_cfi"] = table["cfi"].diff()
    table["delta_rmsea"] = table["rmsea"].diff()
    worse_cfi = table["delta_cfi"] <= DELTA_CFI + 1e-12
    table["holds_chen"] = ~(worse_cfi & (table["delta_rmsea"] >= DELTA_RMSEA - 1e-12))
    table["holds_cheung_rensvold"] = ~worse_cfi
    table["verdict"] = np.where(table["holds_chen"], "holds", "fails")
    table.loc[0, "verdict"] = "baseline"
    cols = ["term", "chi2", "df", "p_value", "delta_chi2", "delta_df", "delta_p", "cfi"]
    cols += ["rmsea", "delta_cfi", "delta_rmsea", "holds_chen", "holds_cheung_rensvold"]
    return table[[*cols, "verdict"]]


def _estimates(lay: _Layout, fits: list[dict], labels: list) -> pd.DataFrame:
    rows = []
    for fit in fits:
        se = np.sqrt(np.clip(np.diag(fit["cov"]), 0.0, None))
        counts = pd.Series([k for s in fit["slots"] for *_, k in s]).value_counts()
        for label, g_slots in zip(labels, fit["slots"], strict=True):
            for kind, i, j, k in g_slots:
                lhs, op, rhs = _term(lay, kind, i, j)
                rows.append(
                    {
                        "step": fit["step"],
                        "group": label,
                        "term": f"{lhs} {op} {rhs}".strip(),
                        "lhs": lhs,
                        "op": op,
                        "rhs": rhs,
                        "estimate": fit["x"][k],
                        "std_error": se[k],
                        "shared": bool(counts[k] > 1),
                    }
                )
    return pd.DataFrame(rows)


def _term(lay: _Layout, kind: str, i: int, j: int) -> tuple[str, str, str]:
    if kind == "L":
        return lay.factors[j], "=~", lay.items[i]
    if kind == "P":
        return lay.factors[j], "~~", lay.factors[i]
    if kind == "T":
        return lay.items[i], "~~", lay.items[j]
    if kind == "N":
        return lay.items[i], "~1", ""
    return lay.factors[i], "~1", ""


def _released(fit: dict) -> tuple[list, list]:
    """The step's slots with each constraint released: group ``g > 0``'s copy of a
    shared parameter gets its own index (``q`` on), as lavaan writes the constraints."""
    slots, q = fit["slots"], fit["q"]
    owners: dict[int, list] = {}
    for g, g_slots in enumerate(slots):
        for *_, k in g_slots:
            owners.setdefault(k, []).append(g)
    releases, out = [], []
    for g, g_slots in enumerate(slots):
        mine = []
        for kind, i, j, k in g_slots:
            if kind in "LTN" and len(owners[k]) > 1 and g != owners[k][0]:
                mine.append((kind, i, j, q + len(releases)))
                releases.append((g, kind, i, j, k))
            else:
                mine.append((kind, i, j, k))
        out.append(mine)
    return out, releases


def _expected_hessian(lay: _Layout, slots: list, stats: list, fiml, y: np.ndarray, shared):
    """``2 I`` (``I`` the expected information of the normal likelihood, per missing-data
    pattern with ``fiml``) in ``y = (x, delta)``, from central differences of each
    group's implied ``Sigma`` and ``mu`` (exact: they are quadratic in ``y``)."""
    q = len(y) - len(shared)

    def implied(yy: np.ndarray, g_slots: list) -> tuple[np.ndarray, np.ndarray]:
        lam, phi, theta, nu, alpha = _matrices(
            lay, g_slots, np.concatenate([yy[:q], yy[:q][shared] + yy[q:]])
        )
        return lam @ phi @ lam.T + theta, nu + lam @ alpha

    out = np.zeros((len(y), len(y)))
    for g, g_slots in enumerate(slots):
        sigma, mu = implied(y, g_slots)
        d_sigma, d_mu = [], []
        for j in range(len(y)):
            up, down = y.copy(), y.copy()
            up[j] += 1e-6
            down[j] -= 1e-6
            (su, mu_u), (sd, mu_d) = implied(up, g_slots), implied(down, g_slots)
            d_sigma.append((su - sd) / 2e-6)
            d_mu.append((mu_u - mu_d) / 2e-6)
        d_sigma, d_mu = np.asarray(d_sigma), np.asarray(d_mu)
        groups = [(np.arange(len(mu)), stats[g][0])] if fiml is None else [
            (cols, n) for cols, n, *_ in fiml[0][g]
        ]  # fmt: skip
        for cols, n in groups:
            w = np.linalg.inv(sigma[np.ix_(cols, cols)])
            ds = d_sigma[:, cols][:, :, cols]
            wd = np.einsum("ab,jbc->jac", w, ds)
            info = 0.5 * np.einsum("iab,jba->ij", wd, wd)
            info += d_mu[:, cols] @ w @ d_mu[:, cols].T
            out += 2 * n * info
    return out


def _score_tests(lay: _Layout, stats: list, fit: dict, labels: list, fiml) -> pd.DataFrame:
    from scipy import stats as sps

    aug_slots, releases = _released(fit)
    q, r = fit["q"], len(releases)
    base = _objective(lay, aug_slots, stats, q + r, *(fiml or ()))
    shared = np.array([k for *_, k in releases], dtype=int)

    def grad(y: np.ndarray) -> np.ndarray:  # F in (x, delta): released = x_k + delta
        g = base(np.concatenate([y[:q], y[:q][shared] + y[q:]]))[1]
        out = g.copy()
        np.add.at(out, shared, g[q:])
        return out

    y0 = np.concatenate([fit["x"], np.zeros(r)])
    hess = _expected_hessian(lay, aug_slots, stats, fiml, y0, shared)
    g = grad(y0)[q:]
    h_xx_inv = np.linalg.pinv(hess[:q, :q])
    rows = []
    for c, (grp, kind, i, j, _) in enumerate(releases):
        cross = hess[:q, q + c]
        var = hess[q + c, q + c] - cross @ h_xx_inv @ cross
        lhs, op, rhs = _term(lay, kind, i, j)
        mi = g[c] ** 2 / (2 * var) if var > 1e-12 else np.nan
        epc = -g[c] / var if var > 1e-12 else np.nan
        term = f"{lhs} {op} {rhs}".strip()
        rows.append([fit["step"], labels[grp], term, lhs, op, rhs, mi, epc])
    cols = ["step", "group", "term", "lhs", "op", "rhs", "mi", "epc"]
    out = pd.DataFrame(rows, columns=cols)
    out.insert(7, "p_value", sps.chi2.sf(out["mi"].to_numpy(dtype=float), 1))
    out = out.sort_values("mi", ascending=False, kind="stable")
    return out.reset_index(drop=True)


def _latent_means(lay: _Layout, fits: list[dict], labels: list, ci: float) -> pd.DataFrame:
    from scipy import stats

    cols = ["group", "factor", "estimate", "std_error", "statistic", "p_value"]
    scalar = next((f for f in fits if f["step"] == "scalar"), None)
    if scalar is None:
        return pd.DataFrame(columns=[cols[0], "reference", *cols[1:], "ci_low", "ci_high"])
    z_crit = stats.norm.isf((1 - ci) / 2)
    rows = []
    for label, g_slots in zip(labels[1:], scalar["slots"][1:], strict=True):
        for kind, i, _, k in g_slots:
            if kind == "A":
                est, se = scalar["x"][k], math.sqrt(max(scalar["cov"][k, k], 0.0))
                rows.append(
                    [label, lay.factors[i], est, se, est / se, 2 * stats.norm.sf(abs(est / se))]
                )
    out = pd.DataFrame(rows, columns=cols)
    out.insert(1, "reference", labels[0])
    out["ci_low"] = out["estimate"] - z_crit * out["std_error"]
    out["ci_high"] = out["estimate"] + z_crit * out["std_error"]
    return out


# --------------------------------------------------------------------------- input


def _check_steps(steps: Any) -> tuple[str, ...]:
    if isinstance(steps, str) or not isinstance(steps, list | tuple):
        raise TypeError(
            f"steps must be a list or tuple of {v.format_values(STEPS)}, got {steps!r}."
        )
    for s in steps:
        v.check_one_of(s, STEPS, "steps")
    if not steps or steps[0] != "configural" or list(steps) != sorted(steps, key=STEPS.index):
        raise ValueError(
            f"steps must start with 'configural' and keep the order {v.format_values(STEPS)} "
            f"(each step adds constraints to the one before), got {list(steps)!r}."
        )
    if len(set(steps)) != len(steps):
        raise ValueError(f"steps must not repeat a step, got {list(steps)!r}.")
    return tuple(steps)


def _check_free(free: Any, lay: _Layout) -> tuple[str, ...]:
    if free is None:
        return ()
    if isinstance(free, str) or not isinstance(free, list | tuple):
        raise TypeError(f"free must be a list of parameter terms (e.g. ['F =~ x2']), got {free!r}.")
    allowed = [
        f"{lay.factors[f]} =~ {lay.items[i]}" for i, f in lay.loadings if (i, f) not in lay.markers
    ]
    allowed += [f"{i} ~1" for i in lay.items] + [f"{i} ~~ {i}" for i in lay.items]
    for term in free:
        if term not in allowed:
            raise ValueError(
                f"free: {term!r} is not a loading, intercept or residual variance that can be "
                f"freed across groups. Allowed: {v.format_values(allowed, 12)} (a factor's "
                f"first loading is fixed at 1 in every group)."
            )
    return tuple(free)


def _groups(data: pd.DataFrame, by: Any, levels: Any, items: list, missing: str) -> tuple:
    v.check_columns(data, [by], "by")
    frame = data[[by, *items]]
    incomplete = frame.isna().any(axis=1)
    if missing == "fiml":  # keep every row with a group and at least one answer
        incomplete = frame[by].isna() | frame[items].isna().all(axis=1)
    if incomplete.any() and missing == "raise":
        cols = [c for c in frame.columns if frame[c].isna().any()]
        raise ValueError(
            f"invariance: {int(incomplete.sum())} row(s) have missing values (NaN) in "
            f"{v.format_values(cols)}, at rows {v.format_values(data.index[incomplete])}. "
            f"{v.missing_advice(('raise', 'listwise'))} Or pass missing='fiml' to use every "
            f"answer (full-information maximum likelihood)."
        )
    frame = frame.loc[~incomplete]
    present = list(dict.fromkeys(frame[by]))
    if levels is None:
        labels = present
    else:
        labels = v.as_column_list(levels, "levels")
        unknown = [g for g in labels if g not in present]
        if unknown or len(labels) < 2:
            raise ValueError(
                f"levels: {v.format_values(unknown or labels)} must be at least two values "
                f"of column {by!r}; it has {v.format_values(present, 10)}."
            )
    if len(labels) < 2:
        raise ValueError(
            f"by: column {by!r} has {len(labels)} group(s); invariance compares two or more."
        )
    return frame, labels, int(incomplete.sum())


def _group_stats(frame: pd.DataFrame, by: Any, labels: list, items: list) -> list:
    out = []
    for label in labels:
        x = frame.loc[frame[by] == label, items].astype(float)
        if len(x) < max(MIN_GROUP_ROWS, len(items) + 1):
            raise ValueError(
                f"by: group {label!r} of {by!r} has {len(x)} complete row(s); each group "
                f"needs more than {max(MIN_GROUP_ROWS - 1, len(items))} for its covariance "
                f"matrix of {len(items)} items."
            )
        const = [c for c in items if x[c].nunique() <= 1]
        if const:
            raise ValueError(
                f"by: in group {label!r} of {by!r}, column(s) {v.format_values(const)} have "
                f"the same answer in every row (zero variance); the group's covariance "
                f"matrix is singular. Drop the item or the group."
            )
        arr = x.to_numpy()
        s = np.cov(arr, rowvar=False, bias=True)
        sign, logdet = np.linalg.slogdet(s)
        if sign <= 0 or not np.isfinite(logdet):
            raise ValueError(
                f"by: in group {label!r} of {by!r}, the covariance matrix of the items is "
                f"singular (an item is a linear combination of others); drop the redundant one."
            )
        out.append((len(arr), arr.mean(axis=0), s, logdet))
    return out


def _fiml_stats(frame: pd.DataFrame, by: Any, labels: list, items: list) -> tuple:
    """FIML's inputs per group: the EM means and covariances (as ``stats``), the
    missing-data patterns ``(columns, rows, mean, covariance)``, the saturated model's
    value (the chi-square's zero) and the independence baseline's chi-square."""
    stats, patterns, offset, base = [], [], 0.0, 0.0
    for label in labels:
        x = frame.loc[frame[by] == label, items].to_numpy(dtype=float)
        const = [c for j, c in enumerate(items) if np.unique(x[np.isfinite(x[:, j]), j]).size <= 1]
        if len(x) < max(MIN_GROUP_ROWS, len(items) + 1) or const:
            raise ValueError(
                f"by: group {label!r} of {by!r} has {len(x)} row(s) with answers"
                + (f" and constant column(s) {v.format_values(const)}" if const else "")
                + "; each group needs more rows than items and varying answers."
            )
        raw = _cbfiml.patterns(x)
        mu, sigma = _cbfiml.em_saturated(x, raw)
        pats = [
            (
                cols,
                len(rows),
                rows.mean(axis=0),
                np.cov(rows, rowvar=False, bias=True).reshape(len(cols), len(cols)),
            )
            for cols, rows in raw
        ]
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            raise ValueError(
                f"by: in group {label!r} of {by!r}, the covariance matrix of the items "
                f"(EM, from the observed values) is singular; drop the redundant item."
            )
        stats.append((len(x), mu, sigma, logdet))
        patterns.append(pats)
        sat = _pattern_terms(sigma, mu, pats)[0]
        offset += sat
        base += _pattern_terms(np.diag(np.nanvar(x, axis=0)), np.nanmean(x, axis=0), pats)[0] - sat
    return stats, patterns, offset, base


# --------------------------------------------------------------------------- public


def invariance(
    data: pd.DataFrame,
    model: str,
    *,
    by: str,
    steps: tuple[str, ...] = STEPS,
    levels: Any = None,
    free: Any = None,
    missing: str = "raise",
    estimator: str = "MLW",
    ci: float = 0.95,
) -> InvarianceResult:
    """Measurement invariance of a CFA across the groups of ``by``: the ladder of steps.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent: the items (numeric) and the group column.
    model : str or ModelSpec
        A CFA in lavaan syntax (``F =~ x1 + x2 + x3``; ``a ~~ b`` error covariances);
        structural paths and composites are refused.
    by : str
        The group column (any labels: text in any script, numbers).
    steps : tuple of str, default ("configural", "metric", "scalar", "strict")
        The steps to fit, in this order, starting with ``"configural"`` (the same
        model in every group, nothing equal), ``"metric"`` (loadings equal),
        ``"scalar"`` (loadings and intercepts equal; latent means free in every group
        but the first) and ``"strict"`` (also residual variances equal).
    levels : list, optional
        The groups to compare (values of ``by``; at least two), in this order: the
        first is the reference group whose latent means are fixed at 0 (the latent
        means of the others are differences from it) and to which the constraints of
        :meth:`InvarianceResult.score_tests` tie each other group. Default all groups
        in their order of first appearance in ``data`` (not sorted): pass ``levels``
        to choose the reference.
    free : list of str, optional
        Partial invariance: parameters left free across groups in every step, written
        as in the tables: ``"F =~ x2"`` (a loading), ``"x3 ~1"`` (an intercept),
        ``"x3 ~~ x3"`` (a residual variance).
    missing : {"raise", "listwise", "fiml"}, default "raise"
        A missing value in an item or in ``by`` raises ``ValueError``; ``"listwise"``
        drops those rows; ``"fiml"`` fits every step by full-information maximum
        likelihood on every observed answer (rows without a group or without any answer
        are dropped), the chi-square against each group's unrestricted model (EM) and
        the baseline the independence model, as :func:`cfa`'s ``"fiml"``.
    estimator : {"MLW", "MLR"}, default "MLW"
        ``"MLR"``: the same estimates with Huber-White standard errors, each step's
        Yuan-Bentler scaled chi-square and the Satorra-Bentler (2001) scaled
        difference between steps (robust to non-normal answers), as
        :func:`cfa`'s ``"MLR"``; with ``missing="fiml"`` the rows' scores of their
        observed answers and the saturated model's sandwich at its EM estimate
        (lavaan's ``estimator="MLR", missing="ml"``).
    ci : float, default 0.95
        Confidence level of the latent-mean intervals.

    Returns
    -------
    InvarianceResult
        ``.table`` (the ladder), ``.estimates``, ``.latent_means``, ``.fit``.

    Raises
    ------
    TypeError
        ``data`` not a DataFrame; ``steps`` or ``free`` not a list.
    ValueError
        An unknown ``by`` column or step; steps out of order; a ``free`` term that is no
        loading, intercept or residual variance of the model; fewer than two groups; a
        group with too few rows, a constant item or a singular covariance matrix; a
        missing value with ``missing="raise"``; a model with paths.
    cxresearch.ConvergenceError
        A step's optimiser did not converge.

    Notes
    -----
    Every step is one maximum-likelihood fit of all groups with a mean structure: in
    group ``g``, ``mu_g = nu_g + Lambda_g alpha_g`` and
    ``Sigma_g = Lambda_g Phi_g Lambda_g' + Theta_g``; each factor's first loading is 1
    in every group and the latent means ``alpha`` are 0 except, from the scalar step
    on, in the groups after the first. The chi-square is the minimum of
    ``sum_g n_g (log|Sigma_g| + tr(S_g Sigma_g^-1) + (m_g - mu_g)' Sigma_g^-1
    (m_g - mu_g) - log|S_g| - p)`` (``S_g`` the divide-by-n covariances, ``m_g`` the
    means), on ``G (p (p + 1) / 2 + p)`` moments minus the free parameters; the
    baseline is the independence model in every group; CFI as in :func:`cfa`,
    ``RMSEA = sqrt(G) sqrt(max(chi2 - df, 0) / (df N))`` (lavaan's multi-group RMSEA).
    Standard errors from the observed information (central differences of the
    analytic gradient).

    Each step is compared with the one before by the chi-square difference
    (likelihood-ratio) test and by ``delta_cfi``, ``delta_rmsea``. The verdict uses
    Chen (2007): invariance fails when CFI drops by 0.01 or more (``delta_cfi <=
    -0.01``) together with RMSEA rising by 0.015 or more (``delta_rmsea >= 0.015``);
    ``holds_cheung_rensvold`` the rule of Cheung & Rensvold (2002), ``delta_cfi <=
    -0.01`` alone. With large groups the chi-square difference rejects trivial
    differences, which is why the changes in fit are the usual criterion.

    References
    ----------
    Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement
    invariance. *Structural Equation Modeling*, 14(3), 464-504.

    Satorra, A., & Bentler, P. M. (2001). A scaled difference chi-square test statistic
    for moment structure analysis. *Psychometrika*, 66(4), 507-514.

    Cheung, G. W., & Rensvold, R. B. (2002). Evaluating goodness-of-fit indexes for
    testing measurement invariance. *Structural Equation Modeling*, 9(2), 233-255.

    Meredith, W. (1993). Measurement invariance, factor analysis and factorial
    invariance. *Psychometrika*, 58(4), 525-543.

    Examples
    --------
    >>> from semopy.examples import holzinger39
    >>> from cxresearch.latent import invariance
    >>> hs = holzinger39.get_data()
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = invariance(hs, model, by="school", steps=("configural", "metric", "scalar"))
    >>> res.table[["term", "chi2", "df", "delta_chi2", "delta_p", "delta_cfi", "verdict"]].round(3)
             term     chi2  df  delta_chi2  delta_p  delta_cfi   verdict
    0  configural  115.851  48         NaN      NaN        NaN  baseline
    1      metric  124.044  54       8.192    0.224     -0.002     holds
    2      scalar  164.103  60      40.059    0.000     -0.038     holds
    >>> res.latent_means[["group", "factor", "estimate", "std_error"]].round(3)
             group   factor  estimate  std_error
    0  Grant-White   visual    -0.148      0.127
    1  Grant-White  textual     0.576      0.117
    2  Grant-White    speed    -0.177      0.094
    """
    v.check_dataframe(data)
    spec = model if isinstance(model, syntax.ModelSpec) else syntax.parse_model(model)
    v.check_missing(missing, ("raise", "listwise", "fiml"))
    v.check_one_of(estimator, ("MLW", "MLR"), "estimator")
    ci = v.check_level(ci)
    steps = _check_steps(steps)
    syntax.check_model_data(spec, data, family="cbsem")
    if spec.paths:
        a, b = spec.paths[0]
        raise ValueError(
            f"invariance: the model has structural paths (e.g. {a} -> {b}); the ladder is "
            f"for a CFA (factors and covariances only)."
        )
    lay = _layout(spec)
    free_terms = _check_free(free, lay)
    v.check_numeric(data, lay.items, "model")
    frame, labels, _ = _groups(data, by, levels, lay.items, missing)
    fiml, base = None, None
    if missing == "fiml":
        stats, patterns, offset, base = _fiml_stats(frame, by, labels, lay.items)
        fiml = (patterns, offset)
    else:
        stats = _group_stats(frame, by, labels, lay.items)
    fits = [_fit_step(lay, stats, step, set(free_terms), fiml) for step in steps]
    table = _ladder(fits, stats, len(lay.items), base)
    if estimator == "MLR":
        raws = [frame.loc[frame[by] == g, lay.items].to_numpy(dtype=float) for g in labels]
        fits = [_robust_step(lay, fit, raws) for fit in fits]
        table = _scaled_ladder(table, fits, raws, stats)
    last = table.iloc[-1]
    fit = pd.Series(
        {
            "n": sum(s[0] for s in stats),
            "n_groups": len(stats),
            **last[["chi2", "df", "p_value", "cfi", "rmsea"]],
        },
        name="fit",
        dtype=float,
    )
    return InvarianceResult(
        table=table,
        fit=fit,
        estimates=_estimates(lay, fits, labels),
        latent_means=_latent_means(lay, fits, labels, ci),
        n=int(sum(s[0] for s in stats)),
        group_sizes=pd.Series([s[0] for s in stats], index=labels, name="n"),
        by=by,
        free=free_terms,
        ci=ci,
        estimator=estimator,
        reference=labels[0],
        steps_fitted={"lay": lay, "stats": stats, "fits": fits, "labels": labels, "fiml": fiml},
    )
