"""Tests of nnkit.neuron: batch forward pass and the classifier view."""
import numpy as np
import pytest

from nnkit.activations import ACTIVATIONS, sigmoid
from nnkit.neuron import neuron_forward, neuron_scores, predict, predict_proba

rng = np.random.default_rng(0)


def loop_neuron(x, w, b, f):
    """One example and one input at a time: the definition, as an independent reference."""
    return np.array([f(sum(xi * wi for xi, wi in zip(row, w)) + b) for row in x])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_batch_equals_the_loop(name):
    x, w, b = rng.normal(size=(9, 4)), rng.normal(size=4), 0.3
    f = ACTIVATIONS[name].fn
    expected = loop_neuron(x, w, b, lambda s: f(np.array([s]))[0])
    np.testing.assert_allclose(neuron_forward(x, w, b, name), expected, rtol=1e-13)
    np.testing.assert_allclose(neuron_forward(x, w, b, f), expected, rtol=1e-13)


def test_probabilities_and_predictions_agree():
    x, w, b = rng.normal(size=(50, 2)), np.array([1.5, -2.0]), 0.2
    p = predict_proba(x, w, b)
    np.testing.assert_allclose(p, sigmoid(x @ w + b))
    np.testing.assert_array_equal(predict(x, w, b), (p > 0.5).astype(int))


def test_errors_say_what_was_expected():
    with pytest.raises(ValueError, match="x has D = 3 features per row but w has 2"):
        neuron_scores(np.ones((4, 3)), np.ones(2), 0.0)
    with pytest.raises(ValueError, match=r"w must be a 1-D array of shape \(D,\)"):
        neuron_scores(np.ones((4, 2)), np.ones((2, 1)), 0.0)
    with pytest.raises(TypeError, match="b must be a real number"):
        neuron_scores(np.ones((4, 2)), np.ones(2), np.ones(4))
    with pytest.raises(KeyError, match="unknown activation"):
        neuron_forward(np.ones((4, 2)), np.ones(2), 0.0, "softmax")


def test_float32_in_float32_out():
    out = neuron_forward(np.ones((3, 2), np.float32), np.ones(2, np.float32), 0.5, "sigmoid")
    assert out.dtype == np.float32
