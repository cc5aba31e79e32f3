"""The one backward walk of the diagnosis: the chain rule, with some local derivatives replaced.

Every misconception is a wrong number on some edges (see [autograd.teaching.diagnosis.graph][]).
To see what a learner who holds it would compute, backward is replayed with those
numbers in place of the op table's, and nothing else changed::

    grad[input] += (wrong[edge] if edge in wrong else local_derivative(edge)) * grad[node]

It is [`autograd.engine.chain_rule`][autograd.engine.chain_rule] itself, handed the
local derivatives (computed once, in
[BackwardGraph][autograd.teaching.diagnosis.graph.BackwardGraph]) with some of them
replaced; with no replacements it gives the engine's gradients.
"""

from __future__ import annotations

from collections.abc import Mapping

from autograd.engine import chain_rule
from autograd.teaching.diagnosis.graph import BackwardGraph, Edge
from autograd.value import Value

Changes = Mapping[Edge, float]
"""Wrong local derivatives: ``{(node, index): number}``; every other edge keeps the op's rule."""


def walk(graph: BackwardGraph, wrong: Changes | None = None) -> dict[Value, float]:
    """d root / d node for every node, computed by backward with the ``wrong`` local derivatives.

    With ``wrong`` empty these are the right gradients (as ``autograd.gradients`` gives them).
    """
    wrong_at = _by_node(wrong or {})

    def local_derivatives(node: Value) -> tuple[float, ...]:
        right = graph.local[node]
        replaced = wrong_at.get(node)
        return right if replaced is None else tuple(replaced.get(i, d) for i, d in enumerate(right))

    _, grads = chain_rule(graph.root, derivatives=local_derivatives, order=graph.order)
    return grads


def _by_node(wrong: Changes) -> dict[Value, dict[int, float]]:
    """``{(node, index): number}`` as ``{node: {index: number}}``, for one look-up per node."""
    grouped: dict[Value, dict[int, float]] = {}
    for (node, index), number in wrong.items():
        grouped.setdefault(node, {})[index] = number
    return grouped
