"""SVD as co-clustering: bigram counts, word classes and a three-factor model.

Row-normalise a bigram count matrix and you get the transition probability
``P(B|A)`` of a word ``B`` following a word ``A``.  If words fall into classes,
``P(B|A) = P(B|D) P(D|C) P(C|A)``: a product of three thin matrices, with the
row classes ``C`` of the preceding word and the column classes ``D`` of the
following one [Su 2017; Brown et al. 1992; Saul & Pereira 1997].  This module
and the two below it make that claim testable:

* :func:`bigram_counts` and :func:`transition_matrix` (in :mod:`jl_lab.bigrams`) build ``counts`` and
  ``P(B|A)`` from tokens (scipy.sparse);
* :func:`planted_bigram_model` and :func:`sample_tokens` generate text from the
  three-factor model with hard classes, so the truth is known;
* :func:`svd_cocluster` clusters rows and columns by a truncated SVD of the
  chi-square-scaled matrix (correspondence analysis) or of ``P(B|A)`` itself,
  then k-means (:func:`scipy.cluster.vq.kmeans2`);
* :func:`spectral_cocluster` is Dhillon's spectral co-clustering [Dhillon 2001],
  the algorithm of scikit-learn's ``SpectralCoclustering``;
* :func:`tri_factorize` (in :mod:`jl_lab.trifactor`) fits the three non-negative factors by EM on the counts,
  as in pLSA [Hofmann 1999]: every factor is a probability table and the
  log-likelihood never decreases;
* :func:`ppmi`, :func:`word_vectors` and :func:`nearest_neighbours` turn the same
  counts into SVD word vectors.

References
----------
.. [1] Su, J. (2017). SVD分解(二)：为什么SVD意味着聚类？ https://kexue.fm/archives/4216
.. [2] Brown, P. F. et al. (1992). Class-based n-gram models of natural language. Comp. Ling. 18(4).
.. [3] Saul, L. and Pereira, F. (1997). Aggregate and mixed-order Markov models for statistical
   language processing. EMNLP.
.. [4] Hofmann, T. (1999). Probabilistic latent semantic analysis. UAI.
.. [5] Dhillon, I. S. (2001). Co-clustering documents and words using bipartite spectral graph
   partitioning. KDD.
.. [6] Ding, C., Li, T., Peng, W. and Park, H. (2006). Orthogonal nonnegative matrix
   tri-factorizations for clustering. KDD.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.cluster.vq import ClusterError, kmeans2

from ._validation import check_array, check_choice, check_int, check_real, check_rng
from ._validation import check_labels, check_values
# Counting and the planted model live in jl_lab.bigrams, EM in jl_lab.trifactor (split to keep each
# module to one idea and under ~600 lines of code); re-exported here so cocluster.<name> keeps working.
from .bigrams import PlantedBigramModel, bigram_counts, planted_bigram_model, sample_tokens, transition_matrix
from .bigrams import _check_counts
from .trifactor import TriFactorization, tri_factorize

__all__ = [
    "block_view",
    "bigram_counts",
    "transition_matrix",
    "PlantedBigramModel",
    "planted_bigram_model",
    "sample_tokens",
    "svd_cocluster",
    "spectral_cocluster",
    "dhillon_embedding",
    "TriFactorization",
    "tri_factorize",
    "recovery_curve",
    "class_transition",
    "reorder",
    "cluster_top_words",
    "ppmi",
    "word_vectors",
    "nearest_neighbours",
    "orthogonal_tri_factorize",
    "heldout_log_likelihood",
    "block_split",
    "heldout_comparison",
]


# ---------------------------------------------------------------------------
# Spectral methods
# ---------------------------------------------------------------------------


def _unit_rows(X: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; rows of (numerically) zero length stay zero."""
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    tiny = 1e-10 * norms.max() if norms.size else 0.0
    return np.divide(X, norms, out=np.zeros_like(X), where=norms > tiny)


def _inv_sqrt(x: np.ndarray) -> np.ndarray:
    out = np.zeros_like(x, dtype=float)
    pos = x > 0
    out[pos] = 1.0 / np.sqrt(x[pos])
    return out


def _top_svd(A, k: int, gen: np.random.Generator):
    """Top ``k`` singular triplets of ``A``, singular values in decreasing order.

    Dense LAPACK for small matrices, ARPACK (``scipy.sparse.linalg.svds``, with
    a start vector drawn from ``gen``) otherwise; ``svds`` returns ascending
    singular values, which are reversed here.
    """
    m, n = A.shape
    if min(m, n) <= max(2 * k + 2, 64):
        dense = A.toarray() if sp.issparse(A) else np.asarray(A)
        U, s, Vt = scipy.linalg.svd(dense, full_matrices=False)
        return U[:, :k], s[:k], Vt[:k]
    v0 = gen.uniform(-1, 1, min(m, n))
    U, s, Vt = spla.svds(A, k=k, v0=v0, solver="arpack")
    order = np.argsort(s)[::-1]
    return U[:, order], s[order], Vt[order]


def _kmeans(X: np.ndarray, k: int, gen: np.random.Generator, n_init: int = 5, n_iter: int = 30):
    """Best of ``n_init`` runs of :func:`scipy.cluster.vq.kmeans2` (k-means++ seeding).

    Returns ``(labels, inertia)``.  Runs that empty a cluster are discarded and
    replaced (up to ``5 n_init`` tries).  Raises ``ValueError`` if the points
    hold fewer than ``k`` distinct positions: no ``k`` clusters exist then.
    """
    X = np.ascontiguousarray(X, dtype=float)
    if k == 1:
        return np.zeros(len(X), dtype=np.int64), float(((X - X.mean(0)) ** 2).sum())
    n_distinct = len(np.unique(np.round(X, 12), axis=0))
    if n_distinct < k:
        raise ValueError(
            f"cannot form {k} clusters: the spectral embedding has only {n_distinct} distinct points "
            "(too few words with counts, or a matrix of too low rank)"
        )
    best, best_inertia, done = None, np.inf, 0
    for _ in range(5 * n_init):
        try:
            centroids, labels = kmeans2(X, k, iter=n_iter, minit="++", missing="raise", rng=gen)
        except ClusterError:
            continue
        inertia = float(((X - centroids[labels]) ** 2).sum())
        if inertia < best_inertia:
            best, best_inertia = labels.astype(np.int64), inertia
        done += 1
        if done == n_init:
            break
    if best is None:
        raise ValueError(f"k-means kept emptying one of the {k} clusters; ask for fewer clusters")
    return best, best_inertia


