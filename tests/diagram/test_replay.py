"""The network replay: its frames follow backprop layer by layer, and its numbers are the answer key's.

The homework's chain (seeds 000/001): z1 = w1 x, a1 = ReLU(z1), z2 = w2 a1 + b,
y = sigmoid(z2), C = (y - t)^2 / 2 with t = 1, x = 3, w1 = 0.01, w2 = -5, b = -1.
Its answer key is written here as data.
"""

from __future__ import annotations

import math

import pytest

from nn import MLP, Layer, NetworkReplay
from nn.diagram.replay import ReplayFrame
from tests.diagram.svg_reading import parse

KEY = {
    "C": 0.28842841648243966,
    "dC/db": -0.13872777081136367,
    "dC/dw2": -0.00416183312434091,
    "dC/da1": 0.6936388540568185,
    "dC/dw1": 2.0809165621704553,
}


def chain() -> MLP:
    first = Layer.from_weights([[0.01]], [0.0], activation="relu")
    second = Layer.from_weights([[-5.0]], [-1.0], activation="sigmoid")
    return MLP.from_layers([first, second])


def test_the_chain_replay_computes_the_answer_key_and_leaves_grad_alone():
    model = chain()
    replay = NetworkReplay(model, [3.0], target=1.0)
    assert math.isclose(replay.loss.data, KEY["C"], rel_tol=1e-12)
    assert math.isclose(replay.delta(1, 0), KEY["dC/db"], rel_tol=1e-12)
    assert math.isclose(replay.weight_grad(1, 0, 0), KEY["dC/dw2"], rel_tol=1e-12)
    assert math.isclose(replay.delta(0, 0), KEY["dC/da1"], rel_tol=1e-12)  # ReLU'(0.03) = 1
    assert math.isclose(replay.weight_grad(0, 0, 0), KEY["dC/dw1"], rel_tol=1e-12)
    assert all(p.grad == 0 for p in model.parameters())  # the replay's backward touched no .grad


def test_frames_go_backward_one_layer_at_a_time():
    replay = NetworkReplay(MLP(2, [3, 2], seed=0), [1.0, -1.0], target=[0.0, 1.0])
    # what each frame reveals, without the neuron: "delta-n2" is a delta in layer 2
    kinds = [f.reveal[0][: f.reveal[0].index(".")] if f.reveal else "start" for f in replay.frames]
    # the start; the 2 output deltas, the 2*3 weights into them; the 3 hidden deltas, the 3*2 weights
    assert kinds == ["start"] + ["delta-n2"] * 2 + ["grad-w2"] * 6 + ["delta-n1"] * 3 + ["grad-w1"] * 6
    reveals = [key for frame in replay.frames for key in frame.reveal]
    assert len(reveals) == len(set(reveals)) == 17  # each number appears once
    hidden = replay.frames[9]
    assert hidden.reveal == ("delta-n1.0",) and set(hidden.active) == {
        "n1.0",
        "w2.0.0",
        "w2.1.0",
        "n2.0",
        "n2.1",
    }
    weight = replay.frames[-1]
    assert weight.active == ("w1.2.1", "n1.2", "n0.1") and weight.caption.startswith("weight x2 → h1.3: ")
    assert isinstance(weight, ReplayFrame)


def test_captions_write_out_the_chain_rule_with_the_numbers():
    replay = NetworkReplay(chain(), [3.0], target=1.0)
    sigmoid_slope = 0.24048908305088898 * (1 - 0.24048908305088898)  # sigma'(z2) = y (1 - y)
    first = replay.frames[1].caption
    product = f"−0.7595 × {sigmoid_slope:.4g} = −0.1387"  # (y - t) sigma'(z2) = dC/db
    assert first == f"output neuron y1: δ = ∂C/∂z = ∂C/∂a × f′(z) = {product}; and ∂C/∂b = δ"
    assert replay.frames[3].caption.endswith("= 1 × (−5 × −0.1387) = 0.6936; and ∂C/∂b = δ")
    assert replay.frames[4].caption == "weight x1 → h1.1: ∂C/∂w = δ(h1.1) × x1 = 0.6936 × 3 = 2.081"


def test_a_wide_layer_sums_over_all_its_neurons_but_writes_a_few():
    replay = NetworkReplay(MLP(2, [3, 12, 1], seed=0), [1.0, 0.5], target=1.0)
    caption = next(f.caption for f in replay.frames if f.reveal == ("delta-n1.0",))
    assert "+ … (8 more))" in caption  # 12 terms: 4 written, 8 more


def test_a_loss_function_and_a_softmax_can_be_given():
    model = MLP(2, [2, 2], seed=1)
    replay = NetworkReplay(model, [1.0, 2.0], loss=lambda o: -o[0].log(), output="softmax")
    assert "(through the softmax)" in replay.frames[1].caption
    assert replay.loss.data > 0


def test_bad_arguments_say_what_to_give():
    model = chain()
    with pytest.raises(TypeError, match=r"a target .* or a loss function, and not both"):
        NetworkReplay(model, [3.0])
    with pytest.raises(TypeError, match="and not both"):
        NetworkReplay(model, [3.0], target=1.0, loss=lambda o: o[0])
    with pytest.raises(ValueError, match=r"target must have 1 entries \(one per output\), got 2"):
        NetworkReplay(model, [3.0], target=[1.0, 2.0])
    with pytest.raises(TypeError, match="loss must return a Value"):
        NetworkReplay(model, [3.0], loss=lambda o: 1.0)
    with pytest.raises(ValueError, match="inputs must have 1 entries, got 2"):
        NetworkReplay(model, [3.0, 4.0], target=1.0)
    with pytest.raises(TypeError, match="draws an MLP, a Layer, a Neuron or an LSTMCell"):
        NetworkReplay("model", [3.0], target=1.0)


def test_the_page_is_one_offline_file_and_names_cannot_break_it(tmp_path):
    attack = "</script><script>alert(1)</script>"
    replay = NetworkReplay(chain(), [3.0], target=1.0, input_names=[attack])
    page = replay.save(tmp_path / "replay.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "http" not in page.replace("http://www.w3.org", "")
    assert "<script>alert" not in page and page.count("<script>") == 1
    svg = replay.svg
    parse(svg)
    assert replay._repr_html_() == replay.html() and repr(replay).startswith("<NetworkReplay: 5 frames")
    assert (
        NetworkReplay(chain(), [3.0], target=1.0).html() == NetworkReplay(chain(), [3.0], target=1.0).html()
    )


def test_an_output_the_loss_does_not_use_gets_no_arrow_into_it():
    model = MLP(2, [2], seed=0)
    both = NetworkReplay(model, [1.0, 2.0], loss=lambda outputs: outputs[0] + outputs[1])
    first = NetworkReplay(model, [1.0, 2.0], loss=lambda outputs: outputs[0] * 1.0)
    assert first.svg.count("<polygon") == both.svg.count("<polygon") - 1  # one arrowhead fewer
    assert first.svg.count("<line") == both.svg.count("<line") - 1
