"""The self-checks of jl_lemma, lsh and rsvd cannot flip on another BLAS, LAPACK or SciPy.

An integer answer defined as "the smallest n with f(n) <= c" flips if rounding moves f(n) across c;
that needs f at the answer (or just before it) within rounding distance of c.  For every parameter a
graded variant can draw, these tests measure the relative margin |f/c - 1| on both sides of the answer
and require it far above any rounding difference between libraries (1e-12 relative; we ask 1e-6).
The real-valued answer of rsvd-ex-3 (a seeded range finder) is checked to three digits; it must be a
stable quantity: a relative perturbation of 1e-9 of the matrix, far above rounding, moves it by far
less than the tolerance.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

import jl_lab.check  # noqa: F401  (registers the exercises)
from jl_lab import lsh, rsvd
from jl_lab.check.engine import EXERCISES

MARGIN = 1e-6


def _variants(label):
    ex = EXERCISES[label]
    names = list(ex.variants)
    for values in itertools.product(*(ex.variants[n] for n in names)):
        yield dict(ex.params, **dict(zip(names, values)))


def _margins(f, answer, c):
    """Relative distance of f(answer) and f(answer - 1) from the threshold c."""
    out = [abs(f(answer) / c - 1)]
    if answer - 1 >= 0:
        out.append(abs(f(answer - 1) / c - 1))
    return out


def test_jl_lemma_ex_2_threshold_is_never_within_rounding():
    ex = EXERCISES["jl_lemma-ex-2"]
    for params in _variants("jl_lemma-ex-2"):
        N, eps = params["N"], params["eps"]
        (n,) = ex.compute(**params)
        f = lambda m: N * (N - 1) / 2 * (stats.chi2.sf(m * (1 + eps), m) + stats.chi2.cdf(m * (1 - eps), m))  # noqa: E731
        assert f(n) <= 1 < f(n - 1)
        assert min(_margins(f, n, 1.0)) > MARGIN, params


def test_lsh_ex_2_threshold_is_never_within_rounding():
    ex = EXERCISES["lsh-ex-2"]
    for params in _variants("lsh-ex-2"):
        theta, prob = np.radians(params["angle"]), params["prob"]
        for b, L in zip((8, 12, 16), ex.compute(**params)):
            f = lambda m: float(lsh.candidate_probability(theta, b, m)) if m > 0 else 0.0  # noqa: E731
            assert f(L) >= prob > f(L - 1)
            assert min(_margins(f, L, prob)) > MARGIN, (params, b)


def test_rsvd_ex_2_threshold_is_never_within_rounding():
    ex = EXERCISES["rsvd-ex-2"]
    flat = np.ones(1000)
    for params in _variants("rsvd-ex-2"):
        k, factor = params["k"], params["factor"]
        for p, q in zip((5, 10, 20), ex.compute(**params)):
            f = lambda m: rsvd.hmt_bound(flat, k, p, m)  # noqa: E731
            assert f(q) <= factor and (q == 0 or f(q - 1) > factor)
            assert min(_margins(f, q, factor)) > MARGIN, (params, p)


@pytest.mark.parametrize("params", [{"k": 30, "seed_m": 20, "seed_q": 23}, {"k": 20, "seed_m": 25, "seed_q": 31},
                                    {"k": 40, "seed_m": 29, "seed_q": 39}])
def test_rsvd_ex_3_answer_is_a_stable_quantity(params):
    ex = EXERCISES["rsvd-ex-3"]
    (expected,) = ex.compute(**params)
    k = params["k"]
    s = 1.0 / np.arange(1, 121)
    M = rsvd.matrix_with_spectrum(300, 120, s, rng=params["seed_m"])
    noise = np.random.default_rng(0).standard_normal(M.shape) * 1e-9 * np.abs(M).max()
    Mp = M + noise
    Q = rsvd.range_finder(Mp.T, k, power_iters=2, rng=params["seed_q"])
    perturbed = float(np.linalg.norm(Mp - Mp @ Q @ Q.T, 2) / s[k])
    assert abs(perturbed / expected - 1) < 1e-5 * ex.rtol / 1e-3
    assert expected >= 1 - 1e-9            # Eckart-Young: never below the optimum
