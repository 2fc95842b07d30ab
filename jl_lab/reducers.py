"""Random projection versus PCA: two ways to reduce dimension, and what each one keeps.

A linear reducer maps a point ``x`` in R^D to ``y = W (x - mu)`` in R^n.  PCA
chooses ``W`` from the data (the top ``n`` right singular vectors of the centred
data matrix), which keeps the largest possible share of the total squared
pairwise distance (Eckart & Young 1936); a random projection draws ``W`` without
looking at the data (Johnson & Lindenstrauss 1984), so it costs almost nothing to
fit and works the same for points it has never seen, for streams, and without
storing anything learnt from the data.

This module fits both behind one interface (:func:`fit_reducer`), measures what a
reduction keeps (pairwise distance ratios and the ``k`` nearest neighbours:
:func:`knn_preservation`, :func:`sweep`), and predicts the spread of the distance
ratios of each random kind from the shape of the difference vectors
(:func:`ratio_variance`): Gaussian and Achlioptas matrices do not care about it,
very sparse matrices pay for spiky (sparse) differences, and the subsampled
randomized Hadamard transform gains from them.

References
----------
.. [1] Su, J. (2021). The amazing Johnson-Lindenstrauss lemma: applications. kexue.fm/archives/8706.
.. [2] Eckart, C. and Young, G. (1936). The approximation of one matrix by another of lower rank.
       Psychometrika 1(3), 211-218.
.. [3] Achlioptas, D. (2003). Database-friendly random projections. JCSS 66(4), 671-687.
.. [4] Li, P., Hastie, T. and Church, K. (2006). Very sparse random projections. KDD, Lemma 1.
.. [5] Tropp, J. A. (2011). Improved analysis of the subsampled randomized Hadamard transform.
       Advances in Adaptive Data Analysis 3(1-2), 115-126.
.. [6] Bingham, E. and Mannila, H. (2001). Random projection in dimensionality reduction:
       applications to image and text data. KDD.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.spatial.distance

from .timing import best_time
from ._validation import check_array, check_choice, check_int, check_real, check_rng
from ._validation import check_ints, check_values
from .projections import KINDS as RANDOM_KINDS
from .projections import _condensed_sqdist, _dense, _float_dtype, _srht_apply, projection_matrix
from .rsvd import _svd_flip

__all__ = [
    "KINDS",
    "RANDOM_KINDS",
    "SWEEP_FIELDS",
    "Reducer",
    "fit_reducer",
    "pca",
    "pca_spectrum",
    "knn_preservation",
    "spikiness",
    "ratio_variance",
    "variance_check",
    "sweep",
    "pair_ratio_sweep",
    "random_pair_differences",
    "dimension_to_reach",
    "knn_kept_curves",
    "paired_difference",
    "winner_ranges",
    "describe_winner",
    "geometric_grid",
    "linear_autoencoder",
]

#: Every reducer :func:`fit_reducer` can fit: the four random kinds of
#: :mod:`jl_lab.projections`, then PCA.
KINDS = (*RANDOM_KINDS, "pca")

#: Fields of the table returned by :func:`sweep`.
SWEEP_FIELDS = (
    ("kind", "U11"),
    ("n", np.int64),
    ("worst", np.float64),
    ("median", np.float64),
    ("mean_ratio", np.float64),
    ("var_ratio", np.float64),
    ("knn", np.float64),
    ("fit_seconds", np.float64),
    ("transform_seconds", np.float64),
    ("nbytes", np.int64),
)


# --------------------------------------------------------------------------- helpers


def _padded(d: int) -> int:
    """Smallest power of two ``>= d``: the dimension the Hadamard transform works in."""
    return 1 << (d - 1).bit_length()


def _nbytes(a) -> int:
    if sp.issparse(a):
        return int(a.data.nbytes + a.indices.nbytes + a.indptr.nbytes)
    return int(np.asarray(a).nbytes)


# --------------------------------------------------------------------------- PCA


def _centred_gram(X, mu: np.ndarray) -> np.ndarray:
    """``(X - 1 mu^T)(X - 1 mu^T)^T`` without densifying a sparse ``X``."""
    G = X @ X.T
    G = G.toarray() if sp.issparse(G) else np.asarray(G)
    m = np.asarray(X @ mu).ravel()
    return G - m[:, None] - m[None, :] + mu @ mu


def _centred_cov(X, mu: np.ndarray) -> np.ndarray:
    """``(X - 1 mu^T)^T (X - 1 mu^T)`` for a sparse ``X``: ``X^T X - N mu mu^T``."""
    C = (X.T @ X).toarray()
    return C - X.shape[0] * np.outer(mu, mu)


def _top_eigh(M: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` largest eigenpairs of the symmetric ``M``, in increasing order (as ``scipy.linalg.eigh``).

    LAPACK's subset solver pays off only for a small share of the spectrum: measured with one
    thread (N = 500 to 2000), ``subset_by_index`` for the top ``n`` costs 0.6-0.7 of a full
    ``eigh`` at ``n = N/20``, about the same at ``n = N/5`` and 1.3-2.2 times as much at
    ``n = N/2`` (3.7 times at ``n = 0.92 N``).  So the full decomposition is taken above ``N/5``.
    """
    N = M.shape[0]
    if 5 * n <= N:
        return scipy.linalg.eigh(M, subset_by_index=[N - n, N - 1])
    lam, W = scipy.linalg.eigh(M)
    return lam[N - n:], W[:, N - n:]


