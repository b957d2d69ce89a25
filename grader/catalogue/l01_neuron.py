r"""Lesson 01_neuron: one neuron as a vectorised weighted sum, and the sigmoid."""
from __future__ import annotations

import numpy as np

from ..plan import activation, call, inp, make_plan
from ..spec import Case, Exercise, Mistake
from ._inputs import EXTREMES, normal, shape

LESSON = "01_neuron"


def _sigmoid_public():
    return [
        Case("small values", {"z": np.array([-2.0, -1.0, 0.0, 1.0, 2.0])}),
        Case("2-D input keeps its shape", {"z": np.array([[0.5, -0.5, 3.0], [-3.0, 4.0, 0.0]])}),
        Case("large |z| (overflow?)", {"z": EXTREMES.copy()}),
        Case("float32 stays float32", {"z": np.array([-3.0, 0.0, 3.0], dtype=np.float32)}),
        Case("integers become float64", {"z": np.array([-1, 0, 1])}),
    ]


def _sigmoid_hidden(rng):
    return [
        Case("random 2-D", {"z": normal(rng, shape(rng, 2), scale=5)}),
        Case("random float32", {"z": normal(rng, shape(rng, 1), dtype=np.float32)}),
        Case("random tails", {"z": normal(rng, (12,), scale=600)}),
    ]


SIGMOID = Exercise(
    name="sigmoid", lesson=LESSON, points=2,
    plan=make_plan(call("sigmoid", inp("z"))),
    public=_sigmoid_public, hidden=_sigmoid_hidden,
    mistakes=(
        Mistake("naive exp overflows",
                "np.exp(-z) overflows for large negative z. Compute with e = exp(-|z|), which "
                "never exceeds 1: sigmoid = 1/(1+e) where z >= 0 and e/(1+e) where z < 0.",
                warning="overflow"),
        Mistake("sign flipped", "This is sigmoid(-z): the exponent should be exp(-z), not exp(z).",
                variant=lambda i: 1 / (1 + np.exp(np.clip(i["z"], -700, 700)))),
        Mistake("tanh instead", "This is tanh(z), not the sigmoid 1/(1+exp(-z)) (tanh = 2*sigmoid(2z) - 1).",
                variant=lambda i: np.tanh(i["z"])),
    ),
)


def _neuron_public():
    x = np.array([[1.0, 2.0, -1.0], [0.0, 0.5, 0.5], [-2.0, 1.0, 3.0], [0.0, 0.0, 0.0]])
    rng = np.random.default_rng(101)
    return [
        Case("4 examples, tanh", {"x": x, "w": np.array([0.5, -0.25, 1.0]), "b": 0.1}),
        Case("one example", {"x": np.array([[3.0, -1.0]]), "w": np.array([1.0, 2.0]), "b": -0.5}),
        Case("large batch (vectorised?)", {"x": rng.standard_normal((20_000, 16)),
                                           "w": rng.standard_normal(16), "b": 0.3},
             time_budget=0.05),
    ]


def _neuron_hidden(rng):
    n, d = shape(rng, 2)
    return [Case("random batch", {"x": normal(rng, (n, d), 1.0), "w": normal(rng, (d,), 1.0),
                                  "b": float(rng.normal())})]


NEURON_FORWARD = Exercise(
    name="neuron_forward", lesson=LESSON, points=3,
    plan=make_plan(call("neuron_forward", inp("x"), inp("w"), inp("b"), activation("tanh"))),
    public=_neuron_public, hidden=_neuron_hidden,
    mistakes=(
        Mistake("bias forgotten", "The bias b is missing: the neuron computes f(x @ w + b).",
                variant=lambda i: np.tanh(i["x"] @ i["w"])),
        Mistake("activation not applied",
                "These are the weighted sums x @ w + b; apply the activation argument to them.",
                variant=lambda i: i["x"] @ i["w"] + i["b"]),
        Mistake("activation on the inputs",
                "The activation is applied before the weighted sum; it belongs after it: f(x @ w + b).",
                variant=lambda i: np.tanh(i["x"]) @ i["w"] + i["b"]),
    ),
)

EXERCISES = (NEURON_FORWARD, SIGMOID)
# Helpers that would rebuild a graded function in one line; hidden from the child too.
ALSO_BLOCKED = ("log_sigmoid", "predict_proba")
