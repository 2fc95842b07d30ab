"""Frame sliders: the static page's answer to an ipywidgets explorer.

A frame slider is the static page's answer to an ipywidgets explorer: the figure is drawn at build
time for a handful of values of one parameter, each frame is kept as an inline PNG, and a range input
swaps them in the browser.  Plain HTML and a one-line ``oninput`` handler: no kernel, no external
script, no require.js, nothing fetched from anywhere (the frames are ``data:`` URIs).  DOM contract
(tests/test_frames.py; the browser test relies on it): ``div.jl-frames`` > ``figure`` holding
``img.jl-frames-img`` (its ``alt`` changes with the frame), ``input.jl-frames-slider[type=range]``
with an ``aria-label``, ``output.jl-frames-value`` (the visible current value) and ``figcaption``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._validation import check_choice as _check_choice
from ._validation import check_int as _check_int

__all__ = ["FrameSlider", "frame_slider"]


def style():
    """The book's figure style (:func:`jl_lab.plots.style`), imported late: ``jl_lab.plots`` re-exports this module."""
    from .plots._style import style as book_style

    return book_style()


class FrameSlider:
    """Frames of one figure over one parameter, shown with a slider that needs no kernel.

    Made by :func:`frame_slider`; a cell whose last expression is a
    ``FrameSlider`` displays it (``_repr_html_``).

    Attributes
    ----------
    values : tuple
        The parameter values, one per frame.
    labels : tuple of str
        ``"<label> = <formatted value>"``, shown next to the slider.
    alts : tuple of str
        Alt text of each frame; each states the parameter value.
    pngs : tuple of bytes
        The frames, PNG files of identical pixel size ``scale * size``.
    size : tuple of int
        ``(width, height)`` of every frame as shown, in CSS pixels.
    scale : int
        Image pixels per CSS pixel (2: sharp on phones and high-density screens).
    label, caption : str
        Name of the parameter and the caption under the figure.
    initial : int
        Index of the frame shown when the page loads.
    """

    def __init__(self, values, labels, alts, pngs, size, label, caption, initial, scale=1):
        self.values = tuple(values)
        self.labels = tuple(labels)
        self.alts = tuple(alts)
        self.pngs = tuple(pngs)
        self.size = tuple(size)
        self.label = label
        self.caption = caption
        self.initial = initial
        self.scale = scale

    @property
    def nbytes(self) -> int:
        """Bytes of the HTML the slider adds to a page (frames in base64 included)."""
        return len(self.to_html().encode())

    def __len__(self) -> int:
        return len(self.pngs)

    def __repr__(self) -> str:
        return (f"FrameSlider({self.label!r}: {len(self)} frames of {self.size[0]}x{self.size[1]} px (x{self.scale}), "
                f"{self.nbytes / 1024:.0f} kB)")

    def to_html(self) -> str:
        """The self-contained HTML of the slider (see the DOM contract at the top of this section)."""
        import base64
        import html
        import json

        def uri(png: bytes) -> str:
            return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

        i0 = self.initial
        # the shown frame's image is read back from the <img> (src null here): no frame is stored twice
        data = [{"src": None if i == i0 else uri(p), "alt": a, "label": t}
                for i, (p, a, t) in enumerate(zip(self.pngs, self.alts, self.labels))]
        blob = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
        blob = blob.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        handler = (
            "var r=this.closest('.jl-frames'),m=r.querySelector('.jl-frames-img'),d=r.jlFrames;"
            "if(!d){d=r.jlFrames=JSON.parse(r.querySelector('.jl-frames-data').textContent);"
            "d.forEach(function(f){if(!f.src)f.src=m.getAttribute('src');});}"
            "var f=d[+this.value];m.src=f.src;m.alt=f.alt;"
            "r.querySelector('.jl-frames-value').textContent=f.label;"
            "this.setAttribute('aria-valuetext',f.label);"
        )
        w, h = self.size
        esc = html.escape
        return (
            f'<div class="jl-frames" style="max-width:{w}px;margin:0 0 1em 0">'
            '<figure class="align-default" style="margin:0">'
            f'<img class="jl-frames-img" src="{uri(self.pngs[i0])}" alt="{esc(self.alts[i0])}" '
            f'width="{w}" height="{h}" style="max-width:100%;height:auto;display:block">'
            '<div class="jl-frames-controls" style="display:flex;align-items:center;gap:0.8em;margin:0.3em 0">'
            f'<input class="jl-frames-slider" type="range" min="0" max="{len(self) - 1}" step="1" value="{i0}" '
            f'aria-label="{esc(self.label)}: move to change the figure" '
            f'aria-valuetext="{esc(self.labels[i0])}" style="flex:1 1 auto;max-width:24em" '
            f'oninput="{esc(handler)}">'
            f'<output class="jl-frames-value" aria-live="polite" style="font-variant-numeric:tabular-nums">'
            f'{esc(self.labels[i0])}</output>'
            "</div>"
            # the markup of a Sphinx figure caption, so that the theme styles it like the others
            f'<figcaption><p><span class="caption-text">{esc(self.caption)}</span></p></figcaption>'
            "</figure>"
            f'<script type="application/json" class="jl-frames-data">{blob}</script>'
            "</div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def _figure_titles(fig) -> str:
    """The suptitle and axes titles of a figure, joined by '; ', without mathtext dollars."""
    texts = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) is not None else []
    for ax in fig.axes:
        texts += [ax.get_title(loc) for loc in ("left", "center", "right")]
    return "; ".join(t.replace("$", "").strip() for t in texts if t.strip())


