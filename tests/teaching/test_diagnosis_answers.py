"""The forms answers come in (Value, label, layer matrix, neuron vector, a list per layer), their
orientation and precision, and the errors for answers that cannot be checked."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value, gradients
from autograd.teaching import check_gradients
from autograd.teaching.diagnosis import AnswerError
from autograd.teaching.diagnosis.answers import significant_digits, tolerance
from nn import MLP, Layer, Neuron, mse_loss


def network(nin: int = 3, hidden: int = 4, nout: int = 2) -> tuple[MLP, Value]:
    model = MLP(nin, [hidden, nout], activation="tanh", seed=4)
    loss = mse_loss(model([0.3, -0.8, 0.5][:nin]), [0.1, -0.4][:nout])
    return model, loss


def right_matrices(model: MLP, loss: Value) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each layer's right gradients as NumPy arrays: (W with one row per neuron, biases)."""
    answers = []
    for layer in model.layers:
        weights = [gradients(loss, neuron.w) for neuron in layer.neurons]
        biases = [gradients(loss, [neuron.b])[0] for neuron in layer.neurons]
        answers.append((np.array(weights), np.array(biases)))
    return answers


# ----------------------------------------------------------------------------
# The forms
# ----------------------------------------------------------------------------


def test_a_layer_takes_its_matrix_with_one_row_per_neuron_or_numpys_x_at_w():
    model, loss = network()
    (w0, b0), (w1, b1) = right_matrices(model, loss)
    assert w0.shape == (4, 3)
    assert check_gradients(loss, {model.layers[0]: w0, model.layers[1]: (w1, b1)}, layout="rows").ok
    assert check_gradients(loss, {model.layers[0]: w0.T}).ok  # 3 x 4 can only be x @ W
    assert check_gradients(loss, {model.layers[0]: w0}).ok  # 4 x 3 can only be rows
    assert check_gradients(loss, {model.layers[0]: (w0.T.tolist(), b0.tolist())}, layout="columns").ok


def test_a_transposed_matrix_is_wrong_when_the_layout_is_given():
    model, loss = network()
    (w0, _), _ = right_matrices(model, loss)
    with pytest.raises(AnswerError, match=r"a 3×4 matrix does not fit.*layout='rows' was asked for"):
        check_gradients(loss, {model.layers[0]: w0.T}, layout="rows")


def test_a_square_matrix_needs_its_layout():
    model, loss = network(nin=2, hidden=2)
    (w0, _), _ = right_matrices(model, loss)
    with pytest.raises(AnswerError, match=r"square.*layout='rows'.*layout='columns'"):
        check_gradients(loss, {model.layers[0]: w0})
    assert check_gradients(loss, {model.layers[0]: w0}, layout="rows").ok
    assert check_gradients(loss, {model.layers[0]: w0.T}, layout="columns").ok
    wrong_way = check_gradients(loss, {model.layers[0]: w0.T}, layout="rows")
    assert not wrong_way.ok  # the off-diagonal entries swapped


@pytest.mark.parametrize("shape", [(2,), (1, 2), (2, 1)])
def test_biases_may_be_a_row_a_column_or_flat(shape):
    model, loss = network()
    _, (w1, b1) = right_matrices(model, loss)
    assert check_gradients(loss, {model.layers[1]: (w1, b1.reshape(shape))}).ok


def test_a_list_per_layer_with_the_model():
    model, loss = network()
    answers = right_matrices(model, loss)
    report = check_gradients(loss, answers, model=model)
    assert report.ok and len(report.rows) == model.num_parameters()
    with pytest.raises(AnswerError, match="2 layers but 1 answers"):
        check_gradients(loss, answers[:1], model=model)


def test_a_neuron_takes_a_vector_and_a_bias():
    model, loss = network()
    neuron = model.layers[0].neurons[1]
    weights = gradients(loss, neuron.w)
    (bias,) = gradients(loss, [neuron.b])
    assert check_gradients(loss, {neuron: list(weights)}).ok
    assert check_gradients(loss, {neuron: (np.array(weights), bias)}).ok
    assert check_gradients(loss, {neuron: np.array([weights])}).ok  # a (1, n) row


def test_values_labels_and_layers_mix():
    model, loss = network()
    _, (w1, b1) = right_matrices(model, loss)
    b = model.layers[0].neurons[0].b
    (db,) = gradients(loss, [b])
    answers = {
        model.layers[1]: (w1, b1),
        b: db,
        "layers.0.neurons.1.b": gradients(loss, [model.layers[0].neurons[1].b])[0],
    }
    report = check_gradients(loss, answers)
    assert report.ok and len(report.rows) == 8 + 2 + 2


def test_a_standalone_layer_and_neuron():
    layer = Layer.from_weights([[0.2, -0.5], [0.7, 0.1], [-0.3, 0.4]], [0.0, 0.1, -0.2], "sigmoid")
    loss = sum(o * o for o in layer([1.5, -0.5]))
    assert isinstance(loss, Value)
    weights = [gradients(loss, n.w) for n in layer.neurons]
    assert check_gradients(loss, {layer: np.array(weights)}).ok
    neuron = Neuron.from_weights([0.4, -0.6], 0.2, "tanh")
    out = neuron([1.0, 2.0]) ** 2
    assert check_gradients(out, {neuron: (gradients(out, neuron.w), gradients(out, [neuron.b])[0])}).ok


def test_numpy_numbers_are_numbers():
    x = Value(0.5, label="x")
    loss = x * x * 3
    assert check_gradients(loss, {x: np.float64(3.0), "x": np.float32(3.0)}).ok
    assert check_gradients(loss, {x: np.array(3.0)}).ok


