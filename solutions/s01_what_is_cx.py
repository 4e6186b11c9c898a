"""Worked solutions for notebook 01-what-is-cx."""

import cxresearch as cx

IDEAS = [
    "mentions_touchpoints",
    "mentions_emotion",
    "mentions_loyalty",
    "mentions_expectations",
    "mentions_journey",
    "mentions_measurement",
    "mentions_brand",
]


def ex_01_1():
    """Years from Future Shock to 'Welcome to the experience economy'."""
    timeline = cx.load_dataset("cx_timeline").set_index("work")["year"]
    return int(timeline["Welcome to the experience economy"] - timeline["Future Shock"])


def ex_01_2():
    """Share of the eight practitioner definitions (the first eight rows) mentioning measurement."""
    definitions = cx.load_dataset("cx_definitions")
    practitioners = definitions.head(8)
    assert practitioners["listed_in"].nunique() == 1  # one table, not mixed with the rest
    assert definitions["listed_in"].iloc[8:].isin(practitioners["listed_in"]).sum() == 0
    return float(practitioners["mentions_measurement"].mean())


def ex_01_3():
    """The definition that mentions the most of the seven ideas."""
    definitions = cx.load_dataset("cx_definitions")
    counts = definitions.set_index("source")[IDEAS].sum(axis=1)
    return str(counts.idxmax())


def ex_01_4():
    """Tools rated 5 for both service quality and ease of use."""
    software = cx.load_dataset("cx_software")
    top = software[(software["service_quality"] == 5) & (software["ease_of_use"] == 5)]
    return top["tool"].tolist()


def ex_01_5():
    """A newspaper article is contact the customer did not start: indirect contact."""
    return "b"


def ex_01_6():
    """Ratio of firms claiming a superior experience (80%) to customers agreeing (8%)."""
    return 80 / 8
