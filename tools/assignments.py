"""Build the graded assignments with otter-grader and grade a folder of submissions, offline.

    python tools/assignments.py build                       # all five, into build/assignments
    python tools/assignments.py build a1-measuring-cx --no-run-tests
    python tools/assignments.py grade a1-measuring-cx hand-ins/ --out grades/a1

**Sources.** ``assignments/<name>.ipynb`` is an assignment in otter-grader's notebook
format (https://otter-grader.readthedocs.io, "Otter Assign"): raw cells mark the
assignment's configuration, each question (``# BEGIN QUESTION`` with its ``name`` and
``points``), its solution and its tests. A solution line ends in ``# SOLUTION``; a test
cell whose configuration says ``hidden: true`` is a hidden test. Public tests are worth
0 points and only check the form of an answer; hidden tests check its value within a
tolerance and carry the points.

**Build** (``make assignments``). For each source, ``otter assign`` writes, under
``build/assignments/<name>/``:

* ``student/<name>.ipynb``: the notebook to hand out, with the public tests only and a
  ``...`` where each solution was;
* ``autograder/``: what the instructor keeps: ``<name>.ipynb`` with the solutions,
  ``autograder.zip`` with every test (hidden ones included) that ``grade`` uses, and
  otter's ``otter_config.json``.

``otter assign`` also runs the solutions against every test and stops the build if one
fails (``--no-run-tests`` skips that). Then the build checks that no student file holds a
line of a solution or of a hidden test, and makes the output the same on every run (cell
ids derived from the content, a zip with fixed dates and order, no timestamp in its
name). No Docker, no network: otter's Gradescope files inside the zip are never used.

**Grade.** Each ``.ipynb`` in the folder is one student, named after the file. Every
notebook runs from top to bottom in a fresh kernel of this Python (``otter run``, the
runner without containers), each in its own process with a time limit, and the tests of
``autograder.zip`` are run on what it left behind. Written into ``--out`` and nowhere
else (the kernel's caches and otter's temporary folders are pointed inside it and
removed at the end):

* ``scores.csv``: one row per student and question: ``student, question, score,
  possible, error`` (``error`` says why a notebook could not be graded at all);
* ``tests.csv``: one row per student and test: ``student, question, test, hidden,
  passed, points, possible, message`` (the test's failure message when it failed);
* ``logs/<student>.log``: what the run printed.

A submission is code: grading runs it with your permissions. Grade work you do not trust
inside a container or a throw-away account, as you would run any student's code.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "assignments"
BUILD = ROOT / "build" / "assignments"
TIMEOUT = 600  # seconds one submission may take to run and be graded
SCORE_COLUMNS = ["student", "question", "score", "possible", "error"]
TEST_COLUMNS = ["student", "question", "test", "hidden", "passed", "points", "possible", "message"]
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can store: no build time in it


# ------------------------------------------------------------------------------ helpers


def source_paths(names: list[str] | None = None) -> list[Path]:
    """The source notebooks, all of them or those ``names`` (with or without .ipynb)."""
    available = sorted(SOURCES.glob("*.ipynb"))
    if not names:
        return available
    by_name = {p.stem: p for p in available}
    unknown = [n for n in names if n.removesuffix(".ipynb") not in by_name]
    if unknown:
        sys.exit(f"no such assignment: {', '.join(unknown)}; available: {', '.join(by_name)}")
    return [by_name[n.removesuffix(".ipynb")] for n in names]


def kernel_env(work: Path) -> dict[str, str]:
    """The environment of a process that runs notebooks: its temporary files and the
    kernel's caches (IPython, matplotlib, Jupyter's runtime and data files, XDG caches)
    inside ``work``, so that nothing is written elsewhere. The kernel is this Python's."""
    env = dict(os.environ)
    folders = {
        "TMPDIR": "tmp",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "XDG_CACHE_HOME": "xdg-cache",
    }
    for name, folder in folders.items():
        (work / folder).mkdir(parents=True, exist_ok=True)
        env[name] = str(work / folder)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONHASHSEED"] = "0"
    return env


def _run(command: list[str], *, cwd: Path, env: dict, log: Path, timeout: float) -> int | None:
    """Run ``command`` in its own process group, output to ``log``; None if it timed out
    (then the whole group, the kernel included, is ended)."""
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return None


# -------------------------------------------------------------------------------- build


