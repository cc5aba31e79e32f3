"""draw_graph(wrong_edges=...): the arrows where a learner's mistake was made, drawn red,
thick and dashed, with a ``✗ here`` text, and no other arrow.

Each test says by hand which arrows must be marked: found in the rendered SVG by what
the boxes show (their labels), not by the drawing's own numbering. An arrow is
``tail->head`` in its ``<title>``: from a box (or a copy of a leaf) into an op oval,
the op whose own arrow leads to the Value it computed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from autograd import Value, draw_graph, topological_order
from autograd.drawing.draw import (
    ACTIVE_EDGE,
    MAX_ARROW_TEXT_CHARS,
    MISTAKE_COLOR,
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    ZERO_COLOR,
    mistake_text,
    render_svg,
)
from nn import MLP, mse_loss
from tests.helpers import (
    SVG,
    dot_edges,
    dot_graph_attributes,
    edge_groups,
    html_label_text,
    read_svg,
    svg_classes,
)

MARK = "✗ here"


# ----------------------------------------------------------------------------
# Reading the picture
# ----------------------------------------------------------------------------


def marked_arrows(svg: str) -> dict[str, str]:
    """Every arrow drawn as a mistake, by title, with its text.

    An arrow counts as marked when *any* sign of it is there (red stroke, dashes, the
    ``mistake`` class, the ``✗`` text), so that an arrow marked only half-way is caught
    by ``assert_marked``, which wants all of them (and the thick line).
    """
    marked = {}
    for title, group in edge_groups(svg).items():
        path = group.find(f"{SVG}path")
        assert path is not None
        text = "".join(t.text or "" for t in group.iter(f"{SVG}text"))
        signs = [
            path.get("stroke") == MISTAKE_COLOR,
            path.get("stroke-dasharray") is not None,
            "mistake" in svg_classes(group),
            "✗" in text,
        ]
        if any(signs):
            marked[title] = text
    return marked


def assert_marked(svg: str, expected: dict[str, str]) -> None:
    """Exactly the ``expected`` arrows (title -> text) are marked, each in every way."""
    assert marked_arrows(svg) == expected
    groups = edge_groups(svg)
    for title in expected:
        path = groups[title].find(f"{SVG}path")
        head = groups[title].find(f"{SVG}polygon")
        assert path is not None and head is not None
        assert (path.get("stroke"), path.get("stroke-width")) == (MISTAKE_COLOR, "3")
        assert path.get("stroke-dasharray")  # dashed: not by colour alone
        assert (head.get("fill"), head.get("stroke")) == (MISTAKE_COLOR, MISTAKE_COLOR)
        assert svg_classes(groups[title])[:2] == ["edge", "input"] and "mistake" in svg_classes(groups[title])
        texts = groups[title].iter(f"{SVG}text")
        assert {t.get("fill") for t in texts} == {MISTAKE_COLOR}


def box_ids(svg: str) -> dict[str, str]:
    """Node id of every labelled box, by the label it shows (copies of leaves left out)."""
    picture = read_svg(svg)
    return {
        texts[0]: title
        for title, texts in picture.nodes.items()
        if "value" in picture.classes[title] and "copy" not in picture.classes[title]
    }


def op_of(svg: str, label: str) -> str:
    """The op oval whose arrow leads to the box labelled ``label``."""
    picture = read_svg(svg)
    target = box_ids(svg)[label]
    (op,) = [tail for tail, head in picture.edges if head == target]
    return op


def arrow(svg: str, source: str, target: str) -> str:
    """The title of the arrow from the box labelled ``source`` into the op computing ``target``."""
    return f"{box_ids(svg)[source]}->{op_of(svg, target)}"


def small_graph() -> tuple[Value, dict[str, Value]]:
    """``s = a * b + c``, every node labelled, after backward."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    ab = a * b
    ab.label = "ab"
    s = ab + c
    s.label = "s"
    s.backward()
    return s, {"a": a, "b": b, "c": c, "ab": ab, "s": s}


