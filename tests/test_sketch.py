"""Tests of jl_lab.sketch: subspace embeddings and sketched least squares, checked against theory and SciPy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp

from jl_lab import sketch

KINDS = sketch.KINDS


def _sketch_matrix(N, m, kind, seed, nnz=None):
    """The matrix S itself: the sketch of the identity."""
    return sketch.apply_sketch(np.eye(N), m, kind=kind, rng=seed, nnz=nnz)


# --------------------------------------------------------------------------- the four matrices


@pytest.mark.parametrize("kind", KINDS)
def test_unbiased_squared_norm(kind):
    """E ||S x||^2 = ||x||^2 for every kind; the variance is at most 2/m per draw (Gaussian: exactly 2/m)."""
    gen = np.random.default_rng(0)
    x = gen.standard_normal(256)
    m, trials = 32, 400
    ratios = [np.sum(sketch.apply_sketch(x[:, None], m, kind, rng=gen) ** 2) / np.sum(x**2) for _ in range(trials)]
    assert abs(np.mean(ratios) - 1) < 5 * np.sqrt(2 / m / trials)


def test_countsketch_is_scipys_clarkson_woodruff():
    A = np.random.default_rng(1).standard_normal((300, 4))
    ours = sketch.apply_sketch(A, 40, "countsketch", rng=np.random.default_rng(7))
    theirs = sla.clarkson_woodruff_transform(A, 40, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(ours, theirs)


def test_countsketch_and_sparse_sign_structure():
    """CountSketch: one +-1 per column; sparse sign: nnz entries +-1/sqrt(nnz) in distinct rows, unit columns."""
    S = _sketch_matrix(200, 30, "countsketch", 2)
    assert np.all(np.count_nonzero(S, axis=0) == 1) and set(np.unique(np.abs(S))) == {0.0, 1.0}
    S = _sketch_matrix(200, 30, "sparse-sign", 3, nnz=4)
    assert np.all(np.count_nonzero(S, axis=0) == 4)
    np.testing.assert_allclose(np.abs(S[S != 0]), 0.5)
    np.testing.assert_allclose(np.linalg.norm(S, axis=0), 1.0)
    # default nnz is min(8, m)
    assert np.all(np.count_nonzero(_sketch_matrix(50, 5, "sparse-sign", 4), axis=0) == 5)


def test_srht_rows_are_scaled_orthonormal():
    """Sampled rows of an orthonormal Hadamard transform times signs, scaled by sqrt(N/m): S S^T = (N/m) I."""
    N, m = 64, 16
    S = _sketch_matrix(N, m, "srht", 5)
    np.testing.assert_allclose(S @ S.T, N / m * np.eye(m), atol=1e-12)
    np.testing.assert_allclose(np.abs(S), np.sqrt(1 / m))


def test_sparse_input_gives_the_same_sketch():
    A = sp.random(500, 6, density=0.2, format="csr", rng=np.random.default_rng(6))
    for kind in ("gaussian", "countsketch", "sparse-sign"):
        np.testing.assert_allclose(sketch.apply_sketch(A, 20, kind, rng=8), sketch.apply_sketch(A.toarray(), 20, kind, rng=8))


# --------------------------------------------------------------------------- distortion


def test_distortion_exact_cases():
    gen = np.random.default_rng(9)
    A = gen.standard_normal((40, 3))
    assert subspace_close(sketch.subspace_distortion(A, 1.25 * A), 0.25)
    Q = np.linalg.qr(gen.standard_normal((60, 40)))[0]          # S^T S = I: an isometry
    assert sketch.subspace_distortion(A, Q @ A) < 1e-12
    # only the column space counts: a repeated column and a rescaling change nothing
    S = gen.standard_normal((10, 40)) / np.sqrt(10)
    B = np.column_stack([A, A[:, 0], 3 * A[:, 1]])
    assert subspace_close(sketch.subspace_distortion(B, S @ B), sketch.subspace_distortion(A, S @ A))
    # fewer rows than the rank: some direction is lost
    assert sketch.subspace_distortion(A, S[:2] @ A) == 1.0


def subspace_close(a, b):
    return abs(a - b) < 1e-10


def test_distortion_matches_generalized_eigenvalues():
    """The extreme ratios ||SAx||/||Ax|| are the square roots of the extreme eigenvalues of (A^T S^T S A, A^T A)."""
    gen = np.random.default_rng(10)
    A = gen.standard_normal((100, 5)) * np.logspace(0, -3, 5)
    SA = sketch.apply_sketch(A, 30, "gaussian", rng=11)
    lam = sla.eigh(SA.T @ SA, A.T @ A, eigvals_only=True)
    expected = max(np.sqrt(lam[-1]) - 1, 1 - np.sqrt(lam[0]))
    assert abs(sketch.subspace_distortion(A, SA) - expected) < 1e-8


def test_countsketch_on_a_coherent_subspace_is_a_birthday_problem():
    """U = d coordinate vectors: CountSketch is an exact isometry iff no two of them share a bucket.

    P(no collision) = prod_{i<d} (1 - i/m)  (5 of 20 buckets: 0.581).
    """
    N, d, m, trials = 64, 5, 20, 400
    A = np.eye(N)[:, :d]
    gen = np.random.default_rng(12)
    exact = [sketch.subspace_distortion(A, sketch.apply_sketch(A, m, "countsketch", rng=gen)) < 1e-12 for _ in range(trials)]
    p = np.prod(1 - np.arange(d) / m)
    assert abs(np.mean(exact) - p) < 4 * np.sqrt(p * (1 - p) / trials)


def test_gaussian_distortion_within_the_singular_value_bound():
    """Davidson-Szarek: sigma(G/sqrt(m)) in 1 +- (sqrt(d/m) + t/sqrt(m)) with prob. >= 1 - 2 exp(-t^2/2); t = 4."""
    N, d, m = 500, 10, 200
    A = sketch.subspace_matrix(N, d, cond=100, rng=13)
    bound = np.sqrt(d / m) + 4 / np.sqrt(m)
    curve = sketch.distortion_curve(A, [m], kinds=("gaussian",), trials=20, rng=14)
    assert np.all(curve["eps"] <= bound)
    # and the typical distortion is of the order of sqrt(d/m), not much smaller
    assert np.median(curve["eps"]) > 0.5 * np.sqrt(d / m)


def test_distortion_curve_and_needed_size():
    A = sketch.subspace_matrix(256, 4, coherent=True, rng=15)
    curve = sketch.distortion_curve(A, [4, 16, 64, 256, 1024], trials=6, rng=16, stop_eps=0.5)
    assert curve["eps"].shape == (4, 5, 6)
    need = sketch.needed_sketch_size(curve, 0.5)
    # every kind reached eps = 0.5 on this grid, and stopped right after
    assert np.all(np.isfinite(need))
    for a in range(4):
        j = list(curve["m"]).index(need[a])
        assert np.all(np.isnan(curve["eps"][a, j + 1:]))
    assert np.all(need >= 4)
    fake = {"m": np.array([1, 2, 3]), "kinds": ("x",), "eps": np.array([[[0.9, 0.9], [0.4, 0.6], [0.1, 0.2]]])}
    assert sketch.needed_sketch_size(fake, 0.5, quantile=1.0)[0] == 3
    assert sketch.needed_sketch_size(fake, 0.5, quantile=0.4)[0] == 2
    assert np.isnan(sketch.needed_sketch_size(fake, 0.05)[0])


def test_subspace_matrix():
    A = sketch.subspace_matrix(200, 6, coherent=True, cond=1e3, rng=17)
    s = np.linalg.svd(A, compute_uv=False)
    np.testing.assert_allclose(s, np.logspace(0, -3, 6), rtol=1e-10)
    assert np.count_nonzero(np.abs(A).sum(axis=1)) == 6
    B = sketch.subspace_matrix(200, 6, rng=17)
    lev = np.sum(np.linalg.qr(B)[0] ** 2, axis=1)
    assert lev.max() < 0.3           # incoherent: no row carries a direction alone


# --------------------------------------------------------------------------- least squares


@pytest.mark.parametrize("kind", KINDS)
def test_sketch_and_solve_exact_when_consistent(kind):
    gen = np.random.default_rng(18)
    A, x = gen.standard_normal((512, 6)), gen.standard_normal(6)
    np.testing.assert_allclose(sketch.sketch_and_solve(A, A @ x, 30, kind, rng=19), x, atol=1e-10)


@pytest.mark.parametrize("kind", KINDS)
def test_sketch_and_solve_residual_bound(kind):
    """||A x_hat - b|| <= (1+eps)/(1-eps) ||A x* - b|| with eps the distortion of S on span(A, b): deterministic."""
    gen = np.random.default_rng(20)
    N, d, m = 1024, 5, 120
    A, b = gen.standard_normal((N, d)), gen.standard_normal(N)
    r_opt = np.linalg.norm(A @ np.linalg.lstsq(A, b, rcond=None)[0] - b)
    for seed in range(5):
        x_hat = sketch.sketch_and_solve(A, b, m, kind, rng=seed)
        Ab = np.column_stack([A, b])
        eps = sketch.subspace_distortion(Ab, sketch.apply_sketch(Ab, m, kind, rng=seed))  # the same S
        assert eps < 1
        r = np.linalg.norm(A @ x_hat - b)
        assert r_opt <= r <= (1 + eps) / (1 - eps) * r_opt * (1 + 1e-12)


def test_gaussian_sketch_and_solve_expected_residual():
    """E ||A x_hat - b||^2 / ||r*||^2 = 1 + d/(m - d - 1) for a Gaussian sketch."""
    gen = np.random.default_rng(21)
    N, d, m, trials = 300, 5, 20, 600
    A, b = gen.standard_normal((N, d)), gen.standard_normal(N)
    r2 = np.linalg.norm(A @ np.linalg.lstsq(A, b, rcond=None)[0] - b) ** 2
    ratios = np.array([np.linalg.norm(A @ sketch.sketch_and_solve(A, b, m, rng=gen) - b) ** 2 / r2 for _ in range(trials)])
    expected = float(sketch.gaussian_residual_ratio(m, d))
    assert expected == pytest.approx(1 + 5 / 14)
    assert abs(ratios.mean() - expected) < 5 * ratios.std() / np.sqrt(trials)


@pytest.mark.parametrize("kind", KINDS)
def test_preconditioned_lsqr_matches_lstsq(kind):
    gen = np.random.default_rng(22)
    N, d = 2048, 20
    A = sketch.subspace_matrix(N, d, cond=1e6, rng=23)
    b = A @ gen.standard_normal(d) + 1e-3 * gen.standard_normal(N)
    x_ref = np.linalg.lstsq(A, b, rcond=None)[0]
    x, it = sketch.sketch_precondition_lsqr(A, b, 4 * d, kind, rng=24, tol=1e-12, iter_lim=500)
    r_ref = np.linalg.norm(A @ x_ref - b)
    assert np.linalg.norm(A @ x - b) <= r_ref * (1 + 1e-9)
    # the preconditioned system is well conditioned, so the iterations are few: error factor <= eps per step
    assert it < 60


@pytest.mark.parametrize("kind", KINDS)
def test_preconditioner_condition_bound(kind):
    """kappa(A R^{-1}) <= (1+eps)/(1-eps), whatever kappa(A) is: deterministic given the sketch."""
    N, d, m = 1024, 10, 80
    A = sketch.subspace_matrix(N, d, cond=1e8, rng=25)
    SA = sketch.apply_sketch(A, m, kind, rng=26)
    eps = sketch.subspace_distortion(A, SA)
    R = sla.qr(SA, mode="r")[0][:d]
    kappa = np.linalg.cond(sla.solve_triangular(R, A.T, trans="T").T)
    assert eps < 1 and kappa <= (1 + eps) / (1 - eps) * (1 + 1e-6)


# --------------------------------------------------------------------------- bad input


def test_bad_input():
    A = np.ones((16, 2))
    A[:, 1] = np.arange(16)
    b = np.ones(16)
    with pytest.raises(ValueError, match="kind"):
        sketch.apply_sketch(A, 4, kind="hadamard")
    with pytest.raises(ValueError, match="m must be >= 1"):
        sketch.apply_sketch(A, 0)
    with pytest.raises(ValueError, match="NaN"):
        sketch.apply_sketch(np.full((4, 2), np.nan), 2)
    with pytest.raises(TypeError, match="dense"):
        sketch.apply_sketch(sp.eye(16, format="csr"), 4, kind="srht")
    with pytest.raises(ValueError, match="m must be <= 16"):
        sketch.apply_sketch(A, 17, kind="srht")
    with pytest.raises(ValueError, match="nnz"):
        sketch.apply_sketch(A, 4, kind="sparse-sign", nnz=5)
    with pytest.raises(TypeError, match="rng"):
        sketch.apply_sketch(A, 4, rng=1.5)
    with pytest.raises(ValueError, match="columns"):
        sketch.subspace_distortion(A, np.ones((3, 3)))
    with pytest.raises(ValueError, match="zero matrix"):
        sketch.subspace_distortion(np.zeros((4, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="b must have"):
        sketch.sketch_and_solve(A, np.ones(3), 4)
    with pytest.raises(ValueError, match="m must be >= the number of columns"):
        sketch.sketch_precondition_lsqr(A, b, 1)
    for seed in range(200):  # rounding leaves R[1, 1] at a few eps: every sketch must be refused
        with pytest.raises(ValueError, match="rank deficient"):
            sketch.sketch_precondition_lsqr(np.ones((16, 2)), b, 8, kind="gaussian", rng=seed)
    with pytest.raises(ValueError, match="tol"):
        sketch.sketch_precondition_lsqr(A, b, 4, tol=0)
    with pytest.raises(ValueError, match="strictly increasing"):
        sketch.distortion_curve(A, [4, 2])
    with pytest.raises(ValueError, match="m must be integers"):
        sketch.gaussian_residual_ratio(3, 2)
    with pytest.raises(ValueError, match="n_rows"):
        sketch.subspace_matrix(2, 3)


# --------------------------------------------------------------------------- helpers of the chapter


def test_countsketch_birthday_size():
    assert sketch.countsketch_isometry_probability(1, 1) == 1.0
    assert sketch.countsketch_isometry_probability(3, 2) == 0.0          # pigeonhole
    for d in (2, 5, 10, 32):
        m = sketch.countsketch_coherent_size(d, 0.9)
        assert sketch.countsketch_isometry_probability(d, m) >= 0.9 > sketch.countsketch_isometry_probability(d, m - 1)
        # large-d approximation d(d-1) / (2 ln(1/0.9)), within the first-order correction
        assert abs(m - d * (d - 1) / (2 * np.log(1 / 0.9))) < 0.1 * m + 2


def test_residual_sweep_matches_sketch_and_solve():
    gen = np.random.default_rng(30)
    A, b = gen.standard_normal((256, 4)), gen.standard_normal(256)
    out = sketch.residual_sweep(A, b, [10, 40], kinds=("gaussian", "countsketch"), trials=3, rng=31)
    assert out["ratio"].shape == (2, 2, 3) and np.all(out["ratio"] >= 1 - 1e-12)
    np.testing.assert_allclose(out["gaussian_theory"], [1 + 4 / 5, 1 + 4 / 35])
    with pytest.raises(ValueError, match="range of A"):
        sketch.residual_sweep(A, A @ np.ones(4), [10])


def test_preconditioning_sweep_and_timings():
    pre = sketch.preconditioning_sweep([1, 1e6], 512, 10, m=40, rng=32)
    assert pre["plain"][0] <= 2                       # kappa = 1: orthogonal columns, LSQR is done at once
    assert pre["plain"][1] > pre["sketched"][1]
    assert np.all(pre["sketched_error"] < 1e-6)
    gen = np.random.default_rng(33)
    A, b = gen.standard_normal((256, 5)), gen.standard_normal(256)
    res = sketch.lstsq_timings(A, b, 20, repeats=3, rng=34)
    assert len(res) == 1 + 2 * len(KINDS) and res["numpy.linalg.lstsq"]["excess"] == 0
    assert all(v["time"] >= 0 and v["excess"] > -1e-12 for v in res.values())
    assert all(v["times"].shape == (3,) and v["time"] == v["times"].min() for v in res.values())
    x_opt = np.linalg.lstsq(A, b, rcond=None)[0]   # the residual is that of the solver's own solution
    assert res["numpy.linalg.lstsq"]["residual"] == pytest.approx(np.linalg.norm(A @ x_opt - b), rel=1e-12)
    assert res["sketch-and-solve (gaussian)"]["residual"] >= np.linalg.norm(A @ x_opt - b) * (1 - 1e-12)
    with pytest.raises(ValueError, match="repeats"):
        sketch.lstsq_timings(A, b, 20, repeats=0)
    assert all(res[f"preconditioned LSQR ({k})"]["excess"] < 1e-10 for k in KINDS)


def test_feature_hash_is_countsketch_with_murmurhash():
    """scikit-learn's FeatureHasher: column j goes to row |h(j)| mod n with sign of h(j), h = murmurhash3_32("f<j>")."""
    from sklearn.utils import murmurhash3_32

    n, D = 16, 40
    X = np.random.default_rng(80).standard_normal((5, D))
    S = np.zeros((n, D))
    for j in range(D):
        h = murmurhash3_32(f"f{j}", seed=0)
        S[abs(h) % n, j] = 1.0 if h >= 0 else -1.0
    np.testing.assert_allclose(sketch.feature_hash(X, n), X @ S.T, atol=1e-6)   # FeatureHasher works in float64


def test_points_min_dim_on_orthonormal_points():
    """CountSketch on e_1..e_N embeds all e_i - e_j only without collisions: impossible for n < N, likely for n >> N^2."""
    X = np.eye(12)
    assert np.isnan(sketch.points_min_dim(X, 0.3, "countsketch", [4, 8, 11], trials=4, rng=81))
    n = sketch.points_min_dim(X, 0.3, "countsketch", [12, 50, 200, 2000], trials=4, rng=82)
    assert n >= 12
    # a Gaussian map to 2 dimensions cannot keep 66 distances within 10%; 2000 dimensions do
    assert sketch.points_min_dim(X, 0.1, "gaussian", [2, 2000], trials=3, rng=83) == 2000
    with pytest.raises(ValueError, match="kind"):
        sketch.points_min_dim(X, 0.3, "achlioptas", [4])
