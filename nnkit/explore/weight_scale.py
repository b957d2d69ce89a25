r"""Weight-scale explorer: activations and gradients through a deep net at init.

A fully-connected net of equal-width hidden layers gets random inputs and
weights drawn with one standard deviation (the weight scale). Per layer it
shows the histogram of activations, the fraction of saturated (sigmoid, tanh)
or dead (ReLU family) units, and the norm of the weight gradient that a random
upstream gradient produces. Too small a scale and activations shrink towards 0
layer by layer; too large and sigmoid/tanh units pin at their limits, where
their local gradient is nearly zero, so only the few units left unsaturated pass
any gradient back. The weight-gradient norm need not fall with it: the same large
weights that saturate the units also amplify what does get through (lesson 03
separates the two effects).
"""
from __future__ import annotations

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from ..activations import get_activation
from ..layers import init_mlp, mlp_backward, mlp_forward
from ..monitor import dead_fraction, saturation_fraction
from ..plots import new_figure, plot_histograms
from ._wiring import Explorer
from .saturation import ACTIVATION_LABELS

__all__ = ["DeepNetStats", "deep_net_stats", "HISTOGRAM_RANGE", "weight_scale_explorer"]

MAX_DEPTH = 10
#: Histogram x-range per activation; values beyond it pile up in the end bins.
HISTOGRAM_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (-0.25, 3.0),
                   "leaky_relu": (-0.25, 3.0)}
GRAD_LIMITS = (1e-18, 1e14)


class DeepNetStats(NamedTuple):
    """Per-hidden-layer statistics of one forward and backward pass (L layers)."""

    activations: list
    fractions: np.ndarray
    fraction_kind: str
    stds: np.ndarray
    grad_norms: np.ndarray


def deep_net_stats(activation, weight_scale, depth, width=100, n=200, seed=0):
    r"""Forward random inputs through a deep net at init and a random gradient back.

    Parameters
    ----------
    activation : str or Activation
        Hidden-layer activation (registry entry).
    weight_scale : float
        Standard deviation of every weight (biases are 0).
    depth : int
        Number of hidden layers L, each `width` units; a 10-unit output layer
        follows.
    width, n : int
        Units per hidden layer and number of random inputs, x ~ N(0, 1).
    seed : int
        Seeds the weights (``init_mlp``) and, with ``seed + 1``, the inputs and
        the upstream gradient; the same seed gives the same net at every scale.

    Returns
    -------
    DeepNetStats
        ``activations`` (L arrays of shape (n, width)); ``fractions`` (L,):
        ``monitor.saturation_fraction`` for saturating activations, else
        ``monitor.dead_fraction``, named by ``fraction_kind``; ``stds`` (L,) of
        the activations; ``grad_norms`` (L,) Frobenius norms of dL/dW per hidden
        layer.

    Notes
    -----
    .. math:: h_l = f(h_{l-1} W_l),\quad W_l \sim \mathcal{N}(0, s^2),\quad
              \frac{\partial L}{\partial W_l} = h_{l-1}^\top \big(\delta_l \odot f'(z_l)\big)

    Examples
    --------
    >>> s = deep_net_stats("tanh", 1.0, depth=3)
    >>> s.fraction_kind, s.grad_norms.shape
    ('saturated', (3,))
    """
    act = get_activation(activation)
    depth = int(depth)
    if not 1 <= depth:
        raise ValueError(f"depth must be a positive number of hidden layers, got {depth}")
    params = init_mlp([width] * (depth + 1) + [10], seed=seed, weight_scale=weight_scale)
    rng = np.random.default_rng(seed + 1)
    x = rng.standard_normal((n, width))
    scores, cache = mlp_forward(x, params, act)
    grads = mlp_backward(rng.standard_normal(scores.shape) / n, cache)
    zs = cache.pre_activations
    if act.saturates:
        kind, fractions = "saturated", [saturation_fraction(z, act) for z in zs]
    else:
        kind, fractions = "dead", [dead_fraction(z) for z in zs]
    hs = [act.fn(z) for z in zs]
    return DeepNetStats(hs, np.array(fractions), kind, np.array([h.std() for h in hs]),
                        np.array([np.linalg.norm(dW) for dW, _ in grads[:-1]]))


