"""Theory checks for jl_lab.attention: gradient, exact fits, search invariants, constructions, bad input."""

import numpy as np
import pytest
from scipy import optimize, stats
from scipy.special import softmax

from jl_lab import attention as A


def _objective(P, d, logit_bound=None):
    L = P.shape[0]
    return A._objective(P, L, d, None, logit_bound)


@pytest.mark.parametrize("logit_bound", [None, 3.0])
@pytest.mark.parametrize("family", ["dirichlet", "sparse"])
def test_gradient_matches_finite_differences(family, logit_bound):
    P = A.make_target(family, 7, rng=1, **A.DEFAULT_PARAMS[family])
    d = 3
    f = _objective(P, d, logit_bound)
    x = np.random.default_rng(2).standard_normal(2 * 7 * d)
    g = f(x)[1]
    g_fd = optimize.approx_fprime(x, lambda y: f(y)[0], 1e-7)
    # central-difference-free forward differences: error O(h * |f''|) ~ 1e-6 here
    np.testing.assert_allclose(g, g_fd, atol=2e-6, rtol=1e-4)


def test_objective_is_the_mean_row_kl():
    """Cross-check against scipy.stats.entropy(p, q) = KL(p || q), row by row."""
    rng = np.random.default_rng(3)
    P = A.dirichlet_target(6, alpha=0.5, rng=rng)
    Q, K = rng.standard_normal((6, 2)), rng.standard_normal((6, 2))
    Att = softmax(Q @ K.T, axis=1)
    kl_scipy = np.array([stats.entropy(P[i], Att[i]) for i in range(6)])
    np.testing.assert_allclose(A.row_kl(P, Att), kl_scipy, rtol=1e-12, atol=1e-14)
    loss = _objective(P, 2)(np.concatenate([Q.ravel(), K.ravel()]))[0]
    assert loss == pytest.approx(kl_scipy.mean(), rel=1e-12)


def test_attention_is_invariant_under_the_gauge_group():
    """softmax(Q K^T) = softmax((Q M)(K M^-T)^T) for any invertible M, and under row shifts."""
    rng = np.random.default_rng(4)
    Q, K, M = rng.standard_normal((9, 3)), rng.standard_normal((9, 3)), rng.standard_normal((3, 3))
    np.testing.assert_allclose(A.attention_matrix(Q, K), A.attention_matrix(Q @ M, K @ np.linalg.inv(M).T), atol=1e-12)


@pytest.mark.parametrize("d", [4, 6])
def test_exact_fit_of_a_low_rank_target(d):
    """softmax(X Y^T) with rank 4 is representable at every d >= 4: the fit must reach it."""
    P = A.low_rank_target(40, rank=4, scale=2.0, rng=5)
    fit = A.fit_attention(P, d, max_iter=500, rng=0)
    assert fit.kl < 1e-9
    assert fit.max_tv < 1e-4
    np.testing.assert_allclose(fit.A, P, atol=1e-4)


def test_full_head_size_represents_any_positive_target():
    """d = L: Q = log P, K = I gives softmax(log P) = P exactly; the fit started there stays there."""
    P = A.dirichlet_target(12, alpha=0.3, rng=6)
    fit = A.fit_attention(P, 12, max_iter=5, init=(np.log(P), np.eye(12)), rng=0)
    assert fit.kl < 1e-12 and fit.max_tv < 1e-7


def test_too_small_head_cannot_fit_a_higher_rank_target():
    """Rank-4 logits cannot be matched exactly with d = 2: the best KL stays well above zero."""
    P = A.low_rank_target(40, rank=4, scale=3.0, rng=5)
    fit = A.fit_attention(P, 2, max_iter=500, n_restarts=2, rng=0)
    assert fit.kl > 1e-3


def test_min_head_size_is_monotone_in_the_tolerance():
    P = A.low_rank_target(32, rank=4, scale=3.0, rng=7)
    tols = [0.5, 0.2, 0.1, 0.03, 0.01, 1e-3]
    ds = [A.min_head_size(P, t, rng=1) for t in tols]
    assert all(a <= b for a, b in zip(ds, ds[1:])), ds
    assert ds[-1] == 4  # tight tolerance: exactly the rank
    # the certificate: the answer reaches tol, one less does not
    fit = A.fit_attention(P, ds[2], max_iter=300, rng=0)
    assert fit.max_tv <= tols[2] + 1e-12


