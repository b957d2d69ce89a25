r"""Blocked numpy evaluation of the elementwise activations (private).

:mod:`nnkit.activations` states *what* each function computes; this module
says *how*, so that the public code stays a page of formulas. Large float32
and float64 arrays take the compiled loops of :mod:`nnkit._loops` instead
(see :mod:`nnkit._fused` for when); those perform the same operations in the
same order, so both give the same bits, and this module is the reference.

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
What blocking cannot remove is the arithmetic of the extra passes, and the
slow cast from a comparison's booleans to floats: that is what the compiled
loops save.

Why it is accurate
------------------
* Exponentials are taken of :math:`-|z|` (or :math:`-2|z|`), so they lie in
  :math:`(0, 1]`: nothing overflows, and an underflowing exponential is
  exactly the subnormal tail of the answer, rounded by ``np.exp`` (within
  0.69 ulp everywhere on this numpy).
* The sigmoid ends with one subtraction of a small correction from a value
  that is already nearly right (``n - n*w``), so the roundings inside the
  correction count for at most half their size: within 1.7 ulp, where the
  textbook quotients reach 2.45.
* The derivatives :math:`e/(1+e)^2` carry the denominator in double-double
  arithmetic and correct the quotient by its remainder (:func:`grad_core`):
  within 1.6 ulp, of which ``exp`` contributes most. Rounding
  :math:`1 + e(2+e)` and dividing reaches 2.5 ulp; squaring a rounded
  :math:`1 + e` reaches 4.1.
* float32 and float16 inputs are computed in float64 to about
  :math:`2^{-44}`, 20 bits finer, and rounded once on the way out: within
  0.5 ulp (plus a hair) of the exact result in the narrow type, subnormal
  results included.

``tests/test_accuracy.py`` holds every function to these bounds against
mpmath; ``benchmarks/accuracy.py`` prints the measured worst cases.
"""
from __future__ import annotations

import numpy as np

#: Elements per block: 32768 float64 = 256 kB per buffer; a kernel's buffers
#: (up to four) plus its blocks of z and out stay within a 2 MB L2 cache.
BLOCK = 32768

# ln 4 = LN4_HI + LN4_LO: LN4_HI has 41 significant bits (a multiple of
# 2**-40), so ``LN4_HI - x`` is exact for the x in [700, 8192) it meets below.
LN4_HI = float.fromhex("0x1.62e42fefa4000p+0")
LN4_LO = -3.447888905122967e-13
#: tanh' takes its far-tail form where the exponent -2|z| is below this.
TANH_GRAD_FAR = -700.0
#: tanh' caps |z| here before doubling it: tanh' is 0 long before, and -2|z| stays finite.
TANH_GRAD_CAP = 1e4
#: float32 input: exp(-|z|) is taken as 2**(|z| * MINUS_LOG2E); see _exp_narrow.
MINUS_LOG2E = -1.4426950408889634
#: Veltkamp's splitting constant 2**27 + 1, for exact products (see grad_core).
SPLIT = 134217729.0


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


def run_flat(fill, z: np.ndarray, out) -> np.ndarray:
    """Validate `out`, let ``fill(flat_z, flat_target)`` write the result, return `out`.

    `fill` gets 1-D C-contiguous views (a non-contiguous `z` is copied) and
    may assume the two do not overlap.
    """
    out = check_out(out, z.shape, z.dtype)
    # Writing into memory that is still to be read would corrupt later blocks
    # (and ``z`` itself for in-place calls): compute aside, then copy.
    target = out
    if not out.flags.c_contiguous or np.may_share_memory(z, out):
        target = np.empty(z.shape, z.dtype)
    fill(z.reshape(-1), target.reshape(-1))
    if target is not out:
        np.copyto(out, target)
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
    work = np.promote_types(z.dtype, np.float64)  # long double stays long double
    wide = widen and work != z.dtype

    def fill(flat_z, flat_o):
        scratch = [np.empty(min(BLOCK, flat_z.size), work) for _ in range(n_scratch + wide)]
        for start in range(0, flat_z.size, BLOCK):
            zb, ob = flat_z[start:start + BLOCK], flat_o[start:start + BLOCK]
            bufs = [s[: zb.size] for s in scratch]
            if wide:
                kernel(zb, bufs[-1], *bufs[:-1])
                ob[...] = bufs[-1]  # the one rounding to the narrow type
            else:
                kernel(zb, ob, *bufs)

    return run_flat(fill, z, out)


# --- kernels: ``(z block, out block, *float64 scratch)``; read z before writing out.
# Constants are 0-d float64 arrays: a ufunc converts a Python float on every
# call, which costs about as much as a pass over a small block.
_0, _1 = np.array(0.0), np.array(1.0)
_MINUS_LOG2E = np.array(MINUS_LOG2E)


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


def _exp_narrow(z, e):
    r"""``e = exp(-|z|)`` in float64 for float32/float16 `z`, as
    :math:`2^{-|z| \log_2 e}`: ``exp2`` is faster than ``exp``, and rounding
    the product moves the result by under :math:`2^{-44}` relatively wherever
    it is not 0 in float32 (:math:`|z| < 104`), far below float32's
    :math:`2^{-24}`. Nothing overflows: the exponent is at most 0."""
    np.abs(z, out=e)
    np.multiply(e, _MINUS_LOG2E, out=e)
    np.exp2(e, out=e)


