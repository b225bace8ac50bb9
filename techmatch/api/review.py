"""The review workflow over HTTP: the staff queue, manual matches, transitions, the parties'
responses and each match's history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from models.review import (
    ManualMatchRequest,
    MatchesPublic,
    MatchHistory,
    MatchPublic,
    MatchQueueQuery,
    ResponseRequest,
    TransitionRequest,
)
from techmatch.api.deps import SessionDep
from techmatch.api.errors import BAD_BODY, CONFLICT, NOT_FOUND
from techmatch.api.listings import ItemId
from techmatch.services import review

router = APIRouter(prefix="/matches", tags=["review"])


class RefreshSummary(BaseModel):
    created: int
    updated: int


@router.get("", response_model=MatchesPublic, summary="The review queue")
def review_queue(query: Annotated[MatchQueueQuery, Query()], session: SessionDep) -> Any:
    items, total = review.queue(query, session=session)
    return {"items": items, "total": total}


@router.post(
    "",
    response_model=MatchPublic,
    status_code=201,
    responses={**BAD_BODY, **CONFLICT},
    summary="Add a pair the matcher missed, or an institute's interest in a need",
)
def create_match(body: ManualMatchRequest, session: SessionDep) -> Any:
    match = review.create(body, session=session)
    return review.public(match, session=session)


@router.post(
    "/refresh",
    response_model=RefreshSummary,
    summary="Store the matcher's current top suggestions for every open need",
)
def refresh(session: SessionDep, request: Request) -> Any:
    return review.refresh_suggestions(request.app.state.matching, session=session)


@router.get("/{item_id}", response_model=MatchPublic, responses={**NOT_FOUND})
def read_match(item_id: ItemId, session: SessionDep) -> Any:
    return review.public(review.get(item_id, session=session), session=session)


@router.post(
    "/{item_id}/transitions",
    response_model=MatchPublic,
    responses={**BAD_BODY, **NOT_FOUND, **CONFLICT},
    summary="Move a match along the review state machine",
)
def transition(item_id: ItemId, body: TransitionRequest, session: SessionDep) -> Any:
    return review.public(review.transition(item_id, body, session=session), session=session)


@router.post(
    "/{item_id}/responses",
    response_model=MatchPublic,
    responses={**BAD_BODY, **NOT_FOUND, **CONFLICT},
    summary="A party's answer (interested / declined) to a recommended match",
)
def respond(item_id: ItemId, body: ResponseRequest, session: SessionDep) -> Any:
    return review.public(review.respond(item_id, body, session=session), session=session)


@router.get("/{item_id}/history", response_model=MatchHistory, responses={**NOT_FOUND})
def history(item_id: ItemId, session: SessionDep) -> Any:
    return {"match_id": item_id, "events": review.history(item_id, session=session)}
