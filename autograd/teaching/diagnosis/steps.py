"""Each node's likely wrong answers, computed ahead: the table an offline exercise page ships.

An exercise asks for the gradients one node at a time, in backward order, and checks
each answer as it is typed. Then, when the learner types node v's gradient, every
gradient above v is already right, so a mistake made at this step is one made on the
way into v: an edge into v, or v's several uses, or the activation right above v.
For each such mistake the replay gives the number the learner would type, and the
table lists them with the right number::

    [{"name": "b", "expression": "(input)", "correct": -0.1387,
      "wrong": [{"value": 0.1387, "kind": "sign", "where": "the edge t4 → b (dt4/db)",
                 "explanation": "A sign went missing..."}, ...]}, ...]

A page needs nothing else to check answers offline, as [look_up][autograd.teaching.diagnosis.steps.look_up]
does in Python: an answer that agrees with ``correct`` to the digits typed is right;
else the first entry of ``wrong`` it agrees with names the mistake; else "no known
mistake matches". (Agreeing to the digits typed: within half a unit of the last digit
typed, and at least 3 significant digits, as
[answers][autograd.teaching.diagnosis.answers] explains.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd.teaching.diagnosis.answers import tolerance
from autograd.teaching.diagnosis.catalog import CATALOG, Misconception
from autograd.teaching.diagnosis.graph import BackwardGraph
from autograd.teaching.diagnosis.places import ONCE, Mistake
from autograd.teaching.diagnosis.replay import walk
from autograd.teaching.diagnosis.report import NO_KNOWN_MISTAKE, _explain
from autograd.teaching.diagnosis.search import edge_mistakes, spanning_mistakes
from autograd.teaching.naming import node_expression
from autograd.value import CONSTANT, Value


@dataclass(frozen=True)
class WrongAnswer:
    """A number a learner would type at one step, and the mistake that gives it."""

    value: float
    kind: str
    where: str
    explanation: str


@dataclass(frozen=True)
class StepRow:
    """One step of the exercise: a node, its right gradient, and the wrong ones to expect."""

    node: Value
    name: str
    expression: str
    correct: float
    wrong: tuple[WrongAnswer, ...]

    def as_dict(self) -> dict[str, Any]:
        """The row as plain data, for JSON (the node itself is left out)."""
        return {
            "name": self.name,
            "expression": self.expression,
            "correct": self.correct,
            "wrong": [vars(answer) for answer in self.wrong],
        }


def step_table(loss: Value, catalog: Sequence[Misconception] = CATALOG) -> list[StepRow]:
    """For every node, in backward order (constants left out): its right gradient and the
    wrong gradients that each misconception, made once on the way into it, would give.

    >>> from autograd import Value
    >>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
    >>> out, b_row, a_row = step_table(a * b)
    >>> b_row.name, b_row.correct
    ('b', 2.0)
    >>> first, second = b_row.wrong[:2]
    >>> (first.kind, first.value), (second.kind, second.value)
    (('sign', -2.0), ('missing_factor', 1.0))
    """
    graph = BackwardGraph(loss)
    correct = walk(graph)
    found: dict[Value, list[WrongAnswer]] = {node: [] for node in graph.order}
    for mistake in _mistakes_made_once(graph, catalog):
        replayed = walk(graph, mistake.changes)
        first = _first_difference(graph, correct, replayed)
        if first is None:
            continue
        number = replayed[first]
        if all(abs(number - seen.value) > 1e-9 * max(1.0, abs(number)) for seen in found[first]):
            where = str(mistake.where) + (f" ({mistake.detail})" if mistake.detail else "")
            found[first].append(WrongAnswer(number, mistake.kind, where, _explain(graph, mistake, {})))
    return [
        StepRow(node, graph.names[node], _expression(node, graph), correct[node], tuple(found[node]))
        for node in reversed(graph.order)
        if node._op is not CONSTANT
    ]


def look_up(row: StepRow, typed: str) -> str:
    """What a page says to an answer typed at one step: ``"right"``, the kind of mistake, or
    ``"no known mistake matches"``. The digits typed set the precision (see module doc)."""
    number = float(typed)
    allowed = tolerance(number, None)
    if abs(row.correct - number) <= allowed:
        return "right"
    for answer in row.wrong:
        if abs(answer.value - number) <= allowed:
            return answer.kind
    return NO_KNOWN_MISTAKE


def _mistakes_made_once(graph: BackwardGraph, catalog: Sequence[Misconception]) -> list[Mistake]:
    once = [mistake for edge in graph.edges() for mistake in edge_mistakes(graph, catalog, edge)]
    return once + [mistake for mistake in spanning_mistakes(graph, catalog) if mistake.where.scope == ONCE]


def _first_difference(
    graph: BackwardGraph, correct: dict[Value, float], replayed: dict[Value, float]
) -> Value | None:
    """The first node, going backward, whose gradient the mistake changes."""
    for node in reversed(graph.order):
        if abs(replayed[node] - correct[node]) > 1e-12 * max(1.0, abs(correct[node])):
            return node
    return None


def _expression(node: Value, graph: BackwardGraph) -> str:
    return node_expression(node, graph.names) if node._children else "(input)"
