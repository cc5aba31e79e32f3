"""Drawing a Value's expression graph with Graphviz.

[draw_graph][autograd.drawing.draw.draw_graph] turns the graph behind a Value
into a [ValueGraph][autograd.drawing.run.ValueGraph] (a ``graphviz.Digraph``),
in the style micrograd made familiar: every Value is a box showing its label,
``data`` and ``grad``; every op is a small oval between a computed Value and
the Values it was computed from. For ``L = (a * b + a).tanh()``::

    [a] --> (*) --> [data -6] --> (+) --> [data -4] --> (tanh) --> [data -0.9993]
    [b] -/                       /
    [a] ------------------------'

Reading right to left is reading backward: the grad in each box is
d(root)/d(that box): over every path from the box to the root, the product of
the local derivatives along the path, summed.

The drawing is built in steps:

* [autograd.drawing.layout][] numbers the Values
  ([walk_graph][autograd.drawing.layout.walk_graph]) and plans the arrows
  ([plan_arrows][autograd.drawing.layout.plan_arrows]): one arrow per input of
  an op, and dashed copies of a shared leaf next to far users, so that ``dot``
  stays fast; it also picks the direction that fits a screen
  ([choose_rankdir][autograd.drawing.layout.choose_rankdir]).
* ``value_node_style``, ``op_node_style`` and ``edge_style`` choose the
  Graphviz attributes of one box, oval or arrow. Every text a user chose
  (labels, group names, op names) goes through ``label_text`` (printable,
  at most ``MAX_LABEL_CHARS`` characters) and is escaped for HTML-like labels.
* [draw_graph][autograd.drawing.draw.draw_graph] puts the pieces together;
  [autograd.drawing.run][] runs ``dot`` on the result, always under a time limit.

SVG ids and classes, for styling and for the replay's script (Graphviz puts
``node`` or ``edge`` first in every class list)::

    value box       id="v3"          class="node value of_v3"     (+ leaf or constant, + active)
    copy of a leaf  id="v0_for_op5"  class="node value of_v0 leaf copy"
    op oval         id="op3"         class="node op"              (+ active)
    input arrow     id="e3_0"        class="edge input into_op3"  (argument 0 of op3; + active, + mistake)
    result arrow    id="e3"          class="edge output"          (op3 -> v3; + active)

The ``<title>`` of each group is its DOT name (``v3``, ``op3``, ``v0_for_op5``,
``v1->op3``). A box with a tooltip (a copy, or a shortened name) has its
shapes and texts one level down, inside a link (``<g id="a_v3"><a ...>``).

A box's ``<text>`` pieces come in order: its name (if shown), ``data ...``, ``grad ...``.
An arrow marked as a mistake (``wrong_edges=``) is red, thick and dashed, and its
text starts with ``✗ here``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import graphviz

from autograd.drawing.layout import (
    DEFAULT_MAX_NODES,
    HIDDEN_NODE_BUDGET,
    Arrow,
    GraphNode,
    GraphTooLargeError,
    choose_rankdir,
    drawing_ranks,
    hidden_nodes,
    layout_limits,
    plan_arrows,
    walk_graph,
)
from autograd.drawing.run import (
    DEFAULT_TIMEOUT,
    INSTALL_GRAPHVIZ,
    GraphvizError,
    GraphvizFailedError,
    GraphvizNotFoundError,
    GraphvizTimeoutError,
    ValueGraph,
    check_timeout,
)
from autograd.engine import gradients, local_derivatives
from autograd.teaching.mistakes import warn_if_no_gradients, warn_if_too_big_to_read
from autograd.teaching.naming import (
    derivative_text,
    format_number,
    local_formula,
    node_names,
    printable,
    short_names,
)
from autograd.value import Value

__all__ = [
    "DEFAULT_MAX_NODES",
    "DEFAULT_TIMEOUT",
    "INSTALL_GRAPHVIZ",
    "MAX_LABEL_CHARS",
    "RANKDIRS",
    "GraphNode",
    "GraphTooLargeError",
    "GraphvizError",
    "GraphvizFailedError",
    "GraphvizNotFoundError",
    "GraphvizTimeoutError",
    "ValueGraph",
    "draw_graph",
    "edge_style",
    "format_number",
    "label_text",
    "op_node_style",
    "render_svg",
    "value_node_style",
    "walk_graph",
]

RANKDIRS = ("LR", "RL", "TB", "BT")
"""Graphviz layout directions: left to right, right to left, top to bottom, bottom to top."""

AUTO = "auto"
"""``rankdir="auto"`` (the default): LR or TB, whichever suits the graph's shape
(see [choose_rankdir][autograd.drawing.layout.choose_rankdir])."""

MAX_LABEL_CHARS = 40
"""Longer labels are cut, with an ellipsis, before they reach ``dot``: a box
40 characters wide is already wider than most drawings."""

MAX_ARROW_TEXT_CHARS = 60
"""Longest text on an arrow; the names inside it are cut to ``MAX_NAME_IN_TEXT`` first."""

MAX_NAME_IN_TEXT = 16

MAX_OP_CHARS = 12  # an op oval's text (ops you define yourself may have long names)

# Constants (the 2 in ``2 * x``) are drawn in grey so the variables stand out.
_CONSTANT_COLOR = "gray55"


# ----------------------------------------------------------------------------
# Text that reaches dot: printable, short, escaped
# ----------------------------------------------------------------------------


def label_text(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``text`` as a drawing shows it: ``printable``, at most ``limit`` characters.

    ``"a\\nb"`` becomes ``a\\nb`` (a backslash and an n, as Python writes it),
    and a long label ends in ``…``. Escaping for where it goes (an HTML-like
    label, a DOT string) comes after this.
    """
    shown = printable(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def html_text(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``text`` ready for a Graphviz HTML-like label: shortened (``label_text``), then escaped."""
    return _escape_html(label_text(text, limit))


def _escape_html(text: str) -> str:
    """``<&>"'`` as HTML entities, and backslashes doubled.

    Graphviz reads ``\\N`` in a label as the node's name (``\\G`` the graph's...),
    even in an HTML-like label and even written ``&#92;N``; a doubled backslash
    is one backslash.
    """
    return html.escape(text).replace("\\", "\\\\")


def _tooltip(text: str) -> str:
    """``text`` as a DOT tooltip: Graphviz reads a tooltip's backslashes twice (``\\\\N`` is still
    the node's name there), so each becomes four; the graphviz package escapes the quotes."""
    return graphviz.nohtml(text.replace("\\", "\\" * 4))


def _html_label(content: str) -> str:
    """Mark ``content`` as an HTML-like label (the graphviz package then does no quoting)."""
    return f"<{content}>"


# ----------------------------------------------------------------------------
# The styles: how each box and arrow looks
# ----------------------------------------------------------------------------


# Highlight colours for the active step of a backward replay, and for gradient signs.
ACTIVE_FILL = "#ffd54f"
ACTIVE_EDGE = "#e65100"
POSITIVE_COLOR = "#1565c0"  # gradient flowing back is positive: blue
NEGATIVE_COLOR = "#c62828"  # negative: red
ZERO_COLOR = "gray60"
# An arrow where a learner's mistake was made (``wrong_edges=``): a brighter red than
# NEGATIVE_COLOR, and never by colour alone: thick, dashed, and with a text.
MISTAKE_COLOR = "#d50000"
MISTAKE_MARK = "✗ here"
MISTAKE_PENWIDTH = "3"

VALUE_FONT_SIZE = 12
OP_FONT_SIZE = 11
ARROW_FONT_SIZE = 9


def value_cells(
    value: Value,
    *,
    show_grad: bool = True,
    digits: int = 4,
    grad: float | None = None,
    name: str | None = None,
) -> list[str]:
    """The text of each row of a Value's box, unescaped: its name (if any), ``data 2``, ``grad -3``."""
    cells = [label_text(name)] if name else []
    cells.append(f"data {format_number(value.data, digits)}")
    if show_grad:
        cells.append(f"grad {format_number(value.grad if grad is None else grad, digits)}")
    return cells


def value_node_style(
    value: Value,
    *,
    show_grad: bool = True,
    digits: int = 4,
    grad: float | None = None,
    name: str | None = None,
    active: bool = False,
    node_id: str = "",
    copy_of: str | None = None,
) -> dict[str, str]:
    """Graphviz attributes of the box for one Value: its name, ``data 2`` and ``grad -3``, stacked.

    The box is an HTML-like table, one row per field: stacked rows keep boxes
    narrow, so more of them fit across a screen. The top row is ``name`` if
    given (the short name of a parameter in a cluster, or the ``t3`` that
    explanations and arrow texts refer to, in italics), else the Value's label
    (bold for a variable); constants have no top row, their data says it all.
    User text needs only HTML escaping here (``html_text``).

    ``grad`` overrides the Value's own ``.grad`` (a replay shows the gradient
    as it was at one step); ``active`` fills the box (the node a backward
    replay is at). ``node_id`` sets the SVG id and classes (see the module
    doc); a ``copy_of`` box is dashed: the same Value, drawn again near a far user.
    """
    if value.op == "const":
        name = None
    elif name is None:
        name = value.label or None
    rows = [
        _escape_html(cell)
        for cell in value_cells(value, show_grad=show_grad, digits=digits, grad=grad, name=name)
    ]
    if name and not value.label:
        rows[0] = f"<I>{rows[0]}</I>"  # a name the drawing made up
    elif name and value.is_leaf:
        rows[0] = f"<B>{rows[0]}</B>"  # a variable
    body = "<HR/>".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
    fill = f' BGCOLOR="{ACTIVE_FILL}"' if active else ""
    dashed = ' STYLE="dashed"' if copy_of is not None else ""
    table = f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2"{fill}{dashed}>{body}</TABLE>'
    style = {"shape": "plain", "label": _html_label(table), "fontsize": str(VALUE_FONT_SIZE)}
    if node_id:
        style["id"] = node_id
    classes = ["value", f"of_{copy_of or node_id}"] if node_id else ["value"]
    if value.op == "const":
        style.update(color=_CONSTANT_COLOR, fontcolor=_CONSTANT_COLOR)
        classes.append("constant")
    elif value.is_leaf:
        classes.append("leaf")
    if copy_of is not None:
        classes.append("copy")
        style["tooltip"] = _tooltip(f"the same value as {copy_of}, drawn again next to the op that uses it")
    elif value.label and name != value.label:
        style["tooltip"] = _tooltip(label_text(value.label, 200))  # the full name of a short one
    if active:
        classes.append("active")
    style["class"] = " ".join(classes)
    return style


def op_node_style(value: Value, *, active: bool = False, node_id: str = "") -> dict[str, str]:
    """Graphviz attributes of the oval naming the op that computed ``value`` (``*``, ``tanh``, ``**2``).

    ``ordering="in"`` asks for the incoming arrows in argument order (x before
    y), which matters for ``-``, ``/`` and ``**``. ``node_id`` sets the SVG id.
    """
    style = {
        "label": _html_label(html_text(value.op, MAX_OP_CHARS)),
        "shape": "ellipse",
        "ordering": "in",
        "fontsize": str(OP_FONT_SIZE),
        "width": "0.3",
        "height": "0.3",
        "margin": "0.04,0.02",
        "class": "op",
    }
    if node_id:
        style["id"] = node_id
    if active:
        style.update({"style": "filled", "fillcolor": ACTIVE_FILL, "class": "op active"})
    return style


class EdgeAnnotation(NamedTuple):
    """What an annotated arrow shows: ``d t0/d a = b = -3``, and the gradient it carries back."""

    text: str
    gradient: float  # local derivative * d root / d target: what flows back along the arrow
    share: float  # |gradient| relative to the largest in the graph, in [0, 1]


def edge_style(
    source: Value,
    target: Value,
    position: int,
    *,
    annotation: EdgeAnnotation | None = None,
    active: bool = False,
    uses: int = 1,
    text_attribute: str = "label",
    mistake: bool = False,
) -> dict[str, str]:
    """Graphviz attributes of the arrow from input number ``position`` of ``target`` (``source``).

    ``uses`` > 1: the op uses this input several times (``a * a``), and its one
    arrow says ``×2``. With an ``annotation`` (``draw_graph(edge_grads=True)``)
    the arrow shows its local derivative, is coloured by the sign of the
    gradient it carries back (blue positive, red negative, grey zero) and is
    drawn thicker the larger that gradient is. ``active`` marks the arrows of
    the step a backward replay is at. ``mistake`` marks the arrow where a
    learner went wrong: red, thick and dashed, its text starting with ``✗ here``
    (it wins over the other colours, and its mark is never cut off).

    The text goes in ``text_attribute``: ``"label"`` makes room for it in the
    layout; ``"xlabel"`` is placed afterwards, which costs ``dot`` nothing
    (see ``autograd.drawing.layout.hidden_nodes``).
    """
    style: dict[str, str] = {}
    texts = [f"×{uses}"] if uses > 1 else []
    if annotation is not None:
        flow = annotation.gradient
        color = POSITIVE_COLOR if flow > 0 else NEGATIVE_COLOR if flow < 0 else ZERO_COLOR
        style.update(color=color, fontcolor=color, penwidth=f"{1 + 3 * annotation.share:.2f}")
        if annotation.text:
            texts.append(annotation.text)
    if mistake:
        style[text_attribute] = _html_label(mistake_text(": ".join(texts)))
    elif texts:
        style[text_attribute] = _html_label(html_text(": ".join(texts), MAX_ARROW_TEXT_CHARS))
    if text_attribute in style:
        style["fontsize"] = str(ARROW_FONT_SIZE)
    if active:
        style.update(color=ACTIVE_EDGE, penwidth="3")
    if mistake:  # over the colours above
        style.update(color=MISTAKE_COLOR, fontcolor=MISTAKE_COLOR, penwidth=MISTAKE_PENWIDTH, style="dashed")
    return style


def mistake_text(text: str) -> str:
    """The text of a mistake's arrow: ``✗ here`` in bold, then the arrow's own ``text`` (if any).

    The whole stays within ``MAX_ARROW_TEXT_CHARS`` (``text`` is cut, never the
    mark), and sits in a padded table so that the thick dashed line does not
    run through its first letters.
    """
    rest = html_text(text, MAX_ARROW_TEXT_CHARS - len(MISTAKE_MARK) - 2) if text else ""
    shown = f"<B>{MISTAKE_MARK}</B>" + (f": {rest}" if rest else "")
    return (
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"><TR><TD>{shown}</TD></TR></TABLE>'
    )


def edge_annotations(
    nodes: list[GraphNode], names: dict[Value, str], grads: Mapping[Value, float], digits: int
) -> dict[tuple[str, int], EdgeAnnotation]:
    """Local derivative and carried gradient of every arrow, keyed by (target id, first input position).

    ``grads`` maps each computed Value to d root / d (that Value); the arrow
    into its op from input ``i`` carries ``local derivative i * grads[target]``
    back (0 for a Value missing from ``grads``). An input used at several
    positions has one arrow, whose local derivative is the sum over them
    (d(a*a)/da = a + a). Arrows from constants carry no text: nothing needs
    the gradient of a number.
    """
    short = {value: label_text(name, MAX_NAME_IN_TEXT) for value, name in names.items()}
    raw = {}
    for node in nodes:
        target = node.value
        if not target.children:
            continue
        local = local_derivatives(target)
        for child, positions in _positions_by_input(target).items():
            formulas = [local_formula(target, position, short) for position in positions]
            value = math.fsum(float(local[position]) for position in positions)
            text = ""
            if child.op != "const":
                formula = _sum_of(formulas)
                text = f"d{short[target]}/d{short[child]} = {derivative_text(formula, value, digits)}"
            raw[node.id, positions[0]] = (text, value * grads.get(target, 0.0))
    largest = max((abs(g) for _, g in raw.values()), default=0.0) or 1.0
    return {key: EdgeAnnotation(text, g, abs(g) / largest) for key, (text, g) in raw.items()}


def _positions_by_input(target: Value) -> dict[Value, list[int]]:
    """Each distinct input of ``target`` with the argument positions where it is used."""
    positions: dict[Value, list[int]] = {}
    for position, child in enumerate(target.children):
        positions.setdefault(child, []).append(position)
    return positions


def _sum_of(formulas: list[str]) -> str:
    """``b`` for one use; ``2 × (x)`` for equal formulas; ``f + g`` otherwise."""
    if len(formulas) == 1:
        return formulas[0]
    if len(set(formulas)) == 1:
        return (
            f"{len(formulas)} × {formulas[0]}"
            if " " not in formulas[0]
            else f"{len(formulas)} × ({formulas[0]})"
        )
    return " + ".join(f"({f})" if " " in f else f for f in formulas)


def legend_label(mistakes: bool = False) -> str:
    """The key to the arrows of ``edge_grads=True``, as an HTML-like label (the graph's title).

    ``mistakes``: some arrows are marked ``wrong_edges``; a last row tells their
    red from the red of a negative gradient.
    """

    def swatch(color: str, text: str) -> str:
        return f'<FONT COLOR="{color}"><B>——</B> {text}</FONT>'

    colours = "   ".join(
        [swatch(POSITIVE_COLOR, "positive"), swatch(NEGATIVE_COLOR, "negative"), swatch(ZERO_COLOR, "zero")]
    )
    rows = [
        "arrows: the local derivative d out / d in;",
        "colour: the gradient carried back to the input",
        colours,
        "width: the size of that gradient",
    ]
    if mistakes:
        mark = f"<B>- - -</B> dashed, {MISTAKE_MARK}: where the mistake was made"
        rows.append(f'<FONT COLOR="{MISTAKE_COLOR}">{mark}</FONT>')
    cells = "".join(f'<TR><TD ALIGN="LEFT">{row}</TD></TR>' for row in rows)
    table = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>'
    return _html_label(f'<FONT POINT-SIZE="{ARROW_FONT_SIZE + 1}">{table}</FONT>')


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
                label = graphviz.escape(label_text(parts[depth - 1]))
                self.boxes[path] = graphviz.Digraph(
                    name=f"cluster_{len(self.boxes)}",
                    graph_attr={"label": label, "style": "rounded,dashed", "color": "gray50"},
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
    return {str(group): list(params) for group, params in clusters.items()}


# ----------------------------------------------------------------------------
# Arrows marked as mistakes (wrong_edges=)
# ----------------------------------------------------------------------------


def wrong_arrow_keys(
    nodes: list[GraphNode], wrong_edges: Iterable[tuple[Value, int]] | None
) -> frozenset[tuple[str, int]]:
    """Each edge ``(node, index)`` of ``wrong_edges`` as (node id, index): the key of its arrow.

    Raises TypeError for anything but ``(Value, int)`` pairs, and ValueError for
    a Value that is not in the drawing or an index at which it has no input.
    """
    if wrong_edges is None:
        return frozenset()
    if isinstance(wrong_edges, tuple) and len(wrong_edges) == 2 and isinstance(wrong_edges[0], Value):
        raise TypeError(
            "wrong_edges takes a list of (node, index) pairs; for one edge, write wrong_edges=[(node, index)]"
        )
    if not isinstance(wrong_edges, Iterable):
        raise TypeError(
            f"wrong_edges must be a list of (node, index) pairs, got {type(wrong_edges).__name__}"
        )
    ids = {node.value: node.id for node in nodes}
    return frozenset((ids[node], index) for node, index in (_checked_edge(edge, ids) for edge in wrong_edges))


def _checked_edge(edge: Any, ids: Mapping[Value, str]) -> tuple[Value, int]:
    """``edge`` itself, if it is ``(node, index)`` with ``node`` drawn and an input at ``index``."""
    if not isinstance(edge, tuple) or len(edge) != 2:
        raise TypeError(f"each wrong edge must be a pair (node, index), got {edge!r}")
    node, index = edge
    if not isinstance(node, Value):
        raise TypeError(
            f"a wrong edge (node, index) needs a Value as node, got {type(node).__name__}: {node!r}"
        )
    if not _is_int(index):
        raise TypeError(
            f"a wrong edge (node, index) needs an int as index, got {type(index).__name__}: {index!r}"
        )
    name = _value_text(node)
    if node not in ids:
        raise ValueError(f"wrong_edges has an edge from {name}, which is not in the graph being drawn")
    count = len(node.children)
    if not 0 <= index < count:
        has = {0: "no inputs (it is a leaf)", 1: "one input only, index 0"}.get(
            count, f"inputs 0 to {count - 1} only"
        )
        raise ValueError(f"wrong_edges has the edge ({name}, {index}), but {name} has {has}")
    return node, index


def _value_text(value: Value) -> str:
    """A Value for an error message: its label, or its op and data."""
    if value.label:
        return repr(label_text(value.label))
    return f"the {value.op or 'leaf'} Value with data {format_number(value.data)}"


def _is_wrong(arrow: Arrow, wrong: frozenset[tuple[str, int]]) -> bool:
    """Is the arrow marked? It is when any of the input positions it stands for is (``a * a``: 0 or 1)."""
    return any((arrow.target.id, position) in wrong for position in arrow.positions)


def _arrow_texts(
    arrows: list[Arrow],
    annotations: Mapping[tuple[str, int], EdgeAnnotation],
    wrong: frozenset[tuple[str, int]],
) -> dict[str, str]:
    """The text of every arrow that has one, by arrow id (a lone ``×2`` aside): for sizes."""
    texts = {}
    for arrow in arrows:
        parts = [MISTAKE_MARK] if _is_wrong(arrow, wrong) else []
        annotation = annotations.get((arrow.target.id, arrow.positions[0]))
        if annotation is not None and annotation.text:
            parts.append(annotation.text)
        if parts:
            texts[arrow.id] = ": ".join(parts)
    return texts


# ----------------------------------------------------------------------------
# Putting it together
# ----------------------------------------------------------------------------


def draw_graph(
    root: Value,
    *,
    rankdir: str = AUTO,
    show_grad: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    digits: int = 4,
    edge_grads: bool = False,
    clusters: Any = None,
    highlight: Value | None = None,
    grads: Mapping[Value, float] | None = None,
    show_names: bool | None = None,
    wrong_edges: Iterable[tuple[Value, int]] | None = None,
    neurons: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    **graph_attrs: str | float,
) -> ValueGraph:
    """The expression graph that ``root`` was computed from, as a Graphviz Digraph.

    Args:
        root: the Value to draw, usually a loss after ``backward()``.
        rankdir: layout direction: ``"auto"`` (default) picks left to right or
            top to bottom, whichever fits a screen better (a long chain goes
            down the page); or one of ``"LR"``, ``"RL"``, ``"TB"``, ``"BT"``.
        show_grad: show each Value's ``grad`` below its ``data``.
        max_nodes: most Values to draw (``None``: no limit); a larger graph raises
            [GraphTooLargeError][autograd.drawing.layout.GraphTooLargeError]
            (a ValueError) saying how large it is.
        digits: significant digits of the numbers shown.
        edge_grads: label every arrow with its local derivative (``dt0/da = b = -3``),
            colour it by the sign of the gradient it carries back (blue +, red -)
            and draw it thicker the larger that gradient; a legend says so. That
            gradient is computed from ``root`` (by [gradients][autograd.engine.gradients],
            or taken from ``grads``), not read from ``.grad``, so the arrows are
            right even before backward has run. Unlabelled computed Values then
            show the names (``t0``) the labels refer to (so they do with ``highlight``).
        clusters: draw a box around each group of nodes: a mapping of group name
            to its parameter Values, or an ``nn`` module (its ``parameter_groups()``).
            A ``/`` in a group name nests boxes (``"layer 0/neuron 1"``). Inside a
            box, parameters show short names (``w0`` for ``layers.0.neurons.4.w.0``).
        highlight: a Value to mark as active, with its op and input arrows
            (a step of a backward replay).
        grads: gradients to show instead of the Values' own ``.grad`` (a Value
            missing from it shows 0); with ``edge_grads``, also the gradients
            the arrows carry.
        show_names: show the names (``t0``, ``t1``...) of unlabelled computed
            Values; None (default) shows them when ``edge_grads`` or ``highlight``
            is given, whose texts refer to them.
        wrong_edges: arrows to mark as where a mistake was made, each a pair
            ``(node, index)``: the arrow into ``node``'s op from its input
            ``node.children[index]`` (the edges a
            [Mistake][autograd.teaching.diagnosis.places.Mistake] changed).
            Each is drawn red, thick and dashed, its text starting with
            ``✗ here``. An input used twice (``a * a``) has one arrow for both
            indexes; a leaf drawn again next to a far user has its copy's arrow marked.
        neurons: draw each neuron (``f(w·x + b)``, as ``nn`` computes it) as one box
            holding a table of its weights, bias and output, each with data and
            grad (see [autograd.drawing.neurons][]): a model's graph shrinks to a
            few boxes per layer. Left to right; not with ``edge_grads``,
            ``clusters``, ``highlight``, ``grads`` or ``wrong_edges``.
        timeout: seconds Graphviz's ``dot`` may take when the graph is rendered
            (``.pipe``, ``.render``, Jupyter); past it,
            [GraphvizTimeoutError][autograd.drawing.run.GraphvizTimeoutError].
        **graph_attrs: extra Graphviz graph attributes, e.g. ``dpi="150"``, ``bgcolor="white"``.

    Returns:
        A [ValueGraph][autograd.drawing.run.ValueGraph] (a ``graphviz.Digraph``):
        ``.source`` is the DOT text, ``.render("L", format="svg")`` writes ``L.svg``,
        ``.pipe(format="svg")`` returns the SVG bytes; in Jupyter it displays itself.

    Warns ([TeachingWarning][autograd.teaching.mistakes.TeachingWarning]) when
    every gradient shown is 0 (backward has not run) or the graph is too big to read.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> print(draw_graph(a * 3, show_grad=False).source.count("->"))  # a -> (*), 3 -> (*), (*) -> out
    3
    """
    _check_arguments(root, rankdir, show_grad, max_nodes, digits)
    check_timeout(timeout)
    extra_attributes = _as_dot_attributes(graph_attrs)
    if neurons:
        _refuse_with_neurons(
            rankdir,
            edge_grads=edge_grads,
            clusters=clusters,
            highlight=highlight,
            grads=grads,
            wrong_edges=wrong_edges,
        )
        from autograd.drawing.neurons import draw_neuron_graph  # it builds on this module

        graph = draw_neuron_graph(
            root, show_grad=show_grad, digits=digits, max_nodes=max_nodes, timeout=timeout
        )
        graph.graph_attr.update(extra_attributes)
        return graph
    nodes = walk_graph(root, max_nodes=max_nodes)
    wrong = wrong_arrow_keys(nodes, wrong_edges)
    order = [node.value for node in nodes]
    if show_grad and grads is None:
        warn_if_no_gradients(order)
    warn_if_too_big_to_read(len(order))
    groups = _parameter_groups(clusters) if clusters is not None else {}
    names = {**node_names(order), **short_names(groups)}  # what formulas and arrow texts call each value
    # a box's top row: its label (short in a cluster), and t0, t1... when arrow texts refer to them
    if show_names is None:
        show_names = edge_grads or highlight is not None
    shown = {v: n for v, n in names.items() if v.label or show_names}
    annotations = {}
    if edge_grads:
        flowing = grads if grads is not None else dict(zip(order, gradients(root, order)))
        annotations = edge_annotations(nodes, names, flowing, digits)
    arrows = plan_arrows(nodes)
    ranks = drawing_ranks(nodes, arrows)
    texts = _arrow_texts(arrows, annotations, wrong)
    labelled = bool(texts) or any(len(a.positions) > 1 for a in arrows)
    # a label gets room in the layout but costs dot a hidden node; past the budget, xlabels
    over_budget = hidden_nodes(ranks, arrows, labelled) > HIDDEN_NODE_BUDGET
    box = _BoxMaker(show_grad, digits, grads, highlight, shown)

    if rankdir == AUTO:
        rankdir = _auto_direction(nodes, arrows, ranks, box, texts)
    attributes = {"rankdir": rankdir, "nodesep": "0.2", "ranksep": "0.35", "newrank": "true"}
    attributes.update(layout_limits(hidden_nodes(ranks, arrows, labelled and not over_budget), len(ranks)))
    if edge_grads:
        attributes.update(label=legend_label(mistakes=bool(wrong)), labelloc="t", labeljust="l")
    graph = ValueGraph(graph_attr={**attributes, **extra_attributes})
    graph.value_count, graph.timeout = len(nodes), timeout
    owner = cluster_members(order, groups) if groups else {}
    text_attribute = "xlabel" if over_budget else "label"
    _add_boxes_and_arrows(graph, nodes, arrows, box, owner, annotations, wrong, text_attribute)
    return graph


def _refuse_with_neurons(rankdir: str, **options: Any) -> None:
    """``neurons=True`` draws its own way: the options that shape a full drawing do not apply."""
    clashing = [name for name, given in options.items() if given is not None and given is not False]
    if rankdir not in (AUTO, "LR"):
        clashing.append("rankdir")
    if clashing:
        raise ValueError(
            f"neurons=True draws one box per neuron, left to right; it does not take {clashing[0]}= "
            "(draw the full graph for that)"
        )


class _BoxMaker(NamedTuple):
    """What every box of one drawing shares: the options of ``draw_graph`` that shape a box."""

    show_grad: bool
    digits: int
    grads: Mapping[Value, float] | None
    highlight: Value | None
    names: Mapping[Value, str]  # the top row of each box that has one

    def style(self, value: Value, node_id: str, copy_of: str | None = None) -> dict[str, str]:
        """The box of ``value`` (see ``value_node_style``); a copy is never the active one."""
        return value_node_style(
            value,
            show_grad=self.show_grad,
            digits=self.digits,
            grad=None if self.grads is None else self.grads.get(value, 0.0),
            name=self.names.get(value),
            active=value is self.highlight and copy_of is None,
            node_id=node_id,
            copy_of=copy_of,
        )

    def cells(self, value: Value) -> list[str]:
        """The rows of the box of ``value`` (for estimating its size)."""
        name = None if value.op == "const" else self.names.get(value)
        return value_cells(value, show_grad=self.show_grad, digits=self.digits, name=name)


def _add_boxes_and_arrows(
    graph: ValueGraph,
    nodes: list[GraphNode],
    arrows: list[Arrow],
    box: _BoxMaker,
    owner: Mapping[Value, str],
    annotations: Mapping[tuple[str, int], EdgeAnnotation],
    wrong: frozenset[tuple[str, int]],
    text_attribute: str,
) -> None:
    """Every box and oval (each in its cluster), then the arrows into each op and out of it.

    ``wrong`` holds the (op's node id, input position) of the arrows to mark as mistakes.
    """
    boxes = ClusterBoxes(graph)
    by_id = {node.id: node for node in nodes}
    # top to bottom, layers side by side make a staircase that is far too wide (see _crosses_boxes)
    vertical = graph.graph_attr.get("rankdir") in ("TB", "BT")
    for node in nodes:
        cluster = boxes.get(owner.get(node.value))
        cluster.node(node.id, **box.style(node.value, node.id))
        if node.input_ids:
            is_active = node.value is box.highlight
            cluster.node(node.op_id, **op_node_style(node.value, active=is_active, node_id=node.op_id))
    for into_one_op in _by_target(arrows):
        for arrow in into_one_op:
            if arrow.is_copy:  # the copy goes where the leaf itself goes (a parameter: in its cluster)
                leaf = by_id[arrow.input_id].value
                boxes.get(owner.get(leaf)).node(arrow.tail, **box.style(leaf, arrow.tail, arrow.input_id))
            crossing = vertical and _crosses_boxes(
                owner.get(by_id[arrow.input_id].value), owner.get(arrow.target.value)
            )
            mistake = _is_wrong(arrow, wrong)
            _draw_arrow(graph, arrow, annotations, box.highlight, text_attribute, crossing, mistake)
        target = into_one_op[0].target
        output_class = "output active" if target.value is box.highlight else "output"
        graph.edge(target.op_id, target.id, id=f"e{target.id[1:]}", **{"class": output_class})
    boxes.close()


def _crosses_boxes(source_group: str | None, target_group: str | None) -> bool:
    """Does an arrow go from one outermost box (a layer) into another?

    Such an arrow gets one empty rank in between: then the two boxes share no
    rank, and dot can put one under the other instead of side by side.
    """
    if source_group is None or target_group is None:
        return False
    return source_group.split("/")[0] != target_group.split("/")[0]


def _by_target(arrows: list[Arrow]) -> list[list[Arrow]]:
    """The arrows grouped by the op they lead to, in drawing order."""
    groups: dict[str, list[Arrow]] = {}
    for arrow in arrows:
        groups.setdefault(arrow.target.id, []).append(arrow)
    return list(groups.values())


def _draw_arrow(
    graph: graphviz.Digraph,
    arrow: Arrow,
    annotations: Mapping[tuple[str, int], EdgeAnnotation],
    highlight: Value | None,
    text_attribute: str,
    crosses_boxes: bool = False,
    mistake: bool = False,
) -> None:
    """One arrow into an op (from the input's box, or from its copy), styled by ``edge_style``.

    Its SVG classes say what it is: ``input into_op3``, plus ``active`` (the
    highlighted step) and ``mistake`` (marked by ``wrong_edges``).
    """
    target = arrow.target.value
    active = target is highlight
    position = arrow.positions[0]
    style = edge_style(
        target.children[position],
        target,
        position,
        annotation=annotations.get((arrow.target.id, position)),
        active=active,
        uses=len(arrow.positions),
        text_attribute=text_attribute,
        mistake=mistake,
    )
    classes = ["input", f"into_{arrow.target.op_id}"]
    classes += ["active"] if active else []
    classes += ["mistake"] if mistake else []
    style["class"] = " ".join(classes)
    if crosses_boxes:
        style["minlen"] = "2"
    graph.edge(arrow.tail, arrow.target.op_id, id=arrow.id, **style)


# Rough sizes in points, for choosing a direction only (dot measures the real ones).
_CHAR_PT = {VALUE_FONT_SIZE: 6.6, OP_FONT_SIZE: 6.0, ARROW_FONT_SIZE: 5.0}
_ROW_PT = 17.0  # one row of a value box
_OP_PT = (24.0, 22.0)  # smallest op oval, width and height


def _auto_direction(
    nodes: list[GraphNode],
    arrows: list[Arrow],
    ranks: Mapping[str, int],
    box: _BoxMaker,
    arrow_texts: Mapping[str, str],
) -> str:
    """The direction ``choose_rankdir`` picks, from the ranks and rough sizes of all that is drawn."""
    sizes: dict[str, tuple[float, float]] = {}
    for node in nodes:
        cells = box.cells(node.value)
        sizes[node.id] = (max(map(len, cells)) * _CHAR_PT[VALUE_FONT_SIZE] + 8, len(cells) * _ROW_PT + 4)
        if node.input_ids:
            op = label_text(node.value.op, MAX_OP_CHARS)
            sizes[node.op_id] = (max(_OP_PT[0], len(op) * _CHAR_PT[OP_FONT_SIZE] + 10), _OP_PT[1])
    placed: dict[str, float] = dict(ranks)
    for arrow in arrows:
        sizes[arrow.tail] = sizes[arrow.input_id]
        text = arrow_texts.get(arrow.id)
        if text:  # dot puts an arrow's label in a rank of its own, between the arrow's ends
            placed[arrow.id] = ranks[arrow.target.op_id] + 0.5
            shown = min(len(text), MAX_ARROW_TEXT_CHARS)
            sizes[arrow.id] = (shown * _CHAR_PT[ARROW_FONT_SIZE], 12.0)
    return choose_rankdir(placed, sizes)


def render_svg(root: Value, **options: Any) -> str:
    """The drawing of ``root``'s graph as SVG text (runs Graphviz's ``dot``, under a time limit).

    ``options`` are those of [draw_graph][autograd.drawing.draw.draw_graph]
    (``timeout=`` included). Raises
    [GraphvizNotFoundError][autograd.drawing.run.GraphvizNotFoundError] (with
    install instructions) when ``dot`` is missing and
    [GraphvizTimeoutError][autograd.drawing.run.GraphvizTimeoutError] when it
    takes too long.
    """
    svg: str = draw_graph(root, **options).pipe(format="svg", encoding="utf-8")
    return svg


# ----------------------------------------------------------------------------
# Argument checks: a clear message here beats a deep traceback from Graphviz
# ----------------------------------------------------------------------------


def _check_arguments(root: Any, rankdir: Any, show_grad: Any, max_nodes: Any, digits: Any) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph needs a Value, got {type(root).__name__}: {root!r}")
    if rankdir != AUTO and rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {AUTO}, {', '.join(RANKDIRS)}, got {rankdir!r}")
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
