"""The shortcuts ranking takes (term lookups, top-k pool, surface forms) give exactly what
the plain computation gives."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

import matcher.rank as rank_module
from matcher.documents import Analyzed, Facets
from matcher.engine import Matcher
from matcher.index import ChannelIndex, _surface_forms, build_index
from matcher.rank import Filters, _pool

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
@given(st.dictionaries(CONCEPT, st.lists(FORM, max_size=3), max_size=5), CONCEPT)
def test_surface_forms_are_those_of_the_whole_json(
    surfaces: dict[str, list[str]], concept: str
) -> None:
    raw = json.dumps(surfaces, ensure_ascii=False).encode()
    for key in [concept, *surfaces]:
        assert _surface_forms(raw, key) == surfaces.get(key, [])


@pytest.mark.parametrize(
    "surfaces",
    [
        {},
        {"a": []},
        {"a": ["x]", "y"], "b": ["z"]},
        {"a": ["x", "]y"], "b": ["z"]},
        {"a": ['"b": ["q"]'], "b": ["z"]},
        {"c": ['], "a": ["no"]'], "a": ["yes"]},
        {"a": ["超滤", "ultrafiltration"], "b": [""]},
    ],
)
def test_surface_forms_of_awkward_forms(surfaces: dict[str, list[str]]) -> None:
    raw = json.dumps(surfaces, ensure_ascii=False).encode()
    for key in ["a", "b", "c", "d"]:
        assert _surface_forms(raw, key) == surfaces.get(key, [])


@FUZZ
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(1, 12))
def test_find_is_a_lookup_of_each_pair(seed: int, n_rows: int, n_cols: int) -> None:
    rng = np.random.default_rng(seed)
    dense = (rng.random((n_rows, n_cols)) < 0.3) * rng.random((n_rows, n_cols))
    channel = ChannelIndex({}, np.zeros(n_cols), sparse.csc_matrix(dense.astype(np.float32)))
    cols = rng.permutation(n_cols)[: rng.integers(1, n_cols + 1)]
    rows = np.sort(rng.choice(n_rows, size=rng.integers(1, n_rows + 1), replace=False))
    local, which, stored = channel.find(cols, rows)
    expected = [
        (j, i, np.float32(dense[r, c]))
        for j, c in enumerate(cols.tolist())
        for i, r in enumerate(rows.tolist())
        if dense[r, c] != 0
    ]
    assert list(zip(local.tolist(), which.tolist(), stored.tolist(), strict=True)) == [
        (j, i, float(v)) for j, i, v in expected
    ]


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


def test_explanations_are_the_same_by_scan_or_by_search(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(7)
    words = [f"词{i}" for i in range(60)]
    docs = [
        Analyzed(
            id=f"d{i:03d}",
            lang="zh" if i % 3 else "en",
            channels={
                "word": {w: float(rng.integers(1, 4)) for w in rng.choice(words, 12).tolist()},
                "concept": dict.fromkeys(rng.choice(["c1", "c2", "c3", "c4"], 2).tolist(), 1.0),
                "char": {},
            },
            surfaces={"c1": ["一"], "c2": ["two"], "c3": ["三"], "c4": ["四", "four"]},
            facets=Facets(kind="result", maturity="pilot", money_wan=float(i)),
        )
        for i in range(300)
    ]
    index = build_index(docs)
    query = Analyzed(
        id="q",
        lang="zh",
        channels={
            "word": dict.fromkeys(words[:30], 1.0),
            "concept": {"c1": 1.0, "c2": 1.0, "c4": 2.0},
        },
        surfaces={"c1": ["一"], "c2": ["二"], "c4": ["four"]},
        facets=Facets(kind="need", money_wan=100.0),
    )
    filters = Filters(only_open=False)
    monkeypatch.setattr(rank_module, "_SCAN_PER_COLUMN", 10**9)
    scanned = matcher.rank(query, index, k=40, filters=filters)
    monkeypatch.setattr(rank_module, "_SCAN_PER_COLUMN", 0)
    searched = matcher.rank(query, index, k=40, filters=filters)
    assert scanned == searched
    assert any(t.bridge for m in scanned.matches for t in m.explanation.terms)


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
    from matcher.rank import _rounded

    array = np.asarray(values, dtype=np.float64)
    assert _rounded(array, digits) == [round(v, digits) for v in values]
    single = np.asarray(values, dtype=np.float32)
    assert _rounded(single, digits) == [round(v, digits) for v in single.tolist()]
