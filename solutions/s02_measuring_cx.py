"""Worked solutions for notebook 02-measuring-cx."""

import math

import pandas as pd

import cxresearch as cx

LOYALTY = ["CUSL1", "CUSL2", "CUSL3"]


def ex_02_1():
    """NPS of 120 promoters, 50 passives and 30 detractors."""
    survey = pd.DataFrame({"likelihood_to_recommend": [10] * 120 + [8] * 50 + [3] * 30})
    return round(cx.nps(survey)["nps"].item())


def ex_02_2():
    """Its standard error, by the closed form."""
    p_pro, p_det = 120 / 200, 30 / 200
    return 100 * math.sqrt((p_pro + p_det - (p_pro - p_det) ** 2) / 200)


def ex_02_3():
    """Answers needed for a margin of 3 points in the worst case."""
    return cx.nps_sample_size(3)


def ex_02_4():
    """Cronbach's alpha of the ECSI loyalty items."""
    mobi = cx.load_dataset("mobi")
    return cx.cronbach_alpha(mobi, items=LOYALTY)["alpha"].item()


def ex_02_5():
    """The loyalty item with the lowest corrected item-total correlation."""
    mobi = cx.load_dataset("mobi")
    stats = cx.item_statistics(mobi, items=LOYALTY).set_index("item")
    return str(stats["corrected_item_total_r"].idxmin())


def ex_02_6():
    """HTMT between competence and likeability, complete answers only."""
    corp_rep = cx.load_dataset("corp_rep_data")
    constructs = {"COMP": ["comp_1", "comp_2", "comp_3"], "LIKE": ["like_1", "like_2", "like_3"]}
    return cx.htmt(corp_rep, constructs=constructs, missing="listwise")["htmt"].item()
