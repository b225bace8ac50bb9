"""Matching speed on a synthetic corpus of listings; prints a table (and JSON with --json).

The corpus has realistic statistics: words drawn with Zipf frequencies from the domain
dictionary and jieba's own word list, 150-500 characters per listing, fixed seed. What it
measures, at ``--docs N`` results:

- tokenising throughput: full analysis (jieba, glossary, channels) of real generated texts;
- index build time from kept tokens (the corpus' kept tokens are made from the drawn words
  directly: a million listings are not re-tokenised for a benchmark);
- peak memory of the process;
- need tokenisation time, and the median / p95 latency of ranking one need from its tokens
  to the top 20 with explanations, every channel included;
- beside it, bm25s (numpy backend) on the same corpus and tokens, in a child process. Each
  bm25s query is timed, like ours, right after its need was tokenised (so both start from the
  caches a real request leaves); the same query repeated at once is shown for reference.

    python benchmarks/bench_match.py --docs 100000
    python benchmarks/bench_match.py --docs 1000000 --json
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from matcher.documents import PART_WEIGHT, Analyzed, Document, Facets
from matcher.engine import Matcher
from matcher.rank import Filters
from matcher.tokenize import read_dictionary

JIEBA_WORDS = 60_000
REGIONS = ("beijing", "tianjin", "hebei", "cee")


class Corpus:
    """Draws listings: word sequences with Zipf frequencies, fixed seed."""

    def __init__(self, seed: int, zipf: float = 1.07) -> None:
        import jieba

        words = [e.word for e in read_dictionary()]
        dict_path = Path(jieba.__file__).parent / "dict.txt"
        general = []
        for line in dict_path.read_text(encoding="utf-8").splitlines():
            parts = line.split(" ")
            general.append((int(parts[1]), parts[0]))
        general.sort(reverse=True)
        # jieba's words keep their real frequency order (function words first, which the
        # stopword list removes, as in real listings); the domain terms are spread over
        # the ranks after the first thousand, as technical words are in technical text.
        rng = np.random.default_rng(seed)
        vocabulary = [w for _, w in general[:JIEBA_WORDS]]
        known = set(vocabulary)
        domain = [w for w in dict.fromkeys(words) if w not in known]
        slots = np.sort(rng.integers(1000, len(vocabulary), size=len(domain)))
        for offset, (slot, word) in enumerate(zip(slots, domain, strict=True)):
            vocabulary.insert(int(slot) + offset, word)
        self.vocabulary = vocabulary
        ranks = np.arange(1, len(vocabulary) + 1, dtype=np.float64)
        p = 1.0 / ranks**zipf
        self.p = p / p.sum()
        self.lengths = np.asarray([len(w) for w in vocabulary])
        self.seed = seed

    def word_ids(self, n: int, seed_offset: int = 0) -> Iterator[np.ndarray]:
        """n listings as arrays of word ids, 150-500 characters each."""
        rng = np.random.default_rng(self.seed + seed_offset)
        chunk = 4096
        for start in range(0, n, chunk):
            size = min(chunk, n - start)
            targets = rng.integers(150, 501, size=size)
            draws = rng.choice(len(self.vocabulary), size=(size, 260), p=self.p)
            for row, target in zip(draws, targets, strict=True):
                cut = int(np.searchsorted(np.cumsum(self.lengths[row]), target)) + 1
                yield row[:cut]

    def text(self, ids: np.ndarray) -> str:
        return "".join(self.vocabulary[i] for i in ids)


def kept_tokens(corpus: Corpus, matcher: Matcher, n: int) -> Iterator[Analyzed]:
    """Kept tokens straight from the drawn words (title: the first eight words, weight 2),
    with each compound's dictionary parts at half weight, as the analyzer keeps them."""
    assert matcher.glossary is not None
    stop = matcher.analyzer.stopwords
    parts_of = [matcher.analyzer.parts(w) for w in corpus.vocabulary]
    concept_of = {i: matcher.glossary.lookup((w.lower(),)) for i, w in enumerate(corpus.vocabulary)}
    rng = np.random.default_rng(corpus.seed + 99)
    for number, ids in enumerate(corpus.word_ids(n)):
        words: dict[str, float] = {}
        concepts: dict[str, float] = {}
        surfaces: dict[str, list[str]] = {}
        for position, i in enumerate(ids.tolist()):
            weight = 2.0 if position < 8 else 1.0
            word = corpus.vocabulary[i]
            if word not in stop:
                words[word] = words.get(word, 0.0) + weight
                for part in parts_of[i]:
                    words[part] = words.get(part, 0.0) + weight * PART_WEIGHT
            concept = concept_of[i]
            if concept is not None:
                concepts[concept] = concepts.get(concept, 0.0) + weight
                surfaces.setdefault(concept, [word])
        yield Analyzed(
            id=f"{number:010d}",
            lang="zh",
            channels={"word": words, "concept": concepts, "char": {}},
            surfaces=surfaces,
            facets=Facets(
                kind="result",
                region=REGIONS[int(rng.integers(0, 4))],
                maturity=("lab", "pilot", "industrial")[int(rng.integers(0, 3))],
                cooperation=("license",),
                money_wan=float(rng.integers(10, 500)),
            ),
        )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def bench_bm25s(docs: int, queries: int, seed: int) -> dict[str, float]:
    """bm25s on the same word tokens (run in a child process so memory is not mixed)."""
    import bm25s

    matcher = Matcher()
    corpus = Corpus(seed)
    stop = matcher.analyzer.stopwords
    vocab = {w: i for i, w in enumerate(corpus.vocabulary)}
    keep = np.asarray([w not in stop for w in corpus.vocabulary])
    ids = [row[keep[row]].tolist() for row in corpus.word_ids(docs)]
    retriever = bm25s.BM25(backend="numpy")
    start = time.perf_counter()
    retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
    build = time.perf_counter() - start
    del ids
    # As in the main process, each query is timed right after its need was tokenised (so
    # both systems start from the same caches); also timed back to back, for reference.
    latencies, warm = [], []
    for i, row in enumerate(corpus.word_ids(queries, seed_offset=1)):
        text = corpus.text(row)
        matcher.analyze(
            Document(id=f"q{i}", lang="zh", title=text[:20], body=text, facets=Facets(kind="need"))
        )
        q = [row[keep[row]].tolist()]
        t = time.perf_counter()
        retriever.retrieve(q, k=20, show_progress=False, n_threads=1, backend_selection="numpy")
        latencies.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        retriever.retrieve(q, k=20, show_progress=False, n_threads=1, backend_selection="numpy")
        warm.append((time.perf_counter() - t) * 1000)
    return {
        "build_s": build,
        "median_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 95),
        "warm_median_ms": statistics.median(warm),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--json", action="store_true", help="print a JSON line last")
    parser.add_argument("--no-bm25s", action="store_true")
    parser.add_argument("--bm25s-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bm25s_child:
        print(json.dumps(bench_bm25s(args.docs, args.queries, args.seed)))
        return 0

    t = time.perf_counter()
    matcher = Matcher()
    load_s = time.perf_counter() - t
    corpus = Corpus(args.seed)

    # Tokenising throughput on real generated texts.
    sample = [corpus.text(ids) for ids in corpus.word_ids(min(args.docs, 1000), seed_offset=2)]
    t = time.perf_counter()
    for i, text in enumerate(sample):
        matcher.analyze(Document(id=str(i), lang="zh", title=text[:20], body=text))
    tokenize_s = time.perf_counter() - t
    docs_per_s = len(sample) / tokenize_s
    chars_per_s = sum(len(s) for s in sample) / tokenize_s

    t = time.perf_counter()
    index = matcher.build(kept_tokens(corpus, matcher, args.docs))
    build_s = time.perf_counter() - t  # includes drawing the kept tokens

    # Needs: tokenised in full, then ranked to the top 20 with explanations.
    needs = [corpus.text(ids) for ids in corpus.word_ids(args.queries, seed_offset=1)]
    analyze_ms, rank_ms, bare_ms = [], [], []
    filters = Filters()
    for i, text in enumerate(needs):
        t = time.perf_counter()
        query = matcher.analyze(
            Document(id=f"q{i}", lang="zh", title=text[:20], body=text, facets=Facets(kind="need"))
        )
        analyze_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        matcher.rank(query, index, k=20, filters=filters, explain=True)
        rank_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        matcher.rank(query, index, k=20, filters=filters, explain=False)
        bare_ms.append((time.perf_counter() - t) * 1000)
    peak = peak_rss_mb()
    nnz = {c: int(ch.matrix_.nnz) for c, ch in index.channels.items()}

    bm25 = None
    if not args.no_bm25s:
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--bm25s-child",
                "--docs",
                str(args.docs),
                "--queries",
                str(args.queries),
                "--seed",
                str(args.seed),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        bm25 = json.loads(child.stdout.strip().splitlines()[-1])

    rows = [
        ("documents", f"{args.docs:,}"),
        ("postings (word / concept / char)", " / ".join(f"{nnz[c]:,}" for c in nnz)),
        ("matcher load (dictionary, glossary)", f"{load_s:.2f} s"),
        ("tokenising throughput", f"{docs_per_s:,.0f} listings/s ({chars_per_s:,.0f} chars/s)"),
        ("index build from kept tokens", f"{build_s:.2f} s"),
        ("peak memory (RSS)", f"{peak:,.0f} MB"),
        ("need tokenisation, median", f"{statistics.median(analyze_ms):.2f} ms"),
        ("rank top 20 + explanations, median", f"{statistics.median(rank_ms):.2f} ms"),
        ("rank top 20 + explanations, p95", f"{percentile(rank_ms, 95):.2f} ms"),
        ("rank top 20, scores only, median", f"{statistics.median(bare_ms):.2f} ms"),
    ]
    if bm25:
        rows += [
            ("bm25s (numpy) index build", f"{bm25['build_s']:.2f} s"),
            ("bm25s (numpy) top 20, median", f"{bm25['median_ms']:.2f} ms"),
            ("bm25s (numpy) top 20, p95", f"{bm25['p95_ms']:.2f} ms"),
            ("bm25s (numpy) top 20 repeated, median", f"{bm25['warm_median_ms']:.2f} ms"),
        ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if args.json:
        print(
            json.dumps(
                {
                    "docs": args.docs,
                    "build_s": round(build_s, 3),
                    "peak_rss_mb": round(peak, 1),
                    "median_ms": round(statistics.median(rank_ms), 3),
                    "p95_ms": round(percentile(rank_ms, 95), 3),
                    "bm25s_median_ms": round(bm25["median_ms"], 3) if bm25 else None,
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
