r"""Data losses for a neuron's scores, and L2 regularisation.

Every loss takes raw scores (logits, before any activation) and labels and
returns ``(loss, dscores)``: the mean loss over the N examples and its gradient
with respect to the scores. None of them knows what produced the scores.

Label conventions differ between the two binary losses, as in the textbooks:

* :func:`binary_logistic_loss` (binary softmax, logistic regression) wants
  :math:`y \in \{0, 1\}`, read as :math:`P(y = 1 \mid x) = \sigma(s)`.
* :func:`binary_hinge_loss` (binary SVM) wants :math:`y \in \{-1, +1\}`, the
  sign of the side of the margin.

Passing the other convention raises ``ValueError`` instead of silently
computing the wrong loss.
"""
from __future__ import annotations

import numpy as np

from ._validate import as_float_array, as_real_scalar, check_ndim, check_same_length
from .activations import log_sigmoid, sigmoid

__all__ = ["binary_logistic_loss", "binary_hinge_loss", "l2_penalty", "softmax_loss"]


def _binary_inputs(scores, y, allowed: tuple[int, int], other: tuple[int, int], loss: str):
    scores = as_float_array(scores, "scores")
    check_ndim(scores, 1, "scores", "(N,)")
    y = np.asarray(y)
    check_ndim(y, 1, "y", "(N,)")
    check_same_length(scores, y, "scores", "y")
    if scores.shape[0] == 0:
        raise ValueError("scores and y must hold at least one example, got N = 0")
    if not np.isin(y, allowed).all():
        bad = np.unique(y[~np.isin(y, allowed)])[:5]
        hint = ""
        if np.isin(y, other).all():
            hint = (f"; these look like {set(other)} labels: convert with "
                    f"{'(y + 1) // 2' if allowed == (0, 1) else '2 * y - 1'}")
        raise ValueError(
            f"{loss} expects labels y in {set(allowed)}, found {bad.tolist()}{hint}"
        )
    return scores, y.astype(scores.dtype)


def binary_logistic_loss(scores, y):
    r"""Cross-entropy of a sigmoid neuron (binary softmax / logistic regression).

    Parameters
    ----------
    scores : array_like, shape (N,)
        Logits :math:`s_n = w^\top x_n + b`, before the sigmoid.
    y : array_like, shape (N,)
        Labels in :math:`\{0, 1\}`.

    Returns
    -------
    loss : float
        Mean cross-entropy over the N examples.
    dscores : ndarray, shape (N,)
        :math:`\partial\,\mathrm{loss} / \partial s_n = (\sigma(s_n) - y_n) / N`.

    Raises
    ------
    ValueError
        If `y` holds anything but 0 and 1 (for example the SVM's -1/+1).

    Notes
    -----
    .. math::
        L = -\frac{1}{N}\sum_n \big[y_n \log\sigma(s_n) + (1 - y_n)\log(1 - \sigma(s_n))\big]
          = -\frac{1}{N}\sum_n \log\sigma\big((2y_n - 1)\,s_n\big)

    using :math:`1 - \sigma(s) = \sigma(-s)`. Computed through
    :func:`~nnkit.activations.log_sigmoid`, so it stays finite and accurate for
    any finite score, where ``log(sigmoid(s))`` gives ``-inf``.

    Examples
    --------
    >>> loss, dscores = binary_logistic_loss([0.0, 800.0], [1, 0])
    >>> round(loss, 4), dscores
    (400.3466, array([-0.25,  0.5 ]))
    """
    scores, y = _binary_inputs(scores, y, (0, 1), (-1, 1), "binary_logistic_loss")
    signed = np.where(y == 1, scores, -scores)
    loss = -np.mean(log_sigmoid(signed))
    # sigma(s) - 1 = -sigma(-s): the second form keeps accuracy when sigma(s) ~ 1.
    dscores = np.where(y == 1, -sigmoid(-scores), sigmoid(scores)) / scores.shape[0]
    return float(loss), dscores.astype(scores.dtype, copy=False)


