r"""Dead-ReLU explorer: how the learning rate kills ReLU units, and Leaky ReLU.

A small two-hidden-layer net is trained on the spiral data with the chosen
learning rate and Leaky-ReLU slope :math:`\alpha` (0 is a plain ReLU). The
figure follows, step by step, the fraction of dead units in each hidden layer
(units whose pre-activation is :math:`\le 0` on every training example, see
:func:`nnkit.monitor.dead_fraction`) and the loss. A large step can push a
unit's weights where it never fires again; with :math:`\alpha = 0` nothing
brings it back. Each run is cached, so returning to a setting is instant.
"""
from __future__ import annotations

from functools import lru_cache, partial

import ipywidgets as widgets
import numpy as np

from ..activations import Activation, get_activation, leaky_relu, leaky_relu_grad
from ..data import make_spiral
from ..plots import new_figure
from ..train import History, train_mlp
from ._wiring import Explorer

__all__ = ["leaky_activation", "train_dead_relu", "dead_relu_explorer"]

HIDDEN_SIZES = (32, 32)
STEPS = 300
LOSS_LIMITS = (1e-3, 1e4)


def leaky_activation(alpha) -> Activation:
    r"""The registry's ReLU for :math:`\alpha = 0`, else a Leaky ReLU with slope `alpha`.

    Parameters
    ----------
    alpha : float
        Slope for negative inputs, :math:`\ge 0`.

    Returns
    -------
    Activation

    Examples
    --------
    >>> leaky_activation(0.0).name, leaky_activation(0.1).fn(np.array([-1.0]))
    ('relu', array([-0.1]))
    """
    alpha = float(alpha)
    if alpha < 0:
        raise ValueError(f"alpha must be >= 0 (0 is a plain ReLU), got {alpha}")
    if alpha == 0:
        return get_activation("relu")
    return Activation(f"leaky_relu(alpha={alpha:g})", partial(leaky_relu, alpha=alpha),
                      partial(leaky_relu_grad, alpha=alpha), zero_centred=False, saturates=False)


@lru_cache(maxsize=512)
def train_dead_relu(lr, alpha, steps=STEPS, seed=0) -> History:
    r"""Train the explorer's net once per setting and remember the history.

    Parameters
    ----------
    lr : float
        Learning rate.
    alpha : float
        Leaky-ReLU slope (0 = ReLU).
    steps : int
    seed : int
        Seeds the data and the initial weights.

    Returns
    -------
    History
        From :func:`nnkit.train.train_mlp` on 200 spiral points with hidden
        sizes :data:`HIDDEN_SIZES` and L2 strength 1e-3; do not modify it, it is
        shared by every caller with the same arguments.

    Examples
    --------
    >>> train_dead_relu(0.1, 0.0, steps=5).dead_fraction.shape
    (5, 2)
    """
    X, y = make_spiral(200, n_classes=2, seed=seed)
    _, history = train_mlp(X, y, hidden_sizes=HIDDEN_SIZES, activation=leaky_activation(alpha),
                           lr=lr, reg=1e-3, steps=steps, seed=seed)
    return history


def _build(ex: Explorer):
    dead_ax, loss_ax = ex.figure.axes
    for ax in (dead_ax, loss_ax):
        ax.set_xlim(0, STEPS)
        ax.set_xlabel("step")
    dead_ax.set_ylim(-0.02, 1.02)
    dead_ax.set_title("dead fraction per hidden layer", fontsize=9)
    dead_ax.axhline(0.4, color="0.7", ls=":", lw=1)
    loss_ax.set_yscale("log")
    loss_ax.set_ylim(*LOSS_LIMITS)
    loss_ax.set_title("training loss", fontsize=9)
    dead = [dead_ax.plot([], [], color=f"C{i}", label=f"layer {i + 1}")[0]
            for i in range(len(HIDDEN_SIZES))]
    dead_ax.legend(loc="upper left", fontsize=8)
    loss, = loss_ax.plot([], [], color="C3")
    ex.artists = {"dead": dead, "loss": loss}
    ex.animate(*dead, loss)


def _draw(ex: Explorer, changed):
    if not ex.artists:
        _build(ex)
    v = ex.values()
    hits = train_dead_relu.cache_info().hits
    history = train_dead_relu(v["lr"], v["alpha"])
    cached = train_dead_relu.cache_info().hits > hits
    steps = np.arange(len(history.loss))
    for line, fractions in zip(ex.artists["dead"], history.dead_fraction.T):
        line.set_data(steps, fractions)
    # A diverged run has nan losses; show what is finite, clipped to the axis.
    loss = np.clip(np.nan_to_num(history.loss, nan=LOSS_LIMITS[1]), *LOSS_LIMITS)
    ex.artists["loss"].set_data(steps, loss)
    last = STEPS - 1 if history.diverged_at is None else max(history.diverged_at - 1, 0)
    final = history.dead_fraction[last]
    state = {"lr": float(v["lr"]), "alpha": float(v["alpha"]), "cached": cached,
             "final_dead_fraction": final, "final_accuracy": float(history.accuracy[last]),
             "diverged_at": history.diverged_at, "history": history}
    dead_text = ", ".join(f"layer {i + 1}: <b>{100 * f:.0f} %</b>" for i, f in enumerate(final))
    when = (f"after {STEPS} steps" if history.diverged_at is None
            else f"<b>diverged</b> at step {history.diverged_at}; before that")
    html = (f"learning rate {v['lr']:.3g}, α = {v['alpha']:.2f}, {when}: dead {dead_text}; "
            f"training accuracy {100 * state['final_accuracy']:.0f} %"
            f"{' (cached)' if cached else ''}")
    return state, html


def dead_relu_explorer(lr=0.1, alpha=0.0):
    r"""Learning-rate (log scale) and Leaky-α sliders over a small ReLU net's training.

    Parameters
    ----------
    lr : float
        Initial learning rate, in [1e-2, 10**1.25] (steps of 10**0.25).
    alpha : float
        Initial Leaky-ReLU slope, in [0, 0.3].

    Returns
    -------
    Explorer
        Controls ``"lr"`` (FloatLogSlider) and ``"alpha"`` (FloatSlider);
        ``state["final_dead_fraction"]`` (per hidden layer, at the last step
        before any divergence) and ``state["cached"]`` (whether this setting
        was trained before).

    Examples
    --------
    >>> ex = dead_relu_explorer(lr=0.1)
    >>> ex.state["final_dead_fraction"].shape
    (2,)
    """
    controls = {
        "lr": widgets.FloatLogSlider(value=lr, base=10, min=-2, max=1.25, step=0.25,
                                     description="learning rate"),
        "alpha": widgets.FloatSlider(value=alpha, min=0.0, max=0.3, step=0.01,
                                     description="Leaky α"),
    }
    fig, _ = new_figure(8.0, 3.0, ncols=2, dpi=80)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.9, wspace=0.25)
    return Explorer("Dead-ReLU explorer", controls, fig, _draw)
