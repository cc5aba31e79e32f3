"""Backward as an exercise: the learner types each node's gradient, and the page checks it at once.

The page asks for the gradients in backward order, one node at a time, on the same
drawing a [Player][autograd.drawing.player.Player] steps through. Every answer is
checked in the page, offline, against a table computed ahead in Python
([step_table][autograd.teaching.diagnosis.steps.step_table]): the right gradient, and
the number each known misconception would give at that step. So the page can say
more than "wrong":

* **right**: the gradient is written into the drawing, with the chain rule that gives
  it, and the next node is asked for;
* **a known mistake**: the page names it (``sign``, ``missing_factor``...), explains it,
  marks in red the arrow where it was made, and asks again;
* **anything else**: "no known mistake matches", and a hint of what to check.

A "show the answer" button moves on when the learner is stuck. ``Exercise(loss)`` shows
itself in Jupyter, ``save("exercise.html")`` writes one self-contained HTML file, and
``Player(record).exercise()`` turns a replay into its exercise.

The page's script compares numbers exactly as
[look_up][autograd.teaching.diagnosis.steps.look_up] does: an answer agrees with a number
to the digits it was typed with (at least 3), read the way
[read_typed][autograd.teaching.diagnosis.steps.read_typed] reads it. The browser tests
hold the two to the same verdicts.

The page itself is generic (``exercise_html``): a drawing whose elements carry keys,
and a list of questions saying which keys to highlight while asking, and which texts
to write or elements to show once answered. The network diagrams of ``nn.diagram``
use it too.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograd.drawing.display import READABLE_PX, length_px
from autograd.drawing.draw import walk_graph
from autograd.drawing.layout import DEFAULT_MAX_NODES, GraphNode
from autograd.drawing.player import (
    STEPPER_JS,
    fit_width,
    marked_drawing,
    script_safe,
    standalone_page,
    svg_text,
)
from autograd.teaching.diagnosis.graph import Edge
from autograd.teaching.diagnosis.steps import StepRow, look_up, step_table
from autograd.teaching.naming import format_number
from autograd.value import CONSTANT, Value

__all__ = ["Exercise", "ExercisePage", "Question", "exercise_html"]

NOT_ASKED = "–"
"""What a constant's gradient box shows: it is never asked for."""

UNKNOWN = "?"
"""What a gradient not yet found shows."""


@dataclass(frozen=True)
class Question:
    """One step of an exercise, and how the drawing changes with it.

    Attributes:
        row: the node asked for, its right gradient and the wrong ones to expect.
        prompt: what the page asks, e.g. ``"dL/db"``.
        about: what the node is, e.g. ``"b = t3 * w"`` (shown under the prompt).
        active: keys of the drawing to highlight while asking.
        texts: gradient texts to write once answered (``{"v3": "-0.1387"}``).
        reveal: keys of elements to show once answered (a network's ``delta-n2.0``).
        marks: for each of ``row.wrong``, the keys to mark in red when that mistake is made.
    """

    row: StepRow
    prompt: str
    about: str
    active: tuple[str, ...]
    texts: dict[str, str] = field(default_factory=dict)
    reveal: tuple[str, ...] = ()
    marks: tuple[tuple[str, ...], ...] = ()
    worked: str = ""  # how the right answer is found, with numbers (default: the row's chain rule)

    def as_dict(self, digits: int) -> dict[str, Any]:
        """The question as the page's script reads it."""
        wrong = [
            {**answer.as_dict(), "marks": list(marks)}
            for answer, marks in zip(self.row.wrong, self.marks or [()] * len(self.row.wrong))
        ]
        return {
            "prompt": self.prompt,
            "about": self.about,
            "correct": self.row.correct,
            "shown": format_number(self.row.correct, digits),
            "worked": self.worked or self.row.worked,
            "wrong": wrong,
            "active": list(self.active),
            "texts": self.texts,
            "reveal": list(self.reveal),
        }


