"""Drawing a Value's expression graph with Graphviz.

:func:`draw_graph` turns the graph behind a Value into a :class:`graphviz.Digraph`,
in the style micrograd made familiar: every Value is a box showing its label,
``data`` and ``grad``; every op is a small oval between a computed Value and the
Values it was computed from. For ``L = (a * b + a).tanh()``::

    [a | data 2 | grad ..] --> (*) --> [data -6 | grad ..] --> (+) --> [data -4 | ..] --> (tanh) --> [L]
    [b | data -3 | grad ..] -/                           a ---/

Reading right to left is reading backward: the grad in each box is
d(root)/d(that box): over every path from the box to the root, the product of
the local derivatives along the path, summed.

The drawing is built in small steps that later features extend:

* :func:`walk_graph` numbers the Values in topological order (inputs first) and
  lists, for each, the ids of its inputs. Ids come from that order, never from
  ``id()``, so the same graph always gives byte-identical DOT source.
* :func:`value_node_style`, :func:`op_node_style` and :func:`edge_style` choose the
  Graphviz attributes of one node or edge.
* :func:`draw_graph` puts the pieces together; :func:`render_svg` and
  :mod:`autograd.drawing.display` (Jupyter) run Graphviz's ``dot`` on the result.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

import graphviz

from autograd.engine import gradients, local_derivatives, topological_order
from autograd.teaching.mistakes import warn_if_no_gradients, warn_if_too_big_to_read
from autograd.teaching.naming import derivative_text, format_number, local_formula, node_names
from autograd.value import Value

__all__ = [
    "DEFAULT_MAX_NODES",
    "INSTALL_GRAPHVIZ",
    "RANKDIRS",
    "GraphNode",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "ValueGraph",
    "draw_graph",
    "edge_style",
    "format_number",
    "op_node_style",
    "render_svg",
    "value_node_style",
    "walk_graph",
]

DEFAULT_MAX_NODES = 500
"""Most Values :func:`draw_graph` draws unless told otherwise. Past a few hundred
boxes a picture is unreadable and ``dot``'s layout takes seconds to minutes."""

RANKDIRS = ("LR", "RL", "TB", "BT")
"""Graphviz layout directions: left to right, right to left, top to bottom, bottom to top."""

INSTALL_GRAPHVIZ = (
    "install Graphviz: apt-get install graphviz / brew install graphviz / "
    "conda install graphviz / https://graphviz.org/download/"
)

