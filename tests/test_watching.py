"""Seeing backprop: annotated edges, clusters, replay frames and the player, drawing warnings."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings

from autograd import TeachingWarning, Value, dot, draw_graph
from autograd.draw import NEGATIVE_COLOR, POSITIVE_COLOR, cluster_members, mimebundle
from autograd.player import Player, gradients_after, step_frames
from tests.test_backward import programs, run
from tests.test_draw import SVG, read_svg


def issue_example():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    L = (c + a).tanh()
    return a, b, c, L


def edge_groups(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.findtext(f"{SVG}title"): g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"}


def test_edges_show_local_derivatives_coloured_by_sign():
    *_, L = issue_example()
    L.backward()
    svg = draw_graph(L, edge_grads=True).pipe(format="svg", encoding="utf-8")
    edges = edge_groups(svg)
    # v0 = a, v1 = b, op2 = the * node: d(a*b)/da = b = -3, d(a*b)/db = a = 2
    to_a = edges["v0->op2"]
    assert "".join(t.text for t in to_a.iter(f"{SVG}text")) == "dt0/da = b = -3"
    assert to_a.find(f"{SVG}path").get("stroke") == NEGATIVE_COLOR  # carries -3 * 0.0013 back
    to_b = edges["v1->op2"]
    assert "".join(t.text for t in to_b.iter(f"{SVG}text")) == "dt0/db = a = 2"
    assert to_b.find(f"{SVG}path").get("stroke") == POSITIVE_COLOR
    # the largest gradient carried gets the thickest arrow
    widths = {title: float(g.find(f"{SVG}path").get("stroke-width", "1")) for title, g in edges.items()
              if g.find(f"{SVG}text") is not None}
    assert max(widths, key=widths.get) == "v0->op2"


def test_clusters_group_a_neurons_nodes():
    w1 = [Value(0.5, label="w1"), Value(-1.0, label="w2")]
    w2 = [Value(2.0, label="u1"), Value(1.0, label="u2")]
    b1, b2 = Value(0.1, label="b1"), Value(-0.2, label="b2")
    x = [Value(1.0, label="x1"), Value(2.0, label="x2")]
    h1, h2 = (dot(w1, x) + b1).tanh(), (dot(w2, x) + b2).tanh()
    out = h1 * h2  # mixes both neurons: belongs to neither
    groups = {"layer/neuron 1": [*w1, b1], "layer/neuron 2": [*w2, b2]}
    from autograd import topological_order

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


def test_clusters_must_be_a_mapping_or_a_module():
    with pytest.raises(TypeError, match="parameter_groups"):
        draw_graph(Value(1.0) * 2, clusters=[1, 2], show_grad=False)


def active_value_nodes(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [
        g.findtext(f"{SVG}title")
        for g in root.iter(f"{SVG}g")
        if (g.get("class") or "").split() == ["node", "active"] and g.findtext(f"{SVG}title").startswith("v")
    ]


def test_frames_parse_and_highlight_one_node_each():
    _, _, _, L = issue_example()
    record = L.backward(record=True)
    frames = step_frames(record)
    assert len(frames) == len(record) + 1
    assert active_value_nodes(frames[0]) == []  # the start: nothing done yet
    highlighted = [active_value_nodes(svg) for svg in frames[1:]]
    assert all(len(h) == 1 for h in highlighted)
    assert [h[0] for h in highlighted] == ["v4", "v3", "v2"]  # tanh, +, * : backward order
    # each frame shows the gradients as they stood then: a's is complete only at the end
    a_box = [read_svg(svg).nodes["v0"] for svg in frames]
    assert [texts[-1] for texts in a_box] == ["grad 0", "grad 0", "grad 0.001341", "grad -0.002682"]


def test_gradients_after_the_last_step_are_the_final_gradients():
    a, b, c, L = issue_example()
    record = L.backward(record=True)
    final = gradients_after(record, len(record))
    assert [final[v] for v in (a, b, c, L)] == [a.grad, b.grad, c.grad, 1.0]


@settings(max_examples=25, deadline=None)
@given(programs())
def test_replayed_gradients_end_where_backward_ends(program):
    leaves, steps = program
    inputs = [Value(v) for v in leaves]
    record = run(steps, *inputs).backward(record=True)
    final = gradients_after(record, len(record))
    for node in record.order:
        if node is not record.root:
            assert final[node] == node.grad


def test_player_is_self_contained_html_with_every_frame():
    _, _, _, L = issue_example()
    player = L.backward(record=True).show()
    assert isinstance(player, Player)
    page = player._repr_html_()
    assert page.count("<svg") == 4 and "<?xml" not in page
    assert 'type="range" min="0" max="3"' in page and "<script>" in page
    assert "step 3/3: at t0 = a * b" in page
    L.zero_grad()
    assert page == L.backward(record=True).show()._repr_html_()  # deterministic: stable notebooks


def test_player_refuses_huge_replays():
    x = Value(0.1)
    y = x
    for _ in range(100):
        y = y * 1.01
    with pytest.raises(ValueError, match="100 steps"):
        y.backward(record=True).frames()


# -- teaching warnings for drawings --------------------------------------------


def test_drawing_before_backward_warns_and_after_does_not():
    _, _, _, L = issue_example()
    with pytest.warns(TeachingWarning, match="call backward"):
        draw_graph(L)
    L.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error", TeachingWarning)
        draw_graph(L)
        draw_graph(Value(1.0) * 2, show_grad=False)  # no grads shown: nothing to warn about


def test_big_graph_warns_that_it_is_hard_to_read():
    x = Value(0.5)
    y = x
    for _ in range(100):
        y = (y * 0.9).tanh()
    y.backward()
    with pytest.warns(TeachingWarning, match="hard to read"):
        draw_graph(y)


def test_jupyter_display_does_not_warn():
    _, _, _, L = issue_example()
    with warnings.catch_warnings():
        warnings.simplefilter("error", TeachingWarning)
        bundle = mimebundle(L)
    assert "image/svg+xml" in bundle


def test_a_loss_on_a_neurons_output_stays_outside_its_box():
    w, b = [Value(0.5, label="w1"), Value(-1.0, label="w2")], Value(0.1, label="b")
    x = [Value(1.0, label="x1"), Value(2.0, label="x2")]
    y = (dot(w, x) + b).sigmoid()
    loss = (1 - y) ** 2
    from autograd import topological_order

    owner = cluster_members(topological_order(loss), {"neuron": [*w, b]})
    assert owner[y] == "neuron"
    assert loss not in owner and loss.children[0] not in owner


def test_reprs_are_short_and_stable():
    *_, L = issue_example()
    L.backward()
    assert repr(draw_graph(L)).startswith("<ValueGraph: 5 values")
    from autograd import check_nodes

    assert repr(check_nodes(L)) == "<NodeCheckReport: all 5 node gradients match finite differences>"
