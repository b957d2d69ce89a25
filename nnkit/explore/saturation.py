r"""Saturation explorer: an activation, its derivative, and where the gradient dies.

Move the pre-activation :math:`z` and read the local gradient :math:`f'(z)`:
the factor by which the activation scales every gradient flowing back through
it. Where :math:`f'` is under 1 % of its peak (shaded) the unit is saturated
and passes almost nothing back.
"""
from __future__ import annotations

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from ..activations import get_activation
from ..plots import new_figure, plot_function_and_grad
from ._wiring import Explorer

__all__ = ["ACTIVATION_LABELS", "SaturationCurve", "saturation_curve", "local_gradient",
           "saturation_explorer"]

#: Display label -> registry name, in the order the lessons introduce them.
ACTIVATION_LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "ReLU": "relu",
                     "Leaky ReLU": "leaky_relu"}


class SaturationCurve(NamedTuple):
    """An activation sampled on a grid; all arrays have shape (K,)."""

    z: np.ndarray
    f: np.ndarray
    grad: np.ndarray
    saturated: np.ndarray
    peak_grad: float


def saturation_curve(activation, z_max=8.0, n=401, threshold=0.01):
    r"""Sample an activation and its derivative, and mark the saturated part.

    Parameters
    ----------
    activation : str or Activation
        A registry entry of :data:`nnkit.ACTIVATIONS`.
    z_max : float
        The grid spans :math:`[-z_{max}, z_{max}]`.
    n : int
        Number of grid points (odd, so that 0 is on the grid).
    threshold : float
        Saturated means :math:`f'(z) < \text{threshold}\cdot\max_z f'(z)`.

    Returns
    -------
    SaturationCurve
        ``z``, ``f``, ``grad``, ``saturated`` of shape (n,) and ``peak_grad``.

    Notes
    -----
    The peak of :math:`f'` is taken on the grid; it is at 0 (or just right of
    it) for every registry activation: 1/4 for the sigmoid, 1 otherwise.

    Examples
    --------
    >>> c = saturation_curve("sigmoid", n=5)
    >>> c.peak_grad, c.saturated.tolist()
    (0.25, [True, False, False, False, True])
    """
    if n % 2 == 0:
        raise ValueError(f"n must be odd so that z = 0 is on the grid, got {n}")
    act = get_activation(activation)
    z = np.linspace(-z_max, z_max, n)
    grad = act.grad(z)
    # ReLU's slope at 0 is 0 by convention: take the peak just right of 0 too.
    right_of_zero = act.grad(np.array([np.finfo(np.float64).tiny]))[0]
    peak = float(max(grad.max(), right_of_zero))
    return SaturationCurve(z, act.fn(z), grad, grad < threshold * peak, peak)


def local_gradient(activation, z):
    r"""The activation's value and local gradient at one pre-activation.

    Parameters
    ----------
    activation : str or Activation
    z : float

    Returns
    -------
    value, grad : float
        :math:`f(z)` and :math:`f'(z)`.

    Examples
    --------
    >>> local_gradient("tanh", 0.0)
    (0.0, 1.0)
    """
    act = get_activation(activation)
    z = np.array([float(z)])
    return float(act.fn(z)[0]), float(act.grad(z)[0])


def _draw(ex: Explorer, changed):
    v = ex.values()
    name = ACTIVATION_LABELS[v["activation"]]
    curve = saturation_curve(name)
    value, grad = local_gradient(name, v["z"])
    if changed != "z":  # a new activation: axes, limits and legend change
        ax = ex.figure.axes[0]
        ax.cla()
        lines = plot_function_and_grad(ax, curve.z, curve.f, curve.grad, name=name,
                                       saturated=curve.saturated)
        marker, = ax.plot([], [], "o", color="k", ms=6)
        title = ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", fontsize=10)
        ex.artists = {"curve": lines, "marker": marker, "title": title}
        ex.animate(marker, title)
        ex.invalidate()
    ex.artists["marker"].set_data([v["z"], v["z"]], [value, grad])
    ex.artists["title"].set_text(f"{v['activation']}: local gradient f′({v['z']:.2f}) = {grad:.4g}")
    ratio = grad / curve.peak_grad
    saturated = ratio < 0.01
    state = {"activation": name, "z": float(v["z"]), "value": value, "grad": grad,
             "fraction_of_peak": ratio, "saturated": bool(saturated)}
    verdict = "<b>saturated</b>" if saturated else "gradient flows"
    html = (f"z = {v['z']:.2f} &nbsp; f(z) = <b>{value:.4g}</b> &nbsp; "
            f"f′(z) = <b class='nnkit-grad'>{grad:.4g}</b> ({100 * ratio:.3g} % of its peak"
            f" {curve.peak_grad:.3g}) &nbsp; {verdict}")
    return state, html


def saturation_explorer(activation="sigmoid", z=0.0):
    r"""Slider over :math:`z` showing :math:`f`, :math:`f'` and the saturated region.

    Parameters
    ----------
    activation : str
        Initial choice: a label of :data:`ACTIVATION_LABELS` or a registry name.
    z : float
        Initial pre-activation, in [-8, 8].

    Returns
    -------
    Explorer
        Controls ``"z"`` (FloatSlider) and ``"activation"`` (Dropdown);
        ``state["grad"]`` is :math:`f'(z)`.

    Examples
    --------
    >>> ex = saturation_explorer("sigmoid", z=3.0)
    >>> round(ex.state["grad"], 6)
    0.045177
    """
    labels = {v: k for k, v in ACTIVATION_LABELS.items()}
    label = labels.get(activation, activation)
    if label not in ACTIVATION_LABELS:
        raise ValueError(f"activation must be one of {list(ACTIVATION_LABELS)}, got {activation!r}")
    controls = {
        "z": widgets.FloatSlider(value=z, min=-8.0, max=8.0, step=0.1, description="z"),
        "activation": widgets.Dropdown(options=list(ACTIVATION_LABELS), value=label,
                                       description="activation"),
    }
    fig, _ = new_figure(6.5, 3.2, dpi=80)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9)
    return Explorer("Saturation explorer", controls, fig, _draw)
