"""Theory checks for jl_lab.bounds: the closed forms, scikit-learn's bound, chi-square tails, bisection."""

import numpy as np
import pytest
from scipy import stats
from sklearn.random_projection import johnson_lindenstrauss_min_dim

from jl_lab import bounds as B
from jl_lab.projections import _projected_columns


def test_dasgupta_gupta_equals_scikit_learn_with_broadcasting():
    n = np.array([2, 10, 100, 1000, 10**4, 10**6])
    for eps in [0.05, 0.1, 0.3, 0.5, 0.9]:
        np.testing.assert_array_equal(B.jl_min_dim(n, eps), johnson_lindenstrauss_min_dim(n, eps=eps))
    eps = np.array([0.1, 0.2, 0.5])
    np.testing.assert_array_equal(B.jl_min_dim(500, eps), johnson_lindenstrauss_min_dim(500, eps=eps))
    np.testing.assert_array_equal(
        B.jl_min_dim([10, 100, 1000], [0.1, 0.2, 0.5]), johnson_lindenstrauss_min_dim([10, 100, 1000], eps=[0.1, 0.2, 0.5])
    )
    assert isinstance(B.jl_min_dim(100, 0.1), int)


@pytest.mark.parametrize("method, c", [("su24", 24.0), ("su16", 16.0)])
def test_su_bounds_are_the_smallest_integer_above(method, c):
    for N in [10, 1000, 12345]:
        for eps in [0.1, 0.25, 0.7]:
            n = B.jl_min_dim(N, eps, method)
            x = c * np.log(N) / eps**2
            assert n > x and n - 1 <= x


def test_achlioptas_bound_and_its_small_eps_constants():
    n = B.jl_min_dim(1000, 0.2, "achlioptas", beta=1.0)
    x = 6 * np.log(1000) / (0.2**2 / 2 - 0.2**3 / 3)
    assert n >= x and n - 1 < x
    eps = 1e-4
    assert B.jl_constant(eps, "dasgupta-gupta") * eps**2 == pytest.approx(8.0, rel=1e-3)
    assert B.jl_constant(eps, "achlioptas", beta=2.0) * eps**2 == pytest.approx(16.0, rel=1e-3)
    # DG and su16 promise the same success (>= 1/N); 4/(e^2/2 - e^3/3) < 16/e^2 exactly when e < 3/4
    e = np.linspace(0.01, 0.99, 99)
    dg, su16 = B.jl_constant(e, "dasgupta-gupta"), B.jl_constant(e, "su16")
    np.testing.assert_array_equal(dg < su16, e < 0.75)


def test_gaussian_tail_bound_dominates_the_exact_chi_square_tail():
    """n ||Au||^2 ~ chi2(n) for a unit u: the bound 2 exp(-eps^2 n / 8) must be above the exact tail."""
    for n in [1, 5, 20, 100, 1000]:
        for eps in [0.05, 0.2, 0.5, 0.9, 0.99]:
            exact = stats.chi2.sf(n * (1 + eps), n) + stats.chi2.cdf(n * (1 - eps), n)
            assert exact <= B.gaussian_tail_bound(n, eps)


def test_success_curve_for_two_points_is_the_chi_square_probability():
    """With N = 2 the only ratio is chi2(n)/n for Gaussian maps: compare with the exact probability."""
    X = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]])
    eps, trials = 0.3, 800
    dims = np.array([5, 20, 60])
    frac, worst = B.success_curve(X, eps, dims, trials=trials, rng=0)
    exact = stats.chi2.cdf(dims * (1 + eps), dims) - stats.chi2.cdf(dims * (1 - eps), dims)
    se = np.sqrt(exact * (1 - exact) / trials)
    assert np.all(np.abs(frac - exact) < 4 * se)
    assert worst.shape == (trials, dims.size)


def _replay_worst(X, kind, n_max, seed, trials):
    gen = np.random.default_rng(seed)
    X = np.asarray(X, float)
    base = B._base_sqdist(X)
    curves = []
    for _ in range(trials):
        Z, scale = _projected_columns(X, n_max, kind, gen)
        curves.append(np.array([B._worst(Z, scale, n, base) for n in range(1, n_max + 1)]))
    return np.array(curves)


