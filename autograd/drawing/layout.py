"""What a drawing is made of, and how to keep ``dot``'s layout fast and the picture screen-shaped.

``dot`` lays a graph out in ranks: columns from left to right (or rows from top
to bottom), every arrow pointing from one rank to a later one. An arrow that
spans several ranks becomes a chain of hidden helper nodes, one per rank it
crosses, and an arrow with a ``label`` gets a helper node for its text. The
layout's cost grows quickly with the number of helpers, which is why some
graphs of a few hundred values took ``dot`` minutes:

* ``a + a + ... + a``: each step uses ``a`` again, so ``a`` has one arrow per
  step and the k-th arrow spans 2k ranks: about n²  helpers for n steps;
* ``y = a*b; y = y + a*b`` repeated: the same, for two shared leaves;
* ``a * a``: two parallel arrows, one per use.

This module plans the drawing to avoid that:
[plan_arrows][autograd.drawing.layout.plan_arrows] draws one arrow per input
of an op (marked ``×2`` for ``a * a``) and gives a shared leaf a copy next to
each user that is far from its first use;
[layout_limits][autograd.drawing.layout.layout_limits] caps ``dot``'s effort
when long arrows remain (between computed values, which cannot be copied);
[choose_rankdir][autograd.drawing.layout.choose_rankdir] picks the direction
in which the picture fits a screen best.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from autograd.engine import topological_order
from autograd.value import Value

__all__ = [
    "DEFAULT_MAX_NODES",
    "HIDDEN_NODE_BUDGET",
    "LONG_ARROW_RANKS",
    "PAGE_WIDTH_PT",
    "Arrow",
    "Footprint",
    "GraphNode",
    "GraphTooLargeError",
    "choose_rankdir",
    "drawing_ranks",
    "footprint",
    "hidden_nodes",
    "layout_limits",
    "plan_arrows",
    "ranks_from_output",
    "walk_graph",
]

DEFAULT_MAX_NODES = 500
"""Most Values [draw_graph][autograd.drawing.draw.draw_graph] draws unless told otherwise. Past a few hundred
boxes a picture is unreadable, however it is laid out."""

LONG_ARROW_RANKS = 2
"""A shared leaf gets a copy next to a user more than this many ranks (value and
op columns) after its first user: one op further on is still one arrow."""

HIDDEN_NODE_BUDGET = 2000
"""Past this many hidden helper nodes (see the module doc) ``dot``'s layout
takes seconds, and [layout_limits][autograd.drawing.layout.layout_limits] caps its effort."""

PAGE_WIDTH_PT = 750.0
"""A notebook's output area, about 1,000 px wide, in points (1 pt = 4/3 px)."""


class GraphTooLargeError(ValueError):
    """The graph has more Values than ``max_nodes`` allows."""

    def __init__(self, node_count: int, max_nodes: int) -> None:
        self.node_count = node_count
        self.max_nodes = max_nodes
        super().__init__(
            f"the graph has {node_count} values, more than max_nodes={max_nodes}: a picture that "
            f"large is unreadable and slow to lay out. Draw a smaller part of the expression, or "
            f"pass max_nodes={node_count} (or max_nodes=None) to draw it anyway"
        )


# ----------------------------------------------------------------------------
# Boxes and arrows
# ----------------------------------------------------------------------------


class GraphNode(NamedTuple):
    """One Value as drawn: its node id, the Value, and its inputs' node ids in argument order.

    An input used twice (``a * a``) appears twice in ``input_ids``.
    """

    id: str
    value: Value
    input_ids: tuple[str, ...]

    @property
    def op_id(self) -> str:
        """Id of the op node between this Value and its inputs (only drawn if it has inputs)."""
        return f"op{self.id[1:]}"


