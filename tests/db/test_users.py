"""Accounts: argon2 hashes rehashed on sign-in, one answer for every failure, passwords hard to guess, the
first administrator created once, and an audit row for every attempt and change (the throttling of failed
sign-ins: tests/db/test_throttle.py)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select, update

from scoring.db.audit import Actor
from scoring.db.security import password_problem, verify_password
from scoring.db.tables import audit_log, users
from scoring.db.throttle import Throttled, ThrottleRules
from scoring.db.users import (
    UserError,
    authenticate,
    change_password,
    create_user,
    ensure_first_admin,
    reset_password,
    set_active,
)
from tests.db.conftest import CLI

PASSWORD = "correct horse battery"
NEW = "violet kettle around ninety"
FROM = Actor("?", source="10.0.0.7", request_id="req-1")
RULES = ThrottleRules(address_failures=20, account_failures=3, first_delay=60, max_delay=3600, window=900)
TOO_EASY = "password: is too easy to guess"


def actions(engine: Engine) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.action, audit_log.c.target).order_by(audit_log.c.id)).all()
    return [tuple(r) for r in rows]


def test_sign_in_with_the_right_password_only(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    assert authenticate(sqlite_engine, "olivia", "not the password", RULES, FROM) is None
    user = authenticate(sqlite_engine, "olivia", PASSWORD, RULES, FROM)
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


def test_every_failure_looks_the_same(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    create_user(sqlite_engine, "gone", "analyst", PASSWORD, CLI)
    set_active(sqlite_engine, "gone", False, CLI)
    assert authenticate(sqlite_engine, "nobody", PASSWORD, RULES, FROM) is None
    assert authenticate(sqlite_engine, "gone", PASSWORD, RULES, FROM) is None
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
    assert authenticate(sqlite_engine, "olivia", PASSWORD, RULES, FROM) is not None
    with sqlite_engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored != weak and verify_password(stored, PASSWORD) == (True, None)


def test_unknown_account_checks_a_dummy_hash() -> None:
    assert verify_password(None, PASSWORD) == (False, None)


def test_account_changes_name_the_field(sqlite_engine: Engine) -> None:
    with pytest.raises(UserError, match="password: must have at least 12 characters"):
        create_user(sqlite_engine, "olivia", "officer", "short", CLI)
    with pytest.raises(UserError, match="role: one of officer, senior, analyst, admin"):
        create_user(sqlite_engine, "olivia", "boss", PASSWORD, CLI)
    with pytest.raises(UserError, match="username"):
        create_user(sqlite_engine, "o livia", "officer", PASSWORD, CLI)
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    with pytest.raises(UserError, match="already exists"):
        create_user(sqlite_engine, "olivia", "analyst", PASSWORD, CLI)
    with pytest.raises(UserError, match="no account named 'nobody'"):
        reset_password(sqlite_engine, "nobody", PASSWORD, CLI)
    assert password_problem(" " * 12) == "must not be only spaces"


def test_reset_password_forgets_the_throttled_failures(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    for _ in range(RULES.account_failures):
        authenticate(sqlite_engine, "olivia", "wrong password", RULES, FROM)
    reset_password(sqlite_engine, "olivia", "a brand new passphrase", CLI)
    assert authenticate(sqlite_engine, "olivia", "a brand new passphrase", RULES, FROM) is not None
    assert ("password-reset", "olivia") in actions(sqlite_engine)


def test_a_wrong_current_password_counts_like_a_failed_sign_in(sqlite_engine: Engine) -> None:
    """One's own change is throttled with sign-in (per account from an address): never from elsewhere."""
    user = create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    for _ in range(RULES.account_failures):
        assert change_password(sqlite_engine, user.id, "wrong password", NEW, RULES, FROM) is None
    with pytest.raises(Throttled):
        change_password(sqlite_engine, user.id, PASSWORD, NEW, RULES, FROM)
    with pytest.raises(Throttled):
        authenticate(sqlite_engine, "olivia", PASSWORD, RULES, FROM)
    elsewhere = Actor("?", source="10.0.0.8", request_id="req-2")
    with pytest.raises(UserError, match="new_password: must differ"):
        change_password(sqlite_engine, user.id, PASSWORD, PASSWORD, RULES, elsewhere)
    assert change_password(sqlite_engine, user.id, PASSWORD, NEW, RULES, elsewhere) is not None
    assert authenticate(sqlite_engine, "olivia", NEW, RULES, elsewhere) is not None
    assert ("password-changed", "olivia") in actions(sqlite_engine)


@pytest.mark.parametrize(
    "password", ["password1234", "qwertyuiop12", "Password1234!", "iloveyou2024", "olivia-olivia-olivia"]
)
def test_easily_guessed_passwords_are_refused(sqlite_engine: Engine, password: str) -> None:
    with pytest.raises(UserError, match=TOO_EASY) as refused:
        create_user(sqlite_engine, "olivia", "officer", password, CLI)
    assert refused.value.field == "password"
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    with pytest.raises(UserError, match=TOO_EASY):
        reset_password(sqlite_engine, "olivia", password, CLI)
    assert authenticate(sqlite_engine, "olivia", PASSWORD, RULES, FROM) is not None  # unchanged


def test_a_passphrase_is_accepted(sqlite_engine: Engine) -> None:
    assert password_problem("password1234") is not None
    assert password_problem("violet kettle around ninety") is None
    assert password_problem("violet kettle around ninety, " * 35) is None  # longer than zxcvbn takes
    assert password_problem("x" * 1000) is not None
    user = create_user(sqlite_engine, "olivia", "officer", "violet kettle around ninety", CLI)
    assert user.has_password
    assert authenticate(sqlite_engine, "olivia", "violet kettle around ninety", RULES, FROM) is not None


def test_first_admin_is_created_once(engine: Engine) -> None:
    password = ensure_first_admin(engine, CLI)
    assert password and len(password) >= 20
    assert ensure_first_admin(engine, CLI) is None
    admin = authenticate(engine, "admin", password, RULES, FROM)
    assert admin is not None and admin.role == "admin"
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert password not in stored