def svd_cocluster(
    counts,
    n_row_clusters: int,
    n_col_clusters: int,
    rng=None,
    *,
    rank: int | None = None,
    normalization: str = "chi2",
    unit: bool = True,
    n_init: int = 5,
):
    """Co-cluster the rows and columns of a count matrix by truncated SVD + k-means.

    Parameters
    ----------
    counts : array_like or scipy.sparse matrix of shape (m, n)
        Non-negative (bigram) counts.
    n_row_clusters : int
        Number ``l`` of row clusters, in ``[1, m]``.
    n_col_clusters : int
        Number ``k`` of column clusters, in ``[1, n]``.
    rng : None, int or numpy.random.Generator
        Seeds ARPACK's start vector and k-means++.
    rank : int, optional
        Number of singular vectors kept; default ``min(l, k)``, the rank of
        ``P(B|A)`` under the three-factor model.  At most ``min(m, n) - 1``.
    normalization : {"chi2", "rows"}
        ``"chi2"``: SVD of :math:`D_r^{-1/2} N D_c^{-1/2}`, the trivial first
        singular pair dropped, coordinates scaled back by :math:`D^{-1/2}` and
        by the singular values: the principal coordinates of correspondence
        analysis, equal for words with equal row (column) profiles.
        ``"rows"``: the seed's recipe, SVD of :math:`P(B|A) = D_r^{-1} N`; rows
        embedded as :math:`U\\Sigma`, columns as the unit-normalised rows of
        :math:`V\\Sigma` (columns of one class are proportional, not equal).
    unit : bool
        Normalise every row and column coordinate vector to unit length before
        k-means (cosine geometry).  Rare words have long, noisy coordinate
        vectors (their variance grows like ``1 / n_a``); without this, k-means
        spends clusters on them.  Always done for the columns with ``"rows"``.
    n_init : int
        k-means restarts (the lowest inertia wins).

    Returns
    -------
    row_labels : ndarray of shape (m,)
    col_labels : ndarray of shape (n,)

    Notes
    -----
    Under the model with hard classes, every row of ``P(B|A)`` is one of ``l``
    vectors and every column profile :math:`P(A\\mid b)` is one of ``k``
    vectors, and the SVD keeps them apart in ``min(l, k)`` dimensions.  With
    ``"chi2"``, the row coordinates are
    :math:`F = D_r^{-1/2} U_{2..r+1} \\Sigma_{2..r+1}` and the column ones
    :math:`G = D_c^{-1/2} V_{2..r+1} \\Sigma_{2..r+1}` (Greenacre's
    correspondence analysis; the same scaling as Dhillon 2001).  k-means is
    unweighted, so rare words with noisy profiles count as much as frequent
    ones, hence ``unit=True``.  Rows or columns without counts get coordinate 0.

    Examples
    --------
    >>> m = planted_bigram_model(60, 3, 3, rng=0)
    >>> counts, _ = bigram_counts(sample_tokens(m, 20000, rng=1), vocab=range(60))
    >>> rows, cols = svd_cocluster(counts, 3, 3, rng=0)
    >>> from scipy.stats.contingency import crosstab
    >>> int((crosstab(rows, m.row_labels).count > 0).sum())  # a perfect matching
    3
    """
    C, l, k = _check_counts(counts, n_row_clusters, n_col_clusters, "n_row_clusters", "n_col_clusters")
    check_choice(normalization, "normalization", ("chi2", "rows"))
    if not isinstance(unit, (bool, np.bool_)):
        raise TypeError(f"unit must be True or False, got {unit!r}")
    n_init = check_int(n_init, "n_init", 1)
    m, n = C.shape
    r = min(l, k) if rank is None else check_int(rank, "rank", 1, max(1, min(m, n) - 1))
    gen = check_rng(rng)
    row_sum = np.asarray(C.sum(axis=1)).ravel()
    col_sum = np.asarray(C.sum(axis=0)).ravel()
    if normalization == "chi2":
        dr, dc = _inv_sqrt(row_sum), _inv_sqrt(col_sum)
        An = sp.diags(dr) @ C @ sp.diags(dc)
        kk = min(r + 1, min(m, n))
        U, s, Vt = _top_svd(An, kk, gen)
        U, s, Vt = U[:, 1:], s[1:], Vt[1:]
        F = dr[:, None] * U * s
        G = dc[:, None] * Vt.T * s
        if F.shape[1] == 0:  # rank-one data: nothing beyond the trivial pair
            F, G = np.zeros((m, 1)), np.zeros((n, 1))
    else:
        P = sp.diags(np.where(row_sum > 0, 1.0 / np.where(row_sum > 0, row_sum, 1), 0.0)) @ C
        U, s, Vt = _top_svd(P, min(r, min(m, n)), gen)
        F = U * s
        G = Vt.T * s
        G = _unit_rows(G)
    if unit:
        F, G = _unit_rows(F), _unit_rows(G)
    row_labels, _ = _kmeans(F, l, gen, n_init)
    col_labels, _ = _kmeans(G, k, gen, n_init)
    return row_labels, col_labels


