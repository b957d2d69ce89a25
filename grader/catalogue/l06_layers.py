r"""Lesson 06_layers: dense layers, an MLP forward pass, counting parameters."""
from __future__ import annotations

import numpy as np

from ..plan import call, inp, make_plan, record, saved
from ..spec import Case, Exercise, Mistake
from ._inputs import normal

LESSON = "06_layers"


def _dense_inputs(rng, n, d, m):
    return {"x": normal(rng, (n, d), 1.0), "W": normal(rng, (d, m), 1.0), "b": normal(rng, (m,), 0.5),
            "dout": normal(rng, (n, m), 1.0)}


def _dense_public():
    rng = np.random.default_rng(601)
    return [Case("4 examples, 3 inputs, 2 units", _dense_inputs(rng, 4, 3, 2)),
            Case("square W (transposed?)", _dense_inputs(rng, 3, 3, 3))]


def _dense_hidden(rng):
    return [Case("random", _dense_inputs(rng, *(int(v) for v in rng.integers(2, 7, 3))))]


DENSE_FORWARD = Exercise(
    name="dense_forward", lesson=LESSON, points=2,
    plan=make_plan(call("dense_forward", inp("x"), inp("W"), inp("b")), item=0),
    public=_dense_public, hidden=_dense_hidden,
    mistakes=(Mistake("bias forgotten", "The bias b is missing: out = x @ W + b.",
                      variant=lambda i: i["x"] @ i["W"]),
              Mistake("W transposed", "W is (D, M) here, so out = x @ W + b (not x @ W.T).",
                      variant=lambda i: i["x"] @ i["W"].T + i["b"])),
)

DENSE_BACKWARD = Exercise(
    name="dense_backward", lesson=LESSON, points=3,
    plan=make_plan(call("dense_forward", inp("x"), inp("W"), inp("b"), save="fwd"),
                   call("dense_backward", inp("dout"), saved("fwd", 1))),
    public=_dense_public, hidden=_dense_hidden,
    mistakes=(Mistake("dx without the transpose", "dx = dout @ W.T (shape (N, D)).",
                      variant=lambda i: (i["dout"] @ i["W"], i["x"].T @ i["dout"], i["dout"].sum(0))),
              Mistake("averaged over N", "The loss already averaged over examples; dW = x.T @ dout and "
                      "db = dout.sum(axis=0), without dividing by N.",
                      variant=lambda i: (i["dout"] @ i["W"].T, i["x"].T @ i["dout"] / len(i["x"]),
                                         i["dout"].mean(0)))),
)


def _mlp_inputs(rng, sizes, n):
    params = [(normal(rng, (a, b), 1.0), normal(rng, (b,), 0.5)) for a, b in zip(sizes[:-1], sizes[1:])]
    return {"x": normal(rng, (n, sizes[0]), 1.0), "params": params}


def _mlp_public():
    return [Case("3-4-2 network, tanh", _mlp_inputs(np.random.default_rng(602), [3, 4, 2], 5)),
            Case("3-4-4-1 network, tanh", _mlp_inputs(np.random.default_rng(603), [3, 4, 4, 1], 2))]


def _mlp_hidden(rng):
    sizes = [int(v) for v in rng.integers(1, 6, int(rng.integers(3, 5)))]
    return [Case("random network", _mlp_inputs(rng, sizes, int(rng.integers(2, 6))))]


def _mlp_output_activation(i):
    h = i["x"]
    for W, b in i["params"]:
        h = np.tanh(h @ W + b)
    return h


def _mlp_linear(i):
    h = i["x"]
    for W, b in i["params"]:
        h = h @ W + b
    return h


MLP_FORWARD = Exercise(
    name="mlp_forward", lesson=LESSON, points=3,
    plan=make_plan(call("mlp_forward", inp("x"), inp("params"), record("tanh")), item=0),
    public=_mlp_public, hidden=_mlp_hidden,
    mistakes=(Mistake("activation on the output layer",
                      "The output layer has no activation: scores are the last layer's x @ W + b.",
                      variant=_mlp_output_activation),
              Mistake("no activation", "Hidden layers apply the activation argument after x @ W + b.",
                      variant=_mlp_linear)),
)


def _count_public():
    return [Case("3-4-2", {"sizes": [3, 4, 2]}), Case("3-4-4-1", {"sizes": [3, 4, 4, 1]}),
            Case("one layer 2-1", {"sizes": [2, 1]})]


def _count_hidden(rng):
    return [Case("random sizes", {"sizes": [int(v) for v in rng.integers(1, 50, int(rng.integers(2, 6)))]})]


COUNT_PARAMETERS = Exercise(
    name="count_parameters", lesson=LESSON, points=1,
    plan=make_plan(call("count_parameters", inp("sizes"))),
    public=_count_public, hidden=_count_hidden, rtol=0, atol=0,
    mistakes=(Mistake("biases forgotten", "Each layer also has one bias per output unit.",
                      variant=lambda i: sum(a * b for a, b in zip(i["sizes"][:-1], i["sizes"][1:]))),
              Mistake("input layer counted", "The input layer has no parameters (no biases either).",
                      variant=lambda i: sum(a * b for a, b in zip(i["sizes"][:-1], i["sizes"][1:]))
                      + sum(i["sizes"]))),
)

EXERCISES = (DENSE_FORWARD, DENSE_BACKWARD, MLP_FORWARD, COUNT_PARAMETERS)
ALSO_BLOCKED = ()
