"""Who a request acts for: the person whose session token comes in `Authorization: Bearer <token>` (issued
by `POST /auth/login`, kept server-side in `scoring.db.sessions`), with role checks, and where they are.

The old `X-Scoring-User: <id>` is refused (401): an id proves nothing. A service key may not carry a session
(403). A revoked, idle or expired session is a 401 with the `SignedInUser` challenge, which the dashboard
takes as "signed out". A worker keeps what it read of a user for SCORING_USER_CACHE_SECONDS (a changed role
takes effect within that time); a disabled account's sessions are revoked at once. The person's address
(X-Scoring-Client-Address) is believed only from the dashboard (`reported_address`).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from api.route_templates import route_template
from api.security import KeyScope, is_loopback
from api.settings import Settings
from scoring.db.audit import Actor, AuditEvent, record
from scoring.db.sessions import resolve
from scoring.db.users import User, get_user
from scoring.vocabulary import AuditAction, Role

CLIENT_ADDRESS = "x-scoring-client-address"
ADDRESS = re.compile(r"[0-9A-Fa-f:.]{2,64}")
EVERYONE = frozenset(Role)
CHALLENGE = {"WWW-Authenticate": "SignedInUser"}  # a 401 about the person, not about the API key
USER_HEADER = "x-scoring-user"
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="SessionToken",
    description="The session token `POST /auth/login` answers: the signed-in person the request acts for",
)


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


def reported_address(
    headers: Mapping[str, str], key_scope: object, settings: Settings, host: str | None
) -> str | None:
    """The person's address the dashboard reports (X-Scoring-Client-Address), when the caller is the
    dashboard: a configured dashboard key, or a loopback caller of an API without any key. None otherwise
    (anyone else would choose the address written to the audit trail)."""
    reported = headers.get(CLIENT_ADDRESS)
    if not reported or not ADDRESS.fullmatch(reported) or key_scope is not KeyScope.DASHBOARD:
        return None
    return reported if settings.scoped_keys()["dashboard"] or is_loopback(host or "") else None


def source_of(request: Request) -> str | None:
    """The person's address as the dashboard reports it (`reported_address`), else the caller's own (which
    the server takes from a trusted proxy's X-Forwarded-For only when SCORING_TRUSTED_PROXY names it)."""
    host = request.client.host if request.client else None
    scope = getattr(request.state, "key_scope", None)
    return reported_address(request.headers, scope, request.app.state.settings, host) or host


def _refused(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, CHALLENGE)


def session_token(request: Request) -> str | None:
    """The bearer token of the request (None without an Authorization header)."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _refused("Authorization must be 'Bearer <session token>'")
    return token.strip()


async def current_user(
    request: Request, _token: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None
) -> User | None:
    """The person of the request's session token (None without one); 401 for `X-Scoring-User` alone and for
    an unknown, revoked, idle or expired session; 403 for a session under a service key.

    Every secured route depends on it: a request without a token is answered here, in the event loop; only
    a session's lookup (the database) goes to the thread pool."""
    token = session_token(request)
    if token is None:
        if USER_HEADER in request.headers:
            raise _refused("X-Scoring-User is not accepted: send Authorization: Bearer <session token>")
        return None
    if getattr(request.state, "key_scope", None) is KeyScope.SERVICE:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a service key may not carry a user's session")
    return await run_in_threadpool(_session_user, request, token)


def _session_user(request: Request, token: str) -> User:
    """The active account of a live session (the database read); 401 otherwise."""
    settings = request.app.state.settings
    session = resolve(get_engine(request), token, settings.session_lifetimes)
    if session is None:
        raise _refused("the session has ended (signed out, expired or revoked): sign in again")
    user = users_of(request).get(session.user_id)
    if user is None or not user.active:
        raise _refused("the session's account is disabled")
    request.state.user_id = user.id
    request.state.session = session
    return user


OptionalUser = Annotated[User | None, Depends(current_user)]


def require_roles(*roles: Role) -> Callable[..., Awaitable[User]]:
    """A dependency: the signed-in user, who must have one of `roles` (401 without a user, 403 otherwise,
    recorded in the audit trail as `access-denied`); checked in the event loop, only a refusal's audit row
    goes to the thread pool."""
    allowed = frozenset(roles)

    async def signed_in(request: Request, user: OptionalUser) -> User:
        if user is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "a signed-in user is required (Authorization: Bearer <session token>)",
                CHALLENGE,
            )
        if user.role not in allowed:  # audited as the dashboard's refusals are: who, what, why
            route = route_template(request.scope)
            refused = AuditEvent(
                AuditAction.ACCESS_DENIED, actor_of(request, user), None, route[:128], {"reason": "role"}
            )
            await run_in_threadpool(record, get_engine(request), refused)
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"the role {user.role} may not do this ({', '.join(sorted(allowed))})",
            )
        return user

    return signed_in


AnyUser = Annotated[User, Depends(require_roles(*EVERYONE))]
Officer = Annotated[User, Depends(require_roles(Role.OFFICER, Role.SENIOR, Role.ADMIN))]
Reviewer = Annotated[User, Depends(require_roles(Role.SENIOR, Role.ADMIN))]  # approves grants above limits
Analyst = Annotated[User, Depends(require_roles(Role.ANALYST, Role.ADMIN))]
Admin = Annotated[User, Depends(require_roles(Role.ADMIN))]


def actor_of(request: Request, user: User | None, name: str = "service") -> Actor:
    """The audit trail's actor of a request: the user (or `name`), their address and the request id."""
    request_id = getattr(request.state, "request_id", None)
    if user is None:
        return Actor(name, None, None, source_of(request), request_id)
    return user.actor(source_of(request), request_id)
