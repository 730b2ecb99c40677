"""Who a request acts for: the dashboard's signed-in user named in X-Scoring-User (the service key says the
caller is the dashboard; the header says for whom), with role checks, and where the person is.

A worker keeps what it read of a user for SCORING_USER_CACHE_SECONDS: a disabled account or a changed role
takes effect within that time (at once on the worker that made the change).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from sqlalchemy import Engine

from scoring.db.audit import Actor
from scoring.db.users import User, get_user
from scoring.vocabulary import Role

UserHeader = Annotated[
    str | None,
    Header(
        alias="X-Scoring-User",
        max_length=12,
        description="Id of the dashboard's signed-in user the request acts for (recorded in the audit trail)",
    ),
]
CLIENT_ADDRESS = "x-scoring-client-address"
ADDRESS = re.compile(r"[0-9A-Fa-f:.]{2,64}")
EVERYONE = frozenset(Role)
CHALLENGE = {"WWW-Authenticate": "SignedInUser"}  # a 401 about the person, not about the API key


class UserCache:
    """Users by id, each kept for `seconds` (shared by a worker's threads)."""

    def __init__(self, engine: Engine, seconds: float) -> None:
        self.engine = engine
        self.seconds = seconds
        self._users: dict[int, tuple[float, User | None]] = {}
        self._lock = threading.Lock()

    def get(self, user_id: int) -> User | None:
        now = time.monotonic()
        with self._lock:
            cached = self._users.get(user_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        user = get_user(self.engine, user_id)
        with self._lock:
            self._users[user_id] = (now + self.seconds, user)
        return user

    def forget(self, user_id: int) -> None:
        with self._lock:
            self._users.pop(user_id, None)


def get_engine(request: Request) -> Engine:
    return request.app.state.scoring.engine


DatabaseDep = Annotated[Engine, Depends(get_engine)]


def users_of(request: Request) -> UserCache:
    return request.app.state.users


def source_of(request: Request) -> str | None:
    """The person's address as the dashboard reports it, else the caller's own."""
    reported = request.headers.get(CLIENT_ADDRESS)
    if reported and ADDRESS.fullmatch(reported):
        return reported
    return request.client.host if request.client else None


def current_user(request: Request, x_scoring_user: UserHeader = None) -> User | None:
    """The user named in X-Scoring-User (None without the header); 401 for an unknown or disabled one."""
    header = x_scoring_user
    if header is None:
        return None
    if not header.isdigit():
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "X-Scoring-User must be a user id", CHALLENGE)
    user = users_of(request).get(int(header))
    if user is None or not user.active:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "unknown or disabled user (X-Scoring-User)", CHALLENGE
        )
    return user


OptionalUser = Annotated[User | None, Depends(current_user)]


def require_roles(*roles: Role) -> Callable[..., User]:
    """A dependency: the signed-in user, who must have one of `roles` (401 without a user, 403 otherwise)."""
    allowed = frozenset(roles)

    def signed_in(user: OptionalUser) -> User:
        if user is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "a signed-in user is required (X-Scoring-User)", CHALLENGE
            )
        if user.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"the role {user.role} may not do this ({', '.join(sorted(allowed))})",
            )
        return user

    return signed_in


AnyUser = Annotated[User, Depends(require_roles(*EVERYONE))]
Officer = Annotated[User, Depends(require_roles(Role.OFFICER, Role.ADMIN))]
Analyst = Annotated[User, Depends(require_roles(Role.ANALYST, Role.ADMIN))]
Admin = Annotated[User, Depends(require_roles(Role.ADMIN))]


def actor_of(request: Request, user: User | None, name: str = "service") -> Actor:
    """The audit trail's actor of a request: the user (or `name`), their address and the request id."""
    request_id = getattr(request.state, "request_id", None)
    if user is None:
        return Actor(name, None, None, source_of(request), request_id)
    return user.actor(source_of(request), request_id)
