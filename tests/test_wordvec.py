"""Theory checks for jl_lab.wordvec: PPMI context matrix, held-out quality peaks at the planted rank, bad input."""

import numpy as np
import pytest
import scipy.sparse as sp

from jl_lab import cocluster, wordvec


def test_context_ppmi_is_ppmi_of_left_and_right_counts():
    toks = list("abcabdacbd" * 5)
    vocab = ["a", "b", "c", "d"]
    X = wordvec.context_ppmi([toks[:25], toks[25:]], vocab)
    C = cocluster.bigram_counts(toks[:25], vocab=vocab)[0] + cocluster.bigram_counts(toks[25:], vocab=vocab)[0]
    expected = cocluster.ppmi(sp.hstack([C, C.T]).tocsr())
    np.testing.assert_allclose(X.toarray(), expected.toarray())
    with pytest.raises(ValueError, match="at least one bigram"):
        wordvec.context_ppmi([["a"]], vocab)


def test_quality_peaks_at_the_planted_rank():
    """Two noisy copies of a rank-4 matrix: truncating at the rank removes the noise, so the held-out
    correlation is highest near n = 4 and falls as noise dimensions are added."""
    rng = np.random.default_rng(0)
    base = rng.standard_normal((120, 4)) @ rng.standard_normal((4, 200))
    A, B = (base + 1.5 * rng.standard_normal(base.shape) for _ in range(2))
    dims = np.array([1, 2, 4, 8, 16, 32, 64])
    q = wordvec.dimension_quality(A, B, dims, n_pairs=5000, rng=1)
    peak, first = wordvec.best_dimension(dims, q)
    assert peak == 4
    assert q[-1] < q[2] and q[0] < q[2]
    # with no noise at all, any n >= rank gives the same (perfect rank) correlation
    exact = wordvec.dimension_quality(base, base, [4, 8], n_pairs=2000, rng=0)
    assert exact[0] == pytest.approx(exact[1], abs=1e-9)


def test_bad_input():
    A = np.ones((5, 6))
    with pytest.raises(ValueError, match="same shape"):
        wordvec.dimension_quality(A, np.ones((5, 5)), [1])
    with pytest.raises(ValueError, match="dims must be integers"):
        wordvec.dimension_quality(A, A, [0])
    with pytest.raises(ValueError, match="share must be"):
        wordvec.best_dimension([1, 2], [0.1, 0.2], share=0)
