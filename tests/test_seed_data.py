"""The demo data a new user meets: complete, varied and loadable."""

from __future__ import annotations

import json
from collections import Counter

from sqlmodel import Session

import seed_data
from models.codes import Industry
from techmatch.services import listings, transfer


def _rows(name: str) -> list[dict]:
    path = next(p for p in seed_data.paths() if p.name == name)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_seed_loads_cleanly(session: Session) -> None:
    report = transfer.import_files(seed_data.paths(), session=session)
    assert report.errors == []
    counts = listings.counts(session=session)
    assert counts["needs"] >= 40 and counts["results"] >= 160


def test_every_industry_has_needs_and_results() -> None:
    needs = Counter(r["industry"] for r in _rows("needs.jsonl"))
    results = Counter(r["industry"] for r in _rows("results.jsonl"))
    for industry in Industry:
        assert needs[industry.value] >= 2, industry
        assert results[industry.value] >= 8, industry


def test_named_enterprises_and_institutes_are_there() -> None:
    names = {r["name"] for r in _rows("organizations.jsonl")}
    for wanted in (
        "金达科技股份有限公司",
        "沧州明珠塑料股份有限公司",
        "沧州优美特新材料科技有限公司",
        "沧州市利达环保工程有限公司",
        "河北金镭赢圣科技有限公司",
        "河北赛诺膜技术有限公司",
        "河北世纪恒泰富塑业有限公司",
        "河北新启元能源技术开发股份有限公司",
        "沧州天瑞星光热技术有限公司",
        "北京航空航天大学",
        "河北工业大学",
        "清华大学",
        "北京大学",
        "北京交通大学",
        "北京邮电大学",
        "中国科学院过程工程研究所",
    ):
        assert wanted in names


def test_cee_results_are_english_from_several_countries() -> None:
    cee = [r for r in _rows("results.jsonl") if r["region"] == "cee"]
    assert len(cee) >= 30
    assert {r["lang"] for r in cee} == {"en"}
    assert len({r["country"] for r in cee}) >= 6
    # Written in English: no CJK characters in the text.
    assert not any("\u4e00" <= ch <= "\u9fff" for r in cee for ch in r["title"] + r["abstract"])


def test_no_templated_repetition() -> None:
    for name, field in (("needs.jsonl", "description"), ("results.jsonl", "abstract")):
        rows = _rows(name)
        assert len({r["title"] for r in rows}) == len(rows)
        openings = Counter(r[field][:12] for r in rows)
        assert openings.most_common(1)[0][1] <= 3, openings.most_common(3)


def test_review_story_takes_pairs_to_contracts(session: Session, engine, matcher) -> None:  # noqa: ANN001
    """The demo's review history: every step a move the state machine allows, dated in the
    past, and the zones' figures count what it did; loading it twice changes nothing."""
    import datetime as dt

    from sqlmodel import select

    from models.review import Match, ReviewEvent
    from techmatch.services import demo, stats
    from techmatch.services.matching import MatchingService
    from techmatch.services.review import refresh_suggestions

    transfer.import_files(seed_data.paths(), session=session)
    service = MatchingService(engine, poll_seconds=0, matcher=matcher)
    service.refresh()
    refresh_suggestions(service, session=session)
    moved = demo.load_review_story(seed_data.reviews_path(), session=session)
    stories = seed_data.reviews_path().read_text(encoding="utf-8").splitlines()
    assert moved == len(stories) >= 12
    reviewed = session.exec(select(Match).where(Match.status != "suggested")).all()
    last_moves = [[s["to"] for s in json.loads(line)["steps"] if "to" in s][-1] for line in stories]
    assert Counter(m.status for m in reviewed) == Counter(last_moves)
    today = dt.date.today()
    assert all(m.created_at.date() < today for m in reviewed)
    total = stats.figures(session=session, start=today - dt.timedelta(days=400), end=today)[0]
    assert total["contracts"] == 5 and total["contract_value_wan"] == 469
    assert total["rejections"]["cost"] == 1 and total["median_days_to_contract"] > 30
    events = len(session.exec(select(ReviewEvent)).all())
    assert demo.load_review_story(seed_data.reviews_path(), session=session) == 0
    assert len(session.exec(select(ReviewEvent)).all()) == events
