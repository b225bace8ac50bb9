"""Text normalisation shared by every channel: width, case, script, units."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Full-width digits and Latin letters (０-９, Ａ-Ｚ, ａ-ｚ) and the ideographic space. Full-width
# punctuation (，。：) is left alone: it belongs to Chinese text as it is written.
_HALF_WIDTH = {
    **{c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)},
    **{c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)},
    **{c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)},
    0x3000: 0x20,
}

# Unit spellings that mean the same thing; applied after NFKC (which already turns ㎡ into
# m2, ℃ into °c and µ into μ).
_UNITS = (
    (re.compile(r"(?<=\d)\s*(?:°c|摄氏度)"), "℃"),
    (re.compile(r"μm|微米"), "um"),
    (re.compile(r"(?<=\d)\s*(?:平方米|平米)"), "m2"),
    (re.compile(r"(?<=\d)\s*立方米"), "m3"),
    (re.compile(r"(?<=\d)\s*(?:兆帕)"), "mpa"),
    (re.compile(r"(?<=\d)\s*(?:千瓦)"), "kw"),
    (re.compile(r"(?<=\d)\s*(?:纳米)"), "nm"),
    (re.compile(r"(?<=\d)\s+(?=[a-z%℃])"), ""),
)


def half_width(text: str) -> str:
    """Full-width letters and digits to ASCII, so ＰＶＤＦ and PVDF are one word."""
    return text.translate(_HALF_WIDTH)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _strip_accents(text: str) -> str:
    """purées → purees, Jožef → jozef: accents on Latin letters are dropped."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def normalize(text: str) -> str:
    """NFKC (width, compatibility forms), accents, traditional → simplified, lower case,
    units."""
    text = unicodedata.normalize("NFKC", _strip_accents(text))
    text = _t2s().convert(text).lower()
    for pattern, replacement in _UNITS:
        text = pattern.sub(replacement, text)
    return text


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def has_cjk(text: str) -> bool:
    return any(is_cjk(ch) for ch in text)
