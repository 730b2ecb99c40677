"""Sign-in for the dashboard: password (argon2, lockout), single sign-on, sign-out, refused requests.

Every attempt is audited; a failure answers the same 401 whatever its cause (unknown account, wrong
password, disabled or locked account), so the answer tells an attacker nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status

from api.deps import SettingsDep
from api.errors import error_responses
from api.identity import CHALLENGE, AnyUser, OptionalUser, actor_of, get_engine
from api.schemas.access import DeniedIn, LoginIn, SsoIn, UserOut, user_out
from scoring.db.audit import AuditEvent, record
from scoring.db.users import Lockout, authenticate, sign_in_sso
from scoring.vocabulary import AuditAction

router = APIRouter(prefix="/auth", tags=["sign-in"])
REFUSED = "invalid user name or password"


@router.post("/login", response_model=UserOut, responses=error_responses(400, 401, 422, 500))
def login(body: LoginIn, request: Request, settings: SettingsDep) -> UserOut:
    """The account, when the password is right and the account may sign in; 401 otherwise."""
    lockout = Lockout(settings.login_max_failures, settings.login_lockout_minutes)
    user = authenticate(get_engine(request), body.username, body.password, lockout, actor_of(request, None))
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, REFUSED, CHALLENGE)
    return user_out(user)


@router.post("/sso", response_model=UserOut, responses=error_responses(400, 401, 422, 500))
def single_sign_on(body: SsoIn, request: Request) -> UserOut:
    """The active account named by the identity provider (the dashboard checked the ID token); 401 if none."""
    user = sign_in_sso(get_engine(request), body.username, actor_of(request, None), body.provider)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "no active account for this identity", CHALLENGE)
    return user_out(user)


@router.post(
    "/logout", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(400, 401, 403, 422, 500)
)
def logout(request: Request, user: AnyUser) -> Response:
    """Record the user's sign-out."""
    record(
        get_engine(request), AuditEvent(AuditAction.SIGN_OUT, actor_of(request, user), target=user.username)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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
