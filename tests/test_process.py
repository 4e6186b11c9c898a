"""Tests for cxresearch.process: against pyprocessmacro, statsmodels and pingouin.

pyprocessmacro (MIT, a test-only extra, never imported by the package) is run in the same
process on the same rows. Its bootstrap draws its resample indices from its own
``bootstrap_sampler``; the tests record the indices ``conditional_process`` draws (by
wrapping ``cxresearch.process._draw_indices``) and hand pyprocessmacro exactly those, so
both bootstrap the same resamples and the percentile intervals must agree to 1e-8.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxresearch as cx
from cxresearch import process
from cxresearch.process import MODELS, ProcessResult, conditional_process

TOL = 1e-8  # against pyprocessmacro (its own Newton tolerance for the logit)
SM_TOL = 1e-10  # against statsmodels
#: The models the issue names; each is also checked on the bundled cx_survey data.
NAMED = (1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 58, 59)
COLUMNS = ["estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]


# --------------------------------------------------------------------------- data


def _simulated(n: int = 300, seed: int = 3, k: int = 2) -> pd.DataFrame:
    """X, moderators W and Z, a covariate, k mediators and Y, with moderated paths."""
    rng = np.random.default_rng(seed)
    d = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "w": rng.normal(size=n) + 1,
            "z": rng.uniform(0, 3, size=n),
            "c1": rng.normal(size=n),
        }
    )
    for j in range(k):
        a = 0.4 + 0.2 * d["w"] - 0.1 * d["z"]
        d[f"m{j}"] = a * d["x"] + 0.3 * d["w"] + 0.2 * d["c1"] + rng.normal(size=n)
    d["y"] = 0.3 * d["x"] + 0.1 * d["z"] * d["x"] + rng.normal(size=n)
    for j in range(k):
        d["y"] += 0.4 * d[f"m{j}"] * (1 + 0.1 * d["w"])
    return d


_SURVEY: list[pd.DataFrame] = []


def _cx_survey() -> pd.DataFrame:
    """The bundled cx_survey as scale means (four items each)."""
    if not _SURVEY:
        raw = cx.load_dataset("cx_survey")
        scales = ["service", "atmosphere", "assortment", "price", "satisfaction", "loyalty"]
        _SURVEY.append(
            pd.DataFrame({s: raw[[f"{s}_{i}" for i in range(1, 5)]].mean(axis=1) for s in scales})
        )
    return _SURVEY[0]


def _roles(model: int) -> set[str]:
    return {r for text in MODELS[model].values() for r in re.findall("[wz]", text)}


# --------------------------------------------------------------------------- the peer


def _pp_roles(model: int, w: str | None, z: str | None) -> dict[str, str]:
    """pyprocessmacro's letters (PROCESS 2.16): models 1-3 call W "m" and Z "w"; models
    14-20 call W "v" and Z "q"; models with W on a and another on b call the second "v"."""
    if model <= 3:
        roles = {"m": w, "w": z}
    elif 14 <= model <= 20:
        roles = {"v": w, "q": z}
    elif model in (21, 22, 28, 29, 64, 65, 66, 67, 70, 71):
        roles = {"w": w, "v": z}
    else:
        roles = {"w": w, "z": z}
    return {k: col for k, col in roles.items() if col is not None}


@contextmanager
def _shared_resamples(monkeypatch) -> Iterator[list[np.ndarray]]:
    """Record the resamples conditional_process draws; pyprocessmacro then draws them."""
    import pyprocessmacro.bootstrap

    drawn: list[np.ndarray] = []
    original = process._draw_indices

    def record(rng, n_units, size):
        idx = original(rng, n_units, size)
        drawn.append(idx)
        return idx

    def sampler(n_obs, seed=None):
        yield from np.concatenate(drawn)

    monkeypatch.setattr(process, "_draw_indices", record)
    monkeypatch.setattr(pyprocessmacro.bootstrap, "bootstrap_sampler", sampler)
    yield drawn


def _pyprocessmacro(data: pd.DataFrame, model: int, **kwargs: Any) -> Any:
    from pyprocessmacro import Process

    options = {"spotlight": "percentiles", "percent": True, "suppr_init": True}
    options["convergence"] = 1e-12
    with warnings.catch_warnings():
        # pyprocessmacro's own deprecation and pandas warnings are not this package's
        warnings.simplefilter("ignore")
        return Process(data, model=model, **options, **kwargs)


def _both(
    monkeypatch, data: pd.DataFrame, model: int, *, x: str, m: list[str], y: str, w: Any,
    z: Any, covariates: list[str], n_boot: int = 200, **extra: Any,
) -> tuple[ProcessResult, Any]:  # fmt: skip
    """conditional_process (classical SEs, as PROCESS by default) and pyprocessmacro on
    the same data and resamples."""
    with _shared_resamples(monkeypatch):
        res = conditional_process(
            data, model=model, x=x, m=m if model > 3 else None, y=y, w=w, z=z,
            covariates=covariates, robust=None, n_boot=n_boot, seed=5, **extra,
        )  # fmt: skip
        kwargs = _pp_roles(model, w, z)
        if model > 3:
            kwargs["m"] = m
        unmoderated = model in (4, 6)
        pp = _pyprocessmacro(
            data, model, x=x, y=y, controls=covariates, boot=n_boot, contrast=unmoderated,
            total=unmoderated, **kwargs,
        )  # fmt: skip
    return res, pp


def _close(a: Any, b: Any, tol: float = TOL) -> None:
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=0, atol=tol)


def _select(table: pd.DataFrame, row: pd.Series, mods: dict[str, str]) -> pd.DataFrame:
    """Rows of ``table`` at pyprocessmacro's moderator values (``mods``: role -> column)."""
    for role, col in mods.items():
        if col in row and pd.notna(row[col]) and role in table:
            table = table[np.isclose(table[role], row[col], rtol=0, atol=1e-12)]
    return table


def _compare_equations(res: ProcessResult, tidy: pd.DataFrame, glance: pd.DataFrame) -> None:
    ours = res.coefficients
    theirs = tidy[tidy["component"] == "outcome"]
    assert len(ours) == len(theirs)
    for _, row in theirs.iterrows():
        factors = {"Intercept"} if row["term"] == "Cons" else set(row["term"].split("*"))
        eq = ours[ours["equation"] == row["outcome"]]
        hit = eq[[set(t.split(":")) == factors for t in eq["term"]]]
        assert len(hit) == 1, (row["outcome"], row["term"], list(eq["term"]))
        peer = [row[c] for c in ("estimate", "std_error", "statistic", "p_value")]
        _close(hit[COLUMNS[:4]].to_numpy()[0], peer)
        _close(hit[["ci_low", "ci_high"]].to_numpy()[0], [row["conf_low"], row["conf_high"]])
    for _, row in glance.iterrows():
        fit = res.fit[res.fit["equation"] == row["outcome"]].iloc[0]
        if row["estimator"] == "ols":
            _close(
                fit[["r_squared", "mse", "statistic", "df1", "df2", "p_value"]].to_numpy(float),
                row[["r_squared", "mse", "f_statistic", "df_model", "df_resid", "p_value"]]
                .to_numpy(float),
            )  # fmt: skip
        else:
            _close(
                fit[["lr_statistic", "mcfadden", "cox_snell", "nagelkerke"]].to_numpy(float),
                row[["lr_statistic", "mcfadden", "cox_snell", "nagelkerke"]].to_numpy(float),
            )


def _compare_effects(res: ProcessResult, tidy: pd.DataFrame, mods: dict[str, str]) -> int:
    """Direct and indirect effects, totals and contrasts; returns rows compared."""
    table, compared = res.table, 0
    pairs = [("direct", "direct"), ("indirect", "indirect"), ("total", "total indirect"),
             ("contrast", "contrast")]  # fmt: skip
    for component, ours_component in pairs:
        theirs = tidy[tidy["component"] == component]
        ours = table[table["component"] == ours_component]
        if theirs.empty and component in ("total", "contrast"):
            continue  # pyprocessmacro has them for models 4 and 6 only
        assert len(ours) == len(theirs), component
        for i, (_, row) in enumerate(theirs.iterrows()):
            if component == "indirect":
                term = row["term"]
                path = term if "->" in term else f"{res.x} -> {term} -> {res.y}"
                hit = _select(ours[ours["path"] == path], row, mods)
            elif component == "direct":
                hit = _select(ours, row, mods)
            else:
                hit = ours.iloc[[i]]
            assert len(hit) == 1, (component, row.to_dict())
            _close(hit[["estimate", "std_error"]].to_numpy()[0], row[["estimate", "std_error"]])
            _close(hit[["ci_low", "ci_high"]].to_numpy()[0], row[["conf_low", "conf_high"]])
            compared += 1
    return compared


def _compare_indices(res: ProcessResult, tidy: pd.DataFrame, mods: dict[str, str]) -> int:
    """The indices of (partial, conditional, moderated) moderated mediation."""
    kinds = {
        "index_mm": "moderated mediation",
        "index_pmm": "partial moderated mediation",
        "index_cmm": "conditional moderated mediation",
        "index_mmm": "moderated moderated mediation",
    }
    ours = res.table[res.table["component"] == "index"]
    theirs = tidy[tidy["component"].isin(list(kinds))]
    named = {col: role for role, col in mods.items()}
    for _, row in theirs.iterrows():
        hit = ours[(ours["term"] == kinds[row["component"]])]
        hit = hit[hit["path"] == f"{res.x} -> {row['term']} -> {res.y}"]
        if row["component"] != "index_mmm":
            hit = hit[hit["moderator"] == row["moderator"]]
        if row["component"] == "index_cmm":
            other = [r for c, r in named.items() if c != row["moderator"]][0]
            at = row[mods[other]]
            hit = hit[np.isclose(hit[other], at, rtol=0, atol=1e-12)]
        assert len(hit) == 1, row.to_dict()
        _close(hit[["estimate", "std_error"]].to_numpy()[0], row[["estimate", "std_error"]])
        _close(hit[["ci_low", "ci_high"]].to_numpy()[0], row[["conf_low", "conf_high"]])
    return len(theirs)


