"""The shapes that used to hang ``dot``, and the drawing's direction: autograd.drawing.layout.

``dot`` slowed down with the number of hidden helper nodes it makes for long
arrows (one per rank an arrow crosses) and for arrow labels. Timing a layout in
a unit test would be flaky, so these tests check the structure that keeps it
fast (short arrows, no parallel arrows, limits when helpers remain) and that
the drawing renders at all (``dot`` runs under a time limit);
bench/bench_draw.py times the big shapes.
"""

from __future__ import annotations

import re
import warnings

import pytest

from autograd import TeachingWarning, Value, draw_graph, sum_values
from autograd.drawing.display import svg_size_px
from autograd.drawing.layout import (
    HIDDEN_NODE_BUDGET,
    LONG_ARROW_RANKS,
    Footprint,
    choose_rankdir,
    drawing_ranks,
    footprint,
    hidden_nodes,
    layout_limits,
    plan_arrows,
    walk_graph,
)
from nn import MLP, make_moons
from tests.helpers import (
    arrow_spans,
    chain,
    dot_edges,
    dot_graph_attributes,
    dot_nodes,
    html_label_text,
    issue_example,
    read_svg,
)


def repeated_sum(terms: int) -> Value:
    """``a + a + ... + a``: one leaf used by every step (100 terms never finished in dot)."""
    a = Value(2.0, label="a")
    y = a
    for _ in range(terms - 1):
        y = y + a
    y.backward()
    return y


