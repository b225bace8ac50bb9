"""API schemas of ranked matches and their explanations."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, StringConstraints
from sqlmodel import Field, SQLModel

from models.codes import Cooperation, Industry, Lang, Maturity, Region, Zone
from models.types import Country, Keyword, Wan, clean_text


class RegionGroup(StrEnum):
    """京津 = Beijing + Tianjin; hebei includes the two zones; cee = Central & Eastern Europe."""

    jingjin = "jingjin"
    hebei = "hebei"
    cee = "cee"


class MatchQuery(SQLModel):
    limit: int = Field(default=20, ge=1, le=100)
    region_group: list[RegionGroup] = Field(default_factory=list)
    country: list[Country] = Field(default_factory=list, max_length=30)
    min_maturity: Maturity | None = None
    min_trl: int | None = Field(default=None, ge=1, le=9)
    compatible_cooperation: bool = Field(
        default=False, description="only listings accepting a cooperation mode the query accepts"
    )
    within_budget: bool = Field(
        default=False, description="asking price within the need's budget (unknown passes)"
    )
    include_closed: bool = Field(default=False, description="also closed or expired listings")


AdHocText = Annotated[
    str, BeforeValidator(clean_text), StringConstraints(min_length=1, max_length=5000)
]


class MatchTarget(StrEnum):
    results = "results"
    needs = "needs"


class AdHocMatchRequest(SQLModel):
    """Text being drafted (a need, usually), ranked against what already exists."""

    target: MatchTarget = MatchTarget.results
    title: Annotated[str, BeforeValidator(clean_text), StringConstraints(max_length=200)] = ""
    text: AdHocText
    keywords: list[Keyword] = Field(default_factory=list, max_length=20)
    lang: Lang = Lang.zh
    cooperation: list[Cooperation] = Field(default_factory=list, max_length=6)
    budget_wan: Wan | None = None
    filters: MatchQuery = Field(default_factory=MatchQuery)


class ContributionPublic(SQLModel):
    channel: str  # word | concept | char
    term: str
    label: str
    score: float
    query_forms: list[str] = Field(default_factory=list)
    listing_forms: list[str] = Field(default_factory=list)
    bridge: bool = False


class FieldCheckPublic(SQLModel):
    field: str
    status: str  # agree | clash | caution | unknown
    detail: str


class ExplanationPublic(SQLModel):
    channels: dict[str, float]
    terms: list[ContributionPublic]
    fields: list[FieldCheckPublic]


class ResultSummary(SQLModel):
    id: int
    code: str
    title: str
    institution: str | None
    region: Region
    country: str
    lang: Lang
    maturity: Maturity
    trl: int | None
    keywords: list[str]
    cooperation: list[Cooperation]
    asking_price_wan: float | None


class NeedSummary(SQLModel):
    """No description: a confidential need shows only this much to outsiders."""

    id: int
    code: str
    title: str
    organization_id: int | None
    industry: Industry
    zone: Zone
    cooperation: list[Cooperation]
    budget_wan: float | None
    confidential: bool


class MatchedResult(SQLModel):
    rank: int
    score: float
    percentile: float
    result: ResultSummary
    explanation: ExplanationPublic


class MatchedNeed(SQLModel):
    rank: int
    score: float
    percentile: float
    need: NeedSummary
    explanation: ExplanationPublic


class ResultMatchesPublic(SQLModel):
    items: list[MatchedResult]
    candidates: int
    matcher_version: str
    index_version: int


class NeedMatchesPublic(SQLModel):
    items: list[MatchedNeed]
    candidates: int
    matcher_version: str
    index_version: int
