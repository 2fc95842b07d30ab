"""Theory checks for jl_lab.projections: unbiased norms, variances, exact transforms, bad input."""

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp
from scipy.spatial.distance import pdist

from jl_lab import projections as P


def _norm_ratios(x, n, kind, draws, seed=0):
    gen = np.random.default_rng(seed)
    X = x[None, :]
    return np.array([np.sum(P.random_projection(X, n, kind, rng=gen) ** 2) / np.sum(x**2) for _ in range(draws)])


def _theory_variance(x, n, kind):
    """Var(||Rx||^2/||x||^2) = (2 + (kappa - 3) sum x^4 / ||x||^4) / n, kappa = E r^4 (Li et al. 2006, Lemma 1)."""
    kappa = {"gaussian": 3.0, "achlioptas": 3.0, "very-sparse": np.sqrt(x.size)}[kind]
    return (2.0 + (kappa - 3.0) * np.sum(x**4) / np.sum(x**2) ** 2) / n


@pytest.mark.parametrize("kind", ["gaussian", "achlioptas", "very-sparse"])
def test_norm_is_unbiased_with_theoretical_variance(kind):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(400) * rng.exponential(size=400)  # heavy-ish tails: sum x^4 matters
    n, draws = 20, 2000
    r = _norm_ratios(x, n, kind, draws)
    var = _theory_variance(x, n, kind)
    # mean: 4 standard errors of the theoretical variance
    assert abs(r.mean() - 1.0) < 4 * np.sqrt(var / draws)
    # variance: 4 standard errors of the sample variance, SE^2 = (m4 - s^4) / draws
    m4 = np.mean((r - r.mean()) ** 4)
    se_var = np.sqrt((m4 - r.var() ** 2) / draws)
    assert abs(r.var() - var) < 4 * se_var


def test_very_sparse_is_worse_on_a_coordinate_vector():
    """On e_1, sum x^4/||x||^4 = 1, so the very sparse variance is (s - 1)/n, not 2/n."""
    x = np.zeros(400)
    x[0] = 1.0
    n, draws = 25, 3000
    r = _norm_ratios(x, n, "very-sparse", draws)
    var = _theory_variance(x, n, "very-sparse")
    assert var == pytest.approx((np.sqrt(400) - 1) / n)
    m4 = np.mean((r - r.mean()) ** 4)
    assert abs(r.var() - var) < 4 * np.sqrt((m4 - r.var() ** 2) / draws)


def test_srht_unbiased_and_exact_at_full_dimension():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((5, 100))
    # padded dimension 128: sampling all coordinates is an orthogonal map: every distance is kept exactly
    Y = P.random_projection(X, 128, "srht", rng=3)
    np.testing.assert_allclose(P.pairwise_distortion(X, Y), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.sum(Y**2, 1), np.sum(X**2, 1), rtol=1e-12)
    x = X[0]
    r = _norm_ratios(x, 16, "srht", 3000)
    # sampling n of D' coordinates without replacement: Var = (D'-n)/(D'-1) * var_j(D' z_j^2)/n, z = H D x
    se = np.sqrt(np.var(r) / r.size)
    assert abs(r.mean() - 1.0) < 4 * se


@pytest.mark.parametrize("d", [1, 2, 8, 32, 64, 512])
def test_fwht_matches_scipy_hadamard_and_is_orthonormal(d):
    # odd and even log2(d): the two Kronecker factors differ or are equal
    X = np.random.default_rng(d).standard_normal((3, d))
    H = scipy.linalg.hadamard(d) / np.sqrt(d)
    np.testing.assert_allclose(P.fwht(X), X @ H.T, atol=1e-12)
    np.testing.assert_allclose(P.fwht(P.fwht(X)), X, atol=1e-12)  # H is symmetric and orthogonal
    with pytest.raises(ValueError, match="power-of-two"):
        P.fwht(np.ones((2, 6)))


def test_projection_matrix_entries_follow_their_laws():
    n, d = 200, 400
    A = P.projection_matrix(n, d, "achlioptas", rng=0) * np.sqrt(n / 3.0)
    values, counts = np.unique(np.round(A, 12), return_counts=True)
    np.testing.assert_allclose(values, [-1, 0, 1])
    p = np.array([1 / 6, 2 / 3, 1 / 6])
    assert np.all(np.abs(counts / A.size - p) < 4 * np.sqrt(p * (1 - p) / A.size))
    S = P.projection_matrix(n, d, "very-sparse", rng=0)
    assert sp.issparse(S)
    dens = 1 / np.sqrt(d)
    assert abs(S.nnz / (n * d) - dens) < 4 * np.sqrt(dens * (1 - dens) / (n * d))
    np.testing.assert_allclose(np.abs(S.data), np.sqrt(np.sqrt(d) / n))
    G = P.projection_matrix(n, d, "gaussian", rng=0)
    assert abs(G.var() - 1 / n) < 4 * (1 / n) * np.sqrt(2 / G.size)


def test_sparse_input_gives_the_dense_result():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((20, 300)) * (rng.random((20, 300)) < 0.05)
    for kind in ["gaussian", "achlioptas", "very-sparse"]:
        Yd = P.random_projection(X, 30, kind, rng=7)
        Ys = P.random_projection(sp.csr_matrix(X), 30, kind, rng=7)
        np.testing.assert_allclose(Ys, Yd, atol=1e-12)
    with pytest.raises(TypeError, match="dense"):
        P.random_projection(sp.csr_matrix(X), 30, "srht", rng=7)


