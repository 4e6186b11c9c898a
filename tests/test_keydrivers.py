"""Tests for cxresearch.keydrivers: brute force, hand calculations and statsmodels."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from cxresearch.keydrivers import (
    all_subsets_r2,
    complete_dominance,
    conditional_dominance,
    dominance_analysis,
    importance_performance,
    penalty_reward,
    relative_weights,
)
from cxresearch.plots import plot_importance_performance

TOL = 1e-10
REFERENCE = Path(__file__).parent / "reference"


def with_correlation(corr: np.ndarray, n: int, rng: np.random.Generator, names) -> pd.DataFrame:
    """Data whose sample correlation matrix is exactly ``corr``."""
    z = rng.normal(size=(n, corr.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return pd.DataFrame(z @ np.linalg.cholesky(corr).T, columns=names)


@pytest.fixture
def drivers(rng) -> pd.DataFrame:
    n, p = 300, 5
    mix = rng.normal(size=(p, p)) * 0.5 + np.eye(p)
    x = rng.normal(size=(n, p)) @ mix
    d = pd.DataFrame(x, columns=["staff", "price", "atmosphere", "assortment", "app"])
    d["satisfaction"] = x @ np.array([0.5, 0.3, 0.2, 0.1, 0.0]) + rng.normal(size=n)
    return d


X5 = ["staff", "price", "atmosphere", "assortment", "app"]


def brute_force_dominance(data: pd.DataFrame, y: str, x: list[str]) -> dict[str, float]:
    """General dominance written out plainly: fit every subset with statsmodels OLS."""
    r2 = {(): 0.0}
    for k in range(1, len(x) + 1):
        for subset in itertools.combinations(x, k):
            fit = sm.OLS(data[y], sm.add_constant(data[list(subset)])).fit()
            r2[subset] = fit.rsquared
    p = len(x)
    out = {}
    for j in x:
        others = [o for o in x if o != j]
        by_size = []
        for k in range(p):
            gains = []
            for subset in itertools.combinations(others, k):
                with_j = tuple(v for v in x if v in subset or v == j)
                gains.append(r2[with_j] - r2[subset])
            by_size.append(sum(gains) / len(gains))
        out[j] = sum(by_size) / p
    return out


# --------------------------------------------------------------------------- dominance


def test_dominance_equals_brute_force(drivers):
    result = dominance_analysis(drivers, y="satisfaction", x=X5)
    res = result.table
    expected = brute_force_dominance(drivers, "satisfaction", X5)
    np.testing.assert_allclose(res["estimate"], [expected[j] for j in X5], rtol=0, atol=TOL)
    full = sm.OLS(drivers["satisfaction"], sm.add_constant(drivers[X5])).fit().rsquared
    assert result.r_squared == pytest.approx(full, abs=TOL)
    assert res["estimate"].sum() == pytest.approx(full, abs=TOL)
    assert res["share"].sum() == pytest.approx(1.0, abs=TOL)
    assert res.sort_values("rank")["term"].tolist() == sorted(X5, key=lambda j: -expected[j])
    assert not res.attrs and result.n == 300 and result.n_boot == 0 and result.n_redrawn == 0


def test_dominance_three_drivers_by_hand(rng):
    r12, r13, r23, r1y, r2y, r3y = 0.3, 0.2, 0.4, 0.5, 0.4, 0.3
    corr = np.array(
        [[1, r12, r13, r1y], [r12, 1, r23, r2y], [r13, r23, 1, r3y], [r1y, r2y, r3y, 1]]
    )
    d = with_correlation(corr, 50, rng, ["x1", "x2", "x3", "y"])

    def r2_pair(ra, rb, rab):  # R² of two predictors, the textbook formula
        return (ra**2 + rb**2 - 2 * ra * rb * rab) / (1 - rab**2)

    r2_12, r2_13, r2_23 = r2_pair(r1y, r2y, r12), r2_pair(r1y, r3y, r13), r2_pair(r2y, r3y, r23)
    rxy = corr[:3, 3]
    r2_123 = rxy @ np.linalg.solve(corr[:3, :3], rxy)
    gd1 = r1y**2 / 3 + ((r2_12 - r2y**2) + (r2_13 - r3y**2)) / 6 + (r2_123 - r2_23) / 3
    gd2 = r2y**2 / 3 + ((r2_12 - r1y**2) + (r2_23 - r3y**2)) / 6 + (r2_123 - r2_13) / 3
    gd3 = r3y**2 / 3 + ((r2_13 - r1y**2) + (r2_23 - r2y**2)) / 6 + (r2_123 - r2_12) / 3
    res = dominance_analysis(d, y="y").table
    np.testing.assert_allclose(res["estimate"], [gd1, gd2, gd3], rtol=0, atol=TOL)


def test_all_subsets_r2_batched_equals_single(drivers):
    values = drivers[[*X5, "satisfaction"]].to_numpy()
    c1 = np.corrcoef(values, rowvar=False)
    c2 = np.corrcoef(values[:150], rowvar=False)
    both = all_subsets_r2(np.stack([c1, c2]))
    np.testing.assert_allclose(both[0], all_subsets_r2(c1), atol=1e-14)
    np.testing.assert_allclose(both[1], all_subsets_r2(c2), atol=1e-14)
    # mask 0b10101 = staff, atmosphere, app
    fit = sm.OLS(
        drivers["satisfaction"], sm.add_constant(drivers[["staff", "atmosphere", "app"]])
    ).fit()
    assert both[0][0b10101] == pytest.approx(fit.rsquared, abs=TOL)


def test_conditional_dominance(drivers):
    cond = conditional_dominance(drivers, y="satisfaction", x=X5)
    gd = dominance_analysis(drivers, y="satisfaction", x=X5).table.set_index("term")["estimate"]
    means = cond.groupby("term", sort=False)["estimate"].mean()
    np.testing.assert_allclose(means[X5], gd[X5], atol=TOL)
    staff = cond[cond["term"] == "staff"].set_index("k")["estimate"]
    r = np.corrcoef(drivers["staff"], drivers["satisfaction"])[0, 1]
    assert staff[0] == pytest.approx(r**2, abs=TOL)
    full = sm.OLS(drivers["satisfaction"], sm.add_constant(drivers[X5])).fit().rsquared
    rest = sm.OLS(drivers["satisfaction"], sm.add_constant(drivers[X5[1:]])).fit().rsquared
    assert staff[4] == pytest.approx(full - rest, abs=TOL)


def test_complete_dominance_equals_definition(drivers):
    x = X5[:4]
    out = complete_dominance(drivers, y="satisfaction", x=x)

    def r2(cols):
        if not cols:
            return 0.0
        return sm.OLS(drivers["satisfaction"], sm.add_constant(drivers[list(cols)])).fit().rsquared

    for i, j in itertools.permutations(x, 2):
        rest = [c for c in x if c not in (i, j)]
        diffs = [
            r2([*s, i]) - r2([*s, j])
            for k in range(len(rest) + 1)
            for s in itertools.combinations(rest, k)
        ]
        expected = 1.0 if min(diffs) > 0 else 0.0 if max(diffs) < 0 else 0.5
        assert out.loc[i, j] == expected
    assert np.isnan(np.diag(out.to_numpy())).all()


def test_complete_dominance_can_be_undetermined(rng):
    # x2 alone correlates less with y than x1, but suppresses x3's noise: the order flips
    corr = np.array(
        [[1, 0, 0, 0.3], [0, 1, 0.7, 0.25], [0, 0.7, 1, 0], [0.3, 0.25, 0, 1]], dtype=float
    )
    d = with_correlation(corr, 40, rng, ["x1", "x2", "x3", "y"])
    out = complete_dominance(d, y="y")
    assert out.loc["x1", "x2"] == 0.5


def test_dominance_bootstrap_is_seeded_and_equals_a_plain_loop(drivers):
    x = X5[:3]
    result = dominance_analysis(drivers, y="satisfaction", x=x, n_boot=60, seed=4)
    again = dominance_analysis(drivers, y="satisfaction", x=x, n_boot=60, seed=4)
    pd.testing.assert_frame_equal(result.table, again.table)
    assert result.n_boot == 60 and result.n_redrawn == 0
    res = result.table
    rng = np.random.default_rng(4)
    idx = rng.integers(0, len(drivers), size=(60, len(drivers)))
    boot = np.array(
        [
            list(
                brute_force_dominance(
                    drivers.iloc[rows].reset_index(drop=True), "satisfaction", x
                ).values()
            )
            for rows in idx
        ]
    )
    np.testing.assert_allclose(res["std_error"], boot.std(axis=0, ddof=1), atol=1e-9)
    lo, hi = np.quantile(boot, [0.025, 0.975], axis=0)
    np.testing.assert_allclose(res["ci_low"], lo, atol=1e-9)
    np.testing.assert_allclose(res["ci_high"], hi, atol=1e-9)


# --------------------------------------------------------------------------- relative weights


def test_relative_weights_hand_calculation(rng):
    ref = json.loads((REFERENCE / "relative_weights_hand.json").read_text())
    inp = ref["inputs"]
    corr = np.array(
        [
            [1, inp["r_x1_x2"], inp["r_x1_y"]],
            [inp["r_x1_x2"], 1, inp["r_x2_y"]],
            [inp["r_x1_y"], inp["r_x2_y"], 1],
        ]
    )
    d = with_correlation(corr, 30, rng, ["x1", "x2", "y"])
    result = relative_weights(d, y="y")
    res = result.table
    np.testing.assert_allclose(res["estimate"], ref["expected"]["weights"], atol=1e-12)
    np.testing.assert_allclose(res["estimate"], [43 / 150, 13 / 150], atol=TOL)
    assert result.r_squared == pytest.approx(ref["expected"]["r_squared"], abs=1e-12)
    c, s = math.cos(math.radians(15)), math.sin(math.radians(15))
    b1 = (c * 0.6 - s * 0.4) / math.cos(math.radians(30))
    assert b1 == pytest.approx(ref["expected"]["beta_star"][0], abs=1e-12)


def test_relative_weights_uncorrelated_drivers_are_squared_correlations(rng):
    corr = np.array([[1, 0, 0, 0.5], [0, 1, 0, 0.3], [0, 0, 1, 0.1], [0.5, 0.3, 0.1, 1]])
    d = with_correlation(corr, 40, rng, ["a", "b", "c", "y"])
    np.testing.assert_allclose(
        relative_weights(d, y="y").table["estimate"], [0.25, 0.09, 0.01], atol=TOL
    )


def test_relative_weights_sum_to_r2_and_bootstrap(drivers):
    res = relative_weights(drivers, y="satisfaction", x=X5, n_boot=200, seed=1).table
    full = sm.OLS(drivers["satisfaction"], sm.add_constant(drivers[X5])).fit().rsquared
    assert res["estimate"].sum() == pytest.approx(full, abs=TOL)
    assert (res["ci_low"] <= res["estimate"]).all() and (res["estimate"] <= res["ci_high"]).all()


# --------------------------------------------------------------------------- IPA


def test_importance_performance_quadrants_by_hand(rng):
    corr = np.array(
        [
            [1, 0, 0, 0, 0.6],
            [0, 1, 0, 0, 0.5],
            [0, 0, 1, 0, 0.2],
            [0, 0, 0, 1, 0.1],
            [0.6, 0.5, 0.2, 0.1, 1],
        ]
    )
    d = with_correlation(corr, 100, rng, ["staff", "price", "music", "parking", "sat"])
    d = d + [3.0, 5.0, 3.0, 5.0, 0.0]  # performance: low, high, low, high
    result = importance_performance(
        d, y="sat", x=["staff", "price", "music", "parking"], importance="correlation"
    )
    res = result.table
    np.testing.assert_allclose(res["importance"], [0.6, 0.5, 0.2, 0.1], atol=TOL)
    np.testing.assert_allclose(res["performance"], [3.0, 5.0, 3.0, 5.0], atol=TOL)
    assert res["quadrant"].tolist() == [
        "concentrate here", "keep up the good work", "low priority", "possible overkill",
    ]  # fmt: skip
    assert result.importance_cut == pytest.approx(0.35)
    assert result.performance_cut == pytest.approx(4.0)
    fixed = importance_performance(
        d, y="sat", x=["staff", "price"], importance="correlation", cut=(0.55, 4.0)
    ).table
    assert fixed["quadrant"].tolist() == ["concentrate here", "possible overkill"]
    dom = importance_performance(d, y="sat", x=["staff", "price", "music", "parking"]).table
    np.testing.assert_allclose(
        dom["importance"], np.array([0.36, 0.25, 0.04, 0.01]) / 0.66, atol=TOL
    )
    ax = plot_importance_performance(result)
    assert len(ax.texts) == 4 + 4 and ax.get_title() == ""
    assert ax.lines[1].get_ydata()[0] == pytest.approx(0.35)  # the result's cut
    assert "correlation" in ax.get_ylabel()
    ax = plot_importance_performance(res)  # a plain table: cross-hairs at the means
    assert ax.lines[1].get_ydata()[0] == pytest.approx(res["importance"].mean())


# --------------------------------------------------------------------------- PRCA / Kano


def test_penalty_reward_hand_made_data(rng):
    # four attributes on a 1-5 scale, every combination of answers equally often
    levels = [1, 3, 5]
    grid = pd.DataFrame(
        list(itertools.product(levels, repeat=4)), columns=["clean", "view", "staff", "music"]
    )
    d = pd.concat([grid] * 8, ignore_index=True)
    effect = (
        -1.0 * (d["clean"] == 1)  # basic: only missing it matters
        + 1.0 * (d["view"] == 5)  # excitement: only having it matters
        - 0.8 * (d["staff"] == 1)
        + 0.8 * (d["staff"] == 5)  # performance: both
    )  # music: no effect
    d["sat"] = 5 + effect + rng.normal(scale=0.1, size=len(d))
    result = penalty_reward(d, y="sat", x=["clean", "view", "staff", "music"], low=2, high=4)
    res = result.table
    assert result.n == len(d) and result.ci == 0.95 and result.asymmetry_cut == 0.2
    assert res["kano"].tolist() == ["basic", "excitement", "performance", "indifferent"]
    assert res["n_low"].tolist() == [216] * 4 and res["n_high"].tolist() == [216] * 4
    # penalty and reward are the dummy coefficients of one OLS fit
    dummies = pd.concat(
        {
            f"{c}_{k}": (d[c] <= 2 if k == "low" else d[c] >= 4).astype(float)
            for c in ["clean", "view", "staff", "music"]
            for k in ("low", "high")
        },
        axis=1,
    )
    fit = sm.OLS(d["sat"], sm.add_constant(dummies)).fit(cov_type="HC3")
    np.testing.assert_allclose(
        res["penalty"],
        -fit.params[[f"{c}_low" for c in ["clean", "view", "staff", "music"]]],
        atol=TOL,
    )
    np.testing.assert_allclose(
        res["reward_std_error"],
        fit.bse[[f"{c}_high" for c in ["clean", "view", "staff", "music"]]],
        atol=TOL,
    )
    np.testing.assert_allclose(res["penalty"].iloc[:3], [1.0, 0.0, 0.8], atol=0.05)
    np.testing.assert_allclose(res["reward"].iloc[:3], [0.0, 1.0, 0.8], atol=0.05)


def test_penalty_reward_per_attribute_thresholds_and_errors(rng):
    d = pd.DataFrame({"a": rng.integers(1, 6, 200), "b": rng.integers(0, 11, 200)})
    d["y"] = rng.normal(size=200)
    res = penalty_reward(d, y="y", x=["a", "b"], low={"a": 2, "b": 6}, high={"a": 5, "b": 9}).table
    assert res["n_low"].tolist() == [int((d["a"] <= 2).sum()), int((d["b"] <= 6).sum())]
    with pytest.raises(ValueError, match="has no high ratings"):
        penalty_reward(d, y="y", x=["a"], low=2, high=6)
    with pytest.raises(ValueError, match="low must be below high"):
        penalty_reward(d, y="y", x=["a"], low=4, high=3)
    with pytest.raises(ValueError, match="no threshold given"):
        penalty_reward(d, y="y", x=["a", "b"], low={"a": 2}, high=5)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("change", "kwargs", "error", "message"),
    [
        (None, {"x": ["staff"]}, ValueError, "at least 2 drivers"),
        (None, {"x": ["staff", "nope"]}, ValueError, r"column \['nope'\] not found"),
        (None, {"x": ["staff", "satisfaction"]}, ValueError, "cannot also be a driver"),
        ("const", {"x": ["staff", "const"]}, ValueError, r"\['const'\] have the same answer"),
        ("text", {"x": ["staff", "text"]}, TypeError, "'text' must be numeric"),
        ("double", {"x": ["staff", "double"]}, ValueError, r"\['staff', 'double'\] are an exact"),
        ("nan", {"x": ["staff", "price"]}, ValueError, "'price' has 1 missing"),
        (None, {"x": ["staff", "price"], "n_boot": -1}, ValueError, "n_boot must be at least 0"),
    ],
)
def test_bad_input(drivers, change, kwargs, error, message):
    d = drivers.assign(const=1.0, text="a", double=2 * drivers["staff"])
    if change == "nan":
        d.loc[5, "price"] = np.nan
    for fn in (dominance_analysis, relative_weights):
        with pytest.raises(error, match=message):
            fn(d, y="satisfaction", **kwargs)


def test_too_many_drivers_and_too_few_rows(rng):
    wide = pd.DataFrame(rng.normal(size=(60, 26)), columns=[f"x{i}" for i in range(25)] + ["y"])
    with pytest.raises(ValueError, match="at most 24 drivers, got 25"):
        dominance_analysis(wide, y="y")
    assert len(relative_weights(wide, y="y").table) == 25
    with pytest.raises(ValueError, match="too few rows: 3"):
        dominance_analysis(wide.head(3), y="y", x=["x0", "x1"])


def test_listwise_and_input_unchanged(drivers):
    d = drivers.copy()
    d.loc[[0, 1], "app"] = np.nan
    before = d.copy()
    res = dominance_analysis(d, y="satisfaction", x=X5, missing="listwise")
    assert res.n_dropped == 2 and res.n == 298
    pd.testing.assert_frame_equal(d, before)


# --------------------------------------------------------------------------- issue 9


def redrawn_resamples(values: np.ndarray, n_boot: int, seed: int) -> tuple[np.ndarray, int]:
    """Row indices of the bootstrap, written out plainly: draw ``n_boot`` resamples, then
    redraw (from the same stream, in order) each one in which some column is constant."""

    def degenerate(rows):
        return bool((np.ptp(values[rows], axis=0) == 0).any())

    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(values), size=(n_boot, len(values)))
    pending = [b for b in range(n_boot) if degenerate(idx[b])]
    n_redrawn = 0
    while pending:
        n_redrawn += len(pending)
        fresh = rng.integers(0, len(values), size=(len(pending), len(values)))
        still = []
        for slot, rows in zip(pending, fresh, strict=True):
            if degenerate(rows):
                still.append(slot)
            else:
                idx[slot] = rows
        pending = still
    return idx, n_redrawn


@pytest.fixture
def rare(rng) -> pd.DataFrame:
    """40 customers; 'complaint' is 1 for two of them, so 13% of resamples lack it."""
    n = 40
    d = pd.DataFrame({"staff": rng.normal(size=n), "price": rng.normal(size=n)})
    d["complaint"] = (np.arange(n) < 2).astype(float)
    d["satisfaction"] = d["staff"] + 0.5 * d["price"] - d["complaint"] + rng.normal(size=n)
    return d


def test_dominance_bootstrap_redraws_resamples_that_lose_a_rare_driver(rare):
    # issue 9, defect 7: before, all-NaN std_error (and a RuntimeWarning) for such data
    x = ["staff", "price", "complaint"]
    res = dominance_analysis(rare, y="satisfaction", x=x, n_boot=100, seed=3)
    idx, n_redrawn = redrawn_resamples(rare[[*x, "satisfaction"]].to_numpy(), 100, 3)
    assert n_redrawn > 0 and res.n_redrawn == n_redrawn and res.n_boot == 100
    boot = np.array(
        [
            list(
                brute_force_dominance(
                    rare.iloc[rows].reset_index(drop=True), "satisfaction", x
                ).values()
            )
            for rows in idx
        ]
    )
    assert np.isfinite(res.table[["std_error", "ci_low", "ci_high"]].to_numpy()).all()
    np.testing.assert_allclose(res.table["std_error"], boot.std(axis=0, ddof=1), atol=1e-9)
    lo, hi = np.quantile(boot, [0.025, 0.975], axis=0)
    np.testing.assert_allclose(res.table["ci_low"], lo, atol=1e-9)
    np.testing.assert_allclose(res.table["ci_high"], hi, atol=1e-9)


def test_relative_weights_bootstrap_redraws_instead_of_failing(rare):
    # issue 9, defect 7: before, NaN or LinAlgError: Singular matrix
    x = ["staff", "price", "complaint"]
    res = relative_weights(rare, y="satisfaction", x=x, n_boot=100, seed=3)
    idx, n_redrawn = redrawn_resamples(rare[[*x, "satisfaction"]].to_numpy(), 100, 3)
    assert res.n_redrawn == n_redrawn > 0
    boot = np.array(
        [relative_weights(rare.iloc[rows], y="satisfaction", x=x).table["estimate"] for rows in idx]
    )
    np.testing.assert_allclose(res.table["std_error"], boot.std(axis=0, ddof=1), atol=1e-9)


def test_bootstrap_refuses_drivers_too_rare_to_resample(rng):
    n = 60
    d = pd.DataFrame({"staff": rng.normal(size=n)})
    d["visit_a"] = (np.arange(n) == 0).astype(float)  # each present in one row only
    d["visit_b"] = (np.arange(n) == 1).astype(float)
    d["satisfaction"] = d["staff"] + rng.normal(size=n)
    with pytest.raises(
        ValueError, match=r"column 'visit_[ab]' cannot be bootstrapped.*only 1 of 60"
    ):
        dominance_analysis(d, y="satisfaction", n_boot=200, seed=1)
    assert dominance_analysis(d, y="satisfaction").n_boot == 0  # no bootstrap: fine


def test_bootstrap_needs_enough_rows(rng):
    d = pd.DataFrame(rng.normal(size=(6, 3)), columns=["a", "b", "y"])
    with pytest.raises(ValueError, match="too few rows to bootstrap: 6 .* At least 7 rows"):
        relative_weights(d, y="y", n_boot=100, seed=1)
    assert relative_weights(d, y="y").n == 6


def test_collinear_drivers_are_named(drivers):
    d = drivers.assign(total=drivers["staff"] + 2 * drivers["price"] + 5)
    with pytest.raises(ValueError, match=r"\['staff', 'price', 'total'\] are an exact linear"):
        dominance_analysis(d, y="satisfaction", x=["staff", "price", "atmosphere", "total"])
    # a driver measured far from zero is not collinear with anything
    shifted = dominance_analysis(drivers.assign(staff=drivers["staff"] + 1e7), y="satisfaction")
    np.testing.assert_allclose(
        shifted.table["estimate"],
        dominance_analysis(drivers, y="satisfaction").table["estimate"],
        atol=1e-6,
    )


def test_result_objects_replace_attrs(drivers):
    res = relative_weights(drivers, y="satisfaction", x=X5, n_boot=50, seed=1)
    assert not res.table.attrs and res.method == "relative_weights" and res.ci == 0.95
    assert repr(res).startswith("ImportanceResult(method='relative_weights', r_squared=")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.n = 1
    ipa = importance_performance(drivers, y="satisfaction", x=X5, importance="relative_weights")
    assert not ipa.table.attrs and ipa.importance == "relative_weights" and ipa.n == 300
    assert ipa.performance_cut == pytest.approx(drivers[X5].mean().mean())


def hotel(rng, n_copies: int = 6) -> pd.DataFrame:
    levels = [1, 3, 5]
    grid = pd.DataFrame(
        list(itertools.product(levels, repeat=3)), columns=["clean", "noise", "view"]
    )
    return pd.concat([grid] * n_copies, ignore_index=True)


def test_penalty_reward_wrong_sign_is_unexpected_not_basic(rng):
    # issue 9, defect 8: a top rating that significantly LOWERS satisfaction (here a
    # reverse-keyed "noise" item) was labelled "basic"; it is no Kano class
    d = hotel(rng)
    d["sat"] = (
        5
        - 1.0 * (d["clean"] == 1)
        - 0.8 * (d["noise"] == 5)  # wrong sign: high rating, lower satisfaction
        + 0.9 * (d["view"] == 5)
        + rng.normal(scale=0.2, size=len(d))
    )
    res = penalty_reward(d, y="sat", x=["clean", "noise", "view"], low=2, high=4).table
    assert res["kano"].tolist() == ["basic", "unexpected", "excitement"]
    noise = res.set_index("term").loc["noise"]
    assert noise["reward"] < 0 and noise["reward_p_value"] < 0.05
    # the index is (R - P) / (|R| + |P|), as documented; in [-1, 1]
    r, p = res["reward"], res["penalty"]
    np.testing.assert_allclose(res["asymmetry"], (r - p) / (r.abs() + p.abs()), atol=TOL)
    assert (res["asymmetry"].abs() <= 1).all()
    # a wrong-signed penalty (a low rating raises satisfaction) likewise
    d["sat2"] = 5 + 0.8 * (d["clean"] == 1) + rng.normal(scale=0.2, size=len(d))
    res2 = penalty_reward(d, y="sat2", x=["clean"], low=2, high=4).table
    assert res2["penalty"].iloc[0] < 0 and res2["kano"].tolist() == ["unexpected"]


def test_penalty_reward_ci_replaces_alpha(rng):
    d = hotel(rng, 2)
    d["sat"] = 5 + 0.15 * (d["view"] == 5) + rng.normal(scale=0.3, size=len(d))
    strict = penalty_reward(d, y="sat", x=["view"], low=2, high=4, ci=0.999)
    loose = penalty_reward(d, y="sat", x=["view"], low=2, high=4, ci=0.5)
    p_value = strict.table["reward_p_value"].iloc[0]
    assert 0.001 < p_value < 0.5
    assert strict.table["kano"].iloc[0] == "indifferent" and strict.ci == 0.999
    assert loose.table["kano"].iloc[0] == "excitement"
    with pytest.raises(TypeError, match="alpha"):
        penalty_reward(d, y="sat", x=["view"], low=2, high=4, alpha=0.05)
    with pytest.raises(ValueError, match="ci must lie strictly between"):
        penalty_reward(d, y="sat", x=["view"], low=2, high=4, ci=95)


def test_penalty_reward_collinear_dummies_are_named(rng):
    d = hotel(rng, 2).assign(clean2=lambda f: f["clean"])
    d["sat"] = rng.normal(size=len(d))
    with pytest.raises(
        ValueError, match=r"\['clean_low', 'clean_high', 'clean2_low', 'clean2_high'\] are an exact"
    ):
        penalty_reward(d, y="sat", x=["clean", "clean2"], low=2, high=4)


# --------------------------------------------------------------------------- survey weights


@pytest.fixture
def weighted_survey():
    rng = np.random.default_rng(77)
    d = pd.DataFrame(rng.normal(size=(300, 3)), columns=["staff", "price", "atmosphere"])
    d["satisfaction"] = d @ [0.6, 0.3, 0.1] + rng.normal(size=300)
    d["w"] = rng.integers(1, 4, size=300)
    return d


def test_integer_weights_equal_repeated_rows(weighted_survey):
    d = weighted_survey
    repeated = d.loc[d.index.repeat(d["w"])].drop(columns="w")
    x = ["staff", "price", "atmosphere"]
    for fn in (dominance_analysis, relative_weights):
        weighted = fn(d, y="satisfaction", x=x, weights="w")
        copies = fn(repeated, y="satisfaction", x=x)
        np.testing.assert_allclose(weighted.table["estimate"], copies.table["estimate"], atol=TOL)
        assert weighted.r_squared == pytest.approx(copies.r_squared, abs=TOL)
    ipa = importance_performance(d, y="satisfaction", x=x, weights="w")
    ipa_rep = importance_performance(repeated, y="satisfaction", x=x)
    np.testing.assert_allclose(ipa.table["performance"], ipa_rep.table["performance"], atol=TOL)
    np.testing.assert_allclose(ipa.table["importance"], ipa_rep.table["importance"], atol=TOL)


def test_weighted_bootstrap_with_unit_weights_is_the_plain_bootstrap(weighted_survey):
    d = weighted_survey.assign(one=1.0)
    x = ["staff", "price", "atmosphere"]
    plain = dominance_analysis(d, y="satisfaction", x=x, n_boot=300, seed=5)
    unit = dominance_analysis(d, y="satisfaction", x=x, n_boot=300, seed=5, weights="one")
    np.testing.assert_allclose(unit.table["std_error"], plain.table["std_error"], rtol=1e-9)


def test_weighted_bootstrap_equals_a_loop_over_weighted_resamples(weighted_survey):
    """Each resample carries its rows' weights: a plain loop with np.cov(aweights=...)."""
    d = weighted_survey.assign(w=weighted_survey["w"] * 0.7)
    x = ["staff", "price", "atmosphere"]
    res = relative_weights(d, y="satisfaction", x=x, n_boot=200, seed=9, weights="w")
    rng = np.random.default_rng(9)
    values = d[[*x, "satisfaction"]].to_numpy()
    w = d["w"].to_numpy()
    idx = rng.integers(0, len(d), size=(200, len(d)))  # the draws, in one chunk
    est = []
    for rows in idx:
        cov = np.cov(values[rows], rowvar=False, aweights=w[rows])
        sd = np.sqrt(np.diag(cov))
        est.append(_relative_weights_of(cov / sd[:, None] / sd[None, :]))
    np.testing.assert_allclose(res.table["std_error"], np.std(est, axis=0, ddof=1), rtol=1e-8)


