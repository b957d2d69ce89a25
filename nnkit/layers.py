r"""Fully-connected layers and a multi-layer perceptron built from them.

A network here is an acyclic chain of dense layers: every unit of one layer
connects to every unit of the next, none within a layer. With examples as rows,
a whole layer is one matrix product: ``x @ W + b`` with ``x`` of shape (N, D),
``W`` of shape (D, M) and ``b`` of shape (M,). (Textbooks that use column
vectors write the same thing as :math:`W x + b` with the transposed ``W``.)

An MLP of layer sizes ``[D, H1, ..., K]`` applies an activation after every
hidden layer and none after the output layer, whose outputs are raw scores.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from ._validate import as_float_array, check_ndim
from .activations import Activation, get_activation

__all__ = [
    "DenseCache", "MLPCache", "dense_forward", "dense_backward", "init_mlp",
    "mlp_forward", "mlp_backward", "count_parameters",
]


class DenseCache(NamedTuple):
    """What :func:`dense_backward` needs from the forward pass."""

    x: np.ndarray
    W: np.ndarray


def dense_forward(x, W, b):
    r"""Forward pass of a fully-connected layer.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Inputs, one row per example.
    W : array_like, shape (D, M)
        Weights: column m holds the D incoming weights of unit m.
    b : array_like, shape (M,)
        Biases.

    Returns
    -------
    out : ndarray, shape (N, M)
        :math:`x W + b`.
    cache : DenseCache
        Inputs kept for :func:`dense_backward`.

    Examples
    --------
    >>> out, cache = dense_forward([[1.0, 2.0]], [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], [0.5, 0.0, -3.0])
    >>> out
    array([[1.5, 2. , 0. ]])
    """
    x = as_float_array(x, "x")
    W = as_float_array(W, "W")
    b = as_float_array(b, "b")
    check_ndim(x, 2, "x", "(N, D)")
    check_ndim(W, 2, "W", "(D, M)")
    if x.shape[1] != W.shape[0]:
        raise ValueError(
            f"x has D = {x.shape[1]} features per row but W has {W.shape[0]} rows; "
            f"expected x (N, D) and W (D, M), got x {x.shape} and W {W.shape}"
        )
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape (M,) = ({W.shape[1]},) to match W {W.shape}, got {b.shape}")
    return x @ W + b, DenseCache(x, W)


def dense_backward(dout, cache):
    r"""Backward pass of a fully-connected layer.

    Parameters
    ----------
    dout : array_like, shape (N, M)
        Upstream gradient :math:`\partial L / \partial \mathrm{out}`.
    cache : DenseCache
        From :func:`dense_forward`.

    Returns
    -------
    dx : ndarray, shape (N, D)
        :math:`G W^\top`.
    dW : ndarray, shape (D, M)
        :math:`x^\top G`.
    db : ndarray, shape (M,)
        :math:`\sum_n G_n` (column sums).

    Examples
    --------
    >>> out, cache = dense_forward([[1.0, 2.0]], [[1.0], [3.0]], [0.0])
    >>> dense_backward([[1.0]], cache)
    (array([[1., 3.]]), array([[1.],
           [2.]]), array([1.]))
    """
    x, W = cache
    dout = as_float_array(dout, "dout")
    expected = (x.shape[0], W.shape[1])
    if dout.shape != expected:
        raise ValueError(f"dout must have the forward output's shape (N, M) = {expected}, got {dout.shape}")
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def _check_sizes(sizes) -> list[int]:
    sizes = list(sizes)
    if len(sizes) < 2 or not all(isinstance(s, (int, np.integer)) and s > 0 for s in sizes):
        raise ValueError(
            "sizes must list at least two positive integers [inputs, ..., outputs], "
            f"got {sizes!r}"
        )
    return [int(s) for s in sizes]


def count_parameters(sizes: Sequence[int]) -> int:
    r"""Number of learnable parameters of a fully-connected network.

    Parameters
    ----------
    sizes : sequence of int, length L + 1
        Units per layer, inputs first: ``[3, 4, 2]`` is 3 inputs, one hidden
        layer of 4 units and 2 outputs (a 2-layer network: the input layer is
        not counted).

    Returns
    -------
    int
        :math:`\sum_{l} (n_{l-1} n_l + n_l)`: weights plus biases.

    Examples
    --------
    >>> count_parameters([3, 4, 2]), count_parameters([3, 4, 4, 1])
    (26, 41)
    """
    sizes = _check_sizes(sizes)
    return sum(d * m + m for d, m in zip(sizes[:-1], sizes[1:]))


def init_mlp(sizes, seed=0, weight_scale=None, dtype=np.float64):
    r"""Random initial parameters for an MLP.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, inputs first, e.g. ``[2, 100, 2]``.
    seed : int or numpy.random.Generator, default 0
    weight_scale : float, optional
        Standard deviation of every weight. By default :math:`\sqrt{2 / D}` for
        a layer with D inputs (He initialisation, suited to ReLU units).
    dtype : numpy dtype, default float64

    Returns
    -------
    list of (W, b)
        ``W`` of shape ``(sizes[l], sizes[l+1])`` drawn from a normal
        distribution, ``b`` zeros of shape ``(sizes[l+1],)``.

    Examples
    --------
    >>> [W.shape for W, b in init_mlp([3, 4, 2])]
    [(3, 4), (4, 2)]
    """
    sizes = _check_sizes(sizes)
    rng = np.random.default_rng(seed)
    params = []
    for d, m in zip(sizes[:-1], sizes[1:]):
        scale = np.sqrt(2.0 / d) if weight_scale is None else float(weight_scale)
        params.append(((scale * rng.standard_normal((d, m))).astype(dtype), np.zeros(m, dtype)))
    return params


class MLPCache(NamedTuple):
    """What :func:`mlp_backward` needs: each layer's cache and pre-activations."""

    dense: list
    pre_activations: list
    activation: Activation


