"""Tests of nnkit.maxout: special cases, gradients, ties."""
import numpy as np
import pytest

from nnkit.activations import leaky_relu, relu
from nnkit.gradcheck import check_gradient
from nnkit.maxout import maxout_backward, maxout_forward

rng = np.random.default_rng(0)


def test_relu_is_the_case_of_a_zero_first_piece():
    x, W, b = rng.normal(size=(8, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    out, _ = maxout_forward(x, np.zeros_like(W), np.zeros_like(b), W, b)
    np.testing.assert_allclose(out, relu(x @ W + b))


def test_leaky_relu_is_the_case_of_a_scaled_first_piece():
    x, W, b = rng.normal(size=(8, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    out, _ = maxout_forward(x, 0.1 * W, 0.1 * b, W, b)
    np.testing.assert_allclose(out, leaky_relu(x @ W + b, alpha=0.1), rtol=1e-13)


@pytest.mark.parametrize("k", [2, 3])
def test_gradients_for_every_argument(k):
    x = rng.normal(size=(6, 3))
    pieces = [a for _ in range(k) for a in (rng.normal(size=(3, 4)), rng.normal(size=4))]
    dout = rng.normal(size=(6, 4))
    _, cache = maxout_forward(x, *pieces)
    grads = maxout_backward(dout, cache)
    args = [x, *pieces]
    assert len(grads) == len(args)
    for i, (arg, grad) in enumerate(zip(args, grads)):
        def f(v, i=i):
            return maxout_forward(*[v if j == i else a for j, a in enumerate(args)])[0]
        result = check_gradient(f, arg, grad, dout=dout)
        assert result.passed, f"argument {i}: {result}"


def test_tie_is_reported_as_a_kink():
    # Two identical pieces tie everywhere: moving either piece's weights has a kink.
    x = rng.normal(size=(4, 2))
    W, b = rng.normal(size=(2, 3)), rng.normal(size=3)
    dout = rng.normal(size=(4, 3))
    _, cache = maxout_forward(x, W, b, W.copy(), b.copy())
    _, dW1, db1, _, _ = maxout_backward(dout, cache)
    result = check_gradient(lambda v: maxout_forward(x, W, v, W, b)[0], b, db1, dout=dout)
    assert result.passed and len(result.kinks) == 3


def test_first_piece_wins_a_tie():
    _, cache = maxout_forward([[1.0]], [[1.0]], [0.0], [[1.0]], [0.0])
    dx, dW1, db1, dW2, db2 = maxout_backward([[1.0]], cache)
    assert db1.tolist() == [1.0] and db2.tolist() == [0.0]


def test_errors():
    with pytest.raises(ValueError, match="pairs"):
        maxout_forward(np.ones((1, 2)), np.ones((2, 2)), np.ones(2), np.ones((2, 2)), np.ones(2), np.ones((2, 2)))
    with pytest.raises(ValueError, match="all W must be"):
        maxout_forward(np.ones((1, 2)), np.ones((2, 2)), np.ones(2), np.ones((2, 3)), np.ones(3))
    _, cache = maxout_forward(np.ones((1, 2)), np.ones((2, 2)), np.ones(2), np.ones((2, 2)), np.ones(2))
    with pytest.raises(ValueError, match="forward output's shape"):
        maxout_backward(np.ones((2, 2)), cache)
