"""Data sets the book uses, all available offline: made here or shipped by an installed package.

``orthonormal_points`` is the hardest case for a linear map (every pair is as far
apart as possible in every direction); ``image_patches`` cuts real, high-dimensional
vectors out of the photograph that matplotlib ships as sample data.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_int, check_rng

__all__ = ["orthonormal_points", "image_patches", "sample_image"]


def orthonormal_points(n_points: int, n_features: int | None = None) -> np.ndarray:
    """The standard basis vectors ``e_1, ..., e_N`` of R^D (``D = N`` by default).

    Parameters
    ----------
    n_points : int
        Number of points ``N >= 2``.
    n_features : int, optional
        Dimension ``D >= N``.

    Returns
    -------
    ndarray of shape (N, D)
        All pairwise squared distances equal 2 and all difference vectors are
        spread over orthogonal directions, so no direction can be dropped.

    Examples
    --------
    >>> orthonormal_points(3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    n = check_int(n_points, "n_points", 2)
    d = n if n_features is None else check_int(n_features, "n_features", n)
    return np.eye(n, d)


def sample_image() -> np.ndarray:
    """Matplotlib's sample photograph ``grace_hopper.jpg`` as floats in [0, 1], shape (600, 512, 3).

    Needs matplotlib (and Pillow to read JPEG), which the book installs; the
    numerical modules of jl_lab do not.
    """
    import matplotlib.cbook as cbook
    import matplotlib.image as mpimg

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        img = mpimg.imread(f, format="jpg")
    return np.asarray(img, dtype=np.float64) / 255.0


def image_patches(n_patches: int, size: int = 16, rng=None) -> np.ndarray:
    """Random ``size x size`` colour patches of :func:`sample_image`, flattened.

    Parameters
    ----------
    n_patches : int
        Number of patches ``N >= 2``, drawn at distinct random positions.
    size : int
        Side of a patch in pixels, 2 to 64; the dimension is ``3 size^2``
        (768 for the default 16).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ndarray of shape (N, 3 * size**2)

    Examples
    --------
    >>> image_patches(5, size=4, rng=0).shape
    (5, 48)
    """
    n = check_int(n_patches, "n_patches", 2)
    size = check_int(size, "size", 2, 64)
    gen = check_rng(rng)
    img = sample_image()
    h, w = img.shape[0] - size + 1, img.shape[1] - size + 1
    if n > h * w:
        raise ValueError(f"n_patches must be <= {h * w} for size={size}, got {n}")
    pos = gen.choice(h * w, size=n, replace=False)
    rows, cols = np.divmod(pos, w)
    idx_r = rows[:, None, None] + np.arange(size)[None, :, None]
    idx_c = cols[:, None, None] + np.arange(size)[None, None, :]
    return img[idx_r, idx_c].reshape(n, -1)
