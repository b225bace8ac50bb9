"""A TF-IDF index over analysed documents: one sparse matrix per channel, built from kept
tokens (never from text), with the structured facets as arrays for filtering.

Per channel, scikit-learn's ``DictVectorizer`` turns the kept term counts into a matrix and
``TfidfTransformer`` (sublinear tf, smooth idf, L2 rows) weights it. The matrix is kept in CSC
form so that a query touches only the columns (postings) of its own terms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer

from matcher.documents import CHANNELS, Analyzed

MATURITY_RANK = {"lab": 1, "pilot": 2, "industrial": 3}
COOPERATION_BITS = {
    name: 1 << i
    for i, name in enumerate(
        ("transfer", "license", "joint-development", "commissioned", "equity", "consulting")
    )
}
LANGS = ("zh", "en")


def cooperation_mask(modes: Sequence[str]) -> int:
    mask = 0
    for mode in modes:
        mask |= COOPERATION_BITS.get(mode, 0)
    return mask


@dataclass
class ChannelIndex:
    """Documents × terms, tf-idf weighted, rows of unit length, column-major."""

    vocabulary_: dict[str, int]
    idf_: np.ndarray
    matrix_: sparse.csc_matrix

    @classmethod
    def fit(cls, counts: list[dict[str, float]]) -> ChannelIndex:
        if not any(counts):
            empty = sparse.csc_matrix((len(counts), 0), dtype=np.float32)
            return cls({}, np.zeros(0, dtype=np.float32), empty)
        vectorizer = DictVectorizer(dtype=np.float32, sort=False)
        raw = vectorizer.fit_transform(counts)
        tfidf = TfidfTransformer(sublinear_tf=True, norm="l2", smooth_idf=True)
        weighted = tfidf.fit_transform(raw).astype(np.float32)
        return cls(
            vocabulary_=dict(vectorizer.vocabulary_),
            idf_=tfidf.idf_.astype(np.float32),
            matrix_=sparse.csc_matrix(weighted),
        )

    def query_vector(self, counts: dict[str, float]) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(columns, weights, terms) of a query, on the documents' tf-idf scale. Terms no
        document has still count in the query's length (with the largest idf), so a query
        full of unknown words scores lower, as it should."""
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), []
        unseen_idf = float(np.log((1 + self.matrix_.shape[0]) / 1) + 1)
        cols, vals, terms, norm2 = [], [], [], 0.0
        for term, tf in counts.items():
            col = self.vocabulary_.get(term)
            weight = (1.0 + np.log(tf)) if tf >= 1 else tf
            weight *= float(self.idf_[col]) if col is not None else unseen_idf
            norm2 += weight * weight
            if col is not None:
                cols.append(col)
                vals.append(weight)
                terms.append(term)
        norm = np.sqrt(norm2) or 1.0
        return (
            np.asarray(cols, dtype=np.int64),
            np.asarray(vals, dtype=np.float32) / norm,
            terms,
        )

    def postings(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document rows, local column positions, stored weights) of the given columns."""
        m = self.matrix_
        starts, ends = m.indptr[cols], m.indptr[cols + 1]
        lengths = ends - starts
        if lengths.sum() == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        idx = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
        local = np.repeat(np.arange(len(cols)), lengths)
        return m.indices[idx].astype(np.int64), local, m.data[idx]


@dataclass
class Index:
    """Everything a ranking needs, immutable once built (rebuild and swap, never mutate)."""

    ids: list[str]
    docs: list[Analyzed]
    channels: dict[str, ChannelIndex]
    lang: np.ndarray  # 0 = zh, 1 = en
    order: np.ndarray  # rank of each id in sorted order, for deterministic ties
    # Facet arrays (one entry per document) for the filters.
    region: np.ndarray
    country: np.ndarray
    organization: np.ndarray
    maturity: np.ndarray
    trl: np.ndarray
    cooperation: np.ndarray
    money: np.ndarray
    open: np.ndarray
    valid_until: np.ndarray  # date ordinals; max int when open-ended
    version: int = 0

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def position(self) -> dict[str, int]:
        return {doc_id: i for i, doc_id in enumerate(self.ids)}


def build_index(docs: Sequence[Analyzed], *, version: int = 0) -> Index:
    docs = list(docs)
    channels = {c: ChannelIndex.fit([d.channels.get(c, {}) for d in docs]) for c in CHANNELS}
    ids = [d.id for d in docs]
    order = np.empty(len(ids), dtype=np.int64)
    order[np.argsort(np.asarray(ids, dtype=object), kind="stable")] = np.arange(len(ids))
    f = [d.facets for d in docs]
    never = dt.date.max.toordinal()
    return Index(
        ids=ids,
        docs=docs,
        channels=channels,
        lang=np.asarray([LANGS.index(d.lang) if d.lang in LANGS else 0 for d in docs], np.int8),
        order=order,
        region=np.asarray([x.region or "" for x in f], dtype=object),
        country=np.asarray([x.country or "" for x in f], dtype=object),
        organization=np.asarray([x.organization or "" for x in f], dtype=object),
        maturity=np.asarray([MATURITY_RANK.get(x.maturity or "", 0) for x in f], np.int8),
        trl=np.asarray([x.trl or 0 for x in f], np.int8),
        cooperation=np.asarray([cooperation_mask(x.cooperation) for x in f], np.int16),
        money=np.asarray([np.nan if x.money_wan is None else x.money_wan for x in f], np.float64),
        open=np.asarray([x.open for x in f], dtype=bool),
        valid_until=np.asarray(
            [x.valid_until.toordinal() if x.valid_until else never for x in f], np.int64
        ),
        version=version,
    )
