"""draw_graph: the DOT it builds and the SVG that Graphviz's real `dot` makes of it.

SVG is parsed as XML (see :func:`tests.helpers.read_svg`): Graphviz writes one
``<g class="node">`` per node and one ``<g class="edge">`` per edge, each with a
``<title>`` (the node id, or ``tail->head``) and the node's ``<text>`` pieces.
"""

from __future__ import annotations

import math
import subprocess
import time
import xml.etree.ElementTree as ET
from collections import Counter

import graphviz
import pytest
from hypothesis import given, settings

from autograd import TeachingWarning, Value, dot, draw_graph, gradients, sum_values
from autograd.drawing.draw import (
    MAX_LABEL_CHARS,
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    ZERO_COLOR,
    GraphTooLargeError,
    GraphvizError,
    GraphvizFailedError,
    GraphvizNotFoundError,
    GraphvizTimeoutError,
    cluster_members,
    render_svg,
    walk_graph,
)
from autograd.drawing.run import run_dot
from autograd.engine import local_derivatives, topological_order
from autograd.teaching.naming import derivative_text, format_number, local_formula, node_names
from nn import MLP
from tests.helpers import (
    SVG,
    chain,
    dot_edges,
    dot_graph_attributes,
    edge_groups,
    every_kind_of_node,
    html_label_text,
    issue_example,
    read_svg,
    svg_classes,
)
from tests.strategies import leaves_of, programs, run

# ----------------------------------------------------------------------------
# The rendered SVG
# ----------------------------------------------------------------------------


def test_issue_example_has_one_node_per_value_and_op_and_the_graphs_edges():
    *_, L = issue_example(run_backward=True)
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
    *_, L = issue_example(run_backward=True)
    picture = read_svg(draw_graph(L).pipe(format="svg"))
    # the gradients by hand: dL/d(a*b+a) = 1 - tanh(-4)^2; d/da = that * (b + 1), d/db = that * a
    through_tanh = 1 - math.tanh(-4.0) ** 2
    assert picture.nodes["v0"] == ["a", "data 2", f"grad {through_tanh * (-3 + 1):.4g}"]
    assert picture.nodes["v1"] == ["b", "data -3", f"grad {through_tanh * 2:.4g}"]
    assert picture.nodes["v2"] == ["data -6", f"grad {through_tanh:.4g}"]  # d(a*b + a)/d(a*b) = 1
    assert picture.nodes["v4"] == [f"data {math.tanh(-4.0):.4g}", "grad 1"]
    assert picture.nodes["v0"][2] == "grad -0.002682"  # what the formula above gives, written out


def test_svg_ids_and_classes_name_every_box_oval_and_arrow():
    *_, L = issue_example(run_backward=True)
    picture = read_svg(draw_graph(L).pipe(format="svg"))
    # what the replay's script and a page's styles find the parts by (see the draw module's doc)
    assert picture.ids == {title: title for title in ("v0", "v1", "v2", "v3", "v4", "op2", "op3", "op4")} | {
        "v0->op2": "e2_0", "v1->op2": "e2_1", "op2->v2": "e2",
        "v2->op3": "e3_0", "v0->op3": "e3_1", "op3->v3": "e3",
        "v3->op4": "e4_0", "op4->v4": "e4",
    }  # fmt: skip
    assert picture.classes["v0"] == ["value", "of_v0", "leaf"]
    assert picture.classes["v2"] == ["value", "of_v2"]
    assert picture.classes["op3"] == ["op"]
    assert picture.classes["v0->op3"] == ["input", "into_op3"]
    assert picture.classes["op3->v3"] == ["output"]


def test_highlight_marks_the_node_its_op_and_its_arrows_active():
    _, _, c, L = issue_example(run_backward=True)
    picture = read_svg(draw_graph(L, highlight=c).pipe(format="svg"))  # c = a * b = v2
    active = sorted(title for title, classes in picture.classes.items() if "active" in classes)
    assert active == ["op2", "op2->v2", "v0->op2", "v1->op2", "v2"]