def pca(X, n_components: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Principal component analysis through the singular value decomposition.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        Points as rows.  Sparse input is never densified.
    n_components : int
        Number of components ``n``, ``1 <= n <= min(N, D)``.

    Returns
    -------
    mean : ndarray of shape (D,)
        The mean point :math:`\\mu`.
    components : ndarray of shape (n, D)
        Orthonormal rows: the top ``n`` right singular vectors of
        :math:`X - \\mathbf 1 \\mu^\\top`, each signed so that its largest entry
        in absolute value is positive (the first such entry on ties): scikit-learn's
        PCA convention, :func:`jl_lab.rsvd.svd_flip` with ``u_based_decision=False``,
        so the signs do not depend on the solver route (SVD, covariance or Gram
        eigenvectors) and equal ``sklearn.decomposition.PCA(n).components_``.
    singular_values : ndarray of shape (n,)
        The matching singular values, in decreasing order.

    Notes
    -----
    With the thin SVD :math:`X_c = U S V^\\top` of the centred data, PCA maps
    :math:`x \\mapsto V_n^\\top (x - \\mu)`.  Among all maps onto ``n``
    orthonormal directions it keeps the largest sum of squared pairwise
    distances, :math:`\\sum_{a<b} \\|y_a - y_b\\|^2 = N \\sum_{i \\le n} s_i^2`
    (Eckart & Young 1936), because that sum equals ``N`` times the variance kept.
    When ``N >= D`` and ``X`` is dense, ``scipy.linalg.svd`` factors
    :math:`X_c` directly; for sparse ``X`` with ``N >= D`` the top ``n``
    eigenvectors of :math:`X_c^\\top X_c = X^\\top X - N\\mu\\mu^\\top = V S^2 V^\\top`
    are computed instead.  Otherwise (wide data) the top ``n``
    eigenpairs of the ``N x N`` Gram matrix :math:`X_c X_c^\\top = U S^2
    U^\\top` are computed (``scipy.linalg.eigh``, with ``subset_by_index`` for ``n <= N/5``), and
    :math:`V_n = X_c^\\top U_n S_n^{-1}`: the same SVD, in the same
    :math:`O(N^2 D + N^3)` operations as a direct SVD of a wide matrix but as
    one matrix product and a symmetric eigensolver (several times faster in
    practice), and without densifying sparse input.  Squaring costs relative
    accuracy for singular values below about :math:`10^{-7} s_1`, far below
    anything a reducer keeps; components there are refused (rank deficiency).

    References
    ----------
    Eckart, C. and Young, G. (1936). Psychometrika 1(3), 211-218.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [2.0, 0.0], [4.0, 0.1]])
    >>> mean, comps, s = pca(X, 1)
    >>> np.round(comps, 3)
    array([[1.   , 0.025]])
    """
    X = check_array(X, "X", ndim=2, accept_sparse=True, min_rows=2, dtype=_float_dtype(X))
    N, D = X.shape
    n = check_int(n_components, "n_components", 1, min(N, D))
    mu = np.asarray(X.mean(axis=0)).ravel().astype(X.dtype, copy=False)
    if not sp.issparse(X) and N >= D:
        _, s, Vt = scipy.linalg.svd(X - mu, full_matrices=False)
        s, V = s[:n], Vt[:n]
    elif N >= D:  # sparse and tall: the D x D covariance side, never densifying X
        lam, W = _top_eigh(_centred_cov(X, mu), n)
        s, V = np.sqrt(np.maximum(lam[::-1], 0.0)), W[:, ::-1].T
    else:
        K = _centred_gram(X, mu)
        lam, U = _top_eigh(K, n)
        lam, U = lam[::-1], U[:, ::-1]
        s = np.sqrt(np.maximum(lam, 0.0))
        # the Gram route squares the singular values: below ~1e-7 s_0 they are rounding noise
        # (1e-7 ~ 7 sqrt(eps) in float64; the same multiple of sqrt(eps) in float32 is 2.3e-3)
        tiny = s <= (1e-7 if X.dtype == np.float64 else 2.3e-3) * max(s[0], 1e-300)
        if np.any(tiny):
            raise ValueError(
                f"n_components must be <= the rank of the centred X ({int(np.sum(~tiny))}), got {n}"
            )
        UtX = np.asarray((X.T @ U).T)
        V = (UtX - np.outer(U.sum(axis=0), mu)) / s[:, None]
    _, V = _svd_flip(None, V, u_based_decision=False)  # scikit-learn's PCA sign convention
    return mu, V, s


def pca_spectrum(X) -> np.ndarray:
    """Variances of the data along its principal axes, in decreasing order.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix

    Returns
    -------
    ndarray of shape (min(N, D),)
        :math:`s_i^2 / N` for the singular values :math:`s_i` of the centred data
        (population variances; they sum to the total variance
        :math:`\\frac1N\\sum_a \\|x_a - \\mu\\|^2`).  The cumulative sum divided by
        the total is the share of the squared pairwise distance that PCA with
        ``n`` components keeps.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [0.0, -0.5]])
    >>> pca_spectrum(X)
    array([0.5  , 0.125])
    """
    X = check_array(X, "X", ndim=2, accept_sparse=True, min_rows=2)
    N, D = X.shape
    mu = np.asarray(X.mean(axis=0)).ravel()
    if not sp.issparse(X) and N >= D:
        lam = scipy.linalg.svdvals(X - mu) ** 2
    elif N >= D:
        lam = scipy.linalg.eigvalsh(_centred_cov(X, mu))[::-1]
    else:
        lam = scipy.linalg.eigvalsh(_centred_gram(X, mu))[::-1][: min(N, D)]
    return np.maximum(lam, 0.0) / N


# --------------------------------------------------------------------------- reducers


@dataclass(frozen=True, eq=False)
class Reducer:
    """A fitted linear map from R^D to R^n (made by :func:`fit_reducer`).

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    n_components, n_features : int
        Target dimension ``n`` and input dimension ``D``.
    fit_seconds : float
        Wall time of the fit.
    arrays : dict
        What the map stores: ``R`` (dense or CSR) for the matrix kinds;
        ``signs`` (int8) and ``cols`` for ``"srht"``; ``mean`` and
        ``components`` for ``"pca"``.
    """

    kind: str
    n_components: int
    n_features: int
    fit_seconds: float
    arrays: dict = field(repr=False)

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays the map stores (CSR counts data, indices and row pointers)."""
        return sum(_nbytes(a) for a in self.arrays.values())

    def truncate(self, n_components: int) -> "Reducer":
        """The map to the first ``n_components`` of this map's ``n`` coordinates.

        For the random kinds this is the map :func:`fit_reducer` would draw with
        ``n_components`` rows (the leading rows of ``R``, rescaled by
        :math:`\\sqrt{n / n'}`; for ``"srht"`` the first sampled coordinates), so
        one fit serves a whole sweep over dimensions with nested randomness; for
        PCA it is PCA with fewer components.  ``fit_seconds`` is inherited.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.random.default_rng(0).standard_normal((5, 6))
        >>> big = fit_reducer(X, 4, "gaussian", rng=1)
        >>> bool(np.allclose(big.truncate(2).transform(X), fit_reducer(X, 2, "gaussian", rng=1).transform(X)))
        True
        """
        n = check_int(n_components, "n_components", 1, self.n_components)
        a = dict(self.arrays)
        if self.kind == "pca":
            a["components"] = a["components"][:n]
        elif self.kind == "srht":
            a["cols"] = a["cols"][:n]
        else:
            a["R"] = a["R"][:n] * np.sqrt(self.n_components / n)
        return Reducer(self.kind, n, self.n_features, self.fit_seconds, a)

    def transform(self, X) -> np.ndarray:
        """Map the rows of ``X`` (shape ``(M, D)``, dense or sparse) to ``(M, n)``.

        ``"srht"`` densifies sparse input: the Hadamard transform mixes every
        coordinate, so the sparsity would be lost anyway.
        """
        dtype = _float_dtype(X)
        X = check_array(X, "X", ndim=2, accept_sparse=True, dtype=dtype)
        if X.shape[1] != self.n_features:
            raise ValueError(f"X must have {self.n_features} columns (n_features of the fit), got {X.shape[1]}")
        a = self.arrays
        if self.kind == "pca":
            C = a["components"].astype(dtype, copy=False)
            return np.asarray(X @ C.T) - a["mean"].astype(dtype, copy=False) @ C.T
        if self.kind == "srht":
            Y = _srht_apply(X, a["signs"], a["cols"], dtype)
            Y *= float(np.sqrt(_padded(self.n_features) / self.n_components))
            return Y
        R = a["R"].astype(dtype, copy=False)
        Y = (R @ X.T).T if sp.issparse(R) else X @ R.T
        return Y.toarray() if sp.issparse(Y) else np.asarray(Y)


