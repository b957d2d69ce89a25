r"""The records the exercise registry is made of.

An :class:`Exercise` says how one graded function is called (a plan, see
:mod:`grader.plan`), on which inputs (public :class:`Case` objects the learner
sees, hidden ones drawn from the instructor's seed), how close is right, and
which :class:`Mistake` patterns have a known diagnosis. The expected answers
are never stored: they are computed from ``nnkit`` whenever a case is graded.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Case:
    """One call of an exercise.

    Attributes
    ----------
    label : str
        What the case probes, shown in feedback ("large |z|", "float32 input").
    inputs : dict
        Argument values by the names the exercise's plan uses.
    time_budget : float or None
        Seconds the call may take; set on the large inputs that catch Python
        loops where one numpy expression is expected.
    """

    label: str
    inputs: dict
    time_budget: float | None = None


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer and what usually causes it.

    Exactly one of ``variant`` and ``warning`` is set. ``variant(inputs)``
    computes the graded value the way the mistaken code does; a learner's
    answer that matches it (and not the reference) gets ``diagnosis``.
    ``warning`` is a substring of a RuntimeWarning the mistake raises.
    """

    name: str
    diagnosis: str
    variant: Callable[[dict], object] | None = None
    warning: str | None = None


@dataclass(frozen=True)
class Exercise:
    """One graded function of a lesson.

    Attributes
    ----------
    name : str
        The function's name, which is also the contract with lessons and nnkit.
    lesson : str
        Lesson stem, such as ``"01_neuron"``.
    points : float
    plan : dict
        How the function (and any of the learner's functions it chains with)
        is called; see :func:`grader.plan.make_plan`.
    public : callable
        ``public() -> list[Case]``, deterministic; shown by ``check``.
    hidden : callable
        ``hidden(rng) -> list[Case]`` for a ``numpy.random.Generator`` seeded by
        the instructor; their inputs never appear in feedback.
    rtol, atol : float
        Tolerance of :func:`numpy.allclose` against the reference.
    mistakes : tuple of Mistake
    """

    name: str
    lesson: str
    points: float
    plan: dict
    public: Callable[[], list]
    hidden: Callable[[np.random.Generator], list]
    rtol: float = 1e-6
    atol: float = 1e-9
    mistakes: tuple = field(default=())
