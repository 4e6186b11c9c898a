"""Tests for cxresearch.studies: simulation studies on joblib and Dask, same bits.

The second half tests the study against bad input, by class (hypothesis draws the cases):
a study that fails at any (point, replication), a run interrupted or killed anywhere and
resumed from its checkpoint (also a checkpoint cut short, damaged, or another study's),
sizes too large to hold, outputs of every scalar type, and workers killed on Dask.
"""

from __future__ import annotations

import contextlib
import fractions
import functools
import math
import os
import re
import struct
import subprocess
import sys
import textwrap
import traceback
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
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


def killing_study(rng, n, beta, folder, kills=(0,)):
    """``ols_study``, but the call numbered ``kills[j]`` (counted over every process) kills
    its process: one death per entry, in order, each in a process of its own.

    Calls are counted by appending a byte to ``folder/calls`` (``O_APPEND``: each call
    gets its own number however many workers run at once). Death *j* creates the marker
    ``folder/killed-j`` atomically (``O_EXCL``, so two workers starting at the same
    moment cannot both die for it), writes its process id and call number there and
    ends the process; death *j + 1* waits (the call goes on normally) until that process
    is gone, so the deaths are of different workers at different times.
    """
    fd = os.open(os.path.join(folder, "calls"), os.O_CREAT | os.O_APPEND | os.O_WRONLY)
    try:
        os.write(fd, b".")
        call = os.lseek(fd, 0, os.SEEK_CUR) - 1
    finally:
        os.close(fd)
    for j, at in enumerate(kills):
        marker = os.path.join(folder, f"killed-{j}")
        if os.path.exists(marker):
            continue
        if call < at or (j and _alive(os.path.join(folder, f"killed-{j - 1}"))):
            break
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            break
        os.write(fd, f"{os.getpid()} {call}".encode())
        os.close(fd)
        os._exit(1)  # the worker dies mid-study, holding unfinished (and finished) batches
    return ols_study(rng, n, beta)


def _alive(marker: str) -> bool:
    """Whether the process that wrote ``marker`` still runs (or has not written it yet)."""
    text = Path(marker).read_text().split()
    if not text:
        return True
    try:
        os.kill(int(text[0]), 0)
    except ProcessLookupError:
        return False
    return True


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