def _build(ex: Explorer, name):
    hist_ax, frac_ax, grad_ax = ex.figure.axes
    for ax in ex.figure.axes:
        ax.cla()
    lo, hi = HISTOGRAM_RANGE[name]
    plot_histograms(hist_ax, [], bins=np.array([lo, hi]), n_rows=MAX_DEPTH,
                    labels=[f"layer {i + 1}" for i in range(MAX_DEPTH)])
    hist_ax.set_xlabel(f"activation {name}(z)")
    # Bars, not text, for the fractions: Agg draws ten labels slower than the rest.
    kind = "saturated" if get_activation(name).saturates else "dead"
    bars = frac_ax.barh(MAX_DEPTH - 1 - np.arange(MAX_DEPTH) + 0.4, np.zeros(MAX_DEPTH),
                        height=0.7, color="C3")
    frac_ax.set_ylim(0, MAX_DEPTH)
    frac_ax.set_xlim(0, 1)
    frac_ax.set_yticks([])
    frac_ax.set_title(f"{kind} fraction", fontsize=9)
    grad_ax.set_yscale("log")
    grad_ax.set_ylim(*GRAD_LIMITS)
    grad_ax.set_yticks([1e-15, 1e-10, 1e-5, 1.0, 1e5, 1e10])
    grad_ax.set_xlim(0.5, MAX_DEPTH + 0.5)
    grad_ax.set_xticks(range(1, MAX_DEPTH + 1, 3))
    grad_ax.set_xlabel("layer")
    grad_ax.set_title("‖∂L/∂W‖ per layer", fontsize=9)
    line, = grad_ax.plot([], [], "o-", color="C3")
    ex.artists = {"grad_line": line, "bars": list(bars), "histograms": [], "name": name}
    ex.invalidate()


def _draw(ex: Explorer, changed):
    v = ex.values()
    name = ACTIVATION_LABELS[v["activation"]]
    if ex.artists.get("name") != name:
        _build(ex, name)
    stats = deep_net_stats(name, v["weight_scale"], v["depth"])
    for artist in ex.artists["histograms"]:
        artist.remove()
    lo, hi = HISTOGRAM_RANGE[name]
    hist = plot_histograms(ex.figure.axes[0], stats.activations, bins=np.linspace(lo, hi, 41),
                           n_rows=MAX_DEPTH)
    for i, bar in enumerate(ex.artists["bars"]):
        bar.set_width(stats.fractions[i] if i < len(stats.fractions) else 0.0)
    layers = np.arange(1, len(stats.grad_norms) + 1)
    # Drawn clipped to the axis; the readout has the exact values.
    ex.artists["grad_line"].set_data(layers, np.clip(stats.grad_norms, *GRAD_LIMITS))
    ex.artists.update(histograms=hist.artists, heights=hist.heights, stats=stats)
    ex.animate(*hist.artists, *ex.artists["bars"], ex.artists["grad_line"])
    state = {"activation": name, "weight_scale": float(v["weight_scale"]),
             "depth": int(v["depth"]), "fraction_kind": stats.fraction_kind,
             "fractions": stats.fractions, "stds": stats.stds, "grad_norms": stats.grad_norms}
    return state, _table(stats)


def _table(stats: DeepNetStats) -> str:
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>{s:.3g}</td><td>{100 * f:.1f} %</td><td>{g:.3g}</td></tr>"
        for i, (s, f, g) in enumerate(zip(stats.stds, stats.fractions, stats.grad_norms)))
    return ("<table style='font-size:smaller'><tr><th>layer</th><th>std of activations</th>"
            f"<th>{stats.fraction_kind}</th><th>‖∂L/∂W‖</th></tr>{rows}</table>")


def weight_scale_explorer(activation="tanh", weight_scale=0.1, depth=6):
    r"""Sliders for the initial weight scale and the depth of a deep net.

    Parameters
    ----------
    activation : str
        Initial choice, a label of ``ACTIVATION_LABELS`` or a registry name.
    weight_scale : float
        Initial standard deviation of the weights, in [1e-3, 10**0.5]. With
        100 inputs per unit, 0.1 = 1/sqrt(100) keeps tanh activations in range.
    depth : int
        Initial number of hidden layers, 1 to 10.

    Returns
    -------
    Explorer
        Controls ``"weight_scale"`` (FloatLogSlider), ``"depth"`` (IntSlider),
        ``"activation"`` (Dropdown); ``state`` holds the per-layer arrays of
        :class:`DeepNetStats`.

    Examples
    --------
    >>> ex = weight_scale_explorer("tanh", weight_scale=1.0, depth=2)
    >>> ex.state["fraction_kind"]
    'saturated'
    """
    labels = {v: k for k, v in ACTIVATION_LABELS.items()}
    label = labels.get(activation, activation)
    if label not in ACTIVATION_LABELS:
        raise ValueError(f"activation must be one of {list(ACTIVATION_LABELS)}, got {activation!r}")
    controls = {
        "weight_scale": widgets.FloatLogSlider(value=weight_scale, base=10, min=-3, max=0.5,
                                               step=0.125, description="weight scale"),
        "depth": widgets.IntSlider(value=depth, min=1, max=MAX_DEPTH, description="depth"),
        "activation": widgets.Dropdown(options=list(ACTIVATION_LABELS), value=label,
                                       description="activation"),
    }
    fig, _ = new_figure(8.0, 3.6, ncols=3, dpi=80, gridspec_kw={"width_ratios": [3, 1, 2]})
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.13, top=0.92, wspace=0.35)
    return Explorer("Weight-scale explorer", controls, fig, _draw)
