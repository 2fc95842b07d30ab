"""The explorer machinery of jl_lab.widgets: what a slider move renders, and its bad input."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from jl_lab import widgets  # noqa: E402


def _fig(width=3.0, height=2.0, dpi=100):
    fig = Figure(figsize=(width, height), dpi=dpi)
    fig.subplots().plot([0, 1], [1, 0])
    return fig


def test_render_png_is_one_pixel_per_figure_pixel():
    png = widgets.render_png(_fig(3.0, 2.0, dpi=100))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(png)).size == (300, 200)


def test_render_png_rejects_what_is_not_a_figure():
    with pytest.raises(TypeError, match="fig"):
        widgets.render_png("not a figure")


def test_explorer_shows_figure_html_and_time_and_follows_its_controls():
    import ipywidgets

    seen = []

    def update(n):
        seen.append(n)
        return _fig(), f"<p>n is {n}</p>"

    slider = ipywidgets.IntSlider(value=2, min=1, max=5)
    box = widgets._explorer({"n": slider}, update, "title")
    image, extra, status = box.children[2], box.children[3], box.children[4]
    assert Image.open(io.BytesIO(image.value)).size == (300, 200)
    assert extra.value == "<p>n is 2</p>" and "ms" in status.value
    slider.value = 4
    assert seen == [2, 4] and extra.value == "<p>n is 4</p>"


def test_cocluster_view_rejects_an_unknown_words_mode():
    import numpy as np

    counts = np.ones((4, 4))
    with pytest.raises(ValueError, match="words"):
        widgets.cocluster_view(counts, list("abcd"), n_classes=2, vocab_size=4, words="table")