def fit_reducer(X, n_components: int, kind: str = "gaussian", rng=None) -> Reducer:
    """Fit a reducer of one kind to ``X``.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        For the random kinds only ``D`` is read: they are data-oblivious.
    n_components : int
        Target dimension ``n >= 1``; at most ``min(N, D)`` for ``"pca"`` and at
        most ``2^ceil(log2 D)`` for ``"srht"``.
    kind : {"gaussian", "achlioptas", "very-sparse", "srht", "pca"}
    rng : None, int or numpy.random.Generator
        Randomness of the random kinds (PCA is deterministic).

    Returns
    -------
    Reducer

    Notes
    -----
    The random kinds use exactly the random numbers of
    :func:`jl_lab.projections.random_projection` for the same ``rng``, so
    ``fit_reducer(X, n, kind, rng=s).transform(X)`` equals
    ``random_projection(X, n, kind, rng=s)`` up to rounding.  Every random kind
    has :math:`\\mathbb E\\|y\\|^2 = \\|x\\|^2`; PCA instead has
    :math:`\\|y_a - y_b\\| \\le \\|x_a - x_b\\|` for every pair (it is an
    orthogonal projection), with equality only in the span of its components.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((20, 16))
    >>> r = fit_reducer(X, 4, kind="srht", rng=0)
    >>> r.transform(X).shape, r.nbytes   # 16 int8 signs and 4 int64 column indices
    ((20, 4), 48)
    """
    check_choice(kind, "kind", KINDS)
    X = check_array(X, "X", ndim=2, accept_sparse=True, dtype=_float_dtype(X))
    D = X.shape[1]
    if kind == "pca":
        n = check_int(n_components, "n_components", 1, min(X.shape))
    elif kind == "srht":
        n = check_int(n_components, "n_components", 1, _padded(D))
    else:
        n = check_int(n_components, "n_components", 1)
    gen = check_rng(rng)
    t0 = time.perf_counter()
    if kind == "pca":
        mean, comps, _ = pca(X, n)
        arrays = {"mean": mean, "components": comps}
    elif kind == "srht":
        # same draws, in the same order, as jl_lab.projections._projected_columns
        signs = gen.choice(np.array([-1, 1], dtype=np.int8), size=D)
        cols = gen.choice(_padded(D), size=n, replace=False)
        arrays = {"signs": signs, "cols": cols}
    else:
        arrays = {"R": projection_matrix(n, D, kind, rng=gen)}
    return Reducer(kind, n, D, time.perf_counter() - t0, arrays)


# --------------------------------------------------------------------------- what is kept


def _sq_norms(X) -> np.ndarray:
    if sp.issparse(X):
        return np.asarray(X.multiply(X).sum(axis=1)).ravel()
    return np.einsum("ij,ij->i", X, X)


def _sqdist_rows(X, sq: np.ndarray, rows: slice) -> np.ndarray:
    """Squared distances from the rows ``rows`` of ``X`` to all rows (Gram-matrix formula)."""
    G = X[rows] @ X.T
    G = G.toarray() if sp.issparse(G) else np.asarray(G, dtype=np.float64)
    G *= -2.0
    G += sq[rows, None]
    G += sq[None, :]
    return np.maximum(G, 0.0, out=G)


def _exact_sqdist(X, name: str = "X") -> tuple[np.ndarray, np.ndarray]:
    """Squared distances of the rows of ``X``, condensed (pdist order) and square; refuses exact duplicates.

    Through :func:`jl_lab.projections._condensed_sqdist`, which recomputes from the differences the
    distances the Gram formula could have cancelled: rows 1e-9 apart keep their exact, tiny distance
    instead of rounding to zero, so only exactly equal rows are refused.
    """
    dx = _condensed_sqdist(np.asarray(_dense(X), dtype=np.float64))
    if np.any(dx <= 0):
        raise ValueError(f"{name} must not contain duplicate rows (a zero distance has no distortion ratio)")
    return dx, scipy.spatial.distance.squareform(dx, checks=False)


def _centre(X):
    """Centre dense data (distances do not change; cancellation in the Gram formula shrinks)."""
    return X if sp.issparse(X) else X - X.mean(axis=0)


def _kept(d2x: np.ndarray, d2y: np.ndarray, offset: int, k: int) -> np.ndarray:
    """Per-row fraction of the ``k`` nearest neighbours in Y that are among the ``k`` nearest in X."""
    rows = np.arange(d2x.shape[0])
    d2x = d2x.copy()
    d2y = d2y.copy()
    d2x[rows, rows + offset] = np.inf
    d2y[rows, rows + offset] = np.inf
    radius = np.partition(d2x, k - 1, axis=1)[:, k - 1]
    nn_y = np.argpartition(d2y, k - 1, axis=1)[:, :k]
    return np.mean(d2x[rows[:, None], nn_y] <= radius[:, None], axis=1)


