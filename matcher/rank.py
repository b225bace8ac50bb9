"""Ranking: score the documents of an index against one analysed query, filter, explain.

Channels are fused by what the two sides can share. Two Chinese texts share words, concepts
and characters; a Chinese need and an English result share only concepts (the glossary is
their bridge); two English texts share words and concepts. Each pair is scored on the
channels it can share, with weights that add up to one, so every score lies in 0–1 and a
Chinese and an English result compete on merit rather than on how many channels they touch.

Cost follows the postings of the query's terms: only the columns of those terms are read.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, repeat
from typing import NamedTuple

import numpy as np

from matcher.documents import CHANNELS, Analyzed
from matcher.index import (
    _MODES_OF_MASK,
    KINDS,
    LANGS,
    MATURITIES,
    MATURITY_RANK,
    ChannelIndex,
    Index,
    Segments,
    columns_of,
    cooperation_mask,
)

REGION_GROUPS = {
    "jingjin": ("beijing", "tianjin"),
    "hebei": ("hebei", "cangzhou-hitech", "zhongjie-hitech"),
    "cee": ("cee",),
}


@dataclass(frozen=True)
class ChannelWeights:
    """Weights of (word, concept, char) for each kind of pair; each row is normalised."""

    zh_zh: tuple[float, float, float] = (0.40, 0.35, 0.25)
    en_en: tuple[float, float, float] = (0.55, 0.45, 0.0)
    cross: tuple[float, float, float] = (0.0, 1.0, 0.0)

    def table(self) -> np.ndarray:
        """[query lang, doc lang, channel] → weight."""
        t = np.zeros((len(LANGS), len(LANGS), len(CHANNELS)), dtype=np.float32)
        rows = {(0, 0): self.zh_zh, (1, 1): self.en_en, (0, 1): self.cross, (1, 0): self.cross}
        for (q, d), weights in rows.items():
            w = np.asarray(weights, dtype=np.float32)
            t[q, d] = w / w.sum()
        return t


@dataclass(frozen=True)
class Filters:
    region_groups: tuple[str, ...] = ()  # jingjin | hebei | cee
    countries: tuple[str, ...] = ()
    min_maturity: str | None = None  # lab | pilot | industrial
    min_trl: int | None = None
    cooperation: tuple[str, ...] = ()  # keep documents accepting at least one of these
    money_at_most: float | None = None  # e.g. a result's asking price within a need's budget
    money_at_least: float | None = None  # e.g. a need's budget covering a result's price
    only_open: bool = True  # open and not expired
    today: dt.date | None = None
    exclude_organization: str | None = None  # never the same organisation on both sides

    def mask(self, index: Index) -> np.ndarray:
        keep = np.ones(len(index), dtype=bool)
        if self.region_groups:
            regions = [r for g in self.region_groups for r in REGION_GROUPS.get(g, (g,))]
            keep &= np.isin(index.region, [index.code(r) for r in regions])
        if self.countries:
            keep &= np.isin(index.country, [index.code(c) for c in self.countries])
        if self.min_maturity:
            keep &= index.maturity >= MATURITY_RANK[self.min_maturity]
        if self.min_trl:
            keep &= index.trl >= self.min_trl
        if self.cooperation:
            keep &= (index.cooperation & cooperation_mask(self.cooperation)) != 0
        if self.money_at_most is not None:
            keep &= ~(index.money > self.money_at_most)  # unknown (NaN) passes
        if self.money_at_least is not None:
            keep &= ~(index.money < self.money_at_least)
        if self.only_open:
            today = (self.today or dt.date.today()).toordinal()
            keep &= index.open & (index.valid_until >= today)
        if self.exclude_organization:
            keep &= index.organization != index.code(self.exclude_organization)
        return keep


class Contribution(NamedTuple):
    channel: str
    term: str
    label: str
    score: float
    query_forms: tuple[str, ...] = ()
    doc_forms: tuple[str, ...] = ()
    bridge: bool = False  # the two sides named it differently (language, synonym, abbreviation)


class FieldCheck(NamedTuple):
    field: str
    status: str  # agree | clash | caution | unknown
    detail: str


class Explanation(NamedTuple):
    channels: dict[str, float]
    terms: tuple[Contribution, ...]
    fields: tuple[FieldCheck, ...]


class Match(NamedTuple):
    id: str
    score: float
    rank: int
    percentile: float
    explanation: Explanation


@dataclass(frozen=True)
class Ranking:
    matches: list[Match]
    candidates: int  # documents that passed the filters
    scored: int  # of those, documents sharing at least one term


class _Channel(NamedTuple):
    name: str
    index: ChannelIndex
    cols: np.ndarray  # the query's columns in this channel
    terms: list[str]  # their terms
    qvals: np.ndarray  # the query's weights on them
    weight: np.ndarray  # channel weight by document language
    uniform: bool  # every language the index holds has the same weight (see _uniform)


# Terms shown per match; the channel totals still count every shared term.
EXPLAINED_TERMS = 15
# A shared term contributing less is not shown or counted: shared, but not counted for
# this pair of languages.
MIN_CONTRIBUTION = 5e-4
# Every contribution counted is a float32 of at least 2^-11, so a multiple of 2^-34, and at
# most 1: their sums in float64 are exact, whatever the order, for fewer than 2^18 terms.
_SUMS_IN_ANY_ORDER = MIN_CONTRIBUTION >= 2.0**-11
# The same threshold for float32 contributions: the smallest float32 not below it.
_COUNTED_FROM = np.float32(MIN_CONTRIBUTION)
if float(_COUNTED_FROM) < MIN_CONTRIBUTION:  # pragma: no cover - depends on the constant
    _COUNTED_FROM = np.nextafter(_COUNTED_FROM, np.float32(1.0))
# Builds a NamedTuple from all its fields without going through its Python-level __new__.
_new = tuple.__new__


@lru_cache(maxsize=16)
def _channel_weights(
    weights: ChannelWeights, qlang: int
) -> tuple[tuple[np.ndarray, list[float]], ...]:
    """Per channel (in CHANNELS order), the weights by document language of a query in
    language ``qlang``: as an array and as floats."""
    table = weights.table()
    rows = []
    for c in range(len(CHANNELS)):
        weight = table[qlang, :, c].copy()
        weight.setflags(write=False)
        rows.append((weight, weight.tolist()))
    return tuple(rows)


def rank(
    query: Analyzed,
    index: Index | Segments,
    *,
    k: int = 20,
    filters: Filters | None = None,
    weights: ChannelWeights | None = None,
    labels: Mapping[str, str] | None = None,
    explain: bool = True,
) -> Ranking:
    """The top ``k`` documents for ``query``; ties broken by id.

    Cost: the postings of the query's terms (one sparse product per channel over only
    those columns), one pass over the scores for the top ``k``, and for the explanations
    the top documents' own postings, row by row (see ``ChannelIndex.pairs``)."""
    if isinstance(index, Segments):
        return _rank_segments(
            query, index, k, filters or Filters(), weights or ChannelWeights(), labels, explain
        )
    if len(index) == 0:
        return Ranking([], 0, 0)
    scores, channels, candidates, scored = _candidate_scores(
        query, index, filters or Filters(), weights or ChannelWeights()
    )
    if scores is None:
        return Ranking([], candidates, 0)
    k = min(k, scored)
    pool_rows = _pool(scores, k)  # every candidate scoring at least the k-th score
    top_rows, top_scores, at_least = _top(scores, pool_rows, index.order, k)
    rows = np.asarray(top_rows, dtype=np.int64)
    if explain:
        explanations = _explanations(query, index, channels, rows, labels or {})
    else:
        explanations = [Explanation({}, (), ())] * k
    ids = index.ids
    matches = [
        _match(ids[row], score, position, above, candidates, explanation)
        for position, row, score, above, explanation in zip(
            range(1, k + 1), top_rows, top_scores, at_least, explanations, strict=True
        )
    ]
    return Ranking(matches, candidates, scored)


