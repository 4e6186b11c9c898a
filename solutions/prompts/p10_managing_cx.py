"""Worked solutions to the "Check it yourself" prompts of notebook 10-managing-cx."""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pandas as pd
from _prompt import answer, collect, prompt

import cxresearch as cx
from cxresearch.simulate import DETERMINANTS, RetailParams, simulate_panel

ELEMENTS = [
    "current position",
    "journey map",
    "staff training",
    "customer expectations",
    "problem solving",
    "FAQs and bots",
    "continuous feedback",
    "review and act",
]
LIBRARY_STATES = ["non-user", "member", "former member"]


@cache
def _panel() -> pd.DataFrame:
    return simulate_panel(3_000, 8, seed=10)


@cache
def _service_scenarios() -> dict[str, pd.DataFrame]:
    """Discounter visits now, with service +0.5 SD and with service -0.5 SD."""
    params = RetailParams()
    shift = tuple(0.5 if name == "service" else 0.0 for name in DETERMINANTS)
    better = simulate_panel(
        3_000, 8, params=dataclasses.replace(params, determinant_shift=shift), seed=10
    )
    worse_shift = tuple(-s for s in shift)
    worse = simulate_panel(
        3_000, 8, params=dataclasses.replace(params, determinant_shift=worse_shift), seed=10
    )
    return {
        name: data[data["store_type"] == "discounter"]
        for name, data in [("now", _panel()), ("better", better), ("worse", worse)]
    }


@prompt(
    "bd426e16",
    check=lambda r: r["p_value"] > 0.05 and r["ci_low"] < 0 < r["ci_high"],
)
def discounters_vs_supermarkets():
    """Compare discounters and supermarkets with ``cx.nps_test``.

    **What comes out.** Supermarkets minus discounters: 1.9 NPS points (12.2 against
    10.3), standard error 3.4, p = 0.57, 95% interval -4.7 to 8.5 points. No: with about
    1,060 answers each, the two formats cannot be told apart; their CSAT intervals
    overlapped too.

    **Why.** The standard error of a difference of two NPS values from about 1,000
    answers each is about 3.4 points, so only differences of about 7 points or more
    would be significant at 5%. Ranking stores or formats by NPS without intervals turns
    noise into league tables; the notebook-02 rule "report the interval" applies to
    comparisons most of all.
    """
    latest = _panel()[_panel()["period"] == 8]
    test = cx.nps_test(
        latest,
        score="likelihood_to_recommend",
        by="store_type",
        levels=["discounter", "supermarket"],
    ).iloc[0]
    return {
        "difference": float(test["estimate"]),
        "std_error": float(test["std_error"]),
        "p_value": float(test["p_value"]),
        "ci_low": float(test["ci_low"]),
        "ci_high": float(test["ci_high"]),
    }


@prompt(
    "ad505a04",
    check=lambda r: (
        r["largest_gap"] == 3 and r["largest_is_staff_training"] == 1 and r["n_with_gap_2"] == 5
    ),
)
def higher_targets():
    """Raise the target to 5 for "problem solving" and "review and act".

    **What to change.** ``assessment["target"] = [4, 4, 4, 4, 5, 4, 4, 5]`` (in the order
    of ``elements``), then recompute the gap.

    **What comes out.** Staff training still has the largest gap (3). Problem solving
    and review and act move up from a gap of 1 to 2, joining journey map, FAQs and
    bots and continuous feedback: five elements now share second place with a gap of 2.

    **Why.** Raising a target widens that element's gap by one point, but staff
    training scored 1, so it stays furthest behind. The exercise shows that a gap
    analysis ranks the firm's ambitions as much as its weaknesses: the targets are
    choices, and should be written down with the reason (here, competing on service).
    """
    scores = [4, 2, 1, 3, 3, 2, 2, 3]
    targets = [5 if e in ("problem solving", "review and act") else 4 for e in ELEMENTS]
    gap = pd.Series(np.subtract(targets, scores), index=ELEMENTS)
    return {
        "largest_gap": int(gap.max()),
        "largest_is_staff_training": int(gap.idxmax() == "staff training"),
        "n_with_gap_2": int((gap == 2).sum()),
        "gap_problem_solving": int(gap["problem solving"]),
    }


