r"""What the batch grader writes: a JSON-lines log, a CSV gradebook, feedback, Gradescope.

The log is the source of truth. One line is appended (and flushed to disk)
as each submission finishes, so a killed run loses nothing already graded;
every summary file is rebuilt from the log and written atomically
(temporary file, then rename). Hidden inputs are never written anywhere:
for hidden cases only the label, the verdict, the reason and the diagnosis
are kept.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from pathlib import Path

from .check import show
from .exercises import LESSONS, REGISTRY


def _case_record(c) -> dict:
    rec = {"label": c.label, "passed": c.passed, "hidden": c.hidden, "reason": c.reason,
           "diagnosis": c.diagnosis}
    if not c.hidden and not c.passed:
        rec.update(input={k: _flat(show(v)) for k, v in (c.inputs or {}).items()},
                   expected=_flat(show(c.expected)), got=_flat(show(c.got)))
    return rec


def _flat(text: str) -> str:
    return " ".join(text.split())


def record(sub, seed: int, isolation) -> dict:
    """The log line of a graded (or rejected) submission."""
    return {
        "student": sub.student, "file": str(sub.path), "lesson": sub.lesson, "sha256": sub.sha256,
        "seed": seed, "status": sub.status, "message": sub.message, "isolation": isolation.kind,
        "isolation_detail": isolation.detail, "score": sub.score, "max_score": sub.max_score,
        "seconds": round(sub.seconds, 3), "graded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "exercises": [{"name": e.name, "points": e.points, "score": e.score, "reason": e.reason,
                       "cases": [_case_record(c) for c in e.cases]} for e in sub.exercises],
        "cell_errors": {str(k): v for k, v in sorted(sub.cell_errors.items())},
        "output_tail": sub.output_tail[-1000:],
    }


def append_log(path: Path, rec: dict) -> None:
    """Append one JSON line and push it to disk before returning.

    A line cut short by an earlier kill is ended first, so that it stays the
    only casualty.
    """
    with open(path, "ab") as f:
        if f.tell() > 0:
            with open(path, "rb") as tail:
                tail.seek(-1, os.SEEK_END)
                if tail.read(1) != b"\n":
                    f.write(b"\n")
        f.write((json.dumps(rec) + "\n").encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())


def read_log(path: Path) -> list[dict]:
    """Records of the log; a line cut short by a kill is ignored (that file is regraded)."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict) and "student" in rec:
            records.append(rec)
    return records


def latest(records: list[dict]) -> list[dict]:
    """The last record of each (student, file): a regrade supersedes older lines."""
    last = {}
    for rec in records:
        last[(rec["student"], rec["file"])] = rec
    return list(last.values())


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def gradebook_csv(records: list[dict]) -> str:
    """One row per student, one column per exercise of the lessons seen, then totals."""
    lessons = [l for l in LESSONS if any(r["lesson"] == l for r in records)]
    columns = [name for l in lessons for name in LESSONS[l]]
    rows = {}
    for rec in sorted(records, key=lambda r: r["student"]):
        row = rows.setdefault(rec["student"], {"student": rec["student"], "notes": []})
        for e in rec["exercises"]:
            row[e["name"]] = e["score"]
        if rec["status"] != "graded":
            row["notes"].append(f"{Path(rec['file']).name}: {rec['status']}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", *columns, "total", "max_total", "notes"])
    max_total = sum(REGISTRY[c].points for c in columns)
    for row in rows.values():
        scores = [row.get(c, 0.0) for c in columns]
        writer.writerow([_cell(row["student"]), *scores, round(sum(scores), 4), max_total,
                         _cell("; ".join(row["notes"]))])
    return out.getvalue()


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (folder names come from students)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _exercise_lines(e: dict) -> list[str]:
    lines = [f"### {e['name']}: {e['score']:g} / {e['points']:g}", ""]
    if e["reason"]:
        lines += [f"Not graded: {e['reason']}.", ""]
    for i, c in enumerate(e["cases"], start=1):
        tag = f"hidden case {i}" if c["hidden"] else f"public case {i}"
        lines.append(f"- {'passed' if c['passed'] else '**failed**'}: {tag} ({c['label']})")
        if c["passed"]:
            continue
        for k, v in c.get("input", {}).items():
            lines.append(f"  - input `{k}` = `{v}`")
        if "expected" in c:
            lines += [f"  - expected `{c['expected']}`", f"  - got `{c['got']}`"]
        lines.append(f"  - problem: {c['reason']}")
        if c["diagnosis"]:
            lines.append(f"  - likely cause: {c['diagnosis']}")
    return lines + [""]


def feedback_markdown(student: str, records: list[dict]) -> str:
    """The feedback page of one student: scores, reasons and diagnoses, no hidden inputs."""
    total = sum(r["score"] for r in records)
    best = sum(r["max_score"] for r in records)
    lines = [f"# Feedback for {student}", "", f"Total: **{total:g} / {best:g}**", ""]
    for rec in sorted(records, key=lambda r: (r["lesson"] or "", r["file"])):
        lines += [f"## {Path(rec['file']).name} ({rec['lesson'] or 'lesson unknown'}): "
                  f"{rec['score']:g} / {rec['max_score']:g}", "",
                  f"Isolation: {rec['isolation_detail']}.", ""]
        if rec["status"] != "graded":
            lines += [f"**Not graded ({rec['status']}):** {rec['message']}", ""]
        for index, err in rec["cell_errors"].items():
            lines.append(f"- code cell {int(index) + 1}: {err.get('type')}: {err.get('message')}")
        if rec["cell_errors"]:
            lines += ["", "(Errors in cells cost nothing by themselves, but functions a failed "
                      "cell should have defined are missing.)", ""]
        for e in rec["exercises"]:
            lines += _exercise_lines(e)
    return "\n".join(lines) + "\n"


def gradescope_results(records: list[dict]) -> dict:
    """Gradescope's ``results.json`` for one student's records."""
    tests = []
    for rec in records:
        for e in rec["exercises"]:
            text = "\n".join(_exercise_lines(e)[2:]).strip() or e["reason"]
            tests.append({"name": f"{rec['lesson']}: {e['name']}", "score": e["score"],
                          "max_score": e["points"], "status": "passed" if e["score"] >= e["points"] else "failed",
                          "output": text, "visibility": "visible"})
    notes = [f"{Path(r['file']).name}: {r['status']} {r['message']}".strip()
             for r in records if r["status"] != "graded"]
    isolation = records[0]["isolation_detail"] if records else ""
    return {"score": round(sum(t["score"] for t in tests), 4),
            "execution_time": round(sum(r["seconds"] for r in records), 3),
            "output": "\n".join([f"Isolation: {isolation}", *notes]), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def safe_name(student: str) -> str:
    r"""A file name for a student id (no path separators or dots at the start).

    Examples
    --------
    >>> safe_name("../evil/name")
    'evil_name'
    """
    return re.sub(r"[^A-Za-z0-9_.@-]+", "_", student).lstrip("._") or "student"


def write_summaries(out: Path, records: list[dict]) -> None:
    """Rebuild grades.csv, feedback pages and Gradescope files from the log."""
    records = latest(records)
    write_atomic(out / "grades.csv", gradebook_csv(records))
    by_student = {}
    for rec in records:
        by_student.setdefault(rec["student"], []).append(rec)
    for student, recs in by_student.items():
        name = safe_name(student)
        write_atomic(out / "feedback" / f"{name}.md", feedback_markdown(student, recs))
        write_atomic(out / "gradescope" / name / "results.json",
                     json.dumps(gradescope_results(recs), indent=1))