def knn_preservation(X, Y, k: int = 10, chunk: int = 512) -> np.ndarray:
    """For each point, the fraction of its ``k`` nearest neighbours that a map keeps.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        Points before the map.
    Y : array_like of shape (N, n)
        The same points after the map.
    k : int
        Number of neighbours, ``1 <= k <= N - 1``.
    chunk : int
        Rows of distances held in memory at once (``chunk x N`` floats).

    Returns
    -------
    ndarray of shape (N,)
        Entry ``a`` is :math:`|\\mathrm{NN}_k^Y(a) \\cap B^X_k(a)| / k`, where
        :math:`\\mathrm{NN}_k^Y(a)` are the ``k`` nearest neighbours of point ``a``
        among the rows of ``Y`` (Euclidean, the point itself excluded) and
        :math:`B^X_k(a)` is the set of points no farther from ``a`` in ``X``
        than its ``k``-th nearest neighbour.

    Notes
    -----
    Without ties, :math:`B^X_k(a)` is just the ``k`` nearest neighbours in ``X``
    and the score is the usual neighbourhood overlap.  Counting every point tied
    with the ``k``-th neighbour as a neighbour makes the score independent of how
    ties are broken (integer data such as scikit-learn's digits has many ties), so
    ``Y = X`` scores exactly 1.  If ``Y`` is independent of ``X`` (and ``X`` has no
    ties), the overlap of point ``a`` is hypergeometric and the mean score is
    :math:`k / (N - 1)`.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((50, 5))
    >>> float(knn_preservation(X, 3 * X, k=5).mean())
    1.0
    """
    X = check_array(X, "X", ndim=2, accept_sparse=True, min_rows=2)
    Y = check_array(Y, "Y", ndim=2, min_rows=2)
    N = X.shape[0]
    if Y.shape[0] != N:
        raise ValueError(f"X and Y must have the same number of rows, got {N} and {Y.shape[0]}")
    k = check_int(k, "k", 1, N - 1)
    chunk = check_int(chunk, "chunk", 1)
    X, Y = _centre(X), _centre(Y)
    sqx, sqy = _sq_norms(X), _sq_norms(Y)
    out = np.empty(N)
    for start in range(0, N, chunk):
        rows = slice(start, min(start + chunk, N))
        out[rows] = _kept(_sqdist_rows(X, sqx, rows), _sqdist_rows(Y, sqy, rows), start, k)
    return out


def spikiness(X) -> np.ndarray:
    """How concentrated each row is on few coordinates: :math:`q(x) = \\sum_j x_j^4 / \\|x\\|^4`.

    Parameters
    ----------
    X : array_like of shape (M, D) or scipy.sparse matrix
        Non-zero rows.

    Returns
    -------
    ndarray of shape (M,)
        Values in :math:`[1/D, 1]`: ``1/D`` for a row with all entries of equal
        size, ``1`` for a row with one non-zero entry; ``1/q`` is an effective
        number of non-zero coordinates.  It is the only property of ``x`` that
        the variance of a random projection's distance ratio depends on
        (:func:`ratio_variance`).

    Examples
    --------
    >>> import numpy as np
    >>> spikiness(np.array([[1.0, 1.0, 1.0, 1.0], [3.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0]]))
    array([0.25, 1.  , 0.5 ])
    """
    X = check_array(X, "X", ndim=2, accept_sparse=True)
    if sp.issparse(X):
        sq = np.asarray(X.multiply(X).sum(axis=1)).ravel()
        s4 = np.asarray(X.power(4).sum(axis=1)).ravel()
    else:
        sq = np.einsum("ij,ij->i", X, X)
        s4 = np.einsum("ij,ij->i", X**2, X**2)
    if np.any(sq <= 0):
        raise ValueError("X must not contain zero rows (the ratio is undefined)")
    return s4 / sq**2


def ratio_variance(X, n_components: int, kind: str = "gaussian") -> np.ndarray:
    """Variance of :math:`\\|Rx\\|^2 / \\|x\\|^2` over the random draw of ``R``, for each row ``x``.

    Parameters
    ----------
    X : array_like of shape (M, D) or scipy.sparse matrix
        Non-zero vectors, typically differences ``x_a - x_b`` of data points.
    n_components : int
        Target dimension ``n >= 1`` (at most ``2^ceil(log2 D)`` for ``"srht"``).
    kind : {"gaussian", "achlioptas", "very-sparse", "srht"}

    Returns
    -------
    ndarray of shape (M,)

    Notes
    -----
    Write :math:`q(x) = \\sum_j x_j^4 / \\|x\\|^4 \\in [1/D, 1]` for how spiky
    ``x`` is (``1/q`` is an effective number of non-zero coordinates).  For
    i.i.d. entries of mean 0, variance 1 and fourth moment :math:`\\kappa`,
    scaled by :math:`1/\\sqrt n` (Li, Hastie & Church 2006, Lemma 1):

    .. math:: \\operatorname{Var} = \\frac{2 + (\\kappa - 3)\\, q(x)}{n},

    with :math:`\\kappa = 3` for Gaussian and Achlioptas entries (so
    :math:`2/n`, whatever ``x``) and :math:`\\kappa = s = \\sqrt D` for very
    sparse ones.  For the SRHT with random signs, an orthonormal Hadamard
    transform in :math:`D' = 2^{\\lceil \\log_2 D \\rceil}` dimensions and ``n``
    coordinates sampled without replacement (the sampling variance of a mean,
    with the finite-population factor, averaged over the signs):

    .. math:: \\operatorname{Var} = \\frac{2\\,(1 - q(x))}{n}\\,\\frac{D' - n}{D' - 1}.

    So spiky differences (sparse data) hurt very sparse projections and help
    the SRHT, and the SRHT is exact at :math:`n = D'`.

    References
    ----------
    Li, P., Hastie, T. and Church, K. (2006). Very sparse random projections. KDD.
    Tropp, J. A. (2011). Improved analysis of the subsampled randomized Hadamard transform.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 0, 0, 0, 0, 0, 0, 0, 0]])   # q = 1, D = 9, s = 3
    >>> ratio_variance(x, 4, "gaussian"), ratio_variance(x, 4, "srht")
    (array([0.5]), array([0.]))
    """
    check_choice(kind, "kind", RANDOM_KINDS)
    X = check_array(X, "X", ndim=2, accept_sparse=True)
    D = X.shape[1]
    high = _padded(D) if kind == "srht" else None
    n = check_int(n_components, "n_components", 1, high)
    q = spikiness(X)
    if kind in ("gaussian", "achlioptas"):
        return np.full(X.shape[0], 2.0 / n)
    if kind == "very-sparse":
        return (2.0 + (np.sqrt(D) - 3.0) * q) / n
    dp = _padded(D)
    return 2.0 * (1.0 - q) / n * (dp - n) / (dp - 1)


# --------------------------------------------------------------------------- sweep


def _check_n_values(n_values) -> np.ndarray:
    return check_ints(n_values, "n_values", 1)