# ----------------------------------------------------------------------------
# Precision
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "digits"),
    [
        (0.0215, 3),
        (2.0, 1),
        (-0.00416, 3),
        (1234.5, 5),
        (1e-05, 1),
        (0.1 + 0.2, 17),
        (2.0809165621704553, 17),
    ],
)
def test_significant_digits(number, digits):
    assert significant_digits(number) == digits


def test_the_tolerance_is_half_a_unit_of_the_last_digit_of_at_least_three():
    assert tolerance(0.0215) == pytest.approx(0.00005)
    assert tolerance(2.0) == pytest.approx(0.005)  # read as 2.00
    assert tolerance(0.021, digits=2) == pytest.approx(0.0005)
    assert tolerance(2.0809165621704553) == pytest.approx(2.0809165621704553e-6)  # in full: relative 1e-6
    assert tolerance(0.0) == pytest.approx(1e-12)


def test_a_number_rounded_to_three_digits_agrees_with_the_gradient():
    x = Value(0.7316, label="x")
    loss = (x * 2.3).tanh()
    (right,) = gradients(loss, [x])
    assert check_gradients(loss, {x: float(f"{right:.3g}")}).ok
    assert not check_gradients(loss, {x: float(f"{right:.3g}") * 1.01}).ok


# ----------------------------------------------------------------------------
# Answers that cannot be checked
# ----------------------------------------------------------------------------


def test_a_value_not_in_the_graph():
    x = Value(1.0, label="x")
    with pytest.raises(AnswerError, match="answer for y: this Value is not part of the loss's graph"):
        check_gradients(x * 2, {x: 2.0, Value(3.0, label="y"): 1.0})


def test_a_layer_of_another_model():
    model, loss = network()
    other, _ = network()
    (w0, _), _ = right_matrices(model, loss)
    with pytest.raises(AnswerError, match=r"layer layers.0 weight \[0\]\[0\]: this Value is not part of"):
        check_gradients(loss, {other.layers[0]: w0})


def test_a_label_that_names_no_node_lists_the_labels():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    with pytest.raises(
        AnswerError, match=r"answer for 'z': no node of this graph has that label \(its labels: 'x', 'y'\)"
    ):
        check_gradients(x * y, {"z": 1.0})


def test_a_label_that_names_two_nodes():
    a, b = Value(1.0, label="w"), Value(2.0, label="w")
    with pytest.raises(AnswerError, match="2 nodes of this graph have that label"):
        check_gradients(a * b, {"w": 1.0})


@pytest.mark.parametrize(
    ("number", "message"), [(math.nan, "is NaN"), (math.inf, "is inf"), (-math.inf, "is -inf")]
)
def test_a_number_that_is_not_finite(number, message):
    x = Value(1.0, label="x")
    with pytest.raises(AnswerError, match=f"answer for x {message}"):
        check_gradients(x * 2, {x: number})


def test_a_nan_inside_a_matrix_says_where():
    model, loss = network()
    (w0, _), _ = right_matrices(model, loss)
    w0[1, 2] = np.nan
    with pytest.raises(AnswerError, match=r"layer layers.0 weights \[1\]\[2\] is NaN"):
        check_gradients(loss, {model.layers[0]: w0})


def test_a_shape_that_does_not_fit():
    model, loss = network()
    with pytest.raises(
        AnswerError, match=r"a 2×2 matrix does not fit its weights \(4 neurons with 3 inputs each\)"
    ):
        check_gradients(loss, {model.layers[0]: np.zeros((2, 2))})
    with pytest.raises(AnswerError, match="expected a matrix"):
        check_gradients(loss, {model.layers[0]: [1.0, 2.0]})
    with pytest.raises(AnswerError, match="rows have different lengths"):
        check_gradients(loss, {model.layers[0]: [[1.0, 2.0, 3.0], [1.0]]})
    with pytest.raises(AnswerError, match="biases: expected 2 numbers, got 3"):
        check_gradients(loss, {model.layers[1]: (np.zeros((2, 4)), [0.0, 0.0, 0.0])})


def test_two_numbers_for_one_node():
    x = Value(1.0, label="x")
    with pytest.raises(AnswerError, match=r"x was given twice, as 2\.0 and 3\.0"):
        check_gradients(x * 2, {x: 2.0, "x": 3.0})


@pytest.mark.parametrize("number", [True, "1.5", None, Value(1.0)])
def test_a_number_of_the_wrong_type(number):
    x = Value(1.0, label="x")
    with pytest.raises(TypeError, match="answer for x: expected a number"):
        check_gradients(x * 2, {x: number})


def test_a_key_of_the_wrong_type_and_other_bad_arguments():
    x = Value(1.0, label="x")
    with pytest.raises(TypeError, match="an answer's key must be a Value, a label, a layer or a neuron"):
        check_gradients(x * 2, {3: 1.0})
    with pytest.raises(TypeError, match="answers must be a dict"):
        check_gradients(x * 2, [1.0])
    with pytest.raises(TypeError, match="needs the loss Value"):
        check_gradients(2.0, {x: 1.0})
    with pytest.raises(ValueError, match="layout must be one of auto, rows, columns"):
        check_gradients(x * 2, {x: 2.0}, layout="cols")
    with pytest.raises(ValueError, match="digits must be a positive int"):
        check_gradients(x * 2, {x: 2.0}, digits=0)
    with pytest.raises(AnswerError, match="no answers were given"):
        check_gradients(x * 2, {})
