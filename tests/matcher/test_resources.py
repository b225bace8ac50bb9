"""The domain-language resources: they parse, they are consistent, and they bridge."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from matcher.coverage import keyword_coverage, resource_stats
from matcher.glossary import Concept, Glossary, read_glossary
from matcher.text import has_cjk, normalize
from matcher.tokenize import RESOURCES, Analyzer, read_dictionary, read_stopwords
from models.codes import Industry
from tests.support import FIXTURES

CODES = {i.value for i in Industry}
PAIRS = Path(__file__).parent / "bridge_pairs.tsv"


def test_dictionary_parses_with_industry_tags() -> None:
    entries = read_dictionary()
    assert len(entries) >= 8000
    assert {e.industry for e in entries} == CODES
    assert all(e.freq > 0 and " " not in e.word for e in entries)
    assert len({e.word for e in entries}) == len(entries)
    # Written both ways where people write both ways.
    words = {e.word for e in entries}
    assert {"聚乙烯管", "PE管"} <= words


def test_stopwords_sections() -> None:
    sections = read_stopwords()
    assert {"zh-function", "en-function", "zh-listing", "en-listing"} <= set(sections)
    assert {"一种", "技术", "寻求"} <= set(sections["zh-listing"])
    assert {"novel", "method"} <= set(sections["en-listing"])


def test_glossary_parses_and_covers_every_industry() -> None:
    concepts = read_glossary()
    assert len(concepts) >= 4000
    per_industry = Counter(c.industry for c in concepts)
    assert set(per_industry) == CODES
    assert min(per_industry.values()) >= 200, per_industry
    ids = [c.id for c in concepts]
    assert len(ids) == len(set(ids))
    for concept in concepts:
        assert concept.zh and concept.en, concept.id
        terms = [t.lower() for t in (*concept.zh, *concept.en)]
        assert len(terms) == len(set(terms)), f"duplicate term in {concept.id}"


def test_no_surface_form_is_claimed_twice_in_the_file() -> None:
    owners: dict[str, set[str]] = {}
    for concept in read_glossary():
        for term in (*concept.zh, *concept.en):
            owners.setdefault(normalize(term), set()).add(concept.id)
    shared = {t: ids for t, ids in owners.items() if len(ids) > 1}
    assert not shared, list(shared.items())[:10]


def test_ambiguous_forms_are_reported_and_map_to_nothing(matcher) -> None:  # noqa: ANN001
    glossary = Glossary(
        [
            Concept("tee_fitting", "pipeline-equipment", ("三通", "管件三通"), ("pipe tee",)),
            Concept("tee_trusted", "electronics-ict", ("可信执行环境", "三通"), ("TEE",)),
        ],
        matcher.analyzer,
    )
    assert list(glossary.ambiguous) == [("三通",)]
    assert glossary.ambiguous[("三通",)] == {"tee_fitting", "tee_trusted"}
    hits = glossary.match(matcher.analyzer.tokens("锻制三通和管件三通"))
    assert [h.concept for h in hits] == ["tee_fitting"]  # only the unambiguous phrase


def test_every_dictionary_word_survives_tokenisation_whole(matcher) -> None:  # noqa: ANN001
    broken = [
        e.word for e in read_dictionary() if matcher.analyzer.segment(e.word) != [normalize(e.word)]
    ]
    assert broken == []


def test_single_character_technical_words_are_kept(matcher) -> None:  # noqa: ANN001
    tokens = matcher.analyzer.words("膜 钢 锂")
    assert tokens == ["膜", "钢", "锂"]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("hollow fibre membranes", "hollow fiber membrane"),
        ("sulphur dioxide", "sulfur dioxide"),
        ("aluminium alloys", "aluminum alloy"),
        ("lithium-ion batteries", "lithium ion battery"),
        ("reverse osmosis membranes", "RO"),
        ("Volatile Organic Compounds", "VOCs"),
        ("UHMWPE", "ultra-high molecular weight polyethylene"),
    ],
)
def test_inflections_spellings_and_abbreviations_meet(matcher, one: str, other: str) -> None:  # noqa: ANN001
    def concepts(text: str) -> set[str]:
        return {h.concept for h in matcher.glossary.match(matcher.analyzer.tokens(text))}

    assert concepts(one) & concepts(other)


def test_every_glossary_term_meets_its_other_spelling(matcher) -> None:  # noqa: ANN001
    """A glossary term written in the other spelling (British or American) of one of its
    words names the same concept, whichever spelling the glossary lists."""
    analyzer, glossary = matcher.analyzer, matcher.glossary
    other_spelling: dict[str, str] = {}
    for variant, word in analyzer.spellings.items():
        other_spelling.setdefault(word, variant)
    checked = 0
    for concept in glossary.concepts.values():
        for term in concept.en:
            words = term.lower().split()
            swapped = [other_spelling.get(w, w) for w in words]
            # (A number glues to the next word as one token, "2507super": left out.)
            if swapped == words or any(c.isdigit() for c in term):
                continue
            checked += 1
            hits = glossary.match(analyzer.tokens(" ".join(swapped)))
            assert concept.id in {h.concept for h in hits}, (term, swapped)
    assert checked > 300


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("catalysed", "catalyzed"),
        ("stabilising", "stabilizing"),
        ("vulcanised rubber", "vulcanized rubber"),
        ("crystalliser", "crystallizer"),
        ("colour", "color"),
        ("modelling", "modeling"),
    ],
)
def test_british_and_american_spellings_are_one_word(
    matcher,  # noqa: ANN001
    british: str,
    american: str,
) -> None:
    assert matcher.analyzer.tokens(british) == matcher.analyzer.tokens(american)


def test_other_words_keep_their_spelling(matcher) -> None:  # noqa: ANN001
    """Only the other spelling of a glossary word is changed: real words that merely look
    like one (filing, four, baling, acre) stay as they are."""
    for word in ("filing", "four", "baling", "acre", "precise", "tour", "offer", "honour"):
        assert matcher.analyzer.tokens(word) == [word]


def _pairs() -> list[tuple[str, str, str]]:
    rows = []
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            industry, english, chinese = line.split("\t")
            rows.append((industry, english, chinese))
    return rows


def test_pair_table_spans_all_industries() -> None:
    rows = _pairs()
    assert len(rows) >= 100
    assert {r[0] for r in rows} == CODES


@pytest.mark.parametrize(("industry", "english", "chinese"), _pairs())
def test_english_and_chinese_share_a_concept(
    matcher,  # noqa: ANN001
    industry: str,
    english: str,
    chinese: str,
) -> None:
    en = {h.concept for h in matcher.glossary.match(matcher.analyzer.tokens(english))}
    zh = {h.concept for h in matcher.glossary.match(matcher.analyzer.tokens(chinese))}
    assert en & zh, (english, sorted(en), chinese, sorted(zh))


def test_stats_and_coverage(matcher) -> None:  # noqa: ANN001
    stats = resource_stats(matcher.glossary, matcher.analyzer)
    assert sum(stats.concepts.values()) == len(matcher.glossary)
    assert set(stats.dictionary) == CODES
    coverage = keyword_coverage(FIXTURES / "eval", matcher.glossary, matcher.analyzer)
    # The fixture's results carry 11 English and 11 Chinese keywords.
    assert (coverage.english_keywords, coverage.chinese_keywords) == (11, 11)
    assert coverage.english_mapped == 11 - len(coverage.english_missed)
    assert coverage.chinese_whole == 11 - len(coverage.chinese_split)
    assert all(has_cjk(k) for k in coverage.chinese_split)


def test_private_tokenizer_leaves_jiebas_global_one_alone() -> None:
    import jieba

    Analyzer(dictionary=read_dictionary()[:50], stopwords=[])
    assert "中空纤维膜" not in jieba.dt.FREQ or not jieba.dt.FREQ.get("中空纤维膜")
    assert RESOURCES.is_dir()
