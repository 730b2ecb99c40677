"""Accounts: create, list, enable or disable, reset a password, change one's own, and sign in with failures
throttled per address and per account from an address (`scoring.db.throttle`). Every change writes its audit
row in the same transaction."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, exc, func, select

from scoring.db import throttle
from scoring.db.audit import Actor, AuditEvent, append, lock_chain
from scoring.db.engine import write_transaction
from scoring.db.security import hash_password, random_password, verify_password
from scoring.db.tables import users, utc_now
from scoring.db.throttle import Throttled, ThrottleRules
from scoring.errors import ScoringError
from scoring.vocabulary import AuditAction, Role

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
FIRST_ADMIN = "admin"


class UserError(ScoringError, ValueError):
    """A refused account change, naming the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: Role
    active: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    has_password: bool

    @classmethod
    def of(cls, row: Mapping) -> User:
        return cls(
            id=row["id"],
            username=row["username"],
            role=Role(row["role"]),
            active=row["active"],
            created_at=row["created_at"],
            last_sign_in_at=row["last_sign_in_at"],
            has_password=row["password_hash"] is not None,
        )

    def actor(self, source: str | None = None, request_id: str | None = None) -> Actor:
        return Actor(self.username, self.id, str(self.role), source, request_id)


def _row(conn: Connection, **where: object) -> Mapping | None:
    query = select(users).where(*(users.c[name] == value for name, value in where.items()))
    return conn.execute(query).mappings().one_or_none()


def get_user(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as conn:
        row = _row(conn, id=user_id)
    return None if row is None else User.of(row)


def find_user(engine: Engine, username: str) -> User | None:
    with engine.connect() as conn:
        row = _row(conn, username=username)
    return None if row is None else User.of(row)


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.username)).mappings().all()
    return [User.of(row) for row in rows]


def _checked_name(username: str) -> str:
    if not USERNAME.fullmatch(username):
        raise UserError("username", "1 to 64 letters, digits or . _ @ - (starting with a letter or a digit)")
    return username


def _hashed(password: str, username: str, field: str = "password") -> str:
    try:
        return hash_password(password, (username,))
    except ValueError as error:
        raise UserError(field, str(error).removeprefix("password ")) from None


def create_user(engine: Engine, username: str, role: Role | str, password: str | None, actor: Actor) -> User:
    """A new active account; `password` None makes a single-sign-on-only account."""
    _checked_name(username)
    try:
        role = Role(role)
    except ValueError:
        raise UserError("role", f"one of {', '.join(Role)}") from None
    password_hash = None if password is None else _hashed(password, username)
    now = utc_now()
    try:
        with write_transaction(engine) as conn:
            user_id = conn.execute(
                users.insert().values(
                    username=username,
                    role=str(role),
                    password_hash=password_hash,
                    active=True,
                    created_at=now,
                    password_changed_at=now if password_hash else None,
                )
            ).inserted_primary_key[0]
            detail = {"role": str(role), "password": password_hash is not None}
            append(conn, [AuditEvent(AuditAction.USER_CREATED, actor, target=username, detail=detail)])
    except exc.IntegrityError:
        raise UserError("username", f"an account named {username!r} already exists") from None
    created = get_user(engine, user_id)
    assert created is not None
    return created


def _existing(conn: Connection, username: str) -> Mapping:
    row = _row(conn, username=username)
    if row is None:
        raise UserError("username", f"no account named {username!r}")
    return row


def set_active(engine: Engine, username: str, active: bool, actor: Actor) -> User:
    """Disable an account (its sessions end at their next request) or enable it again."""
    with write_transaction(engine) as conn:
        row = _existing(conn, username)
        values = {"active": active}
        conn.execute(users.update().where(users.c.id == row["id"]).values(**values))
        if active:
            throttle.forget_account(conn, username)
        action = AuditAction.USER_ENABLED if active else AuditAction.USER_DISABLED
        append(conn, [AuditEvent(action, actor, target=username)])
    return User.of({**row, **values})


def reset_password(engine: Engine, username: str, password: str, actor: Actor) -> User:
    """A new password set by an administrator; the account's failed sign-ins are forgotten."""
    password_hash = _hashed(password, username)
    with write_transaction(engine) as conn:
        row = _existing(conn, username)
        values = {"password_hash": password_hash, "password_changed_at": utc_now()}
        conn.execute(users.update().where(users.c.id == row["id"]).values(**values))
        throttle.forget_account(conn, username)
        append(conn, [AuditEvent(AuditAction.PASSWORD_RESET, actor, target=username)])
    return User.of({**row, **values})


