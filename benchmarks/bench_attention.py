"""Benchmark of jl_lab.attention and jl_lab.entropy: fitting heads, the search, the explorer.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_attention.py``).  Every
time is the best of several runs, to damp the noise of a shared machine; the
median is printed too.
"""

from __future__ import annotations

import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from jl_lab import attention, entropy, widgets  # noqa: E402


def timed(func, repeat: int = 3):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), out


def main() -> None:
    print("jl_lab.attention / jl_lab.entropy benchmark (best and median of repeats)")

    # 1. the headline fit: L = 512, d = 64 on a sparse target, to convergence (no early stop)
    P = attention.sparse_target(512, k=2, rng=0)
    best, med, fit = timed(lambda: attention.fit_attention(P, 64, max_iter=500, rng=0))
    print(f"  fit L=512 d=64 sparse (500 iterations max): best {best:5.2f} s, median {med:5.2f} s;"
          f" {fit.n_iter} iterations, worst-row TV {fit.max_tv:.1e}, mean KL {fit.kl:.1e}")
    best, med, fit = timed(lambda: attention.fit_attention(P, 64, max_iter=500, stop_tv=0.1, rng=0))
    print(f"  same, stopping at worst-row TV <= 0.1:        best {best:5.2f} s, median {med:5.2f} s;"
          f" {fit.n_iter} iterations")
    Pd = attention.dirichlet_target(512, rng=0)
    best, med, fit = timed(lambda: attention.fit_attention(Pd, 64, max_iter=300, rng=0), repeat=2)
    print(f"  fit L=512 d=64 dirichlet (300 iterations):   best {best:5.2f} s, median {med:5.2f} s;"
          f" worst-row TV {fit.max_tv:.3f}")

    # 2. one evaluation of the objective and gradient (the inner loop), L = 512, d = 64
    f = attention._objective(P, 512, 64, None)
    x = np.random.default_rng(0).standard_normal(2 * 512 * 64)
    with attention._one_blas_thread():
        best, med, _ = timed(lambda: [f(x) for _ in range(20)], repeat=3)
    print(f"  objective + gradient, L=512 d=64: {1e3 * best / 20:6.2f} ms per evaluation")

    # 3. the search: smallest head size for a sparse target at L = 512 (the page's grid and cap)
    grid = attention.head_size_grid(128)
    best, med, d = timed(lambda: attention.min_head_size(P, 0.1, d_max=128, candidates=grid, rng=0), repeat=2)
    print(f"  min_head_size sparse L=512 (grid, cap 128): d = {d}, best {best:5.2f} s, median {med:5.2f} s")

    # (the explorer's update is timed with the other explorers in bench_widgets.py)

    # 5. entropy: the exact root and h_n on a grid
    best, med, n = timed(lambda: entropy.entropy_dimension(1e5), repeat=5)
    print(f"  entropy_dimension(1e5) = {n:.2f}: best {1e3 * best:6.1f} ms")
    grid_n = np.geomspace(2, 1e5, 60)
    best, med, _ = timed(lambda: entropy.per_dimension_constant(grid_n), repeat=3)
    print(f"  h_n / n on 60 dimensions (quad): best {1e3 * best:6.1f} ms")
    best, med, _ = timed(lambda: entropy.sampled_entropy(3000, 100, rng=0), repeat=3)
    print(f"  sampled entropy, N = 3000, n = 100: best {1e3 * best:6.1f} ms")


if __name__ == "__main__":
    main()
