"""Backprop replayed on a network's diagram, layer by layer: [NetworkReplay][nn.diagram.replay.NetworkReplay].

The textbook's backward pass for a network of neurons ``z_j = Σ_i w_ji a_i + b_j``,
``a_j = f(z_j)``, with a loss C of the last activations:

* the output layer's deltas: ``δ_j = ∂C/∂z_j = ∂C/∂a_j · f'(z_j)``;
* a hidden layer's, from the layer after it: ``δ_j = f'(z_j) · Σ_k w_kj δ_k``;
* every weight's gradient: ``∂C/∂w_ji = δ_j · a_i`` (``a_i`` the input it reads),
  and every bias's: ``∂C/∂b_j = δ_j``.

The replay draws the network once, with every number of the pass on it, and
then shows them in the order backward finds them: frame 0 is the forward pass
and the loss; then, from the last layer to the first, one frame per neuron
(its δ appears, and the caption writes out the product or sum that gives it)
and one frame per weight (its ∇ appears, and the caption writes ``δ · a`` with
the numbers). The figures are autograd's own (``autograd.gradients`` of the
loss, which leaves every ``.grad`` alone); the captions show that the textbook
formulas give them.

``NetworkReplay(...)`` shows itself in Jupyter with buttons and a slider, as
[Player][autograd.drawing.player.Player] does for a computation graph, and
``save("backprop.html")`` writes it as one self-contained, offline HTML file.
Nothing moves from frame to frame: the drawing is laid out once, and a frame
only shows texts and changes colours.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd import Value, gradients, sum_values
from autograd.drawing.player import STEPPER_JS, script_safe, standalone_page, step_buttons
from autograd.engine import topological_order
from nn._checks import finite_number, sequence
from nn.diagram.draw import check_digits, checked_names
from nn.diagram.network import (
    NetworkNumbers,
    NetworkStyle,
    input_names,
    neuron_name,
    number_text,
    render_network,
    shown_indices,
)
from nn.diagram.numbers import check_output, layers_of, trace_forward

__all__ = ["NetworkReplay", "ReplayFrame"]

MAX_TERMS = 4
"""A hidden neuron's sum ``Σ_k w_kj δ_k`` is written out up to this many terms, then "+ … (N more)"."""


@dataclass(frozen=True)
class ReplayFrame:
    """What one frame shows: the keys it highlights, the texts it reveals, and its caption.

    Keys are the diagram's ``data-key``\\ s: ``n2.0`` (neuron 0 of layer 2; column 0
    holds the inputs), ``w2.0.3`` (the weight into it from input 3), ``loss``;
    revealed texts are ``delta-n2.0`` and ``grad-w2.0.3``. Revealing is cumulative:
    frame k shows what frames 0..k revealed.
    """

    active: tuple[str, ...]
    reveal: tuple[str, ...]
    caption: str
    asks: Value | None = None  # the Value whose gradient this frame finds (None at the start)
    question: str = ""  # what an exercise asks at this frame, without the answer
    prompt: str = ""  # the same, short, before the answer box: δ(h1.1), ∂C/∂w (x1 → h1.1)


