"""Tests for cxresearch.simulate: parameters, the panel, the truth, the survey.

The recovery tests fit the specifications that ``truth()`` names with statsmodels on a
large simulated panel and check every true effect is within 3 standard errors; the slow
Monte Carlo test checks that 95% intervals of the driver effects cover the truth about
95% of the time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from cxresearch.simulate import (
    CX_FORMULA,
    DETERMINANTS,
    RetailParams,
    SimulatedSurvey,
    complaint_levers,
    simulate_panel,
    simulate_survey,
    truth,
)

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    """A large panel for recovery tests: 5,000 customers x 6 periods (30,000 visits)."""
    return simulate_panel(5_000, 6, seed=20091)


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return simulate_panel(300, 4, seed=11)


def _frame_hash(frame: pd.DataFrame) -> str:
    h = hashlib.sha256()
    for name, col in frame.items():
        h.update(name.encode())
        values = col.cat.codes if isinstance(col.dtype, pd.CategoricalDtype) else col
        h.update(np.ascontiguousarray(values.to_numpy()).tobytes())
    return h.hexdigest()


def _tidy(fit) -> pd.DataFrame:
    return pd.DataFrame(
        {"term": fit.params.index, "fitted": fit.params.to_numpy(), "se": fit.bse.to_numpy()}
    )


def _compare(fit, outcome: str) -> pd.DataFrame:
    table = _tidy(fit).merge(truth(outcome=outcome), on="term", how="outer", indicator=True)
    assert (table["_merge"] == "both").all(), table.loc[table["_merge"] != "both", "term"].tolist()
    table["z"] = (table["fitted"] - table["estimate"]) / table["se"]
    return table


# ------------------------------------------------------------------- parameter object


def test_params_defaults_are_valid_and_documented():
    described = RetailParams.describe()
    assert len(described) == len(dataclasses.fields(RetailParams))
    assert described["description"].str.len().min() > 15


def test_params_out_of_range_names_parameter_value_and_range():
    with pytest.raises(ValueError, match=r"carryover must satisfy 0 <= carryover < 1, got 1\.0\."):
        RetailParams(carryover=1.0)
    with pytest.raises(ValueError, match=r"p_hedonic must lie between 0 and 1, got 1\.5\."):
        RetailParams(p_hedonic=1.5)


def test_params_negative_size_rejected():
    with pytest.raises(
        ValueError, match=r"cx_noise_sd must satisfy 0 < cx_noise_sd <= 5, got -0\.1"
    ):
        RetailParams(cx_noise_sd=-0.1)
    with pytest.raises(ValueError, match="cx_noise_sd must satisfy .*, got 0"):
        RetailParams(cx_noise_sd=0)  # the noise must be positive


def test_params_non_finite_rejected():
    with pytest.raises(ValueError, match="social_weight must lie between -2 and 2, got nan"):
        RetailParams(social_weight=float("nan"))


def test_params_wrong_type_is_type_error():
    with pytest.raises(TypeError, match="carryover must be a number, got '0.4'"):
        RetailParams(carryover="0.4")
    with pytest.raises(TypeError, match="p_male must be a number"):
        RetailParams(p_male=True)
    with pytest.raises(TypeError, match="store_type_probs must be a tuple of 4 numbers"):
        RetailParams(store_type_probs=0.25)


def test_params_probabilities_must_sum_to_one():
    with pytest.raises(
        ValueError, match=r"store_type_probs must hold .* summing to 1, got .*\(sum 1\.1\)"
    ):
        RetailParams(store_type_probs=(0.4, 0.3, 0.2, 0.2))


def test_params_cutpoints_must_increase_and_have_right_length():
    with pytest.raises(ValueError, match="satisfaction_cutpoints must hold 6 strictly increasing"):
        RetailParams(satisfaction_cutpoints=(-1, -2, 0, 1, 2, 3))
    with pytest.raises(ValueError, match="recommend_cutpoints must hold 10 .*, got 3 values"):
        RetailParams(recommend_cutpoints=(0, 1, 2))


def test_params_unknown_names_list_the_valid_ones():
    with pytest.raises(
        ValueError,
        match=r"values: unknown parameter name\(s\) \['carry_over'\]; allowed names are: cx_intercept, carryover",
    ):
        RetailParams.from_dict({"carry_over": 0.5})
    with pytest.raises(TypeError, match="unexpected keyword"):
        RetailParams(carry_over=0.5)


def test_params_replace_validates_and_is_frozen():
    p = dataclasses.replace(RetailParams(), carryover=0.6, crowding_x_hedonic=0.1)
    assert (p.carryover, p.crowding_x_hedonic) == (0.6, 0.1)
    with pytest.raises(ValueError, match="carryover must satisfy .*, got -0.2"):
        dataclasses.replace(p, carryover=-0.2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.carryover = 0.1  # type: ignore[misc]


def test_params_dict_and_json_round_trip():
    p = RetailParams(carryover=0.55, satisfaction_cutpoints=(-3, -2, -1, 0, 1, 2))
    d = p.to_dict()
    assert d["satisfaction_cutpoints"] == [-3, -2, -1, 0, 1, 2]
    assert RetailParams.from_dict(d) == p
    assert RetailParams.from_dict(json.loads(json.dumps(d))) == p
    assert RetailParams.from_json(p.to_json(indent=2)) == p
    assert RetailParams.from_dict({}) == RetailParams()


def test_params_from_dict_rejects_non_mapping():
    with pytest.raises(TypeError, match="values must be a mapping"):
        RetailParams.from_dict([("carryover", 0.5)])


# ------------------------------------------------------------------ argument checking


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"n_customers": 0},
            ValueError,
            r"n_customers must be between 1 and 2147483646, got 0\.",
        ),
        ({"n_customers": -5}, ValueError, r"n_customers must be .*, got -5"),
        ({"n_customers": 10.0}, TypeError, r"n_customers must be an integer, got 10\.0"),
        ({"n_customers": "10"}, TypeError, r"n_customers must be an integer"),
        (
            {"n_periods": 0},
            ValueError,
            r"n_periods must be between 1 and 120, got 0\.",
        ),
        ({"n_periods": 121}, ValueError, r"n_periods must be between 1 and 120, got 121"),
        ({"n_stores": 0}, ValueError, r"n_stores must be between 1 and 32767, got 0"),
        ({"n_stores": 2.0}, TypeError, r"n_stores must be an integer, got 2\.0"),
        ({"params": "default"}, TypeError, r"params must be a RetailParams"),
        ({"params": {"carryover": 2}}, ValueError, r"carryover must satisfy .*, got 2\."),
        ({"params": {"nope": 1}}, ValueError, r"unknown parameter name"),
        ({"seed": -1}, ValueError, r"seed must be a non-negative integer, got -1\."),
        (
            {"seed": "abc"},
            TypeError,
            r"seed must be None, an int, a numpy.random.SeedSequence or a numpy.random.Generator",
        ),
    ],
)
def test_simulate_panel_bad_arguments(kwargs, error, message):
    args = {"n_customers": 10, "n_periods": 3, **kwargs}
    with pytest.raises(error, match=message):
        simulate_panel(args.pop("n_customers"), args.pop("n_periods"), **args)


def test_params_accepted_as_mapping():
    a = simulate_panel(20, 2, params={"carryover": 0.7}, seed=1)
    b = simulate_panel(20, 2, params=RetailParams(carryover=0.7), seed=1)
    pd.testing.assert_frame_equal(a, b)


def test_panel_is_data_only_nothing_in_attrs():
    # the parameters used to be kept in DataFrame.attrs, which a CSV round trip loses
    assert simulate_panel(20, 2, params={"carryover": 0.7}, seed=1).attrs == {}


def test_params_coerce_is_public_and_reads_mappings():
    assert RetailParams.coerce(None) == RetailParams()
    p = RetailParams(carryover=0.7)
    assert RetailParams.coerce(p) is p
    assert RetailParams.coerce({"carryover": 0.7}) == p
    with pytest.raises(TypeError, match="params must be a RetailParams, a mapping .* got list"):
        RetailParams.coerce([0.7])


def test_truth_outcome_errors_name_the_argument():
    with pytest.raises(TypeError, match="outcome must be a string or None, got 3"):
        truth(outcome=3)


# ------------------------------------------------------------------- reproducibility


def test_same_seed_gives_identical_bytes():
    a = simulate_panel(200, 5, seed=42)
    b = simulate_panel(200, 5, seed=42)
    pd.testing.assert_frame_equal(a, b)
    assert _frame_hash(a) == _frame_hash(b)
    c = simulate_panel(200, 5, seed=np.random.default_rng(42))
    d = simulate_panel(200, 5, seed=np.random.default_rng(42))
    assert _frame_hash(c) == _frame_hash(d)
    assert _frame_hash(simulate_panel(200, 5, seed=43)) != _frame_hash(a)


def test_global_numpy_state_is_neither_used_nor_changed():
    # the legacy global state is touched on purpose here, to show the simulator ignores it
    saved = np.random.get_state()  # noqa: NPY002
    try:
        np.random.seed(0)  # noqa: NPY002
        before = np.random.get_state()[1].copy()  # noqa: NPY002
        a = simulate_panel(50, 3, seed=5)
        np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002
        np.random.seed(1)  # noqa: NPY002
        pd.testing.assert_frame_equal(a, simulate_panel(50, 3, seed=5))
    finally:
        np.random.set_state(saved)  # noqa: NPY002


def test_streams_are_independent_per_component():
    base = simulate_panel(300, 4, seed=9)
    # changing the spend equation changes spend only
    other = simulate_panel(300, 4, params={"spend_noise_sd": 0.9, "spend_cx": 0.3}, seed=9)
    assert not base["spend"].equals(other["spend"])
    pd.testing.assert_frame_equal(
        base.drop(columns="spend"), other.drop(columns="spend"), check_like=False
    )
    # changing the recommendation scale leaves satisfaction and everything else alone
    cuts = (-5.0, -4, -3, -2, -1, 0, 1, 2, 3, 4)
    other = simulate_panel(300, 4, params={"recommend_cutpoints": cuts}, seed=9)
    changed = [c for c in base if not base[c].equals(other[c])]
    assert changed == ["likelihood_to_recommend"]


def test_more_periods_keep_the_customers():
    """Customer attributes come from their own stream: adding periods does not change them."""
    short, long = simulate_panel(100, 2, seed=3), simulate_panel(100, 5, seed=3)
    cols = ["age", "gender", "goal", "store_type", "customer_effect", "prior_expectation"]
    a = short.groupby("customer_id")[cols].first()
    b = long.groupby("customer_id")[cols].first()
    pd.testing.assert_frame_equal(a, b)


# ------------------------------------------------------------------- shape and dtypes

EXPECTED_DTYPES = {
    "customer_id": "int32",
    "period": "int8",
    "store_id": "int16",
    "age": "int8",
    "gender": "category",
    "goal": "category",
    "task_orientation": "float32",
    "tech_readiness": "float32",
    "price_consciousness": "float32",
    "multichannel": "bool",
    "prior_expectation": "float32",
    "store_type": "category",
    "location": "category",
    "region": "category",
    "competition": "float32",
    "season": "category",
    "economy": "category",
    **dict.fromkeys(DETERMINANTS, "float32"),
    "personalised": "bool",
    "customer_effect": "float32",
    "cx_lag": "float32",
    "cx": "float32",
    "expectation": "float32",
    "disconfirmation": "float32",
    "satisfaction": "int8",
    "likelihood_to_recommend": "int8",
    "complained": "bool",
    "recovered_well": "bool",
    "repurchase_intention": "int8",
    "returned_next": "bool",
    "dwell_time": "float32",
    "spend": "float32",
}


def test_columns_and_dtypes(small):
    assert {c: str(t) for c, t in small.dtypes.items()} == EXPECTED_DTYPES
    assert small.shape == (1200, 39)
    assert not small.isna().any().any()
    assert small["goal"].cat.categories.tolist() == ["utilitarian", "hedonic"]
    assert small["store_type"].cat.categories.tolist() == [
        "discounter",
        "supermarket",
        "department",
        "specialty",
    ]
    assert small["season"].cat.categories.tolist() == ["spring", "summer", "autumn", "winter"]
    assert small["season"].iloc[:4].tolist() == ["spring", "summer", "autumn", "winter"]


def test_value_ranges_and_identities(small):
    assert small["satisfaction"].between(1, 7).all()
    assert small["repurchase_intention"].between(1, 7).all()
    assert small["likelihood_to_recommend"].between(0, 10).all()
    assert small["age"].between(18, 85).all()
    assert (small["spend"] > 0).all()
    assert (small["dwell_time"] >= 0.1).all()
    np.testing.assert_allclose(
        small["dwell_time"] * 10, np.rint(small["dwell_time"] * 10), atol=1e-3
    )
    assert small["store_id"].between(1, 20).all()
    assert not (small["recovered_well"] & ~small["complained"]).any()
    np.testing.assert_allclose(
        small["disconfirmation"], small["cx"] - small["expectation"], atol=1e-5
    )
    wide = small.pivot(index="customer_id", columns="period", values="cx")
    lag = small.pivot(index="customer_id", columns="period", values="cx_lag")
    np.testing.assert_array_equal(lag.iloc[:, 1:].to_numpy(), wide.iloc[:, :-1].to_numpy())
    # customer attributes are constant within customer
    assert (
        (small.groupby("customer_id")[["age", "tech_readiness", "store_id"]].nunique() == 1)
        .all()
        .all()
    )


def test_memory_is_compact(small):
    per_row = small.memory_usage(deep=True).sum() / len(small)
    assert per_row < 110  # bytes per visit: float32, int8, categoricals, bools


def test_panel_with_one_customer_and_one_period():
    one = simulate_panel(1, 1, n_stores=1, seed=0)
    assert one.shape == (1, 39)


# ------------------------------------------------------------------------- the truth


def test_truth_table_shape_and_filter():
    t = truth()
    assert t.columns.tolist() == [
        "outcome",
        "term",
        "estimate",
        "estimator",
        "specification",
        "description",
    ]
    assert not t.duplicated(["outcome", "term"]).any()
    cx = truth(outcome="cx")
    assert (cx["outcome"] == "cx").all() and (cx["specification"] == CX_FORMULA).all()
    assert cx.set_index("term").loc["cx_lag", "estimate"] == 0.4
    with pytest.raises(
        ValueError, match="outcome must be one of cx, expectation, .* got 'loyalty'"
    ):
        truth(outcome="loyalty")


def test_truth_follows_params():
    t = truth({"carryover": 0.7, "service_x_age": 0.1}, outcome="cx").set_index("term")["estimate"]
    assert t["cx_lag"] == 0.7
    assert t["service:age"] == pytest.approx(0.01)
    assert t["service"] == pytest.approx(0.30 - 4.5 * 0.1)


def test_cx_recovered_within_3_se(panel):
    fit = smf.ols(CX_FORMULA, panel).fit()
    table = _compare(fit, "cx")
    assert len(table) == 54
    bad = table.loc[table["z"].abs() > 3, ["term", "fitted", "estimate", "z"]]
    assert bad.empty, bad


def test_moderators_detected_in_the_right_direction(panel):
    fit = smf.ols(CX_FORMULA, panel).fit()
    t = truth(outcome="cx").set_index("term")["estimate"]
    interactions = [term for term in t.index if ":" in term]
    assert len(interactions) == 21
    for term in interactions:
        if abs(t[term]) >= 0.08:  # the smaller ones need more than 30,000 visits
            assert np.sign(fit.params[term]) == np.sign(t[term]), term
            assert fit.pvalues[term] < 0.001, term
    # the crowding slope flips sign between the goals
    assert (
        fit.params["crowding"] < 0 < fit.params["crowding"] + fit.params["crowding:goal[T.hedonic]"]
    )
    # seasonal, economic and location effects
    for term in ["season[T.winter]", "economy[T.poor]", "location[T.city_centre]"]:
        assert np.sign(fit.params[term]) == np.sign(t[term]) and fit.pvalues[term] < 0.01, term


def test_competition_weakens_satisfaction_to_return(panel):
    fit = smf.logit(truth(outcome="returned_next")["specification"].iloc[0], panel).fit(disp=0)
    table = _compare(fit, "returned_next")
    assert (table["z"].abs() < 3).all(), table
    assert (
        fit.params["satisfaction:competition"] < 0
        and fit.pvalues["satisfaction:competition"] < 0.01
    )


@pytest.mark.parametrize("outcome", ["expectation", "dwell_time", "spend", "complained"])
def test_other_equations_recovered_within_3_se(panel, outcome):
    spec = truth(outcome=outcome)
    method = smf.ols if spec["estimator"].iloc[0] == "OLS" else smf.logit
    kwargs = {} if method is smf.ols else {"disp": 0}
    fit = method(spec["specification"].iloc[0], panel).fit(**kwargs)
    table = _compare(fit, outcome)
    assert (table["z"].abs() < 3).all(), table


def test_recovery_equation_recovered_on_complainers(panel):
    complainers = panel[panel["complained"]]
    fit = smf.logit(truth(outcome="recovered_well")["specification"].iloc[0], complainers).fit(
        disp=0
    )
    assert (_compare(fit, "recovered_well")["z"].abs() < 3).all()


def test_satisfaction_ordered_probit_recovered(panel):
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    spec = truth(outcome="satisfaction")["specification"].iloc[0]
    fit = OrderedModel.from_formula(spec, panel, distr="probit").fit(
        disp=0, method="bfgs", maxiter=500
    )
    table = _compare(fit, "satisfaction")
    assert len(table) == 8
    assert (table["z"].abs() < 3).all(), table


def test_naive_dynamic_estimates_are_biased_as_documented(panel):
    """Pooled OLS without the customer effect overstates carryover; fixed effects understate it."""
    rho = truth(outcome="cx").set_index("term").loc["cx_lag", "estimate"]
    pooled = smf.ols(CX_FORMULA.replace(" + customer_effect", ""), panel).fit()
    assert pooled.params["cx_lag"] > rho + 10 * pooled.bse["cx_lag"]
    cols = ["cx", "cx_lag", *DETERMINANTS]
    within = panel[cols] - panel.groupby("customer_id")[cols].transform("mean")
    fe = smf.ols("cx ~ 0 + " + " + ".join(cols[1:]), within).fit()
    T = panel["period"].max()
    # biased downwards, by less than Nickell's pure-AR(1) approximation -(1 + rho) / (T - 1)
    # (the determinants explain part of CX); about 0.21 here
    assert rho - (1 + rho) / (T - 1) < fe.params["cx_lag"] < rho - 0.15


def test_service_recovery_paradox_holds_in_the_data(panel):
    # in the return model: a well-recovered complaint beats not complaining, given satisfaction
    fit = smf.logit(truth(outcome="returned_next")["specification"].iloc[0], panel).fit(disp=0)
    names = ["complained[T.True]", "recovered_well[T.True]"]
    paradox = fit.params[names].sum()
    se = np.sqrt(fit.cov_params().loc[names, names].to_numpy().sum())
    assert paradox / se > 3
    # and in raw rates, comparing customers with the same satisfaction score
    d = panel.assign(
        group=np.select(
            [panel["recovered_well"], panel["complained"]], ["recovered", "not_recovered"], "none"
        )
    )
    rates = d.groupby(["satisfaction", "group"])["returned_next"].mean().unstack()
    weights = d[d["group"] == "recovered"]["satisfaction"].value_counts(normalize=True)
    gap = ((rates["recovered"] - rates["none"]) * weights).sum()
    assert gap > 0.05
    assert ((rates["not_recovered"] - rates["none"]) * weights).sum() < 0


# ------------------------------------------------------------------------- the survey


def test_survey_shapes_and_dtypes():
    s = simulate_survey(
        500, constructs=["service", "price"], items_per_construct={"service": 3, "price": 5}, seed=1
    )
    assert isinstance(s, SimulatedSurvey)
    assert s.data.columns.tolist() == [
        "respondent_id",
        "service_1",
        "service_2",
        "service_3",
        "price_1",
        "price_2",
        "price_3",
        "price_4",
        "price_5",
    ]
    assert (s.data.dtypes.iloc[1:] == "int8").all()
    assert s.data.iloc[:, 1:].stack().between(1, 7).all()
    assert s.loadings["rhs"].tolist() == s.data.columns[1:].tolist()
    assert s.table["term"].iloc[0] == f"{s.table['lhs'].iloc[0]} =~ {s.table['rhs'].iloc[0]}"
    assert s.reliability["n_items"].tolist() == [3, 5]
    assert s.loadings["loading"].between(0.6, 0.9).all()


def test_survey_true_reliability_is_composite_reliability():
    s = simulate_survey(10, constructs=["a"], items_per_construct=4, seed=2)
    lam = s.loadings["loading"].to_numpy()
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
    assert s.reliability["rho_c"].iloc[0] == pytest.approx(expected, rel=1e-12)


def test_survey_true_reliability_merges_with_composite_reliability():
    # house style: the truth and the fitted table share column names (rho_c, not omega)
    from cxresearch.reliability import composite_reliability

    s = simulate_survey(2_000, constructs=["a", "b"], items_per_construct=4, seed=8)
    cons = {c: [f"{c}_{j}" for j in range(1, 5)] for c in ("a", "b")}
    fit = composite_reliability(s.data, constructs=cons)
    both = fit.merge(s.reliability, on=["construct", "n_items"], suffixes=("_fit", "_true"))
    assert list(s.reliability.columns) == list(fit.columns)
    # Likert cutting lowers the reliability a little (see the test below)
    assert ((both["rho_c_true"] - both["rho_c_fit"]).between(-0.01, 0.06)).all()


def test_survey_alpha_close_to_true_reliability():
    """Cronbach's alpha of the Likert answers is near (a bit below) the true reliability."""
    s = simulate_survey(20_000, constructs=["a"], items_per_construct=5, scale_points=7, seed=3)
    items = s.data.drop(columns="respondent_id").astype(float)
    k = items.shape[1]
    alpha = k / (k - 1) * (1 - items.var().sum() / items.sum(axis=1).var())
    omega = s.reliability["rho_c"].iloc[0]
    assert omega - 0.06 < alpha < omega + 0.01


