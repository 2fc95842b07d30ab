"""Tests of jl_lab.rsvd: the randomized SVD, the seed's recipe and the HMT bound, checked against theory."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, aslinearoperator

from jl_lab import rsvd
from jl_lab.timing import one_blas_thread


EPS = np.finfo(float).eps


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    """Small matrices: one BLAS thread is faster, and robust on a busy machine."""
    with one_blas_thread():
        yield


def _orthonormality(U, Vt):
    k = U.shape[1]
    return max(np.abs(U.T @ U - np.eye(k)).max(), np.abs(Vt @ Vt.T - np.eye(k)).max())


@pytest.fixture(scope="module")
def decaying():
    """300 x 200 matrix with sigma_j = 1/j, and its singular values."""
    s = 1.0 / np.arange(1, 201)
    return rsvd.matrix_with_spectrum(300, 200, s, rng=0), s


# --------------------------------------------------------------------------- structure of the output


@pytest.mark.parametrize("normalizer", rsvd.NORMALIZERS)
@pytest.mark.parametrize("shape", [(300, 200), (200, 300)])
def test_orthonormal_factors_and_descending_values(decaying, normalizer, shape):
    M, _ = decaying
    M = M if M.shape == shape else M.T
    U, s, Vt = rsvd.randomized_svd(M, 15, 10, 2, rng=1, normalizer=normalizer)
    assert U.shape == (shape[0], 15) and s.shape == (15,) and Vt.shape == (15, shape[1])
    assert _orthonormality(U, Vt) < 1e-12
    assert np.all(np.diff(s) <= 0) and np.all(s >= 0)


def test_same_seed_same_result_other_seed_other_result(decaying):
    M, _ = decaying
    a = rsvd.randomized_svd(M, 5, rng=3, power_iters=0)
    b = rsvd.randomized_svd(M, 5, rng=3, power_iters=0)
    c = rsvd.randomized_svd(M, 5, rng=4, power_iters=0)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.allclose(a[0], c[0])


def test_generator_is_threaded_through(decaying):
    M, _ = decaying
    gen = np.random.default_rng(7)
    first = rsvd.randomized_svd(M, 5, rng=gen)[1]
    second = rsvd.randomized_svd(M, 5, rng=gen)[1]
    assert not np.array_equal(first, second)  # the generator advanced


# --------------------------------------------------------------------------- exact recovery


@pytest.mark.parametrize("power_iters", [0, 2])
@pytest.mark.parametrize("oversample", [0, 10])
def test_exact_recovery_of_low_rank(power_iters, oversample):
    """Rank r <= k: range(M Omega) = range(M) almost surely, so the output is M up to rounding."""
    s = np.array([5.0, 4.0, 3.0, 2.0, 1.0, 0.5])
    M = rsvd.matrix_with_spectrum(120, 80, s, rng=2)
    U, sk, Vt = rsvd.randomized_svd(M, s.size, oversample, power_iters, rng=5)
    assert np.linalg.norm(M - (U * sk) @ Vt, 2) < 1e3 * EPS * s[0]
    np.testing.assert_allclose(sk, s, rtol=1e-12)


def test_full_rank_k_equals_min_dimension_is_exact(decaying):
    M, s = decaying
    U, sk, Vt = rsvd.randomized_svd(M, 200, rng=0)
    np.testing.assert_allclose(sk, s, rtol=1e-10, atol=1e-13)
    assert np.linalg.norm(M - (U * sk) @ Vt, 2) < 1e-12


# --------------------------------------------------------------------------- error against the optimum


def test_error_is_never_below_eckart_young_and_matches_scipy(decaying):
    """||M - M_k||_2 >= sigma_{k+1} for any rank-k M_k; with q = 4 the values match LAPACK's."""
    M, s = decaying
    k = 10
    U, sk, Vt = rsvd.randomized_svd(M, k, 10, 4, rng=6)
    err = np.linalg.norm(M - (U * sk) @ Vt, 2)
    assert err >= s[k] * (1 - 1e-12)
    np.testing.assert_allclose(sk, sla.svdvals(M)[:k], rtol=1e-6)


def test_mean_error_within_hmt_bounds(decaying):
    """HMT: E||(I - QQ^T)M|| <= bound, and (Thm 9.3) rank-k error <= sigma_{k+1} + range error."""
    M, s = decaying
    k, p, trials = 8, 5, 20
    for q in (0, 1):
        range_errs, rank_errs = [], []
        for t in range(trials):
            Q = rsvd.range_finder(M, k + p, q, rng=100 + t)
            range_errs.append(rsvd.residual_norm(M, Q, np.ones(k + p), Q.T @ M, rng=t))
            U, sk, Vt = rsvd.randomized_svd(M, k, p, q, rng=100 + t)
            rank_errs.append(rsvd.residual_norm(M, U, sk, Vt, rng=t))
        bound = rsvd.hmt_bound(s, k, p, q)
        assert np.mean(range_errs) <= bound
        assert np.mean(rank_errs) <= s[k] + bound
        # same test matrix: the rank-k output is never better than its own range finder's optimum
        assert min(rank_errs) >= s[k] * (1 - 1e-12)


