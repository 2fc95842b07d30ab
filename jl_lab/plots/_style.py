"""The book's shared figure style: palette, rc settings, ``figure``, ``styled`` and ``table``.

The palette is Okabe and Ito's colour-blind-safe set; figures have a white background so they stay
legible in dark mode.

References
----------
Okabe, M. and Ito, K. (2008). Color Universal Design.
"""

from __future__ import annotations

__all__ = ["PALETTE", "REFERENCE", "GREY", "RC", "use_style", "style", "figure", "styled", "table"]

import functools
from contextlib import contextmanager

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

#: Okabe-Ito colour-blind-safe palette (black first is left out: used for reference lines).
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
)
REFERENCE = "#000000"
GREY = "#777777"

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 10,
    "axes.titlesize": 11,
    "legend.frameon": False,
    "image.cmap": "viridis",
}


def use_style() -> None:
    """Apply the book's matplotlib style globally (called once at the top of each page).

    In a notebook it also makes the inline backend render figures at twice their pixel size
    (IPython's ``retina`` format: a ``figure.dpi`` of 100 gives a 6.4-inch figure shown 640 px
    wide from a 1280 px PNG), so that axis labels and legends stay sharp on phones and
    high-density screens.
    """
    matplotlib.rcParams.update(RC)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with every notebook
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")


@contextmanager
def style():
    """Context manager that applies the book's style only inside the block."""
    with matplotlib.rc_context(RC):
        yield


def figure(ncols: int = 1, nrows: int = 1, width: float = 6.4, height: float = 3.6, **kwargs):
    """Create a figure in the book's style; returns ``(fig, axes)`` like ``plt.subplots``.

    The figure is closed in pyplot right away: it is not shown twice in a
    notebook (once as the cell's value, once by the inline backend) and a
    widget that redraws it does not pile up open figures.  Displaying ``fig``
    (as a cell's last expression or with ``IPython.display.display``) still
    renders it.
    """
    with style():
        kwargs.setdefault("layout", "constrained")  # layout=None: place axes yourself (fig.subplots_adjust)
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)
    plt.close(fig)
    return fig, axes


def styled(func):
    """Decorator for plot functions: draw everything inside :func:`style`.

    Font sizes, grids and colours are read when each artist is created, so a
    plot function must draw inside the style context, not only create its
    figure there.  Decorate every public plot function of this module with it.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with style():
            return func(*args, **kwargs)

    return wrapper


def table(header, rows, floatfmt: str = ".3g"):
    """A small HTML table of computed values, for a page to display (not a figure).

    Parameters
    ----------
    header : sequence of str
    rows : sequence of sequences
        Numbers are formatted with ``floatfmt`` (ints as they are).

    Returns
    -------
    IPython.display.HTML
    """
    import html

    from IPython.display import HTML

    def fmt(v):
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "no"
        if isinstance(v, (int, np.integer)):
            return f"{int(v):,}"
        if isinstance(v, (float, np.floating)):
            return "–" if not np.isfinite(v) else format(float(v), floatfmt)
        return html.escape(str(v))

    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{fmt(v)}</td>" for v in r) + "</tr>" for r in rows)
    return HTML(f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')

