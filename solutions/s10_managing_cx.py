"""Worked solutions for notebook 10-managing-cx."""

import dataclasses

import cxresearch as cx
from cxresearch.simulate import RetailParams, simulate_panel


def ex_10_1():
    """Elements whose methods are taught in another notebook."""
    elements = cx.load_dataset("cx_strategy_elements")
    return int((elements["related_notebook"] != "10-managing-cx").sum())


def ex_10_2():
    """NPS difference, specialty minus discounter, in the last quarter of the chain."""
    panel = simulate_panel(3_000, 8, seed=10)
    latest = panel[panel["period"] == 8]
    test = cx.nps_test(
        latest,
        score="likelihood_to_recommend",
        by="store_type",
        levels=["discounter", "specialty"],
    )
    return round(float(test["estimate"].iloc[0]), 4)


def ex_10_3():
    """Share of complaints recovered well with better complaint handling."""
    params = dataclasses.replace(RetailParams(), recovery_intercept=1.3)
    panel = simulate_panel(3_000, 8, params=params, seed=10)
    return round(float(panel.loc[panel["complained"], "recovered_well"].mean()), 4)


def ex_10_4():
    """Answers needed for an NPS margin of +/- 10 points."""
    return cx.nps_sample_size(10, p_promoters=0.35, p_detractors=0.30)


def ex_10_5():
    """Turning the worst moment into the best raises the peak-end memory most (one peak each)."""
    journey = cx.example_journey()

    def remembered(data):
        return float(cx.peak_end(data, score="feeling", by=None, order="step")["peak_end"].iloc[0])

    options = {
        "a": journey.assign(
            feeling=journey["feeling"].where(journey["step"] == 8, journey["feeling"] + 0.8)
        ),
        "b": journey.assign(feeling=journey["feeling"].where(journey["step"] != 8, 3)),
        "c": journey.assign(feeling=journey["feeling"].where(journey["step"] != 5, 2)),
    }
    for data in options.values():  # exactly one most intense moment: no tie at the peak
        intensity = data["feeling"].abs()
        assert (intensity == intensity.max()).sum() == 1
    scores = {letter: remembered(data) for letter, data in options.items()}
    best = max(scores, key=scores.get)
    assert sorted(scores.values())[-2] < scores[best], scores  # a clear winner, not a tie
    # the plain mean would pick (a): the question is about memory, not the average
    assert max(options, key=lambda k: options[k]["feeling"].mean()) == "a"
    return best


def ex_10_6():
    """Long-run share of library members with better experience and win-back."""
    join, stay, win_back, drift = 0.04, 0.85, 0.15, 0.05
    transition = [
        [1 - join, join, 0.0],
        [0.0, stay, 1 - stay],
        [drift, win_back, 1 - win_back - drift],
    ]
    chain = cx.check_transition_matrix(transition, states=["non-user", "member", "former member"])
    long_run = cx.stationary_distribution(chain).set_index("state")["probability"]
    return round(float(long_run["member"]), 4)
