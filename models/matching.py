"""What the matching service keeps in the database: each listing's kept tokens and the
version counter that tells every process the listings changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlmodel import Field, SQLModel

from models.listings import utcnow


class ListingTokens(SQLModel, table=True):
    """A listing's analysed form (channels of weighted terms, concept surface forms), so an
    index can be rebuilt without tokenising again. Deleted whenever the listing changes."""

    __tablename__ = "listing_tokens"

    kind: str = Field(sa_type=String(16), primary_key=True)  # need | result
    listing_id: int = Field(primary_key=True)
    matcher_version: str = Field(sa_type=String(32))
    data: dict[str, Any] = Field(sa_type=JSON)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime)


class ListingChange(SQLModel, table=True):
    """One row per change to a need or a result, under the listings version it produced, so a
    process can tell which listings moved since the version its index holds."""

    __tablename__ = "listing_change"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str = Field(sa_type=String(16))  # need | result
    listing_id: int
    changed_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime, index=True)


DEFAULT_SUGGESTION_MIN_SCORE = 0.05


class MatchingState(SQLModel, table=True):
    """One row: ``version`` grows with every change to needs or results; staff set the score
    a pair needs to become a suggestion."""

    __tablename__ = "matching_state"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    suggestion_min_score: float = DEFAULT_SUGGESTION_MIN_SCORE
    # The listings version whose suggestions a process has taken on storing: with several
    # processes, only the first to claim a version refreshes the suggestions for it.
    suggestions_version: int = 0


class SuggestionSettings(SQLModel):
    """What staff tune about the matcher's suggestions (top 20 per open need)."""

    min_score: float = Field(ge=0, le=1)
