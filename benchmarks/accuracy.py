"""Print the worst ulp error of every activation, nnkit and peers, against mpmath.

Issue 6, target 1. Uses the grid and the reference of tests/test_accuracy.py
(both tails, subnormal results, subnormal and huge inputs), so the numbers here
are the ones the test suite holds the library to; SciPy's expit and PyTorch's
sigmoid are measured on the same grid for comparison. Run from the
repository root::

    python benchmarks/accuracy.py
"""
from __future__ import annotations

import importlib.util
import pathlib

import _timing  # noqa: F401  (thread pinning, peers)
import numpy as np

spec = importlib.util.spec_from_file_location(
    "test_accuracy", pathlib.Path(__file__).resolve().parent.parent / "tests" / "test_accuracy.py")
acc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(acc)

scipy_special = _timing.peer("scipy.special")
torch = _timing.peer("torch")


def peers():
    """Peer sigmoids, or a note that the peer is missing."""
    out = {}
    if scipy_special is not None:
        out["scipy expit"] = ("sigmoid", scipy_special.expit)
    else:
        out["scipy expit"] = ("sigmoid", None)
    if torch is not None:
        out["torch.sigmoid"] = ("sigmoid", lambda z: torch.sigmoid(torch.from_numpy(z)).numpy())
    else:
        out["torch.sigmoid"] = ("sigmoid", None)
    return out


def quiet(fn):
    def run(z):
        with np.errstate(all="ignore"):
            return fn(z)
    return run


def main():
    _timing.header("accuracy against mpmath (issue 6, target 1)",
                   {"scipy": scipy_special and __import__("scipy"), "torch": torch})
    print("| function | float64 worst ulp | at z | float32 worst ulp | at z | bound |")
    print("|---|---|---|---|---|---|")
    rows = {name: (fn, ref) for name, (fn, ref) in acc.REFERENCES.items()}
    for label, (ref_name, fn) in peers().items():
        rows[label] = (fn, acc.REFERENCES[ref_name][1])
    for name, (fn, reference) in rows.items():
        if fn is None:
            print(f"| {name} | MISSING | - | MISSING | - | peer not installed |")
            continue
        cells = []
        for dtype in (np.float64, np.float32):
            worst, at = acc.max_ulp_error(quiet(fn) if name not in acc.REFERENCES else fn,
                                          reference, acc.grid(dtype))
            cells += [f"{worst:.3g}", f"{float(at):.6g}"]
        bound = acc.TARGET_ULP if name in acc.REFERENCES else "(peer)"
        print(f"| {name} | {' | '.join(cells)} | {bound} |")


if __name__ == "__main__":
    main()
