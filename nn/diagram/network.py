"""The architecture diagram of a fully connected network, drawn the way a textbook draws it.

Inputs on the left, then one column per layer; every neuron is a circle named
like the homework (``h1.1`` is neuron 1 of hidden layer 1, ``y1`` an output),
and every weight is an arrow from the neuron it reads to the neuron it feeds::

    x1 ──0.53──▶ (h1.1) ──▶ ...      a neuron computes  z = Σ_i w_i x_i + b,  a = f(z)
    x2 ──-1.2──▶

* an arrow's colour is the sign of its weight (blue +, red −, grey 0) and its
  width grows with the weight's size; the number is written on it;
* each neuron's bias is written above it (``b = −1``); a layer's activation f
  is written once, in the layer's heading;
* with numbers (``inputs=``) each neuron shows ``z`` and ``f(z)`` below it; with
  gradients, each weight's ``∂C/∂w`` (``∇``) under its value and each neuron's
  ``δ = ∂C/∂z``;
* ``output="softmax"``: the last layer's activations go through a softmax box
  to the outputs ``o1, o2, ...``;
* a layer of more than ``MAX_SHOWN`` neurons shows its first ``SHOW_FIRST``
  and last ``SHOW_LAST``, and "… +N more" between them.

How labels stay apart: nodes and their texts are placed first, at fixed
coordinates; then each weight's label looks for a free spot along its own
arrow, near the target end first, preferring spots no other arrow crosses
(``place_weight_labels``). When some label finds none, the whole drawing is
laid out again with wider gaps between the columns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nn.diagram.numbers import activation_title
from nn.diagram.svg import (
    ASCENT,
    DESCENT,
    LINE_HEIGHT,
    Box,
    Canvas,
    baseline_for_middle,
    text_box,
    text_width,
)
from nn.layers import Layer

__all__ = [
    "MAX_SHOWN",
    "SHOW_FIRST",
    "SHOW_LAST",
    "NetworkNumbers",
    "NetworkStyle",
    "Placed",
    "number_text",
    "render_network",
    "shown_indices",
]

MAX_SHOWN = 8
"""Layers up to this many neurons (and up to this many inputs) are drawn whole."""
SHOW_FIRST = 4
SHOW_LAST = 3
"""A wider layer shows its first ``SHOW_FIRST`` and last ``SHOW_LAST`` neurons, "… +N more" between."""

# Sizes in px. No text is smaller than 11 px, so a diagram shrunk to 82% (1,220 px
# into a 1,000 px window) still shows every text at 9 px or more.
NAME_SIZE = 12.0
TEXT_SIZE = 11.0
HEADER_SIZE = 12.0
RADIUS = 21.0
MARGIN = 16.0
FIRST_GAP = 150.0  # between columns, before labels ask for more room
GAP_STEP = 30.0
MAX_GAP = 420.0
TWO_LINE_EXTRA = 24.0  # more room between neurons when weight labels have two lines
WIDTH_BUDGET = 960.0  # a notebook's output area is about this wide: wider gaps stop here

POSITIVE = "#1565c0"  # blue, as the computation graph's arrows
NEGATIVE = "#c62828"  # red
ZERO = "#9e9e9e"
GRADIENT = "#6a1b9a"  # purple: everything backward computed (∇, δ)
INK = "#222"
MUTED = "#555"
FILLS = {"input": ("#f5f5f5", "#616161"), "hidden": ("#e8eaf6", "#3949ab"), "output": ("#e8f5e9", "#2e7d32")}


def number_text(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant digits, with a real minus sign: ``-0.5312`` -> ``−0.531``.

    Negative zero is written 0 (a learner should not wonder what "−0" means).
    """
    if x == 0:
        return "0"
    return f"{x:.{digits}g}".replace("-", "−")


def input_names(style: NetworkStyle, count: int) -> list[str]:
    """The names of ``count`` inputs: those the style gives, then ``x1, x2, ...`` for the rest."""
    names = list(style.input_names)
    return names + [f"x{i + 1}" for i in range(len(names), count)]


def neuron_name(column: int, index: int, layers: int) -> str:
    """``h1.2`` for neuron 2 of hidden layer 1; ``y2`` for output neuron 2 (names count from 1).

    ``column`` is the layer's number counted from 1 (column 0 holds the inputs);
    ``layers`` is how many layers there are, so that the last one's neurons are outputs.
    """
    return f"y{index + 1}" if column == layers else f"h{column}.{index + 1}"


