"""jl_lab._render: the explorers' PNGs are Agg's pixels, with font look-ups cached between draws."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from jl_lab import _render, plots, widgets  # noqa: E402


def _decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _savefig(fig) -> np.ndarray:
    """What savefig gives with matplotlib's own Agg canvas and renderer (not the figure's ExplorerCanvas)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    kept = fig.canvas
    try:
        FigureCanvasAgg(fig)  # attaches itself to fig for the duration
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=fig.dpi)
    finally:
        fig.set_canvas(kept)
    return _decode(buf.getvalue())


def _figure_with_text():
    fig = Figure(figsize=(4.0, 2.5), dpi=100)
    ax = fig.subplots()
    ax.plot([0, 1, 2], [1, 0.2, 3], label="a line")
    ax.set_title("title σ(k+1) with 2 fonts", fontsize=10)
    ax.set_xlabel("x label", fontsize=8)
    ax.text(0.5, 0.5, "multi\nline", family="monospace", fontsize=7, transform=ax.transAxes)
    ax.legend(fontsize=7)
    return fig


def test_png_has_the_pixels_of_savefig_on_every_redraw():
    """The cached font look-ups change no pixel: first draw, and a redraw after texts, sizes and limits changed."""
    fig = _figure_with_text()
    assert (_decode(_render.figure_png(fig)) == _savefig(fig)).all()
    assert isinstance(fig.canvas, _render.ExplorerCanvas)
    ax = fig.axes[0]
    ax.set_title("another title, larger", fontsize=13)
    ax.set_xlim(-5, 50)
    ax.texts[0].set_fontsize(11)
    assert (_decode(_render.figure_png(fig)) == _savefig(fig)).all()


def test_texts_drawn_again_come_from_the_previous_frame_with_their_new_colour():
    """A text unchanged since the last frame is composited from its remembered glyphs (the cache holds
    one frame), in the colour and alpha it has now; the pixels stay those of matplotlib's Agg canvas."""
    fig = _figure_with_text()
    _render.figure_png(fig)
    renderer = fig.canvas.get_renderer()
    remembered = set(renderer._texts)
    assert any(key[1] == "x label" for key in remembered)
    ax = fig.axes[0]
    ax.xaxis.label.set_color("#D55E00")
    ax.xaxis.label.set_alpha(0.5)
    ax.set_title("a new title", fontsize=10)
    assert (_decode(_render.figure_png(fig)) == _savefig(fig)).all()
    assert any(key[1] == "x label" for key in renderer._texts)  # replayed, so kept
    assert not any(key[1] == "title σ(k+1) with 2 fonts" for key in renderer._texts)  # not drawn: dropped
    assert any(key[1] == "a new title" for key in renderer._texts)


@pytest.mark.parametrize("name", ["jl", "lsh", "attention"])
def test_explorer_figures_render_as_savefig(name):
    """Explorer figures (the JL, LSH and attention views, book style) render exactly as savefig renders them."""
    rng = np.random.default_rng(0)
    with plots.style():
        if name == "jl":
            fig = widgets.jl_view(rng.standard_normal((40, 30)), 40, 0.3, 20)
        elif name == "lsh":
            fig = widgets.lsh_view(40, 64, n_trials=200)
        else:
            fig = widgets.attention_view("sparse", 16, 2, max_iter=20)
        assert (_decode(widgets.render_png(fig)) == _savefig(fig)).all()
        assert (_decode(widgets.render_png(fig)) == _savefig(fig)).all()  # the redraw, from the caches


def test_png_size_and_compression_level():
    fig = Figure(figsize=(3.0, 2.0), dpi=100)
    fig.subplots().plot([0, 1], [1, 0])
    small, large = _render.figure_png(fig, 9), _render.figure_png(fig, 0)
    assert Image.open(io.BytesIO(small)).size == (300, 200)
    assert (_decode(small) == _decode(large)).all() and len(small) < len(large)


def test_figure_with_a_pyplot_window_keeps_its_canvas():
    """A figure open in pyplot (it has a manager) is rendered through savefig; its canvas is not replaced."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2.0, 1.0), dpi=100)
    try:
        canvas = fig.canvas
        png = _render.figure_png(fig)
        assert fig.canvas is canvas and Image.open(io.BytesIO(png)).size == (200, 100)
    finally:
        plt.close(fig)
    _render.figure_png(fig)  # closed (as the book's figures are): no window any more, so the fast canvas
    assert isinstance(fig.canvas, _render.ExplorerCanvas)


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match="fig"):
        _render.figure_png("not a figure")
    fig = Figure(figsize=(1.0, 1.0))
    with pytest.raises(ValueError, match="compress_level"):
        _render.figure_png(fig, 10)
    with pytest.raises(TypeError, match="compress_level"):
        _render.figure_png(fig, 1.5)


def test_explorer_titles_sit_where_automatic_placement_puts_them():
    """The explorers' figures give their titles y = 1 (which skips matplotlib's title placement pass on
    every draw); with automatic placement switched back on, the pixels are the same."""
    import scipy.linalg

    from jl_lab import rsvd

    rng = np.random.default_rng(0)
    M = np.clip(rng.random((60, 50)), 0, 1)
    with plots.style():
        figs = [
            widgets.jl_view(rng.standard_normal((40, 30)), 40, 0.3, 20),
            widgets.lsh_view(40, 64, n_trials=200),
            widgets.attention_view("sparse", 16, 2, max_iter=20),
            plots.rsvd_report(rsvd.approximation_report(M, 5, 5, 1, s_true=scipy.linalg.svdvals(M), rng=0)),
        ]
        for fig in figs:
            fixed = _decode(widgets.render_png(fig))
            for ax in fig.axes:
                assert ax._autotitlepos is False  # private flag: set_title(..., y=1.0) set it
                ax._autotitlepos = True
            assert (_decode(widgets.render_png(fig)) == fixed).all()