def test_same_seed_same_numbers():
    X = np.random.default_rng(0).standard_normal((10, 50))
    for kind in P.KINDS:
        np.testing.assert_array_equal(P.random_projection(X, 8, kind, rng=3), P.random_projection(X, 8, kind, rng=3))
        assert not np.allclose(P.random_projection(X, 8, kind, rng=3), P.random_projection(X, 8, kind, rng=4))


def test_pairwise_distortion_matches_pdist_order():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 40)) + 100.0  # far from the origin: tests the centring
    Y = rng.standard_normal((30, 10))
    expected = pdist(Y, "sqeuclidean") / pdist(X, "sqeuclidean")
    np.testing.assert_allclose(P.pairwise_distortion(X, Y), expected, rtol=1e-9)
    assert P.max_distortion(X, Y) == pytest.approx(np.max(np.abs(expected - 1)), rel=1e-9)
    np.testing.assert_allclose(P.pairwise_distortion(sp.csr_matrix(X), Y), expected, rtol=1e-9)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: P.random_projection(np.ones(5), 2), ValueError, "X must have 2 dimensions"),
        (lambda: P.random_projection([[np.nan, 1.0]], 2), ValueError, "NaN"),
        (lambda: P.random_projection(np.eye(3), 0), ValueError, "n_components must be >= 1"),
        (lambda: P.random_projection(np.eye(3), 2.5), TypeError, "n_components must be an integer"),
        (lambda: P.random_projection(np.eye(3), 2, kind="pca"), ValueError, "kind must be one of"),
        (lambda: P.random_projection(np.eye(3), 5, kind="srht"), ValueError, "n_components must be <= 4"),
        (lambda: P.random_projection(np.eye(3), 2, rng="seed"), TypeError, "rng must be"),
        (lambda: P.random_projection(np.eye(3), 2, rng=-1), ValueError, "rng must be"),
        (lambda: P.pairwise_distortion(np.eye(3), np.eye(4)), ValueError, "same number of rows"),
        (lambda: P.pairwise_distortion(np.ones((3, 2)), np.ones((3, 2))), ValueError, "duplicate"),
        (lambda: P.pairwise_distortion(np.eye(1), np.eye(1)), ValueError, "at least 2 row"),
        (lambda: P.projection_matrix(2, 3, "srht"), ValueError, "kind must be one of"),
    ],
)
def test_bad_input_is_rejected_with_the_parameter_named(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------------------
# the fast SRHT and float32 (perf issue): exact against the dense Hadamard matrix, dtype kept
# ---------------------------------------------------------------------------
U32 = 2.0**-24  # unit roundoff of float32


@pytest.mark.parametrize("d", [1, 3, 64, 100, 1000, 4096])
@pytest.mark.parametrize("n", [1, 5, 64])
def test_srht_equals_the_dense_subsampled_hadamard(d, n):
    """The pruned two-factor transform gives exactly sqrt(D'/n) (H D_sigma x)[cols]: the same draws
    as the definition, in float64 to rounding."""
    dp = 1 << (d - 1).bit_length()
    n = min(n, dp)
    X = np.random.default_rng(d).standard_normal((13, d))
    gen = np.random.default_rng(7)
    signs = gen.choice(np.array([-1.0, 1.0]), size=d)
    cols = gen.choice(dp, size=n, replace=False)
    padded = np.zeros((13, dp))
    padded[:, :d] = X * signs
    expected = (padded @ scipy.linalg.hadamard(dp).T)[:, cols] / np.sqrt(n)
    np.testing.assert_allclose(P.random_projection(X, n, "srht", rng=7), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", P.KINDS)
def test_float32_in_float32_out_within_the_rounding_bound(kind):
    """float32 input stays float32, and differs from the float64 computation on the same values by at
    most the worst-case rounding bound: every output is a sum of at most D' products whose magnitudes
    add up to ||x||_1 max|R_ij|, so |y32 - y64| <= (D' + 3) u ||x||_1 max|R_ij| (u = 2^-24; Higham's
    gamma_D' for the sums, plus rounding R, the scale and the result)."""
    gen = np.random.default_rng(3)
    d, n = 300, 40
    X = gen.standard_normal((25, d)).astype(np.float32)
    Y32 = P.random_projection(X, n, kind, rng=5)
    Y64 = P.random_projection(X.astype(np.float64), n, kind, rng=5)
    assert Y32.dtype == np.float32 and Y64.dtype == np.float64
    dp = 1 << (d - 1).bit_length() if kind == "srht" else d
    rmax = {"gaussian": 6.0, "achlioptas": np.sqrt(3.0), "very-sparse": np.sqrt(np.sqrt(d)), "srht": 1.0}[kind]
    # |R_ij| <= rmax / sqrt(n) (a Gaussian entry beyond 6 sigma in 12000 draws has probability < 1e-5)
    bound = (dp + 3) * U32 * np.abs(X.astype(np.float64)).sum(axis=1, keepdims=True) * rmax / np.sqrt(n)
    assert np.all(np.abs(Y32 - Y64) <= bound)


def test_fwht_is_exact_and_keeps_float32():
    X = np.random.default_rng(1).standard_normal((9, 2048))
    H = scipy.linalg.hadamard(2048) / np.sqrt(2048)
    np.testing.assert_allclose(P.fwht(X), X @ H.T, atol=1e-12)
    Y = P.fwht(X.astype(np.float32))
    assert Y.dtype == np.float32
    # each output: sums over the factor sizes (at most 2 * 64 terms in two levels) of entries <= ||x||_1
    assert np.all(np.abs(Y - X @ H.T) <= (2 * 64 + 3) * U32 * np.abs(X).sum(axis=1, keepdims=True) / np.sqrt(2048))
