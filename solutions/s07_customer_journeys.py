"""Worked solutions for notebook 07-customer-journeys."""

import pandas as pd

from cxresearch.journey import (
    absorption_probabilities,
    example_journey,
    fundamental_matrix,
    journey_metrics,
    journey_transition_matrix,
    simulate_journeys,
)

STATES = ["aware", "consider", "evaluate", "buy", "lost"]


def ex_07_1():
    """Probability of buying from 'aware' after the better product page."""
    P = pd.DataFrame(
        [
            [0.3, 0.5, 0.0, 0.0, 0.2],
            [0.0, 0.3, 0.5, 0.0, 0.2],
            [0.0, 0.2, 0.1, 0.5, 0.2],
            [0.0, 0.0, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 1.0],
        ],
        index=STATES,
        columns=STATES,
    )
    return round(float(absorption_probabilities(P).loc["aware", "buy"]), 4)


def ex_07_2():
    """Expected purchases: the fundamental matrix summed over the purchase states."""
    chain = journey_transition_matrix(loop_back=0.8)
    n = fundamental_matrix(chain)
    purchase = [s for s in chain.index if s.startswith("purchase:")]
    return round(float(n.loc["pre_purchase:web", purchase].sum()), 4)  # 0.6 / (1 - 0.48)


def ex_07_3():
    """Funnel: m_t = m_0 (1 - d)^t."""
    return round(4 * (1 - 0.25) ** 6, 4)


def ex_07_4():
    """Showrooming share when customers switch channels freely."""
    mix = {"store": 0.35, "web": 0.3, "app": 0.15, "phone": 0.05, "social": 0.15}
    start = {f"pre_purchase:{c}": w for c, w in mix.items()}
    paths = simulate_journeys(
        journey_transition_matrix(stickiness=0.3), n_customers=4000, start=start, seed=11
    )
    metrics = journey_metrics(paths).set_index("metric")["estimate"]
    return round(float(metrics["showrooming"]), 4)


def ex_07_5():
    """Low involvement: the peripheral route, so the cue (the endorser) counts."""
    return "b"


def ex_07_6():
    """Brand-owned touchpoints with a negative feeling."""
    journey = example_journey()
    return int(((journey["owner"] == "brand_owned") & (journey["feeling"] < 0)).sum())
