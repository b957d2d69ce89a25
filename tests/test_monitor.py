"""Tests of nnkit.monitor."""
import numpy as np
import pytest

from nnkit.monitor import dead_fraction, dead_units, saturation_fraction


def test_dead_units_never_activate_on_any_row():
    z = np.array([[1.0, -1.0, 0.0, -2.0], [-1.0, -3.0, 0.0, 5.0]])
    np.testing.assert_array_equal(dead_units(z), [False, True, True, False])
    assert dead_fraction(z) == 0.5


def test_one_live_example_keeps_a_unit_alive():
    z = -np.ones((1000, 3))
    z[999, 1] = 1e-9
    assert dead_fraction(z) == pytest.approx(2 / 3)


@pytest.mark.parametrize("activation, z, expected", [
    ("sigmoid", [[0.0, 4.0, 6.0, -6.0]], 0.5),   # sigma'(6)/0.25 ~ 0.0099 < 0.01, sigma'(4)/0.25 ~ 0.07
    ("tanh", [[0.0, 2.0, 3.0, -3.0]], 0.5),      # tanh'(3) ~ 0.0099, tanh'(2) ~ 0.07
    ("relu", [[-1.0, 0.0, 1.0, 2.0]], 0.5),
    ("leaky_relu", [[-1.0, 0.0, 1.0, 2.0]], 0.0),
])
def test_saturation_fraction(activation, z, expected):
    assert saturation_fraction(z, activation) == expected


def test_input_checks():
    with pytest.raises(ValueError, match=r"shape \(N, M\)"):
        dead_fraction([1.0, -1.0])
    with pytest.raises(ValueError, match="at least one example"):
        dead_fraction(np.zeros((0, 3)))
