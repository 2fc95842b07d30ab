"""Beyond one machine: the book's sketches on Dask arrays that do not fit in memory.

A Johnson-Lindenstrauss map is one small matrix applied to every row, so a
matrix stored as blocks of rows can be projected (or sign-coded) block by
block, with no communication between blocks: :func:`dask_random_projection`
and :func:`dask_sign_codes` are ``map_blocks`` of the NumPy functions, each
block drawing the same random matrix from a copy of the same generator state,
so that the result equals the NumPy path for the same seed.  The randomized
SVD needs global reductions, but only of small ``n x l`` matrices:
:func:`dask_randomized_svd` makes ``q + 1`` passes over the rows (one per power
iteration, one for the final range basis), each a sum of per-block products
``A_i^T (A_i Z)`` or a TSQR of the blocks ``A_i Z``, and returns ``U`` as a lazy
product ``A T`` (one more pass when it is computed).

Data on disk: :func:`write_npy_blocks` writes a tall matrix of known singular
values as ``.npy`` row blocks, and :func:`open_npy_blocks` opens them as a lazy
dask array whose loader counts bytes read and the peak of loaded bytes alive at
once (:func:`read_stats`), which is how the book measures passes and memory.

Everything computes through ``dask.compute``: inside ``with Client(...)`` (or
after creating one) on a ``distributed`` cluster, otherwise on the local
threaded scheduler.  :func:`start_client` starts the embedded
``distributed.LocalCluster``, or connects to the scheduler whose address is in
the environment variable :data:`SCHEDULER_ENV`.  ``dask`` and ``distributed``
are imported only inside these functions: the rest of ``jl_lab`` works without
them.

References
----------
.. [1] Halko, N., Martinsson, P.-G. and Tropp, J. A. (2011). Finding structure with randomness.
   SIAM Review 53(2), 217-288 (Section 5.5 on passes over the data; Algorithm 4.4).
.. [2] Demmel, J., Grigori, L., Hoemmen, M. and Langou, J. (2012). Communication-optimal parallel
   and sequential QR and LU factorizations. SIAM J. Sci. Comput. 34(1) (TSQR).
.. [3] Dask Development Team (2016). Dask: library for dynamic task scheduling. https://dask.org
   (``dask.array.linalg.svd_compressed``).
"""

from __future__ import annotations

import copy
import json
import os
import threading
import time
import weakref
from pathlib import Path

import numpy as np
import scipy.linalg as sla

from ._validation import check_array, check_choice, check_int, check_real, check_rng, is_dask_array

__all__ = [
    "SCHEDULER_ENV",
    "is_dask_array",
    "check_dask_array",
    "dask_random_projection",
    "dask_sign_codes",
    "dask_randomized_svd",
    "dask_single_pass_svd",
    "start_client",
    "write_npy_blocks",
    "open_npy_blocks",
    "data_directory",
    "read_stats",
    "reset_read_stats",
    "measure",
    "fit_line",
    "compare_svd",
    "scaling",
]

#: Environment variable holding a scheduler address (``tcp://host:8786``); unset means the embedded cluster.
SCHEDULER_ENV = "JL_LAB_SCHEDULER"

#: Number of partial results combined per node of the tree reductions.
_SPLIT_EVERY = 8


# ---------------------------------------------------------------------------
# validation of a dask array
# ---------------------------------------------------------------------------


def check_dask_array(X, name: str = "X", min_rows: int = 1, min_cols: int = 1):
    """Check that ``X`` is a 2-D real dask array chunked by rows only, with known chunk sizes.

    Parameters
    ----------
    X : dask.array.Array
        The matrix; rows are the distributed axis.
    name : str
        Parameter name used in error messages.
    min_rows, min_cols : int
        Smallest accepted shape.

    Returns
    -------
    X : dask.array.Array
        Unchanged (nothing is computed: NaN and infinity are refused block by
        block when the result is computed).

    Raises
    ------
    TypeError
        Not a dask array, or a dtype that is not real numeric (complex, object, strings).
    ValueError
        Not 2-D, unknown chunk sizes (``NaN`` in ``X.chunks``; call
        ``X.compute_chunk_sizes()``), more than one chunk along the columns
        (``X.rechunk({1: -1})``), or too few rows or columns.

    Examples
    --------
    >>> import dask.array as da
    >>> X = da.zeros((10, 4), chunks=(5, 2))
    >>> check_dask_array(X)
    Traceback (most recent call last):
    ...
    ValueError: X must be chunked by rows only: got 2 chunks along the columns (chunks (2, 2)); use X.rechunk({1: -1})
    """
    if not is_dask_array(X):
        raise TypeError(f"{name} must be a dask.array.Array, got {type(X).__name__}")
    if X.ndim != 2:
        raise ValueError(f"{name} must have 2 dimensions, got shape {X.shape}")
    kind = np.dtype(X.dtype).kind
    if kind == "c":
        raise TypeError(f"{name} must be real, got dtype {X.dtype}")
    if kind not in "fiub":
        raise TypeError(f"{name} must be a numeric array, got dtype {X.dtype}")
    if any(np.isnan(c) for axis in X.chunks for c in axis):
        raise ValueError(
            f"{name} has unknown chunk sizes (NaN in {name}.chunks, e.g. after boolean indexing); "
            f"call {name}.compute_chunk_sizes() first"
        )
    if len(X.chunks[1]) != 1:
        raise ValueError(
            f"{name} must be chunked by rows only: got {len(X.chunks[1])} chunks along the columns "
            f"(chunks {X.chunks[1]}); use {name}.rechunk({{1: -1}})"
        )
    rows, cols = X.shape
    if rows < min_rows:
        raise ValueError(f"{name} must have at least {min_rows} row(s), got shape {X.shape}")
    if cols < min_cols:
        raise ValueError(f"{name} must have at least {min_cols} column(s), got shape {X.shape}")
    return X


