"""How fast changed listings become matchable, and what a delta costs the queries; prints a
table (and JSON with --json).

The service keeps a base index of every listing and, after each change, rebuilds only a
delta of the listings changed since, weighted like the base (see ``matcher.index.Segments``).
On the synthetic corpus of ``bench_match.py`` (same generator, same seed) this measures, at
``--docs N`` results:

- the full build from kept tokens (what a change would cost without a delta);
- for deltas of 1 to 10,000 changed listings (half edits of existing listings, half new
  ones): the time to build the delta and hide the edited base rows, and the median / p95
  latency of ranking one need to the top 20 with explanations over base + delta, beside
  the base alone.

    python benchmarks/bench_changes.py --docs 100000
    python benchmarks/bench_changes.py --docs 1000000 --json
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time

from bench_match import Corpus, kept_tokens, peak_rss_mb, percentile

from matcher.documents import Analyzed, Document, Facets
from matcher.engine import Matcher
from matcher.index import Index, Segments, with_changes
from matcher.rank import Filters

DELTAS = (1, 10, 100, 1_000, 10_000)


def latencies(matcher: Matcher, index: Index | Segments, queries: list[Analyzed]) -> list[float]:
    out = []
    for query in queries:
        t = time.perf_counter()
        matcher.rank(query, index, k=20, filters=Filters(), explain=True)
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--json", action="store_true", help="print a JSON line last")
    args = parser.parse_args()

    matcher = Matcher()
    corpus = Corpus(args.seed)
    t = time.perf_counter()
    base = matcher.build(kept_tokens(corpus, matcher, args.docs), version=1)
    build_s = time.perf_counter() - t

    needs = [corpus.text(ids) for ids in corpus.word_ids(args.queries, seed_offset=1)]
    queries = [
        matcher.analyze(
            Document(id=f"q{i}", lang="zh", title=text[:20], body=text, facets=Facets(kind="need"))
        )
        for i, text in enumerate(needs)
    ]
    base_ms = latencies(matcher, base, queries)

    # Changed listings: new texts from the same generator with another seed.
    other = copy.copy(corpus)
    other.seed = args.seed + 7
    fresh = list(kept_tokens(other, matcher, min(max(DELTAS), args.docs)))
    t = time.perf_counter()
    base.rows_of([])  # the sorted ids, made once per base
    lookup_s = time.perf_counter() - t

    rows = [
        ("documents", f"{args.docs:,}"),
        ("full build from kept tokens", f"{build_s:.2f} s"),
        ("sorted ids for hiding rows (once per base)", f"{lookup_s * 1000:.0f} ms"),
        (
            "base alone: rank + explanations, median / p95",
            f"{statistics.median(base_ms):.2f} / {percentile(base_ms, 95):.2f} ms",
        ),
    ]
    report: dict[str, object] = {"docs": args.docs, "build_s": round(build_s, 3), "deltas": []}
    for size in DELTAS:
        if size > args.docs:
            break
        edits = size // 2
        step = max(1, args.docs // max(edits, 1))
        changed: list[Analyzed] = []
        for i, doc in enumerate(fresh[:size]):
            # Half edit existing listings (spread over the base), half are new.
            new_id = f"{i * step:010d}" if i < edits else f"{args.docs + i:010d}"
            changed.append(
                Analyzed(
                    id=new_id,
                    lang=doc.lang,
                    channels=doc.channels,
                    surfaces=doc.surfaces,
                    facets=doc.facets,
                )
            )
        t = time.perf_counter()
        segments = with_changes(base, [d.id for d in changed], changed, version=2)
        delta_ms = (time.perf_counter() - t) * 1000
        ms = latencies(matcher, segments, queries)
        rows.append(
            (
                f"delta of {size:,}: build / rank median / p95",
                f"{delta_ms:,.1f} ms / {statistics.median(ms):.2f} / {percentile(ms, 95):.2f} ms",
            )
        )
        report["deltas"].append(  # type: ignore[attr-defined]
            {
                "size": size,
                "build_ms": round(delta_ms, 2),
                "median_ms": round(statistics.median(ms), 3),
                "p95_ms": round(percentile(ms, 95), 3),
            }
        )
    rows.append(("peak memory (RSS)", f"{peak_rss_mb():,.0f} MB"))
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if args.json:
        report["peak_rss_mb"] = round(peak_rss_mb(), 1)
        print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
