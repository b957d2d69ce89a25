r"""Read notebooks safely, and build lessons from solution notebooks.

The parent only ever parses a notebook and takes the source of its code cells;
it never executes anything. Submissions are read as plain JSON; solution
notebooks go through ``nbformat`` (imported on first use, so that
``import grader`` stays light in a learner's kernel).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from .child import clean_magics
from .exercises import LESSONS

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError(\"replace this line with your code\")")
MAX_NOTEBOOK_BYTES = 20 * 2**20


class NotebookError(ValueError):
    """A file that cannot be used as a notebook; the message says why."""


def _read_text(path: Path) -> str:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotebookError(f"cannot read the file: {exc.strerror}") from None
    if size == 0:
        raise NotebookError("the file is empty")
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"the file is {size / 2**20:.0f} MB, over the {MAX_NOTEBOOK_BYTES // 2**20} MB limit")
    try:
        return path.read_bytes().decode("utf-8-sig")  # tolerate a byte-order mark
    except UnicodeDecodeError as exc:
        raise NotebookError(f"the file is not UTF-8 text (byte {exc.start})") from None


def read_notebook(path: Path) -> dict:
    """Parse a submission as a v4 notebook (plain JSON); NotebookError names any problem.

    Plain ``json`` keeps grading fast (importing nbformat's validator costs
    seconds); only the structure the grader uses is checked.
    """
    try:
        nb = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise NotebookError(f"not a valid notebook: invalid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError("not a notebook: no list of cells")
    if nb.get("nbformat") != 4:
        raise NotebookError(f"not a version-4 notebook (nbformat = {nb.get('nbformat')!r}); "
                            "open and save it in a current Jupyter")
    if not all(isinstance(c, dict) for c in nb["cells"]):
        raise NotebookError("not a notebook: a cell is not a JSON object")
    return nb


def read_solution(path: Path):
    """Parse and validate a solution notebook with nbformat (for ``assign``)."""
    import nbformat

    try:
        return nbformat.reads(_read_text(path), as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types
        raise NotebookError(f"{Path(path).name}: not a valid notebook ({str(exc)[:200]})") from None


def code_cells(nb: dict) -> list[str]:
    """Source of each code cell, in order (markdown and raw cells dropped)."""
    sources = []
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(map(str, source)) if isinstance(source, list) else str(source))
    return sources


def lesson_of(path: Path, nb: dict) -> str | None:
    """The lesson a submission belongs to: its file name, else assign's metadata."""
    stem = Path(path).stem
    if stem in LESSONS:
        return stem
    meta = nb.get("metadata")
    meta = meta.get("grader") if isinstance(meta, dict) else None
    lesson = meta.get("lesson") if isinstance(meta, dict) else None
    return lesson if isinstance(lesson, str) and lesson in LESSONS else None


def defined_names(source: str) -> set:
    r"""Global names a cell may bind; ``{"*"}`` when it cannot be told statically.

    Bindings anywhere at module level count (inside ``if``, ``for``, ``try``
    too), not those inside function bodies. A cell that does not parse, or
    that calls ``exec``/``globals``/``setattr``, may bind anything.

    Examples
    --------
    >>> sorted(defined_names("import numpy as np\nif True:\n    relu = abs"))
    ['np', 'relu']
    """
    import ast

    cleaned = clean_magics(source)
    if any(word in cleaned for word in ("exec(", "globals(", "setattr(", "__dict__")):
        return {"*"}
    try:
        tree = ast.parse(cleaned)
    except SyntaxError:
        return {"*"}
    names, todo = set(), list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        if not isinstance(node, ast.Lambda):
            todo.extend(ast.iter_child_nodes(node))
    return names


def cells_to_run(cells: list[str], graded: tuple) -> list[str]:
    r"""The cells up to the last one that defines a graded name.

    Later cells (experiments, plots) cannot change what the graded functions
    are. A cell that may bind anything (see :func:`defined_names`) is kept,
    with everything before it.

    Examples
    --------
    >>> cells_to_run(["import numpy as np", "def relu(z): return z", "relu(1)"], ("relu",))
    ['import numpy as np', 'def relu(z): return z']
    """
    last = -1
    for index, source in enumerate(cells):
        names = defined_names(source)
        if "*" in names or names & set(graded):
            last = index
    return cells[: last + 1]


def strip_solutions(source: str, where: str) -> str:
    r"""Replace each solution region of a cell with a stub that raises.

    Parameters
    ----------
    source : str
        Code cell source.
    where : str
        Names the cell in error messages ("01_neuron.ipynb, cell 4").

    Raises
    ------
    NotebookError
        For an END without BEGIN, a nested BEGIN, or an unclosed region.

    Examples
    --------
    >>> print(strip_solutions("def f(z):\n    ### BEGIN SOLUTION\n    return z\n    ### END SOLUTION", "c"))
    def f(z):
        # YOUR CODE HERE
        raise NotImplementedError("replace this line with your code")
    """
    out, start = [], None
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker.startswith(BEGIN):
            if start is not None:
                raise NotebookError(f"{where}: nested {BEGIN} at line {number} (region opened at line {start})")
            start, indent = number, line[: len(line) - len(line.lstrip())]
            out += [indent + s for s in STUB]
        elif marker.startswith(END):
            if start is None:
                raise NotebookError(f"{where}: {END} at line {number} without a {BEGIN}")
            start = None
        elif start is None:
            out.append(line)
    if start is not None:
        raise NotebookError(f"{where}: {BEGIN} at line {start} is never closed")
    return "\n".join(out)


def make_lesson(solution_nb, lesson: str):
    """The learner's version of a solution notebook (a new notebook object)."""
    nb = copy.deepcopy(solution_nb)
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        cell.source = strip_solutions(str(cell.source), f"{lesson}.ipynb, cell {index + 1}")
        cell.outputs, cell.execution_count = [], None
        cell.get("metadata", {}).pop("execution", None)  # nbclient's per-cell timestamps
    # Saved widget state belongs to the executed solution; in a fresh lesson it only
    # shows stale widgets (or "model not found") before the learner runs anything.
    nb.metadata.pop("widgets", None)
    nb.metadata["grader"] = {"lesson": lesson}
    return nb
