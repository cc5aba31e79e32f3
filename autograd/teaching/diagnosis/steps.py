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

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd import engine
from autograd.teaching.diagnosis.answers import tolerance
from autograd.teaching.diagnosis.catalog import CATALOG, Misconception
from autograd.teaching.diagnosis.graph import BackwardGraph, Edge
from autograd.teaching.diagnosis.places import ONCE, Mistake
from autograd.teaching.diagnosis.replay import walk
from autograd.teaching.diagnosis.report import NO_KNOWN_MISTAKE, _explain
from autograd.teaching.diagnosis.search import edge_mistakes, spanning_mistakes
from autograd.teaching.naming import format_number, local_formula, node_expression
from autograd.value import CONSTANT, Value


@dataclass(frozen=True)
class WrongAnswer:
    """A number a learner would type at one step, and the mistake that gives it.

    ``edges`` are the edges whose local derivative the mistake gets wrong (``(node, index)``,
    as in [graph][autograd.teaching.diagnosis.graph]), for a page to mark them. ``also``
    names other mistakes that give the very same number, as ``(kind, where)``: the number
    alone cannot tell them apart.
    """

    value: float
    kind: str
    where: str
    explanation: str
    edges: tuple[Edge, ...] = field(default=(), repr=False)
    also: tuple[tuple[str, str], ...] = ()
    detail: str = ""  # which version of the mistake: "×2" for a constant factor

    @property
    def place(self) -> str:
        """Where, with the version of the mistake: ``the edge t1 → t0 (dt1/dt0) (×0.5)``."""
        return self.where + (f" ({self.detail})" if self.detail else "")

    def as_dict(self) -> dict[str, Any]:
        """The answer as plain data, for JSON (the edges, which hold Values, are left out)."""
        return {
            "value": self.value,
            "kind": self.kind,
            "where": self.place,
            "explanation": self.explanation,
            "also": [f"{kind} at {where}" if where else kind for kind, where in self.also],
        }


@dataclass(frozen=True)
class StepRow:
    """One step of the exercise: a node, its right gradient, and the wrong ones to expect.

    ``worked`` is the chain rule at this node with the numbers, for a page to show once
    the step is done: ``dL/db = ∂t4/∂b × dL/dt4 = 1 × (-0.1387) = -0.1387``.
    """

    node: Value
    name: str
    expression: str
    correct: float
    wrong: tuple[WrongAnswer, ...]
    worked: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The row as plain data, for JSON (the node itself is left out)."""
        return {
            "name": self.name,
            "expression": self.expression,
            "correct": self.correct,
            "wrong": [answer.as_dict() for answer in self.wrong],
            "worked": self.worked,
        }


MAX_NODES = 1000
"""The largest graph ``step_table`` builds a table for by default: the table takes about
(edges × nodes) steps, a second or more past this size."""


class TooLargeForExerciseError(ValueError):
    """The graph is larger than ``max_nodes`` allows for an exercise's table."""


def step_table(
    loss: Value,
    catalog: Sequence[Misconception] = CATALOG,
    asked: Sequence[Value] | None = None,
    max_nodes: int | None = MAX_NODES,
) -> list[StepRow]:
    """The steps of an exercise: for every node asked, its right gradient and the wrong
    gradients that each misconception, made once on the way into it, would give.

    Args:
        loss: the output whose gradients are asked for.
        catalog: the misconceptions to expect.
        asked: the nodes asked for, in the order they are asked (each after every node
            it feeds, as backward goes); by default every node but the constants, in
            backward order. A mistake shows at the first node asked whose gradient it changes.
        max_nodes: the largest graph to build the table for (None: any size); a larger one
            raises [TooLargeForExerciseError][autograd.teaching.diagnosis.steps.TooLargeForExerciseError]
            (a ValueError) at once.

    >>> from autograd import Value
    >>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
    >>> out, b_row, a_row = step_table(a * b)
    >>> b_row.name, b_row.correct
    ('b', 2.0)
    >>> first, second = b_row.wrong[:2]
    >>> (first.kind, first.value), (second.kind, second.value)
    (('sign', -2.0), ('missing_factor', 1.0))
    >>> b_row.worked
    'dt0/db = ∂t0/∂b × dt0/dt0 = 2 × 1 = 2, where ∂t0/∂b = a'
    """
    size = len(engine.checked_order(loss))  # one linear walk, before anything slower
    if max_nodes is not None and size > max_nodes:
        raise TooLargeForExerciseError(
            f"the graph has {size} nodes, more than max_nodes={max_nodes}: its exercise would "
            f"ask for that many gradients, and its table of likely mistakes takes seconds to minutes. "
            f"Use a smaller graph, or pass max_nodes=None to build it anyway"
        )
    graph = BackwardGraph(loss)
    nodes = _asked_nodes(graph, asked)
    correct = walk(graph)
    found: dict[Value, list[tuple[float, Mistake]]] = {node: [] for node in nodes}
    for mistake in _mistakes_made_once(graph, catalog):
        replayed = walk(graph, mistake.changes)
        first = _first_difference(nodes, correct, replayed)
        if first is not None:
            found[first].append((replayed[first], mistake))
    return [
        StepRow(
            node,
            graph.names[node],
            _expression(node, graph),
            correct[node],
            _wrong_answers(graph, node, found[node]),
            worked_text(graph, node, correct),
        )
        for node in nodes
    ]


# When several mistakes give one number, the page names the likeliest: one made on an
# edge right at the node asked for, then by kind, a constant factor last (any wrong
# number is some factor times the right one).
_KIND_ORDER = ("sign", "missing_factor", "derivative_at_output", "missing_path", "wrong_weight")


