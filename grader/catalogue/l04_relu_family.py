r"""Lesson 04_relu_family: ReLU, Leaky ReLU, PReLU and the dead-unit monitor."""
from __future__ import annotations

import numpy as np

from ..plan import call, inp, make_plan, saved
from ..spec import Case, Exercise, Mistake
from ._inputs import normal, shape, with_exact_zeros

LESSON = "04_relu_family"
_KINKS = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0], [3.0, 0.0, -1e-12, 1e-12, -7.0]])


def _z_public():
    return [
        Case("2-D with exact zeros", {"z": _KINKS.copy()}),
        Case("float32 stays float32", {"z": np.array([-3.0, 0.0, 3.0], dtype=np.float32)}),
        Case("1-D", {"z": np.array([-1.0, 1.0])}),
        Case("integers become float64", {"z": np.array([-2, 0, 3])}),
    ]


def _z_hidden(rng):
    return [Case("random with zeros", {"z": with_exact_zeros(rng, normal(rng, shape(rng, 2)))}),
            Case("random float32", {"z": normal(rng, shape(rng, 1), dtype=np.float32)})]


def _leaky_public():
    return [Case(label + ", alpha = 0.2", dict(c.inputs, alpha=0.2)) for label, c in
            (("2-D with exact zeros", _z_public()[0]), ("float32", _z_public()[1]),
             ("integers become float64", _z_public()[3]))]


def _leaky_hidden(rng):
    return [Case(c.label, dict(c.inputs, alpha=float(rng.uniform(0.05, 0.3)))) for c in _z_hidden(rng)]


def _integer_result(correct):
    """The mistake of keeping an integer input's dtype: alpha * z is cut to an integer."""
    def variant(inputs):
        z = inputs["z"]
        if z.dtype.kind not in "iu":
            raise ValueError("only integer inputs can show this mistake")  # skipped by judge
        return correct(inputs).astype(z.dtype)
    return Mistake("integer result", "Integer input must give float64 (convert with z.astype(float) "
                   "first): kept as integers, alpha * z and alpha are cut to whole numbers.",
                   variant=variant)


RELU = Exercise(
    name="relu", lesson=LESSON, points=1, plan=make_plan(call("relu", inp("z"))),
    public=_z_public, hidden=_z_hidden,
    mistakes=(Mistake("absolute value", "This is |z|; ReLU keeps positives and sets negatives to 0.",
                      variant=lambda i: np.abs(i["z"])),),
)

RELU_GRAD = Exercise(
    name="relu_grad", lesson=LESSON, points=1, plan=make_plan(call("relu_grad", inp("z"))),
    public=_z_public, hidden=_z_hidden,
    mistakes=(
        Mistake("1 at the kink",
                "At exactly z = 0 this course takes the derivative as 0 (z > 0, not z >= 0).",
                variant=lambda i: (i["z"] >= 0).astype(i["z"].dtype)),
        Mistake("gradient of the wrong function", "This is relu(z) itself, not its derivative.",
                variant=lambda i: np.maximum(i["z"], 0)),
    ),
)

LEAKY_RELU = Exercise(
    name="leaky_relu", lesson=LESSON, points=1,
    plan=make_plan(call("leaky_relu", inp("z"), alpha=inp("alpha"))),
    public=_leaky_public, hidden=_leaky_hidden,
    mistakes=(_integer_result(lambda i: np.where(i["z"] > 0, i["z"], i["alpha"] * i["z"])),
              Mistake("alpha ignored", "The slope for negative z must be the alpha argument, not a fixed 0.01.",
                      variant=lambda i: np.where(i["z"] > 0, i["z"], 0.01 * i["z"])),
              Mistake("plain ReLU", "Negative inputs must be scaled by alpha, not set to 0.",
                      variant=lambda i: np.maximum(i["z"], 0))),
)

LEAKY_RELU_GRAD = Exercise(
    name="leaky_relu_grad", lesson=LESSON, points=1,
    plan=make_plan(call("leaky_relu_grad", inp("z"), alpha=inp("alpha"))),
    public=_leaky_public, hidden=_leaky_hidden,
    mistakes=(_integer_result(lambda i: np.where(i["z"] > 0, 1.0, i["alpha"])),
              Mistake("1 at the kink", "At exactly z = 0 the derivative is alpha here (z > 0 gets 1).",
                      variant=lambda i: np.where(i["z"] >= 0, 1.0, i["alpha"]).astype(i["z"].dtype)),
              Mistake("ReLU's derivative", "Negative inputs have slope alpha, not 0.",
                      variant=lambda i: (i["z"] > 0).astype(i["z"].dtype))),
)


