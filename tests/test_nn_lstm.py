"""LSTMCell: the gate equations on vectors, setting parameters by name, gradients, errors.

(The homework's scalar sequences are in test_nn_answer_key.py.)
"""

from __future__ import annotations

import math

import pytest

from autograd import topological_order
from nn import LSTMCell, LSTMState, mse_loss, run_lstm
from tests.nn_helpers import check_parameter_gradients


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def reference_step(cell: LSTMCell, x: list[float], h: list[float], c: list[float]):
    """The module doc's equations, on floats, straight from the state dict."""
    p = cell.state_dict()
    hidden, inputs = cell.hidden_size, cell.input_size

    def pre(gate: str, j: int) -> float:
        return (
            sum(p[f"W_{gate}h.{j}.{k}"] * h[k] for k in range(hidden))
            + sum(p[f"W_{gate}x.{j}.{k}"] * x[k] for k in range(inputs))
            + p[f"b_{gate}.{j}"]
        )

    f = [sigmoid(pre("f", j)) for j in range(hidden)]
    i = [sigmoid(pre("i", j)) for j in range(hidden)]
    o = [sigmoid(pre("o", j)) for j in range(hidden)]
    c_new = [f[j] * c[j] + i[j] * math.tanh(pre("c", j)) for j in range(hidden)]
    return [o[j] * math.tanh(c_new[j]) for j in range(hidden)], c_new


def test_vector_cell_follows_the_equations():
    cell = LSTMCell(input_size=2, hidden_size=3, seed=1)
    h, c = [0.0] * 3, [0.0] * 3
    state = None
    for x in ([0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]):
        state = cell(x, state)
        h, c = reference_step(cell, x, h, c)
        # the same arithmetic in a slightly different order: agreement to a few ulps
        assert [v.data for v in state.h] == pytest.approx(h, abs=1e-14)
        assert [v.data for v in state.c] == pytest.approx(c, abs=1e-14)


def test_parameter_names_and_count():
    cell = LSTMCell(input_size=2, hidden_size=3, seed=0)
    names = [name for name, _ in cell.named_parameters()]
    assert len(names) == cell.num_parameters() == 4 * 3 * (3 + 2 + 1)
    assert names[:3] == ["W_fh.0.0", "W_fh.0.1", "W_fh.0.2"]
    assert "W_cx.2.1" in names and names[-1] == "b_c.2"
    assert repr(cell) == "LSTMCell(input_size=2, hidden_size=3)"


def test_set_by_name_accepts_numbers_for_scalars_and_rows_for_matrices():
    scalar = LSTMCell(1, 1, seed=0)
    scalar.set(W_fh=2, W_fx=[[3]], b_f=[4])
    assert [scalar.state_dict()[k] for k in ("W_fh.0.0", "W_fx.0.0", "b_f.0")] == [2.0, 3.0, 4.0]
    cell = LSTMCell(2, 2, seed=0)
    cell.set(W_ox=[[1, 2], [3, 4]], b_o=[5, 6])
    state = cell.state_dict()
    assert [state[f"W_ox.{j}.{k}"] for j in range(2) for k in range(2)] == [1.0, 2.0, 3.0, 4.0]
    assert [state["b_o.0"], state["b_o.1"]] == [5.0, 6.0]


@pytest.mark.parametrize(
    ("parameters", "error", "message"),
    [
        ({"W_xx": 1}, ValueError, "no parameter 'W_xx'; its parameters are W_fh, W_fx, b_f"),
        ({"W_fh": 1}, TypeError, "W_fh must be a list"),  # a 2 x 2 matrix needs rows
        ({"W_fh": [[1, 2]]}, ValueError, "W_fh needs 2 rows, got 1"),
        ({"W_fh": [[1, 2], [3]]}, ValueError, r"W_fh\[1\] needs 2 entries, got 1"),
        ({"b_f": [1, 2, 3]}, ValueError, "b_f needs 2 entries, got 3"),
        ({"b_f": [1, float("nan")]}, ValueError, r"b_f\[1\] must be finite"),
        ({"b_i": [0, 0], "b_f": ["x", 0]}, TypeError, r"b_f\[0\] must be a real number"),
    ],
)
def test_set_refuses_bad_parameters_and_changes_nothing(parameters, error, message):
    cell = LSTMCell(2, 2, seed=0)
    before = cell.state_dict()
    with pytest.raises(error, match=message):
        cell.set(**parameters)
    assert cell.state_dict() == before


def test_calling_a_cell_is_its_forward():
    cell = LSTMCell(2, 2, seed=5)
    for state in (None, ([0.1, -0.2], [0.3, 0.4])):
        called, forwarded = cell([0.5, -1.0], state), cell.forward([0.5, -1.0], state)
        assert [v.data for v in called.h + called.c] == [v.data for v in forwarded.h + forwarded.c]
    with pytest.raises(ValueError, match="LSTMCell input must have 2 entries"):
        cell.forward([1.0])


def test_states_can_be_given_as_numbers_pairs_or_lstm_states():
    cell = LSTMCell(1, 1, seed=2)
    from_numbers = cell(0.5, (0.1, -0.2))
    from_state = cell([0.5], LSTMState(from_numbers.h, from_numbers.c))
    again = cell(0.5, ([0.1], [-0.2]))
    assert from_numbers.h[0].data == again.h[0].data
    assert isinstance(from_state, LSTMState)
    assert cell(0.5).h[0].data == cell(0.5, (0.0, 0.0)).h[0].data  # default state is zeros


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda cell: cell([1.0]), ValueError, "LSTMCell input must have 2 entries, got 1"),
        (lambda cell: cell([1.0, 2.0], "state"), TypeError, "state must be a pair"),
        (lambda cell: cell([1.0, 2.0], ([0.0], [0.0, 0.0, 0.0])), ValueError, "state h must have 3 entries"),
        (lambda cell: run_lstm("cell", [1.0]), TypeError, "run_lstm needs an LSTMCell"),
        (lambda cell: run_lstm(cell, 5), TypeError, "run_lstm inputs must be a list"),
        (lambda cell: LSTMCell(0, 1), ValueError, "input_size must be at least 1"),
    ],
)
def test_bad_calls_are_refused_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call(LSTMCell(2, 3, seed=0))


def test_gradients_through_a_sequence_match_finite_differences():
    cell = LSTMCell(input_size=2, hidden_size=2, seed=3)
    inputs = [[0.5, -1.0], [1.0, 0.3], [-0.4, 0.9]]

    def loss_of(c: LSTMCell):
        states = run_lstm(c, inputs)
        return mse_loss([s.h for s in states], [[0.2, -0.1], [0.0, 0.4], [-0.3, 0.3]])

    check_parameter_gradients(cell, loss_of)


def test_rounding_the_fed_back_state_cuts_h_out_of_the_graph_but_not_c():
    cell = LSTMCell(1, 1, seed=4)
    for round_hidden, h_connected in ((False, True), (True, False)):
        first, second = run_lstm(cell, [1.0, 1.0], round_hidden=round_hidden)
        graph = set(topological_order(second.h[0]))
        assert (first.h[0] in graph) == h_connected
        assert first.c[0] in graph  # the memory cell is passed on as it is