def _scores(
    query: Analyzed, index: Index, weights: ChannelWeights, like: Index | None = None
) -> tuple[np.ndarray | None, list[_Channel]]:
    """Every document's score (None when the query shares no looked-up term with any), and
    the channels that contributed, for the explanations. ``like``: the base whose weighting
    a delta index shares."""
    qlang = LANGS.index(query.lang) if query.lang in LANGS else 0
    by_channel = _channel_weights(weights, qlang)
    channels: list[_Channel] = []
    scores: np.ndarray | None = None
    # Channels whose weight is the same for every language the index holds: the weight goes
    # into the query's values, and their columns are copied and multiplied together, adding
    # into the scores column after column as one product per channel would.
    pending: list[tuple[ChannelIndex, np.ndarray, np.ndarray]] = []
    for name, (weight, weighs) in zip(CHANNELS, by_channel, strict=True):
        counts = query.channels.get(name)
        if not counts or max(weighs) == 0:
            continue
        channel = index.channels[name]
        cols, qvals, terms = channel.query_vector(
            counts, like.channels[name] if like is not None else None
        )
        if len(cols) == 0:
            continue
        uniform = _uniform(weighs, index)
        if uniform:
            pending.append((channel, cols, qvals * weight[0]))
        else:
            scores = _product(pending, scores)
            pending = []
            # Only the query's columns are read: sparse slice, then one product over them.
            part = channel.product(channel.columns(cols), qvals)
            _weigh_by_language(part, weight, index)
            if scores is None:
                scores = part
            else:
                scores += part
        channels.append(_Channel(name, channel, cols, terms, qvals, weight, uniform))
    scores = _product(pending, scores)
    return scores, channels


