"""Interactive explorers (ipywidgets) for the pages of the jl-lab book.

Each explorer is thin: a compute function from a numerical module and a plot
function from :mod:`jl_lab.plots`, joined by a few lines.  The page draws its
static figure with the same two functions, so a reader without a kernel sees
the explorer's default view.  Every explorer draws its figure once and then redraws it in place,
rendered by :func:`render_png`; at its default size an update (compute, figure and PNG) takes
about 85-125 ms of CPU on a 2-core machine, within the 200 ms budget from slider step to new image that
``make bench`` measures in a real JupyterLab (``benchmarks/bench_lab.py``).
"""

from __future__ import annotations

import time
import warnings

import ipywidgets as widgets

from .timing import one_blas_thread
from ._validation import DataDimensionalityWarning, check_array, check_choice, check_int, check_real

__all__ = [
    "render_png", "jl_view", "jl_explorer", "LSH_BITS", "lsh_view", "lsh_explorer", "cocluster_view",
    "cocluster_explorer", "rsvd_view", "rsvd_update_function", "rsvd_explorer", "ATTENTION_LENGTHS",
    "attention_view", "attention_explorer", "attention_update_function",
    "cocluster_update_function", "jl_update_function", "lsh_update_function",
]


def _option(value, name: str, options):
    """``value`` if it is one of a selection slider's ``options`` (a ValueError naming ``name`` otherwise)."""
    if isinstance(value, (bool, str)) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(str, options))}; got {value!r}")
    return value


def render_png(fig) -> bytes:
    """The PNG an explorer shows for ``fig``: rendered at the figure's own dpi, one pixel per CSS pixel.

    Drawn on a :class:`jl_lab._render.ExplorerCanvas` (Agg's pixels, with each font looked up once
    instead of for every label on every redraw) and encoded at zlib level 1: the PNG is a few
    percent larger than at the default level 6, and encoding it takes under half the time (it is
    sent to the browser on the same machine or over a network of MB/s).
    ``benchmarks/bench_widgets.py`` times explorers through this function, so the benchmark
    measures exactly what a slider move costs.
    """
    from ._render import figure_png

    return figure_png(fig)


def _explorer(controls: dict, update, title: str = "") -> widgets.VBox:
    """Join sliders to an update function that returns a figure.

    Parameters
    ----------
    controls : dict of str -> ipywidgets control
        Keyword arguments of ``update``.
    update : callable
        ``update(**values)`` computes and plots; it returns a
        ``matplotlib.figure.Figure``, or a pair ``(Figure, html)`` whose HTML
        text (e.g. a table) is shown under the figure.
    title : str
        Shown above the controls.

    Returns
    -------
    ipywidgets.VBox
        The controls, the figure (rendered to PNG here by :func:`render_png`,
        into an ``ipywidgets.Image``), the
        optional HTML, and a status line with the last update's time in
        milliseconds, compute + figure + PNG (so the 200 ms budget can be seen
        while using it).  ``box.refresh()`` redraws with the current values.

    Notes
    -----
    Rendering here instead of ``display(fig)`` avoids the inline backend's
    ``bbox_inches="tight"``, which draws every figure twice, and makes the
    status line report the whole cost of an update.
    """
    image = widgets.Image(format="png")
    extra = widgets.HTML()
    status = widgets.HTML()

    def refresh(*_):
        values = {name: c.value for name, c in controls.items()}
        t0 = time.perf_counter()
        result = update(**values)
        fig, html = result if isinstance(result, tuple) else (result, "")
        png = render_png(fig)
        ms = 1000 * (time.perf_counter() - t0)
        image.value = png
        image.width = f"{fig.get_figwidth() * fig.dpi:.0f}"  # CSS pixels of the figure's intended size
        extra.value = html
        status.value = f"<small>updated in {ms:.0f} ms (compute, figure and PNG)</small>"

    for c in controls.values():
        c.observe(refresh, names="value")
        if hasattr(c, "style") and hasattr(c.style, "description_width"):
            c.style.description_width = "initial"  # the whole label: the default width cuts "oversampling p"
    children = ([widgets.HTML(f"<b>{title}</b>")] if title else []) + [
        widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
        image,
        extra,
        status,
    ]
    box = widgets.VBox(children)
    box.refresh = refresh
    refresh()
    return box


