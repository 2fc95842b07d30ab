"""Tests of jl_lab.reducers: PCA against scikit-learn and Eckart-Young, the random reducers against
jl_lab.projections, the variance formula of the distance ratio by Monte Carlo, and k-NN preservation
against scikit-learn's NearestNeighbors and the hypergeometric law."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp
from scipy.spatial.distance import pdist
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors

from jl_lab import projections, reducers


@pytest.fixture(scope="module")
def lowrank():
    """80 points near a 5-dimensional subspace of R^30, no ties."""
    gen = np.random.default_rng(42)
    return gen.standard_normal((80, 5)) @ gen.standard_normal((5, 30)) + 0.05 * gen.standard_normal((80, 30))


# --------------------------------------------------------------------------- PCA


@pytest.mark.parametrize("shape", [(60, 12), (12, 40)])  # the SVD route and the Gram route
def test_pca_matches_sklearn(shape):
    X = np.random.default_rng(1).standard_normal(shape) * np.linspace(3, 0.5, shape[1])
    n = 5
    mean, comps, s = reducers.pca(X, n)
    ref = PCA(n, svd_solver="full").fit(X)
    assert np.allclose(mean, ref.mean_)
    assert np.allclose(s, ref.singular_values_)
    assert np.allclose(np.abs(comps @ ref.components_.T), np.eye(n), atol=1e-8)  # same axes up to sign
    assert np.allclose(comps @ comps.T, np.eye(n), atol=1e-10)


@pytest.mark.parametrize("shape", [(25, 70), (70, 25)])  # sparse wide (Gram) and tall (covariance)
def test_pca_sparse_equals_dense(shape):
    X = sp.random(*shape, density=0.2, random_state=3, format="csr")
    m1, c1, s1 = reducers.pca(X, 6)
    m2, c2, s2 = reducers.pca(X.toarray(), 6)
    assert np.allclose(m1, m2) and np.allclose(s1, s2) and np.allclose(c1, c2, atol=1e-8)
    assert np.allclose(reducers.pca_spectrum(X), reducers.pca_spectrum(X.toarray()), atol=1e-12)


def test_pca_keeps_eckart_young_share_and_contracts(lowrank):
    """Sum over pairs of squared distances after PCA = N * sum of the kept s_i^2; no pair grows."""
    X = lowrank
    N = X.shape[0]
    red = reducers.fit_reducer(X, 3, "pca")
    Y = red.transform(X)
    _, _, s = reducers.pca(X, 3)
    assert np.isclose(pdist(Y, "sqeuclidean").sum(), N * np.sum(s**2), rtol=1e-10)
    lam = reducers.pca_spectrum(X)
    assert np.isclose(lam.sum(), np.sum((X - X.mean(0)) ** 2) / N)
    assert np.allclose(lam[:3], s**2 / N)
    assert np.all(projections.pairwise_distortion(X, Y) <= 1 + 1e-10)
    # no orthonormal projection keeps more: compare with random orthonormal directions
    Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((X.shape[1], 3)))
    assert pdist((X - X.mean(0)) @ Q, "sqeuclidean").sum() < pdist(Y, "sqeuclidean").sum()


def test_pca_spectrum_sparse_route_matches_dense():
    X = sp.random(20, 50, density=0.3, random_state=5, format="csr")
    assert np.allclose(reducers.pca_spectrum(X), reducers.pca_spectrum(X.toarray()), atol=1e-12)


# --------------------------------------------------------------------------- reducers


@pytest.mark.parametrize("kind", reducers.RANDOM_KINDS)
def test_random_reducers_equal_random_projection(kind, lowrank):
    X = lowrank
    red = reducers.fit_reducer(X, 7, kind, rng=11)
    assert np.allclose(red.transform(X), projections.random_projection(X, 7, kind, rng=11))


@pytest.mark.parametrize("kind", ["gaussian", "achlioptas", "very-sparse", "srht"])
def test_sparse_input_gives_same_map(kind):
    X = sp.random(30, 50, density=0.1, random_state=2, format="csr")
    red = reducers.fit_reducer(X, 6, kind, rng=4)
    assert np.allclose(red.transform(X), red.transform(X.toarray()))


def test_truncate_is_a_fresh_smaller_fit(lowrank):
    X = lowrank
    for kind in ("gaussian", "achlioptas"):
        big = reducers.fit_reducer(X, 10, kind, rng=8)
        assert np.allclose(big.truncate(4).transform(X), reducers.fit_reducer(X, 4, kind, rng=8).transform(X))
    srht = reducers.fit_reducer(X, 10, "srht", rng=8)
    small = srht.truncate(4)
    assert np.array_equal(small.arrays["cols"], srht.arrays["cols"][:4])
    assert np.allclose(small.transform(X), srht.transform(X)[:, :4] * np.sqrt(10 / 4))
    pca = reducers.fit_reducer(X, 10, "pca")
    assert np.allclose(pca.truncate(4).transform(X), reducers.fit_reducer(X, 4, "pca").transform(X), atol=1e-8)


def test_nbytes_of_each_kind():
    X = np.zeros((3, 100))
    X[0, 0] = 1.0
    n, D = 16, 100
    assert reducers.fit_reducer(X, n, "gaussian", rng=0).nbytes == 8 * n * D
    assert reducers.fit_reducer(X, n, "srht", rng=0).nbytes == D * 1 + 8 * n  # int8 signs, int64 indices
    assert reducers.fit_reducer(np.eye(100)[:30], n, "pca").nbytes == 8 * (n + 1) * D
    R = reducers.fit_reducer(X, n, "very-sparse", rng=0).arrays["R"]
    assert reducers.fit_reducer(X, n, "very-sparse", rng=0).nbytes == R.data.nbytes + R.indices.nbytes + R.indptr.nbytes


def test_very_sparse_density_is_one_over_sqrt_d():
    """nnz ~ Binomial(n D, 1/sqrt(D)): within 4 standard deviations of its mean."""
    n, D = 200, 400
    p = 1 / np.sqrt(D)
    nnz = reducers.fit_reducer(np.ones((2, D)), n, "very-sparse", rng=3).arrays["R"].nnz
    assert abs(nnz - n * D * p) <= 4 * np.sqrt(n * D * p * (1 - p))


# --------------------------------------------------------------------------- variance formula


def _spiky(D=64):
    x = np.zeros(D)
    x[:3] = [3.0, -2.0, 1.0]
    x[3:] = 0.05 * np.random.default_rng(7).standard_normal(D - 3)
    return x


@pytest.mark.parametrize("kind", reducers.RANDOM_KINDS)
def test_ratio_variance_by_monte_carlo(kind):
    """Mean of r within 4 SE of 1 and sample variance within 4 SE of the formula, over 3000 draws."""
    x = _spiky()
    n, M = 8, 3000
    gen = np.random.default_rng(2024)
    r = np.array([np.sum(reducers.fit_reducer(x[None], n, kind, rng=gen).transform(x[None]) ** 2) for _ in range(M)])
    r /= x @ x
    var = float(reducers.ratio_variance(x[None], n, kind)[0])
    assert abs(r.mean() - 1) <= 4 * np.sqrt(var / M)
    c = r - r.mean()
    m2, m4 = np.mean(c**2), np.mean(c**4)
    se_var = np.sqrt((m4 - m2**2 * (M - 3) / (M - 1)) / M)
    assert abs(r.var(ddof=1) - var) <= 4 * se_var


def test_ratio_variance_closed_forms():
    x = _spiky()
    q = np.sum(x**4) / np.sum(x**2) ** 2
    n, D = 8, 64
    assert np.allclose(reducers.ratio_variance(x[None], n, "gaussian"), 2 / n)
    assert np.allclose(reducers.ratio_variance(x[None], n, "achlioptas"), 2 / n)
    assert np.allclose(reducers.ratio_variance(x[None], n, "very-sparse"), (2 + (np.sqrt(D) - 3) * q) / n)
    assert np.allclose(reducers.ratio_variance(x[None], n, "srht"), 2 * (1 - q) / n * (D - n) / (D - 1))
    # spiky vectors: very sparse pays, SRHT gains; a flat vector (q = 1/D) changes little
    assert reducers.ratio_variance(x[None], n, "very-sparse")[0] > 2 / n > reducers.ratio_variance(x[None], n, "srht")[0]
    flat = np.ones((1, D))
    assert np.isclose(reducers.ratio_variance(flat, D, "srht")[0], 0.0)  # exact at n = D'
    sparse_rows = sp.csr_matrix(np.vstack([x, flat[0]]))
    assert np.allclose(reducers.ratio_variance(sparse_rows, n, "very-sparse"),
                       reducers.ratio_variance(sparse_rows.toarray(), n, "very-sparse"))


def test_spikiness_bounds_and_sparse_input():
    gen = np.random.default_rng(4)
    X = gen.standard_normal((50, 20))
    q = reducers.spikiness(X)
    assert np.all(q >= 1 / 20 - 1e-12) and np.all(q <= 1)
    assert np.allclose(reducers.spikiness(np.eye(5)), 1.0)
    assert np.allclose(reducers.spikiness(np.ones((2, 8))), 1 / 8)
    assert np.allclose(reducers.spikiness(sp.csr_matrix(X)), q)
    # a Gaussian vector has E sum x^4 = 3 D, so q is about 3 / D
    big = gen.standard_normal((1, 40_000))
    assert reducers.spikiness(big)[0] == pytest.approx(3 / 40_000, rel=0.05)


def test_variance_check_pairs_formula_with_table(lowrank):
    X = lowrank
    t = reducers.sweep(X, [4, 16], kinds=["gaussian", "very-sparse", "pca"], rng=2)
    c = reducers.variance_check(X, t, n_pairs=300, rng=0)
    assert list(c["kind"]) == ["gaussian", "gaussian", "very-sparse", "very-sparse"]
    assert np.allclose(c["predicted"][:2], [2 / 4, 2 / 16])
    diffs = reducers.random_pair_differences(X, 300, rng=0)
    assert np.isclose(c["predicted"][3], reducers.ratio_variance(diffs, 16, "very-sparse").mean())
    assert np.allclose(c["measured"], t["var_ratio"][t["kind"] != "pca"])


# --------------------------------------------------------------------------- k-NN preservation


def test_knn_preservation_invariances(lowrank):
    X = lowrank
    Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((30, 30)))
    for Y in (X, 2.5 * X, X @ Q + 7.0):
        assert np.allclose(reducers.knn_preservation(X, Y, k=10), 1.0)
    ints = np.random.default_rng(1).integers(0, 3, size=(60, 4)).astype(float)  # many tied distances
    assert np.allclose(reducers.knn_preservation(ints, ints, k=10), 1.0)


def test_knn_preservation_matches_sklearn_and_chunks(lowrank):
    X = lowrank
    Y = reducers.fit_reducer(X, 3, "gaussian", rng=5).transform(X)
    k = 7
    nx = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(return_distance=False)
    ny = NearestNeighbors(n_neighbors=k).fit(Y).kneighbors(return_distance=False)
    expected = np.array([len(set(a) & set(b)) / k for a, b in zip(nx, ny)])
    assert np.allclose(reducers.knn_preservation(X, Y, k=k), expected)
    assert np.allclose(reducers.knn_preservation(X, Y, k=k, chunk=9), expected)
    assert np.allclose(reducers.knn_preservation(sp.csr_matrix(X), Y, k=k), expected)


def test_knn_preservation_of_an_unrelated_map_is_hypergeometric():
    """Y independent of X: each overlap is hypergeometric with mean k^2/(N-1); 4 SE on the mean over points."""
    gen = np.random.default_rng(9)
    N, k = 400, 10
    X, Y = gen.standard_normal((N, 5)), gen.standard_normal((N, 5))
    kept = reducers.knn_preservation(X, Y, k=k)
    K = N - 1
    mean = k / K
    var_overlap = k * (k / K) * (1 - k / K) * (K - k) / (K - 1)
    assert abs(kept.mean() - mean) <= 4 * np.sqrt(var_overlap / k**2 / N)


# --------------------------------------------------------------------------- sweep


def test_sweep_agrees_with_the_pieces(lowrank):
    X = lowrank
    t = reducers.sweep(X, [2, 8], kinds=["gaussian"], k=5, rng=13)
    big = reducers.fit_reducer(X, 8, "gaussian", rng=13)
    for row in t:
        Y = big.truncate(int(row["n"])).transform(X)
        r = projections.pairwise_distortion(X, Y)
        assert np.isclose(row["worst"], np.max(np.abs(r - 1)))
        assert np.isclose(row["median"], np.median(np.abs(r - 1)))
        assert np.isclose(row["mean_ratio"], r.mean()) and np.isclose(row["var_ratio"], r.var())
        assert np.isclose(row["knn"], reducers.knn_preservation(X, Y, k=5).mean())
        assert row["nbytes"] == 8 * row["n"] * X.shape[1]
    assert np.all(t["fit_seconds"] >= 0) and np.all(t["transform_seconds"] >= 0)


def test_sweep_exact_maps_and_fit_on(lowrank):
    X = lowrank[:, :16]  # D = D' = 16
    t = reducers.sweep(X, [4, 16], kinds=["srht", "pca"], k=5, rng=0)
    full = t[t["n"] == 16]
    assert np.all(full["worst"] < 1e-10) and np.allclose(full["knn"], 1.0)
    other = np.random.default_rng(3).standard_normal((50, 16))
    a = reducers.sweep(X, [4], kinds=["gaussian", "pca"], rng=6)
    b = reducers.sweep(X, [4], kinds=["gaussian", "pca"], fit_on=other, rng=6)
    assert a["worst"][0] == b["worst"][0]  # a random map reads only D: the same draw
    assert a["knn"][1] > b["knn"][1]  # PCA fitted on unrelated data keeps fewer neighbours


def test_dimension_to_reach():
    t = np.zeros(4, dtype=list(reducers.SWEEP_FIELDS))
    t["kind"], t["n"] = "gaussian", [2, 4, 8, 16]
    t["knn"] = [0.1, 0.3, 0.5, 0.9]
    t["median"] = [0.8, 0.4, 0.2, 0.1]
    assert reducers.dimension_to_reach(t, "gaussian", "knn", 0.7) == pytest.approx(2 ** 3.5)
    assert reducers.dimension_to_reach(t, "gaussian", "knn", 0.05) == 2.0
    assert np.isnan(reducers.dimension_to_reach(t, "gaussian", "knn", 0.95))
    assert reducers.dimension_to_reach(t, "gaussian", "median", 0.3) == pytest.approx(2 ** 2.5)


def test_random_pair_differences_never_pair_a_point_with_itself():
    X = np.arange(5.0)[:, None] * np.ones((1, 3))
    d = reducers.random_pair_differences(X, 500, rng=0)
    assert d.shape == (500, 3) and np.all(np.abs(d[:, 0]) >= 1)
    assert sp.issparse(reducers.random_pair_differences(sp.csr_matrix(X), 10, rng=0))


# --------------------------------------------------------------------------- bad input


def test_bad_input_is_rejected(lowrank):
    X = lowrank
    with pytest.raises(ValueError, match="kind"):
        reducers.fit_reducer(X, 3, "pcaa")
    with pytest.raises(ValueError, match="n_components"):
        reducers.fit_reducer(X, 31, "pca")
    with pytest.raises(ValueError, match="n_components"):
        reducers.fit_reducer(X, 33, "srht")
    with pytest.raises(ValueError, match="n_components"):
        reducers.fit_reducer(X, 0, "gaussian")
    with pytest.raises(TypeError, match="n_components"):
        reducers.fit_reducer(X, 2.5, "gaussian")
    with pytest.raises(ValueError, match="X must not contain NaN"):
        reducers.fit_reducer(np.full((3, 3), np.nan), 2)
    with pytest.raises(ValueError, match="columns"):
        reducers.fit_reducer(X, 3, "gaussian", rng=0).transform(X[:, :5])
    with pytest.raises(ValueError, match="n_components"):
        reducers.fit_reducer(X, 3, "gaussian", rng=0).truncate(4)
    with pytest.raises(ValueError, match="rank"):
        reducers.pca(np.ones((4, 10)) * np.arange(4.0)[:, None], 2)  # rank-1 centred data, Gram route
    with pytest.raises(ValueError, match="k must be"):
        reducers.knn_preservation(X, X, k=X.shape[0])
    with pytest.raises(ValueError, match="same number of rows"):
        reducers.knn_preservation(X, X[:-1])
    with pytest.raises(ValueError, match="zero rows"):
        reducers.ratio_variance(np.zeros((2, 4)), 2)
    with pytest.raises(ValueError, match="kind"):
        reducers.ratio_variance(X, 2, "pca")
    with pytest.raises(TypeError, match="kinds"):
        reducers.sweep(X, [2], kinds="pca")
    with pytest.raises(ValueError, match="n_values"):
        reducers.sweep(X, [0, 2])
    with pytest.raises(ValueError, match="fit_on"):
        reducers.sweep(X, [2], fit_on=X[:, :4])
    with pytest.raises(ValueError, match="duplicate"):
        reducers.sweep(np.vstack([X, X[:1]]), [2], kinds=["gaussian"])
    with pytest.raises(ValueError, match="n_pairs"):
        reducers.random_pair_differences(X, 0)
    t = reducers.sweep(X, [2], kinds=["gaussian"], rng=0)
    with pytest.raises(ValueError, match="field"):
        reducers.dimension_to_reach(t, "gaussian", "speed", 0.5)
    with pytest.raises(ValueError, match="kind"):
        reducers.dimension_to_reach(t, "pca", "knn", 0.5)
    with pytest.raises(ValueError, match="level"):
        reducers.dimension_to_reach(t, "gaussian", "knn", -1)
    with pytest.raises(TypeError, match="table"):
        reducers.dimension_to_reach([1, 2], "gaussian", "knn", 0.5)
    with pytest.raises(TypeError, match="table"):
        reducers.variance_check(X, np.zeros(3))
    with pytest.raises(ValueError, match="zero rows"):
        reducers.spikiness(np.array([[1.0, 0.0], [0.0, 0.0]]))


# --------------------------------------------------------------------------- verdicts with uncertainty (Science I)


def test_knn_kept_curves_mean_equals_sweep_knn(lowrank):
    """One draw's mean over points is the sweep's knn for the same draw (same rng, same largest n)."""
    ns = [2, 5, 9]
    for kind in ("gaussian", "pca"):
        curves = reducers.knn_kept_curves(lowrank, ns, kind, n_seeds=1, k=5, rng=3)
        table = reducers.sweep(lowrank, ns, kinds=[kind], k=5, rng=3)
        np.testing.assert_allclose(curves[0].mean(axis=1), table["knn"], atol=1e-12)


def test_knn_kept_curves_identity_and_seeds(lowrank):
    N, D = lowrank.shape
    c = reducers.knn_kept_curves(lowrank, [D], "pca", k=4)
    assert c.shape == (1, 1, N) and np.all(c == 1.0)  # PCA with n = D is a rotation
    g = reducers.knn_kept_curves(lowrank, [2, 3], "gaussian", n_seeds=3, k=4, rng=0)
    assert g.shape == (3, 2, N) and np.all((g >= 0) & (g <= 1))
    assert not np.allclose(g[0], g[1])  # independent draws differ
    # an independent random map of random data keeps k/(N-1) of the neighbours on average (hypergeometric)
    X = np.random.default_rng(0).standard_normal((300, 200))
    r = reducers.knn_kept_curves(X, [1], "gaussian", n_seeds=4, k=10, rng=1)
    assert abs(r.mean() - 10 / 299) < 0.05


def test_paired_difference_standard_error_by_simulation():
    """The standard error matches the spread of the mean difference over repeated independent samples."""
    rng = np.random.default_rng(0)
    N, S = 400, 5

    def sample():
        base = rng.random((1, 1, N))
        a = base + 0.1
        b = base + rng.normal(0, 0.2, size=(S, 1, N)) + rng.normal(0, 0.05, size=(S, 1, 1))
        return reducers.paired_difference(a, b)

    draws = [sample() for _ in range(400)]
    means = np.array([m[0] for m, _ in draws])
    ses = np.array([s[0] for _, s in draws])
    assert abs(means.mean() - 0.1) < 3 * means.std() / np.sqrt(len(means))
    # the formula double-counts the seed term only slightly: within 25 % of the true spread
    assert 0.8 < ses.mean() / means.std() < 1.25


def test_winner_ranges_and_sentence():
    n = [2, 4, 8, 16, 32]
    mean = np.array([0.3, 0.2, 0.0, -0.2, 0.25])
    se = np.full(5, 0.05)
    assert reducers.winner_ranges(n, mean, se) == [(2, 4, 1), (8, 8, 0), (16, 16, -1), (32, 32, 1)]
    text = reducers.describe_winner(n, mean, se, names=("A", "B"))
    assert text == "A keeps more neighbours for n = 2 to 4 and 32, B for n = 16; elsewhere the difference is within 2 standard errors."
    assert reducers.describe_winner([1, 2], [0.0, 0.0], [1.0, 1.0]).startswith("Neither")
    with pytest.raises(ValueError, match="same length"):
        reducers.winner_ranges([1, 2], [0.1], [0.1])
    with pytest.raises(ValueError, match="z must be"):
        reducers.winner_ranges([1], [0.1], [0.1], z=0)


def test_geometric_grid():
    g = reducers.geometric_grid(4, 1024, 2)
    assert g[0] == 4 and g[-1] == 1024 and np.all(np.diff(g) > 0)
    assert np.allclose(np.diff(np.log2(g)), 0.5, atol=0.12)
    with pytest.raises(ValueError, match="high must be"):
        reducers.geometric_grid(8, 4)


def test_linear_autoencoder_learns_the_pca_subspace():
    """Baldi & Hornik (1989): the decoder's row space is the top-k principal subspace; the loss reaches PCA's."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 10)) * np.array([6, 5, 4, 3, 1, 0.8, 0.6, 0.4, 0.2, 0.1]) + 7.0
    for k in (1, 3):
        ae = reducers.linear_autoencoder(X, k, n_iter=6000, rng=1)
        _, comps, s = reducers.pca(X, k)
        angles = scipy.linalg.subspace_angles(ae["decoder"].T, comps.T)
        assert np.degrees(angles.max()) < 1e-3  # degrees
        np.testing.assert_allclose(ae["pca_loss"], np.sum(scipy.linalg.svdvals(X - X.mean(0))[k:] ** 2) / 300)
        assert ae["loss"][-1] >= ae["pca_loss"] * (1 - 1e-9)  # PCA is the global minimum
        assert ae["loss"][-1] <= ae["pca_loss"] * (1 + 1e-3)  # the map within the subspace converges slower
        assert np.all(np.diff(ae["loss"]) <= 1e-9 * ae["loss"][0])  # gradient descent with a safe step
    with pytest.raises(ValueError, match="n_components must be"):
        reducers.linear_autoencoder(X, 11)


