"""Sign-in: password (argon2, throttled) or single sign-on answer the account and a session token; sign-out
revokes it; a person changes their own password; an admin ends every session; refused requests of the
dashboard are recorded.

Every attempt is audited; a failure answers the same 401 whatever its cause (unknown account, wrong
password, disabled account), so the answer tells an attacker nothing. Single sign-on is accepted
only with the dashboard's own key (SCORING_API_KEY): the dashboard checked the provider's ID token
(signature, issuer, audience, expiry, nonce: `dashboard/auth/oidc.py`), and only the dashboard may say so.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.exceptions import RequestValidationError

from api.deps import SettingsDep
from api.errors import error_responses
from api.identity import (
    CHALLENGE,
    Admin,
    AnyUser,
    OptionalUser,
    actor_of,
    get_engine,
    session_token,
    source_of,
)
from api.schemas.access import (
    DeniedIn,
    EndedOut,
    LoginIn,
    PasswordChangeIn,
    SessionOut,
    SignedInOut,
    SsoIn,
    user_out,
)
from api.security import KeyScope
from api.settings import Settings
from scoring.db import sessions
from scoring.db.audit import AuditEvent, record
from scoring.db.throttle import Throttled
from scoring.db.users import User, UserError, authenticate, change_password, sign_in_sso
from scoring.vocabulary import AuditAction

router = APIRouter(prefix="/auth", tags=["sign-in"])
REFUSED = "invalid user name or password"
SSO_KEY = (
    "single sign-on is accepted only with the dashboard's API key (SCORING_API_KEY), which must be configured"
)
WRONG_CURRENT = "the current password is wrong"
SSO_ONLY = "this account signs in with single sign-on only: its password is the identity provider's"


def _throttled(throttled: Throttled) -> HTTPException:
    retry = {"Retry-After": str(throttled.retry_after)}
    return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, str(throttled), retry)


def _signed_in(request: Request, settings: Settings, user: User) -> SignedInOut:
    token, session = sessions.create(
        get_engine(request), user.id, settings.session_lifetimes, source_of(request)
    )
    return SignedInOut(**user_out(user).model_dump(), expires_at=session.expires_at, token=token)


@router.post("/login", response_model=SignedInOut, responses=error_responses(400, 401, 422, 429, 500))
def login(body: LoginIn, request: Request, settings: SettingsDep) -> SignedInOut:
    """The account and a new session token, when the password is right and the account may sign in."""
    try:
        user = authenticate(
            get_engine(request), body.username, body.password, settings.sign_in_rules, actor_of(request, None)
        )
    except Throttled as throttled:
        raise _throttled(throttled) from None
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, REFUSED, CHALLENGE)
    return _signed_in(request, settings, user)


@router.post("/sso", response_model=SignedInOut, responses=error_responses(400, 401, 403, 422, 500))
def single_sign_on(body: SsoIn, request: Request, settings: SettingsDep) -> SignedInOut:
    """The active account named by the identity provider and a new session token; only the dashboard's key
    may call it (403 otherwise, and while no dashboard key is configured); 401 without such an account."""
    dashboard_keys = settings.scoped_keys()["dashboard"]
    if not dashboard_keys or getattr(request.state, "key_scope", None) is not KeyScope.DASHBOARD:
        raise HTTPException(status.HTTP_403_FORBIDDEN, SSO_KEY)
    user = sign_in_sso(get_engine(request), body.username, actor_of(request, None), body.provider)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "no active account for this identity", CHALLENGE)
    return _signed_in(request, settings, user)


@router.get("/session", response_model=SessionOut, responses=error_responses(401, 422, 500))
def current_session(request: Request, user: AnyUser) -> SessionOut:
    """The account of the session token sent (what the dashboard reloads a signed-in person from)."""
    return SessionOut(**user_out(user).model_dump(), expires_at=request.state.session.expires_at)


@router.post(
    "/logout", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(400, 401, 403, 422, 500)
)
def logout(request: Request, user: AnyUser) -> Response:
    """End the session of the token sent, and record the sign-out."""
    engine = get_engine(request)
    sessions.revoke(engine, session_token(request) or "")
    record(engine, AuditEvent(AuditAction.SIGN_OUT, actor_of(request, user), target=user.username))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/password", response_model=SignedInOut, responses=error_responses(400, 401, 403, 422, 429, 500))
def change_own_password(
    body: PasswordChangeIn, request: Request, user: AnyUser, settings: SettingsDep
) -> SignedInOut:
    """Change one's own password. The current one is checked as at sign-in: a wrong one is a failed sign-in
    (403, counted towards the throttle: 429 with Retry-After once delayed); a new one outside the password
    policy is a 422 naming `new_password`. Every session of the account ends, this one included, and the
    answer carries a new session token for the caller (the dashboard keeps it), as sign-in does."""
    if not user.has_password:
        raise HTTPException(status.HTTP_403_FORBIDDEN, SSO_ONLY)
    engine = get_engine(request)
    actor = actor_of(request, user)
    try:
        changed = change_password(
            engine, user.id, body.current_password, body.new_password, settings.sign_in_rules, actor
        )
    except Throttled as throttled:
        raise _throttled(throttled) from None
    except UserError as error:
        problem = {"loc": ("body", error.field), "msg": error.message, "type": "value_error"}
        raise RequestValidationError([problem]) from None
    if changed is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, WRONG_CURRENT)
    sessions.revoke_user(engine, user.id)
    return _signed_in(request, settings, changed)


@router.post("/sessions/end-all", response_model=EndedOut, responses=error_responses(400, 401, 403, 422, 500))
def end_all_sessions(request: Request, admin: Admin) -> EndedOut:
    """End every open session, the admin's own included: everyone signs in again."""
    engine = get_engine(request)
    ended = sessions.revoke_all(engine)
    detail = {"ended_by_admin": True, "sessions": ended}
    record(engine, AuditEvent(AuditAction.SIGN_OUT, actor_of(request, admin), target="*", detail=detail))
    return EndedOut(ended=ended)


@router.post("/denied", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(400, 401, 422, 500))
def denied(body: DeniedIn, request: Request, user: OptionalUser) -> Response:
    """Record a page or callback the dashboard refused (no session, or a role without the right)."""
    event = AuditEvent(
        AuditAction.ACCESS_DENIED,
        actor_of(request, user, "anonymous"),
        target=body.resource,
        detail={"reason": body.reason},
    )
    record(get_engine(request), event)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
