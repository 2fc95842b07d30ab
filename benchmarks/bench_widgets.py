"""Time each explorer's update (compute + redraw to PNG) at its default size; budget 200 ms.

Run with `make bench`.  Prints the best and median of several updates per explorer.
"""

from __future__ import annotations

import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from jl_lab import data, widgets  # noqa: E402

BUDGET_MS = 200.0


def time_update(update, repeats: int = 7):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fig = update()
        fig.savefig(io.BytesIO(), format="png")  # what the notebook's redraw costs
        times.append(1000 * (time.perf_counter() - t0))
    return min(times), statistics.median(times)


def explorers():
    patches = data.image_patches(400, rng=0)
    yield "JL explorer (N=200, eps=0.3, n=100)", lambda: widgets.jl_view(patches, 200, 0.3, 100)
    yield "LSH explorer (angle=40, bits=128)", lambda: widgets.lsh_view(angle=40, n_bits=128)


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
