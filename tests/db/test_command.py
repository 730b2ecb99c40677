"""`scoring users`, `scoring audit` and `scoring db` on a scoring home's SQLite database."""

from __future__ import annotations

import json
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


def _add_users(count: int) -> None:
    for number in range(count):
        added = run("users", "add", f"user{number}", "--role", "analyst", stdin=PASSWORD + "\n")
        assert added.exit_code == 0, added.output


def _anchors(home: Path) -> list[dict]:
    path = home / "data" / "runtime" / "audit_anchors.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_an_export_anchors_the_chain_and_a_cut_end_fails_verify(home: Path) -> None:
    """The issue's cut: the newest rows deleted and `audit_chain` moved back passed `verify`; the anchor the
    export wrote (outside the database) now names the rows that are gone."""
    _add_users(4)  # rows 1-4, and the export's own row 5
    exported = run("audit", "export", "--out", str(home / "audit.csv"))
    assert exported.exit_code == 0 and "chain anchored at row 5" in exported.output
    (anchor,) = _anchors(home)
    assert anchor["reason"] == "export" and anchor["last_id"] == 5 and len(anchor["signature"]) == 64
    assert (home / "data" / "runtime" / "audit_anchors.jsonl").stat().st_mode & 0o777 == 0o600
    assert (home / "data" / "keys" / "audit_anchor.key").stat().st_mode & 0o777 == 0o600
    intact = run("audit", "verify")
    assert intact.exit_code == 0, intact.output
    assert (
        "audit trail intact: 5 rows" in intact.output
        and "1 anchors of the chain's end agree" in intact.output
    )
    engine = open_database(ScoringSettings().database)
    with engine.begin() as conn:
        kept = conn.execute(text("SELECT row_hash FROM audit_log WHERE id = 2")).scalar_one()
        conn.execute(text("DELETE FROM audit_log WHERE id > 2"))
        conn.execute(text("UPDATE audit_chain SET last_id = 2, last_hash = :h"), {"h": kept})
    engine.dispose()
    cut = run("audit", "verify")
    assert cut.exit_code == 1
    assert "audit trail intact: 2 rows" in cut.output  # the chain alone cannot see it
    assert "audit trail TAMPERED: rows 3-5 missing: the chain ends at row 2" in cut.output
    assert "(the chain was cut at the end)" in cut.output


def test_an_anchor_with_a_wrong_signature_fails_verify(home: Path) -> None:
    _add_users(2)
    assert run("audit", "export", "--out", str(home / "audit.csv")).exit_code == 0
    path = home / "data" / "runtime" / "audit_anchors.jsonl"
    (anchor,) = _anchors(home)
    path.write_text(json.dumps({**anchor, "last_id": 1}) + "\n")  # moved back to hide the newest row
    forged = run("audit", "verify")
    assert forged.exit_code == 1
    assert "anchor line 1" in forged.output and "has a wrong signature" in forged.output


def test_a_rewritten_chain_differs_from_its_anchor(home: Path) -> None:
    _add_users(3)
    assert run("audit", "export", "--out", str(home / "audit.csv")).exit_code == 0
    engine = open_database(ScoringSettings().database)
    with engine.begin() as conn:  # a consistent forged chain: the anchored row's hash changed
        conn.execute(text("UPDATE audit_log SET row_hash = :h WHERE id = 4"), {"h": "f" * 64})
        conn.execute(text("UPDATE audit_chain SET last_hash = :h"), {"h": "f" * 64})
    engine.dispose()
    rewritten = run("audit", "verify")
    assert rewritten.exit_code == 1 and "row 4 differs from its anchor" in rewritten.output
