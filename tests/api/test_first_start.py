"""The quick start: the API's first start on a database without an account creates `admin` with a random
password printed once (stored only hashed); later starts print nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from api.server import prepare_database
from scoring.db.audit import Actor
from scoring.db.engine import open_database
from scoring.db.tables import users
from scoring.db.throttle import ThrottleRules
from scoring.db.users import authenticate


def test_first_start_creates_the_admin_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("SCORING_HOME", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SCORING_DATABASE_URL", raising=False)
    prepare_database()
    banner = capsys.readouterr().err
    assert "user name: admin" in banner and "scoring users add NAME --role officer" in banner
    password = re.search(r"password:\s+(\S+)", banner).group(1)
    prepare_database()
    assert capsys.readouterr().err == ""
    engine = open_database(f"sqlite:///{tmp_path / 'data' / 'runtime' / 'predictions.db'}")
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert password not in stored
    rules = ThrottleRules(address_failures=20, account_failures=5, first_delay=1, max_delay=900, window=900)
    assert authenticate(engine, "admin", password, rules, Actor("?")).role == "admin"
