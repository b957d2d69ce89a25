r"""The maxout unit: the larger of two (or more) linear functions of the input.

A maxout layer of M units keeps k linear pieces per unit and outputs, for each
unit, the largest piece. With two pieces:

.. math:: \mathrm{out}_{nm} = \max(x_n^\top W^{(1)}_{:m} + b^{(1)}_m,\; x_n^\top W^{(2)}_{:m} + b^{(2)}_m)

ReLU is the case :math:`W^{(1)} = 0, b^{(1)} = 0`; Leaky ReLU is
:math:`W^{(1)} = \alpha W^{(2)}, b^{(1)} = \alpha b^{(2)}`. The price is k times
the parameters of an ordinary unit.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .layers import dense_backward, dense_forward

__all__ = ["MaxoutCache", "maxout_forward", "maxout_backward"]


class MaxoutCache(NamedTuple):
    """What :func:`maxout_backward` needs: each piece's dense cache and the winner."""

    pieces: list
    winner: np.ndarray


def maxout_forward(x, W1, b1, W2, b2, *more_pieces):
    r"""Forward pass of a maxout layer.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Inputs.
    W1, W2 : array_like, shape (D, M)
        Weights of the first and second linear piece of each of the M units.
    b1, b2 : array_like, shape (M,)
        Their biases.
    *more_pieces : array_like
        Optional further pieces as ``W3, b3, W4, b4, ...`` (same shapes).

    Returns
    -------
    out : ndarray, shape (N, M)
        Elementwise maximum over the pieces of :math:`x W^{(j)} + b^{(j)}`.
    cache : MaxoutCache

    Notes
    -----
    At a tie the first of the equal pieces wins, so its parameters get the
    gradient; the function has a kink there.

    Examples
    --------
    >>> x = [[-2.0], [3.0]]
    >>> out, cache = maxout_forward(x, [[0.0]], [0.0], [[1.0]], [0.0])  # ReLU
    >>> out
    array([[0.],
           [3.]])
    """
    if len(more_pieces) % 2:
        raise ValueError("extra maxout pieces must come in (W, b) pairs: W3, b3, W4, b4, ...")
    weights = (W1, W2) + more_pieces[0::2]
    biases = (b1, b2) + more_pieces[1::2]
    outs, caches = zip(*(dense_forward(x, W, b) for W, b in zip(weights, biases)))
    for j, z in enumerate(outs[1:], start=2):
        if z.shape != outs[0].shape:
            raise ValueError(f"piece {j} gives shape {z.shape}, piece 1 gives {outs[0].shape}: all W must be (D, M)")
    stacked = np.stack(outs)
    winner = np.argmax(stacked, axis=0)
    out = np.take_along_axis(stacked, winner[None], axis=0)[0]
    return out, MaxoutCache(list(caches), winner)


def maxout_backward(dout, cache):
    r"""Backward pass of a maxout layer.

    Parameters
    ----------
    dout : array_like, shape (N, M)
        Upstream gradient.
    cache : MaxoutCache
        From :func:`maxout_forward`.

    Returns
    -------
    tuple
        ``(dx, dW1, db1, dW2, db2, ...)``: ``dx`` of shape (N, D), then each
        piece's weight and bias gradients in the order they were given.

    Notes
    -----
    The gradient reaches only the winning piece of each output:
    :math:`\partial L/\partial z^{(j)}_{nm} = g_{nm}\,\mathbb{1}[j = \arg\max_i z^{(i)}_{nm}]`.

    Examples
    --------
    >>> out, cache = maxout_forward([[2.0]], [[0.0]], [0.0], [[1.0]], [0.0])
    >>> [g.tolist() for g in maxout_backward([[1.0]], cache)]
    [[[1.0]], [[0.0]], [0.0], [[2.0]], [1.0]]
    """
    dout = np.asarray(dout, dtype=np.result_type(cache.pieces[0].x, float))
    if dout.shape != cache.winner.shape:
        raise ValueError(f"dout must have the forward output's shape {cache.winner.shape}, got {dout.shape}")
    dx = 0
    grads = []
    for j, piece in enumerate(cache.pieces):
        dx_j, dW, db = dense_backward(np.where(cache.winner == j, dout, 0), piece)
        dx = dx + dx_j
        grads += [dW, db]
    return (dx, *grads)