def _relative_weights_of(corr):
    from cxresearch.keydrivers import _relative_weights

    return _relative_weights(corr)


def test_weights_are_checked_in_key_drivers(weighted_survey):
    x = ["staff", "price"]
    with pytest.raises(ValueError, match="non-negative"):
        dominance_analysis(weighted_survey.assign(w=-1.0), y="satisfaction", x=x, weights="w")
    with pytest.raises(ValueError, match="also a driver or the outcome"):
        dominance_analysis(weighted_survey, y="satisfaction", x=["staff", "w"], weights="w")


def _prca_data(rng, n=400):
    d = pd.DataFrame(rng.integers(1, 6, size=(n, 2)), columns=["clean", "view"])
    d["sat"] = 5 - 1.2 * (d["clean"] <= 2) + 0.9 * (d["view"] == 5) + rng.normal(scale=0.6, size=n)
    d["w"] = rng.uniform(0.2, 3.0, size=n) * np.where(d["view"] == 5, 2.5, 1.0)
    return d


def test_weighted_penalty_reward_equals_statsmodels_wls(rng):
    d = _prca_data(rng)
    x = ["clean", "view"]
    res = penalty_reward(d, y="sat", x=x, low=2, high=5, weights="w")
    assert res.weights == "w" and res.n == len(d)
    dummies = pd.concat(
        {
            f"{c}_{k}": (d[c] <= 2 if k == "low" else d[c] >= 5).astype(float)
            for c in x
            for k in ("low", "high")
        },
        axis=1,
    )
    for robust in ("HC3", None):
        got = penalty_reward(d, y="sat", x=x, low=2, high=5, weights="w", robust=robust).table
        model = sm.WLS(d["sat"], sm.add_constant(dummies), weights=d["w"])
        fit = model.fit() if robust is None else model.fit(cov_type=robust)
        low, high = [f"{c}_low" for c in x], [f"{c}_high" for c in x]
        np.testing.assert_allclose(got["penalty"], -fit.params[low], rtol=0, atol=TOL)
        np.testing.assert_allclose(got["reward"], fit.params[high], rtol=0, atol=TOL)
        np.testing.assert_allclose(got["penalty_std_error"], fit.bse[low], rtol=0, atol=TOL)
        np.testing.assert_allclose(got["reward_p_value"], fit.pvalues[high], rtol=0, atol=TOL)
    assert res.r_squared == pytest.approx(
        sm.WLS(d["sat"], sm.add_constant(dummies), weights=d["w"]).fit().rsquared, abs=TOL
    )
    plain = penalty_reward(d, y="sat", x=x, low=2, high=5)
    assert plain.weights is None
    assert not np.allclose(plain.table["reward"], res.table["reward"], atol=1e-3)
    # integer weights: the estimates of the data with each row repeated
    d["k"] = rng.integers(1, 4, size=len(d))
    repeated = d.loc[d.index.repeat(d["k"])]
    counted = penalty_reward(d, y="sat", x=x, low=2, high=5, weights="k").table
    copies = penalty_reward(repeated, y="sat", x=x, low=2, high=5).table
    np.testing.assert_allclose(counted["penalty"], copies["penalty"], atol=TOL)
    np.testing.assert_allclose(counted["reward"], copies["reward"], atol=TOL)


