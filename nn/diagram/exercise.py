"""Backprop through a network as an exercise: [NetworkExercise][nn.diagram.exercise.NetworkExercise].

The learner types what a [NetworkReplay][nn.diagram.replay.NetworkReplay] shows, in
the same order: from the last layer to the first, each neuron's δ = ∂C/∂z, then the
gradient of each weight into it. Each answer is checked in the page, offline, by the
page of [autograd.drawing.exercise][]: right, a known mistake named (with the arrow or
neuron where it was made drawn in red), or "no known mistake matches".

The expected wrong answers come from
[step_table][autograd.teaching.diagnosis.steps.step_table] over the loss's graph, asked
in the replay's order; a mistake made between two asked numbers (at an activation's
slope, say) shows at the next one asked.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from autograd import Value
from autograd.drawing.exercise import ExercisePage, Question
from autograd.teaching.diagnosis.catalog import KINDS
from autograd.teaching.diagnosis.graph import Edge
from autograd.teaching.diagnosis.steps import MAX_NODES, WrongAnswer, step_table
from nn.diagram.replay import REPLAY_CSS

if TYPE_CHECKING:
    from nn.diagram.replay import NetworkReplay

__all__ = ["NetworkExercise"]


class NetworkExercise(ExercisePage):
    """A network replay's δs and weight gradients, asked one at a time and checked in the page.

    Made by [NetworkReplay.exercise][nn.diagram.replay.NetworkReplay.exercise];
    shows itself in Jupyter, and ``save("exercise.html")`` writes one offline page. A
    loss whose graph has more than ``max_nodes`` nodes (default 1,000: a model of about
    500 parameters) is refused at once, as its table would take long to build.

    Attributes:
        questions: one [Question][autograd.drawing.exercise.Question] per frame of the
            replay after the first (its δ or weight gradient), in the replay's order.
        svg: the network's diagram, with no δ or weight gradient shown.

    >>> from nn import MLP, NetworkReplay
    >>> exercise = NetworkReplay(MLP(2, [1], seed=0), [1.0, 2.0], target=[0.0]).exercise()
    >>> print(", ".join(q.prompt for q in exercise.questions))
    δ(y1), ∂C/∂w (x1 → y1), ∂C/∂w (x2 → y1)
    """

    def __init__(self, replay: NetworkReplay, max_nodes: int | None = MAX_NODES) -> None:
        self.replay = replay
        frames = replay.frames[1:]
        asked = [frame.asks for frame in frames if frame.asks is not None]
        places = _places(replay)
        self.questions = []
        for row, frame in zip(step_table(replay.loss, asked=asked, max_nodes=max_nodes), frames):
            marks = [_marked_keys(answer.edges, places) for answer in row.wrong]
            wrong = [_in_network_words(answer, keys, replay) for answer, keys in zip(row.wrong, marks)]
            question = Question(
                row=replace(row, wrong=tuple(wrong)),
                prompt=frame.prompt,
                about=frame.question,
                active=frame.active,
                reveal=frame.reveal,
                marks=tuple(marks),
                worked=frame.caption,
            )
            self.questions.append(question)
        self.svg = replay.svg.replace('class="cg-network"', 'class="cg-network cg-network-replay"', 1)
        self.digits, self.start, self.extra_css = replay.digits, {}, REPLAY_CSS
        self.title = f"backprop through a network {' → '.join(replay._sizes())}"


def _in_network_words(answer: WrongAnswer, keys: tuple[str, ...], replay: NetworkReplay) -> WrongAnswer:
    """The wrong answer told with the diagram's names (``the weight x1 → h1``), not the graph's
    (``the edge t9 → layers.0.neurons.0.w.0``), and the catalog's explanation of its kind; the
    other mistakes giving the same number, by kind only (their places are the graph's)."""
    entry = KINDS.get(answer.kind)
    where = " and ".join(_key_words(key, replay) for key in keys)
    explanation = entry.explanation if entry else answer.explanation
    also = tuple(dict.fromkeys((kind, "") for kind, _ in answer.also if kind != answer.kind))
    return replace(answer, where=where, explanation=explanation, also=also)


def _key_words(key: str, replay: NetworkReplay) -> str:
    """``w2.0.1`` → ``the weight h2 → y1``; ``n1.2`` → ``neuron h3``; ``loss`` → ``the loss``."""
    if key.startswith("w"):
        column, j, i = (int(part) for part in key[1:].split("."))
        return f"the weight {replay.name(column - 1, i)} → {replay.name(column, j)}"
    if key.startswith("n"):
        column, j = (int(part) for part in key[1:].split("."))
        return f"neuron {replay.name(column, j)}"
    return "the loss"


def _places(replay: NetworkReplay) -> dict[Value, tuple[str, int, int]]:
    """Where each node of a neuron is drawn, by (kind, column, neuron): its dot, and the
    neuron's circle for its sum z and every node of its activation a = f(z)."""
    places: dict[Value, tuple[str, int, int]] = {}
    for layer, (zs, activations) in enumerate(zip(replay.trace.z, replay.trace.a)):
        for j, (z, a) in enumerate(zip(zs, activations)):
            for node in (z, *_activation_nodes(a, z)):
                places[node] = ("neuron", layer + 1, j)
            places[z.children[0]] = ("dot", layer + 1, j)  # z = dot(w, x) + b
    return places


def _activation_nodes(a: Value, z: Value) -> list[Value]:
    """The nodes that compute a = f(z) from z: a itself and, for f(z) = sigmoid(z + 1), the z + 1."""
    found: list[Value] = []
    stack = [a]
    while stack:
        node = stack.pop()
        if node is z or node in found or not node.children:
            continue
        found.append(node)
        stack.extend(node.children)
    return found


def _marked_keys(edges: tuple[Edge, ...], places: dict[Value, tuple[str, int, int]]) -> tuple[str, ...]:
    """The diagram's keys for a mistake's edges: a dot's edge is the arrow of its weight and input;
    a neuron's own edges (its sum, its activation) are the neuron; the loss's, the loss."""
    keys = []
    for node, index in edges:
        kind, column, j = places.get(node, ("loss", 0, 0))
        if kind == "dot":
            keys.append(f"w{column}.{j}.{index % (len(node.children) // 2)}")
        elif kind == "neuron":
            keys.append(f"n{column}.{j}")
        else:
            keys.append("loss")
    return tuple(dict.fromkeys(keys))