def sweep(X, n_values, kinds=KINDS, k: int = 10, fit_on=None, repeats: int = 1, rng=None) -> np.ndarray:
    """Fit every kind once and measure what it keeps of ``X`` at every dimension.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        The points to reduce, no two equal.
    n_values : array_like of int
        Target dimensions.  Every kind must accept the largest (see
        :func:`fit_reducer`).
    kinds : sequence of str
        Any of :data:`KINDS`.
    k : int
        Neighbours for :func:`knn_preservation`, ``1 <= k <= N - 1``.
    fit_on : array_like of shape (M, D), optional
        Fit the reducers on these points instead of ``X`` (out-of-sample use).
        Only PCA looks at them; the random kinds read only ``D``.
    repeats : int
        Fits and transforms are each timed ``repeats`` times and the best time
        is kept (timings on a busy machine are noisy).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    table : structured ndarray with the fields of ``SWEEP_FIELDS``
        One row per ``(kind, n)``, kinds in the order given, ``n`` increasing.
        With :math:`r_{ab} = \\|y_a - y_b\\|^2 / \\|x_a - x_b\\|^2` over all
        pairs: ``worst`` = :math:`\\max |r - 1|`, ``median`` = median
        :math:`|r - 1|`, ``mean_ratio`` and ``var_ratio`` = mean and variance of
        :math:`r`; ``knn`` = mean of :func:`knn_preservation`;
        ``transform_seconds`` = time to map all of ``X`` to ``n`` dimensions;
        ``nbytes`` = memory of the ``n``-dimensional map
        (:attr:`Reducer.nbytes`); ``fit_seconds`` = time to fit the map at the
        largest ``n`` (the same in every row of a kind).

    Notes
    -----
    Each kind is fitted once, at the largest ``n``; smaller dimensions use
    :meth:`Reducer.truncate`, so a random kind's curves over ``n`` come from one
    nested draw, and PCA's full decomposition (whose cost hardly depends on
    ``n``) is computed once.  All ``N x N`` squared distances are held in
    memory (``8 N^2`` bytes for ``X`` and as much for ``Y``), which is fine for
    a few thousand points.  For a random kind, ``var_ratio`` is close to the
    mean over pairs of :func:`ratio_variance` of the difference vectors.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((40, 8))
    >>> t = sweep(X, [8], kinds=["pca"], k=5)
    >>> float(t["worst"][0]) < 1e-10, float(t["knn"][0])   # PCA with n = D is a rotation
    (True, 1.0)
    """
    X = check_array(X, "X", ndim=2, accept_sparse=True, min_rows=3)
    N, D = X.shape
    n_values = np.unique(_check_n_values(n_values))
    if isinstance(kinds, str):
        raise TypeError("kinds must be a sequence of kind names, not a single string")
    kinds = check_values(kinds, "kinds", lambda kd: check_choice(kd, "kinds", KINDS))
    k = check_int(k, "k", 1, N - 1)
    repeats = check_int(repeats, "repeats", 1)
    gen = check_rng(rng)
    fit_X = X if fit_on is None else check_array(fit_on, "fit_on", ndim=2, accept_sparse=True)
    if fit_X.shape[1] != D:
        raise ValueError(f"fit_on must have {D} columns like X, got {fit_X.shape[1]}")

    dx, d2x = _exact_sqdist(X)
    diag = np.arange(N)
    d2x[diag, diag] = np.inf
    radius = np.partition(d2x, k - 1, axis=1)[:, k - 1]

    table = np.zeros(len(kinds) * n_values.size, dtype=list(SWEEP_FIELDS))
    row = 0
    for kind in kinds:
        n_max = int(n_values[-1])
        fit_s, full = best_time(lambda: fit_reducer(fit_X, n_max, kind, rng=gen), repeats)
        for n in n_values:
            red = full.truncate(int(n))
            tr_s, Y = best_time(lambda: red.transform(X), repeats)
            dy = _condensed_sqdist(np.asarray(Y, dtype=np.float64))
            r = dy / dx
            d2y = scipy.spatial.distance.squareform(dy, checks=False)
            mean, var = r.mean(), r.var()
            dev = np.abs(r - 1.0, out=r)
            worst, median = dev.max(), np.median(dev, overwrite_input=True)
            d2y[diag, diag] = np.inf
            nn_y = np.argpartition(d2y, k - 1, axis=1)[:, :k]
            knn = np.mean(d2x[diag[:, None], nn_y] <= radius[:, None])
            table[row] = (kind, n, worst, median, mean, var, knn, fit_s, tr_s, red.nbytes)
            row += 1
    return table


def random_pair_differences(X, n_pairs: int, rng=None):
    """Differences ``x_a - x_b`` of random pairs ``a != b`` of rows of ``X``.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
    n_pairs : int
        Number of pairs, drawn independently and uniformly among ordered pairs with ``a != b``.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ndarray or scipy.sparse.csr_matrix of shape (n_pairs, D)
        Sparse if ``X`` is.  Feed it to :func:`ratio_variance` to predict the
        spread of the distance ratios of a random projection of ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> random_pair_differences(np.eye(3), 4, rng=0).shape
    (4, 3)
    """
    X = check_array(X, "X", ndim=2, accept_sparse=True, min_rows=2)
    m = check_int(n_pairs, "n_pairs", 1)
    gen = check_rng(rng)
    N = X.shape[0]
    a = gen.integers(0, N, size=m)
    b = (a + gen.integers(1, N, size=m)) % N
    return X[a] - X[b]


def variance_check(X, table: np.ndarray, n_pairs: int = 2000, rng=None) -> np.ndarray:
    """Predicted against measured variance of the distance ratio, for each random row of a sweep.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        The points the sweep mapped.
    table : structured ndarray from :func:`sweep` on ``X``
        Rows of kind ``"pca"`` are skipped.
    n_pairs : int
        Random pairs over which the formula is averaged.
    rng : None, int or numpy.random.Generator
        Draws the pairs.

    Returns
    -------
    structured ndarray with fields ``kind``, ``n``, ``predicted``, ``measured``
        ``predicted`` is the mean of :func:`ratio_variance` over the difference
        vectors of ``n_pairs`` random pairs; ``measured`` is ``var_ratio`` of the
        table (the variance over all pairs of one draw of the map).

    Notes
    -----
    Within one draw the pairs share the map, so ``measured`` is a noisy
    estimate of the average per-pair variance: it fluctuates around
    ``predicted`` by a relative amount of order :math:`\\sqrt{2/n}` when the
    difference vectors are strongly aligned (image patches) and much less
    when they point in many directions.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((60, 16))
    >>> c = variance_check(X, sweep(X, [4], kinds=["gaussian"], rng=0), rng=0)
    >>> float(c["predicted"][0])
    0.5
    """
    X = check_array(X, "X", ndim=2, accept_sparse=True, min_rows=2)
    if not isinstance(table, np.ndarray) or table.dtype.names is None or "var_ratio" not in table.dtype.names:
        raise TypeError("table must be the structured array returned by sweep")
    diffs = random_pair_differences(X, n_pairs, rng)
    rows = table[table["kind"] != "pca"]
    out = np.zeros(rows.size, dtype=[("kind", "U11"), ("n", np.int64), ("predicted", float), ("measured", float)])
    for i, row in enumerate(rows):
        pred = ratio_variance(diffs, int(row["n"]), str(row["kind"])).mean()
        out[i] = (row["kind"], row["n"], pred, row["var_ratio"])
    return out


