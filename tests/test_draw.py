"""draw_graph: the DOT it builds and the SVG that Graphviz's real `dot` makes of it.

SVG is parsed as XML: Graphviz writes one ``<g class="node">`` per node and one
``<g class="edge">`` per edge, each with a ``<title>`` (the node id, or
``tail->head``) and the node's ``<text>`` pieces.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass

import graphviz
import pytest

from autograd import TeachingWarning, Value, dot, draw_graph, sum_values
from autograd.draw import (
    GraphTooLargeError,
    GraphvizNotFoundError,
    format_number,
    render_svg,
    walk_graph,
)

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Picture:
    """What a rendered SVG shows: node id -> its text pieces, and the edges as (tail, head)."""

    nodes: dict[str, list[str]]
    edges: Counter[tuple[str, str]]
    positions: dict[str, tuple[float, float]]  # node id -> (x, y) of its first text; y grows downward


def read_svg(svg: str | bytes) -> Picture:
    """Parse Graphviz SVG output into nodes, edges and positions (shared with the other drawing tests)."""
    root = ET.fromstring(svg)
    nodes, positions = {}, {}
    edges: Counter[tuple[str, str]] = Counter()
    for group in root.iter(f"{SVG}g"):
        title = group.findtext(f"{SVG}title")
        texts = group.findall(f"{SVG}text")
        if group.get("class") == "node":
            nodes[title] = [t.text for t in texts]
            positions[title] = (float(texts[0].get("x")), float(texts[0].get("y")))
        elif group.get("class") == "edge":
            tail, head = title.split("->")
            edges[tail, head] += 1
    return Picture(nodes, edges, positions)


def issue_example() -> tuple[Value, Value, Value]:
    """The example of the issue: L = tanh(a*b + a) at a=2, b=-3, after backward."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = (a * b + a).tanh()
    L.backward()
    return a, b, L


# ----------------------------------------------------------------------------
# The rendered SVG
# ----------------------------------------------------------------------------


def test_issue_example_has_one_node_per_value_and_op_and_the_graphs_edges():
    _, _, L = issue_example()
    picture = read_svg(draw_graph(L).pipe(format="svg"))
    # topological order: v0=a, v1=b, v2=a*b, v3=a*b+a, v4=L; op<k> computed v<k>
    assert set(picture.nodes) == {"v0", "v1", "v2", "v3", "v4", "op2", "op3", "op4"}
    assert picture.edges == Counter(
        {
            ("v0", "op2"): 1, ("v1", "op2"): 1, ("op2", "v2"): 1,
            ("v2", "op3"): 1, ("v0", "op3"): 1, ("op3", "v3"): 1,
            ("v3", "op4"): 1, ("op4", "v4"): 1,
        }
    )  # fmt: skip
    assert picture.nodes["op2"] == ["*"]
    assert picture.nodes["op3"] == ["+"]
    assert picture.nodes["op4"] == ["tanh"]


def test_boxes_show_label_data_and_grad_with_four_significant_digits():
    _, _, L = issue_example()
    picture = read_svg(draw_graph(L).pipe(format="svg"))
    # the gradients by hand: dL/d(a*b+a) = 1 - tanh(-4)^2; d/da = that * (b + 1), d/db = that * a
    through_tanh = 1 - math.tanh(-4.0) ** 2
    assert picture.nodes["v0"] == ["a", "data 2", f"grad {through_tanh * (-3 + 1):.4g}"]
    assert picture.nodes["v1"] == ["b", "data -3", f"grad {through_tanh * 2:.4g}"]
    assert picture.nodes["v2"] == ["data -6", f"grad {through_tanh:.4g}"]  # d(a*b + a)/d(a*b) = 1
    assert picture.nodes["v4"] == [f"data {math.tanh(-4.0):.4g}", "grad 1"]
    assert picture.nodes["v0"][2] == "grad -0.002682"  # what the formula above gives, written out


