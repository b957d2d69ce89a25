"""Tests of nnkit.train: the loops learn, record what they claim, and stop on divergence."""
import numpy as np
import pytest

from nnkit.data import make_blobs, make_spiral, make_xor
from nnkit.layers import mlp_forward
from nnkit.monitor import dead_fraction
from nnkit.train import train_mlp, train_neuron


@pytest.mark.parametrize("loss", ["logistic", "hinge"])
def test_neuron_learns_separable_blobs(loss):
    X, y = make_blobs(200, spread=0.3, seed=1)
    w, b, history = train_neuron(X, y, loss=loss, lr=0.1, steps=300)
    assert history.loss[-1] < history.loss[0]
    assert history.accuracy[-1] >= 0.97
    assert np.mean(((X @ w + b) > 0) == (y == 1)) >= 0.97


def test_regularisation_shrinks_the_weights():
    X, y = make_blobs(200, seed=2)
    w0, _, _ = train_neuron(X, y, reg=0.0, steps=300)
    w1, _, _ = train_neuron(X, y, reg=1.0, steps=300)
    assert np.linalg.norm(w1) < 0.5 * np.linalg.norm(w0)


def test_mlp_learns_a_spiral_and_records_everything():
    X, y = make_spiral(200, seed=0)
    params, history = train_mlp(X, y, hidden_sizes=(50,), activation="relu", lr=1.0, steps=600)
    assert history.loss.shape == history.accuracy.shape == (600,)
    assert history.dead_fraction.shape == history.saturation_fraction.shape == (600, 1)
    assert history.accuracy[-1] > 0.9 and history.loss[-1] < 0.5 * history.loss[0]
    # The recorded dead fraction is the one of the parameters before the last update.
    assert 0.0 <= history.dead_fraction[-1, 0] <= 1.0
    _, cache = mlp_forward(X, params, "relu")
    assert abs(dead_fraction(cache.pre_activations[0]) - history.dead_fraction[-1, 0]) <= 0.1
    assert history.steps_to_reach(history.loss[-1]) <= 599


def test_high_learning_rate_kills_relus():
    X, y = make_xor(200)
    _, calm = train_mlp(X, y, hidden_sizes=(50,), lr=0.1, steps=200)
    _, wild = train_mlp(X, y, hidden_sizes=(50,), lr=20.0, steps=200)
    assert wild.dead_fraction[-1, 0] > calm.dead_fraction[-1, 0] + 0.2


def test_divergence_stops_cleanly_without_warnings():
    X, y = make_xor(100)
    _, history = train_mlp(X, y, hidden_sizes=(10,), activation="leaky_relu", lr=1e6, steps=100)
    assert history.diverged_at is not None
    assert np.isnan(history.loss[history.diverged_at:]).all()


def test_bad_arguments():
    X, y = make_xor(10)
    with pytest.raises(ValueError, match="lr must be > 0"):
        train_neuron(X, y, lr=0)
    with pytest.raises(ValueError, match="loss must be one of"):
        train_neuron(X, y, loss="squared")
    with pytest.raises(ValueError, match="integer class labels"):
        train_mlp(X, y.astype(float))
