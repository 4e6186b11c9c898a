"""Notebook 06's fixed-effects (within) estimator against linearmodels' PanelOLS.

Notebook 06 writes the within estimator out by hand (``design`` and ``within_fit``: demean
every column by customer, OLS, standard errors clustered by customer) and then shows that
``PanelOLS(..., entity_effects=True)`` gives the same numbers. The functions are taken
from the notebook itself, so a change to them is checked here too.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxresearch as cx
from cxresearch.simulate import CX_FORMULA

PanelOLS = pytest.importorskip("linearmodels.panel").PanelOLS

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "06-dynamics-and-recovery.ipynb"
NO_U = CX_FORMULA.replace(" + customer_effect", "")  # what a real analyst can fit
SIMPLE = "cx ~ cx_lag + social + crowding + service + atmosphere + assortment + price + brand"


@pytest.fixture(scope="module")
def notebook_estimator():
    """``design`` and ``within_fit`` as notebook 06 defines them, with its imports."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    keep = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse("".join(cell["source"]))
        keep += [
            node
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
            or (isinstance(node, ast.FunctionDef) and node.name in {"design", "within_fit"})
        ]
    namespace: dict = {}
    exec(compile(ast.Module(body=keep, type_ignores=[]), str(NOTEBOOK), "exec"), namespace)
    return namespace["design"], namespace["within_fit"]


@pytest.fixture(scope="module")
def panel():
    return cx.simulate_panel(400, 5, seed=606)


def _panel_ols(data, formula, columns, design):
    y, X = design(data, formula)
    index = pd.MultiIndex.from_frame(data[["customer_id", "period"]])
    model = PanelOLS(y.set_axis(index), X[columns].set_axis(index), entity_effects=True)
    # the small-sample factor G/(G-1) (N-1)/(N-K) of statsmodels' clustered covariance;
    # the entity effects are nested in the clusters, so they are not counted in K
    return model.fit(cov_type="clustered", cluster_entity=True, group_debias=True)


@pytest.mark.parametrize("formula", [NO_U, SIMPLE], ids=["notebook_formula", "simple"])
def test_within_estimator_equals_panel_ols(panel, notebook_estimator, formula):
    design, within_fit = notebook_estimator
    hand = within_fit(panel, formula)
    library = _panel_ols(panel, formula, hand.params.index, design)
    assert list(library.params.index) == list(hand.params.index)
    np.testing.assert_allclose(library.params, hand.params, rtol=0, atol=1e-10)
    np.testing.assert_allclose(library.std_errors, hand.bse, rtol=0, atol=1e-10)
    assert library.nobs == hand.nobs == len(panel)


def test_within_estimator_drops_exactly_what_the_customer_effects_absorb(panel, notebook_estimator):
    # time-invariant columns (intercept, store type, gender, ...) vanish after demeaning;
    # PanelOLS, given every column, drops the same ones as absorbed by the entity effects
    from linearmodels.panel.utility import AbsorbingEffectWarning

    design, within_fit = notebook_estimator
    hand = within_fit(panel, NO_U)
    y, X = design(panel, NO_U)
    index = pd.MultiIndex.from_frame(panel[["customer_id", "period"]])
    model = PanelOLS(y.set_axis(index), X.set_axis(index), entity_effects=True, drop_absorbed=True)
    with pytest.warns(AbsorbingEffectWarning):
        library = model.fit()
    slopes = library.params.drop("Intercept")
    assert set(slopes.index) == set(hand.params.index)
    np.testing.assert_allclose(slopes[hand.params.index], hand.params, rtol=0, atol=1e-10)
    assert "store_type[T.supermarket]" in X and "store_type[T.supermarket]" not in slopes
