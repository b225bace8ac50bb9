"""Who may see and do what. Every rule of access is here, so the API and the pages apply the
same ones: reading public listings needs no login, every write does; enterprises act for
their organization's needs, institutes for their organization's results; staff review; admins
manage users."""

from __future__ import annotations

from models.users import Role, User
from techmatch.services.errors import Forbidden, Unauthorized

# Who is asking: a user, or None for an anonymous visitor.
Viewer = User | None

# The listing kind each organization role writes.
ROLE_WRITES = {Role.enterprise: "need", Role.institute: "result"}


def is_staff(viewer: Viewer) -> bool:
    return viewer is not None and viewer.is_staff


def insider(viewer: Viewer, organization_id: int | None) -> bool:
    """Staff, or a user of the organization that owns the thing."""
    if viewer is None:
        return False
    return viewer.is_staff or (
        organization_id is not None and viewer.organization_id == organization_id
    )


def require_login(viewer: Viewer) -> User:
    if viewer is None:
        raise Unauthorized("log in first: this needs a bearer token from /api/v1/auth/token")
    return viewer


def require_staff(viewer: Viewer) -> User:
    user = require_login(viewer)
    if not user.is_staff:
        raise Forbidden("only transfer-centre staff may do this")
    return user


def require_admin(viewer: Viewer) -> User:
    user = require_login(viewer)
    if user.role != Role.admin:
        raise Forbidden("only an admin may manage users")
    return user


def check_listing_write(viewer: Viewer, kind: str, organization_id: int | None) -> User:
    """May this user create or change a listing of ``kind`` owned by ``organization_id``?"""
    user = require_login(viewer)
    if user.is_staff:
        return user
    if kind == "organization":
        if organization_id is not None and organization_id == user.organization_id:
            return user
        raise Forbidden("you may only edit your own organization; staff register others")
    if ROLE_WRITES.get(Role(user.role)) != kind:
        raise Forbidden(f"a {user.role} user may not write {kind}s")
    if organization_id != user.organization_id:
        raise Forbidden(f"this {kind} belongs to another organization")
    return user


def owner_for_new_listing(viewer: Viewer, kind: str, organization_id: int | None) -> int | None:
    """The owner a new listing gets: an organization user's own organization by default."""
    user = require_login(viewer)
    if kind == "organization":
        require_staff(user)
        return organization_id
    if not user.is_staff and organization_id is None:
        organization_id = user.organization_id
    check_listing_write(user, kind, organization_id)
    return organization_id
