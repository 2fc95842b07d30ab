"""Theory checks for jl_lab.entropy: closed forms of h_n, its limit, the root, the sampled entropy."""

import numpy as np
import pytest
from scipy import integrate, special

from jl_lab import entropy as E


def test_h3_closed_form():
    """n = 3: cos(theta) is uniform on [-1, 1] (Archimedes), so E e^{3t} = sinh(3)/3
    and the tilted mean of t is the Langevin function coth(3) - 1/3."""
    h3 = np.log(np.sinh(3.0) / 3.0) - 3.0 * (1.0 / np.tanh(3.0) - 1.0 / 3.0)
    assert E.entropy_correction(3) == pytest.approx(h3, abs=1e-11)
    assert E.tilted_cosine(3) == pytest.approx(1 / np.tanh(3.0) - 1 / 3, abs=1e-11)


def test_h2_closed_form():
    """n = 2: theta uniform on (0, pi): E e^{2 cos} = I0(2), tilted mean I1(2)/I0(2)."""
    h2 = np.log(special.i0(2.0)) - 2.0 * special.i1(2.0) / special.i0(2.0)
    assert E.entropy_correction(2) == pytest.approx(h2, abs=1e-11)


@pytest.mark.parametrize("n", [2.5, 4, 7.5, 50, 300, 1000])
def test_quad_matches_bessel(n):
    assert E.entropy_correction(n) == pytest.approx(E.entropy_correction(n, method="bessel"), abs=1e-8)


def test_limit_constants_are_the_laplace_values():
    """c = (1/2) log t*, t* the positive root of t^2 + t - 1 (Laplace's method), and the offset b."""
    t = E.GOLDEN_COSINE
    assert t**2 + t - 1 == pytest.approx(0.0, abs=1e-15)
    assert E.PER_DIMENSION_LIMIT == pytest.approx(0.5 * np.log(t), abs=1e-15)
    assert E.PER_DIMENSION_LIMIT == pytest.approx(-0.24061, abs=1e-5)
    # h_n = c n + b + O(1/n): the remainder shrinks like 1/n
    r = [E.entropy_correction(n) - E.PER_DIMENSION_LIMIT * n - E.OFFSET_LIMIT for n in (1e3, 1e4, 1e5)]
    assert abs(r[1]) < 1e-4 and abs(r[2]) < 1e-5
    assert abs(r[1] / r[0]) == pytest.approx(0.1, rel=0.05)  # O(1/n): ten times n, a tenth of the error
    assert E.tilted_cosine(1e5) == pytest.approx(t, abs=1e-5)


def test_per_dimension_constant_is_increasing_to_the_limit():
    n = np.array([2, 5, 20, 100, 1000, 10000.0])
    c = E.per_dimension_constant(n)
    assert np.all(np.diff(c) > 0)
    assert np.all(c < E.PER_DIMENSION_LIMIT)
    assert c[-1] == pytest.approx(E.PER_DIMENSION_LIMIT, abs=1e-5)


def _moment(n, a, b):
    """E[t^a e^{b t}] for t = cos(theta), density (1 - t^2)^((n-3)/2) / B(1/2, (n-1)/2)."""
    norm = special.beta(0.5, (n - 1) / 2)
    val, _ = integrate.quad(lambda t: t**a * np.exp(b * t) * (1 - t * t) ** ((n - 3) / 2), -1, 1)
    return val / norm


@pytest.mark.parametrize("n", [3, 6])
def test_sampled_entropy_matches_estimate_when_n_is_small(n):
    """Far below the criterion the estimate is a law of large numbers over the N^2 pairs.

    H = log N^2 + log m0 - m1/m0 with m0, m1 the pair means of e^{nt} and n t e^{nt}.
    Pairs sharing a vector are uncorrelated (E[f | u] does not depend on u), so
    Var(means) = Cov / N^2 and the delta method gives the standard error.
    """
    N = 600
    H = E.sampled_entropy(N, n, rng=5)
    m0 = _moment(n, 0, n)
    m1 = n * _moment(n, 1, n)
    cov = np.array(
        [
            [_moment(n, 0, 2 * n) - m0**2, n * _moment(n, 1, 2 * n) - m0 * m1],
            [n * _moment(n, 1, 2 * n) - m0 * m1, n * n * _moment(n, 2, 2 * n) - m1**2],
        ]
    )
    grad = np.array([1 / m0 + m1 / m0**2, -1 / m0])
    se = np.sqrt(grad @ cov @ grad / N**2)
    assert abs(H - E.estimated_entropy(N, n)) < 4 * se + 1e-12


def test_sampled_entropy_stays_positive_where_the_estimate_is_negative():
    N = 300
    n = 3 * int(E.entropy_dimension(N))
    assert E.estimated_entropy(N, n) < -10
    H = E.sampled_entropy(N, n, rng=0)
    assert 0 <= H < 2 * np.log(N)
    Hc = E.sampled_entropy(N, n, conditional=True, rng=0)
    assert 0 <= Hc < np.log(N)


@pytest.mark.parametrize("N", [2, 50, 1e5, 5e6])
@pytest.mark.parametrize("conditional", [False, True])
def test_entropy_dimension_is_the_root(N, conditional):
    n = E.entropy_dimension(N, conditional=conditional)
    k = 1 if conditional else 2
    assert k * np.log(N) + E.entropy_correction(n) == pytest.approx(0.0, abs=1e-8)
    # h_n decreases: the criterion fails just below the root and holds above
    assert k * np.log(N) + E.entropy_correction(n * 0.99) > 0 > k * np.log(N) + E.entropy_correction(n * 1.01)


def test_entropy_dimension_against_the_large_n_formula():
    """n* = (k log N + b)/(-c) + O(1/n*): within 0.01 for a word vocabulary of 1e5."""
    for conditional, k in ((False, 2), (True, 1)):
        n = E.entropy_dimension(1e5, conditional=conditional)
        approx = (k * np.log(1e5) + E.OFFSET_LIMIT) / -E.PER_DIMENSION_LIMIT
        assert n == pytest.approx(approx, abs=0.01)
        assert E.formula_coefficient(conditional) == pytest.approx(k / 0.24061, rel=1e-4)


def test_bad_input():
    with pytest.raises(ValueError, match="n must be >= 2"):
        E.entropy_correction(1.5)
    with pytest.raises(ValueError, match="n must not contain NaN"):
        E.entropy_correction(np.nan)
    with pytest.raises(ValueError, match="method must be one of"):
        E.entropy_correction(5, method="simpson")
    with pytest.raises(ValueError, match="bessel"):
        E.entropy_correction(20000, method="bessel")
    with pytest.raises(ValueError, match="N must be in"):
        E.entropy_dimension(1)
    with pytest.raises(TypeError, match="conditional must be a bool"):
        E.entropy_dimension(100, conditional="yes")
    with pytest.raises(ValueError, match="N must be <= 5000"):
        E.sampled_entropy(10**5, 3)
    with pytest.raises(ValueError, match="n must be >= 1"):
        E.sampled_entropy(10, 0)