def _in_place(draw, redraw):
    """``show(*args)``: ``draw(*args)`` builds the figure the first time, ``redraw(fig, *args)`` updates it.

    Every explorer's update function goes through it: rebuilding axes, ticks and legends on every
    slider step cost a third to a half of an update.
    """
    state = {}

    def show(*args):
        if "fig" not in state:
            state["fig"] = draw(*args)
            return state["fig"]
        return redraw(state["fig"], *args)

    return show


# ---- Chapter: the JL lemma in numbers ----


def jl_view(X, n_points: int, eps: float, n_components: int, kind: str = "gaussian", rng=0):
    """Compute and draw one view of the JL explorer (also the page's static figure).

    Projects the first ``n_points`` rows of ``X`` to ``n_components`` dimensions
    and plots the ratios of squared distances against the band ``1 +- eps`` and
    the dimensions the four bounds ask for.
    """
    from . import plots

    X = check_array(X, "X", min_rows=2)
    return plots.plot_jl_explorer(*_jl_data(X, n_points, eps, n_components, kind, rng))


def _jl_data(X, n_points, eps, n_components, kind, rng):
    """``(ratios, eps, n_components, marks)`` of one JL view, the arguments of its plot (``X`` checked)."""
    from . import bounds, projections

    n_points = check_int(n_points, "n_points", 2, X.shape[0])
    eps = check_real(eps, "eps", 0.0, 1.0, low_open=True, high_open=True)
    n_components = check_int(n_components, "n_components", 1)
    Xn = X[:n_points]
    with warnings.catch_warnings():  # the explorer may go beyond D on purpose: the lemma does not need n <= D
        warnings.simplefilter("ignore", DataDimensionalityWarning)
        Y = projections.random_projection(Xn, n_components, kind, rng=rng)
    ratios = projections.pairwise_distortion(Xn, Y)
    marks = {m: bounds.jl_min_dim(n_points, eps, m) for m in bounds.METHODS}
    return ratios, eps, n_components, marks


def jl_explorer(X, n_points: int = 200, eps: float = 0.3, n_components: int = 100, rng=0) -> widgets.VBox:
    """Sliders for N, eps and n over the rows of ``X``; redraws :func:`jl_view` in place (:func:`jl_update_function`).

    An update takes about 85 ms of CPU at the defaults (``make bench`` measures it).

    Start values outside the sliders' ranges (N in [10, rows of X], eps in [0.05, 0.9], n in
    [5, 1000]) raise ValueError instead of being clamped silently.
    """
    X = check_array(X, "X", min_rows=10)
    n_points = check_int(n_points, "n_points", 10, X.shape[0])
    eps = check_real(eps, "eps", 0.05, 0.9)
    n_components = check_int(n_components, "n_components", 5, 1000)
    controls = {
        "n_points": widgets.IntSlider(value=n_points, min=10, max=X.shape[0], step=10, description="N"),
        "eps": widgets.FloatSlider(value=eps, min=0.05, max=0.9, step=0.05, description="eps"),
        "n_components": widgets.IntSlider(value=n_components, min=5, max=1000, step=5, description="n"),
    }
    return _explorer(controls, jl_update_function(X, rng=rng), "Random projection of N points to n dimensions")


# ---- Chapter: LSH by sign random projection ----
#: Bit counts offered by the LSH explorer.
LSH_BITS = (8, 16, 32, 64, 128, 256, 512, 1024)