def change_password(
    engine: Engine, user_id: int, current: str, new: str, rules: ThrottleRules, actor: Actor
) -> User | None:
    """The owner's own change: the account with its new password, or None when `current` is wrong.

    A wrong current password is a failed sign-in (audited, counted towards the throttle of `actor.source`
    for this account), and while that is delayed the attempt is refused unchecked (`Throttled`), so a stolen
    session cannot guess the password faster than the sign-in form. A `new` password outside the policy, or
    the current one again, is a `UserError` on "new_password". Sessions opened before the change end
    (`scoring.db.sessions.resolve`).
    """
    with engine.connect() as conn:
        row = _row(conn, id=user_id)
        if row is None:
            raise UserError("user_id", f"no account {user_id}")
        delay = throttle.wait(conn, rules, row["username"], actor.source, utc_now())
    username = row["username"]
    if delay > 0:
        with write_transaction(engine) as conn:
            append(conn, [_refusal(username, actor, "throttled (password change)", user_id)])
        raise Throttled(delay)
    stored = row["password_hash"]
    matches = verify_password(stored, current)[0]
    if matches and new == current:
        raise UserError("new_password", "must differ from the current password")
    password_hash = _hashed(new, username, "new_password") if matches else None
    with write_transaction(engine) as conn:
        row = _existing(conn, username)
        if password_hash is None or stored != row["password_hash"]:
            reason = "wrong current password (password change)"
            _failed(conn, username, row, rules, actor, utc_now(), reason)
            return None
        values = {"password_hash": password_hash, "password_changed_at": utc_now()}
        conn.execute(users.update().where(users.c.id == user_id).values(**values))
        throttle.succeeded(conn, username, actor.source)
        append(conn, [AuditEvent(AuditAction.PASSWORD_CHANGED, actor, target=username)])
    return User.of({**row, **values})


def ensure_first_admin(engine: Engine, actor: Actor) -> str | None:
    """On a database without any account, create `admin` with a random password and return it (once)."""
    password = random_password()
    password_hash = hash_password(password)
    with write_transaction(engine) as conn:
        lock_chain(conn)  # one process at a time: the others then see the account
        if conn.execute(select(func.count()).select_from(users)).scalar_one():
            return None
        now = utc_now()
        conn.execute(
            users.insert().values(
                username=FIRST_ADMIN,
                role=str(Role.ADMIN),
                password_hash=password_hash,
                active=True,
                created_at=now,
                password_changed_at=now,
            )
        )
        detail = {"role": str(Role.ADMIN), "password": True, "first_start": True}
        append(conn, [AuditEvent(AuditAction.USER_CREATED, actor, target=FIRST_ADMIN, detail=detail)])
    return password


# -- signing in --------------------------------------------------------------------------------------------


def _refusal(
    username: str, actor: Actor, reason: str, user_id: int | None = None, **detail: object
) -> AuditEvent:
    who = Actor(username[:64] or "?", user_id, None, actor.source, actor.request_id)
    detail = {"reason": reason} | detail
    return AuditEvent(AuditAction.SIGN_IN_FAILED, who, target=username[:128], detail=detail)


def authenticate(
    engine: Engine, username: str, password: str, rules: ThrottleRules, actor: Actor, method: str = "password"
) -> User | None:
    """The account if `password` is right and the account may sign in; None otherwise (audited).

    Whatever the cause (unknown name, wrong password, disabled account) the caller gets None and the password
    is checked against a hash, so the answer and its time say nothing about which it was; each failure counts
    towards the throttle of `actor.source` (where the attempt comes from). While that address, or this account
    from that address, is delayed the attempt is refused unchecked: `Throttled` (audited, reason "throttled").
    """
    now = utc_now()
    with engine.connect() as conn:
        row = _row(conn, username=username)
        delay = throttle.wait(conn, rules, username, actor.source, now)
    if delay > 0:
        with write_transaction(engine) as conn:
            append(conn, [_refusal(username, actor, "throttled", row["id"] if row else None)])
        raise Throttled(delay)
    stored = row["password_hash"] if row is not None else None
    matches, new_hash = verify_password(stored, password)
    now = utc_now()
    with write_transaction(engine) as conn:
        row = _row(conn, username=username)  # again, inside the write lock
        if row is None or not row["active"] or not matches or stored != row["password_hash"]:
            reason = "unknown account" if row is None else "account disabled" if not row["active"] else None
            _failed(conn, username, row, rules, actor, now, reason or "wrong password")
            return None
        throttle.succeeded(conn, username, actor.source)
        values = {"last_sign_in_at": now} | ({"password_hash": new_hash} if new_hash else {})
        conn.execute(users.update().where(users.c.id == row["id"]).values(**values))
        user = User.of({**row, **values})
        signed = user.actor(actor.source, actor.request_id)
        append(conn, [AuditEvent(AuditAction.SIGN_IN, signed, target=username, detail={"method": method})])
    return user


def _failed(
    conn: Connection,
    username: str,
    row: Mapping | None,
    rules: ThrottleRules,
    actor: Actor,
    now: datetime,
    reason: str,
) -> None:
    """Count a refused sign-in and audit it (with the delay it starts, in seconds, if any)."""
    delay = throttle.failed(conn, rules, username, actor.source, now)
    extra = {"delay_seconds": delay} if delay else {}
    append(conn, [_refusal(username, actor, reason, row["id"] if row is not None else None, **extra)])


def sign_in_sso(engine: Engine, username: str, actor: Actor, provider: str) -> User | None:
    """The active account named by the identity provider (None, audited, when there is none)."""
    with write_transaction(engine) as conn:
        row = _row(conn, username=username)
        now = utc_now()
        if row is None or not row["active"]:
            reason = "unknown account" if row is None else "account disabled"
            append(conn, [_refusal(username, actor, f"{reason} (single sign-on)")])
            return None
        conn.execute(users.update().where(users.c.id == row["id"]).values(last_sign_in_at=now))
        user = User.of({**row, "last_sign_in_at": now})
        signed = user.actor(actor.source, actor.request_id)
        detail = {"method": "sso", "provider": provider}
        append(conn, [AuditEvent(AuditAction.SIGN_IN, signed, target=username, detail=detail)])
    return user
