"""Tests for cxresearch.mediation: against pingouin and statsmodels on the same data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st

from cxresearch.mediation import MediationResult, mediation_analysis

TOL = 1e-10


@pytest.fixture
def survey(rng) -> pd.DataFrame:
    n = 500
    d = pd.DataFrame({"staff": rng.normal(size=n), "age": rng.normal(size=n)})
    d["satisfaction"] = 0.5 * d["staff"] + 0.2 * d["age"] + rng.normal(size=n)
    d["trust"] = 0.3 * d["staff"] + rng.normal(size=n)
    d["loyalty"] = (
        0.4 * d["satisfaction"] + 0.2 * d["trust"] + 0.1 * d["staff"] + rng.normal(size=n)
    )
    return d


def _by_term(res: MediationResult) -> pd.DataFrame:
    return res.table.set_index("term")


def test_paths_match_statsmodels(survey):
    res = _by_term(
        mediation_analysis(survey, x="staff", m="satisfaction", y="loyalty", n_boot=200, seed=1)
    )
    a = smf.ols("satisfaction ~ staff", survey).fit()
    full = smf.ols("loyalty ~ staff + satisfaction", survey).fit()
    total = smf.ols("loyalty ~ staff", survey).fit()
    for term, fit, name in [
        ("a", a, "staff"),
        ("b", full, "satisfaction"),
        ("c'", full, "staff"),
        ("c", total, "staff"),
    ]:
        assert res.loc[term, "estimate"] == pytest.approx(fit.params[name], abs=TOL)
        assert res.loc[term, "std_error"] == pytest.approx(fit.bse[name], abs=TOL)
        assert res.loc[term, "p_value"] == pytest.approx(fit.pvalues[name], abs=TOL)
        assert res.loc[term, "ci_low"] == pytest.approx(fit.conf_int().loc[name, 0], abs=TOL)
    # OLS identity: total = direct + indirect
    assert res.loc["c", "estimate"] == pytest.approx(
        res.loc["c'", "estimate"] + res.loc["indirect", "estimate"], abs=TOL
    )


@pytest.mark.parametrize(
    ("m", "covar"), [("satisfaction", None), (["satisfaction", "trust"], "age")]
)
def test_indirect_effect_matches_pingouin(survey, m, covar):
    ours = mediation_analysis(
        survey, x="staff", m=m, y="loyalty", covariates=covar, n_boot=2000, seed=3, method="bc"
    )
    theirs = pg.mediation_analysis(
        survey, x="staff", m=m, y="loyalty", covar=covar, n_boot=2000, seed=3
    )
    theirs = theirs.set_index("path")
    assert ours.n_redrawn == 0 and ours.n_boot == 2000 and ours.method == "bc"
    mediators = [m] if isinstance(m, str) else m
    ours = _by_term(ours)
    for med in mediators:
        term = "indirect" if len(mediators) == 1 else f"indirect[{med}]"
        pg_row = "Indirect" if len(mediators) == 1 else f"Indirect {med}"
        assert ours.loc[term, "estimate"] == pytest.approx(theirs.loc[pg_row, "coef"], abs=TOL)
        # bootstrap: same within Monte Carlo error (different resamples)
        se = theirs.loc[pg_row, "se"]
        assert ours.loc[term, "std_error"] == pytest.approx(se, rel=0.1)
        for ours_col, pg_col in (("ci_low", "CI2.5"), ("ci_high", "CI97.5")):
            assert abs(ours.loc[term, ours_col] - theirs.loc[pg_row, pg_col]) < 0.2 * se
        a_row = f"{med} ~ X"
        a_term = "a" if len(mediators) == 1 else f"a[{med}]"
        assert ours.loc[a_term, "estimate"] == pytest.approx(theirs.loc[a_row, "coef"], abs=TOL)
    assert ours.loc["c'", "estimate"] == pytest.approx(theirs.loc["Direct", "coef"], abs=TOL)
    assert ours.loc["c", "estimate"] == pytest.approx(theirs.loc["Total", "coef"], abs=TOL)


def test_parallel_mediators_total_indirect_is_the_sum(survey):
    res = _by_term(
        mediation_analysis(
            survey, x="staff", m=["satisfaction", "trust"], y="loyalty", n_boot=300, seed=1
        )
    )
    assert res.index.tolist() == [
        "a[satisfaction]", "a[trust]", "b[satisfaction]", "b[trust]", "c", "c'",
        "indirect[satisfaction]", "indirect[trust]", "indirect",
    ]  # fmt: skip
    parts = res.loc["indirect[satisfaction]", "estimate"] + res.loc["indirect[trust]", "estimate"]
    assert res.loc["indirect", "estimate"] == pytest.approx(parts, abs=TOL)
    assert res.loc["c", "estimate"] == pytest.approx(res.loc["c'", "estimate"] + parts, abs=TOL)


def test_bootstrap_by_hand_with_the_same_resamples(survey):
    """The vectorised bootstrap equals a plain loop of OLS fits on the same resamples."""
    n_boot, seed = 150, 11
    res = mediation_analysis(
        survey, x="staff", m="satisfaction", y="loyalty", n_boot=n_boot, seed=seed
    )
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(survey), size=(n_boot, len(survey)))
    x, m, y = (survey[c].to_numpy() for c in ("staff", "satisfaction", "loyalty"))
    ab = []
    for rows in idx:
        one = np.ones(len(rows))
        a = np.linalg.lstsq(np.column_stack([one, x[rows]]), m[rows], rcond=None)[0][1]
        b = np.linalg.lstsq(np.column_stack([one, x[rows], m[rows]]), y[rows], rcond=None)[0][2]
        ab.append(a * b)
    ab = np.array(ab)
    row = _by_term(res).loc["indirect"]
    assert res.n_redrawn == 0
    assert row["std_error"] == pytest.approx(ab.std(ddof=1), abs=1e-9)
    lo, hi = np.quantile(ab, [0.025, 0.975])
    assert row["ci_low"] == pytest.approx(lo, abs=1e-9)
    assert row["ci_high"] == pytest.approx(hi, abs=1e-9)


def test_bca_acceleration_from_the_jackknife(survey):
    """BCa with the jackknife computed plainly, on the same resamples."""
    from scipy import stats

    d = survey.head(120)
    res = _by_term(
        mediation_analysis(
            d, x="staff", m="satisfaction", y="loyalty", n_boot=400, seed=5, method="bca"
        )
    )
    pct = _by_term(
        mediation_analysis(d, x="staff", m="satisfaction", y="loyalty", n_boot=400, seed=5)
    )
    x, m, y = (d[c].to_numpy() for c in ("staff", "satisfaction", "loyalty"))

    def ab(rows):
        one = np.ones(len(rows))
        a = np.linalg.lstsq(np.column_stack([one, x[rows]]), m[rows], rcond=None)[0][1]
        b = np.linalg.lstsq(np.column_stack([one, x[rows], m[rows]]), y[rows], rcond=None)[0][2]
        return a * b

    n = len(d)
    est = ab(np.arange(n))
    rng = np.random.default_rng(5)
    boot = np.array([ab(r) for r in rng.integers(0, n, size=(400, n))])
    jack = np.array([ab(np.delete(np.arange(n), i)) for i in range(n)])
    dj = jack.mean() - jack
    acc = (dj**3).sum() / (6 * (dj**2).sum() ** 1.5)
    z0 = stats.norm.ppf(np.mean(boot < est))
    z = stats.norm.ppf([0.025, 0.975])
    lo, hi = np.quantile(boot, stats.norm.cdf(z0 + (z0 + z) / (1 - acc * (z0 + z))))
    assert res.loc["indirect", "ci_low"] == pytest.approx(lo, abs=1e-9)
    assert res.loc["indirect", "ci_high"] == pytest.approx(hi, abs=1e-9)
    assert res.loc["indirect", "std_error"] == pytest.approx(pct.loc["indirect", "std_error"])


def test_seeded_and_input_unchanged(survey):
    before = survey.copy()
    r1 = mediation_analysis(survey, x="staff", m="satisfaction", y="loyalty", n_boot=200, seed=7)
    r2 = mediation_analysis(
        survey, x="staff", m="satisfaction", y="loyalty", n_boot=200, seed=np.random.default_rng(7)
    )
    pd.testing.assert_frame_equal(r1.table, r2.table)
    pd.testing.assert_frame_equal(survey, before)
    assert r1.n_boot == 200 and r1.n == 500 and r1.ci == 0.95 and not r1.table.attrs
    assert "MediationResult(n=500, n_dropped=0, n_boot=200, n_redrawn=0" in repr(r1)


def test_missing_values(survey):
    d = survey.copy()
    d.loc[[1, 2, 3], "trust"] = np.nan
    with pytest.raises(ValueError, match="'trust' has 3 missing"):
        mediation_analysis(d, x="staff", m="trust", y="loyalty", n_boot=100)
    res = mediation_analysis(
        d, x="staff", m="trust", y="loyalty", n_boot=100, seed=1, missing="listwise"
    )
    assert res.n_dropped == 3 and res.n == 497


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"m": "nope"}, ValueError, r"m: column \['nope'\] not found"),
        ({"m": "staff"}, ValueError, "already used as x"),
        ({"m": "label"}, TypeError, "'label' must be numeric"),
        ({"m": "const"}, ValueError, r"\['const'\] have the same answer"),
        ({"m": "satisfaction", "n_boot": 10}, ValueError, "n_boot must be at least 100"),
        ({"m": "satisfaction", "method": "basic"}, ValueError, "method must be one of"),
        ({"m": "satisfaction", "ci": 95}, ValueError, "ci must lie strictly between"),
        ({"m": "satisfaction", "seed": "a"}, TypeError, "seed must be"),
    ],
)
def test_bad_input(survey, kwargs, error, message):
    d = survey.assign(label="x", const=1.0)
    with pytest.raises(error, match=message):
        mediation_analysis(d, x="staff", y="loyalty", **{"n_boot": 100, **kwargs})


def test_too_few_rows(survey):
    with pytest.raises(ValueError, match="too few rows"):
        mediation_analysis(
            survey.head(4), x="staff", m="satisfaction", y="loyalty", covariates="age", n_boot=100
        )


# --------------------------------------------------------------------------- issue 9


def test_the_function_is_not_shadowed_by_its_module():
    # issue 9, defect 1: after `import cxresearch.mediation`, cx.mediation was the module
    import subprocess
    import sys

    code = (
        "import cxresearch.mediation, cxresearch as cx, numpy as np, pandas as pd\n"
        "rng = np.random.default_rng(1)\n"
        "d = pd.DataFrame(rng.normal(size=(50, 3)), columns=['x', 'm', 'y'])\n"
        "res = cx.mediation_analysis(d, x='x', m='m', y='y', n_boot=100, seed=1)\n"
        "print(type(cx.mediation).__name__, type(res).__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["module", "MediationResult"]


def test_five_rows_is_a_clear_error(survey):
    # issue 9, defect 9: was LinAlgError: Singular matrix from the bootstrap
    with pytest.raises(ValueError, match=r"too few rows to bootstrap: 5 .* At least 7 rows"):
        mediation_analysis(survey.head(5), x="staff", m="satisfaction", y="loyalty", n_boot=200)
    res = mediation_analysis(survey.head(7), x="staff", m="satisfaction", y="loyalty", seed=2)
    assert np.isfinite(res.table["std_error"]).all()


def test_collinear_columns_are_named(survey):
    d = survey.assign(gap=survey["staff"] - survey["age"])
    with pytest.raises(ValueError, match=r"\['staff', 'age', 'gap'\] are an exact linear"):
        mediation_analysis(
            d, x="staff", m="satisfaction", y="loyalty", covariates=["age", "gap"], n_boot=100
        )


def test_rare_treatment_resamples_are_redrawn(rng):
    # issue 9, defect 7: a 0/1 driver that is 1 for 2 of 40 customers is absent from
    # 13% of resamples; those used to give LinAlgError (or rounding noise)
    n, n_boot, seed = 40, 300, 8
    d = pd.DataFrame({"recovered": (np.arange(n) < 2).astype(float)})
    d["satisfaction"] = 0.8 * d["recovered"] + rng.normal(size=n)
    d["loyalty"] = 0.5 * d["satisfaction"] + rng.normal(size=n)
    res = mediation_analysis(
        d, x="recovered", m="satisfaction", y="loyalty", n_boot=n_boot, seed=seed
    )
    values = d[["recovered", "satisfaction", "loyalty"]].to_numpy()
    gen = np.random.default_rng(seed)
    idx = gen.integers(0, n, size=(n_boot, n))
    pending = [b for b in range(n_boot) if np.ptp(values[idx[b]], axis=0).min() == 0]
    n_redrawn = 0
    while pending:
        n_redrawn += len(pending)
        fresh = gen.integers(0, n, size=(len(pending), n))
        still = []
        for slot, rows in zip(pending, fresh, strict=True):
            if np.ptp(values[rows], axis=0).min() == 0:
                still.append(slot)
            else:
                idx[slot] = rows
        pending = still
    assert res.n_redrawn == n_redrawn > 0
    ab = []
    for rows in idx:
        x, m, y = values[rows].T
        one = np.ones(n)
        a = np.linalg.lstsq(np.column_stack([one, x]), m, rcond=None)[0][1]
        b = np.linalg.lstsq(np.column_stack([one, x, m]), y, rcond=None)[0][2]
        ab.append(a * b)
    row = _by_term(res).loc["indirect"]
    assert row["std_error"] == pytest.approx(np.std(ab, ddof=1), abs=1e-9)
    assert row["ci_low"] == pytest.approx(np.quantile(ab, 0.025), abs=1e-9)


def test_bca_refuses_a_jackknife_that_loses_the_driver(rng):
    n = 40
    d = pd.DataFrame({"recovered": (np.arange(n) < 3).astype(float)})
    d["satisfaction"] = 0.8 * d["recovered"] + rng.normal(size=n)
    d["loyalty"] = 0.5 * d["satisfaction"] + rng.normal(size=n)
    d.loc[1:2, "recovered"] = 0.0  # now a single treated customer (row 0)
    with pytest.raises(ValueError, match=r"leaving out row 0 makes 'recovered' constant"):
        mediation_analysis(
            d, x="recovered", m="satisfaction", y="loyalty", n_boot=200, seed=1, method="bca"
        )


# --------------------------------------------------------------------------- survey weights


def _weighted_data(seed=12, n=250):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({"staff": rng.normal(size=n), "age": rng.normal(size=n)})
    d["satisfaction"] = 0.5 * d["staff"] + 0.2 * d["age"] + rng.normal(size=n)
    d["loyalty"] = 0.4 * d["satisfaction"] + 0.1 * d["staff"] + rng.normal(size=n)
    d["w"] = rng.integers(1, 4, size=n)
    return d


def test_weighted_mediation_equals_repeated_rows_and_wls():
    import statsmodels.formula.api as smf

    d = _weighted_data()
    kw = {"x": "staff", "m": "satisfaction", "y": "loyalty", "covariates": "age", "n_boot": 200}
    res = mediation_analysis(d, **kw, weights="w", seed=1).table.set_index("term")
    repeated = d.loc[d.index.repeat(d["w"])]
    rep = mediation_analysis(repeated, **kw, seed=1).table.set_index("term")
    np.testing.assert_allclose(res["estimate"], rep["estimate"], atol=1e-10)
    wls = smf.wls("satisfaction ~ staff + age", d, weights=d["w"]).fit(cov_type="HC1")
    assert res.loc["a", "estimate"] == pytest.approx(wls.params["staff"], abs=1e-10)
    assert res.loc["a", "std_error"] == pytest.approx(wls.bse["staff"], rel=1e-10)


def test_weighted_mediation_bootstrap_with_unit_weights_is_the_plain_one():
    d = _weighted_data().assign(one=1.0)
    kw = {"x": "staff", "m": "satisfaction", "y": "loyalty", "n_boot": 300, "seed": 3}
    plain = mediation_analysis(d, **kw).table.set_index("term").loc["indirect"]
    unit = mediation_analysis(d, **kw, weights="one").table.set_index("term").loc["indirect"]
    assert unit["std_error"] == pytest.approx(plain["std_error"], rel=1e-9)
    assert (unit["ci_low"], unit["ci_high"]) == pytest.approx((plain["ci_low"], plain["ci_high"]))
    bca = mediation_analysis(d, **kw, method="bca", weights="w")
    assert np.isfinite(bca.table["ci_low"]).all()


def test_mediation_weights_are_checked():
    d = _weighted_data()
    kw = {"x": "staff", "m": "satisfaction", "y": "loyalty"}
    with pytest.raises(ValueError, match="non-negative"):
        mediation_analysis(d.assign(w=-d["w"]), **kw, weights="w")
    with pytest.raises(ValueError, match="also x, a mediator"):
        mediation_analysis(d, x="w", m="satisfaction", y="loyalty", weights="w")
    d.loc[4, "w"] = np.nan
    with pytest.raises(ValueError, match="'w' has 1 missing"):
        mediation_analysis(d, **kw, weights="w")
    assert mediation_analysis(d, **kw, weights="w", missing="listwise", n_boot=100).n_dropped == 1


# --------------------------------------------------- what a linear model misreads (defect 6)


def test_a_binary_outcome_or_mediator_is_refused_unless_named_in_as_numeric(survey):
    # OLS was fitted to a 0/1 outcome without a word
    d = survey.assign(returned=(survey["loyalty"] > 0).astype(int))
    kw = {"x": "staff", "m": "satisfaction", "n_boot": 100, "seed": 1}
    with pytest.raises(
        ValueError,
        match=r"y: column 'returned' holds only two values \[0\.0, 1\.0\]: a binary outcome\. "
        r"mediation_analysis .* does not support a binary outcome yet; a logistic "
        r"conditional-process model is planned\. .* pass as_numeric=\['returned'\]",
    ):
        mediation_analysis(d, y="returned", **kw)
    # the two values need not be 0 and 1, nor the column an integer one
    with pytest.raises(ValueError, match=r"holds only two values \[1\.0, 2\.0\]"):
        mediation_analysis(d.assign(returned=d["returned"] + 1.0), y="returned", **kw)
    with pytest.raises(ValueError, match=r"m: column 'complained' .* a binary mediator"):
        mediation_analysis(
            d.assign(complained=(d["satisfaction"] < 0).astype(int)),
            x="staff",
            m=["satisfaction", "complained"],
            y="loyalty",
            n_boot=100,
        )
    # named deliberately: a linear probability model, the same as OLS by hand
    lpm = _by_term(mediation_analysis(d, y="returned", as_numeric="returned", **kw))
    by_hand = smf.ols("returned ~ satisfaction + staff", d).fit()
    assert lpm.loc["b", "estimate"] == pytest.approx(by_hand.params["satisfaction"], abs=TOL)
    with pytest.raises(ValueError, match=r"as_numeric: \['age'\] is not x, a mediator or y"):
        mediation_analysis(d, y="returned", as_numeric=["returned", "age"], **kw)


def test_a_driver_of_a_few_codes_is_refused_and_a_0_1_treatment_is_fine(survey):
    # a three-level treatment coded 0/1/2 was taken as linear in its codes
    d = survey.assign(offer=np.arange(len(survey)) % 3)
    d["satisfaction"] += 0.3 * (d["offer"] == 2)
    kw = {"m": "satisfaction", "y": "loyalty", "n_boot": 100, "seed": 1}
    with pytest.raises(
        ValueError,
        match=r"x: column 'offer' holds 3 whole-number values \[0\.0, 1\.0, 2\.0\], which may "
        r"be the codes of a categorical treatment.*as_numeric=\['offer'\].*code x as 0/1",
    ):
        mediation_analysis(d, x="offer", **kw)
    # four codes too; named in as_numeric, the codes are taken as a numeric driver
    four = d.assign(offer=np.arange(len(d)) % 4 + 1)
    with pytest.raises(ValueError, match=r"'offer' holds 4 whole-number values \[1\.0, 2\.0"):
        mediation_analysis(four, x="offer", **kw)
    res = mediation_analysis(four, x="offer", as_numeric=["offer"], **kw)
    assert np.isfinite(res.table["estimate"]).all()
    # a 1-5 or 1-7 rating is a numeric driver (as PROCESS treats any numeric X)
    for points in (5, 7):
        rating = d.assign(offer=np.arange(len(d)) % points + 1)
        assert mediation_analysis(rating, x="offer", **kw).n == len(d)
    # a categorical column: a TypeError that says how to compare levels
    labelled = d.assign(offer=d["offer"].map({0: "none", 1: "voucher", 2: "gift"}))
    for frame in (labelled, labelled.astype({"offer": "category"})):
        with pytest.raises(TypeError, match=r"x: column 'offer' is categorical .*3 levels"):
            mediation_analysis(frame, x="offer", **kw)
    # a 0/1 treatment dummy, and a driver of many values, need nothing
    treated = d.assign(offer=(d["offer"] == 2).astype(int))
    assert mediation_analysis(treated, x="offer", **kw).n == len(d)
    assert mediation_analysis(d, x="staff", **kw).n == len(d)


# ------------------------------------------- columns in units of 1e-200 to 1e200 (defect 11)

SCALE_SURVEY = pd.DataFrame(np.random.default_rng(44).normal(size=(60, 2)), columns=["x", "w"])
SCALE_SURVEY["m"] = 0.6 * SCALE_SURVEY["x"] + 0.3 * SCALE_SURVEY["w"] + 0.3
SCALE_SURVEY["m"] += np.random.default_rng(45).normal(size=60)
SCALE_SURVEY["y"] = 0.5 * SCALE_SURVEY["m"] + 0.2 * SCALE_SURVEY["x"] + 1.0
SCALE_SURVEY["y"] += np.random.default_rng(46).normal(size=60)


@given(
    exps=st.lists(st.floats(-200, 200), min_size=4, max_size=4),
    uniform=st.booleans(),
    method=st.sampled_from(["percentile", "bca"]),
)
@settings(max_examples=40, deadline=None)
def test_mediation_survives_columns_scaled_by_1e_200_to_1e200(exps, uniform, method):
    """Fuzz: each column times 10**e, e in [-200, 200]. Every effect is the unscaled
    one in the new units (a: 10**(e_m - e_x), b: 10**(e_y - e_m), the others
    10**(e_y - e_x)) to 1e-8, statistics and p-values unchanged; or, when an effect
    itself lies outside the floating-point range, a ValueError that says so. Never
    NaN, inf, LinAlgError or a RuntimeWarning."""
    e = dict(zip(["x", "w", "m", "y"], np.full(4, exps[0]) if uniform else exps, strict=True))
    data = SCALE_SURVEY * pd.Series({c: 10.0 ** e[c] for c in e})
    kw = {"x": "x", "m": "m", "y": "y", "covariates": "w", "n_boot": 100, "seed": 3}
    ref = _by_term(mediation_analysis(SCALE_SURVEY, method=method, **kw))
    try:
        res = _by_term(mediation_analysis(data, method=method, **kw))
    except ValueError as err:
        assert "outside the range of floating-point numbers" in str(err)
        return
    shift = {"a": e["m"] - e["x"], "b": e["y"] - e["m"]}
    cols = ["estimate", "std_error", "ci_low", "ci_high"]
    for term in ref.index:
        got, want = res.loc[term, cols].to_numpy(float), ref.loc[term, cols].to_numpy(float)
        assert np.isfinite(got).all() and (np.sign(got) == np.sign(want)).all()
        # compared in log10 (10**400 is no float): 1e-8 relative is 4.3e-9 in log10
        np.testing.assert_allclose(
            np.log10(np.abs(got)) - shift.get(term, e["y"] - e["x"]),
            np.log10(np.abs(want)),
            atol=4.3e-9,
            rtol=0,
        )
    paths = ["a", "b", "c", "c'"]
    np.testing.assert_allclose(res.loc[paths, "statistic"], ref.loc[paths, "statistic"], rtol=1e-8)
    np.testing.assert_allclose(res.loc[paths, "p_value"], ref.loc[paths, "p_value"], rtol=1e-6)