@contextlib.contextmanager
def _cluster(allowed_failures: int, n_workers: int = 2):
    import dask
    from distributed import LocalCluster

    # A LocalCluster closes a worker's nanny for good if, 15 s after the worker died, no
    # worker of its name is up; with workers killed again and again that happens, and the
    # tests after would wait for ever (simulation_study does the same on its own cluster)
    config = {
        "distributed.deploy.lost-worker-timeout": "1 day",
        "distributed.scheduler.allowed-failures": allowed_failures,
    }
    with dask.config.set(config), LocalCluster(
        n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0",
        silence_logs=50,
    ) as local:  # fmt: skip
        yield local


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded workers, each under a nanny that restarts it when it dies. The
    scheduler gives a task up at the first death of its worker (allowed-failures 0), so
    each batch lost with a worker comes back as ``KilledWorker`` and is resubmitted by
    ``simulation_study`` itself: the path under test. Reached by its address, as a remote
    cluster would be."""
    with _cluster(allowed_failures=0) as local:
        yield local


def test_workers_killed_repeatedly_mid_study_lose_nothing(reference, cluster, tmp_path):
    # two workers die, one after the other (the second after the first is gone), each
    # holding unfinished and finished batches; the table is the undisturbed one
    study = functools.partial(killing_study, folder=str(tmp_path), kills=(5, 60))
    res = cx.simulation_study(
        study, GRID, n_sims=40, seed=3, truth="beta", backend="dask",
        scheduler=cluster.scheduler_address, batch_size=5, progress=False,
    )  # fmt: skip
    (pid_1, call_1), (pid_2, call_2) = (
        map(int, (tmp_path / f"killed-{j}").read_text().split()) for j in range(2)
    )
    assert pid_1 != pid_2  # two different worker processes died
    assert 5 <= call_1 < 60 <= call_2  # at different times
    assert_same_bits(res.table, reference.table)
    assert_same_bits(res.performance, reference.performance)


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


# --------------------------------------------------------------------------- bad input, by class
#
# Each class of bad input is drawn by hypothesis: a few examples in the normal suite, many
# in a variant marked slow. The contract: the right result or one error that names the
# cause; never a raw library exception, never finished work lost.

GRID_Q = {"n": [3, 7], "beta": [0.0, 0.5]}
POINTS_Q = [(3, 0.0), (3, 0.5), (7, 0.0), (7, 0.5)]
TESTS = Path(__file__).resolve().parent


class Unpicklable(Exception):
    """An exception that cannot be rebuilt from its pickle (two required arguments)."""

    def __init__(self, a, b):
        super().__init__(f"{a} and {b}")


class Interrupted(BaseException):
    """Stands for Ctrl-C: not an ``Exception``, so no replication catches it."""


ERRORS = {
    "ValueError": ValueError,
    "ZeroDivisionError": ZeroDivisionError,
    "LinAlgError": np.linalg.LinAlgError,
    "KeyError": KeyError,
    "Unpicklable": Unpicklable,
}


def quick_study(rng, n, beta):
    """A cheap study (no scipy): the mean of N(beta, 1) data, its z interval and test."""
    x = rng.normal(beta, 1.0, size=n)
    m, se = x.mean(), 1 / math.sqrt(n)
    return {"estimate": m, "ci_low": float(m) - 1.96 * se, "ci_high": float(m) + 1.96 * se,
            "p_value": math.erfc(abs(float(m) / se) / math.sqrt(2))}  # fmt: skip


def other_study(rng, n, beta):
    return quick_study(rng, n, beta)


def failing_study(
    rng, n, beta, fail=frozenset(), error="ValueError", interrupt=frozenset(), calls=None,
    exit_at=None,
):  # fmt: skip
    """``quick_study``, raising ``error`` at each (n, beta, replication) in ``fail``.

    ``interrupt``: (n, beta, replication) where the run is stopped as by Ctrl-C;
    ``exit_at``: where the process ends at once, as by ``kill -9``; ``calls`` (a list,
    in this process only) collects the replications run.
    """
    r = int(rng.bit_generator.seed_seq.spawn_key[-1])
    if calls is not None:
        calls.append((n, beta, r))
    if (n, beta, r) == exit_at:
        os._exit(1)
    if (n, beta, r) in interrupt:
        raise Interrupted
    if (n, beta, r) in fail:
        if error == "Unpicklable":
            raise Unpicklable("bad", "worse")
        raise ERRORS[error](f"failed at n={n}, beta={beta}, replication {r}")
    return quick_study(rng, n, beta)


def _bits(x):
    if isinstance(x, float):
        return ("float", struct.pack("<d", x))
    if isinstance(x, complex):
        return ("complex", struct.pack("<dd", x.real, x.imag))
    if isinstance(x, np.generic | np.ndarray):
        return (type(x).__name__, x.dtype.str, x.tobytes())
    return (type(x).__name__, repr(x))


def assert_same_bits(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """The same table, value for value and bit for bit (NaN payloads, -0.0, types)."""
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    for column in a.columns:
        x, y = a[column].to_numpy(), b[column].to_numpy()
        if x.dtype == object:
            assert [_bits(v) for v in x] == [_bits(v) for v in y], column
        else:
            assert x.tobytes() == y.tobytes(), column


def _cells(keys) -> frozenset:
    """(grid point index, replication) -> (n, beta, replication)."""
    return frozenset((*POINTS_Q[k], r) for k, r in keys)


def _saved(path) -> int:
    """Replications in a checkpoint, read as simulation_study reads it: up to the first
    line cut short or damaged."""
    count = 0
    with open(path, "rb") as file:
        file.readline()
        for line in file:
            record = mc._parse(line)
            if record is None:
                break
            count += len(record["rows"])
    return count


def _damage(path, how: str, where: float) -> None:
    """What a kill (or a disk) may leave: a last line cut short, a partial line, a byte
    flipped anywhere after the header."""
    data = Path(path).read_bytes()
    head = data.index(b"\n") + 1
    at = head + int(where * (len(data) - head))
    if how == "cut":
        data = data[:at]
    elif how == "partial line":
        data += b'0123abcd {"point":0,"start":'
    elif how == "flip" and at < len(data):
        data = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]
    Path(path).write_bytes(data)


# ------------------------------------------------------------- 1. a study that fails


@st.composite
def failures(draw, max_sims: int = 12):
    n_sims = draw(st.integers(1, max_sims))
    keys = st.tuples(st.integers(0, 3), st.integers(0, n_sims - 1))
    return {
        "n_sims": n_sims,
        "fail": draw(st.sets(keys, min_size=1, max_size=4)),
        "batch_size": draw(st.integers(1, 6)),
        "error": draw(st.sampled_from(sorted(ERRORS))),
        "n_jobs": draw(st.sampled_from([1, 1, 2])),
    }


def _check_a_failure_is_named(case):
    study = functools.partial(failing_study, fail=_cells(case["fail"]), error=case["error"])
    with pytest.raises(RuntimeError) as caught:
        cx.simulation_study(
            study, GRID_Q, n_sims=case["n_sims"], seed=5, batch_size=case["batch_size"],
            n_jobs=case["n_jobs"], progress=False,
        )  # fmt: skip
    message = str(caught.value)
    found = re.match(
        r"study raised an exception at grid point (\d) of 4 \(n=(\d), beta=(0\.\d)\), "
        r"replication (\d+): (\w+): .*The (\d+) replications finished so far are discarded: "
        r"pass checkpoint='study.ckpt' to keep finished work; errors='skip' skips failing "
        r"replications and counts them\.$",
        message,
    )
    assert found, message
    point, n, beta, r, name, finished = found.groups()
    k = int(point) - 1
    assert POINTS_Q[k] == (int(n), float(beta)) and (k, int(r)) in case["fail"]
    assert name == case["error"]
    if case["n_jobs"] == 1:  # one process: the first failure in grid order, all before it done
        assert (k, int(r)) == min(case["fail"])
        assert int(finished) == k * case["n_sims"] + int(r)
    _check_cause(caught.value.__cause__, case["error"])


def _check_cause(cause, error):
    """The study's exception is chained, with the traceback of where it ran."""
    if error == "Unpicklable":  # its type travels if tblib is installed (distributed does
        # that), else its text does, as a RuntimeError
        assert type(cause) in (Unpicklable, RuntimeError)
        assert f"{type(cause).__name__}: {cause}".endswith("Unpicklable: bad and worse")
    else:
        assert type(cause) is ERRORS[error]
        assert re.search(r"failed at n=\d, beta=0\.\d, replication \d+", str(cause))
    assert "in failing_study" in "".join(traceback.format_exception(cause))