# ---------------------------------------------------------------------------
# maps applied block by block
# ---------------------------------------------------------------------------


def _apply_block(b, func, args: tuple, state: dict, width: int, dtype):
    """``func(b, *args, rng=...)`` with a fresh generator in ``state`` (an empty block gives an empty result)."""
    if b.shape[0] == 0:
        return np.empty((0, width), dtype=dtype)
    gen = np.random.Generator(getattr(np.random, state["bit_generator"])())
    gen.bit_generator.state = state
    return func(b, *args, rng=gen)


def _blockwise(X, func, args: tuple, gen: np.random.Generator, token: str):
    """``map_blocks`` of ``func(block, *args, rng=copy of gen)``: every block draws the same random matrix.

    The NumPy functions draw their random matrix from ``rng`` before touching
    the rows and draw a number of values that does not depend on the number of
    rows, so the generator's state given to every block reproduces the NumPy
    result on the whole matrix.  One call on a single row of ones advances the
    caller's generator exactly as the NumPy path would, and tells the width
    and dtype of the output.
    """
    state = copy.deepcopy(gen.bit_generator.state)
    probe = func(np.ones((1, X.shape[1]), dtype=X.dtype), *args, rng=gen)
    width, dtype = probe.shape[1], probe.dtype
    return X.map_blocks(
        _apply_block,
        func,
        args,
        state,
        width,
        dtype,
        dtype=dtype,
        chunks=(X.chunks[0], (width,)),
        token=token,
        meta=np.empty((0, 0), dtype),
    )


def dask_random_projection(X, n_components: int, kind: str = "gaussian", rng=None):
    """Lazy, block-parallel :func:`jl_lab.projections.random_projection` of a dask array.

    Parameters
    ----------
    X : dask.array.Array of shape (N, D)
        Chunked by rows only, known chunk sizes (see :func:`check_dask_array`).
    n_components : int
        Target dimension ``n >= 1``.
    kind : {"gaussian", "achlioptas", "very-sparse", "srht"}
        As in :func:`jl_lab.projections.random_projection`.
    rng : None, int or numpy.random.Generator
        The same seed gives the same matrix ``R`` as the NumPy path, hence the same result.

    Returns
    -------
    Y : dask.array.Array of shape (N, n_components)
        Chunked like ``X``; computing block ``i`` reads only block ``i`` of ``X``.

    Notes
    -----
    :math:`Y_i = X_i R^\\top` for every row block :math:`X_i`: one pass over the
    data, no communication between blocks.  NaN or infinity in a block raise
    ``ValueError`` when that block is computed.

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> from jl_lab.projections import random_projection
    >>> X = np.random.default_rng(0).standard_normal((40, 16))
    >>> Y = random_projection(da.from_array(X, chunks=(10, 16)), 4, rng=1)
    >>> bool(np.allclose(Y.compute(), random_projection(X, 4, rng=1)))
    True
    """
    from . import projections

    check_choice(kind, "kind", projections.KINDS)
    n = check_int(n_components, "n_components", 1)
    gen = check_rng(rng)
    check_dask_array(X, "X")
    return _blockwise(X, projections.random_projection, (n, kind), gen, "jl-random-projection")


def dask_sign_codes(X, n_bits: int, rng=None):
    """Lazy, block-parallel :func:`jl_lab.lsh.sign_codes` of a dask array.

    Parameters
    ----------
    X : dask.array.Array of shape (N, D)
        Chunked by rows only; no zero row.
    n_bits : int
        Number of random hyperplanes, ``>= 1``.
    rng : None, int or numpy.random.Generator
        The same seed gives the same hyperplanes as the NumPy path.

    Returns
    -------
    codes : dask.array.Array of uint8, shape (N, ceil(n_bits / 8))
        Packed codes, chunked like ``X``.

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> from jl_lab.lsh import sign_codes
    >>> X = np.random.default_rng(0).standard_normal((40, 16))
    >>> C = sign_codes(da.from_array(X, chunks=(10, 16)), 12, rng=1)
    >>> bool(np.array_equal(C.compute(), sign_codes(X, 12, rng=1)))
    True
    """
    from . import lsh

    n_bits = check_int(n_bits, "n_bits", 1)
    gen = check_rng(rng)
    check_dask_array(X, "X")
    return _blockwise(X, lsh.sign_codes, (n_bits,), gen, "jl-sign-codes")


# ---------------------------------------------------------------------------
# randomized SVD in q + 1 passes
# ---------------------------------------------------------------------------


def _finite_block(b, name: str) -> np.ndarray:
    b = np.asarray(b, dtype=np.float64)
    if not np.all(np.isfinite(b)):
        raise ValueError(f"{name} must not contain NaN or infinity (found in a block of {b.shape[0]} rows)")
    return b


