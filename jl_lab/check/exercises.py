"""The checkable exercises of the book, each registered next to the function that computes its answer.

One :func:`exercise` decorator per exercise carries its metadata (what the answer is, tolerance, hint,
the book's parameters, the parameters a graded variant draws from, the question as an assignment
task); the decorated function recomputes the expected answer from ``jl_lab`` (a closed form, the root
of an equation, or a seeded computation whose seeds the exercise states) for any parameters.  None
holds a typed-in result.  Imports are local, so importing :mod:`jl_lab.check` stays cheap.

This module is the instructor's: the student edition (``make student``) ships the answer keys of
:func:`jl_lab.check.engine.export_keys` instead, never these functions.

References
----------
.. [1] The exercises themselves: the "Exercises" section at the end of each chapter of the book.
"""

from __future__ import annotations

import numpy as np

from .engine import EXERCISES, Exercise

__all__ = ["exercise"]


def exercise(label: str, expects: str, **options):
    """Register the decorated function as the answer of exercise ``label`` (see :class:`Exercise`)."""

    def register(compute):
        if label in EXERCISES:
            raise ValueError(f"exercise {label!r} registered twice")
        EXERCISES[label] = Exercise(label, expects, compute, **options)
        return compute

    return register


# --------------------------------------------------------------------------- jl_lemma


@exercise(
    "jl_lemma-ex-2",
    "the smallest n with C(N,2) p_n <= 1 for N = 100, eps = 0.3 (exact chi-square tail), an integer",
    integer=True,
    hint="p_n = chi2.sf(n(1+eps), n) + chi2.cdf(n(1-eps), n) from scipy.stats, and there are "
    "N(N-1)/2 pairs; scan n = 1, 2, 3, ... and keep the first n that satisfies the inequality.",
    params={"N": 100, "eps": 0.3},
    variants={"N": (60, 80, 100, 120, 150, 200, 250, 300), "eps": (0.2, 0.25, 0.3, 0.35, 0.4)},
    task="The union bound says the expected number of pairs of $N$ points outside the band "
    r"$1 \pm \varepsilon$ is $\binom N2\,p_n$ with $p_n = P(|\chi^2_n/n - 1| > \varepsilon)$. Find the "
    r"smallest $n$ with $\binom N2\,p_n \le 1$ for your $N$ and $\varepsilon$, with the exact chi-square "
    "tail (`scipy.stats.chi2`). The answer is an integer.",
)
def _jl_lemma_ex_2(N: int, eps: float) -> tuple:
    """Smallest n with C(N,2) P(|chi2_n/n - 1| > eps) <= 1 (exact chi-square tail), scanning n = 1, 2, ..."""
    from scipy import stats

    def ok(n):
        tail = stats.chi2.sf(n * (1 + eps), n) + stats.chi2.cdf(n * (1 - eps), n)
        return N * (N - 1) / 2 * tail <= 1

    top = 64
    while not ok(top):  # a point past the answer, then the first n from 1 on
        top *= 2
    n = np.arange(1, top + 1)
    return (int(n[np.argmax(ok(n))]),)


# --------------------------------------------------------------------------- rp_vs_pca


