"""Oblivious subspace embeddings: one random map that preserves every vector of a subspace, and least squares.

A random ``m x N`` matrix ``S`` is an *eps-subspace embedding* for the column
space of an ``N x d`` matrix ``A`` if ``(1 - eps) ||Ax|| <= ||SAx|| <= (1 + eps) ||Ax||``
for every ``x`` at once.  It is *oblivious* when its distribution does not
depend on ``A``.  The Johnson-Lindenstrauss lemma applied to a net of the unit
sphere of the subspace gives ``m = O((d + log 1/delta) / eps^2)`` rows for a
Gaussian ``S``: the size depends on the dimension ``d`` of the subspace, not on
``N`` (Sarlos 2006).  This is why the range finder's ``U_B`` is right and why a
sketch solves least squares.

This module contains four functions and the helpers of the chapter's experiments:

* :func:`apply_sketch`: ``S A`` for four kinds of ``S`` (Gaussian, SRHT,
  CountSketch, sparse sign);
* :func:`subspace_distortion`: the smallest ``eps`` for which ``S`` embeds the
  column space of ``A``, from the singular values of ``S U``;
* :func:`sketch_and_solve`: ``argmin ||S(Ax - b)||`` (Sarlos 2006);
* :func:`sketch_precondition_lsqr`: the QR factor of ``SA`` as a right
  preconditioner of LSQR (Blendenpik, LSRN).

The kinds of ``S`` (``m`` rows, ``N`` columns, ``E[S^T S] = I``):

* ``"gaussian"``: i.i.d. N(0, 1/m); ``m = O((d + log 1/delta)/eps^2)``; costs ``O(m N d)``;
* ``"srht"``: random signs, Walsh-Hadamard transform, ``m`` sampled rows
  (:func:`jl_lab.projections.random_projection`); ``m = O((d + log(N/delta)) log(d/delta) / eps^2)``
  (Tropp 2011): the log factors pay for the rows being sampled, not mixed;
* ``"countsketch"``: one ``+-1`` per column of ``S`` in a random row
  (Clarkson & Woodruff 2013; :func:`scipy.linalg.clarkson_woodruff_transform`);
  ``m = O(d^2 / (delta eps^2))`` (Nelson & Nguyen 2013), ``O(nnz(A))`` time;
* ``"sparse-sign"``: ``s`` entries ``+-1/sqrt(s)`` per column of ``S``, one in
  each of ``s`` blocks of rows (Kane & Nelson 2014);
  ``m = O(d log(d/delta) / eps^2)`` with ``s = O(log(d/delta)/eps)``, ``O(s nnz(A))`` time.

References
----------
.. [1] Sarlos, T. (2006). Improved approximation algorithms for large matrices via random
   projections. FOCS.
.. [2] Clarkson, K. L. and Woodruff, D. P. (2013). Low rank approximation and regression in input
   sparsity time. STOC.
.. [3] Nelson, J. and Nguyen, H. L. (2013). OSNAP: faster numerical linear algebra algorithms via
   sparser subspace embeddings. FOCS.
.. [4] Kane, D. M. and Nelson, J. (2014). Sparser Johnson-Lindenstrauss transforms. J. ACM 61(1).
.. [5] Tropp, J. A. (2011). Improved analysis of the subsampled randomized Hadamard transform.
   Adv. Adapt. Data Anal. 3, 115-126.
.. [6] Avron, H., Maymounkov, P. and Toledo, S. (2010). Blendenpik: supercharging LAPACK's
   least-squares solver. SIAM J. Sci. Comput. 32(3).
.. [7] Meng, X., Saunders, M. A. and Mahoney, M. W. (2014). LSRN: a parallel iterative solver for
   strongly over- or underdetermined systems. SIAM J. Sci. Comput. 36(2).
.. [8] Woodruff, D. P. (2014). Sketching as a tool for numerical linear algebra. Found. Trends
   Theor. Comput. Sci. 10(1-2).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, lsqr

from . import projections
from ._validation import check_array, check_choice, check_int, check_real, check_rng

__all__ = [
    "KINDS",
    "apply_sketch",
    "subspace_distortion",
    "sketch_and_solve",
    "sketch_precondition_lsqr",
    "subspace_matrix",
    "distortion_curve",
    "needed_sketch_size",
    "gaussian_residual_ratio",
    "countsketch_isometry_probability",
    "countsketch_coherent_size",
    "residual_sweep",
    "preconditioning_sweep",
    "lstsq_timings",
]

#: The kinds of sketching matrix this module implements.
KINDS = ("gaussian", "srht", "countsketch", "sparse-sign")


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


def _check_nnz(nnz, m: int) -> int:
    if nnz is None:
        return min(8, m)
    return check_int(nnz, "nnz", 1, m)


def _sketch(A, m: int, kind: str, gen: np.random.Generator, nnz: int) -> np.ndarray:
    """``S A`` for validated input (dense or CSR ``A``); performs no validation."""
    N = A.shape[0]
    if kind == "gaussian":
        G = gen.standard_normal((m, N)) / np.sqrt(m)
        return np.asarray((A.T @ G.T).T) if sp.issparse(A) else G @ A
    if kind == "srht":
        # S acts on R^N, i.e. on each column of A: project the rows of A^T.
        return projections.random_projection(A.T, m, kind="srht", rng=gen).T
    if kind == "countsketch":
        SA = sla.clarkson_woodruff_transform(A, m, rng=gen)
        return SA.toarray() if sp.issparse(SA) else np.asarray(SA)
    # sparse sign (Kane & Nelson 2014, block construction): rows split into nnz blocks,
    # each column of S has one +-1/sqrt(nnz) in a uniform row of every block.
    edges = np.linspace(0, m, nnz + 1).astype(np.int64)
    low, width = edges[:-1], np.diff(edges)
    rows = low[:, None] + np.floor(gen.random((nnz, N)) * width[:, None]).astype(np.int64)
    signs = gen.choice(np.array([-1.0, 1.0]), size=(nnz, N)) / np.sqrt(nnz)
    # CSC straight from the arrays: column j holds rows[:, j] (distinct, one per block), no sorting
    S = sp.csc_matrix((signs.T.ravel(), rows.T.ravel(), np.arange(0, N * nnz + 1, nnz)), shape=(m, N))
    SA = S @ A
    return SA.toarray() if sp.issparse(SA) else np.asarray(SA)


def _check_sketch_args(A, m, kind, nnz):
    check_choice(kind, "kind", KINDS)
    A = check_array(A, "A", ndim=2, accept_sparse=kind != "srht")
    m = check_int(m, "m", 1)
    if kind == "srht":
        padded = 1 << (A.shape[0] - 1).bit_length()
        if m > padded:
            raise ValueError(
                f"m must be <= {padded} (the number of rows of A padded to a power of two) "
                f"for kind='srht', got {m}"
            )
    return A, m, _check_nnz(nnz, m)


def apply_sketch(A, m: int, kind: str = "gaussian", rng=None, nnz: int | None = None) -> np.ndarray:
    r"""Sketch the columns of ``A``: return ``S A`` for a random ``m x N`` matrix ``S``.

    Parameters
    ----------
    A : array_like of shape (N, d) or scipy.sparse matrix
        The matrix whose column space is to be embedded.  Sparse input is
        accepted by every kind except ``"srht"``.
    m : int
        Number of rows of the sketch, ``m >= 1``; for ``"srht"`` at most
        ``2^ceil(log2 N)``.
    kind : {"gaussian", "srht", "countsketch", "sparse-sign"}
        Which random matrix (see the module docstring).
    rng : None, int or numpy.random.Generator
        Source of randomness.
    nnz : int, optional
        Nonzeros per column of ``S`` for ``"sparse-sign"``, ``1 <= nnz <= m``;
        default ``min(8, m)``.  Ignored by the other kinds.

    Returns
    -------
    SA : ndarray of shape (m, d)

    Notes
    -----
    Every kind has :math:`\mathbb E[S^\top S] = I_N`, so
    :math:`\mathbb E\|SAx\|^2 = \|Ax\|^2`.  An oblivious subspace embedding
    (OSE) needs, for distortion :math:`\varepsilon` with probability
    :math:`1-\delta`, of the order of (Woodruff 2014, Sec. 2)

    .. math::
        m_{\text{Gauss}} = \frac{d + \log(1/\delta)}{\varepsilon^2},\quad
        m_{\text{SRHT}} = \frac{(d + \log(N/\delta))\log(d/\delta)}{\varepsilon^2},\quad
        m_{\text{CS}} = \frac{d^2}{\delta\varepsilon^2},\quad
        m_{\text{sparse}} = \frac{d\log(d/\delta)}{\varepsilon^2}.

    CountSketch is :func:`scipy.linalg.clarkson_woodruff_transform`; the SRHT
    is :func:`jl_lab.projections.random_projection` applied to ``A.T`` (its
    signs and sampled rows act on :math:`\mathbb R^N`); the sparse sign
    matrix uses Kane and Nelson's block construction (one nonzero in each of
    ``nnz`` blocks of rows, so the nonzeros of a column never collide).

    References
    ----------
    Sarlos (2006); Clarkson & Woodruff (2013); Kane & Nelson (2014); Tropp (2011).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.random.default_rng(0).standard_normal((1000, 5))
    >>> apply_sketch(A, 50, kind="countsketch", rng=1).shape
    (50, 5)
    """
    A, m, nnz = _check_sketch_args(A, m, kind, nnz)
    return _sketch(A, m, kind, check_rng(rng), nnz)


def _basis_factors(A):
    """``(V_r, s_r)`` of the thin SVD of ``A`` restricted to its numerical rank: ``U = A V_r / s_r``."""
    dense = A.toarray() if sp.issparse(A) else A
    _, s, Vt = np.linalg.svd(dense, full_matrices=False)
    if s.size == 0 or s[0] == 0:
        raise ValueError("A must not be the zero matrix (its column space has dimension 0)")
    r = int(np.sum(s > max(dense.shape) * np.finfo(float).eps * s[0]))
    return Vt[:r].T, s[:r]


def subspace_distortion(A, SA) -> float:
    r"""Smallest ``eps`` with ``(1-eps)||Ax|| <= ||SAx|| <= (1+eps)||Ax||`` for every ``x``.

    Parameters
    ----------
    A : array_like of shape (N, d) or scipy.sparse matrix
        Not the zero matrix.  May be rank deficient: only its column space counts.
    SA : array_like of shape (m, d)
        The sketch of the same ``A`` (e.g. from :func:`apply_sketch`).

    Returns
    -------
    float
        :math:`\max(\sigma_{\max}(SU) - 1,\ 1 - \sigma_{\min}(SU))`, in
        :math:`[0, \infty)`; it is 1 when ``S`` maps a direction of the
        column space to zero (always the case if ``m < rank A``).

    Notes
    -----
    With :math:`U` an orthonormal basis of :math:`\operatorname{range}(A)`,
    every :math:`Ax` is :math:`Uy` with :math:`\|Ax\| = \|y\|`, so the
    extreme ratios :math:`\|SAx\|/\|Ax\|` are the extreme singular values of
    :math:`SU`.  :math:`SU` is computed as :math:`SA\,V_r\Sigma_r^{-1}` from
    the thin SVD :math:`A = U_r\Sigma_rV_r^\top` (rank :math:`r`), without
    knowing :math:`S`.

    References
    ----------
    Woodruff (2014), Definition 1; Sarlos (2006).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.random.default_rng(0).standard_normal((50, 3))
    >>> round(subspace_distortion(A, 1.1 * A), 12)
    0.1
    """
    A = check_array(A, "A", ndim=2, accept_sparse=True)
    SA = check_array(SA, "SA", ndim=2)
    if SA.shape[1] != A.shape[1]:
        raise ValueError(f"SA must have as many columns as A ({A.shape[1]}), got shape {SA.shape}")
    V, s = _basis_factors(A)
    sv = np.linalg.svd(SA @ V / s, compute_uv=False)
    smin = sv[-1] if sv.size == V.shape[1] else 0.0
    return float(max(sv[0] - 1.0, 1.0 - smin))


def _check_rhs(b, n_rows: int) -> np.ndarray:
    b = check_array(b, "b", ndim=1)
    if b.shape[0] != n_rows:
        raise ValueError(f"b must have as many entries as A has rows ({n_rows}), got {b.shape[0]}")
    return b


def _stack(A, b):
    if sp.issparse(A):
        return sp.hstack([A, sp.csr_matrix(b[:, None])], format="csr")
    return np.column_stack([A, b])


def sketch_and_solve(A, b, m: int, kind: str = "gaussian", rng=None, nnz: int | None = None) -> np.ndarray:
    r"""Least squares on a sketch: ``argmin_x ||S(Ax - b)||`` (Sarlos 2006).

    Parameters
    ----------
    A : array_like of shape (N, d) or scipy.sparse matrix
    b : array_like of shape (N,)
    m : int
        Sketch size, ``m >= 1`` (``m > d`` for a unique solution).
    kind : {"gaussian", "srht", "countsketch", "sparse-sign"}
    rng : None, int or numpy.random.Generator
    nnz : int, optional
        Nonzeros per column for ``"sparse-sign"`` (see :func:`apply_sketch`).

    Returns
    -------
    x : ndarray of shape (d,)
        The minimum-norm solution of the sketched problem
        (:func:`numpy.linalg.lstsq` of ``SA, Sb``; ``A`` and ``b`` are
        sketched together, with one ``S``).

    Notes
    -----
    If ``S`` is an :math:`\varepsilon`-subspace embedding of
    :math:`\operatorname{span}(A, b)`, then with :math:`x^\star` the exact solution

    .. math::
        (1-\varepsilon)\|A\hat x - b\| \le \|S(A\hat x - b)\| \le \|S(Ax^\star - b)\|
        \le (1+\varepsilon)\|Ax^\star - b\|,

    so :math:`\|A\hat x - b\| \le \frac{1+\varepsilon}{1-\varepsilon}\|Ax^\star - b\|`.
    For Gaussian ``S`` with ``m > d + 1`` the expectation is exact:
    :math:`\mathbb E\|A\hat x - b\|^2 = \bigl(1 + \frac{d}{m-d-1}\bigr)\|Ax^\star - b\|^2`
    (:func:`gaussian_residual_ratio`).

    References
    ----------
    Sarlos (2006), Thm. 12; Woodruff (2014), Thm. 23.

    Examples
    --------
    >>> import numpy as np
    >>> gen = np.random.default_rng(0)
    >>> A, x = gen.standard_normal((2000, 4)), np.arange(4.0)
    >>> np.allclose(sketch_and_solve(A, A @ x, 40, kind="sparse-sign", rng=1), x)
    True
    """
    A, m, nnz = _check_sketch_args(A, m, kind, nnz)
    b = _check_rhs(b, A.shape[0])
    SAb = _sketch(_stack(A, b), m, kind, check_rng(rng), nnz)
    return np.linalg.lstsq(SAb[:, :-1], SAb[:, -1], rcond=None)[0]


def sketch_precondition_lsqr(
    A, b, m: int, kind: str = "sparse-sign", rng=None, tol: float = 1e-10, iter_lim: int | None = None,
    nnz: int | None = None,
):
    r"""Least squares by LSQR, right-preconditioned with the R factor of a sketch (Blendenpik, LSRN).

    Parameters
    ----------
    A : array_like of shape (N, d) or scipy.sparse matrix
        Full column rank.
    b : array_like of shape (N,)
    m : int
        Sketch size, ``m >= d`` (a few times ``d`` in practice).
    kind : {"gaussian", "srht", "countsketch", "sparse-sign"}
    rng : None, int or numpy.random.Generator
    tol : float
        ``atol`` and ``btol`` of :func:`scipy.sparse.linalg.lsqr`, in (0, 1).
    iter_lim : int, optional
        Maximum number of LSQR iterations, ``>= 1``; None keeps LSQR's
        default, ``2 * d``.
    nnz : int, optional
        Nonzeros per column for ``"sparse-sign"``.

    Returns
    -------
    x : ndarray of shape (d,)
    n_iter : int
        LSQR iterations used.

    Raises
    ------
    ValueError
        If ``m < d`` or the sketch is rank deficient (then ``R`` is singular).

    Notes
    -----
    With :math:`SA = QR`, LSQR solves :math:`\min_y\|AR^{-1}y - b\|` and returns
    :math:`x = R^{-1}y`.  If ``S`` is an :math:`\varepsilon`-subspace embedding
    of :math:`\operatorname{range}(A)`, then :math:`\|AR^{-1}y\| \in
    [\|y\|/(1+\varepsilon),\ \|y\|/(1-\varepsilon)]`, so
    :math:`\kappa(AR^{-1}) \le \frac{1+\varepsilon}{1-\varepsilon}` whatever
    :math:`\kappa(A)` is, and LSQR's error falls at least by the factor
    :math:`(\kappa-1)/(\kappa+1) \le \varepsilon` per iteration.  Blendenpik
    (Avron et al. 2010) uses a randomized trigonometric transform, LSRN (Meng
    et al. 2014) a Gaussian sketch.

    References
    ----------
    Avron, Maymounkov & Toledo (2010); Meng, Saunders & Mahoney (2014);
    Rokhlin & Tygert (2008).

    Examples
    --------
    >>> import numpy as np
    >>> gen = np.random.default_rng(0)
    >>> A = gen.standard_normal((3000, 10)) * np.logspace(0, -6, 10)
    >>> x, it = sketch_precondition_lsqr(A, A @ np.ones(10), 40, rng=1)
    >>> bool(np.allclose(x, 1, atol=1e-5)), it < 40
    (True, True)
    """
    A, m, nnz = _check_sketch_args(A, m, kind, nnz)
    b = _check_rhs(b, A.shape[0])
    tol = check_real(tol, "tol", 0, 1, True, True)
    d = A.shape[1]
    if m < d:
        raise ValueError(f"m must be >= the number of columns of A ({d}) to precondition, got {m}")
    if iter_lim is not None:
        iter_lim = check_int(iter_lim, "iter_lim", 1)
    SA = _sketch(A, m, kind, check_rng(rng), nnz)
    R = sla.qr(SA, mode="r")[0][:d]
    diag = np.abs(np.diag(R))
    # Householder QR is backward stable: the computed R is exact for SA + E with
    # ||E|| <~ m d eps ||SA|| (Higham 2002, Thm 19.4), so a diagonal entry below that
    # level cannot be told from zero (a rank-deficient sketch).
    if diag.min() <= m * d * np.finfo(float).eps * diag.max():
        raise ValueError("the sketch S A is rank deficient: A must have full column rank (or increase m)")

    def matvec(y):
        return A @ sla.solve_triangular(R, np.ravel(y))

    def rmatvec(z):
        return sla.solve_triangular(R, A.T @ np.ravel(z), trans="T")

    op = LinearOperator((A.shape[0], d), matvec=matvec, rmatvec=rmatvec, dtype=float)
    out = lsqr(op, b, atol=tol, btol=tol, iter_lim=iter_lim)
    return sla.solve_triangular(R, out[0]), int(out[2])


# ---------------------------------------------------------------------------
# helpers for experiments
# ---------------------------------------------------------------------------


def subspace_matrix(n_rows: int, n_cols: int, coherent: bool = False, cond: float = 1.0, rng=None) -> np.ndarray:
    r"""An ``N x d`` test matrix with singular values ``logspace(0, -log10(cond), d)``.

    Parameters
    ----------
    n_rows, n_cols : int
        ``N >= d >= 1``.
    coherent : bool
        If False, the left singular vectors are a Haar-random orthonormal
        basis (leverage scores all near ``d/N``).  If True, they are the
        first ``d`` coordinate vectors, rotated within themselves: the column
        space is spanned by ``d`` rows, each of leverage 1, the worst case for
        sketches that do not mix coordinates (CountSketch, sparse sign).
    cond : float
        Condition number ``>= 1``.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ndarray of shape (N, d)

    Examples
    --------
    >>> A = subspace_matrix(100, 4, coherent=True, cond=10, rng=0)
    >>> float(round(np.linalg.cond(A), 6)), int(np.sum(np.abs(A).sum(axis=1) > 0))
    (10.0, 4)
    """
    d = check_int(n_cols, "n_cols", 1)
    N = check_int(n_rows, "n_rows", d)
    cond = check_real(cond, "cond", 1.0)
    gen = check_rng(rng)
    s = np.logspace(0, -np.log10(cond), d)
    V = np.linalg.qr(gen.standard_normal((d, d)))[0]
    if coherent:
        U = np.zeros((N, d))
        U[:d] = np.linalg.qr(gen.standard_normal((d, d)))[0]
    else:
        U = np.linalg.qr(gen.standard_normal((N, d)))[0]
    return (U * s) @ V.T


def distortion_curve(
    A, ms: Sequence[int], kinds: Sequence[str] = KINDS, trials: int = 20, rng=None,
    stop_eps: float | None = None, quantile: float = 0.9,
) -> dict:
    """Subspace distortion of each kind of sketch for each sketch size, over independent draws.

    Parameters
    ----------
    A : array_like of shape (N, d)
    ms : sequence of int
        Increasing sketch sizes (for ``"srht"`` those above the padded ``N`` are skipped: NaN).
    kinds : sequence of str
        Kinds from :data:`KINDS`.
    trials : int
        Independent sketches per (kind, m).
    rng : None, int or numpy.random.Generator
    stop_eps : float, optional
        If given, a kind stops at the first size whose ``quantile`` of the
        distortion is at most ``stop_eps`` (larger sizes are NaN): this saves the
        large Gaussian sketches a sweep does not need.
    quantile : float
        The quantile ``stop_eps`` is compared with, in (0, 1].

    Returns
    -------
    dict
        ``"m"`` (array), ``"kinds"`` (tuple), ``"eps"``: array
        ``(len(kinds), len(ms), trials)`` of :func:`subspace_distortion`.
    """
    A = check_array(A, "A", ndim=2)
    ms = [check_int(m, "ms", 1) for m in ms]
    if any(b <= a for a, b in zip(ms, ms[1:])):
        raise ValueError(f"ms must be strictly increasing, got {ms}")
    for kind in kinds:
        check_choice(kind, "kinds", KINDS)
    trials = check_int(trials, "trials", 1)
    if stop_eps is not None:
        stop_eps = check_real(stop_eps, "stop_eps", 0, None, True)
    quantile = check_real(quantile, "quantile", 0, 1, True, False)
    gen = check_rng(rng)
    V, s = _basis_factors(A)
    U = A @ V / s          # distortion depends on range(A) only: sketch its orthonormal basis
    padded = 1 << (A.shape[0] - 1).bit_length()
    eps = np.full((len(kinds), len(ms), trials), np.nan)
    for a, kind in enumerate(kinds):
        for j, m in enumerate(ms):
            if kind == "srht" and m > padded:
                break
            for t in range(trials):
                sv = np.linalg.svd(_sketch(U, m, kind, gen, min(8, m)), compute_uv=False)
                smin = sv[-1] if sv.size == U.shape[1] else 0.0
                eps[a, j, t] = max(sv[0] - 1.0, 1.0 - smin)
            if stop_eps is not None and np.quantile(eps[a, j], quantile) <= stop_eps:
                break
    return {"m": np.asarray(ms), "kinds": tuple(kinds), "eps": eps}


def needed_sketch_size(curve: dict, eps: float, quantile: float = 0.9) -> np.ndarray:
    """Smallest sketch size of a :func:`distortion_curve` whose distortion quantile is at most ``eps``.

    Parameters
    ----------
    curve : dict
        Output of :func:`distortion_curve`.
    eps : float
        Target distortion, > 0.
    quantile : float
        Share of draws that must reach it, in (0, 1].

    Returns
    -------
    ndarray of shape (len(kinds),)
        The sketch size (from ``curve["m"]``) per kind, NaN where no size of the grid reaches it.
    """
    eps = check_real(eps, "eps", 0, None, True)
    quantile = check_real(quantile, "quantile", 0, 1, True, False)
    out = np.full(curve["eps"].shape[0], np.nan)
    for a in range(out.size):
        for j in range(curve["eps"].shape[1]):
            draws = curve["eps"][a, j]
            if not np.isnan(draws).any() and np.quantile(draws, quantile) <= eps:
                out[a] = curve["m"][j]
                break
    return out


def gaussian_residual_ratio(m, d: int) -> np.ndarray:
    r"""Expected ``||A x_hat - b||^2 / ||A x* - b||^2`` of Gaussian sketch-and-solve: ``1 + d/(m - d - 1)``.

    Parameters
    ----------
    m : int or array of int
        Sketch sizes, each ``> d + 1``.
    d : int
        Rank of ``A``.

    Returns
    -------
    ndarray

    Notes
    -----
    :math:`\hat x - x^\star = (SA)^+ S r^\star` with :math:`r^\star \perp
    \operatorname{range}(A)`; for Gaussian :math:`S`, :math:`Sr^\star` is
    independent of :math:`SU` and :math:`\mathbb E\|A(\hat x - x^\star)\|^2 =
    \|r^\star\|^2\,\mathbb E\operatorname{tr}(G^\top G)^{-1}` with :math:`G`
    an :math:`m\times d` standard Gaussian matrix, whose inverse Wishart mean
    gives :math:`d/(m-d-1)`.

    Examples
    --------
    >>> float(gaussian_residual_ratio(21, 10))
    2.0
    """
    d = check_int(d, "d", 1)
    m = np.asarray(m)
    if m.dtype.kind not in "iu" or np.any(m <= d + 1):
        raise ValueError(f"m must be integers > d + 1 = {d + 1}, got {m}")
    return 1.0 + d / (m - d - 1.0)


def countsketch_isometry_probability(d: int, m: int) -> float:
    r"""Probability that CountSketch with ``m`` rows is an exact isometry on ``d`` coordinate vectors.

    Parameters
    ----------
    d : int
        Dimension of the subspace spanned by ``d`` coordinate vectors ``e_{i_1}, ..., e_{i_d}``, ``d >= 1``.
    m : int
        Rows of the sketch, ``m >= 1``.

    Returns
    -------
    float
        :math:`\prod_{i=0}^{d-1}(1 - i/m)`, the probability that the ``d``
        coordinates fall in ``d`` distinct buckets (the birthday problem).

    Notes
    -----
    CountSketch maps :math:`e_i` to :math:`\pm e_{h(i)}`.  If the buckets
    :math:`h(i_1),\dots,h(i_d)` are distinct, :math:`SU` has orthonormal
    columns and the distortion is 0; if two collide, :math:`SU` has two
    parallel columns and a direction is sent to zero (distortion 1).  This is
    why CountSketch needs :math:`m = \Omega(d^2)` rows on coherent subspaces
    (Nelson & Nguyen 2013, lower bound), against :math:`O(d)` for dense sketches.

    Examples
    --------
    >>> round(countsketch_isometry_probability(5, 20), 4)
    0.5814
    """
    d = check_int(d, "d", 1)
    m = check_int(m, "m", 1)
    return float(np.prod(1.0 - np.arange(d) / m))


def countsketch_coherent_size(d: int, prob: float = 0.9) -> int:
    """Smallest ``m`` with :func:`countsketch_isometry_probability` ``(d, m) >= prob``.

    Parameters
    ----------
    d : int
        Subspace dimension, ``d >= 1``.
    prob : float
        Required probability, in (0, 1).

    Returns
    -------
    int
        About ``d (d - 1) / (2 ln(1/prob))`` for large ``d``.

    Examples
    --------
    >>> countsketch_coherent_size(10, 0.9)
    431
    """
    d = check_int(d, "d", 1)
    prob = check_real(prob, "prob", 0, 1, True, True)
    lo, hi = max(d - 1, 1), max(d, 1)
    while countsketch_isometry_probability(d, hi) < prob:
        lo, hi = hi, 2 * hi
    while hi - lo > 1:                       # invariant: P(lo) < prob <= P(hi), P increasing in m
        mid = (lo + hi) // 2
        if countsketch_isometry_probability(d, mid) >= prob:
            hi = mid
        else:
            lo = mid
    return hi if countsketch_isometry_probability(d, lo) < prob else lo


def residual_sweep(A, b, ms: Sequence[int], kinds: Sequence[str] = KINDS, trials: int = 10, rng=None) -> dict:
    """``||A x_hat - b||^2 / ||A x* - b||^2`` of :func:`sketch_and_solve` for each kind and sketch size.

    Parameters
    ----------
    A : array_like of shape (N, d)
    b : array_like of shape (N,)
        Not in the range of ``A`` (the optimal residual must be nonzero).
    ms : sequence of int
        Sketch sizes, each ``> d``.
    kinds : sequence of str
    trials : int
    rng : None, int or numpy.random.Generator

    Returns
    -------
    dict
        ``"m"``, ``"kinds"``, ``"ratio"`` of shape ``(len(kinds), len(ms), trials)``,
        ``"gaussian_theory"``: :func:`gaussian_residual_ratio` where defined (NaN elsewhere).
    """
    A = check_array(A, "A", ndim=2)
    b = _check_rhs(b, A.shape[0])
    d = A.shape[1]
    ms = [check_int(m, "ms", d + 1) for m in ms]
    for kind in kinds:
        check_choice(kind, "kinds", KINDS)
    trials = check_int(trials, "trials", 1)
    gen = check_rng(rng)
    r2 = np.linalg.norm(A @ np.linalg.lstsq(A, b, rcond=None)[0] - b) ** 2
    if r2 <= (1e-10 * np.linalg.norm(b)) ** 2:
        raise ValueError("b must not lie in the range of A (the optimal residual is zero)")
    Ab = _stack(A, b)
    ratio = np.empty((len(kinds), len(ms), trials))
    for a, kind in enumerate(kinds):
        for j, m in enumerate(ms):
            for t in range(trials):
                SAb = _sketch(Ab, m, kind, gen, min(8, m))
                x = np.linalg.lstsq(SAb[:, :-1], SAb[:, -1], rcond=None)[0]
                ratio[a, j, t] = np.linalg.norm(A @ x - b) ** 2 / r2
    ms_arr = np.asarray(ms)
    theory = np.where(ms_arr > d + 1, 1.0 + d / np.maximum(ms_arr - d - 1.0, 1e-300), np.nan)
    return {"m": ms_arr, "kinds": tuple(kinds), "ratio": ratio, "gaussian_theory": theory}


def preconditioning_sweep(
    conds: Sequence[float], n_rows: int, n_cols: int, m: int, kind: str = "sparse-sign",
    tol: float = 1e-10, iter_lim: int = 5000, rng=None,
) -> dict:
    """LSQR iterations with and without the sketch preconditioner, for test matrices of growing condition number.

    Parameters
    ----------
    conds : sequence of float
        Condition numbers ``>= 1`` (:func:`subspace_matrix`, incoherent).
    n_rows, n_cols : int
        Size ``N x d`` of each problem.
    m : int
        Sketch size of the preconditioner, ``>= d``.
    kind : str
        Kind of sketch.
    tol : float
        LSQR's ``atol = btol``.
    iter_lim : int
        Iteration cap of both solvers.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    dict
        ``"cond"``, ``"plain"`` and ``"sketched"`` (iterations), ``"plain_error"`` and
        ``"sketched_error"``: :math:`\\|x - x^\\star\\|/\\|x^\\star\\|` against :func:`numpy.linalg.lstsq`.
    """
    d = check_int(n_cols, "n_cols", 1)
    N = check_int(n_rows, "n_rows", d)
    conds = [check_real(c, "conds", 1.0) for c in conds]
    iter_lim = check_int(iter_lim, "iter_lim", 1)
    gen = check_rng(rng)
    out = {k: [] for k in ("plain", "sketched", "plain_error", "sketched_error")}
    for c in conds:
        A = subspace_matrix(N, d, cond=c, rng=gen)
        b = A @ gen.standard_normal(d) + 1e-2 * gen.standard_normal(N)
        x_ref = np.linalg.lstsq(A, b, rcond=None)[0]
        res = lsqr(A, b, atol=tol, btol=tol, iter_lim=iter_lim)
        x, it = sketch_precondition_lsqr(A, b, m, kind, rng=gen, tol=tol, iter_lim=iter_lim)
        out["plain"].append(int(res[2]))
        out["sketched"].append(it)
        out["plain_error"].append(float(np.linalg.norm(res[0] - x_ref) / np.linalg.norm(x_ref)))
        out["sketched_error"].append(float(np.linalg.norm(x - x_ref) / np.linalg.norm(x_ref)))
    return {"cond": np.asarray(conds), **{k: np.asarray(v) for k, v in out.items()}}


def lstsq_timings(A, b, m: int, repeats: int = 3, rng=None) -> dict:
    """Times and residual excess of LAPACK's least squares and of the sketched solvers.

    Parameters
    ----------
    A : array_like of shape (N, d)
    b : array_like of shape (N,)
    m : int
        Sketch size for every sketched solver, ``m >= d``.
    repeats : int
        Number of interleaved rounds (:func:`jl_lab.timing.interleaved_times`): each
        round runs every solver once, so a burst of load hits them all alike and
        two solvers can be compared round by round
        (:func:`jl_lab.timing.speed_comparison`).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    dict
        ``name -> {"time": best seconds, "times": seconds of each round, "residual":
        ||Ax - b||, "excess": ||Ax - b|| / ||Ax* - b|| - 1}`` (x: the last round's solution) for
        ``"numpy.linalg.lstsq"``, ``"sketch-and-solve (<kind>)"`` and
        ``"preconditioned LSQR (<kind>)"``, every kind.

    References
    ----------
    Rokhlin & Tygert (2008); Avron, Maymounkov & Toledo (2010).
    """
    from .timing import interleaved_times

    A = check_array(A, "A", ndim=2)
    b = _check_rhs(b, A.shape[0])
    m = check_int(m, "m", A.shape[1])
    gen = check_rng(rng)
    solvers = {"numpy.linalg.lstsq": lambda: np.linalg.lstsq(A, b, rcond=None)[0]}
    for kind in KINDS:
        solvers[f"sketch-and-solve ({kind})"] = lambda kind=kind: sketch_and_solve(A, b, m, kind, rng=gen)
    for kind in KINDS:
        solvers[f"preconditioned LSQR ({kind})"] = (
            lambda kind=kind: sketch_precondition_lsqr(A, b, m, kind, rng=gen, tol=1e-12, iter_lim=200)[0])
    last = {}
    rounds = interleaved_times(
        {name: (lambda f=f, name=name: last.__setitem__(name, f())) for name, f in solvers.items()}, repeats)
    out = {name: {"time": float(t.min()), "times": t, "residual": float(np.linalg.norm(A @ last[name] - b))}
           for name, t in rounds.items()}
    r_opt = out["numpy.linalg.lstsq"]["residual"]
    for v in out.values():
        v["excess"] = v["residual"] / r_opt - 1.0
    return out


# ---------------------------------------------------------------------------
# the sparse kinds as Johnson-Lindenstrauss maps of points (chapter jl_lemma, "Which random matrix?")
# ---------------------------------------------------------------------------

__all__ += ["feature_hash", "points_min_dim"]


def feature_hash(X, n_components: int) -> np.ndarray:
    r"""The hashing trick of Weinberger et al. (2009) through scikit-learn's ``FeatureHasher``.

    Parameters
    ----------
    X : array_like of shape (N, D)
        Points as rows; column ``j`` is the feature named ``"f<j>"``.
    n_components : int
        Number of buckets ``n >= 1``.

    Returns
    -------
    ndarray of shape (N, n)
        ``S x`` for the CountSketch matrix ``S`` whose column ``j`` holds
        ``sign(h(j))`` in row ``|h(j)| mod n``, ``h`` = signed 32-bit MurmurHash3
        of ``"f<j>"`` with seed 0 (``alternate_sign=True``).

    Notes
    -----
    Feature hashing is CountSketch (Charikar, Chen & Farach-Colton 2002) with a
    fixed hash function instead of a random one: :math:`\mathbb E\|Sx\|^2 = \|x\|^2`
    over random hashes, and Freksen, Kamma and Larsen (2018) give the exact
    trade-off: norms are kept within :math:`1\pm\varepsilon` when
    :math:`\|x\|_\infty/\|x\|_2` is small enough for the given :math:`n`.  Needs scikit-learn.

    References
    ----------
    Weinberger, K., Dasgupta, A., Langford, J., Smola, A. and Attenberg, J. (2009). Feature hashing
    for large scale multitask learning. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> Y = feature_hash(np.eye(4), 16)
    >>> np.abs(Y).sum(axis=1)
    array([1., 1., 1., 1.])
    """
    from sklearn.feature_extraction import FeatureHasher

    X = check_array(X, "X", ndim=2)
    n = check_int(n_components, "n_components", 1)
    names = [f"f{j}" for j in range(X.shape[1])]
    rows = [dict(zip(names, row)) for row in X]
    return FeatureHasher(n_features=n, input_type="dict", alternate_sign=True).transform(rows).toarray()


def points_min_dim(X, eps: float, kind: str, n_grid: Sequence[int], trials: int = 6, success: float = 0.5,
                   rng=None) -> float:
    """Smallest ``n`` on a grid at which a sketch of the rows of ``X`` keeps every squared distance within ``1 +- eps``.

    Parameters
    ----------
    X : array_like of shape (N, D)
        Points, no two equal.
    eps : float
        Distortion in (0, 1), as in :func:`jl_lab.projections.max_distortion`.
    kind : {"gaussian", "srht", "countsketch", "sparse-sign", "feature-hashing"}
        The sketch applied to each point (acting on ``R^D``); ``"feature-hashing"``
        is :func:`feature_hash` (deterministic: one trial).
    n_grid : sequence of int
        Increasing target dimensions to try.
    trials : int
    success : float
        Required fraction of trials, in (0, 1].
    rng : None, int or numpy.random.Generator

    Returns
    -------
    float
        The dimension, or NaN if no ``n`` of the grid reaches it.

    Notes
    -----
    Unlike :func:`jl_lab.bounds.empirical_min_dim`, the sparse sketches have no nested
    structure (a CountSketch with ``n`` rows is not the first rows of one with
    more), so every ``n`` is drawn afresh and the grid is scanned upwards.
    """
    X = check_array(X, "X", ndim=2, min_rows=2)
    eps = check_real(eps, "eps", 0, 1, True, True)
    check_choice(kind, "kind", KINDS + ("feature-hashing",))
    grid = [check_int(n, "n_grid", 1) for n in n_grid]
    trials = 1 if kind == "feature-hashing" else check_int(trials, "trials", 1)
    success = check_real(success, "success", 0, 1, True, False)
    gen = check_rng(rng)
    padded = 1 << (X.shape[1] - 1).bit_length()
    for n in grid:
        if kind == "srht" and n > padded:
            break
        ok = 0
        for _ in range(trials):
            Y = feature_hash(X, n) if kind == "feature-hashing" else _sketch(X.T, n, kind, gen, min(8, n)).T
            ok += projections.max_distortion(X, Y) <= eps
        if ok >= success * trials - 1e-9:
            return float(n)
    return float("nan")
