"""Time each explorer's update (compute + redraw to PNG) at its default size; budget 200 ms.

Run with `make bench`.  Prints the best and median of several updates per explorer
(after one warm-up update), for every explorer in jl_lab.widgets.
"""

from __future__ import annotations

import statistics
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import cbook  # noqa: E402

from jl_lab import cocluster, corpus, data, widgets  # noqa: E402

BUDGET_MS = 200.0


def time_update(update, repeats: int = 7):
    update()  # warm-up: fonts, caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = update()
        fig = result[0] if isinstance(result, tuple) else result
        widgets.render_png(fig)  # what the explorer's redraw costs (widgets._explorer)
        times.append(1000 * (time.perf_counter() - t0))
    return min(times), statistics.median(times)


def explorers():
    """(name, update) for every explorer of the book, at the default values its page uses."""
    patches = data.image_patches(400, rng=0)
    yield "JL explorer (N=200, eps=0.3, n=100)", lambda: widgets.jl_view(patches, 200, 0.3, 100)
    yield "LSH explorer (angle=40, bits=128)", lambda: widgets.lsh_view(angle=40, n_bits=128)
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        img = plt.imread(f).mean(axis=2) / 255.0
    yield "randomized SVD explorer (600x512 image, k=20, p=10, q=1)", widgets.rsvd_update_function(img)
    counts, vocab = cocluster.bigram_counts(corpus.load_corpus("python-docs"), vocab_size=1000)
    yield "co-clustering explorer (8 classes, 400 words)", widgets.cocluster_update_function(counts, vocab)
    yield "attention explorer (sparse, L=64, d=3)", widgets.attention_update_function()


def main() -> int:
    worst = 0.0
    print(f"{'explorer':55s} {'best ms':>8s} {'median ms':>10s}")
    for name, update in explorers():
        best, med = time_update(update)
        worst = max(worst, med)
        print(f"{name:55s} {best:8.0f} {med:10.0f}{'  OVER BUDGET' if med > BUDGET_MS else ''}")
    print(f"budget {BUDGET_MS:.0f} ms per update: {'met' if worst <= BUDGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
