"""Figures of the chapter: SVD as co-clustering of bigram data (page ``cocluster``; numbers from :mod:`jl_lab.cocluster`).

Draw only: every function takes numbers computed elsewhere and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import numpy as np

from ._style import GREY, PALETTE, REFERENCE, figure, styled, table

__all__ = ["cocluster_spectrum", "cocluster_factors", "cocluster_recovery", "cocluster_em_history", "cocluster_matrix", "cocluster_words_table"]


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
def cocluster_matrix(view: dict, title: str = ""):
    """A bigram matrix with rows and columns grouped by cluster, and the top words of each cluster.

    Draws what :func:`jl_lab.cocluster.block_view` computed.  Top: the positive pointwise mutual
    information of each pair of words, rows ordered by row cluster and columns by column cluster
    (heaviest clusters first, lines at the boundaries), so that class pairs that follow each other
    more often than chance show as dense blocks.  Bottom: the top words of each row cluster
    ``C1, C2, ...`` and each column cluster ``D1, D2, ...``, in the order of the axes; left out when
    the view lists no words (see :func:`cocluster_words_table` for the same lists as an HTML table).

    Parameters
    ----------
    view : dict
        The output of :func:`jl_lab.cocluster.block_view`.
    title : str
        Figure title, or "" for none.

    Returns
    -------
    matplotlib.figure.Figure
    """
    X, rb, cb = _check_view(view)
    n_rows, n_cols = X.shape
    with_words = bool(view["row_top"] or view["col_top"])
    if not with_words:
        fig, ax = figure(width=5.2, height=4.7)
        fig.set_layout_engine(None)  # None, not "none": a placeholder engine makes savefig draw twice
        ax.set_position((0.12, 0.12, 0.72, 0.84))
    else:
        # tall enough for the word lists of 16 classes at 8 pt under the matrix (frames share one size)
        fig, (ax, axt) = figure(nrows=2, width=6.8, height=9.6, gridspec_kw={"height_ratios": [3.4, 1.4]})
        # a fixed layout: the constrained layout engine would cost more than the rest of a redraw
        fig.set_layout_engine(None)  # None, not "none": a placeholder engine makes savefig draw twice
        ax.set_position((0.1, 0.36, 0.74, 0.62))
        axt.set_position((0.1, 0.0, 0.88, 0.265))
    vmax = np.quantile(X[X > 0], 0.99) if np.any(X > 0) else 1.0
    im = ax.imshow(X, aspect="equal", cmap="magma_r", interpolation="nearest", vmin=0, vmax=vmax)
    for b in rb:
        ax.axhline(b - 0.5, color=PALETTE[0], lw=0.6)
    for b in cb:
        ax.axvline(b - 0.5, color=PALETTE[0], lw=0.6)
    ax.grid(False)
    r_edges = np.concatenate([[0], rb, [n_rows]])
    c_edges = np.concatenate([[0], cb, [n_cols]])
    # a band thinner than its 8 pt label keeps its lines but no label (the word list below names it)
    pt_per_row = ax.get_position().height * fig.get_figheight() * 72 / n_rows
    pt_per_col = ax.get_position().width * fig.get_figwidth() * 72 / n_cols

    def names(edges, prefix, pt):
        return [f"{prefix}{i + 1}" if (edges[i + 1] - edges[i]) * pt >= 9 else "" for i in range(len(edges) - 1)]

    ax.set_yticks((r_edges[:-1] + r_edges[1:]) / 2 - 0.5, names(r_edges, "C", pt_per_row), fontsize=8)
    ax.set_xticks((c_edges[:-1] + c_edges[1:]) / 2 - 0.5, names(c_edges, "D", pt_per_col), fontsize=8,
                  rotation=90)
    ax.set_ylabel("first word A, grouped by row cluster")
    ax.set_xlabel("second word B, grouped by column cluster")
    ax.apply_aspect()
    box = ax.get_position()
    cax = fig.add_axes((box.x1 + 0.02, box.y0 + 0.15 * box.height, 0.025, 0.7 * box.height))
    fig.colorbar(im, cax=cax, label="PPMI (nats)")
    if not with_words:
        if title:
            fig.suptitle(title, fontsize=10)
        return fig
    left = ["Row clusters (first word):"] + [f"C{i + 1}: " + " ".join(w) for i, w in enumerate(view["row_top"])]
    right = ["Column clusters (second word):"] + [f"D{i + 1}: " + " ".join(w) for i, w in enumerate(view["col_top"])]
    axt.axis("off")
    fs, width = 8, 40

    def fit(line):  # cut at a word boundary so that the two columns never overlap
        return line if len(line) <= width else line[: line.rfind(" ", 0, width)] + " …"

    for x, lines in ((0.0, left), (0.52, right)):
        axt.text(x, 1.0, "\n".join(map(fit, lines)), va="top", ha="left", family="monospace", fontsize=fs,
                 transform=axt.transAxes)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def _check_view(view):
    if not isinstance(view, dict) or not {"ppmi", "row_bounds", "col_bounds", "row_top", "col_top"} <= set(view):
        raise TypeError("view must be the dict returned by jl_lab.cocluster.block_view")
    X = np.asarray(view["ppmi"], dtype=float)
    if X.ndim != 2 or X.size == 0 or not np.all(np.isfinite(X)):
        raise ValueError("view['ppmi'] must be a non-empty finite 2-D array")
    return X, np.asarray(view["row_bounds"]), np.asarray(view["col_bounds"])


def cocluster_words_table(view: dict):
    """The top words of each row and column cluster of a :func:`jl_lab.cocluster.block_view`, as an HTML table.

    Clusters are ordered by weight as in :func:`cocluster_matrix` (``C1`` and ``D1`` heaviest), so the
    labels match its axes.

    Parameters
    ----------
    view : dict
        The output of :func:`jl_lab.cocluster.block_view` with ``n_top > 0``.

    Returns
    -------
    IPython.display.HTML
    """
    _check_view(view)
    rows_top, cols_top = view["row_top"], view["col_top"]
    if not rows_top and not cols_top:
        raise ValueError("view lists no words: compute it with block_view(..., n_top=k) for some k >= 1")
    n = max(len(rows_top), len(cols_top))
    body = []
    for i in range(n):
        left = " ".join(rows_top[i]) if i < len(rows_top) else ""
        right = " ".join(cols_top[i]) if i < len(cols_top) else ""
        body.append((f"C{i + 1}" if i < len(rows_top) else "", left, f"D{i + 1}" if i < len(cols_top) else "", right))
    return table(["row cluster", "top first words", "column cluster", "top second words"], body)


# --- the co-clustering explorer's in-place redraw (issue #12), appended so that edits above merge cleanly
__all__ += ["cocluster_matrix_update"]


@styled
def cocluster_matrix_update(fig, view: dict):
    """Redraw a figure made by :func:`cocluster_matrix` (without word lists) for another view, in place.

    The explorer's fast path: instead of building a new figure (axes, colour bar, ticks), it sets the
    image's data, extent and colour scale, replaces the cluster boundary lines and moves the cluster
    ticks.  The figure then renders as ``cocluster_matrix(view)`` would (``tests/test_widgets.py``
    compares the pixels).  Returns ``fig``.
    """
    X, rb, cb = _check_view(view)
    if view["row_top"] or view["col_top"]:
        raise ValueError("cocluster_matrix_update redraws the matrix alone: view must list no words")
    if len(fig.axes) != 2 or len(fig.axes[0].images) != 1:
        raise TypeError("fig must be a figure drawn by jl_lab.plots.cocluster_matrix without word lists")
    ax = fig.axes[0]
    n_rows, n_cols = X.shape
    im = ax.images[0]
    vmax = np.quantile(X[X > 0], 0.99) if np.any(X > 0) else 1.0
    im.set_data(X)
    im.set_extent((-0.5, n_cols - 0.5, n_rows - 0.5, -0.5))
    im.set_clim(0, vmax)
    # the boundary lines, in cocluster_matrix's order (rows, then columns): the lines already drawn are
    # moved (and turned) where they are needed, which is cheaper than removing them and adding new ones
    old_lines = list(ax.lines)
    wanted = [("h", b) for b in rb] + [("v", b) for b in cb]
    for line in old_lines[len(wanted):]:
        line.remove()
    for i, (kind, b) in enumerate(wanted):
        if i >= len(old_lines):
            (ax.axhline if kind == "h" else ax.axvline)(b - 0.5, color=PALETTE[0], lw=0.6)
            continue
        line = old_lines[i]
        if kind == "h":
            line.set_transform(ax.get_yaxis_transform(which="grid"))
            line.set_data([0, 1], [b - 0.5, b - 0.5])
        else:
            line.set_transform(ax.get_xaxis_transform(which="grid"))
            line.set_data([b - 0.5, b - 0.5], [0, 1])
    ax.set_xlim(-0.5, n_cols - 0.5)
    ax.set_ylim(n_rows - 0.5, -0.5)
    r_edges = np.concatenate([[0], rb, [n_rows]])
    c_edges = np.concatenate([[0], cb, [n_cols]])
    pt_per_row = ax.get_position(original=True).height * fig.get_figheight() * 72 / n_rows
    pt_per_col = ax.get_position(original=True).width * fig.get_figwidth() * 72 / n_cols

    def names(edges, prefix, pt):
        return [f"{prefix}{i + 1}" if (edges[i + 1] - edges[i]) * pt >= 9 else "" for i in range(len(edges) - 1)]

    ax.set_yticks((r_edges[:-1] + r_edges[1:]) / 2 - 0.5, names(r_edges, "C", pt_per_row), fontsize=8)
    ax.set_xticks((c_edges[:-1] + c_edges[1:]) / 2 - 0.5, names(c_edges, "D", pt_per_col), fontsize=8,
                  rotation=90)
    return fig
