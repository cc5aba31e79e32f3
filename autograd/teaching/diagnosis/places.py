"""Where a mistake was made, and the mistake itself as wrong numbers on edges.

A learner may make a mistake **once** (at one edge or one node: the bias of one
neuron) or **throughout** (at every edge of one kind: every sigmoid, every unit of a
layer), as vectorised homework code does. A [Mistake][autograd.teaching.diagnosis.places.Mistake]
is one such choice: a kind from the catalog, a [Where][autograd.teaching.diagnosis.places.Where],
and the wrong local derivatives it puts on the edges, ready for the replay.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from autograd.ops import CONSTANT
from autograd.teaching.diagnosis.graph import BackwardGraph, Edge
from autograd.value import Value

ONCE = "once"
THROUGHOUT = "throughout"


@dataclass(frozen=True)
class Where:
    """Where a mistake was made, in words and as nodes.

    Attributes:
        text: the place in words: ``"the edge t3 → b"``, ``"every sigmoid node"``.
        scope: ``"once"`` (one edge or node) or ``"throughout"`` (every edge of a kind).
        node: once: the node whose local derivative is wrong (at an edge, the op's
            output), or the node whose paths were not all counted; else None.
        input: once at an edge: the input that edge leads down to; else None.
        layer: the layer's number when the place is (in) one layer; else None.
    """

    text: str
    scope: str = ONCE
    node: Value | None = None
    input: Value | None = None
    layer: int | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, eq=False)
class Mistake:
    """One misconception applied at one place: ``changes`` are the wrong local derivatives it uses.

    ``detail`` says what the wrong rule is at this place when the kind has variants
    (``"×2"`` for a constant factor); it is ``""`` otherwise.
    """

    kind: str
    where: Where
    changes: Mapping[Edge, float] = field(repr=False)
    detail: str = ""

    def touches(self, other: Mistake) -> bool:
        """True if the two mistakes change some edge in common (then they cannot both be made)."""
        return any(edge in other.changes for edge in self.changes)


def at_edge(graph: BackwardGraph, edge: Edge) -> Where:
    """The place "one edge": ``node → input``, with the derivative it carries."""
    node, _ = edge
    child = graph.child(edge)
    text = f"the edge {graph.edge_text(edge)} (d{graph.names[node]}/d{graph.names[child]})"
    return Where(text, ONCE, node=node, input=child, layer=layer_number(graph, node))


def layer_number(graph: BackwardGraph, node: Value) -> int | None:
    """The number of the layer ``node`` is part of (a unit's dot, bias or activation), or None."""
    layer = graph.layer_of.get(node)
    return None if layer is None else layer.number


def edge_groups(graph: BackwardGraph) -> Iterator[tuple[Where, list[Edge]]]:
    """The groups of edges a learner treats alike, each once: every edge of one op with one
    role (``every - node, second input``), and the same within each layer's units.

    Only groups of two or more edges (one edge is a mistake made once); a layer's group
    that is the same as the op's group (a network with one sigmoid layer) is given once.
    """
    by_op: dict[tuple[str, str], list[Edge]] = {}
    by_layer: dict[tuple[int, str, str], list[Edge]] = {}
    for edge in graph.edges():
        node, _ = edge
        role = graph.role(edge)
        by_op.setdefault((node.op, role), []).append(edge)
        layer = graph.layer_of.get(node)
        if layer is not None:
            by_layer.setdefault((layer.number, node.op, role), []).append(edge)
    seen: set[frozenset[Edge]] = set()
    groups = [
        (Where(f"every {_op_text(op, role)}", THROUGHOUT), edges) for (op, role), edges in by_op.items()
    ]
    groups += [
        (Where(f"layer {number}: every {_op_text(op, role)}", THROUGHOUT, layer=number), edges)
        for (number, op, role), edges in by_layer.items()
    ]
    for where, edges in groups:
        if len(edges) > 1 and frozenset(edges) not in seen:
            seen.add(frozenset(edges))
            yield where, edges


def _op_text(op: str, role: str) -> str:
    """``"- node, second input"``, ``"sigmoid node"``, ``"dot node, weights"``."""
    return f"{op} node" + (f", {role}" if role else "")


def is_variable(node: Value) -> bool:
    """True for every node except the constants that numbers in expressions became."""
    return node._op is not CONSTANT
