"""Tests of the static frame slider (jl_lab.plots.frame_slider): frames, alt text, HTML, bad input.

The slider must work on a static page with no kernel and no network: its HTML
is parsed here (BeautifulSoup, and a strict tag-balance check), the frames are
decoded back to images, and the inline handler is checked to reference only
the DOM contract that the browser test (tests/test_browser.py) relies on.
"""

from __future__ import annotations

import base64
import html.parser
import io
import json
import re

import matplotlib.figure
import numpy as np
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from jl_lab import plots

VALUES = [1, 2, 4, 8]


def draw(k):
    """A small figure in the book's style whose curve and title depend on k."""
    fig, ax = plots.figure(width=3.0, height=2.0)
    x = np.linspace(0, 1, 50)
    ax.plot(x, np.sin(2 * np.pi * k * x))
    ax.set_title(f"{k} periods")
    return fig


@pytest.fixture(scope="module")
def slider():
    return plots.frame_slider(
        draw, VALUES, label="frequency k", alt="A sine curve with {value} periods; title: {title}.",
        caption="A sine curve: move the slider to change its frequency.", initial=1, dpi=40,
    )


def soup_of(s):
    return BeautifulSoup(s._repr_html_(), "html.parser")


def frames_of(s):
    """(src, alt, label) of every frame, as the browser sees them after the first move."""
    soup = soup_of(s)
    data = json.loads(soup.select_one("script.jl-frames-data").string)
    shown = soup.select_one("img.jl-frames-img")["src"]
    return [(d["src"] or shown, d["alt"], d["label"]) for d in data]


def decode(src):
    assert src.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))


def test_one_frame_per_value_each_a_png_of_the_same_size(slider):
    assert len(slider) == len(VALUES) == len(slider.pngs) == len(slider.alts)
    frames = frames_of(slider)
    assert len(frames) == len(VALUES)
    sizes = {decode(src).size for src, _, _ in frames}
    assert slider.size == (120, 80) and slider.scale == 2  # shown: 3 x 2 inches at 40 dpi
    assert sizes == {(240, 160)}  # rendered at twice that, sharp on phones


def test_distinct_values_give_distinct_images(slider):
    pixels = [np.asarray(decode(src).convert("RGB")) for src, _, _ in frames_of(slider)]
    for i in range(len(pixels)):
        for j in range(i + 1, len(pixels)):
            assert np.any(pixels[i] != pixels[j]), f"frames {i} and {j} are the same image"


def test_frames_are_drawn_in_the_book_style_on_white(slider):
    im = np.asarray(decode(frames_of(slider)[0][0]).convert("RGB")).astype(int)
    assert tuple(im[0, 0]) == (255, 255, 255) and tuple(im[-1, -1]) == (255, 255, 255)

    def thick(k):  # a line a few pixels wide, drawn without an explicit colour, with plain matplotlib
        fig = matplotlib.figure.Figure(figsize=(2.0, 1.5))
        fig.subplots().plot([0, 1], [0, k], lw=6)
        return fig

    im = np.asarray(Image.open(io.BytesIO(plots.frame_slider(thick, [1], label="k", alt="c", caption="c").pngs[0]))
                    .convert("RGB")).astype(int)
    # the line takes the first colour of the book's (Okabe-Ito) palette, not matplotlib's default
    blue = tuple(int(plots.PALETTE[0][i : i + 2], 16) for i in (1, 3, 5))
    assert np.mean(np.all(np.abs(im - blue) <= 8, axis=-1)) > 0.01


def test_each_frame_has_alt_text_stating_its_value(slider):
    frames = frames_of(slider)
    alts = [alt for _, alt, _ in frames]
    assert len(set(alts)) == len(alts)
    for k, (_, alt, label) in zip(VALUES, frames):
        assert alt.startswith(f"frequency k = {k}: A sine curve with {k} periods")
        assert f"title: {k} periods." in alt  # {title} is the figure's own title
        assert label == f"frequency k = {k}"
    img = soup_of(slider).select_one("img.jl-frames-img")
    assert img["alt"] == slider.alts[1] == frames[1][1]  # the initial frame is shown first


