"""Tests for cxresearch.value: pyramid, lifecycle, CLV (closed form vs simulation), money, PLC.

Hand-made examples carry their arithmetic in the comments; simulated CLV is compared
with the closed form within 4 Monte Carlo standard errors.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from cxresearch import journey as jr
from cxresearch import value as cv
from cxresearch.plots import value as pv

PROFITS = [500, -20, 40, 120, 10, 60, 5, 300, -5, 20]  # total 1030


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": range(1, 11), "profit": PROFITS})


# ------------------------------------------------------------------------ pyramid


def test_quantile_tiers_on_hand_example(customers):
    before = customers.copy()
    out = cv.assign_tiers(customers, tiers=["gold", "silver", "lead"], cuts=[0.2, 0.5, 0.3])
    pd.testing.assert_frame_equal(customers, before)  # input untouched
    # sorted: 500, 300 | 120, 60, 40, 20, 10 | 5, -5, -20
    expected = ["gold", "lead", "silver", "silver", "silver"]
    expected += ["silver", "lead", "gold", "lead", "silver"]
    assert out["tier"].tolist() == expected
    assert list(out["tier"].cat.categories) == ["gold", "silver", "lead"]


def test_threshold_tiers_on_hand_example(customers):
    out = cv.assign_tiers(customers, rule="threshold", cuts=[100, 0], tiers=["a", "b", "c"])
    # >= 100 -> a; 0 <= p < 100 -> b; < 0 -> c
    assert out["tier"].tolist() == ["a", "c", "b", "a", "b", "b", "b", "a", "c", "b"]


def test_default_tiers_and_shares():
    data = pd.DataFrame({"profit": np.arange(100.0)})
    out = cv.assign_tiers(data)
    counts = out["tier"].value_counts().reindex(cv.TIERS)
    assert counts.tolist() == [5, 15, 30, 30, 20]
    assert out.loc[99, "tier"] == "platinum" and out.loc[0, "tier"] == "lead"


def test_customer_pyramid_shares_on_hand_example(customers):
    res = cv.customer_pyramid(customers, tiers=["gold", "silver", "lead"], cuts=[0.2, 0.5, 0.3])
    assert res["tier"].tolist() == ["gold", "silver", "lead"]
    assert res["n_customers"].tolist() == [2, 5, 3]
    np.testing.assert_allclose(res["total_profit"], [800, 250, -20])
    np.testing.assert_allclose(res["share_of_profit"], [800 / 1030, 250 / 1030, -20 / 1030])
    np.testing.assert_allclose(res["share_of_customers"], [0.2, 0.5, 0.3])
    np.testing.assert_allclose(res["cum_share_of_profit"].iloc[-1], 1.0)
    np.testing.assert_allclose(res["mean_profit"], [400, 50, -20 / 3])


def test_customer_pyramid_from_an_existing_tier_column(customers):
    tiers = cv.assign_tiers(customers, rule="threshold", cuts=[100, 0], tiers=["a", "b", "c"])
    res = cv.customer_pyramid(tiers, tier="tier")
    # a: 500 + 120 + 300 = 920; b: 40 + 10 + 60 + 5 + 20 = 135; c: -25
    np.testing.assert_allclose(res["total_profit"], [920, 135, -25])
    plain = tiers.assign(tier=tiers["tier"].astype(str))  # not categorical: by mean profit
    assert cv.customer_pyramid(plain, tier="tier")["tier"].tolist() == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"rule": "decile"}, ValueError, "rule must be one of"),
        ({"rule": "threshold"}, ValueError, "needs 4 profit thresholds"),
        ({"rule": "threshold", "cuts": [0, 10, 20, 30]}, ValueError, "decrease strictly"),
        ({"rule": "threshold", "cuts": [10, 0]}, ValueError, "needs 4 thresholds"),
        ({"cuts": [0.5, 0.5]}, ValueError, "one share per tier"),
        ({"cuts": [0.5, 0.5, 0.5, 0.1, 0.1]}, ValueError, "sum to 1"),
        ({"cuts": [1.2, -0.2, 0, 0, 0]}, ValueError, "between 0 and 1"),
        ({"cuts": "0.2"}, TypeError, "cuts must be a list"),
        ({"tiers": "gold"}, TypeError, "tiers must be a list"),
        ({"tiers": ["a", "a"]}, ValueError, "more than once"),
        ({"profit": "revenue"}, ValueError, "not found"),
    ],
)
def test_assign_tiers_rejects_bad_rules(customers, kwargs, error, message):
    with pytest.raises(error, match=message):
        cv.assign_tiers(customers, **kwargs)


def test_tier_functions_reject_wrong_types():
    with pytest.raises(TypeError, match="DataFrame"):
        cv.assign_tiers(PROFITS)
    with pytest.raises(TypeError, match="numeric"):
        cv.assign_tiers(pd.DataFrame({"profit": ["high", "low"]}))
    with pytest.raises(ValueError, match="positive total"):
        cv.customer_pyramid(pd.DataFrame({"profit": [-1.0, 0.5]}))


def test_profit_concentration_whale_curve():
    res = cv.profit_concentration(pd.DataFrame({"profit": [10, 60, -10, 30, 10]}))
    # sorted 60, 30, 10, 10, -10 of total 100
    np.testing.assert_allclose(res["share_of_profit"], [0.6, 0.9, 1.0, 1.1, 1.0])
    np.testing.assert_allclose(res["share_of_customers"], [0.2, 0.4, 0.6, 0.8, 1.0])
    with pytest.raises(ValueError, match="positive total"):
        cv.profit_concentration(pd.DataFrame({"profit": [-10, 5]}))


def test_tier_migration_with_new_and_lost_customers():
    panel = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 2, 3, 3, 4, 5, 1, 2, 3, 5],
            "period": [1, 2, 1, 2, 1, 2, 1, 2, 3, 3, 3, 3],
            "tier": ["gold", "gold", "gold", "lead", "lead", "lead", "lead", "gold"]
            + ["lead", "lead", "gold", "gold"],
        }
    )
    counts = cv.tier_migration(panel, normalize=False)
    # 1 -> 2: gold->gold (1), gold->lead (2), lead->lead (3), lead->lost (4), new->gold (5)
    # 2 -> 3: gold->lead (1), lead->lead (2), lead->gold (3), gold->gold (5)
    expected = pd.DataFrame(
        [[1 + 1, 1 + 1, 0], [1, 1 + 1, 1], [1, 0, 0]],
        index=pd.Index(["gold", "lead", "new"], name="from_tier"),
        columns=pd.Index(["gold", "lead", "lost"], name="to_tier"),
    )
    pd.testing.assert_frame_equal(counts, expected, check_dtype=False)
    assert counts.to_numpy().sum() == 9  # the moves counted (once attrs["n_pairs"])
    assert counts.attrs == {}
    shares = cv.tier_migration(panel)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    assert shares.loc["lead", "lost"] == pytest.approx(1 / 4)


def test_tier_migration_matrix_feeds_the_markov_tools():
    panel = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
            "period": [1, 2] * 5,
            "tier": ["gold", "gold", "gold", "lead", "lead", "lead", "lead", "lead"]
            + ["lead", "gold"],
        }
    )
    m = cv.tier_migration(panel)
    # gold -> (1/2, 1/2); lead -> (1/3, 2/3): pi_gold = (1/3) / (1/2 + 1/3) = 0.4
    np.testing.assert_allclose(m.to_numpy(), [[0.5, 0.5], [1 / 3, 2 / 3]])
    pi = jr.stationary_distribution(m)
    np.testing.assert_allclose(pi["probability"], [0.4, 0.6])
    with pytest.raises(ValueError, match="at least two periods"):
        cv.tier_migration(panel[panel["period"] == 1])


def test_tier_migration_rejects_duplicates():
    panel = pd.DataFrame({"customer_id": [1, 1], "period": [1, 1], "tier": ["a", "b"]})
    with pytest.raises(ValueError, match="more than one row in period"):
        cv.tier_migration(panel)


# ---------------------------------------------------------------------- lifecycle


def test_lifecycle_funnel_rates():
    people = pd.DataFrame(
        {
            "reached": [True] * 8 + [False] * 2,
            "acquired": [True] * 4 + [False] * 6,
            "retained": [True] * 3 + [False] * 7,
        }
    )
    res = cv.lifecycle_funnel(people)
    assert res["n"].tolist() == [8, 4, 3]
    np.testing.assert_allclose(res["rate"], [0.8, 0.5, 0.75])
    np.testing.assert_allclose(res["share_of_total"], [0.8, 0.4, 0.3])


def test_lifecycle_funnel_rejects_unnested_and_non_binary_stages():
    people = pd.DataFrame({"reached": [0, 1], "acquired": [1, 1], "retained": [0, 0]})
    with pytest.raises(ValueError, match="in stage 'acquired' but not in the stage before"):
        cv.lifecycle_funnel(people)
    people = pd.DataFrame({"reached": [2, 1], "acquired": [0, 0], "retained": [0, 0]})
    with pytest.raises(ValueError, match="True/False or 1/0"):
        cv.lifecycle_funnel(people)


def test_project_customers_recursion_and_steady_state():
    res = cv.project_customers(
        market_size=1e12, reach_rate=1e-9, acquisition_rate=1.0, retention_rate=0.8, n_periods=80
    )
    # an almost constant inflow A = 1000 per period -> customers -> A / (1 - r) = 5000
    assert res["customers"].iloc[-1] == pytest.approx(5000, rel=1e-3)
    np.testing.assert_allclose(
        res["customers"].iloc[1:].to_numpy(),
        0.8 * res["customers"].iloc[:-1].to_numpy() + res["acquired"].iloc[1:].to_numpy(),
    )
    with pytest.raises(ValueError, match="retention_rate must lie between 0 and 1"):
        cv.project_customers(
            market_size=10, reach_rate=0.5, acquisition_rate=0.5, retention_rate=1.2
        )


@pytest.mark.parametrize(
    ("profit", "dtype"), [([0, 60, 30, 10], "uint8"), ([-128, 100, 120], "int8")]
)
def test_profit_concentration_ranks_compact_integer_profits(profit, dtype):
    # -x wraps around in uint8/int8, which put 0 (or -128) first as "most profitable"
    res = cv.profit_concentration(pd.DataFrame({"profit": np.array(profit, dtype=dtype)}))
    ranked = sorted(profit, reverse=True)
    assert res["profit"].tolist() == ranked
    np.testing.assert_allclose(res["share_of_profit"], np.cumsum(ranked) / sum(profit))


# ---------------------------------------------------------------------------- CLV


def test_clv_closed_forms_by_hand():
    # Gupta & Lehmann: m r / (1 + d - r) = 100 * 0.8 / 0.3
    assert cv.clv(100, 0.8, 0.1) == pytest.approx(800 / 3)
    # start of period: m (1 + d) / (1 + d - r) = 110 / 0.3
    assert cv.clv(100, 0.8, 0.1, timing="start") == pytest.approx(1100 / 3)
    assert cv.clv(100, 0.8, 0.1, timing="start") == pytest.approx(cv.clv(100, 0.8, 0.1) + 100)
    assert cv.clv(100, 0.0, 0.1) == 0.0 and cv.clv(100, 0.0, 0.1, timing="start") == 100


def test_clv_finite_horizon_equals_explicit_sum():
    m, r, d, h = 50.0, 0.7, 0.08, 6
    end = sum(m * r**t / (1 + d) ** t for t in range(1, h + 1))
    start = sum(m * r**t / (1 + d) ** t for t in range(h))
    assert cv.clv(m, r, d, horizon=h) == pytest.approx(end)
    assert cv.clv(m, r, d, horizon=h, timing="start") == pytest.approx(start)
    # no discounting, no churn: h payments
    assert cv.clv(m, 1.0, 0.0, horizon=h) == pytest.approx(m * h)


def test_clv_broadcasts_arrays():
    out = cv.clv([100, 200], [0.8, 0.85], 0.1)
    np.testing.assert_allclose(out, [800 / 3, 200 * 0.85 / 0.25])
    assert isinstance(cv.clv(1, 0.5, 0.1), float)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((100, 1.2, 0.1), {}, ValueError, "retention must lie between 0 and 1"),
        ((100, -0.1, 0.1), {}, ValueError, "retention must lie between 0 and 1"),
        ((100, 0.8, -0.1), {}, ValueError, "discount must be non-negative"),
        ((100, 1.0, 0.0), {}, ValueError, "infinite CLV"),
        ((100, 0.8, 0.1), {"timing": "middle"}, ValueError, "timing must be one of"),
        ((100, 0.8, 0.1), {"horizon": 0}, ValueError, "horizon must be at least 1"),
        ((100, True, 0.1), {}, TypeError, "retention must be a number"),
        (("100", 0.8, 0.1), {}, TypeError, "margin must be a number"),
        ((np.nan, 0.8, 0.1), {}, ValueError, "margin must be finite"),
    ],
)
def test_clv_rejects_bad_input(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        cv.clv(*args, **kwargs)


@pytest.mark.parametrize(
    ("kwargs"),
    [
        {"margin": 100, "retention": 0.8, "discount": 0.1},
        {"margin": 100, "retention": 0.8, "discount": 0.1, "timing": "start"},
        {"margin": 40, "retention": 0.9, "discount": 0.0, "horizon": 12},
        {"margin": -20, "retention": 0.6, "discount": 0.05, "horizon": 3, "timing": "start"},
        {"margin": 10, "retention": 1.0, "discount": 0.1},
    ],
)
def test_simulated_clv_agrees_with_closed_form(kwargs):
    res = cv.simulate_clv(**kwargs, n_customers=20_000, seed=42).iloc[0]
    closed = cv.clv(
        kwargs["margin"],
        kwargs["retention"],
        kwargs["discount"],
        timing=kwargs.get("timing", "end"),
        horizon=kwargs.get("horizon"),
    )
    assert res["closed_form"] == pytest.approx(closed)
    if kwargs["retention"] == 1.0:  # no randomness left
        assert res["estimate"] == pytest.approx(closed) and res["std_error"] < 1e-9
    else:
        within = abs(res["estimate"] - closed) <= 4 * res["std_error"]
        assert within, (res["estimate"], closed, res["std_error"])
        assert res["ci_low"] < res["estimate"] < res["ci_high"]


def test_simulate_clv_by_customer_and_seed():
    a = cv.simulate_clv(margin=10, retention=0.5, discount=0.0, n_customers=100, seed=1)
    b = cv.simulate_clv(
        margin=10, retention=0.5, discount=0.0, n_customers=100, seed=np.random.default_rng(1)
    )
    pd.testing.assert_frame_equal(a, b)
    per = cv.simulate_clv(
        margin=10, retention=0.5, discount=0.0, n_customers=100, seed=1, by_customer=True
    )
    # no discount, end of period: value = margin x periods retained
    np.testing.assert_allclose(per["clv"], 10 * per["periods_retained"])
    assert per["clv"].mean() == pytest.approx(a["estimate"].iloc[0])
    with pytest.raises(ValueError, match="retention must lie between 0 and 1"):
        cv.simulate_clv(margin=10, retention=1.5, discount=0.1)
    with pytest.raises(ValueError, match="infinite CLV"):
        cv.simulate_clv(margin=10, retention=1.0, discount=0.0)


def test_retention_beats_acquisition_quantitatively():
    res = cv.retention_vs_acquisition(
        customers=1000, new_customers=200, margin=100, retention=0.8, discount=0.1
    ).set_index("scenario")
    # +5 points retention: CLV x (1.1 - 0.8) / (1.1 - 0.85) = x 1.2 for every customer
    assert res.loc["retention", "change_pct"] == pytest.approx(20.0)
    # +5% new customers: only the future cohorts grow, so less than +5%
    annuity = sum(1.1**-t for t in range(1, 11))
    share_future = 200 * annuity / (1000 + 200 * annuity)
    assert res.loc["acquisition", "change_pct"] == pytest.approx(5 * share_future)
    assert res.loc["retention", "change"] > 5 * res.loc["acquisition", "change"]
    with pytest.raises(ValueError, match="at most 1"):
        cv.retention_vs_acquisition(
            customers=1, new_customers=1, margin=1, retention=0.98, discount=0.1
        )
    with pytest.raises(ValueError, match="retention_gain must lie between 0 and 1"):
        cv.retention_vs_acquisition(
            customers=1, new_customers=1, margin=1, retention=0.5, discount=0.1, retention_gain=-1
        )


def test_cx_to_money_hand_example():
    res = cv.cx_to_money(
        customers=10_000,
        spend=400,
        margin_rate=0.25,
        retention=0.75,
        discount=0.1,
        retention_change=0.03,
        investment=200_000,
    )
    base, scen = res.iloc[0], res.iloc[1]
    # CLV (start) = 100 * 1.1 / (1.1 - r): 110 / 0.35 and 110 / 0.32
    assert base["clv"] == pytest.approx(110 / 0.35)
    assert scen["clv"] == pytest.approx(110 / 0.32)
    gain = 10_000 * (110 / 0.32 - 110 / 0.35)
    assert scen["value_created"] == pytest.approx(gain)
    assert scen["roi"] == pytest.approx((gain - 200_000) / 200_000)
    assert scen["revenue_next_period"] == pytest.approx(10_000 * 0.78 * 400)
    assert scen["lifetime_revenue"] == pytest.approx(10_000 * 440 / 0.32)
    assert np.isnan(base["roi"]) and base["value_created"] == 0


def test_cx_to_money_sensitivity_rows_and_spend_change():
    res = cv.cx_to_money(
        customers=100,
        spend=100,
        margin_rate=0.5,
        retention=0.5,
        discount=0.0,
        retention_change=[0.0, 0.1],
        spend_change=0.1,
        investment=0.0,
    )
    assert res["scenario"].tolist() == ["baseline", "scenario_1", "scenario_2"]
    # spend +10% only: CLV (start, d = 0) = m / (1 - r): 50 / 0.5 -> 55 / 0.5
    np.testing.assert_allclose(res["clv"], [100, 110, 55 / 0.4])
    assert res["roi"].isna().all()  # nothing invested


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"retention_change": 0.3}, ValueError, "stay between 0 and 1"),
        ({"investment": -5}, ValueError, "investment must be non-negative"),
        ({"margin_rate": 1.5}, ValueError, "margin_rate must lie between 0 and 1"),
        ({"spend_change": -2}, ValueError, "at least -1"),
        ({"retention_change": "0.1"}, TypeError, "retention_change must be a number"),
        ({"retention_change": [0.1, 0.2], "investment": [1, 2, 3]}, ValueError, "same length"),
    ],
)
def test_cx_to_money_rejects_bad_input(kwargs, error, message):
    base = {"customers": 10, "spend": 10, "margin_rate": 0.3, "retention": 0.8, "discount": 0.1}
    with pytest.raises(error, match=message):
        cv.cx_to_money(**{**base, **kwargs})


# ------------------------------------------------------------- product life cycle


def test_product_life_cycle_follows_bass():
    m, p, q, n = 1000.0, 0.03, 0.38, 30
    plc = cv.product_life_cycle(market_size=m, p=p, q=q, n_periods=n, development_periods=2)
    f = (1 - math.exp(-(p + q) * n)) / (1 + q / p * math.exp(-(p + q) * n))
    assert plc["sales"].sum() == pytest.approx(m * f)
    assert (plc.loc[:1, "profit"] == -300).all() and (plc.loc[:1, "sales"] == 0).all()
    # stages appear in order, each as one run
    order = [cv.LIFE_CYCLE_STAGES.index(s) for s in plc["stage"]]
    assert order == sorted(order) and set(plc["stage"]) == set(cv.LIFE_CYCLE_STAGES)
    # the peak period contains t* = ln(q/p) / (p + q) = 6.19
    peak = plc.loc[plc["sales"].idxmax(), "time_since_launch"]
    t_star = math.log(q / p) / (p + q)
    assert peak - 1 <= t_star <= peak + 1
    assert plc["cumulative_profit"].iloc[-1] == pytest.approx(plc["profit"].sum())


def test_product_life_cycle_stages_look_as_the_sources_describe():
    # issue 13: introduction used to earn +152 and maturity was the most profitable
    # stage. The sources: no profit at introduction (high launch costs), profit rises in
    # growth, heavy advertising against competitors at saturation, sales and profit fall
    # in decline.
    plc = cv.product_life_cycle(n_periods=20)
    stage = {s: plc[plc["stage"] == s] for s in cv.LIFE_CYCLE_STAGES}
    assert (stage["development"]["sales"] == 0).all()
    assert (stage["development"]["profit"] < 0).all()
    assert (stage["introduction"]["profit"] <= 0).all()
    assert stage["introduction"]["sales"].mean() < stage["growth"]["sales"].mean()
    assert stage["growth"]["profit"].is_monotonic_increasing
    totals = plc.groupby("stage", sort=False)["profit"].sum()
    assert totals.idxmax() == "growth"
    assert totals["maturity"] > 0
    ads = plc.groupby("stage", sort=False)["advertising"].mean()
    assert ads.idxmax() == "maturity" and ads["introduction"] == ads["growth"] == 0
    assert stage["maturity"]["sales"].is_monotonic_decreasing  # sales begin to fall
    assert stage["decline"]["sales"].is_monotonic_decreasing
    assert stage["decline"]["profit"].is_monotonic_decreasing
    assert stage["decline"]["profit"].mean() < stage["maturity"]["profit"].mean()


def test_product_life_cycle_costs_by_hand():
    plc = cv.product_life_cycle(
        n_periods=12, price=10, unit_cost=6, fixed_cost=100, launch_cost=50, advertising_rate=0.2
    )
    expected = np.select(
        [plc["stage"] == "introduction", plc["stage"].isin(["maturity", "decline"])],
        [plc["sales"] * 4 - 100 - 50, plc["sales"] * (4 - 0.2 * 10) - 100],
        plc["sales"] * 4 - 100,
    )
    market = plc["stage"] != "development"
    np.testing.assert_allclose(plc.loc[market, "profit"], expected[market])
    np.testing.assert_allclose(
        plc["launch_cost"] + plc["advertising"],
        np.select(
            [plc["stage"] == "introduction", plc["stage"].isin(["maturity", "decline"])],
            [50.0, 2.0 * plc["sales"]],
            0.0,
        ),
    )
    # with both costs off the old model comes back: profit = sales x margin - fixed cost
    old = cv.product_life_cycle(n_periods=12, launch_cost=0, advertising_rate=0)
    np.testing.assert_allclose(
        old.loc[old["sales"] > 0, "profit"], old.loc[old["sales"] > 0, "sales"] * 4 - 150
    )
    with pytest.raises(ValueError, match="advertising_rate"):
        cv.product_life_cycle(advertising_rate=1.5)
    with pytest.raises(ValueError, match="launch_cost"):
        cv.product_life_cycle(launch_cost=-1)


def test_product_life_cycle_rejects_bad_input():
    with pytest.raises(ValueError, match="p \\(coefficient of innovation\\) must be positive"):
        cv.product_life_cycle(p=0)
    with pytest.raises(ValueError, match="q must be non-negative"):
        cv.product_life_cycle(q=-0.1)
    with pytest.raises(TypeError, match="n_periods must be an integer"):
        cv.product_life_cycle(n_periods=10.5)


# -------------------------------------------------------------------------- plots


def test_plot_pyramid_bars_match_the_table(customers):
    import matplotlib.pyplot as plt

    table = cv.customer_pyramid(customers, tiers=["gold", "silver", "lead"], cuts=[0.2, 0.5, 0.3])
    _, ax = plt.subplots()
    assert pv.plot_pyramid(table, ax=ax) is ax
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths[:3], 100 * table["share_of_customers"])
    np.testing.assert_allclose(widths[3:], 100 * table["share_of_profit"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["gold", "silver", "lead"]
    assert ax.get_title() == ""


def test_plot_profit_concentration_starts_at_origin(customers):
    ax = pv.plot_profit_concentration(customers)
    x, y = ax.get_lines()[0].get_data()
    assert x[0] == 0 and y[0] == 0 and x[-1] == pytest.approx(100)
    assert y[-1] == pytest.approx(100)
    with pytest.raises(TypeError, match="ax must be"):
        pv.plot_profit_concentration(customers, ax=1)


def test_plot_life_cycle_draws_sales_profit_and_stage_bands():
    plc = cv.product_life_cycle()
    ax = pv.plot_life_cycle(plc)
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), plc["sales"])
    # the profit line sits on a twin axis of its own (right-hand scale)
    profit = [
        ln for a in ax.figure.axes for ln in a.get_lines() if ln.get_label().startswith("Profit")
    ]
    np.testing.assert_allclose(profit[0].get_ydata(), plc["profit"])
    assert [t.get_text() for t in ax.texts] == list(cv.LIFE_CYCLE_STAGES)


# ------------------------------------------------------------- retention and spend


def test_retention_and_spend_by_hand():
    visits = pd.DataFrame(
        {
            "store": ["a", "a", "a", "a", "b", "b"],
            "returned_next": [True, True, True, False, True, False],
            "spend": [40.0, 60.0, 50.0, 30.0, 100.0, 80.0],
        }
    )
    before = visits.copy()
    res = cv.retention_and_spend(visits)
    pd.testing.assert_frame_equal(visits, before)  # input untouched
    # 4 of 6 returned; mean spend 360 / 6 = 60; sum of squared deviations 3400
    assert res.loc[0, "n"] == 6
    assert res.loc[0, "retention"] == pytest.approx(4 / 6)
    assert res.loc[0, "retention_std_error"] == pytest.approx(math.sqrt(4 / 6 * 2 / 6 / 6))
    assert res.loc[0, "spend"] == pytest.approx(60.0)
    assert res.loc[0, "spend_std_error"] == pytest.approx(math.sqrt(3400 / 5) / math.sqrt(6))
    grouped = cv.retention_and_spend(visits, by="store").set_index("store")
    assert grouped.loc["a", "retention"] == pytest.approx(0.75)  # 3 of 4
    assert grouped.loc["b", "spend"] == pytest.approx(90.0)  # (100 + 80) / 2
    # 0/1 coding gives the same answer as True/False
    coded = visits.assign(returned_next=visits["returned_next"].astype(int))
    pd.testing.assert_frame_equal(cv.retention_and_spend(coded), res)


def test_retention_and_spend_feeds_cx_to_money():
    from cxresearch.simulate import simulate_panel

    panel = simulate_panel(200, 3, seed=5)
    res = cv.retention_and_spend(panel)
    assert res.loc[0, "retention"] == pytest.approx(panel["returned_next"].mean())
    assert res.loc[0, "spend"] == pytest.approx(float(panel["spend"].astype(float).mean()))
    money = cv.cx_to_money(
        customers=100,
        spend=res.loc[0, "spend"],
        margin_rate=0.2,
        retention=res.loc[0, "retention"],
        discount=0.02,
    )
    assert money.loc[0, "retention"] == pytest.approx(res.loc[0, "retention"])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"returned": "nope"}, ValueError, "nope"),
        ({"spend": "store"}, (TypeError, ValueError), "spend"),
        ({"by": "nope"}, ValueError, "nope"),
    ],
)
def test_retention_and_spend_rejects_bad_columns(kwargs, error, message):
    visits = pd.DataFrame(
        {"store": ["a", "b"], "returned_next": [True, False], "spend": [1.0, 2.0]}
    )
    with pytest.raises(error, match=message):
        cv.retention_and_spend(visits, **kwargs)


def test_retention_and_spend_rejects_non_binary_and_missing():
    visits = pd.DataFrame({"returned_next": [1, 2], "spend": [1.0, 2.0]})
    with pytest.raises(ValueError, match="True/False or 1/0"):
        cv.retention_and_spend(visits)
    visits = pd.DataFrame({"returned_next": [1, 0], "spend": [1.0, np.nan]})
    with pytest.raises(ValueError, match="missing"):
        cv.retention_and_spend(visits)


@pytest.mark.parametrize(
    "call",
    [
        lambda d: cv.assign_tiers(d),
        lambda d: cv.customer_pyramid(d),
        lambda d: cv.profit_concentration(d),
    ],
)
def test_missing_profit_message_does_not_suggest_a_missing_argument(call):
    # these functions have no missing= argument: the advice must be one the user can follow
    customers = pd.DataFrame({"profit": [10.0, np.nan, 5.0]})
    with pytest.raises(ValueError, match=r"'profit' has 1 missing") as err:
        call(customers)
    assert "missing=" not in str(err.value) and "dropna" not in str(err.value)
