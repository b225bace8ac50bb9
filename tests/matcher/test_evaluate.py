"""The evaluator: metrics by hand on a toy run, the eval folder format, TREC run files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from matcher.evaluate import (
    evaluate,
    load,
    ndcg_at,
    precision_at,
    recall_at,
    reciprocal_rank,
    score_run,
    write_run,
)
from tests.support import FIXTURES

JUDGED = {"a": 2, "b": 1, "c": 2}


def test_metrics_by_hand() -> None:
    ranked = ["x", "a", "b", "y", "c"]
    dcg = 2 / math.log2(3) + 1 / math.log2(4) + 2 / math.log2(6)
    idcg = 2 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(ranked, JUDGED, 10) == pytest.approx(dcg / idcg)
    assert recall_at(ranked, JUDGED, 3) == pytest.approx(2 / 3)
    assert reciprocal_rank(ranked, JUDGED) == pytest.approx(1 / 2)
    assert reciprocal_rank(["b", "y"], JUDGED) == 0.0  # no grade-2 result found
    assert precision_at(ranked, JUDGED, 5) == pytest.approx(3 / 5)
    figures = score_run({"n": [(r, 0.0) for r in ranked], "m": []}, {"n": JUDGED}, ["n", "m"])
    assert figures["mrr"] == pytest.approx(0.25)  # a need without results counts zero


def test_evaluate_fixture_folder() -> None:
    data = load(FIXTURES / "eval")
    assert len(data.needs) == 3 and len(data.results) == 8
    assert data.english_needs == {"Q1"}
    figures, run = evaluate(FIXTURES / "eval")
    assert set(figures["systems"]) == {"techmatch", "bm25", "tfidf"}
    for system in figures["systems"].values():
        assert set(system) == {"all", "english"}
        assert 0.0 <= system["all"]["ndcg@10"] <= 1.0
    # Every result is ranked for every need, best first, deterministically.
    assert all(len(ranked) == 8 for ranked in run.values())
    assert run["Q1"][0][0] in {"S1", "S2"}
    again, _ = evaluate(FIXTURES / "eval")
    assert again == figures


def test_trec_run_file(tmp_path: Path) -> None:
    run = {"Q1": [("S1", 0.9), ("S2", 0.5), ("S3", 0.0)], "Q2": [("S3", 0.4)]}
    path = tmp_path / "run.txt"
    write_run(run, path, depth=2, tag="techmatch")
    lines = [line.split() for line in path.read_text().splitlines()]
    assert lines == [
        ["Q1", "Q0", "S1", "1", "0.900000", "techmatch"],
        ["Q1", "Q0", "S2", "2", "0.500000", "techmatch"],
        ["Q2", "Q0", "S3", "1", "0.400000", "techmatch"],
    ]
    write_run(run, path, depth=0)
    assert len(path.read_text().splitlines()) == 4


def test_extra_fields_and_empty_optionals_are_tolerated(tmp_path: Path) -> None:
    for name in ("needs.jsonl", "results.jsonl", "qrels.tsv"):
        (tmp_path / name).write_bytes((FIXTURES / "eval" / name).read_bytes())
    with (tmp_path / "results.jsonl").open("a", encoding="utf-8") as f:
        f.write(
            '{"id": "S9", "title": "离子液体萃取", "abstract": "", "keywords": [], '
            '"institution": "", "region": "beijing", "country": "CN", "lang": "zh", '
            '"maturity": "lab", "ip": "", "cooperation": [], "extra_field": 1}\n'
        )
    figures, run = evaluate(tmp_path)
    assert figures["results"] == 9
    assert len(run["Q1"]) == 9
