"""Running the report: the notebook (papermill), the page (nbconvert), the PDF (Chromium).

Everything is written into the ``out`` folder, never next to or over the input file:
the run works in a temporary folder inside ``out`` and moves each finished file into
place (``os.replace``, atomic), refuses an output name there that is a symbolic link,
and locks ``out`` against a second run at the same time. The notebook's kernel keeps
its caches (IPython, matplotlib, Jupyter's runtime files) in that temporary folder, so
nothing is written into the user's home.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import _validate as v
from .._result import Result
from ._prepare import ReportData, prepare_report
from ._text import check_lang

#: The folder with the report's notebook and its HTML template (package data).
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "_report"
#: The parameterised notebook papermill runs.
TEMPLATE = TEMPLATE_DIR / "template.ipynb"
#: Files the report writes into ``out`` (``report.pdf`` too with ``pdf=True``).
OUTPUTS = ("report.html", "report.json", "report.ipynb")
#: Most bootstrap resamples the report accepts.
MAX_BOOT = 100_000
_LOCK = ".cxreport.lock"


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Report(Result):
    """What :func:`report` returns: where the report is and what it holds.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per table of the report: ``name``, ``n_rows``, ``n_columns`` (the
        tables of ``report.json``).
    html : str
        Path of the page (``out/report.html``).
    json : str
        Path of the machine-readable tables (``out/report.json``).
    notebook : str
        Path of the executed notebook (``out/report.ipynb``).
    pdf : str or None
        Path of the PDF (``out/report.pdf``) when asked for.
    seconds : float
        Wall time of the whole run.
    """

    html: str
    json: str
    notebook: str
    seconds: float
    pdf: str | None = None


# --------------------------------------------------------------------------- preparation


def _run_parameters(
    prep: ReportData, path: Any, *, ci: float, n_boot: int, seed: int | None, lang: str = "en"
) -> dict[str, Any]:
    """The parameters the page and ``report.json`` show: the file's name, never the
    folder it is in."""
    from .. import __version__

    return {
        "path": Path(path).name if isinstance(path, str | os.PathLike) else "(a Survey)",
        "outcome": prep.outcome,
        "drivers": list(prep.drivers),
        "weights": prep.weights,
        "by": prep.by,
        "cluster": prep.cluster,
        "nps": prep.nps,
        "csat": list(prep.csat),
        "scales": {k: list(items) for k, items in prep.scales.items()},
        "reverse": list(prep.reverse),
        "ci": ci,
        "n_boot": n_boot,
        "seed": seed,
        "lang": lang,
        "cxresearch": __version__,
    }


# ------------------------------------------------------------------------------ the run


def _html(notebook: Path, target: Path, lang: str = "en") -> None:
    """Render the executed notebook to one self-contained page, code cells hidden, in
    ``lang`` (``<html lang>``; ``dir="rtl"`` on the body for Persian)."""
    import nbformat
    from nbconvert import HTMLExporter

    from ._text import LANGUAGES, plain

    exporter = HTMLExporter(
        template_name="cxreport",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=lang,
    )
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata.pop("widgets", None)
    resources = {
        "metadata": {"name": plain("title", lang, name="").rstrip(": ")},
        "cx_dir": LANGUAGES[lang],
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target.write_text(body, encoding="utf-8")


def _shareable(notebook: Path, parameters: dict) -> None:
    """Rewrite the executed notebook so it holds no local path: papermill stores the
    parameters it ran with (the absolute path of the input file, of ``report.json``)
    in the injected-parameters cell and in the notebook's metadata; both get
    ``parameters`` instead (the file's name), and papermill's own input and output
    paths become file names."""
    import nbformat
    from papermill.translators import translate_parameters

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            source = translate_parameters("python3", "python", parameters, "Parameters")
            cell.source = source.rstrip("\n")
    meta = nb.metadata.get("papermill", {})
    if meta:
        meta["parameters"] = dict(parameters)
        for key in ("input_path", "output_path"):
            if meta.get(key):
                meta[key] = Path(str(meta[key])).name
    nbformat.write(nb, notebook)


@contextlib.contextmanager
def _kernel_home(work: Path) -> Iterator[None]:
    """While the notebook runs, point the kernel's caches into ``work`` (IPython's
    profile, matplotlib's font cache, Jupyter's runtime and data files, XDG caches), so
    the report writes nothing into the user's home; the environment is restored after."""
    cache = work / ".cache"
    names = {
        "IPYTHONDIR": cache / "ipython",
        "MPLCONFIGDIR": cache / "matplotlib",
        "JUPYTER_RUNTIME_DIR": cache / "jupyter-runtime",
        "JUPYTER_DATA_DIR": cache / "jupyter-data",
        "XDG_CACHE_HOME": cache / "xdg",
    }
    old = {name: os.environ.get(name) for name in names}
    try:
        for name, folder in names.items():
            folder.mkdir(parents=True, exist_ok=True)
            os.environ[name] = str(folder)
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _execute(parameters: dict, notebook: Path, out: Path, progress: bool) -> None:
    """Run the template with papermill; a failing cell becomes one RuntimeError."""
    try:
        import papermill
        from papermill.exceptions import PapermillExecutionError
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "cx.report needs papermill and nbconvert: pip install 'cxresearch[report]'."
        ) from None
    try:
        papermill.execute_notebook(
            str(TEMPLATE),
            str(notebook),
            parameters=parameters,
            cwd=str(out),
            kernel_name="python3",
            progress_bar=progress,
            log_output=False,
            # the kernel's own log (e.g. ipykernel's note on unencrypted local TCP) is
            # noise on the user's terminal; cell errors still arrive as messages
            extra_arguments=["--log-level=ERROR"],
        )
    except PapermillExecutionError as e:
        raise RuntimeError(
            f"the report stopped in cell {e.exec_count}: {e.ename}: {e.evalue} "
            f"(the partly run notebook is {notebook})."
        ) from None
    finally:
        if notebook.exists():  # the file's name only, also in a partly run notebook
            _shareable(notebook, {**parameters, "path": Path(parameters["path"]).name,
                                  "json_path": Path(parameters["json_path"]).name,
                                  "prepared": None})  # fmt: skip