def test_html_follows_the_dom_contract(slider):
    soup = soup_of(slider)
    (box,) = soup.select("div.jl-frames")
    fig = box.find("figure")
    img = fig.select_one("img.jl-frames-img")
    assert img is not None and img.find_parent("figure") is fig
    assert fig.find("figcaption").get_text() == "A sine curve: move the slider to change its frequency."
    rng = box.select_one("input.jl-frames-slider")
    assert rng["type"] == "range" and rng["min"] == "0" and rng["max"] == str(len(VALUES) - 1)
    assert rng["value"] == "1" and rng["step"] == "1"
    assert rng["aria-label"].startswith("frequency k") and rng["aria-valuetext"] == "frequency k = 2"
    assert box.select_one(".jl-frames-value").get_text() == "frequency k = 2"
    assert int(img["width"]), int(img["height"]) == slider.size


def test_html_is_self_contained(slider):
    page = slider._repr_html_()
    soup = BeautifulSoup(page, "html.parser")
    # no external script, stylesheet or image; the only script is inert JSON data
    scripts = soup.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/json"] and not any(s.get("src") for s in scripts)
    assert not soup.find_all(["link", "iframe", "style"])
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)  # base64 may spell anything
    assert not re.search(r"https?://|//[a-z]|require\(|requirejs|\bcdn\b|fetch\(|XMLHttpRequest|import\(", text, re.I)
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:image/png;base64,")
    # the handler works on its own container only, so several sliders can share a page
    handler = soup.select_one("input.jl-frames-slider")["oninput"]
    assert "this.closest('.jl-frames')" in handler
    for cls in ("jl-frames-img", "jl-frames-data", "jl-frames-value"):
        assert f"'.{cls}'" in handler
    assert "id=" not in page


class _Balance(html.parser.HTMLParser):
    """Strict tag balance: every element closed, in order (void elements excepted)."""

    VOID = {"img", "input", "br", "hr", "meta", "link", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)
        if len({name for name, _ in attrs}) != len(attrs):
            self.errors.append(f"duplicate attribute in <{tag}>")

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")


def test_html_is_well_formed_and_data_cannot_break_out():
    tricky = "a </script><b>bold</b> & \"quoted\" 'single'"
    s = plots.frame_slider(draw, [1, 2], label="k <&>", alt=lambda k: f"{tricky} {k}", caption=tricky, dpi=30)
    for obj in (s, plots.frame_slider(draw, [3], label="k", alt="x", caption="c", dpi=30)):
        p = _Balance()
        p.feed(obj._repr_html_())
        p.close()
        assert not p.errors and not p.stack, (p.errors, p.stack)
    soup = soup_of(s)
    assert soup.find("figcaption").get_text() == tricky
    assert soup.select_one(".jl-frames-value").get_text() == "k <&> = 1"
    assert [d["alt"] for d in json.loads(soup.select_one("script.jl-frames-data").string)] == list(s.alts)
    assert s.alts[0] == f"k <&> = 1: {tricky} 1"
    assert not soup.find("b")  # the caption's markup stays text


def test_several_sliders_on_one_page_are_independent(slider):
    other = plots.frame_slider(draw, [5, 6], label="k", alt="curve", caption="second", dpi=30)
    soup = BeautifulSoup(slider._repr_html_() + other._repr_html_(), "html.parser")
    boxes = soup.select("div.jl-frames")
    assert len(boxes) == 2
    for box, s in zip(boxes, (slider, other)):
        data = json.loads(box.select_one("script.jl-frames-data").string)
        assert len(data) == len(s) and len(box.select("input.jl-frames-slider")) == 1