def lsh_view(angle: float = 40.0, n_bits: int = 128, n_trials: int = 2000, rng=0):
    """Compute and draw one view of the LSH explorer (also the page's static figure).

    Draws ``n_trials`` independent Gaussian matrices for a pair of vectors at
    ``angle`` degrees and shows the float, raw sign and corrected estimates of
    their cosine (:func:`jl_lab.lsh.simulate_cosine_estimates`, :func:`jl_lab.plots.lsh_estimates`).
    """
    from . import plots

    return plots.lsh_estimates(_lsh_data(angle, n_bits, n_trials, rng))


def _lsh_data(angle, n_bits, n_trials, rng) -> dict:
    """The simulated estimates of one LSH view, for a pair of vectors ``angle`` degrees apart."""
    import numpy as np

    from . import lsh

    angle = check_real(angle, "angle", 0.0, 180.0)
    rho = float(np.clip(np.cos(np.radians(angle)), -1.0, 1.0))
    return lsh.simulate_cosine_estimates(rho, n_bits, n_trials, rng=rng)


def lsh_explorer(angle: int = 40, n_bits: int = 128, n_trials: int = 2000, rng=0) -> widgets.VBox:
    """Sliders for the angle between two vectors and the number of bits; redraws :func:`lsh_view`.

    The figure is redrawn in place (:func:`lsh_update_function`).  An update takes about 110 ms of
    CPU at the defaults (``make bench`` measures it); the simulation grows with the bits, and at 1024
    bits an update takes about 250 ms.  ``angle`` must be an integer
    in [1, 179] and ``n_bits`` one of :data:`LSH_BITS` (ValueError otherwise, never a clamp).
    """
    angle = check_int(angle, "angle", 1, 179)
    n_bits = _option(n_bits, "n_bits", LSH_BITS)
    n_trials = check_int(n_trials, "n_trials", 2)
    controls = {
        "angle": widgets.IntSlider(value=angle, min=1, max=179, step=1, description="angle (deg)"),
        "n_bits": widgets.SelectionSlider(options=list(LSH_BITS), value=n_bits, description="bits"),
    }
    return _explorer(
        controls,
        lsh_update_function(n_trials=n_trials, rng=rng),
        "Three estimates of one cosine: float projection, sign bits, corrected sign bits",
    )


# ---- Chapter: SVD as co-clustering of bigram data ----


def cocluster_view(counts, vocab, n_classes: int = 8, vocab_size: int = 400, words: str = "figure", rng=0):
    """Compute and draw one view of the co-clustering explorer (also the page's static figure).

    Takes the ``vocab_size`` most frequent words (the top-left block of
    ``counts``, whose vocabulary is ordered by frequency), co-clusters them into
    ``n_classes`` row and column classes with :func:`jl_lab.cocluster.svd_cocluster`
    and draws :func:`jl_lab.plots.cocluster_matrix`.  With ``words="figure"``
    the top words of each cluster are drawn under the matrix and the figure is
    returned; with ``words="html"`` (the explorer: text in HTML renders ten
    times faster than in matplotlib) the matrix alone is drawn and
    ``(figure, html_table)`` is returned.
    """
    from . import plots

    if words not in ("figure", "html"):
        raise ValueError(f"words must be 'figure' or 'html', got {words!r}")
    counts = _check_counts_vocab(counts, vocab)
    if words == "figure":
        return plots.cocluster_matrix(_cocluster_data(counts, vocab, n_classes, vocab_size, 6, rng))
    view = _cocluster_data(counts, vocab, n_classes, vocab_size, 8, rng)
    fig = plots.cocluster_matrix({**view, "row_top": [], "col_top": []})
    return fig, plots.cocluster_words_table(view).data