def sign_color(x: float) -> str:
    """Blue for a positive number, red for a negative one, grey for zero."""
    return POSITIVE if x > 0 else NEGATIVE if x < 0 else ZERO


def shown_indices(count: int) -> list[int | None]:
    """Which of ``count`` neurons are drawn, in order; None is the "… +N more" slot."""
    if count <= MAX_SHOWN:
        return list(range(count))
    return [*range(SHOW_FIRST), None, *range(count - SHOW_LAST, count)]


@dataclass(frozen=True)
class NetworkNumbers:
    """What a diagram writes besides the weights and biases; every part is optional.

    Lists are indexed ``[layer][neuron]`` (layers from 0), and ``weight_grads``
    ``[layer][neuron][input]``, as ``layer.neurons[j].w[i]``.
    """

    inputs: list[float] | None = None
    z: list[list[float]] | None = None
    a: list[list[float]] | None = None
    outputs: list[float] | None = None  # after the output transform (softmax)
    deltas: list[list[float]] | None = None  # ∂C/∂z of each neuron
    weight_grads: list[list[list[float]]] | None = None  # ∂C/∂w of each weight
    loss: float | None = None  # C, drawn after the outputs (the replay)
    loss_notes: tuple[str, ...] = ()  # lines under "C = 0.2884": its formula, the targets
    loss_reads: tuple[int, ...] | None = None  # the outputs the loss depends on (None: all of them)


@dataclass(frozen=True)
class NetworkStyle:
    """How a diagram names and writes things (the options of ``draw_network``)."""

    digits: int = 3
    output: str | None = None
    input_names: Sequence[str] = ()
    output_names: Sequence[str] = ()
    symbols: Sequence[str] = ()  # the pre-activation's letter in each layer: ("z", "u") in the homework
    title: str = ""
    reveal: bool = False  # tag the texts backward computes, for a replay to show one at a time


@dataclass
class Placed:
    """The drawing, its size, and how it came out (for the choice between attempts, and the tests)."""

    svg: str
    width: float
    height: float
    label_boxes: list[Box] = field(default_factory=list)
    gap: float = FIRST_GAP
    crossings: int = 0  # how many times an arrow passes under another arrow's label


class _NoRoomError(Exception):
    """A weight's label found no free place along its arrow: the columns must move apart."""


def render_network(layers: Sequence[Layer], numbers: NetworkNumbers, style: NetworkStyle) -> Placed:
    """Draw ``layers`` with ``numbers`` on them, as clearly as fits ``WIDTH_BUDGET``.

    The columns move apart, ``GAP_STEP`` at a time, until every weight's label
    has a place of its own and no arrow passes under another's label, or the
    drawing would grow wider than ``WIDTH_BUDGET``; the clearest attempt wins
    (fewest arrows under labels, then the narrowest).
    """
    best: Placed | None = None
    gap = FIRST_GAP
    while gap <= MAX_GAP:
        try:
            placed = _NetworkDrawing(layers, numbers, style, gap).draw()
        except _NoRoomError:
            gap += GAP_STEP
            continue
        if best is not None and placed.width > WIDTH_BUDGET:
            break
        if best is None or placed.crossings < best.crossings:
            best = placed
        if best.crossings == 0 or placed.width > WIDTH_BUDGET:
            break
        gap += GAP_STEP
    if best is None:  # too crowded to keep every label apart: draw anyway, labels where they fit best
        best = _NetworkDrawing(layers, numbers, style, MAX_GAP, crowded=True).draw()
    return best


# ----------------------------------------------------------------------------
# One attempt at a drawing, with a given gap between columns
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """A circle: input i (column 0) or neuron j of layer ``column - 1``; ``index`` None is "… +N more"."""

    column: int
    index: int | None
    x: float
    y: float

    @property
    def key(self) -> str:
        """``n0.1`` for input 1 (counted from 0), ``n2.3`` for neuron 3 of layer 2 (layers from 1)."""
        return f"n{self.column}.{self.index}"


