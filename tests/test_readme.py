"""The README: the two commands come first, and its generated tables are current."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _make_data():
    spec = importlib.util.spec_from_file_location("make_data", ROOT / "tools" / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_two_commands_open_the_readme():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_ci_runs_exactly_the_readme_test_command():
    """CI may install what the tests need beyond Python (Chromium), then runs `make test`."""
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines[-1] == "make test"
    runs = [line for line in lines if re.search(r"\b(make|pytest|python)\b", line)]
    assert runs == ["make test"], runs
    installs = [line for line in lines if "apt-get install" in line]
    assert all("chromium" in line or line.endswith("\\") for line in installs)


def test_dataset_table_and_course_map_are_current():
    # If this fails, run `make data` and commit README.md.
    assert _make_data().readme_text() == README


def test_course_map_lists_every_notebook():
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    course = README.split("<!-- course:start -->")[1].split("<!-- course:end -->")[0]
    assert notebooks, "no notebooks found"
    for stem in notebooks:
        assert f"`{stem}`" in course
