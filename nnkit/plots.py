r"""Matplotlib figures shared by the lessons and the explorers.

Pure matplotlib through the object API (:class:`matplotlib.figure.Figure`),
never ``pyplot``: a figure made here belongs to no global state, so an explorer
can keep one and redraw it in place, and importing this module opens no window
and picks no backend. Every ``plot_*`` function draws into an ``Axes`` it is
given and returns the artists it made, so a caller (or a test) can read back
exactly what was drawn.

To show a figure in a notebook without ``pyplot``, display its PNG bytes:
``IPython.display.Image(figure_png(fig))``.
"""
from __future__ import annotations

import io
from typing import NamedTuple

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

__all__ = [
    "CLASS_COLOURS", "new_figure", "figure_png", "FunctionPlot", "plot_function_and_grad",
    "grid_points", "RegionsPlot", "plot_decision_regions", "HistogramPlot", "plot_histograms",
    "plot_training_curves",
]

#: Two-class colours (class 0, class 1) used in every boundary figure.
CLASS_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


def new_figure(width=6.0, height=3.0, nrows=1, ncols=1, dpi=100, **subplot_kw):
    r"""A new figure with an Agg canvas and a grid of axes, without pyplot.

    Parameters
    ----------
    width, height : float
        Size in inches.
    nrows, ncols : int
        Shape of the axes grid.
    dpi : float
        Pixels per inch when the canvas is drawn (explorers use fewer pixels
        to render faster).
    **subplot_kw
        Passed to :meth:`Figure.subplots` (e.g. ``gridspec_kw``).

    Returns
    -------
    fig : Figure
    axes : Axes or ndarray of Axes, shape (nrows, ncols) squeezed

    Examples
    --------
    >>> fig, (left, right) = new_figure(6, 3, ncols=2)
    >>> len(fig.axes)
    2
    """
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def figure_png(fig, dpi=80) -> bytes:
    r"""Render a figure to PNG bytes.

    Parameters
    ----------
    fig : Figure
    dpi : float, default 80
        Pixels per inch; the image is ``width*dpi`` by ``height*dpi`` pixels.

    Returns
    -------
    bytes
        A PNG file.

    Examples
    --------
    >>> fig, ax = new_figure(2, 1)
    >>> figure_png(fig)[:4]
    b'\x89PNG'
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


class FunctionPlot(NamedTuple):
    """Artists drawn by :func:`plot_function_and_grad`."""

    f_line: object
    grad_line: object
    shade: object


def plot_function_and_grad(ax, z, f, df, *, name="f", saturated=None):
    r"""Draw an activation and its derivative on one axes, shading saturation.

    Parameters
    ----------
    ax : Axes
    z : ndarray, shape (K,)
        Increasing pre-activation grid.
    f, df : ndarray, shape (K,)
        :math:`f(z)` and :math:`f'(z)` on the grid.
    name : str
        Label of the function in the legend.
    saturated : ndarray of bool, shape (K,), optional
        Where to shade the background (e.g. :math:`f' < 1\%` of its maximum).

    Returns
    -------
    FunctionPlot
        ``f_line``, ``grad_line`` (Line2D) and ``shade`` (a collection or None).

    Examples
    --------
    >>> z = np.linspace(-1, 1, 3)
    >>> fig, ax = new_figure()
    >>> p = plot_function_and_grad(ax, z, z**2, 2*z, name="square")
    >>> p.grad_line.get_ydata()
    array([-2.,  0.,  2.])
    """
    f_line, = ax.plot(z, f, color="C0", lw=2, label=f"{name}(z)")
    grad_line, = ax.plot(z, df, color="C1", lw=2, ls="--", label=f"{name}′(z)")
    shade = None
    if saturated is not None and np.any(saturated):
        shade = ax.fill_between(z, 0, 1, where=saturated, color="0.85",
                                transform=ax.get_xaxis_transform(), label="f′ < 1% of max")
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_xlabel("z")
    ax.legend(loc="upper left", fontsize=8)
    return FunctionPlot(f_line, grad_line, shade)


def grid_points(X, resolution=80, margin=0.5):
    r"""A square grid of points covering 2-D data, for boundary plots.

    Parameters
    ----------
    X : ndarray, shape (N, 2)
    resolution : int
        Points per axis.
    margin : float
        Added on every side of the data's bounding box.

    Returns
    -------
    points : ndarray, shape (resolution**2, 2)
        Row-major grid (x varies fastest).
    extent : tuple of 4 floats
        ``(xmin, xmax, ymin, ymax)`` for :meth:`Axes.imshow`.

    Examples
    --------
    >>> points, extent = grid_points(np.array([[0.0, 0.0], [1.0, 1.0]]), resolution=2, margin=0)
    >>> points
    array([[0., 0.],
           [1., 0.],
           [0., 1.],
           [1., 1.]])
    """
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    xs = np.linspace(lo[0], hi[0], resolution)
    ys = np.linspace(lo[1], hi[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    points = np.column_stack([xx.ravel(), yy.ravel()])
    return points, (lo[0], hi[0], lo[1], hi[1])


class RegionsPlot(NamedTuple):
    """Artists drawn by :func:`plot_decision_regions`."""

    image: object
    points: list


def plot_decision_regions(ax, values, extent, X, y, *, cmap="RdBu_r", vmin=0.0, vmax=1.0):
    r"""Shade a classifier's output over the plane and scatter the data on top.

    Parameters
    ----------
    ax : Axes
    values : ndarray, shape (R, R)
        The output on a grid from :func:`grid_points` (reshaped), e.g.
        :math:`P(y=1\mid x)`, a margin, or a class index.
    extent : tuple of 4 floats
        ``(xmin, xmax, ymin, ymax)`` of the grid.
    X : ndarray, shape (N, 2)
    y : ndarray of int, shape (N,)
        Class labels 0..K-1, one colour each.
    cmap : str
    vmin, vmax : float
        Colour limits of `values`.

    Returns
    -------
    RegionsPlot
        ``image`` (AxesImage) and ``points`` (one PathCollection per class).

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]]); y = np.array([0, 1])
    >>> p = plot_decision_regions(ax, np.zeros((2, 2)), (0, 1, 0, 1), X, y)
    >>> len(p.points)
    2
    """
    image = ax.imshow(values, extent=extent, origin="lower", cmap=cmap, vmin=vmin,
                      vmax=vmax, alpha=0.45, aspect="auto", interpolation="bilinear")
    points = [ax.scatter(*X[y == k].T, s=10, color=CLASS_COLOURS[k % len(CLASS_COLOURS)],
                         edgecolor="white", linewidth=0.3, label=f"class {k}")
              for k in np.unique(y)]
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    return RegionsPlot(image, points)


def _step_polygon(edges, tops, base):
    """Vertices of a filled step curve: `tops` (B,) over `edges` (B + 1,), down to `base`."""
    xs = np.repeat(edges, 2)
    ys = np.concatenate([[base], np.repeat(tops, 2), [base]])
    return np.column_stack([xs, ys])


class HistogramPlot(NamedTuple):
    """What :func:`plot_histograms` drew: normalised counts and artists per row."""

    heights: list
    artists: list


def plot_histograms(ax, samples, *, bins, labels=None, annotations=None, n_rows=None):
    r"""Stacked ("ridgeline") histograms, one row per sample, first on top.

    Parameters
    ----------
    ax : Axes
    samples : sequence of ndarray, length L
        Values to histogram (any shape, flattened), e.g. one layer's activations.
    bins : ndarray, shape (B + 1,)
        Common bin edges; values outside are counted in the end bins, so a
        pile-up at an edge shows values beyond it.
    labels : sequence of str, length `n_rows`, optional
        Row labels on the y axis, top row first; when given, the y axis is set up
        (ticks and limits), otherwise it is left alone.
    annotations : sequence of str, length L, optional
        Text written at the right end of each row.
    n_rows : int, optional
        Rows the axes holds (default L); rows past L stay empty.

    Returns
    -------
    HistogramPlot
        ``heights``: per row :math:`\sqrt{\text{count}/\max \text{count}}` (or
        all 0), shape (B,); ``artists``: everything drawn, for removal: first a
        PolyCollection with one polygon per row, then the annotations.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> p = plot_histograms(ax, [np.array([0.1, 0.1, 0.9])], bins=np.array([0, 0.5, 1]))
    >>> p.heights[0]
    array([1.        , 0.70710678])
    """
    n_rows = len(samples) if n_rows is None else n_rows
    heights, polygons, artists = [], [], []
    for i, s in enumerate(samples):
        counts, _ = np.histogram(np.clip(np.ravel(s), bins[0], bins[-1]), bins=bins)
        peak = counts.max()
        # Square root: a spike (all of ReLU's zeros) does not flatten the rest.
        h = np.sqrt(counts / peak) if peak > 0 else counts.astype(float)
        polygons.append(_step_polygon(bins, n_rows - 1 - i + 0.85 * h, n_rows - 1 - i))
        if annotations is not None:
            artists.append(ax.text(bins[-1], n_rows - 1 - i + 0.45, annotations[i], ha="right",
                                   va="center", fontsize=8))
        heights.append(h)
    # One collection for all rows draws much faster than one patch per row.
    rows = PolyCollection(polygons, facecolors=[f"C{i % 10}" for i in range(len(samples))],
                          alpha=0.8)
    ax.add_collection(rows, autolim=False)
    artists.insert(0, rows)
    if labels is not None:
        ax.set_yticks(np.arange(n_rows) + 0.4, labels=list(labels)[::-1])
        ax.set_ylim(0, n_rows)
        ax.set_xlim(bins[0], bins[-1])
    return HistogramPlot(heights, artists)


def plot_training_curves(ax, curves, *, logy=False, xlabel="step"):
    r"""Draw one line per named curve against its step index.

    Parameters
    ----------
    ax : Axes
    curves : dict of str to ndarray, each shape (T,)
        Label to values per step (e.g. ``{"loss": history.loss}``).
    logy : bool
        Logarithmic y axis (only positive values are shown).
    xlabel : str

    Returns
    -------
    dict of str to Line2D

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> lines = plot_training_curves(ax, {"loss": np.array([1.0, 0.5])})
    >>> lines["loss"].get_ydata()
    array([1. , 0.5])
    """
    lines = {}
    for i, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        lines[label], = ax.plot(np.arange(len(values)), values, color=f"C{i}", label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    if curves:
        ax.legend(loc="best", fontsize=8)
    return lines
