"""The shared validators: accepted values pass through, bad ones name the parameter."""

import numpy as np
import pytest
import scipy.sparse as sp

from jl_lab import _validation as V


def test_check_rng_accepts_none_seed_and_generator():
    g = np.random.default_rng(0)
    assert V.check_rng(g) is g
    assert V.check_rng(3).random() == np.random.default_rng(3).random()
    assert isinstance(V.check_rng(None), np.random.Generator)
    with pytest.raises(TypeError, match="rng must be"):
        V.check_rng(np.random.RandomState(0))
    with pytest.raises(TypeError, match="rng must be"):
        V.check_rng(1.5)


def test_check_int_and_real_ranges():
    assert V.check_int(np.int64(4), "k", 1, 5) == 4
    assert V.check_int(4.0, "k", 1) == 4
    with pytest.raises(TypeError, match="k must be an integer"):
        V.check_int(True, "k")
    with pytest.raises(ValueError, match="k must be <= 5"):
        V.check_int(6, "k", 1, 5)
    assert V.check_real(0.5, "eps", 0, 1, True, True) == 0.5
    with pytest.raises(ValueError, match=r"eps must be in \(0, 1\)"):
        V.check_real(1.0, "eps", 0, 1, True, True)
    with pytest.raises(ValueError, match="eps must be finite"):
        V.check_real(float("nan"), "eps", 0, 1)


def test_check_array_shapes_sparse_and_signs():
    X = V.check_array([[1, 2], [3, 4]], "X")
    assert X.dtype == np.float64
    assert sp.issparse(V.check_array(sp.eye(3), "X", accept_sparse=True))
    with pytest.raises(TypeError, match="X must be a dense array"):
        V.check_array(sp.eye(3), "X")
    with pytest.raises(ValueError, match="counts must be non-negative"):
        V.check_array([[1, -1]], "counts", nonnegative=True)
    with pytest.raises(ValueError, match="must not contain NaN"):
        V.check_array(sp.csr_matrix([[np.inf, 1.0]]), "X", accept_sparse=True)
    with pytest.raises(TypeError, match="numeric array"):
        V.check_array("abc", "X")
