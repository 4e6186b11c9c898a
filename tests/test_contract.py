"""The contract on randomness (CONTRIBUTING, item 2), checked on every public function.

Every public function or method with a ``seed`` parameter annotates it the same way and
accepts the same values: an int, a ``numpy.random.SeedSequence``, a
``numpy.random.Generator`` or ``None``. ``SeedSequence(k)`` gives what ``k`` gives (one
stream), a Generator in the same state gives the same result twice, and a bad seed
fails with the same message everywhere. A new function with a ``seed`` needs a small
call in ``CALLS`` below (the first test says so).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import cxresearch as cx

#: The one annotation of ``seed`` (the modules use ``from __future__ import annotations``,
#: so it is this string everywhere).
SEED = "int | np.random.Generator | np.random.SeedSequence | None"


def _public_callables() -> Iterator[tuple[str, Callable[..., Any]]]:
    """(owner, function): the public names, their classes' public methods, and the
    names used through their module (``cx.widgets.moderator_figure``)."""
    for name in cx.__all__:
        obj = getattr(cx, name)
        if inspect.ismodule(obj):
            continue
        if inspect.isclass(obj):
            for method, fn in inspect.getmembers(obj, predicate=inspect.isfunction):
                if not method.startswith("_") and fn.__module__.startswith("cxresearch"):
                    yield f"{name}.{method}", fn
        elif callable(obj):
            yield name, obj
    for module, names in cx._SUBMODULE_ONLY.items():
        for name in names:
            obj = getattr(importlib.import_module(f"cxresearch.{module}"), name)
            if callable(obj) and not inspect.isclass(obj):
                yield f"{module}.{name}", obj


SEEDED = {
    owner: fn for owner, fn in _public_callables() if "seed" in inspect.signature(fn).parameters
}


# ------------------------------------------------------------------ small calls


def _drivers(with_gaps: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    d = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
    d["y"] = d @ [0.5, 0.3, 0.1] + rng.normal(size=60)
    if with_gaps:
        d.loc[[3, 8, 20], "b"] = np.nan
    return d


PLS_MODEL = """
COMP =~ comp_1 + comp_2 + comp_3
LIKE =~ like_1 + like_2 + like_3
CUSA =~ cusa
CUSA ~ COMP + LIKE
"""


def _study(rng: np.random.Generator, n: int) -> dict[str, float]:
    return {"estimate": float(rng.normal(size=n).mean())}


def _report(seed: Any, tmp_path, monkeypatch) -> Any:
    """cx.report up to the notebook: the seed it hands to papermill."""
    from cxresearch import reporting

    class Stop(Exception):
        pass

    handed: list[Any] = []

    def execute(parameters, *args):
        handed.append(parameters["seed"])
        raise Stop

    monkeypatch.setattr(reporting._run, "_execute", execute)
    path = tmp_path / "survey.csv"
    if not path.exists():
        cx.load_dataset("cx_survey").to_csv(path, index=False)
    with pytest.raises(Stop):
        cx.report(path, outcome="satisfaction", drivers=["service", "price"],
                  out=tmp_path / "out", seed=seed, progress=False)  # fmt: skip
    return handed[-1]


_NPS = pd.DataFrame({"likelihood_to_recommend": [10, 9, 9, 8, 7, 6, 3, 10] * 5})
_PLS: list[Any] = []


def _bootstrap(seed: Any) -> Any:
    if not _PLS:
        _PLS.append(cx.pls(cx.load_dataset("corp_rep_data"), PLS_MODEL, missing="mean"))
    return _PLS[0].bootstrap(n_boot=5, seed=seed)


# owner -> a small call (seed, tmp_path, monkeypatch) -> result; each runs 8 times.
CALLS: dict[str, Callable[..., Any]] = {
    "PLSResult.bootstrap": lambda s, *_: _bootstrap(s),
    "SEMResult.bootstrap": lambda s, *_: cx.sem(  # issue 23
        cx.load_dataset("mobi"), "IMAG =~ IMAG1 + IMAG2 + IMAG3; CUSA1 ~ a*IMAG; ab := 2*a"
    ).bootstrap(20, seed=s),
    "PLSResult.fit_test": lambda s, *_: (_bootstrap(s), _PLS[0].fit_test(n_boot=5, seed=s))[1],
    "PLSResult.predict": lambda s, *_: (_bootstrap(s), _PLS[0].predict(3, 2, seed=s))[1],
    "micom": lambda s, *_: cx.micom(
        cx.load_dataset("corp_rep_data"),
        PLS_MODEL,
        by="servicetype",
        n_perm=10,
        seed=s,
        missing="mean",
    ),  # fmt: skip
    "complaint_levers": lambda s, *_: cx.complaint_levers(300, 2, seed=s),
    "dominance_analysis": lambda s, *_: cx.dominance_analysis(_drivers(), y="y", n_boot=20, seed=s),
    "fit_drivers": lambda s, *_: cx.fit_drivers(
        _drivers(with_gaps=True), "y ~ a + b + c", missing="mice", n_imputations=2, seed=s
    ),
    "funnel_vs_journey": lambda s, *_: cx.funnel_vs_journey(n_customers=50, n_cycles=1, seed=s),
    "mediation_analysis": lambda s, *_: cx.mediation_analysis(
        _drivers(), x="a", m="b", y="y", n_boot=100, seed=s
    ),
    "conditional_process": lambda s, *_: cx.conditional_process(
        _drivers(), model=7, x="a", m="b", y="y", w="c", n_boot=100, seed=s
    ),
    "nps": lambda s, *_: cx.nps(_NPS, method="bootstrap", n_boot=100, seed=s),
    "pls_mga": lambda s, *_: cx.pls_mga(
        cx.load_dataset("corp_rep_data"),
        PLS_MODEL,
        by="servicetype",
        n_perm=10,
        seed=s,
        missing="mean",
    ),  # fmt: skip
    "power_interaction": lambda s, *_: cx.power_interaction(
        [200], n_sims=2, seed=s, progress=False
    ),
    "power_main_effect": lambda s, *_: cx.power_main_effect(
        [200], n_sims=2, seed=s, progress=False
    ),
    "relative_weights": lambda s, *_: cx.relative_weights(_drivers(), y="y", n_boot=20, seed=s),
    "report": _report,
    "simulate_clv": lambda s, *_: cx.simulate_clv(
        margin=100, retention=0.8, discount=0.1, n_customers=50, seed=s
    ),
    "simulate_consideration": lambda s, *_: cx.simulate_consideration(
        n_customers=50, n_cycles=1, seed=s
    ),
    "simulate_journeys": lambda s, *_: cx.simulate_journeys(
        cx.journey_transition_matrix(), n_customers=5, start="pre_purchase:web", seed=s
    ),
    "simulate_panel": lambda s, *_: cx.simulate_panel(30, 2, seed=s),
    "simulate_survey": lambda s, *_: cx.simulate_survey(30, seed=s),
    "simulate_recovery": lambda s, *_: cx.simulate_recovery(30, seed=s),  # issue 21
    "simulation_study": lambda s, *_: cx.simulation_study(
        _study, {"n": [5]}, n_sims=3, seed=s, n_jobs=1, progress=False
    ),
    "widgets.moderator_explorer": lambda s, *_: cx.widgets.moderator_explorer(
        n_customers=100, seed=s
    ),
    "widgets.moderator_figure": lambda s, *_: cx.widgets.moderator_figure(
        n_customers=100, n_periods=2, seed=s
    ),
    "widgets.situation_explorer": lambda s, *_: cx.widgets.situation_explorer(
        n_customers=100, seed=s
    ),
    "widgets.situation_figure": lambda s, *_: cx.widgets.situation_figure(
        n_customers=100, n_periods=2, seed=s
    ),
}


def _numbers(result: Any) -> list[Any]:
    """What two results are compared by: their tables (``.table``, ``.data``), the data
    drawn in a figure, the seed handed on; nothing for a widget (it draws on request)."""
    if isinstance(result, pd.DataFrame | int):
        return [result]
    frames = [getattr(result, f, None) for f in ("table", "data")]
    if any(isinstance(f, pd.DataFrame) for f in frames):
        return [f for f in frames if isinstance(f, pd.DataFrame)]
    axes = np.ravel(result)
    if axes.size and hasattr(axes[0], "get_lines"):
        return [np.asarray(line.get_ydata(), float) for ax in axes for line in ax.get_lines()]
    return []


def _same(a: Any, b: Any) -> None:
    a, b = _numbers(a), _numbers(b)
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y)
        else:
            np.testing.assert_array_equal(x, y)


# ------------------------------------------------------------------------ tests


def test_every_seed_is_annotated_the_same_way():
    annotations = {
        owner: str(inspect.signature(fn).parameters["seed"].annotation)
        for owner, fn in SEEDED.items()
    }
    assert {owner: a for owner, a in annotations.items() if a != SEED} == {}
    assert len(SEEDED) >= 20  # the search found them (a broken search finds none)
    assert set(SEEDED) == set(CALLS), "a function with a seed needs a small call in CALLS"


@pytest.mark.parametrize("owner", sorted(SEEDED))
def test_seed_accepts_an_int_a_seed_sequence_and_a_generator(owner, tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")

    def call(seed: Any) -> Any:
        return CALLS[owner](seed, tmp_path, monkeypatch)

    by_int = call(5)
    sequence = np.random.SeedSequence(5)
    _same(by_int, call(sequence))  # SeedSequence(5) is the stream of 5
    _same(by_int, call(sequence))  # and using it does not advance it
    _same(call(np.random.default_rng(5)), call(np.random.default_rng(5)))
    call(None)
    with pytest.raises(ValueError, match="^seed must be a non-negative integer, got -1"):
        call(-1)
    with pytest.raises(
        TypeError,
        match=r"^seed must be None, an int, a numpy.random.SeedSequence or a "
        r"numpy.random.Generator, got str",
    ):
        call("5")


# ------------------------------------------------------------------ missing data
#
# One argument for missing values everywhere, ``missing=``: "raise" (the default),
# "listwise" (drop incomplete rows, count them in n_dropped), and where a method has
# them "mean" (PLS) or "mice" (fit_drivers). The error for a missing value names it.

_GROUPS = ["A"] * 12 + ["B"] * 12


def _answers() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    d = pd.DataFrame(
        {
            "store": _GROUPS,
            "likelihood_to_recommend": rng.integers(0, 11, 24).astype(float),
            "rating": rng.integers(1, 6, 24).astype(float),
            "spend": rng.normal(50, 10, 24),
        }
    )
    d.loc[[2, 15], ["likelihood_to_recommend", "rating", "spend"]] = np.nan
    return d


def _ratings() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    d = pd.DataFrame(rng.integers(1, 6, size=(120, 3)), columns=["a", "b", "c"]).astype(float)
    d["y"] = d.sum(axis=1) + rng.normal(size=120)
    d.loc[[5, 50], "b"] = np.nan
    return d


_CORP: list[pd.DataFrame] = []


def _corp() -> pd.DataFrame:  # corp_rep_data: NaN in cusa and the cusl items
    if not _CORP:
        _CORP.append(cx.load_dataset("corp_rep_data"))
    return _CORP[0]


_CUSL = ["cusl_1", "cusl_2", "cusl_3"]
_CONSTRUCTS = {"LIKE": ["like_1", "like_2", "like_3"], "CUSL": _CUSL}
_CFA = "LIKE =~ like_1 + like_2 + like_3\nCUSL =~ cusl_1 + cusl_2 + cusl_3"

# owner -> a call on data with missing values, taking ``missing``
MISSING_CALLS: dict[str, Callable[[Any], Any]] = {
    "nps": lambda m: cx.nps(_answers(), by="store", missing=m),
    "nps_test": lambda m: cx.nps_test(_answers(), by="store", missing=m),
    "csat": lambda m: cx.csat(_answers(), score="rating", missing=m),
    "csat_test": lambda m: cx.csat_test(_answers(), score="rating", by="store", missing=m),
    "ces": lambda m: cx.ces(_answers(), score="rating", missing=m),
    "top_box": lambda m: cx.top_box(_answers(), score="rating", missing=m),
    "top_box_test": lambda m: cx.top_box_test(_answers(), score="rating", by="store", missing=m),
    "mean_test": lambda m: cx.mean_test(_answers(), score="spend", by="store", missing=m),
    "likert_table": lambda m: cx.likert_table(_answers(), items=["rating"], missing=m),
    "cronbach_alpha": lambda m: cx.cronbach_alpha(_corp(), items=_CUSL, missing=m),
    "item_statistics": lambda m: cx.item_statistics(_corp(), items=_CUSL, missing=m),
    "factor_loadings": lambda m: cx.factor_loadings(_corp(), constructs=_CONSTRUCTS, missing=m),
    "composite_reliability": lambda m: cx.composite_reliability(
        _corp(), constructs=_CONSTRUCTS, missing=m
    ),
    "ave": lambda m: cx.ave(_corp(), constructs=_CONSTRUCTS, missing=m),
    "htmt": lambda m: cx.htmt(_corp(), constructs=_CONSTRUCTS, missing=m),
    "fornell_larcker": lambda m: cx.fornell_larcker(_corp(), constructs=_CONSTRUCTS, missing=m),
    "reliability_table": lambda m: cx.reliability_table(_corp(), constructs=_CONSTRUCTS, missing=m),
    "dominance_analysis": lambda m: cx.dominance_analysis(_ratings(), y="y", missing=m),
    "conditional_dominance": lambda m: cx.conditional_dominance(_ratings(), y="y", missing=m),
    "complete_dominance": lambda m: cx.complete_dominance(_ratings(), y="y", missing=m),
    "relative_weights": lambda m: cx.relative_weights(_ratings(), y="y", missing=m),
    "importance_performance": lambda m: cx.importance_performance(
        _ratings(), y="y", x=["a", "b", "c"], missing=m
    ),
    "penalty_reward": lambda m: cx.penalty_reward(
        _ratings(), y="y", x=["a", "b", "c"], low=2, high=4, missing=m
    ),
    "mediation_analysis": lambda m: cx.mediation_analysis(
        _drivers(with_gaps=True), x="a", m="b", y="y", n_boot=100, seed=1, missing=m
    ),
    "conditional_process": lambda m: cx.conditional_process(
        _drivers(with_gaps=True), model=4, x="a", m="b", y="y", n_boot=100, seed=1, missing=m
    ),
    "fit_drivers": lambda m: cx.fit_drivers(_drivers(with_gaps=True), "y ~ a + b", missing=m),
    "pls": lambda m: cx.pls(_corp(), PLS_MODEL, missing=m),
    "pls_mga": lambda m: cx.pls_mga(_corp(), PLS_MODEL, by="servicetype", n_perm=10, missing=m),
    "micom": lambda m: cx.micom(_corp(), PLS_MODEL, by="servicetype", n_perm=10, missing=m),
    "cfa": lambda m: cx.cfa(_corp(), _CFA, missing=m),
    "sem": lambda m: cx.sem(_corp(), _CFA + "\nCUSL ~ LIKE", missing=m),
    "invariance": lambda m: cx.invariance(
        _corp(), _CFA, by="servicetype", steps=("configural",), missing=m
    ),
    "plot_nps": lambda m: cx.plot_nps(_answers(), by="store", missing=m),
    "plot_likert": lambda m: cx.plot_likert(_answers(), items=["rating"], missing=m),
    "plot_item_correlations": lambda m: cx.plot_item_correlations(
        _corp(), constructs=_CONSTRUCTS, missing=m
    ),
}
#: The values beyond "raise" and "listwise", where a method has them.
MORE_MISSING = {
    "pls": ("mean",),
    "pls_mga": ("mean",),
    "micom": ("mean",),
    "fit_drivers": ("mice",),
    "cfa": ("fiml",),
    "sem": ("fiml",),
    "invariance": ("fiml",),  # issue 23
}

WITH_MISSING = {
    owner: fn for owner, fn in _public_callables() if "missing" in inspect.signature(fn).parameters
}


def test_missing_values_have_one_argument_everywhere():
    old = {
        owner: name
        for owner, fn in _public_callables()
        for name in inspect.signature(fn).parameters
        if name in {"dropna", "impute"}
    }
    assert old == {}
    bad = {
        owner: (str(p.annotation), p.default)
        for owner, fn in WITH_MISSING.items()
        if (p := inspect.signature(fn).parameters["missing"]).annotation != "str"
        or p.default != "raise"
    }
    assert bad == {}
    assert len(WITH_MISSING) >= 30  # the search found them
    assert set(WITH_MISSING) == set(MISSING_CALLS), "add a call to MISSING_CALLS"


def _n_dropped(owner: str, result: Any) -> int | None:
    """The rows dropped, as the result reports them; None where there is no place for
    them (a figure, complete_dominance's square table, pls_mga's n_1 and n_2)."""
    if isinstance(result, pd.DataFrame) and owner != "complete_dominance":
        return int(result["n_dropped"].max())
    if hasattr(result, "n_dropped"):
        return int(result.n_dropped)
    return None


@pytest.mark.parametrize("owner", sorted(MISSING_CALLS))
def test_missing_raise_names_the_argument_and_listwise_counts(owner):
    import matplotlib

    matplotlib.use("Agg")
    call = MISSING_CALLS[owner]
    allowed = ("raise", "listwise", *MORE_MISSING.get(owner, ()))
    with pytest.raises(ValueError, match=r"missing value.*Pass missing='listwise' to "):
        call("raise")
    dropped = _n_dropped(owner, call("listwise"))
    assert dropped is None or dropped > 0
    if owner == "pls_mga":
        result = call("listwise")
        assert result.n_1 + result.n_2 < len(_corp())
    for extra in MORE_MISSING.get(owner, ()):
        call(extra)
    with pytest.raises(TypeError, match=r"dropna=True is now missing='listwise'"):
        call(True)
    listed = ", ".join(repr(a) for a in allowed)
    with pytest.raises(ValueError, match=rf"^missing must be one of \[{listed}\], got 'drop'"):
        call("drop")


# Every parameter name of a public function or of a public method of a public class. A
# new name is added here on purpose, after checking that the idea has no name yet; the
# synonyms below are the names an idea must not get (one name per idea).
PARAMETER_NAMES = {
    "a", "absolute", "acquisition_gain", "acquisition_rate", "advertising_rate", "annot",
    "answer", "argv", "as_numeric", "asymmetry", "at", "ax", "axes", "b", "backend",
    "batch_size", "buy", "by", "by_customer", "carryover", "channel", "channel_mix",
    "channels", "ci", "cluster", "codebook", "cohorts", "columns", "constructs",
    "covariates", "crowding_x_hedonic", "csat", "customer", "customers", "cut", "cuts",
    "cycle", "data", "design_effect", "development_cost", "development_periods", "digits",
    "discount", "drivers", "drop_prob", "effect", "entry_prob", "estimate", "estimator",
    "eval_env", "exercise_id", "factor_correlation", "family", "feeling", "fixed_cost",
    "focal", "formula", "grid", "groups", "high", "horizon", "importance", "initial_size",
    "interaction", "interval", "investment", "items", "items_per_construct", "label",
    "labels", "launch_cost", "levels", "link", "loading_range", "loadings", "loop_back",
    "low", "m", "margin", "margin_of_error", "margin_rate", "market_size", "max_iter",
    "max_steps", "method", "min_items", "missing", "model", "moderator", "n_boot",
    "n_brands", "n_customers", "n_cycles", "n_imputations", "n_jobs", "n_paths",
    "n_periods", "n_perm", "n_points", "n_research_steps", "n_respondents", "n_sims",
    "n_stores", "name", "neutral", "new_customers", "normalize", "notebook", "nps",
    "offline", "online", "order", "out", "outcome", "p", "p_detractors", "p_digits",
    "p_promoters", "p_value", "parameter", "params", "path", "peak", "peak_weight",
    "period", "prevention", "price", "profit", "progress", "purchase", "pyramid", "q",
    "reach", "reach_rate", "recovery", "research", "resource", "result", "retention",
    "retention_change", "retention_gain", "retention_rate", "returned", "robust", "rule",
    "sales", "scale", "scale_points", "scales", "scheduler", "scheme", "score", "scores",
    "seed", "size", "skew", "spend", "spend_change", "stage", "stages", "standardized",
    "start", "states", "step", "stickiness", "strength", "study", "table", "targets", "term",
    "tier", "tiers", "timing", "tol", "top", "touchpoint", "transition", "truth",
    "unit_cost", "weights", "x", "y", "steps", "bypass", "bypass_label", "raw", "reverse",
    "checkpoint", "errors",
    "lang", "pdf",  # the report's language and its PDF (issue 20)
    # cx.conditional_process (issue 21): PROCESS's moderators W and Z, the moderated
    # paths of a model stated directly, serial mediators, the codes of a categorical X
    "w", "z", "moderated", "serial", "x_coding",
    "free",  # cx.invariance (issue 23): parameters left free across groups (partial invariance)
    "regions", "non_invariant",  # simulate_survey (issue 23): a region measured differently
    "ordered",  # cx.cfa (issue 23): the ordinal items (polychoric correlations, WLSMV)
    # cx.pls (issue 22): consistent PLS; the bootstrap's sign-change option; PLSpredict's
    # folds, repetitions and prediction technique (direct or earliest antecedents)
    "consistent", "sign_changes", "n_folds", "n_repeats", "technique",
    "interaction_method",  # cx.pls: two-stage, product-indicator or orthogonal terms
    "higher_order",  # cx.pls: disjoint / embedded two-stage or repeated indicators
}  # fmt: skip
SYNONYMS = {  # banned name -> the house name of the idea
    "alpha": "ci", "level": "ci", "conf_level": "ci", "confidence": "ci",
    "random_state": "seed", "rng": "seed", "weight": "weights", "group": "by or groups",
    "dropna": "missing", "impute": "missing", "na_action": "missing",
    "scaled": "standardized", "standardize": "standardized",
    "margin_of_error_pts": "margin_of_error", "n_bootstrap": "n_boot", "iterations": "max_iter",
}  # fmt: skip
# The same word for another idea, where the synonym rule would misread it.
HOMONYMS = {("exercises.hint", "level"): "the hint's step (1 a nudge, 2 the method)"}


def test_one_name_per_idea_in_public_signatures_and_methods():
    """Every parameter name is on the whitelist; no idea goes by a banned synonym."""
    unknown, banned = [], []
    for owner, fn in _public_callables():
        params = inspect.signature(fn).parameters
        for p in params:
            if p in {"self", "cls", "kwargs"}:
                continue
            if (owner, p) in HOMONYMS:
                continue
            if p in SYNONYMS:
                banned.append(f"{owner}({p}): write {SYNONYMS[p]}")
            elif p not in PARAMETER_NAMES:
                unknown.append(f"{owner}({p})")
        if "ci" in params and params["ci"].default not in (0.95, inspect.Parameter.empty):
            banned.append(f"{owner}(ci={params['ci'].default})")
    assert banned == []
    assert unknown == [], "new parameter names: add them to PARAMETER_NAMES on purpose"
    assert not set(SYNONYMS) & PARAMETER_NAMES


def test_dir_lists_public_names_only():
    names = dir(cx)
    assert set(names) == set(cx.__all__)
    for private in ("Any", "annotations", "importlib"):
        assert private not in names