def dimension_to_reach(table: np.ndarray, kind: str, field: str, level: float) -> float:
    """Smallest dimension at which one kind of a :func:`sweep` table reaches a level.

    Parameters
    ----------
    table : structured ndarray from :func:`sweep`
    kind : str
        A kind present in ``table``.
    field : {"knn", "median", "worst"}
        ``"knn"`` must rise to ``level``; ``"median"`` and ``"worst"`` must fall to it.
    level : float
        Target value, ``>= 0``.

    Returns
    -------
    float
        ``n`` interpolated linearly in :math:`\\log_2 n` between the two grid
        points that bracket the first crossing; the smallest grid ``n`` if it
        already meets the level; ``nan`` if no grid point does.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.zeros(3, dtype=[("kind", "U11"), ("n", int), ("knn", float)])
    >>> t["kind"], t["n"], t["knn"] = "pca", [4, 8, 16], [0.2, 0.6, 0.9]
    >>> dimension_to_reach(t, "pca", "knn", 0.6)
    8.0
    """
    if not isinstance(table, np.ndarray) or table.dtype.names is None or "kind" not in table.dtype.names:
        raise TypeError("table must be the structured array returned by sweep")
    check_choice(field, "field", ("knn", "median", "worst"))
    level = check_real(level, "level", 0.0)
    sel = table[table["kind"] == kind]
    if sel.size == 0:
        raise ValueError(f"kind must be one of the kinds in table ({sorted(set(table['kind']))}), got {kind!r}")
    sel = np.sort(sel, order="n")
    n = sel["n"].astype(float)
    v = sel[field] if field == "knn" else -sel[field]
    target = level if field == "knn" else -level
    ok = np.flatnonzero(v >= target)
    if ok.size == 0:
        return float("nan")
    i = int(ok[0])
    if i == 0:
        return float(n[0])
    t = (target - v[i - 1]) / (v[i] - v[i - 1])
    return float(2 ** (np.log2(n[i - 1]) + t * (np.log2(n[i]) - np.log2(n[i - 1]))))


# --------------------------------------------------------------------------- frames of the static slider


def pair_ratio_sweep(X, n_values, kinds=("gaussian", "pca"), n_pairs: int = 2000, k: int = 10, rng=None) -> dict:
    """Distance ratios of random pairs and the share of nearest neighbours kept, for each kind and ``n``.

    The numbers behind one frame per target dimension of the chapter's frame
    slider: for each kind and each ``n``, the ratio
    :math:`r = \\|y_a - y_b\\|^2 / \\|x_a - x_b\\|^2` of ``n_pairs`` random
    pairs (the same pairs for every map), and the share of each point's ``k``
    nearest neighbours that the map keeps (as the ``knn`` field of :func:`sweep`).

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        Points without duplicate rows.
    n_values : sequence of int
        Target dimensions (sorted and deduplicated), each valid for every kind
        (at most ``min(N, D)`` with ``"pca"``).
    kinds : sequence of str
        Reducers among :data:`KINDS`.
    n_pairs : int
        Number of random pairs ``a != b`` whose ratios are returned.
    k : int
        Number of neighbours, ``1 <= k <= N - 1``.
    rng : None, int or numpy.random.Generator
        Draws the maps first, exactly as :func:`sweep` does with the same
        ``rng`` and ``kinds`` (one map per kind at the largest ``n``, truncated
        for the smaller ones), then the pairs.

    Returns
    -------
    dict
        ``n`` (ndarray of the dimensions), ``before`` (squared distances of
        the pairs, shape ``(n_pairs,)``), ``ratio`` (kind -> array of shape
        ``(len(n), n_pairs)``) and ``knn`` (kind -> array of shape ``(len(n),)``).

    Notes
    -----
    The random kinds are unbiased, :math:`\\mathbb E\\, r = 1`, with a spread
    that falls like :math:`1/\\sqrt n`; PCA is an orthogonal projection, so
    :math:`r \\le 1` for every pair, with equality at ``n = D``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((50, 8))
    >>> out = pair_ratio_sweep(X, [2, 8], n_pairs=100, k=5, rng=0)
    >>> bool(np.all(out["ratio"]["pca"] <= 1 + 1e-12)), bool(np.allclose(out["ratio"]["pca"][1], 1.0))
    (True, True)
    >>> float(out["knn"]["pca"][1])
    1.0
    """
    X = check_array(X, "X", ndim=2, accept_sparse=True, min_rows=3)
    N = X.shape[0]
    n_values = np.unique(_check_n_values(n_values))
    if isinstance(kinds, str):
        raise TypeError("kinds must be a sequence of kind names, not a single string")
    kinds = [check_choice(kd, "kinds", KINDS) for kd in kinds]
    m = check_int(n_pairs, "n_pairs", 1)
    k = check_int(k, "k", 1, N - 1)
    gen = check_rng(rng)
    fits = {kind: fit_reducer(X, int(n_values[-1]), kind, rng=gen) for kind in kinds}
    a = gen.integers(0, N, size=m)
    b = (a + gen.integers(1, N, size=m)) % N

    _, d2x = _exact_sqdist(X)
    diag = np.arange(N)
    d2x[diag, diag] = np.inf
    before = d2x[a, b]
    radius = np.partition(d2x, k - 1, axis=1)[:, k - 1]
    ratio = {kind: np.empty((n_values.size, m)) for kind in kinds}
    knn = {kind: np.empty(n_values.size) for kind in kinds}
    for kind in kinds:
        for i, n in enumerate(n_values):
            Y = fits[kind].truncate(int(n)).transform(X)
            Y = Y - Y.mean(axis=0)
            ratio[kind][i] = np.sum((Y[a] - Y[b]) ** 2, axis=1) / before
            d2y = _sqdist_rows(Y, _sq_norms(Y), slice(0, N))
            d2y[diag, diag] = np.inf
            nn_y = np.argpartition(d2y, k - 1, axis=1)[:, :k]
            knn[kind][i] = np.mean(d2x[diag[:, None], nn_y] <= radius[:, None])
    return {"n": n_values, "before": before, "ratio": ratio, "knn": knn}


# --------------------------------------------------------------------------- verdicts with uncertainty


def geometric_grid(low: int, high: int, per_octave: int = 3) -> np.ndarray:
    """Integers from ``low`` to ``high`` spaced evenly in :math:`\\log_2`, ``per_octave`` per doubling.

    Examples
    --------
    >>> geometric_grid(4, 32, 2).tolist()
    [4, 6, 8, 11, 16, 23, 32]
    """
    low = check_int(low, "low", 1)
    high = check_int(high, "high", low)
    per_octave = check_int(per_octave, "per_octave", 1)
    steps = int(np.ceil(np.log2(high / low) * per_octave))
    g = np.round(low * 2.0 ** (np.arange(steps + 1) / per_octave)).astype(np.int64)
    return np.unique(np.clip(g, low, high))


