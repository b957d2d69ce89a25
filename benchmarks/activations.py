"""Time nnkit's activations against SciPy, PyTorch and the memory-copy floor.

Issue 6, target 2: ``sigmoid`` and ``sigmoid_grad`` take at most 0.7x the time
of ``scipy.special.expit`` on the same input; ``relu``, ``leaky_relu`` and their
gradients at most 1.3x the time of ``np.maximum(z, 0)``; with and without
``out=``. Every row is measured round-robin with its peer and with a plain
memory copy (the bandwidth floor) in the same run, and reports the median of
the repeats. Run from the repository root::

    python benchmarks/activations.py            # 1e6 and 1e7 elements, float64 and float32
    python benchmarks/activations.py --quick    # 1e6 only, fewer repeats
"""
from __future__ import annotations

import argparse

import _timing  # first: pins every library to one thread
import numpy as np

from nnkit import activations as act

scipy_special = _timing.peer("scipy.special")
torch = _timing.peer("torch")


def cases(z, outs):
    """(name, ours, peer name, peer, target ratio or None for information only)."""
    o1, o2 = outs
    expit = getattr(scipy_special, "expit", None)
    rows = [
        ("sigmoid", lambda: act.sigmoid(z), "scipy expit", expit and (lambda: expit(z)), 0.7),
        ("sigmoid out=", lambda: act.sigmoid(z, out=o1), "scipy expit out=",
         expit and (lambda: expit(z, out=o2)), 0.7),
        ("sigmoid_grad", lambda: act.sigmoid_grad(z), "scipy expit", expit and (lambda: expit(z)), 0.7),
        ("sigmoid_grad out=", lambda: act.sigmoid_grad(z, out=o1), "scipy expit out=",
         expit and (lambda: expit(z, out=o2)), 0.7),
    ]
    for name in ("relu", "relu_grad", "leaky_relu", "leaky_relu_grad"):
        fn = getattr(act, name)
        rows.append((name, lambda fn=fn: fn(z), "np.maximum(z, 0)", lambda: np.maximum(z, 0), 1.3))
        rows.append((f"{name} out=", lambda fn=fn: fn(z, out=o1), "np.maximum(z, 0, out=)",
                     lambda: np.maximum(z, 0, out=o2), 1.3))
    if torch is not None:
        tz, to = torch.from_numpy(z), torch.from_numpy(o2)
        rows.append(("sigmoid", lambda: act.sigmoid(z), "torch.sigmoid", lambda: torch.sigmoid(tz), None))
        rows.append(("sigmoid out=", lambda: act.sigmoid(z, out=o1), "torch.sigmoid out=",
                     lambda: torch.sigmoid(tz, out=to), None))
    else:
        rows.append(("sigmoid", lambda: act.sigmoid(z), "torch.sigmoid", None, None))
    e = lambda: np.exp(-np.abs(z))  # noqa: E731
    rows.append(("sigmoid", lambda: act.sigmoid(z), "stable np.where form",
                 lambda: np.where(z >= 0, 1 / (1 + e()), e() / (1 + e())), None))
    return rows


def run(dtype, n, repeats):
    z = np.random.default_rng(0).uniform(-10, 10, n).astype(dtype)
    outs = (np.empty_like(z), np.empty_like(z))
    floor_out = np.empty_like(z)
    results = []
    for name, ours, peer_name, peer_fn, target in cases(z, outs):
        fns = {"ours": ours, "floor": lambda: np.copyto(floor_out, z)}
        if peer_fn is not None:
            fns["peer"] = peer_fn
        t = _timing.interleaved_medians(fns, repeats)
        results.append((name, peer_name, t, target))
    return results


def print_table(dtype, n, results):
    ns = lambda s: 1e9 * s / n  # noqa: E731
    print(f"## {np.dtype(dtype).name}, n = {n:.0e}  (ns per element, median)")
    print("| nnkit | ns | peer | ns | ratio | target | verdict | copy floor ns | nnkit/floor |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, peer_name, t, target in results:
        floor = f"{ns(t['floor']):.2f} | {t['ours'] / t['floor']:.1f}x"
        if "peer" not in t:
            print(f"| {name} | {ns(t['ours']):.2f} | {peer_name} | MISSING | - | "
                  f"{f'<= {target}' if target else '-'} | peer not installed | {floor} |")
            continue
        ratio = t["ours"] / t["peer"]
        check = _timing.verdict(ratio, target) if target else "(info)"
        print(f"| {name} | {ns(t['ours']):.2f} | {peer_name} | {ns(t['peer']):.2f} | "
              f"{ratio:.2f} | {f'<= {target}' if target else '-'} | {check} | {floor} |")
    print()


def kernels_in_use() -> str:
    """Which kernels nnkit's activations run on the arrays timed here."""
    from nnkit import _fused

    probe = np.zeros(_fused.MIN_SIZE)
    if _fused.loops_for(probe) is None:
        why = "NNKIT_KERNELS=numpy" if _fused.choice() == "numpy" else "numba is not installed"
        return f"numpy, blocked ({why})"
    import numba

    return (f"compiled loops (numba {numba.__version__}) for arrays of >= {_fused.MIN_SIZE} "
            f"elements; NNKIT_KERNELS={_fused.choice()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1e6 elements only, 5 repeats")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    sizes = [10**6] if args.quick else [10**6, 10**7]
    _timing.header("nnkit activations vs peers (issue 6, target 2)",
                   {"scipy": scipy_special and __import__("scipy"), "torch": torch})
    print(f"nnkit kernels: {kernels_in_use()}\n")
    for dtype in (np.float64, np.float32):
        for n in sizes:
            repeats = args.repeats or (5 if args.quick else (15 if n <= 10**6 else 7))
            print_table(dtype, n, run(dtype, n, repeats))


if __name__ == "__main__":
    main()
