"""Brackets on the smallest attention head size: a computable lower bound, a construction, restarts.

:mod:`jl_lab.attention` finds head sizes with an optimiser, which gives upper bounds only.  This
module adds what brackets them:

* :func:`head_size_lower_bound`: a certificate, computed from the target alone, that no head of
  size 1 reaches a worst-row total-variation tolerance (then ``d >= 2``);
* :func:`support_head` and :func:`support_head_size`: heads built on the moment curve that
  reproduce any pattern whose rows are uniform on their supports, to any tolerance, with a head
  size set by the support sizes and not by ``L`` (one-hot rows: 2; two keys per row: at most 4);
* :func:`head_size_intervals`: the sweep of :func:`jl_lab.attention.head_size_sweep` together
  with random restarts below each single-run answer and both bounds above, per sequence length.

The names are re-exported by :mod:`jl_lab.attention`.

References
----------
.. [1] Gale, D. (1963). Neighborly and cyclic polytopes. Proc. Sympos. Pure Math. 7, 225-232
   (points on the moment curve; a polynomial that vanishes on some of them exposes them).
.. [2] Bhojanapalli, S. et al. (2020). Low-rank bottleneck in multi-head attention models. ICML.
"""

from __future__ import annotations

import numpy as np
from numpy.polynomial import polynomial as npoly

from ._validation import check_array, check_choice, check_int, check_real, check_rng

__all__ = [
    "argmax_certificates",
    "head_size_lower_bound",
    "support_head_size",
    "support_head",
    "head_size_intervals",
]


def _check_tol(tol):
    return check_real(tol, "tol", 0.0, 1.0, low_open=True, high_open=True)


