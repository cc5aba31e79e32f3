"""The seed notebooks' networks, rebuilt with nn from their given weights, reproduce the answer key.

Figures come from the seed homework's hand-derived answer key (and, for the 003
autoencoder, from the numbers printed in seed notebook 003).
"""

from __future__ import annotations

import math

import pytest

from autograd import Value
from nn import MLP, Layer, LSTMCell, Neuron, mse_loss, run_lstm, softmax

TOL = 1e-12  # the key prints 16-17 significant digits of numbers of order 1; float64 agrees to ~1e-16


# -- homework (000, 001): the 2-4-2 ReLU network with softmax output ----------


def homework_network() -> MLP:
    # W rows are the hidden units (columns x1, x2, bias); V rows the output units (f(z1..z4), bias)
    W = [[1, 0, -1], [0, 1, -1], [-1, 0, -1], [0, -1, -1]]
    V = [[1, 1, 1, 1, 0], [-1, -1, -1, -1, 2]]
    hidden = Layer.from_weights([row[:2] for row in W], [row[2] for row in W], activation="relu")
    output = Layer.from_weights([row[:4] for row in V], [row[4] for row in V], activation="relu")
    return MLP.from_layers([hidden, output])


def test_homework_network_forward_pass():
    net = homework_network()
    hidden = net.layers[0]([3, 14])
    f_u = net.layers[1](hidden)
    # each output is relu(z): its input node in the graph holds the pre-activation z
    assert [h.children[0].data for h in hidden] == [2.0, 13.0, -4.0, -15.0]
    assert [h.data for h in hidden] == [2.0, 13.0, 0.0, 0.0]
    assert [f.children[0].data for f in f_u] == [15.0, -13.0]
    assert [f.data for f in f_u] == [15.0, 0.0]
    o1, o2 = softmax(f_u)
    assert o1.data == pytest.approx(0.9999996940977731, abs=TOL)
    assert o2.data == pytest.approx(3.059022269256247e-07, abs=TOL)
    assert net([3, 14])[0].data == 15.0  # the MLP call gives the same as the layers in turn


@pytest.mark.parametrize(
    ("hidden_sum", "o1"), [(1.0, 0.5), (0.0, 0.11920292202211755), (3.0, 0.9525741268224333)]
)
def test_homework_output_depends_only_on_the_hidden_sum(hidden_sum, o1):
    # u1 = S and u2 = 2 - S where S = f(z1) + ... + f(z4), however S is split up
    output_layer = homework_network().layers[1]
    for split in ([hidden_sum, 0, 0, 0], [0, 0, 0, hidden_sum], [hidden_sum / 4] * 4):
        assert softmax(output_layer(split))[0].data == pytest.approx(o1, abs=TOL)


@pytest.mark.parametrize(("beta", "threshold"), [(1.0, 6.906754778648554), (3.0, 2.3022515928828513)])
def test_inverse_temperature_threshold(beta, threshold):
    """o1 >= 999 o2 exactly when f(u1) - f(u2) >= ln(999) / beta: found by bisection on softmax."""

    def o1_wins(gap: float) -> bool:
        o1, o2 = softmax([gap, 0.0], beta=beta)
        return o1.data >= 999 * o2.data

    low, high = 0.0, 20.0
    assert not o1_wins(low) and o1_wins(high)
    for _ in range(60):  # 20 / 2^60 is far below float spacing: the bracket stops shrinking
        middle = (low + high) / 2
        low, high = (low, middle) if o1_wins(middle) else (middle, high)
    # the rounding noise of o1 - 999 o2 near the threshold is ~1e-16 / beta in the gap
    assert high == pytest.approx(threshold, abs=TOL)
    assert threshold == pytest.approx(math.log(999) / beta, abs=TOL)


# -- homework LSTM ---------------------------------------------------------------


def homework_lstm() -> LSTMCell:
    cell = LSTMCell(input_size=1, hidden_size=1)
    cell.set(W_fh=0, W_fx=0, b_f=-100, W_ch=-100)
    cell.set(W_ih=0, W_ix=100, b_i=100, W_cx=50)
    cell.set(W_oh=0, W_ox=100, b_o=0, b_c=0)
    return cell


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [([0, 0, 1, 1, 1, 0], [0, 0, 1, -1, 1, 0]), ([1, 1, 0, 1, 1], [1, -1, 0, 1, -1])],
)
def test_lstm_sequences(inputs, expected):
    states = run_lstm(homework_lstm(), inputs, round_hidden=True)
    assert [round(state.h[0].data) for state in states] == expected  # exactly


def test_lstm_unrounded_states_match_seed_001():
    # seed 001 prints h_t before rounding: 0, 0, tanh(1), -tanh(1), tanh(1), -tanh(1)/2
    states = run_lstm(homework_lstm(), [0, 0, 1, 1, 1, 0], round_hidden=True)
    t = 0.7615941559557649
    assert [s.h[0].data for s in states] == pytest.approx([0, 0, t, -t, t, -0.3807970779778824], abs=TOL)
    assert [s.c[0].data for s in states] == pytest.approx([0, 0, 1, -1, 1, -1], abs=TOL)


# -- intro to neural networks (004) ---------------------------------------------