def _check_counts_vocab(counts, vocab):
    """``counts`` checked (non-negative, at least 2 x 2, sparse allowed) with one word of ``vocab`` per row."""
    counts = check_array(counts, "counts", accept_sparse=True, nonnegative=True, min_rows=2, min_cols=2)
    if isinstance(vocab, (str, bytes)) or not hasattr(vocab, "__len__") or len(vocab) != counts.shape[0]:
        raise ValueError(f"vocab must be a sequence of one word per row of counts ({counts.shape[0]})")
    return counts


def _cocluster_data(counts, vocab, n_classes, vocab_size, n_top, rng) -> dict:
    """The block view (:func:`jl_lab.cocluster.block_view`) of the ``vocab_size`` most frequent words."""
    from . import cocluster

    n_classes = check_int(n_classes, "n_classes", 2, counts.shape[0])
    vocab_size = check_int(vocab_size, "vocab_size", n_classes, counts.shape[0])
    sub = counts[:vocab_size, :vocab_size]
    rows, cols = cocluster.svd_cocluster(sub, n_classes, n_classes, rng=rng)
    return cocluster.block_view(sub, rows, cols, vocab[:vocab_size], n_top=n_top)


def cocluster_explorer(counts, vocab, n_classes: int = 8, vocab_size: int = 400, rng=0) -> widgets.VBox:
    """Sliders for the number of classes and of words; shows :func:`cocluster_view` (words as HTML).

    The figure is redrawn in place (:func:`cocluster_update_function`).

    ``n_classes`` must lie in [2, 16] and ``vocab_size`` in [100, min(1000, rows of counts)].
    """
    counts = check_array(counts, "counts", accept_sparse=True, nonnegative=True, min_rows=100, min_cols=100)
    n_classes = check_int(n_classes, "n_classes", 2, 16)
    vocab_size = check_int(vocab_size, "vocab_size", 100, min(1000, counts.shape[0]))
    controls = {
        "n_classes": widgets.IntSlider(value=n_classes, min=2, max=16, step=1, description="classes"),
        "vocab_size": widgets.IntSlider(value=vocab_size, min=100, max=min(1000, counts.shape[0]), step=50,
                                        description="words"),
    }
    return _explorer(
        controls,
        cocluster_update_function(counts, vocab, rng=rng),
        "Bigram matrix grouped by SVD co-clusters, with the top words of each cluster",
    )


# ---- Chapter: randomized SVD ----


def rsvd_view(M, k: int = 20, oversample: int = 10, power_iters: int = 1, s_true=None, rng=0):
    """Compute and draw one view of the randomized-SVD explorer (also the page's static figure).

    Runs :func:`jl_lab.rsvd.approximation_report` (the randomized SVD, its two
    spectral errors and the HMT bound) and draws :func:`jl_lab.plots.rsvd_report`.
    Pass ``s_true`` (all singular values of ``M``) to avoid recomputing them.
    """
    from . import plots, rsvd

    with _one_blas_thread():  # small products: threads only add overhead, and collapse on a busy machine
        report = rsvd.approximation_report(M, k, oversample, power_iters, s_true=s_true, rng=rng)
    return plots.rsvd_report(report)


_one_blas_thread = one_blas_thread  # one definition, in jl_lab.timing


def rsvd_update_function(M, rng=0):
    """``update(k=20, oversample=10, power_iters=1) -> Figure`` for ``M``, with its spectrum computed once.

    The first call draws the figure (:func:`jl_lab.plots.rsvd_report`); later calls redraw that same
    figure in place (:func:`jl_lab.plots.rsvd_report_update`), which skips building axes, ticks and the
    legend: that was a third of an update.
    """
    import scipy.linalg

    from . import plots, rsvd

    s_true = scipy.linalg.svdvals(M)
    show = _in_place(plots.rsvd_report, plots.rsvd_report_update)

    def update(k: int = 20, oversample: int = 10, power_iters: int = 1):
        with _one_blas_thread():
            report = rsvd.approximation_report(M, k, oversample, power_iters, s_true=s_true, rng=rng)
        return show(report)

    return update


