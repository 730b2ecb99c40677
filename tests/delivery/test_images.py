"""The Docker images without a Docker engine: requirement subsets, Dockerfiles, and each service run with
nothing importable but its own subset (an import blocker in a child process)."""

from __future__ import annotations

import fnmatch
import importlib.metadata as md
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from typer.testing import CliRunner

from benchmarks.bench_api import free_port
from scoring.cli import app as cli
from tests.api.conftest import APPLICATION
from tests.conftest import REPO
from tests.delivery.dockerfile import final_stage, instructions

SERVICES = ("api", "dashboard", "pipeline")
LOCK = REPO / "requirements.lock"
SLIM_BASE = re.compile(r"^python:3\.1[12]-slim(?:-\w+)?(?:@sha256:\w+)?$")
VENV_SEEDED = {"pip", "setuptools"}  # `python -m venv` installs them; pip freeze leaves them out of the lock
TEST_TOOLS = {
    "pytest",
    "pytest-timeout",
    "hypothesis",
    "schemathesis",
    "playwright",
    "selenium",
    "ruff",
    "dash-testing-stub",
    "percy-selenium",
    "percy-python-selenium",
}
# The optional `spark` group: on the Spark cluster's Python, in none of these images.
SPARK = {"pyspark", "py4j", "sqlglot"}
LEFT_OUT = {
    "api": TEST_TOOLS
    | SPARK
    | {"dash", "dash-bootstrap-components", "evidently", "mlflow", "mlflow-skinny", "optuna"},
    "dashboard": TEST_TOOLS
    | SPARK
    | {"lightgbm", "mlflow", "mlflow-skinny", "evidently", "fastapi", "duckdb"},
    "pipeline": TEST_TOOLS | SPARK | {"dash", "dash-bootstrap-components"},
}
# The project's own packages each image copies in (the others are not in the image).
PROJECT_PACKAGES = {
    "api": ("scoring", "api"),
    "dashboard": ("scoring", "dashboard"),
    "pipeline": ("scoring",),
}
RUNTIME_APT = {
    "api": {"libgomp1", "fonts-dejavu-core"},
    "dashboard": {"libjs-bootstrap5"},
    "pipeline": {"libgomp1"},
}
CONTRACT_ENV = {
    "api": {
        "SCORING_HOME": "/app",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "API_HOST": "0.0.0.0",
        "API_PORT": "8000",
        "API_WORKERS": "2",
    },
    "dashboard": {
        "SCORING_HOME": "/app",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DASHBOARD_HOST": "0.0.0.0",
        "DASHBOARD_PORT": "8050",
        "SCORING_API_URL": "http://api:8000",
    },
    "pipeline": {
        "SCORING_HOME": "/app",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MLFLOW_DISABLE_TELEMETRY": "true",
    },
}
HEALTH_OPTIONS = {"interval": "10s", "timeout": "3s", "start-period": "30s", "retries": "3"}
HEALTH_URLS = {
    "api": "http://127.0.0.1:${API_PORT}/api/v1/ready",
    "dashboard": "http://127.0.0.1:${DASHBOARD_PORT}/",
}


def dockerfile(service: str) -> Path:
    return REPO / "docker" / f"{service}.Dockerfile"


def requirements_file(service: str) -> Path:
    return REPO / "requirements" / f"{service}.txt"


