"""Conditional process analysis: moderated, serial and parallel mediation as PROCESS reports it.

:func:`conditional_process` estimates the numbered models of Hayes's PROCESS macro
(models 1-22, 28, 29, 58-73, 75 and 76: see :data:`MODELS`) and any path model of the same kind
stated directly: which paths each moderator acts on -- the ``a`` paths (X -> M), the
``b`` paths (M -> Y) and the ``direct`` path (X -> Y) -- with ``moderated={"a": "w",
"direct": "w"}`` (that is model 8). The numbered models are presets of this one engine.

Each equation is an ordinary least-squares regression (or, for a binary outcome, a
logistic one) solved in closed form. Conditional effects are products of coefficients:
the engine keeps every path's slope as a polynomial in the moderators W and Z, so a
specific indirect effect is the product of the polynomials along its route, its value at
chosen moderator values is a conditional indirect effect, and its derivatives are the
indices of (partial, conditional, moderated) moderated mediation wherever the indirect
effect is linear in a moderator (Hayes 2015, 2018). Direct effects get delta-method
standard errors, as in PROCESS; indirect effects, indices and contrasts get bootstrap
intervals. The bootstrap is vectorised: each chunk of resamples is a matrix of row counts
whose product with the rows' cross products gives every resample's normal equations at
once (as in :mod:`cxresearch.mediation`); the logistic outcome is fitted by batched
Newton steps. Resamples are drawn from ``seed`` only; a degenerate one (a column that
stops varying, collinear predictors, a separated logit) is drawn again
(``cxresearch._bootstrap``).

A moderator may be numeric or categorical: two groups are coded 0/1, g >= 3 groups enter
as g - 1 indicator codes (the first group the reference), each multiplying the moderated
predictor, so that the slope polynomials have one variable per code; the effects are then
conditional on each group, the indices are per code (each group minus the reference),
the groups' conditional indirect effects are compared pairwise, and the codes' products
are tested jointly (Hayes & Montoya 2017; Hayes 2022, ch. 10). Unmoderated
indirect effects of a continuous outcome can be reported partially and completely
standardized (``standardized=True``, PROCESS's ``effsize``); :meth:`ProcessResult.plot`
draws a conditional indirect effect against its moderator with its bootstrap band.
:func:`cxresearch.simulate_recovery` simulates a model 7 with a known answer.

References
----------
Hayes, A. F. (2015). An index and test of linear moderated mediation. *Multivariate
Behavioral Research*, 50(1), 1-22.

Hayes, A. F. (2018). Partial, conditional, and moderated moderated mediation:
Quantification, inference, and interpretation. *Communication Monographs*, 85(1), 4-40.

Hayes, A. F. (2022). *Introduction to Mediation, Moderation, and Conditional Process
Analysis* (3rd ed.). Guilford Press.

Hayes, A. F., & Montoya, A. K. (2017). A tutorial on testing, visualizing, and probing an
interaction involving a multicategorical variable in linear regression analysis.
*Communication Methods and Measures*, 11(1), 1-30.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _bootstrap as boot
from . import _design
from . import _validate as v
from ._result import Result
from .errors import ConvergenceError

__all__ = ["MODELS", "ProcessResult", "conditional_process"]

#: The PROCESS models, by number: which paths W and Z moderate. ``"w"`` is one moderator,
#: ``"w + z"`` two that act separately, ``"w*z"`` two with their three-way interaction (all
#: lower-order terms included). Models 1-3 have no mediator; model 4 is parallel and model 6
#: serial mediation without moderators. PROCESS 3 and later number the models so (they
#: dropped 23-27 and 30-57, which had third and fourth moderators, and 74).
MODELS: dict[int, dict[str, str]] = {
    1: {"direct": "w"},
    2: {"direct": "w + z"},
    3: {"direct": "w*z"},
    4: {},
    5: {"direct": "w"},
    6: {},
    7: {"a": "w"},
    8: {"a": "w", "direct": "w"},
    9: {"a": "w + z"},
    10: {"a": "w + z", "direct": "w + z"},
    11: {"a": "w*z"},
    12: {"a": "w*z", "direct": "w*z"},
    13: {"a": "w*z", "direct": "w"},
    14: {"b": "w"},
    15: {"b": "w", "direct": "w"},
    16: {"b": "w + z"},
    17: {"b": "w + z", "direct": "w + z"},
    18: {"b": "w*z"},
    19: {"b": "w*z", "direct": "w*z"},
    20: {"b": "w*z", "direct": "w"},
    21: {"a": "w", "b": "z"},
    22: {"a": "w", "b": "z", "direct": "w"},
    28: {"a": "w", "b": "z", "direct": "z"},
    29: {"a": "w", "b": "z", "direct": "w + z"},
    58: {"a": "w", "b": "w"},
    59: {"a": "w", "b": "w", "direct": "w"},
    60: {"a": "w + z", "b": "w"},
    61: {"a": "w + z", "b": "w", "direct": "w"},
    62: {"a": "w + z", "b": "w", "direct": "z"},
    63: {"a": "w + z", "b": "w", "direct": "w + z"},
    64: {"a": "w", "b": "w + z"},
    65: {"a": "w", "b": "w + z", "direct": "w"},
    66: {"a": "w", "b": "w + z", "direct": "z"},
    67: {"a": "w", "b": "w + z", "direct": "w + z"},
    68: {"a": "w*z", "b": "w"},
    69: {"a": "w*z", "b": "w", "direct": "w*z"},
    70: {"a": "w", "b": "w*z"},
    71: {"a": "w", "b": "w*z", "direct": "w*z"},
    72: {"a": "w*z", "b": "w*z"},
    73: {"a": "w*z", "b": "w*z", "direct": "w*z"},
    75: {"a": "w + z", "b": "w + z"},
    76: {"a": "w + z", "b": "w + z", "direct": "w + z"},
}
NO_MEDIATOR = (1, 2, 3)  # models of moderation only
SERIAL = (6,)
MAX_SERIAL = 3  # serial mediators at most (7 specific indirect effects)
MAX_X_LEVELS = 10  # groups of a multicategorical X at most
PATHS = ("a", "b", "direct")
ROLES = ("w", "z")
METHODS = ("percentile", "bc")
FAMILIES = ("ols", "logit")
CODINGS = ("indicator", "sequential", "helmert")
AT_RULES = ("percentiles", "mean_sd")
ROBUST = ("auto", None, "HC0", "HC1", "HC2", "HC3", "HC4", "cluster")
#: A numeric X with 3 or 4 distinct whole-number values (0/1/2) looks like the codes of a
#: categorical treatment and is refused unless named in ``as_numeric`` or coded with
#: ``x_coding`` (as in :func:`cxresearch.mediation_analysis`).
MAX_CODES = 4
#: Resamples x rows per chunk: each chunk's index and count arrays (under 1 MB) stay in the
#: CPU cache, which made the bootstrap 1.3-2 times faster than chunks of 4M cells; at least
#: ``_MIN_CHUNK`` resamples, so that large samples are not drawn a few resamples at a time.
_CHUNK_CELLS = 100_000
_MIN_CHUNK = 16
_SMALL_DRAW = 10_000  # rows up to which resample indices are drawn as uint16 (faster there)
#: A correlation matrix's smallest eigenvalue is at least its determinant / e (the other
#: eigenvalues sum to less than k, so their product is below (k / (k - 1))^(k - 1) < e):
#: resamples whose predictors' determinant is at least this cannot be collinear, and only
#: the others need their eigenvalues (6x faster than eigenvalues for all, same verdicts).
_DET_SCREEN = 1e-6
_NEWTON_ITER = 100
_NEWTON_TOL = 1e-10
_LEVERAGE_TOL = 1e-10


# --------------------------------------------------------------------------- the result


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class ProcessResult(Result):
    """What :func:`conditional_process` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        The effects, one row per estimate: ``component`` (``"total"``, ``"direct"``,
        ``"indirect"``, ``"total indirect"``, ``"contrast"``, ``"index"``, and with
        ``standardized=True`` ``"partially standardized"`` and ``"completely
        standardized"``), ``term``
        (``"c'"``, ``"ind1"``, ``"ind1 - ind2"``, ``"ind1(w = 2) - ind1(w = 0)"``, the kind
        of index), ``path`` (the
        route, ``"staff -> satisfaction -> loyalty"``), ``moderator`` (whose index),
        ``x_code`` (a multicategorical X only), ``w`` and ``z`` (the moderator values the
        row is evaluated at; missing when it is not conditional), ``estimate``,
        ``std_error``, ``statistic``, ``p_value``, ``ci_low``, ``ci_high``, ``inference``
        (``"t"``, ``"z"`` or ``"bootstrap"``).
    coefficients : pandas.DataFrame
        Every equation's coefficients: ``equation, term, estimate, std_error, statistic,
        p_value, ci_low, ci_high``.
    fit : pandas.DataFrame
        One row per equation: ``equation, estimator, covariance, n, r_squared, mse,
        statistic, df1, df2, p_value`` (OLS: the F test of all slopes under the
        covariance used) and for a logistic outcome ``minus2ll, lr_statistic, mcfadden,
        cox_snell, nagelkerke`` (``statistic`` is then the likelihood-ratio chi-square).
    johnson_neyman : pandas.DataFrame or None
        Where the direct effect of a numeric X (the conditional effect in models 1-3) is
        significant along its moderator W (Z if it is the only one): ``low, high,
        significant, sign, share_of_data``, and with a second moderator of X -> Y a
        column of its values (the regions at each); ``None`` unless a moderator acts
        on X -> Y linearly.
    omnibus : pandas.DataFrame or None
        A multicategorical X: the joint test that all its (conditional) direct effects
        are 0 (``w, z, statistic, df1, df2, p_value, test``).
    interaction : pandas.DataFrame or None
        A moderator of 3 or more groups: in each equation, the joint test that the
        products of each focal predictor (X, a mediator) with the moderator's codes are 0
        (``equation, interaction, terms, statistic, df1, df2, p_value, test``: F, or a
        Wald chi-square for a logistic outcome, under the equation's covariance).
    x_codes : pandas.DataFrame or None
        A multicategorical X: each group's codes (the coding matrix).
    model : int or None
        The PROCESS model number (also when the paths were given with ``moderated=``
        and match one), else ``None``.
    paths : str
        Which paths W and Z moderate, e.g. ``"a: w; direct: w"`` (empty: none).
    serial : bool
        Whether the mediators are serial.
    x, y : str
        The predictor and the outcome; ``m`` the mediators, ``w`` and ``z`` the moderators
        (``None`` when absent), ``covariates`` the covariates.
    family : str
        ``"ols"`` or ``"logit"`` (the outcome's equation).
    y_event : float or None
        With ``family="logit"``: the value of Y coded 1 (the larger of its two values).
    robust : str or None
        The covariance of the OLS equations (``None``: classical).
    w_values, z_values : tuple
        The moderator values the conditional effects are evaluated at (floats; the
        groups of a moderator of 3 or more groups).
    jn_bounds : tuple of float
        The Johnson-Neyman bounds (none, one or two) when one moderator acts on X -> Y.
    n, n_dropped, n_clusters : int
        Rows used (of positive weight), incomplete rows dropped (``missing="listwise"``),
        clusters resampled (``cluster=``; else 0).
    n_boot, n_redrawn : int
        Bootstrap resamples (0 when there is no indirect effect) and how many were
        degenerate and drawn again.
    method : str
        The bootstrap interval, ``"percentile"`` or ``"bc"``.
    ci : float
        Confidence level of every interval.
    """

    coefficients: pd.DataFrame
    fit: pd.DataFrame
    johnson_neyman: pd.DataFrame | None
    omnibus: pd.DataFrame | None
    interaction: pd.DataFrame | None
    x_codes: pd.DataFrame | None
    model: int | None
    paths: str
    serial: bool
    x: Any
    m: tuple
    y: Any
    w: Any
    z: Any
    covariates: tuple
    family: str
    y_event: float | None
    robust: str | None
    w_values: tuple
    z_values: tuple
    jn_bounds: tuple
    n: int
    n_dropped: int
    n_clusters: int
    n_boot: int
    n_redrawn: int
    method: str
    ci: float

    def _summary_title(self) -> str:
        what = f"PROCESS model {self.model}" if self.model is not None else "Custom path model"
        return f"Conditional process analysis: {what}"

    def _summary_facts(self) -> list[tuple[str, Any]]:
        facts: list[tuple[str, Any]] = [("Y", str(self.y)), ("X", str(self.x))]
        if self.m:
            kind = "serial" if self.serial else "parallel"
            facts.append((f"M ({kind})", ", ".join(map(str, self.m))))
        for role, col, values in (("W", self.w, self.w_values), ("Z", self.z, self.z_values)):
            if col is not None:
                shown = ", ".join(f"{x:.4g}" if isinstance(x, float) else str(x) for x in values)
                facts.append((role, f"{col} at {shown}"))
        if self.covariates:
            facts.append(("covariates", ", ".join(map(str, self.covariates))))
        facts.append(("moderated paths", self.paths or "none"))
        facts += [("n", self.n), ("n dropped", self.n_dropped)]
        if self.n_clusters:
            facts.append(("clusters", self.n_clusters))
        facts.append(("SE (OLS equations)", self.robust or "classical"))
        if self.n_boot:
            facts.append(
                ("bootstrap", f"{self.n_boot} resamples ({self.n_redrawn} redrawn), {self.method}")
            )
        facts.append(("ci", self.ci))
        if self.family == "logit":
            facts.append(
                ("scale", f"log-odds of {self.y} = {self.y_event:g} (logistic regression)")
            )
        return facts

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        from .tables import format_p

        tables = []
        for _, row in self.fit.iterrows():
            eq = row["equation"]
            coef = self.coefficients[self.coefficients["equation"] == eq].drop(columns="equation")
            tables.append((_fit_caption(row, format_p), coef.reset_index(drop=True)))
        no_m = not self.m
        names = {
            "total": "Total effect of X on Y",
            "direct": "Conditional effect(s) of X on Y" if no_m else "Direct effect(s) of X on Y",
            "indirect": "Indirect effect(s) of X on Y (bootstrap)",
            "total indirect": "Total indirect effect (bootstrap)",
            "index": "Indices of moderated mediation (bootstrap)",
            "contrast": "Pairwise contrasts of (conditional) indirect effects (bootstrap)",
            "partially standardized": "Partially standardized indirect effect(s) (bootstrap)",
            "completely standardized": "Completely standardized indirect effect(s) (bootstrap)",
        }
        for component, caption in names.items():
            part = self.table[self.table["component"] == component]
            if len(part):
                part = part.dropna(axis=1, how="all").drop(columns="component")
                tables.append((caption, part.reset_index(drop=True)))
        if self.omnibus is not None:
            tables.append(("Omnibus test of the direct effect of X", self.omnibus))
        if self.interaction is not None:
            caption = "Tests of the interaction with a multicategorical moderator"
            tables.append((caption, self.interaction))
        if self.johnson_neyman is not None:
            tables.append(("Johnson-Neyman regions of the effect of X on Y", self.johnson_neyman))
        return tables

    def plot(self, *, ax: Any = None) -> Any:
        """Each conditional indirect effect against its moderator, with its bootstrap interval.

        For a smooth band, fit at many moderator values, e.g. ``at={"price":
        numpy.linspace(1, 7, 41)}``; with five values or fewer each is drawn as a point
        with its interval. A moderator of 3 or more groups gets one point per group, the
        groups on the horizontal axis in their order.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure if omitted.

        Returns
        -------
        matplotlib.axes.Axes
            One line per specific indirect effect (route), labelled with its path, its
            ``ci`` percentile (or BC) bootstrap interval as a band (labelled when there is
            one route), and a line at 0; no title. A legend is drawn for several routes.

        Raises
        ------
        ValueError
            The indirect effects are not conditional on exactly one moderator.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> rng = np.random.default_rng(7)
        >>> d = pd.DataFrame({"staff": rng.normal(size=300), "crowding": rng.normal(size=300)})
        >>> d["satisfaction"] = (0.5 - 0.3 * d["crowding"]) * d["staff"] + rng.normal(size=300)
        >>> d["loyalty"] = 0.6 * d["satisfaction"] + rng.normal(size=300)
        >>> res = conditional_process(
        ...     d, model=7, x="staff", m="satisfaction", y="loyalty", w="crowding",
        ...     at={"crowding": np.linspace(-2, 2, 21)}, n_boot=200, seed=1,
        ... )  # fmt: skip
        >>> ax = res.plot()
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('crowding', 'indirect effect of staff on loyalty')
        """
        from .plots._common import axes_or_new

        ind = self.table[self.table["component"] == "indirect"]
        roles = [r for r in ROLES if r in ind and ind[r].notna().any()]
        if len(roles) != 1:
            raise ValueError(
                f"plot draws the indirect effects against one moderator; in this model they "
                f"are conditional on {len(roles)} ({', '.join(roles) or 'none'}). Read "
                f".table instead."
            )
        role = roles[0]
        ax = axes_or_new(ax, (6.0, 4.0))
        ax.axhline(0, color="0.5", linewidth=0.8)
        colors = ["#2c7fb8", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e"]
        groups = list(ind.groupby("path", sort=False))
        values = self.w_values if role == "w" else self.z_values
        categorical = not all(isinstance(val, float) for val in values)  # 3 or more groups
        for k, (path, part) in enumerate(groups):
            color = colors[k % len(colors)]
            if categorical:  # one point per group, in the groups' order
                at = part[role].map({g: i for i, g in enumerate(values)}).to_numpy(float)
            else:
                part = part.sort_values(role)
                at = part[role].to_numpy(float)
            est = part["estimate"].to_numpy(float)
            low, high = part["ci_low"].to_numpy(float), part["ci_high"].to_numpy(float)
            if len(part) > 5 and not categorical:
                band = f"{self.ci:.0%} bootstrap interval" if len(groups) == 1 else None
                ax.fill_between(at, low, high, color=color, alpha=0.25, linewidth=0, label=band)
                ax.plot(at, est, color=color, label=path)
            else:
                err = np.vstack([est - low, high - est])
                ax.errorbar(at, est, yerr=err, fmt="o", color=color, capsize=3, label=path)
        if categorical:
            ax.set_xticks(range(len(values)), [str(g) for g in values])
        ax.set_xlabel(str(self.w if role == "w" else self.z))
        ax.set_ylabel(f"indirect effect of {self.x} on {self.y}")
        if len(groups) > 1:
            ax.legend()
        return ax


def _fit_caption(row: pd.Series, format_p: Any) -> str:
    """``"loyalty (OLS, HC3): R-squared = 0.35, F(3, 996) = 180.1, p < 0.001"``."""
    eq = row["equation"]
    p = format_p(row["p_value"])
    p = p if p.startswith("<") else f"= {p}"
    if row["estimator"] == "logit":
        return (
            f"{eq} (logistic, {row['covariance']}): -2LL = {row['minus2ll']:.2f}, "
            f"LR chi2({int(row['df1'])}) = {row['statistic']:.2f}, p {p}, "
            f"McFadden R-squared = {row['mcfadden']:.3f}"
        )
    return (
        f"{eq} (OLS, {row['covariance']}): R-squared = {row['r_squared']:.3f}, "
        f"F({int(row['df1'])}, {int(row['df2'])}) = {row['statistic']:.2f}, p {p}, "
        f"MSE = {row['mse']:.4g}"
    )


# --------------------------------------------------------------------------- the paths


def _parse_moderators(value: Any, path: str) -> list[tuple[str, ...]]:
    """``"w"`` -> ``[("w",)]``; ``"w + z"`` or ``["w", "z"]`` -> ``[("w",), ("z",)]``;
    ``"w*z"`` -> ``[("w",), ("z",), ("w", "z")]`` (the three-way interaction with X)."""
    allowed = "'w', 'z', 'w + z' (both, separately) or 'w*z' (with their interaction)"
    if isinstance(value, str):
        parts = value.split("+")
    elif isinstance(value, Sequence) and value and all(isinstance(p, str) for p in value):
        parts = list(value)
    else:
        raise TypeError(f"moderated[{path!r}] must be {allowed}, got {value!r}.")
    terms: list[tuple[str, ...]] = []
    for part in parts:
        factors = [f.strip().lower() for f in part.split("*")]
        if any(f not in ROLES for f in factors) or len(set(factors)) != len(factors):
            raise ValueError(f"moderated[{path!r}] must be {allowed}, got {value!r}.")
        new = [("w",), ("z",), ("w", "z")] if len(factors) == 2 else [(factors[0],)]
        terms += [t for t in new if t not in terms]
    return terms


def _paths_text(paths: Mapping[str, list]) -> str:
    """``"a: w; direct: w"`` -- what :attr:`ProcessResult.paths` shows."""

    def text(terms: list) -> str:
        if ("w", "z") in terms:
            return "w*z"
        return " + ".join(t[0] for t in terms)

    parts = [f"{p}: {text(paths[p])}" for p in PATHS if paths.get(p)]
    return "; ".join(parts)


def _canonical(paths: Mapping[str, list]) -> tuple:
    return tuple((p, frozenset(paths.get(p, ()))) for p in PATHS)


def _matching_model(paths: Mapping[str, list], serial: bool, has_m: bool) -> int | None:
    """The PROCESS number of a path model stated with ``moderated=``, if it has one."""
    for number, preset in MODELS.items():
        parsed = {p: _parse_moderators(t, p) for p, t in preset.items()}
        if (
            _canonical(parsed) == _canonical(paths)
            and (number in SERIAL) == serial
            and (number not in NO_MEDIATOR) == has_m
        ):
            return number
    return None


def _resolve_paths(model: Any, moderated: Any, serial: Any) -> tuple[int | None, dict, bool]:
    """The model number (if any), ``{path: moderator terms}`` and whether M is serial."""
    serial = v.check_bool(serial, "serial")
    if model is not None and moderated is not None:
        raise ValueError(
            "give either model= (a PROCESS model number) or moderated= (your own paths), "
            f"not both; got model={model!r} and moderated={moderated!r}."
        )
    if model is None:
        if moderated is None:
            return None, {}, serial
        if not isinstance(moderated, Mapping):
            raise TypeError(
                "moderated must be a dict from the paths 'a' (X -> M), 'b' (M -> Y) and "
                f"'direct' (X -> Y) to their moderators, e.g. {{'a': 'w'}}, got {moderated!r}."
            )
        bad = [p for p in moderated if p not in PATHS]
        if bad:
            raise ValueError(
                f"moderated: unknown path(s) {v.format_values(bad)}; the paths are 'a' "
                f"(X -> M), 'b' (M -> Y) and 'direct' (X -> Y)."
            )
        return None, {p: _parse_moderators(t, p) for p, t in moderated.items()}, serial
    if isinstance(model, bool) or not isinstance(model, int | np.integer):
        raise TypeError(f"model must be a PROCESS model number (an int), got {model!r}.")
    if int(model) not in MODELS:
        raise ValueError(
            f"model {model!r} is not supported; the supported PROCESS models are "
            f"{', '.join(map(str, MODELS))}. Any other path model of this kind can be "
            f"stated with moderated= (e.g. moderated={{'a': 'w', 'b': 'z'}})."
        )
    if serial and int(model) not in SERIAL:
        raise ValueError(f"serial=True is model 6 (serial mediation), got model={model!r}.")
    model = int(model)
    paths = {p: _parse_moderators(t, p) for p, t in MODELS[model].items()}
    return model, paths, model in SERIAL


def _check_structure(
    model: int | None, paths: dict, serial: bool, mediators: list, w: Any, z: Any
) -> None:
    """Mediators and moderators as the model needs them."""
    label = f"model {model}" if model is not None else "this path model"
    if model in NO_MEDIATOR and mediators:
        raise ValueError(
            f"m: {label} has no mediator (models 1-3 are moderation only), got m="
            f"{v.format_values(mediators)}; drop m or choose a mediation model (4 and up)."
        )
    needs_m = model is not None and model not in NO_MEDIATOR
    if (needs_m or paths.get("a") or paths.get("b") or serial) and not mediators:
        raise ValueError(f"m: {label} needs at least one mediator column, e.g. m='satisfaction'.")
    if model is None and not paths and not mediators:
        raise ValueError(
            "nothing to estimate: give m (mediators), moderated= (moderated paths) or "
            f"model= (a PROCESS number: {', '.join(map(str, MODELS))})."
        )
    if serial and not 2 <= len(mediators) <= MAX_SERIAL:
        raise ValueError(
            f"m: serial mediation takes 2 to {MAX_SERIAL} mediators in causal order, got "
            f"{len(mediators)}: {v.format_values(mediators)}."
        )
    used = {r for terms in paths.values() for t in terms for r in t}
    for role, column in (("w", w), ("z", z)):
        if role in used and column is None:
            raise ValueError(
                f"{role}: {label} has a moderator {role.upper()}; name its column, e.g. "
                f"{role}='price'."
            )
        if role not in used and column is not None:
            raise ValueError(
                f"{role}: {label} has no moderator {role.upper()} (moderated paths: "
                f"{_paths_text(paths) or 'none'}), got {role}={column!r}."
            )


# --------------------------------------------------------------------------- the data


@dataclasses.dataclass
class _Data:
    """The analysis rows as arrays: every variable an 'atom' with a short key."""

    atoms: dict[str, np.ndarray]  # "x0".., "m0".., "w", "z", "c0".., "y"
    labels: dict[str, str]  # atom key -> name shown
    n_codes: int
    n_mediators: int
    covariate_keys: list[str]
    weights: np.ndarray | None
    groups: np.ndarray | None  # cluster code of each row
    n_dropped: int
    x_codes: pd.DataFrame | None
    y_event: Any  # the value coded 1 (logit)
    moderator_groups: dict[str, tuple] = dataclasses.field(default_factory=dict)  # role -> (0, 1)
    #: role -> coding table of a moderator of 3 or more groups (atoms "w0", "w1", ...)
    moderator_codes: dict[str, pd.DataFrame] = dataclasses.field(default_factory=dict)


def _single_column(data: pd.DataFrame, value: Any, argument: str) -> Any:
    if value is None:
        return None
    if not isinstance(value, Hashable) or isinstance(value, tuple):
        raise TypeError(f"{argument} must be one column name, got {value!r}.")
    v.check_columns(data, [value], argument)
    return value


def _check_roles(
    data: pd.DataFrame, x: Any, m: Any, y: Any, w: Any, z: Any, covariates: Any, weights: Any,
    cluster: Any,
) -> tuple[list, list]:  # fmt: skip
    """Every column exists, once; a column plays one role. Returns mediators, covariates."""
    for name, value in (("x", x), ("y", y)):
        if value is None:
            raise TypeError(f"{name} must be one column name, got None.")
        _single_column(data, value, name)
    for name, value in (("w", w), ("z", z), ("weights", weights), ("cluster", cluster)):
        _single_column(data, value, name)
    mediators = v.check_columns(data, m, "m")
    covs = v.check_columns(data, covariates, "covariates")
    roles = [("x", [x]), ("m", mediators), ("y", [y]), ("w", [w]), ("z", [z])]
    roles += [("covariates", covs), ("weights", [weights]), ("cluster", [cluster])]
    seen: dict[Any, str] = {}
    for role, cols in roles:
        for col in cols:
            if col is None:
                continue
            if col in seen:
                raise ValueError(
                    f"{role}: column {col!r} is already used as {seen[col]}; x, m, y, w, z, "
                    f"covariates, weights and cluster must be different columns."
                )
            seen[col] = role
    return mediators, covs


def _is_categorical(series: pd.Series) -> bool:
    dtype = series.dtype
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


def _levels(series: pd.Series) -> list:
    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(series.unique())
        return [c for c in series.cat.categories if c in present]
    values = list(pd.unique(series))
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=lambda x: (type(x).__name__, str(x)))


def _coding_matrix(g: int, coding: str) -> np.ndarray:
    """The (g x g-1) codes of g ordered groups, as PROCESS's ``mcx`` builds them."""
    k = g - 1
    mat = np.zeros((g, k))
    if coding == "indicator":
        mat[1:] = np.eye(k)
    elif coding == "sequential":
        for i in range(1, g):
            mat[i, :i] = 1.0
    else:  # helmert: each group against the mean of the later ones
        for j in range(k):
            mat[j, j] = -(g - 1 - j) / (g - j)
            mat[j + 1 :, j] = 1.0 / (g - j)
    return mat


def _x_codes(
    series: pd.Series, x: Any, coding: str, role: str = "x"
) -> tuple[np.ndarray, list, pd.DataFrame]:
    """The codes of a multicategorical X (or moderator ``role``), their labels and the
    coding table."""
    levels = _levels(series)
    if not 2 <= len(levels) <= MAX_X_LEVELS:
        raise ValueError(
            f"{role}: column {x!r} has {len(levels)} groups {v.format_values(levels, 12)}; a "
            f"multicategorical {role.upper()} needs 2 to {MAX_X_LEVELS}."
        )
    counts = series.value_counts()
    few = [lev for lev in levels if counts[lev] < 2]
    if few:
        raise ValueError(
            f"{role}: group(s) {v.format_values(few)} of column {x!r} hold a single row; every "
            f"group of a multicategorical {role.upper()} needs at least 2. Merge rare groups "
            f"first."
        )
    mat = _coding_matrix(len(levels), coding)
    position = {lev: i for i, lev in enumerate(levels)}
    codes = mat[series.map(position).to_numpy(dtype=int)]
    labels = [f"{x}[{lev}]" for lev in levels[1:]]
    table = pd.DataFrame(mat, columns=labels)
    table.insert(0, str(x), levels)
    return codes, labels, table


def _moderator_codes(series: pd.Series, col: Any, role: str) -> tuple[np.ndarray, str, tuple]:
    """A categorical moderator of two groups as an indicator (0: the first group, 1: the
    second), its label (``"tier[gold]"``) and the two groups."""
    levels = _levels(series)
    return (series == levels[1]).to_numpy(dtype=float), f"{col}[{levels[1]}]", tuple(levels)


def _check_not_numbers_as_text(data: pd.DataFrame, col: Any, role: str) -> None:
    """Refuse a text column whose every value is a number: numbers stored as text would
    be taken as one group per value."""
    series = data[col]
    if not (
        pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)
    ):
        return
    present = series.dropna()
    if len(present) and pd.to_numeric(present, errors="coerce").notna().all():
        raise TypeError(
            f"{role}: column {col!r} holds numbers stored as text "
            f"({v.format_values(present.unique(), 3)}), which would be taken as "
            f"{present.nunique()} groups. Convert it first with pandas.to_numeric(...); wrap "
            f"it in pandas.Categorical(...) if the numbers are group labels."
        )


def _covariate_columns(clean: pd.DataFrame, covs: list) -> tuple[list[np.ndarray], list[str]]:
    """Numeric covariates as they are, categorical ones dummy-coded (first level left out)."""
    columns, labels = [], []
    for col in covs:
        series = clean[col]
        if _is_categorical(series):
            levels = _levels(series)
            for lev in levels[1:]:
                columns.append((series == lev).to_numpy(dtype=float))
                labels.append(f"{col}[{lev}]")
        else:
            columns.append(series.to_numpy(dtype=float))
            labels.append(str(col))
    return columns, labels


def _check_kinds(
    clean: pd.DataFrame, x: Any, mediators: list, y: Any, family: str, x_coding: Any,
    as_numeric: list,
) -> None:  # fmt: skip
    """Refuse what a linear equation would misread: a binary y under OLS or a binary
    mediator, an X of a few whole-number codes, a y that is not binary under logit."""
    levels_y = np.unique(clean[y].to_numpy(dtype=float))
    if family == "logit" and len(levels_y) != 2:
        raise ValueError(
            f"y: family='logit' needs a binary outcome (two values), but column {y!r} has "
            f"{len(levels_y)} values {v.format_values(levels_y)}."
        )
    if family == "ols" and len(levels_y) == 2 and y not in as_numeric:
        raise ValueError(
            f"y: column {y!r} holds only two values {v.format_values(levels_y)}: a binary "
            f"outcome. Pass family='logit' for a logistic equation (as PROCESS does), or "
            f"as_numeric=[{y!r}] to fit a linear probability model deliberately."
        )
    for med in mediators:
        values = np.unique(clean[med].to_numpy(dtype=float))
        if len(values) == 2 and med not in as_numeric:
            raise ValueError(
                f"m: column {med!r} holds only two values {v.format_values(values)}: a binary "
                f"mediator, which PROCESS and this function model by OLS (a linear "
                f"probability model). Pass as_numeric=[{med!r}] to do so deliberately."
            )
    if x_coding is None and not _is_categorical(clean[x]) and x not in as_numeric:
        values = np.unique(clean[x].to_numpy(dtype=float))
        if 3 <= len(values) <= MAX_CODES and np.all(values % 1 == 0):
            raise ValueError(
                f"x: column {x!r} holds {len(values)} whole-number values "
                f"{v.format_values(values)}, which may be the codes of groups. Pass "
                f"x_coding='indicator' (or 'sequential', 'helmert') for a multicategorical X, "
                f"or as_numeric=[{x!r}] if it is a numeric scale."
            )


def _clean(
    data: pd.DataFrame, columns: list, numeric: dict, weights: Any, missing: str
) -> tuple[pd.DataFrame, int, np.ndarray | None]:
    """Complete rows of positive weight, checked; the number dropped and the weights.

    ``numeric``: the columns that must hold numbers, each with its role (for messages).
    """
    used = [c for c in columns if c is not None]
    data = v.numpy_dtypes(data, used)
    if weights is not None:
        v.check_weights(data, weights, "weights")
    for col, role in numeric.items():
        v.check_numeric(data, [col], role)
    clean, n_dropped = v.drop_missing(data, used, missing=missing, argument="data")
    v.check_finite(clean, list(numeric), "data")
    w = None
    if weights is not None:
        w = clean[weights].to_numpy(dtype=float)
        v.check_weight_spread(w, weights)
        v.check_magnitude(w, weights, "weights")
        clean, w = clean.loc[w > 0], w[w > 0]
    for col in numeric:
        v.check_magnitude(clean[col].to_numpy(dtype=float), col, "data")
    return clean, n_dropped, w


def _prepare(
    data: pd.DataFrame, roles: dict, family: str, x_coding: Any, as_numeric: list, missing: str
) -> _Data:
    """The analysis rows, checked, as atoms (X codes, mediators, moderators, covariates, Y)."""
    x, mediators, y = roles["x"], roles["m"], roles["y"]
    mods = {r: roles[r] for r in ROLES if roles[r] is not None}
    covs, weights, cluster = roles["covariates"], roles["weights"], roles["cluster"]
    categorical_x = x_coding is not None or _is_categorical(data[x])
    cat_covs = [c for c in covs if _is_categorical(data[c])]
    cat_mods = {role: col for role, col in mods.items() if _is_categorical(data[col])}
    checked = [(x, "x"), *((c, "covariates") for c in cat_covs), *map(reversed, cat_mods.items())]
    for col, role in checked:
        _check_not_numbers_as_text(data, col, role)
    numeric = {x: "x"} if not categorical_x else {}
    numeric |= {med: "m" for med in mediators}
    if not (family == "logit" and pd.api.types.is_bool_dtype(data[y].dtype)):
        numeric[y] = "y"  # a logistic outcome may be True/False
    numeric |= {col: role for role, col in mods.items() if role not in cat_mods}
    numeric |= {c: "covariates" for c in covs if c not in cat_covs}
    columns = [x, *mediators, y, *mods.values(), *covs, weights, cluster]
    clean, n_dropped, w = _clean(data, columns, numeric, weights, missing)
    constant = [c for c in [x, *mediators, y, *mods.values(), *covs] if clean[c].nunique() <= 1]
    if constant:
        v.check_not_constant(clean, constant, "data")
    _check_kinds(clean, x, mediators, y, family, x_coding, as_numeric)
    atoms: dict[str, np.ndarray] = {}
    labels: dict[str, str] = {}
    table = None
    if categorical_x:
        codes, code_labels, table = _x_codes(clean[x], x, x_coding or "indicator")
        for j, lab in enumerate(code_labels):
            atoms[f"x{j}"], labels[f"x{j}"] = codes[:, j], lab
    else:
        atoms["x0"], labels["x0"] = clean[x].to_numpy(dtype=float), str(x)
    for j, med in enumerate(mediators):
        atoms[f"m{j}"], labels[f"m{j}"] = clean[med].to_numpy(dtype=float), str(med)
    groups: dict[str, tuple] = {}
    mod_tables: dict[str, pd.DataFrame] = {}
    for role, col in mods.items():
        if role in cat_mods and len(_levels(clean[col])) > 2:  # g - 1 indicator codes
            codes, code_labels, mod_tables[role] = _x_codes(clean[col], col, "indicator", role)
            for j, lab in enumerate(code_labels):
                atoms[f"{role}{j}"], labels[f"{role}{j}"] = codes[:, j], lab
            labels[role] = str(col)
        elif role in cat_mods:
            atoms[role], labels[role], groups[role] = _moderator_codes(clean[col], col, role)
        else:
            atoms[role], labels[role] = clean[col].to_numpy(dtype=float), str(col)
    cov_cols, cov_labels = _covariate_columns(clean, covs)
    cov_keys = [f"c{j}" for j in range(len(cov_cols))]
    for key, col, lab in zip(cov_keys, cov_cols, cov_labels, strict=True):
        atoms[key], labels[key] = col, lab
    y_values = clean[y].to_numpy(dtype=float)
    y_event = None
    if family == "logit":
        y_event = float(y_values.max())
        y_values = (y_values == y_event).astype(float)
    atoms["y"], labels["y"] = y_values, str(y)
    constant = "Intercept"  # unless a variable has that name
    while constant in labels.values():
        constant = f"({constant})"
    labels[""] = constant
    clusters = None
    if cluster is not None:
        clusters = pd.factorize(clean[cluster])[0]
    n_codes = sum(1 for k in atoms if k.startswith("x"))
    return _Data(
        atoms, labels, n_codes, len(mediators), cov_keys, w, clusters, n_dropped, table, y_event,
        groups, mod_tables,
    )  # fmt: skip


# --------------------------------------------------------------------------- equations


@dataclasses.dataclass
class _Eq:
    """One regression: its outcome (an atom key) and terms (tuples of atom keys)."""

    target: str
    terms: list[tuple[str, ...]]
    family: str


def _order(term: tuple[str, ...]) -> tuple[str, ...]:
    rank = {"x": 0, "m": 1, "w": 2, "z": 3, "c": 4}
    return tuple(sorted(term, key=lambda a: (rank[a[0]], a)))


def _unique(terms: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for t in terms:
        t = _order(t)
        if t not in out:
            out.append(t)
    return out


def _equations(data: _Data, paths: dict, serial: bool, family: str) -> list[_Eq]:
    """The mediators' equations (in order) and the outcome's, last.

    X -> M_j: X, the previous mediators (serial), the a-path moderators and their
    products with X, the covariates. Y: X, the mediators, the moderators of the b and
    direct paths, their products with the mediators and with X, the covariates.
    """
    xs = [f"x{j}" for j in range(data.n_codes)]
    ms = [f"m{j}" for j in range(data.n_mediators)]
    covs = [(c,) for c in data.covariate_keys]
    a, b, d = (_expand(paths.get(p, []), data) for p in PATHS)
    eqs = []
    for j, med in enumerate(ms):
        prior = [(p,) for p in ms[:j]] if serial else []
        terms = [(), *[(x,) for x in xs], *prior, *a, *[(x, *t) for t in a for x in xs], *covs]
        eqs.append(_Eq(med, _unique(terms), "ols"))
    mains = _unique([*d, *b])
    terms = [(), *[(x,) for x in xs], *[(m,) for m in ms], *mains]
    terms += [(x, *t) for t in d for x in xs] + [(m, *t) for t in b for m in ms] + covs
    eqs.append(_Eq("y", _unique(terms), family))
    return eqs


def _role_atoms(data: _Data, role: str) -> list[str]:
    """The atoms of moderator ``role``: ``["w"]``, or its codes ``["w0", "w1", ...]`` when
    it has 3 or more groups; ``[]`` when the model has no such moderator."""
    return [k for k in data.atoms if k[0] == role]


def _expand(terms: list[tuple[str, ...]], data: _Data) -> list[tuple[str, ...]]:
    """Moderator terms of roles (``("w", "z")``) as terms of atoms: one per code of a
    multicategorical moderator (``("w0", "z"), ("w1", "z")``)."""
    return [combo for t in terms for combo in itertools.product(*(_role_atoms(data, r) for r in t))]


def _term_label(term: tuple[str, ...], labels: dict[str, str]) -> str:
    return labels[""] if not term else ":".join(labels[a] for a in term)


def _design_matrix(eq: _Eq, atoms: dict[str, np.ndarray]) -> np.ndarray:
    n = len(atoms["y"])
    cols = [np.prod([atoms[a] for a in t], axis=0) if t else np.ones(n) for t in eq.terms]
    return np.column_stack(cols)


# --------------------------------------------------------------------------- fitting


def _sandwich(
    xs: np.ndarray, score_w: np.ndarray, bread: np.ndarray, groups: np.ndarray | None
) -> np.ndarray:
    """bread (sum of outer products of the scores x_i s_i, summed within clusters) bread."""
    scores = xs * score_w[:, None]
    if groups is not None:
        scores = np.asarray(pd.DataFrame(scores).groupby(groups).sum())
    return bread @ (scores.T @ scores) @ bread


def _ols_cov(
    xs: np.ndarray, resid: np.ndarray, bread: np.ndarray, robust: str | None,
    groups: np.ndarray | None, label: str,
) -> np.ndarray:  # fmt: skip
    """Classical, HC0-HC4 or cluster (CR1) covariance of OLS/WLS coefficients.

    ``xs`` and ``resid`` are the whitened design and residuals (times the square root of
    the weights), so the formulas are those of statsmodels' ``WLS``.
    """
    n, k = xs.shape
    if robust is None:
        return bread * float(resid @ resid) / (n - k)
    if robust == "cluster":
        g = int(groups.max()) + 1
        factor = g / (g - 1) * (n - 1) / (n - k)
        return factor * _sandwich(xs, resid, bread, groups)
    h = np.einsum("ij,jk,ik->i", xs, bread, xs)
    if robust in ("HC2", "HC3", "HC4") and np.any(h > 1 - _LEVERAGE_TOL):
        i = int(np.argmax(h))
        raise ValueError(
            f"robust={robust!r}: row {i} has leverage 1 in the equation of {label!r} (it "
            f"alone determines a coefficient, e.g. the only row of a group), so {robust} is "
            f"undefined. Use robust='HC0' or 'HC1', or merge the rare group."
        )
    scale = {
        "HC0": np.ones(n),
        "HC1": np.full(n, n / (n - k)),
        "HC2": 1 / (1 - h),
        "HC3": 1 / (1 - h) ** 2,
        "HC4": 1 / (1 - h) ** np.minimum(4.0, n * h / k),
    }[robust]
    return _sandwich(xs, resid * np.sqrt(scale), bread, None)


def _ols(
    design: np.ndarray, y: np.ndarray, w: np.ndarray | None, robust: str | None,
    groups: np.ndarray | None, label: str,
) -> dict[str, Any]:  # fmt: skip
    """OLS (WLS with weights) by QR: coefficients, covariance and the fit statistics."""
    from scipy import special

    n, k = design.shape
    root = np.ones(n) if w is None else np.sqrt(w)
    xs, ys = design * root[:, None], y * root
    q, r = np.linalg.qr(xs)
    beta = np.linalg.solve(r, q.T @ ys)
    rinv = np.linalg.solve(r, np.eye(k))
    bread = rinv @ rinv.T
    resid = ys - xs @ beta
    cov = _ols_cov(xs, resid, bread, robust, groups, label)
    df = (int(groups.max()) if robust == "cluster" else n - k) if k else n
    ssr = float(resid @ resid)
    wt = root**2
    ybar = float(np.average(y, weights=wt))
    tss = float(wt @ (y - ybar) ** 2)
    slopes = beta[1:]
    f_stat = float(slopes @ np.linalg.solve(cov[1:, 1:], slopes)) / (k - 1) if k > 1 else np.nan
    return {
        "beta": beta,
        "cov": cov,
        "df": df,
        "fit": {
            "r_squared": 1 - ssr / tss,
            "mse": ssr / (n - k),
            "statistic": f_stat,
            "df1": k - 1,
            "df2": df,
            "p_value": float(special.fdtrc(k - 1, df, f_stat)) if k > 1 else np.nan,
        },
    }


def _expit(eta: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return expit(eta)


def _newton_logit(
    design: np.ndarray, y: np.ndarray, w: np.ndarray, label: str
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum likelihood of a (weighted) logistic regression; coefficients, p-hat."""
    beta = np.zeros(design.shape[1])
    for _ in range(_NEWTON_ITER):
        p = _expit(design @ beta)
        info = design.T @ (design * (w * p * (1 - p))[:, None])
        try:
            step = np.linalg.solve(info, design.T @ (w * (y - p)))
        except np.linalg.LinAlgError:
            break
        beta = beta + step
        if not np.all(np.isfinite(beta)):
            break
        if np.max(np.abs(step)) <= _NEWTON_TOL * (1 + np.max(np.abs(beta))):
            p = _expit(design @ beta)
            if np.max(np.abs(y - p)) < 1e-8:
                break  # separated: every outcome predicted exactly
            return beta, p
    raise ConvergenceError(
        f"the logistic regression of {label!r} did not converge in {_NEWTON_ITER} Newton "
        f"steps: the outcome is (quasi-)perfectly separated by a predictor, or too rare. "
        f"Check its cross-tabulation with X and the mediators, or drop a predictor."
    )


def _logit(
    design: np.ndarray, y: np.ndarray, w: np.ndarray | None, robust: str | None,
    groups: np.ndarray | None, label: str,
) -> dict[str, Any]:  # fmt: skip
    """Logistic regression: coefficients, covariance (inverse information, HC0 or cluster
    sandwich) and PROCESS's fit statistics (-2LL, LR test, pseudo R-squared)."""
    from scipy import special

    n, k = design.shape
    wt = np.ones(n) if w is None else w
    beta, p = _newton_logit(design, y, wt, label)
    bread = np.linalg.inv(design.T @ (design * (wt * p * (1 - p))[:, None]))
    if robust is None:
        cov = bread
    else:
        cov = _sandwich(design, wt * (y - p), bread, groups if robust == "cluster" else None)
        if robust == "cluster":
            g = int(groups.max()) + 1
            cov = cov * g / (g - 1) * (n - 1) / (n - k)
    eta = design @ beta
    ll = float(wt @ (y * eta - np.logaddexp(0, eta)))
    p0 = float(np.average(y, weights=wt))
    ll0 = float(wt @ (y * np.log(p0) + (1 - y) * np.log(1 - p0)))
    lr = 2 * (ll - ll0)
    total = float(wt.sum())  # n without weights
    cox = 1 - np.exp(2 * (ll0 - ll) / total)
    return {
        "beta": beta,
        "cov": cov,
        "df": int(groups.max()) if robust == "cluster" else None,
        "fit": {
            "statistic": lr,
            "df1": k - 1,
            "p_value": float(special.chdtrc(k - 1, lr)),
            "minus2ll": -2 * ll,
            "lr_statistic": lr,
            "mcfadden": 1 - ll / ll0,
            "cox_snell": cox,
            "nagelkerke": cox / (1 - np.exp(2 * ll0 / total)),
        },
    }


def _fit_all(
    eqs: list[_Eq], data: _Data, robust: str | None, logit_robust: str | None
) -> tuple[list[dict], list[np.ndarray]]:
    """Every equation fitted to the analysis rows, and its design matrix."""
    fits, designs = [], []
    for eq in eqs:
        design = _design_matrix(eq, data.atoms)
        names = [_term_label(t, data.labels) for t in eq.terms]
        _design.check_rank(design, names)
        label = data.labels[eq.target]
        if eq.family == "logit":
            fit = _logit(
                design, data.atoms[eq.target], data.weights, logit_robust, data.groups, label
            )
            fit["covariance"] = logit_robust or "model-based"
        else:
            fit = _ols(design, data.atoms[eq.target], data.weights, robust, data.groups, label)
            fit["covariance"] = robust or "classical"
        fits.append(fit)
        designs.append(design)
    return fits, designs


def _critical(df: int | None, ci: float) -> float:
    from scipy import special  # the functions behind scipy.stats' norm and t, less overhead

    tail = 0.5 + ci / 2
    return float(special.ndtri(tail) if df is None else special.stdtrit(df, tail))


def _p_value(stat: np.ndarray, df: int | None) -> np.ndarray:
    from scipy import special

    stat = -np.abs(np.asarray(stat, dtype=float))
    return 2 * (special.ndtr(stat) if df is None else special.stdtr(df, stat))


def _coefficient_table(
    eqs: list[_Eq], fits: list[dict], labels: dict[str, str], ci: float
) -> pd.DataFrame:
    frames = []
    for eq, fit in zip(eqs, fits, strict=True):
        beta, se = fit["beta"], np.sqrt(np.diag(fit["cov"]))
        stat = beta / se
        crit = _critical(fit["df"], ci)
        frames.append(
            pd.DataFrame(
                {
                    "equation": labels[eq.target],
                    "term": [_term_label(t, labels) for t in eq.terms],
                    "estimate": beta,
                    "std_error": se,
                    "statistic": stat,
                    "p_value": _p_value(stat, fit["df"]),
                    "ci_low": beta - crit * se,
                    "ci_high": beta + crit * se,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _fit_table(eqs: list[_Eq], fits: list[dict], labels: dict, n: int) -> pd.DataFrame:
    rows = []
    for eq, fit in zip(eqs, fits, strict=True):
        estimator = "logit" if eq.family == "logit" else "ols"
        rows.append(
            {"equation": labels[eq.target], "estimator": estimator,
             "covariance": fit["covariance"], "n": n, **fit["fit"]}
        )  # fmt: skip
    columns = ["equation", "estimator", "covariance", "n", "r_squared", "mse", "statistic"]
    columns += ["df1", "df2", "p_value", "minus2ll", "lr_statistic", "mcfadden", "cox_snell"]
    columns += ["nagelkerke"]
    return pd.DataFrame(rows).reindex(columns=columns)


# --------------------------------------------------------------------------- effects
#
# A path's slope is a polynomial in the moderators: {monomial: coefficient}, the monomial
# a sorted tuple of moderator atoms ("w", "z", "w"...; a moderator of g >= 3 groups is its
# g - 1 codes "w0", "w1", ..., each atom's role its first letter), the coefficient an
# array with one value per fit (1 for the estimates, one per resample in the bootstrap).
# Products of polynomials are the indirect effects; derivatives are the indices of
# moderated mediation (per code of a multicategorical moderator).


Poly = dict[tuple[str, ...], np.ndarray]


def _slope(eq: _Eq, beta: np.ndarray, focal: str) -> Poly:
    """The slope of ``focal`` in ``eq``: the sum of its terms' coefficients times the
    other factors (moderators) of each term. ``beta``: (fits, terms)."""
    poly: Poly = {}
    for i, term in enumerate(eq.terms):
        if focal in term:
            rest = tuple(sorted(a for a in term if a != focal))
            poly[rest] = poly.get(rest, 0.0) + beta[:, i]
    return poly


def _multiply(p: Poly, q: Poly) -> Poly:
    out: Poly = {}
    for (k1, c1), (k2, c2) in itertools.product(p.items(), q.items()):
        key = tuple(sorted(k1 + k2))
        out[key] = out.get(key, 0.0) + c1 * c2
    return out


def _add(p: Poly, q: Poly, sign: float = 1.0) -> Poly:
    out = dict(p)
    for key, c in q.items():
        out[key] = out.get(key, 0.0) + sign * c
    return out


def _derivative(p: Poly, role: str) -> Poly:
    out: Poly = {}
    for key, c in p.items():
        k = key.count(role)
        if k:
            rest = list(key)
            rest.remove(role)
            out[tuple(rest)] = out.get(tuple(rest), 0.0) + k * c
    return out


def _roles_in(p: Poly) -> list[str]:
    """The moderators (roles ``"w"``, ``"z"``) that ``p`` depends on."""
    return sorted({a[0] for key in p for a in key})


def _atoms_in(p: Poly, role: str) -> list[str]:
    return sorted({a for key in p for a in key if a[0] == role})


def _degree(p: Poly, role: str) -> int:
    return max((sum(a[0] == role for a in key) for key in p), default=0)


def _evaluate(p: Poly, at: Mapping[str, float]) -> np.ndarray:
    total = 0.0
    for key, c in p.items():
        total = total + c * np.prod([at[r] for r in key])
    return np.asarray(total, dtype=float)


def _routes(n_mediators: int, serial: bool) -> list[tuple[int, ...]]:
    """The specific indirect effects: each mediator (parallel) or each ordered chain of
    mediators (serial), in PROCESS's order (by first mediator, then length)."""
    if not serial:
        return [(j,) for j in range(n_mediators)]
    routes = []
    for first in range(n_mediators):
        later = range(first + 1, n_mediators)
        for size in range(n_mediators - first):
            routes += [(first, *rest) for rest in itertools.combinations(later, size)]
    return routes


def _effect_polys(
    eqs: list[_Eq], betas: list[np.ndarray], n_codes: int, routes: list[tuple[int, ...]]
) -> dict[tuple, Poly]:
    """Every bootstrapped quantity as a polynomial: ("ind", code, route), ("tot", code),
    ("con", code, r1, r2), ("d1", code, route, role), ("d2", code, route)."""
    m_eqs, y_eq = eqs[:-1], eqs[-1]
    b = [_slope(y_eq, betas[-1], f"m{j}") for j in range(len(m_eqs))]
    polys: dict[tuple, Poly] = {}
    for c in range(n_codes):
        inds = []
        for route in routes:
            p = _slope(m_eqs[route[0]], betas[route[0]], f"x{c}")
            for prev, nxt in itertools.pairwise(route):
                p = _multiply(p, _slope(m_eqs[nxt], betas[nxt], f"m{prev}"))
            inds.append(_multiply(p, b[route[-1]]))
        for r, p in enumerate(inds):
            polys[("ind", c, r)] = p
            for atom in [*_atoms_in(p, "w"), *_atoms_in(p, "z")]:
                polys[("d1", c, r, atom)] = _derivative(p, atom)
            for wa, za in itertools.product(_atoms_in(p, "w"), _atoms_in(p, "z")):
                polys[("d2", c, r, wa, za)] = _derivative(_derivative(p, wa), za)
        total: Poly = {}
        for p in inds:
            total = _add(total, p)
        polys[("tot", c)] = total
        for r1, r2 in itertools.combinations(range(len(inds)), 2):
            polys[("con", c, r1, r2)] = _add(inds[r1], inds[r2], -1.0)
    return polys


def _points(probe: Mapping[str, Any], role: str) -> list[dict[str, Any]]:
    """The probe values of ``role`` as dicts: ``{"w": 1.5}``, or for a moderator of 3 or
    more groups its group and codes, ``{"w": "gold", "w0": 0.0, "w1": 1.0}``."""
    return [pt if isinstance(pt, dict) else {role: pt} for pt in probe[role]]


def _grid(roles: list[str], probe: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every combination of the roles' probe values, each one dict of atom values."""
    return [
        {k: val for pt in combo for k, val in pt.items()}
        for combo in itertools.product(*(_points(probe, r) for r in roles))
    ]


def _shown(at: Mapping[str, Any]) -> dict[str, Any]:
    """The moderator values a table shows: the roles, not the codes of a moderator."""
    return {k: val for k, val in at.items() if k in ROLES}


def _index_rows(
    p: Poly, c: int, r: int, probe: Mapping[str, np.ndarray]
) -> list[tuple[str, str, tuple, dict[str, float]]]:
    """(kind, moderator role(s), poly key, at) of every index of route ``r``: where the
    indirect effect is linear in a moderator, its derivative -- constant (the index of
    moderated mediation; partial with two moderators) or linear in the other moderator
    (conditional moderated mediation, at its values, and the moderated moderated
    mediation index, the mixed derivative, when both enter linearly)."""
    roles = _roles_in(p)
    rows = []
    linear = [role for role in roles if _degree(p, role) == 1]
    for role in linear:
        for atom in _atoms_in(p, role):  # a multicategorical moderator: one per code
            deriv = _derivative(p, atom)
            others = _roles_in(deriv)
            if not others:
                kind = "moderated mediation" if len(roles) == 1 else "partial moderated mediation"
                rows.append((kind, atom, ("d1", c, r, atom), {}))
            elif len(others) == 1:
                for at in _grid(others, probe):
                    rows.append(("conditional moderated mediation", atom, ("d1", c, r, atom), at))
    if len(linear) == 2:
        for wa, za in itertools.product(_atoms_in(p, "w"), _atoms_in(p, "z")):
            mixed = _derivative(_derivative(p, wa), za)
            if mixed and not _roles_in(mixed):
                rows.append(
                    ("moderated moderated mediation", f"{wa}*{za}", ("d2", c, r, wa, za), {})
                )
    return rows


def _plan(
    polys: dict[tuple, Poly], n_codes: int, routes: list, probe: Mapping[str, Any],
    grouped: Sequence[str] = (),
) -> list[dict[str, Any]]:  # fmt: skip
    """The bootstrapped rows of the effects table: which polynomial, at which values."""
    rows: list[dict[str, Any]] = []
    for c in range(n_codes):
        ind_keys = [("ind", c, r) for r in range(len(routes))]
        for r, key in enumerate(ind_keys):
            for at in _grid(_roles_in(polys[key]), probe):
                rows.append({"component": "indirect", "code": c, "route": r, "key": key, "at": at})
        if len(routes) > 1:
            roles = sorted({x for key in ind_keys for x in _roles_in(polys[key])})
            for at in _grid(roles, probe):
                rows.append({"component": "total indirect", "code": c, "key": ("tot", c), "at": at})
            for r1, r2 in itertools.combinations(range(len(routes)), 2):
                for at in _grid(roles, probe):
                    rows.append(
                        {"component": "contrast", "code": c, "route": (r1, r2),
                         "key": ("con", c, r1, r2), "at": at}
                    )  # fmt: skip
        for r, key in enumerate(ind_keys):
            for kind, role, pkey, at in _index_rows(polys[key], c, r, probe):
                rows.append(
                    {"component": "index", "code": c, "route": r, "key": pkey, "at": at,
                     "kind": kind, "role": role}
                )  # fmt: skip
            rows += _value_contrasts(polys[key], c, r, probe, grouped)
    return rows


def _value_contrasts(
    p: Poly, c: int, r: int, probe: Mapping[str, Any], grouped: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Where one moderator acts on both the a and the b path (models 58, 59) the indirect
    effect is quadratic in it and has no index: its conditional values are compared
    pairwise instead (each later probe value minus each earlier one). The conditional
    indirect effects in the groups of a multicategorical moderator (``grouped``) are
    always compared pairwise (at each value of the other moderator, if any)."""
    roles = _roles_in(p)
    if any(role in grouped for role in roles):
        return _group_contrasts(p, c, r, probe, [g for g in roles if g in grouped])
    if len(roles) != 1 or _degree(p, roles[0]) < 2:
        return []
    role, values = roles[0], probe[roles[0]]
    return [
        {"component": "contrast", "code": c, "route": r, "key": ("ind", c, r),
         "at": {role: hi}, "minus": {role: lo}}
        for i, lo in enumerate(values) for hi in values[i + 1 :]
    ]  # fmt: skip


def _group_contrasts(
    p: Poly, c: int, r: int, probe: Mapping[str, Any], grouped: list[str]
) -> list[dict[str, Any]]:
    """Each later group's conditional indirect effect minus each earlier group's."""
    rows = []
    for role in grouped:
        points = _points(probe, role)
        for at in _grid([o for o in _roles_in(p) if o != role], probe):
            for i, lo in enumerate(points):
                rows += [
                    {"component": "contrast", "code": c, "route": r, "key": ("ind", c, r),
                     "at": at | hi, "minus": at | lo, "vary": role}
                    for hi in points[i + 1 :]
                ]  # fmt: skip
    return rows


def _plan_values(plan: list[dict], polys: dict[tuple, Poly], size: int) -> np.ndarray:
    """Each planned statistic for each fit: (fits, rows)."""
    out = np.empty((size, len(plan)))
    for j, row in enumerate(plan):
        poly = polys[row["key"]]
        out[:, j] = _evaluate(poly, row["at"]) if poly else 0.0
        if "minus" in row:
            out[:, j] -= _evaluate(poly, row["minus"])
    return out


# --------------------------------------------------------------------------- bootstrap


def _draw_indices(rng: np.random.Generator, n_units: int, size: int) -> np.ndarray:
    """Row (or cluster) numbers of ``size`` resamples: the bootstrap's only random draw."""
    # NumPy draws bounded 16-bit integers faster than 32-bit ones for a few thousand rows,
    # and about twice as slowly for tens of thousands (measured at 1,000-60,000 rows); the
    # choice depends on n_units only, so a seed always gives the same resamples.
    dtype = np.uint16 if n_units <= _SMALL_DRAW else np.int32
    return rng.integers(0, n_units, size=(size, n_units), dtype=dtype)


def _counts(idx: np.ndarray, parts: dict[int, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """How often each row (or cluster) occurs in each resample, as floats: ``idx`` (one
    resample per row) read as a sparse matrix with a 1 per draw, whose repeated entries
    add up when it is made dense -- one pass over the indices, 1.5-2 times faster than
    offsetting them for one ``np.bincount`` and converting its counts to floats (measured
    at 1,000 and 20,000 rows; the same counts, so the same results). ``parts`` keeps the
    ones and row pointers per chunk size."""
    from scipy import sparse

    size, n_units = idx.shape
    index = np.int32 if idx.size < np.iinfo(np.int32).max else np.int64
    if size not in parts:
        parts[size] = (np.ones(idx.size), np.arange(0, idx.size + 1, n_units, dtype=index))
    ones, indptr = parts[size]
    draws = sparse.csr_matrix(
        (ones, idx.reshape(-1).astype(index, copy=False), indptr), shape=(size, n_units)
    )
    return draws.toarray()


@dataclasses.dataclass
class _Boot:
    """What every chunk of resamples needs: the centred columns and their products."""

    z: np.ndarray  # [1, every term column (centred), outcomes]
    products: np.ndarray  # the rows' upper-triangle cross products (times the weights)
    full_var: np.ndarray
    eq_cols: list[tuple[list[int], int]]  # predictors (into z) and the outcome column
    logit: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # design, y, start
    weights: np.ndarray | None
    groups: np.ndarray | None
    n_units: int
    names: list[str]
    sd_cols: tuple[int, int]  # the columns of X (its first code) and Y in z
    csr_parts: dict = dataclasses.field(default_factory=dict)  # see _counts


def _boot_setup(eqs: list[_Eq], designs: list[np.ndarray], data: _Data, fits: list) -> _Boot:
    columns: dict[tuple, np.ndarray] = {}
    for eq, design in zip(eqs, designs, strict=True):
        for t, col in zip(eq.terms, design.T, strict=True):
            if t:
                columns.setdefault(t, col)
        columns.setdefault((eq.target,), data.atoms[eq.target])
    keys = list(columns)
    z = np.column_stack([np.ones(len(data.atoms["y"])), *columns.values()])
    w = data.weights
    z[:, 1:] -= np.average(z[:, 1:], axis=0, weights=w)  # the same slopes, better conditioned
    position = {key: i + 1 for i, key in enumerate(keys)}
    eq_cols = [([0, *[position[t] for t in eq.terms if t]], position[(eq.target,)]) for eq in eqs]
    mean = np.average(z[:, 1:], axis=0, weights=w)
    full_var = np.average((z[:, 1:] - mean) ** 2, axis=0, weights=w)
    logit = None
    if eqs[-1].family == "logit":
        logit = (designs[-1], data.atoms["y"], fits[-1]["beta"])
    n_units = len(z) if data.groups is None else int(data.groups.max()) + 1
    names = [_term_label(k, data.labels) for k in keys]
    sd_cols = (position[("x0",)], position[("y",)])
    return _Boot(
        z, boot._products(z, w), full_var, eq_cols, logit, w, data.groups, n_units, names, sd_cols
    )  # fmt: skip


def _logit_batch(
    design: np.ndarray, y: np.ndarray, freq: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Newton steps for a batch of weighted logistic regressions (one per row of
    ``freq``, the resampled rows' counts times weights); the coefficients and which
    failed (no convergence, separation)."""
    size, k = freq.shape[0], design.shape[1]
    iu, ju = np.triu_indices(k)
    outer = design[:, iu] * design[:, ju]
    beta = np.tile(start, (size, 1))
    active = np.ones(size, dtype=bool)
    failed = np.zeros(size, dtype=bool)
    for _ in range(_NEWTON_ITER):
        idx = np.flatnonzero(active)
        if not idx.size:
            break
        p = _expit(beta[idx] @ design.T)
        tri = (freq[idx] * p * (1 - p)) @ outer
        info = np.empty((idx.size, k, k))
        info[:, iu, ju], info[:, ju, iu] = tri, tri
        grad = (freq[idx] * (y - p)) @ design
        with np.errstate(divide="ignore", invalid="ignore"):  # a singular one: cond inf
            ok = np.linalg.cond(info) < 1e12
        step = np.zeros((idx.size, k))
        if ok.any():
            step[ok] = np.linalg.solve(info[ok], grad[ok][..., None])[..., 0]
        beta[idx] += step
        bad = ~ok | ~np.all(np.isfinite(beta[idx]), axis=1)
        size_now = 1 + np.max(np.abs(beta[idx]), axis=1)
        done = np.max(np.abs(step), axis=1) <= _NEWTON_TOL * size_now
        failed[idx[bad]] = True
        active[idx[bad | done]] = False
    failed |= active
    keep = np.flatnonzero(~failed)
    if keep.size:  # separation: every resampled outcome predicted exactly
        p = _expit(beta[keep] @ design.T)
        resid = np.where(freq[keep] > 0, np.abs(y - p), 0.0)
        failed[keep[resid.max(axis=1) < 1e-8]] = True
    return beta, failed


def _degenerate(gram: np.ndarray, st: _Boot, lost: np.ndarray) -> np.ndarray:
    """Which resamples cannot be fitted: a column lost its variation, or some equation's
    predictors are collinear -- :func:`cxresearch._bootstrap.degenerate`, with the
    covariances formed once for all equations (and each set of predictors checked once).
    ``lost`` counts the lost columns."""
    cov = boot._covariances(gram)
    var = np.einsum("bii->bi", cov)
    gone = var <= boot.VARIANCE_TOL * st.full_var[None, :]
    lost += gone.sum(axis=0)
    bad = gone.any(axis=1)
    ok = np.flatnonzero(~bad)
    if not ok.size:
        return bad
    cov_ok = cov if ok.size == len(cov) else cov[ok]
    sd = np.sqrt(var[ok])
    checked: set[tuple[int, ...]] = set()
    for preds, _ in st.eq_cols:
        idx = np.asarray(preds[1:]) - 1
        if idx.size < 2 or tuple(idx) in checked:
            continue
        checked.add(tuple(idx))
        if idx.size == 2:  # the eigenvalues of [[1, r], [r, 1]] are 1 -/+ |r|
            i, j = idx
            smallest = 1 - np.abs(cov_ok[:, i, j] / sd[:, i] / sd[:, j])
        else:  # eigenvalues only where the determinant cannot rule out a small one
            sub = cov_ok[:, idx[:, None], idx[None, :]]
            corr = sub / sd[:, idx, None] / sd[:, None, idx]
            smallest = np.ones(len(ok))
            near = np.flatnonzero(np.linalg.det(corr) < _DET_SCREEN)
            if near.size:
                smallest[near] = np.linalg.eigvalsh(corr[near])[:, 0]
        bad[ok[smallest < boot.EIGENVALUE_TOL]] = True
    return bad


def _boot_chunk(
    st: _Boot, rng: np.random.Generator, size: int
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """The cross products of ``size`` fresh resamples (their upper triangles: one matrix
    product of the row counts), and for a logistic outcome its coefficients and which
    resamples failed to converge."""
    freq = _counts(_draw_indices(rng, st.n_units, size), st.csr_parts)
    if st.groups is not None:
        freq = freq[:, st.groups]
    tri = freq @ st.products  # the upper triangles of the resamples' Z'FZ
    if st.logit is None:
        return tri, None, np.zeros(size, dtype=bool)
    design, y, start = st.logit
    if st.weights is not None:
        freq *= st.weights
    coef, failed = _logit_batch(design, y, freq, start)
    return tri, coef, failed


def _solve(
    st: _Boot, gram: np.ndarray, logit: np.ndarray | None, failed: np.ndarray, lost: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every equation's coefficients (concatenated) from a stack of resampled cross
    products, and which resamples are degenerate (``lost`` counts the columns that
    stopped varying)."""
    bad = _degenerate(gram, st, lost) | failed
    ok = np.flatnonzero(~bad)
    gram_ok = gram if ok.size == len(gram) else gram[ok]
    out = []
    for e, (preds, target) in enumerate(st.eq_cols):
        if logit is not None and e == len(st.eq_cols) - 1:
            out.append(logit)
            continue
        coef = np.full((len(gram), len(preds)), np.nan)
        if ok.size:
            pi = np.asarray(preds)
            lhs = gram_ok[:, pi[:, None], pi[None, :]]
            coef[ok] = np.linalg.solve(lhs, gram_ok[:, pi, target][..., None])[..., 0]
        out.append(coef)
    return np.concatenate(out, axis=1), bad


def _resample_sds(gram: np.ndarray, cols: Sequence[int]) -> np.ndarray:
    """Each resample's standard deviation of the columns ``cols`` of z from its cross
    products: ``(sum f z^2 - (sum f z)^2 / sum f) / (sum f - 1)`` (f: counts times weights)."""
    total = gram[:, 0, 0][:, None]
    idx = np.asarray(cols)
    sums, squares = gram[:, 0, idx], gram[:, idx, idx]
    return np.sqrt(np.maximum(squares - sums**2 / total, 0.0) / (total - 1))


def _bootstrap(st: _Boot, n_boot: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Coefficients of ``n_boot`` valid resamples (drawn in chunks from ``rng``; the
    degenerate ones drawn again), then each resample's SD of X and of Y (two more
    columns), and how many were redrawn."""
    chunk = max(_MIN_CHUNK, _CHUNK_CELLS // max(st.n_units, len(st.z)))
    lost = np.zeros(st.z.shape[1] - 1, dtype=int)

    def draw(slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        parts = [
            _boot_chunk(st, rng, min(chunk, slots.size - s)) for s in range(0, slots.size, chunk)
        ]
        tri = np.concatenate([p[0] for p in parts])
        r = st.z.shape[1]
        iu, ju = np.triu_indices(r)
        gram = np.empty((len(tri), r, r))
        gram[:, iu, ju] = tri
        gram[:, ju, iu] = tri
        logit = None if st.logit is None else np.concatenate([p[1] for p in parts])
        coef, bad = _solve(st, gram, logit, np.concatenate([p[2] for p in parts]), lost)
        return np.concatenate([coef, _resample_sds(gram, st.sd_cols)], axis=1), bad

    def refuse(n_bad: int, n_drawn: int) -> None:
        boot._refuse(st.z, st.names, lost, n_bad, n_drawn)

    return boot.redraw_degenerate(draw, n_boot, refuse)  # on one BLAS thread (the caller)


@functools.cache
def _blas_threads() -> Any:
    """The process's BLAS thread pools, which :func:`conditional_process` limits to one
    thread (found once: looking them up takes milliseconds)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


# --------------------------------------------------------------------------- tables


def _probe_values(data: _Data, roles: Mapping[str, Any], at: Any) -> dict[str, Any]:
    """The moderator values of the conditional effects: the user's, else the 16th, 50th
    and 84th percentiles (PROCESS 3 and later) or the mean and one SD either side; a
    moderator with two values at both; one of 3 or more groups at each group (or the
    groups chosen in ``at``), as :func:`_group_points`."""
    if isinstance(at, str):
        v.check_one_of(at, AT_RULES, "at")
        custom: dict = {}
        rule = at
    elif isinstance(at, Mapping):
        custom, rule = dict(at), "percentiles"
        columns = {roles[r]: r for r in ROLES if roles[r] is not None}
        bad = [k for k in custom if k not in columns]
        if bad:
            raise ValueError(
                f"at: {v.format_values(bad)} is not a moderator of the model; the moderators "
                f"are {v.format_values(list(columns)) if columns else 'none'}."
            )
        fixed = [k for k in custom if columns[k] in data.moderator_groups]
        if fixed:
            raise ValueError(
                f"at: {v.format_values(fixed)} is a categorical moderator, probed at both of its "
                f"groups (coded 0 and 1); leave it out of at."
            )
        custom = {
            columns[k]: val if columns[k] in data.moderator_codes
            else v.check_number_array(val, f"at[{k!r}]")
            for k, val in custom.items()
        }  # fmt: skip
    else:
        raise TypeError(
            f"at must be 'percentiles', 'mean_sd' or a dict from moderator columns to values, "
            f"got {at!r}."
        )
    probe: dict[str, Any] = {}
    for role in ROLES:
        if role in data.moderator_codes:
            probe[role] = _group_points(data, role, roles[role], custom.get(role))
            continue
        if role not in data.atoms:
            continue
        values = data.atoms[role]
        if role in custom:
            probe[role] = np.unique(np.atleast_1d(custom[role]))
        elif len(np.unique(values)) == 2:
            probe[role] = np.unique(values)
        elif rule == "percentiles":
            probe[role] = np.percentile(values, [16, 50, 84], method="weibull")
        else:
            mean, sd = values.mean(), values.std(ddof=1)
            probe[role] = np.array([mean - sd, mean, mean + sd])
    return probe


def _group_points(data: _Data, role: str, col: Any, chosen: Any) -> list[dict[str, Any]]:
    """A multicategorical moderator's probe points: each group (those ``chosen``, in the
    groups' order) with its codes, ``{"w": "gold", "w0": 0.0, "w1": 1.0}``."""
    table = data.moderator_codes[role]
    levels = list(table.iloc[:, 0])
    if chosen is not None:
        many = isinstance(chosen, Sequence | np.ndarray | pd.Index) and not isinstance(chosen, str)
        chosen = list(chosen) if many else [chosen]
        bad = [g for g in chosen if g not in levels]
        if bad or not chosen:
            raise ValueError(
                f"at[{col!r}]: {v.format_values(bad) if bad else 'no group'} is not a group of "
                f"the moderator {col!r}; choose among {v.format_values(levels, 12)}."
            )
    codes = table.iloc[:, 1:].to_numpy(dtype=float)
    return [
        {role: lev, **{f"{role}{j}": float(code) for j, code in enumerate(codes[i])}}
        for i, lev in enumerate(levels)
        if chosen is None or lev in chosen
    ]


def _route_label(route: tuple[int, ...], c: int, data: _Data) -> str:
    steps = [data.labels[f"x{c}"], *(data.labels[f"m{j}"] for j in route), data.labels["y"]]
    return " -> ".join(steps)


def _boot_rows(
    plan: list[dict], estimates: np.ndarray, draws: np.ndarray, routes: list, data: _Data,
    ci: float, method: str,
) -> list[dict]:  # fmt: skip
    lows, highs = np.full(len(plan), np.nan), np.full(len(plan), np.nan)
    if method == "percentile" and len(plan):
        cols = boot.percentile_columns(draws, ci)
        lows, highs = cols["ci_low"], cols["ci_high"]
    rows = []
    for j, row in enumerate(plan):
        c = row["code"]
        if method != "percentile":
            lows[j], highs[j] = boot.interval(draws[:, j], estimates[j], ci, method, None)
        at = _shown(row["at"])
        if "vary" in row:  # one route in two groups of a multicategorical moderator
            role = row["vary"]
            name, hi, lo = data.labels[role], row["at"][role], row["minus"][role]
            ind = f"ind{row['route'] + 1}"
            term = f"{ind}({name} = {hi}) - {ind}({name} = {lo})"
            path = _route_label(routes[row["route"]], c, data)
            at.pop(role)
        elif "minus" in row:  # one route at two values of its moderator
            (role, hi), (lo,) = *row["at"].items(), row["minus"].values()
            name = data.labels[role]
            ind = f"ind{row['route'] + 1}"
            term = f"{ind}({name} = {hi:.4g}) - {ind}({name} = {lo:.4g})"
            path = _route_label(routes[row["route"]], c, data)
        elif row["component"] == "contrast":
            r1, r2 = row["route"]
            term = f"ind{r1 + 1} - ind{r2 + 1}"
            chains = [" -> ".join(data.labels[f"m{j}"] for j in routes[i]) for i in (r1, r2)]
            path = f"({chains[0]}) minus ({chains[1]})"
        elif row["component"] == "total indirect":
            term, path = "total", f"{data.labels[f'x{c}']} -> all mediators -> {data.labels['y']}"
        else:
            term = f"ind{row['route'] + 1}" if row["component"] == "indirect" else row["kind"]
            path = _route_label(routes[row["route"]], c, data)
        moderator = None
        if row["component"] == "index":
            moderator = " x ".join(data.labels[r] for r in row["role"].split("*"))
        rows.append(
            {"component": row["component"], "term": term, "path": path, "moderator": moderator,
             "code": c, **at, "estimate": estimates[j],
             "std_error": float(draws[:, j].std(ddof=1)), "statistic": np.nan,
             "p_value": np.nan, "ci_low": lows[j], "ci_high": highs[j], "inference": "bootstrap"}
        )  # fmt: skip
    return rows


def _gradient(eq: _Eq, focal: str, at: Mapping[str, float]) -> np.ndarray:
    """d(slope of ``focal``)/d(coefficients) at moderator values ``at``."""
    g = np.zeros(len(eq.terms))
    for i, term in enumerate(eq.terms):
        if focal in term:
            g[i] = np.prod([at[a] for a in term if a != focal])
    return g


def _direct_rows(
    eqs: list[_Eq], fits: list[dict], data: _Data, probe: Mapping, ci: float
) -> list[dict]:
    """The (conditional) direct effects of each X code, with delta-method inference."""
    y_eq, fit = eqs[-1], fits[-1]
    df = fit["df"]
    crit = _critical(df, ci)
    rows = []
    for c in range(data.n_codes):
        poly = _slope(y_eq, fit["beta"][None, :], f"x{c}")
        for at in _grid(_roles_in(poly), probe):
            g = _gradient(y_eq, f"x{c}", at)
            est = float(g @ fit["beta"])
            se = float(np.sqrt(g @ fit["cov"] @ g))
            rows.append(
                {"component": "direct", "term": "c'" if data.n_mediators else "effect",
                 "path": f"{data.labels[f'x{c}']} -> {data.labels['y']}", "moderator": None,
                 "code": c, **_shown(at), "estimate": est, "std_error": se,
                 "statistic": est / se,
                 "p_value": float(_p_value(est / se, df)), "ci_low": est - crit * se,
                 "ci_high": est + crit * se, "inference": "t" if df is not None else "z"}
            )  # fmt: skip
    return rows


def _total_rows(data: _Data, robust: str | None, ci: float) -> list[dict]:
    """The total effect of X (Y on X and the covariates): unmoderated OLS models only."""
    eq = _Eq("y", [(), *[(f"x{c}",) for c in range(data.n_codes)]]
             + [(c,) for c in data.covariate_keys], "ols")  # fmt: skip
    design = _design_matrix(eq, data.atoms)
    fit = _ols(design, data.atoms["y"], data.weights, robust, data.groups, data.labels["y"])
    crit = _critical(fit["df"], ci)
    rows = []
    for c in range(data.n_codes):
        est, se = fit["beta"][1 + c], float(np.sqrt(fit["cov"][1 + c, 1 + c]))
        rows.append(
            {"component": "total", "term": "c", "path": f"{data.labels[f'x{c}']} -> "
             f"{data.labels['y']}", "moderator": None, "code": c, "estimate": est,
             "std_error": se, "statistic": est / se,
             "p_value": float(_p_value(est / se, fit["df"])),
             "ci_low": est - crit * se, "ci_high": est + crit * se, "inference": "t"}
        )  # fmt: skip
    return rows


def _effects_table(rows: list[dict], data: _Data) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    columns = ["component", "term", "path", "moderator"]
    if data.n_codes > 1 or data.x_codes is not None:
        table["x_code"] = [data.labels[f"x{c}"] for c in table["code"]]
        columns.append("x_code")
    columns += [r for r in ROLES if _role_atoms(data, r)]
    columns += ["estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high", "inference"]
    table = table.reindex(columns=columns)
    for col in ("estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"):
        table[col] = table[col].astype(float)
    return table


# --------------------------------------------------------------------------- J-N, omnibus


def _jn_roots(a: float, b: float, vaa: float, vab: float, vbb: float, c2: float) -> list:
    """Where (a + b m)^2 = c^2 (v_aa + 2 m v_ab + m^2 v_bb): the real roots, sorted."""
    qa, qb, qc = b * b - c2 * vbb, 2 * (a * b - c2 * vab), a * a - c2 * vaa
    if abs(qa) > 1e-14 * max(1.0, abs(qb), abs(qc)):
        disc = qb * qb - 4 * qa * qc
        if disc <= 0:
            return []
        return sorted([(-qb - np.sqrt(disc)) / (2 * qa), (-qb + np.sqrt(disc)) / (2 * qa)])
    return [-qc / qb] if qb != 0 else []


def _jn_regions(
    y_eq: _Eq, fit: dict, role: str, at: dict, data: _Data, ci: float
) -> tuple[list[dict], list[float]]:
    """The moderator's real line split at the Johnson-Neyman bounds, at ``at`` (the
    other moderator's value, if any)."""
    g0 = _gradient(y_eq, "x0", {role: 0.0, **at})
    dg = _gradient(y_eq, "x0", {role: 1.0, **at}) - g0
    beta, cov = fit["beta"], fit["cov"]
    a, b = float(g0 @ beta), float(dg @ beta)
    vaa, vab, vbb = float(g0 @ cov @ g0), float(g0 @ cov @ dg), float(dg @ cov @ dg)
    c2 = _critical(fit["df"], ci) ** 2
    roots = _jn_roots(a, b, vaa, vab, vbb, c2)
    mod = data.atoms[role]
    rows = []
    for lo, hi in itertools.pairwise([-np.inf, *roots, np.inf]):
        if np.isinf(lo) and np.isinf(hi):
            mid = 0.0
        elif np.isinf(lo) or np.isinf(hi):
            mid = hi - 1.0 if np.isinf(lo) else lo + 1.0
        else:
            mid = (lo + hi) / 2
        est, var = a + b * mid, vaa + 2 * mid * vab + mid * mid * vbb
        sig = bool(est * est > c2 * var)
        rows.append(
            {**_shown(at), "low": lo, "high": hi, "significant": sig,
             "sign": ("positive" if est > 0 else "negative") if sig else None,
             "share_of_data": float(np.average((mod >= lo) & (mod < hi), weights=data.weights))}
        )  # fmt: skip
    return rows, roots


def _johnson_neyman(
    eqs: list[_Eq], fits: list[dict], data: _Data, probe: Mapping, ci: float
) -> tuple[pd.DataFrame | None, tuple]:
    """Johnson-Neyman regions of the effect of a numeric X on Y along the moderator W of
    X -> Y (or Z, if it is the only one), where the effect is linear in it; with a second
    moderator, at each of its values (models 2, 3: ``.johnson_neyman`` gets its column).
    The bounds are returned for a single moderator only."""
    y_eq, fit = eqs[-1], fits[-1]
    poly = _slope(y_eq, fit["beta"][None, :], "x0")
    roles = _roles_in(poly)
    if data.n_codes != 1 or not roles:
        return None, ()
    role = "w" if "w" in roles else roles[0]
    if _degree(poly, role) != 1 or role in data.moderator_groups or role in data.moderator_codes:
        return None, ()  # a categorical moderator has its groups' conditional effects, no regions
    others = [r for r in roles if r != role]
    rows, bounds = [], []
    for at in _grid(others, probe):
        part, roots = _jn_regions(y_eq, fit, role, at, data, ci)
        rows += part
        bounds = roots
    return pd.DataFrame(rows), (tuple(float(r) for r in bounds) if not others else ())


def _omnibus(
    eqs: list[_Eq], fits: list[dict], designs: list, data: _Data, probe: Mapping
) -> pd.DataFrame | None:
    """A multicategorical X: are all its (conditional) direct effects 0? A Wald F (OLS) or
    chi-square test; without moderators of X -> Y and with a logistic outcome the
    likelihood-ratio test, as PROCESS prints them."""
    from scipy import stats

    if data.x_codes is None:
        return None
    y_eq, fit = eqs[-1], fits[-1]
    q = data.n_codes
    roles = _roles_in(_slope(y_eq, fit["beta"][None, :], "x0"))
    rows = []
    for at in _grid(roles, probe):
        grad = np.array([_gradient(y_eq, f"x{c}", at) for c in range(q)])
        est = grad @ fit["beta"]
        wald = float(est @ np.linalg.solve(grad @ fit["cov"] @ grad.T, est))
        if y_eq.family == "logit":
            stat, df2, test = wald, np.nan, "Wald chi2"
            if not roles and fit["covariance"] == "model-based":
                keep = [i for i, t in enumerate(y_eq.terms) if not any(a[0] == "x" for a in t)]
                reduced = _logit(
                    designs[-1][:, keep], data.atoms["y"], data.weights, None, None, "y"
                )
                stat = reduced["fit"]["minus2ll"] - fit["fit"]["minus2ll"]
                test = "LR chi2"
            p = float(stats.chi2.sf(stat, q))
        else:
            stat, df2, test = wald / q, fit["df"], "F"
            p = float(stats.f.sf(stat, q, df2))
        rows.append(
            {**_shown(at), "statistic": stat, "df1": q, "df2": df2, "p_value": p, "test": test}
        )
    table = pd.DataFrame(rows)
    if not roles and y_eq.family == "ols":  # PROCESS also prints the change in R-squared
        keep = [i for i, t in enumerate(y_eq.terms) if not any(a[0] == "x" for a in t)]
        reduced = _ols(designs[-1][:, keep], data.atoms["y"], data.weights, None, None, "y")
        change = fit["fit"]["r_squared"] - reduced["fit"]["r_squared"]
        table.insert(0, "r_squared_change", change)
    return table


def _interaction_tests(
    eqs: list[_Eq], fits: list[dict], data: _Data, x: Any
) -> pd.DataFrame | None:
    """A moderator of 3 or more groups: in each equation, are all the products of a focal
    predictor (X, every code of a multicategorical X, or a mediator) with the
    moderator's codes 0? A Wald F test (a chi-square for a logistic outcome) under the
    equation's covariance (robust where ``robust`` is set), PROCESS's test of the
    interaction; with ``"w*z"`` it tests the two-way products (at the other moderator's 0)."""
    from scipy import special

    rows = []
    for eq, fit in zip(eqs, fits, strict=True):
        focals = [({f"x{c}" for c in range(data.n_codes)}, str(x))]
        focals += [({f"m{j}"}, data.labels[f"m{j}"]) for j in range(data.n_mediators)]
        for role, table in data.moderator_codes.items():
            mods = set(_role_atoms(data, role))
            for focal, name in focals:
                idx = [
                    i for i, t in enumerate(eq.terms)
                    if len(t) == 2 and t[0] in focal and t[1] in mods
                ]  # fmt: skip
                if not idx:
                    continue
                est, cov = fit["beta"][idx], fit["cov"][np.ix_(idx, idx)]
                wald, q = float(est @ np.linalg.solve(cov, est)), len(idx)
                if eq.family == "logit":
                    stat, df2, test = wald, np.nan, "Wald chi2"
                    p = float(special.chdtrc(q, stat))
                else:
                    stat, df2, test = wald / q, fit["df"], "F"
                    p = float(special.fdtrc(q, df2, stat))
                label = f"{name}:{table.columns[0]}"
                rows.append(
                    {"equation": data.labels[eq.target], "interaction": label,
                     "terms": ", ".join(_term_label(eq.terms[i], data.labels) for i in idx),
                     "statistic": stat, "df1": q, "df2": df2, "p_value": p, "test": test}
                )  # fmt: skip
    return pd.DataFrame(rows) if rows else None


# --------------------------------------------------------------------------- public


def _probe_labels(probe: Mapping[str, Any], role: str) -> tuple:
    """The probe values of ``role`` as :attr:`ProcessResult.w_values` shows them: numbers,
    or a multicategorical moderator's groups."""
    return tuple(pt[role] if isinstance(pt, dict) else float(pt) for pt in probe.get(role, ()))


def _check_options(
    family: Any, robust: Any, cluster: Any, weights: Any, method: Any, x_coding: Any,
    n_boot: Any, ci: Any, missing: Any,
) -> tuple[str | None, str | None, int, float]:  # fmt: skip
    """Check the options; return the covariance of the OLS equations and of a logistic
    outcome's (``None``: model-based), n_boot and ci."""
    v.check_missing(missing)
    v.check_one_of(family, FAMILIES, "family")
    v.check_one_of(method, METHODS, "method")
    if x_coding is not None:
        v.check_one_of(x_coding, CODINGS, "x_coding")
    if robust not in ROBUST:
        raise ValueError(f"robust must be one of {v.format_values(ROBUST, 8)}, got {robust!r}.")
    asked = robust
    if robust == "auto":
        robust = "cluster" if cluster is not None else "HC3"
    if robust == "cluster" and cluster is None:
        raise ValueError(
            "cluster: robust='cluster' needs the column that identifies the clusters, e.g. "
            "cluster='customer_id'."
        )
    if cluster is not None and robust != "cluster":
        raise ValueError(
            f"cluster is used only with robust='cluster' (or 'auto'), got robust={robust!r}: "
            f"the bootstrap resamples clusters, and the regressions' standard errors are "
            f"clustered too."
        )
    if weights is not None and robust is None and family == "logit":
        raise ValueError(
            "robust: a weighted logistic regression needs robust standard errors ('auto', "
            "'HC0' or 'cluster'); model-based ones are wrong with sampling weights."
        )
    n_boot = v.check_resample_count(n_boot, "n_boot", minimum=100)
    logit_robust = "cluster" if robust == "cluster" else "HC0"
    if robust is None or (asked == "auto" and weights is None and cluster is None):
        logit_robust = None
    return robust, logit_robust, n_boot, v.check_level(ci)


def _standardized_rows(
    plan: list[dict], estimates: np.ndarray, draws: np.ndarray, sds: np.ndarray, routes: list,
    data: _Data, ci: float, method: str,
) -> list[dict]:  # fmt: skip
    """Partially (divided by SD(Y)) and, for a numeric X, completely standardized (times
    SD(X) / SD(Y)) indirect and total indirect effects, each resample standardized with
    its own SDs (``sds``: resamples x [X, Y]), as PROCESS's ``effsize`` option does."""
    keep = [j for j, row in enumerate(plan) if row["component"] in ("indirect", "total indirect")]
    sub = [plan[j] for j in keep]
    full = [_weighted_sd(data.atoms[a], data.weights) for a in ("x0", "y")]
    scales = {"partially standardized": (1 / full[1], 1 / sds[:, 1])}
    if data.x_codes is None:
        scales["completely standardized"] = (full[0] / full[1], sds[:, 0] / sds[:, 1])
    rows = []
    for kind, (scale, boot_scale) in scales.items():
        part = _boot_rows(sub, estimates[keep] * scale, draws[:, keep] * boot_scale[:, None],
                          routes, data, ci, method)  # fmt: skip
        rows += [{**row, "component": kind} for row in part]
    return rows


def _weighted_sd(values: np.ndarray, w: np.ndarray | None) -> float:
    """The SD with divisor n - 1 (with weights: their sum - 1, as for frequency weights)."""
    w = np.ones(len(values)) if w is None else w
    mean = float(np.average(values, weights=w))
    return float(np.sqrt(w @ (values - mean) ** 2 / (w.sum() - 1)))


def _check_standardized(standardized: Any, paths: dict, family: str, mediators: list) -> bool:
    """Standardized indirect effects are defined (as in PROCESS) for unmoderated indirect
    paths of a continuous outcome."""
    if not v.check_bool(standardized, "standardized"):
        return False
    why = None
    if not mediators:
        why = "the model has no mediator, so no indirect effect"
    elif paths.get("a") or paths.get("b"):
        why = f"the indirect effects are moderated ({_paths_text(paths)})"
    elif family != "ols":
        why = "the outcome is binary (family='logit'): its effects are on the log-odds scale"
    if why:
        raise ValueError(
            f"standardized=True: standardized indirect effects are defined for unmoderated "
            f"indirect paths and a continuous outcome (models 4, 5 and 6); here {why}."
        )
    return True


def _inference(
    eqs: list[_Eq], fits: list[dict], designs: list, data: _Data, routes: list, probe: dict,
    n_boot: int, rng: np.random.Generator, ci: float, method: str, standardized: bool = False,
) -> tuple[list[dict], int, int]:  # fmt: skip
    """The bootstrapped rows (indirect effects, totals, contrasts, indices), the number of
    resamples drawn and of those redrawn."""
    if not routes:
        return [], 0, 0
    betas0 = [fit["beta"][None, :] for fit in fits]
    polys0 = _effect_polys(eqs, betas0, data.n_codes, routes)
    plan = _plan(polys0, data.n_codes, routes, probe, list(data.moderator_codes))
    estimates = _plan_values(plan, polys0, 1)[0]
    k_max = max(len(eq.terms) for eq in eqs)
    if data.groups is None:
        boot.check_rows(len(data.atoms["y"]), k_max, "a conditional process model")
    elif int(data.groups.max()) + 1 < 2:
        raise ValueError("cluster: the bootstrap resamples clusters and needs at least 2.")
    st = _boot_setup(eqs, designs, data, fits)
    coefs, n_redrawn = _bootstrap(st, n_boot, rng)
    coefs, sds = coefs[:, :-2], coefs[:, -2:]
    splits = np.cumsum([len(eq.terms) for eq in eqs])[:-1]
    betas = np.split(coefs, splits, axis=1)
    draws = _plan_values(plan, _effect_polys(eqs, betas, data.n_codes, routes), n_boot)
    rows = _boot_rows(plan, estimates, draws, routes, data, ci, method)
    if standardized:
        rows += _standardized_rows(plan, estimates, draws, sds, routes, data, ci, method)
    return rows, n_boot, n_redrawn


def conditional_process(
    data: pd.DataFrame,
    *,
    model: int | None = None,
    x: Hashable,
    m: Hashable | Sequence[Hashable] | None = None,
    y: Hashable,
    w: Hashable | None = None,
    z: Hashable | None = None,
    moderated: Mapping[str, str | Sequence[str]] | None = None,
    serial: bool = False,
    covariates: Hashable | Sequence[Hashable] | None = None,
    at: str | Mapping[Hashable, Any] = "percentiles",
    family: str = "ols",
    x_coding: str | None = None,
    as_numeric: Hashable | Sequence[Hashable] | None = None,
    robust: str | None = "auto",
    cluster: Hashable | None = None,
    weights: Hashable | None = None,
    n_boot: int = 5000,
    ci: float = 0.95,
    method: str = "percentile",
    standardized: bool = False,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    missing: str = "raise",
) -> ProcessResult:
    """Conditional process analysis: the PROCESS models, or any moderated path model.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent (or visit, with ``cluster``). Not modified.
    model : int, optional
        A PROCESS model number: 1-22, 28, 29, 58-73, 75 or 76 (:data:`MODELS` lists which paths
        W and Z moderate in each). Give ``model`` or ``moderated``, not both.
    x : str
        The predictor X: numeric, or categorical (text, a pandas Categorical, True/False,
        or numbers with ``x_coding``) for a multicategorical X.
    m : str or list of str, optional
        The mediator(s), numeric; parallel, or serial (in causal order) in model 6 and
        with ``serial=True``. Models 1-3 have none.
    y : str
        The outcome Y: numeric, or binary with ``family="logit"``.
    w, z : str, optional
        The moderators W and Z, as PROCESS names them in each model (:data:`MODELS`):
        numeric, or categorical (text, a pandas Categorical, True/False). Two groups are
        coded 0 for the first group (sorted; a Categorical keeps its order) and 1 for the
        second -- the table's ``w``/``z`` hold the code and ``moderator`` names the group
        coded 1 (``"tier[gold]"``). Three to ten groups enter as indicator codes against
        the first group (PROCESS's ``mcw=1``): the effects are conditional on each group
        (the table's ``w``/``z`` hold the group), each index of moderated mediation is
        one code's (``moderator="tier[gold]"``: gold minus the first group), the groups'
        conditional indirect effects are compared pairwise (``component="contrast"``)
        and ``.interaction`` tests the codes' products jointly. No Johnson-Neyman regions
        for a categorical moderator.
    moderated : dict, optional
        Your own path model: ``{"a": ..., "b": ..., "direct": ...}``, each ``"w"``,
        ``"z"``, ``"w + z"`` (both, separately) or ``"w*z"`` (with their interaction);
        ``"a"`` moderates every X -> M path, ``"b"`` every M -> Y path, ``"direct"`` X ->
        Y. ``{"a": "w", "b": "w"}`` is model 58; ``{}`` or ``None`` with mediators is
        model 4 (or 6 with ``serial=True``).
    serial : bool, default False
        Serial mediators: each mediator depends on X and the ones before it.
    covariates : str or list of str, optional
        Covariates entered in every equation (PROCESS's default); categorical ones
        (text, Categorical, True/False) are dummy-coded against their first level.
    at : "percentiles", "mean_sd" or dict, default "percentiles"
        Moderator values of the conditional effects: the 16th, 50th and 84th
        percentiles (PROCESS 3 and later), the mean and one SD either side, or
        ``{column: values}`` (others by percentiles). A moderator with two values is
        probed at both; one of 3 or more groups at each group, or at the groups named
        in ``{column: [groups]}``.
    family : {"ols", "logit"}, default "ols"
        The outcome's equation: OLS, or a logistic regression for a binary Y (the larger
        value is coded 1); the mediators' equations are always OLS.
    x_coding : {"indicator", "sequential", "helmert"}, optional
        Codes of a multicategorical X (PROCESS's ``mcx`` 1, 2, 3); default indicator
        coding for a categorical column. The groups are sorted (a Categorical keeps its
        order); the first is the reference.
    as_numeric : str or list of str, optional
        Columns among ``x``, ``m`` and ``y`` to analyse as numeric though a linear model
        may misread them: a binary mediator or (OLS) outcome, an X of 3 or 4 whole-number
        values.
    robust : {"auto", None, "HC0", "HC1", "HC2", "HC3", "HC4", "cluster"}, default "auto"
        Standard errors of the OLS equations (as in :func:`cxresearch.fit_drivers`):
        ``"auto"`` is ``"cluster"`` with ``cluster`` and HC3 otherwise; ``None`` is the
        classical covariance, PROCESS's default (``hc=`` off). HC4 is Cribari-Neto's.
        A logistic outcome uses the inverse information (``None``, and ``"auto"`` without
        weights) or the HC0 sandwich (any HC choice, or weights), or the cluster sandwich.
    cluster : str, optional
        Clusters of rows (e.g. the customer behind several visits): the bootstrap
        resamples whole clusters and the regressions get cluster-robust (CR1) standard
        errors with t(G - 1) inference.
    weights : str, optional
        Survey weights (finite, non-negative): every equation is weighted least squares
        (a weighted logit), and each resampled row keeps its weight. Rows of weight 0
        are left out (``n`` counts the others).
    n_boot : int, default 5000
        Bootstrap resamples (100 to 10**6); models 1-3 have nothing to bootstrap.
    ci : float, default 0.95
        Confidence level of every interval.
    method : {"percentile", "bc"}, default "percentile"
        Bootstrap interval: percentile (PROCESS 3 and later) or bias-corrected.
    standardized : bool, default False
        Also report the partially standardized indirect effects (divided by the SD of
        Y) and, for a numeric X, the completely standardized ones (times SD(X) / SD(Y)),
        with bootstrap intervals, each resample standardized with its own SDs (PROCESS's
        ``effsize``). Defined for unmoderated indirect paths and a continuous Y (models
        4, 5 and 6). SDs have divisor n - 1 (with weights: their sum - 1).
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Randomness of the bootstrap.
    missing : {"raise", "listwise"}, default "raise"
        Missing values raise ``ValueError``; ``"listwise"`` drops incomplete rows and
        counts them in ``n_dropped``.

    Returns
    -------
    ProcessResult
        ``.table``: every effect -- the total effect (unmoderated OLS models), the
        (conditional) direct effects with t (z) tests, the specific and total indirect
        effects (conditional at the moderator values where moderated), the indices of
        moderated mediation, the pairwise contrasts of specific indirect effects (at each
        moderator value) and, where a moderator acts on both a and b, of each conditional
        indirect effect across the moderator's values, with bootstrap SEs and intervals.
        ``.coefficients`` and ``.fit``: each equation, as PROCESS prints it.
        ``.johnson_neyman``, ``.omnibus``, ``.x_codes`` where they apply. ``summary()``
        shows them all.

    Raises
    ------
    TypeError
        A column name that is not one name, a non-numeric column (X, W, Z and covariates
        may be categorical), a badly typed option.
    ValueError
        A column missing, constant or used twice; a moderator the model lacks or needs;
        a model number not supported (the message lists them); more than 3 serial
        mediators; a categorical moderator of more than ten groups or with a group of
        one row; missing values with ``missing="raise"``; a binary outcome or mediator
        not named (see ``family``, ``as_numeric``); too few rows; collinear terms.
    cxresearch.ConvergenceError
        The logistic regression does not converge (separation).

    Notes
    -----
    Each mediator :math:`M_j = i_j + a_j(W, Z) X + \\ldots` and the outcome :math:`Y =
    i_y + c'(W, Z) X + \\sum_j b_j(W, Z) M_j + \\ldots`, where each slope is linear in
    the moderators acting on its path (with :math:`WZ` for ``"w*z"``). The conditional
    indirect effect through :math:`M_j` is :math:`a_j(W, Z)\\, b_j(W, Z)` (serial:
    :math:`a_1 d_{21} b_2`, ...). Where it is linear in a moderator, its derivative is
    the index of moderated mediation (Hayes 2015) -- partial when another moderator acts
    additively, conditional at the other moderator's values when they interact, whose
    own derivative is the index of moderated moderated mediation (Hayes 2018). Where a
    moderator acts on both a and b (models 58, 59, ...) the indirect effect is quadratic
    in it and has no such index; compare its conditional values instead. Direct effects:
    :math:`g'\\hat\\beta` with SE :math:`\\sqrt{g'Vg}` (:math:`g` the derivative with
    respect to the coefficients). A binary Y's equation is on the log-odds scale, so are
    its b paths and the indirect effects (as in PROCESS). A moderator of :math:`g \\ge 3`
    groups is its :math:`g - 1` indicator codes :math:`D_1, \\ldots`: a moderated slope
    is :math:`a_1 + \\sum_k a_{3k} D_k`, so the conditional effect in group :math:`k` is
    :math:`a_1 + a_{3k}` and, where only one path is moderated, the index for code
    :math:`k` (:math:`a_{3k} b`) is the difference between group :math:`k`'s and the
    reference group's conditional indirect effect (Hayes & Montoya 2017).

    References
    ----------
    Hayes, A. F. (2015). An index and test of linear moderated mediation. *Multivariate
    Behavioral Research*, 50(1), 1-22.

    Hayes, A. F. (2018). Partial, conditional, and moderated moderated mediation.
    *Communication Monographs*, 85(1), 4-40.

    Hayes, A. F. (2022). *Introduction to Mediation, Moderation, and Conditional Process
    Analysis* (3rd ed.). Guilford Press.

    Hayes, A. F., & Montoya, A. K. (2017). A tutorial on testing, visualizing, and probing
    an interaction involving a multicategorical variable in linear regression analysis.
    *Communication Methods and Measures*, 11(1), 1-30.

    Cribari-Neto, F. (2004). Asymptotic inference under heteroskedasticity of unknown
    form. *Computational Statistics & Data Analysis*, 45(2), 215-233.

    Examples
    --------
    >>> rng = np.random.default_rng(7)
    >>> d = pd.DataFrame({"staff": rng.normal(size=400), "crowding": rng.normal(size=400)})
    >>> d["satisfaction"] = (0.5 - 0.3 * d["crowding"]) * d["staff"] + rng.normal(size=400)
    >>> d["loyalty"] = 0.6 * d["satisfaction"] + 0.1 * d["staff"] + rng.normal(size=400)
    >>> res = conditional_process(
    ...     d,
    ...     model=7,
    ...     x="staff",
    ...     m="satisfaction",
    ...     y="loyalty",
    ...     w="crowding",
    ...     n_boot=1000,
    ...     seed=1,
    ... )
    >>> res.table[["component", "term", "w", "estimate", "ci_low", "ci_high"]].round(2)
      component                 term     w  estimate  ci_low  ci_high
    0    direct                   c'   NaN      0.10   -0.03     0.23
    1  indirect                 ind1 -1.04      0.60    0.48     0.73
    2  indirect                 ind1 -0.11      0.38    0.29     0.48
    3  indirect                 ind1  0.82      0.16    0.06     0.27
    4     index  moderated mediation   NaN     -0.24   -0.32    -0.15

    The same model stated by its paths (W moderates X -> M), with mean +/- SD probes:

    >>> same = conditional_process(
    ...     d, x="staff", m="satisfaction", y="loyalty", w="crowding",
    ...     moderated={"a": "w"}, at="mean_sd", n_boot=1000, seed=1,
    ... )  # fmt: skip
    >>> same.model, same.paths, same.n_boot, same.n_redrawn
    (7, 'a: w', 1000, 0)

    A moderator of three groups (a Categorical keeps its order; the first group is the
    reference): the indirect effect in each group, and the groups compared pairwise:

    >>> bands = [-np.inf, -0.5, 0.5, np.inf]
    >>> d["rush"] = pd.cut(d["crowding"], bands, labels=["quiet", "normal", "busy"])
    >>> groups = conditional_process(
    ...     d, model=7, x="staff", m="satisfaction", y="loyalty", w="rush", n_boot=1000, seed=1,
    ... )  # fmt: skip
    >>> rows = groups.table.query("component in ['indirect', 'contrast']")
    >>> rows[["term", "w", "estimate", "ci_low", "ci_high"]].round(2)
                                           term       w  estimate  ci_low  ci_high
    1                                      ind1   quiet      0.54    0.40     0.68
    2                                      ind1  normal      0.49    0.37     0.62
    3                                      ind1    busy     -0.02   -0.17     0.12
    6  ind1(rush = normal) - ind1(rush = quiet)     NaN     -0.06   -0.21     0.11
    7    ind1(rush = busy) - ind1(rush = quiet)     NaN     -0.56   -0.76    -0.37
    8   ind1(rush = busy) - ind1(rush = normal)     NaN     -0.50   -0.71    -0.33
    >>> groups.interaction[["equation", "interaction", "statistic", "df1", "df2"]].round(1)
           equation interaction  statistic  df1  df2
    0  satisfaction  staff:rush       18.8    2  394
    """
    data = v.check_dataframe(data)
    robust, logit_robust, n_boot, ci = _check_options(
        family, robust, cluster, weights, method, x_coding, n_boot, ci, missing
    )
    rng = v.make_rng(seed)
    number, paths, serial = _resolve_paths(model, moderated, serial)
    mediators, covs = _check_roles(data, x, m, y, w, z, covariates, weights, cluster)
    _check_structure(number, paths, serial, mediators, w, z)
    numeric = v.as_column_list(as_numeric, "as_numeric")
    bad = [c for c in numeric if c not in [x, *mediators, y]]
    if bad:
        raise ValueError(
            f"as_numeric: {v.format_values(bad)} is not x, a mediator or y; it names columns "
            f"among {v.format_values([x, *mediators, y], 10)} to analyse as numeric."
        )
    if number is None:
        number = _matching_model(paths, serial, bool(mediators))
    roles = {"x": x, "m": mediators, "y": y, "w": w, "z": z, "covariates": covs}
    roles |= {"weights": weights, "cluster": cluster}
    prepared = _prepare(data, roles, family, x_coding, numeric, missing)
    eqs = _equations(prepared, paths, serial, family)
    n = len(prepared.atoms["y"])
    k_max = max(len(eq.terms) for eq in eqs)
    if n < k_max + 2:
        raise ValueError(
            f"too few rows: {n} complete row(s) for equations with up to {k_max} "
            f"coefficients; at least {k_max + 2} are needed (and many more in practice)."
        )
    # one BLAS thread: the bootstrap's products are many and small, and a second thread
    # mostly spins waiting for a core on a busy machine (5-10 times slower there)
    with _blas_threads().limit(limits=1, user_api="blas"):
        fits, designs = _fit_all(eqs, prepared, robust, logit_robust)
        probe = _probe_values(prepared, roles, at)
        routes = _routes(prepared.n_mediators, serial) if mediators else []
        rows = _direct_rows(eqs, fits, prepared, probe, ci)
        if not paths and family == "ols":
            rows = _total_rows(prepared, robust, ci) + rows
        standardized = _check_standardized(standardized, paths, family, mediators)
        boot_rows, n_boot_used, n_redrawn = _inference(
            eqs, fits, designs, prepared, routes, probe, n_boot, rng, ci, method, standardized
        )
        jn, bounds = _johnson_neyman(eqs, fits, prepared, probe, ci)
        omnibus = _omnibus(eqs, fits, designs, prepared, probe)
        interaction = _interaction_tests(eqs, fits, prepared, x)
    return ProcessResult(
        table=_effects_table(rows + boot_rows, prepared),
        coefficients=_coefficient_table(eqs, fits, prepared.labels, ci),
        fit=_fit_table(eqs, fits, prepared.labels, n),
        johnson_neyman=jn,
        omnibus=omnibus,
        interaction=interaction,
        x_codes=prepared.x_codes,
        model=number,
        paths=_paths_text(paths),
        serial=serial,
        x=x,
        m=tuple(mediators),
        y=y,
        w=w,
        z=z,
        covariates=tuple(covs),
        family=family,
        y_event=prepared.y_event,
        robust=robust,
        w_values=_probe_labels(probe, "w"),
        z_values=_probe_labels(probe, "z"),
        jn_bounds=bounds,
        n=n,
        n_dropped=int(prepared.n_dropped),
        n_clusters=0 if prepared.groups is None else int(prepared.groups.max()) + 1,
        n_boot=n_boot_used,
        n_redrawn=int(n_redrawn),
        method=method,
        ci=ci,
    )
