"""Time nnkit's fast gradient check against torch.autograd.gradcheck(fast_mode=True).

Issue 6, target 3: ``check_gradient(fast=True)`` on a two-layer net with about
10^4 parameters is no slower than PyTorch's fast gradcheck of the same
function, and an elementwise function is checked in 2 evaluations, not 2n.

The function is the mean softmax loss of a 16-500-3 tanh network (10,003
parameters, tanh so that no kink can confuse either checker) on 100 fixed
examples, as a function of the flat parameter vector. PyTorch's gradcheck
computes its analytic side by autograd inside the call, so nnkit is timed both
for the check alone and for computing the analytic gradient (forward and
backward pass) plus the check; the target is judged on the second. Run from
the repository root::

    python benchmarks/gradcheck_fast.py
"""
from __future__ import annotations

import argparse

import _timing  # first: pins every library to one thread
import numpy as np

from nnkit import activations as act
from nnkit.gradcheck import check_elementwise_gradient, check_gradient
from nnkit.layers import init_mlp, mlp_backward, mlp_forward
from nnkit.losses import softmax_loss

torch = _timing.peer("torch")

SIZES = [16, 500, 3]
N = 100


def problem():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N, SIZES[0]))
    y = rng.integers(0, SIZES[-1], N)
    params = init_mlp(SIZES, seed=0)
    theta = np.concatenate([a.ravel() for pair in params for a in pair])
    return X, y, theta


def unflatten(theta):
    params, start = [], 0
    for d, m in zip(SIZES[:-1], SIZES[1:]):
        W = theta[start:start + d * m].reshape(d, m)
        b = theta[start + d * m:start + d * m + m]
        params.append((W, b))
        start += d * m + m
    return params


def nnkit_case(X, y):
    def loss(theta):
        scores, _ = mlp_forward(X, unflatten(theta), "tanh")
        return softmax_loss(scores, y)[0]

    def gradient(theta):
        scores, cache = mlp_forward(X, unflatten(theta), "tanh")
        _, dscores = softmax_loss(scores, y)
        return np.concatenate([g.ravel() for pair in mlp_backward(dscores, cache) for g in pair])

    return loss, gradient


def torch_case(X, y):
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def loss(theta):
        params, start = [], 0
        for d, m in zip(SIZES[:-1], SIZES[1:]):
            params.append((theta[start:start + d * m].view(d, m), theta[start + d * m:start + d * m + m]))
            start += d * m + m
        (W1, b1), (W2, b2) = params
        scores = torch.tanh(Xt @ W1 + b1) @ W2 + b2
        return torch.nn.functional.cross_entropy(scores, yt)

    return loss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    _timing.header("fast gradient check (issue 6, target 3)", {"torch": torch})
    X, y, theta = problem()
    loss, gradient = nnkit_case(X, y)
    analytic = gradient(theta)
    result = check_gradient(loss, theta, analytic, fast=True)
    print(f"network {'-'.join(map(str, SIZES))}, tanh, N = {N}: {theta.size} parameters")
    print(f"nnkit check: passed={result.passed}, {result.n_evaluations} evaluations of f, "
          f"max_rel_error={result.max_rel_error:.1e}")
    wrong = check_gradient(loss, theta, analytic * 1.001, fast=True)
    print(f"a gradient 0.1% too large: passed={wrong.passed} (must be False)")
    z = np.random.default_rng(1).standard_normal(theta.size)
    elementwise = check_elementwise_gradient(act.sigmoid, act.sigmoid_grad, z, fast=True)
    print(f"elementwise sigmoid on {z.size} points: passed={elementwise.passed}, "
          f"{elementwise.n_evaluations} evaluations (target: 2, not 2n = {2 * z.size})")
    fns = {
        "nnkit check only": lambda: check_gradient(loss, theta, analytic, fast=True),
        "nnkit gradient + check": lambda: check_gradient(loss, theta, gradient(theta), fast=True),
    }
    if torch is not None:
        ttheta = torch.from_numpy(theta.copy()).requires_grad_(True)
        tloss = torch_case(X, y)
        ok = torch.autograd.gradcheck(tloss, (ttheta,), fast_mode=True)
        print(f"torch gradcheck(fast_mode=True): passed={ok}")
        fns["torch gradcheck fast"] = lambda: torch.autograd.gradcheck(tloss, (ttheta,), fast_mode=True)
    t = _timing.interleaved_medians(fns, args.repeats)
    print()
    print("| check | ms (median CPU) | vs torch | target | verdict |")
    print("|---|---|---|---|---|")
    for name, seconds in t.items():
        if torch is None:
            print(f"| {name} | {1e3 * seconds:.2f} | torch MISSING | <= 1.0 | not verified |")
            continue
        ratio = seconds / t["torch gradcheck fast"]
        target = "<= 1.0" if name == "nnkit gradient + check" else "-"
        check = _timing.verdict(ratio, 1.0) if target != "-" else "(info)"
        print(f"| {name} | {1e3 * seconds:.2f} | {ratio:.2f} | {target} | {check} |")
    if torch is None:
        print("| torch gradcheck fast | MISSING | - | - | peer not installed |")


if __name__ == "__main__":
    main()
