"""Self-checks for the book's exercises: ``check(label, answer)`` says "correct" or "not yet".

Every chapter ends with exercises; those whose answer is a well-defined number (or a tuple of
numbers) are *checkable*.  A student passes the answer to :func:`check` together with the
exercise's label and gets back a :class:`CheckResult`: truthy if the answer is right, and in a
notebook a short verdict with a hint, never the expected value itself.

The expected answers are not stored anywhere.  Each one is recomputed on demand from ``jl_lab``
(a closed form, the root of an equation, or a seeded computation whose seeds the exercise
states), then cached for the session.  The tolerance follows from the quantity: integers must
match exactly; real numbers must agree to three significant digits (relative tolerance
:data:`RTOL` ``= 5e-3``), enough to absorb rounding for display and far tighter than any
conceptual mistake.  An answer of the wrong type or shape is not an error: the result is "not
yet", and says what is expected.

The registry :data:`EXERCISES` maps each label (``<page>-ex-<n>``, as in the book) to an
:class:`Exercise`: its compute function, tolerance, hint and a one-line description of the
expected answer; :func:`available` lists the labels.

References
----------
.. [1] The exercises themselves: the "Exercises" section at the end of each chapter of the book.
"""

from __future__ import annotations

import functools
import html
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validation import check_choice

__all__ = ["RTOL", "Exercise", "CheckResult", "EXERCISES", "available", "check"]

#: Relative tolerance for real-valued answers: three significant digits.
RTOL = 5e-3


@dataclass(frozen=True)
class Exercise:
    """A checkable exercise: how to compute its answer and how to compare a student's answer.

    Attributes
    ----------
    label : str
        The exercise's label in the book, ``<page>-ex-<n>``.
    expects : str
        One line saying what ``answer`` is (type, order of the entries, units).
    compute : callable
        No arguments; returns the expected answer as a tuple with one entry per part (a single
        entry for a scalar answer).  An entry may be ``None`` ("no value exists") when
        ``allow_none`` is set.
    parts : tuple of str
        Names of the entries of a tuple answer, in order; empty for a single number.
    integer : bool
        Integer answers, compared exactly (integral floats such as ``12.0`` are accepted).
    rtol : float
        Relative tolerance for real answers.
    hint : str
        Shown with a "not yet"; never contains the answer.
    allow_none : bool
        Entries may be ``None`` (``nan`` is read as ``None`` too).
    """

    label: str
    expects: str
    compute: Callable[[], tuple]
    parts: tuple[str, ...] = ()
    integer: bool = False
    rtol: float = RTOL
    hint: str = ""
    allow_none: bool = False

    @property
    def n_values(self) -> int:
        return max(len(self.parts), 1)


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer: truthy iff correct; shows "correct" or "not yet" with a hint.

    It holds what was wrong (``problems``) but never the expected answer.
    """

    label: str
    correct: bool
    problems: tuple[str, ...] = ()
    expects: str = ""
    hint: str = ""

    def __bool__(self) -> bool:
        return self.correct

    @property
    def verdict(self) -> str:
        return "correct" if self.correct else "not yet"

    def _lines(self) -> list[str]:
        if self.correct:
            return []
        lines = list(self.problems)
        if self.expects:
            lines.append(f"Asked for: {self.expects}.")
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return lines

    def __repr__(self) -> str:
        head = f"{self.label}: {self.verdict}"
        return "\n".join([head] + ["  " + line for line in self._lines()])

    __str__ = __repr__

    def _repr_html_(self) -> str:
        colour, mark = ("#1a7f37", "&#10004;") if self.correct else ("#9a6700", "&#10008;")
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self._lines())
        body = f"<ul style='margin:0.3em 0 0 0'>{items}</ul>" if items else ""
        return (
            f"<div class='jl-check' style='border-left:4px solid {colour};padding:0.3em 0.8em'>"
            f"<strong style='color:{colour}'>{mark} {html.escape(self.verdict)}</strong> "
            f"<code>{html.escape(self.label)}</code>{body}</div>"
        )


# --------------------------------------------------------------------------- expected answers
# Each function recomputes one expected answer from jl_lab (or SciPy's special functions); none
# holds a typed-in result.  Imports are local so that importing jl_lab.check stays cheap.


def _jl_lemma_ex_2() -> tuple:
    """Smallest n with C(N,2) P(|chi2_n/n - 1| > eps) <= 1 for N = 100, eps = 0.3 (exact chi-square tail)."""
    from scipy import stats

    N, eps = 100, 0.3
    n = np.arange(1, 5001)  # the answer is a few hundred
    tail = stats.chi2.sf(n * (1 + eps), n) + stats.chi2.cdf(n * (1 - eps), n)
    ok = N * (N - 1) / 2 * tail <= 1
    return (int(n[np.argmax(ok)]),)


def _rp_vs_pca_ex_2() -> tuple:
    """(r_max - r_min) / (r_max + r_min) of PCA on all digits at n = 16 and 32."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:  # pragma: no cover - scikit-learn is in the book's requirements
        raise ImportError("checking rp_vs_pca-ex-2 needs scikit-learn (for the digits)") from exc
    from . import projections, reducers

    X = load_digits().data
    out = []
    for n in (16, 32):
        r = projections.pairwise_distortion(X, reducers.fit_reducer(X, n, "pca").transform(X))
        out.append(float((r.max() - r.min()) / (r.max() + r.min())))
    return tuple(out)