def test_min_head_size_galloping_agrees_with_bisection():
    P = A.low_rank_target(32, rank=4, scale=3.0, rng=7)
    plain = A.min_head_size(P, 1e-3, rng=1)
    for guess in (1, 3, 4, 9, 32):
        assert A.min_head_size(P, 1e-3, guess=guess, rng=1) == plain


def test_min_head_size_reports_not_reached():
    """Below the necessary logit bound no head size can reach tol: the answer is d_max + 1."""
    P = A.sparse_target(16, k=1, rng=0)
    bound = A.necessary_logit_bound(16, 1, 0.1)
    assert A.min_head_size(P, 0.1, d_max=8, logit_bound=0.9 * bound, rng=0) == 9


def test_logit_bound_is_respected_and_bounds_the_error():
    """With |logit| <= B, a sparse row keeps at least (L-k) e^{-2B} / (k + (L-k) e^{-2B}) off its support."""
    L, k, B = 32, 2, 2.0
    P = A.sparse_target(L, k=k, rng=1)
    fit = A.fit_attention(P, 8, max_iter=300, logit_bound=B, rng=0)
    S = fit.Q @ fit.K.T
    assert np.abs(S).max() <= B + 1e-9
    floor = (L - k) * np.exp(-2 * B) / (k + (L - k) * np.exp(-2 * B))
    assert fit.max_tv >= floor
    assert A.necessary_logit_bound(L, k, floor) == pytest.approx(B)


def test_jl_construction_meets_its_coherence_bound():
    L, k, d, beta = 256, 2, 200, 25.0
    P = A.sparse_target(L, k=k, rng=2)
    Q, K = A.jl_construction(P, d, beta, rng=3)
    G = K @ K.T
    mu = np.abs(G - np.diag(np.diag(G))).max()
    assert (2 * k - 1) * mu < 1
    off_mass = (L - k) / k * np.exp(-beta * (1 - (2 * k - 1) * mu))
    tv = A.row_tv(P, A.attention_matrix(Q, K))
    assert tv.max() <= off_mass


def test_targets_are_row_stochastic_and_have_their_structure():
    L = 20
    sp = A.sparse_target(L, k=3, rng=0)
    assert np.all((sp > 0).sum(1) == 3)
    soft = A.sparse_target(L, k=3, scale=2.0, rng=0)
    off = (L - 3) / (3 * np.exp(2.0) + L - 3)
    np.testing.assert_allclose(np.sort(soft, axis=1)[:, : L - 3].sum(1), off)
    loc = A.local_target(L, width=2)
    assert loc[10, 8:13].tolist() == [0.2] * 5 and loc[10].sum() == pytest.approx(1)
    for P in (sp, soft, loc, A.dirichlet_target(L, 0.1, rng=0), A.low_rank_target(L, 3, rng=0)):
        A.check_stochastic(P)
    # Dirichlet(alpha) rows: each entry is Beta(alpha, (L-1) alpha), mean 1/L (exactly, rows sum
    # to 1) and variance (L-1) / (L^2 (L alpha + 1)); the sample variance of n entries has
    # standard error sigma^2 sqrt((excess kurtosis + 2) / n)
    n_rows, alpha = 200, 2.0
    D = A.dirichlet_target(n_rows, alpha, rng=1)
    marg = stats.beta(alpha, (n_rows - 1) * alpha)
    var = (n_rows - 1) / (n_rows**2 * (n_rows * alpha + 1))
    assert marg.var() == pytest.approx(var)
    se = var * np.sqrt((float(marg.stats(moments="k")) + 2) / D.size)
    assert abs(D.var() - var) < 4 * se


def test_head_size_grid():
    g = A.head_size_grid(128)
    assert g[0] == 1 and g[-1] == 128 and np.all(np.diff(g) > 0)
    assert np.all(g[1:] / g[:-1] <= 2.0)


