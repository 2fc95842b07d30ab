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

import functools
from contextlib import contextmanager

import matplotlib
import matplotlib.pyplot as plt
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

    The figure is closed in pyplot right away: it is not shown twice in a
    notebook (once as the cell's value, once by the inline backend) and a
    widget that redraws it does not pile up open figures.  Displaying ``fig``
    (as a cell's last expression or with ``IPython.display.display``) still
    renders it.
    """
    with style():
        kwargs.setdefault("layout", "constrained")  # layout=None: place axes yourself (fig.subplots_adjust)
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)
    plt.close(fig)
    return fig, axes


def styled(func):
    """Decorator for plot functions: draw everything inside :func:`style`.

    Font sizes, grids and colours are read when each artist is created, so a
    plot function must draw inside the style context, not only create its
    figure there.  Decorate every public plot function of this module with it.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with style():
            return func(*args, **kwargs)

    return wrapper


def table(header, rows, floatfmt: str = ".3g"):
    """A small HTML table of computed values, for a page to display (not a figure).

    Parameters
    ----------
    header : sequence of str
    rows : sequence of sequences
        Numbers are formatted with ``floatfmt`` (ints as they are).

    Returns
    -------
    IPython.display.HTML
    """
    import html

    from IPython.display import HTML

    def fmt(v):
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "no"
        if isinstance(v, (int, np.integer)):
            return f"{int(v):,}"
        if isinstance(v, (float, np.floating)):
            return "–" if not np.isfinite(v) else format(float(v), floatfmt)
        return html.escape(str(v))

    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{fmt(v)}</td>" for v in r) + "</tr>" for r in rows)
    return HTML(f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')


# ---------------------------------------------------------------------------
# Chapter: the JL lemma in numbers (jl_lab.bounds, jl_lab.projections)
# ---------------------------------------------------------------------------
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
        ax.semilogy(dims, exact[i], color=c, label=f"exact, eps = {e:g}")
        ax.semilogy(dims, np.minimum(bound[i], 1.0), color=c, ls="--", label=f"bound, eps = {e:g}")
    ax.set_xlabel("target dimension n")
    ax.set_ylabel(r"P(| ||Au||$^2$ - 1 | >= eps)")
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
        ax.plot(xs, c * xs, color=REFERENCE, ls=ls, lw=1, label=f"{name}: n = {c:g} log N / eps$^2$")
    for (name, (x, n)), marker in zip((bound_points or {}).items(), ["x", "+", "1", "2"]):
        ax.plot(x, n, marker, ls="none", color=REFERENCE, ms=7, label=f"{name} bound")
    for (name, (x, n)), marker in zip(results.items(), ["o", "s", "^", "D"]):
        ax.plot(x, n, marker, ls="none", ms=6, label=f"measured: {name}")
    ax.set_xlabel(r"log N / eps$^2$")
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
        ax.axvspan(1 - eps, 1 + eps, color=GREY, alpha=0.12, lw=0, label=f"1 +- eps, eps = {eps:g}")
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
    ax.set_ylabel("P(all pairs within 1 +- eps)" if eps is None else f"P(all pairs within 1 +- {eps:g})")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize=8, loc="lower right")
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
    ax.set_title(f"n = {n}: worst |ratio - 1| = {worst:.3f}, {verdict} 1 +- {eps:g}", fontsize=10)
    text = "\n".join(f"{k}: n >= {v}" for k, v in bound_dims.items())
    ax.text(0.99, 0.97, text, transform=ax.transAxes, ha="right", va="top", fontsize=8, family="monospace")
    ax.set_xlabel("squared distance after / before")
    ax.set_ylabel("pairs")
    return fig



# ---- Chapter: LSH by sign random projection ----
_LSH_LABELS = {
    "float": r"$\cos(Au, Av)$",
    "sign": r"$h = \cos(\mathrm{sign}\,Au, \mathrm{sign}\,Av)$",
    "corrected": r"$\sin(\pi h / 2)$",
}
# the same in plain text, for labels that carry changing numbers (mathtext is parsed anew for each string)
_LSH_PLAIN = {
    "float": "cos(Au, Av)",
    "sign": "h = cos(sign Au, sign Av)",
    "corrected": "sin(\u03c0h/2)",
}


@styled
def lsh_chain(out: dict):
    """Error of each link of the chain against the number of projections (from ``lsh.chain_errors``).

    Left: root-mean-square error over the pairs (markers) and its theory
    (lines: bias squared plus variance); the dotted line is the rms of the
    arcsine bias alone, the floor of the raw sign estimate.  Right: the largest
    error over the pairs, the quantity the JL lemma bounds.
    """
    fig, (ax1, ax2) = figure(ncols=2, width=8.4, height=3.5)
    n = out["n"]
    for c, kind in zip(PALETTE, ("float", "sign", "corrected")):
        ax1.loglog(n, out[f"{kind}_rms"], "o", color=c, label=_LSH_LABELS[kind])
        ax1.loglog(n, out[f"{kind}_rms_theory"], "-", color=c, lw=1)
        ax2.loglog(n, out[f"{kind}_max"], "o-", color=c, lw=1, label=_LSH_LABELS[kind])
    cos = out["cos"]
    floor = np.sqrt(np.mean((2 / np.pi * np.arcsin(cos) - cos) ** 2))
    ax1.axhline(floor, color=REFERENCE, ls=":", lw=1, label="rms of the arcsine bias")
    ax1.set_xlabel("projections n (bits for the sign estimates)")
    ax1.set_ylabel("rms error over the pairs")
    ax1.set_title("typical error (markers: measured, lines: theory)", fontsize=10)
    ax1.legend(fontsize=8)
    ax2.set_xlabel("projections n (bits for the sign estimates)")
    ax2.set_ylabel("largest error over the pairs")
    ax2.set_title(f"worst of {cos.size} pairs", fontsize=10)
    return fig


@styled
def lsh_arcsine(cos, h, n_bits: int, max_points: int = 5000, n_bins: int = 24):
    """Sign cosine against true cosine for real pairs, with the diagonal and Sheppard's arcsine curve.

    Left: a scatter of ``(cos, h)`` (an evenly spaced subset of at most
    ``max_points`` pairs).  Right: the bias ``h - cos``: the theoretical curve
    ``(2/pi) arcsin(rho) - rho``, the mean measured bias in ``n_bins`` bins of
    ``cos`` and the two extremes at ``rho = +-sqrt(1 - 4/pi^2)``.
    """
    cos = np.asarray(cos)
    h = np.asarray(h)
    fig, (ax1, ax2) = figure(ncols=2, width=8.4, height=3.6)
    step = max(1, cos.size // max_points)
    ax1.plot(cos[::step], h[::step], ".", ms=2, alpha=0.3, color=PALETTE[0], label=f"pairs ({n_bits} bits)")
    grid = np.linspace(-1, 1, 401)
    ax1.plot(grid, grid, color=REFERENCE, ls="--", lw=1, label=r"$h = \cos$ (the seed's approximation)")
    ax1.plot(grid, 2 / np.pi * np.arcsin(grid), color=PALETTE[1], lw=2, label=r"$h = \frac{2}{\pi}\arcsin(\cos)$")
    ax1.set_xlabel(r"true cosine $\rho = \cos(u, v)$")
    ax1.set_ylabel("sign cosine h")
    ax1.set_aspect("equal")
    ax1.legend(fontsize=8, loc="upper left")
    edges = np.linspace(cos.min(), cos.max(), n_bins + 1)
    which = np.clip(np.digitize(cos, edges) - 1, 0, n_bins - 1)
    counts = np.bincount(which, minlength=n_bins)
    sums = np.bincount(which, weights=h - cos, minlength=n_bins)
    centres = np.bincount(which, weights=cos, minlength=n_bins)
    ok = counts >= 20
    ax2.plot(grid, 2 / np.pi * np.arcsin(grid) - grid, color=PALETTE[1], lw=2, label="theory")
    ax2.plot(centres[ok] / counts[ok], sums[ok] / counts[ok], "o", color=PALETTE[0], ms=4, label="measured, binned mean")
    peak = np.sqrt(1 - 4 / np.pi**2)
    bias = 2 / np.pi * np.arcsin(peak) - peak
    ax2.plot([-peak, peak], [-bias, bias], "v", color=PALETTE[3], ms=7, label=rf"extremes at $\rho = \pm{peak:.3f}$")
    ax2.axhline(0, color=REFERENCE, lw=0.8)
    ax2.set_xlabel(r"true cosine $\rho$")
    ax2.set_ylabel(r"bias $h - \rho$")
    ax2.legend(fontsize=8)
    return fig


@styled
def lsh_variance(by_n: dict, by_rho: dict, float_bits: int = 32):
    """Spread of the estimators against bits, and the price of one bit against one float.

    Parameters
    ----------
    by_n : dict
        ``lsh.estimator_spread`` for one cosine and several ``n``: left panel,
        standard deviations (markers simulated, lines theory) against ``n``.
    by_rho : dict
        ``lsh.estimator_spread`` for several cosines and one ``n``: right panel,
        the variance ratio corrected / float (markers) with its theory curve and
        the line ``float_bits``, above which the float estimate wins at equal
        storage.
    """
    fig, (ax1, ax2) = figure(ncols=2, width=8.4, height=3.5)
    n = by_n["n"]
    rho = float(by_n["rho"][0])
    for c, kind in zip(PALETTE, ("float", "sign", "corrected")):
        ax1.loglog(n, np.sqrt(by_n[f"{kind}_var"][0]), "o", color=c, label=_LSH_LABELS[kind])
        ax1.loglog(n, np.sqrt(by_n[f"{kind}_var_theory"][0]), "-", color=c, lw=1)
    ax1.set_xlabel("projections n (bits)")
    ax1.set_ylabel("standard deviation")
    ax1.set_title(rf"one pair, $\rho$ = {rho:.3f}", fontsize=10)
    ax1.legend(fontsize=8)
    from . import lsh

    grid = np.linspace(-0.9999, 0.9999, 2001)
    ratio = lsh.variance_ratio(grid)
    sim = by_rho["corrected_var"][:, 0] / by_rho["float_var"][:, 0]
    ax2.semilogy(grid, ratio, color=PALETTE[2], lw=2, label=r"theory $\frac{\pi^2}{4}\frac{1-s^2}{1-\rho^2}$")
    ax2.semilogy(by_rho["rho"], sim, "o", color=PALETTE[2], ms=5, label=f"simulated, n = {int(by_rho['n'][0])}")
    ax2.axhline(float_bits, color=REFERENCE, ls="--", lw=1, label=f"{float_bits}: bits in one float")
    ax2.axhline(np.pi**2 / 4, color=GREY, ls=":", lw=1, label=r"$\pi^2/4$")
    ax2.fill_between(grid, 0.5, float_bits, where=ratio < float_bits, color=PALETTE[2], alpha=0.08, lw=0)
    ax2.set_ylim(1, 500)
    ax2.set_xlabel(r"true cosine $\rho$")
    ax2.set_ylabel("Var(corrected) / Var(float)")
    ax2.set_title("same number of projections", fontsize=10)
    ax2.legend(fontsize=8, loc="upper left")
    return fig


def _lsh_lattice_edges(h, n_bits: int, max_bins: int = 50):
    """Bin edges for sign cosines, which only take the values 1 - 2j/n: each edge halfway between two
    possible values, each bin holding the same number of them (no empty or doubled bins)."""
    step = 2.0 / n_bits
    group = max(1, int(np.ceil((h.max() - h.min()) / step / max_bins)))
    return np.arange(h.min() - step / 2, h.max() + step / 2 + group * step, group * step)


@styled
def lsh_estimates(est: dict):
    """Histograms of the float, raw sign and corrected estimates of one cosine (``lsh.simulate_cosine_estimates``).

    The sign estimates are discrete (multiples of ``2/n`` apart); their bins
    follow that lattice, and the corrected estimates use the same bins mapped
    through ``sin(pi h / 2)``, so no histogram shows artificial stripes.
    """
    rho, n = est["rho"], est["n_bits"]
    s = 2 / np.pi * np.arcsin(rho)
    # a fixed layout and plain-text labels whose numbers change (no mathtext to parse on every redraw):
    # the constrained layout and the parser took two thirds of the explorer's update
    fig, ax = figure(width=8.6, height=3.4, layout=None)
    fig.subplots_adjust(left=0.07, right=0.58, bottom=0.14, top=0.91)
    x = est["float"]
    sign_edges = _lsh_lattice_edges(est["sign"], n)
    edges = {
        "float": np.linspace(x.min(), x.max(), 41) if x.max() > x.min() else np.array([x.min() - 1e-3, x.min() + 1e-3]),
        "sign": sign_edges,
        "corrected": np.sin(np.pi * np.clip(sign_edges, -1, 1) / 2),
    }
    for c, kind in zip(PALETTE, ("float", "sign", "corrected")):
        x = est[kind]
        counts, e = np.histogram(x, bins=edges[kind])
        ax.stairs(counts / (x.size * np.diff(e)), e, fill=True, alpha=0.45, color=c,
                  label=f"{_LSH_PLAIN[kind]}: mean {x.mean():+.3f}, sd {x.std(ddof=1):.3f}")
    ax.axvline(rho, color=REFERENCE, lw=1.5, label=f"true \u03c1 = {rho:+.3f}")
    ax.axvline(s, color=PALETTE[1], ls="--", lw=1.5, label=f"(2/\u03c0) arcsin \u03c1 = {s:+.3f}")
    angle = np.degrees(np.arccos(np.clip(rho, -1, 1)))
    ax.set_title(f"angle {angle:.0f} degrees, {n} bits, {est['float'].size} draws of A", fontsize=10)
    ax.set_xlabel("estimate of the cosine")
    ax.set_ylabel("density")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


@styled
def lsh_index(sweep: dict):
    """Recall@k, fraction of the database compared, and query time of the LSH index (``lsh.index_sweep``)."""
    fig, (ax1, ax2, ax3) = figure(ncols=3, width=10.0, height=3.5)
    bits = sweep["n_bits"]
    for i, (c, L) in enumerate(zip(PALETTE, sweep["n_tables"])):
        ax1.plot(bits, sweep["recall"][i], "o", color=c, label=f"L = {L} tables")
        ax1.plot(bits, sweep["recall_theory"][i], "-", color=c, lw=1)
        ax2.semilogy(bits, sweep["scanned"][i], "o-", color=c, lw=1)
        ax3.semilogy(bits, 1e3 * sweep["query_seconds"][i], "o-", color=c, lw=1)
    k = sweep["k"]
    ax1.axhline(1, color=REFERENCE, ls="--", lw=1, label="brute force")
    ax2.axhline(1, color=REFERENCE, ls="--", lw=1)
    ax3.axhline(1e3 * sweep["brute_seconds"], color=REFERENCE, ls="--", lw=1, label="brute force")
    ax1.set_ylabel(f"recall@{k} (lines: theory)")
    ax1.set_ylim(-0.03, 1.05)
    ax1.legend(fontsize=8)
    ax2.set_ylabel("fraction of the database compared")
    ax3.set_ylabel("time per query (ms)")
    ax3.legend(fontsize=8)
    for ax in (ax1, ax2, ax3):
        ax.set_xlabel("bits per key b")
        ax.set_xticks(bits)
    fig.suptitle(f"N = {sweep['n_points']} points, {sweep['exact_cos'].shape[0]} queries", fontsize=10)
    return fig


# ---- Chapter: SVD as co-clustering of bigram data ----
_CC_METHODS = {
    "svd": ("SVD + k-means (chi-square scaled)", PALETTE[0], "o"),
    "svd-rows": ("SVD of P(B|A) + k-means (the seed's recipe)", PALETTE[5], "v"),
    "spectral": ("Dhillon's co-clustering", PALETTE[1], "s"),
    "em": ("EM, random start", PALETTE[3], "^"),
    "em-svd": ("EM started from SVD + k-means", PALETTE[2], "D"),
}


@styled
def cocluster_spectrum(spectra: dict, rank: int):
    """Singular values of ``P(B|A)``: the exact model's and estimates from texts of several lengths.

    ``spectra`` maps a legend label to the decreasing singular values; the
    dotted vertical line marks ``rank`` (``min(l, k)``), after which the exact
    model's values vanish.
    """
    fig, ax = figure(width=6.4, height=3.4)
    colours = [REFERENCE] + list(PALETTE)
    for (label, s), c in zip(spectra.items(), colours):
        s = np.asarray(s, dtype=float)
        ax.semilogy(np.arange(1, s.size + 1), np.maximum(s, 1e-17), "o-", ms=3, lw=1, color=c, label=label)
    ax.axvline(rank + 0.5, color=GREY, ls=":", lw=1)
    ax.text(rank + 0.7, 0.55, f"rank min(l, k) = {rank}", fontsize=8, color=GREY, va="center",
            transform=ax.get_xaxis_transform())
    ax.set_xlabel("index i")
    ax.set_ylabel(r"singular value $\sigma_i$ of $P(B\mid A)$")
    ax.legend(fontsize=8, loc="center right")
    return fig


@styled
def cocluster_factors(svd_factors, em_factors, n_words_shown: int | None = None):
    """The three factors of an SVD (top row) and of the EM fit (bottom row), as heatmaps.

    ``svd_factors = (U, s, Vt)``: drawn with a diverging map centred on zero,
    so that negative entries show.  ``em_factors = (P(C|A), P(D|C), P(B|D))``:
    drawn on [0, 1].  Rows and columns should already be ordered by the true
    classes of the words.
    """
    import matplotlib.colors as mcolors

    U, s, Vt = (np.asarray(x, dtype=float) for x in svd_factors)
    th, M, ph = (np.asarray(x, dtype=float) for x in em_factors)
    fig, axes = figure(ncols=3, nrows=2, width=9.0, height=5.6, gridspec_kw={"width_ratios": [1.2, 1.2, 4.0]})
    lim = max(np.abs(U).max(), np.abs(Vt).max())
    norm = mcolors.TwoSlopeNorm(vcenter=0.0, vmin=-lim, vmax=lim)
    panels = [
        (axes[0, 0], U, r"$U$ (words $\times$ r)", "RdBu_r", norm),
        (axes[0, 1], np.diag(s), r"$\Sigma$ (diagonal)", "Greys", None),
        (axes[0, 2], Vt, r"$V^T$ (r $\times$ words)", "RdBu_r", norm),
        (axes[1, 0], th, r"$P(C\mid A)$ (words $\times$ l)", "viridis", mcolors.Normalize(0, 1)),
        (axes[1, 1], M, r"$P(D\mid C)$ (l $\times$ k)", "viridis", mcolors.Normalize(0, 1)),
        (axes[1, 2], ph / ph.max(axis=1, keepdims=True), r"$P(B\mid D)$ / row max (k $\times$ words)",
         "viridis", mcolors.Normalize(0, 1)),
    ]
    from matplotlib.ticker import MaxNLocator

    images = []
    for ax, X, title, cmap, nrm in panels:
        images.append(ax.imshow(X, aspect="auto", cmap=cmap, norm=nrm, interpolation="nearest"))
        ax.set_title(title, fontsize=9)
        ax.grid(False)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    fig.colorbar(images[0], ax=axes[0, :], shrink=0.8, label="SVD entries (signed)")
    fig.colorbar(images[3], ax=axes[1, :], shrink=0.8, label="probability")
    return fig


@styled
def cocluster_recovery(result: dict, score_names=("NMI", "ARI")):
    """Class recovery against text length, from :func:`jl_lab.cocluster.recovery_curve`.

    A 2 x len(score_names) grid: row classes (top) and column classes
    (bottom); one line per method (mean over repeats, markers at each length).
    """
    n = np.asarray(result["n_tokens"])
    fig, axes = figure(ncols=len(score_names), nrows=2, width=9.0, height=6.0, sharex=True, sharey=True)
    axes = np.atleast_2d(axes)
    for j, name in enumerate(score_names):
        for i, side in enumerate(("row classes C", "column classes D")):
            ax = axes[i, j]
            for meth, scores in result["scores"].items():
                label, colour, marker = _CC_METHODS.get(meth, (meth, GREY, "o"))
                ax.semilogx(n, scores[name][:, :, i].mean(axis=1), marker=marker, ms=4, lw=1.2,
                            color=colour, label=label)
            ax.set_title(f"{side}: {name}", fontsize=10)
            ax.set_ylim(-0.05, 1.05)
            if i == 1:
                ax.set_xlabel("tokens in the text")
            if j == 0:
                ax.set_ylabel("score against the planted classes")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8)
    return fig


@styled
def cocluster_em_history(histories: dict, n_tokens: float):
    """EM log-likelihood per token against iteration, one line per start.

    ``histories`` maps a label to the log-likelihood history of a fit; lines
    whose label starts with ``"random"`` are drawn thin and grey-blue, the
    others thick.
    """
    fig, ax = figure(width=6.4, height=3.4)
    for idx, (label, h) in enumerate(histories.items()):
        h = np.asarray(h, dtype=float) / n_tokens
        random_start = label.startswith("random")
        ax.plot(np.arange(h.size), h, lw=0.9 if random_start else 2.0,
                color=PALETTE[5] if random_start else PALETTE[idx % 3], alpha=0.8 if random_start else 1.0,
                label=None if (random_start and not label.endswith("1")) else label)
    ax.set_xlabel("EM iteration")
    ax.set_ylabel("log-likelihood per token (nats)")
    ax.legend(fontsize=8, loc="lower right")
    return fig


@styled
def cocluster_matrix(counts, row_labels, col_labels, vocab, n_top: int = 6, title: str = ""):
    """A bigram matrix with rows and columns grouped by cluster, and the top words of each cluster.

    Top: the positive pointwise mutual information of each pair of words
    (:func:`jl_lab.cocluster.ppmi`), rows ordered by row cluster and columns by
    column cluster (heaviest clusters first, lines at the boundaries), so that
    class pairs that follow each other more often than chance show as dense
    blocks.  Bottom: the ``n_top`` most frequent words of each row cluster
    ``C1, C2, ...`` and each column cluster ``D1, D2, ...``, in the order of
    the axes.  With ``n_top=0`` the word panel is left out (see
    :func:`cocluster_words_table` for the same lists as an HTML table).
    """
    import scipy.sparse as sp

    from .cocluster import cluster_top_words, ppmi, reorder

    C = sp.csr_matrix(counts)
    ro, co, rb, cb = reorder(C, row_labels, col_labels)
    X = ppmi(C)[ro][:, co].toarray()
    if n_top == 0:
        fig, ax = figure(width=5.2, height=4.7)
        fig.set_layout_engine("none")
        ax.set_position((0.12, 0.12, 0.72, 0.84))
    else:
        fig, (ax, axt) = figure(nrows=2, width=6.8, height=7.9, gridspec_kw={"height_ratios": [3.4, 0.8]})
        # a fixed layout: the constrained layout engine would cost more than the rest of a redraw
        fig.set_layout_engine("none")
        ax.set_position((0.1, 0.26, 0.74, 0.72))
        axt.set_position((0.1, 0.0, 0.88, 0.2))
    vmax = np.quantile(X[X > 0], 0.99) if np.any(X > 0) else 1.0
    im = ax.imshow(X, aspect="equal", cmap="magma_r", interpolation="nearest", vmin=0, vmax=vmax)
    for b in rb:
        ax.axhline(b - 0.5, color=PALETTE[0], lw=0.6)
    for b in cb:
        ax.axvline(b - 0.5, color=PALETTE[0], lw=0.6)
    ax.grid(False)
    r_edges = np.concatenate([[0], rb, [C.shape[0]]])
    c_edges = np.concatenate([[0], cb, [C.shape[1]]])
    ax.set_yticks((r_edges[:-1] + r_edges[1:]) / 2 - 0.5, [f"C{i + 1}" for i in range(len(r_edges) - 1)],
                  fontsize=8)
    ax.set_xticks((c_edges[:-1] + c_edges[1:]) / 2 - 0.5, [f"D{i + 1}" for i in range(len(c_edges) - 1)],
                  fontsize=8, rotation=90)
    ax.set_ylabel("first word A, grouped by row cluster")
    ax.set_xlabel("second word B, grouped by column cluster")
    ax.apply_aspect()
    box = ax.get_position()
    cax = fig.add_axes((box.x1 + 0.02, box.y0 + 0.15 * box.height, 0.025, 0.7 * box.height))
    fig.colorbar(im, cax=cax, label="PPMI (nats)")
    if n_top == 0:
        if title:
            fig.suptitle(title, fontsize=10)
        return fig
    rw = np.asarray(C.sum(axis=1)).ravel()
    cw = np.asarray(C.sum(axis=0)).ravel()
    rows_top = cluster_top_words(row_labels, vocab, rw, n_top)
    cols_top = cluster_top_words(col_labels, vocab, cw, n_top)
    left = ["Row clusters (first word):"] + [f"C{i + 1}: " + " ".join(map(str, w)) for i, (_, w) in enumerate(rows_top)]
    right = ["Column clusters (second word):"] + [
        f"D{i + 1}: " + " ".join(map(str, w)) for i, (_, w) in enumerate(cols_top)
    ]
    axt.axis("off")
    fs, width = (8, 40) if max(len(left), len(right)) <= 11 else (6.5, 50)

    def fit(line):  # cut at a word boundary so that the two columns never overlap
        return line if len(line) <= width else line[: line.rfind(" ", 0, width)] + " …"

    for x, lines in ((0.0, left), (0.52, right)):
        axt.text(x, 1.0, "\n".join(map(fit, lines)), va="top", ha="left", family="monospace", fontsize=fs,
                 transform=axt.transAxes)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def cocluster_words_table(counts, row_labels, col_labels, vocab, n_top: int = 8):
    """The ``n_top`` most frequent words of each row and column cluster, as an HTML table.

    Clusters are ordered by weight as in :func:`cocluster_matrix` (``C1`` and
    ``D1`` heaviest), so the labels match its axes.
    """
    import scipy.sparse as sp

    from .cocluster import cluster_top_words

    C = sp.csr_matrix(counts)
    rows_top = cluster_top_words(row_labels, vocab, np.asarray(C.sum(axis=1)).ravel(), n_top)
    cols_top = cluster_top_words(col_labels, vocab, np.asarray(C.sum(axis=0)).ravel(), n_top)
    n = max(len(rows_top), len(cols_top))
    body = []
    for i in range(n):
        left = " ".join(map(str, rows_top[i][1])) if i < len(rows_top) else ""
        right = " ".join(map(str, cols_top[i][1])) if i < len(cols_top) else ""
        body.append((f"C{i + 1}" if i < len(rows_top) else "", left, f"D{i + 1}" if i < len(cols_top) else "", right))
    return table(["row cluster", "top first words", "column cluster", "top second words"], body)


# ---- Chapter: random projection versus PCA ----
#: One colour and marker per reducer kind, the same in every figure of the chapter.
RP_STYLE = {
    "gaussian": (PALETTE[0], "o"),
    "achlioptas": (PALETTE[1], "s"),
    "very-sparse": (PALETTE[2], "^"),
    "srht": (PALETTE[4], "D"),
    "pca": (PALETTE[3], "v"),
}
_RP_FLOOR = 1e-3


def _rp_rows(table, kind):
    sel = table[table["kind"] == kind]
    return sel[np.argsort(sel["n"])]


def _rp_log2_axis(ax, ns):
    ax.set_xscale("log", base=2)
    ax.set_xticks(ns)
    ax.set_xticklabels([str(int(v)) for v in ns], fontsize=8)
    ax.minorticks_off()


@styled
def rp_spectra(spectra: dict, level: float = 0.9):
    """Share of the total variance kept by the first ``n`` principal components, one curve per data set.

    ``spectra`` maps a data-set label to its variances in decreasing order
    (``reducers.pca_spectrum``).  A dot marks the smallest ``n`` that keeps
    ``level`` of the variance; the legend gives it, and the number of variances.
    """
    fig, ax = figure(width=6.4, height=3.4)
    for (name, lam), c in zip(spectra.items(), PALETTE):
        share = np.cumsum(lam) / np.sum(lam)
        n = np.arange(1, share.size + 1)
        i = int(np.searchsorted(share, level))
        ax.plot(n, share, color=c, label=f"{name}: {level:.0%} at n = {n[i]} of {lam.size}")
        ax.plot(n[i], share[i], "o", color=c)
    ax.axhline(level, color=GREY, ls=":", lw=1)
    ax.set_xscale("log", base=2)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("number of principal components n")
    ax.set_ylabel("share of variance kept")
    ax.legend(loc="lower right", fontsize=8)
    return fig


@styled
def rp_accuracy(tables: dict):
    """What each reducer keeps, against the target dimension, one row per data set.

    ``tables`` maps a data-set label to a ``reducers.sweep`` table.  Left
    column: median (solid) and worst (dashed) of ``|r - 1|`` over all pairs,
    ``r`` the ratio of squared distances after and before (log scale; values
    below 1e-3, the exact maps, are drawn at 1e-3).  Right column: the mean
    fraction of the 10 nearest neighbours kept.
    """
    nrow = len(tables)
    fig, axes = figure(ncols=2, nrows=nrow, width=7.6, height=2.9 * nrow, squeeze=False)
    for i, (name, table) in enumerate(tables.items()):
        left, right = axes[i, 0], axes[i, 1]
        for kind, (c, m) in RP_STYLE.items():
            rows = _rp_rows(table, kind)
            if rows.size == 0:
                continue
            n = rows["n"]
            left.plot(n, np.maximum(rows["median"], _RP_FLOOR), "-", marker=m, ms=4, color=c, label=kind)
            left.plot(n, np.maximum(rows["worst"], _RP_FLOOR), "--", marker=m, ms=3, color=c, lw=1, alpha=0.8)
            right.plot(n, rows["knn"], "-", marker=m, ms=4, color=c, label=kind)
        ns = np.unique(table["n"])
        for ax in (left, right):
            _rp_log2_axis(ax, ns)
        left.set_title(f"{name}: |r - 1|, median (solid) and worst (dashed)", fontsize=9, loc="left")
        right.set_title(f"{name}: share of 10 nearest neighbours kept", fontsize=9, loc="left")
        left.set_yscale("log")
        left.axhline(1.0, color=GREY, lw=0.8, ls=":")
        left.set_ylabel("|r - 1|")
        right.set_ylim(0, 1.02)
        right.set_ylabel("10-NN kept")
    axes[0, 1].legend(fontsize=8, loc="upper left")
    for ax in axes[-1]:
        ax.set_xlabel("target dimension n")
    return fig


@styled
def rp_variance_check(points):
    """Measured against predicted variance of the distance ratio, for the random kinds.

    ``points`` is a sequence of ``(kind, data_label, predicted, measured)``:
    the prediction is the mean of ``reducers.ratio_variance`` over random
    pairs, the measurement the variance of the ratios over all pairs of one
    draw.  Colour: kind; marker: data set.  The diagonal is perfect agreement.
    """
    fig, ax = figure(width=5.6, height=4.2)
    markers = {}
    lo, hi = np.inf, 0.0
    for kind, data, pred, meas in points:
        m = markers.setdefault(data, "osD^v<>"[len(markers) % 7])
        c = RP_STYLE[kind][0]
        ax.loglog(pred, meas, m, color=c, ms=6, mfc="none" if kind in ("achlioptas", "srht") else c, alpha=0.85)
        lo, hi = min(lo, pred, meas), max(hi, pred, meas)
    line = np.array([lo / 1.5, hi * 1.5])
    ax.plot(line, line, color=REFERENCE, lw=0.8)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=RP_STYLE[k][0], marker="o", ls="", label=k)
               for k in dict.fromkeys(p[0] for p in points)]
    handles += [Line2D([], [], color=GREY, marker=m, ls="", mfc="none", label=d) for d, m in markers.items()]
    ax.legend(handles=handles, fontsize=8, loc="upper left")
    ax.set_xlabel("predicted Var(r)  (mean over pairs of the formula)")
    ax.set_ylabel("measured Var(r)  (over all pairs, one draw)")
    return fig