def _r_factor(Y: np.ndarray, size: int) -> np.ndarray:
    """R of a Householder QR of ``Y``, padded with zero rows to ``size x size``."""
    R = sla.qr(Y, mode="r", check_finite=False)[0][:size]
    if R.shape[0] < size:
        R = np.vstack([R, np.zeros((size - R.shape[0], size))])
    return R


def _pass_block(b, Z: np.ndarray, name: str, want_h: bool, want_r: bool):
    """One block's share of a pass: ``(A_i^T A_i Z, R of A_i Z)`` (either may be None)."""
    b = _finite_block(b, name)
    Y = b @ Z
    H = b.T @ Y if want_h else None
    R = _r_factor(Y, Z.shape[1]) if want_r else None
    return H, R


def _combine(*parts):
    """Sum the ``H`` parts and merge the ``R`` parts by one more QR (a node of TSQR)."""
    H = None if parts[0][0] is None else sum(p[0] for p in parts)
    if parts[0][1] is None:
        return H, None
    size = parts[0][1].shape[1]
    return H, _r_factor(np.vstack([p[1] for p in parts]), size)


def _one_pass(M, Z: np.ndarray, name: str, want_h: bool = True, want_r: bool = False):
    """``(sum_i A_i^T A_i Z, R)`` with ``A Z = Q R`` by TSQR, in one pass over the blocks of ``M``."""
    import dask
    from dask.base import tokenize

    Zd = dask.delayed(Z, name=f"jl-rsvd-Z-{tokenize(Z)}")
    blocks = M.to_delayed().ravel().tolist()
    parts = [dask.delayed(_pass_block)(b, Zd, name, want_h, want_r) for b in blocks]
    while len(parts) > 1:
        parts = [dask.delayed(_combine)(*parts[i : i + _SPLIT_EVERY]) for i in range(0, len(parts), _SPLIT_EVERY)]
    (out,) = dask.compute(parts[0])
    return out


def _right_product(b, T: np.ndarray, dtype) -> np.ndarray:
    return (np.asarray(b, dtype=np.float64) @ T).astype(dtype, copy=False)


def dask_randomized_svd(M, k: int, oversample: int = 10, power_iters: int = 2, rng=None, normalizer: str = "lu"):
    """Rank-``k`` randomized SVD of a tall dask array in ``q + 1`` passes over its rows.

    Parameters
    ----------
    M : dask.array.Array of shape (m, n), ``m >= n``
        Chunked by rows only, known chunk sizes.  The ``n x l`` side is held in
        memory on the client; a wide matrix is refused (transpose and rechunk
        it, or use the NumPy path).
    k, oversample, power_iters, rng, normalizer
        As in :func:`jl_lab.rsvd.randomized_svd`; the same seed draws the same
        test matrix.  ``"lu-every"`` and ``"qr-every"`` normalize the tall
        block ``A Z`` by TSQR (its R factor; ``Q`` is never formed) and the
        short one by LU or QR respectively.  Arithmetic is in float64; for
        float32 input the results are returned in float32, like the NumPy path's.

    Returns
    -------
    U : dask.array.Array of shape (m, k)
        Lazy ``M @ T`` with a small ``n x k`` matrix ``T``; computing it is one
        more pass over ``M``.  If the sample ``A Z`` has numerical rank below
        ``k`` (``M`` of rank < k), the missing singular values are 0 and their
        columns of ``U`` and rows of ``Vt`` are 0.
    s : ndarray of shape (k,)
    Vt : ndarray of shape (k, n)

    Notes
    -----
    With :math:`Z_0 = \\Omega` (Gaussian, :math:`n\\times l`), each power
    iteration is one pass: :math:`Z_{j} = \\operatorname{lu}(\\sum_i A_i^\\top (A_i Z_{j-1}))`,
    the blocks :math:`A_i` read once and combined by a tree sum.  The last pass
    computes, for :math:`Y = AZ_q` (with :math:`Z_q` orthonormalized on the
    client), both :math:`H = A^\\top Y` and the R factor of :math:`Y = QR` by
    TSQR.  Then :math:`A^\\top Q = HR^{-1}`, whose SVD gives
    :math:`Q^\\top A = \\hat U \\Sigma V^\\top`, and
    :math:`U = Q\\hat U = A\\,(Z_q R^{-1}\\hat U)` (computed through the SVD of
    :math:`R`, so that a rank-deficient sample loses directions instead of
    amplifying rounding).  In exact arithmetic this is
    the NumPy path's :math:`Q = \\operatorname{orth}((AA^\\top)^q A\\Omega)`, so the
    results agree to rounding; passes: :math:`q + 1` (plus one for ``U``),
    against :math:`2q + 2` for alternating products with :math:`A` and
    :math:`A^\\top` (HMT 2011, Section 5.5) [1]_ [2]_.

    References
    ----------
    .. [1] Halko, Martinsson and Tropp (2011), Algorithms 4.3-4.4 and Section 5.5.
    .. [2] Demmel, Grigori, Hoemmen and Langou (2012), TSQR.

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> from jl_lab.rsvd import matrix_with_spectrum, randomized_svd
    >>> A = matrix_with_spectrum(200, 30, [5.0, 3.0, 1.0], rng=0)
    >>> U, s, Vt = randomized_svd(da.from_array(A, chunks=(50, 30)), 3, rng=0)
    >>> np.round(s, 6)
    array([5., 3., 1.])
    >>> bool(np.allclose((U.compute() * s) @ Vt, A))
    True
    """
    from . import rsvd

    check_dask_array(M, "M")
    m, n = M.shape
    if m < n:
        raise ValueError(
            f"M must be tall (rows >= columns) as a dask array, got shape {M.shape}: the columns' side "
            "(n x l) is held in memory; transpose the matrix and chunk it by rows"
        )
    k = check_int(k, "k", 1, n)
    p = check_int(oversample, "oversample", 0)
    q = check_int(power_iters, "power_iters", 0)
    check_choice(normalizer, "normalizer", rsvd.NORMALIZERS)
    gen = check_rng(rng)
    size = min(k + p, n)
    Z = gen.standard_normal((n, size))
    every = normalizer in ("lu-every", "qr-every")
    short = rsvd._qr_basis if normalizer == "qr-every" else rsvd._lu_basis
    for _ in range(q):
        H, R = _one_pass(M, Z, "M", want_h=True, want_r=every)
        if every:  # A^T Q with Q = A Z R^{-1}, the orthonormal basis of the tall block
            H = sla.solve_triangular(R, H.T, trans="T", check_finite=False).T
        Z = H if normalizer == "none" else short(H)
    Z = rsvd._orth(Z)
    H, R = _one_pass(M, Z, "M", want_h=True, want_r=True)
    if not np.all(np.isfinite(H)):
        raise ValueError("M's products overflowed (their entries are not finite)")
    # Y = Q R and R = U_r S_r V_r^T: Y V_r S_r^{-1} is an orthonormal basis of range(Y), rotated;
    # directions of R below rounding (a sample of rank < l) are dropped instead of amplified.
    _, sr, Vrt = sla.svd(R, check_finite=False)
    keep = sr > sr[0] * size * np.finfo(float).eps if sr[0] > 0 else np.zeros(size, dtype=bool)
    B = Vrt[keep].T / sr[keep]  # Q = A Z B
    rank = int(keep.sum())
    s = np.zeros(k)
    Vt = np.zeros((k, n))
    T = np.zeros((n, k))
    if rank:
        Ub, s_r, Vt_r = rsvd._svd_of_transpose(H @ B, min(k, rank))  # A^T Q = H B
        s[: s_r.size], Vt[: s_r.size] = s_r, Vt_r
        T[:, : s_r.size] = Z @ (B @ Ub)
    out = np.float32 if M.dtype == np.float32 else np.float64  # the NumPy path's output dtype
    U = M.map_blocks(_right_product, T, out, dtype=out, chunks=(M.chunks[0], (k,)), token="jl-rsvd-U")
    return U, s.astype(out), Vt.astype(out)


