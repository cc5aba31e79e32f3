"""The seed notebooks' three backprop mistakes, made by the same kind of NumPy code, found and named.

* XOR (2-2-1 sigmoid, the whole batch): the error is written ``(y - y_pred) * f'``, minus
  the gradient of ``L = 1/2 sum (y - y_pred)**2``: a sign.
* The 8-3-8 autoencoder (``sigmoid(z + 1)`` units): the slopes are taken of values that
  are already activations (the derivative at the output), and the hidden delta goes
  back through the hidden weights instead of the transposed output weights (a wrong
  weight): two mistakes at once.
* The intro notebook: the update written ``w += w - alpha * dL/dw``.

The code below is written the notebooks' way (NumPy, ``x @ W`` matrices, the gradient
as the thing subtracted from the weights), with numbers of its own.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Value, gradients, sum_values
from autograd.teaching import check_gradients, check_update
from nn import MLP, Layer


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


# ----------------------------------------------------------------------------
# XOR: the error with the wrong sign
# ----------------------------------------------------------------------------


def xor_by_hand() -> tuple[MLP, Value, list]:
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    W1 = np.array([[0.31, -0.52], [0.74, 0.18]])  # x @ W1: column j holds hidden unit j's weights
    b0 = np.array([[0.05, -0.22]])
    W2 = np.array([[0.63], [-0.47]])
    b1 = np.array([[0.11]])
    # forward and backward, as the notebook writes them
    h = sigmoid(X @ W1 + b0)
    y_pred = sigmoid(h @ W2 + b1)
    L_derivative = (y - y_pred) * (y_pred * (1 - y_pred))  # minus dL/ds2: the sign is wrong
    L_w_derivative = L_derivative.dot(W2.T) * (h * (1 - h))
    # what the notebook subtracts from each weight (lr times this): its gradients
    gradients_by_hand = [
        (X.T.dot(L_w_derivative), L_w_derivative.sum(axis=0)),
        (h.T.dot(L_derivative), L_derivative.sum(axis=0)),
    ]
    model = MLP.from_layers(
        [
            Layer.from_columns(W1.tolist(), b0[0].tolist(), "sigmoid"),
            Layer.from_columns(W2.tolist(), b1[0].tolist(), "sigmoid"),
        ]
    )
    predictions = [model(list(x)) for x in X]
    loss = sum_values([(t - p) ** 2 for p, t in zip(predictions, y[:, 0])]) * 0.5
    return model, loss, gradients_by_hand


def test_the_xor_notebooks_error_is_a_flipped_sign():
    model, loss, by_hand = xor_by_hand()
    report = check_gradients(loss, by_hand, model=model, layout="columns")
    assert len(report.wrong) == len(model.parameters()) == 9
    finding = report.findings[0]
    assert finding.kind == "sign" and finding.explained == 1.0
    # once, at the top: every gradient below it flipped (0.5 * the sum of squares)
    assert finding.scope == "once" and finding.where.node is loss
    assert "climbs the loss" in finding.explanation


def test_the_xor_numbers_with_the_sign_fixed_are_right():
    model, loss, by_hand = xor_by_hand()
    fixed = [(-weights, -biases) for weights, biases in by_hand]
    assert check_gradients(loss, fixed, model=model, layout="columns").ok


# ----------------------------------------------------------------------------
# The autoencoder: the derivative at the output, and the wrong weights
# ----------------------------------------------------------------------------


def activation(x: np.ndarray, dx: bool = False) -> np.ndarray:
    """The notebook's unit: sigmoid(x + 1), or its derivative at x."""
    s = sigmoid(x + 1)
    return s * (1 - s) if dx else s


def autoencoder_by_hand(*, slope_of_activations: bool, hidden_weights: bool):
    rng = np.random.default_rng(17)
    x = np.array([[1, 1, 0, 1, 1, 1, 0, 1]], dtype=float)
    hidden_weight = rng.normal(size=(8, 3)) * 0.5  # x @ W: 8 inputs -> 3 hidden units
    hidden_bias = rng.uniform(size=(1, 3))
    output_weight = rng.normal(size=(3, 8)) * 0.5
    output_bias = rng.uniform(size=(1, 8))
    hidden_z = x @ hidden_weight + hidden_bias
    hidden = activation(hidden_z)
    output_z = hidden @ output_weight + output_bias
    output = activation(output_z)
    error = x - output
    slope_out = activation(output if slope_of_activations else output_z, dx=True)
    slope_hidden = activation(hidden if slope_of_activations else hidden_z, dx=True)
    delta_out = error * slope_out
    back = hidden_weight if hidden_weights else output_weight.T  # both are 8 x 3
    delta_hidden = (delta_out @ back) * slope_hidden
    # the notebook adds lr * (these) to the weights: the gradients are minus them
    by_hand = [(-(x.T @ delta_hidden), -delta_hidden), (-(hidden.T @ delta_out), -delta_out)]

    def unit(z: Value) -> Value:
        return (z + 1).sigmoid()

    model = MLP.from_layers(
        [
            Layer.from_columns(hidden_weight.tolist(), hidden_bias[0].tolist(), unit),
            Layer.from_columns(output_weight.tolist(), output_bias[0].tolist(), unit),
        ]
    )
    loss = sum_values([(a - t) ** 2 for a, t in zip(model(list(x[0])), x[0])]) * 0.5
    return model, loss, by_hand