def _check_against_pyprocessmacro(
    monkeypatch, data: pd.DataFrame, model: int, names: dict[str, Any]
) -> ProcessResult:
    roles = _roles(model)
    w = names["w"] if "w" in roles else None
    z = names["z"] if "z" in roles else None
    res, pp = _both(
        monkeypatch, data, model, x=names["x"], m=names["m6"] if model == 6 else names["m"],
        y=names["y"], w=w, z=z, covariates=names["covariates"],
    )  # fmt: skip
    assert res.model == model
    tidy = pp.tidy()
    _compare_equations(res, tidy, pp.glance())
    mods = {r: c for r, c in (("w", w), ("z", z)) if c is not None}
    assert _compare_effects(res, tidy, mods) > 0
    n_indices = _compare_indices(res, tidy, mods)
    if model not in (58, 59, *range(60, 77)):  # where PROCESS reports its indices
        assert n_indices == (res.table["component"] == "index").sum()
    return res


SIMULATED = {"x": "x", "m": ["m0", "m1"], "m6": ["m0", "m1", "m2"], "y": "y", "w": "w",
             "z": "z", "covariates": ["c1"]}  # fmt: skip
SURVEY = {"x": "service", "m": ["satisfaction", "atmosphere"],
          "m6": ["atmosphere", "satisfaction"], "y": "loyalty", "w": "price",
          "z": "assortment", "covariates": []}  # fmt: skip


# --------------------------------------------------------------------------- pyprocessmacro


@pytest.mark.parametrize("model", sorted(MODELS))
def test_every_model_matches_pyprocessmacro_on_simulated_data(model, monkeypatch):
    data = _simulated(k=3 if model == 6 else 2)
    _check_against_pyprocessmacro(monkeypatch, data, model, SIMULATED)


@pytest.mark.parametrize("model", NAMED)
def test_named_models_match_pyprocessmacro_on_cx_survey(model, monkeypatch):
    res = _check_against_pyprocessmacro(monkeypatch, _cx_survey(), model, SURVEY)
    assert res.n == 1000 and res.n_boot == (0 if model <= 3 else 200)


def test_bias_corrected_interval_is_the_interpolated_pyprocessmacro_interval(monkeypatch):
    """pyprocessmacro's BC bounds are order statistics (``method="lower"``/``"higher"``);
    ours interpolate linearly at the same quantile, so they lie within theirs and within
    one order-statistic step of them."""
    data = _simulated()
    with _shared_resamples(monkeypatch):
        res = conditional_process(
            data, model=7, x="x", m=["m0", "m1"], y="y", w="w", robust=None, n_boot=500,
            seed=2, method="bc",
        )  # fmt: skip
        pp = _pyprocessmacro(data, 7, x="x", m=["m0", "m1"], y="y", w="w", boot=500)
    # pyprocessmacro's percent=True was asked above; its BC comes from the same draws:
    from pyprocessmacro.utils import bias_corrected_ci

    draws = pp.indirect_model._boot_betas_m  # (mediators, resamples, terms)
    b = pp.indirect_model._boot_betas_y
    names = pp.indirect_model._exog_terms_m
    terms_y = pp.indirect_model._exog_terms_y
    index = draws[0][:, names.index("x*w")] * b[:, terms_y.index("m1")]
    ours = res.table[(res.table["term"] == "moderated mediation")].iloc[0]
    est = ours["estimate"]
    low, high = bias_corrected_ci(est, index, 95)
    assert low <= ours["ci_low"] + 1e-12 and ours["ci_high"] <= high + 1e-12
    gaps = np.diff(np.sort(index))
    assert ours["ci_low"] - low <= gaps.max() and high - ours["ci_high"] <= gaps.max()


def test_binary_outcome_matches_pyprocessmacro_logit(monkeypatch):
    data = _simulated(n=400, seed=4)
    data["yb"] = (data["y"] + np.random.default_rng(1).normal(size=400) > 1.0).astype(int)
    with _shared_resamples(monkeypatch):
        res = conditional_process(
            data, model=7, x="x", m=["m0", "m1"], y="yb", w="w", covariates="c1",
            family="logit", robust=None, n_boot=200, seed=5,
        )  # fmt: skip
        pp = _pyprocessmacro(
            data, 7, x="x", m=["m0", "m1"], y="yb", w="w", controls=["c1"], logit=True, boot=200
        )
    tidy = pp.tidy()
    _compare_equations(res, tidy, pp.glance())
    assert _compare_effects(res, tidy, {"w": "w"}) == 7
    assert _compare_indices(res, tidy, {"w": "w"}) == 2
    assert res.fit["covariance"].tolist() == ["classical", "classical", "model-based"]
    assert "log-odds of yb = 1" in str(res.summary())


def test_omnibus_test_of_a_multicategorical_x_with_a_binary_outcome_is_pyprocessmacros_lr():
    data = _simulated(n=300, seed=9)
    data["group"] = np.repeat(["a", "b", "c"], 100)
    data["yb"] = (data["y"] + data["group"].map({"a": 0, "b": 0.5, "c": 1.0}) > 1.5).astype(int)
    res = conditional_process(data, model=4, x="group", m="m0", y="yb", family="logit",
                              robust=None, n_boot=100, seed=1)  # fmt: skip
    pp = _pyprocessmacro(data, 4, x="group", m=["m0"], y="yb", mcx="indicator", logit=True,
                         boot=100)  # fmt: skip
    peer = pp.direct_model.omnibus_test()
    assert res.omnibus["test"][0] == "LR chi2" and res.omnibus["statistic"][0] > 0
    _close(res.omnibus[["statistic", "df1", "p_value"]].to_numpy(float)[0],
           peer[["Chi-sq", "df", "p"]].to_numpy(float)[0])  # fmt: skip


@pytest.mark.parametrize("coding", ["indicator", "sequential", "helmert"])
def test_multicategorical_x_matches_pyprocessmacro(coding, monkeypatch):
    data = _simulated(n=360, seed=6)
    data["group"] = np.repeat(["basic", "plus", "premium"], 120)
    data["m0"] += data["group"].map({"basic": 0.0, "plus": 0.4, "premium": 0.8})
    with _shared_resamples(monkeypatch):
        res = conditional_process(
            data, model=8, x="group", m="m0", y="y", w="w", covariates="c1",
            x_coding=coding, robust=None, n_boot=200, seed=5,
        )  # fmt: skip
        pp = _pyprocessmacro(
            data, 8, x="group", m=["m0"], y="y", w="w", controls=["c1"], mcx=coding, boot=200
        )
    assert res.x_codes["group"].tolist() == ["basic", "plus", "premium"]
    np.testing.assert_array_equal(res.x_codes.iloc[:, 1:].to_numpy(), pp.categorical["x"].matrix)
    tidy = pp.tidy()
    # pyprocessmacro labels the codes X1, X2; ours are group[plus], group[premium]
    labels = dict(zip(["X1", "X2"], ["group[plus]", "group[premium]"], strict=True))
    theirs = tidy[tidy["component"] == "outcome"].copy()
    theirs["term"] = theirs["term"].replace(labels, regex=True)
    ours = res.coefficients
    for _, row in theirs.iterrows():
        factors = {"Intercept"} if row["term"] == "Cons" else set(row["term"].split("*"))
        hit = ours[(ours["equation"] == row["outcome"])]
        hit = hit[[set(t.split(":")) == factors for t in hit["term"]]]
        _close(hit[["estimate", "std_error", "p_value"]].to_numpy()[0],
               row[["estimate", "std_error", "p_value"]])  # fmt: skip
    for component, ours_component in [("direct", "direct"), ("indirect", "indirect"),
                                      ("index_mm", "index")]:  # fmt: skip
        part = tidy[tidy["component"] == component]
        mine = res.table[res.table["component"] == ours_component]
        assert len(part) == len(mine) > 0
        for _, row in part.iterrows():
            code = labels[row["x_code"] if component != "direct" else row["term"]]
            hit = _select(mine[mine["x_code"] == code], row, {"w": "w"})
            assert len(hit) == 1
            _close(hit[["estimate", "std_error", "ci_low", "ci_high"]].to_numpy()[0],
                   row[["estimate", "std_error", "conf_low", "conf_high"]])  # fmt: skip
    for _, row in res.omnibus.iterrows():  # the test of equal conditional means, at W
        peer = pp.direct_model.omnibus_test(at={"w": row["w"]})
        _close([row["statistic"], row["p_value"]], peer[["F", "p"]].to_numpy()[0])


def test_omnibus_test_of_an_unmoderated_multicategorical_x_matches_pyprocessmacro():
    data = _simulated(n=300, seed=8)
    data["group"] = np.repeat(["a", "b", "c"], 100)
    res = conditional_process(
        data, model=4, x="group", m="m0", y="y", robust=None, n_boot=100, seed=1
    )
    pp = _pyprocessmacro(data, 4, x="group", m=["m0"], y="y", mcx="indicator", boot=100)
    peer = pp.direct_model.omnibus_test()
    _close(res.omnibus[["r_squared_change", "statistic", "df1", "df2", "p_value"]].to_numpy()[0],
           peer[["R2-chng", "F", "df1", "df2", "p"]].to_numpy()[0])  # fmt: skip
    # and statsmodels: the F test of the two codes in the outcome's equation
    fit = smf.ols("y ~ C(group) + m0", data).fit()
    test = fit.f_test("C(group)[T.b] = 0, C(group)[T.c] = 0")
    _close([res.omnibus["statistic"][0], res.omnibus["p_value"][0]],
           [float(test.fvalue), float(test.pvalue)], SM_TOL)  # fmt: skip


# --------------------------------------------------------------------------- statsmodels


def _formula_terms(term: str) -> frozenset[str]:
    return frozenset(["Intercept"] if term == "Intercept" else term.split(":"))


def _check_equation(res: ProcessResult, equation: str, fit: Any, tol: float = SM_TOL) -> None:
    """One equation's table and fit statistics against a statsmodels fit."""
    ours = res.coefficients[res.coefficients["equation"] == equation]
    params = {_formula_terms(t): t for t in fit.params.index}
    assert len(ours) == len(params)
    ci = fit.conf_int()
    for _, row in ours.iterrows():
        name = params[_formula_terms(row["term"])]
        peer = [fit.params[name], fit.bse[name], fit.tvalues[name], fit.pvalues[name],
                ci.loc[name, 0], ci.loc[name, 1]]  # fmt: skip
        _close(row[COLUMNS].to_numpy(float), peer, tol)