class _NetworkDrawing:
    """Lays out and draws one diagram (see the module doc), or raises ``_NoRoomError``."""

    def __init__(
        self,
        layers: Sequence[Layer],
        numbers: NetworkNumbers,
        style: NetworkStyle,
        gap: float,
        crowded: bool = False,
    ) -> None:
        self.layers = list(layers)
        self.numbers = numbers
        self.style = style
        self.gap = gap
        self.crowded = crowded
        self.canvas = Canvas()
        self.sizes = [layers[0].nin] + [layer.nout for layer in layers]
        self.line = TEXT_SIZE * LINE_HEIGHT

    # -- the plan ----------------------------------------------------------------

    def card_lines(self) -> int:
        """How many lines of numbers each neuron has under its circle."""
        lines = 0
        if self.numbers.z is not None:
            lines += 2  # z and f(z)
        if self.numbers.deltas is not None:
            lines += 1
        return lines

    def slot_height(self) -> float:
        """Vertical room for one neuron: its bias above, the circle, its card below, and a gap.

        Two-line weight labels (value and gradient) get more: arrows into one neuron
        then fan out more, leaving room between them for their labels.
        """
        extra = TWO_LINE_EXTRA if self.numbers.weight_grads is not None else 0.0
        return self.line + 4 + 2 * RADIUS + 4 + self.card_lines() * self.line + 12 + extra

    def title_lines(self) -> int:
        return 1 if self.style.title else 0

    def header_top(self) -> float:
        return MARGIN + self.title_lines() * (HEADER_SIZE + 6) * LINE_HEIGHT

    def content_top(self) -> float:
        return self.header_top() + 2 * HEADER_SIZE * LINE_HEIGHT + 10

    def left_room(self) -> float:
        """Room left of the input circles for input names too long to fit inside them."""
        widest = max(
            (text_width(n, NAME_SIZE) for n in self.input_names() if not self.fits_circle(n)), default=0
        )
        return widest + 8 if widest else 0.0

    def column_x(self, column: int) -> float:
        return MARGIN + self.left_room() + max(RADIUS, self.first_column_half_width()) + column * self.gap

    def first_column_half_width(self) -> float:
        """Half the widest text of the input column (its heading), so that it stays on the page."""
        return text_width("inputs", HEADER_SIZE, bold=True) / 2

    def nodes(self) -> list[list[_Node]]:
        """Every circle, column by column, centred vertically on the tallest column."""
        slot = self.slot_height()
        tallest = max(len(shown_indices(size)) for size in self.sizes) * slot
        columns = []
        for column, size in enumerate(self.sizes):
            indices = shown_indices(size)
            top = self.content_top() + (tallest - len(indices) * slot) / 2
            circle_y = self.line + 4 + RADIUS  # the bias line sits above the circle
            columns.append(
                [
                    _Node(column, index, self.column_x(column), top + k * slot + circle_y)
                    for k, index in enumerate(indices)
                ]
            )
        return columns

    # -- names and texts ----------------------------------------------------------

    def input_names(self) -> list[str]:
        return input_names(self.style, self.sizes[0])

    def neuron_name(self, column: int, index: int) -> str:
        return neuron_name(column, index, len(self.layers))

    def output_names(self) -> list[str]:
        names = list(self.style.output_names)
        return names + [f"o{k + 1}" for k in range(len(names), self.sizes[-1])]

    def symbol(self, layer: int) -> str:
        """The pre-activation's letter in ``layer`` (from 0): ``z`` unless the style names another."""
        symbols = list(self.style.symbols)
        return symbols[layer] if layer < len(symbols) else "z"

    def fits_circle(self, name: str) -> bool:
        return _font_inside(name, bold=False) is not None

    def digits(self, x: float) -> str:
        return number_text(x, self.style.digits)

    # -- drawing -------------------------------------------------------------------

    def draw(self) -> Placed:
        columns = self.nodes()
        self.draw_headers(columns)
        arrows = self.draw_arrows(columns)
        for column in columns:
            for node in column:
                self.draw_node(node)
        right = self.draw_output(columns[-1])
        crossings = self.place_weight_labels(arrows)
        bottom = max(box.bottom for box in self.canvas.labels + self.canvas.obstacles)
        width = max(right, max(box.right for box in self.canvas.labels)) + MARGIN
        bottom = self.draw_legend(bottom + 14, width)
        height = bottom + MARGIN
        svg = self.canvas.render(width, height, title=self.description(), css_class="cg-network")
        return Placed(svg, width, height, list(self.canvas.labels), self.gap, crossings)

    def description(self) -> str:
        sizes = " → ".join(str(size) for size in self.sizes)
        extra = f" → {self.style.output}" if self.style.output else ""
        return self.style.title or f"a network {sizes}{extra}"

    def draw_headers(self, columns: list[list[_Node]]) -> None:
        canvas, top = self.canvas, self.header_top()
        if self.style.title:
            canvas.text(
                MARGIN,
                MARGIN + HEADER_SIZE + 2,
                self.style.title,
                size=HEADER_SIZE + 1,
                anchor="start",
                bold=True,
            )
        first = top + HEADER_SIZE
        second = first + HEADER_SIZE * LINE_HEIGHT
        for column, nodes in enumerate(columns):
            x = nodes[0].x
            if column == 0:
                title, detail = "inputs", ""
            else:
                layer = self.layers[column - 1]
                last = column == len(self.layers)
                title = (
                    "output layer"
                    if last and len(self.layers) > 1
                    else "layer"
                    if last
                    else f"hidden layer {column}"
                )
                detail = f"f = {activation_title(layer.neurons[0])}"
            canvas.text(x, first, title, size=HEADER_SIZE, bold=True)
            if detail:
                canvas.text(x, second, detail, size=TEXT_SIZE, color=MUTED)

    def draw_node(self, node: _Node) -> None:
        canvas = self.canvas
        if node.index is None:  # the "… +N more" slot
            hidden = self.sizes[node.column] - SHOW_FIRST - SHOW_LAST
            canvas.text(
                node.x,
                baseline_for_middle(node.y, TEXT_SIZE),
                f"… +{hidden} more",
                size=TEXT_SIZE,
                color=MUTED,
            )
            return
        kind = "input" if node.column == 0 else "output" if node.column == len(self.layers) else "hidden"
        fill, stroke = FILLS[kind]
        with canvas.group("node", node.key):
            canvas.circle(node.x, node.y, RADIUS, fill=fill, stroke=stroke)
            name = (
                self.input_names()[node.index]
                if kind == "input"
                else self.neuron_name(node.column, node.index)
            )
            fit = _font_inside(name, bold=kind != "input")
            if fit is not None:
                size, bold = fit
                canvas.text(node.x, baseline_for_middle(node.y, size), name, size=size, bold=bold)
            else:  # a long input name goes left of its circle, where there is room for it
                y = baseline_for_middle(node.y, NAME_SIZE)
                canvas.text(node.x - RADIUS - 6, y, name, size=NAME_SIZE, anchor="end")
        if kind == "input":
            self.draw_input_value(node)
        else:
            self.draw_bias(node)
            self.draw_card(node)

    def draw_input_value(self, node: _Node) -> None:
        assert node.index is not None
        if self.numbers.inputs is not None:
            value = self.digits(self.numbers.inputs[node.index])
            self.draw_card_lines(node, [(f"= {value}", INK, "value", "")])

    def draw_bias(self, node: _Node) -> None:
        assert node.index is not None
        bias = self.layers[node.column - 1].neurons[node.index].b.data
        y = node.y - RADIUS - 4 - TEXT_SIZE * 0.24
        text = f"b = {self.digits(bias)}"
        self.canvas.rect(
            text_box(node.x, y, text, TEXT_SIZE).grown(1.5), fill="#fff", stroke="none", radius=3
        )
        self.canvas.text(node.x, y, text, size=TEXT_SIZE, color=MUTED, css_class="bias")

    def draw_card(self, node: _Node) -> None:
        """The numbers under a neuron: z and f(z) of the forward pass, δ of the backward one."""
        assert node.index is not None
        layer, j = node.column - 1, node.index
        numbers, lines = self.numbers, []
        if numbers.z is not None and numbers.a is not None:
            symbol = self.symbol(layer)
            lines.append((f"{symbol} = {self.digits(numbers.z[layer][j])}", INK, "value", ""))
            lines.append((f"f({symbol}) = {self.digits(numbers.a[layer][j])}", INK, "value", ""))
        if numbers.deltas is not None:
            key = f"delta-{node.key}" if self.style.reveal else ""
            css = "delta shown" if key else "delta"  # a replay shows it when backward gets there
            lines.append((f"δ = {self.digits(numbers.deltas[layer][j])}", GRADIENT, css, key))
        self.draw_card_lines(node, lines)

    def draw_card_lines(self, node: _Node, lines: list[tuple[str, str, str, str]]) -> None:
        """Lines of text under a circle, on a white card that hides the arrows passing beneath."""
        if not lines:
            return
        baselines = [node.y + RADIUS + 4 + TEXT_SIZE + k * self.line for k in range(len(lines))]
        boxes = [text_box(node.x, y, text, TEXT_SIZE) for (text, *_), y in zip(lines, baselines)]
        card = Box(min(b.left for b in boxes), boxes[0].top, max(b.right for b in boxes), boxes[-1].bottom)
        self.canvas.rect(card.grown(2), fill="#fff", stroke="none", radius=3)
        for (text, color, css_class, key), y in zip(lines, baselines):
            self.canvas.text(node.x, y, text, size=TEXT_SIZE, color=color, css_class=css_class, key=key)

    def draw_output(self, last: list[_Node]) -> float:
        """The softmax box and the outputs o_k after the last layer (when asked); returns the right edge."""
        right = max(node.x for node in last) + RADIUS
        if self.style.output != "softmax":
            return self.draw_loss(last, right)
        canvas = self.canvas
        drawn = [node for node in last if node.index is not None]
        box_left = right + 36
        box = Box(box_left, min(n.y for n in drawn) - RADIUS, box_left + 84, max(n.y for n in drawn) + RADIUS)
        for node in drawn:
            canvas.arrow(node.x + RADIUS, node.y, box.left, node.y, color=MUTED, width=1.0)
        canvas.rect(box, fill="#fff3e0", stroke="#ef6c00", reserve=True)
        middle = (box.top + box.bottom) / 2
        canvas.text(
            (box.left + box.right) / 2,
            baseline_for_middle(middle, HEADER_SIZE),
            "softmax",
            size=HEADER_SIZE,
            bold=True,
        )
        names = self.output_names()
        for node in drawn:
            assert node.index is not None
            canvas.arrow(box.right, node.y, box.right + 30, node.y, color=MUTED, width=1.0)
            text = names[node.index]
            if self.numbers.outputs is not None:
                text += f" = {self.digits(self.numbers.outputs[node.index])}"
            placed = canvas.text(
                box.right + 36,
                baseline_for_middle(node.y, NAME_SIZE),
                text,
                size=NAME_SIZE,
                anchor="start",
                bold=True,
                css_class="value",
            )
            right = max(right, placed.right)
        return self.draw_loss(drawn, max(right, box.right))

    def draw_loss(self, last: list[_Node], right: float) -> float:
        """The loss C after the outputs (in the replay), an arrow from each; returns the new right edge."""
        numbers = self.numbers
        if numbers.loss is None:
            return right
        drawn = [node for node in last if node.index is not None]
        middle = sum(node.y for node in drawn) / len(drawn)
        lines = [(f"C = {self.digits(numbers.loss)}", INK, True)]
        lines += [(note, MUTED, False) for note in numbers.loss_notes]
        x = right + 40
        top = middle - len(lines) * self.line / 2
        boxes = [
            text_box(
                x + 8, top + TEXT_SIZE * 0.93 + k * self.line, text, NAME_SIZE, anchor="start", bold=bold
            )
            for k, (text, _, bold) in enumerate(lines)
        ]
        frame = Box(x, boxes[0].top - 6, max(b.right for b in boxes) + 8, boxes[-1].bottom + 6)
        read = numbers.loss_reads
        for node in drawn:
            if read is not None and node.index not in read:
                continue  # an output the loss does not use gets no arrow into it
            self.canvas.arrow(
                right + 6, node.y, x, min(max(node.y, frame.top + 6), frame.bottom - 6), color=MUTED
            )
        with self.canvas.group("loss", "loss"):
            self.canvas.rect(frame, fill="#fffde7", stroke="#f9a825", reserve=True)
            for k, (text, color, bold) in enumerate(lines):
                baseline = top + TEXT_SIZE * 0.93 + k * self.line
                self.canvas.text(
                    x + 8, baseline, text, size=NAME_SIZE, anchor="start", bold=bold, color=color
                )
        return frame.right

    # -- weights -------------------------------------------------------------------

    def draw_arrows(self, columns: list[list[_Node]]) -> list[_WeightArrow]:
        """One arrow per drawn weight, coloured by sign and as wide as the weight is large."""
        weights = [
            abs(neuron.w[i].data)
            for layer in self.layers
            for neuron in layer.neurons
            for i in range(neuron.nin)
        ]
        largest = max(weights) or 1.0
        arrows = []
        for column in range(1, len(columns)):
            layer = self.layers[column - 1]
            for target in columns[column]:
                if target.index is None:
                    continue
                neuron = layer.neurons[target.index]
                for source in columns[column - 1]:
                    if source.index is None:
                        continue
                    weight = neuron.w[source.index].data
                    arrow = _WeightArrow(source, target, weight)
                    with self.canvas.group("weight", arrow.key):
                        x1, y1, x2, y2 = arrow.ends()
                        width = 0.8 + 3.2 * abs(weight) / largest
                        self.canvas.arrow(x1, y1, x2, y2, color=sign_color(weight), width=width)
                    arrows.append(arrow)
        return arrows

    def weight_texts(self, arrow: _WeightArrow) -> list[tuple[str, str, str, str]]:
        """The lines of a weight's label: (text, colour, class, key): its value, and ∂C/∂w when known."""
        lines = [(self.digits(arrow.weight), sign_color(arrow.weight), "weight-value", "")]
        grads = self.numbers.weight_grads
        if grads is not None:
            assert arrow.target.index is not None and arrow.source.index is not None
            grad = grads[arrow.target.column - 1][arrow.target.index][arrow.source.index]
            key = f"grad-{arrow.key}" if self.style.reveal else ""
            css = "weight-grad shown" if key else "weight-grad"
            lines.append((f"∇ {self.digits(grad)}", GRADIENT, css, key))
        return lines

    def place_weight_labels(self, arrows: list[_WeightArrow]) -> int:
        """Put each weight's label on its arrow, where it overlaps nothing (see the module doc).

        Returns how many other arrows pass under the labels (fewer is clearer).
        """
        crossings = 0
        # short arrows have the fewest spots, so they choose first; then in drawing order
        for arrow in sorted(arrows, key=lambda a: round(a.length() / 20)):
            lines = self.weight_texts(arrow)
            boxes, crossed = self.label_spot(arrow, lines)
            crossings += crossed
            # an opaque card under each line of the label cuts the arrows beneath it, so that
            # the label reads as sitting on its own arrow (a two-line label straddles it)
            with self.canvas.group("weight-label", arrow.key):
                for (text, color, css_class, key), box in zip(lines, boxes):
                    card = "card " + css_class
                    self.canvas.rect(
                        box.grown(1.5), fill="#fff", stroke="none", radius=3, css_class=card, key=key
                    )
                    x = (box.left + box.right) / 2
                    y = box.bottom - 0.24 * TEXT_SIZE
                    self.canvas.text(x, y, text, size=TEXT_SIZE, color=color, css_class=css_class, key=key)
        return crossings

    def label_spot(
        self, arrow: _WeightArrow, lines: list[tuple[str, str, str, str]]
    ) -> tuple[list[Box], int]:
        """The boxes of a label's lines at the best free spot along the arrow, and how many arrows cross it.

        Raises ``_NoRoomError`` when no spot is free.
        """
        x1, y1, x2, y2 = arrow.ends()
        best: tuple[int, int] | None = None
        chosen: list[Box] = []
        for spots in (_SPOTS, _MORE_SPOTS):  # the finer spots only when no coarse one is free
            for rank, s in enumerate(spots):
                cx, cy = x1 + s * (x2 - x1), y1 + s * (y2 - y1)
                boxes = _stacked_boxes(cx, cy, [line[0] for line in lines])
                if not self.crowded and not all(self.canvas.is_free(box) for box in boxes):
                    continue
                whole = Box(boxes[0].left, boxes[0].top, max(b.right for b in boxes), boxes[-1].bottom)
                crossings = self.canvas.crossings(whole.grown(1.0), ignore=(x1, y1, x2, y2))
                score = (crossings, rank)
                if best is None or score < best:
                    best, chosen = score, boxes
                if crossings == 0:
                    break  # spots are in order of preference: the first clear one wins
            if best is not None:
                break
        if best is None:
            raise _NoRoomError
        return chosen, best[0]

    def draw_legend(self, top: float, width: float) -> float:
        """A few lines saying how to read the picture; returns the bottom of the last."""
        items = [
            [
                ("weights on the arrows: ", INK),
                ("blue > 0", POSITIVE),
                (", ", INK),
                ("red < 0", NEGATIVE),
                (", ", INK),
                ("grey = 0", ZERO),
                ("; thicker = larger |w|; b: the bias", INK),
            ],
        ]
        if self.numbers.z is not None:
            symbol = self.symbol(0)
            items.append(
                [(f"under each neuron: its input {symbol} = Σ w·x + b, and its output f({symbol})", INK)]
            )
        if self.numbers.deltas is not None:
            items.append([("∇ = ∂C/∂w (w.grad); δ = ∂C/∂z = ∂C/∂b (b.grad, for one sample)", GRADIENT)])
        y = top + TEXT_SIZE
        for pieces in items:
            for line in _wrap(pieces, width - 2 * MARGIN):
                self.canvas.rich_text(MARGIN, y, line, size=TEXT_SIZE)
                y += self.line
        return y - self.line + TEXT_SIZE * 0.24


