"""Sessions the API issues: an opaque random token for the person, only its SHA-256 in the `sessions` table.

A session ends when it is revoked (sign-out, a password change, a disabled account, an admin's "end all
sessions"), after `Lifetimes.idle` without use, or at its absolute end (`Lifetimes.absolute` after it was
opened, however active). `resolve` also refuses the session of an account disabled or whose password changed
after it was opened, whoever made the change (the API, the command line), and notes its use at most every
`Lifetimes.touch` so that a busy session does not write on every request. `now` is injectable (tests).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select

from scoring.db.engine import write_transaction
from scoring.db.tables import sessions, users, utc_now

TOKEN_BYTES = 32


@dataclass(frozen=True)
class Lifetimes:
    """How long a session lasts: idle, absolute, and how often its use is written down."""

    idle: timedelta
    absolute: timedelta
    touch: timedelta = timedelta(seconds=60)


@dataclass(frozen=True)
class Session:
    id: int
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    source: str | None

    @classmethod
    def of(cls, row: Mapping) -> Session:
        return cls(
            row["id"],
            row["user_id"],
            row["created_at"],
            row["last_seen_at"],
            row["expires_at"],
            row["source"],
        )


def token_hash(token: str) -> str:
    """What the table keeps of a token (a 256-bit random token needs no slow hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    engine: Engine, user_id: int, lifetimes: Lifetimes, source: str | None, now: datetime | None = None
) -> tuple[str, Session]:
    """A new session of the user: its token (given once, never stored) and the session."""
    now = now or utc_now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    values = {
        "token_hash": token_hash(token),
        "user_id": user_id,
        "created_at": now,
        "last_seen_at": now,
        "expires_at": now + lifetimes.absolute,
        "source": source[:128] if source else None,
    }
    with write_transaction(engine) as conn:
        session_id = conn.execute(sessions.insert().values(**values)).inserted_primary_key[0]
    return token, Session.of({**values, "id": session_id})


def resolve(engine: Engine, token: str, lifetimes: Lifetimes, now: datetime | None = None) -> Session | None:
    """The live session of `token`, or None (unknown, revoked, idle too long, past its end, account disabled
    or password changed since it was opened)."""
    now = now or utc_now()
    query = (
        select(sessions, users.c.active, users.c.password_changed_at)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == token_hash(token))
    )
    with engine.connect() as conn:
        row = conn.execute(query).mappings().one_or_none()
    if row is None or row["revoked_at"] is not None or not row["active"]:
        return None
    changed = row["password_changed_at"]
    if changed is not None and changed > row["created_at"]:
        return None
    if now >= row["expires_at"] or now - row["last_seen_at"] > lifetimes.idle:
        return None
    if now - row["last_seen_at"] >= lifetimes.touch:
        with write_transaction(engine) as conn:
            conn.execute(sessions.update().where(sessions.c.id == row["id"]).values(last_seen_at=now))
        row = {**row, "last_seen_at": now}
    return Session.of(row)


def _revoke(engine: Engine, where: object, now: datetime | None) -> int:
    update = (
        sessions.update().where(where, sessions.c.revoked_at.is_(None)).values(revoked_at=now or utc_now())
    )
    with write_transaction(engine) as conn:
        return conn.execute(update).rowcount


def revoke(engine: Engine, token: str, now: datetime | None = None) -> bool:
    """End the session of `token` (False when there was no live one)."""
    return _revoke(engine, sessions.c.token_hash == token_hash(token), now) > 0


def revoke_user(engine: Engine, user_id: int, now: datetime | None = None) -> int:
    """End every session of the user; how many were open."""
    return _revoke(engine, sessions.c.user_id == user_id, now)


def revoke_all(engine: Engine, now: datetime | None = None) -> int:
    """End every open session (an admin's "end all sessions"); how many were open."""
    return _revoke(engine, sessions.c.id.is_not(None), now)