def test_a_value_used_twice_in_one_op_gets_one_arrow_marked_x2():
    # before: two parallel arrows, which dot lays out slowly and which a reader cannot tell apart
    a = Value(3.0, label="a")
    graph = draw_graph(a * a, show_grad=False)
    picture = read_svg(graph.pipe(format="svg"))
    assert picture.edges == Counter({("v0", "op1"): 1, ("op1", "v1"): 1})
    (into_op, _) = dot_edges(graph.source)
    assert html_label_text(into_op[2]["label"]) == "×2"
    three = sum_values([a, a, a, Value(1.0, label="b")])
    arrows = dot_edges(draw_graph(three, show_grad=False).source)
    assert [html_label_text(e[2].get("label", "")) for e in arrows] == ["×3", "", ""]


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
    *_, L = issue_example(run_backward=True)
    picture = read_svg(draw_graph(L, show_grad=False).pipe(format="svg"))
    assert picture.nodes["v0"] == ["a", "data 2"]
    assert not any("grad" in text for texts in picture.nodes.values() for text in texts)


def test_constants_are_drawn_in_grey_and_variables_are_not():
    x = Value(1.5, label="x")
    svg = ET.fromstring(draw_graph(x * 2, show_grad=False).pipe(format="svg"))
    fills = {}
    for group in svg.iter(f"{SVG}g"):
        if svg_classes(group)[:1] == ["node"]:
            fills[group.findtext(f"{SVG}title")] = {t.get("fill") for t in group.findall(f"{SVG}text")}
    assert fills["v0"] == {None}  # default black
    (grey,) = fills["v1"]  # the constant 2
    assert grey is not None and grey.startswith("#")


def test_rankdir_sets_the_direction_of_the_layout_when_given():
    *_, L = issue_example(run_backward=True)
    across = read_svg(draw_graph(L).pipe(format="svg")).positions
    down = read_svg(draw_graph(L, rankdir="TB").pipe(format="svg")).positions
    assert across["v4"][0] > across["v0"][0]  # LR: the output is right of the input
    assert down["v4"][1] > down["v0"][1]  # TB: the output is below the input (SVG y grows down)


def test_labels_are_escaped_not_interpreted():
    tricky = Value(1.0, label='<b>&"x"{|}')
    picture = read_svg(draw_graph(tricky * 2, show_grad=False).pipe(format="svg"))
    assert picture.nodes["v0"][0] == '<b>&"x"{|}'


HOSTILE = [  # (label, what a drawing shows)
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ('say "hi"', 'say "hi"'),
    ("}]; x [label=pwned", "}]; x [label=pwned"),  # would end a DOT attribute list if not escaped
    ("back\\slash \\N \\l", "back\\slash \\N \\l"),  # DOT escapes: the node's name, a line end
    ("two\nlines\tand a tab", "two\\nlines\\tand a tab"),  # control characters as Python writes them
    ("&amp; &#9731;", "&amp; &#9731;"),  # entities: shown as typed, not decoded
    ("lone \ud800 surrogate", "lone \\ud800 surrogate"),  # cannot even be encoded as UTF-8
]


