r"""Neuron-classifier explorer: one neuron as a linear classifier on 2-D data.

The sliders set :math:`w_1, w_2, b`. The figure shades
:math:`P(y=1\mid x) = \sigma(w^\top x + b)` (logistic loss) or the score
:math:`w^\top x + b` with its margin band :math:`|s| \le 1` (hinge loss), draws
the decision boundary :math:`w^\top x + b = 0`, and the readout gives the data
loss, the L2 penalty and the accuracy. "L2 step" applies only the
regularisation part of an update, :math:`w \leftarrow w - \eta\lambda w`:
the weights shrink towards 0 with no data involved ("gradual forgetting").
"""
from __future__ import annotations

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from ..activations import sigmoid
from ..data import make_blobs
from ..losses import binary_hinge_loss, binary_logistic_loss, l2_penalty
from ..neuron import neuron_scores
from ..plots import grid_points, new_figure, plot_decision_regions
from ..train import train_neuron
from ._wiring import Explorer

__all__ = ["NeuronFit", "neuron_fit", "boundary_segment", "l2_step", "neuron_classifier_explorer"]

LEARNING_RATE = 0.5
DATA = make_blobs(100, n_classes=2, spread=0.5, seed=0)


class NeuronFit(NamedTuple):
    """How one neuron with weights w, b does on a data set."""

    scores: np.ndarray
    data_loss: float
    penalty: float
    total_loss: float
    accuracy: float


def neuron_fit(X, y, w, b, loss="logistic", reg=0.0):
    r"""Loss and accuracy of a linear neuron on labelled 2-D data.

    Parameters
    ----------
    X : ndarray, shape (N, D)
    y : ndarray of int, shape (N,)
        Labels 0/1 (mapped to -1/+1 for the hinge loss).
    w : ndarray, shape (D,)
    b : float
    loss : {"logistic", "hinge"}
    reg : float
        L2 strength :math:`\lambda`.

    Returns
    -------
    NeuronFit
        ``scores`` (N,), ``data_loss``, ``penalty`` = :math:`\tfrac12\lambda\|w\|^2`,
        ``total_loss``, ``accuracy`` (predict 1 where the score is positive).

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [-1.0, 0.0]]); y = np.array([1, 0])
    >>> neuron_fit(X, y, np.array([1.0, 0.0]), 0.0, "hinge").data_loss
    0.0
    """
    scores = neuron_scores(X, w, b)
    if loss == "logistic":
        data_loss, _ = binary_logistic_loss(scores, y)
    elif loss == "hinge":
        data_loss, _ = binary_hinge_loss(scores, 2 * np.asarray(y) - 1)
    else:
        raise ValueError(f"loss must be 'logistic' or 'hinge', got {loss!r}")
    penalty, _ = l2_penalty(np.asarray(w, dtype=float), reg)
    accuracy = float(np.mean((scores > 0) == (np.asarray(y) == 1)))
    return NeuronFit(scores, float(data_loss), float(penalty), float(data_loss + penalty), accuracy)


def l2_step(w, reg, lr=LEARNING_RATE):
    r"""One update with the regularisation gradient only.

    Parameters
    ----------
    w : ndarray, shape (D,)
    reg : float
        L2 strength :math:`\lambda`.
    lr : float
        Learning rate :math:`\eta`.

    Returns
    -------
    ndarray, shape (D,)
        :math:`w - \eta\lambda w = (1 - \eta\lambda)\,w`.

    Examples
    --------
    >>> l2_step(np.array([2.0, -4.0]), reg=0.5, lr=0.5)
    array([ 1.5, -3. ])
    """
    _, dw = l2_penalty(np.asarray(w, dtype=float), reg)
    return w - lr * dw


def boundary_segment(w, b, extent):
    r"""End points of the line :math:`w_1 x_1 + w_2 x_2 + b = 0` across a box.

    Parameters
    ----------
    w : ndarray, shape (2,)
    b : float
    extent : tuple of 4 floats
        ``(xmin, xmax, ymin, ymax)``.

    Returns
    -------
    xs, ys : ndarray, shape (2,)
        Empty when :math:`w = 0` (no boundary).

    Examples
    --------
    >>> boundary_segment(np.array([1.0, 1.0]), 0.0, (-1, 1, -1, 1))
    (array([-1.,  1.]), array([ 1., -1.]))
    """
    w1, w2 = float(w[0]), float(w[1])
    x0, x1, y0, y1 = extent
    if w1 == 0 and w2 == 0:
        return np.array([]), np.array([])
    if abs(w2) >= abs(w1):
        xs = np.array([x0, x1], dtype=float)
        return xs, -(w1 * xs + b) / w2
    ys = np.array([y0, y1], dtype=float)
    return -(w2 * ys + b) / w1, ys


def _build(ex: Explorer, extent):
    ax = ex.figure.axes[0]
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    X, y = DATA
    regions = plot_decision_regions(ax, np.zeros((2, 2)), extent, X, y)
    lines = [ax.plot([], [], color="k", lw=2 - (k != 0), ls="-" if k == 0 else ":")[0]
             for k in (0, 1, -1)]
    title = ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", fontsize=9)
    ex.artists = {"regions": regions, "boundary": lines[0], "margins": lines[1:], "title": title}
    ex.animate(regions.image, *regions.points, *lines, title)


