"""Figures of the chapter: The dimension formula n > 8.33 log N (page ``dimension_formula``; numbers from :mod:`jl_lab.entropy`).

Draw only: every function takes numbers computed elsewhere and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import numpy as np

from ._style import GREY, PALETTE, REFERENCE, figure, styled

__all__ = ["dim_per_dimension_constant", "dim_root_vs_formula", "dim_sampled_entropy", "dim_wordvec_quality"]


@styled
def dim_per_dimension_constant(n, c_n, limit: float, su: float = -0.24):
    """The per-dimension constant ``h_n / n`` against ``n`` (log axis), with its limit and Su's -0.24."""
    fig, ax = figure(width=6.4, height=3.4)
    ax.semilogx(n, c_n, color=PALETTE[0], lw=2, label=r"$h_n/n$ (numerical integration)")
    ax.axhline(limit, color=REFERENCE, ls="--", lw=1.2,
               label=rf"limit $\frac{{1}}{{2}}\log\frac{{\sqrt{{5}}-1}}{{2}} = {limit:.5f}$")
    ax.axhline(su, color=PALETTE[1], ls=":", lw=1.5, label=f"Su's rounded value {su:g}")
    ax.set_xlabel("dimension n")
    ax.set_ylabel(r"$h_n / n$")
    ax.legend(fontsize=8, loc="lower right")
    return fig


@styled
def dim_root_vs_formula(N, exact, exact_cond, coef: float = 8.33, coef_cond: float | None = None):
    """Left: the exact roots of the criterion against ``N`` with ``coef * log N``.  Right: the differences."""
    N = np.asarray(N, dtype=float)
    coef_cond = coef / 2 if coef_cond is None else coef_cond
    fig, (ax1, ax2) = figure(ncols=2, width=9.0, height=3.4)
    ax1.semilogx(N, coef * np.log(N), color=PALETTE[1], lw=1.5, label=f"{coef:g} log N")
    ax1.semilogx(N, exact, "o", color=PALETTE[0], ms=4, label="exact root, joint (N² pairs)")
    ax1.semilogx(N, coef_cond * np.log(N), color=GREY, lw=1.2, ls="--", label=f"{coef_cond:.3g} log N")
    ax1.semilogx(N, exact_cond, "s", color=PALETTE[2], ms=4, label="exact root, conditional (rows)")
    ax1.set_xlabel("vocabulary size N (or sequence length L)")
    ax1.set_ylabel("smallest dimension n*")
    ax1.legend(fontsize=8)
    ax2.semilogx(N, np.asarray(exact) - coef * np.log(N), "o-", color=PALETTE[0], ms=4,
                 label=f"joint: n* − {coef:g} log N")
    ax2.semilogx(N, np.asarray(exact_cond) - coef_cond * np.log(N), "s-", color=PALETTE[2], ms=4,
                 label=f"conditional: n* − {coef_cond:.3g} log N")
    ax2.axhline(0, color=REFERENCE, lw=0.8)
    ax2.set_xlabel("vocabulary size N")
    ax2.set_ylabel("difference (dimensions)")
    ax2.legend(fontsize=8)
    return fig


@styled
def dim_sampled_entropy(n, sampled: dict, estimate: dict, roots: dict, ymin: float = -8.0):
    """Sampled entropy of the N² softmax (mean and range over seeds) against the estimate 2 log N + h_n.

    ``sampled[N]`` is an array (seeds x len(n)); ``estimate[N]`` the estimate on
    the same ``n``; ``roots[N]`` the root of the criterion (a vertical line).
    The estimate keeps falling below ``ymin``; the axis stops there.
    """
    fig, ax = figure(width=6.8, height=3.8)
    for c, N in zip(PALETTE, sampled):
        S = np.asarray(sampled[N])
        ax.plot(n, estimate[N], ls="--", color=c, lw=1.2)
        ax.fill_between(n, S.min(0), S.max(0), color=c, alpha=0.2, lw=0)
        ax.plot(n, S.mean(0), "o-", color=c, ms=3, lw=1.5, label=f"N = {N}: sampled")
        ax.axvline(roots[N], color=c, ls=":", lw=1)
    ax.plot([], [], ls="--", color=GREY, label=r"estimate $2\log N + h_n$")
    ax.axhline(0, color=REFERENCE, lw=0.8)
    ax.set_ylim(ymin, None)
    ax.set_xlabel("dimension n")
    ax.set_ylabel("entropy of p(i, j) (nats)")
    ax.legend(fontsize=8, loc="upper right")
    return fig




@styled
def dim_wordvec_quality(curves: dict, coef: float = 8.33):
    """Held-out quality of SVD/PPMI word vectors against their dimension, one colour per vocabulary size.

    Page ``dimension_formula``, figure ``fig-dim-wordvec``.  ``curves`` maps a
    vocabulary size ``N`` to ``(dims, [quality of each fold, ...])``; each
    fold is a line, the peak of each a dot, and ``coef * log N`` a dashed
    vertical line in the same colour.
    """
    fig, ax = figure(width=6.4, height=3.6)
    for (N, (dims, folds)), c in zip(curves.items(), PALETTE):
        for i, q in enumerate(folds):
            ax.plot(dims, q, "-", color=c, lw=1.2, alpha=0.9 if i == 0 else 0.5,
                    label=f"N = {N}" if i == 0 else None)
            j = int(np.argmax(q))
            ax.plot(dims[j], q[j], "o", color=c, ms=5)
        ax.axvline(coef * np.log(N), color=c, ls="--", lw=1)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("dimension n of the word vectors")
    ax.set_ylabel("held-out quality (Spearman)")
    ax.legend(fontsize=8, loc="lower right", title=f"dashed: {coef:g} log N", title_fontsize=8)
    return fig
