"""How large must an attention head be to represent a given attention matrix?

One attention head of size ``d`` produces the row-stochastic matrix
``A = softmax(Q K^T)`` (softmax over each row) from queries and keys
``Q, K`` in ``R^{L x d}``.  Given a target pattern ``P`` (an ``L x L``
row-stochastic matrix) this module fits ``Q`` and ``K`` by minimising the mean
row Kullback-Leibler divergence ``KL(P_i || A_i)`` with an analytic gradient and
SciPy's L-BFGS, and finds the smallest head size ``d`` whose fit reaches a
worst-row total-variation tolerance, by bisection.  It also generates the target
families the book tests: sparse rows (Likhosherstov et al. 2021 show that such
patterns need only ``d = O(log L)``, given large enough logits), dense random
rows (Dirichlet; Bhojanapalli et al. 2020: a head smaller than ``L`` cannot
represent every such matrix), local windows, and the softmax of a rank-``r``
logit matrix (exactly representable at ``d = r``).

References
----------
.. [1] Su, J. (2021). The amazing Johnson-Lindenstrauss lemma: applications. kexue.fm/archives/8706.
.. [2] Likhosherstov, V., Choromanski, K. and Weller, A. (2021). On the expressive power of
   self-attention matrices. arXiv:2106.03764.
.. [3] Bhojanapalli, S., Yun, C., Rawat, A. S., Reddi, S. J. and Kumar, S. (2020). Low-rank
   bottleneck in multi-head attention models. ICML.
.. [4] Byrd, R. H., Lu, P., Nocedal, J. and Zhu, C. (1995). A limited memory algorithm for bound
   constrained optimization. SIAM J. Sci. Comput. 16(5).  (scipy.optimize L-BFGS-B.)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.special import softmax

from .timing import one_blas_thread
from ._validation import check_array, check_choice, check_int, check_real, check_rng
from ._validation import check_stochastic as _check_rows  # rows that are probability vectors, any shape

__all__ = [
    "FAMILIES",
    "DEFAULT_PARAMS",
    "AttentionFit",
    "sparse_target",
    "dirichlet_target",
    "local_target",
    "low_rank_target",
    "make_target",
    "check_stochastic",
    "row_kl",
    "row_tv",
    "attention_matrix",
    "fit_attention",
    "min_head_size",
    "head_size_sweep",
    "head_size_grid",
    "jl_construction",
    "necessary_logit_bound",
    "exact_head_size",
    "restart_interval",
    "fit_multihead",
    "linformer_error",
]

#: Target families understood by :func:`make_target`.
FAMILIES = ("sparse", "dirichlet", "local", "low-rank")

#: The parameters the book uses for each family (k non-zeros, Dirichlet concentration,
#: window half-width, logit rank).
DEFAULT_PARAMS = {
    "sparse": {"k": 2},
    "dirichlet": {"alpha": 1.0},
    "local": {"width": 2},
    "low-rank": {"rank": 8},
}

_STOCHASTIC_ATOL = 1e-6


_one_blas_thread = one_blas_thread  # one definition, in jl_lab.timing


def _single_threaded(func):
    """Run ``func`` under :func:`_one_blas_thread` (keeps the signature and docstring)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _one_blas_thread():
            return func(*args, **kwargs)

    return wrapper


# --------------------------------------------------------------------------- targets


def _check_scale(scale, name: str = "scale"):
    return None if scale is None else check_real(scale, name, 0.0, low_open=True)


def sparse_target(L: int, k: int = 2, scale: float | None = None, rng=None) -> np.ndarray:
    """Rows with ``k`` non-zeros at random positions.

    Parameters
    ----------
    L : int
        Sequence length, ``L >= 2``.
    k : int
        Non-zeros per row, ``1 <= k <= L``.
    scale : float or None
        ``None``: each row puts mass ``1/k`` on its ``k`` positions and exactly 0
        elsewhere (reachable only in the limit of infinite logits).  A number
        ``B > 0``: the row is ``softmax(B * mask)``, the logit scale is bounded
        by ``B`` and the ``L - k`` other positions share the mass
        ``(L - k) / (k e^B + L - k)``.
    rng : None, int or numpy.random.Generator
        Source of randomness (positions drawn without replacement per row).

    Returns
    -------
    P : ndarray of shape (L, L)
        Row-stochastic.

    Notes
    -----
    Likhosherstov et al. (2021) prove that such patterns can be approximated to
    any accuracy with head size :math:`d = O(\\log L)`, through nearly orthogonal
    random keys and query norms that grow as the accuracy improves.

    Examples
    --------
    >>> P = sparse_target(6, k=2, rng=0)
    >>> (P > 0).sum(axis=1).tolist(), bool(np.allclose(P.sum(1), 1))
    ([2, 2, 2, 2, 2, 2], True)
    """
    L = check_int(L, "L", 2)
    k = check_int(k, "k", 1, L)
    scale = _check_scale(scale)
    gen = check_rng(rng)
    cols = np.argsort(gen.random((L, L)), axis=1)[:, :k]
    mask = np.zeros((L, L))
    np.put_along_axis(mask, cols, 1.0, axis=1)
    if scale is None:
        return mask / k
    return softmax(scale * mask, axis=1)


def dirichlet_target(L: int, alpha: float = 1.0, rng=None) -> np.ndarray:
    """Dense random rows, each drawn from a symmetric Dirichlet(``alpha``) distribution.

    Parameters
    ----------
    L : int
        Sequence length, ``L >= 2``.
    alpha : float
        Concentration, ``0.05 <= alpha <= 1e4``: large values give nearly uniform rows,
        small ones rows dominated by a few entries.
    rng : None, int or numpy.random.Generator
        Source of randomness.

    Returns
    -------
    P : ndarray of shape (L, L)
        Row-stochastic with positive entries.

    Notes
    -----
    The logits :math:`\\log P_{ij}` are i.i.d. log-Gamma(:math:`\\alpha`) variables up to
    a shift per row, a full-rank random matrix: Bhojanapalli et al. (2020) show
    that a head of size :math:`d < L` cannot represent every such matrix.

    Examples
    --------
    >>> P = dirichlet_target(5, alpha=1.0, rng=0)
    >>> bool(np.all(P > 0)) and bool(np.allclose(P.sum(1), 1))
    True
    """
    L = check_int(L, "L", 2)
    alpha = check_real(alpha, "alpha", 0.05, 1e4)
    gen = check_rng(rng)
    # log-space draw (log Gamma via Gamma(alpha + 1) U^(1/alpha)) so tiny alpha cannot give 0/0
    logg = np.log(gen.gamma(alpha + 1.0, size=(L, L))) + np.log(gen.random((L, L))) / alpha
    return softmax(logg, axis=1)


