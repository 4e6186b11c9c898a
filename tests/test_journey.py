"""Tests for cxresearch.journey: Markov journeys, funnel vs journey, peak-end, journey map.

Closed-form numbers are worked out by hand in the comments; simulated numbers are
compared with the closed form within 4 Monte Carlo standard errors.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from cxresearch import journey as jr
from cxresearch.plots import journey as pj

# A small absorbing chain: states 0, 1 transient, 2 absorbing.
# Q = [[.5, .25], [.5, 0]], I - Q = [[.5, -.25], [-.5, 1]], det = 0.375,
# N = (1/0.375) [[1, .25], [.5, .5]] = [[8/3, 2/3], [4/3, 4/3]].
P3 = [[0.5, 0.25, 0.25], [0.5, 0.0, 0.5], [0.0, 0.0, 1.0]]

# Two absorbing states (2 = buy, 3 = leave).
P4 = [[0.6, 0.3, 0.1, 0.0], [0.0, 0.0, 0.8, 0.2], [0, 0, 1, 0], [0, 0, 0, 1]]


def within_mc(estimate, truth, se, k=4.0):
    assert abs(estimate - truth) <= k * se, (estimate, truth, se)


# ----------------------------------------------------------- transition matrices


def test_check_transition_matrix_labels_an_array_and_copies_a_frame():
    out = jr.check_transition_matrix(P3, states=["a", "b", "c"])
    assert list(out.index) == ["a", "b", "c"] and list(out.columns) == ["a", "b", "c"]
    frame = pd.DataFrame(P3, index=list("abc"), columns=list("abc"))
    before = frame.copy()
    out = jr.check_transition_matrix(frame)
    out.iloc[0, 0] = 99.0
    pd.testing.assert_frame_equal(frame, before)


def test_row_not_summing_to_one_names_the_row_and_its_sum():
    bad = [[0.5, 0.4, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    with pytest.raises(ValueError, match=r"row 'browse' sums to 0\.9\b.*sum to 1"):
        jr.check_transition_matrix(bad, states=["browse", "buy", "exit"])


def test_row_sum_tolerance_is_1e9():
    ok = [[0.5, 0.5 + 5e-10], [0.0, 1.0]]
    jr.check_transition_matrix(ok)
    with pytest.raises(ValueError, match="row 0 sums to"):
        jr.check_transition_matrix([[0.5, 0.5 + 1e-8], [0.0, 1.0]])


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1.2, -0.2], [0.0, 1.0]], "non-negative"),
        ([[0.5, 0.5, 0.0], [0.0, 1.0, 0.0]], "square"),
        ([[np.nan, 1.0], [0.0, 1.0]], "finite"),
        ([[]], "square"),
    ],
)
def test_bad_matrices_raise_value_error(matrix, message):
    with pytest.raises(ValueError, match=message):
        jr.check_transition_matrix(matrix)


def test_wrong_types_raise_type_error():
    with pytest.raises(TypeError, match="square matrix"):
        jr.check_transition_matrix("not a matrix")
    frame = pd.DataFrame([["x", "y"], ["z", "w"]], index=[0, 1], columns=[0, 1])
    with pytest.raises(TypeError, match="numbers"):
        jr.check_transition_matrix(frame)


def test_frame_with_mismatched_labels_or_states_raises():
    frame = pd.DataFrame(P3, index=list("abc"), columns=list("abd"))
    with pytest.raises(ValueError, match="same state labels"):
        jr.check_transition_matrix(frame)
    with pytest.raises(ValueError, match="states has 2 labels"):
        jr.check_transition_matrix(P3, states=["a", "b"])


# ------------------------------------------------------- closed-form quantities


def test_fundamental_matrix_equals_hand_inverse():
    n = jr.fundamental_matrix(P3)
    np.testing.assert_allclose(n.to_numpy(), [[8 / 3, 2 / 3], [4 / 3, 4 / 3]], rtol=1e-12)


def test_expected_steps_and_their_sd_equal_hand_values():
    res = jr.expected_steps(P3)
    # t = N 1 = [10/3, 8/3]; Var = (2N - I) t - t^2 = [18 - 100/9, 40/3 - 64/9]
    np.testing.assert_allclose(res["expected_steps"], [10 / 3, 8 / 3], rtol=1e-12)
    np.testing.assert_allclose(res["sd_steps"] ** 2, [18 - 100 / 9, 40 / 3 - 64 / 9], rtol=1e-12)


def test_absorption_probabilities_equal_first_step_analysis():
    b = jr.absorption_probabilities(P4)
    # from 1: (0.8, 0.2); from 0: b0 = 0.6 b0 + 0.3 b1 + (0.1, 0) -> (0.85, 0.15)
    np.testing.assert_allclose(b.to_numpy(), [[0.85, 0.15], [0.8, 0.2]], rtol=1e-12)
    np.testing.assert_allclose(b.sum(axis=1), 1.0)


def test_hitting_probabilities_of_a_transient_state():
    h = jr.hitting_probabilities(P4, 1)
    # from 0: h0 = 0.6 h0 + 0.3 -> 0.75
    np.testing.assert_allclose(h["probability"], [0.75, 1.0, 0.0, 0.0], rtol=1e-12)
    with pytest.raises(ValueError, match="not in the transition matrix"):
        jr.hitting_probabilities(P4, "nowhere")


def test_stationary_distribution_of_two_state_chain():
    a, b = 0.1, 0.5
    res = jr.stationary_distribution([[1 - a, a], [b, 1 - b]])
    np.testing.assert_allclose(res["probability"], [b / (a + b), a / (a + b)], rtol=1e-12)
    np.testing.assert_allclose(res["mean_return_time"], [1.2, 6.0], rtol=1e-12)


def test_stationary_distribution_matches_leading_eigenvector():
    p = np.array([[0.2, 0.5, 0.3], [0.4, 0.4, 0.2], [0.1, 0.6, 0.3]])
    vals, vecs = np.linalg.eig(p.T)
    v1 = np.real(vecs[:, np.argmin(np.abs(vals - 1))])
    res = jr.stationary_distribution(p)
    np.testing.assert_allclose(res["probability"], v1 / v1.sum(), rtol=1e-10)
    np.testing.assert_allclose(res["probability"].to_numpy() @ p, res["probability"], atol=1e-12)


def test_stationary_distribution_rejects_absorbing_chain():
    with pytest.raises(ValueError, match="not irreducible"):
        jr.stationary_distribution(P3)


def test_absorbing_quantities_reject_chains_without_absorption():
    with pytest.raises(ValueError, match="no absorbing state"):
        jr.fundamental_matrix([[0.5, 0.5], [0.5, 0.5]])
    stuck = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]  # 0 <-> 1 never absorbed
    with pytest.raises(ValueError, match="no absorbing state can be reached"):
        jr.expected_steps(stuck)


# ------------------------------------------------------------ the journey chain


def test_journey_states_and_matrix_shape():
    assert jr.STAGES == ("pre_purchase", "purchase", "post_purchase")
    assert set(jr.TOUCHPOINT_OWNERS) == {
        "brand_owned",
        "partner_owned",
        "customer_owned",
        "social_external",
    }
    assert jr.CHANNELS == ("store", "web", "app", "phone", "social")
    p = jr.journey_transition_matrix()
    assert p.shape == (16, 16) and list(p.index)[-1] == "exit"
    assert p.loc["exit", "exit"] == 1.0
    # pre -> purchase with buy = 0.3 whatever the channel; post -> exit 1 - loop_back
    buy = p.loc["pre_purchase:web", [f"purchase:{c}" for c in jr.CHANNELS]].sum()
    assert buy == pytest.approx(0.3)
    assert p.loc["post_purchase:app", "exit"] == pytest.approx(0.4)
    assert p.loc["purchase:store", "post_purchase:store"] == pytest.approx(0.6 + 0.4 * 0.35)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"research": 0.8, "buy": 0.3}, ValueError, "research \\+ buy"),
        ({"buy": -0.1}, ValueError, "buy must lie between 0 and 1"),
        ({"loop_back": 1.5}, ValueError, "loop_back must lie between 0 and 1"),
        ({"stickiness": True}, TypeError, "stickiness must be a number"),
        ({"channel_mix": {"store": 0.5, "web": 0.4}}, ValueError, "sum to 1"),
        ({"channel_mix": ["store"]}, TypeError, "mapping"),
    ],
)
def test_journey_transition_matrix_rejects_bad_rates(kwargs, error, message):
    with pytest.raises(error, match=message):
        jr.journey_transition_matrix(**kwargs)


def test_journey_states_rejects_colons():
    with pytest.raises(ValueError, match="without ':'"):
        jr.journey_states(["a:b"], ["web"])


# -------------------------------------------------------------------- simulation


@pytest.fixture(scope="module")
def journey_paths():
    p = jr.journey_transition_matrix()
    paths = jr.simulate_journeys(p, n_customers=4000, start="pre_purchase:web", seed=11)
    return p, paths


def test_simulated_steps_to_absorption_match_closed_form(journey_paths):
    p, paths = journey_paths
    last = paths.groupby("customer_id")["state"].last()
    assert (last == "exit").all()  # every path reached the absorbing state (no warning)
    steps = paths.groupby("customer_id")["step"].max()
    closed = jr.expected_steps(p).set_index("state").loc["pre_purchase:web"]
    within_mc(steps.mean(), closed["expected_steps"], closed["sd_steps"] / np.sqrt(len(steps)))


def test_simulated_visits_match_fundamental_matrix(journey_paths):
    p, paths = journey_paths
    n = jr.fundamental_matrix(p).loc["pre_purchase:web"]
    visits = (
        paths[paths["state"] != "exit"]
        .groupby(["customer_id", "state"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=range(4000), columns=n.index, fill_value=0)
    )
    for state in ["pre_purchase:web", "pre_purchase:store", "purchase:web", "post_purchase:app"]:
        x = visits[state]
        within_mc(x.mean(), n[state], x.std(ddof=1) / np.sqrt(len(x)))


def test_simulated_metrics_match_closed_form(journey_paths):
    p, paths = journey_paths
    res = jr.journey_metrics(paths).set_index("metric")
    buy_states = [f"purchase:{c}" for c in jr.CHANNELS]
    h = jr.hitting_probabilities(p, buy_states).set_index("state")["probability"]
    # reach of purchase = P(ever buy) = buy / (1 - research) = 0.6 from any pre state
    assert h["pre_purchase:web"] == pytest.approx(0.6)
    for metric, truth in [
        ("reach_purchase", 0.6),
        ("reach_post_purchase", 0.6),
        ("conversion", 0.3 / 0.5),
        ("loop_back_rate", 0.6),
    ]:
        row = res.loc[metric]
        within_mc(row["estimate"], truth, row["std_error"])
    assert res.loc["reach_pre_purchase", "estimate"] == 1.0


def test_showrooming_and_webrooming_from_independent_channels():
    # stickiness 0, mix store/web 50:50: the channel at each touchpoint is a fair coin,
    # so a purchase is store -> web (showrooming) or web -> store (webrooming) with 1/4.
    p = jr.journey_transition_matrix(stickiness=0.0, channel_mix={"store": 0.5, "web": 0.5})
    start = {"pre_purchase:store": 0.5, "pre_purchase:web": 0.5}
    paths = jr.simulate_journeys(p, n_customers=4000, start=start, seed=5)
    res = jr.journey_metrics(paths).set_index("metric")
    for metric in ["showrooming", "webrooming"]:
        within_mc(res.loc[metric, "estimate"], 0.25, res.loc[metric, "std_error"])
    switches = jr.channel_switches(paths)
    assert switches["n"].sum() == res.loc["showrooming", "n"]
    assert switches["share"].sum() == pytest.approx(1.0)


def test_channel_switches_hand_example():
    paths = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 3, 3],
            "step": [2, 0, 1, 0, 1, 0, 1],
            "stage": ["purchase", "pre_purchase", "pre_purchase", "pre_purchase", "purchase"]
            + ["pre_purchase", "purchase"],
            "channel": ["web", "social", "store", "web", "store", "store", "web"],
        }
    )
    res = jr.channel_switches(paths)
    assert list(zip(res["research_channel"], res["purchase_channel"], res["n"], strict=True)) == [
        ("store", "web", 2),
        ("web", "store", 1),
    ]
    metrics = jr.journey_metrics(paths).set_index("metric")["estimate"]
    assert metrics["showrooming"] == pytest.approx(2 / 3)
    assert metrics["webrooming"] == pytest.approx(1 / 3)
    assert metrics["conversion"] == 1.0
    assert np.isnan(metrics["loop_back_rate"])  # nobody left post-purchase


def test_ergodic_simulation_settles_on_stationary_distribution():
    p = [[0.9, 0.1], [0.5, 0.5]]
    paths = jr.simulate_journeys(p, n_customers=3000, max_steps=60, seed=2)
    last = paths[paths["step"] == 60]
    share = (last["state"] == 0).mean()
    within_mc(share, 5 / 6, np.sqrt(5 / 36 / len(last)))
    assert paths.attrs == {}  # an ergodic chain runs max_steps steps: nothing is truncated


def test_truncated_paths_warn_with_their_count():
    # they used to be counted silently in DataFrame.attrs["n_truncated"]
    p = [[0.9, 0.1], [0.0, 1.0]]  # leaves state 0 with probability 0.1 per step
    with pytest.warns(RuntimeWarning, match=r"max_steps=3: (\d+) of 500 paths were cut off") as rec:
        paths = jr.simulate_journeys(p, n_customers=500, max_steps=3, seed=1)
    last = paths.groupby("customer_id")["state"].last()
    n_cut = int((last == 0).sum())
    assert 0 < n_cut < 500
    assert f" {n_cut} of 500 paths" in str(rec[0].message)
    assert paths.attrs == {}


def test_probabilities_are_checked_in_the_house_style():
    with pytest.raises(TypeError, match="drop_prob must be a number, got '0.2'"):
        jr.simulate_consideration(drop_prob="0.2")
    with pytest.raises(ValueError, match="loop_back must lie between 0 and 1, got 1.5"):
        jr.simulate_consideration(loop_back=1.5)
    with pytest.raises(ValueError, match="drop_prob must lie between 0 and 1, got nan"):
        jr.simulate_consideration(drop_prob=float("nan"))


def test_simulation_is_reproducible_and_takes_a_start_distribution(rng):
    p = jr.journey_transition_matrix()
    a = jr.simulate_journeys(p, n_customers=50, seed=3)
    b = jr.simulate_journeys(p, n_customers=50, seed=np.random.default_rng(3))
    pd.testing.assert_frame_equal(a, b)
    start = {"pre_purchase:web": 0.5, "pre_purchase:social": 0.5}
    c = jr.simulate_journeys(p, n_customers=200, start=start, seed=rng)
    first = c[c["step"] == 0]["state"]
    assert set(first) == set(start)
    assert list(c.columns) == ["customer_id", "step", "state", "stage", "channel"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_customers": 0}, ValueError, "n_customers must be at least 1"),
        ({"n_customers": 2.5}, TypeError, "n_customers must be an integer"),
        ({"start": "nowhere"}, ValueError, "start: state 'nowhere'"),
        ({"start": {"exit": 0.5}}, ValueError, "sum to 1"),
        ({"seed": "abc"}, TypeError, "seed must be"),
    ],
)
def test_simulate_journeys_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        jr.simulate_journeys(jr.journey_transition_matrix(), **kwargs)


def test_journey_metrics_rejects_bad_input():
    with pytest.raises(TypeError, match="DataFrame"):
        jr.journey_metrics([1, 2, 3])
    with pytest.raises(ValueError, match="not found"):
        jr.journey_metrics(pd.DataFrame({"customer_id": [1], "step": [0]}))
    dup = pd.DataFrame(
        {"customer_id": [1, 1], "step": [0, 0], "stage": ["purchase"] * 2, "channel": ["web"] * 2}
    )
    with pytest.raises(ValueError, match="more than one row at step"):
        jr.journey_metrics(dup)


# ------------------------------------------------------------ funnel vs journey


@pytest.fixture(scope="module")
def fvj():
    return jr.funnel_vs_journey(n_customers=4000, seed=7)


def test_funnel_consideration_set_shrinks_geometrically(fvj):
    f = fvj[(fvj["model"] == "funnel") & (fvj["stage"] == "pre_purchase")]
    sizes = f["mean_set_size"].to_numpy()
    assert np.all(np.diff(sizes) < 0)
    # each of the 4 brands survives a step with 0.75: size_t ~ Binomial(4, 0.75^t)
    for t, size in enumerate(sizes):
        keep = 0.75**t
        within_mc(size, 4 * keep, np.sqrt(4 * keep * (1 - keep) / 4000) + 1e-12)
    assert (f["share_late"] == 0).all()
    purchase = fvj[(fvj["model"] == "funnel") & (fvj["stage"] == "purchase")].iloc[0]
    # nobody buys from an empty set: P(buy) = 1 - (1 - 0.75^4)^4 = 0.7816
    p_buy = 1 - (1 - 0.75**4) ** 4
    within_mc(purchase["reach"], p_buy, np.sqrt(p_buy * (1 - p_buy) / 4000))
    # the funnel does not loop back: no second cycle
    assert fvj.loc[fvj["model"] == "funnel", "cycle"].max() == 1


def test_journey_consideration_set_does_not_shrink_and_brands_enter_late(fvj):
    j = fvj[(fvj["model"] == "journey") & (fvj["cycle"] == 1) & (fvj["stage"] == "pre_purchase")]
    # m_t = m_{t-1} (1 - d - e) + B e = 4 (1 - 0.3125) + 20 * 0.0625 = 4
    np.testing.assert_allclose(j["mean_set_size"], 4.0, atol=0.1)
    # (20 - 4) * 0.0625 = 1 new brand per step, on average
    np.testing.assert_allclose(j["mean_entered"].iloc[1:], 1.0, atol=0.05)
    # share of the set not in the initial set after 4 steps: a brand is in the set with
    # x_t = x_{t-1} (1 - d) + (1 - x_{t-1}) e, from x_0 = 1 (initial) or 0 (the 16 others)
    x, y = 1.0, 0.0
    for _ in range(4):
        x, y = x * 0.75 + (1 - x) * 0.0625, y * 0.75 + (1 - y) * 0.0625
    assert j["share_late"].iloc[-1] == pytest.approx(16 * y / (4 * x + 16 * y), abs=0.01)


def test_journey_loops_back_after_purchase(fvj):
    j = fvj[fvj["model"] == "journey"]
    post = j[(j["cycle"] == 1) & (j["stage"] == "post_purchase")]["reach"].iloc[0]
    start2 = j[(j["cycle"] == 2) & (j["step"] == 0)]["reach"].iloc[0]
    n_post = post * 4000
    within_mc(start2 / post, 0.6, np.sqrt(0.24 / n_post))
    # the second cycle starts with the brand bought plus 3 others
    assert j[(j["cycle"] == 2) & (j["step"] == 0)]["mean_set_size"].iloc[0] == 4.0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"drop_prob": -0.1}, ValueError, "drop_prob must lie between 0 and 1"),
        ({"entry_prob": 1.1}, ValueError, "entry_prob must lie between 0 and 1"),
        ({"initial_size": 30}, ValueError, "at most n_brands"),
        ({"n_brands": "20"}, TypeError, "n_brands must be an integer"),
    ],
)
def test_simulate_consideration_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        jr.simulate_consideration(**kwargs)


# ---------------------------------------------------------------------- peak-end


def test_peak_end_cold_pressor_example():
    trials = pd.DataFrame({"trial": ["short"] * 3 + ["long"] * 4, "pain": [8, 8, 8, 8, 8, 8, 5]})
    res = jr.peak_end(trials, score="pain", by="trial", peak="max").set_index("trial")
    assert res.loc["long", "mean_score"] == 7.25 and res.loc["long", "peak_end"] == 6.5
    assert res.loc["short", "peak_end"] == 8.0
    # more pain in total, yet remembered as less bad
    assert res.loc["long", "peak_end"] < res.loc["short", "peak_end"]


def test_peak_end_extreme_peak_with_mixed_feelings_and_order():
    moments = pd.DataFrame({"step": [3, 1, 2], "feeling": [2, 1, -3]})
    res = jr.peak_end(moments, score="feeling", by=None, order="step")
    row = res.iloc[0]
    # order 1, -3, 2: peak (most intense) -3, end 2 -> -0.5; mean 0
    assert row["peak_score"] == -3 and row["end_score"] == 2
    assert row["peak_end"] == pytest.approx(-0.5) and row["mean_score"] == 0
    res = jr.peak_end(moments, score="feeling", by=None, order="step", peak_weight=0.25)
    assert res["peak_end"].iloc[0] == pytest.approx(0.25 * -3 + 0.75 * 2)
    res = jr.peak_end(moments, score="feeling", by=None, order="step", peak="max", neutral=0)
    assert res["peak_score"].iloc[0] == 2


def test_peak_end_leaves_input_unchanged():
    moments = pd.DataFrame({"customer_id": [1, 1, 2], "score": [1.0, 3.0, 2.0]})
    before = moments.copy()
    res = jr.peak_end(moments)
    pd.testing.assert_frame_equal(moments, before)
    assert list(res.columns) == [
        "customer_id",
        "n_moments",
        "mean_score",
        "peak_score",
        "end_score",
        "peak_end",
        "difference",
    ]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"peak": "best"}, ValueError, "peak must be one of"),
        ({"score": "nope"}, ValueError, "not found"),
        ({"peak_weight": 1.5}, ValueError, "peak_weight must lie between 0 and 1"),
        ({"neutral": "zero"}, TypeError, "neutral must be a number"),
    ],
)
def test_peak_end_rejects_bad_input(kwargs, error, message):
    moments = pd.DataFrame({"customer_id": [1, 1], "score": [1.0, 3.0]})
    with pytest.raises(error, match=message):
        jr.peak_end(moments, **kwargs)


def test_peak_end_rejects_text_scores_and_missing_values():
    with pytest.raises(TypeError, match="numeric"):
        jr.peak_end(pd.DataFrame({"customer_id": [1], "score": ["good"]}))
    with pytest.raises(ValueError, match="missing"):
        jr.peak_end(pd.DataFrame({"customer_id": [1, 1], "score": [1.0, np.nan]}))


def test_peak_end_missing_value_message_does_not_suggest_an_argument_it_lacks():
    # peak_end has no missing= argument, so the error must not tell the user to pass one
    with pytest.raises(ValueError, match="missing") as err:
        jr.peak_end(pd.DataFrame({"customer_id": [1, 1], "score": [1.0, np.nan]}))
    assert "missing=" not in str(err.value) and "dropna" not in str(err.value)
    assert "fill them in" in str(err.value)


# ------------------------------------------------------------------------- plots


@pytest.fixture
def journey_table():
    return pd.DataFrame(
        {
            "step": [1, 2, 3, 4, 5, 6],
            "stage": ["pre_purchase"] * 2 + ["purchase"] * 2 + ["post_purchase"] * 2,
            "channel": ["social", "web", "store", "store", "phone", "app"],
            "feeling": [1, 2, -1, 1, -2, 2],
            "touchpoint": ["ad", "reviews", "queue", "pay", "call", "refund"],
        }
    )


def test_plot_journey_map_draws_curve_markers_and_bands(journey_table):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    out = pj.plot_journey_map(journey_table, touchpoint="touchpoint", ax=ax)
    assert out is ax
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [1, 2, -1, 1, -2, 2])
    assert len(ax.collections) == 5  # social, web, store, phone, app
    assert [t.get_text() for t in ax.get_xticklabels()] == list(journey_table["touchpoint"])
    assert [t.get_text() for t in ax.texts] == ["pre-purchase", "purchase", "post-purchase"]
    assert ax.get_title() == ""


def test_plot_journey_map_rejects_repeated_steps(journey_table):
    bad = pd.concat([journey_table, journey_table.iloc[:1]])
    with pytest.raises(ValueError, match="occurs more than once"):
        pj.plot_journey_map(bad)
    with pytest.raises(TypeError, match="ax must be"):
        pj.plot_journey_map(journey_table, ax="left")


def test_plot_consideration_draws_one_line_per_model(fvj):
    ax = pj.plot_consideration(fvj)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"funnel", "journey"}
    f = fvj[(fvj["model"] == "funnel") & (fvj["cycle"] == 1)]
    np.testing.assert_allclose(lines["funnel"].get_ydata(), f["mean_set_size"])


def test_example_journey_uses_the_documented_labels_and_teaches_peak_end():
    journey = jr.example_journey()
    assert set(journey["stage"]) == set(jr.STAGES)
    assert set(journey["owner"]) == set(jr.TOUCHPOINT_OWNERS)
    assert set(journey["channel"]) <= set(jr.CHANNELS)
    res = jr.peak_end(journey, score="feeling", by=None, order="step").iloc[0]
    # mean (1+1+2+1-2+1-1-3+2+2)/10 = 0.4; peak -3, end 2 -> remembered -0.5
    assert res["mean_score"] == pytest.approx(0.4)
    assert res["peak_end"] == pytest.approx(-0.5)
    ax = pj.plot_journey_map(journey, touchpoint="touchpoint")
    assert len(ax.collections) == journey["channel"].nunique()


# ------------------------------------- issue 13: nothing bad, nothing sweet; consistency


def test_peak_end_flat_journey_is_remembered_as_it_was():
    # "nothing bad, nothing sweet": every moment neutral -> remembered = mean = 0
    flat = pd.DataFrame({"step": range(1, 9), "feeling": [0.0] * 8})
    res = jr.peak_end(flat, score="feeling", by=None, order="step")
    assert res.loc[0, "peak_end"] == res.loc[0, "mean_score"] == 0


def test_peak_end_one_sweet_moment_counts_more_than_its_average():
    # hand calculation: one +2.5 among eight moments raises the mean by 2.5/8 = 0.3125,
    # the memory by 0.5 * 2.5 = 1.25 (peak) or 2.5 (peak and end at once)
    d = pd.DataFrame(
        {
            "journey": ["middle"] * 8 + ["end"] * 8,
            "step": list(range(1, 9)) * 2,
            "feeling": [0, 0, 0, 2.5, 0, 0, 0, 0] + [0] * 7 + [2.5],
        }
    )
    res = jr.peak_end(d, score="feeling", by="journey", order="step").set_index("journey")
    assert res.loc["middle", "mean_score"] == pytest.approx(0.3125)
    assert res.loc["middle", "peak_end"] == pytest.approx(1.25)
    assert res.loc["end", "peak_end"] == pytest.approx(2.5)


def test_peak_end_inconsistent_touchpoints_leave_more_bad_memories():
    # same mean quality (0.5), more spread between touchpoints -> more customers whose
    # remembered experience is negative, although the average experience is unchanged
    rng = np.random.default_rng(13)
    noise = rng.normal(0, 1, size=(4000, 8))

    def share_negative(spread):
        feeling = 0.5 + spread * noise
        d = pd.DataFrame(
            {
                "customer_id": np.repeat(np.arange(4000), 8),
                "step": np.tile(np.arange(8), 4000),
                "feeling": feeling.ravel(),
            }
        )
        res = jr.peak_end(d, score="feeling", order="step")
        return (res["peak_end"] < 0).mean(), res["mean_score"].mean()

    (neg_even, mean_even), (neg_uneven, mean_uneven) = share_negative(0.25), share_negative(1.5)
    assert mean_even == pytest.approx(mean_uneven, abs=0.05)
    assert neg_even < 0.01 < 0.15 < neg_uneven
