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
    "check_size",
    "check_values",
    "check_ints",
    "check_labels",
    "check_stochastic",
    "as_csr",
    "MAX_ELEMENTS",
    "DataDimensionalityWarning",
    "is_dask_array",
]


class DataDimensionalityWarning(UserWarning):
    """A projection to more dimensions than the data has (scikit-learn's warning of the same name)."""

#: Largest number of array elements a jl_lab function agrees to allocate (2**31 float64 = 16 GiB);
#: a size asking for more is refused with a message naming it, instead of a MemoryError.
MAX_ELEMENTS = 2**31
#: Largest magnitude of an array's largest entry (and inverse of the smallest nonzero one) that
#: :func:`check_array` accepts: beyond it, squared distances and Gram matrices overflow (or vanish
#: into underflow) in float64, which gave NaN ratios and ARPACK errors.
MAX_MAGNITUDE = 1e150
#: Largest integer accepted by :func:`check_int` without an explicit ``high``: a size, count or
#: number of iterations beyond 2**31 would exhaust memory or time; refused by name instead.
MAX_INT = 2**31


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
        if (
            isinstance(value, numbers.Real)
            and not isinstance(value, (bool, np.bool_))
            and np.isfinite(float(value))
            and float(value).is_integer()
        ):
            value = int(value)
        else:
            raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if high is None and abs(value) > MAX_INT:
        raise ValueError(f"{name} must be >= {low} and <= 2**31, got {value}" if low is not None
                         else f"{name} must be at most 2**31 in absolute value, got {value}")
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
    raw = _asarray(eps, name) if not isinstance(eps, (str, bytes)) else None
    if raw is not None and raw.dtype.kind == "c":
        raise TypeError(f"{name} must be real, got complex {eps!r}")
    arr = raw.astype(float) if raw is not None and raw.dtype.kind in "fiu" else None
    if arr is None:
        raise TypeError(f"{name} must be a number or an array of numbers in (0, 1), got {eps!r}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0) or np.any(arr >= 1):
        bad = arr[~((arr > 0) & (arr < 1))].ravel()[0]
        raise ValueError(f"{name} must be in the open interval (0, 1), got {bad}")
    return arr


def as_csr(X, name: str, dtype=np.float64) -> sp.csr_matrix:
    """The one rule for scipy.sparse input: every format is accepted and converted to CSR.

    Parameters
    ----------
    X : scipy.sparse matrix or array, any format
        CSR, CSC, COO, LIL, DOK, BSR or DIA (``*_matrix`` or ``*_array``).
    name : str
        Parameter name used in error messages.
    dtype : numpy dtype
        Dtype of the result (float64 unless the caller keeps float32).

    Returns
    -------
    scipy.sparse.csr_matrix
        The same matrix in CSR: a new matrix object sharing the data of ``X``
        if ``X`` is already a CSR matrix of ``dtype``; otherwise a converted copy (duplicate COO entries summed,
        as :meth:`scipy.sparse.coo_matrix.tocsr` does).  Row slicing and
        sparse-dense products are fast in CSR; the conversion of a LIL or DOK
        matrix costs one pass over its non-zeros, as scikit-learn's
        ``check_array(accept_sparse="csr")`` does for the formats it does not take.

    Raises
    ------
    TypeError
        If ``X`` is not a scipy.sparse matrix, or is complex or not numeric.
    """
    if not sp.issparse(X):
        raise TypeError(f"{name} must be a scipy.sparse matrix here, got {type(X).__name__}")
    if X.dtype.kind == "c":
        raise TypeError(f"{name} must be real; complex input is refused (pass {name}.real or abs({name}) explicitly)")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {X.dtype}")
    return sp.csr_matrix(X, dtype=dtype)


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

    Returns a float64 ndarray (a copy only if needed) or a CSR matrix: sparse
    input of any scipy.sparse format is converted to CSR by :func:`as_csr`
    (the package's one rule for sparse formats).  Rejects
    wrong dimensionality, too few rows or columns, NaN and infinity, and (with
    ``nonnegative``) negative entries, naming ``name`` in the message.
    """
    if sp.issparse(X):
        if not accept_sparse:
            raise TypeError(f"{name} must be a dense array; scipy.sparse input is not supported here")
        X = as_csr(X, name, dtype)
        data = X.data
        shape = X.shape
        nd = 2
    else:
        if isinstance(X, (str, bytes)):
            raise TypeError(f"{name} must be a numeric array, got a string")
        raw = _asarray(X, name)
        if raw.dtype.kind == "c":
            raise TypeError(f"{name} must be real; complex input is refused (pass {name}.real or abs({name}) explicitly)")
        if raw.dtype.kind not in "biufO":
            raise TypeError(f"{name} must be a numeric array, got dtype {raw.dtype}")
        try:
            X = raw.astype(dtype, copy=False)
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
    if data.size:
        top = float(np.max(np.abs(data)))
        if top > MAX_MAGNITUDE or 0 < top < 1 / MAX_MAGNITUDE:
            raise ValueError(
                f"{name} must have its largest entry in magnitude in [1e-150, 1e150] (or be all zero), got {top:.3g}: "
                f"squares and products of such entries over- or underflow float64; rescale {name} first"
            )
    return X


def _asarray(X, name: str) -> np.ndarray:
    """``np.asarray(X)``, with a ragged nested sequence refused by name."""
    try:
        return np.asarray(X)
    except ValueError as exc:  # NumPy >= 1.24: inhomogeneous shape
        raise ValueError(f"{name} must be a rectangular array (rows of equal length), got a ragged sequence") from exc


def check_size(n_elements, name: str, limit: int = MAX_ELEMENTS) -> int:
    """Refuse to allocate more than ``limit`` elements, naming the parameter(s) ``name`` that asked for them.

    >>> check_size(10 * 10, "n_components")
    100
    """
    n = int(n_elements)
    if n > limit:
        raise ValueError(
            f"{name} too large: it asks for {n:.3g} array elements, more than the {limit:.3g} "
            "(16 GiB of float64) that jl_lab allocates"
        )
    return n


def check_values(values, name: str, check=None, min_len: int = 1) -> list:
    """A non-empty flat sequence (list, tuple, 1-D array; a scalar counts as one item), each item
    passed through ``check(item)`` if given.

    >>> check_values((1, 2), "ks", lambda v: check_int(v, "ks", 1))
    [1, 2]
    """
    if isinstance(values, (str, bytes)) or values is None or isinstance(values, dict):
        raise TypeError(f"{name} must be a sequence of values, got {values!r}")
    if sp.issparse(values):
        raise TypeError(f"{name} must be a flat sequence, got a scipy.sparse matrix")
    if not isinstance(values, (list, tuple, np.ndarray)) and hasattr(values, "__iter__"):
        values = list(values)  # a range, generator, set or dict view
    items = list(np.ravel(_asarray(values, name))) if not isinstance(values, (list, tuple)) else list(values)
    if len(items) < min_len:
        raise ValueError(f"{name} must hold at least {min_len} value(s), got {len(items)}")
    if any(isinstance(v, (list, tuple, np.ndarray)) and np.ndim(v) > 0 for v in items):
        raise ValueError(f"{name} must be a flat sequence of values, got nested sequences")
    return [check(v) for v in items] if check is not None else items


def check_ints(values, name: str, low: int | None = None, high: int | None = None) -> np.ndarray:
    """A non-empty flat sequence of integers in ``[low, high]`` (a scalar counts as one), as an int64 array.

    >>> check_ints([2, 4], "ks", 1).tolist()
    [2, 4]
    """
    scalar = isinstance(values, numbers.Number) or (isinstance(values, np.ndarray) and values.ndim == 0)
    items = check_values([values] if scalar else values, name)
    return np.array([check_int(v, name, low, high) for v in items], dtype=np.int64)


def check_labels(labels, name: str, n: int | None = None) -> np.ndarray:
    """Cluster labels: a flat array of ``n`` non-negative integers (integral floats accepted), as int64.

    >>> check_labels([0, 2, 1.0], "row_labels", 3).tolist()
    [0, 2, 1]
    """
    arr = check_array(labels, name, ndim=1, min_rows=1)
    if n is not None and arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) (one label per row/column), got shape {arr.shape}")
    if np.any(arr < 0) or np.any(arr != np.floor(arr)):
        raise ValueError(f"{name} must be non-negative integers (cluster ids), got {arr[(arr < 0) | (arr != np.floor(arr))][0]:g}")
    return arr.astype(np.int64)


def check_stochastic(P, name: str = "P", atol: float = 1e-6, square: bool = False) -> np.ndarray:
    """Return ``P`` as a float array whose rows are probability vectors (non-negative, summing to 1).

    >>> check_stochastic([[0.5, 0.5], [1, 0]]).shape
    (2, 2)
    """
    P = check_array(P, name, nonnegative=True)
    if square and P.shape[0] != P.shape[1]:
        raise ValueError(f"{name} must be square (L x L), got shape {P.shape}")
    sums = P.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > atol)
    if bad.size:
        raise ValueError(
            f"{name} must have rows that are probability vectors (sum 1 within {atol:g}); "
            f"row {bad[0]} sums to {sums[bad[0]]:.6g}"
        )
    return P


def check_choice(value, name: str, choices) -> str:
    """Check that ``value`` is one of ``choices`` (strings)."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def is_dask_array(X) -> bool:
    """True for a ``dask.array.Array``, detected by its type's module so that dask is never imported here."""
    t = type(X)
    return t.__name__ == "Array" and t.__module__.split(".")[0] == "dask"