@pytest.mark.parametrize(("label", "shown"), HOSTILE)
def test_hostile_labels_show_as_typed_in_boxes_clusters_and_arrows(label, shown):
    x = Value(0.5, label=label)
    y = (x * 2).tanh()
    y.label = label
    y.backward()
    svg = draw_graph(y, edge_grads=True, clusters={label: [x]}).pipe(format="svg", encoding="utf-8")
    picture = read_svg(svg)
    assert picture.nodes["v0"][0] == shown  # x, in the cluster's box
    assert picture.nodes["v3"][0] == shown  # y
    texts = [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert shown in texts  # the cluster's title
    assert "<script" not in svg  # the first label's text is escaped, never a tag
    assert set(picture.nodes) == {"v0", "v1", "v2", "v3", "op2", "op3"}  # nothing was injected
    assert sum(picture.edges.values()) == 5  # x -> *, 2 -> *, * -> t0, t0 -> tanh, tanh -> y


def test_inside_a_cluster_a_parameter_shows_its_short_name_and_its_full_label_as_tooltip():
    model = MLP(2, [2, 1], seed=0)
    out = model([Value(1.0, label="x1"), Value(-2.0, label="x2")])
    out.backward()
    svg = draw_graph(out, clusters=model).pipe(format="svg", encoding="utf-8")
    picture = read_svg(svg)
    w = model.layers[0].neurons[1].parameters()[0]  # labelled layers.0.neurons.1.w.0
    w_id = next(node.id for node in walk_graph(out) if node.value is w)
    assert picture.nodes[w_id][0] == "w0"
    assert 'xlink:title="layers.0.neurons.1.w.0"' in svg
    # a tooltip is user text too, and Graphviz reads its backslashes twice
    x = Value(0.5, label='p.<script>"\\N\n')
    y = x * 2
    y.backward()
    svg = draw_graph(y, clusters={"g": [x]}).pipe(format="svg", encoding="utf-8")
    assert read_svg(svg).nodes["v0"][0] == '<script>"\\N\\n'
    assert 'xlink:title="p.&lt;script&gt;&quot;\\N\\n"' in svg and "<script" not in svg


def test_a_100000_character_label_is_cut_before_it_reaches_dot():
    # before: the graphviz package's pipe raised BrokenPipeError from deep inside
    huge = Value(1.0, label="x" * 100_000)
    svg = render_svg(huge * 2, show_grad=False)
    label = read_svg(svg).nodes["v0"][0]
    assert label == "x" * (MAX_LABEL_CHARS - 1) + "…"
    long_op = draw_graph(huge * 2, edge_grads=True, show_grad=False).source
    assert max(len(html_label_text(e[2].get("label", ""))) for e in dot_edges(long_op)) <= 60


def test_render_writes_an_svg_file(tmp_path):
    *_, L = issue_example(run_backward=True)
    written = draw_graph(L).render(tmp_path / "L", format="svg")
    assert written.endswith("L.svg")
    assert len(read_svg((tmp_path / "L.svg").read_bytes()).nodes) == 8
    assert (tmp_path / "L").read_text().startswith("digraph")  # the DOT source, as graphviz's render keeps it


def test_render_takes_the_graphviz_packages_options(tmp_path):
    *_, L = issue_example(run_backward=True)
    graph = draw_graph(L)
    assert graph.render(tmp_path / "a", format="svg", cleanup=True) == str(tmp_path / "a.svg")
    assert not (tmp_path / "a").exists()  # cleanup: the source file is removed
    assert graph.render(outfile=tmp_path / "b.png") == str(tmp_path / "b.png")  # the format from the suffix
    assert (tmp_path / "b.png").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(FileExistsError, match=r"b\.png"):
        graph.render(outfile=tmp_path / "b.png", raise_if_result_exists=True)
    assert graph.pipe("svg", encoding="utf-8").startswith("<?xml")
    with pytest.raises(ValueError, match="unknown output format 'svgg'"):
        graph.pipe("svgg")


def test_render_svg_returns_svg_text():
    *_, L = issue_example(run_backward=True)
    svg = render_svg(L, rankdir="TB", show_grad=False)
    assert isinstance(svg, str)
    assert len(read_svg(svg).nodes) == 8


# ----------------------------------------------------------------------------
# The DOT source: deterministic, configurable
# ----------------------------------------------------------------------------


def test_the_same_graph_gives_byte_identical_source():
    first = draw_graph(issue_example(run_backward=True).L).source
    second = draw_graph(issue_example(run_backward=True).L).source  # new objects, so new id()s
    assert first == second


def test_graph_attributes_pass_through():
    *_, L = issue_example(run_backward=True)
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


# ----------------------------------------------------------------------------
# Large graphs
# ----------------------------------------------------------------------------


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
    assert draw_graph(y, max_nodes=3, show_grad=False).source.count("shape=plain") == 3
    with pytest.raises(GraphTooLargeError, match="3 values, more than max_nodes=2"):
        draw_graph(y, max_nodes=2, show_grad=False)


# ----------------------------------------------------------------------------
# Bad arguments and a missing `dot`
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"rankdir": "XY"}, ValueError, "rankdir must be one of auto, LR, RL, TB, BT"),
        ({"timeout": 0}, ValueError, "timeout must be a positive number of seconds"),
        ({"timeout": math.inf}, ValueError, "timeout must be a positive number"),
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
    *_, L = issue_example(run_backward=True)
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


