"""Fully connected networks: [`Neuron`][nn.layers.Neuron], [`Layer`][nn.layers.Layer], [`MLP`][nn.layers.MLP].

A neuron computes ``f(w . x + b) = f(w_1 x_1 + ... + w_n x_n + b)``; a layer is
several neurons reading the same inputs; an MLP chains layers. Random weights are
drawn from U(-1/sqrt(nin), 1/sqrt(nin)) (see [`nn.init`][]) and biases start at 0.

Every class can also be built from given numbers (``from_weights``), which is how
the seed notebooks' networks are rebuilt exactly.

Calling a module runs its ``forward``, which checks the input and turns it into Values.
The computation itself is in ``_compute``, which takes Values that are already checked:
an MLP calls its layers' ``_compute`` and a layer its neurons', so an input is checked
once per model call, not once per neuron.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd import Value, dot
from nn._checks import as_input_vector, finite_number, positive_int, require_keys, sequence
from nn.activations import ACTIVATIONS, Activation, describe_activation, resolve_activation
from nn.init import Seed, fan_in_bound, make_rng, uniform_values
from nn.module import Module
from nn.serialize import savable


@savable
class Neuron(Module):
    """One unit: ``out = f(sum_i w_i x_i + b)``.

    Parameters: ``w.0 ... w.(nin-1)`` (the weights) and ``b`` (the bias).
    ``d out / d w_i = f'(z) x_i`` and ``d out / d b = f'(z)``, where ``z = w . x + b``.
    """

    def __init__(self, nin: int, activation: Activation = "relu", *, seed: Seed = None) -> None:
        nin = positive_int(nin, "nin")
        self.activation, self._activation_name = resolve_activation(activation)
        self.w = uniform_values(make_rng(seed), nin, fan_in_bound(nin))
        self.b = Value(0.0)
        self._label_parameters()

    @classmethod
    def from_weights(
        cls, weights: Sequence[float], bias: float = 0.0, activation: Activation = "relu"
    ) -> Neuron:
        """A neuron with exactly these numbers: ``Neuron.from_weights([0, 1], 4, "sigmoid")``."""
        weights = sequence(weights, "weights")
        numbers = [finite_number(w, f"weights[{i}]") for i, w in enumerate(weights)]
        if not numbers:
            raise ValueError("weights must not be empty")
        neuron = cls(len(numbers), activation, seed=0)  # the drawn weights are all replaced below
        for parameter, number in zip(neuron.w, numbers):
            parameter.data = number
        neuron.b.data = finite_number(bias, "bias")
        return neuron

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return len(self.w)

    def forward(self, x: Any) -> Value:
        """The neuron's output ``f(w . x + b)`` for input ``x`` (``nin`` numbers or Values)."""
        return self._compute(as_input_vector(x, self.nin, "Neuron input"))

    def _compute(self, inputs: list[Value]) -> Value:
        """``f(w . x + b)`` for inputs that are already a list of ``nin`` Values."""
        # dot() is one graph node for the whole weighted sum, instead of 2n nodes of * and +
        out = self.activation(dot(self.w, inputs) + self.b)
        if not isinstance(out, Value):
            raise TypeError(f"activation {self._describe()} returned {type(out).__name__}, expected a Value")
        return out

    def _describe(self) -> str:
        return describe_activation(self.activation, self._activation_name)

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self._describe()!r})"

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "activation": _savable_name(self._activation_name, self._describe())}

    @classmethod
    def check_config(cls, config: dict[str, Any]) -> int:
        require_keys(config, ("nin", "activation"), "Neuron config")
        _check_activation_name(config["activation"], "Neuron config activation")
        return positive_int(config["nin"], "Neuron config nin") + 1

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Neuron:
        return cls(config["nin"], config["activation"], seed=0)

    def to_torch(self) -> Any:
        """This neuron as a float64 ``torch.nn.Module`` with the same weights (see [`nn.torch_export`][])."""
        from nn.torch_export import to_torch  # PyTorch is optional: loaded only when asked for

        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any) -> Neuron:
        """The Neuron that a torch ``module`` computes (see [`nn.torch_export`][])."""
        from nn.torch_export import neuron_from_torch

        return neuron_from_torch(module)