def _sketch_block(b, Omega: np.ndarray, corange: int, base: int, index: int, name: str):
    """One block's single-pass sketches: ``(Y_i, Psi_i A_i, Psi_i Y_i, R of Y_i)``, ``Psi_i`` from seed ``(base, index)``."""
    b = _finite_block(b, name)
    Y = b @ Omega
    P = np.random.default_rng([base, index]).standard_normal((corange, b.shape[0]))
    return Y, P @ b, P @ Y, _r_factor(Y, Omega.shape[1])


def _combine_sketch(*parts):
    """Sum ``Psi A`` and ``Psi Y`` over blocks, merge the R factors (TSQR)."""
    size = parts[0][2].shape[1]
    W = sum(p[0] for p in parts)
    Z = sum(p[1] for p in parts)
    return W, Z, _r_factor(np.vstack([p[2] for p in parts]), size)


def _small_parts(out):
    return out[1:]


def _first(out):
    return out[0]


def _basis_from_r(R: np.ndarray) -> np.ndarray:
    """``B`` with ``Y B`` an orthonormal basis of the numerical range of ``Y = Q R`` (via the SVD of R)."""
    _, sr, Vrt = sla.svd(R, check_finite=False)
    if sr[0] == 0:
        return np.zeros((R.shape[1], 0))
    keep = sr > sr[0] * R.shape[1] * np.finfo(float).eps
    return Vrt[keep].T / sr[keep]


