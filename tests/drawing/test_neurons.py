"""A model's computation graph with one box per neuron, and the Jupyter display that uses it.

The neurons are looked for in graphs built by ``nn`` (whose parameters are known
here) and in graphs built by hand; the boxes are checked against the
parameters' own numbers.
"""

from __future__ import annotations

import re

import pytest

from autograd import Value, dot, draw_graph
from autograd.drawing.display import (
    HTML_MIMETYPE,
    SVG_MIMETYPE,
    mimebundle,
    readable_when_fitted,
    svg_size_px,
)
from autograd.drawing.neurons import neuron_groups
from autograd.engine import topological_order
from autograd.teaching.naming import format_number
from nn import MLP
from tests.helpers import dot_nodes, issue_example


def mlp_loss() -> tuple[Value, MLP]:
    """A squared error of MLP(2, [4, 4, 1]) on one sample, after backward (the issue's example)."""
    model = MLP(2, [4, 4, 1], activation="tanh", seed=0)
    loss = (model([Value(0.5, label="x1"), Value(-1.5, label="x2")]) - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return loss, model


def test_every_neuron_of_an_mlp_is_found_with_its_own_parameters():
    loss, model = mlp_loss()
    groups = neuron_groups(topological_order(loss))
    neurons = [neuron for layer in model.layers for neuron in layer.neurons]
    assert len(groups) == len(neurons) == 9
    by_bias = {group.bias: group for group in groups}
    for neuron in neurons:
        group = by_bias[neuron.b]
        assert list(group.weights) == neuron.w  # the very Values, in order
        assert group.activation == ("tanh" if len(neuron.w) != 4 or neuron is not neurons[-1] else None)
    assert [g.activation for g in groups].count(None) == 1  # the linear output unit


def test_only_whole_neurons_are_found():
    w, x, b = Value(0.5, label="w"), Value(2.0, label="x"), Value(1.0, label="b")
    assert len(neuron_groups(topological_order((dot([w], [x]) + b).tanh()))) == 1
    shared = dot([w], [x]) + b + w  # the weight is used again: its box could not stand for it
    assert neuron_groups(topological_order(shared)) == []
    constant_bias = dot([w], [x]) + 1.0  # a number, not a parameter
    assert neuron_groups(topological_order(constant_bias)) == []
    *_, L = issue_example()
    assert neuron_groups(topological_order(L)) == []


def test_a_neuron_box_holds_its_weights_bias_and_output_with_data_and_grad():
    loss, model = mlp_loss()
    graph = draw_graph(loss, neurons=True)
    nodes = dot_nodes(graph.source)
    boxes = [attributes["label"] for attributes in nodes.values() if "neuron" in attributes.get("class", "")]
    assert len(boxes) == 9
    assert not any(name.startswith("layers.") for name in nodes)  # no box of its own for a parameter
    first = model.layers[0].neurons[0]
    (box,) = [label for label in boxes if "layers.0.neurons.0<" in label]
    cells = re.findall(r"<TD[^>]*>(.*?)</TD>", box)
    text = [re.sub(r"<[^>]+>", "", cell) for cell in cells]
    assert text[:2] == ["layers.0.neurons.0", "tanh(w·x + b)"]
    for name, p in [("w0", first.w[0]), ("w1", first.w[1]), ("b", first.b)]:
        k = text.index(name)
        assert text[k + 1 : k + 3] == [format_number(p.data), format_number(p.grad)]
    assert graph.graph_attr["rankdir"] == "LR"


def test_neurons_true_refuses_options_it_cannot_honour():
    loss, model = mlp_loss()
    for option in ({"edge_grads": True}, {"clusters": model}, {"rankdir": "TB"}, {"highlight": loss}):
        with pytest.raises(ValueError, match="neurons=True draws one box per neuron"):
            draw_graph(loss, neurons=True, **option)


def test_an_mlp_loss_displays_one_box_per_neuron_with_the_full_graph_folded_below():
    loss, _ = mlp_loss()
    full = draw_graph(loss).pipe(format="svg", encoding="utf-8")
    assert not readable_when_fitted(full)  # 2,800 px wide: its texts would be about 5 px high
    bundle = mimebundle(loss)
    compact = bundle[SVG_MIMETYPE]
    assert readable_when_fitted(compact) and svg_size_px(compact)[0] < svg_size_px(full)[0] / 2
    page = bundle[HTML_MIMETYPE]
    assert page.count("<svg") >= 2 and "the full graph: a box for every value (" in page
    fold = page[page.index("the full graph") :]
    assert ' id="' not in fold  # the ids stay unique in the page
    assert bundle["text/plain"] == repr(loss)


def test_a_small_expression_still_displays_its_full_graph():
    *_, L = issue_example(run_backward=True)
    bundle = mimebundle(L)
    assert "the full graph" not in bundle[HTML_MIMETYPE] and bundle[SVG_MIMETYPE] == draw_graph(L).pipe(
        format="svg", encoding="utf-8"
    )


def test_readable_when_fitted_is_font_size_times_the_scale():
    svg = '<svg width="{w}pt" height="100pt"><text font-size="{f}">a</text></svg>'
    assert readable_when_fitted(svg.format(w=700, f=12))  # 933 px wide, 16 px text: not shrunk
    assert readable_when_fitted(svg.format(w=1200, f=12))  # 1,600 px: shrunk to 5/8, 16 px -> 10 px
    assert not readable_when_fitted(svg.format(w=1500, f=12))  # 2,000 px: to half, 8 px
    assert readable_when_fitted('<svg width="10pt" height="10pt"></svg>')  # no text: nothing to read


def test_hostile_labels_in_a_neuron_box_are_shown_as_text():
    w, x, b = Value(0.5, label="<b>&w"), Value(2.0, label="x"), Value(1.0, label='"></TD><script>')
    out = (dot([w], [x]) + b).tanh()
    out.backward()
    svg = draw_graph(out, neurons=True).pipe(format="svg", encoding="utf-8")
    assert "<script" not in svg and "<b>&amp;" not in svg
    assert "&lt;b&gt;&amp;w" in svg  # shown, escaped, as its name in the table