def read_requirements(path: Path) -> list[Requirement]:
    """The requirement lines of a requirements file (comments and blank lines skipped)."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line]


def pinned_version(requirement: Requirement) -> str | None:
    """The version of an `==` pin, None for anything else."""
    specs = list(requirement.specifier)
    return specs[0].version if len(specs) == 1 and specs[0].operator == "==" else None


def lock_pins() -> dict[str, str]:
    return {canonicalize_name(r.name): pinned_version(r) for r in read_requirements(LOCK)}


def unmet_dependencies(requirements: list[Requirement]) -> set[str]:
    """Dependencies (with markers evaluated here, and the requested extras) named by no line of the list."""
    named = {canonicalize_name(r.name) for r in requirements} | VENV_SEEDED
    missing = set()
    for requirement in requirements:
        environments = [{"extra": extra} for extra in requirement.extras] or [{"extra": ""}]
        for spec in md.requires(requirement.name) or []:
            dependency = Requirement(spec)
            applies = dependency.marker is None or any(dependency.marker.evaluate(e) for e in environments)
            if applies and canonicalize_name(dependency.name) not in named:
                missing.add(f"{requirement.name} needs {dependency.name}")
    return missing


# --- requirement subsets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_subset_pins_are_the_lock_pins(service: str) -> None:
    lock = lock_pins()
    requirements = read_requirements(requirements_file(service))
    assert requirements
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement} is not in requirements.lock"
        assert pinned_version(requirement) == lock[name], f"{requirement} vs requirements.lock {lock[name]}"


@pytest.mark.parametrize("service", SERVICES)
def test_subset_is_closed_under_its_dependencies(service: str) -> None:
    assert unmet_dependencies(read_requirements(requirements_file(service))) == set()


def test_closure_check_finds_a_missing_dependency() -> None:
    assert unmet_dependencies([Requirement("fastapi==0.165.0")]) >= {"fastapi needs starlette"}


@pytest.mark.parametrize("service", SERVICES)
def test_subset_leaves_out_what_the_service_does_not_run(service: str) -> None:
    names = {canonicalize_name(r.name) for r in read_requirements(requirements_file(service))}
    assert names & LEFT_OUT[service] == set()


# --- Dockerfiles -----------------------------------------------------------------------------------------


def stages(service: str) -> list[list[tuple[str, str]]]:
    """The instructions of each build stage, FROM first."""
    result: list[list[tuple[str, str]]] = []
    for keyword, arguments in instructions(dockerfile(service).read_text()):
        if keyword == "FROM":
            result.append([])
        result[-1].append((keyword, arguments))
    return result


def runs(stage: list[tuple[str, str]]) -> list[str]:
    return [arguments for keyword, arguments in stage if keyword == "RUN"]


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_is_multi_stage_on_python_slim(service: str) -> None:
    built = stages(service)
    assert len(built) >= 2
    names = set()
    for stage in built:
        words = [w for w in stage[0][1].split() if not w.startswith("--")]
        assert words[0].lower() in names or SLIM_BASE.match(words[0]), words[0]
        if len(words) == 3 and words[1].upper() == "AS":
            names.add(words[2].lower())
    copies_from_builder = [a for k, a in built[-1] if k == "COPY" and a.startswith("--from=")]
    assert any("/opt/venv" in a for a in copies_from_builder)


@pytest.mark.parametrize("service", SERVICES)
def test_final_stage_runs_as_a_non_root_user(service: str) -> None:
    final = final_stage(dockerfile(service))
    assert final.user == "scoring"
    assert final.workdir == "/app"
    assert any(re.search(r"useradd .*--uid 10001 .*scoring", run) for run in runs(stages(service)[-1]))


@pytest.mark.parametrize("service", SERVICES)
def test_final_stage_environment_and_command(service: str) -> None:
    final = final_stage(dockerfile(service))
    assert final.env.items() >= CONTRACT_ENV[service].items()
    assert final.env["PATH"].split(":")[0] == "/opt/venv/bin"
    assert final.cmd == ["scoring", service]


@pytest.mark.parametrize("service", ["api", "dashboard"])
def test_healthcheck_probes_the_service_port(service: str) -> None:
    health = final_stage(dockerfile(service)).healthcheck
    assert health is not None
    assert health.options == HEALTH_OPTIONS
    assert health.command == ["/bin/sh", "-c", f'python -m scoring.healthcheck "{HEALTH_URLS[service]}"']


def test_pipeline_is_one_shot_without_healthcheck() -> None:
    assert final_stage(dockerfile("pipeline")).healthcheck is None


@pytest.mark.parametrize("service", SERVICES)
def test_installs_its_own_requirements_then_the_project_without_dependencies(service: str) -> None:
    text = dockerfile(service).read_text()
    assert f"requirements/{service}.txt" in text
    assert "requirements.lock" not in text
    others = {f"requirements/{other}.txt" for other in SERVICES if other != service}
    assert not any(other in text for other in others)
    pip_runs = [run for stage in stages(service) for run in runs(stage) if "pip install" in run]
    assert pip_runs and all("--no-cache-dir" in run for run in pip_runs)
    assert any("--no-deps" in run for run in pip_runs)


@pytest.mark.parametrize("service", SERVICES)
def test_runtime_packages_from_debian_are_minimal(service: str) -> None:
    apt_runs = [run for run in runs(stages(service)[-1]) if "apt-get install" in run]
    assert apt_runs
    for run in apt_runs:
        assert "--no-install-recommends" in run
        assert "rm -rf /var/lib/apt/lists/*" in run
    installed = {word for run in apt_runs for word in run.split("--no-install-recommends", 1)[1].split()}
    assert RUNTIME_APT[service] <= installed


def dockerignore() -> list[str]:
    lines = (line.strip() for line in (REPO / ".dockerignore").read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def ignored(path: str) -> bool:
    """Whether .dockerignore keeps `path` (relative to the repo) out of the build context."""
    verdict = False
    for pattern in dockerignore():
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        prefixes = ["/".join(path.split("/")[: i + 1]) for i in range(path.count("/") + 1)]
        if any(fnmatch.fnmatch(p, pattern) or fnmatch.fnmatch(p, f"**/{pattern}") for p in prefixes):
            verdict = not negated
    return verdict


@pytest.mark.parametrize("service", SERVICES)
def test_every_copied_source_is_in_the_build_context(service: str) -> None:
    copies = [
        arguments.split()
        for stage in stages(service)
        for keyword, arguments in stage
        if keyword == "COPY" and not arguments.startswith("--from=")
    ]
    assert copies
    for words in copies:
        for source in words[:-1]:
            assert (REPO / source).exists(), source
            assert not ignored(source), f"{source} is excluded by .dockerignore"


def test_dockerignore_keeps_local_state_out() -> None:
    for path in (
        ".venv",
        ".git",
        "data",
        "models",
        "reports",
        "mlruns",
        "mlflow.db",
        ".env",
        ".pytest_cache",
    ):
        assert ignored(path), path
    for path in (
        "scoring/cli.py",
        "api/main.py",
        "dashboard/app.py",
        "pyproject.toml",
        "requirements/api.txt",
    ):
        assert not ignored(path), path
    assert ignored("scoring/__pycache__/cli.cpython-311.pyc")


def test_images_install_every_data_file_of_the_project() -> None:
    """`pip install .` in the images copies only package data: every non-Python file the code ships."""
    package_data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for package in ("scoring", "api", "dashboard"):
        for path in (REPO / package).rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc", ".md") or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(REPO / package).as_posix()
            patterns = package_data.get(package, [])
            assert any(fnmatch.fnmatch(relative, p) for p in patterns), f"{package}/{relative}"


# --- the image's CMD and ENV reach the servers ----------------------------------------------------------


def test_api_command_and_environment_start_uvicorn_as_the_contract_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import api.server

    calls = []
    monkeypatch.setattr(api.server, "serve", lambda *args: calls.append(args))
    final = final_stage(dockerfile("api"))
    result = CliRunner().invoke(cli, final.cmd[1:], env=final.env)
    assert result.exit_code == 0, result.output
    assert calls == [("0.0.0.0", 8000, 2, True)]


def test_api_options_keep_their_defaults_without_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import api.server

    calls = []
    monkeypatch.setattr(api.server, "serve", lambda *args: calls.append(args))
    for name in ("API_HOST", "API_PORT", "API_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    assert CliRunner().invoke(cli, ["api"]).exit_code == 0
    assert calls == [("127.0.0.1", 8000, 2, True)]


def test_dashboard_command_and_environment_serve_on_the_contract_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dashboard.app

    calls = []
    monkeypatch.setattr(dashboard.app, "main", lambda *args: calls.append(args))
    final = final_stage(dockerfile("dashboard"))
    env = {**final.env, "DASHBOARD_PORT": "8123"}
    result = CliRunner().invoke(cli, final.cmd[1:], env=env)
    assert result.exit_code == 0, result.output
    assert calls == [("0.0.0.0", 8123, None)]


# --- each service with only its subset importable --------------------------------------------------------

BLOCKER = r"""
import importlib.metadata, re, sys

