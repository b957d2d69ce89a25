"""Every lesson a learner opens runs in a fresh kernel up to its first exercise.

The solutions are run in full by nbval (they are in testpaths); here the
generated lessons are run as a learner meets them: top to bottom until the
first exercise stub and the feedback cell after it, which must report "not
implemented yet" instead of crashing. Lessons without exercises run in full.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grader import exercises
from grader.notebook import STUB

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
STUB_LINE = STUB[-1].strip()


def first_stub(nb) -> int | None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and STUB_LINE in cell.source:
            return index
    return None


def test_every_solution_has_its_lesson():
    solutions = sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb"))
    assert solutions and solutions == [p.name for p in LESSONS]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_runs_up_to_its_first_exercise(path):
    nb = nbformat.read(path, as_version=4)
    stub = first_stub(nb)
    graded = exercises.LESSONS[path.stem]
    assert (stub is None) == (not graded), "a lesson has stubs exactly when it has graded exercises"
    # Run through the stub cell and the feedback cell right after it.
    end = len(nb.cells) if stub is None else stub + 2
    nb.cells = nb.cells[:end]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "lessons")}}).execute()
    feedback = nb.cells[end - 1]
    if stub is not None:
        text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in feedback.outputs)
        assert feedback.source.strip().startswith("check("), "the cell after an exercise is its feedback cell"
        assert "not implemented" in text, text[:500]