@exercise(
    "rp_vs_pca-ex-2",
    "a tuple (value at n = 16, value at n = 32) of (r_max - r_min)/(r_max + r_min) for PCA on all "
    "1797 digits, floats to three significant digits",
    parts=("n = 16", "n = 32"),
    hint="use every digit and every pair: r = projections.pairwise_distortion(X_digits, Y) with "
    "Y = reducers.fit_reducer(X_digits, n, 'pca').transform(X_digits); no Gaussian map in this answer.",
    params={"dims": (16, 32)},
    variants={"dims": ((8, 24), (10, 30), (12, 28), (14, 36), (16, 32), (20, 40))},
    task="Rescaling a map by $c$ turns the ratios $r$ of squared distances into $c\\,r$, and the smallest "
    r"achievable worst distortion is $(r_{\max}-r_{\min})/(r_{\max}+r_{\min})$. Compute it for PCA "
    "(`reducers.fit_reducer(X, n, 'pca')`) over all pairs of the 1797 digits "
    "(`sklearn.datasets.load_digits().data`) at your two dimensions `dims`. The answer is a tuple "
    "(value at the first n, value at the second n), floats to three significant digits.",
)
def _rp_vs_pca_ex_2(dims: tuple) -> tuple:
    """(r_max - r_min) / (r_max + r_min) of PCA on all digits at the two dimensions."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:  # pragma: no cover - scikit-learn is in the book's requirements
        raise ImportError("checking rp_vs_pca-ex-2 needs scikit-learn (for the digits)") from exc
    from .. import projections, reducers

    X = load_digits().data
    out = []
    for n in dims:
        r = projections.pairwise_distortion(X, reducers.fit_reducer(X, n, "pca").transform(X))
        out.append(float((r.max() - r.min()) / (r.max() + r.min())))
    return tuple(out)


# --------------------------------------------------------------------------- lsh


@exercise(
    "lsh-ex-2",
    "a tuple of three integers, the smallest number of tables L for b = 8, 12 and 16 bits",
    parts=("L for b = 8", "L for b = 12", "L for b = 16"),
    integer=True,
    hint="a neighbour at 30 degrees collides in one bit with p = 1 - (pi/6)/pi = 5/6; L is the "
    "smallest integer with 1 - (1 - p**b)**L >= 0.9 (round up, not to the nearest).",
    params={"angle": 30, "prob": 0.9},
    variants={"angle": (20, 25, 30, 35, 40), "prob": (0.8, 0.9, 0.95)},
    task="Sign random projection with $b$ bits per table and $L$ tables makes a neighbour at angle "
    r"$\theta$ a candidate with probability $1 - (1 - p^b)^L$, $p = 1 - \theta/\pi$. Find the smallest "
    "number of tables $L$, for $b = 8, 12, 16$, such that a neighbour at your `angle` (in degrees) is a "
    "candidate with probability at least your `prob`. The answer is a tuple of three integers.",
)
def _lsh_ex_2(angle: float, prob: float) -> tuple:
    """Smallest number of tables L with candidate probability >= prob at the angle, b = 8, 12, 16."""
    from .. import lsh

    out = []
    for b in (8, 12, 16):
        L = 1
        while lsh.candidate_probability(np.radians(angle), b, L) < prob:
            L += 1
        out.append(L)
    return tuple(out)


# --------------------------------------------------------------------------- rsvd


@exercise(
    "rsvd-ex-2",
    "a tuple of three integers, the smallest number of power iterations q for p = 5, 10 and 20",
    parts=("q for p = 5", "q for p = 10", "q for p = 20"),
    integer=True,
    hint="here sigma_{k+1} = 1, so the condition is rsvd.hmt_bound(np.ones(1000), 20, p, q) <= 1.5; "
    "start at q = 0 and count up.",
    params={"k": 20, "factor": 1.5},
    variants={"k": (10, 15, 20, 25, 30), "factor": (1.2, 1.5, 2.0)},
    task=r"For a flat spectrum ($\sigma_j = 1$ for $j \le 1000$) and your rank `k`, use `rsvd.hmt_bound` "
    "to find the smallest number of power iterations $q$ for which the bound guarantees an expected "
    r"error at most `factor` $\sigma_{k+1}$, for oversampling $p = 5, 10, 20$. The answer is a tuple of "
    "three integers.",
)
def _rsvd_ex_2(k: int, factor: float) -> tuple:
    """Smallest q with hmt_bound(ones(1000), k, p, q) <= factor sigma_{k+1}, for p = 5, 10, 20."""
    from .. import rsvd

    flat = np.ones(1000)
    out = []
    for p in (5, 10, 20):
        q = 0
        while rsvd.hmt_bound(flat, k, p, q) > factor * flat[k]:
            q += 1
        out.append(q)
    return tuple(out)


@exercise(
    "rsvd-ex-3",
    "the ratio ||M - M Q Q^T||_2 / sigma_31 for the seeded M and Q of the exercise, a float to "
    "three significant digits",
    hint="M = rsvd.matrix_with_spectrum(300, 120, 1 / np.arange(1, 121), rng=20), "
    "Q = rsvd.range_finder(M.T, 30, power_iters=2, rng=23), the spectral norm (ord=2), and "
    "sigma_31 = 1/31; the ratio can never be below 1.",
    params={"k": 30, "seed_m": 20, "seed_q": 23},
    variants={"k": (20, 25, 30, 35, 40), "seed_m": tuple(range(20, 30)), "seed_q": tuple(range(30, 40))},
    task="Take `M = rsvd.matrix_with_spectrum(300, 120, 1 / np.arange(1, 121), rng=seed_m)` and "
    "`Q = rsvd.range_finder(M.T, k, power_iters=2, rng=seed_q)` with your `k`, `seed_m` and `seed_q`. "
    r"Compute the ratio $\|M - MQQ^\top\|_2 / \sigma_{k+1}$ (spectral norm; $\sigma_j = 1/j$). The "
    "answer is a float to three significant digits.",
)
def _rsvd_ex_3(k: int, seed_m: int, seed_q: int) -> tuple:
    """||M - M Q Q^T||_2 / sigma_{k+1} with the seeded matrix and range finder that the exercise names."""
    from .. import rsvd

    s = 1.0 / np.arange(1, 121)
    M = rsvd.matrix_with_spectrum(300, 120, s, rng=seed_m)
    Q = rsvd.range_finder(M.T, k, power_iters=2, rng=seed_q)
    return (float(np.linalg.norm(M - M @ Q @ Q.T, 2) / s[k]),)


# --------------------------------------------------------------------------- cocluster


@exercise(
    "cocluster-ex-4",
    "a tuple (python-docs, sklearn-docs) of the share of all bigrams taken by the ten most frequent "
    "ones, with a 1000-word vocabulary, floats in (0, 1) to three significant digits",
    parts=("share in python-docs", "share in sklearn-docs"),
    hint="counts, vocab = cc.bigram_counts(corpus.load_corpus(name), vocab_size=1000); the share is "
    "the sum of the 10 largest entries of counts over counts.sum(), a fraction, not a percentage.",
    params={"top": 10, "vocab_size": 1000},
    variants={"top": (5, 10, 15, 20), "vocab_size": (500, 1000, 2000)},
    task="Count the bigrams of `corpus.load_corpus('python-docs')` and of "
    "`corpus.load_corpus('sklearn-docs')` over the `vocab_size` most frequent words "
    "(`cocluster.bigram_counts(tokens, vocab_size=vocab_size)`). Which share of all bigrams do the "
    "`top` most frequent bigrams take? The answer is a tuple (share in python-docs, share in "
    "sklearn-docs), two fractions to three significant digits.",
)
def _cocluster_ex_4(top: int, vocab_size: int) -> tuple:
    """Share of all bigrams taken by the ``top`` most frequent, in two corpora."""
    from .. import cocluster, corpus

    out = []
    for name in ("python-docs", "sklearn-docs"):
        counts, _ = cocluster.bigram_counts(corpus.load_corpus(name), vocab_size=vocab_size)
        out.append(float(np.sort(counts.data)[::-1][:top].sum() / counts.sum()))
    return tuple(out)


# --------------------------------------------------------------------------- dimension_formula


@exercise(
    "dimension_formula-ex-1",
    "h_3, a float to three significant digits",
    hint="h_3 = log E[e^{3t}] - 3 E_tilted[t] with t = cos(theta) uniform on [-1, 1]: E[e^{kt}] is an "
    "elementary integral, and the tilted mean of t is the derivative of log E[e^{kt}] at k = 3.",
)
def _dimension_formula_ex_1() -> tuple:
    """h_3 from the exact quadrature of entropy.entropy_correction."""
    from .. import entropy

    return (float(entropy.entropy_correction(3)),)


@exercise(
    "dimension_formula-ex-2",
    "a tuple (coefficient for s = 1/2, coefficient for s = 2) of 2/|c(s)|, floats to three "
    "significant digits",
    parts=("s = 1/2", "s = 2"),
    hint="maximise s t + log(1 - t^2)/2 over t; c(s) = log(1 - t_s^2)/2 at the maximiser t_s, and "
    "s = 1 must give back 8.31.",
)
def _dimension_formula_ex_2() -> tuple:
    """2 / |c(s)| for s = 1/2 and 2, with c(s) = log(1 - t_s^2) / 2 and s (1 - t_s^2) = t_s."""
    out = []
    for s in (0.5, 2.0):
        t = (np.sqrt(1 + 4 * s * s) - 1) / (2 * s)  # the positive root of s t^2 + t - s = 0
        out.append(float(2 / abs(0.5 * np.log1p(-t * t))))
    return tuple(out)


@exercise(
    "dimension_formula-ex-3",
    "a tuple (n for 100 pairs, n for 1 pair) of the real roots for N = 1000, floats to three "
    "significant digits",
    parts=("n for 100 pairs", "n for 1 pair"),
    hint="solve 2 log N + h_n = log m for real n (not rounded to an integer) with "
    "scipy.optimize.brentq and h_n = entropy.entropy_correction(n); natural logarithms.",
    params={"N": 1000},
    variants={"N": (300, 500, 1000, 2000, 5000, 10000)},
    task="The chapter on the dimension formula predicts that $N^2 e^{h_n}$ of the $N^2$ pairs carry "
    "the expectation. For your $N$, find the real $n$ (not rounded) at which that "
    "number is 100, and the one at which it is 1: solve $2\\log N + h_n = \\log m$ with "
    "`scipy.optimize.brentq` and $h_n$ = `entropy.entropy_correction(n)`. The answer is a tuple "
    "(n for 100 pairs, n for 1 pair), floats to three significant digits.",
)
def _dimension_formula_ex_3(N: int) -> tuple:
    """Roots n of 2 log N + h_n = log m for m = 100 and m = 1."""
    from scipy import optimize

    from .. import entropy

    out = []
    for m in (100, 1):
        def f(n, m=m):
            return 2 * np.log(N) + entropy.entropy_correction(n) - np.log(m)

        out.append(float(optimize.brentq(f, 2.0, 500.0, xtol=1e-10)))
    return tuple(out)


# --------------------------------------------------------------------------- attention


@exercise(
    "attention-ex-2",
    "a tuple of three entries (d = 16, 32, 64): the smallest beta on the grid 1, 2, ..., 199, or "
    "None where no beta on the grid works",
    parts=("beta for d = 16", "beta for d = 32", "beta for d = 64"),
    integer=True,
    allow_none=True,
    hint="P = attention.sparse_target(512, k=1, rng=0) and attention.jl_construction(P, d, beta, rng=0) "
    "for every beta; the worst-row TV is attention.row_tv(P, A).max() and must be <= 0.1.",
    params={"seed": 0, "tol": 0.1},
    variants={"seed": tuple(range(10)), "tol": (0.05, 0.1, 0.2)},
    task="Build heads for the sparse target `P = attention.sparse_target(512, k=1, rng=seed)` with "
    "`attention.jl_construction(P, d, beta, rng=seed)` (your `seed`). For $d = 16, 32, 64$, find the "
    r"smallest $\beta$ on the grid $1, 2, \dots, 199$ at which the worst-row TV "
    "(`attention.row_tv(P, attention.attention_matrix(Q, K)).max()`) is at most your `tol`. The answer "
    "is a tuple of three entries, each an integer from the grid or `None` where no beta works.",
)
def _attention_ex_2(seed: int, tol: float) -> tuple:
    """Smallest beta in 1, 2, ..., 199 with worst-row TV <= tol for d = 16, 32, 64 (None if none).

    The queries are linear in beta and, with one key per row, every off-support weight
    e^{beta(<k_s, k_j> - 1)} is non-increasing in beta, so the worst-row TV is too: bisection
    over the grid finds the first beta that works.
    """
    from .. import attention

    P = attention.sparse_target(512, k=1, rng=seed)
    betas = np.arange(1.0, 200.0, 1.0)
    out = []
    for d in (16, 32, 64):
        Q1, K = attention.jl_construction(P, d, 1.0, rng=seed)

        def works(i: int) -> bool:
            return bool(attention.row_tv(P, attention.attention_matrix(betas[i] * Q1, K)).max() <= tol)

        if not works(len(betas) - 1):
            out.append(None)
            continue
        lo, hi = -1, len(betas) - 1  # works(lo) is False (or lo = -1), works(hi) is True
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if works(mid) else (mid, hi)
        out.append(int(betas[hi]))
    return tuple(out)


@exercise(
    "attention-ex-3",
    "a tuple of three integers, the smallest head sizes for alpha = 0.1, 1 and 10",
    parts=("d for alpha = 0.1", "d for alpha = 1", "d for alpha = 10"),
    integer=True,
    # the answer is an optimiser's output: on another BLAS or SciPy a fit at the border of the
    # tolerance can succeed or fail, and the smallest head size move by one or two
    atol=2,
    hint="P = attention.dirichlet_target(64, alpha=alpha, rng=0) and "
    "attention.min_head_size(P, 0.1, rng=0); the answer need not be monotone in alpha.",
)
def _attention_ex_3() -> tuple:
    """min_head_size at L = 64, tol 0.1, for Dirichlet targets with alpha = 0.1, 1, 10 (seeds 0)."""
    from .. import attention

    return tuple(
        int(attention.min_head_size(attention.dirichlet_target(64, alpha=a, rng=0), 0.1, rng=0))
        for a in (0.1, 1.0, 10.0)
    )
