"""Neuron, Layer and MLP: construction, seeding, explicit weights, checks, gradients."""

from __future__ import annotations

import math
import random

import pytest

from autograd import GradientCheckError, Value, gradcheck
from nn import MLP, Layer, Neuron, mse_loss
from tests.nn_helpers import check_parameter_gradients

# -- construction and initialization --------------------------------------------


def test_same_seed_same_network_and_different_seed_different_network():
    assert MLP(2, [3, 1], seed=7).state_dict() == MLP(2, [3, 1], seed=7).state_dict()
    assert MLP(2, [3, 1], seed=7).state_dict() != MLP(2, [3, 1], seed=8).state_dict()


def test_a_random_generator_is_shared_and_advanced():
    rng = random.Random(3)
    first, second = Layer(2, 2, seed=rng), Layer(2, 2, seed=rng)
    assert first.state_dict() != second.state_dict()  # the second continues the stream
    again = random.Random(3)
    assert Layer(2, 2, seed=again).state_dict() == first.state_dict()


def test_weights_start_within_the_fan_in_bound_and_biases_at_zero():
    model = MLP(9, [16, 4], seed=1)
    for layer in model.layers:
        bound = 1 / math.sqrt(layer.nin)
        for neuron in layer.neurons:
            assert all(-bound <= w.data <= bound for w in neuron.w)
            assert neuron.b.data == 0.0
    spread = [w.data for w in model.layers[0].neurons[0].w] + [w.data for w in model.layers[1].neurons[0].w]
    assert len(set(spread)) == len(spread)  # really random, not a constant


def test_parameter_names_counts_and_labels():
    model = MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b",
                         "layers.0.neurons.1.w.0"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert model.num_parameters() == len(model.parameters()) == 3 * (2 + 1) + 1 * (3 + 1)
    assert all(p.label == name for name, p in model.named_parameters())
    assert [n for n, _ in Neuron(2).named_parameters()] == ["w.0", "w.1", "b"]


def test_outputs_are_a_value_for_one_unit_and_a_list_otherwise():
    assert isinstance(MLP(2, [3, 1], seed=0)([1, 2]), Value)
    out = MLP(2, [3, 2], seed=0)([1, 2])
    assert isinstance(out, list) and len(out) == 2
    assert len(Layer(2, 1, seed=0)([1, 2])) == 1  # a Layer always gives a list


def test_a_one_input_model_takes_a_bare_number():
    model = MLP(1, [2, 1], activation="tanh", seed=0)
    assert model(0.5).data == model([0.5]).data


@pytest.mark.parametrize(
    "build",
    [lambda: Neuron(2, seed=0), lambda: Layer(2, 3, seed=0), lambda: MLP(2, [3, 1], seed=0),
     lambda: MLP(2, [3, 2], seed=0)],
    ids=["Neuron", "Layer", "MLP with one output", "MLP with two outputs"],
)
def test_calling_a_model_is_its_forward_with_the_same_input_checks(build):
    model = build()
    called, forwarded = model([0.5, -1.0]), model.forward([0.5, -1.0])
    assert type(called) is type(forwarded)  # a Value for one output unit, else a list (Layer: always)
    as_numbers = (lambda out: out.data) if isinstance(called, Value) else (lambda out: [v.data for v in out])
    assert as_numbers(called) == as_numbers(forwarded)
    with pytest.raises(ValueError, match="input must have 2 entries, got 3"):
        model.forward([1.0, 2.0, 3.0])


def test_forward_takes_a_bare_number_for_one_input():
    model = MLP(1, [2, 1], activation="tanh", seed=0)
    assert model.forward(0.5).data == model([0.5]).data


def test_neuron_forward_is_one_dot_node_plus_bias():
    out = Neuron.from_weights([2, -1], bias=0.5, activation="linear")([3, 4])
    assert out.data == 2 * 3 - 1 * 4 + 0.5
    assert out.op == "+" and out.children[0].op == "dot"  # not 2n nodes of * and +


@pytest.mark.parametrize(
    ("name", "f"),
    [
        ("relu", lambda z: max(z, 0.0)),
        ("tanh", math.tanh),
        ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
        ("linear", lambda z: z),
    ],
)
def test_named_activations(name, f):
    neuron = Neuron.from_weights([0.5, -2.0], bias=0.25, activation=name)
    for x in ([1.0, 0.1], [-3.0, 1.0]):
        z = 0.5 * x[0] - 2.0 * x[1] + 0.25
        assert neuron(x).data == pytest.approx(f(z), abs=1e-15)


def test_a_callable_activation():
    neuron = Neuron.from_weights([1.0], bias=0.0, activation=lambda z: (z + 1).sigmoid())
    assert neuron([0.0]).data == pytest.approx(1 / (1 + math.exp(-1)), abs=1e-15)


def test_reprs():
    assert repr(Neuron(3, "tanh")) == "Neuron(3, activation='tanh')"
    assert repr(Layer(3, 2, "sigmoid")) == "Layer(3 -> 2, activation='sigmoid')"

    def swish(z: Value) -> Value:
        return z * z.sigmoid()

    assert repr(Layer(1, 1, swish)) == "Layer(1 -> 1, activation='swish')"
    assert repr(MLP(2, [4, 1], activation="tanh")) == (
        "MLP(\n  Layer(2 -> 4, activation='tanh'),\n  Layer(4 -> 1, activation='linear'),\n)"
    )


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


# -- explicit weights ------------------------------------------------------------


