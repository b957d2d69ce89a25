"""Tests of nnkit.losses: values, gradients, label conventions, extreme scores."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnkit.gradcheck import check_gradient
from nnkit.losses import binary_hinge_loss, binary_logistic_loss, l2_penalty, softmax_loss

strict = dict(over="raise", invalid="raise", divide="raise")


def naive_cross_entropy(s, y):
    """Textbook form, fine for moderate scores: an independent reference."""
    p = 1 / (1 + np.exp(-s))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


class TestLogistic:
    def test_matches_textbook_form_on_moderate_scores(self):
        rng = np.random.default_rng(0)
        s, y = rng.normal(0, 2, 50), rng.integers(0, 2, 50)
        loss, _ = binary_logistic_loss(s, y)
        assert loss == pytest.approx(naive_cross_entropy(s, y), rel=1e-12)

    def test_known_value(self):
        loss, dscores = binary_logistic_loss([math.log(3)], [1])  # p = 3/4
        assert loss == pytest.approx(-math.log(0.75), rel=1e-15)
        np.testing.assert_allclose(dscores, [-0.25], rtol=1e-15)

    def test_gradient(self):
        rng = np.random.default_rng(1)
        s, y = rng.normal(0, 3, 20), rng.integers(0, 2, 20)
        _, dscores = binary_logistic_loss(s, y)
        assert check_gradient(lambda v: binary_logistic_loss(v, y)[0], s, dscores).passed

    def test_extreme_scores_are_finite_and_exact(self):
        with np.errstate(**strict):
            loss, dscores = binary_logistic_loss([800.0, -800.0, 800.0, -800.0], [0, 1, 1, 0])
        assert loss == pytest.approx(400.0, rel=1e-15)  # two examples cost 800 each, two cost ~0
        np.testing.assert_allclose(dscores, [0.25, -0.25, 0.0, 0.0], atol=1e-300)

    def test_svm_labels_are_refused_with_a_hint(self):
        with pytest.raises(ValueError, match=r"\{0, 1\}.*\(y \+ 1\) // 2"):
            binary_logistic_loss([1.0, 2.0], [-1, 1])

    def test_shape_mismatch(self):
        with pytest.raises(ValueError, match="same number of rows"):
            binary_logistic_loss([1.0, 2.0], [1])
        with pytest.raises(ValueError, match=r"shape \(N,\)"):
            binary_logistic_loss([[1.0, 2.0]], [1, 0])

    def test_float32_kept(self):
        _, dscores = binary_logistic_loss(np.array([1.0, -2.0], np.float32), [1, 0])
        assert dscores.dtype == np.float32

    @given(arrays(np.float64, 8, elements=st.floats(-1e6, 1e6)), arrays(np.int64, 8, elements=st.integers(0, 1)))
    def test_nonnegative_and_finite(self, s, y):
        with np.errstate(**strict):
            loss, dscores = binary_logistic_loss(s, y)
        assert loss >= 0 and np.isfinite(loss) and np.all(np.abs(dscores) <= 1 / 8)


class TestHinge:
    def test_known_value(self):
        loss, dscores = binary_hinge_loss([2.0, 0.5, -1.0, -3.0], [1, 1, 1, -1])
        assert loss == pytest.approx((0 + 0.5 + 2 + 0) / 4)
        np.testing.assert_allclose(dscores, [0, -0.25, -0.25, 0])

    def test_gradient_away_from_the_margin(self):
        rng = np.random.default_rng(2)
        s, y = rng.normal(0, 3, 20), rng.choice([-1, 1], 20)
        _, dscores = binary_hinge_loss(s, y)
        assert check_gradient(lambda v: binary_hinge_loss(v, y)[0], s, dscores).passed

    def test_margin_kink_is_reported_not_failed(self):
        s, y = np.array([1.0, -1.0, 0.3]), np.array([1, -1, 1])
        _, dscores = binary_hinge_loss(s, y)
        result = check_gradient(lambda v: binary_hinge_loss(v, y)[0], s, dscores)
        assert result.passed and set(result.kinks) == {(0,), (1,)}

    def test_logistic_labels_are_refused_with_a_hint(self):
        with pytest.raises(ValueError, match=r"\{1, -1\}|\{-1, 1\}"):
            binary_hinge_loss([1.0, 2.0], [0, 1])


class TestL2:
    def test_value_and_gradient(self):
        W = np.random.default_rng(3).normal(size=(4, 3))
        loss, dW = l2_penalty(W, 0.3)
        assert loss == pytest.approx(0.15 * np.sum(W ** 2))
        assert check_gradient(lambda v: l2_penalty(v, 0.3)[0], W, dW).passed

    def test_gradual_forgetting(self):
        # With no data term, k steps multiply the weights by (1 - lr * reg) ** k.
        W, lr, reg = np.array([1.0, -2.0]), 0.1, 0.5
        for _ in range(10):
            W = W - lr * l2_penalty(W, reg)[1]
        np.testing.assert_allclose(W, np.array([1.0, -2.0]) * (1 - lr * reg) ** 10)

    def test_negative_strength_refused(self):
        with pytest.raises(ValueError, match="reg must be >= 0"):
            l2_penalty([1.0], -0.1)


class TestSoftmax:
    def test_two_classes_equal_binary_logistic(self):
        rng = np.random.default_rng(4)
        s, y = rng.normal(0, 2, 30), rng.integers(0, 2, 30)
        scores = np.column_stack([np.zeros(30), s])
        assert softmax_loss(scores, y)[0] == pytest.approx(binary_logistic_loss(s, y)[0], rel=1e-12)

    def test_gradient(self):
        rng = np.random.default_rng(5)
        scores, y = rng.normal(size=(6, 4)), rng.integers(0, 4, 6)
        _, dscores = softmax_loss(scores, y)
        assert check_gradient(lambda v: softmax_loss(v, y)[0], scores, dscores).passed

    def test_huge_scores(self):
        with np.errstate(**strict):
            loss, _ = softmax_loss([[1000.0, -1000.0]], [1])
        assert loss == pytest.approx(2000.0)

    def test_bad_labels(self):
        with pytest.raises(ValueError, match="0..2"):
            softmax_loss(np.zeros((2, 3)), [0, 3])
