"""Ranking: scores in 0-1, deterministic, filtered, explained, in both directions."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.documents import Document, Facets, need_document, result_document
from matcher.engine import Matcher
from matcher.index import build_index
from matcher.rank import Filters

RESULTS = [
    {
        "id": "R1",
        "title": "PVDF中空纤维超滤膜抗污染改性",
        "abstract": "两性离子接枝使超滤膜通量恢复率达95%，用于市政污水回用。",
        "keywords": ["超滤膜", "抗污染"],
        "region": "tianjin",
        "country": "CN",
        "lang": "zh",
        "maturity": "pilot",
        "trl": 6,
        "cooperation": ["license"],
        "asking_price_wan": 80,
        "organization": "7",
    },
    {
        "id": "R2",
        "title": "Antifouling PVDF hollow fibre ultrafiltration membranes",
        "abstract": "Zwitterionic grafting keeps flux recovery above 95% "
        "in municipal wastewater reuse.",
        "keywords": ["ultrafiltration", "membrane fouling"],
        "region": "cee",
        "country": "PL",
        "lang": "en",
        "maturity": "lab",
        "trl": 4,
        "cooperation": ["joint-development"],
        "asking_price_wan": None,
        "organization": "8",
    },
    {
        "id": "R3",
        "title": "皮秒激光玻璃切割",
        "abstract": "贝塞尔光束切割显示面板玻璃，崩边小于10微米。",
        "keywords": ["皮秒激光", "玻璃切割"],
        "region": "beijing",
        "country": "CN",
        "lang": "zh",
        "maturity": "industrial",
        "trl": 9,
        "cooperation": ["transfer"],
        "asking_price_wan": 300,
        "organization": "9",
    },
    {
        "id": "R4",
        "title": "超滤膜组件在线清洗工艺",
        "abstract": "超滤膜组件化学清洗周期延长一倍。",
        "keywords": ["超滤膜", "清洗"],
        "region": "hebei",
        "country": "CN",
        "lang": "zh",
        "maturity": "industrial",
        "trl": 8,
        "cooperation": ["license", "consulting"],
        "asking_price_wan": 20,
        "organization": "5",
        "valid_until": "2020-01-01",
    },
]
NEED = {
    "id": "N1",
    "title": "超滤膜污染快、通量下降",
    "description": "水厂PVDF超滤膜运行三个月通量下降40%，化学清洗频繁，想找抗污染膜或改性技术。",
    "industry": "membranes-water",
    "zone": "zhongjie-hitech",
    "cooperation": ["license", "joint-development"],
    "budget_wan": 100,
    "organization": "5",
}


@pytest.fixture(scope="module")
def index(matcher: Matcher):  # noqa: ANN201
    return matcher.build(matcher.analyze(result_document(r)) for r in RESULTS)


def _rank(matcher: Matcher, index, filters: Filters | None = None, k: int = 10):  # noqa: ANN001, ANN202
    query = matcher.analyze(need_document(NEED))
    return matcher.rank(query, index, k=k, filters=filters or Filters(today=dt.date(2026, 11, 28)))


def test_relevant_results_first_in_both_languages(matcher: Matcher, index) -> None:  # noqa: ANN001
    ranking = _rank(matcher, index, Filters(only_open=False))
    ids = [m.id for m in ranking.matches]
    assert ids[0] == "R1"
    assert "R2" in ids[:3]  # the English twin competes on merit
    assert "R3" not in ids[:3]  # laser cutting has nothing to do with membrane fouling
    assert all(0.0 < m.score <= 1.0 for m in ranking.matches)
    assert [m.score for m in ranking.matches] == sorted(
        (m.score for m in ranking.matches), reverse=True
    )


def test_explanation_shows_the_bridge(matcher: Matcher, index) -> None:  # noqa: ANN001
    english = next(m for m in _rank(matcher, index).matches if m.id == "R2")
    bridges = [t for t in english.explanation.terms if t.bridge]
    assert bridges, english.explanation.terms
    assert any(
        "超滤" in "".join(t.query_forms) and "ultrafiltration" in t.doc_forms for t in bridges
    )
    assert set(english.explanation.channels) == {"concept"}  # all an English result can share
    fields = {f.field: f.status for f in english.explanation.fields}
    assert fields == {"cooperation": "agree", "money": "unknown", "maturity": "caution"}


def test_field_clash_is_reported(matcher: Matcher) -> None:
    need = {
        **NEED,
        "title": "玻璃激光切割崩边",
        "description": "显示面板玻璃皮秒激光切割崩边大。",
        "cooperation": ["equity"],
        "budget_wan": 50,
    }
    index = matcher.build([matcher.analyze(result_document(RESULTS[2]))])
    match = matcher.rank(matcher.analyze(need_document(need)), index, filters=Filters()).matches[0]
    fields = {f.field: f.status for f in match.explanation.fields}
    assert fields == {"cooperation": "clash", "money": "clash", "maturity": "agree"}


def test_filters(matcher: Matcher, index) -> None:  # noqa: ANN001
    today = dt.date(2026, 11, 28)

    def ids(**kw: object) -> set[str]:
        return {m.id for m in _rank(matcher, index, Filters(today=today, **kw)).matches}  # type: ignore[arg-type]

    everything = ids(only_open=False)
    assert "R4" in everything
    assert "R4" not in ids()  # expired
    assert ids(region_groups=("cee",)) <= {"R2"}
    assert ids(region_groups=("jingjin",)) <= {"R1", "R3"}
    assert ids(countries=("PL",)) <= {"R2"}
    assert "R2" not in ids(min_maturity="pilot")
    assert "R1" not in ids(min_trl=7)
    assert ids(cooperation=("transfer",)) <= {"R3"}
    assert "R3" not in ids(money_at_most=100.0)
    assert "R2" in ids(money_at_most=10.0)  # 面议 passes a budget filter
    assert "R4" not in ids(only_open=False, exclude_organization="5")


def test_deterministic_ties_by_id(matcher: Matcher) -> None:
    twins = [
        Document(id=i, lang="zh", title="激光熔覆再制造", body="激光熔覆修复轴类零件")
        for i in ("B", "C", "A")
    ]
    index = build_index(matcher.analyze(d) for d in twins)
    query = matcher.analyze(Document(id="q", lang="zh", title="激光熔覆", body=""))
    ranking = matcher.rank(query, index, filters=Filters(only_open=False))
    assert [m.id for m in ranking.matches] == ["A", "B", "C"]
    assert len({m.score for m in ranking.matches}) == 1
    assert [m.percentile for m in ranking.matches] == [0.0, 0.0, 0.0]


def test_percentile_and_candidates(matcher: Matcher, index) -> None:  # noqa: ANN001
    ranking = _rank(matcher, index, Filters(only_open=False))
    assert ranking.candidates == 4
    assert ranking.matches[0].percentile == 75.0  # three of four candidates score lower


def test_needs_for_a_result(matcher: Matcher) -> None:
    needs = [
        NEED,
        {
            **NEED,
            "id": "N2",
            "title": "激光切割玻璃崩边",
            "description": "手机盖板玻璃激光切割崩边大。",
            "industry": "laser-equipment",
        },
    ]
    index = matcher.build(matcher.analyze(need_document(n)) for n in needs)
    query = matcher.analyze(result_document(RESULTS[2]))
    ranking = matcher.rank(query, index, filters=Filters(only_open=False))
    assert ranking.matches[0].id == "N2"
    money = {f.field: f for f in ranking.matches[0].explanation.fields}["money"]
    assert money.status == "clash" and "300" in money.detail  # price above the need's budget


def test_rebuilding_from_kept_tokens_gives_the_same_ranking(matcher: Matcher, index) -> None:  # noqa: ANN001
    import json

    kept = [matcher.analyze(result_document(r)) for r in RESULTS]
    again = build_index(
        type(a)(
            a.id,
            a.lang,
            json.loads(json.dumps(a.channels)),
            json.loads(json.dumps(a.surfaces)),
            a.facets,
        )
        for a in kept
    )
    first = [(m.id, m.score) for m in _rank(matcher, index, Filters(only_open=False)).matches]
    second = [(m.id, m.score) for m in _rank(matcher, again, Filters(only_open=False)).matches]
    assert first == second


def test_empty_index_and_empty_query(matcher: Matcher) -> None:
    empty = build_index([])
    query = matcher.analyze(need_document(NEED))
    assert matcher.rank(query, empty).matches == []
    index = build_index([matcher.analyze(result_document(RESULTS[0]))])
    nothing = matcher.analyze(Document(id="q", lang="zh", title="", body="的了和"))
    assert matcher.rank(nothing, index, filters=Filters(only_open=False)).matches == []


def test_facets_of_a_need(matcher: Matcher) -> None:
    doc = need_document({**NEED, "status": "closed", "valid_until": "2027-01-01"})
    assert doc.facets == Facets(
        kind="need",
        organization="5",
        cooperation=("license", "joint-development"),
        money_wan=100,
        industry="membranes-water",
        zone="zhongjie-hitech",
        region="zhongjie-hitech",
        open=False,
        valid_until=dt.date(2027, 1, 1),
    )


def test_chunked_build_spilled_to_disk_gives_the_same_index(
    matcher: Matcher,
    index,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import matcher.index as index_module

    monkeypatch.setattr(index_module, "CHUNK_ROWS", 1)  # every document its own chunk
    chunked = build_index(matcher.analyze(result_document(r)) for r in RESULTS)
    for name, channel in index.channels.items():
        other = chunked.channels[name]
        assert other.vocabulary_ == channel.vocabulary_
        assert (other.matrix_ != channel.matrix_).nnz == 0
    first = [(m.id, m.score) for m in _rank(matcher, index, Filters(only_open=False)).matches]
    second = [(m.id, m.score) for m in _rank(matcher, chunked, Filters(only_open=False)).matches]
    assert first == second
