"""Every result object reads like a statsmodels result: summary(), a bounded repr,
HTML for Jupyter with every string escaped, and to_dict() for export."""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil

import numpy as np
import pandas as pd
import pytest

import cxresearch as cx
from cxresearch._result import Result, Summary

HOSTILE = "<script>alert(1)</script>"
PLS_MODEL = """
COMP =~ comp_1 + comp_2 + comp_3
LIKE =~ like_1 + like_2 + like_3
CUSA =~ cusa
COMP ~ CUSA
LIKE ~ CUSA
"""
CFA_MODEL = """
IMAG =~ IMAG1 + IMAG2 + IMAG3
SAT  =~ CUSA1 + CUSA2 + CUSA3
"""


def _invariance():
    from semopy.examples import holzinger39

    model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6"
    return cx.invariance(holzinger39.get_data(), model, by="school", steps=("configural", "metric"))


def _drivers(hostile: bool = False):
    panel = cx.simulate_panel(200, 2, seed=1)
    if hostile:
        panel = panel.rename(columns={"service": "svc"})
        panel[HOSTILE] = panel["svc"]
        return cx.fit_drivers(panel, "satisfaction ~ Q('" + HOSTILE + "') + price")
    return cx.fit_drivers(panel, "satisfaction ~ service * crowding + price")


def _key_data():
    rng = np.random.default_rng(7)
    d = pd.DataFrame(rng.integers(1, 6, size=(300, 3)), columns=["staff", "price", "view"])
    d["satisfaction"] = d["staff"] + 0.5 * d["price"] + rng.normal(size=300)
    d["loyalty"] = 0.5 * d["satisfaction"] + rng.normal(size=300)
    d["spend"] = 0.3 * d["loyalty"] + rng.normal(size=300)
    return d


def _survey(tmp_path):
    d = _key_data()
    path = tmp_path / "survey.csv"
    d.to_csv(path, index=False)
    return path


def _report_data(tmp_path):
    return cx.prepare_report(_survey(tmp_path), outcome="satisfaction", drivers=["staff", "price"])


FACTORIES = {
    "DriverResult": lambda tmp: _drivers(),
    "JohnsonNeymanResult": lambda tmp: cx.johnson_neyman(
        _drivers(), focal="service", moderator="crowding"
    ),
    "ImportanceResult": lambda tmp: cx.dominance_analysis(
        _key_data(), y="satisfaction", x=["staff", "price", "view"]
    ),
    "IPAResult": lambda tmp: cx.importance_performance(
        _key_data(), y="satisfaction", x=["staff", "price", "view"]
    ),
    "PenaltyRewardResult": lambda tmp: cx.penalty_reward(
        _key_data(), y="satisfaction", x=["staff", "price"], low=2, high=5
    ),
    "MediationResult": lambda tmp: cx.mediation_analysis(
        _key_data(), x="satisfaction", m="loyalty", y="spend", n_boot=200, seed=1
    ),
    "PLSResult": lambda tmp: cx.pls(cx.load_dataset("corp_rep_data"), PLS_MODEL, missing="mean"),
    "PLSBootstrap": lambda tmp: cx.pls(
        cx.load_dataset("corp_rep_data"), PLS_MODEL, missing="mean"
    ).bootstrap(n_boot=50, seed=1),
    "PLSFitTest": lambda tmp: cx.pls(  # issue 22
        cx.load_dataset("corp_rep_data"), PLS_MODEL, missing="mean"
    ).fit_test(n_boot=20, seed=1),
    "PLSPredictResult": lambda tmp: cx.pls(  # issue 22
        cx.load_dataset("corp_rep_data"), PLS_MODEL, missing="mean"
    ).predict(n_folds=5, n_repeats=2, seed=1),
    "PLSIPMAResult": lambda tmp: cx.pls(  # issue 22
        cx.load_dataset("corp_rep_data"), PLS_MODEL, missing="mean"
    ).ipma("COMP", scale=(1, 7)),
    "MICOMResult": lambda tmp: cx.micom(  # issue 22
        cx.load_dataset("corp_rep_data"),
        PLS_MODEL,
        by="servicetype",
        n_perm=20,
        seed=1,
        missing="mean",
    ),  # fmt: skip
    "PLSMGAResult": lambda tmp: cx.pls_mga(
        cx.load_dataset("corp_rep_data"),
        PLS_MODEL,
        by="servicetype",
        n_perm=50,
        seed=1,
        missing="mean",
    ),  # fmt: skip
    "SEMResult": lambda tmp: cx.cfa(cx.load_dataset("mobi"), CFA_MODEL),
    "SEMBootstrap": lambda tmp: cx.sem(
        cx.load_dataset("mobi"), "IMAG =~ IMAG1 + IMAG2 + IMAG3; CUSA1 ~ a*IMAG; ab := 2*a"
    ).bootstrap(20, seed=1),
    "InvarianceResult": lambda tmp: _invariance(),
    "ProcessResult": lambda tmp: cx.conditional_process(
        _key_data(),
        model=7,
        x="staff",
        m="satisfaction",
        y="loyalty",
        w="price",
        n_boot=200,
        seed=1,
    ),
    "SimulationStudyResult": lambda tmp: cx.simulation_study(
        lambda rng, n: {"estimate": rng.normal(size=n).mean()},
        {"n": [10, 20]},
        n_sims=5,
        seed=1,
        progress=False,
    ),  # fmt: skip
    "Survey": lambda tmp: cx.read_survey(_survey(tmp)),
    "ScaleScore": lambda tmp: cx.scale_score(_key_data(), items=["staff", "price", "view"]),
    "MissingReport": lambda tmp: cx.missing_report(_key_data()),
    "SimulatedSurvey": lambda tmp: cx.simulate_survey(100, seed=1),
    "SimulatedRecovery": lambda tmp: cx.simulate_recovery(100, seed=1),  # issue 21
    "ReportData": lambda tmp: _report_data(tmp),
    "Report": lambda tmp: cx.Report(
        table=pd.DataFrame({"name": ["drivers"], "n_rows": [2], "n_columns": [7]}),
        html="out/report.html",
        json="out/report.json",
        notebook="out/report.ipynb",
        seconds=1.5,
    ),  # fmt: skip
}


