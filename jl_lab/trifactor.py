"""EM for the three-factor model ``P(B|A) = P(B|D) P(D|C) P(C|A)`` of bigram counts.

The hidden pair of classes ``(c, d)`` of each bigram makes the model a mixture, fitted by the
exact EM updates of pLSA, so every factor stays a probability table and the log-likelihood never
decreases [Saul & Pereira 1997; Hofmann 1999; Dempster, Laird & Rubin 1977].

References
----------
.. [1] Saul, L. and Pereira, F. (1997). Aggregate and mixed-order Markov models for statistical
   language processing. EMNLP.
.. [2] Hofmann, T. (1999). Probabilistic latent semantic analysis. UAI.
.. [3] Dempster, A. P., Laird, N. M. and Rubin, D. B. (1977). Maximum likelihood from incomplete
   data via the EM algorithm. J. R. Stat. Soc. B 39(1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._validation import check_choice, check_int, check_real, check_rng
from .bigrams import _check_counts, bigram_counts, planted_bigram_model, sample_tokens  # noqa: F401 (doctests)

__all__ = ["TriFactorization", "tri_factorize"]


# ---------------------------------------------------------------------------
# EM for the three-factor model
# ---------------------------------------------------------------------------


@dataclass
class TriFactorization:
    """Result of :func:`tri_factorize`: ``P(B|A) ~ P(C|A) P(D|C) P(B|D)``.

    Attributes
    ----------
    p_c_given_a : ndarray of shape (m, l)
        Soft row classes, rows summing to 1.
    p_d_given_c : ndarray of shape (l, k)
        Class transitions, rows summing to 1.
    p_b_given_d : ndarray of shape (k, n)
        Emissions, rows summing to 1.
    log_likelihood : ndarray
        :math:`\\sum_{ab} n_{ab} \\log \\hat P(b\\mid a)` before each EM
        iteration and after the last one (non-decreasing).
    n_iter : int
        EM iterations done.
    converged : bool
        Whether the relative gain fell below ``tol``.
    row_marginal : ndarray of shape (m,)
        Empirical :math:`P(a) = n_a / N` (the model conditions on it).
    """

    p_c_given_a: np.ndarray
    p_d_given_c: np.ndarray
    p_b_given_d: np.ndarray
    log_likelihood: np.ndarray
    n_iter: int
    converged: bool
    row_marginal: np.ndarray = field(repr=False)

    @property
    def transition(self) -> np.ndarray:
        """The fitted ``P(B|A)``, dense ``(m, n)``."""
        return self.p_c_given_a @ self.p_d_given_c @ self.p_b_given_d

    @property
    def row_labels(self) -> np.ndarray:
        """Most probable row class of each word, :math:`\\arg\\max_c P(c\\mid a)`."""
        return np.argmax(self.p_c_given_a, axis=1)

    @property
    def col_labels(self) -> np.ndarray:
        """Most probable column class of each word, :math:`\\arg\\max_d P(b\\mid d) P(d)`."""
        p_d = self.row_marginal @ self.p_c_given_a @ self.p_d_given_c
        return np.argmax(self.p_b_given_d * p_d[:, None], axis=0)


def _dirichlet_rows(gen, shape, alpha=1.0):
    return gen.dirichlet(np.full(shape[1], alpha), size=shape[0])


def tri_factorize(
    counts,
    n_row_classes: int,
    n_col_classes: int,
    n_iter: int = 200,
    rng=None,
    *,
    tol: float = 1e-7,
    n_init: int = 1,
    init="random",
) -> TriFactorization:
    """Fit ``P(B|A) = P(B|D) P(D|C) P(C|A)`` to bigram counts by EM.

    Parameters
    ----------
    counts : array_like or scipy.sparse matrix of shape (m, n)
        Non-negative counts ``n_ab``.
    n_row_classes : int
        ``l``, in ``[1, m]``.
    n_col_classes : int
        ``k``, in ``[1, n]``.
    n_iter : int
        Maximum number of EM iterations (``>= 1``).
    rng : None, int or numpy.random.Generator
        Draws the random (Dirichlet) starting factors.
    tol : float
        Stop when an iteration raises the log-likelihood by less than
        ``tol * |log-likelihood|`` (``>= 0``).
    n_init : int
        Independent starts; the fit with the highest final log-likelihood wins.
    init : "random" or (row_labels, col_labels)
        ``"random"``: Dirichlet(1) rows for the three factors.  A pair of hard
        labellings (e.g. from :func:`svd_cocluster`): start from them, softened
        (``0.9`` on the given class, the rest spread evenly), with ``P(D|C)``
        and ``P(B|D)`` the smoothed class counts.  ``n_init`` is then ignored.

    Returns
    -------
    TriFactorization

    Notes
    -----
    The model is a mixture with a hidden pair of classes per bigram:
    :math:`\\hat P(b\\mid a) = \\sum_{c,d} \\theta_{ac} M_{cd} \\phi_{db}` with
    :math:`\\theta = P(C|A)`, :math:`M = P(D|C)`, :math:`\\phi = P(B|D)`, and
    log-likelihood :math:`\\mathcal L = \\sum_{ab} n_{ab} \\log \\hat P(b\\mid a)`
    (Saul & Pereira 1997 for ``l = k`` and ``M = I``; Hofmann 1999 for pLSA).
    The E-step posterior is
    :math:`q_{ab}(c, d) = \\theta_{ac} M_{cd} \\phi_{db} / \\hat P(b\\mid a)`; with
    :math:`W_{ab} = n_{ab} / \\hat P(b\\mid a)` (only at the non-zeros of
    ``counts``) the M-step is

    .. math::

        \\theta_{ac} \\propto \\theta_{ac} [W (M\\phi)^T]_{ac}, \\quad
        M_{cd} \\propto M_{cd} [\\theta^T W \\phi^T]_{cd}, \\quad
        \\phi_{db} \\propto \\phi_{db} [(\\theta M)^T W]_{db},

    each normalised over its last index.  These are the exact EM updates, so
    :math:`\\mathcal L` never decreases (Dempster, Laird & Rubin 1977).  One
    iteration costs ``O(nnz (l + k) + (m + n) l k)``: sparse products only,
    nothing of size ``m x n``.  Rows without counts keep their starting
    ``P(C|a)``.  EM finds a local maximum; ``n_init > 1`` restarts help.

    Examples
    --------
    >>> m = planted_bigram_model(30, 2, 3, rng=0)
    >>> counts, _ = bigram_counts(sample_tokens(m, 5000, rng=1), vocab=range(30))
    >>> fit = tri_factorize(counts, 2, 3, rng=0)
    >>> bool(np.all(np.diff(fit.log_likelihood) >= -1e-9 * abs(fit.log_likelihood[-1])))
    True
    >>> bool(np.allclose(fit.p_d_given_c.sum(axis=1), 1))
    True
    """
    C, l, k = _check_counts(counts, n_row_classes, n_col_classes, "n_row_classes", "n_col_classes")
    n_iter = check_int(n_iter, "n_iter", 1)
    tol = check_real(tol, "tol", 0.0)
    n_init = check_int(n_init, "n_init", 1)
    gen = check_rng(rng)
    C = C.tocoo()
    rows, cols, vals = C.row, C.col, C.data
    keep = vals > 0
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    m, n = C.shape
    row_sum = np.bincount(rows, weights=vals, minlength=m)
    has_rows = row_sum > 0
    if isinstance(init, str):
        check_choice(init, "init", ("random",))
        starts = [
            (_dirichlet_rows(gen, (m, l)), _dirichlet_rows(gen, (l, k)), _dirichlet_rows(gen, (k, n)))
            for _ in range(n_init)
        ]
    else:
        starts = [_start_from_labels(C, init, l, k)]
    best = None
    for start in starts:
        fit = _em(rows, cols, vals, row_sum, has_rows, (m, n), start, n_iter, tol)
        if best is None or fit.log_likelihood[-1] > best.log_likelihood[-1]:
            best = fit
    return best


def _values_at(left: np.ndarray, right: np.ndarray, r: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Entries ``(left @ right)[r, c]``.

    For a small product (``m n <= 250 000``) the dense product is formed and
    gathered; otherwise a loop over the short inner dimension of element-wise
    products costs ``O(len(r) k)`` and makes no large BLAS call, whose threads
    can spin for longer than this work takes on a busy machine.
    """
    if left.shape[0] * right.shape[1] <= 250_000:
        return (left @ right)[r, c]
    lt = np.ascontiguousarray(left.T)
    out = lt[0][r] * right[0][c]
    for d in range(1, lt.shape[0]):
        out += lt[d][r] * right[d][c]
    return out


