"""Measurement invariance (cx.invariance): lavaan's multi-group tutorial, single-group
fits, simulated data where invariance holds or one intercept differs, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxresearch as cx
from cxresearch.latent import InvarianceResult, cfa, invariance

REFERENCE = Path(__file__).parent / "reference"
HS = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
ONE = "F =~ q1 + q2 + q3 + q4"


@pytest.fixture(scope="module")
def holzinger() -> pd.DataFrame:
    from semopy.examples import holzinger39

    return holzinger39.get_data()


def _groups(n: int, seed: int, shift: float = 0.0, labels=("north", "south")) -> pd.DataFrame:
    """One factor, four items (loadings 1, 0.8, 0.9, 0.7; intercepts 3), two groups; the
    second group's factor mean is 0.5 and its q3 intercept ``shift`` higher."""
    rng = np.random.default_rng(seed)
    lam = np.array([1.0, 0.8, 0.9, 0.7])
    frames = []
    for g, label in enumerate(labels):
        f = rng.standard_normal(n) + 0.5 * g
        x = 3 + f[:, None] * lam + 0.6 * rng.standard_normal((n, 4))
        if g:
            x[:, 2] += shift
        frame = pd.DataFrame(x, columns=["q1", "q2", "q3", "q4"])
        frame["region"] = label
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def test_configural_is_lavaans_multigroup_fit(holzinger):
    ref = json.loads((REFERENCE / "lavaan_hs_multigroup.json").read_text())["configural"]
    res = invariance(holzinger, HS, by="school", steps=("configural",))
    assert isinstance(res, InvarianceResult)
    row = res.table.iloc[0]
    assert row["chi2"] == pytest.approx(ref["chi2"], abs=5e-4)
    assert row["df"] == ref["df"]
    assert res.group_sizes.to_dict() == {"Pasteur": 156, "Grant-White": 145}
    # the configural chi-square is the sum of the groups' own ML fits (semopy)
    alone = {
        s: cfa(holzinger[holzinger["school"] == s], HS).fit["chi2"] for s in ref["chi2_by_group"]
    }
    for school, chi2 in ref["chi2_by_group"].items():
        assert alone[school] == pytest.approx(chi2, abs=5e-4)
    total = sum(alone.values())
    assert row["chi2"] == pytest.approx(total, abs=1e-6)


def test_ladder_holds_when_invariance_holds_by_construction():
    res = invariance(_groups(400, seed=1), ONE, by="region")
    table = res.table.set_index("term")
    assert list(table.index) == ["configural", "metric", "scalar", "strict"]
    assert list(table["df"]) == [4, 7, 10, 14]
    assert (table["verdict"].iloc[1:] == "holds").all()
    assert table["holds_cheung_rensvold"].all()
    assert (table["delta_p"].iloc[1:] > 0.01).all()
    means = res.latent_means
    assert list(means["group"]) == ["south"] and list(means["factor"]) == ["F"]
    est, se = means["estimate"].iloc[0], means["std_error"].iloc[0]
    assert abs(est - 0.5) < 3 * se and 0.02 < se < 0.15
    assert means["ci_low"].iloc[0] < est < means["ci_high"].iloc[0]


def test_one_different_intercept_fails_scalar_and_freeing_it_restores_it():
    data = _groups(400, seed=2, shift=0.8)
    res = invariance(data, ONE, by="region", steps=("configural", "metric", "scalar"))
    scalar = res.table.set_index("term").loc["scalar"]
    assert scalar["verdict"] == "fails" and not scalar["holds_cheung_rensvold"]
    assert scalar["delta_cfi"] <= -0.01 and scalar["delta_rmsea"] >= 0.015
    assert scalar["delta_p"] < 1e-6
    partial = invariance(
        data, ONE, by="region", steps=("configural", "metric", "scalar"), free=["q3 ~1"]
    )
    assert partial.free == ("q3 ~1",)
    table = partial.table.set_index("term")
    assert table.loc["scalar", "verdict"] == "holds" and table.loc["scalar", "delta_p"] > 0.01
    assert table.loc["scalar", "df"] == scalar["df"] - 1
    est = partial.estimates
    q3 = est[(est["step"] == "scalar") & (est["term"] == "q3 ~1")].set_index("group")
    assert not q3["shared"].any()
    assert q3.loc["south", "estimate"] - q3.loc["north", "estimate"] == pytest.approx(0.8, abs=0.2)
    assert partial.latent_means["estimate"].iloc[0] == pytest.approx(0.5, abs=0.15)


