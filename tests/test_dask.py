"""The dask paths of random_projection, sign_codes and randomized_svd, on an embedded two-worker LocalCluster.

Checks: results equal the NumPy path for the same seed (to rounding), the
outputs are lazy where they are as tall as the input, the randomized SVD reads
the data exactly q + 1 times (plus once for U), the input is never held whole
in memory (a read counter in the block loader: its peak of loaded bytes alive
at once stays at a few blocks), and bad input is refused with clear errors.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
pytest.importorskip("distributed")

from jl_lab import lsh, projections, rsvd, scale_out  # noqa: E402


@pytest.fixture(scope="module")
def client():
    c = scale_out.start_client(n_workers=2, threads_per_worker=1, processes=False)
    yield c
    cluster = c.cluster
    c.close()
    if cluster is not None:
        cluster.close()


@pytest.fixture(scope="module")
def matrix():
    A = rsvd.matrix_with_spectrum(900, 60, 0.85 ** np.arange(60), rng=0)
    return A, da.from_array(A, chunks=(200, 60))  # blocks of 200, 200, 200, 200, 100 rows


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A 4000 x 50 matrix of exact singular values s, in 20 .npy blocks of 200 rows."""
    d = tmp_path_factory.mktemp("blocks")
    s = 2.0 ** -np.arange(12.0)
    meta = scale_out.write_npy_blocks(d, 4000, 50, s, 200, seed=3)
    return d, meta, s


def _align(Vt_ref, Vt, U=None):
    """Flip the sign of each singular pair of the second result to match the first."""
    sign = np.sign(np.sum(Vt_ref * Vt, axis=1))
    return sign[:, None] * Vt, None if U is None else U * sign


@pytest.mark.parametrize("kind", projections.KINDS)
def test_projection_equals_numpy_path_and_stays_lazy(client, matrix, kind):
    A, X = matrix
    Y = projections.random_projection(X, 24, kind, rng=5)
    assert scale_out.is_dask_array(Y)
    assert Y.chunks == (X.chunks[0], (24,))
    np.testing.assert_allclose(Y.compute(), projections.random_projection(A, 24, kind, rng=5), rtol=0, atol=1e-12)


def test_generator_is_advanced_like_the_numpy_path(client, matrix):
    A, X = matrix
    g_np, g_da = np.random.default_rng(11), np.random.default_rng(11)
    projections.random_projection(A, 8, rng=g_np)
    lsh.sign_codes(A, 9, rng=g_np)
    Y = projections.random_projection(X, 8, rng=g_da)
    C = lsh.sign_codes(X, 9, rng=g_da)
    assert g_np.random() == g_da.random()
    Y.compute(), C.compute()


def test_sign_codes_equal_numpy_path(client, matrix):
    A, X = matrix
    C = lsh.sign_codes(X, 37, rng=2)
    assert scale_out.is_dask_array(C) and C.dtype == np.uint8
    np.testing.assert_array_equal(C.compute(), lsh.sign_codes(A, 37, rng=2))


@pytest.mark.parametrize("normalizer", rsvd.NORMALIZERS)
@pytest.mark.parametrize("q", [0, 2])
def test_randomized_svd_equals_numpy_path(client, matrix, normalizer, q):
    A, X = matrix
    U, s, Vt = rsvd.randomized_svd(A, 8, 6, q, rng=4, normalizer=normalizer)
    Ud, sd, Vtd = rsvd.randomized_svd(X, 8, 6, q, rng=4, normalizer=normalizer)
    assert scale_out.is_dask_array(Ud) and isinstance(sd, np.ndarray) and isinstance(Vtd, np.ndarray)
    Vtd, Ud = _align(Vt, Vtd, Ud.compute())
    np.testing.assert_allclose(sd, s, rtol=1e-12)
    np.testing.assert_allclose(Vtd, Vt, atol=1e-10)
    np.testing.assert_allclose(Ud, U, atol=1e-10)
    np.testing.assert_allclose(Ud.T @ Ud, np.eye(8), atol=1e-12)


