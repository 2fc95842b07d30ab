"""Sign random projection: one bit per random hyperplane, and locality-sensitive hashing by cosine.

A Gaussian vector ``a`` cuts space with the hyperplane ``a . x = 0``; the bit
``[a . x >= 0]`` records on which side ``x`` lies.  Two vectors at angle
``theta`` fall on different sides with probability ``theta / pi``
(Goemans & Williamson 1995), so ``n`` such bits estimate the angle, and
bucketing points by their bits finds near neighbours by cosine without looking
at every point (Charikar 2002).  The chain the book tests,
``cos(v_i, v_j) ~ cos(A v_i, A v_j) ~ cos(sign(A v_i), sign(A v_j))``
(Su 2021), holds in its first step by the Johnson-Lindenstrauss lemma; in its
second step the sign cosine converges to ``(2/pi) arcsin(rho)``, Sheppard's
(1899) arcsine law, not to ``rho``.  The map is monotone, so it keeps rankings,
and ``sin(pi h / 2)`` undoes it.

This module offers the codes and their distances (:func:`sign_codes`,
:func:`hamming_distance`, :func:`sign_cosine`), the closed forms
(:func:`expected_sign_cosine`, :func:`corrected_cosine`,
:func:`collision_probability`, :func:`candidate_probability`,
:func:`estimator_variance`, :func:`variance_ratio`, :func:`break_even_cosine`),
an exact simulator of the three estimators
(:func:`simulate_cosine_estimates`, :func:`estimator_spread`), the chain
measured on real vectors (:func:`chain_errors`), an index (:class:`SignLSHIndex`) with its exact
baseline (:func:`brute_force_cosine`, :func:`recall_at_k`), and a sweep over
its parameters (:func:`index_sweep`).

Codes use the layout of :func:`numpy.packbits` (big-endian within a byte, the
last byte zero-padded): one row of ``ceil(n_bits / 8)`` ``uint8`` per point.

References
----------
.. [1] Su, J. (2021). The amazing Johnson-Lindenstrauss lemma: applications. kexue.fm/archives/8706.
.. [2] Sheppard, W. F. (1899). On the application of the theory of error to cases of normal
       distribution and normal correlation. Phil. Trans. R. Soc. A 192, 101-167.
.. [3] Goemans, M. X. and Williamson, D. P. (1995). Improved approximation algorithms for maximum
       cut and satisfiability problems using semidefinite programming. J. ACM 42(6), 1115-1145.
.. [4] Charikar, M. S. (2002). Similarity estimation techniques from rounding algorithms. STOC.
.. [5] Gionis, A., Indyk, P. and Motwani, R. (1999). Similarity search in high dimensions via
       hashing. VLDB.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import brentq

from .timing import best_time
from ._validation import check_array, check_choice, check_int, check_real, check_rng, is_dask_array
from ._validation import _asarray, check_ints, check_values

__all__ = [
    "ESTIMATORS",
    "sign_codes",
    "hamming_distance",
    "sign_cosine",
    "expected_sign_cosine",
    "corrected_cosine",
    "collision_probability",
    "candidate_probability",
    "estimator_variance",
    "variance_ratio",
    "break_even_cosine",
    "simulate_cosine_estimates",
    "chain_errors",
    "estimator_spread",
    "brute_force_cosine",
    "recall_at_k",
    "SignLSHIndex",
    "index_sweep",
]

#: Estimators of a cosine compared by :func:`estimator_variance` and :func:`chain_errors`.
ESTIMATORS = ("float", "sign", "corrected")

#: Largest block (in float64 entries) that the chunked loops hold in memory at once.
_BLOCK = 1 << 22

#: What :class:`SignLSHIndex` keeps to re-rank candidates.
RERANK = ("float32", "float64", "none")

#: Mean candidates per query below which :class:`SignLSHIndex` re-ranks all pairs in one vectorised pass.
_SMALL_BUCKETS = 100


# ---------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------
def _check_values(x, name: str, low: float, high: float, what: str) -> np.ndarray:
    """A float array (any shape, not empty) with every entry finite and in ``[low, high]``."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a number or an array of numbers, got a string")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers, got {x!r}") from None
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite ({what} in [{low:g}, {high:g}])")
    if np.any(arr < low) or np.any(arr > high):
        bad = arr[(arr < low) | (arr > high)].ravel()[0]
        raise ValueError(f"{name} must be {what} in [{low:g}, {high:g}], got {bad:g}")
    return arr


def _check_codes(codes, name: str) -> np.ndarray:
    """A uint8 array of 1 or 2 dimensions with at least one byte per code."""
    arr = _asarray(codes, name)
    if arr.dtype != np.uint8:
        raise TypeError(f"{name} must be packed codes of dtype uint8 (as from sign_codes), got dtype {arr.dtype}")
    if arr.ndim not in (1, 2) or arr.shape[-1] == 0:
        raise ValueError(f"{name} must have shape (n_bytes,) or (n_points, n_bytes) with n_bytes >= 1, got {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one code, got shape {arr.shape}")
    return arr


def _check_points(X, name: str, n_features: int | None = None):
    """Points as rows (dense float64 or CSR), none of them zero; returns ``(X, row_norms)``."""
    X = check_array(X, name, ndim=2, accept_sparse=True)
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"{name} must have {n_features} columns (the dimension seen in fit), got {X.shape[1]}")
    if sp.issparse(X):
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    else:
        norms = np.linalg.norm(X, axis=1)
    if np.any(norms == 0):
        row = int(np.flatnonzero(norms == 0)[0])
        raise ValueError(f"{name} must not contain zero rows (the cosine of a zero vector is undefined); row {row} is zero")
    return X, norms


def _unit_rows(X, norms) -> np.ndarray:
    dense = X.toarray() if sp.issparse(X) else X
    return dense / norms[:, None]


def _as_output(arr: np.ndarray, like: np.ndarray):
    """A NumPy scalar for 0-d input, else the array."""
    return arr[()] if np.ndim(like) == 0 else arr


