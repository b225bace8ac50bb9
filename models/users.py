"""People who sign in: transfer-centre staff and admins, and the users of an enterprise or an
institute, who act for their organization only."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, StringConstraints
from sqlalchemy import DateTime, String
from sqlmodel import Field, SQLModel

from models.codes import Lang, OrganizationKind
from models.listings import utcnow
from models.types import DbId, UtcDateTime, clean_text


class Role(StrEnum):
    admin = "admin"  # manages users
    staff = "staff"  # transfer-centre staff: review matches, edit any listing
    enterprise = "enterprise"  # posts its organization's needs
    institute = "institute"  # lists its organization's results


# The organization kind a role's user must belong to (staff and admins belong to none).
ROLE_ORGANIZATION: dict[Role, OrganizationKind | None] = {
    Role.admin: None,
    Role.staff: None,
    Role.enterprise: OrganizationKind.enterprise,
    Role.institute: OrganizationKind.institute,
}

Username = Annotated[
    str,
    BeforeValidator(clean_text),
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$"),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=200)]


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=String(64), unique=True, index=True)
    password_hash: str = Field(sa_type=String(300))
    role: str = Field(sa_type=String(16))
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    lang: str = Field(default=Lang.zh, sa_type=String(2))
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime)

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.staff, Role.admin)


class UserCreate(SQLModel):
    username: Username
    password: Password
    role: Role
    organization_id: DbId | None = None
    lang: Lang = Lang.zh


class UserUpdate(SQLModel):
    password: Password | None = None
    active: bool | None = None
    lang: Lang | None = None


class UserPublic(SQLModel):
    id: int
    username: str
    role: Role
    organization_id: int | None
    lang: Lang
    active: bool
    created_at: UtcDateTime


class UsersPublic(SQLModel):
    items: list[UserPublic]
    total: int


class Token(SQLModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int  # seconds