# ----------------------------------------------------------------------------
# dot always runs under a time limit
# ----------------------------------------------------------------------------


def fake_dot(folder, script: str) -> None:
    """Put a program called ``dot`` that runs ``script`` (sh) first on PATH."""
    program = folder / "dot"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)


def test_a_dot_that_takes_too_long_is_stopped_with_a_message_that_says_what_to_do(tmp_path, monkeypatch):
    *_, L = issue_example(run_backward=True)
    graph = draw_graph(L, timeout=0.5)
    fake_dot(tmp_path, "sleep 30")  # a layout that never ends, as some used to
    monkeypatch.setenv("PATH", f"{tmp_path}:{subprocess.os.environ['PATH']}")
    for render in (
        lambda: graph.pipe(format="svg"),
        lambda: graph.render(tmp_path / "L", format="svg"),
        lambda: render_svg(L, timeout=0.5),
    ):
        start = time.monotonic()
        with pytest.raises(GraphvizTimeoutError) as caught:
            render()
        # stopped at the limit, not when the 30 s sleep ends (whatever the machine's load)
        assert time.monotonic() - start < 15
        message = str(caught.value)
        assert "stopped after 0.5 s" in message and "a graph of 5 values" in message
        assert "max_nodes" in message and "rankdir" in message and "timeout=60" in message
        assert isinstance(caught.value, GraphvizError)
    with pytest.raises(GraphvizTimeoutError, match=r"after 0\.25 s"):
        graph.pipe(format="svg", timeout=0.25)  # a limit for one call


def test_a_failing_dot_is_reported_with_what_it_said(tmp_path, monkeypatch):
    fake_dot(tmp_path, 'echo "Error: <stdin>: syntax error in line 1" >&2; exit 1')
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizFailedError) as caught:
        render_svg(Value(1.0) * 2, show_grad=False)
    assert str(caught.value) == "Graphviz's dot failed: Error: <stdin>: syntax error in line 1"
    assert isinstance(caught.value, graphviz.CalledProcessError)  # graphviz users' except still works
    assert caught.value.returncode == 1


def test_run_dot_renders_dot_source_and_checks_its_limit():
    assert run_dot("digraph { a -> b }", "svg").startswith(b"<?xml")
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds, got None"):
        run_dot("digraph { a -> b }", timeout=None)  # type: ignore[arg-type]


def test_a_value_graph_has_a_short_repr_and_copies_keep_its_time_limit():
    *_, L = issue_example(run_backward=True)
    graph = draw_graph(L, timeout=2.5)
    assert repr(graph).startswith("<ValueGraph: 5 values; .source for DOT")
    twin = graph.copy()
    assert (type(twin), twin.value_count, twin.timeout, twin.source) == (type(graph), 5, 2.5, graph.source)


# ----------------------------------------------------------------------------
# Local derivatives on the arrows (edge_grads=True)
# ----------------------------------------------------------------------------


