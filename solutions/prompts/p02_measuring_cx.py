"""Worked solutions to the "Check it yourself" prompts of notebook 02-measuring-cx.

Notebook 02 draws every simulated answer from one generator, ``default_rng(2026)``,
cell after cell. Rerunning a single cell continues that stream, so a student's numbers
then depend on how often they ran it. These solutions give the numbers of a clean run
from the top ("Restart and run all") with the one change the prompt asks for:
``_replay`` repeats the notebook's draws in order.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from _prompt import collect, prompt

import cxresearch as cx

ANSWER_PROBS = np.array([2, 1, 2, 3, 3, 6, 8, 15, 20, 18, 22]) / 100  # answers 0..10
SATISFACTION_PROBS = (0.05, 0.10, 0.20, 0.40, 0.25)
LOADINGS = (0.8, 0.7, 0.6, 0.5)
STORE_PROBS = {"A": ANSWER_PROBS, "B": np.array([1, 1, 1, 2, 3, 5, 7, 15, 20, 20, 25]) / 100}
SCALES = {
    "quality": ["qual1", "qual2", "qual3", "qual4"],
    "loyalty": ["loy1", "loy2", "loy3", "loy4"],
}


def _groups(probs: np.ndarray) -> list[float]:
    """Shares of promoters, passives and detractors."""
    return [probs[9:].sum(), probs[7:9].sum(), probs[:7].sum()]


@cache
def _replay(satisfaction_probs=SATISFACTION_PROBS, n_sim: int = 100, loadings=LOADINGS):
    """The notebook's random draws in order, with one setting changed."""
    rng = np.random.default_rng(2026)
    n = 100
    effort = np.array([3, 5, 7, 15, 25, 25, 20]) / 100
    survey = pd.DataFrame(
        {
            "likelihood_to_recommend": rng.choice(11, size=n, p=ANSWER_PROBS),
            "satisfaction": rng.choice([1, 2, 3, 4, 5], size=n, p=list(satisfaction_probs)),
            "customer_effort": rng.choice(np.arange(1, 8), size=n, p=effort),
        }
    )
    counts = rng.multinomial(n_sim, _groups(ANSWER_PROBS), size=10_000)
    simulated_nps = 100 * (counts[:, 0] - counts[:, 2]) / n_sim
    stores = pd.concat(
        [
            pd.DataFrame({"store": name, "likelihood_to_recommend": rng.choice(11, size=150, p=p)})
            for name, p in STORE_PROBS.items()
        ],
        ignore_index=True,
    )
    for probs in STORE_PROBS.values():  # the power simulation of section 3
        rng.multinomial(150, _groups(probs), size=10_000)
    loadings = np.asarray(loadings)
    traits = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], size=300)

    def items_for(trait, prefix):
        noise = rng.normal(size=(len(trait), 4)) * np.sqrt(1 - loadings**2)
        continuous = trait[:, None] * loadings + noise
        return pd.DataFrame(
            np.digitize(continuous, [-1.5, -0.5, 0.5, 1.5]) + 1,
            columns=[f"{prefix}{j}" for j in range(1, 5)],
        )

    scale_survey = pd.concat(
        [items_for(traits[:, 0], "qual"), items_for(traits[:, 1], "loy")], axis=1
    )
    return survey, simulated_nps, stores, traits, scale_survey


def _wilson(p: float, n: int, z: float = 1.96) -> tuple[float, float]:
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


@prompt(
    "1ebb832c",
    check=lambda r: (
        r["csat"] >= 90
        and r["side_towards_100"] < 0.5 * r["side_towards_0"]
        and r["exact_95_side_towards_100"] < 0.5 * r["exact_95_side_towards_0"]
    ),
)
def wilson_near_100():
    """Make 95% of customers satisfied and look at the two sides of the Wilson interval.

    **What to change.** In the survey cell, for example
    ``p=[0.01, 0.01, 0.03, 0.40, 0.55]`` for the satisfaction answers 1 to 5 (4 and 5,
    the top two boxes, now have 95%), then rerun the CSAT cells.

    **What comes out.** The interval is not wider on the side towards 100%; it is much
    *narrower*. After a clean run the sample's CSAT is 97% with a Wilson interval of
    91.5% to 99.0%: 2.0 points above the estimate, 5.5 below, the lower side almost
    three times as long. For an exact 95 out of 100 the interval is 88.8% to 97.8%
    (2.8 points up, 6.2 down).

    **Why.** A share cannot pass 100%, and near the edge its sampling distribution is
    skewed towards the middle. The Wilson interval (Wilson 1927) follows that: it is
    centred not on the estimate but on a point pulled towards 50%, so it is lopsided,
    short on the side of the wall. The symmetric Wald interval, p ± 1.96·SE, would run to
    99.3% here and, for a sample with 99 of 100 satisfied, past 100%: the reason the
    course uses Wilson (Agresti & Caffo 2000 discuss such intervals).
    """
    survey = _replay(satisfaction_probs=(0.01, 0.01, 0.03, 0.40, 0.55))[0]
    row = cx.csat(survey).iloc[0]
    low, high = _wilson(0.95, 100)
    return {
        "csat": float(row["csat"]),
        "ci_low": float(row["ci_low"]),
        "ci_high": float(row["ci_high"]),
        "side_towards_100": float(row["ci_high"] - row["csat"]),
        "side_towards_0": float(row["csat"] - row["ci_low"]),
        "exact_95_side_towards_100": float(100 * (high - 0.95)),
        "exact_95_side_towards_0": float(100 * (0.95 - low)),
    }