class ExercisePage:
    """What every exercise page does: check a typed answer as the page would, show itself in
    Jupyter, save itself as one offline HTML file. A page sets ``questions``, ``svg`` (its
    drawing, keyed), ``digits``, ``title``, and, if it needs them, ``start`` (the gradient
    texts before any answer) and ``extra_css`` (its drawing's styles)."""

    questions: list[Question]
    svg: str
    digits: int
    title: str
    start: dict[str, str]
    extra_css: str = ""

    def check(self, step: int, typed: str) -> str:
        """What the page says to ``typed`` at step ``step`` (from 0): ``"right"``, a mistake's
        kind, or ``"no known mistake matches"``; a ValueError if it is not a number."""
        return look_up(self.questions[step].row, typed)

    def html(self) -> str:
        """The exercise as an HTML fragment (what Jupyter shows): markup, styles and script."""
        return exercise_html(self.svg, self.questions, self.start, self.digits, self.extra_css)

    def _repr_html_(self) -> str:
        return self.html()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the exercise as one HTML file that works offline in any browser; returns its path."""
        path = Path(path)
        page = standalone_page(html.escape(self.title), self.html(), kind="Exercise")
        path.write_text(page, encoding="utf-8")
        return path

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self.questions)} gradients to find>"


class Exercise(ExercisePage):
    """Backward through ``loss`` as an exercise: each node's gradient typed and checked in the page.

    Args:
        loss: the output whose gradients are asked for (its ``.grad`` and its
            nodes' are neither read nor written).
        **draw_options: passed on to [draw_graph][autograd.drawing.draw.draw_graph]
            (``rankdir="TB"``, ``clusters=model``, ``digits=3``...). Its ``max_nodes``
            (default 500) bounds the graph, which is refused at once if larger.

    Attributes:
        questions: one [Question][autograd.drawing.exercise.Question] per node asked
            (every node but the loss and the constants), in backward order.
        svg: the drawing, every gradient still a "?".

    >>> from autograd import Value
    >>> w, x = Value(-0.5, label="w"), Value(2.0, label="x")
    >>> exercise = Exercise((w * x) ** 2)
    >>> print(", ".join(q.prompt for q in exercise.questions))
    dt1/dt0, dt1/dx, dt1/dw
    >>> exercise.check(2, "-4"), exercise.check(2, "4"), exercise.check(2, "7")
    ('right', 'sign', 'no known mistake matches')
    """

    def __init__(self, loss: Value, **draw_options: Any) -> None:
        if not isinstance(loss, Value):
            raise TypeError(f"Exercise needs the loss Value, got {type(loss).__name__}")
        for own in ("highlight", "grads", "show_names", "show_grad"):
            if own in draw_options:
                raise TypeError(f"the exercise sets {own}= itself; do not pass it")
        self.digits = draw_options.get("digits", 4)
        self.loss = loss
        max_nodes = draw_options.get("max_nodes", DEFAULT_MAX_NODES)
        drawn = {node.value: node for node in walk_graph(loss, max_nodes=max_nodes)}  # a large one: refused
        asked = [value for value in reversed(drawn) if value._op is not CONSTANT]  # the loss first
        loss_row, *rows = step_table(loss, asked=asked, max_nodes=max_nodes)
        self.loss_name = loss_row.name
        self.title = f"backward from {loss_row.name}"
        correct = {row.node: row.correct for row in (loss_row, *rows)}
        drawing = marked_drawing(loss, {**_constants(drawn), **correct}, **draw_options)
        self.start = _start_texts(drawn, loss)
        self.questions = [self._question(row, drawn) for row in rows]
        write_texts(drawing, self.start)  # what a page without scripts shows: every gradient a "?"
        readable = readable_width_px(drawing)
        fit_width(drawing)
        drawing.set("data-readable-width", f"{readable:.0f}")  # the page shrinks it no narrower
        self.svg = svg_text(drawing)

    def _question(self, row: StepRow, drawn: dict[Value, GraphNode]) -> Question:
        node = drawn[row.node]
        about = f"{row.name} = {row.expression}" if row.node._children else f"{row.name}: an input"
        return Question(
            row=row,
            prompt=f"d{self.loss_name}/d{row.name}",
            about=about,
            active=(node.id, *_arrows_out_of(node, drawn)),
            texts={node.id: format_number(row.correct, self.digits)},
            marks=tuple(_arrow_keys(answer.edges, drawn) for answer in row.wrong),
        )


def _constants(drawn: dict[Value, GraphNode]) -> dict[Value, float]:
    """Constants have no gradient asked for; laid out with 0, they show "–"."""
    return {value: 0.0 for value in drawn if value._op is CONSTANT}


def _start_texts(drawn: dict[Value, GraphNode], loss: Value) -> dict[str, str]:
    """Gradient texts before any answer: 1 at the loss, "?" to find, "–" for constants."""
    texts = {node.id: NOT_ASKED if value._op is CONSTANT else UNKNOWN for value, node in drawn.items()}
    texts[drawn[loss].id] = "1"
    return texts


def _arrows_out_of(node: GraphNode, drawn: dict[Value, GraphNode]) -> list[str]:
    """Keys of the arrows from ``node`` into the ops that use it: the paths its gradient comes back on."""
    return list(
        dict.fromkeys(f"{node.id}->{user.op_id}" for user in drawn.values() if node.id in user.input_ids)
    )


def _arrow_keys(edges: Sequence[Edge], drawn: dict[Value, GraphNode]) -> tuple[str, ...]:
    """Keys of the arrows of ``(node, index)`` edges: from the input into the node's op."""
    keys = []
    for value, index in edges:
        node = drawn[value]
        keys.append(f"{node.input_ids[index]}->{node.op_id}")
    return tuple(dict.fromkeys(keys))


def readable_width_px(drawing: ET.Element) -> float:
    """The narrowest the drawing can be shown with its smallest text still ``READABLE_PX`` high.

    Graphviz writes sizes in points (4/3 of a CSS pixel) and font sizes in the same units
    as the drawing's width. A graph too wide for the page is then shown at this width, and
    scrolls sideways inside its frame, rather than shrunk past reading.
    """
    width = length_px(drawing.get("width", ""))
    if width is None:
        raise ValueError(f"the drawing has no width in pt or px: {drawing.get('width')!r}")
    units = float(drawing.get("viewBox", "0 0 1 1").split()[2]) or 1.0
    fonts = [float(text.get("font-size", "14")) for text in drawing.iter("text")] or [14.0]
    smallest_px = min(fonts) * width / units  # at the natural width
    return width * min(1.0, READABLE_PX / smallest_px)


def write_texts(drawing: ET.Element, texts: dict[str, str]) -> None:
    """Write gradient texts into a keyed drawing (the page's script does the same)."""
    for text in drawing.iter("text"):
        key = text.get("data-grad-of")
        if key in texts:
            text.text = text.get("data-prefix", "") + texts[key]


# ----------------------------------------------------------------------------
# The page
# ----------------------------------------------------------------------------

EXERCISE_CSS = """
.cg-exercise { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 100%; }
.cg-exercise .cg-ask[hidden], .cg-exercise .cg-tools[hidden] { display: none; }
.cg-exercise .cg-ask { margin: 4px 0; }
.cg-exercise .cg-question { font-size: 15px; margin: 4px 0; }
.cg-exercise .cg-about { font: 13px ui-monospace, Menlo, Consolas, monospace; color: #444; }
.cg-exercise form { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 4px 0; }
.cg-exercise input.cg-answer { font: 15px ui-monospace, Menlo, Consolas, monospace; width: 11em;
  padding: 2px 4px; }
.cg-exercise button { font-size: 14px; padding: 2px 8px; cursor: pointer; }
.cg-exercise .cg-progress { font-variant-numeric: tabular-nums; color: #555; font-size: 13px; }
.cg-exercise .cg-feedback { font-size: 14px; margin: 4px 0; min-height: 3.2em; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.cg-exercise .cg-feedback.right { color: #1b5e20; }
.cg-exercise .cg-feedback.mistake { color: #b71c1c; }
.cg-exercise .cg-static-note { font-size: 13px; color: #555; margin: 2px 0; }
.cg-exercise .cg-stage { overflow: auto; max-width: 100%; max-height: 80vh; }
.cg-exercise svg { display: block; max-width: 100%; height: auto; }
.cg-exercise g.node.answered polygon.cg-bg { fill: #e8f5e9; }
.cg-exercise g.edge.marked path, .cg-exercise g.weight.marked line {
  stroke: #d50000 !important; stroke-width: 3px; stroke-dasharray: 7 3; }
.cg-exercise g.edge.marked polygon, .cg-exercise g.weight.marked polygon {
  fill: #d50000 !important; stroke: #d50000 !important; }
.cg-exercise g.node.marked circle { stroke: #d50000; stroke-width: 3px; stroke-dasharray: 5 2; }
"""

# The checks are look_up's and read_typed's (autograd.teaching.diagnosis.steps),
# written again in JavaScript; the browser tests compare the two on many inputs.
EXERCISE_JS = "(function (uid, questions, start) {" + STEPPER_JS + """
  var NUMBER = /^[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?$/;
  function readTyped(text) {
    var cleaned = text.trim().replace(/\\u2212/g, "-");
    var x = NUMBER.test(cleaned) ? Number(cleaned) : NaN;
    return isFinite(x) ? x : null;
  }
  function significantDigits(x) {
    var mantissa = String(Math.abs(x)).split("e")[0].replace(".", "").replace(/^0+|0+$/g, "");
    return Math.max(1, mantissa.length);
  }
  function tolerance(x) {
    if (x === 0) return 1e-12;
    var shown = Math.max(3, significantDigits(x));
    var half = 0.5 * Math.pow(10, Math.floor(Math.log10(Math.abs(x))) - shown + 1);
    return Math.max(half * (1 + 1e-9), 1e-6 * Math.abs(x));
  }
  function lookUp(question, x) {
    var allowed = tolerance(x);
    if (Math.abs(question.correct - x) <= allowed) return "right";
    for (var k = 0; k < question.wrong.length; k++) {
      if (Math.abs(question.wrong[k].value - x) <= allowed) return question.wrong[k];
    }
    return null;
  }
  function setUp(root) {
    if (root.getAttribute("data-cg-ready")) return;
    root.setAttribute("data-cg-ready", "1");
    var keyed = root.querySelectorAll("[data-key]"), gradTexts = root.querySelectorAll("text[data-grad-of]");
    var input = root.querySelector("input.cg-answer"), feedback = root.querySelector(".cg-feedback");
    var svg = root.querySelector(".cg-stage svg"), stage = root.querySelector(".cg-stage");
    var fitted = svg.getAttribute("style") || "";
    function keepReadable() {  // shrunk to fit, but never past reading: then it scrolls in its frame
      var readable = +svg.getAttribute("data-readable-width");
      svg.setAttribute("style", fitted);
      if (readable && svg.getBoundingClientRect().width < readable - 0.5) {
        svg.style.width = readable + "px";
        svg.style.maxWidth = "none";
      }
    }
    var state = {at: 0, tried: false, firstTry: 0, shownAnswers: 0, marked: []};
    function paint() {
      var texts = Object.assign({}, start), shown = {}, answered = {}, active = {}, marked = {};
      for (var j = 0; j < state.at; j++) {
        Object.assign(texts, questions[j].texts);
        questions[j].reveal.forEach(function (key) { shown[key] = 1; });
        answered[questions[j].active[0]] = 1;
      }
      var question = questions[state.at];
      if (question) question.active.forEach(function (key) { active[key] = 1; });
      state.marked.forEach(function (key) { marked[key] = 1; });
      keyed.forEach(function (el) {
        var key = el.getAttribute("data-key");
        el.classList.toggle("active", !!active[key]);
        el.classList.toggle("answered", !!answered[key] && !active[key]);
        el.classList.toggle("shown", !!shown[key]);
        el.classList.toggle("marked", !!marked[key]);
      });
      gradTexts.forEach(function (t) {
        var key = t.getAttribute("data-grad-of");
        if (key in texts) t.textContent = t.getAttribute("data-prefix") + texts[key];
      });
      root.querySelector(".cg-progress").textContent =
        Math.min(state.at + 1, questions.length) + " of " + questions.length;
      keepInView(stage, root.querySelector("g.active, circle.active, .active"));
      if (question) {
        root.querySelector(".cg-prompt").textContent = question.prompt + " =";
        root.querySelector(".cg-about").textContent = question.about;
      } else {
        root.querySelector(".cg-ask").hidden = true;
      }
    }
    function say(text, kind) {
      feedback.textContent = text;
      feedback.className = "cg-feedback " + kind;
    }
    function moveOn(text) {
      state.at += 1;
      state.tried = false;
      state.marked = [];
      if (state.at === questions.length) {
        text += "\\n\\nDone: " + state.firstTry + " of " + questions.length + " right at the first try" +
          (state.shownAnswers ? ", " + state.shownAnswers + " shown." : ".");
      }
      paint();
      say(text, "right");
      input.value = "";
      if (state.at < questions.length) input.focus();
    }
    function check() {
      var question = questions[state.at], x = readTyped(input.value);
      if (x === null) { say("Type a number, like -0.25 or 1.5e-3.", "mistake"); return; }
      var found = lookUp(question, x);
      if (found === "right") {
        if (!state.tried) state.firstTry += 1;
        moveOn("Right: " + question.prompt + " = " + question.shown + ".\\n" + question.worked);
        return;
      }
      state.tried = true;
      state.marked = found ? found.marks : [];
      paint();
      if (found) {
        var also = found.also.length ? "\\n(The same number also comes from: " + found.also.join("; ") + ".)"
          : "";
        say("Not quite: " + input.value.trim() + " is what a mistake of kind \\u201c" + found.kind +
            "\\u201d gives, at " + found.where + ".\\n" + found.explanation + also + "\\nTry again.",
            "mistake");
      } else {
        say("Not right, and no known mistake matches " + input.value.trim() + ". " + question.prompt +
            " sums, over the arrows out of the node (highlighted), each local derivative times the " +
            "gradient of the node it leads to. Try again.", "mistake");
      }
    }
    root.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); check(); });
    root.querySelector("button[data-do=show]").addEventListener("click", function () {
      var question = questions[state.at];
      state.shownAnswers += 1;
      moveOn("The answer: " + question.prompt + " = " + question.shown + ".\\n" + question.worked);
    });
    root.querySelector("button[data-do=restart]").addEventListener("click", function () {
      state = {at: 0, tried: false, firstTry: 0, shownAnswers: 0, marked: []};
      root.querySelector(".cg-ask").hidden = false;
      say("", "");
      paint();
    });
    var note = root.querySelector(".cg-static-note");
    if (note) note.remove();
    root.querySelector(".cg-ask").hidden = false;
    root.querySelector(".cg-tools").hidden = false;
    keepReadable();
    window.addEventListener("resize", keepReadable);
    paint();
  }
  startPlayers(uid, ".cg-exercise", setUp);
})
"""


def exercise_html(
    svg: str, questions: Sequence[Question], start: dict[str, str], digits: int, extra_css: str = ""
) -> str:
    """An exercise page's fragment: the drawing (its elements keyed by ``data-key``), the
    questions, the gradient texts shown before any answer (``start``), and the drawing's own styles."""
    data = json.dumps([q.as_dict(digits) for q in questions], ensure_ascii=False, separators=(",", ":"))
    start_data = json.dumps(start, ensure_ascii=False, separators=(",", ":"))
    uid = "cgx" + hashlib.sha1((svg + data).encode()).hexdigest()[:12]
    svg = re.sub(r' id="([^"]*)"', lambda m: f' id="{uid}-{m.group(1)}"', svg)  # unique in a page
    first = questions[0] if questions else None
    return (
        f'<div class="cg-exercise" data-cg-uid="{uid}">'
        f"<style>{EXERCISE_CSS}{extra_css}</style>"
        '<div class="cg-ask" hidden>'
        f'<p class="cg-question">Type each gradient, going backward: '
        f'<span class="cg-progress">1 of {len(questions)}</span></p>'
        f'<p class="cg-about">{html.escape(first.about) if first else ""}</p>'
        '<form><label><span class="cg-prompt"></span> '
        '<input class="cg-answer" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" '
        'aria-label="your answer"></label>'
        '<button type="submit">Check</button>'
        '<button type="button" data-do="show">Show the answer</button></form></div>'
        '<p class="cg-feedback" role="status" aria-live="polite"></p>'
        '<p class="cg-tools" hidden><button type="button" data-do="restart">Start again</button></p>'
        '<p class="cg-static-note">This is an exercise: where the page\'s script runs (a trusted notebook, '
        "a browser), you type each gradient and it is checked.</p>"
        f'<div class="cg-stage">{svg}</div></div>'
        f"<script>{EXERCISE_JS.strip()}({script_safe(json.dumps(uid))}, {script_safe(data)}, "
        f"{script_safe(start_data)});</script>"
    )