@pytest.mark.parametrize("kind", ["gaussian", "srht"])
def test_bisection_finds_a_true_crossing_of_each_trial(kind):
    X = np.eye(40)
    eps, trials, seed = 0.5, 6, 11
    n_max = 64 if kind == "srht" else 240
    thr = B.empirical_thresholds(X, eps, kind, trials=trials, rng=seed, n_max=n_max)
    curves = _replay_worst(X, kind, n_max, seed, trials)  # same generator stream: same matrices
    for t, curve in zip(thr, curves):
        n = int(t)
        assert curve[n - 1] <= eps  # succeeds at its threshold
        assert n == 1 or curve[n - 2] > eps  # fails just below it
        first_ok = np.argmax(curve <= eps) + 1
        last_bad = np.max(np.nonzero(curve > eps)[0]) + 1 if np.any(curve > eps) else 0
        assert first_ok <= n <= last_bad + 1


def test_empirical_min_dim_is_the_success_quantile_of_the_thresholds():
    X = np.random.default_rng(0).standard_normal((60, 300))
    thr = B.empirical_thresholds(X, 0.4, trials=9, rng=4)
    for success, k in [(0.5, 5), (1.0, 9), (0.1, 1)]:
        assert B.empirical_min_dim(X, 0.4, trials=9, success=success, rng=4) == int(np.sort(thr)[k - 1])


def test_empirical_dimension_is_far_below_the_bounds_but_grows_like_log_n():
    eps = 0.5
    small = B.empirical_min_dim(np.eye(30), eps, trials=8, rng=0)
    large = B.empirical_min_dim(np.eye(300), eps, trials=8, rng=0)
    assert small < large < B.jl_min_dim(300, eps)
    assert large < B.jl_min_dim(300, eps, "su24") / 3


def test_too_small_n_max_is_reported():
    with pytest.raises(ValueError, match="n_max is too small"):
        B.empirical_min_dim(np.eye(50), 0.1, trials=3, rng=0, n_max=5)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: B.jl_min_dim(100, 0.0), ValueError, r"eps must be in the open interval \(0, 1\)"),
        (lambda: B.jl_min_dim(100, 1.5), ValueError, "eps must be in the open interval"),
        (lambda: B.jl_min_dim(100, [0.1, np.nan]), ValueError, "eps must be in the open interval"),
        (lambda: B.jl_min_dim(0, 0.1), ValueError, "n_points must be positive"),
        (lambda: B.jl_min_dim(10.5, 0.1), ValueError, "n_points must be positive integers"),
        (lambda: B.jl_min_dim("10", 0.1), TypeError, "n_points must be"),
        (lambda: B.jl_min_dim(10, 0.1, method="su8"), ValueError, "method must be one of"),
        (lambda: B.jl_min_dim(10, 0.1, "achlioptas", beta=0), ValueError, "beta must be in"),
        (lambda: B.gaussian_tail_bound(0, 0.1), ValueError, "n_components must be >= 1"),
        (lambda: B.empirical_min_dim(np.eye(5), 0.2, success=0), ValueError, "success must be in"),
        (lambda: B.empirical_min_dim(np.eye(5), 0.2, trials=0), ValueError, "trials must be >= 1"),
        (lambda: B.empirical_min_dim(np.ones((5, 2)), 0.2), ValueError, "duplicate"),
        (lambda: B.empirical_min_dim(np.eye(5), 0.2, kind="pca"), ValueError, "kind must be one of"),
        (lambda: B.success_curve(np.eye(5), 0.2, [0, 3]), ValueError, "dims must be"),
    ],
)
def test_bad_input_is_rejected_with_the_parameter_named(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --------------------------------------------------------------------------- uncertainty of the measured dimension


def test_median_interval_order_statistics_and_coverage_closed_form():
    lo, hi, cov = B.median_interval([5, 1, 4, 2, 6, 3])
    assert (lo, hi) == (1.0, 6.0) and cov == pytest.approx(1 - 2 / 64)
    lo, hi, cov = B.median_interval(np.arange(12.0))       # j = 3: P(Bin(12, 1/2) <= 2) = 79/4096
    assert (lo, hi) == (2.0, 9.0) and cov == pytest.approx(1 - 2 * 79 / 4096)
    assert B.median_interval([1.0, 2.0, np.inf, np.inf, 3.0, 4.0])[1] == np.inf
    with pytest.raises(ValueError, match="more trials"):
        B.median_interval(np.arange(5.0))                 # at most 1 - 2/32 = 93.75 %
    for bad in ([], [1.0, np.nan, 2.0]):
        with pytest.raises(ValueError):
            B.median_interval(bad)
    for level in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError):
            B.median_interval(np.arange(12.0), level)