@styled
def rp_costs(table, pca_label: str = "PCA fit (once)"):
    """Time to map the points and memory of the map, against the target dimension.

    Left: seconds to transform all points, per kind (log-log); the dashed
    horizontal line is the time to fit PCA (a full eigendecomposition, the same
    for every ``n``).  Right: bytes stored by the map.
    """
    fig, (ax1, ax2) = figure(ncols=2, width=8.8, height=3.6)
    for kind, (c, m) in RP_STYLE.items():
        rows = _rp_rows(table, kind)
        if rows.size == 0:
            continue
        n = rows["n"]
        ax1.loglog(n, rows["transform_seconds"], "-", marker=m, ms=4, color=c, label=kind)
        ax2.loglog(n, rows["nbytes"], "-", marker=m, ms=4, color=c, label=kind)
        if kind == "pca":
            ax1.axhline(rows["fit_seconds"][0], color=c, ls="--", lw=1, label=pca_label)
    ns = np.unique(table["n"])
    for ax in (ax1, ax2):
        _rp_log2_axis(ax, ns)
        ax.set_xlabel("target dimension n")
    lo, hi = ax1.get_ylim()
    ax1.set_ylim(lo, hi * 4)  # room above the PCA line
    ax1.set_ylabel("seconds to map all points")
    ax2.set_ylabel("bytes stored by the map")
    handles, labels = ax1.get_legend_handles_labels()
    ax2.legend(handles, labels, fontsize=8, loc="upper left")
    return fig


