"""nnkit: a single neuron and its activation functions, in numpy.

The reference implementations behind the course's lessons and grader, plus
the helpers lessons use (data, training loops, monitors, gradient checks).
Pure numpy: importing nnkit never imports Jupyter. The widget explorers live in
``nnkit.explore`` and load only when that module is imported; figures live in
``nnkit.plots`` (matplotlib), also loaded on demand.
"""
from .activations import (
    ACTIVATIONS, Activation, get_activation, leaky_relu, leaky_relu_grad,
    log_sigmoid, prelu_backward, prelu_forward, relu, relu_grad, sigmoid,
    sigmoid_grad, tanh, tanh_grad,
)
from .data import DATASETS, make_blobs, make_circles, make_spiral, make_xor
from .gradcheck import (
    GradCheckResult, check_elementwise_gradient, check_gradient,
    numerical_gradient, numerical_gradient_array, relative_error,
)
from .layers import (
    count_parameters, dense_backward, dense_forward, init_mlp, mlp_backward,
    mlp_forward,
)
from .losses import binary_hinge_loss, binary_logistic_loss, l2_penalty, softmax_loss
from .maxout import maxout_backward, maxout_forward
from .monitor import dead_fraction, dead_units, saturation_fraction
from .neuron import neuron_forward, neuron_scores, predict, predict_proba
from .train import History, train_mlp, train_neuron

__version__ = "0.1.0"
