"""The numbers a network diagram shows: what the model is made of, and one forward pass through it.

A diagram draws layers of neurons, so every model is first seen as a list of
[Layer][nn.layers.Layer]\\ s (``layers_of``). ``trace_forward`` then runs the
model on one input the way ``Neuron._compute`` does, keeping what a picture
needs and a model call throws away: each neuron's pre-activation and activation,

    z_j = w_j · a + b_j,      a_j = f(z_j),

where ``a`` holds the previous layer's activations (the inputs, for the first
layer). With ``output="softmax"`` the last activations go through a softmax,
``o_k = exp(a_k) / sum_m exp(a_m)``, as in the homework's network.
The numbers are the library's own (the same Values and ops), so they are
exactly what ``model(x)`` computes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value, dot
from nn._checks import as_input_vector
from nn.activations import ACTIVATIONS, describe_activation
from nn.functional import softmax
from nn.layers import MLP, Layer, Neuron

OUTPUT_TRANSFORMS = ("softmax",)
"""What ``output=`` may name: a transform drawn after the last layer."""

# How each named activation is written in a diagram's layer heading.
ACTIVATION_TITLES = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid σ", "linear": "identity"}


def layers_of(model: Any) -> list[Layer]:
    """The layers an MLP, a Layer or a Neuron is drawn as (a Neuron: a layer of one).

    Raises TypeError, naming what can be drawn, for anything else.
    """
    if isinstance(model, MLP):
        return list(model.layers)
    if isinstance(model, Layer):
        return [model]
    if isinstance(model, Neuron):
        layer = object.__new__(Layer)  # a view of the neuron as a one-neuron layer; nothing is copied
        layer.neurons = [model]
        return [layer]
    raise TypeError(
        f"draw_network draws an MLP, a Layer, a Neuron or an LSTMCell; got {type(model).__name__}: "
        f"{_short_repr(model)}"
    )


def activation_title(neuron: Neuron) -> str:
    """How a layer of neurons like ``neuron`` names its activation: ``ReLU``, ``tanh``, ``σ``..."""
    names = [name for name, fn in ACTIVATIONS.items() if fn is neuron.activation]
    if names:
        return ACTIVATION_TITLES[names[0]]
    return describe_activation(neuron.activation, None)  # a function of the user's: its own name


@dataclass(frozen=True)
class ForwardTrace:
    """One forward pass, kept whole: every pre-activation and activation, as Values.

    ``z[l][j]`` and ``a[l][j]`` belong to neuron j of layer l (layers counted
    from 0); ``outputs`` are the last activations, or their softmax.
    """

    inputs: list[Value]
    z: list[list[Value]]
    a: list[list[Value]]
    outputs: list[Value]

    def numbers(self, values: list[list[Value]]) -> list[list[float]]:
        """``z`` or ``a`` as plain numbers."""
        return [[v.data for v in layer] for layer in values]


def trace_forward(layers: Sequence[Layer], x: Any, output: str | None = None) -> ForwardTrace:
    """Run ``layers`` on input ``x``, keeping every neuron's ``z`` and ``a`` (see the module doc).

    ``x`` is checked as a model call checks it (``nin`` numbers, or one number
    for a one-input model). Values given as inputs are read, not attached to:
    the trace starts from fresh Values, so it never adds to a graph of the caller's.
    """
    given = as_input_vector(x, layers[0].nin, "inputs")
    inputs = [Value(v.data, label=f"x{i + 1}") for i, v in enumerate(given)]
    zs: list[list[Value]] = []
    activations: list[list[Value]] = []
    previous = inputs
    for layer in layers:
        z = [dot(neuron.w, previous) + neuron.b for neuron in layer.neurons]
        a = [neuron.activation(zj) for neuron, zj in zip(layer.neurons, z)]
        zs.append(z)
        activations.append(a)
        previous = a
    outputs = softmax(previous) if output == "softmax" else previous
    return ForwardTrace(inputs, zs, activations, outputs)


def check_output(output: Any) -> str | None:
    """``output`` if it names a known transform (or is None), else a ValueError listing them."""
    if output is not None and output not in OUTPUT_TRANSFORMS:
        raise ValueError(f"output must be None or one of {', '.join(OUTPUT_TRANSFORMS)}, got {output!r}")
    return output


def _short_repr(thing: Any) -> str:
    text = repr(thing)
    return text if len(text) <= 60 else text[:59] + "…"
