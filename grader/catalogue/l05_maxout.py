r"""Lesson 05_maxout: a maxout layer of two linear pieces, forward and backward."""
from __future__ import annotations

import numpy as np

from ..plan import call, inp, make_plan, saved
from ..spec import Case, Exercise, Mistake
from ._inputs import normal

LESSON = "05_maxout"
_ARGS = ("x", "W1", "b1", "W2", "b2")


def _inputs(rng, n, d, m):
    return {"x": normal(rng, (n, d), 1.0), "W1": normal(rng, (d, m), 1.0), "b1": normal(rng, (m,), 0.5),
            "W2": normal(rng, (d, m), 1.0), "b2": normal(rng, (m,), 0.5), "dout": normal(rng, (n, m), 1.0)}


def _public():
    relu_like = {"x": np.array([[-2.0], [3.0], [0.5]]), "W1": np.zeros((1, 2)), "b1": np.zeros(2),
                 "W2": np.array([[1.0, -1.0]]), "b2": np.zeros(2), "dout": np.ones((3, 2))}
    return [Case("ReLU as a maxout unit", relu_like),
            Case("4 examples, 3 inputs, 2 units", _inputs(np.random.default_rng(501), 4, 3, 2))]


def _hidden(rng):
    return [Case("random", _inputs(rng, *(int(v) for v in rng.integers(2, 6, 3))))]


def _pieces(i):
    return i["x"] @ i["W1"] + i["b1"], i["x"] @ i["W2"] + i["b2"]


MAXOUT_FORWARD = Exercise(
    name="maxout_forward", lesson=LESSON, points=2,
    plan=make_plan(call("maxout_forward", *map(inp, _ARGS)), item=0),
    public=_public, hidden=_hidden,
    mistakes=(Mistake("minimum instead", "Maxout takes the elementwise maximum of the pieces.",
                      variant=lambda i: np.minimum(*_pieces(i))),
              Mistake("one piece only", "Both linear pieces count: max(x W1 + b1, x W2 + b2).",
                      variant=lambda i: _pieces(i)[0])),
)


def _both_pieces(i):
    g = i["dout"]
    return (g @ i["W1"].T + g @ i["W2"].T, i["x"].T @ g, g.sum(0), i["x"].T @ g, g.sum(0))


MAXOUT_BACKWARD = Exercise(
    name="maxout_backward", lesson=LESSON, points=3,
    plan=make_plan(call("maxout_forward", *map(inp, _ARGS), save="fwd"),
                   call("maxout_backward", inp("dout"), saved("fwd", 1))),
    public=_public, hidden=_hidden,
    mistakes=(Mistake("gradient sent to both pieces",
                      "Only the winning piece of each output receives dout; the other gets 0.",
                      variant=_both_pieces),),
)

EXERCISES = (MAXOUT_FORWARD, MAXOUT_BACKWARD)
ALSO_BLOCKED = ()
