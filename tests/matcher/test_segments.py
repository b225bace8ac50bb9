"""A base index plus a delta of changed documents ranks as one index would."""

from __future__ import annotations

import random

import pytest

from matcher.documents import Analyzed, Facets
from matcher.index import Segments, build_index, with_changes
from matcher.rank import Filters, Ranking, rank

WORDS = [f"词{i}" for i in range(40)]
CONCEPTS = [f"concept_{i}" for i in range(15)]
REGIONS = ["beijing", "tianjin", "hebei", "cee"]


def _doc(rng: random.Random, doc_id: str, lang: str | None = None) -> Analyzed:
    lang = lang or rng.choice(["zh", "zh", "en"])
    words = {w: float(rng.choice([1, 1, 2, 3])) for w in rng.sample(WORDS, rng.randint(3, 9))}
    concepts = {c: float(rng.choice([1, 2])) for c in rng.sample(CONCEPTS, rng.randint(1, 4))}
    return Analyzed(
        id=doc_id,
        lang=lang,
        channels={"word": words, "concept": concepts, "char": {}},
        surfaces={c: [f"{c} form"] for c in concepts},
        facets=Facets(
            kind="result",
            region=rng.choice(REGIONS),
            maturity=rng.choice(["lab", "pilot", "industrial"]),
            trl=rng.randint(3, 9),
            cooperation=("license",),
            money_wan=float(rng.randint(10, 200)),
        ),
    )


def _corpus(rng: random.Random, size: int) -> list[Analyzed]:
    docs = [_doc(rng, f"{i:04d}") for i in range(size)]
    # Every word and concept in several documents, so no change removes a term outright.
    docs += [
        Analyzed(
            id=f"9{i:03d}",
            lang="zh",
            channels={"word": dict.fromkeys(WORDS, 1.0), "concept": dict.fromkeys(CONCEPTS, 1.0)},
            surfaces={},
        )
        for i in range(3)
    ]
    return docs


def _same(a: Ranking, b: Ranking) -> None:
    assert (a.candidates, a.scored) == (b.candidates, b.scored)
    assert [m.id for m in a.matches] == [m.id for m in b.matches]
    for x, y in zip(a.matches, b.matches, strict=True):
        assert x.score == pytest.approx(y.score, abs=2e-6)
        assert x.percentile == pytest.approx(y.percentile, abs=0.011)
        assert x.explanation.fields == y.explanation.fields
        assert [t.term for t in x.explanation.terms] == [t.term for t in y.explanation.terms]


FILTERS = [
    Filters(only_open=False),
    Filters(only_open=False, region_groups=("jingjin",)),
    Filters(only_open=False, min_trl=6, money_at_most=120),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_changes_rank_as_one_index_with_the_same_weighting(seed: int) -> None:
    rng = random.Random(seed)
    docs = _corpus(rng, 120)
    base = build_index(docs, version=1)
    # Edit some documents, delete some, add new ones.
    edited = {d.id: _doc(rng, d.id) for d in rng.sample(docs[:120], 15)}
    deleted = {d.id for d in rng.sample(docs[:120], 8)} - set(edited)
    added = [_doc(rng, f"5{i:03d}") for i in range(10)]
    current = [edited.get(d.id, d) for d in docs if d.id not in deleted] + added
    changed = [*edited, *deleted, *(d.id for d in added)]
    segments = with_changes(base, changed, [*edited.values(), *added], version=2)
    assert len(segments) == len(current)
    # The same documents in one index weighted as the base: the same answers.
    whole = build_index(current, version=2, like=base)
    for _ in range(12):
        query = _doc(rng, "query")
        for filters in FILTERS:
            _same(
                rank(query, segments, k=10, filters=filters),
                rank(query, whole, k=10, filters=filters),
            )


def test_deleted_and_edited_documents_leave_the_answers() -> None:
    rng = random.Random(7)
    docs = _corpus(rng, 60)
    base = build_index(docs, version=1)
    target = docs[0]
    query = Analyzed(id="q", lang="zh", channels=target.channels, surfaces={})
    assert rank(query, base, k=1).matches[0].id == target.id
    gone = with_changes(base, [target.id], [], version=2)
    assert target.id not in [m.id for m in rank(query, gone, k=60).matches]
    assert rank(query, gone, k=60).candidates == len(base) - 1
    renamed = _doc(random.Random(99), target.id, lang="en")  # en-en: an exact copy scores 1
    edited = with_changes(base, [target.id], [renamed], version=2)
    hits = {m.id: m.score for m in rank(query, edited, k=200).matches}
    assert hits.get(target.id, 0.0) < rank(query, base, k=1).matches[0].score
    renamed_query = Analyzed(id="q2", lang=renamed.lang, channels=renamed.channels, surfaces={})
    assert rank(renamed_query, edited, k=1).matches[0].id == target.id


def test_an_unchanged_document_moved_to_the_delta_keeps_its_score() -> None:
    """A listing saved again without edits: same scores, ranks and percentiles, though the
    delta knows only that document's terms (the query is weighed as the base weighs it)."""
    rng = random.Random(11)
    docs = _corpus(rng, 80)
    base = build_index(docs, version=1)
    moved = docs[5]
    segments = with_changes(base, [moved.id], [moved], version=2)
    assert isinstance(segments, Segments)
    for _ in range(10):
        query = _doc(rng, "query")
        _same(rank(query, segments, k=15), rank(query, base, k=15))


def test_an_empty_delta_ranks_as_its_base() -> None:
    rng = random.Random(5)
    base = build_index(_corpus(rng, 50), version=1)
    segments = with_changes(base, [], [], version=1)
    query = _doc(rng, "query")
    _same(rank(query, segments, k=20), rank(query, base, k=20))
