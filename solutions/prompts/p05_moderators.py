"""Worked solutions to the "Check it yourself" prompts of notebook 05-moderators."""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pandas as pd
import statsmodels.api as sm
from _prompt import collect, prompt
from scipy import stats

import cxresearch as cx
from cxresearch.simulate import CX_FORMULA

RETURN_FORMULA = "returned_next ~ satisfaction * competition + complained + recovered_well"
MODERATORS = ["age", "tech_readiness", "price_consciousness", "task_orientation"]
OTHER_DRIVERS = ["service", "atmosphere", "price", "assortment", "brand"]


@cache
def _panel() -> pd.DataFrame:
    return cx.simulate_panel(3_000, 4, seed=5)


@cache
def _fit():
    return cx.fit_drivers(_panel(), CX_FORMULA, cluster="customer_id")


@prompt("152ace9d", check=lambda r: r["satisfaction_x_competition"] == -0.15)
def competition_in_the_return_equation():
    """Find ``satisfaction:competition`` in ``cx.truth(outcome="returned_next")``.

    **What comes out.** The row ``satisfaction:competition`` has the true value -0.15
    (on the log-odds scale of the return logit); the table's other rows are the
    intercept, complaints, recovery, satisfaction (0.55) and competition (-0.30).

    **What it means.** Competition does not change how the experience is formed (it is
    not in the ``cx`` equation at all, apart from its interaction with price); it
    changes what satisfaction is worth for loyalty. With one SD more competition, each
    point of satisfaction adds 0.15 less to the log-odds of returning: satisfied
    customers still try the rivals when there are many (Jones & Sasser 1995). A
    moderator belongs to a path, and the path here is satisfaction → return, which is
    why section 7 fits it in the logit model, not in the CX regression.
    """
    truth = cx.truth(outcome="returned_next").set_index("term")["estimate"]
    return {
        "satisfaction_x_competition": float(truth["satisfaction:competition"]),
        "satisfaction": float(truth["satisfaction"]),
        "competition": float(truth["competition"]),
    }


@prompt(
    "eb6f53c6",
    check=lambda r: (
        r["furthest_is_service_region_west"] == 1
        and 2.1 < r["max_abs_bias_z"] < 2.3
        and 0.3 < r["chance_of_max_this_large"] < 0.9
    ),
)
def furthest_from_the_truth():
    """Sort ``compared`` by ``bias_z`` and judge the largest bias.

    **What to run.** ``compared.sort_values("bias_z")`` (or by its absolute value).

    **What comes out.** The term furthest from its truth is ``service:region[T.west]``,
    2.21 standard errors below its true value of 0 (estimate -0.033); next come
    ``economy[T.poor]`` (+2.13) and ``region[T.west]`` (-2.10), the three misses of the
    interval. All other terms are within 1.92 standard errors.

    **Is it unusual?** No. If every estimate is unbiased, each ``bias_z`` is roughly a
    standard normal draw; with 54 of them, about 54 × 0.05 ≈ 2.7 are expected beyond
    ±1.96, and the largest of 54 exceeds 2.21 with probability
    1 - (1 - 2 × 0.0136)^54 ≈ 0.77. Three misses and a largest |z| of 2.2 are what
    chance produces; a |z| of 4 or 5 would point to a real bias. (The 54 are not quite
    independent: the west-region terms share data, which is why two of the misses come
    together.)
    """
    compared = cx.compare_to_truth(_fit(), cx.truth(outcome="cx"))
    order = compared.assign(abs_z=compared["bias_z"].abs()).sort_values("abs_z")
    top = order.iloc[-1]
    k = len(compared)
    p_one = 2 * stats.norm.sf(top["abs_z"])
    return {
        "furthest_is_service_region_west": int(top["term"] == "service:region[T.west]"),
        "max_abs_bias_z": float(top["abs_z"]),
        "n_beyond_1_96": int((order["abs_z"] > 1.96).sum()),
        "n_terms": k,
        "chance_of_max_this_large": float(1 - (1 - p_one) ** k),
    }