def local_target(L: int, width: int = 2, scale: float | None = None) -> np.ndarray:
    """Local windows: row ``i`` attends to the positions ``j`` with ``|i - j| <= width``.

    Parameters
    ----------
    L : int
        Sequence length, ``L >= 2``.
    width : int
        Half-width of the window, ``0 <= width < L``.
    scale : float or None
        ``None``: uniform on the window, 0 outside.  ``B > 0``: ``softmax(B * band)``.

    Returns
    -------
    P : ndarray of shape (L, L)
        Row-stochastic (rows near the ends have shorter windows); deterministic.

    Examples
    --------
    >>> local_target(4, width=1)[0].tolist()
    [0.5, 0.5, 0.0, 0.0]
    """
    L = check_int(L, "L", 2)
    width = check_int(width, "width", 0, L - 1)
    scale = _check_scale(scale)
    idx = np.arange(L)
    band = (np.abs(idx[:, None] - idx[None, :]) <= width).astype(float)
    if scale is None:
        return band / band.sum(axis=1, keepdims=True)
    return softmax(scale * band, axis=1)


def low_rank_target(L: int, rank: int = 4, scale: float = 2.0, rng=None) -> np.ndarray:
    """``softmax(X Y^T)`` for Gaussian ``X, Y`` in ``R^{L x rank}``: exactly representable at ``d = rank``.

    Parameters
    ----------
    L : int
        Sequence length, ``L >= 2``.
    rank : int
        Rank of the logit matrix, ``1 <= rank <= L``.
    scale : float
        Standard deviation of each logit, ``> 0``.
    rng : None, int or numpy.random.Generator
        Source of randomness.

    Returns
    -------
    P : ndarray of shape (L, L)

    Notes
    -----
    Entries of ``X`` and ``Y`` are :math:`N(0, \\sigma^2)` with
    :math:`\\sigma^2 = \\text{scale}/\\sqrt{r}`, so each logit
    :math:`\\sum_{a=1}^r X_{ia}Y_{ja}` has variance :math:`r\\sigma^4 = \\text{scale}^2`.
    ``Q = X, K = Y`` reproduce ``P`` exactly.

    Examples
    --------
    >>> P = low_rank_target(8, rank=2, rng=0)
    >>> P.shape, bool(np.allclose(P.sum(1), 1))
    ((8, 8), True)
    """
    L = check_int(L, "L", 2)
    rank = check_int(rank, "rank", 1, L)
    scale = check_real(scale, "scale", 0.0, low_open=True)
    gen = check_rng(rng)
    sigma = np.sqrt(scale / np.sqrt(rank))
    X = sigma * gen.standard_normal((L, rank))
    Y = sigma * gen.standard_normal((L, rank))
    return softmax(X @ Y.T, axis=1)


def make_target(family: str, L: int, rng=None, **params) -> np.ndarray:
    """Draw a target of one of :data:`FAMILIES` (dispatch to the generators above).

    Parameters
    ----------
    family : {"sparse", "dirichlet", "local", "low-rank"}
    L : int
        Sequence length.
    rng : None, int or numpy.random.Generator
        Ignored by ``"local"`` (deterministic).
    **params
        Passed on: ``k, scale`` (sparse), ``alpha`` (dirichlet), ``width, scale``
        (local), ``rank, scale`` (low-rank).

    Examples
    --------
    >>> make_target("local", 5, width=1).shape
    (5, 5)
    """
    check_choice(family, "family", FAMILIES)
    if family == "sparse":
        return sparse_target(L, rng=rng, **params)
    if family == "dirichlet":
        return dirichlet_target(L, rng=rng, **params)
    if family == "local":
        return local_target(L, **params)
    return low_rank_target(L, rng=rng, **params)


# --------------------------------------------------------------------------- measures


def check_stochastic(P, name: str = "P") -> np.ndarray:
    """Validate a square row-stochastic matrix (non-negative, rows summing to 1 within 1e-6).

    Returns the matrix as a float64 array; raises ``ValueError`` naming ``name``
    for NaN or infinite entries, negative entries, a non-square shape, or a row
    whose sum differs from 1 by more than 1e-6.

    Examples
    --------
    >>> check_stochastic([[0.5, 0.5], [1.0, 0.0]]).shape
    (2, 2)
    """
    P = check_array(P, name, ndim=2, min_rows=2, min_cols=2, nonnegative=True)
    if P.shape[0] != P.shape[1]:
        raise ValueError(f"{name} must be square (L x L), got shape {P.shape}")
    sums = P.sum(axis=1)
    bad = np.abs(sums - 1.0) > _STOCHASTIC_ATOL
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(
            f"{name} must be row-stochastic (every row summing to 1 within {_STOCHASTIC_ATOL:g}); "
            f"row {i} sums to {sums[i]:.6g}"
        )
    return P


def attention_matrix(Q, K) -> np.ndarray:
    """``softmax(Q K^T)`` over each row.

    Notes
    -----
    :math:`A_{ij} = e^{\\langle q_i,k_j\\rangle} / \\sum_l e^{\\langle q_i,k_l\\rangle}`
    (Vaswani et al. 2017 without the :math:`1/\\sqrt d`, which can be absorbed in ``Q``);
    computed with :func:`scipy.special.softmax`, which shifts each row by its maximum.

    Examples
    --------
    >>> attention_matrix(np.zeros((3, 1)), np.zeros((3, 1)))[0].tolist()
    [0.3333333333333333, 0.3333333333333333, 0.3333333333333333]
    """
    Q = check_array(Q, "Q", ndim=2)
    K = check_array(K, "K", ndim=2)
    if Q.shape != K.shape:
        raise ValueError(f"Q and K must have the same shape (L, d), got {Q.shape} and {K.shape}")
    return softmax(Q @ K.T, axis=1)


def _xlogx(P: np.ndarray) -> np.ndarray:
    out = np.zeros_like(P)
    pos = P > 0
    out[pos] = P[pos] * np.log(P[pos])
    return out