# ----------------------------------------------------------------------------
# Which arrows are marked
# ----------------------------------------------------------------------------


def test_one_wrong_edge_is_the_one_red_arrow():
    s, v = small_graph()
    svg = render_svg(s, wrong_edges=[(v["ab"], 0)])
    # written out: inputs first, a b c ab s are v0 to v4, and op<k> computes v<k>
    assert_marked(svg, {"v0->op3": MARK})
    assert arrow(svg, "a", "ab") == "v0->op3"  # what the helpers find, for the tests below
    svg = render_svg(s, wrong_edges=[(v["s"], 1)])
    assert_marked(svg, {"v2->op4": MARK})
    assert arrow(svg, "c", "s") == "v2->op4"


def test_every_wrong_edge_given_is_marked_and_no_other():
    s, v = small_graph()
    svg = render_svg(s, wrong_edges=[(v["ab"], 1), (v["s"], 0)])
    marked = {arrow(svg, "b", "ab"), arrow(svg, "ab", "s")}
    assert_marked(svg, dict.fromkeys(marked, MARK))
    others = {title: group for title, group in edge_groups(svg).items() if title not in marked}
    assert len(others) == 4  # a -> (*), c -> (+), and each op's arrow to its result
    for group in others.values():
        path = group.find(f"{SVG}path")
        assert path is not None and path.get("stroke") == "black" and path.get("stroke-dasharray") is None


def test_no_wrong_edges_no_red_arrow():
    s, _ = small_graph()
    for svg in (render_svg(s), render_svg(s, wrong_edges=[]), render_svg(s, wrong_edges=None)):
        assert marked_arrows(svg) == {}
        assert MISTAKE_COLOR not in svg and "✗" not in svg


def test_the_check_fails_when_nothing_or_something_else_is_marked():
    s, v = small_graph()
    unmarked = render_svg(s)
    expected = {arrow(unmarked, "a", "ab"): MARK}
    with pytest.raises(AssertionError):
        assert_marked(unmarked, expected)
    with pytest.raises(AssertionError):
        assert_marked(render_svg(s, wrong_edges=[(v["ab"], 1)]), expected)
    # an arrow that is only red (thin, solid, no text) is not marked well enough
    root = ET.fromstring(unmarked)
    for group in root.iter(f"{SVG}g"):
        if group.findtext(f"{SVG}title") in expected:
            path = group.find(f"{SVG}path")
            assert path is not None
            path.set("stroke", MISTAKE_COLOR)
    with pytest.raises(AssertionError):
        assert_marked(ET.tostring(root, encoding="unicode"), expected)


def test_an_input_used_twice_has_one_arrow_marked_for_either_position():
    a = Value(1.5, label="a")
    square = a * a
    square.label = "square"
    y = square + a
    y.label = "y"
    y.backward()
    for edges in ([(square, 0)], [(square, 1)], [(square, 0), (square, 1)]):
        svg = render_svg(y, wrong_edges=edges)
        assert_marked(svg, {arrow(svg, "a", "square"): f"{MARK}: ×2"})
    svg = render_svg(y, wrong_edges=[(y, 1)])  # a's other use, by y's op
    assert_marked(svg, {arrow(svg, "a", "y"): MARK})


def shared_leaf_chain() -> tuple[Value, Value, list[Value]]:
    """``y = a * c``, then ``y = y * c + a`` four times: a and c are used far from their
    first use, so the drawing adds copies of them next to the later ops. Returns y, a,
    and the ``+ a`` nodes, first to last."""
    a, c = Value(0.5, label="a"), Value(1.1, label="c")
    y = a * c
    adds = []
    for _ in range(4):
        y = y * c + a
        adds.append(y)
    y.label = "y"
    y.backward()
    return y, a, adds


