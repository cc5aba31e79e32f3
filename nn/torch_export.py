"""Export to PyTorch and back: the same network as a ``torch.nn.Module``, with the same weights.

``model.to_torch()`` builds the PyTorch twin of a chaingrad model, in float64 (the
precision of a Value), and ``MLP.from_torch(module)`` (or ``Neuron``, ``Layer``,
``LSTMCell``) reads one back::

    chaingrad                              PyTorch (what to_torch returns)
    ---------------------------------      ----------------------------------------------
    Neuron(nin, act)                       Sequential(Linear(nin, 1), Act)
    Layer(nin, nout, act)                  Sequential(Linear(nin, nout), Act)
    MLP(nin, [n1, ..., nk])                Sequential(Linear(nin, n1), Act1, ..., Linear(.., nk), Actk)
    LSTMCell(input_size, hidden_size)      LSTMCell(input_size, hidden_size)

    activations: relu -> ReLU, tanh -> Tanh, sigmoid -> Sigmoid, linear -> Identity

**Shapes.** The torch modules take a batch, one example per row: ``tm(X)`` with X of shape
(N, nin) gives shape (N, nout), as ``torch.nn.Linear`` does, so a one-output model gives
(N, 1), where chaingrad gives one Value per example. Use ``tm(X).squeeze(1)`` to get shape
(N,) before comparing with a list of chaingrad outputs or with targets of shape (N,):
PyTorch would broadcast (N, 1) against (N,) to an (N, N) table without complaint.

**Weights.** Neuron j of a Layer is row j of ``Linear.weight`` (PyTorch's ``out x in``
layout, as in [`nn.Layer.from_weights`][nn.layers.Layer.from_weights]), and its bias is ``Linear.bias[j]``.

**The LSTM cell.** ``torch.nn.LSTMCell`` stacks its gates in the order i, f, g, o
(g is chaingrad's cell candidate c) in ``weight_ih`` (the ``W_?x``), ``weight_hh`` (the
``W_?h``) and two biases. Both biases are added to the same pre-activations, so only their
sum ``b = bias_ih + bias_hh`` matters: export puts chaingrad's ``b_?`` in ``bias_ih`` and
zeros in ``bias_hh``, and reading back adds the two. It is called as PyTorch's is:
``h, c = tm(x, (h, c))``.

**Reading back** checks every shape first and raises a ValueError naming the layer (or
the LSTM tensor) that does not fit;
[`gradients_from_torch`][nn.torch_export.gradients_from_torch] reads the gradients that
PyTorch computed under chaingrad's parameter names, for comparing the two engines.

PyTorch is an optional dependency (``pip install 'chaingrad[torch]'``): it is imported
only when one of these functions runs, and without it they raise an ImportError that
says what to install.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal

from autograd.torch_bridge import import_torch
from nn.layers import MLP, Layer, Neuron
from nn.lstm import LSTMCell

if TYPE_CHECKING:
    import torch

Exportable = Neuron | Layer | MLP | LSTMCell
Source = Literal["data", "grad"]  # read a tensor's numbers, or the gradient PyTorch stored in it

# chaingrad's activation names and the torch.nn classes that compute the same function
TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Identity"}
# torch.nn.LSTMCell's gate blocks, top to bottom, as chaingrad names them (torch calls c "g")
TORCH_GATE_ORDER = ("i", "f", "c", "o")


# ----------------------------------------------------------------------------
# chaingrad -> PyTorch
# ----------------------------------------------------------------------------


def to_torch(model: Exportable) -> torch.nn.Module:
    """The PyTorch twin of ``model``, in float64, with the same weights (see the module doc).

    Raises:
        ImportError: PyTorch is not installed.
        ValueError: a layer uses a custom activation function, which has no PyTorch twin.
        TypeError: ``model`` is not a Neuron, Layer, MLP or LSTMCell.
    """
    kind = type(model).__name__
    if not isinstance(model, (Neuron, Layer, MLP, LSTMCell)):
        raise TypeError(f"to_torch exports a Neuron, Layer, MLP or LSTMCell, got {kind}")
    torch = import_torch(f"{kind}.to_torch")
    if isinstance(model, LSTMCell):
        return _lstm_to_torch(torch, model)
    modules = []
    for k, layer in enumerate(_layers_of(model)):
        name = _activation_name(layer, f"{kind} layer {k}" if isinstance(model, MLP) else kind)
        modules += [_linear(torch, layer), getattr(torch.nn, TORCH_ACTIVATIONS[name])()]
    return torch.nn.Sequential(*modules)


def _layers_of(model: Neuron | Layer | MLP) -> list[Neuron | Layer]:
    """The parts that become one ``torch.nn.Linear`` each: a Neuron is a layer of one neuron."""
    return list(model.layers) if isinstance(model, MLP) else [model]


def _activation_name(layer: Neuron | Layer, where: str) -> str:
    """The activation's name, or a ValueError if it is a custom function (torch has no twin for it)."""
    name = layer._activation_name
    if name is None:
        known = ", ".join(TORCH_ACTIVATIONS)
        raise ValueError(
            f"{where} uses the custom activation {layer._describe()!r}, which has no PyTorch twin; "
            f"to_torch exports the named activations {known}"
        )
    return name


