"""The bilingual concept glossary: every way of naming a concept, in Chinese and English,
mapped to one concept id the index can use as a token.

``glossary.tsv``: ``concept_id<TAB>industry<TAB>zh terms<TAB>en terms``, synonyms separated
by ``|``. Terms are matched on the analyzer's tokens, longest first, so English phrases match
after lower-casing and stemming and Chinese terms on the jieba tokens. A surface form listed
under two concepts is ambiguous: it maps to neither (see :attr:`Glossary.ambiguous`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from matcher.text import has_cjk
from matcher.tokenize import RESOURCES, Analyzer


@dataclass(frozen=True)
class Concept:
    id: str
    industry: str
    zh: tuple[str, ...]
    en: tuple[str, ...]

    @property
    def label(self) -> str:
        """A short name for explanations: first Chinese term / first English term."""
        return f"{self.zh[0] if self.zh else ''}/{self.en[0] if self.en else ''}"


@dataclass(frozen=True)
class ConceptHit:
    concept: str
    surface: str  # the words as they stood in the text (normalised)
    lang: str  # "zh" or "en": the script of the surface form
    start: int  # token positions [start, end)
    end: int
    part: bool = False  # a shorter term inside a longer match (热镀锌 in 热镀锌钢管)


def read_glossary(path: Path | None = None) -> list[Concept]:
    concepts = []
    text = (path or RESOURCES / "glossary.tsv").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4:
            raise ValueError(f"glossary line {number}: expected 4 tab-separated columns")
        cid, industry, zh, en = parts

        def terms(cell: str) -> tuple[str, ...]:
            return tuple(t.strip() for t in cell.split("|") if t.strip())

        concepts.append(Concept(cid.strip(), industry.strip(), terms(zh), terms(en)))
    return concepts


class Glossary:
    """Surface forms (as token tuples) → concept ids, with longest-match lookup."""

    def __init__(self, concepts: list[Concept], analyzer: Analyzer) -> None:
        self.concepts = {c.id: c for c in concepts}
        owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for concept in concepts:
            for term in (*concept.zh, *concept.en):
                key = tuple(analyzer.tokens(term))
                if key:
                    owners[key].add(concept.id)
        #: Surface forms claimed by more than one concept; they map to none.
        self.ambiguous = {k: frozenset(v) for k, v in owners.items() if len(v) > 1}
        self._phrases = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}
        self._longest = max((len(k) for k in self._phrases), default=0)
        # Single Chinese tokens, for finding a term inside a longer dictionary word.
        self._zh_words = {
            k[0]: v for k, v in self._phrases.items() if len(k) == 1 and has_cjk(k[0])
        }
        self._zh_longest = max((len(w) for w in self._zh_words), default=0)

    def __len__(self) -> int:
        return len(self.concepts)

    def lookup(self, tokens: tuple[str, ...]) -> str | None:
        return self._phrases.get(tokens)

    def match(self, tokens: list[str]) -> list[ConceptHit]:
        """Concepts named in a token sequence: longest match first, left to right; a Chinese
        word the glossary lacks is searched for the longest term it contains."""
        hits: list[ConceptHit] = []
        i, n = 0, len(tokens)
        while i < n:
            for length in range(min(self._longest, n - i), 0, -1):
                key = tuple(tokens[i : i + length])
                concept = self._phrases.get(key)
                if concept is not None:
                    surface = " ".join(key) if not has_cjk(key[0]) else "".join(key)
                    lang = "zh" if has_cjk(surface) else "en"
                    hits.append(ConceptHit(concept, surface, lang, i, i + length))
                    hits.extend(self._parts(key, i, concept))
                    i += length
                    break
            else:
                if len(tokens[i]) > 2 and has_cjk(tokens[i]):
                    hits.extend(self._inside(tokens[i], i))
                i += 1
        return hits

    def _parts(self, key: tuple[str, ...], position: int, whole: str) -> list[ConceptHit]:
        """The shorter terms inside a matched term: 热镀锌钢管 also names 热镀锌 and 钢管,
        "zinc coating adhesion" also names "coating adhesion"."""
        found: list[ConceptHit] = []
        if len(key) > 1:
            for length in range(len(key) - 1, 0, -1):
                for start in range(len(key) - length + 1):
                    concept = self._phrases.get(key[start : start + length])
                    if concept is not None and concept != whole:
                        surface = " ".join(key[start : start + length])
                        found.append(
                            ConceptHit(
                                concept,
                                surface,
                                "en" if not has_cjk(surface) else "zh",
                                position,
                                position + 1,
                                part=True,
                            )
                        )
        elif has_cjk(key[0]) and len(key[0]) > 2:
            found = [
                ConceptHit(h.concept, h.surface, "zh", position, position + 1, part=True)
                for h in self._inside(key[0], position)
                if h.concept != whole
            ]
        return found

    def _inside(self, word: str, position: int) -> list[ConceptHit]:
        """Longest glossary terms inside one Chinese word (超滤膜组件 → 超滤膜)."""
        found: list[ConceptHit] = []
        start = 0
        while start < len(word) - 1:
            for end in range(min(len(word), start + self._zh_longest), start + 1, -1):
                concept = self._zh_words.get(word[start:end])
                if concept is not None and (start, end) != (0, len(word)):
                    found.append(ConceptHit(concept, word[start:end], "zh", position, position + 1))
                    start = end
                    break
            else:
                start += 1
        return found
