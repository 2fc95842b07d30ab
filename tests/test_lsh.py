"""Theory checks for jl_lab.lsh: the arcsine law, its correction, packing, Hamming distances, the index.

Statistical tolerances are 4 standard errors computed from the theoretical
variance (or, for a sample variance, from the sample's fourth moment).
"""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.spatial.distance import cdist

from jl_lab import lsh


def _pair(rho, dim=50, seed=0):
    """Two unit vectors in R^dim with cosine exactly rho, in a random orientation."""
    gen = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(gen.standard_normal((dim, 2)))
    u = basis[:, 0]
    v = rho * basis[:, 0] + np.sqrt(1 - rho**2) * basis[:, 1]
    return np.vstack([u, v])


# ---------------------------------------------------------------------------
# the arcsine law and its correction
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("rho", [-0.6, 0.0, 0.5, 0.9])
def test_sign_codes_follow_the_arcsine_law_not_the_cosine(rho):
    """Mean sign cosine of real codes = (2/pi) arcsin(rho) (Sheppard), within 4 SE of the exact binomial variance."""
    n_bits = 40_000
    codes = lsh.sign_codes(_pair(rho), n_bits, rng=1)
    h = float(lsh.sign_cosine(codes[0], codes[1], n_bits))
    s = lsh.expected_sign_cosine(rho)
    se = np.sqrt(lsh.estimator_variance(rho, n_bits, "sign"))
    assert abs(h - s) < 4 * se
    if rho not in (0.0,):
        # the seed's approximation h ~ rho is off by many standard errors
        assert abs(h - rho) > 20 * se


def test_closed_forms_agree_and_invert():
    rho = np.linspace(-1, 1, 2001)
    s = lsh.expected_sign_cosine(rho)
    # Goemans-Williamson: a bit differs with probability theta/pi, so E h = 1 - 2 theta/pi
    np.testing.assert_allclose(s, 2 * lsh.collision_probability(np.arccos(rho)) - 1, atol=1e-12)
    np.testing.assert_allclose(lsh.corrected_cosine(s), rho, atol=1e-12)
    assert np.all(np.diff(s) > 0)  # monotone: rankings survive
    assert lsh.expected_sign_cosine(1.0) == 1.0 and lsh.expected_sign_cosine(0.0) == 0.0
    # the bias (2/pi) arcsin(rho) - rho is extreme where its derivative vanishes: rho = sqrt(1 - 4/pi^2)
    bias = s - rho
    peak = np.sqrt(1 - 4 / np.pi**2)
    assert abs(abs(rho[np.argmin(bias)]) - peak) <= 1e-3
    assert bias.min() == pytest.approx(2 / np.pi * np.arcsin(peak) - peak, abs=1e-6)
    assert np.allclose(bias, -bias[::-1])  # odd


def test_candidate_probability_closed_form():
    theta = np.array([0.0, 0.3, 1.0, np.pi])
    p = 1 - theta / np.pi
    np.testing.assert_allclose(lsh.candidate_probability(theta, 7, 3), 1 - (1 - p**7) ** 3)
    assert lsh.candidate_probability(np.pi, 1, 5) == 0.0


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_estimators_mean_and_variance_match_theory(rho):
    n, trials = 1024, 4000
    out = lsh.estimator_spread([rho], [n], trials, rng=3)
    s = 2 / np.pi * np.arcsin(rho)
    # first-order biases: float r ~ rho (1 - (1 - rho^2) / 2n); corrected ~ rho - (pi^2/8) rho (1 - s^2) / n
    expected_mean = {
        "float": rho * (1 - (1 - rho**2) / (2 * n)),
        "sign": s,
        "corrected": rho - np.pi**2 / 8 * rho * (1 - s**2) / n,
    }
    est = lsh.simulate_cosine_estimates(rho, n, trials, rng=3)
    for kind in lsh.ESTIMATORS:
        x = est[kind]
        var = lsh.estimator_variance(rho, n, kind)
        assert out[f"{kind}_var"][0, 0] == pytest.approx(x.var(ddof=1))  # same seed, same numbers
        assert abs(x.mean() - expected_mean[kind]) < 4 * np.sqrt(var / trials), kind
        m4 = np.mean((x - x.mean()) ** 4)
        se_var = np.sqrt((m4 - x.var() ** 2) / trials)
        assert abs(x.var(ddof=1) - var) < 4 * se_var, kind


