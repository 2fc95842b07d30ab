"""Figures of the chapter: Subspace embeddings and least squares (page ``sketch``; numbers from :mod:`jl_lab.sketch`).

Draw only: every function takes numbers computed elsewhere and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import numpy as np

from ._style import GREY, PALETTE, REFERENCE, figure, styled

__all__ = ["sketch_sizes", "sketch_distortion", "sketch_residuals", "sketch_preconditioning", "sketch_timings"]

_KIND_STYLE = {
    "gaussian": (PALETTE[0], "o-"),
    "srht": (PALETTE[1], "s-"),
    "countsketch": (PALETTE[3], "^-"),
    "sparse-sign": (PALETTE[2], "D-"),
}


@styled
def sketch_sizes(ds, needed: dict, theory: dict, eps: float):
    """Sketch size each kind needs for distortion ``eps`` against the subspace dimension ``d`` (log-log).

    ``needed`` maps a panel title to ``{kind: sizes}`` (one per ``d``, from
    :func:`jl_lab.sketch.needed_sketch_size`); ``theory`` maps the same titles to
    ``{label: sizes}`` drawn as dashed reference curves.  Figure ``fig-sketch-sizes``.
    """
    fig, axes = figure(ncols=len(needed), width=4.4 * len(needed), height=3.5, squeeze=False, sharey=True)
    ds = np.asarray(ds)
    for ax, (title, by_kind) in zip(axes[0], needed.items()):
        for kind, sizes in by_kind.items():
            color, fmt = _KIND_STYLE[kind]
            ax.loglog(ds, sizes, fmt, color=color, label=kind, lw=1.3, ms=5)
        for (label, sizes), ls in zip(theory.get(title, {}).items(), ("--", ":")):
            ax.loglog(ds, sizes, ls, color=REFERENCE, lw=1, label=label)
        ax.set_xlabel("subspace dimension d")
        ax.set_title(title, fontsize=10)
        ax.set_xticks(ds, [str(d) for d in ds])
        ax.minorticks_off()
    axes[0, 0].set_ylabel(f"rows m for distortion <= {eps:g} (9 in 10 draws)")
    axes[0, 0].legend(fontsize=8)
    if len(needed) > 1:
        axes[0, -1].legend(fontsize=8)
    return fig


@styled
def sketch_distortion(curves: dict, eps: float, quantile: float = 0.9):
    """Subspace distortion against sketch size: each draw as a dot, the ``quantile`` as a line, per kind.

    ``curves`` maps a panel title to the output of :func:`jl_lab.sketch.distortion_curve`;
    the dotted line is the target ``eps``.  The frame slider of page ``sketch`` draws one
    frame per subspace dimension.
    """
    fig, axes = figure(ncols=len(curves), width=4.4 * len(curves), height=3.4, squeeze=False, sharey=True)
    for ax, (title, c) in zip(axes[0], curves.items()):
        for a, kind in enumerate(c["kinds"]):
            color, fmt = _KIND_STYLE[kind]
            e = c["eps"][a]
            ok = ~np.isnan(e[:, 0])
            m = c["m"][ok]
            ax.semilogx(np.repeat(m, e.shape[1]), np.clip(e[ok].ravel(), 0, 1.5), ".", color=color, alpha=0.25, ms=3)
            ax.semilogx(m, np.clip(np.quantile(e[ok], quantile, axis=1), 0, 1.5), fmt, color=color, label=kind,
                        lw=1.3, ms=4)
        ax.axhline(eps, color=REFERENCE, ls=":", lw=1)
        ax.set_ylim(-0.03, 1.53)
        ax.set_xlabel("sketch rows m")
        ax.set_title(title, fontsize=10)
    axes[0, 0].set_ylabel("subspace distortion eps (clipped at 1.5)")
    axes[0, 0].legend(fontsize=8)
    return fig


@styled
def sketch_residuals(sweep: dict):
    """Excess squared residual of sketch-and-solve against the sketch size, with the Gaussian expectation.

    ``sweep`` is the output of :func:`jl_lab.sketch.residual_sweep`.  Figure ``fig-sketch-residuals``.
    """
    fig, ax = figure(width=5.6, height=3.5)
    m = sweep["m"]
    for a, kind in enumerate(sweep["kinds"]):
        color, fmt = _KIND_STYLE[kind]
        r = sweep["ratio"][a] - 1
        ax.loglog(np.repeat(m, r.shape[1]), r.ravel(), ".", color=color, alpha=0.25, ms=3)
        ax.loglog(m, r.mean(axis=1), fmt, color=color, label=f"{kind} (mean)", lw=1.3, ms=4)
    ax.loglog(m, sweep["gaussian_theory"] - 1, "--", color=REFERENCE, lw=1, label="Gaussian theory d/(m-d-1)")
    ax.set_xlabel("sketch rows m")
    ax.set_ylabel(r"$\|A\hat x - b\|^2 / \|Ax^\star - b\|^2 - 1$")
    ax.legend(fontsize=8)
    return fig


@styled
def sketch_preconditioning(sweep: dict, kind: str):
    """LSQR iterations against the condition number, without and with the sketch preconditioner.

    Left, iterations; right, relative error of the solution. ``sweep`` is the output of
    :func:`jl_lab.sketch.preconditioning_sweep`.  Figure ``fig-sketch-lsqr``.
    """
    fig, axes = figure(ncols=2, width=8.8, height=3.3)
    c = sweep["cond"]
    for key, color, fmt, label in (("plain", PALETTE[3], "o-", "plain LSQR"),
                                   ("sketched", PALETTE[0], "s-", f"preconditioned ({kind})")):
        axes[0].loglog(c, np.maximum(sweep[key], 1), fmt, color=color, label=label, lw=1.3)
        axes[1].loglog(c, np.maximum(sweep[f"{key}_error"], 1e-17), fmt, color=color, label=label, lw=1.3)
    axes[0].set_xlabel(r"condition number $\kappa(A)$")
    axes[0].set_ylabel("LSQR iterations")
    axes[1].set_xlabel(r"condition number $\kappa(A)$")
    axes[1].set_ylabel(r"$\|x - x^\star\|/\|x^\star\|$")
    axes[0].legend(fontsize=8)
    return fig


@styled
def sketch_timings(res: dict, title: str):
    """Time of each least-squares solver (bars, log scale), labelled with its residual excess.

    ``res`` is the output of :func:`jl_lab.sketch.lstsq_timings`.  Figure ``fig-sketch-timing``.
    """
    names = list(res)
    fig, ax = figure(width=7.6, height=0.32 * len(names) + 1.2)
    t = np.array([res[n]["time"] for n in names])
    colors = [GREY if n.startswith("numpy") else (PALETTE[0] if n.startswith("sketch-and") else PALETTE[2])
              for n in names]
    ax.barh(names, t, color=colors)
    ax.set_xscale("log")
    ax.invert_yaxis()
    for i, n in enumerate(names):
        ex = res[n]["excess"]
        ax.text(t[i] * 1.08, i, f"{1e3 * t[i]:.0f} ms, excess {ex:.1e}" if ex > 1e-3 else f"{1e3 * t[i]:.0f} ms, optimal",
                va="center", fontsize=8)
    ax.set_xlim(t.min() / 2, t.max() * 12)
    ax.set_xlabel("seconds (best of repeats); excess = residual / optimal residual - 1")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", visible=False)
    return fig
