"""Matches under review: the state machine of a suggested pair on its way to a contract, and
the events that record every step (never deleted)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.codes import Industry, Zone
from models.listings import utcnow
from models.matches import RegionGroup
from models.types import DbId, ShortText, UtcDateTime, Wan


class MatchStatus(StrEnum):
    suggested = "suggested"
    shortlisted = "shortlisted"
    recommended = "recommended"
    connected = "connected"  # 对接
    contracted = "contracted"  # 成交
    rejected = "rejected"
    withdrawn = "withdrawn"


OPEN_STATUSES = (
    MatchStatus.suggested,
    MatchStatus.shortlisted,
    MatchStatus.recommended,
    MatchStatus.connected,
)

# The review state machine: from → the states it may move to.
TRANSITIONS: dict[MatchStatus, tuple[MatchStatus, ...]] = {
    MatchStatus.suggested: (MatchStatus.shortlisted, MatchStatus.rejected, MatchStatus.withdrawn),
    MatchStatus.shortlisted: (MatchStatus.recommended, MatchStatus.rejected, MatchStatus.withdrawn),
    MatchStatus.recommended: (MatchStatus.connected, MatchStatus.rejected, MatchStatus.withdrawn),
    MatchStatus.connected: (MatchStatus.contracted, MatchStatus.rejected, MatchStatus.withdrawn),
    MatchStatus.contracted: (),
    MatchStatus.rejected: (),
    MatchStatus.withdrawn: (),
}

STATUS_LABELS = {
    MatchStatus.suggested: "系统推荐",
    MatchStatus.shortlisted: "初筛通过",
    MatchStatus.recommended: "已推荐",
    MatchStatus.connected: "已对接",
    MatchStatus.contracted: "已成交",
    MatchStatus.rejected: "未通过",
    MatchStatus.withdrawn: "已撤回",
}


class MatchOrigin(StrEnum):
    matcher = "matcher"
    staff = "staff"
    institute = "institute"  # an institute expressed interest in a need


class RejectReason(StrEnum):
    too_early = "too_early"  # 技术不够成熟
    benefit_unclear = "benefit_unclear"  # 效益不明确
    cost = "cost"  # 费用过高
    ip_unclear = "ip_unclear"  # 知识产权不清晰
    already_solved = "already_solved"  # 需求已解决
    not_relevant = "not_relevant"  # 不相关
    other = "other"


class ContractType(StrEnum):
    """民法典 §843 technology contracts."""

    development = "development"  # 技术开发
    transfer = "transfer"  # 技术转让
    license = "license"  # 技术许可
    consulting = "consulting"  # 技术咨询
    service = "service"  # 技术服务


class PartyResponse(StrEnum):
    interested = "interested"
    declined = "declined"


class Side(StrEnum):
    need = "need"
    result = "result"


class Match(SQLModel, table=True):
    __tablename__ = "match"
    __table_args__ = (UniqueConstraint("need_id", "result_id", name="uq_match_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="tech_need.id", index=True)
    result_id: int = Field(foreign_key="research_result.id", index=True)
    origin: str = Field(default=MatchOrigin.matcher, sa_type=String(16))
    status: str = Field(default=MatchStatus.suggested, sa_type=String(16), index=True)
    score: float | None = Field(default=None, index=True)
    percentile: float | None = None
    rank: int | None = None
    explanation: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    matcher_version: str | None = Field(default=None, sa_type=String(32))
    reject_reason: str | None = Field(default=None, sa_type=String(32))
    reject_note: str | None = Field(default=None, sa_type=String(2000))
    need_response: str | None = Field(default=None, sa_type=String(16))
    need_response_reason: str | None = Field(default=None, sa_type=String(32))
    result_response: str | None = Field(default=None, sa_type=String(16))
    result_response_reason: str | None = Field(default=None, sa_type=String(32))
    contract_type: str | None = Field(default=None, sa_type=String(16))
    contract_value_wan: float | None = None
    contract_signed_on: dt.date | None = None
    contract_registered: bool | None = None  # passed 技术合同认定登记
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime, index=True)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime)
    status_changed_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime)
    # When staff recommended it to both sides: from then on the parties see the match.
    recommended_at: dt.datetime | None = Field(default=None, sa_type=DateTime)


class ReviewEvent(SQLModel, table=True):
    """One change of a match; rows are only ever added."""

    __tablename__ = "review_event"

    id: int | None = Field(default=None, primary_key=True)
    match_id: int = Field(foreign_key="match.id", index=True)
    actor: str = Field(sa_type=String(100))
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))
    from_status: str | None = Field(default=None, sa_type=String(16))
    to_status: str = Field(sa_type=String(16))
    note: str | None = Field(default=None, sa_type=String(2000))
    data: dict[str, Any] | None = Field(default=None, sa_type=JSON)


# --------------------------------------------------------------------------- API schemas


class TransitionRequest(SQLModel):
    to: MatchStatus
    note: ShortText | None = None
    reason: RejectReason | None = Field(default=None, description="required when rejecting")
    contract_type: ContractType | None = Field(default=None, description="required to contract")
    contract_value_wan: Wan | None = None
    contract_signed_on: dt.date | None = None
    contract_registered: bool | None = None


class ResponseRequest(SQLModel):
    """A party's answer to a recommended match (staff recording it for a party name the
    side; a party's own side is known from its organization)."""

    response: PartyResponse
    side: Side | None = None
    reason: RejectReason | None = Field(default=None, description="required when declining")
    note: ShortText | None = None


class ManualMatchRequest(SQLModel):
    """Staff add a pair the matcher missed; an institute user says its result fits a need."""

    need_id: DbId
    result_id: DbId
    note: ShortText | None = None


class ContactPublic(SQLModel):
    organization_id: int
    organization: str
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None


class MatchPublic(SQLModel):
    id: int
    need_id: int
    result_id: int
    need_title: str
    result_title: str
    origin: MatchOrigin
    status: MatchStatus
    score: float | None
    percentile: float | None
    rank: int | None
    explanation: dict[str, Any] | None
    matcher_version: str | None
    reject_reason: RejectReason | None
    reject_note: str | None
    need_response: PartyResponse | None
    result_response: PartyResponse | None
    contract_type: ContractType | None
    contract_value_wan: float | None
    contract_signed_on: dt.date | None
    contract_registered: bool | None
    allowed: list[MatchStatus]
    recommended_at: UtcDateTime | None
    # Each side's contact: for staff, and for the parties once the match is recommended.
    need_contact: ContactPublic | None
    result_contact: ContactPublic | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class MatchesPublic(SQLModel):
    items: list[MatchPublic]
    total: int


class ReviewEventPublic(SQLModel):
    id: int
    actor: str
    at: UtcDateTime
    from_status: MatchStatus | None
    to_status: MatchStatus
    note: str | None
    data: dict[str, Any] | None


class MatchHistory(SQLModel):
    match_id: int
    events: list[ReviewEventPublic]


class QueueSort(StrEnum):
    score = "score"  # best first
    age = "age"  # waiting longest first


class MatchQueueQuery(SQLModel):
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000_000)
    status: list[MatchStatus] = Field(default_factory=lambda: list(OPEN_STATUSES))
    zone: Zone | None = None
    industry: Industry | None = None
    region_group: RegionGroup | None = None
    need_id: DbId | None = None
    result_id: DbId | None = None
    min_score: float | None = Field(default=None, ge=0, le=1)
    max_score: float | None = Field(default=None, ge=0, le=1)
    since: dt.date | None = None
    until: dt.date | None = None
    sort: QueueSort = QueueSort.score