def test_sign_estimate_costs_pi_squared_over_four_at_rho_zero():
    assert lsh.estimator_variance(0.0, 10, "corrected") / lsh.estimator_variance(0.0, 10, "float") == pytest.approx(
        np.pi**2 / 4
    )
    # and at the bias extreme the correction leaves the spread unchanged: d sin(pi s/2)/ds = 1 there
    peak = np.sqrt(1 - 4 / np.pi**2)
    assert lsh.estimator_variance(peak, 10, "corrected") == pytest.approx(lsh.estimator_variance(peak, 10, "sign"))


# ---------------------------------------------------------------------------
# packing and Hamming distances
# ---------------------------------------------------------------------------
def test_sign_codes_layout_prefix_and_sparse_input():
    gen = np.random.default_rng(5)
    X = gen.standard_normal((30, 17))
    R = np.random.default_rng(11).standard_normal((45, 17))
    codes = lsh.sign_codes(X, 45, rng=11)
    np.testing.assert_array_equal(codes, np.packbits(X @ R.T >= 0, axis=1))
    assert codes.shape == (30, 6) and codes.dtype == np.uint8
    assert np.all(codes[:, -1] & 0b111 == 0)  # 45 bits: the last 3 bits of the last byte are padding
    # with one seed the first 12 hyperplanes do not depend on n_bits: codes are prefixes
    short = lsh.sign_codes(X, 12, rng=11)
    np.testing.assert_array_equal(np.unpackbits(short, axis=1)[:, :12], np.unpackbits(codes, axis=1)[:, :12])
    Xs = sp.random(30, 17, density=0.3, random_state=2, format="csr")
    Xs = Xs + sp.eye(30, 17)  # no zero row
    np.testing.assert_array_equal(lsh.sign_codes(Xs, 45, rng=4), lsh.sign_codes(Xs.toarray(), 45, rng=4))


@pytest.mark.parametrize("n_bits", [5, 64, 77, 150])
def test_hamming_distance_against_a_naive_count_and_scipy(n_bits):
    gen = np.random.default_rng(n_bits)
    bits_a = gen.integers(0, 2, size=(9, n_bits)).astype(bool)
    bits_b = gen.integers(0, 2, size=(7, n_bits)).astype(bool)
    a, b = np.packbits(bits_a, axis=1), np.packbits(bits_b, axis=1)
    naive = np.array([[sum(int(x != y) for x, y in zip(ra, rb)) for rb in bits_b] for ra in bits_a])
    d = lsh.hamming_distance(a, b)
    assert d.shape == (9, 7) and d.dtype == np.int64
    np.testing.assert_array_equal(d, naive)
    np.testing.assert_allclose(d, cdist(bits_a, bits_b, "hamming") * n_bits, atol=1e-9)
    np.testing.assert_array_equal(lsh.hamming_distance(a[0], b), naive[0])  # one against many
    np.testing.assert_array_equal(lsh.hamming_distance(a, b[0]), naive[:, 0])
    assert lsh.hamming_distance(a[2], b[3]) == naive[2, 3]
    np.testing.assert_array_equal(lsh.hamming_distance(a[:7], b, pairwise=False), np.diag(naive[:7]))
    # the sign cosine is the cosine of the +-1 vectors
    sa, sb = 2.0 * bits_a - 1, 2.0 * bits_b - 1
    cos = (sa @ sb.T) / n_bits
    np.testing.assert_allclose(lsh.sign_cosine(a, b, n_bits), cos, atol=1e-12)


