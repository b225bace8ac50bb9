"""A TF-IDF index over analysed documents: one sparse matrix per channel, built from kept
tokens (never from text), with the structured facets as arrays for filtering.

Documents are streamed in once: per channel the kept term counts go straight into compact
CSR arrays (float32 values, int32 columns), so a million listings never exist as Python
objects at the same time. scikit-learn's ``TfidfTransformer`` (sublinear tf, smooth idf)
learns the idf; the weighting and L2 normalisation are then applied in place. The matrix is
kept in CSC form so that a query touches only the columns (postings) of its own terms, and
once more row by row (CSR) so that explaining a match reads only that document's terms.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from matcher.documents import CHANNELS, Analyzed, Facets

MATURITY_RANK = {"lab": 1, "pilot": 2, "industrial": 3}
COOPERATION_BITS = {
    name: 1 << i
    for i, name in enumerate(
        ("transfer", "license", "joint-development", "commissioned", "equity", "consulting")
    )
}
# Every cooperation mask → its modes, in code order.
_MODES_OF_MASK = tuple(
    tuple(m for m, bit in COOPERATION_BITS.items() if mask & bit)
    for mask in range(1 << len(COOPERATION_BITS))
)
LANGS = ("zh", "en")
KINDS = ("", "need", "result")
MATURITIES = ("", "lab", "pilot", "industrial")
_NEVER = dt.date.max.toordinal()
# idf 2.5 with smooth idf: the term is in more than about 22% of the documents.
MIN_IDF = 2.5
LONG_POSTINGS = 10_000


class DocFacets(NamedTuple):
    """The facets of an indexed document that the field checks read."""

    kind: str
    maturity: str | None
    trl: int | None
    cooperation: tuple[str, ...]
    money_wan: float | None


def cooperation_mask(modes: Sequence[str]) -> int:
    mask = 0
    for mode in modes:
        mask |= COOPERATION_BITS.get(mode, 0)
    return mask


try:  # scipy's own kernels, called without its indexing layer (checks, wrappers)
    from scipy.sparse._sparsetools import csc_matvec, csr_row_index, csr_tocsc
except ImportError:  # pragma: no cover - fall back to the public interface
    csc_matvec = csr_row_index = csr_tocsc = None


class Columns(NamedTuple):
    """Some columns of a channel's matrix, copied out as CSC arrays (documents × columns)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray


@dataclass
class ChannelIndex:
    """Documents × terms, tf-idf weighted, rows of unit length, column-major."""

    vocabulary_: dict[str, int]
    idf_: np.ndarray
    matrix_: sparse.csc_matrix  # each column's rows ascending

    def __post_init__(self) -> None:
        if not self.matrix_.has_sorted_indices:
            self.matrix_.sort_indices()

    def query_vector(
        self, counts: dict[str, float], like: ChannelIndex | None = None
    ) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(columns, weights, terms) of a query, on the documents' tf-idf scale. Terms no
        document has still count in the query's length (with the largest idf), so a query
        full of unknown words scores lower, as it should. With ``like`` (the base a delta
        was built against), the query is weighed as the base weighs it and looks up what the
        base looks up, so the scores of both compare."""
        if not counts or not self.vocabulary_:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), []
        source = self if like is None else like
        terms = list(counts)
        size = len(terms)
        found = source._columns_of(terms)
        tf = np.fromiter(counts.values(), dtype=np.float64, count=size)
        # Sublinear, as the documents' (counts are at least 0.5); unknown terms (-1) get the
        # largest idf. One read per term gives its idf and whether it is looked up.
        looked_up = source._query_terms[found]
        weights = (1.0 + np.log(tf)) * looked_up[:, 0]
        norm = math.sqrt(float(np.dot(weights, weights))) or 1.0
        if like is None:
            keep = looked_up[:, 1].nonzero()[0]
        else:
            # What the base knows but does not look up stays out; a term the base lacks is
            # looked up here if the delta has it.
            passed_over = (found >= 0) & (looked_up[:, 1] == 0)
            found = self._columns_of(terms)
            keep = ((found >= 0) & ~passed_over).nonzero()[0]
        return (
            found[keep],
            (weights[keep] / norm).astype(np.float32),
            [terms[i] for i in keep.tolist()],
        )

    def _columns_of(self, terms: list[str]) -> np.ndarray:
        """Each term's column (-1: no document has it), typed as the matrix indexes them."""
        return np.fromiter(
            map(self.vocabulary_.get, terms, repeat(-1)),
            dtype=self.matrix_.indptr.dtype,
            count=len(terms),
        )

    def idf_for(self, vocabulary: dict[str, int]) -> np.ndarray:
        """The idf this index gives each term of another vocabulary, in its column order."""
        return self._query_terms[self._columns_of(list(vocabulary)), 0].astype(np.float32)

    @cached_property
    def _lengths(self) -> np.ndarray:
        """The number of postings of each column."""
        return np.diff(self.matrix_.indptr)

    @cached_property
    def _query_terms(self) -> np.ndarray:
        """Per column, then once more for a term no document has (row -1): the idf a query
        term gets and 1 if its postings are looked up, else 0. Terms in a large share of a
        large corpus (idf below MIN_IDF and more than LONG_POSTINGS documents) still count in
        the query's length but are not looked up: their postings are long and their share of
        any score is tiny."""
        unseen_idf = np.log(1.0 + self.matrix_.shape[0]) + 1.0
        postings = self._lengths
        table = np.empty((len(self.idf_) + 1, 2), dtype=np.float64)
        table[:-1, 0] = self.idf_
        table[:-1, 1] = ~((self.idf_ < MIN_IDF) & (postings > LONG_POSTINGS))
        table[-1] = (unseen_idf, 0.0)
        return table

    def columns(self, cols: np.ndarray) -> Columns:
        """The postings of the given columns, in that order: ``matrix_[:, cols]``."""
        return columns_of([(self, cols)])

    def product(
        self, columns: Columns, weights: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        """``matrix_[:, cols] @ weights`` for the ``columns`` of ``cols``: per document,
        column by column, the sum of its weights times the given weights; added to ``out``
        when given (and returned)."""
        n = self.matrix_.shape[0]
        if csc_matvec is None or columns.data.dtype != weights.dtype:  # pragma: no cover
            shape = (n, len(columns.indptr) - 1)
            product = sparse.csc_matrix(columns, shape=shape, copy=False) @ weights
            if out is None:
                return np.asarray(product)
            out += product
            return out
        if out is None or out.dtype != weights.dtype:
            fresh = np.zeros(n, dtype=weights.dtype)
            csc_matvec(n, len(weights), *columns, weights, fresh)
            if out is None:
                return fresh
            out += fresh
            return out
        csc_matvec(n, len(weights), *columns, weights, out)
        return out

    def postings(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document rows, local column positions, stored weights) of the given columns."""
        m = self.matrix_
        starts, ends = m.indptr[cols], m.indptr[cols + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        # Positions of every posting of every column, without a Python loop per posting.
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        idx = offsets + np.arange(total)
        local = np.repeat(np.arange(len(cols)), lengths)
        return m.indices[idx].astype(np.int64), local, m.data[idx]


def columns_of(parts: Sequence[tuple[ChannelIndex, np.ndarray]]) -> Columns:
    """The postings of the given columns of each channel, one channel after another and in
    the order given: ``hstack([channel.matrix_[:, cols] for channel, cols in parts])``,
    copied straight into one set of arrays."""
    types = {channel.matrix_.indptr.dtype for channel, _ in parts}
    if csr_row_index is None or len(types) > 1:  # pragma: no cover
        # The public interface, or channels indexed with different integer types.
        subs = [channel.matrix_[:, cols] for channel, cols in parts]
        joined = sparse.hstack(subs, format="csc") if len(subs) > 1 else subs[0]
        return Columns(joined.indptr, joined.indices, joined.data)
    first = parts[0][0].matrix_
    index_type = first.indptr.dtype
    casts = [cols if cols.dtype == index_type else cols.astype(index_type) for _, cols in parts]
    lengths = [channel._lengths[cols] for (channel, _), cols in zip(parts, casts, strict=True)]
    starts = np.zeros(sum(map(len, casts)) + 1, dtype=index_type)
    (lengths[0] if len(lengths) == 1 else np.concatenate(lengths)).cumsum(out=starts[1:])
    indices = np.empty(int(starts[-1]), dtype=first.indices.dtype)
    data = np.empty(int(starts[-1]), dtype=first.data.dtype)
    at = 0
    for (channel, _), cols in zip(parts, casts, strict=True):
        m = channel.matrix_
        end = int(starts[at + len(cols)])
        done = int(starts[at])
        csr_row_index(
            len(cols), cols, m.indptr, m.indices, m.data, indices[done:end], data[done:end]
        )
        at += len(cols)
    return Columns(starts, indices, data)


# Documents per chunk of the build. Sealed chunks wait on disk, so the build holds one
# chunk and the finished matrix in memory, never all chunks and the matrix together.
CHUNK_ROWS = 1 << 14


class _ChannelBuilder:
    """Appends one document's term counts at a time to compact CSR chunks; sealed chunks
    are spilled to a temporary folder. ``finish`` weighs each chunk and writes it into one
    column-major matrix."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.df = np.zeros(0, dtype=np.int64)
        self.rows = 0
        self.spilled: list[Path] = []
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._open()

    def _open(self) -> None:
        self.indptr = array("q", [0])
        self.indices = array("i")
        self.data = array("f")

    def _current(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            np.asarray(memoryview(self.indptr)),
            np.asarray(memoryview(self.indices)),
            np.asarray(memoryview(self.data)),
        )

    def _count(self, indices: np.ndarray) -> None:
        counts = np.bincount(indices, minlength=len(self.vocabulary))
        if len(self.df) < len(counts):
            self.df = np.concatenate([self.df, np.zeros(len(counts) - len(self.df), np.int64)])
        self.df[: len(counts)] += counts

    def _spill(self) -> None:
        indptr, indices, data = self._current()
        self._count(indices)
        self.rows += len(indptr) - 1
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="techmatch-index-")
        path = Path(self._folder.name) / f"{len(self.spilled):06d}.npz"
        np.savez(path, indptr=indptr, indices=indices, data=data)
        self.spilled.append(path)
        self._open()

    def add(self, counts: dict[str, float], kept: list[tuple[int, str]] | None = None) -> None:
        """Appends one document; the (column, term) of each term kept go to ``kept`` when
        given."""
        vocabulary = self.vocabulary
        for term, value in counts.items():
            if value <= 0:
                continue
            col = vocabulary.get(term)
            if col is None:
                col = vocabulary[term] = len(vocabulary)
            self.indices.append(col)
            self.data.append(value)
            if kept is not None:
                kept.append((col, term))
        self.indptr.append(len(self.indices))
        if len(self.indptr) > CHUNK_ROWS:
            self._spill()

    def _chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The spilled chunks, one at a time, then the open one."""
        for path in self.spilled:
            with np.load(path) as saved:
                chunk = (saved["indptr"], saved["indices"], saved["data"])
            path.unlink()
            yield chunk
        yield self._current()

    def finish(self, like: ChannelIndex | None = None) -> ChannelIndex:
        """The weighted matrix; with ``like``, weighted as that index weighs its terms."""
        last = self._current()
        self._count(last[1])
        n_rows = self.rows + len(last[0]) - 1
        n_cols = len(self.vocabulary)
        try:
            return self._build(n_rows, n_cols, like)
        finally:
            if self._folder is not None:
                self._folder.cleanup()
            self._open()

    def _build(self, n_rows: int, n_cols: int, like: ChannelIndex | None) -> ChannelIndex:
        if n_cols == 0:
            empty = sparse.csc_matrix((n_rows, 0), dtype=np.float32)
            return ChannelIndex({}, np.zeros(0, dtype=np.float32), empty)
        df = self.df[:n_cols]
        # scikit-learn's TfidfTransformer weighs the chunks (sublinear tf, smooth idf, L2
        # rows); its idf is set from the document frequencies of all chunks together,
        # with the formula its fit() uses.
        tfidf = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2")
        if like is None:
            tfidf.idf_ = (np.log((1 + n_rows) / (1 + df)) + 1).astype(np.float32)
        else:
            tfidf.idf_ = like.idf_for(self.vocabulary)
        tfidf.n_features_in_ = n_cols
        indptr = np.zeros(n_cols + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        total = int(indptr[-1])
        index_type = np.int32 if max(total, n_rows) < 2**31 else np.int64
        indptr = indptr.astype(index_type)
        indices = np.empty(total, dtype=index_type)
        data = np.empty(total, dtype=np.float32)
        next_free = indptr[:-1].astype(np.int64)
        first_row = 0
        for chunk_indptr, chunk_indices, chunk_data in self._chunks():
            rows = len(chunk_indptr) - 1
            if rows == 0:
                continue
            chunk = sparse.csr_matrix(
                (chunk_data, chunk_indices, chunk_indptr), shape=(rows, n_cols), copy=False
            )
            columns = sparse.csc_matrix(tfidf.transform(chunk, copy=False))
            del chunk, chunk_indptr, chunk_indices, chunk_data
            lengths = np.diff(columns.indptr)
            owner = np.repeat(np.arange(n_cols, dtype=np.int32), lengths)
            rank = np.arange(columns.nnz, dtype=np.int32) - np.repeat(columns.indptr[:-1], lengths)
            target = next_free[owner] + rank
            indices[target] = columns.indices + first_row
            data[target] = columns.data
            next_free += lengths
            first_row += rows
        matrix = sparse.csc_matrix((data, indices, indptr), shape=(n_rows, n_cols), copy=False)
        matrix.has_sorted_indices = True  # chunks in row order, each column sorted within
        return ChannelIndex(dict(self.vocabulary), tfidf.idf_, matrix)


class RowPostings(NamedTuple):
    """Every channel's postings row by row (CSR), one channel after another: document r of
    channel ``name`` is row ``slot[name] × documents + r``, its columns shifted by
    ``offset[name]`` so that no two channels share a column. Explaining a match reads only
    that document's rows."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    slot: dict[str, int]
    offset: dict[str, int]