def solution_lines(nb: nbformat.NotebookNode) -> list[str]:
    """The code of every solution line of a source notebook (what students must not see):
    lines marked ``# SOLUTION`` (or ``# SOLUTION NO PROMPT``) and lines between
    ``# BEGIN SOLUTION`` and ``# END SOLUTION`` comments, without the marker."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        inside = False
        for line in cell.source.splitlines():
            if re.match(r"\s*# BEGIN SOLUTION", line):
                inside = True
            elif re.match(r"\s*# END SOLUTION", line):
                inside = False
            elif inside or re.search(r"# ?SOLUTION( NO PROMPT)?\s*$", line):
                code = re.sub(r"\s*# ?SOLUTION( NO PROMPT)?\s*$", "", line).strip()
                if len(code) > 3:  # a lone bracket is no solution
                    lines.append(code)
    return lines


def zip_tests(zip_path: Path) -> dict[str, dict]:
    """The test files of an autograder zip (otter's OK format), question -> test spec."""
    tests = {}
    with zipfile.ZipFile(zip_path) as z:
        for name in sorted(z.namelist()):
            if name.startswith("tests/") and name.endswith(".py"):
                scope: dict = {}
                exec(z.read(name).decode("utf-8"), scope)  # our own build's file
                tests[scope["test"]["name"]] = scope["test"]
    return tests


def _cases(spec: dict) -> list[dict]:
    return [case for suite in spec["suites"] for case in suite["cases"]]


def hidden_test_lines(zip_path: Path) -> list[str]:
    """The code lines of every hidden test in the autograder zip ``zip_path``."""
    lines = []
    for spec in zip_tests(zip_path).values():
        for case in _cases(spec):
            if case["hidden"]:
                for line in case["code"].splitlines():
                    code = re.sub(r"^(>>>|\.\.\.) ?", "", line).strip()
                    if code:
                        lines.append(code)
    return lines


def _code_lines(text: str) -> set[str]:
    return {re.sub(r"^(>>>|\.\.\.) ?", "", line.strip()).strip() for line in text.splitlines()}


def student_lines(folder: Path) -> dict[str, set[str]]:
    """Every line a student can read in ``folder``, file by file (stripped): for a notebook,
    its cells' sources and outputs and the code of the tests in its metadata."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        where = path.relative_to(folder).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix != ".ipynb":
            found[where] = _code_lines(text)
            continue
        nb = nbformat.reads(text, as_version=4)
        lines = set()
        for cell in nb.cells:
            lines |= _code_lines(cell.source)
            for output in cell.get("outputs", []):
                shown = output.get("text", "") + output.get("data", {}).get("text/plain", "")
                lines |= _code_lines(shown)
        for spec in nb.metadata.get("otter", {}).get("tests", {}).values():
            for case in _cases(spec):
                lines |= _code_lines(case["code"])
        found[where] = lines
    return found


def leaks(source: Path, built: Path) -> list[str]:
    """Each line of a solution or of a hidden test of ``source`` that a file in the student
    folder of ``built`` (its build) holds, and each hidden test a student notebook carries,
    as sentences; [] if none."""
    student = student_lines(built / "student")
    secrets = [("solution", line) for line in solution_lines(nbformat.read(source, 4))]
    secrets += [("hidden test", line) for line in hidden_test_lines(autograder_zip(built))]
    found = [
        f"student/{where} holds a {kind} line: {line}"
        for kind, line in secrets
        for where, lines in student.items()
        if line in lines
    ]
    for path in sorted((built / "student").glob("*.ipynb")):
        tests = nbformat.read(path, as_version=4).metadata.get("otter", {}).get("tests", {})
        found += [
            f"student/{path.name} carries a hidden test of {spec['name']}"
            for spec in tests.values()
            if any(case["hidden"] for case in _cases(spec))
        ]
    return found


def autograder_zip(built: Path) -> Path:
    return built / "autograder" / "autograder.zip"


def _stable_ids(path: Path, source_ids: set[str]) -> None:
    """Give the cells otter added (random ids) ids derived from their place and content."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.get("id") not in source_ids:
            digest = hashlib.sha1(f"{i}\0{cell.cell_type}\0{cell.source}".encode()).hexdigest()
            cell.id = digest[:8]
    nbformat.write(nb, path)


def _stable_zip(src: Path, dest: Path) -> None:
    """Rewrite a zip with its entries sorted and a fixed date: same tests, same bytes."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as new:
        for name in sorted(old.namelist()):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.external_attr = old.getinfo(name).external_attr
            info.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(info, old.read(name))


def build_one(source: Path, out: Path = BUILD, *, run_tests: bool = True) -> Path:
    """Build one assignment into ``out/<name>`` (replacing an older build); the folder."""
    name = source.stem
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=out))
    try:
        shutil.copy2(source, work / source.name)
        command = [sys.executable, "-m", "otter", "assign", "--no-pdfs", source.name, "result"]
        if not run_tests:
            command.insert(4, "--no-run-tests")
        log = work / "otter-assign.log"
        code = _run(command, cwd=work, env=kernel_env(work / "cache"), log=log, timeout=TIMEOUT)
        if code != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
            sys.exit(f"otter assign failed on {source.name} (exit {code}):\n{tail}")
        result = work / "result"
        zips = sorted((result / "autograder").glob(f"{name}-autograder_*.zip"))
        _stable_zip(zips[-1], result / "autograder" / "autograder.zip")
        for old in zips:
            old.unlink()
        source_ids = {c.get("id") for c in nbformat.read(source, 4).cells}
        for nb in sorted(result.glob("*/*.ipynb")):
            _stable_ids(nb, source_ids)
        found = leaks(source, result)
        if found:
            sys.exit(f"{name}: the student folder gives answers away:\n  " + "\n  ".join(found))
        target = out / name
        shutil.rmtree(target, ignore_errors=True)
        result.rename(target)
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -------------------------------------------------------------------------------- grade


def _grade_one(zip_path: str, submission: str, json_out: str) -> None:
    """Grade one notebook with otter's runner (no container) and write its results as
    JSON: the tests run, or the error that kept the notebook from being graded. Runs in
    its own process (see :func:`grade`), with the environment of :func:`kernel_env`."""
    from otter.run import main as otter_run

    try:
        results = otter_run(submission, autograder=zip_path, output_dir=None, no_logo=True)
    except Exception as e:  # a notebook of another assignment, a file that is no notebook
        data = {"error": f"{type(e).__name__}: {e}", "tests": [], "scores": {}}
        Path(json_out).write_text(json.dumps(data, indent=1), encoding="utf-8")
        return
    error = results.catastrophic_error
    tests = []
    for question, test_file in sorted(results.results.items()):
        for result in test_file.test_case_results:
            case = result.test_case
            tests.append({
                "question": question, "test": case.name, "hidden": bool(case.hidden),
                "passed": bool(result.passed), "possible": float(case.points or 0),
                "message": "" if result.passed else (case.failure_message or ""),
            })  # fmt: skip
    scores = {q: float(tf.score) for q, tf in results.results.items()}
    data = {"error": None if error is None else f"{type(error).__name__}: {error}", "tests": tests}
    data["scores"] = scores
    Path(json_out).write_text(json.dumps(data, indent=1), encoding="utf-8")


def question_points(zip_path: Path) -> dict[str, float]:
    """Question -> the points it is worth, as the autograder zip defines them."""
    points = {}
    for question, spec in zip_tests(zip_path).items():
        total = spec.get("points")
        if not isinstance(total, int | float):  # given per test case instead
            total = sum(float(case.get("points") or 0) for case in _cases(spec))
        points[question] = float(total)
    return points


def _student_rows(student: str, data: dict, possible: dict) -> tuple[list[dict], list[dict]]:
    """The rows of ``scores.csv`` and ``tests.csv`` for one student's results."""
    error = data.get("error") or ""
    scores = data.get("scores", {})
    score_rows = [
        {"student": student, "question": q, "score": round(scores.get(q, 0.0), 6),
         "possible": possible[q], "error": error}
        for q in possible
    ]  # fmt: skip
    test_rows = []
    for t in data.get("tests", []):
        points = t["possible"] if t["passed"] else 0.0
        test_rows.append({"student": student, **t, "points": points})
    return score_rows, test_rows


def _grade_submission(zip_path: Path, submission: Path, out: Path, timeout: float) -> dict:
    student = submission.stem
    work = out / ".work" / student
    work.mkdir(parents=True)
    result = work / "result.json"
    command = [sys.executable, str(Path(__file__).resolve()), "_grade-one",
               str(zip_path), str(submission.resolve()), str(result)]  # fmt: skip
    log = out / "logs" / f"{student}.log"
    code = _run(command, cwd=work, env=kernel_env(work), log=log, timeout=timeout)
    if code is None:
        data = {"error": f"timed out after {timeout:g} s"}
    elif code != 0 or not result.exists():
        data = {"error": f"the grader stopped (exit {code}); see logs/{student}.log"}
    else:
        data = json.loads(result.read_text(encoding="utf-8"))
    shutil.rmtree(work, ignore_errors=True)
    return data


def _write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    """Write ``rows`` to ``path`` atomically (a half-written grade file is never seen)."""
    part = path.with_name(f".{path.name}.part")
    with part.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    part.replace(path)


def grade(
    name: str,
    submissions: Path,
    out: Path,
    *,
    built: Path = BUILD,
    timeout: float = TIMEOUT,
    jobs: int = 1,
) -> list[dict]:
    """Grade every ``.ipynb`` in ``submissions`` against the build of assignment ``name``;
    write ``scores.csv``, ``tests.csv`` and ``logs/`` into ``out``. The score rows."""
    zip_path = autograder_zip(built / name)
    if not zip_path.is_file():
        sys.exit(f"{zip_path} not found: build it first (python tools/assignments.py build {name})")
    files = sorted(p for p in Path(submissions).glob("*.ipynb") if p.is_file())
    if not files:
        sys.exit(f"no .ipynb files in {submissions}")
    possible = question_points(zip_path)
    out = Path(out)
    (out / "logs").mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / ".work", ignore_errors=True)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [pool.submit(_grade_submission, zip_path, f, out, timeout) for f in files]
            results = [f.result() for f in futures]
    finally:
        shutil.rmtree(out / ".work", ignore_errors=True)
    score_rows, test_rows = [], []
    for path, data in zip(files, results, strict=True):
        scores, tests = _student_rows(path.stem, data, possible)
        score_rows += scores
        test_rows += tests
    _write_csv(out / "scores.csv", score_rows, SCORE_COLUMNS)
    _write_csv(out / "tests.csv", test_rows, TEST_COLUMNS)
    return score_rows


