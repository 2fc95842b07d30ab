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

from ._validation import check_array, check_choice, check_int, check_rng, is_dask_array
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
        ``D'`` must be a power of two.  float32 input gives float32 output;
        anything else is computed in float64.

    Returns
    -------
    ndarray of shape (N, D')
        ``X @ H.T / sqrt(D')`` with ``H`` the Sylvester-ordered Hadamard matrix
        (``scipy.linalg.hadamard``), without forming the ``D' x D'`` matrix.

    Notes
    -----
    The Sylvester Hadamard matrix is a Kronecker product of small ones,
    :math:`H_{D'} = H_{s_1} \otimes \cdots \otimes H_{s_L}` with
    :math:`s_1 \cdots s_L = D'`.  Reshaping a row to an
    :math:`s_1 \times \cdots \times s_L` array, the transform multiplies each
    axis by its factor.  With factors of at most 64 (:math:`L = \lceil \log_2 D' / 6
    \rceil`) this costs :math:`2 D' \sum_i s_i \le 128\, D' \lceil \log_2 D'/6\rceil`
    operations per row, :math:`O(D' \log D')` like the butterfly's
    :math:`D' \log_2 D'` additions, but in :math:`L` matrix products at BLAS speed
    instead of :math:`\log_2 D'` NumPy passes.  Rows are processed in blocks of
    about a megabyte, so the work stays in cache and the only full-size array
    allocated is the output.

    Examples
    --------
    >>> import numpy as np, scipy.linalg
    >>> x = np.arange(4.0)[None, :]
    >>> np.allclose(fwht(x), x @ scipy.linalg.hadamard(4).T / 2)
    True
    """
    dtype = np.float32 if getattr(X, "dtype", None) == np.float32 else np.float64
    X = check_array(X, "X", ndim=2, dtype=dtype)
    n, d = X.shape
    if d & (d - 1):
        raise ValueError(f"X must have a power-of-two number of columns, got {d}")
    out = np.empty((n, d), dtype=dtype)
    step = _block_rows(d)
    sizes = _factor_sizes(d, 6)
    scale = dtype(1.0 / np.sqrt(d))
    for start in range(0, n, step):
        T = X[start : start + step]
        b = T.shape[0]
        left = 1
        for s in sizes:
            right = d // (left * s)
            H = _hadamard(s, dtype)
            if right == 1:
                T = T.reshape(-1, s) @ H
            else:
                T = np.matmul(H, T.reshape(b * left, s, right))
            left *= s
        np.multiply(T.reshape(b, d), scale, out=out[start : start + step])
    return out


def _factor_sizes(d: int, max_bits: int) -> list[int]:
    """Powers of two with product ``d``, each at most ``2**max_bits``, as equal as possible."""
    k = d.bit_length() - 1
    levels = max(1, -(-k // max_bits))
    bits = [k // levels + (i < k % levels) for i in range(levels)]
    return [1 << b for b in bits]


def _block_rows(d: int) -> int:
    """Rows per block so that a block of ``d`` float64 columns is about 1 MB (stays in cache)."""
    return max(1, (1 << 17) // d)


@functools.lru_cache(maxsize=32)
def _hadamard(n: int, dtype=np.float64) -> np.ndarray:
    """The Sylvester Hadamard matrix of order ``n`` (cached, read-only)."""
    H = scipy.linalg.hadamard(n).astype(dtype)
    H.setflags(write=False)
    return H


def _srht_apply(X, signs: np.ndarray, cols: np.ndarray, dtype) -> np.ndarray:
    r"""``(H_{D'} D_sigma x)[cols]`` for every row ``x`` of ``X`` (orthonormal ``H``), without computing the other outputs.

    With :math:`H_{D'} = H_a \otimes H_b`, a row reshaped to an :math:`a \times b`
    matrix :math:`M` has transform :math:`H_a M H_b`, and output
    :math:`(j_1, j_2)` is :math:`H_a[j_1, :]\,(M H_b)[:, j_2]`.  So one product
    with :math:`H_b` (:math:`2D'b` operations per row) followed, for each
    column :math:`c` of :math:`MH_b`, by one product with the rows of
    :math:`H_a` that the sample needs there (:math:`2an` in all) gives the
    :math:`n` sampled outputs in :math:`2D'(b + n/b)` operations, least for
    :math:`b \approx \sqrt n`; the full transform would cost more, and a dense
    Gaussian map :math:`2D'n`.  Rows go in blocks of about a megabyte, so the
    only full-size array is the input: one block buffer, then the output.
    """
    N, d = X.shape
    dp = 1 << (d - 1).bit_length()
    n = cols.size
    k = dp.bit_length() - 1
    kb = min(k, max(0, round(np.log2(max(n, 1)) / 2)))
    b, a = 1 << kb, dp >> kb
    Hb = _hadamard(b, dtype)
    j1, j2 = np.divmod(np.asarray(cols), b)
    # group the sampled outputs by their column j2 = c of M H_b; group c needs the rows j1 of H_a,
    # stacked (zero-padded to the largest group) into one b x a x g matrix for a single batched product
    counts = np.bincount(j2, minlength=b)
    g = int(counts.max())
    slot = np.empty(n, dtype=np.int64)
    order = np.argsort(j2, kind="stable")
    slot[order] = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    rows_of_h = np.zeros((b, g), dtype=np.int64)
    rows_of_h[j2, slot] = j1
    parity = np.bitwise_count(np.arange(a)[None, :, None] & rows_of_h[:, None, :]) & 1  # H_a[i, j] = (-1)^popcount(i & j)
    scale = 1.0 / np.sqrt(dp)
    G = np.where(parity == 1, -scale, scale).astype(dtype)  # (b, a, g); padding columns are never picked
    pick = j2 * g + slot  # output t is entry (j2_t, slot_t) of the (b, g) result of its row
    out = np.empty((N, n), dtype=dtype)
    step = _block_rows(dp)
    sgn = signs.astype(dtype)
    # block-sized work arrays, allocated once (a fresh megabyte per block would cost page faults)
    rows_max = min(step, N)
    buf = np.zeros((rows_max, dp), dtype=dtype)
    W_buf = np.empty((rows_max, b, a), dtype=dtype)
    R_buf = np.empty((b, rows_max, g), dtype=dtype)
    T_buf = np.empty((rows_max, b, g), dtype=dtype)
    for start in range(0, N, step):
        block = X[start : start + step]
        rows = block.shape[0]
        block = block.toarray() if sp.issparse(block) else block
        np.multiply(block, sgn, out=buf[:rows, :d])
        # (M H_b)^T per row: H_b (b x b) times M^T (b x a), as rows x b x a
        W = np.matmul(Hb, buf[:rows].reshape(rows, a, b).transpose(0, 2, 1), out=W_buf[:rows])
        R = np.matmul(W.transpose(1, 0, 2), G, out=R_buf[:, :rows])  # (b, rows, g): column c times its rows of H_a
        T = T_buf[:rows]
        T[...] = R.transpose(1, 0, 2)
        np.take(T.reshape(rows, b * g), pick, axis=1, out=out[start : start + rows])
    return out


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
        cols = gen.choice(dp, size=n_max, replace=False)
        Z = _srht_apply(X, signs, cols, X.dtype.type)
        return Z, lambda n: float(np.sqrt(dp / n))
    R = _draw_rows(n_max, d, kind, gen).astype(X.dtype)  # the same draws for float32 and float64 input
    Z = X @ R.T
    Z = Z.toarray() if sp.issparse(Z) else np.asarray(Z)
    return Z, lambda n: 1.0 / float(np.sqrt(n))


def random_projection(X, n_components: int, kind: str = "gaussian", rng=None) -> np.ndarray:
    """Project the rows of ``X`` to ``n_components`` dimensions with a random map.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        Points as rows.  Sparse input is accepted by ``"gaussian"``,
        ``"achlioptas"`` and ``"very-sparse"``.  A ``dask.array.Array`` chunked by
        rows gives a lazy dask array, computed block by block
        (:func:`jl_lab.scale_out.dask_random_projection`).
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
    if is_dask_array(X):  # lazy, block by block (jl_lab.scale_out imports dask)
        from .scale_out import dask_random_projection

        return dask_random_projection(X, check_int(n_components, "n_components", 1), kind, check_rng(rng))
    X = check_array(X, "X", ndim=2, accept_sparse=kind != "srht", dtype=_float_dtype(X))
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
    Z *= scale(n)
    return Z


def _float_dtype(X):
    """float32 for float32 input (kept end to end), float64 for anything else."""
    return np.float32 if getattr(X, "dtype", None) == np.float32 else np.float64


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