def walk_graph(root: Value, *, max_nodes: int | None = DEFAULT_MAX_NODES) -> list[GraphNode]:
    """Every Value that ``root`` depends on, inputs first, numbered ``v0, v1, ...`` in that order.

    Ids come from that order, never from ``id()``, so the same graph always gives
    byte-identical DOT source. Raises
    [GraphTooLargeError][autograd.drawing.layout.GraphTooLargeError] when there
    are more than ``max_nodes`` Values (``None``: no limit). The count comes from the
    iterative topological sort alone, so even a graph of millions of nodes is
    refused promptly.
    """
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise GraphTooLargeError(len(order), max_nodes)
    ids = {value: f"v{index}" for index, value in enumerate(order)}
    return [GraphNode(ids[value], value, tuple(ids[child] for child in value.children)) for value in order]


class Arrow(NamedTuple):
    """One arrow into an op: from ``tail`` (the drawing of input ``input_id``), for argument ``positions``.

    ``positions`` has more than one entry when the op uses the same input
    several times (``a * a``: positions 0 and 1, one arrow marked ×2).
    ``tail`` is the input's own box, or a copy of a leaf drawn next to this op.
    """

    tail: str
    input_id: str
    target: GraphNode
    positions: tuple[int, ...]

    @property
    def id(self) -> str:
        """SVG id: ``e<k>_<i>`` for the arrow from argument ``i`` into the op that computed ``v<k>``."""
        return f"e{self.target.id[1:]}_{self.positions[0]}"

    @property
    def is_copy(self) -> bool:
        """Does the arrow start at a copy of the input (not at its own box)?"""
        return self.tail != self.input_id


def ranks_from_output(nodes: list[GraphNode]) -> dict[str, int]:
    """The rank of every value and op node, counted back from the output (the output is 0, its op 1).

    Each node sits one rank before the first of its users, as ``dot`` places
    nodes to keep arrows short; so a leaf's rank says where it is first used.
    """
    rank: dict[str, int] = {nodes[-1].id: 0}
    for node in reversed(nodes):
        if not node.input_ids:
            continue
        rank[node.op_id] = rank[node.id] + 1
        for input_id in node.input_ids:
            rank[input_id] = max(rank.get(input_id, 0), rank[node.op_id] + 1)
    return rank


def plan_arrows(nodes: list[GraphNode]) -> list[Arrow]:
    """The arrows into every op, in the order of the ops and then of their arguments.

    Repeated uses of one input by one op are one arrow. A leaf used far from
    its first use (a weight shared by every step, ``a`` in ``a + a + ... + a``)
    gets a copy, named ``v<k>_for_op<j>``, next to each user more than
    ``LONG_ARROW_RANKS`` ranks after its first one; without copies each of
    those arrows would cross the picture (see the module doc). Computed values
    are never copied: their own arrows in show how they were computed.
    """
    rank = ranks_from_output(nodes)
    arrows = []
    for node in nodes:
        uses: dict[str, list[int]] = {}
        for position, input_id in enumerate(node.input_ids):
            uses.setdefault(input_id, []).append(position)
        for input_id, positions in uses.items():
            is_leaf = not nodes[int(input_id[1:])].input_ids
            # the leaf's own box sits one rank before its first (highest-ranked) user
            far = rank[input_id] - 1 - rank[node.op_id] > LONG_ARROW_RANKS
            tail = f"{input_id}_for_{node.op_id}" if is_leaf and far else input_id
            arrows.append(Arrow(tail, input_id, node, tuple(positions)))
    return arrows


def drawing_ranks(nodes: list[GraphNode], arrows: list[Arrow]) -> dict[str, int]:
    """``ranks_from_output``, plus each leaf copy one rank before the op it is drawn for."""
    rank = ranks_from_output(nodes)
    for arrow in arrows:
        if arrow.is_copy:
            rank[arrow.tail] = rank[arrow.target.op_id] + 1
    return rank


# ----------------------------------------------------------------------------
# Keeping dot fast
# ----------------------------------------------------------------------------


def hidden_nodes(ranks: Mapping[str, int], arrows: list[Arrow], labelled: bool) -> int:
    """How many hidden helper nodes ``dot`` adds for these arrows (estimated from ``ranks``).

    An arrow spanning ``s`` ranks needs ``s - 1`` helpers. With arrow labels,
    ``dot`` doubles every span to make room for them, and each label is a
    helper too: ``2s - 1`` for every arrow, the arrows out of ops included.
    """
    spans = [ranks[arrow.tail] - ranks[arrow.target.op_id] for arrow in arrows]
    if not labelled:
        return sum(span - 1 for span in spans)
    outputs = len({arrow.target.id for arrow in arrows})  # op -> value: span 1, doubled
    return sum(2 * span - 1 for span in spans) + outputs


