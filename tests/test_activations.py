"""Tests of nnkit.activations: fixed values, gradient checks, properties, special values."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnkit import activations as A
from nnkit.gradcheck import check_elementwise_gradient, check_gradient

REGISTRY = list(A.ACTIVATIONS.values())
finite = st.floats(-1e300, 1e300, allow_nan=False)
finite_arrays = arrays(np.float64, st.integers(1, 20), elements=finite)
EPS = np.finfo(np.float64).eps
strict = dict(over="raise", invalid="raise", divide="raise")  # not under: sigmoid(-1000) underflows to 0


class TestFixedValues:
    def test_sigmoid(self):
        # sigma(ln 3) = 3/4 and sigma(-ln 3) = 1/4 exactly in real arithmetic.
        z = [0.0, math.log(3), -math.log(3)]
        np.testing.assert_allclose(A.sigmoid(z), [0.5, 0.75, 0.25], rtol=1e-15)

    def test_sigmoid_grad(self):
        np.testing.assert_allclose(A.sigmoid_grad([0.0, math.log(3)]), [0.25, 0.75 * 0.25], rtol=1e-15)

    def test_tanh_and_grad(self):
        # tanh(ln 2) = 3/5, so tanh'(ln 2) = 1 - 9/25 = 16/25.
        np.testing.assert_allclose(A.tanh([math.log(2)]), [0.6], rtol=1e-15)
        np.testing.assert_allclose(A.tanh_grad([0.0, math.log(2)]), [1.0, 0.64], rtol=1e-15)

    def test_relu_family(self):
        z = np.array([-2.0, -0.0, 0.0, 3.0])
        np.testing.assert_array_equal(A.relu(z), [0, 0, 0, 3])
        np.testing.assert_array_equal(A.relu_grad(z), [0, 0, 0, 1])
        np.testing.assert_array_equal(A.leaky_relu(z, alpha=0.5), [-1, 0, 0, 3])
        np.testing.assert_array_equal(A.leaky_relu_grad(z, alpha=0.5), [0.5, 0.5, 0.5, 1])

    def test_log_sigmoid(self):
        np.testing.assert_allclose(A.log_sigmoid([0.0, math.log(3)]), [math.log(0.5), math.log(0.75)], rtol=1e-15)

    def test_tanh_is_a_scaled_sigmoid(self):
        z = np.linspace(-20, 20, 401)
        np.testing.assert_allclose(A.tanh(z), 2 * A.sigmoid(2 * z) - 1, atol=1e-15)

    def test_prelu_values_and_gradients(self):
        x = np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 0.0]])
        alpha = np.array([0.1, 0.2, 0.3])
        out, cache = A.prelu_forward(x, alpha)
        np.testing.assert_allclose(out, [[-0.1, 2.0, -0.9], [4.0, -1.0, 0.0]])
        dx, dalpha = A.prelu_backward(np.ones_like(x), cache)
        np.testing.assert_allclose(dx, [[0.1, 1.0, 0.3], [1.0, 0.2, 0.3]])
        np.testing.assert_allclose(dalpha, [-1.0, -5.0, -3.0])


@pytest.mark.parametrize("act", REGISTRY, ids=lambda a: a.name)
class TestRegistryGradients:
    def test_full_check(self, act):
        z = np.random.default_rng(1).normal(0, 3, size=(7, 5))
        result = check_elementwise_gradient(act.fn, act.grad, z)
        assert result.passed, str(result)

    def test_fast_check(self, act):
        z = np.random.default_rng(2).normal(0, 3, size=(200, 50))
        result = check_elementwise_gradient(act.fn, act.grad, z, fast=True)
        assert result.passed and result.n_evaluations == 2, str(result)

    def test_planted_error_is_caught(self, act):
        z = np.random.default_rng(3).normal(0, 3, size=(6, 4))
        result = check_elementwise_gradient(act.fn, lambda v: act.grad(v) * (1 + 1e-3), z)
        assert not result.passed
        assert result.max_rel_error > 1e-4

    def test_kink_at_zero_is_not_an_error(self, act):
        z = np.array([-1.0, 0.0, 1.0, -0.0, 1e-9])
        result = check_elementwise_gradient(act.fn, act.grad, z)
        assert result.passed, str(result)
        if act.name in ("relu", "leaky_relu"):
            assert (1,) in result.kinks and (3,) in result.kinks


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("act", REGISTRY, ids=lambda a: a.name)
def test_dtype_and_shape_preserved(act, dtype):
    z = np.linspace(-5, 5, 12, dtype=dtype).reshape(3, 4)
    for fn in (act.fn, act.grad):
        out = fn(z)
        assert out.dtype == dtype and out.shape == z.shape


@pytest.mark.parametrize("act", REGISTRY, ids=lambda a: a.name)
def test_ints_and_lists_become_float64(act):
    for value in ([1, -2, 3], np.array([1, -2, 3])):
        assert act.fn(value).dtype == np.float64
        assert act.grad(value).dtype == np.float64


@pytest.mark.parametrize("fn", [A.sigmoid, A.tanh, A.relu, A.sigmoid_grad])
def test_non_numbers_are_rejected(fn):
    with pytest.raises(TypeError, match="real numbers"):
        fn(np.array(["a", "b"]))


def test_leaky_alpha_must_be_a_finite_scalar():
    with pytest.raises(TypeError, match="alpha"):
        A.leaky_relu([1.0], alpha=[0.1, 0.2])
    with pytest.raises(ValueError, match="finite"):
        A.leaky_relu([1.0], alpha=float("nan"))


class TestPReLU:
    def test_gradient_wrt_input_and_alpha(self):
        rng = np.random.default_rng(4)
        x, alpha = rng.normal(size=(6, 3)), rng.uniform(0.05, 0.5, size=3)
        dout = rng.normal(size=(6, 3))
        _, cache = A.prelu_forward(x, alpha)
        dx, dalpha = A.prelu_backward(dout, cache)
        assert check_gradient(lambda v: A.prelu_forward(v, alpha)[0], x, dx, dout=dout).passed
        assert check_gradient(lambda a: A.prelu_forward(x, a)[0], alpha, dalpha, dout=dout).passed

    def test_alpha_shape_is_checked(self):
        with pytest.raises(ValueError, match=r"alpha must have shape \(M,\) = \(3,\)"):
            A.prelu_forward(np.ones((2, 3)), [0.1, 0.2])

    def test_dout_shape_is_checked(self):
        _, cache = A.prelu_forward(np.ones((2, 3)), [0.1, 0.2, 0.3])
        with pytest.raises(ValueError, match="dout must have the shape of x"):
            A.prelu_backward(np.ones((3, 2)), cache)

    def test_float32_stays_float32(self):
        out, cache = A.prelu_forward(np.ones((2, 2), np.float32), np.full(2, 0.1, np.float32))
        dx, dalpha = A.prelu_backward(np.ones((2, 2), np.float32), cache)
        assert out.dtype == dx.dtype == dalpha.dtype == np.float32


def test_registry_lookup():
    assert A.get_activation("relu") is A.ACTIVATIONS["relu"]
    assert A.get_activation(A.ACTIVATIONS["tanh"]).fn is A.tanh
    with pytest.raises(KeyError, match="expected one of"):
        A.get_activation("softsign")


class TestProperties:
    @given(finite_arrays)
    def test_sigmoid_range_and_symmetry(self, z):
        with np.errstate(**strict):
            s = A.sigmoid(z)
            assert np.all((s >= 0) & (s <= 1))
            np.testing.assert_allclose(A.sigmoid(-z), 1 - s, atol=1e-15)

    @given(finite_arrays)
    def test_tanh_is_odd_and_bounded(self, z):
        with np.errstate(**strict):
            np.testing.assert_array_equal(A.tanh(-z), -A.tanh(z))
            assert np.all(np.abs(A.tanh(z)) <= 1)

    @given(finite_arrays)
    def test_relu_is_idempotent(self, z):
        np.testing.assert_array_equal(A.relu(A.relu(z)), A.relu(z))

    @given(finite_arrays)
    def test_gradients_are_finite_and_in_range(self, z):
        with np.errstate(**strict):
            # The maxima 1/4 and 1 are reached only up to rounding (a few ulp).
            assert np.all((A.sigmoid_grad(z) >= 0) & (A.sigmoid_grad(z) <= 0.25 * (1 + 4 * EPS)))
            assert np.all((A.tanh_grad(z) >= 0) & (A.tanh_grad(z) <= 1 + 4 * EPS))
            assert np.all(np.isfinite(A.log_sigmoid(z)))

    @given(finite_arrays)
    def test_sigmoid_grad_matches_product_form(self, z):
        # sigma(z) * sigma(-z) = sigma(z) * (1 - sigma(z)), without the cancellation in 1 - sigma.
        np.testing.assert_allclose(A.sigmoid_grad(z), A.sigmoid(z) * A.sigmoid(-z), rtol=1e-14, atol=0)


class TestSpecialValues:
    def test_huge_inputs_stay_finite_without_warnings(self):
        z = np.array([-1000.0, 1000.0, -1e308, 1e308])
        with np.errstate(**strict):
            np.testing.assert_array_equal(A.sigmoid(z), [0, 1, 0, 1])
            np.testing.assert_array_equal(A.sigmoid_grad(z), [0, 0, 0, 0])
            np.testing.assert_array_equal(A.tanh_grad(z), [0, 0, 0, 0])
            np.testing.assert_array_equal(A.log_sigmoid(z), [-1000, 0, -1e308, 0])

    def test_tails_keep_relative_accuracy(self):
        # sigma(-700) = e^-700 / (1 + e^-700) and sigma'(700) = e^-700 to double precision.
        np.testing.assert_allclose(A.sigmoid([-700.0]), [math.exp(-700)], rtol=1e-14)
        np.testing.assert_allclose(A.sigmoid_grad([700.0]), [math.exp(-700)], rtol=1e-14)
        np.testing.assert_allclose(A.tanh_grad([300.0]), [4 * math.exp(-600)], rtol=1e-14)

    def test_infinities(self):
        z = np.array([-np.inf, np.inf])
        np.testing.assert_array_equal(A.sigmoid(z), [0, 1])
        np.testing.assert_array_equal(A.tanh(z), [-1, 1])
        np.testing.assert_array_equal(A.relu(z), [0, np.inf])
        np.testing.assert_array_equal(A.sigmoid_grad(z), [0, 0])
        np.testing.assert_array_equal(A.leaky_relu(z, 0.1), [-np.inf, np.inf])
        # alpha = 0 is ReLU: 0*inf must not turn into nan.
        with np.errstate(invalid="raise"):
            np.testing.assert_array_equal(A.leaky_relu(z, 0.0), [0, np.inf])

    @pytest.mark.parametrize("act", REGISTRY, ids=lambda a: a.name)
    def test_nan_propagates(self, act):
        assert np.isnan(act.fn(np.array([np.nan]))).all()
        assert np.isnan(act.grad(np.array([np.nan]))).all()

    def test_negative_zero_and_tiny(self):
        tiny = np.array([-0.0, 5e-324, -5e-324])
        np.testing.assert_array_equal(A.sigmoid(tiny), [0.5, 0.5, 0.5])
        np.testing.assert_array_equal(A.relu_grad(tiny), [0, 1, 0])
        np.testing.assert_array_equal(A.tanh(tiny), tiny)
