"""Benchmark of jl_lab.lsh: codes and Hamming distances, the index against brute force.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_lsh.py``).  Every
time is the best of several runs, to damp the noise of a shared machine.
"""

from __future__ import annotations


import numpy as np
from sklearn.datasets import load_sample_image
from sklearn.feature_extraction.image import extract_patches_2d

from jl_lab import lsh
from jl_lab.timing import best_time


def best(func, repeat: int = 5) -> float:
    """Best wall time of ``repeat`` calls (jl_lab.timing.best_time, the one timer of the project)."""
    return best_time(func, repeat)[0]


def patches(n: int = 8000, size: int = 12) -> np.ndarray:
    """The page's vectors: mean-removed grey 12x12 patches of flower.jpg, low-contrast quarter dropped."""
    img = load_sample_image("flower.jpg").mean(axis=2) / 255.0
    P = extract_patches_2d(img, (size, size), max_patches=n, random_state=0).reshape(n, -1)
    P = P - P.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(P, axis=1)
    return P[norms > np.quantile(norms, 0.25)]


def main() -> None:
    print("jl_lab.lsh benchmark (best of 5 unless noted)")
    # (the explorer's update, compute + figure + PNG, is timed with the others in bench_widgets.py)

    # 2. codes and distances: 1 bit per projection against 64-bit floats
    P = patches()
    X, Q = P[:5500], P[5500:6000]
    for n_bits in (64, 256):
        t = best(lambda: lsh.sign_codes(X, n_bits, rng=0))
        codes = lsh.sign_codes(X, n_bits, rng=0)
        th = best(lambda: lsh.hamming_distance(codes[:500], codes))
        Y = X @ np.random.default_rng(0).standard_normal((X.shape[1], n_bits))
        tf = best(lambda: Y[:500] @ Y.T)
        print(
            f"  {n_bits:4d} bits: encode {X.shape[0]} points {1e3 * t:6.1f} ms; 500 x {X.shape[0]} Hamming {1e3 * th:6.1f} ms"
            f" vs float dot products {1e3 * tf:6.1f} ms; storage {codes.nbytes / 1024:6.0f} KiB vs {Y.nbytes / 1024:6.0f} KiB"
        )

    # 3. the index against brute force (the page's configuration)
    sweep = lsh.index_sweep(X, Q, [8, 12, 16, 20], [4, 16, 64], k=10, rng=0, repeat=3)
    print(f"  brute force: {1e3 * sweep['brute_seconds']:.3f} ms per query (N = {X.shape[0]}, D = {X.shape[1]})")
    print("  tables bits  recall@10 (theory)  scanned  ms/query  speed-up")
    for i, L in enumerate(sweep["n_tables"]):
        for j, b in enumerate(sweep["n_bits"]):
            print(
                f"  {L:6d} {b:4d}  {sweep['recall'][i, j]:9.3f} ({sweep['recall_theory'][i, j]:.3f})"
                f"  {sweep['scanned'][i, j]:7.3f}  {1e3 * sweep['query_seconds'][i, j]:8.3f}"
                f"  {sweep['brute_seconds'] / sweep['query_seconds'][i, j]:8.2f}"
            )


if __name__ == "__main__":
    main()