def intro_network(weights: list[float], bias: float = 0.0) -> MLP:
    hidden = Layer.from_weights([weights, weights], [bias, bias], activation="sigmoid")
    output = Layer.from_weights([weights], [bias], activation="sigmoid")
    return MLP.from_layers([hidden, output])


def test_intro_neuron():
    neuron = Neuron.from_weights([0, 1], bias=4, activation="sigmoid")
    assert neuron([2, 3]).data == pytest.approx(0.9990889488055994, abs=TOL)


def test_intro_network():
    assert intro_network([0, 1])([2, 3]).data == pytest.approx(0.7216325609518421, abs=TOL)


def test_intro_mse():
    assert mse_loss([0, 0, 0, 0], [1, 0, 0, 1]).data == 0.5


def test_intro_worked_derivative_for_alice():
    net = intro_network([1, 1])
    loss = mse_loss(net([-2, -1]), 1)  # one sample: (1 - y_pred)^2
    loss.backward()
    w1 = dict(net.named_parameters())["layers.0.neurons.0.w.0"]  # x1 -> h1
    assert w1.grad == pytest.approx(0.021469535265811107, abs=TOL)


# -- XOR network of 002 ----------------------------------------------------------


def test_xor_network_of_002_matches_its_numpy_formula():
    # s1 = X @ W1 + b0: W1's columns are the hidden units' weights
    W1, b0, W2, b1 = [[-1, 1], [1, -1]], [1, 1], [[1], [1]], [-1]
    net = MLP.from_layers([Layer.from_columns(W1, b0, "sigmoid"), Layer.from_columns(W2, b1, "sigmoid")])

    def sigmoid(z: float) -> float:
        return 1 / (1 + math.exp(-z))

    for x in ([0, 0], [0, 1], [1, 0], [1, 1]):
        h = [sigmoid(x[0] * W1[0][j] + x[1] * W1[1][j] + b0[j]) for j in range(2)]
        expected = sigmoid(h[0] * W2[0][0] + h[1] * W2[1][0] + b1[0])
        assert net(x).data == pytest.approx(expected, abs=TOL)


# -- the 8-3-8 autoencoder of 003 -----------------------------------------------

# The weights the forward pass of seed 003 used (its cells In [64], In [65], In [69], In [70]).
HIDDEN_WEIGHT = [  # 8 x 3: x @ W, so column j feeds hidden unit j
    [-0.14596248, 0.46984296, -0.20284101],
    [0.39478882, 0.23582777, -0.30064179],
    [0.21564332, -0.09798041, 0.4486971],
    [0.1839495, -0.06597233, -0.09574213],
    [0.104651, 0.97286255, -0.1992364],
    [-0.62747513, -0.07544811, 0.45845421],
    [0.2087666, -1.30966475, -0.12424663],
    [-0.08091887, -0.01457799, 0.7577325],
]
HIDDEN_BIAS = [0.2888758, 0.14884696, 0.20725632]
OUTPUT_WEIGHT = [  # 3 x 8
    [-0.59196054, 0.10018885, -0.72569459, 0.07080871, -0.61067354, 0.09612946, -0.20848902, -0.25395206],
    [0.46978088, -0.75172655, 0.12019265, -0.9478835, 0.86543602, -0.11670782, 0.07210603, -0.48724027],
    [0.70269662, -0.64294688, 0.15416849, 0.423714, 0.58689919, -0.00481141, -0.00180434, -0.81640988],
]
OUTPUT_BIAS = [0.66379342, 0.51166311, 0.6992155, 0.14650619, 0.61919299, 0.46754989, 0.68069931, 0.95591248]


def shifted_sigmoid(z: Value) -> Value:
    """The seed's activation: sigmoid(z + 1)."""
    return (z + 1).sigmoid()


def test_autoencoder_forward_pass_of_003():
    encoder = Layer.from_columns(HIDDEN_WEIGHT, HIDDEN_BIAS, shifted_sigmoid)
    decoder = Layer.from_columns(OUTPUT_WEIGHT, OUTPUT_BIAS, shifted_sigmoid)
    hidden = encoder([1, 1, 0, 1, 1, 1, 0, 1])
    output = MLP.from_layers([encoder, decoder])([1, 1, 0, 1, 1, 1, 0, 1])
    # The seed prints 8 decimals (rounding error <= 5e-9 per printed number). A hidden
    # z sums 7 such numbers (<= 3.5e-8); an output z adds 3 weights times activations
    # and a bias on top (<= 3.5e-8 * 3 * 0.25 * 1.3 + 2e-8 ~ 5e-8): 1e-7 covers both.
    hidden_z = [h.children[0].children[0].data for h in hidden]  # h = sigmoid((z) + 1)
    assert hidden_z == pytest.approx([0.11790862, 1.67138181, 0.6249817], abs=1e-7)
    assert [h.data for h in hidden] == pytest.approx([0.75360058, 0.93531668, 0.83548102], abs=1e-7)
    expected_output = [
        0.90414691, 0.58586398, 0.80115912, 0.66089864, 0.9212018, 0.80640449, 0.83054805, 0.65174426
    ]
    assert [o.data for o in output] == pytest.approx(expected_output, abs=1e-7)
