"""The review workflow: suggestions from the matcher, staff transitions along the state
machine, the parties' responses, the history of every change, and the review queue."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from matcher.rank import REGION_GROUPS
from models.listings import Organization, ResearchResult, TechNeed, utcnow
from models.matches import MatchQuery
from models.matching import DEFAULT_SUGGESTION_MIN_SCORE, MatchingState, SuggestionSettings
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
    Side,
    TransitionRequest,
)
from models.users import Role, User
from techmatch.services import access
from techmatch.services.access import Viewer
from techmatch.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from techmatch.services.matching import (
    MatchingService,
    changes_between,
    need_ids_for_result,
    private_explanation,
    results_for_need,
    row_values,
)

log = logging.getLogger(__name__)

SUGGESTIONS_PER_NEED = 20
# After a result changed, the needs it fits best (this many) are ranked again for their
# suggestions: a result enters a need's top 20 only if it scores well against that need.
NEEDS_PER_CHANGED_RESULT = 100


class InvalidTransition(Conflict):
    """A move the state machine does not allow (HTTP 409)."""


def get(match_id: int, *, session: Session, viewer: Viewer) -> Match:
    """The match, if ``viewer`` may see it: staff see every match; an organization's users
    see the matches of its listings once they are recommended. To anyone else the match
    does not exist."""
    match = session.get(Match, match_id)
    if match is None or not visible(match, viewer, session=session):
        raise NotFound(f"match {match_id} not found")
    return match


def _party_side(match: Match, viewer: Viewer, *, session: Session) -> Side | None:
    """Which side of the match ``viewer``'s organization is on, if any."""
    if viewer is None or viewer.organization_id is None:
        return None
    need = session.get(TechNeed, match.need_id)
    if need is not None and need.organization_id == viewer.organization_id:
        return Side.need
    result = session.get(ResearchResult, match.result_id)
    if result is not None and result.organization_id == viewer.organization_id:
        return Side.result
    return None


def visible(match: Match, viewer: Viewer, *, session: Session) -> bool:
    if viewer is not None and viewer.is_staff:
        return True
    if match.recommended_at is None:
        return False
    return _party_side(match, viewer, session=session) is not None


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
    min_score: float | None = None,
    per_need: int = SUGGESTIONS_PER_NEED,
    need_ids: Collection[int] | None = None,
) -> dict[str, int]:
    """Keep a suggested match for the top results of every open need (or of the open ones
    of ``need_ids``) that score at least ``min_score`` (default: the threshold staff set).
    New pairs become ``suggested``; a still-unreviewed suggestion gets the new score; a
    reviewed match is never touched, and no pair is ever stored twice."""
    if min_score is None:
        min_score = suggestion_settings(session=session).min_score
    counts = {"created": 0, "updated": 0}
    open_needs = select(TechNeed.id).where(TechNeed.status == "open").order_by(TechNeed.id)
    if need_ids is not None:
        open_needs = open_needs.where(TechNeed.id.in_(need_ids))  # type: ignore[attr-defined]
    needs = session.exec(open_needs).all()
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


def suggestions_after_change(
    service: MatchingService, since: int, version: int, *, session: Session
) -> dict[str, int]:
    """Suggestions after the listings moved from version ``since`` to ``version``: only the
    needs that changed and the needs the changed results fit best are ranked again, so the
    work follows the changes, not the number of needs. With no record of what changed
    (``since`` 0, or forgotten), every open need is."""
    changed = changes_between(session, since, version) if since > 0 else None
    if changed is None:
        return refresh_suggestions(service, session=session)
    needs, results = changed
    affected = set(needs)
    fits = MatchQuery(limit=NEEDS_PER_CHANGED_RESULT)
    for result_id in sorted(results):
        try:
            affected.update(need_ids_for_result(service, result_id, fits, session=session))
        except NotFound:  # removed since
            continue
    if not affected:
        return {"created": 0, "updated": 0}
    return refresh_suggestions(service, session=session, need_ids=affected)