def _wrong_answers(
    graph: BackwardGraph, node: Value, made: list[tuple[float, Mistake]]
) -> tuple[WrongAnswer, ...]:
    """One WrongAnswer per distinct number, named after the likeliest mistake that gives it."""

    def likeliness(entry: tuple[float, Mistake]) -> tuple[int, int]:
        mistake = entry[1]
        at_node = any(graph.child(edge) is node for edge in mistake.changes)
        kind = _KIND_ORDER.index(mistake.kind) if mistake.kind in _KIND_ORDER else len(_KIND_ORDER)
        return (0 if at_node else 1, kind)

    groups: list[list[tuple[float, Mistake]]] = []
    for entry in sorted(made, key=likeliness):  # sorted is stable: ties keep the graph's order
        group = next((g for g in groups if _same_number(g[0][0], entry[0])), None)
        if group is None:
            groups.append([entry])
        else:
            group.append(entry)
    return tuple(_wrong_answer(graph, group) for group in groups)


def _wrong_answer(graph: BackwardGraph, group: list[tuple[float, Mistake]]) -> WrongAnswer:
    (number, mistake), others = group[0], group[1:]
    also = tuple(dict.fromkeys((other.kind, _place(other)) for _, other in others))
    explanation = _explain(graph, mistake, {})
    return WrongAnswer(
        number, mistake.kind, str(mistake.where), explanation, tuple(mistake.changes), also, mistake.detail
    )


def _place(mistake: Mistake) -> str:
    return str(mistake.where) + (f" ({mistake.detail})" if mistake.detail else "")


def _same_number(a: float, b: float) -> bool:
    """Equal but for rounding, at any size (gradients of 1e-13 are numbers too)."""
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def worked_text(graph: BackwardGraph, node: Value, correct: dict[Value, float]) -> str:
    """The chain rule at ``node``, with the numbers: over every use of ``node``, the local
    derivative (written ∂) times the gradient of the node that uses it (written d), summed
    (a node used twice has two terms).

    ``dL/dx = ∂t1/∂x × dL/dt1 + ∂t2/∂x × dL/dt2 = 2 × 0.5 + (-1) × 0.25 = 0.75, where ∂t1/∂x = y``.
    """
    root, name = graph.names[graph.root], graph.names[node]
    if node is graph.root:
        return f"d{root}/d{root} = 1: backward starts here"
    symbols, numbers, formulas = [], [], []
    for user, index in graph.uses[node]:
        local = format_number(graph.local_of((user, index)))
        derivative = f"∂{graph.names[user]}/∂{name}"  # local: ∂, beside the total d
        symbols.append(f"{derivative} × d{root}/d{graph.names[user]}")
        numbers.append(f"{_signed(local)} × {_signed(format_number(correct[user]))}")
        formula = local_formula(user, index, graph.names)
        if formula != local:
            formulas.append(f"{derivative} = {formula}")
    where = f", where {'; '.join(formulas)}" if formulas else ""
    return (
        f"d{root}/d{name} = {' + '.join(symbols)} = {' + '.join(numbers)} = {format_number(correct[node])}"
        + where
    )


def _signed(number: str) -> str:
    """A negative factor in brackets: ``2 × (-0.5)``, not ``2 × -0.5``."""
    return f"({number})" if number.startswith("-") else number


def read_typed(text: str) -> float:
    """The number a learner typed, as a page reads it: a decimal like ``-0.25`` or ``1.5e-3``,
    with spaces around it and a typographic minus (−) allowed; anything else (and a number too
    large for a float) is a ValueError."""
    cleaned = text.strip().replace("\u2212", "-")
    number = float(cleaned) if TYPED_NUMBER.fullmatch(cleaned) else math.nan
    if not math.isfinite(number):  # 1e400 is a decimal, but no gradient of a finite graph
        raise ValueError(f"not a number: {text!r} (type a number like -0.25 or 1.5e-3)")
    return number


TYPED_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
"""What a page accepts as a typed number (its script uses the same pattern)."""


def look_up(row: StepRow, typed: str) -> str:
    """What a page says to an answer typed at one step: ``"right"``, the kind of mistake, or
    ``"no known mistake matches"``. The digits typed set the precision (see module doc)."""
    number = read_typed(typed)
    allowed = tolerance(number, None)
    if abs(row.correct - number) <= allowed:
        return "right"
    for answer in row.wrong:
        if abs(answer.value - number) <= allowed:
            return answer.kind
    return NO_KNOWN_MISTAKE


def _asked_nodes(graph: BackwardGraph, asked: Sequence[Value] | None) -> list[Value]:
    if asked is None:
        return [node for node in reversed(graph.order) if node._op is not CONSTANT]
    in_graph = set(graph.order)
    nodes = list(asked)
    for node in nodes:
        if node not in in_graph:
            raise ValueError(f"asked for {node!r}, which is not in the graph of the loss")
    if len(set(nodes)) != len(nodes):
        raise ValueError("asked names a node twice; each node is asked for once")
    return nodes


def _mistakes_made_once(graph: BackwardGraph, catalog: Sequence[Misconception]) -> list[Mistake]:
    once = [mistake for edge in graph.edges() for mistake in edge_mistakes(graph, catalog, edge)]
    return once + [mistake for mistake in spanning_mistakes(graph, catalog) if mistake.where.scope == ONCE]


def _first_difference(
    nodes: list[Value], correct: dict[Value, float], replayed: dict[Value, float]
) -> Value | None:
    """The first node asked whose gradient the mistake changes (by more than rounding)."""
    for node in nodes:
        if not _same_number(replayed[node], correct[node]):
            return node
    return None


def _expression(node: Value, graph: BackwardGraph) -> str:
    return node_expression(node, graph.names) if node._children else "(input)"
