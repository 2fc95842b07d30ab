"""jl_lab: the helper package of the jl-lab book.

The book teaches the Johnson-Lindenstrauss lemma and what grows out of it
(random projections, sign-random-projection LSH, randomized SVD, SVD as
co-clustering, and dimension formulas for word vectors and attention heads)
by computing every claim.  One module per idea; import the module you need::

    from jl_lab import bounds, projections

The numerical modules depend on numpy and scipy only.  ``jl_lab.plots`` and
``jl_lab.widgets`` additionally need matplotlib and ipywidgets; ``jl_lab.scale_out``
(dask arrays given to ``random_projection``, ``sign_codes`` and
``randomized_svd``) needs dask and distributed, imported only when used.
"""

__version__ = "0.1.0"

__all__ = [
    "attention",
    "bigrams",
    "bounds",
    "check",
    "cocluster",
    "corpus",
    "data",
    "entropy",
    "head_size",
    "lsh",
    "pages",
    "plots",
    "projections",
    "reducers",
    "rsvd",
    "scale_out",
    "sketch",
    "timing",
    "trifactor",
    "widgets",
]
