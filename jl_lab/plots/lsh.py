"""Figures of the chapter: LSH by sign random projection (page ``lsh``; numbers from :mod:`jl_lab.lsh`).

Draw only: every function takes numbers computed elsewhere and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import numpy as np

from ._style import GREY, PALETTE, REFERENCE, figure, styled

__all__ = ["lsh_chain", "lsh_arcsine", "lsh_variance", "lsh_estimates", "lsh_index"]


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
    from .. import lsh

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


def _lsh_estimate_edges(est: dict) -> dict:
    """Histogram bin edges of the three estimates: 40 bins over the float ones, the lattice of the sign
    ones (multiples of ``2/n``), and that lattice mapped through ``sin(pi h / 2)`` for the corrected ones."""
    x = est["float"]
    sign_edges = _lsh_lattice_edges(est["sign"], est["n_bits"])
    return {
        "float": np.linspace(x.min(), x.max(), 41) if x.max() > x.min() else np.array([x.min() - 1e-3, x.min() + 1e-3]),
        "sign": sign_edges,
        "corrected": np.sin(np.pi * np.clip(sign_edges, -1, 1) / 2),
    }


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
    edges = _lsh_estimate_edges(est)
    for c, kind in zip(PALETTE, ("float", "sign", "corrected")):
        x = est[kind]
        counts, e = np.histogram(x, bins=edges[kind])
        ax.stairs(counts / (x.size * np.diff(e)), e, fill=True, alpha=0.45, color=c,
                  label=f"{_LSH_PLAIN[kind]}: mean {x.mean():+.3f}, sd {x.std(ddof=1):.3f}")
    ax.axvline(rho, color=REFERENCE, lw=1.5, label=f"true \u03c1 = {rho:+.3f}")
    ax.axvline(s, color=PALETTE[1], ls="--", lw=1.5, label=f"(2/\u03c0) arcsin \u03c1 = {s:+.3f}")
    angle = np.degrees(np.arccos(np.clip(rho, -1, 1)))
    ax.set_title(f"angle {angle:.0f} degrees, {n} bits, {est['float'].size} draws of A", fontsize=10, y=1.0)  # y given: no title placement pass per draw
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
    ax2.set_ylabel("fraction of the database compared")
    ax3.set_ylabel("time per query (ms)")
    # one legend below the panels (the recall points reach every corner of the first panel)
    fig.legend(*ax1.get_legend_handles_labels(), loc="outside lower center", ncols=5, fontsize=8)
    for ax in (ax1, ax2, ax3):
        ax.set_xlabel("bits per key b")
        ax.set_xticks(bits)
    fig.suptitle(f"N = {sweep['n_points']} points, {sweep['exact_cos'].shape[0]} queries", fontsize=10)
    return fig


# --- amplification, cross-polytope, multi-probe and FAISS (issue #16), appended so that edits above merge cleanly
__all__ += ["lsh_amplification", "lsh_multiprobe", "lsh_ann_comparison"]


@styled
def lsh_amplification(p, curves: dict, thetas, collisions: dict):
    """Left: AND/OR S-curves ``1 - (1 - p^r)^b`` against ``p``; right: measured collision curves against the angle.

    ``curves`` maps a label to the S-curve values on ``p``; ``collisions`` maps a label to
    ``(measured, theory_or_None)`` on ``thetas``.  Figure ``fig-lsh-amplification`` of page ``lsh``.
    """
    fig, axes = figure(ncols=2, width=9.0, height=3.4)
    for (label, y), color in zip(curves.items(), PALETTE):
        axes[0].plot(p, y, color=color, lw=1.5, label=label)
    axes[0].set_xlabel("collision probability p of one hash")
    axes[0].set_ylabel("probability of becoming a candidate")
    axes[0].set_title("AND of r hashes, OR of b tables (r b = 64)", fontsize=10)
    axes[0].legend(fontsize=8)
    deg = np.degrees(thetas)
    for (label, (meas, theory)), color in zip(collisions.items(), PALETTE):
        axes[1].semilogy(deg, np.maximum(meas, 1e-4), "o", color=color, ms=4, label=f"{label} (measured)")
        if theory is not None:
            axes[1].semilogy(deg, np.maximum(theory, 1e-4), "-", color=color, lw=1, label=f"{label} (theory)")
    axes[1].set_xlabel("angle between the two vectors (degrees)")
    axes[1].set_ylabel("collision probability")
    axes[1].set_title("32 buckets per hash", fontsize=10)
    axes[1].legend(fontsize=7)
    return fig


@styled
def lsh_multiprobe(rows: list):
    """Recall@k against the share of the database compared, plain LSH and multi-probe, one point per setting.

    ``rows`` is a list of dicts with ``"label"``, ``"kind"`` (``"plain"`` or ``"multi-probe"``),
    ``"scanned"``, ``"recall"`` and ``"theory"`` (or None).  Figure ``fig-lsh-multiprobe``.
    """
    fig, ax = figure(width=5.8, height=3.5)
    for kind, color, marker in (("plain", PALETTE[3], "o"), ("multi-probe", PALETTE[0], "s")):
        sel = [r for r in rows if r["kind"] == kind]
        ax.plot([r["scanned"] for r in sel], [r["recall"] for r in sel], marker + "-", color=color, label=kind)
        for r in sel:
            ax.annotate(r["label"], (r["scanned"], r["recall"]), fontsize=7, xytext=(4, -9), textcoords="offset points")
            if r.get("theory") is not None:
                ax.plot(r["scanned"], r["theory"], "x", color=REFERENCE, ms=5)
    ax.plot([], [], "x", color=REFERENCE, label="closed-form prediction")
    ax.set_xscale("log")
    ax.set_xlabel("share of the database compared per query")
    ax.set_ylabel("recall@10")
    ax.legend(fontsize=8, loc="lower right")
    return fig


@styled
def lsh_ann_comparison(results: dict):
    """Recall@k against time per query (log scale) for each search method; one marker per setting.

    ``results`` maps a method name to a list of ``(label, recall, seconds_per_query)``.
    Figure ``fig-lsh-faiss``.
    """
    fig, ax = figure(width=6.4, height=3.8)
    for (name, pts), color in zip(results.items(), PALETTE):
        t = [1e3 * s for _, _, s in pts]
        r = [rec for _, rec, _ in pts]
        ax.plot(t, r, "o-" if len(pts) > 1 else "D", color=color, label=name, ms=5)
        for (label, rec, s) in pts:
            if label:
                ax.annotate(label, (1e3 * s, rec), fontsize=7, xytext=(4, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlabel("milliseconds per query (one thread)")
    ax.set_ylabel("recall@10")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8, loc="lower right")
    return fig


# --- the LSH explorer's in-place redraw (issue #12), appended so that edits above merge cleanly
__all__ += ["lsh_estimates_update"]


@styled
def lsh_estimates_update(fig, est: dict):
    """Redraw a figure made by :func:`lsh_estimates` for other estimates, in place; return it.

    The explorer's fast path: instead of building a new figure (axes, ticks, legend), it sets the
    three histograms' densities and edges (:meth:`matplotlib.patches.StepPatch.set_data`, same bins
    as :func:`lsh_estimates`), the two reference lines, the legend's labels and the title, and
    rescales the axes as a new figure would.  The figure then renders as ``lsh_estimates(est)``
    would (``tests/test_widgets.py`` compares the pixels).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure returned by :func:`lsh_estimates`.
    est : dict
        The output of :func:`jl_lab.lsh.simulate_cosine_estimates`.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig``.
    """
    from matplotlib.patches import StepPatch

    if not {"float", "sign", "corrected", "rho", "n_bits"} <= set(est):
        raise ValueError("est must be the dict returned by jl_lab.lsh.simulate_cosine_estimates")
    axes = getattr(fig, "axes", None)
    if not axes or len(axes) != 1 or len(axes[0].patches) != 3 or len(axes[0].lines) != 2 \
            or not all(isinstance(p, StepPatch) for p in axes[0].patches) or axes[0].get_legend() is None:
        raise TypeError("fig must be a figure drawn by jl_lab.plots.lsh_estimates")
    ax = axes[0]
    rho, n = est["rho"], est["n_bits"]
    s = 2 / np.pi * np.arcsin(rho)
    edges = _lsh_estimate_edges(est)
    legend_texts = {t.get_text(): t for t in ax.get_legend().get_texts()}

    def relabel(artist, label):
        legend_texts[artist.get_label()].set_text(label)
        artist.set_label(label)

    for patch, kind in zip(ax.patches, ("float", "sign", "corrected")):
        x = est[kind]
        counts, e = np.histogram(x, bins=edges[kind])
        patch.set_data(counts / (x.size * np.diff(e)), e)
        relabel(patch, f"{_LSH_PLAIN[kind]}: mean {x.mean():+.3f}, sd {x.std(ddof=1):.3f}")
    true_line, arcsin_line = ax.lines
    true_line.set_xdata([rho, rho])
    relabel(true_line, f"true \u03c1 = {rho:+.3f}")
    arcsin_line.set_xdata([s, s])
    relabel(arcsin_line, f"(2/\u03c0) arcsin \u03c1 = {s:+.3f}")
    angle = np.degrees(np.arccos(np.clip(rho, -1, 1)))
    ax.set_title(f"angle {angle:.0f} degrees, {n} bits, {est['float'].size} draws of A", fontsize=10)
    ax.relim()
    ax.autoscale_view()
    return fig