def test_metric_step_shares_the_loadings(holzinger):
    res = invariance(holzinger, HS, by="school", steps=("configural", "metric"))
    est = res.estimates
    loads = est[(est["op"] == "=~")]
    assert not loads[loads["step"] == "configural"]["shared"].any()
    metric = loads[loads["step"] == "metric"].pivot(
        index="term", columns="group", values="estimate"
    )
    np.testing.assert_array_equal(metric["Pasteur"], metric["Grant-White"])
    assert res.latent_means.empty


# --------------------------------------------------------------------------- bad input

_PROPERTY = settings(max_examples=10, deadline=None)
_DATA = _groups(60, seed=9)


@_PROPERTY
@given(by=st.text(min_size=1, max_size=8).filter(lambda s: s not in _DATA.columns))
def test_unknown_group_column(by):
    with pytest.raises(ValueError, match=r"^by: column"):
        invariance(_DATA, ONE, by=by)


@_PROPERTY
@given(n=st.integers(1, 9))
def test_a_group_with_too_few_rows(n):
    data = pd.concat([_DATA, _groups(n, seed=3, labels=["tiny"])], ignore_index=True)
    with pytest.raises(ValueError, match=r"^by: group 'tiny' of 'region' has \d+ complete row"):
        invariance(data, ONE, by="region")


@_PROPERTY
@given(item=st.sampled_from(["q1", "q2", "q3", "q4"]), value=st.integers(1, 7))
def test_a_constant_item_in_one_group(item, value):
    data = _DATA.copy()
    data.loc[data["region"] == "south", item] = value
    with pytest.raises(
        ValueError, match=rf"^by: in group 'south' of 'region', column\(s\) \['{item}'\]"
    ):
        invariance(data, ONE, by="region")


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    labels=st.lists(
        st.text(
            alphabet="абвгдежзийклмнопрстуфхцчшщыэюяابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی",
            min_size=1,
            max_size=5,
        ),
        min_size=2,
        max_size=2,
        unique=True,
    )
)
def test_persian_and_cyrillic_group_labels(labels):
    data = _groups(60, seed=4, labels=labels)
    res = invariance(data, ONE, by="region", steps=("configural", "metric"))
    assert list(res.group_sizes.index) == labels
    assert set(res.estimates["group"]) == set(labels)


@_PROPERTY
@given(rows=st.sets(st.integers(0, 119), min_size=1, max_size=5))
def test_missing_values_raise(rows):
    data = _DATA.copy()
    data.loc[sorted(rows), "q2"] = np.nan
    with pytest.raises(
        ValueError, match=rf"^invariance: {len(rows)} row\(s\) have missing.*missing='listwise'"
    ):
        invariance(data, ONE, by="region")
    res = invariance(data, ONE, by="region", steps=("configural",), missing="listwise")
    assert res.n == len(data) - len(rows)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"steps": "metric"}, TypeError, r"^steps must be a list or tuple"),
        ({"steps": ("metric", "scalar")}, ValueError, r"^steps must start with 'configural'"),
        ({"steps": ("configural", "weak")}, ValueError, r"^steps must be one of"),
        ({"free": ["F =~ q1"]}, ValueError, r"^free: 'F =~ q1' is not a loading"),
        ({"free": "q3 ~1"}, TypeError, r"^free must be a list"),
        ({"levels": ["north", "west"]}, ValueError, r"^levels: \['west'\] must be"),
        (
            {"missing": "mice"},
            ValueError,
            r"^missing must be one of \['raise', 'listwise', 'fiml'\]",
        ),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        invariance(_DATA, ONE, by="region", **kwargs)


