"""The review workflow's guarantees that HTTP cannot show directly."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from models.listings import NeedCreate, ResultCreate
from models.review import ManualMatchRequest, TransitionRequest
from techmatch.services import listings, review
from tests.services.test_matching import NEED, ZINC
from tests.support import make_user


def test_two_concurrent_transitions_never_both_succeed(session: Session, engine) -> None:  # noqa: ANN001
    need = listings.create(listings.NEEDS, NeedCreate(**NEED), session=session)
    result = listings.create(listings.RESULTS, ResultCreate(**ZINC), session=session)
    a, b = make_user(engine, "staff", username="wangmin"), make_user(engine, "staff")
    match = review.create(
        ManualMatchRequest(need_id=need.id, result_id=result.id), session=session, actor=a
    )
    with Session(engine) as first, Session(engine) as second:
        # Both requests have read the match as "suggested" (held, as a request holds it).
        seen_first = review.get(match.id, session=first, viewer=a)
        seen_second = review.get(match.id, session=second, viewer=b)
        assert seen_first.status == seen_second.status == "suggested"
        review.transition(match.id, TransitionRequest(to="shortlisted"), session=first, actor=a)
        with pytest.raises(review.InvalidTransition):
            review.transition(
                match.id,
                TransitionRequest(to="rejected", reason="cost"),
                session=second,
                actor=b,
            )
    events = review.history(match.id, session=session, viewer=a)
    assert [(e.from_status, e.to_status, e.actor) for e in events] == [
        (None, "suggested", "wangmin"),
        ("suggested", "shortlisted", "wangmin"),
    ]


def test_one_process_claims_each_version_of_suggestions(session: Session) -> None:
    from techmatch.services.matching import bump_version, current_version

    listings.create(listings.NEEDS, NeedCreate(**NEED), session=session)
    version = current_version(session=session)
    assert version >= 1
    assert review.claim_suggestions(version, session=session)  # the first worker
    assert not review.claim_suggestions(version, session=session)  # the second: done already
    bump_version(session=session)
    session.commit()
    assert review.claim_suggestions(version + 1, session=session)
    assert not review.claim_suggestions(version, session=session)  # never back to an old one
