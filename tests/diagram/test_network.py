"""The architecture diagram of a network: what it shows, checked against the model and the homework.

The homework's figures below are the answer key's (worked by hand in the seed
notebooks), written here as data; the weights on the arrows are compared with
the model's own numbers, formatted here independently of the library.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
import time

import pytest

from autograd import Value
from nn import MLP, Layer, LSTMCell, Neuron, draw_network
from nn.diagram.network import MAX_SHOWN, NetworkNumbers, NetworkStyle, render_network
from nn.diagram.picture import Diagram
from nn.diagram.svg import Box
from tests.diagram.svg_reading import count, groups, minus, parse, strings, texts

# ----------------------------------------------------------------------------
# The homework's 2-4-2 network and its answer key
# ----------------------------------------------------------------------------

W = [[1, 0, -1], [0, 1, -1], [-1, 0, -1], [0, -1, -1]]  # columns: x1, x2, bias
V = [[1, 1, 1, 1, 0], [-1, -1, -1, -1, 2]]  # last column: bias
X = (3, 14)
ANSWER = {
    "z": (2, 13, -4, -15),
    "f(z)": (2, 13, 0, 0),
    "u": (15, -13),
    "f(u)": (15, 0),
    "o": (0.9999996940977731, 3.059022269256247e-07),
}


def homework_network() -> MLP:
    hidden = Layer.from_weights([row[:2] for row in W], [row[2] for row in W], activation="relu")
    output = Layer.from_weights([row[:4] for row in V], [row[4] for row in V], activation="relu")
    return MLP.from_layers([hidden, output])


def homework_diagram() -> Diagram:
    return draw_network(homework_network(), inputs=X, output="softmax", symbols=["z", "u"], digits=7)


def test_the_homework_network_shows_the_answer_key():
    shown = strings(homework_diagram().svg)
    for name, values in ANSWER.items():
        if name == "o":
            continue
        for value in values:
            assert f"{name} = {minus(str(value))}" in shown, f"{name} = {value} is not on the picture"
    # the softmax outputs, to the 7 digits asked for: o1 = 0.9999997, o2 = 3.059022e-07
    assert "o1 = 0.9999997" in shown and "o2 = 3.059022e−07" in shown
    assert [t for t in shown if t.startswith("= ")] == ["= 3", "= 14"]  # the inputs
    biases = sorted(t for t in shown if t.startswith("b = "))
    assert biases == sorted(["b = −1"] * 4 + ["b = 0", "b = 2"])  # W's and V's last columns


def test_the_homework_network_has_its_shape_and_activations():
    svg = homework_diagram().svg
    shown = strings(svg)
    assert count(svg, "circle") == 2 + 4 + 2
    for name in ["x1", "x2", "h1.1", "h1.2", "h1.3", "h1.4", "y1", "y2", "softmax"]:
        assert name in shown
    assert shown.count("f = ReLU") == 2  # each layer's activation, written once
    weights = groups(svg, "weight")
    assert len(weights) == 2 * 4 + 4 * 2  # one arrow per weight
    labels = _label_strings(svg)
    for j, row in enumerate(W):  # into hidden neuron j from input i: the homework's W_ij
        for i, w in enumerate(row[:2]):
            assert labels[f"w1.{j}.{i}"] == [minus(str(w))]
    for j, row in enumerate(V):
        for i, v in enumerate(row[:4]):
            assert labels[f"w2.{j}.{i}"] == [minus(str(v))]


# ----------------------------------------------------------------------------
# Weights on the arrows: value, colour, width, place
# ----------------------------------------------------------------------------


def arrow_line(group) -> tuple[float, float, float, float, str, float]:
    line = next(group.iter("{http://www.w3.org/2000/svg}line"))
    ends = tuple(float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))
    return (*ends, line.get("stroke"), float(line.get("stroke-width")))


def test_each_weight_is_written_on_its_own_arrow_in_the_colour_of_its_sign():
    model = MLP(2, [4, 4, 1], seed=0)
    svg = draw_network(model).svg
    arrows, labels = groups(svg, "weight"), groups(svg, "weight-label")
    assert len(arrows) == len(labels) == 2 * 4 + 4 * 4 + 4 * 1
    widths = {}
    for k, layer in enumerate(model.layers, start=1):
        for j, neuron in enumerate(layer.neurons):
            for i, weight in enumerate(neuron.w):
                key = f"w{k}.{j}.{i}"
                x1, y1, x2, y2, color, width = arrow_line(arrows[key])
                (text,) = [t for t in labels[key].iter("{http://www.w3.org/2000/svg}text")]
                assert text.text == minus(f"{weight.data:.3g}")
                assert text.get("fill") == color == ("#1565c0" if weight.data > 0 else "#c62828")
                # the label's centre is on the arrow's line (a label sits on its own arrow)
                rect = next(labels[key].iter("{http://www.w3.org/2000/svg}rect"))
                cx = float(rect.get("x")) + float(rect.get("width")) / 2
                cy = float(rect.get("y")) + float(rect.get("height")) / 2
                distance = abs((x2 - x1) * (y1 - cy) - (x1 - cx) * (y2 - y1)) / math.hypot(x2 - x1, y2 - y1)
                assert distance < 1.5, f"the label of {key} is {distance:.1f} px off its arrow"
                assert min(x1, x2) < cx < max(x1, x2)
                widths[abs(weight.data)] = width
    ordered = [widths[size] for size in sorted(widths)]
    assert ordered == sorted(ordered) and ordered[0] < ordered[-1]  # larger |w|, thicker arrow


def test_no_two_labels_overlap():
    model = MLP(2, [4, 4, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    for numbers in (NetworkNumbers(), _numbers_with_everything(model)):
        placed = render_network(model.layers, numbers, NetworkStyle())
        boxes = placed.label_boxes
        overlapping = [(a, b) for k, a in enumerate(boxes) for b in boxes[k + 1 :] if a.overlaps(b)]
        assert overlapping == []


def _numbers_with_everything(model: MLP) -> NetworkNumbers:
    layers = model.layers
    return NetworkNumbers(
        inputs=[0.5, -1.0],
        z=[[0.123456] * layer.nout for layer in layers],
        a=[[-0.654321] * layer.nout for layer in layers],
        deltas=[[n.b.grad for n in layer.neurons] for layer in layers],
        weight_grads=[[[w.grad for w in n.w] for n in layer.neurons] for layer in layers],
    )


# ----------------------------------------------------------------------------
# Numbers of a forward and a backward pass
# ----------------------------------------------------------------------------


def test_inputs_show_each_neurons_pre_activation_and_activation():
    model = MLP(2, [3, 1], activation="tanh", seed=1)
    x = [0.5, -1.0]
    shown = strings(draw_network(model, inputs=x, digits=6).svg)
    for neuron in model.layers[0].neurons:  # z = w . x + b, by hand
        z = neuron.w[0].data * x[0] + neuron.w[1].data * x[1] + neuron.b.data
        assert f"z = {minus(f'{z:.6g}')}" in shown
        assert f"f(z) = {minus(f'{math.tanh(z):.6g}')}" in shown
    assert f"f(z) = {minus(f'{model(x).data:.6g}')}" in shown  # the output unit: linear, f(z) = z


def test_grads_show_each_weights_gradient_and_each_neurons_delta():
    """The homework's backprop chain: z1 = w1 x, a1 = ReLU(z1), z2 = w2 a1 + b, y = σ(z2), C = (y - t)²/2."""
    first = Layer.from_weights([[0.01]], [0.0], activation="relu")
    second = Layer.from_weights([[-5.0]], [-1.0], activation="sigmoid")
    chain = MLP.from_layers([first, second])
    C = (chain([3.0]) - 1.0) ** 2 / 2
    C.backward()
    svg = draw_network(chain, inputs=[3.0], grads=True, digits=4).svg
    shown = strings(svg)
    # the answer key: dC/dw1 = 2.0809165621704553, dC/dw2 = -0.00416183312434091, dC/db = -0.13872777081136367
    grads = {key: [t for t in s if t.startswith("∇")] for key, s in _label_strings(svg).items()}
    assert grads == {"w1.0.0": ["∇ 2.081"], "w2.0.0": ["∇ −0.004162"]}
    assert "δ = −0.1387" in shown  # the output neuron's delta: dC/dz2 = dC/db
    assert "δ = 0.6936" in shown  # the hidden one's: dC/dz1 = δ w2 ReLU'(z1) = 0.6936388540568185
    assert "∂C/∂w" in " ".join(shown)  # the legend says what ∇ and δ are