class NetworkReplay:
    """Backprop on a network's diagram, one neuron's δ and one weight's gradient at a time.

    Args:
        model: an [MLP][nn.layers.MLP], [Layer][nn.layers.Layer] or [Neuron][nn.layers.Neuron].
        inputs: the one input of the pass (``nin`` numbers).
        target: the target outputs t, for the homework's loss ``C = ½ Σ_k (y_k − t_k)²``; or
        loss: any function of the list of outputs returning the loss Value (give one of the two).
        output: ``"softmax"`` puts a softmax between the last layer and the loss.
        digits: significant digits of the numbers (1 to 17).
        input_names: names of the inputs, as for [draw_network][nn.diagram.draw.draw_network].
        symbols: the letter of each layer's input ``z``, as for ``draw_network``.

    Attributes:
        loss: the loss Value of the pass (its graph is the replay's own; no ``.grad`` is touched).
        frames: a [ReplayFrame][nn.diagram.replay.ReplayFrame] per frame; frame 0 is the forward pass.
        svg: the drawing, with every number of the pass on it (the last frame).

    >>> from nn import MLP
    >>> replay = NetworkReplay(MLP(2, [2, 1], seed=0), [1.0, -1.0], target=[0.5])
    >>> len(replay.frames)  # the start, 3 deltas, 2*2 + 2*1 weights
    10
    """

    def __init__(
        self,
        model: Any,
        inputs: Any,
        *,
        target: Any = None,
        loss: Callable[[list[Value]], Value] | None = None,
        output: str | None = None,
        digits: int = 4,
        input_names: Sequence[str] | None = None,
        symbols: Sequence[str] | None = None,
    ) -> None:
        self.layers = layers_of(model)
        output = check_output(output)
        self.digits = check_digits(digits)
        self.trace = trace_forward(self.layers, inputs, output)
        self.loss, loss_notes = _loss_of(self.trace.outputs, target, loss)
        self.style = NetworkStyle(
            digits=digits,
            output=output,
            input_names=checked_names(input_names, "input_names"),
            symbols=checked_names(symbols, "symbols"),
            reveal=True,
        )
        self._grads = self._backward()
        numbers = NetworkNumbers(
            inputs=[v.data for v in self.trace.inputs],
            z=self.trace.numbers(self.trace.z),
            a=self.trace.numbers(self.trace.a),
            outputs=[v.data for v in self.trace.outputs] if output else None,
            deltas=[[self._grads[z] for z in layer] for layer in self.trace.z],
            weight_grads=[[[self._grads[w] for w in n.w] for n in layer.neurons] for layer in self.layers],
            loss=self.loss.data,
            loss_notes=loss_notes,
            loss_reads=_outputs_read(self.loss, self.trace.outputs),
        )
        self.svg = render_network(self.layers, numbers, self.style).svg
        self.frames = self._frames()

    # -- the numbers ---------------------------------------------------------------

    def _backward(self) -> dict[Value, float]:
        """∂C/∂(every z, every a, every weight and bias), from autograd, leaving ``.grad`` alone."""
        wanted: list[Value] = [v for layer in self.trace.z + self.trace.a for v in layer]
        wanted += [p for layer in self.layers for p in layer.parameters()]
        return dict(zip(wanted, gradients(self.loss, wanted)))

    def slope(self, layer: int, j: int) -> float:
        """f'(z) of neuron j of ``layer`` at this pass (whatever f is: autograd differentiates it)."""
        (value,) = gradients(self.trace.a[layer][j], [self.trace.z[layer][j]])
        return float(value)

    def delta(self, layer: int, j: int) -> float:
        """δ = ∂C/∂z of neuron j of ``layer`` (layers from 0)."""
        return self._grads[self.trace.z[layer][j]]

    def weight_grad(self, layer: int, j: int, i: int) -> float:
        return self._grads[self.layers[layer].neurons[j].w[i]]

    # -- the frames ----------------------------------------------------------------

    def name(self, column: int, index: int) -> str:
        """What the diagram calls input ``index`` (column 0) or neuron ``index`` of layer ``column``."""
        if column == 0:
            return input_names(self.style, self.layers[0].nin)[index]
        return neuron_name(column, index, len(self.layers))

    def number(self, x: float) -> str:
        return number_text(x, self.digits)

    def _frames(self) -> list[ReplayFrame]:
        start = (
            f"forward pass done: C = {self.number(self.loss.data)}. Backward starts at the loss, "
            f"∂C/∂C = 1, and goes back one layer at a time."
        )
        frames = [ReplayFrame(("loss",), (), start)]
        for column in range(len(self.layers), 0, -1):
            drawn = [j for j in shown_indices(self.layers[column - 1].nout) if j is not None]
            for j in drawn:
                frames.append(self._delta_frame(column, j))
            sources = [i for i in shown_indices(self.layers[column - 1].nin) if i is not None]
            for j in drawn:
                for i in sources:
                    frames.append(self._weight_frame(column, j, i))
        return frames

    def _delta_frame(self, column: int, j: int) -> ReplayFrame:
        """δ of neuron j of layer ``column``: from the loss (last layer), or from the layer after it."""
        layer, n = column - 1, self.number
        name, slope, delta = self.name(column, j), self.slope(column - 1, j), self.delta(column - 1, j)
        key = f"n{column}.{j}"
        if column == len(self.layers):
            upstream = self._grads[self.trace.a[layer][j]]
            through = " (through the softmax)" if self.style.output else ""
            caption = (
                f"output neuron {name}: δ = ∂C/∂z = ∂C/∂a{through} × f′(z) = {n(upstream)} × {n(slope)} "
                f"= {n(delta)}; and ∂C/∂b = δ"
            )
            question = f"output neuron {name}: δ = ∂C/∂z = ∂C/∂a{through} × f′(z)"
            z = self.trace.z[layer][j]
            return ReplayFrame((key, "loss"), (f"delta-{key}",), caption, z, question, f"δ({name})")
        after = self.layers[column]
        terms = [f"{n(k.w[j].data)} × {n(self.delta(column, m))}" for m, k in enumerate(after.neurons)]
        shown = " + ".join(terms[:MAX_TERMS]) + (
            f" + … ({len(terms) - MAX_TERMS} more)" if len(terms) > MAX_TERMS else ""
        )
        caption = (
            f"hidden neuron {name}: δ = f′(z) × Σ_k w_k·δ_k (over the next layer) = {n(slope)} × ({shown}) "
            f"= {n(delta)}; and ∂C/∂b = δ"
        )
        drawn_next = [m for m in shown_indices(after.nout) if m is not None]
        active = (
            key,
            *(f"w{column + 1}.{m}.{j}" for m in drawn_next),
            *(f"n{column + 1}.{m}" for m in drawn_next),
        )
        question = f"hidden neuron {name}: δ = ∂C/∂z = f′(z) × Σ_k w_k·δ_k (over the next layer)"
        return ReplayFrame(active, (f"delta-{key}",), caption, self.trace.z[layer][j], question, f"δ({name})")

    def _weight_frame(self, column: int, j: int, i: int) -> ReplayFrame:
        """The gradient of the weight from input i into neuron j of layer ``column``: δ_j × a_i."""
        n, layer = self.number, column - 1
        source = self.trace.inputs[i] if column == 1 else self.trace.a[layer - 1][i]
        target, name = self.name(column, j), self.name(column - 1, i)
        reads = (
            name if column == 1 else f"a({name})"
        )  # what the weight multiplies: an input, or an activation
        caption = (
            f"weight {name} → {target}: ∂C/∂w = δ({target}) × {reads} = {n(self.delta(layer, j))} × "
            f"{n(source.data)} = {n(self.weight_grad(layer, j, i))}"
        )
        key = f"w{column}.{j}.{i}"
        question = f"weight {name} → {target}: ∂C/∂w = δ({target}) × {reads}"
        weight = self.layers[layer].neurons[j].w[i]
        active = (key, f"n{column}.{j}", f"n{column - 1}.{i}")
        prompt = f"∂C/∂w ({name} → {target})"
        return ReplayFrame(active, (f"grad-{key}",), caption, weight, question, prompt)

    # -- showing it ----------------------------------------------------------------

    def _repr_html_(self) -> str:
        return self.html()

    def html(self) -> str:
        """The replay as an HTML fragment (what Jupyter shows): markup, styles and script."""
        data = json.dumps(
            [{"active": list(f.active), "reveal": list(f.reveal), "caption": f.caption} for f in self.frames],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        uid = "cgn" + hashlib.sha1((self.svg + data).encode()).hexdigest()[:12]
        last = len(self.frames) - 1
        svg = self.svg.replace('class="cg-network"', 'class="cg-network cg-network-replay"', 1)
        return (
            f'<div class="cg-player cg-network-player" data-cg-uid="{uid}" tabindex="0">'
            f"<style>{REPLAY_CSS}</style>"
            f'<div class="cg-controls" hidden>{step_buttons(last, full_size=False)}</div>'
            f'<p class="cg-caption">{html.escape(self.frames[last].caption)}</p>'
            '<p class="cg-static-note">Every number of the pass is shown. Where the page\'s script runs '
            "(a trusted notebook, a browser), buttons step through backward.</p>"
            f'<div class="cg-stage">{svg}</div></div>'
            f"<script>{REPLAY_JS.strip()}({script_safe(json.dumps(uid))}, {script_safe(data)});</script>"
        )

    def exercise(self, max_nodes: int | None = 1000) -> Any:
        """The same pass as an exercise: the learner types each δ and weight gradient, in this
        order, and the page checks each (a [NetworkExercise][nn.diagram.exercise.NetworkExercise],
        refused at once when the loss's graph has more than ``max_nodes`` nodes)."""
        from nn.diagram.exercise import NetworkExercise  # it builds on this module

        return NetworkExercise(self, max_nodes)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the replay as one HTML file that works offline in any browser; returns its path."""
        path = Path(path)
        title = html.escape(f"backprop through a network {' → '.join(self._sizes())}")
        path.write_text(standalone_page(title, self.html()), encoding="utf-8")
        return path

    def _sizes(self) -> list[str]:
        return [str(self.layers[0].nin), *(str(layer.nout) for layer in self.layers)]

    def __repr__(self) -> str:
        return f"<NetworkReplay: {len(self.frames)} frames of backprop through {' → '.join(self._sizes())}>"


def _outputs_read(loss: Value, outputs: list[Value]) -> tuple[int, ...]:
    """The numbers of the outputs that ``loss`` was computed from (a loss may use only some)."""
    used = set(topological_order(loss))
    return tuple(k for k, output in enumerate(outputs) if output in used)


def _loss_of(
    outputs: list[Value], target: Any, loss: Callable[[list[Value]], Value] | None
) -> tuple[Value, tuple[str, ...]]:
    """The loss of the pass, and what the diagram writes under it: its formula and the targets."""
    if (target is None) == (loss is None):
        raise TypeError("give the replay a target (for C = ½ Σ (y − t)²) or a loss function, and not both")
    if loss is not None:
        if not callable(loss):
            raise TypeError(f"loss must be a function of the list of outputs, got {type(loss).__name__}")
        value = loss(list(outputs))
        if not isinstance(value, Value):
            raise TypeError(f"loss must return a Value (the loss), got {type(value).__name__}")
        return value, ()
    targets = [target] if len(outputs) == 1 and not isinstance(target, (list, tuple)) else target
    targets = sequence(targets, "target")
    if len(targets) != len(outputs):
        raise ValueError(f"target must have {len(outputs)} entries (one per output), got {len(targets)}")
    numbers = [finite_number(t, f"target[{k}]") for k, t in enumerate(targets)]
    squares = [(y - t) ** 2 for y, t in zip(outputs, numbers)]
    total = squares[0] if len(squares) == 1 else sum_values(squares)
    formula = "= ½ Σ (y − t)²" if len(numbers) > 1 else "= ½ (y − t)²"
    return total / 2, (formula, "t = " + ", ".join(number_text(t, 4) for t in numbers))


# ----------------------------------------------------------------------------
# The page: the same controls as the computation graph's Player
# ----------------------------------------------------------------------------

REPLAY_CSS = """
.cg-network-player { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 100%; }
.cg-network-player .cg-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 6px;
  margin: 4px 0; }