@pytest.mark.parametrize("robust", [None, "HC0", "HC1", "HC2", "HC3"])
def test_every_equation_matches_statsmodels_ols(robust):
    data = _simulated(n=250, seed=11)
    res = conditional_process(
        data, model=59, x="x", m=["m0", "m1"], y="y", w="w", covariates="c1",
        robust=robust, n_boot=100, seed=1,
    )  # fmt: skip
    kwargs = {} if robust is None else {"cov_type": robust, "use_t": True}
    for eq, formula in [("m0", "m0 ~ x*w + c1"), ("m1", "m1 ~ x*w + c1"),
                        ("y", "y ~ x*w + m0*w + m1*w + c1")]:  # fmt: skip
        fit = smf.ols(formula, data).fit(**kwargs)
        _check_equation(res, eq, fit)
        row = res.fit[res.fit["equation"] == eq].iloc[0]
        _close([row["r_squared"], row["mse"], row["statistic"], row["p_value"]],
               [fit.rsquared, fit.mse_resid, fit.fvalue, fit.f_pvalue])  # fmt: skip
        assert row["covariance"] == (robust or "classical")


def test_hc4_is_cribari_netos_estimator_by_hand():
    data = _simulated(n=120, seed=12)
    res = conditional_process(data, model=1, x="x", y="y", w="w", robust="HC4")
    X = sm.add_constant(np.column_stack([data["x"], data["w"], data["x"] * data["w"]]))
    yv = data["y"].to_numpy()
    bread = np.linalg.inv(X.T @ X)
    e = yv - X @ (bread @ X.T @ yv)
    h = np.einsum("ij,jk,ik->i", X, bread, X)
    n, k = X.shape
    omega = e**2 / (1 - h) ** np.minimum(4, n * h / k)
    cov = bread @ (X.T * omega) @ X @ bread
    ours = res.coefficients.set_index("term")
    _close(ours.loc[["Intercept", "x", "w", "x:w"], "std_error"], np.sqrt(np.diag(cov)), SM_TOL)


def test_cluster_robust_equations_match_statsmodels():
    data = _simulated(n=300, seed=13)
    data["customer"] = np.repeat(np.arange(60), 5)
    res = conditional_process(
        data, model=7, x="x", m="m0", y="y", w="w", cluster="customer", n_boot=100, seed=1
    )
    assert res.robust == "cluster" and res.n_clusters == 60
    for eq, formula in [("m0", "m0 ~ x*w"), ("y", "y ~ x + m0")]:
        fit = smf.ols(formula, data).fit(
            cov_type="cluster", cov_kwds={"groups": data["customer"]}, use_t=True
        )
        _check_equation(res, eq, fit)


@pytest.mark.parametrize("robust", [None, "HC1", "HC3"])
def test_weighted_equations_match_statsmodels_wls(robust):
    data = _simulated(n=250, seed=14)
    data["weight"] = np.random.default_rng(0).uniform(0.2, 3.0, 250)
    res = conditional_process(
        data, model=14, x="x", m="m0", y="y", w="w", weights="weight", robust=robust,
        n_boot=100, seed=1,
    )  # fmt: skip
    kwargs = {} if robust is None else {"cov_type": robust, "use_t": True}
    for eq, formula in [("m0", "m0 ~ x"), ("y", "y ~ x + m0*w")]:
        fit = smf.wls(formula, data, weights=data["weight"]).fit(**kwargs)
        _check_equation(res, eq, fit)
        row = res.fit[res.fit["equation"] == eq].iloc[0]
        _close([row["r_squared"], row["mse"], row["statistic"]],
               [fit.rsquared, fit.mse_resid, fit.fvalue])  # fmt: skip


def test_logistic_outcome_matches_statsmodels():
    data = _simulated(n=400, seed=15)
    rng = np.random.default_rng(2)
    data["yb"] = (data["y"] + rng.normal(size=400) > 1).astype(int)
    data["weight"] = rng.uniform(0.2, 3.0, 400)
    data["customer"] = np.repeat(np.arange(80), 5)
    plain = conditional_process(data, model=14, x="x", m="m0", y="yb", w="w", family="logit",
                                robust=None, n_boot=100, seed=1)  # fmt: skip
    fit = smf.logit("yb ~ x + m0*w", data).fit(disp=0)
    _check_equation(plain, "yb", fit)
    row = plain.fit[plain.fit["equation"] == "yb"].iloc[0]
    # the null model in closed form (log-likelihood at the mean); statsmodels iterates
    _close([row["minus2ll"], row["mcfadden"]], [-2 * fit.llf, fit.prsquared], SM_TOL)
    weighted = conditional_process(data, model=14, x="x", m="m0", y="yb", w="w",
                                   family="logit", weights="weight", n_boot=100,
                                   seed=1)  # fmt: skip
    glm = smf.glm("yb ~ x + m0*w", data, family=sm.families.Binomial(),
                  var_weights=data["weight"]).fit(cov_type="HC0")  # fmt: skip
    ours = weighted.coefficients[weighted.coefficients["equation"] == "yb"]
    _close(ours["estimate"], glm.params, SM_TOL)
    _close(ours["std_error"], glm.bse, SM_TOL)
    clustered = conditional_process(data, model=14, x="x", m="m0", y="yb", w="w",
                                    family="logit", cluster="customer", n_boot=100,
                                    seed=1)  # fmt: skip
    fit = smf.logit("yb ~ x + m0*w", data).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": data["customer"]}, use_t=True
    )
    _check_equation(clustered, "yb", fit)


def test_conditional_direct_effects_and_total_effect_match_statsmodels():
    data = _simulated(n=300, seed=16)
    res = conditional_process(data, model=8, x="x", m="m0", y="y", w="w", covariates="c1",
                              robust=None, at={"w": [0.0, 1.5]}, n_boot=100, seed=1)  # fmt: skip
    fit = smf.ols("y ~ x*w + m0 + c1", data).fit()
    direct = res.table[res.table["component"] == "direct"]
    for value in (0.0, 1.5):
        row = direct[direct["w"] == value].iloc[0]
        test = fit.t_test(f"x + {value} * x:w = 0")
        ci = test.conf_int()[0]
        _close(row[COLUMNS].to_numpy(float),
               [test.effect[0], test.sd[0, 0], test.tvalue[0, 0], test.pvalue, ci[0], ci[1]],
               SM_TOL)  # fmt: skip
    res4 = conditional_process(data, model=4, x="x", m=["m0", "m1"], y="y", covariates="c1",
                               robust="HC3", n_boot=100, seed=1)  # fmt: skip
    total = res4.table[res4.table["component"] == "total"].iloc[0]
    fit = smf.ols("y ~ x + c1", data).fit(cov_type="HC3", use_t=True)
    _close(total[["estimate", "std_error", "p_value"]].to_numpy(float),
           [fit.params["x"], fit.bse["x"], fit.pvalues["x"]], SM_TOL)  # fmt: skip
    # OLS identity: total = direct + total indirect
    parts = res4.table.set_index("component")["estimate"]
    assert parts["total"] == pytest.approx(parts["direct"] + parts["total indirect"], abs=1e-12)


def test_categorical_covariates_are_dummy_coded():
    data = _simulated(n=240, seed=17)
    data["store"] = np.tile(["city", "mall", "online"], 80)
    dummies = data.assign(
        mall=(data["store"] == "mall").astype(float),
        online=(data["store"] == "online").astype(float),
    )
    a = conditional_process(data, model=7, x="x", m="m0", y="y", w="w",
                            covariates=["c1", "store"], n_boot=100, seed=1)  # fmt: skip
    b = conditional_process(dummies, model=7, x="x", m="m0", y="y", w="w",
                            covariates=["c1", "mall", "online"], n_boot=100, seed=1)  # fmt: skip
    assert "store[mall]" in set(a.coefficients["term"])
    _close(a.coefficients["estimate"], b.coefficients["estimate"], 1e-12)
    _close(a.table["estimate"], b.table["estimate"], 1e-12)
    _close(a.table["ci_low"], b.table["ci_low"], 1e-12)


# --------------------------------------------------------------------------- pingouin, J-N


def test_model_4_point_estimates_match_pingouin():
    data = _simulated(n=300, seed=18)
    res = conditional_process(data, model=4, x="x", m=["m0", "m1"], y="y", covariates="c1",
                              n_boot=100, seed=1)  # fmt: skip
    peer = pg.mediation_analysis(data, x="x", m=["m0", "m1"], y="y", covar="c1", n_boot=100,
                                 seed=1).set_index("path")  # fmt: skip
    table = res.table[res.table["component"] == "indirect"].set_index("path")
    coef = res.coefficients.set_index(["equation", "term"])["estimate"]
    for med in ("m0", "m1"):
        _close(table.loc[f"x -> {med} -> y", "estimate"], peer.loc[f"Indirect {med}", "coef"],
               SM_TOL)  # fmt: skip
        _close(coef[(med, "x")], peer.loc[f"{med} ~ X", "coef"], SM_TOL)
    by_term = res.table.set_index("term")
    _close(by_term.loc["c'", "estimate"], peer.loc["Direct", "coef"], SM_TOL)
    _close(by_term.loc["c", "estimate"], peer.loc["Total", "coef"], SM_TOL)


def test_johnson_neyman_matches_the_package_on_fit_drivers():
    data = _simulated(n=300, seed=19)
    res = conditional_process(data, model=1, x="x", y="y", w="z", covariates="c1", robust=None)
    jn = cx.johnson_neyman(cx.fit_drivers(data, "y ~ x*z + c1", robust=None), focal="x",
                           moderator="z")  # fmt: skip
    assert len(res.jn_bounds) == len(jn.bounds) > 0
    _close(res.jn_bounds, jn.bounds, SM_TOL)
    pd.testing.assert_frame_equal(res.johnson_neyman, jn.table)
    # at a bound the conditional effect's interval just touches 0
    at = conditional_process(data, model=1, x="x", y="y", w="z", covariates="c1", robust=None,
                             at={"z": list(res.jn_bounds)})  # fmt: skip
    edges = at.table[["ci_low", "ci_high"]].abs().min(axis=1)
    _close(edges, np.zeros(len(edges)), 1e-9)


def test_johnson_neyman_of_model_3_at_each_value_of_z():
    """Model 3: the effect of X is linear in W at each value of Z; at each bound the
    interval of the conditional effect (checked against statsmodels above) touches 0."""
    data = _simulated(n=300, seed=31)
    res = conditional_process(data, model=3, x="x", y="y", w="w", z="z", robust=None)
    jn = res.johnson_neyman
    assert set(jn["z"]) == set(res.z_values) and res.jn_bounds == ()
    for z_value, part in jn.groupby("z"):
        bounds = [b for b in part["low"] if np.isfinite(b)]
        check = conditional_process(data, model=3, x="x", y="y", w="w", z="z", robust=None,
                                    at={"w": bounds, "z": [z_value]})  # fmt: skip
        edges = check.table[["ci_low", "ci_high"]].abs().min(axis=1)
        _close(edges, np.zeros(len(edges)), 1e-9)