@prompt(
    "59963e36",
    check=lambda r: (
        r["cov_slopes"] < 0
        and r["var_hedonic"] > r["var_utilitarian"]
        and abs(r["share_hedonic"] - 0.4) < 0.02
    ),
)
def why_the_hedonic_slope_is_less_precise():
    """Which element of ``V`` makes the hedonic slope less precise, and why fewer hedonic shoppers?

    **What to look at.** ``V`` is the 2×2 covariance matrix of (crowding, crowding:goal).
    The hedonic slope is their sum, so its variance is V[0,0] + 2 V[0,1] + V[1,1]; the
    utilitarian slope's is V[0,0] alone.

    **What comes out.** V[0,0] = 0.000171, V[0,1] = -0.000046, V[1,1] = 0.000107. The
    hedonic slope's variance is 0.000171 - 0.000092 + 0.000107 = 0.000186: larger,
    because the interaction's own variance V[1,1] (the uncertainty about the *difference*
    between the groups) is added, and the negative covariance only partly offsets it.
    Equivalently, each slope is estimated from its own group's visits, and there are
    fewer hedonic visits: ``panel["goal"].value_counts()`` gives 7,304 utilitarian and
    4,696 hedonic (39%).

    **Why fewer hedonic shoppers.** The simulator draws each customer's goal with
    ``RetailParams().p_hedonic`` = 0.4 (after Babin, Darden & Griffin 1994, who
    separate the two shopping values); it is a modelling choice, not a law. With 40% in
    one group its slope's variance is about 0.6/0.4 = 1.5 times the other's, before the
    other drivers' covariances are taken into account.
    """
    names = ["crowding", "crowding:goal[T.hedonic]"]
    V = _fit().model.cov_params().loc[names, names].to_numpy()
    share = _panel()["goal"].value_counts(normalize=True)
    return {
        "var_utilitarian": float(V[0, 0]),
        "cov_slopes": float(V[0, 1]),
        "var_interaction": float(V[1, 1]),
        "var_hedonic": float(V[0, 0] + 2 * V[0, 1] + V[1, 1]),
        "share_hedonic": float(share["hedonic"]),
        "p_hedonic": float(cx.RetailParams().p_hedonic),
    }


@prompt("34793b87", check=lambda r: 0.15 < r["crowding_hedonic_only"] < 0.3)
def pooled_model_on_hedonic_shoppers():
    """Refit the pooled model on hedonic shoppers only.

    **What to change.** ``cx.fit_drivers(panel[panel["goal"] == "hedonic"],
    CX_FORMULA.replace("crowding * goal", "crowding"), cluster="customer_id")``.

    **What comes out.** The crowding slope is +0.25 (true hedonic slope -0.25 + 0.45 =
    +0.20; the notebook's interaction model gave +0.23), while the pooled model on
    everyone gave about -0.05.

    **Why.** Within one goal there is nothing to moderate, so the plain slope is that
    group's slope. The pooled model averages two slopes of opposite sign (weighted by
    group size, 60/40) into one that describes nobody. Splitting the sample is a valid
    way to see a moderation; the interaction model is better because it tests the
    difference and uses all the data for the other coefficients (Aiken & West 1991).
    """
    hedonic = _panel()[_panel()["goal"] == "hedonic"]
    fit = cx.fit_drivers(
        hedonic, CX_FORMULA.replace("crowding * goal", "crowding"), cluster="customer_id"
    )
    return {"crowding_hedonic_only": float(fit.model.params["crowding"]), "n_visits": len(hedonic)}


@cache
def _fit_centred():
    centred = cx.center(_panel(), columns=MODERATORS)
    return cx.fit_drivers(centred, CX_FORMULA, cluster="customer_id")


