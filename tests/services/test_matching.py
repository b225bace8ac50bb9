"""The matching service: indexes built from the database, kept tokens, background swaps."""

from __future__ import annotations

from sqlmodel import Session, select

from matcher.index import Index, Segments
from models.listings import NeedCreate, ResultCreate, ResultUpdate
from models.matches import MatchQuery
from models.matching import ListingChange, ListingTokens
from techmatch.services import listings, matching
from techmatch.services.matching import MatchingService

NEED = {
    "title": "热镀锌钢管锌层附着力差",
    "description": "热镀锌焊管出厂后锌层起皮剥落，客户退货，想找镀锌工艺改进技术。",
    "industry": "pipeline-equipment",
    "zone": "cangzhou-hitech",
    "cooperation": ["license"],
    "budget_wan": 60,
}
ZINC = {
    "title": "钢管热镀锌锌层附着力提升技术",
    "abstract": "优化助镀剂配方和镀锌温度，锌层附着力提高，锌耗降低。",
    "keywords": ["热镀锌", "附着力"],
    "region": "tianjin",
    "country": "CN",
    "trl": 8,
    "cooperation": ["license"],
    "asking_price_wan": 50,
}
ENGLISH = {
    "title": "Hot-dip galvanizing of steel pipes with improved zinc coating adhesion",
    "abstract": "A flux formulation and bath temperature window improve zinc coating adhesion.",
    "keywords": ["hot-dip galvanizing", "coating adhesion"],
    "region": "cee",
    "country": "SK",
    "trl": 6,
    "cooperation": ["license"],
}
UNRELATED = {
    "title": "植物乳杆菌发酵果蔬汁",
    "abstract": "益生菌发酵果蔬汁，活菌数高。",
    "keywords": ["益生菌"],
    "region": "hebei",
    "country": "CN",
    "trl": 5,
}


def _result(session: Session, data: dict) -> int:
    return listings.create(listings.RESULTS, ResultCreate(**data), session=session).id


def _tokenised(service: MatchingService, matcher) -> list[str]:  # noqa: ANN001
    """From now on, the ids of the documents the service tokenises."""
    calls: list[str] = []
    real = matcher.analyze

    class Spy:
        def __getattr__(self, name: str):  # noqa: ANN204
            return getattr(matcher, name)

        def analyze(self, document):  # noqa: ANN001, ANN201
            calls.append(document.id)
            return real(document)

    service._matcher = Spy()  # type: ignore[assignment]
    return calls


def test_needs_find_results_after_a_refresh(session: Session, engine, matcher) -> None:  # noqa: ANN001
    service = MatchingService(engine, matcher=matcher, poll_seconds=0)
    need = listings.create(listings.NEEDS, NeedCreate(**NEED), session=session)
    zinc = _result(session, ZINC)
    english = _result(session, ENGLISH)
    _result(session, UNRELATED)
    service.refresh()
    answer = matching.results_for_need(service, need.id, MatchQuery(), session=session)
    ids = [item["result"].id for item in answer["items"]]
    assert set(ids[:2]) == {zinc, english}
    assert answer["candidates"] == 3

    # A new listing is invisible until the next refresh, then found.
    newer = _result(session, {**ZINC, "title": "热镀锌钢管锌层起皮原因分析与控制"})
    before = matching.results_for_need(service, need.id, MatchQuery(), session=session)
    assert newer not in [item["result"].id for item in before["items"]]
    assert service.refresh() is True
    after = matching.results_for_need(service, need.id, MatchQuery(), session=session)
    assert newer in [item["result"].id for item in after["items"]]
    assert after["index_version"] > before["index_version"]


def test_kept_tokens_are_reused_and_dropped_on_change(session: Session, engine, matcher) -> None:  # noqa: ANN001
    service = MatchingService(engine, matcher=matcher, poll_seconds=0)
    zinc = _result(session, ZINC)
    _result(session, UNRELATED)
    service.refresh()
    stored = session.exec(select(ListingTokens)).all()
    assert {(t.kind, t.listing_id) for t in stored} >= {("result", zinc)}

    calls = _tokenised(service, matcher)
    listings.update(listings.RESULTS, zinc, ResultUpdate(title="热镀锌新工艺"), session=session)
    service.refresh()
    assert calls == [matching.doc_id(zinc)]  # only the changed listing is tokenised again
    assert service.refresh() is False  # nothing changed since