def rsvd_explorer(M, k: int = 20, oversample: int = 10, power_iters: int = 1, rng=0) -> widgets.VBox:
    """Sliders for the rank, the oversampling and the power iterations; redraws :func:`rsvd_view`.

    ``M`` is a grey-level image in [0, 1] (the reconstruction is drawn as one).
    The figure is redrawn in place (:func:`rsvd_update_function`).  An update (compute, figure and
    PNG) takes about 125 ms of CPU at the defaults for a 600 x 512 image (``make bench`` measures it;
    budget 200 ms).
    """
    M = check_array(M, "M", min_rows=44, min_cols=44)
    r = min(M.shape)
    k = check_int(k, "k", 2, min(150, r - 40))
    oversample = check_int(oversample, "oversample", 2, 40)
    power_iters = check_int(power_iters, "power_iters", 0, 5)
    update = rsvd_update_function(M, rng=rng)
    controls = {
        "k": widgets.IntSlider(value=k, min=2, max=min(150, r - 40), step=1, description="rank k"),
        "oversample": widgets.IntSlider(value=oversample, min=2, max=40, step=1, description="oversampling p"),
        "power_iters": widgets.IntSlider(value=power_iters, min=0, max=5, step=1, description="power iters q"),
    }
    return _explorer(controls, update, "Randomized SVD of an image: spectrum, error against the HMT bound, reconstruction")


# ---- Chapter: the dimension formula and attention head size ----
#: Sequence lengths offered by the attention explorer.
ATTENTION_LENGTHS = (16, 32, 64, 128, 256)


def attention_view(family: str = "sparse", L: int = 64, d: int = 3, max_iter: int = 200, rng=0):
    """Compute and draw one view of the attention explorer (also the page's static figure).

    Draws a target of ``family`` (parameters :data:`jl_lab.attention.DEFAULT_PARAMS`)
    of length ``L``, fits a head of size ``d`` (:func:`jl_lab.attention.fit_attention`)
    and shows target, fit and the worst row (:func:`jl_lab.plots.attn_fit`).
    """
    from . import plots

    return plots.attn_fit(*_attention_data(family, L, d, max_iter, rng))


def _attention_data(family, L, d, max_iter, rng):
    """``(P, A, title)`` of one attention view: the target, the fitted head's matrix and the title."""
    from . import attention

    check_choice(family, "family", attention.FAMILIES)
    P = attention.make_target(family, L, rng=rng, **attention.DEFAULT_PARAMS[family])
    fit = attention.fit_attention(P, d, max_iter=max_iter, rng=rng)
    title = f"{family}, L = {L}, d = {d}: worst-row TV {fit.max_tv:.3f}, mean KL {fit.kl:.3g}"
    return P, fit.A, title


def attention_explorer(family: str = "sparse", L: int = 64, d: int = 3, rng=0) -> widgets.VBox:
    """Pick a target family, a length L and a head size d; shows :func:`attention_view`, redrawn in place.

    The figure is drawn once and then updated (:func:`attention_update_function`).

    An update takes about 90 ms of CPU at the defaults (L = 64); longer sequences and larger heads
    take longer (``make bench`` measures the default).
    """
    from . import attention

    check_choice(family, "family", attention.FAMILIES)
    L = _option(L, "L", ATTENTION_LENGTHS)
    d = check_int(d, "d", 1, 64)
    controls = {
        "family": widgets.Dropdown(options=list(attention.FAMILIES), value=family, description="target"),
        "L": widgets.SelectionSlider(options=list(ATTENTION_LENGTHS), value=L, description="L"),
        "d": widgets.IntSlider(value=d, min=1, max=64, step=1, description="head size d"),
    }
    return _explorer(controls, attention_update_function(rng=rng), "Fit one attention head to a target pattern")


