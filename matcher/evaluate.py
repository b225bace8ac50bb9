"""Match quality on an evaluation folder (``needs.jsonl``, ``results.jsonl``, ``qrels.tsv``):
nDCG@10, Recall@10, MRR and P@5 for the production matcher and two baselines measured in the
same run (BM25 from ``bm25s`` and plain TF-IDF, both over the same jieba tokens)."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from matcher.documents import need_document, result_document
from matcher.engine import Matcher
from matcher.rank import Filters

# A ranking: need id → [(result id, score)] best first.
Run = dict[str, list[tuple[str, float]]]


@dataclass(frozen=True)
class EvalSet:
    needs: list[dict[str, Any]]
    results: list[dict[str, Any]]
    qrels: dict[str, dict[str, int]]

    @property
    def english_needs(self) -> set[str]:
        """Needs whose grade-2 results include an English one."""
        lang = {r["id"]: r.get("lang") for r in self.results}
        return {
            n
            for n, judged in self.qrels.items()
            if any(g == 2 and lang.get(r) == "en" for r, g in judged.items())
        }


def _jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def load(folder: Path) -> EvalSet:
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3:
            qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return EvalSet(_jsonl(folder / "needs.jsonl"), _jsonl(folder / "results.jsonl"), qrels)


# --------------------------------------------------------------------------- metrics


def ndcg_at(ranked: list[str], judged: dict[str, int], k: int) -> float:
    dcg = sum(judged.get(r, 0) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list[str], judged: dict[str, int], k: int) -> float:
    relevant = {r for r, g in judged.items() if g >= 1}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[str], judged: dict[str, int]) -> float:
    for i, r in enumerate(ranked, start=1):
        if judged.get(r, 0) == 2:
            return 1.0 / i
    return 0.0


def precision_at(ranked: list[str], judged: dict[str, int], k: int) -> float:
    return sum(1 for r in ranked[:k] if judged.get(r, 0) >= 1) / k


def score_run(run: Run, qrels: dict[str, dict[str, int]], needs: Iterable[str]) -> dict[str, float]:
    per: dict[str, list[float]] = {"ndcg@10": [], "recall@10": [], "mrr": [], "p@5": []}
    for need in needs:
        ranked = [r for r, _ in run.get(need, [])]
        judged = qrels.get(need, {})
        per["ndcg@10"].append(ndcg_at(ranked, judged, 10))
        per["recall@10"].append(recall_at(ranked, judged, 10))
        per["mrr"].append(reciprocal_rank(ranked, judged))
        per["p@5"].append(precision_at(ranked, judged, 5))
    return {m: round(float(np.mean(v)), 4) if v else 0.0 for m, v in per.items()}


# --------------------------------------------------------------------------- systems


def run_matcher(data: EvalSet, matcher: Matcher) -> Run:
    index = matcher.build(matcher.analyze(result_document(r)) for r in data.results)
    everything = Filters(only_open=False)
    run: Run = {}
    for row in data.needs:
        query = matcher.analyze(need_document(row))
        ranking = matcher.rank(query, index, k=len(index), filters=everything, explain=False)
        run[str(row["id"])] = _complete([(m.id, m.score) for m in ranking.matches], index.ids)
    return run


def _complete(ranked: list[tuple[str, float]], ids: list[str]) -> list[tuple[str, float]]:
    """Every result ranked: the unscored follow, by id."""
    seen = {r for r, _ in ranked}
    return ranked + [(r, 0.0) for r in sorted(ids) if r not in seen]


def _texts(data: EvalSet, matcher: Matcher) -> tuple[list[list[str]], list[list[str]]]:
    words = matcher.analyzer.words
    docs = [
        words(
            " ".join([r.get("title", ""), " ".join(r.get("keywords") or []), r.get("abstract", "")])
        )
        for r in data.results
    ]
    queries = [words(n.get("title", "") + " " + n.get("description", "")) for n in data.needs]
    return docs, queries


def run_bm25(data: EvalSet, matcher: Matcher) -> Run:
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)

    docs, queries = _texts(data, matcher)
    retriever = bm25s.BM25()
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in d] for d in docs]
    retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
    result_ids = [str(r["id"]) for r in data.results]
    run: Run = {}
    for need, q in zip(data.needs, queries, strict=True):
        known = [t for t in q if t in vocab]
        scores = retriever.get_scores(known) if known else np.zeros(len(result_ids))
        run[str(need["id"])] = _order(result_ids, scores)
    return run


def run_plain_tfidf(data: EvalSet, matcher: Matcher) -> Run:
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs, queries = _texts(data, matcher)
    vectorizer = TfidfVectorizer(analyzer=lambda tokens: tokens)
    matrix = vectorizer.fit_transform(docs)
    result_ids = [str(r["id"]) for r in data.results]
    run: Run = {}
    for need, q in zip(data.needs, queries, strict=True):
        scores = (matrix @ vectorizer.transform([q]).T).toarray().ravel()
        run[str(need["id"])] = _order(result_ids, scores)
    return run


def _order(ids: list[str], scores: np.ndarray) -> list[tuple[str, float]]:
    order = sorted(range(len(ids)), key=lambda i: (-float(scores[i]), ids[i]))
    return [(ids[i], round(float(scores[i]), 6)) for i in order]


SYSTEMS: dict[str, Callable[[EvalSet, Matcher], Run]] = {
    "techmatch": run_matcher,
    "bm25": run_bm25,
    "tfidf": run_plain_tfidf,
}


def evaluate(folder: Path, matcher: Matcher | None = None) -> tuple[dict[str, Any], Run]:
    """Figures for every system, overall and on the English-answer needs; and the run of the
    production matcher."""
    data = load(folder)
    matcher = matcher or Matcher()
    all_needs = [str(n["id"]) for n in data.needs]
    english = [n for n in all_needs if n in data.english_needs]
    figures: dict[str, Any] = {
        "needs": len(all_needs),
        "results": len(data.results),
        "english_needs": len(english),
        "systems": {},
    }
    production: Run = {}
    for name, system in SYSTEMS.items():
        run = system(data, matcher)
        if name == "techmatch":
            production = run
        figures["systems"][name] = {
            "all": score_run(run, data.qrels, all_needs),
            "english": score_run(run, data.qrels, english),
        }
    return figures, production


def write_run(run: Run, path: Path, *, depth: int = 100, tag: str = "techmatch") -> None:
    with path.open("w", encoding="utf-8") as out:
        for need, ranked in run.items():
            for position, (result, score) in enumerate(ranked[: depth or None], start=1):
                out.write(f"{need} Q0 {result} {position} {score:.6f} {tag}\n")
