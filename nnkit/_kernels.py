r"""Blocked, fused evaluation of the elementwise activations (private).

:mod:`nnkit.activations` states *what* each function computes; this module
says *how*, so that the public code stays a page of formulas.

Why it is fast
--------------
numpy runs an expression one operation at a time, and each operation is a full
pass over its operands. On an array of :math:`10^7` float64 values (80 MB) a
formula of nine operations makes nine round trips to main memory, and memory,
not arithmetic, sets the time. :func:`elementwise` cuts the input into blocks of
:data:`BLOCK` elements (256 kB of float64, which fits in the L2 cache) and runs
the whole formula on one block before moving on, in preallocated scratch
buffers, writing with ``out=`` everywhere. Main memory then sees one read of
`z` and one write of the result, as in a single C loop; the other passes hit
the cache. Blocks are large enough that the Python loop and the per-call cost
of the ufuncs (about half a microsecond each) stay small next to the work.

Why it is accurate
------------------
* Exponentials are taken of :math:`-|z|` (or :math:`-2|z|`), so they lie in
  :math:`(0, 1]`: nothing overflows, and an underflowing exponential is
  exactly the subnormal tail of the answer, correctly rounded by ``np.exp``
  (within 0.66 ulp everywhere on this numpy).
* The sigmoid ends with one subtraction of a small correction from a value
  that is already nearly right (``n - n*w``), so the roundings inside the
  correction count for at most half their size: within 1.7 ulp, where the
  textbook quotients reach 2.45. The derivatives are quotients
  ``e/(1 + e(2+e))`` (within 2.5 ulp; squaring a rounded ``1 + e`` reaches 4.1).
* float32 and float16 inputs are computed in float64, 29 bits finer, and
  rounded once on the way out: within 0.5 ulp (plus a hair) of the exact
  result in the narrow type, subnormal results included. There the cheap
  float64 formula is good enough, and is what the float32 kernels use.

``tests/test_accuracy.py`` holds every function to these bounds against
mpmath; ``benchmarks/accuracy.py`` prints the measured worst cases.
"""
from __future__ import annotations

import numpy as np

#: Elements per block: 32768 float64 = 256 kB per buffer; a kernel's two or
#: three buffers plus its blocks of z and out stay within a 2 MB L2 cache.
BLOCK = 32768

# ln 4 = _LN4_HI + _LN4_LO: _LN4_HI has 41 significant bits (a multiple of
# 2**-40), so ``_LN4_HI - x`` is exact for the x in [700, 8192) it meets below.
_LN4_HI = float.fromhex("0x1.62e42fefa4000p+0")
_LN4_LO = -3.447888905122967e-13


def is_narrow(dtype) -> bool:
    """True for float32 and float16, which are computed in float64."""
    return np.dtype(dtype).itemsize < 8


def check_out(out, shape, dtype) -> np.ndarray:
    """Validate a caller's ``out=`` array, or allocate one when it is None."""
    if out is None:
        return np.empty(shape, dtype)
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy ndarray, got {type(out).__name__}")
    if out.shape != tuple(shape):
        raise ValueError(f"out must have the input's shape {tuple(shape)}, got {out.shape}")
    if out.dtype != dtype:
        raise TypeError(f"out must have dtype {dtype} (the result's dtype), got {out.dtype}")
    if not out.flags.writeable:
        raise ValueError("out must be writeable")
    return out


