"""Worked solutions to the "Check it yourself" prompts of notebook 04-drivers-to-loyalty."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from _prompt import collect, prompt

import cxresearch as cx
from cxresearch.simulate import CX_FORMULA

ATTRIBUTES = ["social", "service", "atmosphere", "assortment", "price", "channel", "brand"]
RETURN_FORMULA = "returned_next ~ satisfaction * competition + complained + recovered_well"
HOTEL_ATTRIBUTES = ["cleanliness", "staff", "room_design", "wifi"]


@cache
def _panel() -> pd.DataFrame:
    return cx.load_dataset("retail_panel")


@cache
def _survey() -> pd.DataFrame:
    """The notebook's last-quarter survey: the attributes rated on 1-7, and satisfaction."""
    last = _panel()[_panel()["period"] == 6]
    return (
        last[ATTRIBUTES]
        .apply(lambda s: np.clip(np.rint(4 + 1.25 * s), 1, 7))
        .astype(int)
        .assign(satisfaction=last["satisfaction"])
        .reset_index(drop=True)
    )


@prompt(
    "b15b6462",
    check=lambda r: (
        r["recommend_cx"] > r["satisfaction_cx"]
        and abs(r["recommend_disconfirmation"] - r["satisfaction_disconfirmation"]) < 0.05
        and abs(r["recommend_ratio"] / r["true_recommend_ratio"] - 1) < 0.2
    ),
)
def recommend_instead_of_satisfaction():
    """Fit ``likelihood_to_recommend ~ cx + disconfirmation`` by OLS.

    **What to change.** Replace ``satisfaction`` by ``likelihood_to_recommend`` in the
    OLS cell and compare with ``cx.truth(outcome="likelihood_to_recommend")`` (true
    weights 0.9 and 0.4).

    **What comes out.** The slope of ``cx`` is larger than on the 1-7 scale (1.00 against
    0.60), the slope of disconfirmation about the same (0.39 against 0.42). Their ratio
    is 2.57, against a true ratio of 0.9 / 0.4 = 2.25: the same order, about 14% too
    high (on the 1-7 scale it was 1.45 against 1.33, 9% too high).

    **Why.** The true weights act on a latent scale; OLS slopes are in points of the
    observed answer, and the mapping from latent to observed depends on the number of
    categories and where the cut-points lie. So the size of an OLS slope on a rating
    scale has no meaning of its own; only comparisons within one model do, and even the
    ratio is only roughly preserved, because cutting a latent variable into categories
    is not linear. The ordered models of the next section estimate the latent weights
    themselves.
    """
    out = {}
    for name, y in [("satisfaction", "satisfaction"), ("recommend", "likelihood_to_recommend")]:
        fit = cx.fit_drivers(_panel(), f"{y} ~ cx + disconfirmation", cluster="customer_id")
        t = fit.table.set_index("term")["estimate"]
        out[f"{name}_cx"] = float(t["cx"])
        out[f"{name}_disconfirmation"] = float(t["disconfirmation"])
    out["recommend_ratio"] = out["recommend_cx"] / out["recommend_disconfirmation"]
    true = cx.truth(outcome="likelihood_to_recommend").set_index("term")["estimate"]
    out["true_recommend_ratio"] = float(true["cx"] / true["disconfirmation"])
    return out


@prompt(
    "b67b5ca8",
    check=lambda r: (
        r["largest_move_is_cx_lag"] == 1
        and 0.55 < r["cx_lag_without"] < 0.62
        and r["covered_without"] < r["covered_with"]
    ),
)
def drop_customer_effect():
    """Drop ``customer_effect`` from the CX formula and compare to the truth again.

    **What to change.** ``cx.fit_drivers(panel, CX_FORMULA.replace(" + customer_effect",
    ""), cluster="customer_id")`` and ``cx.compare_to_truth`` as before.

    **What comes out.** The carryover ``cx_lag`` moves most, upwards: from 0.396 to 0.584
    (true 0.4), 27 standard errors away from the truth. The next largest moves are the
    store-type dummies (about 0.14 to 0.15). Only 41 of the 53 intervals now cover the
    truth, against 49 of 54 with the full formula.

    **Why.** Omitted-variable bias. The lasting customer effect raises the experience in
    every quarter, so it is in last quarter's experience too; left out, it sits in the
    error term and is correlated with ``cx_lag``, which takes over its work. Lasting
    differences between customers are mistaken for carryover from quarter to quarter.
    Notebook 06 compares the estimators that try to remove such an effect (fixed
    effects, random intercepts) and the bias each leaves (Nickell 1981).
    """
    truth = cx.truth(outcome="cx")
    full = cx.compare_to_truth(cx.fit_drivers(_panel(), CX_FORMULA, cluster="customer_id"), truth)
    reduced_formula = CX_FORMULA.replace(" + customer_effect", "")
    reduced = cx.compare_to_truth(
        cx.fit_drivers(_panel(), reduced_formula, cluster="customer_id"), truth
    )
    moves = (reduced.set_index("term")["estimate"] - full.set_index("term")["estimate"]).dropna()
    row = reduced.set_index("term").loc["cx_lag"]
    return {
        "cx_lag_with": float(full.set_index("term").loc["cx_lag", "estimate"]),
        "cx_lag_without": float(row["estimate"]),
        "cx_lag_bias_z_without": float(row["bias_z"]),
        "largest_move_is_cx_lag": int(moves.abs().idxmax() == "cx_lag"),
        "covered_with": int(full["covered"].sum()),
        "covered_without": int(reduced["covered"].sum()),
    }


