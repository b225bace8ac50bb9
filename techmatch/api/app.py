"""The FastAPI application."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from techmatch import __version__, web
from techmatch.api import auth, errors, health, listings, matching, review, stats
from techmatch.config import Settings, get_settings
from techmatch.db import make_engine, migrate
from techmatch.services.matching import MatchingService

API_PREFIX = "/api/v1"


def _refresh_suggestions(service: MatchingService, engine: Engine) -> None:
    from sqlmodel import Session

    from techmatch.services.review import claim_suggestions, suggestions_after_change

    with Session(engine) as session:
        # With several workers, the first to claim this version stores its suggestions, for
        # what changed since the version stored before.
        version = service.indexes.version
        since = claim_suggestions(version, session=session)
        if since is not None:
            suggestions_after_change(service, since, version, session=session)


class ServedBy:
    """Adds ``X-Process-Id`` to every answer: with ``--workers N`` each process keeps its own
    index, and this says which one answered. (Plain ASGI: no extra task per request.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.header = (b"x-process-id", str(os.getpid()).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        await self.app(scope, receive, send_with_header)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check()
    engine = engine or make_engine(settings.database_url)

    service = MatchingService(engine, poll_seconds=settings.match_poll_seconds)
    # Suggestions follow the listings: after each rebuild, store the new top matches.
    service.on_rebuilt = lambda: _refresh_suggestions(service, engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            migrate(engine)
        service.start()
        yield
        service.stop()

    app = FastAPI(
        title="京津沧 technology-transfer matching service",
        summary="科技成果与技术需求对接 — research results matched to the zones' technology needs",
        version=__version__,
        lifespan=lifespan,
    )
    app.add_middleware(ServedBy)
    app.state.engine = engine
    app.state.settings = settings
    app.state.matching = service
    errors.install(app)
    api = APIRouter(prefix=API_PREFIX)
    api.include_router(health.router)
    routers = (
        auth.router,
        listings.organizations,
        listings.needs,
        listings.results,
        matching.router,
        review.router,
        stats.router,
    )
    for router in routers:
        api.include_router(router)
    app.include_router(api)
    web.install(app)
    return app
