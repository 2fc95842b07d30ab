"""Plotting for the jl-lab book: one shared style, and one module of figures per chapter.

Every figure of the book is drawn by a function that takes precomputed numbers (from the numerical
modules) and returns a ``matplotlib.figure.Figure``: plots draw, they never compute.  Pages and
widgets call the same functions, so the static figure and the interactive one look alike.
``from jl_lab import plots; plots.<name>`` reaches every figure; the chapter modules are
:mod:`~jl_lab.plots.jl_lemma`, :mod:`~jl_lab.plots.rp_vs_pca`, :mod:`~jl_lab.plots.lsh`,
:mod:`~jl_lab.plots.rsvd`, :mod:`~jl_lab.plots.sketch`, :mod:`~jl_lab.plots.cocluster`, :mod:`~jl_lab.plots.dimension_formula` and
:mod:`~jl_lab.plots.attention`, and :mod:`~jl_lab.plots.scale_out` for the appendix; the frame slider lives in :mod:`jl_lab.frame_slider`.
"""

from ._style import *  # noqa: F401,F403
from ._style import __all__ as _style_all
from .attention import *  # noqa: F401,F403
from .attention import __all__ as _attention_all
from .cocluster import *  # noqa: F401,F403
from .cocluster import __all__ as _cocluster_all
from .dimension_formula import *  # noqa: F401,F403
from .dimension_formula import __all__ as _dimension_formula_all
from .jl_lemma import *  # noqa: F401,F403
from .jl_lemma import __all__ as _jl_lemma_all
from .lsh import *  # noqa: F401,F403
from .lsh import __all__ as _lsh_all
from .rp_vs_pca import *  # noqa: F401,F403
from .rp_vs_pca import __all__ as _rp_vs_pca_all
from .rsvd import *  # noqa: F401,F403
from .rsvd import __all__ as _rsvd_all
from .scale_out import *  # noqa: F401,F403
from .scale_out import __all__ as _scale_out_all
from .sketch import *  # noqa: F401,F403
from .sketch import __all__ as _sketch_all
from ..frame_slider import FrameSlider, frame_slider  # noqa: F401,E402,I001  isort: skip  (pages keep plots.frame_slider)

#: Old names kept working for pages written before the rename (``*_view`` now always means compute +
#: draw, the explorers' views in :mod:`jl_lab.widgets`); new code uses the new names.
DEPRECATED_ALIASES = {"rsvd_view": "rsvd_report", "attn_fit_view": "attn_fit"}

__all__ = [
    *_style_all, *_jl_lemma_all, *_rp_vs_pca_all, *_lsh_all, *_rsvd_all, *_sketch_all, *_cocluster_all, *_dimension_formula_all,
    *_attention_all, *_scale_out_all, "FrameSlider", "frame_slider",
]