@prompt(
    "b1f471c6",
    check=lambda r: (
        abs(r["raw"] - r["centred"]) < 0.002 and abs(r["raw"] - r["centred_exact"]) < 1e-9
    ),
)
def service_effect_at_70():
    """Predict the service effect for a 70-year-old from the raw and the centred fit.

    **What to compute.** Raw: ``p["service"] + p["service:age"] * 70``. Centred:
    ``pc["service"] + pc["service:age"] * (70 - panel["age"].mean())``.

    **What comes out.** 0.4450 and 0.4457: the same to two decimals, but not exactly.
    The small gap (0.0007) is not rounding: ``cx.center`` also centred
    ``tech_readiness``, which moderates service too, so the raw formula describes a
    70-year-old with ``tech_readiness`` = 0 and the centred one a 70-year-old with the
    sample's mean ``tech_readiness`` (-0.007). Add
    ``pc["service:tech_readiness"] * (0 - panel["tech_readiness"].mean())`` to the
    centred prediction and the two agree to within 1e-9.

    **Why.** Centring a moderator only moves its zero point. The raw fit's ``service``
    is the effect at age 0 (and tech readiness 0), the centred fit's the effect at the
    means; the interactions (the change per year, per SD) are the same, so the same
    customer gets the same prediction. Centring changes which question the main-effect
    coefficient answers, not the model (Echambadi & Hess 2007); but "the same
    customer" must fix every moderator of the path, not only the one in view.
    """
    p, pc = _fit().model.params, _fit_centred().model.params
    mean_age = _panel()["age"].mean()
    mean_tech = _panel()["tech_readiness"].mean()
    centred = pc["service"] + pc["service:age"] * (70 - mean_age)
    return {
        "raw": float(p["service"] + p["service:age"] * 70),
        "centred": float(centred),
        "centred_exact": float(centred + pc["service:tech_readiness"] * (0 - mean_tech)),
        "mean_tech_readiness": float(mean_tech),
    }


@prompt("9bcde4cc", check=lambda r: abs(r["table"] - r["sum"]) < 1e-9)
def atmosphere_in_specialty_stores():
    """Read the specialty-store atmosphere slope off the table and add the coefficients.

    **What comes out.** The table's slope is 0.354 (95% interval 0.329 to 0.378), and
    ``atmosphere + atmosphere:store_type[T.specialty]`` from the centred fit is the same
    number. The true slope is 0.10 + 0.25 = 0.35.

    **Why.** With discounters as the reference level, ``atmosphere`` is the discounter
    slope and each interaction is how much another store type adds to it. A simple slope
    for a level of a categorical moderator is exactly that sum; ``cx.simple_slopes``
    also gives its standard error from the covariance matrix (the L V L' of section 3).
    Note that ``t`` in the notebook is the *truth*; to reproduce the table use the fitted
    coefficients, and compare with the truth's sum, 0.35.
    """
    slopes = cx.simple_slopes(_fit_centred(), focal="atmosphere", moderator="store_type")
    table = slopes.set_index("at").loc["specialty", "estimate"]
    p = _fit_centred().model.params
    t = cx.truth(outcome="cx").set_index("term")["estimate"]
    return {
        "table": float(table),
        "sum": float(p["atmosphere"] + p["atmosphere:store_type[T.specialty]"]),
        "true": float(t["atmosphere"] + t["atmosphere:store_type[T.specialty]"]),
    }