def test_power_iterations_reduce_error(decaying):
    M, s = decaying
    errs = [
        np.mean([np.linalg.norm(M - (lambda U, v, W: (U * v) @ W)(*rsvd.randomized_svd(M, 10, 5, q, rng=t)), 2)
                 for t in range(5)])
        for q in (0, 2)
    ]
    assert errs[1] < errs[0]


def test_unnormalized_power_iterations_lose_small_directions():
    """Without normalization, directions below eps^(1/(2q+1)) sigma_1 drown in rounding; LU keeps them."""
    s = 10.0 ** (-np.arange(80) / 8)  # sigma_{k+1}/sigma_1 = 1e-6 at k = 48
    M = rsvd.matrix_with_spectrum(120, 80, s, rng=3)
    out = rsvd.normalizer_errors(M, [48], s, power_iters=2, rng=1)
    ratio = dict(zip(out["normalizers"], out["ratio"][:, 0]))
    assert s[48] / s[0] < EPS ** (1 / 5)
    assert ratio["none"] > 10
    for name in ("lu", "lu-every", "qr-every"):
        assert ratio[name] < 1.1


# --------------------------------------------------------------------------- sparse and LinearOperator input


def test_sparse_and_operator_input_match_dense(decaying):
    """Same seed, same test matrix: dense, CSR, CSC and LinearOperator give the same factorization."""
    M, _ = decaying
    ref_U, ref_s, ref_Vt = rsvd.randomized_svd(M, 10, rng=8)
    for variant in (sp.csr_matrix(M), sp.csc_matrix(M), sp.csr_array(M), aslinearoperator(M)):
        U, s, Vt = rsvd.randomized_svd(variant, 10, rng=8)
        np.testing.assert_allclose(s, ref_s, rtol=1e-10)
        np.testing.assert_allclose((U * s) @ Vt, (ref_U * ref_s) @ ref_Vt, atol=1e-10)


def test_truly_sparse_and_wide_matrices():
    """A wide sparse matrix goes through its transpose; same numbers as the dense path, and the theory's inequalities."""
    S = sp.random(400, 900, density=0.01, format="csr", rng=np.random.default_rng(0))
    U, s, Vt = rsvd.randomized_svd(S, 12, rng=0, power_iters=4)
    assert U.shape == (400, 12) and Vt.shape == (12, 900)
    assert _orthonormality(U, Vt) < 1e-12
    Ud, sd, Vtd = rsvd.randomized_svd(S.toarray(), 12, rng=0, power_iters=4)
    np.testing.assert_allclose(s, sd, rtol=1e-10)
    exact = sla.svdvals(S.toarray())
    assert np.all(s <= exact[:12] * (1 + 1e-12))  # interlacing: sigma_i(Q^T M) <= sigma_i(M)
    assert rsvd.residual_norm(S, U, s, Vt, rng=0) >= exact[12] * (1 - 1e-12)  # Eckart-Young


def test_operator_defined_by_matvec_only():
    M = rsvd.matrix_with_spectrum(60, 40, [3.0, 2.0, 1.0], rng=1)
    op = LinearOperator(M.shape, matvec=lambda x: M @ x, rmatvec=lambda y: M.T @ y, dtype=float)
    U, s, Vt = rsvd.randomized_svd(op, 3, rng=0)
    np.testing.assert_allclose(s, [3.0, 2.0, 1.0], rtol=1e-12)


# --------------------------------------------------------------------------- the seed's recipe


def test_seed_recipe_is_unbiased_with_predicted_variance():
    """E[(MQQ^T)_ij] = M_ij, Var = (||m_i||^2 + M_ij^2)/k for Q with N(0, 1/k) entries."""
    gen = np.random.default_rng(0)
    M = gen.standard_normal((6, 12))
    k, trials = 4, 4000
    samples = np.empty((trials,) + M.shape)
    for t in range(trials):
        U, s, W = rsvd.seed_recipe_svd(M, k, rng=gen)
        samples[t] = (U * s) @ W
    var = (np.sum(M**2, axis=1, keepdims=True) + M**2) / k
    z = (samples.mean(axis=0) - M) / np.sqrt(var / trials)
    assert np.abs(z).max() < 4.5  # 72 entries, each within 4.5 standard errors (Bonferroni: p < 5e-4)
    # the sum of these variances is tested in test_seed_recipe_frobenius_error_expectations