def knn_kept_curves(X, n_values, kind: str = "gaussian", n_seeds: int = 5, k: int = 10,
                    fit_on=None, rng=None) -> np.ndarray:
    """Share of each point's ``k`` nearest neighbours kept, for several draws of a map and many ``n``.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        The points to reduce, no two equal.
    n_values : array_like of int
        Target dimensions, each valid for ``kind`` (see :func:`fit_reducer`).
    kind : str
        One of :data:`KINDS`.
    n_seeds : int
        Independent draws of a random map, ``>= 1``.  PCA is deterministic and
        gets one row whatever ``n_seeds`` is.
    k : int
        Neighbours, ``1 <= k <= N - 1``.
    fit_on : array_like of shape (M, D), optional
        Fit PCA on these points instead of ``X`` (out-of-sample use).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ndarray of shape (n_seeds, len(n_values), N)
        Entry ``[s, i, a]``: the share of point ``a``'s ``k`` nearest neighbours
        (ties with the ``k``-th counted, as in :func:`knn_preservation`) kept by
        draw ``s`` of the map to ``n_values[i]`` dimensions; ``n_values`` sorted
        and deduplicated.

    Notes
    -----
    Each draw is fitted and applied once, at the largest ``n``; the map to
    ``n`` dimensions keeps its first ``n`` coordinates (:meth:`Reducer.truncate`
    also rescales them, which moves no neighbour).  The mean over points of
    one row is the ``knn`` field of :func:`sweep` for the same draw.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((40, 6))
    >>> c = knn_kept_curves(X, [2, 6], "pca", k=5)
    >>> c.shape, float(c[0, 1].mean())     # PCA with n = D keeps every neighbour
    ((1, 2, 40), 1.0)
    """
    X = check_array(X, "X", ndim=2, accept_sparse=True, min_rows=3)
    N = X.shape[0]
    n_values = np.unique(_check_n_values(n_values))
    check_choice(kind, "kind", KINDS)
    n_seeds = 1 if kind == "pca" else check_int(n_seeds, "n_seeds", 1)
    k = check_int(k, "k", 1, N - 1)
    gen = check_rng(rng)
    fit_X = X if fit_on is None else check_array(fit_on, "fit_on", ndim=2, accept_sparse=True)
    if fit_X.shape[1] != X.shape[1]:
        raise ValueError(f"fit_on must have {X.shape[1]} columns like X, got {fit_X.shape[1]}")
    _, d2x = _exact_sqdist(X)
    diag = np.arange(N)
    d2x[diag, diag] = np.inf
    radius = np.partition(d2x, k - 1, axis=1)[:, k - 1]
    out = np.empty((n_seeds, n_values.size, N))
    buf = np.empty((N, N), dtype=np.float32)
    for s in range(n_seeds):
        Y = fit_reducer(fit_X, int(n_values[-1]), kind, rng=gen).transform(X)
        Y = Y - Y.mean(axis=0)
        Y /= np.sqrt(np.mean(np.einsum("ij,ij->i", Y, Y))) or 1.0
        for i, n in enumerate(n_values):
            Yn = Y[:, : int(n)]
            # ranks within a row of |y_a - y_b|^2 are those of |y_b|^2 - 2 <y_a, y_b>: one product,
            # in single precision (relative rounding 1e-7 reorders only near-exact ties)
            left = np.hstack([-2.0 * Yn, np.ones((N, 1))]).astype(np.float32)
            right = np.hstack([Yn, np.einsum("ij,ij->i", Yn, Yn)[:, None]]).astype(np.float32)
            np.matmul(left, right.T, out=buf)
            buf[diag, diag] = np.inf
            nn_y = np.argpartition(buf, k - 1, axis=1)[:, :k]
            out[s, i] = np.mean(d2x[diag[:, None], nn_y] <= radius[:, None], axis=1)
    return out


def paired_difference(a, b) -> tuple[np.ndarray, np.ndarray]:
    """Mean difference of two :func:`knn_kept_curves` results and its standard error.

    Parameters
    ----------
    a, b : ndarray of shape (S_a, m, N) and (S_b, m, N)
        Per-point scores of two methods on the same ``N`` points and ``m``
        dimensions, over ``S_a`` and ``S_b`` random draws (1 for PCA).

    Returns
    -------
    mean, se : ndarray of shape (m,)
        :math:`\\bar d = \\frac1N\\sum_a (\\bar a_a - \\bar b_a)`, the mean over points
        of the seed-averaged per-point difference, and its standard error

        .. math:: \\mathrm{se}^2 = \\frac{s_d^2}{N} + \\frac{s^2_{A}}{S_a} + \\frac{s^2_{B}}{S_b},

        where :math:`s_d^2` is the variance over points of the per-point
        difference (the points are a sample of the data the method will meet)
        and :math:`s^2_A` the variance over draws of method ``a``'s mean score
        (a term only when ``S_a > 1``; likewise for ``b``).

    Notes
    -----
    The two terms cover the two sources of chance: which points the data set
    happens to hold, and which map was drawn.  Points' scores are not
    independent (neighbourhoods overlap), so the first term is an approximation;
    a difference beyond two standard errors is read as a win.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.ones((1, 2, 4)); b = np.zeros((3, 2, 4))
    >>> paired_difference(a, b)
    (array([1., 1.]), array([0., 0.]))
    """
    a = check_array(a, "a", ndim=3)
    b = check_array(b, "b", ndim=3)
    if a.shape[1:] != b.shape[1:]:
        raise ValueError(f"a and b must agree in their last two dimensions, got {a.shape} and {b.shape}")
    N = a.shape[2]
    if N < 2:
        raise ValueError("a and b must hold at least 2 points (last axis)")
    d = a.mean(axis=0) - b.mean(axis=0)
    var = d.var(axis=1, ddof=1) / N
    for x in (a, b):
        if x.shape[0] > 1:
            var = var + x.mean(axis=2).var(axis=0, ddof=1) / x.shape[0]
    return d.mean(axis=1), np.sqrt(var)


