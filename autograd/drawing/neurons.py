"""A model's computation graph with one box per neuron: readable where the full graph is not.

The graph of an MLP's loss has a box for every weight, every weighted sum, every
bias addition and every activation: an ``MLP(2, [4, 4, 1])`` loss is about 80
boxes across 15 ranks, 2,800 px wide, and a notebook can only show it shrunk to
a third, its texts 5 px high. Yet most of those boxes belong to neurons, and a
neuron always has the same shape::

    w_1 ... w_n ─┐
    x_1 ... x_n ─┴─ (dot) ── s ── (+) ── z ── (f) ── a        z = w·x + b, a = f(z)
                        b ───────────┘

[neuron_groups][autograd.drawing.neurons.neuron_groups] finds that shape in any
graph (a ``dot`` of leaf weights, plus a leaf bias, then optionally a one-input
op; every piece used by that neuron alone), and
[draw_neuron_graph][autograd.drawing.neurons.draw_neuron_graph] draws each neuron
it finds as one box: a table of its weights and bias, each with its data and
grad, and its output with its data and grad. The arrows into the box come from
the neuron's inputs; everything that is not a neuron (the inputs, the loss) is
drawn as [draw_graph][autograd.drawing.draw.draw_graph] draws it.

Nothing is lost: the numbers of every parameter are in its neuron's table; only
the intermediate s and z, which a reader can recompute, are not shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from autograd.drawing.draw import (
    ARROW_FONT_SIZE,
    DEFAULT_MAX_NODES,
    DEFAULT_TIMEOUT,
    VALUE_FONT_SIZE,
    html_text,
    op_node_style,
    value_node_style,
)
from autograd.drawing.layout import walk_graph
from autograd.drawing.run import ValueGraph, check_timeout
from autograd.teaching.naming import format_number, short_names
from autograd.value import Value

__all__ = ["NeuronGroup", "draw_neuron_graph", "neuron_groups"]

NEURON_FILL = "#eef1fb"


@dataclass(frozen=True)
class NeuronGroup:
    """The nodes of one neuron: ``output = f(dot(weights, inputs) + bias)`` (``f`` may be absent)."""

    output: Value  # a = f(z), or z itself for a neuron without an activation
    pre_activation: Value  # z = s + b
    weighted_sum: Value  # s = w · x, one dot node
    weights: tuple[Value, ...]
    bias: Value
    inputs: tuple[Value, ...]  # what the neuron reads, as many as its weights

    @property
    def activation(self) -> str | None:
        """The op of the activation (``tanh``, ``relu``...), or None for a linear neuron."""
        return self.output.op if self.output is not self.pre_activation else None

    def members(self) -> set[Value]:
        """Every node the neuron's box stands for (its output included)."""
        return {self.output, self.pre_activation, self.weighted_sum, self.bias, *self.weights}


def neuron_groups(order: list[Value]) -> list[NeuronGroup]:
    """Every neuron in a graph (``order``: its nodes, inputs first), in that order (see the module doc).

    A neuron is a ``dot`` whose weights (its first half of inputs) are
    variables, added to a variable bias, then maybe passed through a one-input
    op; the weights, the bias, the dot and the sum must be used by nothing
    else, so that one box can stand for them all.
    """
    users: dict[Value, int] = {}
    consumers: dict[Value, Value] = {}
    for node in order:
        for child in set(node.children):
            users[child] = users.get(child, 0) + 1
            consumers[child] = node
    found = []
    for node in order:
        group = _neuron_at(node, users, consumers)
        if group is not None:
            found.append(group)
    return found


def _neuron_at(s: Value, users: dict[Value, int], consumers: dict[Value, Value]) -> NeuronGroup | None:
    """The neuron whose weighted sum is ``s``, if ``s`` is one (see ``neuron_groups``)."""
    if s.op != "dot" or users.get(s) != 1:
        return None
    half = len(s.children) // 2
    weights, inputs = s.children[:half], s.children[half:]
    if not all(_is_private_variable(w, users) for w in weights):
        return None
    z = consumers[s]
    if z.op != "+" or len(z.children) != 2:
        return None
    bias = z.children[1] if z.children[0] is s else z.children[0]
    if bias is s or not _is_private_variable(bias, users):
        return None
    output = z
    after = consumers.get(z)
    if users.get(z) == 1 and after is not None and len(after.children) == 1:
        output = after  # the activation, f(z)
    return NeuronGroup(output, z, s, tuple(weights), bias, tuple(inputs))


def _is_private_variable(value: Value, users: dict[Value, int]) -> bool:
    """A variable (a leaf that is not a number) used by one node only."""
    return value.is_leaf and value.op != "const" and users.get(value) == 1


# ----------------------------------------------------------------------------
# Drawing
# ----------------------------------------------------------------------------


