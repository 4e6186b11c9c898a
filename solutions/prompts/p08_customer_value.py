"""Worked solutions to the "Check it yourself" prompts of notebook 08-customer-value.

Notebook 08 draws its customer data from one generator, ``default_rng(2001)``; the
solutions repeat those draws in order (a clean run from the top with the one change).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from _prompt import collect, prompt

import cxresearch as cx

FIVE_TIERS = ["platinum", "gold", "silver", "bronze", "tin"]


def _customers(variation: float = 0.35) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The notebook's 2,000 customers and their second year (``variation`` of revenue)."""
    rng = np.random.default_rng(2001)
    n = 2_000
    revenue = rng.lognormal(np.log(300), 0.9, size=n)
    contact_rate = 3 * rng.gamma(1.5, 1, size=n)
    contacts = rng.poisson(contact_rate)
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1),
            "revenue": revenue.round(2),
            "contacts": contacts,
            "profit": (0.25 * revenue - 12 * contacts - 20).round(2),
        }
    )
    revenue_2 = revenue * rng.lognormal(0, variation, size=n)
    contacts_2 = rng.poisson(contact_rate)
    year_2 = customers.assign(
        revenue=revenue_2.round(2),
        contacts=contacts_2,
        profit=(0.25 * revenue_2 - 12 * contacts_2 - 20).round(2),
    )
    return customers, year_2


@prompt(
    "0030e882",
    check=lambda r: (
        r["n_total"] == 2000
        and r["n_tin"] > r["n_silver"] > r["n_bronze"] > r["n_gold"] > r["n_platinum"]
    ),
)
def pyramid_by_threshold():
    """Cut the tiers at fixed profit levels: 300, 100, 25 and 0.

    **What to run.** ``cx.customer_pyramid(customers, rule="threshold", cuts=[300, 100,
    25, 0], tiers=["platinum", "gold", "silver", "bronze", "tin"])``.

    **What comes out.** 67 platinum (profit of 300 or more), 287 gold, 472 silver, 316
    bronze and 858 tin (below 0): 2,000 in all. The tiers are no longer 5/15/30/30/20
    percent: the top is much thinner (3.4% instead of 5%), and tin, the money-losing
    customers, is the largest group (43%). Platinum still earns half of all profit.

    **Why it matters.** Share cuts always give the same tier sizes, whatever the
    profits; fixed cuts tie a tier to what its customers are worth, so the sizes tell
    you something (how many lose money) and can be compared year by year. The price
    is that the cut levels are a managerial choice (Zeithaml, Rust & Lemon 2001 use
    both kinds).
    """
    customers, _ = _customers()
    pyramid = cx.customer_pyramid(
        customers, rule="threshold", cuts=[300, 100, 25, 0], tiers=FIVE_TIERS
    ).set_index("tier")
    out = {f"n_{tier}": int(pyramid.loc[tier, "n_customers"]) for tier in FIVE_TIERS}
    out["n_total"] = int(pyramid["n_customers"].sum())
    out["platinum_share_of_profit"] = float(pyramid.loc["platinum", "share_of_profit"])
    return out


