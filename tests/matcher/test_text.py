"""Normalisation: what a user types in any width, script or unit spelling reads the same."""

from __future__ import annotations

import pytest

from matcher.text import normalize
from matcher.tokenize import stem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＰＶＤＦ中空纤维膜", "pvdf中空纤维膜"),
        ("聚乙烯管道與閥門", "聚乙烯管道与阀门"),
        ("超濾膜組件", "超滤膜组件"),
        ("耐温 90 °C", "耐温 90℃"),
        ("孔径 0.1 μm", "孔径 0.1um"),
        ("每小时 8 平方米", "每小时 8m2"),
        ("Purées from Jožef Stefan Institute", "purees from jozef stefan institute"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("membranes", "membrane"),
        ("batteries", "battery"),
        ("processes", "process"),
        ("alloys", "alloy"),
        ("series", "series"),
        ("gas", "gas"),
        ("acetal", "acetal"),  # light: no suffix stripping beyond plurals
        ("acetate", "acetate"),
    ],
)
def test_light_stemming(word: str, expected: str) -> None:
    assert stem(word) == expected
