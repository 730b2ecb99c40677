"""The documentation site's generated pages: current (as `make lint` checks), a stale page caught, the prose
around the generated part kept, and no secret default printed; the testing page's table of the test tiers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr
from pydantic_settings import BaseSettings

from devtools import api_reference
from devtools.generated_page import BEGIN, END, REPO, run, splice
from devtools.settings_reference import class_section
from tests.support.tiers import TIERS


def test_the_settings_page_is_current() -> None:
    """In a process of its own: its scan parses every module, and in a test worker (after hundreds of tests
    and their threads) CPython 3.11's parser failed on one: "AST constructor recursion depth mismatch"."""
    result = subprocess.run(
        [sys.executable, "-m", "devtools.settings_reference", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_the_api_reference_is_current(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m devtools.api_reference --check` in this process (the API is loaded already): built on no
    SCORING_* variable (the tool clears them; here they come back after the test)."""
    for name in [name for name in os.environ if name.startswith("SCORING_") or name == "DATABASE_URL"]:
        monkeypatch.delenv(name)
    assert api_reference.main(["--check"]) == 0, capsys.readouterr().err


def test_check_fails_on_a_stale_page_and_a_run_rewrites_it(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("stale\n")
    assert run(page, lambda _current: "fresh\n", "tool", ["--check"]) == 1
    assert page.read_text() == "stale\n"
    assert run(page, lambda _current: "fresh\n", "tool", []) == 0
    assert run(page, lambda _current: "fresh\n", "tool", ["--check"]) == 0
    assert page.read_text() == "fresh\n"


def test_splice_replaces_only_the_generated_part() -> None:
    begin, end = BEGIN.format(tool="t"), END.format(tool="t")
    page = f"# Title\n\nprose before\n\n{begin}\nold table\n{end}\n\nprose after\n"
    spliced = splice(page, "new table", "t")
    assert spliced == f"# Title\n\nprose before\n\n{begin}\nnew table\n{end}\n\nprose after\n"
    with pytest.raises(SystemExit, match="no markers"):
        splice("# Title\n", "new table", "t")


class Demo(BaseSettings):
    """A settings class with secrets."""

    model_config = {"env_prefix": "DEMO_"}
    token: SecretStr = SecretStr("hunter2-default")
    keys: list[SecretStr] = [SecretStr("another-default")]
    missing: SecretStr | None = None
    shown: str = "visible-default"


def test_secret_defaults_are_never_printed() -> None:
    section = class_section(Demo, [Demo], {})
    assert "hunter2" not in section and "another-default" not in section
    assert "| `DEMO_TOKEN` | SecretStr | (secret) |" in section
    assert "| `DEMO_KEYS` | list[SecretStr] | (secret) |" in section
    assert "| `DEMO_MISSING` | SecretStr \\| None | unset |" in section
    assert "`visible-default`" in section


def test_the_api_reference_prints_no_key_and_names_the_roles() -> None:
    reference = api_reference.PAGE.read_text()
    assert api_reference.PLACEHOLDER_KEY not in reference
    assert "### `POST /api/v1/score`" in reference
    decisions = reference.split("### `POST /api/v1/clients/{client_id}/decisions`")[1].split("###")[0]
    assert "Signed-in roles allowed: `admin`, `officer`, `senior`." in decisions


def test_the_testing_page_lists_every_tier() -> None:
    text = (REPO / "docs" / "testing.md").read_text()
    rows = {line.split("|")[1].strip(" `") for line in text.splitlines() if line.startswith("| `")}
    assert set(TIERS) <= rows, set(TIERS) - rows