def _linear(torch: Any, layer: Neuron | Layer) -> torch.nn.Linear:
    """``torch.nn.Linear`` with one row of weights and one bias per neuron."""
    neurons = [layer] if isinstance(layer, Neuron) else layer.neurons
    linear = torch.nn.Linear(neurons[0].nin, len(neurons), dtype=torch.float64)
    with torch.no_grad():  # filling in the weights is not part of any computation to differentiate
        linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in neurons], dtype=torch.float64))
        linear.bias.copy_(torch.tensor([n.b.data for n in neurons], dtype=torch.float64))
    return linear


def _lstm_to_torch(torch: Any, cell: LSTMCell) -> torch.nn.LSTMCell:
    """``torch.nn.LSTMCell`` with the gate blocks stacked in torch's order i, f, g, o."""
    module = torch.nn.LSTMCell(cell.input_size, cell.hidden_size, dtype=torch.float64)

    def stacked(pattern: str) -> list[Any]:
        """The gates' blocks of one kind, top to bottom: stacked("W_{}x") is W_ix, W_fx, W_cx, W_ox."""
        return [row for gate in TORCH_GATE_ORDER for row in getattr(cell, pattern.format(gate))]

    def matrix(pattern: str) -> Any:
        return torch.tensor([[v.data for v in row] for row in stacked(pattern)], dtype=torch.float64)

    with torch.no_grad():
        module.weight_ih.copy_(matrix("W_{}x"))
        module.weight_hh.copy_(matrix("W_{}h"))
        module.bias_ih.copy_(torch.tensor([v.data for v in stacked("b_{}")], dtype=torch.float64))
        module.bias_hh.zero_()  # only bias_ih + bias_hh matters: all of chaingrad's bias goes in bias_ih
    return module


# ----------------------------------------------------------------------------
# PyTorch -> chaingrad
# ----------------------------------------------------------------------------


@dataclass
class _TorchLinear:
    """One ``torch.nn.Linear`` of a module read back, with the activation module after it."""

    where: str  # how error messages name it: "layer 1 (module [2])"
    weight: torch.Tensor  # out x in
    bias: torch.Tensor
    activation: str = "linear"
    has_activation: bool = False

    @property
    def nin(self) -> int:
        return int(self.weight.shape[1])

    @property
    def nout(self) -> int:
        return int(self.weight.shape[0])


def neuron_from_torch(module: torch.nn.Module) -> Neuron:
    """A [`Neuron`][nn.layers.Neuron] from ``Linear(nin, 1)``, alone or followed by an activation module."""
    (layer,) = _read_layers(module, "Neuron", exactly_one=True)
    if layer.nout != 1:
        raise ValueError(f"Neuron.from_torch: {layer.where} has {layer.nout} outputs, a Neuron has 1 "
                         "(use Layer.from_torch for a layer of several neurons)")
    return _neuron(layer, "data")


def layer_from_torch(module: torch.nn.Module) -> Layer:
    """A [`Layer`][nn.layers.Layer] from one ``torch.nn.Linear``, alone or followed by an activation."""
    (layer,) = _read_layers(module, "Layer", exactly_one=True)
    return _layer(layer, "data")


def mlp_from_torch(module: torch.nn.Module) -> MLP:
    """An [`MLP`][nn.layers.MLP] from a ``torch.nn.Sequential`` of Linear layers, each optionally
    followed by ReLU, Tanh, Sigmoid or Identity (no activation module means linear)."""
    return MLP.from_layers([_layer(layer, "data") for layer in _read_layers(module, "MLP")])


def lstm_cell_from_torch(module: torch.nn.Module) -> LSTMCell:
    """An [`LSTMCell`][nn.lstm.LSTMCell] from a ``torch.nn.LSTMCell``; each bias is ``bias_ih + bias_hh``."""
    return _lstm_cell(_read_lstm(module, "LSTMCell"), "data")