@prompt(
    "b2c80079",
    check=lambda r: (
        r["width_first_quarter"] > 2 * r["width_all"]
        and r["low_first_quarter"] < r["low_all"]
        and r["high_first_quarter"] > r["high_all"]
    ),
)
def johnson_neyman_first_quarter():
    """Johnson–Neyman for price × price consciousness on the first quarter only.

    **What to change.** Fit ``CX_FORMULA`` to ``panel[panel["period"] == 1]`` without
    ``season`` and ``crowding:season``. Note: that alone fails with a clear error,
    because in the first quarter ``economy`` is "poor" exactly in the west region, so
    ``economy[T.poor]`` repeats ``region[T.west]``. Also drop the economy main effect
    (keep its interaction with price): write ``price:economy + price * (
    price_consciousness + ...)``. Then run ``cx.johnson_neyman``.

    **What comes out.** The non-significant band widens from -2.38 to -1.85 SD (width
    0.53) to -3.08 to -1.75 SD (width 1.33), about two and a half times as wide.

    **Why.** The band is where the confidence interval of the price slope includes zero.
    With a quarter of the visits the standard errors are about twice as large, so the
    interval includes zero over a wider range of price consciousness around the true
    crossing point (-2 SD). The bounds are estimates with their own uncertainty; a
    region of significance is not a region where the effect is absent (Bauer & Curran
    2005).
    """
    panel = _panel()
    first = panel[panel["period"] == 1]
    formula = (
        CX_FORMULA.replace(" + season", "")
        .replace(" + crowding:season", "")
        .replace("price * (economy + ", "price:economy + price * (")
    )
    fit_1 = cx.fit_drivers(first, formula, cluster="customer_id")
    low, high = cx.johnson_neyman(fit_1, focal="price", moderator="price_consciousness").bounds
    low_all, high_all = cx.johnson_neyman(
        _fit(), focal="price", moderator="price_consciousness"
    ).bounds
    return {
        "low_all": float(low_all),
        "high_all": float(high_all),
        "width_all": float(high_all - low_all),
        "low_first_quarter": float(low),
        "high_first_quarter": float(high),
        "width_first_quarter": float(high - low),
        "n_first_quarter": len(first),
    }


@prompt(
    "6a534988",
    check=lambda r: (
        r["slope_plus_1_sd"] > 0
        and r["ci_low_plus_1_sd"] > 0
        and r["slope_minus_1_sd"] > r["slope_mean"] > r["slope_plus_1_sd"]
    ),
)
def return_slopes_by_competition():
    """Simple slopes of satisfaction on the log-odds of returning, by competition.

    **What to run.** ``cx.simple_slopes(ret, focal="satisfaction",
    moderator="competition")``.

    **What comes out.** 0.72 at one SD below the mean of competition, 0.55 at the mean
    and 0.39 at one SD above (95% interval 0.35 to 0.42). Yes: even under strong
    competition the slope is clearly positive, only smaller.

    **Why.** The slopes are ``satisfaction + satisfaction:competition × c`` at the
    mean and ±1 SD; with a true interaction of -0.15, the slope would reach zero only
    at about 0.55 / 0.15 ≈ 3.7 SD above the mean, where there are almost no stores.
    Competition weakens the link from satisfaction to loyalty; it does not cut it
    (Jones & Sasser 1995).
    """
    ret = cx.fit_drivers(_panel(), RETURN_FORMULA, family="logit", cluster="customer_id")
    slopes = cx.simple_slopes(ret, focal="satisfaction", moderator="competition")
    return {
        "slope_minus_1_sd": float(slopes["estimate"].iloc[0]),
        "slope_mean": float(slopes["estimate"].iloc[1]),
        "slope_plus_1_sd": float(slopes["estimate"].iloc[2]),
        "ci_low_plus_1_sd": float(slopes["ci_low"].iloc[2]),
    }