def _figure_texts(fig) -> str:
    """The text annotations inside the axes of a figure (``ax.text``), lines joined by '; '."""
    lines = [line.strip() for ax in fig.axes for t in ax.texts for line in t.get_text().replace("$", "").splitlines()]
    return "; ".join(line for line in lines if line)


def _check_text(value, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    return value


def _png(fig, dpi: int, colors: int | None) -> tuple[bytes, tuple[int, int]]:
    """Render ``fig`` to PNG bytes at ``dpi`` (palette-quantized to ``colors`` if given); return (bytes, size).

    For a palette the figure is drawn on an Agg canvas and its pixels are quantized directly: the same
    pixels as ``savefig`` on a white face, without encoding and decoding a full-colour PNG first
    (0.38 s instead of 0.64 s per frame of the LSH explorer; tests/test_frames.py checks the pixels).
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image  # installed with matplotlib

    if colors is None:
        buf = io.BytesIO()
        with style():
            fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
        plt.close(fig)
        raw = buf.getvalue()
        with Image.open(io.BytesIO(raw)) as im:
            return raw, im.size
    with style():
        fig.set_dpi(dpi)
        fig.patch.set_facecolor("white")
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        im = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        q = im.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    plt.close(fig)
    out = io.BytesIO()
    q.save(out, format="PNG", optimize=True)
    return out.getvalue(), q.size


def _share_limits(figs: list, share: str) -> None:
    """Give corresponding axes of all figures (same position in ``fig.axes``) the union of their limits."""
    n_axes = {len(f.axes) for f in figs}
    if len(n_axes) != 1:
        raise ValueError(f"share={share!r} needs frames with the same number of axes, got {sorted(n_axes)}")
    for i in range(n_axes.pop()):
        axes = [f.axes[i] for f in figs]
        for which in share:
            get, set_ = (("get_xlim", "set_xlim") if which == "x" else ("get_ylim", "set_ylim"))
            lims = np.array([getattr(a, get)() for a in axes])
            flipped = lims[0, 0] > lims[0, 1]
            lo, hi = lims.min(), lims.max()
            for a in axes:
                getattr(a, set_)((hi, lo) if flipped else (lo, hi))


def frame_slider(
    frames,
    values,
    *,
    label: str,
    alt,
    caption: str,
    initial: int = 0,
    fmt="{}",
    dpi: int = 80,
    share: str | None = None,
    colors: int | None = 256,
    scale: int = 2,
) -> FrameSlider:
    """Precompute a figure over several values of one parameter, for a slider that needs no kernel.

    The static-page counterpart of an ipywidgets explorer: each frame is drawn
    once, at build time, with the book's style, and kept as an inline PNG; the
    returned object renders as plain HTML with a range input that swaps the
    frames in the browser (no external script, no kernel, no network).

    Parameters
    ----------
    frames : callable or sequence of matplotlib.figure.Figure
        ``frames(value) -> Figure`` (or ``-> (Figure, str)``, the string added
        to that frame's alt text), called once per value; or the figures
        themselves, one per value.  Every frame must have the same pixel size
        (same ``figsize``).
    values : sequence
        The parameter values, at least one (a few to a dozen is the intent).
    label : str
        Name of the parameter as the reader should read it, e.g. ``"target dimension n"``;
        the slider shows ``"<label> = <value>"``.
    alt : str or callable
        Alt text of each frame: a template formatted with ``value`` (the
        formatted value), ``title`` (the figure's titles, which usually state
        the frame's result) and ``text`` (the text written inside its axes,
        such as a list of words), or a callable ``value -> str``.  It is prefixed by
        ``"<label> = <value>: "`` unless it already contains that, so every
        frame's alt text states the parameter value.
    caption : str
        The figure caption, plain text (no MyST, no math: it is raw HTML).
    initial : int
        Index of the frame shown first, ``0 <= initial < len(values)``.
    fmt : str or callable
        How a value is written: a ``str.format`` template such as ``"{:.2f}"``
        or a callable ``value -> str``.
    dpi : int
        Resolution of the frames, 20 to 300; 80 to 100 keeps a dozen frames of a
        6-inch figure within a few hundred kB.
    share : {None, "x", "y", "xy"}
        Give the corresponding axes of all frames the union of their x and/or y
        limits, so that frames compare at a glance.
    colors : int or None
        Quantize each frame to a palette of this many colours (2 to 256,
        no dithering), which roughly halves the bytes of a plot; ``None`` keeps
        full-colour PNGs.
    scale : int
        1 to 3: each frame is rendered at ``scale * dpi`` and shown at the size
        ``dpi`` gives, so that its text stays sharp on phones and high-density
        screens (2, the default) at about twice the bytes of ``scale=1``.

    Returns
    -------
    FrameSlider
        Display it (a cell's last expression); ``.nbytes`` is its size in the page.

    Raises
    ------
    TypeError
        If ``frames`` is neither callable nor a sequence of figures, or a
        frame is not a figure, or a text parameter is not a string.
    ValueError
        If ``values`` is empty, the numbers of frames and values differ, the
        frames differ in size, or a number is out of its range.

    Examples
    --------
    >>> from jl_lab.plots import figure
    >>> def draw(k):
    ...     fig, ax = figure(width=2.0, height=1.5)
    ...     ax.plot(range(5), [x**k for x in range(5)])
    ...     ax.set_title(f"x to the power {k}")
    ...     return fig
    >>> s = frame_slider(draw, [1, 2, 3], label="k", alt="A curve: {title}.", caption="Powers of x.", dpi=40)
    >>> len(s), s.size, s.alts[1]
    (3, (80, 60), 'k = 2: A curve: x to the power 2.')
    >>> 'class="jl-frames-slider"' in s._repr_html_()
    True
    """
    from matplotlib.figure import Figure

    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or not hasattr(values, "__iter__"):
        raise TypeError(f"values must be a sequence of parameter values, got {type(values).__name__}")
    values = list(values.tolist() if isinstance(values, np.ndarray) else values)
    if not values:
        raise ValueError("values must not be empty: give at least one parameter value")
    if callable(frames) and not isinstance(frames, Figure):
        make, given = frames, None
    elif isinstance(frames, (list, tuple)) and frames and all(isinstance(f, Figure) for f in frames):
        if len(frames) != len(values):
            raise ValueError(f"frames must hold one figure per value: {len(frames)} figures, {len(values)} values")
        make, given = None, list(frames)
    else:
        raise TypeError(
            "frames must be a callable value -> Figure or a list of matplotlib Figures, "
            f"got {type(frames).__name__}"
        )
    label = _check_text(label, "label")
    caption = _check_text(caption, "caption")
    if not (isinstance(alt, str) or callable(alt)):
        raise TypeError(f"alt must be a string template or a callable value -> str, got {type(alt).__name__}")
    if isinstance(alt, str):
        _check_text(alt, "alt")
    initial = _check_int(initial, "initial", 0, len(values) - 1)
    dpi = _check_int(dpi, "dpi", 20, 300)
    scale = _check_int(scale, "scale", 1, 3)
    if colors is not None:
        colors = _check_int(colors, "colors", 2, 256)
    if share is not None:
        _check_choice(share, "share", ("x", "y", "xy"))
    if not (isinstance(fmt, str) or callable(fmt)):
        raise TypeError(f"fmt must be a format string or a callable value -> str, got {type(fmt).__name__}")

    def shown(v) -> str:
        try:
            return str(fmt(v)) if callable(fmt) else fmt.format(v)
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise ValueError(f"fmt {fmt!r} cannot format the value {v!r}: {exc}") from None

    texts = [shown(v) for v in values]
    labels = [f"{label} = {t}" for t in texts]
    figs, extras = [], []
    for i, v in enumerate(values):
        if make is None:
            out = given[i]
        else:
            with style():  # every artist of the frame in the book's style, decorated plot function or not
                out = make(v)
        extra = ""
        if isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], str):
            out, extra = out
        if not isinstance(out, Figure):
            raise TypeError(f"frames must return a matplotlib Figure for each value; for {v!r} got {type(out).__name__}")
        figs.append(out)
        extras.append(extra)
    if share is not None:
        _share_limits(figs, share)
    alts, pngs, size = [], [], None
    for v, t, lab, fig, extra in zip(values, texts, labels, figs, extras):
        if callable(alt):
            text = str(alt(v))
        else:
            try:
                text = alt.format(value=t, title=_figure_titles(fig), text=_figure_texts(fig))
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(
                    f"alt template {alt!r} accepts only the fields {{value}}, {{title}} and {{text}}: {exc}"
                ) from None
        text = " ".join((text + " " + extra).split())
        alts.append(text if lab in text else f"{lab}: {text}")
        png, px = _png(fig, dpi * scale, colors)
        if size is not None and px != size:
            raise ValueError(f"frames must all have the same pixel size: {px} for {lab} against {size} for the first")
        size = px
        pngs.append(png)
    shown_size = (round(size[0] / scale), round(size[1] / scale))
    return FrameSlider(values, labels, alts, pngs, shown_size, label, caption, initial, scale)


