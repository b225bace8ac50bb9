"""The demo's review story: some suggested pairs taken by staff through the workflow over the
past months (dates relative to today), so the queue, the parties' pages and the zones'
figures show a service in use."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from models.listings import ResearchResult, TechNeed, utcnow
from models.review import TRANSITIONS, Match, MatchOrigin, MatchStatus, ReviewEvent
from techmatch.services.errors import InvalidInput
from techmatch.services.listings import NEEDS, RESULTS, get_by_code


def has_reviews(*, session: Session) -> bool:
    return (
        session.exec(select(ReviewEvent.id).where(ReviewEvent.actor != "matcher")).first()
        is not None
    )


def _pair(need_code: str, result_code: str, *, session: Session, at: dt.datetime) -> Match:
    need: TechNeed = get_by_code(NEEDS, need_code, session=session)
    result: ResearchResult = get_by_code(RESULTS, result_code, session=session)
    match = session.exec(
        select(Match).where(Match.need_id == need.id, Match.result_id == result.id)
    ).first()
    if match is None:  # the matcher no longer suggests it: staff added it by hand
        assert need.id is not None and result.id is not None
        match = Match(need_id=need.id, result_id=result.id, origin=MatchOrigin.staff)
        session.add(match)
        session.flush()
        assert match.id is not None
        session.add(ReviewEvent(match_id=match.id, actor="staff", to_status="suggested", at=at))
    else:
        for event in session.exec(select(ReviewEvent).where(ReviewEvent.match_id == match.id)):
            event.at = at  # the suggestion came before the story's first step
            session.add(event)
    match.created_at = match.updated_at = match.status_changed_at = at
    return match


def _step(match: Match, step: dict[str, Any], at: dt.datetime, actor: str) -> ReviewEvent:
    assert match.id is not None
    data: dict[str, Any] = {}
    if "response" in step:
        side, answer = step["response"], step["answer"]
        setattr(match, f"{side}_response", answer)
        setattr(match, f"{side}_response_reason", step.get("reason"))
        data = {"side": side, "response": answer, "reason": step.get("reason")}
        return ReviewEvent(
            match_id=match.id,
            actor=actor,
            at=at,
            from_status=match.status,
            to_status=match.status,
            note=step.get("note"),
            data=data,
        )
    current, target = MatchStatus(match.status), MatchStatus(step["to"])
    if target not in TRANSITIONS[current]:
        raise InvalidInput.field("steps", f"{current} cannot move to {target}")
    match.status, match.status_changed_at = target, at
    if target == MatchStatus.recommended:
        match.recommended_at = at
    if target == MatchStatus.rejected:
        match.reject_reason, match.reject_note = step["reason"], step.get("note")
        data = {"reason": step["reason"]}
    if target == MatchStatus.contracted:
        contract = step["contract"]
        signed = (at - dt.timedelta(days=contract["signed_days_ago"] - step["days_ago"])).date()
        match.contract_type = contract["type"]
        match.contract_value_wan = contract["value_wan"]
        match.contract_signed_on = signed
        match.contract_registered = contract["registered"]
        data = {"contract_type": contract["type"], "contract_value_wan": contract["value_wan"]}
    return ReviewEvent(
        match_id=match.id,
        actor=actor,
        at=at,
        from_status=current,
        to_status=target,
        note=step.get("note"),
        data=data or None,
    )


def load_review_story(path: Path, *, session: Session, actor: str = "staff") -> int:
    """Apply the story once (never over real reviews); returns the matches it moved."""
    if has_reviews(session=session):
        return 0
    now = utcnow().replace(microsecond=0)
    moved = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        story = json.loads(line)
        steps = story["steps"]
        start = now - dt.timedelta(days=max(s["days_ago"] for s in steps) + 2, hours=3)
        match = _pair(story["need"], story["result"], session=session, at=start)
        for step in steps:
            at = now - dt.timedelta(days=step["days_ago"], hours=5)
            session.add(_step(match, step, at, actor))
            match.updated_at = at
        session.add(match)
        moved += 1
    session.commit()
    return moved
