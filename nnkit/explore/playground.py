r"""Playground: train a small fully-connected classifier on 2-D data and watch it.

Pick a data set, hidden-layer sizes, the hidden units (an elementwise
activation, PReLU or maxout, see :mod:`nnkit.network`), a learning rate and an
L2 strength; train, step or reset. The figure shows the decision regions over the
data, the loss and accuracy so far, and per hidden layer the fraction of dead
units and of saturated activations (the monitors of :mod:`nnkit.monitor`,
recorded at every step by :func:`nnkit.train.train_mlp`). Changing the data,
the sizes or the activation starts again from fresh weights; the learning rate
and L2 strength apply from the next step on.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np

from ..data import DATASETS
from ..network import init_network, network_forward, unit_kind
from ..plots import grid_points, new_figure, plot_decision_regions
from ..train import train_mlp
from ._wiring import Explorer

__all__ = ["HIDDEN_CHOICES", "PLAYGROUND_ACTIVATIONS", "PlaygroundRun", "class_probabilities",
           "playground"]

#: Dropdown label -> hidden-layer sizes.
HIDDEN_CHOICES = {"3": (3,), "8": (8,), "20": (20,), "8-8": (8, 8), "16-16": (16, 16),
                  "16-16-16": (16, 16, 16)}
#: Hidden units offered: registry activations, then the two with parameters of their own.
PLAYGROUND_ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid", "prelu", "maxout")
#: L2 strengths offered (a log slider cannot reach 0).
REG_CHOICES = (0.0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)
TRAIN_STEPS = 100
GRID = 50


@dataclass
class PlaygroundRun:
    """Parameters and the concatenated history of one training run.

    `params` is a list of per-layer tuples as in :mod:`nnkit.network`: ``(W, b)``
    for elementwise units, ``(W, b, alpha)`` for PReLU, ``(W1, b1, W2, b2)`` for
    maxout, and ``(W, b)`` for the output layer.
    """

    params: list
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    dead: list = field(default_factory=list)
    saturated: list = field(default_factory=list)

    def train(self, X, y, activation, lr, reg, steps):
        """Continue training for `steps` steps and append what they recorded.

        Returns the overall step at which the parameters stopped being finite,
        or None.
        """
        self.params, h = train_mlp(X, y, hidden_sizes=(), activation=activation, lr=lr, reg=reg,
                                   steps=steps, params=self.params)
        start = len(self.loss)
        done = len(h.loss) if h.diverged_at is None else h.diverged_at
        self.loss.extend(h.loss[:done])
        self.accuracy.extend(h.accuracy[:done])
        self.dead.extend(h.dead_fraction[:done])
        self.saturated.extend(h.saturation_fraction[:done])
        return None if h.diverged_at is None else start + h.diverged_at


def class_probabilities(scores):
    r"""Softmax of class scores, row by row, without overflow.

    Parameters
    ----------
    scores : ndarray, shape (N, K)

    Returns
    -------
    ndarray, shape (N, K)
        Rows sum to 1.

    Notes
    -----
    .. math:: p_{nk} = \frac{e^{s_{nk} - \max_j s_{nj}}}{\sum_j e^{s_{nj} - \max_j s_{nj}}}

    Examples
    --------
    >>> class_probabilities(np.array([[0.0, 0.0], [1000.0, 0.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _data(ex: Explorer):
    return DATASETS[ex.controls["dataset"].value](n=200, seed=0)


def _reset(ex: Explorer):
    X, y = _data(ex)
    sizes = [2, *HIDDEN_CHOICES[ex.controls["hidden"].value], int(y.max()) + 1]
    ex.artists["run"] = PlaygroundRun(init_network(sizes, ex.controls["activation"].value, seed=0))
    ex.artists["diverged_at"] = None


def _build(ex: Explorer, X, y, extent):
    regions_ax, loss_ax, monitor_ax = ex.figure.axes
    for ax in ex.figure.axes:
        ax.cla()
    regions = plot_decision_regions(regions_ax, np.zeros((2, 2)), extent, X, y)
    loss_ax.set_title("loss (solid), accuracy (dashed)", fontsize=8)
    dead_label = unit_kind(ex.controls["activation"].value).dead_label
    monitor_ax.set_title(f"{dead_label} (solid), saturated (dashed)", fontsize=8)
    n_steps = TRAIN_STEPS * max(1, -(-len(ex.artists["run"].loss) // TRAIN_STEPS))
    for ax in (loss_ax, monitor_ax):
        ax.set_xlim(0, n_steps)
        ax.set_ylim(-0.02, 1.02)
    loss_ax.set_ylim(0, 1.5)
    settings = loss_ax.text(0.98, 0.95, "", transform=loss_ax.transAxes, ha="right", va="top",
                            fontsize=8)
    loss, = loss_ax.plot([], [], color="C3")
    accuracy, = loss_ax.plot([], [], color="C2", ls="--")
    n_hidden = len(ex.artists["run"].params) - 1
    dead = [monitor_ax.plot([], [], color=f"C{i}")[0] for i in range(n_hidden)]
    saturated = [monitor_ax.plot([], [], color=f"C{i}", ls="--")[0] for i in range(n_hidden)]
    ex.artists.update(regions=regions, loss=loss, accuracy=accuracy, dead=dead,
                      saturated=saturated, n_steps=n_steps, settings=settings)
    ex.animate(regions.image, *regions.points, loss, accuracy, *dead, *saturated, settings)
    ex.invalidate()


def _draw(ex: Explorer, changed):
    v = ex.values()
    if "run" not in ex.artists or changed in ("dataset", "hidden", "activation"):
        _reset(ex)
    run = ex.artists["run"]
    X, y = _data(ex)
    points, extent = grid_points(X, resolution=GRID)
    if "regions" not in ex.artists or ex.artists["n_steps"] < len(run.loss) or changed in (
            None, "dataset", "hidden", "activation"):
        _build(ex, X, y, extent)
    scores, _ = network_forward(points, run.params, v["activation"])
    probs = class_probabilities(scores)
    k = probs.shape[1]
    # Two classes: P(class 1); more: the winning class index, scaled to [0, 1].
    shade = probs[:, 1] if k == 2 else probs.argmax(axis=1) / (k - 1)
    ex.artists["regions"].image.set_data(shade.reshape(GRID, GRID))
    ex.artists["settings"].set_text(f"next steps: lr {v['lr']:.3g}, λ {v['reg']:g}")
    steps = np.arange(len(run.loss))
    ex.artists["loss"].set_data(steps, run.loss)
    ex.artists["accuracy"].set_data(steps, run.accuracy)
    for lines, values in ((ex.artists["dead"], run.dead), (ex.artists["saturated"], run.saturated)):
        for i, line in enumerate(lines):
            line.set_data(steps, [row[i] for row in values])
    return _readout(ex, run)


def _readout(ex: Explorer, run: PlaygroundRun):
    v = ex.values()
    state = {**v, "step": len(run.loss), "loss": run.loss[-1] if run.loss else None,
             "accuracy": run.accuracy[-1] if run.accuracy else None,
             "dead": run.dead[-1] if run.dead else None,
             "saturated": run.saturated[-1] if run.saturated else None,
             "diverged_at": ex.artists.get("diverged_at")}
    if not run.loss:
        if state["diverged_at"] is not None:
            return state, "<b>diverged at once: lower the learning rate and reset</b>"
        return state, "step 0: press <b>train</b> or <b>step</b>"
    units = HIDDEN_CHOICES[v["hidden"]]
    dead_label = unit_kind(v["activation"]).dead_label
    layers = "; ".join(f"layer {i + 1}: {round(d * m)}/{m} {dead_label}, {100 * s:.0f} % saturated"
                       for i, (d, s, m) in enumerate(zip(run.dead[-1], run.saturated[-1], units)))
    diverged = ("" if state["diverged_at"] is None else
                f" <b>diverged at step {state['diverged_at']}: lower the learning rate and reset</b>")
    html = (f"step {state['step']}: loss <b>{state['loss']:.4f}</b>, training accuracy "
            f"<b>{100 * state['accuracy']:.0f} %</b>; {layers}{diverged}")
    return state, html


def _train(ex: Explorer, steps: int):
    X, y = _data(ex)
    v = ex.values()
    diverged = ex.artists["run"].train(X, y, v["activation"], v["lr"], v["reg"], steps)
    ex.artists["diverged_at"] = diverged
    ex.refresh("train")


def _restart(ex: Explorer):
    _reset(ex)
    ex.refresh(None)


def playground(dataset="spiral", hidden="16-16", activation="relu", lr=0.3, reg=1e-3):
    r"""A small neural-network playground on 2-D data.

    Parameters
    ----------
    dataset : str
        A key of :data:`nnkit.data.DATASETS`.
    hidden : str
        A key of :data:`HIDDEN_CHOICES`.
    activation : str
        One of :data:`PLAYGROUND_ACTIVATIONS`: ``"relu"``, ``"leaky_relu"``,
        ``"tanh"``, ``"sigmoid"``, ``"prelu"`` (learned slope per unit, from
        0.25) or ``"maxout"`` (two linear pieces per unit). The readout counts
        dead units; for PReLU it counts units below 0 on every example
        ("all-negative": linear, not dead) and for maxout units whose same
        piece always wins ("one-piece"), see
        :func:`nnkit.network.network_monitors`.
    lr : float
        Learning rate, in [1e-3, 10].
    reg : float
        L2 strength, one of ``REG_CHOICES``.

    Returns
    -------
    Explorer
        Controls ``"dataset"``, ``"hidden"``, ``"activation"`` (Dropdowns),
        ``"lr"`` (FloatLogSlider), ``"reg"`` (SelectionSlider) and Buttons
        ``"train"`` (100 steps), ``"step"`` (1 step), ``"reset"``; ``state``
        has the step count and the latest loss, accuracy, dead and saturated
        fractions per hidden layer.

    Examples
    --------
    >>> ex = playground("xor", hidden="8")
    >>> ex.controls["step"].click()
    >>> ex.state["step"]
    1
    """
    controls = {
        "dataset": widgets.Dropdown(options=list(DATASETS), value=dataset, description="data"),
        "hidden": widgets.Dropdown(options=list(HIDDEN_CHOICES), value=hidden,
                                   description="hidden"),
        "activation": widgets.Dropdown(options=PLAYGROUND_ACTIVATIONS, value=activation,
                                       description="activation"),
        "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.25,
                                     description="learning rate"),
        "reg": widgets.SelectionSlider(options=REG_CHOICES, value=reg, description="L2 λ"),
        "train": widgets.Button(description=f"train {TRAIN_STEPS} steps"),
        "step": widgets.Button(description="step"),
        "reset": widgets.Button(description="reset"),
    }
    fig, _ = new_figure(8.0, 3.6, ncols=3, dpi=80, gridspec_kw={"width_ratios": [3, 2, 2]})
    fig.subplots_adjust(left=0.05, right=0.98, bottom=0.1, top=0.9, wspace=0.3)
    ex = Explorer("Playground", controls, fig, _draw)
    controls["train"].on_click(lambda _b: _train(ex, TRAIN_STEPS))
    controls["step"].on_click(lambda _b: _train(ex, 1))
    controls["reset"].on_click(lambda _b: _restart(ex))
    return ex
