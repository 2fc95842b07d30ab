"""Render a figure to PNG the way an explorer shows it, with the font look-ups of each text done once.

An explorer redraws one figure on every slider step.  With matplotlib 3.11, text dominates that
redraw, and part of each text's cost is the same two look-ups repeated for every label on every
draw: finding the font file of its font properties, and reading the font's vertical metrics from
its OS/2 (or hhea) table.  :class:`ExplorerCanvas` is an Agg canvas whose renderer keeps both per
font properties, so a redraw reads them from a dictionary.  It also remembers, for every text it
drew in the previous frame, the glyph bitmaps and where they went: a text drawn again with the same
string, font, angle and position (axis labels, unchanged ticks, legend entries) is composited from
them without being shaped and rasterized again.  Everything else, including every pixel, is Agg's
(``tests/test_render.py`` compares the pixels with those of matplotlib's own Agg canvas).

Both hooks are matplotlib's own: ``RendererAgg._prepare_font`` and the renderer method
``_get_font_height_metrics`` that :meth:`matplotlib.text.Text._get_layout` asks a renderer for
(and does without when it is missing).  Should a later matplotlib stop calling them, rendering
stays correct and only loses the saving.
"""

from __future__ import annotations

import io

import matplotlib
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.font_manager import fontManager, get_font

__all__ = ["ExplorerCanvas", "figure_png"]

_MAX_CACHED = 256  # font properties remembered (an explorer uses about ten)


def _font_key(prop, dpi: float):
    """Everything the font look-ups depend on: the font properties (compared as matplotlib compares
    them, by hash), the resolution and the rc settings that :func:`matplotlib.font_manager.get_font`
    reads."""
    rc = matplotlib.rcParams
    return hash(prop), dpi, rc["text.hinting_factor"], rc["text.kerning_factor"]


class _FontCachingRenderer(RendererAgg):
    """:class:`~matplotlib.backends.backend_agg.RendererAgg` that looks up each font and its vertical
    metrics once per font properties instead of once per text and draw."""

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self._fonts = {}
        self._metrics = {}
        self._texts = {}  # (font, string, position, ...) -> the draw_text_image arguments of its glyphs
        self._texts_used = set()

    def new_frame(self):
        """Forget the texts that the frame just drawn did not use (the cache holds one frame)."""
        self._texts = {k: v for k, v in self._texts.items() if k in self._texts_used}
        self._texts_used = set()

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (_font_key(prop, self.dpi), s, float(x), float(y), float(angle), gc.get_antialiased(),
               matplotlib.rcParams["text.hinting"], tuple(features) if features else None,
               language if isinstance(language, (str, type(None))) else repr(language))
        glyphs = self._texts.get(key)
        if glyphs is not None:
            self._texts_used.add(key)
            for args in glyphs:
                self._renderer.draw_text_image(*args, gc)
            return None
        inner = self._renderer
        recorder = self._renderer = _GlyphRecorder(inner)
        try:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        finally:
            self._renderer = inner
        if recorder.calls and recorder.only_glyphs:
            self._texts[key] = recorder.calls
            self._texts_used.add(key)
        return None

    def _cached(self, store: dict, font_prop, make):
        """``store[key]`` for the font properties' key, made by ``make()`` the first time (bounded size)."""
        key = _font_key(font_prop, self.dpi)
        value = store.get(key)
        if value is None:
            if len(store) >= _MAX_CACHED:
                store.clear()
            value = store[key] = make()
        return value

    def _prepare_font(self, font_prop):
        # RendererAgg._prepare_font without the repeated font-file search
        font = self._cached(self._fonts, font_prop, lambda: get_font(fontManager._find_fonts_by_props(font_prop)))
        font.clear()
        font.set_size(font_prop.get_size_in_points(), self.dpi)
        return font

    def _get_font_height_metrics(self, font_prop):
        """``(ascent, descent, line gap)`` in pixels, as :meth:`matplotlib.text.Text._get_layout` computes them."""
        return self._cached(self._metrics, font_prop, lambda: self._read_font_height_metrics(font_prop))

    def _read_font_height_metrics(self, font_prop):
        # the same tables, keys and scaling as matplotlib.text.Text._get_layout (matplotlib 3.11)
        font = get_font(fontManager._find_fonts_by_props(font_prop))
        for table_name, gap_key, ascent_key, descent_key in (
            ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
            ("hhea", "lineGap", "ascent", "descent"),
        ):
            table = font.get_sfnt_table(table_name)
            if table is None:
                continue
            scale = font_prop.get_size_in_points() * self.dpi / 72 / font.get_sfnt_table("head")["unitsPerEm"]
            return table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale
        return None, None, None  # Text._get_layout then measures the font itself


class _GlyphRecorder:
    """Stands for the Agg renderer while one text is drawn: passes every call on, and notes the
    arguments of each glyph composited (``draw_text_image``) so that the text can be replayed."""

    def __init__(self, inner):
        self._inner = inner
        self.calls = []
        self.only_glyphs = True

    def draw_text_image(self, image, x, y, angle, gc):
        self.calls.append((image, x, y, angle))
        return self._inner.draw_text_image(image, x, y, angle, gc)

    def __getattr__(self, name):
        self.only_glyphs = False  # something else was drawn (boxes): do not replay this text
        return getattr(self._inner, name)


class ExplorerCanvas(FigureCanvasAgg):
    """An Agg canvas whose renderer remembers font look-ups between draws (see the module docstring).

    Its pixels are those of :class:`~matplotlib.backends.backend_agg.FigureCanvasAgg`.
    """

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = _FontCachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer

    def draw(self):
        super().draw()
        renderer = getattr(self, "renderer", None)
        if isinstance(renderer, _FontCachingRenderer):
            renderer.new_frame()


def figure_png(fig, compress_level: int = 1) -> bytes:
    """The figure drawn at its own dpi, as PNG bytes (RGBA, one pixel per figure pixel).

    A figure without a canvas of its own (a bare ``Figure``) or with a plain Agg canvas and no
    pyplot window gets an :class:`ExplorerCanvas`, kept for the next draw; any other canvas (an
    interactive backend's) is left alone and the figure goes through ``savefig``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    compress_level : int
        zlib level of the PNG, 0 (none) to 9; 1 encodes about twice as fast as the default 6 for a
        few percent more bytes.

    Returns
    -------
    bytes
        The PNG file.
    """
    from PIL import Image

    from ._validation import check_int

    if not callable(getattr(fig, "savefig", None)) or not hasattr(fig, "dpi"):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    compress_level = check_int(compress_level, "compress_level", 0, 9)
    canvas = fig.canvas
    buf = io.BytesIO()
    if not isinstance(canvas, ExplorerCanvas):
        if type(canvas) not in (FigureCanvasBase, FigureCanvasAgg) or getattr(canvas, "manager", None) is not None:
            fig.savefig(buf, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": compress_level})
            return buf.getvalue()
        canvas = ExplorerCanvas(fig)
    canvas.draw()
    w, h = canvas.get_width_height(physical=True)
    Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
        buf, format="png", compress_level=compress_level
    )
    return buf.getvalue()