def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()

def _allowed(path):
    names = set()
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(_canonical(re.split(r"[\[=<>!~ ;]", line, maxsplit=1)[0]))
    return names | {"pip", "setuptools"}

class SubsetOnly:
    '''Refuses top-level modules of distributions outside the subset and project packages not in the image.'''

    def __init__(self, requirements, project, absent):
        allowed = _allowed(requirements) | {"scoring"}
        owners = importlib.metadata.packages_distributions()
        self.refused = {top for top, dists in owners.items() if not {_canonical(d) for d in dists} & allowed}
        self.refused = (self.refused | set(absent)) - set(project)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.refused:
            raise ModuleNotFoundError(f"{name} is not in the image (blocked)", name=name)
        return None

_PROJECT = {"api": ("scoring", "api"), "dashboard": ("scoring", "dashboard"), "pipeline": ("scoring",)}
_SERVICE = sys.argv[1]
sys.meta_path.insert(0, SubsetOnly(
    f"requirements/{_SERVICE}.txt", _PROJECT[_SERVICE], ("api", "dashboard", "tests", "benchmarks")
))
"""

PROBE = (
    BLOCKER
    + r"""
import importlib
for name in sys.argv[2:]:
    try:
        importlib.import_module(name)
        print(name, "imported")
    except ModuleNotFoundError:
        print(name, "blocked")
