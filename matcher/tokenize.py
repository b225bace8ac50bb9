"""Tokens for the index: a private jieba tokenizer with the domain dictionary, English words
lightly stemmed, stopwords kept apart, character bigrams as a safety net.

jieba keeps one global tokenizer; this module never touches it. Each :class:`Analyzer` owns a
``jieba.Tokenizer`` loaded once with the domain dictionary (no paddle mode, no parallel mode).
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba

from matcher.text import is_cjk, normalize

RESOURCES = Path(__file__).resolve().parent / "resources"
_ASCII_WORD = re.compile(r"^[a-z]+$")
_KEEP = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]")
_NUMBER = re.compile(r"^[0-9]+(?:[.,][0-9]+)*$")

logging.getLogger("jieba").setLevel(logging.WARNING)
jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True)
class DictionaryEntry:
    word: str
    freq: int
    industry: str


def read_dictionary(path: Path | None = None) -> list[DictionaryEntry]:
    """``word freq industry`` lines (jieba's user-dictionary layout, industry as the tag)."""
    entries = []
    for line in (path or RESOURCES / "dictionary.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, freq, industry = line.rsplit(" ", 2)
        entries.append(DictionaryEntry(word, int(freq), industry))
    return entries


def read_stopwords(path: Path | None = None) -> dict[str, list[str]]:
    """Sections (``# zh-function`` …) of one word per line."""
    sections: dict[str, list[str]] = {}
    current = "default"
    for line in (path or RESOURCES / "stopwords.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            current = line.lstrip("# ").split()[0] if line.lstrip("# ") else current
            continue
        sections.setdefault(current, []).append(line)
    return sections


# Plural endings only: membranes → membrane, batteries → battery, processes → process.
# Heavier stemmers conflate terms a glossary must keep apart (acetal / acetate → acet).
_PLURALS = (
    ("sses", "ss"),
    ("ies", "y"),
    ("xes", "x"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("zzes", "zz"),
)
_SINGULAR_S = ("ss", "us", "is", "as", "os")
_INVARIANT = frozenset({"series", "species", "lens", "gas", "bias", "physics", "chassis", "means"})


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Light English stemming: plural to singular, nothing more."""
    if len(word) <= 3 or word in _INVARIANT or not _ASCII_WORD.match(word):
        return word
    for suffix, replacement in _PLURALS:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)] + replacement
    if word.endswith("s") and not word.endswith(_SINGULAR_S):
        return word[:-1]
    return word


class Analyzer:
    """Text → tokens. Build one per process and share it (it is read-only after init)."""

    def __init__(
        self,
        *,
        dictionary: Iterable[DictionaryEntry] | None = None,
        stopwords: Iterable[str] | None = None,
        cache_dir: str | None = None,
    ) -> None:
        self._jieba = jieba.Tokenizer()
        self._jieba.tmp_dir = cache_dir or tempfile.gettempdir()
        self._jieba.initialize()
        entries = read_dictionary() if dictionary is None else list(dictionary)
        for entry in entries:
            self._jieba.add_word(normalize(entry.word), entry.freq)
        self.dictionary_size = len(entries)
        self.domain = frozenset(normalize(e.word) for e in entries)
        if stopwords is None:
            stopwords = (w for words in read_stopwords().values() for w in words)
        self.stopwords = frozenset(normalize(w) for w in stopwords)

    def tokens(self, text: str) -> list[str]:
        """Every word of the text in order (stopwords included), normalised and stemmed."""
        return list(self._tokens(normalize(text)))

    def _tokens(self, text: str) -> Iterator[str]:
        for token in self._jieba.cut(text, HMM=True):
            token = token.strip()
            if token and _KEEP.search(token):
                yield stem(token)

    def keep(self, tokens: Iterable[str]) -> list[str]:
        """Words worth indexing: no stopwords, no bare numbers."""
        return [t for t in tokens if t not in self.stopwords and not _NUMBER.match(t)]

    def words(self, text: str) -> list[str]:
        return self.keep(self.tokens(text))

    def parts(self, token: str) -> list[str]:
        """The longest words inside a domain compound (焊缝气孔 → 焊缝, 气孔; 活性炭纤维 →
        活性炭, 纤维), so a compound still meets texts that name its parts. Everyday words
        are not taken apart."""
        if len(token) < 3 or token not in self.domain:
            return []
        freq = self._jieba.FREQ
        spans = [
            (i, i + size)
            for size in range(len(token) - 1, 1, -1)
            for i in range(len(token) - size + 1)
            if freq.get(token[i : i + size]) and token[i : i + size] not in self.stopwords
        ]
        # Keep the maximal parts: none lying inside another.
        maximal = [
            a for a in spans if not any(b != a and b[0] <= a[0] and a[1] <= b[1] for b in spans)
        ]
        return [token[i:j] for i, j in maximal]

    def loose_bigrams(self, tokens: list[str]) -> list[str]:
        """Character pairs where the dictionary did not recognise a word: inside words jieba
        guessed, and across runs of single characters (the safety net for missing words)."""
        freq = self._jieba.FREQ
        grams: list[str] = []
        run: list[str] = []

        def flush() -> None:
            text = "".join(run)
            grams.extend(text[i : i + 2] for i in range(len(text) - 1))
            run.clear()

        for token in tokens:
            if not is_cjk(token[0]):
                flush()
            elif len(token) == 1 or not freq.get(token):
                run.append(token)
            else:
                flush()
        flush()
        return grams

    def segment(self, text: str) -> list[str]:
        """jieba's segmentation of normalised text, unstemmed (for checks and stats)."""
        return [t for t in self._jieba.cut(normalize(text), HMM=True) if t.strip()]


__all__ = ["Analyzer", "DictionaryEntry", "is_cjk", "read_dictionary"]
