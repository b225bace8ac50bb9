"""The zones' figures, as JSON or CSV."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, model_validator

from techmatch.api.deps import SessionDep
from techmatch.services import stats

router = APIRouter(tags=["stats"])


class StatsFormat(StrEnum):
    json = "json"
    csv = "csv"


class StatsQuery(BaseModel):
    start: dt.date | None = Field(
        default=None, alias="from", description="first day (default: a year ago)"
    )
    end: dt.date | None = Field(default=None, alias="to", description="last day (default: today)")
    format: StatsFormat = StatsFormat.json

    @model_validator(mode="after")
    def _ordered(self) -> StatsQuery:
        if self.start and self.end and self.start > self.end:
            raise ValueError("from must not be after to")
        return self


class StatsRow(BaseModel):
    dimension: str  # total | zone | region
    key: str
    label: str
    needs: int
    results: int
    suggestions: int
    shortlisted: int
    recommended: int
    connected: int
    contracts: int
    contract_value_wan: float
    median_days_to_contract: float | None
    rejections: dict[str, int]


class StatsPublic(BaseModel):
    start: dt.date = Field(serialization_alias="from")
    end: dt.date = Field(serialization_alias="to")
    rows: list[StatsRow]


@router.get(
    "/stats",
    response_model=StatsPublic,
    response_model_by_alias=True,
    responses={200: {"content": {"text/csv": {}}}},
    summary="Figures per zone and per source region for the zones' assessment",
)
def zone_figures(query: Annotated[StatsQuery, Query()], session: SessionDep) -> Any:
    end = query.end or dt.date.today()
    start = query.start or dt.date.fromordinal(max(1, end.toordinal() - 365))
    rows = stats.figures(session=session, start=start, end=end)
    if query.format == StatsFormat.csv:
        return Response(stats.as_csv(rows), media_type="text/csv; charset=utf-8")
    return {"start": start, "end": end, "rows": rows}
