"""Tests for cxresearch.studies: simulation studies on joblib and Dask, same bits."""

from __future__ import annotations

import functools
import math
import os

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import cxresearch as cx
from cxresearch import studies as mc
from cxresearch._result import Result


def mean_study(rng, n, mu):
    """The sample mean of N(mu, 1) data, its t interval and the t-test of mean 0."""
    x = rng.normal(mu, 1.0, size=n)
    t = stats.ttest_1samp(x, 0.0)
    lo, hi = t.confidence_interval(0.95)
    return {"estimate": x.mean(), "ci_low": lo, "ci_high": hi, "p_value": t.pvalue}


def ols_study(rng, n, beta):
    """A small OLS fit (BLAS inside): slope, its interval and p-value."""
    x = rng.normal(size=(n, 3))
    y = x @ np.array([beta, 0.2, -0.1]) + rng.normal(size=n)
    design = np.column_stack([np.ones(n), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    cov = resid @ resid / (n - 4) * np.linalg.inv(design.T @ design)
    se = math.sqrt(cov[1, 1])
    crit = stats.t.ppf(0.975, n - 4)
    p = 2 * stats.t.sf(abs(coef[1] / se), n - 4)
    return {"estimate": coef[1], "ci_low": coef[1] - crit * se, "ci_high": coef[1] + crit * se,
            "p_value": p}  # fmt: skip


def killing_study(rng, n, beta, marker):
    """``ols_study``, but exactly one call (the first to create ``marker``) kills its process.

    The marker is created atomically (``O_EXCL``), so two workers starting at the same
    moment cannot both see it missing and both die: one worker dies, once, however busy
    the machine is.
    """
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return ols_study(rng, n, beta)
    os.write(fd, b"killed once")
    os.close(fd)
    os._exit(1)  # the worker dies mid-study, holding unfinished (and finished) batches


GRID = {"n": [30, 60], "beta": [0.0, 0.3]}


@pytest.fixture(scope="module")
def reference() -> mc.SimulationStudyResult:
    return cx.simulation_study(ols_study, GRID, n_sims=40, seed=3, truth="beta", progress=False)


# --------------------------------------------------------------------------- same bits


def test_joblib_workers_and_batching_give_identical_tables(reference):
    two = cx.simulation_study(
        ols_study, GRID, n_sims=40, seed=3, truth="beta", n_jobs=2, batch_size=7, progress=False
    )
    pd.testing.assert_frame_equal(two.table, reference.table, check_exact=True)
    pd.testing.assert_frame_equal(two.performance, reference.performance, check_exact=True)


def test_dask_local_cluster_gives_the_joblib_table(reference):
    # a 2-worker LocalCluster is started and closed inside the call
    res = cx.simulation_study(
        ols_study, GRID, n_sims=40, seed=3, truth="beta", backend="dask", n_jobs=2,
        batch_size=9, progress=False,
    )  # fmt: skip
    assert res.backend == "dask"
    pd.testing.assert_frame_equal(res.table, reference.table, check_exact=True)
    pd.testing.assert_frame_equal(res.performance, reference.performance, check_exact=True)


def test_a_worker_killed_mid_study_loses_nothing(reference, tmp_path):
    from distributed import LocalCluster

    marker = tmp_path / "killed"
    study = functools.partial(killing_study, marker=str(marker))
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
        silence_logs=50,
    ) as cluster:  # fmt: skip
        # an existing cluster, reached by its address as a remote one would be
        res = cx.simulation_study(
            study, GRID, n_sims=40, seed=3, truth="beta", backend="dask",
            scheduler=cluster.scheduler_address, batch_size=5, progress=False,
        )  # fmt: skip
    assert marker.read_text() == "killed once"  # a worker really died
    pd.testing.assert_frame_equal(res.table, reference.table, check_exact=True)


def test_a_replication_depends_only_on_seed_point_and_replication(reference):
    # another grid order, a point fewer: the common rows are the same bits
    grid = pd.DataFrame({"n": [60, 30, 30], "beta": [0.3, 0.3, 0.0]})
    other = cx.simulation_study(ols_study, grid, n_sims=40, seed=3, progress=False)
    for n, beta in zip(grid["n"], grid["beta"], strict=True):
        a = other.table[(other.table["n"] == n) & (other.table["beta"] == beta)]
        b = reference.table[(reference.table["n"] == n) & (reference.table["beta"] == beta)]
        a, b = a.reset_index(drop=True), b.reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_the_study_gets_the_documented_stream():
    def study(rng, n):
        return {"draw": rng.integers(0, 2**62), "key": str(rng.bit_generator.seed_seq.spawn_key)}

    res = cx.simulation_study(study, {"n": [5, 2**70, 0.5]}, n_sims=3, seed=11, progress=False)
    expected = np.random.default_rng(np.random.SeedSequence(11, spawn_key=(5, 2))).integers(
        0, 2**62
    )
    assert res.table.loc[2, "draw"] == expected
    assert res.table["replication"].tolist() == [0, 1, 2] * 3
    assert res.table.loc[3, "key"] == str((2**70, 0))
    # a value that is not a non-negative integer is hashed past 2**64
    assert eval(res.table.loc[6, "key"])[0] >= 2**64


# --------------------------------------------------------------------------- summaries


def test_summary_matches_a_hand_calculation(reference):
    for (n, beta), part in reference.table.groupby(["n", "beta"], sort=False):
        summary = reference.performance
        row = summary[(summary["n"] == n) & (summary["beta"] == beta)].iloc[0]
        est = part["estimate"].to_numpy()
        r = len(est)
        assert row["n_sims"] == r == 40
        assert row["mean"] == pytest.approx(est.mean(), abs=1e-14)
        assert row["sd"] == pytest.approx(est.std(ddof=1), abs=1e-14)
        assert row["mean_mc_se"] == pytest.approx(est.std(ddof=1) / math.sqrt(r), abs=1e-14)
        assert row["bias"] == pytest.approx(est.mean() - beta, abs=1e-14)
        assert row["rmse"] == pytest.approx(math.sqrt(np.mean((est - beta) ** 2)), abs=1e-14)
        cover = np.mean((part["ci_low"] <= beta) & (beta <= part["ci_high"]))
        assert row["coverage"] == pytest.approx(cover, abs=1e-14)
        assert row["coverage_mc_se"] == pytest.approx(math.sqrt(cover * (1 - cover) / r))
        reject = np.mean(part["p_value"] < 0.05)
        assert row["rejection_rate"] == pytest.approx(reject, abs=1e-14)
        assert row["rejection_mc_se"] == pytest.approx(math.sqrt(reject * (1 - reject) / r))


def test_coverage_and_size_are_nominal_for_an_exact_interval():
    # the t interval is exact for normal data: coverage 0.95 and size 0.05 within MC error
    res = cx.simulation_study(
        mean_study, {"n": [15], "mu": [0.0]}, n_sims=2000, seed=8, truth=0.0, progress=False
    )
    row = res.performance.iloc[0]
    assert abs(row["coverage"] - 0.95) < 3 * math.sqrt(0.95 * 0.05 / 2000)
    assert abs(row["rejection_rate"] - 0.05) < 3 * math.sqrt(0.95 * 0.05 / 2000)
    assert row["coverage"] + row["rejection_rate"] == pytest.approx(1.0)  # same test, dual


def test_outputs_named_by_the_user_and_missing_estimates():
    def study(rng, n):
        b = rng.normal() if rng.uniform() > 0.2 else math.nan
        return {"b": b, "lo": -1.0, "hi": 1.0, "true": 0.0, "label": "ok", "flag": True}

    res = cx.simulation_study(
        study, {"n": [1]}, n_sims=50, seed=2, estimate="b", interval=("lo", "hi"),
        truth="true", progress=False,
    )  # fmt: skip
    row = res.performance.iloc[0]
    b = res.table["b"].to_numpy()
    assert row["n_missing"] == np.isnan(b).sum() > 0
    assert row["mean"] == pytest.approx(np.nanmean(b))
    assert row["coverage"] == 1.0
    assert "rejection_rate" not in res.performance  # no p-value output
    assert list(res.table.columns) == ["n", "replication", "b", "lo", "hi", "true", "label", "flag"]
    assert "SimulationStudyResult(n_sims=50, n_points=1, backend='joblib'" in repr(res)
    assert isinstance(res, Result)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("grid", "error", "message"),
    [
        ({}, ValueError, "at least one setting"),
        ({"n": []}, ValueError, "the list for 'n' is empty"),
        ({"n": 10}, TypeError, "the values of 'n' must be a list"),
        ({"n": "abc"}, TypeError, "the values of 'n' must be a list"),
        (pd.DataFrame({"n": []}), ValueError, "at least one point"),
        ([10, 20], TypeError, "dict of lists"),
        ({"n": [10], "size": [1]}, ValueError, r"lacks \['size'\]"),
        ({"mu": [0.0]}, ValueError, r"needs \['n'\]"),
        ({"n": [10, 10]}, ValueError, "more than once"),
        ({"n": [10], "replication": [1]}, ValueError, "reserved"),
    ],
)
def test_bad_grids_are_named(grid, error, message):
    def study(rng, n, mu=0.0):
        return {"estimate": mu}

    with pytest.raises(error, match=message):
        cx.simulation_study(study, grid, n_sims=2, seed=1, progress=False)


