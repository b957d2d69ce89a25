"""Lessons from solutions: stubs, cleared outputs, metadata, staleness, malformed markers."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from grader.__main__ import main
from grader.assign import assign
from grader.notebook import NotebookError, cells_to_run, read_notebook, strip_solutions

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _solutions(tmp_path: Path) -> Path:
    folder = tmp_path / "solutions"
    folder.mkdir()
    for nb in (FIXTURES / "solutions").glob("*.ipynb"):
        (folder / nb.name).write_bytes(nb.read_bytes())
    return folder


def test_assign_replaces_regions_and_clears_outputs(tmp_path):
    solutions = _solutions(tmp_path)
    nb = nbformat.read(solutions / "01_neuron.ipynb", as_version=4)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="old output")]
    nb.cells[3].execution_count = 7
    nb.cells[3].metadata["execution"] = {"iopub.execute_input": "2026-11-28T21:00:00Z"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nbformat.write(nb, solutions / "01_neuron.ipynb")
    report = assign(solutions, tmp_path / "lessons")
    assert sorted(p.name for p in report.written) == ["01_neuron.ipynb", "04_relu_family.ipynb"]
    lesson = nbformat.read(tmp_path / "lessons" / "01_neuron.ipynb", as_version=4)
    code = [c for c in lesson.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "execution" not in lesson.cells[3].metadata and "widgets" not in lesson.metadata
    text = "\n".join(c.source for c in code)
    assert "BEGIN SOLUTION" not in text and "np.exp(-np.abs(z))" not in text
    assert text.count("raise NotImplementedError") == 2
    assert "def sigmoid(z):" in text and "check(sigmoid)" in text
    assert lesson.metadata["grader"] == {"lesson": "01_neuron"}


def test_check_mode_detects_stale_lessons(tmp_path):
    solutions, lessons = _solutions(tmp_path), tmp_path / "lessons"
    args = ["assign", "--solutions", str(solutions), "--lessons", str(lessons)]
    assert main(args + ["--check"]) == 1
    assert not lessons.exists()
    assert main(args) == 0
    assert main(args + ["--check"]) == 0
    nb = nbformat.read(solutions / "04_relu_family.ipynb", as_version=4)
    nb.cells[0].source += "\nMore text."
    nbformat.write(nb, solutions / "04_relu_family.ipynb")
    assert main(args + ["--check"]) == 1


@pytest.mark.parametrize("kind", ["unclosed", "nested", "stray_end"])
def test_malformed_markers_name_the_cell(tmp_path, kind, capsys):
    lessons = tmp_path / "lessons"
    code = main(["assign", "--solutions", str(FIXTURES / "malformed" / kind), "--lessons", str(lessons)])
    assert code == 3
    err = capsys.readouterr().err
    assert "01_neuron.ipynb, cell 2" in err
    assert not lessons.exists()


def test_strip_keeps_indentation_and_code_outside():
    source = "x = 1\nif x:\n    ### BEGIN SOLUTION\n    y = 2\n    ### END SOLUTION\nprint(x)"
    out = strip_solutions(source, "cell")
    assert out.splitlines() == ["x = 1", "if x:", "    # YOUR CODE HERE",
                                '    raise NotImplementedError("replace this line with your code")', "print(x)"]
    compile(out, "cell", "exec")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"), (b"\xff\xfe\x00bad", "not UTF-8"), (b"{oops", "not a valid notebook"),
    (b'{"cells": 3, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}', "no list of cells"),
    (b'{"cells": [], "nbformat": 3}', "version-4"), (b"[1, 2]", "no list of cells"),
])
def test_read_notebook_errors(tmp_path, content, message):
    path = tmp_path / "x.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookError, match=message):
        read_notebook(path)


def test_cells_to_run_keeps_what_may_define_graded_names():
    cells = ["%matplotlib inline\nimport numpy as np", "def sigmoid(z):\n    return z", "plot()",
             "if True:\n    neuron_forward = max", "exec('def sigmoid(z): return z')", "train()"]
    assert cells_to_run(cells, ("sigmoid", "neuron_forward")) == cells[:5]
    assert cells_to_run(cells[:3], ("relu",)) == []
