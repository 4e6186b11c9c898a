"""Worked solutions for notebook 04-drivers-to-loyalty."""

import numpy as np

import cxresearch as cx


def _survey():
    """The survey of section 5: last quarter, determinants as 1-7 ratings, satisfaction."""
    attributes = ["social", "service", "atmosphere", "assortment", "price", "channel", "brand"]
    panel = cx.load_dataset("retail_panel")
    last = panel[panel["period"] == 6]
    return (
        last[attributes]
        .apply(lambda s: np.clip(np.rint(4 + 1.25 * s), 1, 7))
        .astype(int)
        .assign(satisfaction=last["satisfaction"])
        .reset_index(drop=True)
    )


def ex_04_1():
    """General dominance of brand among service, assortment and brand."""
    dom = cx.dominance_analysis(_survey(), y="satisfaction", x=["service", "assortment", "brand"])
    return round(float(dom.table.set_index("term").loc["brand", "estimate"]), 3)


def ex_04_2():
    """Average marginal effect of satisfaction on returning, logit without the interaction."""
    res = cx.fit_drivers(
        cx.load_dataset("retail_panel"),
        "returned_next ~ satisfaction + competition + complained + recovered_well",
        family="logit",
    )
    return round(float(res.marginal_effects.set_index("term").loc["satisfaction", "estimate"]), 4)


def ex_04_3():
    """Ordered-probit weight of disconfirmation in likelihood to recommend (truth 0.4)."""
    res = cx.fit_drivers(
        cx.load_dataset("retail_panel"),
        "likelihood_to_recommend ~ cx + disconfirmation",
        family="ordinal",
        link="probit",
    )
    return round(float(res.table.set_index("term").loc["disconfirmation", "estimate"]), 4)


def ex_04_4():
    """Impact asymmetry (0.1 - 0.9) / (0.1 + 0.9) = -0.8 <= -0.2: a basic factor."""
    penalty, reward = 0.9, 0.1
    asymmetry = (reward - penalty) / (reward + penalty)
    return "a" if asymmetry <= -0.2 else ("c" if asymmetry >= 0.2 else "b")


def ex_04_5():
    """OLS of an ordered-probit score keeps signs and (roughly) ranking, not values."""
    return "b"
