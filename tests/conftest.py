"""Shared test configuration.

Hypothesis runs derandomised, so every run of the suite draws the same examples:
a failure seen once is seen again.
"""
import importlib.util
import os

import pytest
from hypothesis import settings

from nnkit import _fused

settings.register_profile("course", derandomize=True, deadline=None, max_examples=200)
settings.load_profile("course")

# Fixture notebooks are data for the grader and browser tests, not lessons:
# nbval must not try to run them.
collect_ignore_glob = ["*/fixtures/*"]


def _require_numba():
    """Skip without numba, or fail under CI=true, where the compiled loops are tested."""
    if importlib.util.find_spec("numba") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true requires numba (requirements.txt) to test the compiled loops")
        pytest.skip("numba is not installed: the compiled loops are not tested")


@pytest.fixture
def numba_required():
    _require_numba()


@pytest.fixture(params=["numpy", "compiled"])
def kernels(request, monkeypatch):
    """Run a test on the numpy kernels, then on the compiled loops at every size."""
    if request.param == "compiled":
        _require_numba()
        monkeypatch.setattr(_fused, "MIN_SIZE", 0)
    monkeypatch.setenv("NNKIT_KERNELS", request.param)
    return request.param
