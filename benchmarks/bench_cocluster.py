"""Timings of jl_lab.cocluster: counting, sampling, SVD co-clustering and EM.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_cocluster.py``).  Prints the best of
a few repeats of each step; the explorer's update is timed with the others in bench_widgets.py.
"""

from __future__ import annotations

from jl_lab import cocluster as cc
from jl_lab import corpus
from jl_lab.timing import best_time


def best_of(func, repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls (jl_lab.timing.best_time, the one timer of the project)."""
    return best_time(func, repeat)[0]


def main() -> None:
    tokens = corpus.load_corpus("python-docs")
    counts, _ = cc.bigram_counts(tokens, vocab_size=1000)
    model = cc.planted_bigram_model(300, 5, 5, rng=0)
    ids = cc.sample_tokens(model, 1_000_000, rng=1)
    planted, _ = cc.bigram_counts(ids, vocab=range(300))

    rows = [
        ("load_corpus('python-docs')", best_of(lambda: corpus.load_corpus("python-docs"))),
        (f"bigram_counts, {len(tokens):,} words, V = 1000", best_of(lambda: cc.bigram_counts(tokens, vocab_size=1000))),
        ("sample_tokens, 1,000,000 tokens, 300 words", best_of(lambda: cc.sample_tokens(model, 1_000_000, rng=1))),
        ("bigram_counts, 1,000,000 integer ids", best_of(lambda: cc.bigram_counts(ids, vocab=range(300)))),
        ("svd_cocluster, corpus, V = 1000, K = 10", best_of(lambda: cc.svd_cocluster(counts, 10, 10, rng=0))),
        ("spectral_cocluster, planted, 300 words", best_of(lambda: cc.spectral_cocluster(planted, 5, rng=0))),
    ]
    em_t = best_of(lambda: cc.tri_factorize(counts, 10, 10, n_iter=100, rng=0, tol=0.0))
    rows.append((f"tri_factorize, corpus (nnz {counts.nnz:,}), 100 EM iterations", em_t))
    width = max(len(r[0]) for r in rows)
    print("jl_lab.cocluster timings (best of 3; the explorer is timed in bench_widgets.py)")
    for name, t in rows:
        print(f"  {name:<{width}}  {1000 * t:8.1f} ms")
    print(f"  EM: {1000 * em_t / 100:.2f} ms per iteration")


if __name__ == "__main__":
    main()