@settings(max_examples=12, deadline=None)
@given(case=failures())
def test_a_failing_replication_is_named_with_its_grid_point(case):
    _check_a_failure_is_named(case)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(case=failures(max_sims=40))
def test_a_failing_replication_is_named_with_its_grid_point_many(case):
    _check_a_failure_is_named(case)


@st.composite
def skipped(draw, max_sims: int = 10):
    n_sims = draw(st.integers(1, max_sims))
    every = [(k, r) for k in range(4) for r in range(n_sims)]
    fail = draw(st.sets(st.sampled_from(every)) | st.just(set(every)))
    return {
        "n_sims": n_sims,
        "fail": fail,
        "batch_size": draw(st.integers(1, 6)),
        "error": draw(st.sampled_from(sorted(ERRORS))),
        "n_jobs": draw(st.sampled_from([1, 1, 2])),
    }


def _check_failures_are_skipped_and_counted(case):
    n_sims, fail, total = case["n_sims"], _cells(case["fail"]), 4 * case["n_sims"]
    study = functools.partial(failing_study, fail=fail, error=case["error"])
    call = functools.partial(
        cx.simulation_study, study, GRID_Q, n_sims=n_sims, seed=5, truth="beta",
        batch_size=case["batch_size"], n_jobs=case["n_jobs"], errors="skip", progress=False,
    )  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if len(fail) == total:
            with pytest.raises(RuntimeError, match=f"^study raised an exception in every one "
                               f"of the {total} replications"):  # fmt: skip
                call()
            return
        res = call()
    full = cx.simulation_study(quick_study, GRID_Q, n_sims=n_sims, seed=5, truth="beta",
                               progress=False)  # fmt: skip
    cells = full.table[["n", "beta", "replication"]].itertuples(index=False, name=None)
    kept = full.table[[cell not in fail for cell in cells]].reset_index(drop=True)
    assert_same_bits(res.table, kept)  # the other replications, the same bits
    per_point = [sum(1 for k, _ in case["fail"] if k == j) for j in range(4)]
    assert res.performance["n_failed"].tolist() == per_point
    assert res.performance["n_sims"].tolist() == [n_sims] * 4
    assert res.n_failed == len(fail)
    for j, (n, beta) in enumerate(POINTS_Q):  # the measures describe the rest
        part = kept.loc[(kept["n"] == n) & (kept["beta"] == beta), "estimate"].to_numpy()
        row = res.performance.iloc[j]
        assert row["truth"] == beta
        if len(part):
            assert row["mean"] == pytest.approx(part.mean(), abs=1e-14)
        else:
            assert math.isnan(row["mean"]) and math.isnan(row["coverage"])
    messages = [(w.category, str(w.message)) for w in caught]
    if fail:
        assert len(messages) == 1 and messages[0][0] is RuntimeWarning
        assert messages[0][1].startswith(
            f"simulation_study: {len(fail)} of {total} replications raised an exception and "
            f"were skipped (errors='skip'); the first at grid point"
        )
    else:
        assert messages == []


@settings(max_examples=12, deadline=None)
@given(case=skipped())
def test_failing_replications_are_skipped_and_counted(case):
    _check_failures_are_skipped_and_counted(case)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(case=skipped(max_sims=30))
def test_failing_replications_are_skipped_and_counted_many(case):
    _check_failures_are_skipped_and_counted(case)


# ------------------------------------------------------------- 2. interrupted, resumed