def elementwise(kernel, z: np.ndarray, out, *, n_scratch: int, widen: bool) -> np.ndarray:
    r"""Run ``kernel`` over `z` block by block and return the filled `out`.

    Parameters
    ----------
    kernel : callable
        ``kernel(zb, ob, *scratch)`` computes one block: `zb` is a 1-D block of
        the input, `ob` the matching block of the output, and `scratch` are
        float64 buffers of the same length (long double for long double
        input). When `widen` is true and `z` is narrower than float64, `ob` is
        a float64 buffer whose result is rounded into the output afterwards.
    z : ndarray, any shape, floating dtype
    out : ndarray or None
        Validated by :func:`check_out`; allocated when None.
    n_scratch : int
        How many scratch buffers the kernel needs.
    widen : bool
        Compute in float64 even when `z` is narrower (float32, float16).

    Returns
    -------
    ndarray, shape and dtype of `z`
    """
    out = check_out(out, z.shape, z.dtype)
    # Writing into memory that is still to be read would corrupt later blocks
    # (and ``z`` itself for in-place calls): compute aside, then copy.
    target = out
    if not out.flags.c_contiguous or np.may_share_memory(z, out):
        target = np.empty(z.shape, z.dtype)
    flat_z, flat_o = z.reshape(-1), target.reshape(-1)
    n = flat_z.size
    work = np.promote_types(z.dtype, np.float64)  # long double stays long double
    wide = widen and work != z.dtype
    scratch = [np.empty(min(BLOCK, n), work) for _ in range(n_scratch + wide)]
    for start in range(0, n, BLOCK):
        zb, ob = flat_z[start:start + BLOCK], flat_o[start:start + BLOCK]
        bufs = [s[: zb.size] for s in scratch]
        if wide:
            kernel(zb, bufs[-1], *bufs[:-1])
            ob[...] = bufs[-1]  # the one rounding to the narrow type
        else:
            kernel(zb, ob, *bufs)
    if target is not out:
        np.copyto(out, target)
    return out


# --- kernels: ``(z block, out block, *float64 scratch)``; read z before writing out.
# Constants are 0-d float64 arrays: a ufunc converts a Python float on every
# call, which costs about as much as a pass over a small block.
_0, _1, _2 = (np.array(c) for c in (0.0, 1.0, 2.0))
_MINUS_LOG2E, _CAP = np.array(-1.4426950408889634), np.array(200 * 1.4426950408889634)


