r"""Small helpers that draw case inputs; shared by the lesson modules."""
from __future__ import annotations

import numpy as np

# Pre-activations that probe the stable forms: far tails where a naive exp
# overflows, and the neighbourhood of 0.
EXTREMES = np.array([-1000.0, -745.5, -50.0, -1e-8, 0.0, 1e-8, 50.0, 745.5, 1000.0])


def normal(rng: np.random.Generator, shape, scale: float = 3.0, dtype=np.float64) -> np.ndarray:
    """Scaled standard-normal values of the given shape and dtype."""
    return (scale * rng.standard_normal(shape)).astype(dtype)


def shape(rng: np.random.Generator, ndim: int, low: int = 2, high: int = 7) -> tuple:
    """A random shape with sides in ``[low, high)``."""
    return tuple(int(s) for s in rng.integers(low, high, size=ndim))


def with_exact_zeros(rng: np.random.Generator, z: np.ndarray, fraction: float = 0.2) -> np.ndarray:
    """A copy of ``z`` where about ``fraction`` of the entries are exactly 0 (kinks)."""
    z = z.copy()
    z[rng.random(z.shape) < fraction] = 0
    return z
