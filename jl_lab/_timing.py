"""Wall-clock timing shared by the modules that report costs (lsh, reducers, rsvd)."""

from __future__ import annotations

import time
from typing import Callable

import numpy as np

from ._validation import check_int


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