def _result_classes() -> set[str]:
    """Every Result subclass defined in the package (imported module by module)."""
    for info in pkgutil.walk_packages(cx.__path__, "cxresearch."):
        if info.name.split(".")[-1] not in {"__main__", "widgets"}:
            importlib.import_module(info.name)
    found, todo = set(), [Result]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("cxresearch") and sub.__name__ not in found:
                found.add(sub.__name__)
                todo.append(sub)
    return found


def test_every_result_class_is_covered_here():
    assert _result_classes() == set(FACTORIES)


@pytest.fixture(params=sorted(FACTORIES), scope="module")
def result(request, tmp_path_factory):
    return FACTORIES[request.param](tmp_path_factory.mktemp(request.param))


def test_summary_names_what_was_computed_and_shows_the_main_table(result):
    summary = result.summary()
    assert isinstance(summary, Summary)
    text = str(summary)
    assert text == summary.as_text() == repr(summary)
    assert summary.title and summary.title in text.splitlines()[0]
    caption, first = summary.tables[0]
    assert str(first.columns[0]) in text
    # p-values as journals print them, no residue, nothing printed in scientific notation
    for _, table in summary.tables:
        for column in table.columns:
            if str(column) == "p_value" or str(column).startswith("p_"):
                assert table[column].map(lambda x: isinstance(x, str)).all()
    assert "e-1" not in text and "e-2" not in text


def test_repr_is_bounded(result):
    lines = repr(result).splitlines()
    assert len(lines) <= 12
    assert lines[0].startswith(type(result).__name__ + "(")


def test_html_is_escaped_and_to_dict_is_json(result):
    html = result._repr_html_()
    assert html.startswith("<div class='cx-summary'>") and "<table" in html
    exported = result.to_dict()
    assert exported["result"] == type(result).__name__
    text = json.dumps(exported, allow_nan=False)  # NaN would be invalid JSON
    assert json.loads(text)["table"] == json.loads(json.dumps(exported["table"]))
    for field in dataclasses.fields(result):
        assert (field.name in exported) is field.metadata.get("export", True)


def test_user_strings_reach_html_escaped():
    res = _drivers(hostile=True)
    assert HOSTILE in str(res.summary())  # the text shows the name as it is
    html = res._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_rounding_residue_never_prints():
    table = pd.DataFrame({"term": ["a"], "estimate": [-4.9e-17], "p_value": [1.041e-71]})
    res = cx.MissingReport(table=table, patterns=table, n_rows=1, n_complete=1, n_patterns=1)
    text = str(res.summary()) + repr(res)
    assert "e-17" not in text and "e-71" not in text and "-0.0" not in text
    assert "< 0.001" in text
