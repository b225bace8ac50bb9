"""Server-rendered pages in Chinese (and English) on the same services as the API."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import RedirectResponse, Response

from techmatch.web.labels import N_

STATIC = Path(__file__).parent / "static"

# Messages of the error page per status (translated there).
_TITLES = {
    400: N_("The request could not be read"),
    403: N_("You may not do this"),
    404: N_("Not found"),
    409: N_("This conflicts with what is already there"),
    422: N_("Some input is not valid"),
}
FALLBACK_TITLE = N_("Something went wrong")


def error_page(request: Request, status: int, detail: object) -> Response:
    """What a page request gets instead of JSON when something is refused."""
    from techmatch.web.render import render
    from techmatch.web.session import page_viewer

    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    from sqlmodel import Session

    with Session(request.app.state.engine) as session:
        viewer = page_viewer(request, session)
    if isinstance(detail, list):
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', []) if p != 'body')}: {e.get('msg')}"
            for e in detail
            if isinstance(e, dict)
        )
    return render(
        request,
        "error.html",
        {"status": status, "title": _TITLES.get(status, FALLBACK_TITLE), "detail": detail},
        viewer=viewer,
        status_code=status,
    )


def install(app: FastAPI) -> None:
    from techmatch.web import mine, pages, staff

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages.router)
    app.include_router(mine.router)
    app.include_router(staff.router)
    app.state.error_page = error_page