def test_paths_are_refused():
    with pytest.raises(ValueError, match=r"^invariance: the model has structural paths"):
        invariance(_DATA, "F =~ q1 + q2; G =~ q3 + q4; G ~ F", by="region")


def test_public_name():
    assert cx.invariance is invariance


# --------------------------------------------------------------------------- MLR (issue 23)


@pytest.fixture(scope="module")
def hs_mlr(holzinger):
    return invariance(holzinger, HS, by="school", estimator="MLR")


def test_mlr_configural_step_equals_cfa_by_group_with_mlr(holzinger, hs_mlr):
    """Two implementations: the ladder's own engine (mean structure, all groups in one
    likelihood) and cfa(by=..., estimator="MLR") on semopy, group by group."""
    peer = cfa(holzinger, HS, by="school", estimator="MLR")
    configural = hs_mlr.table.set_index("term").loc["configural"]
    assert configural["scaling_factor"] == pytest.approx(peer.fit["scaling_factor"], rel=1e-6)
    assert configural["chi2_scaled"] == pytest.approx(peer.fit["chi2_scaled"], rel=1e-6)
    ours = hs_mlr.estimates.query("step == 'configural' and op == '=~'")
    theirs = peer.table.query("op == '=~' and free")
    both = ours.merge(theirs, on=["group", "term"], suffixes=("", "_peer"))
    assert len(both) == 12
    np.testing.assert_allclose(both["std_error"], both["std_error_peer"], rtol=1e-4)


def test_mlr_scaled_difference_by_the_satorra_bentler_formula(holzinger, hs_mlr):
    t = hs_mlr.table
    ml = invariance(holzinger, HS, by="school")
    np.testing.assert_allclose(t["chi2"], ml.table["chi2"], rtol=1e-10)
    for i in range(1, len(t)):
        d0, d1 = t["df"].iat[i], t["df"].iat[i - 1]
        cd = (d0 * t["scaling_factor"].iat[i] - d1 * t["scaling_factor"].iat[i - 1]) / (d0 - d1)
        expected = (t["chi2"].iat[i] - t["chi2"].iat[i - 1]) / cd
        assert t["delta_chi2_scaled"].iat[i] == pytest.approx(expected)
    assert t["chi2_scaled"].to_numpy() == pytest.approx(
        (t["chi2"] / t["scaling_factor"]).to_numpy()
    )
    assert hs_mlr.estimator == "MLR" and ml.estimator == "MLW"
    assert "scaling_factor" not in ml.table.columns
    # robust standard errors of the latent means differ from the ML ones, same estimates
    np.testing.assert_allclose(
        hs_mlr.latent_means["estimate"], ml.latent_means["estimate"], rtol=1e-8
    )
    assert not np.allclose(hs_mlr.latent_means["std_error"], ml.latent_means["std_error"])


def test_mlr_estimator_is_checked(holzinger):
    with pytest.raises(ValueError, match=r"estimator must be one of \['MLW', 'MLR'\]"):
        invariance(holzinger, HS, by="school", estimator="WLSMV")


# --------------------------------------------------------------------------- FIML (issue 23)


def _holed(holzinger: pd.DataFrame) -> pd.DataFrame:
    items = [f"x{j}" for j in range(1, 10)]
    rng = np.random.default_rng(3)
    out = holzinger.copy()
    out[items] = out[items].mask(rng.random((len(out), 9)) < 0.1)
    return out


def test_fiml_on_complete_data_is_ml(holzinger):
    ml = invariance(holzinger, HS, by="school")
    fiml = invariance(holzinger, HS, by="school", missing="fiml")
    cols = ["chi2", "df", "cfi", "rmsea", "delta_chi2"]
    np.testing.assert_allclose(fiml.table[cols], ml.table[cols], atol=1e-8)
    np.testing.assert_allclose(fiml.estimates["estimate"], ml.estimates["estimate"], atol=1e-6)