@styled
def rp_out_of_sample(curves: dict):
    """Neighbours kept when the map is fitted on other points than those it maps.

    ``curves`` maps a panel title to a dict ``{label: (n, knn)}``; labels that
    start with "PCA" are drawn in the PCA colour (solid: fitted on the same
    points, dashed: fitted on other points), others in the Gaussian colour.
    """
    ncol = len(curves)
    fig, axes = figure(ncols=ncol, width=4.2 * ncol, height=3.5, squeeze=False)
    for ax, (title, lines) in zip(axes[0], curves.items()):
        for label, (n, knn) in lines.items():
            kind = "pca" if label.lower().startswith("pca") else "gaussian"
            c, m = RP_STYLE[kind]
            ls = "--" if ("other" in label or "unseen" in label) else "-"
            ax.plot(n, knn, ls, marker=m, ms=4, color=c, label=label)
            ns = n
        _rp_log2_axis(ax, ns)
        ax.set_ylim(0, 1.02)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("target dimension n")
        ax.legend(fontsize=8, loc="upper left")
    axes[0, 0].set_ylabel("share of 10 nearest neighbours kept")
    return fig


@styled
def rp_stored_maps(rows: dict, shape=(8, 8)):
    """What a map stores, drawn as images: one row of panels per map.

    ``rows`` maps a row label to a list of ``(title, vector)``; each vector is
    reshaped to ``shape`` and drawn in grey levels (its own colour scale).
    """
    nrow = len(rows)
    ncol = max(len(v) for v in rows.values())
    fig, axes = figure(ncols=ncol, nrows=nrow, width=1.45 * ncol, height=1.7 * nrow, squeeze=False)
    for i, (label, items) in enumerate(rows.items()):
        for j in range(ncol):
            ax = axes[i, j]
            ax.axis("off")
            if j < len(items):
                title, vec = items[j]
                ax.imshow(np.asarray(vec).reshape(shape), cmap="gray_r", interpolation="nearest")
                ax.set_title(title, fontsize=8)
        axes[i, 0].text(-0.15, 0.5, label, transform=axes[i, 0].transAxes, ha="right", va="center",
                        fontsize=9, rotation=90)
    return fig