def dhillon_embedding(counts, n_clusters: int, rng=None) -> np.ndarray:
    """The stacked row and column embedding of Dhillon's spectral co-clustering.

    Parameters
    ----------
    counts : array_like or scipy.sparse matrix of shape (m, n)
    n_clusters : int
        ``k >= 2``; ``1 + ceil(log2 k)`` singular vectors are computed and the
        first (trivial) one is dropped.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    Z : ndarray of shape (m + n, ceil(log2 k))
        :math:`Z = [D_1^{-1/2} U_{2..\\ell+1};\\ D_2^{-1/2} V_{2..\\ell+1}]`.

    Examples
    --------
    >>> dhillon_embedding(np.eye(4) + 0.1, 2, rng=0).shape
    (8, 1)
    """
    C, k, _ = _check_counts(counts, n_clusters, n_clusters, "n_clusters", "n_clusters")
    if k < 2:
        raise ValueError(f"n_clusters must be >= 2 for spectral co-clustering, got {k}")
    gen = check_rng(rng)
    n_sv = 1 + int(np.ceil(np.log2(k)))
    m, n = C.shape
    if n_sv > min(m, n):
        raise ValueError(
            f"n_clusters={k} needs {n_sv} singular vectors, more than min(counts.shape) = {min(m, n)}"
        )
    dr = _inv_sqrt(np.asarray(C.sum(axis=1)).ravel())
    dc = _inv_sqrt(np.asarray(C.sum(axis=0)).ravel())
    An = sp.diags(dr) @ C @ sp.diags(dc)
    U, _, Vt = _top_svd(An, n_sv, gen)
    return np.vstack([dr[:, None] * U[:, 1:], dc[:, None] * Vt[1:].T])


def spectral_cocluster(counts, n_clusters: int, rng=None, *, n_init: int = 5):
    """Dhillon's spectral co-clustering of a non-negative matrix.

    Parameters
    ----------
    counts : array_like or scipy.sparse matrix of shape (m, n)
        Non-negative counts.
    n_clusters : int
        Number ``k >= 2`` of co-clusters; each co-cluster is a set of rows
        together with a set of columns.
    rng : None, int or numpy.random.Generator
    n_init : int
        k-means restarts.

    Returns
    -------
    row_labels : ndarray of shape (m,)
    col_labels : ndarray of shape (n,)

    Notes
    -----
    Dhillon (2001), Algorithm Multipartition: scale
    :math:`A_n = D_1^{-1/2} A D_2^{-1/2}`, take its singular vectors
    :math:`2, \\dots, \\ell + 1` with :math:`\\ell = \\lceil \\log_2 k \\rceil`,
    stack :math:`Z = [D_1^{-1/2} U; D_2^{-1/2} V]` and run k-means with ``k``
    clusters on the ``m + n`` rows of ``Z`` (see :func:`dhillon_embedding`).  It
    is a relaxation of a minimum normalised cut of the bipartite word graph,
    so it looks for a *block-diagonal* structure: row cluster ``i`` linked to
    column cluster ``i``.  scikit-learn's ``SpectralCoclustering`` implements
    the same algorithm (its default ``svd_method="randomized"``).

    Examples
    --------
    >>> A = np.kron(np.eye(2), np.ones((3, 2))) + 0.01
    >>> rows, cols = spectral_cocluster(A, 2, rng=0)
    >>> bool(rows[0] != rows[3] and cols[0] != cols[2] and rows[0] == cols[0])
    True
    """
    n_init = check_int(n_init, "n_init", 1)
    gen = check_rng(rng)
    Z = dhillon_embedding(counts, n_clusters, rng=gen)
    labels, _ = _kmeans(Z, int(n_clusters), gen, n_init)
    m = np.shape(counts)[0] if not sp.issparse(counts) else counts.shape[0]  # counts may be a list of lists
    return labels[:m], labels[m:]


# ---------------------------------------------------------------------------
# Experiments and summaries
# ---------------------------------------------------------------------------


def recovery_curve(
    model: PlantedBigramModel,
    token_counts,
    scores: dict,
    rng=None,
    *,
    methods=("svd", "spectral", "em"),
    n_repeats: int = 1,
    em_iter: int = 100,
) -> dict:
    """Score how well each method recovers the planted classes as the text grows.

    Parameters
    ----------
    model : PlantedBigramModel
    token_counts : sequence of int
        Text lengths ``T >= 2``, increasing.  One text of the largest length is
        drawn per repeat; shorter texts are its prefixes.
    scores : dict of str -> callable
        ``score(true_labels, predicted_labels) -> float``, e.g.
        ``{"NMI": sklearn.metrics.normalized_mutual_info_score,
        "ARI": sklearn.metrics.adjusted_rand_score}``.
    rng : None, int or numpy.random.Generator
    methods : tuple of {"svd", "svd-rows", "spectral", "em", "em-svd"}
        ``"svd"``: :func:`svd_cocluster` (chi-square scaling); ``"svd-rows"``:
        the same on ``P(B|A)`` itself (the seed's recipe); ``"spectral"``:
        :func:`spectral_cocluster` with ``k = n_row_classes`` (needs
        ``n_row_classes == n_col_classes``); ``"em"``: :func:`tri_factorize`
        from a random start, ``em_iter`` iterations; ``"em-svd"``: the same
        started from the ``"svd"`` labels.
    n_repeats : int
        Independent texts.
    em_iter : int
        EM iterations.

    Returns
    -------
    dict
        ``{"n_tokens": ndarray, "scores": {method: {score: ndarray of shape
        (len(token_counts), n_repeats, 2)}}}``; the last axis holds the score of
        the row labels and of the column labels.  Every word of the model is
        scored, including words the text never showed (their labels are
        whatever the method gives a zero row).

    Examples
    --------
    >>> m = planted_bigram_model(40, 2, 2, rng=0)
    >>> acc = lambda t, p: max(np.mean(t == p), np.mean(t != p))
    >>> out = recovery_curve(m, [100, 20000], {"acc": acc}, rng=0, methods=("svd",))
    >>> out["scores"]["svd"]["acc"].shape
    (2, 1, 2)
    >>> bool(out["scores"]["svd"]["acc"][1].min() == 1.0)
    True
    """
    if not isinstance(model, PlantedBigramModel):
        raise TypeError(f"model must be a PlantedBigramModel, got {type(model).__name__}")
    sizes = np.array([check_int(t, "token_counts", 2) for t in np.atleast_1d(token_counts)])
    if sizes.size == 0:
        raise ValueError("token_counts must not be empty")
    if not isinstance(scores, dict) or not scores or not all(callable(f) for f in scores.values()):
        raise TypeError("scores must be a non-empty dict of name -> callable(true, predicted)")
    for meth in methods:
        check_choice(meth, "methods", ("svd", "svd-rows", "spectral", "em", "em-svd"))
    if "spectral" in methods and model.n_row_classes != model.n_col_classes:
        raise ValueError("methods with 'spectral' need n_row_classes == n_col_classes")
    n_repeats = check_int(n_repeats, "n_repeats", 1)
    gen = check_rng(rng)
    l, k, nw = model.n_row_classes, model.n_col_classes, model.n_words
    out = {meth: {name: np.zeros((sizes.size, n_repeats, 2)) for name in scores} for meth in methods}
    for rep in range(n_repeats):
        tokens = sample_tokens(model, int(sizes.max()), rng=gen)
        for i, T in enumerate(sizes):
            counts, _ = bigram_counts(tokens[:T], vocab=range(nw))
            svd_labels = None
            for meth in methods:
                if meth == "svd" or (meth == "em-svd" and svd_labels is None):
                    svd_labels = svd_cocluster(counts, l, k, rng=gen)
                if meth == "svd":
                    r, c = svd_labels
                elif meth == "svd-rows":
                    r, c = svd_cocluster(counts, l, k, rng=gen, normalization="rows")
                elif meth == "spectral":
                    r, c = spectral_cocluster(counts, l, rng=gen)
                else:
                    init = "random" if meth == "em" else svd_labels
                    fit = tri_factorize(counts, l, k, n_iter=em_iter, rng=gen, init=init)
                    r, c = fit.row_labels, fit.col_labels
                for name, f in scores.items():
                    out[meth][name][i, rep] = f(model.row_labels, r), f(model.col_labels, c)
    return {"n_tokens": sizes, "scores": out}