@prompt(
    "7aa509f1",
    check=lambda r: (
        all(1.5 < r[f"ratio_{k}"] < 1.9 for k in ["satisfaction", "complained", "recovered"])
        and r["max_ame_difference"] < 0.01
    ),
)
def probit_marginal_effects():
    """Fit the return model with ``family="probit"`` and compare marginal effects.

    **What to change.** ``cx.fit_drivers(panel, "returned_next ~ satisfaction *
    competition + complained + recovered_well", family="probit",
    cluster="customer_id")`` and read ``.marginal_effects``.

    **What comes out.** The coefficients shrink by a factor of 1.66 to 1.73 (satisfaction
    0.556 → 0.321, complained -0.652 → -0.393, recovered well 1.187 → 0.700). The average
    marginal effects hardly change: satisfaction 0.075 → 0.077, complained -0.106 →
    -0.110, recovered well 0.145 → 0.149, competition -0.155 in both: the largest
    difference is below 0.01 (one percentage point).

    **Why.** Logit and probit differ only in the assumed distribution of the latent
    error (logistic, standard deviation π/√3 ≈ 1.8, or normal, standard deviation 1),
    which sets the unit of the coefficients. Probabilities are on the same scale in both
    models, and over the middle of the data the two S-curves nearly coincide, so the
    effects on the probability agree. Report marginal effects when readers should
    compare across models.
    """
    out = {}
    effects = {}
    for family in ["logit", "probit"]:
        fit = cx.fit_drivers(_panel(), RETURN_FORMULA, family=family, cluster="customer_id")
        out[family] = fit.table.set_index("term")["estimate"]
        effects[family] = fit.marginal_effects.set_index("term")["estimate"]
    ratio = out["logit"] / out["probit"]
    return {
        "ratio_satisfaction": float(ratio["satisfaction"]),
        "ratio_complained": float(ratio["complained[T.True]"]),
        "ratio_recovered": float(ratio["recovered_well[T.True]"]),
        "ame_satisfaction_logit": float(effects["logit"]["satisfaction"]),
        "ame_satisfaction_probit": float(effects["probit"]["satisfaction"]),
        "max_ame_difference": float((effects["logit"] - effects["probit"]).abs().max()),
    }


@prompt(
    "7f29cde3",
    check=lambda r: 1.6 < r["ratio_cx"] < 1.8 and 1.6 < r["ratio_disconfirmation"] < 1.8,
)
def ordered_logit_over_probit():
    """Fit the ordered logit and divide its slopes by the ordered probit's.

    **What to change.** ``family="ordinal", link="logit"`` in the ordered-probit cell.

    **What comes out.** The ordered logit gives 1.466 for ``cx`` and 1.001 for
    disconfirmation, the probit 0.842 and 0.571. The ratios are 1.74 and 1.75: between
    1.6 and 1.8, as the notebook says.

    **Why.** The latent error of a logit has standard deviation π/√3 ≈ 1.81, that of a
    probit 1; if the error really were logistic, the ratio would be 1.81. The logistic
    density is more peaked than the normal one with the same spread, so over the range
    where most answers fall the best-fitting rescaling is a little less, which is why
    the usual rule of thumb for the ratio is 1.6 to 1.8.
    """
    out = {}
    for link in ["probit", "logit"]:
        fit = cx.fit_drivers(
            _panel(),
            "satisfaction ~ cx + disconfirmation",
            family="ordinal",
            link=link,
            cluster="customer_id",
        )
        out[link] = fit.table.set_index("term")["estimate"]
    return {
        "logit_cx": float(out["logit"]["cx"]),
        "probit_cx": float(out["probit"]["cx"]),
        "ratio_cx": float(out["logit"]["cx"] / out["probit"]["cx"]),
        "ratio_disconfirmation": float(
            out["logit"]["disconfirmation"] / out["probit"]["disconfirmation"]
        ),
    }


