"""The shortcuts ranking takes (term lookups, top-k pool, surface forms) give exactly what
the plain computation gives."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

import matcher.index as index_module
import matcher.rank as rank_module
from matcher.documents import CHANNELS, Analyzed, Facets
from matcher.index import LANGS, ChannelIndex, Index, build_index, columns_of
from matcher.rank import (
    EXPLAINED_TERMS,
    MIN_CONTRIBUTION,
    ChannelWeights,
    Contribution,
    Explanation,
    Filters,
    _pool,
    field_checks,
)

FUZZ = settings(
    max_examples=int(os.environ.get("TECHMATCH_FUZZ_EXAMPLES", "200")),
    derandomize=os.environ.get("TECHMATCH_FUZZ_RANDOM") != "1",
    deadline=None,
)

FORM = st.text(alphabet=st.sampled_from('ab超滤 ]["\\,:{}\n'), max_size=6)
CONCEPT = st.one_of(
    st.from_regex(r"[a-z_][a-z0-9_.\-]{0,8}", fullmatch=True),
    st.text(alphabet=st.sampled_from('ab_"\\ ]:,'), min_size=1, max_size=5),
)


@FUZZ
@given(
    st.lists(st.dictionaries(CONCEPT, st.lists(FORM, max_size=3), max_size=5), max_size=6),
    CONCEPT,
)
def test_surface_forms_are_those_of_the_document(
    surfaces: list[dict[str, list[str]]], concept: str
) -> None:
    docs = [
        Analyzed(f"d{i}", "zh", {"concept": dict.fromkeys(named, 1.0)}, named)
        for i, named in enumerate(surfaces)
    ]
    index = build_index(docs)
    for row, doc in enumerate(docs):
        for key in [concept, *doc.surfaces]:
            assert index.surface_forms(row, key) == doc.surfaces.get(key, [])
        assert index.analyzed(row).surfaces == doc.surfaces


@FUZZ
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(1, 12))
def test_pairs_is_a_lookup_of_each_pair(seed: int, n_rows: int, n_terms: int) -> None:
    rng = np.random.default_rng(seed)
    words, concepts = [f"w{i}" for i in range(n_terms)], [f"c{i}" for i in range(n_terms)]
    docs = [
        Analyzed(
            f"d{i}",
            "zh",
            {
                "word": {w: float(rng.integers(1, 4)) for w in rng.choice(words, 4).tolist()},
                "concept": dict.fromkeys(rng.choice(concepts, 2).tolist(), 1.0),
            },
            {},
        )
        for i in range(n_rows)
    ]
    index = build_index(docs)
    rows = rng.choice(n_rows, size=rng.integers(1, n_rows + 1), replace=False)
    names = ["word", "concept"] if rng.random() < 0.5 else ["concept"]
    asked = []  # (channel, column) of each column asked for, in a random order
    for name in names:
        size = index.channels[name].matrix_.shape[1]
        asked += [(name, c) for c in rng.permutation(size)[: rng.integers(1, size + 1)].tolist()]
    offset = index.row_postings.offset
    cols = np.asarray([offset[name] + c for name, c in asked])
    key, which, stored, place = index.pairs(names, cols, rows)
    assert np.array_equal(index.row_postings.indices[place], cols[key])
    assert np.array_equal(index.row_postings.data[place], stored)
    dense = {name: index.channels[name].matrix_.toarray() for name in names}
    expected = [
        (j, i, np.float32(dense[name][r, c]))
        for name in names
        for i, r in enumerate(rows.tolist())
        for c, j in sorted((c, j) for j, (of, c) in enumerate(asked) if of == name)
        if dense[name][r, c] != 0
    ]
    assert list(zip(key.tolist(), which.tolist(), stored.tolist(), strict=True)) == [
        (j, i, float(v)) for j, i, v in expected
    ]


@FUZZ
@given(st.integers(0, 2**32 - 1), st.integers(1, 400), st.integers(1, 60))
def test_top_of_a_small_pool_is_that_of_the_arrays(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.choice([0.25, 0.5, 1.0, 0.3], size=n).astype(np.float32)
    scores *= rng.random(n).astype(np.float32) < rng.random()  # many zeros, many ties
    if not scores.any():
        return
    k = min(k, int(np.count_nonzero(scores)))
    order = rng.permutation(n)
    pool = _pool(scores, k)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rank_module, "_SMALL_POOL", n + 1)
        small = rank_module._top(scores, pool, order, k)
        patch.setattr(rank_module, "_SMALL_POOL", 0)
        assert small == rank_module._top(scores, pool, order, k)


@FUZZ
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(0, 12))
def test_query_vector_is_the_plain_weighting(seed: int, n_docs: int, long: int) -> None:
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(30)]
    docs = [
        Analyzed(f"d{i}", "zh", {"word": dict.fromkeys(rng.choice(words, 8).tolist(), 1.0)}, {})
        for i in range(n_docs)
    ]
    counts = {w: float(rng.choice([0.6, 1.0, 2.0, 5.0])) for w in rng.choice(words + ["new"], 12)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "LONG_POSTINGS", long)  # some columns are not looked up
        channel = build_index(docs).channels["word"]
        cols, qvals, terms = channel.query_vector(counts)
        # The weighting term by term.
        unseen_idf = np.log(1.0 + n_docs) + 1.0
        weights, kept = [], []
        for term, count in counts.items():
            col = channel.vocabulary_.get(term, -1)
            idf = float(channel.idf_[col]) if col >= 0 else float(unseen_idf)
            weights.append((1.0 + np.log(count)) * idf)
            postings = channel.matrix_.indptr[col + 1] - channel.matrix_.indptr[col]
            if col >= 0 and not (idf < index_module.MIN_IDF and postings > long):
                kept.append((col, len(weights) - 1, term))
    norm = float(np.sqrt(np.dot(weights, weights)))
    assert cols.tolist() == [col for col, _, _ in kept]
    assert qvals.tolist() == [float(np.float32(weights[at] / norm)) for _, at, _ in kept]
    assert terms == [term for _, _, term in kept]


@FUZZ
@given(st.integers(0, 2**32 - 1), st.integers(1, 3000), st.integers(1, 60))
def test_pool_holds_every_row_scoring_at_least_the_kth(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.choice([0.0, 0.25, 0.5, 1.0], size=n).astype(np.float32)
    scores *= rng.random(n).astype(np.float32) < rng.random()  # many zeros, many ties
    nonzero = int(np.count_nonzero(scores))
    if nonzero == 0:
        return
    k = min(k, nonzero)
    kth = np.partition(scores, n - k)[n - k]
    expected = np.flatnonzero(scores >= max(kth, 1e-12))
    assert np.array_equal(_pool(scores, k), expected)


def _plain_explanation(
    query: Analyzed, index: Index, doc: Analyzed, labels: dict[str, str]
) -> Explanation:
    """An explanation pair by pair: each query term looked up in the document's row."""
    row = index.ids.index(doc.id)
    table = ChannelWeights().table()
    totals: dict[str, float] = {}
    shared: list[tuple[float, str, str]] = []
    for c, name in enumerate(CHANNELS):
        counts = query.channels.get(name)
        weight = table[LANGS.index(query.lang), :, c]
        if not counts or weight.max() == 0:
            continue
        channel = index.channels[name]
        cols, qvals, terms = channel.query_vector(counts)
        values = channel.matrix_[[row], :].toarray()[0]
        for col, q, term in zip(cols.tolist(), qvals, terms, strict=True):
            value = values[col] * q * weight[index.lang[row]]  # float32 throughout
            if values[col] != 0 and float(value) >= MIN_CONTRIBUTION:
                totals[name] = totals.get(name, 0.0) + float(value)
                shared.append((float(value), name, term))
    terms = []
    for value, name, term in sorted(shared, key=lambda t: (-t[0], t[1], t[2]))[:EXPLAINED_TERMS]:
        if name != "concept":
            terms.append(Contribution(name, term, term, round(value, 6)))
            continue
        ours = tuple(query.surfaces.get(term, ()))
        theirs = tuple(doc.surfaces.get(term, ()))
        bridge = bool(ours and theirs) and not set(ours) & set(theirs)
        label = labels.get(term, term)
        terms.append(Contribution(name, term, label, round(value, 6), ours, theirs, bridge))
    ordered = {name: totals[name] for name in CHANNELS if name in totals}
    return Explanation(ordered, tuple(terms), field_checks(query, index.analyzed(row)))


