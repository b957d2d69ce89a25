r"""Small seeded 2-D data sets for classification experiments.

Every maker returns ``(X, y)`` with ``X`` of shape (N, 2), float64, roughly
within [-1.5, 1.5] on each axis, and ``y`` of shape (N,), int labels
``0 .. K-1``. The same seed always gives the same data.
"""
from __future__ import annotations

import numpy as np

__all__ = ["make_spiral", "make_xor", "make_circles", "make_blobs", "DATASETS"]


def _check_count(n, name="n"):
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")
    return int(n)


def make_spiral(n=300, n_classes=2, noise=0.2, seed=0):
    r"""Interleaved spiral arms, one per class: not linearly separable.

    Parameters
    ----------
    n : int, default 300
        Total number of points (split as evenly as possible between classes).
    n_classes : int, default 2
    noise : float, default 0.2
        Standard deviation of the angular jitter, in radians.
    seed : int, default 0

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray of int, shape (n,)

    Notes
    -----
    Point i of class k sits at radius :math:`r \in [0, 1]` and angle
    :math:`\theta = 4r + 2\pi k / K + \text{noise}`.

    Examples
    --------
    >>> X, y = make_spiral(6, n_classes=3)
    >>> X.shape, y.tolist()
    ((6, 2), [0, 0, 1, 1, 2, 2])
    """
    n, n_classes = _check_count(n), _check_count(n_classes, "n_classes")
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(n_classes), -(-n // n_classes))[:n]
    radius = np.concatenate([np.linspace(0.05, 1, np.sum(y == k)) for k in range(n_classes)])
    theta = 4 * radius + 2 * np.pi * y / n_classes + noise * rng.standard_normal(n)
    return np.column_stack([radius * np.sin(theta), radius * np.cos(theta)]), y


def make_xor(n=300, noise=0.1, seed=0):
    r"""Four clusters in the corners, labelled by the sign of :math:`x_1 x_2`.

    Parameters
    ----------
    n : int, default 300
    noise : float, default 0.1
        Standard deviation of the Gaussian jitter around the corners.
    seed : int, default 0

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray of int, shape (n,)
        1 where the point's corner has :math:`x_1 x_2 > 0`, else 0.

    Examples
    --------
    >>> X, y = make_xor(4)
    >>> X.shape, y.shape
    ((4, 2), (4,))
    """
    n = _check_count(n)
    rng = np.random.default_rng(seed)
    corners = rng.choice([-0.75, 0.75], size=(n, 2))
    X = corners + noise * rng.standard_normal((n, 2))
    return X, (corners[:, 0] * corners[:, 1] > 0).astype(int)


def make_circles(n=300, noise=0.08, factor=0.5, seed=0):
    r"""A disc inside a ring: class 1 inside, class 0 outside.

    Parameters
    ----------
    n : int, default 300
    noise : float, default 0.08
        Standard deviation of the radial jitter.
    factor : float, default 0.5
        Radius of the inner circle relative to the outer one (radius 1).
    seed : int, default 0

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray of int, shape (n,)

    Examples
    --------
    >>> X, y = make_circles(10)
    >>> bool(np.all(np.hypot(*X[y == 1].T) < np.hypot(*X[y == 0].T).min() + 0.5))
    True
    """
    n = _check_count(n)
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(int)
    radius = np.where(y == 1, factor, 1.0) + noise * rng.standard_normal(n)
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), y


def make_blobs(n=300, n_classes=2, spread=0.3, seed=0):
    r"""Gaussian clusters with centres spread on a circle: linearly separable for 2.

    Parameters
    ----------
    n : int, default 300
    n_classes : int, default 2
    spread : float, default 0.3
        Standard deviation of each cluster.
    seed : int, default 0

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray of int, shape (n,)

    Examples
    --------
    >>> X, y = make_blobs(8, n_classes=2)
    >>> np.bincount(y).tolist()
    [4, 4]
    """
    n, n_classes = _check_count(n), _check_count(n_classes, "n_classes")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    angle = 2 * np.pi * y / n_classes + np.pi / 4
    centres = np.column_stack([np.cos(angle), np.sin(angle)])
    return centres + spread * rng.standard_normal((n, 2)), y


DATASETS = {
    "spiral": make_spiral,
    "xor": make_xor,
    "circles": make_circles,
    "blobs": make_blobs,
}