# ---------------------------------------------------------------------------
# the chain on real pairs
# ---------------------------------------------------------------------------
def test_chain_errors_uses_sign_codes_and_matches_theory():
    gen = np.random.default_rng(7)
    X = gen.standard_normal((40, 120))
    out = lsh.chain_errors(X, [64, 256], n_draws=20, rng=9)
    # first draw = the matrix sign_codes draws with the same seed
    codes = lsh.sign_codes(X, 256, rng=9)
    iu = np.triu_indices(40, 1)
    np.testing.assert_allclose(out["sign_first"], lsh.sign_cosine(codes, codes, 256)[iu], atol=1e-12)
    # mean squared error over pairs and draws: theory (bias^2 + variance), 4 SE over the independent draws
    for kind in lsh.ESTIMATORS:
        mse = out[f"{kind}_mse"]
        se = mse.std(axis=0, ddof=1) / np.sqrt(mse.shape[0])
        assert np.all(np.abs(mse.mean(axis=0) - out[f"{kind}_rms_theory"] ** 2) < 4 * se), kind
    # the raw sign error cannot go below the rms of the arcsine bias
    floor = np.sqrt(np.mean((lsh.expected_sign_cosine(out["cos"]) - out["cos"]) ** 2))
    assert np.all(out["sign_rms_theory"] >= floor)


# ---------------------------------------------------------------------------
# the index
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("theta,n_bits,n_tables", [(0.6, 6, 3), (1.2, 3, 2)])
def test_index_candidate_probability_by_simulation(theta, n_bits, n_tables):
    """Each fresh index makes the far point a candidate with probability 1 - (1 - (1 - theta/pi)^b)^L."""
    pair = _pair(np.cos(theta), dim=20, seed=1)
    trials = 1500
    hits = 0
    for seed in range(trials):
        index = lsh.SignLSHIndex(n_bits, n_tables, rng=seed).fit(pair[1:])
        hits += int(index.query(pair[:1], 1, return_n_candidates=True)[2][0])
    p = lsh.candidate_probability(theta, n_bits, n_tables)
    assert abs(hits / trials - p) < 4 * np.sqrt(p * (1 - p) / trials)


def _clustered(gen, n, d=24, centres=30):
    C = gen.standard_normal((centres, d))
    return C[gen.integers(0, centres, n)] + 0.6 * gen.standard_normal((n, d))


def test_index_recall_against_brute_force_and_theory():
    gen = np.random.default_rng(0)
    X, Q = _clustered(gen, 800), _clustered(gen, 400)
    k, b, L = 5, 4, 2  # mean candidate probability near 0.4: one table or one bit more or less is detected
    exact, exact_cos = lsh.brute_force_cosine(X, Q, k)
    # brute force is exact: compare with a direct argsort of the cosine matrix
    U = X / np.linalg.norm(X, axis=1, keepdims=True)
    V = Q / np.linalg.norm(Q, axis=1, keepdims=True)
    np.testing.assert_array_equal(exact, np.argsort(-(V @ U.T), axis=1)[:, :k])
    # one fresh index per query, so that the queries' recalls are independent
    recalls = np.empty(len(Q))
    for q in range(len(Q)):
        index = lsh.SignLSHIndex(b, L, rng=100 + q).fit(X)
        found, cos = index.query(Q[q : q + 1], k)
        ok = found[0] >= 0
        # re-ranking in float32: rounding the unit vectors (2^-24 each) and a D-term dot product give
        # |error| <= (D + 2) 2^-24 (Higham's gamma_D bound, |u . v| <= 1)
        np.testing.assert_allclose(cos[0, ok], U[found[0, ok]] @ V[q], rtol=0, atol=(X.shape[1] + 2) * 2.0**-24)
        assert np.all(np.diff(cos[0, ok]) <= 0)
        recalls[q] = lsh.recall_at_k(found, exact[q : q + 1])
    P = lsh.candidate_probability(np.arccos(np.clip(exact_cos, -1, 1)), b, L)
    # Var(recall_q) <= mean_j P_qj (1 - P_qj) (Jensen: the k indicators of a query may be correlated)
    se = np.sqrt(np.sum(np.mean(P * (1 - P), axis=1))) / len(Q)
    assert abs(recalls.mean() - P.mean()) < 4 * se


