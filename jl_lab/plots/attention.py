"""Figures of the chapter: Attention head size (page ``attention``; numbers from :mod:`jl_lab.attention`).

Draw only: every function takes numbers computed elsewhere and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import matplotlib
import numpy as np

from ._style import GREY, PALETTE, REFERENCE, figure, styled

__all__ = ["attn_head_size_sweep", "attn_logit_bound", "attn_fit", "attn_fit_view"]


_ATTN_STYLE = {
    "sparse": (PALETTE[0], "o"),
    "local": (PALETTE[2], "s"),
    "low-rank": (PALETTE[4], "D"),
    "dirichlet": (PALETTE[3], "^"),
}


@styled
def attn_head_size_sweep(L, results: dict, caps, entropy_lines: dict, reference: int = 64):
    """Minimal head size against sequence length for each target family (log-log axes).

    ``results[family]`` holds the minimal ``d`` per ``L``, 0 where that ``L`` was not
    fitted (not drawn).  ``caps`` is the largest head size tried: one number, or a dict
    ``family -> array over L``; a result above its cap ("not reached") is drawn as an open
    triangle at the cap.  ``entropy_lines`` maps a label to ``(curve over L, line style)``.
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
        fitted = d > 0
        ok = fitted & (d <= cap)
        over = fitted & (d > cap)
        ax.plot(L[ok], d[ok], marker + "-", color=color, ms=5, lw=1.5, label=fam)
        if np.any(over):
            ax.plot(L[over], cap[over], "^", mfc="white", color=color, ms=9,
                    label=f"{fam}: more than " + ", ".join(str(int(c)) for c in cap[over]))
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
def attn_fit(P, A, title: str = ""):
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
        ax.set_title(name, fontsize=10, y=1.0)  # y given: no title placement pass per draw
        ax.set_xlabel("key j")
    axes[0].set_ylabel("query i")
    tv = 0.5 * np.abs(P - A).sum(axis=1)
    i = int(np.argmax(tv))
    j = np.arange(L)
    axes[2].plot(j, P[i], color=REFERENCE, lw=1.2, label="target")
    axes[2].plot(j, A[i], color=PALETTE[3], lw=1.2, ls="--", label="fit")
    axes[2].set_title(f"worst row i = {i}: TV = {tv[i]:.3f}", fontsize=10, y=1.0)
    axes[2].set_xlabel("key j")
    axes[2].set_ylabel("attention weight")
    axes[2].legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


# --- Linformer (issue #16), appended so that edits above merge cleanly
__all__ += ["attn_linformer"]


@styled
def attn_linformer(results: dict):
    """Relative error of ``P E^T E V`` (random ``E``, measured and JL theory) and of the best rank-``k`` projection.

    ``results`` maps a pattern family to the output of :func:`jl_lab.attention.linformer_error`.
    Figure ``fig-attn-linformer`` of page ``attention``.
    """
    fig, ax = figure(width=6.4, height=3.6)
    for (name, out), color in zip(results.items(), PALETTE):
        ax.loglog(out["k"], out["measured"], "o", color=color, ms=4)
        ax.loglog(out["k"], out["theory"], "-", color=color, lw=1, alpha=0.6)
        ax.loglog(out["k"], np.maximum(out["optimal"], 1e-4), "s--", color=color, lw=1.2, ms=4, label=name)
    ax.plot([], [], "ko-", ms=4, lw=1, alpha=0.6, label="random E: measured (dots), JL theory (line)")
    ax.plot([], [], "ks--", ms=4, lw=1.2, label="best rank-k projection (dashed)")
    ax.axhline(1.0, color=GREY, ls=":", lw=1)
    ax.set_xlabel("projected sequence length k")
    ax.set_ylabel(r"$\|\tilde O - PV\|_F \,/\, \|PV\|_F$")
    ax.set_ylim(1e-4 * 0.7, 20)
    ax.legend(fontsize=7, loc="lower left")
    return fig


#: Deprecated name of :func:`attn_fit` (``*_view`` means compute + draw, in :mod:`jl_lab.widgets`).
attn_fit_view = attn_fit


# --- the attention explorer's in-place redraw (issue #12), appended so that edits above merge cleanly
__all__ += ["attn_fit_update"]


@styled
def attn_fit_update(fig, P, A, title: str = ""):
    """Redraw a figure made by :func:`attn_fit` for another target and fit, in place; return it.

    The explorer's fast path: instead of building a new figure (three axes, their ticks and the
    legend, half of an update), it sets the images' data, extent and colour scale, the worst row's
    lines, the limits, ticks and titles.  The figure then renders as ``attn_fit(P, A, title)`` would
    (``tests/test_widgets.py`` compares the pixels).  ``title`` must be non-empty if the first
    figure had one, and empty otherwise.
    """
    P, A = np.asarray(P, dtype=float), np.asarray(A, dtype=float)
    if P.ndim != 2 or P.shape[0] != P.shape[1] or A.shape != P.shape:
        raise ValueError(f"P and A must be square matrices of one shape, got {P.shape} and {A.shape}")
    if len(fig.axes) != 3 or len(fig.axes[0].images) != 1:
        raise TypeError("fig must be a figure drawn by jl_lab.plots.attn_fit")
    L = P.shape[0]
    axes = fig.axes
    vmax = float(max(P.max(), A.max()))
    for ax, M in ((axes[0], P), (axes[1], A)):
        im = ax.images[0]
        im.set_data(M)
        im.set_clim(0, vmax)
        im.set_extent((-0.5, L - 0.5, L - 0.5, -0.5))
        ax.set_xlim(-0.5, L - 0.5)
        ax.set_ylim(L - 0.5, -0.5)
        ax.set_xticks([0, L - 1])
        ax.set_yticks([0, L - 1])
    tv = 0.5 * np.abs(P - A).sum(axis=1)
    i = int(np.argmax(tv))
    j = np.arange(L)
    target_line, fit_line = axes[2].lines[:2]
    target_line.set_data(j, P[i])
    fit_line.set_data(j, A[i])
    axes[2].relim()
    axes[2].autoscale_view()
    axes[2].set_title(f"worst row i = {i}: TV = {tv[i]:.3f}", fontsize=10)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig
