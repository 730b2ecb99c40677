"""Sessions the API issues: only a hash of the token stored; refused once revoked (one, a user's, all), idle
too long, past the absolute end however active, or after the account is disabled or its password changed;
the last use written down at most every `touch` (the clock is injected: no sleeping)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from scoring.db import sessions
from scoring.db.sessions import Lifetimes
from scoring.db.tables import sessions as sessions_table
from scoring.db.tables import utc_now
from scoring.db.users import create_user, reset_password, set_active
from tests.db.conftest import CLI

PASSWORD = "correct horse battery"
TERMS = Lifetimes(idle=timedelta(minutes=30), absolute=timedelta(hours=12), touch=timedelta(seconds=60))


def stored(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(sessions_table).order_by(sessions_table.c.id)).mappings()
        return [dict(r) for r in rows]


def test_a_session_round_trip_keeps_only_the_hash(engine: Engine) -> None:
    user = create_user(engine, "olivia", "officer", PASSWORD, CLI)
    token, session = sessions.create(engine, user.id, TERMS, "192.0.2.10")
    assert len(token) >= 43 and session.user_id == user.id
    assert session.expires_at - session.created_at == timedelta(hours=12)
    [row] = stored(engine)
    assert row["token_hash"] == sessions.token_hash(token) and token not in str(row)
    assert row["source"] == "192.0.2.10" and row["revoked_at"] is None
    found = sessions.resolve(engine, token, TERMS)
    assert found is not None and found.id == session.id
    assert sessions.resolve(engine, token + "x", TERMS) is None
    assert sessions.revoke(engine, token) is True
    assert sessions.resolve(engine, token, TERMS) is None
    assert sessions.revoke(engine, token) is False  # already ended
    assert stored(engine)[0]["revoked_at"] is not None


def test_idle_and_absolute_lifetimes(sqlite_engine: Engine) -> None:
    user = create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    start = utc_now()
    token, _ = sessions.create(sqlite_engine, user.id, TERMS, None, now=start)
    assert sessions.resolve(sqlite_engine, token, TERMS, now=start + timedelta(minutes=31)) is None  # idle
    busy = start
    while busy < start + timedelta(hours=12) - timedelta(minutes=20):  # used every 20 minutes all day
        busy += timedelta(minutes=20)
        assert sessions.resolve(sqlite_engine, token, TERMS, now=busy) is not None, busy - start
    end = start + timedelta(hours=12)
    assert sessions.resolve(sqlite_engine, token, TERMS, now=end - timedelta(seconds=1)) is not None
    assert sessions.resolve(sqlite_engine, token, TERMS, now=end) is None  # however active


def test_last_use_is_written_at_most_every_touch(sqlite_engine: Engine) -> None:
    user = create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    start = utc_now()
    token, _ = sessions.create(sqlite_engine, user.id, TERMS, None, now=start)
    for seconds in (1, 30, 59):
        sessions.resolve(sqlite_engine, token, TERMS, now=start + timedelta(seconds=seconds))
    assert stored(sqlite_engine)[0]["last_seen_at"] == start
    later = start + timedelta(seconds=61)
    assert sessions.resolve(sqlite_engine, token, TERMS, now=later).last_seen_at == later
    assert stored(sqlite_engine)[0]["last_seen_at"] == later


def test_revoking_a_users_sessions_and_everyones(sqlite_engine: Engine) -> None:
    olivia = create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    anna = create_user(sqlite_engine, "anna", "analyst", PASSWORD, CLI)
    first, _ = sessions.create(sqlite_engine, olivia.id, TERMS, None)
    second, _ = sessions.create(sqlite_engine, olivia.id, TERMS, None)
    other, _ = sessions.create(sqlite_engine, anna.id, TERMS, None)
    assert sessions.revoke_user(sqlite_engine, olivia.id) == 2
    assert sessions.resolve(sqlite_engine, first, TERMS) is None
    assert sessions.resolve(sqlite_engine, second, TERMS) is None
    assert sessions.resolve(sqlite_engine, other, TERMS) is not None
    again, _ = sessions.create(sqlite_engine, olivia.id, TERMS, None)
    assert sessions.revoke_all(sqlite_engine) == 2
    assert all(sessions.resolve(sqlite_engine, t, TERMS) is None for t in (again, other))


def test_a_disabled_account_or_a_new_password_ends_older_sessions(sqlite_engine: Engine) -> None:
    olivia = create_user(sqlite_engine, "olivia", "officer", PASSWORD, CLI)
    before, _ = sessions.create(sqlite_engine, olivia.id, TERMS, None)
    reset_password(sqlite_engine, "olivia", "another long passphrase", CLI)  # without revoking: the CLI's way
    assert sessions.resolve(sqlite_engine, before, TERMS) is None
    after, _ = sessions.create(sqlite_engine, olivia.id, TERMS, None)
    assert sessions.resolve(sqlite_engine, after, TERMS) is not None
    set_active(sqlite_engine, "olivia", False, CLI)
    assert sessions.resolve(sqlite_engine, after, TERMS) is None