def _start_from_labels(C, init, l: int, k: int):
    """Softened one-hot starting factors from hard row and column labels."""
    m, n = C.shape
    try:
        rl, cl = (np.asarray(x) for x in init)
    except (TypeError, ValueError):
        raise TypeError("init must be 'random' or a pair (row_labels, col_labels)") from None
    if rl.shape != (m,) or cl.shape != (n,) or rl.dtype.kind not in "iu" or cl.dtype.kind not in "iu":
        raise ValueError(f"init must be a pair of integer label arrays of shapes ({m},) and ({n},)")
    if rl.min() < 0 or rl.max() >= l or cl.min() < 0 or cl.max() >= k:
        raise ValueError(f"init labels must lie in [0, {l}) for rows and [0, {k}) for columns")
    R = np.eye(l)[rl]
    D = np.eye(k)[cl]
    theta = 0.9 * R + 0.1 / l
    class_counts = R.T @ (C @ D) + 1.0  # (l, k), add-one smoothed
    M = class_counts / class_counts.sum(axis=1, keepdims=True)
    col_sum = np.asarray(C.sum(axis=0)).ravel()
    phi = D.T * (col_sum + 1.0) + 1e-3 * (col_sum.sum() + n) / n / k
    phi /= phi.sum(axis=1, keepdims=True)
    return theta, M, phi


