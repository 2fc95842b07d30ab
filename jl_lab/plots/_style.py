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
import inspect
import numbers
from collections.abc import Mapping
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

    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _check_figure_arguments(func.__name__, signature, args, kwargs)
        with style():
            return func(*args, **kwargs)

    return wrapper


def _check_figure_arguments(fname: str, signature: inspect.Signature, args, kwargs) -> None:
    """The checks every figure function shares, done once here at its boundary (:func:`styled`).

    Plots draw numbers computed elsewhere, so what can be wrong is the shape of the call: a missing
    or unknown argument, a required argument that is ``None`` or empty (nothing to draw), complex or
    non-numeric numbers where an array is expected, and a scalar parameter annotated ``int`` or
    ``float`` that is not a finite number.  Each is refused with a TypeError or ValueError that
    names the parameter; what is specific to one figure (keys of a dict) is checked by the figure.
    """
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as exc:
        raise TypeError(f"{fname}(): {exc}") from None
    for name, value in bound.arguments.items():
        param = signature.parameters[name]
        required = param.default is inspect.Parameter.empty
        ann = str(param.annotation).replace(" ", "") if param.annotation is not inspect.Parameter.empty else ""
        if value is None:
            if required:
                raise TypeError(f"{fname}(): {name} is required, got None")
            continue
        if ann in ("int", "float", "int|None", "float|None"):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                raise TypeError(f"{fname}(): {name} must be a real number, got {value!r}")
            if not np.isfinite(float(value)):
                raise ValueError(f"{fname}(): {name} must be finite, got {value!r}")
            if ann.startswith("int") and not float(value).is_integer():
                raise TypeError(f"{fname}(): {name} must be an integer, got {value!r}")
            continue
        if ann.startswith("dict") and not isinstance(value, Mapping):
            raise TypeError(f"{fname}(): {name} must be a dict, got {type(value).__name__}")
        if ann.startswith("str") and not isinstance(value, str):
            raise TypeError(f"{fname}(): {name} must be a str, got {type(value).__name__}")
        _check_numbers(fname, name, value, required)


def _check_numbers(fname: str, name: str, value, required: bool, depth: int = 0) -> None:
    """Refuse complex numbers, strings where numbers are expected, and empty required containers."""
    if isinstance(value, Mapping):
        if required and depth == 0 and len(value) == 0:
            raise ValueError(f"{fname}(): {name} must not be empty (nothing to draw)")
        for v in value.values():
            _check_numbers(fname, name, v, False, depth + 1)
        return
    if isinstance(value, (str, bytes)) or value is None or callable(value):
        return
    if isinstance(value, (numbers.Complex, np.complexfloating)) and not isinstance(value, numbers.Real):
        raise TypeError(f"{fname}(): {name} must be real; got the complex number {value!r}")
    if isinstance(value, np.ndarray) or (isinstance(value, (list, tuple)) and depth < 3):
        try:
            arr = np.asarray(value)
        except ValueError:  # ragged: a list of things of different sizes, checked one by one
            for v in value:
                _check_numbers(fname, name, v, False, depth + 1)
            return
        if arr.dtype.kind == "c":
            raise TypeError(f"{fname}(): {name} must be real; complex numbers are refused")
        if required and depth == 0 and arr.size == 0:
            raise ValueError(f"{fname}(): {name} must not be empty (nothing to draw)")
        if arr.dtype.kind == "O":
            for v in value:
                _check_numbers(fname, name, v, False, depth + 1)


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

