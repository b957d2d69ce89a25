r"""Drive one notebook through a sandboxed child: cells first, then exercises.

A cell that hangs, or kills the child (``os._exit``, a crash), is skipped on
a fresh child that runs the other cells again; an exercise that hangs or kills
the child scores nothing and the remaining exercises get a fresh child. Every
restart consumes one cell or one exercise, so the loop always ends.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import wire
from .sandbox import Child, Isolation, Limits, start_child

STARTUP_TIMEOUT = 60.0
STATUSES = {"ok", "error", "missing"}


class SandboxError(RuntimeError):
    """The child died before running any learner code: the sandbox itself failed."""


@dataclass
class RunResult:
    """What came back: per-cell errors and, per exercise, outcomes or a failure reason."""

    cell_errors: dict = field(default_factory=dict)
    outcomes: dict = field(default_factory=dict)
    restarts: int = 0
    output_tail: str = ""


def _death(child: Child, what: str) -> str:
    code = child.exit_code()
    if code is None:
        return f"{what} broke the grader's pipe (the child was stopped)"
    if code < 0:
        return f"{what} killed the child process (signal {-code})"
    return f"{what} ended the child process (exit code {code}, e.g. os._exit)"


def _run_cells(child: Child, n_cells: int, limits: Limits, result: RunResult) -> int | None:
    """Run to "ready"; return the index of a cell that hung or crashed, else None."""
    current, timeout = None, STARTUP_TIMEOUT
    while True:
        try:
            header, _ = child.receive(timeout)
        except TimeoutError:
            if current is None:
                raise SandboxError("the child did not start in time") from None
            result.cell_errors[current] = {"type": "Timeout", "message":
                                           f"the cell ran longer than {limits.cell_timeout:g} s; skipped"}
            return current
        except (EOFError, wire.WireError, OSError):
            if current is None:
                raise SandboxError("the child died on start-up: " + child.output_tail(500)) from None
            result.cell_errors[current] = {"type": "Crash", "message": _death(child, "the cell") + "; skipped"}
            return current
        event, index = header.get("event"), header.get("index")
        if event == "ready":
            return None
        if event not in ("cell", "cell_done") or not isinstance(index, int) or not 0 <= index < n_cells:
            bad = current if current is not None else 0
            result.cell_errors[bad] = {"type": "Tampering", "message": "the cell wrote to the grader's pipe; skipped"}
            return bad
        if event == "cell":
            current, timeout = index, limits.cell_timeout
        else:
            if isinstance(header.get("error"), dict):
                result.cell_errors[index] = {k: str(v)[:300] for k, v in header["error"].items()}
                if result.cell_errors[index].get("type") == "MemoryError":
                    # what the cell allocated stays referenced: start afresh without it
                    result.cell_errors[index]["message"] += " (out of memory; skipped)"
                    return index
            current, timeout = None, limits.cell_timeout


def _sanitise(outcome) -> dict:
    """An untrusted outcome reduced to the fields and types the parent expects."""
    if not isinstance(outcome, dict) or outcome.get("status") not in STATUSES:
        return {"status": "invalid", "message": "the child sent back something that is not a result"}
    clean = {"status": outcome["status"], "value": outcome.get("value"),
             "function": str(outcome.get("function", ""))[:100],
             "message": str(outcome.get("message", ""))[:500],
             "error_types": [str(t)[:100] for t in outcome.get("error_types") or []][:20],
             "warnings": [str(w)[:200] for w in outcome.get("warnings") or []][:10],
             "mutated": [str(m)[:100] for m in outcome.get("mutated") or []][:20]}
    try:
        clean["seconds"] = float(outcome.get("seconds", 0.0))
    except (TypeError, ValueError):
        clean["seconds"] = float("inf")
    return clean


def _run_exercise(child: Child, plan: dict, cases: list, timeout: float) -> list:
    arrays = {}
    desc = wire.encode([c.inputs for c in cases], arrays)
    child.send({"op": "run", "plan": plan, "cases": desc}, arrays)
    header, back = child.receive(timeout)
    described = header.get("outcomes")
    if header.get("event") != "result" or not isinstance(described, list) or len(described) != len(cases):
        raise wire.WireError("malformed result message")
    return [_sanitise(wire.decode(d, back)) for d in described]


def run_notebook(cells: list, jobs: list, lib: Path, isolation: Isolation, limits: Limits,
                 workroot: Path) -> RunResult:
    r"""Run ``cells`` in a child, then each ``(name, plan, cases)`` job.

    Returns
    -------
    RunResult
        ``outcomes[name]`` is a list of outcome dicts (one per case) or a
        string saying why the exercise produced none.

    Raises
    ------
    SandboxError
        When the child cannot even start (a broken installation, not the learner).
    """
    result, skip, pending = RunResult(), [], list(jobs)
    while True:
        child = start_child(lib, isolation, limits, cells, skip, workroot)
        try:
            bad = _run_cells(child, len(cells), limits, result)
            if bad is not None:
                skip.append(bad)
                result.restarts += 1
                continue
            while pending:
                name, plan, cases = pending.pop(0)
                try:
                    result.outcomes[name] = _run_exercise(child, plan, cases, limits.exercise_timeout)
                except TimeoutError:
                    result.outcomes[name] = f"timed out after {limits.exercise_timeout:g} s (an endless loop?)"
                    break
                except wire.WireError:
                    result.outcomes[name] = "the child sent back malformed data instead of results"
                    break
                except (EOFError, OSError):
                    result.outcomes[name] = _death(child, f"calling {name}")
                    break
            if not pending:
                result.output_tail = child.output_tail()
                return result
            result.restarts += 1
        finally:
            child.close()