def shared_products(terms: int) -> Value:
    """``y = a*b; y = y + a*b`` repeated: two leaves used by every term (60 terms took 4.5 s)."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    y = a * b
    for _ in range(terms - 1):
        y = y + a * b
    y.backward()
    return y


def halves(steps: int) -> Value:
    """``y[k] = (y[k-1] + y[k // 2]) * 0.5``: long arrows between computed values, which are not copied."""
    ys = [Value(0.5, label="x")]
    for k in range(1, steps):
        ys.append((ys[k - 1] + ys[k // 2]) * 0.5)
    ys[-1].backward()
    return ys[-1]


def hidden_in(source: str) -> int:
    """Hidden helper nodes ``dot`` makes for the long arrows of ``source`` (labels not counted)."""
    return sum(span - 1 for *_, span in arrow_spans(source))


def longest(source: str) -> int:
    return max(span for *_, span in arrow_spans(source))


def quietly_draw(root: Value, **options: object) -> str:
    """The DOT source of a big drawing, without the "hard to read" warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TeachingWarning)
        return draw_graph(root, max_nodes=None, **options).source  # type: ignore[arg-type]


# ----------------------------------------------------------------------------
# The checker can fail
# ----------------------------------------------------------------------------


def test_arrow_spans_finds_long_arrows():
    # the old drawing of a + a + a: an arrow per use, all from the one box of a
    old = "digraph {\n\tv0 -> op1\n\tv0 -> op1\n\top1 -> v1\n\tv1 -> op2\n\tv0 -> op2\n\top2 -> v2\n}"
    # ranks from the output: v2 0, op2 1, v1 2, op1 3, v0 4
    assert [span for *_, span in arrow_spans(old)] == [1, 1, 1, 1, 3, 1]
    assert hidden_in(old) == 2 and longest(old) == 3


# ----------------------------------------------------------------------------
# Shared leaves and repeated inputs
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("terms", [100, 250])
def test_a_leaf_used_by_every_step_is_copied_next_to_far_users(terms):
    root = repeated_sum(terms)
    source = quietly_draw(root)
    edges = [(tail, head) for tail, head, _ in dot_edges(source)]
    assert len(edges) == len(set(edges))  # no parallel arrows: a + a is one arrow marked ×2
    assert longest(source) <= LONG_ARROW_RANKS + 1
    assert hidden_in(source) <= 2  # was about terms² (see test_the_old_plan_...)
    copies = [tail for tail, _ in edges if tail.startswith("v0_for_")]
    assert len(copies) == terms - 3  # all but the first users of a (a + a, and the next +) have a copy
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TeachingWarning)
        svg = draw_graph(root).pipe(format="svg")
    assert read_svg(svg).nodes["v0"][0] == "a"  # and it renders (within dot's time limit)


def test_sixty_products_of_two_shared_leaves_keep_every_arrow_short():
    root = shared_products(60)
    for edge_grads in (False, True):
        source = quietly_draw(root, edge_grads=edge_grads)
        assert longest(source) <= LONG_ARROW_RANKS + 1
        assert hidden_in(source) <= 4  # was over 2,000
    source = quietly_draw(root, show_grad=False)
    edges = [(tail, head) for tail, head, _ in dot_edges(source)]
    # a, b -> *, * -> t for each term; t, t -> +, + -> t for each term after the first
    assert len(edges) == len(set(edges)) == 3 * 60 + 3 * 59
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TeachingWarning)
        picture = read_svg(draw_graph(root, show_grad=False).pipe(format="svg"))
    assert set(picture.nodes) == {tail for tail, _ in edges} | {head for _, head in edges}  # it renders


def test_the_old_plan_of_these_shapes_needed_thousands_of_hidden_nodes():
    # one arrow per use from one box per leaf: what draw_graph drew before
    for root in (repeated_sum(100), shared_products(60)):
        nodes = walk_graph(root, max_nodes=None)
        old = "\n".join(f"\t{i} -> {n.op_id}" for n in nodes for i in n.input_ids)
        old += "\n" + "\n".join(f"\t{n.op_id} -> {n.id}" for n in nodes if n.input_ids)
        assert hidden_in(f"digraph {{\n{old}\n}}") > HIDDEN_NODE_BUDGET
        arrows = plan_arrows(nodes)
        assert hidden_nodes(drawing_ranks(nodes, arrows), arrows, labelled=False) <= 4


def test_a_copy_is_dashed_and_shows_the_same_value():
    root = repeated_sum(10)
    svg = draw_graph(root).pipe(format="svg", encoding="utf-8")
    picture = read_svg(svg)
    copies = [node for node in picture.nodes if node.startswith("v0_for_")]
    assert copies and all(picture.nodes[copy] == picture.nodes["v0"] for copy in copies)
    assert all(picture.classes[copy] == ["value", "of_v0", "leaf", "copy"] for copy in copies)
    assert picture.classes["v0"] == ["value", "of_v0", "leaf"]
    copy_group = re.search(rf'<g id="{copies[0]}".*?</g>\n</g>', svg, re.DOTALL)
    assert copy_group and "stroke-dasharray" in copy_group.group(0)  # drawn dashed
    assert "the same value as v0" in copy_group.group(0)  # its tooltip says so
    assert "stroke-dasharray" not in re.search(r'<g id="v0".*?</g>', svg, re.DOTALL).group(0)  # type: ignore[union-attr]


def test_leaves_used_nearby_are_not_copied():
    *_, L = issue_example(run_backward=True)  # a is used by * and, one op later, by +
    assert not any(arrow.is_copy for arrow in plan_arrows(walk_graph(L)))
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    out = MLP(2, [4, 1], seed=0)(x)  # every first-layer neuron uses x1 and x2, side by side
    assert not any(arrow.is_copy for arrow in plan_arrows(walk_graph(out)))


# ----------------------------------------------------------------------------
# Long arrows that cannot be avoided: layout limits
# ----------------------------------------------------------------------------


def test_many_long_arrows_between_computed_values_get_layout_limits_and_cheap_texts():
    root = halves(100)
    source = quietly_draw(root, edge_grads=True)
    assert hidden_in(source) > HIDDEN_NODE_BUDGET  # computed values are never copied
    attributes = dot_graph_attributes(source)
    assert (attributes["mclimit"], attributes["splines"]) == ("0.2", "line")
    assert 0.01 <= float(attributes["nslimit"]) < 1
    constants = {name for name, a in dot_nodes(source).items() if "constant" in a.get("class", "")}
    arrows = [(tail, a) for tail, _, a in dot_edges(source) if "input" in a["class"]]
    assert all("label" not in a for _, a in arrows)  # xlabels: no hidden node per text
    assert all(html_label_text(a["xlabel"]) for tail, a in arrows if tail not in constants)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TeachingWarning)
        svg = draw_graph(root, edge_grads=True).pipe(format="svg", encoding="utf-8")
    leaves = 1 + 99  # x, and a constant 0.5 per step: the only values without an op
    assert len(read_svg(svg).nodes) == 2 * len(walk_graph(root)) - leaves  # it renders


def test_ordinary_graphs_get_no_limits_and_labels_with_room():
    *_, L = issue_example(run_backward=True)
    source = draw_graph(L, edge_grads=True).source
    assert not {"nslimit", "mclimit", "splines"} & set(dot_graph_attributes(source))
    labels = [a for *_, a in dot_edges(source) if "input" in a["class"]]
    assert all("xlabel" not in a and html_label_text(a["label"]) for a in labels)
    assert layout_limits(HIDDEN_NODE_BUDGET, 100) == {}
    rounds = [float(layout_limits(hidden, 500)["nslimit"]) for hidden in (2_001, 10_000, 50_000, 10**6)]
    assert rounds == sorted(rounds, reverse=True) and rounds[0] == 0.4 and rounds[-1] == 0.01


# ----------------------------------------------------------------------------
# A direction that fits the screen
# ----------------------------------------------------------------------------


def test_footprint_and_direction_of_simple_shapes():
    box = (100.0, 50.0)
    column = {f"n{k}": k for k in range(10)}  # a chain of 10: one box per rank
    sizes = dict.fromkeys(column, box)
    assert footprint(column, sizes, "LR") == Footprint(10 * 100 + 9 * 0.35 * 72, 50)
    assert footprint(column, sizes, "TB") == Footprint(100, 10 * 50 + 9 * 0.35 * 72)
    assert choose_rankdir(column, sizes) == "TB"  # left to right it is 1,227 pt: wider than a page
    fan = {"out": 0, **{f"in{k}": 1 for k in range(20)}}  # 20 inputs of one node
    sizes = dict.fromkeys(fan, box)
    assert choose_rankdir(fan, sizes) == "LR"  # top to bottom it is 20 boxes wide
    pair = {"a": 1, "b": 0}
    assert choose_rankdir(pair, dict.fromkeys(pair, box)) == "LR"  # both fit: the shorter one
    assert Footprint(1500, 10).scale_to_fit() == 0.5 and Footprint(100, 10).scale_to_fit() == 1


def test_a_long_chain_goes_down_the_page_and_a_wide_sum_across():
    assert draw_graph(chain(20), show_grad=False).graph_attr["rankdir"] == "TB"
    terms = [Value(float(k), label=f"x{k}") for k in range(30)]
    assert draw_graph(sum_values(terms), show_grad=False).graph_attr["rankdir"] == "LR"
    *_, L = issue_example(run_backward=True)
    assert draw_graph(L).graph_attr["rankdir"] == "LR"  # small: left to right, as micrograd draws it
    assert draw_graph(L, rankdir="BT").graph_attr["rankdir"] == "BT"  # asked for: as asked


def demo_neuron_graph_svg() -> str:
    """The picture scripts/demo.py draws: a neuron of MLP(2, [16, 16, 1]) with edge gradients."""
    X, _ = make_moons(n=120, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], activation="relu", seed=1)
    point = [Value(v, label=f"x{i + 1}") for i, v in enumerate(X[0])]
    neuron = next(n for n in model.layers[0].neurons if n(point).data > 0)
    output = neuron(point)
    output.label = "h"
    output.backward()
    graph = draw_graph(output, edge_grads=True, clusters={"one neuron": neuron.parameters()})
    return str(graph.pipe(format="svg", encoding="utf-8"))


def test_the_demos_neuron_fits_a_1000_px_page_without_shrinking():
    # before: left to right, 2,620 x 255 px (about 10:1), the output off-screen in a notebook
    width, height = svg_size_px(demo_neuron_graph_svg())
    assert width <= 1000
    assert 0.5 <= width / height <= 2


def cluster_boxes(svg: str) -> dict[str, tuple[float, float]]:
    """The vertical extent (top, bottom) of every cluster box in an SVG, by its label."""
    extents = {}
    for group in re.findall(r'<g id="clust\d+" class="cluster">(.*?)</g>', svg, flags=re.S):
        label = re.search(r"<text[^>]*>([^<]*)</text>", group)
        points = re.search(r'<(?:polygon|path) [^>]*(?:points|d)="([^"]+)"', group)
        if label and points:
            ys = [float(y) for y in re.findall(r"-?\d+(?:\.\d+)?,(-?\d+(?:\.\d+)?)", points.group(1))]
            extents[label.group(1)] = (min(ys), max(ys))
    return extents


def test_layers_drawn_top_to_bottom_stack_instead_of_a_staircase():
    # arrows from one layer's box into the next get an empty rank between, so the
    # boxes share no rank and dot can put one under the other (no staircase to the right)
    model = MLP(2, [4, 4, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    graph = draw_graph(loss, clusters=model, rankdir="TB")
    assert any("minlen" in attributes for _, _, attributes in dot_edges(graph.source))
    boxes = cluster_boxes(graph.pipe(format="svg", encoding="utf-8"))
    layer_0, layer_1, layer_2 = boxes["layer 0"], boxes["layer 1"], boxes["layer 2"]
    assert layer_0[1] < layer_1[0] and layer_1[1] < layer_2[0]  # each layer's box ends before the next begins