def winner_ranges(n_values, mean, se, z: float = 2.0) -> list[tuple[int, int, int]]:
    """Runs of consecutive grid points where one method wins beyond ``z`` standard errors.

    Parameters
    ----------
    n_values : array_like of int, sorted
    mean, se : array_like of shape (len(n_values),)
        A difference "a minus b" and its standard error (:func:`paired_difference`).
    z : float
        Number of standard errors a difference must exceed, ``> 0``.

    Returns
    -------
    list of (n_first, n_last, sign)
        ``sign`` is +1 where ``mean > z se`` (a wins), -1 where ``mean < -z se``
        (b wins) and 0 where neither, merged over consecutive grid points.

    Examples
    --------
    >>> winner_ranges([1, 2, 4, 8], [0.5, 0.1, -0.3, -0.4], [0.1, 0.1, 0.1, 0.1])
    [(1, 1, 1), (2, 2, 0), (4, 8, -1)]
    """
    n = check_array(n_values, "n_values", ndim=1)
    mean = check_array(mean, "mean", ndim=1)
    se = check_array(se, "se", ndim=1)
    if not (n.size == mean.size == se.size) or n.size == 0:
        raise ValueError("n_values, mean and se must be non-empty and of the same length")
    z = check_real(z, "z", 0.0, low_open=True)
    sign = np.where(mean > z * se, 1, np.where(mean < -z * se, -1, 0))
    runs: list[tuple[int, int, int]] = []
    for v, s in zip(n.astype(int), sign):
        if runs and runs[-1][2] == s:
            runs[-1] = (runs[-1][0], int(v), int(s))
        else:
            runs.append((int(v), int(v), int(s)))
    return runs


def describe_winner(n_values, mean, se, names=("PCA", "the Gaussian map"), z: float = 2.0) -> str:
    """One sentence, glued into a page, saying where each method wins beyond ``z`` standard errors.

    Parameters
    ----------
    n_values, mean, se, z
        As for :func:`winner_ranges` (the difference is "first name minus second").
    names : tuple of two str

    Returns
    -------
    str
        For example "PCA keeps more neighbours for n = 4 to 96 and 512 to 1024,
        the Gaussian map for n = 128 to 362; elsewhere the difference is within
        two standard errors."

    Examples
    --------
    >>> describe_winner([1, 2, 4, 8], [0.5, 0.1, -0.3, -0.4], [0.1, 0.1, 0.1, 0.1])
    'PCA keeps more neighbours for n = 1, the Gaussian map for n = 4 to 8; elsewhere the difference is within 2 standard errors.'
    """
    if len(names) != 2 or not all(isinstance(x, str) for x in names):
        raise TypeError("names must be a pair of strings")
    runs = winner_ranges(n_values, mean, se, z)

    def span(sign):
        parts = [f"{a}" if a == b else f"{a} to {b}" for a, b, s in runs if s == sign]
        if not parts:
            return None
        return "n = " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])

    win_a, win_b = span(1), span(-1)
    zs = f"{z:g}"
    if win_a is None and win_b is None:
        return f"Neither keeps more neighbours beyond {zs} standard errors at any n."
    bits = []
    if win_a is not None:
        bits.append(f"{names[0]} keeps more neighbours for {win_a}")
    if win_b is not None:
        bits.append((f"{names[1]} for {win_b}" if bits else f"{names[1]} keeps more neighbours for {win_b}"))
    tail = ("; elsewhere the difference is within " + zs + " standard errors.") if any(
        s == 0 for _, _, s in runs) else "."
    if win_a is None:
        tail = f"; {names[0]} never does beyond {zs} standard errors" + (
            ", and elsewhere the difference is within them." if any(s == 0 for _, _, s in runs) else ".")
    elif win_b is None:
        tail = f"; {names[1]} never does beyond {zs} standard errors" + (
            ", and elsewhere the difference is within them." if any(s == 0 for _, _, s in runs) else ".")
    return ", ".join(bits) + tail


# --------------------------------------------------------------------------- PCA as a linear autoencoder


def linear_autoencoder(X, n_components: int, n_iter: int = 3000, rng=None) -> dict:
    """Train a linear autoencoder ``x -> (x - mu) E -> (x - mu) E D + mu`` by gradient descent.

    Parameters
    ----------
    X : array_like of shape (N, D)
        Dense data, ``N >= 2``.
    n_components : int
        Width ``k`` of the hidden layer, ``1 <= k <= min(N, D)``.
    n_iter : int
        Full-batch gradient steps, ``>= 1``.
    rng : None, int or numpy.random.Generator
        Draws the small random start of ``E`` and ``D``.

    Returns
    -------
    dict
        ``encoder`` (D, k), ``decoder`` (k, D), ``loss`` (the mean squared
        reconstruction error :math:`\\frac1N\\|X_c - X_c E D\\|_F^2` after each
        step, shape ``(n_iter,)``) and ``pca_loss`` (the same error for PCA with
        ``k`` components, the global minimum).

    Notes
    -----
    The loss :math:`f(E, D) = \\frac1N\\|X_c - X_c E D\\|_F^2` has no spurious
    local minima: every local minimum is global, and at a global minimum the
    row space of ``D`` is the span of the top ``k`` right singular vectors of
    the centred data (Baldi & Hornik 1989), so the network learns the PCA
    subspace (not, in general, the principal axes themselves: any invertible
    ``k x k`` mixing of ``E`` and ``D`` gives the same map).  The data are
    scaled internally so that their top singular value is 1, and the step
    size is 0.2 in those units, below the inverse curvature near the
    minimum; convergence slows when the ``k``-th and ``k+1``-th singular
    values are close.

    References
    ----------
    Baldi, P. and Hornik, K. (1989). Neural networks and principal component analysis: learning from
    examples without local minima. Neural Networks 2(1), 53-58.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((200, 6)) * [5, 4, 3, 1, 0.5, 0.2]
    >>> ae = linear_autoencoder(X, 2, n_iter=2000, rng=0)
    >>> bool(ae["loss"][-1] <= ae["pca_loss"] * 1.001)
    True
    """
    X = check_array(X, "X", ndim=2, min_rows=2)
    N, D = X.shape
    k = check_int(n_components, "n_components", 1, min(N, D))
    n_iter = check_int(n_iter, "n_iter", 1)
    gen = check_rng(rng)
    Xc = X - X.mean(axis=0)
    s = scipy.linalg.svdvals(Xc)
    scale = s[0] if s[0] > 0 else 1.0
    Z = Xc / scale  # top singular value 1
    C = Z.T @ Z  # D x D: the loss and gradient need only C
    E = 0.01 * gen.standard_normal((D, k))
    Dm = 0.01 * gen.standard_normal((k, D))
    lr = 0.2
    loss = np.empty(n_iter)
    total = np.trace(C)
    for t in range(n_iter):
        CE = C @ E
        # f = tr(C) - 2 tr(E D C) + tr(D^T E^T C E D), here in scaled units
        loss[t] = total - 2 * np.sum(CE * Dm.T) + np.sum((E.T @ CE) * (Dm @ Dm.T))
        gE = -2 * C @ Dm.T + 2 * CE @ (Dm @ Dm.T)
        gD = -2 * CE.T + 2 * (E.T @ CE) @ Dm
        E -= lr * gE
        Dm -= lr * gD
    factor = scale**2 / N
    return {"encoder": E, "decoder": Dm, "loss": loss * factor,
            "pca_loss": float(np.sum(s[k:] ** 2) / N)}
