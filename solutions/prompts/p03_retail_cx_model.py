"""Worked solutions to the "Check it yourself" prompts of notebook 03-retail-cx-model."""

from __future__ import annotations

import dataclasses

import statsmodels.formula.api as smf
from _prompt import collect, prompt

import cxresearch as cx
from cxresearch.simulate import CX_FORMULA, RetailParams, simulate_panel


@prompt("fcac5e35", check=lambda r: r["largest_difference"] < 1e-12)
def disconfirmation_identity():
    """Confirm that ``disconfirmation`` is performance minus expectation.

    **What to run.** The cell under the prompt:
    ``(panel["cx"] - panel["expectation"] - panel["disconfirmation"]).abs().max()``.

    **What comes out.** 0: the largest difference over the 24,000 visits is below
    1e-12 (the cell prints 0.000000).

    **Why.** In the expectancy–disconfirmation paradigm (Oliver 1980) the customer
    compares what she got with what she expected: disconfirmation is the gap
    ``performance - expectation``, positive when the visit beats the expectation. The
    simulator computes it exactly that way, with the latent experience ``cx`` as the
    performance, so the identity holds row by row. In a real survey neither ``cx`` nor
    the expectation is observed; disconfirmation is then asked directly ("better or
    worse than expected?"), and the identity can only hold approximately.
    """
    panel = simulate_panel(3_000, 8, seed=2009)
    gap = (panel["cx"] - panel["expectation"] - panel["disconfirmation"]).abs().max()
    return {"largest_difference": float(gap), "n_visits": len(panel)}


@prompt(
    "a98794a1",
    check=lambda r: (
        abs(r["utilitarian_carry_07"] - r["utilitarian_carry_04"]) < 0.01
        and abs(r["hedonic_045_carry_07"] - r["hedonic_045_carry_04"]) < 0.01
        and abs(r["hedonic_045_carry_07"] - 0.20) < 0.02
        and abs(r["cx_lag_carry_07"] - 0.7) < 0.02
        and r["cx_sd_carry_07"] > 1.5 * r["cx_sd_carry_04"]
    ),
)
def carryover_does_not_move_crowding():
    """Change ``carryover`` to 0.7 in a copy of the moderator cell.

    **What to change.** ``dataclasses.replace(params, crowding_x_hedonic=strength,
    carryover=0.7)`` inside the loop (two strengths, 0 and 0.45, are enough).

    **What comes out.** The crowding slopes stay where they were: about -0.265 for
    utilitarian shoppers and -0.254 / 0.198 for hedonic shoppers at strengths 0 / 0.45,
    to the third decimal the same as with carryover 0.4. What changes is the
    ``cx_lag`` coefficient, now 0.70 instead of 0.40, and the spread of the experience:
    its standard deviation rises from 1.39 to 2.43.

    **Why.** The full formula contains ``cx_lag``, so each slope is the effect of one
    visit's crowding holding last quarter's experience fixed; carryover multiplies
    last quarter's experience, not this visit's determinants. A higher carryover makes
    past experiences echo longer (by 1/(1 - 0.7) instead of 1/(1 - 0.4) in the long
    run), hence the larger spread; it does not change how a single visit's crowding is
    weighed. The experience is cumulative (Verhoef et al. 2009), the weights are not.
    """
    params = RetailParams()
    out = {}
    for carry in [params.carryover, 0.7]:
        tag = f"carry_{str(carry).replace('.', '')}"
        for strength in [0.0, 0.45]:
            varied = dataclasses.replace(params, crowding_x_hedonic=strength, carryover=carry)
            data = simulate_panel(2_000, 6, params=varied, seed=7)
            fit = smf.ols(CX_FORMULA, data=data).fit()
            name = f"{str(strength).replace('.', '')}_{tag}"
            out[f"hedonic_{name}"] = float(
                fit.params["crowding"] + fit.params["crowding:goal[T.hedonic]"]
            )
            if strength == 0.45:
                out[f"utilitarian_{tag}"] = float(fit.params["crowding"])
                out[f"cx_lag_{tag}"] = float(fit.params["cx_lag"])
                out[f"cx_sd_{tag}"] = float(data["cx"].std())
    return out


@prompt(
    "10baf540",
    check=lambda r: (
        r["prevention_expected"] > r["recovery_expected"] > 0
        and r["prevention_observed"] > r["recovery_observed"]
        and r["net_recovered_log_odds"] < 0
    ),
)
def weak_recovery_paradox():
    """Run ``cx.complaint_levers`` with a weak recovery effect (``return_recovered=0.3``).

    **What to run.** ``cx.complaint_levers(20_000, 4, seed=13,
    params={"return_recovered": 0.3})``.

    **What comes out.** Prevention now wins: it raises the return rate by 0.17
    percentage points (0.19 expected), recovery by only 0.05 (0.06 expected). With the
    default strong paradox it was the other way round (prevention -0.02, recovery
    +0.15).

    **Why.** A complaint not put right lowers the log-odds of returning by 0.5; a good
    recovery now adds back only 0.3. Its net effect, -0.2, is below zero: even a
    well-handled complaint leaves the customer less likely to return than one who never
    complained. So every complaint avoided saves a loss, while better recovery only
    shrinks the loss of the complaints that still happen. With the default 1.0 the net
    effect was +0.5 (the recovery paradox), which made a recovered complaint better than
    none and prevention useless. The meta-analysis of de Matos, Henrique & Rossi (2007)
    finds the paradox for satisfaction but rarely for repurchase, so the weak version
    may be the more realistic one.
    """
    levers = cx.complaint_levers(20_000, 4, seed=13, params={"return_recovered": 0.3})
    lever = levers.set_index("scenario")
    params = RetailParams()
    return {
        "prevention_observed": float(100 * lever.loc["prevention", "return_change"]),
        "prevention_expected": float(100 * lever.loc["prevention", "expected_return_change"]),
        "recovery_observed": float(100 * lever.loc["recovery", "return_change"]),
        "recovery_expected": float(100 * lever.loc["recovery", "expected_return_change"]),
        "net_recovered_log_odds": float(params.return_complained + 0.3),
    }


PROMPTS = collect(globals())