def row_kl(P, A) -> np.ndarray:
    """``KL(P_i || A_i)`` for each row ``i`` (0 log 0 = 0).

    Notes
    -----
    :math:`\\mathrm{KL}(P_i\\|A_i) = \\sum_{j: P_{ij}>0} P_{ij}\\log(P_{ij}/A_{ij})`, the same
    as ``scipy.stats.entropy(P[i], A[i])`` (the unit tests check it); infinite if
    ``A`` is zero where ``P`` is not.

    Examples
    --------
    >>> row_kl([[1.0, 0.0]], [[0.5, 0.5]]).round(4).tolist()
    [0.6931]
    """
    P = _check_rows(P, "P")
    A = _check_rows(A, "A")
    if P.shape != A.shape:
        raise ValueError(f"P and A must have the same shape, got {P.shape} and {A.shape}")
    with np.errstate(divide="ignore", invalid="ignore"):
        logA = np.log(A)
        cross = np.where(P > 0, P * logA, 0.0)
    return _xlogx(P).sum(axis=1) - cross.sum(axis=1)


def row_tv(P, A) -> np.ndarray:
    """Total-variation distance ``(1/2) sum_j |P_ij - A_ij|`` for each row.

    Notes
    -----
    :math:`\\mathrm{TV}(P_i, A_i) = \\tfrac12\\|P_i - A_i\\|_1 = \\max_S |P_i(S) - A_i(S)|`, the
    largest difference in probability the two rows give to any set of keys; by
    Pinsker's inequality it is at most :math:`\\sqrt{\\mathrm{KL}/2}`.

    Examples
    --------
    >>> row_tv([[1.0, 0.0]], [[0.5, 0.5]]).tolist()
    [0.5]
    """
    P = _check_rows(P, "P")
    A = _check_rows(A, "A")
    if P.shape != A.shape:
        raise ValueError(f"P and A must have the same shape, got {P.shape} and {A.shape}")
    return 0.5 * np.abs(P - A).sum(axis=1)


# --------------------------------------------------------------------------- fitting


@dataclass
class AttentionFit:
    """Result of :func:`fit_attention`.

    Attributes
    ----------
    Q, K : ndarray of shape (L, d)
        Queries and keys; the fit is ``softmax(Q @ K.T)``.
    kl : float
        Mean over rows of ``KL(P_i || A_i)``.
    max_tv : float
        Worst row total-variation distance.
    n_iter : int
        L-BFGS iterations of the returned run.
    n_restarts : int
        Runs made (the best one is returned).
    max_logit : float
        Largest ``|<q_i, k_j> - mean_j <q_i, k_j>|``: how far the fit had to push its logits.
    """

    Q: np.ndarray
    K: np.ndarray
    kl: float
    max_tv: float
    n_iter: int
    n_restarts: int
    max_logit: float

    @property
    def A(self) -> np.ndarray:
        """The fitted attention matrix ``softmax(Q K^T)``."""
        return softmax(self.Q @ self.K.T, axis=1)


class _Reached(Exception):
    def __init__(self, x):
        self.x = x


def _objective(P: np.ndarray, L: int, d: int, stop_tv: float | None, scale: float | None = None):
    """Mean row KL and its gradient in (Q, K), vectorised over rows (no Python loop).

    Uses ``sum_j P_ij log A_ij = sum_j P_ij S'_ij - r_i log z_i`` with ``S'`` the
    row-shifted logits, ``z_i`` the row sums of ``exp(S')`` and ``r_i`` the row sums of ``P``.
    With ``scale = tau``, the parameters are unnormalised ``X, Y`` and the logits
    are ``tau * <x_i/|x_i|, y_j/|y_j|>``; the gradient goes through the
    normalisation, ``d(x/|x|)/dx = (I - xhat xhat^T)/|x|``.  Two ``L x L``
    buffers are allocated once and reused by every evaluation (allocating
    fresh arrays of this size costs as much as the exponential itself).
    """
    negH = float(_xlogx(P).sum() / L)
    r = P.sum(axis=1)
    P_over_L = P / L
    Ld = L * d
    buf = np.empty((L, L))
    work = np.empty((L, L))

    def f(x):
        nonlocal buf  # updated in place only (augmented assignment rebinds the same array)
        Q = x[:Ld].reshape(L, d)
        K = x[Ld:].reshape(L, d)
        if scale is not None:
            nq = np.sqrt(np.einsum("ij,ij->i", Q, Q))[:, None] + 1e-300
            nk = np.sqrt(np.einsum("ij,ij->i", K, K))[:, None] + 1e-300
            Qh, Kh = Q / nq, K / nk
            np.matmul(Qh, Kh.T, out=buf)
            buf *= scale
        else:
            np.matmul(Q, K.T, out=buf)
        buf -= buf.max(axis=1, keepdims=True)
        ps = np.vdot(P, buf)
        np.exp(buf, out=buf)
        z = buf.sum(axis=1)
        loss = negH - (ps - r @ np.log(z)) / L
        buf *= (1.0 / (L * z))[:, None]  # A / L
        buf -= P_over_L  # now d loss / d S = (A - P) / L
        if stop_tv is not None:
            np.abs(buf, out=work)
            if 0.5 * L * work.sum(axis=1).max() <= stop_tv:
                raise _Reached(x.copy())
        if scale is None:
            return loss, np.concatenate([(buf @ K).ravel(), (buf.T @ Q).ravel()])
        gQh = scale * (buf @ Kh)
        gKh = scale * (buf.T @ Qh)
        gQ = (gQh - Qh * np.einsum("ij,ij->i", gQh, Qh)[:, None]) / nq
        gK = (gKh - Kh * np.einsum("ij,ij->i", gKh, Kh)[:, None]) / nk
        return loss, np.concatenate([gQ.ravel(), gK.ravel()])

    return f


def _clipped_logits(P: np.ndarray) -> np.ndarray:
    """Row-centred ``log P`` with zeros replaced by a floor ``log(min positive) - log(L) - 2``.

    The floor leaves the zero entries of a row a total mass below about ``e^-2``
    of the smallest positive entry: a finite stand-in for minus infinity from
    which the spectral start is computed.
    """
    L = P.shape[0]
    pos = P > 0
    floor = np.log(P[pos].min()) - np.log(L) - 2.0
    logits = np.full(P.shape, floor)
    logits[pos] = np.log(P[pos])
    return logits - logits.mean(axis=1, keepdims=True)


def _spectral(P: np.ndarray):
    """SVD of the clipped, row-centred logits: the rank-d truncation is the least-squares start."""
    U, s, Vt = np.linalg.svd(_clipped_logits(P))
    r = np.sqrt(s)
    return U * r, Vt.T * r