def dask_single_pass_svd(M, k: int, rng=None, range_size: int | None = None, corange_size: int | None = None):
    r""":func:`jl_lab.rsvd.single_pass_svd` of a dask array: both sketches in one pass over the row blocks.

    Parameters
    ----------
    M : dask.array.Array of shape (m, n)
        Chunked by rows only, known chunk sizes.
    k, range_size, corange_size
        As in :func:`jl_lab.rsvd.single_pass_svd` (defaults ``r = 2k + 1``, ``l = 2r + 1``).
    rng : None, int or numpy.random.Generator
        Draws ``Omega`` as the NumPy path does, then one integer from which
        block ``i`` seeds its own ``Psi_i`` (``default_rng([base, i])``): no
        ``l x m`` matrix is drawn on the client.  The draws of ``Psi`` therefore
        differ from the NumPy path's, and so do the results, except that a
        matrix of rank below ``r - 1`` is recovered exactly by both.

    Returns
    -------
    U : dask.array.Array of shape (m, k)
        ``Y T`` for a small ``T``, computed from the range sketch ``Y = M Omega``
        that the pass kept in the workers' memory (``m x r``): computing ``U``
        does not read ``M`` again.
    s : ndarray of shape (k,)
    Vt : ndarray of shape (k, n)

    Notes
    -----
    Each block task reads :math:`A_i` once and returns :math:`Y_i = A_i\Omega`,
    :math:`\Psi_i A_i`, :math:`\Psi_i Y_i` and the R factor of :math:`Y_i`; a
    tree sums :math:`W = \Psi A` and :math:`\Psi Y` and merges the R factors
    (TSQR).  With :math:`Q = YB` orthonormal (:math:`B` from the SVD of R),
    :math:`\Psi Q = (\Psi Y) B` and :math:`X = (\Psi Q)^+ W`; the SVD of
    :math:`X = U_X \Sigma V^\top` gives :math:`U = Y (B U_X)` (Tropp, Yurtsever,
    Udell and Cevher 2017, Alg. 7).

    Examples
    --------
    >>> import dask.array as da
    >>> gen = np.random.default_rng(0)
    >>> A = gen.standard_normal((300, 3)) @ gen.standard_normal((3, 40))
    >>> U, s, Vt = dask_single_pass_svd(da.from_array(A, chunks=(100, 40)), 3, rng=1)
    >>> bool(np.allclose((U.compute() * s) @ Vt, A))
    True
    """
    import dask
    import dask.array as da

    check_dask_array(M, "M")
    m, n = M.shape
    k = check_int(k, "k", 1)
    r = 2 * k + 1 if range_size is None else check_int(range_size, "range_size", k + 1)
    l_ = 2 * r + 1 if corange_size is None else check_int(corange_size, "corange_size", r + 1)
    if r > n:
        raise ValueError(f"range_size must be <= the number of columns ({n}), got {r}")
    if r > m:
        raise ValueError(f"range_size must be <= the number of rows ({m}), got {r}")
    gen = check_rng(rng)
    Omega = gen.standard_normal((n, r))
    base = int(gen.integers(2**63))
    Od = dask.delayed(Omega, name=f"jl-sp-Omega-{dask.base.tokenize(Omega)}")
    outs = [
        dask.delayed(_sketch_block)(b, Od, l_, base, i, "M") for i, b in enumerate(M.to_delayed().ravel().tolist())
    ]
    Y = da.concatenate(
        [da.from_delayed(dask.delayed(_first)(o), shape=(c, r), dtype=np.float64) for o, c in zip(outs, M.chunks[0])]
    )
    parts = [dask.delayed(_small_parts)(o) for o in outs]
    while len(parts) > 1:
        parts = [dask.delayed(_combine_sketch)(*parts[i : i + _SPLIT_EVERY]) for i in range(0, len(parts), _SPLIT_EVERY)]
    Y, root = dask.persist(Y, parts[0])  # one pass: every block task runs once
    W, Z, R = root.compute()
    B = _basis_from_r(R)
    X = np.linalg.lstsq(Z @ B, W, rcond=None)[0]
    Ux, s, Vt = np.linalg.svd(X, full_matrices=False)
    k = min(k, s.size)
    T = B @ Ux[:, :k]
    U = Y.map_blocks(_right_product, T, np.float64, dtype=np.float64, chunks=(Y.chunks[0], (k,)), token="jl-sp-U")
    return U, s[:k], Vt[:k]


# ---------------------------------------------------------------------------
# cluster
# ---------------------------------------------------------------------------


def start_client(n_workers: int = 2, threads_per_worker: int = 1, processes: bool = False, memory_limit=0, address=None):
    """A ``distributed.Client``: to ``address``, to ``$JL_LAB_SCHEDULER``, or to a new quiet LocalCluster.

    Parameters
    ----------
    n_workers, threads_per_worker : int
        Size of the embedded ``distributed.LocalCluster`` (ignored for a remote scheduler).
    processes : bool
        Workers as separate processes (``True``) or as threads of this process.
    memory_limit : int, str or 0
        Per-worker memory limit of the embedded cluster (``0``: none).
    address : str, optional
        A scheduler address; default: the environment variable :data:`SCHEDULER_ENV`, if set.

    Returns
    -------
    distributed.Client
        Also the default scheduler of ``dask.compute`` until closed.  The
        embedded cluster has no dashboard and logs only errors.

    Examples
    --------
    >>> client = start_client()                       # doctest: +SKIP
    >>> client.close(); client.cluster.close()        # doctest: +SKIP
    """
    import logging

    from distributed import Client, LocalCluster

    n_workers = check_int(n_workers, "n_workers", 1)
    threads_per_worker = check_int(threads_per_worker, "threads_per_worker", 1)
    address = address or os.environ.get(SCHEDULER_ENV) or None
    if address is not None:
        if not isinstance(address, str):
            raise TypeError(f"address must be a string such as 'tcp://host:8786', got {address!r}")
        return Client(address)
    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=threads_per_worker,
        processes=bool(processes),
        memory_limit=memory_limit,
        dashboard_address=None,
        # no dashboard, and the scheduler's small HTTP server on a free port: the default 8787 may be taken
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.ERROR,
    )
    return Client(cluster)


# ---------------------------------------------------------------------------
# data on disk, read with a counter
# ---------------------------------------------------------------------------

_LOCK = threading.Lock()
_STATS = {"bytes": 0, "blocks": 0, "live": 0, "peak": 0}


def _released(nbytes: int) -> None:
    with _LOCK:
        _STATS["live"] -= nbytes


