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
    # A pair that can share only one channel offers less evidence than one that agrees on
    # three; its score is scaled by this (still 0-1).
    cross_scale: float = 1.0

    def table(self) -> np.ndarray:
        """[query lang, doc lang, channel] → weight."""
        t = np.zeros((len(LANGS), len(LANGS), len(CHANNELS)), dtype=np.float32)
        rows = {(0, 0): self.zh_zh, (1, 1): self.en_en, (0, 1): self.cross, (1, 0): self.cross}
        for (q, d), weights in rows.items():
            w = np.asarray(weights, dtype=np.float32)
            t[q, d] = w / w.sum() * (self.cross_scale if q != d else 1.0)
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
            keep &= np.isin(index.region, regions)
        if self.countries:
            keep &= np.isin(index.country, list(self.countries))
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
            keep &= index.organization != self.exclude_organization
        return keep


@dataclass(frozen=True)
class Contribution:
    channel: str
    term: str
    label: str
    score: float
    query_forms: tuple[str, ...] = ()
    doc_forms: tuple[str, ...] = ()
    bridge: bool = False  # the two sides named it in different languages


@dataclass(frozen=True)
class FieldCheck:
    field: str
    status: str  # agree | clash | unknown
    detail: str


@dataclass(frozen=True)
class Explanation:
    channels: dict[str, float]
    terms: tuple[Contribution, ...]
    fields: tuple[FieldCheck, ...]


@dataclass(frozen=True)
class Match:
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


@dataclass
class _Postings:
    rows: np.ndarray
    local: np.ndarray
    contrib: np.ndarray
    terms: list[str]


def _script(text: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


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
    """The top ``k`` documents for ``query``; ties broken by id."""
    if len(index) == 0:
        return Ranking([], 0, 0)
    table = (weights or ChannelWeights()).table()
    qlang = LANGS.index(query.lang) if query.lang in LANGS else 0
    per_channel: dict[str, _Postings] = {}
    all_rows, all_scores = [], []
    for c, channel in enumerate(CHANNELS):
        counts = query.channels.get(channel)
        if not counts or table[qlang, :, c].max() == 0:
            continue
        cols, qvals, terms = index.channels[channel].query_vector(counts)
        rows, local, dvals = index.channels[channel].postings(cols)
        contrib = dvals * qvals[local] * table[qlang, index.lang[rows], c]
        per_channel[channel] = _Postings(rows, local, contrib, terms)
        all_rows.append(rows)
        all_scores.append(contrib)
    mask = (filters or Filters()).mask(index)
    candidates = int(mask.sum())
    if not all_rows:
        return Ranking([], candidates, 0)
    rows = np.concatenate(all_rows)
    uniq, inverse = np.unique(rows, return_inverse=True)
    scores = np.bincount(inverse, weights=np.concatenate(all_scores))
    keep = mask[uniq] & (scores > 0)
    uniq, scores = uniq[keep], scores[keep]
    if len(uniq) == 0:
        return Ranking([], candidates, 0)
    top = _top(uniq, scores, index.order, k)
    ordered_scores = np.sort(scores)
    matches = []
    for position, i in enumerate(top, start=1):
        score = float(scores[i])
        lower = int(np.searchsorted(ordered_scores, score, side="left")) + (candidates - len(uniq))
        row = int(uniq[i])
        matches.append(
            Match(
                id=index.ids[row],
                score=round(min(score, 1.0), 6),
                rank=position,
                percentile=round(100.0 * lower / candidates, 2),
                explanation=_explain(query, index.docs[row], row, per_channel, labels, filters)
                if explain
                else Explanation({}, (), ()),
            )
        )
    return Ranking(matches, candidates, len(uniq))


def _top(rows: np.ndarray, scores: np.ndarray, order: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best (score desc, id asc), exact at the cut."""
    if len(scores) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        pool = np.flatnonzero(scores >= kth)
    else:
        pool = np.arange(len(scores))
    ranked = pool[np.lexsort((order[rows[pool]], -scores[pool]))]
    return ranked[:k]


def _explain(
    query: Analyzed,
    doc: Analyzed,
    row: int,
    per_channel: dict[str, _Postings],
    labels: Mapping[str, str] | None,
    filters: Filters | None,
) -> Explanation:
    channel_scores: dict[str, float] = {}
    terms: list[Contribution] = []
    for channel, p in per_channel.items():
        hit = p.rows == row
        if not hit.any():
            continue
        local, contrib = p.local[hit], p.contrib[hit]
        channel_scores[channel] = round(float(contrib.sum()), 6)
        for j, value in zip(local, contrib, strict=True):
            term = p.terms[int(j)]
            if channel == "concept":
                q_forms = tuple(query.surfaces.get(term, ()))
                d_forms = tuple(doc.surfaces.get(term, ()))
                bridge = {_script(f) for f in q_forms} != {_script(f) for f in d_forms}
                label = (labels or {}).get(term, term)
                terms.append(
                    Contribution(channel, term, label, float(value), q_forms, d_forms, bridge)
                )
            else:
                terms.append(Contribution(channel, term, term, float(value)))
    terms.sort(key=lambda t: (-t.score, t.channel, t.term))
    rounded = tuple(
        Contribution(
            t.channel, t.term, t.label, round(t.score, 6), t.query_forms, t.doc_forms, t.bridge
        )
        for t in terms
    )
    return Explanation(channel_scores, rounded, field_checks(query, doc))


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
        status = "agree" if result.maturity in ("pilot", "industrial") else "clash"
        checks.append(FieldCheck("maturity", status, f"{result.maturity}{trl}"))
    else:
        checks.append(FieldCheck("maturity", "unknown", "not stated"))
    return tuple(checks)


def _budget_and_price(q: Facets, d: Facets) -> tuple[float | None, float | None]:
    """The need's budget and the result's asking price, whichever side each is on."""
    need, result = (d, q) if d.kind == "need" or q.kind == "result" else (q, d)
    return need.money_wan, result.money_wan


__all__ = ["ChannelWeights", "Filters", "Match", "Ranking", "rank", "field_checks"]
