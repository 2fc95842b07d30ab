"""Bigram counts, transition probabilities and a planted three-factor text model.

A bigram count matrix ``n_ab`` (how often word ``b`` follows word ``a``), row-normalised, is the
transition probability ``P(B|A)``; :func:`planted_bigram_model` and :func:`sample_tokens` generate
text from ``P(B|A) = P(B|D) P(D|C) P(C|A)`` with hard word classes, so that the truth a
co-clustering should recover is known [Su 2017; Brown et al. 1992].

References
----------
.. [1] Su, J. (2017). SVD分解(二)：为什么SVD意味着聚类？ https://kexue.fm/archives/4216
.. [2] Brown, P. F. et al. (1992). Class-based n-gram models of natural language. Comp. Ling. 18(4).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ._validation import check_array, check_int, check_real, check_rng

__all__ = [
    "bigram_counts",
    "transition_matrix",
    "PlantedBigramModel",
    "planted_bigram_model",
    "sample_tokens",
]


# ---------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------


def bigram_counts(tokens, vocab_size: int | None = None, min_count: int = 1, vocab=None):
    """Count the bigrams of a token sequence into a sparse matrix.

    Parameters
    ----------
    tokens : sequence of hashable
        The text as tokens (words, or integer word ids); at least two.
    vocab_size : int, optional
        Keep only the ``vocab_size`` most frequent tokens (``>= 1``).
    min_count : int
        Keep only tokens seen at least ``min_count`` times (``>= 1``).
    vocab : sequence of hashable, optional
        A fixed vocabulary, in this order; then ``vocab_size`` and ``min_count``
        are ignored and words of ``vocab`` absent from ``tokens`` get zero rows
        and columns.

    Returns
    -------
    counts : scipy.sparse.csr_matrix of shape (V, V), float64
        ``counts[i, j]`` is the number of positions ``t`` with
        ``tokens[t] == vocab[i]`` and ``tokens[t + 1] == vocab[j]``.  Bigrams
        with a token outside the vocabulary are dropped.
    vocab : list
        The kept tokens, most frequent first (ties in order of first
        appearance), unless given.

    Notes
    -----
    :math:`n_{ab} = \\#\\{t : w_t = a,\\ w_{t+1} = b\\}`; the row sums
    :math:`n_a = \\sum_b n_{ab}` count the tokens followed by a kept token.
    Counting is one pass of :class:`collections.Counter` (``np.bincount`` for
    arrays of small non-negative integer ids), then ``np.bincount`` of the pair
    codes ``a V + b`` (or, for ``V^2 > 4e6``, a ``coo -> csr`` conversion that
    sums duplicates).

    Examples
    --------
    >>> counts, vocab = bigram_counts("a b a b c".split())
    >>> vocab
    ['a', 'b', 'c']
    >>> counts.toarray().astype(int)
    array([[0, 2, 0],
           [1, 0, 1],
           [0, 0, 0]])
    """
    if isinstance(tokens, (str, bytes)):
        raise TypeError("tokens must be a sequence of tokens (e.g. tokenize(text)), not a single string")
    if sp.issparse(tokens) or not hasattr(tokens, "__len__"):
        raise TypeError(f"tokens must be a sequence of tokens, got {type(tokens).__name__}")
    if len(tokens) < 2:
        raise ValueError(f"tokens must hold at least 2 tokens to form a bigram, got {len(tokens)} (empty corpus?)")
    if isinstance(tokens, np.ndarray) and tokens.dtype.kind == "c":
        raise TypeError(f"tokens must be strings or integer word ids, got dtype {tokens.dtype}")
    if not isinstance(tokens, np.ndarray) and any(
        isinstance(t, (list, tuple, dict, set, np.ndarray, complex)) for t in tokens[:1000]
    ):  # the first 1000 are enough to catch a list of sentences instead of tokens
        raise TypeError("tokens must be a flat sequence of tokens (str or int), got nested sequences")
    if vocab is None:
        min_count = check_int(min_count, "min_count", 1)
        if vocab_size is not None:
            vocab_size = check_int(vocab_size, "vocab_size", 1)
    arr = tokens if isinstance(tokens, np.ndarray) else None
    if arr is not None and arr.ndim != 1:
        raise ValueError(f"tokens must be one-dimensional, got shape {arr.shape}")

    small_ints = (
        arr is not None and arr.dtype.kind in "iu" and arr.min() >= 0 and arr.max() <= 4 * arr.size + 1_000_000
    )
    if small_ints:
        # integer word ids: counting by bincount, no sorting
        size = int(arr.max()) + 1
        if vocab is None:
            freq = np.bincount(arr, minlength=size)
            first = np.full(size, arr.size, dtype=np.int64)
            first[arr[::-1]] = np.arange(arr.size - 1, -1, -1)  # the last write wins: first occurrence
            values = np.flatnonzero(freq >= min_count)
            values = values[np.lexsort((first[values], -freq[values]))][:vocab_size]
            vocab_list = values.tolist()
        else:
            vocab_list = list(vocab)
        lookup = np.full(size, -1, dtype=np.int64)
        vv = np.asarray(vocab_list)
        if vv.size and vv.dtype.kind in "iu":
            inside = (vv >= 0) & (vv < size)
            lookup[vv[inside]] = np.flatnonzero(inside)
        ids = lookup[arr]
    elif arr is not None and arr.dtype.kind in "iu":
        uniq, inverse, freq = np.unique(arr, return_inverse=True, return_counts=True)
        if vocab is None:
            first = np.full(len(uniq), len(arr))
            np.minimum.at(first, inverse, np.arange(len(arr)))
            order = np.lexsort((first, -freq))
            order = order[freq[order] >= min_count][:vocab_size]
            vocab_list = [x.item() for x in uniq[order]]
        else:
            vocab_list = list(vocab)
            pos = {w: i for i, w in enumerate(uniq.tolist())}
            order = np.array([pos.get(w, -1) for w in vocab_list], dtype=np.int64)
        lookup = np.full(len(uniq) + 1, -1, dtype=np.int64)
        valid = order >= 0
        lookup[order[valid]] = np.flatnonzero(valid)
        ids = lookup[inverse]
    else:
        if vocab is None:
            freq = Counter(tokens)
            ranked = [w for w, c in freq.most_common() if c >= min_count]
            vocab_list = ranked[:vocab_size]
        else:
            vocab_list = list(vocab)
        index = {w: i for i, w in enumerate(vocab_list)}
        ids = np.fromiter((index.get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))
    if vocab is not None and len(set(vocab_list)) != len(vocab_list):
        raise ValueError("vocab must not contain duplicates")
    n = len(vocab_list)
    if n == 0:
        raise ValueError(f"no token is kept: min_count={min_count} is larger than every token's count")
    a, b = ids[:-1], ids[1:]
    keep = (a >= 0) & (b >= 0)
    a, b = a[keep], b[keep]
    if n * n <= 4_000_000:
        dense = np.bincount(a * n + b, minlength=n * n).reshape(n, n)
        counts = sp.csr_matrix(dense.astype(np.float64))
    else:
        counts = sp.coo_matrix((np.ones(a.size), (a, b)), shape=(n, n)).tocsr()
        counts.sum_duplicates()
    return counts, vocab_list


def transition_matrix(counts, smoothing: float = 0.0):
    """Row-normalise bigram counts into the transition probability ``P(B|A)``.

    Parameters
    ----------
    counts : array_like or scipy.sparse matrix of shape (m, n)
        Non-negative counts.
    smoothing : float
        Additive (Laplace) smoothing ``alpha >= 0``.  With ``alpha = 0`` every
        row must have a positive sum and the result keeps the sparsity of
        ``counts``; with ``alpha > 0`` the result is a dense array.

    Returns
    -------
    P : scipy.sparse.csr_matrix or ndarray of shape (m, n)
        Row-stochastic: ``P.sum(axis=1) == 1``.

    Notes
    -----
    :math:`P(b\\mid a) = (n_{ab} + \\alpha) / (n_a + \\alpha n)`, the maximum
    likelihood estimate for :math:`\\alpha = 0`.

    Examples
    --------
    >>> P = transition_matrix([[1, 3], [2, 2]])
    >>> P.toarray()
    array([[0.25, 0.75],
           [0.5 , 0.5 ]])
    """
    counts = check_array(counts, "counts", accept_sparse=True, nonnegative=True)
    alpha = check_real(smoothing, "smoothing", 0.0)
    C = sp.csr_matrix(counts)
    rows = np.asarray(C.sum(axis=1)).ravel()
    if alpha > 0:
        dense = C.toarray() + alpha
        return dense / (rows + alpha * C.shape[1])[:, None]
    if np.any(rows == 0):
        bad = np.flatnonzero(rows == 0)
        raise ValueError(
            f"counts has {bad.size} row(s) with no counts (first: row {bad[0]}); P(B|A) is undefined "
            "there: pass smoothing > 0 or drop those rows"
        )
    return sp.diags(1.0 / rows) @ C


# ---------------------------------------------------------------------------
# A planted three-factor model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlantedBigramModel:
    """A bigram model ``P(B|A) = P(B|D) P(D|C) P(C|A)`` with hard word classes.

    Attributes
    ----------
    row_labels : ndarray of shape (n_words,)
        Class ``c(a)`` of each word as a predecessor (``P(C|A)`` is one-hot).
    col_labels : ndarray of shape (n_words,)
        Class ``d(b)`` of each word as a successor.
    p_d_given_c : ndarray of shape (n_row_classes, n_col_classes)
        Class transition matrix, rows summing to 1.
    p_b_given_d : ndarray of shape (n_col_classes, n_words)
        Emission probabilities, rows summing to 1, row ``d`` supported on the
        words with ``col_labels == d``.
    """

    row_labels: np.ndarray
    col_labels: np.ndarray
    p_d_given_c: np.ndarray
    p_b_given_d: np.ndarray

    @property
    def n_words(self) -> int:
        return self.row_labels.size

    @property
    def n_row_classes(self) -> int:
        return self.p_d_given_c.shape[0]

    @property
    def n_col_classes(self) -> int:
        return self.p_d_given_c.shape[1]

    @property
    def p_c_given_a(self) -> np.ndarray:
        """One-hot ``(n_words, n_row_classes)`` matrix of the row classes."""
        return np.eye(self.n_row_classes)[self.row_labels]

    @property
    def transition(self) -> np.ndarray:
        """The exact ``(n_words, n_words)`` matrix ``P(B|A)``."""
        return (self.p_d_given_c @ self.p_b_given_d)[self.row_labels]

    @property
    def stationary(self) -> np.ndarray:
        """Stationary word distribution of the chain (the long-run word frequencies)."""
        next_given_c = self.p_d_given_c @ self.p_b_given_d  # (l, n)
        q = np.zeros((self.n_row_classes, self.n_row_classes))
        np.add.at(q.T, self.row_labels, next_given_c.T)  # q[c, c'] = P(next word in row class c' | c)
        # pi (Q - I) = 0, sum(pi) = 1, solved in least squares
        A = np.vstack([(q - np.eye(len(q))).T, np.ones(len(q))])
        rhs = np.zeros(len(q) + 1)
        rhs[-1] = 1.0
        pi = np.clip(np.linalg.lstsq(A, rhs, rcond=None)[0], 0, None)
        return (pi / pi.sum()) @ next_given_c


def planted_bigram_model(
    n_words: int,
    n_row_classes: int,
    n_col_classes: int,
    rng=None,
    *,
    concentration: float = 0.5,
    zipf_exponent: float = 1.0,
    class_transition=None,
) -> PlantedBigramModel:
    """Draw a bigram model with hard row and column classes (known truth).

    Parameters
    ----------
    n_words : int
        Vocabulary size ``n >= 2``.
    n_row_classes, n_col_classes : int
        Numbers of classes ``l`` and ``k``, each in ``[1, n_words]``.
    rng : None, int or numpy.random.Generator
        Source of randomness.
    concentration : float
        Dirichlet parameter ``> 0`` of each row of ``P(D|C)``; small values give
        peaked class transitions (a class is mostly followed by few classes).
    zipf_exponent : float
        Within a column class the words have probabilities proportional to
        ``rank ** -zipf_exponent`` (``>= 0``; ``0`` is uniform), in random order.
    class_transition : array_like of shape (n_row_classes, n_col_classes), optional
        A given ``P(D|C)`` (non-negative, rows summing to 1) instead of the
        Dirichlet draw; e.g. a near-identity matrix gives the block-diagonal
        structure that Dhillon's co-clustering looks for.

    Returns
    -------
    PlantedBigramModel

    Notes
    -----
    Words are split into classes of equal size (up to one), independently for
    rows and columns.  :math:`P(d\\mid c) \\sim \\mathrm{Dirichlet}(\\alpha)`,
    :math:`P(b\\mid d) \\propto r_b^{-s}\\,[d(b) = d]` and
    :math:`P(b\\mid a) = \\sum_{c,d} P(b\\mid d) P(d\\mid c) P(c\\mid a)` with one-hot
    :math:`P(c\\mid a)`: the model of [Su 2017] with hard classes, as in the
    class-based bigram model of Brown et al. (1992) with separate classes for
    the two positions.  Its ``P(B|A)`` has rank at most ``min(l, k)``.

    Examples
    --------
    >>> m = planted_bigram_model(12, 3, 2, rng=0)
    >>> m.transition.shape, bool(np.allclose(m.transition.sum(axis=1), 1))
    ((12, 12), True)
    >>> int(np.linalg.matrix_rank(m.transition))
    2
    """
    n = check_int(n_words, "n_words", 2)
    l = check_int(n_row_classes, "n_row_classes", 1, n)
    k = check_int(n_col_classes, "n_col_classes", 1, n)
    alpha = check_real(concentration, "concentration", 0.0, low_open=True)
    s = check_real(zipf_exponent, "zipf_exponent", 0.0)
    gen = check_rng(rng)
    row_labels = gen.permutation(np.arange(n) % l)
    col_labels = gen.permutation(np.arange(n) % k)
    if class_transition is None:
        p_dc = gen.dirichlet(np.full(k, alpha), size=l)
        # guard against exact zeros from the Dirichlet sampler at tiny concentration
        p_dc = np.maximum(p_dc, 1e-12)
        p_dc /= p_dc.sum(axis=1, keepdims=True)
    else:
        p_dc = check_array(class_transition, "class_transition", nonnegative=True)
        if p_dc.shape != (l, k):
            raise ValueError(f"class_transition must have shape ({l}, {k}), got {p_dc.shape}")
        if not np.allclose(p_dc.sum(axis=1), 1.0):
            raise ValueError("class_transition must have rows summing to 1")
    p_bd = np.zeros((k, n))
    for d in range(k):
        members = gen.permutation(np.flatnonzero(col_labels == d))
        w = np.arange(1, members.size + 1, dtype=float) ** -s
        p_bd[d, members] = w / w.sum()
    return PlantedBigramModel(row_labels, col_labels, p_dc, p_bd)


def sample_tokens(model: PlantedBigramModel, n_tokens: int, rng=None) -> np.ndarray:
    """Sample a token sequence (word ids) from a planted bigram model.

    Parameters
    ----------
    model : PlantedBigramModel
    n_tokens : int
        Length ``T >= 2`` of the sequence.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ndarray of int64, shape (T,)
        A Markov chain started in its stationary distribution:
        ``tokens[t + 1] ~ P(B | tokens[t])``.

    Notes
    -----
    The next word depends on the current one only through its row class,
    :math:`P(b \\mid c) = \\sum_d P(b\\mid d) P(d\\mid c)`.  The chain is simulated
    in blocks of length ``L ~ sqrt(T)``: every block is run from all ``l``
    possible starting classes at once with the same uniforms (one vectorised
    step per position), then the blocks are chained by their actual starting
    class.  Each path has exactly the law of the chain; the cost is
    ``O(T l log(l n))`` numpy work and ``O(sqrt T)`` Python steps.

    Examples
    --------
    >>> m = planted_bigram_model(20, 2, 2, rng=0)
    >>> t = sample_tokens(m, 1000, rng=1)
    >>> t.shape, int(t.min()) >= 0, int(t.max()) < 20
    ((1000,), True, True)
    """
    if not isinstance(model, PlantedBigramModel):
        raise TypeError(f"model must be a PlantedBigramModel, got {type(model).__name__}")
    T = check_int(n_tokens, "n_tokens", 2)
    gen = check_rng(rng)
    n, l = model.n_words, model.n_row_classes
    next_given_c = model.p_d_given_c @ model.p_b_given_d  # (l, n)
    cdf = np.cumsum(next_given_c, axis=1)
    cdf /= cdf[:, -1:]
    flat = (cdf + np.arange(l)[:, None]).ravel()  # row c lives in (c, c + 1]
    row_labels = model.row_labels

    first = gen.choice(n, p=model.stationary)
    steps = T - 1
    L = int(min(steps, max(32, np.sqrt(steps))))
    B = -(-steps // L)
    u = gen.random((L, B))
    words = np.empty((L, B, l), dtype=np.int64)  # words[t, j, s]: step t of block j started in class s
    cls = np.broadcast_to(np.arange(l), (B, l)).copy()
    for t in range(L):
        w = np.searchsorted(flat, cls + u[t][:, None], side="left") - cls * n
        np.clip(w, 0, n - 1, out=w)
        words[t] = w
        cls = row_labels[w]
    starts = np.empty(B, dtype=np.int64)  # the actual starting class of each block
    c = row_labels[first]
    for j in range(B):
        starts[j] = c
        c = row_labels[words[L - 1, j, c]]
    out = np.empty(B * L + 1, dtype=np.int64)
    out[0] = first
    out[1:] = words[:, np.arange(B), starts].T.ravel()
    return out[:T]


# ---------------------------------------------------------------------------
# Validation of counts (shared by cocluster and trifactor)
# ---------------------------------------------------------------------------


def _check_counts(counts, n_row: int, n_col: int, row_name: str, col_name: str):
    """Validate counts and the numbers of row / column clusters asked for it."""
    C = check_array(counts, "counts", accept_sparse=True, nonnegative=True)
    C = sp.csr_matrix(C)
    m, n = C.shape
    r = check_int(n_row, row_name, 1)
    c = check_int(n_col, col_name, 1)
    if r > m:
        raise ValueError(
            f"{row_name} must be <= the number of rows of counts ({m}): the vocabulary is too small "
            f"for {r} classes"
        )
    if c > n:
        raise ValueError(
            f"{col_name} must be <= the number of columns of counts ({n}): the vocabulary is too small "
            f"for {c} classes"
        )
    if C.nnz == 0:
        raise ValueError("counts must hold at least one positive count")
    return C, r, c