def class_transition(counts, row_labels, col_labels, n_row_classes=None, n_col_classes=None) -> np.ndarray:
    """Maximum-likelihood class transition table ``P(D|C)`` for hard classes.

    Parameters
    ----------
    counts : array_like or scipy.sparse matrix of shape (m, n)
        Bigram counts.
    row_labels : array_like of int, shape (m,)
        Class ``c(a)`` of each first word, in ``[0, l)``.
    col_labels : array_like of int, shape (n,)
        Class ``d(b)`` of each second word, in ``[0, k)``.
    n_row_classes, n_col_classes : int, optional
        ``l`` and ``k``; default one more than the largest label.

    Returns
    -------
    ndarray of shape (l, k)
        Rows summing to 1 (a row class without counts gets a uniform row).

    Notes
    -----
    With hard classes the likelihood of the three-factor model separates and
    :math:`\\hat P(d \\mid c) = n_{cd} / n_c` with
    :math:`n_{cd} = \\sum_{a: c(a) = c} \\sum_{b: d(b) = d} n_{ab}`: the class
    bigram counts of Brown et al. (1992), normalised.

    Examples
    --------
    >>> class_transition([[0, 2], [1, 1]], [0, 1], [0, 1])
    array([[0. , 1. ],
           [0.5, 0.5]])
    """
    C = sp.csr_matrix(check_array(counts, "counts", accept_sparse=True, nonnegative=True))
    m, n = C.shape
    rl, cl = check_labels(row_labels, "row_labels", m), check_labels(col_labels, "col_labels", n)
    if rl.shape != (m,) or rl.dtype.kind not in "iu":
        raise ValueError(f"row_labels must be integers of shape ({m},), got {rl.dtype} of shape {rl.shape}")
    if cl.shape != (n,) or cl.dtype.kind not in "iu":
        raise ValueError(f"col_labels must be integers of shape ({n},), got {cl.dtype} of shape {cl.shape}")
    l = int(rl.max()) + 1 if n_row_classes is None else check_int(n_row_classes, "n_row_classes", 1)
    k = int(cl.max()) + 1 if n_col_classes is None else check_int(n_col_classes, "n_col_classes", 1)
    if rl.min() < 0 or rl.max() >= l:
        raise ValueError(f"row_labels must lie in [0, {l})")
    if cl.min() < 0 or cl.max() >= k:
        raise ValueError(f"col_labels must lie in [0, {k})")
    R = sp.csr_matrix((np.ones(m), (rl, np.arange(m))), shape=(l, m))
    D = sp.csr_matrix((np.ones(n), (np.arange(n), cl)), shape=(n, k))
    nc = (R @ C @ D).toarray()
    tot = nc.sum(axis=1, keepdims=True)
    return np.where(tot > 0, nc / np.where(tot > 0, tot, 1.0), 1.0 / k)


