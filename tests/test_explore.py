"""Headless tests of the explorers: move the controls, check the numbers shown.

Expected values are computed here from the formulas (or from numpy directly),
not by calling the explorer's own compute functions, so a wrong formula or a
control wired to the wrong quantity fails.
"""
import base64
import math
import re
import struct
import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import numpy as np
import pytest
from nbconvert import HTMLExporter

from nnkit import sigmoid_grad
from nnkit.data import make_blobs, make_spiral, make_xor
from nnkit.explore import (
    dead_relu_explorer, maxout_explorer, neuron_classifier_explorer, playground,
    saturation_explorer, weight_scale_explorer,
)
from nnkit.explore.dead_relu import leaky_activation, train_dead_relu
from nnkit.explore.maxout_explorer import X_GRID, maxout_curve, special_case
from nnkit.explore.neuron_classifier import DATA, boundary_segment, l2_step, neuron_fit
from nnkit.explore.playground import HIDDEN_CHOICES, class_probabilities
from nnkit.explore.saturation import local_gradient, saturation_curve
from nnkit.explore.weight_scale import deep_net_stats
from nnkit.layers import init_mlp


def np_sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def test_importing_nnkit_loads_no_jupyter_or_matplotlib():
    code = ("import sys, nnkit, nnkit.train, nnkit.monitor, nnkit.data; "
            "print(sorted(m for m in ('ipywidgets', 'IPython', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_importing_explore_does_not_load_pyplot():
    code = "import sys, nnkit.explore; print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


class TestWiring:
    def test_moves_redraw_the_same_figure_and_change_the_image(self):
        ex = saturation_explorer()
        fig, before = ex.figure, ex.image.value
        ex.controls["z"].value = 2.0
        assert ex.figure is fig and len(fig.axes) == 1
        assert ex.image.value != before and ex.image.value[:4] == b"\x89PNG"

    def test_static_fallback_carries_the_current_figure_as_png(self):
        ex = saturation_explorer(z=1.0)
        bundle = ex._repr_mimebundle_()
        assert base64.b64decode(bundle["image/png"]) == ex.image.value
        assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.model_id
        assert "kernel" in bundle["text/plain"]

    def test_set_values_redraws_once(self):
        ex = maxout_explorer()
        calls = []
        original = ex._update
        ex._update = lambda e, changed: calls.append(changed) or original(e, changed)
        ex.set_values(w1=0.5, b1=0.25)
        assert calls == [None]
        assert ex.state["w1"] == 0.5 and ex.state["b1"] == 0.25


class TestSaturation:
    @pytest.mark.parametrize("z", [-8.0, -3.0, 0.0, 0.5, 3.0])
    def test_sigmoid_readout_is_sigmoid_grad(self, z):
        ex = saturation_explorer("sigmoid")
        ex.controls["z"].value = z
        expected = math.exp(-z) / (1 + math.exp(-z)) ** 2
        assert ex.state["grad"] == pytest.approx(expected, rel=1e-12)
        assert ex.state["grad"] == float(sigmoid_grad(z))
        assert f"{float(sigmoid_grad(z)):.4g}" in ex.readout.value
        marker = ex.artists["marker"]
        np.testing.assert_allclose(marker.get_xdata(), [z, z])
        np.testing.assert_allclose(marker.get_ydata(), [np_sigmoid(z), expected], rtol=1e-12)

    def test_switching_activation_redraws_the_curves(self):
        ex = saturation_explorer("sigmoid", z=1.0)
        ex.controls["activation"].value = "tanh"
        curve = ex.artists["curve"]
        z = curve.f_line.get_xdata()
        np.testing.assert_allclose(curve.f_line.get_ydata(), np.tanh(z), atol=1e-15)
        np.testing.assert_allclose(curve.grad_line.get_ydata(), 1 - np.tanh(z) ** 2, atol=1e-15)
        assert ex.state["grad"] == pytest.approx(1 - math.tanh(1.0) ** 2, rel=1e-12)

    @pytest.mark.parametrize("label, z, saturated", [
        ("sigmoid", 5.9, False), ("sigmoid", 6.1, True),   # sigma' = 0.0025 at |z| = 5.99
        ("tanh", 2.9, False), ("tanh", 3.0, True),         # tanh' = 0.01 at |z| = 2.99
        ("ReLU", -0.5, True), ("ReLU", 0.5, False),
        ("Leaky ReLU", -5.0, False),                       # alpha = 1 % of the peak exactly
    ])
    def test_saturated_flag(self, label, z, saturated):
        ex = saturation_explorer(label, z=z)
        assert ex.state["saturated"] is saturated
        assert ("<b>saturated</b>" in ex.readout.value) is saturated

    def test_sigmoid_shading_starts_where_the_gradient_is_one_percent_of_a_quarter(self):
        curve = saturation_curve("sigmoid", n=801)
        # sigma(1 - sigma) = c  =>  sigma = (1 + sqrt(1 - 4c)) / 2,  z = log(sigma / (1 - sigma))
        c = 0.01 * 0.25
        s = (1 + math.sqrt(1 - 4 * c)) / 2
        edge = math.log(s / (1 - s))
        np.testing.assert_array_equal(curve.saturated, np.abs(curve.z) > edge)
        assert curve.peak_grad == 0.25

    def test_relu_peak_is_one_although_the_grad_at_zero_is_zero(self):
        curve = saturation_curve("relu")
        assert curve.peak_grad == 1.0
        np.testing.assert_array_equal(curve.saturated, curve.z <= 0)

    def test_local_gradient_and_bad_inputs(self):
        assert local_gradient("relu", 0.0) == (0.0, 0.0)
        with pytest.raises(ValueError, match="odd"):
            saturation_curve("tanh", n=10)
        with pytest.raises(ValueError, match="activation must be one of"):
            saturation_explorer("softplus")


class TestMaxout:
    def test_default_is_relu_and_matches_it_exactly(self):
        ex = maxout_explorer()
        assert ex.state["special_case"] == "ReLU" and ex.state["max_abs_diff"] == 0.0
        np.testing.assert_array_equal(ex.artists["out"].get_ydata(), np.maximum(X_GRID, 0))

    @pytest.mark.parametrize("alpha", [0.05, 0.2, 0.5])
    def test_first_slope_alpha_makes_a_leaky_relu(self, alpha):
        ex = maxout_explorer()
        ex.controls["w1"].value = alpha
        assert ex.state["special_case"] == f"Leaky ReLU (α = {alpha:g})"
        assert ex.state["max_abs_diff"] == 0.0
        assert ex.state["out_at_minus_2"] == pytest.approx(-2 * alpha)
        np.testing.assert_allclose(ex.artists["out"].get_ydata(), np.where(X_GRID > 0, X_GRID,
                                                                          alpha * X_GRID))

    def test_general_pieces_and_presets(self):
        ex = maxout_explorer()
        ex.set_values(w1=-0.5, b1=1.0, w2=1.5, b2=-0.25)
        expected = np.maximum(-0.5 * X_GRID + 1.0, 1.5 * X_GRID - 0.25)
        np.testing.assert_allclose(ex.artists["out"].get_ydata(), expected)
        assert ex.state["special_case"] == "" and "none" in ex.readout.value
        assert ex.state["out_at_minus_2"] == pytest.approx(2.0)
        ex.controls["preset_abs"].click()
        np.testing.assert_allclose(ex.artists["out"].get_ydata(), np.abs(X_GRID))
        assert ex.state["special_case"] == "|x|"
        ex.controls["preset_leaky_relu"].click()
        assert (ex.state["w1"], ex.state["b1"], ex.state["w2"], ex.state["b2"]) == (0.1, 0, 1, 0)

    def test_pieces_in_either_order(self):
        assert special_case(1.0, 0.0, 0.3, 0.0)[0] == "Leaky ReLU (α = 0.3)"
        assert special_case(1.0, 0.1, 0.0, 0.0)[0] == ""
        c = maxout_curve(2.0, -1.0, -1.0, 0.5, x=np.array([0.0, 1.0]))
        np.testing.assert_allclose(c.out, [0.5, 1.0])


def independent_deep_stats(activation, scale, depth, width=100, n=200, seed=0):
    """Forward and backward by hand with the explorer's seeds; returns fractions, grad norms."""
    params = init_mlp([width] * (depth + 1) + [10], seed=seed, weight_scale=scale)
    rng = np.random.default_rng(seed + 1)
    h = rng.standard_normal((n, width))
    f = {"tanh": np.tanh, "sigmoid": np_sigmoid, "relu": lambda z: np.maximum(z, 0)}[activation]
    zs, hs = [], [h]
    for W, b in params[:-1]:
        zs.append(hs[-1] @ W + b)
        hs.append(f(zs[-1]))
    dout = rng.standard_normal((n, 10)) / n
    df = {"tanh": lambda z: 1 - np.tanh(z) ** 2,
          "sigmoid": lambda z: np_sigmoid(z) * (1 - np_sigmoid(z)),
          "relu": lambda z: (z > 0).astype(float)}[activation]
    norms = []
    dh = dout @ params[-1][0].T
    for layer in reversed(range(depth)):
        dz = dh * df(zs[layer])
        norms.append(np.linalg.norm(hs[layer].T @ dz))
        dh = dz @ params[layer][0].T
    return zs, hs[1:], np.array(norms[::-1])


class TestWeightScale:
    @pytest.mark.parametrize("activation, scale", [("tanh", 1.0), ("sigmoid", 0.01), ("relu", 0.3)])
    def test_stats_match_a_hand_written_forward_backward(self, activation, scale):
        stats = deep_net_stats(activation, scale, depth=4)
        zs, hs, norms = independent_deep_stats(activation, scale, 4)
        np.testing.assert_allclose(stats.grad_norms, norms, rtol=1e-9)
        np.testing.assert_allclose(stats.stds, [h.std() for h in hs], rtol=1e-9)
        if activation == "relu":
            expected = [np.mean(np.all(z <= 0, axis=0)) for z in zs]
        elif activation == "tanh":  # tanh' < 0.01 * 1
            expected = [np.mean(1 - np.tanh(z) ** 2 < 0.01) for z in zs]
        else:  # sigma' < 0.01 * 1/4
            expected = [np.mean(np_sigmoid(z) * (1 - np_sigmoid(z)) < 0.0025) for z in zs]
        np.testing.assert_allclose(stats.fractions, expected)

    def test_slider_moves_update_the_readout_and_the_histograms(self):
        ex = weight_scale_explorer("tanh", weight_scale=0.1, depth=3)
        assert np.all(ex.state["fractions"] < 0.01)
        ex.controls["weight_scale"].value = 3.0
        zs, hs, norms = independent_deep_stats("tanh", 3.0, 3)
        assert np.all(ex.state["fractions"] > 0.8)
        np.testing.assert_allclose(ex.state["grad_norms"], norms, rtol=1e-9)
        assert f"{norms[0]:.3g}" in ex.readout.value
        # most tanh outputs now sit in the end bins at -1 and +1
        heights = ex.artists["heights"][0]
        assert heights[0] == 1.0 or heights[-1] == 1.0
        widths = [bar.get_width() for bar in ex.artists["bars"]]
        np.testing.assert_allclose(widths[:3], [np.mean(1 - np.tanh(z) ** 2 < 0.01) for z in zs])
        assert widths[3:] == [0.0] * 7
        ex.controls["depth"].value = 7
        assert len(ex.state["grad_norms"]) == 7 and len(ex.artists["heights"]) == 7

    def test_small_sigmoid_weights_vanish_the_gradient_towards_the_input(self):
        ex = weight_scale_explorer("sigmoid", weight_scale=0.01, depth=6)
        norms = ex.state["grad_norms"]
        assert np.all(np.diff(np.log10(norms)) > 1)  # > 10x smaller per layer going down

    def test_relu_dead_fraction_does_not_depend_on_the_scale(self):
        # relu(s z) = s relu(z) for s > 0: the sign pattern, hence deadness, is scale-free
        a = deep_net_stats("relu", 0.01, 6)
        b = deep_net_stats("relu", 3.0, 6)
        assert a.fraction_kind == "dead"
        np.testing.assert_array_equal(a.fractions, b.fractions)

    def test_bad_depth(self):
        with pytest.raises(ValueError, match="depth"):
            deep_net_stats("tanh", 1.0, 0)


class TestNeuronClassifier:
    def test_logistic_readout_is_the_mean_cross_entropy_plus_penalty(self):
        ex = neuron_classifier_explorer()
        ex.set_values(w1=-1.5, w2=-0.5, b=0.25, reg=0.2)
        X, y = DATA
        s = X @ np.array([-1.5, -0.5]) + 0.25
        data_loss = np.mean(np.log1p(np.exp(-(2 * y - 1) * s)))
        penalty = 0.5 * 0.2 * (1.5 ** 2 + 0.5 ** 2)
        assert ex.state["data_loss"] == pytest.approx(data_loss, rel=1e-12)
        assert ex.state["penalty"] == pytest.approx(penalty, rel=1e-12)
        assert ex.state["accuracy"] == np.mean((s > 0) == (y == 1))
        assert f"{data_loss + penalty:.4f}" in ex.readout.value

    def test_hinge_readout_and_margin_lines(self):
        ex = neuron_classifier_explorer(loss="hinge", reg=0.0)
        ex.set_values(w1=-2.0, w2=-1.0, b=0.5)
        X, y = DATA
        s = X @ np.array([-2.0, -1.0]) + 0.5
        assert ex.state["data_loss"] == pytest.approx(np.mean(np.maximum(0, 1 - (2 * y - 1) * s)))
        for line, level in zip([ex.artists["boundary"], *ex.artists["margins"]], (0, 1, -1)):
            xs, ys = line.get_data()
            np.testing.assert_allclose(-2.0 * xs - 1.0 * ys + 0.5, level, atol=1e-12)

    def test_shading_is_the_probability_of_class_one(self):
        ex = neuron_classifier_explorer(w1=1.0, w2=2.0, b=-0.5)
        image = ex.artists["regions"].image
        x0, x1, y0, y1 = image.get_extent()
        corner = np.asarray(image.get_array())[0, 0]  # origin="lower": (xmin, ymin)
        assert corner == pytest.approx(np_sigmoid(1.0 * x0 + 2.0 * y0 - 0.5), rel=1e-12)

    def test_l2_step_shrinks_the_weights_by_one_minus_lr_times_reg(self):
        ex = neuron_classifier_explorer(w1=2.0, w2=-1.0, b=0.3, reg=0.4)
        ex.controls["l2_step"].click()
        assert ex.controls["w1"].value == pytest.approx(2.0 * (1 - 0.5 * 0.4))
        assert ex.controls["w2"].value == pytest.approx(-1.0 * (1 - 0.5 * 0.4))
        assert ex.controls["b"].value == 0.3  # the bias is not regularised
        ex.controls["l2_step"].click()
        assert ex.state["w1"] == pytest.approx(2.0 * 0.8 ** 2)

    def test_gradient_step_follows_the_logistic_gradient(self):
        ex = neuron_classifier_explorer(w1=-1.0, w2=0.5, b=0.0, reg=0.1)
        X, y = DATA
        w = np.array([-1.0, 0.5])
        ds = (np_sigmoid(X @ w) - y) / len(y)
        ex.controls["gradient_step"].click()
        expected = w - 0.5 * (X.T @ ds + 0.1 * w)
        assert [ex.state["w1"], ex.state["w2"]] == pytest.approx(list(expected), rel=1e-10)
        assert ex.state["b"] == pytest.approx(-0.5 * ds.sum(), rel=1e-10)

    def test_helpers(self):
        np.testing.assert_allclose(l2_step(np.array([1.0, -2.0]), reg=1.0, lr=0.25), [0.75, -1.5])
        assert boundary_segment(np.zeros(2), 1.0, (0, 1, 0, 1))[0].size == 0
        xs, ys = boundary_segment(np.array([2.0, 0.0]), -1.0, (0, 1, -3, 3))
        np.testing.assert_allclose(xs, [0.5, 0.5])
        with pytest.raises(ValueError, match="logistic"):
            neuron_fit(*make_blobs(10), np.zeros(2), 0.0, loss="squared")


class TestDeadRelu:
    def test_lines_show_the_training_history(self):
        ex = dead_relu_explorer(lr=0.1)
        history = ex.state["history"]
        for line, column in zip(ex.artists["dead"], history.dead_fraction.T):
            np.testing.assert_array_equal(line.get_ydata(), column)
        np.testing.assert_array_equal(ex.state["final_dead_fraction"], history.dead_fraction[-1])

    def test_high_learning_rate_kills_many_units_and_second_visit_is_cached(self):
        ex = dead_relu_explorer(lr=0.1)
        low = ex.state["final_dead_fraction"]
        ex.controls["lr"].value = 10 ** 0.5
        high = ex.state["final_dead_fraction"]
        assert high.max() >= 0.4 > low.max()
        ex.controls["lr"].value = 0.1
        assert ex.state["cached"] is True
        np.testing.assert_array_equal(ex.state["final_dead_fraction"], low)

    def test_dead_fraction_is_recomputable_from_the_data(self):
        # the first recorded step is at the initial weights: check it by hand
        history = train_dead_relu(0.1, 0.0)
        X, y = make_spiral(200, n_classes=2, seed=0)
        (W1, b1), (W2, b2), _ = init_mlp([2, 32, 32, 2], seed=0)
        z1 = X @ W1 + b1
        z2 = np.maximum(z1, 0) @ W2 + b2
        expected = [np.mean(np.all(z1 <= 0, axis=0)), np.mean(np.all(z2 <= 0, axis=0))]
        np.testing.assert_allclose(history.dead_fraction[0], expected)

    def test_leaky_activation(self):
        z = np.array([-2.0, 0.0, 3.0])
        act = leaky_activation(0.2)
        np.testing.assert_allclose(act.fn(z), [-0.4, 0.0, 3.0])
        np.testing.assert_allclose(act.grad(z), [0.2, 0.2, 1.0])
        with pytest.raises(ValueError, match=">= 0"):
            leaky_activation(-0.1)


def softmax_loss_by_hand(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(len(y)), y])