def test_edges_show_local_derivatives_coloured_by_sign():
    *_, L = issue_example(run_backward=True)
    svg = draw_graph(L, edge_grads=True).pipe(format="svg", encoding="utf-8")
    edges = edge_groups(svg)
    # v0 = a, v1 = b, op2 = the * node: d(a*b)/da = b = -3, d(a*b)/db = a = 2
    to_a = edges["v0->op2"]
    assert "".join(t.text or "" for t in to_a.iter(f"{SVG}text")) == "dt0/da = b = -3"
    assert to_a.find(f"{SVG}path").get("stroke") == NEGATIVE_COLOR  # carries -3 * 0.0013 back
    to_b = edges["v1->op2"]
    assert "".join(t.text or "" for t in to_b.iter(f"{SVG}text")) == "dt0/db = a = 2"
    assert to_b.find(f"{SVG}path").get("stroke") == POSITIVE_COLOR
    # the largest gradient carried gets the thickest arrow
    widths = {
        title: float(g.find(f"{SVG}path").get("stroke-width", "1"))
        for title, g in edges.items()
        if g.find(f"{SVG}text") is not None
    }
    assert max(widths, key=widths.__getitem__) == "v0->op2"


def test_arrows_carry_the_roots_gradients_even_before_backward():
    *_, L = issue_example()  # no backward: every .grad is 0
    before = dot_edges(draw_graph(L, edge_grads=True, show_grad=False).source)
    L.backward()
    after = dot_edges(draw_graph(L, edge_grads=True, show_grad=False).source)
    assert before == after
    colours = {attributes["color"] for *_, attributes in before if "color" in attributes}
    assert colours == {NEGATIVE_COLOR, POSITIVE_COLOR}


def test_edge_grads_come_with_a_legend_of_colours_and_widths():
    *_, L = issue_example(run_backward=True)
    legend = html_label_text(dot_graph_attributes(draw_graph(L, edge_grads=True).source)["label"])
    for words in ("local derivative", "gradient carried back", "positive", "negative", "zero", "width"):
        assert words in legend
    assert "label" not in dot_graph_attributes(draw_graph(L).source)  # no legend without them


def distinct_inputs(target: Value) -> list[tuple[Value, list[int]]]:
    """Each input of ``target`` once, with the argument positions where it is used."""
    uses: dict[Value, list[int]] = {}
    for position, child in enumerate(target.children):
        uses.setdefault(child, []).append(position)
    return list(uses.items())


def assert_arrows_agree_with_the_engine(root: Value) -> None:
    """Each arrow: the engine's local derivative, carrying it times autograd.gradients' number.

    One arrow per distinct input of an op; for an input used at several
    positions, the local derivatives of those positions add up.
    """
    order = topological_order(root)
    expected = dict(zip(order, gradients(root, order)))
    names = node_names(order)
    ids = {node: f"v{k}" for k, node in enumerate(order)}
    arrows = [(target, child, uses) for target in order for child, uses in distinct_inputs(target)]
    local = [math.fsum(local_derivatives(target)[p] for p in uses) for target, _, uses in arrows]
    carried = [d * expected[target] for d, (target, _, _) in zip(local, arrows)]
    largest = max(map(abs, carried), default=0.0) or 1.0
    source = draw_graph(root, edge_grads=True, show_grad=False).source
    drawn = [edge for edge in dot_edges(source) if "input" in edge[2]["class"].split()]
    assert len(drawn) == len(arrows)
    for (tail, head, attributes), (target, child, uses), d, flow in zip(drawn, arrows, local, carried):
        # (the tail may be a copy of a leaf, named after it)
        assert (tail.split("_for_")[0], head) == (ids[child], f"op{ids[target][1:]}")
        text = html_label_text(attributes.get("label", ""))
        if child.op == "const":
            assert text == ("" if len(uses) == 1 else f"×{len(uses)}")  # no one needs d out / d 2
        elif len(uses) == 1:
            formula = derivative_text(local_formula(target, uses[0], names), d)
            assert text == f"d{names[target]}/d{names[child]} = {formula}"
        else:
            assert text.startswith(f"×{len(uses)}: d{names[target]}/d{names[child]} = ")
            assert text.endswith(f" = {format_number(d)}")
        colour = POSITIVE_COLOR if flow > 0 else NEGATIVE_COLOR if flow < 0 else ZERO_COLOR
        assert attributes["color"] == colour
        assert attributes["penwidth"] == f"{1 + 3 * abs(flow) / largest:.2f}"


