"""An LSTM cell as the usual gate diagram, and unrolled over a sequence, with the numbers of each step.

One step of [LSTMCell][nn.lstm.LSTMCell] (the equations are in [`nn.lstm`][nn.lstm])::

    c(t-1) ──(×)─────────(+)──────────────┬──▶ c(t)
              │ f         │ i·g          tanh
              │          (×)              │
              │         i│   │g    o ──▶ (×) ──▶ h(t)
          [forget]  [input] [candidate] [output]      each gate: its weights,
              └─────────┴─────┴──────────┘            z = W_h h + W_x x + b, its value
    h(t-1) ───────┴── x(t)

``draw_network(cell, inputs=x)`` draws that, with every weight, pre-activation
and gate value of the step written on it. ``draw_network(cell, inputs=[...])``
draws the cell unrolled: one box per step in a row (wrapping to stay within
``WIDTH_BUDGET``), each with its input, its gates and its new state, the memory
c and the visible state h flowing from box to box.

The numbers come from ``trace_step``, which runs the same ops as
``LSTMCell._compute``, so they are exactly the cell's (and ``run_lstm``'s).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from autograd import Value, dot
from nn._checks import as_input_vector, is_number, sequence
from nn.diagram.network import INK, MUTED, number_text
from nn.diagram.picture import Diagram
from nn.diagram.svg import LINE_HEIGHT, Box, Canvas, baseline_for_middle, text_width
from nn.lstm import LSTMCell, LSTMState

__all__ = ["WIDTH_BUDGET", "LSTMStep", "draw_lstm", "trace_sequence", "trace_step"]

WIDTH_BUDGET = 960.0
"""Widest a drawing is made (a notebook's output area): an unrolled cell wraps its
steps into rows, and a cell of several units writes its vectors with fewer digits."""

TEXT_SIZE = 11.0
TITLE_SIZE = 12.0
MARGIN = 16.0
LINE = TEXT_SIZE * LINE_HEIGHT

# gate letter in the library's parameter names -> (title, value's name, activation)
GATE_NAMES = {
    "f": ("forget gate", "f", "σ"),
    "i": ("input gate", "i", "σ"),
    "c": ("candidate", "g", "tanh"),
    "o": ("output gate", "o", "σ"),
}
CELL_LINE = "#ef6c00"  # the memory c: orange, as the line it runs along
HIDDEN_LINE = "#3949ab"  # the visible state h
GATE_FILL, GATE_STROKE = "#e8eaf6", "#3949ab"


@dataclass(frozen=True)
class LSTMStep:
    """The numbers of one step: the input and state before it, every gate, and the state after it.

    ``z[gate]`` are the pre-activations ``W_?h h + W_?x x + b_?`` of the gates
    ``f``, ``i``, ``o`` and of the candidate ``c``; ``gates`` their values
    (``g`` for the candidate's). ``h_next`` is what the next step reads: ``h``,
    or ``h`` rounded when the sequence was run with ``round_hidden``.
    """

    x: list[float]
    h_prev: list[float]
    c_prev: list[float]
    z: dict[str, list[float]]
    gates: dict[str, list[float]]
    kept: list[float]  # f * c(t-1): the memory the forget gate keeps
    written: list[float]  # i * g: what the input gate writes
    c: list[float]
    tanh_c: list[float]
    h: list[float]
    h_next: list[float]


def trace_step(cell: LSTMCell, x: Any, state: Any = None, *, round_hidden: bool = False) -> LSTMStep:
    """One step of ``cell`` from ``state`` (default zeros) with input ``x``, keeping every number.

    ``x`` and ``state`` are checked as ``cell(x, state)`` checks them.
    """
    xs = [Value(v.data) for v in as_input_vector(x, cell.input_size, "inputs")]
    checked = cell._checked_state(_as_state(state))
    h_prev, c_prev = [Value(v.data) for v in checked.h], [Value(v.data) for v in checked.c]
    hx = [*h_prev, *xs]
    units = range(cell.hidden_size)
    z = {
        gate: [
            dot([*getattr(cell, f"W_{gate}h")[j], *getattr(cell, f"W_{gate}x")[j]], hx)
            + getattr(cell, f"b_{gate}")[j]
            for j in units
        ]
        for gate in ("f", "i", "o", "c")
    }
    f, i, o = ([v.sigmoid() for v in z[gate]] for gate in ("f", "i", "o"))
    g = [v.tanh() for v in z["c"]]
    # the same products and sums, in the same order, as LSTMCell._compute
    kept = [f[j] * c_prev[j] for j in units]
    written = [i[j] * g[j] for j in units]
    c = [kept[j] + written[j] for j in units]
    tanh_c = [v.tanh() for v in c]
    h = [o[j] * tanh_c[j] for j in units]

    def numbers(values: list[Value]) -> list[float]:
        return [v.data for v in values]

    return LSTMStep(
        x=numbers(xs),
        h_prev=numbers(h_prev),
        c_prev=numbers(c_prev),
        z={gate: numbers(values) for gate, values in z.items()},
        gates={"f": numbers(f), "i": numbers(i), "o": numbers(o), "g": numbers(g)},
        kept=numbers(kept),
        written=numbers(written),
        c=numbers(c),
        tanh_c=numbers(tanh_c),
        h=numbers(h),
        h_next=[float(round(v)) for v in numbers(h)] if round_hidden else numbers(h),
    )


def trace_sequence(
    cell: LSTMCell, inputs: Sequence[Any], state: Any = None, *, round_hidden: bool = False
) -> list[LSTMStep]:
    """Every step of ``cell`` over ``inputs``, as ``run_lstm`` runs them (rounding h if asked)."""
    steps: list[LSTMStep] = []
    for x in inputs:
        step = trace_step(cell, x, state, round_hidden=round_hidden)
        steps.append(step)
        state = (step.h_next, step.c)
    return steps


def _as_state(state: Any) -> LSTMState | tuple[Any, Any] | None:
    """A state given as a pair of plain numbers (one hidden unit) or lists, as the cell accepts it."""
    if state is None or isinstance(state, LSTMState):
        return state
    if isinstance(state, list):
        state = tuple(state)
    return state


def draw_lstm(
    cell: LSTMCell,
    inputs: Any,
    *,
    state: Any = None,
    round_hidden: bool = False,
    unroll: bool | None = None,
    digits: int = 3,
    title: str = "",
) -> Diagram:
    """The gate diagram of one step, or the cell unrolled over a sequence (see the module doc)."""
    if inputs is None:
        inputs = [0.0] * cell.input_size if cell.input_size > 1 else 0.0
    if unroll is None:
        unroll = _is_sequence_of_steps(inputs, cell.input_size)
    if unroll:
        steps = trace_sequence(cell, sequence(inputs, "inputs"), state, round_hidden=round_hidden)
        if not steps:
            raise ValueError("inputs must hold at least one step to unroll the cell over")
        return _UnrolledDrawing(steps, digits, title, round_hidden).draw()
    if round_hidden:
        raise ValueError("round_hidden rounds h between the steps of a sequence; one step has none")
    step = trace_step(cell, inputs, state)
    for fewer in range(digits, 1, -1):  # vectors of several units are long: fewer digits until it fits
        diagram = _CellDrawing(cell, step, fewer, title).draw()
        if diagram.width <= WIDTH_BUDGET:
            return diagram
    return _CellDrawing(cell, step, min(digits, 2), title).draw()  # wide anyway: a browser scales it


def _is_sequence_of_steps(inputs: Any, input_size: int) -> bool:
    """Is ``inputs`` a sequence of step inputs (each a number, or ``input_size`` numbers)?

    For a cell of one input, a list is a sequence of steps (``[0, 0, 1]``); for
    more inputs, a list of lists is, and a flat list of numbers is one step.
    """
    if is_number(inputs) or isinstance(inputs, Value):
        return False
    items = sequence(inputs, "inputs")
    if input_size == 1:
        return True
    return any(not (is_number(item) or isinstance(item, Value)) for item in items)


def vector_text(values: list[float], digits: int) -> str:
    """One number as it is; a few in brackets: ``[0.5, −1, 0.25]``; more than three cut with ``…``."""
    if len(values) == 1:
        return number_text(values[0], digits)
    shown = [number_text(v, digits) for v in values[:3]]
    return "[" + ", ".join(shown) + (", …]" if len(values) > 3 else "]")


# ----------------------------------------------------------------------------
# One step: the gate diagram
# ----------------------------------------------------------------------------

GATE_ORDER = ("f", "i", "c", "o")  # left to right, as the gates meet the cell line


class _Places(NamedTuple):
    """Where the parts of the gate diagram go (x across, y down, in px)."""

    cell_y: float  # the memory line
    join_y: float  # the product i·g
    tanh_y: float  # the tanh of the new memory
    gate_top: float
    gate_bottom: float
    bus_y: float  # the line carrying h(t-1) and x(t) to the gates
    x_in: float  # where x(t) joins it
    plus_x: float  # the sum on the memory line, above the product i·g
    out_x: float  # the output branch, right of the output gate
    out_y: float  # where h(t) leaves
    tip: float  # where the arrows of c(t) and h(t) end


class _CellDrawing:
    """The gate diagram of one step (see the module doc), laid out at fixed coordinates."""

    GATE_GAP = 18.0
    CELL_Y = 40.0  # the memory line, below the top
    JOIN_Y = 124.0  # the input gate's product, below the top

    def __init__(self, cell: LSTMCell, step: LSTMStep, digits: int, title: str) -> None:
        self.cell, self.step, self.digits, self.title = cell, step, digits, title
        self.canvas = Canvas()
        self.top = MARGIN + (TITLE_SIZE * LINE_HEIGHT + 4 if title else 0)
        self.left = MARGIN + 70  # room for h(t-1) and c(t-1) on the left
        self.lines = {gate: self.gate_lines(gate) for gate in GATE_ORDER}
        widest = max(
            text_width(text, TEXT_SIZE, bold=bold) for lines in self.lines.values() for text, _, bold in lines
        )
        self.gate_width = max(142.0, widest + 16)

    def text(self, values: list[float]) -> str:
        return vector_text(values, self.digits)

    def gate_x(self, gate: str) -> float:
        """The centre of a gate's box."""
        k = GATE_ORDER.index(gate)
        return self.left + 40 + self.gate_width / 2 + k * (self.gate_width + self.GATE_GAP)

    def gate_lines(self, gate: str) -> list[tuple[str, str, bool]]:
        """The lines of a gate's box: (text, colour, bold): its weights, bias, input z and value."""
        title, name, activation = GATE_NAMES[gate]
        scalar = self.cell.hidden_size == 1 and self.cell.input_size == 1
        lines = [(title, INK, True), (f"{name} = {activation}(z_{gate})", MUTED, False)]
        for part in ("h", "x"):
            weight = getattr(self.cell, f"W_{gate}{part}")
            if scalar:  # the homework's cell: every weight is one number
                text = f"W_{gate}{part} = {number_text(weight[0][0].data, self.digits)}"
            else:
                text = f"W_{gate}{part}: {len(weight)} × {len(weight[0])}"
            lines.append((text, MUTED, False))
        bias = [b.data for b in getattr(self.cell, f"b_{gate}")]
        lines.append((f"b_{gate} = {self.text(bias)}", MUTED, False))
        lines.append((f"z_{gate} = {self.text(self.step.z[gate])}", INK, False))
        lines.append((f"{name} = {self.text(self.step.gates[name])}", GATE_STROKE, True))
        return lines

    def places(self) -> _Places:
        cell_y, join_y = self.top + self.CELL_Y, self.top + self.JOIN_Y
        gate_top = join_y + 70
        gate_bottom = gate_top + len(self.lines["f"]) * LINE + 10
        out_x = self.gate_x("o") + self.gate_width / 2 + 46
        return _Places(
            cell_y=cell_y,
            join_y=join_y,
            tanh_y=(cell_y + join_y) / 2 + 14,
            gate_top=gate_top,
            gate_bottom=gate_bottom,
            bus_y=gate_bottom + 34,
            x_in=self.left + 20,
            plus_x=(self.gate_x("i") + self.gate_x("c")) / 2,
            out_x=out_x,
            out_y=gate_top + 24,
            tip=out_x + 110,
        )

    def draw(self) -> Diagram:
        if self.title:
            self.canvas.text(
                MARGIN, MARGIN + TITLE_SIZE, self.title, size=TITLE_SIZE + 1, anchor="start", bold=True
            )
        at = self.places()
        self.draw_flow(at)
        for gate in GATE_ORDER:
            self.draw_gate(gate, at.gate_top, at.gate_bottom)
        self.draw_operations(at)
        self.draw_numbers(at)
        legend_y = at.bus_y + 40 + TEXT_SIZE * 2 + 24
        legend = "σ: sigmoid.  z = W_h·h(t−1) + W_x·x(t) + b for each gate.  "
        legend += "(t−1): before this step, (t): after it."
        self.canvas.text(MARGIN, legend_y, legend, size=TEXT_SIZE, anchor="start", color=MUTED)
        width = max(box.right for box in self.canvas.labels) + MARGIN
        height = legend_y + TEXT_SIZE * 0.24 + MARGIN
        description = f"LSTM cell, one step (input {self.cell.input_size}, hidden {self.cell.hidden_size})"
        svg = self.canvas.render(width, height, title=self.title or description, css_class="cg-lstm")
        return Diagram(svg, width, height, description)

    def draw_flow(self, at: _Places) -> None:
        """The lines: the memory c along the top, the gates' values up to where they act, h and x below."""
        canvas = self.canvas
        fx, ix, gx, ox = (self.gate_x(g) for g in GATE_ORDER)
        # the memory line c(t-1) -> (×) -> (+) -> c(t), and its branch down through tanh
        canvas.line(self.left, at.cell_y, fx - 12, at.cell_y, color=CELL_LINE, width=2.5)
        canvas.line(fx + 12, at.cell_y, at.plus_x - 12, at.cell_y, color=CELL_LINE, width=2.5)
        canvas.arrow(at.plus_x + 12, at.cell_y, at.tip, at.cell_y, color=CELL_LINE, width=2.5)
        canvas.line(at.out_x, at.cell_y, at.out_x, at.tanh_y - 11, color=CELL_LINE, width=1.5)
        canvas.arrow(at.out_x, at.tanh_y + 11, at.out_x, at.out_y - 12, color=CELL_LINE, width=1.5)
        # f to the forget product; i and g to their product, and that up to the sum; o to the output
        canvas.arrow(fx, at.gate_top, fx, at.cell_y + 12, color=GATE_STROKE)
        canvas.arrow(ix, at.gate_top, at.plus_x - 9, at.join_y + 9, color=GATE_STROKE)
        canvas.arrow(gx, at.gate_top, at.plus_x + 9, at.join_y + 9, color=GATE_STROKE)
        canvas.arrow(at.plus_x, at.join_y - 12, at.plus_x, at.cell_y + 12, color=GATE_STROKE)
        canvas.arrow(ox + self.gate_width / 2, at.out_y, at.out_x - 12, at.out_y, color=GATE_STROKE)
        canvas.arrow(at.out_x + 12, at.out_y, at.tip, at.out_y, color=HIDDEN_LINE, width=2.5)
        # h(t-1) and x(t) along the bottom, up into every gate
        canvas.line(self.left, at.bus_y, ox, at.bus_y, color=HIDDEN_LINE, width=2.0)
        canvas.line(at.x_in, at.bus_y + 40, at.x_in, at.bus_y, color=INK, width=2.0)
        canvas.circle(at.x_in, at.bus_y, 3.5, fill=INK, stroke=INK, width=1.0)  # x(t) joins h(t-1)
        for gate in GATE_ORDER:
            x = self.gate_x(gate)
            canvas.arrow(x, at.bus_y, x, at.gate_bottom, color=HIDDEN_LINE, width=1.5)

    def draw_operations(self, at: _Places) -> None:
        """The products (×), the sum (+) and the tanh where the lines meet."""
        canvas = self.canvas
        operations = [
            (self.gate_x("f"), at.cell_y, "×"),
            (at.plus_x, at.cell_y, "+"),
            (at.plus_x, at.join_y, "×"),
            (at.out_x, at.out_y, "×"),
        ]
        for x, y, sign in operations:
            canvas.circle(x, y, 11, fill="#fff", stroke=INK, width=1.5)
            canvas.text(x, baseline_for_middle(y, 14), sign, size=14, bold=True)
        tanh_box = Box(at.out_x - 22, at.tanh_y - 11, at.out_x + 22, at.tanh_y + 11)
        canvas.rect(tanh_box, fill="#fff3e0", stroke=CELL_LINE, reserve=True)
        canvas.text(at.out_x, baseline_for_middle(at.tanh_y, TEXT_SIZE), "tanh", size=TEXT_SIZE, bold=True)

    def draw_numbers(self, at: _Places) -> None:
        """The numbers of the step, each where it flows: the state in and out, and what meets on the way."""
        step, t = self.step, self.text

        def state(
            x: float, y: float, text: str, color: str, anchor: str = "start", size: float = TEXT_SIZE
        ) -> None:
            self.canvas.text(x, y, text, size=size, anchor=anchor, bold=True, color=color, css_class="state")

        def note(x: float, y: float, text: str, anchor: str = "start") -> None:
            self.canvas.text(x, y, text, size=TEXT_SIZE, anchor=anchor, color=MUTED)

        state(self.left - 6, at.cell_y - 8, f"c(t−1) = {t(step.c_prev)}", CELL_LINE)
        state(self.left - 6, at.bus_y - 8, f"h(t−1) = {t(step.h_prev)}", HIDDEN_LINE)
        state(at.x_in, at.bus_y + 42 + TEXT_SIZE, f"x(t) = {t(step.x)}", INK, anchor="middle")
        note(self.gate_x("f") + 16, at.cell_y - 10, f"f·c(t−1) = {t(step.kept)}")
        note(at.plus_x + 16, at.join_y + 4, f"i·g = {t(step.written)}")
        note(at.plus_x + 16, at.cell_y - 10, "c(t) = f·c(t−1) + i·g")
        note(
            at.out_x - 28, baseline_for_middle(at.tanh_y, TEXT_SIZE), f"tanh(c(t)) = {t(step.tanh_c)}", "end"
        )
        # the new state, along its arrow: c(t) above its line, h(t) below
        state(at.tip, at.cell_y - 8, f"c(t) = {t(step.c)}", CELL_LINE, anchor="end", size=TITLE_SIZE)
        state(at.out_x + 16, at.out_y + 8 + TITLE_SIZE, f"h(t) = {t(step.h)}", HIDDEN_LINE, size=TITLE_SIZE)
        note(at.out_x + 16, at.out_y + 12 + TITLE_SIZE + LINE, "= o·tanh(c(t))")

    def draw_gate(self, gate: str, top: float, bottom: float) -> None:
        """A gate's box, with its lines of text (see ``gate_lines``)."""
        x = self.gate_x(gate)
        box = Box(x - self.gate_width / 2, top, x + self.gate_width / 2, bottom)
        with self.canvas.group("gate", gate):
            self.canvas.rect(box, fill=GATE_FILL, stroke=GATE_STROKE, reserve=True)
            for k, (text, color, bold) in enumerate(self.lines[gate]):
                baseline = top + 8 + TEXT_SIZE * 0.93 + k * LINE
                self.canvas.text(x, baseline, text, size=TEXT_SIZE, color=color, bold=bold)


# ----------------------------------------------------------------------------
# A sequence: the cell unrolled
# ----------------------------------------------------------------------------


class _UnrolledDrawing:
    """One box per step, left to right, with c along the top and h along the bottom between them."""

    GAP = 24.0  # between two steps' boxes: room for the arrows carrying c and h
    ROW_GAP = 34.0

    def __init__(self, steps: list[LSTMStep], digits: int, title: str, rounded: bool) -> None:
        self.steps, self.digits, self.title, self.rounded = steps, digits, title, rounded
        self.canvas = Canvas()

    def lines(self, t: int, step: LSTMStep) -> list[tuple[str, str, bool]]:
        """The lines of step t's box: (text, colour, bold)."""

        def text(values: list[float]) -> str:
            return vector_text(values, self.digits)

        h = text(step.h)
        if self.rounded:
            h += f" → {text(step.h_next)}"
        return [
            (f"t = {t}", INK, True),
            (f"f = {text(step.gates['f'])}", MUTED, False),
            (f"i = {text(step.gates['i'])}", MUTED, False),
            (f"g = {text(step.gates['g'])}", MUTED, False),
            (f"o = {text(step.gates['o'])}", MUTED, False),
            (f"c = {text(step.c)}", CELL_LINE, False),
            (f"h = {h}", HIDDEN_LINE, False),
        ]

    def draw(self) -> Diagram:
        canvas = self.canvas
        every = [self.lines(t, step) for t, step in enumerate(self.steps)]
        widest = max(text_width(text, TEXT_SIZE, bold=bold) for lines in every for text, _, bold in lines)
        box_width, box_height = widest + 18, len(every[0]) * LINE + 12
        top = MARGIN + (TITLE_SIZE * LINE_HEIGHT + 6 if self.title else 0)
        if self.title:
            canvas.text(
                MARGIN, MARGIN + TITLE_SIZE, self.title, size=TITLE_SIZE + 1, anchor="start", bold=True
            )
        # room on the left for the state entering a row (any step may start one)
        left = MARGIN + max(text_width(text, TEXT_SIZE, bold=True) for text in self.start_texts()) + 14
        row_height = box_height + TEXT_SIZE * 2 + 30 + self.ROW_GAP
        # as many steps to a row as fit the budget: left + n boxes + (n - 1) gaps + the last arrow
        per_row = max(1, int((WIDTH_BUDGET - left - 22 - MARGIN + self.GAP) // (box_width + self.GAP)))
        for t, (step, lines) in enumerate(zip(self.steps, every)):
            row, place = divmod(t, per_row)
            x, y = left + place * (box_width + self.GAP), top + row * row_height
            last_in_row = place == per_row - 1 or t == len(self.steps) - 1
            self.draw_step(t, step, lines, Box(x, y, x + box_width, y + box_height), place == 0, last_in_row)
        rows = (len(self.steps) - 1) // per_row + 1
        legend_y = top + rows * row_height - self.ROW_GAP + 10
        notes = "f, i, o: the gates;  g: the candidate;  c: the memory;  h: the visible state"
        if self.rounded:
            notes += ";  h → n: h rounded before the next step"
        canvas.text(MARGIN, legend_y, notes, size=TEXT_SIZE, anchor="start", color=MUTED)
        width = max(box.right for box in canvas.labels + canvas.obstacles) + 22 + MARGIN
        height = legend_y + TEXT_SIZE * 0.24 + MARGIN
        description = f"LSTM cell unrolled over {len(self.steps)} steps"
        svg = canvas.render(width, height, title=self.title or description, css_class="cg-lstm")
        return Diagram(svg, width, height, description)

    def start_texts(self) -> list[str]:
        """What may be written before a row: the state c and h entering each step."""
        texts = []
        for step in self.steps:
            texts += [f"c = {self.text(step.c_prev)}", f"h = {self.text(step.h_prev)}"]
        return texts

    def text(self, values: list[float]) -> str:
        return vector_text(values, self.digits)

    def draw_step(
        self, t: int, step: LSTMStep, lines: list[tuple[str, str, bool]], box: Box, first: bool, last: bool
    ) -> None:
        """Step t's box, the state arrows into it (and out, at the end of a row), and its input below."""
        canvas = self.canvas
        c_y, h_y = box.top + LINE * 5.5 + 6, box.top + LINE * 6.5 + 6  # level with the box's c and h lines
        into = box.left - (14 if first else self.GAP)
        canvas.arrow(into, c_y, box.left, c_y, color=CELL_LINE, width=2.0)
        canvas.arrow(into, h_y, box.left, h_y, color=HIDDEN_LINE, width=2.0)
        if first:  # the state entering the row: the initial one, or where the last row ended
            for y, text, color in (
                (c_y, f"c = {self.text(step.c_prev)}", CELL_LINE),
                (h_y, f"h = {self.text(step.h_prev)}", HIDDEN_LINE),
            ):
                canvas.text(
                    box.left - 18,
                    baseline_for_middle(y, TEXT_SIZE),
                    text,
                    size=TEXT_SIZE,
                    anchor="end",
                    bold=True,
                    color=color,
                )
        if last:
            canvas.arrow(box.right, c_y, box.right + 22, c_y, color=CELL_LINE, width=2.0)
            canvas.arrow(box.right, h_y, box.right + 22, h_y, color=HIDDEN_LINE, width=2.0)
        middle = (box.left + box.right) / 2
        canvas.arrow(middle, box.bottom + 14, middle, box.bottom, color=INK)
        x_text = f"x = {self.text(step.x)}"
        canvas.text(middle, box.bottom + 20 + TEXT_SIZE, x_text, size=TEXT_SIZE, bold=True, css_class="state")
        with canvas.group("step", f"t{t}"):
            canvas.rect(box, fill=GATE_FILL, stroke=GATE_STROKE, reserve=True)
            for k, (text, color, bold) in enumerate(lines):
                baseline = box.top + 6 + TEXT_SIZE * 0.93 + k * LINE
                canvas.text(
                    box.left + 9, baseline, text, size=TEXT_SIZE, anchor="start", color=color, bold=bold
                )