def test_the_shown_frame_is_stored_once():
    s = plots.frame_slider(draw, [1, 2, 3], label="k", alt="curve", caption="c", dpi=30, initial=2)
    soup = soup_of(s)
    data = json.loads(soup.select_one("script.jl-frames-data").string)
    assert data[2]["src"] is None and all(d["src"] for d in data[:2])
    assert soup.select_one("img.jl-frames-img")["src"] == "data:image/png;base64," + base64.b64encode(s.pngs[2]).decode()
    assert s.nbytes == len(s._repr_html_().encode())


def test_alt_template_can_quote_the_text_inside_the_axes():
    def annotated(k):
        fig = draw(k)
        fig.axes[0].text(0.1, 0.9, f"peaks: {k}\nsecond line $x$", transform=fig.axes[0].transAxes)
        return fig

    s = plots.frame_slider(annotated, [2], label="k", alt="Curve. Written on it: {text}.", caption="c", dpi=30)
    assert s.alts == ("k = 2: Curve. Written on it: peaks: 2; second line x.",)


def test_a_list_of_figures_and_extra_alt_text_from_the_callable():
    figs = [draw(k) for k in (1, 3)]
    s = plots.frame_slider(figs, ["one", "three"], label="k", alt="{title}", caption="c", dpi=30)
    assert s.alts == ("k = one: 1 periods", "k = three: 3 periods")
    t = plots.frame_slider(lambda k: (draw(k), f"Peak count {2 * k}."), [1, 2], label="k", alt="curve.",
                           caption="c", dpi=30)
    assert t.alts == ("k = 1: curve. Peak count 2.", "k = 2: curve. Peak count 4.")


def test_fmt_and_numpy_values():
    s = plots.frame_slider(lambda v: draw(1), np.array([0.5, 0.25]), label="eps", alt="curve", caption="c",
                           fmt="{:.2f}", dpi=30)
    assert s.labels == ("eps = 0.50", "eps = 0.25") and s.values == (0.5, 0.25)
    assert all(type(v) is float for v in s.values)


def test_share_gives_every_frame_the_union_of_the_limits():
    figs = []

    def scaled(c):
        fig, ax = plots.figure(width=2.0, height=1.5)
        ax.plot([0, 1], [0, c])
        figs.append(fig)
        return fig

    plots.frame_slider(scaled, [1, 10], label="c", alt="line", caption="c", dpi=30, share="y")
    lo, hi = figs[1].axes[0].get_ylim()
    assert figs[0].axes[0].get_ylim() == (lo, hi) and hi >= 10
    assert figs[0].axes[0].get_xlim() != (0, 10)


def test_palette_quantization_shrinks_a_plot_and_keeps_its_look():
    full = plots.frame_slider(lambda k: draw(k), [2], label="k", alt="c", caption="c", dpi=80, colors=None)
    small = plots.frame_slider(lambda k: draw(k), [2], label="k", alt="c", caption="c", dpi=80)
    assert len(small.pngs[0]) < len(full.pngs[0])
    a = np.asarray(Image.open(io.BytesIO(full.pngs[0])).convert("RGB")).astype(float)
    b = np.asarray(Image.open(io.BytesIO(small.pngs[0])).convert("RGB")).astype(float)
    assert np.mean(np.abs(a - b)) < 2.0  # of 255


