"""Report writers and the progress bar, on hand-made log records."""
from __future__ import annotations

import csv
import io

from grader import report
from grader.batch import Progress


def _record(student, score, status="graded", lesson="04_relu_family"):
    cases = [{"label": "public one", "passed": score > 0, "hidden": False, "reason": "" if score else "values differ",
              "diagnosis": "", "input": {"z": "array([1.])"}, "expected": "1.0", "got": "0.0"},
             {"label": "random", "passed": False, "hidden": True, "reason": "values differ", "diagnosis": "Use z > 0."}]
    return {"student": student, "file": f"/s/{student}/{lesson}.ipynb", "lesson": lesson, "sha256": "x", "seed": 1,
            "status": status, "message": "", "isolation": "bwrap", "isolation_detail": "bubblewrap",
            "score": score, "max_score": 1, "seconds": 0.5,
            "exercises": [{"name": "relu", "points": 1, "score": score, "reason": "", "cases": cases}],
            "cell_errors": {"2": {"type": "Timeout", "message": "skipped"}}, "output_tail": ""}


def test_gradebook_escapes_formulas_and_keeps_latest():
    records = report.latest([_record("=cmd()", 0.0), _record("=cmd()", 1.0), _record("bob", 0.5)])
    rows = list(csv.reader(io.StringIO(report.gradebook_csv(records))))
    assert rows[0][:2] == ["student", "relu"]
    assert rows[1][0] == "'=cmd()" and float(rows[1][-3]) == 1.0
    assert len(rows) == 3


def test_feedback_and_gradescope_from_records():
    rec = _record("bob", 0.0)
    page = report.feedback_markdown("bob", [rec])
    assert "code cell 3: Timeout" in page and "hidden case 2 (random)" in page and "Use z > 0." in page
    res = report.gradescope_results([rec])
    assert res["tests"][0]["status"] == "failed" and res["score"] == 0.0


def test_progress_bar_only_on_a_terminal(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    fake = Tty()
    monkeypatch.setattr("sys.stderr", fake)
    bar = Progress(2, enabled=True)
    bar.step("alice/01_neuron.ipynb")
    bar.step("bob/01_neuron.ipynb")
    assert "1/2" in fake.getvalue() and "2/2" in fake.getvalue() and "#" * 30 in fake.getvalue()
    plain = io.StringIO()
    monkeypatch.setattr("sys.stderr", plain)
    Progress(1, enabled=True).step("x")
    assert plain.getvalue() == ""