def claim_suggestions(version: int, *, session: Session) -> int | None:
    """Take on storing the suggestions of listings ``version``. Exactly one of the processes
    that ask gets the version whose suggestions were stored before (compare-and-set), and
    refreshes what changed since; the others get None, so the work is not repeated in every
    worker."""
    while True:
        previous = session.exec(
            select(MatchingState.suggestions_version).where(MatchingState.id == 1)
        ).one_or_none()
        if previous is None or previous >= version:
            return None
        claimed = session.exec(  # type: ignore[call-overload]
            update(MatchingState)
            .where(MatchingState.id == 1, MatchingState.suggestions_version == previous)
            .values(suggestions_version=version)
        )
        session.commit()
        if claimed.rowcount == 1:
            return int(previous)


def suggestion_settings(*, session: Session) -> SuggestionSettings:
    state = session.get(MatchingState, 1)
    value = state.suggestion_min_score if state else DEFAULT_SUGGESTION_MIN_SCORE
    return SuggestionSettings(min_score=value)


def set_suggestion_settings(
    settings: SuggestionSettings, *, session: Session, actor: User
) -> SuggestionSettings:
    """Staff set the score a pair needs to become a suggestion (from the next refresh on;
    suggestions already stored stay). The next refresh after a change of listings covers
    every open need, not only the needs the change touched."""
    access.require_staff(actor)
    state = session.get(MatchingState, 1) or MatchingState(id=1)
    if state.suggestion_min_score != settings.min_score:
        state.suggestions_version = 0
    state.suggestion_min_score = settings.min_score
    session.add(state)
    session.commit()
    log.info("%s set the suggestion threshold to %.3f", actor.username, settings.min_score)
    return suggestion_settings(session=session)


def create(request: ManualMatchRequest, *, session: Session, actor: User) -> Match:
    """A pair the matcher missed (staff), or an institute's interest in a need (an
    institute user, for one of its organization's results)."""
    if actor.is_staff:
        origin = MatchOrigin.staff
    elif actor.role == Role.institute:
        origin = MatchOrigin.institute
    else:
        raise Forbidden("staff add matches; an institute may say its result fits a need")
    need = session.get(TechNeed, request.need_id)
    if need is None:
        raise InvalidInput.field("need_id", f"need {request.need_id} does not exist")
    result = session.get(ResearchResult, request.result_id)
    if result is None:
        raise InvalidInput.field("result_id", f"result {request.result_id} does not exist")
    if origin == MatchOrigin.institute and result.organization_id != actor.organization_id:
        raise Forbidden(f"result {result.id} belongs to another organization")
    taken = session.exec(
        select(Match.id).where(Match.need_id == need.id, Match.result_id == result.id)
    ).first()
    if taken is not None:
        raise Conflict(f"need {need.id} and result {result.id} are already match {taken}")
    match = Match(need_id=need.id, result_id=result.id, origin=origin)
    session.add(match)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"need {need.id} and result {result.id} are already matched") from exc
    session.add(
        _event(
            match,
            actor=actor.username,
            from_status=None,
            note=request.note,
            data={"origin": str(origin)},
        )
    )
    session.commit()
    session.refresh(match)
    return match


# --------------------------------------------------------------------------- transitions


def allowed(status: str, viewer: Viewer = None) -> list[MatchStatus]:
    """The moves ``viewer`` may make: staff any the machine allows; a party only withdraw."""
    moves = TRANSITIONS[MatchStatus(status)]
    if viewer is None:
        return []
    if viewer.is_staff:
        return list(moves)
    return [m for m in moves if m == MatchStatus.withdrawn]


def transition(
    match_id: int, request: TransitionRequest, *, session: Session, actor: User
) -> Match:
    match = get(match_id, session=session, viewer=actor)
    current = MatchStatus(match.status)
    target = request.to
    if not actor.is_staff and target != MatchStatus.withdrawn:
        raise Forbidden("staff move matches along; a party may only withdraw")
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
    if target == MatchStatus.recommended:
        values["recommended_at"] = values["status_changed_at"]
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
            actor=actor.username,
            from_status=current,
            to_status=target,
            note=request.note,
            data=data or None,
        )
    )
    session.commit()
    session.expire_all()
    return get(match_id, session=session, viewer=actor)