def _row_postings(channels: dict[str, ChannelIndex], n_rows: int) -> RowPostings:
    """The channels' matrices transposed into row-major arrays allocated once, each
    channel's rows written in place (columns ascending within a row)."""
    slot = {name: i for i, name in enumerate(channels)}
    offset, n_cols = {}, 0
    for name, channel in channels.items():
        offset[name] = n_cols
        n_cols += channel.matrix_.shape[1]
    total = sum(int(channel.matrix_.nnz) for channel in channels.values())
    index_type = np.int32 if max(total, n_cols, len(channels) * n_rows) < 2**31 else np.int64
    indptr = np.zeros(len(channels) * n_rows + 1, dtype=index_type)
    indices: np.ndarray = np.empty(total, dtype=index_type)
    data = np.empty(total, dtype=np.float32)
    start = 0
    for name, channel in channels.items():
        m = channel.matrix_
        end = start + int(m.nnz)
        first = slot[name] * n_rows
        if csr_tocsc is None:  # pragma: no cover
            rows = m.tocsr()
            pointers, indices[start:end], data[start:end] = rows.indptr, rows.indices, rows.data
        else:
            pointers = np.empty(n_rows + 1, dtype=index_type)
            csr_tocsc(
                m.shape[1],
                n_rows,
                m.indptr.astype(index_type, copy=False),
                m.indices.astype(index_type, copy=False),
                m.data.astype(np.float32, copy=False),
                pointers,
                indices[start:end],
                data[start:end],
            )
        indptr[first : first + n_rows + 1] = pointers + start
        indices[start:end] += offset[name]
        start = end
    return RowPostings(indptr, indices, data, slot, offset)


