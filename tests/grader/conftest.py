"""Fixtures shared by the grader tests: the fixture folder and one graded batch."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.sandbox import Limits, detect_isolation

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Small limits keep the robustness cases quick; the defaults are larger.
TEST_LIMITS = Limits(memory_mb=768, cell_timeout=3.0, exercise_timeout=3.0)
SEED = 20261128


@pytest.fixture(scope="session")
def isolation():
    return detect_isolation("auto")


@pytest.fixture(scope="session")
def ctx_args(isolation):
    return {"seed": SEED, "isolation": isolation, "limits": TEST_LIMITS}


@pytest.fixture(scope="session")
def batch(tmp_path_factory, ctx_args):
    """The fixture submissions graded once (2 jobs), plus a 21 MB notebook made here."""
    from grader.batch import grade_batch

    subs = tmp_path_factory.mktemp("subs")
    shutil.copytree(FIXTURES / "submissions", subs, dirs_exist_ok=True)
    huge = subs / "huge_file" / "01_neuron.ipynb"
    huge.parent.mkdir()
    huge.write_bytes(b'{"cells": [], "pad": "' + b"x" * (21 * 2**20) + b'"}')
    out = tmp_path_factory.mktemp("out")
    summary = grade_batch([subs], out, ctx_args, jobs=2, progress=False)
    return {"subs": subs, "out": out, "summary": summary}
