"""Accounts (admin), and one account by id (its owner or an admin). Disabling an account, setting its
password or an admin's "end its sessions" revoke every session of the account at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, status
from fastapi.exceptions import RequestValidationError

from api.errors import error_responses
from api.identity import Admin, AnyUser, actor_of, get_engine
from api.schemas.access import EndedOut, PasswordIn, UserCreateIn, UserOut, user_out
from scoring.db import sessions
from scoring.db.audit import AuditEvent, record
from scoring.db.users import User, UserError, create_user, get_user, list_users, reset_password, set_active
from scoring.vocabulary import AuditAction, Role

router = APIRouter(prefix="/users", tags=["users"])
CHANGE = error_responses(400, 401, 403, 404, 422, 500)
UserId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Account id")]


def _invalid(error: UserError) -> Exception:
    if "already exists" in error.message:
        return HTTPException(status.HTTP_409_CONFLICT, error.message)
    return RequestValidationError(
        [{"loc": ("body", error.field), "msg": error.message, "type": "value_error"}]
    )


def _account(request: Request, user_id: int) -> User:
    user = get_user(get_engine(request), user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"user {user_id} not found")
    return user


@router.get("", response_model=list[UserOut], responses=error_responses(401, 403, 422, 500))
def users(request: Request, _admin: Admin) -> list[UserOut]:
    """Every account, by name."""
    return [user_out(u) for u in list_users(get_engine(request))]


@router.get("/{user_id}", response_model=UserOut, responses=error_responses(401, 403, 404, 422, 500))
def user(user_id: UserId, request: Request, signed_in: AnyUser) -> UserOut:
    """One account: one's own, or any for an admin."""
    if signed_in.id != user_id and signed_in.role is not Role.ADMIN:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin may read another account")
    return user_out(_account(request, user_id))


@router.post(
    "",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 401, 403, 409, 422, 500),
)
def add_user(body: UserCreateIn, request: Request, admin: Admin) -> UserOut:
    """A new account with a role (no password: single sign-on only)."""
    try:
        created = create_user(
            get_engine(request), body.username, body.role, body.password, actor_of(request, admin)
        )
    except UserError as error:
        raise _invalid(error) from None
    return user_out(created)


def _set_active(request: Request, user_id: int, admin: User, active: bool) -> UserOut:
    account = _account(request, user_id)
    if account.id == admin.id and not active:
        raise RequestValidationError(
            [
                {
                    "loc": ("path", "user_id"),
                    "msg": "you cannot disable your own account",
                    "type": "value_error",
                }
            ]
        )
    changed = set_active(get_engine(request), account.username, active, actor_of(request, admin))
    if not active:
        sessions.revoke_user(get_engine(request), account.id)
    request.app.state.users.forget(account.id)
    return user_out(changed)


@router.post("/{user_id}/disable", response_model=UserOut, responses=CHANGE)
def disable_user(user_id: UserId, request: Request, admin: Admin) -> UserOut:
    """Disable an account: no more sign-in, and its sessions end at once."""
    return _set_active(request, user_id, admin, False)


@router.post("/{user_id}/enable", response_model=UserOut, responses=CHANGE)
def enable_user(user_id: UserId, request: Request, admin: Admin) -> UserOut:
    """Enable an account again; its failed sign-ins are forgotten."""
    return _set_active(request, user_id, admin, True)


@router.post("/{user_id}/password", response_model=UserOut, responses=CHANGE)
def set_password(user_id: UserId, body: PasswordIn, request: Request, admin: Admin) -> UserOut:
    """A new password for an account; its sessions end and its failed sign-ins are forgotten."""
    account = _account(request, user_id)
    try:
        changed = reset_password(
            get_engine(request), account.username, body.password, actor_of(request, admin)
        )
    except UserError as error:
        raise _invalid(error) from None
    sessions.revoke_user(get_engine(request), account.id)
    return user_out(changed)


@router.post("/{user_id}/sessions/end", response_model=EndedOut, responses=CHANGE)
def end_sessions(user_id: UserId, request: Request, admin: Admin) -> EndedOut:
    """End every open session of an account (it signs in again)."""
    account = _account(request, user_id)
    engine = get_engine(request)
    ended = sessions.revoke_user(engine, account.id)
    detail = {"ended_by_admin": True, "sessions": ended}
    record(
        engine,
        AuditEvent(AuditAction.SIGN_OUT, actor_of(request, admin), target=account.username, detail=detail),
    )
    return EndedOut(ended=ended)
