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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from matcher.documents import CHANNELS, Analyzed, Facets
from matcher.index import LANGS, MATURITY_RANK, Index, cooperation_mask

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


@dataclass(frozen=True)
class _Channel:
    name: str
    terms: list[str]  # the query's terms in this channel, by column of ``sub``
    sub: Any  # documents × those terms (CSC): the postings the score was made of
    qvals: np.ndarray  # the query's weights on those terms
    weight: np.ndarray  # channel weight by document language


# Terms shown per match; the channel totals still count every shared term.
EXPLAINED_TERMS = 15


def rank(
    query: Analyzed,
    index: Index,
    *,
    k: int = 20,
    filters: Filters | None = None,
    weights: ChannelWeights | None = None,
    labels: Mapping[str, str] | None = None,
    explain: bool = True,
) -> Ranking:
    """The top ``k`` documents for ``query``; ties broken by id.

    Cost: the postings of the query's terms (gathered and summed per document with one
    ``bincount``), plus one pass over the kept candidates for the top ``k``."""
    n = len(index)
    if n == 0:
        return Ranking([], 0, 0)
    table = (weights or ChannelWeights()).table()
    qlang = LANGS.index(query.lang) if query.lang in LANGS else 0
    channels: list[_Channel] = []
    scores: np.ndarray | None = None
    for c, name in enumerate(CHANNELS):
        counts = query.channels.get(name)
        weight = table[qlang, :, c]
        if not counts or weight.max() == 0:
            continue
        channel = index.channels[name]
        cols, qvals, terms = channel.query_vector(counts)
        if len(cols) == 0:
            continue
        # Only the query's columns are read: sparse slice, then one product over them.
        sub = channel.matrix_[:, cols]
        part = sub @ qvals
        if weight.min() != weight.max():  # languages weigh this channel differently
            part *= weight[index.lang]
        else:
            part *= weight[0]
        scores = part if scores is None else scores + part
        channels.append(_Channel(name, terms, sub, qvals, weight))
    mask, candidates = _mask(index, filters or Filters())
    if scores is None or candidates == 0:
        return Ranking([], candidates, 0)
    scores *= mask
    scored = int(np.count_nonzero(scores))
    if scored == 0:
        return Ranking([], candidates, 0)
    k = min(k, scored)
    kth = np.partition(scores, len(scores) - k)[len(scores) - k]
    pool_rows = np.flatnonzero(scores >= max(kth, 1e-12))  # every candidate scoring ≥ k-th
    pool_scores = scores[pool_rows]
    ranked = np.lexsort((index.order[pool_rows], -pool_scores))[:k]
    top_rows = pool_rows[ranked]
    details = _contributions(index, channels, top_rows) if explain else {}
    top_scores = pool_scores[ranked]
    # Candidates scoring at least each top score: all of them are in the pool.
    descending = -np.sort(-pool_scores)
    at_least = np.searchsorted(-descending, -top_scores, side="right")
    empty = Explanation({}, (), ())
    matches = []
    for position, (row, score, above) in enumerate(
        zip(top_rows.tolist(), top_scores.tolist(), at_least.tolist(), strict=True)
    ):
        matches.append(
            Match(
                id=index.ids[row],
                score=round(min(score, 1.0), 6),
                rank=position + 1,
                percentile=round(100.0 * (candidates - above) / candidates, 2),
                explanation=_explanation(query, index.analyzed(row), details.get(row, []), labels)
                if explain
                else empty,
            )
        )
    return Ranking(matches, candidates, scored)


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


