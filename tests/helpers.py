"""Helpers shared by the teaching, drawing and command-line tests (no test lives here).

* :func:`issue_example`, :func:`chain`: small graphs the tests draw and record.
* :func:`every_kind_of_node`: a fixed graph with every kind of node, beside
  the random graphs of :mod:`tests.strategies`.
* :func:`read_svg`, :func:`edge_groups`, :func:`active_value_nodes`: what a
  Graphviz SVG shows, parsed as XML.
* :func:`dot_edges`: the arrows of a DOT source with their attributes.
"""

from __future__ import annotations

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


def read_svg(svg: str | bytes) -> Picture:
    """Parse Graphviz SVG output into nodes, edges and positions.

    Graphviz writes one ``<g class="node">`` per node and one ``<g class="edge">``
    per edge, each with a ``<title>`` (the node id, or ``tail->head``) and the
    node's ``<text>`` pieces.
    """
    root = ET.fromstring(svg)
    nodes, positions = {}, {}
    edges: Counter[tuple[str, str]] = Counter()
    for group in root.iter(f"{SVG}g"):
        title = group.findtext(f"{SVG}title") or ""
        texts = group.findall(f"{SVG}text")
        if group.get("class") == "node":
            nodes[title] = [t.text or "" for t in texts]
            positions[title] = (float(texts[0].get("x", "nan")), float(texts[0].get("y", "nan")))
        elif group.get("class") == "edge":
            tail, head = title.split("->")
            edges[tail, head] += 1
    return Picture(nodes, edges, positions)


def edge_groups(svg: str) -> dict[str, ET.Element]:
    """The SVG group of every edge, by its title ``tail->head``."""
    root = ET.fromstring(svg)
    return {g.findtext(f"{SVG}title") or "": g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"}


def active_value_nodes(svg: str) -> list[str]:
    """Ids of the Value boxes that a replay frame highlights (class ``node active``)."""
    root = ET.fromstring(svg)
    return [
        title
        for g in root.iter(f"{SVG}g")
        if (g.get("class") or "").split() == ["node", "active"]
        and (title := g.findtext(f"{SVG}title") or "").startswith("v")
    ]


_EDGE_LINE = re.compile(r"^\t(\w+) -> (\w+)(?: \[(.*)\])?$")
_ATTRIBUTE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"]+)')


def dot_edges(source: str) -> list[tuple[str, str, dict[str, str]]]:
    """Every arrow of a DOT source, in order, as (tail, head, attributes); quotes removed."""
    edges = []
    for line in source.splitlines():
        match = _EDGE_LINE.match(line)
        if match:
            tail, head, attributes = match.groups()
            found = {name: value.strip('"') for name, value in _ATTRIBUTE.findall(attributes or "")}
            edges.append((tail, head, found))
    return edges
