"""The README is an entry point: short, the command CI runs, a package table that matches the folders, and
links that resolve."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
LINK = re.compile(r"\]\(([^)#]+)(?:#[^)]*)?\)")


def package_table() -> list[str]:
    """The paths named in the first column of the README's package table."""
    lines = README.read_text().splitlines()
    start = lines.index("| package | what it holds |") + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line.split(" | ")[0])
    return [name for row in rows for name in re.findall(r"`([^`]+)`", row)]


def test_readme_is_at_most_200_lines() -> None:
    assert len(README.read_text().splitlines()) <= 200


def test_readme_states_the_test_command_ci_runs() -> None:
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("make ")]
    readme = [
        line.split("#")[0].strip() for line in README.read_text().splitlines() if line.startswith("make ")
    ]
    assert "make test" in ci
    assert "make test" in readme and "make run" in readme


def test_every_entry_of_the_package_table_exists() -> None:
    entries = package_table()
    assert entries
    missing = [name for name in entries if not (ROOT / name.rstrip("/")).exists()]
    assert missing == []


def test_every_package_is_in_the_package_table() -> None:
    """Each top-level package by its folder or its modules; each subpackage of scoring/ by its folder."""
    entries = package_table()
    top = sorted(f"{path.parent.name}/" for path in ROOT.glob("*/__init__.py"))
    subpackages = sorted(f"scoring/{path.parent.name}/" for path in ROOT.glob("scoring/*/__init__.py"))
    assert [folder for folder in top if not any(entry.startswith(folder) for entry in entries)] == []
    assert [folder for folder in subpackages if folder not in entries] == []


def test_readme_links_resolve() -> None:
    targets = LINK.findall(README.read_text())
    assert "docs/index.md" in targets
    assert [t for t in targets if "://" not in t and not (ROOT / t).exists()] == []