def test_index_is_exact_when_every_point_is_a_candidate(monkeypatch):
    gen = np.random.default_rng(2)
    X, Q = _clustered(gen, 400), _clustered(gen, 50)
    exact, exact_cos = lsh.brute_force_cosine(X, Q, 7)
    index = lsh.SignLSHIndex(1, 12, rng=3, rerank="float64").fit(X)
    found, cos, n_cand = index.query(Q, 7, return_n_candidates=True)
    full = n_cand == len(X)
    assert full.sum() >= 10
    np.testing.assert_allclose(cos[full], exact_cos[full], atol=1e-12)
    np.testing.assert_array_equal(found[full], exact[full])
    # the vectorised and the per-query re-ranking give the same answer
    for small in (0, 10**9):
        monkeypatch.setattr(lsh, "_SMALL_BUCKETS", small)
        f2, c2 = lsh.SignLSHIndex(6, 4, rng=5, rerank="float64").fit(X).query(Q, 7)
        if small == 0:
            f_loop, c_loop = f2, c2
    np.testing.assert_array_equal(f2, f_loop)
    np.testing.assert_allclose(c2, c_loop, atol=1e-12)


def test_index_rerank_modes_memory_and_candidates():
    """float32 and float64 re-ranking see the same candidates (same planes and keys) and agree to
    float32 rounding; rerank="none" keeps no vectors and ranks by the Hamming distance of the key bits,
    whose corrected cosine it returns; memory_ adds up the arrays the index holds."""
    gen = np.random.default_rng(7)
    X, Q = _clustered(gen, 500), _clustered(gen, 30)
    D, (L, b) = X.shape[1], (6, 8)
    idx = {mode: lsh.SignLSHIndex(b, L, rng=9, rerank=mode).fit(X) for mode in lsh.RERANK}
    out = {mode: index.query(Q, 5, return_n_candidates=True) for mode, index in idx.items()}
    for mode in ("float32", "none"):
        np.testing.assert_array_equal(out[mode][2], out["float64"][2])  # the same candidates
    np.testing.assert_allclose(out["float32"][1], out["float64"][1], rtol=0, atol=(D + 2) * 2.0**-24, equal_nan=True)
    # no copy: the scores are sin(pi/2 (1 - 2 d_H / (L b))) over the L b key bits of the pair
    keys = idx["none"]._keys(X / np.linalg.norm(X, axis=1, keepdims=True))
    qkeys = idx["none"]._keys(Q / np.linalg.norm(Q, axis=1, keepdims=True))
    found, cos = out["none"][:2]
    for q in range(len(Q)):
        ok = found[q] >= 0
        d = np.bitwise_count(keys[found[q, ok]] ^ qkeys[q]).sum(axis=1)
        np.testing.assert_allclose(cos[q, ok], lsh.corrected_cosine(1 - 2 * d / (L * b)), atol=1e-12)
        assert np.all(np.diff(d) >= 0)  # ranked by Hamming distance
    n = len(X)
    assert idx["float32"].memory_["vectors"] == 4 * n * D and idx["float64"].memory_["vectors"] == 8 * n * D
    assert idx["none"].memory_["vectors"] == 8 * n * L  # the point-major keys, not the data
    for index in idx.values():
        m = index.memory_
        assert m["keys"] == 8 * L * n and m["ids"] == 4 * L * n and m["planes"] == 8 * L * b * D
        assert m["total"] == m["planes"] + m["keys"] + m["ids"] + m["vectors"]
    with pytest.raises(ValueError, match="rerank"):
        lsh.SignLSHIndex(8, 2, rerank="float16")


def test_index_pads_when_fewer_candidates_than_k_and_is_reproducible():
    gen = np.random.default_rng(4)
    X = gen.standard_normal((300, 10))
    a = lsh.SignLSHIndex(20, 1, rng=8).fit(X)
    found, cos, n_cand = a.query(gen.standard_normal((20, 10)), 5, return_n_candidates=True)
    short = n_cand < 5
    assert short.any()
    for q in np.flatnonzero(short):
        assert np.all(found[q, n_cand[q] :] == -1) and np.all(np.isnan(cos[q, n_cand[q] :]))
    b = lsh.SignLSHIndex(20, 1, rng=8).fit(X)
    np.testing.assert_array_equal(a.planes_, b.planes_)


