"""Interactive explorers (ipywidgets) for the pages of the jl-lab book.

Each explorer is thin: a compute function from a numerical module and a plot
function from :mod:`jl_lab.plots`, joined by a few lines.  The page draws its
static figure with the same two functions, so a reader without a kernel sees
the explorer's default view.  Every explorer's update (compute + redraw) stays
under 200 ms at its default size; ``make bench`` measures it.
"""

from __future__ import annotations

import time

import ipywidgets as widgets
from IPython.display import display


def _explorer(controls: dict, update, title: str = "") -> widgets.VBox:
    """Join sliders to an update function that returns a figure.

    Parameters
    ----------
    controls : dict of str -> ipywidgets control
        Keyword arguments of ``update``.
    update : callable
        ``update(**values) -> matplotlib.figure.Figure``: computes and plots.
    title : str
        Shown above the controls.

    Returns
    -------
    ipywidgets.VBox
        The controls, an output area holding the figure, and a status line
        with the last update's time in milliseconds (so the 200 ms budget can
        be seen while using it).  ``box.refresh()`` redraws with the current values.
    """
    out = widgets.Output()
    status = widgets.HTML()

    def refresh(*_):
        values = {name: c.value for name, c in controls.items()}
        t0 = time.perf_counter()
        fig = update(**values)
        ms = 1000 * (time.perf_counter() - t0)
        out.clear_output(wait=True)
        with out:
            display(fig)
        status.value = f"<small>updated in {ms:.0f} ms</small>"

    for c in controls.values():
        c.observe(refresh, names="value")
    children = ([widgets.HTML(f"<b>{title}</b>")] if title else []) + [
        widgets.HBox(list(controls.values())),
        out,
        status,
    ]
    box = widgets.VBox(children)
    box.refresh = refresh
    refresh()
    return box
