"""The network diagrams in headless Chromium: they fit 1,000 px, every text is readable, none overlaps.

What the browser measures (``getBoundingClientRect`` of every ``<text>``, and
its font size times the drawing's scale) is compared with the rules a person
needs: at least 9 px high on screen, no text on top of another. Each diagram is
checked twice: saved as its own page, and shown as a notebook shows it (the
IPython display of the model or drawing, in a page laid out like a notebook,
whose output area is narrower than the window).
"""

from __future__ import annotations

from typing import Any

import pytest

from nn import MLP, Layer, LSTMCell, NetworkReplay, draw_network
from tests.browser.pages import (
    display_markup,
    network_replay_state,
    notebook_page,
    open_page,
    page_problems,
    players,
    press,
    slide_to,
    text_boxes,
    text_problems,
)


def homework_network() -> MLP:
    """The homework's 2-4-2 ReLU network (W and V of seeds 000/001; last columns: the biases)."""
    W = [[1, 0, -1], [0, 1, -1], [-1, 0, -1], [0, -1, -1]]
    V = [[1, 1, 1, 1, 0], [-1, -1, -1, -1, 2]]
    hidden = Layer.from_weights([r[:2] for r in W], [r[2] for r in W], activation="relu")
    output = Layer.from_weights([r[:4] for r in V], [r[4] for r in V], activation="relu")
    return MLP.from_layers([hidden, output])


def homework_cell() -> LSTMCell:
    cell = LSTMCell(1, 1, seed=0)
    cell.set(W_fh=0, W_fx=0, b_f=-100, W_ch=-100, W_ih=0, W_ix=100, b_i=100, W_cx=50)
    cell.set(W_oh=0, W_ox=100, b_o=0, b_c=0)
    return cell


def trained_looking_mlp() -> MLP:
    """MLP(2, [4, 4, 1]) after one backward, so that its diagram has every number: weights, z, f(z), ∇, δ."""
    model = MLP(2, [4, 4, 1], activation="tanh", seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    return model


DIAGRAMS = {
    "mlp 2-4-4-1 with weights": lambda: draw_network(MLP(2, [4, 4, 1], seed=0)),
    "mlp 2-4-4-1 with numbers and gradients": lambda: draw_network(
        trained_looking_mlp(), inputs=[0.5, -1.0], grads=True
    ),
    "mlp 2-16-16-1": lambda: draw_network(MLP(2, [16, 16, 1], seed=0), inputs=[0.5, -1.0]),
    "mlp 2-16-16-1 with gradients": lambda: draw_network(
        MLP(2, [16, 16, 1], seed=0), inputs=[0.5, 1.0], grads=True
    ),
    "homework network with its numbers": lambda: draw_network(
        homework_network(), inputs=[3, 14], output="softmax", symbols=["z", "u"], digits=7
    ),
    "lstm cell, one step": lambda: draw_network(homework_cell(), inputs=1.0, state=(0.0, 0.0)),
    "lstm unrolled over 5 steps": lambda: draw_network(
        homework_cell(), inputs=[1, 1, 0, 1, 1], round_hidden=True
    ),
    "lstm unrolled over 6 steps": lambda: draw_network(
        homework_cell(), inputs=[0, 0, 1, 1, 1, 0], round_hidden=True
    ),
}


def displayed(obj: Any) -> str:
    """The markup a notebook shows for ``obj`` (IPython's formatter, as Jupyter calls it)."""
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(obj)
    return display_markup(data)


@pytest.mark.parametrize("name", list(DIAGRAMS))
def test_a_diagram_page_fits_and_its_texts_are_readable_and_apart(browser, tmp_path, name):
    diagram = DIAGRAMS[name]()
    page = diagram.save(tmp_path / "diagram.html")
    assert open_page(browser, page) == []  # no console error, nothing wider than 1,000 px
    boxes = text_boxes(browser)
    assert len(boxes) >= 20, f"{name}: only {len(boxes)} texts found"
    assert text_problems(boxes) == []
    assert min(b["font"] for b in boxes) >= 10  # saved pages show the drawing at its own size


def test_every_diagram_shown_in_a_notebook_fits_and_stays_readable(browser, tmp_path):
    outputs = [("inline", displayed(DIAGRAMS[name]())) for name in DIAGRAMS]
    outputs += [("inline", displayed(MLP(2, [4, 4, 1], seed=0))), ("inline", displayed(homework_cell()))]
    page = notebook_page(tmp_path / "notebook.html", outputs)
    assert open_page(browser, page) == []
    boxes = text_boxes(browser)
    assert len({b["drawing"] for b in boxes}) == len(outputs)
    assert text_problems(boxes) == []


def test_the_text_checker_sees_overlaps_and_small_text(browser, tmp_path):
    # the checks above must be able to fail: two texts on top of each other, one of them tiny
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" class="cg-network" width="200px" height="100px" '
        'viewBox="0 0 200 100"><text x="10" y="50" font-size="12">overlapping</text>'
        '<text x="20" y="52" font-size="6">tiny</text></svg>'
    )
    page = notebook_page(tmp_path / "bad.html", [("inline", svg)])
    assert open_page(browser, page) == []
    problems = text_problems(text_boxes(browser))
    assert problems == ["'tiny' is 6.0 px high", "'overlapping' overlaps 'tiny'"]