def test_seed_recipe_frobenius_error_expectations():
    """E||MQQ^T - M||_F^2 = (n+1)/k ||M||_F^2 (Gaussian Q); (1 - k/n) ||M||_F^2 (orthonormal Q)."""
    M = rsvd.matrix_with_spectrum(40, 30, 1.0 / np.arange(1, 31), rng=1)
    n, k, trials = 30, 6, 400
    fro2 = np.linalg.norm(M) ** 2
    gen = np.random.default_rng(2)
    gauss, orth = [], []
    for _ in range(trials):
        seed = int(gen.integers(2**32))
        U, s, W = rsvd.seed_recipe_svd(M, k, rng=seed)
        gauss.append(np.linalg.norm(M - (U * s) @ W) ** 2 / fro2)
        U, s, W = rsvd.seed_recipe_svd(M, k, rng=seed, orthonormalize=True)
        orth.append(np.linalg.norm(M - (U * s) @ W) ** 2 / fro2)
    for values, expected in ((gauss, (n + 1) / k), (orth, 1 - k / n)):
        se = np.std(values, ddof=1) / np.sqrt(trials)
        assert abs(np.mean(values) - expected) < 4 * se


def test_seed_recipe_left_factor_spans_range_and_qqt_is_not_identity():
    s = np.array([2.0, 1.5, 1.0, 0.5])
    M = rsvd.matrix_with_spectrum(80, 50, s, rng=3)
    U, sB, W = rsvd.seed_recipe_svd(M, 10, rng=4, orthonormalize=True)
    assert np.linalg.norm(M - U @ (U.T @ M), 2) < 1e3 * EPS * s[0]  # the HMT fix is exact
    assert np.linalg.norm(M - (U * sB) @ W, 2) > 0.5 * s[0]  # the recipe is not
    # with orthonormal Q, W = (Q V_B)^T has orthonormal rows, and Q Q^T is a rank-10 projection
    np.testing.assert_allclose(W @ W.T, np.eye(10), atol=1e-12)
    P = W.T @ W  # = Q Q^T (V_B is orthogonal)
    assert np.linalg.matrix_rank(P) == 10
    assert np.linalg.norm(P - np.eye(50), 2) == pytest.approx(1.0, abs=1e-12)


def test_seed_recipe_exact_when_k_equals_n():
    M = rsvd.matrix_with_spectrum(40, 25, 1.0 / np.arange(1, 26), rng=5)
    U, s, W = rsvd.seed_recipe_svd(M, 25, rng=6, orthonormalize=True)
    assert np.linalg.norm(M - (U * s) @ W, 2) < 1e-13
    U, s, W = rsvd.seed_recipe_svd(M, 25, rng=6)
    assert np.linalg.norm(M - (U * s) @ W, 2) > 0.1  # Gaussian square Q: QQ^T != I


def test_seed_recipe_errors_consistent_with_definition():
    M = rsvd.matrix_with_spectrum(100, 60, 0.8 ** np.arange(60), rng=7)
    out = rsvd.seed_recipe_errors(M, [5, 60], rng=8)
    s = sla.svdvals(M)
    np.testing.assert_allclose(out["optimal"], [s[5] / s[0], 0.0])
    assert np.all(out["fixed"] >= out["optimal"] - 1e-14)
    assert out["recipe_qr"][-1] < 1e-12  # k = n, orthonormal Q


# --------------------------------------------------------------------------- the HMT bound


def test_hmt_bound_closed_form_for_flat_spectrum():
    r, k, p = 100, 10, 5
    bracket = 1 + np.sqrt(k / (p - 1)) + np.e * np.sqrt(k + p) / p * np.sqrt(r - k)
    for q in (0, 1, 3):
        assert rsvd.hmt_bound(np.ones(r), k, p, q) == pytest.approx(bracket ** (1 / (2 * q + 1)), rel=1e-14)


def test_hmt_bound_scales_and_handles_extremes():
    s = 1.0 / np.arange(1, 101)
    assert rsvd.hmt_bound(7 * s, 10, 5, 2) == pytest.approx(7 * rsvd.hmt_bound(s, 10, 5, 2), rel=1e-13)
    assert rsvd.hmt_bound(np.r_[np.ones(5), np.zeros(95)], 5, 5) == 0.0
    # powers of tiny values neither overflow nor underflow
    steep = 10.0 ** -np.arange(100.0)
    assert 0 < rsvd.hmt_bound(steep, 10, 5, 10) < np.inf
    # with q -> large the bound tends to sigma_{k+1}
    assert rsvd.hmt_bound(s, 10, 5, 200) == pytest.approx(s[10], rel=0.05)