def respond(match_id: int, request: ResponseRequest, *, session: Session, actor: User) -> Match:
    """A party says whether it is interested in a recommended match (or staff record a
    party's answer given by phone or in a meeting)."""
    match = get(match_id, session=session, viewer=actor)
    side = request.side
    if not actor.is_staff:
        own = _party_side(match, actor, session=session)
        if side is not None and side != own:
            raise Forbidden(f"you answer for the {own} side of this match, not the {side} side")
        side = own
    if side is None:
        raise InvalidInput.field("side", "say which side answers: need or result")
    if match.status != MatchStatus.recommended:
        raise InvalidTransition(
            f"match {match_id} is {match.status}; parties respond once it is recommended"
        )
    if request.response == PartyResponse.declined and request.reason is None:
        raise InvalidInput.field("reason", "declining needs a reason code")
    setattr(match, f"{side}_response", request.response)
    setattr(match, f"{side}_response_reason", request.reason)
    match.updated_at = utcnow()
    session.add(match)
    session.add(
        _event(
            match,
            actor=actor.username,
            from_status=match.status,
            note=request.note,
            data={
                "side": str(side),
                "response": str(request.response),
                "reason": str(request.reason) if request.reason else None,
            },
        )
    )
    session.commit()
    session.refresh(match)
    return match


def history(match_id: int, *, session: Session, viewer: Viewer) -> Sequence[ReviewEvent]:
    get(match_id, session=session, viewer=viewer)
    return session.exec(
        select(ReviewEvent).where(ReviewEvent.match_id == match_id).order_by(ReviewEvent.id)
    ).all()


# --------------------------------------------------------------------------- queue


def queue(
    query: MatchQueueQuery, *, session: Session, viewer: Viewer
) -> tuple[list[dict[str, Any]], int]:
    """Staff see every match; an organization's users the recommended matches of its own
    listings."""
    user = access.require_login(viewer)
    conditions: list[Any] = [Match.status.in_([str(s) for s in query.status])]  # type: ignore[attr-defined]
    if not user.is_staff:
        conditions += [
            Match.recommended_at.is_not(None),  # type: ignore[union-attr]
            or_(
                TechNeed.organization_id == user.organization_id,
                ResearchResult.organization_id == user.organization_id,
            ),
        ]
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
        select(Match, TechNeed, ResearchResult)
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
    orgs = _organizations({x.organization_id for _, n, r in rows for x in (n, r)}, session=session)
    return [public(m, n, r, viewer=user, organizations=orgs) for m, n, r in rows], total


def _organizations(ids: set[int | None], *, session: Session) -> dict[int, Organization]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.exec(select(Organization).where(Organization.id.in_(wanted)))  # type: ignore[union-attr]
    return {o.id: o for o in rows if o.id is not None}


def _contact(org: Organization | None) -> dict[str, Any] | None:
    if org is None:
        return None
    return {
        "organization_id": org.id,
        "organization": org.name,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "contact_email": org.contact_email,
    }


def public(
    match: Match,
    need: TechNeed,
    result: ResearchResult,
    *,
    viewer: Viewer,
    organizations: dict[int, Organization],
) -> dict[str, Any]:
    """The match as ``viewer`` (who may see it) sees it; ``organizations`` hold at least
    the two sides' owners."""
    data = row_values(match)
    if (
        data["explanation"]
        and need.confidential
        and not access.insider(viewer, need.organization_id)
    ):
        data["explanation"] = private_explanation(data["explanation"])
    # Contacts: for staff always; for the parties once staff have recommended the match.
    shown = access.is_staff(viewer) or match.recommended_at is not None
    data |= {
        # For the pages, which side a party is on (the API's schema leaves these out).
        "need_organization_id": need.organization_id,
        "result_organization_id": result.organization_id,
        "need_title": need.title,
        "result_title": result.title,
        "allowed": allowed(match.status, viewer),
        "need_contact": _contact(organizations.get(need.organization_id or 0)) if shown else None,
        "result_contact": _contact(organizations.get(result.organization_id or 0))
        if shown
        else None,
    }
    return data


def public_one(match: Match, *, session: Session, viewer: Viewer) -> dict[str, Any]:
    need = session.get(TechNeed, match.need_id)
    result = session.get(ResearchResult, match.result_id)
    assert need is not None and result is not None
    orgs = _organizations({need.organization_id, result.organization_id}, session=session)
    return public(match, need, result, viewer=viewer, organizations=orgs)


__all__ = [
    "InvalidTransition",
    "create",
    "history",
    "queue",
    "refresh_suggestions",
    "suggestions_after_change",
    "respond",
    "transition",
]