def test_johnson_neyman_bounds_match_pyprocessmacros_floodlight_whose_sign_is_wrong():
    """A positive effect whose interval excludes 0 only in the middle of W (the standard
    error grows towards a few extreme customers). pyprocessmacro's numerical floodlight
    search finds the same two bounds (to its tolerance) but calls the region between them
    "significantly negative"; the effect there is positive -- at W = 0 it is the
    coefficient of X, 0.18 with the interval [0.09, 0.28] by statsmodels."""
    rng = np.random.default_rng(5)
    d = pd.DataFrame({"x": rng.normal(size=400), "w": rng.normal(size=400)})
    d.loc[:9, "w"] = np.linspace(6, 9, 10)
    d["y"] = 0.15 * d["x"] + rng.normal(size=400)
    res = conditional_process(d, model=1, x="x", y="y", w="w", robust=None)
    pp = _pyprocessmacro(d, 1, x="x", m="w", y="y")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyprocessmacro's own warnings
        regions = pp.floodlight_direct_effect("w").get_significance_regions()
    _close(regions["Negative on"], res.jn_bounds, 1e-6)  # its bisection's tolerance
    assert regions["Positive on"] == []  # pyprocessmacro: "negative"
    inside = res.johnson_neyman[res.johnson_neyman["significant"]]
    assert inside["sign"].tolist() == ["positive"]
    by_hand = smf.ols("y ~ x*w", d).fit().t_test("x = 0")  # the effect of X at W = 0
    assert by_hand.effect[0] > 0 and by_hand.conf_int()[0][0] > 0
    assert res.jn_bounds[0] < 0 < res.jn_bounds[1]


# --------------------------------------------------------------------------- the engine


@pytest.mark.parametrize("model", [7, 8, 14, 58])
def test_a_two_group_categorical_moderator_is_its_0_1_indicator(model, monkeypatch):
    d = _simulated().assign(w=lambda f: (f["w"] > 1).astype(float))
    numeric = _check_against_pyprocessmacro(monkeypatch, d, model, SIMULATED)
    labels = pd.Categorical(np.where(d["w"] == 1, "gold", "basic"), categories=["gold", "basic"])
    tiers = d.assign(w=pd.Categorical(labels, categories=["basic", "gold"]))
    m = SIMULATED["m"]
    cat = conditional_process(tiers, model=model, x="x", m=m, y="y", w="w", covariates=["c1"],
                              robust=None, n_boot=200, seed=5)  # fmt: skip
    assert cat.w_values == numeric.w_values == (0.0, 1.0)
    cols = ["w", *COLUMNS]
    _close(cat.table[cols].to_numpy(float), numeric.table[cols].to_numpy(float), 1e-12)
    _close(cat.coefficients[COLUMNS].to_numpy(float), numeric.coefficients[COLUMNS], 1e-12)
    assert "w[gold]" in set(cat.coefficients["term"])
    index = cat.table[cat.table["component"] == "index"]
    assert index.empty or set(index["moderator"]) == {"w[gold]"}
    if model == 8:  # two conditional direct effects, no Johnson-Neyman regions
        assert cat.johnson_neyman is None and numeric.johnson_neyman is not None
    flipped = conditional_process(d.assign(w=labels), model=model, x="x", m=m, y="y", w="w",
                                  covariates=["c1"], robust=None, n_boot=200, seed=5)  # fmt: skip
    ind = flipped.table[flipped.table["component"] == "indirect"]
    np.testing.assert_allclose(  # "gold" first: the codes swap, the effects do not change
        ind.sort_values("w", ascending=False)["estimate"],
        numeric.table.query("component == 'indirect'").sort_values("w")["estimate"],
        rtol=0, atol=1e-12,
    )  # fmt: skip


@pytest.mark.parametrize("model", [4, 6])
def test_standardized_indirect_effects_match_pyprocessmacros_effsize(model, monkeypatch):
    d = _simulated(k=3)
    m = SIMULATED["m6"] if model == 6 else SIMULATED["m"]
    with _shared_resamples(monkeypatch):
        res = conditional_process(d, model=model, x="x", m=m, y="y", covariates=["c1"],
                                  robust=None, n_boot=200, seed=5, standardized=True)  # fmt: skip
        pp = _pyprocessmacro(d, model, x="x", y="y", m=m, controls=["c1"], boot=200,
                             contrast=True, total=True, effsize=True)  # fmt: skip
    sizes = pp.indirect_model.effect_sizes()
    for kind, component in (("ps", "partially standardized"), ("cs", "completely standardized")):
        ours = res.table[res.table["component"] == component]
        raw = res.table[res.table["component"].isin(["indirect", "total indirect"])]
        assert len(ours) == len(sizes[kind]["labels"]) == len(raw)
        for i, label in enumerate(sizes[kind]["labels"]):
            if label == "total":
                hit = ours[ours["term"] == "total"]
            else:  # pyprocessmacro names a route by its mediators
                chain = label if "->" in label else f"x -> {label} -> y"
                hit = ours[ours["path"] == chain]
            assert len(hit) == 1, label
            peer = [sizes[kind][k][i] for k in ("effect", "se", "llci", "ulci")]
            _close(hit[["estimate", "std_error", "ci_low", "ci_high"]].to_numpy()[0], peer)
        # by hand: the raw effects times SD(X)/SD(Y) (completely) or 1/SD(Y) (partially)
        scale = (d["x"].std() if kind == "cs" else 1) / d["y"].std()
        _close(ours["estimate"], raw["estimate"] * scale, 1e-12)


def test_standardized_effects_with_weights_a_categorical_x_and_where_undefined():
    d = _simulated().assign(wt=lambda f: 1 + (f["c1"] > 0), g=lambda f: np.arange(len(f)) % 3)
    res = conditional_process(d, model=4, x="g", m="m0", y="y", weights="wt", x_coding="indicator",
                              n_boot=200, seed=1, standardized=True)  # fmt: skip
    parts = set(res.table["component"])
    assert "partially standardized" in parts and "completely standardized" not in parts
    # weighted SD of Y by hand (divisor: sum of weights - 1, the frequency-weight convention)
    w, y = d["wt"].to_numpy(float), d["y"].to_numpy(float)
    sd_y = np.sqrt(w @ (y - np.average(y, weights=w)) ** 2 / (w.sum() - 1))
    raw = res.table.query("component == 'indirect'")["estimate"].to_numpy()
    std = res.table.query("component == 'partially standardized'")["estimate"].to_numpy()
    _close(std, raw / sd_y, 1e-12)
    # integer weights: the same as repeating the rows (SD with divisor n - 1)
    rep = d.loc[d.index.repeat(d["wt"])].reset_index(drop=True)
    plain = conditional_process(rep, model=4, x="x", m="m0", y="y", n_boot=100, seed=1,
                                standardized=True)  # fmt: skip
    weighted = conditional_process(d, model=4, x="x", m="m0", y="y", weights="wt", n_boot=100,
                                   seed=1, standardized=True)  # fmt: skip
    pick = plain.table["component"].str.endswith("standardized")
    _close(weighted.table.loc[pick, "estimate"], plain.table.loc[pick, "estimate"], 1e-12)
    for kwargs, reason in [
        ({"model": 7, "w": "w"}, "moderated"),
        ({"model": 4, "y": "yb", "family": "logit"}, "log-odds"),
    ]:
        args = {"x": "x", "m": "m0", "y": "y", "n_boot": 100, "seed": 1} | kwargs
        with pytest.raises(ValueError, match=rf"standardized=True: .*{reason}"):
            conditional_process(d.assign(yb=d["y"] > 0), standardized=True, **args)
    with pytest.raises(TypeError, match="standardized must be"):
        conditional_process(d, model=4, x="x", m="m0", y="y", standardized="yes")


def test_paths_stated_directly_are_the_numbered_models():
    data = _simulated(n=200, seed=20)
    for number, preset in [(59, {"a": "w", "b": "w", "direct": "w"}), (21, {"a": "w", "b": "z"}),
                           (11, {"a": "w*z"}), (16, {"b": ["w", "z"]})]:  # fmt: skip
        kw = {"x": "x", "m": "m0", "y": "y", "w": "w", "n_boot": 100, "seed": 3}
        kw["z"] = "z" if "z" in str(preset) else None
        a = conditional_process(data, model=number, **kw)
        b = conditional_process(data, moderated=preset, **kw)
        assert b.model == number
        pd.testing.assert_frame_equal(a.table, b.table)
    custom = conditional_process(data, x="x", m=["m0", "m1"], y="y", w="w", serial=True,
                                 moderated={"a": "w"}, n_boot=100, seed=1)  # fmt: skip
    assert custom.model is None and custom.paths == "a: w" and custom.serial


def test_serial_moderated_indirect_effect_is_the_product_of_its_paths():
    """A custom serial model with W on the a paths: X -> M1 -> M2 -> Y is
    (a1 + a3 W) d21 b2, by hand from statsmodels' coefficients."""
    data = _simulated(n=300, seed=21)
    res = conditional_process(data, x="x", m=["m0", "m1"], y="y", w="w", serial=True,
                              moderated={"a": "w"}, at={"w": [0.5]}, n_boot=100,
                              seed=1)  # fmt: skip
    m0 = smf.ols("m0 ~ x*w", data).fit().params
    m1 = smf.ols("m1 ~ x*w + m0", data).fit().params
    y = smf.ols("y ~ x + m0 + m1", data).fit().params
    rows = res.table[res.table["path"] == "x -> m0 -> m1 -> y"].set_index("component")
    expected = (m0["x"] + 0.5 * m0["x:w"]) * m1["m0"] * y["m1"]
    _close(rows.loc["indirect", "estimate"], expected, SM_TOL)
    _close(rows.loc["index", "estimate"], m0["x:w"] * m1["m0"] * y["m1"], SM_TOL)
    assert rows.loc["index", "term"] == "moderated mediation"


