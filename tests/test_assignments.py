"""The graded assignments (tools/assignments.py): the sources, the build, what a student
sees, and grading a folder of submissions offline.

One assignment is built and graded once (module fixture, through the command line as an
instructor runs it): a right submission (the solutions notebook) and a wrong one (the
student notebook filled in by the test). Both run with an empty home folder and a
temporary folder of their own, and, where ``unshare`` can make one, in a network
namespace with nothing but the loopback interface. The tests then read the grade files
and look at every folder the runs could have written to. All five assignments are built
(the solutions run against every test) and graded in the slow test.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import assignments as asg  # noqa: E402

pytest.importorskip("otter", reason="otter-grader is in the test extra: pip install -e .[test]")

NAME = "a1-measuring-cx"  # the assignment built in the fast tests (the cheapest to run)
SOURCES = sorted((ROOT / "assignments").glob("*.ipynb"))
TOOL = [sys.executable, str(ROOT / "tools" / "assignments.py")]
# A network namespace of its own, with the loopback interface up (the kernel talks to its
# client over 127.0.0.1) and no other: no route out, whatever the code tries.
OFFLINE = ["unshare", "--net", "--map-root-user", "sh", "-c",
           'ip link set lo up && [ "$(ip -o link show | wc -l)" -eq 1 ] && exec "$@"', "sh"]  # fmt: skip


def _can_go_offline() -> bool:
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    done = subprocess.run([*OFFLINE, "true"], capture_output=True, check=False)
    return done.returncode == 0


def _tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the hash of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def wrong_submission(student: Path, solutions: Path) -> nbformat.NotebookNode:
    """The student notebook of assignment 1 filled in by a student who got question 1
    right, made a mistake in question 2 that only a hidden test catches (the levels
    swapped: discounter minus specialty, a number of the right form), and put a 0 for
    every other answer."""
    nb = nbformat.read(student, as_version=4)
    solved = nbformat.read(solutions, as_version=4)
    answers = [
        i for i, c in enumerate(nb.cells) if "otter_answer_cell" in c.metadata.get("tags", [])
    ]
    assert len(answers) == 5 and len(nb.cells) == len(solved.cells)
    nb.cells[answers[0]].source = solved.cells[answers[0]].source
    swapped = solved.cells[answers[1]].source.replace(
        '["discounter", "specialty"]', '["specialty", "discounter"]'
    )
    assert swapped != solved.cells[answers[1]].source
    nb.cells[answers[1]].source = swapped
    for i in answers[2:]:
        nb.cells[i].source = nb.cells[i].source.replace("= ...", "= 0")
    return nb


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Build assignment 1, then grade a right and a wrong submission, as an instructor
    would from the command line; the folders involved and the grade files."""
    base = tmp_path_factory.mktemp("assignments")
    folders = {n: base / n for n in ("home", "tmp", "cwd", "built", "submissions", "out")}
    for folder in folders.values():
        folder.mkdir()
    env = {**os.environ, "HOME": str(folders["home"]), "TMPDIR": str(folders["tmp"])}
    for name in ("IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR",
                 "XDG_CACHE_HOME"):  # fmt: skip
        env.pop(name, None)
    offline = _can_go_offline()
    wrap = OFFLINE if offline else []

    def tool(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*wrap, *TOOL, *args], cwd=folders["cwd"], env=env, capture_output=True, text=True,
            timeout=600, check=False,
        )  # fmt: skip

    build = tool("build", NAME, "--no-run-tests", "--out", str(folders["built"]))
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    built = folders["built"] / NAME
    student = built / "student" / f"{NAME}.ipynb"
    solutions = built / "autograder" / f"{NAME}.ipynb"
    shutil.copy(solutions, folders["submissions"] / "right.ipynb")
    nbformat.write(wrong_submission(student, solutions), folders["submissions"] / "wrong.ipynb")
    before = {n: _tree(folders[n]) for n in ("built", "submissions")}

    graded = tool("grade", NAME, str(folders["submissions"]), "--built", str(folders["built"]),
                  "--out", str(folders["out"]), "--jobs", "2")  # fmt: skip
    assert graded.returncode == 0, graded.stdout[-3000:] + graded.stderr[-3000:]
    return {
        **folders,
        "built_assignment": built,
        "offline": offline,
        "before": before,
        "scores": _csv(folders["out"] / "scores.csv"),
        "tests": _csv(folders["out"] / "tests.csv"),
        "stdout": graded.stdout,
    }


