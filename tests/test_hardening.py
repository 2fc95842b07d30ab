"""Bad input at every public boundary is refused by a ValueError or TypeError that names the parameter.

One table of calls that work (``CALLS``), and for each of them the parameters to spoil; each spoilt
call must raise ``ValueError`` or ``TypeError`` whose message contains the parameter's name.  The
classes of bad input are those of the hardening issue: complex numbers (silently losing their
imaginary part before), NaN, empty and ragged arrays, empty lists of sizes / kinds / methods /
words, sizes like 10**12 (a MemoryError before), negative and non-integral sizes, matrices whose
rows are not probability vectors, and labels of the wrong length.  Then the numerical edge cases:
all-zero and extremely scaled (1e-160, 1e200) matrices give finite answers or a named error (never
an ARPACK error or a NaN), and the overflow of ``jl_min_dim`` for tiny ``eps``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from jl_lab import attention, bounds, cocluster, corpus, data, entropy, lsh, projections, reducers, rsvd

RNG = np.random.default_rng(0)
X = RNG.normal(size=(30, 8))
Q = RNG.normal(size=(5, 8))
CODES = lsh.sign_codes(X, 64, rng=0)
COUNTS = RNG.poisson(3.0, size=(20, 20)).astype(float) + np.eye(20)
LABELS = np.arange(20) % 3
VOCAB = [f"w{i}" for i in range(20)]
P = attention.make_target("sparse", 8, rng=0)
M = rsvd.matrix_with_spectrum(30, 20, 1.0 / np.arange(1, 21), rng=0)
S = 1.0 / np.arange(1, 21)
TABLE = reducers.sweep(X, [2, 4], kinds=("gaussian", "pca"), k=3, rng=0)

# ---- the bad values of each class --------------------------------------------------------------

COMPLEX = X + 1j
NAN = np.where(np.eye(*X.shape, dtype=bool), np.nan, X)
RAGGED = [[1.0, 2.0], [3.0]]
EMPTY_2D = np.zeros((0, 8))
HUGE = 10**12

# (name, function, keyword arguments that work, {parameter: [bad values]})
CALLS = [
    ("bounds.jl_min_dim", bounds.jl_min_dim, {"n_points": 100, "eps": 0.3},
     {"n_points": [[], 1.5 + 2j, 0, RAGGED], "eps": [0.3 + 0.1j, [], 0.0, np.nan], "method": ["", 3]}),
    ("bounds.gaussian_tail_bound", bounds.gaussian_tail_bound, {"n_components": 10, "eps": 0.3},
     {"n_components": [0, [], 5 + 1j, "a", np.nan], "eps": [1 + 0j, 2.0]}),
    ("bounds.success_curve", bounds.success_curve, {"X": X, "eps": 0.5, "dims": [4, 8], "trials": 2, "rng": 0},
     {"X": [COMPLEX, NAN, RAGGED, EMPTY_2D], "dims": [[], [0], [HUGE], RAGGED], "trials": [0, 2.5, HUGE]}),
    ("bounds.fit_rate", bounds.fit_rate, {"n_points": [10, 100, 1000], "eps": [0.3, 0.3, 0.3], "dims": [50, 80, 120]},
     {"n_points": [[], [1 + 1j, 2]], "dims": [[], [np.nan, 1.0]]}),
    ("projections.projection_matrix", projections.projection_matrix, {"n_components": 4, "n_features": 8, "rng": 0},
     {"n_components": [0, HUGE, 2.5, True], "n_features": [HUGE, -1], "kind": ["nope", None]}),
    ("projections.random_projection", projections.random_projection, {"X": X, "n_components": 4, "rng": 0},
     {"X": [COMPLEX, NAN, RAGGED, EMPTY_2D, "abc"], "n_components": [0, HUGE, 1.5], "kind": ["nope"]}),
    ("projections.pairwise_distortion", projections.pairwise_distortion, {"X": X, "Y": X[:, :4]},
     {"X": [COMPLEX, NAN, RAGGED], "Y": [COMPLEX, X[:5], NAN]}),
    ("projections.fwht", projections.fwht, {"X": np.ones((4, 8))}, {"X": [np.ones((4, 8)) + 1j, np.ones((4, 6))]}),
    ("lsh.sign_codes", lsh.sign_codes, {"X": X, "n_bits": 16, "rng": 0},
     {"X": [COMPLEX, NAN, RAGGED, EMPTY_2D], "n_bits": [0, HUGE, 2.5]}),
    ("lsh.hamming_distance", lsh.hamming_distance, {"codes_a": CODES[:3], "codes_b": CODES[:4]},
     {"codes_a": [CODES[:3] + 0j, RAGGED, np.zeros((0, 8), np.uint8)]}),
    ("lsh.expected_sign_cosine", lsh.expected_sign_cosine, {"rho": 0.5}, {"rho": [0.5 + 1j, 2.0, [], np.nan]}),
    ("lsh.candidate_probability", lsh.candidate_probability, {"theta": 0.5, "n_bits": 4, "n_tables": 2},
     {"theta": [0.5j], "n_bits": [0, HUGE * HUGE], "n_tables": [0, 1.5]}),
    ("lsh.simulate_cosine_estimates", lsh.simulate_cosine_estimates, {"rho": 0.5, "n_bits": 16, "n_trials": 20, "rng": 0},
     {"rho": [0.5 + 0j, 2.0], "n_bits": [HUGE], "n_trials": [HUGE, 0]}),
    ("lsh.chain_errors", lsh.chain_errors, {"X": X, "n_values": [4, 8], "rng": 0},
     {"X": [COMPLEX, NAN, RAGGED], "n_values": [[], [0], RAGGED, [HUGE]]}),
    ("lsh.estimator_spread", lsh.estimator_spread, {"rho_values": [0.2, 0.5], "n_values": [8, 16], "n_trials": 10, "rng": 0},
     {"rho_values": [[], [0.5j], RAGGED], "n_values": [[], [HUGE]], "n_trials": [HUGE]}),
    ("lsh.brute_force_cosine", lsh.brute_force_cosine, {"X": X, "Q": Q, "k": 3},
     {"X": [COMPLEX, NAN], "Q": [Q + 1j, Q[:, :3]], "k": [0, 31, HUGE]}),
    ("lsh.recall_at_k", lsh.recall_at_k, {"found": [[1, 2]], "exact": [[1, 3]]},
     {"found": [RAGGED, [[1, 2, 3]], []], "exact": [[[1, 2j]]]}),
    ("lsh.SignLSHIndex", lsh.SignLSHIndex, {"n_bits": 8, "n_tables": 2, "rng": 0},
     {"n_bits": [0, HUGE, 2.5], "n_tables": [0, HUGE]}),
    ("rsvd.randomized_svd", rsvd.randomized_svd, {"M": M, "k": 3, "rng": 0},
     {"M": [M + 1j, np.where(M == M.max(), np.nan, M), RAGGED, np.zeros((0, 3)), "abc"], "k": [0, 21, HUGE, 2.5],
      "oversample": [-1, HUGE], "power_iters": [-1, HUGE], "normalizer": ["nope"]}),
    ("rsvd.range_finder", rsvd.range_finder, {"M": M, "size": 4, "rng": 0},
     {"M": [M + 1j, RAGGED], "size": [0, HUGE]}),
    ("rsvd.hmt_bound", rsvd.hmt_bound, {"s": S, "k": 3, "oversample": 2},
     {"s": [S + 1j, [], RAGGED, -S], "k": [0, 25], "oversample": [-1, HUGE]}),
    ("rsvd.matrix_with_spectrum", rsvd.matrix_with_spectrum, {"m": 10, "n": 8, "s": [3.0, 2.0, 1.0], "rng": 0},
     {"m": [0, HUGE], "n": [HUGE], "s": [[], [1j], RAGGED, [-1.0]]}),
    ("rsvd.error_sweep", rsvd.error_sweep, {"s": S, "k": 3, "oversamples": [2, 4], "power_iters": [0, 1], "trials": 2, "rng": 0},
     {"s": [S + 1j, []], "oversamples": [[], RAGGED], "power_iters": [[], [HUGE]], "trials": [0, HUGE]}),
    ("rsvd.compression_curve", rsvd.compression_curve, {"img": M, "ks": [2, 4], "rng": 0},
     {"img": [M + 1j, RAGGED], "ks": [[], [0], [HUGE], RAGGED]}),
    ("rsvd.seed_recipe_errors", rsvd.seed_recipe_errors, {"M": M, "ks": [2, 4], "rng": 0},
     {"M": [M + 1j, np.zeros((0, 4))], "ks": [[], RAGGED, [0]]}),
    ("rsvd.normalizer_errors", rsvd.normalizer_errors, {"M": M, "ks": [2, 4], "s": S, "rng": 0},
     {"M": [M + 1j, np.zeros((0, 4))], "ks": [[], RAGGED, [0], [HUGE]], "s": [S + 1j, [], S[:3]],
      "normalizers": [[], ["nope"], "lu"]}),
    ("rsvd.residual_norm", rsvd.residual_norm, {"M": M, "U": M[:, :2], "s": [1.0, 0.5], "Vt": M[:2, :]},
     {"M": [M + 1j], "U": [M[:3, :2], M[:, :2] + 1j], "s": [[1j, 1.0], []], "ord": ["nope", 3]}),
    ("reducers.pca", reducers.pca, {"X": X, "n_components": 3},
     {"X": [COMPLEX, NAN, RAGGED, EMPTY_2D], "n_components": [0, 9, HUGE]}),
    ("reducers.fit_reducer", reducers.fit_reducer, {"X": X, "n_components": 3, "rng": 0},
     {"X": [COMPLEX, NAN, RAGGED], "n_components": [0, HUGE], "kind": ["nope"]}),
    ("reducers.knn_preservation", reducers.knn_preservation, {"X": X, "Y": X[:, :3], "k": 3},
     {"X": [COMPLEX, RAGGED], "Y": [X[:4, :3], X[:, :3] + 1j], "k": [0, 30, HUGE]}),
    ("reducers.sweep", reducers.sweep, {"X": X, "n_values": [2, 4], "kinds": ("gaussian",), "k": 3, "rng": 0},
     {"X": [COMPLEX, NAN], "n_values": [[], RAGGED, [0], [HUGE]], "kinds": [(), ["nope"], RAGGED], "k": [0, HUGE]}),
    ("reducers.random_pair_differences", reducers.random_pair_differences, {"X": X, "n_pairs": 5, "rng": 0},
     {"X": [COMPLEX, X[:1]], "n_pairs": [0, HUGE]}),
    ("reducers.dimension_to_reach", reducers.dimension_to_reach, {"table": TABLE, "kind": "gaussian", "field": "knn", "level": 0.1},
     {"kind": ["nope"], "field": ["nope"], "level": [np.nan, 0.5j]}),
    ("cocluster.bigram_counts", cocluster.bigram_counts, {"tokens": ["a", "b", "a", "c"]},
     {"tokens": [[], [["a"], ["b", "c"]]], "vocab_size": [0, HUGE], "min_count": [0]}),
    ("cocluster.transition_matrix", cocluster.transition_matrix, {"counts": COUNTS},
     {"counts": [COUNTS + 1j, -COUNTS, RAGGED, np.zeros((0, 3))], "smoothing": [-1.0, np.nan]}),
    ("cocluster.planted_bigram_model", cocluster.planted_bigram_model, {"n_words": 20, "n_row_classes": 2, "n_col_classes": 2, "rng": 0},
     {"n_words": [0, HUGE], "n_row_classes": [0, 21]}),
    ("cocluster.svd_cocluster", cocluster.svd_cocluster, {"counts": COUNTS, "n_row_clusters": 3, "n_col_clusters": 3, "rng": 0},
     {"counts": [COUNTS + 1j, -COUNTS, RAGGED, np.zeros((0, 3))], "n_row_clusters": [0, 21, HUGE],
      "normalization": ["nope"]}),
    ("cocluster.spectral_cocluster", cocluster.spectral_cocluster, {"counts": COUNTS, "n_clusters": 3, "rng": 0},
     {"counts": [COUNTS + 1j, RAGGED, [[1, 2], [3]]], "n_clusters": [0, 21, HUGE]}),
    ("cocluster.tri_factorize", cocluster.tri_factorize, {"counts": COUNTS, "n_row_classes": 2, "n_col_classes": 2, "n_iter": 3, "rng": 0},
     {"counts": [COUNTS + 1j, -COUNTS], "n_row_classes": [0, HUGE], "n_iter": [0, HUGE]}),
    ("cocluster.class_transition", cocluster.class_transition, {"counts": COUNTS, "row_labels": LABELS, "col_labels": LABELS},
     {"counts": [COUNTS + 1j], "row_labels": [LABELS[:5], LABELS + 0.5j, -LABELS - 1, []], "col_labels": [RAGGED]}),
    ("cocluster.reorder", cocluster.reorder, {"counts": COUNTS, "row_labels": LABELS, "col_labels": LABELS},
     {"counts": [COUNTS + 1j], "row_labels": [LABELS[:5], [0.5] * 20, []], "col_labels": [LABELS[:3]],
      "row_weights": [np.ones(3), np.ones(20) + 1j]}),
    ("cocluster.cluster_top_words", cocluster.cluster_top_words, {"labels": LABELS, "vocab": VOCAB, "weights": np.ones(20)},
     {"labels": [LABELS[:3], []], "vocab": [VOCAB[:3], []], "weights": [np.ones(3), np.ones(20) + 1j], "n_top": [0]}),
    ("cocluster.ppmi", cocluster.ppmi, {"counts": COUNTS}, {"counts": [COUNTS + 1j, -COUNTS, RAGGED]}),
    ("cocluster.word_vectors", cocluster.word_vectors, {"counts": COUNTS, "dim": 3, "rng": 0},
     {"counts": [COUNTS + 1j], "dim": [0, 21, HUGE]}),
    ("cocluster.nearest_neighbours", cocluster.nearest_neighbours,
     {"vectors": X[:20], "vocab": VOCAB, "words": ["w1"], "n_neighbours": 3},
     {"vectors": [X[:20] + 1j, X[:3]], "words": [[], ["nope"], [["w1"]]], "n_neighbours": [0, 20]}),
    ("cocluster.block_view", cocluster.block_view, {"counts": COUNTS, "row_labels": LABELS, "col_labels": LABELS, "vocab": VOCAB},
     {"row_labels": [LABELS[:4]], "vocab": [VOCAB[:4], []], "n_top": [-1, 2.5]}),
    ("attention.row_kl", attention.row_kl, {"P": P, "A": P},
     {"P": [P * 2, P + 1j, -P], "A": [P * 0.5, P[:3]]}),
    ("attention.row_tv", attention.row_tv, {"P": P, "A": P},
     {"P": [P * 2, P + 1j], "A": [P * 0.5, P[:, :3]]}),
    ("attention.attention_matrix", attention.attention_matrix, {"Q": Q, "K": Q},
     {"Q": [Q + 1j, RAGGED], "K": [Q[:, :3]]}),
    ("attention.make_target", attention.make_target, {"family": "sparse", "L": 8, "rng": 0},
     {"family": ["nope", ""], "L": [0, 1, HUGE]}),
    ("attention.fit_attention", attention.fit_attention, {"P": P, "d": 2, "max_iter": 5, "rng": 0},
     {"P": [P * 2, P + 1j, P[:, :3]], "d": [0, HUGE]}),
    ("attention.head_size_grid", attention.head_size_grid, {"d_max": 16}, {"d_max": [0, HUGE], "per_octave": [0]}),
    ("attention.jl_construction", attention.jl_construction, {"P": P, "d": 4, "beta": 2.0, "rng": 0},
     {"P": [P * 2, P + 1j], "d": [0, HUGE], "beta": [np.nan, -1.0, 1j]}),
    ("entropy.entropy_correction", entropy.entropy_correction, {"n": 8}, {"n": [0, [], 8 + 1j, RAGGED], "method": ["nope"]}),
    ("entropy.estimated_entropy", entropy.estimated_entropy, {"N": 100, "n": 8}, {"N": [0, 1j], "n": [0, 1j, []]}),
    ("entropy.entropy_dimension", entropy.entropy_dimension, {"N": 100}, {"N": [0, 1j, np.nan]}),
    ("entropy.sampled_entropy", entropy.sampled_entropy, {"N": 20, "n": 4, "rng": 0}, {"N": [0, HUGE], "n": [0, HUGE]}),
    ("corpus.tokenize", corpus.tokenize, {"text": "A b, c."}, {"text": [123, ["a", "b"], b"bytes"]}),
    ("corpus.corpus_text", corpus.corpus_text, {"name": "zen"}, {"name": ["nope", 3]}),
    ("corpus.load_corpus", corpus.load_corpus, {"name": "zen", "max_tokens": 50}, {"name": ["nope"], "max_tokens": [0, 2.5, HUGE]}),
    ("data.orthonormal_points", data.orthonormal_points, {"n_points": 4}, {"n_points": [0, HUGE, 2.5], "n_features": [2, HUGE]}),
    ("data.image_patches", data.image_patches, {"n_patches": 4, "rng": 0}, {"n_patches": [0, HUGE], "size": [0, HUGE]}),
]

CASES = [pytest.param(fn, kwargs, param, bad, id=f"{name}-{param}-{i}")
         for name, fn, kwargs, spoil in CALLS for param, values in spoil.items() for i, bad in enumerate(values)]


@pytest.mark.parametrize(("name", "fn", "kwargs"), [pytest.param(n, f, k, id=n) for n, f, k, _ in CALLS])
def test_the_good_call_works(name, fn, kwargs):
    """The reference call of each row of the table runs, so that each spoilt call tests one thing."""
    fn(**kwargs)


@pytest.mark.parametrize(("fn", "kwargs", "param", "bad"), CASES)
def test_bad_input_is_refused_by_name(fn, kwargs, param, bad):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ComplexWarning (imaginary part dropped) is a failure too
        with pytest.raises((ValueError, TypeError)) as info:
            fn(**{**kwargs, param: bad})
    assert param in str(info.value), f"message does not name {param!r}: {info.value}"


# ---- numerical edge cases: extreme scales, zero matrices, nearly duplicate points, overflow ------


@pytest.mark.parametrize("scale", [1e-160, 1e200])
@pytest.mark.parametrize(
    "call",
    [lambda A: projections.random_projection(A, 3, rng=0), lambda A: rsvd.randomized_svd(A, 2, rng=0),
     lambda A: reducers.pca(A, 2), lambda A: lsh.sign_codes(A, 8, rng=0), lambda A: cocluster.ppmi(np.abs(A))],
    ids=["random_projection", "randomized_svd", "pca", "sign_codes", "ppmi"],
)
def test_extreme_scales_are_refused_by_name(call, scale):
    """Squares of 1e200 overflow and of 1e-160 underflow: a named error, not NaN ratios or ARPACK errors."""
    with pytest.raises(ValueError, match=r"must have its largest entry in magnitude in \[1e-150, 1e150\]"):
        call(X * scale)


def test_moderate_scales_give_scale_free_answers():
    """Within the accepted range, a scale-free quantity does not depend on the scale."""
    Y = projections.random_projection(X, 4, rng=0)
    ref = projections.pairwise_distortion(X, Y)
    for c in (1e-100, 1e100):
        assert np.allclose(projections.pairwise_distortion(X * c, Y * c), ref, rtol=1e-10)


def test_zero_matrix_has_zero_residual_not_an_arpack_error():
    Z = np.zeros((30, 20))
    assert rsvd.residual_norm(Z, np.zeros((30, 2)), [0.0, 0.0], np.zeros((2, 20)), rng=0) == 0.0


def test_nearly_duplicate_points_are_not_duplicates():
    """Rows 1e-9 apart have a distance 1e-18 that the Gram formula loses; it is recomputed exactly."""
    Xd = np.vstack([X[:10], X[:10] + 1e-9 * RNG.normal(size=(10, 8))])
    Y = projections.random_projection(Xd, 6, rng=0)
    r = projections.pairwise_distortion(Xd, Y)
    iu = np.triu_indices(20, 1)
    exact = np.square(Y[:, None] - Y[None]).sum(-1)[iu] / np.square(Xd[:, None] - Xd[None]).sum(-1)[iu]
    assert np.all(np.isfinite(r)) and np.allclose(r, exact, rtol=1e-6)
    with pytest.raises(ValueError, match="duplicate rows"):
        projections.pairwise_distortion(np.vstack([X, X[:1]]), np.ones((31, 2)))


def test_list_input_is_accepted_where_arrays_are():
    """spectral_cocluster leaked an AttributeError on a list of lists; a list is a matrix like any other."""
    rows, cols = cocluster.spectral_cocluster(COUNTS.tolist(), 3, rng=0)
    ref = cocluster.spectral_cocluster(COUNTS, 3, rng=0)
    assert np.array_equal(rows, ref[0]) and np.array_equal(cols, ref[1])


def test_tiny_eps_does_not_wrap():
    """jl_min_dim(100, 1e-9) was a large negative integer (int64 overflow); now a named error."""
    with pytest.raises(ValueError, match="eps is too small"):
        bounds.jl_min_dim(100, 1e-9)
    assert bounds.jl_min_dim(100, 1e-4) > 0  # large but representable


def test_probability_rows_are_required_by_row_kl_and_row_tv():
    with pytest.raises(ValueError, match="probability vectors"):
        attention.row_kl([[0.5, 0.6]], [[0.5, 0.5]])
    with pytest.raises(ValueError, match="probability vectors"):
        attention.row_tv([[0.5, 0.5]], [[1.0, 1.0]])


def test_svd_signs_follow_svd_flip_and_do_not_depend_on_the_seed():
    sklearn_extmath = pytest.importorskip("sklearn.utils.extmath")
    low_rank = rsvd.matrix_with_spectrum(30, 20, [5.0, 3.0, 1.0], rng=0)  # exact: every seed finds the same subspace
    outs = [rsvd.randomized_svd(low_rank, 3, rng=seed) for seed in range(4)]
    for U, _, Vt in outs[1:]:
        assert np.allclose(U, outs[0][0], atol=1e-8) and np.allclose(Vt, outs[0][2], atol=1e-8)
    U, _, Vt = outs[0]
    Uf, Vf = sklearn_extmath.svd_flip(U.copy(), Vt.copy(), u_based_decision=True)
    assert np.array_equal(Uf, U) and np.array_equal(Vf, Vt)


# ---- the explorers: bad start values are refused by name, never clamped -------------------------

widgets = pytest.importorskip("jl_lab.widgets")
PATCHES = RNG.normal(size=(50, 16))
BIG_COUNTS = sp.random(120, 120, density=0.2, random_state=0, format="csr") * 10
IMG = RNG.random((60, 60))

WIDGET_CASES = [
    (widgets.jl_explorer, {"X": PATCHES, "n_points": 20}, {"n_points": [5, 51, 2.5], "eps": [0.95, 1j], "n_components": [2000, 0],
                                           "X": [PATCHES + 1j, PATCHES[:5]]}),
    (widgets.jl_view, {"X": PATCHES, "n_points": 20, "eps": 0.3, "n_components": 5},
     {"n_points": [1, 51], "eps": [1.0], "X": [RAGGED, PATCHES + 1j]}),
    (widgets.lsh_explorer, {}, {"angle": [0, 180, 40.5], "n_bits": [100, "128"], "n_trials": [1]}),
    (widgets.lsh_view, {"n_trials": 20}, {"angle": [-1.0, 181.0, 1j], "n_bits": [0]}),
    (widgets.cocluster_explorer, {"counts": BIG_COUNTS, "vocab": [f"w{i}" for i in range(120)]},
     {"n_classes": [1, 17], "vocab_size": [50, 200], "counts": [-BIG_COUNTS, np.ones((50, 50))]}),
    (widgets.cocluster_view, {"counts": COUNTS, "vocab": VOCAB, "n_classes": 2, "vocab_size": 10},
     {"vocab": [VOCAB[:3], "abc"], "n_classes": [1, 30], "vocab_size": [1, 30], "counts": [COUNTS + 1j]}),
    (widgets.rsvd_explorer, {"M": IMG}, {"k": [1, 100], "oversample": [1, 41], "power_iters": [-1, 6],
                                         "M": [IMG[:10], IMG + 1j]}),
    (widgets.attention_explorer, {}, {"family": ["nope"], "L": [48, 1000], "d": [0, 65]}),
    (widgets.attention_view, {"max_iter": 2}, {"family": ["nope"], "L": [0, 1], "d": [0]}),
]


@pytest.mark.parametrize(
    ("fn", "kwargs", "param", "bad"),
    [pytest.param(fn, kw, p, b, id=f"{fn.__name__}-{p}-{i}") for fn, kw, spoil in WIDGET_CASES
     for p, values in spoil.items() for i, b in enumerate(values)],
)
def test_widget_bad_input_is_refused_by_name(fn, kwargs, param, bad):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises((ValueError, TypeError)) as info:
            fn(**{**kwargs, param: bad})
    assert param in str(info.value), f"message does not name {param!r}: {info.value}"


def test_projecting_to_more_dimensions_than_the_data_warns():
    """scikit-learn warns (DataDimensionalityWarning) when n_components > n_features; so does jl_lab."""
    from jl_lab._validation import DataDimensionalityWarning

    with pytest.warns(DataDimensionalityWarning, match="n_components=20 > n_features=8"):
        Y = projections.random_projection(X, 20, rng=0)
    assert Y.shape == (30, 20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        projections.random_projection(X, 8, rng=0)  # n = D: no warning


# ---- scipy.sparse formats: one rule (``_validation.as_csr``), every format converted to CSR ------

SPARSE = sp.random(30, 20, density=0.3, random_state=0, format="csr") * 5.0  # non-negative
FORMATS = [
    lambda A: A.tocsc(), lambda A: A.tocoo(), lambda A: A.tolil(), lambda A: A.todok(), lambda A: A.tobsr(),
    lambda A: A.todia(), lambda A: sp.csr_array(A), lambda A: sp.coo_array(A), lambda A: sp.lil_array(A),
]
FORMAT_IDS = ["csc", "coo", "lil", "dok", "bsr", "dia", "csr_array", "coo_array", "lil_array"]
SPARSE_CALLS = [
    lambda A: projections.random_projection(A, 4, kind="achlioptas", rng=0),
    lambda A: rsvd.randomized_svd(A, 3, rng=0)[1],
    lambda A: lsh.sign_codes(A, 16, rng=0),
    lambda A: cocluster.ppmi(A).toarray(),
    lambda A: cocluster.transition_matrix(A).toarray(),
    lambda A: reducers.pca(A, 3)[1],
]


@pytest.mark.parametrize("to_format", FORMATS, ids=FORMAT_IDS)
@pytest.mark.parametrize("call", SPARSE_CALLS, ids=["random_projection", "randomized_svd", "sign_codes", "ppmi",
                                                   "transition_matrix", "pca"])
def test_every_sparse_format_gives_the_csr_answer(call, to_format):
    """LIL, DOK, COO, ... are converted to CSR at the boundary (documented in ``as_csr``): same answer as CSR."""
    np.testing.assert_allclose(np.asarray(call(to_format(SPARSE))), np.asarray(call(SPARSE)), rtol=1e-12, atol=1e-12)


def test_as_csr_converts_and_refuses_by_name():
    from jl_lab._validation import as_csr

    C = as_csr(SPARSE.todok(), "counts")
    assert isinstance(C, sp.csr_matrix) and C.dtype == np.float64
    np.testing.assert_array_equal(C.toarray(), SPARSE.toarray())
    dup = sp.coo_matrix(([1.0, 2.0], ([0, 0], [1, 1])), shape=(2, 2))  # duplicate entries are summed
    assert as_csr(dup, "counts")[0, 1] == 3.0
    with pytest.raises(TypeError, match="counts must be real"):
        as_csr(SPARSE.tolil() * 1j, "counts")
    with pytest.raises(TypeError, match="counts must be a scipy.sparse matrix"):
        as_csr(SPARSE.toarray(), "counts")


def test_reducer_sweeps_refuse_only_exact_duplicates():
    """sweep, pair_ratio_sweep and knn_kept_curves use projections' exact recompute: rows 1e-9 apart are distinct."""
    Xd = np.vstack([X[:10], X[:10] + 1e-9 * RNG.normal(size=(10, 8))])
    t = reducers.sweep(Xd, [8], kinds=["pca", "gaussian"], k=3, rng=0)
    assert np.all(np.isfinite(t["worst"]))
    # PCA with n = D is a rotation: every ratio is 1 up to the rounding of 1e-9 differences (~1e-16 / 1e-9)
    assert t["worst"][t["kind"] == "pca"][0] < 1e-5
    out = reducers.pair_ratio_sweep(Xd, [8], kinds=("pca",), n_pairs=200, k=3, rng=0)
    assert np.all(out["before"] > 0) and np.allclose(out["ratio"]["pca"], 1.0, rtol=1e-5)
    kept = reducers.knn_kept_curves(Xd, [8], "pca", k=3)
    assert kept.shape == (1, 1, 20) and np.all(np.isfinite(kept))
    dup = np.vstack([X, X[:1]])
    for call in (lambda: reducers.sweep(dup, [2], kinds=["gaussian"], k=3, rng=0),
                 lambda: reducers.pair_ratio_sweep(dup, [2], kinds=("gaussian",), n_pairs=10, k=3, rng=0),
                 lambda: reducers.knn_kept_curves(dup, [2], "gaussian", k=3, rng=0)):
        with pytest.raises(ValueError, match="X must not contain duplicate rows"):
            call()