@settings(max_examples=40, deadline=None)
@given(programs())
def test_arrows_agree_with_the_engine_on_random_graphs(program):
    leaves, steps = program
    assert_arrows_agree_with_the_engine(run(steps, *leaves_of(leaves)))


def test_arrows_agree_with_the_engine_on_every_kind_of_node():
    assert_arrows_agree_with_the_engine(every_kind_of_node())


# ----------------------------------------------------------------------------
# Boxes around neurons (clusters=)
# ----------------------------------------------------------------------------


def test_clusters_group_a_neurons_nodes():
    w1 = [Value(0.5, label="w1"), Value(-1.0, label="w2")]
    w2 = [Value(2.0, label="u1"), Value(1.0, label="u2")]
    b1, b2 = Value(0.1, label="b1"), Value(-0.2, label="b2")
    x = [Value(1.0, label="x1"), Value(2.0, label="x2")]
    h1, h2 = (dot(w1, x) + b1).tanh(), (dot(w2, x) + b2).tanh()
    out = h1 * h2  # mixes both neurons: belongs to neither
    groups = {"layer/neuron 1": [*w1, b1], "layer/neuron 2": [*w2, b2]}

    owner = cluster_members(topological_order(out), groups)
    assert owner[h1] == "layer/neuron 1" and owner[h2] == "layer/neuron 2"
    assert owner[h1.children[0]] == "layer/neuron 1"  # the + bias node
    assert out not in owner and x[0] not in owner
    source = draw_graph(out, clusters=groups, show_grad=False).source
    assert source.count("subgraph cluster_") == 3  # the layer, with a box per neuron inside
    svg = draw_graph(out, clusters=groups, show_grad=False).pipe(format="svg", encoding="utf-8")
    groups_drawn = [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "cluster"]
    titles = [g.findtext(f"{SVG}title") for g in groups_drawn]
    assert sorted(titles) == ["cluster_0", "cluster_1", "cluster_2"]


def test_a_loss_on_a_neurons_output_stays_outside_its_box():
    w, b = [Value(0.5, label="w1"), Value(-1.0, label="w2")], Value(0.1, label="b")
    x = [Value(1.0, label="x1"), Value(2.0, label="x2")]
    y = (dot(w, x) + b).sigmoid()
    loss = (1 - y) ** 2
    owner = cluster_members(topological_order(loss), {"neuron": [*w, b]})
    assert owner[y] == "neuron"
    assert loss not in owner and loss.children[0] not in owner


def test_clusters_may_be_a_module_with_parameter_groups():
    w = Value(0.5, label="w")

    class OneWeight:
        def parameter_groups(self):
            return {"the module": [w]}

    source = draw_graph((w * 2).tanh(), clusters=OneWeight(), show_grad=False).source
    assert "subgraph cluster_0" in source and 'label="the module"' in source


def test_clusters_must_be_a_mapping_or_a_module():
    with pytest.raises(TypeError, match="parameter_groups"):
        draw_graph(Value(1.0) * 2, clusters=[1, 2], show_grad=False)


def test_names_of_computed_values_are_shown_when_asked_or_referred_to():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    product = a * b
    product.grad = 1.0
    assert ">t0<" not in draw_graph(product).source  # nothing refers to t0
    assert ">t0<" in draw_graph(product, show_names=True).source
    assert ">t0<" in draw_graph(product, highlight=product).source  # a replay caption names it
    assert ">t0<" not in draw_graph(product, edge_grads=True, show_names=False).source