# ---- Chapter: randomized SVD ----
_RSVD_STYLE = {
    "recipe": (PALETTE[3], "o-", "seed recipe, Gaussian $Q$"),
    "recipe_qr": (PALETTE[2], "s-", "seed recipe, orthonormalized $Q$"),
    "fixed": (PALETTE[0], "^-", r"$U_B U_B^\top M$ (same $U_B$)"),
    "optimal": (REFERENCE, "--", r"optimal $\sigma_{k+1}$"),
}


@styled
def rsvd_seed_recipe(results: list, titles: list):
    """Spectral error over ``sigma_1`` against ``k`` for the seed's recipe and its fix.

    One panel per dict from :func:`jl_lab.rsvd.seed_recipe_errors`.  Exact
    zeros (the optimal error beyond the rank) are drawn at the bottom edge.
    """
    fig, axes = figure(ncols=len(results), width=4.3 * len(results), height=3.5, squeeze=False)
    for ax, out, title in zip(axes[0], results, titles):
        floor = 1e-17
        for key, (color, fmt, label) in _RSVD_STYLE.items():
            ax.semilogy(out["k"], np.maximum(out[key], floor), fmt, color=color, label=label, lw=1.2, ms=4)
        ax.set_ylim(floor * 0.5, 30)
        ax.set_xlabel("number of random columns k")
        ax.set_title(title, fontsize=10)
    axes[0, 0].set_ylabel(r"$\|M - \hat M\|_2 \,/\, \|M\|_2$")
    axes[0, 0].legend(fontsize=8, loc="center right")
    return fig


