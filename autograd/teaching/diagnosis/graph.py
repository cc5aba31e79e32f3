"""What the diagnosis reads off a graph: its edges, their local derivatives, its layers.

Backward multiplies along *edges*. An edge goes from a computed node down to one
of its inputs, and carries that op's local derivative ``d node / d input``::

    grad[input] += local_derivative(edge) * grad[node]

Every misconception in the catalog changes the numbers on some edges, so this
module names the edges and the groups of edges a learner treats alike:

* every edge of one op with one role (all ``-`` nodes' second inputs, all sigmoids);
* the units of a layer: the nodes of one neuron ``f(w . x + b)`` and of all
  neurons that read the same inputs, found from the graph's ``dot`` nodes, so a
  graph from ``nn`` needs no model to be read as layers;
* activation chains (``sigmoid(z + 1)``), whose derivative a learner may evaluate
  at the wrong point.

A :class:`BackwardGraph` is built once per check and only read afterwards.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from autograd import engine
from autograd.ops import CONSTANT, DIV, DOT, MUL, SUM
from autograd.teaching.naming import node_names
from autograd.value import Value

Edge = tuple[Value, int]
"""``(node, index)``: the link from ``node`` down to its input ``node.children[index]``."""

ACTIVATION_OPS = frozenset({"sigmoid", "tanh", "relu", "exp"})
"""Ops that a network uses as activations ``f`` in ``f(w . x + b)``."""

LONGEST_CHAIN = 3
"""An activation chain has at most this many nodes: ``sigmoid((z + 1) * 2)`` has three."""

# Two points at which every input that is not a constant is put, to see whether a
# local derivative depends on them (one point of each sign: relu and abs differ there).
_PROBES = (0.37, -1.3)


@dataclass(frozen=True)
class Layer:
    """Neurons that read the same inputs, found in the graph (see :func:`find_layers`).

    Attributes:
        number: 0 for the layer nearest the inputs, then 1, 2, ...
        weights: one row per neuron: its weight Values, ``W[j][i]`` from input i to neuron j.
        dots: per neuron, its ``dot`` nodes (one per example of a batch).
        units: per neuron, every node of ``f(w . x + b)`` (dot, bias, activation), all examples.
    """

    number: int
    weights: tuple[tuple[Value, ...], ...]
    dots: tuple[tuple[Value, ...], ...]
    units: tuple[frozenset[Value], ...]

    @property
    def shape(self) -> tuple[int, int]:
        """``(neurons, inputs)``: the shape of the weight matrix, one row per neuron."""
        return len(self.weights), len(self.weights[0])


@dataclass(frozen=True)
class Chain:
    """An activation and the one-input nodes right below it: ``sigmoid(z + 1)`` is [sigmoid, + 1].

    ``nodes`` go from the activation down; ``edges`` are the edges between them, the
    last one reaching ``input`` (the ``z`` the activation is a function of).
    """

    nodes: tuple[Value, ...]
    edges: tuple[Edge, ...]
    input: Value

    @property
    def top(self) -> Value:
        return self.nodes[0]


class BackwardGraph:
    """A graph read once for the diagnosis: order, names, local derivatives, uses, layers.

    Attributes:
        root: the output (the loss).
        order: every node, inputs before outputs (the engine's topological order).
        computed: the nodes with inputs, in the order backward visits them (output first).
        names: a short name per node (its label, or ``t0``, ``t1``...).
        local: each computed node's local derivatives, one per input (the op table's rule).
        uses: for each node, the edges that lead down to it, in the order backward
            follows them; a node used twice has two.
        layers: the layers found in the graph.
    """

    def __init__(self, root: Value) -> None:
        self.root = root
        self.order = engine.checked_order(root)
        self.computed = [node for node in reversed(self.order) if node._children]
        self.names = node_names(self.order)
        self.local = {node: _local_derivatives(node) for node in self.computed}
        self.uses: dict[Value, list[Edge]] = {node: [] for node in self.order}
        for node in self.computed:
            for index, child in enumerate(node._children):
                self.uses[child].append((node, index))
        self.position = {node: k for k, node in enumerate(self.computed)}
        self.layers = find_layers(self)
        self.layer_of: dict[Value, Layer] = {
            node: layer for layer in self.layers for unit in layer.units for node in unit
        }

    # -- edges ---------------------------------------------------------------------

    def edges(self) -> Iterator[Edge]:
        """Every edge into a node that is not a constant (a constant's gradient is never asked for)."""
        for node in self.computed:
            for index, child in enumerate(node._children):
                if child._op is not CONSTANT:
                    yield node, index

    def local_of(self, edge: Edge) -> float:
        node, index = edge
        return self.local[node][index]

    def child(self, edge: Edge) -> Value:
        node, index = edge
        return node._children[index]

    def edge_text(self, edge: Edge) -> str:
        """``"t3 → b"``: the edge from a node down to its input, by name."""
        node, _ = edge
        return f"{self.names[node]} → {self.names[self.child(edge)]}"

    def role(self, edge: Edge) -> str:
        """Which input of its op an edge leads to, as words: "first input", "weights", ""."""
        node, index = edge
        count = len(node._children)
        if node._op is DOT:
            return "weights" if index < count // 2 else "inputs"
        if node._op is SUM or count == 1:
            return ""
        return ("first input", "second input")[index] if count == 2 else f"input {index}"

    def has_constant_local(self, edge: Edge) -> bool:
        """True when the edge's local derivative is a fixed number, the same whatever the data.

        ``d(x + y)/dx = 1`` and ``d(x / 4)/dx = 1/4`` are; ``d(x * y)/dx = y`` (for a
        variable y) and ``d sigmoid(z)/dz`` are not. Found by evaluating the rule with every
        input that is not a constant moved to two other points.
        """
        node, index = edge
        found = set()
        for probe in _PROBES:
            inputs = [c.data if c._op is CONSTANT else probe + 0.11 * k for k, c in enumerate(node._children)]
            try:
                found.add(float(node._op.derivative(node._op.forward(*inputs), *inputs)[index]))
            except (ArithmeticError, ValueError):
                return False
        return found == {self.local_of(edge)}

    # -- groups of nodes and edges -------------------------------------------------------

    def natural_constants(self) -> tuple[float, ...]:
        """The factors a gradient is typically off by: 2 and 1/2, and each number the graph scales by.

        A power's exponent (the 2 of a square) and a constant that multiplies or divides
        (the n of a mean, the 1/2 of ``0.5 * e**2``) each give ``c`` and ``1/c``.
        """
        found = {2.0, 0.5}
        for node in self.computed:
            numbers = [node._op.number] if node._op.number is not None else []
            if node._op in (MUL, DIV):
                numbers += [c.data for c in node._children if c._op is CONSTANT]
            for number in numbers:
                if number is not None and abs(number) not in (0.0, 1.0):
                    found.update({abs(number), 1 / abs(number)})
        return tuple(sorted(found))

    def multi_use_nodes(self) -> list[Value]:
        """Nodes reached by more than one edge (a value used twice), output end first."""
        return [
            node for node in reversed(self.order) if len(self.uses[node]) > 1 and node._op is not CONSTANT
        ]

    def activation_chains(self) -> list[Chain]:
        """Every activation with the one-input nodes below it: for ``sigmoid(z + 1)``, both
        [sigmoid] (its input is ``z + 1``) and [sigmoid, + 1] (its input is ``z``)."""
        chains = []
        for node in self.computed:
            if node._op.name not in ACTIVATION_OPS:
                continue
            nodes: list[Value] = []
            edges: list[Edge] = []
            current = node
            while len(nodes) < LONGEST_CHAIN:
                edge = _only_variable_edge(current)
                if edge is None:
                    break
                nodes.append(current)
                edges.append(edge)
                chains.append(Chain(tuple(nodes), tuple(edges), self.child(edge)))
                current = self.child(edge)
                if not current._children or current._op.name in ACTIVATION_OPS or current._op is DOT:
                    break
        return chains


def _only_variable_edge(node: Value) -> Edge | None:
    """The one edge of ``node`` into an input that is not a constant, or None if it has several."""
    edges = [(node, i) for i, child in enumerate(node._children) if child._op is not CONSTANT]
    return edges[0] if len(edges) == 1 else None


def _local_derivatives(node: Value) -> tuple[float, ...]:
    try:
        return tuple(float(d) for d in engine.local_derivatives(node))
    except (ArithmeticError, ValueError) as error:
        raise type(error)(engine.describe_failure(node, error)) from error


# ----------------------------------------------------------------------------
# Layers: neurons that read the same inputs
# ----------------------------------------------------------------------------


def find_layers(graph: BackwardGraph) -> list[Layer]:
    """The layers of the graph, from its ``dot`` nodes (``nn`` computes a neuron's ``w . x`` as one).

    A neuron is known by its weights (the first half of a dot's inputs); it has one dot
    per example. Neurons whose dots read the very same inputs, in any one example, are
    in one layer. Layers are numbered from the inputs up.
    """
    dots_of: dict[tuple[Value, ...], list[Value]] = {}
    readers: dict[tuple[Value, ...], list[tuple[Value, ...]]] = {}
    for node in graph.order:
        if node._op is DOT:
            half = len(node._children) // 2
            weights, inputs = node._children[:half], node._children[half:]
            dots_of.setdefault(weights, []).append(node)
            readers.setdefault(inputs, []).append(weights)
    # join neurons that share inputs (union-find over neurons, each known by its weights)
    parent = {weights: weights for weights in dots_of}

    def root(weights: tuple[Value, ...]) -> tuple[Value, ...]:
        while parent[weights] != weights:
            weights = parent[weights]
        return weights

    for group in readers.values():
        for a, b in itertools.pairwise(group):
            parent[root(b)] = root(a)
    members: dict[tuple[Value, ...], list[tuple[Value, ...]]] = {}
    for weights in dots_of:  # in the order the neurons were first used
        members.setdefault(root(weights), []).append(weights)
    layers = []
    for number, neurons in enumerate(members.values()):
        if len({len(weights) for weights in neurons}) != 1:
            continue  # neurons with different numbers of inputs are not one weight matrix
        dots = tuple(tuple(dots_of[weights]) for weights in neurons)
        units = tuple(frozenset(n for dot in unit_dots for n in unit_nodes(graph, dot)) for unit_dots in dots)
        layers.append(Layer(number, tuple(neurons), dots, units))
    return layers


def unit_nodes(graph: BackwardGraph, dot: Value) -> list[Value]:
    """The nodes of one neuron's ``f(w . x + b)`` in one example, from its dot node up.

    Above the dot: the bias added to it (``+`` with a leaf), then the one-input nodes of
    its activation up to the activation itself (``+ 1``, ``sigmoid``). A linear neuron
    is its dot and bias.
    """
    nodes = [dot]
    current = dot
    bias = _single_consumer(graph, current)
    if bias is not None and bias.op == "+" and any(not c._children for c in bias._children):
        nodes.append(bias)
        current = bias
    chain: list[Value] = []
    while len(chain) < LONGEST_CHAIN:
        above = _single_consumer(graph, current)
        if above is None or _only_variable_edge(above) is None:
            return nodes
        chain.append(above)
        if above._op.name in ACTIVATION_OPS:
            return nodes + chain
        current = above
    return nodes


def _single_consumer(graph: BackwardGraph, node: Value) -> Value | None:
    uses = graph.uses[node]
    return uses[0][0] if len(uses) == 1 else None
