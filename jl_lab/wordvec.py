"""Word-vector quality against dimension: does ``n > 8.33 log N`` "fit experience"?

Su's post 8706 says the dimension formula ``n > 8.33 log N`` for a vocabulary of
``N`` words fits practical experience.  This module tests that on vectors that
can be trained here: SVD/PPMI word vectors (the left and right bigram contexts
of each word, weighted by positive pointwise mutual information, Levy, Goldberg
& Dagan 2015) of one half of a corpus, scored against the other half.  The
score of dimension ``n`` is the Spearman correlation, over random word pairs,
between the cosine of the two words' ``n``-dimensional vectors and the cosine of
their PPMI context rows counted on the held-out half: how well the vectors
predict which words are used alike in text they have not seen.  Truncating the
SVD removes noise (small ``n`` keeps only the reliable directions) and signal
(large ``n`` keeps the training half's accidents), so the score peaks; where it
peaks is the dimension the data supports.

* :func:`context_ppmi` builds the ``N x 2N`` PPMI context matrix of a token list;
* :func:`dimension_quality` scores a grid of dimensions on a train/test split;
* :func:`best_dimension` reads the peak and the smallest dimension within a
  share of it.

References
----------
.. [1] Su, J. (2021). The amazing Johnson-Lindenstrauss lemma: applications. kexue.fm/archives/8706.
.. [2] Levy, O., Goldberg, Y. and Dagan, I. (2015). Improving distributional similarity with lessons
   learned from word embeddings. TACL 3, 211-225.
.. [3] Bullinaria, J. A. and Levy, J. P. (2007). Extracting semantic representations from word
   co-occurrence statistics: a computational study. Behavior Research Methods 39(3), 510-526.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy import stats

from ._validation import check_array, check_int, check_real, check_rng
from .cocluster import bigram_counts, ppmi

__all__ = ["context_ppmi", "dimension_quality", "best_dimension"]


def context_ppmi(blocks, vocab) -> sp.csr_matrix:
    """PPMI of each word's right and left bigram contexts, side by side.

    Parameters
    ----------
    blocks : sequence of sequences of tokens
        Pieces of text; bigrams are counted within each piece.
    vocab : sequence
        The ``N`` words, in a fixed order.

    Returns
    -------
    scipy.sparse.csr_matrix of shape (N, 2N)
        :math:`\\mathrm{PPMI}([C, C^\\top])` for the summed bigram counts ``C``
        (the matrix :func:`jl_lab.cocluster.word_vectors` factors).

    Examples
    --------
    >>> X = context_ppmi([["a", "b", "a", "c"]], ["a", "b", "c"])
    >>> X.shape
    (3, 6)
    """
    vocab = list(vocab)
    if len(vocab) < 2:
        raise ValueError(f"vocab must hold at least 2 words, got {len(vocab)}")
    C = None
    for b in blocks:
        if len(b) >= 2:
            c, _ = bigram_counts(list(b), vocab=vocab)
            C = c if C is None else C + c
    if C is None or C.sum() <= 0:
        raise ValueError("blocks must contain at least one bigram of vocab words")
    return ppmi(sp.hstack([C, C.T]).tocsr())


def dimension_quality(train, test, dims, n_pairs: int = 20000, rng=None) -> np.ndarray:
    """Held-out quality of SVD word vectors for each dimension in ``dims``.

    Parameters
    ----------
    train, test : scipy.sparse matrix or ndarray of shape (N, M)
        Context matrices of the same ``N`` words from two disjoint texts
        (:func:`context_ppmi`).
    dims : array_like of int
        Dimensions, each in ``[1, min(N, M)]``.
    n_pairs : int
        Random pairs of distinct words with non-zero rows in both matrices.
    rng : None, int or numpy.random.Generator
        Draws the pairs.

    Returns
    -------
    ndarray of shape (len(dims),)
        Spearman correlation between :math:`\\cos(x_a, x_b)` for the vectors
        :math:`X_n = U_n\\Sigma_n^{1/2}` of ``train`` and :math:`\\cos(t_a, t_b)`
        for the rows of ``test``, over the pairs.

    Notes
    -----
    One dense SVD of ``train`` serves every dimension (``N`` of a few
    thousand).  The test rows are not reduced: the score asks how well
    ``n`` dimensions of one text predict the raw similarities of another.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> base = rng.standard_normal((40, 3)) @ rng.standard_normal((3, 60))
    >>> noisy = [base + 0.5 * rng.standard_normal((40, 60)) for _ in range(2)]
    >>> q = dimension_quality(noisy[0], noisy[1], [1, 3, 30], rng=0)
    >>> bool(q[1] > q[2] and q[1] > q[0])
    True
    """
    A = check_array(train, "train", ndim=2, accept_sparse=True)
    B = check_array(test, "test", ndim=2, accept_sparse=True)
    if A.shape != B.shape:
        raise ValueError(f"train and test must have the same shape, got {A.shape} and {B.shape}")
    N, M = A.shape
    d = np.atleast_1d(np.asarray(dims))
    if d.ndim != 1 or d.size == 0 or d.dtype.kind not in "iu" or d.min() < 1 or d.max() > min(N, M):
        raise ValueError(f"dims must be integers in [1, {min(N, M)}], got {dims!r}")
    m = check_int(n_pairs, "n_pairs", 1)
    gen = check_rng(rng)
    A = A.toarray() if sp.issparse(A) else np.asarray(A, dtype=float)
    B = B.toarray() if sp.issparse(B) else np.asarray(B, dtype=float)
    ok = np.flatnonzero((np.linalg.norm(A, axis=1) > 0) & (np.linalg.norm(B, axis=1) > 0))
    if ok.size < 3:
        raise ValueError("train and test must share at least 3 words with non-zero rows")
    a = gen.choice(ok, size=m)
    b = gen.choice(ok, size=m)
    keep = a != b
    a, b = a[keep], b[keep]
    Bn = B / np.linalg.norm(B, axis=1, keepdims=True).clip(1e-300)
    target = np.einsum("ij,ij->i", Bn[a], Bn[b])
    U, s, _ = scipy.linalg.svd(A, full_matrices=False)
    out = np.empty(d.size)
    for i, n in enumerate(d.astype(int)):
        X = U[:, :n] * np.sqrt(s[:n])
        X = X / np.linalg.norm(X, axis=1, keepdims=True).clip(1e-300)
        out[i] = stats.spearmanr(np.einsum("ij,ij->i", X[a], X[b]), target).statistic
    return out


def best_dimension(dims, quality, share: float = 0.95) -> tuple[int, int]:
    """The dimension of peak quality, and the smallest dimension within ``share`` of the peak.

    Parameters
    ----------
    dims : array_like of int, increasing
    quality : array_like of float, same length
    share : float
        In ``(0, 1]``.

    Returns
    -------
    (n_peak, n_share) : tuple of int

    Examples
    --------
    >>> best_dimension([2, 4, 8, 16], [0.1, 0.5, 0.6, 0.55], share=0.8)
    (8, 4)
    """
    d = check_array(dims, "dims", ndim=1)
    q = check_array(quality, "quality", ndim=1)
    if d.size != q.size or d.size == 0:
        raise ValueError("dims and quality must be non-empty and of the same length")
    share = check_real(share, "share", 0.0, 1.0, low_open=True)
    peak = int(np.argmax(q))
    first = int(np.flatnonzero(q >= share * q[peak])[0])
    return int(d[peak]), int(d[first])
