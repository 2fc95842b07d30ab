"""Plotting for the jl-lab book: one shared style, and one function per figure.

Every figure of the book is drawn by a function here that takes precomputed
numbers (from the numerical modules) and returns a ``matplotlib.figure.Figure``.
Pages and widgets call the same functions, so the static figure and the
interactive one look alike.  The palette is Okabe and Ito's colour-blind-safe
set; figures have a white background so they stay legible in dark mode.

References
----------
Okabe, M. and Ito, K. (2008). Color Universal Design.
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib
import matplotlib.pyplot as plt  # noqa: F401  (in a kernel, sets up inline display of figures)
import numpy as np

#: Okabe-Ito colour-blind-safe palette (black first is left out: used for reference lines).
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
)
REFERENCE = "#000000"
GREY = "#777777"

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 10,
    "axes.titlesize": 11,
    "legend.frameon": False,
    "image.cmap": "viridis",
}


def use_style() -> None:
    """Apply the book's matplotlib style globally (called once at the top of each page)."""
    matplotlib.rcParams.update(RC)


@contextmanager
def style():
    """Context manager that applies the book's style only inside the block."""
    with matplotlib.rc_context(RC):
        yield


def figure(ncols: int = 1, nrows: int = 1, width: float = 6.4, height: float = 3.6, **kwargs):
    """Create a figure in the book's style; returns ``(fig, axes)`` like ``plt.subplots``.

    The figure is not registered with pyplot's global state, so it is neither
    shown twice in a notebook nor leaked by a widget that redraws it.
    """
    from matplotlib.figure import Figure

    with style():
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=True, **kwargs)
    return fig, axes


def _finish(fig):
    """Return ``fig`` (hook for a common finishing touch)."""
    return fig


# ---------------------------------------------------------------------------
# Chapter: the JL lemma in numbers (jl_lab.bounds, jl_lab.projections)
# ---------------------------------------------------------------------------