def test_palette_frames_have_the_pixels_savefig_draws():
    """The palette route draws on an Agg canvas: the same pixels as savefig's PNG, quantized the same way."""
    from jl_lab.frame_slider import _png

    for k in (1, 3):
        png, size = _png(draw(k), 160, 64)
        buf, fig = io.BytesIO(), draw(k)  # made the same way as the one given to _png
        with plots.style():
            fig.savefig(buf, format="png", dpi=160, facecolor="white")
        with Image.open(io.BytesIO(buf.getvalue())) as im:
            ref = im.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        assert size == ref.size
        a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        np.testing.assert_array_equal(a, np.asarray(ref.convert("RGB")))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"values": []}, ValueError, "values must not be empty"),
        ({"values": np.array([])}, ValueError, "values must not be empty"),
        ({"values": "abc"}, TypeError, "values must be a sequence"),
        ({"values": 3}, TypeError, "values must be a sequence"),
        ({"frames": 42}, TypeError, "frames must be a callable"),
        ({"frames": [1, 2]}, TypeError, "frames must be a callable"),
        ({"frames": []}, TypeError, "frames must be a callable"),
        ({"frames": lambda v: "not a figure"}, TypeError, "frames must return a matplotlib Figure"),
        ({"label": ""}, ValueError, "label must be a non-empty string"),
        ({"label": 3}, TypeError, "label must be a string"),
        ({"caption": "  "}, ValueError, "caption must be a non-empty string"),
        ({"alt": None}, TypeError, "alt must be a string template or a callable"),
        ({"alt": "{nope}"}, ValueError, "alt template"),
        ({"initial": 2}, ValueError, "initial must be <= 1"),
        ({"initial": -1}, ValueError, "initial must be >= 0"),
        ({"initial": 0.5}, TypeError, "initial must be an integer"),
        ({"dpi": 5}, ValueError, "dpi must be >= 20"),
        ({"colors": 1}, ValueError, "colors must be >= 2"),
        ({"share": "z"}, ValueError, "share must be one of"),
        ({"fmt": "{:d}"}, ValueError, "fmt '{:d}' cannot format"),
        ({"fmt": 3}, TypeError, "fmt must be a format string or a callable"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, exc, match):
    args = {"frames": draw, "values": [1, 2], "label": "k", "alt": "curve", "caption": "c", "dpi": 30}
    args.update(kwargs)
    frames, values = args.pop("frames"), args.pop("values")
    if "fmt" in kwargs and kwargs["fmt"] == "{:d}":
        values = [0.5, 1.5]
    with pytest.raises(exc, match=re.escape(match) if "(" not in match else match):
        plots.frame_slider(frames, values, **args)


def test_frames_of_different_sizes_or_counts_are_refused():
    def uneven(k):
        fig, ax = plots.figure(width=2.0 + k, height=1.5)
        return fig

    with pytest.raises(ValueError, match="frames must all have the same pixel size"):
        plots.frame_slider(uneven, [0, 1], label="k", alt="c", caption="c", dpi=30)
    with pytest.raises(ValueError, match="frames must hold one figure per value: 1 figures, 2 values"):
        plots.frame_slider([draw(1)], [1, 2], label="k", alt="c", caption="c", dpi=30)
    with pytest.raises(ValueError, match="share='y' needs frames with the same number of axes"):
        plots.frame_slider(lambda k: plots.figure(ncols=k)[0], [1, 2], label="k", alt="c", caption="c",
                           dpi=30, share="y")


def test_repr_names_the_parameter_and_the_size(slider):
    r = repr(slider)
    assert r.startswith("FrameSlider('frequency k': 4 frames of 120x80 px") and r.endswith(" kB)")
    assert isinstance(draw(1), matplotlib.figure.Figure)


# --------------------------------------------------------------------------- the chapter frames


def test_rp_pairs_frame_draws_the_requested_dimension():
    from jl_lab import reducers

    X = np.random.default_rng(0).standard_normal((60, 10)) * np.linspace(3, 0.3, 10)
    out = reducers.pair_ratio_sweep(X, [2, 5, 10], n_pairs=300, k=5, rng=0)
    figs = [plots.rp_pairs_frame(out, n, {"pca": "PCA"}) for n in (2, 10)]
    for fig, n in zip(figs, (2, 10)):
        ax1, ax2 = fig.axes
        assert ax1.get_title().endswith(f"n = {n}")
        assert f"PCA {out['knn']['pca'][list(out['n']).index(n)]:.0%}" in ax2.get_title()
    assert figs[0].axes[0].get_ylim() == figs[1].axes[0].get_ylim()  # the same axes in every frame
    with pytest.raises(ValueError, match="n must be one of the dimensions of out"):
        plots.rp_pairs_frame(out, 3)
    s = plots.frame_slider(lambda n: plots.rp_pairs_frame(out, n), list(out["n"]), label="n", alt="{title}",
                           caption="c", dpi=30)
    assert len(set(s.pngs)) == 3
