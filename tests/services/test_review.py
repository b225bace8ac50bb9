"""The review workflow's guarantees that HTTP cannot show directly."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from models.listings import NeedCreate, NeedUpdate, ResultCreate
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
    assert review.claim_suggestions(version, session=session) is not None  # the first worker
    assert review.claim_suggestions(version, session=session) is None  # the second: done already
    bump_version(session=session)
    session.commit()
    assert review.claim_suggestions(version + 1, session=session) == version
    assert review.claim_suggestions(version, session=session) is None  # never back to an old one

    # A new threshold: the next refresh starts over and covers every open need.
    from models.matching import SuggestionSettings

    staff = make_user(session.get_bind(), "staff")
    review.set_suggestion_settings(SuggestionSettings(min_score=0.3), session=session, actor=staff)
    bump_version(session=session)
    session.commit()
    assert review.claim_suggestions(version + 2, session=session) == 0


def test_suggestions_after_a_change_rank_only_the_needs_it_touches(
    session: Session, engine, matcher, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    from sqlmodel import select

    from models.review import Match
    from techmatch.services.matching import MatchingService, current_version
    from tests.services.test_matching import UNRELATED

    service = MatchingService(engine, matcher=matcher, poll_seconds=0, delta_from=0)
    zinc_need = listings.create(listings.NEEDS, NeedCreate(**NEED), session=session)
    juice_need = listings.create(
        listings.NEEDS,
        NeedCreate(
            title="果蔬汁益生菌发酵工艺",
            description="想用植物乳杆菌发酵果蔬汁，提高活菌数和风味。",
            industry="agriculture-food",
            zone="zhongjie-hitech",
        ),
        session=session,
    )
    listings.create(listings.RESULTS, ResultCreate(**UNRELATED), session=session)
    service.refresh()
    since = current_version(session=session)
    review.refresh_suggestions(service, session=session)

    ranked: list[int] = []
    real = review.results_for_need

    def spy(service, need_id, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        ranked.append(need_id)
        return real(service, need_id, *args, **kwargs)

    monkeypatch.setattr(review, "results_for_need", spy)
    zinc = listings.create(listings.RESULTS, ResultCreate(**ZINC), session=session).id
    service.refresh()
    version = current_version(session=session)
    counts = review.suggestions_after_change(service, since, version, session=session)
    assert counts["created"] >= 1
    assert ranked == [zinc_need.id]  # the juice need was not ranked again
    pairs = {(m.need_id, m.result_id) for m in session.exec(select(Match))}
    assert (zinc_need.id, zinc) in pairs and (juice_need.id, zinc) not in pairs

    # A changed need is ranked again; with no record of the changes, every open need is.
    ranked.clear()
    listings.update(listings.NEEDS, juice_need.id, NeedUpdate(title="果蔬汁发酵"), session=session)
    service.refresh()
    review.suggestions_after_change(
        service, version, current_version(session=session), session=session
    )
    assert ranked == [juice_need.id]
    ranked.clear()
    review.suggestions_after_change(service, 0, current_version(session=session), session=session)
    assert sorted(ranked) == sorted([zinc_need.id, juice_need.id])
