r"""Grade one submission: read → run in the sandbox → compare in the trusted parent.

The stages are declared in :data:`STAGES` and each takes and returns the same
:class:`Submission` context, so the order is explicit and each stage small.
A stage that finds the submission unusable sets ``status`` and later stages
leave it alone; whatever happens, every exercise of the lesson gets a line
with a reason.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import exercises
from .compare import judge
from .notebook import NotebookError, cells_to_run, code_cells, lesson_of, read_notebook
from .runner import SandboxError, run_notebook
from .sandbox import Isolation, Limits, build_lesson_lib


@dataclass
class ExerciseResult:
    """Score of one exercise and the case results behind it."""

    name: str
    points: float
    score: float = 0.0
    cases: list = field(default_factory=list)
    reason: str = ""


@dataclass
class Submission:
    """Everything known about one submitted file while it is graded."""

    student: str
    path: Path
    lesson: str | None = None
    sha256: str = ""
    status: str = "pending"
    message: str = ""
    cells: list = field(default_factory=list)
    cell_errors: dict = field(default_factory=dict)
    exercises: list = field(default_factory=list)
    output_tail: str = ""
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 4)

    @property
    def max_score(self) -> float:
        return sum(e.points for e in self.exercises)


@dataclass
class GradingContext:
    """Per-run settings shared by all submissions (never per-submission state)."""

    seed: int
    isolation: Isolation
    limits: Limits
    workroot: Path
    _libs: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def lesson_lib(self, lesson: str) -> Path:
        """The read-only tree for a lesson's children, built once per run."""
        with self._lock:
            if lesson not in self._libs:
                self._libs[lesson] = build_lesson_lib(
                    self.workroot / f"lib-{lesson}", lesson, exercises.blocked_names(lesson))
            return self._libs[lesson]


def read_stage(sub: Submission, ctx: GradingContext) -> Submission:
    """Parse the notebook and find its lesson."""
    try:
        sub.sha256 = hashlib.sha256(sub.path.read_bytes()).hexdigest()
        nb = read_notebook(sub.path)
    except (OSError, NotebookError) as exc:
        sub.status, sub.message = "unreadable", str(exc)
        return sub
    sub.lesson = lesson_of(sub.path, nb)
    if sub.lesson is None:
        sub.status = "unknown lesson"
        sub.message = (f"{sub.path.name} is not named after a lesson ({', '.join(exercises.LESSONS)}) "
                       "and carries no lesson in its metadata")
        return sub
    sub.cells = cells_to_run(code_cells(nb), exercises.LESSONS[sub.lesson])
    sub.exercises = [ExerciseResult(e.name, e.points) for e in exercises.for_lesson(sub.lesson)]
    return sub


def run_stage(sub: Submission, ctx: GradingContext) -> Submission:
    """Run the code in the sandbox and judge every case in the parent."""
    if sub.status != "pending":
        return sub
    if not sub.exercises:
        sub.status, sub.message = "graded", f"{sub.lesson} has no graded exercises"
        return sub
    plans = [(ex, ex.public(), exercises.hidden_cases(ex, ctx.seed))
             for ex in map(exercises.get, (r.name for r in sub.exercises))]
    jobs = [(ex.name, ex.plan, public + hidden) for ex, public, hidden in plans]
    try:
        run = run_notebook(sub.cells, jobs, ctx.lesson_lib(sub.lesson), ctx.isolation, ctx.limits,
                           ctx.workroot)
    except SandboxError as exc:  # the grader's environment failed, not the learner
        sub.status, sub.message = "grader error", str(exc)
        return sub
    sub.cell_errors, sub.output_tail = run.cell_errors, run.output_tail
    for result, plan in zip(sub.exercises, plans):
        _judge_exercise(result, *plan, run.outcomes.get(result.name, "not run"))
    sub.status = "graded"
    return sub


def _judge_exercise(result: ExerciseResult, ex, public: list, hidden: list, outcome) -> None:
    """Fill ``result`` from the child's outcomes (a list) or its failure reason (a str)."""
    if isinstance(outcome, str):
        result.reason = outcome
        return
    flags = [False] * len(public) + [True] * len(hidden)
    result.cases = [judge(ex, case, o, hidden=h) for case, o, h in zip(public + hidden, outcome, flags)]
    result.score = _score(ex.points, result.cases)


def _score(points: float, cases: list) -> float:
    """Points in proportion to the cases passed; nothing unless some answer was right.

    A function that only raises would otherwise collect the cases that
    expect an error (labels in the wrong convention).
    """
    if not any(c.passed and not isinstance(c.expected, str) for c in cases):
        return 0.0
    return round(points * sum(c.passed for c in cases) / len(cases), 4)


STAGES = (read_stage, run_stage)


def grade_submission(student: str, path: Path, ctx: GradingContext) -> Submission:
    """Run every stage on one file; never raises for anything the file contains."""
    start = time.perf_counter()
    sub = Submission(student, Path(path))
    for stage in STAGES:
        sub = stage(sub, ctx)
    sub.seconds = time.perf_counter() - start
    return sub