@st.composite
def interruptions(draw, max_sims: int = 10):
    n_sims = draw(st.integers(1, max_sims))
    every = [(k, r) for k in range(4) for r in range(n_sims)]
    cells = draw(st.lists(st.sampled_from(every), unique=True, max_size=min(4, len(every))))
    errors = draw(st.sampled_from(["raise", "skip"]))
    # stops: Ctrl-C (either mode) or, with errors="raise", a failure fixed before the next
    # run; with errors="skip", replications failing in every run
    kinds = draw(st.lists(st.sampled_from(["ctrl-c", "fail"]), min_size=len(cells),
                          max_size=len(cells)))  # fmt: skip
    others = [c for c in every if c not in cells]
    if errors == "skip" and len(others) > 1:  # one replication at least must succeed
        bad = draw(st.sets(st.sampled_from(others), max_size=len(others) - 1))
        stops = [(c, "ctrl-c") for c in cells]
    elif errors == "skip":
        bad, stops = set(), [(c, "ctrl-c") for c in cells]
    else:
        bad, stops = set(), list(zip(cells, kinds, strict=True))
    runs = len(stops) + 1
    return {
        "n_sims": n_sims,
        "errors": errors,
        "stops": stops,
        "bad": bad,
        "batch_sizes": draw(st.lists(st.integers(1, 7), min_size=runs, max_size=runs)),
        "damage": draw(
            st.lists(
                st.sampled_from(["none", "cut", "partial line", "flip"]),
                min_size=runs,
                max_size=runs,
            )
        ),  # fmt: skip
        "where": draw(st.lists(st.floats(0, 1), min_size=runs, max_size=runs)),
    }


def _run_until_done(case, path, calls_per_run):
    """Run the study with its checkpoint until it finishes: each run stops at one of the
    stops still armed, then the checkpoint is damaged as drawn."""
    n_sims, total = case["n_sims"], 4 * case["n_sims"]
    armed = {(*POINTS_Q[k], r): kind for (k, r), kind in case["stops"]}
    saved = 0
    for run, size in enumerate(case["batch_sizes"]):
        calls: list = []
        calls_per_run.append(calls)
        study = functools.partial(
            failing_study, calls=calls,
            fail=_cells(case["bad"]) | {c for c, kind in armed.items() if kind == "fail"},
            interrupt=frozenset(c for c, kind in armed.items() if kind == "ctrl-c"),
        )  # fmt: skip
        try:
            return cx.simulation_study(
                study, GRID_Q, n_sims=n_sims, seed=5, truth="beta", batch_size=size,
                checkpoint=path, errors=case["errors"], progress=False,
            ), saved  # fmt: skip
        except (RuntimeError, Interrupted) as exc:
            stopped = calls[-1]  # the last replication run is the one that stopped it
            assert armed.pop(stopped) == ("fail" if isinstance(exc, RuntimeError) else "ctrl-c")
            if isinstance(exc, RuntimeError):
                n, beta, r = stopped
                assert f"(n={n}, beta={beta}), replication {r}: ValueError" in str(exc)
                assert f"so far are saved in the checkpoint {str(path)!r}" in str(exc)
            # nothing finished is lost: after a failure, every replication but the failing
            # one is in the file; after Ctrl-C, every batch but the interrupted one
            ran = saved + len(calls) - 1
            if isinstance(exc, RuntimeError):
                assert _saved(path) == ran <= total
            else:
                assert ran - size < _saved(path) <= ran
            _damage(path, case["damage"][run], case["where"][run])
            saved = _saved(path)
    raise AssertionError("the study never finished")