def _reciprocal_narrow(e, y, d):
    r"""``y = 1/(1 + e)`` to within :math:`2^{-45}` relatively, without a
    float64 division (three times slower than a float32 one): a float32
    quotient, good to :math:`2^{-23}`, then one Newton step
    :math:`y \leftarrow y + y(1 - d y)` with :math:`d = 1 + e`, which squares
    the error. `d` is scratch."""
    np.add(e, _1, out=d)
    y[...] = np.float32(1) / d.astype(np.float32)
    np.multiply(d, y, out=d)
    np.subtract(_1, d, out=d)
    np.multiply(y, d, out=d)
    np.add(y, d, out=y)


def sigmoid_narrow_block(z, out, e, n, y, d):
    r"""``out = sigmoid(z) = n/(1 + e)`` with :math:`e = e^{-|z|}` and
    :math:`n = 1` for :math:`z \ge 0`, :math:`e` otherwise, for
    float32/float16 `z`. Computed in float64 to about :math:`2^{-44}`, 20
    bits finer than float32, so the rounding into `out` is the only visible
    error (0.5 ulp), subnormal results included."""
    _exp_narrow(z, e)
    np.greater_equal(z, _0, out=n)
    np.maximum(e, n, out=n)  # n, as in sigmoid_block
    _reciprocal_narrow(e, y, d)
    np.multiply(n, y, out=out)


def sigmoid_grad_narrow_block(z, out, e, y, d):
    r"""``out = sigmoid'(z) = e/(1+e)^2 = (e y) y`` with :math:`e = e^{-|z|}`
    and :math:`y = 1/(1+e)`, for float32/float16 `z`, in float64 as in
    :func:`sigmoid_narrow_block`."""
    _exp_narrow(z, e)
    _reciprocal_narrow(e, y, d)
    np.multiply(e, y, out=d)
    np.multiply(d, y, out=out)


def sigmoid_grad_block(z, out, e):
    r"""``out = sigmoid'(z) = e/(1+e)^2`` with :math:`e = e^{-|z|}`, by
    :func:`grad_core`."""
    np.abs(z, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    out[...] = grad_core(e)


def _split(x):
    """Veltkamp's split: ``x = hi + lo`` with 26-bit halves, so ``hi*hi``, ``hi*lo``... are exact."""
    c = SPLIT * x
    hi = c - (c - x)
    return hi, x - hi


def grad_core(e):
    r"""``e/(1+e)^2`` for `e` in :math:`[0, 1]`, within 0.5 ulp of the exact
    quotient of the float64 `e` (plus a hair).

    Rounding :math:`1 + e(2+e)` and dividing costs up to 2.5 ulp, too much
    once ``exp``'s own 0.69 ulp is added. So the denominator is carried
    as a double-double (Dekker's exact sums and products): :math:`1 + e =
    s + s_{lo}` exactly, :math:`s^2 = p + p_{lo}` exactly, and
    :math:`(1+e)^2 = p + d_{lo}` to about :math:`2^{-104}`. The quotient
    :math:`q = e/p` is then corrected by its remainder
    :math:`r = e - q (p + d_{lo})`, with :math:`q p` again an exact product.
    About forty operations, all on numbers in cache.

    Written with operators only, so that it works on arrays here and on
    scalars in the compiled loops of :mod:`nnkit._loops`, which compile this
    very function.
    """
    s = 1.0 + e
    s_lo = e - (s - 1.0)
    s_hi, s_low = _split(s)
    p = s * s
    p_lo = ((s_hi * s_hi - p) + 2.0 * s_hi * s_low) + s_low * s_low
    d_lo = p_lo + 2.0 * s * s_lo
    q = e / p
    q_hi, q_low = _split(q)
    p_hi, p_low = _split(p)
    qp = q * p
    qp_lo = ((q_hi * p_hi - qp) + q_hi * p_low + q_low * p_hi) + q_low * p_low
    r = ((e - qp) - qp_lo) - q * d_lo
    return q + r / p


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
    r"""``out = 4e/(1+e)^2`` with :math:`e = e^{-2|z|}`, by :func:`grad_core`.
    Where :math:`e` would be subnormal, ``4*e`` would carry e's absolute
    rounding error times four, so there :math:`4e^{-2|z|} = e^{\ln 4 - 2|z|}`
    is taken in one ``exp``, with :math:`\ln 4` split so that the argument is
    exact."""
    np.abs(z, out=e)
    np.minimum(e, TANH_GRAD_CAP, out=e)
    np.multiply(e, -2.0, out=e)
    far = e < TANH_GRAD_FAR
    tail = np.exp(LN4_HI + e[far]) if far.any() else None
    np.exp(e, out=e)
    np.multiply(grad_core(e), 4.0, out=out)
    if tail is not None:
        out[far] = tail + tail * LN4_LO  # times e**LN4_LO, one rounding


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