def gradients_from_torch(model: Exportable, module: torch.nn.Module) -> dict[str, float]:
    """The gradients PyTorch stored in ``module``'s parameters, under ``model``'s parameter names.

    After ``loss.backward()`` on the PyTorch side, this is what to compare with
    ``{name: p.grad for name, p in model.named_parameters()}`` on the chaingrad side.
    For an LSTM bias b = bias_ih + bias_hh, d loss / d b = d loss / d bias_ih
    (= d loss / d bias_hh: both enter the same sum).

    Raises:
        ValueError: ``module`` does not have ``model``'s shape (naming the first layer that
            differs), or a parameter has no gradient (backward was not run) or a non-finite one.
    """
    kind = type(model).__name__
    import_torch(f"{kind} gradients_from_torch")
    if isinstance(model, LSTMCell):
        tensors = _read_lstm(module, kind)
        found, ours = (tensors.input_size, tensors.hidden_size), (model.input_size, model.hidden_size)
        if found != ours:
            raise ValueError(f"the torch LSTMCell has (input_size, hidden_size) = {found} but this LSTMCell "
                             f"has {ours}")
        return _lstm_cell(tensors, "grad").state_dict()
    if not isinstance(model, (Neuron, Layer, MLP)):
        raise TypeError(f"gradients_from_torch reads a Neuron, Layer, MLP or LSTMCell, got {kind}")
    layers = _read_layers(module, kind, exactly_one=not isinstance(model, MLP))
    _check_same_shapes(layers, _layers_of(model), kind)
    if isinstance(model, Neuron):
        return _neuron(layers[0], "grad").state_dict()
    if isinstance(model, Layer):
        return _layer(layers[0], "grad").state_dict()
    return MLP.from_layers([_layer(layer, "grad") for layer in layers]).state_dict()


def _check_same_shapes(theirs: list[_TorchLinear], ours: list[Neuron | Layer], kind: str) -> None:
    """Raise a ValueError naming the first torch layer whose inputs and outputs differ from ours."""
    if len(theirs) != len(ours):
        raise ValueError(f"the torch module has {len(theirs)} Linear layers but this {kind} has {len(ours)}")
    for k, (their_layer, our_layer) in enumerate(zip(theirs, ours)):
        our_outputs = 1 if isinstance(our_layer, Neuron) else our_layer.nout
        if (their_layer.nin, their_layer.nout) != (our_layer.nin, our_outputs):
            raise ValueError(f"{their_layer.where} maps {their_layer.nin} -> {their_layer.nout} but this "
                             f"{kind}'s layer {k} maps {our_layer.nin} -> {our_outputs}")


def _read_layers(module: Any, kind: str, *, exactly_one: bool = False) -> list[_TorchLinear]:
    """The Linear layers of a Linear or a Sequential, with their activations, every shape checked."""
    torch = import_torch(f"{kind}.from_torch")
    wanted = (f"{kind}.from_torch reads a torch.nn.Linear, or a torch.nn.Sequential of Linear layers "
              f"each optionally followed by {', '.join(TORCH_ACTIVATIONS.values())}")
    if isinstance(module, torch.nn.Linear):
        children = [module]
    elif isinstance(module, torch.nn.Sequential):
        children = list(module)
    else:
        raise TypeError(f"{wanted}; got {type(module).__name__}")
    layers: list[_TorchLinear] = []
    for position, child in enumerate(children):
        if isinstance(child, torch.nn.Linear):
            layers.append(_checked_linear(child, f"layer {len(layers)} (module [{position}])", kind))
            continue
        name = _chaingrad_activation(torch, child)
        if name is not None and layers and not layers[-1].has_activation:
            layers[-1].activation, layers[-1].has_activation = name, True
        elif name is not None:
            raise ValueError(f"{kind}.from_torch: module [{position}] ({type(child).__name__}) "
                             "does not follow a Linear layer; " + wanted)
        else:
            known = ", ".join(f"{t} ({c})" for c, t in TORCH_ACTIVATIONS.items())
            raise ValueError(f"{kind}.from_torch: module [{position}] is a {type(child).__name__}, which "
                             f"chaingrad does not have; it reads Linear layers and the activations {known}")
    if not layers:
        raise ValueError(f"{kind}.from_torch: the module has no Linear layer")
    if exactly_one and len(layers) > 1:
        raise ValueError(f"{kind}.from_torch: the module has {len(layers)} Linear layers, a {kind} is one "
                         "(use MLP.from_torch for several)")
    for previous, layer in pairwise(layers):
        if layer.nin != previous.nout:
            raise ValueError(f"{kind}.from_torch: {layer.where} takes {layer.nin} inputs but "
                             f"{previous.where} gives {previous.nout} outputs")
    return layers


def _chaingrad_activation(torch: Any, child: Any) -> str | None:
    """The chaingrad name of an activation module (ReLU -> "relu"), or None if it is not one.

    The type must be exactly torch's: a subclass may compute something else in its forward.
    """
    for name, torch_name in TORCH_ACTIVATIONS.items():
        if type(child) is getattr(torch.nn, torch_name):
            return name
    return None