def _prelu_public():
    return [
        Case("3 examples, 2 units", {"x": np.array([[-1.0, 2.0], [0.5, -3.0], [0.0, -0.5]]),
                                     "alpha": np.array([0.1, 0.25]),
                                     "dout": np.array([[1.0, -1.0], [2.0, 0.5], [1.0, 1.0]])}),
        Case("square input (which axis is the unit?)",
             {"x": np.array([[-1.0, -2.0], [-3.0, 4.0]]), "alpha": np.array([0.1, 0.5]),
              "dout": np.ones((2, 2))}),
    ]


def _prelu_hidden(rng):
    n, m = shape(rng, 2)
    return [Case("random", {"x": with_exact_zeros(rng, normal(rng, (n, m))),
                            "alpha": rng.uniform(0.0, 0.5, m), "dout": normal(rng, (n, m), 1.0)})]


PRELU_FORWARD = Exercise(
    name="prelu_forward", lesson=LESSON, points=2,
    plan=make_plan(call("prelu_forward", inp("x"), inp("alpha")), item=0),
    public=_prelu_public, hidden=_prelu_hidden,
    mistakes=(Mistake("slopes per example", "alpha has one slope per unit (column), so it "
                      "broadcasts along rows: alpha * x, not alpha[:, None] * x.",
                      variant=lambda i: np.where(i["x"] > 0, i["x"], i["alpha"][:, None] * i["x"])),),
)


def _dalpha_all(i):
    dx = i["dout"] * np.where(i["x"] > 0, 1, i["alpha"])
    return dx, np.sum(i["dout"] * i["x"], axis=0)


PRELU_BACKWARD = Exercise(
    name="prelu_backward", lesson=LESSON, points=2,
    plan=make_plan(call("prelu_forward", inp("x"), inp("alpha"), save="fwd"),
                   call("prelu_backward", inp("dout"), saved("fwd", 1))),
    public=_prelu_public, hidden=_prelu_hidden,
    mistakes=(Mistake("dalpha counts positive inputs",
                      "Only inputs with x <= 0 depend on alpha: dalpha sums dout * x over those.",
                      variant=_dalpha_all),),
)


def _dead_public():
    return [
        Case("one dead unit, one at exactly 0", {"z": np.array([[1.0, -1.0, 0.0], [-2.0, -0.5, 0.0]])}),
        Case("all alive", {"z": np.array([[1.0, 2.0], [-1.0, 3.0]])}),
    ]


def _dead_hidden(rng):
    z = normal(rng, (8, 6))
    z[:, :3] = -np.abs(z[:, :3])
    z[:, 3] = 0
    return [Case("random", {"z": z[:, rng.permutation(6)]})]


DEAD_FRACTION = Exercise(
    name="dead_fraction", lesson=LESSON, points=2, plan=make_plan(call("dead_fraction", inp("z"))),
    public=_dead_public, hidden=_dead_hidden,
    mistakes=(
        Mistake("entries instead of units",
                "That is the fraction of entries <= 0. A unit (column) is dead only when it is <= 0 "
                "on every example (row).", variant=lambda i: float(np.mean(i["z"] <= 0))),
        Mistake("strict inequality",
                "A unit whose pre-activation is exactly 0 is dead too (relu_grad(0) = 0): use z <= 0.",
                variant=lambda i: float(np.mean(np.all(i["z"] < 0, axis=0)))),
        Mistake("rows instead of columns", "Units are columns: test along axis 0 (over examples).",
                variant=lambda i: float(np.mean(np.all(i["z"] <= 0, axis=1)))),
    ),
)

EXERCISES = (RELU, RELU_GRAD, LEAKY_RELU, LEAKY_RELU_GRAD, PRELU_FORWARD, PRELU_BACKWARD,
             DEAD_FRACTION)
ALSO_BLOCKED = ("dead_units",)