@prompt(
    "1fabbec6",
    check=lambda r: (
        abs(r["share_covering_50"] - 0.418) < 0.002
        and r["total_profit_50"] < 0
        and r["mean_profit_silver"] < 0 < r["mean_profit_gold"]
    ),
)
def fixed_cost_50():
    """Change the fixed cost in the tier cell from 30 to 50.

    **What to change.** ``per_customer["profit"] = per_customer["contribution"] - 50``.

    **What comes out.** 41.8% of customers cover their costs (it was 67.9% at 30), as the
    coverage table already showed for 50. Average profit per tier: platinum 55.5, gold
    12.4, silver -6.6, bronze -22.0, tin -40.7: three of the five tiers lose money on
    average, silver now among them. Note: the pyramid table of that cell now fails with
    "the total profit is -579.437; shares of profit need a positive total": the chain as
    a whole loses money at this cost, so shares of the total profit have no meaning.
    Compute the means with ``chain.groupby("tier", observed=True)["profit"].mean()``.

    **Why.** A fixed cost moves every customer's profit down by the same 20, so the tier
    means all fall by 20; whether a tier loses money depends on how close its mean was to
    zero. The share covering its costs falls steeply because many customers sit in the
    dense middle of the contribution distribution, which is why the fixed-cost
    assumption deserves as much scrutiny as the revenue data.
    """
    panel = cx.simulate_panel(2_000, 4, seed=2001).sort_values(["customer_id", "period"])
    came_back = panel.groupby("customer_id")["returned_next"].shift(1, fill_value=True)
    visited = came_back.astype(bool)
    per_customer = (
        panel.assign(
            revenue=panel["spend"] * visited,
            visits=visited.astype(int),
            complaints=panel["complained"] & visited,
        )
        .groupby("customer_id")
        .agg(revenue=("revenue", "sum"), visits=("visits", "sum"), complaints=("complaints", "sum"))
    )
    per_customer["contribution"] = (
        0.30 * per_customer["revenue"]
        - 3 * per_customer["visits"]
        - 15 * per_customer["complaints"]
    )
    per_customer["profit"] = per_customer["contribution"] - 50
    chain = cx.assign_tiers(per_customer, tiers=FIVE_TIERS)
    means = chain.groupby("tier", observed=True)["profit"].mean()
    out = {f"mean_profit_{tier}": float(means[tier]) for tier in FIVE_TIERS}
    out["share_covering_50"] = float((per_customer["profit"] >= 0).mean())
    out["total_profit_50"] = float(per_customer["profit"].sum())
    return out


@prompt(
    "4dc55c4a",
    check=lambda r: (
        all(r[f"stay_01_{k}"] >= r[f"stay_035_{k}"] for k in range(5)) and r["stay_01_0"] > 0.8
    ),
)
def migration_with_less_variation():
    """Change the yearly variation of revenue from 0.35 to 0.1 and redo the migration.

    **What to change.** ``rng.lognormal(0, 0.1, size=n_customers)`` in the year-2 cell
    (a clean run from the top, so year 1 is unchanged).

    **What comes out.** The diagonal rises: the share staying in its tier goes from
    0.69 / 0.62 / 0.64 / 0.60 / 0.67 (platinum to lead) to 0.86 / 0.79 / 0.71 / 0.62 /
    0.68. The top tiers gain most; the bottom tiers little.

    **Why.** With less random change in revenue from year to year, a customer's rank
    in year 2 is closer to her rank in year 1, so fewer cross a tier boundary. The
    lower tiers move anyway, because there profit is driven by the number of service
    contacts, which is redrawn each year (Poisson) whatever the revenue variation.
    Migration matrices therefore mix real change with noise; a tier label from one year
    is a noisy measure of a customer's value (Zeithaml, Rust & Lemon 2001).
    """
    out = {}
    for tag, variation in [("035", 0.35), ("01", 0.1)]:
        customers, year_2 = _customers(variation)
        panel = pd.concat(
            [cx.assign_tiers(customers).assign(year=1), cx.assign_tiers(year_2).assign(year=2)],
            ignore_index=True,
        )
        diagonal = np.diag(cx.tier_migration(panel, period="year"))
        out.update({f"stay_{tag}_{k}": float(v) for k, v in enumerate(diagonal)})
    return out


