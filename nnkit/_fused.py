r"""When nnkit runs its compiled loops instead of numpy passes (private).

numpy cannot fuse: a formula of nine ufuncs is nine passes over the data, and
turning a comparison into 0.0/1.0 goes through a slow cast. Blocking
(:mod:`nnkit._kernels`) keeps those passes in cache, which is enough to beat
SciPy's sigmoid in float64 but not to bring ``relu_grad`` within 1.3x of
``np.maximum`` or the float32 sigmoid under 0.7x of SciPy's. The loops of
:mod:`nnkit._loops`, compiled by numba, do each of those functions in one
pass (three around numpy's vectorised exponential) and give the same bits
as the numpy kernels.

They are used for arrays of at least :data:`MIN_SIZE` elements, in float32 or
float64, when numba can be imported. Smaller arrays (lessons, explorers, the
grader's cases) take the numpy kernels, which then run in cache anyway and
never wait for a compilation. The environment variable ``NNKIT_KERNELS``
overrides the choice:

``auto`` (default)
    compiled loops for large arrays when numba is installed, numpy otherwise;
``numpy``
    always the numpy kernels (the grader's sandbox sets this: untrusted code
    never compiles, nor writes a compilation cache);
``compiled``
    like ``auto``, but a missing numba is an error instead of a fallback.

Compiled code is cached on disk (numba's ``cache=True``, beside the sources or
in the user's cache directory), so each loop compiles once per machine, in
about a second on first use.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import warnings

import numpy as np

from . import _kernels

#: Smallest array that takes the compiled loops: one block, 256 kB of float64.
#: Below it every numpy pass runs in the L1/L2 cache and fusing saves
#: microseconds, less than one compilation costs.
MIN_SIZE = _kernels.BLOCK

_CHOICES = ("auto", "numpy", "compiled")
_loops = None  # nnkit._loops once imported; False when numba is missing


def _compiled_loops():
    """The module of compiled loops, or None when numba cannot be imported."""
    global _loops
    if _loops is None:
        try:
            _loops = importlib.import_module("nnkit._loops")
        except ImportError as exc:
            _loops = False
            if importlib.util.find_spec("numba") is not None:  # installed, yet broken: say so once
                warnings.warn(f"numba is installed but does not import ({exc}); nnkit runs its "
                              "numpy kernels, which are slower on large arrays", stacklevel=4)
    return _loops or None


def choice() -> str:
    """The value of ``NNKIT_KERNELS``, checked."""
    value = os.environ.get("NNKIT_KERNELS", "auto")
    if value not in _CHOICES:
        raise ValueError(f"NNKIT_KERNELS must be one of {_CHOICES}, got {value!r}")
    return value


def loops_for(z: np.ndarray):
    """The compiled loops if `z` should use them, else None (use the numpy kernels)."""
    wanted = choice()  # first, so that a misspelt value fails at once, on any array
    if wanted == "numpy" or z.size < MIN_SIZE or z.dtype not in (np.float32, np.float64):
        return None
    loops = _compiled_loops()
    if loops is None and wanted == "compiled":
        raise ImportError("NNKIT_KERNELS=compiled needs numba: python -m pip install numba")
    return loops


def via_exp(first, exp, last):
    """A ``fill`` for :func:`nnkit._kernels.run_flat` that runs, block by block,
    ``first(z, t)``, ``exp(t, out=t)`` and ``last(z, t, out)`` with one float64
    scratch block `t`."""
    def fill(z, out):
        t = np.empty(min(_kernels.BLOCK, z.size))
        for start in range(0, z.size, _kernels.BLOCK):
            zb, ob = z[start:start + _kernels.BLOCK], out[start:start + _kernels.BLOCK]
            tb = t[:zb.size]
            first(zb, tb)
            exp(tb, out=tb)
            last(zb, tb, ob)
    return fill


# --- one function per activation: ``(loops, z, out[, alpha]) -> out``, out= as validated
# by run_flat; the activation in nnkit.activations has already converted z.

def _through_exp(z, out, wide, narrow):
    """Run the ``(first, exp, last)`` plan for `z`'s width (float64: `wide`)."""
    plan = narrow if _kernels.is_narrow(z.dtype) else wide
    return _kernels.run_flat(via_exp(*plan), z, out)


def sigmoid(loops, z, out):
    return _through_exp(z, out, wide=(loops.neg_abs, np.exp, loops.sigmoid_from_exp),
                        narrow=(loops.neg_abs_log2e, np.exp2, loops.sigmoid_narrow_from_exp))


def sigmoid_grad(loops, z, out):
    return _through_exp(z, out, wide=(loops.neg_abs, np.exp, loops.sigmoid_grad_from_exp),
                        narrow=(loops.neg_abs_log2e, np.exp2, loops.sigmoid_grad_narrow_from_exp))


def tanh_grad(loops, z, out):
    plan = (loops.tanh_grad_exp_arg, np.exp, loops.tanh_grad_from_exp)  # float64 inside for both
    return _through_exp(z, out, wide=plan, narrow=plan)


def relu_grad(loops, z, out):
    return leaky_relu_grad(loops, z, out, 0.0)


def leaky_relu(loops, z, out, alpha):
    return _kernels.run_flat(lambda zf, of: loops.leaky_relu(zf, of, of.dtype.type(alpha)), z, out)


def leaky_relu_grad(loops, z, out, alpha):
    def fill(zf, of):
        loops.slope(zf, of, of.dtype.type(alpha), of.dtype.type(1))
    return _kernels.run_flat(fill, z, out)
