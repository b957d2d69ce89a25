r"""Compiled one-pass loops behind :mod:`nnkit._fused` (private; imports numba).

Each loop does what a numpy kernel of :mod:`nnkit._kernels` does (``slope``
for ``relu_grad_block`` and ``leaky_relu_grad_block``, ``sigmoid_from_exp``
for the end of ``sigmoid_block``, and so on) in one pass over the elements,
with the same floating-point operations in the same order. Compiled without fast-math, LLVM may vectorise
a loop but may not reassociate, contract into fused multiply-adds or replace a
division, so every result is bit for bit the numpy kernel's
(``tests/test_fused.py`` checks it). Exponentials are left to numpy: its
``exp`` and ``exp2`` are vectorised, and a loop calling the C library's
``exp`` one element at a time is about as slow as SciPy's ``expit``. So the
sigmoid family runs as three passes over a cache-sized block: the
exponential's argument here, ``np.exp`` or ``np.exp2``, then ``*_from_exp*``
here (every last pass takes ``(z, exponential, out)``).

Comparisons are written so that nan goes down the branch that keeps it:
``min(t, cap)`` in Python's sense would turn a nan into ``cap``.

The constants, and the derivative's core :func:`nnkit._kernels.grad_core`,
come from :mod:`nnkit._kernels`. numba's on-disk cache notices changes to
this file only, so after changing either there, delete
``nnkit/__pycache__/_loops.*`` (``tests/test_fused.py`` fails until then).
"""
from __future__ import annotations

import numba
import numba.extending
import numpy as np

from . import _kernels
from ._kernels import LN4_HI, LN4_LO, MINUS_LOG2E, TANH_GRAD_CAP, TANH_GRAD_FAR


#: IEEE division (``error_model="numpy"``): numba's default checks every
#: division for a zero divisor to raise ZeroDivisionError, which stops LLVM
#: from vectorising the loop.
_OPTIONS = {"nogil": True, "error_model": "numpy"}


def _jit(fn):
    """Compile lazily, caching the machine code on disk when a cache directory is writable."""
    try:
        return numba.njit(cache=True, **_OPTIONS)(fn)
    except RuntimeError:  # numba found no writable cache directory: compile in each process
        return numba.njit(**_OPTIONS)(fn)


# --- relu family: one pass, no exponential ---------------------------------------

@_jit
def slope(z, out, below, above):
    """``above`` where z > 0, ``below`` where z <= 0, nan kept: the derivative
    of ReLU (0, 1) and of Leaky ReLU (alpha, 1). `below` and `above` come in
    the output's dtype, so a float32 loop never widens to float64."""
    for i in range(z.size):
        x = z[i]
        step = above if x > 0 else below
        out[i] = step if x == x else x  # two flat selects vectorise best


@_jit
def leaky_relu(z, out, alpha):
    """``max(z, alpha*z)`` for ``0 <= alpha <= 1``; a nan input gives ``alpha*nan``."""
    for i in range(z.size):
        x = z[i]
        ax = alpha * x
        out[i] = x if x >= ax else ax


# --- first pass: the argument of the exponential, in float64 ---------------------

@_jit
def neg_abs(z, t):
    """``t = -|z|`` (sigmoid and sigmoid' in float64)."""
    for i in range(z.size):
        t[i] = -abs(np.float64(z[i]))


@_jit
def neg_abs_log2e(z, t):
    """``t = -|z| log2(e)`` in float64, so that ``2**t = exp(-|z|)`` (float32 input)."""
    for i in range(z.size):
        t[i] = abs(np.float64(z[i])) * MINUS_LOG2E


@_jit
def tanh_grad_exp_arg(z, t):
    """``t = -2|z|``, or ``ln 4 - 2|z|`` (high part of ln 4) where the result is subnormal."""
    for i in range(z.size):
        x = _two_abs_capped(z[i])
        t[i] = LN4_HI + x if x < TANH_GRAD_FAR else x


@numba.njit(inline="always", **_OPTIONS)
def _two_abs_capped(x):
    a = abs(np.float64(x))
    a = TANH_GRAD_CAP if a > TANH_GRAD_CAP else a
    return a * -2.0


# --- last pass: the result from z and the exponential ----------------------------

@_jit
def sigmoid_from_exp(z, e, out):
    """``n - n w`` with ``w = e/(1+e)``, ``n = 1`` for z >= 0 and e otherwise."""
    for i in range(z.size):
        ei = e[i]
        w = ei / (1.0 + ei)
        n = 1.0 if z[i] >= 0 else ei
        out[i] = n - n * w


@_jit
def sigmoid_narrow_from_exp(z, e, out):
    """``n/(1 + e)``, ``n`` as above, rounded once into the narrow output."""
    for i in range(z.size):
        ei = e[i]
        y = _reciprocal_narrow(ei)
        n = 1.0 if z[i] >= 0 else ei
        out[i] = n * y


@_jit
def sigmoid_grad_narrow_from_exp(z, e, out):
    """``(e y) y`` with ``y = 1/(1 + e)``, rounded once into the narrow output."""
    for i in range(z.size):
        ei = e[i]
        y = _reciprocal_narrow(ei)
        out[i] = (ei * y) * y


@numba.njit(inline="always", **_OPTIONS)
def _reciprocal_narrow(e):
    """``1/(1 + e)`` to 2**-45: a float32 quotient and one Newton step."""
    d = 1.0 + e
    y = np.float64(np.float32(1.0) / np.float32(d))
    return y + y * (1.0 - d * y)


@_jit
def sigmoid_grad_from_exp(z, e, out):
    for i in range(e.size):
        out[i] = _grad_core(e[i])


@_jit
def tanh_grad_from_exp(z, e, out):
    for i in range(z.size):
        ei = e[i]
        if _two_abs_capped(z[i]) < TANH_GRAD_FAR:
            out[i] = ei + ei * LN4_LO  # e**(ln 4 - 2|z|), times e**LN4_LO
        else:
            out[i] = _grad_core(ei) * 4.0


# One source for the derivative's core: numba compiles the numpy kernel's own
# scalar-safe function (plain arithmetic, no ufunc calls), so the two cannot drift.
numba.extending.register_jitable(_kernels._split)
_grad_core = numba.njit(inline="always", **_OPTIONS)(_kernels.grad_core)