def reorder(counts, row_labels, col_labels, row_weights=None, col_weights=None):
    """Permute a matrix so that rows and columns of each cluster are contiguous.

    Parameters
    ----------
    counts : array_like or scipy.sparse matrix of shape (m, n)
    row_labels : array_like of shape (m,)
    col_labels : array_like of shape (n,)
    row_weights, col_weights : array_like, optional
        Within a cluster, heavier rows (columns) come first; clusters are
        ordered by total weight.  Default: the row (column) sums of ``counts``.

    Returns
    -------
    row_order : ndarray of shape (m,)
        ``counts[row_order][:, col_order]`` is the reordered matrix.
    col_order : ndarray of shape (n,)
    row_bounds : ndarray
        Positions (in the reordered matrix) where a new row cluster starts,
        without the first 0.
    col_bounds : ndarray

    Examples
    --------
    >>> ro, co, rb, cb = reorder(np.eye(3), [1, 0, 1], [0, 0, 1])
    >>> ro.tolist(), rb.tolist()
    ([0, 2, 1], [2])
    """
    C = check_array(counts, "counts", accept_sparse=True, nonnegative=True)
    m, n = C.shape
    rl = check_labels(row_labels, "row_labels", m)
    cl = check_labels(col_labels, "col_labels", n)
    if rl.shape != (m,):
        raise ValueError(f"row_labels must have shape ({m},), got {rl.shape}")
    if cl.shape != (n,):
        raise ValueError(f"col_labels must have shape ({n},), got {cl.shape}")
    rw = np.asarray(C.sum(axis=1)).ravel() if row_weights is None else check_array(row_weights, "row_weights", ndim=1)
    cw = np.asarray(C.sum(axis=0)).ravel() if col_weights is None else check_array(col_weights, "col_weights", ndim=1)
    if rw.shape != (m,) or cw.shape != (n,):
        raise ValueError(f"row_weights and col_weights must have shapes ({m},) and ({n},), got {rw.shape} and {cw.shape}")

    def order(labels, w):
        uniq = np.unique(labels)
        tot = np.array([w[labels == u].sum() for u in uniq])
        rank = np.empty(len(uniq), dtype=int)
        rank[np.argsort(-tot, kind="stable")] = np.arange(len(uniq))
        key = rank[np.searchsorted(uniq, labels)]
        idx = np.lexsort((-w, key))
        sorted_key = key[idx]
        bounds = np.flatnonzero(np.diff(sorted_key)) + 1
        return idx, bounds

    ro, rb = order(rl, rw)
    co, cb = order(cl, cw)
    return ro, co, rb, cb


def cluster_top_words(labels, vocab, weights, n_top: int = 8) -> list[tuple[int, list]]:
    """The heaviest words of each cluster, clusters ordered by total weight.

    Parameters
    ----------
    labels : array_like of shape (V,)
    vocab : sequence of length V
    weights : array_like of shape (V,)
        E.g. word counts.
    n_top : int
        Words listed per cluster (``>= 1``).

    Returns
    -------
    list of (label, words)

    Examples
    --------
    >>> cluster_top_words([0, 1, 0], ["a", "b", "c"], [1, 5, 3], n_top=2)
    [(1, ['b']), (0, ['c', 'a'])]
    """
    labels = check_labels(labels, "labels")
    w = check_array(weights, "weights", ndim=1)
    n_top = check_int(n_top, "n_top", 1)
    if labels.shape != w.shape or len(vocab) != w.size:
        raise ValueError(
            f"labels, vocab and weights must have the same length, got {labels.size}, {len(vocab)}, {w.size}"
        )
    out = []
    for u in np.unique(labels):
        idx = np.flatnonzero(labels == u)
        idx = idx[np.argsort(-w[idx], kind="stable")]
        out.append((int(u), float(w[idx].sum()), [vocab[i] for i in idx[:n_top]]))
    out.sort(key=lambda t: -t[1])
    return [(u, words) for u, _, words in out]


# ---------------------------------------------------------------------------
# Word vectors
# ---------------------------------------------------------------------------


def ppmi(counts):
    """Positive pointwise mutual information of a count matrix.

    Parameters
    ----------
    counts : array_like or scipy.sparse matrix of shape (m, n)
        Non-negative co-occurrence counts.

    Returns
    -------
    scipy.sparse.csr_matrix of shape (m, n)
        :math:`\\max(0, \\log \\frac{N n_{ab}}{n_a n_b})` at the non-zeros of
        ``counts`` (zero elsewhere, where PMI is :math:`-\\infty`).

    Notes
    -----
    :math:`N = \\sum_{ab} n_{ab}`, :math:`n_a` and :math:`n_b` the row and column
    sums.  PMI compares :math:`P(a, b)` with :math:`P(a)P(b)`; clipping at zero
    keeps only the pairs seen more often than chance (Church & Hanks 1990;
    Bullinaria & Levy 2007).

    Examples
    --------
    >>> ppmi([[2, 0], [0, 2]]).toarray().round(3)
    array([[0.693, 0.   ],
           [0.   , 0.693]])
    """
    C = sp.csr_matrix(check_array(counts, "counts", accept_sparse=True, nonnegative=True))
    C.eliminate_zeros()
    N = C.sum()
    if N <= 0:
        raise ValueError("counts must hold at least one positive count")
    rs = np.asarray(C.sum(axis=1)).ravel()
    cs = np.asarray(C.sum(axis=0)).ravel()
    coo = C.tocoo()
    pmi = np.log(coo.data * N / (rs[coo.row] * cs[coo.col]))
    out = sp.csr_matrix((np.maximum(pmi, 0.0), (coo.row, coo.col)), shape=C.shape)
    out.eliminate_zeros()
    return out


def word_vectors(counts, dim: int, rng=None) -> np.ndarray:
    """Unit word vectors from the SVD of the PPMI of left and right bigram contexts.

    Parameters
    ----------
    counts : array_like or scipy.sparse matrix of shape (V, V)
        Bigram counts (rows: first word, columns: second word).
    dim : int
        Vector dimension, in ``[1, V - 1]``.
    rng : None, int or numpy.random.Generator
        ARPACK's start vector.

    Returns
    -------
    ndarray of shape (V, dim)
        Rows of :math:`U_{dim} \\Sigma_{dim}^{1/2}` normalised to unit length
        (zero rows stay zero), so that ``vectors @ vectors.T`` holds cosines.

    Notes
    -----
    A word's context is what follows it (row of ``counts``) and what precedes
    it (column), side by side: :math:`X = \\mathrm{PPMI}([N, N^T])` of shape
    ``(V, 2V)``.  The truncated SVD :math:`X \\approx U \\Sigma V^T` gives the
    vectors :math:`U\\Sigma^{1/2}` (the symmetric split of Levy, Goldberg &
    Dagan 2015).

    Examples
    --------
    >>> m = planted_bigram_model(40, 2, 2, rng=0)
    >>> counts, _ = bigram_counts(sample_tokens(m, 5000, rng=1), vocab=range(40))
    >>> X = word_vectors(counts, 5, rng=0)
    >>> X.shape, bool(np.allclose(np.linalg.norm(X, axis=1), 1))
    ((40, 5), True)
    """
    C = sp.csr_matrix(check_array(counts, "counts", accept_sparse=True, nonnegative=True))
    V = C.shape[0]
    if C.shape[0] != C.shape[1]:
        raise ValueError(f"counts must be square (bigram counts), got shape {C.shape}")
    dim = check_int(dim, "dim", 1, max(1, V - 1))
    gen = check_rng(rng)
    X = ppmi(sp.hstack([C, C.T]).tocsr())
    U, s, _ = _top_svd(X, dim, gen)
    return _unit_rows(U * np.sqrt(s))