def test_conditional_moderated_mediation_where_pyprocessmacro_reports_none():
    """Model 64 (W on a; W and Z on b): quadratic in W, linear in Z, so Z has an index
    conditional on W: a(W) b_z = (a1 + a3 W) b_z, by hand."""
    data = _simulated(n=300, seed=22)
    res = conditional_process(data, model=64, x="x", m="m0", y="y", w="w", z="z",
                              at={"w": [0.0, 2.0]}, n_boot=100, seed=1)  # fmt: skip
    a = smf.ols("m0 ~ x*w", data).fit().params
    b = smf.ols("y ~ x + m0*w + m0:z + z", data).fit().params
    index = res.table[res.table["component"] == "index"]
    assert set(index["term"]) == {"conditional moderated mediation"}
    assert set(index["moderator"]) == {"z"}
    for value in (0.0, 2.0):
        row = index[index["w"] == value]
        _close(row["estimate"], [(a["x"] + value * a["x:w"]) * b["m0:z"]], SM_TOL)


def test_a_moderator_on_both_paths_gets_contrasts_of_conditional_effects_not_an_index():
    """Model 58: the indirect effect (a1 + a3 W)(b1 + b3 W) is quadratic in W, so PROCESS
    reports no index; its conditional values are compared pairwise instead."""
    data = _simulated(n=300, seed=29)
    res = conditional_process(data, model=58, x="x", m="m0", y="y", w="w",
                              at={"w": [0.0, 1.0, 2.5]}, n_boot=200, seed=1)  # fmt: skip
    table = res.table
    assert not (table["component"] == "index").any()
    ind = table[table["component"] == "indirect"].set_index("w")["estimate"]
    contrasts = table[table["component"] == "contrast"]
    assert contrasts["term"].tolist() == [
        "ind1(w = 1) - ind1(w = 0)", "ind1(w = 2.5) - ind1(w = 0)", "ind1(w = 2.5) - ind1(w = 1)"
    ]  # fmt: skip
    _close(contrasts["estimate"], [ind[1.0] - ind[0.0], ind[2.5] - ind[0.0], ind[2.5] - ind[1.0]],
           1e-12)  # fmt: skip
    linear = conditional_process(data, model=7, x="x", m="m0", y="y", w="w", n_boot=100, seed=1)
    assert not (linear.table["component"] == "contrast").any()


def test_cluster_bootstrap_of_single_row_clusters_is_the_row_bootstrap():
    data = _simulated(n=200, seed=23)
    data["visit"] = np.arange(200)
    kw = {"model": 7, "x": "x", "m": "m0", "y": "y", "w": "w", "n_boot": 300, "seed": 4}
    rows = conditional_process(data, **kw)
    clusters = conditional_process(data, cluster="visit", **kw)
    boot = rows.table["inference"] == "bootstrap"
    pd.testing.assert_frame_equal(rows.table[boot], clusters.table[boot])


def test_cluster_bootstrap_resamples_customers_not_visits():
    """Each customer answering twice, identically: resampling customers is resampling
    rows of weight 2 -- the same resamples, the same intervals."""
    data = _simulated(n=150, seed=24)
    twice = pd.concat([data, data]).sort_index(kind="stable").reset_index(drop=True)
    twice["customer"] = np.repeat(np.arange(150), 2)
    kw = {"model": 14, "x": "x", "m": "m0", "y": "y", "w": "w", "n_boot": 300, "seed": 9}
    by_customer = conditional_process(twice, cluster="customer", **kw)
    weighted = conditional_process(data.assign(weight=2.0), weights="weight", **kw)
    boot = by_customer.table["inference"] == "bootstrap"
    _close(by_customer.table.loc[boot, ["estimate", "std_error", "ci_low", "ci_high"]],
           weighted.table.loc[boot, ["estimate", "std_error", "ci_low", "ci_high"]],
           1e-10)  # fmt: skip
    # and a visit-level bootstrap of the same rows is narrower (it ignores the pairing)
    by_visit = conditional_process(twice, **kw)
    assert (by_visit.table.loc[boot, "std_error"] < by_customer.table.loc[boot, "std_error"]).all()


def test_integer_weights_give_the_estimates_of_repeated_rows():
    data = _simulated(n=120, seed=25)
    data["weight"] = np.random.default_rng(3).integers(1, 4, 120).astype(float)
    repeated = data.loc[data.index.repeat(data["weight"].astype(int))].reset_index(drop=True)
    kw = {"model": 58, "x": "x", "m": "m0", "y": "y", "w": "w", "n_boot": 100, "seed": 1}
    kw["at"] = {"w": [0.0, 1.0, 2.0]}  # probe values are of the rows, unweighted
    a = conditional_process(data, weights="weight", **kw)
    b = conditional_process(repeated, **kw)
    _close(a.coefficients["estimate"], b.coefficients["estimate"], 1e-10)
    est = a.table["inference"] == "bootstrap"
    _close(a.table.loc[est, "estimate"], b.table.loc[est, "estimate"], 1e-10)


def test_moderator_values_rules():
    data = _simulated(n=200, seed=26)
    data["member"] = (data["c1"] > 0).astype(float)
    res = conditional_process(data, model=7, x="x", m="m0", y="y", w="w", n_boot=100, seed=1)
    _close(res.w_values, np.percentile(data["w"], [16, 50, 84], method="weibull"), 1e-12)
    res = conditional_process(data, model=7, x="x", m="m0", y="y", w="w", at="mean_sd",
                              n_boot=100, seed=1)  # fmt: skip
    mean, sd = data["w"].mean(), data["w"].std()
    _close(res.w_values, [mean - sd, mean, mean + sd], 1e-12)
    res = conditional_process(data, model=7, x="x", m="m0", y="y", w="member", n_boot=100,
                              seed=1)  # fmt: skip
    assert res.w_values == (0.0, 1.0)


def test_seed_gives_the_same_result_and_the_summary_reads_like_process():
    data = _simulated(n=200, seed=27)
    kw = {"model": 59, "x": "x", "m": ["m0", "m1"], "y": "y", "w": "w", "n_boot": 200}
    a = conditional_process(data, seed=1, **kw)
    b = conditional_process(data, seed=np.random.SeedSequence(1), **kw)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert not a.table.equals(conditional_process(data, seed=2, **kw).table)
    text = str(a.summary())
    for piece in ["PROCESS model 59", "R-squared", "Direct effect(s)", "Indirect effect(s)",
                  "Total indirect", "Pairwise contrasts", "bootstrap:"]:  # fmt: skip
        assert piece in text
    assert "Indices of moderated mediation" not in text  # quadratic in W: PROCESS has none


def test_result_contract_summary_repr_html_and_json():
    data = _simulated(n=200, seed=28)
    data["<b>"] = data["w"]
    before = data.copy()
    res = conditional_process(data, model=8, x="x", m="m0", y="y", w="<b>", n_boot=100, seed=1)
    pd.testing.assert_frame_equal(data, before)  # the input is not modified
    assert len(repr(res).splitlines()) <= 12
    assert repr(res).startswith("ProcessResult(")
    html = res._repr_html_()
    assert "<b>" not in html.replace("<b>", "", 0) or "&lt;b&gt;" in html
    assert "&lt;b&gt;" in html
    exported = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert exported["result"] == "ProcessResult" and exported["model"] == 8
    text = str(res.summary())
    assert "e-1" not in text and "e-2" not in text
    for _, table in res.summary().tables:
        if "p_value" in table:
            assert table["p_value"].map(lambda p: isinstance(p, str)).all()
    assert "DataFrame.attrs" not in text and not res.table.attrs


# --------------------------------------------------------------------------- input


def _data() -> pd.DataFrame:
    return _simulated(n=120, seed=30)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (
            {"model": 74},
            ValueError,
            r"model 74 is not supported; the supported PROCESS models "
            r"are 1, 2, 3, 4, 5, 6, 7, 8, .*58, 59",
        ),  # fmt: skip
        ({"model": 7.0}, TypeError, r"model must be a PROCESS model number \(an int\)"),
        ({"x": "nope"}, ValueError, r"x: column \['nope'\] not found in data"),
        ({"m": ["m0", "gone"]}, ValueError, r"m: column \['gone'\] not found"),
        ({"w": "x"}, ValueError, r"w: column 'x' is already used as x"),
        ({"w": "m0"}, ValueError, r"w: column 'm0' is already used as m"),
        ({"model": 4}, ValueError, r"w: model 4 has no moderator W .*got w='w'"),
        ({"w": None}, ValueError, r"w: model 7 has a moderator W; name its column"),
        ({"m": None}, ValueError, r"m: model 7 needs at least one mediator"),
        ({"model": 1}, ValueError, r"m: model 1 has no mediator"),
        ({"moderated": {"a": "w"}}, ValueError, r"give either model= .* or moderated="),
        ({"model": None, "moderated": {"x": "w"}}, ValueError, r"moderated: unknown path"),
        ({"model": None, "moderated": {"a": "v"}}, ValueError, r"moderated\['a'\] must be"),
        (
            {"model": 6, "w": None, "m": ["m0", "m1", "c1", "z"]},
            ValueError,
            r"serial mediation takes 2 to 3 mediators .*got 4",
        ),  # fmt: skip
        ({"family": "probit"}, ValueError, r"family must be one of \['ols', 'logit'\]"),
        ({"robust": "HC5"}, ValueError, r"robust must be one of"),
        ({"robust": "HC3", "cluster": "z"}, ValueError, r"cluster is used only with robust"),
        ({"n_boot": 10}, ValueError, r"n_boot must be at least 100"),
        ({"n_boot": 1e4}, TypeError, r"n_boot must be an integer"),
        ({"method": "bca"}, ValueError, r"method must be one of \['percentile', 'bc'\]"),
        ({"ci": 95}, ValueError, r"ci must lie strictly between 0 and 1"),
        ({"at": {"price": [1]}}, ValueError, r"at: \['price'\] is not a moderator"),
        ({"at": "quartiles"}, ValueError, r"at must be one of \['percentiles', 'mean_sd'\]"),
        ({"x_coding": "dummy"}, ValueError, r"x_coding must be one of"),
        ({"as_numeric": "c1"}, ValueError, r"as_numeric: \['c1'\] is not x, a mediator or y"),
        ({"missing": "drop"}, ValueError, r"missing must be one of \['raise', 'listwise'\]"),
        ({"serial": "yes"}, TypeError, r"serial must be True or False"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, pattern):
    call = {"model": 7, "x": "x", "m": "m0", "y": "y", "w": "w", "n_boot": 100} | kwargs
    with pytest.raises(error, match=pattern):
        conditional_process(_data(), **call)