def test_penalty_reward_weights_are_checked(rng):
    d = _prca_data(rng)
    kw = {"y": "sat", "x": ["clean", "view"], "low": 2, "high": 5}
    with pytest.raises(ValueError, match="weights: column 'w' must hold finite, non-negative"):
        penalty_reward(d.assign(w=-d["w"]), weights="w", **kw)
    with pytest.raises(ValueError, match=r"weights: column \['ww'\] not found"):
        penalty_reward(d, weights="ww", **kw)
    with pytest.raises(ValueError, match="weights: 'view' is also an attribute or the outcome"):
        penalty_reward(d, weights="view", **kw)
    gaps = d.copy()
    gaps.loc[4, "w"] = np.nan
    with pytest.raises(ValueError, match="'w' has 1 missing"):
        penalty_reward(gaps, weights="w", **kw)
    assert penalty_reward(gaps, weights="w", missing="listwise", **kw).n_dropped == 1
    # a group whose rows all weigh 0 is no group
    zero = d.assign(w=np.where(d["view"] == 5, 0.0, d["w"]))
    with pytest.raises(ValueError, match="'view' has no high ratings \\(of positive weight\\)"):
        penalty_reward(zero, weights="w", **kw)


# ------------------------------------------- columns in units of 1e-200 to 1e200 (defect 11)