@prompt("65042c00")
def which_fix_for_which_pain_point():
    """Which pain point needs staff training, stock planning, or a supplier contract?

    * **Staff training: the call about the wrong size** (step 8, -3, brand-owned, phone).
      The customer needed help with a sizing problem; whether the call goes well depends
      on what the agent knows and is allowed to do (offer the free exchange at once).
      It is the worst and most intense moment, so it is the first to fix.
    * **Better stock planning: the size out of stock on the shelf** (step 5, -2,
      brand-owned, store). That is an assortment and replenishment problem, not a
      behaviour problem.
    * **A supplier contract: the parcel two days late** (step 7, -1, partner-owned).
      The delivery firm owns the touchpoint; the chain can act only through a service
      level agreement with delivery times, tracking and penalties.

    The owner column of the journey table is what makes this sort possible: Lemon &
    Verhoef (2016) separate brand-, partner-, customer- and socially-owned touchpoints
    because each needs a different lever.
    """
    return answer(which_fix_for_which_pain_point)


def _gap_table(store_type: str) -> pd.DataFrame:
    panel = _panel()
    subset = panel[panel["store_type"] == store_type]
    drivers = list(DETERMINANTS)
    fit = cx.fit_drivers(subset, "satisfaction ~ " + " + ".join(drivers), cluster="customer_id")
    table = pd.DataFrame(
        {
            "importance": fit.table.set_index("term")["estimate"][drivers],
            "performance": subset[drivers].mean(),
            "chain_average": panel[drivers].mean(),
        }
    )
    table["effect_of_gap"] = table["importance"] * (table["performance"] - table["chain_average"])
    return table


@prompt(
    "cf2de84f",
    check=lambda r: (
        r["weakest_is_service"] == 1
        and r["service_effect"] > r["service_effect_discounter"]
        and r["assortment_effect"] > 0
    ),
)
def supermarket_gap_table():
    """The importance × gap table for the supermarkets.

    **What to change.** ``panel[panel["store_type"] == "supermarket"]`` in the driver
    cell.

    **What comes out.** Yes, service is still the weakest driver: its gap to the chain
    costs the supermarkets 0.048 satisfaction points, the largest loss, followed by price
    (-0.028) and brand (-0.018). But the losses are much smaller than at the discounters
    (service -0.109 there), service matters even more here (importance 0.45 against
    0.36), and assortment is the supermarkets' strength (+0.076), where it was a weakness
    of the discounters. Price is not an advantage here (-0.028, against +0.231).

    **Why.** Each format's position differs: supermarkets are close to the chain average
    on most drivers, so importance × gap is small everywhere. Service comes out weakest
    in both formats because service is where both fall below the chain (the department
    and specialty stores lift the average). A driver can be important without being a
    problem; the table ranks the problems.
    """
    sup, disc = _gap_table("supermarket"), _gap_table("discounter")
    return {
        "weakest_is_service": int(sup["effect_of_gap"].idxmin() == "service"),
        "service_effect": float(sup.loc["service", "effect_of_gap"]),
        "service_effect_discounter": float(disc.loc["service", "effect_of_gap"]),
        "assortment_effect": float(sup.loc["assortment", "effect_of_gap"]),
        "service_importance": float(sup.loc["service", "importance"]),
    }


def _money(margin_rate: float, scenario: str, investment=None) -> pd.DataFrame:
    data = _service_scenarios()
    now = data["now"]
    retention_now = now["returned_next"].mean()
    spend_now = float(now["spend"].mean())
    other = data[scenario]
    extra = {} if investment is None else {"investment": investment}
    return cx.cx_to_money(
        customers=200_000,
        spend=spend_now,
        margin_rate=margin_rate,
        retention=retention_now,
        discount=0.02,
        retention_change=other["returned_next"].mean() - retention_now,
        spend_change=float(other["spend"].mean()) / spend_now - 1,
        **extra,
    )


