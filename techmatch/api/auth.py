"""Logging in (OAuth2 password flow, bearer tokens) and managing users.

``ViewerDep`` is who is asking: the user a valid bearer token names, or None for an anonymous
visitor. A token that is present but invalid or expired is a 401, never anonymous."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm

from models.users import Token, User, UserCreate, UserPublic, UsersPublic, UserUpdate
from techmatch.api.deps import ItemId, SessionDep
from techmatch.api.errors import BAD_BODY, CONFLICT, FORBIDDEN, LOGIN, NOT_FOUND
from techmatch.services import access, users
from techmatch.services.errors import Unauthorized

TOKEN_URL = "/api/v1/auth/token"

_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


def get_viewer(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(_bearer)]
) -> User | None:
    if not token:
        return None
    try:
        user = users.user_for_token(token, request.app.state.settings, session=session)
    except users.BadCredentials as exc:
        raise Unauthorized(str(exc)) from exc
    session.expunge(user)
    return user


ViewerDep = Annotated[User | None, Depends(get_viewer)]


def get_user(viewer: ViewerDep) -> User:
    return access.require_login(viewer)


# For every write: anonymous requests get 401 before their body is even looked at.
UserDep = Annotated[User, Depends(get_user)]

router = APIRouter(tags=["users"])


@router.post(
    "/auth/token",
    response_model=Token,
    responses={**LOGIN},
    summary="Log in: a username and password for an expiring bearer token",
)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, request: Request
) -> Any:
    try:
        user = users.authenticate(form.username, form.password, session=session)
    except users.BadCredentials as exc:
        raise Unauthorized(str(exc)) from exc
    issued = users.issue_token(user, request.app.state.settings)
    return {"access_token": issued.token, "token_type": "bearer", "expires_in": issued.expires_in}


@router.get("/users/me", response_model=UserPublic, responses={**LOGIN}, summary="Who am I")
def me(viewer: ViewerDep) -> Any:
    return access.require_login(viewer)


@router.patch(
    "/users/me",
    response_model=UserPublic,
    responses={**LOGIN, **BAD_BODY},
    summary="Change my password or interface language",
)
def update_me(changes: UserUpdate, viewer: UserDep, session: SessionDep) -> Any:
    user = users.get(viewer.id or 0, session=session)
    if changes.active is not None:
        changes = changes.model_copy(update={"active": None})  # only an admin disables users
    return users.update(user, changes, session=session)


@router.get("/users", response_model=UsersPublic, responses={**FORBIDDEN}, summary="List users")
def list_users(
    viewer: ViewerDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Any:
    access.require_admin(viewer)
    items, total = users.get_all(session=session, limit=limit, offset=offset)
    return {"items": items, "total": total}


@router.post(
    "/users",
    response_model=UserPublic,
    status_code=201,
    responses={**FORBIDDEN, **BAD_BODY, **CONFLICT},
    summary="Add a user",
)
def create_user(data: UserCreate, viewer: UserDep, session: SessionDep) -> Any:
    access.require_admin(viewer)
    return users.create(data, session=session)


@router.patch(
    "/users/{item_id}",
    response_model=UserPublic,
    responses={**FORBIDDEN, **BAD_BODY, **NOT_FOUND},
    summary="Reset a user's password, disable or enable a user",
)
def update_user(
    item_id: ItemId,
    changes: UserUpdate,
    viewer: UserDep,
    session: SessionDep,
) -> Any:
    access.require_admin(viewer)
    return users.update(users.get(item_id, session=session), changes, session=session)
