"""Worked solutions for notebook 11-your-own-survey."""

import numpy as np

import cxresearch as cx


def _exports():
    return cx.datasets.data_dir() / "exports"


def _incomplete():
    """The copy of section 3: 4% of the answers knocked out at random (seed 1107)."""
    answers = cx.read_survey(_exports() / "cx_survey.sav").as_codes()
    items = [c for c in answers.columns if c != "respondent_id"]
    rng = np.random.default_rng(1107)
    holes = rng.uniform(size=(len(answers), len(items))) < 0.04
    out = answers.copy()
    out[items] = answers[items].mask(holes)
    return out


def ex_11_1():
    """Columns of the Qualtrics export marked as metadata."""
    book = cx.read_survey(_exports() / "cx_survey_qualtrics.csv").codebook
    return int((book["role"] == "metadata").sum())


def ex_11_2():
    """Cronbach's alpha of the four satisfaction items, read from the SPSS file."""
    survey = cx.read_survey(_exports() / "cx_survey.sav")
    items = [f"satisfaction_{i}" for i in range(1, 5)]
    return round(float(cx.cronbach_alpha(survey.data, items=items)["alpha"].item()), 3)


def ex_11_3():
    """Respondents without a loyalty score when all four items are required."""
    items = [f"loyalty_{i}" for i in range(1, 5)]
    return int(cx.survey.scale_score(_incomplete(), items=items, min_items=4).n_too_few)


def ex_11_4():
    """Missing at random given observed answers: imputation from them removes the bias."""
    return "b"
