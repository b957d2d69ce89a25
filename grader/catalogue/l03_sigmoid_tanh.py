r"""Lesson 03_sigmoid_tanh: the sigmoid's derivative, tanh and its derivative."""
from __future__ import annotations

import numpy as np

from ..plan import call, inp, make_plan
from ..spec import Case, Exercise, Mistake
from ._inputs import EXTREMES, normal, shape

LESSON = "03_sigmoid_tanh"


def _sig(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


def _public():
    return [
        Case("small values", {"z": np.array([-2.0, -1.0, 0.0, 1.0, 2.0])}),
        Case("2-D input keeps its shape", {"z": np.array([[0.5, -0.5, 3.0], [-3.0, 4.0, 0.0]])}),
        Case("large |z| (overflow?)", {"z": EXTREMES.copy()}),
        Case("float32 stays float32", {"z": np.array([-3.0, 0.0, 3.0], dtype=np.float32)}),
    ]


def _hidden(rng):
    return [
        Case("random 2-D", {"z": normal(rng, shape(rng, 2), scale=4)}),
        Case("random float32", {"z": normal(rng, shape(rng, 1), dtype=np.float32)}),
        Case("random tails", {"z": normal(rng, (10,), scale=500)}),
    ]


_OVERFLOW = Mistake(
    "naive exp overflows",
    "An exponential overflows for large |z|. Rewrite with exp(-|z|), which stays in (0, 1].",
    warning="overflow")
_INVALID = Mistake(
    "inf/inf", "inf/inf or inf-inf gives nan for large |z|: rewrite with exp(-|z|) or use np.tanh.",
    warning="invalid value")

SIGMOID_GRAD = Exercise(
    name="sigmoid_grad", lesson=LESSON, points=2,
    plan=make_plan(call("sigmoid_grad", inp("z"))), public=_public, hidden=_hidden,
    mistakes=(
        _OVERFLOW,
        Mistake("gradient of the wrong function", "This is sigmoid(z) itself, not its derivative.",
                variant=lambda i: _sig(i["z"])),
        Mistake("z taken for the output",
                "z*(1-z) treats z as the sigmoid's output. With z the input, compute s = sigmoid(z) "
                "first: s*(1-s).", variant=lambda i: i["z"] * (1 - i["z"])),
    ),
)

TANH = Exercise(
    name="tanh", lesson=LESSON, points=2,
    plan=make_plan(call("tanh", inp("z"))), public=_public, hidden=_hidden,
    mistakes=(
        _OVERFLOW, _INVALID,
        Mistake("inner factor 2 missing", "tanh(z) = 2*sigmoid(2z) - 1: the 2 inside the sigmoid is missing.",
                variant=lambda i: 2 * _sig(i["z"]) - 1),
        Mistake("sigmoid instead", "This is the sigmoid; tanh(z) = 2*sigmoid(2z) - 1 ranges over (-1, 1).",
                variant=lambda i: _sig(i["z"])),
    ),
)

TANH_GRAD = Exercise(
    name="tanh_grad", lesson=LESSON, points=2,
    plan=make_plan(call("tanh_grad", inp("z"))), public=_public, hidden=_hidden,
    mistakes=(
        _OVERFLOW, _INVALID,
        Mistake("square missing", "The derivative is 1 - tanh(z)**2: the square is missing.",
                variant=lambda i: 1 - np.tanh(i["z"])),
        Mistake("z taken for the output",
                "1 - z**2 treats z as tanh's output; with z the input use 1 - tanh(z)**2.",
                variant=lambda i: 1 - i["z"] ** 2),
        Mistake("gradient of the wrong function", "This is tanh(z) itself, not its derivative.",
                variant=lambda i: np.tanh(i["z"])),
    ),
)

EXERCISES = (SIGMOID_GRAD, TANH, TANH_GRAD)
ALSO_BLOCKED = ()