@prompt(
    "e1c61494",
    check=lambda r: (
        r["roi_250k_10"] > 0 > r["roi_500k_10"]
        and abs(r["ratio_10"] - r["ratio_20"]) < 1e-9
        and abs(r["gain_10"] / r["gain_20"] - 0.5) < 1e-9
    ),
)
def half_the_margin():
    """Halve the margin rate to 10% in the money cells.

    **What comes out.** The value created by the service programme halves, from 525,155
    to 262,578. Only the 250,000 programme still pays for itself (ROI 0.05, as the
    500,000 one did at 20%); 500,000 now returns -0.47 and 1,000,000 -0.74. The loss
    from a decline halves too (530,959 → 265,479), so the ratio of loss to gain is
    unchanged: 1.011 at both margins.

    **Why.** ``cx_to_money`` values a change in retention and spend through the margin:
    every money figure is proportional to the margin rate, while the investment is not.
    A ratio of two such figures does not depend on the margin at all, which is why the
    asymmetry (declines cost a little more than improvements gain) is a property of the
    customer response, not of the accounting.
    """
    out = {}
    for tag, rate in [("20", 0.20), ("10", 0.10)]:
        gain = _money(rate, "better", investment=[250_000, 500_000, 1_000_000])
        loss = _money(rate, "worse")
        out[f"gain_{tag}"] = float(gain.loc[1, "value_created"])
        out[f"loss_{tag}"] = float(-loss.loc[1, "value_created"])
        out[f"ratio_{tag}"] = out[f"loss_{tag}"] / out[f"gain_{tag}"]
        if tag == "10":
            for row, size in [(1, "250k"), (2, "500k"), (3, "1m")]:
                out[f"roi_{size}_10"] = float(gain.loc[row, "roi"])
    return out


@prompt("c4c4e048")
def components_on_the_coat_journey():
    """One touchpoint of the coat journey for each of the five CX components.

    * **Organisational culture and communication strategy:** the brand ad in the social
      feed (step 2), and above all the free, quick exchange (step 9): a policy that
      lets the store put a mistake right without argument is a management decision.
    * **Products and services:** the size out of stock on the shelf (step 5): the
      assortment did not meet the need. (Trying the coats on, step 4, is the product
      doing its job.)
    * **Staff training:** the call about the wrong size (step 8): how the agent handles
      it decides whether the worst moment becomes a recovery.
    * **Communication channels:** ordering in the app after the store had no size (step
      6), and being able to reach the service line at all (step 8).
    * **Up-to-date technology:** the app with its own wallet (step 6), and the
      comparison site and reviews (steps 3 and 10) that the firm does not own but can
      feed.

    Several touchpoints depend on more than one component; that is the article's point,
    echoed by Homburg, Jozić & Kuehnl (2017): the experience is produced by the whole
    firm, not by one department.
    """
    return answer(components_on_the_coat_journey)


@prompt(
    "e096d5b7",
    check=lambda r: (
        0 < r["value_complaint_desk"] < 0.25 * r["value_service_training"]
        and r["retention_change"] > 0.02
    ),
)
def complaint_desk_in_money():
    """Value a better complaint desk with ``cx.cx_to_money``.

    **What to put in.** The customers affected are the complainers: at the discounters
    10.5% of visits bring a complaint, so of 200,000 customers about 21,000 complain per
    quarter. Their retention is ``complainers_returning`` now (0.604) and the change is
    0.644 - 0.604 = +0.041; spend does not change. Same spend per visit (52.0), margin
    20% and discount 2% as in section 4.2.

    **What comes out.** About 57,800 of value created, against 525,155 for half an SD
    of better service: the complaint desk is worth roughly a ninth as much, so it pays
    only if it costs far less than the training.

    **Why.** The complaint desk raises retention by four points, but only for the tenth
    of customers who complain; the service programme raises retention by two points
    and spend by 2.6% for everyone. Value scales with how many customers a change
    touches. (Treating each quarter's complainers as one group is a simplification: new
    customers complain every quarter, so a desk that keeps running keeps creating
    value.) Complaint handling is a repair job; Fornell & Wernerfelt (1987) show it can
    still be cheaper than winning new customers.
    """
    data = _service_scenarios()
    now = data["now"]
    params = RetailParams()
    better = dataclasses.replace(params, recovery_intercept=params.recovery_intercept + 1.0)
    recovered = simulate_panel(3_000, 8, params=better, seed=10)
    complainers_now = _panel()[_panel()["complained"]]["returned_next"].mean()
    complainers_after = recovered[recovered["complained"]]["returned_next"].mean()
    n_complainers = 200_000 * now["complained"].mean()
    desk = cx.cx_to_money(
        customers=n_complainers,
        spend=float(now["spend"].mean()),
        margin_rate=0.20,
        retention=complainers_now,
        discount=0.02,
        retention_change=complainers_after - complainers_now,
        spend_change=0.0,
    )
    return {
        "n_complainers": float(n_complainers),
        "retention_change": float(complainers_after - complainers_now),
        "value_complaint_desk": float(desk.loc[1, "value_created"]),
        "value_service_training": float(_money(0.20, "better").loc[1, "value_created"]),
    }


