"""Ranked matches: results for a need, needs for a result, and ad-hoc text."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from models.matches import (
    AdHocMatchRequest,
    MatchQuery,
    NeedMatchesPublic,
    ResultMatchesPublic,
)
from techmatch.api.auth import ViewerDep
from techmatch.api.deps import ItemId, SessionDep
from techmatch.api.errors import BAD_BODY, NOT_FOUND
from techmatch.services import matching
from techmatch.services.matching import MatchingService

router = APIRouter(tags=["matching"])


def _service(request: Request) -> MatchingService:
    return request.app.state.matching


@router.get(
    "/needs/{item_id}/matches",
    response_model=ResultMatchesPublic,
    responses={**NOT_FOUND},
    summary="Research results that fit a need, ranked and explained",
)
def results_for_need(
    item_id: ItemId,
    query: Annotated[MatchQuery, Query()],
    session: SessionDep,
    request: Request,
    viewer: ViewerDep,
) -> Any:
    return matching.results_for_need(
        _service(request), item_id, query, session=session, viewer=viewer
    )


@router.get(
    "/results/{item_id}/matches",
    response_model=NeedMatchesPublic,
    responses={**NOT_FOUND},
    summary="Technology needs a result fits, ranked and explained",
)
def needs_for_result(
    item_id: ItemId,
    query: Annotated[MatchQuery, Query()],
    session: SessionDep,
    request: Request,
    viewer: ViewerDep,
) -> Any:
    return matching.needs_for_result(
        _service(request), item_id, query, session=session, viewer=viewer
    )


@router.post(
    "/match",
    response_model=ResultMatchesPublic | NeedMatchesPublic,
    responses={**BAD_BODY},
    summary="Rank an ad-hoc text (a need being drafted) against existing listings",
)
def match_text(
    body: AdHocMatchRequest, session: SessionDep, request: Request, viewer: ViewerDep
) -> Any:
    return matching.match_text(_service(request), body, session=session, viewer=viewer)
