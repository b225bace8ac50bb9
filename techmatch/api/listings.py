"""CRUD + list routers for organizations, needs and results.

The three routers are built by one factory because the operations are the same; the
schemas and the service ``Kind`` carry what differs. (No ``from __future__ import
annotations`` here: FastAPI must see the schema classes, not their names.)
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
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
from techmatch.api.auth import UserDep, ViewerDep
from techmatch.api.deps import ItemId, SessionDep
from techmatch.api.errors import BAD_BODY, CONFLICT, FORBIDDEN, NOT_FOUND
from techmatch.services import access, listings
from techmatch.services.listings import Kind


def _owner(kind: Kind, row: Any) -> int | None:
    return row.id if kind is listings.ORGANIZATIONS else row.organization_id


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
        responses={**BAD_BODY, **CONFLICT, **FORBIDDEN},
        summary=f"Create a {name}",
    )
    def create_item(data: create_model, session: SessionDep, viewer: UserDep) -> Any:  # type: ignore[valid-type]
        owner = access.owner_for_new_listing(viewer, name, getattr(data, "organization_id", None))
        if kind is not listings.ORGANIZATIONS:
            data = data.model_copy(update={"organization_id": owner})  # type: ignore[attr-defined]
        return listings.public_view(kind, listings.create(kind, data, session=session), viewer)

    @router.get("", response_model=list_model, summary=f"List and search {name}s")
    def list_items(
        query: Annotated[query_model, Query()],  # type: ignore[valid-type]
        session: SessionDep,
        viewer: ViewerDep,
    ) -> Any:
        items, total = listings.get_all(kind, query, session=session, viewer=viewer)
        return {"items": [listings.public_view(kind, i, viewer) for i in items], "total": total}

    @router.get(
        "/{item_id}", response_model=public_model, responses={**NOT_FOUND}, summary=f"Read a {name}"
    )
    def read_item(item_id: ItemId, session: SessionDep, viewer: ViewerDep) -> Any:
        return listings.public_view(kind, listings.get(kind, item_id, session=session), viewer)

    def _writable(item_id: int, session: SessionDep, viewer: UserDep) -> None:
        row = listings.get(kind, item_id, session=session)
        access.check_listing_write(viewer, name, _owner(kind, row))

    @router.patch(
        "/{item_id}",
        response_model=public_model,
        responses={**BAD_BODY, **NOT_FOUND, **CONFLICT, **FORBIDDEN},
        summary=f"Change some fields of a {name}",
    )
    def update_item(
        item_id: ItemId,
        changes: update_model,  # type: ignore[valid-type]
        session: SessionDep,
        viewer: UserDep,
    ) -> Any:
        _writable(item_id, session, viewer)
        patch = changes.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        if kind is listings.ORGANIZATIONS and {"kind", "status"} & patch.keys():
            access.require_staff(viewer)  # what an organization is, staff decide
        new_owner = patch.get("organization_id")
        if new_owner is not None:  # handing a listing to another organization is for staff
            access.check_listing_write(viewer, name, new_owner)
        row = listings.update(kind, item_id, changes, session=session)
        return listings.public_view(kind, row, viewer)

    @router.delete(
        "/{item_id}",
        response_model=public_model,
        responses={**NOT_FOUND, **FORBIDDEN},
        summary=f"Delete a {name} (soft: its status becomes {kind.deleted_status})",
    )
    def delete_item(item_id: ItemId, session: SessionDep, viewer: UserDep) -> Any:
        if kind is listings.ORGANIZATIONS:
            access.require_staff(viewer)
        _writable(item_id, session, viewer)
        return listings.public_view(kind, listings.delete(kind, item_id, session=session), viewer)

    if renewable:

        @router.post(
            "/{item_id}/renew",
            response_model=public_model,
            responses={**BAD_BODY, **NOT_FOUND, **CONFLICT, **FORBIDDEN},
            summary=f"Extend how long a {name} stays valid",
        )
        def renew_item(
            item_id: ItemId,
            session: SessionDep,
            viewer: UserDep,
            body: Annotated[RenewRequest | None, Body()] = None,
        ) -> Any:
            _writable(item_id, session, viewer)
            valid_until = body.valid_until if body is not None else None
            row = listings.renew(kind, item_id, valid_until, session=session)
            return listings.public_view(kind, row, viewer)

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