@savable
class Layer(Module):
    """``nout`` neurons that read the same ``nin`` inputs: ``out_j = f(sum_i W[j][i] x_i + b_j)``.

    Parameters: ``neurons.j.w.i`` (weight from input i to neuron j) and ``neurons.j.b``.
    """

    def __init__(self, nin: int, nout: int, activation: Activation = "relu", *, seed: Seed = None) -> None:
        nin, nout = positive_int(nin, "nin"), positive_int(nout, "nout")
        rng = make_rng(seed)  # one stream for all neurons, so the seed fixes the whole layer
        self.neurons = [Neuron(nin, activation, seed=rng) for _ in range(nout)]
        self._activation, self._activation_name = resolve_activation(activation)
        self._label_parameters()

    @classmethod
    def from_weights(
        cls, weights: Sequence[Sequence[float]], biases: Sequence[float], activation: Activation = "relu"
    ) -> Layer:
        """A layer with exactly these numbers: ``weights[j]`` holds neuron j's weights (one row per neuron).

        This is PyTorch's ``out x in`` layout: ``z = W x + b``.
        """
        rows = [
            [finite_number(w, f"weights[{j}][{i}]") for i, w in enumerate(sequence(row, f"weights[{j}]"))]
            for j, row in enumerate(sequence(weights, "weights"))
        ]
        biases = [finite_number(b, f"biases[{j}]") for j, b in enumerate(sequence(biases, "biases"))]
        if not rows:
            raise ValueError("weights must have at least one row (one per neuron)")
        for j, row in enumerate(rows):
            if len(row) != len(rows[0]):
                raise ValueError(f"weights[{j}] has {len(row)} entries but weights[0] has {len(rows[0])}")
        if len(biases) != len(rows):
            raise ValueError(f"{len(rows)} rows of weights (one per neuron) but {len(biases)} biases")
        neurons = [Neuron.from_weights(row, bias, activation) for row, bias in zip(rows, biases)]
        layer = object.__new__(cls)  # skip __init__: the neurons are given, not drawn at random
        layer.neurons = neurons
        layer._activation, layer._activation_name = resolve_activation(activation)
        layer._label_parameters()
        return layer

    @classmethod
    def from_columns(
        cls, weights: Sequence[Sequence[float]], biases: Sequence[float], activation: Activation = "relu"
    ) -> Layer:
        """Like [`from_weights`][nn.layers.Layer.from_weights] for the NumPy ``x @ W + b`` layout.

        *Column* j of ``weights`` holds neuron j's weights.
        """
        rows = [sequence(row, f"weights[{i}]") for i, row in enumerate(sequence(weights, "weights"))]
        for i, row in enumerate(rows):
            if len(row) != len(rows[0]):
                raise ValueError(f"weights[{i}] has {len(row)} entries but weights[0] has {len(rows[0])}")
        return cls.from_weights([list(column) for column in zip(*rows)], biases, activation)

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        """Number of neurons (outputs)."""
        return len(self.neurons)

    def forward(self, x: Any) -> list[Value]:
        """The layer's ``nout`` outputs for input ``x`` (``nin`` numbers or Values)."""
        return self._compute(as_input_vector(x, self.nin, "Layer input"))

    def _compute(self, inputs: list[Value]) -> list[Value]:
        """Every neuron's output, for inputs that are already a list of ``nin`` Values."""
        return [neuron._compute(inputs) for neuron in self.neurons]

    def parameter_groups(self) -> dict[str, list[Value]]:
        """One group per neuron: ``{"neuron 0": [w..., b], ...}``."""
        return {f"neuron {j}": neuron.parameters() for j, neuron in enumerate(self.neurons)}

    def _describe(self) -> str:
        return describe_activation(self._activation, self._activation_name)

    def __repr__(self) -> str:
        return f"Layer({self.nin} -> {self.nout}, activation={self._describe()!r})"

    def _repr_html_(self) -> str | None:
        """In Jupyter, a layer shows its diagram (see [`nn.diagram`][nn.diagram])."""
        return _diagram_html(self)

    def config(self) -> dict[str, Any]:
        name = _savable_name(self._activation_name, self._describe())
        return {"nin": self.nin, "nout": self.nout, "activation": name}

    @classmethod
    def check_config(cls, config: dict[str, Any]) -> int:
        require_keys(config, ("nin", "nout", "activation"), "Layer config")
        _check_activation_name(config["activation"], "Layer config activation")
        nin = positive_int(config["nin"], "Layer config nin")
        return positive_int(config["nout"], "Layer config nout") * (nin + 1)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        return cls(config["nin"], config["nout"], config["activation"], seed=0)

    def to_torch(self) -> Any:
        """This layer as a float64 ``torch.nn.Module`` with the same weights (see [`nn.torch_export`][])."""
        from nn.torch_export import to_torch  # PyTorch is optional: loaded only when asked for

        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any) -> Layer:
        """The Layer that a torch ``module`` computes (see [`nn.torch_export`][])."""
        from nn.torch_export import layer_from_torch

        return layer_from_torch(module)


