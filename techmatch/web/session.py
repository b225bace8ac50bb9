"""Logging in to the pages: the bearer token rides in an HttpOnly session cookie, and every
form carries a CSRF token that must equal the one in its own cookie (double submit)."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from models.users import User
from techmatch.api.deps import SessionDep
from techmatch.services import users
from techmatch.services.errors import Forbidden, Unauthorized

SESSION_COOKIE = "tm_session"
CSRF_COOKIE = "tm_csrf"
LANG_COOKIE = "tm_lang"
CSRF_FIELD = "csrf"


def page_viewer(request: Request, session: SessionDep) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        user = users.user_for_token(token, request.app.state.settings, session=session)
    except users.BadCredentials:
        return None  # expired: the pages show the visitor as logged out
    session.expunge(user)
    return user


PageViewerDep = Annotated[User | None, Depends(page_viewer)]


def page_user(viewer: PageViewerDep) -> User:
    if viewer is None:
        raise Unauthorized("log in first")
    return viewer


PageUserDep = Annotated[User, Depends(page_user)]


def csrf_token(request: Request) -> str:
    """This visitor's CSRF token (made on first use; ``remember_csrf`` stores it)."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(24)
        request.state.new_csrf = token
    return token


def remember_csrf(request: Request, response: Response) -> None:
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="lax")


async def csrf_checked(request: Request) -> None:
    """Refuse a form whose CSRF token is missing or not this visitor's."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent, cookie):
        raise Forbidden("the form has expired or did not come from this site; reload the page")


CsrfDep = Depends(csrf_checked)


def log_in(response: Response, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", path="/"
    )


def log_out(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
