"""Tests of nnkit.layers: dense layer, MLP, parameter counts."""
import numpy as np
import pytest

from nnkit.gradcheck import check_gradient
from nnkit.layers import (
    count_parameters, dense_backward, dense_forward, init_mlp, mlp_backward, mlp_forward,
)

rng = np.random.default_rng(0)


def test_dense_forward_matches_a_loop():
    x, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    out, _ = dense_forward(x, W, b)
    loop = [[sum(x[n, d] * W[d, m] for d in range(3)) + b[m] for m in range(4)] for n in range(5)]
    np.testing.assert_allclose(out, loop, rtol=1e-13)


def test_dense_backward_gradients():
    x, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    dout = rng.normal(size=(5, 4))
    _, cache = dense_forward(x, W, b)
    dx, dW, db = dense_backward(dout, cache)
    assert check_gradient(lambda v: dense_forward(v, W, b)[0], x, dx, dout=dout).passed
    assert check_gradient(lambda v: dense_forward(x, v, b)[0], W, dW, dout=dout).passed
    assert check_gradient(lambda v: dense_forward(x, W, v)[0], b, db, dout=dout).passed


def test_dense_shape_errors_say_what_was_expected():
    with pytest.raises(ValueError, match=r"x has D = 3 .* W has 2 rows"):
        dense_forward(np.ones((2, 3)), np.ones((2, 4)), np.ones(4))
    with pytest.raises(ValueError, match=r"b must have shape \(M,\) = \(4,\)"):
        dense_forward(np.ones((2, 3)), np.ones((3, 4)), np.ones(3))
    with pytest.raises(ValueError, match="2-D array of shape"):
        dense_forward(np.ones(3), np.ones((3, 4)), np.ones(4))


@pytest.mark.parametrize("sizes, expected", [([3, 4, 2], 26), ([3, 4, 4, 1], 41), ([2, 1], 3)])
def test_count_parameters(sizes, expected):
    assert count_parameters(sizes) == expected
    assert sum(W.size + b.size for W, b in init_mlp(sizes)) == expected


def test_count_parameters_rejects_nonsense():
    for bad in ([3], [3, 0, 2], [3, 2.5]):
        with pytest.raises(ValueError, match="at least two positive integers"):
            count_parameters(bad)


def test_mlp_forward_is_the_chain_of_matrix_products():
    params = init_mlp([3, 4, 4, 1], seed=1)
    x = rng.normal(size=(6, 3))
    scores, cache = mlp_forward(x, params, "tanh")
    (W1, b1), (W2, b2), (W3, b3) = params
    expected = np.tanh(np.tanh(x @ W1 + b1) @ W2 + b2) @ W3 + b3
    np.testing.assert_allclose(scores, expected, rtol=1e-13)
    assert [z.shape for z in cache.pre_activations] == [(6, 4), (6, 4)]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_mlp_backward_gradients(activation):
    sizes = [3, 5, 4, 2]
    params = init_mlp(sizes, seed=2)
    x = rng.normal(size=(7, 3))
    dscores = rng.normal(size=(7, 2))
    _, cache = mlp_forward(x, params, activation)
    grads = mlp_backward(dscores, cache)
    for layer, (dW, db) in enumerate(grads):
        def f_W(v, layer=layer):
            new = [(v if i == layer else W, b) for i, (W, b) in enumerate(params)]
            return mlp_forward(x, new, activation)[0]

        def f_b(v, layer=layer):
            new = [(W, v if i == layer else b) for i, (W, b) in enumerate(params)]
            return mlp_forward(x, new, activation)[0]

        assert check_gradient(f_W, params[layer][0], dW, dout=dscores).passed
        assert check_gradient(f_b, params[layer][1], db, dout=dscores).passed


def test_mlp_fast_mode_on_a_large_net():
    params = init_mlp([2, 100, 100, 2], seed=3)
    x = rng.normal(size=(50, 2))
    dscores = rng.normal(size=(50, 2))
    _, cache = mlp_forward(x, params, "tanh")
    W2, dW2 = params[1][0], mlp_backward(dscores, cache)[1][0]

    def f(v):
        return mlp_forward(x, [params[0], (v, params[1][1]), params[2]], "tanh")[0]

    good = check_gradient(f, W2, dW2, dout=dscores, fast=True, n_directions=3)
    bad = check_gradient(f, W2, dW2 * 1.001, dout=dscores, fast=True, n_directions=3)
    assert good.passed and good.n_evaluations == 6
    assert not bad.passed


def test_mlp_rejects_malformed_params():
    with pytest.raises(ValueError, match=r"\(W, b\) pair"):
        mlp_forward(np.ones((1, 2)), [np.ones((2, 2))])
    with pytest.raises(KeyError, match="expected one of"):
        mlp_forward(np.ones((1, 2)), init_mlp([2, 2]), "swish")


def test_float32_network_stays_float32():
    params = init_mlp([2, 3, 2], dtype=np.float32)
    scores, cache = mlp_forward(np.ones((4, 2), np.float32), params, "relu")
    assert scores.dtype == np.float32
    assert all(dW.dtype == np.float32 for dW, _ in mlp_backward(np.ones((4, 2), np.float32), cache))
