"""The registry and in-notebook feedback: references pass, catalogued mistakes are named."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import nnkit
from grader import check, exercises
from grader.compare import judge

NAMES = sorted(exercises.REGISTRY)
MISTAKES = [(name, m) for name in NAMES for m in exercises.get(name).mistakes if m.variant is not None]


def _reference_outcome(value) -> dict:
    return {"status": "ok", "value": value, "warnings": [], "mutated": [], "seconds": 0.0}


@pytest.mark.parametrize("name", NAMES)
def test_nnkit_reference_passes_its_own_public_cases(name):
    result = check(getattr(nnkit, name))
    assert result.passed, repr(result)
    assert len(result.cases) == len(exercises.get(name).public()) > 0


@pytest.mark.parametrize("name", NAMES)
def test_hidden_cases_are_seeded_and_reference_consistent(name):
    ex = exercises.get(name)
    cases = exercises.hidden_cases(ex, seed=5)
    assert cases
    for case in cases:
        expected = judge(ex, case, _reference_outcome(None)).expected
        assert judge(ex, case, _reference_outcome(expected), hidden=True).passed


@pytest.mark.parametrize(("name", "mistake"), MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_catalogued_mistake_is_caught_and_diagnosed(name, mistake):
    ex = exercises.get(name)
    cases = ex.public() + exercises.hidden_cases(ex, seed=5)
    results = []
    for case in cases:
        try:
            with np.errstate(all="ignore"):
                wrong = mistake.variant(case.inputs)
        except ValueError:  # the mistake needs other shapes (a square matrix) to show
            continue
        results.append(judge(ex, case, _reference_outcome(wrong)))
    assert not all(r.passed for r in results), "the mistake passes every case"
    assert any(r.diagnosis == mistake.diagnosis for r in results if not r.passed)


def _stable_sigmoid(z):
    z = np.asarray(z)
    z = z.astype(np.float64) if z.dtype.kind in "biu" else z
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def test_check_overflow_is_diagnosed_and_shown():
    def sigmoid(z):
        return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))

    result = check(sigmoid)
    assert not result
    failed = [c for c in result.cases if not c.passed]
    assert [c.label for c in failed] == ["large |z| (overflow?)", "float32 stays float32"]
    assert "overflow" in failed[0].reason and "exp(-|z|)" in failed[0].diagnosis
    assert "dtype float64, expected float32" in failed[1].reason
    text = repr(result)
    assert "3/5 public cases passed" in text and "likely cause" in text and "-1.000e+03" in text
    html = result._repr_html_()
    assert "<table>" in html and "overflow" in html and "&#10008;" in html


def test_check_in_place_mutation():
    def relu(z):
        z[z < 0] = 0
        return z

    result = check(relu)
    assert not result.passed
    # Integer input fails on its dtype first; every float case names the mutation.
    floats = [c for c in result.cases if "integers" not in c.label]
    assert floats and all("modified" in c.reason and "in place" in c.diagnosis for c in floats)


def test_check_relu_grad_at_the_kink():
    def relu_grad(z):
        return (z >= 0).astype(z.dtype)

    result = check(relu_grad)
    kink = result.cases[0]
    assert not kink.passed and "exactly z = 0" in kink.diagnosis
    assert kink.max_abs_error == 1.0


def test_check_error_not_implemented_and_wrong_labels():
    def binary_hinge_loss(scores, y):
        raise NotImplementedError

    result = check(binary_hinge_loss)
    assert all("not implemented" in c.reason for c in result.cases)

    def binary_logistic_loss(scores, y):  # accepts -1/+1 silently
        s = np.asarray(scores, float)
        return float(np.mean(np.logaddexp(0, -np.where(y == 1, s, -s)))), (_stable_sigmoid(s) - (y == 1)) / len(s)

    result = check(binary_logistic_loss)
    refused = next(c for c in result.cases if "refused" in c.label)
    assert not refused.passed and "expected ValueError" in refused.reason


def test_check_chains_with_the_learners_forward():
    def dense_forward(x, W, b):
        return x @ W + b, (x, W)

    def dense_backward(dout, cache):
        x, W = cache
        return dout @ W.T, x.T @ dout, dout.sum(axis=0)

    assert check(dense_backward).passed
    result = check(dense_backward, name="dense_backward")
    assert result.passed


def test_check_slow_loop_reported():
    def neuron_forward(x, w, b, activation):
        return np.array([activation(sum(x[n, d] * w[d] for d in range(x.shape[1])) + b)
                         for n in range(x.shape[0])])

    result = check(neuron_forward)
    slow = [c for c in result.cases if not c.passed]
    assert [c.reason for c in slow] == ["too slow"] and "Python loop" in slow[0].diagnosis


def test_check_refuses_non_functions_and_unknown_names():
    with pytest.raises(TypeError, match="check expects the function"):
        check("sigmoid")
    with pytest.raises(KeyError, match="no graded exercise"):
        check(lambda z: z)


def test_import_grader_stays_light():
    code = ("import sys, grader; from grader import check; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('IPython', 'ipykernel', 'nbformat', 'jupyter_client')]; "
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _textbook_sigmoid_grad(z):
    s = 1 / (1 + np.exp(-np.clip(z, -500, 500)))
    return s * (1 - s)


def _textbook_tanh_grad(z):
    return 1 - np.tanh(z) ** 2


def _tanh_from_sigmoid(z):
    z = np.asarray(z)
    z = z if z.dtype.kind == "f" else z.astype(np.float64)
    return 2 / (1 + np.exp(-2 * np.clip(z, -300, 300))) - 1


@pytest.mark.parametrize(("name", "fn"), [
    ("sigmoid_grad", _textbook_sigmoid_grad),
    ("tanh_grad", _textbook_tanh_grad),
    ("tanh", _tanh_from_sigmoid),
])
def test_correct_textbook_formulas_pass_in_float32(name, fn):
    # Correct but less accurate forms must not fail on float32 rounding alone.
    ex = exercises.get(name)
    cases = list(ex.public()) + [c for seed in range(20) for c in exercises.hidden_cases(ex, seed)]
    from grader.compare import run_in_process
    for case in cases:
        outcome = run_in_process(ex, case, lambda _name: fn)
        result = judge(ex, case, outcome)
        assert result.passed, f"{case.label}: {result.reason}"