def _rank_segments(
    query: Analyzed,
    index: Segments,
    k: int,
    filters: Filters,
    weights: ChannelWeights,
    labels: Mapping[str, str] | None,
    explain: bool,
) -> Ranking:
    """``rank`` over a base and its delta: each scored alone (the base without its hidden
    rows), their pools merged. A merged top score is at least each segment's k-th score, so
    each segment's pool holds every document scoring at least it: percentiles are exact."""
    pools: list[tuple[Index, list[_Channel], np.ndarray, np.ndarray, np.ndarray]] = []
    candidates = scored = 0
    for segment, hidden, like in (
        (index.base, index.hidden, None),
        (index.delta, None, index.base),
    ):
        if len(segment) == 0:
            continue
        scores, channels, passing, nonzero = _candidate_scores(
            query, segment, filters, weights, hidden=hidden, like=like
        )
        candidates += passing
        if scores is None:
            continue
        scored += nonzero
        rows = _pool(scores, min(k, nonzero))
        pooled = scores[rows]
        pools.append((segment, channels, rows, pooled, np.sort(pooled)))
    if not pools:
        return Ranking([], candidates, 0)
    entries = sorted(
        (-score, segment.ids[row], part, row)
        for part, (segment, _, rows, pooled, _) in enumerate(pools)
        for row, score in zip(rows.tolist(), pooled.tolist(), strict=True)
    )[: min(k, scored)]
    explanations: list[Explanation] = [Explanation({}, (), ())] * len(entries)
    if explain:
        for part, (segment, channels, _, _, _) in enumerate(pools):
            at = [i for i, entry in enumerate(entries) if entry[2] == part]
            if at:
                rows = np.asarray([entries[i][3] for i in at], dtype=np.int64)
                found = _explanations(query, segment, channels, rows, labels or {})
                for i, explanation in zip(at, found, strict=True):
                    explanations[i] = explanation
    matches = []
    for position, (negated, doc_id, _, _) in enumerate(entries, start=1):
        score = -negated
        # Candidates scoring at least this much: in each segment, all are in its pool.
        above = sum(
            len(ascending) - int(np.searchsorted(ascending, ascending.dtype.type(score)))
            for _, _, _, _, ascending in pools
        )
        matches.append(
            _match(doc_id, score, position, above, candidates, explanations[position - 1])
        )
    return Ranking(matches, candidates, scored)