@dataclass(frozen=True)
class _WeightArrow:
    """The arrow of one weight, from ``source`` to the neuron ``target`` it feeds."""

    source: _Node
    target: _Node
    weight: float

    @property
    def key(self) -> str:
        """``w2.1.3``: into neuron 1 of layer 2, from its input 3 (neurons and inputs counted from 0)."""
        return f"w{self.target.column}.{self.target.index}.{self.source.index}"

    def length(self) -> float:
        """The distance between the centres of the two circles."""
        return math.hypot(self.target.x - self.source.x, self.target.y - self.source.y)

    def ends(self) -> tuple[float, float, float, float]:
        """Where the arrow leaves the source circle and where its head touches the target circle."""
        dx, dy = self.target.x - self.source.x, self.target.y - self.source.y
        length = math.hypot(dx, dy)
        ux, uy = dx / length, dy / length
        return (
            self.source.x + ux * RADIUS,
            self.source.y + uy * RADIUS,
            self.target.x - ux * (RADIUS + 1),
            self.target.y - uy * (RADIUS + 1),
        )


# Fractions of the way along an arrow where its label may go, best first: near
# the target (where a reader looks for a neuron's inputs), then further back.
_SPOTS = sorted((k / 25 for k in range(4, 22)), key=lambda s: (abs(s - 0.74), s))
_MORE_SPOTS = sorted((k / 100 for k in range(6, 95)), key=lambda s: (abs(s - 0.74), s))