def test_a_copy_of_a_leaf_has_its_arrow_marked():
    y, _, adds = shared_leaf_chain()
    svg = render_svg(y, wrong_edges=[(adds[-1], 1)])
    picture = read_svg(svg)
    # by hand: the last + has inputs (y * c, a); its a is a dashed copy of a, drawn next to it
    into_last = [tail for tail, head in picture.edges if head == op_of(svg, "y")]
    copies = [tail for tail in into_last if "copy" in picture.classes[tail]]
    assert len(copies) == 1 and picture.nodes[copies[0]][0] == "a"
    assert_marked(svg, {f"{copies[0]}->{op_of(svg, 'y')}": MARK})
    assert copies[0] == "v0_for_op10"  # a is v0; y, the last of 11 values (a, c, 9 ops), is v10
    # a's own box sends no red arrow (its first use is fine)
    assert not any(title.startswith(f"{box_ids(svg)['a']}->") for title in marked_arrows(svg))


# ----------------------------------------------------------------------------
# With the other options
# ----------------------------------------------------------------------------


def test_with_edge_grads_the_text_follows_the_mark_and_the_legend_tells_the_reds_apart():
    s, v = small_graph()
    svg = render_svg(s, edge_grads=True, wrong_edges=[(v["ab"], 0)])
    assert_marked(svg, {arrow(svg, "a", "ab"): f"{MARK}: dab/da = b = -3"})
    # every other arrow keeps its colour by sign
    for title, group in edge_groups(svg).items():
        path = group.find(f"{SVG}path")
        assert path is not None
        if title != arrow(svg, "a", "ab") and "input" in svg_classes(group):
            assert path.get("stroke") in {POSITIVE_COLOR, NEGATIVE_COLOR, ZERO_COLOR}
    assert MISTAKE_COLOR != NEGATIVE_COLOR  # and, above all, dashed and with a text

    def legend(**options: object) -> str:
        return html_label_text(
            dot_graph_attributes(draw_graph(s, edge_grads=True, **options).source)["label"]
        )

    assert "negative" in legend() and "mistake" not in legend()
    assert "dashed, ✗ here: where the mistake was made" in legend(wrong_edges=[(v["ab"], 0)])


def test_a_mistake_into_the_highlighted_op_is_red_not_orange():
    s, v = small_graph()
    svg = render_svg(s, highlight=v["ab"], wrong_edges=[(v["ab"], 1)])
    assert_marked(svg, {arrow(svg, "b", "ab"): MARK})
    groups = edge_groups(svg)
    assert "active" in svg_classes(groups[arrow(svg, "b", "ab")])
    other = groups[arrow(svg, "a", "ab")].find(f"{SVG}path")
    assert other is not None and other.get("stroke") == ACTIVE_EDGE  # the highlight stays on the other


def test_with_grads_and_clusters_a_weight_in_its_box_and_the_loss():
    model = MLP(2, [2, 1], seed=0)
    loss = mse_loss(model([0.5, -0.3]), 1.0)
    weight = model.parameters()[0]
    (weighted_sum,) = [node for node in topological_order(loss) if weight in node.children]
    weighted_sum.label = "wx"  # a computed node's label (parameters show short names in a cluster)
    loss.label, loss.children[0].label = "loss", "total"
    grads = {node: 0.25 for node in topological_order(loss)}
    edges = [(weighted_sum, weighted_sum.children.index(weight)), (loss, 0)]
    svg = render_svg(loss, grads=grads, clusters=model, wrong_edges=edges)
    picture = read_svg(svg)
    # the weight's box is the one showing its data, in the box of its neuron
    (weight_box,) = [title for title, texts in picture.nodes.items() if f"data {weight.data:.4g}" in texts]
    assert_marked(svg, {f"{weight_box}->{op_of(svg, 'wx')}": MARK, arrow(svg, "total", "loss"): MARK})
    assert "grad 0.25" in picture.nodes[weight_box]