def sigmoid_block(z, out, e, n):
    r"""``out = sigmoid(z)`` as :math:`n - n w`, with :math:`e = e^{-|z|}`,
    :math:`w = e/(1+e) = \sigma(-|z|)` and numerator :math:`n = 1` for
    :math:`z \ge 0`, :math:`e` for :math:`z < 0`. The correction :math:`n w`
    is at most as large as the result (:math:`w \le 1/2`), and mostly much
    smaller, so the two roundings inside :math:`w` are scaled down by
    :math:`w/(1-w)` before they reach it. Nine passes; none overflows."""
    np.abs(z, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.greater_equal(z, _0, out=n)  # 1.0 or 0.0 (0.0 for nan)
    np.maximum(e, n, out=n)  # n: 1 where z >= 0, e where z < 0, nan stays nan
    np.add(e, _1, out=out)
    np.divide(e, out, out=e)
    np.multiply(n, e, out=e)
    np.subtract(n, e, out=out)


def _exp_minus_narrow(z, t):
    r"""``t = exp(-z)`` in float64 for float32/float16 `z`, as
    :math:`2^{-z \log_2 e}`: ``exp2`` is faster than ``exp``, and the rounding
    of the product moves the result by under :math:`10^{-13}` relatively for
    every float32 input where the result matters (:math:`|z| < 200`), far
    below float32's :math:`6 \cdot 10^{-8}`. Where the input is more negative
    than -200 the exponent is capped at that value so nothing overflows: the
    sigmoid and its derivative there are below :math:`10^{-86}`, 0 in
    float32."""
    np.multiply(z, _MINUS_LOG2E, out=t)
    if not np.minimum.reduce(z) >= -200:  # rare (or nan): cap only when needed
        np.minimum(t, _CAP, out=t)
    np.exp2(t, out=t)


def sigmoid_narrow_block(z, out, t):
    r"""``out = sigmoid(z) = 1/(1 + e^{-z})`` for float32/float16 `z`, computed
    in float64 (the plain quotient is within 2.5 ulp of float64, 29 bits finer
    than float32), so the rounding into `out` is the only visible error."""
    _exp_minus_narrow(z, t)
    np.add(t, _1, out=t)
    np.divide(_1, t, out=out)


def sigmoid_grad_narrow_block(z, out, t, d):
    r"""``out = sigmoid'(z) = t/(1+t)^2`` with :math:`t = e^{-z}`, for
    float32/float16 `z`, in float64 as in :func:`sigmoid_narrow_block`
    (with the cap, :math:`(1 + t)^2` stays finite)."""
    _exp_minus_narrow(z, t)
    np.add(t, _1, out=d)
    np.multiply(d, d, out=d)
    np.divide(t, d, out=out)


def sigmoid_grad_block(z, out, e):
    r"""``out = sigmoid'(z) = e/(1+e)^2`` with :math:`e = e^{-|z|}`; the square
    is formed as :math:`1 + e(2+e)`, one rounding fewer than squaring a rounded
    :math:`1+e`."""
    np.abs(z, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.add(e, _2, out=out)
    np.multiply(out, e, out=out)
    np.add(out, _1, out=out)
    np.divide(e, out, out=out)


def log_sigmoid_block(z, out, e):
    r"""``out = min(z, 0) - log1p(e^{-|z|})``: both terms have the same sign, so
    nothing cancels."""
    np.abs(z, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.log1p(e, out=e)
    np.minimum(z, 0.0, out=out)
    np.subtract(out, e, out=out)


def tanh_block(z, out):
    """``out = tanh(z)``; numpy's own tanh is within 1.2 ulp in float64. The
    loop is forced to float64 (``dtype=``): given float32 input numpy would
    otherwise pick its float32 loop, which is only within 1.3 ulp of float32."""
    np.tanh(z, out=out, dtype=out.dtype)


def tanh_grad_block(z, out, e):
    r"""``out = 4e/(1+e)^2`` with :math:`e = e^{-2|z|}`. Where :math:`e` would
    be subnormal, ``4*e`` would carry e's absolute rounding error times four,
    so there :math:`4e^{-2|z|} = e^{\ln 4 - 2|z|}` is taken in one ``exp``,
    with :math:`\ln 4` split so that the argument is exact."""
    np.abs(z, out=e)
    np.minimum(e, 1e4, out=e)  # tanh' is 0 long before; keeps -2|z| finite
    np.multiply(e, -2.0, out=e)
    far = e < -700.0
    tail = np.exp(_LN4_HI + e[far]) if far.any() else None
    np.exp(e, out=e)
    np.add(e, 2.0, out=out)
    np.multiply(out, e, out=out)
    np.add(out, 1.0, out=out)
    np.divide(e, out, out=out)
    np.multiply(out, 4.0, out=out)
    if tail is not None:
        out[far] = tail + tail * _LN4_LO  # times e**_LN4_LO, one rounding


def _fix_nan(z, out):
    """Comparisons send nan to 0; put the nan back (a cheap check first)."""
    if np.isnan(np.minimum.reduce(z)):
        nan = np.isnan(z)
        out[nan] = z[nan]


def relu_grad_block(z, out):
    """``out = 1.0 where z > 0 else 0.0``, nan kept."""
    np.greater(z, 0.0, out=out)
    _fix_nan(z, out)


def leaky_relu_block(alpha):
    """``out = max(z, alpha*z)``, which is Leaky ReLU for ``0 <= alpha <= 1``."""
    def kernel(z, out):
        np.multiply(z, alpha, out=out)
        np.maximum(z, out, out=out)
    return kernel


def leaky_relu_grad_block(alpha):
    """``out = max(1[z > 0], alpha)``, the slope for ``0 <= alpha <= 1``, nan kept."""
    def kernel(z, out):
        np.greater(z, 0.0, out=out)
        np.maximum(out, alpha, out=out)
        _fix_nan(z, out)
    return kernel