def test_bad_columns_are_named():
    base = {"model": 7, "x": "x", "m": "m0", "y": "y", "w": "w", "n_boot": 100, "seed": 1}
    d = _data().assign(m0="high")
    with pytest.raises(TypeError, match=r"m: column 'm0' must be numeric"):
        conditional_process(d, **base)
    with pytest.raises(ValueError, match=r"\['w'\] have the same answer in every row"):
        conditional_process(_data().assign(w=1.0), **base)
    d = _data()
    d.loc[[3, 7], "m0"] = np.nan
    with pytest.raises(ValueError, match=r"column 'm0' has 2 missing value.*missing='listwise'"):
        conditional_process(d, **base)
    assert conditional_process(d, missing="listwise", **base).n_dropped == 2
    with pytest.raises(ValueError, match=r"too few rows: 5 complete row"):
        conditional_process(_data().head(5), **base)
    with pytest.raises(ValueError, match=r"too few rows to bootstrap"):
        conditional_process(_data().head(8), **base)
    with pytest.raises(ValueError, match=r"y: column 'yb' holds only two values .*family='logit'"):
        conditional_process(_data().assign(yb=(_data()["y"] > 0) * 1.0), **(base | {"y": "yb"}))
    with pytest.raises(ValueError, match=r"m: column 'mb' holds only two values"):
        conditional_process(_data().assign(mb=(_data()["x"] > 0) * 1.0), **(base | {"m": "mb"}))
    with pytest.raises(ValueError, match=r"x: column 'g' holds 3 whole-number values .*x_coding"):
        conditional_process(_data().assign(g=np.arange(120) % 3), **(base | {"x": "g"}))
    tiers = np.array(["a", "b", "c"])[np.arange(120) % 3]
    many = np.array(list("abcdefghijkl"))[np.arange(120) % 12]
    with pytest.raises(ValueError, match=r"w: column 'tier' has 12 groups .*W needs 2 to 10"):
        conditional_process(_data().assign(tier=many), **(base | {"w": "tier"}))
    lone = np.r_[["c"], tiers[1:]].copy()
    lone[lone == "c"] = "a"
    lone[0] = "c"
    with pytest.raises(ValueError, match=r"w: group\(s\) \['c'\] of column 'tier' hold a single"):
        conditional_process(_data().assign(tier=lone), **(base | {"w": "tier"}))
    with pytest.raises(ValueError, match=r"at\['tier'\]: \['d'\] is not a group of the moderator"):
        conditional_process(_data().assign(tier=tiers), at={"tier": ["a", "d"]},
                            **(base | {"w": "tier"}))  # fmt: skip
    with pytest.raises(TypeError, match=r"w: column 'tier' holds numbers stored as text"):
        conditional_process(_data().assign(tier=(np.arange(120) % 2).astype(str)),
                            **(base | {"w": "tier"}))  # fmt: skip
    two = _data().assign(tier=tiers[np.arange(120) % 2])
    with pytest.raises(ValueError, match=r"at: \['tier'\] is a categorical moderator"):
        conditional_process(two, at={"tier": [0, 1]}, **(base | {"w": "tier"}))
    with pytest.raises(ValueError, match=r"data: column 'x' has 1 infinite value"):
        conditional_process(_data().assign(x=np.r_[np.inf, np.zeros(119) + 1]), **base)


def test_a_true_false_outcome_is_a_binary_outcome():
    d = _data()
    d["yb"] = d["y"] > 1
    a = conditional_process(d, model=7, x="x", m="m0", y="yb", w="w", family="logit",
                            n_boot=100, seed=1)  # fmt: skip
    b = conditional_process(d.assign(yb=d["yb"] * 1.0), model=7, x="x", m="m0", y="yb", w="w",
                            family="logit", n_boot=100, seed=1)  # fmt: skip
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.y_event == 1.0


def test_hc3_with_a_row_of_leverage_one_is_refused_with_advice():
    d = _data()
    d["store"] = ["flagship"] + ["mall"] * 119  # one row alone in its category
    with pytest.raises(ValueError, match=r"robust='HC3': row 0 has leverage 1 .*robust='HC0'"):
        conditional_process(d, model=7, x="x", m="m0", y="y", w="w", covariates="store",
                            n_boot=100)  # fmt: skip


def test_separated_logistic_outcome_raises_convergence_error():
    d = _data()
    d["yb"] = (d["m0"] > 0).astype(int)  # M predicts Y perfectly
    with pytest.raises(cx.ConvergenceError, match=r"logistic regression of 'yb' did not converge"):
        conditional_process(d, model=4, x="x", m="m0", y="yb", family="logit", n_boot=100)


LETTERS = {
    "latin": "abcdefghijklmnopqrstuvwxyz",
    "persian": "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщыэюя",
}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    script=st.sampled_from(sorted(LETTERS)),
    seed=st.integers(0, 2**16),
    size=st.integers(3, 12),
)
def test_names_in_any_script(script, seed, size):
    rng = np.random.default_rng(seed)
    letters = LETTERS[script]
    names: list[str] = []
    while len(names) < 4:
        name = "".join(rng.choice(list(letters), size=size))
        if name not in names:
            names.append(name)
    x, m, y, w = names
    d = _data().rename(columns={"x": x, "m0": m, "y": y, "w": w})
    res = conditional_process(d, model=7, x=x, m=m, y=y, w=w, n_boot=100, seed=seed)
    assert f"{x} -> {m} -> {y}" in set(res.table["path"])
    assert f"{x}:{w}" in set(res.coefficients["term"])
    assert all(name in str(res.summary()) for name in names)


BAD_KINDS = ["constant", "missing", "text", "infinite", "duplicate_role", "bool_mediator",
             "nullable", "categorical_moderator", "empty"]  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(BAD_KINDS), column=st.sampled_from(["x", "m0", "y", "w", "c1"]),
       seed=st.integers(0, 1000), missing=st.sampled_from(["raise", "listwise"]))  # fmt: skip
def test_bad_input_gives_a_result_or_a_named_error(kind, column, seed, missing):
    """Every class of bad input: the right result, or one TypeError/ValueError that names
    the argument or the column."""
    rng = np.random.default_rng(seed)
    d = _data()
    roles = {"x": "x", "m": "m0", "y": "y", "w": "w", "covariates": "c1"}
    if kind == "constant":
        d[column] = 2.0
    elif kind == "missing":
        d.loc[rng.choice(120, 3, replace=False), column] = np.nan
    elif kind == "text":
        d[column] = d[column].astype(str)
    elif kind == "infinite":
        d.loc[int(rng.integers(120)), column] = -np.inf
    elif kind == "duplicate_role":
        roles["covariates"] = {"x": "x", "m0": "m0", "y": "y", "w": "w", "c1": "c1"}[column]
    elif kind == "bool_mediator":
        d[column] = d[column] > 0
    elif kind == "nullable":
        d[column] = d[column].astype("Float64")
        d.loc[int(rng.integers(120)), column] = pd.NA
    elif kind == "categorical_moderator":
        d[column] = pd.Categorical(np.where(d[column] > 0, "hi", "lo"))
    elif kind == "empty":
        d = d.iloc[:0]
    try:
        res = conditional_process(d, model=7, n_boot=100, seed=seed, missing=missing, **roles)
    except (TypeError, ValueError) as err:
        message = str(err)
        assert any(name in message for name in [column, "data", "covariates", "missing"])
        return
    assert isinstance(res, ProcessResult)
    assert np.isfinite(res.table["estimate"]).all()
    if kind in ("missing", "nullable"):
        assert res.n_dropped > 0 and missing == "listwise"


# --------------------------------------------------------------------------- coverage


def _coverage(n_reps: int, n: int, n_boot: int, seed: int) -> float:
    """Share of percentile intervals of the index of moderated mediation (model 7) that
    cover the true index a3 * b."""
    rng = np.random.default_rng(seed)
    a3, b = 0.3, 0.4
    hits = 0
    for rep in range(n_reps):
        d = pd.DataFrame({"x": rng.normal(size=n), "w": rng.normal(size=n)})
        d["m"] = 0.4 * d["x"] + a3 * d["x"] * d["w"] + rng.normal(size=n)
        d["y"] = b * d["m"] + 0.2 * d["x"] + rng.normal(size=n)
        res = conditional_process(d, model=7, x="x", m="m", y="y", w="w", n_boot=n_boot,
                                  seed=rep)  # fmt: skip
        row = res.table[res.table["component"] == "index"].iloc[0]
        hits += row["ci_low"] <= a3 * b <= row["ci_high"]
    return hits / n_reps


def test_index_interval_covers_in_a_short_monte_carlo():
    assert _coverage(n_reps=40, n=200, n_boot=300, seed=1) >= 0.8


@pytest.mark.slow
def test_index_interval_coverage_is_nominal():
    share = _coverage(n_reps=1000, n=200, n_boot=2000, seed=2)
    # binomial SE at 0.95 with 1000 replications is 0.007; allow three
    assert 0.929 <= share <= 0.971


# --------------------------------------------------------------------------- the simulator's truth


def _fit_recovery(sim: Any, n_boot: int, seed: int) -> ProcessResult:
    return conditional_process(
        sim.data, model=7, x="recovery_effort", m="satisfaction", y="loyalty",
        w="prior_experience", at={"prior_experience": list(sim.at)}, n_boot=n_boot,
        seed=seed, robust=None,
    )  # fmt: skip


def test_a_large_sample_recovers_the_simulators_moderated_mediation():
    sim = cx.simulate_recovery(20_000, seed=21)
    res = _fit_recovery(sim, n_boot=500, seed=1)
    keys = ["component", "term", "w"]
    both = res.table.merge(sim.table, on=keys, suffixes=("", "_true"))
    assert len(both) == len(sim.table) == 5  # c', ind1 at three values, the index
    z = (both["estimate"] - both["estimate_true"]) / both["std_error"]
    assert np.abs(z).max() < 4, both[[*keys, "estimate", "estimate_true", "std_error"]]
    coef = res.coefficients.merge(sim.coefficients, on=["equation", "term"], suffixes=("", "_t"))
    assert len(coef) == len(res.coefficients) == 7
    assert np.abs((coef["estimate"] - coef["estimate_t"]) / coef["std_error"]).max() < 4