DATASETS_BY_HAND = {"xor": make_xor, "spiral": make_spiral, "blobs": make_blobs}


def train_one_hidden_layer_by_hand(units, X, y, lr, reg, steps):
    """Full-batch descent on softmax + L2 for one PReLU or maxout layer, gradients by hand.

    Returns per step (loss, dead units, saturated fraction) before the update, and the
    trained network as a function of X returning scores.
    """
    k = int(y.max()) + 1
    (W1, b1), (V, c) = init_mlp([2, 20, k], seed=0)
    (W2, b2), _ = init_mlp([2, 20, k], seed=1)
    alpha = np.full(20, 0.25)
    onehot, n = np.eye(k)[y], len(y)

    def hidden(x):
        z1, z2 = x @ W1 + b1, x @ W2 + b2
        if units == "prelu":
            return np.where(z1 > 0, z1, alpha * z1), z1, z2
        return np.where(z2 > z1, z2, z1), z1, z2  # a tie goes to the first piece

    record = []
    for _ in range(steps):
        h, z1, z2 = hidden(X)
        scores = h @ V + c
        weights = [W1, V] if units == "prelu" else [W1, W2, V]
        loss = softmax_loss_by_hand(scores, y) + 0.5 * reg * sum(np.sum(W * W) for W in weights)
        if units == "prelu":
            dead = int(np.all(z1 <= 0, axis=0).sum())
            saturated = float(np.mean((z1 <= 0) & (np.abs(alpha) < 0.01)))
        else:
            second = z2 > z1
            dead, saturated = int((second.all(axis=0) | (~second).all(axis=0)).sum()), 0.0
        record.append((loss, dead, saturated))
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        ds = (e / e.sum(axis=1, keepdims=True) - onehot) / n
        dh = ds @ V.T
        V, c = V - lr * (h.T @ ds + reg * V), c - lr * ds.sum(axis=0)
        if units == "prelu":
            dz1 = dh * np.where(z1 > 0, 1.0, alpha)
            alpha = alpha - lr * np.sum(dh * np.where(z1 > 0, 0.0, z1), axis=0)
        else:
            dz1, dz2 = dh * ~second, dh * second
            W2, b2 = W2 - lr * (X.T @ dz2 + reg * W2), b2 - lr * dz2.sum(axis=0)
        W1, b1 = W1 - lr * (X.T @ dz1 + reg * W1), b1 - lr * dz1.sum(axis=0)
    return record, lambda x: hidden(x)[0] @ V + c