# Constants (the 2 in ``2 * x``) are drawn in grey so the variables stand out.
_CONSTANT_COLOR = "gray55"


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


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Graphviz's ``dot`` program is not installed (or not on PATH).

    A subclass of :class:`graphviz.ExecutableNotFound` (itself a RuntimeError),
    so code written against the graphviz package still catches it.
    """

    def __init__(self, message: str) -> None:
        # graphviz.ExecutableNotFound formats its own message from a command
        # line; skip that and keep ours, which says how to install Graphviz.
        RuntimeError.__init__(self, message)


@contextmanager
def _explain_missing_graphviz() -> Iterator[None]:
    try:
        yield
    except GraphvizNotFoundError:
        raise  # already explained
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError(
            f"Graphviz's `dot` program was not found on PATH, so the graph cannot be rendered; "
            f"{INSTALL_GRAPHVIZ} (the DOT source is still available as .source)"
        ) from error


class ValueGraph(graphviz.Digraph):
    """A :class:`graphviz.Digraph` whose rendering says how to install Graphviz if ``dot`` is missing.

    Everything else is the graphviz package's own: ``.source`` (DOT text),
    ``.pipe(format="svg")``, ``.render("L", format="svg")``, ``.view()``, and
    inline display in Jupyter.
    """

    def __repr__(self) -> str:
        nodes = self.source.count("shape=plain")
        return f"<ValueGraph: {nodes} values; .source for DOT, .render(...) or .pipe(...) to draw>"

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        with _explain_missing_graphviz():
            return super().pipe(*args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> str:
        # view() and the graphviz package's own Jupyter display call render/pipe.
        with _explain_missing_graphviz():
            return super().render(*args, **kwargs)


# ----------------------------------------------------------------------------
# The structure: which boxes and arrows there are
# ----------------------------------------------------------------------------


class GraphNode(NamedTuple):
    """One Value as drawn: its node id, the Value, and its inputs' node ids in argument order.

    An input used twice (``a * a``) appears twice in ``input_ids``: one arrow per use.
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

    Raises :class:`GraphTooLargeError` when there are more than ``max_nodes``
    Values (``None``: no limit). The count comes from the iterative topological
    sort alone, so even a graph of millions of nodes is refused promptly.
    """
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise GraphTooLargeError(len(order), max_nodes)
    ids = {value: f"v{index}" for index, value in enumerate(order)}
    return [GraphNode(ids[value], value, tuple(ids[child] for child in value.children)) for value in order]


# ----------------------------------------------------------------------------
# The styles: how each box and arrow looks
# ----------------------------------------------------------------------------


# Highlight colours for the active step of a backward replay, and for gradient signs.
ACTIVE_FILL = "#ffd54f"
ACTIVE_EDGE = "#e65100"
POSITIVE_COLOR = "#1565c0"  # gradient flowing back is positive: blue
NEGATIVE_COLOR = "#c62828"  # negative: red
ZERO_COLOR = "gray60"


def value_node_style(
    value: Value,
    *,
    show_grad: bool = True,
    digits: int = 4,
    grad: float | None = None,
    name: str | None = None,
    active: bool = False,
) -> dict[str, str]:
    """Graphviz attributes of the box for one Value: ``label | data 2 | grad -3``.

    The box is an HTML-like table (one cell per field), so user labels need
    only HTML escaping, not DOT record escaping. Variables' labels are bold;
    constants are grey. ``grad`` overrides the Value's own ``.grad`` (a replay
    shows the gradient as it was at one step); ``name`` is shown when the Value
    has no label (the ``t3`` that explanations and edge labels refer to);
    ``active`` fills the box (the node a backward replay is at).
    """
    cells = []
    if value.label:
        text = html.escape(value.label)
        cells.append(f"<B>{text}</B>" if value.is_leaf and value.op != "const" else text)
    elif name is not None and value.op != "const":
        cells.append(f"<I>{html.escape(name)}</I>")
    cells.append(f"data {format_number(value.data, digits)}")
    if show_grad:
        cells.append(f"grad {format_number(value.grad if grad is None else grad, digits)}")
    row = "".join(f"<TD>{cell}</TD>" for cell in cells)
    fill = f' BGCOLOR="{ACTIVE_FILL}"' if active else ""
    table = f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"{fill}><TR>{row}</TR></TABLE>'
    style = {"shape": "plain", "label": f"<{table}>"}
    if value.op == "const":
        style.update(color=_CONSTANT_COLOR, fontcolor=_CONSTANT_COLOR)
    if active:
        style["class"] = "active"
    return style


def op_node_style(value: Value, *, active: bool = False) -> dict[str, str]:
    """Graphviz attributes of the oval naming the op that computed ``value`` (``*``, ``tanh``, ``**2``).

    ``ordering="in"`` keeps the incoming arrows in argument order (x above y),
    which matters for ``-``, ``/`` and ``**``.
    """
    style = {"label": graphviz.nohtml(value.op), "shape": "ellipse", "ordering": "in"}
    if active:
        style.update({"style": "filled", "fillcolor": ACTIVE_FILL, "class": "active"})
    return style


def edge_style(
    source: Value,
    target: Value,
    position: int,
    *,
    annotation: EdgeAnnotation | None = None,
    active: bool = False,
) -> dict[str, str]:
    """Graphviz attributes of the arrow from input number ``position`` of ``target`` (``source``).

    With an ``annotation`` (``draw_graph(edge_grads=True)``) the arrow is
    labelled with its local derivative, coloured by the sign of the gradient
    it carries back (blue positive, red negative, grey zero) and drawn thicker
    the larger that gradient is. ``active`` marks the arrows of the step a
    backward replay is at.
    """
    style: dict[str, str] = {}
    if annotation is not None:
        flow = annotation.gradient
        color = POSITIVE_COLOR if flow > 0 else NEGATIVE_COLOR if flow < 0 else ZERO_COLOR
        style.update(
            label=graphviz.nohtml(annotation.text),
            color=color,
            fontcolor=color,
            fontsize="10",
            penwidth=f"{1 + 3 * annotation.share:.2f}",
        )
    if active:
        style.update(color=ACTIVE_EDGE, penwidth="3", **{"class": "active"})
    return style


class EdgeAnnotation(NamedTuple):
    """What an annotated arrow shows: ``d t0/d a = b = -3``, and the gradient it carries back."""

    text: str
    gradient: float  # local derivative * d root / d target: what flows back along the arrow
    share: float  # |gradient| relative to the largest in the graph, in [0, 1]


def edge_annotations(
    nodes: list[GraphNode], names: dict[Value, str], grads: Mapping[Value, float], digits: int
) -> dict[tuple[str, int], EdgeAnnotation]:
    """Local derivative and carried gradient of every arrow, keyed by (target id, input position).

    ``grads`` maps each computed Value to d root / d (that Value); the arrow
    into its op from input ``i`` carries ``local derivative i * grads[target]``
    back (0 for a Value missing from ``grads``).
    """
    raw = {}
    for node in nodes:
        target = node.value
        if not target.children:
            continue
        local = local_derivatives(target)
        for position, child in enumerate(target.children):
            formula = local_formula(target, position, names)
            value = float(local[position])
            text = f"d{names[target]}/d{names[child]} = {derivative_text(formula, value, digits)}"
            raw[node.id, position] = (text, value * grads.get(target, 0.0))
    largest = max((abs(g) for _, g in raw.values()), default=0.0) or 1.0
    return {key: EdgeAnnotation(text, g, abs(g) / largest) for key, (text, g) in raw.items()}


# ----------------------------------------------------------------------------
# Clusters: boxes around the nodes of one neuron, layer or LSTM gate
# ----------------------------------------------------------------------------


def cluster_members(order: list[Value], groups: Mapping[str, Iterable[Value]]) -> dict[Value, str]:
    """Which group (neuron, gate...) each node belongs to, from the groups' parameters.

    A parameter belongs to its group. Going from inputs to outputs, a computed
    node joins a group when it uses that group's parameters directly (a
    neuron's weighted sum, ``+ bias``), or when it is a one-input op applied
    to a node of the group (the neuron's activation). Everything else stays
    outside: nodes that mix groups (the next layer's sums, an LSTM's cell
    update) and whatever is computed from a group's output with other inputs
    (a loss such as ``(1 - y) ** 2``).
    """
    owner: dict[Value, str] = {}
    for group, params in groups.items():
        for p in params:
            owner[p] = group
    for node in order:
        if node in owner or not node.children:
            continue
        direct = {owner[c] for c in node.children if c.is_leaf and c in owner}
        if len(direct) == 1:
            owner[node] = direct.pop()
        elif len(node.children) == 1 and node.children[0] in owner:
            owner[node] = owner[node.children[0]]
    return owner


class ClusterBoxes:
    """The Graphviz subgraphs (``cluster_<k>``) for groups, nested where a name has ``/``."""

    def __init__(self, graph: graphviz.Digraph) -> None:
        self.graph = graph
        self.boxes: dict[str, graphviz.Digraph] = {}

    def get(self, group: str | None) -> graphviz.Digraph:
        """The (sub)graph that a node of ``group`` is declared in (the whole graph for None)."""
        if group is None:
            return self.graph
        parts = group.split("/")
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            if path not in self.boxes:
                self.boxes[path] = graphviz.Digraph(
                    name=f"cluster_{len(self.boxes)}",
                    graph_attr={"label": parts[depth - 1], "style": "rounded,dashed", "color": "gray50"},
                )
        return self.boxes[group]

    def close(self) -> None:
        """Put each box into its parent, innermost first (graphviz copies a subgraph when it is added)."""
        for path in sorted(self.boxes, key=lambda p: p.count("/"), reverse=True):
            parent = path.rsplit("/", 1)[0] if "/" in path else None
            (self.boxes[parent] if parent is not None else self.graph).subgraph(self.boxes[path])


def _parameter_groups(clusters: Any) -> Mapping[str, Iterable[Value]]:
    """Accept a mapping of group name -> parameters, or anything with ``parameter_groups()`` (nn modules)."""
    if hasattr(clusters, "parameter_groups"):
        clusters = clusters.parameter_groups()
    if not isinstance(clusters, Mapping):
        raise TypeError(
            "clusters must map group names to their parameter Values, or be a module with "
            f"parameter_groups(); got {type(clusters).__name__}"
        )
    return clusters


# ----------------------------------------------------------------------------
# Putting it together
# ----------------------------------------------------------------------------


def draw_graph(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    digits: int = 4,
    edge_grads: bool = False,
    clusters: Any = None,
    highlight: Value | None = None,
    grads: Mapping[Value, float] | None = None,
    **graph_attrs: str | float,
) -> ValueGraph:
    """The expression graph that ``root`` was computed from, as a Graphviz Digraph.

    Args:
        root: the Value to draw, usually a loss after ``backward()``.
        rankdir: layout direction, one of ``"LR"`` (default), ``"RL"``, ``"TB"``, ``"BT"``.
        show_grad: show each Value's ``grad`` beside its ``data``.
        max_nodes: most Values to draw (``None``: no limit); a larger graph raises
            :class:`GraphTooLargeError` (a ValueError) saying how large it is.
        digits: significant digits of the numbers shown.
        edge_grads: label every arrow with its local derivative (``d t0/d a = b = -3``),
            colour it by the sign of the gradient it carries back (blue +, red -)
            and draw it thicker the larger that gradient. That gradient is
            computed from ``root`` (by :func:`autograd.gradients`, or taken
            from ``grads``), not read from ``.grad``, so the arrows are right
            even before backward has run. Unlabelled computed
            Values then show the names (``t0``) the labels refer to (so they do
            with ``highlight``).
        clusters: draw a box around each group of nodes: a mapping of group name
            to its parameter Values, or an ``nn`` module (its ``parameter_groups()``).
            A ``/`` in a group name nests boxes (``"layer 0/neuron 1"``).
        highlight: a Value to mark as active, with its op and input arrows
            (used by :func:`autograd.drawing.player.step_frames`).
        grads: gradients to show instead of the Values' own ``.grad`` (a Value
            missing from it shows 0); with ``edge_grads``, also the gradients
            the arrows carry.
        **graph_attrs: extra Graphviz graph attributes, e.g. ``dpi="150"``, ``bgcolor="white"``.

    Returns:
        A :class:`ValueGraph` (a ``graphviz.Digraph``): ``.source`` is the DOT text,
        ``.render("L", format="svg")`` writes ``L.svg``, ``.pipe(format="svg")``
        returns the SVG bytes; in Jupyter it displays itself.

    Warns (:class:`autograd.TeachingWarning`) when every gradient shown is 0
    (backward has not run) or the graph is too big to read.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> print(draw_graph(a * 3, show_grad=False).source.count("->"))  # a -> (*), 3 -> (*), (*) -> out
    3
    """
    _check_arguments(root, rankdir, show_grad, max_nodes, digits)
    attributes = {"rankdir": rankdir, **_as_dot_attributes(graph_attrs)}
    nodes = walk_graph(root, max_nodes=max_nodes)
    order = [node.value for node in nodes]
    shown_grads: Mapping[Value, float] = grads if grads is not None else {}
    if show_grad and grads is None:
        warn_if_no_gradients(order)
    warn_if_too_big_to_read(len(order))
    names = node_names(order) if edge_grads or highlight is not None else {}
    annotations = {}
    if edge_grads:
        flowing = grads if grads is not None else dict(zip(order, gradients(root, order)))
        annotations = edge_annotations(nodes, names, flowing, digits)
    owner = cluster_members(order, _parameter_groups(clusters)) if clusters is not None else {}

    graph = ValueGraph(graph_attr=attributes)
    boxes = ClusterBoxes(graph)
    for node in nodes:
        value, active = node.value, node.value is highlight
        box = boxes.get(owner.get(value))
        box.node(
            node.id,
            **value_node_style(
                value,
                show_grad=show_grad,
                digits=digits,
                grad=shown_grads.get(value, 0.0 if grads is not None else None),
                name=names.get(value),
                active=active,
            ),
        )
        if node.input_ids:
            box.node(node.op_id, **op_node_style(value, active=active))
            for position, (input_id, child) in enumerate(zip(node.input_ids, value.children)):
                style = edge_style(
                    child, value, position, annotation=annotations.get((node.id, position)), active=active
                )
                graph.edge(input_id, node.op_id, **style)
            graph.edge(node.op_id, node.id)
    boxes.close()
    return graph


def render_svg(root: Value, **options: Any) -> str:
    """The drawing of ``root``'s graph as SVG text (runs Graphviz's ``dot``).

    ``options`` are those of :func:`draw_graph`. Raises :class:`GraphvizNotFoundError`
    (with install instructions) when ``dot`` is missing.
    """
    return draw_graph(root, **options).pipe(format="svg", encoding="utf-8")


# ----------------------------------------------------------------------------
# Argument checks: a clear message here beats a deep traceback from Graphviz
# ----------------------------------------------------------------------------


def _check_arguments(root: Any, rankdir: Any, show_grad: Any, max_nodes: Any, digits: Any) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph needs a Value, got {type(root).__name__}: {root!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if not isinstance(show_grad, bool):
        raise TypeError(f"show_grad must be True or False, got {show_grad!r}")
    if max_nodes is not None and (not _is_int(max_nodes) or max_nodes < 1):
        raise ValueError(f"max_nodes must be a positive int or None, got {max_nodes!r}")
    if not _is_int(digits) or not 1 <= digits <= 17:
        # a float carries at most 17 significant decimal digits
        raise ValueError(f"digits must be an int from 1 to 17, got {digits!r}")


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _as_dot_attributes(attributes: dict[str, Any]) -> dict[str, str]:
    """Graph attributes as the strings DOT wants; numbers are accepted for convenience (dpi=150)."""
    converted = {}
    for name, value in attributes.items():
        if isinstance(value, str):
            converted[name] = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            converted[name] = str(value)
        else:
            raise TypeError(f"graph attribute {name}= must be a str or a number, got {value!r}")
    return converted