def test_other_bad_arguments():
    def study(rng, n):
        return {"estimate": float(n)}

    call = functools.partial(cx.simulation_study, grid={"n": [3]}, seed=1, progress=False)
    with pytest.raises(TypeError, match="study must be a function"):
        call("not a function", n_sims=2)
    with pytest.raises(ValueError, match="n_sims must be at least 1"):
        call(study, n_sims=0)
    with pytest.raises(ValueError, match="backend must be one of"):
        call(study, n_sims=2, backend="spark")
    with pytest.raises(ValueError, match="scheduler: give a scheduler address"):
        call(study, n_sims=2, scheduler="tcp://localhost:8786")
    with pytest.raises(ValueError, match="p_value: the study returns no output 'pval'"):
        call(study, n_sims=2, p_value="pval")
    with pytest.raises(TypeError, match="n_jobs must be an integer"):
        call(study, n_sims=2, n_jobs=1.5)


@pytest.mark.parametrize(
    ("output", "error", "message"),
    [
        ([1.0, 2.0], TypeError, r"grid point \(n=4\), replication 0 must return a dict"),
        (
            {"estimate": [1.0, 2.0]},
            TypeError,
            r"n=4\), replication 0: output 'estimate' must be a scalar",
        ),
        ({"n": 1.0}, ValueError, "output key 'n' at grid point"),
        ({}, ValueError, "returned an empty dict"),
    ],
)
def test_a_study_that_does_not_return_a_dict_of_scalars_is_named(output, error, message):
    def study(rng, n):
        return output

    with pytest.raises(error, match=message):
        cx.simulation_study(study, {"n": [4]}, n_sims=2, seed=1, progress=False)