def _label_strings(svg: str) -> dict[str, list[str]]:
    return {
        key: ["".join(t.itertext()) for t in group.iter("{http://www.w3.org/2000/svg}text")]
        for key, group in groups(svg, "weight-label").items()
    }


# ----------------------------------------------------------------------------
# Wide layers, other models, determinism, speed
# ----------------------------------------------------------------------------


def test_a_wide_layer_shows_its_first_and_last_neurons_and_how_many_more():
    model = MLP(2, [16, 16, 1], seed=0)
    svg = draw_network(model).svg
    shown = strings(svg)
    assert shown.count("… +9 more") == 2  # 16 neurons: 4 first, 3 last, 9 between
    assert MAX_SHOWN == 8 and count(svg, "circle") == 2 + 7 + 7 + 1
    for name in ["h1.1", "h1.4", "h1.14", "h1.16", "h2.16", "y1"]:
        assert name in shown
    assert "h1.5" not in shown and "h1.13" not in shown
    assert len(groups(svg, "weight")) == 2 * 7 + 7 * 7 + 7 * 1
    assert "more" not in " ".join(strings(draw_network(MLP(2, [8, 1], seed=0)).svg))  # 8: drawn whole


def test_a_layer_and_a_neuron_are_drawn_too():
    layer = Layer.from_weights([[1.0, -2.0], [0.5, 0.0]], [0.25, -0.75], activation="sigmoid")
    shown = strings(draw_network(layer).svg)
    assert "f = sigmoid σ" in shown and "b = 0.25" in shown and "b = −0.75" in shown
    assert {"y1", "y2", "x1", "x2"} <= set(shown)
    neuron = Neuron.from_weights([0, 1], 4, "sigmoid")  # the intro notebook's neuron
    svg = draw_network(neuron, inputs=[2, 3], digits=7).svg
    assert "z = 7" in strings(svg) and "f(z) = 0.9990889" in strings(svg)  # sigmoid(7) = 0.9990889488055994