def _draw(ex: Explorer, changed):
    X, y = DATA
    points, extent = grid_points(X, resolution=60)
    if not ex.artists:
        _build(ex, extent)
    v = ex.values()
    w = np.array([v["w1"], v["w2"]])
    fit = neuron_fit(X, y, w, v["b"], v["loss"], v["reg"])
    grid_scores = neuron_scores(points, w, v["b"]).reshape(60, 60)
    image = ex.artists["regions"].image
    if v["loss"] == "logistic":
        image.set_data(sigmoid(grid_scores))
        image.set_clim(0, 1)
    else:  # the margin: |s| <= 1 is where the hinge loss is still active
        image.set_data(np.clip(grid_scores, -2, 2))
        image.set_clim(-2, 2)
    ex.artists["boundary"].set_data(*boundary_segment(w, v["b"], extent))
    for line, level in zip(ex.artists["margins"], (1, -1)):
        shown = v["loss"] == "hinge"
        line.set_data(*(boundary_segment(w, v["b"] - level, extent) if shown else ([], [])))
    ex.artists["title"].set_text(f"{v['loss']} loss {fit.total_loss:.4f}, accuracy "
                                 f"{100 * fit.accuracy:.0f} %")
    state = {**v, "data_loss": fit.data_loss, "penalty": fit.penalty,
             "total_loss": fit.total_loss, "accuracy": fit.accuracy}
    html = (f"data loss = <b>{fit.data_loss:.4f}</b> &nbsp; L2 penalty ½λ‖w‖² = "
            f"<b>{fit.penalty:.4f}</b> &nbsp; total = <b>{fit.total_loss:.4f}</b> &nbsp; "
            f"accuracy = {100 * fit.accuracy:.0f} % &nbsp; ‖w‖ = {np.linalg.norm(w):.3f}")
    return state, html


def _l2_step(ex: Explorer):
    v = ex.values()
    w = l2_step(np.array([v["w1"], v["w2"]]), v["reg"])
    ex.set_values(**_clipped(ex, w1=w[0], w2=w[1]))


def _gradient_step(ex: Explorer):
    v = ex.values()
    w, b, _ = train_neuron(*DATA, loss=v["loss"], lr=LEARNING_RATE, reg=v["reg"], steps=1,
                           w=np.array([v["w1"], v["w2"]]), b=v["b"])
    ex.set_values(**_clipped(ex, w1=w[0], w2=w[1], b=b))


def _clipped(ex: Explorer, **values):
    """Slider values must stay in range; ipywidgets would clip silently anyway."""
    return {k: float(np.clip(x, ex.controls[k].min, ex.controls[k].max)) for k, x in values.items()}


def neuron_classifier_explorer(w1=-1.0, w2=0.5, b=0.0, loss="logistic", reg=0.1):
    r"""Sliders for one neuron's weights and bias on a 2-D, two-class data set.

    Parameters
    ----------
    w1, w2 : float
        Initial weights, in [-5, 5].
    b : float
        Initial bias, in [-3, 3].
    loss : {"logistic", "hinge"}
    reg : float
        Initial L2 strength, in [0, 1].

    Returns
    -------
    Explorer
        Sliders ``"w1"``, ``"w2"``, ``"b"``, ``"reg"``, Dropdown ``"loss"``,
        Buttons ``"l2_step"`` (regularisation only) and ``"gradient_step"``
        (data and regularisation, one step of ``train_neuron``);
        ``state`` has ``data_loss``, ``penalty``, ``total_loss``, ``accuracy``.

    Examples
    --------
    >>> ex = neuron_classifier_explorer(w1=-1.0, w2=-1.0, b=0.0)
    >>> ex.state["accuracy"] > 0.9
    True
    """
    slider = lambda value, lo, hi, desc: widgets.FloatSlider(  # noqa: E731
        value=value, min=lo, max=hi, step=0.05, description=desc)
    controls = {
        "w1": slider(w1, -5, 5, "w₁"), "w2": slider(w2, -5, 5, "w₂"), "b": slider(b, -3, 3, "b"),
        "loss": widgets.Dropdown(options=["logistic", "hinge"], value=loss, description="loss"),
        "reg": slider(reg, 0, 1, "λ (L2)"),
        "l2_step": widgets.Button(description="L2 step (no data)"),
        "gradient_step": widgets.Button(description="gradient step"),
    }
    fig, _ = new_figure(4.8, 4.0, dpi=80)
    fig.subplots_adjust(left=0.13, right=0.97, bottom=0.12, top=0.92)
    ex = Explorer("Neuron classifier explorer", controls, fig, _draw)
    controls["l2_step"].on_click(lambda _b: _l2_step(ex))
    controls["gradient_step"].on_click(lambda _b: _gradient_step(ex))
    return ex