def argmax_certificates(P, tol: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Sets of keys that must contain every largest weight of a fitted row, for each row of ``P``.

    Parameters
    ----------
    P : array_like of shape (L, L)
        Row-stochastic target.
    tol : float
        Worst-row total-variation tolerance, in ``(0, 1)``.

    Returns
    -------
    rows : ndarray of int, shape (n,)
        The rows of ``P`` that certify a proper subset of the keys (the others certify nothing).
    C : ndarray of bool, shape (n, L)
        ``C[r, j]`` is true for the keys of the set certified by row ``rows[r]``.

    Notes
    -----
    Sort row ``i`` decreasingly, :math:`p_{(1)}\ge p_{(2)}\ge\dots`, with partial sums
    :math:`s_r = p_{(1)}+\dots+p_{(r)}`, and let :math:`C_m` be the keys of the ``m`` largest
    entries.  If a row ``a`` has :math:`\mathrm{TV}(P_i, a)\le\varepsilon`, then ``a`` loses at
    most :math:`\varepsilon` of mass on any set and gains at most :math:`\varepsilon` on any set,
    so some key of :math:`C_m` has weight at least :math:`\max_{r\le m}(s_r-\varepsilon)/r` and
    every key outside has weight at most :math:`p_{(m+1)}+\varepsilon`.  When

    .. math:: \max_{r\le m}\frac{s_r-\varepsilon}{r} > p_{(m+1)}+\varepsilon,

    every largest weight of ``a`` lies in :math:`C_m`.  The smallest such ``m < L`` is returned.

    Examples
    --------
    >>> rows, C = argmax_certificates(np.eye(3), 0.1)
    >>> rows.tolist(), C.astype(int).tolist()
    ([0, 1, 2], [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    """
    P = check_stochastic(P)
    tol = _check_tol(tol)
    L = P.shape[0]
    order = np.argsort(-P, axis=1, kind="stable")
    p = np.take_along_axis(P, order, axis=1)
    r = np.arange(1, L + 1)
    best_top = np.maximum.accumulate((np.cumsum(p, axis=1) - tol) / r, axis=1)  # [:, m-1]: max_{r<=m}
    ok = best_top[:, :-1] > p[:, 1:] + tol  # [:, m-1]: C_m certified, m = 1..L-1
    rows = np.flatnonzero(ok.any(axis=1))
    sizes = np.argmax(ok[rows], axis=1) + 1
    C = np.zeros((rows.size, L), dtype=bool)
    for n, (i, m) in enumerate(zip(rows, sizes)):
        C[n, order[i, :m]] = True
    return rows, C


def head_size_lower_bound(P, tol: float) -> int:
    r"""A certified lower bound on the smallest head size whose worst-row TV to ``P`` is at most ``tol``.

    Parameters
    ----------
    P : array_like of shape (L, L)
        Row-stochastic target.
    tol : float
        Worst-row total-variation tolerance :math:`\varepsilon`, in ``(0, 1)``.

    Returns
    -------
    int
        2 if no head of size 1 can reach ``tol`` (proved from ``P`` alone), else 1.

    Notes
    -----
    With ``d = 1`` the logits of row ``i`` are :math:`q_ik_j`, so the largest weights of the row
    sit on the keys with the largest :math:`k_j` (:math:`q_i>0`), on those with the smallest
    (:math:`q_i<0`), or everywhere (:math:`q_i=0`).  Every certified set :math:`C_i` of
    :func:`argmax_certificates` is a proper subset, so it contains the top key or the bottom key
    of the order of the keys.  Hence a head of size 1 within ``tol`` of every row needs two keys
    ``x, y`` such that every certified set contains ``x`` or ``y``.  This function checks all
    pairs (the counts :math:`|\{C: x\in C\}|` and :math:`|\{C: x, y\in C\}|` come from one
    matrix product) and returns 2 when none hits every set, e.g. when three certified sets are
    pairwise disjoint.

    Examples
    --------
    >>> head_size_lower_bound(np.eye(8), 0.1), head_size_lower_bound(np.full((8, 8), 1 / 8), 0.1)
    (2, 1)
    """
    C = argmax_certificates(P, tol)[1].astype(np.int64)
    n = C.shape[0]
    if n == 0:
        return 1
    both = C.T @ C  # keys x keys: sets holding both
    one = np.diag(both)
    hit = one[:, None] + one[None, :] - both  # sets holding x or y
    return 1 if np.any(hit == n) else 2


def _row_supports(P: np.ndarray):
    """Support of each row, or None if some row is not uniform on its support."""
    supports = []
    for row in P:
        s = np.flatnonzero(row > 0)
        if not np.allclose(row[s], 1.0 / s.size, rtol=1e-9, atol=0.0):
            return None
        supports.append(s)
    return supports


def _degree(s: np.ndarray, L: int) -> int:
    if s.size == L:
        return 0
    if s[-1] - s[0] + 1 == s.size:  # consecutive keys: one factor per key, one more if odd
        return s.size + s.size % 2
    return 2 * s.size


def support_head_size(P) -> float:
    r"""Head size of the moment-curve construction :func:`support_head`; ``inf`` if it does not apply.

    Parameters
    ----------
    P : array_like of shape (L, L)
        Row-stochastic target.

    Returns
    -------
    float
        ``max_i D_i`` when every row is uniform on its support :math:`S_i`, where
        :math:`D_i = |S_i|` (consecutive support, even size), :math:`|S_i|+1` (consecutive, odd),
        :math:`2|S_i|` (otherwise), 0 (full support); at least 1.  ``inf`` otherwise.

    Notes
    -----
    A head of this size reaches every tolerance ``> 0`` (see :func:`support_head`), so it is an
    upper bound on the smallest head size at any tolerance: 2 for one-hot rows and at most 4 for
    two keys per row, for every ``L``.

    Examples
    --------
    >>> support_head_size(np.eye(5)), support_head_size(np.full((4, 4), 0.25))
    (2.0, 1.0)
    """
    P = check_stochastic(P)
    sup = _row_supports(P)
    if sup is None:
        return float("inf")
    return float(max(1, max(_degree(s, P.shape[0]) for s in sup)))


def support_head(P, beta: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Queries and keys on the moment curve whose softmax tends to ``P`` as ``beta`` grows.

    Parameters
    ----------
    P : array_like of shape (L, L)
        Row-stochastic target whose rows are uniform on their supports (:func:`support_head_size`
        finite).
    beta : float
        Logit scale, ``> 0``.

    Returns
    -------
    Q, K : ndarray of shape (L, D)
        ``D = support_head_size(P)``; ``k_j = (t_j, t_j^2, ..., t_j^D)`` with :math:`t_j` evenly
        spaced in ``[-1, 1]``, and ``q_i = -beta (c_{i1}, ..., c_{iD})`` for the coefficients of
        the polynomial :math:`p_i`.

    Notes
    -----
    :math:`p_i(t)=\prod_{s\in S_i}(t-t_s)^2` (or :math:`\prod_{s\in S_i}(t-t_s)`, times
    :math:`(t-t_c)` for a middle key ``c`` when :math:`|S_i|` is odd, if :math:`S_i` is a run of
    consecutive keys: outside the run every factor has the same sign).  So :math:`p_i(t_j) = 0`
    on the support and :math:`p_i(t_j) > 0` off it, and the logit
    :math:`\langle q_i, k_j\rangle = -\beta(p_i(t_j) - p_i(0))` is largest, and equal, on the
    support.  As :math:`\beta\to\infty` the row tends to the uniform distribution on
    :math:`S_i`: its TV to ``P_i`` is at most
    :math:`(L-|S_i|)e^{-\beta g_i}/|S_i|` with :math:`g_i=\min_{j\notin S_i}p_i(t_j)`.  The keys
    are the vertices of a cyclic polytope (Gale 1963).  In floating point the needed ``beta``
    (about :math:`\log(L/\varepsilon)/g_i`, and :math:`g_i` shrinks like :math:`L^{-D}`) is
    usable only for small ``L`` or ``D``: the construction proves existence.

    Examples
    --------
    >>> from jl_lab.attention import attention_matrix, row_tv
    >>> P = np.eye(6)[[3, 0, 5, 1, 1, 2]]
    >>> Q, K = support_head(P, beta=200.0)
    >>> Q.shape, bool(row_tv(P, attention_matrix(Q, K)).max() < 1e-3)
    ((6, 2), True)
    """
    P = check_stochastic(P)
    beta = check_real(beta, "beta", 0.0, low_open=True)
    L = P.shape[0]
    sup = _row_supports(P)
    if sup is None:
        raise ValueError("P must have every row uniform on its support (support_head_size(P) finite)")
    D = max(1, max(_degree(s, L) for s in sup))
    t = np.linspace(-1.0, 1.0, L)
    K = t[:, None] ** np.arange(1, D + 1)
    Q = np.zeros((L, D))
    for i, s in enumerate(sup):
        deg = _degree(s, L)
        if deg == 0:
            continue
        if deg == 2 * s.size:
            roots = np.repeat(t[s], 2)
        else:
            roots = t[s] if deg == s.size else np.append(t[s], t[s[s.size // 2]])
        Q[i, :deg] = -beta * npoly.polyfromroots(roots)[1:]
    return Q, K


def head_size_intervals(family: str, lengths, tol: float, d_max: int | None = None, n_restarts: int = 2,
                        max_iter: int = 300, fit_max_L: int | None = None, rng=None, restart_rng=None,
                        **params) -> dict:
    r"""Single-run head sizes against ``L`` (as :func:`~jl_lab.attention.head_size_sweep` with ``grid=True``), bracketed.

    Parameters
    ----------
    family : {"sparse", "dirichlet", "local", "low-rank"}
    lengths : array_like of int
        Increasing sequence lengths ``>= 2``.
    tol : float
        Worst-row TV tolerance in ``(0, 1)``.
    d_max : int or None
        Cap on the head size (default ``L``); ``cap + 1`` means "not reached within the cap".
    n_restarts : int
        Random starts (``>= 1``) tried at the grid point below each single-run answer, where the
        spectral start already failed; while one of them reaches ``tol`` the walk goes one grid
        point further down.  Only sizes strictly between the lower bound and the construction
        are tried: outside that range a proof already settles them.
    max_iter : int
        L-BFGS iterations per run.
    fit_max_L : int or None
        Lengths above it are not fitted (``one_run`` and ``upper`` are 0 there): their bracket
        comes from the bounds alone.  Default: fit every length.
    rng : None, int or numpy.random.Generator
        Draws the targets and the single runs exactly as ``head_size_sweep(..., grid=True)``.
    restart_rng : None, int or numpy.random.Generator
        Source of the random restarts (separate, so that the single-run answers do not depend on it).
    **params
        Family parameters (see :func:`~jl_lab.attention.make_target`).

    Returns
    -------
    dict of ndarray, one entry per length
        ``one_run`` (single-run answer), ``upper`` (best of the single run and the restarts: every
        size from there up reached ``tol`` in some run, so an upper bound on the true minimum),
        ``fail`` (grid point below ``upper``: every run failed there, or no restart was needed
        because a bound settles it; 0 if none), ``lower``
        (:func:`head_size_lower_bound`), ``construction`` (:func:`support_head_size`, an upper
        bound at every tolerance), ``exact`` (:func:`~jl_lab.attention.exact_head_size`, the
        size for tolerance 0, an upper bound at every tolerance), and ``lo``, ``hi``: the
        bracket, ``lo = lower`` and ``hi`` the smallest of ``upper`` (when reached within the
        cap), ``construction`` and ``exact``.  The true minimum lies in ``[lo, hi]``.

    Examples
    --------
    >>> out = head_size_intervals("sparse", [16, 24], 0.1, rng=0, restart_rng=1, k=1)
    >>> out["lower"].tolist(), out["construction"].tolist()
    ([2, 2], [2.0, 2.0])
    """
    check_choice(family, "family", FAMILIES)
    Ls = check_array(lengths, "lengths", ndim=1)
    if Ls.size == 0 or np.any(Ls < 2) or np.any(Ls != np.round(Ls)) or np.any(np.diff(Ls) <= 0):
        raise ValueError("lengths must be increasing integers >= 2")
    tol = _check_tol(tol)
    if d_max is not None:
        d_max = check_int(d_max, "d_max", 1)
    n_restarts = check_int(n_restarts, "n_restarts", 1)
    max_iter = check_int(max_iter, "max_iter", 1)
    fit_max_L = None if fit_max_L is None else check_int(fit_max_L, "fit_max_L", 2)
    gen, gen_r = check_rng(rng), check_rng(restart_rng)
    keys = ("one_run", "upper", "fail", "lower", "construction", "exact")
    out: dict[str, list] = {k: [] for k in keys}
    for L in Ls.astype(int):
        P = make_target(family, int(L), rng=gen, **params)
        cap = int(L) if d_max is None else min(d_max, int(L))
        prev = out["one_run"][-1] if out["one_run"] else None
        guess = None if prev is None or prev > cap else prev
        cands = head_size_grid(cap)
        lower, built = head_size_lower_bound(P, tol), support_head_size(P)
        if fit_max_L is not None and L > fit_max_L:
            for k, v in zip(keys, (0, 0, 0, lower, built, exact_head_size(P))):
                out[k].append(v)
            continue
        d1 = min_head_size(P, tol, d_max=cap, guess=guess, candidates=cands, max_iter=max_iter, rng=gen)
        pos = int(np.searchsorted(cands, d1)) if d1 <= cap else len(cands)
        # restarts only where they can narrow the bracket: above the lower bound, below the construction
        while 0 < pos < len(cands) and lower < cands[pos - 1] < built:
            fit = fit_attention(P, int(cands[pos - 1]), max_iter=max_iter, n_restarts=n_restarts,
                                init="random", stop_tv=tol, rng=gen_r)
            if fit.max_tv > tol:
                break
            pos -= 1
        out["one_run"].append(d1)
        out["upper"].append(int(cands[pos]) if pos < len(cands) else cap + 1)
        out["fail"].append(int(cands[pos - 1]) if pos > 0 else 0)
        out["lower"].append(lower)
        out["construction"].append(built)
        out["exact"].append(exact_head_size(P))
    res = {k: np.asarray(v) for k, v in out.items()}
    caps = np.array([L if d_max is None else min(d_max, L) for L in Ls.astype(int)])
    reached = np.where((res["upper"] > 0) & (res["upper"] <= caps), res["upper"], np.inf)
    res["lo"] = res["lower"].copy()
    res["hi"] = np.minimum(np.minimum(reached, res["construction"]), res["exact"]).astype(int)
    return res


# Imported last: jl_lab.attention re-exports this module's functions from its own last lines, so
# whichever of the two modules is imported first, the names each needs exist when the other asks.
from .attention import (  # noqa: E402
    FAMILIES,
    check_stochastic,
    exact_head_size,
    fit_attention,
    head_size_grid,
    make_target,
    min_head_size,
)
