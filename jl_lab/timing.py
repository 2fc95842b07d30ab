"""Wall-clock timing: the best-of-N timer, interleaved rounds and the faster/slower verdict pages quote, and the one-BLAS-thread context."""

from __future__ import annotations

import contextlib
import time
from typing import Callable

import numpy as np

from ._validation import check_int

__all__ = ["best_time", "one_blas_thread", "interleaved_times", "speed_comparison"]


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


def interleaved_times(funcs: dict, repeats: int = 5) -> dict:
    """Wall time in seconds of every call of each ``func()``, over ``repeats`` interleaved rounds.

    Each round calls every function once, in the order of ``funcs``, so a burst of load on a
    shared machine hits all of them alike and the times of one round can be compared pairwise
    (:func:`speed_comparison`).

    Parameters
    ----------
    funcs : dict of str -> callable
        Functions without arguments.
    repeats : int
        Number of rounds, ``>= 1``.

    Returns
    -------
    dict of str -> ndarray of shape (repeats,)
        The time of each call, by round.

    Examples
    --------
    >>> t = interleaved_times({"a": lambda: sum(range(100)), "b": lambda: None}, repeats=3)
    >>> sorted(t), t["a"].shape, bool((t["b"] >= 0).all())
    (['a', 'b'], (3,), True)
    """
    repeats = check_int(repeats, "repeats", 1)
    if not isinstance(funcs, dict) or not funcs:
        raise TypeError("funcs must be a non-empty dict of name -> callable")
    for name, f in funcs.items():
        if not callable(f):
            raise TypeError(f"funcs[{name!r}] must be callable, got {type(f).__name__}")
    out = {name: np.empty(repeats) for name in funcs}
    for r in range(repeats):
        for name, f in funcs.items():
            t0 = time.perf_counter()
            f()
            out[name][r] = time.perf_counter() - t0
    return out


def speed_comparison(times_a, times_b) -> dict:
    """Verdict "faster / slower / neither" of method a against b from paired timing rounds.

    Parameters
    ----------
    times_a, times_b : array_like of positive float, shape (R,) or (1,)
        Seconds per round of each method, measured in the same interleaved rounds
        (:func:`interleaved_times`); a single value is compared with every round of
        the other.

    Returns
    -------
    dict
        ``"low"``, ``"high"``: the smallest and largest round ratio
        :math:`r_i = a_i / b_i`; ``"rounds"``: the number of ratios;
        ``"word"``: ``"faster than"`` if :math:`\\max_i r_i < 1` (a was faster in
        every round), ``"slower than"`` if :math:`\\min_i r_i > 1`, and
        ``"about as fast as"`` otherwise (the order changed between rounds); ``"text"``:
        the word followed by the measured range, for example
        ``"faster than (0.31 to 0.36 times the time, 5 rounds)"``; ``"factor_text"``: the
        same as a factor, ``"2.8 to 3.2 times faster than"``, ``"1.5 to 2 times slower than"``
        or ``"about as fast as (0.9 to 1.2 times the time of)"``.

    Notes
    -----
    A machine shared with other jobs makes every time noisy, and only ever longer.
    The verdict therefore asks for the same order in every round, not for a
    difference of means: the range of the ratios is the uncertainty a page quotes.

    Examples
    --------
    >>> out = speed_comparison([1.0, 1.1, 0.9], [2.0, 2.0, 2.5])
    >>> out["word"], round(out["low"], 2), round(out["high"], 2)
    ('faster than', 0.36, 0.55)
    >>> speed_comparison([1.0, 2.0], [1.5, 1.5])["word"]
    'about as fast as'
    """
    for x, name in ((times_a, "times_a"), (times_b, "times_b")):
        if np.iscomplexobj(x) or not np.issubdtype(np.asarray(x).dtype, np.number):
            raise TypeError(f"{name} must hold real seconds, got {np.asarray(x).dtype}")
    a = np.atleast_1d(np.asarray(times_a, dtype=float))
    b = np.atleast_1d(np.asarray(times_b, dtype=float))
    for x, name in ((a, "times_a"), (b, "times_b")):
        if x.ndim != 1 or x.size == 0 or not np.all(np.isfinite(x)) or np.any(x <= 0):
            raise ValueError(f"{name} must be a non-empty 1-d array of positive finite seconds")
    if a.size != b.size and 1 not in (a.size, b.size):
        raise ValueError(f"times_a and times_b must have the same length (or one of them length 1), "
                         f"got {a.size} and {b.size}")
    r = a / b
    low, high = float(r.min()), float(r.max())
    word = "faster than" if high < 1 else "slower than" if low > 1 else "about as fast as"
    rounds = int(r.size)
    text = f"{word} ({low:.2g} to {high:.2g} times the time, {rounds} round{'s' if rounds > 1 else ''})"
    if high < 1:
        factor = f"{_num(1 / high)} to {_num(1 / low)} times faster than"
    elif low > 1:
        factor = f"{_num(low)} to {_num(high)} times slower than"
    else:
        factor = f"about as fast as ({_num(low)} to {_num(high)} times the time of)"
    return {"low": low, "high": high, "rounds": rounds, "word": word, "text": text, "factor_text": factor}


def _num(x: float) -> str:
    """Two significant digits, without an exponent for the factors a page quotes."""
    return f"{x:.0f}" if x >= 10 else f"{x:.2g}"
