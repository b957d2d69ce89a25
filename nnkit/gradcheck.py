r"""Numerical gradients, and checking an analytic gradient against them.

This module is the one place where gradients are checked numerically. Its
functions never modify the arrays they are given (they work on a float64 copy)
and never print: they return numbers, or a :class:`GradCheckResult` that says
whether the check passed, where it was worst, and which entries sat on a kink.

A checked function ``f`` is called with a perturbed float64 copy of ``x``; it
must compute from that argument (not from a variable captured elsewhere) and
must not modify it.

Kinks. A centred difference :math:`(f(x+h) - f(x-h))/2h` that straddles a
point where the slope jumps (ReLU at 0, a maxout tie, the hinge) matches
neither side's slope. Instead of loosening the tolerance everywhere, each entry
that fails is looked at again with a step ten times smaller: if it now agrees,
the kink was just inside the first step; if the second difference does not
shrink with the step, there is a kink within reach, and the analytic value
passes when it lies between the two one-sided slopes (a valid subgradient).
Such entries are reported in ``kinks``, not counted as errors.

Fast mode checks random directional derivatives instead of every coordinate:
:math:`(g(x + h v) - g(x - h v)) / 2h` against :math:`\nabla g \cdot v` for a
unit vector v, two evaluations of ``f`` per direction whatever the size of x.
A wrong gradient that is wrong in many entries (a missing factor, the gradient
of another function) is caught with near certainty; a single wrong entry among
many may be diluted below the tolerance, so use full mode on small arrays.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._validate import as_float_array

__all__ = [
    "numerical_gradient", "numerical_gradient_array", "relative_error",
    "GradCheckResult", "check_gradient", "check_elementwise_gradient",
]

_FLOOR = 1e-8  # below this |a| + |b|, differences count as absolute, not relative
# Rounding error of a centred difference, in units of eps * |f| / h, taken with a margin.
_ROUNDING = 16 * np.finfo(np.float64).eps


def _working_copy(x) -> np.ndarray:
    return np.array(as_float_array(x, "x"), dtype=np.float64, copy=True)


def _scalar(value, what: str) -> float:
    value = np.asarray(value)
    if value.ndim != 0 and value.size != 1:
        raise ValueError(
            f"{what} must return a scalar, got an array of shape {value.shape}; "
            "for an array-valued function pass dout (the upstream gradient)"
        )
    return float(value.reshape(()))


def _projected(f: Callable, dout) -> Callable[[np.ndarray], float]:
    """Scalar function g(x) = sum(f(x) * dout), or f itself when dout is None."""
    if dout is None:
        return lambda x: _scalar(f(x), "f")
    dout = np.asarray(dout, dtype=np.float64)

    def g(x):
        out = np.asarray(f(x))
        if out.shape != dout.shape:
            raise ValueError(f"f(x) has shape {out.shape} but dout has shape {dout.shape}; they must match")
        return float(np.sum(out * dout))

    return g


def _centred_gradient(g, x, h):
    """Centred differences of scalar g along every coordinate, on a private copy of x."""
    x = _working_copy(x)
    grad = np.empty_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = g(x)
        x[index] = old - h
        minus = g(x)
        x[index] = old
        grad[index] = (plus - minus) / (2 * h)
    return grad


def numerical_gradient(f, x, h=1e-5):
    r"""Centred-difference gradient of a scalar function.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    x : array_like, any shape
        Point at which to differentiate. Not modified.
    h : float, default 1e-5
        Step.

    Returns
    -------
    ndarray of float64, same shape as `x`
        :math:`\frac{f(x + h e_i) - f(x - h e_i)}{2h}` for every entry i.

    Notes
    -----
    The error is :math:`O(h^2)` from truncation plus about
    :math:`\epsilon |f| / h` from rounding; :math:`h = 10^{-5}` balances the two
    in float64.

    Examples
    --------
    >>> numerical_gradient(lambda v: np.sum(v ** 2), [1.0, -2.0]).round(6)
    array([ 2., -4.])
    """
    return _centred_gradient(_projected(f, None), x, h)


def numerical_gradient_array(f, x, dout, h=1e-5):
    r"""Centred-difference gradient of an array function, projected on `dout`.

    Parameters
    ----------
    f : callable
        ``f(x) -> ndarray`` of the shape of `dout`.
    x : array_like, any shape
        Not modified.
    dout : array_like
        Upstream gradient :math:`\partial L/\partial f`.
    h : float, default 1e-5

    Returns
    -------
    ndarray of float64, same shape as `x`
        :math:`\partial L/\partial x_i \approx \sum_j \mathrm{dout}_j
        \frac{f_j(x + h e_i) - f_j(x - h e_i)}{2h}`.

    Examples
    --------
    >>> numerical_gradient_array(lambda v: 3 * v, [1.0, 2.0], [1.0, 10.0]).round(6)
    array([ 3., 30.])
    """
    return _centred_gradient(_projected(f, dout), x, h)


def _elementwise_relative_error(a, b, floor=_FLOOR):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)


def relative_error(a, b, floor=_FLOOR):
    r"""Largest elementwise relative error between two arrays.

    Parameters
    ----------
    a, b : array_like, same shape
    floor : float, default 1e-8
        Lower bound of the denominator, so that two near-zero values compare by
        their absolute difference.

    Returns
    -------
    float
        :math:`\max_i |a_i - b_i| / \max(|a_i| + |b_i|, \text{floor})`; about
        1e-7 or less is a good gradient, above 1e-2 almost surely a bug.

    Examples
    --------
    >>> round(relative_error([1.0, 2.0], [1.0, 2.002]), 7)
    0.0004998
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(_elementwise_relative_error(a, b, floor)))


