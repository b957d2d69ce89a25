"""Latency of every explorer slider: from setting a value to the new image.

For each slider, 50 moves to seeded random positions on the slider's grid;
each move is timed from ``slider.value = v`` until the explorer has published
the re-rendered PNG (the callback is synchronous, so that is when the
assignment returns). The image bytes are checked to change on every move that
changes the figure. Target: p95 under 100 ms. Sliders that train a network
(the dead-ReLU explorer's) are first visited once at every position, then
timed on the second visit, which must come from the cache.

Usage: ``python benchmarks/explorer_latency.py [--moves 50] [--strict]``
(``--strict`` exits 1 if a row fails).
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

from nnkit.explore import (
    dead_relu_explorer, maxout_explorer, neuron_classifier_explorer, playground,
    saturation_explorer, weight_scale_explorer,
)

TARGET_MS = 100.0


def slider_grid(slider) -> np.ndarray:
    """Every position a slider can take."""
    if hasattr(slider, "options"):  # SelectionSlider
        return np.array(slider.options, dtype=float)
    if hasattr(slider, "base"):  # FloatLogSlider: the grid is in the exponent
        exps = np.arange(slider.min, slider.max + slider.step / 2, slider.step)
        return slider.base ** exps
    return np.arange(slider.min, slider.max + slider.step / 2, slider.step)


def move_sequence(slider, moves: int, rng) -> list:
    """`moves` positions, never the same twice in a row."""
    grid = slider_grid(slider)
    picks, last = [], slider.value
    while len(picks) < moves:
        v = grid[rng.integers(len(grid))]
        if not np.isclose(v, last):
            picks.append(v)
            last = v
    return [type(slider.value)(v) for v in picks]


def time_moves(ex, name: str, values) -> tuple[np.ndarray, int]:
    """Milliseconds per move, and how many moves changed the image."""
    slider = ex.controls[name]
    times, changed = [], 0
    for v in values:
        before = ex.image.value
        start = time.perf_counter()
        slider.value = v
        times.append(1000 * (time.perf_counter() - start))
        changed += ex.image.value != before
    return np.array(times), changed


def cases():
    """(explorer label, factory, slider names, trains)."""
    def trained_playground():
        ex = playground("spiral", hidden="16-16", activation="relu")
        ex.controls["train"].click()
        return ex

    return [
        ("saturation", lambda: saturation_explorer("sigmoid"), ["z"], False),
        ("maxout", maxout_explorer, ["w1", "b1", "w2", "b2"], False),
        ("weight_scale", lambda: weight_scale_explorer("tanh", depth=10),
         ["weight_scale", "depth"], False),
        ("neuron_classifier", neuron_classifier_explorer, ["w1", "w2", "b", "reg"], False),
        ("dead_relu", dead_relu_explorer, ["lr", "alpha"], True),
        ("playground", trained_playground, ["lr", "reg"], False),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=50)
    parser.add_argument("--strict", action="store_true", help="exit 1 if any row fails")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    # No thread pinning here (unlike _timing.py): this measures what a learner's
    # kernel does, and the explorers limit BLAS to one thread themselves.
    print(f"# explorer latency: python {platform.python_version()}, numpy {np.__version__}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; wall-clock ms\n")
    header = (f"{'explorer':<18} {'slider':<13} {'moves':>5} {'median ms':>10} {'p95 ms':>8} "
              f"{'target':<26} {'result':<6}")
    print(header)
    print("-" * len(header))
    failed = 0
    for label, factory, sliders, trains in cases():
        ex = factory()
        for name in sliders:
            values = move_sequence(ex.controls[name], args.moves, rng)
            target = f"p95 < {TARGET_MS:.0f} ms"
            if trains:
                first, _ = time_moves(ex, name, values)
                target = f"cached 2nd visit p95 < {TARGET_MS:.0f}"
                print(f"{label:<18} {name + ' (1st)':<13} {len(first):>5} "
                      f"{np.median(first):>10.1f} {np.percentile(first, 95):>8.1f} "
                      f"{'(trains: no target)':<26} {'-':<6}")
            times, changed = time_moves(ex, name, values)
            ok = np.percentile(times, 95) < TARGET_MS and changed > 0
            failed += not ok
            print(f"{label:<18} {name:<13} {len(times):>5} {np.median(times):>10.1f} "
                  f"{np.percentile(times, 95):>8.1f} {target:<26} {'PASS' if ok else 'FAIL':<6}")
    print(f"\n{failed} row(s) failed" if failed else "\nall rows pass")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
