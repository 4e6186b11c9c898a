"""Monte Carlo simulation studies over a grid, on joblib or a Dask cluster.

A simulation study repeats one small experiment many times: simulate data with known
truth, estimate, record the estimate, its interval and its test (Morris, White &
Crowther 2019). :func:`simulation_study` runs a user's function over a grid of
settings (effect sizes x sample sizes ...) times ``n_sims`` replications and returns
every replication as one tidy row plus a summary per grid point: mean and SD of the
estimate, its Monte Carlo standard error, bias and RMSE against a stated truth, the
coverage of the intervals and the rejection rate, each with its Monte Carlo SE.

Reproducibility does not depend on where the work runs. Replication *r* of a grid point
uses the random stream ``SeedSequence(seed, spawn_key=(*key(point), r))``, where
``key(point)`` turns each value of the point into a whole number (a non-negative
integer is itself; any other value is a 64-bit hash of its type and ``repr``, offset
past ``2**64`` so it never equals an integer value). The stream of a replication thus
depends only on ``seed``, the point's values and ``r``: not on the backend, the number of
workers, the batching, the order of the grid or which other points are in it. Each
batch runs with one BLAS thread (``threadpoolctl``), so the arithmetic is the same in
the main process, in a joblib worker and in a Dask worker: the tables are bit-identical.

Running on a cluster
--------------------
``backend="dask"`` sends batches of replications to ``dask.distributed``: with
``scheduler=None`` to a ``LocalCluster`` of single-threaded worker processes on this
machine, with ``scheduler="tcp://host:8786"`` to an existing cluster. Tasks are
submitted with retries and are not marked pure, and each carries the study function
(nothing is scattered), so a worker that dies mid-study costs only the batches it was
running: the scheduler reruns them elsewhere (same seeds, same rows), and a batch the
scheduler gives up on (``KilledWorker``) is submitted again, twice at most. A
``LocalCluster`` started here keeps restarting its workers however often they die; a
cluster left with no worker for 60 s (where Dask would wait for ever) stops the study
with an error.

How long a study takes on *W* single-threaded workers: with *c* the cost of one
replication, *o* the overhead of one task (a batch of *b* replications) and *s* the
start-up (client, cluster, shipping the function), *N* replications take about
:math:`T \\approx s + N c / W + (N / b)\\, o / W`. ``benchmarks/bench_simulation_study.py``
measures *c*, *o* and *s* on the machine it runs on and prints *T* for a large cluster.

Streaming, checkpoints and failures
-----------------------------------
Batches are made as they are needed: at most a few per worker wait in joblib's queue
or on the Dask cluster, so the memory a study takes is that of its result table (at
most ``10**8`` rows, ``n_points * n_sims``; larger studies are refused), whatever
``n_sims``. With ``checkpoint="study.ckpt"`` every finished batch is appended to that
file; a study that failed or was killed is resumed by calling again with the same
arguments, and gives the table an uninterrupted run gives, bit for bit (only the
missing replications run). The file is plain text, never pickle: a header naming the
study function (module and name), the grid (a digest of its values), ``n_sims`` and
the seed, then one JSON line per batch, each behind a BLAKE2b digest of itself. It is
created atomically (a temporary file and ``os.replace``), lines are only appended, and
a line cut short by a kill (or damaged) is dropped with everything after it when the
study resumes (the file is then rewritten atomically). Floats, complex numbers and
NumPy scalars are stored as their bytes, so the resumed values are the same bits.

A replication whose study raises stops the study (``errors="raise"``) with a
``RuntimeError`` naming the grid point and the replication, chained to the study's
exception; or, with ``errors="skip"``, is left out of ``.table``, counted in
``.performance["n_failed"]`` and ``.n_failed``, and reported in a ``RuntimeWarning``.

References
----------
Morris, T. P., White, I. R., & Crowther, M. J. (2019). Using simulation studies to
evaluate statistical methods. *Statistics in Medicine*, 38(11), 2074-2102.

Koehler, E., Brown, E., & Haneuse, S. J.-P. A. (2009). On the assessment of Monte Carlo
error in simulation-based statistical analyses. *The American Statistician*, 63(2),
155-162.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import itertools
import json
import math
import numbers
import os
import struct
import tempfile
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v
from ._result import Result

__all__ = ["SimulationStudyResult", "simulation_study"]

_BACKENDS = ("joblib", "dask")
_ERRORS = ("raise", "skip")
_RETRIES = 3  # resubmissions of a batch whose task failed (a dead worker is rerun anyway)
_LOST = 2  # resubmissions of a batch the scheduler gave up on (KilledWorker, cancelled)
_MAX_ROWS = 10**8  # the most rows (n_points * n_sims) a result table may have
_NO_WORKERS = 60.0  # seconds a Dask cluster may have no worker before the study stops
_FORMAT = "cxresearch.simulation_study checkpoint"
_VERSION = 1


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class SimulationStudyResult(Result):
    """What :func:`simulation_study` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per replication, sorted by grid point (in the grid's order) and then
        ``replication``: the grid columns, ``replication`` (0, 1, ...) and the study
        function's outputs. With ``errors="skip"``, replications that raised have no row.
    performance : pandas.DataFrame
        One row per grid point: the grid columns, ``n_sims``, with ``errors="skip"``
        ``n_failed`` (replications that raised and were skipped: the other columns
        describe the rest), ``n_missing`` (replications whose estimate is missing), and
        for the ``estimate`` output ``mean``, ``sd``, ``mean_mc_se`` (``sd / sqrt(n)``);
        with a ``truth``: ``truth``, ``bias``, ``bias_mc_se``, ``rmse``; with interval
        outputs and a truth: ``coverage`` and ``coverage_mc_se``; with a p-value output:
        ``rejection_rate`` and ``rejection_mc_se`` (a test rejects when ``p < 1 - ci``).
        Columns that cannot be computed are left out.
    n_sims : int
        Replications per grid point.
    n_points : int
        Grid points.
    backend : str
        ``"joblib"`` or ``"dask"``.
    n_failed : int
        Replications that raised and were skipped (``errors="skip"``; 0 otherwise).
    """

    performance: pd.DataFrame
    n_sims: int
    n_points: int
    backend: str
    n_failed: int = 0

    _title = "Simulation study"

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("performance per grid point (.performance)", self.performance)]

    def __repr__(self) -> str:
        head = ", ".join(f"{k}={v!r}" for k, v in self._scalars().items())
        return (
            f"{type(self).__name__}({head}, {len(self.table)} rows in .table)\n"
            f"{self.performance.head(8).round(4).to_string(index=False)}"
            + (
                f"\n... {len(self.performance) - 8} more grid points"
                if len(self.performance) > 8
                else ""
            )
        )


# --------------------------------------------------------------------------- seeds


def _key_part(value: Any) -> int:
    """A whole number standing for one grid value in the replication's spawn key."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        if value >= 0:
            return int(value)
    if isinstance(value, np.generic):
        value = value.item()
    text = f"{type(value).__name__}:{value!r}".encode()
    return 2**64 + int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def _replication_seed(
    seed: np.random.SeedSequence, point: Mapping[str, Any], replication: int
) -> np.random.SeedSequence:
    """The ``SeedSequence`` of one replication of one grid point (see the module notes)."""
    key = (*seed.spawn_key, *(_key_part(x) for x in point.values()), replication)
    return np.random.SeedSequence(seed.entropy, spawn_key=key)


# --------------------------------------------------------------------------- the work


@dataclasses.dataclass(frozen=True)
class _Failure:
    """A replication whose study raised: ``"TypeName: message"``, and with
    ``errors="raise"`` the exception itself and its traceback where it ran."""

    text: str
    error: BaseException | None = None
    trace: str = ""


def _failure(exc: Exception, keep: bool) -> _Failure:
    """The failure record of ``exc``; an exception that cannot travel back from a worker
    process (cloudpickle cannot rebuild it) is replaced by a RuntimeError with its text."""
    text = f"{type(exc).__name__}: {exc}"
    if not keep:
        return _Failure(text)
    trace = "".join(traceback.format_exception(exc))
    try:
        import cloudpickle

        cloudpickle.loads(cloudpickle.dumps(exc))
    except Exception:
        exc = RuntimeError(text)
    return _Failure(text, exc, trace)


def _run_batch(
    study: Callable[..., Mapping[str, Any]],
    point: dict[str, Any],
    i: int,
    start: int,
    stop: int,
    seed: np.random.SeedSequence,
    stop_on_error: bool,
) -> tuple[int, int, list[Any]]:
    """Run replications ``start`` to ``stop - 1`` of grid point ``i`` on one BLAS thread.

    Returns ``(i, start, outcomes)``: each outcome the study's dict or a ``_Failure``;
    with ``stop_on_error`` the outcomes end at the first failure.
    """
    from threadpoolctl import threadpool_limits

    out: list[Any] = []
    with threadpool_limits(limits=1, user_api="blas"):
        for r in range(start, stop):
            rng = v.make_rng(_replication_seed(seed, point, r))
            try:
                out.append(study(rng, **point))
            except Exception as exc:  # the study's own error: named by the main process
                out.append(_failure(exc, keep=stop_on_error))
                if stop_on_error:
                    break
    return i, start, out


def _pending(
    n_points: int, n_sims: int, size: int, spans: Mapping[int, list[tuple[int, int]]]
) -> Iterator[tuple[int, int, int]]:
    """The batches ``(point, start, stop)`` still to run, made one at a time.

    ``spans`` holds the finished ``(start, stop)`` replications of each point.

    Examples
    --------
    >>> list(_pending(2, 5, 2, {0: [(1, 3)]}))
    [(0, 0, 1), (0, 3, 5), (1, 0, 2), (1, 2, 4), (1, 4, 5)]
    """
    for i in range(n_points):
        at = 0
        for low, high in [*sorted(spans.get(i, ())), (n_sims, n_sims)]:
            for start in range(at, low, size):
                yield i, start, min(start + size, low)
            at = max(at, high)


def _auto_batch(n_points: int, n_sims: int, workers: int) -> int:
    """About 8 tasks per worker, at most 200 replications per task."""
    per_task = math.ceil(n_points * n_sims / (8 * max(1, workers)))
    return int(min(n_sims, 200, max(1, per_task)))


def _n_workers(n_jobs: int) -> int:
    cores = os.cpu_count() or 1
    return cores if n_jobs < 0 else n_jobs


def _run_joblib(study, points, batches, seed, stop, n_jobs, receive) -> None:
    """Run the batches on joblib (at most ``2 * n_jobs`` queued), handing each to ``receive``.

    Once ``receive`` returns False (a replication failed), no further batch is started;
    the ones already running finish and are received (the worker processes live on).
    """
    from joblib import Parallel, delayed

    going = [True]

    def calls():
        for i, a, b in batches:
            if not going[0]:
                return
            yield delayed(_run_batch)(study, points[i], i, a, b, seed, stop)

    results = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(calls())
    try:
        for result in results:
            going[0] = bool(receive(result)) and going[0]
    finally:
        with warnings.catch_warnings():
            # closing the generator early (Ctrl-C, an error) cancels the queued batches,
            # which is the intent; joblib warns that their work was not used
            warnings.filterwarnings(
                "ignore",
                message=r".*You could benefit from adjusting the input task iterator",
                category=UserWarning,
            )
            results.close()


def _dask_client(scheduler: str | None, n_jobs: int) -> tuple[Any, Any]:
    """A ``distributed.Client`` (and the ``LocalCluster`` it owns, or None)."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler), None
    cluster = LocalCluster(
        n_workers=_n_workers(n_jobs),
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster


def _run_dask(study, points, batches, seed, stop, client, receive, in_flight) -> None:
    """Run the batches on Dask, at most ``in_flight`` at a time, handing each to ``receive``.

    The study travels inside each task rather than scattered once: a scattered copy
    lives only on the workers, and if every worker holding it dies the remaining tasks
    fail for a lost dependency ("already forgotten") instead of rerunning. A batch lost
    with its worker is rerun by the scheduler; one it gives up on is submitted again.
    Once ``receive`` returns False (a replication failed), no further batch is submitted;
    the ones in flight finish and are received.
    """
    from concurrent.futures import CancelledError

    from distributed import KilledWorker, as_completed

    queue, running = as_completed(), {}

    def submit(batch: tuple[int, int, int], attempt: int) -> None:
        i, a, b = batch
        future = client.submit(
            _run_batch, study, points[i], i, a, b, seed, stop, retries=_RETRIES, pure=False
        )
        running[future] = (batch, attempt)
        queue.add(future)

    going = True
    try:
        for batch in itertools.islice(batches, in_flight):
            submit(batch, 0)
        for future in _completed(queue, client):
            batch, attempt = running.pop(future)
            try:
                result = future.result()
            except (KilledWorker, CancelledError) as exc:
                if not going:  # a replication failed already: let this one go
                    continue
                if attempt < _LOST:
                    submit(batch, attempt + 1)
                    continue
                raise RuntimeError(_lost_message(points, batch, attempt + 1, exc)) from exc
            except Exception as exc:  # not the study's error (those come back as rows)
                i, a, b = batch
                raise RuntimeError(
                    f"simulation_study: the batch of {_replications(a, b)} at grid point "
                    f"({_where(points[i])}) failed on the cluster: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            going = bool(receive(result)) and going
            for batch in itertools.islice(batches, 1 if going else 0):
                submit(batch, 0)
    finally:
        if running:
            client.cancel(list(running))


def _completed(queue: Any, client: Any) -> Iterator[Any]:
    """The futures of ``queue`` as they finish (futures added meanwhile included); a
    ``RuntimeError`` once the cluster has had no worker for ``_NO_WORKERS`` seconds
    (they died and none came back): Dask itself would wait for ever."""
    import time

    checked, empty_since = time.monotonic(), None
    while not queue.is_empty():
        done = queue.next_batch(block=False)
        yield from done
        now = time.monotonic()
        if done:
            empty_since = None
        elif now - checked < 1:  # look at the cluster once a second while nothing finishes
            time.sleep(0.02)
        elif client.scheduler_info(n_workers=1).get("n_workers"):
            checked, empty_since = now, None
        elif empty_since is None:
            checked, empty_since = now, now
        elif now - empty_since >= _NO_WORKERS:
            raise RuntimeError(
                f"simulation_study: the Dask cluster has had no workers for {_NO_WORKERS:g} s "
                f"(they died and none came back, or none started); the study stops here. "
                f"Start workers and call again: with a checkpoint, only the unfinished "
                f"replications run."
            )
        else:
            checked = now


def _lost_message(points, batch, times, exc) -> str:
    i, a, b = batch
    return (
        f"simulation_study: the batch of {_replications(a, b)} at grid point "
        f"({_where(points[i])}) was lost with its worker {times} times "
        f"({type(exc).__name__}: {exc}); does the study end its own process?"
    )


def _replications(start: int, stop: int) -> str:
    return f"replication {start}" if stop == start + 1 else f"replications {start} to {stop - 1}"


def _where(point: Mapping[str, Any]) -> str:
    return ", ".join(f"{c}={x!r}" for c, x in point.items())


# --------------------------------------------------------------------------- checkpoints


def _study_name(study: Callable[..., Any]) -> str:
    """``module.qualname`` of the study (of the function inside a ``functools.partial``)."""
    while isinstance(study, functools.partial):
        study = study.func
    owner = study if hasattr(study, "__qualname__") else type(study)
    return f"{getattr(owner, '__module__', '?')}.{owner.__qualname__}"


def _header(study, points, columns, n_sims, root) -> dict[str, Any]:
    """What identifies a study in its checkpoint: function, grid, ``n_sims``, seed."""
    digest = hashlib.blake2b(json.dumps(columns).encode(), digest_size=16)
    for point in points:
        digest.update(json.dumps([_key_part(x) for x in point.values()]).encode())
    entropy = root.entropy
    entropy = int(entropy) if isinstance(entropy, numbers.Integral) else [int(e) for e in entropy]
    return {
        "format": _FORMAT,
        "version": _VERSION,
        "study": _study_name(study),
        "grid": {"columns": columns, "n_points": len(points), "digest": digest.hexdigest()},
        "n_sims": n_sims,
        "seed": {"entropy": entropy, "spawn_key": [int(k) for k in root.spawn_key]},
    }


def _line(record: dict[str, Any]) -> bytes:
    """One line of the checkpoint: the BLAKE2b digest of the JSON text, then the text."""
    text = json.dumps(record, allow_nan=False, separators=(",", ":"))
    digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return f"{digest} {text}\n".encode("ascii")


def _parse(line: bytes) -> Any:
    """The record on a checkpoint line, or None if the line is cut short or damaged."""
    digest, _, text = line.partition(b" ")
    if not line.endswith(b"\n"):
        return None
    if hashlib.blake2b(text[:-1], digest_size=16).hexdigest().encode() != digest:
        return None

    def refuse(constant: str) -> None:
        raise ValueError(constant)

    try:
        return json.loads(text, parse_constant=refuse)
    except (ValueError, RecursionError):
        return None


_NUMPY_KINDS = "biufcmM"  # bool, integers, floats, complex, datetimes: stored as bytes


def _encode(value: Any) -> Any:
    """A study output as JSON, exactly (floats and NumPy scalars by their bytes).

    Examples
    --------
    >>> _encode(0.1), _encode(float("nan")), _encode(np.float32(1.5))
    (0.1, {'float': '000000000000f87f'}, {'numpy': '<f4', 'bytes': '0000c03f'})
    >>> type(_decode(_encode(np.float32(1.5)))).__name__, float(_decode(_encode(np.float32(1.5))))
    ('float32', 1.5)
    """
    kind = type(value)
    if kind is int and value.bit_length() > 10_000:  # past what json writes and reads
        raise TypeError("an int of more than 10,000 bits")
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"float": struct.pack("<d", value).hex()}
    if kind is complex:
        return {"complex": struct.pack("<dd", value.real, value.imag).hex()}
    if kind is np.str_:
        return {"numpy_str": str(value)}
    if isinstance(value, np.generic | np.ndarray) and value.dtype.kind in _NUMPY_KINDS:
        if np.ndim(value) == 0:
            tag = "numpy" if isinstance(value, np.generic) else "array"
            return {tag: value.dtype.str, "bytes": value.tobytes().hex()}
    raise TypeError(type(value).__name__)


def _decode(obj: Any) -> Any:
    """The inverse of :func:`_encode`; ``ValueError`` for anything it does not write."""
    if obj is None or type(obj) in (bool, int, str, float):
        return obj
    if type(obj) is not dict:
        raise ValueError(f"a value of type {type(obj).__name__}")
    if obj.keys() == {"float"}:
        return struct.unpack("<d", bytes.fromhex(obj["float"]))[0]
    if obj.keys() == {"complex"}:
        return complex(*struct.unpack("<dd", bytes.fromhex(obj["complex"])))
    if obj.keys() == {"numpy_str"} and isinstance(obj["numpy_str"], str):
        return np.str_(obj["numpy_str"])
    tag = next((t for t in ("numpy", "array") if obj.keys() == {t, "bytes"}), None)
    if tag is None or not isinstance(obj[tag], str) or not isinstance(obj["bytes"], str):
        raise ValueError(f"an unknown value {str(obj)[:60]}")
    dtype = np.dtype(obj[tag])
    if dtype.kind not in _NUMPY_KINDS:
        raise ValueError(f"the NumPy type {obj[tag]!r}")
    value = np.frombuffer(bytes.fromhex(obj["bytes"]), dtype=dtype).reshape(())
    return value[()] if tag == "numpy" else value.copy()


def _encode_batch(i: int, start: int, outcomes: list[Any], points, path: str) -> bytes:
    """A finished batch as a checkpoint line (failed replications: ``null`` + message)."""
    rows, failed = [], {}
    for k, out in enumerate(outcomes):
        if isinstance(out, _Failure):
            rows.append(None)
            failed[str(k)] = out.text
            continue
        row = {}
        for key, value in out.items():
            try:
                row[key] = _encode(value)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"checkpoint: output {key!r} of the study at grid point "
                    f"({_where(points[i])}), replication {start + k} is {exc}: {_short(value)}, "
                    f"which a checkpoint {path!r} cannot store exactly (it stores None, "
                    f"bool, int, float, complex, str and NumPy numbers); return a float "
                    f"or a string instead, or run without checkpoint."
                ) from None
        rows.append(row)
    return _line({"point": i, "start": start, "rows": rows, "failed": failed})


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int too long to write
        return f"<{type(value).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


def _decode_batch(record: Any, n_points: int, n_sims: int) -> tuple[int, int, list[Any]]:
    """``(point, start, outcomes)`` from a checkpoint record; ``ValueError`` if malformed."""
    if type(record) is not dict or record.keys() != {"point", "start", "rows", "failed"}:
        raise ValueError("a record without the fields point, start, rows, failed")
    i, start, rows, failed = (record[k] for k in ("point", "start", "rows", "failed"))
    if type(i) is not int or not 0 <= i < n_points:
        raise ValueError(f"grid point {i!r}, outside 0 to {n_points - 1}")
    if type(rows) is not list or type(start) is not int or not rows:
        raise ValueError("no replications")
    if not 0 <= start <= start + len(rows) <= n_sims or type(failed) is not dict:
        raise ValueError(f"replications {start!r} to {start + len(rows) - 1}, beyond n_sims")
    outcomes: list[Any] = []
    for k, row in enumerate(rows):
        if row is None and isinstance(failed.get(str(k)), str):
            outcomes.append(_Failure(failed[str(k)]))
        elif type(row) is dict and row and str(k) not in failed:
            outcomes.append({key: _decode(x) for key, x in row.items()})
        else:
            raise ValueError(f"replication {start + k}: neither a row nor a failure")
    return i, start, outcomes


class _Checkpoint:
    """The checkpoint file, open for appending one line per finished batch."""

    def __init__(self, path: str, header: dict[str, Any]) -> None:
        self.path = path
        self.header = header
        self.file: Any = None

    def load(self, points, check_row) -> tuple[list[tuple[int, int, list[Any]]], bool]:
        """The batches it holds (each row checked) and whether the file ends cleanly;
        a new file gets its header."""
        if not os.path.exists(self.path):
            self.rewrite([], points)
            return [], True
        with open(self.path, "rb") as file:
            head = _parse(file.readline())
            if type(head) is not dict or head.get("format") != _FORMAT:
                raise ValueError(
                    f"checkpoint: {self.path!r} exists and is not a simulation_study "
                    f"checkpoint; name a new file (it is never overwritten)."
                )
            self.compare(head)
            batches, clean = self.read(file, len(points))
        spans: dict[int, list[tuple[int, int]]] = {}
        for i, start, outcomes in batches:
            spans.setdefault(i, []).append((start, start + len(outcomes)))
            for k, row in enumerate(outcomes):
                if not isinstance(row, _Failure):
                    check_row(i, start + k, row)
        for i, runs in spans.items():
            for (_, stop), (start, _) in itertools.pairwise(sorted(runs)):
                if start < stop:
                    raise ValueError(
                        f"checkpoint: {self.path!r} holds replication {start} of grid point "
                        f"({_where(points[i])}) twice; delete the file or name another to "
                        f"start afresh."
                    )
        return batches, clean

    def read(self, file: Any, n_points: int) -> tuple[list[tuple[int, int, list[Any]]], bool]:
        """The batches after the header, up to the first line cut short or damaged (and
        whether there was none); ``ValueError`` for a line no version of this wrote."""
        batches = []
        for number, line in enumerate(file, start=2):
            record = _parse(line)
            if record is None:  # cut short by a kill, or damaged: run it again
                return batches, False
            try:
                batches.append(_decode_batch(record, n_points, self.header["n_sims"]))
            except Exception as exc:  # whatever the line holds, the error names the file
                raise ValueError(
                    f"checkpoint: {self.path!r} line {number} is not a batch this "
                    f"version of cxresearch wrote ({exc}); delete the file or name "
                    f"another to start afresh."
                ) from None
        return batches, True

    def compare(self, head: dict[str, Any]) -> None:
        """Refuse a checkpoint written by another study (function, grid, n_sims, seed)."""
        ours = self.header
        if head.get("version") != _VERSION:
            raise ValueError(
                f"checkpoint: {self.path!r} has version {head.get('version')!r}; this "
                f"cxresearch reads version {_VERSION}. Name a new file to start afresh."
            )
        diffs = [
            f"{key} {_describe(key, head.get(key))} there, {_describe(key, ours[key])} here"
            for key in ("study", "grid", "n_sims", "seed")
            if head.get(key) != ours[key]
        ]
        if diffs:
            raise ValueError(
                f"checkpoint: {self.path!r} was written by another study: "
                f"{'; '.join(diffs)}. To resume it, call with the arguments it was written "
                f"with (a run with seed=None is resumed with the seed it shows); to start "
                f"afresh, name a new file."
            )

    def rewrite(self, batches: list[tuple[int, int, list[Any]]], points) -> None:
        """Write the header and ``batches`` atomically: a temporary file, then os.replace."""
        folder = os.path.dirname(os.path.abspath(self.path))
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".checkpoint-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(_line(self.header))
                for i, start, outcomes in batches:
                    file.write(_encode_batch(i, start, outcomes, points, self.path))
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(temp)
            raise

    def append(self, i: int, start: int, outcomes: list[Any], points) -> None:
        line = _encode_batch(i, start, outcomes, points, self.path)
        if self.file is None:
            self.file = open(self.path, "ab")  # closed by close()
        self.file.write(line)
        self.file.flush()  # in the kernel's hands: a killed process loses nothing

    def close(self) -> None:
        if self.file is not None:
            with contextlib.suppress(OSError):
                os.fsync(self.file.fileno())
            self.file.close()
            self.file = None


def _describe(key: str, value: Any) -> str:
    if key == "grid" and isinstance(value, dict):
        return (
            f"{value.get('n_points')} points over {value.get('columns')} "
            f"(digest {str(value.get('digest'))[:8]})"
        )
    if key == "seed" and isinstance(value, dict):
        key_part = value.get("spawn_key") or []
        tail = f", spawn_key={tuple(key_part)}" if key_part else ""
        return f"np.random.SeedSequence({value.get('entropy')}{tail})"
    return repr(value)


# --------------------------------------------------------------------------- receiving


class _Work:
    """The finished batches: each checked, checkpointed and counted as it arrives.

    With ``errors="raise"`` the first failed replication is kept (the batch's earlier
    replications are saved) and raised by :meth:`raise_failure` once the batches already
    running are in.
    """

    def __init__(self, points, columns, errors, store, path) -> None:
        self.points, self.columns, self.errors = points, columns, errors
        self.store, self.path = store, path
        self.done: dict[tuple[int, int], list[Any]] = {}
        self.n_done = 0
        self.bar: Any = None
        self.failure: tuple[int, int, _Failure] | None = None  # the first, errors="raise"

    def check_row(self, i: int, r: int, row: Any) -> None:
        where = f"study at grid point ({_where(self.points[i])}), replication {r}"
        row = v.check_study_row(row, where)
        clash = [key for key in row if key in self.columns or key == "replication"]
        if clash:
            raise ValueError(
                f"study: the output key {clash[0]!r} at grid point ({_where(self.points[i])}) "
                f"is also a grid column or 'replication'; rename the output."
            )

    def restore(self, batches: list[tuple[int, int, list[Any]]]) -> bool:
        """Take the checkpoint's batches; with errors="raise" its failed replications
        are left out, to run again. Returns whether any were left out."""
        dropped = False
        for i, start, outcomes in batches:
            if self.errors == "skip":
                self.keep(i, start, outcomes)
                continue
            for ok, run in itertools.groupby(
                enumerate(outcomes), key=lambda x: not isinstance(x[1], _Failure)
            ):
                run = list(run)
                if ok:
                    self.keep(i, start + run[0][0], [row for _, row in run])
                dropped = dropped or not ok
        return dropped

    def keep(self, i: int, start: int, outcomes: list[Any], save: bool = False) -> None:
        if not outcomes:
            return
        if save and self.store is not None:
            self.store.append(i, start, outcomes, self.points)
        self.done[(i, start)] = outcomes
        self.n_done += len(outcomes)
        if self.bar is not None:
            self.bar.update(len(outcomes))

    def spans(self) -> dict[int, list[tuple[int, int]]]:
        spans: dict[int, list[tuple[int, int]]] = {}
        for (i, start), outcomes in self.done.items():
            spans.setdefault(i, []).append((start, start + len(outcomes)))
        return spans

    def receive(self, result: tuple[int, int, list[Any]]) -> bool:
        """Check, save and count a finished batch; False once a replication has failed
        with errors="raise" (no more batches should start)."""
        i, start, outcomes = result
        failed = next((k for k, x in enumerate(outcomes) if isinstance(x, _Failure)), None)
        if self.errors == "raise" and failed is not None:
            outcomes, failure = outcomes[:failed], outcomes[failed]
            self.failure = self.failure or (i, start + failed, failure)
        for k, row in enumerate(outcomes):
            if not isinstance(row, _Failure):
                self.check_row(i, start + k, row)
        self.keep(i, start, outcomes, save=True)
        return self.failure is None

    def raise_failure(self) -> None:
        """Raise the first failure received (errors="raise"), naming its point and
        replication and where the finished work is."""
        if self.failure is None:
            return
        i, r, failure = self.failure
        if self.store is not None:
            kept = (
                f"The {self.n_done} replications finished so far are saved in the "
                f"checkpoint {self.path!r}: call again with the same arguments to resume "
                f"(only the unfinished replications run)"
            )
        else:
            kept = (
                f"The {self.n_done} replications finished so far are discarded: pass "
                f"checkpoint='study.ckpt' to keep finished work"
            )
        error = failure.error
        if error is not None and error.__traceback__ is None and failure.trace:
            error.add_note(f"Traceback where the replication ran:\n{failure.trace}")
        raise RuntimeError(
            f"study raised an exception at grid point {i + 1} of {len(self.points)} "
            f"({_where(self.points[i])}), replication {r}: {failure.text}. {kept}; "
            f"errors='skip' skips failing replications and counts them."
        ) from error


# --------------------------------------------------------------------------- tables


def _table(work: _Work, n_sims: int) -> tuple[pd.DataFrame, list[int], list[int]]:
    """The table in grid and replication order, the rows and the failures per point."""
    by_point: dict[int, list[int]] = {}
    for i, start in work.done:
        by_point.setdefault(i, []).append(start)
    records, counts, failed, first = [], [], [], None
    for i, point in enumerate(work.points):
        n_rows = n_failed = 0
        for start in sorted(by_point.get(i, ())):
            for r, row in enumerate(work.done.pop((i, start)), start=start):
                if isinstance(row, _Failure):
                    n_failed += 1
                    first = first or (i, r, row)
                    continue
                records.append({**point, "replication": r, **row})
                n_rows += 1
        counts.append(n_rows)
        failed.append(n_failed)
    if first is not None:
        _warn_failures(work.points, first, failed, n_sims)
    return pd.DataFrame.from_records(records), counts, failed


def _warn_failures(points, first, failed: list[int], n_sims: int) -> None:
    i, r, failure = first
    total = len(points) * n_sims
    where = f"the first at grid point ({_where(points[i])}), replication {r}: {failure.text}"
    if sum(failed) == total:
        raise RuntimeError(
            f"study raised an exception in every one of the {total} replications "
            f"(errors='skip' leaves nothing to summarise); {where}."
        ) from failure.error
    warnings.warn(
        f"simulation_study: {sum(failed)} of {total} replications raised an exception and "
        f"were skipped (errors='skip'); {where}. .performance['n_failed'] counts them "
        f"per grid point.",
        RuntimeWarning,
        stacklevel=4,
    )


def _share(hit: np.ndarray) -> tuple[float, float]:
    n = len(hit)
    p = float(hit.mean()) if n else math.nan
    return p, math.sqrt(p * (1 - p) / n) if n else math.nan


def _summary_row(
    part: pd.DataFrame, names: dict[str, Any], truth: Any, ci: float, point: dict[str, Any]
) -> dict:
    row: dict[str, Any] = {}
    est_col = names["estimate"]
    if est_col is not None:
        est = part[est_col].to_numpy(dtype=float)
        ok = ~np.isnan(est)
        e = est[ok]
        n = len(e)
        sd = float(np.std(e, ddof=1)) if n > 1 else math.nan
        row.update(n_missing=int((~ok).sum()), mean=float(e.mean()) if n else math.nan, sd=sd)
        row["mean_mc_se"] = sd / math.sqrt(n) if n else math.nan
    if truth is not None:
        t = (
            part[truth].to_numpy(dtype=float)
            if isinstance(truth, str)
            else np.full(len(part), truth)
        )
        if len(t):
            row["truth"] = float(t[0]) if np.all(t == t[0]) else float(np.mean(t))
        else:  # every replication of the point failed (errors="skip"): a grid column's value
            known = not isinstance(truth, str) or truth in point
            row["truth"] = (
                float(point[truth] if isinstance(truth, str) else truth) if known else math.nan
            )
        if est_col is not None:
            err = (est - t)[ok]
            row["bias"] = float(err.mean()) if len(err) else math.nan
            row["bias_mc_se"] = row["mean_mc_se"]
            row["rmse"] = float(np.sqrt(np.mean(err**2))) if len(err) else math.nan
        if names["interval"] is not None:
            lo, hi = (part[c].to_numpy(dtype=float) for c in names["interval"])
            row["coverage"], row["coverage_mc_se"] = _share((lo <= t) & (t <= hi))
    if names["p_value"] is not None:
        p = part[names["p_value"]].to_numpy(dtype=float)
        row["rejection_rate"], row["rejection_mc_se"] = _share(np.nan_to_num(p, nan=1.0) < 1 - ci)
    return row


def _summary(table, counts, failed, points, names, truth, ci, n_sims, errors) -> pd.DataFrame:
    """One row per grid point; ``counts`` rows of the table belong to each, in order."""
    rows, at = [], 0
    for point, n_rows, n_failed in zip(points, counts, failed, strict=True):
        part = table.iloc[at : at + n_rows]
        at += n_rows
        row = {**point, "n_sims": n_sims}
        if errors == "skip":
            row["n_failed"] = n_failed
        rows.append({**row, **_summary_row(part, names, truth, ci, point)})
    return pd.DataFrame(rows)


def _output_names(
    table: pd.DataFrame, columns: list[str], estimate: Any, truth: Any, interval: Any, p_value: Any
) -> tuple[dict[str, Any], Any]:
    """Which outputs the summary uses; a name given explicitly must exist."""
    available = [c for c in table.columns if c not in columns and c != "replication"]

    def pick(value: Any, default: Any, argument: str) -> Any:
        if value is None:
            return None
        wanted = [value] if isinstance(value, str) else list(value)
        missing = [w for w in wanted if w not in table.columns]
        if missing and value == default:
            return None  # the default name is optional
        if missing:
            raise ValueError(
                f"{argument}: the study returns no output {missing[0]!r}; its outputs are "
                f"{v.format_values(available, 12)}."
            )
        return value

    names = {
        "estimate": pick(estimate, "estimate", "estimate"),
        "interval": pick(interval, ("ci_low", "ci_high"), "interval"),
        "p_value": pick(p_value, "p_value", "p_value"),
    }
    if isinstance(truth, str):
        truth = pick(truth, None, "truth")
    return names, truth


# --------------------------------------------------------------------------- the function


def simulation_study(
    study: Callable[..., Mapping[str, Any]],
    grid: Mapping[str, Sequence[Any]] | pd.DataFrame,
    *,
    n_sims: int,
    seed: int | np.random.Generator | np.random.SeedSequence | None,
    backend: str = "joblib",
    scheduler: str | None = None,
    n_jobs: int | None = None,
    batch_size: int | None = None,
    estimate: str | None = "estimate",
    truth: float | str | None = None,
    interval: tuple[str, str] | None = ("ci_low", "ci_high"),
    p_value: str | None = "p_value",
    ci: float = 0.95,
    checkpoint: str | os.PathLike | None = None,
    errors: str = "raise",
    progress: bool = True,
    label: str = "simulation study",
) -> SimulationStudyResult:
    """Run a Monte Carlo study: a function of (rng, settings) over a grid x ``n_sims``.

    Parameters
    ----------
    study : callable
        ``study(rng, **point) -> dict``: simulate one data set with the NumPy Generator
        ``rng`` (seeded for this replication; its ``SeedSequence`` is
        ``rng.bit_generator.seed_seq``) and one grid point's values as keyword
        arguments, estimate, and return a dict of scalars (numbers, booleans, strings,
        None), e.g. ``{"estimate": b, "ci_low": lo, "ci_high": hi, "p_value": p}``.
        For ``n_jobs > 1`` and Dask it must be picklable (cloudpickle: a function
        defined in a notebook works).
    grid : dict of lists, or DataFrame
        The settings. A dict of lists is crossed (every combination, the first key
        varying slowest); a DataFrame gives the points row by row. Its keys/columns are
        the keyword arguments of ``study``.
    n_sims : int
        Replications per grid point; ``n_sims`` times the number of grid points (the
        rows of ``.table``) may be at most ``10**8``.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Root of every replication's stream (see the module notes). Required: pass
        ``None`` explicitly for a fresh, irreproducible run.
    backend : {"joblib", "dask"}, default "joblib"
        Where the batches run: joblib processes on this machine, or ``dask.distributed``.
    scheduler : str, optional
        Dask only: the address of a running scheduler (``"tcp://host:8786"``). Without
        it a ``LocalCluster`` of single-threaded worker processes is started and closed.
    n_jobs : int, optional
        joblib workers (default 1; -1 = all cores), or the workers of the
        ``LocalCluster`` (default: all cores). Ignored with a ``scheduler``.
    batch_size : int, optional
        Replications per task. Default: about 8 tasks per worker, at most 200.
        Results do not depend on it.
    estimate : str or None, default "estimate"
        The output summarised by ``mean``, ``sd``, ``bias`` and ``rmse``.
    truth : float or str, optional
        The true value: a number, or the name of a grid column or an output (e.g. the
        effect size the point simulates). Without it there is no bias, RMSE or coverage.
    interval : (str, str) or None, default ("ci_low", "ci_high")
        The outputs holding the interval whose coverage of ``truth`` is reported.
    p_value : str or None, default "p_value"
        The output holding a test's p-value; ``rejection_rate`` is the share of
        replications with ``p < 1 - ci`` (the power, or the size when the truth is 0).
    ci : float, default 0.95
        The confidence level the intervals and tests are read at.
    checkpoint : str or path, optional
        A file that keeps every finished batch (created if missing). Calling again with
        the same arguments after a failure or a killed run resumes the study: only the
        missing replications run, and the table is the uninterrupted one, bit for bit.
        The file records the study function's module and name, the grid, ``n_sims``
        and the seed, and is refused for any other study. It is kept when the study
        ends (a further call reads the result from it) and must not be shared by two
        running studies. Outputs must then be None, bool, int, float, complex, str or
        NumPy numbers (anything else, e.g. a ``Fraction``, is refused by name).
    errors : {"raise", "skip"}, default "raise"
        A replication whose study raises: stop with a ``RuntimeError`` naming the grid
        point and the replication (``"raise"``: no further batch starts; those already
        running finish, and with a checkpoint are saved), or leave it out of ``.table``,
        count it in ``.performance["n_failed"]`` and ``.n_failed`` and warn (``"skip"``).
    progress : bool, default True
        A tqdm progress bar (in notebooks the widget one).
    label : str, default "simulation study"
        The progress bar's label.

    Default output names (``estimate``, ``ci_low``/``ci_high``, ``p_value``) are used
    when the study returns them and skipped otherwise; a name given explicitly must be
    an output.

    Returns
    -------
    SimulationStudyResult
        ``.table`` one row per replication, ``.performance`` one row per grid point (see
        :class:`SimulationStudyResult`).

    Raises
    ------
    TypeError
        ``study`` not callable, a grid that is not a dict of lists or a DataFrame, a
        study that does not return a dict of scalars (the message names the grid point,
        the replication and the key), a ``checkpoint`` that is not a file name.
    ValueError
        An empty grid or an empty list in it, grid keys that ``study`` does not take,
        ``n_sims < 1``, more than ``10**8`` replications in all, an unknown
        ``backend`` or ``errors``, ``scheduler`` with joblib, an output name that the
        study does not return; a ``checkpoint`` written by another study, not a
        checkpoint at all, or asked to store an output it cannot store exactly.
    RuntimeError
        With ``errors="raise"``, a replication whose study raised (chained to that
        exception: ``from``); with ``errors="skip"``, every replication raised; on Dask,
        a batch lost with its worker three times, or a cluster without a worker for 60 s.

    Warns
    -----
    RuntimeWarning
        With ``errors="skip"``, how many replications raised and were skipped, and the
        first of them.

    Notes
    -----
    For each grid point with replications :math:`\\hat\\theta_1, \\dots,
    \\hat\\theta_R`: mean :math:`\\bar\\theta`, SD :math:`s`, Monte Carlo SE of the mean
    and of the bias :math:`s/\\sqrt R`; RMSE :math:`\\sqrt{\\frac1R \\sum(\\hat\\theta_r
    - \\theta)^2}`; coverage :math:`\\hat c = \\frac1R \\sum 1[l_r \\le \\theta \\le u_r]`
    and rejection rate :math:`\\hat p = \\frac1R\\sum 1[p_r < 1 - \\mathrm{ci}]`, each
    with Monte Carlo SE :math:`\\sqrt{\\hat c(1-\\hat c)/R}` (Morris et al. 2019,
    Table 6). Replications with a missing estimate are left out of the mean, SD, bias
    and RMSE (counted in ``n_missing``); a missing interval does not cover and a
    missing p-value does not reject. Skipped replications (``errors="skip"``) are left
    out of every measure, *R* counting the others.

    Examples
    --------
    The sample mean of normal data, its 95% t interval and a t-test of mean 0:

    >>> from scipy import stats
    >>> def mean_study(rng, n, mu):
    ...     x = rng.normal(mu, 1.0, size=n)
    ...     t = stats.ttest_1samp(x, 0.0)
    ...     lo, hi = t.confidence_interval(0.95)
    ...     return {"estimate": x.mean(), "ci_low": lo, "ci_high": hi, "p_value": t.pvalue}
    >>> res = simulation_study(
    ...     mean_study,
    ...     {"n": [20, 80], "mu": [0.0, 0.5]},
    ...     n_sims=200,
    ...     seed=1,
    ...     truth="mu",
    ...     progress=False,
    ... )
    >>> res.performance[["n", "mu", "mean", "coverage", "rejection_rate"]].round(3)
        n   mu   mean  coverage  rejection_rate
    0  20  0.0 -0.023     0.965           0.035
    1  20  0.5  0.513     0.950           0.565
    2  80  0.0 -0.008     0.945           0.055
    3  80  0.5  0.499     0.960           1.000
    >>> res.table.shape
    (800, 7)

    A study that fails now and then: the error names the grid point and the replication,
    and a checkpoint keeps the work done. Called again with the checkpoint, only the
    rest runs; here with ``errors="skip"``, which counts the failures instead:

    >>> import os, tempfile, warnings
    >>> def fragile(rng, n):
    ...     x = rng.normal(size=n)
    ...     if n == 2 and x[0] > 1.5:
    ...         raise ValueError("an outlier")
    ...     return {"estimate": x.mean()}
    >>> path = os.path.join(tempfile.mkdtemp(), "study.ckpt")
    >>> simulation_study(
    ...     fragile,
    ...     {"n": [5, 2]},
    ...     n_sims=40,
    ...     seed=1,
    ...     batch_size=10,
    ...     checkpoint=path,
    ...     progress=False,
    ... )  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    RuntimeError: study raised an exception at grid point 2 of 2 (n=2), replication 3: ValueError: an outlier. The 43 replications finished so far are saved in the checkpoint '...'...
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = simulation_study(
    ...         fragile,
    ...         {"n": [5, 2]},
    ...         n_sims=40,
    ...         seed=1,
    ...         checkpoint=path,
    ...         errors="skip",
    ...         progress=False,
    ...     )
    >>> res.performance[["n", "n_sims", "n_failed", "mean"]].round(3)
       n  n_sims  n_failed   mean
    0  5      40         0 -0.124
    1  2      40         2 -0.023
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    simulation_study: 2 of 80 replications raised an exception and were skipped ...
    """
    study = v.check_callable(study, "study", "study(rng, **point) -> dict")
    points, columns = v.check_grid(grid, "grid")
    v.check_accepts(study, ["rng", *columns], "grid", "study")
    n_sims = v.check_integer(n_sims, "n_sims", low=1)
    _check_size(len(points), n_sims)
    root = v.seed_sequence(seed)
    backend = v.check_one_of(backend, _BACKENDS, "backend")
    if scheduler is not None and (backend != "dask" or not isinstance(scheduler, str)):
        raise ValueError(
            f"scheduler: give a scheduler address such as 'tcp://host:8786' (a string) with "
            f"backend='dask', got scheduler={scheduler!r} with backend={backend!r}."
        )
    n_jobs = (1 if backend == "joblib" else -1) if n_jobs is None else v.check_n_jobs(n_jobs)
    if batch_size is not None:
        batch_size = v.check_integer(batch_size, "batch_size", low=1)
    ci = v.check_level(ci)
    path = _checkpoint_path(checkpoint)
    errors = v.check_one_of(errors, _ERRORS, "errors")
    progress = v.check_bool(progress, "progress")
    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {label!r}.")
    if truth is not None and not isinstance(truth, str):
        truth = v.check_number(truth, "truth")

    store = (
        None if path is None else _Checkpoint(path, _header(study, points, columns, n_sims, root))
    )
    work = _Work(points, columns, errors, store, path)
    run = (backend, scheduler, n_jobs, batch_size, progress, label)
    _execute(study, work, n_sims, root, run)
    table, counts, failed = _table(work, n_sims)
    names, truth = _output_names(table, columns, estimate, truth, interval, p_value)
    return SimulationStudyResult(
        table=table,
        performance=_summary(table, counts, failed, points, names, truth, ci, n_sims, errors),
        n_sims=n_sims,
        n_points=len(points),
        backend=backend,
        n_failed=sum(failed),
    )


def _check_size(n_points: int, n_sims: int) -> None:
    """Refuse a study whose table (``n_points * n_sims`` rows) could not be held."""
    if n_points * n_sims > _MAX_ROWS:
        raise ValueError(
            f"n_sims: {n_points} grid point(s) x n_sims={n_sims} is {n_points * n_sims} "
            f"replications, more than the {_MAX_ROWS} (10**8) rows a result table may "
            f"hold; use fewer replications or split the grid over several calls."
        )


def _checkpoint_path(checkpoint: Any) -> str | None:
    """The checkpoint's file name, checked: a string or path in a folder that exists."""
    if checkpoint is None:
        return None
    path = os.fspath(checkpoint) if isinstance(checkpoint, os.PathLike) else checkpoint
    if not isinstance(path, str):
        raise TypeError(f"checkpoint must be a file name (str or path), got {checkpoint!r}.")
    folder = os.path.dirname(os.path.abspath(path)) if path else ""
    if not path or os.path.isdir(path) or not os.path.isdir(folder):
        raise ValueError(
            f"checkpoint must name a file in a folder that exists (e.g. 'study.ckpt'), "
            f"got {checkpoint!r}."
        )
    return path


def _execute(study, work: _Work, n_sims: int, root, run) -> None:
    """Resume from the checkpoint, run every missing batch, raise the first failure.

    ``run`` is (backend, scheduler, n_jobs, batch_size, show the bar, its label).
    """
    from tqdm.auto import tqdm

    points, store = work.points, work.store
    if store is not None:
        batches, clean = store.load(points, work.check_row)
        if work.restore(batches) or not clean:  # drop a cut line, or failures to rerun
            store.rewrite([(i, s, work.done[(i, s)]) for i, s in sorted(work.done)], points)
    total = len(points) * n_sims
    bar = tqdm(total=total, initial=work.n_done, disable=not run[4], desc=run[5], unit="sim")
    try:
        with bar:
            work.bar = bar
            if work.n_done < total:
                _dispatch(study, work, n_sims, root, run)
    finally:
        work.bar = None
        if store is not None:
            store.close()
    work.raise_failure()


def _dispatch(study, work: _Work, n_sims: int, root, run) -> None:
    """Run the missing batches on joblib or Dask (a cluster started here is closed)."""
    backend, scheduler, n_jobs, batch_size, _, _ = run
    points, stop = work.points, work.errors == "raise"
    if backend == "joblib":
        size = batch_size or _auto_batch(len(points), n_sims, _n_workers(n_jobs))
        batches = _pending(len(points), n_sims, size, work.spans())
        _run_joblib(study, points, batches, root, stop, n_jobs, work.receive)
        return
    import dask

    client, cluster = _dask_client(scheduler, n_jobs)
    # A LocalCluster closes a worker's nanny for good if, 15 s after the worker died, no
    # worker of its name is up (its restart after a second death may be under way): the
    # cluster this call owns keeps its nannies, however often workers die.
    keep = {"distributed.deploy.lost-worker-timeout": "3650 days"} if cluster is not None else {}
    try:
        workers = len(client.scheduler_info()["workers"]) or 1
        size = batch_size or _auto_batch(len(points), n_sims, workers)
        batches = _pending(len(points), n_sims, size, work.spans())
        in_flight = max(4, 4 * workers)
        with dask.config.set(keep):
            _run_dask(study, points, batches, root, stop, client, work.receive, in_flight)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