def test_error_sweep_bound_matches_hmt_bound():
    s = 1.0 / np.arange(1, 61)
    out = rsvd.error_sweep(s, 5, [3, 6], [0, 1], trials=3, rng=0)
    assert out["ratio"].shape == (2, 2, 3)
    assert out["bound"][1, 0] == pytest.approx(rsvd.hmt_bound(s, 5, 3, 1) / s[5])
    assert np.all(out["ratio"] > 0)


# --------------------------------------------------------------------------- helpers


def test_residual_norm_matches_numpy():
    gen = np.random.default_rng(0)
    M = gen.standard_normal((50, 30))
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    for r in (3, 10):
        R = M - (U[:, :r] * s[:r]) @ Vt[:r]
        for mat in (M, sp.csr_matrix(M)):
            assert rsvd.residual_norm(mat, U[:, :r], s[:r], Vt[:r], rng=0) == pytest.approx(np.linalg.norm(R, 2))
            assert rsvd.residual_norm(mat, U[:, :r], s[:r], Vt[:r], "fro") == pytest.approx(np.linalg.norm(R))


def test_cholqr2_orthonormal_and_falls_back_when_ill_conditioned():
    gen = np.random.default_rng(1)
    good = gen.standard_normal((500, 20))
    Q, R = rsvd._cholqr2(good)
    np.testing.assert_allclose(Q.T @ Q, np.eye(20), atol=1e-14)
    np.testing.assert_allclose(Q @ R, good, atol=1e-12)
    bad = good @ np.diag(10.0 ** -np.arange(20))  # cond 1e19
    assert rsvd._cholqr2(bad) is None
    Q = rsvd._orth(bad)
    np.testing.assert_allclose(Q.T @ Q, np.eye(20), atol=1e-14)


def test_lu_basis_spans_the_block():
    Y = np.random.default_rng(2).standard_normal((200, 12))
    L = rsvd._lu_basis(Y.copy())
    assert np.abs(L).max() <= 1 + 1e-15  # partial pivoting bounds the entries of L
    coef, *_ = np.linalg.lstsq(L, Y, rcond=None)
    np.testing.assert_allclose(L @ coef, Y, atol=1e-12)


def test_compression_curve_and_report():
    img = rsvd.matrix_with_spectrum(60, 50, 0.7 ** np.arange(50), rng=3)
    out = rsvd.compression_curve(img, [2, 5, 50], rng=0)
    assert np.all(out["error"] >= out["optimal"] - 1e-12)
    assert out["error"][-1] < 1e-12
    np.testing.assert_allclose(out["storage"], np.array([2, 5, 50]) * 111 / 3000)
    rep = rsvd.approximation_report(img, 5, 5, 1, rng=0)
    assert rep["error"] >= rep["optimal"] * (1 - 1e-12)
    assert rep["error"] <= rep["optimal"] + rep["range_error"] * (1 + 1e-9)  # HMT Thm 9.3
    assert rep["reconstruction"].shape == img.shape


def test_compare_solvers_sorts_ascending_outputs():
    from scipy.sparse.linalg import svds

    M = rsvd.matrix_with_spectrum(80, 60, 1.0 / np.arange(1, 61), rng=4)
    out = rsvd.compare_solvers(M, {"svds": lambda A: svds(A, k=5, rng=0)}, k=5, repeats=1, rng=0)
    assert out["svds"]["error"] == pytest.approx(1.0 / 6, rel=1e-8)
    assert out["svds"]["time"] > 0


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"k": 0}, ValueError, "k must be >= 1"),
        ({"k": 41}, ValueError, "k must be <= 40"),
        ({"k": 2.5}, TypeError, "k must be an integer"),
        ({"k": 5, "oversample": -1}, ValueError, "oversample must be >= 0"),
        ({"k": 5, "power_iters": -2}, ValueError, "power_iters must be >= 0"),
        ({"k": 5, "normalizer": "cholesky"}, ValueError, "normalizer must be one of"),
        ({"k": 5, "rng": "seed"}, TypeError, "rng must be"),
    ],
)
def test_randomized_svd_rejects_bad_parameters(kwargs, exc, match):
    M = np.ones((60, 40))
    with pytest.raises(exc, match=match):
        rsvd.randomized_svd(M, **kwargs)