def nearest_neighbours(vectors, vocab, words, n_neighbours: int = 5) -> dict:
    """The nearest words by cosine similarity.

    Parameters
    ----------
    vectors : ndarray of shape (V, dim)
        Unit-length word vectors (e.g. from :func:`word_vectors`).
    vocab : sequence of length V
    words : sequence
        Query words, each in ``vocab``.
    n_neighbours : int
        In ``[1, V - 1]``.

    Returns
    -------
    dict
        ``{word: [(neighbour, cosine), ...]}``, most similar first, the word
        itself left out.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    >>> nearest_neighbours(X, ["a", "b", "c"], ["a"], 1)
    {'a': [('b', 0.8)]}
    """
    X = check_array(vectors, "vectors")
    words = check_values([words] if isinstance(words, str) else words, "words")
    if len(vocab) != X.shape[0]:
        raise ValueError(f"vocab must have one entry per row of vectors ({X.shape[0]}), got {len(vocab)}")
    k = check_int(n_neighbours, "n_neighbours", 1, X.shape[0] - 1)
    index = {w: i for i, w in enumerate(vocab)}
    out = {}
    for w in words:
        if w not in index:
            raise ValueError(f"words must be in vocab; {w!r} is not")
        sim = X @ X[index[w]]
        sim[index[w]] = -np.inf
        top = np.argsort(-sim, kind="stable")[:k]
        out[w] = [(vocab[j], round(float(sim[j]), 6)) for j in top]
    return out


def block_view(counts, row_labels, col_labels, vocab, n_top: int = 6) -> dict:
    """What :func:`jl_lab.plots.cocluster_matrix` draws: the reordered PPMI matrix and each cluster's top words.

    The positive pointwise mutual information ``max(0, log P(a, b) / (P(a) P(b)))`` of every pair of
    words (:func:`ppmi`), its rows ordered by row cluster and its columns by column cluster (heaviest
    clusters first, :func:`reorder`), and the ``n_top`` most frequent words of each row and column
    cluster (:func:`cluster_top_words`).  Computing here keeps the figure draw-only.

    Parameters
    ----------
    counts : (N, N) array_like or scipy.sparse matrix
        Bigram counts (non-negative, finite).
    row_labels, col_labels : (N,) array_like of int
        Cluster of each first word and of each second word.
    vocab : sequence of str, length N
        The words of the rows and columns.
    n_top : int, 0 <= n_top <= N
        Words listed per cluster; 0 lists none.

    Returns
    -------
    dict
        ``ppmi`` (dense ``(N, N)`` reordered), ``row_bounds`` / ``col_bounds`` (where a new cluster
        starts along each axis), ``row_top`` / ``col_top`` (lists of word lists, heaviest cluster first).

    References
    ----------
    Church, K. W. and Hanks, P. (1990). Word association norms, mutual information, and lexicography.
    """
    C = check_array(counts, "counts", accept_sparse=True, nonnegative=True)
    C = sp.csr_matrix(C)
    n = C.shape[0]
    n_top = check_int(n_top, "n_top", low=0, high=max(n, 0))
    vocab = list(vocab)
    if len(vocab) != C.shape[0] or C.shape[0] != C.shape[1]:
        raise ValueError(f"vocab must have one word per row of a square counts matrix; got {len(vocab)} words "
                         f"for counts of shape {C.shape}")
    ro, co, rb, cb = reorder(C, row_labels, col_labels)
    out = {"ppmi": ppmi(C)[ro][:, co].toarray(), "row_bounds": np.asarray(rb), "col_bounds": np.asarray(cb),
           "row_top": [], "col_top": []}
    if n_top:
        rw = np.asarray(C.sum(axis=1)).ravel()
        cw = np.asarray(C.sum(axis=0)).ravel()
        out["row_top"] = [list(map(str, w)) for _, w in cluster_top_words(row_labels, vocab, rw, n_top)]
        out["col_top"] = [list(map(str, w)) for _, w in cluster_top_words(col_labels, vocab, cw, n_top)]
    return out


# ---------------------------------------------------------------------------
# Ding et al.'s orthogonal tri-factorisation; held-out likelihood
# ---------------------------------------------------------------------------


