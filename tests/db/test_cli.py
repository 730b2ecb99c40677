"""`scoring users`, `scoring audit` and `scoring db` on a scoring home's SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from scoring.cli import app
from scoring.db.engine import head_revision, open_database
from scoring.settings import ScoringSettings

PASSWORD = "correct horse battery"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SCORING_HOME", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SCORING_DATABASE_URL", raising=False)
    return tmp_path


def run(*args: str, stdin: str | None = None) -> object:
    return CliRunner().invoke(app, list(args), input=stdin)


def test_users_add_list_disable_reset(home: Path) -> None:
    added = run("users", "add", "olivia", "--role", "officer", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "account 'olivia' added with role officer" in added.output
    assert run("users", "add", "omar", "--role", "boss", stdin=PASSWORD + "\n").exit_code == 2
    short = run("users", "add", "omar", "--role", "analyst", stdin="short\n")
    assert short.exit_code == 2 and "password: must have at least 12 characters" in short.output
    assert run("users", "disable", "olivia").exit_code == 0
    listing = run("users", "list").output
    assert "olivia" in listing and "disabled" in listing and "officer" in listing
    assert run("users", "reset-password", "olivia", stdin="another long password\n").exit_code == 0
    missing = run("users", "disable", "nobody")
    assert missing.exit_code == 2 and "no account named 'nobody'" in missing.output
    assert (home / "data" / "runtime" / "predictions.db").exists()


def test_audit_verify_finds_a_row_edited_in_the_database(home: Path) -> None:
    for name in ("olivia", "omar", "oscar"):
        run("users", "add", name, "--role", "officer", stdin=PASSWORD + "\n")
    intact = run("audit", "verify")
    assert intact.exit_code == 0 and "audit trail intact: 3 rows" in intact.output
    engine = open_database(ScoringSettings().database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET target = 'mallory' WHERE id = 2"))
    engine.dispose()
    tampered = run("audit", "verify")
    assert tampered.exit_code == 1
    assert "audit trail TAMPERED: row 2 edited" in tampered.output


def test_audit_export_and_purge(home: Path) -> None:
    run("users", "add", "olivia", "--role", "officer", stdin=PASSWORD + "\n")
    out = home / "export" / "audit.csv"
    exported = run("audit", "export", "--out", str(out), "--since", "2020-01-01")
    assert exported.exit_code == 0 and "1 audit rows written" in exported.output
    assert out.read_text().splitlines()[0].startswith("id,created_at,actor")
    refused = run("audit", "purge", "--yes", "--before", "2999-01-01")
    assert refused.exit_code == 2 and "within the retention" in refused.output
    assert "nothing to purge" in run("audit", "purge", "--yes").output


def test_db_downgrade_and_upgrade(home: Path) -> None:
    assert f"database at revision {head_revision()}" in run("db", "upgrade").output
    assert "database at revision 0001" in run("db", "downgrade", "0001").output
    assert run("db", "current").output.strip() == "0001"
    assert f"database at revision {head_revision()}" in run("db", "upgrade").output
