"""Input validation shared by every jl_lab module.

Each helper turns bad input into one ``ValueError`` or ``TypeError`` whose
message names the parameter, the value it got and the accepted range, in the
manner of scikit-learn's ``_check_density``.  Validation comes first in every
public function; computation after.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

__all__ = [
    "check_rng",
    "check_int",
    "check_real",
    "check_eps",
    "check_array",
    "check_choice",
    "is_dask_array",
]


def check_rng(rng) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from ``None``, an int seed or a Generator.

    Parameters
    ----------
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Passed to :func:`numpy.random.default_rng`; a Generator is returned as is,
        so that a caller can thread one generator through several calls.

    Raises
    ------
    TypeError
        If ``rng`` is of another type (a float, a string, the legacy RandomState).
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(rng, numbers.Integral) and rng < 0:
            raise ValueError(f"rng must be a non-negative integer seed, got {rng}")
        return np.random.default_rng(rng)
    raise TypeError(
        "rng must be None, a non-negative int seed or a numpy.random.Generator, "
        f"got {type(rng).__name__}"
    )


def check_int(value, name: str, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as a Python int after checking ``low <= value <= high``.

    Booleans and non-integral floats are rejected with ``TypeError``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer() and not isinstance(
            value, (bool, np.bool_)
        ):
            value = int(value)
        else:
            raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}{_upper(high)}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high} (and >= {low}), got {value}")
    return value


def _upper(high):
    return f" and <= {high}" if high is not None else ""


def check_real(
    value,
    name: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a float after checking it is finite and in the interval.

    ``low_open`` / ``high_open`` make the corresponding end of the interval
    exclusive, so ``check_real(eps, "eps", 0, 1, True, True)`` accepts (0, 1).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    interval = f"{'(' if low_open or low is None else '['}{lo}, {hi}{')' if high_open or high is None else ']'}"
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite and in {interval}, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must be in {interval}, got {value:g}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must be in {interval}, got {value:g}")
    return value


def check_eps(eps, name: str = "eps") -> np.ndarray:
    """Return ``eps`` as a float array after checking every entry lies in the open interval (0, 1)."""
    arr = np.asarray(eps, dtype=float) if not isinstance(eps, str) else None
    if arr is None or arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be a number or an array of numbers in (0, 1), got {eps!r}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0) or np.any(arr >= 1):
        bad = arr[~((arr > 0) & (arr < 1))].ravel()[0]
        raise ValueError(f"{name} must be in the open interval (0, 1), got {bad}")
    return arr


def check_array(
    X,
    name: str = "X",
    ndim: int | tuple[int, ...] = 2,
    accept_sparse: bool = False,
    min_rows: int = 1,
    min_cols: int = 1,
    dtype=np.float64,
    nonnegative: bool = False,
):
    """Validate a numeric array (or, if allowed, a scipy.sparse matrix).

    Returns a float64 ndarray (a copy only if needed) or a CSR matrix.  Rejects
    wrong dimensionality, too few rows or columns, NaN and infinity, and (with
    ``nonnegative``) negative entries, naming ``name`` in the message.
    """
    if sp.issparse(X):
        if not accept_sparse:
            raise TypeError(f"{name} must be a dense array; scipy.sparse input is not supported here")
        X = sp.csr_matrix(X, dtype=dtype)
        data = X.data
        shape = X.shape
        nd = 2
    else:
        if isinstance(X, (str, bytes)):
            raise TypeError(f"{name} must be a numeric array, got a string")
        try:
            X = np.asarray(X, dtype=dtype)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a numeric array: {exc}") from None
        data = X
        shape = X.shape
        nd = X.ndim
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if nd not in allowed:
        raise ValueError(f"{name} must have {' or '.join(map(str, allowed))} dimensions, got shape {shape}")
    if nd >= 1 and shape[0] < min_rows:
        raise ValueError(f"{name} must have at least {min_rows} row(s), got shape {shape}")
    if nd >= 2 and shape[1] < min_cols:
        raise ValueError(f"{name} must have at least {min_cols} column(s), got shape {shape}")
    if not np.all(np.isfinite(data)):
        raise ValueError(f"{name} must not contain NaN or infinity")
    if nonnegative and np.any(data < 0):
        raise ValueError(f"{name} must be non-negative (counts or probabilities), found {data.min():g}")
    return X


def check_choice(value, name: str, choices) -> str:
    """Check that ``value`` is one of ``choices`` (strings)."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def is_dask_array(X) -> bool:
    """True for a ``dask.array.Array``, detected by its type's module so that dask is never imported here."""
    t = type(X)
    return t.__name__ == "Array" and t.__module__.split(".")[0] == "dask"