_SCALE_RNG = np.random.default_rng(47)
SCALE_DRIVERS = pd.DataFrame(
    _SCALE_RNG.normal(size=(80, 3)) + [4.0, 5.0, 6.0], columns=["staff", "price", "app"]
)
SCALE_DRIVERS["satisfaction"] = SCALE_DRIVERS @ [0.6, 0.3, 0.1] + _SCALE_RNG.normal(size=80)
SCALE_DRIVERS["w"] = _SCALE_RNG.integers(1, 4, size=80).astype(float)


@given(
    exps=st.lists(st.floats(-200, 200), min_size=5, max_size=5),
    uniform=st.booleans(),
    weighted=st.booleans(),
)
@settings(max_examples=40, deadline=None)
def test_importances_survive_columns_scaled_by_1e_200_to_1e200(exps, uniform, weighted):
    """Fuzz: each column (drivers, outcome, weights) times 10**e, e in [-200, 200].
    Importances are free of the units: equal to the unscaled ones to 1e-8; mean
    performance is in the new units. Never NaN, inf, LinAlgError ("Eigenvalues did
    not converge") or a RuntimeWarning."""
    cols = list(SCALE_DRIVERS.columns)
    factors = 10.0 ** (np.full(5, exps[0]) if uniform else np.asarray(exps))
    data = SCALE_DRIVERS * pd.Series(factors, index=cols)
    kw = {"y": "satisfaction", "x": ["staff", "price", "app"]}
    kw |= {"weights": "w"} if weighted else {}
    for func, extra in [
        (dominance_analysis, {"n_boot": 100, "seed": 5}),
        (relative_weights, {"n_boot": 100, "seed": 5}),
    ]:
        got, want = func(data, **kw, **extra), func(SCALE_DRIVERS, **kw, **extra)
        num = ["estimate", "share", "std_error", "ci_low", "ci_high"]
        assert np.isfinite(got.table[num].to_numpy()).all()
        np.testing.assert_allclose(got.table[num], want.table[num], rtol=1e-8, atol=1e-12)
        assert got.r_squared == pytest.approx(want.r_squared, rel=1e-8)
    for func in (conditional_dominance, complete_dominance):
        pd.testing.assert_frame_equal(func(data, **kw), func(SCALE_DRIVERS, **kw), rtol=1e-8)
    for importance in ("dominance", "relative_weights", "correlation"):
        got = importance_performance(data, **kw, importance=importance).table
        want = importance_performance(SCALE_DRIVERS, **kw, importance=importance).table
        np.testing.assert_allclose(got["importance"], want["importance"], rtol=1e-8)
        np.testing.assert_allclose(got["performance"] / factors[:3], want["performance"], rtol=1e-8)
        if uniform:
            assert got["quadrant"].tolist() == want["quadrant"].tolist()