def _load_block(directory: str, index: int, rows: int, cols: int, dtype: str) -> np.ndarray:
    """Read block ``index`` and count it; its bytes stay counted as live until the array is freed."""
    arr = np.load(Path(directory) / f"block_{index:05d}.npy")
    if arr.shape != (rows, cols) or arr.dtype != np.dtype(dtype):
        raise ValueError(f"block {index} of {directory} has shape {arr.shape} and dtype {arr.dtype}, expected {(rows, cols)} {dtype}")
    with _LOCK:
        _STATS["bytes"] += arr.nbytes
        _STATS["blocks"] += 1
        _STATS["live"] += arr.nbytes
        _STATS["peak"] = max(_STATS["peak"], _STATS["live"])
    weakref.finalize(arr, _released, arr.nbytes)
    return arr


def _local_stats(reset: bool = False):
    with _LOCK:
        out = (os.getpid(), dict(_STATS))
        if reset:
            _STATS.update(bytes=0, blocks=0, peak=_STATS["live"])
    return out


def read_stats(client=None) -> dict:
    """Bytes and blocks read by :func:`open_npy_blocks` loaders since the last reset, and the peak held.

    Parameters
    ----------
    client : distributed.Client, optional
        Counters are per process: with a client, the workers' processes are
        asked too (each process counted once, so a threads cluster that lives
        in this process is not counted twice).

    Returns
    -------
    dict
        ``"bytes"`` and ``"blocks"`` read; ``"peak"``: the largest number of
        loaded bytes alive at once, summed over processes (an upper bound of
        the simultaneous total); ``"processes"``.

    Examples
    --------
    >>> sorted(read_stats())
    ['blocks', 'bytes', 'peak', 'processes']
    """
    per_pid = dict([_local_stats()])
    if client is not None:
        per_pid.update(dict(client.run(_local_stats).values()))
    total = {key: sum(s[key] for s in per_pid.values()) for key in ("bytes", "blocks", "peak")}
    total["processes"] = len(per_pid)
    return total


def reset_read_stats(client=None) -> None:
    """Zero the read counters (and set the peak to what is alive now), here and on the client's workers.

    Examples
    --------
    >>> reset_read_stats(); read_stats()["bytes"]
    0
    """
    _local_stats(reset=True)
    if client is not None:
        client.run(_local_stats, True)


def _block_seed(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, 0, index])


def write_npy_blocks(directory, n_rows: int, n_cols: int, s, rows_per_block: int, seed: int = 0) -> dict:
    """Write ``A = Q diag(s) V^T`` (exact singular values ``s``) as ``.npy`` row blocks, once.

    Parameters
    ----------
    directory : str or pathlib.Path
        Created if needed.  If it already holds a complete matrix with the same
        parameters (``meta.json``), nothing is written (a cache).
    n_rows, n_cols : int
        Shape; ``len(s) <= n_cols <= n_rows``.
    s : array_like
        Singular values (positive, descending); the rank is ``len(s)``.
    rows_per_block : int
        Rows per file (the last block may be shorter).
    seed : int
        Source of ``Q`` and ``V``.

    Returns
    -------
    dict
        The metadata: shape, block rows, ``s``, ``"bytes"`` (of the matrix) and
        ``"seconds"`` spent writing (0 for a cached matrix).

    Notes
    -----
    ``Q = G R^{-1}`` for a Gaussian ``G`` whose blocks are drawn from seeds
    ``(seed, i)``, with ``R`` the TSQR factor of ``G`` computed in a first
    pass; the second pass redraws each block, so only one block of ``G`` is in
    memory at a time.  ``V`` is the Q factor of a Gaussian ``n_cols x r``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     meta = write_npy_blocks(d, 100, 8, [3.0, 2.0], 30)
    ...     A = open_npy_blocks(d).compute()
    >>> np.round(np.linalg.svd(A, compute_uv=False)[:3], 10)
    array([3., 2., 0.])
    """
    directory = Path(directory)
    m = check_int(n_rows, "n_rows", 1)
    n = check_int(n_cols, "n_cols", 1)
    s = check_array(s, "s", ndim=1, nonnegative=True)
    r = s.size
    if not r <= n <= m:
        raise ValueError(f"need len(s) <= n_cols <= n_rows, got len(s)={r}, n_cols={n}, n_rows={m}")
    b = check_int(rows_per_block, "rows_per_block", max(r, 1))
    seed = check_int(seed, "seed", 0)
    starts = list(range(0, m, b))
    meta = {
        "shape": [m, n],
        "rows_per_block": b,
        "s": s.tolist(),
        "seed": seed,
        "dtype": "float64",
        "n_blocks": len(starts),
        "bytes": m * n * 8,
    }
    meta_path = directory / "meta.json"
    if meta_path.exists():
        old = json.loads(meta_path.read_text())
        if {k: old.get(k) for k in meta} == meta:
            return {**old, "seconds": 0.0}
    directory.mkdir(parents=True, exist_ok=True)
    meta_path.unlink(missing_ok=True)  # incomplete until the last block is written
    for stale in directory.glob("block_*.npy"):  # a previous matrix with other parameters
        stale.unlink()
    t0 = time.perf_counter()
    sizes = [min(b, m - a) for a in starts]
    R = np.zeros((r, r))
    for i, rows in enumerate(sizes):
        G = _block_seed(seed, i).standard_normal((rows, r))
        R = _r_factor(np.vstack([R, G]), r)
    V = sla.qr(np.random.default_rng([seed, 1, 0]).standard_normal((n, r)), mode="economic")[0]
    right = sla.solve_triangular(R, np.diag(s) @ V.T, check_finite=False)  # R^{-1} S V^T
    for i, rows in enumerate(sizes):
        G = _block_seed(seed, i).standard_normal((rows, r))
        np.save(directory / f"block_{i:05d}.npy", G @ right)
    meta_path.write_text(json.dumps(meta))
    return {**meta, "seconds": time.perf_counter() - t0}


