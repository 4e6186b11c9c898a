"""Worked solutions to the "Check it yourself" prompts of notebook 06-dynamics-and-recovery."""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pandas as pd
import scipy.linalg
import statsmodels.api as sm
import statsmodels.formula.api as smf
from _prompt import collect, prompt

import cxresearch as cx
from cxresearch.simulate import CX_FORMULA, RetailParams, simulate_panel

NO_U = CX_FORMULA.replace(" + customer_effect", "")  # what a real analyst can fit
OTHERS = ["social", "crowding", "atmosphere", "assortment", "price", "channel", "brand"]


@cache
def _panel() -> pd.DataFrame:
    return cx.load_dataset("retail_panel")


def _design(data: pd.DataFrame, formula: str):
    """The notebook's ``design``: outcome and the linearly independent columns of X."""
    model = smf.ols(formula, data)
    X = pd.DataFrame(model.exog, columns=model.exog_names)
    X = X.loc[:, X.abs().max() > 0]
    _, r, pivot = scipy.linalg.qr(X.to_numpy(), mode="economic", pivoting=True)
    independent = np.abs(np.diag(r)) > 1e-9 * np.abs(r[0, 0])
    return pd.Series(model.endog), X.iloc[:, np.sort(pivot[independent])]


def _within_fit(data: pd.DataFrame, formula: str):
    """The notebook's ``within_fit``: OLS on customer-demeaned data, clustered SEs."""
    y, X = _design(data, formula)
    ids = data["customer_id"].to_numpy()
    y_within = y - y.groupby(ids).transform("mean")
    X_within = X - X.groupby(ids).transform("mean")
    X_within = X_within.loc[:, X_within.abs().max() > 1e-9]
    return sm.OLS(y_within, X_within).fit(cov_type="cluster", cov_kwds={"groups": ids})


@prompt(
    "7db7607d",
    slow=True,
    check=lambda r: (
        abs(r["lsdv_cx_lag"] - r["within_cx_lag"]) < 1e-9
        and abs(r["panelols_cx_lag"] - r["within_cx_lag"]) < 1e-9
        and r["n_dropped"] == 17
        and r["n_dropped_time_varying"] == 0
        and r["rank_warning"] == 1
    ),
)
def lsdv_and_drop_absorbed():
    """Least-squares dummy variables, and ``PanelOLS`` with every column of ``X``.

    **What to change.** ``smf.ols(no_u + " + C(customer_id)", panel).fit()`` (on this
    machine it takes tens of seconds, not a few: the design has 2,053 columns); then
    ``PanelOLS(y, X, entity_effects=True, drop_absorbed=True)`` with all 53 columns of
    ``X`` instead of ``X[fixed.params.index]``.

    **What comes out.** The LSDV ``cx_lag`` coefficient is 0.2435, the within estimate
    to within 1e-9 (only rounding differs). statsmodels warns that the design matrix is
    rank-deficient: expected, because the time-invariant columns are sums of customer
    dummies; the slopes of the columns that vary within customers are still
    identified. ``PanelOLS`` drops 17 columns and keeps 36 (the 35 slopes of the
    within fit, plus the intercept column of ``X``). It drops ``age``, ``tech_readiness``,
    ``price_consciousness``, ``competition``, ``prior_expectation``,
    ``task_orientation``, and the dummies of ``goal``, ``region``, ``store_type``,
    ``multichannel``, ``gender`` and ``location``. Its ``cx_lag`` is again 0.2435.

    **Why.** By the Frisch–Waugh–Lovell theorem, a regression with one dummy per customer
    gives the same slopes as a regression on data with each customer's mean removed:
    the dummies do exactly the demeaning. The dropped columns are the ones that never
    change within a customer; after demeaning they are zero, and in LSDV they are
    linear combinations of the customer dummies ("absorbed"). Fixed effects therefore
    cannot estimate the effect of anything constant within a customer: that is the price
    of removing the lasting customer effect.
    """
    panel = _panel()
    fixed = _within_fit(panel, NO_U)
    from linearmodels.panel import PanelOLS

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lsdv = smf.ols(NO_U + " + C(customer_id)", panel).fit()
        y, X = _design(panel, NO_U)
        index = pd.MultiIndex.from_frame(panel[["customer_id", "period"]])
        library = PanelOLS(
            y.set_axis(index), X.set_axis(index), entity_effects=True, drop_absorbed=True
        ).fit()
    names = {type(w.message).__name__ for w in caught}
    dropped = sorted(set(X.columns) - set(library.params.index))
    varies = X[dropped].groupby(panel["customer_id"].to_numpy()).nunique().gt(1).any()
    return {
        "within_cx_lag": float(fixed.params["cx_lag"]),
        "lsdv_cx_lag": float(lsdv.params["cx_lag"]),
        "panelols_cx_lag": float(library.params["cx_lag"]),
        "n_columns": len(X.columns),
        "n_dropped": len(dropped),
        "n_dropped_time_varying": int(varies.sum()),
        "rank_warning": int("SingularMatrixWarning" in names),
    }


