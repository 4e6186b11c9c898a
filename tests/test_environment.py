"""environment.yml (conda, Binder) must list the same packages and lower bounds as pyproject."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# PyPI name -> conda-forge name, where they differ.
CONDA_NAME = {"pyyaml": "pyyaml"}
_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*(?:>=\s*([0-9][^,;\s]*))?")


def _parse(requirement: str) -> tuple[str, str | None]:
    match = _REQ.match(requirement)
    if not match:
        raise ValueError(f"cannot parse requirement {requirement!r}")
    return match.group(1).lower().replace("_", "-"), match.group(2)


def pyproject_requirements(text: str) -> dict[str, str | None]:
    project = tomllib.loads(text)["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return dict(_parse(r) for r in reqs)


def environment_requirements(text: str) -> dict[str, str | None]:
    env = yaml.safe_load(text)
    reqs: dict[str, str | None] = {}
    for dep in env["dependencies"]:
        entries = dep["pip"] if isinstance(dep, dict) else [dep]
        for entry in entries:
            if entry.startswith("-e") or entry in ("pip",):
                continue
            name, bound = _parse(entry.replace(" ", ""))
            if name == "python":
                continue
            reqs[CONDA_NAME.get(name, name)] = bound
    return reqs


def drift(pyproject_text: str, environment_text: str) -> list[str]:
    """Every disagreement between the two files, as readable sentences."""
    py = {CONDA_NAME.get(k, k): v for k, v in pyproject_requirements(pyproject_text).items()}
    env = environment_requirements(environment_text)
    problems = [
        f"{n} is in pyproject.toml but not in environment.yml" for n in py.keys() - env.keys()
    ]
    problems += [
        f"{n} is in environment.yml but not in pyproject.toml" for n in env.keys() - py.keys()
    ]
    problems += [
        f"{n}: lower bound {py[n]} in pyproject.toml but {env[n]} in environment.yml"
        for n in py.keys() & env.keys()
        if py[n] != env[n]
    ]
    return sorted(problems)


@pytest.fixture(scope="module")
def texts() -> tuple[str, str]:
    return (
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
        (ROOT / "environment.yml").read_text(encoding="utf-8"),
    )


def test_environment_matches_pyproject(texts):
    assert drift(*texts) == []


def test_drift_is_caught_when_a_bound_changes(texts):
    pyproject, environment = texts
    changed = environment.replace("- pandas>=2.2", "- pandas>=2.0")
    assert drift(pyproject, changed) == [
        "pandas: lower bound 2.2 in pyproject.toml but 2.0 in environment.yml"
    ]


def test_drift_is_caught_when_a_package_is_missing(texts):
    pyproject, environment = texts
    changed = environment.replace("  - seaborn>=0.13\n", "")
    assert drift(pyproject, changed) == ["seaborn is in pyproject.toml but not in environment.yml"]


def test_drift_is_caught_when_pyproject_gains_a_package(texts):
    pyproject, environment = texts
    changed = pyproject.replace('"tqdm>=4.66",', '"tqdm>=4.66",\n    "polars>=1.0",')
    assert drift(changed, environment) == ["polars is in pyproject.toml but not in environment.yml"]


def test_pip_section_is_compared_too(texts):
    pyproject, environment = texts
    changed = environment.replace("- seminr>=0.2.1", "- seminr>=0.1")
    assert drift(pyproject, changed) == [
        "seminr: lower bound 0.2.1 in pyproject.toml but 0.1 in environment.yml"
    ]


# A private module of a dependency exists only in some of its versions: the lower bound in
# pyproject must be a version that has it. Module -> the first version that ships it.
PRIVATE_MODULE_SINCE = {"statsmodels.formula._manager": ("statsmodels", "0.15")}
_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", re.M)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def test_private_modules_of_dependencies_exist_at_the_lower_bound(texts):
    bounds = pyproject_requirements(texts[0])
    used = set()
    for path in (ROOT / "cxresearch").rglob("*.py"):
        for match in _IMPORT.finditer(path.read_text()):
            module = match.group(1) or match.group(2)
            if any(part.startswith("_") for part in module.split(".")[1:]):
                used.add((module, path.name))
    for module, where in sorted(used):
        top = module.split(".")[0]
        if module.startswith(".") or top == "cxresearch":
            continue  # the package's own private modules
        assert module in PRIVATE_MODULE_SINCE, (
            f"{where} imports the private module {module}: add the first {top} version "
            f"that has it to PRIVATE_MODULE_SINCE (and raise the lower bound to it)"
        )
        package, since = PRIVATE_MODULE_SINCE[module]
        assert bounds[package] is not None and _version(bounds[package]) >= _version(since), (
            f"{where} imports {module} (new in {package} {since}) but pyproject allows "
            f"{package}>={bounds[package]}"
        )
