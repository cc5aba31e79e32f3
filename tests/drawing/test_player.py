"""Replaying a recorded backward: one SVG frame per step, and the Player that shows them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Player, Value, record_backward
from autograd.drawing.player import MAX_FRAMES, caption, gradients_after, step_frames
from tests.helpers import active_value_nodes, issue_example, read_svg
from tests.strategies import leaves_of, programs, run


def test_frames_parse_and_highlight_one_node_each():
    *_, L = issue_example()
    record = record_backward(L)
    frames = step_frames(record)
    assert len(frames) == len(record) + 1
    assert active_value_nodes(frames[0]) == []  # the start: nothing done yet
    highlighted = [active_value_nodes(svg) for svg in frames[1:]]
    assert all(len(h) == 1 for h in highlighted)
    assert [h[0] for h in highlighted] == ["v4", "v3", "v2"]  # tanh, +, * : backward order
    # each frame shows the gradients as they stood then: a's is complete only at the end
    a_box = [read_svg(svg).nodes["v0"] for svg in frames]
    assert [texts[-1] for texts in a_box] == ["grad 0", "grad 0", "grad 0.001341", "grad -0.002682"]


def test_the_first_frame_shows_what_the_leaves_held_before():
    a, *_, L = issue_example()
    a.grad = 0.5  # left by an earlier backward: this one adds to it
    frames = step_frames(record_backward(L))
    assert read_svg(frames[0]).nodes["v0"][-1] == "grad 0.5"
    assert read_svg(frames[-1]).nodes["v0"][-1] == f"grad {a.grad:.4g}"


def test_draw_options_reach_every_frame():
    *_, L = issue_example()
    frames = step_frames(record_backward(L), show_grad=False)
    assert all("grad" not in " ".join(read_svg(svg).nodes["v0"]) for svg in frames)


def test_captions_say_what_each_step_did():
    *_, L = issue_example(output_label="L")
    record = record_backward(L)
    assert caption(record, 0) == "start: dL/dL = 1"
    assert caption(record, 3) == (
        "step 3/3: at t0 = a * b, upstream dL/dt0 = 0.001341; "
        "dL/da += b × 0.001341 = -0.004023; dL/db += a × 0.001341 = 0.002682"
    )
    assert "(1 - L**2) × 1" in caption(record, 1)  # a formula with spaces is bracketed


def test_gradients_after_the_last_step_are_the_final_gradients():
    a, b, c, L = issue_example()
    record = record_backward(L)
    final = gradients_after(record, len(record))
    assert [final[v] for v in (a, b, c, L)] == [a.grad, b.grad, c.grad, 1.0]


@settings(max_examples=25, deadline=None)
@given(programs(), st.lists(st.floats(-2, 2), min_size=4, max_size=4))
def test_replayed_gradients_end_where_backward_ends(program, held):
    leaves, steps = program
    inputs = leaves_of(leaves)
    for leaf, already in zip(inputs, held):
        leaf.grad = already  # the replay shows accumulated leaf gradients as .grad holds them
    record = record_backward(run(steps, *inputs))
    start, final = gradients_after(record, 0), gradients_after(record, len(record))
    for leaf, already in zip(inputs, held):
        if leaf in start:  # (a leaf the program does not use is not in the graph)
            assert start[leaf] == already
    for node in record.order:
        if node is not record.root:
            assert final[node] == node.grad


def test_player_is_self_contained_html_with_every_frame():
    *_, L = issue_example()
    player = Player(record_backward(L))
    page = player._repr_html_()
    assert page.count("<svg") == 4 and "<?xml" not in page
    assert 'type="range" min="0" max="3"' in page and "<script>" in page
    assert "step 3/3: at t0 = a * b" in page
    assert repr(player) == "<Player: 4 frames of backward from t2>"
    L.zero_grad()
    assert page == Player(record_backward(L))._repr_html_()  # deterministic: stable notebooks


def test_player_passes_draw_options_on():
    *_, L = issue_example()
    player = Player(record_backward(L), rankdir="TB")
    assert player.frames == step_frames(record_backward_again(L), rankdir="TB")


def record_backward_again(root: Value):
    """A fresh recording of the same graph (zeroed first, so it is the same pass again)."""
    root.zero_grad()
    return record_backward(root)


def test_player_refuses_huge_replays():
    x = Value(0.1)
    y = x
    for _ in range(MAX_FRAMES + 20):
        y = y * 1.01
    record = record_backward(y)
    with pytest.raises(ValueError, match=f"{len(record)} steps"):
        step_frames(record)
    with pytest.raises(ValueError, match="record a smaller graph"):
        Player(record)