def test_layer_from_weights_rows_and_from_columns_agree():
    rows = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    columns = [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    a = Layer.from_weights(rows, [0.5, -0.5], "linear")
    b = Layer.from_columns(columns, [0.5, -0.5], "linear")
    assert a.state_dict() == b.state_dict()
    assert [v.data for v in a([1, 1, 1])] == [6.5, 14.5]
    assert (a.nin, a.nout) == (3, 2)


def test_from_layers_uses_the_given_layers():
    first, second = Layer(2, 3, seed=0), Layer(3, 1, seed=1)
    model = MLP.from_layers([first, second])
    assert model.layers[0] is first and model.sizes == [3, 1]
    assert first.neurons[0].b.label == "layers.0.neurons.0.b"


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Neuron.from_weights([], 0.0), ValueError, "must not be empty"),
        (lambda: Neuron.from_weights([1, "2"], 0.0), TypeError, r"weights\[1\] must be a real number"),
        (lambda: Neuron.from_weights([1, float("nan")], 0.0), ValueError, r"weights\[1\] must be finite"),
        (lambda: Neuron.from_weights([1, 2], None), TypeError, "bias must be a real number"),
        (lambda: Neuron.from_weights(3, 0.0), TypeError, "weights must be a list"),
        (lambda: Layer.from_weights([[1, 2], [3]], [0, 0]), ValueError, r"weights\[1\] has 1 entries"),
        (lambda: Layer.from_weights([[1, 2]], [0, 0]), ValueError, "1 rows of weights .* but 2 biases"),
        (lambda: Layer.from_weights([], []), ValueError, "at least one row"),
        (lambda: Layer.from_weights([[1, 2], [3, "x"]], [0, 0]), TypeError, r"weights\[1\]\[1\] must be"),
        (lambda: Layer.from_weights([[1, 2]], [None]), TypeError, r"biases\[0\] must be a real number"),
        (lambda: Layer.from_columns([[1, 2], [3]], [0, 0]), ValueError, r"weights\[1\] has 1 entries"),
        (lambda: MLP.from_layers([Layer(2, 3), Layer(2, 1)]), ValueError, r"layers\[0\] has 3 outputs"),
        (lambda: MLP.from_layers([Layer(2, 3), "layer"]), TypeError, r"layers\[1\] must be a Layer"),
        (lambda: MLP.from_layers([]), ValueError, "at least one layer"),
        (lambda: MLP(2, []), ValueError, "at least one layer size"),
        (lambda: MLP(2, [3, 0]), ValueError, r"sizes\[1\] must be at least 1"),
        (lambda: MLP(2, [3.0]), TypeError, r"sizes\[0\] must be an int"),
        (lambda: MLP(2, 3), TypeError, "sizes must be a list"),
        (lambda: Layer(0, 2), ValueError, "nin must be at least 1"),
        (lambda: Neuron(True), TypeError, "nin must be an int"),
        (lambda: Neuron(2, "softmax"), ValueError, "unknown activation 'softmax'"),
        (lambda: Neuron(2, 3), TypeError, "activation must be a name or a callable"),
        (lambda: MLP(2, [3], seed="zero"), TypeError, "seed must be an int"),
    ],
)
def test_bad_construction_is_refused_clearly(build, error, message):
    with pytest.raises(error, match=message):
        build()


@pytest.mark.parametrize(
    ("x", "error", "message"),
    [
        ([1.0], ValueError, "MLP input must have 2 entries, got 1"),
        ([1.0, 2.0, 3.0], ValueError, "must have 2 entries, got 3"),
        ("ab", TypeError, "MLP input must be a list"),
        ([1.0, "b"], TypeError, r"MLP input\[1\] must be a real number, got str"),
        ([1.0, float("nan")], ValueError, r"MLP input\[1\] must be finite"),
        ([True, 1.0], TypeError, r"MLP input\[0\] must be a real number, got bool"),
        (1.0, TypeError, "MLP input must be a list"),
    ],
)
def test_bad_input_is_refused_clearly(x, error, message):
    with pytest.raises(error, match=message):
        MLP(2, [3, 1], seed=0)(x)


def test_an_activation_that_returns_no_value_is_refused():
    with pytest.raises(TypeError, match="returned float, expected a Value"):
        Neuron(1, lambda z: 2.0)([1.0])


# -- gradients ---------------------------------------------------------------------


def regression_loss(model: MLP) -> Value:
    X = [[0.3, -1.2], [1.5, 0.4], [-0.7, 0.9]]
    return mse_loss([model(x) for x in X], [0.5, -0.25, 1.0])


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear", lambda z: (z + 1).sigmoid()])
def test_mlp_parameter_gradients_match_finite_differences(activation):
    model = MLP(2, [4, 3, 1], activation=activation, seed=2)
    check_parameter_gradients(model, regression_loss)


def test_neuron_and_layer_parameter_gradients():
    neuron = Neuron(3, "tanh", seed=4)
    check_parameter_gradients(neuron, lambda n: (n([0.2, -0.4, 1.1]) - 0.3) ** 2)
    layer = Layer(3, 2, "sigmoid", seed=5)
    check_parameter_gradients(layer, lambda lay: mse_loss(lay([0.2, -0.4, 1.1]), [0.9, 0.1]))


def test_gradients_with_respect_to_the_inputs():
    model = MLP(3, [5, 2], activation="tanh", seed=6)
    assert gradcheck(lambda a, b, c: model([a, b, c])[0] * model([a, b, c])[1], [0.4, -0.3, 0.8])


def test_the_gradient_helper_catches_a_wrong_gradient():
    # forward is z + z^2, but the z^2 part is a fresh leaf, so backward only sees z: wrong
    def sneaky(z: Value) -> Value:
        return z + Value(z.data**2)

    neuron = Neuron(2, sneaky, seed=0)
    with pytest.raises(GradientCheckError, match=r"w\.0"):
        check_parameter_gradients(neuron, lambda n: n([1.0, 2.0]))
