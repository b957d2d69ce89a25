r"""Minimal gradient-descent training loops with a per-step history.

Two loops, small enough to read in one go: :func:`train_neuron` fits one linear
neuron (logistic regression or a binary SVM) and :func:`train_mlp` a
fully-connected network with a softmax output. Both record, at every step, the
loss and the training accuracy; the MLP loop also records, for each hidden
layer, the fraction of dead units and of saturated activations over the whole
training set (see :mod:`nnkit.monitor`).

A run whose parameters stop being finite (a learning rate far too high) stops
there: ``History.diverged_at`` holds the step and the rest of the history is
nan, instead of warnings and a page of nan.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import as_float_array, as_real_scalar, check_ndim, check_same_length
from .activations import get_activation
from .layers import init_mlp, mlp_backward, mlp_forward
from .losses import binary_hinge_loss, binary_logistic_loss, l2_penalty, softmax_loss
from .monitor import dead_fraction, saturation_fraction

__all__ = ["History", "train_neuron", "train_mlp"]


@dataclass
class History:
    """What a training run recorded, one entry per step.

    Attributes
    ----------
    loss : ndarray, shape (steps,)
        Data loss plus regularisation, before the step's update.
    accuracy : ndarray, shape (steps,)
        Training accuracy before the update.
    dead_fraction : ndarray, shape (steps, L)
        Per hidden layer (MLP only; L = 0 for a single neuron).
    saturation_fraction : ndarray, shape (steps, L)
        Per hidden layer (MLP only).
    weight_norm : ndarray, shape (steps,)
        Euclidean norm of all weights (biases excluded) before the update.
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


def _record_mlp(history, step, params, scores, cache, y, reg, data_loss, act):
    weights = [W for W, _ in params]
    history.loss[step] = data_loss + sum(l2_penalty(W, reg)[0] for W in weights)
    history.accuracy[step] = np.mean(np.argmax(scores, axis=1) == y)
    history.weight_norm[step] = np.sqrt(sum(np.sum(W * W) for W in weights))
    for layer, z in enumerate(cache.pre_activations):
        history.dead_fraction[step, layer] = dead_fraction(z)
        history.saturation_fraction[step, layer] = saturation_fraction(z, act)


def train_mlp(X, y, hidden_sizes=(100,), activation="relu", lr=0.5, reg=1e-3, steps=1000,
              seed=0, weight_scale=None, params=None):
    r"""Fit a fully-connected classifier by full-batch gradient descent.

    Parameters
    ----------
    X : array_like, shape (N, D)
    y : array_like of int, shape (N,)
        Class labels 0..K-1; the output layer has K = max(y) + 1 units.
    hidden_sizes : sequence of int, default (100,)
    activation : str or Activation, default "relu"
        Used by every hidden layer.
    lr : float, default 0.5
    reg : float, default 1e-3
        L2 strength on all weights.
    steps : int, default 1000
    seed : int, default 0
        Seed of the initial weights (see :func:`nnkit.layers.init_mlp`).
    weight_scale : float, optional
        Standard deviation of the initial weights (He scaling by default).
    params : list of (W, b), optional
        Start from these instead (they are copied, not modified).

    Returns
    -------
    params : list of (W, b)
    history : History
        Monitors are computed over the whole training set at every step.

    Examples
    --------
    >>> from nnkit.data import make_xor
    >>> X, y = make_xor(200)
    >>> params, history = train_mlp(X, y, hidden_sizes=(16,), steps=300)
    >>> bool(history.accuracy[-1] > 0.95), history.dead_fraction.shape
    (True, (300, 1))
    """
    X, y = _check_xy(X, y)
    lr, steps = _check_steps(lr, steps)
    act = get_activation(activation)
    if params is None:
        sizes = [X.shape[1], *hidden_sizes, int(y.max()) + 1]
        params = init_mlp(sizes, seed=seed, weight_scale=weight_scale)
    params = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in params]
    history = History.empty(steps, len(params) - 1)
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            if not all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in params):
                history.diverged_at = step
                break
            scores, cache = mlp_forward(X, params, act)
            data_loss, dscores = softmax_loss(scores, y)
            _record_mlp(history, step, params, scores, cache, y, reg, data_loss, act)
            grads = mlp_backward(dscores, cache)
            params = [(W - lr * (dW + reg * W), b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
    return params, history
