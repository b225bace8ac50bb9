"""Query-string schemas of the list endpoints (filters and paging)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints
from sqlmodel import SQLModel

from models.codes import (
    Cooperation,
    Industry,
    Lang,
    Maturity,
    NeedStatus,
    OrganizationKind,
    OrganizationStatus,
    Region,
    ResultStatus,
    Zone,
)
from models.types import Country, DbId, clean_text

SearchText = Annotated[
    str, BeforeValidator(clean_text), StringConstraints(min_length=1, max_length=200)
]


class Page(SQLModel):
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000_000)
    q: SearchText | None = Field(
        default=None, description="Words to find in the text, Chinese or English; all must occur"
    )


class OrganizationQuery(Page):
    kind: OrganizationKind | None = None
    region: Region | None = None
    country: Country | None = None
    industry: Industry | None = None
    status: list[OrganizationStatus] = Field(default=[OrganizationStatus.active])


class NeedQuery(Page):
    industry: Industry | None = None
    zone: Zone | None = None
    lang: Lang | None = None
    cooperation: Cooperation | None = None
    organization_id: DbId | None = None
    status: list[NeedStatus] = Field(default=[NeedStatus.open])


class ResultQuery(Page):
    industry: Industry | None = None
    region: Region | None = None
    country: Country | None = None
    lang: Lang | None = None
    maturity: Maturity | None = None
    cooperation: Cooperation | None = None
    organization_id: DbId | None = None
    status: list[ResultStatus] = Field(default=[ResultStatus.open])
