r"""A single neuron, vectorised over a batch, and the classifier it makes.

One neuron computes a weighted sum of its inputs plus a bias and passes it
through an activation: :math:`f(w^\top x + b)`. With the sigmoid as ``f`` its
output reads as :math:`P(y = 1 \mid x)`, which makes it a binary classifier
(logistic regression); see :mod:`nnkit.losses` for how it is trained.
"""
from __future__ import annotations

import numpy as np

from ._validate import as_float_array, as_real_scalar, check_ndim
from .activations import get_activation, sigmoid

__all__ = ["neuron_scores", "neuron_forward", "predict_proba", "predict"]


def neuron_scores(x, w, b):
    r"""Pre-activations :math:`w^\top x_n + b` of one neuron for a batch.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Inputs, one row per example.
    w : array_like, shape (D,)
        Weights.
    b : float
        Bias.

    Returns
    -------
    ndarray, shape (N,)
        :math:`x w + b`.

    Examples
    --------
    >>> neuron_scores([[1.0, 2.0], [0.0, 0.0]], [0.5, -1.0], 1.0)
    array([-0.5,  1. ])
    """
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    check_ndim(x, 2, "x", "(N, D)")
    check_ndim(w, 1, "w", "(D,)")
    if x.shape[1] != w.shape[0]:
        raise ValueError(f"x has D = {x.shape[1]} features per row but w has {w.shape[0]} weights")
    b = as_real_scalar(b, "b")
    return x @ w + np.asarray(b, dtype=np.result_type(x, w))


def neuron_forward(x, w, b, activation):
    r"""Output of one neuron for every example of a batch.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Inputs, one row per example.
    w : array_like, shape (D,)
        Weights.
    b : float
        Bias.
    activation : callable or str
        Elementwise function applied to the weighted sums, such as
        ``nnkit.sigmoid``, or a key of ``nnkit.ACTIVATIONS`` such as ``"tanh"``.

    Returns
    -------
    ndarray, shape (N,)
        :math:`f(x w + b)`.

    Notes
    -----
    .. math:: \mathrm{out}_n = f\Big(\sum_{d} x_{nd} w_d + b\Big)

    One matrix-vector product replaces the loop over examples and inputs.

    Examples
    --------
    >>> neuron_forward([[1.0, 2.0], [0.0, 0.0]], [0.5, -1.0], 1.0, "relu")
    array([0., 1.])
    """
    fn = activation if callable(activation) else get_activation(activation).fn
    return fn(neuron_scores(x, w, b))


def predict_proba(x, w, b):
    r"""Probability of class 1 under a sigmoid neuron (logistic regression).

    Parameters
    ----------
    x : array_like, shape (N, D)
    w : array_like, shape (D,)
    b : float

    Returns
    -------
    ndarray, shape (N,)
        :math:`P(y = 1 \mid x_n) = \sigma(w^\top x_n + b)`.

    Examples
    --------
    >>> predict_proba([[0.0, 0.0]], [1.0, 1.0], 0.0)
    array([0.5])
    """
    return sigmoid(neuron_scores(x, w, b))


def predict(x, w, b):
    r"""Class labels predicted by a linear neuron: 1 where the score is positive.

    Parameters
    ----------
    x : array_like, shape (N, D)
    w : array_like, shape (D,)
    b : float

    Returns
    -------
    ndarray of int, shape (N,)
        1 where :math:`w^\top x_n + b > 0` (equivalently :math:`\sigma > 0.5`), else 0.

    Examples
    --------
    >>> predict([[1.0, 0.0], [-1.0, 0.0]], [1.0, 0.0], 0.0)
    array([1, 0])
    """
    return (neuron_scores(x, w, b) > 0).astype(int)