def test_index_sweep_reports_consistent_numbers():
    gen = np.random.default_rng(6)
    X, Q = _clustered(gen, 600), _clustered(gen, 40)
    out = lsh.index_sweep(X, Q, [4, 10], [1, 3], k=5, rng=0, repeat=1)
    assert out["recall"].shape == (2, 2)
    assert np.all((0 <= out["recall"]) & (out["recall"] <= 1))
    assert np.all((0 < out["scanned"]) & (out["scanned"] <= 1))
    theta = np.arccos(np.clip(out["exact_cos"], -1, 1))
    assert out["recall_theory"][1, 0] == pytest.approx(np.mean(lsh.candidate_probability(theta, 4, 3)))
    assert np.all(out["query_seconds"] > 0) and out["brute_seconds"] > 0


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
def test_bad_input_is_rejected_with_the_parameter_named():
    X = np.random.default_rng(0).standard_normal((5, 3))
    codes = lsh.sign_codes(X, 16, rng=0)
    with pytest.raises(ValueError, match="n_bits"):
        lsh.sign_codes(X, 0)
    with pytest.raises(TypeError, match="n_bits"):
        lsh.sign_codes(X, 2.5)
    with pytest.raises(ValueError, match="X must not contain NaN"):
        lsh.sign_codes(np.array([[1.0, np.nan]]), 8)
    with pytest.raises(ValueError, match="X must not contain zero rows"):
        lsh.sign_codes(np.array([[1.0, 0.0], [0.0, 0.0]]), 8)
    with pytest.raises(ValueError, match="X must have 2 dimensions"):
        lsh.sign_codes(np.ones(3), 8)
    with pytest.raises(TypeError, match="rng"):
        lsh.sign_codes(X, 8, rng="seed")
    with pytest.raises(TypeError, match="codes_a must be packed codes of dtype uint8"):
        lsh.hamming_distance(codes.astype(float), codes)
    with pytest.raises(ValueError, match="same number of bytes"):
        lsh.hamming_distance(codes, codes[:, :1])
    with pytest.raises(ValueError, match="same shape when pairwise=False"):
        lsh.hamming_distance(codes, codes[:3], pairwise=False)
    with pytest.raises(ValueError, match="n_bits must be between 9 and 16"):
        lsh.sign_cosine(codes, codes, 20)
    with pytest.raises(ValueError, match="rho must be a cosine in"):
        lsh.expected_sign_cosine(1.5)
    with pytest.raises(ValueError, match="h must be finite"):
        lsh.corrected_cosine([0.1, np.nan])
    with pytest.raises(ValueError, match="theta must be an angle"):
        lsh.collision_probability(-0.1)
    with pytest.raises(ValueError, match="n_tables"):
        lsh.candidate_probability(0.5, 4, 0)
    with pytest.raises(ValueError, match="kind"):
        lsh.estimator_variance(0.5, 10, "double")
    with pytest.raises(ValueError, match="rho must be a single number"):
        lsh.simulate_cosine_estimates([0.1, 0.2], 10, 10)
    with pytest.raises(ValueError, match="n_trials"):
        lsh.simulate_cosine_estimates(0.1, 10, 0)
    with pytest.raises(ValueError, match="n_bits must be <= 64"):
        lsh.SignLSHIndex(65, 2)
    with pytest.raises(ValueError, match="n_tables"):
        lsh.SignLSHIndex(8, 0)
    with pytest.raises(ValueError, match="not fitted"):
        lsh.SignLSHIndex(8, 2).query(X, 1)
    index = lsh.SignLSHIndex(8, 2, rng=0).fit(X)
    with pytest.raises(ValueError, match="Q must have 3 columns"):
        index.query(np.ones((2, 4)), 1)
    with pytest.raises(ValueError, match="k must be <= 5"):
        index.query(X, 6)
    with pytest.raises(ValueError, match="k must be >= 1"):
        lsh.brute_force_cosine(X, X, 0)
    with pytest.raises(ValueError, match="same number of rows"):
        lsh.recall_at_k(np.zeros((2, 3), int), np.zeros((3, 3), int))
    with pytest.raises(ValueError, match="X must have at least 2 rows"):
        lsh.chain_errors(X[:1], [8])


