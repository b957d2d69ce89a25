"""Tests of nnkit.gradcheck: the checker must catch errors and only errors."""
import numpy as np
import pytest

from nnkit.activations import relu, relu_grad, sigmoid, sigmoid_grad
from nnkit.gradcheck import (
    check_elementwise_gradient, check_gradient, numerical_gradient,
    numerical_gradient_array, relative_error,
)

rng = np.random.default_rng(0)


def cubic(v):
    return np.sum(v ** 3) + np.sum(np.sin(v))


def cubic_grad(v):
    return 3 * v ** 2 + np.cos(v)


class TestNumericalGradient:
    def test_matches_calculus(self):
        x = rng.normal(size=(3, 4))
        np.testing.assert_allclose(numerical_gradient(cubic, x), cubic_grad(x), rtol=1e-8)

    def test_array_version_projects_on_dout(self):
        x, dout = rng.normal(size=5), rng.normal(size=5)
        np.testing.assert_allclose(numerical_gradient_array(np.sin, x, dout), np.cos(x) * dout, rtol=1e-8)

    def test_inputs_are_not_modified(self):
        x = np.float32([1.0, 2.0])
        before = x.copy()
        numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
        np.testing.assert_array_equal(x, before)
        assert x.dtype == np.float32

    def test_array_valued_f_without_dout_is_refused(self):
        with pytest.raises(ValueError, match="pass dout"):
            numerical_gradient(np.sin, [1.0, 2.0])


class TestRelativeError:
    def test_values(self):
        assert relative_error([1.0], [1.0]) == 0.0
        assert relative_error([1.0, 3.0], [1.0, 1.0]) == pytest.approx(0.5)
        # Both near zero: compared through the floor, so tiny noise is not "100 % wrong".
        assert relative_error([1e-12], [2e-12]) == pytest.approx(1e-4)

    def test_shape_mismatch(self):
        with pytest.raises(ValueError, match="same shape"):
            relative_error([1.0, 2.0], [1.0])


class TestCheckGradient:
    def test_correct_gradient_passes(self):
        x = rng.normal(size=(4, 3))
        result = check_gradient(cubic, x, cubic_grad(x))
        assert result.passed and result.max_rel_error < 1e-8 and result.mode == "full"
        assert result.n_evaluations == 2 * x.size

    @pytest.mark.parametrize("fast", [False, True])
    def test_planted_relative_error_of_1e_3_fails(self, fast):
        x = rng.normal(size=(4, 3))
        result = check_gradient(cubic, x, cubic_grad(x) * (1 + 1e-3), fast=fast)
        assert not result.passed and result.max_rel_error > 1e-4

    def test_single_wrong_entry_is_located(self):
        x = rng.normal(size=(4, 3))
        grad = cubic_grad(x)
        grad[2, 1] *= 1.001
        result = check_gradient(cubic, x, grad)
        assert not result.passed and result.worst_index == (2, 1)

    def test_relu_kink_at_zero_is_reported_not_failed(self):
        z = np.array([-1.0, 0.0, 2.0, 0.0])
        result = check_elementwise_gradient(relu, relu_grad, z)
        assert result.passed and result.kinks == ((1,), (3,))

    def test_value_outside_both_slopes_at_a_kink_fails(self):
        z = np.array([0.0])
        result = check_gradient(lambda v: np.sum(relu(v)), z, np.array([1.5]))
        assert not result.passed and result.kinks == ()

    def test_fast_mode_uses_two_evaluations_per_direction(self):
        z = rng.normal(size=(100, 100))
        result = check_elementwise_gradient(sigmoid, sigmoid_grad, z, fast=True, n_directions=3)
        assert result.passed and result.n_evaluations == 6

    def test_fast_mode_catches_the_gradient_of_the_wrong_function(self):
        z = rng.normal(size=10_000)
        result = check_elementwise_gradient(sigmoid, lambda v: sigmoid(v), z, fast=True)
        assert not result.passed

    def test_never_mutates_and_never_prints(self, capsys):
        x = rng.normal(size=6)
        grad = cubic_grad(x)
        x0, g0 = x.copy(), grad.copy()
        check_gradient(cubic, x, grad)
        check_gradient(cubic, x, grad, fast=True)
        np.testing.assert_array_equal(x, x0)
        np.testing.assert_array_equal(grad, g0)
        assert capsys.readouterr() == ("", "")

    def test_errors(self):
        with pytest.raises(ValueError, match="grad must have the shape of x"):
            check_gradient(cubic, np.ones(3), np.ones(2))
        with pytest.raises(ValueError, match="f\\(x\\) has shape"):
            check_gradient(np.sin, np.ones(3), np.ones(3), dout=np.ones(2))

    def test_result_reads_well(self):
        result = check_gradient(cubic, np.ones(2), cubic_grad(np.ones(2)) * 2)
        assert "FAILED" in str(result) and "max relative error" in str(result)
