"""Public pages (home with the zones' figures, browsing and detail pages), logging in and
out, and the language switch."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from models.codes import Lang
from models.matches import MatchQuery
from models.queries import NeedQuery, ResultQuery
from models.users import UserUpdate
from techmatch.api.deps import ItemId, SessionDep
from techmatch.services import listings, matching, stats, users
from techmatch.services.errors import InvalidInput
from techmatch.web.forms import field_errors
from techmatch.web.i18n import LANGUAGES
from techmatch.web.render import render
from techmatch.web.session import LANG_COOKIE, CsrfDep, PageViewerDep, log_in, log_out

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
FIGURES_SINCE = dt.date(2020, 1, 1)


def safe_next(target: str | None) -> str:
    """Only paths on this site: never redirect a visitor elsewhere after logging in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _query(model: type[Any], request: Request) -> tuple[Any, dict[str, str]]:
    """The filters of a browse page: empty choices mean 'any'; bad values are reported
    and left out."""
    params = {k: v for k, v in request.query_params.items() if v.strip()}
    params["limit"] = str(PAGE_SIZE)
    if "country" in params:  # people type pl as readily as PL
        params["country"] = params["country"].strip().upper()
    try:
        return model.model_validate(params), {}
    except ValidationError as exc:
        errors = field_errors(exc)
        kept = {k: v for k, v in params.items() if k not in errors}
        return model.model_validate(kept), errors


@router.get("/")
def home(request: Request, session: SessionDep, viewer: PageViewerDep) -> Response:
    rows = stats.figures(session=session, start=FIGURES_SINCE, end=dt.date.today())
    results, n_results = listings.get_all(
        listings.RESULTS, ResultQuery(limit=6), session=session, viewer=viewer
    )
    needs, n_needs = listings.get_all(
        listings.NEEDS, NeedQuery(limit=6), session=session, viewer=viewer
    )
    return render(
        request,
        "home.html",
        {
            "figures": rows,
            "results": results,
            "needs": [listings.public_view(listings.NEEDS, n, viewer) for n in needs],
            "n_results": n_results,
            "n_needs": n_needs,
        },
        viewer=viewer,
    )


def _browse(
    kind: listings.Kind,
    model: type[Any],
    request: Request,
    session: SessionDep,
    viewer: PageViewerDep,
) -> Response:
    query, errors = _query(model, request)
    items, total = listings.get_all(kind, query, session=session, viewer=viewer)
    shown = [listings.public_view(kind, i, viewer) for i in items]
    return render(
        request,
        "browse.html",
        {"kind": kind.name, "items": shown, "total": total, "query": query, "errors": errors},
        viewer=viewer,
    )


@router.get("/results")
def browse_results(request: Request, session: SessionDep, viewer: PageViewerDep) -> Response:
    return _browse(listings.RESULTS, ResultQuery, request, session, viewer)


@router.get("/needs")
def browse_needs(request: Request, session: SessionDep, viewer: PageViewerDep) -> Response:
    return _browse(listings.NEEDS, NeedQuery, request, session, viewer)


@router.get("/results/{item_id}")
def result_page(
    item_id: ItemId, request: Request, session: SessionDep, viewer: PageViewerDep
) -> Response:
    result = listings.get(listings.RESULTS, item_id, session=session)
    answer = matching.needs_for_result(
        request.app.state.matching, item_id, MatchQuery(limit=5), session=session, viewer=viewer
    )
    owner = _organization(result.organization_id, session, viewer)
    return render(
        request,
        "result.html",
        {"result": result, "matches": answer["items"], "owner": owner},
        viewer=viewer,
    )


@router.get("/needs/{item_id}")
def need_page(
    item_id: ItemId, request: Request, session: SessionDep, viewer: PageViewerDep
) -> Response:
    row = listings.get(listings.NEEDS, item_id, session=session)
    need = listings.public_view(listings.NEEDS, row, viewer)
    answer = matching.results_for_need(
        request.app.state.matching, item_id, MatchQuery(limit=5), session=session, viewer=viewer
    )
    owner = _organization(
        need["organization_id"] if isinstance(need, dict) else need.organization_id,
        session,
        viewer,
    )
    return render(
        request,
        "need.html",
        {"need": need, "matches": answer["items"], "owner": owner},
        viewer=viewer,
    )


def _organization(org_id: int | None, session: SessionDep, viewer: PageViewerDep) -> Any:
    if org_id is None:
        return None
    org = listings.get(listings.ORGANIZATIONS, org_id, session=session)
    return listings.public_view(listings.ORGANIZATIONS, org, viewer)


# --------------------------------------------------------------------------- account


@router.get("/login")
def login_form(request: Request, viewer: PageViewerDep, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "error": None}, viewer=viewer)


@router.post("/login", dependencies=[CsrfDep])
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        user = users.authenticate(username.strip(), password, session=session)
    except users.BadCredentials:
        return render(
            request,
            "login.html",
            {"next": safe_next(next), "error": "bad_login", "username": username},
            viewer=None,
            status_code=401,
        )
    issued = users.issue_token(user, request.app.state.settings)
    response = RedirectResponse(safe_next(next), status_code=303)
    log_in(response, issued.token, issued.expires_in)
    return response


@router.post("/logout", dependencies=[CsrfDep])
def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    log_out(response)
    return response


@router.post("/lang", dependencies=[CsrfDep])
def switch_language(
    session: SessionDep,
    viewer: PageViewerDep,
    lang: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    if lang not in LANGUAGES:
        raise InvalidInput.field("lang", f"choose one of {', '.join(LANGUAGES)}")
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    if viewer is not None:  # remembered for the user, on every device
        users.update(
            users.get(viewer.id or 0, session=session), UserUpdate(lang=Lang(lang)), session=session
        )
    return response
