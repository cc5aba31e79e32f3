"""What the browser tests look at, and the checker they share (no test lives here).

* :func:`open_page` loads a file and returns :func:`page_problems`: console
  errors, and anything wider than the 1,000 px viewport (the checker; the
  tests show it can fail).
* :func:`player_state` reads what a replay player shows right now: the keys
  of the highlighted nodes and arrows, every gradient text, the caption, and
  where every shape is.
* :func:`notebook_page` writes a page laid out like a notebook, with outputs
  put in the way classic Notebook or JupyterLab put them.
* :func:`text_boxes` and :func:`text_problems`: every text of the network
  diagrams as it is on screen, and which are too small or overlap another.
* :func:`network_replay_state`: what a network replay shows right now.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

VIEWPORT_WIDTH = 1000
VIEWPORT_HEIGHT = 800


def open_page(driver: Any, path: Path) -> list[str]:
    """Load ``path`` in the browser and return what is wrong with it (see :func:`page_problems`)."""
    driver.get_log("browser")  # forget the messages of earlier pages
    driver.get(path.resolve().as_uri())
    return page_problems(driver)


def page_problems(driver: Any) -> list[str]:
    """Console errors since the last look, and whatever does not fit the viewport's width."""
    return console_errors(driver) + width_problems(driver)


def console_errors(driver: Any) -> list[str]:
    """Console messages of level SEVERE (uncaught exceptions, failed loads) since the last call."""
    return [
        f"console: {entry['message']}" for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
    ]


_MEASURE_WIDTHS = """
var svgs = Array.from(document.querySelectorAll("svg")).filter(function (s) {
  // the outer drawings, not nested ones; and only those shown (not inside a closed <details>)
  return !s.parentElement.closest("svg") && s.checkVisibility();
});
return {
  viewport: window.innerWidth,
  page: document.documentElement.scrollWidth,
  svgs: svgs.map(function (s) { var r = s.getBoundingClientRect(); return [r.left, r.right, r.width]; })
};
"""


def width_problems(driver: Any) -> list[str]:
    """The page scrolls sideways, or a drawing is wider than the viewport or sticks out of it."""
    found = driver.execute_script(_MEASURE_WIDTHS)
    viewport = found["viewport"]
    problems = []
    if found["page"] > viewport:
        problems.append(f"the page is {found['page']} px wide, wider than the {viewport} px viewport")
    for number, (left, right, width) in enumerate(found["svgs"]):
        if width > viewport or left < 0 or right > viewport + 0.5:
            problems.append(f"drawing {number} spans {left:.0f} to {right:.0f} px ({width:.0f} px wide)")
    return problems


_PLAYER_STATE = """
var root = arguments[0], svg = root.querySelector("svg.cg-replay"), origin = svg.getBoundingClientRect();
var stage = root.querySelector(".cg-stage").getBoundingClientRect();
function box(el) {
  var r = el.getBoundingClientRect();
  return [r.left - origin.left, r.top - origin.top, r.width, r.height].map(function (x) {
    return Math.round(x * 100) / 100;
  });
}
var state = {active: [], pending: [], grads: {}, changed: [], shapes: [], overflow: [],
             stage: [stage.left, stage.top, stage.width, stage.height],
             caption: root.querySelector(".cg-caption").textContent,
             position: root.querySelector(".cg-position").textContent,
             slider: +root.querySelector(".cg-slider").value};
root.querySelectorAll("g[data-key]").forEach(function (g) {
  var key = g.getAttribute("data-key");
  if (g.classList.contains("active")) state.active.push(key);
  if (g.classList.contains("pending")) state.pending.push(key);
  g.querySelectorAll("polygon, ellipse, path").forEach(function (shape) {
    state.shapes.push([key, box(shape)]);
  });
});
root.querySelectorAll("text[data-grad-of]").forEach(function (t) {
  var key = t.getAttribute("data-grad-of"), right = -Infinity;
  state.grads[key] = t.textContent;
  if (t.classList.contains("changed")) state.changed.push(key);
  t.parentNode.querySelectorAll("polygon").forEach(function (p) {
    right = Math.max(right, p.getBoundingClientRect().right);
  });
  var past = t.getBoundingClientRect().right - right;
  if (past > 0.5) state.overflow.push([key, t.textContent, past]);
});
state.active.sort();
state.pending.sort();
state.changed.sort();
return state;
"""


