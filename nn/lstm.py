"""A long short-term memory (LSTM) cell, with the seed homework's gate equations.

Given the input x_t and the previous visible state h_{t-1} and memory cell c_{t-1}::

    f_t = sigmoid(W_fh h_{t-1} + W_fx x_t + b_f)      forget gate: how much of c_{t-1} to keep
    i_t = sigmoid(W_ih h_{t-1} + W_ix x_t + b_i)      input gate: how much new content to write
    o_t = sigmoid(W_oh h_{t-1} + W_ox x_t + b_o)      output gate: how much of the cell to show
    c_t = f_t * c_{t-1} + i_t * tanh(W_ch h_{t-1} + W_cx x_t + b_c)
    h_t = o_t * tanh(c_t)

``*`` is element-wise. With ``hidden_size`` H and ``input_size`` I, each ``W_?h`` is H x H,
each ``W_?x`` is H x I and each ``b_?`` has H entries; the homework's cell has H = I = 1,
so every parameter is a single number. Parameters are named ``W_fh.j.k`` (row j, column k)
and ``b_f.j``, and can be set by their homework names with [`LSTMCell.set`][nn.lstm.LSTMCell.set].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from autograd import Value, dot
from nn._checks import as_input_vector, finite_number, is_number, positive_int, require_keys, sequence
from nn.init import Seed, fan_in_bound, make_rng, uniform_values
from nn.module import Module
from nn.serialize import savable

GATES = ("f", "i", "o", "c")  # forget, input, output, cell candidate


class LSTMState(NamedTuple):
    """The recurrent state after a step: visible state h and memory cell c (lists of Values)."""

    h: list[Value]
    c: list[Value]


@savable
class LSTMCell(Module):
    """One LSTM step: ``cell(x, state) -> LSTMState(h, c)`` (equations in the module doc).

    ``state`` defaults to h = c = 0. For a cell with one input or one hidden unit, plain
    numbers or Values are accepted where a one-entry list is expected.
    """

    def __init__(self, input_size: int = 1, hidden_size: int = 1, *, seed: Seed = None) -> None:
        inputs, hidden = positive_int(input_size, "input_size"), positive_int(hidden_size, "hidden_size")
        rng, bound = make_rng(seed), fan_in_bound(hidden)  # PyTorch's bound for LSTMs: 1/sqrt(H)

        def matrix(columns: int) -> list[list[Value]]:
            return [uniform_values(rng, columns, bound) for _ in range(hidden)]

        self.W_fh, self.W_fx, self.b_f = matrix(hidden), matrix(inputs), uniform_values(rng, hidden, bound)
        self.W_ih, self.W_ix, self.b_i = matrix(hidden), matrix(inputs), uniform_values(rng, hidden, bound)
        self.W_oh, self.W_ox, self.b_o = matrix(hidden), matrix(inputs), uniform_values(rng, hidden, bound)
        self.W_ch, self.W_cx, self.b_c = matrix(hidden), matrix(inputs), uniform_values(rng, hidden, bound)
        self._label_parameters()

    @property
    def input_size(self) -> int:
        return len(self.W_fx[0])

    @property
    def hidden_size(self) -> int:
        return len(self.b_f)

    def set(self, **parameters: Any) -> None:
        """Set parameters by name, e.g. ``cell.set(W_fh=0, W_fx=0, b_f=-100)``.

        A ``W_?h`` takes H rows of H numbers, a ``W_?x`` H rows of I numbers, a ``b_?``
        H numbers; a plain number is accepted for a 1 x 1 matrix or a one-entry vector.
        Everything is checked before anything changes.
        """
        planned: list[tuple[Value, float]] = []
        for name, given in parameters.items():
            if name not in self._shapes():
                known = ", ".join(self._shapes())
                raise ValueError(f"LSTMCell has no parameter {name!r}; its parameters are {known}")
            targets = _flatten(getattr(self, name))
            numbers = _numbers_for(given, self._shapes()[name], name)
            planned.extend(zip(targets, numbers))
        for parameter, number in planned:
            parameter.data = number

    def _shapes(self) -> dict[str, tuple[int, ...]]:
        hidden, inputs = self.hidden_size, self.input_size
        shapes: dict[str, tuple[int, ...]] = {}
        for gate in GATES:
            shapes[f"W_{gate}h"] = (hidden, hidden)
            shapes[f"W_{gate}x"] = (hidden, inputs)
            shapes[f"b_{gate}"] = (hidden,)
        return shapes

    def forward(self, x: Any, state: LSTMState | tuple[Any, Any] | None = None) -> LSTMState:
        """One step from ``state`` (default zeros) with input ``x``."""
        xs = as_input_vector(x, self.input_size, "LSTMCell input")
        return self._compute(xs, self._checked_state(state))

    def _checked_state(self, state: LSTMState | tuple[Any, Any] | None) -> LSTMState:
        """``state`` as two lists of ``hidden_size`` Values (zeros when it is None)."""
        if state is None:
            h0 = [Value(0.0) for _ in range(self.hidden_size)]
            c0 = [Value(0.0) for _ in range(self.hidden_size)]
            return LSTMState(h0, c0)
        if not isinstance(state, tuple) or len(state) != 2:
            raise TypeError(f"state must be a pair (h, c) or an LSTMState, got {type(state).__name__}")
        h = as_input_vector(state[0], self.hidden_size, "LSTMCell state h")
        c = as_input_vector(state[1], self.hidden_size, "LSTMCell state c")
        return LSTMState(h, c)

    def _compute(self, x: list[Value], state: LSTMState) -> LSTMState:
        """The gate equations, for an input and a state already given as lists of Values."""
        h_prev, c_prev = state
        hx = [*h_prev, *x]

        def gate(W_h: list[list[Value]], W_x: list[list[Value]], b: list[Value], j: int) -> Value:
            # unit j's pre-activation W_h[j] . h + W_x[j] . x + b[j], as one dot node
            return dot([*W_h[j], *W_x[j]], hx) + b[j]

        units = range(self.hidden_size)
        f = [gate(self.W_fh, self.W_fx, self.b_f, j).sigmoid() for j in units]
        i = [gate(self.W_ih, self.W_ix, self.b_i, j).sigmoid() for j in units]
        o = [gate(self.W_oh, self.W_ox, self.b_o, j).sigmoid() for j in units]
        candidate = [gate(self.W_ch, self.W_cx, self.b_c, j).tanh() for j in units]
        c = [f[j] * c_prev[j] + i[j] * candidate[j] for j in units]
        h = [o[j] * c[j].tanh() for j in units]
        return LSTMState(h, c)

    def parameter_groups(self) -> dict[str, list[Value]]:
        """One group per gate (and the cell candidate), for boxed drawings."""
        names = {"f": "forget gate", "i": "input gate", "o": "output gate", "c": "cell candidate"}
        groups: dict[str, list[Value]] = {}
        for g in GATES:
            parts = (getattr(self, f"W_{g}h"), getattr(self, f"W_{g}x"), getattr(self, f"b_{g}"))
            groups[names[g]] = [p for part in parts for p in _flatten(part)]
        return groups

    def __repr__(self) -> str:
        return f"LSTMCell(input_size={self.input_size}, hidden_size={self.hidden_size})"

    def _repr_html_(self) -> str | None:
        """In Jupyter, a cell shows its gate diagram (see [`nn.diagram`][nn.diagram])."""
        from nn.diagram.draw import model_html  # a layer above the models: loaded when first shown

        return model_html(self)

    def config(self) -> dict[str, Any]:
        return {"input_size": self.input_size, "hidden_size": self.hidden_size}

    @classmethod
    def check_config(cls, config: dict[str, Any]) -> int:
        require_keys(config, ("input_size", "hidden_size"), "LSTMCell config")
        inputs = positive_int(config["input_size"], "LSTMCell config input_size")
        hidden = positive_int(config["hidden_size"], "LSTMCell config hidden_size")
        return len(GATES) * hidden * (hidden + inputs + 1)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LSTMCell:
        return cls(config["input_size"], config["hidden_size"], seed=0)

    def to_torch(self) -> Any:
        """This cell as a ``torch.nn.LSTMCell`` in float64, called as ``h, c = tm(x, (h, c))``.

        Same weights, gate blocks in torch's order i, f, g, o (see [`nn.torch_export`][]).
        """
        from nn.torch_export import to_torch  # PyTorch is optional: loaded only when asked for

        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any) -> LSTMCell:
        """The cell that a ``torch.nn.LSTMCell`` computes; each bias is ``bias_ih + bias_hh``."""
        from nn.torch_export import lstm_cell_from_torch

        return lstm_cell_from_torch(module)


def run_lstm(
    cell: LSTMCell, inputs: Sequence[Any], state: LSTMState | None = None, *, round_hidden: bool = False
) -> list[LSTMState]:
    """Run ``cell`` over a sequence of inputs; return the state after every step.

    With ``round_hidden=True`` the visible state is rounded to the nearest integer before
    it is fed into the next step, as in the seed homework (the returned states keep the
    cell's unrounded h). Rounding is flat almost everywhere, so no gradient flows back
    through a rounded h; the memory cell c is passed on as it is.
    """
    if not isinstance(cell, LSTMCell):
        raise TypeError(f"run_lstm needs an LSTMCell, got {type(cell).__name__}")
    states = []
    for x in sequence(inputs, "run_lstm inputs"):
        step = cell(x, state)
        states.append(step)
        state = LSTMState([Value(float(round(v.data))) for v in step.h], step.c) if round_hidden else step
    return states


def _flatten(parameter: list[Any]) -> list[Value]:
    return [v for row in parameter for v in row] if isinstance(parameter[0], list) else list(parameter)


def _numbers_for(given: Any, shape: tuple[int, ...], name: str) -> list[float]:
    """The numbers in ``given`` in row order, after checking they have ``shape``."""
    if is_number(given) and all(size == 1 for size in shape):
        return [finite_number(given, name)]
    rows = sequence(given, name)
    if len(rows) != shape[0]:
        unit = "rows" if len(shape) == 2 else "entries"
        raise ValueError(f"{name} needs {shape[0]} {unit}, got {len(rows)}")
    if len(shape) == 1:
        return [finite_number(x, f"{name}[{j}]") for j, x in enumerate(rows)]
    numbers: list[float] = []
    for j, row in enumerate(rows):
        if is_number(row) and shape[1] == 1:
            row = [row]
        row = sequence(row, f"{name}[{j}]")
        if len(row) != shape[1]:
            raise ValueError(f"{name}[{j}] needs {shape[1]} entries, got {len(row)}")
        numbers.extend(finite_number(x, f"{name}[{j}][{k}]") for k, x in enumerate(row))
    return numbers