def data_directory(name: str) -> Path:
    """Where to keep a generated matrix: ``$JL_LAB_DATA/<name>``, else ``_build/<name>`` of the book's checkout.

    Parameters
    ----------
    name : str
        Sub-directory name (one per matrix).

    Returns
    -------
    pathlib.Path
        ``$JL_LAB_DATA`` (a directory every worker of a real cluster can read)
        if set; otherwise ``_build/<name>`` next to ``jl_lab`` when it runs from
        the book's repository (git-ignored, so generated once and cached), or
        the system's temporary directory for an installed ``jl_lab``.

    Examples
    --------
    >>> data_directory("scale_out").name
    'scale_out'
    """
    if not isinstance(name, str) or not name or "/" in name:
        raise ValueError(f"name must be a non-empty directory name, got {name!r}")
    root = os.environ.get("JL_LAB_DATA")
    if root:
        return Path(root) / name
    repo = Path(__file__).resolve().parents[1]
    if (repo / "_toc.yml").exists():
        return repo / "_build" / name
    import tempfile

    return Path(tempfile.gettempdir()) / "jl_lab" / name


def open_npy_blocks(directory, max_rows: int | None = None):
    """Open a matrix written by :func:`write_npy_blocks` as a lazy dask array, one chunk per file.

    Parameters
    ----------
    directory : str or pathlib.Path
    max_rows : int, optional
        Keep only the first blocks, up to this many rows (rounded down to whole
        blocks, at least one block).

    Returns
    -------
    dask.array.Array
        Chunked by rows (one file per chunk); every load adds to :func:`read_stats`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = write_npy_blocks(d, 10, 3, [1.0], 4)
    ...     open_npy_blocks(d).chunks
    ((4, 4, 2), (3,))
    """
    import dask.array as da
    from dask.base import tokenize

    directory = Path(directory)
    meta_path = directory / "meta.json"
    if not meta_path.exists():
        raise ValueError(f"directory must hold a matrix written by write_npy_blocks (no {meta_path})")
    meta = json.loads(meta_path.read_text())
    m, n = meta["shape"]
    b = meta["rows_per_block"]
    sizes = [min(b, m - a) for a in range(0, m, b)]
    if max_rows is not None:
        max_rows = check_int(max_rows, "max_rows", 1)
        keep = max(1, int(np.searchsorted(np.cumsum(sizes), max_rows, side="right")))
        sizes = sizes[:keep]
    dtype = meta["dtype"]

    def load(block_id=None):
        i = block_id[0]
        return _load_block(str(directory), i, sizes[i], n, dtype)

    token = json.dumps([str(directory.resolve()), meta, sizes])
    return da.map_blocks(
        load,
        chunks=(tuple(sizes), (n,)),
        dtype=np.dtype(dtype),
        name=f"load-npy-block-{tokenize(token)}",
        meta=np.empty((0, 0), dtype),
    )


# ---------------------------------------------------------------------------
# measurements for the page and the benchmark
# ---------------------------------------------------------------------------


def measure(func, client=None, nbytes: float | None = None) -> dict:
    """Run ``func()`` once and return its result, wall time, bytes read and peak of loaded bytes.

    Parameters
    ----------
    func : callable
        What to run (it should compute: a lazy result reads nothing).
    client : distributed.Client, optional
        Whose workers' counters to read (see :func:`read_stats`).
    nbytes : float, optional
        Size of the matrix; if given, ``"passes"`` = bytes read / nbytes.

    Returns
    -------
    dict
        ``"result"``, ``"seconds"``, ``"bytes"``, ``"blocks"``, ``"peak"`` and (with ``nbytes``) ``"passes"``.

    Examples
    --------
    >>> out = measure(lambda: 1 + 1)
    >>> out["result"], out["bytes"]
    (2, 0)
    """
    if not callable(func):
        raise TypeError(f"func must be callable, got {type(func).__name__}")
    reset_read_stats(client)
    t0 = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - t0
    stats = read_stats(client)
    out = {"result": result, "seconds": seconds, "bytes": stats["bytes"], "blocks": stats["blocks"], "peak": stats["peak"]}
    if nbytes is not None:
        out["passes"] = stats["bytes"] / check_real(nbytes, "nbytes", 0, low_open=True)
    return out


def fit_line(x, y) -> dict:
    """Least-squares line ``y = a + b x`` with the standard error of the slope and R^2.

    Parameters
    ----------
    x, y : array_like of shape (k,), ``k >= 3``

    Returns
    -------
    dict
        ``"slope"``, ``"intercept"``, ``"slope_se"`` and ``"r2"``.

    Examples
    --------
    >>> out = fit_line([1, 2, 3], [2.0, 4.0, 6.0])
    >>> round(out["slope"], 12), round(out["r2"], 12)
    (2.0, 1.0)
    """
    x = check_array(x, "x", ndim=1, min_rows=3)
    y = check_array(y, "y", ndim=1, min_rows=3)
    if x.size != y.size:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    if np.ptp(x) == 0:
        raise ValueError("x must not be constant")
    X = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    dof = x.size - 2
    sigma2 = resid @ resid / dof if dof > 0 else 0.0
    se = np.sqrt(sigma2 / np.sum((x - x.mean()) ** 2))
    ss = np.sum((y - y.mean()) ** 2)
    r2 = 1.0 - (resid @ resid) / ss if ss > 0 else 1.0
    return {"slope": float(coef[1]), "intercept": float(coef[0]), "slope_se": float(se), "r2": float(r2)}


