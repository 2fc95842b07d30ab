"""Figures of the chapter: Randomized SVD (page ``rsvd``; numbers from :mod:`jl_lab.rsvd`).

Draw only: every function takes numbers computed elsewhere and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from ._style import GREY, PALETTE, REFERENCE, figure, styled

__all__ = ["rsvd_seed_recipe", "rsvd_qqt", "rsvd_error_sweep", "rsvd_power_spectra", "rsvd_normalizers", "rsvd_timings", "rsvd_compression", "rsvd_report", "rsvd_view"]


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
    if not 1 <= k <= n:
        raise ValueError(f"k must be in [1, n] = [1, {n}], got {k}")
    for name, vals in (("eig_gauss", eig_gauss), ("eig_orth", eig_orth)):
        if np.shape(vals) != (k,):
            raise ValueError(f"{name} must hold the k = {k} eigenvalues of Q^T Q, got shape {np.shape(vals)}")
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
def rsvd_report(report: dict):
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
    ax1.set_title(f"k = {k}, p = {report['oversample']}, q = {report['power_iters']}", fontsize=10, y=1.0)  # y given: no title placement pass per draw
    rec = np.clip(np.asarray(report["reconstruction"])[::2, ::2], 0, 1)
    ax2.imshow(rec, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax2.set_title(f"rank {k}: {100 * report['storage']:.1f}% of the numbers", fontsize=10, y=1.0)
    ax2.axis("off")
    return fig


# --- block Krylov against subspace iteration (issue #16), appended so that edits above merge cleanly
__all__ += ["rsvd_krylov"]


@styled
def rsvd_krylov(out: dict, sigma_next: float, title: str = ""):
    """Spectral error over ``sigma_{k+1}`` against matrix-vector products, subspace iteration and block Krylov.

    ``out`` is the output of :func:`jl_lab.rsvd.krylov_comparison`.  Figure ``fig-rsvd-krylov`` of page ``rsvd``.
    """
    fig, ax = figure(width=5.6, height=3.4)
    ax.plot(out["si_matvecs"], out["si_error"] / sigma_next, "o-", color=PALETTE[3], label="subspace iteration (p = 10)")
    ax.plot(out["krylov_matvecs"], out["krylov_error"] / sigma_next, "s-", color=PALETTE[0], label="block Krylov (block k)")
    ax.axhline(1.0, color=REFERENCE, ls="--", lw=1, label=r"optimal $\sigma_{k+1}$")
    ax.set_xlabel("products of M or M^T with a vector")
    ax.set_ylabel(r"$\|M - \hat M\|_2 / \sigma_{k+1}$")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    return fig


def _rsvd_view_levels(report: dict):
    """The four horizontal levels of :func:`rsvd_view` (value, label), in its order."""
    opt = report["optimal"]
    levels = (
        (opt, "\u03c3(k+1), optimal"),
        (report["range_error"], "range finder"),
        (report["error"], "rank-k error"),
        (report["bound"], "HMT bound"),
    )
    return [(value, f"{label}: {value / opt:.2f} \u03c3(k+1)") for value, label in levels]


@styled
def rsvd_report_update(fig, report: dict):
    """Redraw a figure made by :func:`rsvd_view` for another report, in place; return it.

    The explorer's fast path: instead of building a new figure (axes, ticks, legend), it sets the
    data, labels, limits and titles of the artists :func:`rsvd_view` drew.  The figure then renders
    as ``rsvd_report(report)`` would (``tests/test_widgets.py`` compares the pixels).
    """
    ax1, ax2 = fig.axes[:2]
    s, k = report["s_true"], report["k"]
    j = np.arange(1, s.size + 1)
    true_line, est_line, *hlines = ax1.lines
    true_line.set_data(j, s)
    est_line.set_data(j[:k], report["s_est"])
    levels = _rsvd_view_levels(report)
    legend = ax1.get_legend()
    for line, text, (value, label) in zip(hlines, legend.get_texts(), levels):
        line.set_ydata([value, value])
        line.set_label(label)
        text.set_text(label)
    xmax = min(s.size, 4 * k + 10)
    shown = [s[xmax - 1]] + [v for v, _ in levels]
    ax1.set_xlim(0, xmax + 1)
    ax1.set_ylim(min(shown) * 0.6, max(max(shown), s[0]) * 12)
    ax1.set_xlabel(f"index j (the first {xmax} of {s.size})")
    ax1.set_title(f"k = {k}, p = {report['oversample']}, q = {report['power_iters']}", fontsize=10)
    ax2.images[0].set_data(np.clip(np.asarray(report["reconstruction"])[::2, ::2], 0, 1))
    ax2.set_title(f"rank {k}: {100 * report['storage']:.1f}% of the numbers", fontsize=10)
    return fig


__all__ += ["rsvd_report_update"]


#: Deprecated name of :func:`rsvd_report` (``*_view`` means compute + draw, in :mod:`jl_lab.widgets`).
rsvd_view = rsvd_report