@prompt(
    "05f4e5b5",
    check=lambda r: (
        all(abs(r[f"pooled_no_u_T{t}"] - 0.4) < 0.02 for t in (4, 6, 20))
        and all(r[f"pooled_T{t}"] > 0.55 for t in (4, 6, 20))
        and all(abs(r[f"fe_no_u_T{t}"] - r[f"fe_T{t}"]) < 1e-4 for t in (4, 6, 20))
        and r["fe_no_u_T4"] < r["fe_no_u_T6"] < r["fe_no_u_T20"] < 0.4
    ),
)
def nickell_without_customer_effect(periods=(4, 6, 20)):
    """Rerun the panel-length simulation with no lasting customer effect.

    **What to change.** ``simulate_panel(1_500, n_periods, seed=600 + n_periods,
    params=RetailParams(customer_effect_sd=0.0))`` (three of the lengths are enough:
    4, 6 and 20 quarters).

    **What comes out.** Pooled OLS now lands on the truth: 0.40 at every length (it was
    about 0.57 to 0.58). The fixed-effects estimates do not move at all: 0.160, 0.244
    and 0.364, the same as with the customer effect, still short of 0.4.

    **Why.** Pooled OLS was biased only because the omitted customer effect ``u_i`` sat
    in the error and also raised ``cx_lag``; with no ``u_i`` there is nothing to omit.
    The within estimator subtracts each customer's mean, which removes ``u_i`` whatever
    its size, so setting it to zero changes nothing it sees (the simulator draws every
    other random number from its own stream, so the rest of the data is the same). Its
    bias has another source: the customer mean of the lag contains the shocks of the
    same quarters as the outcome (Nickell 1981). So in a panel without lasting
    differences between customers, fixed effects would be the worse choice; the
    trouble is that real data never tell you that ``u_i`` is absent.
    """
    out = {}
    for tag, params in [("", RetailParams()), ("_no_u", RetailParams(customer_effect_sd=0.0))]:
        for n_periods in periods:
            sim = simulate_panel(1_500, n_periods, seed=600 + n_periods, params=params)
            y, X = _design(sim, NO_U)
            out[f"pooled{tag}_T{n_periods}"] = float(sm.OLS(y, X).fit().params["cx_lag"])
            out[f"fe{tag}_T{n_periods}"] = float(_within_fit(sim, NO_U).params["cx_lag"])
    return out


@prompt(
    "c0325e9c",
    check=lambda r: (
        r["complained_without"] < 1.5 * r["complained_with"]
        and abs(r["recovered_without"] - r["recovered_with"]) < 0.1
        and r["satisfaction_complainers"] < r["satisfaction_others"] - 1
    ),
)
def recovery_logit_without_satisfaction():
    """Fit the return logit without satisfaction and its interaction.

    **What to change.** ``cx.fit_drivers(panel, "returned_next ~ competition + complained
    + recovered_well", family="logit", cluster="customer_id")``.

    **What comes out.** The ``complained`` coefficient doubles in size, from -0.65 to
    -1.30 log-odds (true value -0.5), while ``recovered_well`` barely moves (1.19 to
    1.13).

    **Why.** Omitted-variable bias. Complaints follow bad visits: complainers report a
    mean satisfaction of 4.1 against 5.5 for the others, and satisfaction raises the
    chance of returning. Without satisfaction in the model, ``complained`` carries both
    its own effect and the effect of the low satisfaction that comes with it. With
    satisfaction held fixed the model compares like with like, which is why the paradox
    is tested in the full model (McCollough & Bharadwaj 1992; Smith & Bolton 1998).
    ``recovered_well`` is compared among complainers, whose satisfaction differs less by
    recovery, so it changes little.
    """
    panel = _panel()
    out = {}
    for tag, formula in [
        ("with", "returned_next ~ satisfaction * competition + complained + recovered_well"),
        ("without", "returned_next ~ competition + complained + recovered_well"),
    ]:
        fit = cx.fit_drivers(panel, formula, family="logit", cluster="customer_id")
        t = fit.table.set_index("term")["estimate"]
        out[f"complained_{tag}"] = float(t["complained[T.True]"])
        out[f"recovered_{tag}"] = float(t["recovered_well[T.True]"])
    by_complaint = panel.groupby("complained")["satisfaction"].mean()
    out["satisfaction_complainers"] = float(by_complaint[True])
    out["satisfaction_others"] = float(by_complaint[False])
    return out


