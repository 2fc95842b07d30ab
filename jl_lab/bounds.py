"""Dimension bounds of the Johnson-Lindenstrauss lemma, and the dimension really needed.

The lemma guarantees that a random projection of ``N`` points to ``n`` dimensions
keeps every squared pairwise distance within ``1 +- eps`` once ``n`` exceeds a
bound of the form ``c * log(N) / eps^2``.  The published constants come from a
tail bound for one vector and a union bound over the ``N(N-1)/2`` pairs, so they
are loose: :func:`jl_min_dim` computes the bounds, :func:`empirical_min_dim`
measures the smallest ``n`` that works for a given point set, and the book
compares the two.  Larsen and Nelson (2017) show the rate ``log(N)/eps^2`` is
optimal for some point sets: only the constant is loose.

References
----------
.. [1] Su, J. (2021). The amazing Johnson-Lindenstrauss lemma: theory. kexue.fm/archives/8679.
.. [2] Dasgupta, S. and Gupta, A. (2003). An elementary proof of a theorem of Johnson and
       Lindenstrauss. Random Structures & Algorithms 22(1), 60-65.
.. [3] Achlioptas, D. (2003). Database-friendly random projections. JCSS 66(4), 671-687.
.. [4] Larsen, K. G. and Nelson, J. (2017). Optimality of the Johnson-Lindenstrauss lemma. FOCS.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._validation import check_array, check_choice, check_eps, check_int, check_real, check_rng
from ._validation import MAX_ELEMENTS, _asarray, check_ints
from .projections import KINDS, _condensed_sqdist, _dense, _projected_columns

__all__ = [
    "METHODS",
    "jl_min_dim",
    "jl_constant",
    "gaussian_tail_bound",
    "success_curve",
    "empirical_min_dim",
    "empirical_thresholds",
    "dimension_sweep",
    "fit_rate",
]

#: Names accepted by :func:`jl_min_dim`.
METHODS = ("su24", "su16", "dasgupta-gupta", "achlioptas")


def _check_n_points(n_points) -> np.ndarray:
    arr = _asarray(n_points, "n_points")
    if arr.dtype.kind not in "iuf" or arr.size == 0:
        raise TypeError(f"n_points must be a positive integer or an array of them, got {n_points!r}")
    if np.any(~np.isfinite(arr)) or np.any(arr < 1) or np.any(arr != np.floor(arr)):
        raise ValueError(f"n_points must be positive integers (>= 1), got {n_points!r}")
    return arr.astype(np.float64)


def jl_constant(eps, method: str = "dasgupta-gupta", beta: float = 1.0) -> np.ndarray:
    """The factor ``c(eps)`` in ``n >= c(eps) * log(N)`` for each bound.

    Parameters
    ----------
    eps : float or array_like
        Distortion, in the open interval (0, 1).
    method : {"su24", "su16", "dasgupta-gupta", "achlioptas"}
        See :func:`jl_min_dim`.
    beta : float
        Failure exponent of Achlioptas' bound (probability of failure at most
        ``N**-beta``); ignored by the other methods.

    Returns
    -------
    ndarray
        ``24/eps^2``, ``16/eps^2``, ``4/(eps^2/2 - eps^3/3)`` or
        ``(4 + 2 beta)/(eps^2/2 - eps^3/3)``.

    Examples
    --------
    >>> float(jl_constant(0.5, "su24"))
    96.0
    """
    eps = check_eps(eps)
    check_choice(method, "method", METHODS)
    beta = check_real(beta, "beta", 0.0, None, low_open=True)
    dg = eps**2 / 2 - eps**3 / 3
    return {
        "su24": 24.0 / eps**2,
        "su16": 16.0 / eps**2,
        "dasgupta-gupta": 4.0 / dg,
        "achlioptas": (4.0 + 2.0 * beta) / dg,
    }[method]


def jl_min_dim(n_points, eps, method: str = "dasgupta-gupta", beta: float = 1.0):
    """Target dimension that a Johnson-Lindenstrauss bound asks for.

    Parameters
    ----------
    n_points : int or array_like of int
        Number of points ``N >= 1``.
    eps : float or array_like of float
        Distortion, in (0, 1).  Broadcast against ``n_points`` like
        :func:`sklearn.random_projection.johnson_lindenstrauss_min_dim`.
    method : {"su24", "su16", "dasgupta-gupta", "achlioptas"}
        * ``"su24"``: ``n > 24 log N / eps^2``, Gaussian tail bound
          ``P(| ||Au||^2 - 1 | >= eps) <= 2 exp(-eps^2 n / 8)`` plus a union bound
          over pairs; a random map succeeds with probability ``>= 1 - 1/N``
          (Su 2021, kexue.fm/archives/8679).
        * ``"su16"``: ``n > 16 log N / eps^2``, same argument, success
          probability only ``>= 1/N``: an existence statement.
        * ``"dasgupta-gupta"``: ``n >= 4 log N / (eps^2/2 - eps^3/3)``, success
          probability ``>= 1/N`` (Dasgupta & Gupta 2003).  Returned exactly as
          scikit-learn's ``johnson_lindenstrauss_min_dim`` returns it: the bound
          truncated to an integer.
        * ``"achlioptas"``: ``n >= (4 + 2 beta) log N / (eps^2/2 - eps^3/3)``,
          success probability ``>= 1 - N^-beta`` (Achlioptas 2003, Theorem 1.1).
    beta : float
        Failure exponent for ``"achlioptas"`` (default 1: success ``>= 1 - 1/N``,
        the same guarantee as ``"su24"``).

    Returns
    -------
    int or ndarray of int
        The smallest integer satisfying the bound (``floor + 1`` for the strict
        inequalities, ``ceil`` for Achlioptas), except for ``"dasgupta-gupta"``
        which truncates like scikit-learn.  An int when both inputs are scalars.

    Notes
    -----
    For small ``eps`` the constants are 24, 16, 8 and ``8 + 4 beta`` times
    ``log N / eps^2``.  All four grow like :math:`\\log N/\\varepsilon^2`, which
    Larsen & Nelson (2017) prove is the optimal rate.

    Examples
    --------
    >>> jl_min_dim(1000, 0.1, "su24")
    16579
    >>> jl_min_dim([100, 1000], 0.5)
    array([221, 331])
    """
    check_choice(method, "method", METHODS)
    n = _check_n_points(n_points)
    eps_arr = check_eps(eps)
    bound = np.log(n) * jl_constant(eps_arr, method, beta)
    if np.any(bound >= 2.0**62):  # int64 would wrap: refuse, naming eps (the only way to ask for so much)
        raise ValueError(
            f"eps is too small: the {method} bound asks for {float(np.max(bound)):.3g} dimensions, beyond 2**62; "
            "eps must be in (0, 1) and large enough for an integer answer"
        )
    if method == "dasgupta-gupta":
        out = bound.astype(np.int64)
    elif method == "achlioptas":
        out = np.ceil(bound - 1e-9).astype(np.int64)
    else:
        out = (np.floor(bound) + 1).astype(np.int64)
    if np.ndim(n_points) == 0 and np.ndim(eps) == 0:
        return int(out)
    return out


def gaussian_tail_bound(n_components, eps):
    """Su's tail bound for one vector: ``P(| ||Au||^2 - 1 | >= eps) <= 2 exp(-eps^2 n / 8)``.

    Parameters
    ----------
    n_components : int or array_like
        Target dimension ``n >= 1``.
    eps : float or array_like
        Distortion in (0, 1).

    Returns
    -------
    ndarray or float
        The bound; compare with the exact probability, which is a chi-square
        tail: ``n ||Au||^2`` is chi-square with ``n`` degrees of freedom.

    Examples
    --------
    >>> round(float(gaussian_tail_bound(800, 0.1)), 4)
    0.7358
    """
    n = check_array(n_components, "n_components", ndim=(0, 1, 2), min_rows=1)
    if n.size == 0 or np.any(n < 1):
        raise ValueError(f"n_components must be >= 1 (a dimension or an array of them), got {n_components!r}")
    e = check_eps(eps)
    out = 2.0 * np.exp(-(e**2) * n / 8.0)
    return float(out) if out.ndim == 0 else out


def success_curve(X, eps, dims, kind: str = "gaussian", trials: int = 10, rng=None):
    """Fraction of random projections that are ``eps``-embeddings of ``X``, for each dimension.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        Points, no two equal.
    eps : float
        Distortion in (0, 1).
    dims : array_like of int
        Target dimensions, each ``>= 1``.
    kind : {"gaussian", "achlioptas", "very-sparse", "srht"}
        Kind of projection (:mod:`jl_lab.projections`).
    trials : int
        Independent projections per dimension.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    success : ndarray of shape (len(dims),)
        Fraction of trials with ``max_distortion <= eps``.
    worst : ndarray of shape (trials, len(dims))
        ``max |ratio - 1|`` of each trial at each dimension.

    Notes
    -----
    Within one trial, the projection to ``n`` dimensions uses the first ``n``
    rows of one random matrix (for ``"srht"``, the first ``n`` of one random
    sample of coordinates), so each trial's distortion decreases almost
    monotonically in ``n``; different trials are independent.
    """
    Xd, dims, eps, trials, gen = _check_common(X, eps, dims, kind, trials, rng)
    worst = np.empty((trials, dims.size))
    for t in range(trials):
        worst[t] = _trial_worst(Xd, dims, kind, gen)
    return (worst <= eps).mean(axis=0), worst


def _check_common(X, eps, dims, kind, trials, rng):
    check_choice(kind, "kind", KINDS)
    X = check_array(X, "X", ndim=2, accept_sparse=kind != "srht", min_rows=2)
    eps = float(check_eps(eps))
    dims = check_ints(dims, "dims", 1, MAX_ELEMENTS // X.shape[1])
    trials = check_int(trials, "trials", 1)
    return X, dims.astype(np.int64), eps, trials, check_rng(rng)


def _base_sqdist(X) -> np.ndarray:
    base = _condensed_sqdist(_dense(X))
    if np.any(base <= 0):
        raise ValueError("X must not contain duplicate rows (a zero distance has no distortion ratio)")
    return base


def _worst(Z, scale, n, base) -> float:
    """max |ratio - 1| of the projection made of the first ``n`` columns of ``Z``."""
    ratio = _condensed_sqdist(Z[:, :n]) * scale(n) ** 2 / base
    return float(np.max(np.abs(ratio - 1.0)))


def _trial_worst(X, dims, kind, gen):
    """Worst distortion of one nested family of projections at each of ``dims``."""
    base = _base_sqdist(X)
    Z, scale = _projected_columns(X, int(dims.max()), kind, gen)
    return np.array([_worst(Z, scale, int(n), base) for n in dims])


def _trial_threshold(Z, scale, base, eps: float, n_max: int) -> float:
    """Smallest n <= n_max at which one nested family reaches ``eps`` (inf if none), by bisection."""
    if _worst(Z, scale, n_max, base) > eps:
        return np.inf
    lo, hi = 0, n_max  # invariant: hi succeeds; lo fails (n = 0 fails by definition)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _worst(Z, scale, mid, base) <= eps:
            hi = mid
        else:
            lo = mid
    return float(hi)


def empirical_min_dim(
    X, eps, kind: str = "gaussian", trials: int = 10, success: float = 0.5, rng=None, n_max: int | None = None
) -> int:
    """Smallest target dimension at which random projections of ``X`` are ``eps``-embeddings.

    Parameters
    ----------
    X : array_like of shape (N, D) or scipy.sparse matrix
        Points, no two equal.
    eps : float
        Distortion in (0, 1).
    kind : {"gaussian", "achlioptas", "very-sparse", "srht"}
        Kind of projection.
    trials : int
        Independent random projections.
    success : float
        Required fraction of trials with ``max_distortion <= eps``, in (0, 1].
    rng : None, int or numpy.random.Generator
    n_max : int, optional
        Largest dimension tried.  Default: twice the Dasgupta-Gupta bound (for
        ``"srht"``, at most the padded dimension).

    Returns
    -------
    int
        The smallest ``n`` in ``[1, n_max]`` such that at least ``success`` of
        the trials succeed, found by bisection on ``n``.

    Raises
    ------
    ValueError
        If even ``n_max`` does not reach the required success rate.

    Notes
    -----
    Each trial draws one random matrix with ``n_max`` rows and uses its first
    ``n`` rows for dimension ``n``, so its distortion is (up to rare
    non-monotone steps) non-increasing in ``n``, and bisection finds the
    trial's threshold in ``O(log n_max)`` evaluations instead of a scan.  The
    answer is the ``success``-quantile of the trials' thresholds: the smallest
    ``n`` at which at least a fraction ``success`` of the trials succeed.  Squared
    distances are computed from one Gram matrix per evaluation (BLAS), which
    is what makes a sweep over ``N`` and ``eps`` fit in a page's budget.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.eye(50)
    >>> n = empirical_min_dim(X, 0.5, trials=5, rng=0)
    >>> 10 < n < jl_min_dim(50, 0.5)
    True
    """
    success = check_real(success, "success", 0.0, 1.0, low_open=True)
    thresholds = empirical_thresholds(X, eps, kind, trials, rng, n_max)
    return int(_min_dim_from_thresholds(thresholds, success))


def _min_dim_from_thresholds(thresholds: np.ndarray, success: float) -> float:
    need = int(np.ceil(success * thresholds.size - 1e-9))
    value = np.sort(thresholds)[max(need, 1) - 1]
    if not np.isfinite(value):
        raise ValueError(
            f"n_max is too small: fewer than {success:.0%} of {thresholds.size} trials reach eps; pass a larger n_max"
        )
    return value


def empirical_thresholds(X, eps, kind: str = "gaussian", trials: int = 10, rng=None, n_max: int | None = None):
    """Each trial's own smallest working dimension (the distribution behind :func:`empirical_min_dim`).

    Parameters
    ----------
    X, eps, kind, trials, rng, n_max
        As in :func:`empirical_min_dim`.

    Returns
    -------
    ndarray of shape (trials,)
        For each independent nested family of projections, the smallest ``n``
        with ``max_distortion <= eps`` (``inf`` if ``n_max`` does not suffice).
        The probability that an ``n``-dimensional projection works is estimated
        by the fraction of thresholds ``<= n``.

    Examples
    --------
    >>> import numpy as np
    >>> t = empirical_thresholds(np.eye(30), 0.5, trials=4, rng=1)
    >>> t.shape
    (4,)
    """
    Xc, _, eps, trials, gen = _check_common(X, eps, [1], kind, trials, rng)
    N, D = Xc.shape
    if n_max is None:
        n_max = 2 * jl_min_dim(N, eps, "dasgupta-gupta")
        if kind == "srht":
            n_max = min(n_max, 1 << (D - 1).bit_length())
    n_max = check_int(n_max, "n_max", 1)
    base = _base_sqdist(Xc)
    out = np.empty(trials)
    for t in range(trials):
        Z, scale = _projected_columns(Xc, n_max, kind, gen)
        out[t] = _trial_threshold(Z, scale, base, eps, n_max)
    return out


def dimension_sweep(X, n_points, eps, kind: str = "gaussian", trials: int = 10, success: float = 0.5, rng=None) -> dict:
    """Measured dimension on the first ``N`` rows of ``X`` for every ``N`` in ``n_points`` and every ``eps``.

    Parameters
    ----------
    X : array_like of shape (N_max, D)
        Points; the sweep uses nested prefixes ``X[:N]``.
    n_points : sequence of int
        Values of ``N``, each between 2 and ``len(X)``.
    eps : sequence of float
        Distortions in (0, 1).
    kind, trials, success, rng
        As in :func:`empirical_min_dim`.

    Returns
    -------
    dict of ndarray, one entry per (N, eps) pair, N varying slowest
        ``"n_points"``, ``"eps"``, ``"x"`` (``log N / eps^2``), ``"measured"``
        (the ``success``-quantile of the thresholds), ``"thresholds"``
        (shape ``(len, trials)``) and one entry per bound in :data:`METHODS`.

    Examples
    --------
    >>> import numpy as np
    >>> out = dimension_sweep(np.eye(40), [20, 40], [0.5], trials=3, rng=0)
    >>> out["measured"].shape, out["su24"].tolist()
    ((2,), [288, 355])
    """
    X = check_array(X, "X", ndim=2, accept_sparse=kind != "srht", min_rows=2)
    Ns = np.atleast_1d(np.asarray(n_points))
    if Ns.dtype.kind not in "iu" or np.any(Ns < 2) or np.any(Ns > X.shape[0]):
        raise ValueError(f"n_points must be integers between 2 and {X.shape[0]} (the rows of X), got {n_points!r}")
    es = check_eps(np.atleast_1d(eps))
    success = check_real(success, "success", 0.0, 1.0, low_open=True)
    gen = check_rng(rng)
    rows = [(int(N), float(e)) for N in Ns for e in es]
    thr = np.array([empirical_thresholds(X[:N], e, kind, trials, gen) for N, e in rows])
    out = {
        "n_points": np.array([r[0] for r in rows]),
        "eps": np.array([r[1] for r in rows]),
        "thresholds": thr,
        "measured": np.array([_min_dim_from_thresholds(t, success) for t in thr]),
    }
    out["x"] = np.log(out["n_points"]) / out["eps"] ** 2
    for m in METHODS:
        out[m] = jl_min_dim(out["n_points"], out["eps"], m)
    return out


def fit_rate(n_points, eps, dims) -> dict:
    """Fit ``n = c log(N) / eps^2`` and the free power law ``n = a (log N)^alpha eps^beta``.

    Parameters
    ----------
    n_points, eps, dims : array_like of the same length
        Measured dimensions ``dims`` at ``(N, eps)``; ``N >= 2``.

    Returns
    -------
    dict
        ``"c"``: least-squares constant through the origin,
        :math:`c = \\sum x_i n_i / \\sum x_i^2` with :math:`x = \\log N/\\varepsilon^2`;
        ``"alpha"``, ``"beta"``, ``"a"``: least squares on
        :math:`\\log n = \\log a + \\alpha \\log\\log N + \\beta \\log\\varepsilon`
        (the JL rate is ``alpha = 1``, ``beta = -2``).

    Examples
    --------
    >>> N = np.array([10, 100, 1000, 10, 100, 1000]); e = np.array([0.5] * 3 + [0.25] * 3)
    >>> fit = fit_rate(N, e, 8 * np.log(N) / e**2)
    >>> round(fit["c"], 6), round(fit["alpha"], 6), round(fit["beta"], 6)
    (8.0, 1.0, -2.0)
    """
    N = _check_n_points(n_points)
    e = check_eps(eps)
    n = np.asarray(dims, dtype=float)
    if not (N.shape == e.shape == n.shape) or N.ndim != 1 or N.size < 3:
        raise ValueError("n_points, eps and dims must be 1-d arrays of the same length >= 3")
    if np.any(N < 2) or np.any(~np.isfinite(n)) or np.any(n <= 0):
        raise ValueError("n_points must be >= 2 and dims positive and finite")
    x = np.log(N) / e**2
    A = np.column_stack([np.ones_like(x), np.log(np.log(N)), np.log(e)])
    coef, *_ = np.linalg.lstsq(A, np.log(n), rcond=None)
    return {"c": float(x @ n / (x @ x)), "a": float(np.exp(coef[0])), "alpha": float(coef[1]), "beta": float(coef[2])}


# --------------------------------------------------------------------------- uncertainty of the measured dimension

__all__ += ["median_interval", "fit_rate_interval"]


def median_interval(thresholds, level: float = 0.95) -> tuple[float, float, float]:
    """Distribution-free confidence interval for the median of i.i.d. per-trial thresholds.

    Parameters
    ----------
    thresholds : array_like of shape (T,)
        Independent draws (e.g. :func:`empirical_thresholds`); ``inf`` is allowed (a trial
        that never succeeded) and sorts last.
    level : float
        Required coverage, in (0, 1).

    Returns
    -------
    low, high, coverage : float
        The order statistics :math:`x_{(j)} \\le x_{(T+1-j)}` with the largest ``j`` such that
        :math:`P(\\mathrm{Bin}(T, 1/2) \\le j - 1) \\le (1 - \\text{level})/2`; the interval
        covers the true median with probability at least
        :math:`\\text{coverage} = 1 - 2P(\\mathrm{Bin}(T, 1/2) \\le j - 1) \\ge \\text{level}`
        for any continuous law (the classical sign-test interval, e.g. David and Nagaraja,
        *Order Statistics*, 2003, sec. 7.1).  ``low, high`` are the interval of
        ``scipy.stats.quantile_test(thresholds, p=0.5).confidence_interval(level)`` (a
        test checks it); this function is kept for ``coverage``, which SciPy does not report
        and the pages quote.

    Raises
    ------
    ValueError
        If ``T`` is too small for the level (``T = 5`` reaches at most 93.75 %).

    Examples
    --------
    >>> median_interval([5, 1, 4, 2, 6, 3])
    (1.0, 6.0, 0.96875)
    """
    from scipy import stats

    x = np.sort(np.asarray(thresholds, dtype=float).ravel())
    if x.size == 0 or np.any(np.isnan(x)):
        raise ValueError("thresholds must be a non-empty array without NaN")
    level = check_real(level, "level", 0.0, 1.0, low_open=True, high_open=True)
    T = x.size
    j = np.arange(1, T // 2 + 1)
    ok = stats.binom.cdf(j - 1, T, 0.5) <= (1 - level) / 2
    if not ok.any():
        raise ValueError(f"{T} thresholds cannot give a {level:.0%} interval for the median; use more trials")
    jj = int(j[ok].max())
    coverage = float(1 - 2 * stats.binom.cdf(jj - 1, T, 0.5))
    return float(x[jj - 1]), float(x[T - jj]), coverage


def fit_rate_interval(sweep: dict, n_boot: int = 400, level: float = 0.95, success: float = 0.5, rng=None) -> dict:
    """Bootstrap intervals for the constants of :func:`fit_rate` on a :func:`dimension_sweep`.

    Parameters
    ----------
    sweep : dict
        Output of :func:`dimension_sweep` (needs ``"n_points"``, ``"eps"`` and ``"thresholds"``).
    n_boot : int
        Bootstrap replicates, ``>= 20``.
    level : float
        Coverage of the percentile intervals, in (0, 1).
    success : float
        Quantile of the trials that defines the measured dimension, as in :func:`dimension_sweep`.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    dict
        For each of ``"c"``, ``"alpha"`` and ``"beta"``: the fit on the measured dimensions
        and ``"<name>_low"``, ``"<name>_high"``, the percentile interval over replicates in
        which the trials of every ``(N, eps)`` cell are resampled with replacement, so the
        interval shows how much the fit depends on which random projections were drawn.
        Replicates in which a cell has no finite quantile are dropped (``"n_used"``).

    Examples
    --------
    >>> import numpy as np
    >>> out = dimension_sweep(np.eye(60), [20, 40, 60], [0.4, 0.6], trials=6, rng=0)
    >>> ci = fit_rate_interval(out, n_boot=50, rng=1)
    >>> bool(ci["c_low"] <= ci["c"] <= ci["c_high"])
    True
    """
    if not isinstance(sweep, dict) or not {"n_points", "eps", "thresholds"} <= set(sweep):
        raise TypeError("sweep must be the dict returned by dimension_sweep")
    n_boot = check_int(n_boot, "n_boot", 20)
    level = check_real(level, "level", 0.0, 1.0, low_open=True, high_open=True)
    success = check_real(success, "success", 0.0, 1.0, low_open=True)
    gen = check_rng(rng)
    N = np.asarray(sweep["n_points"])
    e = np.asarray(sweep["eps"], dtype=float)
    thr = np.asarray(sweep["thresholds"], dtype=float)
    if thr.ndim != 2 or thr.shape[0] != N.size:
        raise ValueError("sweep['thresholds'] must have one row per (N, eps) cell")
    cells, T = thr.shape
    need = max(int(np.ceil(success * T - 1e-9)), 1) - 1
    measured = np.array([_min_dim_from_thresholds(t, success) for t in thr])
    point = fit_rate(N, e, measured)
    idx = gen.integers(0, T, size=(n_boot, cells, T))
    boot = np.sort(np.take_along_axis(np.broadcast_to(thr, (n_boot, cells, T)), idx, axis=2), axis=2)[:, :, need]
    boot = boot[np.all(np.isfinite(boot), axis=1)]
    if boot.shape[0] < 20:
        raise ValueError("too few bootstrap replicates with a finite dimension in every cell")
    fits = [fit_rate(N, e, b) for b in boot]
    out = {"n_used": int(boot.shape[0])}
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    for name in ("c", "alpha", "beta"):
        vals = np.array([f[name] for f in fits])
        out[name] = point[name]
        out[f"{name}_low"], out[f"{name}_high"] = (float(v) for v in np.percentile(vals, [lo, hi]))
    return out


__all__ += ["median_verdict"]


def median_verdict(thr_a, thr_b, names: tuple[str, str], level: float = 0.95) -> dict:
    """Which of two kinds of projection needs more dimensions, from their per-trial thresholds.

    Parameters
    ----------
    thr_a, thr_b : array_like
        Independent per-trial thresholds of two kinds (:func:`empirical_thresholds`).
    names : tuple of two str
        How the page calls them.
    level : float
        Coverage of each :func:`median_interval`.

    Returns
    -------
    dict
        ``"a"``, ``"b"``: ``(median, low, high)`` where the median is the
        :func:`empirical_min_dim` value (the 0.5-quantile of the trials) and
        ``(low, high)`` its distribution-free interval; ``"sign"``: +1 if a's
        interval lies wholly above b's (a needs more), -1 if wholly below, 0 if they
        overlap; ``"text"``: a clause such as ``"the very sparse map needs more than the
        Gaussian (medians 2500 and 300; 97% intervals 2100-2900 and 280-330, disjoint)"``.

    Notes
    -----
    Two disjoint intervals of coverage at least ``level`` each are a conservative test
    of a difference of medians; overlapping intervals mean only that these trials do not
    tell the two apart.

    Examples
    --------
    >>> median_verdict([10, 11, 12, 13, 14, 15], [20, 21, 22, 23, 24, 25], ("a", "b"))["sign"]
    -1
    """
    if len(names) != 2 or not all(isinstance(x, str) for x in names):
        raise TypeError("names must be a pair of strings")
    out = {}
    for key, thr in (("a", thr_a), ("b", thr_b)):
        thr = np.asarray(thr, dtype=float).ravel()
        lo, hi, cov = median_interval(thr, level)
        out[key] = (float(_min_dim_from_thresholds(thr, 0.5)), lo, hi)
        out[f"coverage_{key}"] = cov
    (ma, la, ha), (mb, lb, hb) = out["a"], out["b"]
    sign = 1 if la > hb else -1 if ha < lb else 0
    cov = min(out["coverage_a"], out["coverage_b"])
    fmt = lambda v: "not reached" if not np.isfinite(v) else f"{v:.0f}"  # noqa: E731
    detail = (f"medians {fmt(ma)} and {fmt(mb)}; {100 * cov:.0f}% intervals "
              f"{fmt(la)}–{fmt(ha)} and {fmt(lb)}–{fmt(hb)}, {'overlapping' if sign == 0 else 'disjoint'}")
    if sign == 0:
        text = f"{names[0]} and {names[1]} are not told apart ({detail})"
    else:
        text = f"{names[0]} needs {'more' if sign > 0 else 'fewer'} dimensions than {names[1]} ({detail})"
    out.update(sign=sign, text=text)
    return out
