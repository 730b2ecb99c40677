"""Failed sign-ins throttled per address and per account from an address, with growing delays kept in the
database: an attacker's failures never stop the owner signing in from elsewhere, nobody is locked out."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, inspect, select, text, update

from scoring.db.audit import Actor, verify
from scoring.db.engine import downgrade, open_database, upgrade
from scoring.db.tables import audit_log, sign_in_throttle, utc_now
from scoring.db.throttle import Throttled, ThrottleRules
from scoring.db.users import authenticate, create_user, set_active
from tests.db.conftest import CLI

PASSWORD = "correct horse battery"
ATTACKER = Actor("?", source="203.0.113.9", request_id="req-a")
OWNER = Actor("?", source="198.51.100.4", request_id="req-o")
# Delays of a minute and more: a slow test machine never sees one run out between two attempts.
RULES = ThrottleRules(address_failures=10, account_failures=5, first_delay=60, max_delay=240, window=900)


def fail(engine: Engine, username: str, actor: Actor, times: int) -> None:
    for _ in range(times):
        assert authenticate(engine, username, "wrong password", RULES, actor) is None


def delay_ends(engine: Engine) -> None:
    """Every delay runs out (time passes)."""
    with engine.begin() as conn:
        conn.execute(update(sign_in_throttle).values(blocked_until=utc_now() - timedelta(seconds=1)))


def reasons(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        query = select(audit_log.c.detail).where(audit_log.c.action == "sign-in-failed")
        return list(conn.execute(query.order_by(audit_log.c.id)).scalars())


def test_delays_double_up_to_the_cap() -> None:
    assert [RULES.delay(n, 5) for n in range(4, 11)] == [None, 60, 120, 240, 240, 240, 240]
    assert RULES.delay(10_000, 5) == 240


def test_an_attacker_does_not_lock_the_owner_out(engine: Engine) -> None:
    create_user(engine, "olivia", "officer", PASSWORD, CLI)
    fail(engine, "olivia", ATTACKER, RULES.account_failures)
    with pytest.raises(Throttled) as sixth:
        authenticate(engine, "olivia", "wrong password", RULES, ATTACKER)
    assert 55 <= sixth.value.retry_after <= 60
    with pytest.raises(Throttled):  # the right password too: the attempt is not even checked
        authenticate(engine, "olivia", PASSWORD, RULES, ATTACKER)
    user = authenticate(engine, "olivia", PASSWORD, RULES, OWNER)  # the owner, from elsewhere
    assert user is not None and user.username == "olivia"
    assert reasons(engine)[-2:] == ['{"reason": "throttled"}', '{"reason": "throttled"}']
    assert verify(engine).ok


def test_the_delay_grows_with_each_failure(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    fail(sqlite_engine, "olivia", ATTACKER, RULES.account_failures)
    waits = []
    for _ in range(3):
        with pytest.raises(Throttled) as refused:
            authenticate(sqlite_engine, "olivia", PASSWORD, RULES, ATTACKER)
        waits.append(refused.value.retry_after)
        delay_ends(sqlite_engine)
        fail(sqlite_engine, "olivia", ATTACKER, 1)
    assert waits[0] <= 60 < waits[1] <= 120 < waits[2] <= 240
    assert json.loads(reasons(sqlite_engine)[-1]) == {"reason": "wrong password", "delay_seconds": 240}


def test_a_success_forgets_the_accounts_failures(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    fail(sqlite_engine, "olivia", OWNER, RULES.account_failures - 1)
    assert authenticate(sqlite_engine, "olivia", PASSWORD, RULES, OWNER) is not None
    fail(sqlite_engine, "olivia", OWNER, RULES.account_failures - 1)  # 8 in all, never delayed
    assert authenticate(sqlite_engine, "olivia", PASSWORD, RULES, OWNER) is not None


def test_one_address_guessing_many_accounts_is_slowed(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    for name in ("anna", "bruno", "chloe", "nobody", "root"):  # unknown names count like real ones
        fail(sqlite_engine, name, ATTACKER, 2)
    with pytest.raises(Throttled):
        authenticate(sqlite_engine, "olivia", "wrong password", RULES, ATTACKER)
    assert authenticate(sqlite_engine, "olivia", PASSWORD, RULES, OWNER) is not None


def test_unknown_accounts_are_throttled_like_real_ones(sqlite_engine: Engine) -> None:
    fail(sqlite_engine, "nobody", ATTACKER, RULES.account_failures)
    with pytest.raises(Throttled):
        authenticate(sqlite_engine, "nobody", PASSWORD, RULES, ATTACKER)


def test_failures_are_forgotten_after_a_quiet_window(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    fail(sqlite_engine, "olivia", ATTACKER, RULES.account_failures)
    long_ago = utc_now() - timedelta(seconds=RULES.window + 1)
    with sqlite_engine.begin() as conn:
        conn.execute(update(sign_in_throttle).values(last_failure_at=long_ago, blocked_until=long_ago))
    fail(sqlite_engine, "olivia", ATTACKER, RULES.account_failures - 1)  # counted from 1 again
    with sqlite_engine.connect() as conn:
        counts = dict(conn.execute(select(sign_in_throttle.c.scope, sign_in_throttle.c.failures)).all())
    assert counts == {"address": RULES.account_failures - 1, "account": RULES.account_failures - 1}


def test_enabling_an_account_forgets_its_failures(sqlite_engine: Engine) -> None:
    create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    fail(sqlite_engine, "olivia", OWNER, RULES.account_failures)
    set_active(sqlite_engine, "olivia", True, CLI)
    assert authenticate(sqlite_engine, "olivia", PASSWORD, RULES, OWNER) is not None


def test_every_worker_sees_the_same_counts(engine: Engine, database_url: str) -> None:
    """Two engines (two API workers, or a restart) on one database share the counters."""
    create_user(engine, "olivia", "officer", PASSWORD, CLI)
    other = open_database(database_url)
    try:
        fail(engine, "olivia", ATTACKER, 3)
        fail(other, "olivia", ATTACKER, 2)
        with pytest.raises(Throttled):
            authenticate(engine, "olivia", PASSWORD, RULES, ATTACKER)
        with pytest.raises(Throttled):
            authenticate(other, "olivia", PASSWORD, RULES, ATTACKER)
        assert authenticate(other, "olivia", PASSWORD, RULES, OWNER) is not None
    finally:
        other.dispose()


def test_failures_at_the_same_time_are_all_counted(engine: Engine, database_url: str) -> None:
    """Workers failing at once (each its own engine) lose no count: the row is locked while it changes."""
    engines = [open_database(database_url) for _ in range(6)]
    errors: list[BaseException] = []

    def attempt(worker: Engine, name: str) -> None:
        try:
            authenticate(worker, name, "wrong password", RULES, ATTACKER)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=(e, f"user{i}")) for i, e in enumerate(engines)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in engines:
        worker.dispose()
    assert errors == []
    with engine.connect() as conn:
        query = select(sign_in_throttle.c.failures).where(sign_in_throttle.c.scope == "address")
        assert conn.execute(query).scalar_one() == len(engines)


def test_the_migrations_end_the_old_lockout(engine: Engine) -> None:
    """A lock in force before the throttle stops nobody once 0008 drops the lockout's columns; downgrading
    brings them back empty."""
    create_user(engine, "olivia", "officer", PASSWORD, CLI)
    downgrade(engine, "0006")
    assert "sign_in_throttle" not in inspect(engine).get_table_names()
    with engine.begin() as conn:  # locked by the old rule
        until = utc_now() + timedelta(minutes=15)
        conn.execute(text("UPDATE users SET failed_sign_ins = 4, locked_until = :until"), {"until": until})
    upgrade(engine)
    columns = {column["name"] for column in inspect(engine).get_columns("users")}
    assert {"failed_sign_ins", "locked_until"}.isdisjoint(columns) and "password_hash" in columns
    assert authenticate(engine, "olivia", PASSWORD, RULES, OWNER) is not None
    downgrade(engine, "0007")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT failed_sign_ins, locked_until FROM users")).one() == (0, None)
