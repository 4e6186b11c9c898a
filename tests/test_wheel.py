"""The datasets travel inside the wheel: load them from an install outside the repository."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import json, sys
import cxresearch as cx
names = [r["name"] for r in cx.datasets.codebook()["resources"] if "external" not in r]
shapes = {n: list(cx.load_dataset(n).shape) for n in names}
print(json.dumps({"file": cx.__file__, "data": str(cx.datasets.data_dir()),
                  "shapes": shapes, "listed": len(cx.list_datasets())}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    wheels = tmp_path_factory.mktemp("wheels")
    target = tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("cxresearch-*.whl")
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    return target


def test_wheel_ships_and_loads_every_bundled_dataset(installed, tmp_path):
    # Run from an empty folder with the installed copy first on the path, so neither the
    # repository nor the editable install can be what gets imported.
    code = f"import sys; sys.path.insert(0, {str(installed)!r})\n" + CHECK
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    assert Path(result["file"]).is_relative_to(installed)
    assert Path(result["data"]) == installed / "cxresearch" / "_data"
    from cxresearch import datasets

    bundled = [r for r in datasets.codebook()["resources"] if "external" not in r]
    assert set(result["shapes"]) == {r["name"] for r in bundled}
    for resource in bundled:
        expected = list(datasets.load_dataset(resource["name"]).shape)
        assert result["shapes"][resource["name"]] == expected
    assert result["listed"] == len(datasets.codebook()["resources"])


def test_wheel_ships_the_exercise_key(installed):
    keys = sorted(p.name for p in (installed / "cxresearch" / "_exercises").glob("*.json"))
    assert keys == sorted(p.name for p in (ROOT / "cxresearch" / "_exercises").glob("*.json"))


def test_wheel_ships_the_report_template_and_the_file_exports(installed):
    assert (installed / "cxresearch" / "_report" / "template.ipynb").is_file()
    assert (installed / "cxresearch" / "_report" / "cxreport" / "index.html.j2").is_file()
    assert (installed / "cxresearch" / "_data" / "exports" / "cx_survey.sav").is_file()
