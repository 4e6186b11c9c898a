"""The top-level namespace: every public name resolves, and importing stays cheap."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

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


def test_the_version_has_one_source_and_changelog_names_it():
    import importlib.metadata
    import re
    import tomllib

    root = Path(__file__).resolve().parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "cxresearch/__init__.py"
    assert importlib.metadata.version("cxresearch") == cx.__version__  # what pip installed
    # the newest CHANGELOG heading is this version; unreleased means a .dev version
    top = re.search(
        r"^## (\d+\.\d+\.\d+)( \(unreleased\))?", (root / "CHANGELOG.md").read_text(), re.M
    )
    assert top is not None
    expected = top.group(1) + (".dev0" if top.group(2) else "")
    assert cx.__version__ == expected


# --------------------------------------------------------------------------- the contract

PACKAGE = Path(__file__).resolve().parent.parent / "cxresearch"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def _tree(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_public_names_survive_importing_every_submodule():
    """`import cxresearch.<module>` must not replace a public function by a module.

    In a fresh interpreter: import every submodule first, then check that each public
    name is the object its module defines and can be called (a call without arguments
    may fail for missing arguments, never because the object is a module).
    """
    code = textwrap.dedent(
        """
        import importlib, inspect, cxresearch as cx
        for name in cx._SUBMODULES:
            importlib.import_module("cxresearch." + name)
        bad = []
        for name, module in cx._LAZY.items():
            obj = getattr(cx, name)
            expected = getattr(importlib.import_module("cxresearch." + module), name)
            if obj is not expected or inspect.ismodule(obj) or not (callable(obj) or name.isupper()):
                bad.append(name)
                continue
            if inspect.isclass(obj) and issubclass(obj, Warning):
                continue
            try:
                sig = inspect.signature(obj)
            except (TypeError, ValueError):
                continue
            required = [p for p in sig.parameters.values()
                        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
            if not required:
                continue
            try:
                obj()
            except TypeError as e:
                if "not callable" in str(e):
                    bad.append(name)
        print(",".join(bad))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert not set(cx._LAZY) & set(cx._SUBMODULES)


def test_registry_matches_each_modules_all():
    import importlib

    for name in cx._SUBMODULES:
        module = importlib.import_module(f"cxresearch.{name}")
        exported = set(module.__all__)
        expected = {
            n
            for n in exported
            if not n.isupper() and n not in cx._SUBMODULE_ONLY.get(name, ()) and name != "plots"
        }
        in_registry = {n for n, m in cx._LAZY.items() if m == name}
        if name == "plots":
            assert in_registry == exported, name
        else:  # constants may be exported at the top level too (cx.CX_FORMULA)
            assert expected <= in_registry <= exported, (name, expected ^ in_registry)


def test_no_module_imports_another_modules_private_names():
    bad = []
    for path in MODULES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom) and node.level and node.module:
                last = node.module.split(".")[-1]
                if last.startswith("_"):
                    continue  # a private module of shared internals
                bad += [
                    f"{path.name}: {node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_")
                ]
    assert bad == []


def test_no_results_in_dataframe_attrs():
    uses = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in MODULES
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Attribute) and node.attr == "attrs"
    ]
    assert uses == []


def _code_lines(func: ast.FunctionDef, source: list[str]) -> int:
    body = func.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(getattr(body[0], "value", None), ast.Constant)
    ):
        body = body[1:]  # the docstring
    if not body:
        return 0
    lines = source[body[0].lineno - 1 : func.end_lineno]
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def test_no_function_is_longer_than_100_lines_of_code():
    long = []
    for path in MODULES:
        source = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = _code_lines(node, source)
                if n > 100:
                    long.append(f"{path.name}:{node.name} ({n})")
    assert long == []


def test_randomness_only_through_validate():
    """No module but _validate creates generators; nothing touches NumPy's global state."""
    bad = []
    for path in MODULES:
        if path.name == "_validate.py":
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Attribute) and node.attr in {
                "default_rng",
                "seed",
                "RandomState",
            }:
                value = node.value
                if isinstance(value, ast.Attribute) and value.attr == "random":
                    bad.append(f"{path.name}:{node.lineno} np.random.{node.attr}")
    assert bad == []


def test_non_convergence_is_one_exported_exception():
    # ValueError in PLS, RuntimeError in CB-SEM once; now cx.ConvergenceError everywhere
    import numpy as np
    import pandas as pd

    assert issubclass(cx.ConvergenceError, RuntimeError)
    assert not issubclass(cx.ConvergenceError, ValueError)  # the input was valid
    separated = pd.DataFrame({"x": np.arange(40.0), "y": (np.arange(40) >= 20).astype(int)})
    with pytest.raises(cx.ConvergenceError, match="logit fit did not converge"):
        cx.fit_drivers(separated, "y ~ x", family="logit")
    model = "A =~ comp_1 + comp_2 + comp_3\nB =~ like_1 + like_2 + like_3\nB ~ A"
    with pytest.raises(cx.ConvergenceError, match="did not converge"):
        cx.pls(cx.load_dataset("corp_rep_data"), model, missing="mean", max_iter=1)
