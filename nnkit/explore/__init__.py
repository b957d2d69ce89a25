r"""Interactive explorers (ipywidgets) used in the lessons.

This is the only part of nnkit that imports ipywidgets and matplotlib; import it
explicitly (``from nnkit.explore import saturation_explorer``). Each explorer is
a function returning an :class:`Explorer` widget, built from plain compute and
draw functions in its own module that tests call directly.
"""
from ._wiring import Explorer
from .dead_relu import dead_relu_explorer
from .maxout_explorer import maxout_explorer
from .neuron_classifier import neuron_classifier_explorer
from .playground import playground
from .saturation import saturation_explorer
from .weight_scale import weight_scale_explorer

__all__ = ["Explorer", "saturation_explorer", "maxout_explorer",
           "weight_scale_explorer", "neuron_classifier_explorer",
           "dead_relu_explorer", "playground"]