@prompt(
    "c7ce302d",
    check=lambda r: (
        abs(r["analytic_se_400"] / r["analytic_se_100"] - 0.5) < 1e-12
        and abs(r["simulated_sd_400"] / r["simulated_sd_100"] - 0.5) < 0.03
    ),
)
def nps_standard_error_at_400():
    """Repeat the NPS simulation with 400 answers per survey.

    **What to change.** ``n = 400`` in the simulation cell (``rng.multinomial(n, ...)``
    and the formula's standard error).

    **What comes out.** The formula's standard error falls from 7.92 to 3.96 points, and
    the spread of the 10,000 simulated NPS values from about 7.99 to 3.95: both halve.

    **Why.** The standard error of a share, and of a difference of two shares such as
    NPS, is proportional to 1/sqrt(n). Four times the answers gives sqrt(4) = 2 times
    the precision, so to halve the margin of error you need four times the sample,
    which is the rule behind ``cx.nps_sample_size`` later in the notebook.
    """
    p_p, _, p_d = _groups(ANSWER_PROBS)
    se = {n: 100 * np.sqrt((p_p + p_d - (p_p - p_d) ** 2) / n) for n in (100, 400)}
    return {
        "analytic_se_100": float(se[100]),
        "analytic_se_400": float(se[400]),
        "simulated_sd_100": float(_replay()[1].std()),
        "simulated_sd_400": float(_replay(n_sim=400)[1].std()),
    }


@prompt(
    "700e6369",
    check=lambda r: (
        r["same_estimate_se_statistic_p"] == 1
        and r["ci_low_90"] > r["ci_low_95"]
        and r["ci_high_90"] < r["ci_high_95"]
    ),
)
def nps_test_at_90_percent():
    """Run ``cx.nps_test`` on the two stores with ``ci=0.9``.

    **What comes out.** Only the interval of the difference changes: from 3.7 to 38.5
    points (95%) to 6.5 to 35.7 points (90%). The difference (21.3 points), its
    standard error (8.88), the z statistic (2.38) and the p-value (0.017) stay the same.

    **Why.** ``ci`` only sets how many standard errors the interval reaches out:
    1.645 instead of 1.96. The test of "no difference" does not depend on it, which is
    also why a 90% interval can exclude zero while the two-sided p-value is above 0.05;
    they match at the 10% level, not the 5% one.
    """
    stores = _replay()[2]
    t95 = cx.nps_test(stores, by="store").iloc[0]
    t90 = cx.nps_test(stores, by="store", ci=0.9).iloc[0]
    same = all(
        abs(t95[c] - t90[c]) < 1e-12 for c in ["estimate", "std_error", "statistic", "p_value"]
    )
    return {
        "difference": float(t95["estimate"]),
        "p_value": float(t95["p_value"]),
        "ci_low_95": float(t95["ci_low"]),
        "ci_high_95": float(t95["ci_high"]),
        "ci_low_90": float(t90["ci_low"]),
        "ci_high_90": float(t90["ci_high"]),
        "same_estimate_se_statistic_p": int(same),
    }


