r"""Call plans: how an exercise's functions are called, written as data.

A plan is a small JSON-able dict, declared once per exercise in the registry
and interpreted by :func:`run_plan` in three places: in the sandboxed child
(functions looked up in the learner's namespace), in the trusted parent
(functions taken from nnkit, to compute the expected answer) and in the
learner's kernel by ``check``. No code string is ever sent to the child.

A step calls one function by name; its arguments are case inputs
(:func:`inp`), results of earlier steps (:func:`saved`), a fixed activation
callable (:func:`activation`) or an ``nnkit`` Activation record
(:func:`record`). The last step's result (or one item of it) is graded.

This module is copied into the sandbox: it imports only numpy and the
standard library.
"""
from __future__ import annotations

import copy
import time
import warnings

import numpy as np


def inp(name: str) -> dict:
    """Argument: the case input called ``name``."""
    return {"in": name}


def saved(key: str, item: int | None = None) -> dict:
    """Argument: the result of the step saved as ``key`` (or its ``item``-th entry)."""
    return {"saved": key, "item": item}


def activation(name: str) -> dict:
    """Argument: a fixed numpy activation (see :data:`FIXED_ACTIVATIONS`)."""
    return {"activation": name}


def record(name: str) -> dict:
    """Argument: the ``nnkit.ACTIVATIONS[name]`` record (callable)."""
    return {"record": name}


def call(name: str, *args, save: str | None = None, **kwargs) -> dict:
    """One step: call function ``name``; keep the result as ``save`` if given."""
    return {"call": name, "args": list(args), "kwargs": kwargs, "save": save}


def make_plan(*steps: dict, item: int | None = None) -> dict:
    r"""A plan; the graded value is the last step's result, or its ``item``.

    Examples
    --------
    >>> p = make_plan(call("relu", inp("z")))
    >>> run_plan(p, {"z": np.array([-1.0, 2.0])}, {"relu": lambda z: np.maximum(z, 0)}.get).value
    array([0., 2.])
    """
    return {"steps": list(steps), "item": item}


def _softsign(z):
    z = np.asarray(z, dtype=float)
    return z / (1 + np.abs(z))


# Activations handed to a learner's function as plain callables. None of them
# is a graded function, so passing them leaks no reference.
FIXED_ACTIVATIONS = {"tanh": np.tanh, "softsign": _softsign, "identity": lambda z: z}


class StepError(Exception):
    """A step of a plan raised; ``function`` names the learner's function."""

    def __init__(self, function: str, error: BaseException):
        super().__init__(f"{function} raised {type(error).__name__}: {error}")
        self.function = function
        self.error = error


class MissingFunction(LookupError):
    """The plan needs a function the namespace does not define."""


class PlanRun:
    """Outcome of one run: the graded ``value`` and the ``inputs`` afterwards."""

    def __init__(self, value, inputs: dict):
        self.value = value
        self.inputs = inputs


def function_names(plan: dict) -> list[str]:
    """Names of the functions a plan calls, in order."""
    return [step["call"] for step in plan["steps"]]


def _argument(spec, inputs, results, make_record):
    if "in" in spec:
        return inputs[spec["in"]]
    if "saved" in spec:
        value = results[spec["saved"]]
        return value if spec["item"] is None else value[spec["item"]]
    if "activation" in spec:
        return FIXED_ACTIVATIONS[spec["activation"]]
    if "record" in spec:
        return make_record(spec["record"])
    raise ValueError(f"unknown argument spec {spec!r}")


def run_plan(plan: dict, inputs: dict, resolve, make_record=None) -> PlanRun:
    r"""Interpret ``plan`` on a deep copy of ``inputs``.

    Parameters
    ----------
    plan : dict
        From :func:`make_plan`.
    inputs : dict
        Case inputs by name; never modified (the run works on a copy).
    resolve : callable
        ``resolve(name) -> function or None``.
    make_record : callable, optional
        ``make_record(name) -> Activation record``, for :func:`record` arguments.

    Returns
    -------
    PlanRun
        ``value`` is the graded result; ``inputs`` the copy after the calls,
        so that a caller can see whether the functions modified their input.

    Raises
    ------
    MissingFunction
        When ``resolve`` finds nothing callable for a step.
    StepError
        When a step raises; the original exception is kept.
    """
    work = copy.deepcopy(inputs)
    results, value = {}, None
    for step in plan["steps"]:
        fn = resolve(step["call"])
        if not callable(fn):
            raise MissingFunction(step["call"])
        args = [_argument(a, work, results, make_record) for a in step["args"]]
        kwargs = {k: _argument(a, work, results, make_record) for k, a in step["kwargs"].items()}
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:  # the learner's error, reported per case
            raise StepError(step["call"], exc) from exc
        if step["save"]:
            results[step["save"]] = value
    if plan["item"] is not None:
        value = _select(value, plan["item"], function_names(plan)[-1])
    return PlanRun(value, work)


def _select(value, item: int, name: str):
    if not isinstance(value, (tuple, list)) or len(value) <= item:
        raise StepError(name, TypeError(
            f"expected a tuple whose item {item} is graded, got {type(value).__name__}"))
    return value[item]


def observe(plan: dict, inputs: dict, resolve, make_record=None) -> dict:
    r"""Run a plan and describe what happened as plain data.

    Returns
    -------
    dict
        ``status`` ("ok", "error" or "missing"), ``value`` (when ok),
        ``function`` (the name that failed), ``error_types`` (class names of
        the exception and its bases), ``message``, ``warnings`` (messages of
        the RuntimeWarnings raised), ``mutated`` (names of array inputs the
        functions changed in place) and ``seconds``.
    """
    out = {"status": "ok", "warnings": [], "mutated": [], "seconds": 0.0}
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            run = run_plan(plan, inputs, resolve, make_record)
            out.update(value=run.value, mutated=_mutated(inputs, run.inputs))
        except MissingFunction as exc:
            out.update(status="missing", function=str(exc.args[0]))
        except StepError as exc:
            names = [c.__name__ for c in type(exc.error).__mro__]
            out.update(status="error", function=exc.function, error_types=names,
                       message=str(exc.error)[:500])
    out["seconds"] = time.perf_counter() - start
    out["warnings"] = [str(w.message)[:200] for w in caught
                       if issubclass(w.category, RuntimeWarning)][:10]
    return out


def _mutated(before: dict, after: dict) -> list:
    """Names of array inputs whose contents differ after the run."""
    return [name for name, value in before.items() if isinstance(value, np.ndarray)
            and not (isinstance(after.get(name), np.ndarray) and after[name].shape == value.shape
                     and np.array_equal(after[name], value, equal_nan=value.dtype.kind in "fc"))]