def test_a_value_used_twice_in_one_op_gets_two_arrows():
    a = Value(3.0, label="a")
    picture = read_svg(draw_graph(a * a, show_grad=False).pipe(format="svg"))
    assert picture.edges == Counter({("v0", "op1"): 2, ("op1", "v1"): 1})


def test_many_input_ops_and_powers_are_single_op_nodes():
    w = [Value(0.5, label="w1"), Value(-1.0, label="w2")]
    x = [Value(2.0, label="x1"), Value(3.0, label="x2")]
    y = sum_values([dot(w, x), x[0] ** 2])
    picture = read_svg(draw_graph(y, show_grad=False).pipe(format="svg"))
    ops = sorted(texts[0] for node, texts in picture.nodes.items() if node.startswith("op"))
    assert ops == ["**2", "dot", "sum"]
    dot_node = next(node for node, texts in picture.nodes.items() if texts == ["dot"])
    assert sum(count for (_, head), count in picture.edges.items() if head == dot_node) == 4


def test_show_grad_false_leaves_grad_out():
    _, _, L = issue_example()
    picture = read_svg(draw_graph(L, show_grad=False).pipe(format="svg"))
    assert picture.nodes["v0"] == ["a", "data 2"]
    assert not any("grad" in text for texts in picture.nodes.values() for text in texts)


def test_constants_are_drawn_in_grey_and_variables_are_not():
    x = Value(1.5, label="x")
    svg = ET.fromstring(draw_graph(x * 2, show_grad=False).pipe(format="svg"))
    fills = {}
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") == "node":
            fills[group.findtext(f"{SVG}title")] = {t.get("fill") for t in group.findall(f"{SVG}text")}
    assert fills["v0"] == {None}  # default black
    (grey,) = fills["v1"]  # the constant 2
    assert grey is not None and grey.startswith("#")


def test_rankdir_sets_the_direction_of_the_layout():
    _, _, L = issue_example()
    across = read_svg(draw_graph(L).pipe(format="svg")).positions
    down = read_svg(draw_graph(L, rankdir="TB").pipe(format="svg")).positions
    assert across["v4"][0] > across["v0"][0]  # LR: the output is right of the input
    assert down["v4"][1] > down["v0"][1]  # TB: the output is below the input (SVG y grows down)


def test_labels_are_escaped_not_interpreted():
    tricky = Value(1.0, label='<b>&"x"{|}')
    picture = read_svg(draw_graph(tricky * 2, show_grad=False).pipe(format="svg"))
    assert picture.nodes["v0"][0] == '<b>&"x"{|}'


def test_render_writes_an_svg_file(tmp_path):
    _, _, L = issue_example()
    written = draw_graph(L).render(tmp_path / "L", format="svg")
    assert written.endswith("L.svg")
    assert len(read_svg((tmp_path / "L.svg").read_bytes()).nodes) == 8


def test_render_svg_returns_svg_text():
    _, _, L = issue_example()
    svg = render_svg(L, rankdir="TB", show_grad=False)
    assert isinstance(svg, str)
    assert len(read_svg(svg).nodes) == 8


# ----------------------------------------------------------------------------
# The DOT source: deterministic, configurable
# ----------------------------------------------------------------------------


def test_the_same_graph_gives_byte_identical_source():
    first = draw_graph(issue_example()[2]).source
    second = draw_graph(issue_example()[2]).source  # new objects, so new id()s
    assert first == second


def test_default_layout_is_left_to_right_and_graph_attributes_pass_through():
    _, _, L = issue_example()
    assert "rankdir=LR" in draw_graph(L).source
    source = draw_graph(L, rankdir="BT", dpi=150, bgcolor="white").source
    assert "rankdir=BT" in source and "dpi=150" in source and "bgcolor=white" in source


def test_digits_sets_significant_digits():
    x = Value(math.pi, label="x")
    assert "data 3.14159" in draw_graph(x, digits=6).source
    assert "data 3.142<" in draw_graph(x).source


