"""Theory checks for jl_lab.head_size: the d >= 2 certificate, the moment-curve heads, the intervals."""

import numpy as np
import pytest

from jl_lab import attention as A
from jl_lab import head_size as H


def test_names_are_reexported_by_attention():
    for name in H.__all__:
        assert name in A.__all__ and getattr(A, name) is getattr(H, name)


def test_identity_certifies_two_and_uniform_certifies_nothing():
    assert H.head_size_lower_bound(np.eye(8), 0.1) == 2
    assert H.head_size_lower_bound(np.full((8, 8), 1 / 8), 0.1) == 1
    rows, C = H.argmax_certificates(np.full((8, 8), 1 / 8), 0.1)
    assert rows.size == 0 and C.shape == (0, 8)


def test_peaks_on_two_keys_certify_nothing_and_a_head_of_size_one_fits_them():
    """Every row peaked on key 0 or key 5: the two keys hit every set, and d = 1 does reach the tolerance."""
    P = np.full((8, 8), 0.02)
    P[np.arange(8), np.array([0, 5, 0, 5, 5, 0, 0, 5])] = 1 - 7 * 0.02
    assert H.head_size_lower_bound(P, 0.1) == 1
    assert A.fit_attention(P, 1, n_restarts=3, rng=0).max_tv <= 0.1


def test_certified_sets_hold_every_argmax_of_every_row_within_tol():
    """Mix each row with a random distribution (TV <= eps) and look where the largest weight went."""
    rng = np.random.default_rng(0)
    eps = 0.1
    for P in (A.sparse_target(20, k=1, rng=1), A.sparse_target(20, k=2, rng=2), A.local_target(20),
              A.dirichlet_target(20, alpha=0.05, rng=3)):
        owners, C = H.argmax_certificates(P, eps)
        assert owners.size > 0 and not C.all(axis=1).any()
        for _ in range(200):
            R = rng.dirichlet(np.full(20, 0.3), size=20)
            lam = rng.uniform(0, 1, size=(20, 1))
            Amix = (1 - lam) * P + lam * R
            # scale the move so that every row is at TV exactly min(eps, its TV at lam) or less
            tv = A.row_tv(P, Amix)[:, None]
            Amix = P + (Amix - P) * np.minimum(1.0, eps / np.maximum(tv, 1e-300))
            assert A.row_tv(P, Amix).max() <= eps + 1e-12
            for n, i in enumerate(owners):
                top = np.flatnonzero(Amix[i] == Amix[i].max())
                assert C[n, top].all()


@pytest.mark.parametrize("family, params", [("sparse", {"k": 1}), ("sparse", {"k": 2}), ("local", {"width": 2})])
def test_a_fitted_head_of_size_one_never_beats_the_certificate(family, params):
    P = A.make_target(family, 24, rng=5, **params)
    assert H.head_size_lower_bound(P, 0.1) == 2
    fit = A.fit_attention(P, 1, max_iter=500, n_restarts=4, rng=0)
    assert fit.max_tv > 0.1
    # the size the construction gives does reach it
    assert A.fit_attention(P, int(H.support_head_size(P)), max_iter=500, n_restarts=2, stop_tv=0.1,
                           rng=0).max_tv <= 0.1


@pytest.mark.parametrize("P, d", [
    (A.sparse_target(12, k=1, rng=0), 2),       # one-hot: the parabola
    (A.sparse_target(9, k=2, rng=1), 4),        # two keys anywhere: squares of two factors
    (A.local_target(10, width=2), 6),           # windows of 5 consecutive keys: 5 factors and one more
    (A.local_target(10, width=1) , 4),          # windows of 3 (2 at the ends)
])
def test_support_head_reproduces_uniform_supports_as_beta_grows(P, d):
    assert H.support_head_size(P) == d
    tvs = []
    for beta in (3.0, 30.0, 1e5):
        Q, K = H.support_head(P, beta)
        assert Q.shape == K.shape == (P.shape[0], d)
        tvs.append(A.row_tv(P, A.attention_matrix(Q, K)).max())
    assert tvs[0] > tvs[1] >= tvs[2] - 1e-11 and tvs[2] < 1e-6
    assert H.head_size_lower_bound(P, 0.1) <= d