@prompt(
    "a0d2f25a",
    check=lambda r: (
        r["indirect_with_cx"] < 0.1 * r["indirect"]
        and r["a_with_cx"] < 0.25 * r["a"]
        and r["b_with_cx"] < 0.3 * r["b"]
    ),
)
def mediation_controlling_for_cx():
    """Add the latent experience ``cx`` as a covariate of the intention mediation.

    **What to change.** ``covariates=[*others, "cx"]`` in the last cell (outcome
    ``repurchase_intention``, ``n_boot=5_000, seed=1992``).

    **What comes out.** The indirect effect collapses from 0.195 (interval 0.157 to
    0.235) to 0.007 (interval 0.001 to 0.015): 96% of it is gone. Both of its parts
    shrink: ``a`` (satisfaction on service) from 0.365 to 0.056 and ``b`` (intention on
    satisfaction) from 0.535 to 0.129.

    **Why.** In the simulator the experience ``cx`` is the common cause: service raises
    ``cx``, and ``cx`` raises both satisfaction and intention; satisfaction itself has no
    arrow to intention (``cx.truth(outcome="repurchase_intention")``). Holding ``cx``
    fixed closes that back-door path, and the spurious "mediation" disappears; what
    remains is small and comes from parts of satisfaction and intention that ``cx``
    alone does not capture (disconfirmation, a second cause of intention). The test
    needs ``cx``, a latent variable no survey records: in real data the common cause is
    unobserved, which is why mediation claims rest on design and theory, not on the
    regression arithmetic (Zhao, Lynch & Chen 2010).
    """
    panel = _panel()
    last = panel[panel["period"] == 6].reset_index(drop=True)
    out = {}
    for tag, covariates in [("", OTHERS), ("_with_cx", [*OTHERS, "cx"])]:
        med = cx.mediation_analysis(
            last,
            x="service",
            m="satisfaction",
            y="repurchase_intention",
            covariates=covariates,
            n_boot=5_000,
            seed=1992,
        )
        t = med.table.set_index("term")
        out[f"indirect{tag}"] = float(t.loc["indirect", "estimate"])
        out[f"indirect{tag}_ci_low"] = float(t.loc["indirect", "ci_low"])
        out[f"indirect{tag}_ci_high"] = float(t.loc["indirect", "ci_high"])
        out[f"a{tag}"] = float(t.loc["a", "estimate"])
        out[f"b{tag}"] = float(t.loc["b", "estimate"])
    return out


@prompt(
    "53594fd3",
    check=lambda r: (
        abs(r["indirect_model_4"] - r["indirect_at_mean"]) < 0.02
        and r["indirect_at_plus_1"] - r["indirect_at_minus_1"] > 0.2
        and r["index_ci_low"] > 0
    ),
)
def model_4_without_the_moderator():
    """Fit the recovery data with ``model=4`` (simple mediation, no moderator).

    **What to run.** ``cx.conditional_process(recovery, model=4, x="recovery_effort",
    m="satisfaction", y="loyalty", n_boot=2_000, seed=2007)``.

    **What comes out.** One indirect effect, 0.301 (95% interval 0.252 to 0.351), almost
    the conditional indirect effect at the mean of prior experience in model 7 (0.305,
    0.259 to 0.350). The direct effect is the same in both (0.151), because the
    moderator acts only on the first path.

    **What the single number hides.** Model 7 shows that the effect of recovery effort
    through satisfaction depends on the customer's history: 0.17 one SD below the mean,
    0.44 one SD above, and about zero two SD below (index of moderated mediation 0.135,
    interval 0.100 to 0.173). Model 4 reports the average of that line, which is right
    for the average customer and wrong for almost everyone else; a manager would spend
    the same effort on customers for whom it does nothing. The index, not a comparison of
    two significant effects, is the test of whether the indirect effect differs (Hayes
    2013 describes both models and the index).
    """
    sim = cx.simulate_recovery(1_000, seed=1999)
    common = dict(x="recovery_effort", m="satisfaction", y="loyalty", n_boot=2_000, seed=2007)
    fit_4 = cx.conditional_process(sim.data, model=4, **common)
    fit_7 = cx.conditional_process(
        sim.data,
        model=7,
        w="prior_experience",
        at={"prior_experience": [-1.0, 0.0, 1.0]},
        **common,
    )
    t4 = fit_4.table.set_index("component")
    t7 = fit_7.table
    indirect = t7[t7["component"] == "indirect"].set_index("w")["estimate"]
    index = t7.set_index("component").loc["index"]
    return {
        "indirect_model_4": float(t4.loc["indirect", "estimate"]),
        "indirect_at_mean": float(indirect[0.0]),
        "indirect_at_minus_1": float(indirect[-1.0]),
        "indirect_at_plus_1": float(indirect[1.0]),
        "direct_model_4": float(t4.loc["direct", "estimate"]),
        "index_ci_low": float(index["ci_low"]),
    }


PROMPTS = collect(globals())