@prompt(
    "2a78984b",
    slow=True,
    check=lambda r: r["type_i_error"] <= 0.07 and r["power_flip_150"] > 0.8,
)
def power_with_no_and_with_a_strong_interaction():
    """Power with no interaction (400 customers) and with the default flip (150).

    **What to run.** ``cx.power_interaction([400], effect=0.0, n_sims=200, seed=1,
    progress=False)`` and then ``effect=0.45`` with ``[150]``.

    **What comes out.** With no interaction, 4% of the 200 studies are significant
    (95% interval 2% to 8%): the type I error rate, at or a little below the nominal
    5%. With the default interaction of 0.45, 150 customers already detect it in 89% of
    studies (84% to 93%).

    **Why.** When the null hypothesis is true, a 5% test rejects 5% of the time by
    construction; HC3 standard errors are a little conservative in small samples with
    many coefficients (Long & Ervin 2000), so slightly fewer. Power grows with the
    effect size squared over its variance: an interaction of 0.45 is 2.25 times the 0.2
    of section 8, so far fewer customers are needed than the 400 that 0.2 required.
    With 200 simulated studies the Monte Carlo error is about 1.5 points near 5%.
    """
    null = cx.power_interaction([400], effect=0.0, n_sims=200, seed=1, progress=False)
    flip = cx.power_interaction([150], effect=0.45, n_sims=200, seed=1, progress=False)
    return {
        "type_i_error": float(null["power"].item()),
        "type_i_ci_high": float(null["ci_high"].item()),
        "power_flip_150": float(flip["power"].item()),
    }


def _moderation_study(rng, n_customers, effect):
    """The notebook's study: one simulated survey, the crowding × hedonic estimate."""
    params = dataclasses.replace(cx.RetailParams(), crowding_x_hedonic=effect)
    data = cx.simulate_panel(n_customers, 1, params=params, seed=rng)
    crowding = data["crowding"].to_numpy()
    hedonic = (data["goal"] == "hedonic").to_numpy(dtype=float)
    x = np.column_stack(
        [np.ones(n_customers), crowding, hedonic, crowding * hedonic, data[OTHER_DRIVERS]]
    )
    fit = sm.OLS(data["cx"].to_numpy(), x).fit(cov_type="HC3")
    low, high = fit.conf_int(alpha=0.05)[3]
    return {"estimate": fit.params[3], "ci_low": low, "ci_high": high, "p_value": fit.pvalues[3]}


@prompt(
    "sim-study-read",
    check=lambda r: (
        r["n_rows"] == 100
        and abs(r["coverage_by_hand"] - r["coverage_package"]) < 1e-12
        and abs(r["coverage_by_hand"] - 0.84) < 1e-12
    ),
)
def coverage_by_hand():
    """Recompute the coverage at 1,200 customers and effect 0.2 from ``study.table``.

    **What to run.** ``t = study.table.query("n_customers == 1200 and effect == 0.2")``,
    then ``((t.ci_low <= 0.2) & (0.2 <= t.ci_high)).mean()``. (This solution runs only
    that grid point; ``cx.simulation_study`` gives replication r of a grid point the
    same random stream whatever else is in the grid, so the 100 rows are the notebook's.)

    **What comes out.** 100 rows; 84 of the 100 intervals contain 0.2, so the coverage
    is 0.84, exactly the ``coverage`` of ``study.performance``.

    **Why it is below 0.95.** The short model omits drivers of the true model, and the
    estimates centre near 0.26, not 0.2: a biased estimator's intervals are centred on
    the wrong value, so fewer of them reach the truth, and the larger the sample the
    narrower they get and the worse the coverage (Morris, White & Crowther 2019 define
    these performance measures). The Monte Carlo standard error of 0.84 with 100 studies
    is sqrt(0.84 × 0.16 / 100) ≈ 0.037.
    """
    study = cx.simulation_study(
        _moderation_study,
        {"n_customers": [1200], "effect": [0.2]},
        n_sims=100,
        seed=2019,
        truth="effect",
        progress=False,
    )
    t = study.table.query("n_customers == 1200 and effect == 0.2")
    return {
        "n_rows": len(t),
        "coverage_by_hand": float(((t.ci_low <= 0.2) & (0.2 <= t.ci_high)).mean()),
        "coverage_package": float(study.performance["coverage"].item()),
        "mean_estimate": float(t["estimate"].mean()),
    }


PROMPTS = collect(globals())
