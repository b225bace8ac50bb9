"""CRUD + list routers for organizations, needs and results.

The three routers are built by one factory because the operations are the same; the
schemas and the service ``Kind`` carry what differs. (No ``from __future__ import
annotations`` here: FastAPI must see the schema classes, not their names.)
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from sqlmodel import SQLModel

from models.listings import (
    NeedCreate,
    NeedPublic,
    NeedsPublic,
    NeedUpdate,
    OrganizationCreate,
    OrganizationPublic,
    OrganizationsPublic,
    OrganizationUpdate,
    RenewRequest,
    ResultCreate,
    ResultPublic,
    ResultsPublic,
    ResultUpdate,
)
from models.queries import NeedQuery, OrganizationQuery, ResultQuery
from techmatch.api.deps import SessionDep
from techmatch.api.errors import BAD_BODY, CONFLICT, NOT_FOUND
from techmatch.services import listings
from techmatch.services.listings import Kind

ItemId = Annotated[int, Path(ge=1, le=2_147_483_647, description="Numeric id")]


def listing_router(
    kind: Kind,
    *,
    path: str,
    tag: str,
    create_model: type[SQLModel],
    update_model: type[SQLModel],
    public_model: type[SQLModel],
    list_model: type[SQLModel],
    query_model: type[SQLModel],
    renewable: bool,
) -> APIRouter:
    router = APIRouter(prefix=path, tags=[tag])
    name = kind.name

    @router.post(
        "",
        response_model=public_model,
        status_code=201,
        responses={**BAD_BODY, **CONFLICT},
        summary=f"Create a {name}",
    )
    def create_item(data: create_model, session: SessionDep) -> Any:  # type: ignore[valid-type]
        return listings.public_view(kind, listings.create(kind, data, session=session))

    @router.get("", response_model=list_model, summary=f"List and search {name}s")
    def list_items(
        query: Annotated[query_model, Query()],  # type: ignore[valid-type]
        session: SessionDep,
    ) -> Any:
        items, total = listings.get_all(kind, query, session=session)
        return {"items": [listings.public_view(kind, i) for i in items], "total": total}

    @router.get(
        "/{item_id}", response_model=public_model, responses={**NOT_FOUND}, summary=f"Read a {name}"
    )
    def read_item(item_id: ItemId, session: SessionDep) -> Any:
        return listings.public_view(kind, listings.get(kind, item_id, session=session))

    @router.patch(
        "/{item_id}",
        response_model=public_model,
        responses={**BAD_BODY, **NOT_FOUND, **CONFLICT},
        summary=f"Change some fields of a {name}",
    )
    def update_item(item_id: ItemId, changes: update_model, session: SessionDep) -> Any:  # type: ignore[valid-type]
        return listings.public_view(kind, listings.update(kind, item_id, changes, session=session))

    @router.delete(
        "/{item_id}",
        response_model=public_model,
        responses={**NOT_FOUND},
        summary=f"Delete a {name} (soft: its status becomes {kind.deleted_status})",
    )
    def delete_item(item_id: ItemId, session: SessionDep) -> Any:
        return listings.public_view(kind, listings.delete(kind, item_id, session=session))

    if renewable:

        @router.post(
            "/{item_id}/renew",
            response_model=public_model,
            responses={**BAD_BODY, **NOT_FOUND, **CONFLICT},
            summary=f"Extend how long a {name} stays valid",
        )
        def renew_item(
            item_id: ItemId,
            session: SessionDep,
            body: Annotated[RenewRequest | None, Body()] = None,
        ) -> Any:
            valid_until = body.valid_until if body is not None else None
            return listings.public_view(
                kind, listings.renew(kind, item_id, valid_until, session=session)
            )

    return router


organizations = listing_router(
    listings.ORGANIZATIONS,
    path="/organizations",
    tag="organizations",
    create_model=OrganizationCreate,
    update_model=OrganizationUpdate,
    public_model=OrganizationPublic,
    list_model=OrganizationsPublic,
    query_model=OrganizationQuery,
    renewable=False,
)
needs = listing_router(
    listings.NEEDS,
    path="/needs",
    tag="needs",
    create_model=NeedCreate,
    update_model=NeedUpdate,
    public_model=NeedPublic,
    list_model=NeedsPublic,
    query_model=NeedQuery,
    renewable=True,
)
results = listing_router(
    listings.RESULTS,
    path="/results",
    tag="results",
    create_model=ResultCreate,
    update_model=ResultUpdate,
    public_model=ResultPublic,
    list_model=ResultsPublic,
    query_model=ResultQuery,
    renewable=True,
)