def _contributions(
    index: Index, channels: list[_Channel], top_rows: np.ndarray
) -> dict[int, list[tuple[str, str, float]]]:
    """(channel, term, contribution) of each top document, picked out of the postings the
    scoring already read."""
    is_top = np.zeros(len(index), dtype=bool)
    is_top[top_rows] = True
    out: dict[int, list[tuple[str, str, float]]] = {}
    for channel in channels:
        sub = channel.sub
        picked = np.flatnonzero(is_top[sub.indices])
        local = np.searchsorted(sub.indptr, picked, side="right") - 1
        rows = sub.indices[picked]
        values = sub.data[picked] * channel.qvals[local] * channel.weight[index.lang[rows]]
        terms = channel.terms
        for row, j, value in zip(rows.tolist(), local.tolist(), values.tolist(), strict=True):
            if value >= 5e-4:  # shared, but not counted for this pair of languages
                out.setdefault(row, []).append((channel.name, terms[j], value))
    return out


def _explanation(
    query: Analyzed,
    doc: Analyzed,
    parts: list[tuple[str, str, float]],
    labels: Mapping[str, str] | None,
) -> Explanation:
    channel_scores: dict[str, float] = {}
    for channel, _, value in parts:
        channel_scores[channel] = channel_scores.get(channel, 0.0) + value
    terms: list[Contribution] = []
    for channel, term, value in sorted(parts, key=lambda p: (-p[2], p[0], p[1]))[:EXPLAINED_TERMS]:
        if channel == "concept":
            q_forms = tuple(query.surfaces.get(term, ()))
            d_forms = tuple(doc.surfaces.get(term, ()))
            # The glossary, not a shared word, made this match: 超滤 ↔ ultrafiltration,
            # 聚四氟乙烯 ↔ PTFE, 打砂 ↔ 喷砂.
            bridge = bool(q_forms and d_forms) and not set(q_forms) & set(d_forms)
            label = (labels or {}).get(term, term)
            terms.append(
                Contribution(channel, term, label, round(value, 6), q_forms, d_forms, bridge)
            )
        else:
            terms.append(Contribution(channel, term, term, round(value, 6)))
    return Explanation(channel_scores, tuple(terms), field_checks(query, doc))


def field_checks(query: Analyzed, doc: Analyzed) -> tuple[FieldCheck, ...]:
    """Structured fields that agree or clash between the two sides."""
    q, d = query.facets, doc.facets
    checks = []
    if q.cooperation and d.cooperation:
        shared = sorted(set(q.cooperation) & set(d.cooperation))
        if shared:
            checks.append(FieldCheck("cooperation", "agree", ", ".join(shared)))
        else:
            detail = f"{'/'.join(q.cooperation)} vs {'/'.join(d.cooperation)}"
            checks.append(FieldCheck("cooperation", "clash", detail))
    else:
        checks.append(FieldCheck("cooperation", "unknown", "not stated on both sides"))
    budget, price = _budget_and_price(q, d)
    if budget is None or price is None:
        checks.append(FieldCheck("money", "unknown", "budget or asking price open (面议)"))
    elif price <= budget:
        checks.append(FieldCheck("money", "agree", f"price {price:g} ≤ budget {budget:g} 万元"))
    else:
        checks.append(FieldCheck("money", "clash", f"price {price:g} > budget {budget:g} 万元"))
    result = d if d.maturity or d.trl else q
    if result.maturity:
        trl = f", TRL {result.trl}" if result.trl else ""
        if result.maturity in ("pilot", "industrial"):
            checks.append(FieldCheck("maturity", "agree", f"{result.maturity}{trl}"))
        else:  # a lab result can still fit, after a pilot scale-up
            detail = f"{result.maturity}{trl}: needs pilot scale-up"
            checks.append(FieldCheck("maturity", "caution", detail))
    else:
        checks.append(FieldCheck("maturity", "unknown", "not stated"))
    return tuple(checks)


def _budget_and_price(q: Facets, d: Facets) -> tuple[float | None, float | None]:
    """The need's budget and the result's asking price, whichever side each is on."""
    need, result = (d, q) if d.kind == "need" or q.kind == "result" else (q, d)
    return need.money_wan, result.money_wan


__all__ = ["ChannelWeights", "Filters", "Match", "Ranking", "rank", "field_checks"]