@styled
def rsvd_qqt(eig_gauss, eig_orth, n: int, k: int, z=None):
    """Eigenvalues of ``Q Q^T`` (n x n) next to those of ``I``, and standardized entry errors.

    Left: the ``n`` eigenvalues, largest first, for Gaussian ``Q`` (N(0, 1/k)
    entries) and orthonormalized ``Q``: ``k`` nonzero ones (those of ``Q^T Q``)
    and ``n - k`` zeros.  Right (if ``z`` is given): histogram of the entry
    errors of ``M Q Q^T`` divided by their predicted standard deviation, with
    the standard normal density.
    """
    ncols = 1 if z is None else 2
    fig, axes = figure(ncols=ncols, width=4.3 * ncols, height=3.4, squeeze=False)
    ax = axes[0, 0]
    idx = np.arange(1, n + 1)
    for vals, color, label in ((eig_gauss, PALETTE[3], r"Gaussian $Q$, $N(0, 1/k)$"),
                               (eig_orth, PALETTE[2], r"orthonormalized $Q$")):
        full = np.zeros(n)
        full[:k] = np.sort(np.asarray(vals))[::-1]
        ax.plot(idx, full, color=color, lw=2, label=label)
    ax.axhline(1.0, color=REFERENCE, ls="--", lw=1, label=r"$I_n$: all eigenvalues 1")
    ax.axvline(k, color=GREY, ls=":", lw=1)
    ax.text(k, ax.get_ylim()[1] * 0.9, f" k = {k}", color=GREY, fontsize=8, va="top")
    ax.set_xlabel("eigenvalue index (largest first)")
    ax.set_ylabel(r"eigenvalue of $QQ^\top$")
    ax.set_title(f"$QQ^\\top$ for an {n} x {k} matrix $Q$", fontsize=10)
    ax.legend(fontsize=8)
    if z is not None:
        ax2 = axes[0, 1]
        z = np.asarray(z).ravel()
        ax2.hist(z, bins=60, density=True, color=PALETTE[0], alpha=0.7, label="measured")
        grid = np.linspace(-4.5, 4.5, 300)
        ax2.plot(grid, np.exp(-grid**2 / 2) / np.sqrt(2 * np.pi), color=REFERENCE, lw=1.2, label="N(0, 1)")
        ax2.set_xlim(-4.5, 4.5)
        ax2.set_xlabel(r"$((MQQ^\top)_{ij} - M_{ij}) \,/\, \sqrt{(\|m_i\|^2 + M_{ij}^2)/k}$")
        ax2.set_ylabel("density")
        ax2.set_title("unbiased, with the predicted spread", fontsize=10)
        ax2.legend(fontsize=8, loc="upper right")
    return fig


@styled
def rsvd_error_sweep(sweeps: list, titles: list):
    """Range-finder error over ``sigma_{k+1}`` against oversampling, per number of power iterations.

    One panel per dict from :func:`jl_lab.rsvd.error_sweep`: the mean over
    trials (markers joined by solid lines), each trial (small dots) and the HMT
    bound (dashed, same colour).
    """
    fig, axes = figure(ncols=len(sweeps), width=4.3 * len(sweeps), height=4.2, squeeze=False, sharey=True)
    for ax, out, title in zip(axes[0], sweeps, titles):
        ps = out["oversamples"]
        for i, (q, color) in enumerate(zip(out["power_iters"], PALETTE)):
            r = out["ratio"][i]
            ax.semilogy(np.repeat(ps, r.shape[1]), r.ravel(), ".", color=color, ms=2.5, alpha=0.5)
            ax.semilogy(ps, r.mean(axis=1), "o-", color=color, ms=4, label=f"q = {q}: measured mean")
            ax.semilogy(ps, out["bound"][i], "--", color=color, lw=1.2, label=f"q = {q}: HMT bound")
        ax.axhline(1.0, color=REFERENCE, lw=0.8)
        ax.set_xlabel("oversampling p")
        ax.set_title(title, fontsize=10)
    axes[0, 0].set_ylabel(r"$\|M - QQ^\top M\|_2 \,/\, \sigma_{k+1}$")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=8)
    return fig


@styled
def rsvd_power_spectra(spectra: dict, k: int, power_iters=(0, 1, 2)):
    """Singular values of ``(M M^T)^q M``, i.e. ``sigma_j^{2q+1}``, normalized by the first.

    ``spectra`` maps a label to the singular values of ``M``; one panel per
    entry, one curve per ``q``; the dotted line marks ``j = k + 1``.
    """
    fig, axes = figure(ncols=len(spectra), width=4.3 * len(spectra), height=3.3, squeeze=False, sharey=True)
    for ax, (label, s) in zip(axes[0], spectra.items()):
        s = np.asarray(s, dtype=float)
        j = np.arange(1, s.size + 1)
        for q, color in zip(power_iters, PALETTE):
            ax.loglog(j, (s / s[0]) ** (2 * q + 1), color=color, lw=1.8, label=f"q = {q}")
        ax.axvline(k + 1, color=GREY, ls=":", lw=1)
        ax.set_xlabel("index j")
        ax.set_title(label, fontsize=10)
    axes[0, 0].set_ylabel(r"$(\sigma_j / \sigma_1)^{2q+1}$")
    axes[0, 0].legend(fontsize=8)
    return fig


@styled
def rsvd_normalizers(out: dict, times: dict, time_title: str = "sparse 20000 x 5000, q = 2"):
    """Accuracy and cost of the ways to normalize power iterations.

    Left: rank-``k`` error over ``sigma_{k+1}`` against ``sigma_{k+1}/sigma_1``
    (from :func:`jl_lab.rsvd.normalizer_errors`).  Right: time per call (ms) of
    each normalizer, from ``times`` (normalizer -> seconds), titled ``time_title``.
    """
    fig, (ax1, ax2) = figure(ncols=2, width=8.6, height=3.4, gridspec_kw={"width_ratios": [1.6, 1]})
    for name, row, color in zip(out["normalizers"], out["ratio"], PALETTE):
        ax1.loglog(out["depth"], row, "o-", color=color, ms=4, label=name)
    ax1.axhline(1.0, color=REFERENCE, lw=0.8)
    ax1.axvline(np.sqrt(np.finfo(float).eps), color=GREY, ls=":", lw=1)
    ax1.text(np.sqrt(np.finfo(float).eps), ax1.get_ylim()[1], r" $\sqrt{\epsilon}$", color=GREY, va="top", fontsize=8)
    ax1.invert_xaxis()
    ax1.set_xlabel(r"depth of the target: $\sigma_{k+1} / \sigma_1$")
    ax1.set_ylabel(r"$\|M - U\Sigma V^\top\|_2 \,/\, \sigma_{k+1}$")
    ax1.legend(fontsize=8, title="normalizer", title_fontsize=8)
    names = list(times)
    ax2.barh(names, [1e3 * times[n] for n in names], color=[PALETTE[i % len(PALETTE)] for i in range(len(names))])
    ax2.invert_yaxis()
    ax2.set_xlabel("time per call (ms)")
    ax2.set_title(time_title, fontsize=10)
    return fig