def report(
    path: str | os.PathLike,
    *,
    outcome: Hashable,
    drivers: Hashable | Sequence[Hashable],
    weights: Hashable | None = None,
    by: Hashable | None = None,
    cluster: Hashable | None = None,
    scales: Any = None,
    nps: Hashable | None = None,
    csat: Hashable | Sequence[Hashable] | None = None,
    reverse: Hashable | Sequence[Hashable] | None = None,
    out: str | os.PathLike = "cxreport",
    lang: str = "en",
    pdf: bool = False,
    ci: float = 0.95,
    n_boot: int = 1000,
    seed: int | np.random.Generator | np.random.SeedSequence | None = 0,
    progress: bool = True,
) -> Report:
    """A CX driver report on a survey file: one self-contained HTML page.

    Parameters
    ----------
    path : str or path-like
        The survey file (``.sav``, ``.zsav``, ``.por``, ``.dta``, Qualtrics ``.csv`` /
        ``.tsv``, or a CSV with a ``datapackage.json``). It is only read.
    outcome, drivers, weights, by, cluster, scales, nps, csat, reverse
        What to analyse; see :func:`prepare_report`. A name may be a column or a
        multi-item scale (then its mean score). ``reverse`` names the reverse-keyed
        items; a scale with a negative alpha or an item correlating negatively with
        the rest of its scale stops the report until its items are named there.
    out : str or path-like, default "cxreport"
        The folder to write into (made if needed): ``report.html``, ``report.json``
        (every table, machine-readable) and ``report.ipynb`` (the executed notebook).
        Nothing is written anywhere else: the run works in a temporary folder inside
        ``out`` and moves each finished file into place; an output name there that is a
        symbolic link is refused, and a second run into the same folder at the same
        time stops with a message.
    lang : {"en", "fa", "ru"}, default "en"
        The language of the page: English, Persian (right to left) or Russian, with
        the course glossary's terms for the statistics. Tables keep the column names of
        ``report.json``.
    pdf : bool, default False
        Also print the page to ``report.pdf`` with headless Chromium (offline; the
        ``chromium`` command, e.g. Debian's ``chromium`` package).
    ci : float, default 0.95
        Confidence level of every interval.
    n_boot : int, default 1000
        Bootstrap resamples of the key-driver ranking (0: no intervals; at most
        100,000).
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None, default 0
        Seed of the bootstrap (the same seed, the same page). It reaches the notebook
        as a number: ``SeedSequence(k)`` as ``k``, another ``SeedSequence`` or a
        Generator as a number drawn from it (shown on the page).
    progress : bool, default True
        Show papermill's progress bar (on stderr).

    Returns
    -------
    Report
        ``.html``, ``.json``, ``.notebook`` (paths), ``.seconds`` and ``.table`` (the
        tables in ``report.json``).

    Raises
    ------
    TypeError, ValueError
        Bad input, found before the notebook starts (see :func:`prepare_report`),
        including a mis-keyed scale (the message names the items to reverse).
    ModuleNotFoundError
        Without papermill or nbconvert (``pip install "cxresearch[report]"``).
    RuntimeError
        If a cell of the notebook fails (the message is the cell's error), or Chromium
        fails to print the PDF.
    FileExistsError
        If another report is being written into ``out`` at the same time.

    Notes
    -----
    The sections: data and codebook; missing data (per column and per pattern); NPS
    and CSAT with intervals by group, and tests between groups; Cronbach's alpha of
    each multi-item scale (weighted) and composite reliability/AVE; the driver model
    (:func:`cxresearch.fit_drivers`: weighted least squares with survey weights, HC3 or
    cluster-robust standard errors, VIFs; incomplete rows dropped and counted);
    dominance analysis and relative weights with bootstrap intervals; the
    importance-performance map; penalty-reward contrasts with a Kano class, low and
    high performance being the bottom and top thirds of the answer scale.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import cxresearch as cx
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> cx.load_dataset("cx_survey").to_csv(folder / "survey.csv", index=False)
    >>> page = cx.report(
    ...     folder / "survey.csv",
    ...     outcome="satisfaction",
    ...     drivers=["service", "atmosphere", "assortment", "price"],
    ...     out=folder / "report",
    ...     n_boot=200,
    ...     progress=False,
    ... )  # doctest: +SKIP
    >>> pathlib.Path(page.html).name  # doctest: +SKIP
    'report.html'
    """
    start = time.perf_counter()
    ci = v.check_level(ci)
    n_boot = v.check_resample_count(n_boot, "n_boot", minimum=0, maximum=MAX_BOOT)
    seed = v.seed_as_int(seed)  # checked here, before the notebook runs; a number for it
    lang = check_lang(lang)
    browser = _chromium() if pdf else None
    source = Path(path).resolve() if isinstance(path, str | os.PathLike) else path
    roles = dict(outcome=outcome, drivers=drivers, weights=weights, by=by, cluster=cluster,
                 scales=scales, nps=nps, csat=csat, reverse=reverse)  # fmt: skip
    staging = Path(tempfile.mkdtemp(prefix="cxreport-"))  # private (0700) until out exists
    try:
        names, kept = _prepare_isolated(source, roles, staging)
        out = _out_folder(out, pdf)
        return _write(names, kept, source, out, roles, pdf=pdf, browser=browser, ci=ci,
                      n_boot=n_boot, seed=seed, lang=lang, progress=progress, start=start)  # fmt: skip
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write(
    names: _Roles, kept: Path, source: Any, out: Path, roles: dict, *, pdf: bool,
    browser: str | None, ci: float, n_boot: int, seed: int | None, lang: str, progress: bool, start: float,
) -> Report:  # fmt: skip
    """Run the notebook on the prepared data and move the finished files into ``out``."""
    files = OUTPUTS + (("report.pdf",) if pdf else ())
    with _locked(out), tempfile.TemporaryDirectory(dir=out, prefix=".cxreport-") as tmp:
        work = Path(tmp)
        prepared = work / kept.name  # the data as prepared and checked: not read twice
        os.replace(kept, prepared)
        parameters = {
            "path": str(source),
            **dataclasses.asdict(names),  # outcome, drivers, scales, nps, csat, reverse
            **{role: roles[role] for role in ("weights", "by", "cluster")},
            "ci": ci,
            "n_boot": n_boot,
            "seed": seed,
            "lang": lang,
            "json_path": str(work / "report.json"),
            "prepared": str(prepared),
        }
        try:
            with _kernel_home(work):
                _execute(parameters, work / "report.ipynb", work, progress)
        except RuntimeError as e:  # keep the partly run notebook, under its own name
            failed = out / "report.failed.ipynb"
            if (work / "report.ipynb").exists():
                _refuse_link(failed)
                os.replace(work / "report.ipynb", failed)
            raise RuntimeError(str(e).replace(str(work / "report.ipynb"), str(failed))) from None
        _html(work / "report.ipynb", work / "report.html", lang)
        if browser:
            _pdf(browser, work / "report.html", work / "report.pdf")
        for name in files:  # each file whole, or the old one
            _refuse_link(out / name)
            os.replace(work / name, out / name)
    tables = json.loads((out / "report.json").read_text(encoding="utf-8"))["tables"]
    index = pd.DataFrame(
        [
            {"name": k, "n_rows": len(rows), "n_columns": len(rows[0]) if rows else 0}
            for k, rows in tables.items()
        ],
        columns=["name", "n_rows", "n_columns"],
    )
    return Report(
        table=index,
        html=str(out / "report.html"),
        json=str(out / "report.json"),
        notebook=str(out / "report.ipynb"),
        pdf=str(out / "report.pdf") if pdf else None,
        seconds=time.perf_counter() - start,
    )