def _checked_linear(linear: Any, where: str, kind: str) -> _TorchLinear:
    """A Linear's tensors, after checking that they hold an ``out x in`` weight and ``out`` biases."""
    weight, bias = linear.weight, linear.bias
    if weight.dim() != 2:
        shape = tuple(weight.shape)
        raise ValueError(f"{kind}.from_torch: {where} has a weight of shape {shape}, not (out, in)")
    if bias is None:
        raise ValueError(f"{kind}.from_torch: {where} has no bias (bias=False); every chaingrad neuron "
                         "has one, and training would change it")
    if tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(f"{kind}.from_torch: {where} has a weight of shape {tuple(weight.shape)} "
                         f"but a bias of shape {tuple(bias.shape)}; it needs {weight.shape[0]} biases")
    return _TorchLinear(where, weight, bias)


def _numbers(tensor: Any, source: Source, what: str) -> Any:
    """A tensor's numbers (or its gradient's) as nested lists of floats, refusing NaN and infinity."""
    if source == "grad":
        if tensor.grad is None:
            raise ValueError(f"{what} has no gradient: run backward() on a loss computed with the module")
        tensor = tensor.grad
    numbers = tensor.detach().double().tolist()
    flat = numbers if tensor.dim() < 2 else [x for row in numbers for x in row]
    if not all(math.isfinite(x) for x in flat):
        kind = "gradient" if source == "grad" else "values"
        raise ValueError(f"{what} {kind} hold NaN or infinity; a chaingrad Value is always finite")
    return numbers


def _layer(layer: _TorchLinear, source: Source) -> Layer:
    weights = _numbers(layer.weight, source, f"{layer.where} weight")
    biases = _numbers(layer.bias, source, f"{layer.where} bias")
    return Layer.from_weights(weights, biases, layer.activation)


def _neuron(layer: _TorchLinear, source: Source) -> Neuron:
    weights = _numbers(layer.weight, source, f"{layer.where} weight")
    biases = _numbers(layer.bias, source, f"{layer.where} bias")
    return Neuron.from_weights(weights[0], biases[0], layer.activation)


@dataclass
class _TorchLSTM:
    """A ``torch.nn.LSTMCell``'s four tensors, shapes checked."""

    input_size: int
    hidden_size: int
    weight_ih: torch.Tensor  # 4H x I, gate blocks in TORCH_GATE_ORDER
    weight_hh: torch.Tensor  # 4H x H
    bias_ih: torch.Tensor  # 4H
    bias_hh: torch.Tensor  # 4H


def _read_lstm(module: Any, kind: str) -> _TorchLSTM:
    torch = import_torch(f"{kind}.from_torch")
    if not isinstance(module, torch.nn.LSTMCell):
        raise TypeError(f"{kind}.from_torch reads a torch.nn.LSTMCell, got {type(module).__name__}")
    if not module.bias:
        raise ValueError(f"{kind}.from_torch: the torch LSTMCell has no biases (bias=False); "
                         "chaingrad's cell always has them, and training would change them")
    inputs, hidden = module.input_size, module.hidden_size
    shapes = {"weight_ih": (4 * hidden, inputs), "weight_hh": (4 * hidden, hidden),
              "bias_ih": (4 * hidden,), "bias_hh": (4 * hidden,)}
    for name, shape in shapes.items():
        found = tuple(getattr(module, name).shape)
        if found != shape:
            raise ValueError(f"{kind}.from_torch: {name} has shape {found} but an LSTMCell with "
                             f"input_size={inputs}, hidden_size={hidden} needs {shape}")
    return _TorchLSTM(inputs, hidden, module.weight_ih, module.weight_hh, module.bias_ih, module.bias_hh)


def _lstm_cell(tensors: _TorchLSTM, source: Source) -> LSTMCell:
    """A chaingrad cell holding the torch cell's numbers (or gradients), gate block by gate block."""
    hidden = tensors.hidden_size
    weight_x = _numbers(tensors.weight_ih, source, "weight_ih")
    weight_h = _numbers(tensors.weight_hh, source, "weight_hh")
    bias = _numbers(tensors.bias_ih, source, "bias_ih")
    if source == "data":  # b = bias_ih + bias_hh; the gradient of b is bias_ih's (the same as bias_hh's)
        bias_hh = _numbers(tensors.bias_hh, source, "bias_hh")
        bias = [a + b for a, b in zip(bias, bias_hh)]
    parameters: dict[str, Any] = {}
    for block, gate in enumerate(TORCH_GATE_ORDER):
        rows = slice(block * hidden, (block + 1) * hidden)
        parameters[f"W_{gate}x"], parameters[f"W_{gate}h"] = weight_x[rows], weight_h[rows]
        parameters[f"b_{gate}"] = bias[rows]
    cell = LSTMCell(tensors.input_size, hidden, seed=0)  # the drawn weights are all replaced below
    cell.set(**parameters)
    return cell
