r"""Maxout explorer: the larger of two lines, with ReLU and Leaky ReLU inside it.

A maxout unit on a scalar input computes
:math:`\max(w_1 x + b_1,\; w_2 x + b_2)`. With the first piece at zero it is a
ReLU; with :math:`w_1 = \alpha w_2` it is a Leaky ReLU. The sliders set both
pieces, the readout says which special case (if any) is on screen and checks
it against nnkit's own ReLU and Leaky ReLU.
"""
from __future__ import annotations

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from ..activations import leaky_relu, relu
from ..maxout import maxout_forward
from ..plots import new_figure
from ._wiring import Explorer

__all__ = ["MaxoutCurve", "maxout_curve", "special_case", "PRESETS", "maxout_explorer"]

X_GRID = np.linspace(-4.0, 4.0, 161)

#: Preset name -> (button label, (w1, b1, w2, b2)).
PRESETS = {"relu": ("ReLU", (0.0, 0.0, 1.0, 0.0)),
           "leaky_relu": ("Leaky ReLU", (0.1, 0.0, 1.0, 0.0)),
           "abs": ("|x|", (-1.0, 0.0, 1.0, 0.0))}


class MaxoutCurve(NamedTuple):
    """A scalar maxout unit on a grid; all arrays shape (K,)."""

    x: np.ndarray
    piece1: np.ndarray
    piece2: np.ndarray
    out: np.ndarray


def maxout_curve(w1, b1, w2, b2, x=X_GRID):
    r"""Both linear pieces and the maxout output of one unit with one input.

    Parameters
    ----------
    w1, b1, w2, b2 : float
        Slopes and intercepts of the two pieces.
    x : ndarray, shape (K,)

    Returns
    -------
    MaxoutCurve

    Notes
    -----
    .. math:: \mathrm{out}(x) = \max(w_1 x + b_1,\; w_2 x + b_2)

    Examples
    --------
    >>> maxout_curve(0.0, 0.0, 1.0, 0.0, x=np.array([-2.0, 3.0])).out
    array([0., 3.])
    """
    out, _ = maxout_forward(x[:, None], [[w1]], [b1], [[w2]], [b2])
    return MaxoutCurve(x, w1 * x + b1, w2 * x + b2, out[:, 0])


def special_case(w1, b1, w2, b2, x=X_GRID):
    r"""Name the familiar activation a maxout unit equals on a grid, if any.

    Parameters
    ----------
    w1, b1, w2, b2 : float
    x : ndarray, shape (K,)

    Returns
    -------
    name : str
        ``"ReLU"``, ``"Leaky ReLU (α = a)"``, ``"|x|"`` or ``""``.
    max_abs_diff : float
        :math:`\max_x |\mathrm{maxout}(x) - g(x)|` against that activation `g`
        (nnkit's own, or ``np.abs``), 0 when it matches; nan when no case applies.

    Examples
    --------
    >>> special_case(0.0, 0.0, 1.0, 0.0)
    ('ReLU', 0.0)
    """
    out = maxout_curve(w1, b1, w2, b2, x).out
    slopes = sorted([(w1, b1), (w2, b2)])
    (a, ba), (one, bo) = slopes
    if ba == 0 and bo == 0 and one == 1.0 and 0 <= a < 1:
        if a == 0:
            return "ReLU", float(np.max(np.abs(out - relu(x))))
        return f"Leaky ReLU (α = {a:g})", float(np.max(np.abs(out - leaky_relu(x, alpha=a))))
    if ba == 0 and bo == 0 and one == 1.0 and a == -1.0:
        return "|x|", float(np.max(np.abs(out - np.abs(x))))
    return "", float("nan")


def _build(ex: Explorer):
    ax = ex.figure.axes[0]
    ax.cla()
    ax.set_xlim(X_GRID[0], X_GRID[-1])
    ax.set_ylim(-4, 6)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_xlabel("x")
    p1, = ax.plot([], [], ls="--", color="C0", label="w₁x + b₁")
    p2, = ax.plot([], [], ls="--", color="C2", label="w₂x + b₂")
    out, = ax.plot([], [], color="C3", lw=3, alpha=0.8, label="max(…)")
    title = ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    ex.artists = {"piece1": p1, "piece2": p2, "out": out, "title": title}
    ex.animate(p1, p2, out, title)
    ex.invalidate()


def _draw(ex: Explorer, changed):
    if not ex.artists:
        _build(ex)
    v = ex.values()
    curve = maxout_curve(v["w1"], v["b1"], v["w2"], v["b2"])
    name, diff = special_case(v["w1"], v["b1"], v["w2"], v["b2"])
    ex.artists["piece1"].set_data(curve.x, curve.piece1)
    ex.artists["piece2"].set_data(curve.x, curve.piece2)
    ex.artists["out"].set_data(curve.x, curve.out)
    formula = f"max({v['w1']:.2f}x + {v['b1']:.2f}, {v['w2']:.2f}x + {v['b2']:.2f})"
    ex.artists["title"].set_text(f"{formula}  {('= ' + name) if name else ''}")
    state = {**v, "special_case": name, "max_abs_diff": diff,
             "out_at_minus_2": float(maxout_curve(v["w1"], v["b1"], v["w2"], v["b2"],
                                                  np.array([-2.0])).out[0])}
    check = f" (max |difference| from nnkit's {name.split(' (')[0]}: {diff:.3g})" if name else ""
    html = (f"f(x) = {formula}; f(−2) = <b>{state['out_at_minus_2']:.4g}</b>. "
            f"Special case: <b>{name or 'none'}</b>{check}. Parameters: 2 × (w, b) per unit.")
    return state, html


def maxout_explorer(w1=0.0, b1=0.0, w2=1.0, b2=0.0):
    r"""Sliders for the two linear pieces of a maxout unit, with presets.

    Parameters
    ----------
    w1, b1, w2, b2 : float
        Initial pieces, each in [-2, 2]; the default is a ReLU.

    Returns
    -------
    Explorer
        Controls ``"w1"``, ``"b1"``, ``"w2"``, ``"b2"`` (FloatSliders) and one
        Button ``"preset_<name>"`` per entry of :data:`PRESETS`;
        ``state["special_case"]`` names
        the activation shown.

    Examples
    --------
    >>> ex = maxout_explorer()
    >>> ex.state["special_case"]
    'ReLU'
    """
    sliders = {name: widgets.FloatSlider(value=val, min=-2.0, max=2.0, step=0.05,
                                         description=name.replace("1", "₁").replace("2", "₂"))
               for name, val in zip(("w1", "b1", "w2", "b2"), (w1, b1, w2, b2))}
    buttons = {f"preset_{key}": widgets.Button(description=label)
               for key, (label, _) in PRESETS.items()}
    fig, _ = new_figure(6.5, 3.2, dpi=80)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9)
    ex = Explorer("Maxout explorer", {**sliders, **buttons}, fig, _draw)
    for key, (_, pieces) in PRESETS.items():
        buttons[f"preset_{key}"].on_click(
            lambda _b, p=pieces: ex.set_values(**dict(zip(("w1", "b1", "w2", "b2"), p))))
    return ex