def _font_inside(name: str, *, bold: bool) -> tuple[float, bool] | None:
    """The largest font (size, bold) that fits ``name`` in a circle, down to 10 px plain; else None."""
    tries = [(NAME_SIZE, bold), (TEXT_SIZE, bold), (TEXT_SIZE, False), (10.0, False)]
    for size, heavy in tries:
        if text_width(name, size, bold=heavy) <= 2 * RADIUS - 6:
            return size, heavy
    return None


def _stacked_boxes(cx: float, cy: float, texts: list[str]) -> list[Box]:
    """The boxes of a weight's label centred on (cx, cy), a point of its arrow.

    One line sits on the arrow; two lines go one above and one below it, a few
    px apart, so that the arrow runs on between them.
    """
    if len(texts) == 1:
        return [text_box(cx, baseline_for_middle(cy, TEXT_SIZE), texts[0], TEXT_SIZE)]
    half = (ASCENT + DESCENT) * TEXT_SIZE / 2 + _STRADDLE
    above = text_box(cx, baseline_for_middle(cy - half, TEXT_SIZE), texts[0], TEXT_SIZE)
    below = text_box(cx, baseline_for_middle(cy + half, TEXT_SIZE), texts[1], TEXT_SIZE)
    return [above, below]


_STRADDLE = 3.5  # px between the arrow and each line of a two-line label


def _wrap(pieces: list[tuple[str, str]], width: float) -> list[list[tuple[str, str]]]:
    """Coloured pieces of text broken into lines of at most ``width`` px, between words."""
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for text, color in pieces:
        for word in re.findall(r"\S+\s*|\s+", text):
            if used > 0 and used + text_width(word.rstrip(), TEXT_SIZE) > width:
                lines.append([])
                used = 0.0
            line = lines[-1]
            if line and line[-1][1] == color:
                line[-1] = (line[-1][0] + word, color)
            else:
                line.append((word, color))
            used += text_width(word, TEXT_SIZE)
    return lines
