"""Each service run with nothing importable but its own requirement subset and its own project packages (an
import blocker in a child process), and the health check the images run."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from devtools.servers import Service, clean_environment, free_port
from tests.api.conftest import APPLICATION
from tests.conftest import REPO
from tests.delivery.images import NOT_SHIPPED, PROJECT_PACKAGES

pytestmark = pytest.mark.slow  # child processes that start the services

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
        allowed = _allowed(requirements)
        owners = importlib.metadata.packages_distributions()
        self.refused = {top for top, dists in owners.items() if not {_canonical(d) for d in dists} & allowed}
        self.refused = (self.refused | set(absent)) - set(project)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.refused:
            raise ModuleNotFoundError(f"{name} is not in the image (blocked)", name=name)
        return None

_SERVICE, _PROJECT, _ABSENT = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
sys.meta_path.insert(0, SubsetOnly(f"requirements/{_SERVICE}.txt", _PROJECT, _ABSENT))
del sys.argv[1:4]
"""

PROBE = (
    BLOCKER
    + r"""
import importlib
for name in sys.argv[1:]:
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
from api.__main__ import app
app(["--host", "127.0.0.1", "--port", sys.argv[1], "--workers", "1", "--no-access-log"])
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
import healthcheck
try:
    import scoring
except ModuleNotFoundError:
    print("scoring blocked")
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


def blocker_args(service: str) -> list[str]:
    """The arguments of BLOCKER: the service, its project packages, the project's other packages."""
    everything = {name for packages in PROJECT_PACKAGES.values() for name in packages} | set(NOT_SHIPPED)
    own = PROJECT_PACKAGES[service]
    return [service, ",".join(own), ",".join(sorted(everything - set(own)))]


def run_child(
    program: str, service: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", program, *blocker_args(service), *args],
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


def test_api_serves_and_scores_with_only_its_subset(demo_home: Path, tmp_path: Path) -> None:
    port = free_port()
    env = clean_environment(
        SCORING_HOME=str(demo_home),
        DATABASE_URL=f"sqlite:///{tmp_path / 'predictions.db'}",
        SCORING_LOG_SALT="test-salt",
    )
    log = tmp_path / "api.log"
    with log.open("w") as out:
        command = [sys.executable, "-c", API, *blocker_args("api"), str(port)]
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=out)
    api = Service(process, f"http://127.0.0.1:{port}", log)
    base = f"{api.url}/api/v1"
    try:
        api.wait("/api/v1/ready", 90)
        client_id = httpx.get(f"{base}/clients", params={"prefix": "1", "limit": 1}).json()["ids"][0]
        stored = httpx.get(f"{base}/clients/{client_id}/score", timeout=30)
        history = {"bureau": [{"SK_ID_BUREAU": 1, "DAYS_CREDIT": -400}]}
        posted = httpx.post(f"{base}/score", json={**APPLICATION, "history": history}, timeout=30)
        health = run_child(
            BLOCKER + "from healthcheck import main; raise SystemExit(main())", "api", f"{base}/ready"
        )
    finally:
        process.terminate()
        process.wait(timeout=60)
    output = api.output()
    assert stored.status_code == 200, output
    assert 0.0 <= stored.json()["probability"] <= 1.0
    assert posted.status_code == 200, posted.text
    assert health.returncode == 0, health.stderr
    assert process.returncode in (0, -signal.SIGTERM), output  # uvicorn re-raises SIGTERM once shut down
    assert "Application shutdown complete" in output


def test_dashboard_builds_and_serves_pages_with_only_its_subset() -> None:
    result = run_child(DASHBOARD, "dashboard")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "scoring blocked" in result.stdout and "dashboard served" in result.stdout


def test_pipeline_modules_and_mlflow_ui_import_with_only_their_subset() -> None:
    result = run_child(PIPELINE, "pipeline")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Run data, features, train and drift" in result.stdout


def test_healthcheck_fails_in_one_line_when_nothing_answers(capsys: pytest.CaptureFixture[str]) -> None:
    from healthcheck import main

    url = f"http://127.0.0.1:{free_port()}/api/v1/ready"
    assert main([url]) == 1
    assert main([]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"unhealthy: {url}: unreachable")