class TestPlayground:
    def test_first_step_records_the_loss_at_the_initial_weights(self):
        ex = playground("xor", hidden="8", activation="tanh", lr=0.3, reg=1e-3)
        assert ex.state["step"] == 0
        ex.controls["step"].click()
        X, y = make_xor(n=200, seed=0)
        (W1, b1), (W2, b2) = init_mlp([2, 8, 2], seed=0)
        scores = np.tanh(X @ W1 + b1) @ W2 + b2
        expected = softmax_loss_by_hand(scores, y) + 0.5e-3 * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
        assert ex.state["step"] == 1
        assert ex.state["loss"] == pytest.approx(expected, rel=1e-10)
        assert f"{expected:.4f}" in ex.readout.value

    def test_training_learns_xor_and_settings_reset(self):
        ex = playground("xor", hidden="8-8", activation="relu", lr=0.3)
        before = ex.image.value
        ex.controls["train"].click()
        ex.controls["train"].click()
        assert ex.state["step"] == 200 and ex.state["accuracy"] > 0.9
        assert ex.image.value != before
        assert len(ex.artists["loss"].get_xdata()) == 200
        ex.controls["dataset"].value = "circles"
        assert ex.state["step"] == 0
        ex.controls["train"].click()
        ex.controls["reset"].click()
        assert ex.state["step"] == 0

    def test_regions_show_the_networks_probability_of_class_one(self):
        ex = playground("blobs", hidden="3", activation="sigmoid")
        ex.controls["train"].click()
        params = ex.artists["run"].params
        image = ex.artists["regions"].image
        x0, _, y0, _ = image.get_extent()
        (W1, b1), (W2, b2) = params
        s = np_sigmoid(np.array([x0, y0]) @ W1 + b1) @ W2 + b2
        p1 = np.exp(s[1]) / np.exp(s).sum()
        assert np.asarray(image.get_array())[0, 0] == pytest.approx(p1, rel=1e-9)

    def test_dead_counts_per_layer_in_the_readout(self):
        ex = playground("spiral", hidden="16-16", activation="relu", lr=10.0)
        ex.controls["train"].click()
        dead = ex.state["dead"]
        sizes = HIDDEN_CHOICES["16-16"]
        for i, (d, m) in enumerate(zip(dead, sizes)):
            assert f"layer {i + 1}: {round(d * m)}/{m} dead" in ex.readout.value

    def test_divergence_is_reported_and_stops_the_count(self):
        ex = playground("xor", hidden="16-16-16", activation="leaky_relu", lr=10.0)
        ex.controls["train"].click()
        diverged = ex.state["diverged_at"]
        assert diverged is not None and ex.state["step"] == diverged
        assert len(ex.artists["run"].loss) == diverged  # steps with finite parameters only
        ex.controls["train"].click()  # the parameters are not finite: nothing more happens
        assert ex.state["step"] == diverged and ex.state["diverged_at"] == diverged
        assert f"diverged at step {diverged}" in ex.readout.value

    @pytest.mark.parametrize("units", ["prelu", "maxout"])
    def test_selecting_prelu_or_maxout_then_one_step(self, units):
        ex = playground("xor", hidden="8", activation="relu", lr=0.3, reg=1e-3)
        ex.controls["train"].click()
        ex.controls["activation"].value = units  # chosen in the dropdown: fresh weights
        assert ex.state["step"] == 0
        ex.controls["step"].click()
        X, y = make_xor(n=200, seed=0)
        (W1, b1), (V, c) = init_mlp([2, 8, 2], seed=0)
        if units == "prelu":  # slopes start at 0.25 (He et al. 2015)
            z = X @ W1 + b1
            h, weights = np.where(z > 0, z, 0.25 * z), [W1, V]
            dead, label = np.all(z <= 0, axis=0).sum(), "all-negative"
        else:  # second pieces drawn like the first with the next seed
            (W2, b2), _ = init_mlp([2, 8, 2], seed=1)
            second = X @ W2 + b2 > X @ W1 + b1
            h, weights = np.maximum(X @ W1 + b1, X @ W2 + b2), [W1, W2, V]
            dead, label = (second.all(axis=0) | (~second).all(axis=0)).sum(), "one-piece"
        expected = softmax_loss_by_hand(h @ V + c, y) + 0.5e-3 * sum(np.sum(W ** 2) for W in weights)
        assert ex.state["step"] == 1
        assert ex.state["loss"] == pytest.approx(expected, rel=1e-10)
        assert f"{expected:.4f}" in ex.readout.value
        assert f"layer 1: {dead}/8 {label}, 0 % saturated" in ex.readout.value

    @pytest.mark.parametrize("units, dataset, lr", [("prelu", "xor", 0.3), ("prelu", "spiral", 1.0),
                                                   ("maxout", "xor", 3.0)])
    def test_training_new_units_matches_a_loop_written_here(self, units, dataset, lr):
        ex = playground(dataset, hidden="20", activation="sigmoid", lr=lr, reg=1e-3)
        ex.controls["activation"].value = units
        ex.controls["train"].click()
        X, y = DATASETS_BY_HAND[dataset](n=200, seed=0)
        record, final = train_one_hidden_layer_by_hand(units, X, y, lr, 1e-3, 100)
        loss, dead, saturated = record[-1]  # the readout shows the step before the last update
        assert ex.state["step"] == 100
        assert ex.state["loss"] == pytest.approx(loss, rel=1e-9)
        assert ex.state["dead"][0] == dead / 20 and ex.state["saturated"][0] == pytest.approx(saturated)
        label = {"prelu": "all-negative", "maxout": "one-piece"}[units]
        assert f"layer 1: {dead}/20 {label}, {100 * saturated:.0f} % saturated" in ex.readout.value
        # The regions show the trained network's P(class 1) at the grid's corner.
        image = ex.artists["regions"].image
        x0, _, y0, _ = image.get_extent()
        s = final(np.array([[x0, y0]]))[0]
        assert np.asarray(image.get_array())[0, 0] == pytest.approx(np.exp(s[1]) / np.exp(s).sum(), rel=1e-8)

    def test_class_probabilities(self):
        p = class_probabilities(np.array([[1.0, 2.0, 3.0]]))
        e = np.exp([1.0, 2.0, 3.0])
        np.testing.assert_allclose(p, [e / e.sum()])


def test_static_html_without_a_kernel_shows_the_figure_as_png():
    """nbconvert with no widget state (as GitHub and a JupyterLab save give) falls back to PNG."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from nnkit.explore import saturation_explorer\nsaturation_explorer('tanh', z=1.0)")]
    repo = Path(__file__).resolve().parents[1]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(repo)}}).execute()
    html, _ = HTMLExporter().from_notebook_node(nb)
    found = re.findall(r'<img[^>]*src="data:image/png;base64,([^"]+)"', html)
    assert len(found) == 1, "the explorer's static PNG is missing from the HTML"
    png = base64.b64decode(found[0])
    assert png[:4] == b"\x89PNG"
    assert struct.unpack(">II", png[16:24]) == (520, 256)  # 6.5 x 3.2 inches at 80 dpi