def test_variance_ratio_and_break_even():
    rho = np.linspace(-0.99, 0.99, 199)
    ratio = lsh.variance_ratio(rho)
    np.testing.assert_allclose(
        ratio, lsh.estimator_variance(rho, 7, "corrected") / lsh.estimator_variance(rho, 7, "float"), rtol=1e-12
    )
    assert ratio.min() == pytest.approx(np.pi**2 / 4, rel=1e-3) and lsh.variance_ratio(1.0) == np.inf
    # near rho = 1 the ratio grows like pi / theta
    theta = 1e-3
    assert lsh.variance_ratio(np.cos(theta)) * theta / np.pi == pytest.approx(1.0, rel=1e-2)
    r32 = lsh.break_even_cosine(32)
    assert lsh.variance_ratio(r32) == pytest.approx(32) and 0.99 < r32 < 1
    assert lsh.break_even_cosine(16) < r32  # cheaper floats win over a wider range
    with pytest.raises(ValueError, match="float_bits"):
        lsh.break_even_cosine(2)


# --------------------------------------------------------------------------- amplification, multi-probe, cross-polytope


def test_amplification_probability_closed_form_and_limits():
    p = np.linspace(0, 1, 11)
    np.testing.assert_allclose(lsh.amplification_probability(p, 3, 5), 1 - (1 - p**3) ** 5)
    assert lsh.amplification_probability(0.0, 4, 10) == 0.0 and lsh.amplification_probability(1.0, 4, 10) == 1.0
    assert lsh.amplification_probability(0.3, 1, 1) == pytest.approx(0.3)
    theta = np.linspace(0, np.pi, 7)
    np.testing.assert_allclose(lsh.amplification_probability(1 - theta / np.pi, 12, 4),
                               lsh.candidate_probability(theta, 12, 4))
    # monotone S-curve in p
    assert np.all(np.diff(lsh.amplification_probability(np.linspace(0, 1, 50), 5, 20)) >= 0)
    with pytest.raises(ValueError, match="p"):
        lsh.amplification_probability(1.5, 2, 2)
    with pytest.raises(ValueError, match="r must be >= 1"):
        lsh.amplification_probability(0.5, 0, 2)


def test_multiprobe_recall_matches_theory_and_dominates_plain():
    """All one-bit flips probed: recall = mean of 1 - (1 - p^b - b p^(b-1)(1-p))^L over the true neighbours."""
    gen = np.random.default_rng(60)
    X = gen.standard_normal((3000, 20))
    Q = X[:300] + 0.6 * gen.standard_normal((300, 20))
    exact, cos = lsh.brute_force_cosine(X, Q, 5)
    theta = np.arccos(np.clip(cos, -1, 1))
    plain, n0 = lsh.multiprobe_query(X, Q, 5, 14, 4, n_probes=0, rng=61)
    full, n_full = lsh.multiprobe_query(X, Q, 5, 14, 4, n_probes=14, rng=61)     # same hyperplanes
    assert np.all(n_full >= n0)
    r_plain, r_full = lsh.recall_at_k(plain, exact), lsh.recall_at_k(full, exact)
    assert r_full >= r_plain
    # candidates are independent across tables but neighbours of one query share the hyperplanes:
    # binomial standard error over M*k neighbours is a lower bound on the spread, use 5 sigma of it
    for r, prob in ((r_plain, lsh.candidate_probability(theta, 14, 4)),
                    (r_full, lsh.multiprobe_candidate_probability(theta, 14, 4))):
        pred = prob.mean()
        assert abs(r - pred) < 5 * np.sqrt(pred * (1 - pred) / 300) + 0.02


def test_multiprobe_returns_exact_ranking_of_its_candidates():
    X = np.random.default_rng(62).standard_normal((400, 8))
    idx, n = lsh.multiprobe_query(X, X[:20], 3, 4, 8, n_probes=4, rng=63)
    assert np.all(idx[:, 0] == np.arange(20))          # every point finds itself first
    assert np.all(n >= 3)