def _scores(run, student: str) -> dict[str, tuple[float, float]]:
    return {
        r["question"]: (float(r["score"]), float(r["possible"]))
        for r in run["scores"]
        if r["student"] == student
    }


# --------------------------------------------------------------------------- the sources


def _questions(nb: nbformat.NotebookNode) -> list[dict]:
    """Each question of a source notebook: its config and its public and hidden tests."""
    questions, current, in_tests = [], None, False
    for cell in nb.cells:
        first = cell.source.splitlines()[0] if cell.source else ""
        if cell.cell_type == "raw" and first.startswith("# BEGIN QUESTION"):
            current = {**yaml.safe_load(cell.source.split("\n", 1)[1]), "public": [], "hidden": []}
            questions.append(current)
        elif cell.cell_type == "raw" and first.strip() in ("# BEGIN TESTS", "# END TESTS"):
            in_tests = first.strip() == "# BEGIN TESTS"
        elif in_tests and cell.cell_type == "code":
            config = yaml.safe_load(cell.source.split('"""')[1].split("\n", 1)[1])
            current["hidden" if config.get("hidden") else "public"].append(config)
    return questions


def test_five_assignments_one_per_two_weeks_of_the_schedule():
    assert [p.stem for p in SOURCES] == [
        "a1-measuring-cx",
        "a2-driver-models",
        "a3-moderation-mediation",
        "a4-journeys-value",
        "a5-measurement-survey",
    ]
    for weeks, path in zip(["1–2", "3–4", "5–6", "7–8", "9–10"], SOURCES, strict=True):
        title = nbformat.read(path, as_version=4).cells[1].source
        assert f"*Weeks {weeks} ·" in title, path.name


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_each_assignment_has_3_to_5_questions_with_public_and_hidden_tests(path):
    nb = nbformat.read(path, as_version=4)
    config = yaml.safe_load(nb.cells[0].source.split("\n", 1)[1])
    assert config["name"] == path.stem  # otter refuses a notebook of another assignment
    questions = _questions(nb)
    assert 3 <= len(questions) <= 5
    for q in questions:
        assert q["public"] and q["hidden"], q["name"]
        assert all(t["points"] == 0 for t in q["public"]), "public tests check form, not value"
        assert q["points"] == sum(t["points"] for t in q["hidden"]), q["name"]
        assert all(t.get("failure_message") for t in q["public"] + q["hidden"]), q["name"]
    assert sum(q["points"] for q in questions) == 10


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_assignments_use_the_package_on_bundled_data_with_fixed_seeds(path):
    code = "\n".join(
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
    )
    assert "import cxresearch as cx" in code
    assert "cx.load_dataset(" in code or "cx.datasets.data_dir()" in code
    for call in ("simulate_panel(", "mediation_analysis("):
        for line in (line for line in code.splitlines() if call in line):
            assert "seed=" in line, f"{path.name}: {line.strip()} has no fixed seed"
    assert "http" not in code and "read_csv(" not in code


# ----------------------------------------------------------------- what a student sees


def test_the_student_notebook_holds_no_solution_and_no_hidden_test(run):
    built = run["built_assignment"]
    assert asg.leaks(ROOT / "assignments" / f"{NAME}.ipynb", built) == []
    student = (built / "student" / f"{NAME}.ipynb").read_text(encoding="utf-8")
    kept = (built / "autograder" / f"{NAME}.ipynb").read_text(encoding="utf-8")
    solution, hidden = "nps_table = cx.nps(last_quarter)", "abs(nps_last - 13.35)"
    for secret in [solution, hidden, "assert n_worst >= n_needed"]:
        assert secret in kept  # the instructor's side has them all ...
    for secret in [solution, hidden]:
        assert secret not in student  # ... the student's neither solutions nor hidden tests
    assert "assert n_worst >= n_needed" in student  # a public test, there to help
    assert sorted(p.name for p in (built / "student").iterdir()) == [f"{NAME}.ipynb"]
    assert sorted(p.name for p in (built / "autograder").iterdir()) == [
        f"{NAME}.ipynb",
        "autograder.zip",
        "otter_config.json",
    ]