class _Codes:
    """Small-integer codes for repeated strings (regions, countries, organisations)."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {"": 0}

    def __call__(self, value: str | None) -> int:
        return self.codes.setdefault(value or "", len(self.codes))

    def of(self, values: Iterable[str]) -> list[int]:
        return [self.codes[v] for v in values if v in self.codes]


@dataclass
class Index:
    """Everything a ranking needs, immutable once built (rebuild and swap, never mutate)."""

    ids: list[str]
    channels: dict[str, ChannelIndex]
    lang: np.ndarray  # 0 = zh, 1 = en
    order: np.ndarray  # rank of each id in sorted order, for deterministic ties
    # Facet arrays (one entry per document) for the filters and the explanations.
    codes: dict[str, int]
    region: np.ndarray
    country: np.ndarray
    organization: np.ndarray
    maturity: np.ndarray
    trl: np.ndarray
    cooperation: np.ndarray
    money: np.ndarray
    open: np.ndarray
    valid_until: np.ndarray  # date ordinals; the far future when open-ended
    kind: np.ndarray  # index into KINDS
    row_postings: RowPostings
    # The surface forms that named each concept in each document: per posting of the concept
    # channel in ``row_postings`` (from its first), an index into ``forms``.
    surface_of: np.ndarray
    forms: list[tuple[str, ...]]  # each distinct list of surface forms once
    version: int = 0
    # Filter masks already computed for this index (see matcher.rank).
    masks: dict[Any, tuple[np.ndarray, int]] = field(default_factory=dict)
    # The documents of each language code, computed when first asked for.
    lang_rows: dict[int, np.ndarray] = field(default_factory=dict)
    # The ids as sorted bytes and their rows, made when first asked for (see rows_of).
    sorted_ids: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, ids: Iterable[str]) -> np.ndarray:
        """The rows (ascending) of those of ``ids`` the index holds: binary searches in the
        sorted ids, so no id → row dictionary the size of the index is kept."""
        if self.sorted_ids is None:
            keys = np.asarray(self.ids, dtype=np.bytes_)
            by_id = np.argsort(keys, kind="stable")
            self.sorted_ids = (keys[by_id], by_id)
        keys, by_id = self.sorted_ids
        wanted = np.asarray(list(ids), dtype=np.bytes_)
        if not len(keys) or not len(wanted):
            return np.zeros(0, dtype=np.int64)
        at = np.searchsorted(keys, wanted).clip(max=len(keys) - 1)
        return np.unique(by_id[at[keys[at] == wanted]])

    def code(self, value: str) -> int:
        """The facet code of a value (-1 when no document has it)."""
        return self.codes.get(value, -1)

    def rows_of_lang(self, lang: int) -> np.ndarray:
        """The rows of the documents in language ``lang`` (a code of LANGS), ascending."""
        rows = self.lang_rows.get(lang)
        if rows is None:
            rows = self.lang_rows[lang] = np.flatnonzero(self.lang == lang)
        return rows

    @cached_property
    def facet_codes(self) -> np.ndarray:
        """Per document, one integer for the facets the field checks read other than the
        amount (kind, maturity, TRL, cooperation modes): equal codes, equal facets."""
        code = self.kind.astype(np.int64) & 0x3
        code |= (self.maturity.astype(np.int64) & 0x3) << 2
        code |= (self.trl.astype(np.int64) & 0xFF) << 4
        code |= (self.cooperation.astype(np.int64) & 0xFFFF) << 12
        return code

    def facets(self, rows: np.ndarray) -> list[DocFacets]:
        """The facets the field checks read, of each row."""
        return [
            DocFacets(
                KINDS[kind],
                MATURITIES[maturity] or None,
                trl or None,
                _MODES_OF_MASK[cooperation],
                None if money != money else money,
            )
            for kind, maturity, trl, cooperation, money in zip(
                self.kind[rows].tolist(),
                self.maturity[rows].tolist(),
                self.trl[rows].tolist(),
                self.cooperation[rows].tolist(),
                self.money[rows].tolist(),
                strict=True,
            )
        ]

    def pairs(
        self, names: Sequence[str], cols: np.ndarray, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Which of ``rows`` have which of the terms ``cols`` (distinct, of the channels
        ``names``, shifted as in ``row_postings``): (place in ``cols``, place in ``rows``,
        stored weight, place among the row postings) of each pair found, channel by channel,
        row by row and, within a row, by column. Read from the rows' own postings, so the
        cost follows the length of those rows, not of the columns."""
        p = self.row_postings
        indptr = p.indptr
        if len(cols) == 0 or len(rows) == 0 or not names:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=p.data.dtype), empty
        n, k = len(self.ids), len(rows)
        firsts = np.asarray([p.slot[name] * n for name in names], dtype=indptr.dtype)
        wanted_rows = (firsts[:, np.newaxis] + rows.astype(indptr.dtype, copy=False)).ravel()
        first = indptr[wanted_rows]
        starts = np.zeros(len(wanted_rows) + 1, dtype=indptr.dtype)
        (indptr[wanted_rows + 1] - first).cumsum(out=starts[1:])
        if csr_row_index is None:  # pragma: no cover
            picked = sparse.csr_matrix((p.data, p.indices, indptr))[wanted_rows]
            terms, stored = picked.indices, picked.data
        else:
            total = int(starts[-1])
            terms = np.empty(total, dtype=p.indices.dtype)
            stored = np.empty(total, dtype=p.data.dtype)
            csr_row_index(len(wanted_rows), wanted_rows, indptr, p.indices, p.data, terms, stored)
        sorter = cols.argsort()
        # The columns ascending, then one no term has (found for terms past the last).
        listed = np.empty(len(cols) + 1, dtype=terms.dtype)
        listed[:-1] = cols[sorter]
        listed[-1] = -1
        at = listed[:-1].searchsorted(terms)
        hit = (listed[at] == terms).nonzero()[0]
        which = starts.searchsorted(hit, side="right") - 1
        place = hit + (first - starts[:-1])[which]
        return sorter[at[hit]], which % k, stored[hit], place

    def forms_at(self, places: np.ndarray) -> list[tuple[str, ...]]:
        """The surface forms of the concept postings at ``places`` among the row postings."""
        first = int(self.row_postings.indptr[self.row_postings.slot["concept"] * len(self)])
        return [self.forms[at] for at in self.surface_of[places - first].tolist()]

    def _concepts_of(self, row: int) -> tuple[range, np.ndarray]:
        """The places of a document's concept postings among the row postings, and their
        columns in the concept channel."""
        p = self.row_postings
        at = p.slot["concept"] * len(self) + row
        start, end = int(p.indptr[at]), int(p.indptr[at + 1])
        return range(start, end), p.indices[start:end] - p.offset["concept"]

    def surface_forms(self, row: int, concept: str) -> list[str]:
        """The surface forms that named ``concept`` in document ``row`` (none if it lacks the
        concept)."""
        col = self.channels["concept"].vocabulary_.get(concept)
        if col is None:
            return []
        places, cols = self._concepts_of(row)
        at = int(np.searchsorted(cols, col))
        if at < len(cols) and cols[at] == col:
            return list(self.forms_at(np.asarray([places[at]]))[0])
        return []

    def analyzed(self, row: int) -> Analyzed:
        """The parts of a document an explanation needs: the surface forms of the concepts
        it counts and the facets the field checks read, rebuilt from the arrays."""
        kind, maturity, trl, cooperation, money = self.facets(np.asarray([row]))[0]
        vocabulary = self.channels["concept"].vocabulary_
        terms = dict(zip(vocabulary.values(), vocabulary, strict=True))
        places, cols = self._concepts_of(row)
        forms = self.forms_at(np.asarray(places, dtype=np.int64))
        return Analyzed(
            id=self.ids[row],
            lang=LANGS[int(self.lang[row])],
            channels={},
            surfaces={
                terms[col]: list(named) for col, named in zip(cols.tolist(), forms, strict=True)
            },
            facets=Facets(
                kind=kind, maturity=maturity, trl=trl, cooperation=cooperation, money_wan=money
            ),
        )


