"""Replaying a recorded backward: one layout restyled per step, and the Player that shows it.

The player's page is checked in a real browser in tests/browser; here, what
Python writes: the frames, their captions, and the HTML.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Player, Value, record_backward, sum_values
from autograd.drawing import player as player_module
from autograd.drawing.player import Frame, caption, gradients_after, replay_frames, step_frames
from autograd.teaching.naming import format_number
from tests.helpers import chain, issue_example
from tests.strategies import leaves_of, programs, run


def gradient_texts(svg: str) -> dict[str, str]:
    """The gradient text of each Value box of a frame, by key."""
    return {
        t.get("data-grad-of", ""): t.text or "" for t in ET.fromstring(svg).iter() if t.get("data-grad-of")
    }


def classes(svg: str, kind: str) -> dict[str, str]:
    """The classes of every ``kind`` group of a frame (``node``, ``edge``, ``""`` for both), by key."""
    return {
        g.get("data-key", ""): g.get("class", "")
        for g in ET.fromstring(svg).iter()
        if g.get("data-key") and (not kind or kind in g.get("class", "").split())
    }


def active(svg: str, kind: str, prefix: str = "") -> list[str]:
    """Keys of the highlighted ``kind`` groups whose key starts with ``prefix`` (``"v"``: Value boxes)."""
    return [k for k, c in classes(svg, kind).items() if "active" in c.split() and k.startswith(prefix)]


def geometry(svg: str) -> str:
    """A frame with its texts, classes and styles taken out: what is left is where everything is."""
    root = ET.fromstring(svg)
    for element in root.iter():
        element.text = None
        for name in ("class", "data-prefix"):
            element.attrib.pop(name, None)
    return ET.tostring(root, encoding="unicode")


# ----------------------------------------------------------------------------
# Frames
# ----------------------------------------------------------------------------


def test_the_graph_is_laid_out_once_for_all_frames(monkeypatch):
    # the old replay ran dot for every frame, and the boxes jumped between steps
    runs = []
    real = player_module.render_svg
    monkeypatch.setattr(player_module, "render_svg", lambda *a, **k: runs.append(1) or real(*a, **k))
    *_, L = issue_example()
    frames = step_frames(record_backward(L))
    assert len(runs) == 1 and len(frames) == 4
    assert len({geometry(svg) for svg in frames}) == 1  # every frame: the same boxes at the same places


def test_frame_0_highlights_the_root_and_each_step_its_node():
    *_, L = issue_example()
    frames = step_frames(record_backward(L))
    highlighted = [active(svg, "node", "v") for svg in frames]
    assert highlighted == [["v4"], ["v4"], ["v3"], ["v2"]]  # the root, then tanh, +, *: backward order
    step_3 = {"v2", "op2", "v0->op2", "v1->op2", "op2->v2"}  # the node, its op and its arrows
    assert set(active(frames[3], "")) == step_3


def test_arrows_backward_has_not_gone_through_yet_are_pending():
    *_, L = issue_example()
    frames = step_frames(record_backward(L))
    pending = [sorted(k for k, kind in classes(svg, "edge").items() if "pending" in kind) for svg in frames]
    assert len(pending[0]) == 8  # at the start, every arrow
    assert pending[2] == ["op2->v2", "v0->op2", "v1->op2"]  # only the arrows of the last step are left
    assert pending[3] == []


def test_each_frame_shows_the_gradients_as_they_stood():
    *_, L = issue_example()
    frames = step_frames(record_backward(L))
    assert [gradient_texts(svg)["v4"] for svg in frames] == ["grad 1"] * 4  # dL/dL = 1 from the start
    # a's is complete only at the end: it gets one contribution from + and one from *
    shown = [gradient_texts(svg)["v0"] for svg in frames]
    assert shown == ["grad 0", "grad 0", "grad 0.001341", "grad -0.002682"]


def test_the_first_frame_shows_what_the_leaves_held_before():
    a, *_, L = issue_example()
    a.grad = 0.5  # left by an earlier backward: this one adds to it
    frames = step_frames(record_backward(L))
    assert gradient_texts(frames[0])["v0"] == "grad 0.5"
    assert gradient_texts(frames[-1])["v0"] == f"grad {a.grad:.4g}"


def test_draw_options_reach_every_frame():
    *_, L = issue_example()
    frames = step_frames(record_backward(L), show_grad=False, digits=2)
    assert all(gradient_texts(svg) == {} for svg in frames)
    assert "data -0.9993" not in frames[0] and "data -1" in frames[0]


def test_unlabelled_nodes_show_the_names_the_captions_use_and_no_leftover_highlight():
    # the layout highlights a leaf to get t0, t1 drawn; that highlight must not stay
    *_, L = issue_example()
    frames = step_frames(record_backward(L))
    texts = [t.text for t in ET.fromstring(frames[0]).iter() if t.tag.endswith("text")]
    assert "t0" in texts and "t1" in texts
    assert all("#ffd54f" not in svg.split("</style>")[1] for svg in frames)  # fills come from classes only
    assert "active" not in classes(frames[2], "")["v0"].split()


def test_the_layout_leaves_room_for_the_widest_gradient_a_box_will_show():
    *_, L = issue_example()
    record = record_backward(L)
    widest = player_module._widest_gradients(record, 4)
    a, b = record.order[0], record.order[1]
    # a shows 0, then 0.001341, then -0.002682: the last is the longest
    assert (format_number(widest[a]), format_number(widest[b])) == ("-0.002682", "0.002682")


def test_replay_frames_say_what_changes_by_key():
    *_, L = issue_example(output_label="L")
    frames = replay_frames(record_backward(L))
    assert frames[0] == Frame(
        ("v4",), (), {"v0": "0", "v1": "0", "v2": "0", "v3": "0", "v4": "1"}, "start: dL/dL = 1"
    )
    assert frames[3].active_nodes == ("v2", "op2")
    assert frames[3].active_edges == ("v0->op2", "v1->op2", "op2->v2")
    assert frames[3].grads == {"v0": "-0.002682", "v1": "0.002682"}


def test_an_input_used_twice_has_one_arrow_key_and_its_last_gradient():
    x = Value(3.0, label="x")
    frames = replay_frames(record_backward(x * x))
    assert frames[1].active_edges == ("v0->op1", "op1->v1")
    assert frames[1].grads == {"v0": "6"}  # after both contributions, 3 + 3


# ----------------------------------------------------------------------------
# Captions and gradients
# ----------------------------------------------------------------------------


def test_captions_say_what_each_step_did():
    *_, L = issue_example(output_label="L")
    record = record_backward(L)
    assert caption(record, 0) == "start: dL/dL = 1"
    assert caption(record, 3) == (
        "step 3/3: at t0 = a * b, upstream dL/dt0 = 0.001341; "
        "dL/da += b × 0.001341 = -0.004023; dL/db += a × 0.001341 = 0.002682"
    )
    assert "(1 - L**2) × 1" in caption(record, 1)  # a formula with spaces is bracketed


def test_captions_do_not_take_the_gradient_with_respect_to_a_number():
    x = Value(3.0, label="x")
    loss = 2 * x + 5
    loss.label = "loss"
    record = record_backward(loss)
    texts = [caption(record, k) for k in range(len(record) + 1)]
    assert not any(re.search(r"dloss/d[0-9]", text) for text in texts)  # no "dloss/d2"
    assert texts[1].endswith("dloss/dt0 += 1 × 1 = 1; the constant 5 needs no gradient")
    assert texts[2].endswith("dloss/dx += 2 × 1 = 2; the constant 2 needs no gradient")
    several = record_backward(sum_values([x, 2, 3]))  # one op with two constant inputs
    assert caption(several, 1).endswith("the constants 2, 3 need no gradient")


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


# ----------------------------------------------------------------------------
# The player
# ----------------------------------------------------------------------------


def test_the_player_is_one_drawing_with_its_frames_as_data():
    *_, L = issue_example()
    player = Player(record_backward(L))
    page = player._repr_html_()
    assert page.count("<svg") == 1 and "<?xml" not in page and "<!DOCTYPE" not in page
    assert page.count("<script>") == 1 and page.count("</script>") == 1
    assert 'type="range" min="0" max="3"' in page
    assert "step 3/3: at t0 = a * b" in page  # the last frame's caption, shown without scripts
    assert repr(player) == "<Player: 4 frames of backward from t2>"
    L.zero_grad()
    assert page == Player(record_backward(L))._repr_html_()  # deterministic: stable notebooks


def test_without_scripts_the_player_shows_the_last_frame():
    *_, L = issue_example()
    record = record_backward(L)
    player = Player(record)
    assert gradient_texts(player.svg) == gradient_texts(step_frames(record)[-1])
    assert "cg-static-note" in player.html() and '<div class="cg-controls" hidden>' in player.html()


def test_the_drawing_fits_its_container_width_and_keeps_its_shape():
    *_, L = issue_example()
    svg = ET.fromstring(Player(record_backward(L)).svg)
    assert svg.get("width") == "100%" and svg.get("height") is None and svg.get("viewBox")
    natural = svg.get("data-natural-width", "")
    assert natural.endswith("pt") and svg.get("style") == f"max-width: {natural}; height: auto"


def test_element_ids_differ_between_players():
    *_, L = issue_example(output_label="L")
    x = Value(1.0, label="x")
    pages = [Player(record_backward(L)).html(), Player(record_backward(x * 2)).html()]
    ids = [set(re.findall(r' id="([^"]+)"', page)) for page in pages]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    uids = [re.search(r'data-cg-uid="(cg[0-9a-f]+)"', page).group(1) for page in pages]
    assert all(i.startswith(f"{uid}-") for uid, found in zip(uids, ids) for i in found)


def test_a_hostile_label_cannot_leave_the_script_or_the_markup():
    attack = "</script><script>alert(1)</script><b onmouseover=alert(2)>"
    x = Value(3.0, label=attack)
    page = Player(record_backward(x * x)).html()
    assert page.count("<script>") == 1 and page.count("</script>") == 1
    assert "<b onmouseover" not in page
    assert "\\u003c/script\\u003e" in page  # the captions' JSON spells < and > as escapes
    assert "&lt;/script&gt;" in page  # the drawing and the static caption escape it for HTML


def test_save_writes_one_self_contained_page(tmp_path):
    *_, L = issue_example(output_label="L")
    player = Player(record_backward(L))
    path = player.save(tmp_path / "backprop.html")
    page = path.read_text(encoding="utf-8")
    assert path == tmp_path / "backprop.html"
    assert page.startswith("<!DOCTYPE html>") and player.html() in page
    assert "<title>backward from L</title>" in page
    # works offline: nothing to fetch; the only addresses are the SVG namespace names
    assert not re.search(r"\b(src|href)=", page)
    assert set(re.findall(r"https?://[^\s\"')]+", page)) == {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }


def test_save_accepts_a_string_path(tmp_path):
    *_, L = issue_example()
    path = Player(record_backward(L)).save(str(tmp_path / "b.html"))
    assert path.read_text(encoding="utf-8").endswith("</html>\n")


def test_long_backward_passes_replay_from_one_small_page():
    # the old player drew every frame in full and refused more than 79 steps
    record = record_backward(chain(60))
    page = Player(record).html()
    assert len(record) == 60 and page.count("<svg") == 1
    assert len(page) < 250_000  # one drawing plus a few hundred bytes per step


def test_the_player_refuses_what_it_sets_itself_and_what_is_not_a_record():
    *_, L = issue_example()
    record = record_backward(L)
    with pytest.raises(TypeError, match="the replay sets highlight= itself"):
        Player(record, highlight=L)
    with pytest.raises(TypeError, match="the replay sets grads= itself"):
        step_frames(record, grads={})
    with pytest.raises(TypeError, match=r"Player needs a BackwardRecord .*got Value"):
        Player(L)


def test_captions_cut_names_too_long_to_read():
    x = Value(1.0, label="x" * 100_000)
    record = record_backward(x * 2)
    text = caption(record, 1)
    assert len(text) < 200 and f"d{'x' * 23}…" in text