def _candidate_scores(
    query: Analyzed,
    index: Index,
    filters: Filters,
    weights: ChannelWeights,
    *,
    hidden: np.ndarray | None = None,
    like: Index | None = None,
) -> tuple[np.ndarray | None, list[_Channel], int, int]:
    """(scores, channels, candidates, scored): every document's score, zero for those the
    filters (or ``hidden``) leave out; how many documents pass; how many of them score. The
    scores are None when none does."""
    scores, channels = _scores(query, index, weights, like)
    mask, candidates = _mask(index, filters)
    if hidden is not None and len(hidden):
        candidates -= int(np.count_nonzero(mask[hidden]))
    if scores is None or candidates == 0:
        return None, channels, candidates, 0
    if candidates < len(index):
        scores *= mask
    if hidden is not None and len(hidden):
        scores[hidden] = 0.0
    scored = int(np.count_nonzero(scores != 0))  # as count_nonzero(scores), without its float path
    return (scores if scored else None), channels, candidates, scored


def _match(
    doc_id: str, score: float, position: int, above: int, candidates: int, explanation: Explanation
) -> Match:
    """A ranked match: its score and its percentile among the candidates (``above`` of
    them score at least as much), rounded."""
    return _new(  # type: ignore[no-any-return]
        Match,
        (
            doc_id,
            _round(min(score, 1.0), 1e6, 6),
            position,
            _round(100.0 * (candidates - above) / candidates, 1e2, 2),
            explanation,
        ),
    )


def _round(value: float, scale: float, digits: int) -> float:
    """``round(value, digits)``, given ``scale`` = 10^digits.

    ``round(value × 10^digits) / 10^digits`` divides an integer by a power of ten, which is
    the double nearest that decimal, as ``round(value, digits)`` gives; the integer is the
    same unless value × 10^digits lies within its rounding error of a half, and those few
    values are left to ``round(value, digits)``, which is slower."""
    scaled = value * scale
    whole = round(scaled)
    if abs(scaled - whole) >= 0.5 - 2.0**-30:  # within its rounding error of a half
        return round(value, digits)
    return whole / scale


# Pools up to this size are ordered in Python; larger ones (many equal scores) as arrays.
_SMALL_POOL = 256


def _top(
    scores: np.ndarray, pool_rows: np.ndarray, order: np.ndarray, k: int
) -> tuple[list[int], list[float], list[int]]:
    """The top ``k`` of the pool (best score first, ties by id order): their rows, their
    scores, and how many candidates score at least as much as each (all are in the pool)."""
    if len(pool_rows) > _SMALL_POOL:
        pool_scores = scores[pool_rows]
        ranked = np.lexsort((order[pool_rows], -pool_scores))[:k]
        top_scores = pool_scores[ranked]
        at_least = len(pool_scores) - np.searchsorted(np.sort(pool_scores), top_scores)
        return pool_rows[ranked].tolist(), top_scores.tolist(), at_least.tolist()
    descending = sorted(
        zip(
            [-score for score in scores[pool_rows].tolist()],
            order[pool_rows].tolist(),
            pool_rows.tolist(),
            strict=True,
        )
    )
    negated = [score for score, _, _ in descending]
    top = descending[:k]
    return (
        [row for _, _, row in top],
        [-score for score, _, _ in top],
        [bisect_right(negated, score) for score, _, _ in top],
    )


# Rows per block when bounding the k-th score from below (see _pool).
_BLOCKS = 64