def _start(init, P, d, gen, spectral_cache):
    L = P.shape[0]
    if isinstance(init, tuple):
        Q0, K0 = init
    elif init == "spectral":
        if spectral_cache is None:
            spectral_cache = _spectral(P)
        Us, Vs = spectral_cache
        Q0 = np.zeros((L, d))
        K0 = np.zeros((L, d))
        m = min(d, L)
        Q0[:, :m], K0[:, :m] = Us[:, :m], Vs[:, :m]
        # tiny noise breaks the symmetry of unused (zero) columns
        Q0 += 1e-3 * gen.standard_normal((L, d))
        K0 += 1e-3 * gen.standard_normal((L, d))
    else:
        s = d**-0.25  # logits of order 1 at the start
        Q0, K0 = s * gen.standard_normal((L, d)), s * gen.standard_normal((L, d))
    return Q0, K0


@_single_threaded
def fit_attention(
    P,
    d: int,
    max_iter: int = 500,
    n_restarts: int = 1,
    init="spectral",
    stop_tv: float | None = None,
    logit_bound: float | None = None,
    rng=None,
    *,
    _spectral_cache=None,
) -> AttentionFit:
    r"""Fit ``softmax(Q K^T)`` with ``Q, K`` in ``R^{L x d}`` to a row-stochastic target ``P``.

    Parameters
    ----------
    P : array_like of shape (L, L)
        Target attention matrix: non-negative, rows summing to 1.
    d : int
        Head size, ``d >= 1``.
    max_iter : int
        L-BFGS iterations per run, ``>= 1``.
    n_restarts : int
        Number of runs, ``>= 1``; the first starts from ``init``, the others from
        random Gaussian ``Q, K``.  The run with the smallest KL is returned.
    init : {"spectral", "random"} or tuple (Q0, K0)
        ``"spectral"``: the rank-``d`` truncated SVD of the row-centred
        ``log P`` (zeros replaced by a low floor), i.e. the best fit of the
        logits in least squares.  ``"random"``: Gaussian entries of variance
        ``d^-1/2`` (logits of order 1).  A tuple: explicit ``L x d`` starts.
    stop_tv : float or None
        If given, stop as soon as an evaluated point has worst-row TV
        ``<= stop_tv`` (used by :func:`min_head_size`, which only needs to know
        whether the tolerance can be reached).
    logit_bound : float or None
        If given (``B > 0``), the head is QK-normalised: its logits are
        ``B * cos(q_i, k_j)``, so ``|logit| <= B`` (cosine attention with a
        fixed temperature).  The returned ``Q, K`` are scaled to norm
        ``sqrt(B)`` so that ``Q @ K.T`` is still the logit matrix.
    rng : None, int or numpy.random.Generator
        Source of randomness (random starts; symmetry-breaking noise).
    _spectral_cache : tuple, optional
        Private: the SVD of ``P`` from ``_spectral``, which :func:`min_head_size`
        computes once and reuses for every ``d`` it tries.

    Returns
    -------
    AttentionFit
        ``Q``, ``K``, ``kl``, ``max_tv``, ``n_iter``, ``n_restarts``, ``max_logit``.

    Notes
    -----
    With :math:`S = QK^\top`, :math:`A = \mathrm{softmax}_{\text{rows}}(S)`, the
    objective and its gradient are

    .. math::

        f = \frac1L\sum_i \mathrm{KL}(P_i\,\|\,A_i)
          = \frac1L\sum_{ij} P_{ij}\log P_{ij} - \frac1L\sum_{ij} P_{ij}\log A_{ij},\qquad
        \frac{\partial f}{\partial S} = \frac{A-P}{L},\quad
        \nabla_Q f = \frac{A-P}{L}K,\quad \nabla_K f = \frac{(A-P)^\top}{L}Q,

    three ``L x L x d`` matrix products per evaluation, minimised by
    ``scipy.optimize.minimize(method="L-BFGS-B")``.  The problem is not convex
    (the factorisation is not unique and the loss is not convex in ``(Q, K)``),
    hence restarts.  A target with exact zeros is reached only as the logits
    grow without bound; ``max_logit`` reports how far they went.  By Pinsker's
    inequality each row's TV is at most :math:`\sqrt{\mathrm{KL}_i/2}`.

    References
    ----------
    Bhojanapalli et al. (2020), ICML; Likhosherstov et al. (2021), arXiv:2106.03764;
    Byrd et al. (1995) for L-BFGS-B.

    Examples
    --------
    >>> P = low_rank_target(32, rank=3, rng=0)
    >>> fit = fit_attention(P, 3, rng=0)
    >>> bool(fit.max_tv < 1e-3), fit.Q.shape
    (True, (32, 3))
    """
    P = check_stochastic(P)
    L = P.shape[0]
    d = check_int(d, "d", 1)
    max_iter = check_int(max_iter, "max_iter", 1)
    n_restarts = check_int(n_restarts, "n_restarts", 1)
    if stop_tv is not None:
        stop_tv = check_real(stop_tv, "stop_tv", 0.0, 1.0)
    if logit_bound is not None:
        logit_bound = check_real(logit_bound, "logit_bound", 0.0, low_open=True)
    if isinstance(init, tuple):
        if len(init) != 2:
            raise ValueError("init must be 'spectral', 'random' or a tuple (Q0, K0)")
        init = tuple(check_array(a, f"init[{i}]", ndim=2) for i, a in enumerate(init))
        if init[0].shape != (L, d) or init[1].shape != (L, d):
            raise ValueError(f"init arrays must have shape (L, d) = {(L, d)}, got {init[0].shape}")
    else:
        check_choice(init, "init", ("spectral", "random"))
    gen = check_rng(rng)

    f = _objective(P, L, d, stop_tv, logit_bound)
    best = None
    for run in range(n_restarts):
        Q0, K0 = _start(init if run == 0 else "random", P, d, gen, _spectral_cache)
        x0 = np.concatenate([Q0.ravel(), K0.ravel()])
        count = [0]

        def callback(intermediate_result):
            count[0] += 1

        try:
            res = optimize.minimize(
                f,
                x0,
                jac=True,
                method="L-BFGS-B",
                callback=callback,
                options={"maxiter": max_iter, "maxcor": 5, "ftol": 1e-13, "gtol": 1e-9},
            )
            x = res.x
        except _Reached as hit:
            x = hit.x
        Q = x[: L * d].reshape(L, d).copy()
        K = x[L * d :].reshape(L, d).copy()
        if logit_bound is not None:
            root = np.sqrt(logit_bound)
            Q = root * Q / np.maximum(np.linalg.norm(Q, axis=1, keepdims=True), 1e-300)
            K = root * K / np.maximum(np.linalg.norm(K, axis=1, keepdims=True), 1e-300)
        S = Q @ K.T
        A = softmax(S, axis=1)
        kl = float(row_kl(P, A).mean())
        tv = float(row_tv(P, A).max())
        centred = S - S.mean(axis=1, keepdims=True)
        cand = AttentionFit(Q, K, kl, tv, count[0], run + 1, float(np.abs(centred).max()))
        if best is None or cand.kl < best.kl:
            best = cand
        best.n_restarts = run + 1
        if stop_tv is not None and best.max_tv <= stop_tv:
            break
    return best