def test_the_same_model_gives_the_same_svg():
    first = draw_network(MLP(2, [4, 4, 1], seed=3), inputs=[0.1, 0.2]).svg
    again = draw_network(MLP(2, [4, 4, 1], seed=3), inputs=[0.1, 0.2]).svg
    assert first == again
    assert draw_network(MLP(2, [4, 4, 1], seed=4), inputs=[0.1, 0.2]).svg != first
    assert " id=" not in first  # a page with several diagrams must not get the same id twice


def test_drawing_a_16_16_network_takes_well_under_a_second():
    model = MLP(2, [16, 16, 1], seed=0)
    start = time.perf_counter()
    draw_network(model, inputs=[0.5, -1.0])
    assert time.perf_counter() - start < 1.0


def test_the_drawing_fits_a_notebook_and_keeps_its_texts_readable():
    for model in (MLP(2, [4, 4, 1], seed=0), MLP(2, [16, 16, 1], seed=0), homework_network()):
        diagram = draw_network(model, inputs=[0.5, -1.0], grads=True)
        assert diagram.width <= 1000
        sizes = [t.size for t in texts(diagram.svg)]
        assert min(sizes) >= 10  # at its own size; the browser tests measure it on screen


# ----------------------------------------------------------------------------
# Bad input, hostile names
# ----------------------------------------------------------------------------


