"""The Dockerfiles and the build context without a Docker engine: stages, user, ENV, CMD, HEALTHCHECK, the
files each image copies and installs, and that each CMD and ENV start the app as the contract says."""

from __future__ import annotations

import fnmatch
import re
import tomllib

import pytest
from typer.testing import CliRunner

from tests.conftest import REPO
from tests.delivery.dockerfile import final_stage
from tests.delivery.images import PROJECT_PACKAGES, SERVICES, dockerfile, runs, stages

SLIM_BASE = re.compile(r"^python:3\.1[12]-slim(?:-\w+)?(?:@sha256:\w+)?$")
RUNTIME_APT = {
    "api": {"libgomp1", "fonts-dejavu-core"},
    "dashboard": set(),  # Bootstrap's CSS comes with bootstrap-flask
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
COMMANDS = {
    "api": ["python", "-m", "api"],
    "dashboard": ["python", "-m", "dashboard"],
    "pipeline": ["scoring", "pipeline"],
}
HEALTH_URLS = {
    "api": "http://127.0.0.1:${API_PORT}/api/v1/ready",
    "dashboard": "http://127.0.0.1:${DASHBOARD_PORT}/",
}


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
    assert final.cmd == COMMANDS[service]


@pytest.mark.parametrize("service", ["api", "dashboard"])
def test_healthcheck_probes_the_service_port(service: str) -> None:
    health = final_stage(dockerfile(service)).healthcheck
    assert health is not None
    assert health.options == HEALTH_OPTIONS
    assert health.command == ["/bin/sh", "-c", f'python -m healthcheck "{HEALTH_URLS[service]}"']


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
    for run in apt_runs:
        assert "--no-install-recommends" in run
        assert "rm -rf /var/lib/apt/lists/*" in run
    named = (run.split("--no-install-recommends", 1)[1].split("&&", 1)[0] for run in apt_runs)
    assert {word for words in named for word in words.split()} == RUNTIME_APT[service]


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


@pytest.mark.parametrize("service", SERVICES)
def test_image_copies_only_its_own_project_packages(service: str) -> None:
    """The dashboard image holds no `scoring`: it reads everything from the API."""
    sources = [
        source
        for stage in stages(service)
        for keyword, arguments in stage
        if keyword == "COPY" and not arguments.startswith("--from=")
        for source in arguments.split()[:-1]
    ]
    project = {
        source.removesuffix(".py")
        for source in sources
        if not source.startswith(("requirements", "pyproject"))
    }
    assert project == set(PROJECT_PACKAGES[service])


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
        "tests",
        "benchmarks",
        "devtools",
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


def app_of(command: list[str]) -> object:
    """The typer app that `python -m <package>` runs."""
    assert command[:2] == ["python", "-m"], command
    return __import__(f"{command[2]}.__main__", fromlist=["app"]).app


def test_api_command_and_environment_start_uvicorn_as_the_contract_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import api.server

    calls = []
    monkeypatch.setattr(api.server, "serve", lambda *args: calls.append(args))
    final = final_stage(dockerfile("api"))
    result = CliRunner().invoke(app_of(final.cmd), final.cmd[3:], env=final.env)
    assert result.exit_code == 0, result.output
    assert calls == [("0.0.0.0", 8000, 2, True)]


def test_api_options_keep_their_defaults_without_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import api.server

    calls = []
    monkeypatch.setattr(api.server, "serve", lambda *args: calls.append(args))
    for name in ("API_HOST", "API_PORT", "API_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    assert CliRunner().invoke(app_of(COMMANDS["api"]), []).exit_code == 0
    assert calls == [("127.0.0.1", 8000, 2, True)]


def test_dashboard_command_and_environment_serve_on_the_contract_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dashboard.app

    calls = []
    monkeypatch.setattr(dashboard.app, "main", lambda *args: calls.append(args))
    final = final_stage(dockerfile("dashboard"))
    env = {**final.env, "DASHBOARD_PORT": "8123"}
    result = CliRunner().invoke(app_of(final.cmd), final.cmd[3:], env=env)
    assert result.exit_code == 0, result.output
    assert calls == [("0.0.0.0", 8123, None)]