def _lsh_ex_2() -> tuple:
    """Smallest number of tables L with candidate probability >= 0.9 at 30 degrees, b = 8, 12, 16."""
    from . import lsh

    out = []
    for b in (8, 12, 16):
        L = 1
        while lsh.candidate_probability(np.pi / 6, b, L) < 0.9:
            L += 1
        out.append(L)
    return tuple(out)


def _rsvd_ex_2() -> tuple:
    """Smallest q with hmt_bound(ones(1000), k=20, p, q) <= 1.5 sigma_{k+1}, for p = 5, 10, 20."""
    from . import rsvd

    flat = np.ones(1000)
    out = []
    for p in (5, 10, 20):
        q = 0
        while rsvd.hmt_bound(flat, 20, p, q) > 1.5 * flat[20]:
            q += 1
        out.append(q)
    return tuple(out)


def _rsvd_ex_3() -> tuple:
    """||M - M Q Q^T||_2 / sigma_31 with the seeded matrix and range finder that the exercise names."""
    from . import rsvd

    s = 1.0 / np.arange(1, 121)
    M = rsvd.matrix_with_spectrum(300, 120, s, rng=20)
    Q = rsvd.range_finder(M.T, 30, power_iters=2, rng=23)
    return (float(np.linalg.norm(M - M @ Q @ Q.T, 2) / s[30]),)


def _cocluster_ex_4() -> tuple:
    """Share of all bigrams (1000-word vocabulary) taken by the ten most frequent, in two corpora."""
    from . import cocluster, corpus

    out = []
    for name in ("python-docs", "sklearn-docs"):
        counts, _ = cocluster.bigram_counts(corpus.load_corpus(name), vocab_size=1000)
        out.append(float(np.sort(counts.data)[::-1][:10].sum() / counts.sum()))
    return tuple(out)


def _dimension_formula_ex_1() -> tuple:
    """h_3 from the exact quadrature of entropy.entropy_correction."""
    from . import entropy

    return (float(entropy.entropy_correction(3)),)


def _dimension_formula_ex_2() -> tuple:
    """2 / |c(s)| for s = 1/2 and 2, with c(s) = log(1 - t_s^2) / 2 and s (1 - t_s^2) = t_s."""
    out = []
    for s in (0.5, 2.0):
        t = (np.sqrt(1 + 4 * s * s) - 1) / (2 * s)  # the positive root of s t^2 + t - s = 0
        out.append(float(2 / abs(0.5 * np.log1p(-t * t))))
    return tuple(out)