def _check_resume(case, folder):
    path = folder / "study.ckpt"
    common = {"grid": GRID_Q, "n_sims": case["n_sims"], "seed": 5, "truth": "beta",
              "errors": case["errors"], "progress": False}  # fmt: skip
    study = functools.partial(failing_study, fail=_cells(case["bad"]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reference = cx.simulation_study(study, **common)  # never interrupted, no checkpoint
        calls_per_run: list = []
        res, saved = _run_until_done(case, path, calls_per_run)
        again_calls: list = []
        again = cx.simulation_study(
            functools.partial(failing_study, fail=_cells(case["bad"]), calls=again_calls),
            checkpoint=path, **common,
        )  # fmt: skip
    assert len(calls_per_run[-1]) == 4 * case["n_sims"] - saved  # only the missing ones ran
    assert again_calls == []  # a finished study is read from its checkpoint
    for result in (res, again):
        assert_same_bits(result.table, reference.table)
        assert_same_bits(result.performance, reference.performance)
        assert result.n_failed == reference.n_failed == len(case["bad"])
    messages = {str(w.message) for w in caught}
    assert len(messages) == (1 if case["bad"] else 0)  # the same warning each time


@settings(max_examples=15, deadline=None)
@given(case=interruptions())
def test_an_interrupted_study_resumes_from_its_checkpoint_bit_for_bit(tmp_path_factory, case):
    _check_resume(case, tmp_path_factory.mktemp("resume"))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(case=interruptions(max_sims=30))
def test_an_interrupted_study_resumes_from_its_checkpoint_bit_for_bit_many(tmp_path_factory, case):
    _check_resume(case, tmp_path_factory.mktemp("resume"))


@st.composite
def kills(draw, max_sims: int = 8):
    n_sims = draw(st.integers(1, max_sims))
    return {
        "n_sims": n_sims,
        "exit_at": (draw(st.integers(0, 3)), draw(st.integers(0, n_sims - 1))),
        "batch_size": draw(st.integers(1, 5)),
        "damage": draw(st.sampled_from(["none", "cut", "partial line", "flip"])),
        "where": draw(st.floats(0, 1)),
    }


def _check_killed_process(case, folder):
    # the process running the study ends at once (no exception, no clean-up, Python's
    # buffers not flushed), as with kill -9; this process resumes from the checkpoint
    path = folder / "study.ckpt"
    n_sims, size, (k, r) = case["n_sims"], case["batch_size"], case["exit_at"]
    code = textwrap.dedent(f"""
        import functools, sys
        sys.path[:0] = [{str(TESTS)!r}, {str(TESTS.parent)!r}]
        import cxresearch as cx
        from {failing_study.__module__} import GRID_Q, failing_study
        study = functools.partial(failing_study, exit_at={(*POINTS_Q[k], r)!r})
        cx.simulation_study(study, GRID_Q, n_sims={n_sims}, seed=5, batch_size={size},
                            checkpoint={str(path)!r}, progress=False)
    """)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env,
                           timeout=300, check=False)  # fmt: skip
    assert child.returncode == 1, child.stderr.decode()[-3000:]
    # every batch finished before the one that died is in the file
    assert _saved(path) == k * n_sims + r - r % size
    _damage(path, case["damage"], case["where"])
    saved, calls = _saved(path), []
    res = cx.simulation_study(functools.partial(failing_study, calls=calls), GRID_Q,
                              n_sims=n_sims, seed=5, checkpoint=path, progress=False)  # fmt: skip
    reference = cx.simulation_study(quick_study, GRID_Q, n_sims=n_sims, seed=5, progress=False)
    assert len(calls) == 4 * n_sims - saved
    assert_same_bits(res.table, reference.table)
    assert_same_bits(res.performance, reference.performance)


@settings(max_examples=2, deadline=None)
@given(case=kills())
def test_a_killed_process_resumes_from_its_checkpoint_bit_for_bit(tmp_path_factory, case):
    _check_killed_process(case, tmp_path_factory.mktemp("killed"))


@pytest.mark.slow
@settings(max_examples=20, deadline=None)
@given(case=kills(max_sims=25))
def test_a_killed_process_resumes_from_its_checkpoint_bit_for_bit_many(tmp_path_factory, case):
    _check_killed_process(case, tmp_path_factory.mktemp("killed"))


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.text(max_size=6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(allow_nan=True, allow_infinity=True),
    *(
        hnp.from_dtype(np.dtype(d))
        for d in ("f2", "f4", "f8", "i1", "u8", "c8", "c16", "?", "M8[s]", "m8[ms]", "U3")
    ),  # fmt: skip
    hnp.arrays(np.dtype("f8"), ()),
)


def value_study(rng, n, values=(), stop=None):
    """Returns the drawn ``values[replication]``; raises at replication ``stop``."""
    r = int(rng.bit_generator.seed_seq.spawn_key[-1])
    if r == stop:
        raise ValueError("stop")
    return {"value": values[r], "r": r}


def _check_types(values, stop, size, folder):
    path, grid, n = folder / "study.ckpt", {"n": [1]}, len(values)
    plain = cx.simulation_study(functools.partial(value_study, values=values), grid,
                                n_sims=n, seed=1, progress=False)  # fmt: skip
    with pytest.raises(RuntimeError, match=f"replication {stop}: ValueError: stop"):
        cx.simulation_study(functools.partial(value_study, values=values, stop=stop), grid,
                            n_sims=n, seed=1, batch_size=size, checkpoint=path,
                            progress=False)  # fmt: skip
    resumed = cx.simulation_study(functools.partial(value_study, values=values), grid,
                                  n_sims=n, seed=1, checkpoint=path, progress=False)  # fmt: skip
    assert_same_bits(resumed.table, plain.table)


@settings(max_examples=25, deadline=None)
@given(values=st.lists(SCALARS, min_size=1, max_size=6).map(tuple), data=st.data())
def test_outputs_of_every_scalar_type_come_back_from_a_checkpoint_bit_for_bit(
    tmp_path_factory, values, data
):
    stop = data.draw(st.integers(0, len(values) - 1), label="stop")
    size = data.draw(st.integers(1, len(values)), label="batch_size")
    _check_types(values, stop, size, tmp_path_factory.mktemp("types"))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(values=st.lists(SCALARS, min_size=1, max_size=12).map(tuple), data=st.data())
def test_outputs_of_every_scalar_type_come_back_from_a_checkpoint_bit_for_bit_many(
    tmp_path_factory, values, data
):
    stop = data.draw(st.integers(0, len(values) - 1), label="stop")
    size = data.draw(st.integers(1, len(values)), label="batch_size")
    _check_types(values, stop, size, tmp_path_factory.mktemp("types"))


_ARGS = {"study": quick_study, "grid": GRID_Q, "n_sims": 3, "seed": 5}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"n_sims": 4}, "n_sims 3 there, 4 here"),
        ({"seed": 6}, r"seed np\.random\.SeedSequence\(5\) there, np\.random\.SeedSequence\(6\) here"),
        ({"seed": None}, r"seed np\.random\.SeedSequence\(5\) there, np\.random\.SeedSequence\(\d+\) here"),
        ({"seed": np.random.SeedSequence(5, spawn_key=(1,))},
         r"seed np\.random\.SeedSequence\(5\) there, np\.random\.SeedSequence\(5, "
         r"spawn_key=\(1,\)\) here"),
        ({"grid": {"n": [3, 7], "beta": [0.0, 0.25]}},
         r"grid 4 points over \['n', 'beta'\] \(digest \w{8}\) there, 4 points over "
         r"\['n', 'beta'\] \(digest \w{8}\) here"),
        ({"grid": {"n": [3, 7, 9], "beta": [0.0, 0.5]}}, r"grid 4 points .* there, 6 points .* here"),
        ({"study": other_study}, rf"study '{quick_study.__module__}.quick_study' there, "
                                 rf"'{quick_study.__module__}.other_study' here"),
        ({"study": other_study, "n_sims": 2}, r"study '.*' here; n_sims 3 there, 2 here"),
    ],
)  # fmt: skip
def test_a_checkpoint_of_another_study_is_refused_and_kept(tmp_path, change, message):
    path = tmp_path / "study.ckpt"
    cx.simulation_study(**_ARGS, checkpoint=path, progress=False)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=rf"^checkpoint: '.*study\.ckpt' was written by another "
                       rf"study: {message}\. To resume it, call with the arguments"):  # fmt: skip
        cx.simulation_study(**{**_ARGS, **change}, checkpoint=path, progress=False)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content", [b"", b"n,estimate\n3,0.5\n", b"0" * 32 + b' {"format": "other"}\n', b"\xff\xfe"]
)
def test_a_file_that_is_not_a_checkpoint_is_refused_and_kept(tmp_path, content):
    path = tmp_path / "results.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"^checkpoint: '.*results\.csv' exists and is not a "
                       r"simulation_study checkpoint; name a new file"):  # fmt: skip
        cx.simulation_study(**_ARGS, checkpoint=path, progress=False)
    assert path.read_bytes() == content


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"point": 9, "start": 0, "rows": [{"estimate": 1.0}], "failed": {}},
         r"line 2 is not a batch .*\(grid point 9, outside 0 to 3\)"),
        ({"point": 0, "start": 2, "rows": [{"estimate": 1.0}] * 2, "failed": {}},
         r"line 2 is not a batch .*beyond n_sims"),
        ({"point": 0, "start": 0, "rows": [{"estimate": {"numpy": "O", "bytes": "00"}}],
          "failed": {}}, r"line 2 is not a batch .*the NumPy type 'O'"),
        ({"point": 0, "start": 0, "rows": [{"estimate": {"pickle": "gASVAAAA"}}],
          "failed": {}}, r"line 2 is not a batch .*an unknown value"),
        ({"point": 0, "start": 0, "rows": [{"estimate": [1, 2]}], "failed": {}},
         r"line 2 is not a batch .*a value of type list"),
        ({"point": 0, "start": 0, "rows": [None], "failed": {}},
         r"line 2 is not a batch .*replication 0: neither a row nor a failure"),
        ({"point": 0, "rows": [{"estimate": 1.0}]}, r"line 2 is not a batch .*without the fields"),
        ({"point": 0, "start": 0, "rows": [{"n": 1.0}], "failed": {}},
         r"^study: the output key 'n' at grid point \(n=3, beta=0\.0\)"),
    ],
)  # fmt: skip
def test_a_checkpoint_line_that_passes_its_digest_but_is_no_batch_is_refused(
    tmp_path, record, message
):
    path = tmp_path / "study.ckpt"
    cx.simulation_study(**_ARGS, checkpoint=path, progress=False)
    header = path.read_bytes().splitlines(keepends=True)[0]
    path.write_bytes(header + mc._line(record))
    with pytest.raises(ValueError, match=message):
        cx.simulation_study(**_ARGS, checkpoint=path, progress=False)