@prompt(
    "b13673b7",
    check=lambda r: (
        r["p_satisfaction_competition"] < 0.001
        and r["p_satisfaction_alone"] > 0.05
        and abs(r["r2_satisfaction_competition"] - r["r2_nps_competition"]) < 0.01
    ),
)
def satisfaction_with_competition():
    """Replace ``nps`` by ``satisfaction`` in the return model with competition.

    **What to change.** ``smf.ols("return_rate ~ satisfaction + competition", stores)``.

    **What comes out.** Yes. Alone, store mean satisfaction hardly predicts the return
    rate (slope 0.045, p = 0.25, R² 0.02); with competition in the model its slope is
    0.082 per scale point with p < 0.001, and R² rises to 0.90, the same as the NPS
    model's 0.90.

    **Why.** Competition drives most of the differences in return rates between stores
    and is nearly unrelated to satisfaction, so it adds noise that hides the effect;
    once it is held fixed the effect of experience shows. Across the 60 stores, NPS and
    mean satisfaction correlate 0.99: they are two readings of the same experience, which
    is why the NPS model had nothing more to offer (Keiningham et al. 2007).
    """
    panel = cx.simulate_panel(3_000, 8, n_stores=60, seed=2003)
    later = panel[["customer_id", "period", "spend"]].assign(period=panel["period"] - 1)
    panel = panel.merge(later.rename(columns={"spend": "spend_next"}), on=["customer_id", "period"])
    store_nps = cx.nps(panel, score="likelihood_to_recommend", by="store_id")[["store_id", "nps"]]
    stores = (
        panel.groupby("store_id")
        .agg(
            competition=("competition", "mean"),
            satisfaction=("satisfaction", "mean"),
            return_rate=("returned_next", "mean"),
        )
        .reset_index()
        .merge(store_nps, on="store_id")
    )
    with_sat = smf.ols("return_rate ~ satisfaction + competition", stores).fit()
    alone = smf.ols("return_rate ~ satisfaction", stores).fit()
    with_nps = smf.ols("return_rate ~ nps + competition", stores).fit()
    return {
        "slope_satisfaction_competition": float(with_sat.params["satisfaction"]),
        "p_satisfaction_competition": float(with_sat.pvalues["satisfaction"]),
        "r2_satisfaction_competition": float(with_sat.rsquared),
        "p_satisfaction_alone": float(alone.pvalues["satisfaction"]),
        "r2_nps_competition": float(with_nps.rsquared),
        "corr_nps_satisfaction": float(stores["nps"].corr(stores["satisfaction"])),
    }


def _reliability_section(loadings) -> dict[str, float]:
    _, _, _, traits, scale_survey = _replay(loadings=loadings)
    table = cx.reliability_table(scale_survey, constructs=SCALES).set_index("construct")
    sums = pd.DataFrame({k: scale_survey[v].sum(axis=1) for k, v in SCALES.items()})
    return {
        "alpha": float(table.loc["quality", "alpha"]),
        "rho_c": float(table.loc["quality", "rho_c"]),
        "ave": float(table.loc["quality", "ave"]),
        "trait_r": float(np.corrcoef(traits, rowvar=False)[0, 1]),
        "sum_score_r": float(sums.corr().iloc[0, 1]),
        "htmt": float(cx.htmt(scale_survey, constructs=SCALES)["htmt"].item()),
    }


@prompt(
    "1e2a2f88",
    check=lambda r: (
        r["alpha_09"] > 0.9 > 0.72 > r["alpha"]
        and r["ave_09"] > 0.7 > 0.5 > r["ave"]
        and 0.6 - r["sum_score_r_09"] < 0.5 * (0.6 - r["sum_score_r"])
    ),
)
def reliability_with_strong_loadings():
    """Set every loading to 0.9 and run the reliability section again.

    **What to change.** ``loadings = np.array([0.9, 0.9, 0.9, 0.9])``, then rerun the
    section (the numbers below are from a clean run from the top).

    **What comes out.** For the quality scale alpha rises from 0.71 to 0.92, rho_c from
    0.72 to 0.92 and AVE from 0.40 to 0.75, now clearly above 0.5. The sum-score
    correlation rises from 0.43 to 0.53, so its gap to 0.6 shrinks from 0.17 to 0.07;
    HTMT stays near the traits' correlation (0.58).

    **Why.** With equal loadings the items are "tau-equivalent", the case in which
    alpha equals the reliability, so alpha and rho_c now agree. The true reliability of
    four items loading 0.9 is 3.6² / (3.6² + 4 × 0.19) = 12.96 / 13.72 = 0.94; the five
    answer boxes cost a little of it. AVE is the mean squared loading,
    0.81 in theory. The attenuation factor sqrt(rho_1 rho_2) rises from about 0.75 to
    about 0.92 (Spearman 1904), so less of the 0.6 is lost; some gap remains because
    this sample's traits correlate only 0.59 and the answers are coarse.
    """
    base = _reliability_section(LOADINGS)
    strong = _reliability_section((0.9, 0.9, 0.9, 0.9))
    return {**base, **{f"{k}_09": v for k, v in strong.items()}}


PROMPTS = collect(globals())
