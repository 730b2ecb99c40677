"""What the image tests share: the services, their Dockerfiles and requirement subsets, read and parsed."""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO
from tests.delivery.dockerfile import instructions

SERVICES = ("api", "dashboard", "pipeline")
LOCK = REPO / "requirements.lock"
VENV_SEEDED = {"pip", "setuptools"}  # `python -m venv` installs them; pip freeze leaves them out of the lock
# The project's own packages and modules each image copies in (the others are not in the image).
PROJECT_PACKAGES = {
    "api": ("scoring", "api", "healthcheck"),
    "dashboard": ("dashboard", "healthcheck"),
    "pipeline": ("scoring", "healthcheck"),
}
NOT_SHIPPED = ("tests", "benchmarks", "devtools")


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