def _recovery_coverage(n_reps: int, n: int, n_boot: int) -> pd.Series:
    """Share of 95% percentile intervals (model 7) covering the simulator's true
    conditional indirect effects (at W = -1, 0, 1) and its index of moderated mediation."""
    hits = []
    for rep in range(n_reps):
        sim = cx.simulate_recovery(n, seed=10_000 + rep)
        res = _fit_recovery(sim, n_boot=n_boot, seed=rep)
        keys = ["component", "term", "w"]
        both = res.table.merge(sim.table, on=keys, suffixes=("", "_true"))
        both = both[both["component"].isin(["indirect", "index"])]
        covered = (both["ci_low"] <= both["estimate_true"]) & (
            both["estimate_true"] <= both["ci_high"]
        )
        labels = [f"ind1(w={w:g})" if c == "indirect" else "index" for c, w in
                  zip(both["component"], both["w"], strict=True)]  # fmt: skip
        hits.append(pd.Series(covered.to_numpy(), index=labels))
    return pd.DataFrame(hits).mean()


def test_recovery_intervals_cover_in_a_short_monte_carlo():
    rates = _recovery_coverage(n_reps=40, n=300, n_boot=300)
    assert len(rates) == 4 and (rates >= 0.8).all(), rates


@pytest.mark.slow
def test_recovery_intervals_coverage_is_nominal():
    # 2,000 replications: the binomial SE at 0.95 is 0.0049, so the band [0.935, 0.965]
    # is three SEs either side of 0.95 for each of the four intervals.
    rates = _recovery_coverage(n_reps=2000, n=500, n_boot=2000)
    print("coverage:", rates.round(4).to_dict())
    assert len(rates) == 4
    assert ((rates >= 0.935) & (rates <= 0.965)).all(), rates


def test_plot_draws_each_conditional_indirect_effect_and_its_band():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = _simulated()
    grid = np.linspace(0, 2, 11)
    res = conditional_process(d, model=7, x="x", m=["m0", "m1"], y="y", w="w",
                              at={"w": grid}, n_boot=100, seed=1)  # fmt: skip
    ax = res.plot()
    lines = [ln for ln in ax.get_lines() if ln.get_label().startswith("x -> ")]
    assert [ln.get_label() for ln in lines] == ["x -> m0 -> y", "x -> m1 -> y"]
    ind = res.table[res.table["component"] == "indirect"]
    for ln in lines:
        part = ind[ind["path"] == ln.get_label()]
        _close(ln.get_xdata(), part["w"], 1e-15)
        _close(ln.get_ydata(), part["estimate"], 1e-15)
    bands = ax.collections
    assert len(bands) == 2  # one band per route
    _close(bands[0].get_paths()[0].vertices[:, 1].min(), ind["ci_low"].iloc[:11].min(), 1e-12)
    assert ax.get_ylabel() == "indirect effect of x on y" and ax.get_legend() is not None
    few = conditional_process(d, model=7, x="x", m="m0", y="y", w="w", n_boot=100, seed=1)
    assert len(few.plot().containers) == 1  # three probe values: points with error bars
    flat = conditional_process(d, model=4, x="x", m="m0", y="y", n_boot=100, seed=1)
    with pytest.raises(ValueError, match="conditional on 0"):
        flat.plot()
    plt.close("all")


# --------------------------------------------------------------------------- a W of 3+ groups
#
# A moderator of three or more groups (PROCESS's mcw=1, Hayes & Montoya 2017) enters each
# moderated equation as indicator codes; checked against equations fitted by statsmodels on
# codes and products built by hand, separate per-group fits, a plain bootstrap loop over the
# same resamples and pyprocessmacro 2.2's mcw option.

TIERS = ["basic", "gold", "silver"]  # sorted: "basic" is the reference group


def _tiered(n: int = 300, seed: int = 31, binary: bool = False) -> pd.DataFrame:
    """X, a covariate and a three-group moderator ``tier`` acting on X -> M and M -> Y."""
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({"x": rng.normal(size=n), "c1": rng.normal(size=n)})
    d["tier"] = np.array(TIERS)[rng.integers(0, 3, size=n)]
    lift = d["tier"].map({"basic": 0.0, "gold": 0.5, "silver": 0.25})
    d["m0"] = (0.2 + lift) * d["x"] + 0.2 * d["c1"] + rng.normal(size=n)
    d["y"] = (0.3 + lift) * d["m0"] + 0.1 * d["x"] + rng.normal(size=n)
    if binary:
        d["y"] = (d["y"] + rng.logistic(size=n) > 0).astype(float)
    return d


def _hand_design(d: pd.DataFrame, terms: list[str]) -> pd.DataFrame:
    """Columns named as the package names them: codes ``tier[gold]``, products ``x:tier[gold]``."""
    cols = {"Intercept": np.ones(len(d))}
    for lev in TIERS[1:]:
        cols[f"tier[{lev}]"] = (d["tier"] == lev).to_numpy(float)
    for name in ("x", "m0", "c1"):
        cols[name] = d[name].to_numpy(float)
    out = {}
    for term in terms:
        parts = term.split(":")
        out[term] = np.prod([cols[p] for p in parts], axis=0)
    return pd.DataFrame(out, index=d.index)


HAND_TERMS = {  # model: {equation: terms}
    1: {"y": ["Intercept", "x", "tier[gold]", "tier[silver]", "x:tier[gold]", "x:tier[silver]",
              "c1"]},
    7: {"m0": ["Intercept", "x", "tier[gold]", "tier[silver]", "x:tier[gold]",
               "x:tier[silver]", "c1"],
        "y": ["Intercept", "x", "m0", "c1"]},
    14: {"m0": ["Intercept", "x", "c1"],
         "y": ["Intercept", "x", "m0", "tier[gold]", "tier[silver]", "m0:tier[gold]",
               "m0:tier[silver]", "c1"]},
    15: {"m0": ["Intercept", "x", "c1"],
         "y": ["Intercept", "x", "m0", "tier[gold]", "tier[silver]", "x:tier[gold]",
               "x:tier[silver]", "m0:tier[gold]", "m0:tier[silver]", "c1"]},
}  # fmt: skip


@pytest.mark.parametrize("robust", [None, "HC3"])
@pytest.mark.parametrize("model", [1, 7, 14, 15])
def test_three_group_moderator_equations_and_interaction_tests_match_statsmodels(model, robust):
    d = _tiered(seed=31 + model)
    m = None if model == 1 else "m0"
    res = conditional_process(d, model=model, x="x", m=m, y="y", w="tier", covariates="c1",
                              robust=robust, n_boot=100, seed=1)  # fmt: skip
    kwargs = {} if robust is None else {"cov_type": robust, "use_t": True}
    tests = res.interaction.set_index(["equation", "interaction"])
    n_tests = 0
    for eq, terms in HAND_TERMS[model].items():
        design = _hand_design(d, terms)
        fit = sm.OLS(d[eq], design).fit(**kwargs)
        _check_equation(res, eq, fit)
        row = res.fit[res.fit["equation"] == eq].iloc[0]
        _close([row["r_squared"], row["statistic"], row["p_value"]],
               [fit.rsquared, fit.fvalue, fit.f_pvalue], SM_TOL)  # fmt: skip
        for focal in ("x", "m0"):
            products = [t for t in terms if t.startswith(f"{focal}:tier")]
            if not products:
                continue
            r = np.array([[float(t == p) for t in terms] for p in products])
            peer = fit.f_test(r)
            ours = tests.loc[(eq, f"{focal}:tier")]
            _close([ours["statistic"], ours["p_value"], ours["df1"], ours["df2"]],
                   [float(np.squeeze(peer.fvalue)), float(peer.pvalue), 2, fit.df_resid],
                   SM_TOL)  # fmt: skip
            if robust is None:  # the classical F is the nested models' F test
                reduced = sm.OLS(d[eq], design.drop(columns=products)).fit()
                _close(ours["statistic"], fit.compare_f_test(reduced)[0], SM_TOL)
            assert ours["terms"] == ", ".join(products) and ours["test"] == "F"
            n_tests += 1
    assert n_tests == len(res.interaction) == {1: 1, 7: 1, 14: 1, 15: 2}[model]
    assert res.johnson_neyman is None and res.jn_bounds == ()  # no regions for groups
    direct = res.table[res.table["component"] == "direct"]
    if model in (1, 15):  # X -> Y moderated: one conditional effect per tier
        assert direct["w"].tolist() == TIERS
    else:
        assert len(direct) == 1 and direct["w"].isna().all()


def test_three_group_moderator_of_a_logistic_outcome_matches_statsmodels():
    d = _tiered(n=400, seed=41, binary=True)
    res = conditional_process(d, model=15, x="x", m="m0", y="y", w="tier", covariates="c1",
                              family="logit", robust=None, n_boot=100, seed=1)  # fmt: skip
    terms = HAND_TERMS[15]["y"]
    design = _hand_design(d, terms)
    fit = sm.Logit(d["y"], design).fit(disp=0, tol=1e-12, maxiter=100)
    _check_equation(res, "y", fit, 1e-8)
    tests = res.interaction.set_index("interaction")
    for focal in ("x", "m0"):
        r = np.array(
            [
                [float(t == p) for t in terms]
                for p in (f"{focal}:tier[gold]", f"{focal}:tier[silver]")
            ]
        )
        peer = fit.wald_test(r, scalar=True, use_f=False)
        _close([tests.loc[f"{focal}:tier", "statistic"], tests.loc[f"{focal}:tier", "p_value"]],
               [peer.statistic, peer.pvalue], 1e-8)  # fmt: skip
        assert tests.loc[f"{focal}:tier", "test"] == "Wald chi2"


def _group_paths(d: pd.DataFrame) -> dict[str, tuple[float, float, float]]:
    """a, b and c' of each tier from separate OLS fits within the tier (model 59)."""
    out = {}
    for lev in TIERS:
        part = d[d["tier"] == lev]
        a = smf.ols("m0 ~ x", part).fit().params["x"]
        fit = smf.ols("y ~ x + m0", part).fit().params
        out[lev] = (a, fit["m0"], fit["x"])
    return out


