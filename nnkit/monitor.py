r"""Health of hidden units during training: dead ReLUs and saturated units.

Both monitors look at pre-activations ``z`` of shape (N, M): the inputs of M
units' activation over N examples (``cache.pre_activations`` of
:func:`nnkit.layers.mlp_forward`).
"""
from __future__ import annotations

import numpy as np

from ._validate import as_float_array, as_real_scalar, check_ndim
from .activations import get_activation

__all__ = ["dead_units", "dead_fraction", "saturation_fraction"]


def _check_z(z):
    z = as_float_array(z, "z")
    check_ndim(z, 2, "z", "(N, M): N examples, M units")
    if z.shape[0] == 0:
        raise ValueError("z must hold at least one example (row), got N = 0")
    return z


def dead_units(z):
    r"""Which units never activate on any example.

    Parameters
    ----------
    z : array_like, shape (N, M)
        Pre-activations of M ReLU units over a data set of N examples.

    Returns
    -------
    ndarray of bool, shape (M,)
        True for unit m when :math:`z_{nm} \le 0` for every n: its ReLU outputs 0
        and passes back a zero gradient for the whole data set.

    Examples
    --------
    >>> dead_units([[1.0, -1.0], [-2.0, 0.0]])
    array([False,  True])
    """
    return np.all(_check_z(z) <= 0, axis=0)


def dead_fraction(z):
    r"""Fraction of ReLU units that are dead over a data set.

    Parameters
    ----------
    z : array_like, shape (N, M)
        Pre-activations of M units over N examples.

    Returns
    -------
    float
        :math:`\frac{1}{M}\,\big|\{m : z_{nm} \le 0 \;\forall n\}\big|`, in [0, 1].

    Examples
    --------
    >>> dead_fraction([[1.0, -1.0, -3.0], [-2.0, 0.0, -1.0]])
    0.6666666666666666
    """
    return float(np.mean(dead_units(z)))


def saturation_fraction(z, activation="sigmoid", threshold=0.01):
    r"""Fraction of unit activations sitting where the local gradient is tiny.

    Parameters
    ----------
    z : array_like, shape (N, M)
        Pre-activations.
    activation : str or Activation, default "sigmoid"
        Registry entry whose derivative is examined.
    threshold : float, default 0.01
        An entry counts as saturated when :math:`f'(z) < \text{threshold} \cdot \max f'`.

    Returns
    -------
    float
        Fraction of the N·M entries that are saturated, in [0, 1]. For ReLU this
        counts the zero-gradient side; for Leaky ReLU it is 0 whenever
        ``threshold * 1 <= alpha``.

    Notes
    -----
    The reference maximum is :math:`f'` just right of 0, where every registry
    activation has its steepest slope: 1/4 for the sigmoid, 1 for tanh and the
    ReLU family.

    Examples
    --------
    >>> saturation_fraction([[0.0, 10.0], [-10.0, 1.0]], "sigmoid")
    0.5
    """
    z = _check_z(z)
    act = get_activation(activation)
    threshold = as_real_scalar(threshold, "threshold")
    # The smallest positive float stands for 0+: it takes ReLU's right-hand slope
    # without moving the sigmoid's peak off exactly 1/4.
    peak = float(np.max(act.grad(np.array([0.0, np.finfo(np.float64).tiny]))))
    return float(np.mean(act.grad(z) < threshold * peak))