def _dimension_formula_ex_3() -> tuple:
    """Roots n of 2 log N + h_n = log m for N = 1000, m = 100 and m = 1."""
    from scipy import optimize

    from . import entropy

    N = 1000
    out = []
    for m in (100, 1):
        def f(n, m=m):
            return 2 * np.log(N) + entropy.entropy_correction(n) - np.log(m)

        out.append(float(optimize.brentq(f, 2.0, 500.0, xtol=1e-10)))
    return tuple(out)


def _attention_ex_2() -> tuple:
    """Smallest beta in 1, 2, ..., 199 with worst-row TV <= 0.1 for d = 16, 32, 64 (None if none).

    The queries are linear in beta and, with one key per row, every off-support weight
    e^{beta(<k_s, k_j> - 1)} is non-increasing in beta, so the worst-row TV is too: bisection
    over the grid finds the first beta that works.
    """
    from . import attention

    P = attention.sparse_target(512, k=1, rng=0)
    betas = np.arange(1.0, 200.0, 1.0)
    out = []
    for d in (16, 32, 64):
        Q1, K = attention.jl_construction(P, d, 1.0, rng=0)

        def works(i: int) -> bool:
            return bool(attention.row_tv(P, attention.attention_matrix(betas[i] * Q1, K)).max() <= 0.1)

        if not works(len(betas) - 1):
            out.append(None)
            continue
        lo, hi = -1, len(betas) - 1  # works(lo) is False (or lo = -1), works(hi) is True
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if works(mid) else (mid, hi)
        out.append(int(betas[hi]))
    return tuple(out)


def _attention_ex_3() -> tuple:
    """min_head_size at L = 64, tol 0.1, for Dirichlet targets with alpha = 0.1, 1, 10 (seeds 0)."""
    from . import attention

    return tuple(
        int(attention.min_head_size(attention.dirichlet_target(64, alpha=a, rng=0), 0.1, rng=0))
        for a in (0.1, 1.0, 10.0)
    )


def _register(*exercises: Exercise) -> dict[str, Exercise]:
    return {ex.label: ex for ex in exercises}