SUBPIXEL = 0.05
"""How far (px) two boxes of the same shape may differ: positions come from
floating-point layout and are rounded to 0.01 px, and scrolling the player by a
fraction of a pixel can move the rounding by one step. A shape that moves is
off by at least a pixel."""


def same_places(shapes: list[Any], others: list[Any]) -> bool:
    """True when two ``player_state(...)["shapes"]`` lists have the same shapes at the same places."""
    return len(shapes) == len(others) and all(
        key == other_key and all(abs(a - b) <= SUBPIXEL for a, b in zip(box, other_box))
        for (key, box), (other_key, other_box) in zip(shapes, others)
    )


def players(driver: Any) -> list[Any]:
    """The replay players on the page, in order."""
    return driver.find_elements("css selector", ".cg-player")


def player_state(driver: Any, player: Any) -> dict[str, Any]:
    """What ``player`` shows now: ``active``/``pending`` keys, ``grads`` by key, ``caption``,
    ``stage`` (where the drawing's frame is on the page: left, top, width, height),
    ``shapes`` (key and box of every polygon, ellipse and path, relative to the drawing),
    ``overflow`` (gradient texts wider than their box)."""
    return dict(driver.execute_script(_PLAYER_STATE, player))


def press(player: Any, button: str) -> None:
    """Click one of the player's buttons: first, prev, next, last or size."""
    player.find_element("css selector", f'button[data-go="{button}"]').click()


def slide_to(driver: Any, player: Any, frame: int) -> None:
    """Move the slider as a user would: set it and send the input event."""
    slider = player.find_element("css selector", ".cg-slider")
    driver.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", slider, frame
    )


# ----------------------------------------------------------------------------
# A page laid out like a notebook
# ----------------------------------------------------------------------------

NOTEBOOK_STYLE = """
body { margin: 8px; font-family: sans-serif; }
.cell { display: flex; margin: 12px 0; }
.prompt { flex: 0 0 64px; color: #999; font-family: monospace; text-align: right; padding-right: 8px; }
.output_area { flex: 1 1 auto; min-width: 0; padding: 4px; }
"""

# How the front ends run the scripts of an HTML output:
# classic Notebook (jQuery's .html()): the markup goes in, then each script's text
# runs in a new script element added to <head> (so document.currentScript is not
# next to the output); JupyterLab: the markup goes into a detached element whose
# scripts are re-created, and they run when it is attached to the page.
_INSERT_OUTPUTS = """
function classicNotebook(area, markup) {
  area.innerHTML = markup;
  area.querySelectorAll("script").forEach(function (old) {
    var s = document.createElement("script");
    s.text = old.text;
    document.head.appendChild(s).parentNode.removeChild(s);
  });
}
function jupyterLab(area, markup) {
  var host = document.createElement("div");
  host.innerHTML = markup;
  host.querySelectorAll("script").forEach(function (old) {
    var s = document.createElement("script");
    s.text = old.text;
    old.parentNode.replaceChild(s, old);
  });
  area.appendChild(host);
}
document.querySelectorAll("template[data-insert]").forEach(function (t) {
  var insert = {classic: classicNotebook, lab: jupyterLab}[t.getAttribute("data-insert")];
  insert(t.parentNode, t.innerHTML);
});
"""


def notebook_page(path: Path, outputs: list[tuple[str, str]]) -> Path:
    """Write a page with one notebook cell per output and return its path.

    Each output is ``(how, markup)``: ``how`` is ``"inline"`` (the markup is in
    the page, as VS Code and a saved notebook show it), ``"classic"`` or
    ``"lab"`` (the markup is put in by script, as those front ends do).
    """
    cells = []
    for number, (how, markup) in enumerate(outputs, 1):
        body = (
            markup if how == "inline" else f'<template data-insert="{html.escape(how)}">{markup}</template>'
        )
        cells.append(
            f'<div class="cell"><div class="prompt">Out[{number}]:</div>'
            f'<div class="output_area">{body}</div></div>'
        )
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>notebook outputs</title>'
        f"<style>{NOTEBOOK_STYLE}</style></head><body>{''.join(cells)}"
        f"<script>{_INSERT_OUTPUTS}</script></body></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path