@styled
def rsvd_timings(panels: dict, sigma_next: dict):
    """Time of each solver (bars, log scale), labelled with its error over ``sigma_{k+1}``.

    ``panels`` maps a panel title to the output of
    :func:`jl_lab.rsvd.compare_solvers`; ``sigma_next`` maps the same titles to
    the optimal error ``sigma_{k+1}``.
    """
    fig, axes = figure(ncols=len(panels), width=4.4 * len(panels), height=2.9, squeeze=False)
    for ax, (title, res) in zip(axes[0], panels.items()):
        names = list(res)
        t = np.array([res[n]["time"] for n in names])
        ax.barh(names, t, color=[PALETTE[i % len(PALETTE)] for i in range(len(names))])
        ax.set_xscale("log")
        ax.invert_yaxis()
        for i, n in enumerate(names):
            ax.text(t[i] * 1.08, i, f"{1e3 * t[i]:.0f} ms, err {res[n]['error'] / sigma_next[title]:.3f}",
                    va="center", fontsize=8)
        ax.set_xlim(t.min() / 2, t.max() * 40)
        ax.set_xlabel(r"seconds (best of repeats); err = error / $\sigma_{k+1}$")
        ax.set_title(title, fontsize=10)
        ax.grid(axis="y", visible=False)
    return fig


@styled
def rsvd_compression(img, curve: dict, show=(0, 2, 4)):
    """An image and three low-rank reconstructions (top), error against storage (bottom).

    ``curve`` is the output of :func:`jl_lab.rsvd.compression_curve`; ``show``
    lists indices into its ranks whose reconstructions are drawn.
    """
    fig, axes = figure(ncols=4, nrows=2, width=9.0, height=6.0, gridspec_kw={"height_ratios": [1.25, 1]})
    images = [("original", img)] + [
        (f"k = {curve['k'][i]}: {100 * curve['storage'][i]:.1f}% of the numbers", curve["images"][i]) for i in show
    ]
    for ax, (title, im) in zip(axes[0], images):
        ax.imshow(np.clip(im, 0, 1), cmap="gray", vmin=0, vmax=1)
        ax.set_title(title, fontsize=8)
        ax.axis("off")
    gs = axes[1, 0].get_gridspec()
    for ax in axes[1]:
        ax.remove()
    ax = fig.add_subplot(gs[1, :])
    ax.loglog(curve["storage"], curve["error"], "o-", color=PALETTE[0], label="randomized SVD (q = 2, p = 10)")
    ax.loglog(curve["storage"], curve["optimal"], "--", color=REFERENCE, lw=1, label="truncated exact SVD (optimal)")
    for x, y, k in zip(curve["storage"], curve["error"], curve["k"]):
        ax.annotate(f"k={k}", (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7)
    ax.set_xlabel("storage: k(m + n + 1) / (m n)")
    ax.set_ylabel(r"$\|M - M_k\|_F / \|M\|_F$")
    ax.legend(fontsize=8)
    return fig


@styled
def rsvd_view(report: dict):
    """One view of the randomized-SVD explorer, from :func:`jl_lab.rsvd.approximation_report`.

    Left: the true spectrum, the ``k`` estimated singular values, and four
    horizontal levels: the optimal error ``sigma_{k+1}``, the range-finder error
    ``||M - QQ^T M||``, the rank-``k`` error and the HMT bound on the
    range-finder error (each labelled with its ratio to ``sigma_{k+1}``).
    The x-axis shows the first ``4k + 10`` indices.  Right: the reconstruction
    (a 2-D image in [0, 1], drawn at half resolution).  Plain-text labels and
    tick labels (no mathtext), no minor ticks and a four-entry legend keep a
    redraw within the explorer's budget.
    """
    # fixed margins instead of figure()'s constrained layout: the layout pass is a third of a redraw
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.4, 3.2), gridspec_kw={"width_ratios": [1.4, 1]})
    plt.close(fig)
    fig.subplots_adjust(left=0.08, right=0.99, bottom=0.15, top=0.9, wspace=0.12)
    s, k, opt = report["s_true"], report["k"], report["optimal"]
    j = np.arange(1, s.size + 1)
    ax1.semilogy(j, s, color=GREY, lw=1.5)
    ax1.semilogy(j[:k], report["s_est"], "o", color=PALETTE[0], ms=3)
    levels = (
        (opt, REFERENCE, "--", "\u03c3(k+1), optimal"),
        (report["range_error"], PALETTE[1], "-", "range finder"),
        (report["error"], PALETTE[0], "-", "rank-k error"),
        (report["bound"], PALETTE[3], ":", "HMT bound"),
    )
    for value, color, ls, label in levels:
        ax1.axhline(value, color=color, ls=ls, lw=1.2, label=f"{label}: {value / opt:.2f} \u03c3(k+1)")
    xmax = min(s.size, 4 * k + 10)
    shown = [s[xmax - 1]] + [v for v, *_ in levels]
    ax1.set_xlim(0, xmax + 1)
    ax1.set_ylim(min(shown) * 0.6, max(max(shown), s[0]) * 12)  # headroom for the legend
    ax1.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax1.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:g}"))
    ax1.set_xlabel(f"index j (the first {xmax} of {s.size})")
    ax1.set_ylabel("\u03c3_j (line: true, dots: estimated), errors", fontsize=8)
    ax1.legend(fontsize=7, loc="upper right")
    ax1.set_title(f"k = {k}, p = {report['oversample']}, q = {report['power_iters']}", fontsize=10)
    rec = np.clip(np.asarray(report["reconstruction"])[::2, ::2], 0, 1)
    ax2.imshow(rec, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax2.set_title(f"rank {k}: {100 * report['storage']:.1f}% of the numbers", fontsize=10)
    ax2.axis("off")
    return fig


# ---- Chapter: the dimension formula and attention head size ----
_ATTN_STYLE = {
    "sparse": (PALETTE[0], "o"),
    "local": (PALETTE[2], "s"),
    "low-rank": (PALETTE[4], "D"),
    "dirichlet": (PALETTE[3], "^"),
}


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
def attn_head_size_sweep(L, results: dict, caps, entropy_lines: dict, reference: int = 64):
    """Minimal head size against sequence length for each target family (log-log axes).

    ``results[family]`` holds the minimal ``d`` per ``L``.  ``caps`` is the
    largest head size tried: one number, or a dict ``family -> array over L``;
    a result above its cap ("not reached") is drawn as an open triangle at the
    cap.  ``entropy_lines`` maps a label to ``(curve over L, line style)``.
    """
    L = np.asarray(L)
    fig, ax = figure(width=7.0, height=4.0)
    for label, (curve, ls) in entropy_lines.items():
        ax.plot(L, curve, ls=ls, color=GREY, lw=1.3, label=label)
    ax.axhline(reference, color=PALETTE[1], lw=1, ls=(0, (1, 1)), label=f"d = {reference}")
    for fam, d in results.items():
        color, marker = _ATTN_STYLE.get(fam, (PALETTE[5], "v"))
        d = np.asarray(d)
        cap = np.broadcast_to(np.asarray(caps[fam] if isinstance(caps, dict) else caps), d.shape)
        ok = d <= cap
        ax.plot(L[ok], d[ok], marker + "-", color=color, ms=5, lw=1.5, label=fam)
        if np.any(~ok):
            ax.plot(L[~ok], cap[~ok], "^", mfc="white", color=color, ms=9,
                    label=f"{fam}: more than " + ", ".join(str(int(c)) for c in cap[~ok]))
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xlabel("sequence length L")
    ax.set_ylabel("smallest head size d reaching the tolerance")
    ax.legend(fontsize=7.5, loc="upper left", ncol=2)
    return fig


@styled
def attn_logit_bound(B, d_min, d_max: int, b_necessary: float, d_unbounded: int):
    """Minimal head size against the logit bound ``B`` of a QK-normalised head (sparse target)."""
    B = np.asarray(B, dtype=float)
    d_min = np.asarray(d_min)
    fig, ax = figure(width=6.4, height=3.6)
    ok = d_min <= d_max
    ax.plot(B[ok], d_min[ok], "o-", color=PALETTE[0], ms=5, label="smallest d (fit)")
    if np.any(~ok):
        ax.plot(B[~ok], np.full((~ok).sum(), d_max), "^", mfc="white", color=PALETTE[3], ms=9,
                label=f"not reached with d ≤ {d_max}")
    ax.axvline(b_necessary, color=REFERENCE, ls="--", lw=1.2, label=f"necessary bound B = {b_necessary:.2f}")
    ax.axhline(d_unbounded, color=GREY, ls=":", lw=1.2, label=f"unbounded logits: d = {d_unbounded}")
    ax.set_yscale("log", base=2)
    ax.set_xlabel("logit bound B (logits = B cos(q, k))")
    ax.set_ylabel("smallest head size d")
    ax.legend(fontsize=8)
    return fig


@styled
def attn_fit_view(P, A, title: str = ""):
    """The target attention matrix next to its fit (same colour scale), and the worst row of both.

    Kept light (no colour bar, two ticks per heat-map axis) so that the
    explorer redraws within its 200 ms budget; the colour runs from 0 (dark)
    to the largest weight of either matrix (yellow).
    """
    P, A = np.asarray(P), np.asarray(A)
    L = P.shape[0]
    # a fixed layout, not figure()'s constrained one, which doubles the redraw time of the explorer
    fig = matplotlib.figure.Figure(figsize=(9.5, 3.3))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.3]})
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.15, top=0.80, wspace=0.3)
    vmax = float(max(P.max(), A.max()))
    for ax, M, name in ((axes[0], P, "target P"), (axes[1], A, "fit softmax(QKᵀ)")):
        ax.imshow(M, vmin=0, vmax=vmax, cmap="viridis", interpolation="nearest")
        ax.grid(False)
        ax.set_xticks([0, L - 1])
        ax.set_yticks([0, L - 1])
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("key j")
    axes[0].set_ylabel("query i")
    tv = 0.5 * np.abs(P - A).sum(axis=1)
    i = int(np.argmax(tv))
    j = np.arange(L)
    axes[2].plot(j, P[i], color=REFERENCE, lw=1.2, label="target")
    axes[2].plot(j, A[i], color=PALETTE[3], lw=1.2, ls="--", label="fit")
    axes[2].set_title(f"worst row i = {i}: TV = {tv[i]:.3f}", fontsize=10)
    axes[2].set_xlabel("key j")
    axes[2].set_ylabel("attention weight")
    axes[2].legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


