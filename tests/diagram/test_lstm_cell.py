"""The LSTM cell's diagrams: one step as the gate diagram, a sequence unrolled, with the homework's numbers.

The homework's cell (seeds 000 and 001) and its answer key are written here as
data; one step's gates are worked out by hand from the gate equations.
"""

from __future__ import annotations

import math

import pytest

from autograd import Value
from nn import LSTMCell, draw_network, run_lstm
from nn.diagram.lstm_cell import WIDTH_BUDGET, trace_sequence, trace_step
from tests.diagram.svg_reading import count, groups, minus, parse, strings

HOMEWORK_WEIGHTS = {
    "W_fh": 0, "W_fx": 0, "b_f": -100, "W_ch": -100,
    "W_ih": 0, "W_ix": 100, "b_i": 100, "W_cx": 50,
    "W_oh": 0, "W_ox": 100, "b_o": 0, "b_c": 0,
}  # fmt: skip
# the answer key: h after every step, rounded to the nearest integer as the homework does
SEQUENCES = {(0, 0, 1, 1, 1, 0): (0, 0, 1, -1, 1, 0), (1, 1, 0, 1, 1): (1, -1, 0, 1, -1)}


def homework_cell() -> LSTMCell:
    cell = LSTMCell(1, 1, seed=0)
    cell.set(**HOMEWORK_WEIGHTS)
    return cell


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_one_step_shows_every_gate_with_its_weights_and_numbers():
    # by hand, x = 1 from h = c = 0: z_f = -100, z_i = 100 + 100 = 200, z_o = 100, z_c = 50;
    # c = f*0 + i*tanh(50) = 1 (to double precision), h = o * tanh(c) = tanh(1)
    svg = draw_network(homework_cell(), inputs=1.0, state=(0.0, 0.0), digits=4).svg
    shown = strings(svg)
    assert sorted(groups(svg, "gate")) == ["c", "f", "i", "o"]
    for title in ["forget gate", "input gate", "candidate", "output gate", "tanh"]:
        assert title in shown
    for name, value in HOMEWORK_WEIGHTS.items():
        assert f"{name} = {minus(str(value))}" in shown, name
    for text in ["z_f = −100", "z_i = 200", "z_o = 100", "z_c = 50", "i = 1", "o = 1", "g = 1"]:
        assert text in shown, text
    assert f"f = {minus(f'{sigmoid(-100):.4g}')}" in shown  # 3.72e-44: shut, not 0
    assert "c(t) = 1" in shown and f"h(t) = {math.tanh(1):.4g}" in shown  # 0.7616
    assert "c(t−1) = 0" in shown and "h(t−1) = 0" in shown and "x(t) = 1" in shown
    assert "i·g = 1" in shown and "f·c(t−1) = 0" in shown


def test_the_step_traced_is_the_step_the_cell_takes():
    cell = LSTMCell(2, 3, seed=5)
    x, h, c = [0.3, -1.2], [0.1, 0.2, -0.4], [0.5, -0.5, 2.0]
    step = trace_step(cell, x, (h, c))
    state = cell(x, (h, c))
    assert step.h == [v.data for v in state.h] and step.c == [v.data for v in state.c]  # exactly


@pytest.mark.parametrize("inputs", list(SEQUENCES))
def test_the_unrolled_cell_shows_the_homeworks_visible_states(inputs):
    steps = trace_sequence(homework_cell(), list(inputs), round_hidden=True)
    assert tuple(round(s.h[0]) for s in steps) == SEQUENCES[inputs]
    # the same run as run_lstm's, step by step
    states = run_lstm(homework_cell(), list(inputs), round_hidden=True)
    assert [s.h for s in steps] == [[v.data for v in state.h] for state in states]
    diagram = draw_network(homework_cell(), inputs=list(inputs), round_hidden=True)
    shown = strings(diagram.svg)
    assert sorted(groups(diagram.svg, "step")) == sorted(f"t{t}" for t in range(len(inputs)))
    assert [s for s in shown if s.startswith("t = ")] == [f"t = {t}" for t in range(len(inputs))]
    assert [s for s in shown if s.startswith("x = ")] == [f"x = {x}" for x in inputs]
    rounded = [s.rsplit("→ ", 1)[1] for s in shown if s.startswith("h = ") and "→" in s]
    assert rounded == [minus(str(h)) for h in SEQUENCES[inputs]]
    assert diagram.width <= WIDTH_BUDGET + 40  # one row: the six steps of the homework fit a notebook


def test_a_long_sequence_wraps_into_rows_within_the_width():
    diagram = draw_network(homework_cell(), inputs=[0, 1] * 8)
    assert diagram.width <= 1000
    assert count(diagram.svg, "rect") >= 16 and "t = 15" in strings(diagram.svg)


def test_a_cell_of_several_units_writes_vectors():
    cell = LSTMCell(2, 3, seed=0)
    shown = strings(draw_network(cell, inputs=[0.5, -1.0]).svg)
    assert "W_fh: 3 × 3" in shown and "W_fx: 3 × 2" in shown
    assert any(s.startswith("h(t) = [") for s in shown)
    unrolled = strings(draw_network(cell, inputs=[[0.5, -1.0], [1.0, 0.0]]).svg)
    assert "t = 1" in unrolled and "x = [1, 0]" in unrolled  # a list of lists: two steps


def test_what_is_a_step_and_what_is_a_sequence():
    cell = homework_cell()
    assert "forget gate" in strings(draw_network(cell, inputs=0.0).svg)  # a number: one step
    assert "forget gate" in strings(draw_network(cell, inputs=Value(1.0)).svg)
    assert "t = 0" in strings(draw_network(cell, inputs=[1.0]).svg)  # a list: a sequence
    assert "forget gate" in strings(draw_network(cell, inputs=[1.0], unroll=False).svg)
    assert "forget gate" in strings(draw_network(cell).svg)  # no input: one step from 0
    two = LSTMCell(2, 1, seed=0)
    assert "forget gate" in strings(draw_network(two, inputs=[1.0, 2.0]).svg)  # one step of 2 numbers


def test_bad_input_is_refused_clearly():
    cell = homework_cell()
    with pytest.raises(ValueError, match="inputs must have 1 entries, got 2"):
        draw_network(cell, inputs=[[1, 2]])
    with pytest.raises(ValueError, match="at least one step"):
        draw_network(cell, inputs=[])
    with pytest.raises(ValueError, match="round_hidden rounds h between the steps"):
        draw_network(cell, inputs=1.0, round_hidden=True)
    with pytest.raises(TypeError, match="state must be a pair"):
        draw_network(cell, inputs=1.0, state=0.0)
    with pytest.raises(ValueError, match="grads, output, output_names and symbols draw networks"):
        draw_network(cell, output="softmax")


def test_the_same_cell_gives_the_same_svg_and_it_is_well_formed():
    first = draw_network(homework_cell(), inputs=[0, 0, 1, 1, 1, 0], round_hidden=True, title="<b>&")
    again = draw_network(homework_cell(), inputs=[0, 0, 1, 1, 1, 0], round_hidden=True, title="<b>&")
    assert first.svg == again.svg
    parse(first.svg)
    assert "<b>" not in first.svg and "&lt;b&gt;&amp;" in first.svg
