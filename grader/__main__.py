r"""Build lessons from solutions, and grade learners' notebooks in a sandbox.

Exit codes (the same for every command):

0  done; for ``grade``, every submission was graded (whatever the scores)
1  done, but something needs attention: lessons are stale (``assign --check``),
   or some submissions could not be graded (unreadable, unknown lesson)
2  usage error (bad option, no such path)
3  invalid course material (malformed solution markers)
4  the requested isolation is unavailable, or the sandbox itself failed
130 interrupted (Ctrl-C); rerun the same command to resume
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

OK, ATTENTION, USAGE, INVALID, ENVIRONMENT, INTERRUPTED = 0, 1, 2, 3, 4, 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m grader", description=__doc__.split("\n\n")[0],
                                epilog=__doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assign", help="build lessons/ from solutions/",
                       description="Replace every ### BEGIN SOLUTION ... ### END SOLUTION region "
                       "of solutions/*.ipynb by a stub that raises NotImplementedError, clear "
                       "outputs, and write the result to lessons/.")
    a.add_argument("--solutions", type=Path, default=Path("solutions"), help="solution notebooks (default: solutions)")
    a.add_argument("--lessons", type=Path, default=Path("lessons"), help="where lessons go (default: lessons)")
    a.add_argument("--check", action="store_true", help="write nothing; exit 1 if lessons/ is stale")
    g = sub.add_parser("grade", help="grade a folder of submissions",
                       description="Grade SUBMISSIONS/<student>/<lesson>.ipynb folders or single "
                       "files. Writes OUT/log.jsonl (appended as each file finishes), "
                       "OUT/grades.csv, OUT/feedback/<student>.md and "
                       "OUT/gradescope/<student>/results.json. Rerunning skips files already "
                       "graded with the same seed and content.")
    g.add_argument("submissions", nargs="+", type=Path, help="folders of student folders, or .ipynb files")
    g.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    _common(g)
    g.add_argument("--jobs", type=int, default=1, help="submissions graded at once (default 1)")
    g.add_argument("--force", action="store_true", help="regrade files already in OUT/log.jsonl")
    g.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    c = sub.add_parser("check", help="grade one notebook and print its feedback",
                       description="Grade a single notebook in the sandbox, exactly as `grade` "
                       "would, and print the feedback page (Markdown) to stdout.")
    c.add_argument("notebook", type=Path, help="the .ipynb file")
    _common(c)
    s = sub.add_parser("gradescope", help="grade the one submission of a Gradescope run_autograder",
                       description="Grade every .ipynb in ROOT/submission and write "
                       "ROOT/results/results.json (Gradescope's format).")
    s.add_argument("--root", type=Path, default=Path("/autograder"), help="default: /autograder")
    _common(s)
    return p


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=int(os.environ.get("GRADER_SEED", "0")),
                   help="instructor's secret seed for the hidden cases (default: $GRADER_SEED or 0)")
    p.add_argument("--isolation", choices=("auto", "bwrap", "process"), default="auto",
                   help="bwrap: require bubblewrap; process: plain child process; "
                   "auto (default): bwrap when it works here, else process")
    p.add_argument("--timeout", type=float, default=10.0, help="wall-clock seconds per exercise (default 10)")
    p.add_argument("--cell-timeout", type=float, default=30.0, help="wall-clock seconds per code cell (default 30)")
    p.add_argument("--memory-mb", type=int, default=1024, help="address-space limit of a child (default 1024)")


def _context(args) -> dict:
    from .sandbox import Limits, detect_isolation

    limits = Limits(memory_mb=args.memory_mb, cell_timeout=args.cell_timeout,
                    exercise_timeout=args.timeout)
    return {"seed": args.seed, "isolation": detect_isolation(args.isolation), "limits": limits}


def _assign(args) -> int:
    from .assign import assign

    rep = assign(args.solutions, args.lessons, check=args.check)
    for path in rep.stale:
        print(f"{'stale' if args.check else 'wrote'}: {path}")
    for path in rep.orphans:
        print(f"note: {path} has no solution notebook")
    return ATTENTION if args.check and rep.stale else OK


def _grade(args) -> int:
    from .batch import grade_batch

    ctx = _context(args)
    print(f"isolation: {ctx['isolation'].detail}", file=sys.stderr)
    summary = grade_batch(args.submissions, args.out, ctx, jobs=args.jobs, force=args.force,
                          progress=not args.no_progress)
    print(f"graded {summary.graded}, already done {summary.skipped}; results in {args.out}",
          file=sys.stderr)
    for problem in summary.problems:
        print(f"problem: {problem}", file=sys.stderr)
    return ATTENTION if summary.problems else OK


def _gradescope(args) -> int:
    import json
    import shutil
    import tempfile

    from .batch import grade_batch
    from .report import gradescope_results, latest, read_log

    out = Path(tempfile.mkdtemp(prefix="gradescope-"))
    submissions = sorted((args.root / "submission").rglob("*.ipynb"))
    summary = grade_batch(submissions, out, _context(args), progress=False)
    results = gradescope_results(latest(read_log(out / "log.jsonl")))
    if not submissions:
        results["output"] = "No .ipynb file was found in the submission."
    target = args.root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=1), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    return ATTENTION if summary.problems or not submissions else OK


def _check(args) -> int:
    import shutil
    import tempfile

    from .batch import grade_batch
    from .report import feedback_markdown, read_log

    if not args.notebook.is_file():
        raise FileNotFoundError(f"no such file: {args.notebook}")
    out = Path(tempfile.mkdtemp(prefix="grader-check-"))
    try:
        summary = grade_batch([args.notebook], out, _context(args), progress=False)
        records = read_log(out / "log.jsonl")
        print(feedback_markdown(records[0]["student"], records), end="")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return ATTENTION if summary.problems else OK


def main(argv=None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    from .notebook import NotebookError

    args = _parser().parse_args(argv)
    try:
        commands = {"assign": _assign, "grade": _grade, "check": _check, "gradescope": _gradescope}
        return commands[args.command](args)
    except NotebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return INVALID
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ENVIRONMENT
    except KeyboardInterrupt:
        print("\ninterrupted: rerun the same command to resume", file=sys.stderr)
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
