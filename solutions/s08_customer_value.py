"""Worked solutions for notebook 08-customer-value."""

import dataclasses

from cxresearch.simulate import RetailParams, simulate_panel
from cxresearch.value import (
    clv,
    cx_to_money,
    product_life_cycle,
    profit_concentration,
    retention_and_spend,
    retention_vs_acquisition,
    simulate_clv,
)


def ex_08_1():
    """CLV = m r / (1 + d - r)."""
    return round(float(clv(50, 0.9, 0.03)), 4)  # 50 * 0.9 / 0.13


def ex_08_2():
    """Percent change in customer equity from 5 more points of retention."""
    res = retention_vs_acquisition(
        customers=5000, new_customers=1000, margin=100, retention=0.7, discount=0.1
    ).set_index("scenario")
    return round(float(res.loc["retention", "change_pct"]), 4)


def ex_08_3():
    """Share of total simulated lifetime value held by the top 20% of customers."""
    sims = simulate_clv(
        margin=100, retention=0.8, discount=0.1, n_customers=1000, by_customer=True, seed=8
    )
    curve = profit_concentration(sims, profit="clv")
    return round(
        float(curve.loc[curve["share_of_customers"] <= 0.2, "share_of_profit"].iloc[-1]), 4
    )


def ex_08_4():
    """Period of peak sales (the formula ln(q/p)/(p+q) = 7.67 falls in period 8)."""
    plc = product_life_cycle(p=0.01, q=0.5)
    return int(plc.loc[plc["sales"].idxmax(), "time_since_launch"])


def ex_08_5():
    """Break-even investment for the 0.2 improvement = the value it creates."""
    params = RetailParams()
    base = retention_and_spend(simulate_panel(20_000, 8, params=params, seed=8))
    better = dataclasses.replace(params, cx_intercept=params.cx_intercept + 0.2)
    after = retention_and_spend(simulate_panel(20_000, 8, params=better, seed=8))
    money = cx_to_money(
        customers=50_000,
        spend=base.loc[0, "spend"],
        margin_rate=0.25,
        retention=base.loc[0, "retention"],
        discount=0.02,
        retention_change=after.loc[0, "retention"] - base.loc[0, "retention"],
        spend_change=after.loc[0, "spend"] / base.loc[0, "spend"] - 1,
    )
    return round(float(money.loc[1, "value_created"]), 2)


def ex_08_6():
    """Cumulative profit turns positive during maturity (launch costs delay it)."""
    plc = product_life_cycle()
    stage = plc.loc[plc["cumulative_profit"] > 0, "stage"].iloc[0]
    return {"introduction": "a", "growth": "b", "maturity": "c", "decline": "d"}[stage]
