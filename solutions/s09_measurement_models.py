"""Worked solutions for notebook 09-measurement-models."""

import numpy as np

import cxresearch as cx

ECSI_MODEL = """
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
QUAL =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
VAL  =~ PERV1 + PERV2
SAT  =~ CUSA1 + CUSA2 + CUSA3
CMPL =~ CUSCO
LOY  =~ CUSL1 + CUSL2 + CUSL3

EXPE ~ IMAG
QUAL ~ EXPE
VAL  ~ EXPE + QUAL
SAT  ~ IMAG + EXPE + QUAL + VAL
CMPL ~ SAT
LOY  ~ IMAG + SAT + CMPL
"""


def ex_09_1():
    """One route's indirect effect: the product of its two paths, QUAL -> SAT and SAT -> LOY."""
    path = cx.pls(cx.load_dataset("mobi"), ECSI_MODEL).table.set_index("term")["estimate"]
    return round(float(path["SAT ~ QUAL"] * path["LOY ~ SAT"]), 3)


def ex_09_2():
    """CFI/TLI >= 0.95, RMSEA <= 0.06 and SRMR <= 0.08 are met; chi-square rejects at n = 900."""
    return "b"


def ex_09_3():
    """Spearman's attenuation: r_true * sqrt(rel_x * rel_y) = 0.6 * sqrt(0.81 * 0.64)."""
    return round(float(0.6 * np.sqrt(0.81 * 0.64)), 3)


def ex_09_4():
    """beta = R_xx^{-1} r_xy with every correlation 0.3: 0.3 / (1 + 2 * 0.3) = 0.1875."""
    r = 0.3
    r_xx = np.full((3, 3), r)
    np.fill_diagonal(r_xx, 1.0)
    beta = np.linalg.solve(r_xx, np.full(3, r))
    return round(float(beta[0]), 4)


def ex_09_5():
    """Judge HTMT by the upper bound of its interval: 0.93 > 0.85, not established."""
    return "b"


def ex_09_6():
    """Opening hours, ATMs and app features are separate causes of accessibility: formative."""
    return "b"


def ex_09_7():
    """PLSc's correction: divide by the square root of the product, 0.50 / sqrt(0.90 * 0.60)."""
    return round(float(0.50 / np.sqrt(0.90 * 0.60)), 3)


def ex_09_8():
    """Metric holds by Chen's pair (-0.004, +0.003); scalar fails (-0.021 and +0.019): relations only."""
    return "b"


def ex_09_9():
    """All Q2predict > 0; PLS beats LM on a minority (one of four items): low predictive power."""
    return "c"
