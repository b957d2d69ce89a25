r"""Hidden-unit kinds of a fully-connected network: elementwise, PReLU and maxout.

:func:`nnkit.layers.mlp_forward` covers hidden layers that apply one
elementwise activation from the registry. Two popular units are not of that
form, because they carry parameters of their own:

- ``"prelu"``: a Leaky ReLU whose negative-side slope :math:`\alpha_m` is
  learned, one per unit (:func:`nnkit.activations.prelu_forward`);
- ``"maxout"``: the larger of two linear pieces of the input, each with its own
  weights (:func:`nnkit.maxout.maxout_forward`).

A :class:`UnitKind` says, for one kind of hidden layer, which arrays it holds,
which of them are weights (under L2), and how to run it forwards, backwards
and through the monitors. :func:`network_forward` and :func:`network_backward`
chain such layers with a final dense layer of raw scores.

Parameters of a network are a list with one tuple per layer, input side first.
A hidden layer with D inputs and M units holds

=================  ===============================  ==============================
kind               tuple                            shapes
=================  ===============================  ==============================
elementwise        ``(W, b)``                       (D, M), (M,)
``"prelu"``        ``(W, b, alpha)``                (D, M), (M,), (M,)
``"maxout"``       ``(W1, b1, W2, b2)``             (D, M), (M,), (D, M), (M,)
=================  ===============================  ==============================

and the output layer is always ``(W, b)``. For elementwise units the list is
exactly the one of :func:`nnkit.layers.init_mlp`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from ._validate import as_float_array
from .activations import ACTIVATIONS, Activation, get_activation, prelu_backward, prelu_forward
from .layers import dense_backward, dense_forward, init_mlp
from .maxout import maxout_backward, maxout_forward
from .monitor import dead_fraction, saturation_fraction

__all__ = [
    "PRELU_INIT", "SATURATION_THRESHOLD", "UnitKind", "UNIT_KINDS", "NetworkCache",
    "elementwise_kind", "unit_kind", "init_network", "check_network_params",
    "network_forward", "network_backward", "network_monitors",
]

#: Initial PReLU slope, as in He et al. (2015), "Delving deep into rectifiers".
PRELU_INIT = 0.25
#: A PReLU entry is saturated when its slope is below this fraction of the positive side's 1
#: (the default threshold of :func:`nnkit.monitor.saturation_fraction`).
SATURATION_THRESHOLD = 0.01


@dataclass(frozen=True)
class UnitKind:
    """What a network needs to know about one kind of hidden layer.

    Attributes
    ----------
    name : str
        ``"prelu"``, ``"maxout"`` or the name of an elementwise activation.
    arrays : tuple of str
        Names of a hidden layer's arrays, in the order of its params tuple.
    decayed : tuple of bool
        Which of those arrays are weights: under L2 and in the weight norm.
    init : callable
        ``init(sizes, seed, weight_scale) -> params`` for a whole network.
    forward : callable
        ``forward(h (N, D), layer) -> (out (N, M), cache)``.
    backward : callable
        ``backward(dout (N, M), cache) -> (dh (N, D), grads)``, grads in the
        order of `arrays`.
    monitors : callable
        ``monitors(cache) -> (dead, saturated)``, two floats in [0, 1].
    dead_label : str
        A short word for what `monitors` counts as dead, for readouts.
    """

    name: str
    arrays: tuple
    decayed: tuple
    init: Callable
    forward: Callable
    backward: Callable
    monitors: Callable
    dead_label: str = "dead"


def elementwise_kind(act: Activation) -> UnitKind:
    r"""The unit kind of a dense layer followed by an elementwise activation.

    Parameters
    ----------
    act : Activation
        A registry record (or one built like it).

    Returns
    -------
    UnitKind
        Dead: :func:`nnkit.monitor.dead_fraction` of the pre-activations
        :math:`z = hW + b` (:math:`z \le 0` on every example); saturated:
        :func:`nnkit.monitor.saturation_fraction` of `z` for `act`.

    Examples
    --------
    >>> elementwise_kind(get_activation("tanh")).arrays
    ('W', 'b')
    """
    def forward(h, layer):
        z, dense_cache = dense_forward(h, *layer)
        return act.fn(z), (dense_cache, z)

    def backward(dout, cache):
        dense_cache, z = cache
        dh, dW, db = dense_backward(dout * act.grad(z), dense_cache)
        return dh, (dW, db)

    def monitors(cache):
        return dead_fraction(cache[1]), saturation_fraction(cache[1], act)

    return UnitKind(act.name, ("W", "b"), (True, False), _init_dense, forward, backward, monitors)


def _init_dense(sizes, seed, weight_scale):
    return init_mlp(sizes, seed=seed, weight_scale=weight_scale)


def _init_prelu(sizes, seed, weight_scale):
    params = init_mlp(sizes, seed=seed, weight_scale=weight_scale)
    return [(W, b, np.full_like(b, PRELU_INIT)) for W, b in params[:-1]] + params[-1:]


def _prelu_forward(h, layer):
    W, b, alpha = layer
    z, dense_cache = dense_forward(h, W, b)
    out, prelu_cache = prelu_forward(z, alpha)
    return out, (dense_cache, prelu_cache)


def _prelu_backward(dout, cache):
    dense_cache, prelu_cache = cache
    dz, dalpha = prelu_backward(dout, prelu_cache)
    dh, dW, db = dense_backward(dz, dense_cache)
    return dh, (dW, db, dalpha)


def _prelu_monitors(cache):
    z, alpha = cache[1]
    # |alpha|, not alpha: a learned negative slope still passes gradient, just flipped.
    flat = (z <= 0) & (np.abs(alpha) < SATURATION_THRESHOLD)
    return dead_fraction(z), float(np.mean(flat))


def _init_maxout(sizes, seed, weight_scale):
    first = init_mlp(sizes, seed=seed, weight_scale=weight_scale)
    # The second pieces come from the next seed, so the first pieces and the
    # output layer are the very weights an elementwise network would start from.
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(int(seed) + 1)
    second = init_mlp(sizes, seed=rng, weight_scale=weight_scale)
    return [(W1, b1, W2, b2) for (W1, b1), (W2, b2) in zip(first[:-1], second)] + first[-1:]


def _maxout_forward(h, layer):
    return maxout_forward(h, *layer)


def _maxout_backward(dout, cache):
    dh, *grads = maxout_backward(dout, cache)
    return dh, tuple(grads)


def _maxout_monitors(cache):
    winner = cache.winner
    # A unit whose same piece wins on every example is one linear function over the
    # data, and its other piece gets no gradient at all: a dead piece.
    one_piece = np.all(winner == winner[:1], axis=0)
    return float(np.mean(one_piece)), 0.0


UNIT_KINDS: dict[str, UnitKind] = {
    "prelu": UnitKind("prelu", ("W", "b", "alpha"), (True, False, False), _init_prelu,
                      _prelu_forward, _prelu_backward, _prelu_monitors, "all-negative"),
    "maxout": UnitKind("maxout", ("W1", "b1", "W2", "b2"), (True, False, True, False),
                       _init_maxout, _maxout_forward, _maxout_backward, _maxout_monitors,
                       "one-piece"),
}


def unit_kind(activation) -> UnitKind:
    """The hidden-unit kind for an activation name, an Activation record or a UnitKind.

    Parameters
    ----------
    activation : str, Activation or UnitKind
        ``"prelu"``, ``"maxout"``, a key of :data:`nnkit.ACTIVATIONS`, or a record.

    Returns
    -------
    UnitKind

    Raises
    ------
    KeyError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> unit_kind("maxout").arrays, unit_kind("relu").arrays
    (('W1', 'b1', 'W2', 'b2'), ('W', 'b'))
    """
    if isinstance(activation, UnitKind):
        return activation
    if isinstance(activation, str) and activation in UNIT_KINDS:
        return UNIT_KINDS[activation]
    try:
        act = get_activation(activation)
    except KeyError:
        raise KeyError(f"unknown activation {activation!r}; expected one of "
                       f"{sorted(ACTIVATIONS) + sorted(UNIT_KINDS)} or an Activation record") from None
    return elementwise_kind(act)


def init_network(sizes, activation="relu", seed=0, weight_scale=None):
    r"""Random initial parameters for a network of the given hidden-unit kind.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, inputs first, e.g. ``[2, 16, 3]``.
    activation : str, Activation or UnitKind, default "relu"
    seed : int or numpy.random.Generator, default 0
    weight_scale : float, optional
        Standard deviation of every weight (He scaling by default).

    Returns
    -------
    list of tuple
        One tuple per layer, structured as in the module docstring.

    Notes
    -----
    Weights and biases are those of :func:`nnkit.layers.init_mlp` with `seed`.
    PReLU slopes start at :data:`PRELU_INIT` = 0.25. A maxout layer's first
    pieces are those weights; its second pieces are drawn the same way with
    ``seed + 1`` (or, for a Generator, its next draws).

    Examples
    --------
    >>> [[a.shape for a in layer] for layer in init_network([3, 4, 2], "prelu")]
    [[(3, 4), (4,), (4,)], [(4, 2), (2,)]]
    """
    return unit_kind(activation).init(list(sizes), seed, weight_scale)


def check_network_params(params, kind: UnitKind):
    r"""Raise ValueError unless `params` is a list of layer tuples that fit `kind`.

    Parameters
    ----------
    params : list of tuple
        One tuple per layer, structured as in the module docstring.
    kind : UnitKind
        The hidden units the tuples must fit.

    Raises
    ------
    ValueError
        Naming the first layer that does not fit and the arrays it should hold.

    Examples
    --------
    >>> check_network_params(init_network([2, 3, 2], "prelu"), unit_kind("prelu"))
    >>> check_network_params(init_network([2, 3, 2], "relu"), unit_kind("maxout"))
    Traceback (most recent call last):
    ...
    ValueError: params[0] (the maxout hidden layer) must be a tuple (W1, b1, W2, b2), got 2 arrays
    """
    if not isinstance(params, (list, tuple)) or not params:
        raise ValueError("params must be a non-empty list of per-layer tuples, input side first")
    for i, layer in enumerate(params):
        names = kind.arrays if i < len(params) - 1 else ("W", "b")
        what = f"{kind.name} hidden layer" if i < len(params) - 1 else "output layer"
        if not isinstance(layer, (list, tuple)) or len(layer) != len(names):
            got = f"{len(layer)} arrays" if isinstance(layer, (list, tuple)) else type(layer).__name__
            raise ValueError(f"params[{i}] (the {what}) must be a tuple ({', '.join(names)}), got {got}")


class NetworkCache(NamedTuple):
    """What :func:`network_backward` and :func:`network_monitors` need."""

    kind: UnitKind
    hidden: list
    output: tuple


def network_forward(x, params, activation="relu"):
    r"""Forward pass of a fully-connected network with hidden units of one kind.

    Parameters
    ----------
    x : array_like, shape (N, D)
    params : list of tuple
        As in the module docstring.
    activation : str, Activation or UnitKind, default "relu"

    Returns
    -------
    scores : ndarray, shape (N, K)
        Outputs of the last (dense) layer.
    cache : NetworkCache

    Notes
    -----
    .. math:: h_0 = x,\quad h_l = u(h_{l-1}; \theta_l),\quad \mathrm{scores} = h_{L-1} W_L + b_L

    with :math:`u` the hidden layer of the kind (for elementwise units
    :math:`f(hW + b)`, the same arithmetic as :func:`nnkit.layers.mlp_forward`).

    Examples
    --------
    >>> params = [(np.eye(2), np.zeros(2), np.full(2, 0.5)), (np.ones((2, 1)), np.zeros(1))]
    >>> network_forward([[2.0, -2.0]], params, "prelu")[0]
    array([[1.]])
    """
    kind = unit_kind(activation)
    check_network_params(params, kind)
    h = as_float_array(x, "x")
    hidden = []
    for layer in params[:-1]:
        h, cache = kind.forward(h, layer)
        hidden.append(cache)
    scores, output = dense_forward(h, *params[-1])
    return scores, NetworkCache(kind, hidden, output)


def network_backward(dscores, cache):
    r"""Backward pass of :func:`network_forward`.

    Parameters
    ----------
    dscores : array_like, shape (N, K)
        Gradient of the loss with respect to the scores.
    cache : NetworkCache

    Returns
    -------
    list of tuple
        Gradients shaped and ordered like ``params`` (for PReLU including
        ``dalpha``, for maxout both pieces').

    Examples
    --------
    >>> params = [(np.eye(2), np.zeros(2), np.zeros((2, 2)), np.ones(2)), (np.ones((2, 1)), np.zeros(1))]
    >>> scores, cache = network_forward([[3.0, -1.0]], params, "maxout")
    >>> [len(g) for g in network_backward([[1.0]], cache)]
    [4, 2]
    """
    dh, dW, db = dense_backward(as_float_array(dscores, "dscores"), cache.output)
    grads = [(dW, db)]
    for layer_cache in reversed(cache.hidden):
        dh, layer_grads = cache.kind.backward(dh, layer_cache)
        grads.append(layer_grads)
    return grads[::-1]


def network_monitors(cache):
    r"""Dead and saturated fractions of every hidden layer of a forward pass.

    Parameters
    ----------
    cache : NetworkCache

    Returns
    -------
    list of (float, float)
        Per hidden layer, ``(dead, saturated)``:

        - elementwise: :func:`nnkit.monitor.dead_fraction` and
          :func:`nnkit.monitor.saturation_fraction` of the pre-activations;
        - PReLU: dead is the same test as for ReLU, :math:`z \le 0` on every
          example. Unlike a dead ReLU such a unit still passes gradient (slope
          :math:`\alpha_m`) and can recover: it has become a linear unit.
          Saturated entries have :math:`z \le 0` and :math:`|\alpha_m| < 0.01`;
        - maxout: dead is the fraction of units whose same piece wins on every
          example: the other piece gets no gradient (it is dead) and the unit
          is one linear function over the data. Saturated is 0: the max passes
          the gradient with factor 1 to the winning piece of every entry.

    Examples
    --------
    >>> params = [(np.eye(2), np.zeros(2), np.zeros((2, 2)), np.ones(2)), (np.ones((2, 1)), np.zeros(1))]
    >>> network_monitors(network_forward([[3.0, -1.0], [0.0, -5.0]], params, "maxout")[1])
    [(0.5, 0.0)]
    """
    return [cache.kind.monitors(layer_cache) for layer_cache in cache.hidden]
