"""Random projections that preserve squared distances in expectation.

A random projection maps ``x`` in R^D to ``y = R x`` in R^n with a random
``n x D`` matrix ``R`` whose rows satisfy ``E[R^T R] = I``, so that
``E ||R x||^2 = ||x||^2`` for every ``x``.  The Johnson-Lindenstrauss lemma says
that ``n = O(log N / eps^2)`` rows keep all ``N(N-1)/2`` squared distances of
``N`` points within a factor ``1 +- eps`` with high probability.  This module
offers four kinds of ``R``:

* ``"gaussian"``: i.i.d. N(0, 1/n) entries [Johnson & Lindenstrauss 1984; Dasgupta & Gupta 2003];
* ``"achlioptas"``: ``sqrt(3/n) * {+1, 0, -1}`` with probabilities ``{1/6, 2/3, 1/6}`` [Achlioptas 2003];
* ``"very-sparse"``: ``sqrt(s/n) * {+1, 0, -1}`` with probabilities
  ``{1/(2s), 1 - 1/s, 1/(2s)}`` and ``s = sqrt(D)`` [Li, Hastie & Church 2006];
* ``"srht"``: the subsampled randomized Hadamard transform
  ``sqrt(D'/n) * S H D_sigma x``: random signs, the orthonormal Walsh-Hadamard
  transform (applied in ``O(D' log D')`` without forming a matrix; ``x`` is
  zero-padded to ``D' = 2^ceil(log2 D)``), then ``n`` coordinates sampled without
  replacement [Ailon & Chazelle 2006; Tropp 2011].

References
----------
.. [1] Johnson, W. B. and Lindenstrauss, J. (1984). Extensions of Lipschitz mappings into a Hilbert space.
.. [2] Dasgupta, S. and Gupta, A. (2003). An elementary proof of a theorem of Johnson and Lindenstrauss.
.. [3] Achlioptas, D. (2003). Database-friendly random projections. JCSS 66(4).
.. [4] Li, P., Hastie, T. and Church, K. (2006). Very sparse random projections. KDD.
.. [5] Ailon, N. and Chazelle, B. (2006). The fast Johnson-Lindenstrauss transform. STOC.
.. [6] Tropp, J. A. (2011). Improved analysis of the subsampled randomized Hadamard transform.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from ._validation import check_array, check_choice, check_int, check_rng
from ._validation import DataDimensionalityWarning, check_size

__all__ = [
    "KINDS",
    "random_projection",
    "projection_matrix",
    "fwht",
    "pairwise_distortion",
    "max_distortion",
]

#: The kinds of random projection this module implements.
KINDS = ("gaussian", "achlioptas", "very-sparse", "srht")


def projection_matrix(n_components: int, n_features: int, kind: str = "gaussian", rng=None):
    """Draw the ``n_components x n_features`` matrix ``R`` of a random projection.

    Parameters
    ----------
    n_components : int
        Target dimension ``n >= 1``.
    n_features : int
        Original dimension ``D >= 1``.
    kind : {"gaussian", "achlioptas", "very-sparse"}
        ``"srht"`` has no stored matrix (it is applied as a fast transform); use
        :func:`random_projection` for it.
    rng : None, int or numpy.random.Generator
        Source of randomness.

    Returns
    -------
    R : ndarray or scipy.sparse.csr_matrix
        Dense for ``"gaussian"`` and ``"achlioptas"``, CSR for ``"very-sparse"``.
        Scaled so that ``E[R.T @ R] = I``.

    Notes
    -----
    Each entry has mean 0 and variance ``1/n``, hence
    :math:`\\mathbb{E}\\|Rx\\|^2 = \\|x\\|^2`.  For ``"very-sparse"`` the entries are
    :math:`\\sqrt{s/n}\\,\\{+1, 0, -1\\}` with probabilities
    :math:`\\{1/2s, 1-1/s, 1/2s\\}`, :math:`s=\\sqrt{D}` (Li, Hastie & Church 2006).

    Examples
    --------
    >>> R = projection_matrix(3, 5, rng=0)
    >>> R.shape
    (3, 5)
    """
    n = check_int(n_components, "n_components", 1)
    d = check_int(n_features, "n_features", 1)
    check_choice(kind, "kind", KINDS[:3])
    gen = check_rng(rng)
    return _draw_rows(n, d, kind, gen) / np.sqrt(n)


def _draw_rows(n: int, d: int, kind: str, gen: np.random.Generator):
    """Unscaled rows (entries of unit variance); row ``i`` is independent of the others."""
    if kind == "gaussian":
        return gen.standard_normal((n, d))
    if kind == "achlioptas":
        u = gen.random((n, d))
        return np.sqrt(3.0) * ((u < 1 / 6).astype(float) - (u > 5 / 6).astype(float))
    # very sparse: each entry non-zero independently with probability 1/s
    s = np.sqrt(d)
    total = n * d
    k = gen.binomial(total, 1.0 / s)
    flat = gen.choice(total, size=k, replace=False)
    rows, cols = np.divmod(flat, d)
    vals = np.sqrt(s) * gen.choice(np.array([-1.0, 1.0]), size=k)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, d))


def fwht(X: np.ndarray) -> np.ndarray:
    r"""Orthonormal Walsh-Hadamard transform of each row of ``X``.

    Parameters
    ----------
    X : ndarray of shape (N, D')
        ``D'`` must be a power of two.

    Returns
    -------
    ndarray of shape (N, D')
        ``X @ H.T / sqrt(D')`` with ``H`` the Sylvester-ordered Hadamard matrix
        (``scipy.linalg.hadamard``), without forming the ``D' x D'`` matrix.

    Notes
    -----
    The Sylvester Hadamard matrix factors as a Kronecker product
    :math:`H_{D'} = H_a \otimes H_b` with :math:`ab = D'`, so reshaping each row
    to an :math:`a \times b` matrix :math:`M` gives :math:`H_{D'} x =
    \operatorname{vec}(H_a M H_b)` (both factors are symmetric).  With
    :math:`a \approx b \approx \sqrt{D'}` this costs :math:`2 N D' \sqrt{D'}`
    multiply-adds in two BLAS calls, instead of the :math:`N D' \log_2 D'`
    additions of the butterfly recursion in :math:`\log_2 D'` NumPy passes:
    more arithmetic, but about five times less time at the sizes of this book
    (``benchmarks/bench_reducers.py`` measures both against the dense product).
    The butterfly's :math:`O(D' \log D')` is what the SRHT's complexity claims
    of Ailon and Chazelle (2006) refer to.

    Examples
    --------
    >>> import numpy as np, scipy.linalg
    >>> x = np.arange(4.0)[None, :]
    >>> np.allclose(fwht(x), x @ scipy.linalg.hadamard(4).T / 2)
    True
    """
    X = check_array(X, "X", ndim=2)
    n, d = X.shape
    if d & (d - 1):
        raise ValueError(f"X must have a power-of-two number of columns, got {d}")
    k = d.bit_length() - 1
    a = 1 << (k // 2)
    b = d // a
    Ha = _hadamard(a)
    Hb = _hadamard(b)
    M = np.matmul(Ha, X.reshape(n, a, b) @ Hb)
    return M.reshape(n, d) / np.sqrt(d)


@functools.lru_cache(maxsize=16)
def _hadamard(n: int) -> np.ndarray:
    """The Sylvester Hadamard matrix of order ``n`` as float64 (cached, read-only)."""
    H = scipy.linalg.hadamard(n).astype(np.float64)
    H.setflags(write=False)
    return H


def _projected_columns(X, n_max: int, kind: str, gen: np.random.Generator):
    """Return ``(Z, scale)`` such that ``Z[:, :n] * scale(n)`` is an n-dim projection of ``X``.

    The first ``n`` columns of ``Z`` use the first ``n`` rows of one draw of ``R``,
    so projections to nested dimensions share their randomness.  That is what
    makes the bisection in :func:`jl_lab.bounds.empirical_min_dim` well posed.
    """
    d = X.shape[1]
    if kind == "srht":
        if sp.issparse(X):
            raise TypeError("X must be dense for kind='srht' (the Hadamard transform mixes every coordinate)")
        dp = 1 << (d - 1).bit_length()
        if n_max > dp:
            raise ValueError(
                f"n_components must be <= {dp} (the padded dimension) for kind='srht', got {n_max}"
            )
        signs = gen.choice(np.array([-1.0, 1.0]), size=d)
        padded = np.zeros((X.shape[0], dp))
        padded[:, :d] = X * signs
        cols = gen.choice(dp, size=n_max, replace=False)
        Z = fwht(padded)[:, cols]
        return Z, lambda n: np.sqrt(dp / n)
    R = _draw_rows(n_max, d, kind, gen)
    Z = X @ R.T
    Z = Z.toarray() if sp.issparse(Z) else np.asarray(Z)
    return Z, lambda n: 1.0 / np.sqrt(n)


def random_projection(X, n_components: int, kind: str = "gaussian", rng=None) -> np.ndarray:
    """Project the rows of ``X`` to ``n_components`` dimensions with a random map.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        Points as rows.  Sparse input is accepted by ``"gaussian"``,
        ``"achlioptas"`` and ``"very-sparse"``.
    n_components : int
        Target dimension ``n >= 1``.  For ``"srht"``, at most the padded
        dimension ``2^ceil(log2 D)``.
    kind : {"gaussian", "achlioptas", "very-sparse", "srht"}
        Which random matrix (see the module docstring).
    rng : None, int or numpy.random.Generator
        Source of randomness; the same seed gives the same projection.

    Returns
    -------
    Y : ndarray of shape (N, n_components)

    Warns
    -----
    DataDimensionalityWarning
        If ``n_components > D`` (as scikit-learn's random projections warn).

    Notes
    -----
    Every kind satisfies :math:`\\mathbb{E}\\|y\\|^2 = \\|x\\|^2`; the variance of
    :math:`\\|y\\|^2/\\|x\\|^2` is :math:`2/n` for the Gaussian kind and
    :math:`2/n + (\\kappa-3)\\sum_j x_j^4/(n\\|x\\|^4)` for entries with kurtosis
    :math:`\\kappa` (Li, Hastie & Church 2006, Lemma 1).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.eye(8)
    >>> random_projection(X, 4, kind="srht", rng=0).shape
    (8, 4)
    """
    check_choice(kind, "kind", KINDS)
    X = check_array(X, "X", ndim=2, accept_sparse=kind != "srht")
    n = check_int(n_components, "n_components", 1)
    check_size(n * (X.shape[0] + X.shape[1]), "n_components")
    if n > X.shape[1]:
        warnings.warn(
            f"n_components={n} > n_features={X.shape[1]}: the projection has more dimensions than the data "
            "(allowed, as the lemma does not need n <= D, but it reduces nothing)",
            DataDimensionalityWarning, stacklevel=2,
        )
    gen = check_rng(rng)
    Z, scale = _projected_columns(X, n, kind, gen)
    return Z * scale(n)


def _condensed_sqdist(Y: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances of the rows of ``Y`` in ``pdist`` order, through one Gram matrix.

    Rows are centred first (distances do not change) to limit cancellation in
    ``|a|^2 + |b|^2 - 2 a.b``.
    """
    Y = Y - Y.mean(axis=0)
    sq = np.einsum("ij,ij->i", Y, Y)
    G = Y @ Y.T
    i, j = _triu(Y.shape[0])
    d = np.maximum(sq[i] + sq[j] - 2.0 * G[i, j], 0.0)
    # Where cancellation can have eaten the answer (a distance below 1e-6 of the norms, which holds
    # all the Gram formula's rounding error), recompute from the differences: nearly duplicate rows
    # keep their tiny, exact distance instead of rounding to zero.
    close = np.flatnonzero(d <= 1e-6 * (sq[i] + sq[j]))
    if close.size:
        diff = Y[i[close]] - Y[j[close]]
        d[close] = np.einsum("ij,ij->i", diff, diff)
    return d


@functools.lru_cache(maxsize=8)
def _triu(n: int):
    """Row and column indices of the strict upper triangle, in pdist's condensed order (cached)."""
    return np.triu_indices(n, 1)


def _dense(X) -> np.ndarray:
    return X.toarray() if sp.issparse(X) else X


def pairwise_distortion(X, Y) -> np.ndarray:
    """Ratios of squared pairwise distances after and before a map.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        Original points, no two equal.
    Y : array_like of shape (N, n)
        The same points after the map.

    Returns
    -------
    ratios : ndarray of shape (N * (N - 1) / 2,)
        :math:`\\|y_a - y_b\\|^2 / \\|x_a - x_b\\|^2` for all pairs ``a < b``, in the
        condensed order of :func:`scipy.spatial.distance.pdist`.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    >>> pairwise_distortion(X, 2 * X)
    array([4., 4., 4.])
    """
    X = check_array(X, "X", ndim=2, accept_sparse=True, min_rows=2)
    Y = check_array(Y, "Y", ndim=2, min_rows=2)
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X and Y must have the same number of rows, got {X.shape[0]} and {Y.shape[0]}")
    dx = _condensed_sqdist(_dense(X))
    if np.any(dx <= 0):
        raise ValueError("X must not contain duplicate rows (a zero distance has no distortion ratio)")
    return _condensed_sqdist(Y) / dx


def max_distortion(X, Y) -> float:
    """Worst relative change of a squared pairwise distance: ``max |ratio - 1|``.

    Parameters
    ----------
    X, Y : array_like
        As in :func:`pairwise_distortion`.

    Returns
    -------
    float
        The smallest ``eps`` for which the map is an ``eps``-embedding of the
        points in the sense of the Johnson-Lindenstrauss lemma.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    >>> float(max_distortion(X, 1.1 * X))  # doctest: +ELLIPSIS
    0.21...
    """
    return float(np.max(np.abs(pairwise_distortion(X, Y) - 1.0)))
