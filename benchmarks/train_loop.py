"""Time nnkit.train.train_mlp against the same training loop written with PyTorch (CPU).

Issue 6, target 4: training on a 2-D toy problem (300 spiral points, 3
classes, one hidden layer of 100 ReLU units, 1000 full-batch gradient steps)
is no slower than the same loop in PyTorch on the CPU, one thread each.

"The same loop" means the same work per step as ``train_mlp``: forward pass,
softmax loss plus L2 penalty, backward pass, update, and the history it
records (loss, accuracy, weight norm, dead and saturated fractions, a finite
check). A second PyTorch loop that records only the loss is shown for
information. Both start from the same initial weights, and their final losses
are printed so that a mismatch shows. Run from the repository root::

    python benchmarks/train_loop.py
"""
from __future__ import annotations

import argparse

import _timing  # first: pins every library to one thread
import numpy as np

from nnkit.data import make_spiral
from nnkit.layers import init_mlp
from nnkit.train import train_mlp

torch = _timing.peer("torch")

HIDDEN, STEPS, LR, REG = 100, 1000, 0.5, 1e-3


def torch_loop(X, y, params, *, record_everything):
    """Full-batch gradient descent in PyTorch, mirroring nnkit.train.train_mlp."""
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    (W1, b1), (W2, b2) = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
                          for W, b in params]
    weights, everything = (W1, W2), (W1, b1, W2, b2)
    history = np.full((STEPS, 5), np.nan)
    for step in range(STEPS):
        z = Xt @ W1 + b1
        scores = torch.relu(z) @ W2 + b2
        loss = torch.nn.functional.cross_entropy(scores, yt) + 0.5 * REG * sum((W * W).sum() for W in weights)
        history[step, 0] = loss.item()
        if record_everything:
            with torch.no_grad():
                if not all(torch.isfinite(p).all() for p in everything):
                    break
                history[step, 1] = (scores.argmax(1) == yt).double().mean().item()
                history[step, 2] = torch.sqrt(sum((W * W).sum() for W in weights)).item()
                history[step, 3] = (z <= 0).all(0).double().mean().item()
                history[step, 4] = (z <= 0).double().mean().item()  # relu' < 0.01 * 1
        loss.backward()
        with torch.no_grad():
            for p in everything:
                p -= LR * p.grad
                p.grad = None
    return history


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    _timing.header("training loop (issue 6, target 4)", {"torch": torch})
    X, y = make_spiral(300, n_classes=3)
    params = init_mlp([2, HIDDEN, 3], seed=0)
    print(f"spiral: {X.shape[0]} points, 2-{HIDDEN}-3 ReLU, {STEPS} steps, lr={LR}, reg={REG}")
    fns = {"nnkit train_mlp": lambda: train_mlp(X, y, hidden_sizes=(HIDDEN,), lr=LR, reg=REG,
                                                 steps=STEPS, params=params)}
    _, history = fns["nnkit train_mlp"]()
    print(f"nnkit final loss {history.loss[-1]:.6f}, accuracy {history.accuracy[-1]:.3f}")
    if torch is not None:
        fns["torch, same loop"] = lambda: torch_loop(X, y, params, record_everything=True)
        fns["torch, loss only"] = lambda: torch_loop(X, y, params, record_everything=False)
        th = fns["torch, same loop"]()
        print(f"torch final loss {th[-1, 0]:.6f}, accuracy {th[-1, 1]:.3f}")
    t = _timing.interleaved_medians(fns, args.repeats, warmup=1)
    print()
    print("| loop | s (median CPU) | nnkit / this | target | verdict |")
    print("|---|---|---|---|---|")
    ours = t["nnkit train_mlp"]
    for name, seconds in t.items():
        if name == "nnkit train_mlp":
            print(f"| {name} | {seconds:.3f} | 1.00 | - | - |")
            continue
        ratio = ours / seconds
        target = "<= 1.0" if name == "torch, same loop" else "-"
        check = _timing.verdict(ratio, 1.0) if target != "-" else "(info)"
        print(f"| {name} | {seconds:.3f} | {ratio:.2f} | {target} | {check} |")
    if torch is None:
        print("| torch, same loop | MISSING | - | <= 1.0 | peer not installed |")


if __name__ == "__main__":
    main()
