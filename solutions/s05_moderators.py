"""Worked solutions for notebook 05-moderators."""

import cxresearch as cx
from cxresearch.simulate import CX_FORMULA


def _fit():
    """The panel and full CX model of section 2 of the notebook."""
    panel = cx.simulate_panel(3_000, 4, seed=5)
    return cx.fit_drivers(panel, CX_FORMULA, cluster="customer_id")


def ex_05_1():
    """True atmosphere slope in a specialty store: main effect plus interaction."""
    t = cx.truth(outcome="cx").set_index("term")["estimate"]
    return round(float(t["atmosphere"] + t["atmosphere:store_type[T.specialty]"]), 4)


def ex_05_2():
    """Estimated simple slope of service for a customer aged 70."""
    slopes = cx.simple_slopes(_fit(), focal="service", moderator="age", at=[70])
    return round(float(slopes["estimate"].iloc[0]), 4)


def ex_05_3():
    """Centring age moves the service main effect (and the intercept), not service:age."""
    return "b"


def ex_05_4():
    """Johnson-Neyman: where the service effect stops being significantly positive."""
    jn = cx.johnson_neyman(_fit(), focal="service", moderator="tech_readiness")
    positive = jn.table[jn.table["sign"] == "positive"]
    return round(float(positive["high"].iloc[0]), 3)


def ex_05_5():
    """Smallest study in the grid with power of at least 0.8 for crowding x hedonic = 0.15."""
    from cxresearch.power import power_interaction

    res = power_interaction([200, 400, 800, 1600], effect=0.15, n_sims=100, seed=7, progress=False)
    return int(res.loc[res["power"] >= 0.8, "n_customers"].min())


def ex_05_6():
    """A pooled slope is a weighted average of the group slopes."""
    return "c"