def test_a_leaked_solution_or_hidden_test_is_caught(run, tmp_path):
    built = tmp_path / NAME
    shutil.copytree(run["built_assignment"], built)
    path = built / "student" / f"{NAME}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[
        -1
    ].source += "\nnps_table = cx.nps(last_quarter)\nassert abs(nps_last - 13.35) <= 0.01"
    nbformat.write(nb, path)
    found = asg.leaks(ROOT / "assignments" / f"{NAME}.ipynb", built)
    assert any("solution line: nps_table = cx.nps(last_quarter)" in f for f in found)
    assert any("hidden test line: assert abs(nps_last - 13.35) <= 0.01" in f for f in found)


def test_the_autograder_zip_keeps_every_test_and_is_reproducible(run):
    zip_path = run["built_assignment"] / "autograder" / "autograder.zip"
    tests = asg.zip_tests(zip_path)
    assert sorted(tests) == ["q1", "q2", "q3", "q4", "q5"]
    assert sum(case["hidden"] for spec in tests.values() for case in asg._cases(spec)) == 10
    with zipfile.ZipFile(zip_path) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.namelist() == sorted(z.namelist())


# ---------------------------------------------------------------------------- grading


def test_a_right_submission_gets_full_marks(run):
    scores = _scores(run, "right")
    assert scores == {q: (2.0, 2.0) for q in ("q1", "q2", "q3", "q4", "q5")}
    assert all(r["error"] == "" for r in run["scores"])
    assert "right  10 / 10" in run["stdout"]


def test_a_wrong_submission_gets_partial_marks_and_the_failing_hidden_tests_are_named(run):
    scores = _scores(run, "wrong")
    assert scores == {
        "q1": (2.0, 2.0),  # copied from the solutions
        "q2": (1.0, 2.0),  # the levels swapped: the sign of the gap is wrong
        "q3": (0.0, 2.0),
        "q4": (0.0, 2.0),
        "q5": (0.0, 2.0),
    }
    q2 = [r for r in run["tests"] if r["student"] == "wrong" and r["question"] == "q2"]
    public = [r for r in q2 if r["hidden"] == "False"]
    assert public and all(r["passed"] == "True" for r in public)  # right form ...
    failed = [(r["test"], r["message"]) for r in q2 if r["passed"] == "False"]
    assert failed == [
        ("q2 - 3", "The difference should be specialty minus discounter, in period 6.")
    ]
    assert [r["hidden"] for r in q2 if r["test"] == "q2 - 3"] == ["True"]  # ... a hidden test
    assert "wrong  3 / 10" in run["stdout"]


def test_the_grade_files_are_tidy(run):
    assert list(run["scores"][0]) == asg.SCORE_COLUMNS
    assert list(run["tests"][0]) == asg.TEST_COLUMNS
    assert len(run["scores"]) == 2 * 5  # one row per student and question
    keys = [(r["student"], r["test"]) for r in run["tests"]]
    assert len(keys) == len(set(keys))
    for student in ("right", "wrong"):
        rows = [r for r in run["tests"] if r["student"] == student]
        for question, (score, _) in _scores(run, student).items():
            assert score == sum(float(r["points"]) for r in rows if r["question"] == question)


def test_grading_writes_only_into_its_output_folder(run):
    assert _tree(run["home"]) == {}
    assert _tree(run["tmp"]) == {}
    assert _tree(run["cwd"]) == {}
    assert _tree(run["submissions"]) == run["before"]["submissions"]  # read, never changed
    assert _tree(run["built"]) == run["before"]["built"]
    assert sorted(_tree(run["out"])) == [
        "logs/right.log",
        "logs/wrong.log",
        "scores.csv",
        "tests.csv",
    ]


def test_build_and_grading_ran_without_a_network(run):
    if not run["offline"]:
        pytest.skip("unshare cannot make a network namespace here (needs root or user namespaces)")
    # the build and the grades above were made in a namespace with no interface but
    # loopback: nothing they did needed the network
    assert run["scores"] and run["tests"]


def test_a_notebook_of_another_assignment_or_no_notebook_scores_zero_with_a_reason():
    data = {"error": "OtterRuntimeError: Received submission for assignment 'a2'"}
    scores, tests = asg._student_rows("s1", data, {"q1": 2.0, "q2": 3.0})
    assert [(r["question"], r["score"], r["possible"]) for r in scores] == [
        ("q1", 0.0, 2.0),
        ("q2", 0.0, 3.0),
    ]
    assert {r["error"] for r in scores} == {data["error"]}
    assert tests == []


