"""FIML with observed exogenous predictors (lavaan's fixed.x, issue 23): the df and the
baseline leave the predictors' block out, as the ML fit does. On complete data FIML
is ML (df, chi-square, CFI, TLI, RMSEA, baseline); with holes the df is the hand count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

from cxresearch.latent import sem

PATHS = "x4 ~ x1 + x2\nx5 ~ x4 + x1\nx6 ~ x5 + x2"


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return holzinger39.get_data()


def test_fiml_on_complete_data_is_ml_with_fixed_x(hs):
    ml, fiml = sem(hs, PATHS), sem(hs, PATHS, missing="fiml")
    keys = ["chi2", "df", "cfi", "tli", "rmsea", "baseline_chi2", "baseline_df"]
    np.testing.assert_allclose(fiml.fit[keys], ml.fit[keys], rtol=1e-9)
    # hand count: p = 5 observed, q = 2 exogenous (x1, x2), k = 9 free (6 paths, 3
    # residual variances): 15 - 3 - 9 = 3 df; the baseline 10 - 1 = 9
    assert fiml.fit["df"] == 3 and fiml.fit["baseline_df"] == 9
    # lavaan's count with a mean structure: 9 plus the 3 outcomes' intercepts
    assert fiml.fit["n_parameters"] == 12


def test_fiml_with_missing_answers_keeps_the_fixed_x_df(hs):
    holed = hs.copy()
    rng = np.random.default_rng(1)
    holed.loc[rng.random(len(holed)) < 0.2, "x5"] = np.nan
    holed.loc[rng.random(len(holed)) < 0.1, "x1"] = np.nan
    res = sem(holed, PATHS, missing="fiml")
    assert res.fit["df"] == 3 and res.fit["baseline_df"] == 9
    assert 0 < res.fit["cfi"] < 1 and res.fit["baseline_chi2"] > res.fit["chi2"] > 0
