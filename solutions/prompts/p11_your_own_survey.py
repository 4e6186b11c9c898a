"""Worked solutions to the "Check it yourself" prompts of notebook 11-your-own-survey."""

from __future__ import annotations

from _prompt import collect, prompt

import cxresearch as cx


@prompt("23b8f2e4", check=lambda r: abs(r["alpha_labels"] - r["alpha_codes"]) < 1e-12)
def alpha_from_labels_and_codes():
    """Compare Cronbach's alpha from the labelled answers with alpha from their codes.

    **What to run.** ``cx.cronbach_alpha(survey.as_codes(), items=service)`` next to the
    value the notebook printed from ``survey.data`` (whose answers are labels such as
    "Somewhat agree").

    **What comes out.** The same alpha, 0.833, with the same interval (0.815 to 0.849);
    the two agree to within 1e-12.

    **Why they must agree.** The labels are an ordered categorical, and the package turns
    such a column into the numbers of its positions on the scale (1 for "Strongly
    disagree" up to 7 for "Strongly agree") before it computes anything. Those are
    exactly the SPSS codes that ``as_codes()`` returns, so both calls see the same
    numbers. Alpha (Cronbach 1951) is built only from the items' variances and
    covariances, so it would not even change if every code were shifted by a constant;
    what would change it is a different *order* of the labels, which is why the
    codebook's ``direction`` column matters.
    """
    sav_path = cx.datasets.data_dir() / "exports" / "cx_survey.sav"
    survey = cx.read_survey(sav_path)
    service = ["service_1", "service_2", "service_3", "service_4"]
    labels = cx.cronbach_alpha(survey.data, items=service)
    codes = cx.cronbach_alpha(survey.as_codes(), items=service)
    return {
        "alpha_labels": float(labels["alpha"].item()),
        "alpha_codes": float(codes["alpha"].item()),
        "ci_low_codes": float(codes["ci_low"].item()),
        "ci_high_codes": float(codes["ci_high"].item()),
    }


PROMPTS = collect(globals())