@dataclass
class Segments:
    """A large base index and a small delta built against it (the base's weighting, so
    their scores compare). The base rows of documents that changed since it was built are
    hidden; the delta holds the current form of those that still exist. A change is
    matchable once the delta is rebuilt, which costs the changed documents, not the base."""

    base: Index
    delta: Index
    hidden: np.ndarray  # rows of ``base``, ascending
    version: int

    def __len__(self) -> int:
        return len(self.base) - len(self.hidden) + len(self.delta)


def with_changes(
    base: Index, changed: Iterable[str], current: Iterable[Analyzed], *, version: int
) -> Segments:
    """``base`` with the documents ``changed`` replaced by their ``current`` form (those not
    in ``current`` were removed)."""
    return Segments(
        base=base,
        delta=build_index(current, version=version, like=base),
        hidden=base.rows_of(changed),
        version=version,
    )


def build_index(docs: Iterable[Analyzed], *, version: int = 0, like: Index | None = None) -> Index:
    """Build from a stream of analysed documents, reading each once. With ``like``, terms are
    weighted as in that index (its idf), so the two indexes' scores compare."""
    builders = {c: _ChannelBuilder() for c in CHANNELS}
    codes = _Codes()
    ids: list[str] = []
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "lang",
            "region",
            "country",
            "organization",
            "maturity",
            "trl",
            "coop",
            "money",
            "open",
            "valid",
            "kind",
        )
    }
    # Surface forms per concept posting, in the order of the row-major matrix: by document,
    # then by column.
    concepts = builders["concept"]
    surface_of = array("i")
    form_ids: dict[tuple[str, ...], int] = {}
    for doc in docs:
        ids.append(doc.id)
        kept: list[tuple[int, str]] = []
        for channel, builder in builders.items():
            builder.add(doc.channels.get(channel, {}), kept if builder is concepts else None)
        for _, concept in sorted(kept):
            named = tuple(doc.surfaces.get(concept, ()))
            surface_of.append(form_ids.setdefault(named, len(form_ids)))
        f = doc.facets
        cols["lang"].append(LANGS.index(doc.lang) if doc.lang in LANGS else 0)
        cols["region"].append(codes(f.region))
        cols["country"].append(codes(f.country))
        cols["organization"].append(codes(f.organization))
        cols["maturity"].append(MATURITY_RANK.get(f.maturity or "", 0))
        cols["trl"].append(f.trl or 0)
        cols["coop"].append(cooperation_mask(f.cooperation))
        cols["money"].append(np.nan if f.money_wan is None else f.money_wan)
        cols["open"].append(f.open)
        cols["valid"].append(f.valid_until.toordinal() if f.valid_until else _NEVER)
        cols["kind"].append(KINDS.index(f.kind) if f.kind in KINDS else 0)
    order = np.empty(len(ids), dtype=np.int64)
    order[np.argsort(np.asarray(ids, dtype=object), kind="stable")] = np.arange(len(ids))
    channels = {c: b.finish(like.channels[c] if like else None) for c, b in builders.items()}
    return Index(
        ids=ids,
        channels=channels,
        lang=np.asarray(cols["lang"], np.int8),
        order=order,
        codes=codes.codes,
        region=np.asarray(cols["region"], np.int32),
        country=np.asarray(cols["country"], np.int32),
        organization=np.asarray(cols["organization"], np.int32),
        maturity=np.asarray(cols["maturity"], np.int8),
        trl=np.asarray(cols["trl"], np.int8),
        cooperation=np.asarray(cols["coop"], np.int16),
        money=np.asarray(cols["money"], np.float64),
        open=np.asarray(cols["open"], dtype=bool),
        valid_until=np.asarray(cols["valid"], np.int64),
        kind=np.asarray(cols["kind"], np.int8),
        row_postings=_row_postings(channels, len(ids)),
        surface_of=np.asarray(memoryview(surface_of)),
        forms=list(form_ids),
        version=version,
    )
