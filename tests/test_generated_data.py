"""Generated datasets are reproducible: regenerating from the recorded seed gives the same bytes."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest

from cxresearch import datasets

ROOT = Path(__file__).resolve().parent.parent
GENERATED = [r for r in datasets.codebook()["resources"] if "generator" in r]


def _make_data():
    spec = importlib.util.spec_from_file_location("make_data", ROOT / "tools" / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("resource", GENERATED, ids=[r["name"] for r in GENERATED])
def test_regenerating_gives_the_same_file(resource):
    stored = (datasets.data_dir() / resource["path"]).read_text(encoding="utf-8")
    # If this fails after an intended change to the simulator, run `make data`,
    # `make notebooks`, and commit the new files together.
    assert _sha256(_make_data().generate(resource)) == _sha256(stored)


def test_the_file_format_exports_hold_the_bundled_survey():
    """datasets/exports: cx_survey as SPSS and as a Qualtrics export (`make data` writes them)."""
    import cxresearch as cx

    make_data = _make_data()
    exports = ROOT / "datasets" / "exports"
    assert make_data.sav_is_current(exports / "cx_survey.sav")
    stored = (exports / "cx_survey_qualtrics.csv").read_text(encoding="utf-8")
    assert stored == make_data.qualtrics_csv()
    read = cx.read_survey(exports / "cx_survey_qualtrics.csv")
    bundled = cx.load_dataset("cx_survey")
    answers = read.data[bundled.columns]
    assert (answers.astype(float).to_numpy() == bundled.astype(float).to_numpy()).all()
    assert (read.codebook["role"] == "metadata").sum() == 10
