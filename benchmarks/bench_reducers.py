"""Benchmark of jl_lab.reducers: fit and transform times of each reducer, and the two Hadamard transforms.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_reducers.py``).  Prints best-of-3
wall times; the machine may be shared, so compare ratios rather than absolute numbers.
"""

from __future__ import annotations


import numpy as np
import scipy.linalg

from jl_lab import projections, reducers
from jl_lab.timing import best_time


def best(func, repeats: int = 3) -> float:
    """Best wall time of ``repeats`` calls (jl_lab.timing.best_time, the one timer of the project)."""
    return best_time(func, repeats)[0]


def main() -> None:
    gen = np.random.default_rng(0)
    N, D = 1000, 3072
    X = gen.standard_normal((N, D))
    print(f"Reducers on dense data, N = {N}, D = {D} (D' = 4096); best of 3, milliseconds")
    print(f"{'kind':12s} {'n':>5s} {'fit':>9s} {'transform':>10s} {'memory':>10s}")
    for kind in reducers.KINDS:
        for n in (64, 512):
            fit = best(lambda: reducers.fit_reducer(X, n, kind, rng=0), 1 if kind == "pca" else 3)
            red = reducers.fit_reducer(X, n, kind, rng=0)
            tr = best(lambda: red.transform(X))
            print(f"{kind:12s} {n:5d} {1e3 * fit:9.1f} {1e3 * tr:10.1f} {red.nbytes / 1e6:8.2f}MB")

    print("\nWalsh-Hadamard transform of N x D' rows: projections.fwht (Kronecker factors) vs the dense product")
    for dp in (1024, 4096):
        Z = gen.standard_normal((N, dp))
        H = scipy.linalg.hadamard(dp) / np.sqrt(dp)
        t_fwht, t_dense = best(lambda: projections.fwht(Z)), best(lambda: Z @ H)
        print(f"  D' = {dp:5d}: fwht {1e3 * t_fwht:7.1f} ms, Z @ H {1e3 * t_dense:7.1f} ms, "
              f"speed-up {t_dense / t_fwht:4.1f}x")

    Y = reducers.fit_reducer(X, 64, "gaussian", rng=0).transform(X)
    t_knn = best(lambda: reducers.knn_preservation(X, Y, k=10))
    t_sweep = best(lambda: reducers.sweep(X[:500], [16, 64], rng=0), 1)
    print(f"\nknn_preservation, N = {N}: {1e3 * t_knn:.0f} ms;  sweep of 5 kinds x 2 dims, N = 500: {t_sweep:.2f} s")


if __name__ == "__main__":
    main()
