"""Figures about the domain-language resources: sizes per industry, ambiguous surface forms,
and how well they cover the keywords of an evaluation (or import) folder."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from matcher.glossary import Glossary
from matcher.text import has_cjk
from matcher.tokenize import Analyzer, read_dictionary


@dataclass
class ResourceStats:
    concepts: Counter[str] = field(default_factory=Counter)
    zh_terms: Counter[str] = field(default_factory=Counter)
    en_terms: Counter[str] = field(default_factory=Counter)
    dictionary: Counter[str] = field(default_factory=Counter)
    stopwords: int = 0
    ambiguous: int = 0


def resource_stats(glossary: Glossary, analyzer: Analyzer) -> ResourceStats:
    stats = ResourceStats()
    for concept in glossary.concepts.values():
        stats.concepts[concept.industry] += 1
        stats.zh_terms[concept.industry] += len(concept.zh)
        stats.en_terms[concept.industry] += len(concept.en)
    for entry in read_dictionary():
        stats.dictionary[entry.industry] += 1
    stats.stopwords = len(analyzer.stopwords)
    stats.ambiguous = len(glossary.ambiguous)
    return stats


@dataclass(frozen=True)
class Coverage:
    english_keywords: int
    english_mapped: int  # map to a concept that has a Chinese term
    chinese_keywords: int
    chinese_whole: int  # kept as one token by the tokenizer
    english_missed: tuple[str, ...]
    chinese_split: tuple[str, ...]

    @property
    def english_share(self) -> float:
        return self.english_mapped / self.english_keywords if self.english_keywords else 0.0

    @property
    def chinese_share(self) -> float:
        return self.chinese_whole / self.chinese_keywords if self.chinese_keywords else 0.0


def keyword_coverage(folder: Path, glossary: Glossary, analyzer: Analyzer) -> Coverage:
    """Keywords of ``results.jsonl``: English ones that reach a concept with a Chinese name,
    Chinese ones the tokenizer keeps whole."""
    en_total = en_hit = zh_total = zh_whole = 0
    missed: list[str] = []
    split: list[str] = []
    for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        for keyword in row.get("keywords") or []:
            if has_cjk(keyword):
                zh_total += 1
                if len(analyzer.segment(keyword)) == 1:
                    zh_whole += 1
                else:
                    split.append(keyword)
            else:
                en_total += 1
                hits = glossary.match(analyzer.tokens(keyword))
                if any(glossary.concepts[h.concept].zh for h in hits):
                    en_hit += 1
                else:
                    missed.append(keyword)
    return Coverage(en_total, en_hit, zh_total, zh_whole, tuple(missed), tuple(split))