def test_the_text_is_cut_but_never_the_mark():
    long = "d" * 200
    text = html_label_text(mistake_text(long))
    assert text.startswith(f"{MARK}: ddd") and text.endswith("…") and len(text) <= MAX_ARROW_TEXT_CHARS
    assert html_label_text(mistake_text("")) == MARK
    assert html_label_text(mistake_text("<b>")) == f"{MARK}: <b>"  # escaped, shown as typed


def test_the_dot_source_marks_the_arrow_for_the_layout_too():
    s, v = small_graph()
    source = draw_graph(s, wrong_edges=[(v["ab"], 0)]).source
    marked = [(tail, head, attrs) for tail, head, attrs in dot_edges(source) if "mistake" in attrs["class"]]
    assert len(marked) == 1
    (_, _, attributes) = marked[0]
    assert attributes["color"] == MISTAKE_COLOR and attributes["style"] == "dashed"
    assert attributes["penwidth"] == "3" and html_label_text(attributes["label"]) == MARK


# ----------------------------------------------------------------------------
# Wrong arguments
# ----------------------------------------------------------------------------


def bad_edges(v: dict[str, Value]) -> list[tuple[object, type[Exception], str]]:
    """(wrong_edges, the error, a piece of its message), for the nodes ``v`` of ``small_graph``."""
    stranger = Value(1.0) * 2.0
    return [
        ((v["ab"], 0), TypeError, r"a list of \(node, index\) pairs; for one edge, write wrong_edges=\["),
        (3, TypeError, "wrong_edges must be a list of \\(node, index\\) pairs, got int"),
        ([v["ab"]], TypeError, "each wrong edge must be a pair \\(node, index\\), got Value"),
        ([(v["ab"], 0, 1)], TypeError, "each wrong edge must be a pair"),
        ([[v["ab"], 0]], TypeError, "each wrong edge must be a pair"),
        (["ab"], TypeError, "each wrong edge must be a pair"),
        ([("ab", 0)], TypeError, "needs a Value as node, got str: 'ab'"),
        ([(v["ab"], "0")], TypeError, "needs an int as index, got str: '0'"),
        ([(v["ab"], True)], TypeError, "needs an int as index, got bool: True"),
        ([(v["ab"], 0.0)], TypeError, "needs an int as index, got float"),
        ([(v["a"], 0)], ValueError, "has the edge \\('a', 0\\), but 'a' has no inputs \\(it is a leaf\\)"),
        ([(v["ab"], 2)], ValueError, "has the edge \\('ab', 2\\), but 'ab' has inputs 0 to 1 only"),
        ([(v["ab"], -1)], ValueError, "but 'ab' has inputs 0 to 1 only"),
        ([(stranger, 0)], ValueError, "an edge from the \\* Value with data 2, which is not in the graph"),
    ]


@pytest.mark.parametrize("case", range(len(bad_edges(small_graph()[1]))))
def test_wrong_edges_that_are_not_edges_of_the_graph_are_refused(case):
    s, v = small_graph()
    edges, error, message = bad_edges(v)[case]
    with pytest.raises(error, match=message):
        draw_graph(s, wrong_edges=edges)


def test_one_bad_edge_among_good_ones_is_refused_and_a_generator_works():
    s, v = small_graph()
    with pytest.raises(ValueError, match="'s' has inputs 0 to 1 only"):
        draw_graph(s, wrong_edges=[(v["ab"], 0), (v["s"], 5)])
    svg = render_svg(s, wrong_edges=((node, 0) for node in (v["ab"], v["s"])))
    assert_marked(svg, {arrow(svg, "a", "ab"): MARK, arrow(svg, "ab", "s"): MARK})


def test_neurons_do_not_take_wrong_edges():
    model = MLP(2, [2, 1], seed=0)
    loss = mse_loss(model([0.5, -0.3]), 1.0)
    with pytest.raises(
        ValueError, match=r"neurons=True draws one box per neuron, .*it does not take wrong_edges="
    ):
        draw_graph(loss, neurons=True, wrong_edges=[(loss, 0)])
