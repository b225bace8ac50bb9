"""What the matcher works on: plain documents in, analysed documents (kept tokens) out."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from matcher.glossary import Glossary
from matcher.tokenize import Analyzer

CHANNELS = ("word", "concept", "char")
PART_WEIGHT = 0.6  # after sublinear tf (1 + ln 0.6 ≈ 0.5) a part weighs about half a word


class Facets(NamedTuple):
    """Structured fields the filters and the explanation look at; all optional."""

    kind: str = ""  # need | result
    organization: str | None = None
    region: str | None = None
    country: str | None = None
    maturity: str | None = None  # lab | pilot | industrial
    trl: int | None = None
    cooperation: tuple[str, ...] = ()
    money_wan: float | None = None  # a need's budget or a result's asking price
    industry: str | None = None
    zone: str | None = None
    open: bool = True
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class Document:
    """A need or a result as the matcher sees it. ``title`` and ``keywords`` weigh more than
    ``body``."""

    id: str
    lang: str
    title: str
    body: str = ""
    keywords: tuple[str, ...] = ()
    facets: Facets = field(default_factory=Facets)


@dataclass(frozen=True)
class Analyzed:
    """A document's kept tokens: per channel, term → field-weighted count; and, per concept,
    the surface forms that named it. Plain data (JSON-friendly) so it can be stored and an
    index rebuilt from it without tokenising again."""

    id: str
    lang: str
    channels: dict[str, dict[str, float]]
    surfaces: dict[str, list[str]]
    facets: Facets = field(default_factory=Facets)


@dataclass(frozen=True)
class FieldWeights:
    title: float = 2.0
    keywords: float = 2.0
    body: float = 1.0


def analyze(
    doc: Document,
    analyzer: Analyzer,
    glossary: Glossary,
    *,
    weights: FieldWeights = FieldWeights(),  # noqa: B008 - frozen
) -> Analyzed:
    counts: dict[str, defaultdict[str, float]] = {c: defaultdict(float) for c in CHANNELS}
    surfaces: dict[str, set[str]] = defaultdict(set)
    fields = [(doc.title, weights.title), (doc.body, weights.body)]
    fields += [(k, weights.keywords) for k in doc.keywords]
    for text, weight in fields:
        if not text:
            continue
        tokens = analyzer.tokens(text)
        for word in analyzer.keep(tokens):
            counts["word"][word] += weight
            for part in analyzer.parts(word):
                counts["word"][part] += weight * PART_WEIGHT
        for hit in glossary.match(tokens):
            counts["concept"][hit.concept] += weight * (PART_WEIGHT if hit.part else 1.0)
            surfaces[hit.concept].add(hit.surface)
        for gram in analyzer.loose_bigrams(tokens):
            counts["char"][gram] += weight
    return Analyzed(
        id=doc.id,
        lang=doc.lang,
        channels={c: dict(v) for c, v in counts.items()},
        surfaces={k: sorted(v) for k, v in surfaces.items()},
        facets=doc.facets,
    )


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _text(row: Mapping[str, Any], *keys: str) -> str:
    return "\n".join(str(row[k]) for k in keys if row.get(k))


def need_document(row: Mapping[str, Any]) -> Document:
    """A need in the import / evaluation shape (``id``, ``title``, ``description`` …)."""
    return Document(
        id=str(row["id"]),
        lang=row.get("lang") or "zh",
        title=row.get("title") or "",
        body=_text(row, "description", "current_state", "targets"),
        facets=Facets(
            kind="need",
            organization=str(row["organization"]) if row.get("organization") else None,
            cooperation=tuple(row.get("cooperation") or ()),
            money_wan=row.get("budget_wan"),
            industry=row.get("industry"),
            zone=row.get("zone"),
            region=row.get("zone"),
            open=(row.get("status") or "open") == "open",
            valid_until=_date(row.get("valid_until")),
        ),
    )


def result_document(row: Mapping[str, Any]) -> Document:
    """A result in the import / evaluation shape (``id``, ``title``, ``abstract`` …)."""
    return Document(
        id=str(row["id"]),
        lang=row.get("lang") or "zh",
        title=row.get("title") or "",
        body=_text(row, "abstract", "advantages", "applications"),
        keywords=tuple(row.get("keywords") or ()),
        facets=Facets(
            kind="result",
            organization=str(row["organization"]) if row.get("organization") else None,
            region=row.get("region"),
            country=row.get("country"),
            maturity=row.get("maturity"),
            trl=row.get("trl"),
            cooperation=tuple(row.get("cooperation") or ()),
            money_wan=row.get("asking_price_wan"),
            industry=row.get("industry"),
            open=(row.get("status") or "open") == "open",
            valid_until=_date(row.get("valid_until")),
        ),
    )
