"""Figures of the appendix: Beyond one machine (page ``scale_out``; numbers from :mod:`jl_lab.scale_out`).

Draw only: every function takes numbers computed elsewhere and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import numpy as np

from ._style import PALETTE, REFERENCE, figure, styled

__all__ = ["scale_out_summary"]


@styled
def scale_out_summary(rows, seconds, slope: float, intercept: float, methods: dict):
    """Left: time against rows with the fitted line.  Right: passes over the data and time per SVD method.

    ``methods`` maps a label to ``{"passes": float, "seconds": float}``.
    """
    rows = np.asarray(rows, dtype=float)
    fig, (ax1, ax2) = figure(ncols=2, width=9.0, height=3.4)
    grid = np.linspace(rows.min() * 0.8, rows.max() * 1.05, 50)
    ax1.plot(rows / 1e3, seconds, "o", color=PALETTE[0], ms=6, label="measured")
    ax1.plot(grid / 1e3, intercept + slope * grid, color=REFERENCE, lw=1.2, ls="--", label="least-squares line")
    ax1.set_xlabel("rows (thousands)")
    ax1.set_ylabel("seconds")
    ax1.set_xlim(0, None)
    ax1.set_ylim(0, None)
    ax1.legend(fontsize=8, loc="upper left")
    labels = list(methods)
    x = np.arange(len(labels))
    passes = [methods[m]["passes"] for m in labels]
    bars = ax2.bar(x, passes, color=[PALETTE[i % len(PALETTE)] for i in range(len(labels))], width=0.6)
    for bar, m in zip(bars, labels):
        ax2.annotate(f"{methods[m]['seconds']:.1f} s", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                     ha="center", va="bottom", fontsize=8)
    ax2.set_xticks(x, labels)
    ax2.set_ylabel("passes over the data")
    ax2.set_ylim(0, max(passes) * 1.25)
    return fig
