r"""Elementwise activation functions and their derivatives.

Each activation ``f`` sits beside its derivative ``f_grad``: both take an
array of pre-activations ``z`` of any shape and return an array of the same
shape and floating dtype (float32 stays float32, ints become float64). They are
stable for every finite input: no overflow warning and no ``inf``/``nan`` where
the mathematics is finite.

``ACTIVATIONS`` is the registry of the elementwise ones: a plain dict from name
to a frozen :class:`Activation` record that lessons, tests, explorers and the
grader iterate over. PReLU has a learnable parameter, so it is a
forward/backward pair instead.

Derivatives at a kink (ReLU and Leaky ReLU at exactly 0) take the slope of the
left piece: ``relu_grad(0) == 0`` (PyTorch's convention) and
``leaky_relu_grad(0) == alpha``.

Every elementwise function takes an optional ``out=`` array (same shape, the
result's dtype) and runs block by block in :mod:`nnkit._kernels`, whose
docstring explains why that is both fast and accurate; large arrays take the
same formulas as compiled loops when numba is installed (:mod:`nnkit._fused`),
with the same results bit for bit. ``tests/test_accuracy.py``
measures every function against mpmath over the whole finite range, subnormal
results included.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from . import _fused, _kernels
from ._validate import as_float_array, as_real_scalar

__all__ = [
    "sigmoid", "sigmoid_grad", "log_sigmoid", "tanh", "tanh_grad",
    "relu", "relu_grad", "leaky_relu", "leaky_relu_grad",
    "prelu_forward", "prelu_backward", "PReLUCache",
    "Activation", "ACTIVATIONS", "get_activation",
]


def sigmoid(z, *, out=None):
    r"""Logistic sigmoid, computed without overflow.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.
    out : ndarray, optional
        Where to write the result: same shape as `z`, the result's dtype.

    Returns
    -------
    ndarray, same shape as `z`
        :math:`\sigma(z)`, in :math:`[0, 1]`.

    Notes
    -----
    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}}

    The naive form overflows in :math:`e^{-z}` for :math:`z < -709` (float64).
    With :math:`e = e^{-|z|} \in (0, 1]` it never does:
    :math:`\sigma(z) = 1/(1 + e)` for :math:`z \ge 0` and :math:`e/(1 + e)` for
    :math:`z < 0`, which is also accurate in the far negative tail. Written
    as one expression, :math:`\sigma(z) = n - n\,w` with
    :math:`w = e/(1 + e) = \sigma(-|z|)` and :math:`n = 1` (:math:`z \ge 0`)
    or :math:`e` (:math:`z < 0`): the rounding errors in :math:`w` then enter
    only through the correction :math:`n w \le n/2`, which keeps the result
    within 1.7 ulp where the two-branch quotient can be off by 2.4. float32
    and float16 are computed in float64 and rounded once (within 0.5 ulp).

    Examples
    --------
    >>> sigmoid([0.0, 2.0, -1000.0])
    array([0.5       , 0.88079708, 0.        ])
    """
    z = as_float_array(z, "z")
    if loops := _fused.loops_for(z):
        return _fused.sigmoid(loops, z, out)
    if _kernels.is_narrow(z.dtype):  # float64 inside, rounded once on the way out
        kernel, n_scratch = _kernels.sigmoid_narrow_block, 4
    else:
        kernel, n_scratch = _kernels.sigmoid_block, 2
    return _kernels.elementwise(kernel, z, out, n_scratch=n_scratch, widen=False)


def sigmoid_grad(z, *, out=None):
    r"""Derivative of the sigmoid with respect to its input.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations (not the sigmoid's output).
    out : ndarray, optional
        Where to write the result: same shape as `z`, the result's dtype.

    Returns
    -------
    ndarray, same shape as `z`
        :math:`\sigma'(z)`, in :math:`[0, 1/4]`.

    Notes
    -----
    .. math:: \sigma'(z) = \sigma(z)\,(1 - \sigma(z)) = \frac{e^{-|z|}}{(1 + e^{-|z|})^2}

    The right-hand form keeps full relative accuracy in both tails, where
    :math:`1 - \sigma(z)` would cancel to 0. The square in the denominator is
    carried with twice the working precision, and the quotient corrected by its
    remainder: within 1.6 ulp in float64 (a rounded square reaches 4.1 ulp),
    0.5 ulp in float32.

    Examples
    --------
    >>> sigmoid_grad([0.0, 10.0])
    array([2.50000000e-01, 4.53958077e-05])
    """
    z = as_float_array(z, "z")
    if loops := _fused.loops_for(z):
        return _fused.sigmoid_grad(loops, z, out)
    if _kernels.is_narrow(z.dtype):  # float64 inside, as for sigmoid
        kernel, n_scratch = _kernels.sigmoid_grad_narrow_block, 3
    else:
        kernel, n_scratch = _kernels.sigmoid_grad_block, 1
    return _kernels.elementwise(kernel, z, out, n_scratch=n_scratch, widen=False)


def log_sigmoid(z, *, out=None):
    r"""Logarithm of the sigmoid, without computing the sigmoid first.

    Parameters
    ----------
    z : array_like, any shape
    out : ndarray, optional
        Where to write the result: same shape as `z`, the result's dtype.

    Returns
    -------
    ndarray, same shape as `z`
        :math:`\log \sigma(z) \le 0`.

    Notes
    -----
    .. math:: \log\sigma(z) = -\log(1 + e^{-z}) = \min(z, 0) - \log(1 + e^{-|z|})

    ``np.log(sigmoid(z))`` returns ``-inf`` once :math:`\sigma(z)` underflows
    (:math:`z < -745`); this form is finite for every finite `z`.

    Examples
    --------
    >>> log_sigmoid([0.0, -1000.0])
    array([-6.93147181e-01, -1.00000000e+03])
    """
    z = as_float_array(z, "z")
    return _kernels.elementwise(_kernels.log_sigmoid_block, z, out, n_scratch=1, widen=True)


def tanh(z, *, out=None):
    r"""Hyperbolic tangent.

    Parameters
    ----------
    z : array_like, any shape
    out : ndarray, optional
        Where to write the result: same shape as `z`, the result's dtype.

    Returns
    -------
    ndarray, same shape as `z`
        :math:`\tanh(z)`, in :math:`[-1, 1]`.

    Notes
    -----
    .. math:: \tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\sigma(2z) - 1

    Examples
    --------
    >>> tanh([0.0, 1.0, -1000.0])
    array([ 0.        ,  0.76159416, -1.        ])
    """
    z = as_float_array(z, "z")
    return _kernels.elementwise(_kernels.tanh_block, z, out, n_scratch=0, widen=True)


def tanh_grad(z, *, out=None):
    r"""Derivative of tanh with respect to its input.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.
    out : ndarray, optional
        Where to write the result: same shape as `z`, the result's dtype.

    Returns
    -------
    ndarray, same shape as `z`
        :math:`\tanh'(z)`, in :math:`[0, 1]`.

    Notes
    -----
    .. math:: \tanh'(z) = 1 - \tanh^2(z) = \frac{4 e^{-2|z|}}{(1 + e^{-2|z|})^2}

    The right-hand form keeps full relative accuracy for large :math:`|z|`;
    it is computed as :func:`sigmoid_grad` is: within 1.6 ulp in float64,
    0.5 ulp in float32.

    Examples
    --------
    >>> tanh_grad([0.0, 1.0])
    array([1.        , 0.41997434])
    """
    z = as_float_array(z, "z")
    if loops := _fused.loops_for(z):
        return _fused.tanh_grad(loops, z, out)
    return _kernels.elementwise(_kernels.tanh_grad_block, z, out, n_scratch=1, widen=True)


def relu(z, *, out=None):
    r"""Rectified linear unit.

    Parameters
    ----------
    z : array_like, any shape
    out : ndarray, optional
        Where to write the result: same shape as `z`, the result's dtype.

    Returns
    -------
    ndarray, same shape as `z`
        :math:`\max(0, z)`.

    Notes
    -----
    .. math:: \mathrm{relu}(z) = \max(0, z)

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    z = as_float_array(z, "z")
    out = _kernels.check_out(out, z.shape, z.dtype)
    return np.maximum(z, 0, out=out)  # already a single pass: nothing to fuse


def relu_grad(z, *, out=None):
    r"""Derivative of ReLU with respect to its input (0 at the kink).

    Parameters
    ----------
    z : array_like, any shape
    out : ndarray, optional
        Where to write the result: same shape as `z`, the result's dtype.

    Returns
    -------
    ndarray, same shape as `z`
        1 where :math:`z > 0`, 0 where :math:`z \le 0`, nan where `z` is nan.

    Notes
    -----
    .. math:: \mathrm{relu}'(z) = \mathbb{1}[z > 0]

    Examples
    --------
    >>> relu_grad([-2.0, 0.0, 3.0])
    array([0., 0., 1.])
    """
    z = as_float_array(z, "z")
    if loops := _fused.loops_for(z):
        return _fused.relu_grad(loops, z, out)
    return _kernels.elementwise(_kernels.relu_grad_block, z, out, n_scratch=0, widen=False)


def leaky_relu(z, alpha=0.01, *, out=None):
    r"""Leaky ReLU: identity for positive inputs, slope `alpha` for negative ones.

    Parameters
    ----------
    z : array_like, any shape
    alpha : float, default 0.01
        Slope for :math:`z < 0`.
    out : ndarray, optional
        Where to write the result: same shape as `z`, the result's dtype.

    Returns
    -------
    ndarray, same shape as `z`

    Notes
    -----
    .. math:: f(z) = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}

    Examples
    --------
    >>> leaky_relu([-2.0, 3.0])
    array([-0.02,  3.  ])
    """
    z = as_float_array(z, "z")
    alpha = as_real_scalar(alpha, "alpha")
    if alpha == 0:  # ReLU; alpha*z below would turn z = +-inf into nan
        return relu(z, out=out)
    if 0 < alpha <= 1:  # then f(z) = max(z, alpha*z): two fused passes, no mask
        if loops := _fused.loops_for(z):
            return _fused.leaky_relu(loops, z, out, alpha)
        kernel = _kernels.leaky_relu_block(alpha)
        return _kernels.elementwise(kernel, z, out, n_scratch=0, widen=False)
    out = _kernels.check_out(out, z.shape, z.dtype)
    out[...] = np.where(z > 0, z, alpha * z)
    return out


def leaky_relu_grad(z, alpha=0.01, *, out=None):
    r"""Derivative of Leaky ReLU with respect to its input (`alpha` at the kink).

    Parameters
    ----------
    z : array_like, any shape
    alpha : float, default 0.01
    out : ndarray, optional
        Where to write the result: same shape as `z`, the result's dtype.

    Returns
    -------
    ndarray, same shape as `z`
        1 where :math:`z > 0`, `alpha` where :math:`z \le 0`, nan where `z` is nan.

    Notes
    -----
    .. math:: f'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}

    Examples
    --------
    >>> leaky_relu_grad([-2.0, 3.0], alpha=0.1)
    array([0.1, 1. ])
    """
    z = as_float_array(z, "z")
    alpha = as_real_scalar(alpha, "alpha")
    if 0 <= alpha <= 1:  # then f'(z) = max(1[z > 0], alpha)
        if loops := _fused.loops_for(z):
            return _fused.leaky_relu_grad(loops, z, out, alpha)
        kernel = _kernels.leaky_relu_grad_block(alpha)
        return _kernels.elementwise(kernel, z, out, n_scratch=0, widen=False)
    out = _kernels.check_out(out, z.shape, z.dtype)
    out[...] = np.where(z > 0, 1, np.where(np.isnan(z), z, alpha))
    return out


class PReLUCache(NamedTuple):
    """What :func:`prelu_backward` needs from the forward pass."""

    x: np.ndarray
    alpha: np.ndarray


def _check_prelu_alpha(x: np.ndarray, alpha: np.ndarray) -> None:
    if x.ndim < 1:
        raise ValueError("x must have at least one dimension, shape (N, M), got a scalar")
    if alpha.shape != (x.shape[-1],):
        raise ValueError(
            f"alpha must have shape (M,) = ({x.shape[-1]},), one slope per unit "
            f"(the last axis of x, shape {x.shape}); got shape {alpha.shape}"
        )


def prelu_forward(x, alpha):
    r"""Parametric ReLU: a Leaky ReLU whose slope is learned, one per unit.

    Parameters
    ----------
    x : array_like, shape (N, M)
        Pre-activations of M units for N examples (any leading axes are allowed;
        units are along the last axis).
    alpha : array_like, shape (M,)
        Slope of each unit for negative inputs.

    Returns
    -------
    out : ndarray, shape (N, M)
    cache : PReLUCache
        Inputs kept for :func:`prelu_backward`.

    Notes
    -----
    .. math:: f(x_{nm}) = \begin{cases} x_{nm} & x_{nm} > 0 \\ \alpha_m x_{nm} & x_{nm} \le 0 \end{cases}

    Examples
    --------
    >>> out, cache = prelu_forward([[-1.0, -1.0], [2.0, 3.0]], [0.1, 0.5])
    >>> out
    array([[-0.1, -0.5],
           [ 2. ,  3. ]])
    """
    x = as_float_array(x, "x")
    alpha = as_float_array(alpha, "alpha")
    _check_prelu_alpha(x, alpha)
    out = np.where(x > 0, x, alpha * x).astype(np.result_type(x, alpha), copy=False)
    return out, PReLUCache(x, alpha)


def prelu_backward(dout, cache):
    r"""Gradients of PReLU with respect to its input and its slopes.

    Parameters
    ----------
    dout : array_like, shape (N, M)
        Upstream gradient :math:`\partial L / \partial \mathrm{out}`.
    cache : PReLUCache
        From :func:`prelu_forward`.

    Returns
    -------
    dx : ndarray, shape (N, M)
        :math:`\partial L/\partial x_{nm} = g_{nm}\,(1 \text{ if } x_{nm} > 0 \text{ else } \alpha_m)`.
    dalpha : ndarray, shape (M,)
        :math:`\partial L/\partial \alpha_m = \sum_n g_{nm}\, x_{nm}\,\mathbb{1}[x_{nm} \le 0]`.

    Examples
    --------
    >>> out, cache = prelu_forward([[-1.0, 2.0]], [0.1, 0.5])
    >>> dx, dalpha = prelu_backward([[1.0, 1.0]], cache)
    >>> dx, dalpha
    (array([[0.1, 1. ]]), array([-1.,  0.]))
    """
    x, alpha = cache
    dout = as_float_array(dout, "dout")
    if dout.shape != x.shape:
        raise ValueError(f"dout must have the shape of x, {x.shape}; got {dout.shape}")
    positive = x > 0
    dx = dout * np.where(positive, 1, alpha)
    dalpha = (dout * np.where(positive, 0, x)).reshape(-1, x.shape[-1]).sum(axis=0)
    return dx, dalpha


@dataclass(frozen=True)
class Activation:
    """One elementwise activation in the registry.

    Attributes
    ----------
    name : str
        Registry key, also the function's name.
    fn : callable
        ``fn(z) -> ndarray``, the activation.
    grad : callable
        ``grad(z) -> ndarray``, its derivative with respect to `z`.
    zero_centred : bool
        Whether outputs are symmetric around 0 (tanh) or not (sigmoid, ReLU).
    saturates : bool
        Whether the derivative goes to 0 in a tail (sigmoid, tanh).
    """

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    zero_centred: bool
    saturates: bool

    def __call__(self, z):
        return self.fn(z)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", sigmoid, sigmoid_grad, zero_centred=False, saturates=True),
        Activation("tanh", tanh, tanh_grad, zero_centred=True, saturates=True),
        Activation("relu", relu, relu_grad, zero_centred=False, saturates=False),
        Activation("leaky_relu", leaky_relu, leaky_relu_grad, zero_centred=False, saturates=False),
    )
}


def get_activation(activation) -> Activation:
    """Return the registry record for a name, or the record itself.

    Parameters
    ----------
    activation : str or Activation
        A key of :data:`ACTIVATIONS` such as ``"relu"``.

    Returns
    -------
    Activation

    Raises
    ------
    KeyError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> get_activation("tanh").zero_centred
    True
    """
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except (KeyError, TypeError):
        raise KeyError(
            f"unknown activation {activation!r}; expected one of {sorted(ACTIVATIONS)} "
            "or an Activation record"
        ) from None
