"""Tests of jl_lab.perf (the side-by-side comparisons behind make bench): correctness only, no timing
thresholds; the numbers themselves are the benchmark's to report."""

from __future__ import annotations

import numpy as np
import pytest

from jl_lab import lsh, perf

LIMITS = {"gemm64": 1e10, "gemm32": 2e10, "bandwidth": 1e10}


def test_bound_share_picks_the_binding_limit():
    # 1e10 flops at 1e10 flop/s = 1 s against 1e9 bytes at 1e10 B/s = 0.1 s: arithmetic binds
    assert perf.bound_share(1e10, 1e9, 2.0, LIMITS) == (0.5, "GEMM")
    assert perf.bound_share(1e10, 1e9, 2.0, LIMITS, np.float32) == (0.25, "GEMM")  # float32 runs twice as fast
    assert perf.bound_share(1e8, 1e10, 4.0, LIMITS) == (0.25, "memory")


def test_interleaved_best_calls_each_function_once_per_round():
    calls = []
    t = perf.interleaved_best({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=3)
    assert calls == ["a", "b"] * 3 and set(t) == {"a", "b"} and all(v >= 0 for v in t.values())
    with pytest.raises(ValueError, match="repeats"):
        perf.interleaved_best({"a": lambda: None}, repeats=0)


def test_clustered_unit_vectors_follow_their_geometry():
    """x = normalize(c + s z / sqrt(d)) with |c| = 1 and z standard normal: |s z / sqrt(d)|^2 has mean
    s^2, so cos(x, c) concentrates at 1 / sqrt(1 + s^2) as d grows (spread of order s^2/sqrt(d))."""
    s, d = 0.5, 512
    X, C = perf.clustered_unit_vectors(4000, d, 20, s, rng=0)
    assert X.dtype == np.float32 and C.shape == (20, d)
    np.testing.assert_allclose(np.linalg.norm(X.astype(float), axis=1), 1.0, atol=1e-6)
    cos_to_best = (X.astype(float) @ C.T).max(axis=1)
    assert abs(np.median(cos_to_best) - 1 / np.sqrt(1 + s**2)) < 5 * s**2 / np.sqrt(d)
    Q, C2 = perf.clustered_unit_vectors(10, d, 999, s, rng=1, centres=C)
    assert C2 is C and Q.shape == (10, d)


def test_hamming_comparison_checks_agreement_with_faiss():
    rows = perf.compare_hamming(30, 200, [64, 128], LIMITS, repeats=1, rng=0)
    assert [(r["n_bits"], r["method"]) for r in rows] == [(64, "jl_lab"), (64, "faiss"), (128, "jl_lab"), (128, "faiss")]
    assert all(r["bound"] == "memory" and r["share"] > 0 for r in rows)


def test_index_comparison_recall_and_memory_are_consistent():
    out = perf.compare_index(3000, 40, [(6, 8)], k=5, d=32, n_clusters=30, spread=0.4, repeats=1, rng=0)
    assert set(out["exact"]) == {"numpy float64", "numpy float32", "faiss IndexFlatIP"}
    (row,) = out["index"]
    assert 0 <= row["recall"] <= 1 and 0 < row["scanned"] <= 1
    # the index holds planes, keys, int32 ids and a float32 copy: 8 L b d + 8 L N + 4 L N + 4 N d bytes
    L, b, N, d = 8, 6, 3000, 32
    assert row["memory"] == 8 * L * b * d + 8 * L * N + 4 * L * N + 4 * N * d
    assert out["exact_memory"]["numpy float64"] == 8 * N * d


def test_exact_search_times_cover_the_three_methods_and_agree():
    X, C = perf.clustered_unit_vectors(500, 16, 10, 0.3, rng=2)
    t = perf.exact_search_seconds(X, X[:7], 3, repeats=1)
    assert sorted(t) == ["faiss IndexFlatIP", "numpy float32", "numpy float64"]
    # and FAISS's exact answer is NumPy's (the comparison is of the same search)
    import faiss

    U = X / np.linalg.norm(X, axis=1, keepdims=True)
    flat = faiss.IndexFlatIP(16)
    flat.add(U)
    _, ids = flat.search(U[:7], 3)
    exact, _ = lsh.brute_force_cosine(X, X[:7], 3)
    assert lsh.recall_at_k(ids.astype(np.int64), exact) == 1.0


def test_bench_page_renders_results_and_a_note_without_them():
    """tools/sphinx_ext/jl_bench.py turns the benchmark's JSON into tables (no typed numbers)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools" / "sphinx_ext"))
    import jl_bench

    res = {
        "when": "now", "repeats": 1, "limits": LIMITS,
        "projections": [{"d": 8, "n": 2, "method": "jl_lab srht", "seconds": 0.5, "vs_gaussian": 0.5, "share": 0.1, "bound": "GEMM"}],
        "svd": [{"dtype": "float32", "method": "jl_lab", "dtype_out": "float32", "seconds": 1.0, "vs_sklearn": 1.0,
                 "error": 1.01, "share": float("nan"), "bound": ""}],
        "hamming": [{"n_bits": 64, "method": "faiss", "seconds": 0.1, "vs_faiss": 1.0, "share": 0.2, "bound": "memory"}],
        "index": {"exact": {"numpy float32": 0.001}, "exact_memory": {"numpy float32": 1e6},
                  "index": [{"n_bits": 8, "n_tables": 4, "recall": 0.95, "seconds": 1e-4, "memory": 2e6}],
                  "n_points": 1000, "d": 8, "nn_cosine": 0.9},
        "targets": [{"what": "x", "met": True, "detail": "y"}],
    }
    text = "".join(n.astext() for n in jl_bench.render(res))
    for piece in ("500.0", "0.50", "10% of GEMM", "1.0100", "20% of memory", "0.950", "Met: x (y)."):
        assert piece in text, piece


def test_rescore_uses_the_better_limits_and_skips_rows_without_flops():
    rows = [{"flops": 1e10, "bytes": 1e9, "seconds": 2.0, "dtype": "float32", "share": 9.0, "bound": "x"},
            {"flops": float("nan"), "bytes": 1.0, "seconds": 1.0, "share": float("nan"), "bound": ""}]
    perf.rescore_shares(rows, LIMITS)
    assert (rows[0]["share"], rows[0]["bound"]) == (0.25, "GEMM") and np.isnan(rows[1]["share"])