def test_median_interval_covers_the_median_at_its_stated_rate():
    gen = np.random.default_rng(7)
    reps = 4000
    hits = np.mean([lo <= 0.0 <= hi for lo, hi, _ in (B.median_interval(gen.standard_normal(12)) for _ in range(reps))])
    cov = B.median_interval(np.arange(12.0))[2]
    assert abs(hits - cov) < 4 * np.sqrt(cov * (1 - cov) / reps)


@pytest.mark.parametrize("T", [6, 7, 12, 40])
def test_median_interval_is_scipys_quantile_test_interval(T):
    """The endpoints are those of scipy.stats.quantile_test (p = 1/2); median_interval adds the coverage."""
    from scipy import stats

    x = np.random.default_rng(T).standard_normal(T)
    for level in (0.9, 0.95):
        ref = stats.quantile_test(x, q=0.0, p=0.5).confidence_interval(level)
        assert B.median_interval(x, level)[:2] == (ref.low, ref.high)


def test_fit_rate_interval_collapses_on_exact_data_and_brackets_the_fit():
    Ns, es = np.array([20, 40, 80, 160]), np.array([0.3, 0.5])
    N = np.repeat(Ns, 2)
    e = np.tile(es, 4)
    n = 8 * np.log(N) / e**2
    exact = {"n_points": N, "eps": e, "thresholds": np.repeat(n[:, None], 6, axis=1)}
    ci = B.fit_rate_interval(exact, n_boot=30, rng=0)
    for name, value in (("c", 8.0), ("alpha", 1.0), ("beta", -2.0)):
        assert ci[name] == pytest.approx(value) and ci[f"{name}_low"] == pytest.approx(value)
        assert ci[f"{name}_high"] == pytest.approx(value)
    noisy = B.dimension_sweep(np.eye(80), [20, 40, 80], [0.4, 0.6], trials=6, rng=3)
    ci = B.fit_rate_interval(noisy, n_boot=100, rng=4)
    fit = B.fit_rate(noisy["n_points"], noisy["eps"], noisy["measured"])
    assert ci["c"] == pytest.approx(fit["c"]) and ci["n_used"] == 100
    assert ci["c_low"] < ci["c_high"] and ci["c_low"] <= fit["c"] * 1.05 and fit["c"] * 0.95 <= ci["c_high"]
    with pytest.raises(TypeError):
        B.fit_rate_interval({"n_points": N})
    with pytest.raises(ValueError):
        B.fit_rate_interval(exact, n_boot=5)


def test_median_verdict_signs_medians_and_wording():
    lo, hi = np.arange(10.0, 16.0), np.arange(20.0, 26.0)
    v = B.median_verdict(lo, hi, ("the sparse map", "the Gaussian"))
    assert v["sign"] == -1 and v["a"] == (12.0, 10.0, 15.0) and v["b"] == (22.0, 20.0, 25.0)
    assert v["text"].startswith("the sparse map needs fewer dimensions than the Gaussian") and "disjoint" in v["text"]
    assert B.median_verdict(hi, lo, ("a", "b"))["sign"] == 1
    # the medians equal empirical_min_dim's value for the same trials
    t = B.empirical_thresholds(np.eye(40), 0.5, trials=6, rng=2)
    assert B.median_verdict(t, t, ("a", "b"))["a"][0] == B.empirical_min_dim(np.eye(40), 0.5, trials=6, rng=2)
    over = B.median_verdict(lo, np.r_[12.0, hi[1:]], ("a", "b"))
    assert over["sign"] == 0 and "not told apart" in over["text"] and "overlapping" in over["text"]
    with pytest.raises(TypeError):
        B.median_verdict(lo, hi, ("a",))
    with pytest.raises(ValueError):
        B.median_verdict(lo[:5], hi, ("a", "b"))