def test_the_autoencoders_two_mistakes_are_found_together():
    model, loss, by_hand = autoencoder_by_hand(slope_of_activations=True, hidden_weights=True)
    # keyed by layer; the 8x3 and 3x8 matrices can only be NumPy's x @ W way round here
    report = check_gradients(loss, {model.layers[0]: by_hand[0], model.layers[1]: by_hand[1]})
    best = report.explanations[0]
    assert best.explained == 1.0
    found = {m.kind: m.where for m in best.mistakes}
    assert set(found) == {"derivative_at_output", "wrong_weight"}
    # sigmoid(z + 1)' taken at the outputs, in both layers
    assert found["derivative_at_output"].text == "every sigmoid(z + 1)"
    assert found["derivative_at_output"].scope == "throughout"
    # the output layer's deltas went back through the hidden layer's weights
    assert (
        found["wrong_weight"].text
        == "layer 1: the deltas sent back through the weights of layer 0, transposed"
    )
    assert [f.kind for f in report.findings[:2]] == [m.kind for m in best.mistakes]


def test_each_autoencoder_mistake_alone_is_found_alone():
    model, loss, by_hand = autoencoder_by_hand(slope_of_activations=True, hidden_weights=False)
    report = check_gradients(loss, {model.layers[0]: by_hand[0], model.layers[1]: by_hand[1]})
    assert [(f.kind, str(f.where)) for f in report.findings] == [
        ("derivative_at_output", "every sigmoid(z + 1)")
    ]
    model, loss, by_hand = autoencoder_by_hand(slope_of_activations=False, hidden_weights=True)
    report = check_gradients(loss, {model.layers[0]: by_hand[0], model.layers[1]: by_hand[1]})
    assert report.findings[0].kind == "wrong_weight" and report.findings[0].explained == 1.0
    # the output layer's own gradients were right
    right = {row.node for row in report.rows if row.right}
    assert set(model.layers[1].parameters()) <= right


def test_the_autoencoder_fixed_is_right():
    model, loss, by_hand = autoencoder_by_hand(slope_of_activations=False, hidden_weights=False)
    assert check_gradients(loss, [by_hand[0], by_hand[1]], model=model).ok


# ----------------------------------------------------------------------------
# The intro notebook: the worked derivative, and the update rule of its comment
# ----------------------------------------------------------------------------


def intro_network() -> tuple[MLP, Value]:
    """2-2-1 sigmoid, all weights 1 and biases 0, input (-2, -1), target 1, L = (1 - y_pred)**2."""
    ones = [[1.0, 1.0], [1.0, 1.0]]
    model = MLP.from_layers(
        [Layer.from_weights(ones, [0.0, 0.0], "sigmoid"), Layer.from_weights([[1.0, 1.0]], [0.0], "sigmoid")]
    )
    return model, (1 - model([-2.0, -1.0])) ** 2


def test_the_intro_notebooks_worked_derivative_is_right_to_its_two_digits():
    model, loss = intro_network()
    w1 = model.layers[0].neurons[0].w[0]
    assert check_gradients(loss, {w1: 0.021}, digits=2).ok
    assert check_gradients(loss, {w1: 0.02147}).ok
    report = check_gradients(loss, {w1: 0.021})  # taken as 0.0210: not the gradient, 0.02147
    assert not report.ok and report.findings == []


def test_the_intro_notebooks_update_rule_is_named():
    model, loss = intro_network()
    parameters = model.parameters()
    grads = gradients(loss, parameters)
    alpha = 0.1
    before = [p.data for p in parameters]
    after = [w + (w - alpha * g) for w, g in zip(before, grads)]  # w += w - alpha * dL/dw
    report = check_update(before, after, list(grads), lr=alpha)
    assert not report.ok and report.rule == "w += w - lr * g"
    assert report.findings[0].kind == "update_rule" and report.findings[0].explained == 1.0
    right = [w - alpha * g for w, g in zip(before, grads)]
    assert check_update(before, right, list(grads), lr=alpha).ok


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_the_xor_update_climbs_with_the_flipped_gradients(sign):
    # the XOR notebook's step, w - lr * (-gradient), is the rule w + lr * g
    before, grads = [0.31, -0.52, 0.74], [0.02, -0.013, 0.0071]
    after = [w + sign * 0.5 * g for w, g in zip(before, grads)]
    report = check_update(before, after, grads, lr=0.5)
    assert (report.rule, report.ok) == (("w += lr * g", False) if sign > 0 else (None, True))