@prompt(
    "07504222",
    check=lambda r: (
        abs(r["expected_quarters_09"] - 10) < 1e-9
        and 1.8 < r["customers_24_09"] / r["customers_24_08"] < 2.0
    ),
)
def retention_090():
    """Project the customer base with ``retention_rate=0.9``.

    **What comes out.** A customer now stays 1 / (1 - 0.9) = 10 quarters on average,
    twice the 5 quarters at 0.8. After 24 quarters the base is 9,119 customers instead
    of 4,747: 1.92 times as large, with the same acquisition.

    **Why.** The number of quarters a customer stays is geometric: each quarter she
    leaves with probability 1 - r, so the mean is 1 / (1 - r), and halving the loss
    rate doubles it. The base grows towards new customers per quarter divided by the
    loss rate, so halving the loss rate roughly doubles the long-run base too; after 24
    quarters it has not quite got there, hence 1.92 (Reichheld & Sasser 1990 made this
    arithmetic famous).
    """
    kwargs = dict(market_size=100_000, reach_rate=0.10, acquisition_rate=0.12, n_periods=24)
    base = cx.project_customers(retention_rate=0.8, **kwargs)
    high = cx.project_customers(retention_rate=0.9, **kwargs)
    return {
        "expected_quarters_08": 1 / (1 - 0.8),
        "expected_quarters_09": 1 / (1 - 0.9),
        "customers_24_08": float(base["customers"].iloc[-1]),
        "customers_24_09": float(high["customers"].iloc[-1]),
    }


@prompt("c5dd7a86", check=lambda r: 0.85 < r["share_first_two_years"] < 0.86)
def clv_two_years():
    """The CLV over eight quarters, and its share of the lifetime value.

    **What to run.** ``cx.clv(20, 0.8, 0.02, horizon=8)`` and ``cx.clv(20, 0.8, 0.02)``.

    **What comes out.** 62.31 over two years against 72.73 over the whole lifetime:
    85.7% of the lifetime value comes in the first two years.

    **Why.** Each quarter's expected margin is m × (r / (1 + d))^t, a geometric series
    with ratio 0.8 / 1.02 = 0.784; after 8 terms the share of the infinite sum is
    1 - 0.784^8 = 0.857. With a retention of 0.8 few customers are still there after
    two years, and discounting shrinks what they bring. So "lifetime" value is mostly
    near-term value, and the infinite horizon adds little unless retention is high
    (Gupta, Lehmann & Stuart 2004).
    """
    two_years = cx.clv(20, 0.8, 0.02, horizon=8)
    lifetime = cx.clv(20, 0.8, 0.02)
    return {
        "clv_two_years": float(two_years),
        "clv_lifetime": float(lifetime),
        "share_first_two_years": float(two_years / lifetime),
    }


@prompt(
    "e3299a78",
    check=lambda r: (
        r["retention_change_pct"] > r["acquisition_change_pct"] > 0
        and r["retention_change_pct"] < 0.5 * r["retention_change_pct_at_08"]
    ),
)
def retention_vs_acquisition_at_050():
    """Re-run ``cx.retention_vs_acquisition`` with ``retention=0.5``.

    **What comes out.** Retention still wins, by less: five points more retention raise
    customer equity by 10.6% (it was 29.4% at a retention of 0.8), five percent more new
    customers by 2.6% (unchanged).

    **Why.** The gain from five more points of retention depends on where you start:
    CLV is m r / (1 + d - r), which is flat at low r and steep at high r (the table of
    CLV by retention above). At 0.5 a customer stays two quarters on average, and a few
    more points add little. Five percent more new customers always add five percent of
    the new cohorts' value, whatever the retention. The lesson of Reichheld & Sasser
    (1990) is strongest for firms that already retain well.
    """
    out = {}
    for tag, retention in [("", 0.5), ("_at_08", 0.8)]:
        policies = cx.retention_vs_acquisition(
            customers=50_000,
            new_customers=5_000,
            margin=20.0,
            retention=retention,
            discount=0.02,
            retention_gain=0.05,
            acquisition_gain=0.05,
            cohorts=12,
        ).set_index("scenario")
        out[f"retention_change_pct{tag}"] = float(policies.loc["retention", "change_pct"])
        out[f"acquisition_change_pct{tag}"] = float(policies.loc["acquisition", "change_pct"])
    return out