.cg-network-player .cg-controls[hidden] { display: none; }
.cg-network-player button { font-size: 14px; min-width: 2.2em; padding: 2px 8px; cursor: pointer; }
.cg-network-player .cg-slider { flex: 1 1 160px; min-width: 100px; }
.cg-network-player .cg-position { font-variant-numeric: tabular-nums; min-width: 7em; }
.cg-network-player .cg-caption { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; box-sizing: border-box; }
.cg-network-player .cg-static-note { font-size: 13px; color: #555; margin: 2px 0; }
.cg-network-player .cg-stage { overflow: auto; max-width: 100%; }
.cg-network-player svg { display: block; max-width: 100%; height: auto; }
.cg-network-replay .delta:not(.shown), .cg-network-replay .weight-grad:not(.shown) { visibility: hidden; }
.cg-network-replay text.changed { fill: #e65100; }
.cg-network-replay g.node.active circle { fill: #ffd54f; stroke: #e65100; }
.cg-network-replay g.weight.active line { stroke: #e65100; }
.cg-network-replay g.weight.active polygon { fill: #e65100; }
.cg-network-replay g.loss.active rect { fill: #ffd54f; }
"""

# Runs once per display, as the Player's script does: it finds its player (the
# element just before it, or by uid where a notebook runs scripts elsewhere),
# then shows frame 0. Texts go in with textContent, never innerHTML.
REPLAY_JS = "(function (uid, frames) {" + STEPPER_JS + """
  function setUp(root) {
    if (root.getAttribute("data-cg-ready")) return;
    root.setAttribute("data-cg-ready", "1");
    var last = frames.length - 1, current = 0, keyed = root.querySelectorAll("[data-key]");
    var slider = root.querySelector(".cg-slider");
    var position = root.querySelector(".cg-position"), caption = root.querySelector(".cg-caption");
    function show(k) {
      current = k = Math.max(0, Math.min(last, k));
      var shown = {}, active = {}, fresh = {};
      for (var j = 0; j <= k; j++) frames[j].reveal.forEach(function (key) { shown[key] = 1; });
      frames[k].active.forEach(function (key) { active[key] = 1; });
      frames[k].reveal.forEach(function (key) { fresh[key] = 1; });
      keyed.forEach(function (el) {
        var key = el.getAttribute("data-key");
        el.classList.toggle("active", !!active[key]);
        el.classList.toggle("shown", !!shown[key]);
        el.classList.toggle("changed", !!fresh[key]);
      });
      slider.value = k;
      position.textContent = k === 0 ? "start (0 of " + last + ")" : "step " + k + " of " + last;
      caption.textContent = frames[k].caption;
      root.querySelectorAll("button[data-go]").forEach(function (b) {
        var go = b.getAttribute("data-go");
        var back = go === "first" || go === "prev", forward = go === "next" || go === "last";
        b.disabled = (back && k === 0) || (forward && k === last);
      });
    }
    stepperControls(root, frames, show, function () { return current; });
  }
  startPlayers(uid, ".cg-network-player", setUp);
})
"""
