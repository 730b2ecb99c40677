"""Which package may import which: the library imports neither app, the dashboard only talks HTTP, routes
import no sibling route and no training code, tests and benchmarks share only `devtools`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

FORBIDDEN = {
    "scoring": ("api", "dashboard", "tests", "benchmarks", "devtools"),
    "api": ("dashboard", "tests", "benchmarks", "devtools"),
    "dashboard": ("scoring", "api", "tests", "benchmarks", "devtools"),
    "devtools": ("tests", "benchmarks"),
    "benchmarks": ("tests",),
    "tests": ("benchmarks",),
}
ROUTES_FORBIDDEN = ("api.routes", "scoring.modeling")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (absolute names; the project uses no relative imports)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def offending(path: Path, packages: tuple[str, ...]) -> list[str]:
    """The modules `path` imports from any of `packages` (dotted names: subpackages count)."""
    return sorted(m for m in imported_modules(path) if any(m == p or m.startswith(p + ".") for p in packages))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_import_only_downwards(package: str) -> None:
    found = {
        str(path.relative_to(REPO)): names
        for path in (REPO / package).rglob("*.py")
        if (names := offending(path, FORBIDDEN[package]))
    }
    assert found == {}


def test_routes_import_no_sibling_route_and_no_training_code() -> None:
    found = {
        path.name: names
        for path in (REPO / "api" / "routes").glob("*.py")
        if (names := offending(path, ROUTES_FORBIDDEN))
    }
    assert found == {}


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from api.routes.clients import ClientId\nimport scoring.modeling.cost\nimport json\n")
    assert offending(module, ROUTES_FORBIDDEN) == ["api.routes.clients", "scoring.modeling.cost"]
