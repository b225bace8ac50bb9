"""Create, read, update, soft-delete, list and renew organizations, needs and results.

One set of functions serves all three kinds; a :class:`Kind` says what differs (table,
schemas, searchable columns, the status a delete sets).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import String, and_, cast, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from matcher.text import half_width
from models.codes import NeedStatus, OrganizationKind, OrganizationStatus, ResultStatus
from models.listings import (
    NeedCreate,
    NeedPublic,
    Organization,
    OrganizationCreate,
    OrganizationPublic,
    ResearchResult,
    ResultCreate,
    ResultPublic,
    TechNeed,
    utcnow,
)
from models.queries import Page
from techmatch.services import access
from techmatch.services.access import Viewer
from techmatch.services.errors import Conflict, InvalidInput, NotFound
from techmatch.services.matching import listing_changed, row_values

VALID_DAYS = 365


@dataclass(frozen=True)
class Kind:
    name: str
    table: type[SQLModel]
    create: type[SQLModel]
    public: type[SQLModel]
    code_prefix: str
    search_columns: tuple[str, ...]
    deleted_status: str
    # Organization kinds allowed to own a listing of this kind (None: not owned).
    owner_kinds: tuple[OrganizationKind, ...] | None
    # Listings the matcher indexes: every write tells the matching service.
    matchable: bool = True


ORGANIZATIONS = Kind(
    name="organization",
    table=Organization,
    create=OrganizationCreate,
    public=OrganizationPublic,
    code_prefix="ORG",
    search_columns=("name", "description", "park"),
    deleted_status=OrganizationStatus.inactive,
    owner_kinds=None,
    matchable=False,
)
NEEDS = Kind(
    name="need",
    table=TechNeed,
    create=NeedCreate,
    public=NeedPublic,
    code_prefix="N",
    search_columns=("title", "description", "current_state", "targets"),
    deleted_status=NeedStatus.closed,
    owner_kinds=(OrganizationKind.enterprise, OrganizationKind.transfer_center),
)
RESULTS = Kind(
    name="result",
    table=ResearchResult,
    create=ResultCreate,
    public=ResultPublic,
    code_prefix="R",
    search_columns=("title", "abstract", "keywords", "institution", "applications"),
    deleted_status=ResultStatus.withdrawn,
    owner_kinds=(OrganizationKind.institute, OrganizationKind.enterprise),
)
KINDS = {k.name: k for k in (ORGANIZATIONS, NEEDS, RESULTS)}


def _today() -> dt.date:
    return utcnow().date()


def get(kind: Kind, item_id: int, *, session: Session) -> Any:
    row = session.get(kind.table, item_id)
    if row is None:
        raise NotFound(f"{kind.name} {item_id} not found")
    return row


def get_by_code(kind: Kind, code: str, *, session: Session) -> Any:
    row = session.exec(select(kind.table).where(kind.table.code == code)).first()
    if row is None:
        raise NotFound(f"{kind.name} '{code}' not found")
    return row


def _check_owner(kind: Kind, values: dict[str, Any], *, session: Session) -> None:
    """The owning organization must exist and be of a kind that may own this listing."""
    org_id = values.get("organization_id")
    if kind.owner_kinds is None or org_id is None:
        return
    org = session.get(Organization, org_id)
    if org is None:
        raise InvalidInput.field("organization_id", f"organization {org_id} does not exist")
    if org.kind not in kind.owner_kinds:
        allowed = " or ".join(k.value for k in kind.owner_kinds)
        raise InvalidInput.field(
            "organization_id",
            f"a {kind.name} belongs to an {allowed}, but organization {org_id} is a {org.kind}",
        )
    if kind is RESULTS and not values.get("institution"):
        values["institution"] = org.name


def _check_code_free(kind: Kind, code: str | None, own_id: int | None, *, session: Session) -> None:
    if code is None:
        return
    existing = session.exec(select(kind.table.id).where(kind.table.code == code)).first()
    if existing is not None and existing != own_id:
        raise Conflict(f"{kind.name} code '{code}' is already used by {kind.name} {existing}")


def prepare(kind: Kind, data: SQLModel, *, session: Session) -> dict[str, Any]:
    """Validated column values for a new row (checks that need the database included)."""
    values = data.model_dump()
    _check_owner(kind, values, session=session)
    _check_code_free(kind, values.get("code"), None, session=session)
    if "valid_until" in values and values["valid_until"] is None:
        values["valid_until"] = _today() + dt.timedelta(days=VALID_DAYS)
    return values


def add(kind: Kind, values: dict[str, Any], *, session: Session) -> Any:
    """Insert prepared values; a missing code becomes PREFIX + zero-padded id."""
    code = values.pop("code", None)
    row = kind.table(**values, code=code or f"~pending-{id(values)}")
    session.add(row)
    session.flush()
    if code is None:
        row.code = f"{kind.code_prefix}{row.id:06d}"
        _check_code_free(kind, row.code, row.id, session=session)
    _changed(kind, row, session=session)
    return row


def _changed(kind: Kind, row: Any, *, session: Session) -> None:
    if kind.matchable:
        listing_changed(kind.name, row.id, session=session)


def _commit(session: Session, kind: Kind) -> None:
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"{kind.name} conflicts with an existing one (duplicate code?)") from exc


def create(kind: Kind, data: SQLModel, *, session: Session) -> Any:
    try:
        row = add(kind, prepare(kind, data, session=session), session=session)
        _commit(session, kind)
    except Exception:
        session.rollback()
        raise
    session.refresh(row)
    return row


def update(kind: Kind, item_id: int, changes: SQLModel, *, session: Session) -> Any:
    """Apply the fields the client sent, re-validating the whole listing."""
    row = get(kind, item_id, session=session)
    patch = changes.model_dump(exclude_unset=True)
    status = patch.pop("status", None)
    current = kind.create.model_validate(row, from_attributes=True).model_dump()
    try:
        merged = kind.create.model_validate({**current, **patch})
    except ValidationError as exc:
        raise InvalidInput.from_validation(exc) from exc
    values = merged.model_dump()
    if "organization_id" in patch:
        _check_owner(kind, values, session=session)
    _check_code_free(kind, values.get("code"), row.id, session=session)
    for key, value in values.items():
        setattr(row, key, value)
    if status is not None:
        row.status = status
    row.updated_at = utcnow()
    session.add(row)
    _changed(kind, row, session=session)
    _commit(session, kind)
    session.refresh(row)
    return row


def delete(kind: Kind, item_id: int, *, session: Session) -> Any:
    """Soft delete: the row stays, its status says it is gone."""
    row = get(kind, item_id, session=session)
    row.status = kind.deleted_status
    row.updated_at = utcnow()
    session.add(row)
    _changed(kind, row, session=session)
    _commit(session, kind)
    session.refresh(row)
    return row


def renew(kind: Kind, item_id: int, valid_until: dt.date | None, *, session: Session) -> Any:
    row = get(kind, item_id, session=session)
    if row.status == kind.deleted_status:
        raise Conflict(f"{kind.name} {item_id} is {row.status}; reopen it before renewing")
    new_date = valid_until or _today() + dt.timedelta(days=VALID_DAYS)
    if new_date <= _today():
        raise InvalidInput.field("valid_until", "must be a date after today")
    row.valid_until = new_date
    row.updated_at = utcnow()
    session.add(row)
    _changed(kind, row, session=session)
    _commit(session, kind)
    session.refresh(row)
    return row


CONFIDENTIAL_NOTE = "保密需求：详细内容仅对发布企业和技术转移中心工作人员开放。"
# What everyone may see of a confidential need (the rest is withheld).
_CONFIDENTIAL_VISIBLE = {
    "id",
    "code",
    "title",
    "industry",
    "zone",
    "lang",
    "status",
    "confidential",
    "valid_until",
    "created_at",
    "updated_at",
}


_CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


def public_view(kind: Kind, row: Any, viewer: Viewer = None) -> Any:
    """The listing as ``viewer`` may see it. A confidential need shows outsiders only its
    title, industry and zone (and bookkeeping fields); an organization's contact details are
    for its own users and staff (the parties of a recommended match see them on the match)."""
    if kind is ORGANIZATIONS:
        if access.insider(viewer, row.id):
            return row
        return row_values(row) | dict.fromkeys(_CONTACT_FIELDS)
    if kind is not NEEDS or not row.confidential or access.insider(viewer, row.organization_id):
        return row
    data = row_values(row)
    withheld = {k: None for k in data if k not in _CONFIDENTIAL_VISIBLE}
    return (
        data
        | withheld
        | {"description": CONFIDENTIAL_NOTE, "cooperation": [], "confidential": True}
    )


def _search_terms(q: str) -> list[str]:
    # Stored text is folded the same way (models.types.clean_text).
    return half_width(q).split()


def _conditions(kind: Kind, query: Page, viewer: Viewer) -> list[Any]:
    table = kind.table
    conditions: list[Any] = []
    for name, value in query.model_dump(exclude={"limit", "offset", "q"}).items():
        if value is None:
            continue
        if name == "status":
            conditions.append(table.status.in_([str(v) for v in value]))
        elif name == "cooperation" or (name == "industry" and kind is ORGANIZATIONS):
            column = table.industries if name == "industry" else getattr(table, name)
            # JSON lists are stored as text like ["license", "transfer"] on both databases.
            conditions.append(cast(column, String).contains(f'"{value}"', autoescape=True))
        else:
            conditions.append(getattr(table, name) == value)
    if query.q:
        for term in _search_terms(query.q):
            found = [
                cast(getattr(table, c), String).icontains(term, autoescape=True)
                for c in kind.search_columns
            ]
            if kind is NEEDS and not access.is_staff(viewer):
                # A confidential need is found by its title only, except by its own users.
                readable = table.confidential.is_(False)
                if viewer is not None and viewer.organization_id is not None:
                    readable = or_(readable, table.organization_id == viewer.organization_id)
                found = [found[0], and_(readable, or_(*found[1:]))]
            conditions.append(or_(*found))
    return conditions


def get_all(
    kind: Kind, query: Page, *, session: Session, viewer: Viewer = None
) -> tuple[Sequence[Any], int]:
    where = and_(*_conditions(kind, query, viewer))
    total = session.exec(select(func.count()).select_from(kind.table).where(where)).one()
    rows = session.exec(
        select(kind.table)
        .where(where)
        .order_by(kind.table.id.desc())
        .offset(query.offset)
        .limit(query.limit)
    ).all()
    return rows, total


def counts(*, session: Session) -> dict[str, int]:
    return {
        f"{k.name}s": session.exec(select(func.count()).select_from(k.table)).one()
        for k in KINDS.values()
    }