def test_randomized_svd_recovers_exact_low_rank(client, store):
    d, meta, s = store
    X = scale_out.open_npy_blocks(d)
    U, sk, Vt = rsvd.randomized_svd(X, 12, 5, 1, rng=0)
    np.testing.assert_allclose(sk, s, rtol=1e-10)
    A = X.compute()
    np.testing.assert_allclose((U.compute() * sk) @ Vt, A, atol=1e-10 * s[0])


@pytest.mark.parametrize("q", [0, 1, 3])
def test_randomized_svd_reads_the_data_q_plus_one_times(client, store, q):
    d, meta, s = store
    X = scale_out.open_npy_blocks(d)
    run = scale_out.measure(lambda: rsvd.randomized_svd(X, 5, 5, q, rng=1), client, meta["bytes"])
    assert run["passes"] == q + 1
    assert run["blocks"] == (q + 1) * meta["n_blocks"]
    U = run["result"][0]
    again = scale_out.measure(lambda: U.compute(), client, meta["bytes"])
    assert again["passes"] == 1


def test_one_pass_for_projection_and_codes(client, store):
    d, meta, _ = store
    X = scale_out.open_npy_blocks(d)
    run = scale_out.measure(lambda: projections.random_projection(X, 16, rng=0).compute(), client, meta["bytes"])
    assert run["passes"] == 1
    run = scale_out.measure(lambda: lsh.sign_codes(X, 16, rng=0).compute(), client, meta["bytes"])
    assert run["passes"] == 1


def test_memory_holds_a_few_blocks_not_the_matrix(client, store):
    """The loader's peak of loaded bytes alive at once: a few blocks for 2 worker threads, far below the matrix.

    This bounds what the computation keeps of its input (the blocks), measured
    in the loader, not the process's total memory.
    """
    d, meta, _ = store
    X = scale_out.open_npy_blocks(d)
    block = 200 * 50 * 8
    run = scale_out.measure(lambda: rsvd.randomized_svd(X, 5, 5, 2, rng=1), client, meta["bytes"])
    assert run["peak"] <= 6 * block < meta["bytes"] / 3
    run = scale_out.measure(lambda: projections.random_projection(X, 16, rng=0).sum().compute(), client)
    assert run["peak"] <= 6 * block


def test_store_is_cached_and_sliced(store):
    d, meta, _ = store
    again = scale_out.write_npy_blocks(d, 4000, 50, meta["s"], 200, seed=3)
    assert again["seconds"] == 0.0
    X = scale_out.open_npy_blocks(d, max_rows=1000)
    assert X.shape == (1000, 50) and len(X.chunks[0]) == 5


def test_fit_line_slope_and_error():
    out = scale_out.fit_line([1.0, 2.0, 3.0, 4.0], [1.0, 3.1, 4.9, 7.0])
    assert out["slope"] == pytest.approx(1.98, abs=1e-12)
    assert 0 < out["slope_se"] < 0.1 and out["r2"] > 0.99


def test_bad_input(client, matrix):
    A, X = matrix
    unknown = X[X[:, 0] > 0]
    with pytest.raises(ValueError, match="unknown chunk sizes"):
        projections.random_projection(unknown, 4, rng=0)
    wrong_axis = da.from_array(A, chunks=(300, 20))
    for call in (
        lambda: projections.random_projection(wrong_axis, 4),
        lambda: lsh.sign_codes(wrong_axis, 4),
        lambda: rsvd.randomized_svd(wrong_axis, 4),
    ):
        with pytest.raises(ValueError, match=r"chunked by rows only.*rechunk\(\{1: -1\}\)"):
            call()
    with pytest.raises(ValueError, match="2 dimensions"):
        lsh.sign_codes(da.ones(10, chunks=5), 4)
    with pytest.raises(TypeError, match="real"):
        rsvd.randomized_svd(X.astype(complex), 3)
    with pytest.raises(ValueError, match="tall"):
        rsvd.randomized_svd(da.from_array(A.T, chunks=(20, 900)), 3)
    with pytest.raises(ValueError, match="n_components must be >= 1"):
        projections.random_projection(X, 0)
    with pytest.raises(ValueError, match="k must be <= 60"):
        rsvd.randomized_svd(X, 61)
    with pytest.raises(ValueError, match="normalizer"):
        rsvd.randomized_svd(X, 3, normalizer="svd")
    bad = A.copy()
    bad[750, 3] = np.nan
    Xbad = da.from_array(bad, chunks=(200, 60))
    with pytest.raises(ValueError, match="NaN"):
        rsvd.randomized_svd(Xbad, 3)
    with pytest.raises(ValueError, match="NaN"):
        projections.random_projection(Xbad, 3).compute()
    with pytest.raises(ValueError, match="directory"):
        scale_out.open_npy_blocks("/nonexistent-jl-lab")


