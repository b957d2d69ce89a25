"""Shared timing helpers for the benchmark scripts (not part of nnkit).

Every script imports this module first: it pins numpy's BLAS, OpenMP and
PyTorch to one thread before any of them is imported, so the numbers compare
single-threaded code with single-threaded code, and says so in its header.
"""
from __future__ import annotations

import importlib
import os
import platform
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402  (after the thread pinning above)


def peer(module: str):
    """Import an optional peer library, or return None (reported as missing, never skipped)."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    if module == "torch":
        mod.set_num_threads(1)
    return mod


def header(title: str, peers: dict) -> None:
    """Print what ran where: versions, thread pinning, and missing peers."""
    print(f"# {title}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{os.cpu_count()} cores, all libraries pinned to 1 thread; "
          "times are medians of process CPU time")
    for name, mod in peers.items():
        version = getattr(mod, "__version__", "?") if mod else "MISSING (see README: Benchmarks)"
        print(f"peer {name}: {version}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) at start: {load:.2f} on {os.cpu_count()} cores"
          + ("  <- shared machine: expect noise" if load > 1.5 else ""))
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    if coretype:
        print(f"note: OPENBLAS_CORETYPE={coretype} is set (slows BLAS, not elementwise code)")
    print()


def interleaved_medians(fns: dict, repeats: int, warmup: int = 1) -> dict:
    """Median CPU time of each callable, measured round-robin.

    CPU time of this process (``time.process_time``) rather than wall time: on
    a machine shared with other jobs, time spent descheduled is not ours. All
    candidates run in this process on one thread, so the measure is fair to
    each. Running them in turn within each repeat, instead of one after the
    other, spreads the remaining noise (shared caches) over all of them alike.
    """
    times = {name: [] for name in fns}
    for rep in range(warmup + repeats):
        for name, fn in fns.items():
            start = time.process_time()
            fn()
            elapsed = time.process_time() - start
            if rep >= warmup:
                times[name].append(elapsed)
    return {name: float(np.median(t)) for name, t in times.items()}


def verdict(ratio: float, target: float) -> str:
    return "met" if ratio <= target else "MISSED"