def head_size_grid(d_max: int, per_octave: int = 4) -> np.ndarray:
    """Head sizes ``1..d_max`` on a geometric grid: every integer up to 8, then ``per_octave`` per doubling.

    Always ends with ``d_max``.

    Examples
    --------
    >>> head_size_grid(64).tolist()
    [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 16, 19, 23, 27, 32, 38, 45, 54, 64]
    """
    d_max = check_int(d_max, "d_max", 1)
    per_octave = check_int(per_octave, "per_octave", 1)
    n_oct = max(np.log2(d_max / 8.0), 0.0)
    geo = np.round(8 * 2.0 ** (np.arange(1, int(np.ceil(n_oct * per_octave)) + 1) / per_octave)).astype(int)
    g = np.unique(np.concatenate([np.arange(1, 9), geo]))
    g = g[g < d_max]
    return np.append(g, d_max)


def _seed_for(base: int, d: int) -> np.random.Generator:
    return np.random.default_rng([base, d])


@_single_threaded
def min_head_size(
    P,
    tol: float,
    d_max: int | None = None,
    guess: int | None = None,
    candidates=None,
    max_iter: int = 300,
    n_restarts: int = 1,
    logit_bound: float | None = None,
    rng=None,
) -> int:
    """The smallest head size ``d`` whose fit reaches worst-row TV ``<= tol``, by bisection.

    Parameters
    ----------
    P : array_like of shape (L, L)
        Row-stochastic target.
    tol : float
        Tolerance on the worst row's total-variation distance, in ``(0, 1)``.
    d_max : int or None
        Largest head size tried (default ``L``: at ``d = L`` any positive ``P``
        is exact, with ``Q = log P`` and ``K = I``).
    guess : int or None
        Where to start looking (e.g. the answer for a shorter sequence): the
        search gallops from it (``guess``, ``guess -+ 1, 2, 4, ...``) to a
        bracket, then bisects.  ``None`` bisects ``[1, d_max]`` from the start.
        The answer satisfies the same certificate either way.
    candidates : array_like of int or None
        Head sizes to search among (sorted, in ``[1, d_max]``); default every
        integer ``1..d_max``.  A geometric grid (see :func:`head_size_grid`)
        halves the number of fits at the price of a coarser answer.
    max_iter, n_restarts, logit_bound
        Passed to :func:`fit_attention` for each trial ``d``.
    rng : None, int or numpy.random.Generator
        Source of randomness; each trial ``d`` gets its own generator derived
        from one draw of ``rng`` and ``d``, so the verdict at a given ``d`` does
        not depend on the order of the search.

    Returns
    -------
    int
        A candidate ``d`` whose fit reaches ``tol`` while the fit at the
        previous candidate (``d - 1`` by default) does not, or the first
        candidate if it reaches ``tol``; ``d_max + 1`` if the fit at the last
        candidate does not reach ``tol`` (read: "more than ``d_max``").

    Notes
    -----
    Bisection assumes that reaching ``tol`` is monotone in ``d``: true for the
    best possible fit (a size-``d`` head embeds in a size-``d+1`` head by a zero
    column), true for the optimiser only up to its failures, which the spectral
    start and restarts make rare.  Each trial stops as soon as the tolerance is
    reached (``stop_tv``); a trial that fails runs ``max_iter`` iterations, so
    the answer is "the smallest d found by this optimiser within ``max_iter``
    iterations", an upper bound on the true minimum.

    Examples
    --------
    >>> P = low_rank_target(24, rank=3, scale=3.0, rng=1)
    >>> min_head_size(P, tol=0.01, rng=0)
    3
    """
    P = check_stochastic(P)
    L = P.shape[0]
    tol = check_real(tol, "tol", 0.0, 1.0, low_open=True, high_open=True)
    d_max = L if d_max is None else check_int(d_max, "d_max", 1)
    if guess is not None:
        guess = min(check_int(guess, "guess", 1), d_max)
    max_iter = check_int(max_iter, "max_iter", 1)
    n_restarts = check_int(n_restarts, "n_restarts", 1)
    if logit_bound is not None:
        logit_bound = check_real(logit_bound, "logit_bound", 0.0, low_open=True)
    if candidates is None:
        cands = np.arange(1, d_max + 1)
    else:
        cands = check_array(candidates, "candidates", ndim=1)
        if (np.any(cands != np.round(cands)) or np.any(np.diff(cands) <= 0)
                or cands[0] < 1 or cands[-1] > d_max):
            raise ValueError(f"candidates must be increasing integers in [1, d_max={d_max}]")
        cands = cands.astype(int)
    base = int(check_rng(rng).integers(2**62))
    cache = _spectral(P)
    verdicts: dict[int, bool] = {}

    def reaches(d: int) -> bool:
        if d <= 0:
            return False
        if d > d_max:
            return True  # sentinel: "d_max + 1" stands for "not reached"
        if d not in verdicts:
            fit = fit_attention(
                P, d, max_iter=max_iter, n_restarts=n_restarts, stop_tv=tol,
                logit_bound=logit_bound, rng=_seed_for(base, d), _spectral_cache=cache,
            )
            verdicts[d] = fit.max_tv <= tol
        return verdicts[d]

    # search over positions in the candidate list: position -1 "fails", position len(cands) "reaches"
    def ok(pos: int) -> bool:
        if pos < 0:
            return False
        if pos >= len(cands):
            return True
        return reaches(int(cands[pos]))

    n = len(cands)
    if guess is None:
        if not ok(n - 1):
            return d_max + 1
        lo, hi = -1, n - 1
    else:
        g = int(np.searchsorted(cands, guess))  # first candidate >= guess
        g = min(g, n - 1)
        if ok(g):
            hi, step = g, 1
            while hi - step >= 0 and ok(hi - step):
                hi, step = hi - step, 2 * step
            lo = max(hi - step, -1)
        else:
            lo, step = g, 1
            while lo + step < n and not ok(lo + step):
                lo, step = lo + step, 2 * step
            hi = min(lo + step, n)
            if hi == n:
                if not ok(n - 1):
                    return d_max + 1
                hi = n - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return int(cands[hi])