def test_what_cannot_be_drawn_is_refused_with_a_clear_error():
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError, match="draws an MLP, a Layer, a Neuron or an LSTMCell; got str"):
        draw_network("model")
    with pytest.raises(TypeError, match="got Value"):
        draw_network(Value(1.0))
    with pytest.raises(ValueError, match="inputs must have 2 entries, got 3"):
        draw_network(model, inputs=[1, 2, 3])
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a real number"):
        draw_network(model, inputs=[1, "2"])
    with pytest.raises(ValueError, match=r"inputs\[1\] must be finite"):
        draw_network(model, inputs=[1, math.nan])
    with pytest.raises(ValueError, match="output must be None or one of softmax"):
        draw_network(model, output="sigmoid")
    with pytest.raises(ValueError, match="digits must be an int from 1 to 17"):
        draw_network(model, digits=0)
    with pytest.raises(TypeError, match="grads must be True or False"):
        draw_network(model, grads="yes")
    with pytest.raises(ValueError, match="state, round_hidden and unroll are for an LSTMCell"):
        draw_network(model, state=(0, 0))
    with pytest.raises(ValueError, match="input_names has 3 names but the model has 2 inputs"):
        draw_network(model, input_names=["a", "b", "c"])
    with pytest.raises(TypeError, match="input_names must be a list of strings"):
        draw_network(model, input_names="ab")
    with pytest.raises(ValueError, match="output_names name the outputs of output="):
        draw_network(model, output_names=["o"])
    with pytest.raises(ValueError, match="grads, output, output_names and symbols draw networks"):
        draw_network(LSTMCell(1, 1, seed=0), grads=True)


def test_hostile_names_are_shown_as_text():
    attack = "</text><script>alert(1)</script>&amp;\"'"
    model = MLP(2, [2], seed=0)
    diagram = draw_network(
        model, input_names=[attack, "x\n2"], output="softmax", output_names=[attack, "b"], title=attack
    )
    parse(diagram.svg)  # well-formed: nothing closed the text early
    assert "<script" not in diagram.svg and "<script" not in diagram._repr_html_()
    shown = strings(diagram.svg)
    assert attack[:15] in " ".join(shown)  # cut to 16 characters, shown as written
    assert "x\\n2" in shown  # a newline is written as Python writes it, not obeyed


# ----------------------------------------------------------------------------
# Showing and saving
# ----------------------------------------------------------------------------


def test_a_diagram_shows_itself_and_saves_as_svg_or_html(tmp_path):
    diagram = draw_network(MLP(2, [3, 1], seed=0))
    assert diagram._repr_svg_() == diagram.svg
    html = diagram._repr_html_()
    assert html.startswith('<div class="chaingrad-diagram"') and 'style="max-width:100%;height:auto' in html
    assert re.search(r'viewBox="0 0 \d+ \d+"', diagram.svg)
    saved = diagram.save(tmp_path / "net.svg").read_text()
    assert saved.startswith("<?xml") and parse(saved[saved.index("<svg") :]) is not None
    page = diagram.save(tmp_path / "net.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and diagram.svg[5:200] in page
    with pytest.raises(ValueError, match=r"save writes \.svg or \.html files"):
        diagram.save(tmp_path / "net.png")
    assert repr(diagram).startswith("<Diagram: network 2 → 3 → 1 (")


def test_models_show_their_diagram_in_jupyter():
    model = MLP(2, [4, 4, 1], seed=0)
    assert model._repr_html_() == draw_network(model)._repr_html_()
    layer = Layer(3, 2, seed=0)
    assert "<svg" in layer._repr_html_()
    cell = LSTMCell(1, 1, seed=0)
    assert "<svg" in cell._repr_html_()
    assert repr(model).startswith("MLP(")  # text stays the text


def test_importing_nn_does_not_import_the_diagrams():
    code = (
        "import sys, nn; before = 'nn.diagram' in sys.modules; from nn import draw_network; "
        "print(before, 'nn.diagram' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


def test_box_overlap_and_crossing_arithmetic():
    box = Box(0, 0, 10, 10)
    assert box.overlaps(Box(9, 9, 20, 20)) and not box.overlaps(Box(11, 0, 20, 10))
    assert box.overlaps(Box(11, 0, 20, 10), gap=2)
    assert box.crosses(-5, 5, 15, 5) and box.crosses(-5, -5, 15, 15)
    assert not box.crosses(-5, 12, 15, 12) and not box.crosses(11, -5, 30, 30)