def _em(rows, cols, vals, row_sum, has_rows, shape, start, n_iter, tol) -> TriFactorization:
    m, n = shape
    theta, M, phi = start
    history = []
    order = np.lexsort((cols, rows))
    r_s, c_s, v_s = rows[order], cols[order], vals[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(r_s, minlength=m))])
    W = sp.csr_matrix((v_s.copy(), c_s, indptr), shape=shape)  # data overwritten each iteration
    converged = False
    done = 0
    while True:
        TM = theta @ M  # (m, k)
        p = _values_at(TM, phi, r_s, c_s)  # P_hat(b|a) at the non-zeros
        ll = float(np.sum(v_s * np.log(p)))  # not a BLAS dot: avoids thread spin on tiny work
        history.append(ll)
        if done > 0 and ll - history[-2] <= tol * abs(ll):
            converged = True
            break
        if done == n_iter:
            break
        W.data = v_s / p
        Wphi = W @ phi.T  # (m, k): sum_b W_ab phi_db
        new_theta = theta * (Wphi @ M.T)
        new_M = M * (theta.T @ Wphi)
        new_phi = phi * (W.T @ TM).T
        tot = new_theta.sum(axis=1, keepdims=True)
        theta = np.where(has_rows[:, None], new_theta / np.where(tot > 0, tot, 1.0), theta)
        M_tot = new_M.sum(axis=1, keepdims=True)
        M = np.where(M_tot > 0, new_M / np.where(M_tot > 0, M_tot, 1.0), M)
        phi_tot = new_phi.sum(axis=1, keepdims=True)
        phi = np.where(phi_tot > 0, new_phi / np.where(phi_tot > 0, phi_tot, 1.0), phi)
        done += 1
    return TriFactorization(
        p_c_given_a=theta,
        p_d_given_c=M,
        p_b_given_d=phi,
        log_likelihood=np.array(history),
        n_iter=done,
        converged=converged,
        row_marginal=row_sum / row_sum.sum(),
    )
