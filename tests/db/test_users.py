"""Accounts: argon2 hashes rehashed on sign-in, a lockout after N failures, one answer for every failure, the
first administrator created once, and an audit row for every attempt and change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select, update

from scoring.db.audit import Actor, verify
from scoring.db.models import audit_log, users, utc_now
from scoring.db.security import password_problem, verify_password
from scoring.db.users import (
    Lockout,
    UserError,
    authenticate,
    create_user,
    ensure_first_admin,
    find_user,
    reset_password,
    set_active,
)
from tests.db.conftest import CLI

PASSWORD = "correct horse battery"
FROM = Actor("?", source="10.0.0.7", request_id="req-1")
LOCKOUT = Lockout(max_failures=3, minutes=15)


def actions(engine: Engine) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.action, audit_log.c.target).order_by(audit_log.c.id)).all()
    return [tuple(r) for r in rows]


def test_sign_in_with_the_right_password_only(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    assert authenticate(sqlite_engine, "olivia", "not the password", LOCKOUT, FROM) is None
    user = authenticate(sqlite_engine, "olivia", PASSWORD, LOCKOUT, FROM)
    assert user is not None and user.role == "officer" and user.last_sign_in_at is not None
    assert actions(sqlite_engine) == [
        ("user-created", "olivia"),
        ("sign-in-failed", "olivia"),
        ("sign-in", "olivia"),
    ]
    with sqlite_engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
        source = conn.execute(select(audit_log.c.source).where(audit_log.c.id == 3)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert source == "10.0.0.7"


def test_lockout_after_repeated_failures(engine: Engine) -> None:
    create_user(engine, "olivia", "officer", PASSWORD, CLI)
    for _ in range(LOCKOUT.max_failures):
        assert authenticate(engine, "olivia", "wrong password", LOCKOUT, FROM) is None
    user = find_user(engine, "olivia")
    assert user.locked_until is not None and user.locked_until > utc_now() + timedelta(minutes=14)
    assert authenticate(engine, "olivia", PASSWORD, LOCKOUT, FROM) is None  # right password, still locked
    assert [a for a, _ in actions(engine)].count("account-locked") == 1
    with engine.begin() as conn:  # the lock has run out
        conn.execute(update(users).values(locked_until=utc_now() - timedelta(seconds=1)))
    assert authenticate(engine, "olivia", PASSWORD, LOCKOUT, FROM) is not None
    assert verify(engine).ok


def test_every_failure_looks_the_same(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    create_user(sqlite_engine, "gone", "analyst", PASSWORD, CLI)
    set_active(sqlite_engine, "gone", False, CLI)
    assert authenticate(sqlite_engine, "nobody", PASSWORD, LOCKOUT, FROM) is None
    assert authenticate(sqlite_engine, "gone", PASSWORD, LOCKOUT, FROM) is None
    with sqlite_engine.connect() as conn:
        details = conn.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "sign-in-failed").order_by(audit_log.c.id)
        ).scalars()
        assert list(details) == ['{"reason": "unknown account"}', '{"reason": "account disabled"}']


def test_outdated_hash_is_upgraded_at_sign_in(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)  # below FAST_HASHER
    with sqlite_engine.begin() as conn:
        conn.execute(update(users).values(password_hash=weak))
    assert authenticate(sqlite_engine, "olivia", PASSWORD, LOCKOUT, FROM) is not None
    with sqlite_engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored != weak and verify_password(stored, PASSWORD) == (True, None)


def test_unknown_account_checks_a_dummy_hash() -> None:
    assert verify_password(None, PASSWORD) == (False, None)


def test_account_changes_name_the_field(sqlite_engine: Engine) -> None:
    with pytest.raises(UserError, match="password: must have at least 12 characters"):
        create_user(sqlite_engine, "olivia", "officer", "short", CLI)
    with pytest.raises(UserError, match="role: one of officer, analyst, admin"):
        create_user(sqlite_engine, "olivia", "boss", PASSWORD, CLI)
    with pytest.raises(UserError, match="username"):
        create_user(sqlite_engine, "o livia", "officer", PASSWORD, CLI)
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    with pytest.raises(UserError, match="already exists"):
        create_user(sqlite_engine, "olivia", "analyst", PASSWORD, CLI)
    with pytest.raises(UserError, match="no account named 'nobody'"):
        reset_password(sqlite_engine, "nobody", PASSWORD, CLI)
    assert password_problem(" " * 12) == "must not be only spaces"


def test_reset_password_unlocks(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    for _ in range(LOCKOUT.max_failures):
        authenticate(sqlite_engine, "olivia", "wrong password", LOCKOUT, FROM)
    reset_password(sqlite_engine, "olivia", "a brand new passphrase", CLI)
    assert authenticate(sqlite_engine, "olivia", "a brand new passphrase", LOCKOUT, FROM) is not None
    assert ("password-reset", "olivia") in actions(sqlite_engine)


def test_first_admin_is_created_once(engine: Engine) -> None:
    password = ensure_first_admin(engine, CLI)
    assert password and len(password) >= 20
    assert ensure_first_admin(engine, CLI) is None
    admin = authenticate(engine, "admin", password, LOCKOUT, FROM)
    assert admin is not None and admin.role == "admin"
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert password not in stored