#: What the child process runs (a test replaces it to simulate a crashing reader).
_CHILD = "from cxresearch.reporting._run import _prepare_child; _prepare_child()"
_ERRORS = {"TypeError": TypeError, "ValueError": ValueError, "OSError": OSError}


def _prepare_isolated(source: Any, roles: dict, folder: Path) -> tuple[Any, Path]:
    """:func:`prepare_report` in a child process, which pickles the prepared data into
    ``folder`` for the notebook's kernel and returns the names the run needs.

    A survey file is untrusted, and the C library that reads SPSS and Stata files
    (ReadStat, under pyreadstat) can crash the whole process on a deliberately damaged
    file; in a child that crash becomes one clear error, and this process keeps no copy
    of the data while the kernel runs. A Survey object (already read) is prepared here.
    """
    if not isinstance(source, str | os.PathLike):
        prep = prepare_report(source, **roles)
        return _Roles.of(prep), _keep_prepared(prep, folder)
    import pickle

    request = pickle.dumps({"path": source, "roles": roles, "folder": folder})
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], input=request, stdout=subprocess.PIPE, check=False
    )  # fmt: skip  (warnings reach the user's stderr)
    name = Path(source).name
    if done.returncode < 0:
        raise ValueError(
            f"path: reading {name!r} crashed the file reader (signal {-done.returncode}); "
            f"the file looks damaged. Export it again from the survey software, or save it "
            f"as CSV with a codebook."
        )
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    answer = json.loads(lines[-1]) if lines else {}
    if "error" in answer:
        raise _ERRORS.get(answer["error"], RuntimeError)(answer["message"])
    if done.returncode != 0 or "roles" not in answer:
        raise RuntimeError(f"preparing the report on {name!r} failed (exit {done.returncode}).")
    return _Roles(**answer["roles"]), folder / "prepared.pickle"


