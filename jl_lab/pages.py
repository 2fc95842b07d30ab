"""Page bookkeeping: glue many computed numbers into the prose in one line.

Every number in the book's prose is glued (``{glue:text}`name``` in the Markdown) from the computation
above it.  A page that glues a dozen numbers used to end its code cells in a dozen
``glue(name, value, display=False)`` lines; :func:`glue_all` does it in one call, and the cell that
holds it is tagged ``remove-input`` so that the rendered page shows only the code that computes and
plots, while the downloaded notebooks keep every line.

Convention (CONTRIBUTING, "one glue helper")::

    ```{code-cell} ipython3
    :tags: [remove-input]
    glue_all({"lsh_best_L": L, "lsh_best_b": b, "lsh_best_recall": recall})
    ```

This module contains one function:

* :func:`glue_all` -- glue every ``name: value`` of a mapping, without displaying it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["glue_all"]

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def glue_all(values: Mapping[str, object], *, prefix: str = "") -> list[str]:
    """Glue each ``name: value`` of ``values`` for the page's prose (``myst_nb.glue(..., display=False)``).

    NumPy scalars are turned into Python ``int``/``float``/``bool`` first, so that a format spec such
    as ``{glue:text}`name:.3f``` works on them and the stored text is the plain number.

    Parameters
    ----------
    values : mapping of str to object
        Glue names (letters, digits, ``_`` and ``-``) and their values: numbers, strings, figures.
    prefix : str
        Prepended to every name, e.g. the chapter's ``"lsh_"``.

    Returns
    -------
    list of str
        The names glued, in order.

    Raises
    ------
    TypeError
        If ``values`` is not a mapping or a name is not a string.
    ValueError
        If ``values`` is empty or a name is empty or holds other characters.

    Examples
    --------
    In a page's cell tagged ``remove-input`` (it needs a running kernel, so it is not a doctest)::

        glue_all({"n_points": X.shape[0], "recall": recall[i, j]}, prefix="lsh_")
        # returns ['lsh_n_points', 'lsh_recall']; the prose writes {glue:text}`lsh_recall:.3f`
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a mapping name -> value, got {type(values).__name__}")
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a string, got {type(prefix).__name__}")
    if not values:
        raise ValueError("values must not be empty: give at least one name -> value")
    names = []
    for name in values:
        if not isinstance(name, str):
            raise TypeError(f"every glue name must be a string, got {type(name).__name__} {name!r}")
        full = prefix + name
        if not full or not set(full) <= _NAME_CHARS:
            raise ValueError(f"glue name {full!r} must be non-empty and use only letters, digits, '_' and '-'")
        names.append(full)
    from myst_nb import glue  # imported late: jl_lab's numerical modules do not need the book's tools

    for full, value in zip(names, values.values()):
        if isinstance(value, np.generic) and np.ndim(value) == 0:
            value = value.item()
        glue(full, value, display=False)
    return names