def test_same_organisation_and_closed_listings_are_left_out(
    session: Session, engine, matcher
) -> None:  # noqa: ANN001
    from models.listings import OrganizationCreate

    org = listings.create(
        listings.ORGANIZATIONS,
        OrganizationCreate(name="沧州某管业", kind="enterprise", region="cangzhou-hitech"),
        session=session,
    )
    need = listings.create(
        listings.NEEDS, NeedCreate(**NEED, organization_id=org.id), session=session
    )
    own = _result(session, {**ZINC, "organization_id": org.id})
    withdrawn = _result(session, {**ZINC, "title": "锌层附着力检测方法"})
    listings.delete(listings.RESULTS, withdrawn, session=session)
    service = MatchingService(engine, matcher=matcher, poll_seconds=0)
    service.refresh()
    ids = [
        i["result"].id
        for i in matching.results_for_need(service, need.id, MatchQuery(), session=session)["items"]
    ]
    assert own not in ids and withdrawn not in ids
    closed = matching.results_for_need(
        service, need.id, MatchQuery(include_closed=True), session=session
    )
    assert withdrawn in [i["result"].id for i in closed["items"]]


def test_background_thread_picks_up_changes(session: Session, engine, matcher) -> None:  # noqa: ANN001
    import time

    service = MatchingService(engine, matcher=matcher, poll_seconds=0.05)
    service.start()
    try:
        first = service.indexes.version
        _result(session, ZINC)
        deadline = time.monotonic() + 10
        while service.indexes.version == first and time.monotonic() < deadline:
            time.sleep(0.05)
        assert service.indexes.version > first
        assert len(service.indexes.results) == 1
    finally:
        service.stop()


def _result_ids(service: MatchingService, need_id: int, session: Session) -> list[int]:
    answer = matching.results_for_need(service, need_id, MatchQuery(limit=50), session=session)
    return [item["result"].id for item in answer["items"]]


def test_changes_reach_the_answers_through_a_delta(session: Session, engine, matcher) -> None:  # noqa: ANN001
    """On a large base (here: any base) a change rebuilds only a delta of the changed
    listings; the base stays as built."""
    service = MatchingService(engine, matcher=matcher, poll_seconds=0, delta_from=0)
    need = listings.create(listings.NEEDS, NeedCreate(**NEED), session=session)
    zinc = _result(session, ZINC)
    _result(session, UNRELATED)
    service.refresh()
    base = service.indexes.results
    assert isinstance(base, Index)

    calls = _tokenised(service, matcher)
    newer = _result(session, {**ZINC, "title": "热镀锌钢管锌层起皮原因分析与控制"})
    assert service.refresh() is True
    indexes = service.indexes
    assert isinstance(indexes.results, Segments) and indexes.results.base is base
    assert indexes.base_version < indexes.version
    assert calls == [matching.doc_id(newer)]
    assert {zinc, newer} <= set(_result_ids(service, need.id, session))

    # An edit takes the old text out of the answers; a withdrawal takes the result out.
    listings.update(
        listings.RESULTS,
        zinc,
        ResultUpdate(**{k: UNRELATED[k] for k in ("title", "abstract", "keywords")}),
        session=session,
    )
    listings.delete(listings.RESULTS, newer, session=session)
    service.refresh()
    assert service.indexes.results.base is base  # type: ignore[union-attr]
    ids = _result_ids(service, need.id, session)
    assert newer not in ids and zinc not in ids
    assert service.indexes.changed[1] == frozenset({zinc, newer})


def test_a_large_delta_is_merged_into_a_new_base(session: Session, engine, matcher) -> None:  # noqa: ANN001
    service = MatchingService(
        engine, matcher=matcher, poll_seconds=0, delta_from=0, delta_listings=2
    )
    need = listings.create(listings.NEEDS, NeedCreate(**NEED), session=session)
    service.refresh()
    first = service.indexes
    added = [_result(session, {**ZINC, "title": f"热镀锌工艺{i}"}) for i in range(3)]
    service.refresh()
    merging = service._merging
    assert merging is not None
    merging.join(timeout=30)
    indexes = service.indexes
    assert isinstance(indexes.results, Index)  # the delta folded into a new base
    assert indexes.base_version == indexes.version > first.version
    assert set(added) <= set(_result_ids(service, need.id, session))


def test_a_forgotten_change_record_means_a_full_rebuild(session: Session, engine, matcher) -> None:  # noqa: ANN001
    from sqlalchemy import delete

    service = MatchingService(engine, matcher=matcher, poll_seconds=0, delta_from=0)
    need = listings.create(listings.NEEDS, NeedCreate(**NEED), session=session)
    service.refresh()
    zinc = _result(session, ZINC)
    session.exec(delete(ListingChange))  # type: ignore[call-overload]
    session.commit()
    assert service.refresh() is True
    assert isinstance(service.indexes.results, Index)
    assert service.indexes.base_version == service.indexes.version
    assert zinc in _result_ids(service, need.id, session)