def layout_limits(hidden: int, nodes: int) -> dict[str, str]:
    """Graphviz graph attributes that bound ``dot``'s work when there are many hidden nodes.

    ``hidden``: the estimate of ``hidden_nodes``; ``nodes``: how many nodes
    the drawing has. Up to ``HIDDEN_NODE_BUDGET`` hidden nodes nothing is
    limited. Past it:

    * ``nslimit``: network simplex, which places the nodes within their ranks,
      stops after ``nslimit * nodes`` rounds instead of at the best placement.
      Each round costs time in proportion to all nodes, hidden ones included,
      so the rounds allowed shrink as hidden nodes grow (from every round
      that matters, about ``nodes``, down to a few);
    * ``mclimit``: fewer passes of reordering nodes to remove crossings;
    * ``splines=line``: straight arrows, whose routing does not search a way
      around every node they pass.

    The picture is a little less tidy; a graph with that many long arrows is a
    tangle anyway.
    """
    if hidden <= HIDDEN_NODE_BUDGET:
        return {}
    rounds = max(0.01, min(1.0, _ROUNDS_TIMES_HIDDEN / (hidden * max(nodes, 1))))
    return {"nslimit": f"{rounds:.2g}", "mclimit": "0.2", "splines": "line"}


# rounds of network simplex * hidden nodes that dot gets through in about a second
_ROUNDS_TIMES_HIDDEN = 400_000


# ----------------------------------------------------------------------------
# Fitting a screen
# ----------------------------------------------------------------------------

_NODESEP_PT = 0.2 * 72
_RANKSEP_PT = 0.35 * 72


class Footprint(NamedTuple):
    """A drawing's estimated width and height in points."""

    width: float
    height: float

    def scale_to_fit(self, page_width: float = PAGE_WIDTH_PT) -> float:
        """How much the drawing shrinks to fit the page width (1: not at all)."""
        return min(1.0, page_width / self.width) if self.width > 0 else 1.0


def footprint(
    ranks: Mapping[str, float], sizes: Mapping[str, tuple[float, float]], rankdir: str
) -> Footprint:
    """Estimated size of a layout with nodes at ``ranks``, each ``sizes[node]`` = (width, height) in points.

    Left to right, each rank is a column as wide as its widest node, and the
    drawing is as tall as its fullest column; top to bottom, the other way
    round. ``dot`` does better (it staggers nodes), so this is for comparing.
    """
    columns: dict[float, list[tuple[float, float]]] = {}
    for node, rank in ranks.items():
        columns.setdefault(rank, []).append(sizes[node])
    along, across = (0, 1) if rankdir in ("LR", "RL") else (1, 0)
    length = sum(max(size[along] for size in column) for column in columns.values())
    length += _RANKSEP_PT * (len(columns) - 1)
    breadth = max(
        sum(size[across] for size in column) + _NODESEP_PT * (len(column) - 1) for column in columns.values()
    )
    return Footprint(length, breadth) if along == 0 else Footprint(breadth, length)


def choose_rankdir(ranks: Mapping[str, float], sizes: Mapping[str, tuple[float, float]]) -> str:
    """``"LR"`` or ``"TB"``: the direction whose drawing shrinks least to fit a page.

    A long chain is drawn top to bottom (one column to scroll down, rather
    than a strip many screens wide); a broad, shallow graph left to right.
    When both fit, the shorter drawing wins (less to scroll); a tie goes to
    left to right, the way micrograd draws.
    """
    across, down = footprint(ranks, sizes, "LR"), footprint(ranks, sizes, "TB")
    if across.scale_to_fit() != down.scale_to_fit():
        return "LR" if across.scale_to_fit() > down.scale_to_fit() else "TB"
    return "LR" if across.height <= down.height else "TB"