#: label -> :class:`Exercise`, in the order of the book.
EXERCISES: dict[str, Exercise] = _register(
    Exercise(
        "jl_lemma-ex-2",
        "the smallest n with C(N,2) p_n <= 1 for N = 100, eps = 0.3 (exact chi-square tail), an integer",
        _jl_lemma_ex_2,
        integer=True,
        hint="p_n = chi2.sf(n(1+eps), n) + chi2.cdf(n(1-eps), n) from scipy.stats, and there are "
        "N(N-1)/2 pairs; scan n = 1, 2, 3, ... and keep the first n that satisfies the inequality.",
    ),
    Exercise(
        "rp_vs_pca-ex-2",
        "a tuple (value at n = 16, value at n = 32) of (r_max - r_min)/(r_max + r_min) for PCA on all "
        "1797 digits, floats to three significant digits",
        _rp_vs_pca_ex_2,
        parts=("n = 16", "n = 32"),
        hint="use every digit and every pair: r = projections.pairwise_distortion(X_digits, Y) with "
        "Y = reducers.fit_reducer(X_digits, n, 'pca').transform(X_digits); no Gaussian map in this answer.",
    ),
    Exercise(
        "lsh-ex-2",
        "a tuple of three integers, the smallest number of tables L for b = 8, 12 and 16 bits",
        _lsh_ex_2,
        parts=("L for b = 8", "L for b = 12", "L for b = 16"),
        integer=True,
        hint="a neighbour at 30 degrees collides in one bit with p = 1 - (pi/6)/pi = 5/6; L is the "
        "smallest integer with 1 - (1 - p**b)**L >= 0.9 (round up, not to the nearest).",
    ),
    Exercise(
        "rsvd-ex-2",
        "a tuple of three integers, the smallest number of power iterations q for p = 5, 10 and 20",
        _rsvd_ex_2,
        parts=("q for p = 5", "q for p = 10", "q for p = 20"),
        integer=True,
        hint="here sigma_{k+1} = 1, so the condition is rsvd.hmt_bound(np.ones(1000), 20, p, q) <= 1.5; "
        "start at q = 0 and count up.",
    ),
    Exercise(
        "rsvd-ex-3",
        "the ratio ||M - M Q Q^T||_2 / sigma_31 for the seeded M and Q of the exercise, a float to "
        "three significant digits",
        _rsvd_ex_3,
        hint="M = rsvd.matrix_with_spectrum(300, 120, 1 / np.arange(1, 121), rng=20), "
        "Q = rsvd.range_finder(M.T, 30, power_iters=2, rng=23), the spectral norm (ord=2), and "
        "sigma_31 = 1/31; the ratio can never be below 1.",
    ),
    Exercise(
        "cocluster-ex-4",
        "a tuple (python-docs, sklearn-docs) of the share of all bigrams taken by the ten most frequent "
        "ones, with a 1000-word vocabulary, floats in (0, 1) to three significant digits",
        _cocluster_ex_4,
        parts=("share in python-docs", "share in sklearn-docs"),
        hint="counts, vocab = cc.bigram_counts(corpus.load_corpus(name), vocab_size=1000); the share is "
        "the sum of the 10 largest entries of counts over counts.sum(), a fraction, not a percentage.",
    ),
    Exercise(
        "dimension_formula-ex-1",
        "h_3, a float to three significant digits",
        _dimension_formula_ex_1,
        hint="h_3 = log E[e^{3t}] - 3 E_tilted[t] with t = cos(theta) uniform on [-1, 1]: E[e^{kt}] is an "
        "elementary integral, and the tilted mean of t is the derivative of log E[e^{kt}] at k = 3.",
    ),
    Exercise(
        "dimension_formula-ex-2",
        "a tuple (coefficient for s = 1/2, coefficient for s = 2) of 2/|c(s)|, floats to three "
        "significant digits",
        _dimension_formula_ex_2,
        parts=("s = 1/2", "s = 2"),
        hint="maximise s t + log(1 - t^2)/2 over t; c(s) = log(1 - t_s^2)/2 at the maximiser t_s, and "
        "s = 1 must give back 8.31.",
    ),
    Exercise(
        "dimension_formula-ex-3",
        "a tuple (n for 100 pairs, n for 1 pair) of the real roots for N = 1000, floats to three "
        "significant digits",
        _dimension_formula_ex_3,
        parts=("n for 100 pairs", "n for 1 pair"),
        hint="solve 2 log N + h_n = log m for real n (not rounded to an integer) with "
        "scipy.optimize.brentq and h_n = entropy.entropy_correction(n); natural logarithms.",
    ),
    Exercise(
        "attention-ex-2",
        "a tuple of three entries (d = 16, 32, 64): the smallest beta on the grid 1, 2, ..., 199, or "
        "None where no beta on the grid works",
        _attention_ex_2,
        parts=("beta for d = 16", "beta for d = 32", "beta for d = 64"),
        integer=True,
        allow_none=True,
        hint="P = attention.sparse_target(512, k=1, rng=0) and attention.jl_construction(P, d, beta, rng=0) "
        "for every beta; the worst-row TV is attention.row_tv(P, A).max() and must be <= 0.1.",
    ),
    Exercise(
        "attention-ex-3",
        "a tuple of three integers, the smallest head sizes for alpha = 0.1, 1 and 10",
        _attention_ex_3,
        parts=("d for alpha = 0.1", "d for alpha = 1", "d for alpha = 10"),
        integer=True,
        hint="P = attention.dirichlet_target(64, alpha=alpha, rng=0) and "
        "attention.min_head_size(P, 0.1, rng=0); the answer need not be monotone in alpha.",
    ),
)


def available() -> list[str]:
    """Labels of the checkable exercises, in the order of the book.

    Examples
    --------
    >>> "lsh-ex-2" in available()
    True
    """
    return list(EXERCISES)


@functools.cache
def _expected(label: str) -> tuple:
    return tuple(EXERCISES[label].compute())


