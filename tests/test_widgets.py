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


def _pixels(fig):
    import numpy as np

    return np.asarray(Image.open(io.BytesIO(widgets.render_png(fig))))


def test_rsvd_explorer_redraw_in_place_renders_as_a_new_figure():
    """The rSVD explorer's fast path (plots.rsvd_report_update on the figure it drew first) shows exactly
    what a new plots.rsvd_report of the same report shows, for a change of every slider."""
    import numpy as np
    import scipy.linalg

    from jl_lab import plots, rsvd

    rng = np.random.default_rng(0)
    M = np.clip(rng.random((120, 100)) @ np.diag(1 / np.arange(1, 101)) @ rng.random((100, 90)) / 5, 0, 1)
    s = scipy.linalg.svdvals(M)
    first = rsvd.approximation_report(M, 10, 5, 1, s_true=s, rng=0)
    fig = plots.rsvd_report(first)
    _pixels(fig)
    for k, p, q in ((12, 5, 1), (12, 9, 1), (12, 9, 0), (25, 2, 3)):
        report = rsvd.approximation_report(M, k, p, q, s_true=s, rng=0)
        assert plots.rsvd_report_update(fig, report) is fig
        assert (_pixels(fig) == _pixels(plots.rsvd_report(report))).all(), (k, p, q)


def test_explorer_labels_are_shown_whole():
    """Every control of an explorer shows its whole description (ipywidgets cuts it at 80 px otherwise)."""
    import numpy as np

    box = widgets.rsvd_explorer(np.random.default_rng(0).random((60, 50)), k=5)
    controls = [c for row in box.children if hasattr(row, "children") for c in row.children]
    assert {c.description for c in controls} == {"rank k", "oversampling p", "power iters q"}
    assert all(c.style.description_width == "initial" for c in controls)


def test_attention_explorer_redraw_in_place_renders_as_a_new_figure():
    """The attention explorer's fast path (plots.attn_fit_update on the figure it drew first) shows exactly
    what a new attention_view of the same values shows, for a change of every control (L changes the
    images' size and the ticks)."""
    update = widgets.attention_update_function(max_iter=30)
    fig = update("sparse", 32, 3)
    _pixels(fig)
    for family, L, d in (("sparse", 16, 3), ("sparse", 16, 5), ("local", 64, 5), ("sparse", 32, 3)):
        assert update(family, L, d) is fig
        fresh = widgets.attention_view(family, L, d, max_iter=30)
        assert (_pixels(fig) == _pixels(fresh)).all(), (family, L, d)


def test_cocluster_explorer_redraw_in_place_renders_as_a_new_figure():
    """The co-clustering explorer's fast path (plots.cocluster_matrix_update on the figure it drew first)
    shows exactly what a new plots.cocluster_matrix of the same view shows, for a change of the number of
    classes and of the matrix size; its word table is the one cocluster_view gives."""
    import numpy as np

    rng = np.random.default_rng(0)
    counts = rng.poisson(rng.gamma(0.5, 2.0, size=(150, 150))).astype(float)
    vocab = [f"w{i}" for i in range(150)]
    update = widgets.cocluster_update_function(counts, vocab, rng=0)
    fig, _ = update(4, 120)
    _pixels(fig)
    for n_classes, size in ((6, 120), (3, 120), (3, 150), (8, 100)):
        got, html = update(n_classes, size)
        assert got is fig
        fresh, fresh_html = widgets.cocluster_view(counts, vocab, n_classes, size, words="html", rng=0)
        assert html == fresh_html
        assert (_pixels(fig) == _pixels(fresh)).all(), (n_classes, size)


def test_explorer_figures_have_no_layout_engine():
    """savefig draws a figure twice when it has a layout engine (even the placeholder that
    set_layout_engine("none") leaves), so the explorers' figures have none."""
    import numpy as np

    from jl_lab import plots

    rng = np.random.default_rng(0)
    counts = rng.poisson(rng.gamma(0.5, 2.0, size=(120, 120))).astype(float)
    fig, _ = widgets.cocluster_update_function(counts, [f"w{i}" for i in range(120)])(4, 100)
    assert fig.get_layout_engine() is None
    P = np.full((8, 8), 1 / 8)
    assert plots.attn_fit(P, P).get_layout_engine() is None


def test_jl_explorer_redraw_in_place_renders_as_a_new_figure():
    """The JL explorer's fast path (plots.plot_jl_explorer_update on the figure it drew first) shows exactly
    what a new jl_view of the same values shows, for a change of every slider (the histogram's range,
    its colour when pairs fall outside the band, the band and the bounds' text all change)."""
    import numpy as np

    X = np.random.default_rng(1).standard_normal((60, 40))
    update = widgets.jl_update_function(X, rng=0)
    fig = update(60, 0.3, 20)
    _pixels(fig)
    for n_points, eps, n in ((50, 0.3, 20), (50, 0.8, 20), (50, 0.8, 200), (20, 0.1, 5), (60, 0.3, 20)):
        assert update(n_points, eps, n) is fig
        fresh = widgets.jl_view(X, n_points, eps, n, rng=0)
        assert (_pixels(fig) == _pixels(fresh)).all(), (n_points, eps, n)


def test_lsh_explorer_redraw_in_place_renders_as_a_new_figure():
    """The LSH explorer's fast path (plots.lsh_estimates_update on the figure it drew first) shows exactly
    what a new lsh_view of the same values shows, for a change of the angle and of the bits."""
    update = widgets.lsh_update_function(n_trials=300, rng=0)
    fig = update(40, 128)
    _pixels(fig)
    for angle, bits in ((39, 128), (39, 8), (150, 8), (90, 1024), (40, 128)):
        assert update(angle, bits) is fig
        fresh = widgets.lsh_view(angle, bits, n_trials=300, rng=0)
        assert (_pixels(fig) == _pixels(fresh)).all(), (angle, bits)


def test_in_place_redraws_refuse_a_figure_they_did_not_draw():
    import numpy as np

    from jl_lab import lsh, plots

    est = lsh.simulate_cosine_estimates(0.5, 16, 50, rng=0)
    with pytest.raises(TypeError, match="fig"):
        plots.lsh_estimates_update(_fig(), est)
    with pytest.raises(ValueError, match="est"):
        plots.lsh_estimates_update(plots.lsh_estimates(est), {"rho": 0.5})
    ratios = np.array([0.9, 1.0, 1.1])
    with pytest.raises(TypeError, match="fig"):
        plots.plot_jl_explorer_update(_fig(), ratios, 0.3, 10, {"Su": 5})
    with pytest.raises(ValueError, match="ratios"):
        plots.plot_jl_explorer_update(plots.plot_jl_explorer(ratios, 0.3, 10, {"Su": 5}), [np.nan], 0.3, 10, {"Su": 5})
    with pytest.raises(ValueError, match="n_points"):
        widgets.jl_update_function(np.ones((5, 3)))(6, 0.3, 2)
    with pytest.raises(ValueError, match="n_trials"):
        widgets.lsh_update_function(n_trials=1)
