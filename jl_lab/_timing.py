"""Wall-clock timing shared by the modules that report costs (lsh, reducers, rsvd), and the one-BLAS-thread context."""

from __future__ import annotations

import contextlib
import time
from typing import Callable

import numpy as np

from ._validation import check_int

__all__ = ["best_time", "one_blas_thread"]


def best_time(func: Callable[[], object], repeats: int = 3) -> tuple[float, object]:
    """Best wall time in seconds of ``repeats`` calls of ``func()``, and the last result.

    The minimum is the least noisy estimate on a shared machine: other
    processes only ever make a run slower.

    Examples
    --------
    >>> t, value = best_time(lambda: sum(range(10)), repeats=2)
    >>> value, t >= 0
    (45, True)
    """
    repeats = check_int(repeats, "repeats", 1)
    if not callable(func):
        raise TypeError(f"func must be callable, got {type(func).__name__}")
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - t0)
    return float(best), out


def one_blas_thread():
    """Context manager limiting BLAS and LAPACK to one thread (threadpoolctl), if threadpoolctl is installed.

    Many small BLAS calls (L-BFGS-B iterations, small SVDs, explorer updates) pay a thread
    hand-off per call with a multi-threaded OpenBLAS; on a loaded 2-core machine we measured
    L-BFGS-B iterations and a 512 x 512 SVD 30 times slower than on one thread.  threadpoolctl
    ships with scikit-learn; without it, nothing is limited (a null context).

    Examples
    --------
    >>> with one_blas_thread():
    ...     pass
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
