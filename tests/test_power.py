"""Tests for cxresearch.power: simulation-based power for moderators and main effects."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.tools.sm_exceptions import SingularMatrixWarning

from cxresearch import power as pw
from cxresearch.simulate import CX_FORMULA, simulate_panel

TOL = 1e-10


# --------------------------------------------------------------------------- the OLS engine


@pytest.fixture(scope="module")
def full_rank_panel() -> pd.DataFrame:
    """Four quarters, so every season, store type and economy is present."""
    return simulate_panel(300, 4, seed=11)


@pytest.mark.parametrize("robust", [None, "HC0", "HC1", "HC2", "HC3"])
@pytest.mark.parametrize("term", ["crowding:goal[T.hedonic]", "service:age", "brand"])
def test_numpy_ols_matches_statsmodels(full_rank_panel, robust, term):
    plan = pw._plan(CX_FORMULA, full_rank_panel)
    y, x = pw._design(plan, full_rank_panel)
    j = plan["names"].index(term)
    est, se, p = pw._ols_term(y, x, j, robust)
    model = sm.OLS(y, x)
    res = model.fit() if robust is None else model.fit(cov_type=robust)
    assert est == pytest.approx(res.params[j], abs=TOL)
    assert se == pytest.approx(res.bse[j], abs=TOL)
    assert p == pytest.approx(res.pvalues[j], abs=TOL)


def test_numpy_ols_matches_statsmodels_when_the_design_is_rank_deficient():
    # one quarter: all visits in spring, so the season columns are all zero
    data = simulate_panel(200, 1, seed=4)
    plan = pw._plan(CX_FORMULA, data)
    y, x = pw._design(plan, data)
    assert np.linalg.matrix_rank(x) < x.shape[1]
    j = plan["names"].index("crowding:goal[T.hedonic]")
    est, se, p = pw._ols_term(y, x, j, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SingularMatrixWarning)
        res = sm.OLS(y, x).fit()
    assert (est, se, p) == pytest.approx((res.params[j], res.bse[j], res.pvalues[j]), abs=TOL)
    # a term the data cannot identify is reported as missing, not as a number
    assert np.isnan(pw._ols_term(y, x, plan["names"].index("season[T.winter]"), None)[0])


def test_fast_design_equals_the_formula_engine(full_rank_panel):
    from statsmodels.formula._manager import FormulaManager

    plan = pw._plan(CX_FORMULA, full_rank_panel)
    assert plan["recipes"] is not None  # the fast path is used for the default formula
    other = simulate_panel(150, 4, seed=12)
    y, x = pw._design(plan, other)
    fy, fx = FormulaManager().get_matrices(CX_FORMULA, other, pandas=True)
    assert list(fx.columns) == plan["names"]
    np.testing.assert_array_equal(x, fx.to_numpy(dtype=float))
    np.testing.assert_array_equal(y, np.asarray(fy, dtype=float).ravel())


def test_formula_the_fast_builder_cannot_read_falls_back_to_the_engine():
    formula = "cx ~ crowding * goal + I(service * 2) + cx_lag + customer_effect"
    plain = "cx ~ crowding * goal + service + cx_lag + customer_effect"
    a = pw.power_interaction([80], formula=formula, n_sims=10, seed=3, progress=False)
    b = pw.power_interaction([80], formula=plain, n_sims=10, seed=3, progress=False)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


def test_wilson_interval_matches_statsmodels():
    for k, n in [(0, 20), (7, 20), (20, 20), (163, 200)]:
        assert pw._wilson(k, n) == pytest.approx(
            proportion_confint(k, n, alpha=0.05, method="wilson"), abs=1e-12
        )


# --------------------------------------------------------------------------- behaviour


def test_same_seed_same_result_whatever_n_jobs():
    kw = {"n_sims": 24, "seed": 2024, "progress": False}
    one = pw.power_interaction([60, 150], n_jobs=1, **kw)
    two = pw.power_interaction([60, 150], n_jobs=2, **kw)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    # a size's result does not depend on the other sizes in the grid
    alone = pw.power_interaction([150], n_jobs=1, **kw)
    pd.testing.assert_frame_equal(alone, one.iloc[[1]].reset_index(drop=True), check_exact=True)


def test_different_seeds_differ():
    kw = {"effect": 0.15, "n_sims": 20, "progress": False}
    a = pw.power_interaction([200], seed=1, **kw)
    b = pw.power_interaction([200], seed=2, **kw)
    assert a["mean_estimate"].iloc[0] != b["mean_estimate"].iloc[0]


def test_power_rises_with_sample_size():
    res = pw.power_interaction(
        [100, 300, 900], effect=0.15, n_sims=60, seed=5, robust=None, progress=False
    )
    assert list(res.columns) == pw._RESULT_COLUMNS
    assert res["n_obs"].tolist() == [100, 300, 900]
    assert res["power"].is_monotonic_increasing
    assert res["power"].iloc[-1] > res["power"].iloc[0] + 0.5
    assert (res["true_value"] == 0.15).all()
    # the default specification is consistent: the average estimate is near the truth
    assert res["mean_estimate"].iloc[-1] == pytest.approx(0.15, abs=0.02)


@pytest.mark.parametrize("ci", [0.95, 0.90])
def test_size_is_one_minus_ci_when_the_effect_is_zero(ci):
    """With the correct model and normal errors the classical t-test is exact.

    A study detects the effect when its ci-level interval excludes 0, so with no effect
    the share of detections is 1 - ci (the old ``alpha``).
    """
    n_sims, alpha = 400, 1 - ci
    res = pw.power_interaction(
        [150], effect=0.0, n_sims=n_sims, ci=ci, robust=None, seed=9, progress=False
    )
    k = round(res["power"].iloc[0] * n_sims)
    lo, hi = stats.binom.ppf([0.005, 0.995], n_sims, alpha)  # 99% binomial bounds
    assert lo <= k <= hi
    assert res["true_value"].iloc[0] == 0.0
    # ... and the Monte Carlo interval covers the exact size
    assert res["ci_low"].iloc[0] <= alpha <= res["ci_high"].iloc[0]


def test_main_effect_and_its_truth():
    res = pw.power_main_effect(
        [120, 600], parameter="brand_weight", effect=0.1, n_sims=30, seed=8, progress=False
    )
    assert res["term"].tolist() == ["brand", "brand"]
    assert (res["true_value"] == 0.1).all()
    assert res["power"].iloc[1] > res["power"].iloc[0]
    # service is estimated at age 0 by CX_FORMULA: its true value says so
    svc = pw.power_main_effect([100], n_sims=2, seed=1, progress=False)
    assert svc["true_value"].iloc[0] == pytest.approx(0.30 - 4.5 * 0.05)


def test_interaction_per_year_of_age_uses_the_truth_table():
    res = pw.power_interaction(
        [100], interaction="service_x_age", effect=0.2, n_sims=2, seed=1, progress=False
    )
    assert res["term"].iloc[0] == "service:age"
    assert res["true_value"].iloc[0] == pytest.approx(0.02)
    assert res.attrs == {}  # the settings are the arguments; nothing in DataFrame.attrs


def test_progress_bar_can_be_shown(capsys):
    pw.power_interaction([60], n_sims=3, seed=1, progress=True)
    assert "power for crowding:goal[T.hedonic]" in capsys.readouterr().err


def test_input_is_validated():
    f = pw.power_interaction
    with pytest.raises(
        ValueError,
        match="interaction must be one of crowding_x_hedonic, atmosphere_x_supermarket.*"
        "got 'crowding_x_goal'",
    ):
        f([100], interaction="crowding_x_goal")
    with pytest.raises(ValueError, match="parameter must be one of social_weight"):
        pw.power_main_effect([100], parameter="crowding_x_hedonic")
    with pytest.raises(
        ValueError, match=r"n_customers must hold integers of at least 1, got \[0\]"
    ):
        f([100, 0])
    with pytest.raises(TypeError, match=r"n_customers must hold integers, got \[100\.5\]"):
        f([100.5])
    with pytest.raises(TypeError, match="n_customers must be a list"):
        f("100")
    with pytest.raises(ValueError, match="at least one"):
        f([])
    with pytest.raises(ValueError, match="more than once"):
        f([100, 100])
    with pytest.raises(ValueError, match="n_sims must be at least 1, got 0"):
        f([100], n_sims=0)
    with pytest.raises(ValueError, match="ci must lie strictly between 0 and 1"):
        f([100], ci=1.0)
    with pytest.raises(TypeError, match="ci must be a number"):
        f([100], ci="95%")
    with pytest.raises(TypeError, match="unexpected keyword argument 'alpha'"):
        f([100], alpha=0.05)  # renamed to ci (a confidence level) in issue 9
    with pytest.raises(TypeError, match="n_jobs must be an integer"):
        f([100], n_jobs=2.0)
    with pytest.raises(ValueError, match="n_jobs must be a non-zero integer.*got 0"):
        f([100], n_jobs=0)
    with pytest.raises(ValueError, match="robust must be one of"):
        f([100], robust="HC9")
    with pytest.raises(TypeError, match="progress must be True or False"):
        f([100], progress="no")
    with pytest.raises(TypeError, match="effect must be a number"):
        f([100], effect="0.2")
    with pytest.raises(ValueError, match="crowding_x_hedonic must lie between -2 and 2, got 5.0"):
        f([100], effect=5.0)
    with pytest.raises(
        ValueError, match="term must be a column of the design.*got 'crowding:goal'"
    ):
        f([100], term="crowding:goal")
    with pytest.raises(
        ValueError, match="n_customers must give more observations than coefficients"
    ):
        f([30, 200])
    with pytest.raises(TypeError, match="formula must be a string"):
        f([100], formula=3)
    with pytest.raises(ValueError, match="exactly one '~'"):
        f([100], formula="cx crowding")
    with pytest.raises(ValueError, match="cannot be built from the simulated panel"):
        f([100], formula="cx ~ crowding * goal + no_such_column")


def test_the_dask_backend_gives_the_joblib_result():
    # power runs through cx.simulation_study: a 2-worker local Dask cluster, the same bits
    kw = {"n_sims": 6, "seed": 5, "progress": False}
    joblib_res = pw.power_main_effect([60], **kw)
    dask_res = pw.power_main_effect([60], backend="dask", n_jobs=2, **kw)
    pd.testing.assert_frame_equal(joblib_res, dask_res, check_exact=True)


def test_an_unknown_backend_is_named():
    with pytest.raises(ValueError, match="backend must be one of"):
        pw.power_main_effect([60], n_sims=2, seed=1, backend="ray", progress=False)


@pytest.mark.parametrize(
    "interaction",
    ["crowding_x_winter", "service_x_south", "price_x_competition", "price_x_prior_expectation"],
)
def test_situation_moderators_of_issue_13_are_powered_against_their_truth(interaction):
    """The moderators added to the simulator are terms power_interaction can study."""
    res = pw.power_interaction(
        [400], interaction=interaction, n_periods=4, n_sims=20, seed=3, progress=False
    )
    row = (res.table if hasattr(res, "table") else res).iloc[0]
    assert row["n_not_estimable"] == 0
    assert row["true_value"] == getattr(pw.RetailParams(), interaction)
    # the mean of 20 estimates is within 4 Monte Carlo SEs of the truth
    assert abs(row["mean_estimate"] - row["true_value"]) < 0.06
