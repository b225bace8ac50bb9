"""Transfer-centre staff: the review queue, one match side by side with its shared terms
marked in both texts, one-click transitions, the match's history, and the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from models.codes import Zone
from models.listings import ResearchResult, TechNeed
from models.matching import SuggestionSettings
from models.review import MatchQueueQuery, TransitionRequest
from models.users import User
from techmatch.api.deps import ItemId, SessionDep
from techmatch.services import access, review, stats
from techmatch.web import charts
from techmatch.web.forms import checked, field_errors, form_values
from techmatch.web.i18n import translations
from techmatch.web.labels import LABELS
from techmatch.web.render import highlight, language, render
from techmatch.web.session import CsrfDep, PageUserDep

router = APIRouter(include_in_schema=False)

QUEUE_PAGE = 25
FUNNEL = ("suggestions", "shortlisted", "recommended", "connected", "contracts")


def _staff(viewer: User) -> User:
    return access.require_staff(viewer)


@router.get("/review")
def queue_page(request: Request, session: SessionDep, viewer: PageUserDep) -> Response:
    _staff(viewer)
    params: dict[str, Any] = {k: v for k, v in request.query_params.items() if v.strip()}
    statuses = [s for s in request.query_params.getlist("status") if s]
    if statuses:
        params["status"] = statuses
    params["limit"] = QUEUE_PAGE
    errors: dict[str, str] = {}
    try:
        query = MatchQueueQuery.model_validate(params)
    except ValidationError as exc:
        errors = field_errors(exc)
        query = MatchQueueQuery.model_validate({k: v for k, v in params.items() if k not in errors})
    items, total = review.queue(query, session=session, viewer=viewer)
    return render(
        request,
        "review_queue.html",
        {
            "items": items,
            "total": total,
            "query": query,
            "errors": errors,
            "page": QUEUE_PAGE,
            "threshold": review.suggestion_settings(session=session).min_score,
        },
        viewer=viewer,
    )


@router.post("/review/settings", dependencies=[CsrfDep])
def suggestion_threshold(
    session: SessionDep, viewer: PageUserDep, min_score: Annotated[str, Form()]
) -> Response:
    data = checked(SuggestionSettings, {"min_score": min_score})
    review.set_suggestion_settings(data, session=session, actor=viewer)
    return RedirectResponse("/review?done=saved", status_code=303)


def _marked(match: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Surface forms to mark on each side: (need side, result side), each split into plain
    shared terms and cross-language bridges."""
    need: dict[str, list[str]] = {"terms": [], "bridges": []}
    result: dict[str, list[str]] = {"terms": [], "bridges": []}
    for term in (match.get("explanation") or {}).get("terms", []):
        key = "bridges" if term.get("bridge") else "terms"
        # A shared word is its own surface form on both sides.
        own = [term["label"]] if term.get("channel") == "word" else []
        need[key] += term.get("query_forms") or own
        result[key] += term.get("listing_forms") or own
    return need, result


@router.get("/review/{item_id}")
def match_page(
    item_id: ItemId, request: Request, session: SessionDep, viewer: PageUserDep
) -> Response:
    _staff(viewer)
    row = review.get(item_id, session=session, viewer=viewer)
    match = review.public_one(row, session=session, viewer=viewer)
    need = session.get(TechNeed, row.need_id)
    result = session.get(ResearchResult, row.result_id)
    need_forms, result_forms = _marked(match)

    def mark(text: str | None, forms: dict[str, list[str]]) -> Any:
        return highlight(text, forms["terms"] + forms["bridges"], forms["bridges"])

    return render(
        request,
        "review_match.html",
        {
            "match": match,
            "need": need,
            "result": result,
            "mark_need": lambda text: mark(text, need_forms),
            "mark_result": lambda text: mark(text, result_forms),
            "history": review.history(item_id, session=session, viewer=viewer),
            "error": request.query_params.get("error"),
        },
        viewer=viewer,
    )


@router.post("/review/{item_id}/transition", dependencies=[CsrfDep])
async def transition(
    item_id: ItemId,
    request: Request,
    session: SessionDep,
    viewer: PageUserDep,
    to: Annotated[str, Form()],
) -> Response:
    _staff(viewer)
    form = await request.form()
    values = form_values(form) | {"contract_registered": "contract_registered" in form}
    review.transition(item_id, checked(TransitionRequest, values), session=session, actor=viewer)
    return RedirectResponse(f"/review/{item_id}?done={to}", status_code=303)


@router.get("/dashboard")
def dashboard(request: Request, session: SessionDep, viewer: PageUserDep) -> Response:
    _staff(viewer)
    today = dt.date.today()
    start = dt.date(today.year - 1, today.month, 1)
    rows = stats.figures(session=session, start=dt.date(2000, 1, 1), end=today)
    months = stats.contracts_by_month(session=session, start=start, end=today)
    gettext = translations(language(request, viewer)).gettext
    stage_names = [
        gettext(s) for s in ("Suggestions", "Shortlisted", "Recommended", "Connected", "Contracts")
    ]
    funnels = []
    for row in rows:
        if row["dimension"] == "total":
            title = gettext("All zones")
        elif row["dimension"] == "zone":
            title = gettext(LABELS["region"][row["key"]])
        else:
            title = gettext("From %(region)s") % {"region": gettext(LABELS["group"][row["key"]])}
        funnels.append(
            {
                "dimension": row["dimension"],
                "svg": charts.funnel(title, stage_names, [row[s] for s in FUNNEL]),
            }
        )
    timeline = charts.monthly(
        gettext("Contracts per month"),
        [m["month"] for m in months],
        [m["contracts"] for m in months],
        [m["value_wan"] for m in months],
        gettext("10k CNY"),
    )
    return render(
        request,
        "dashboard.html",
        {"figures": rows, "funnels": funnels, "timeline": timeline, "zones": list(Zone)},
        viewer=viewer,
    )