"""
)

API = (
    BLOCKER
    + r"""
from scoring.cli import app
app(["api", "--host", "127.0.0.1", "--port", sys.argv[2], "--workers", "1", "--no-access-log"])
"""
)

DASHBOARD = (
    BLOCKER
    + r"""
import importlib, pkgutil
import dashboard
from dashboard.app import create_app
from dashboard.settings import DashboardSettings

local = DashboardSettings(api_url="http://127.0.0.1:9", auth=False, _env_file=None)
server = create_app(local).server.test_client()
for module in pkgutil.walk_packages(dashboard.__path__, "dashboard."):
    importlib.import_module(module.name)
import scoring.cli, scoring.healthcheck
for route in ("/", "/client/100001", "/model", "/_dash-layout", "/_dash-dependencies"):
    response = server.get(route)
    assert response.status_code == 200, (route, response.status_code)
signed = DashboardSettings(api_url="http://127.0.0.1:9", secret_key="k" * 32, _env_file=None)
assert create_app(signed).server.test_client().get("/login").status_code == 200
print("dashboard served")
"""
)

PIPELINE = (
    BLOCKER
    + r"""
import importlib, pkgutil
import scoring

for module in pkgutil.walk_packages(scoring.__path__, "scoring."):
    importlib.import_module(module.name)
import mlflow, mlflow.server, evidently, optuna, imblearn, matplotlib.pyplot
from scoring.cli import app
app(["pipeline", "--help"])
"""
)


def run_child(program: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_blocker_refuses_what_the_subset_lacks() -> None:
    result = run_child(
        PROBE, "api", "fastapi", "lightgbm", "dash", "mlflow", "pytest", "dashboard", "api.main"
    )
    assert result.returncode == 0, result.stderr
    verdicts = dict(line.split() for line in result.stdout.splitlines())
    assert verdicts == {
        "fastapi": "imported",
        "lightgbm": "imported",
        "dash": "blocked",
        "mlflow": "blocked",
        "pytest": "blocked",
        "dashboard": "blocked",
        "api.main": "imported",
    }


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the API exited before it was ready"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready in {timeout} s")


def test_api_serves_and_scores_with_only_its_subset(demo_home: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SCORING_", "API_"))},
        "SCORING_HOME": str(demo_home),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'predictions.db'}",
        "SCORING_LOG_SALT": "test-salt",
    }
    log = (tmp_path / "api.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", API, "api", str(port)], cwd=REPO, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        wait_ready(f"{base}/ready", process)
        client_id = httpx.get(f"{base}/clients", params={"prefix": "1", "limit": 1}).json()["ids"][0]
        stored = httpx.get(f"{base}/clients/{client_id}/score", timeout=30)
        history = {"bureau": [{"SK_ID_BUREAU": 1, "DAYS_CREDIT": -400}]}
        posted = httpx.post(f"{base}/score", json={**APPLICATION, "history": history}, timeout=30)
        health = run_child("from scoring.healthcheck import main; raise SystemExit(main())", f"{base}/ready")
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()
    output = (tmp_path / "api.log").read_text()
    assert stored.status_code == 200, output
    assert 0.0 <= stored.json()["probability"] <= 1.0
    assert posted.status_code == 200, posted.text
    assert health.returncode == 0, health.stderr
    assert process.returncode in (0, -signal.SIGTERM), output  # uvicorn re-raises SIGTERM once shut down
    assert "Application shutdown complete" in output


def test_dashboard_builds_and_serves_pages_with_only_its_subset() -> None:
    result = run_child(DASHBOARD, "dashboard")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "dashboard served" in result.stdout


def test_pipeline_modules_and_mlflow_ui_import_with_only_their_subset() -> None:
    result = run_child(PIPELINE, "pipeline")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Run data, features, train and drift" in result.stdout


def test_healthcheck_fails_in_one_line_when_nothing_answers(capsys: pytest.CaptureFixture[str]) -> None:
    from scoring.healthcheck import main

    url = f"http://127.0.0.1:{free_port()}/api/v1/ready"
    assert main([url]) == 1
    assert main([]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"unhealthy: {url}: unreachable")