@dataclass(frozen=True)
class GradCheckResult:
    """Outcome of :func:`check_gradient`.

    Attributes
    ----------
    passed : bool
        Every checked entry (or direction) agrees within `tol`, kinks aside.
    max_rel_error : float
        Largest relative error over the entries that count (kinks excluded).
    worst_index : tuple or int or None
        Where `max_rel_error` occurs: an index into `x` (full mode) or the
        number of the direction (fast mode); None if nothing was compared.
    kinks : tuple
        Entries (or directions) whose difference straddled a kink and whose
        analytic value lies between the one-sided slopes there.
    n_evaluations : int
        Calls of the checked function.
    mode : str
        ``"full"`` or ``"fast"``.
    tol : float
        The tolerance used.
    """

    passed: bool
    max_rel_error: float
    worst_index: object
    kinks: tuple
    n_evaluations: int
    mode: str
    tol: float
    numerical: np.ndarray = field(repr=False)
    analytic: np.ndarray = field(repr=False)

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        kinks = f", {len(self.kinks)} kink(s) skipped" if self.kinks else ""
        return (f"gradient check {verdict} ({self.mode} mode): max relative error "
                f"{self.max_rel_error:.2e} at {self.worst_index} (tol {self.tol:.0e}){kinks}, "
                f"{self.n_evaluations} evaluations")


class _Counter:
    """Wraps g to count its calls."""

    def __init__(self, g):
        self.g, self.calls = g, 0

    def __call__(self, x):
        self.calls += 1
        return self.g(x)


def _recheck(g, x, step, analytic, h, tol, g0):
    """Second look at one failing entry: 'pass', 'kink' or 'fail'.

    `step(x, t)` moves x by t along the checked coordinate or direction, in place.
    """
    def at(t):
        step(x, t)
        value = g(x)
        step(x, -t)
        return value

    plus, minus = at(h), at(-h)
    small = h / 10
    plus_s, minus_s = at(small), at(-small)
    if _elementwise_relative_error(analytic, (plus_s - minus_s) / (2 * small)) <= tol:
        return "pass"
    curvature = (plus - 2 * g0 + minus) / h
    curvature_s = (plus_s - 2 * g0 + minus_s) / small
    noise = 1e-6 * (1 + abs(g0))
    # A smooth function's second difference shrinks with the step; a kink's does not.
    if abs(curvature) > noise and abs(curvature_s) > 0.2 * abs(curvature):
        right, left = (plus_s - g0) / small, (g0 - minus_s) / small
        slack = 1e-4 * max(abs(left), abs(right), 1.0)
        if min(left, right) - slack <= analytic <= max(left, right) + slack:
            return "kink"
    return "fail"


def _coordinate_step(index):
    def step(x, t):
        x[index] += t
    return step


def _direction_step(v):
    def step(x, t):
        x += t * v
    return step