# ---------------------------------------------------------------------------
# float32 (perf issue): every reducer keeps float32, and PCA in float32 matches float64
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", reducers.KINDS)
def test_reducers_keep_float32(kind):
    X = np.random.default_rng(0).standard_normal((60, 40)).astype(np.float32)
    red = reducers.fit_reducer(X, 8, kind, rng=1)
    Y = red.transform(X)
    assert Y.dtype == np.float32
    Y64 = reducers.fit_reducer(X.astype(np.float64), 8, kind, rng=1).transform(X.astype(np.float64))
    assert Y64.dtype == np.float64
    # same map (same draws; PCA: same components up to float32 rounding, gaps are wide here)
    scale = np.abs(X).sum(axis=1, keepdims=True).astype(np.float64)
    assert np.all(np.abs(Y - Y64) <= 1e3 * 2.0**-24 * scale * 6.0)


def test_pca_float32_singular_values_within_weyl_and_backward_error():
    """Singular values of the centred float32 data differ from float64's by at most the rounding of
    the data (Weyl: ||E||_2 <= ||E||_F <= u ||X_c||_F) plus the SVD's backward error, a modest multiple
    of max(N, D) u s_1; components stay orthonormal to float32 rounding."""
    gen = np.random.default_rng(2)
    X = (gen.standard_normal((300, 50)) * np.linspace(5, 0.5, 50)).astype(np.float32)
    for Xin in (X, X[:40]):  # tall (direct SVD) and wide (Gram route)
        mu, C, s = reducers.pca(Xin, 5)
        mu64, C64, s64 = reducers.pca(Xin.astype(np.float64), 5)
        assert C.dtype == s.dtype == mu.dtype == np.float32
        tol = 10 * max(Xin.shape) * 2.0**-24 * s64[0]
        if Xin.shape[0] < Xin.shape[1]:
            tol = np.sqrt(tol * s64[0])  # the Gram route squares: its error is sqrt(u)-relative
        np.testing.assert_allclose(s, s64, rtol=0, atol=tol)
        assert np.abs(C.astype(np.float64) @ C.T - np.eye(5)).max() <= 100 * max(Xin.shape) * 2.0**-24


@pytest.mark.parametrize("n", [1, 8, 40, 41, 150, 200])
def test_top_eigh_both_routes_give_the_top_eigenpairs(n):
    """The subset solver (n <= N/5) and the full one give the same top-n eigenpairs (up to sign)."""
    from jl_lab.reducers import _top_eigh

    A = np.random.default_rng(0).standard_normal((200, 120))
    M = A @ A.T + np.diag(np.linspace(0.0, 1.0, 200))  # distinct eigenvalues
    lam_all, W_all = scipy.linalg.eigh(M)
    lam, W = _top_eigh(M, n)
    assert lam.shape == (n,) and W.shape == (200, n)
    np.testing.assert_allclose(lam, lam_all[-n:], rtol=1e-10, atol=1e-9 * lam_all[-1])
    cosines = np.abs(np.sum(W * W_all[:, -n:], axis=0))  # between matching eigenvectors
    np.testing.assert_allclose(cosines[lam_all[-n:] > 1e-6 * lam_all[-1]], 1.0, atol=1e-8)