def display_markup(data: dict[str, Any]) -> str:
    """What a notebook shows for a display bundle: its HTML if it has some, else its SVG inline."""
    if "text/html" in data:
        return str(data["text/html"])
    svg = str(data["image/svg+xml"])
    return svg[svg.find("<svg") :]


def as_json(value: Any) -> str:
    """``value`` as JSON, for messages."""
    return json.dumps(value, indent=1)


# ----------------------------------------------------------------------------
# The texts of the network diagrams, as they are on screen
# ----------------------------------------------------------------------------

# Every <text> of the diagrams on the page (svg.cg-network, .cg-lstm...): its box on screen,
# and its font size times the drawing's scale: how high its letters are on screen.
_TEXT_BOXES = """
var found = [];
document.querySelectorAll(arguments[0]).forEach(function (svg, drawing) {
  var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  svg.querySelectorAll("text").forEach(function (t) {
    if (getComputedStyle(t).visibility === "hidden" || !t.textContent.trim()) return;
    var r = t.getBoundingClientRect();
    found.push({drawing: drawing, text: t.textContent, left: r.left, top: r.top, right: r.right,
                bottom: r.bottom, font: parseFloat(getComputedStyle(t).fontSize) * scale});
  });
});
return found;
"""

SMALLEST_TEXT_PX = 9.0
"""No text of a diagram may be smaller than this on screen (its font size, as scaled)."""

OVERLAP_TOLERANCE = 0.5  # px: boxes that merely touch, after rounding, do not overlap


def text_boxes(driver: Any, selector: str = "svg.cg-network, svg.cg-lstm") -> list[dict[str, Any]]:
    """Every text of the diagrams that ``selector`` finds: what it says, its box on screen and font px."""
    return list(driver.execute_script(_TEXT_BOXES, selector))


def text_problems(boxes: list[dict[str, Any]]) -> list[str]:
    """Texts smaller than ``SMALLEST_TEXT_PX`` on screen, and pairs of texts whose boxes overlap."""
    problems = [f"{b['text']!r} is {b['font']:.1f} px high" for b in boxes if b["font"] < SMALLEST_TEXT_PX]
    for k, a in enumerate(boxes):
        for b in boxes[k + 1 :]:
            if a["drawing"] == b["drawing"] and _overlap(a, b):
                problems.append(f"{a['text']!r} overlaps {b['text']!r}")
    return problems


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    gap = OVERLAP_TOLERANCE
    return bool(
        a["left"] < b["right"] - gap
        and b["left"] < a["right"] - gap
        and a["top"] < b["bottom"] - gap
        and b["top"] < a["bottom"] - gap
    )


_NETWORK_REPLAY_STATE = """
var root = arguments[0], svg = root.querySelector("svg"), origin = svg.getBoundingClientRect();
var state = {active: [], shown: [], circles: [], caption: root.querySelector(".cg-caption").textContent,
             slider: +root.querySelector(".cg-slider").value, svg: [origin.left, origin.top, origin.width]};
root.querySelectorAll("[data-key]").forEach(function (el) {
  var key = el.getAttribute("data-key");
  if (el.classList.contains("active") && state.active.indexOf(key) < 0) state.active.push(key);
  if (el.tagName.toLowerCase() === "text" && el.classList.contains("shown")
      && getComputedStyle(el).visibility !== "hidden") state.shown.push(key);
});
svg.querySelectorAll("circle").forEach(function (c) {
  var r = c.getBoundingClientRect();
  state.circles.push([r.left - origin.left, r.top - origin.top, r.width, r.height].map(function (x) {
    return Math.round(x * 100) / 100;
  }));
});
state.active.sort();
state.shown.sort();
return state;
"""


def network_replay_state(driver: Any, player: Any) -> dict[str, Any]:
    """What a network replay shows now: ``active`` keys, ``shown`` (revealed) text keys, ``caption``,
    ``slider``, ``svg`` (where the drawing is: left, top, width) and every circle's box in it."""
    return dict(driver.execute_script(_NETWORK_REPLAY_STATE, player))