def orthogonal_tri_factorize(X, n_row_classes: int, n_col_classes: int, n_iter: int = 300, rng=None,
                             init=None) -> dict:
    """Orthogonal non-negative tri-factorisation ``X ~ F S G^T`` (Ding, Li, Peng & Park 2006).

    Parameters
    ----------
    X : array_like or scipy.sparse matrix of shape (m, n)
        Non-negative data, e.g. ``P(B|A)``.
    n_row_classes, n_col_classes : int
        ``l`` and ``k``, each in ``[1, min(m, n)]``.
    n_iter : int
        Multiplicative updates, ``>= 1``.
    rng : None, int or numpy.random.Generator
        Seeds the start (k-means in the SVD space of ``X``, :func:`svd_cocluster`
        with ``normalization="rows"``).
    init : tuple (row_labels, col_labels), optional
        Start from these hard classes instead.  Either way ``F`` and ``G``
        start as class indicators plus 0.2, as in Ding et al.

    Returns
    -------
    dict
        ``F`` (m, l), ``S`` (l, k), ``G`` (n, k), all non-negative;
        ``objective``: :math:`\\|X - FSG^\\top\\|_F^2` before each update and after
        the last (shape ``(n_iter + 1,)``); ``row_labels`` and ``col_labels``:
        :math:`\\arg\\max` of the rows of ``F`` and ``G``.

    Notes
    -----
    Minimises :math:`\\|X - FSG^\\top\\|_F^2` over :math:`F, S, G \\ge 0` with
    :math:`F^\\top F = I` and :math:`G^\\top G = I` by the multiplicative updates
    of Ding et al. (2006, eqs. 26-28):

    .. math::

        G \\leftarrow G \\odot \\sqrt{\\frac{X^\\top F S}{G G^\\top X^\\top F S}},\\quad
        F \\leftarrow F \\odot \\sqrt{\\frac{X G S^\\top}{F F^\\top X G S^\\top}},\\quad
        S \\leftarrow S \\odot \\sqrt{\\frac{F^\\top X G}{F^\\top F S G^\\top G}}.

    The constraints are enforced only in the limit (the updates' fixed points
    satisfy the KKT conditions of the constrained problem); a non-negative
    matrix with orthonormal columns has disjoint column supports, which is why
    orthogonality means hard classes and removes the rotations that make soft
    factorisations non-unique.  The objective is not guaranteed to fall at
    every step; :func:`jl_lab.cocluster.tri_factorize` (EM) is the monotone method.

    References
    ----------
    Ding, C., Li, T., Peng, W. and Park, H. (2006). Orthogonal nonnegative matrix tri-factorizations
    for clustering. KDD, 126-135.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.kron(np.eye(2), np.ones((3, 3))) + 0.01
    >>> out = orthogonal_tri_factorize(X, 2, 2, n_iter=200, rng=0)
    >>> sorted(np.bincount(out["row_labels"]).tolist())
    [3, 3]
    """
    X = check_array(X, "X", ndim=2, accept_sparse=True, nonnegative=True)
    X = sp.csr_matrix(X, dtype=float) if sp.issparse(X) else np.asarray(X, dtype=float)
    m, n = X.shape
    l = check_int(n_row_classes, "n_row_classes", 1, min(m, n))
    k = check_int(n_col_classes, "n_col_classes", 1, min(m, n))
    n_iter = check_int(n_iter, "n_iter", 1)
    gen = check_rng(rng)
    tiny = 1e-300
    # Ding et al. start from k-means cluster indicators plus 0.2: here k-means in the SVD space of X
    if init is None:
        rows0, cols0 = svd_cocluster(X, l, k, rng=gen, normalization="rows")
    else:
        rows0, cols0 = (np.asarray(a, dtype=int) for a in init)
        if rows0.shape != (m,) or cols0.shape != (n,) or rows0.min() < 0 or rows0.max() >= l \
                or cols0.min() < 0 or cols0.max() >= k:
            raise ValueError(f"init must be (row labels in [0, {l}), column labels in [0, {k}))")
    F = np.eye(l)[rows0] + 0.2
    G = np.eye(k)[cols0] + 0.2
    F /= np.linalg.norm(F, axis=0)
    G /= np.linalg.norm(G, axis=0)
    norm2 = float(X.multiply(X).sum()) if sp.issparse(X) else float(np.sum(X * X))
    S = F.T @ np.asarray(X @ G) + tiny  # least squares for orthonormal F, G

    def objective():
        FS = F @ S
        return norm2 - 2 * float(np.sum(np.asarray(X @ G) * FS)) + float(np.sum((FS.T @ FS) * (G.T @ G)))

    history = [objective()]
    for _ in range(n_iter):
        XtFS = np.asarray(X.T @ (F @ S))
        G *= np.sqrt(XtFS / np.maximum(G @ (G.T @ XtFS), tiny))
        XGSt = np.asarray(X @ G) @ S.T
        F *= np.sqrt(XGSt / np.maximum(F @ (F.T @ XGSt), tiny))
        FtXG = F.T @ np.asarray(X @ G)
        S *= np.sqrt(FtXG / np.maximum((F.T @ F) @ S @ (G.T @ G), tiny))
        history.append(objective())
    return {"F": F, "S": S, "G": G, "objective": np.array(history),
            "row_labels": np.argmax(F, axis=1), "col_labels": np.argmax(G, axis=1)}


def heldout_log_likelihood(P_hat, counts, background, weight: float = 0.05) -> float:
    """Mean log-probability per bigram of ``counts`` under a smoothed model of ``P(B|A)``.

    Parameters
    ----------
    P_hat : array_like of shape (m, n)
        A model's ``P(b|a)``: non-negative; rows are renormalised to sum to 1
        (rows summing to 0 fall back to the background).
    counts : array_like or scipy.sparse matrix of shape (m, n)
        Bigram counts to score, typically from text the model did not see.
    background : array_like of shape (n,)
        A positive distribution over second words (e.g. add-one unigram
        frequencies of the training text).
    weight : float
        Mixture weight of the background, in ``(0, 1]``.

    Returns
    -------
    float
        :math:`\\frac1{N}\\sum_{ab} n_{ab}\\log\\bigl((1-w)\\hat P(b\\mid a) + w\\,u_b\\bigr)`,
        ``N`` the number of bigrams: finite because ``u > 0``, at most 0.

    Notes
    -----
    A model fitted on one text gives zero probability to bigrams it never saw,
    and one unseen bigram makes the held-out likelihood :math:`-\\infty`; the
    fixed mixture with a background distribution (Jelinek-Mercer smoothing) is
    the simplest way to compare models on equal terms.

    Examples
    --------
    >>> import numpy as np
    >>> bool(np.isclose(heldout_log_likelihood(np.eye(2), np.eye(2), np.array([0.5, 0.5]), weight=0.5), np.log(0.75)))
    True
    """
    P = check_array(P_hat, "P_hat", ndim=2, nonnegative=True)
    C = sp.csr_matrix(check_array(counts, "counts", accept_sparse=True, nonnegative=True))
    u = check_array(background, "background", ndim=1)
    w = check_real(weight, "weight", 0.0, 1.0, low_open=True)
    if C.shape != P.shape or u.size != P.shape[1]:
        raise ValueError(f"P_hat {P.shape}, counts {C.shape} and background ({u.size},) must agree")
    if np.any(u <= 0):
        raise ValueError("background must be positive")
    u = u / u.sum()
    rs = P.sum(axis=1, keepdims=True)
    Pn = np.where(rs > 0, P / np.where(rs > 0, rs, 1.0), u[None, :])
    coo = C.tocoo()
    N = coo.data.sum()
    if N <= 0:
        raise ValueError("counts must hold at least one bigram")
    p = (1 - w) * Pn[coo.row, coo.col] + w * u[coo.col]
    return float(np.sum(coo.data * np.log(p)) / N)