def test_jl_lab_does_not_import_dask():
    code = (
        "import sys, numpy as np\n"
        "from jl_lab import projections, lsh, rsvd\n"
        "projections.random_projection(np.eye(4), 2, rng=0); lsh.sign_codes(np.eye(4), 3, rng=0)\n"
        "rsvd.randomized_svd(np.eye(5), 2, rng=0)\n"
        "print(any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_rank_deficient_sample_gives_zeros_not_noise(client):
    A = rsvd.matrix_with_spectrum(300, 40, [3.0, 2.0, 1.0], rng=0)  # rank 3 < k = 5 < l = 10
    U, s, Vt = rsvd.randomized_svd(A, 5, 5, 1, rng=0)
    Ud, sd, Vtd = rsvd.randomized_svd(da.from_array(A, chunks=(70, 40)), 5, 5, 1, rng=0)
    np.testing.assert_allclose(sd[:3], [3.0, 2.0, 1.0], rtol=1e-12)
    assert np.all(sd[3:] <= 1e-13)
    Ud = Ud.compute()
    Vt3, U3 = _align(Vt[:3], Vtd[:3], Ud[:, :3])
    np.testing.assert_allclose(U3, U[:, :3], atol=1e-10)
    np.testing.assert_allclose((Ud * sd) @ Vtd, A, atol=1e-12)


def _peak_rss() -> int:
    """Largest resident set of this process so far (VmHWM), in bytes (Linux)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads VmHWM from /proc")
def test_worker_process_with_less_memory_than_the_matrix(tmp_path):
    """A worker process limited to 200 MB runs a randomized SVD of a 256 MB matrix, staying under the limit.

    The nanny restarts a worker that passes 95% of its limit (and the
    computation then fails); pausing is switched off so that a worker close to
    the limit fails instead of waiting.  The worker's peak resident memory
    (VmHWM, the whole process: interpreter, dask, blocks) must stay below the
    limit, which is below the matrix's size.
    """
    import dask

    s = 0.5 ** np.arange(8.0)
    meta = scale_out.write_npy_blocks(tmp_path, 64_000, 500, s, 2_000, seed=1)
    limit = 200_000_000
    assert meta["bytes"] > limit
    with dask.config.set({"distributed.worker.memory.pause": False, "distributed.worker.memory.spill": False}):
        client = scale_out.start_client(n_workers=1, threads_per_worker=2, processes=True, memory_limit=limit)
    try:
        X = scale_out.open_npy_blocks(tmp_path)
        run = scale_out.measure(lambda: rsvd.randomized_svd(X, 8, 4, 0, rng=0), client, meta["bytes"])
        assert run["passes"] == 1
        np.testing.assert_allclose(run["result"][1], s, rtol=1e-10)
        (peak,) = client.run(_peak_rss).values()
        assert 0 < peak < limit < meta["bytes"]
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()


def test_float32_in_float32_out_like_numpy(client, matrix):
    A, _ = matrix
    A32 = A.astype(np.float32)
    X32 = da.from_array(A32, chunks=(200, 60))
    Y = projections.random_projection(X32, 16, rng=0)
    assert Y.dtype == np.float32
    # Same draws; float32 products summed in another order (BLAS blocking differs between a 200-row
    # chunk and the whole matrix on some CPUs), so each agrees with the exact product of the float32 data
    # within (D + 2) eps32 |A| |R| (Higham 2002, eq. 3.5; +2 for rounding R and the 1/sqrt(n) scale).
    ref = projections.random_projection(A32, 16, rng=0)
    R = projections.projection_matrix(16, A.shape[1], rng=0)
    np.testing.assert_allclose(A32.astype(np.float64) @ R.T, ref, rtol=1e-5, atol=1e-6)  # the same draws
    bound = 2 * (A.shape[1] + 2) * np.finfo(np.float32).eps * (np.abs(A32.astype(np.float64)) @ np.abs(R).T)
    assert np.all(np.abs(Y.compute().astype(np.float64) - ref) <= bound)
    U, s, Vt = rsvd.randomized_svd(A32, 5, 5, 1, rng=0)
    Ud, sd, Vtd = rsvd.randomized_svd(X32, 5, 5, 1, rng=0)
    assert Ud.dtype == sd.dtype == Vtd.dtype == U.dtype == np.float32
    Vtd, Ud = _align(Vt, Vtd, Ud.compute())
    assert Ud.dtype == np.float32
    np.testing.assert_allclose(sd, s, rtol=1e-4)  # the NumPy path rounds in float32
    np.testing.assert_allclose(Vtd, Vt, atol=1e-3)


def test_compare_svd_and_scaling_count_passes(client, store):
    d, meta, s = store
    X = scale_out.open_npy_blocks(d)
    out = scale_out.compare_svd(X, 5, s, oversample=5, power_iters=1, client=client, rng=2)
    assert out["jl_lab"]["passes"] == 3 and out["jl_lab"]["passes_u"] == 1  # q + 1, plus U
    assert out["dask"]["passes"] == 4  # 2q + 2
    _, s_np, _ = rsvd.randomized_svd(X.compute(), 5, 5, 1, rng=2)
    np.testing.assert_allclose(out["jl_lab"]["s"], s_np, rtol=1e-10)
    assert out["jl_lab"]["s_error"] == pytest.approx(np.max(np.abs(s_np - s[:5]) / s[:5]), rel=1e-6, abs=1e-14)
    sweep = scale_out.scaling(d, [1000, 2000, 4000], lambda Xs: Xs.sum().compute(), client, repeats=2)
    np.testing.assert_array_equal(sweep["rows"], [1000, 2000, 4000])
    np.testing.assert_array_equal(sweep["passes"], [1, 1, 1])
    assert {"slope", "slope_se", "intercept", "r2"} <= set(sweep)


def test_single_pass_svd_reads_once_and_recovers_low_rank(client, store):
    d, meta, s = store  # rank 12 < r - 1 = 2k for k = 8 (r = 17): recovered exactly
    X = scale_out.open_npy_blocks(d)
    run = scale_out.measure(lambda: rsvd.single_pass_svd(X, 8, rng=0), client, meta["bytes"])
    assert run["passes"] == 1
    U, sk, Vt = run["result"]
    assert scale_out.is_dask_array(U) and isinstance(sk, np.ndarray)
    np.testing.assert_allclose(sk, s[:8], rtol=1e-9)
    again = scale_out.measure(lambda: U.compute(), client, meta["bytes"])
    assert again["passes"] == 0  # U comes from the range sketch kept by the pass
    Uc = again["result"]
    np.testing.assert_allclose(Uc.T @ Uc, np.eye(8), atol=1e-10)
    A = X.compute()
    _, s_np, Vt_np = rsvd.single_pass_svd(A, 8, rng=0)
    np.testing.assert_allclose(sk, s_np, rtol=1e-9)  # different Psi draws, same exact recovery
    np.testing.assert_allclose(np.abs(np.sum(Vt * Vt_np, axis=1)), 1.0, atol=1e-9)
    with pytest.raises(ValueError, match="chunked by rows only"):
        rsvd.single_pass_svd(da.from_array(A, chunks=(1000, 25)), 3)
    with pytest.raises(ValueError, match="range_size"):
        rsvd.single_pass_svd(X, 3, range_size=60)
