"""Benchmark jl_lab.rsvd.randomized_svd against scikit-learn's randomized_svd at the same settings.

Run by ``make bench``.  Everything runs with single-threaded BLAS (threadpoolctl),
so that a busy 2-core machine does not decide the result, and every time is the
best of several interleaved repeats (other processes only ever slow a run down).

For each matrix and each number of power iterations q (2, this package's
default; 7, scikit-learn's ``n_iter="auto"`` for this k) it prints

* time ratio    jl_lab / scikit-learn (best of REPEATS, same k, oversampling 10, same q);
* error ratio   mean over SEEDS of ||M - U S V^T||_2 for jl_lab divided by the same for
                scikit-learn (spectral norms by ARPACK on the residual operator), with the
                standard error of that ratio (the two use different random test matrices);
* for the dense matrix, the error divided by the optimal sigma_{k+1}, and the share of
  the machine's matrix-multiply speed reached: flops of the 2q + 2 products with M
  (4 (q + 1) m n l) divided by (time x measured GEMM throughput on the same shapes).

The explorer's update time is measured with the others' in bench_widgets.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import randomized_svd as sk_randomized_svd
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from jl_lab import rsvd  # noqa: E402

K, OVERSAMPLE = 50, 10
POWER_ITERS = (2, 7)
REPEATS = 9
SEEDS = 5


def interleaved_best(funcs: dict, repeats: int) -> dict:
    """Best time of each function, calling them in turn so that load hits all alike."""
    best = {name: np.inf for name in funcs}
    for r in range(repeats):
        for name, f in funcs.items():
            t0 = time.perf_counter()
            f(r)
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def gemm_rate(M: np.ndarray, l: int) -> float:
    """Flops per second of M @ X and M.T @ Y at the algorithm's shapes (best of REPEATS)."""
    m, n = M.shape
    gen = np.random.default_rng(0)
    X, Y = gen.standard_normal((n, l)), gen.standard_normal((m, l))
    best = interleaved_best({"fwd": lambda r: M @ X, "adj": lambda r: M.T @ Y}, REPEATS)
    return 2.0 * m * n * l / min(best.values())


def compare(name: str, M, sigma_next: float | None = None, gemm: float | None = None) -> list[str]:
    lines = []
    m, n = M.shape
    l = K + OVERSAMPLE
    for q in POWER_ITERS:
        ours = lambda r: rsvd.randomized_svd(M, K, OVERSAMPLE, q, rng=r)  # noqa: E731
        theirs = lambda r: sk_randomized_svd(M, K, n_oversamples=OVERSAMPLE, n_iter=q, random_state=r)  # noqa: E731
        best = interleaved_best({"jl_lab": ours, "sklearn": theirs}, REPEATS)
        e_ours = np.array([rsvd.residual_norm(M, *ours(seed), rng=0) for seed in range(SEEDS)])
        e_sk = np.array([rsvd.residual_norm(M, *theirs(seed), rng=0) for seed in range(SEEDS)])
        # standard error of the ratio of means (independent runs), by the delta method
        se = (e_ours.mean() / e_sk.mean()) * np.sqrt(
            (e_ours.std(ddof=1) / e_ours.mean()) ** 2 / SEEDS + (e_sk.std(ddof=1) / e_sk.mean()) ** 2 / SEEDS
        )
        line = (
            f"{name:<25} q={q}  time jl_lab {best['jl_lab'] * 1e3:6.1f} ms  sklearn {best['sklearn'] * 1e3:6.1f} ms"
            f"  time ratio {best['jl_lab'] / best['sklearn']:.3f}   error ratio {e_ours.mean() / e_sk.mean():.4f}"
            f" +- {se:.4f}"
        )
        if sigma_next is not None:
            line += f"  (err/sigma_k+1 {e_ours.mean() / sigma_next:.4f} vs {e_sk.mean() / sigma_next:.4f})"
        if gemm is not None:
            flops = 4.0 * (q + 1) * m * n * l
            line += f"  GEMM share {flops / (best['jl_lab'] * gemm):.0%}"
        lines.append(line)
        print(line, flush=True)
    return lines


def main() -> None:
    print("randomized SVD: jl_lab.rsvd vs sklearn.utils.extmath.randomized_svd")
    print(f"k = {K}, oversampling {OVERSAMPLE}, single-threaded BLAS, best of {REPEATS}, errors over {SEEDS} seeds")
    with threadpool_limits(limits=1):
        n_dense = 2000
        s = 1.0 / np.arange(1, n_dense + 1)
        dense = rsvd.matrix_with_spectrum(5000, n_dense, s, rng=0)
        rate = gemm_rate(dense, K + OVERSAMPLE)
        print(f"GEMM throughput at the algorithm's shapes: {rate / 1e9:.1f} GFlop/s")
        compare("dense 5000x2000 s_j=1/j", dense, sigma_next=s[K], gemm=rate)
        del dense
        sparse = sp.random(20000, 5000, density=1e-3, format="csr", rng=np.random.default_rng(0))
        compare("sparse 20000x5000 d=1e-3", sparse)


if __name__ == "__main__":
    main()