@_single_threaded
def head_size_sweep(
    family: str,
    lengths,
    tol: float,
    d_max: int | None = None,
    grid: bool = False,
    max_iter: int = 300,
    n_restarts: int = 1,
    logit_bound: float | None = None,
    rng=None,
    **params,
) -> np.ndarray:
    """Minimal head size against sequence length for one target family.

    Parameters
    ----------
    family : {"sparse", "dirichlet", "local", "low-rank"}
    lengths : array_like of int
        Sequence lengths ``L >= 2``, in increasing order.  The answer at one
        length is the ``guess`` for the next (the search gallops from it).
    tol : float
        Worst-row TV tolerance in ``(0, 1)``.
    d_max : int or None
        Cap on the head size tried for every ``L`` (default ``L``).  A result
        ``min(d_max, L) + 1`` means "not reached within the cap".
    grid : bool
        ``True``: search the geometric grid :func:`head_size_grid` (steps of
        about 19 %) instead of every integer; fewer fits, coarser answers.
    max_iter, n_restarts, logit_bound
        Passed to :func:`min_head_size`.
    rng : None, int or numpy.random.Generator
        One generator draws every target and every fit.
    **params
        Family parameters (see :func:`make_target`).

    Returns
    -------
    ndarray of int, shape (len(lengths),)

    Examples
    --------
    >>> head_size_sweep("low-rank", [16, 32], tol=0.01, rng=0, rank=2, scale=3.0).tolist()
    [2, 2]
    """
    check_choice(family, "family", FAMILIES)
    Ls = check_array(lengths, "lengths", ndim=1)
    if np.any(Ls < 2) or np.any(Ls != np.round(Ls)):
        raise ValueError("lengths must be integers >= 2")
    if d_max is not None:
        d_max = check_int(d_max, "d_max", 1)
    gen = check_rng(rng)
    out: list[int] = []
    for L in Ls.astype(int):
        P = make_target(family, int(L), rng=gen, **params)
        cap = int(L) if d_max is None else min(d_max, int(L))
        guess = None if not out or out[-1] > cap else out[-1]
        cands = head_size_grid(cap) if grid else None
        out.append(
            min_head_size(
                P, tol, d_max=cap, guess=guess, candidates=cands, max_iter=max_iter,
                n_restarts=n_restarts, logit_bound=logit_bound, rng=gen,
            )
        )
    return np.array(out, dtype=int)


def necessary_logit_bound(L: int, k: int, tol: float) -> float:
    """Smallest logit bound ``B`` with which any head can put all but ``tol`` of a row's mass on ``k`` of ``L`` keys.

    Parameters
    ----------
    L : int
        Sequence length, ``L >= 2``.
    k : int
        Support size, ``1 <= k < L``.
    tol : float
        Allowed TV distance to the uniform distribution on the support, in ``(0, 1)``.

    Returns
    -------
    float
        :math:`B_{\\min} = \\tfrac12\\log\\frac{(L-k)(1-\\text{tol})}{k\\,\\text{tol}}`.

    Notes
    -----
    The TV distance from a row ``A_i`` to the uniform distribution on a support
    ``S`` of size ``k`` is at least the mass ``A_i`` puts outside ``S``.  With
    every logit in ``[-B, B]`` that mass is at least
    :math:`(L-k)e^{-2B} / (k + (L-k)e^{-2B})`; requiring it ``<= tol`` gives the
    bound.  It is necessary, not sufficient: it grows like :math:`\\frac12\\log L`.

    Examples
    --------
    >>> round(necessary_logit_bound(128, 2, 0.1), 3)
    3.17
    """
    L = check_int(L, "L", 2)
    k = check_int(k, "k", 1, L - 1)
    tol = check_real(tol, "tol", 0.0, 1.0, low_open=True, high_open=True)
    return float(0.5 * np.log((L - k) * (1 - tol) / (k * tol)))