def test_a_notebook_that_runs_too_long_is_stopped(tmp_path):
    log = tmp_path / "log"
    command = [sys.executable, "-c", "import time; print('started', flush=True); time.sleep(60)"]
    code = asg._run(command, cwd=tmp_path, env=dict(os.environ), log=log, timeout=1)
    assert code is None and log.read_text().startswith("started")


def test_unknown_assignment_and_missing_build_are_named(tmp_path):
    with pytest.raises(SystemExit, match="no such assignment: a9; available: a1-measuring-cx"):
        asg.source_paths(["a9"])
    (tmp_path / "subs").mkdir()
    with pytest.raises(SystemExit, match="build it first"):
        asg.grade(NAME, tmp_path / "subs", tmp_path / "out", built=tmp_path / "nothing")


def test_make_assignments_builds_them():
    out = subprocess.run(
        ["make", "-n", "assignments"], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert "tools/assignments.py build" in out


# ------------------------------------------------------------------ the term project


PROJECT = ROOT / "book" / "project.md"


def test_the_project_brief_calls_only_functions_that_exist():
    import cxresearch as cx

    text = PROJECT.read_text(encoding="utf-8")
    chains = re.findall(r"`(cx(?:\.[A-Za-z_]\w*)+)[(`]", text)
    assert len(chains) >= 10
    for chain in chains:
        obj = cx
        for part in chain.split(".")[1:]:
            assert hasattr(obj, part), f"project.md: {chain} does not exist"
            obj = getattr(obj, part)
        assert callable(obj), chain


def test_the_project_brief_has_a_rubric_of_100_points_and_a_ten_week_timeline():
    text = PROJECT.read_text(encoding="utf-8")
    rubric = text.split("## Rubric", 1)[1].split("##", 1)[0]
    rows = [r.split("|")[1:-1] for r in rubric.splitlines() if r.startswith("| **")]
    points = [int(re.search(r"\((\d+) points\)", row[0])[1]) for row in rows]
    assert len(rows) >= 6 and sum(points) == 100
    for row, most in zip(rows, points, strict=True):  # each level opens with its points
        levels = [int(re.match(r" \*\*(\d+)\*\*:", cell)[1]) for cell in row[1:]]
        assert len(levels) == 4 and levels[0] == most and levels == sorted(levels, reverse=True)
    timeline = text.split("## Deliverables and timeline", 1)[1].split("## Rubric", 1)[0]
    assert "| 10 |" in timeline and "cxresearch report" in text and "cx.read_survey" in text


def test_the_project_brief_is_in_the_book_under_the_instructor_guide():
    import bookpages

    toc = yaml.safe_load(bookpages.toc({"00-start-here": None}))
    chapters = {c["file"]: c for part in toc["parts"] for c in part["chapters"]}
    assert chapters["instructor"]["sections"] == [{"file": "project"}]
    guide = (ROOT / "book" / "instructor.md").read_text(encoding="utf-8")
    assert "](project.md)" in guide and "## Graded assignments" in guide


# ------------------------------------------------------------------------ all of them


@pytest.mark.slow
def test_every_assignment_builds_its_solutions_pass_and_grade_full(run, tmp_path):
    """All five: otter runs each solution against every test while building; graded
    from the command line, each solutions notebook gets full marks. The first is built
    the same, byte for byte, as in the fast tests (with and without the solution run)."""
    built = tmp_path / "built"
    done = subprocess.run([*TOOL, "build", "--out", str(built)], capture_output=True,
                          text=True, timeout=1800, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert _tree(built / NAME) == _tree(run["built_assignment"])
    for path in SOURCES:
        subs = tmp_path / "subs" / path.stem
        subs.mkdir(parents=True)
        shutil.copy(built / path.stem / "autograder" / path.name, subs / "solutions.ipynb")
        out = tmp_path / "out" / path.stem
        graded = subprocess.run([*TOOL, "grade", path.stem, str(subs), "--built", str(built),
                                 "--out", str(out)], capture_output=True, text=True,
                                timeout=900, check=False)  # fmt: skip
        assert graded.returncode == 0, graded.stdout[-3000:] + graded.stderr[-3000:]
        rows = _csv(out / "scores.csv")
        assert rows and all(r["score"] == r["possible"] and not r["error"] for r in rows), rows
        assert sum(float(r["possible"]) for r in rows) == 10
        assert json.loads((built / path.stem / "autograder" / "otter_config.json").read_text())