def check_gradient(f, x, grad, *, dout=None, h=1e-5, tol=1e-6, fast=False,
                   n_directions=1, seed=0):
    r"""Compare an analytic gradient with a numerical one.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``, or ``f(x) -> ndarray`` when `dout` is given.
    x : array_like, any shape
        Point of the check. Not modified.
    grad : array_like, same shape as `x`
        The analytic gradient to check: of ``f`` (scalar case) or of
        ``sum(f(x) * dout)`` (array case).
    dout : array_like, optional
        Upstream gradient that projects an array-valued ``f`` to a scalar.
    h : float, default 1e-5
        Finite-difference step.
    tol : float, default 1e-6
        Largest relative error accepted.
    fast : bool, default False
        Check `n_directions` random directional derivatives (2 evaluations of
        `f` each) instead of every entry (2 per entry).
    n_directions : int, default 1
        Directions in fast mode.
    seed : int, default 0
        Seed of the random directions.

    Returns
    -------
    GradCheckResult

    Notes
    -----
    Relative error :math:`|a - n| / \max(|a| + |n|, 10^{-8})`, with a the
    analytic and n the numerical value. An entry whose difference :math:`|a - n|`
    is within the rounding error of the centred difference,
    :math:`16\,\epsilon\,(|f(x+h)| + |f(x-h)|) / 2h`, counts as exact: no
    finite difference can say more about it (this matters for tiny gradients of
    a large sum, such as tanh' in its tails). See the module docstring for how
    kinks are told apart from errors.

    Examples
    --------
    >>> x = np.array([1.0, -2.0, 3.0])
    >>> check_gradient(lambda v: np.sum(v ** 3), x, 3 * x ** 2).passed
    True
    >>> check_gradient(lambda v: np.sum(v ** 3), x, 3.003 * x ** 2).passed
    False
    """
    work = _working_copy(x)
    analytic = np.asarray(as_float_array(grad, "grad"), dtype=np.float64)
    if analytic.shape != work.shape:
        raise ValueError(f"grad must have the shape of x, {work.shape}; got {analytic.shape}")
    g = _Counter(_projected(f, dout))
    if fast:
        rng = np.random.default_rng(seed)
        directions = [v / np.linalg.norm(v) for v in rng.standard_normal((int(n_directions), work.size))]
        steps = [_direction_step(v.reshape(work.shape)) for v in directions]
        wanted = np.array([np.sum(analytic.ravel() * v) for v in directions])
        labels = list(range(len(steps)))
    else:
        labels = list(np.ndindex(work.shape))
        steps = [_coordinate_step(i) for i in labels]
        wanted = analytic.ravel()
    numerical, noise = np.empty(len(steps)), np.empty(len(steps))
    for k, step in enumerate(steps):
        step(work, h)
        plus = g(work)
        step(work, -2 * h)
        minus = g(work)
        step(work, h)
        numerical[k] = (plus - minus) / (2 * h)
        noise[k] = _ROUNDING * (abs(plus) + abs(minus)) / (2 * h)
    errors = _elementwise_relative_error(wanted, numerical)
    # A difference no larger than the rounding error of f's two values says nothing.
    errors[np.abs(wanted - numerical) <= noise] = 0.0
    kinks, failing = [], np.flatnonzero(errors > tol)
    if failing.size:
        g0 = g(work)
        for k in failing:
            verdict = _recheck(g, work, steps[k], wanted[k], h, tol, g0)
            if verdict != "fail":
                errors[k] = 0.0 if verdict == "pass" else np.nan
                if verdict == "kink":
                    kinks.append(labels[k])
    counted = np.where(np.isnan(errors), -np.inf, errors)
    worst = int(np.argmax(counted)) if counted.size and np.isfinite(counted).any() else None
    max_error = float(counted[worst]) if worst is not None else 0.0
    return GradCheckResult(
        passed=max_error <= tol, max_rel_error=max_error,
        worst_index=None if worst is None else labels[worst], kinks=tuple(kinks),
        n_evaluations=g.calls, mode="fast" if fast else "full", tol=tol,
        numerical=numerical.reshape(work.shape) if not fast else numerical,
        analytic=analytic if not fast else wanted,
    )


def check_elementwise_gradient(fn, grad_fn, z, *, seed=0, **options):
    r"""Check the derivative of an elementwise function such as an activation.

    Parameters
    ----------
    fn : callable
        ``fn(z) -> ndarray`` of the shape of `z`, applied elementwise.
    grad_fn : callable
        ``grad_fn(z) -> ndarray``, the claimed derivative :math:`f'(z)`.
    z : array_like, any shape
        Points of the check.
    seed : int, default 0
        Seed of the random upstream gradient.
    **options
        Passed on to :func:`check_gradient` (`h`, `tol`, `fast`, ...).

    Returns
    -------
    GradCheckResult

    Notes
    -----
    A random upstream gradient :math:`g` projects the output to the scalar
    :math:`\sum_i g_i f(z_i)`, whose gradient is :math:`g \odot f'(z)`.

    Examples
    --------
    >>> z = np.linspace(-3, 3, 7)
    >>> check_elementwise_gradient(np.tanh, lambda v: 1 - np.tanh(v) ** 2, z).passed
    True
    """
    z = as_float_array(z, "z")
    dout = np.random.default_rng(seed).standard_normal(z.shape)
    analytic = np.asarray(grad_fn(z), dtype=np.float64) * dout
    return check_gradient(fn, z, analytic, dout=dout, seed=seed, **options)
