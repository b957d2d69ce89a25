r"""Minimal gradient-descent training loops with a per-step history.

Two loops, small enough to read in one go: :func:`train_neuron` fits one linear
neuron (logistic regression or a binary SVM) and :func:`train_mlp` a
fully-connected network with a softmax output, whose hidden units may be
elementwise activations, PReLU or maxout (:mod:`nnkit.network`). Both record,
at every step, the loss and the training accuracy; the MLP loop also records,
for each hidden layer, the fraction of dead units and of saturated activations
over the whole training set (see :mod:`nnkit.monitor`).

A run whose parameters stop being finite (a learning rate far too high) stops
there: ``History.diverged_at`` holds the step and the rest of the history is
nan, instead of warnings and a page of nan.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, as_real_scalar, check_ndim, check_same_length
from .losses import binary_hinge_loss, binary_logistic_loss, l2_penalty, softmax_loss
from .network import (check_network_params, init_network, network_backward, network_forward,
                      network_monitors, unit_kind)

__all__ = ["History", "train_neuron", "train_mlp"]


@dataclass
class History:
    r"""What a training run recorded, one entry per step.

    Attributes
    ----------
    loss : ndarray, shape (steps,)
        Data loss plus regularisation, before the step's update.
    accuracy : ndarray, shape (steps,)
        Training accuracy before the update.
    dead_fraction : ndarray, shape (steps, L)
        Per hidden layer (MLP only; L = 0 for a single neuron): units whose
        pre-activation is <= 0 on every example (for PReLU too, though such a
        unit still passes gradient); for maxout, units whose same piece wins on
        every example. See :func:`nnkit.network.network_monitors`.
    saturation_fraction : ndarray, shape (steps, L)
        Per hidden layer (MLP only): entries whose slope is below 1 % of its
        maximum (for PReLU: :math:`z \le 0` and :math:`|\alpha| < 0.01`; always
        0 for maxout).
    weight_norm : ndarray, shape (steps,)
        Euclidean norm of all weights (biases and PReLU slopes excluded) before
        the update.
    diverged_at : int or None
        First step whose parameters were not finite, if any.
    """

    loss: np.ndarray
    accuracy: np.ndarray
    dead_fraction: np.ndarray
    saturation_fraction: np.ndarray
    weight_norm: np.ndarray
    diverged_at: int | None = None

    @classmethod
    def empty(cls, steps: int, n_hidden: int) -> "History":
        nan = lambda *shape: np.full(shape, np.nan)  # noqa: E731
        return cls(nan(steps), nan(steps), nan(steps, n_hidden), nan(steps, n_hidden), nan(steps))

    def steps_to_reach(self, loss: float) -> int | None:
        """First step whose recorded loss is at most `loss`, or None if never."""
        hits = np.flatnonzero(self.loss <= loss)
        return int(hits[0]) if hits.size else None


def _check_xy(X, y):
    X = as_float_array(X, "X")
    check_ndim(X, 2, "X", "(N, D)")
    y = np.asarray(y)
    check_ndim(y, 1, "y", "(N,)")
    check_same_length(X, y, "X", "y")
    if y.dtype.kind not in "iub" or y.min() < 0:
        raise ValueError(f"y must hold integer class labels 0..K-1, got dtype {y.dtype} and values {np.unique(y)[:5]}")
    return X, y.astype(int)


def _check_steps(lr, steps):
    lr = as_real_scalar(lr, "lr")
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    return lr, int(steps)


_NEURON_LOSSES = {
    # name -> (loss function, labels it wants from 0/1 labels)
    "logistic": (binary_logistic_loss, lambda y: y),
    "hinge": (binary_hinge_loss, lambda y: 2 * y - 1),
}


def train_neuron(X, y, loss="logistic", lr=0.1, reg=0.0, steps=500, seed=0, w=None, b=0.0):
    r"""Fit one linear neuron by full-batch gradient descent.

    Parameters
    ----------
    X : array_like, shape (N, D)
    y : array_like of int, shape (N,)
        Labels 0/1 (converted to -1/+1 for the hinge loss).
    loss : {"logistic", "hinge"}, default "logistic"
        Binary softmax (logistic regression) or binary SVM.
    lr : float, default 0.1
    reg : float, default 0.0
        L2 strength on the weights (see :func:`nnkit.losses.l2_penalty`).
    steps : int, default 500
    seed : int, default 0
        Seed of the initial weights (small, normal) when `w` is not given.
    w : array_like, shape (D,), optional
        Initial weights.
    b : float, default 0.0
        Initial bias.

    Returns
    -------
    w : ndarray, shape (D,)
    b : float
    history : History

    Notes
    -----
    Each step: :math:`s = Xw + b`, data loss and :math:`\partial L/\partial s`,
    then :math:`w \leftarrow w - \eta(X^\top \partial s + \lambda w)` and
    :math:`b \leftarrow b - \eta \sum \partial s`.

    Examples
    --------
    >>> from nnkit.data import make_blobs
    >>> X, y = make_blobs(100, seed=1)
    >>> w, b, history = train_neuron(X, y, steps=200)
    >>> bool(history.accuracy[-1] > 0.95)
    True
    """
    X, y = _check_xy(X, y)
    lr, steps = _check_steps(lr, steps)
    try:
        loss_fn, labels = _NEURON_LOSSES[loss]
    except KeyError:
        raise ValueError(f"loss must be one of {sorted(_NEURON_LOSSES)}, got {loss!r}") from None
    w = 0.01 * np.random.default_rng(seed).standard_normal(X.shape[1]) if w is None else as_float_array(w, "w").copy()
    b = as_real_scalar(b, "b")
    target = labels(y)
    history = History.empty(steps, 0)
    for step in range(steps):
        scores = X @ w + b
        data_loss, dscores = loss_fn(scores, target)
        reg_loss, dw_reg = l2_penalty(w, reg)
        history.loss[step] = data_loss + reg_loss
        history.accuracy[step] = np.mean((scores > 0) == (y == 1))
        history.weight_norm[step] = np.linalg.norm(w)
        w = w - lr * (X.T @ dscores + dw_reg)
        b = b - lr * float(dscores.sum())
    return w, b, history


def _decayed(kind, n_layers):
    """Which arrays of each layer are weights (L2, weight norm): hidden layers', then the output's."""
    return [kind.decayed] * (n_layers - 1) + [(True, False)]


def _record_mlp(history, step, params, decayed, scores, cache, y, reg, data_loss):
    weights = [a for layer, flags in zip(params, decayed) for a, is_weight in zip(layer, flags) if is_weight]
    history.loss[step] = data_loss + sum(l2_penalty(W, reg)[0] for W in weights)
    history.accuracy[step] = np.mean(np.argmax(scores, axis=1) == y)
    history.weight_norm[step] = np.sqrt(sum(np.sum(W * W) for W in weights))
    for layer, (dead, saturated) in enumerate(network_monitors(cache)):
        history.dead_fraction[step, layer] = dead
        history.saturation_fraction[step, layer] = saturated


def _step(layer, grads, flags, lr, reg):
    return tuple(p - lr * (g + reg * p) if is_weight else p - lr * g
                 for p, g, is_weight in zip(layer, grads, flags))


def train_mlp(X, y, hidden_sizes=(100,), activation="relu", lr=0.5, reg=1e-3, steps=1000,
              seed=0, weight_scale=None, params=None):
    r"""Fit a fully-connected classifier by full-batch gradient descent.

    Parameters
    ----------
    X : array_like, shape (N, D)
    y : array_like of int, shape (N,)
        Class labels 0..K-1; the output layer has K = max(y) + 1 units.
    hidden_sizes : sequence of int, default (100,)
    activation : str, Activation or UnitKind, default "relu"
        The hidden units of every hidden layer: an elementwise activation (a
        key of ``nnkit.ACTIVATIONS`` or a record), ``"prelu"`` (a learned slope
        per unit) or ``"maxout"`` (two linear pieces per unit); see
        :mod:`nnkit.network`.
    lr : float, default 0.5
    reg : float, default 1e-3
        L2 strength on all weights (both maxout pieces; not on biases or PReLU
        slopes).
    steps : int, default 1000
    seed : int, default 0
        Seed of the initial weights (see :func:`nnkit.network.init_network`:
        :func:`nnkit.layers.init_mlp`, PReLU slopes at 0.25, maxout's second
        pieces from ``seed + 1``).
    weight_scale : float, optional
        Standard deviation of the initial weights (He scaling by default).
    params : list of tuple, optional
        Start from these instead (they are copied, not modified): ``(W, b)``
        per layer, or for hidden layers ``(W, b, alpha)`` (PReLU) and
        ``(W1, b1, W2, b2)`` (maxout).

    Returns
    -------
    params : list of tuple
        The same structure: ``(W, b)`` per layer for elementwise units; for
        PReLU ``(W, b, alpha)`` per hidden layer, for maxout
        ``(W1, b1, W2, b2)``; the output layer is always ``(W, b)``.
    history : History
        Monitors are computed over the whole training set at every step (see
        :func:`nnkit.network.network_monitors` for what dead and saturated
        mean for PReLU and maxout units).

    Notes
    -----
    Each step: scores from :func:`nnkit.network.network_forward`, softmax loss,
    gradients from :func:`nnkit.network.network_backward`, then for every
    weight :math:`W \leftarrow W - \eta(\partial W + \lambda W)` and every
    other array (biases, PReLU slopes) :math:`\theta \leftarrow \theta - \eta\,\partial\theta`.

    Examples
    --------
    >>> from nnkit.data import make_xor
    >>> X, y = make_xor(200)
    >>> params, history = train_mlp(X, y, hidden_sizes=(16,), steps=300)
    >>> bool(history.accuracy[-1] > 0.95), history.dead_fraction.shape
    (True, (300, 1))
    >>> params, history = train_mlp(X, y, hidden_sizes=(8,), activation="maxout", steps=300)
    >>> bool(history.accuracy[-1] > 0.95), [len(layer) for layer in params]
    (True, [4, 2])
    """
    X, y = _check_xy(X, y)
    lr, steps = _check_steps(lr, steps)
    kind = unit_kind(activation)
    if params is None:
        sizes = [X.shape[1], *hidden_sizes, int(y.max()) + 1]
        params = init_network(sizes, kind, seed=seed, weight_scale=weight_scale)
    check_network_params(params, kind)
    params = [tuple(np.array(a, dtype=float) for a in layer) for layer in params]
    decayed = _decayed(kind, len(params))
    history = History.empty(steps, len(params) - 1)
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            if not all(np.isfinite(a).all() for layer in params for a in layer):
                history.diverged_at = step
                break
            scores, cache = network_forward(X, params, kind)
            data_loss, dscores = softmax_loss(scores, y)
            _record_mlp(history, step, params, decayed, scores, cache, y, reg, data_loss)
            grads = network_backward(dscores, cache)
            params = [_step(*args, lr, reg) for args in zip(params, grads, decayed)]
    return params, history
