r"""The exercise registry: every graded function of the curriculum.

``REGISTRY`` maps a function name to its :class:`~grader.spec.Exercise`;
``LESSONS`` maps a lesson stem (a notebook's file name without ``.ipynb``) to
the names graded in it, in notebook order. Both the in-notebook ``check`` and
the batch grader read them; nothing else defines an exercise.

References are nnkit's functions of the same name, imported only when an
answer is computed, so that importing the registry stays cheap.
"""
from __future__ import annotations

import importlib

import numpy as np

from .catalogue import (
    l01_neuron, l02_linear_classifier, l03_sigmoid_tanh, l04_relu_family, l05_maxout, l06_layers,
)
from .spec import Exercise

_MODULES = (l01_neuron, l02_linear_classifier, l03_sigmoid_tanh, l04_relu_family, l05_maxout,
            l06_layers)

REGISTRY: dict[str, Exercise] = {ex.name: ex for m in _MODULES for ex in m.EXERCISES}
LESSONS: dict[str, tuple[str, ...]] = {m.LESSON: tuple(ex.name for ex in m.EXERCISES) for m in _MODULES}
LESSONS["07_choosing"] = ()
_ALSO_BLOCKED = {m.LESSON: m.ALSO_BLOCKED for m in _MODULES}


def get(name: str) -> Exercise:
    """The exercise for function ``name``; KeyError lists the known names.

    Examples
    --------
    >>> get("sigmoid").lesson
    '01_neuron'
    """
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no graded exercise is called {name!r}; known: {sorted(REGISTRY)}") from None


def for_lesson(lesson: str) -> list[Exercise]:
    """The exercises of a lesson, in order; KeyError for an unknown lesson."""
    if lesson not in LESSONS:
        raise KeyError(f"unknown lesson {lesson!r}; known: {sorted(LESSONS)}")
    return [REGISTRY[name] for name in LESSONS[lesson]]


def blocked_names(lesson: str) -> tuple[str, ...]:
    """nnkit names the sandboxed child of ``lesson`` must not be able to call."""
    return LESSONS[lesson] + _ALSO_BLOCKED.get(lesson, ())


def reference(name: str):
    """nnkit's reference implementation of ``name`` (imported on first use)."""
    return getattr(importlib.import_module("nnkit"), name)


def reference_record(name: str):
    """nnkit's Activation record called ``name``, for plans that pass one."""
    return importlib.import_module("nnkit").ACTIVATIONS[name]


def hidden_cases(exercise: Exercise, seed: int) -> list:
    """The hidden cases of ``exercise`` for the instructor's ``seed``.

    Each exercise draws from its own stream (seed and name), so adding an
    exercise never changes another one's hidden inputs.

    Examples
    --------
    >>> a = hidden_cases(get("relu"), 7)[0].inputs["z"]
    >>> bool(np.array_equal(a, hidden_cases(get("relu"), 7)[0].inputs["z"]))
    True
    """
    key = [seed] + list(exercise.name.encode())
    return exercise.hidden(np.random.default_rng(key))
