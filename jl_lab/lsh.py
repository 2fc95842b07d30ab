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

from ._timing import best_time
from ._validation import check_array, check_choice, check_int, check_real, check_rng
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
        Points as rows, none of them zero.
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
    # pairwise: compare 8-byte words, in blocks of rows of a
    n_bytes = a.shape[1]
    pad = -n_bytes % 8
    wa = np.ascontiguousarray(np.pad(a, ((0, 0), (0, pad)))).view(np.uint64)
    wb = np.ascontiguousarray(np.pad(b, ((0, 0), (0, pad)))).view(np.uint64)
    out = np.empty((a.shape[0], b.shape[0]), dtype=np.int64)
    step = max(1, _BLOCK // max(b.shape[0] * wa.shape[1], 1))
    for start in range(0, a.shape[0], step):
        x = wa[start : start + step, None, :] ^ wb[None, :, :]
        out[start : start + step] = np.bitwise_count(x).sum(axis=-1, dtype=np.int64)
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

    Attributes
    ----------
    planes_ : ndarray of shape (n_tables, n_bits, D)
    n_points_ : int

    Notes
    -----
    A point ``x`` goes into bucket ``key_l(x) = (sign(a_{l,1}.x), ..., sign(a_{l,b}.x))``
    of table ``l``.  A query's candidates are the points sharing its bucket in
    at least one table; a point at angle :math:`\\theta` is a candidate with
    probability :func:`candidate_probability`
    :math:`1-(1-(1-\\theta/\\pi)^b)^L` (Charikar 2002; Gionis, Indyk & Motwani 1999).
    Candidates are re-ranked by their exact cosine, so the returned cosines are
    exact and every true neighbour found is ranked correctly.  Each table is a
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

    def __init__(self, n_bits: int, n_tables: int, rng=None):
        self.n_bits = check_int(n_bits, "n_bits", 1, 64)
        self.n_tables = check_int(n_tables, "n_tables", 1)
        check_rng(rng)  # reject a bad rng now, not at fit time
        self.rng = rng
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
        self._unit = _unit_rows(X, norms)
        self.n_points_ = X.shape[0]
        gen = check_rng(self.rng)
        self.planes_ = gen.standard_normal((self.n_tables, self.n_bits, X.shape[1]))
        keys = self._keys(self._unit)
        self._order = np.argsort(keys, axis=0, kind="stable").T.copy()  # (L, N)
        self._sorted = np.take_along_axis(keys, self._order.T, axis=0).T.copy()  # (L, N)
        return self

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
            self._query_block(V[sl], lo[sl], hi[sl], k, idx[sl], cos[sl], n_cand[sl])
            start = stop
        return (idx, cos, n_cand) if return_n_candidates else (idx, cos)

    def _query_block(self, V, lo, hi, k, idx, cos, n_cand) -> None:
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
        # a point found in several tables is one candidate: mark, then read back sorted by query
        mask = np.zeros((m, n), dtype=bool)
        mask[qid, self._order.ravel()[flat]] = True
        qid, cand = np.nonzero(mask)
        per_query = np.bincount(qid, minlength=m)
        n_cand += per_query
        bounds = np.concatenate(([0], np.cumsum(per_query)))
        if qid.size <= _SMALL_BUCKETS * m:
            # few candidates per query: all pairs at once, in chunks (a Python loop would cost more)
            c = np.empty(qid.size)
            for s in range(0, qid.size, 4096):
                c[s : s + 4096] = np.einsum(
                    "ij,ij->i", self._unit.take(cand[s : s + 4096], axis=0), V.take(qid[s : s + 4096], axis=0)
                )
            order = np.argsort(4.0 * qid - c, kind="stable")  # by query, then decreasing cosine (|c| <= 1)
            rank = np.arange(qid.size) - np.repeat(bounds[:-1], per_query)
            keep = rank < k
            idx[qid[keep], rank[keep]] = cand[order][keep]
            cos[qid[keep], rank[keep]] = c[order][keep]
            return
        # many candidates: query by query, a gather of the candidate rows and one matrix-vector product
        for q in np.flatnonzero(per_query):
            rows = cand[bounds[q] : bounds[q + 1]]
            c = self._unit[rows] @ V[q]
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