def test_a_replication_stored_twice_is_refused(tmp_path):
    path = tmp_path / "study.ckpt"
    cx.simulation_study(**_ARGS, checkpoint=path, progress=False)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join([*lines, lines[1]]))
    with pytest.raises(ValueError, match=r"holds replication 0 of grid point \(n=3, beta=0\.0\) "
                       r"twice; delete the file"):  # fmt: skip
        cx.simulation_study(**_ARGS, checkpoint=path, progress=False)


def test_an_output_a_checkpoint_cannot_store_is_refused_by_name(tmp_path):
    def study(rng, n):
        return {"estimate": 0.5, "share": fractions.Fraction(1, 3)}

    with pytest.raises(ValueError, match=r"^checkpoint: output 'share' of the study at grid "
                       r"point \(n=3\), replication 0 is Fraction: Fraction\(1, 3\), which a "
                       r"checkpoint '.*' cannot store exactly"):  # fmt: skip
        cx.simulation_study(study, {"n": [3]}, n_sims=2, seed=1,
                            checkpoint=tmp_path / "s.ckpt", progress=False)  # fmt: skip
    # without a checkpoint nothing needs storing: the study runs as before
    res = cx.simulation_study(study, {"n": [3]}, n_sims=2, seed=1, progress=False)
    assert res.table["share"].tolist() == [fractions.Fraction(1, 3)] * 2


