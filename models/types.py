"""Constrained field types shared by the tables and the API schemas."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from matcher.text import half_width


def clean_text(value: Any) -> Any:
    """Strip white space, fold full-width letters and digits, refuse text a database
    cannot store (NUL, lone surrogates)."""
    if not isinstance(value, str):
        return value
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from exc
    return half_width(value).strip()


def _text(min_length: int, max_length: int) -> Any:
    return Annotated[
        str,
        BeforeValidator(clean_text),
        StringConstraints(min_length=min_length, max_length=max_length),
    ]


Title = _text(1, 200)
Name = _text(1, 200)
LongText = _text(1, 5000)
ShortText = _text(0, 2000)
Line = _text(0, 300)
Keyword = _text(1, 60)
Code = Annotated[
    str,
    BeforeValidator(clean_text),
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
]
Country = Annotated[str, BeforeValidator(clean_text), StringConstraints(pattern=r"^[A-Z]{2}$")]
Email = Annotated[
    str,
    BeforeValidator(clean_text),
    StringConstraints(max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
# Money in 万元 (10,000 CNY); None means open / 面议.
Wan = Annotated[float, Field(ge=0, le=10_000_000, allow_inf_nan=False)]
Trl = Annotated[int, Field(ge=1, le=9)]
# Ids fit a PostgreSQL integer column.
DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


# Timestamps are stored as naive UTC; answers carry the zone (RFC 3339).
UtcDateTime = Annotated[dt.datetime, AfterValidator(_as_utc)]