# ----------------------------------------------------------------------------
# The network replay: backprop layer by layer, nothing moves
# ----------------------------------------------------------------------------


def chain_replay() -> NetworkReplay:
    """The homework's backprop chain: z1 = w1 x, a1 = ReLU(z1), z2 = w2 a1 + b, y = σ(z2), C = (y − t)²/2."""
    first = Layer.from_weights([[0.01]], [0.0], activation="relu")
    second = Layer.from_weights([[-5.0]], [-1.0], activation="sigmoid")
    return NetworkReplay(MLP.from_layers([first, second]), [3.0], target=1.0, symbols=["z1", "z2"])


@pytest.mark.parametrize("which", ["chain", "mlp"])
def test_the_network_replay_steps_through_backprop_and_nothing_moves(browser, tmp_path, which):
    if which == "chain":
        replay = chain_replay()
    else:
        replay = NetworkReplay(MLP(2, [4, 4, 1], activation="tanh", seed=0), [0.5, -1.0], target=1.0)
    page = replay.save(tmp_path / "replay.html")
    assert open_page(browser, page) == []
    (player,) = players(browser)
    start = network_replay_state(browser, player)
    assert start["active"] == ["loss"] and start["shown"] == [] and start["slider"] == 0
    assert start["caption"].startswith("forward pass done: C = ")
    revealed: list[str] = []
    for k, frame in enumerate(replay.frames[1:], start=1):
        press(player, "next")
        now = network_replay_state(browser, player)
        revealed += frame.reveal
        assert now["slider"] == k and now["caption"] == frame.caption
        assert now["active"] == sorted(frame.active)
        assert now["shown"] == sorted(revealed)  # each delta and gradient appears in turn, and stays
        assert now["svg"] == start["svg"] and now["circles"] == start["circles"], f"frame {k}: a node moved"
    assert len(revealed) == len(set(revealed)) == len(replay.frames) - 1
    assert page_problems(browser) == [] and text_problems(text_boxes(browser)) == []
    press(player, "first")
    assert network_replay_state(browser, player)["shown"] == []
    slide_to(browser, player, 2)
    assert network_replay_state(browser, player)["caption"] == replay.frames[2].caption


def test_the_chain_replay_writes_the_homeworks_products(browser, tmp_path):
    replay = chain_replay()
    # the answer key: dC/db = -0.13872777081136367, dC/dw2 = -0.00416183312434091, dC/dw1 = 2.0809165621704553
    captions = [frame.caption for frame in replay.frames]
    assert "= −0.1387; and ∂C/∂b = δ" in captions[1]
    assert captions[2].endswith("δ(y1) × a(h1.1) = −0.1387 × 0.03 = −0.004162")
    assert "1 × (−5 × −0.1387) = 0.6936" in captions[3]
    assert captions[4].endswith("δ(h1.1) × x1 = 0.6936 × 3 = 2.081")
    open_page(browser, replay.save(tmp_path / "chain.html"))
    (player,) = players(browser)
    press(player, "last")
    assert network_replay_state(browser, player)["caption"] == captions[-1]


def test_the_network_replay_works_however_a_notebook_runs_its_script(browser, tmp_path):
    markup = chain_replay()._repr_html_()
    outputs = [("inline", markup), ("classic", markup), ("lab", markup)]
    assert open_page(browser, notebook_page(tmp_path / "replays.html", outputs)) == []
    shown = players(browser)
    assert [network_replay_state(browser, p)["slider"] for p in shown] == [0, 0, 0]  # every script ran
    press(shown[1], "next")
    assert [network_replay_state(browser, p)["slider"] for p in shown] == [0, 1, 0]


# ----------------------------------------------------------------------------
# The computation graph of a model's loss, as a notebook shows the Value
# ----------------------------------------------------------------------------


def test_an_mlp_loss_shown_in_a_notebook_fits_with_readable_texts(browser, tmp_path):
    from autograd import Value

    model = MLP(2, [4, 4, 1], activation="tanh", seed=0)
    loss = (model([Value(0.5, label="x1"), Value(-1.5, label="x2")]) - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    page = notebook_page(tmp_path / "loss.html", [("inline", displayed(loss))])
    assert open_page(browser, page) == []  # fits 1,000 px (the full graph is folded away)
    boxes = text_boxes(browser, ".chaingrad-drawing > svg")
    assert len(boxes) > 100  # every weight's data and grad is there
    assert min(b["font"] for b in boxes) >= 9, text_problems(boxes)[:3]
    assert text_problems(boxes) == []
    shown = {b["text"] for b in boxes}
    assert {"x1", "loss", "layers.0.neurons.0", "layers.2.neurons.0"} <= shown