def test_fiml_configural_step_equals_cfa_by_group_with_fiml(holzinger):
    """Two implementations on 10% blanked answers: the ladder's own FIML (all groups in
    one likelihood) and cfa(by=..., missing="fiml") on semopy, group by group."""
    holed = _holed(holzinger)
    res = invariance(holed, HS, by="school", missing="fiml", steps=("configural",))
    peer = cfa(holed, HS, by="school", missing="fiml")
    configural = res.table.set_index("term").loc["configural"]
    assert configural["chi2"] == pytest.approx(peer.fit["chi2"], rel=1e-6)
    assert configural["cfi"] == pytest.approx(peer.fit["cfi"], rel=1e-6)
    ours = res.estimates.query("step == 'configural' and op == '=~'")
    both = ours.merge(peer.table.query("op == '=~' and free"), on=["group", "term"])
    np.testing.assert_allclose(both["estimate_x"], both["estimate_y"], atol=1e-5)
    np.testing.assert_allclose(both["std_error_x"], both["std_error_y"], rtol=1e-4)
    assert res.n == len(holed)


def test_mlr_with_fiml_configural_step_equals_cfa_by_group(holzinger):
    """lavaan's estimator="MLR", missing="ml": the ladder's own engine (rows' scores of
    their observed answers, the saturated model's sandwich at its EM estimate) against
    cfa(by=..., missing="fiml", estimator="MLR") on semopy, group by group."""
    holed = _holed(holzinger)
    steps = ("configural", "metric", "scalar")
    res = invariance(holed, HS, by="school", missing="fiml", estimator="MLR", steps=steps)
    peer = cfa(holed, HS, by="school", missing="fiml", estimator="MLR")
    configural = res.table.set_index("term").loc["configural"]
    assert configural["scaling_factor"] == pytest.approx(peer.fit["scaling_factor"], rel=1e-5)
    assert configural["chi2_scaled"] == pytest.approx(peer.fit["chi2_scaled"], rel=1e-5)
    ours = res.estimates.query("step == 'configural' and op == '=~'")
    both = ours.merge(peer.table.query("op == '=~' and free"), on=["group", "term"])
    assert len(both) == 12
    np.testing.assert_allclose(both["std_error_x"], both["std_error_y"], rtol=1e-4)
    # the same estimates and chi-squares as FIML, scaled; robust latent-mean SEs differ
    ml = invariance(holed, HS, by="school", missing="fiml", steps=steps)
    np.testing.assert_allclose(res.table["chi2"], ml.table["chi2"], rtol=1e-10)
    assert np.isfinite(res.table["delta_chi2_scaled"].iloc[1:]).all()
    assert not np.allclose(res.latent_means["std_error"], ml.latent_means["std_error"])


def test_mlr_with_fiml_on_complete_data_is_mlr(holzinger, hs_mlr):
    both = invariance(holzinger, HS, by="school", missing="fiml", estimator="MLR")
    cols = ["chi2", "scaling_factor", "chi2_scaled", "delta_chi2_scaled"]
    np.testing.assert_allclose(both.table[cols], hs_mlr.table[cols], rtol=1e-5)


# --------------------------------------------------------------------------- score tests


@pytest.fixture(scope="module")
def hs_scalar(holzinger):
    return invariance(holzinger, HS, by="school", steps=("configural", "metric", "scalar"))


