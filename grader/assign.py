r"""``python -m grader assign``: generate ``lessons/`` from ``solutions/``.

Lessons are never edited by hand. Each ``solutions/NN_topic.ipynb`` becomes
``lessons/NN_topic.ipynb`` with solution regions replaced by stubs, outputs
and execution counts cleared, and ``metadata.grader.lesson`` set so that a
renamed submission can still be recognised.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .notebook import make_lesson, read_solution


@dataclass
class AssignReport:
    """What ``assign`` wrote (or, with ``check``, would write)."""

    written: list = field(default_factory=list)
    stale: list = field(default_factory=list)
    orphans: list = field(default_factory=list)


def lesson_text(solution: Path) -> str:
    """The exact file content of the lesson generated from ``solution``."""
    import nbformat

    nb = make_lesson(read_solution(solution), solution.stem)
    return nbformat.writes(nb) + "\n"


def assign(solutions: Path, lessons: Path, check: bool = False) -> AssignReport:
    """Build every lesson; with ``check`` only report which ones are stale.

    Raises
    ------
    NotebookError
        For a solution with malformed markers (the message names the cell).
    """
    report = AssignReport()
    sources = sorted(Path(solutions).glob("*.ipynb"))
    for solution in sources:
        target = Path(lessons) / solution.name
        text = lesson_text(solution)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        report.stale.append(target)
        if not check:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".ipynb.tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, target)
            report.written.append(target)
    names = {s.name for s in sources}
    report.orphans = [p for p in sorted(Path(lessons).glob("*.ipynb")) if p.name not in names]
    return report