def test_walk_graph_numbers_values_in_topological_order():
    a = Value(1.0, label="a")
    nodes = walk_graph((a * a).exp())
    assert [(n.id, n.input_ids) for n in nodes] == [("v0", ()), ("v1", ("v0", "v0")), ("v2", ("v1",))]
    assert nodes[0].value is a
    assert nodes[2].op_id == "op2"


@pytest.mark.parametrize(
    ("x", "shown"),
    [(0.24048908305088898, "0.2405"), (3.0, "3"), (-3.0, "-3"), (1234567.0, "1.235e+06"),
     (3.059022269256247e-07, "3.059e-07"), (-0.0, "0"), (0.0, "0"), (math.inf, "inf")],
)  # fmt: skip
def test_format_number_uses_significant_digits(x, shown):
    assert format_number(x) == shown


# ----------------------------------------------------------------------------
# Large graphs
# ----------------------------------------------------------------------------


def chain(length: int) -> Value:
    x = Value(0.5, label="x")
    y = x
    for _ in range(length):
        y = y * 1.0001 if len(y.children) != 2 else y.tanh()
    return y


def test_a_10000_node_graph_is_refused_promptly_with_its_size():
    root = chain(10_000)
    count = len(walk_graph(root, max_nodes=None))
    with pytest.raises(GraphTooLargeError, match=f"{count} values, more than max_nodes=500") as caught:
        draw_graph(root)
    assert isinstance(caught.value, ValueError)
    assert f"max_nodes={count}" in str(caught.value)  # says how to draw it anyway


def test_max_nodes_none_builds_the_source_of_a_large_graph_without_laying_it_out():
    root = chain(10_000)
    values = len(walk_graph(root, max_nodes=None))
    with pytest.warns(TeachingWarning, match="hard to read"):  # drawn anyway, with a warning
        source = draw_graph(root, max_nodes=None, show_grad=False).source
    # every value but x and the constants was computed: one op node and one arrow out of it
    assert source.count("shape=plain") == values
    assert source.count("shape=ellipse") == sum(1 for n in walk_graph(root, max_nodes=None) if n.input_ids)


def test_max_nodes_counts_values():
    a = Value(1.0, label="a")
    y = a * 2  # a, the constant 2, and y: three values
    assert draw_graph(y, max_nodes=3, show_grad=False)
    with pytest.raises(GraphTooLargeError, match="3 values, more than max_nodes=2"):
        draw_graph(y, max_nodes=2, show_grad=False)


# ----------------------------------------------------------------------------
# Bad arguments and a missing `dot`
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"rankdir": "XY"}, ValueError, "rankdir must be one of LR, RL, TB, BT"),
        ({"show_grad": "yes"}, TypeError, "show_grad"),
        ({"max_nodes": 0}, ValueError, "max_nodes must be a positive int"),
        ({"max_nodes": 2.5}, ValueError, "max_nodes"),
        ({"digits": 0}, ValueError, "digits"),
        ({"dpi": [150]}, TypeError, "graph attribute dpi="),
    ],
)
def test_bad_arguments_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        draw_graph(Value(1.0), **kwargs)


def test_root_must_be_a_value():
    with pytest.raises(TypeError, match="draw_graph needs a Value, got float"):
        draw_graph(1.0)


def test_missing_dot_says_how_to_install_graphviz(tmp_path, monkeypatch):
    _, _, L = issue_example()
    graph = draw_graph(L)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` to be found
    for render in (
        lambda: graph.render(tmp_path / "L", format="svg"),
        lambda: graph.pipe(format="svg"),
        lambda: render_svg(L),
    ):
        with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz") as caught:
            render()
        assert isinstance(caught.value, graphviz.ExecutableNotFound)  # graphviz users' except still works
        assert "brew install graphviz" in str(caught.value)
    assert graph.source.startswith("digraph")  # the DOT source needs no Graphviz program