def test_survey_items_correlate_with_their_construct():
    s = simulate_survey(
        5_000, constructs=["a", "b"], items_per_construct=3, factor_correlation=0.0, seed=4
    )
    merged = s.data.merge(s.latent, on="respondent_id")
    assert merged["a_1"].corr(merged["a"]) > 0.45
    assert abs(merged["a_1"].corr(merged["b"])) < 0.05


def test_survey_reproducible_and_streams_independent():
    a = simulate_survey(100, constructs=["x", "y"], seed=5)
    b = simulate_survey(100, constructs=["x", "y"], seed=5)
    pd.testing.assert_frame_equal(a.data, b.data)
    c = simulate_survey(100, constructs=["x", "y", "z"], seed=5)
    pd.testing.assert_frame_equal(a.loadings.iloc[:4], c.loadings.iloc[:4])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_respondents": 0}, ValueError, "n_respondents must be between 1 and 100000000, got 0"),
        ({"n_respondents": 1.5}, TypeError, "n_respondents must be an integer"),
        ({"constructs": "service"}, TypeError, "constructs must be a sequence of names"),
        ({"constructs": []}, ValueError, "constructs must name at least one construct"),
        ({"constructs": ["a", "a"]}, ValueError, "constructs must hold unique names"),
        ({"constructs": ["a b"]}, ValueError, "constructs must hold names .*, got 'a b'"),
        ({"items_per_construct": 0}, ValueError, "items_per_construct must be between 1 and 50"),
        (
            {"constructs": ["a"], "items_per_construct": {"b": 2}},
            ValueError,
            "missing \\['a'\\], unknown \\['b'\\]",
        ),
        (
            {"scale_points": 1},
            ValueError,
            "scale_points must be between 2 and 11, got 1",
        ),
        (
            {"loading_range": (0.5, 1.2)},
            ValueError,
            r"loading_range must satisfy 0 < low <= high < 1, got \(0\.5, 1\.2\)",
        ),
        ({"loading_range": 0.5}, TypeError, "loading_range must be a pair"),
        (
            {"factor_correlation": 1.0},
            ValueError,
            "factor_correlation must satisfy 0 <= factor_correlation < 1, got 1.0",
        ),
        ({"factor_correlation": "0.4"}, TypeError, "factor_correlation must be a number"),
        ({"skew": 4}, ValueError, "skew must lie between -3 and 3, got 4"),
        ({"seed": 1.5}, TypeError, "seed must be None, an int"),
    ],
)
def test_survey_bad_arguments(kwargs, error, message):
    args = {"n_respondents": 10, **kwargs}
    with pytest.raises(error, match=message):
        simulate_survey(args.pop("n_respondents"), **args)


