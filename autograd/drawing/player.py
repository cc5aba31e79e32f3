"""Replaying a recorded backward pass: one drawing, restyled step by step.

The graph is laid out once (one run of Graphviz's ``dot``) and every frame shows
that same picture with different styles, so no box moves while you step:

* frame 0 is the start: the output (the root) is highlighted with its gradient,
  d root / d root = 1; every arrow is faded, as no gradient has flowed yet; the
  leaves show what their ``.grad`` held before (gradients accumulate);
* frame k shows the graph after step k: the node backward is at, its op and its
  arrows highlighted, the arrows backward has already gone through drawn in
  full, every gradient as it stood at that moment, and the ones that step
  changed in colour.

[step_frames][autograd.drawing.player.step_frames] returns the frames as SVG
text. [Player][autograd.drawing.player.Player] shows them in Jupyter with
buttons and a slider (a little JavaScript restyles the one SVG), and
``Player.save("backprop.html")`` writes the same player as a single
self-contained HTML file that works offline in any browser.

Every node and arrow of the SVG carries a *key*, the id ``walk_graph``
gives it: ``v3`` for a Value, ``op3`` for the op that computed it, ``v1->op3``
for an arrow. A frame is a list of keys to highlight and of gradient texts to
show, so the Python here and the JavaScript in the page apply it the same way.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd.drawing.draw import GraphNode, render_svg, walk_graph
from autograd.teaching.naming import format_number, node_expression
from autograd.teaching.record import BackwardRecord
from autograd.value import Value

__all__ = ["Frame", "Player", "caption", "gradients_after", "replay_frames", "step_frames"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# What the classes of a frame look like. It lives inside the SVG, so a frame
# saved on its own shows its highlight too; the selectors only match drawings
# of the replay (class cg-replay), so a page with other drawings is not touched.
FRAME_CSS = """
.cg-replay g.node.active polygon.cg-bg, .cg-replay g.node.active ellipse { fill: #ffd54f; }
.cg-replay g.edge.active path { stroke: #e65100; stroke-width: 3px; }
.cg-replay g.edge.active polygon { fill: #e65100; stroke: #e65100; }
.cg-replay g.edge.pending { opacity: 0.35; }
.cg-replay text.changed { fill: #e65100; }
"""


# ----------------------------------------------------------------------------
# What each frame shows
# ----------------------------------------------------------------------------


def gradients_after(record: BackwardRecord, steps_done: int) -> dict[Value, float]:
    """Every node's gradient after the first ``steps_done`` steps (the root's is 1 from the start).

    A leaf starts from what its ``.grad`` held before the pass (gradients accumulate).
    """
    grads = {node: record.leaf_grads_before.get(node, 0.0) for node in record.order}
    grads[record.root] = record.root.grad if not record.steps else record.steps[0].upstream
    for step in record.steps[:steps_done]:
        for c in step.contributions:
            grads[c.input] = c.grad_after
    return grads


def caption(record: BackwardRecord, steps_done: int) -> str:
    """One line saying what happened at a step, with the numbers.

    A constant (the 2 in ``2 * x``) is named by its number, so "dL/d2" would
    read like nonsense; it needs no gradient, and the caption says so instead.
    Names and formulas longer than a glance are cut with an ellipsis.
    """
    root = _short(record.names[record.root])
    if steps_done == 0:
        return f"start: d{root}/d{root} = 1"
    step = record.steps[steps_done - 1]
    names = {v: _short(record.names[v]) for v in (step.node, *step.node.children)}
    node, upstream = names[step.node], format_number(step.upstream)
    parts = [
        f"d{root}/d{names[c.input]} += {_grouped(_short(c.formula, CAPTION_FORMULA_CHARS))} × {upstream} "
        f"= {format_number(c.amount)}"
        for c in step.contributions
        if c.input.op != "const"
    ]
    constants = [names[c.input] for c in step.contributions if c.input.op == "const"]
    if constants:
        parts.append(_constants_need_no_gradient(constants))
    expression = _short(node_expression(step.node, names), CAPTION_FORMULA_CHARS)
    return (
        f"step {steps_done}/{len(record.steps)}: at {node} = {expression}, "
        f"upstream d{root}/d{node} = {upstream}; " + "; ".join(parts)
    )


# Longest name and formula a caption shows in full; a label of a thousand
# characters would otherwise fill the screen with one caption.
CAPTION_NAME_CHARS = 24
CAPTION_FORMULA_CHARS = 60


def _short(text: str, limit: int = CAPTION_NAME_CHARS) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis when longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Frame:
    """What one frame changes in the drawing, by key (``v3``, ``op3``, ``v1->op3``).

    ``grads`` holds the gradient texts that changed since the previous frame
    (every Value's at frame 0): applying frames 0..k in turn gives frame k.
    """

    active_nodes: tuple[str, ...]  # highlighted: the node backward is at and its op
    active_edges: tuple[str, ...]  # highlighted: that op's arrows (none at the start)
    grads: dict[str, str]  # Value key -> its gradient as shown, e.g. "-0.002682"
    caption: str


def replay_frames(record: BackwardRecord, *, digits: int = 4) -> list[Frame]:
    """The start and one frame per step of ``record``, keyed by ``walk_graph``'s ids."""
    drawn = _drawn_nodes(record)
    root = drawn[record.root]
    start = {drawn[value].id: format_number(g, digits) for value, g in gradients_after(record, 0).items()}
    frames = [Frame((root.id,), (), start, caption(record, 0))]
    for done, step in enumerate(record.steps, 1):
        node = drawn[step.node]
        # a dict: an input used twice (a * a) keeps the gradient after its last contribution
        changed = {drawn[c.input].id: format_number(c.grad_after, digits) for c in step.contributions}
        frames.append(Frame((node.id, node.op_id), _arrows_of(node), changed, caption(record, done)))
    return frames


def _arrows_of(node: GraphNode) -> tuple[str, ...]:
    """Keys of the arrows into the op of ``node`` (one per distinct input) and out of it to the node."""
    into_op = dict.fromkeys(f"{input_id}->{node.op_id}" for input_id in node.input_ids)
    return (*into_op, f"{node.op_id}->{node.id}")


def _drawn_nodes(record: BackwardRecord) -> dict[Value, GraphNode]:
    """Each node of the record's graph with the ids its drawing gives it."""
    return {node.value: node for node in walk_graph(record.root, max_nodes=None)}


# ----------------------------------------------------------------------------
# One layout for every frame
# ----------------------------------------------------------------------------


def lay_out(record: BackwardRecord, **draw_options: Any) -> ET.Element:
    """Draw the graph once, as the SVG that every frame restyles (see ``mark_keys``).

    Each box is laid out with the widest gradient text it will ever show, so
    that no text outgrows its box as the frames go by. With ``edge_grads``
    the arrows' colours are computed from the gradients drawn, so computed
    nodes keep their final ones (those are the gradients their arrows carry).
    """
    for own in ("highlight", "grads", "show_names"):
        if own in draw_options:
            raise TypeError(f"the replay sets {own}= itself, one frame at a time; do not pass it")
    digits = draw_options.get("digits", 4)
    widest = _widest_gradients(record, digits)
    if draw_options.get("edge_grads"):
        final = gradients_after(record, len(record.steps))
        widest.update({node: final[node] for node in record.order if not node.is_leaf})
    return marked_drawing(record.root, widest, **draw_options)


def marked_drawing(root: Value, shown: dict[Value, float], **draw_options: Any) -> ET.Element:
    """``root``'s graph drawn with the gradients ``shown``, every node and arrow keyed (``mark_keys``).

    Unlabelled nodes show their names (``t0``, ``t1``...), which the captions use.
    """
    svg = render_svg(root, grads=shown, show_names=True, **draw_options)
    drawing = _without_namespaces(ET.fromstring(svg))
    digits = draw_options.get("digits", 4)
    drawn = walk_graph(root, max_nodes=None)
    layout_text = {node.id: format_number(shown[node.value], digits) for node in drawn}
    mark_keys(drawing, layout_text if draw_options.get("show_grad", True) else {})
    return drawing


def _without_namespaces(drawing: ET.Element) -> ET.Element:
    """The parsed SVG with plain names (``g``, ``xlink:title``), as it is written in a page.

    ElementTree spells names with their namespace (``{http://www.w3.org/2000/svg}g``)
    and, writing them back, invents prefixes (``ns0:g``) that HTML does not
    understand; plain names and the two declarations on the root avoid both.
    """
    for element in drawing.iter():
        element.tag = element.tag.rpartition("}")[2]
        for name in [n for n in element.attrib if n.startswith(f"{{{XLINK_NS}}}")]:
            element.set("xlink:" + name.rpartition("}")[2], element.attrib.pop(name))
    drawing.set("xmlns", SVG_NS)
    drawing.set("xmlns:xlink", XLINK_NS)
    return drawing


def _widest_gradients(record: BackwardRecord, digits: int) -> dict[Value, float]:
    """For every node, the gradient it shows in some frame whose text is the longest."""
    widest = gradients_after(record, 0)
    for step in record.steps:
        for c in step.contributions:
            if len(format_number(c.grad_after, digits)) > len(format_number(widest[c.input], digits)):
                widest[c.input] = c.grad_after
    return widest


_KEY = re.compile(r"(?:v|op)\d+(?!\d)")


def mark_keys(drawing: ET.Element, layout_text: dict[str, str]) -> None:
    """Give every node and arrow of a Graphviz SVG its key, and tag the gradient texts.

    Graphviz writes one ``<g class="node">`` or ``<g class="edge">`` per node
    or arrow, titled with its DOT name (``v3``, ``op3``) or ``tail->head``.
    The key goes into ``data-key``; the ``<text>`` that shows a Value's
    gradient (the one ending in ``layout_text[key]``) gets ``data-grad-of``
    and ``data-prefix`` (``"grad "``), so a frame can rewrite the number.
    """
    drawing.set("class", "cg-replay")
    style = ET.Element("style")
    style.text = FRAME_CSS
    drawing.insert(0, style)
    for group in drawing.iter("g"):
        kind = group.get("class", "").split()
        key = _key_of(group.findtext("title") or "")
        if not {"node", "edge"} & set(kind) or key is None:
            continue
        group.set("data-key", key)
        if "node" in kind:
            _add_background(group)
            if key in layout_text:
                _tag_gradient_text(group, key, layout_text[key])


def _key_of(title: str) -> str | None:
    """``v3`` / ``op3`` for a node, ``v1->op3`` for an arrow; None for anything else (a legend).

    Ports (``v1:e``) are dropped, and a copy of a leaf drawn next to a far
    user (``v0_for_op5``) has the key of the leaf it copies.
    """
    ends = [_KEY.match(end.split(":")[0]) for end in title.split("->")]
    if not all(ends) or len(ends) > 2:
        return None
    return "->".join(end.group(0) for end in ends if end)


def _add_background(group: ET.Element) -> None:
    """Put an invisible rectangle behind a box's cells, for the highlight to fill.

    Filling the box's own polygons would not do: Graphviz may draw a border
    polygon after the texts, and a filled one would hide them.
    """
    points = [
        tuple(float(x) for x in pair.split(","))
        for shape in group.iter("polygon")
        for pair in shape.get("points", "").split()
    ]
    if not points:
        return  # an oval: the highlight fills the ellipse itself
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    corners = f"{left},{top} {right},{top} {right},{bottom} {left},{bottom}"
    background = ET.Element("polygon", {"class": "cg-bg", "points": corners})
    background.set("fill", "none")
    background.set("stroke", "none")
    group.insert(1 if group.find("title") is not None else 0, background)  # first, under everything


def _tag_gradient_text(group: ET.Element, key: str, number: str) -> None:
    texts = [t for t in group.iter("text") if (t.text or "").endswith(number)]
    if not texts:
        return
    # the grad cell comes after the data cell, whose number may be the same
    labelled = [t for t in texts if (t.text or "").startswith("grad")]
    text = (labelled or texts)[-1]
    text.set("data-grad-of", key)
    text.set("data-prefix", (text.text or "")[: -len(number)])


def show_frame(drawing: ET.Element, frames: list[Frame], k: int) -> None:
    """Restyle the marked SVG to show frame ``k`` (the page's JavaScript does the same)."""
    grads: dict[str, str] = {}
    for frame in frames[: k + 1]:
        grads.update(frame.grads)
    changed = frames[k].grads if k else {}
    active = set(frames[k].active_nodes) | set(frames[k].active_edges)
    pending = {key for frame in frames[k + 1 :] for key in frame.active_edges}
    for group in drawing.iter("g"):
        key = group.get("data-key")
        if key is not None:
            is_edge = "edge" in group.get("class", "").split()
            _set_class(group, "active", key in active)
            _set_class(group, "pending", is_edge and key not in active and key in pending)
    for text in drawing.iter("text"):
        key = text.get("data-grad-of")
        if key is not None:
            text.text = text.get("data-prefix", "") + grads[key]
            _set_class(text, "changed", key in changed)


def _set_class(element: ET.Element, name: str, on: bool) -> None:
    """Add or remove one class of an element, keeping its others (as JavaScript's classList.toggle)."""
    classes = [c for c in element.get("class", "").split() if c != name] + ([name] if on else [])
    if classes:
        element.set("class", " ".join(classes))
    else:
        element.attrib.pop("class", None)


def svg_text(drawing: ET.Element) -> str:
    """The SVG as text, without the XML declaration and DOCTYPE (it goes inside HTML as it is)."""
    return ET.tostring(drawing, encoding="unicode")


def step_frames(record: BackwardRecord, **draw_options: Any) -> list[str]:
    """SVG text of every frame, all from one layout: the start, then one per step.

    Args:
        record: a recorded backward pass (``autograd.record_backward(loss)``).
        **draw_options: passed on to [draw_graph][autograd.drawing.draw.draw_graph]
            (``rankdir="TB"``, ``edge_grads=True``, ``clusters=model``...).

    Returns:
        One standalone SVG per frame; each carries the styles of its highlight.
    """
    frames = replay_frames(record, digits=draw_options.get("digits", 4))
    drawing = lay_out(record, **draw_options)
    pictures = []
    for k in range(len(frames)):
        show_frame(drawing, frames, k)
        pictures.append(svg_text(drawing))
    return pictures


# ----------------------------------------------------------------------------
# The player: HTML with buttons and a slider, for Jupyter and for a file
# ----------------------------------------------------------------------------

PLAYER_CSS = """
.cg-player { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 100%; }
.cg-player .cg-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 4px 0; }
.cg-player .cg-controls[hidden] { display: none; }
.cg-player button { font-size: 14px; min-width: 2.2em; padding: 2px 8px; cursor: pointer; }
.cg-player .cg-slider { flex: 1 1 160px; min-width: 100px; }
.cg-player .cg-position { font-variant-numeric: tabular-nums; min-width: 7em; }
.cg-player .cg-caption { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; box-sizing: border-box; }
.cg-player .cg-static-note { font-size: 13px; color: #555; margin: 2px 0; }
.cg-player .cg-stage { overflow: auto; max-width: 100%; max-height: 80vh; }
.cg-player svg.cg-replay { display: block; width: 100%; height: auto; }
"""

# Runs once per display. It finds its player (the element just before the
# script; or, where a notebook runs scripts some other way, every player with
# this uid not yet set up), then shows frame 0. Frames are applied exactly as
# show_frame does in Python; textContent (never innerHTML) puts the captions in.
# The controls every step-by-step player shares (this one, and the network replay of
# nn.diagram): buttons, slider and arrow keys; a caption that keeps the height of the
# longest one, so the drawing below it never moves; and finding the player next to its
# script. Each player's script defines these first, then calls them.
STEPPER_JS = """
  function stepperControls(root, frames, show, current, onButton) {
    var last = frames.length - 1, slider = root.querySelector(".cg-slider");
    var caption = root.querySelector(".cg-caption");
    var moves = {
      first: function () { return 0; }, prev: function () { return current() - 1; },
      next: function () { return current() + 1; }, last: function () { return last; }
    };
    root.querySelectorAll("button[data-go]").forEach(function (b) {
      b.addEventListener("click", function () {
        var go = b.getAttribute("data-go");
        if (moves[go]) show(moves[go]());
        else if (onButton) onButton(go, b);
      });
    });
    slider.addEventListener("input", function () { show(+slider.value); });
    root.addEventListener("keydown", function (e) {
      var go = {ArrowLeft: "prev", ArrowRight: "next", Home: "first", End: "last"}[e.key];
      if (!go || e.target === slider) return;
      e.preventDefault();
      e.stopPropagation();  // a notebook would otherwise move between cells
      show(moves[go]());
    });
    function reserveCaptionHeight() {
      caption.style.minHeight = "";
      var tallest = 0;
      frames.forEach(function (frame) {
        caption.textContent = frame.caption;
        tallest = Math.max(tallest, caption.offsetHeight);
      });
      caption.style.minHeight = tallest + "px";
      caption.textContent = frames[current()].caption;
    }
    var note = root.querySelector(".cg-static-note");
    if (note) note.remove();
    root.querySelector(".cg-controls").hidden = false;
    show(0);
    reserveCaptionHeight();
    window.addEventListener("resize", reserveCaptionHeight);
  }
  // a drawing larger than its frame scrolls inside it: bring target to the middle when it is out of view
  function keepInView(stage, target) {
    if (!target) return;
    var s = stage.getBoundingClientRect(), t = target.getBoundingClientRect();
    if (t.left < s.left || t.right > s.right) stage.scrollLeft += t.left - s.left - (s.width - t.width) / 2;
    if (t.top < s.top || t.bottom > s.bottom) stage.scrollTop += t.top - s.top - (s.height - t.height) / 2;
  }
  function startPlayers(uid, selector, setUp) {
    function setUpAll() {
      var players = document.querySelectorAll(selector + '[data-cg-uid="' + uid + '"]');
      players.forEach(setUp);
      return players.length;
    }
    var script = document.currentScript, before = script && script.previousElementSibling;
    if (before && before.getAttribute("data-cg-uid") === uid) { setUp(before); return; }
    var tries = 0;
    (function retry() {  // the output may be put into the page just after this runs
      if (!setUpAll() && ++tries < 50) setTimeout(retry, 100);
    })();
  }
"""

PLAYER_JS = "(function (uid, frames) {" + STEPPER_JS + """
  function setUp(root) {
    if (root.getAttribute("data-cg-ready")) return;
    root.setAttribute("data-cg-ready", "1");
    var svg = root.querySelector("svg.cg-replay"), last = frames.length - 1;
    var keyed = root.querySelectorAll("g[data-key]"), gradTexts = root.querySelectorAll("text[data-grad-of]");
    var slider = root.querySelector(".cg-slider");
    var position = root.querySelector(".cg-position"), caption = root.querySelector(".cg-caption");
    var current = 0;
    function show(k) {
      current = k = Math.max(0, Math.min(last, k));
      var grads = {}, active = {}, pending = {};
      for (var j = 0; j <= k; j++) Object.assign(grads, frames[j].grads);
      for (j = k + 1; j <= last; j++) frames[j].active_edges.forEach(function (e) { pending[e] = 1; });
      frames[k].active_nodes.concat(frames[k].active_edges).forEach(function (a) { active[a] = 1; });
      keyed.forEach(function (g) {
        var key = g.getAttribute("data-key"), edge = g.classList.contains("edge");
        g.classList.toggle("active", !!active[key]);
        g.classList.toggle("pending", edge && !active[key] && !!pending[key]);
      });
      gradTexts.forEach(function (t) {
        var key = t.getAttribute("data-grad-of");
        t.textContent = t.getAttribute("data-prefix") + grads[key];
        t.classList.toggle("changed", k > 0 && key in frames[k].grads);
      });
      slider.value = k;
      position.textContent = k === 0 ? "start (0 of " + last + ")" : "step " + k + " of " + last;
      caption.textContent = frames[k].caption;
      follow();
      root.querySelectorAll("button[data-go]").forEach(function (b) {
        var go = b.getAttribute("data-go");
        var back = go === "first" || go === "prev", forward = go === "next" || go === "last";
        b.disabled = (back && k === 0) || (forward && k === last);
      });
    }
    // a drawing taller than the player (or, at full size, wider) scrolls inside it:
    // keep the node backward is at in view (the page itself does not scroll)
    function follow() {
      keepInView(root.querySelector(".cg-stage"), root.querySelector("g.node.active"));
    }
    stepperControls(root, frames, show, function () { return current; }, function (go, b) {
      if (go !== "size") return;
      var full = root.classList.toggle("cg-full-size");
      svg.style.width = full ? svg.getAttribute("data-natural-width") : "";
      svg.style.maxWidth = full ? "none" : svg.getAttribute("data-natural-width");
      b.textContent = full ? "fit width" : "full size";
      follow();
    });
  }
  startPlayers(uid, ".cg-player", setUp);
})
"""


class Player:
    """A backward pass replayed on one drawing, with buttons and a slider.

    ``Player(record_backward(L))`` shows itself in Jupyter (classic Notebook,
    JupyterLab, VS Code: a trusted notebook runs its script; where scripts are
    stripped, the last frame is shown as a still picture), and
    ``save("backprop.html")`` writes it as a self-contained page. Keyword
    arguments go to [draw_graph][autograd.drawing.draw.draw_graph]
    (``Player(record, rankdir="TB", edge_grads=True)``).

    Attributes:
        record: the recorded backward pass.
        frames: what each frame shows (a ``Frame`` each); frame 0 is the start.
        svg: the drawing, laid out once, showing the last frame.
    """

    def __init__(self, record: BackwardRecord, **draw_options: Any) -> None:
        if not isinstance(record, BackwardRecord):
            raise TypeError(
                f"Player needs a BackwardRecord (from autograd.record_backward(loss)), "
                f"got {type(record).__name__}"
            )
        self.record = record
        self.draw_options = draw_options
        self.frames = replay_frames(record, digits=draw_options.get("digits", 4))
        drawing = lay_out(record, **draw_options)
        show_frame(drawing, self.frames, len(self.frames) - 1)  # what a page without scripts shows
        fit_width(drawing)
        self.svg = svg_text(drawing)

    def _repr_html_(self) -> str:
        return self.html()

    def html(self) -> str:
        """The player as an HTML fragment (what Jupyter displays): markup, styles and script."""
        data = json.dumps([_frame_json(f) for f in self.frames], ensure_ascii=False, separators=(",", ":"))
        uid = "cg" + hashlib.sha1((self.svg + data).encode()).hexdigest()[:12]
        last = len(self.frames) - 1
        # ids must be unique in a page that shows several players
        svg = re.sub(r' id="([^"]*)"', lambda m: f' id="{uid}-{m.group(1)}"', self.svg)
        return (
            f'<div class="cg-player" data-cg-uid="{uid}" tabindex="0">'
            f"<style>{PLAYER_CSS}</style>"
            f'<div class="cg-controls" hidden>{step_buttons(last)}</div>'
            f'<p class="cg-caption">{html.escape(self.frames[last].caption)}</p>'
            f'<p class="cg-static-note">This is the last step. Where the page\'s script runs '
            f"(a trusted notebook, a browser), buttons step through backward.</p>"
            f'<div class="cg-stage">{svg}</div></div>'
            f"<script>{PLAYER_JS.strip()}({script_safe(json.dumps(uid))}, {script_safe(data)});</script>"
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the player as one HTML file that works offline in any browser; returns its path."""
        path = Path(path)
        title = html.escape(f"backward from {_short(self.record.names[self.record.root])}")
        path.write_text(standalone_page(title, self.html()), encoding="utf-8")
        return path

    def exercise(self) -> Any:
        """The same backward pass as an exercise: the learner types each gradient, and the page
        checks it (an [Exercise][autograd.drawing.exercise.Exercise], drawn the same way)."""
        from autograd.drawing.exercise import Exercise  # it builds on this module

        return Exercise(self.record.root, **self.draw_options)

    def __repr__(self) -> str:
        root = _short(self.record.names[self.record.root])
        return f"<Player: {len(self.frames)} frames of backward from {root}>"


def fit_width(drawing: ET.Element) -> None:
    """Let the SVG shrink to its container's width (keeping its shape), never grow past its own size.

    The ``viewBox`` keeps the coordinates; the width becomes 100% with the
    natural width as a maximum, and the height follows from the aspect ratio.
    """
    natural = drawing.get("width", "")
    drawing.set("width", "100%")
    drawing.attrib.pop("height", None)
    drawing.set("data-natural-width", natural)
    drawing.set("style", f"max-width: {natural}; height: auto")


def step_buttons(last: int, full_size: bool = True) -> str:
    """The controls of a step-by-step player (STEPPER_JS wires them), at step ``last`` of ``last``."""
    button = '<button type="button" data-go="{}" title="{}">{}</button>'
    size = button.format("size", "see the drawing at its full size", "full size") if full_size else ""
    return (
        button.format("first", "start (Home)", "|&#x25C0;")
        + button.format("prev", "previous step (left arrow)", "&#x25C0;")
        + f'<input class="cg-slider" type="range" min="0" max="{last}" value="{last}" aria-label="step">'
        + button.format("next", "next step (right arrow)", "&#x25B6;")
        + button.format("last", "last step (End)", "&#x25B6;|")
        + f'<span class="cg-position">step {last} of {last}</span>'
        + size
    )


def standalone_page(title: str, fragment: str, kind: str = "Replay") -> str:
    """One HTML file around a player's fragment, headed ``kind: title`` (``title`` already escaped)."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        "<style>body { margin: 16px; font-family: system-ui, sans-serif; }</style>\n"
        f'</head>\n<body>\n<h1 style="font-size: 1.2em">{kind}: {title}</h1>\n{fragment}\n'
        "</body>\n</html>\n"
    )


def _frame_json(frame: Frame) -> dict[str, Any]:
    return {
        "active_nodes": list(frame.active_nodes),
        "active_edges": list(frame.active_edges),
        "grads": frame.grads,
        "caption": frame.caption,
    }


def script_safe(text: str) -> str:
    """JSON that can sit inside ``<script>``: no ``</script>``, ``<!--`` or line separator ends it early."""
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _grouped(formula: str) -> str:
    """Parenthesise a formula with spaces, so that "1 - t**2 × g" cannot be misread."""
    return f"({formula})" if " " in formula else formula


def _constants_need_no_gradient(constants: Iterable[str]) -> str:
    names = list(dict.fromkeys(constants))
    if len(names) == 1:
        return f"the constant {names[0]} needs no gradient"
    return f"the constants {', '.join(names)} need no gradient"
