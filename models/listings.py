"""Organizations, technology needs and research results: tables and API schemas.

Each kind follows one pattern: ``XBase`` (fields a client writes), ``X`` (the table),
``XCreate``, ``XUpdate`` (every field optional) and ``XPublic`` (what the API returns).
"""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator
from sqlalchemy import JSON, Column, DateTime, String
from sqlmodel import Field, SQLModel

from models.codes import (
    Cooperation,
    Industry,
    IpStatus,
    Lang,
    Maturity,
    NeedStatus,
    OrganizationKind,
    OrganizationStatus,
    Region,
    ResultStatus,
    Stage,
    Zone,
    stage_for_trl,
    stage_row,
)
from models.types import (
    Code,
    Country,
    DbId,
    Email,
    Keyword,
    Line,
    LongText,
    Name,
    ShortText,
    Title,
    Trl,
    UtcDateTime,
    Wan,
)


def utcnow() -> dt.datetime:
    """Naive UTC, stored the same way on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _check_country(region: Region, country: str) -> None:
    if region == Region.cee and country == "CN":
        raise ValueError("country: a CEE listing needs its own country code (PL, CZ, HU, ...)")


def _code_column() -> Column:
    return Column(String(64), unique=True, index=True, nullable=False)


def _created() -> dt.datetime:
    return Field(default_factory=utcnow, sa_type=DateTime, nullable=False)


# --------------------------------------------------------------------------- organization


class OrganizationBase(SQLModel):
    name: Name = Field(sa_type=String(200))
    kind: OrganizationKind = Field(sa_type=String(32), index=True)
    region: Region = Field(sa_type=String(32), index=True)
    country: Country = Field(default="CN", sa_type=String(2), index=True)
    industries: list[Industry] = Field(default_factory=list, max_length=14, sa_type=JSON)
    park: Line | None = Field(default=None, sa_type=String(300))
    description: ShortText | None = Field(default=None, sa_type=String(2000))
    contact_name: Line | None = Field(default=None, sa_type=String(300))
    contact_phone: Line | None = Field(default=None, sa_type=String(300))
    contact_email: Email | None = Field(default=None, sa_type=String(200))
    website: Line | None = Field(default=None, sa_type=String(300))


class Organization(OrganizationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=_code_column())
    status: OrganizationStatus = Field(
        default=OrganizationStatus.active, sa_type=String(16), index=True
    )
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()


class OrganizationCreate(OrganizationBase):
    code: Code | None = None

    @model_validator(mode="after")
    def _country_agrees(self) -> OrganizationCreate:
        _check_country(self.region, self.country)
        return self


class OrganizationUpdate(SQLModel):
    code: Code | None = None
    name: Name | None = None
    kind: OrganizationKind | None = None
    region: Region | None = None
    country: Country | None = None
    industries: list[Industry] | None = Field(default=None, max_length=14)
    park: Line | None = None
    description: ShortText | None = None
    contact_name: Line | None = None
    contact_phone: Line | None = None
    contact_email: Email | None = None
    website: Line | None = None
    status: OrganizationStatus | None = None


class OrganizationPublic(OrganizationBase):
    id: int
    code: str
    status: OrganizationStatus
    created_at: UtcDateTime
    updated_at: UtcDateTime


class OrganizationsPublic(SQLModel):
    items: list[OrganizationPublic]
    total: int


# --------------------------------------------------------------------------- need


class NeedBase(SQLModel):
    organization_id: DbId | None = Field(
        default=None, foreign_key="organization.id", index=True, nullable=True
    )
    title: Title = Field(sa_type=String(200))
    description: LongText = Field(sa_type=String(5000))
    current_state: ShortText | None = Field(default=None, sa_type=String(2000))
    targets: ShortText | None = Field(default=None, sa_type=String(2000))
    industry: Industry = Field(sa_type=String(32), index=True)
    zone: Zone = Field(sa_type=String(32), index=True)
    cooperation: list[Cooperation] = Field(default_factory=list, max_length=6, sa_type=JSON)
    budget_wan: Wan | None = None
    deadline: dt.date | None = None
    confidential: bool = False
    lang: Lang = Field(default=Lang.zh, sa_type=String(2), index=True)
    status: NeedStatus = Field(default=NeedStatus.open, sa_type=String(16), index=True)
    valid_until: dt.date | None = None


class TechNeed(NeedBase, table=True):
    __tablename__ = "tech_need"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=_code_column())
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()


class NeedCreate(NeedBase):
    code: Code | None = None


class NeedUpdate(SQLModel):
    code: Code | None = None
    organization_id: DbId | None = None
    title: Title | None = None
    description: LongText | None = None
    current_state: ShortText | None = None
    targets: ShortText | None = None
    industry: Industry | None = None
    zone: Zone | None = None
    cooperation: list[Cooperation] | None = Field(default=None, max_length=6)
    budget_wan: Wan | None = None
    deadline: dt.date | None = None
    confidential: bool | None = None
    lang: Lang | None = None
    status: NeedStatus | None = None
    valid_until: dt.date | None = None


class NeedPublic(NeedBase):
    id: int
    code: str
    valid_until: dt.date | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class NeedsPublic(SQLModel):
    items: list[NeedPublic]
    total: int


# --------------------------------------------------------------------------- result


class ResultBase(SQLModel):
    organization_id: DbId | None = Field(
        default=None, foreign_key="organization.id", index=True, nullable=True
    )
    institution: Name | None = Field(default=None, sa_type=String(200))
    title: Title = Field(sa_type=String(200))
    abstract: LongText = Field(sa_type=String(5000))
    keywords: list[Keyword] = Field(default_factory=list, max_length=20, sa_type=JSON)
    industry: Industry | None = Field(default=None, sa_type=String(32), index=True)
    region: Region = Field(sa_type=String(32), index=True)
    country: Country = Field(default="CN", sa_type=String(2), index=True)
    lang: Lang = Field(default=Lang.zh, sa_type=String(2), index=True)
    maturity: Maturity | None = Field(default=None, sa_type=String(16), index=True)
    trl: Trl | None = None
    stage: Stage | None = Field(default=None, sa_type=String(16))
    ip: IpStatus | None = Field(default=None, sa_type=String(16))
    patent_no: Line | None = Field(default=None, sa_type=String(300))
    advantages: ShortText | None = Field(default=None, sa_type=String(2000))
    applications: ShortText | None = Field(default=None, sa_type=String(2000))
    asking_price_wan: Wan | None = None
    cooperation: list[Cooperation] = Field(default_factory=list, max_length=6, sa_type=JSON)
    status: ResultStatus = Field(default=ResultStatus.open, sa_type=String(16), index=True)
    valid_until: dt.date | None = None


class ResearchResult(ResultBase, table=True):
    __tablename__ = "research_result"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=_code_column())
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()


class ResultCreate(ResultBase):
    code: Code | None = None

    @model_validator(mode="after")
    def _maturity_agrees(self) -> ResultCreate:
        """Fill maturity / stage from each other and TRL, refusing contradictions."""
        if self.stage is not None:
            row = stage_row(self.stage)
            if self.trl is not None and not row.trl_min <= self.trl <= row.trl_max:
                raise ValueError(
                    f"trl {self.trl} contradicts stage '{self.stage}' "
                    f"({row.label} = TRL {row.trl_min}-{row.trl_max})"
                )
        elif self.trl is not None:
            row = stage_for_trl(self.trl)
            self.stage = row.stage
        else:
            row = None
        if row is not None:
            if self.maturity is None:
                self.maturity = row.maturity
            elif self.maturity != row.maturity:
                raise ValueError(
                    f"maturity '{self.maturity}' contradicts stage '{row.stage}' "
                    f"({row.label} = {row.maturity})"
                )
        if self.maturity is None:
            raise ValueError("maturity is required (or give stage or trl)")
        _check_country(self.region, self.country)
        return self


class ResultUpdate(SQLModel):
    code: Code | None = None
    organization_id: DbId | None = None
    institution: Name | None = None
    title: Title | None = None
    abstract: LongText | None = None
    keywords: list[Keyword] | None = Field(default=None, max_length=20)
    industry: Industry | None = None
    region: Region | None = None
    country: Country | None = None
    lang: Lang | None = None
    maturity: Maturity | None = None
    trl: Trl | None = None
    stage: Stage | None = None
    ip: IpStatus | None = None
    patent_no: Line | None = None
    advantages: ShortText | None = None
    applications: ShortText | None = None
    asking_price_wan: Wan | None = None
    cooperation: list[Cooperation] | None = Field(default=None, max_length=6)
    status: ResultStatus | None = None
    valid_until: dt.date | None = None


class ResultPublic(ResultBase):
    id: int
    code: str
    maturity: Maturity
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ResultsPublic(SQLModel):
    items: list[ResultPublic]
    total: int


class RenewRequest(SQLModel):
    """Extend a listing's validity; without a date, one year from today."""

    valid_until: dt.date | None = None