# ---------------------------------------------------------------- Monte Carlo coverage


def _cx_design(d: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """The design matrix of CX_FORMULA built by hand (fast), with statsmodels' term names."""
    cols: dict[str, np.ndarray] = {"Intercept": np.ones(len(d))}

    def dummies(var):
        col = d[var]
        if isinstance(col.dtype, pd.CategoricalDtype):
            cats, codes = col.cat.categories, col.cat.codes.to_numpy()
        else:
            cats, codes = [False, True], col.to_numpy().astype(np.int8)
        return {f"{var}[T.{c}]": (codes == k).astype(float) for k, c in enumerate(cats) if k}

    def times(x, var):  # x times every dummy of a categorical moderator
        return {f"{x}:{k}": num[x] * col for k, col in dummies(var).items()}

    for var in [
        "goal",
        "store_type",
        "economy",
        "multichannel",
        "gender",
        "location",
        "season",
        "region",
        "personalised",
    ]:
        cols.update(dummies(var))
    num = {
        c: d[c].to_numpy(float)
        for c in [
            "cx_lag",
            "customer_effect",
            *DETERMINANTS,
            "age",
            "tech_readiness",
            "price_consciousness",
            "task_orientation",
            "competition",
            "prior_expectation",
        ]
    }
    cols.update({k: num[k] for k in ["cx_lag", "customer_effect", "social", "crowding"]})
    cols.update(times("crowding", "goal"))
    cols.update(times("crowding", "location"))
    cols.update(times("crowding", "season"))
    for k in ["service", "age", "tech_readiness"]:
        cols[k] = num[k]
    cols["service:age"] = num["service"] * num["age"]
    cols["service:tech_readiness"] = num["service"] * num["tech_readiness"]
    cols.update(times("service", "region"))
    cols["atmosphere"] = num["atmosphere"]
    cols.update(times("atmosphere", "store_type"))
    for k in ["price", "price_consciousness", "competition", "prior_expectation"]:
        cols[k] = num[k]
    cols.update(times("price", "economy"))
    for k in ["price_consciousness", "competition", "prior_expectation"]:
        cols[f"price:{k}"] = num["price"] * num[k]
    cols["channel"] = num["channel"]
    cols.update(times("channel", "multichannel"))
    cols.update(times("channel", "gender"))
    cols.update({"assortment": num["assortment"], "task_orientation": num["task_orientation"]})
    cols["assortment:task_orientation"] = num["assortment"] * num["task_orientation"]
    cols["brand"] = num["brand"]
    return np.column_stack(list(cols.values())), list(cols)


def _ols(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """OLS estimates, classical standard errors and residual degrees of freedom."""
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ (X.T @ y)
    resid = y - X @ beta
    dof = len(y) - X.shape[1]
    return beta, np.sqrt(np.diag(xtx_inv) * (resid @ resid) / dof), dof


def test_hand_design_matches_statsmodels(small):
    X, names = _cx_design(small)
    beta = np.linalg.lstsq(X, small["cx"].to_numpy(float), rcond=None)[0]
    fit = smf.ols(CX_FORMULA, small).fit()
    np.testing.assert_allclose(beta, fit.params[names].to_numpy(), rtol=1e-6, atol=1e-8)
    assert sorted(names) == sorted(fit.params.index)


def test_determinant_shift_raises_one_determinant_and_nothing_else():
    import dataclasses

    base = simulate_panel(300, 3, seed=5)
    shift = (0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0)  # service half an SD better everywhere
    shifted = simulate_panel(
        300, 3, params=dataclasses.replace(RetailParams(), determinant_shift=shift), seed=5
    )
    diff = (shifted["service"] - base["service"]).to_numpy()
    np.testing.assert_allclose(diff, 0.5, atol=1e-5)
    pd.testing.assert_series_equal(shifted["price"], base["price"])
    # service has a positive weight for most customers (it falls with youth and tech readiness)
    assert (shifted["cx"] - base["cx"]).mean() > 0.1
    assert (shifted["cx"] > base["cx"]).mean() > 0.9
    assert truth(dataclasses.replace(RetailParams(), determinant_shift=shift)).equals(truth())


def test_determinant_shift_is_validated():
    with pytest.raises(ValueError, match="determinant_shift.*8 finite numbers in \\[-3, 3\\]"):
        RetailParams(determinant_shift=(0.5,))
    with pytest.raises(
        ValueError, match=r"determinant_shift must hold 8 finite numbers in \[-3, 3\], got \(4\.0"
    ):
        RetailParams(determinant_shift=(4.0,) + (0.0,) * 7)
    with pytest.raises(TypeError, match="determinant_shift must be a tuple of 8 numbers"):
        RetailParams(determinant_shift="service")


# ------------------------------------------------- situation moderators and mechanisms

SITUATION_MODERATORS = {
    "store_type": "atmosphere:store_type",
    "location": "crowding:location",
    "region": "service:region",
    "season": "crowding:season",
    "economy": "price:economy",
    "competition": "price:competition",
}

NEW_CX_TERMS = [
    "crowding:location[T.city_centre]",
    "crowding:location[T.mall]",
    "crowding:season[T.winter]",
    "service:region[T.south]",
    "service:region[T.east]",
    "service:region[T.west]",
    "price:competition",
    "price:prior_expectation",
    "personalised[T.True]",
]


def test_every_situation_moderator_moderates_a_path():
    """Verhoef et al. (2009): each situation moderator changes a determinant -> CX weight."""
    t = truth(outcome="cx").set_index("term")["estimate"]
    for moderator, prefix in SITUATION_MODERATORS.items():
        terms = [term for term in t.index if term.startswith(prefix)]
        assert terms, moderator
        assert (t[terms] != 0).any(), moderator
        assert moderator in CX_FORMULA
    # the level shifts stay where they were
    for term in ["location[T.city_centre]", "season[T.winter]", "economy[T.poor]"]:
        assert t[term] != 0
    assert truth(outcome="expectation").set_index("term").loc["region[T.south]", "estimate"] != 0


def test_truth_follows_the_new_parameters():
    p = RetailParams(crowding_x_winter=0.3, service_x_west=0.2, spend_dwell=0.5)
    t = truth(p).set_index(["outcome", "term"])["estimate"]
    assert t["cx", "crowding:season[T.winter]"] == 0.3
    assert t["cx", "service:region[T.west]"] == 0.2
    assert t["spend", "np.log(dwell_time)"] == 0.5
    assert t["spend", "Intercept"] == pytest.approx(3.7 - 0.5 * np.log(20))


def test_new_moderators_recovered_within_3_se(panel):
    fit = smf.ols(CX_FORMULA, panel).fit()
    table = _compare(fit, "cx").set_index("term").loc[NEW_CX_TERMS]
    print(table[["estimate", "fitted", "se", "z"]].round(4))
    assert (table["z"].abs() < 3).all(), table


def test_price_too_low_for_a_customer_who_expects_an_expensive_product(panel):
    """Price-quality inference: at a high prior expectation a better price lowers CX."""
    fit = smf.ols(CX_FORMULA, panel).fit()
    names = ["price", "price:prior_expectation"]
    at = np.array([1.0, 1.0])  # prior expectation +1 (2 SD), good economy, average rest
    slope = at @ fit.params[names].to_numpy()
    se = np.sqrt(at @ fit.cov_params().loc[names, names].to_numpy() @ at)
    t = truth(outcome="cx").set_index("term")["estimate"]
    assert t["price"] + t["price:prior_expectation"] == pytest.approx(-0.2)
    assert abs(slope - (-0.2)) < 3 * se
    assert slope + 3 * se < 0  # detectably negative: the bargain hurts


def test_personalisation_uplift_measured_as_an_ab_test(panel):
    """Personalised visits are randomised: the raw difference in mean CX is the uplift."""
    uplift = truth(outcome="cx").set_index("term").loc["personalised[T.True]", "estimate"]
    fit = smf.ols("cx ~ personalised", panel).fit(
        cov_type="cluster", cov_kwds={"groups": panel["customer_id"]}
    )
    assert abs(fit.params["personalised[T.True]"] - uplift) < 3 * fit.bse["personalised[T.True]"]
    assert 0.25 < panel["personalised"].mean() < 0.35
    # switching the lever off removes the uplift and changes nothing upstream of CX
    off = simulate_panel(5_000, 6, params={"p_personalised": 0.0}, seed=20091)
    assert not off["personalised"].any()
    pd.testing.assert_series_equal(off["service"], panel["service"])


def test_atmosphere_lengthens_the_visit_and_the_visit_raises_spend(panel):
    """Atmosphere -> minutes in store -> spend (Milliman 1982; Donovan et al. 1994)."""
    dwell = smf.ols(truth(outcome="dwell_time")["specification"].iloc[0], panel).fit()
    spend = smf.ols(truth(outcome="spend")["specification"].iloc[0], panel).fit()
    p = RetailParams()
    a, b = dwell.params["atmosphere"], spend.params["np.log(dwell_time)"]
    assert abs(a - p.dwell_atmosphere) < 3 * dwell.bse["atmosphere"]
    assert abs(b - p.spend_dwell) < 3 * spend.bse["np.log(dwell_time)"]
    # the indirect effect, with a delta-method standard error (the two fits are independent)
    se = np.sqrt(b**2 * dwell.bse["atmosphere"] ** 2 + a**2 * spend.bse["np.log(dwell_time)"] ** 2)
    assert abs(a * b - p.dwell_atmosphere * p.spend_dwell) < 3 * se
    # without time in store, the dwell path hides in the other coefficients: spend ~ atmosphere
    # picks up a positive slope that the truth has nowhere in the spend equation
    naive = smf.ols("np.log(spend) ~ cx + atmosphere + goal + store_type", panel).fit()
    assert naive.params["atmosphere"] > 3 * naive.bse["atmosphere"]


def test_complaint_levers_expected_values_are_the_hand_calculation():
    from scipy.special import expit

    levers = complaint_levers(3_000, 3, seed=4)
    assert levers["scenario"].tolist() == ["baseline", "prevention", "recovery"]
    p = RetailParams()
    d = simulate_panel(3_000, 3, params={"recovery_intercept": p.recovery_intercept + 0.5}, seed=4)
    c = expit(p.complaint_intercept + p.complaint_disconfirmation * d["disconfirmation"])
    r = expit(p.recovery_intercept + 0.5 + p.recovery_service * d["service"])
    comp = d["competition"]
    b = p.return_intercept + p.return_competition * comp
    b = b + (p.return_satisfaction + p.return_satisfaction_x_competition * comp) * d["satisfaction"]
    k, g = p.return_complained, p.return_recovered
    expected = (1 - c) * expit(b) + c * ((1 - r) * expit(b + k) + r * expit(b + k + g))
    row = levers.set_index("scenario").loc["recovery"]
    assert row["expected_return_rate"] == pytest.approx(expected.mean(), rel=1e-6)
    assert row["recovery_intercept"] == pytest.approx(0.8)
    assert row["return_rate"] == pytest.approx(d["returned_next"].mean())


@pytest.mark.parametrize(
    ("return_recovered", "better"),
    [(1.0, "recovery"), (0.3, "prevention")],
)
def test_complaint_levers_observed_change_matches_truth(return_recovered, better):
    """Prevention vs recovery: the observed change in returns is within 3 SE of the truth.

    With the default recovery paradox (a well-recovered complaint beats no complaint),
    preventing complaints does not raise returns and recovery does; with a weak recovery
    (de Matos et al. 2007 find the paradox rarely for loyalty) prevention wins.
    """
    levers = complaint_levers(
        40_000, 4, params={"return_recovered": return_recovered}, seed=13
    ).set_index("scenario")
    moved = levers.loc[["prevention", "recovery"]]
    z = (moved["return_change"] - moved["expected_return_change"]) / moved["std_error"]
    assert (z.abs() < 3).all(), moved
    assert moved["expected_return_change"].idxmax() == better
    assert moved["return_change"].idxmax() == better
    assert levers.loc["prevention", "complaint_rate"] < levers.loc["baseline", "complaint_rate"]
    assert levers.loc["recovery", "recovery_rate"] > levers.loc["baseline", "recovery_rate"]


def test_complaint_levers_bad_arguments():
    with pytest.raises(ValueError, match="prevention must lie between 0 and 10, got -1"):
        complaint_levers(10, 2, prevention=-1)
    with pytest.raises(TypeError, match="recovery must be a number"):
        complaint_levers(10, 2, recovery="high")
    with pytest.raises(ValueError, match="n_customers must be between"):
        complaint_levers(0, 2)


def _estimable(X: np.ndarray, names: list[str], first: list[str]) -> list[int]:
    """Columns of X to keep: drop constant ones, then (terms in ``first`` first) every
    column that lies in the span of those kept, e.g. ``economy[T.poor]`` when the economy
    of a small chain happens to follow its regions. The dropped columns change nothing
    in the model, so the kept coefficients keep their meaning."""
    keep = [j for j in range(X.shape[1]) if j == 0 or X[:, j].std() > 0]
    gram = X.T @ X
    if np.linalg.matrix_rank(gram[np.ix_(keep, keep)]) == len(keep):
        return keep
    order = [names.index(t) for t in first if names.index(t) in keep]
    order += [j for j in keep if j not in order]
    chosen: list[int] = []
    for j in order:
        trial = [*chosen, j]
        if np.linalg.matrix_rank(gram[np.ix_(trial, trial)]) == len(trial):
            chosen.append(j)
    return sorted(chosen)


@pytest.mark.slow
def test_monte_carlo_coverage_of_driver_effects_and_new_effects():
    """95% CIs cover the truth in 93-97% of 1,000 replications, for the carryover, the
    eight determinant weights, the new moderators and mechanisms of the CX equation, the
    atmosphere -> minutes slope and the minutes -> spend elasticity.

    Each replication simulates 1,000 customers of 60 stores x 5 periods (one winter
    quarter; a fresh seed from one SeedSequence) and fits the correct specifications by
    OLS with classical standard errors (CX by the hand-built CX_FORMULA design). With
    1,000 replications the Monte Carlo SE of a 95% coverage is 0.69 points; the band is
    about +-2.9 of them.
    """
    from scipy import stats

    reps = 1_000
    t_cx = truth(outcome="cx").set_index("term")["estimate"]
    p = RetailParams()
    cx_terms = ["cx_lag", *DETERMINANTS, *NEW_CX_TERMS]
    names_all = [*cx_terms, "dwell:atmosphere", "spend:np.log(dwell_time)"]
    seeds = np.random.SeedSequence(20091).spawn(reps)
    covered = np.zeros((reps, len(names_all)), dtype=bool)
    usable = np.ones(reps, dtype=bool)
    for r, ss in enumerate(seeds):
        d = simulate_panel(1_000, 5, n_stores=60, seed=np.random.default_rng(ss))
        X, names = _cx_design(d)
        cols = _estimable(X, names, cx_terms)
        names = [names[j] for j in cols]
        if not set(cx_terms) <= set(names):  # e.g. a chain without a store in one region
            usable[r] = False
            continue
        beta, se, dof = _ols(X[:, cols], d["cx"].to_numpy(float))
        idx = [names.index(term) for term in cx_terms]
        q = stats.t.ppf(0.975, dof)
        cov = np.abs(beta[idx] - t_cx[cx_terms].to_numpy()) <= q * se[idx]
        one = np.ones(len(d))
        hedonic = (d["goal"] == "hedonic").to_numpy(float)
        log_dwell = np.log(d["dwell_time"].to_numpy(float))
        bd, sd, dofd = _ols(
            np.column_stack([one, d["atmosphere"].to_numpy(float), hedonic]), log_dwell
        )
        types = [
            (d["store_type"] == k).to_numpy(float)
            for k in ["supermarket", "department", "specialty"]
        ]
        Xs = np.column_stack([one, d["cx"].to_numpy(float), log_dwell, hedonic, *types])
        bs, ses, dofs = _ols(Xs, np.log(d["spend"].to_numpy(float)))
        covered[r] = [
            *cov,
            abs(bd[1] - p.dwell_atmosphere) <= stats.t.ppf(0.975, dofd) * sd[1],
            abs(bs[2] - p.spend_dwell) <= stats.t.ppf(0.975, dofs) * ses[2],
        ]
    assert usable.mean() > 0.99
    coverage = covered[usable].mean(axis=0)
    report = dict(zip(names_all, coverage.round(4), strict=True))
    print("coverage:", report)
    assert ((coverage >= 0.93) & (coverage <= 0.97)).all(), report


# --------------------------------------------------------------------------- recovery (issue 21)


def test_recovery_truth_is_the_product_of_the_parameters_by_hand():
    from cxresearch.simulate import simulate_recovery

    params = {"effort_on_satisfaction": 0.3, "effort_x_prior": -0.2, "satisfaction_on_loyalty": 2}
    sim = simulate_recovery(50, params=params, at=[2, -1.5], seed=1)
    t = sim.table
    ind = t[t["component"] == "indirect"]
    assert ind["w"].tolist() == [-1.5, 2.0] and sim.at == (-1.5, 2.0)
    # (a1 + a3 w) b by hand: (0.3 + 0.3) * 2 and (0.3 - 0.4) * 2
    np.testing.assert_allclose(ind["estimate"], [1.2, -0.2], rtol=0, atol=1e-15)
    index = t.loc[t["component"] == "index", "estimate"].item()
    assert index == sim.index_of_moderated_mediation == pytest.approx(-0.4, abs=1e-15)
    assert t.loc[t["component"] == "direct", "estimate"].item() == 0.1  # the default c'
    np.testing.assert_allclose(sim.conditional_indirect([-1.5, 2]), [1.2, -0.2], atol=1e-15)
    coef = sim.coefficients.set_index(["equation", "term"])["estimate"]
    assert coef["satisfaction", "recovery_effort:prior_experience"] == -0.2


def test_recovery_data_follow_the_equations_exactly_without_noise_and_the_seed():
    from cxresearch.simulate import simulate_recovery

    tiny = {"satisfaction_sd": 1e-12, "loyalty_sd": 1e-12}
    d = simulate_recovery(200, params=tiny, seed=4).data
    x, w = d["recovery_effort"], d["prior_experience"]
    sat = 4 + 0.5 * x + 0.4 * w + 0.25 * x * w
    np.testing.assert_allclose(d["satisfaction"], sat, rtol=0, atol=1e-10)
    np.testing.assert_allclose(d["loyalty"], 1 + 0.1 * x + 0.6 * sat, rtol=0, atol=1e-10)
    assert abs(np.corrcoef(x, w)[0, 1]) < 0.2  # the effort is assigned independently
    a = simulate_recovery(200, seed=4).data
    pd.testing.assert_frame_equal(a, simulate_recovery(200, seed=4).data)
    assert not a.equals(simulate_recovery(200, seed=5).data)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"n_customers": 5}, ValueError, "n_customers must be between 10"),
        ({"n_customers": 2.5}, TypeError, "n_customers must be an integer"),
        ({"params": {"effort": 1}}, ValueError, "unknown parameter.*effort_on_satisfaction"),
        ({"params": {"loyalty_sd": 0}}, ValueError, r"params\['loyalty_sd'\] must satisfy 0 <"),
        ({"params": [1, 2]}, TypeError, "params must be a dict"),
        ({"at": ["low"]}, TypeError, "at must be a number"),
        ({"at": []}, ValueError, "at must list at least one value"),
        ({"seed": "x"}, TypeError, "seed"),
    ],
)
def test_recovery_bad_arguments_are_named(kwargs, error, pattern):
    from cxresearch.simulate import simulate_recovery

    args = {"n_customers": 100, **kwargs}
    n = args.pop("n_customers")
    with pytest.raises(error, match=pattern):
        simulate_recovery(n, **args)