def binary_hinge_loss(scores, y):
    r"""Hinge loss of a linear neuron (binary SVM).

    Parameters
    ----------
    scores : array_like, shape (N,)
        Scores :math:`s_n = w^\top x_n + b`.
    y : array_like, shape (N,)
        Labels in :math:`\{-1, +1\}`.

    Returns
    -------
    loss : float
        Mean hinge loss over the N examples.
    dscores : ndarray, shape (N,)
        :math:`-y_n / N` where the margin is violated (:math:`y_n s_n < 1`), else 0.

    Raises
    ------
    ValueError
        If `y` holds anything but -1 and +1 (for example the 0/1 labels of
        :func:`binary_logistic_loss`).

    Notes
    -----
    .. math:: L = \frac{1}{N}\sum_n \max(0,\; 1 - y_n s_n)

    At exactly :math:`y_n s_n = 1` the loss has a kink; the gradient there is
    taken as 0 (the flat side).

    Examples
    --------
    >>> binary_hinge_loss([2.0, 0.5, -1.0], [1, 1, 1])
    (0.8333333333333334, array([ 0.        , -0.33333333, -0.33333333]))
    """
    scores, y = _binary_inputs(scores, y, (-1, 1), (0, 1), "binary_hinge_loss")
    margins = 1 - y * scores
    loss = np.mean(np.maximum(margins, 0))
    dscores = np.where(margins > 0, -y, 0) / scores.shape[0]
    return float(loss), dscores.astype(scores.dtype, copy=False)


def l2_penalty(W, reg):
    r"""L2 regularisation of a weight array and its gradient.

    Parameters
    ----------
    W : array_like, any shape
        Weights to regularise (biases are usually left out).
    reg : float
        Strength :math:`\lambda \ge 0`.

    Returns
    -------
    loss : float
        :math:`\tfrac{\lambda}{2} \sum W^2`.
    dW : ndarray, same shape as `W`
        :math:`\lambda W`.

    Notes
    -----
    The factor 1/2 makes the gradient exactly :math:`\lambda W`. One gradient
    step with learning rate :math:`\eta` and no data term gives
    :math:`W \leftarrow (1 - \eta\lambda)\,W`: every update shrinks the weights
    by the same factor, the "gradual forgetting" view of regularisation.

    Examples
    --------
    >>> l2_penalty([[1.0, -2.0]], reg=0.1)
    (0.25, array([[ 0.1, -0.2]]))
    """
    W = as_float_array(W, "W")
    reg = as_real_scalar(reg, "reg")
    if reg < 0:
        raise ValueError(f"reg must be >= 0, got {reg}")
    return float(0.5 * reg * np.sum(W * W)), (reg * W).astype(W.dtype, copy=False)


def softmax_loss(scores, y):
    r"""Softmax cross-entropy for K classes, from raw scores.

    Parameters
    ----------
    scores : array_like, shape (N, K)
        Class scores, one row per example.
    y : array_like of int, shape (N,)
        Class indices in ``0 .. K-1``.

    Returns
    -------
    loss : float
        Mean cross-entropy over the N examples.
    dscores : ndarray, shape (N, K)
        :math:`(\mathrm{softmax}(s_n) - \mathrm{onehot}(y_n)) / N`.

    Notes
    -----
    .. math:: L = \frac{1}{N}\sum_n \Big(\log\sum_k e^{s_{nk}} - s_{n y_n}\Big)

    Each row is shifted by its maximum first, so no exponential overflows.

    Examples
    --------
    >>> loss, dscores = softmax_loss([[0.0, 0.0]], [1])
    >>> round(loss, 6), dscores
    (0.693147, array([[ 0.5, -0.5]]))
    """
    scores = as_float_array(scores, "scores")
    check_ndim(scores, 2, "scores", "(N, K)")
    y = np.asarray(y)
    check_ndim(y, 1, "y", "(N,)")
    check_same_length(scores, y, "scores", "y")
    n, k = scores.shape
    if n == 0:
        raise ValueError("scores and y must hold at least one example, got N = 0")
    if y.dtype.kind not in "iu" or y.min() < 0 or y.max() >= k:
        raise ValueError(f"y must hold integer class indices in 0..{k - 1}, got {np.unique(y)[:5]}")
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_probs = shifted - log_norm
    rows = np.arange(n)
    loss = -log_probs[rows, y].mean()
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    return float(loss), dscores / n