@prompt(
    "74cc4a11",
    check=lambda r: (
        r["n_week_13"] == 520 and r["margin_week_13"] > 5 and r["first_week_below_5"] == 0
    ),
)
def survey_one_in_five():
    """Survey one customer in five and find when the NPS margin drops below 5 points.

    **What to change.** ``store = store.iloc[::5]`` before the weekly loop (the ``week``
    column is drawn first, as in the notebook).

    **What comes out.** It never does within the quarter: with 45 answers after week 1
    the margin is ±22 points, after 13 weeks (520 answers) still ±6.5. With every
    customer it fell below 5 in week 5 (1,019 answers).

    **Why.** The margin shrinks with 1/sqrt(n): a fifth of the answers makes it
    sqrt(5) ≈ 2.2 times wider at every week. About 1,000 answers are needed for ±5 at
    this store's mix of promoters and detractors (``cx.nps_sample_size``), and one in
    five customers gives only about 520 in a quarter. Sampling saves survey cost but
    delays the moment the data can be acted on.
    """
    rng = np.random.default_rng(2010)
    store = simulate_panel(2_600, 1, n_stores=1, seed=11)
    store["week"] = rng.integers(1, 14, size=len(store))
    sampled = store.iloc[::5]
    margins, sizes = [], []
    for week in range(1, 14):
        res = cx.nps(sampled[sampled["week"] <= week], score="likelihood_to_recommend").iloc[0]
        margins.append((res["ci_high"] - res["ci_low"]) / 2)
        sizes.append(int(res["n"]))
    below = [w for w, m in zip(range(1, 14), margins, strict=True) if m < 5]
    return {
        "margin_week_1": float(margins[0]),
        "margin_week_13": float(margins[-1]),
        "n_week_13": sizes[-1],
        "first_week_below_5": below[0] if below else 0,
    }


@prompt("8fe61eaa")
def methods_for_each_tool():
    """A course method for the data of each tool in ``cx_software``.

    * **AskNicely** (NPS survey): ``cx.nps``, ``cx.nps_test`` to compare groups or
      periods, ``cx.nps_sample_size`` to plan (notebook 02).
    * **CX survey tool** (satisfaction and NPS groups): ``cx.csat``, ``cx.nps``,
      ``cx.top_box``; with several items per construct, ``cx.cronbach_alpha`` and
      ``cx.reliability_table`` (02), and ``cx.fit_drivers`` or
      ``cx.dominance_analysis`` for the drivers (04).
    * **Freshdesk** (support tickets with post-ticket CSAT): ``cx.csat`` per channel or
      agent; ``cx.fit_drivers`` with ``family="logit"`` for what makes a ticket end well.
    * **TeamSupport** (complaints and recovery): the recovery logit of notebook 06
      (``cx.fit_drivers``, ``family="logit"``, with ``complained`` and
      ``recovered_well``) and ``cx.complaint_levers`` (03).
    * **Whatfix** (in-app journey analytics): ``cx.journey_metrics``,
      ``cx.channel_switches`` and a transition matrix estimated from the paths, then
      ``cx.absorption_probabilities`` (07).
    * **ThoughtBuzz** (social listening, indirect contact): word of mouth is a
      journey touchpoint owned by others (07); the counts feed ``cx.peak_end`` only if
      mentions carry a feeling score. It is the weakest fit to the course's methods.
    * **Crowdstream** (campaign response): response and conversion shares with
      ``cx.top_box``-style intervals, or ``cx.lifecycle_funnel`` (08).
    * **FiveLine** and **Experiture** (customer profiles and databases):
      ``cx.assign_tiers``, ``cx.customer_pyramid``, ``cx.tier_migration`` and
      ``cx.clv`` (08).

    The mapping shows where the data are numbers the course can analyse, and where
    (social listening) they first need to be turned into such numbers.
    """
    return answer(methods_for_each_tool)