def _pool(scores: np.ndarray, k: int) -> np.ndarray:
    """The rows (ascending) scoring at least the k-th largest score and above zero.

    The k-th largest of the block maxima (a block: every ``_BLOCKS``-th row) is k rows'
    scores, so it is no more than the k-th largest score: the rows at or above it are few,
    hold the top k, and are the only ones partitioned."""
    width = len(scores) // _BLOCKS
    if width >= 4 * k:
        maxima = np.maximum.reduce(scores[: width * _BLOCKS].reshape(_BLOCKS, width), axis=0)
        maxima.partition(width - k)
        rows = (scores >= maxima[width - k]).nonzero()[0]
    else:
        rows = np.arange(len(scores))
    kept = scores[rows]
    ordered = kept.copy()
    ordered.partition(len(kept) - k)
    return rows[kept >= max(ordered[len(kept) - k], 1e-12)]


def _product(
    pending: list[tuple[ChannelIndex, np.ndarray, np.ndarray]], scores: np.ndarray | None
) -> np.ndarray | None:
    """``scores`` plus the postings of the given (channel, columns, weights), multiplied in
    that order."""
    if not pending:
        return scores
    sub = columns_of([(channel, cols) for channel, cols, _ in pending])
    weights = pending[0][2] if len(pending) == 1 else np.concatenate([w for _, _, w in pending])
    return pending[0][0].product(sub, weights, out=scores)


def _uniform(weight: list[float], index: Index) -> bool:
    """Whether every language the index holds has the same (nonzero) channel weight."""
    first = weight[0]
    return first != 0 and all(
        weight[lang] == first or not len(index.rows_of_lang(lang)) for lang in range(1, len(weight))
    )


def _weigh_by_language(part: np.ndarray, weight: np.ndarray, index: Index) -> None:
    """``part *= weight[index.lang]`` in place, without a weight gathered per document: one
    product for all, then the documents of the languages weighing differently."""
    first = weight[0]
    others = [
        (rows, weight[lang])
        for lang in range(1, len(weight))
        if weight[lang] != first and len(rows := index.rows_of_lang(lang))
    ]
    kept = [part[rows] for rows, _ in others]
    part *= first
    for (rows, factor), values in zip(others, kept, strict=True):
        part[rows] = values * factor


def _mask(index: Index, filters: Filters) -> tuple[np.ndarray, int]:
    """The filters' mask and how many documents pass, once per index, filters and day."""
    key = (filters, (filters.today or dt.date.today()).toordinal())
    cached = index.masks.get(key)
    if cached is None:
        if len(index.masks) > 64:
            index.masks.clear()
        mask = filters.mask(index)
        cached = index.masks[key] = (mask, int(np.count_nonzero(mask)))
    return cached


