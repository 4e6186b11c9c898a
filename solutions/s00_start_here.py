"""Worked solutions for notebook 00-start-here."""

import cxresearch as cx


def ex_00_1():
    """Rows of cx_disciplines: one per Forrester discipline."""
    return len(cx.load_dataset("cx_disciplines"))


def ex_00_2():
    """The most common market among the CX tools."""
    return str(cx.load_dataset("cx_software")["market"].value_counts().index[0])


def ex_00_3():
    """Mean ease-of-use rating of the CX tools."""
    return round(float(cx.load_dataset("cx_software")["ease_of_use"].mean()), 2)