def jl_construction(P, d: int, beta: float, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Queries and keys built the Johnson-Lindenstrauss way for a sparse target (no optimisation).

    Parameters
    ----------
    P : array_like of shape (L, L)
        Row-stochastic target; only its support (``P > 0``) is used.
    d : int
        Head size, ``d >= 1``.
    beta : float
        Logit scale, ``> 0``.
    rng : None, int or numpy.random.Generator
        Source of the random keys.

    Returns
    -------
    Q, K : ndarray of shape (L, d)
        ``K`` has random sign entries ``+-1/sqrt(d)`` (unit rows, nearly
        orthogonal, Achlioptas 2003); ``q_i = beta * sum_{j in S_i} k_j``.

    Notes
    -----
    For keys with coherence :math:`\\mu = \\max_{j\\ne l}|\\langle k_j,k_l\\rangle|`, a
    support logit is at least :math:`\\beta(1-(k-1)\\mu)` and any other at most
    :math:`\\beta k\\mu`, so the mass outside a row's support is at most
    :math:`\\frac{L-k}{k}e^{-\\beta(1-(2k-1)\\mu)}`.  Random signs give
    :math:`\\mu \\approx \\sqrt{4\\log L/d}`, so :math:`d = O(k^2\\log L)` keeps the gap
    positive and a large enough :math:`\\beta` drives the error to zero: the idea
    behind the :math:`O(\\log L)` head sizes of Likhosherstov et al. (2021), and
    the reason those heads need large logits.

    Examples
    --------
    >>> P = sparse_target(64, k=1, rng=0)
    >>> Q, K = jl_construction(P, 48, beta=30.0, rng=0)
    >>> bool(row_tv(P, attention_matrix(Q, K)).max() < 0.01)
    True
    """
    P = check_stochastic(P)
    d = check_int(d, "d", 1)
    beta = check_real(beta, "beta", 0.0, low_open=True)
    gen = check_rng(rng)
    L = P.shape[0]
    K = gen.choice(np.array([-1.0, 1.0]), size=(L, d)) / np.sqrt(d)
    Q = beta * ((P > 0).astype(float) @ K)
    return Q, K


def exact_head_size(P, rtol: float = 1e-9) -> float:
    """Smallest head size that reproduces a strictly positive ``P`` exactly; ``inf`` if ``P`` has zeros.

    Parameters
    ----------
    P : array_like of shape (L, L)
        Row-stochastic target.
    rtol : float
        Singular values below ``rtol`` times the largest count as zero (numerical rank).

    Returns
    -------
    float
        :math:`\\operatorname{rank}(S)` for the log-ratios :math:`S_{ij} = \\log(P_{ij}/P_{i1})`
        when every entry of ``P`` is positive (an integer-valued float in ``[0, L-1]``);
        ``inf`` when some entry is zero, since a softmax is never zero.

    Notes
    -----
    Softmax is invariant to adding a constant to each row, so a head of size ``d``
    reproduces ``P`` exactly iff some row shift :math:`H + c\\mathbf 1^\\top` of
    :math:`H = \\log P` has rank at most ``d`` (then factor it as
    :math:`QK^\\top`).  The shift :math:`c = -H_{:,1}` gives ``S``, whose first
    column is zero, so :math:`\\operatorname{rank} S \\le L - 1`.  No shift does
    better: the columns of :math:`H + c\\mathbf 1^\\top` are :math:`h_j + c`, and
    their differences :math:`h_j - h_1`, the columns of ``S``, lie in its column
    space, so :math:`\\operatorname{rank}(H + c\\mathbf 1^\\top) \\ge
    \\operatorname{rank} S`.  Hence ``d = L - 1`` represents every strictly
    positive pattern, and a generic one (e.g. Dirichlet rows) needs exactly
    ``L - 1``; Bhojanapalli et al. (2020)'s "``d < L`` cannot represent every
    attention matrix" is sharp only up to this shift.

    Examples
    --------
    >>> P = low_rank_target(40, rank=3, rng=0)
    >>> exact_head_size(P), exact_head_size(dirichlet_target(12, rng=0)), exact_head_size(local_target(12))
    (3.0, 11.0, inf)
    """
    P = check_stochastic(P)
    rtol = check_real(rtol, "rtol", 0.0, 1.0, low_open=True)
    if np.any(P <= 0):
        return float("inf")
    H = np.log(P)
    S = H - H[:, :1]
    s = np.linalg.svd(S, compute_uv=False)
    if s.size == 0 or s[0] == 0:
        return 0.0
    return float(np.sum(s > rtol * s[0]))


@_single_threaded
def restart_interval(P, tol: float, d_found: int, candidates, n_restarts: int = 3, max_iter: int = 300,
                     rng=None) -> tuple[int, int]:
    """Tighten a head size found by one run, with restarts: the best of ``n_restarts`` runs per size.

    Parameters
    ----------
    P : array_like of shape (L, L)
        Row-stochastic target.
    tol : float
        Worst-row TV tolerance in ``(0, 1)``.
    d_found : int
        A head size known to reach ``tol`` (e.g. from :func:`min_head_size`), one of ``candidates``.
    candidates : array_like of int
        Increasing head sizes (e.g. :func:`head_size_grid`).
    n_restarts : int
        Runs per size: the spectral start and ``n_restarts - 1`` random ones.
    max_iter : int
        L-BFGS iterations per run.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    (d_fail, d_reach) : tuple of int
        ``d_reach``: the smallest candidate reached by walking down from
        ``d_found`` while some run reaches ``tol``; ``d_fail``: the candidate
        below it, at which all ``n_restarts`` runs failed (0 if ``d_reach`` is
        the first candidate).  ``d_reach`` is an upper bound on the smallest
        head size that reaches ``tol``; ``d_fail`` is *not* a lower bound, only
        the largest size at which this optimiser failed every time.

    Examples
    --------
    >>> P = low_rank_target(24, rank=3, scale=3.0, rng=1)
    >>> restart_interval(P, 0.01, 3, [1, 2, 3, 4], n_restarts=2, rng=0)
    (2, 3)
    """
    P = check_stochastic(P)
    tol = check_real(tol, "tol", 0.0, 1.0, low_open=True, high_open=True)
    cands = check_array(candidates, "candidates", ndim=1).astype(int)
    d_found = check_int(d_found, "d_found", 1)
    if d_found not in cands:
        raise ValueError(f"d_found must be one of candidates, got {d_found}")
    n_restarts = check_int(n_restarts, "n_restarts", 1)
    gen = check_rng(rng)
    pos = int(np.flatnonzero(cands == d_found)[0])
    while pos > 0:
        fit = fit_attention(P, int(cands[pos - 1]), max_iter=max_iter, n_restarts=n_restarts, stop_tv=tol,
                            rng=gen)
        if fit.max_tv > tol:
            break
        pos -= 1
    return (int(cands[pos - 1]) if pos > 0 else 0), int(cands[pos])


@_single_threaded
def fit_multihead(P, n_heads: int, head_size: int, max_iter: int = 300, n_restarts: int = 1, rng=None) -> dict:
    """Fit the average of ``n_heads`` attention matrices, each of head size ``head_size``, to ``P``.

    Parameters
    ----------
    P : array_like of shape (L, L)
        Row-stochastic target.
    n_heads, head_size : int
        ``h >= 1`` heads of size ``d >= 1`` (total size ``h d``).
    max_iter : int
        L-BFGS iterations per run.
    n_restarts : int
        Runs from random starts (logits of order 1); the lowest KL is kept.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    dict
        ``A`` (the fitted :math:`\\frac1h\\sum_t \\operatorname{softmax}(Q_tK_t^\\top)`),
        ``kl`` (mean row KL), ``max_tv`` (worst-row TV), ``mean_tv``.

    Notes
    -----
    With equal value maps, a multi-head layer attends with the average of its
    heads' attention matrices, so this is one way to ask whether a budget of
    ``h d`` dimensions is better spent on ``h`` heads of size ``d`` or on one of
    size ``h d`` (Su 2021 recommends the former).  With
    :math:`G = -P / (L A)` (entrywise) the gradient of the mean row KL is
    :math:`\\partial f / \\partial S_t = \\frac1h A_t \\odot (G - \\mathrm{rowsum}(G \\odot A_t))`,
    then :math:`\\nabla Q_t = (\\partial f/\\partial S_t) K_t` and
    :math:`\\nabla K_t = (\\partial f/\\partial S_t)^\\top Q_t`.  With ``h = 1`` it
    is :func:`fit_attention` from a random start.

    Examples
    --------
    >>> P = low_rank_target(32, rank=2, rng=0)
    >>> fit_multihead(P, 1, 2, rng=0)["max_tv"] < 1e-3
    True
    """
    P = check_stochastic(P)
    L = P.shape[0]
    h = check_int(n_heads, "n_heads", 1)
    d = check_int(head_size, "head_size", 1)
    max_iter = check_int(max_iter, "max_iter", 1)
    n_restarts = check_int(n_restarts, "n_restarts", 1)
    gen = check_rng(rng)
    negH = float(_xlogx(P).sum() / L)
    size = h * L * d

    def unpack(x):
        return x[:size].reshape(h, L, d), x[size:].reshape(h, L, d)

    def f(x):
        Q, K = unpack(x)
        At = softmax(np.einsum("tia,tja->tij", Q, K), axis=2)
        A = At.mean(axis=0)
        loss = negH - float(np.sum(P * np.log(np.maximum(A, 1e-300)))) / L
        G = -P / (L * np.maximum(A, 1e-300))
        dS = At * (G[None] - np.sum(G[None] * At, axis=2, keepdims=True)) / h
        gQ = np.einsum("tij,tja->tia", dS, K)
        gK = np.einsum("tij,tia->tja", dS, Q)
        return loss, np.concatenate([gQ.ravel(), gK.ravel()])

    best = None
    for _ in range(n_restarts):
        x0 = d**-0.25 * gen.standard_normal(2 * size)
        res = optimize.minimize(f, x0, jac=True, method="L-BFGS-B",
                                options={"maxiter": max_iter, "maxcor": 5, "ftol": 1e-13, "gtol": 1e-9})
        Q, K = unpack(res.x)
        A = softmax(np.einsum("tia,tja->tij", Q, K), axis=2).mean(axis=0)
        kl = float(row_kl(P, A).mean())
        if best is None or kl < best["kl"]:
            tv = row_tv(P, A)
            best = {"A": A, "kl": kl, "max_tv": float(tv.max()), "mean_tv": float(tv.mean())}
    return best


# ---------------------------------------------------------------------------
# Linformer: the JL argument for projecting keys and values along the sequence (issue #16)
# ---------------------------------------------------------------------------


def linformer_error(P, V, k_values, trials: int = 5, rng=None) -> dict:
    r"""Error of replacing the attention output ``P V`` by ``P E^T E V``, random ``E``, against the best rank-``k`` choice.

    Parameters
    ----------
    P : array_like of shape (L, L)
        Row-stochastic attention matrix.
    V : array_like of shape (L, d_v)
        Values.
    k_values : sequence of int
        Projected sequence lengths ``1 <= k <= L``.
    trials : int
        Independent Gaussian ``E`` per ``k``.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    dict
        ``"k"``; ``"measured"``: mean over trials of
        :math:`\|PE^\top EV - PV\|_F / \|PV\|_F`; ``"theory"``: the root of its
        expected square, :math:`\sqrt{(\|P\|_F^2\|V\|_F^2 + \|PV\|_F^2)/k}\,/\,\|PV\|_F`;
        ``"optimal"``: :math:`\min_{\operatorname{rank} W = k}\|P W W^\top V - PV\|_F/\|PV\|_F`
        over projections :math:`W` onto ``k`` sequence directions, reached by the
        top-``k`` right singular vectors of :math:`P` when ``V`` is isotropic
        (here computed for that choice); ``"jl_scale"``: the additive scale
        :math:`\|P\|_F\|V\|_F/\|PV\|_F` of Linformer's guarantee.

    Notes
    -----
    Linformer (Wang et al. 2020) computes :math:`\operatorname{softmax}(Q(EK)^\top)FV`
    with :math:`k\times L` matrices :math:`E, F`, so that attention costs
    :math:`O(Lk)`.  Its Theorem 1 rests on the JL lemma for the pairs
    (row :math:`p_i` of :math:`P`, column :math:`v` of :math:`V`): with
    :math:`\mathcal N(0, 1/k)` entries, :math:`p_i^\top E^\top Ev` is unbiased for
    :math:`p_i^\top v` with variance :math:`(\|p_i\|^2\|v\|^2 + (p_i^\top v)^2)/k`,
    whence the expectation above, exactly.  The guarantee is additive in
    :math:`\|p_i\|\|v\|`: small relative to the output only when the rows of
    :math:`P` are spread out *and* the output is not much smaller than
    :math:`\|P\|_F\|V\|_F`.

    References
    ----------
    Wang, S., Li, B. Z., Khabsa, M., Fang, H. and Ma, H. (2020). Linformer: self-attention with
    linear complexity. arXiv:2006.04768.

    Examples
    --------
    >>> P = np.full((8, 8), 1 / 8)
    >>> out = linformer_error(P, np.ones((8, 2)), [8], trials=2, rng=0)
    >>> round(float(out["optimal"][0]), 10)  # rank-1 P: one direction is enough
    0.0
    """
    P = check_stochastic(P)
    L = P.shape[0]
    V = check_array(V, "V", ndim=2)
    if V.shape[0] != L:
        raise ValueError(f"V must have L = {L} rows, got shape {V.shape}")
    ks = [check_int(k, "k_values", 1, L) for k in k_values]
    trials = check_int(trials, "trials", 1)
    gen = check_rng(rng)
    PV = P @ V
    norm_out = np.linalg.norm(PV)
    if norm_out == 0:
        raise ValueError("P V must not be zero (the relative error is undefined)")
    pf2, vf2 = np.linalg.norm(P) ** 2, np.linalg.norm(V) ** 2
    _, _, Wt = np.linalg.svd(P)
    out = {"k": np.asarray(ks), "measured": [], "theory": [], "optimal": []}
    for k in ks:
        errs = []
        for _ in range(trials):
            E = gen.standard_normal((k, L)) / np.sqrt(k)
            errs.append(np.linalg.norm((P @ E.T) @ (E @ V) - PV) / norm_out)
        out["measured"].append(float(np.mean(errs)))
        out["theory"].append(float(np.sqrt((pf2 * vf2 + norm_out**2) / k) / norm_out))
        W = Wt[:k].T
        out["optimal"].append(float(np.linalg.norm((P @ W) @ (W.T @ V) - PV) / norm_out))
    res = {key: np.asarray(v) for key, v in out.items()}
    res["jl_scale"] = float(np.sqrt(pf2 * vf2) / norm_out)
    return res


# Brackets on the head size (lower bound, moment-curve construction, restarts) live in their own
# module, which imports from this one; re-exported here so that ``attention.<name>`` works too.
from .head_size import (  # noqa: E402
    argmax_certificates,
    head_size_intervals,
    head_size_lower_bound,
    support_head,
    support_head_size,
)

__all__ += ["argmax_certificates", "head_size_lower_bound", "support_head_size", "support_head",
            "head_size_intervals"]