def _explanations(
    query: Analyzed,
    index: Index,
    channels: list[_Channel],
    top_rows: np.ndarray,
    labels: Mapping[str, str],
) -> list[Explanation]:
    """The explanation of each top document: per channel, the sum of its shared terms'
    contributions; its largest contributions (ties by channel name, then term); its field
    checks.

    The (term, document) pairs are looked up in the postings, filtered, summed and ordered
    as arrays; only the contributions shown become Python objects."""
    k = len(top_rows)
    # A term's key: its place among the query's terms laid one channel after another in
    # name order, so keys order by channel name and name their terms through one list.
    by_name = sorted(channels, key=_channel_name)
    terms: list[str] = []
    names: list[str] = []
    concepts_from = concepts_to = 0
    for ch in by_name:
        if ch.name == "concept":
            concepts_from, concepts_to = len(terms), len(terms) + len(ch.terms)
        terms += ch.terms
        names += [ch.name] * len(ch.terms)
    sizes = [len(ch.terms) for ch in by_name]
    offset = index.row_postings.offset
    cols = np.concatenate([ch.cols + offset[ch.name] for ch in by_name])
    key, position, stored, place = index.pairs([ch.name for ch in by_name], cols, top_rows)
    value = stored * np.concatenate([ch.qvals for ch in by_name])[key]
    channel_of = np.arange(len(by_name)).repeat(sizes)  # of each key, in name order
    if all(ch.uniform for ch in by_name):
        value *= np.asarray([ch.weight[0] for ch in by_name])[channel_of[key]]
    else:
        weight = np.stack([ch.weight for ch in by_name])
        value *= weight[channel_of[key], index.lang[top_rows][position]]
    # Shared, but not counted for this pair of languages when below the threshold.
    keep = (value >= _COUNTED_FROM).nonzero()[0]
    position = position[keep]
    value = value[keep]
    key = key[keep]
    if not _SUMS_IN_ANY_ORDER:  # pragma: no cover - see _SUMS_IN_ANY_ORDER
        by_column = np.argsort(position * len(cols) + key, kind="stable")
        keep, position, value, key = (
            keep[by_column],
            position[by_column],
            value[by_column],
            key[by_column],
        )
    # Per match and channel (in the channels' order); above zero exactly when it counts a term.
    width = len(by_name)
    totals = (
        np.bincount(position * width + channel_of[key], weights=value, minlength=k * width)
        .reshape(k, width)[:, [[c.name for c in by_name].index(ch.name) for ch in channels]]
        .tolist()
    )
    # By match, then contribution (largest first): one sort of ``position - value``, which
    # is exact (a position is a small integer, a value a float32 in [MIN_CONTRIBUTION, 1]).
    # Ties, then, by channel name and term.
    ranking = position - value.astype(np.float64)
    order = ranking.argsort()
    ranked = ranking[order]
    if (ranked[1:] == ranked[:-1]).any():
        present, slot = np.unique(key, return_inverse=True)
        listed = present.tolist()
        tie_rank = np.empty(len(listed), dtype=np.int64)
        tie_rank[sorted(range(len(listed)), key=lambda i: (names[listed[i]], terms[listed[i]]))] = (
            np.arange(len(listed))
        )
        order = np.lexsort((tie_rank[slot], ranking))
    count = np.bincount(position, minlength=k)
    counts = count.tolist()
    if max(counts) > EXPLAINED_TERMS:
        first = count.cumsum() - count
        order = order[np.arange(len(order)) - first[position[order]] < EXPLAINED_TERMS]
    ends = list(accumulate(min(c, EXPLAINED_TERMS) for c in counts))

    # Every contribution shown as a word's; then the concepts' get their labels and forms.
    shown_keys = key[order]
    listed = shown_keys.tolist()
    shown_terms = [terms[i] for i in listed]
    scores = [_round(v, 1e6, 6) for v in value[order].tolist()]
    contributions = list(
        map(
            _new,
            repeat(Contribution),
            zip(
                [names[i] for i in listed],
                shown_terms,
                shown_terms,
                scores,
                repeat(()),
                repeat(()),
                repeat(False),
                strict=False,
            ),
        )
    )
    if concepts_to > concepts_from:
        items = ((shown_keys >= concepts_from) & (shown_keys < concepts_to)).nonzero()[0]
        if len(items):
            concepts: dict[str, tuple[str, tuple[str, ...], set[str]]] = {}
            named = index.forms_at(place[keep[order[items]]])
            for item, theirs in zip(items.tolist(), named, strict=True):
                term = shown_terms[item]
                known = concepts.get(term)
                if known is None:
                    ours = tuple(query.surfaces.get(term, ()))
                    known = concepts[term] = (labels.get(term, term), ours, set(ours))
                label, ours, our_set = known
                # The glossary, not a shared word, made this match: 超滤 ↔ ultrafiltration,
                # 聚四氟乙烯 ↔ PTFE, 打砂 ↔ 喷砂.
                bridge = bool(ours and theirs) and our_set.isdisjoint(theirs)
                contributions[item] = _new(
                    Contribution, ("concept", term, label, scores[item], ours, theirs, bridge)
                )

    fields = _field_checks(query, index, top_rows)
    channel_names = [ch.name for ch in channels]
    explanations = []
    begin = 0
    for end, checks, sums in zip(ends, fields, totals, strict=True):
        if all(sums):
            shares = dict(zip(channel_names, sums, strict=True))
        else:
            shares = {name: total for name, total in zip(channel_names, sums, strict=True) if total}
        explanations.append(_new(Explanation, (shares, tuple(contributions[begin:end]), checks)))
        begin = end
    return explanations


