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


# British and American spellings: (American, British) patterns on a stemmed word, each
# written both ways round. A glossary word in one spelling gets the other, so a text in either
# spelling meets the same concept (fiber / fibre, sulfur / sulphur, modeling / modelling).
_SPELLINGS: tuple[tuple[str, str, str, str], ...] = (
    # (American pattern, British replacement, British pattern, American replacement)
    (r"iz(e|ed|er|ing|ation|able)$", r"is\1", r"is(e|ed|er|ing|ation|able)$", r"iz\1"),
    (r"yz(e|ed|er|ing)$", r"ys\1", r"ys(e|ed|er|ing)$", r"yz\1"),
    (r"([^aeiou])er$", r"\1re", r"([^aeiou])re$", r"\1er"),
    (r"([a-z]{2})or$", r"\1our", r"([a-z]{2})our$", r"\1or"),
    (r"el(ed|ing|er)$", r"ell\1", r"ell(ed|ing|er)$", r"el\1"),
    (r"^sulf", "sulph", r"^sulph", "sulf"),
    (r"^aluminum$", "aluminium", r"^aluminium$", "aluminum"),
    (r"^gray$", "grey", r"^grey$", "gray"),
    (r"^mold", "mould", r"^mould", "mold"),
    (r"^hem(a|o)", r"haem\1", r"^haem(a|o)", r"hem\1"),
    (r"emia$", "aemia", r"aemia$", "emia"),
    (r"^(an|)esth", r"\1aesth", r"^(an|)aesth", r"\1esth"),
    (r"^(orthop|p)ed", r"\1aed", r"^(orthop|p)aed", r"\1ed"),
    (r"^(esophag|estrogen|edema)", r"o\1", r"^o(esophag|estrogen|edema)", r"\1"),
    (r"^fet(al|us)$", r"foet\1", r"^foet(al|us)$", r"fet\1"),
    (r"^aging$", "ageing", r"^ageing$", "aging"),
    (r"^(catalog|analog|dialog)$", r"\1ue", r"^(catalog|analog|dialog)ue$", r"\1"),
    (r"^(defen|licen|offen)se$", r"\1ce", r"^(defen|licen|offen)ce$", r"\1se"),
    (r"^program$", "programme", r"^programme$", "program"),
    (r"^tire$", "tyre", r"^tyre$", "tire"),
    (r"^maneuver", "manoeuvr", r"^manoeuvr", "maneuver"),
)
_SPELLING_RULES = tuple(
    (re.compile(pattern), replacement, to_american)
    for american, to_british, british, to_american_form in _SPELLINGS
    for pattern, replacement, to_american in (
        (american, to_british, False),
        (british, to_american_form, True),
    )
)


def spelling_variants(words: Iterable[str]) -> dict[str, str]:
    """For English words in one spelling (a glossary's), each word's other spelling → the
    word; where the list holds both spellings, the British → the American. Only words of
    the list are reached, so no other word is changed."""
    known = {w for w in words if len(w) > 3 and _ASCII_WORD.match(w)}
    variants: dict[str, str] = {}
    for word in sorted(known):
        for pattern, replacement, to_american in _SPELLING_RULES:
            other = pattern.sub(replacement, word, count=1)
            if other == word:
                continue
            if other not in known:
                variants.setdefault(other, word)
            elif to_american:  # both listed: one word, spelt the American way
                variants.setdefault(word, other)
    # A variant of a British word the list also holds in American spelling goes straight to
    # the American (stabilisre → stabiliser → stabilizer).
    return {v: variants.get(w, w) for v, w in variants.items()}


def glossary_english_words(path: Path | None = None) -> set[str]:
    """The words of the glossary's English terms, lower-cased and stemmed."""
    from matcher.glossary import read_glossary  # it builds on this module

    return {
        stem(word)
        for concept in read_glossary(path)
        for term in concept.en
        for word in re.findall(r"[a-z]+", normalize(term))
    }


class Analyzer:
    """Text → tokens. Build one per process and share it (it is read-only after init)."""

    def __init__(
        self,
        *,
        dictionary: Iterable[DictionaryEntry] | None = None,
        stopwords: Iterable[str] | None = None,
        cache_dir: str | None = None,
        english_words: Iterable[str] | None = None,
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
        if english_words is None:
            english_words = glossary_english_words()
        #: The other spelling (British / American) of a glossary word → the glossary's.
        self.spellings = spelling_variants(english_words)

    def tokens(self, text: str) -> list[str]:
        """Every word of the text in order (stopwords included), normalised and stemmed."""
        return list(self._tokens(normalize(text)))

    def _tokens(self, text: str) -> Iterator[str]:
        for token in self._jieba.cut(text, HMM=True):
            token = token.strip()
            if token and _KEEP.search(token):
                token = stem(token)
                yield self.spellings.get(token, token)

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