def neuron_box_style(group: NeuronGroup, node_id: str, *, show_grad: bool, digits: int) -> dict[str, str]:
    """Graphviz attributes of a neuron's box: its name, its formula, and a table of its numbers.

    One row per weight and the bias (name, data, grad), then the output's.
    The name is what the parameters' labels share (``layers.0.neurons.1``).
    """
    params = [*group.weights, group.bias]
    short = short_names({"neuron": params})
    names = [short.get(p, p.label or f"w{k}") for k, p in enumerate(group.weights)]
    names.append(short.get(group.bias, group.bias.label or "b"))
    title = _shared_name(params) or group.output.label or "neuron"
    formula = f"{group.activation}(w·x + b)" if group.activation else "w·x + b"
    span = ' COLSPAN="3"' if show_grad else ' COLSPAN="2"'

    def row(cells: Iterable[str], bold: bool = False) -> str:
        tds = []
        for k, cell in enumerate(cells):
            text = f"<B>{cell}</B>" if bold else cell
            tds.append(f'<TD ALIGN="{"LEFT" if k == 0 else "RIGHT"}">{text}</TD>')
        return "<TR>" + "".join(tds) + "</TR>"

    rows = [
        f"<TR><TD{span}><B>{html_text(title)}</B></TD></TR>",
        f"<TR><TD{span}><I>{html_text(formula)}</I></TD></TR>",
        row(["", "<I>data</I>", "<I>grad</I>"] if show_grad else ["", "<I>data</I>"]),
    ]
    for name, p in zip(names, params):
        rows.append(row(_numbers(html_text(name, 16), p, show_grad, digits)))
    rows.append("<HR/>")
    rows.append(row(_numbers("out", group.output, show_grad, digits), bold=True))
    table = (
        f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" BGCOLOR="{NEURON_FILL}" '
        f'STYLE="rounded">{"".join(rows)}</TABLE>'
    )
    return {
        "shape": "plain",
        "label": f"<{table}>",
        "fontsize": str(VALUE_FONT_SIZE),
        "id": node_id,
        "class": f"value neuron of_{node_id}",
    }


def _numbers(name: str, value: Value, show_grad: bool, digits: int) -> list[str]:
    cells = [name, format_number(value.data, digits)]
    if show_grad:
        cells.append(format_number(value.grad, digits))
    return cells


def _shared_name(params: list[Value]) -> str:
    """The dotted prefix that the parameters' labels share (``layers.0.neurons.1``), or ''."""
    parts = [p.label.split(".") for p in params if p.label]
    if len(parts) < len(params) or not parts:
        return ""
    shared = []
    for pieces in zip(*parts):
        if len(set(pieces)) != 1:
            break
        shared.append(pieces[0])
    if len(shared) == min(len(p) for p in parts):
        shared = shared[:-1]  # keep the names apart: never the whole of one label
    return ".".join(shared)


def draw_neuron_graph(
    root: Value,
    *,
    show_grad: bool = True,
    digits: int = 4,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    timeout: float = DEFAULT_TIMEOUT,
) -> ValueGraph:
    """The graph of ``root`` with each neuron drawn as one box (see the module doc), left to right.

    Everything else is drawn as [draw_graph][autograd.drawing.draw.draw_graph]
    draws it; a graph without neurons is drawn in full.
    """
    check_timeout(timeout)
    nodes = walk_graph(root, max_nodes=max_nodes)
    groups = {group.output: group for group in neuron_groups([node.value for node in nodes])}
    hidden = {member for group in groups.values() for member in group.members()} - set(groups)
    ids = {node.value: node.id for node in nodes}
    attributes = {"rankdir": "LR", "nodesep": "0.15", "ranksep": "0.35", "newrank": "true", "ordering": "out"}
    graph = ValueGraph(graph_attr=attributes)
    graph.value_count, graph.timeout = len(nodes), timeout
    for node in nodes:
        if node.value in hidden:
            continue
        group = groups.get(node.value)
        if group is not None:
            graph.node(node.id, **neuron_box_style(group, node.id, show_grad=show_grad, digits=digits))
            _arrows_into(graph, node.id, [ids[x] for x in group.inputs], target=node.id)
            continue
        style = value_node_style(node.value, show_grad=show_grad, digits=digits, node_id=node.id)
        graph.node(node.id, **style)
        if node.input_ids:
            graph.node(node.op_id, **op_node_style(node.value, node_id=node.op_id))
            _arrows_into(graph, node.op_id, list(node.input_ids), target=node.id)
            graph.edge(node.op_id, node.id, id=f"e{node.id[1:]}", **{"class": "output"})
    return graph


def _arrows_into(graph: ValueGraph, head: str, input_ids: list[str], *, target: str) -> None:
    """An arrow from each distinct input into ``head`` (a neuron box, an op), ``×k`` if used k times."""
    uses: dict[str, list[int]] = {}
    for position, input_id in enumerate(input_ids):
        uses.setdefault(input_id, []).append(position)
    for input_id, positions in uses.items():
        style = {"class": f"input into_{head}"}
        if len(positions) > 1:
            style.update(label=f"×{len(positions)}", fontsize=str(ARROW_FONT_SIZE))
        graph.edge(input_id, head, id=f"e{target[1:]}_{positions[0]}", **style)
