"""Figures for the zones' assessment (考核评价): listings, suggestions, how far matches got,
contracts and their value, time to contract, and why matches were rejected — per zone (of the
need) and per source region group (of the result)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import defaultdict
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from matcher.rank import REGION_GROUPS
from models.codes import REGION_LABELS, Region, Zone
from models.listings import ResearchResult, TechNeed
from models.review import Match, MatchStatus, RejectReason, ReviewEvent

GROUP_LABELS = {"jingjin": "京津", "hebei": "河北", "cee": "中东欧"}
STAGES = ("shortlisted", "recommended", "connected", "contracted")


def _group_of(region: str) -> str | None:
    for group, regions in REGION_GROUPS.items():
        if region in regions:
            return group
    return None


def _empty_row(dimension: str, key: str, label: str) -> dict[str, Any]:
    return {
        "dimension": dimension,
        "key": key,
        "label": label,
        "needs": 0,
        "results": 0,
        "suggestions": 0,
        "shortlisted": 0,
        "recommended": 0,
        "connected": 0,
        "contracts": 0,
        "contract_value_wan": 0.0,
        "median_days_to_contract": None,
        "rejections": {r.value: 0 for r in RejectReason},
    }


def figures(*, session: Session, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Rows for the total, each zone and each source region group, counting what happened
    between ``start`` and ``end`` (inclusive)."""
    lo = dt.datetime.combine(start, dt.time.min)
    hi = dt.datetime.combine(end, dt.time.max)
    rows: dict[tuple[str, str], dict[str, Any]] = {
        ("total", "all"): _empty_row("total", "all", "合计")
    }
    for zone in Zone:
        rows[("zone", zone.value)] = _empty_row(
            "zone", zone.value, REGION_LABELS[Region(zone.value)]
        )
    for group, label in GROUP_LABELS.items():
        rows[("region", group)] = _empty_row("region", group, label)

    def bump(zone: str | None, group: str | None, field: str, amount: float = 1) -> None:
        for key in (("total", "all"), ("zone", zone or ""), ("region", group or "")):
            if key in rows:
                rows[key][field] += amount

    for zone, n in session.exec(
        select(TechNeed.zone, func.count())
        .where(TechNeed.created_at >= lo, TechNeed.created_at <= hi)
        .group_by(TechNeed.zone)
    ):
        bump(zone, None, "needs", n)
    for region, n in session.exec(
        select(ResearchResult.region, func.count())
        .where(ResearchResult.created_at >= lo, ResearchResult.created_at <= hi)
        .group_by(ResearchResult.region)
    ):
        bump(None, _group_of(region), "results", n)

    # Events of the period, counted in the database by where their match's need and result
    # are from and by what the event did: no match is read into memory but contracts.
    moved = ReviewEvent.from_status.is_distinct_from(ReviewEvent.to_status)  # type: ignore[union-attr]
    in_period = (ReviewEvent.at >= lo, ReviewEvent.at <= hi, moved)  # type: ignore[operator]
    first = ReviewEvent.from_status.is_(None)  # type: ignore[union-attr]
    for zone, region, created, to_status, reason, n, value in session.exec(
        _joined(
            select(
                TechNeed.zone,
                ResearchResult.region,
                first,
                ReviewEvent.to_status,
                Match.reject_reason,
                func.count(),
                func.sum(Match.contract_value_wan),
            )
        )
        .where(*in_period)
        .group_by(
            TechNeed.zone, ResearchResult.region, first, ReviewEvent.to_status, Match.reject_reason
        )
    ):
        group = _group_of(region)
        if created:
            bump(zone, group, "suggestions", n)
        elif to_status in STAGES:
            contracted = to_status == MatchStatus.contracted
            bump(zone, group, "contracts" if contracted else to_status, n)
            if contracted:
                bump(zone, group, "contract_value_wan", value or 0.0)
        elif to_status == MatchStatus.rejected and reason:
            for key in (("total", "all"), ("zone", zone), ("region", group or "")):
                if key in rows:
                    rows[key]["rejections"][reason] += n
    days: dict[tuple[str, str], list[float]] = defaultdict(list)
    for zone, region, at, created_at in session.exec(
        _joined(
            select(TechNeed.zone, ResearchResult.region, ReviewEvent.at, Match.created_at)
        ).where(*in_period, ReviewEvent.to_status == MatchStatus.contracted)
    ):
        took = (at - created_at).total_seconds() / 86400
        for key in (("total", "all"), ("zone", zone), ("region", _group_of(region) or "")):
            days[key].append(took)
    for key, values in days.items():
        if key in rows:
            rows[key]["median_days_to_contract"] = round(statistics.median(values), 1)
    return list(rows.values())


def _joined(query: Any) -> Any:
    """``query`` over review events joined to their match, its need and its result."""
    return (
        query.select_from(ReviewEvent)
        .join(Match, Match.id == ReviewEvent.match_id)  # type: ignore[arg-type]
        .join(TechNeed, TechNeed.id == Match.need_id)  # type: ignore[arg-type]
        .join(ResearchResult, ResearchResult.id == Match.result_id)  # type: ignore[arg-type]
    )


def as_csv(rows: list[dict[str, Any]]) -> str:
    reasons = [r.value for r in RejectReason]
    fields = [k for k in rows[0] if k != "rejections"] + [f"rejected_{r}" for r in reasons]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        flat = {k: v for k, v in row.items() if k != "rejections"}
        flat |= {f"rejected_{r}": row["rejections"][r] for r in reasons}
        writer.writerow(flat)
    return out.getvalue()


def contracts_by_month(*, session: Session, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Contracts signed per month (by the day staff recorded them), with their value;
    every month from ``start`` to ``end`` appears, with zeros where nothing was signed."""
    lo = dt.datetime.combine(start, dt.time.min)
    hi = dt.datetime.combine(end, dt.time.max)
    months: dict[str, dict[str, Any]] = {}
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        key = f"{year:04d}-{month:02d}"
        months[key] = {"month": key, "contracts": 0, "value_wan": 0.0}
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for at, value in session.exec(
        select(ReviewEvent.at, Match.contract_value_wan)
        .join(Match, Match.id == ReviewEvent.match_id)  # type: ignore[arg-type]
        .where(
            ReviewEvent.to_status == MatchStatus.contracted,
            ReviewEvent.from_status != MatchStatus.contracted,
            ReviewEvent.at >= lo,
            ReviewEvent.at <= hi,
        )
    ):
        row = months.get(f"{at.year:04d}-{at.month:02d}")
        if row is not None:
            row["contracts"] += 1
            row["value_wan"] += value or 0.0
    return list(months.values())