def _print_totals(rows: list[dict]) -> None:
    totals: dict[str, list[float]] = {}
    for row in rows:
        total = totals.setdefault(row["student"], [0.0, 0.0])
        total[0] += row["score"]
        total[1] += row["possible"]
    width = max(len(s) for s in totals)
    for student, (score, possible) in totals.items():
        print(f"  {student:<{width}}  {score:g} / {possible:g}")


# --------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="otter assign: student and autograder folders")
    p_build.add_argument("names", nargs="*", help="assignments to build (default: all)")
    p_build.add_argument("--out", type=Path, default=BUILD)
    p_build.add_argument(
        "--no-run-tests", action="store_true", help="do not run the solutions against the tests"
    )
    p_grade = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    p_grade.add_argument("name", help="the assignment, e.g. a1-measuring-cx")
    p_grade.add_argument("submissions", type=Path, help="a folder of .ipynb files, one a student")
    p_grade.add_argument("--out", type=Path, help="default: build/assignments/<name>/grades")
    p_grade.add_argument("--built", type=Path, default=BUILD, help="where the builds are")
    p_grade.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds a notebook")
    p_grade.add_argument("--jobs", type=int, default=1, help="notebooks graded at once")
    p_one = sub.add_parser("_grade-one")  # internal: one submission, in its own process
    p_one.add_argument("zip")
    p_one.add_argument("submission")
    p_one.add_argument("json_out")
    args = parser.parse_args(argv)

    if args.command == "build":
        for source in source_paths(args.names):
            start = time.perf_counter()
            target = build_one(source, args.out, run_tests=not args.no_run_tests)
            print(f"{source.stem}: built in {time.perf_counter() - start:.1f} s -> {target}")
        return 0
    if args.command == "grade":
        out = args.out or args.built / args.name / "grades"
        start = time.perf_counter()
        rows = grade(args.name, args.submissions, out, built=args.built, timeout=args.timeout,
                     jobs=args.jobs)  # fmt: skip
        print(f"{args.name}: graded in {time.perf_counter() - start:.1f} s -> {out}/scores.csv")
        _print_totals(rows)
        return 0
    _grade_one(args.zip, args.submission, args.json_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