# --------------------------------------------------------------------------- comparing


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_values(ex: Exercise, answer) -> tuple[list, list[str]]:
    """The answer as a list of floats (or None), and problems of type or shape (empty if none)."""
    sequence = isinstance(answer, (list, tuple, np.ndarray))
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer, sequence = answer.item(), False
    if sequence:
        try:
            flat = np.asarray(answer, dtype=object).ravel()
        except (TypeError, ValueError):
            return [], [f"The answer could not be read as numbers, got {_short(answer)}."]
    if not ex.parts:
        if sequence:
            if flat.size != 1:
                return [], [f"A single number is expected, got {type(answer).__name__} of {flat.size} values."]
            answer = flat[0]
        entries = [("your answer", answer)]
    else:
        if not sequence:
            return [], [f"A tuple of {ex.n_values} values ({', '.join(ex.parts)}) is expected, "
                        f"got {type(answer).__name__} {_short(answer)}."]
        if flat.size != ex.n_values:
            return [], [f"A tuple of {ex.n_values} values ({', '.join(ex.parts)}) is expected, "
                        f"got {flat.size} value(s)."]
        entries = list(zip(ex.parts, flat))
    values, problems = [], []
    for name, v in entries:
        if v is None and ex.allow_none:
            values.append(None)
            continue
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.number)):
            what = "None" if v is None else f"{type(v).__name__} {_short(v)}"
            problems.append(f"{name}: a number is expected, got {what}.")
            continue
        x = float(v)
        if not np.isfinite(x):
            if ex.allow_none and np.isnan(x):
                values.append(None)
                continue
            problems.append(f"{name}: a finite number is expected, got {x}.")
            continue
        if ex.integer and not x.is_integer():
            problems.append(f"{name}: an integer is expected, got {x:g}.")
            continue
        values.append(x)
    return values, problems


def _compare(ex: Exercise, name: str, given, expected) -> str | None:
    """None if ``given`` matches ``expected``, else one sentence on what is off (never the value)."""
    if expected is None:
        return None if given is None else f"{name} is not right."
    if given is None:
        return f"{name}: there is a value here, not None."
    exp = float(expected)
    if ex.integer:
        if given == exp:
            return None
        if abs(given - exp) == 1:
            return f"{name} is off by one."
    elif abs(given - exp) <= ex.rtol * abs(exp):
        return None
    elif abs(given + exp) <= ex.rtol * abs(exp):
        return f"{name} has the wrong sign."
    elif abs(given - exp) <= 10 * ex.rtol * abs(exp):
        return f"{name} is close but not within three significant digits."
    return f"{name} is too {'large' if given > exp else 'small'}."


def check(label: str, answer) -> CheckResult:
    """Check a student's answer to a checkable exercise of the book.

    Parameters
    ----------
    label : str
        The exercise's label, ``<page>-ex-<n>`` (see :func:`available`).
    answer : number or tuple of numbers
        What the exercise's text asks for (it states the type and the order of a tuple).

    Returns
    -------
    CheckResult
        Truthy iff the answer is right: integers must match exactly, real numbers to a
        relative tolerance of :data:`RTOL` (three significant digits).  Its display says
        "correct" or "not yet", what is off and a hint, never the expected answer.  An answer
        of the wrong type or shape gives "not yet" with what is expected, not an exception.

    Raises
    ------
    TypeError
        If ``label`` is not a string.
    ValueError
        If ``label`` is not the label of a checkable exercise; the message lists them.

    Notes
    -----
    The expected answer is recomputed from ``jl_lab`` the first time a label is checked
    (under two seconds) and cached for the session; it is stored in no file.

    Examples
    --------
    >>> result = check("lsh-ex-2", (1, 2, 3))
    >>> bool(result), result.verdict
    (False, 'not yet')
    >>> check("lsh-ex-2", "nine").problems[0]
    "A tuple of 3 values (L for b = 8, L for b = 12, L for b = 16) is expected, got str 'nine'."
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a string such as 'lsh-ex-2', got {type(label).__name__}")
    check_choice(label, "label", EXERCISES)
    ex = EXERCISES[label]
    values, problems = _read_values(ex, answer)
    if not problems:
        names = ex.parts or ("your answer",)
        for name, given, expected in zip(names, values, _expected(label)):
            msg = _compare(ex, name, given, expected)
            if msg is not None:
                problems.append(msg)
    return CheckResult(label, not problems, tuple(problems), ex.expects, ex.hint)