def _random_docs(seed: int, n: int) -> list[Analyzed]:
    rng = np.random.default_rng(seed)
    words = [f"词{i}" for i in range(25)] + [f"w{i}" for i in range(25)]
    grams = [f"{a}{b}" for a in "超滤膜组件" for b in "清洗通量"]
    concepts = [f"c{i}" for i in range(12)]
    forms = ["一", "two", "三", "四", "four", "超滤", "UF"]
    modes = ["transfer", "license", "joint-development", "equity"]
    docs = []
    for i in range(n):
        lang = "zh" if rng.random() < 0.6 else "en"
        # Every fifth document repeats the one before: equal contributions, ties by name.
        if i % 5 == 4:
            docs.append(Analyzed(f"d{i:03d}", docs[-1].lang, docs[-1].channels, docs[-1].surfaces))
            continue
        picked = rng.choice(concepts, int(rng.integers(0, 5)), replace=False).tolist()
        docs.append(
            Analyzed(
                id=f"d{i:03d}",
                lang=lang,
                channels={
                    "word": {
                        w: float(rng.choice([0.6, 1.0, 2.0, 3.0]))
                        for w in rng.choice(words, int(rng.integers(0, 40))).tolist()
                    },
                    "concept": {c: float(rng.choice([0.6, 1.0, 2.0])) for c in picked},
                    "char": dict.fromkeys(rng.choice(grams, 6).tolist(), 1.0)
                    if lang == "zh"
                    else {},
                },
                surfaces={
                    c: sorted(set(rng.choice(forms, int(rng.integers(1, 3))).tolist()))
                    for c in picked
                },
                facets=Facets(
                    kind="result",
                    maturity=[None, "lab", "pilot", "industrial"][int(rng.integers(0, 4))],
                    trl=int(rng.integers(0, 10)) or None,
                    cooperation=tuple(sorted(rng.choice(modes, int(rng.integers(0, 3))).tolist())),
                    money_wan=[None, 50.0, 150.0][int(rng.integers(0, 3))],
                    region=["beijing", "cee"][int(rng.integers(0, 2))],
                ),
            )
        )
    return docs