def attention_update_function(max_iter: int = 200, rng=0):
    """``update(family="sparse", L=64, d=3) -> Figure``: :func:`attention_view`, drawn once and then in place.

    The first call draws the figure (:func:`jl_lab.plots.attn_fit`); later calls redraw that same
    figure (:func:`jl_lab.plots.attn_fit_update`), which skips building three axes, their ticks and
    the legend: that was half of an update.  The numbers are those of :func:`attention_view`.
    """
    from . import plots

    max_iter = check_int(max_iter, "max_iter", 1)
    show = _in_place(plots.attn_fit, plots.attn_fit_update)

    def update(family: str = "sparse", L: int = 64, d: int = 3):
        return show(*_attention_data(family, L, d, max_iter, rng))

    return update


def cocluster_update_function(counts, vocab, rng=0):
    """``update(n_classes=8, vocab_size=400) -> (Figure, html)``: :func:`cocluster_view` (words as HTML), in place.

    The first call draws the matrix (:func:`jl_lab.plots.cocluster_matrix`); later calls redraw that
    same figure (:func:`jl_lab.plots.cocluster_matrix_update`), which skips building the axes, the
    colour bar and their ticks.  Figure and table are those of ``cocluster_view(..., words="html")``.
    """
    from . import plots

    counts = _check_counts_vocab(counts, vocab)
    show = _in_place(plots.cocluster_matrix, plots.cocluster_matrix_update)

    def update(n_classes: int = 8, vocab_size: int = 400):
        view = _cocluster_data(counts, vocab, n_classes, vocab_size, 8, rng)
        return show({**view, "row_top": [], "col_top": []}), plots.cocluster_words_table(view).data

    return update


def jl_update_function(X, rng=0):
    """``update(n_points=200, eps=0.3, n_components=100) -> Figure``: :func:`jl_view`, drawn once and then in place.

    The first call draws the figure (:func:`jl_lab.plots.plot_jl_explorer`); later calls redraw that
    same figure (:func:`jl_lab.plots.plot_jl_explorer_update`), which skips building the axes, their
    ticks and grid.  The numbers are those of :func:`jl_view` with the same ``rng``.

    Parameters
    ----------
    X : array_like of shape (N, D)
        The points; each update projects its first ``n_points`` rows.
    rng : None, int or numpy.random.Generator
        Seed of every projection (the same for each update, as in :func:`jl_view`).

    Returns
    -------
    callable
        ``update(n_points, eps, n_components)`` returning a ``matplotlib.figure.Figure``.
    """
    from . import plots

    X = check_array(X, "X", min_rows=2)
    show = _in_place(plots.plot_jl_explorer, plots.plot_jl_explorer_update)

    def update(n_points: int = 200, eps: float = 0.3, n_components: int = 100, kind: str = "gaussian"):
        return show(*_jl_data(X, n_points, eps, n_components, kind, rng))

    return update


def lsh_update_function(n_trials: int = 2000, rng=0):
    """``update(angle=40, n_bits=128) -> Figure``: :func:`lsh_view`, drawn once and then in place.

    The first call draws the figure (:func:`jl_lab.plots.lsh_estimates`); later calls redraw that
    same figure (:func:`jl_lab.plots.lsh_estimates_update`), which skips building the axes, their
    ticks and the legend.  The numbers are those of :func:`lsh_view` with the same ``rng``.

    Parameters
    ----------
    n_trials : int
        Independent draws of the projection per update, ``>= 2``.
    rng : None, int or numpy.random.Generator
        Seed of every simulation (the same for each update, as in :func:`lsh_view`).

    Returns
    -------
    callable
        ``update(angle, n_bits)`` returning a ``matplotlib.figure.Figure``.
    """
    from . import plots

    n_trials = check_int(n_trials, "n_trials", 2)
    show = _in_place(plots.lsh_estimates, plots.lsh_estimates_update)

    def update(angle: float = 40.0, n_bits: int = 128):
        return show(_lsh_data(angle, n_bits, n_trials, rng))

    return update
