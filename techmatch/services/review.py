"""The review workflow: suggestions from the matcher, staff transitions along the state
machine, the parties' responses, the history of every change, and the review queue."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from matcher.rank import REGION_GROUPS
from models.listings import ResearchResult, TechNeed, utcnow
from models.matches import MatchQuery
from models.review import (
    TRANSITIONS,
    ManualMatchRequest,
    Match,
    MatchOrigin,
    MatchQueueQuery,
    MatchStatus,
    PartyResponse,
    QueueSort,
    ResponseRequest,
    ReviewEvent,
    TransitionRequest,
)
from techmatch.services.errors import Conflict, InvalidInput, NotFound
from techmatch.services.matching import MatchingService, results_for_need

log = logging.getLogger(__name__)

SUGGESTIONS_PER_NEED = 20
DEFAULT_MIN_SCORE = 0.05


class InvalidTransition(Conflict):
    """A move the state machine does not allow (HTTP 409)."""


def get(match_id: int, *, session: Session) -> Match:
    match = session.get(Match, match_id)
    if match is None:
        raise NotFound(f"match {match_id} not found")
    return match


def _event(
    match: Match,
    *,
    actor: str,
    from_status: str | None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> ReviewEvent:
    assert match.id is not None
    return ReviewEvent(
        match_id=match.id,
        actor=actor,
        from_status=from_status,
        to_status=match.status,
        note=note,
        data=data,
    )


# --------------------------------------------------------------------------- suggestions


def refresh_suggestions(
    service: MatchingService,
    *,
    session: Session,
    min_score: float = DEFAULT_MIN_SCORE,
    per_need: int = SUGGESTIONS_PER_NEED,
) -> dict[str, int]:
    """Keep a suggested match for the top results of every open need. New pairs become
    ``suggested``; a still-unreviewed suggestion gets the new score; a reviewed match is never
    touched, and no pair is ever stored twice."""
    counts = {"created": 0, "updated": 0}
    needs = session.exec(select(TechNeed.id).where(TechNeed.status == "open")).all()
    for need_id in needs:
        answer = results_for_need(service, need_id, MatchQuery(limit=per_need), session=session)
        items = [i for i in answer["items"] if i["score"] >= min_score]
        existing = {
            m.result_id: m for m in session.exec(select(Match).where(Match.need_id == need_id))
        }
        for item in items:
            result_id = item["result"].id
            match = existing.get(result_id)
            fields = {
                "score": item["score"],
                "percentile": item["percentile"],
                "rank": item["rank"],
                "explanation": item["explanation"],
                "matcher_version": answer["matcher_version"],
            }
            if match is None:
                match = Match(need_id=need_id, result_id=result_id, **fields)
                session.add(match)
                session.flush()
                session.add(_event(match, actor="matcher", from_status=None))
                counts["created"] += 1
            elif match.status == MatchStatus.suggested and match.origin == MatchOrigin.matcher:
                for key, value in fields.items():
                    setattr(match, key, value)
                match.updated_at = utcnow()
                counts["updated"] += 1
        try:
            session.commit()
        except IntegrityError:  # another process stored the same pair meanwhile
            session.rollback()
    return counts


def create(request: ManualMatchRequest, *, session: Session) -> Match:
    """A pair the matcher missed (staff), or an institute's interest in a need."""
    need = session.get(TechNeed, request.need_id)
    if need is None:
        raise InvalidInput.field("need_id", f"need {request.need_id} does not exist")
    result = session.get(ResearchResult, request.result_id)
    if result is None:
        raise InvalidInput.field("result_id", f"result {request.result_id} does not exist")
    taken = session.exec(
        select(Match.id).where(Match.need_id == need.id, Match.result_id == result.id)
    ).first()
    if taken is not None:
        raise Conflict(f"need {need.id} and result {result.id} are already match {taken}")
    match = Match(need_id=need.id, result_id=result.id, origin=request.origin)
    session.add(match)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"need {need.id} and result {result.id} are already matched") from exc
    session.add(
        _event(
            match,
            actor=request.actor,
            from_status=None,
            note=request.note,
            data={"origin": str(request.origin)},
        )
    )
    session.commit()
    session.refresh(match)
    return match


# --------------------------------------------------------------------------- transitions


def allowed(status: str) -> list[MatchStatus]:
    return list(TRANSITIONS[MatchStatus(status)])


