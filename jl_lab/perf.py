"""Speed against real peers, side by side in one process, and against the machine's own limits.

Every comparison times jl_lab and its peers on the same input, interleaved (each repeat runs every
method once, so a burst of load on a shared machine hits all of them alike), keeps the best of the
repeats (other processes only ever slow a run down), and expresses each method's time as a share of
what the machine allows: its measured matrix-multiply rate (:func:`machine_limits`) for work bound by
arithmetic, its measured memory bandwidth for work bound by data movement, whichever gives the
longer lower bound (:func:`bound_share`).  ``benchmarks/bench_peers.py`` (``make bench``) runs them at
full size; the book's Performance page runs them at a smaller size when the book is built.

The peers are imported only inside the functions that use them: scikit-learn
(``GaussianRandomProjection``, ``randomized_svd``), fbpca (``pca``), FAISS (``hammings``,
``IndexFlatIP``) and SciPy's ARPACK (``scipy.sparse.linalg.svds``).  jl_lab itself needs none of them.

References
----------
.. [1] Halko, N., Martinsson, P.-G. and Tropp, J. A. (2011). Finding structure with randomness. SIAM Review 53(2).
.. [2] Johnson, J., Douze, M. and Jegou, H. (2019). Billion-scale similarity search with GPUs. IEEE Trans. Big Data (FAISS).
.. [3] Pedregosa, F. et al. (2011). Scikit-learn: machine learning in Python. JMLR 12.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import numpy as np

from . import lsh, projections, rsvd
from ._validation import check_int, check_rng

__all__ = [
    "machine_limits",
    "bound_share",
    "interleaved_best",
    "clustered_unit_vectors",
    "compare_projections",
    "compare_svd",
    "compare_hamming",
    "compare_index",
    "exact_search_seconds",
    "rescore_shares",
]


@contextmanager
def _one_thread():
    """One BLAS thread (threadpoolctl) and one FAISS thread, so that the comparison is of algorithms."""
    from threadpoolctl import threadpool_limits

    try:
        import faiss

        before = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
    except ImportError:  # pragma: no cover - faiss is pinned for the benchmarks and the book
        faiss = None
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        if faiss is not None:
            faiss.omp_set_num_threads(before)


def interleaved_best(funcs: dict, repeats: int = 5) -> dict:
    """Best wall time in seconds of each ``func()`` over ``repeats`` rounds, every function once per round.

    Examples
    --------
    >>> t = interleaved_best({"a": lambda: sum(range(100)), "b": lambda: None}, repeats=2)
    >>> sorted(t), all(v >= 0 for v in t.values())
    (['a', 'b'], True)
    """
    repeats = check_int(repeats, "repeats", 1)
    best = dict.fromkeys(funcs, np.inf)
    for _ in range(repeats):
        for name, f in funcs.items():
            t0 = time.perf_counter()
            f()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def machine_limits(repeats: int = 5) -> dict:
    """Measured single-thread GEMM rates (float64, float32) and memory bandwidth of this machine.

    Returns
    -------
    dict
        ``"gemm64"``, ``"gemm32"``: flops per second of a 1024 x 1024 matrix product
        (:math:`2 \\cdot 1024^3` flops); ``"bandwidth"``: bytes per second moved by a copy of
        a 256 MB array (256 MB read plus 256 MB written).

    Examples
    --------
    >>> lim = machine_limits(repeats=1)
    >>> lim["gemm64"] > 0 and lim["bandwidth"] > 0
    True
    """
    gen = np.random.default_rng(0)
    A = gen.standard_normal((1024, 1024))
    A32 = A.astype(np.float32)
    src = np.ones(32 * 2**20)  # 256 MB, far beyond any cache
    dst = np.empty_like(src)
    with _one_thread():
        t = interleaved_best({"64": lambda: A @ A, "32": lambda: A32 @ A32, "copy": lambda: np.copyto(dst, src)}, repeats)
    flops = 2.0 * 1024**3
    return {"gemm64": flops / t["64"], "gemm32": flops / t["32"], "bandwidth": 2.0 * src.nbytes / t["copy"]}


def bound_share(flops: float, nbytes: float, seconds: float, limits: dict, dtype=np.float64) -> tuple[float, str]:
    """Share of the machine's limit reached: ``max(flops / GEMM rate, bytes / bandwidth) / seconds``.

    Returns the share (1 would be the machine's limit) and which limit binds, ``"GEMM"`` or ``"memory"``.

    Examples
    --------
    >>> bound_share(2e9, 1e6, 2.0, {"gemm64": 1e9, "gemm32": 2e9, "bandwidth": 1e9})
    (1.0, 'GEMM')
    """
    rate = limits["gemm32"] if np.dtype(dtype) == np.float32 else limits["gemm64"]
    t_compute, t_memory = flops / rate, nbytes / limits["bandwidth"]
    return (t_compute / seconds, "GEMM") if t_compute >= t_memory else (t_memory / seconds, "memory")


def clustered_unit_vectors(n: int, d: int, n_clusters: int, spread: float, rng=None, centres=None):
    """Unit vectors around random unit centres: ``normalize(c + spread * z / sqrt(d))``.

    Parameters
    ----------
    n, d : int
        Number and dimension of the vectors.
    n_clusters : int
        Number of centres (ignored if ``centres`` is given).
    spread : float
        Noise scale; a vector's cosine to its centre is about ``1 / sqrt(1 + spread^2)``,
        and to another vector of its cluster about ``1 / (1 + spread^2)``.
    rng : None, int or numpy.random.Generator
    centres : ndarray of shape (n_clusters, d), optional
        Reuse the centres of an earlier call (queries from the same clusters).

    Returns
    -------
    X : ndarray of shape (n, d), float32
    centres : ndarray of shape (n_clusters, d)

    Examples
    --------
    >>> X, C = clustered_unit_vectors(100, 8, 5, 0.3, rng=0)
    >>> X.shape, X.dtype, bool(np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-6))
    ((100, 8), dtype('float32'), True)
    """
    n, d = check_int(n, "n", 1), check_int(d, "d", 1)
    gen = check_rng(rng)
    if centres is None:
        centres = gen.standard_normal((check_int(n_clusters, "n_clusters", 1), d))
        centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    X = centres[gen.integers(0, len(centres), n)] + spread * gen.standard_normal((n, d)) / np.sqrt(d)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X.astype(np.float32), centres


def _srht_flops(N: int, d: int, n: int) -> float:
    dp = 1 << (d - 1).bit_length()
    b = 1 << min(dp.bit_length() - 1, max(0, round(np.log2(max(n, 1)) / 2)))
    return 2.0 * N * dp * (b + n / b)


def compare_projections(N: int, dims, n_values, limits: dict, repeats: int = 5, rng=0) -> list[dict]:
    """jl_lab's Gaussian map and SRHT against scikit-learn's ``GaussianRandomProjection``.

    Each method maps ``N`` Gaussian points in dimension ``d`` to ``n`` (drawing its matrix
    included, as a one-off projection does).  Rows: ``d``, ``n``, ``method``, ``seconds``,
    ``vs_gaussian`` (time over jl_lab's Gaussian map), ``share`` and ``bound`` (:func:`bound_share`,
    with :math:`2Ndn` flops for a dense map and :math:`2ND'(b + n/b)` for the SRHT).
    """
    from sklearn.random_projection import GaussianRandomProjection

    gen = check_rng(rng)
    rows = []
    with _one_thread():
        for d in dims:
            X = gen.standard_normal((N, d))
            for n in n_values:
                funcs = {
                    "jl_lab gaussian": lambda: projections.random_projection(X, n, "gaussian", rng=1),
                    "jl_lab srht": lambda: projections.random_projection(X, n, "srht", rng=1),
                    "sklearn gaussian": lambda: GaussianRandomProjection(n, random_state=1).fit_transform(X),
                }
                t = interleaved_best(funcs, repeats)
                for name, sec in t.items():
                    flops = _srht_flops(N, d, n) if "srht" in name else 2.0 * N * d * n
                    share, bound = bound_share(flops, 8.0 * N * (d + n), sec, limits)
                    rows.append({"d": d, "n": n, "method": name, "seconds": sec,
                                 "vs_gaussian": sec / t["jl_lab gaussian"], "share": share, "bound": bound,
                                 "flops": flops, "bytes": 8.0 * N * (d + n), "dtype": "float64"})
    return rows


def compare_svd(m: int, n: int, k: int, power_iters: int, limits: dict, repeats: int = 5, rng=0) -> list[dict]:
    """Rank-``k`` SVD of a dense ``m x n`` matrix with :math:`\\sigma_j = 1/j`, float64 and float32.

    Methods: jl_lab's :func:`jl_lab.rsvd.randomized_svd`, scikit-learn's ``randomized_svd``
    (same oversampling 10 and ``power_iters``), fbpca's ``pca(raw=True)`` (same settings) and
    ARPACK (``scipy.sparse.linalg.svds``).  Rows: ``dtype``, ``method``, ``seconds``,
    ``vs_sklearn``, ``error`` (:math:`\\|M - U\\Sigma V^\\top\\|_2 / \\sigma_{k+1}`), ``dtype_out``,
    ``share`` and ``bound`` with :math:`4(q+1)mnl` flops and :math:`(2q+2)mn` entries read.
    """
    import fbpca
    from scipy.sparse.linalg import svds
    from sklearn.utils.extmath import randomized_svd as sk_rsvd

    s = 1.0 / np.arange(1, min(m, n) + 1)
    M64 = rsvd.matrix_with_spectrum(m, n, s, rng=rng)
    q, l = power_iters, k + 10
    rows = []
    with _one_thread():
        for M in (M64, M64.astype(np.float32)):
            funcs = {
                "jl_lab": lambda: rsvd.randomized_svd(M, k, 10, q, rng=1),
                "sklearn": lambda: sk_rsvd(M, k, n_oversamples=10, n_iter=q, random_state=1),
                "fbpca": lambda: fbpca.pca(M, k, raw=True, n_iter=q, l=l),
                "ARPACK": lambda: svds(M, k=k, rng=1),
            }
            t = interleaved_best(funcs, repeats)
            for name, f in funcs.items():
                U, sv, Vt = f()
                order = np.argsort(sv)[::-1]
                err = rsvd.residual_norm(M64, U[:, order].astype(float), sv[order].astype(float), Vt[order].astype(float), rng=0)
                flops = 4.0 * (q + 1) * m * n * l if name != "ARPACK" else np.nan
                share, bound = bound_share(flops, (2 * q + 2) * M.nbytes, t[name], limits, M.dtype) if name != "ARPACK" else (np.nan, "")
                rows.append({"dtype": str(M.dtype), "method": name, "seconds": t[name], "vs_sklearn": t[name] / t["sklearn"],
                             "error": float(err / s[k]), "dtype_out": str(U.dtype), "share": share, "bound": bound,
                             "flops": flops, "bytes": float((2 * q + 2) * M.nbytes)})
    return rows


def compare_hamming(n_a: int, n_b: int, bit_values, limits: dict, repeats: int = 5, rng=0) -> list[dict]:
    """All-pairs Hamming distances of packed codes: :func:`jl_lab.lsh.hamming_distance` against FAISS.

    FAISS's ``hammings`` writes int32, jl_lab int64.  Rows: ``n_bits``, ``method``, ``seconds``,
    ``vs_faiss``, ``share`` (of memory bandwidth, for writing the output and reading the codes).
    """
    import faiss

    gen = check_rng(rng)
    rows = []
    with _one_thread():
        for n_bits in bit_values:
            nb = n_bits // 8
            a = gen.integers(0, 256, (n_a, nb), dtype=np.uint8)
            b = gen.integers(0, 256, (n_b, nb), dtype=np.uint8)
            D = np.empty((n_a, n_b), dtype=np.int32)

            def theirs():
                faiss.hammings(faiss.swig_ptr(a), faiss.swig_ptr(b), n_a, n_b, nb, faiss.swig_ptr(D))

            theirs()
            if not np.array_equal(lsh.hamming_distance(a, b), D):  # pragma: no cover - a real disagreement
                raise RuntimeError("jl_lab and FAISS disagree on Hamming distances")
            t = interleaved_best({"jl_lab": lambda: lsh.hamming_distance(a, b), "faiss": theirs}, repeats)
            for name, width in (("jl_lab", 8), ("faiss", 4)):
                share, bound = bound_share(0.0, n_a * n_b * width + (n_a + n_b) * nb, t[name], limits)
                rows.append({"n_bits": n_bits, "method": name, "seconds": t[name], "vs_faiss": t[name] / t["faiss"],
                             "share": share, "bound": bound, "flops": 0.0,
                             "bytes": float(n_a * n_b * width + (n_a + n_b) * nb), "dtype": "float64"})
    return rows


def _exact_numpy32(X32: np.ndarray, Q32: np.ndarray, k: int):
    """Exact top-k by inner product in float32: one matrix product per block of queries, then argpartition."""
    return lsh._top_k_exact(X32, Q32, k)


def compare_index(n_points: int, n_queries: int, configs, k: int = 10, d: int = 128, n_clusters: int = 2000,
                  spread: float = 0.5, repeats: int = 3, rng=0) -> dict:
    """:class:`jl_lab.lsh.SignLSHIndex` against exact search (NumPy float64, NumPy float32, FAISS ``IndexFlatIP``).

    The data are :func:`clustered_unit_vectors` (``n_points`` in dimension ``d``), the queries new
    vectors from the same clusters.  Returns ``"exact"``: dict method -> seconds per query;
    ``"exact_memory"``: bytes each exact method holds; ``"index"``: one row per ``(n_bits, n_tables)``
    of ``configs`` with ``recall`` (at ``k``, against exact search), ``scanned`` (fraction compared),
    ``seconds`` per query, ``memory`` (bytes, :attr:`SignLSHIndex.memory_`), ``vs_numpy`` (time over
    the faster exact NumPy search) and ``vs_faiss``; and ``"nn_cosine"``, the median cosine of a
    query to its ``k`` true neighbours.
    """
    import faiss

    gen = check_rng(rng)
    X32, C = clustered_unit_vectors(n_points, d, n_clusters, spread, gen)
    Q32, _ = clustered_unit_vectors(n_queries, d, n_clusters, spread, gen, centres=C)
    X64, Q64 = X32.astype(np.float64), Q32.astype(np.float64)
    exact, exact_cos = lsh._top_k_exact(X64, Q64, k)
    exact_t = exact_search_seconds(X32, Q32, k, repeats)
    with _one_thread():
        rows = []
        for b, L in configs:
            index = lsh.SignLSHIndex(b, L, rng=1).fit(X32)
            found, _, n_cand = index.query(Q32, k, return_n_candidates=True)
            sec = interleaved_best({"q": lambda: index.query(Q32, k)}, repeats)["q"] / n_queries
            rows.append({"n_bits": b, "n_tables": L, "recall": lsh.recall_at_k(found, exact),
                         "scanned": float(n_cand.mean() / n_points), "seconds": sec, "memory": index.memory_["total"],
                         "vs_numpy": sec / min(exact_t["numpy float64"], exact_t["numpy float32"]),
                         "vs_faiss": sec / exact_t["faiss IndexFlatIP"]})
    return {
        "exact": exact_t,
        "exact_memory": {"numpy float64": X64.nbytes, "numpy float32": X32.nbytes, "faiss IndexFlatIP": X32.nbytes},
        "index": rows,
        "nn_cosine": float(np.median(exact_cos)),
        "n_points": n_points,
        "d": d,
        "k": k,
    }


def exact_search_seconds(X, Q, k: int = 10, repeats: int = 3) -> dict:
    """Seconds per query of exact top-``k`` search by cosine: NumPy float64, NumPy float32, FAISS.

    ``"numpy float64"`` is :func:`jl_lab.lsh.brute_force_cosine`; ``"numpy float32"`` the same
    matrix product and partial sort on float32 unit vectors; ``"faiss IndexFlatIP"`` FAISS's exact
    inner-product index on the float32 unit vectors (one thread for all).

    Examples
    --------
    >>> X, C = clustered_unit_vectors(300, 16, 10, 0.3, rng=0)
    >>> t = exact_search_seconds(X, X[:5], 3, repeats=1)
    >>> sorted(t)
    ['faiss IndexFlatIP', 'numpy float32', 'numpy float64']
    """
    import faiss

    X64 = np.asarray(X, dtype=np.float64)
    Q64 = np.asarray(Q, dtype=np.float64)
    U32 = (X64 / np.linalg.norm(X64, axis=1, keepdims=True)).astype(np.float32)
    V32 = (Q64 / np.linalg.norm(Q64, axis=1, keepdims=True)).astype(np.float32)
    with _one_thread():
        flat = faiss.IndexFlatIP(U32.shape[1])
        flat.add(U32)
        t = interleaved_best({
            "numpy float64": lambda: lsh.brute_force_cosine(X64, Q64, k),
            "numpy float32": lambda: _exact_numpy32(U32, V32, k),
            "faiss IndexFlatIP": lambda: flat.search(V32, k),
        }, repeats)
    return {name: sec / len(Q64) for name, sec in t.items()}


def rescore_shares(rows: list[dict], limits: dict) -> list[dict]:
    """Recompute ``share`` and ``bound`` of comparison rows against (better) machine limits.

    On a shared machine the limits measured at one moment may be depressed by load; a benchmark
    measures them again at the end and rescores every row with the best rates seen, so that no
    share exceeds what the machine showed it can do.  Rows without ``flops`` (ARPACK) are left alone.
    """
    for r in rows:
        if "flops" in r and np.isfinite(r["flops"]):
            r["share"], r["bound"] = bound_share(r["flops"], r["bytes"], r["seconds"], limits, r.get("dtype", "float64"))
    return rows
