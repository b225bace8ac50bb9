"""The one place where domain errors and bad requests become HTTP answers."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from techmatch.services.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthorized,
)

log = logging.getLogger(__name__)


class ErrorMessage(BaseModel):
    detail: str


# Extra responses every listing operation documents (422 is FastAPI's own).
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorMessage}}
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"model": ErrorMessage}}
# Operations that need a login; FORBIDDEN where some logged-in users may not.
LOGIN: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorMessage, "description": "Not logged in, or the token has expired"}
}
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    **LOGIN,
    403: {"model": ErrorMessage, "description": "This user may not do this"},
}
BAD_BODY: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorMessage, "description": "The body is not UTF-8 text"}
}


def _validation_detail(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    detail = []
    for error in errors:
        msg = str(error.get("msg", "invalid"))
        if error.get("type") == "json_invalid":
            msg = f"request body is not valid JSON: {error.get('ctx', {}).get('error', msg)}"
        detail.append({"loc": list(error.get("loc", [])), "msg": msg, "type": error.get("type")})
    return detail


def _page(request: Request, status: int, detail: object) -> Response | None:
    """Pages (everything outside the API) answer errors as a page, not JSON."""
    page = getattr(request.app.state, "error_page", None)
    if page is None or request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return None
    response: Response = page(request, status, detail)
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = _validation_detail(list(exc.errors()))
        return _page(request, 422, detail) or JSONResponse(
            status_code=422, content={"detail": detail}
        )

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if (page := _page(request, exc.status_code, exc.detail)) is not None:
            return page
        detail = exc.detail
        if exc.status_code == 400 and detail == "There was an error parsing the body":
            # FastAPI's words when the body cannot even be decoded (invalid UTF-8).
            detail = "request body could not be read: send UTF-8 encoded JSON"
        return JSONResponse(
            status_code=exc.status_code,
            content={"detail": detail},
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        status = next((s for t, s in _STATUS if isinstance(exc, t)), 400)
        detail: object = exc.errors if isinstance(exc, InvalidInput) else str(exc)
        if (page := _page(request, status, detail)) is not None:
            return page
        if isinstance(exc, InvalidInput):
            body = [{**e, "loc": ["body", *e["loc"]]} for e in exc.errors]
            return JSONResponse(status_code=422, content={"detail": body})
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(status_code=status, content={"detail": detail}, headers=headers)


_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (InvalidInput, 422),
    (Unauthorized, 401),
    (NotFound, 404),
    (Conflict, 409),
    (Forbidden, 403),
)
