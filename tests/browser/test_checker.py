"""The browser checker can fail: broken pages make it report exactly what is wrong.

The other browser tests pass when :func:`page_problems` finds nothing; these
show that it finds console errors, a sideways-scrolling page, a drawing wider
than the window, a request to the network, and that the player's own checks
see a moved node.
"""

from __future__ import annotations

import time

from autograd import Player, record_backward
from tests.browser.pages import (
    console_errors,
    open_page,
    page_problems,
    player_state,
    players,
    press,
    same_places,
)
from tests.helpers import issue_example

WIDE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="50"><rect width="3000" height="50"/></svg>'
)


def test_a_script_error_is_reported(browser, tmp_path):
    page = tmp_path / "error.html"
    page.write_text("<!DOCTYPE html><p>hi</p><script>notDefined();</script>")
    (problem,) = open_page(browser, page)
    assert problem.startswith("console:") and "notDefined is not defined" in problem


def test_a_drawing_wider_than_the_window_is_reported(browser, tmp_path):
    page = tmp_path / "wide.html"
    page.write_text(f"<!DOCTYPE html><body style='margin: 8px'>{WIDE_SVG}</body>")
    problems = open_page(browser, page)
    assert problems == [
        "the page is 3008 px wide, wider than the 1000 px viewport",
        "drawing 0 spans 8 to 3008 px (3000 px wide)",
    ]


def test_a_drawing_that_sticks_out_without_widening_the_page_is_reported(browser, tmp_path):
    page = tmp_path / "clipped.html"
    page.write_text(
        f"<!DOCTYPE html><body style='margin: 8px'><div style='overflow: hidden'>{WIDE_SVG}</div>"
    )
    assert open_page(browser, page) == ["drawing 0 spans 8 to 3008 px (3000 px wide)"]


def test_a_drawing_in_a_closed_fold_is_not_counted(browser, tmp_path):
    # a "full size" view folded away is not what the reader sees; opened, it is
    page = tmp_path / "folded.html"
    page.write_text(
        f"<!DOCTYPE html><body style='margin: 8px'><details><summary>full size</summary>{WIDE_SVG}"
    )
    assert open_page(browser, page) == []
    browser.find_element("css selector", "summary").click()
    assert page_problems(browser) == [
        "the page is 3008 px wide, wider than the 1000 px viewport",
        "drawing 0 spans 8 to 3008 px (3000 px wide)",
    ]


def test_anything_fetched_from_the_network_fails_and_is_reported(browser, tmp_path):
    # the saved replay must work offline; the browser blocks every host name to prove it
    page = tmp_path / "online.html"
    page.write_text('<!DOCTYPE html><script src="https://cdn.example.com/player.js"></script>')
    problems = open_page(browser, page)
    # Chromium logs a failed fetch from its network service, which may come a moment
    # after the page has loaded (in 1 of 4 runs here, and once in CI): wait for it, up to 5 s
    deadline = time.monotonic() + 5
    while not problems and time.monotonic() < deadline:
        time.sleep(0.05)
        problems = console_errors(browser)
    (problem,) = problems
    assert "cdn.example.com/player.js" in problem and "ERR_NAME_NOT_RESOLVED" in problem


def test_a_node_that_moves_between_frames_is_seen(browser, tmp_path):
    *_, L = issue_example(output_label="L")
    page = Player(record_backward(L)).save(tmp_path / "moving.html")
    open_page(browser, page)
    (player,) = players(browser)
    before = player_state(browser, player)["shapes"]
    press(player, "next")
    browser.execute_script(  # what a replay that lays out every frame anew would do
        "arguments[0].querySelector('g[data-key=\"v0\"]').setAttribute('transform', 'translate(5 0)')",
        player,
    )
    after = player_state(browser, player)["shapes"]
    assert not same_places(after, before)
    moved = {
        key for (key, box), (_, old) in zip(after, before) if not same_places([(key, box)], [(key, old)])
    }
    assert moved == {"v0"}


def test_a_gradient_text_outgrowing_its_box_is_seen(browser, tmp_path):
    *_, L = issue_example(output_label="L")
    page = Player(record_backward(L)).save(tmp_path / "overflow.html")
    open_page(browser, page)
    (player,) = players(browser)
    assert player_state(browser, player)["overflow"] == []
    browser.execute_script(
        "arguments[0].querySelector('text[data-grad-of=\"v0\"]').textContent = 'grad -1.234567890123e+300'",
        player,
    )
    ((key, text, past),) = player_state(browser, player)["overflow"]
    assert key == "v0" and text.endswith("e+300") and past > 10
