"""Figures of the chapter: The JL lemma in numbers (pages ``jl_lemma``; numbers from :mod:`jl_lab.bounds`, :mod:`jl_lab.projections`).

Draw only: every function takes numbers computed elsewhere and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import numpy as np

from ._style import GREY, PALETTE, REFERENCE, figure, styled

__all__ = ["plot_tail_bound", "plot_dimension_vs_log", "plot_distortion_histograms", "plot_success_curve", "plot_jl_explorer"]


@styled
def plot_tail_bound(dims, eps_values, exact, bound):
    """Tail probability of one projected norm: Su's bound 2 exp(-eps^2 n/8) against the exact chi-square tail.

    Parameters
    ----------
    dims : ndarray of shape (m,)
    eps_values : sequence of float
    exact, bound : ndarray of shape (len(eps_values), m)
    """
    fig, ax = figure(width=6.4, height=3.4)
    for i, e in enumerate(eps_values):
        c = PALETTE[i % len(PALETTE)]
        ax.semilogy(dims, exact[i], color=c, label=rf"exact, $\varepsilon = {e:g}$")
        ax.semilogy(dims, np.minimum(bound[i], 1.0), color=c, ls="--", label=rf"bound, $\varepsilon = {e:g}$")
    ax.set_xlabel("target dimension n")
    ax.set_ylabel(r"$P\,(\,|\,\|Au\|^2 - 1\,| \geq \varepsilon\,)$")
    ax.set_ylim(1e-12, 2)
    ax.legend(ncol=2, fontsize=8)
    return fig


@styled
def plot_dimension_vs_log(results: dict, bound_lines: dict, bound_points: dict | None = None):
    """Measured dimension against log(N)/eps^2, with the bounds.

    Parameters
    ----------
    results : dict of str -> (x, n)
        For each data set, ``x = log(N)/eps^2`` and the measured dimensions ``n``.
    bound_lines : dict of str -> float
        Bounds that are exactly ``n = c x`` (Su's 24 and 16), drawn as lines.
    bound_points : dict of str -> (x, n), optional
        Bounds whose constant depends on eps (Dasgupta-Gupta, Achlioptas), drawn as markers.
    """
    fig, ax = figure(width=6.4, height=3.8)
    xmax = max(np.max(x) for x, _ in results.values())
    xs = np.linspace(0, xmax * 1.05, 50)
    for (name, c), ls in zip(bound_lines.items(), ["-", "--", "-.", ":"]):
        ax.plot(xs, c * xs, color=REFERENCE, ls=ls, lw=1, label=rf"{name}: $n = {c:g}\,\log N / \varepsilon^2$")
    for (name, (x, n)), marker in zip((bound_points or {}).items(), ["x", "+", "1", "2"]):
        ax.plot(x, n, marker, ls="none", color=REFERENCE, ms=7, label=f"{name} bound")
    for (name, (x, n)), marker in zip(results.items(), ["o", "s", "^", "D"]):
        ax.plot(x, n, marker, ls="none", ms=6, label=f"measured: {name}")
    ax.set_xlabel(r"$\log N / \varepsilon^2$")
    ax.set_ylabel("target dimension n")
    ax.set_ylim(0, None)
    ax.legend(fontsize=8)
    return fig


@styled
def plot_distortion_histograms(ratios_by_n: dict, eps: float | None = None, chi2_overlay: bool = True):
    """Histograms of squared-distance ratios for several target dimensions, with the chi-square(n)/n density.

    Parameters
    ----------
    ratios_by_n : dict of int -> ndarray
        Pairwise ratios (``jl_lab.projections.pairwise_distortion``) per target dimension.
    eps : float, optional
        Draws the band ``[1 - eps, 1 + eps]``.
    chi2_overlay : bool
        Overlay the density of ``chi2(n)/n``, the law of each ratio under a Gaussian map.
    """
    from scipy import stats

    fig, ax = figure(width=6.4, height=3.6)
    lo = min(np.min(r) for r in ratios_by_n.values())
    hi = max(np.max(r) for r in ratios_by_n.values())
    bins = np.linspace(max(lo, 0), hi, 80)
    grid = np.linspace(max(lo, 1e-3), hi, 400)
    for i, (n, r) in enumerate(sorted(ratios_by_n.items())):
        c = PALETTE[i % len(PALETTE)]
        ax.hist(r, bins=bins, density=True, color=c, alpha=0.45, label=f"n = {n}: worst |ratio - 1| = {np.max(np.abs(r - 1)):.2f}")
        if chi2_overlay:
            ax.plot(grid, stats.chi2.pdf(grid * n, n) * n, color=c, lw=1.5)
    if eps is not None:
        ax.axvspan(1 - eps, 1 + eps, color=GREY, alpha=0.12, lw=0, label=rf"$1 \pm \varepsilon$, $\varepsilon = {eps:g}$")
    ax.set_xlabel("squared distance after / before")
    ax.set_ylabel("density")
    ax.legend(fontsize=8)
    return fig


@styled
def plot_success_curve(dims, success, marks: dict | None = None, eps: float | None = None):
    """Fraction of random projections that are eps-embeddings, against n, with bounds marked.

    Parameters
    ----------
    dims, success : ndarray
        From :func:`jl_lab.bounds.success_curve` (or thresholds turned into a curve).
    marks : dict of str -> int, optional
        Vertical lines, e.g. the bounds' dimensions.
    """
    fig, ax = figure(width=6.4, height=3.4)
    ax.step(dims, success, where="post", color=PALETTE[0], lw=2, label="measured")
    for (name, n), ls in zip((marks or {}).items(), ["-", "--", "-.", ":"]):
        ax.axvline(n, color=REFERENCE, ls=ls, lw=1, label=f"{name}: n = {n}")
    ax.set_xscale("log")
    ax.set_xlabel("target dimension n")
    ax.set_ylabel(r"$P$(all pairs within $1 \pm \varepsilon$)" if eps is None else rf"$P$(all pairs within $1 \pm {eps:g}$)")
    ax.set_ylim(-0.03, 1.03)
    fig.legend(loc="outside lower center", ncols=3, fontsize=8)  # below the axes: the curve fills them
    return fig


@styled
def plot_jl_explorer(ratios, eps: float, n: int, bound_dims: dict):
    """The explorer's view: histogram of ratios for one projection, the band and the bounds.

    A fixed layout (not :func:`figure`'s constrained one, which costs a third
    of a redraw) keeps the explorer's update within its 200 ms budget.
    """
    fig, ax = figure(width=6.4, height=3.4, layout=None)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.91)
    worst = float(np.max(np.abs(ratios - 1)))
    outside = float(np.mean(np.abs(ratios - 1) > eps))
    counts, edges = np.histogram(ratios, bins=60)
    ax.stairs(counts, edges, fill=True, color=PALETTE[0] if worst <= eps else PALETTE[3], alpha=0.8)
    ax.axvspan(1 - eps, 1 + eps, color=GREY, alpha=0.15, lw=0)
    verdict = "every pair inside" if worst <= eps else f"{outside:.1%} of pairs outside"
    ax.set_title(f"n = {n}: worst |ratio - 1| = {worst:.3f}, {verdict} 1 ± {eps:g}", fontsize=10, y=1.0)  # y given: no title placement pass per draw
    text = "\n".join(f"{k}: n >= {v}" for k, v in bound_dims.items())
    ax.text(0.99, 0.97, text, transform=ax.transAxes, ha="right", va="top", fontsize=8, family="monospace")
    ax.set_xlabel("squared distance after / before")
    ax.set_ylabel("pairs")
    return fig


# --- the JL explorer's in-place redraw (issue #12), appended so that edits above merge cleanly
__all__ += ["plot_jl_explorer_update"]


@styled
def plot_jl_explorer_update(fig, ratios, eps: float, n: int, bound_dims: dict):
    """Redraw a figure made by :func:`plot_jl_explorer` for other ratios, in place; return it.

    The explorer's fast path: instead of building a new figure (axes, ticks, grid), it sets the
    histogram's counts and edges (:meth:`matplotlib.patches.StepPatch.set_data`), the band
    ``[1 - eps, 1 + eps]``, the title and the bounds' text, and rescales the axes as a new figure
    would.  The figure then renders as ``plot_jl_explorer(ratios, eps, n, bound_dims)`` would
    (``tests/test_widgets.py`` compares the pixels).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure returned by :func:`plot_jl_explorer`.
    ratios, eps, n, bound_dims
        As for :func:`plot_jl_explorer`.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig``.
    """
    from matplotlib.patches import StepPatch

    ratios = np.asarray(ratios, dtype=float)
    if ratios.ndim != 1 or ratios.size == 0 or not np.all(np.isfinite(ratios)):
        raise ValueError("ratios must be a non-empty 1-D array of finite numbers")
    axes = getattr(fig, "axes", None)
    if not axes or len(axes) != 1 or len(axes[0].patches) != 2 or not isinstance(axes[0].patches[0], StepPatch) \
            or len(axes[0].texts) != 1:
        raise TypeError("fig must be a figure drawn by jl_lab.plots.plot_jl_explorer")
    ax = axes[0]
    hist, band = ax.patches
    worst = float(np.max(np.abs(ratios - 1)))
    outside = float(np.mean(np.abs(ratios - 1) > eps))
    counts, edges = np.histogram(ratios, bins=60)
    hist.set_data(counts, edges)
    hist.set_color(PALETTE[0] if worst <= eps else PALETTE[3])
    band.set_x(1 - eps)
    band.set_width(2 * eps)
    verdict = "every pair inside" if worst <= eps else f"{outside:.1%} of pairs outside"
    ax.set_title(f"n = {n}: worst |ratio - 1| = {worst:.3f}, {verdict} 1 ± {eps:g}", fontsize=10)
    ax.texts[0].set_text("\n".join(f"{k}: n >= {v}" for k, v in bound_dims.items()))
    ax.relim()
    ax.autoscale_view()
    return fig
