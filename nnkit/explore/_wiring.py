r"""The thin widget layer shared by every explorer.

An :class:`Explorer` is a column of controls, a readout and a figure. The figure
is a matplotlib :class:`~matplotlib.figure.Figure` kept for the explorer's life
and redrawn in place; after each redraw it is rendered to PNG bytes and put in
an :class:`ipywidgets.Image`. That needs no front-end extension beyond
ipywidgets itself (JupyterLab 4, Notebook 7, VS Code), the latency of a move is
simply the time of one Python callback, and a test can compare image bytes.

Without a live kernel (GitHub, nbviewer, ``nbconvert --to html``) widget
views cannot render, so the display bundle also carries the figure as
``image/png``: such viewers show the figure as it was when the cell ran.
"""
from __future__ import annotations

import base64
import io
import time
from typing import Callable

import ipywidgets as widgets
import numpy as np
from PIL import Image as PILImage
from threadpoolctl import ThreadpoolController

__all__ = ["Explorer"]

# One BLAS thread per update: the matrices are small, and multi-threaded
# OpenBLAS spin-waits for its threads, which made updates ten times slower
# (0.02 s -> 0.3 s) whenever other processes were busy on the same cores.
_BLAS = ThreadpoolController()


class Explorer(widgets.VBox):
    r"""Controls, a readout and a figure that redraws whenever a control moves.

    Parameters
    ----------
    title : str
        Shown above the controls.
    controls : dict of str to ipywidgets.Widget
        Named inputs; a change of any ``value`` calls `update`. Buttons are
        laid out too but wired by the caller.
    figure : Figure
        Redrawn in place by `update`; its canvas must be Agg (see
        :func:`nnkit.plots.new_figure`).
    update : callable
        ``update(explorer, changed) -> (state, readout_html)`` where `changed`
        is the name of the control that moved (None at first): recompute from
        ``explorer.values()``, redraw ``explorer.figure`` and return the numbers
        shown (a dict) and the readout text.

    Attributes
    ----------
    controls, readout (ipywidgets.HTML), image (ipywidgets.Image), figure,
    state (dict, the numbers of the last update), artists (dict, set by `update`
    for tests to inspect), last_render_seconds (float).

    Notes
    -----
    Rendering a whole figure with Agg takes tens of milliseconds, mostly text.
    So `update` may leave the axes, ticks and labels alone and only change
    artists it marks animated (:meth:`set_animated`); those are drawn over a
    cached copy of the rest ("blitting"). An update that changes anything else
    calls :meth:`invalidate` and the whole figure is drawn again.

    Examples
    --------
    >>> from nnkit.explore import saturation_explorer
    >>> ex = saturation_explorer("sigmoid")
    >>> ex.controls["z"].value = 3.0
    >>> round(ex.state["grad"], 5), bytes(ex.image.value[:4])
    (0.04518, b'\x89PNG')
    """

    def __init__(self, title: str, controls: dict, figure, update: Callable):
        self.controls = dict(controls)
        self.figure = figure
        self.state: dict = {}
        self.artists: dict = {}
        self.last_render_seconds = 0.0
        self._update = update
        self._animated: list = []
        self._background = None
        self.readout = widgets.HTML()
        self.readout.add_class("nnkit-readout")
        # flex-start: a flex column would otherwise stretch (and blur) the image
        self.image = widgets.Image(format="png", layout=widgets.Layout(align_self="flex-start"))
        self.image.add_class("nnkit-figure")
        for name, control in self.controls.items():
            control.add_class(f"nnkit-control-{name}")
        header = widgets.HTML(f"<b>{title}</b>")
        super().__init__([header, *self._rows(), self.readout, self.image])
        self.add_class("nnkit-explorer")
        self._title = title
        for control in self.controls.values():
            if not isinstance(control, widgets.Button):
                control.observe(self._on_change, names="value")
        self.refresh()

    def _rows(self):
        """Controls in rows of three, so the figure stays in view."""
        items = list(self.controls.values())
        return [widgets.HBox(items[i:i + 3]) for i in range(0, len(items), 3)]

    def values(self) -> dict:
        """The current value of every non-button control, by name."""
        return {k: c.value for k, c in self.controls.items() if not isinstance(c, widgets.Button)}

    def animate(self, *artists) -> None:
        """Mark `artists` as the ones redrawn over the cached background."""
        for a in artists:
            a.set_animated(True)
        self._animated = list(artists)

    def invalidate(self) -> None:
        """Ask for a full redraw at the next render (axes, labels, limits changed)."""
        self._background = None

    def refresh(self, changed=None) -> None:
        """Recompute, redraw the figure and publish readout and image."""
        start = time.perf_counter()
        with _BLAS.limit(limits=1, user_api="blas"):
            self.state, html = self._update(self, changed)
            png = self._render()
        self.readout.value = html
        self.image.value = png
        self.last_render_seconds = time.perf_counter() - start

    def _render(self) -> bytes:
        canvas = self.figure.canvas
        if self._background is None:
            canvas.draw()  # skips animated artists
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._animated:
            self.figure.draw_artist(artist)
        buf = io.BytesIO()
        # Fast zlib level: a tenth of matplotlib's default encoding time.
        PILImage.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png",
                                                                   compress_level=1)
        return buf.getvalue()

    def _on_change(self, change) -> None:
        name = next((k for k, c in self.controls.items() if c is change["owner"]), None)
        self.refresh(name)

    def set_values(self, **values) -> None:
        """Set several controls and redraw once (e.g. a preset or a training step)."""
        with self.hold_refresh():
            for name, value in values.items():
                self.controls[name].value = value
        self.refresh(None)

    def hold_refresh(self):
        """Context manager that suspends redraws while controls change."""
        return _Hold(self)

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        # A static copy of the figure for viewers that cannot run widgets.
        data["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        data["text/plain"] = f"{self._title} (interactive with a running kernel)"
        return data


class _Hold:
    """Detach the change handler for the duration of a ``with`` block."""

    def __init__(self, explorer: Explorer):
        self.explorer = explorer

    def __enter__(self):
        for c in self.explorer.controls.values():
            if not isinstance(c, widgets.Button):
                c.unobserve(self.explorer._on_change, names="value")

    def __exit__(self, *exc):
        for c in self.explorer.controls.values():
            if not isinstance(c, widgets.Button):
                c.observe(self.explorer._on_change, names="value")