@prompt("50dc922c")
def employee_survey_questions():
    """Two employee survey questions for the third benefit (satisfaction inside the firm).

    1. "I have the information I need to solve a customer's problem without asking a
       manager." (agree–disagree, 1–7)
    2. "In the last month I saw the customer feedback and scores for my store."
       (yes / no, or how often)

    Both inform **staff training** (element 3 of section 2.3), whose self-assessment
    question asks whether customer-facing staff see the feedback and have the skills
    and facts they need; the second also informs **review and act** (element 8), since
    results that never reach the staff cannot be acted on by them. A third useful item
    would measure engagement directly ("I would recommend this store as a place to
    work"), the first link of the service-profit chain of section 5 (Heskett et al.
    1994), in which engaged staff deliver better service and service raises customer
    satisfaction.
    """
    return answer(employee_survey_questions)


def _library_members(drift: float, **change) -> float:
    join, stay, win_back = (
        change.get("join", 0.04),
        change.get("stay", 0.80),
        change.get("win_back", 0.10),
    )
    transition = [
        [1 - join, join, 0.0],
        [0.0, stay, 1 - stay],
        [drift, win_back, 1 - win_back - drift],
    ]
    chain = cx.check_transition_matrix(transition, states=LIBRARY_STATES)
    return float(cx.stationary_distribution(chain).set_index("state").loc["member", "probability"])


@prompt(
    "2fca93b3",
    check=lambda r: (
        r["members_today"] < 0.25
        and r["gain_stay"] > r["gain_win_back"]
        and r["gain_win_back"] < r["gain_win_back_at_005"]
    ),
)
def library_with_faster_drift():
    """Raise ``drift`` to 0.15 in the library chain.

    **What comes out.** The long-run share of members falls from 25.0% to 20.8%, and
    the share of former members from 33.3% to 16.7% (more people are non-users: 62.5%).
    The three levers now raise membership to 23.8% (image), 26.0% (experience) and 24.0%
    (win-back). The win-back campaign becomes less useful: it gained 5.8 points at
    drift 0.05, tied with a better experience; now it gains 3.2 against the
    experience's 5.1.

    **Why.** Winning back works only on former members, and with faster drift there are
    fewer of them: they become non-users before a campaign reaches them. A better
    experience acts on members, who are not affected by drift. The long-run ratio of
    members to former members, (win_back + drift) / (1 - stay), shows it: drift now
    sits in the numerator next to win_back, so the same +0.05 on win_back raises it
    proportionally less. Which lever is best depends on the flows, which is why a
    library should estimate them from its records before choosing.
    """
    out = {
        "members_today": _library_members(0.15),
        "members_today_at_005": _library_members(0.05),
    }
    for lever, change in [("join", 0.05), ("stay", 0.85), ("win_back", 0.15)]:
        out[f"gain_{lever}"] = _library_members(0.15, **{lever: change}) - out["members_today"]
        out[f"gain_{lever}_at_005"] = (
            _library_members(0.05, **{lever: change}) - out["members_today_at_005"]
        )
    return out


PROMPTS = collect(globals())