@savable
class MLP(Module):
    """A multi-layer perceptron: ``nin`` inputs, then one [`Layer`][nn.layers.Layer] per entry of ``sizes``.

    ``MLP(2, [4, 4, 1], activation="tanh")`` has two hidden tanh layers of 4 units and
    one output unit with ``output_activation`` (linear by default, as for regression
    or logits). Calling it returns a Value when the last layer has one unit, else a list.

    Parameters: ``layers.k.neurons.j.w.i`` and ``layers.k.neurons.j.b``.
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: Activation = "relu",
        output_activation: Activation = "linear",
        *,
        seed: Seed = None,
    ) -> None:
        nin = positive_int(nin, "nin")
        sizes = [positive_int(size, f"sizes[{k}]") for k, size in enumerate(sequence(sizes, "sizes"))]
        if not sizes:
            raise ValueError("sizes must list at least one layer size")
        rng = make_rng(seed)
        widths = [nin, *sizes]
        activations = [activation] * (len(sizes) - 1) + [output_activation]
        self.layers = [Layer(widths[k], widths[k + 1], activations[k], seed=rng) for k in range(len(sizes))]
        self._label_parameters()

    @classmethod
    def from_layers(cls, layers: Sequence[Layer]) -> MLP:
        """An MLP made of these layers (used as they are, not copied); sizes must chain up."""
        layers = list(sequence(layers, "layers"))
        if not layers:
            raise ValueError("an MLP needs at least one layer")
        for k, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{k}] must be a Layer, got {type(layer).__name__}")
            if k > 0 and layers[k - 1].nout != layer.nin:
                outputs = f"layers[{k - 1}] has {layers[k - 1].nout} outputs"
                raise ValueError(f"{outputs} but layers[{k}] takes {layer.nin} inputs")
        model = object.__new__(cls)  # skip __init__: the layers are given, not drawn at random
        model.layers = layers
        model._label_parameters()
        return model

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self.layers[0].nin

    @property
    def sizes(self) -> list[int]:
        """The number of units in each layer."""
        return [layer.nout for layer in self.layers]

    def forward(self, x: Any) -> Value | list[Value]:
        """The network's output for input ``x``: a Value if there is one output unit, else a list."""
        outputs = self._compute(as_input_vector(x, self.nin, "MLP input"))
        return outputs[0] if len(outputs) == 1 else outputs

    def _compute(self, inputs: list[Value]) -> list[Value]:
        """The last layer's outputs (always a list), for inputs already a list of Values."""
        for layer in self.layers:
            inputs = layer._compute(inputs)
        return inputs

    def parameter_groups(self) -> dict[str, list[Value]]:
        """A box per layer with a box per neuron inside: ``{"layer 0/neuron 1": [...], ...}``."""
        return {
            f"layer {k}/{name}": params
            for k, layer in enumerate(self.layers)
            for name, params in layer.parameter_groups().items()
        }

    def __repr__(self) -> str:
        lines = "".join(f"  {layer!r},\n" for layer in self.layers)
        return f"MLP(\n{lines})"

    def _repr_html_(self) -> str | None:
        """In Jupyter, an MLP shows its diagram (see [`nn.diagram`][nn.diagram])."""
        return _diagram_html(self)

    def config(self) -> dict[str, Any]:
        names = [_savable_name(layer._activation_name, layer._describe()) for layer in self.layers]
        return {"nin": self.nin, "sizes": self.sizes, "activations": names}

    @classmethod
    def check_config(cls, config: dict[str, Any]) -> int:
        require_keys(config, ("nin", "sizes", "activations"), "MLP config")
        nin = positive_int(config["nin"], "MLP config nin")
        sizes = sequence(config["sizes"], "MLP config sizes")
        names = sequence(config["activations"], "MLP config activations")
        if not sizes:
            raise ValueError("MLP config sizes must not be empty")
        if len(names) != len(sizes):
            raise ValueError(f"MLP config has {len(sizes)} sizes but {len(names)} activations")
        count, width = 0, nin
        for k, (size, name) in enumerate(zip(sizes, names)):
            _check_activation_name(name, f"MLP config activations[{k}]")
            size = positive_int(size, f"MLP config sizes[{k}]")
            count, width = count + size * (width + 1), size
        return count

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MLP:
        widths = [config["nin"], *config["sizes"]]
        names = config["activations"]
        return cls.from_layers([Layer(widths[k], widths[k + 1], names[k], seed=0) for k in range(len(names))])

    def to_torch(self) -> Any:
        """This MLP as a float64 ``torch.nn.Module`` with the same weights (see [`nn.torch_export`][])."""
        from nn.torch_export import to_torch  # PyTorch is optional: loaded only when asked for

        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any) -> MLP:
        """The MLP that a torch ``module`` computes (see [`nn.torch_export`][])."""
        from nn.torch_export import mlp_from_torch

        return mlp_from_torch(module)


def _savable_name(name: str | None, shown: str) -> str:
    if name is None:
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(
            f"cannot save a model whose activation is the function {shown!r}: "
            f"only named activations ({known}) can be written to a file"
        )
    return name


def _check_activation_name(name: object, where: str) -> None:
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"{where} must be one of {', '.join(sorted(ACTIVATIONS))}, got {name!r}")


def _diagram_html(model: Module) -> str | None:
    """The model's diagram for Jupyter, or None (its text form) when it cannot be drawn.

    The diagrams are a layer above the models: [`nn.diagram`][nn.diagram] is
    loaded here, when a model is first shown, never when ``nn`` is imported.
    """
    from nn.diagram.draw import model_html

    return model_html(model)
