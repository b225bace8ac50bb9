"""The one mapping between 成熟度, maturity and TRL."""

from __future__ import annotations

import pytest

from models.codes import STAGE_TABLE, Maturity, maturity_trl_range, stage_for_trl


def test_every_trl_has_exactly_one_stage() -> None:
    for trl in range(1, 10):
        rows = [r for r in STAGE_TABLE if r.trl_min <= trl <= r.trl_max]
        assert len(rows) == 1, trl
        assert stage_for_trl(trl) == rows[0]


def test_labels_and_ranges() -> None:
    assert [r.label for r in STAGE_TABLE] == [
        "正在研发",
        "已有样品",
        "通过小试",
        "通过中试",
        "可以量产",
    ]
    assert maturity_trl_range(Maturity.lab) == (1, 4)
    assert maturity_trl_range(Maturity.pilot) == (5, 7)
    assert maturity_trl_range(Maturity.industrial) == (8, 9)
    with pytest.raises(ValueError):
        stage_for_trl(10)