# ---------------------------------------------------------------------------
# codes and their distances
# ---------------------------------------------------------------------------
def _sign_bits(X, R: np.ndarray) -> np.ndarray:
    """Packed bits ``[x . r >= 0]`` for the rows ``r`` of ``R``, computed in row blocks."""
    n_points = X.shape[0]
    n_bits = R.shape[0]
    out = np.empty((n_points, (n_bits + 7) // 8), dtype=np.uint8)
    step = max(1, _BLOCK // max(n_bits, 1))
    for start in range(0, n_points, step):
        Z = X[start : start + step] @ R.T
        Z = Z.toarray() if sp.issparse(Z) else np.asarray(Z)
        out[start : start + step] = np.packbits(Z >= 0, axis=1)
    return out


def sign_codes(X, n_bits: int, rng=None) -> np.ndarray:
    """Sign random projection codes: the signs of ``A x`` for a Gaussian ``A``, packed into bits.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        Points as rows, none of them zero.  A ``dask.array.Array`` chunked by
        rows gives lazy dask codes, computed block by block
        (:func:`jl_lab.scale_out.dask_sign_codes`).
    n_bits : int
        Number of random hyperplanes (bits per point), ``>= 1``.
    rng : None, int or numpy.random.Generator
        Source of ``A``.  Codes are comparable only if they come from the same
        ``A``: encode two sets of points with the same integer seed.  With one
        seed, the first ``m`` rows of ``A`` do not depend on ``n_bits``, so the
        codes for ``m`` bits are a prefix of the codes for ``n_bits >= m``.

    Returns
    -------
    codes : ndarray of uint8, shape (N, ceil(n_bits / 8))
        Row ``i`` is ``np.packbits(A @ X[i] >= 0)``; the unused low bits of the
        last byte are zero.

    Notes
    -----
    ``A`` has i.i.d. :math:`\\mathcal N(0, 1)` entries (the scale does not change a
    sign).  For unit ``u, v`` with :math:`u\\cdot v = \\cos\\theta`, the pair
    :math:`(a\\cdot u, a\\cdot v)` is bivariate normal with correlation
    :math:`\\rho=\\cos\\theta`, and a bit differs with probability
    :math:`\\theta/\\pi` (Goemans & Williamson 1995; Charikar 2002).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    >>> codes = sign_codes(X, 12, rng=0)
    >>> codes.shape, codes.dtype
    ((3, 2), dtype('uint8'))
    >>> int(hamming_distance(codes[0], codes[2]))  # opposite vectors differ in every bit
    12
    """
    if is_dask_array(X):  # lazy, block by block (jl_lab.scale_out imports dask)
        from .scale_out import dask_sign_codes

        return dask_sign_codes(X, check_int(n_bits, "n_bits", 1), check_rng(rng))
    X, _ = _check_points(X, "X")
    n_bits = check_int(n_bits, "n_bits", 1)
    gen = check_rng(rng)
    R = gen.standard_normal((n_bits, X.shape[1]))
    return _sign_bits(X, R)


def hamming_distance(codes_a, codes_b, pairwise: bool = True):
    """Number of differing bits between packed codes, with ``np.bitwise_count``.

    Parameters
    ----------
    codes_a, codes_b : ndarray of uint8, shape (n_bytes,) or (N, n_bytes)
        Packed codes of the same width (as from :func:`sign_codes`).
    pairwise : bool
        With two 2-D inputs of shapes (N, B) and (M, B): ``True`` (default)
        returns the (N, M) matrix of all pairs; ``False`` compares row ``i`` with
        row ``i`` (shapes must then be equal) and returns (N,).  A 1-D input is
        one code: it is compared with every row of the other input.

    Returns
    -------
    int64 scalar or ndarray
        Shape ``()`` for two codes, ``(M,)`` for one code against M, ``(N, M)``
        pairwise, ``(N,)`` elementwise.

    Notes
    -----
    :math:`d_H(a, b) = \\sum_{\\text{bytes}} \\operatorname{popcount}(a \\oplus b)`.
    Padding bits are zero in every code and never count.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.packbits([[1, 0, 1, 1], [0, 0, 0, 0]], axis=1)
    >>> b = np.packbits([[1, 1, 1, 1]], axis=1)
    >>> hamming_distance(a, b)
    array([[1],
           [4]])
    >>> hamming_distance(a, a, pairwise=False)
    array([0, 0])
    """
    a = _check_codes(codes_a, "codes_a")
    b = _check_codes(codes_b, "codes_b")
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"codes_a and codes_b must have the same number of bytes per code, got {a.shape[-1]} and {b.shape[-1]}"
        )
    if not isinstance(pairwise, (bool, np.bool_)):
        raise TypeError(f"pairwise must be True or False, got {pairwise!r}")
    if a.ndim == 1 or b.ndim == 1:
        return np.bitwise_count(a ^ b).sum(axis=-1, dtype=np.int64)
    if not pairwise:
        if a.shape != b.shape:
            raise ValueError(
                f"codes_a and codes_b must have the same shape when pairwise=False, got {a.shape} and {b.shape}"
            )
        return np.bitwise_count(a ^ b).sum(axis=-1, dtype=np.int64)
    return _pairwise_hamming(_words(a), _words(b))


def _words(codes: np.ndarray) -> np.ndarray:
    """Packed codes as rows of 64-bit words (zero-padded to a multiple of 8 bytes; padding never counts)."""
    pad = -codes.shape[-1] % 8
    if pad:
        codes = np.pad(codes, ((0, 0), (0, pad)))
    return np.ascontiguousarray(codes).view(np.uint64)


def _pairwise_hamming(wa: np.ndarray, wb: np.ndarray) -> np.ndarray:
    """(N, M) int64 Hamming distances between the rows of two (N, W), (M, W) uint64 word arrays.

    Word by word, in blocks of rows of ``wa`` small enough to stay in cache:
    XOR into the output block, ``np.bitwise_count`` in place (counts fit the
    int64 output viewed as uint64), and for the other words the same through
    one scratch block added in.  No ``(N, M, W)`` intermediate.
    """
    n, w = wa.shape
    m = wb.shape[0]
    out = np.empty((n, m), dtype=np.int64)
    u = out.view(np.uint64)
    cols = np.ascontiguousarray(wb.T)  # (W, M): each word of every code of b, contiguous
    step = max(1, (1 << 16) // max(m, 1))
    tmp = np.empty((min(step, n), m), dtype=np.uint64) if w > 1 else None
    for start in range(0, n, step):
        o = u[start : start + step]
        rows = wa[start : start + step]
        np.bitwise_xor(rows[:, 0, None], cols[0], out=o)
        np.bitwise_count(o, out=o)
        for j in range(1, w):
            t = tmp[: o.shape[0]]
            np.bitwise_xor(rows[:, j, None], cols[j], out=t)
            np.bitwise_count(t, out=t)
            o += t
    return out


def sign_cosine(codes_a, codes_b, n_bits: int, pairwise: bool = True):
    """Cosine of the sign vectors, ``cos(sign(A u), sign(A v)) = 1 - 2 d_H / n_bits``.

    Parameters
    ----------
    codes_a, codes_b : ndarray of uint8
        Packed codes, as in :func:`hamming_distance`.
    n_bits : int
        Number of bits in each code; must match the width, i.e.
        ``ceil(n_bits / 8) == n_bytes``.
    pairwise : bool
        As in :func:`hamming_distance`.

    Returns
    -------
    float scalar or ndarray
        Values in ``[-1, 1]``: the fraction of agreeing bits minus the fraction
        of differing ones.

    Notes
    -----
    The sign vectors :math:`s = \\operatorname{sign}(Au) \\in \\{\\pm 1\\}^n` all have
    norm :math:`\\sqrt n`, so :math:`\\cos(s_u, s_v) = s_u\\cdot s_v / n = 1 - 2 d_H/n`.
    Its expectation is :func:`expected_sign_cosine` of :math:`\\cos(u, v)`, not
    :math:`\\cos(u, v)` itself (Sheppard 1899).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.packbits([1, 0, 1, 1])
    >>> float(sign_cosine(a, np.packbits([1, 1, 1, 1]), 4))
    0.5
    """
    a = _check_codes(codes_a, "codes_a")
    n_bits = check_int(n_bits, "n_bits", 1)
    if (n_bits + 7) // 8 != a.shape[-1]:
        raise ValueError(
            f"n_bits must be between {8 * a.shape[-1] - 7} and {8 * a.shape[-1]} "
            f"for codes of {a.shape[-1]} bytes, got {n_bits}"
        )
    return 1.0 - 2.0 * hamming_distance(a, codes_b, pairwise=pairwise) / n_bits


# ---------------------------------------------------------------------------
# closed forms
# ---------------------------------------------------------------------------
def expected_sign_cosine(rho):
    """Sheppard's arcsine law: the expected sign cosine, ``(2/pi) arcsin(rho)``.

    Parameters
    ----------
    rho : float or array_like
        The cosine :math:`\\cos(u, v)` of the original vectors, in [-1, 1].

    Returns
    -------
    float or ndarray
        :math:`\\mathbb E\\cos(\\operatorname{sign}(Au), \\operatorname{sign}(Av))`,
        the same shape as ``rho``.

    Notes
    -----
    With :math:`\\theta=\\arccos\\rho`, a bit differs with probability
    :math:`\\theta/\\pi`, so the expected product of two signs is
    :math:`1 - 2\\theta/\\pi = \\tfrac{2}{\\pi}\\arcsin\\rho` (Sheppard 1899). The
    bias :math:`\\tfrac{2}{\\pi}\\arcsin\\rho - \\rho` is largest in size at
    :math:`\\rho = \\pm\\sqrt{1 - 4/\\pi^2}`.

    Examples
    --------
    >>> round(float(expected_sign_cosine(0.5)), 12)  # arcsin(1/2) = pi/6
    0.333333333333
    """
    r = _check_values(rho, "rho", -1.0, 1.0, "a cosine")
    return _as_output(2.0 / np.pi * np.arcsin(r), rho)


def corrected_cosine(h):
    """Invert the arcsine law: ``sin(pi h / 2)`` turns a sign cosine into an estimate of ``rho``.

    Parameters
    ----------
    h : float or array_like
        Sign cosines (as from :func:`sign_cosine`), in [-1, 1].

    Returns
    -------
    float or ndarray
        :math:`\\sin(\\pi h / 2)`, the same shape as ``h``.

    Notes
    -----
    Since :math:`\\mathbb E h = \\tfrac{2}{\\pi}\\arcsin\\rho`, the map is the
    inverse of :func:`expected_sign_cosine`; being increasing, it changes values
    but never the order of neighbours.  It is consistent, with a bias of order
    :math:`1/n` from the curvature of :math:`\\sin`: to second order,
    :math:`\\mathbb E\\sin(\\pi h/2) \\approx \\rho - \\tfrac{\\pi^2}{8}\\rho\\,(1-s^2)/n`
    with :math:`s = \\tfrac{2}{\\pi}\\arcsin\\rho`.

    Examples
    --------
    >>> round(float(corrected_cosine(expected_sign_cosine(0.8))), 12)
    0.8
    """
    arr = _check_values(h, "h", -1.0, 1.0, "a sign cosine")
    return _as_output(np.sin(np.pi * arr / 2.0), h)


def collision_probability(theta):
    """Probability that one random hyperplane puts two vectors at angle ``theta`` on the same side.

    Parameters
    ----------
    theta : float or array_like
        Angles in radians, in [0, pi].

    Returns
    -------
    float or ndarray
        :math:`1 - \\theta/\\pi`.

    Notes
    -----
    The hyperplane separates ``u`` and ``v`` exactly when its normal, projected
    to the plane of ``u`` and ``v``, falls in one of two opposite arcs of angle
    :math:`\\theta`; by rotation invariance of the Gaussian that has probability
    :math:`\\theta/\\pi` (Goemans & Williamson 1995, Lemma 3.2; Charikar 2002).

    Examples
    --------
    >>> import numpy as np
    >>> float(collision_probability(np.pi / 2))
    0.5
    """
    t = _check_values(theta, "theta", 0.0, np.pi, "an angle (radians)")
    return _as_output(1.0 - t / np.pi, theta)


def candidate_probability(theta, n_bits: int, n_tables: int):
    """Probability that a point at angle ``theta`` from the query shares a bucket in at least one table.

    Parameters
    ----------
    theta : float or array_like
        Angles in radians, in [0, pi].
    n_bits : int
        Bits per table key, ``>= 1``.
    n_tables : int
        Number of independent tables, ``>= 1``.

    Returns
    -------
    float or ndarray
        :math:`1 - (1 - p^b)^L` with :math:`p = 1 - \\theta/\\pi`, ``b = n_bits``
        and ``L = n_tables``.

    Notes
    -----
    A key of ``b`` bits collides with probability :math:`p^b` (AND: fewer false
    candidates); ``L`` tables give ``L`` chances (OR: fewer misses).  Because
    :class:`SignLSHIndex` re-ranks its candidates exactly, a true neighbour is
    returned if and only if it is a candidate, so the expected recall@k is the
    mean of this probability over the true ``k`` nearest neighbours
    (Gionis, Indyk & Motwani 1999; Charikar 2002).

    Examples
    --------
    >>> float(candidate_probability(0.0, 16, 4))
    1.0
    >>> import numpy as np
    >>> bool(np.isclose(candidate_probability(1.0, 8, 4), 1 - (1 - (1 - 1 / np.pi) ** 8) ** 4))
    True
    """
    b = check_int(n_bits, "n_bits", 1)
    L = check_int(n_tables, "n_tables", 1)
    p = collision_probability(theta)
    return 1.0 - (1.0 - p**b) ** L


def estimator_variance(rho, n_bits: int, kind: str = "sign"):
    """Variance of a cosine estimate from ``n_bits`` Gaussian projections.

    Parameters
    ----------
    rho : float or array_like
        True cosine, in [-1, 1].
    n_bits : int
        Number of projections ``n >= 1`` (bits for the sign estimates,
        coordinates for the float one).
    kind : {"float", "sign", "corrected"}
        ``"float"``: :math:`\\cos(Au, Av)`; ``"sign"``: the raw sign cosine
        :math:`h`; ``"corrected"``: :math:`\\sin(\\pi h/2)`.

    Returns
    -------
    float or ndarray

    Notes
    -----
    With :math:`s = \\tfrac{2}{\\pi}\\arcsin\\rho`:

    * sign (exact: a mean of ``n`` independent :math:`\\pm1` products with mean
      ``s``): :math:`(1 - s^2)/n`;
    * float (first order in :math:`1/n`: the uncentred sample correlation of ``n``
      bivariate normal pairs): :math:`(1-\\rho^2)^2/n`;
    * corrected (delta method, first order):
      :math:`\\tfrac{\\pi^2}{4}(1-\\rho^2)(1-s^2)/n`.

    At :math:`\\rho=0` the corrected sign estimate needs :math:`\\pi^2/4\\approx2.47`
    times more bits than the float one needs coordinates; as
    :math:`\\rho\\to1` the ratio grows like :math:`\\pi/\\theta`.

    Examples
    --------
    >>> float(estimator_variance(0.0, 100, "corrected") / estimator_variance(0.0, 100, "float"))  # doctest: +ELLIPSIS
    2.4674...
    """
    r = _check_values(rho, "rho", -1.0, 1.0, "a cosine")
    n = check_int(n_bits, "n_bits", 1)
    check_choice(kind, "kind", ESTIMATORS)
    s = 2.0 / np.pi * np.arcsin(r)
    if kind == "sign":
        v = (1.0 - s**2) / n
    elif kind == "float":
        v = (1.0 - r**2) ** 2 / n
    else:
        v = np.pi**2 / 4.0 * (1.0 - r**2) * (1.0 - s**2) / n
    return _as_output(v, rho)


def variance_ratio(rho):
    """How many times more sign bits than float coordinates the same variance needs: Var(corrected) / Var(float).

    Parameters
    ----------
    rho : float or array_like
        True cosine, in [-1, 1].

    Returns
    -------
    float or ndarray
        :math:`\\frac{\\pi^2}{4}\\frac{1-s^2}{1-\\rho^2}` with :math:`s=\\tfrac{2}{\\pi}\\arcsin\\rho`,
        the ratio of the first-order variances of :func:`estimator_variance`
        (``n`` cancels); ``inf`` at :math:`\\rho=\\pm1`, its limit.

    Notes
    -----
    The minimum is :math:`\\pi^2/4` at :math:`\\rho = 0`; as :math:`\\rho\\to\\pm1` the
    ratio grows like :math:`\\pi/\\theta`, because the float variance
    :math:`(1-\\rho^2)^2/n` vanishes faster than :math:`1 - s^2`.  A float of
    ``b`` bits buys ``b`` sign bits, so at equal storage the sign estimate is
    the better one wherever the ratio is below ``b``.

    Examples
    --------
    >>> import numpy as np
    >>> bool(np.isclose(variance_ratio(0.0), np.pi**2 / 4))
    True
    """
    r = _check_values(rho, "rho", -1.0, 1.0, "a cosine")
    s = 2.0 / np.pi * np.arcsin(r)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(np.abs(r) < 1.0, np.pi**2 / 4.0 * (1.0 - s**2) / (1.0 - r**2), np.inf)
    return _as_output(ratio, rho)


def break_even_cosine(float_bits: float = 32) -> float:
    """The cosine above which a float projection beats sign bits at equal storage.

    Parameters
    ----------
    float_bits : float
        Bits that one stored float costs (32 for float32, 16 for float16); must
        exceed :math:`\\pi^2/4`, below which the float estimate always wins.

    Returns
    -------
    float
        The :math:`\\rho^* \\in (0, 1)` with ``variance_ratio(rho*) == float_bits``; for
        :math:`|\\rho| < \\rho^*` the corrected sign estimate from ``float_bits * n``
        bits has a smaller variance than the float estimate from ``n``
        coordinates of the same storage.

    Notes
    -----
    Solved with :func:`scipy.optimize.brentq`; :func:`variance_ratio` is
    increasing on [0, 1).

    Examples
    --------
    >>> rho = break_even_cosine(32)
    >>> bool(np.isclose(variance_ratio(rho), 32))
    True
    """
    b = check_real(float_bits, "float_bits", np.pi**2 / 4, None, low_open=True)
    return float(brentq(lambda r: variance_ratio(r) - b, 0.0, 1.0 - 1e-15, xtol=1e-14))


# ---------------------------------------------------------------------------
# experiments
# ---------------------------------------------------------------------------
def simulate_cosine_estimates(rho: float, n_bits: int, n_trials: int, rng=None) -> dict:
    """Draw ``n_trials`` independent float, sign and corrected estimates of one cosine.

    Parameters
    ----------
    rho : float
        True cosine ``cos(u, v)``, in [-1, 1].
    n_bits : int
        Projections per trial, ``>= 1``.
    n_trials : int
        Independent draws of ``A``, ``>= 1``.
    rng : None, int or numpy.random.Generator
        Source of randomness.

    Returns
    -------
    dict
        ``"float"``, ``"sign"``, ``"corrected"``: arrays of shape (n_trials,);
        ``"rho"``, ``"n_bits"``: the inputs.

    Notes
    -----
    For unit ``u, v`` with :math:`u\\cdot v=\\rho` and ``A`` with i.i.d. standard
    normal entries, the rows give ``n`` independent pairs
    :math:`(a\\cdot u, a\\cdot v)`, each standard bivariate normal with correlation
    :math:`\\rho`, whatever the dimension of ``u`` (rotation invariance).  So the
    pairs are drawn directly, :math:`z_1 = g_1`,
    :math:`z_2 = \\rho g_1 + \\sqrt{1-\\rho^2} g_2`, which is exact and costs
    ``O(n)`` per trial instead of ``O(nD)``; the signs go through
    :func:`numpy.packbits` and :func:`sign_cosine` as real codes do.

    Examples
    --------
    >>> est = simulate_cosine_estimates(0.5, 64, 1000, rng=0)
    >>> abs(est["sign"].mean() - expected_sign_cosine(0.5)) < 0.01
    np.True_
    """
    if np.ndim(rho) != 0:
        raise ValueError(f"rho must be a single number in [-1, 1], got an array of shape {np.shape(rho)}")
    r = float(_check_values(rho, "rho", -1.0, 1.0, "a cosine"))
    n = check_int(n_bits, "n_bits", 1)
    trials = check_int(n_trials, "n_trials", 1)
    gen = check_rng(rng)
    g1 = gen.standard_normal((trials, n))
    z2 = r * g1 + np.sqrt(1.0 - r * r) * gen.standard_normal((trials, n))
    floats = np.einsum("ij,ij->i", g1, z2) / np.sqrt(np.einsum("ij,ij->i", g1, g1) * np.einsum("ij,ij->i", z2, z2))
    signs = sign_cosine(np.packbits(g1 >= 0, axis=1), np.packbits(z2 >= 0, axis=1), n, pairwise=False)
    return {
        "float": floats,
        "sign": signs,
        "corrected": np.sin(np.pi * signs / 2.0),
        "rho": r,
        "n_bits": n,
    }


def chain_errors(X, n_values, n_draws: int = 1, rng=None) -> dict:
    """Errors of the three links of ``cos(u,v) ~ cos(Au,Av) ~ cos(sign Au, sign Av)`` on real pairs.

    Parameters
    ----------
    X : array_like of shape (N, D)
        Points as rows (no zero row); all ``N(N-1)/2`` pairs are used.
    n_values : sequence of int
        Numbers of projections ``n`` to try, each ``>= 1``.  Each draw of the
        Gaussian ``A`` has ``max(n_values)`` rows and dimension ``n`` uses its
        first ``n`` rows, so the curves are nested like a growing experiment.
    n_draws : int
        Independent draws of ``A`` (``>= 1``) to average over: one draw shares
        its randomness among all pairs, so a data set of low intrinsic
        dimension sees few independent errors per draw.
    rng : None, int or numpy.random.Generator
        Source of ``A``.  With an int seed, the first draw is the matrix that
        :func:`sign_codes` draws with that seed.

    Returns
    -------
    dict
        ``"n"`` (ints), ``"cos"`` (true cosines of the pairs, condensed order of
        :func:`scipy.spatial.distance.pdist`), and for each estimator in
        ``ESTIMATORS``: ``"<kind>_mse"`` of shape (n_draws, len(n_values)), the
        mean squared error over the pairs for each draw; ``"<kind>_rms"``, the
        root of its mean over draws; ``"<kind>_max"``, the largest absolute
        error over the pairs, averaged over draws; ``"<kind>_rms_theory"``, the
        root mean over pairs of bias squared plus :func:`estimator_variance`.
        Also ``"sign_first"``: the raw sign cosines of the first draw at the
        largest ``n``.

    Notes
    -----
    Float: :math:`\\cos(Au, Av)` (the scale of ``A`` cancels). Sign:
    :math:`h = 1 - 2 d_H/n` from the bits :math:`[Au \\ge 0]`, as in
    :func:`sign_codes`. Corrected: :math:`\\sin(\\pi h/2)`. The raw sign error
    cannot fall below the arcsine bias :math:`|\\tfrac{2}{\\pi}\\arcsin\\rho - \\rho|`.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((20, 30))
    >>> out = chain_errors(X, [16, 256], rng=1)
    >>> bool(out["float_rms"][1] < out["float_rms"][0])
    True
    """
    X, norms = _check_points(X, "X")
    if X.shape[0] < 2:
        raise ValueError(f"X must have at least 2 rows (one pair), got {X.shape[0]}")
    ns = check_ints(n_values, "n_values", 1)
    if ns.size == 0:
        raise ValueError("n_values must not be empty")
    draws = check_int(n_draws, "n_draws", 1)
    gen = check_rng(rng)
    U = _unit_rows(X, norms)
    iu = np.triu_indices(U.shape[0], 1)
    cos = np.clip((U @ U.T)[iu], -1.0, 1.0)
    bias = {"float": 0.0, "sign": 2.0 / np.pi * np.arcsin(cos) - cos, "corrected": 0.0}
    out = {"n": ns, "cos": cos}
    for kind in ESTIMATORS:
        out[f"{kind}_mse"] = np.empty((draws, ns.size))
        out[f"{kind}_max"] = np.zeros(ns.size)
        out[f"{kind}_rms_theory"] = np.array(
            [np.sqrt(np.mean(bias[kind] ** 2 + estimator_variance(cos, int(n), kind))) for n in ns]
        )
    for d in range(draws):
        Y = U @ gen.standard_normal((int(ns.max()), U.shape[1])).T
        for i, n in enumerate(ns):
            Yn = Y[:, :n] / np.linalg.norm(Y[:, :n], axis=1, keepdims=True)
            codes = np.packbits(Y[:, :n] >= 0, axis=1)
            h = 1.0 - 2.0 * hamming_distance(codes, codes)[iu] / n
            est = {"float": (Yn @ Yn.T)[iu], "sign": h, "corrected": np.sin(np.pi * h / 2.0)}
            for kind in ESTIMATORS:
                err = np.abs(est[kind] - cos)
                out[f"{kind}_mse"][d, i] = np.mean(err**2)
                out[f"{kind}_max"][i] += err.max() / draws
            if d == 0 and i == ns.size - 1:
                out["sign_first"] = h
    for kind in ESTIMATORS:
        out[f"{kind}_rms"] = np.sqrt(out[f"{kind}_mse"].mean(axis=0))
    return out


def estimator_spread(rho_values, n_values, n_trials: int, rng=None) -> dict:
    """Simulated and theoretical variances of the three cosine estimators over a grid.

    Parameters
    ----------
    rho_values : sequence of float
        True cosines, each in [-1, 1].
    n_values : sequence of int
        Numbers of projections (bits), each ``>= 1``.
    n_trials : int
        Independent estimates per grid point (``>= 2``), from
        :func:`simulate_cosine_estimates`.
    rng : None, int or numpy.random.Generator
        Source of randomness.

    Returns
    -------
    dict
        ``"rho"``, ``"n"``: the grid; for each estimator in ``ESTIMATORS``,
        arrays of shape (len(rho_values), len(n_values)): ``"<kind>_var"``
        (sample variance), ``"<kind>_var_theory"`` (:func:`estimator_variance`)
        and ``"<kind>_mean"`` (sample mean).

    Examples
    --------
    >>> out = estimator_spread([0.0], [64, 256], 500, rng=0)
    >>> out["sign_var"].shape
    (1, 2)
    """
    rhos = _check_values(rho_values, "rho_values", -1.0, 1.0, "cosines").reshape(-1)
    ns = check_ints(n_values, "n_values", 1).tolist()
    if not ns:
        raise ValueError("n_values must not be empty")
    trials = check_int(n_trials, "n_trials", 2)
    gen = check_rng(rng)
    out = {"rho": rhos, "n": np.asarray(ns)}
    for kind in ESTIMATORS:
        for stat in ("var", "var_theory", "mean"):
            out[f"{kind}_{stat}"] = np.empty((rhos.size, len(ns)))
    for i, r in enumerate(rhos):
        for j, n in enumerate(ns):
            est = simulate_cosine_estimates(float(r), n, trials, rng=gen)
            for kind in ESTIMATORS:
                out[f"{kind}_var"][i, j] = est[kind].var(ddof=1)
                out[f"{kind}_mean"][i, j] = est[kind].mean()
                out[f"{kind}_var_theory"][i, j] = estimator_variance(float(r), n, kind)
    return out


def brute_force_cosine(X, Q, k: int):
    """Exact ``k`` nearest neighbours by cosine: the baseline of :class:`SignLSHIndex`.

    Parameters
    ----------
    X : array_like of shape (N, D)
        Database, no zero row.
    Q : array_like of shape (M, D)
        Queries, no zero row.
    k : int
        Neighbours per query, in [1, N].

    Returns
    -------
    indices : ndarray of int64, shape (M, k)
        Rows of ``X``, by decreasing cosine.
    cosines : ndarray of float64, shape (M, k)

    Notes
    -----
    One matrix product of the unit rows, :math:`S = \\hat Q \\hat X^\\top`, in blocks
    of queries, then :func:`numpy.argpartition` and a sort of the ``k`` best.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    >>> idx, cos = brute_force_cosine(X, [[1.0, 0.2]], 2)
    >>> idx
    array([[0, 1]])
    """
    X, xn = _check_points(X, "X")
    Q, qn = _check_points(Q, "Q", X.shape[1])
    k = check_int(k, "k", 1, X.shape[0])
    return _top_k_exact(_unit_rows(X, xn), _unit_rows(Q, qn), k)


def _top_k_exact(U: np.ndarray, V: np.ndarray, k: int):
    m, n = V.shape[0], U.shape[0]
    idx = np.empty((m, k), dtype=np.int64)
    cos = np.empty((m, k))
    step = max(1, _BLOCK // n)
    for start in range(0, m, step):
        S = V[start : start + step] @ U.T
        part = np.argpartition(-S, k - 1, axis=1)[:, :k] if k < n else np.tile(np.arange(n), (S.shape[0], 1))
        vals = np.take_along_axis(S, part, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")
        idx[start : start + step] = np.take_along_axis(part, order, axis=1)
        cos[start : start + step] = np.take_along_axis(vals, order, axis=1)
    return idx, cos


def recall_at_k(found, exact) -> float:
    """Mean fraction of the exact ``k`` nearest neighbours that a search returned.

    Parameters
    ----------
    found : array_like of int, shape (M, k')
        Indices returned by an approximate search (``-1`` marks an empty slot).
    exact : array_like of int, shape (M, k)
        The exact ``k`` nearest neighbours, for the same ``M`` queries.

    Returns
    -------
    float
        :math:`\\frac{1}{Mk}\\sum_q |\\text{found}_q \\cap \\text{exact}_q|`, in [0, 1].

    Examples
    --------
    >>> recall_at_k([[0, 1, 2]], [[2, 0, 5]])  # doctest: +ELLIPSIS
    0.666...
    """
    f = _asarray(found, "found")
    e = _asarray(exact, "exact")
    for name, a in (("found", f), ("exact", e)):
        if a.ndim != 2 or a.shape[1] == 0 or a.dtype.kind not in "iu":
            raise ValueError(f"{name} must be a 2-D integer array of shape (M, k) with k >= 1, got {a.dtype} {a.shape}")
    if f.shape != e.shape:
        raise ValueError(f"found and exact must have the same shape (the same number of rows, queries, and k), got {f.shape} and {e.shape}")
    hits = (f[:, :, None] == e[:, None, :]) & (e[:, None, :] >= 0)
    return float(hits.any(axis=1).sum() / e.size)


# ---------------------------------------------------------------------------
# the index
# ---------------------------------------------------------------------------
class SignLSHIndex:
    """Approximate nearest neighbours by cosine: ``n_tables`` hash tables keyed by ``n_bits`` sign bits.

    Parameters
    ----------
    n_bits : int
        Bits per key, in [1, 64].  More bits: smaller buckets, fewer candidates,
        lower recall per table.
    n_tables : int
        Independent tables, ``>= 1``.  More tables: more chances to collide,
        higher recall, more candidates.
    rng : None, int or numpy.random.Generator
        Source of the ``n_tables * n_bits`` Gaussian hyperplanes, drawn in
        :meth:`fit`.
    rerank : {"float32", "float64", "none"}
        What the index keeps to re-rank candidates.  ``"float32"`` (default):
        a float32 copy of the unit vectors (half the memory of float64; cosines
        exact to about ``(D + 2) 2^-24``); ``"float64"``: a float64 copy (exact
        to rounding); ``"none"``: no copy of the data at all, candidates ranked by
        the Hamming distance ``d`` between all ``n_tables * n_bits`` key bits,
        with the estimated cosine ``sin(pi/2 (1 - 2 d / (n_tables n_bits)))``
        (:func:`corrected_cosine`) returned.

    Attributes
    ----------
    planes_ : ndarray of shape (n_tables, n_bits, D)
    n_points_ : int
    memory_ : dict of str -> int
        Bytes held after :meth:`fit`: ``"planes"``, ``"keys"`` (the sorted
        64-bit keys of every table), ``"ids"`` (the point ids in key order,
        int32 below 2^31 points), ``"vectors"`` (the re-ranking copy, or the
        point-major keys for ``rerank="none"``) and ``"total"``.

    Notes
    -----
    A point ``x`` goes into bucket ``key_l(x) = (sign(a_{l,1}.x), ..., sign(a_{l,b}.x))``
    of table ``l``.  A query's candidates are the points sharing its bucket in
    at least one table; a point at angle :math:`\\theta` is a candidate with
    probability :func:`candidate_probability`
    :math:`1-(1-(1-\\theta/\\pi)^b)^L` (Charikar 2002; Gionis, Indyk & Motwani 1999).
    Candidates are re-ranked by their cosine (float32 by default), so the returned cosines are
    exact to float32 rounding and every true neighbour found is ranked correctly.  Each table is a
    sorted array of keys; a lookup is a binary search (:func:`numpy.searchsorted`).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((500, 20))
    >>> index = SignLSHIndex(n_bits=6, n_tables=8, rng=1).fit(X)
    >>> idx, cos = index.query(X[:3] + 0.01, k=1)
    >>> idx.ravel()
    array([0, 1, 2])
    """

    def __init__(self, n_bits: int, n_tables: int, rng=None, rerank: str = "float32"):
        self.n_bits = check_int(n_bits, "n_bits", 1, 64)
        self.n_tables = check_int(n_tables, "n_tables", 1)
        check_rng(rng)  # reject a bad rng now, not at fit time
        self.rng = rng
        self.rerank = check_choice(rerank, "rerank", RERANK)
        self.planes_ = None

    def __repr__(self) -> str:
        return f"SignLSHIndex(n_bits={self.n_bits}, n_tables={self.n_tables})"

    def _keys(self, U: np.ndarray) -> np.ndarray:
        """(N, L) uint64 keys: the ``b`` bits of each table read as a little-endian integer."""
        L, b, d = self.planes_.shape
        keys = np.empty((U.shape[0], L), dtype=np.uint64)
        step = max(1, _BLOCK // (L * b))
        flat = self.planes_.reshape(L * b, d)
        for start in range(0, U.shape[0], step):
            bits = (U[start : start + step] @ flat.T >= 0).reshape(-1, L, b)
            packed = np.packbits(bits, axis=2, bitorder="little")
            packed = np.pad(packed, ((0, 0), (0, 0), (0, 8 - packed.shape[2])))
            keys[start : start + step] = np.ascontiguousarray(packed).view("<u8")[..., 0]
        return keys

    def fit(self, X) -> "SignLSHIndex":
        """Hash the rows of ``X`` (no zero row) into the tables; returns ``self``."""
        X, norms = _check_points(X, "X")
        unit = _unit_rows(X, norms)
        self.n_points_ = X.shape[0]
        gen = check_rng(self.rng)
        self.planes_ = gen.standard_normal((self.n_tables, self.n_bits, X.shape[1]))
        keys = self._keys(unit)
        ids = np.int32 if self.n_points_ < 2**31 else np.int64
        self._order = np.ascontiguousarray(np.argsort(keys, axis=0, kind="stable").T, dtype=ids)  # (L, N)
        self._sorted = np.take_along_axis(keys, self._order.T, axis=0).T.copy()  # (L, N)
        if self.rerank == "none":
            self._unit, self._codes = None, keys  # (N, L): each point's keys, for Hamming ranking
        else:
            self._unit, self._codes = unit.astype(self.rerank, copy=False), None
        vectors = self._codes if self._unit is None else self._unit
        self.memory_ = {
            "planes": self.planes_.nbytes,
            "keys": self._sorted.nbytes,
            "ids": self._order.nbytes,
            "vectors": vectors.nbytes,
        }
        self.memory_["total"] = sum(self.memory_.values())
        return self

    def _pair_scores(self, cand: np.ndarray, V: np.ndarray, qkeys: np.ndarray, qid) -> np.ndarray:
        """Cosines (or, with ``rerank="none"``, their estimates from the key bits) of candidate/query pairs."""
        if self._unit is not None:
            if np.ndim(qid) == 0:
                return self._unit[cand] @ V[qid]
            return np.einsum("ij,ij->i", self._unit.take(cand, axis=0), V.take(qid, axis=0))
        q = qkeys[qid] if np.ndim(qid) == 0 else qkeys.take(qid, axis=0)
        d = np.bitwise_count(self._codes.take(cand, axis=0) ^ q).sum(axis=-1, dtype=np.int64)
        return np.sin(np.pi / 2 * (1.0 - 2.0 * d / (self.n_tables * self.n_bits)))

    def query(self, Q, k: int, return_n_candidates: bool = False):
        """Approximate ``k`` nearest neighbours of each row of ``Q`` by cosine.

        Parameters
        ----------
        Q : array_like of shape (M, D)
            Queries, no zero row, ``D`` as in :meth:`fit`.
        k : int
            Neighbours per query, in [1, N].
        return_n_candidates : bool
            Also return how many distinct points were compared exactly.

        Returns
        -------
        indices : ndarray of int64, shape (M, k)
            Rows of the fitted ``X`` by decreasing cosine; ``-1`` where fewer
            than ``k`` candidates were found.
        cosines : ndarray of float64, shape (M, k)
            Their exact cosines; ``nan`` in empty slots.
        n_candidates : ndarray of int64, shape (M,)
            Only if ``return_n_candidates``.
        """
        if self.planes_ is None:
            raise ValueError("this SignLSHIndex is not fitted yet: call fit(X) before query(Q, k)")
        Q, qn = _check_points(Q, "Q", self.planes_.shape[2])
        k = check_int(k, "k", 1, self.n_points_)
        V = _unit_rows(Q, qn)
        m, L = V.shape[0], self.n_tables
        qkeys = self._keys(V)  # (M, L)
        if self._unit is not None:
            V = V.astype(self._unit.dtype, copy=False)
        lo = np.empty((m, L), dtype=np.int64)
        hi = np.empty((m, L), dtype=np.int64)
        for t in range(L):
            lo[:, t] = np.searchsorted(self._sorted[t], qkeys[:, t], side="left")
            hi[:, t] = np.searchsorted(self._sorted[t], qkeys[:, t], side="right")
        idx = np.full((m, k), -1, dtype=np.int64)
        cos = np.full((m, k), np.nan)
        n_cand = np.zeros(m, dtype=np.int64)
        # blocks of whole queries: at most _BLOCK bucket entries and a (block, N) mask of 4 * _BLOCK bytes
        cum = np.concatenate(([0], np.cumsum((hi - lo).sum(axis=1))))
        max_rows = max(1, 4 * _BLOCK // self.n_points_)
        start = 0
        while start < m:
            stop = int(np.searchsorted(cum, cum[start] + _BLOCK, side="right")) - 1
            stop = min(max(stop, start + 1), start + max_rows, m)
            sl = slice(start, stop)
            self._query_block(V[sl], qkeys[sl], lo[sl], hi[sl], k, idx[sl], cos[sl], n_cand[sl])
            start = stop
        return (idx, cos, n_cand) if return_n_candidates else (idx, cos)

    def _query_block(self, V, qkeys, lo, hi, k, idx, cos, n_cand) -> None:
        """Candidates of a block of queries, re-ranked exactly; fills idx, cos, n_cand in place."""
        m, L = lo.shape
        n = self.n_points_
        counts = (hi - lo).ravel()
        total = int(counts.sum())
        if total == 0:
            return
        # bucket entries as positions in the flattened (L, N) table of sorted point ids
        first = (lo + np.arange(L) * n).ravel()
        flat = np.repeat(first - (np.cumsum(counts) - counts), counts) + np.arange(total)
        qid = np.repeat(np.arange(m), (hi - lo).sum(axis=1))
        # a point found in several tables is one candidate, read back sorted by query: through a
        # sort of the (query, point) pairs when they are few, through a (block, N) mask otherwise
        points = self._order.ravel()[flat]
        if total < m * n // 16:
            pairs = np.sort(qid * n + points)
            pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
            qid, cand = np.divmod(pairs, n)
        else:
            mask = np.zeros((m, n), dtype=bool)
            mask[qid, points] = True
            qid, cand = np.nonzero(mask)
        per_query = np.bincount(qid, minlength=m)
        n_cand += per_query
        bounds = np.concatenate(([0], np.cumsum(per_query)))
        if qid.size <= _SMALL_BUCKETS * m:
            # few candidates per query: all pairs at once, in chunks (a Python loop would cost more)
            c = np.empty(qid.size)
            for s in range(0, qid.size, 4096):
                c[s : s + 4096] = self._pair_scores(cand[s : s + 4096], V, qkeys, qid[s : s + 4096])
            order = np.argsort(4.0 * qid - c, kind="stable")  # by query, then decreasing cosine (|c| <= 1)
            rank = np.arange(qid.size) - np.repeat(bounds[:-1], per_query)
            keep = rank < k
            idx[qid[keep], rank[keep]] = cand[order][keep]
            cos[qid[keep], rank[keep]] = c[order][keep]
            return
        # many candidates: query by query, a gather of the candidate rows and one matrix-vector product
        for q in np.flatnonzero(per_query):
            rows = cand[bounds[q] : bounds[q + 1]]
            c = self._pair_scores(rows, V, qkeys, q)
            best = np.argpartition(-c, k - 1)[:k] if rows.size > k else np.arange(rows.size)
            best = best[np.argsort(-c[best], kind="stable")]
            idx[q, : best.size] = rows[best]
            cos[q, : best.size] = c[best]


def index_sweep(X, Q, n_bits_values, n_tables_values, k: int = 10, rng=None, repeat: int = 2) -> dict:
    """Recall@k, candidates and query time of :class:`SignLSHIndex` over a grid of bits and tables.

    Parameters
    ----------
    X : array_like of shape (N, D)
        Database, no zero row.
    Q : array_like of shape (M, D)
        Queries, no zero row.
    n_bits_values, n_tables_values : sequence of int
        The grid: bits per key (each in [1, 64]) and numbers of tables (each >= 1).
    k : int
        Neighbours per query, in [1, N].
    rng : None, int or numpy.random.Generator
        Source of every index's hyperplanes.
    repeat : int
        Timings are the best of ``repeat`` runs (``>= 1``), to damp the noise of a
        shared machine.

    Returns
    -------
    dict
        ``"n_bits"``, ``"n_tables"``: the grid; arrays of shape
        (len(n_tables_values), len(n_bits_values)): ``"recall"`` (measured
        recall@k against brute force), ``"recall_theory"`` (mean of
        :func:`candidate_probability` over the true neighbours' angles),
        ``"scanned"`` (mean fraction of the database compared exactly),
        ``"query_seconds"`` (per query, including hashing the queries),
        ``"fit_seconds"``; and the baseline ``"brute_seconds"`` (per query)
        and ``"exact_cos"`` (the true neighbours' cosines, (M, k)).

    Notes
    -----
    Only the timings depend on the machine; recall and the scanned fraction do
    not.  The brute-force time is that of :func:`brute_force_cosine` on
    normalised rows, one matrix product for all queries.

    Examples
    --------
    >>> import numpy as np
    >>> gen = np.random.default_rng(0)
    >>> X, Q = gen.standard_normal((300, 10)), gen.standard_normal((20, 10))
    >>> out = index_sweep(X, Q, [4, 8], [2], k=5, rng=0, repeat=1)
    >>> out["recall"].shape
    (1, 2)
    """
    X, xn = _check_points(X, "X")
    Q, qn = _check_points(Q, "Q", X.shape[1])
    k = check_int(k, "k", 1, X.shape[0])
    bits = [check_int(b, "n_bits_values", 1, 64) for b in np.atleast_1d(n_bits_values)]
    tables = [check_int(t, "n_tables_values", 1) for t in np.atleast_1d(n_tables_values)]
    if not bits or not tables:
        raise ValueError("n_bits_values and n_tables_values must not be empty")
    repeat = check_int(repeat, "repeat", 1)
    gen = check_rng(rng)
    U, V = _unit_rows(X, xn), _unit_rows(Q, qn)
    exact, exact_cos = _top_k_exact(U, V, k)
    brute = best_time(lambda: _top_k_exact(U, V, k), repeat)[0] / V.shape[0]
    theta = np.arccos(np.clip(exact_cos, -1.0, 1.0))
    shape = (len(tables), len(bits))
    out = {name: np.empty(shape) for name in ("recall", "recall_theory", "scanned", "query_seconds", "fit_seconds")}
    for i, L in enumerate(tables):
        for j, b in enumerate(bits):
            index = SignLSHIndex(b, L, rng=gen)
            t0 = time.perf_counter()
            index.fit(U)
            out["fit_seconds"][i, j] = time.perf_counter() - t0
            found, _, n_cand = index.query(V, k, return_n_candidates=True)
            out["query_seconds"][i, j] = best_time(lambda: index.query(V, k), repeat)[0] / V.shape[0]
            out["recall"][i, j] = recall_at_k(found, exact)
            out["recall_theory"][i, j] = float(np.mean(candidate_probability(theta, b, L)))
            out["scanned"][i, j] = n_cand.mean() / U.shape[0]
    out.update(
        n_bits=np.asarray(bits),
        n_tables=np.asarray(tables),
        brute_seconds=brute,
        exact_cos=exact_cos,
        n_points=U.shape[0],
        k=k,
    )
    return out


# ---------------------------------------------------------------------------
# amplification, multi-probe and the cross-polytope hash (issue #16)
# ---------------------------------------------------------------------------
# Appended as one section, apart from SignLSHIndex, so that edits above merge cleanly.

__all__ += [
    "amplification_probability",
    "multiprobe_candidate_probability",
    "multiprobe_query",
    "cross_polytope_codes",
    "collision_curve",
    "recall_and_time",
]


def amplification_probability(p, r: int, b: int):
    r"""Probability that an AND-OR construction of ``b`` tables of ``r`` hashes makes two points candidates.

    Parameters
    ----------
    p : float or array_like
        Collision probability of one hash, in [0, 1].
    r : int
        Hashes per table (AND), ``>= 1``.
    b : int
        Tables (OR), ``>= 1``.

    Returns
    -------
    float or ndarray
        :math:`1 - (1 - p^r)^b`.

    Notes
    -----
    A table's key collides when all ``r`` independent hashes do, with probability
    :math:`p^r`; the point is a candidate if any of the ``b`` independent tables
    collides.  As a function of ``p`` this is an S-curve whose steepest point is near
    :math:`p^\star \approx (1/b)^{1/r}`: the construction turns a gentle gap
    between near and far collision probabilities into a sharp threshold
    (Indyk & Motwani 1998; Leskovec, Rajaraman & Ullman, *Mining of Massive
    Datasets*, Sec. 3.4).  :func:`candidate_probability` is this with
    :math:`p = 1 - \theta/\pi`.

    Examples
    --------
    >>> float(amplification_probability(0.5, 2, 3))
    0.578125
    """
    r = check_int(r, "r", 1)
    b = check_int(b, "b", 1)
    q = _check_values(p, "p", 0.0, 1.0, "a probability")
    return _as_output(1.0 - (1.0 - q**r) ** b, p)


def multiprobe_candidate_probability(theta, n_bits: int, n_tables: int):
    r"""Candidate probability when each table is probed at the query's bucket and all ``n_bits`` one-bit flips.

    Parameters
    ----------
    theta : float or array_like
        Angles in radians, in [0, pi].
    n_bits, n_tables : int

    Returns
    -------
    float or ndarray
        :math:`1 - \bigl(1 - p^b - b\,p^{b-1}(1-p)\bigr)^L`, :math:`p = 1-\theta/\pi`:
        a point is found in a table when its key differs from the query's in at most one bit.

    Notes
    -----
    Probing the ``b`` neighbouring buckets multiplies the buckets read per table
    by ``b + 1`` and catches points whose key differs in one bit; Lv et al. (2007)
    probe them in order of the query's margins :math:`|a_j \cdot q|` (the bit most
    likely to be flipped first), which :func:`multiprobe_query` does for fewer probes.

    Examples
    --------
    >>> float(multiprobe_candidate_probability(0.0, 8, 1))
    1.0
    """
    b = check_int(n_bits, "n_bits", 1)
    L = check_int(n_tables, "n_tables", 1)
    p = collision_probability(theta)
    one = p**b + b * p ** (b - 1) * (1 - p)
    return 1.0 - (1.0 - one) ** L


def _table_keys(U: np.ndarray, planes: np.ndarray):
    """(N, L) uint64 keys (bit j of table l is ``planes[l, j] . u >= 0``) and the (N, L, b) margins."""
    L, b, d = planes.shape
    proj = (U @ planes.reshape(L * b, d).T).reshape(-1, L, b)
    weights = (np.uint64(1) << np.arange(b, dtype=np.uint64))
    keys = ((proj >= 0).astype(np.uint64) * weights).sum(axis=2, dtype=np.uint64)
    return keys, np.abs(proj)


def multiprobe_query(X, Q, k: int, n_bits: int, n_tables: int, n_probes: int = 0, rng=None):
    r"""Multi-probe sign-bit LSH: probe each table's bucket and the ``n_probes`` most likely neighbouring buckets.

    Parameters
    ----------
    X : array_like of shape (N, D)
        Database, no zero row.
    Q : array_like of shape (M, D)
        Queries, no zero row.
    k : int
        Neighbours per query, in [1, N].
    n_bits : int
        Bits per key, in [1, 63].
    n_tables : int
        Tables, ``>= 1``.
    n_probes : int
        Extra buckets per table, in [0, n_bits]: the keys with one of the query's
        ``n_probes`` least certain bits (smallest :math:`|a_j\cdot q|`) flipped.
    rng : None, int or numpy.random.Generator
        Source of the ``n_tables * n_bits`` Gaussian hyperplanes.

    Returns
    -------
    indices : ndarray of int64, shape (M, k)
        Candidates re-ranked by exact cosine; ``-1`` where fewer than ``k`` were found.
    n_candidates : ndarray of int64, shape (M,)
        Distinct candidates compared per query.

    Notes
    -----
    Query-directed probing (Lv, Josephson, Wang, Charikar & Li 2007): a near
    neighbour's key usually differs from the query's in the bits whose
    hyperplanes pass closest to the query.  With ``n_probes = n_bits`` every
    key at Hamming distance at most one is probed and the candidate probability
    is :func:`multiprobe_candidate_probability`; with ``n_probes = 0`` this is
    plain LSH, :func:`candidate_probability`.

    Examples
    --------
    >>> X = np.random.default_rng(0).standard_normal((300, 10))
    >>> idx, n = multiprobe_query(X, X[:2] + 0.01, 1, 8, 4, n_probes=2, rng=1)
    >>> idx.ravel()
    array([0, 1])
    """
    X, xn = _check_points(X, "X")
    Q, qn = _check_points(Q, "Q", X.shape[1])
    k = check_int(k, "k", 1, X.shape[0])
    b = check_int(n_bits, "n_bits", 1, 63)
    L = check_int(n_tables, "n_tables", 1)
    n_probes = check_int(n_probes, "n_probes", 0, b)
    gen = check_rng(rng)
    U, V = _unit_rows(X, xn), _unit_rows(Q, qn)
    planes = gen.standard_normal((L, b, X.shape[1]))
    xkeys, _ = _table_keys(U, planes)
    order = np.argsort(xkeys, axis=0, kind="stable").T                  # (L, N)
    sorted_keys = np.take_along_axis(xkeys, order.T, axis=0).T           # (L, N)
    qkeys, margins = _table_keys(V, planes)
    flips = np.argsort(margins, axis=2)[:, :, :n_probes].astype(np.uint64)   # (M, L, n_probes)
    probes = np.concatenate([qkeys[:, :, None], qkeys[:, :, None] ^ (np.uint64(1) << flips)], axis=2)
    lo = np.stack([np.searchsorted(sorted_keys[l], probes[:, l], side="left") for l in range(L)], axis=1)
    hi = np.stack([np.searchsorted(sorted_keys[l], probes[:, l], side="right") for l in range(L)], axis=1)
    M = V.shape[0]
    idx = np.full((M, k), -1, dtype=np.int64)
    n_cand = np.zeros(M, dtype=np.int64)
    for i in range(M):
        parts = [order[l, a:z] for l in range(L) for a, z in zip(lo[i, l], hi[i, l]) if z > a]
        if not parts:
            continue
        cand = np.unique(np.concatenate(parts))
        n_cand[i] = cand.size
        cos = U[cand] @ V[i]
        top = np.argsort(-cos, kind="stable")[:k]
        idx[i, : top.size] = cand[top]
    return idx, n_cand


def cross_polytope_codes(X, n_hashes: int, rng=None, n_dims: int | None = None) -> np.ndarray:
    r"""Cross-polytope LSH: the nearest signed coordinate vector after a random rotation, one per hash.

    Parameters
    ----------
    X : array_like of shape (N, D)
        Points, no zero row.
    n_hashes : int
        Independent hashes, ``>= 1``.
    rng : None, int or numpy.random.Generator
    n_dims : int, optional
        Dimension ``d' <= D`` the points are rotated into (the first ``d'`` rows of a
        Haar-random orthogonal matrix); default ``D``.  Each hash has ``2 d'`` values.

    Returns
    -------
    codes : ndarray of int64, shape (N, n_hashes)
        ``h(x) = j`` if the largest entry in absolute value of :math:`y = Rx` is
        :math:`y_j > 0`, and ``j + d'`` if it is :math:`y_j < 0`.

    Notes
    -----
    The hash maps the unit sphere to the :math:`2d'` vertices :math:`\pm e_j` of the
    cross-polytope, taking the closest one to :math:`Rx/\|Rx\|`.  For unit
    vectors at Euclidean distance :math:`\tau`, Andoni, Indyk, Laarhoven,
    Razenshteyn and Schmidt (2015, Thm. 1) show
    :math:`\ln\frac{1}{P[h(x)=h(y)]} = \frac{\tau^2}{4-\tau^2}\ln d' + O_\tau(\ln\ln d')`,
    which gives the optimal exponent :math:`\rho = \frac{1}{c^2}` for the angular
    distance, against :math:`\rho` from :math:`\ln(1-\theta/\pi)` for hyperplanes.
    Antipodal points never collide (:math:`h(-x) = h(x) \pm d'`).  In
    :math:`d' = D = 2` the four buckets are quarter-planes and two vectors at angle
    :math:`\theta\le\pi/2` collide with probability exactly :math:`1 - 2\theta/\pi`.
    The rotation here is a dense Haar matrix; FALCONN uses the fast pseudo-random
    rotation :math:`HD_3HD_2HD_1` instead.

    References
    ----------
    Andoni, A., Indyk, P., Laarhoven, T., Razenshteyn, I. and Schmidt, L. (2015). Practical and
    optimal LSH for angular distance. NeurIPS.

    Examples
    --------
    >>> X = np.eye(3)
    >>> codes = cross_polytope_codes(np.vstack([X, -X]), 2, rng=0)
    >>> bool(np.all(codes[:3] % 3 == codes[3:] % 3) and np.all(codes[:3] != codes[3:]))
    True
    """
    X, norms = _check_points(X, "X")
    D = X.shape[1]
    n_hashes = check_int(n_hashes, "n_hashes", 1)
    d = D if n_dims is None else check_int(n_dims, "n_dims", 1, D)
    gen = check_rng(rng)
    codes = np.empty((X.shape[0], n_hashes), dtype=np.int64)
    for h in range(n_hashes):
        G = gen.standard_normal((D, d))
        Qh, Rh = np.linalg.qr(G)
        Qh = Qh * np.sign(np.diag(Rh))                  # Haar: fix the signs of the QR factor
        Y = X @ Qh                                       # (N, d) = rotated points, first d' coordinates
        j = np.argmax(np.abs(Y), axis=1)
        neg = Y[np.arange(Y.shape[0]), j] < 0
        codes[:, h] = j + d * neg
    return codes


def collision_curve(thetas, kind: str = "hyperplane", n_dims: int = 2, n_bits: int = 1, n_pairs: int = 2000,
                    rng=None) -> np.ndarray:
    """Measured probability that one hash puts two unit vectors at angle ``theta`` in the same bucket.

    Parameters
    ----------
    thetas : array_like
        Angles in [0, pi].
    kind : {"hyperplane", "cross-polytope"}
        ``"hyperplane"``: a key of ``n_bits`` sign bits in ``R^n_dims``;
        ``"cross-polytope"``: one cross-polytope hash in ``R^n_dims`` (``2 n_dims`` buckets).
    n_dims : int
        Dimension of the space, ``>= 2``.
    n_bits : int
        Bits per hyperplane key (ignored for the cross-polytope).
    n_pairs : int
        Independent pairs (and hashes) per angle.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ndarray of shape (len(thetas),)
        Collision frequencies; standard error at most ``0.5 / sqrt(n_pairs)``.
    """
    t = _check_values(thetas, "thetas", 0.0, np.pi, "an angle (radians)").ravel()
    check_choice(kind, "kind", ("hyperplane", "cross-polytope"))
    d = check_int(n_dims, "n_dims", 2)
    nb = check_int(n_bits, "n_bits", 1)
    n_pairs = check_int(n_pairs, "n_pairs", 1)
    gen = check_rng(rng)
    out = np.empty(t.size)
    for i, theta in enumerate(t):
        # by rotation invariance the pair can be fixed, the hash random: u = e1, v = cos e1 + sin e2
        u = np.zeros(d)
        u[0] = 1.0
        v = np.zeros(d)
        v[0], v[1] = np.cos(theta), np.sin(theta)
        G = gen.standard_normal((n_pairs, nb if kind == "hyperplane" else d, d))
        if kind == "hyperplane":
            same = np.all((G @ u >= 0) == (G @ v >= 0), axis=1)
        else:
            Qs, Rs = np.linalg.qr(G)
            Qs = Qs * np.sign(np.diagonal(Rs, axis1=1, axis2=2))[:, None, :]
            yu, yv = np.einsum("pij,i->pj", Qs, u), np.einsum("pij,i->pj", Qs, v)
            cu = np.argmax(np.abs(yu), axis=1) + d * (yu[np.arange(n_pairs), np.argmax(np.abs(yu), axis=1)] < 0)
            cv = np.argmax(np.abs(yv), axis=1) + d * (yv[np.arange(n_pairs), np.argmax(np.abs(yv), axis=1)] < 0)
            same = cu == cv
        out[i] = same.mean()
    return out


def recall_and_time(query, Q, exact, repeats: int = 3) -> dict:
    """Recall@k and best-of-``repeats`` seconds per query of a search function.

    Parameters
    ----------
    query : callable
        ``query(Q) -> indices`` of shape (M, k) (``-1`` for empty slots).
    Q : array_like of shape (M, D)
    exact : array_like of int, shape (M, k)
        The exact neighbours (e.g. from :func:`brute_force_cosine`).
    repeats : int

    Returns
    -------
    dict
        ``"recall"`` and ``"seconds_per_query"``.
    """
    if not callable(query):
        raise TypeError(f"query must be callable, got {type(query).__name__}")
    Q = np.asarray(Q)
    seconds, found = best_time(lambda: query(Q), repeats)
    found = np.asarray(found).astype(np.int64)
    return {"recall": recall_at_k(found, exact), "seconds_per_query": seconds / max(Q.shape[0], 1)}


__all__ += ["lsh_exponent"]


def lsh_exponent(p_near, p_far, n_near: int, n_far: int | None = None) -> tuple[float, float]:
    """The exponent :math:`\\rho = \\ln p_{near} / \\ln p_{far}` of an LSH family and its standard error.

    Parameters
    ----------
    p_near, p_far : float
        Collision frequencies at the near and the far distance, in (0, 1), each measured
        from independent hashes (:func:`collision_curve`).
    n_near : int
        Hashes behind ``p_near``, ``>= 1``.
    n_far : int, optional
        Hashes behind ``p_far`` (default ``n_near``).

    Returns
    -------
    rho, se : float
        :math:`\\rho` and its delta-method standard error: with
        :math:`\\operatorname{Var}\\ln\\hat p \\approx (1-p)/(np)` for a binomial frequency,

        .. math:: \\mathrm{se}^2 = \\frac{1}{\\ln^2 p_f}\\frac{1-p_n}{n_n p_n}
                  + \\frac{\\ln^2 p_n}{\\ln^4 p_f}\\frac{1-p_f}{n_f p_f}.

        An index needs about :math:`N^\\rho` candidates per query (Indyk and Motwani, 1998).

    Examples
    --------
    >>> rho, se = lsh_exponent(0.5, 0.25, 1000)
    >>> round(rho, 3), round(se, 4)
    (0.5, 0.0302)
    """
    pn = check_real(p_near, "p_near", 0.0, 1.0, low_open=True, high_open=True)
    pf = check_real(p_far, "p_far", 0.0, 1.0, low_open=True, high_open=True)
    nn = check_int(n_near, "n_near", 1)
    nf = nn if n_far is None else check_int(n_far, "n_far", 1)
    ln_n, ln_f = np.log(pn), np.log(pf)
    var = (1 - pn) / (nn * pn) / ln_f**2 + ln_n**2 / ln_f**4 * (1 - pf) / (nf * pf)
    return float(ln_n / ln_f), float(np.sqrt(var))
