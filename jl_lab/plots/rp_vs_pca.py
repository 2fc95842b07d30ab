"""Figures of the chapter: Random projection versus PCA (page ``rp_vs_pca``; numbers from :mod:`jl_lab.reducers`).

Draw only: every function takes numbers computed elsewhere and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import matplotlib
import numpy as np

from ._style import GREY, PALETTE, REFERENCE, figure, styled

__all__ = ["rp_spectra", "rp_accuracy", "rp_variance_check", "rp_costs", "rp_out_of_sample", "rp_stored_maps", "rp_pairs_frame", "rp_knn_difference", "RP_STYLE"]


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


@styled
def rp_knn_difference(panels: dict, z: float = 2.0):
    """Difference in neighbours kept, PCA minus Gaussian, with a band of ``z`` standard errors.

    Page ``rp_vs_pca``, figures ``fig-rp-verdict`` and ``fig-rp-oos-verdict``.
    ``panels`` maps a panel title to ``(n, mean, se)`` from
    ``reducers.paired_difference``; grid points where the band excludes 0 are
    drawn filled (in the colour of the winner), the others open.
    """
    ncol = len(panels)
    fig, axes = figure(ncols=ncol, width=3.4 * ncol, height=3.2, squeeze=False)
    for ax, (title, (n, mean, se)) in zip(axes[0], panels.items()):
        n, mean, se = (np.asarray(v, dtype=float) for v in (n, mean, se))
        ax.fill_between(n, mean - z * se, mean + z * se, color=GREY, alpha=0.3, lw=0,
                        label=f"±{z:g} standard errors")
        ax.plot(n, mean, "-", color=REFERENCE, lw=1)
        for sign, kind in ((1, "pca"), (-1, "gaussian")):
            c, m = RP_STYLE[kind]
            sel = sign * mean > z * se
            ax.plot(n[sel], mean[sel], m, color=c, ms=5, ls="none",
                    label="PCA ahead" if sign > 0 else "Gaussian ahead")
        tie = np.abs(mean) <= z * se
        ax.plot(n[tie], mean[tie], "o", mfc="white", mec=REFERENCE, ms=5, ls="none", label="within the band")
        ax.axhline(0.0, color=GREY, lw=0.8, ls=":")
        ax.set_xscale("log", base=2)
        ax.set_title(title, fontsize=9, loc="left")
        ax.set_xlabel("target dimension n")
    axes[0, 0].set_ylabel("10-NN kept: PCA minus Gaussian")
    axes[0, -1].legend(fontsize=7, loc="best")
    return fig
