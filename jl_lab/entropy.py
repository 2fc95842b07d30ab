"""The entropy criterion behind the dimension formula n > 8.33 log N.

Su (kexue.fm 7695) models word pairs by a softmax over all ``N^2`` pairs,
``p(i, j) = exp(<u_i, v_j>) / Z``, with the vectors spread uniformly on the
sphere of radius ``sqrt(n)``.  Replacing the sums over pairs by expectations
gives the entropy ``H ~ 2 log N + h_n``, where ``h_n`` depends on the dimension
only and decreases like ``-0.24 n``; the dimension is deemed sufficient once the
estimate reaches zero, which gives ``n > 2 log N / 0.24 = 8.33 log N``.  For
attention, the softmax is taken over each row (``L`` keys for one query), so
the estimate is ``log L + h_n`` and the constant halves.

This module computes ``h_n`` exactly (one-dimensional integrals over the angle
between two random directions, by :func:`scipy.integrate.quad` in log space, or
by the von Mises-Fisher normaliser in Bessel functions), its limit
``h_n / n -> (1/2) log((sqrt 5 - 1) / 2) = -0.2406`` with the next term
``h_n - n c -> b = -0.0740`` (Laplace's method), the exact root of the
criterion, and the entropy of the actual softmax of sampled random vectors,
which shows where the expectation step stops being valid.

References
----------
.. [1] Su, J. (2020). Minimum entropy principle (6): how to choose the dimension of word
   vectors? kexue.fm/archives/7695.
.. [2] Su, J. (2021). The amazing Johnson-Lindenstrauss lemma: applications. kexue.fm/archives/8706.
.. [3] Derrida, B. (1981). Random-energy model: an exactly solvable model of disordered systems.
   Physical Review B 24(5).  (The sampled softmax over N^2 random pairs is a random energy model.)
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, optimize, special

from ._validation import check_array, check_choice, check_int, check_real, check_rng

__all__ = [
    "GOLDEN_COSINE",
    "PER_DIMENSION_LIMIT",
    "OFFSET_LIMIT",
    "entropy_correction",
    "per_dimension_constant",
    "estimated_entropy",
    "entropy_dimension",
    "formula_coefficient",
    "tilted_cosine",
    "sampled_entropy",
]

#: The cosine at which the tilted angle distribution concentrates for large n: the positive
#: root of t^2 + t - 1 = 0, i.e. (sqrt 5 - 1) / 2, the reciprocal of the golden ratio.
GOLDEN_COSINE = float((np.sqrt(5.0) - 1.0) / 2.0)

#: lim h_n / n = (1/2) log t*, with t* = GOLDEN_COSINE (about -0.24061).
PER_DIMENSION_LIMIT = float(0.5 * np.log(GOLDEN_COSINE))

_T = GOLDEN_COSINE
#: lim (h_n - n * PER_DIMENSION_LIMIT), from Laplace's method to the next order (about -0.07396).
OFFSET_LIMIT = float(
    -1.5 * np.log(_T) - 0.5 * np.log((1 + _T**2) / _T**2) - 2 * _T**4 / (1 + _T**2) ** 2
)


def _check_dimension(n) -> np.ndarray:
    arr = check_array(n, "n", ndim=(0, 1), min_rows=1)
    if np.any(arr < 2):
        raise ValueError(f"n must be >= 2 (the angle density sin^(n-2) needs n >= 2), got {arr.min():g}")
    return arr


def _log_norm(n: float) -> float:
    """log of int_0^pi sin^(n-2)(theta) d theta = sqrt(pi) Gamma((n-1)/2) / Gamma(n/2)."""
    return 0.5 * np.log(np.pi) + special.gammaln((n - 1) / 2) - special.gammaln(n / 2)


def _h_quad(n: float) -> tuple[float, float]:
    """(h_n, tilted mean of cos theta) by quad on theta in (0, pi), in log space."""
    # exponent g(theta) = n cos(theta) + (n - 2) log sin(theta); g' = 0 gives
    # n (1 - t^2) = (n - 2) t for t = cos(theta), a quadratic solved in closed form
    if n == 2:
        tm = 1.0
    else:
        a = n - 2.0
        tm = (-a + np.sqrt(a * a + 4 * n * n)) / (2 * n)  # n t^2 + a t - n = 0, cos of the peak
    theta_m = float(np.arccos(tm))
    with np.errstate(divide="ignore"):
        g_max = n * tm + (n - 2) * (np.log(np.sin(theta_m)) if n > 2 else 0.0)

    def weight(theta):
        s = np.sin(theta)
        if s <= 0.0:
            return 0.0 if n > 2 else np.exp(n * np.cos(theta) - g_max)
        return np.exp(n * np.cos(theta) + (n - 2) * np.log(s) - g_max)

    width = 1.0 / np.sqrt(n)  # the peak's width in theta is O(n^-1/2)
    pts = sorted({max(theta_m - 3 * width, 1e-12), theta_m, min(theta_m + 3 * width, np.pi - 1e-12)})
    kw = dict(points=pts, limit=400, epsabs=0.0, epsrel=1e-12)
    z0, _ = integrate.quad(weight, 0.0, np.pi, **kw)
    z1, _ = integrate.quad(lambda t: np.cos(t) * weight(t), 0.0, np.pi, **kw)
    mean_cos = z1 / z0
    log_e = g_max + np.log(z0) - _log_norm(n)  # log E[exp(n cos theta)]
    return float(log_e - n * mean_cos), float(mean_cos)


def _h_bessel(n: float) -> tuple[float, float]:
    """(h_n, tilted mean) from E[e^{kappa t}] = Gamma(n/2) (2/kappa)^(n/2-1) I_(n/2-1)(kappa)."""
    nu, k = n / 2 - 1, float(n)
    i_nu, i_next = special.ive(nu, k), special.ive(nu + 1, k)  # exponentially scaled: ive = iv e^-k
    if not (i_nu > 0 and np.isfinite(i_nu) and i_next > 0):
        raise ValueError(f"n must be <= about 5000 for method='bessel' (Bessel underflow), got {n:g}")
    log_e = special.gammaln(n / 2) + nu * np.log(2 / k) + np.log(i_nu) + k
    mean_cos = i_next / i_nu
    return float(log_e - n * mean_cos), float(mean_cos)


def _h(n, method: str) -> tuple[np.ndarray, np.ndarray]:
    arr = _check_dimension(n)
    check_choice(method, "method", ("quad", "bessel"))
    f = _h_quad if method == "quad" else _h_bessel
    out = np.array([f(float(v)) for v in np.atleast_1d(arr)])
    h, t = out[:, 0], out[:, 1]
    return (h.reshape(arr.shape), t.reshape(arr.shape))


def entropy_correction(n, method: str = "quad"):
    """The dimension-dependent part ``h_n`` of the entropy estimate ``H ~ 2 log N + h_n``.

    Parameters
    ----------
    n : float or array_like of floats
        Dimension(s), ``n >= 2`` (real values allowed: the formula is smooth in n).
    method : {"quad", "bessel"}
        ``"quad"`` integrates over the angle numerically (any ``n``); ``"bessel"``
        uses the closed form of the von Mises-Fisher normaliser (``n`` up to
        about 5000), an independent check.

    Returns
    -------
    float or ndarray
        ``h_n`` (same shape as ``n``).

    Notes
    -----
    With ``u, v`` independent and uniform on the sphere of radius :math:`\\sqrt n`,
    :math:`\\langle u, v\\rangle = n\\cos\\theta`, and :math:`\\theta` has density
    :math:`\\sin^{n-2}\\theta / \\int_0^\\pi \\sin^{n-2}` on :math:`(0, \\pi)`.  Replacing
    the sums over the :math:`N^2` pairs in :math:`H = \\log Z - \\sum p \\log(\\ldots)`
    by :math:`N^2` times expectations (Su 2020, reconstructed):

    .. math::

        H \\approx 2\\log N + h_n,\\qquad
        h_n = \\log \\mathbb{E}[e^{n\\cos\\theta}]
              - \\frac{\\mathbb{E}[n\\cos\\theta\\, e^{n\\cos\\theta}]}{\\mathbb{E}[e^{n\\cos\\theta}]}.

    The closed form is :math:`\\mathbb{E}[e^{\\kappa\\cos\\theta}] =
    \\Gamma(n/2)(2/\\kappa)^{n/2-1} I_{n/2-1}(\\kappa)` and the tilted mean of
    :math:`\\cos\\theta` is :math:`I_{n/2}(\\kappa)/I_{n/2-1}(\\kappa)`, at :math:`\\kappa = n`.

    References
    ----------
    Su, J. (2020), kexue.fm/archives/7695; Mardia, K. V. and Jupp, P. E. (2000),
    Directional Statistics, section 9.3 (the von Mises-Fisher normaliser).

    Examples
    --------
    >>> round(float(entropy_correction(2)), 6)    # theta uniform on (0, pi)
    -0.571556
    >>> bool(np.isclose(entropy_correction(50), entropy_correction(50, method="bessel"), atol=1e-9))
    True
    """
    h, _ = _h(n, method)
    return float(h) if h.ndim == 0 else h


def tilted_cosine(n, method: str = "quad"):
    """Mean of ``cos theta`` under the weights ``exp(n cos theta)``: where the softmax mass sits.

    Parameters
    ----------
    n : float or array_like
        Dimension(s), ``n >= 2``.
    method : {"quad", "bessel"}
        As in :func:`entropy_correction`.

    Returns
    -------
    float or ndarray
        :math:`\\mathbb{E}[\\cos\\theta\\, e^{n\\cos\\theta}] / \\mathbb{E}[e^{n\\cos\\theta}]`.

    Notes
    -----
    By Laplace's method the tilted density :math:`e^{n t}(1-t^2)^{(n-3)/2}` of
    :math:`t=\\cos\\theta` peaks where :math:`1 = t/(1-t^2)`, i.e. :math:`t^2+t-1=0`,
    so the mean tends to :math:`t^* = (\\sqrt5-1)/2 \\approx 0.618`
    (:data:`GOLDEN_COSINE`): the pairs that carry the softmax mass are the rare
    ones at angle about 52 degrees.

    Examples
    --------
    >>> round(float(tilted_cosine(10_000)), 3)
    0.618
    """
    _, t = _h(n, method)
    return float(t) if t.ndim == 0 else t


def per_dimension_constant(n, method: str = "quad"):
    """The per-dimension constant ``h_n / n`` (Su's "-0.24"), and its limit.

    Parameters
    ----------
    n : float or array_like
        Dimension(s), ``n >= 2``.
    method : {"quad", "bessel"}
        As in :func:`entropy_correction`.

    Returns
    -------
    float or ndarray
        ``h_n / n``; it increases from ``-0.286`` at ``n = 2`` to the limit
        :data:`PER_DIMENSION_LIMIT` ``= (1/2) log((sqrt 5 - 1)/2) = -0.24061``.

    Notes
    -----
    Laplace's method on :math:`\\int e^{n[t + \\frac12\\log(1-t^2)]}(1-t^2)^{-3/2}dt`
    puts the maximum at :math:`t^*` with :math:`1-t^{*2} = t^*`; the exponent there
    is :math:`n(t^* + \\frac12\\log t^*)` and the tilted mean of :math:`n\\cos\\theta` is
    :math:`n t^*`, so :math:`h_n/n \\to \\frac12\\log t^*`.  To the next order,
    :math:`h_n = n c + b + o(1)` with :math:`b = -\\frac32\\log t^* - \\frac12\\log\\frac{1+t^{*2}}{t^{*2}}
    - \\frac{2t^{*4}}{(1+t^{*2})^2} \\approx -0.0740` (:data:`OFFSET_LIMIT`).

    Examples
    --------
    >>> round(PER_DIMENSION_LIMIT, 5)
    -0.24061
    >>> round(float(per_dimension_constant(1e5)), 5)
    -0.24061
    """
    arr = _check_dimension(n)
    h, _ = _h(arr, method)
    out = h / arr
    return float(out) if out.ndim == 0 else out


def _check_size(N, name: str) -> float:
    value = check_real(N, name, 2.0)
    return value


def estimated_entropy(N, n, conditional: bool = False):
    """The entropy estimate ``2 log N + h_n`` (joint) or ``log N + h_n`` (conditional, per row).

    Parameters
    ----------
    N : float
        Vocabulary size (or sequence length ``L``), ``N >= 2``.
    n : float or array_like
        Dimension(s), ``n >= 2``.
    conditional : bool
        ``False``: softmax over all ``N^2`` pairs (7695's model).  ``True``: a
        softmax over each row of ``N`` keys, as attention does; the estimate of
        the mean row entropy is then ``log N + h_n``.

    Returns
    -------
    float or ndarray

    Notes
    -----
    Joint: :math:`H \\approx 2\\log N + h_n` (Su 2020, reconstructed; see
    :func:`entropy_correction`).  Conditional: each row is a softmax over ``N``
    keys with :math:`Z_i \\approx N\\,\\mathbb E[e^{n\\cos\\theta}]`, so the same step gives
    :math:`\\log N + h_n` for every row.  Both are valid only while the sampled
    pairs contain the rare ones that carry the expectation (see
    :func:`sampled_entropy`).

    Examples
    --------
    >>> round(float(estimated_entropy(1e5, 96)), 2)   # just past the root 95.4
    -0.15
    """
    N = _check_size(N, "N")
    if not isinstance(conditional, (bool, np.bool_)):
        raise TypeError(f"conditional must be a bool, got {conditional!r}")
    out = (1 if conditional else 2) * np.log(N) + entropy_correction(n)
    return float(out) if np.ndim(out) == 0 else out


def entropy_dimension(N, conditional: bool = False) -> float:
    """The smallest dimension ``n`` at which the entropy estimate reaches zero, solved exactly.

    Parameters
    ----------
    N : float
        Vocabulary size (or, with ``conditional=True``, sequence length ``L``); ``N >= 2``.
    conditional : bool
        ``False``: criterion ``2 log N + h_n <= 0`` (joint softmax over ``N^2``
        pairs, 7695).  ``True``: ``log N + h_n <= 0`` (row-wise softmax, as in attention).

    Returns
    -------
    float
        The root ``n*`` (a real number; ``ceil(n*)`` is the integer dimension).
        ``h_n`` decreases in ``n``, so the criterion holds exactly for ``n >= n*``.

    Notes
    -----
    Solved by :func:`scipy.optimize.brentq` on :func:`entropy_correction`, with no
    approximation of ``h_n``.  With :math:`h_n \\approx c\\,n + b`,
    :math:`c = \\frac12\\log\\frac{\\sqrt5-1}2`, the root is close to
    :math:`n^* \\approx (k\\log N + b)/(-c) = 8.31\\,\\log N - 0.31` for the joint
    criterion (:math:`k = 2`) and :math:`4.16\\,\\log N - 0.31` for the conditional one
    (:math:`k = 1`).  Su's 8.33 is :math:`2/0.24`.

    References
    ----------
    Su, J. (2020), kexue.fm/archives/7695; Su, J. (2021), kexue.fm/archives/8706.

    Examples
    --------
    >>> round(entropy_dimension(100_000), 1)          # 8.33 log N = 95.9
    95.4
    >>> round(entropy_dimension(512, conditional=True), 1)
    25.6
    """
    N = _check_size(N, "N")
    if not isinstance(conditional, (bool, np.bool_)):
        raise TypeError(f"conditional must be a bool, got {conditional!r}")
    k = 1.0 if conditional else 2.0
    target = k * np.log(N)

    def f(n):
        return target + _h_quad(n)[0]

    if f(2.0) <= 0:
        return 2.0
    hi = (target + 1.0) / -PER_DIMENSION_LIMIT + 5.0  # h_n < c n for every n, so f(hi) < 0
    return float(optimize.brentq(f, 2.0, hi, xtol=1e-10, rtol=1e-12))


def formula_coefficient(conditional: bool = False) -> float:
    """The coefficient of ``log N`` in the large-N dimension formula: ``k / (-c)``.

    Returns ``2 / 0.24061 = 8.312`` for the joint criterion (Su rounds ``c`` to
    ``-0.24`` and gets 8.33) and ``4.156`` for the conditional one.

    Notes
    -----
    From :math:`k\\log N + c\\,n = 0` with :math:`c` = :data:`PER_DIMENSION_LIMIT` and
    :math:`k = 2` (joint) or 1 (conditional); the exact root of
    :func:`entropy_dimension` is this times :math:`\\log N`, minus about 0.31.

    Examples
    --------
    >>> round(formula_coefficient(), 3), round(formula_coefficient(True), 3)
    (8.312, 4.156)
    """
    if not isinstance(conditional, (bool, np.bool_)):
        raise TypeError(f"conditional must be a bool, got {conditional!r}")
    return float((1.0 if conditional else 2.0) / -PER_DIMENSION_LIMIT)


def _sphere(N: int, n: int, gen: np.random.Generator) -> np.ndarray:
    X = gen.standard_normal((N, n))
    X *= np.sqrt(n) / np.linalg.norm(X, axis=1, keepdims=True)
    return X


def sampled_entropy(N: int, n: int, conditional: bool = False, rng=None) -> float:
    """Entropy of the actual softmax over random vectors (no expectation step).

    Parameters
    ----------
    N : int
        Number of vectors of each kind (``u_1..u_N`` and ``v_1..v_N``),
        ``2 <= N <= 5000`` (the ``N x N`` logit matrix is formed).
    n : int
        Dimension, ``n >= 1``.
    conditional : bool
        ``False``: entropy of ``p(i, j) = exp(<u_i, v_j>) / Z`` over all ``N^2``
        pairs.  ``True``: mean over ``i`` of the entropy of the row softmax
        ``p(j | i)``.
    rng : None, int or numpy.random.Generator
        Source of randomness.

    Returns
    -------
    float
        The entropy in nats, always in ``[0, 2 log N]`` (or ``[0, log N]``).

    Notes
    -----
    The estimate :math:`2\\log N + h_n` replaces :math:`Z = \\sum_{ij} e^{\\langle u_i,v_j\\rangle}`
    by :math:`N^2\\,\\mathbb{E}[e^{n\\cos\\theta}]`.  That expectation is carried by
    pairs with :math:`\\cos\\theta \\approx t^*`, whose probability is about
    :math:`e^{h_n}`; the :math:`N^2` sampled pairs contain about :math:`N^2 e^{h_n}`
    of them, a number that falls below one exactly when :math:`2\\log N + h_n < 0`.
    Beyond that point the sum is carried by the few largest sampled pairs (the
    frozen phase of Derrida's random energy model) and the true entropy stays
    positive while the estimate goes negative.

    Examples
    --------
    >>> H = sampled_entropy(300, 5, rng=0)
    >>> bool(abs(H - estimated_entropy(300, 5)) < 0.05)
    True
    """
    N = check_int(N, "N", 2, 5000)
    n = check_int(n, "n", 1)
    if not isinstance(conditional, (bool, np.bool_)):
        raise TypeError(f"conditional must be a bool, got {conditional!r}")
    gen = check_rng(rng)
    U, V = _sphere(N, n, gen), _sphere(N, n, gen)
    S = U @ V.T
    if conditional:
        m = S.max(axis=1, keepdims=True)
        E = np.exp(S - m)
        z = E.sum(axis=1, keepdims=True)
        P = E / z
        H_rows = np.log(z[:, 0]) + m[:, 0] - np.einsum("ij,ij->i", P, S)
        return float(np.clip(H_rows, 0.0, None).mean())
    m = S.max()
    E = np.exp(S - m)
    z = E.sum()
    return float(max(np.log(z) + m - np.sum(E * S) / z, 0.0))