def test_randomized_svd_rejects_bad_matrices():
    with pytest.raises(ValueError, match="M must not contain NaN"):
        rsvd.randomized_svd(np.full((5, 4), np.nan), 2)
    bad = sp.csr_matrix(np.eye(5))
    bad.data[0] = np.inf
    with pytest.raises(ValueError, match="M must not contain NaN"):
        rsvd.randomized_svd(bad, 2)
    with pytest.raises(ValueError, match="M must have 2 dimensions"):
        rsvd.randomized_svd(np.ones(5), 1)
    with pytest.raises(TypeError, match="M must be a numeric array"):
        rsvd.randomized_svd("matrix", 1)
    nan_op = LinearOperator((6, 4), matvec=lambda x: np.full(6, np.nan), rmatvec=lambda y: np.zeros(4), dtype=float)
    with pytest.raises(ValueError, match="M must not contain NaN"):
        rsvd.randomized_svd(nan_op, 2)
    cplx = LinearOperator((6, 4), matvec=lambda x: x[:1].repeat(6), dtype=complex)
    with pytest.raises(TypeError, match="M must be a real LinearOperator"):
        rsvd.randomized_svd(cplx, 2)


def test_seed_recipe_and_helpers_reject_bad_input():
    M = np.ones((10, 8))
    with pytest.raises(ValueError, match="k must be <= 8"):
        rsvd.seed_recipe_svd(M, 9)
    with pytest.raises(TypeError, match="orthonormalize must be a bool"):
        rsvd.seed_recipe_svd(M, 2, orthonormalize="yes")
    with pytest.raises(ValueError, match="size must be <= 8"):
        rsvd.range_finder(M, 9)
    with pytest.raises(ValueError, match="s must have at most"):
        rsvd.matrix_with_spectrum(3, 2, [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="ord must be 2 or 'fro'"):
        rsvd.residual_norm(M, np.ones((10, 1)), [1.0], np.ones((1, 8)), ord=1)
    with pytest.raises(ValueError, match="U, s, Vt must have shapes"):
        rsvd.residual_norm(M, np.ones((9, 1)), [1.0], np.ones((1, 8)))
    with pytest.raises(TypeError, match="func must be callable"):
        rsvd.best_time(3)


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.ones(20), 1, 5), "k must be >= 2"),
        ((np.ones(20), 5, 1), "oversample must be >= 2"),
        ((np.ones(20), 16, 5), "k must be <= 15"),
        ((np.arange(20.0), 5, 5), "s must be sorted in non-increasing order"),
        ((-np.ones(20), 5, 5), "s must be non-negative"),
        ((np.r_[np.ones(19), np.nan], 5, 5), "s must not contain NaN"),
    ],
)
def test_hmt_bound_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        rsvd.hmt_bound(*args)


