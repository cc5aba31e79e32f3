"""The saved replay in headless Chromium: it steps through backward, nothing moves, it fits 1,000 px.

Every check compares what the page shows with what the record says: the
highlighted keys with the node each step of backward was at, the gradient
texts with the Python frames (:func:`step_frames`), which the drawing tests
check against ``.grad``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd import Player, Value, record_backward
from autograd.drawing.draw import walk_graph
from autograd.drawing.player import step_frames
from autograd.teaching.record import BackwardRecord
from nn import MLP
from tests.browser.pages import (
    VIEWPORT_WIDTH,
    open_page,
    page_problems,
    player_state,
    players,
    press,
    same_places,
    slide_to,
)
from tests.helpers import issue_example

# the element is inside the player's scrolling frame, and inside the window
_IN_VIEW = """
var inner = arguments[0].getBoundingClientRect();
var outer = arguments[1].querySelector(".cg-stage").getBoundingClientRect();
return inner.left >= outer.left && inner.right <= outer.right && inner.top >= outer.top
    && inner.bottom <= outer.bottom && inner.bottom <= window.innerHeight && inner.right <= window.innerWidth;
"""


def expected_highlights(record: BackwardRecord) -> list[list[str]]:
    """Keys each frame must highlight: the root at the start, then the node, op and arrows of each step."""
    drawn = {node.value: node for node in walk_graph(record.root, max_nodes=None)}
    frames = [[drawn[record.root].id]]
    for step in record.steps:
        node = drawn[step.node]
        arrows = {f"{i}->{node.op_id}" for i in node.input_ids} | {f"{node.op_id}->{node.id}"}
        frames.append(sorted({node.id, node.op_id} | arrows))
    return frames


def python_gradient_texts(record: BackwardRecord, **draw_options) -> list[dict[str, str]]:
    """The gradient text of every Value in every frame, as :func:`step_frames` draws them."""
    return [
        {t.get("data-grad-of", ""): t.text or "" for t in ET.fromstring(svg).iter() if t.get("data-grad-of")}
        for svg in step_frames(record, **draw_options)
    ]


def mlp_record() -> tuple[BackwardRecord, MLP]:
    """The recorded backward of a squared error of MLP(2, [4, 4, 1]) on one sample."""
    model = MLP(2, [4, 4, 1], activation="tanh", seed=0)
    prediction = model([Value(0.5, label="x1"), Value(-1.5, label="x2")])
    loss = (prediction - 1.0) ** 2
    loss.label = "loss"
    return record_backward(loss), model


@pytest.fixture(scope="module")
def issue_replay(tmp_path_factory) -> tuple[BackwardRecord, Path]:
    *_, L = issue_example(output_label="L")
    record = record_backward(L)
    return record, Player(record).save(tmp_path_factory.mktemp("replay") / "backprop.html")


def test_the_buttons_move_the_highlight_through_the_steps_of_backward(browser, issue_replay):
    record, page = issue_replay
    assert open_page(browser, page) == []
    (player,) = players(browser)
    highlights, grads = expected_highlights(record), python_gradient_texts(record)
    start = player_state(browser, player)
    assert start["active"] == highlights[0] == ["v4"]  # the root, whose gradient is 1
    assert start["grads"] == grads[0] and start["grads"]["v4"] == "grad 1"
    assert start["caption"] == "start: dL/dL = 1" and len(start["pending"]) == 8  # no arrow used yet
    for k in range(1, len(record) + 1):
        press(player, "next")
        now = player_state(browser, player)
        assert (now["active"], now["grads"], now["slider"]) == (highlights[k], grads[k], k)
        assert now["caption"].startswith(f"step {k}/{len(record)}: at ")
        assert now["stage"] == start["stage"] and same_places(now["shapes"], start["shapes"])  # nothing moved
        assert now["overflow"] == []  # every gradient text stays inside its box
    assert now["pending"] == [] and now["grads"]["v0"] == f"grad {record.order[0].grad:.4g}"
    press(player, "prev")
    assert player_state(browser, player)["active"] == highlights[-2]
    press(player, "first")
    assert player_state(browser, player)["active"] == highlights[0]
    press(player, "last")
    assert player_state(browser, player)["active"] == highlights[-1]
    slide_to(browser, player, 1)
    assert player_state(browser, player)["active"] == highlights[1]
    assert page_problems(browser) == []


def test_the_changed_gradients_are_marked(browser, issue_replay):
    _, page = issue_replay
    open_page(browser, page)
    (player,) = players(browser)
    press(player, "last")  # step 3 at t0 = a * b: it changes the gradients of a and b
    assert player_state(browser, player)["changed"] == ["v0", "v1"]
    press(player, "first")
    assert player_state(browser, player)["changed"] == []


def test_arrow_keys_step_too(browser, issue_replay):
    _, page = issue_replay
    open_page(browser, page)
    (player,) = players(browser)
    player.send_keys("\ue014")  # right arrow
    assert player_state(browser, player)["slider"] == 1
    player.send_keys("\ue012")  # left arrow
    assert player_state(browser, player)["slider"] == 0


def test_a_network_replay_keeps_every_position_and_fits_1000_px(browser, tmp_path):
    record, model = mlp_record()
    options = {"clusters": model, "edge_grads": True}
    page = Player(record, **options).save(tmp_path / "mlp.html")
    assert open_page(browser, page) == []
    (player,) = players(browser)
    highlights, grads = expected_highlights(record), python_gradient_texts(record, **options)
    start = player_state(browser, player)
    for k in range(len(record) + 1):
        slide_to(browser, player, k)
        now = player_state(browser, player)
        assert (now["active"], now["grads"]) == (highlights[k], grads[k])
        assert now["stage"] == start["stage"], f"frame {k}: the drawing moved on the page"
        assert same_places(now["shapes"], start["shapes"]), f"frame {k}: a shape moved in the drawing"
        node = player.find_element("css selector", "g.node.active")
        assert browser.execute_script(_IN_VIEW, node, player), (
            f"frame {k}: the highlighted node is out of view"
        )
    assert page_problems(browser) == []


def test_full_size_shows_the_natural_size_and_scrolls_inside_the_player(browser, tmp_path):
    record, model = mlp_record()
    page = Player(record, clusters=model).save(tmp_path / "mlp.html")
    open_page(browser, page)
    (player,) = players(browser)
    svg = player.find_element("css selector", "svg")
    fitted = svg.rect["width"]
    press(player, "size")
    assert svg.rect["width"] > VIEWPORT_WIDTH > fitted  # larger than the window...
    # ...and the player scrolls, not the page
    assert browser.execute_script("return document.documentElement.scrollWidth") <= VIEWPORT_WIDTH
    # the node backward is at stays in view as the steps go by
    for button in ("last", "first"):
        press(player, button)
        node = player.find_element("css selector", "g.node.active")
        seen = browser.execute_script(_IN_VIEW, node, player)
        assert seen, f"after {button}, the highlighted node is scrolled out of view"
    press(player, "size")
    assert svg.rect["width"] == fitted


def test_without_scripts_the_last_frame_is_shown_as_a_still_picture(browser, issue_replay):
    record, page = issue_replay
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        assert open_page(browser, page) == []
        (player,) = players(browser)
        still = player_state(browser, player)  # (the test's own script still runs)
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    assert still["grads"] == python_gradient_texts(record)[-1]
    assert still["active"] == expected_highlights(record)[-1] and still["pending"] == []
    assert still["caption"].startswith("step 3/3")
    assert not player.find_element("css selector", ".cg-controls").is_displayed()
    assert "last step" in player.find_element("css selector", ".cg-static-note").text


def test_a_hostile_label_is_shown_as_text_and_runs_nothing(browser, tmp_path):
    attack = "</script><script>window.pwned = 1</script><img src=x onerror='window.pwned = 2'>"
    x = Value(3.0, label=attack)
    record = record_backward(x * x + 1)
    page = Player(record).save(tmp_path / "hostile.html")
    assert open_page(browser, page) == []
    assert browser.execute_script("return window.pwned") is None
    (player,) = players(browser)
    press(player, "last")
    assert attack[:20] in player_state(browser, player)["caption"]  # the caption names it, as text
    assert browser.execute_script("return window.pwned") is None
