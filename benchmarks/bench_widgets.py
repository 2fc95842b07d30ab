"""Time each explorer's update (compute + redraw to PNG) at its default size; budget 200 ms.

Run with `make bench`.  Prints the best and median of several updates per explorer
(after one warm-up update), for every explorer in jl_lab.widgets.  Each update moves the first slider
one step, back and forth (as benchmarks/bench_lab.py does in a browser): repeating one value would let
matplotlib reuse the text layouts and ticks of the previous frame and time less than a slider move costs.
The CPU column (median process time per update) is what the load of a shared machine changes least.
"""

from __future__ import annotations

import statistics
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import cbook  # noqa: E402

from jl_lab import cocluster, corpus, data, plots, widgets  # noqa: E402

BUDGET_MS = 200.0


def time_update(update, step, repeats: int = 8):
    """Best and median ms of ``repeats`` updates alternating between the two values of ``step``."""
    name, values = step
    update(**{name: values[1]})  # warm-up: fonts, caches
    times, cpu = [], []
    for i in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        result = update(**{name: values[i % 2]})
        fig = result[0] if isinstance(result, tuple) else result
        widgets.render_png(fig)  # what the explorer's redraw costs (widgets._explorer)
        times.append(1000 * (time.perf_counter() - t0))
        cpu.append(1000 * (time.process_time() - c0))
    return min(times), statistics.median(times), statistics.median(cpu)


def explorers():
    """(name, update, (first slider, (stepped value, default))) for every explorer of the book, at the
    default values its page uses; ``update`` is the function the explorer calls on a slider move."""
    patches = data.image_patches(200, rng=0)
    yield "JL explorer (N=200, eps=0.3, n=100)", widgets.jl_update_function(patches), ("n_points", (190, 200))
    yield "LSH explorer (angle=40, bits=128)", widgets.lsh_update_function(), ("angle", (39, 40))
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        img = plt.imread(f).mean(axis=2) / 255.0
    yield "randomized SVD explorer (600x512 image, k=20, p=10, q=1)", widgets.rsvd_update_function(img), ("k", (19, 20))
    counts, vocab = cocluster.bigram_counts(corpus.load_corpus("python-docs"), vocab_size=1000)
    yield ("co-clustering explorer (8 classes, 400 words)", widgets.cocluster_update_function(counts, vocab),
           ("n_classes", (7, 8)))
    yield "attention explorer (sparse, L=64, d=3)", widgets.attention_update_function(), ("L", (32, 64))


def main() -> int:
    worst = 0.0
    print(f"{'explorer':55s} {'best ms':>8s} {'median ms':>10s} {'CPU ms':>7s}")
    plots.use_style()  # as the pages do
    for name, update, step in explorers():
        best, med, cpu = time_update(update, step)
        worst = max(worst, med)
        print(f"{name:55s} {best:8.0f} {med:10.0f} {cpu:7.0f}{'  OVER BUDGET' if med > BUDGET_MS else ''}")
    print(f"budget {BUDGET_MS:.0f} ms per update: {'met' if worst <= BUDGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
