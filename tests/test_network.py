"""Tests of nnkit.network: whole-network gradients, special cases, init, monitors, bad input."""
import numpy as np
import pytest

from nnkit.gradcheck import check_gradient
from nnkit.layers import init_mlp, mlp_backward, mlp_forward
from nnkit.losses import softmax_loss
from nnkit.network import (
    PRELU_INIT, init_network, network_backward, network_forward, network_monitors, unit_kind,
)


def random_network(kind, sizes, seed):
    """Parameters with nothing special about them: random slopes (some negative), random pieces."""
    rng = np.random.default_rng(seed)
    params = init_network(sizes, kind, seed=seed)
    layers = []
    for layer in params:
        layers.append(tuple(a + 0.3 * rng.standard_normal(a.shape) for a in layer))
    return layers


@pytest.mark.parametrize("kind", ["prelu", "maxout", "tanh", "relu"])
def test_every_parameter_gradient_through_a_whole_network(kind):
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((7, 3)), rng.integers(0, 3, 7)
    params = random_network(kind, [3, 4, 5, 3], seed=2)
    scores, cache = network_forward(X, params, kind)
    _, dscores = softmax_loss(scores, y)
    grads = network_backward(dscores, cache)
    assert [len(g) for g in grads] == [len(layer) for layer in params]
    for i, layer in enumerate(params):
        for j, array in enumerate(layer):
            def loss(v, i=i, j=j):
                changed = [tuple(v if (a, b) == (i, j) else arr for b, arr in enumerate(lay))
                           for a, lay in enumerate(params)]
                return softmax_loss(network_forward(X, changed, kind)[0], y)[0]
            result = check_gradient(loss, array, grads[i][j])
            assert result.passed, f"{kind}: params[{i}][{j}]: {result}"


def test_a_wrong_gradient_is_caught():
    # The check above can fail: halve dalpha and it must.
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((6, 2)), rng.integers(0, 2, 6)
    params = random_network("prelu", [2, 4, 2], seed=4)
    scores, cache = network_forward(X, params, "prelu")
    dalpha = network_backward(softmax_loss(scores, y)[1], cache)[0][2]

    def loss(v):
        changed = [(params[0][0], params[0][1], v), params[1]]
        return softmax_loss(network_forward(X, changed, "prelu")[0], y)[0]
    assert check_gradient(loss, params[0][2], dalpha).passed
    assert not check_gradient(loss, params[0][2], 0.5 * dalpha).passed


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_elementwise_kind_repeats_mlp_forward_and_backward_exactly(activation):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((20, 2))
    params = init_mlp([2, 6, 5, 3], seed=6)
    scores, cache = network_forward(X, params, activation)
    reference, ref_cache = mlp_forward(X, params, activation)
    assert np.array_equal(scores, reference)
    dscores = rng.standard_normal(scores.shape)
    for got, want in zip(network_backward(dscores, cache), mlp_backward(dscores, ref_cache)):
        assert all(np.array_equal(g, w) for g, w in zip(got, want))


def test_prelu_with_fixed_slopes_is_relu_and_leaky_relu():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((30, 2))
    base = init_mlp([2, 8, 8, 2], seed=8)
    for slope, name in ((0.0, "relu"), (0.01, "leaky_relu")):
        params = [(W, b, np.full_like(b, slope)) for W, b in base[:-1]] + base[-1:]
        np.testing.assert_allclose(network_forward(X, params, "prelu")[0],
                                   mlp_forward(X, base, name)[0], rtol=1e-13)


def test_maxout_with_a_zero_first_piece_is_relu():
    rng = np.random.default_rng(9)
    X = rng.standard_normal((30, 2))
    base = init_mlp([2, 8, 8, 2], seed=10)
    params = [(np.zeros_like(W), np.zeros_like(b), W, b) for W, b in base[:-1]] + base[-1:]
    np.testing.assert_allclose(network_forward(X, params, "maxout")[0],
                               mlp_forward(X, base, "relu")[0], rtol=1e-13)


def test_init_reuses_the_elementwise_weights():
    sizes = [2, 5, 4, 3]
    same, plus_one = init_mlp(sizes, seed=3), init_mlp(sizes, seed=4)
    prelu = init_network(sizes, "prelu", seed=3)
    maxout = init_network(sizes, "maxout", seed=3)
    for layer in range(2):
        W, b = same[layer]
        assert np.array_equal(prelu[layer][0], W) and np.array_equal(prelu[layer][1], b)
        assert np.array_equal(prelu[layer][2], np.full(sizes[layer + 1], PRELU_INIT))
        assert np.array_equal(maxout[layer][0], W) and np.array_equal(maxout[layer][2], plus_one[layer][0])
    for params in (prelu, maxout):
        assert all(np.array_equal(a, b) for a, b in zip(params[-1], same[-1]))
    assert PRELU_INIT == 0.25


def test_monitors_count_what_the_docstring_says():
    z_like = np.array([[1.0, -1.0, -2.0], [-3.0, 0.0, -1.0]])  # unit 0 is positive once
    W = np.eye(3)
    prelu = [(W, np.zeros(3), np.array([0.5, 0.001, -0.005])), (np.ones((3, 1)), np.zeros(1))]
    (dead, saturated), = network_monitors(network_forward(z_like, prelu, "prelu")[1])
    assert dead == pytest.approx(2 / 3)              # units 1 and 2: <= 0 on every row
    assert saturated == pytest.approx(4 / 6)         # z <= 0 with |alpha| < 0.01: units 1, 2
    # maxout with piece 1 = z and piece 2 = 0: unit 0 switches pieces;
    maxout = [(W, np.zeros(3), np.zeros((3, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))]
    (dead, saturated), = network_monitors(network_forward(z_like, maxout, "maxout")[1])
    # unit 1 has a tie on row 2 (piece 1 wins it), so only unit 2 keeps one piece throughout
    assert (dead, saturated) == (pytest.approx(1 / 3), 0.0)


def test_bad_input_gets_clear_errors():
    with pytest.raises(KeyError, match="'prelu'.*or an Activation record"):
        unit_kind("softplus")
    params = init_mlp([2, 3, 2])
    with pytest.raises(ValueError, match=r"params\[0\] \(the prelu hidden layer\) must be a tuple \(W, b, alpha\)"):
        network_forward(np.ones((1, 2)), params, "prelu")
    maxout = init_network([2, 3, 2], "maxout")
    with pytest.raises(ValueError, match=r"params\[1\] \(the output layer\) must be a tuple \(W, b\)"):
        network_forward(np.ones((1, 2)), [maxout[0], maxout[0]], "maxout")
    with pytest.raises(ValueError, match="non-empty list"):
        network_forward(np.ones((1, 2)), [], "relu")
