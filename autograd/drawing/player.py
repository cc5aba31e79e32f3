"""Replaying a recorded backward pass as SVG frames, with a slider in Jupyter.

Frame 0 is the start (only the output's gradient, 1, is known, and the leaves
show what their ``.grad`` held before, as gradients accumulate); frame k shows
the graph after step k: the node backward is at and the arrows to its inputs
highlighted, and every gradient as it stood at that moment. The player is
self-contained HTML: the frames are inline SVG, a little JavaScript drives the
slider, and where scripts do not run (some notebook viewers) every frame is
shown one below the other instead.
"""

from __future__ import annotations

import hashlib
import html
from typing import Any

from autograd.drawing.draw import draw_graph
from autograd.teaching.naming import format_number, node_expression
from autograd.teaching.record import BackwardRecord
from autograd.value import Value

# Each frame is a full drawing; past this many the player gets heavy to embed.
MAX_FRAMES = 80


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
    """One line saying what happened at a step, with the numbers."""
    names = record.names
    root = names[record.root]
    if steps_done == 0:
        return f"start: d{root}/d{root} = 1"
    step = record.steps[steps_done - 1]
    node = names[step.node]
    upstream = format_number(step.upstream)
    parts = [
        f"d{root}/d{names[c.input]} += {_grouped(c.formula)} × {upstream} = {format_number(c.amount)}"
        for c in step.contributions
    ]
    return (
        f"step {steps_done}/{len(record.steps)}: at {node} = {node_expression(step.node, names)}, "
        f"upstream d{root}/d{node} = {format_number(step.upstream)}; " + "; ".join(parts)
    )


def step_frames(record: BackwardRecord, **draw_options: Any) -> list[str]:
    """SVG text of every frame (see module doc); ``draw_options`` go to :func:`draw_graph`."""
    if len(record.steps) + 1 > MAX_FRAMES:
        raise ValueError(
            f"this backward pass has {len(record.steps)} steps; replaying more than {MAX_FRAMES - 1} "
            "frames is unwieldy: record a smaller graph"
        )
    frames = []
    for done in range(len(record.steps) + 1):
        active = record.steps[done - 1].node if done else None
        graph = draw_graph(record.root, highlight=active, grads=gradients_after(record, done), **draw_options)
        frames.append(graph.pipe(format="svg", encoding="utf-8"))
    return frames


class Player:
    """The frames of a backward pass with a slider; displays itself in Jupyter (``_repr_html_``)."""

    def __init__(self, record: BackwardRecord, **draw_options: Any) -> None:
        self.record = record
        self.frames = step_frames(record, **draw_options)
        self.captions = [caption(record, k) for k in range(len(self.frames))]

    def _repr_html_(self) -> str:
        # a content hash makes the element id unique per player yet stable across runs
        uid = "cg" + hashlib.sha1("".join(self.frames).encode()).hexdigest()[:10]
        frames = "".join(
            f'<div class="{uid}-frame" data-k="{k}"><p><code>{html.escape(text)}</code></p>'
            f"{_strip_xml_header(svg)}</div>"
            for k, (text, svg) in enumerate(zip(self.captions, self.frames))
        )
        last = len(self.frames) - 1
        return (
            f'<div id="{uid}">'
            f'<div class="{uid}-controls" style="display:none">'
            f'<button data-d="-1">&#9664;</button> '
            f'<input type="range" min="0" max="{last}" value="0" style="width:60%"> '
            f'<button data-d="1">&#9654;</button> <span></span></div>{frames}</div>'
            f"<script>(function(){{var r=document.getElementById('{uid}');"
            f"var f=r.querySelectorAll('.{uid}-frame'),c=r.querySelector('.{uid}-controls'),"
            "s=c.querySelector('input'),l=c.querySelector('span');"
            "function show(k){k=Math.max(0,Math.min(f.length-1,k));s.value=k;"
            "f.forEach(function(e,i){e.style.display=i==k?'':'none';});"
            "l.textContent='frame '+k+' of '+(f.length-1);}"
            "c.style.display='';s.oninput=function(){show(+s.value);};"
            "c.querySelectorAll('button').forEach(function(b){b.onclick=function(){"
            "show(+s.value + +b.dataset.d);};});show(0);})();</script>"
        )

    def __repr__(self) -> str:
        return f"<Player: {len(self.frames)} frames of backward from {self.record.names[self.record.root]}>"


def _grouped(formula: str) -> str:
    """Parenthesise a formula with spaces, so that "1 - t**2 × g" cannot be misread."""
    return f"({formula})" if " " in formula else formula


def _strip_xml_header(svg: str) -> str:
    """Inline SVG must not carry the XML declaration and DOCTYPE that a standalone file has."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