@prompt(
    "66fbf507",
    check=lambda r: (
        r["service_beats_assortment_at_every_level"] == 1 and r["service_k0"] > r["service_k2"]
    ),
)
def conditional_dominance_of_three():
    """Compute ``cx.conditional_dominance(survey, y="satisfaction", x=three)``.

    **What comes out.** One row per driver and model size k (the number of other drivers
    already in the model). Service adds 0.0524, 0.0515 and 0.0510 to R² at k = 0, 1, 2;
    assortment 0.0454, 0.0446 and 0.0440; price 0.0022, 0.0038 and 0.0056. So yes:
    service beats assortment at every level (and both beat price), which is
    *conditional dominance* (Budescu 1993). Each row is the
    average of the hand calculation's gains for models of that size; their mean over k
    is the general dominance weight.

    **Why it matters.** Complete or conditional dominance is a stronger statement than
    a larger general-dominance weight: it says the ranking does not depend on which
    other drivers are in the model. Price's contribution grows with k, a sign that it
    is a suppressor of sorts: it explains more once the others are held fixed.
    """
    table = cx.conditional_dominance(
        _survey(), y="satisfaction", x=["service", "assortment", "price"]
    )
    wide = table.pivot(index="k", columns="term", values="estimate")
    beats = bool((wide["service"] > wide["assortment"]).all())
    return {
        "service_k0": float(wide.loc[0, "service"]),
        "service_k2": float(wide.loc[2, "service"]),
        "assortment_k0": float(wide.loc[0, "assortment"]),
        "price_k2": float(wide.loc[2, "price"]),
        "service_beats_assortment_at_every_level": int(beats),
    }


@prompt(
    "e6b355aa",
    check=lambda r: (
        r["max_estimate_change"] < 1e-12
        and 0.0005 < r["max_bound_change"] < 0.005
        and r["same_ranking"] == 1
    ),
)
def dominance_with_another_seed():
    """Rerun the dominance analysis with ``n_boot=1000, seed=42``.

    **What comes out.** The estimates do not change at all (they do not depend on the
    bootstrap), nor does the ranking. The interval bounds change in the third decimal:
    for example service from 0.031 to 0.066 becomes 0.031 to 0.064, assortment from
    0.027 to 0.059 becomes 0.025 to 0.057. The largest move of any bound is about 0.002.

    **Why.** A bootstrap interval is read from 1,000 random resamples; another seed
    draws other resamples, and the 2.5th and 97.5th percentiles move by Monte Carlo
    error, here about a tenth of the interval's width. Report bounds to two significant
    digits, and use more resamples when the third one matters (Efron 1987 discusses
    how many).
    """
    runs = {
        seed: cx.dominance_analysis(
            _survey(), y="satisfaction", x=ATTRIBUTES, n_boot=1000, seed=seed
        ).table.set_index("term")
        for seed in (41, 42)
    }
    change = (runs[42] - runs[41].loc[runs[42].index]).abs()
    return {
        "max_estimate_change": float(change["estimate"].max()),
        "max_bound_change": float(change[["ci_low", "ci_high"]].max().max()),
        "service_ci_high_41": float(runs[41].loc["service", "ci_high"]),
        "service_ci_high_42": float(runs[42].loc["service", "ci_high"]),
        "same_ranking": int((runs[41]["rank"] == runs[42].loc[runs[41].index, "rank"]).all()),
    }