@prompt(
    "5a8e0170",
    check=lambda r: (
        r["peak_formula_076"] < r["peak_formula_038"]
        and r["peak_time_076"] < r["peak_time_038"]
        and r["growth_periods_076"] < r["growth_periods_038"]
    ),
)
def bass_with_more_word_of_mouth():
    """Double the word-of-mouth coefficient of the Bass model to ``q=0.76``.

    **What to change.** ``cx.product_life_cycle(market_size=1_000, p=0.03, q=0.76,
    n_periods=20)``.

    **What comes out.** Sales peak earlier: the formula ln(q/p) / (p + q) gives 4.09
    periods after launch instead of 6.19, and the highest-sales period is 5 instead of
    7. The growth stage shrinks from 3 periods to 2 (introduction and maturity also
    shorten), and decline takes 14 of the 20 periods instead of 11.

    **Why.** In the Bass (1969) model, q is the pull of those who already adopted on
    those who have not. A stronger pull makes adoption snowball sooner and use up the
    market faster, so the whole cycle is compressed: higher, earlier peak, shorter
    growth, longer tail. For a firm this means less time to earn back the launch cost
    before sales fall (Mahajan, Muller & Bass 1990).
    """
    out = {}
    for tag, q in [("038", 0.38), ("076", 0.76)]:
        plc = cx.product_life_cycle(market_size=1_000, p=0.03, q=q, n_periods=20)
        stages = plc.groupby("stage", sort=False).size()
        out[f"peak_formula_{tag}"] = float(np.log(q / 0.03) / (0.03 + q))
        out[f"peak_time_{tag}"] = float(plc.loc[plc["sales"].idxmax(), "time_since_launch"])
        out[f"growth_periods_{tag}"] = int(stages["growth"])
    return out


@prompt(
    "5c29b8d7",
    check=lambda r: (
        r["roi_100k"] > 0 > r["roi_250k"] > r["roi_500k"]
        and abs(r["value_created_15"] / r["value_created_25"] - 0.6) < 1e-9
    ),
)
def cx_to_money_at_15_percent():
    """Keep the CX improvement at 0.1, but assume a margin of 15% of revenue.

    **What to change.** ``margin_rate=0.15`` in ``cx.cx_to_money``.

    **What comes out.** The value created falls from 360,949 to 216,570 (exactly 15/25 =
    60% of it). Only the 100,000 programme still pays (ROI 1.17); the 250,000 one now
    loses money (ROI -0.13, it was +0.44), and the 500,000 one loses more (-0.57).

    **Why.** The improvement raises retention and spend, i.e. revenue; the firm keeps
    only the margin of that revenue, so the value created is proportional to the margin
    rate, while the programme's cost is not. A return on CX that looks comfortable at
    one margin can vanish at another: the margin is as important an input as the
    estimated effect of CX (the return-on-CX logic of Rust, Lemon & Zeithaml 2004).
    """
    params = cx.RetailParams()
    baseline = cx.simulate_panel(20_000, 8, params=params, seed=8)
    improved = cx.simulate_panel(
        20_000,
        8,
        params=dataclasses.replace(params, cx_intercept=params.cx_intercept + 0.1),
        seed=8,
    )
    effects = pd.concat(
        [
            cx.value.retention_and_spend(baseline).assign(scenario="baseline"),
            cx.value.retention_and_spend(improved).assign(scenario="CX + 0.1"),
        ]
    ).set_index("scenario")
    value = {}
    for margin_rate in (0.25, 0.15):
        money = cx.cx_to_money(
            customers=50_000,
            spend=effects.loc["baseline", "spend"],
            margin_rate=margin_rate,
            retention=effects.loc["baseline", "retention"],
            discount=0.02,
            retention_change=effects.loc["CX + 0.1", "retention"]
            - effects.loc["baseline", "retention"],
            spend_change=effects.loc["CX + 0.1", "spend"] / effects.loc["baseline", "spend"] - 1,
            investment=[100_000, 250_000, 500_000],
        )
        value[margin_rate] = money
    low = value[0.15]
    return {
        "value_created_25": float(value[0.25].loc[1, "value_created"]),
        "value_created_15": float(low.loc[1, "value_created"]),
        "roi_100k": float(low.loc[1, "roi"]),
        "roi_250k": float(low.loc[2, "roi"]),
        "roi_500k": float(low.loc[3, "roi"]),
    }


PROMPTS = collect(globals())