def test_explorer_view_and_widget_build():
    """The explorer's compute + plot path runs and returns a figure; the widget builds its controls."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    pytest.importorskip("ipywidgets")
    from matplotlib.figure import Figure

    from jl_lab import widgets

    img = np.clip(rsvd.matrix_with_spectrum(90, 70, 0.8 ** np.arange(70), rng=0) + 0.5, 0, 1)
    assert isinstance(widgets.rsvd_view(img, k=5, oversample=5, power_iters=1), Figure)
    box = widgets.rsvd_explorer(img, k=5, oversample=5, power_iters=1)
    assert set(box.children[1].children[i].description for i in range(3)) == {
        "rank k", "oversampling p", "power iters q"}


# --------------------------------------------------------------------------- block Krylov, single pass, Nystrom


def _low_rank(m, n, r, seed):
    gen = np.random.default_rng(seed)
    return gen.standard_normal((m, r)) @ gen.standard_normal((r, n))


def test_block_krylov_exact_on_low_rank_and_orthonormal():
    M = _low_rank(120, 80, 5, 40)
    U, s, Vt = rsvd.block_krylov_svd(M, 5, power_iters=1, rng=41)
    np.testing.assert_allclose((U * s) @ Vt, M, atol=1e-10 * np.abs(M).max())
    assert _orthonormality(U, Vt) < 1e-12
    np.testing.assert_allclose(s, np.linalg.svd(M, compute_uv=False)[:5], rtol=1e-12)


def test_block_krylov_contains_subspace_iteration():
    """Same Omega: the Krylov space contains (MM^T)^q M Omega, so the rank-k Frobenius error is never larger."""
    s_flat = np.r_[np.ones(10), 0.9 * np.ones(290)]
    M = rsvd.matrix_with_spectrum(300, 300, s_flat, rng=42)
    k, q = 10, 2
    for seed in range(5):
        U, s, Vt = rsvd.block_krylov_svd(M, k, power_iters=q, rng=seed)
        Omega = np.random.default_rng(seed).standard_normal((300, k))
        Y = M @ Omega
        for _ in range(q):
            Y = M @ (M.T @ Y)
        Q = np.linalg.qr(Y)[0]
        Ub, sb, Vb = np.linalg.svd(Q.T @ M, full_matrices=False)
        err_si = np.linalg.norm(M - (Q @ Ub[:, :k] * sb[:k]) @ Vb[:k])
        assert np.linalg.norm(M - (U * s) @ Vt) <= err_si * (1 + 1e-12)


def test_block_krylov_matches_scipy_svds_on_a_gap():
    """With a clear gap and enough iterations the top singular values agree with ARPACK."""
    from scipy.sparse.linalg import svds

    s_true = np.r_[np.linspace(3, 2, 8), 1.0 / np.arange(1, 193)]
    M = rsvd.matrix_with_spectrum(250, 200, s_true, rng=43)
    _, s, _ = rsvd.block_krylov_svd(M, 8, power_iters=4, rng=44)
    ref = np.sort(svds(M, k=8, rng=0, return_singular_vectors=False))[::-1]
    np.testing.assert_allclose(s, ref, rtol=1e-8)


def test_matvec_counts():
    assert rsvd.krylov_matvecs(10, 0) == rsvd.subspace_iteration_matvecs(10, 0) == 20
    assert rsvd.krylov_matvecs(5, 3) == 55 and rsvd.subspace_iteration_matvecs(5, 3) == 40


def test_single_pass_exact_on_low_rank_and_streams_once():
    M = _low_rank(200, 90, 4, 45)
    U, s, Vt = rsvd.single_pass_svd(M, 4, rng=46, block_rows=37)
    np.testing.assert_allclose((U * s) @ Vt, M, atol=1e-9 * np.abs(M).max())
    seen = []

    def stream():
        for i in range(0, 200, 50):
            seen.append(i)
            yield M[i:i + 50]

    U2, s2, Vt2 = rsvd.single_pass_svd(stream(), 4, rng=46)
    assert seen == [0, 50, 100, 150]                     # each block read exactly once
    np.testing.assert_allclose((U2 * s2) @ Vt2, M, atol=1e-9 * np.abs(M).max())
    U3, s3, Vt3 = rsvd.single_pass_svd(sp.csr_matrix(M), 4, rng=46)
    np.testing.assert_allclose(s3, s, rtol=1e-10)


def test_single_pass_within_the_tyuc_bound():
    """E||M - QX||_F^2 <= (1 + r/(l-r-1)) (1 + rho/(r-rho-1)) tau_{rho+1}^2, and truncation adds <= 2 ||M - QX||_F."""
    s_true = 1.0 / np.arange(1, 101)
    M = rsvd.matrix_with_spectrum(150, 100, s_true, rng=47)
    k, r, l_ = 5, 11, 23
    errs = []
    for seed in range(30):
        U, s, Vt = rsvd.single_pass_svd(M, k, rng=seed, range_size=r, corange_size=l_)
        errs.append(np.linalg.norm(M - (U * s) @ Vt))
    tail2 = lambda j: np.sum(s_true[j:] ** 2)  # noqa: E731
    bound2 = min((1 + r / (l_ - r - 1)) * (1 + rho / (r - rho - 1)) * tail2(rho) for rho in range(1, r - 1))
    assert np.mean(errs) <= np.sqrt(tail2(k)) + 2 * np.sqrt(bound2)
    assert min(errs) >= np.sqrt(tail2(k)) * (1 - 1e-12)        # Eckart-Young


def test_nystrom_exact_psd_and_dominated():
    gen = np.random.default_rng(48)
    G = gen.standard_normal((100, 6))
    A = G @ G.T
    U, lam = rsvd.nystrom(A, 6, rng=49)
    np.testing.assert_allclose((U * lam) @ U.T, A, atol=1e-9 * np.abs(A).max())
    # full-rank PSD: A - A_hat is PSD (up to the stabilizing shift) and A_hat is PSD
    lam_true = 1.0 / np.arange(1, 101) ** 2
    Q = np.linalg.qr(gen.standard_normal((100, 100)))[0]
    A = (Q * lam_true) @ Q.T
    U, lam = rsvd.nystrom(A, 10, rng=50, oversample=0)
    assert np.all(lam >= 0) and np.all(np.diff(lam) <= 0)
    assert np.linalg.eigvalsh(A - (U * lam) @ U.T).min() > -1e-12
    # the Nystrom formula itself, with the same orthonormalized test matrix
    Omega = np.linalg.qr(np.random.default_rng(50).standard_normal((100, 10)))[0]
    Y = A @ Omega
    np.testing.assert_allclose((U * lam) @ U.T, Y @ np.linalg.pinv(Omega.T @ Y) @ Y.T, atol=1e-10)


def test_nystrom_trace_norm_bound():
    """E ||A - A_hat||_* <= (1 + rho/(l - rho - 1)) sum_{j > rho} lambda_j for the untruncated Nystrom (l columns)."""
    gen = np.random.default_rng(51)
    lam_true = 1.0 / np.arange(1, 201)
    Q = np.linalg.qr(gen.standard_normal((200, 200)))[0]
    A = (Q * lam_true) @ Q.T
    ell = 20
    errs = [np.sum(np.linalg.eigvalsh(A - (U * lam) @ U.T).clip(0))
            for U, lam in (rsvd.nystrom(A, ell, rng=seed, oversample=0) for seed in range(20))]
    bound = min((1 + rho / (ell - rho - 1)) * lam_true[rho:].sum() for rho in range(1, ell - 1))
    assert np.mean(errs) <= bound
    assert min(errs) >= lam_true[ell:].sum() * (1 - 1e-9)     # no rank-l approximation beats the tail


def test_new_functions_bad_input():
    M = np.ones((10, 8))
    with pytest.raises(ValueError, match="power_iters"):
        rsvd.block_krylov_svd(M, 3, power_iters=2)
    with pytest.raises(ValueError, match="block_size"):
        rsvd.block_krylov_svd(M, 3, power_iters=0, block_size=2)
    with pytest.raises(ValueError, match="NaN"):
        rsvd.block_krylov_svd(np.full((4, 4), np.nan), 1)
    with pytest.raises(ValueError, match="range_size"):
        rsvd.single_pass_svd(M, 2, range_size=9)
    with pytest.raises(ValueError, match="columns"):
        rsvd.single_pass_svd(iter([np.ones((3, 4)), np.ones((3, 5))]), 1)
    with pytest.raises(ValueError, match="at least one row block"):
        rsvd.single_pass_svd(iter([]), 1)
    with pytest.raises(ValueError, match="square"):
        rsvd.nystrom(M, 2)
    with pytest.raises(ValueError, match="symmetric"):
        rsvd.nystrom(np.triu(np.ones((4, 4))), 2)
    with pytest.raises(ValueError, match="k must be"):
        rsvd.nystrom(np.eye(4), 5)

# ---------------------------------------------------------------------------
# float32 (perf issue): float32 in, float32 out, accurate to float32's backward error
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("normalizer", rsvd.NORMALIZERS)
@pytest.mark.parametrize("sparse", [False, True])
def test_float32_input_gives_float32_output_to_float32_accuracy(normalizer, sparse):
    """On an exactly rank-4 matrix the randomized SVD is exact in exact arithmetic.  In float32, the
    input itself is rounded (||M32 - M||_2 <= ||M32 - M||_F <= u ||M||_F, which moves each singular
    value by at most that much: Weyl), and the products and factorizations are backward stable with
    errors of order max(m, n) u ||M||_2; so 10 max(m, n) u sigma_1 bounds the errors of the singular
    values and of the reconstruction (u = 2^-24)."""
    s_true = np.array([5.0, 3.0, 1.0, 0.5])
    M = rsvd.matrix_with_spectrum(400, 250, s_true, rng=1)
    M32 = M.astype(np.float32)
    A = sp.csr_matrix(M32) if sparse else M32
    # without normalization, q power iterations lose directions below eps^(1/(2q+1)) sigma_1 (0.036 sigma_1
    # in float32 for q = 2, near sigma_4 = 0.1 sigma_1): "none" is checked at q = 0, where it loses nothing
    q = 0 if normalizer == "none" else 2
    U, s, Vt = rsvd.randomized_svd(A, 4, oversample=6, power_iters=q, rng=3, normalizer=normalizer)
    assert U.dtype == s.dtype == Vt.dtype == np.float32
    tol = 10 * max(M.shape) * 2.0**-24 * s_true[0]
    np.testing.assert_allclose(s, s_true, rtol=0, atol=tol)
    recon = (U.astype(np.float64) * s) @ Vt.astype(np.float64)
    assert np.linalg.norm(recon - M, 2) <= tol
    # orthonormal columns to float32 rounding
    assert np.abs(U.T.astype(np.float64) @ U - np.eye(4)).max() <= 10 * max(M.shape) * 2.0**-24
    # a wide float32 matrix (processed through its transpose) keeps its dtype too
    Ut, st, Vtt = rsvd.randomized_svd(M32.T, 4, rng=3)
    assert Ut.dtype == np.float32 and Ut.shape == (250, 4) and Vtt.shape == (4, 400)
    np.testing.assert_allclose(st, s_true, rtol=0, atol=tol)


def test_float64_results_are_unchanged_by_the_float32_path():
    """float64 input still runs in float64 (the same draws as before: a float32 cast happens only
    for float32 input), to float64 accuracy."""
    M = rsvd.matrix_with_spectrum(120, 80, [4.0, 2.0, 1.0], rng=0)
    U, s, Vt = rsvd.randomized_svd(M, 3, rng=0)
    assert U.dtype == np.float64
    np.testing.assert_allclose(s, [4.0, 2.0, 1.0], atol=1e-12)


# ---- sign convention (svd_flip) in seed_recipe_svd and reducers.pca -----------------------------


def test_seed_recipe_svd_signs_follow_svd_flip_and_not_the_seed():
    """For a rank-1 M and k = 1, U_B is +-u_1 whatever Q is: after svd_flip the same vector for every seed."""
    from jl_lab import rsvd

    gen = np.random.default_rng(3)
    u, v = gen.normal(size=40), gen.normal(size=25)
    M = np.outer(u, v)
    outs = [rsvd.seed_recipe_svd(M, 1, rng=seed) for seed in range(6)]
    for U, s, W in outs:
        col = U[:, 0]
        assert col[np.argmax(np.abs(col))] > 0  # the convention
        np.testing.assert_allclose(U, outs[0][0], atol=1e-12)  # same signs for every seed
    for seed in range(3):  # general M: the convention holds column by column
        U, s, W = rsvd.seed_recipe_svd(M + gen.normal(size=M.shape), 5, rng=seed)
        assert np.all(U[np.argmax(np.abs(U), axis=0), np.arange(5)] > 0)


def test_pca_signs_match_scikit_learn_on_every_route():
    import scipy.sparse as sp
    from sklearn.decomposition import PCA

    from jl_lab import reducers

    gen = np.random.default_rng(1)
    for shape in [(60, 8), (8, 60)]:  # tall (direct SVD) and wide (Gram eigenvectors)
        X = gen.normal(size=shape) * np.linspace(3.0, 1.0, shape[1])
        ref = PCA(3, svd_solver="full").fit(X).components_
        for data in (X, sp.csr_matrix(X)):  # sparse tall: covariance eigenvectors
            _, comps, _ = reducers.pca(data, 3)
            np.testing.assert_allclose(comps, ref, atol=1e-8)
            assert np.all(comps[np.arange(3), np.argmax(np.abs(comps), axis=1)] > 0)
            # a sign flip of the data's axes flips the components' entries but not the convention
            _, flipped, _ = reducers.pca(-data, 3)
            np.testing.assert_allclose(np.abs(flipped), np.abs(comps), atol=1e-8)
            assert np.all(flipped[np.arange(3), np.argmax(np.abs(flipped), axis=1)] > 0)


def test_svd_flip_v_based_decision():
    from jl_lab import rsvd

    gen = np.random.default_rng(2)
    A = gen.normal(size=(7, 5))
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    U2, Vt2 = rsvd.svd_flip(U, Vt, u_based_decision=False)
    np.testing.assert_allclose(U2 @ np.diag(s) @ Vt2, A, atol=1e-12)
    assert np.all(Vt2[np.arange(5), np.argmax(np.abs(Vt2), axis=1)] > 0)
    with pytest.raises(TypeError, match="u_based_decision"):
        rsvd.svd_flip(U, Vt, u_based_decision="no")


def test_compare_solvers_keeps_every_round_and_krylov_every_trial():
    M = rsvd.matrix_with_spectrum(60, 40, 1.0 / np.arange(1, 41), rng=6)
    calls = []
    lapack = lambda A: (calls.append(1), np.linalg.svd(A, full_matrices=False))[1]  # noqa: E731
    out = rsvd.compare_solvers(M, {"a": lapack, "b": lambda A: rsvd.randomized_svd(A, 5, 5, 1, rng=0)}, k=5,
                               repeats={"a": 2, "b": 4}, rng=0)
    assert out["a"]["times"].shape == (2,) and out["b"]["times"].shape == (4,) and len(calls) == 2
    assert out["a"]["time"] == out["a"]["times"].min() and out["b"]["time"] == out["b"]["times"].min()
    assert out["a"]["error"] == pytest.approx(1.0 / 6, rel=1e-8)      # exact SVD: Eckart-Young
    kry = rsvd.krylov_comparison(M, 4, [0, 1], [0, 2], oversample=2, trials=3, rng=1)
    assert kry["si_errors"].shape == (2, 3) and kry["krylov_errors"].shape == (2, 3)
    np.testing.assert_allclose(kry["si_errors"].mean(axis=1), kry["si_error"])
    np.testing.assert_allclose(kry["krylov_errors"].mean(axis=1), kry["krylov_error"])
    assert np.all(kry["krylov_errors"] >= 0.2 * (1 - 1e-9))          # never below sigma_5 = 1/5