@FUZZ
@given(st.integers(0, 2**32 - 1), st.sampled_from(["zh", "en"]), st.sampled_from([5, 20, 60]))
def test_explanations_are_those_of_each_pair(seed: int, lang: str, k: int) -> None:
    docs = _random_docs(seed, 80)
    index = build_index(docs)
    query = _random_docs(seed + 1, 1)[0]
    query = Analyzed(
        "q",
        lang,
        {
            "word": {**query.channels["word"], "词1": 2.0, "w1": 1.0},
            "concept": {**query.channels["concept"], "c1": 1.0, "c2": 0.6},
            "char": query.channels["char"] if lang == "zh" else {},
        },
        {"c1": ["超滤"], "c2": ["two", "UF"], **query.surfaces},
        Facets(kind="need", cooperation=("license",), money_wan=100.0),
    )
    labels = {"c1": "超滤/ultrafiltration", "c3": "三"}
    for filters in (Filters(only_open=False), Filters(region_groups=("cee",))):
        ranking = rank_module.rank(query, index, k=k, filters=filters, labels=labels)
        by_id = {d.id: d for d in docs}
        for match in ranking.matches:
            assert match.explanation == _plain_explanation(query, index, by_id[match.id], labels)
    # The row-major lookups and the explanations they give are those of the columns.
    assert ranking.matches or not ranking.scored


@FUZZ
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(1, 12))
def test_columns_and_product_are_scipy_slice_and_product(
    seed: int, n_rows: int, n_cols: int
) -> None:
    rng = np.random.default_rng(seed)
    dense = (rng.random((n_rows, n_cols)) < 0.4) * rng.random((n_rows, n_cols))
    matrix = sparse.csc_matrix(dense.astype(np.float32))
    channel = ChannelIndex({}, np.zeros(n_cols), matrix)
    cols = rng.choice(n_cols, size=rng.integers(1, n_cols + 1), replace=False)
    weights = rng.random(len(cols)).astype(np.float32)
    sub = matrix[:, cols]
    columns = channel.columns(cols)
    assert np.array_equal(columns.indptr, sub.indptr)
    assert np.array_equal(columns.indices, sub.indices)
    assert np.array_equal(columns.data, sub.data)
    product = channel.product(columns, weights)
    assert product.dtype == (sub @ weights).dtype
    assert np.array_equal(product, sub @ weights)


@FUZZ
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(1, 12), st.integers(1, 12))
def test_columns_of_several_channels_are_one_product_after_another(
    seed: int, n_rows: int, n_a: int, n_b: int
) -> None:
    rng = np.random.default_rng(seed)
    channels, picked, weights = [], [], []
    for n_cols in (n_a, n_b):
        dense = (rng.random((n_rows, n_cols)) < 0.4) * rng.random((n_rows, n_cols))
        channels.append(
            ChannelIndex({}, np.zeros(n_cols), sparse.csc_matrix(dense.astype(np.float32)))
        )
        picked.append(rng.choice(n_cols, size=rng.integers(1, n_cols + 1), replace=False))
        weights.append(rng.random(len(picked[-1])).astype(np.float32))
    both = columns_of(list(zip(channels, picked, strict=True)))
    joined = sparse.hstack(
        [c.matrix_[:, cols] for c, cols in zip(channels, picked, strict=True)], format="csc"
    )
    assert np.array_equal(both.indptr, joined.indptr)
    assert np.array_equal(both.indices, joined.indices)
    assert np.array_equal(both.data, joined.data)
    one_by_one = channels[0].product(channels[0].columns(picked[0]), weights[0])
    one_by_one = channels[1].product(channels[1].columns(picked[1]), weights[1], out=one_by_one)
    assert np.array_equal(channels[0].product(both, np.concatenate(weights)), one_by_one)


@FUZZ
@given(
    st.lists(
        st.one_of(
            st.floats(0, 1, width=32),
            st.floats(0, 100),
            st.integers(0, 2 * 10**6).map(lambda i: (i + 0.5) / 10**6),
            st.integers(0, 20000).map(lambda i: (i + 0.5) / 100),
            st.integers(-60, 0).map(lambda e: 2.0**e),
        ),
        max_size=50,
    ),
    st.sampled_from([2, 6]),
)
def test_rounded_is_pythons_round(values: list[float], digits: int) -> None:
    from matcher.rank import _round

    scale = 10.0**digits
    assert [_round(v, scale, digits) for v in values] == [round(v, digits) for v in values]
    single = np.asarray(values, dtype=np.float32).tolist()
    assert [_round(v, scale, digits) for v in single] == [round(v, digits) for v in single]
