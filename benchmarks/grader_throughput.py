r"""Seconds per submission: our grader against ``jupyter nbconvert --execute``.

``nbconvert --execute`` is the floor of every kernel-based autograder (nbgrader
and otter both start a Jupyter kernel per notebook, then run their tests in
it). We grade the same N submissions both ways and print seconds per
submission, the ratio, and the speed-up of ``--jobs 2`` over ``--jobs 1``.

Usage::

    python benchmarks/grader_throughput.py [-n 7] [NOTEBOOK ...]

By default the submissions are the course's solution notebooks (full marks,
with every experiment and figure a learner hands in), cycled; without any,
the grader's small fixture solutions. Pass notebooks to measure others, e.g.
``tests/grader/fixtures/solutions/*.ipynb``.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = (sorted((REPO / "solutions").glob("*.ipynb"))
           or sorted((REPO / "tests" / "grader" / "fixtures" / "solutions").glob("*.ipynb")))


def make_submissions(root: Path, notebooks: list, n: int) -> list:
    """``root/student_k/<lesson>.ipynb`` for k < n, cycling through ``notebooks``."""
    files = []
    for k in range(n):
        src = notebooks[k % len(notebooks)]
        dest = root / f"student_{k:02d}" / src.name
        dest.parent.mkdir(parents=True)
        shutil.copy(src, dest)
        files.append(dest)
    return files


def time_nbconvert(files: list, out: Path) -> float:
    """Wall-clock seconds to execute every file in a fresh kernel, one after another."""
    start = time.perf_counter()
    for f in files:
        subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                        "--allow-errors", "--output-dir", str(out), "--output", f.parent.name, str(f)],
                       check=True, capture_output=True, cwd=REPO)
    return time.perf_counter() - start


def time_grader(root: Path, out: Path, jobs: int) -> float:
    """Wall-clock seconds of ``python -m grader grade`` over ``root`` (a fresh run)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(root), "--out", str(out),
                           "--jobs", str(jobs), "--force", "--no-progress"],
                          capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        raise SystemExit(f"grader failed ({done.returncode}): {done.stderr}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("-n", type=int, default=7, help="number of submissions (default 7)")
    args = parser.parse_args()
    from grader.sandbox import detect_isolation

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = make_submissions(tmp / "subs", args.notebooks, args.n)
        kernel = time_nbconvert(files, tmp / "nbconvert") / args.n
        ours_1 = time_grader(tmp / "subs", tmp / "out1", jobs=1) / args.n
        ours_2 = time_grader(tmp / "subs", tmp / "out2", jobs=2) / args.n
    print(f"submissions: {args.n} ({', '.join(p.name for p in args.notebooks)})")
    print(f"isolation: {detect_isolation().detail}")
    print(f"nbconvert --execute : {kernel:6.3f} s per submission")
    print(f"grader --jobs 1     : {ours_1:6.3f} s per submission  ({kernel / ours_1:5.1f}x faster)")
    print(f"grader --jobs 2     : {ours_2:6.3f} s per submission  ({kernel / ours_2:5.1f}x faster)")
    print(f"--jobs 2 over --jobs 1: {ours_1 / ours_2:4.2f}x")


if __name__ == "__main__":
    main()
