r"""In-notebook feedback: ``check(sigmoid)`` runs the public cases right away.

This is feedback, not grading: it runs in the learner's own kernel, with no
sandbox, and anything it says can be fooled by the learner's code. The batch
grader (``python -m grader grade``) is what grades.
"""
from __future__ import annotations

import html
import inspect
from dataclasses import dataclass

import numpy as np

from . import exercises
from .compare import CaseResult, judge, run_in_process


@dataclass
class CheckResult:
    """The public cases of one exercise; truthy when all passed.

    Shown as an HTML table in a notebook and as plain text elsewhere.
    """

    name: str
    cases: list

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.cases)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        n_ok = sum(c.passed for c in self.cases)
        lines = [f"check({self.name}): {n_ok}/{len(self.cases)} public cases passed"]
        for c in self.cases:
            error = "" if c.max_abs_error is None else f"  (max error {c.max_abs_error:.3g})"
            lines.append(f"  [{'pass' if c.passed else 'FAIL'}] {c.label}{error}")
            if not c.passed:
                lines += [f"      input:    {k} = {show(v)}" for k, v in (c.inputs or {}).items()]
                lines += [f"      expected: {show(c.expected)}", f"      got:      {show(c.got)}",
                          f"      problem:  {c.reason}"]
                if c.diagnosis:
                    lines.append(f"      likely cause: {c.diagnosis}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        n_ok = sum(c.passed for c in self.cases)
        colour = "#1a7f37" if self.passed else "#cf222e"
        head = (f"<p style='color:{colour}'><b>check({html.escape(self.name)}): {n_ok}/"
                f"{len(self.cases)} public cases passed</b></p>")
        rows = "".join(_html_row(c) for c in self.cases)
        return (head + "<table><tr><th></th><th>case</th><th>input</th><th>expected</th>"
                f"<th>got</th><th>max error (abs / rel)</th><th>what is wrong</th></tr>{rows}</table>")


def _html_row(c: CaseResult) -> str:
    cell = lambda text: f"<td style='text-align:left'><pre>{html.escape(text)}</pre></td>"  # noqa: E731
    mark = "&#10004;" if c.passed else "&#10008;"
    inputs = "\n".join(f"{k} = {show(v)}" for k, v in (c.inputs or {}).items())
    why = c.reason + (f"\nLikely cause: {c.diagnosis}" if c.diagnosis else "")
    error = "" if c.max_abs_error is None else f"{c.max_abs_error:.3g} / {c.max_rel_error:.3g}"
    return (f"<tr><td>{mark}</td><td>{html.escape(c.label)}</td>{cell(inputs)}"
            f"{cell(show(c.expected))}{cell(show(c.got) if not c.passed else '')}{cell(error)}"
            f"{cell(why)}</tr>")


def show(value, limit: int = 12) -> str:
    r"""A short readable rendering of a case value (large arrays by shape only).

    Examples
    --------
    >>> show(np.zeros((1000, 3)))
    'array of shape (1000, 3), float64'
    >>> show((1.5, np.array([1.0, 2.0])))
    '(1.5, array([1., 2.]))'
    """
    if isinstance(value, np.ndarray):
        if value.size > limit:
            return f"array of shape {value.shape}, {value.dtype}"
        return repr(value)
    if isinstance(value, (tuple, list)):
        parts = ", ".join(show(v, limit) for v in value[:8])
        return f"({parts})" if isinstance(value, tuple) else f"[{parts}]"
    return repr(value)


def check(fn, name: str | None = None) -> CheckResult:
    r"""Run the public cases of the exercise ``fn`` implements and explain failures.

    Parameters
    ----------
    fn : callable
        The learner's function, such as ``sigmoid``; its ``__name__`` picks the
        exercise. Functions it chains with (``dense_forward`` for
        ``dense_backward``) are looked up in the same namespace as ``fn``.
    name : str, optional
        The exercise, when ``fn`` was defined under another name.

    Returns
    -------
    CheckResult
        Truthy when every public case passed, so a cell can ``assert check(f)``.

    Examples
    --------
    >>> import numpy as np
    >>> def relu(z):
    ...     return np.abs(z)
    >>> result = check(relu)
    >>> result.passed, result.cases[0].diagnosis
    (False, 'This is |z|; ReLU keeps positives and sets negatives to 0.')
    """
    if not callable(fn):
        raise TypeError(f"check expects the function you wrote, such as check(sigmoid); got {fn!r}")
    exercise = exercises.get(name or getattr(fn, "__name__", ""))
    caller = inspect.currentframe().f_back
    # The caller's names first (a notebook's globals, or a test's locals), then fn's module.
    namespaces = (caller.f_locals, caller.f_globals, getattr(fn, "__globals__", {}))

    def resolve(called):
        if called == exercise.name:
            return fn
        return next((ns[called] for ns in namespaces if callable(ns.get(called))), None)

    results = [judge(exercise, case, run_in_process(exercise, case, resolve))
               for case in exercise.public()]
    return CheckResult(exercise.name, results)