# ---- Frame sliders (static pages) ----
# A frame slider is the static page's answer to an ipywidgets explorer: the figure is drawn at build
# time for a handful of values of one parameter, each frame is kept as an inline PNG, and a range input
# swaps them in the browser.  Plain HTML and a one-line ``oninput`` handler: no kernel, no external
# script, no require.js, nothing fetched from anywhere (the frames are ``data:`` URIs).  DOM contract
# (tests/test_frames.py; the browser test relies on it): ``div.jl-frames`` > ``figure`` holding
# ``img.jl-frames-img`` (its ``alt`` changes with the frame), ``input.jl-frames-slider[type=range]``
# with an ``aria-label``, ``output.jl-frames-value`` (the visible current value) and ``figcaption``.
from ._validation import check_choice as _check_choice  # noqa: E402
from ._validation import check_int as _check_int  # noqa: E402


class FrameSlider:
    """Frames of one figure over one parameter, shown with a slider that needs no kernel.

    Made by :func:`frame_slider`; a cell whose last expression is a
    ``FrameSlider`` displays it (``_repr_html_``).

    Attributes
    ----------
    values : tuple
        The parameter values, one per frame.
    labels : tuple of str
        ``"<label> = <formatted value>"``, shown next to the slider.
    alts : tuple of str
        Alt text of each frame; each states the parameter value.
    pngs : tuple of bytes
        The frames, PNG files of identical pixel size ``size``.
    size : tuple of int
        ``(width, height)`` of every frame in pixels.
    label, caption : str
        Name of the parameter and the caption under the figure.
    initial : int
        Index of the frame shown when the page loads.
    """

    def __init__(self, values, labels, alts, pngs, size, label, caption, initial):
        self.values = tuple(values)
        self.labels = tuple(labels)
        self.alts = tuple(alts)
        self.pngs = tuple(pngs)
        self.size = tuple(size)
        self.label = label
        self.caption = caption
        self.initial = initial

    @property
    def nbytes(self) -> int:
        """Bytes of the HTML the slider adds to a page (frames in base64 included)."""
        return len(self.to_html().encode())

    def __len__(self) -> int:
        return len(self.pngs)

    def __repr__(self) -> str:
        return (f"FrameSlider({self.label!r}: {len(self)} frames of {self.size[0]}x{self.size[1]} px, "
                f"{self.nbytes / 1024:.0f} kB)")

    def to_html(self) -> str:
        """The self-contained HTML of the slider (see the DOM contract at the top of this section)."""
        import base64
        import html
        import json

        def uri(png: bytes) -> str:
            return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

        i0 = self.initial
        # the shown frame's image is read back from the <img> (src null here): no frame is stored twice
        data = [{"src": None if i == i0 else uri(p), "alt": a, "label": t}
                for i, (p, a, t) in enumerate(zip(self.pngs, self.alts, self.labels))]
        blob = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
        blob = blob.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        handler = (
            "var r=this.closest('.jl-frames'),m=r.querySelector('.jl-frames-img'),d=r.jlFrames;"
            "if(!d){d=r.jlFrames=JSON.parse(r.querySelector('.jl-frames-data').textContent);"
            "d.forEach(function(f){if(!f.src)f.src=m.getAttribute('src');});}"
            "var f=d[+this.value];m.src=f.src;m.alt=f.alt;"
            "r.querySelector('.jl-frames-value').textContent=f.label;"
            "this.setAttribute('aria-valuetext',f.label);"
        )
        w, h = self.size
        esc = html.escape
        return (
            f'<div class="jl-frames" style="max-width:{w}px;margin:0 0 1em 0">'
            '<figure class="align-default" style="margin:0">'
            f'<img class="jl-frames-img" src="{uri(self.pngs[i0])}" alt="{esc(self.alts[i0])}" '
            f'width="{w}" height="{h}" style="max-width:100%;height:auto;display:block">'
            '<div class="jl-frames-controls" style="display:flex;align-items:center;gap:0.8em;margin:0.3em 0">'
            f'<input class="jl-frames-slider" type="range" min="0" max="{len(self) - 1}" step="1" value="{i0}" '
            f'aria-label="{esc(self.label)}: move to change the figure" '
            f'aria-valuetext="{esc(self.labels[i0])}" style="flex:1 1 auto;max-width:24em" '
            f'oninput="{esc(handler)}">'
            f'<output class="jl-frames-value" aria-live="polite" style="font-variant-numeric:tabular-nums">'
            f'{esc(self.labels[i0])}</output>'
            "</div>"
            # the markup of a Sphinx figure caption, so that the theme styles it like the others
            f'<figcaption><p><span class="caption-text">{esc(self.caption)}</span></p></figcaption>'
            "</figure>"
            f'<script type="application/json" class="jl-frames-data">{blob}</script>'
            "</div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def _figure_titles(fig) -> str:
    """The suptitle and axes titles of a figure, joined by '; ', without mathtext dollars."""
    texts = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) is not None else []
    for ax in fig.axes:
        texts += [ax.get_title(loc) for loc in ("left", "center", "right")]
    return "; ".join(t.replace("$", "").strip() for t in texts if t.strip())


def _figure_texts(fig) -> str:
    """The text annotations inside the axes of a figure (``ax.text``), lines joined by '; '."""
    lines = [line.strip() for ax in fig.axes for t in ax.texts for line in t.get_text().replace("$", "").splitlines()]
    return "; ".join(line for line in lines if line)