def _prepare_child() -> None:
    """The child's side of :func:`_prepare_isolated`: one JSON line on stdout."""
    import pickle

    request = pickle.loads(sys.stdin.buffer.read())  # from the parent process
    try:
        prep = prepare_report(request["path"], **request["roles"])
    except (TypeError, ValueError, OSError) as e:
        print(json.dumps({"error": type(e).__name__, "message": str(e)}))
        return
    _keep_prepared(prep, Path(request["folder"]))
    print(json.dumps({"roles": dataclasses.asdict(_Roles.of(prep))}, default=list))


@dataclasses.dataclass(frozen=True)
class _Roles:
    """The names a run needs from the prepared data (not the data itself)."""

    outcome: Any
    drivers: list
    scales: dict
    nps: Any
    csat: list
    reverse: list

    @classmethod
    def of(cls, prep: ReportData) -> _Roles:
        return cls(
            outcome=prep.outcome,
            drivers=list(prep.drivers),
            scales={k: list(items) for k, items in prep.scales.items()},
            nps=prep.nps,
            csat=list(prep.csat),
            reverse=list(prep.reverse),
        )


def _keep_prepared(prep: ReportData, work: Path) -> Path:
    """Write ``prep`` for the notebook's kernel into the run's private folder (made by
    :func:`tempfile.TemporaryDirectory`, readable by this user only)."""
    import pickle

    target = work / "prepared.pickle"
    with open(target, "xb") as handle:
        pickle.dump(prep, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return target


def _load_prepared(path: str | os.PathLike) -> ReportData:
    """What :func:`_keep_prepared` wrote (called by the template notebook)."""
    import pickle

    with open(path, "rb") as handle:
        prep = pickle.load(handle)  # written by this run, in its own private folder
    if not isinstance(prep, ReportData):
        raise TypeError(f"{path}: not the prepared data of a report.")
    return prep


def _refuse_link(target: Path) -> None:
    if target.is_symlink():
        raise ValueError(
            f"out: {target.name!r} in the output folder is a symbolic link (to "
            f"{os.readlink(target)!r}); the report will not write through it. Remove it "
            f"or choose another --out folder."
        )


def _out_folder(out: Any, pdf: bool) -> Path:
    """The output folder, made if needed; no output name in it may be a symbolic link."""
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise ValueError(f"out: {out.name!r} is a file; give a folder for the report.")
    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS + (("report.pdf",) if pdf else ()) + (_LOCK,):
        _refuse_link(out / name)
    return out


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold ``out/.cxreport.lock`` (made with ``O_EXCL``, holding this process's id)
    while the report is written; a lock left by a process that no longer runs is
    taken over, and the work folders a killed run left behind are removed."""
    lock = out / _LOCK
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            owner = _lock_owner(lock)
            if owner is not None and _running(owner):
                raise FileExistsError(
                    f"out: another report (process {owner}) is being written into "
                    f"{out.name!r}; wait for it to finish or choose another --out folder."
                ) from None
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()  # stale: its process is gone
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(str(os.getpid()))
        for left in out.glob(".cxreport-*"):  # work folders of a killed run: ours now
            if left.is_dir() and not left.is_symlink():
                shutil.rmtree(left, ignore_errors=True)
        break
    else:
        raise FileExistsError(f"out: cannot lock {out.name!r}; choose another --out folder.")
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()


def _lock_owner(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip())
    except (OSError, ValueError):
        return None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _chromium() -> str:
    """The system Chromium that prints the PDF, or a ValueError saying how to get it."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise ValueError(
        "pdf: no Chromium found to print the PDF (the commands chromium, chromium-browser "
        "or google-chrome). Install it, e.g. `apt-get install chromium`, or leave out --pdf "
        "and print report.html from a browser."
    )


def _pdf(browser: str, page: Path, target: Path) -> None:
    """Print ``page`` to ``target`` with headless Chromium (offline, no header/footer)."""
    profile = page.parent / ".cache" / "chromium"
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--no-pdf-header-footer",
        f"--print-to-pdf={target}", page.as_uri(),
    ]  # fmt: skip
    try:
        home = page.parent / ".cache" / "home"  # Chromium's crash reports and caches
        env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
               "XDG_CACHE_HOME": str(home / "cache"), "XDG_DATA_HOME": str(home / "data")}  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    except subprocess.TimeoutExpired:
        raise RuntimeError("pdf: Chromium did not print the page within 5 minutes.") from None
    if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        raise RuntimeError(
            f"pdf: Chromium could not print the page (exit {done.returncode}): "
            f"{done.stderr.strip()[-500:]}"
        )