def block_split(tokens, n_folds: int = 4, block: int = 1000):
    """Split a token sequence into ``n_folds`` interleaved parts of contiguous blocks.

    Parameters
    ----------
    tokens : sequence
    n_folds : int
        ``>= 2``.
    block : int
        Tokens per block, ``>= 2``; block ``b`` goes to part ``b mod n_folds``.

    Returns
    -------
    list of list
        ``n_folds`` lists of blocks (each block a list of tokens).  Bigrams are
        counted within blocks, so none spans two parts.

    Examples
    --------
    >>> [len(p) for p in block_split(list(range(10)), 2, 3)]
    [2, 2]
    """
    toks = list(tokens)
    n_folds = check_int(n_folds, "n_folds", 2)
    block = check_int(block, "block", 2)
    blocks = [toks[i:i + block] for i in range(0, len(toks), block)]
    if len(blocks) < n_folds:
        raise ValueError(f"tokens must make at least n_folds={n_folds} blocks of {block}, got {len(blocks)}")
    return [blocks[f::n_folds] for f in range(n_folds)]


def heldout_comparison(tokens, vocab, n_classes: int, n_folds: int = 2, n_starts: int = 2, block: int = 1000,
                       n_iter: int = 200, weight: float = 0.05) -> dict:
    """Train and held-out log-likelihood of EM, Ding's tri-factorisation and two baselines, by cross-validation.

    Parameters
    ----------
    tokens : sequence
        The text.
    vocab : sequence
        Fixed vocabulary (e.g. the most frequent words of the whole text).
    n_classes : int
        Row and column classes ``K`` of both three-factor models.
    n_folds : int
        Parts of :func:`block_split`; each part is held out once, the rest trains.
    n_starts : int
        Random starts (seeds ``0 .. n_starts - 1``) of EM and of the orthogonal factorisation per fold.
    block, n_iter, weight
        Block length of the split; iterations of EM and of the multiplicative updates (1.5 times
        as many); background weight of :func:`heldout_log_likelihood`.

    Returns
    -------
    dict
        ``scores``: model name -> array of shape ``(runs, 2)`` with the (train, held-out) mean
        log-probability per bigram, for ``"EM"``, ``"orthogonal"`` (``n_folds * n_starts`` runs
        each), ``"bigram"`` (the smoothed training frequencies, full rank) and ``"unigram"``
        (``n_folds`` runs each); ``agreement``: model name -> NMI between the row classes of the
        first two starts, per fold (needs ``n_starts >= 2``); ``monotone``: whether every run of
        the orthogonal factorisation decreased its objective at every step.

    Notes
    -----
    The background distribution is the add-one unigram distribution of the
    training part; every model is mixed with it by the same weight, so the
    comparison is on equal terms.  The orthogonal factorisation is fitted to
    the training ``P(B|A)`` (rows of words never seen as first word are zero)
    and its product :math:`FSG^\\top` is renormalised by rows.

    Examples
    --------
    >>> from jl_lab import corpus
    >>> toks = corpus.load_corpus("zen") * 8
    >>> out = heldout_comparison(toks, sorted(set(toks))[:30], 2, block=60, n_iter=20)
    >>> sorted(out["scores"]), out["scores"]["EM"].shape
    (['EM', 'bigram', 'orthogonal', 'unigram'], (4, 2))
    """
    from sklearn.metrics import normalized_mutual_info_score

    K = check_int(n_classes, "n_classes", 1)
    n_folds = check_int(n_folds, "n_folds", 2)
    n_starts = check_int(n_starts, "n_starts", 1)
    n_iter = check_int(n_iter, "n_iter", 1)
    parts = block_split(tokens, n_folds, block)
    vocab = list(vocab)
    fold = [sum(bigram_counts(b, vocab=vocab)[0] for b in part if len(b) >= 2) for part in parts]
    scores = {name: [] for name in ("EM", "orthogonal", "bigram", "unigram")}
    agreement = {"EM": [], "orthogonal": []}
    monotone = True
    for f in range(n_folds):
        test = fold[f]
        train = sum(fold[g] for g in range(n_folds) if g != f)
        u = np.asarray(train.sum(axis=0)).ravel() + 1.0
        P = sp.diags(1.0 / np.maximum(np.asarray(train.sum(axis=1)).ravel(), 1.0)) @ train

        def score(M):
            return (heldout_log_likelihood(M, train, u, weight), heldout_log_likelihood(M, test, u, weight))

        labels = {"EM": [], "orthogonal": []}
        for seed in range(n_starts):
            em = tri_factorize(train, K, K, n_iter=n_iter, rng=seed)
            on = orthogonal_tri_factorize(P, K, K, n_iter=int(1.5 * n_iter), rng=seed)
            monotone &= bool(np.all(np.diff(on["objective"]) <= 1e-9 * on["objective"][0]))
            scores["EM"].append(score(em.transition))
            scores["orthogonal"].append(score(on["F"] @ on["S"] @ on["G"].T))
            labels["EM"].append(em.row_labels)
            labels["orthogonal"].append(on["row_labels"])
        if n_starts >= 2:
            for name, labs in labels.items():
                agreement[name].append(normalized_mutual_info_score(labs[0], labs[1]))
        scores["bigram"].append(score(P.toarray()))
        scores["unigram"].append(score(np.tile(u, (P.shape[0], 1))))
    return {"scores": {k: np.array(v) for k, v in scores.items()},
            "agreement": {k: np.array(v) for k, v in agreement.items()}, "monotone": monotone}
