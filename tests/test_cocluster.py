"""Tests of jl_lab.cocluster against naive counts, closed forms, scikit-learn and the theory.

Statistical checks use fixed seeds and tolerances of four standard errors
computed from the model's own probabilities.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.cluster import SpectralCoclustering
from sklearn.metrics import adjusted_rand_score as ari

from jl_lab import cocluster as cc


def naive_bigrams(tokens, vocab):
    index = {w: i for i, w in enumerate(vocab)}
    out = np.zeros((len(vocab), len(vocab)))
    for x, y in zip(tokens[:-1], tokens[1:]):
        if x in index and y in index:
            out[index[x], index[y]] += 1
    return out


@pytest.fixture(scope="module")
def model55():
    return cc.planted_bigram_model(120, 4, 4, rng=0)


@pytest.fixture(scope="module")
def counts55(model55):
    counts, _ = cc.bigram_counts(cc.sample_tokens(model55, 200_000, rng=1), vocab=range(120))
    return counts


# ---------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------


def test_bigram_counts_match_a_naive_count_on_words():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    tokens = list(rng.choice(words, size=3000, p=np.arange(30, 0, -1) / 465))
    counts, vocab = cc.bigram_counts(tokens)
    np.testing.assert_array_equal(counts.toarray(), naive_bigrams(tokens, vocab))
    freq = Counter(tokens)
    assert [freq[w] for w in vocab] == sorted(freq.values(), reverse=True)
    assert counts.sum() == len(tokens) - 1


def test_vocab_size_min_count_and_ties_by_first_appearance():
    tokens = "b a c a b d e e".split()
    counts, vocab = cc.bigram_counts(tokens, vocab_size=3)
    assert vocab == ["b", "a", "e"]  # b, a, e all seen twice; b appears first
    np.testing.assert_array_equal(counts.toarray(), naive_bigrams(tokens, vocab))
    _, vocab2 = cc.bigram_counts(tokens, min_count=2)
    assert vocab2 == ["b", "a", "e"]


@pytest.mark.parametrize("n_words", [50, 2100])  # 2100**2 > 4e6 takes the sparse coo path
def test_integer_fast_path_equals_the_general_path(n_words):
    rng = np.random.default_rng(1)
    arr = rng.integers(0, n_words, size=20_000)
    fast, v_fast = cc.bigram_counts(arr, vocab_size=n_words // 2)
    slow, v_slow = cc.bigram_counts(arr.tolist(), vocab_size=n_words // 2)
    assert v_fast == v_slow
    assert (fast != slow).nnz == 0
    fixed, v_fixed = cc.bigram_counts(arr, vocab=range(n_words))
    assert v_fixed == list(range(n_words))
    assert fixed.sum() == arr.size - 1


def test_transition_matrix_is_row_stochastic():
    counts = np.array([[1.0, 3.0, 0.0], [0.0, 2.0, 2.0], [5.0, 0.0, 0.0]])
    P = cc.transition_matrix(counts)
    assert sp.issparse(P)
    np.testing.assert_allclose(P.toarray(), counts / counts.sum(axis=1, keepdims=True))
    Ps = cc.transition_matrix(counts, smoothing=0.5)
    np.testing.assert_allclose(Ps, (counts + 0.5) / (counts.sum(axis=1, keepdims=True) + 1.5))
    np.testing.assert_allclose(Ps.sum(axis=1), 1.0)


# ---------------------------------------------------------------------------
# The planted model
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("l, k", [(6, 4), (3, 5), (4, 4)])
def test_planted_transition_has_rank_min_l_k_and_class_structure(l, k):
    m = cc.planted_bigram_model(60, l, k, rng=2)
    P = m.transition
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert np.linalg.matrix_rank(P) == min(l, k)
    for c in range(l):  # identical rows within a row class
        rows = P[m.row_labels == c]
        np.testing.assert_allclose(rows, rows[0][None, :].repeat(len(rows), 0), atol=1e-15)
    pi = m.stationary
    np.testing.assert_allclose(pi @ P, pi, atol=1e-12)
    assert abs(pi.sum() - 1) < 1e-12


def test_sampled_transitions_match_the_model_within_four_standard_errors(model55):
    tokens = cc.sample_tokens(model55, 300_000, rng=3)
    # given the current word's row class c, the next word is drawn from P(b|c), independently
    cls = model55.row_labels[tokens[:-1]]
    nxt = tokens[1:]
    p_next = model55.p_d_given_c @ model55.p_b_given_d  # (l, n)
    for c in range(model55.n_row_classes):
        n_c = np.sum(cls == c)
        freq = np.bincount(nxt[cls == c], minlength=model55.n_words) / n_c
        se = np.sqrt(p_next[c] * (1 - p_next[c]) / n_c)
        z = np.abs(freq - p_next[c]) / np.where(se > 0, se, 1)
        # 4 standard errors per cell; with 4 x 120 cells, expect about 0.03 exceedances
        assert np.sum(z > 4) <= 1, c


def test_sampling_is_reproducible_and_handles_short_texts(model55):
    a = cc.sample_tokens(model55, 5000, rng=7)
    np.testing.assert_array_equal(a, cc.sample_tokens(model55, 5000, rng=7))
    assert not np.array_equal(a, cc.sample_tokens(model55, 5000, rng=8))
    for T in (2, 3, 33, 1001):
        assert cc.sample_tokens(model55, T, rng=0).shape == (T,)


def test_class_transition_estimates_the_planted_table(model55, counts55):
    M_hat = cc.class_transition(counts55, model55.row_labels, model55.col_labels)
    M = model55.p_d_given_c
    R = np.eye(4)[model55.row_labels]
    n_c = R.T @ np.asarray(counts55.sum(axis=1)).ravel()
    se = np.sqrt(M * (1 - M) / n_c[:, None])
    assert np.all(np.abs(M_hat - M) <= 4 * se + 1e-12)


# ---------------------------------------------------------------------------
# Clustering: recovery, scikit-learn agreement
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("normalization", ["chi2", "rows"])
def test_svd_cocluster_recovers_planted_classes_at_200k_tokens(model55, counts55, normalization):
    rows, cols = cc.svd_cocluster(counts55, 4, 4, rng=0, normalization=normalization)
    assert ari(model55.row_labels, rows) == 1.0
    assert ari(model55.col_labels, cols) == 1.0


def test_svd_cocluster_separates_more_row_classes_than_the_rank():
    # rank min(l, k) = 3: six row classes are six distinct points in a 2-d (non-trivial) space;
    # their directions can nearly coincide, so cluster positions (unit=False), not directions
    m = cc.planted_bigram_model(90, 6, 3, rng=1)
    counts, _ = cc.bigram_counts(cc.sample_tokens(m, 300_000, rng=5), vocab=range(90))
    assert np.linalg.matrix_rank(m.transition) == 3
    rows, cols = cc.svd_cocluster(counts, 6, 3, rng=0, unit=False)
    assert ari(m.row_labels, rows) == 1.0 and ari(m.col_labels, cols) == 1.0


def test_dhillon_embedding_is_the_scaled_singular_vectors(counts55):
    A = counts55.toarray()
    Z = cc.dhillon_embedding(counts55, 4, rng=0)
    d1, d2 = A.sum(axis=1), A.sum(axis=0)
    U, s, Vt = np.linalg.svd(A / np.sqrt(d1)[:, None] / np.sqrt(d2)[None, :])
    assert abs(s[0] - 1) < 1e-10  # the trivial pair, dropped by the algorithm
    ref = np.vstack([U[:, 1:3] / np.sqrt(d1)[:, None], Vt[1:3].T / np.sqrt(d2)[:, None]])
    # equal up to the sign of each singular pair
    signs = np.sign(np.sum(Z * ref, axis=0))
    np.testing.assert_allclose(Z, ref * signs, atol=1e-8)


def test_spectral_cocluster_agrees_with_scikit_learn():
    block = cc.planted_bigram_model(120, 4, 4, rng=6, class_transition=0.85 * np.eye(4) + 0.0375)
    counts, _ = cc.bigram_counts(cc.sample_tokens(block, 100_000, rng=7), vocab=range(120))
    rows, cols = cc.spectral_cocluster(counts, 4, rng=0)
    sk = SpectralCoclustering(n_clusters=4, random_state=0).fit(counts)
    assert ari(sk.row_labels_, rows) == 1.0
    assert ari(sk.column_labels_, cols) == 1.0
    assert ari(block.row_labels, rows) == 1.0


# ---------------------------------------------------------------------------
# EM
# ---------------------------------------------------------------------------


def dense_em_step(N, th, M, ph):
    """One EM step with the explicit posterior q[a, b, c, d] (small problems only)."""
    joint = th[:, None, :, None] * M[None, None, :, :] * ph.T[None, :, None, :]  # (m, n, l, k)
    P = joint.sum(axis=(2, 3))
    q = np.divide(joint, P[:, :, None, None], out=np.zeros_like(joint), where=P[:, :, None, None] > 0)
    e = N[:, :, None, None] * q
    th2 = e.sum(axis=(1, 3))
    M2 = e.sum(axis=(0, 1))
    ph2 = e.sum(axis=(0, 2)).T
    return (th2 / th2.sum(1, keepdims=True), M2 / M2.sum(1, keepdims=True), ph2 / ph2.sum(1, keepdims=True))


def test_em_step_equals_the_explicit_posterior_update():
    rng = np.random.default_rng(8)
    N = rng.poisson(2.0, size=(12, 15)).astype(float)
    f1 = cc.tri_factorize(N, 3, 4, n_iter=1, rng=0, tol=0.0)
    f2 = cc.tri_factorize(N, 3, 4, n_iter=2, rng=0, tol=0.0)
    th, M, ph = dense_em_step(N, f1.p_c_given_a, f1.p_d_given_c, f1.p_b_given_d)
    np.testing.assert_allclose(f2.p_c_given_a, th, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(f2.p_d_given_c, M, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(f2.p_b_given_d, ph, rtol=1e-10, atol=1e-13)
    # the recorded log-likelihood is that of the returned factors
    assert abs(f2.log_likelihood[-1] - np.sum(N * np.log(f2.transition))) < 1e-8 * abs(f2.log_likelihood[-1])


@pytest.mark.parametrize("seed", range(4))
def test_em_never_decreases_the_likelihood_and_returns_probabilities(seed):
    rng = np.random.default_rng(seed)
    N = sp.random(80, 70, density=0.2, random_state=seed, data_rvs=lambda k: rng.integers(1, 20, k))
    fit = cc.tri_factorize(N, 5, 3, n_iter=150, rng=seed, tol=0.0)
    ll = fit.log_likelihood
    assert len(ll) >= 2
    assert np.all(np.diff(ll) >= -1e-10 * np.abs(ll[1:]))
    for F in (fit.p_c_given_a, fit.p_d_given_c, fit.p_b_given_d):
        assert F.min() >= 0
        np.testing.assert_allclose(F.sum(axis=1), 1.0, atol=1e-12)


def test_em_from_svd_classes_keeps_the_planted_classes(model55, counts55):
    fit = cc.tri_factorize(counts55, 4, 4, rng=0, init=cc.svd_cocluster(counts55, 4, 4, rng=0))
    assert ari(model55.row_labels, fit.row_labels) == 1.0
    assert ari(model55.col_labels, fit.col_labels) == 1.0
    assert np.all(np.diff(fit.log_likelihood) >= -1e-10 * np.abs(fit.log_likelihood[1:]))


def test_soft_factors_are_not_unique(model55):
    # the identifiability failure the chapter shows: (Theta S, S^-1 M) gives the same P
    S = 0.8 * np.eye(4) + 0.05
    M2 = np.linalg.solve(S, model55.p_d_given_c)
    if M2.min() >= 0:
        P2 = model55.p_c_given_a @ S @ M2 @ model55.p_b_given_d
        np.testing.assert_allclose(P2, model55.transition, atol=1e-14)


# ---------------------------------------------------------------------------
# Summaries and word vectors
# ---------------------------------------------------------------------------


def test_recovery_curve_is_perfect_with_enough_text(model55):
    out = cc.recovery_curve(model55, [500, 200_000], {"ARI": ari}, rng=0, methods=("svd", "em-svd"))
    assert out["scores"]["svd"]["ARI"].shape == (2, 1, 2)
    assert np.all(out["scores"]["svd"]["ARI"][1] == 1.0)
    assert np.all(out["scores"]["em-svd"]["ARI"][1] == 1.0)


def test_reorder_is_a_grouping_permutation():
    rng = np.random.default_rng(9)
    A = rng.poisson(1.0, size=(20, 25))
    rl, cl = rng.integers(0, 3, 20), rng.integers(0, 4, 25)
    ro, co, rb, cb = cc.reorder(A, rl, cl)
    assert sorted(ro) == list(range(20)) and sorted(co) == list(range(25))
    assert np.all(np.diff(rl[ro])[np.setdiff1d(np.arange(19), rb - 1)] == 0)
    assert len(rb) == len(np.unique(rl)) - 1 and len(cb) == len(np.unique(cl)) - 1


def test_ppmi_closed_form_and_word_vectors():
    N = np.array([[4.0, 1.0, 0.0], [1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    tot, r, c = N.sum(), N.sum(1), N.sum(0)
    with np.errstate(divide="ignore"):
        expected = np.maximum(np.log(N * tot / np.outer(r, c)), 0)
    np.testing.assert_allclose(cc.ppmi(N).toarray(), np.where(N > 0, expected, 0))
    m = cc.planted_bigram_model(40, 2, 2, rng=0)
    counts, vocab = cc.bigram_counts(cc.sample_tokens(m, 20_000, rng=1), vocab=range(40))
    X = cc.word_vectors(counts, 4, rng=0)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0)
    nb = cc.nearest_neighbours(X, vocab, [0, 1], 3)
    for w, lst in nb.items():
        sims = [s for _, s in lst]
        assert w not in [v for v, _ in lst] and sims == sorted(sims, reverse=True)
        np.testing.assert_allclose(sims[0], X[vocab.index(lst[0][0])] @ X[vocab.index(w)], atol=1e-6)


def test_cluster_top_words_orders_clusters_by_weight():
    out = cc.cluster_top_words([0, 1, 1, 0, 2], list("abcde"), [5, 1, 2, 1, 9], n_top=2)
    assert out == [(2, ["e"]), (0, ["a", "d"]), (1, ["c", "b"])]


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def test_bad_input_is_rejected_with_the_parameter_named():
    counts = sp.csr_matrix(np.ones((3, 3)))
    with pytest.raises(ValueError, match="tokens"):
        cc.bigram_counts([])  # empty corpus
    with pytest.raises(ValueError, match="tokens"):
        cc.bigram_counts(["only"])
    with pytest.raises(TypeError, match="tokens"):
        cc.bigram_counts("a string, not tokens")
    with pytest.raises(ValueError, match="min_count"):
        cc.bigram_counts(["a", "b", "a"], min_count=5)
    with pytest.raises(ValueError, match="vocab_size"):
        cc.bigram_counts(["a", "b"], vocab_size=0)
    with pytest.raises(ValueError, match="n_row_clusters"):  # vocabulary too small for the classes
        cc.svd_cocluster(counts, 5, 2)
    with pytest.raises(ValueError, match="n_col_clusters"):
        cc.svd_cocluster(counts, 2, 4)
    with pytest.raises(ValueError, match="clusters"):  # rank one: all words look alike
        cc.svd_cocluster(np.ones((6, 6)), 3, 3)
    with pytest.raises(ValueError, match="n_col_classes"):
        cc.tri_factorize(counts, 2, 10)
    with pytest.raises(ValueError, match="n_clusters"):
        cc.spectral_cocluster(counts, 1)
    with pytest.raises(ValueError, match="n_clusters"):
        cc.spectral_cocluster(counts, 4)
    with pytest.raises(ValueError, match="counts"):
        cc.tri_factorize(-counts, 2, 2)
    with pytest.raises(ValueError, match="counts"):
        cc.svd_cocluster(np.array([[1.0, np.nan], [1.0, 1.0]]), 1, 1)
    with pytest.raises(ValueError, match="counts"):
        cc.tri_factorize(sp.csr_matrix((3, 3)), 2, 2)  # no counts at all
    with pytest.raises(ValueError, match="counts"):
        cc.transition_matrix(np.array([[1.0, 0.0], [0.0, 0.0]]))  # a row without counts
    with pytest.raises(ValueError, match="normalization"):
        cc.svd_cocluster(counts, 2, 2, normalization="l2")
    with pytest.raises(TypeError, match="rng"):
        cc.svd_cocluster(counts, 2, 2, rng="seed")
    with pytest.raises(ValueError, match="n_row_classes"):
        cc.planted_bigram_model(5, 6, 2)
    with pytest.raises(ValueError, match="class_transition"):
        cc.planted_bigram_model(10, 2, 2, class_transition=np.ones((2, 2)))
    with pytest.raises(ValueError, match="n_tokens"):
        cc.sample_tokens(cc.planted_bigram_model(10, 2, 2, rng=0), 1)
    with pytest.raises(TypeError, match="model"):
        cc.sample_tokens("model", 10)
    with pytest.raises(ValueError, match="init"):
        cc.tri_factorize(counts, 2, 2, init=(np.zeros(3, int), np.full(3, 5)))
    with pytest.raises(ValueError, match="row_labels"):
        cc.class_transition(counts, [0, 1], [0, 1, 0])
    with pytest.raises(ValueError, match="dim"):
        cc.word_vectors(counts, 3)
    with pytest.raises(ValueError, match="words"):
        cc.nearest_neighbours(np.eye(3), ["a", "b", "c"], ["z"], n_neighbours=1)


# --------------------------------------------------------------------------- Ding's ONMTF, held-out likelihood (Science I)


def test_orthogonal_tri_factorize_recovers_blocks_and_orthogonality():
    """Block-diagonal data: the objective falls to ~0, F and G become orthonormal with disjoint supports."""
    rng = np.random.default_rng(0)
    X = np.kron(np.diag([3.0, 2.0, 1.0]), np.ones((10, 8))) + 0.01 * rng.random((30, 24))
    out = cc.orthogonal_tri_factorize(X, 3, 3, n_iter=500, rng=1)
    obj = out["objective"]
    assert obj[-1] < 1e-3 * obj[0] and obj[-1] == pytest.approx(obj[-2], rel=1e-3)  # converged
    F, G, S = out["F"], out["G"], out["S"]
    assert min(F.min(), G.min(), S.min()) >= 0
    np.testing.assert_allclose(F.T @ F, np.eye(3), atol=1e-3)
    np.testing.assert_allclose(G.T @ G, np.eye(3), atol=1e-3)
    truth_r, truth_c = np.repeat(np.arange(3), 10), np.repeat(np.arange(3), 8)
    assert ari(out["row_labels"], truth_r) == 1.0 and ari(out["col_labels"], truth_c) == 1.0
    # sparse input gives the same factors
    sparse = cc.orthogonal_tri_factorize(sp.csr_matrix(X), 3, 3, n_iter=500, rng=1)
    np.testing.assert_allclose(sparse["objective"], obj, rtol=1e-8)


def test_heldout_log_likelihood_closed_form_and_bounds():
    P = np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    C = np.array([[2, 0, 1], [0, 0, 3]])
    u = np.array([1.0, 1.0, 2.0])
    w = 0.1
    expected = (2 * np.log(0.9 * 0.5 + 0.1 * 0.25) + np.log(0.1 * 0.5) + 3 * np.log(0.9 + 0.1 * 0.5)) / 6
    assert np.isclose(cc.heldout_log_likelihood(P, C, u, w), expected)
    assert cc.heldout_log_likelihood(np.zeros((2, 3)), C, u, w) == pytest.approx(
        cc.heldout_log_likelihood(np.tile(u, (2, 1)), C, u, w))  # zero rows fall back to the background
    with pytest.raises(ValueError, match="background must be positive"):
        cc.heldout_log_likelihood(P, C, np.array([1.0, 0.0, 1.0]))


def test_heldout_comparison_on_planted_text():
    """Planted classes: held-out scores are finite, below the training scores for the fitted models, and EM
    beats the word frequencies on text it has not seen."""
    model = cc.planted_bigram_model(60, 3, 3, rng=0)
    toks = cc.sample_tokens(model, 20000, rng=1).tolist()
    out = cc.heldout_comparison(toks, range(60), 3, n_folds=2, n_starts=2, block=500, n_iter=100)
    for name, sc in out["scores"].items():
        assert np.all(np.isfinite(sc)) and np.all(sc <= 0)
    for name in ("EM", "bigram"):
        assert np.all(out["scores"][name][:, 1] <= out["scores"][name][:, 0] + 1e-12)
    assert out["scores"]["EM"][:, 1].min() > out["scores"]["unigram"][:, 1].max()
    assert set(out["agreement"]) == {"EM", "orthogonal"} and out["agreement"]["EM"].shape == (2,)
    assert [len(p) for p in cc.block_split(list(range(10)), 2, 3)] == [2, 2]
    with pytest.raises(ValueError, match="at least n_folds"):
        cc.block_split(list(range(5)), 3, 4)