def test_support_head_tv_obeys_the_documented_bound():
    """TV_i <= (L - |S_i|) exp(-beta g_i) / |S_i| with g_i the smallest polynomial value off the support."""
    P = A.sparse_target(9, k=2, rng=4)
    beta = 300.0
    Q, K = H.support_head(P, beta)
    S = Q @ K.T / -beta  # p_i(t_j) - p_i(0)
    S -= S.min(axis=1, keepdims=True)  # p_i(t_j): zero on the support
    tv = A.row_tv(P, A.attention_matrix(Q, K))
    for i in range(9):
        sup = P[i] > 0
        assert np.allclose(S[i, sup], 0, atol=1e-9)
        g = S[i, ~sup].min()
        assert g > 0
        assert tv[i] <= (9 - 2) * np.exp(-beta * g) / 2 + 1e-12


def test_support_head_size_is_inf_for_non_uniform_rows():
    assert H.support_head_size(A.dirichlet_target(6, rng=0)) == np.inf
    assert H.support_head_size(np.full((4, 4), 0.25)) == 1.0
    with pytest.raises(ValueError, match="uniform on its support"):
        H.support_head(A.dirichlet_target(6, rng=0), 1.0)


def test_intervals_agree_with_the_sweep_and_are_ordered():
    Ls = [16, 24]
    out = H.head_size_intervals("sparse", Ls, 0.1, rng=3, restart_rng=4, k=2)
    sweep = A.head_size_sweep("sparse", Ls, 0.1, grid=True, rng=3, k=2)
    np.testing.assert_array_equal(out["one_run"], sweep)
    assert np.all(out["lower"] <= out["upper"]) and np.all(out["upper"] <= out["one_run"])
    assert np.all(out["fail"] < out["upper"])
    assert np.all(out["construction"] == 4) and np.all(out["exact"] == np.inf)
    np.testing.assert_array_equal(out["hi"], np.minimum(out["upper"], 4))
    np.testing.assert_array_equal(out["lo"], out["lower"])
    for L, up, fail in zip(Ls, out["upper"], out["fail"]):
        grid = A.head_size_grid(L)
        assert up in grid and (fail == 0 or grid[np.searchsorted(grid, up) - 1] == fail)


def test_lengths_above_fit_max_L_are_bracketed_by_the_bounds_alone():
    out = H.head_size_intervals("sparse", [12, 16, 24], 0.1, fit_max_L=12, rng=0, restart_rng=0, k=1)
    assert out["one_run"][0] > 0 and np.all(out["one_run"][1:] == 0) and np.all(out["upper"][1:] == 0)
    np.testing.assert_array_equal(out["lo"], [2, 2, 2])
    np.testing.assert_array_equal(out["hi"][1:], [2, 2])


def test_low_rank_interval_contains_its_rank():
    out = H.head_size_intervals("low-rank", [20], 0.01, rng=0, restart_rng=0, rank=3, scale=3.0)
    assert out["exact"][0] == 3 and out["lower"][0] <= out["upper"][0] <= 3
    assert out["hi"][0] == out["upper"][0]


def test_unreached_cap_falls_back_to_the_exact_size():
    out = H.head_size_intervals("dirichlet", [12], 0.01, d_max=2, rng=0, restart_rng=0)
    assert out["upper"][0] == 3 and out["hi"][0] == 11 and 1 <= out["lo"][0] <= 2


@pytest.mark.parametrize("call, match", [
    (lambda: H.head_size_lower_bound(np.eye(4), 0.0), "tol"),
    (lambda: H.head_size_lower_bound(np.eye(4), 1.5), "tol"),
    (lambda: H.head_size_lower_bound(np.eye(4) * 2, 0.1), "P"),
    (lambda: H.argmax_certificates(np.eye(4)[:, :3], 0.1), "P"),
    (lambda: H.support_head(np.eye(4), 0.0), "beta"),
    (lambda: H.support_head(np.eye(4), np.nan), "beta"),
    (lambda: H.head_size_intervals("nope", [8], 0.1), "family"),
    (lambda: H.head_size_intervals("sparse", [8, 8], 0.1), "lengths"),
    (lambda: H.head_size_intervals("sparse", [8], 0.1, n_restarts=0), "n_restarts"),
    (lambda: H.head_size_intervals("sparse", [8], 0.1, d_max=0), "d_max"),
    (lambda: H.head_size_intervals("sparse", [8], 0.1, fit_max_L=1), "fit_max_L"),
])
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
