"""Liveness and database reachability."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from techmatch.api.deps import SessionDep
from techmatch.services import listings

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str
    counts: dict[str, int]


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database cannot be reached"}},
)
def health(session: SessionDep) -> Health | JSONResponse:
    try:
        counts = listings.counts(session=session)
    except SQLAlchemyError as exc:
        log.warning("health check: database unreachable: %s", exc)
        body = Health(status="degraded", database="unreachable", counts={})
        return JSONResponse(status_code=503, content=body.model_dump())
    return Health(status="ok", database="ok", counts=counts)
