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


# --- PReLU and maxout hidden units -------------------------------------------------------

def reference_train_mlp(X, y, hidden_sizes, activation, lr, reg, steps, seed):
    """The elementwise loop as it was before train_mlp learned other unit kinds."""
    from nnkit.layers import init_mlp, mlp_backward
    from nnkit.losses import l2_penalty, softmax_loss
    from nnkit.monitor import saturation_fraction
    params = init_mlp([X.shape[1], *hidden_sizes, int(y.max()) + 1], seed=seed)
    loss, dead, saturated = [], [], []
    for _ in range(steps):
        scores, cache = mlp_forward(X, params, activation)
        data_loss, dscores = softmax_loss(scores, y)
        loss.append(data_loss + sum(l2_penalty(W, reg)[0] for W, _ in params))
        dead.append([dead_fraction(z) for z in cache.pre_activations])
        saturated.append([saturation_fraction(z, activation) for z in cache.pre_activations])
        grads = mlp_backward(dscores, cache)
        params = [(W - lr * (dW + reg * W), b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
    return params, np.array(loss), np.array(dead), np.array(saturated)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_elementwise_training_is_bit_identical_to_the_plain_loop(activation):
    X, y = make_spiral(90, seed=4)
    params, history = train_mlp(X, y, hidden_sizes=(12, 7), activation=activation, lr=0.8,
                                reg=1e-3, steps=40, seed=2)
    ref_params, loss, dead, saturated = reference_train_mlp(X, y, (12, 7), activation, 0.8, 1e-3, 40, 2)
    assert np.array_equal(history.loss, loss)
    assert np.array_equal(history.dead_fraction, dead)
    assert np.array_equal(history.saturation_fraction, saturated)
    assert all(np.array_equal(a, b) for layer, ref in zip(params, ref_params) for a, b in zip(layer, ref))


@pytest.mark.parametrize("activation", ["prelu", "maxout"])
def test_prelu_and_maxout_learn_a_spiral(activation):
    X, y = make_spiral(200, seed=0)
    params, history = train_mlp(X, y, hidden_sizes=(50,), activation=activation, lr=1.0, steps=600)
    assert history.accuracy[-1] > 0.9 and history.loss[-1] < 0.5 * history.loss[0]
    assert history.diverged_at is None
    shapes = [[a.shape for a in layer] for layer in params]
    expected = {"prelu": [[(2, 50), (50,), (50,)], [(50, 2), (2,)]],
                "maxout": [[(2, 50), (50,), (2, 50), (50,)], [(50, 2), (2,)]]}
    assert shapes == expected[activation]


def total_loss_by_hand(X, y, params, activation, reg):
    """Softmax loss + L2 on the weights (not biases, not PReLU slopes), in plain numpy."""
    h = X
    for layer in params[:-1]:
        if activation == "prelu":
            W, b, alpha = layer
            z = h @ W + b
            h = np.where(z > 0, z, alpha * z)
            weights = [W]
        else:
            W1, b1, W2, b2 = layer
            h = np.maximum(h @ W1 + b1, h @ W2 + b2)
            weights = [W1, W2]
    W, b = params[-1]
    s = h @ W + b
    s = s - s.max(axis=1, keepdims=True)
    data = -np.mean(s[np.arange(len(y)), y] - np.log(np.exp(s).sum(axis=1)))
    weights = [a for layer in params for a, w in zip(layer, _is_weight(activation, layer)) if w]
    return data + 0.5 * reg * sum(np.sum(a * a) for a in weights)


def _is_weight(activation, layer):
    if len(layer) == 2:
        return (True, False)
    return (True, False, False) if activation == "prelu" else (True, False, True, False)


@pytest.mark.parametrize("activation", ["prelu", "maxout"])
def test_one_step_follows_the_numerical_gradient_of_the_total_loss(activation):
    """One update is -lr times the gradient of data loss + L2, with no L2 on the slopes."""
    from nnkit.gradcheck import check_gradient
    from nnkit.network import init_network
    X, y = make_xor(40, seed=3)
    rng = np.random.default_rng(0)
    start = [tuple(a + 0.2 * rng.standard_normal(a.shape) for a in layer)
             for layer in init_network([2, 5, 4, 2], activation, seed=1)]
    lr, reg = 1e-3, 0.5   # a large reg: a missing or extra L2 term cannot hide
    after, history = train_mlp(X, y, activation=activation, lr=lr, reg=reg, steps=1, params=start)
    assert history.loss[0] == pytest.approx(total_loss_by_hand(X, y, start, activation, reg), rel=1e-12)
    for i, layer in enumerate(start):
        for j, array in enumerate(layer):
            def f(v, i=i, j=j):
                changed = [tuple(v if (a, b) == (i, j) else arr for b, arr in enumerate(lay))
                           for a, lay in enumerate(start)]
                return total_loss_by_hand(X, y, changed, activation, reg)
            step_grad = (array - after[i][j]) / lr
            result = check_gradient(f, array, step_grad, tol=1e-5)
            assert result.passed, f"params[{i}][{j}]: {result}"


def test_maxout_matches_a_loop_written_from_the_layer_functions():
    """The loop lesson 07 writes by hand, with its initialisation (second pieces from seed + 1)."""
    from nnkit.layers import dense_backward, dense_forward, init_mlp
    from nnkit.losses import l2_penalty, softmax_loss
    from nnkit.maxout import maxout_backward, maxout_forward
    X, y = make_spiral(120, n_classes=3, seed=5)
    lr, reg, steps, seed = 0.5, 1e-3, 60, 4
    (W1, b1), (V, c) = init_mlp([2, 10, 3], seed=seed)
    (W2, b2), _ = init_mlp([2, 10, 3], seed=seed + 1)
    p = [W1, b1, W2, b2, V, c]
    losses = []
    for _ in range(steps):
        h, mcache = maxout_forward(X, *p[:4])
        scores, dcache = dense_forward(h, p[4], p[5])
        data_loss, dscores = softmax_loss(scores, y)
        losses.append(data_loss + sum(l2_penalty(W, reg)[0] for W in (p[0], p[2], p[4])))
        dh, dV, dc = dense_backward(dscores, dcache)
        _, dW1, db1, dW2, db2 = maxout_backward(dh, mcache)
        grads = [dW1 + reg * p[0], db1, dW2 + reg * p[2], db2, dV + reg * p[4], dc]
        p = [a - lr * g for a, g in zip(p, grads)]
    params, history = train_mlp(X, y, hidden_sizes=(10,), activation="maxout", lr=lr, reg=reg,
                                steps=steps, seed=seed)
    np.testing.assert_allclose(history.loss, losses, rtol=1e-12)
    np.testing.assert_allclose(np.concatenate([a.ravel() for layer in params for a in layer]),
                               np.concatenate([a.ravel() for a in p]), rtol=1e-10)


@pytest.mark.parametrize("activation", ["prelu", "maxout"])
def test_recorded_monitors_match_the_parameters(activation):
    X, y = make_spiral(150, seed=6)
    params, _ = train_mlp(X, y, hidden_sizes=(20,), activation=activation, lr=3.0, steps=100)
    _, history = train_mlp(X, y, activation=activation, lr=3.0, steps=1, params=params)
    if activation == "prelu":
        W, b, alpha = params[0]
        z = X @ W + b
        dead = np.mean(np.all(z <= 0, axis=0))
        saturated = np.mean((z <= 0) & (np.abs(alpha) < 0.01))
    else:
        W1, b1, W2, b2 = params[0]
        second_wins = (X @ W2 + b2) > (X @ W1 + b1)
        dead = np.mean(second_wins.all(axis=0) | (~second_wins).all(axis=0))
        saturated = 0.0
    assert history.dead_fraction[0, 0] == pytest.approx(dead, abs=1e-15)
    assert history.saturation_fraction[0, 0] == pytest.approx(saturated, abs=1e-15)
    assert history.weight_norm[0] == pytest.approx(
        np.sqrt(sum(np.sum(a * a) for layer in params for a, w in zip(layer, _is_weight(activation, layer)) if w)),
        rel=1e-12)


@pytest.mark.parametrize("activation", ["prelu", "maxout"])
def test_divergence_stops_cleanly_for_new_units(activation):
    X, y = make_xor(100)
    _, history = train_mlp(X, y, hidden_sizes=(10,), activation=activation, lr=1e6, steps=100)
    assert history.diverged_at is not None
    assert np.isnan(history.loss[history.diverged_at:]).all()


def test_bad_unit_arguments():
    X, y = make_xor(10)
    with pytest.raises(KeyError, match="expected one of .*'maxout'.*'prelu'"):
        train_mlp(X, y, activation="prelu2")
    relu_params, _ = train_mlp(X, y, hidden_sizes=(4,), steps=1)
    with pytest.raises(ValueError, match=r"params\[0\] \(the maxout hidden layer\) must be a tuple \(W1, b1, W2, b2\), got 2 arrays"):
        train_mlp(X, y, activation="maxout", params=relu_params)
    with pytest.raises(ValueError, match=r"the prelu hidden layer"):
        train_mlp(X, y, activation="prelu", params=relu_params)