def _check_params(params):
    if not isinstance(params, (list, tuple)) or not params:
        raise ValueError("params must be a non-empty list of (W, b) pairs, one per layer")
    for i, pair in enumerate(params):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(f"params[{i}] must be a (W, b) pair, got {type(pair).__name__}")


def mlp_forward(x, params, activation="relu"):
    r"""Forward pass of a fully-connected network.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Inputs.
    params : list of (W, b)
        Layer parameters from the input side, ``W`` of shape (n_in, n_out).
    activation : str or Activation, default "relu"
        Applied after every hidden layer (a key of ``nnkit.ACTIVATIONS``).

    Returns
    -------
    scores : ndarray, shape (N, K)
        Outputs of the last layer, with no activation.
    cache : MLPCache
        Kept for :func:`mlp_backward`; ``cache.pre_activations[l]`` is the
        (N, H_l) input to hidden layer l's activation, which is what the
        monitors in :mod:`nnkit.monitor` look at.

    Notes
    -----
    .. math:: h_0 = x,\quad h_l = f(h_{l-1} W_l + b_l),\quad \mathrm{scores} = h_{L-1} W_L + b_L

    Examples
    --------
    >>> params = [(np.eye(2), np.array([0.0, -1.0])), (np.ones((2, 1)), np.zeros(1))]
    >>> scores, cache = mlp_forward([[0.5, 0.5]], params, "relu")
    >>> scores
    array([[0.5]])
    """
    act = get_activation(activation)
    _check_params(params)
    h = as_float_array(x, "x")
    dense_caches, pre_activations = [], []
    for i, (W, b) in enumerate(params):
        z, cache = dense_forward(h, W, b)
        dense_caches.append(cache)
        if i == len(params) - 1:
            return z, MLPCache(dense_caches, pre_activations, act)
        pre_activations.append(z)
        h = act.fn(z)


def mlp_backward(dscores, cache):
    r"""Backward pass of :func:`mlp_forward`.

    Parameters
    ----------
    dscores : array_like, shape (N, K)
        Gradient of the loss with respect to the scores.
    cache : MLPCache
        From :func:`mlp_forward`.

    Returns
    -------
    list of (dW, db)
        Gradients in the order of ``params``.

    Notes
    -----
    Layers are undone in reverse order: through a dense layer with
    :func:`dense_backward`, through an activation by multiplying elementwise with
    :math:`f'(z)`.

    Examples
    --------
    >>> params = [(np.eye(2), np.zeros(2)), (np.ones((2, 1)), np.zeros(1))]
    >>> scores, cache = mlp_forward([[1.0, -1.0]], params, "relu")
    >>> [dW.shape for dW, db in mlp_backward(np.ones((1, 1)), cache)]
    [(2, 2), (2, 1)]
    """
    dense_caches, pre_activations, act = cache
    grads = []
    dh = as_float_array(dscores, "dscores")
    for layer in reversed(range(len(dense_caches))):
        if layer < len(dense_caches) - 1:
            dh = dh * act.grad(pre_activations[layer])
        dh, dW, db = dense_backward(dh, dense_caches[layer])
        grads.append((dW, db))
    return grads[::-1]