def test_bad_checkpoint_and_errors_arguments(tmp_path):
    call = functools.partial(cx.simulation_study, **_ARGS, progress=False)
    with pytest.raises(TypeError, match=r"^checkpoint must be a file name \(str or path\), got 5"):
        call(checkpoint=5)
    for bad in (tmp_path, tmp_path / "no such folder" / "s.ckpt", ""):
        with pytest.raises(ValueError, match=r"^checkpoint must name a file in a folder that "
                           r"exists \(e\.g\. 'study\.ckpt'\), got "):  # fmt: skip
            call(checkpoint=bad)
    with pytest.raises(
        ValueError, match=r"^errors must be one of \['raise', 'skip'\], got 'ignore'"
    ):
        call(errors="ignore")
    assert list(tmp_path.iterdir()) == []  # nothing written


# ------------------------------------------------------------- 3. too large, streamed


@settings(max_examples=25, deadline=None)
@given(n_points=st.integers(1, 4), data=st.data())
def test_a_study_too_large_to_hold_is_refused_at_once(n_points, data):
    n_sims = data.draw(st.integers(10**8 // n_points + 1, 10**15), label="n_sims")
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as caught:
            cx.simulation_study(quick_study, {"n": list(range(1, n_points + 1)), "beta": [0.0]},
                                n_sims=n_sims, seed=1, progress=False)  # fmt: skip
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(caught.value) == (
        f"n_sims: {n_points} grid point(s) x n_sims={n_sims} is {n_points * n_sims} "
        f"replications, more than the 100000000 (10**8) rows a result table may hold; use "
        f"fewer replications or split the grid over several calls."
    )
    assert peak < 1_000_000


def _peak_until_failure(n_points, n_sims, fail_at, n_jobs) -> int:
    study = functools.partial(failing_study, fail=frozenset({(1, 0.0, fail_at)}))
    grid = {"n": list(range(1, n_points + 1)), "beta": [0.0]}
    tracemalloc.start()
    try:
        with pytest.raises(RuntimeError, match=rf"\(n=1, beta=0\.0\), replication {fail_at}: "
                           rf"ValueError: failed at"):  # fmt: skip
            cx.simulation_study(study, grid, n_sims=n_sims, seed=1, n_jobs=n_jobs, progress=False)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _check_streaming(n_points, fail_at, n_jobs):
    # the largest study allowed (10**8 replications): its batches are made as they are
    # needed, so a failure early on comes at once and with the memory of a small study
    # (the whole task list took gigabytes)
    _peak_until_failure(n_points, 10**4, fail_at, n_jobs)  # imports, joblib's workers
    small = _peak_until_failure(n_points, 10**4, fail_at, n_jobs)
    huge = _peak_until_failure(n_points, 10**8 // n_points, fail_at, n_jobs)
    assert huge < small + 1_000_000
    assert huge < 20_000_000


@settings(max_examples=3, deadline=None)
@given(n_points=st.integers(1, 3), fail_at=st.integers(0, 800), n_jobs=st.sampled_from([1, 2]))
def test_a_huge_study_streams_its_batches(n_points, fail_at, n_jobs):
    _check_streaming(n_points, fail_at, n_jobs)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(n_points=st.integers(1, 6), fail_at=st.integers(0, 3000), n_jobs=st.sampled_from([1, 2]))
def test_a_huge_study_streams_its_batches_many(n_points, fail_at, n_jobs):
    _check_streaming(n_points, fail_at, n_jobs)


# ------------------------------------------------------------- 4. Dask


def test_dask_names_a_failing_replication_and_skips_like_joblib(cluster):
    on_dask = {"backend": "dask", "scheduler": cluster.scheduler_address, "batch_size": 2}
    call = functools.partial(cx.simulation_study, grid=GRID_Q, n_sims=6, seed=5, progress=False)
    for error in ("ValueError", "Unpicklable"):
        study = functools.partial(failing_study, fail=_cells([(2, 3)]), error=error)
        with pytest.raises(RuntimeError, match=rf"^study raised an exception at grid point 3 of "
                           rf"4 \(n=7, beta=0\.0\), replication 3: {error}: ") as caught:  # fmt: skip
            call(study, **on_dask)
        _check_cause(caught.value.__cause__, error)
    study = functools.partial(failing_study, fail=_cells([(2, 3), (0, 0), (3, 5)]))
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        res, local = call(study, errors="skip", **on_dask), call(study, errors="skip")
    assert res.n_failed == 3
    assert_same_bits(res.table, local.table)
    assert_same_bits(res.performance, local.performance)


def test_dask_keeps_a_few_batches_in_flight(cluster):
    from distributed import Client

    drawn, received, in_flight = [0], [], []

    def batches():
        for start in range(0, 120, 2):
            drawn[0] += 1
            yield 0, start, start + 2

    def receive(result):
        in_flight.append(drawn[0] - len(received))
        received.append(result)
        return True  # go on

    point = {"n": 3, "beta": 0.0}
    with Client(cluster.scheduler_address) as client:
        mc._run_dask(quick_study, [point], batches(), np.random.SeedSequence(5), True, client,
                     receive, in_flight=3)  # fmt: skip
    assert len(received) == 60 and max(in_flight) <= 3
    rows = [row for _, _, out in sorted(received, key=lambda x: x[1]) for row in out]
    local = cx.simulation_study(quick_study, {"n": [3], "beta": [0.0]}, n_sims=120, seed=5,
                                progress=False)  # fmt: skip
    assert [row["estimate"] for row in rows] == local.table["estimate"].tolist()


def suicidal_study(rng, n, beta):
    """Ends its process at replication 1 of every grid point, however often it runs."""
    if rng.bit_generator.seed_seq.spawn_key[-1] == 1:
        os._exit(1)
    return quick_study(rng, n, beta)


def test_dask_names_a_batch_that_keeps_killing_its_workers(cluster):
    with pytest.raises(RuntimeError, match=r"^simulation_study: the batch of replications 0 to "
                       r"1 at grid point \(n=3, beta=0\.0\) was lost with its worker 3 times "
                       r"\(KilledWorker: .*does the study end its own process\?"):  # fmt: skip
        cx.simulation_study(suicidal_study, {"n": [3], "beta": [0.0]}, n_sims=2, seed=5,
                            backend="dask", scheduler=cluster.scheduler_address,
                            batch_size=2, progress=False)  # fmt: skip


@pytest.fixture(scope="module")
def patient_cluster():
    """As ``cluster``, with the scheduler's own rerun of a lost task (allowed-failures 3,
    Dask's default)."""
    with _cluster(allowed_failures=3) as local:
        yield local


@pytest.mark.slow
@settings(max_examples=8, deadline=None)
@given(size=st.integers(1, 9), patient=st.booleans(), data=st.data())
def test_workers_killed_at_any_times_lose_nothing(
    reference, cluster, patient_cluster, tmp_path_factory, size, patient, data
):
    # each death costs the batches on that worker (running or queued) one try; a batch
    # may be tried 3 times on ``cluster`` (1 by the scheduler x 3 submissions) and 12
    # times on ``patient_cluster``: at most 2 deaths there, 4 here
    most = 4 if patient else 2
    kills = data.draw(st.lists(st.integers(0, 100), min_size=2, max_size=most, unique=True)
                      .map(sorted), label="kills")  # fmt: skip
    folder = tmp_path_factory.mktemp("kills")
    study = functools.partial(killing_study, folder=str(folder), kills=tuple(kills))
    where = patient_cluster if patient else cluster
    res = cx.simulation_study(
        study, GRID, n_sims=40, seed=3, truth="beta", backend="dask",
        scheduler=where.scheduler_address, batch_size=size, progress=False,
    )  # fmt: skip
    deaths = [(folder / f"killed-{j}").read_text().split() for j in range(len(kills))]
    assert len({pid for pid, _ in deaths}) == len(kills)  # each a different worker
    assert_same_bits(res.table, reference.table)


def test_dask_stops_with_a_named_error_when_no_worker_is_left(monkeypatch):
    # Dask waits for ever for a worker; the study stops after _NO_WORKERS seconds
    monkeypatch.setattr(mc, "_NO_WORKERS", 2.0)
    with _cluster(allowed_failures=3, n_workers=0) as empty, pytest.raises(
        RuntimeError, match=r"^simulation_study: the Dask cluster has had no workers for 2 s "
        r"\(they died and none came back, or none started\); the study stops here"
    ):  # fmt: skip
        cx.simulation_study(quick_study, GRID_Q, n_sims=2, seed=5, backend="dask",
                            scheduler=empty.scheduler_address, progress=False)  # fmt: skip