def compare_svd(
    X, k: int, s_true, oversample: int = 10, power_iters: int = 1, client=None, rng=0
) -> dict:
    """jl_lab's randomized SVD against ``dask.array.linalg.svd_compressed`` on the same dask array.

    Parameters
    ----------
    X : dask.array.Array
        Tall, chunked by rows (ideally from :func:`open_npy_blocks`, whose loader counts reads).
    k : int
        Rank.
    s_true : array_like
        The exact leading singular values (at least ``k``).
    oversample, power_iters : int
        The same settings for both (``n_oversamples``, ``n_power_iter``).
    client : distributed.Client, optional
        Needed by ``svd_compressed(compute=True)`` and for the counters of worker processes.
    rng : int
        Seed of both test matrices.

    Returns
    -------
    dict of str -> dict
        For ``"jl_lab"`` (``s`` and ``Vt``, then ``U`` computed, passes counted
        separately as ``"passes_u"``) and ``"dask"`` (``compute=True``, which
        re-reads the input at each use instead of keeping it): ``"seconds"``,
        ``"passes"`` (bytes read / matrix bytes), ``"peak"`` (bytes of blocks
        alive at once), ``"s_error"`` (max relative error of the ``k``
        singular values) and ``"s"``.

    Notes
    -----
    With ``q`` power iterations, jl_lab reads the data ``q + 1`` times and once
    more for ``U``; ``svd_compressed`` alternates products with ``A`` and
    ``A^T`` and reads it ``2q + 2`` times.

    Examples
    --------
    >>> import dask.array as da
    >>> A = np.diag([3.0, 2.0, 1.0, 0.5])
    >>> out = compare_svd(da.from_array(A, chunks=(2, 4)), 2, [3.0, 2.0], 0, 0)  # doctest: +SKIP
    """
    import dask
    import dask.array as da

    from . import rsvd

    check_dask_array(X, "X")
    k = check_int(k, "k", 1, X.shape[1])
    s_true = check_array(s_true, "s_true", ndim=1, nonnegative=True)[:k]
    if s_true.size < k:
        raise ValueError(f"s_true must hold at least k = {k} values, got {s_true.size}")
    p = check_int(oversample, "oversample", 0)
    q = check_int(power_iters, "power_iters", 0)
    nbytes = X.nbytes
    out = {}
    run = measure(lambda: rsvd.randomized_svd(X, k, p, q, rng=rng), client, nbytes)
    U, s, _ = run["result"]
    run_u = measure(lambda: U.compute(), client, nbytes)
    out["jl_lab"] = {
        "seconds": run["seconds"] + run_u["seconds"],
        "passes": run["passes"] + run_u["passes"],
        "passes_u": run_u["passes"],
        "peak": max(run["peak"], run_u["peak"]),
        "s": s,
    }
    run = measure(
        lambda: dask.compute(*da.linalg.svd_compressed(X, k, n_power_iter=q, n_oversamples=p, seed=rng, compute=True)),
        client,
        nbytes,
    )
    out["dask"] = {"seconds": run["seconds"], "passes": run["passes"], "peak": run["peak"], "s": run["result"][1]}
    for res in out.values():
        res["s_error"] = float(np.max(np.abs(res["s"] - s_true) / s_true))
    return out


def scaling(directory, rows, func, client=None, repeats: int = 1) -> dict:
    """Time ``func(X)`` on the first ``rows[j]`` rows of a block store and fit a line to time against rows.

    Parameters
    ----------
    directory : str or pathlib.Path
        A store written by :func:`write_npy_blocks`.
    rows : sequence of int
        At least three sizes (rounded down to whole blocks).
    func : callable
        ``func(X)`` computes something from the dask array ``X``.
    client : distributed.Client, optional
    repeats : int
        Each time is the best of this many runs (load from other processes only slows a run down).

    Returns
    -------
    dict
        ``"rows"`` (actual), ``"seconds"``, ``"passes"`` (of one run), and the fit of :func:`fit_line`
        (``"slope"`` in seconds per row, ``"slope_se"``, ``"intercept"``, ``"r2"``).

    Examples
    --------
    >>> out = scaling("store", [1000, 2000, 4000], lambda X: X.sum().compute())  # doctest: +SKIP
    """
    if not callable(func):
        raise TypeError(f"func must be callable, got {type(func).__name__}")
    repeats = check_int(repeats, "repeats", 1)
    sizes, seconds, passes = [], [], []
    for r in rows:
        X = open_npy_blocks(directory, r)
        runs = [measure(lambda: func(X), client, X.nbytes) for _ in range(repeats)]
        sizes.append(X.shape[0])
        seconds.append(min(run["seconds"] for run in runs))
        passes.append(runs[0]["passes"])
    fit = fit_line(np.array(sizes, dtype=float), np.array(seconds))
    return {"rows": np.array(sizes), "seconds": np.array(seconds), "passes": np.array(passes), **fit}