def _channel_name(channel: _Channel) -> str:
    return channel.name


def _field_checks(
    query: Analyzed, index: Index, rows: np.ndarray
) -> list[tuple[FieldCheck, FieldCheck, FieldCheck]]:
    """``field_checks`` of the query against each of the indexed ``rows``, read from the
    facet arrays; each distinct check is made once."""
    q = query.facets
    if q.money_wan is None:  # then neither a budget nor a price is known on both sides
        prices: Iterable[FieldCheck] = repeat(_money_check(None, None))
    else:
        prices = [
            _money_check(
                *_budget_and_price(q.kind, q.money_wan, KINDS[kind], None if x != x else x)
            )
            for kind, x in zip(index.kind[rows].tolist(), index.money[rows].tolist(), strict=True)
        ]
    # Cooperation and maturity checks, made once per facet code.
    made: dict[int, tuple[FieldCheck, FieldCheck]] = {}
    checks = []
    codes = index.facet_codes[rows].tolist()
    for row, code, price in zip(rows.tolist(), codes, prices, strict=False):  # prices may repeat
        made_here = made.get(code)
        if made_here is None:
            matures, trl = int(index.maturity[row]), int(index.trl[row])
            result = (
                (MATURITIES[matures] or None, trl or None)
                if matures or trl
                else (q.maturity, q.trl)
            )
            modes = _MODES_OF_MASK[int(index.cooperation[row])]
            made_here = made[code] = (
                _cooperation_check(q.cooperation, modes),
                _maturity_check(*result),
            )
        checks.append((made_here[0], price, made_here[1]))
    return checks


def field_checks(query: Analyzed, doc: Analyzed) -> tuple[FieldCheck, ...]:
    """Structured fields that agree or clash between the two sides."""
    q, d = query.facets, doc.facets
    result = d if d.maturity or d.trl else q
    return (
        _cooperation_check(q.cooperation, d.cooperation),
        _money_check(*_budget_and_price(q.kind, q.money_wan, d.kind, d.money_wan)),
        _maturity_check(result.maturity, result.trl),
    )


def _cooperation_check(ours: tuple[str, ...], theirs: tuple[str, ...]) -> FieldCheck:
    if ours and theirs:
        shared = sorted(set(ours) & set(theirs))
        if shared:
            return FieldCheck("cooperation", "agree", ", ".join(shared))
        return FieldCheck("cooperation", "clash", f"{'/'.join(ours)} vs {'/'.join(theirs)}")
    return FieldCheck("cooperation", "unknown", "not stated on both sides")


def _money_check(budget: float | None, price: float | None) -> FieldCheck:
    if budget is None or price is None:
        return FieldCheck("money", "unknown", "budget or asking price open (面议)")
    if price <= budget:
        return FieldCheck("money", "agree", f"price {price:g} ≤ budget {budget:g} 万元")
    return FieldCheck("money", "clash", f"price {price:g} > budget {budget:g} 万元")


def _maturity_check(maturity: str | None, trl: int | None) -> FieldCheck:
    """The maturity of the result (or of whichever side states one)."""
    if not maturity:
        return FieldCheck("maturity", "unknown", "not stated")
    stated = f"{maturity}, TRL {trl}" if trl else maturity
    if maturity in ("pilot", "industrial"):
        return FieldCheck("maturity", "agree", stated)
    # A lab result can still fit, after a pilot scale-up.
    return FieldCheck("maturity", "caution", f"{stated}: needs pilot scale-up")


def _budget_and_price(
    q_kind: str, q_money: float | None, d_kind: str, d_money: float | None
) -> tuple[float | None, float | None]:
    """The need's budget and the result's asking price, whichever side each is on."""
    if d_kind == "need" or q_kind == "result":
        return d_money, q_money
    return q_money, d_money


__all__ = ["ChannelWeights", "Filters", "Match", "Ranking", "rank", "field_checks"]
