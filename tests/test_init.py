"""The top-level namespace: every public name resolves, and importing stays cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import cxresearch as cx


@pytest.mark.parametrize("name", cx.__all__)
def test_every_public_name_resolves(name):
    assert getattr(cx, name) is not None


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'not_a_function'"):
        cx.not_a_function  # noqa: B018


def test_import_does_not_load_heavy_libraries():
    code = (
        "import sys, cxresearch\n"
        "heavy = [m for m in ('pandas', 'matplotlib', 'scipy', 'statsmodels', 'seaborn')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_version_matches_pyproject():
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    assert cx.__version__ == tomllib.loads(pyproject.read_text())["project"]["version"]
