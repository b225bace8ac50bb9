"""The review workflow over HTTP: the staff queue, manual matches, transitions, the parties'
responses and each match's history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from models.matching import SuggestionSettings
from models.review import (
    ManualMatchRequest,
    MatchesPublic,
    MatchHistory,
    MatchPublic,
    MatchQueueQuery,
    ResponseRequest,
    TransitionRequest,
)
from techmatch.api.auth import UserDep
from techmatch.api.deps import ItemId, SessionDep
from techmatch.api.errors import BAD_BODY, CONFLICT, FORBIDDEN, LOGIN, NOT_FOUND
from techmatch.services import access, review

router = APIRouter(prefix="/matches", tags=["review"])


class RefreshSummary(BaseModel):
    created: int
    updated: int


@router.get("", response_model=MatchesPublic, responses={**LOGIN}, summary="The review queue")
def review_queue(
    query: Annotated[MatchQueueQuery, Query()], session: SessionDep, viewer: UserDep
) -> Any:
    items, total = review.queue(query, session=session, viewer=viewer)
    return {"items": items, "total": total}


@router.post(
    "",
    response_model=MatchPublic,
    status_code=201,
    responses={**BAD_BODY, **CONFLICT, **FORBIDDEN},
    summary="Add a pair the matcher missed (staff), or an institute's interest in a need",
)
def create_match(body: ManualMatchRequest, session: SessionDep, viewer: UserDep) -> Any:
    match = review.create(body, session=session, actor=viewer)
    return review.public_one(match, session=session, viewer=viewer)


@router.post(
    "/refresh",
    response_model=RefreshSummary,
    responses={**FORBIDDEN},
    summary="Store the matcher's current top suggestions for every open need",
)
def refresh(session: SessionDep, request: Request, viewer: UserDep) -> Any:
    access.require_staff(viewer)
    return review.refresh_suggestions(request.app.state.matching, session=session)


@router.get(
    "/settings",
    response_model=SuggestionSettings,
    responses={**FORBIDDEN},
    summary="The score a pair needs to become a suggestion",
)
def read_settings(session: SessionDep, viewer: UserDep) -> Any:
    access.require_staff(viewer)
    return review.suggestion_settings(session=session)


@router.put(
    "/settings",
    response_model=SuggestionSettings,
    responses={**FORBIDDEN, **BAD_BODY},
    summary="Set the score a pair needs to become a suggestion (applies from the next refresh)",
)
def write_settings(body: SuggestionSettings, session: SessionDep, viewer: UserDep) -> Any:
    return review.set_suggestion_settings(body, session=session, actor=viewer)


@router.get(
    "/{item_id}", response_model=MatchPublic, responses={**NOT_FOUND, **LOGIN}, summary="A match"
)
def read_match(item_id: ItemId, session: SessionDep, viewer: UserDep) -> Any:
    match = review.get(item_id, session=session, viewer=viewer)
    return review.public_one(match, session=session, viewer=viewer)


@router.post(
    "/{item_id}/transitions",
    response_model=MatchPublic,
    responses={**BAD_BODY, **NOT_FOUND, **CONFLICT, **FORBIDDEN},
    summary="Move a match along the review state machine",
)
def transition(
    item_id: ItemId, body: TransitionRequest, session: SessionDep, viewer: UserDep
) -> Any:
    match = review.transition(item_id, body, session=session, actor=viewer)
    return review.public_one(match, session=session, viewer=viewer)


@router.post(
    "/{item_id}/responses",
    response_model=MatchPublic,
    responses={**BAD_BODY, **NOT_FOUND, **CONFLICT, **FORBIDDEN},
    summary="A party's answer (interested / declined) to a recommended match",
)
def respond(item_id: ItemId, body: ResponseRequest, session: SessionDep, viewer: UserDep) -> Any:
    match = review.respond(item_id, body, session=session, actor=viewer)
    return review.public_one(match, session=session, viewer=viewer)


@router.get("/{item_id}/history", response_model=MatchHistory, responses={**NOT_FOUND, **LOGIN})
def history(item_id: ItemId, session: SessionDep, viewer: UserDep) -> Any:
    return {"match_id": item_id, "events": review.history(item_id, session=session, viewer=viewer)}