@prompt(
    "22cdc4b1",
    check=lambda r: (
        r["n_changed"] == 1 and r["brand_changed"] == 1 and r["brand_on_the_line"] < 0.01
    ),
)
def ipa_correlation_median():
    """Importance-performance with correlations as importance and median cross-hairs.

    **What to change.** ``cx.importance_performance(survey, y="satisfaction",
    x=attributes, importance="correlation", cut="median")``.

    **What comes out.** One attribute changes quadrant: brand moves from "concentrate
    here" to "keep up the good work". The others stay: service and atmosphere
    "concentrate here", assortment "keep up the good work", social and price "possible
    overkill", channel "low priority". The correlations rank the attributes much as the
    dominance weights do (service 0.23, assortment 0.21, atmosphere 0.21, brand 0.19).

    **Why.** Brand's performance (4.032) is the median of the seven performances, so
    with ``cut="median"`` it sits exactly on the vertical line, and the side it falls on
    is decided by a tie; with the mean (4.035) it was only 0.003 below. Its move says
    nothing about brand; it shows that IPA quadrants are fragile near the cross-hairs
    (Martilla & James 1977 introduced the grid; Mikulić & Prebežac 2011 review its
    pitfalls). Read attributes near a line as borderline whatever the choice.
    """
    base = cx.importance_performance(_survey(), y="satisfaction", x=ATTRIBUTES)
    alt = cx.importance_performance(
        _survey(), y="satisfaction", x=ATTRIBUTES, importance="correlation", cut="median"
    )
    q0 = base.table.set_index("term")["quadrant"]
    q1 = alt.table.set_index("term")["quadrant"]
    changed = q0 != q1
    brand_perf = alt.table.set_index("term").loc["brand", "performance"]
    return {
        "n_changed": int(changed.sum()),
        "brand_changed": int(changed["brand"]),
        "brand_on_the_line": float(abs(brand_perf - alt.performance_cut)),
        "importance_cut_median": float(alt.importance_cut),
    }


def _hotel() -> pd.DataFrame:
    rng = np.random.default_rng(2016)
    n_guests = 800
    answer_shares = [0.06, 0.10, 0.24, 0.34, 0.26]
    hotel = pd.DataFrame(
        {a: rng.choice([1, 2, 3, 4, 5], size=n_guests, p=answer_shares) for a in HOTEL_ATTRIBUTES}
    )
    true_penalty = {"cleanliness": 1.2, "staff": 0.6, "room_design": 0.0, "wifi": 0.0}
    true_reward = {"cleanliness": 0.0, "staff": 0.6, "room_design": 0.7, "wifi": 0.0}
    hotel["satisfaction"] = 7.0 + rng.normal(scale=1.0, size=n_guests)
    for attr in true_penalty:
        hotel["satisfaction"] -= true_penalty[attr] * (hotel[attr] <= 2)
        hotel["satisfaction"] += true_reward[attr] * (hotel[attr] == 5)
    return hotel


@prompt(
    "7d2d6b93",
    check=lambda r: (
        r["staff_reward_high4"] < 0.75 * r["staff_reward_high5"]
        and r["room_reward_high4"] < 0.6 * r["room_reward_high5"]
        and r["staff_basic_high4"] == 1
        and r["staff_asymmetry_high4"] < -0.2
    ),
)
def prca_with_high_4():
    """Penalty-reward contrast analysis with ``high=4``.

    **What to change.** ``cx.penalty_reward(hotel, y="satisfaction", x=[...], low=2,
    high=4)``.

    **What comes out.** The rewards shrink: staff from 0.60 to 0.38, room design from
    0.76 to 0.37 (penalties barely move: cleanliness 1.29 → 1.25, staff 0.65 → 0.61).
    Staff's asymmetry index falls from -0.03 to -0.23, past the -0.2 threshold, so staff
    is now classified as *basic* instead of *performance*.

    **Why.** In the simulated truth only a 5 earns a reward; a 4 is as good as a 3.
    Counting 4 as "high" mixes the 34% of guests who rated 4 (no reward) with the 26%
    who rated 5, which dilutes the estimated reward by more than half, and leaves only
    the 3s as the middle reference. With a smaller reward, staff looks like a factor that
    mainly punishes, i.e. basic. The Kano class depends on where the cut-points are
    drawn (Mikulić & Prebežac 2008): choose them from the question's meaning ("top box")
    before looking, and check that the conclusion survives a neighbouring choice.
    """
    hotel = _hotel()
    out = {}
    for high in (5, 4):
        table = cx.penalty_reward(
            hotel, y="satisfaction", x=HOTEL_ATTRIBUTES, low=2, high=high
        ).table.set_index("term")
        out[f"staff_reward_high{high}"] = float(table.loc["staff", "reward"])
        out[f"room_reward_high{high}"] = float(table.loc["room_design", "reward"])
        out[f"staff_asymmetry_high{high}"] = float(table.loc["staff", "asymmetry"])
        out[f"staff_basic_high{high}"] = int(table.loc["staff", "kano"] == "basic")
    return out


PROMPTS = collect(globals())
