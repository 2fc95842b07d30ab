"""Tests of jl_lab.reducers.pair_ratio_sweep, the numbers behind the frame slider of the chapter
"Random projection versus PCA": agreement with sweep() and with the maps themselves, PCA's contraction,
and the unbiasedness and 2/n variance of the Gaussian ratio (4 standard errors)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from jl_lab import reducers


@pytest.fixture(scope="module")
def points():
    """120 points in R^24 with a decaying spectrum, no ties."""
    gen = np.random.default_rng(3)
    return gen.standard_normal((120, 24)) * np.geomspace(4, 0.2, 24)


def test_knn_is_the_knn_of_sweep_with_the_same_rng(points):
    ns = [2, 4, 8, 24]
    out = reducers.pair_ratio_sweep(points, ns, kinds=("gaussian", "very-sparse", "pca"), k=7, rng=5)
    table = reducers.sweep(points, ns, kinds=("gaussian", "very-sparse", "pca"), k=7, rng=5)
    assert list(out["n"]) == ns
    for kind in ("gaussian", "very-sparse", "pca"):
        rows = table[table["kind"] == kind]
        assert np.allclose(out["knn"][kind], rows["knn"][np.argsort(rows["n"])])


def test_ratios_are_those_of_the_maps_on_the_same_pairs(points):
    ns = [3, 12]
    out = reducers.pair_ratio_sweep(points, ns, kinds=("gaussian", "pca"), n_pairs=500, rng=11)
    gen = np.random.default_rng(11)  # the same draws, in the documented order: maps, then pairs
    fits = {kind: reducers.fit_reducer(points, 12, kind, rng=gen) for kind in ("gaussian", "pca")}
    a = gen.integers(0, 120, size=500)
    b = (a + gen.integers(1, 120, size=500)) % 120
    before = np.sum((points[a] - points[b]) ** 2, axis=1)
    assert np.allclose(out["before"], before)
    assert np.all(a != b)
    for kind, fit in fits.items():
        for i, n in enumerate(ns):
            Y = fit.truncate(n).transform(points)
            assert np.allclose(out["ratio"][kind][i], np.sum((Y[a] - Y[b]) ** 2, axis=1) / before)


def test_pca_never_stretches_and_is_exact_at_full_dimension(points):
    out = reducers.pair_ratio_sweep(points, [1, 6, 24], kinds=("pca",), rng=0)
    r = out["ratio"]["pca"]
    assert np.all(r <= 1 + 1e-12)
    assert np.all(np.diff(r, axis=0) >= -1e-12)  # more components keep more of every distance
    assert np.allclose(r[-1], 1.0) and out["knn"]["pca"][-1] == 1.0


def test_gaussian_ratio_is_unbiased_with_variance_two_over_n():
    """For one pair, r = chi2(n)/n over independent maps: mean 1, variance 2/n (4 standard errors)."""
    X = np.random.default_rng(0).standard_normal((3, 40))
    n, trials = 8, 4000
    r = np.array([reducers.pair_ratio_sweep(X, [n], kinds=("gaussian",), n_pairs=1, k=1, rng=s)["ratio"]["gaussian"][0, 0]
                  for s in range(trials)])
    var = 2 / n
    assert abs(r.mean() - 1) < 4 * np.sqrt(var / trials)
    se_var = var * np.sqrt((2 + 12 / n) / trials)  # Var of a sample variance: (mu4 - sigma^4)/m, chi2 kurtosis
    assert abs(r.var() - var) < 4 * se_var


def test_sparse_input_gives_the_same_numbers_as_dense(points):
    dense = reducers.pair_ratio_sweep(points, [4], kinds=("gaussian",), rng=2)
    sparse = reducers.pair_ratio_sweep(sp.csr_matrix(points), [4], kinds=("gaussian",), rng=2)
    assert np.allclose(dense["before"], sparse["before"])
    assert np.allclose(dense["ratio"]["gaussian"], sparse["ratio"]["gaussian"])
    assert np.allclose(dense["knn"]["gaussian"], sparse["knn"]["gaussian"])


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"n_values": []}, ValueError, "n_values must hold at least 1 value"),
        ({"n_values": [0]}, ValueError, "n_values must be >= 1"),
        ({"kinds": "pca"}, TypeError, "kinds must be a sequence"),
        ({"kinds": ("pca", "lda")}, ValueError, "kinds must be one of"),
        ({"n_pairs": 0}, ValueError, "n_pairs must be >= 1"),
        ({"k": 0}, ValueError, "k must be >= 1"),
        ({"n_values": [30], "kinds": ("pca",)}, ValueError, "n_components must be <= 24"),
        ({"rng": "seed"}, TypeError, "rng must be None"),
    ],
)
def test_bad_input_names_the_parameter(points, kwargs, exc, match):
    args = {"n_values": [2], "kinds": ("gaussian",), "n_pairs": 10, "k": 3, "rng": 0}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        reducers.pair_ratio_sweep(points, **args)


def test_duplicate_rows_are_refused():
    X = np.vstack([np.eye(4), np.eye(4)[:1]])
    with pytest.raises(ValueError, match="X must not contain duplicate rows"):
        reducers.pair_ratio_sweep(X, [2], n_pairs=1, k=1, rng=0)  # even when no drawn pair is the duplicate