def test_cross_polytope_exact_in_two_dimensions_and_antipodes():
    theta = np.array([0.0, np.pi / 8, np.pi / 3, np.pi / 2, 3 * np.pi / 4, np.pi])
    n = 4000
    meas = lsh.collision_curve(theta, "cross-polytope", n_dims=2, n_pairs=n, rng=64)
    exact = np.maximum(1 - 2 * theta / np.pi, 0)
    assert np.all(np.abs(meas - exact) <= 5 * np.sqrt(np.maximum(exact * (1 - exact), 1e-12) / n) + 1e-12)
    X = np.random.default_rng(65).standard_normal((50, 16))
    c, cneg = lsh.cross_polytope_codes(X, 3, rng=66), lsh.cross_polytope_codes(-X, 3, rng=66)
    assert np.all((c - cneg) % 16 == 0) and np.all(c != cneg) and c.max() < 32 and c.min() >= 0
    # the code depends on the direction only
    np.testing.assert_array_equal(lsh.cross_polytope_codes(5 * X, 3, rng=66), c)
    assert lsh.cross_polytope_codes(X, 2, rng=0, n_dims=4).max() < 8


def test_hyperplane_collision_curve_matches_goemans_williamson():
    theta = np.linspace(0, np.pi, 5)
    n = 4000
    meas = lsh.collision_curve(theta, "hyperplane", n_dims=6, n_bits=2, n_pairs=n, rng=67)
    p = (1 - theta / np.pi) ** 2
    assert np.all(np.abs(meas - p) <= 5 * np.sqrt(p * (1 - p) / n) + 1e-12)


def test_cross_polytope_beats_hyperplanes_at_equal_bucket_count():
    """2d' buckets against log2(2d') sign bits: at the same far-pair collision rate, near pairs collide more."""
    d = 16
    near, far = np.pi / 6, np.pi / 2
    cp = lsh.collision_curve([near, far], "cross-polytope", n_dims=d, n_pairs=4000, rng=68)
    bits = int(np.log2(2 * d))
    hp = (1 - np.array([near, far]) / np.pi) ** bits
    rho_cp = np.log(cp[0]) / np.log(cp[1])
    rho_hp = np.log(hp[0]) / np.log(hp[1])
    assert rho_cp < rho_hp


def test_recall_and_time_and_faiss_exact_search():
    faiss = pytest.importorskip("faiss")
    gen = np.random.default_rng(69)
    X, Q = gen.standard_normal((500, 12)), gen.standard_normal((40, 12))
    exact, cos = lsh.brute_force_cosine(X, Q, 5)
    U = np.ascontiguousarray(X / np.linalg.norm(X, axis=1, keepdims=True), dtype=np.float32)
    V = np.ascontiguousarray(Q / np.linalg.norm(Q, axis=1, keepdims=True), dtype=np.float32)
    flat = faiss.IndexFlatIP(12)
    flat.add(U)
    out = lsh.recall_and_time(lambda q: flat.search(q, 5)[1], V, exact, repeats=1)
    assert out["recall"] == 1.0 and out["seconds_per_query"] >= 0
    np.testing.assert_allclose(flat.search(V, 5)[0], cos, atol=1e-5)
    with pytest.raises(TypeError, match="callable"):
        lsh.recall_and_time(None, V, exact)


# --------------------------------------------------------------------------- the LSH exponent and its standard error


def test_lsh_exponent_hyperplane_theory_and_delta_method_se():
    b = 5
    rho, se = lsh.lsh_exponent((5 / 6) ** b, 0.5**b, 3000)
    assert rho == pytest.approx(np.log(5 / 6) / np.log(0.5))      # independent of b for hyperplanes
    # the delta-method se against the spread of rho over simulated binomial frequencies
    gen = np.random.default_rng(11)
    pn, pf, n = (5 / 6) ** b, 0.5**b, 3000
    sims = np.log(gen.binomial(n, pn, 4000) / n) / np.log(gen.binomial(n, pf, 4000) / n)
    assert sims.std() == pytest.approx(se, rel=0.1)
    # a measured collision curve: the estimate lies within 4 se of the theory
    c = lsh.collision_curve(np.radians([30, 90]), "hyperplane", n_dims=8, n_bits=b, n_pairs=3000, rng=5)
    r, s = lsh.lsh_exponent(c[0], c[1], 3000)
    assert abs(r - np.log(5 / 6) / np.log(0.5)) < 4 * s


@pytest.mark.parametrize("args", [(0.0, 0.5, 10), (0.5, 1.0, 10), (0.5, 0.2, 0), (0.5, 0.2, 10, 0), (np.nan, 0.2, 10)])
def test_lsh_exponent_refuses_bad_input(args):
    with pytest.raises(ValueError):
        lsh.lsh_exponent(*args)
