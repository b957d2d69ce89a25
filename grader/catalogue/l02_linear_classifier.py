r"""Lesson 02_linear_classifier: logistic and hinge losses, L2 penalty."""
from __future__ import annotations

import numpy as np

from ..plan import call, inp, make_plan
from ..spec import Case, Exercise, Mistake
from ._inputs import normal

LESSON = "02_linear_classifier"


def _logistic_public():
    return [
        Case("balanced small scores", {"scores": np.array([0.0, 2.0, -1.0, 0.5]), "y": np.array([1, 0, 0, 1])}),
        Case("confident and wrong (large |s|)", {"scores": np.array([800.0, -800.0, 3.0]), "y": np.array([0, 1, 1])}),
        Case("labels -1/+1 are refused", {"scores": np.array([1.0, -1.0]), "y": np.array([-1, 1])}),
    ]


def _logistic_hidden(rng):
    n = int(rng.integers(5, 30))
    return [Case("random", {"scores": normal(rng, (n,), 4.0), "y": rng.integers(0, 2, n)})]


def _signed(i):
    return np.where(i["y"] == 1, i["scores"], -i["scores"])


BINARY_LOGISTIC_LOSS = Exercise(
    name="binary_logistic_loss", lesson=LESSON, points=3,
    plan=make_plan(call("binary_logistic_loss", inp("scores"), inp("y"))),
    public=_logistic_public, hidden=_logistic_hidden,
    mistakes=(
        Mistake("log of sigmoid overflows",
                "log(sigmoid(s)) underflows to log(0) = -inf for confident wrong scores. Use "
                "-log sigma(t) = log(1 + exp(-t)) computed stably (np.logaddexp(0, -t)).",
                warning="divide by zero"),
        Mistake("naive exp overflows", "np.exp of a large score overflows; use np.logaddexp(0, -t).",
                warning="overflow"),
        Mistake("sum instead of mean",
                "Loss and gradient are N times too large: average over the N examples.",
                variant=lambda i: (float(np.sum(np.logaddexp(0, -_signed(i)))),
                                   (1 / (1 + np.exp(-i["scores"])) - i["y"]))),
        Mistake("labels read as -1/+1",
                "log(1 + exp(-y*s)) assumes y in {-1, +1}, but here y is 0 or 1: use "
                "-[y log sigma(s) + (1 - y) log(1 - sigma(s))], i.e. t = s where y = 1 and -s where y = 0.",
                variant=lambda i: (float(np.mean(np.logaddexp(0, -i["y"] * i["scores"]))),
                                   -i["y"] / (1 + np.exp(i["y"] * i["scores"])) / len(i["y"]))),
        Mistake("gradient sign flipped", "dscores has the wrong sign: it is (sigmoid(s) - y) / N.",
                variant=lambda i: (float(np.mean(np.logaddexp(0, -_signed(i)))),
                                   (i["y"] - 1 / (1 + np.exp(-i["scores"]))) / len(i["y"]))),
    ),
)


def _hinge_public():
    return [
        Case("margins on both sides", {"scores": np.array([2.0, 0.5, -1.0, -3.0]), "y": np.array([1, 1, 1, -1])}),
        Case("labels 0/1 are refused", {"scores": np.array([1.0, -1.0]), "y": np.array([0, 1])}),
    ]


def _hinge_hidden(rng):
    n = int(rng.integers(5, 30))
    return [Case("random", {"scores": normal(rng, (n,), 2.0), "y": rng.choice([-1, 1], n)})]


BINARY_HINGE_LOSS = Exercise(
    name="binary_hinge_loss", lesson=LESSON, points=3,
    plan=make_plan(call("binary_hinge_loss", inp("scores"), inp("y"))),
    public=_hinge_public, hidden=_hinge_hidden,
    mistakes=(
        Mistake("sum instead of mean",
                "Loss and gradient are N times too large: average over the N examples.",
                variant=lambda i: (float(np.sum(np.maximum(0, 1 - i["y"] * i["scores"]))),
                                   np.where(1 - i["y"] * i["scores"] > 0, -i["y"], 0.0))),
        Mistake("gradient ignores the margin",
                "Examples with y*s >= 1 are outside the margin and contribute no gradient.",
                variant=lambda i: (float(np.mean(np.maximum(0, 1 - i["y"] * i["scores"]))),
                                   -i["y"] / len(i["y"]))),
    ),
)


def _l2_public():
    return [
        Case("small matrix", {"W": np.array([[1.0, -2.0], [0.5, 3.0]]), "reg": 0.1}),
        Case("reg = 0", {"W": np.array([[1.0, 2.0]]), "reg": 0.0}),
    ]


def _l2_hidden(rng):
    return [Case("random", {"W": normal(rng, (4, 3), 1.0), "reg": float(rng.uniform(0.01, 1))})]


L2_PENALTY = Exercise(
    name="l2_penalty", lesson=LESSON, points=2,
    plan=make_plan(call("l2_penalty", inp("W"), inp("reg"))),
    public=_l2_public, hidden=_l2_hidden,
    mistakes=(
        Mistake("factor 1/2 missing",
                "The penalty is (reg/2) * sum(W**2); the 1/2 makes its gradient exactly reg * W.",
                variant=lambda i: (float(i["reg"] * np.sum(i["W"] ** 2)), i["reg"] * i["W"])),
        Mistake("gradient of the wrong function",
                "The gradient of (reg/2) * sum(W**2) is reg * W, not 2 * reg * W.",
                variant=lambda i: (float(0.5 * i["reg"] * np.sum(i["W"] ** 2)), 2 * i["reg"] * i["W"])),
        Mistake("L1 instead of L2", "That is an L1 penalty (sum of |W|); L2 sums the squares.",
                variant=lambda i: (float(i["reg"] * np.sum(np.abs(i["W"]))), i["reg"] * np.sign(i["W"]))),
    ),
)

EXERCISES = (BINARY_LOGISTIC_LOSS, BINARY_HINGE_LOSS, L2_PENALTY)
ALSO_BLOCKED = ("softmax_loss",)
