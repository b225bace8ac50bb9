"""The matcher as one object: analyzer, glossary and weights, loaded once per process."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from matcher.documents import Analyzed, Document, FieldWeights, analyze
from matcher.glossary import Glossary, read_glossary
from matcher.index import Index, Segments, build_index
from matcher.rank import ChannelWeights, Filters, Ranking, rank
from matcher.tokenize import Analyzer

#: Changes whenever tokens, glossary handling or weights change the scores.
MATCHER_VERSION = "tfidf-3ch-4"


@dataclass
class Matcher:
    analyzer: Analyzer = field(default_factory=Analyzer)
    glossary: Glossary | None = None
    field_weights: FieldWeights = field(default_factory=FieldWeights)
    channel_weights: ChannelWeights = field(default_factory=ChannelWeights)

    def __post_init__(self) -> None:
        if self.glossary is None:
            self.glossary = Glossary(read_glossary(), self.analyzer)

    @cached_property
    def labels(self) -> dict[str, str]:
        assert self.glossary is not None
        return {cid: c.label for cid, c in self.glossary.concepts.items()}

    def analyze(self, doc: Document) -> Analyzed:
        assert self.glossary is not None
        return analyze(doc, self.analyzer, self.glossary, weights=self.field_weights)

    def build(self, docs: Iterable[Analyzed], *, version: int = 0) -> Index:
        return build_index(docs, version=version)

    def rank(
        self,
        query: Analyzed,
        index: Index | Segments,
        *,
        k: int = 20,
        filters: Filters | None = None,
        explain: bool = True,
    ) -> Ranking:
        return rank(
            query,
            index,
            k=k,
            filters=filters,
            weights=self.channel_weights,
            labels=self.labels,
            explain=explain,
        )