def test_each_groups_effects_are_the_products_of_separate_fits_within_the_group():
    """Model 59 without covariates: every equation is fully interacted with the tier, so
    each tier's a, b and c' are those of a fit to its rows alone; the conditional indirect
    effect is a b, the contrasts their differences, each index a code's difference."""
    d = _tiered(seed=43)
    res = conditional_process(d, model=59, x="x", m="m0", y="y", w="tier", n_boot=100, seed=1)
    paths = _group_paths(d)
    table = res.table
    ind = table[table["component"] == "indirect"].set_index("w")["estimate"]
    direct = table[table["component"] == "direct"].set_index("w")["estimate"]
    assert list(ind.index) == TIERS and res.w_values == tuple(TIERS)
    for lev, (a, b, c) in paths.items():
        _close([ind[lev], direct[lev]], [a * b, c], SM_TOL)
    contrasts = table[table["component"] == "contrast"]
    assert contrasts["term"].tolist() == [
        "ind1(tier = gold) - ind1(tier = basic)", "ind1(tier = silver) - ind1(tier = basic)",
        "ind1(tier = silver) - ind1(tier = gold)",
    ]  # fmt: skip
    _close(contrasts["estimate"], [ind["gold"] - ind["basic"], ind["silver"] - ind["basic"],
                                   ind["silver"] - ind["gold"]], SM_TOL)  # fmt: skip
    assert contrasts["w"].isna().all()
    assert not (table["component"] == "index").any()  # quadratic in the codes: no index
    linear = conditional_process(d, model=7, x="x", m="m0", y="y", w="tier", n_boot=100,
                                 seed=1)  # fmt: skip
    index = linear.table[linear.table["component"] == "index"].set_index("moderator")
    lind = linear.table[linear.table["component"] == "indirect"].set_index("w")["estimate"]
    assert list(index["term"]) == ["moderated mediation"] * 2
    _close([index.loc["tier[gold]", "estimate"], index.loc["tier[silver]", "estimate"]],
           [lind["gold"] - lind["basic"], lind["silver"] - lind["basic"]], 1e-12)  # fmt: skip
    chosen = conditional_process(d, model=59, x="x", m="m0", y="y", w="tier",
                                 at={"tier": ["silver", "basic"]}, n_boot=100, seed=1)  # fmt: skip
    sub = chosen.table[chosen.table["component"] == "indirect"].set_index("w")["estimate"]
    assert list(sub.index) == ["basic", "silver"] and chosen.w_values == ("basic", "silver")
    _close(sub, ind[["basic", "silver"]], 1e-12)
    text = str(res.summary())
    assert "tier[gold]" in text and "x:tier[silver]" in text and "basic, gold, silver" in text


def test_an_empty_or_merged_third_group_gives_the_two_group_answer():
    d = _tiered(seed=47)
    two = d.assign(tier=np.where(d["tier"] == "basic", "basic", "gold"))
    kw = {"model": 58, "x": "x", "m": "m0", "y": "y", "w": "tier", "covariates": "c1",
          "n_boot": 200, "seed": 3}  # fmt: skip
    expected = conditional_process(two, **kw)
    empty = two.assign(tier=pd.Categorical(two["tier"], categories=TIERS))
    merged = d.assign(tier=d["tier"].replace({"silver": "gold"}))
    for data in (empty, merged):
        res = conditional_process(data, **kw)
        pd.testing.assert_frame_equal(res.table, expected.table)
        pd.testing.assert_frame_equal(res.coefficients, expected.coefficients)
        assert res.interaction is None and res.w_values == (0.0, 1.0)
    three = conditional_process(d, **kw)
    assert three.w_values == tuple(TIERS) and len(three.interaction) == 2


def test_group_contrast_intervals_are_a_plain_loop_over_the_same_resamples(monkeypatch):
    d = _tiered(n=240, seed=53)
    drawn: list[np.ndarray] = []
    original = process._draw_indices

    def record(rng, n_units, size):
        idx = original(rng, n_units, size)
        drawn.append(idx)
        return idx

    monkeypatch.setattr(process, "_draw_indices", record)
    res = conditional_process(d, model=59, x="x", m="m0", y="y", w="tier", n_boot=300, seed=9)
    assert res.n_redrawn == 0
    rows = []
    for idx in np.concatenate(drawn).astype(np.intp):
        paths = _group_paths(d.iloc[idx])
        ind = [paths[lev][0] * paths[lev][1] for lev in TIERS]
        rows.append([*ind, ind[1] - ind[0], ind[2] - ind[0], ind[2] - ind[1]])
    loop = np.array(rows)
    boot = res.table[res.table["inference"] == "bootstrap"]
    assert boot["component"].tolist() == ["indirect"] * 3 + ["contrast"] * 3
    lo, hi = np.quantile(loop, [0.025, 0.975], axis=0)
    _close(boot["ci_low"], lo, 1e-10)
    _close(boot["ci_high"], hi, 1e-10)
    _close(boot["std_error"], loop.std(axis=0, ddof=1), 1e-10)


@pytest.mark.parametrize("model", [7, 8, 14, 15, 58])
def test_three_group_moderator_matches_pyprocessmacros_mcw(model, monkeypatch):
    """pyprocessmacro 2.2 has PROCESS's mcw (its W is "v" in models 14-20): the same
    equations, conditional direct and indirect effects in each group and indices per code,
    on the same resamples. (It has no pairwise contrasts of the groups' indirect effects:
    those are checked against a plain loop above.)"""
    d = _tiered(seed=59)
    option = "mcv" if 14 <= model <= 20 else "mcw"
    with _shared_resamples(monkeypatch):
        res = conditional_process(d, model=model, x="x", m="m0", y="y", w="tier",
                                  covariates=["c1"], robust=None, n_boot=200, seed=5)  # fmt: skip
        kwargs = _pp_roles(model, "tier", None) | {option: 1, "m": ["m0"]}
        pp = _pyprocessmacro(d, model, x="x", y="y", controls=["c1"], boot=200, **kwargs)
    tidy = pp.tidy()
    codes = {"W1": "tier[gold]", "W2": "tier[silver]", "V1": "tier[gold]", "V2": "tier[silver]"}
    theirs = tidy[tidy["component"] == "outcome"]
    ours = res.coefficients
    assert len(ours) == len(theirs)
    for _, row in theirs.iterrows():
        factors = {"Intercept"} if row["term"] == "Cons" else {
            codes.get(f, f) for f in row["term"].split("*")}  # fmt: skip
        eq = ours[ours["equation"] == row["outcome"]]
        hit = eq[[set(t.split(":")) == factors for t in eq["term"]]]
        assert len(hit) == 1, row["term"]
        _close(hit[COLUMNS[:4]].to_numpy()[0], row[["estimate", "std_error", "statistic",
                                                      "p_value"]])  # fmt: skip
    table, compared = res.table, 0
    for component, kind in (("direct", "direct"), ("indirect", "indirect"), ("index_mm", "index")):
        part = tidy[tidy["component"] == component]
        mine = table[table["component"] == kind]
        assert len(part) == len(mine)
        for _, row in part.iterrows():
            if kind == "index":
                hit = mine[mine["moderator"] == codes[row["moderator"]]]
            elif pd.notna(row["tier"]):
                hit = mine[mine["w"] == row["tier"]]
            else:
                hit = mine
            assert len(hit) == 1
            _close(hit[["estimate", "std_error", "ci_low", "ci_high"]].to_numpy()[0],
                   row[["estimate", "std_error", "conf_low", "conf_high"]])  # fmt: skip
            compared += 1
    n_index = 0 if model == 58 else 2  # quadratic in the codes when W is on a and b
    assert compared == (3 if model in (8, 15) else 1) + 3 + n_index


def test_three_group_moderator_plot_and_export():
    import matplotlib

    matplotlib.use("Agg")
    d = _tiered(seed=61)
    res = conditional_process(d, model=7, x="x", m="m0", y="y", w="tier", n_boot=100, seed=1)
    ax = res.plot()
    assert [t.get_text() for t in ax.get_xticklabels()] == TIERS
    json.dumps(res.to_dict())
    assert "Tests of the interaction" in str(res.summary())


# --------------------------------------------------------------------------- bootstrap internals


@pytest.mark.parametrize(("n_units", "dtype"), [(7, np.uint16), (1000, np.uint16), (12, np.int32)])
def test_resample_counts_are_each_rows_number_of_draws(n_units, dtype):
    """The counts the resampled cross products are built from (a sparse matrix of draws
    made dense) are, row by row, np.bincount of that resample's indices."""
    idx = np.random.default_rng(1).integers(0, n_units, size=(40, n_units), dtype=dtype)
    parts: dict = {}
    counts = process._counts(idx, parts)
    expected = np.stack([np.bincount(row, minlength=n_units) for row in idx])
    assert counts.dtype == float and np.array_equal(counts, expected)
    assert (counts.sum(axis=1) == n_units).all()
    assert np.array_equal(process._counts(idx[:5], parts), expected[:5]) and len(parts) == 2


def test_degenerate_resamples_are_those_the_shared_eigenvalue_check_finds(monkeypatch):
    """The determinant screen in front of the eigenvalues changes no verdict: resamples
    whose predictors are exactly collinear (only rows where c2 = x - c1), whose column
    lost its variation (one row repeated), and ordinary ones are flagged exactly as
    cxresearch._bootstrap.degenerate flags them equation by equation."""
    from cxresearch import _bootstrap

    rng = np.random.default_rng(4)
    d = pd.DataFrame(rng.normal(size=(60, 4)), columns=["x", "c1", "m", "y"])
    d["c2"] = rng.normal(size=60)
    d.loc[:29, "c2"] = d.loc[:29, "x"] - d.loc[:29, "c1"]  # collinear in the first 30 rows
    captured: dict = {}
    original = process._boot_setup

    def spy(*args):
        captured["st"] = original(*args)
        return captured["st"]

    monkeypatch.setattr(process, "_boot_setup", spy)
    conditional_process(d, model=4, x="x", m="m", y="y", covariates=["c1", "c2"],
                        n_boot=200, seed=1)  # fmt: skip
    st_ = captured["st"]
    assert max(len(p) for p, _ in st_.eq_cols) >= 4  # a determinant-screened equation
    draws = [rng.integers(0, 30, size=(20, 60)), rng.integers(0, 60, size=(20, 60))]
    draws.append(np.full((2, 60), 7))  # one row 60 times: every column loses its variation
    freq = process._counts(np.concatenate(draws), {})
    r = st_.z.shape[1]
    iu, ju = np.triu_indices(r)
    gram = np.empty((len(freq), r, r))
    gram[:, iu, ju] = gram[:, ju, iu] = freq @ st_.products
    with np.errstate(divide="ignore", invalid="ignore"):
        bad = process._degenerate(gram, st_, np.zeros(r - 1, dtype=int))
        expected = np.zeros(len(gram), dtype=bool)
        for preds, _ in st_.eq_cols:
            expected |= _bootstrap.degenerate(gram, st_.full_var, np.asarray(preds[1:]) - 1)[0]
    assert np.array_equal(bad, expected)
    assert bad[:20].all() and bad[-2:].all() and not bad[20:40].any()