@pytest.mark.parametrize("term", ["x3 ~1", "x7 ~1", "x1 ~1", "textual =~ x5"])
def test_score_test_approximates_releasing_the_constraint(holzinger, hs_scalar, term):
    # two groups: releasing Grant-White's copy is freeing the parameter across groups
    tests = hs_scalar.score_tests().set_index("term")
    freed = invariance(
        holzinger, HS, by="school", steps=("configural", "metric", "scalar"), free=[term]
    )
    drop = hs_scalar.table["chi2"].iloc[-1] - freed.table["chi2"].iloc[-1]
    assert freed.table["df"].iloc[-1] == hs_scalar.table["df"].iloc[-1] - 1
    # measured: 19.19 vs 19.52 (x3), 15.02 vs 15.15 (x7), 5.85 vs 6.65 (x1, 12%)
    assert tests.loc[term, "mi"] == pytest.approx(drop, rel=0.15, abs=0.3)
    est = freed.estimates.query("step == 'scalar' and term == @term").set_index("group")
    gap = est.loc["Grant-White", "estimate"] - est.loc["Pasteur", "estimate"]
    assert np.sign(tests.loc[term, "epc"]) == np.sign(gap)


def test_score_tests_layout_and_steps(hs_scalar):
    tests = hs_scalar.score_tests()
    assert list(tests.columns) == [
        "step", "group", "term", "lhs", "op", "rhs", "mi", "p_value", "epc"
    ]  # fmt: skip
    # scalar: 6 loadings and 9 intercepts equal across the two schools
    assert len(tests) == 15 and set(tests["group"]) == {"Grant-White"}
    assert tests["mi"].is_monotonic_decreasing
    assert tests["term"].iloc[0] == "x3 ~1"
    assert len(hs_scalar.score_tests("metric")) == 6
    with pytest.raises(ValueError, match="no equality constraint"):
        hs_scalar.score_tests("configural")
    with pytest.raises(ValueError, match="step"):
        hs_scalar.score_tests("strict")


def test_score_tests_with_three_groups_release_one_group_at_a_time():
    data = pd.concat(
        [
            _groups(300, 11, labels=("a", "b")),
            _groups(300, 12, shift=1.0, labels=("c", "d")).query("region == 'd'"),
        ],
        ignore_index=True,
    )
    res = invariance(data, ONE, by="region", steps=("configural", "metric", "scalar"))
    tests = res.score_tests()
    assert set(tests["group"]) == {"b", "d"}  # each constraint ties a group to "a"
    top = tests.iloc[0]
    assert (top["group"], top["term"]) == ("d", "q3 ~1") and top["p_value"] < 1e-6
    assert top["epc"] == pytest.approx(1.0, abs=0.15)  # the true shift; measured 0.951


def test_score_test_under_fiml_approximates_releasing_the_constraint(holzinger):
    steps = ("configural", "metric", "scalar")
    data = _holed(holzinger)
    res = invariance(data, HS, by="school", steps=steps, missing="fiml")
    freed = invariance(data, HS, by="school", steps=steps, missing="fiml", free=["x3 ~1"])
    drop = res.table["chi2"].iloc[-1] - freed.table["chi2"].iloc[-1]
    mi = res.score_tests().set_index("term").loc["x3 ~1", "mi"]
    assert mi == pytest.approx(drop, rel=0.05)  # measured 18.24 vs 18.57


def test_levels_order_sets_the_reference_group(holzinger):
    steps = ("configural", "metric", "scalar")
    data_order = invariance(holzinger, HS, by="school", steps=steps)
    flipped = invariance(holzinger, HS, by="school", steps=steps, levels=["Grant-White", "Pasteur"])
    assert data_order.reference == holzinger["school"].iloc[0] == "Pasteur"
    assert flipped.reference == "Grant-White"
    assert set(flipped.latent_means["reference"]) == {"Grant-White"}
    assert set(flipped.latent_means["group"]) == {"Pasteur"}
    # the same fit: the means are the other sign (equal to 1e-4, optimiser tolerance)
    np.testing.assert_allclose(
        flipped.latent_means["estimate"], -data_order.latent_means["estimate"], atol=1e-4
    )
    assert flipped.table["chi2"].to_numpy() == pytest.approx(data_order.table["chi2"], abs=1e-6)
    assert "latent means relative to" in str(flipped.summary())
    assert set(flipped.score_tests()["group"]) == {"Pasteur"}
