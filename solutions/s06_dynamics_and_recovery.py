"""Worked solutions for notebook 06-dynamics-and-recovery."""

import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

import cxresearch as cx

OTHERS = ["social", "crowding", "atmosphere", "assortment", "price", "channel", "brand"]


def ex_06_1():
    """Within estimator of the carryover with the simple formula (customer-demeaned OLS)."""
    panel = cx.load_dataset("retail_panel")
    formula = (
        "cx ~ cx_lag + social + crowding + service + atmosphere + assortment + price"
        " + channel + brand"
    )
    model = smf.ols(formula, panel)
    X = pd.DataFrame(model.exog, columns=model.exog_names).drop(columns="Intercept")
    y = pd.Series(model.endog)
    ids = panel["customer_id"].to_numpy()
    fit = sm.OLS(y - y.groupby(ids).transform("mean"), X - X.groupby(ids).transform("mean")).fit()
    return round(float(fit.params["cx_lag"]), 4)


def ex_06_2():
    """Nickell's approximation for a pure AR(1): -(1 + rho) / (T - 1)."""
    rho, periods = 0.4, 4
    return round(-(1 + rho) / (periods - 1), 4)


def ex_06_3():
    """Random intercepts need the customer effect to be unrelated to the drivers."""
    return "b"


def ex_06_4():
    """Net log-odds of a well-recovered complaint: complained + recovered_well."""
    res = cx.fit_drivers(
        cx.load_dataset("retail_panel"),
        "returned_next ~ satisfaction * competition + complained + recovered_well",
        family="logit",
    )
    t = res.table.set_index("term")["estimate"]
    return round(float(t["complained[T.True]"] + t["recovered_well[T.True]"]), 4)


def ex_06_5():
    """Indirect effect a*b of service on return through satisfaction, first quarter."""
    panel = cx.load_dataset("retail_panel")
    first = panel[panel["period"] == 1].reset_index(drop=True)
    first["returned"] = first["returned_next"].astype(int)
    res = cx.mediation_analysis(
        first, x="service", m="satisfaction", y="returned", covariates=OTHERS, n_boot=100,
        seed=1, as_numeric=["returned"],
    )  # fmt: skip
    return round(float(res.table.set_index("term").loc["indirect", "estimate"]), 4)


def _recovery_paths(data):
    """a1, a3 and b of model 7 by two OLS fits (section 4)."""
    path_m = smf.ols("satisfaction ~ recovery_effort * prior_experience", data=data).fit()
    path_y = smf.ols("loyalty ~ recovery_effort + satisfaction", data=data).fit()
    a1 = path_m.params["recovery_effort"]
    a3 = path_m.params["recovery_effort:prior_experience"]
    return a1, a3, path_y.params["satisfaction"]


def ex_06_6():
    """Conditional indirect effect at prior experience 2 SD above the mean: (a1 + 2 a3) b."""
    a1, a3, b = _recovery_paths(cx.simulate_recovery(1_000, seed=1999).data)
    return round(float((a1 + a3 * 2) * b), 4)


def ex_06_7():
    """Index of moderated mediation a3 * b on a new sample of 5,000 customers."""
    _, a3, b = _recovery_paths(cx.simulate_recovery(5_000, seed=11).data)
    return round(float(a3 * b), 4)
