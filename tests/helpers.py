"""Helpers shared by the teaching, drawing and command-line tests (no test lives here).

* :func:`issue_example`, :func:`chain`: small graphs the tests draw and record.
* :func:`every_kind_of_node`: a fixed graph with every kind of node, beside
  the random graphs of :mod:`tests.strategies`.
* :func:`read_svg`, :func:`edge_groups`: what a
  Graphviz SVG shows, parsed as XML.
* :func:`dot_edges`, :func:`dot_nodes`, :func:`dot_graph_attributes`: the
  arrows, nodes and graph attributes of a DOT source.
* :func:`html_label_text`: the text an HTML-like label shows.
* :func:`arrow_spans`: how many ranks each arrow of a DOT source crosses (the
  long arrows that made ``dot`` slow).
* :func:`markdown_page`, :func:`table_cells`, :func:`latex_problems`: what
  Markdown and LaTeX output turn into, to check that labels cannot break it.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from autograd import Value, dot, sum_values

# ----------------------------------------------------------------------------
# Small graphs
# ----------------------------------------------------------------------------


class IssueExample(NamedTuple):
    """The graph of the issue that asked for drawings: L = tanh(a*b + a) at a=2, b=-3."""

    a: Value
    b: Value
    c: Value  # a * b
    L: Value


def issue_example(*, output_label: str = "", run_backward: bool = False) -> IssueExample:
    """A fresh copy of the issue's graph; ``a`` is used twice (by ``*`` and by ``+``).

    Topological order, as drawn: v0 = a, v1 = b, v2 = a*b, v3 = a*b + a, v4 = L.
    """
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    L = (c + a).tanh()
    L.label = output_label
    if run_backward:
        L.backward()
    return IssueExample(a, b, c, L)


def chain(length: int) -> Value:
    """A long thin graph of about ``1.5 * length`` Values: ``* 1.0001`` and ``tanh``, alternating."""
    x = Value(0.5, label="x")
    y = x
    for _ in range(length):
        y = y * 1.0001 if len(y.children) != 2 else y.tanh()
    return y


def every_kind_of_node() -> Value:
    """A graph with one node of every kind the drawings and tools must handle.

    One, two and many inputs (``sum``, ``dot``), number constants, a number
    exponent (``**3``) and base (``2**``), an input used twice by one op, a
    diamond, and a leaf that the output does not reach through every path.
    """
    x, y, z = Value(0.7, label="x"), Value(-1.2, label="y"), Value(0.4, label="z")
    h = (x * y + 1).tanh()
    s = sum_values([h, x * x, 2**z])
    d = dot([h, y.sigmoid()], [s, 0.5])
    return (d / (1 + z * z)) ** 3 - abs(h).log() + s.exp()


# ----------------------------------------------------------------------------
# Reading Graphviz output
# ----------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
"""The SVG namespace, as ElementTree writes it in front of tag names."""


@dataclass
class Picture:
    """What a rendered SVG shows: node id -> its text pieces, and the edges as (tail, head)."""

    nodes: dict[str, list[str]]
    edges: Counter[tuple[str, str]]
    positions: dict[str, tuple[float, float]]  # node id -> (x, y) of its first text; y grows downward
    classes: dict[str, list[str]]  # node or edge id (title) -> its classes after "node" / "edge"
    ids: dict[str, str]  # node or edge title -> the SVG id of its group


def svg_classes(element: ET.Element) -> list[str]:
    """The classes of an SVG element (Graphviz writes ``node`` or ``edge`` first, then the drawing's own)."""
    return (element.get("class") or "").split()


def read_svg(svg: str | bytes) -> Picture:
    """Parse Graphviz SVG output into nodes, edges, positions, classes and ids.

    Graphviz writes one ``<g class="node ...">`` per node and one ``<g class="edge ...">``
    per edge, each with a ``<title>`` (the node id, or ``tail->head``) and the
    node's ``<text>`` pieces.
    """
    root = ET.fromstring(svg)
    nodes, positions, classes, ids = {}, {}, {}, {}
    edges: Counter[tuple[str, str]] = Counter()
    for group in root.iter(f"{SVG}g"):
        title = group.findtext(f"{SVG}title") or ""
        texts = list(group.iter(f"{SVG}text"))  # (inside a link, when the node has a tooltip)
        kind = svg_classes(group)
        if kind[:1] == ["node"]:
            nodes[title] = [t.text or "" for t in texts]
            positions[title] = (float(texts[0].get("x", "nan")), float(texts[0].get("y", "nan")))
        elif kind[:1] == ["edge"]:
            tail, head = title.split("->")
            edges[tail, head] += 1
        else:
            continue
        classes[title], ids[title] = kind[1:], group.get("id", "")
    return Picture(nodes, edges, positions, classes, ids)


def edge_groups(svg: str) -> dict[str, ET.Element]:
    """The SVG group of every edge, by its title ``tail->head``."""
    root = ET.fromstring(svg)
    return {
        g.findtext(f"{SVG}title") or "": g for g in root.iter(f"{SVG}g") if svg_classes(g)[:1] == ["edge"]
    }


_EDGE_LINE = re.compile(r"^\t+(\w+) -> (\w+)(?: \[(.*)\])?$")
_NODE_LINE = re.compile(r"^\t+(\w+)(?: \[(.*)\])?$")
# an attribute value: "quoted" (with \" escapes), <HTML-like> (tags inside), or a bare word
_ATTRIBUTE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|<(?:[^<>]|<[^<>]*>)*>|[^\s"<]+)')


def _attributes(text: str) -> dict[str, str]:
    """``name=value`` pairs of a DOT attribute list; quotes and the <> around HTML-like values removed."""
    found = {}
    for name, value in _ATTRIBUTE.findall(text):
        quoted = value[:1] in ('"', "<")
        found[name] = value[1:-1] if quoted else value
    return found


def dot_edges(source: str) -> list[tuple[str, str, dict[str, str]]]:
    """Every arrow of a DOT source, in order, as (tail, head, attributes); quotes and <> removed."""
    edges = []
    for line in source.splitlines():
        match = _EDGE_LINE.match(line)
        if match:
            tail, head, attributes = match.groups()
            edges.append((tail, head, _attributes(attributes or "")))
    return edges


def dot_nodes(source: str) -> dict[str, dict[str, str]]:
    """Every node statement of a DOT source (not graph/node/edge defaults), by name, with attributes."""
    nodes = {}
    for line in source.splitlines():
        match = _NODE_LINE.match(line)
        if match and match.group(1) not in ("graph", "node", "edge"):
            nodes[match.group(1)] = _attributes(match.group(2) or "")
    return nodes


def dot_graph_attributes(source: str) -> dict[str, str]:
    """The attributes of the top-level ``graph [...]`` statement of a DOT source."""
    for line in source.splitlines():
        if line.startswith("\tgraph [") and line.endswith("]"):
            return _attributes(line[len("\tgraph [") : -1])
    return {}


def html_label_text(label: str) -> str:
    """The text an HTML-like label shows: tags dropped, entities decoded (``&lt;b&gt;`` -> ``<b>``)."""
    return html.unescape(re.sub(r"<[^>]*>", "", label))


def arrow_spans(source: str) -> list[tuple[str, str, int]]:
    """How many ranks each arrow of a DOT source spans: (tail, head, span), in the source's order.

    Ranks are counted back from the sinks: a node with no arrow out is rank 0,
    any other node one more than the highest rank among the nodes it points to
    (dot keeps every arrow pointing one way and, to keep arrows short, puts a
    node just before its first user). An arrow spanning ``s`` ranks costs
    ``dot`` ``s - 1`` hidden helper nodes.
    """
    edges = [(tail, head) for tail, head, _ in dot_edges(source)]
    heads: dict[str, list[str]] = {}
    for tail, head in edges:
        heads.setdefault(tail, []).append(head)
    rank: dict[str, int] = {}
    for start in heads:
        stack = [start]
        while stack:  # depth first without recursion: long chains are deeper than Python's limit
            top = stack[-1]
            waiting = [h for h in heads.get(top, []) if h not in rank]
            if waiting:
                stack.extend(waiting)
            else:
                rank[top] = 1 + max((rank[h] for h in heads.get(top, [])), default=-1)
                stack.pop()
    return [(tail, head, rank[tail] - rank[head]) for tail, head in edges]


# ----------------------------------------------------------------------------
# Reading Markdown and LaTeX output
# ----------------------------------------------------------------------------


def markdown_page(markdown: str) -> str:
    """The HTML that CommonMark (as Jupyter renders Markdown), with tables, makes of ``markdown``."""
    from markdown_it import MarkdownIt  # (installed with jupytext, of the test extra)

    return str(MarkdownIt("commonmark").enable("table").render(markdown))


def table_cells(page: str) -> list[list[str]]:
    """The text of every cell of every body row of the tables in an HTML page, tags removed."""
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.DOTALL) for row in rows]
    return [[html.unescape(re.sub(r"<[^>]*>", "", cell)) for cell in row] for row in cells if row]


def latex_problems(latex: str) -> list[str]:
    """What could break a LaTeX formula or the page around it: unbalanced braces, a ``$``, a ``<``."""
    problems = []
    unescaped = re.sub(r"\\.", "", latex)  # drop escaped characters (\{ \$ ...) and commands' backslashes
    if unescaped.count("{") != unescaped.count("}"):
        problems.append("unbalanced braces")
    depth = 0
    for char in unescaped:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            problems.append("a } closes more than was opened")
            break
    for char in "$<>%#&":
        if char in unescaped:
            problems.append(f"an unescaped {char}")
    return problems