def test_bad_input():
    P = A.dirichlet_target(5, rng=0)
    with pytest.raises(ValueError, match="row-stochastic"):
        A.fit_attention(P * 1.1, 2)
    with pytest.raises(ValueError, match="P must be non-negative"):
        A.fit_attention(np.array([[1.5, -0.5], [0.5, 0.5]]), 1)
    with pytest.raises(ValueError, match="P must be square"):
        A.fit_attention(np.full((2, 4), 0.25), 1)
    with pytest.raises(ValueError, match="P must not contain NaN"):
        A.fit_attention(np.array([[np.nan, 1.0], [0.5, 0.5]]), 1)
    with pytest.raises(ValueError, match="d must be >= 1"):
        A.fit_attention(P, 0)
    with pytest.raises(TypeError, match="d must be an integer"):
        A.fit_attention(P, 2.5)
    with pytest.raises(ValueError, match="tol must be in"):
        A.min_head_size(P, 0.0)
    with pytest.raises(ValueError, match="init arrays must have shape"):
        A.fit_attention(P, 2, init=(np.zeros((5, 3)), np.zeros((5, 3))))
    with pytest.raises(ValueError, match="logit_bound must be in"):
        A.fit_attention(P, 2, logit_bound=-1.0)
    with pytest.raises(ValueError, match="family must be one of"):
        A.make_target("banded", 8)
    with pytest.raises(ValueError, match="k must be <= 4"):
        A.sparse_target(4, k=5)
    with pytest.raises(ValueError, match="candidates must be increasing"):
        A.min_head_size(P, 0.1, candidates=[3, 2])


# --------------------------------------------------------------------------- exact head size, restarts (Science I)


def test_exact_head_size_is_achieved_and_optimal():
    """rank of log(P_ij / P_i1): a head of that size reproduces P exactly, and no row shift has lower rank."""
    rng = np.random.default_rng(0)
    for P, expected in ((A.low_rank_target(30, rank=4, rng=1), 4), (A.dirichlet_target(10, rng=2), 9)):
        d = A.exact_head_size(P)
        assert d == expected
        H = np.log(P)
        S = H - H[:, :1]
        U, s, Vt = np.linalg.svd(S)
        Q, K = U[:, : int(d)] * s[: int(d)], Vt[: int(d)].T
        np.testing.assert_allclose(A.attention_matrix(Q, K), P, atol=1e-10)
        for _ in range(5):  # random row shifts never do better
            c = rng.standard_normal((P.shape[0], 1)) * 3
            assert np.linalg.matrix_rank(H + c) >= d
    # logits whose row space contains the all-ones vector: the shift saves one dimension
    X = np.random.default_rng(3).standard_normal((12, 3))
    Y = np.random.default_rng(4).standard_normal((12, 3))
    Y[:, 0] = 1.0  # X Y^T = X_{:,0} 1^T + (rank 2): rank 3, but a row shift removes the first term
    P = softmax(X @ Y.T, axis=1)
    assert np.linalg.matrix_rank(np.log(P)) == 3  # log P = (X_{:,0} - log z) 1^T + (rank 2)
    assert A.exact_head_size(P) == 2
    assert A.exact_head_size(A.sparse_target(8, k=2, rng=0)) == np.inf


def test_restart_interval_brackets_a_low_rank_target():
    P = A.low_rank_target(24, rank=3, scale=3.0, rng=1)
    d_fail, d_reach = A.restart_interval(P, 0.01, 4, [1, 2, 3, 4], n_restarts=2, rng=0)
    assert d_reach <= 3 < 4 and d_fail < d_reach
    assert A.fit_attention(P, d_reach, n_restarts=2, stop_tv=0.01, rng=0).max_tv <= 0.01
    with pytest.raises(ValueError, match="d_found must be one of candidates"):
        A.restart_interval(P, 0.01, 5, [1, 2, 3, 4])


def test_fit_multihead_single_head_exact_and_mixture_helps_a_mixture():
    """h = 1 fits a rank-2 target exactly; two heads of size 1 fit an equal mixture of two rank-1 patterns,
    which is exactly their form (so the gradient of the mixture is right)."""
    P = A.low_rank_target(24, rank=2, rng=0)
    one = A.fit_multihead(P, 1, 2, rng=0)
    assert one["max_tv"] < 1e-3 and one["kl"] >= -1e-12
    rng = np.random.default_rng(1)
    mix = 0.5 * (softmax(3 * np.outer(rng.standard_normal(24), rng.standard_normal(24)), axis=1)
                 + softmax(3 * np.outer(rng.standard_normal(24), rng.standard_normal(24)), axis=1))
    two = A.fit_multihead(mix, 2, 1, max_iter=500, n_restarts=3, rng=0)
    assert two["max_tv"] < 0.02  # the mixture is exactly representable by two heads of size 1
    np.testing.assert_allclose(two["A"].sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="n_heads must be >= 1"):
        A.fit_multihead(P, 0, 2)