def _check_text(value, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    return value


def _png(fig, dpi: int, colors: int | None) -> tuple[bytes, tuple[int, int]]:
    """Render ``fig`` to PNG bytes at ``dpi`` (palette-quantized to ``colors`` if given); return (bytes, size)."""
    import io

    from PIL import Image  # installed with matplotlib

    buf = io.BytesIO()
    with style():
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    plt.close(fig)
    raw = buf.getvalue()
    with Image.open(io.BytesIO(raw)) as im:
        if colors is None:
            return raw, im.size
        q = im.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    q.save(out, format="PNG", optimize=True)
    return out.getvalue(), q.size


def _share_limits(figs: list, share: str) -> None:
    """Give corresponding axes of all figures (same position in ``fig.axes``) the union of their limits."""
    n_axes = {len(f.axes) for f in figs}
    if len(n_axes) != 1:
        raise ValueError(f"share={share!r} needs frames with the same number of axes, got {sorted(n_axes)}")
    for i in range(n_axes.pop()):
        axes = [f.axes[i] for f in figs]
        for which in share:
            get, set_ = (("get_xlim", "set_xlim") if which == "x" else ("get_ylim", "set_ylim"))
            lims = np.array([getattr(a, get)() for a in axes])
            flipped = lims[0, 0] > lims[0, 1]
            lo, hi = lims.min(), lims.max()
            for a in axes:
                getattr(a, set_)((hi, lo) if flipped else (lo, hi))


def frame_slider(
    frames,
    values,
    *,
    label: str,
    alt,
    caption: str,
    initial: int = 0,
    fmt="{}",
    dpi: int = 80,
    share: str | None = None,
    colors: int | None = 256,
) -> FrameSlider:
    """Precompute a figure over several values of one parameter, for a slider that needs no kernel.

    The static-page counterpart of an ipywidgets explorer: each frame is drawn
    once, at build time, with the book's style, and kept as an inline PNG; the
    returned object renders as plain HTML with a range input that swaps the
    frames in the browser (no external script, no kernel, no network).

    Parameters
    ----------
    frames : callable or sequence of matplotlib.figure.Figure
        ``frames(value) -> Figure`` (or ``-> (Figure, str)``, the string added
        to that frame's alt text), called once per value; or the figures
        themselves, one per value.  Every frame must have the same pixel size
        (same ``figsize``).
    values : sequence
        The parameter values, at least one (a few to a dozen is the intent).
    label : str
        Name of the parameter as the reader should read it, e.g. ``"target dimension n"``;
        the slider shows ``"<label> = <value>"``.
    alt : str or callable
        Alt text of each frame: a template formatted with ``value`` (the
        formatted value), ``title`` (the figure's titles, which usually state
        the frame's result) and ``text`` (the text written inside its axes,
        such as a list of words), or a callable ``value -> str``.  It is prefixed by
        ``"<label> = <value>: "`` unless it already contains that, so every
        frame's alt text states the parameter value.
    caption : str
        The figure caption, plain text (no MyST, no math: it is raw HTML).
    initial : int
        Index of the frame shown first, ``0 <= initial < len(values)``.
    fmt : str or callable
        How a value is written: a ``str.format`` template such as ``"{:.2f}"``
        or a callable ``value -> str``.
    dpi : int
        Resolution of the frames, 20 to 300; 80 to 100 keeps a dozen frames of a
        6-inch figure within a few hundred kB.
    share : {None, "x", "y", "xy"}
        Give the corresponding axes of all frames the union of their x and/or y
        limits, so that frames compare at a glance.
    colors : int or None
        Quantize each frame to a palette of this many colours (2 to 256,
        no dithering), which roughly halves the bytes of a plot; ``None`` keeps
        full-colour PNGs.

    Returns
    -------
    FrameSlider
        Display it (a cell's last expression); ``.nbytes`` is its size in the page.

    Raises
    ------
    TypeError
        If ``frames`` is neither callable nor a sequence of figures, or a
        frame is not a figure, or a text parameter is not a string.
    ValueError
        If ``values`` is empty, the numbers of frames and values differ, the
        frames differ in size, or a number is out of its range.

    Examples
    --------
    >>> def draw(k):
    ...     fig, ax = figure(width=2.0, height=1.5)
    ...     ax.plot(range(5), [x**k for x in range(5)])
    ...     ax.set_title(f"x to the power {k}")
    ...     return fig
    >>> s = frame_slider(draw, [1, 2, 3], label="k", alt="A curve: {title}.", caption="Powers of x.", dpi=40)
    >>> len(s), s.size, s.alts[1]
    (3, (80, 60), 'k = 2: A curve: x to the power 2.')
    >>> 'class="jl-frames-slider"' in s._repr_html_()
    True
    """
    from matplotlib.figure import Figure

    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or not hasattr(values, "__iter__"):
        raise TypeError(f"values must be a sequence of parameter values, got {type(values).__name__}")
    values = list(values.tolist() if isinstance(values, np.ndarray) else values)
    if not values:
        raise ValueError("values must not be empty: give at least one parameter value")
    if callable(frames) and not isinstance(frames, Figure):
        make, given = frames, None
    elif isinstance(frames, (list, tuple)) and frames and all(isinstance(f, Figure) for f in frames):
        if len(frames) != len(values):
            raise ValueError(f"frames must hold one figure per value: {len(frames)} figures, {len(values)} values")
        make, given = None, list(frames)
    else:
        raise TypeError(
            "frames must be a callable value -> Figure or a list of matplotlib Figures, "
            f"got {type(frames).__name__}"
        )
    label = _check_text(label, "label")
    caption = _check_text(caption, "caption")
    if not (isinstance(alt, str) or callable(alt)):
        raise TypeError(f"alt must be a string template or a callable value -> str, got {type(alt).__name__}")
    if isinstance(alt, str):
        _check_text(alt, "alt")
    initial = _check_int(initial, "initial", 0, len(values) - 1)
    dpi = _check_int(dpi, "dpi", 20, 300)
    if colors is not None:
        colors = _check_int(colors, "colors", 2, 256)
    if share is not None:
        _check_choice(share, "share", ("x", "y", "xy"))
    if not (isinstance(fmt, str) or callable(fmt)):
        raise TypeError(f"fmt must be a format string or a callable value -> str, got {type(fmt).__name__}")

    def shown(v) -> str:
        try:
            return str(fmt(v)) if callable(fmt) else fmt.format(v)
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise ValueError(f"fmt {fmt!r} cannot format the value {v!r}: {exc}") from None

    texts = [shown(v) for v in values]
    labels = [f"{label} = {t}" for t in texts]
    figs, extras = [], []
    for i, v in enumerate(values):
        if make is None:
            out = given[i]
        else:
            with style():  # every artist of the frame in the book's style, decorated plot function or not
                out = make(v)
        extra = ""
        if isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], str):
            out, extra = out
        if not isinstance(out, Figure):
            raise TypeError(f"frames must return a matplotlib Figure for each value; for {v!r} got {type(out).__name__}")
        figs.append(out)
        extras.append(extra)
    if share is not None:
        _share_limits(figs, share)
    alts, pngs, size = [], [], None
    for v, t, lab, fig, extra in zip(values, texts, labels, figs, extras):
        if callable(alt):
            text = str(alt(v))
        else:
            try:
                text = alt.format(value=t, title=_figure_titles(fig), text=_figure_texts(fig))
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(
                    f"alt template {alt!r} accepts only the fields {{value}}, {{title}} and {{text}}: {exc}"
                ) from None
        text = " ".join((text + " " + extra).split())
        alts.append(text if lab in text else f"{lab}: {text}")
        png, px = _png(fig, dpi, colors)
        if size is not None and px != size:
            raise ValueError(f"frames must all have the same pixel size: {px} for {lab} against {size} for the first")
        size = px
        pngs.append(png)
    return FrameSlider(values, labels, alts, pngs, size, label, caption, initial)


@styled
def rp_pairs_frame(out: dict, n: int, labels: dict | None = None):
    """One frame of the random-projection-versus-PCA slider, from :func:`jl_lab.reducers.pair_ratio_sweep`.

    Left: the ratio of squared distances after and before the map of each
    random pair, against the distance before (log ratio axis, the same limits
    for every ``n``, ratios below the axis drawn at its edge), one colour per kind
    (:data:`RP_STYLE`), with the line ``r = 1`` of an exact map.  Right: the
    share of the nearest neighbours kept against the target dimension for every
    ``n`` of ``out``, the current ``n`` marked.  ``labels`` renames kinds in
    the legends.
    """
    ns = np.asarray(out["n"])
    i = int(np.flatnonzero(ns == n)[0]) if np.any(ns == n) else None
    if i is None:
        raise ValueError(f"n must be one of the dimensions of out ({', '.join(map(str, ns))}), got {n!r}")
    labels = labels or {}
    all_r = np.concatenate([r.ravel() for r in out["ratio"].values()])
    lo = max(float(all_r.min()), 1e-2) / 1.5
    hi = float(all_r.max()) * 1.5
    # a fixed layout, not figure()'s constrained one, which would double the time to render each frame
    fig = matplotlib.figure.Figure(figsize=(8.6, 3.5))
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    fig.subplots_adjust(left=0.08, right=0.99, bottom=0.14, top=0.92, wspace=0.22)
    before = out["before"]
    for kind, r in out["ratio"].items():
        c, m = RP_STYLE.get(kind, (GREY, "o"))
        ri = np.clip(r[i], lo, hi)
        ax1.semilogy(before, ri, ".", ms=2.5, alpha=0.35, color=c)
        ax1.plot([], [], "o", ms=5, color=c, label=f"{labels.get(kind, kind)}: median |r - 1| = {np.median(np.abs(r[i] - 1)):.2f}")
    ax1.axhline(1.0, color=REFERENCE, lw=1, ls="--")
    ax1.set_ylim(lo, hi)
    ax1.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax1.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:g}"))
    ax1.set_xlabel("squared distance before the map")
    ax1.set_ylabel("ratio r = after / before")
    ax1.legend(fontsize=8, loc="lower right")
    ax1.set_title(f"{before.size} random pairs, n = {int(n)}", fontsize=10)
    for kind, knn in out["knn"].items():
        c, m = RP_STYLE.get(kind, (GREY, "o"))
        ax2.plot(ns, knn, "-", marker=m, ms=3, lw=1, color=c, alpha=0.6)
        ax2.plot(ns[i], knn[i], marker=m, ms=10, color=c, ls="none",
                 label=f"{labels.get(kind, kind)}: {knn[i]:.0%} kept")
    ax2.axvline(ns[i], color=GREY, lw=1, ls=":")
    _rp_log2_axis(ax2, ns)
    ax2.set_ylim(0, 1.02)
    ax2.set_xlabel("target dimension n")
    ax2.set_ylabel("share of nearest neighbours kept")
    ax2.legend(fontsize=8, loc="lower right")
    ax2.set_title(f"n = {int(n)}: " + ", ".join(f"{labels.get(kd, kd)} {v[i]:.0%}" for kd, v in out["knn"].items()),
                  fontsize=10)
    return fig
