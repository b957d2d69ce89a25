"""The compiled loops (nnkit._loops) against the numpy kernels, and when each runs.

The loops promise the numpy kernels' results bit for bit, so the accuracy
tests of either hold for both; here that promise is checked on inputs that
reach every branch: both tails, the subnormal range, huge values, signed
zeros, infinities and nan.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnkit import _fused
from nnkit import activations as act

FUSED = {
    "sigmoid": act.sigmoid,
    "sigmoid_grad": act.sigmoid_grad,
    "tanh_grad": act.tanh_grad,
    "relu_grad": act.relu_grad,
    **{f"leaky_relu alpha={a}": (lambda z, out=None, a=a: act.leaky_relu(z, a, out=out))
       for a in (0.0, 0.01, 0.3, 1.0)},
    **{f"leaky_relu_grad alpha={a}": (lambda z, out=None, a=a: act.leaky_relu_grad(z, a, out=out))
       for a in (0.0, 0.01, 0.3, 1.0)},
}


def awkward_inputs(dtype) -> np.ndarray:
    """Random values over every scale and sign, plus the special values, longer than a block."""
    rng = np.random.default_rng(61)
    info = np.finfo(dtype)
    scales = np.ldexp(1.0, rng.integers(info.minexp - info.nmant, info.maxexp, 40000))
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, info.tiny, -info.tiny,
                info.smallest_subnormal, -info.smallest_subnormal, info.max, -info.max,
                700.0, 350.0, -350.0, -745.1, -88.7, -103.9, 1e4, -1e4]
    parts = [rng.uniform(-5, 5, 30000), rng.uniform(-800, 800, 20000),
             rng.uniform(-1, 1, 40000) * scales, specials]
    with np.errstate(over="ignore"):  # float64 scales beyond float32's range become inf
        return np.concatenate([np.asarray(p, np.float64) for p in parts]).astype(dtype)


def run_with(kernels: str, fn, z, monkeypatch, **kw):
    with monkeypatch.context() as m:
        m.setenv("NNKIT_KERNELS", kernels)
        m.setattr(_fused, "MIN_SIZE", 0)
        return fn(z, **kw)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(FUSED))
@pytest.mark.usefixtures("numba_required")
def test_compiled_loops_give_the_numpy_kernels_bits(name, dtype, monkeypatch):
    z = awkward_inputs(dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow is expected
        reference = run_with("numpy", FUSED[name], z, monkeypatch)
        compiled = run_with("compiled", FUSED[name], z, monkeypatch)
    assert compiled.dtype == reference.dtype == z.dtype
    nan = np.isnan(reference)
    np.testing.assert_array_equal(np.isnan(compiled), nan)
    unsigned = {4: np.uint32, 8: np.uint64}[z.itemsize]
    differ = np.flatnonzero(reference.view(unsigned)[~nan] != compiled.view(unsigned)[~nan])
    assert differ.size == 0, (
        f"{name} differs at z = {z[~nan][differ[:5]]}: "
        f"numpy {reference[~nan][differ[:5]]}, compiled {compiled[~nan][differ[:5]]}")


@pytest.mark.usefixtures("numba_required")
def test_the_yardstick_sees_one_bit(monkeypatch):
    # The comparison above is on bits: a result one ulp away must fail it.
    z = awkward_inputs(np.float64)
    reference = run_with("numpy", act.sigmoid, z, monkeypatch)
    nudged = reference.copy()
    nudged[123] = np.nextafter(nudged[123], np.inf)
    assert (reference.view(np.uint64) != nudged.view(np.uint64)).sum() == 1


class TestWhichKernelsRun:
    def test_small_arrays_and_other_dtypes_take_numpy(self, monkeypatch):
        monkeypatch.setenv("NNKIT_KERNELS", "auto")
        assert _fused.loops_for(np.zeros(_fused.MIN_SIZE - 1)) is None
        assert _fused.loops_for(np.zeros(_fused.MIN_SIZE, np.float16)) is None
        assert _fused.loops_for(np.zeros(_fused.MIN_SIZE, np.longdouble)) is None

    @pytest.mark.usefixtures("numba_required")
    def test_large_arrays_take_the_loops(self, monkeypatch):
        monkeypatch.setenv("NNKIT_KERNELS", "auto")
        loops = _fused.loops_for(np.zeros(_fused.MIN_SIZE, np.float32))
        assert loops is not None and loops.__name__ == "nnkit._loops"
        calls = []
        monkeypatch.setattr(loops, "neg_abs", lambda z, t: calls.append(z.size) or np.negative(np.abs(z), out=t))
        act.sigmoid(np.zeros(_fused.MIN_SIZE + 5))
        assert calls == [_fused.MIN_SIZE, 5]  # one call per block: the public function used them

    def test_the_environment_can_force_numpy(self, monkeypatch):
        monkeypatch.setenv("NNKIT_KERNELS", "numpy")
        assert _fused.loops_for(np.zeros(10 * _fused.MIN_SIZE)) is None

    def test_a_misspelt_choice_says_what_is_allowed(self, monkeypatch):
        monkeypatch.setenv("NNKIT_KERNELS", "fast")
        with pytest.raises(ValueError, match="auto.*numpy.*compiled"):
            act.sigmoid(np.zeros(3))

    def test_without_numba_auto_falls_back_and_compiled_says_why(self, monkeypatch):
        monkeypatch.setattr(_fused, "_loops", False)  # as after a failed import
        big = np.linspace(-5, 5, _fused.MIN_SIZE)
        monkeypatch.setenv("NNKIT_KERNELS", "auto")
        np.testing.assert_array_equal(act.relu_grad(big), big > 0)
        monkeypatch.setenv("NNKIT_KERNELS", "compiled")
        with pytest.raises(ImportError, match="pip install numba"):
            act.relu_grad(big)


def test_a_broken_numba_is_reported_once(monkeypatch):
    # numba present but failing to import (say, built for another numpy): warn, then use numpy.
    import importlib

    real_import = importlib.import_module

    def failing(name, *args):
        if name == "nnkit._loops":
            raise ImportError("Numba needs NumPy 2.3 or less")
        return real_import(name, *args)

    monkeypatch.setattr(_fused, "_loops", None)
    monkeypatch.setattr(_fused.importlib, "import_module", failing)
    monkeypatch.setattr(_fused.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setenv("NNKIT_KERNELS", "auto")
    big = np.linspace(-5, 5, _fused.MIN_SIZE)
    with pytest.warns(UserWarning, match="numba is installed but does not import.*NumPy 2.3"):
        np.testing.assert_array_equal(act.relu_grad(big), big > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        act.relu_grad(big)  # once only
