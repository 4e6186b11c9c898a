"""Worked solutions for notebook 03-retail-cx-model."""

import dataclasses

from cxresearch.simulate import RetailParams, simulate_panel, truth


def ex_03_1():
    """True crowding slope for hedonic shoppers: main effect plus interaction."""
    t = truth(outcome="cx").set_index("term")["estimate"]
    return round(float(t["crowding"] + t["crowding:goal[T.hedonic]"]), 4)


def ex_03_2():
    """Share of complaints recovered well."""
    panel = simulate_panel(2_000, 6, seed=3)
    return round(float(panel.loc[panel["complained"], "recovered_well"].mean()), 4)


def ex_03_3():
    """Correlation of CX with its lag when the carryover is switched off."""
    params = dataclasses.replace(RetailParams(), carryover=0.0)
    panel = simulate_panel(2_000, 6, params=params, seed=3)
    return round(float(panel["cx"].corr(panel["cx_lag"])), 4)


def ex_03_4():
    """Customer fixed effects in a short panel bias the carryover downwards (Nickell 1981)."""
    return "c"
