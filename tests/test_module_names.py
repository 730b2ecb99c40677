"""No two modules of one app share a file name, but for a stated reason: a role every package may have
(`__init__`, `__main__`, `settings`, `errors`, `command`), or one resource across the layers of an app (an API
route and its schemas and models; a dashboard page, its figures and its components; in the library, what
`scoring/serving` serves of what another package computes)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from tests.conftest import REPO

ROLES = {"__init__", "__main__", "settings", "errors", "command"}
SERVING = "scoring/serving"
LAYERS = {
    "api": ({"api", "api/routes", "api/schemas"},),
    "dashboard": (
        {"dashboard", "dashboard/pages", "dashboard/figures", "dashboard/components", "dashboard/auth"},
    ),
}


def colliding(app: str) -> dict[str, list[str]]:
    """File names used by more than one module of `app`, beyond the reasons above."""
    folders_of: dict[str, list[str]] = defaultdict(list)
    for path in (REPO / app).rglob("*.py"):
        if "migrations" not in path.parts and path.stem not in ROLES:
            folders_of[path.stem].append(str(path.parent.relative_to(REPO)))
    layered = LAYERS.get(app, ())

    def stated(folders: list[str]) -> bool:
        if len(set(folders)) < len(folders):
            return False
        return any(set(folders) <= g for g in layered) or (len(folders) == 2 and SERVING in folders)

    return {name: sorted(f) for name, f in folders_of.items() if len(f) > 1 and not stated(f)}


def test_module_names_are_unique_within_each_app() -> None:
    assert {app: colliding(app) for app in ("scoring", "api", "dashboard")} == {
        "scoring": {},
        "api": {},
        "dashboard": {},
    }


def test_the_check_sees_a_collision(tmp_path: Path, monkeypatch) -> None:
    for folder in ("pkg/a", "pkg/b"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "report.py").write_text("")
    monkeypatch.setattr("tests.test_module_names.REPO", tmp_path)
    assert colliding("pkg") == {"report": ["pkg/a", "pkg/b"]}
