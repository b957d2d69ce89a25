r"""Grade many submissions: discover, skip what is done, run in parallel, log as we go.

``SUBMISSIONS/<student>/<file>.ipynb`` gives one student per folder; a folder
holding only files is one student's folder, and a file given directly belongs
to the student named by its folder. Files that are not
``.ipynb`` are reported in the log, never run.
"""
from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import report
from .grade import GradingContext, Submission, grade_submission


@dataclass
class BatchSummary:
    """Counts for the CLI's exit code and closing line."""

    graded: int = 0
    skipped: int = 0
    problems: list = field(default_factory=list)


def discover(paths: list) -> list[tuple[str, Path]]:
    r"""``(student, file)`` pairs for the given folders and files, sorted.

    Raises
    ------
    FileNotFoundError
        For a path that does not exist.
    """
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found.append((path.resolve().parent.name, path))
        elif path.is_dir() and not any(p.is_dir() for p in path.iterdir()):
            found += [(path.resolve().name, f) for f in sorted(path.iterdir()) if not f.name.startswith(".")]
        elif path.is_dir():
            for entry in sorted(path.iterdir()):
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    found += [(entry.name, f) for f in sorted(entry.rglob("*"))
                              if f.is_file() and not f.name.startswith(".")]
                elif entry.is_file():
                    found.append((entry.stem, entry))
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return found


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _done(records: list, seed: int) -> set:
    return {(r["student"], r["file"], r["sha256"]) for r in records if r.get("seed") == seed
            and r.get("status") != "grader error"}


class Progress:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.enabled = enabled and sys.stderr.isatty()

    def step(self, label: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 30
        filled = width * self.done // max(self.total, 1)
        rate = (time.monotonic() - self.start) / self.done
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                         f"{rate:.2f} s/file  {label[:40]:<40}")
        if self.done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _not_notebook(student: str, path: Path) -> Submission:
    sub = Submission(student, path, sha256=_digest(path))
    sub.status, sub.message = "ignored", "not an .ipynb file"
    return sub


def _pending(paths: list, records: list, seed: int, force: bool) -> tuple[list, int]:
    """Files still to grade, and how many are already in the log for this seed."""
    found = discover(paths)
    done = set() if force else _done(records, seed)
    todo = [(s, p) for s, p in found if (s, str(p), _digest(p)) not in done]
    return todo, len(found) - len(todo)


def grade_batch(paths: list, out: Path, ctx_args: dict, jobs: int = 1, force: bool = False,
                progress: bool = True) -> BatchSummary:
    """Grade every submission under ``paths`` into ``out``; see the module docstring."""
    out.mkdir(parents=True, exist_ok=True)
    log = out / "log.jsonl"
    records = report.read_log(log)
    todo, skipped = _pending(paths, records, ctx_args["seed"], force)
    summary = BatchSummary(skipped=skipped)
    ctx = GradingContext(workroot=Path(tempfile.mkdtemp(prefix="grader-")), **ctx_args)
    bar, lock = Progress(len(todo), progress), threading.Lock()

    def one(student: str, path: Path) -> dict:
        sub = (grade_submission(student, path, ctx) if path.suffix == ".ipynb"
               else _not_notebook(student, path))
        rec = report.record(sub, ctx.seed, ctx.isolation)
        with lock:
            report.append_log(log, rec)
            records.append(rec)
            bar.step(f"{student}/{path.name}")
        return rec

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        for future in as_completed([pool.submit(one, s, p) for s, p in todo]):
            rec = future.result()
            summary.graded += 1
            if rec["status"] not in ("graded", "ignored"):
                summary.problems.append(f"{rec['student']}/{Path(rec['file']).name}: {rec['status']}")
    finally:
        # On Ctrl-C: drop the queue; files being graded finish within their timeouts.
        pool.shutdown(wait=True, cancel_futures=True)
        with lock:
            report.write_summaries(out, records)
        shutil.rmtree(ctx.workroot, ignore_errors=True)
    return summary
