r"""Judge one case: the learner's outcome against the reference, with a diagnosis.

This runs only in trusted code (the grading parent, or ``check`` in the
learner's own kernel). The learner's outcome is plain data (see
:func:`grader.plan.observe`); the expected value is computed here from nnkit.
"""
from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass

import numpy as np

from . import exercises
from .plan import observe
from .spec import Case, Exercise

SLOW = ("It took {took:.2f} s on a large input (budget {budget:.2f} s): probably a Python loop "
        "over examples. One numpy expression (such as x @ w) does the whole batch at once.")
# warnings.catch_warnings changes process-wide state; batch grading judges in threads.
_WARNINGS = threading.Lock()
MUTATED = ("It changed its input `{name}` in place (e.g. `z[z < 0] = 0`). Work on a copy, or use "
           "np.maximum / np.where, which return new arrays.")


@dataclass
class CaseResult:
    """How one case went; ``inputs`` is None for hidden cases."""

    label: str
    passed: bool
    reason: str = ""
    diagnosis: str = ""
    expected: object = None
    got: object = None
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    inputs: dict | None = None
    hidden: bool = False


def expected_outcome(exercise: Exercise, inputs: dict) -> dict:
    """Run the exercise's plan with nnkit's references (trusted, in-process)."""
    with _WARNINGS, np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return observe(exercise.plan, inputs, exercises.reference, exercises.reference_record)


def _mismatch(got, want, rtol, atol, where="", strict=True):
    """Return (reason, max_abs, max_rel); reason is "" when ``got`` matches ``want``."""
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            return f"{where}expected a tuple of {len(want)} values, got {_kind(got)}", None, None
        for k, (g, w) in enumerate(zip(got, want)):
            reason, a, r = _mismatch(g, w, rtol, atol, f"{where}item {k}: ", strict)
            if reason:
                return reason, a, r
        return "", None, None
    try:
        g = np.asarray(got)
    except Exception:  # an object numpy cannot even wrap
        return f"{where}expected numbers, got {_kind(got)}", None, None
    w = np.asarray(want)
    if g.dtype.kind not in "biuf":
        return f"{where}expected numbers, got {_kind(got)}", None, None
    if g.shape != w.shape:
        return f"{where}shape {g.shape}, expected {w.shape}", None, None
    if strict and isinstance(want, np.ndarray) and g.dtype != w.dtype:
        return f"{where}dtype {g.dtype}, expected {w.dtype} (dtype in = dtype out)", None, None
    if w.dtype.kind == "f":
        # A narrow float cannot be held to float64 tolerances: a correct textbook
        # formula such as 1 - tanh(z)**2 in float32 is off by tens of float32 ulp.
        eps = float(np.finfo(w.dtype).eps)
        rtol, atol = max(rtol, 100 * eps), max(atol, 10 * eps)
    return _closeness(g.astype(np.float64), w.astype(np.float64), rtol, atol, where)


def _closeness(g, w, rtol, atol, where):
    with np.errstate(all="ignore"):
        diff = np.abs(g - w)
        rel = diff / np.maximum(np.abs(g) + np.abs(w), np.finfo(float).tiny)
    same = (np.isnan(g) & np.isnan(w)) | (g == w)
    diff, rel = np.where(same, 0, diff), np.where(same, 0, rel)
    max_abs = float(np.max(diff, initial=0))
    max_rel = float(np.max(rel, initial=0))
    if np.any(~np.isfinite(g) & np.isfinite(w)):
        return f"{where}nan or inf where the answer is finite", max_abs, max_rel
    if not np.all(same | (diff <= atol + rtol * np.abs(w))):
        return f"{where}values differ (max abs error {max_abs:.3g}, max rel error {max_rel:.3g})", max_abs, max_rel
    return "", max_abs, max_rel


def _kind(value) -> str:
    return type(value).__name__ if not isinstance(value, str) else value


def _variant_diagnosis(exercise: Exercise, inputs: dict, got) -> str:
    for mistake in exercise.mistakes:
        if mistake.variant is None:
            continue
        try:
            with _WARNINGS, np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wrong = mistake.variant(inputs)
        except Exception:  # a variant that does not apply to these inputs
            continue
        if not _mismatch(got, wrong, exercise.rtol, exercise.atol, strict=False)[0]:
            return mistake.diagnosis
    return ""


def _warning_diagnosis(exercise: Exercise, messages: list) -> str:
    for mistake in exercise.mistakes:
        if mistake.warning and any(mistake.warning in m for m in messages):
            return mistake.diagnosis
    return "No RuntimeWarning should occur for finite inputs; look for overflow or 0/0."


def _failure(outcome: dict, want: dict, case: Case) -> tuple[str, str]:
    """(reason, diagnosis) for an outcome that is not a plain value, or ("", "")."""
    status = outcome.get("status")
    if status == "missing":
        return f"no function called {outcome.get('function')} was found", (
            "Define it with exactly this name (check the spelling) and run its cell.")
    if status == "error":
        types, fn = outcome.get("error_types") or ["Exception"], outcome.get("function")
        if want.get("status") == "error" and want["error_types"][0] in types:
            return "", ""
        if "NotImplementedError" in types:
            return f"{fn} is not implemented yet", "Replace the `raise NotImplementedError` with your code."
        return f"{fn} raised {types[0]}: {outcome.get('message', '')}", ""
    if status != "ok":
        return outcome.get("message") or f"the case did not finish ({status})", ""
    if want.get("status") == "error":
        return (f"expected {want['error_types'][0]} ({want.get('message', '')}), but it returned a value",
                f"This input is invalid (here: labels in the other convention); check it and raise "
                f"{want['error_types'][0]} with a message saying what was expected.")
    return "", ""


def judge(exercise: Exercise, case: Case, outcome: dict, hidden: bool = False) -> CaseResult:
    """Compare a learner's ``outcome`` for ``case`` with the reference."""
    want = expected_outcome(exercise, case.inputs)
    res = CaseResult(case.label, False, inputs=None if hidden else case.inputs, hidden=hidden,
                     expected=want.get("value", f"raises {want.get('error_types', ['?'])[0]}"),
                     got=outcome.get("value"))
    res.reason, res.diagnosis = _failure(outcome, want, case)
    if res.reason or want.get("status") == "error":
        res.passed = not res.reason
        return res
    res.reason, res.max_abs_error, res.max_rel_error = _mismatch(
        outcome["value"], want["value"], exercise.rtol, exercise.atol)
    if res.reason:
        res.diagnosis = _variant_diagnosis(exercise, case.inputs, outcome["value"])
    elif outcome.get("warnings"):
        res.reason = "RuntimeWarning: " + "; ".join(outcome["warnings"][:2])
        res.diagnosis = _warning_diagnosis(exercise, outcome["warnings"])
    else:
        res.reason, res.diagnosis = _side_effects(case, outcome)
    res.passed = not res.reason
    return res


def _side_effects(case: Case, outcome: dict) -> tuple[str, str]:
    for name in outcome.get("mutated") or []:
        return f"input `{name}` was modified", MUTATED.format(name=name)
    took = float(outcome.get("seconds") or 0.0)
    if case.time_budget is not None and took > case.time_budget:
        return "too slow", SLOW.format(took=took, budget=case.time_budget)
    return "", ""


def run_in_process(exercise: Exercise, case: Case, resolve, make_record=None) -> dict:
    """The learner's outcome computed in this process (``check`` in a kernel)."""
    return observe(exercise.plan, case.inputs, resolve, make_record or exercises.reference_record)


__all__ = ["CaseResult", "judge", "expected_outcome", "run_in_process"]