def transition(match_id: int, request: TransitionRequest, *, session: Session) -> Match:
    match = get(match_id, session=session)
    current = MatchStatus(match.status)
    target = request.to
    if target not in TRANSITIONS[current]:
        options = ", ".join(TRANSITIONS[current]) or "none (the match is closed)"
        raise InvalidTransition(
            f"match {match_id} is {current}; it cannot move to {target}. Allowed: {options}"
        )
    values: dict[str, Any] = {
        "status": target,
        "updated_at": utcnow(),
        "status_changed_at": utcnow(),
    }
    data: dict[str, Any] = {}
    if target == MatchStatus.rejected:
        if request.reason is None:
            raise InvalidInput.field("reason", "a rejection needs a reason code")
        values |= {"reject_reason": request.reason, "reject_note": request.note}
        data["reason"] = str(request.reason)
    if target == MatchStatus.contracted:
        missing = [
            f
            for f in ("contract_type", "contract_value_wan", "contract_signed_on")
            if getattr(request, f) is None
        ]
        if missing:
            raise InvalidInput(
                [
                    {"loc": [f], "msg": "required to record a contract", "type": "missing"}
                    for f in missing
                ]
            )
        contract = {
            "contract_type": request.contract_type,
            "contract_value_wan": request.contract_value_wan,
            "contract_signed_on": request.contract_signed_on,
            "contract_registered": bool(request.contract_registered),
        }
        values |= contract
        data |= {k: str(v) if k != "contract_value_wan" else v for k, v in contract.items()}
    # Compare-and-set: of two concurrent transitions from the same state only one wins.
    moved = session.exec(  # type: ignore[call-overload]
        update(Match).where(Match.id == match_id, Match.status == current).values(**values)
    )
    if moved.rowcount != 1:
        session.rollback()
        raise InvalidTransition(f"match {match_id} changed meanwhile; reload and try again")
    session.add(
        ReviewEvent(
            match_id=match_id,
            actor=request.actor,
            from_status=current,
            to_status=target,
            note=request.note,
            data=data or None,
        )
    )
    session.commit()
    session.expire_all()
    return get(match_id, session=session)


def respond(match_id: int, request: ResponseRequest, *, session: Session) -> Match:
    """A party says whether it is interested in a recommended match."""
    match = get(match_id, session=session)
    if match.status != MatchStatus.recommended:
        raise InvalidTransition(
            f"match {match_id} is {match.status}; parties respond once it is recommended"
        )
    if request.response == PartyResponse.declined and request.reason is None:
        raise InvalidInput.field("reason", "declining needs a reason code")
    setattr(match, f"{request.side}_response", request.response)
    setattr(match, f"{request.side}_response_reason", request.reason)
    match.updated_at = utcnow()
    session.add(match)
    session.add(
        _event(
            match,
            actor=request.actor,
            from_status=match.status,
            note=request.note,
            data={
                "side": str(request.side),
                "response": str(request.response),
                "reason": str(request.reason) if request.reason else None,
            },
        )
    )
    session.commit()
    session.refresh(match)
    return match


def history(match_id: int, *, session: Session) -> Sequence[ReviewEvent]:
    get(match_id, session=session)
    return session.exec(
        select(ReviewEvent).where(ReviewEvent.match_id == match_id).order_by(ReviewEvent.id)
    ).all()


# --------------------------------------------------------------------------- queue


def queue(query: MatchQueueQuery, *, session: Session) -> tuple[list[dict[str, Any]], int]:
    conditions: list[Any] = [Match.status.in_([str(s) for s in query.status])]  # type: ignore[attr-defined]
    if query.need_id:
        conditions.append(Match.need_id == query.need_id)
    if query.result_id:
        conditions.append(Match.result_id == query.result_id)
    if query.min_score is not None:
        conditions.append(Match.score >= query.min_score)
    if query.max_score is not None:
        conditions.append(Match.score <= query.max_score)
    if query.since:
        conditions.append(func.date(Match.created_at) >= query.since)
    if query.until:
        conditions.append(func.date(Match.created_at) <= query.until)
    if query.zone:
        conditions.append(TechNeed.zone == str(query.zone))
    if query.industry:
        conditions.append(TechNeed.industry == str(query.industry))
    if query.region_group:
        conditions.append(ResearchResult.region.in_(REGION_GROUPS[str(query.region_group)]))  # type: ignore[attr-defined]
    base = (
        select(Match, TechNeed.title, ResearchResult.title, TechNeed.confidential)
        .join(TechNeed, TechNeed.id == Match.need_id)  # type: ignore[arg-type]
        .join(ResearchResult, ResearchResult.id == Match.result_id)  # type: ignore[arg-type]
        .where(and_(*conditions))
    )
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    if query.sort == QueueSort.score:
        order = (Match.score.desc().nulls_last(), Match.id)  # type: ignore[union-attr]
    else:
        order = (Match.status_changed_at, Match.id)  # type: ignore[assignment]
    rows = session.exec(base.order_by(*order).offset(query.offset).limit(query.limit)).all()
    items = [
        public(m, need_title, result_title, confidential=secret)
        for m, need_title, result_title, secret in rows
    ]
    return items, total


def public(
    match: Match,
    need_title: str | None = None,
    result_title: str | None = None,
    *,
    confidential: bool | None = None,
    session: Session | None = None,
) -> dict[str, Any]:
    if need_title is None or result_title is None or confidential is None:
        assert session is not None
        need = session.get(TechNeed, match.need_id)
        assert need is not None
        need_title, confidential = need.title, need.confidential
        result_title = session.get(ResearchResult, match.result_id).title  # type: ignore[union-attr]
    data = {c.name: getattr(match, c.name) for c in Match.__table__.columns}  # type: ignore[attr-defined]
    if confidential and data["explanation"]:  # the need's words stay private
        data["explanation"] = {**data["explanation"], "terms": [], "fields": []}
    data |= {
        "need_title": need_title,
        "result_title": result_title,
        "allowed": allowed(match.status),
    }
    return data


__all__ = [
    "InvalidTransition",
    "create",
    "history",
    "queue",
    "refresh_suggestions",
    "respond",
    "transition",
]
